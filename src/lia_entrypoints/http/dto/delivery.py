"""Request bodies of the delivery routes: queue a message, settle a send, reprocess dead letters."""

from __future__ import annotations

from datetime import tzinfo
from typing import Annotated

from pydantic import BeforeValidator, Field

from lia_core.domain.delivery import Channel, JobName, MessageContent
from lia_core.domain.template_parts import (
    MAX_BUTTON_VALUE,
    MAX_BUTTONS,
    MAX_LINK,
    ButtonKind,
    HeaderKind,
    TemplateButton,
    TemplateHeader,
)
from lia_core.errors import ValidationError
from lia_core.ports import DeadLetterFilter
from lia_core.services import EnqueueMessage, Settlement
from lia_core.services.dead_letters import MAX_SELECTION
from lia_entrypoints.http.dto.base import INSTANT_PATTERN, In, read_instant

__all__ = [
    "MessageIn",
    "ReprocessIn",
    "SettleIn",
    "TemplateButtonIn",
    "TemplateHeaderIn",
]

_MAX_LIMIT = 2**31 - 1  # a database integer: any larger count is "all" in practice


def _only_an_integer(value: object) -> object:
    # Litestar validates bodies in lax mode (overriding a field's strict=True), where false,
    # 1.0 and "1" pass for integers: refuse them, as the OpenAPI document says.
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError("must be a whole number")
    return value


WholeNumber = Annotated[int, BeforeValidator(_only_an_integer)]
"""A JSON integer, and nothing else (not false, 1.0 or "1")."""


class TemplateHeaderIn(In):
    """A template header's parameter (WhatsApp)."""

    type: HeaderKind = Field(examples=["document"])
    """text, image, video or document."""
    value: str = Field(
        min_length=1, max_length=MAX_LINK, examples=["https://isp.example/faturas/123.pdf"]
    )
    """The text (up to 60 characters), or the media's https:// link."""
    filename: str | None = Field(
        default=None, min_length=1, max_length=240, examples=["fatura.pdf"]
    )
    """A document's file name as the customer sees it (documents only)."""

    def to_core(self) -> TemplateHeader:
        """The core value."""
        return TemplateHeader.of(self.type, self.value, filename=self.filename)


class TemplateButtonIn(In):
    """A template button's parameter (WhatsApp)."""

    type: ButtonKind = Field(examples=["url"])
    """url (the variable end of the button's URL) or quick_reply (the payload sent back)."""
    index: WholeNumber = Field(ge=0, le=MAX_BUTTONS - 1, examples=[0])
    """The button's place in the approved template, from 0."""
    value: str = Field(min_length=1, max_length=MAX_BUTTON_VALUE, examples=["boleto/123"])

    def to_core(self) -> TemplateButton:
        """The core value."""
        return TemplateButton.of(self.type, self.index, self.value)


class MessageIn(In):
    """A message to queue; the worker delivers it."""

    channel: Channel = Field(examples=["whatsapp"])
    """whatsapp, evolution, sms, push or sandbox."""
    to: str = Field(min_length=1, max_length=4096, examples=["5521987654321"])
    """Phone number (E.164) or, for push, device token."""
    text: str | None = Field(
        default=None, max_length=4096, examples=["Olá! Seu reparo foi agendado."]
    )
    """Message text (needed unless `template` is given)."""
    template: str | None = Field(default=None, max_length=512)
    """Approved template to send (WhatsApp)."""
    params: list[str] = Field(default_factory=list, max_length=100)
    """Template body parameters, in order."""
    header: TemplateHeaderIn | None = None
    """The template header's parameter, when its header has one; needs `template`."""
    buttons: list[TemplateButtonIn] = Field(default_factory=list, max_length=MAX_BUTTONS)
    """The template buttons' parameters, one per button with a variable; need `template`."""
    idempotency_key: str | None = Field(default=None, min_length=1, max_length=200)
    """At most one message is queued per key; repeating it answers 200 with the queued job."""

    def to_command(self) -> EnqueueMessage:
        """The core command."""
        if self.params and not self.template:
            raise ValidationError("parameters need a template", field="params")
        content = MessageContent(
            text=self.text,
            template=self.template,
            params=tuple(self.params),
            header=self.header.to_core() if self.header is not None else None,
            buttons=tuple(b.to_core() for b in self.buttons),
        )
        return EnqueueMessage(
            channel=self.channel,
            recipient=self.to,
            content=content,
            source="api",
            idempotency_key=self.idempotency_key,
        )


class ReprocessIn(In):
    """Which dead letters to requeue (all when no filter is set)."""

    job_name: JobName | None = None
    """Only dead letters of this job name."""
    err_code: str | None = Field(default=None, min_length=1, max_length=64, examples=["131056"])
    """Only this provider error code."""
    since: str | None = Field(default=None, pattern=INSTANT_PATTERN)
    """Failed at or after (ISO 8601 text; without an offset, in the ISP's timezone)."""
    until: str | None = Field(default=None, pattern=INSTANT_PATTERN)
    """Failed before (ISO 8601 text; without an offset, in the ISP's timezone)."""
    job_ids: list[Annotated[str, Field(min_length=1, max_length=200)]] | None = Field(
        default=None, min_length=1, max_length=MAX_SELECTION
    )
    """Only these dead letters (job ids), e.g. the ones picked on a page; with the filters too."""
    limit: WholeNumber | None = Field(default=None, ge=1, le=_MAX_LIMIT)
    """Requeue at most this many (oldest failures first)."""
    dry_run: bool = False
    """Only count what would be requeued (the run is still audited)."""

    def to_filter(self, tz: tzinfo) -> DeadLetterFilter:
        """The core filter, with naive times read in *tz*."""
        return DeadLetterFilter(
            job_name=self.job_name,
            err_code=self.err_code,
            since=None if self.since is None else read_instant(self.since, tz, field="since"),
            until=None if self.until is None else read_instant(self.until, tz, field="until"),
            job_ids=None if self.job_ids is None else frozenset(self.job_ids),
        )


class SettleIn(In):
    """What became of an uncertain send."""

    outcome: Settlement = Field(examples=["sent"])
    """`sent`: it was delivered; `resend`: it did not arrive, queue it again."""
    provider_message_id: str | None = Field(default=None, max_length=200)
    """The provider's id for the message, when known (with `sent`)."""
