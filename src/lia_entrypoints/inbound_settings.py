"""Settings of the inbound pipeline: group commit, the outage gate and its texts."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from lia_core.domain.gate import GatePolicy, GateTexts
from lia_core.domain.templates import FAILURE_PLACEHOLDERS, validate_template
from lia_core.services.inbound import InboundPolicy

__all__ = ["InboundSettings"]

_DEFAULT_TEXTS = GateTexts()
# Defaults are the core's (stated once there); the settings only say how to override them.
_GATE = GatePolicy()
_INBOUND = InboundPolicy()
_DAY, _MINUTE = 86400, 60
_GREETING = {"nome": "the customer's name", "saudacao": "', Maria' (first name) or nothing"}
_OPTIONS = {"opcoes": "the numbered list of the customer's addresses"}


class InboundSettings(BaseModel):
    """Webhook ingest and the outage gate (`lia serve`)."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    commit_window_ms: float = Field(default=0.0, ge=0, le=1000)
    """Group commit: how long the first webhook of a round waits for company before the round is written; 0 writes at once, and the webhooks that arrive while a round is written make the next one."""
    max_batch: int = Field(default=500, ge=1, le=10000)
    """Group commit: most webhook items written per transaction."""
    gate: Literal["inline", "worker"] = "inline"
    """Where the gate runs: `inline`, in the `lia serve` process that acknowledged the webhook, right after; `worker`, in `lia worker` processes, which lease stored messages in batches (`lia serve` then only stores and acknowledges). Set the same value for every process ([deployment.md](deployment.md#the-gate-in-workers))."""
    gate_yield_ms: float = Field(default=100.0, ge=0, le=10000)
    """With `gate=inline`: longest the gate stands back before each batch while webhooks are pressing (group-commit rounds of several requests), so a burst is acknowledged first; past it the gate takes a batch of at most 8 ([inbound.md](inbound.md#acknowledgements-first)). 0: the gate never stands back."""
    gate_lanes: int = Field(default=2, ge=1, le=16)
    """With `gate=inline` on PostgreSQL: how many batches the gate handles at once, each chat's messages always in the same lane and in the order stored, so one batch's database round trips overlap another's work. SQLite always uses 1 (one writer at a time)."""
    gate_poll_seconds: float = Field(default=0.25, gt=0, le=60)
    """With `gate=worker`: how often an idle gate worker looks for stored messages without being told (on PostgreSQL each ingest transaction wakes them at once by NOTIFY; SQLite only polls)."""
    process_batch: int = Field(default=_INBOUND.batch_size, ge=1, le=5000)
    """Most stored messages the gate handles per transaction."""
    gate_window_ms: float = Field(default=20.0, ge=0, le=1000)
    """How long the gate waits for more stored messages before handling a batch (fewer, larger transactions)."""
    stale_after_seconds: float = Field(default=_INBOUND.stale_after.total_seconds(), gt=0, le=3600)
    """Messages stored but not handled after this long (a process died) are handled by the recovery sweep."""
    failures_max_age_seconds: float = Field(
        default=_INBOUND.failures_max_age.total_seconds(), ge=0, le=60
    )
    """How often the in-memory index of active failures re-checks the database for changes."""
    address_ttl_days: float = Field(default=_GATE.address_ttl.total_seconds() / _DAY, ge=0)
    """How long a contact's stored address (from the CRM or a typed CEP) is trusted."""
    reminder_interval_minutes: float = Field(
        default=_GATE.reminder_interval.total_seconds() / _MINUTE, ge=0
    )
    """At most one short reminder per conversation per interval while its outage lasts."""
    max_attempts: int = Field(default=_GATE.max_attempts, ge=1, le=10)
    """Unreadable answers to the CEP or address question before the conversation goes to a human."""
    human_keywords: list[str] = Field(default_factory=lambda: list(_GATE.human_keywords))
    """Words that ask for a person (accents and case ignored)."""
    menu_option: str = _GATE.menu_option
    """A reply of just this (or a button with this id) also asks for a person."""
    queue_reply: str | None = None
    """Said once when a conversation enters the human queue (unset: nothing is said)."""
    proactive_notice: bool = False
    """On activation, notify every CRM customer in the affected regions (the worker does it; needs `LIA_CRM__KIND=file`)."""
    proactive_template: str | None = None
    """Approved WhatsApp template for proactive notices (business-initiated); parameters: name, failure, estimated resolution."""
    ask_cep_text: str = _DEFAULT_TEXTS.ask_cep
    """Asks for the CEP; placeholders `{nome}`, `{saudacao}`."""
    cep_invalid_text: str = _DEFAULT_TEXTS.cep_invalid
    """Asks again after an unreadable CEP; placeholders `{nome}`, `{saudacao}`."""
    ask_address_text: str = _DEFAULT_TEXTS.ask_address
    """Asks which address a customer with several contracts means; placeholder `{opcoes}`."""
    reminder_text: str = _DEFAULT_TEXTS.reminder
    """The short reminder during an outage; placeholders `{nome}`, `{falha}`, `{previsao}`, `{regiao}`."""

    @field_validator("ask_cep_text", "cep_invalid_text")
    @classmethod
    def _greeting_text(cls, value: str) -> str:
        return validate_template(value, field="ask_cep_text", allowed=_GREETING)

    @field_validator("ask_address_text")
    @classmethod
    def _options_text(cls, value: str) -> str:
        return validate_template(value, field="ask_address_text", allowed=_OPTIONS)

    @field_validator("reminder_text")
    @classmethod
    def _reminder_text(cls, value: str) -> str:
        return validate_template(value, field="reminder_text", allowed=FAILURE_PLACEHOLDERS)

    def texts(self) -> GateTexts:
        """The gate's texts."""
        return GateTexts(
            ask_cep=self.ask_cep_text,
            cep_invalid=self.cep_invalid_text,
            ask_address=self.ask_address_text,
            reminder=self.reminder_text,
        )
