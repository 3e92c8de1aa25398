"""Every setting LIA reads, from ``LIA_*`` environment variables or a ``.env`` file."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from lia_core.assignment.policy import (
    DEFAULT_OFFER_TIMEOUT,
    DEFAULT_PRESENCE_TTL,
    DEFAULT_RETURN_AFTER,
)
from lia_core.desk.alerts import DIGEST_AFTER
from lia_core.desk.monitor import (
    DEFAULT_BATCH,
    DEFAULT_INTERVAL_SECONDS,
    DEFAULT_LANES,
    DEFAULT_PLANNER_INTERVAL_SECONDS,
    MAX_LANES,
)
from lia_core.domain.delivery import Channel
from lia_core.domain.login_throttle import ThrottlePolicy
from lia_core.handoff import HandoffPolicy
from lia_core.services.alerts import AlertPolicy
from lia_core.services.bot import BotPolicy
from lia_core.services.desk_policy import DEFAULT_POLICY_REFRESH
from lia_core.services.dispatch import DeliveryPolicy
from lia_core.services.inbound import InboundPolicy
from lia_core.services.surveys import NpsPolicy
from lia_entrypoints.inbound_settings import InboundSettings
from lia_entrypoints.provider_settings import (
    CrmSettings,
    EvolutionSettings,
    FcmSettings,
    TwilioSettings,
    WhatsAppSettings,
)
from lia_entrypoints.realtime_settings import RealtimeSettings
from lia_entrypoints.settings_table import masked_settings

__all__ = ["HttpSettings", "Settings", "WorkerSettings", "masked_settings"]


# Defaults are the core's (stated once there); the settings only say how to override them.
_DELIVERY = DeliveryPolicy()
_RETRY = _DELIVERY.retry
_ALERTS = AlertPolicy()
_INBOUND = InboundPolicy()
_NPS = NpsPolicy()
_LOGIN = ThrottlePolicy()


class HttpSettings(BaseModel):
    """The HTTP service (`lia serve`)."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    host: str = "127.0.0.1"
    """Interface to listen on; `0.0.0.0` to accept connections from other machines."""
    port: int = Field(default=8000, ge=1, le=65535)
    """TCP port to listen on."""
    public_url: str | None = None
    """The URL providers call LIA at (e.g. `https://lia.example.com.br`); Twilio signatures are computed over it. Default: the URL of the request."""
    jwt_ttl_minutes: int = Field(default=480, ge=1, le=60 * 24 * 30)
    """How long a login token (API) or a console sign-in stays valid."""
    metrics_cache_seconds: float = Field(default=10.0, ge=0, le=300)
    """How long `GET /metrics` reuses its counts of the stored state (tickets, SLA, queues, agents, surveys) before it reads the database again; 0 reads on every scrape."""


class LoginSettings(BaseModel):
    """The login throttle (API and console sign-ins; docs/security.md)."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    free_attempts_per_username: int = Field(default=_LOGIN.free_per_username, ge=1, le=1000)
    """Failed sign-ins a username may have before each further attempt waits (1 s, 2 s, 4 s, …)."""
    free_attempts_per_address: int = Field(default=_LOGIN.free_per_address, ge=1, le=100_000)
    """Failed sign-ins one client address may have (whatever the usernames) before it waits; higher than per username, since an office shares one address."""
    base_delay_seconds: float = Field(default=_LOGIN.base_delay.total_seconds(), gt=0, le=3600)
    """The first wait once the free attempts are used; each further failure doubles it."""
    max_delay_seconds: float = Field(default=_LOGIN.max_delay.total_seconds(), gt=0, le=86_400)
    """The longest wait (the doubling stops there)."""
    forget_after_minutes: float = Field(
        default=_LOGIN.forget_after.total_seconds() / 60, gt=0, le=7 * 24 * 60
    )
    """A username's or address's failures are forgotten when none happened for this long (at least the longest wait)."""


class WorkerSettings(BaseModel):
    """The background worker (`lia worker`)."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    poll_interval_seconds: float = Field(default=5.0, gt=0, le=3600)
    """How often the worker looks for scheduled failures to activate."""
    idle_seconds: float = Field(default=0.25, gt=0, le=60)
    """How long an idle worker waits before looking for due messages again (bounds a live reply's queue wait)."""


class DeliverySettings(BaseModel):
    """The outbound delivery engine (`lia worker`)."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    lease_seconds: float = Field(default=_DELIVERY.lease_seconds, gt=1, le=3600)
    """How long a claimed job stays with its worker; a crashed worker's jobs are retried after this."""
    batch_size: int = Field(default=_DELIVERY.batch_size, ge=1, le=5000)
    """Jobs claimed per round."""
    concurrency: int = Field(default=_DELIVERY.concurrency, ge=1, le=1000)
    """Sends in flight at once per worker process."""
    max_attempts: int = Field(default=_RETRY.max_attempts, ge=1, le=100)
    """Tries before a transiently failing job is dead-lettered."""
    base_delay_seconds: float = Field(default=_RETRY.base_delay_seconds, gt=0, le=600)
    """First retry delay; doubles per attempt (full jitter)."""
    max_retry_after_seconds: float = Field(default=_RETRY.max_retry_after_seconds, gt=0, le=3600)
    """Cap on a provider's Retry-After."""
    breaker_threshold: int = Field(default=_DELIVERY.breaker_threshold, ge=1, le=1000)
    """Consecutive channel failures that open the circuit breaker (per channel and job name)."""
    breaker_cooldown_seconds: float = Field(
        default=_DELIVERY.breaker_cooldown_seconds, gt=0, le=3600
    )
    """How long an open breaker waits before a probe."""
    whatsapp_rate: float = Field(default=_DELIVERY.rates[Channel.WHATSAPP], gt=0)
    """Messages per second per WhatsApp phone number id (Meta counts inbound messages too: leave headroom)."""
    evolution_rate: float = Field(default=_DELIVERY.rates[Channel.EVOLUTION], gt=0)
    """Messages per second through Evolution API."""
    sms_rate: float = Field(default=_DELIVERY.rates[Channel.SMS], gt=0)
    """SMS per second through Twilio."""
    push_rate: float = Field(default=_DELIVERY.rates[Channel.PUSH], gt=0)
    """Push notifications per second through FCM."""
    sandbox_rate: float = Field(default=_DELIVERY.rates[Channel.SANDBOX], gt=0)
    """Messages per second on the sandbox channel."""
    pair_interval_seconds: float = Field(
        default=_DELIVERY.pair_intervals[Channel.WHATSAPP], ge=0, le=600
    )
    """Minimum spacing between two WhatsApp messages to the same person (Meta error 131056)."""
    rate_scope: Literal["shared", "process"] = "shared"
    """`shared`: every worker on the database takes send slots from one cap per provider account (the `rate_gates` table); `process`: each worker paces alone (N workers send at up to N times the rates)."""
    max_dlq_reprocess: int = Field(default=3, ge=1, le=100)
    """How many times one job may be reprocessed from the dead-letter queue."""
    request_timeout_seconds: float = Field(default=10.0, gt=0, le=120)
    """HTTP timeout for provider calls; a read timeout makes the send uncertain, never blindly resent."""
    notice_channels: list[str] = Field(default_factory=list)
    """Channel order for outage notices, e.g. `["whatsapp","sms"]`; default: the configured providers, else sandbox."""
    resolution_channels: list[str] = Field(default_factory=list)
    """Channel order for resolution broadcasts; default: as for notices."""


class AlertSettings(BaseModel):
    """Alerts to the admin (breaker opened, channel down, backlog, dead letters)."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    admin_recipient: str | None = None
    """Phone (or device token) alerts go to; unset: alerts are only logged."""
    channel: str = _ALERTS.channel.value
    """Channel alerts go out on."""
    cooldown_seconds: float = Field(default=_ALERTS.cooldown_seconds, ge=0)
    """The same alert is sent at most once per this many seconds."""
    backlog_threshold: int = Field(default=_ALERTS.backlog_threshold, ge=1)
    """Pending jobs that trigger a backlog alert."""
    dead_letter_threshold: int = Field(default=_ALERTS.dead_letter_threshold, ge=1)
    """Dead letters that trigger an alert."""
    dlq_webhook_url: str | None = None
    """If set, every dead-letter reprocessing run is POSTed here as JSON (best effort)."""


class DeskSettings(BaseModel):
    """The ticket desk (`lia serve` and `lia worker`): its policy's refresh, the SLA monitor."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    policy_refresh_seconds: float = Field(
        default=DEFAULT_POLICY_REFRESH.total_seconds(), gt=0, le=3600
    )
    """How often each process checks for a new desk-policy revision (`lia rules load`): a new revision applies within this many seconds, without a restart."""
    monitor_interval_seconds: float = Field(default=DEFAULT_INTERVAL_SECONDS, gt=0, le=3600)
    """How often the worker looks for tickets whose SLA clocks crossed a threshold (warning, breach) and raises their alerts."""
    planner_interval_seconds: float = Field(default=DEFAULT_PLANNER_INTERVAL_SECONDS, gt=0, le=3600)
    """How often the worker plans the coming SLA visits of the tickets saved since (so the monitor applies them in one statement instead of re-reading each timeline)."""
    monitor_batch: int = Field(default=DEFAULT_BATCH, ge=1, le=10_000)
    """Tickets the SLA monitor takes per transaction (a tick repeats while more were due than it took)."""
    monitor_lanes: int = Field(default=DEFAULT_LANES, ge=1, le=MAX_LANES)
    """Batches the SLA monitor runs at once, each in its own transaction, when many tickets are due together (PostgreSQL; on SQLite, with one writer at a time, it runs one)."""
    alert_digest_after: int = Field(default=DIGEST_AFTER, ge=1, le=100_000)
    """SLA-monitor alerts of one kind for one staff member in one batch beyond which they get one digest message naming the tickets instead of one message each (an outage can put hundreds of tickets past a threshold at once)."""


_HANDOFF = HandoffPolicy()
_BOT = BotPolicy()


class BotSettings(BaseModel):
    """The bot in the live flow (`lia serve` runs it on messages, `lia worker` runs its timers)."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    enabled: bool = True
    """Run the handoff policy on every message the outage gate lets through (shortcut, clarifying question, handoff); off: every conversation goes straight to the human queue."""
    menu_after_seconds: float = Field(default=_HANDOFF.offer_after.total_seconds(), gt=0, le=86_400)
    """Customer silence after which the bot sends the menu "1 continuar / 2 atendente / 3 cancelar"."""
    close_after_seconds: float = Field(
        default=_HANDOFF.close_after.total_seconds(), gt=0, le=86_400
    )
    """Customer silence after which an unanswered menu closes the conversation (longer than `menu_after_seconds`)."""
    timer_interval_seconds: float = Field(default=15.0, gt=0, le=3600)
    """How often the worker looks for conversations whose inactivity menu or close is due."""
    timer_batch: int = Field(default=_BOT.timer_batch, ge=1, le=10_000)
    """Conversations the inactivity timer takes per transaction (a tick repeats while a full batch came back)."""


class NpsSettings(BaseModel):
    """NPS surveys in the live flow (docs/nps.md): after a resolution, the customer is asked 0-10."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    enabled: bool = _NPS.enabled
    """Survey customers after a ticket is resolved or the bot closes a conversation; off: no survey is sent and no reply is taken as a score."""
    question: str = Field(default=_NPS.question, min_length=1, max_length=1000)
    """The survey's text ("De 0 a 10, …")."""
    ask_again: str = Field(default=_NPS.ask_again, min_length=1, max_length=1000)
    """Said once when a reply tried to answer but could not be read ("9 ou 10", "9,5", "100")."""
    thanks: str = Field(default=_NPS.thanks, min_length=1, max_length=1000)
    """The reply to a promoter's or passive's answer (7-10)."""
    detractor_thanks: str = Field(default=_NPS.detractor_thanks, min_length=1, max_length=1000)
    """The reply to a detractor's answer (0-6), whose follow-up is opened for staff."""
    whatsapp_template: str | None = Field(default=None, min_length=1, max_length=512)
    """An approved WhatsApp template (no parameters) asking the same, sent when WhatsApp's 24-hour window has closed; unset: no survey then."""
    whatsapp_language: str = Field(default=_NPS.whatsapp_language, min_length=2, max_length=16)
    """The template's language code."""
    cooldown_days: float = Field(
        default=_NPS.rules.cooldown.total_seconds() / 86_400, ge=0, le=3650
    )
    """A customer surveyed less than this many days ago is not surveyed again."""
    answer_window_hours: float = Field(
        default=_NPS.rules.answer_window.total_seconds() / 3600, gt=0, le=24 * 90
    )
    """How long a survey takes answers; later, what the customer writes goes to the normal flow."""
    delay_seconds: float = Field(default=_NPS.delay.total_seconds(), ge=0, le=86_400)
    """How long after the resolution the survey is sent (the goodbye or the last reply first)."""


class GamificationScheduleSettings(BaseModel):
    """When the worker runs the gamification months (docs/gamification.md)."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    enabled: bool = True
    """Let the worker run the current month (and last month once after it ends) on a schedule; off: only `lia gamification run` and the API run them."""
    interval_seconds: float = Field(default=3600, ge=60, le=31 * 86_400)
    """How often the worker runs the current month again (the ranking is that fresh)."""


class RetentionSettings(BaseModel):
    """How long stored rows are kept before the worker purges them (docs/deployment.md, "Retention")."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    outbox_days: int = Field(default=0, ge=0, le=36_500)
    """Delete finished outbound jobs (sent, dead; dead ones with their dead letter) created and last changed this many days ago; 0 keeps them forever. Pending, sending and uncertain jobs are never deleted."""
    webhook_raw_days: int = Field(default=0, ge=0, le=36_500)
    """Blank the content (text, display name, details, reply id) of processed inbound messages stored this many days ago, keeping the row and its provider message id (duplicates are still recognised); 0 keeps it forever."""
    audit_days: int = Field(default=0, ge=0, le=36_500)
    """Delete audit-log rows written this many days ago; 0 keeps them forever."""
    interval_seconds: float = Field(default=3600, ge=60, le=31 * 86_400)
    """How often the worker runs the purges that are on."""
    batch_size: int = Field(default=1000, ge=1, le=100_000)
    """Rows per transaction of a purge, so a purge of millions never holds its locks for long."""


class AssignmentSettings(BaseModel):
    """People in the loop (docs/desk.md): presence, offers, the away rule, the return timer."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    presence_ttl_seconds: float = Field(default=DEFAULT_PRESENCE_TTL.total_seconds(), gt=0, le=3600)
    """An agent not heard from (`POST /api/v1/agents/me/presence`) for this long counts as offline, unless their auto-offline is off."""
    offer_timeout_seconds: float = Field(
        default=DEFAULT_OFFER_TIMEOUT.total_seconds(), gt=0, le=86_400
    )
    """How long an offer waits for the agent's accept before it times out and goes to the next candidate."""
    strategy: Literal["round_robin", "least_load"] = "round_robin"
    """Who is offered next in a department: the agent offered least recently (round_robin) or the one holding the fewest conversations (least_load)."""
    on_away: Literal["keep", "return"] = "keep"
    """What happens to an agent's open conversations when they go away or offline: they keep them, or they return to their queues (audited either way)."""
    return_after_minutes: float = Field(
        default=DEFAULT_RETURN_AFTER.total_seconds() / 60, ge=0, le=1440
    )
    """An assigned conversation with no first human reply within this many minutes goes back to its queue (0: never)."""
    tick_seconds: float = Field(default=5.0, gt=0, le=3600)
    """How often the worker sweeps presence, times out offers, runs the return timer and makes new offers."""
    batch: int = Field(default=1000, ge=1, le=100_000)
    """Rows one assignment transaction takes (offers made or timed out, conversations returned)."""


class Settings(BaseSettings):
    """LIA's configuration; nothing is required to start on the embedded SQLite default."""

    model_config = SettingsConfigDict(
        env_prefix="LIA_",
        env_nested_delimiter="__",
        env_file=".env",
        extra="ignore",
        use_attribute_docstrings=True,
    )

    data_dir: Path = Path("var")
    """Directory for the embedded database and the generated JWT secret."""
    database_url: str | None = None
    """SQLAlchemy URL: `postgresql+psycopg://user@host/db` or `sqlite+aiosqlite:///path.db`; default: SQLite file `<data_dir>/lia.db`."""
    timezone: str = "America/Sao_Paulo"
    """The ISP's timezone: times without an offset are read in it and shown in it."""
    jwt_secret: SecretStr | None = None
    """Key that signs login tokens; default: a random key kept in `<data_dir>/jwt-secret`. Set it when running more than one replica."""
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    """Least severe log level printed."""
    log_format: Literal["auto", "json", "console"] = "auto"
    """`json` (one JSON object per line), `console` (readable), or `auto`: console on a terminal, JSON otherwise."""
    http: HttpSettings = HttpSettings()
    """HTTP service settings (`LIA_HTTP__PORT`, …)."""
    login: LoginSettings = LoginSettings()
    """The login throttle (`LIA_LOGIN__FREE_ATTEMPTS_PER_USERNAME`, …)."""
    worker: WorkerSettings = WorkerSettings()
    """Worker settings (`LIA_WORKER__POLL_INTERVAL_SECONDS`, …)."""
    delivery: DeliverySettings = DeliverySettings()
    """Delivery engine settings (`LIA_DELIVERY__WHATSAPP_RATE`, …)."""
    alerts: AlertSettings = AlertSettings()
    """Admin alerts (`LIA_ALERTS__ADMIN_RECIPIENT`, …)."""
    whatsapp: WhatsAppSettings = WhatsAppSettings()
    """WhatsApp Cloud API (`LIA_WHATSAPP__ACCESS_TOKEN`, …)."""
    evolution: EvolutionSettings = EvolutionSettings()
    """Evolution API (`LIA_EVOLUTION__API_KEY`, …)."""
    twilio: TwilioSettings = TwilioSettings()
    """Twilio SMS (`LIA_TWILIO__AUTH_TOKEN`, …)."""
    fcm: FcmSettings = FcmSettings()
    """Firebase Cloud Messaging (`LIA_FCM__PROJECT_ID`, …)."""
    crm: CrmSettings = CrmSettings()
    """The CRM (`LIA_CRM__KIND`, …)."""
    inbound: InboundSettings = InboundSettings()
    """Webhook ingest and the outage gate (`LIA_INBOUND__REMINDER_INTERVAL_MINUTES`, …)."""
    desk: DeskSettings = DeskSettings()
    assignment: AssignmentSettings = AssignmentSettings()
    """The ticket desk (`LIA_DESK__POLICY_REFRESH_SECONDS`, `LIA_DESK__MONITOR_INTERVAL_SECONDS`, …)."""
    bot: BotSettings = BotSettings()
    """The bot in the live flow (`LIA_BOT__ENABLED`, `LIA_BOT__MENU_AFTER_SECONDS`, …)."""
    nps: NpsSettings = NpsSettings()
    """NPS surveys (`LIA_NPS__ENABLED`, `LIA_NPS__QUESTION`, …)."""
    gamification: GamificationScheduleSettings = GamificationScheduleSettings()
    """The worker's gamification runs (`LIA_GAMIFICATION__ENABLED`, `LIA_GAMIFICATION__INTERVAL_SECONDS`)."""
    retention: RetentionSettings = RetentionSettings()
    """The worker's retention purges (`LIA_RETENTION__OUTBOX_DAYS`, `LIA_RETENTION__AUDIT_DAYS`, …)."""
    realtime: RealtimeSettings = RealtimeSettings()
    """Realtime events and the WebSocket (`LIA_REALTIME__HEARTBEAT_SECONDS`, `LIA_REALTIME__CHANNEL`, …)."""

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(
                f"unknown timezone {value!r} (use an IANA name such as America/Sao_Paulo)"
            ) from exc
        return value

    @field_validator("database_url")
    @classmethod
    def _supported_database(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(
            ("postgresql+psycopg://", "sqlite+aiosqlite://")
        ):
            raise ValueError(
                "database URL must start with postgresql+psycopg:// or sqlite+aiosqlite://"
            )
        return value

    @property
    def effective_database_url(self) -> str:
        """The URL in use: the configured one or the embedded SQLite file."""
        return self.database_url or f"sqlite+aiosqlite:///{self.data_dir / 'lia.db'}"

    @property
    def uses_embedded_database(self) -> bool:
        """True when the database is SQLite (migrations are then applied automatically)."""
        return self.effective_database_url.startswith("sqlite")

    @property
    def tz(self) -> ZoneInfo:
        """The ISP's timezone."""
        return ZoneInfo(self.timezone)

    def jwt_key(self) -> str:
        """The token-signing key, creating and keeping a random one on first use if none is set."""
        if self.jwt_secret is not None:
            return self.jwt_secret.get_secret_value()
        path = self.data_dir / "jwt-secret"
        if path.exists():
            return path.read_text().strip()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(48)
        path.touch(mode=0o600)
        path.write_text(key)
        return key
