"""Settings turned into the core's policy values; each default is stated once, in the core.

A value the core refuses (an unknown channel name) raises `InvalidSetting` naming the variable.
"""

from __future__ import annotations

from datetime import timedelta

from lia_core.assignment import AssignmentPolicy, AwayRule, Strategy
from lia_core.domain.delivery import Channel, JobName
from lia_core.domain.delivery_policy import RetryPolicy
from lia_core.domain.gate import GatePolicy
from lia_core.domain.login_throttle import ThrottlePolicy
from lia_core.domain.retention import RetentionPolicy
from lia_core.errors import ValidationError
from lia_core.handoff import HandoffPolicy
from lia_core.nps import SurveyPolicy
from lia_core.services import ChannelOrder
from lia_core.services.alerts import AlertPolicy
from lia_core.services.bot import BotPolicy
from lia_core.services.dispatch import DeliveryPolicy
from lia_core.services.inbound import InboundPolicy
from lia_core.services.surveys import NpsPolicy
from lia_entrypoints.adapters import configured_channels
from lia_entrypoints.invalid_setting import InvalidSetting
from lia_entrypoints.settings import Settings

__all__ = [
    "alert_policy",
    "assignment_policy",
    "bot_policy",
    "channel_order",
    "delivery_policy",
    "desk_policy_refresh",
    "gate_policy",
    "inbound_policy",
    "login_policy",
    "nps_policy",
    "reply_channels",
    "retention_policy",
    "retry_policy",
]


def gate_policy(settings: Settings) -> GatePolicy:
    """The gate's knobs from `LIA_INBOUND__*`."""
    s = settings.inbound
    return GatePolicy(
        address_ttl=timedelta(days=s.address_ttl_days),
        reminder_interval=timedelta(minutes=s.reminder_interval_minutes),
        max_attempts=s.max_attempts,
        human_keywords=tuple(s.human_keywords),
        menu_option=s.menu_option,
        texts=s.texts(),
    )


def reply_channels(settings: Settings) -> dict[Channel, Channel]:
    """Replies go back on the customer's channel, or to the sandbox when it has no credentials."""
    real = set(configured_channels(settings))
    return {c: (c if c in real else Channel.SANDBOX) for c in Channel}


def inbound_policy(settings: Settings) -> InboundPolicy:
    """How stored messages are handled: the gate, replies, the CRM deadline, the sweep."""
    s = settings.inbound
    return InboundPolicy(
        gate=gate_policy(settings),
        reply_channels=reply_channels(settings),
        queue_reply=s.queue_reply,
        crm_timeout=timedelta(seconds=settings.crm.timeout_seconds),
        failures_max_age=timedelta(seconds=s.failures_max_age_seconds),
        stale_after=timedelta(seconds=s.stale_after_seconds),
        batch_size=s.process_batch,
        bot=bot_policy(settings),
    )


def nps_policy(settings: Settings) -> NpsPolicy:
    """NPS surveys from `LIA_NPS__*`."""
    s = settings.nps
    return NpsPolicy(
        enabled=s.enabled,
        rules=SurveyPolicy(
            cooldown=timedelta(days=s.cooldown_days),
            answer_window=timedelta(hours=s.answer_window_hours),
        ),
        question=s.question,
        ask_again=s.ask_again,
        thanks=s.thanks,
        detractor_thanks=s.detractor_thanks,
        whatsapp_template=s.whatsapp_template,
        whatsapp_language=s.whatsapp_language,
        delay=timedelta(seconds=s.delay_seconds),
    )


def bot_policy(settings: Settings) -> BotPolicy | None:
    """The bot from `LIA_BOT__*` (None when disabled: the human queue takes every message)."""
    s = settings.bot
    if not s.enabled:
        return None
    if s.close_after_seconds <= s.menu_after_seconds:
        raise InvalidSetting(
            "LIA_BOT__CLOSE_AFTER_SECONDS", "must be longer than LIA_BOT__MENU_AFTER_SECONDS"
        )
    handoff = HandoffPolicy(
        offer_after=timedelta(seconds=s.menu_after_seconds),
        close_after=timedelta(seconds=s.close_after_seconds),
    )
    return BotPolicy(handoff=handoff, timer_batch=s.timer_batch)


def _channel(name: str, setting: str) -> Channel:
    try:
        return Channel.parse(name, field=setting)
    except ValidationError as exc:
        raise InvalidSetting(setting, exc.message) from None


def _parse_order(raw: list[str], default: tuple[Channel, ...], setting: str) -> tuple[Channel, ...]:
    if not raw:
        return default
    return tuple(_channel(name, setting) for name in raw)


def channel_order(settings: Settings) -> ChannelOrder:
    """Per notification type, the channels to try in order (fallback on permanent failure)."""
    messaging = tuple(c for c in configured_channels(settings) if c is not Channel.PUSH)
    default = messaging or (Channel.SANDBOX,)
    d = settings.delivery
    notices = _parse_order(d.notice_channels, default, "LIA_DELIVERY__NOTICE_CHANNELS")
    resolutions = _parse_order(d.resolution_channels, notices, "LIA_DELIVERY__RESOLUTION_CHANNELS")
    return {JobName.OUTAGE_NOTICE: notices, JobName.OUTAGE_RESOLUTION: resolutions}


def retry_policy(settings: Settings) -> RetryPolicy:
    """When a failed send is tried again, and when it is given up."""
    d = settings.delivery
    return RetryPolicy(
        base_delay_seconds=d.base_delay_seconds,
        max_attempts=d.max_attempts,
        max_retry_after_seconds=d.max_retry_after_seconds,
    )


def delivery_policy(settings: Settings) -> DeliveryPolicy:
    """Pacing, leasing and retry knobs for the dispatcher."""
    d = settings.delivery
    return DeliveryPolicy(
        retry=retry_policy(settings),
        lease_seconds=d.lease_seconds,
        batch_size=d.batch_size,
        concurrency=d.concurrency,
        breaker_threshold=d.breaker_threshold,
        breaker_cooldown_seconds=d.breaker_cooldown_seconds,
        rates={
            Channel.WHATSAPP: d.whatsapp_rate,
            Channel.EVOLUTION: d.evolution_rate,
            Channel.SMS: d.sms_rate,
            Channel.PUSH: d.push_rate,
            Channel.SANDBOX: d.sandbox_rate,
        },
        pair_intervals=(
            {Channel.WHATSAPP: d.pair_interval_seconds, Channel.EVOLUTION: d.pair_interval_seconds}
            if d.pair_interval_seconds
            else {}
        ),
        rate_keys=rate_keys(settings),
    )


def rate_keys(settings: Settings) -> dict[Channel, str]:
    """Whose cap each channel's sends count against: the provider account, as the provider counts.

    Meta caps each WhatsApp phone number id; Twilio an account; Evolution an instance; FCM a
    project. Workers configured for the same account share its cap (`LIA_DELIVERY__RATE_SCOPE`).
    """
    keys = {Channel.SANDBOX: "sandbox"}
    if settings.whatsapp.phone_number_id:
        keys[Channel.WHATSAPP] = f"whatsapp:{settings.whatsapp.phone_number_id}"
    if settings.evolution.instance:
        keys[Channel.EVOLUTION] = (
            f"evolution:{settings.evolution.base_url or ''}/{settings.evolution.instance}"
        )
    if settings.twilio.account_sid:
        keys[Channel.SMS] = f"sms:{settings.twilio.account_sid}"
    if settings.fcm.project_id:
        keys[Channel.PUSH] = f"push:{settings.fcm.project_id}"
    return {channel: key[:200] for channel, key in keys.items()}


def alert_policy(settings: Settings) -> AlertPolicy:
    """Who gets admin alerts and how often."""
    a = settings.alerts
    return AlertPolicy(
        admin_recipient=a.admin_recipient,
        channel=_channel(a.channel, "LIA_ALERTS__CHANNEL"),
        cooldown_seconds=a.cooldown_seconds,
        backlog_threshold=a.backlog_threshold,
        dead_letter_threshold=a.dead_letter_threshold,
    )


def desk_policy_refresh(settings: Settings) -> timedelta:
    """How stale a process's desk policy may be (`LIA_DESK__POLICY_REFRESH_SECONDS`)."""
    return timedelta(seconds=settings.desk.policy_refresh_seconds)


def assignment_policy(settings: Settings) -> AssignmentPolicy:
    """How conversations find agents (`LIA_ASSIGNMENT__*`)."""
    a = settings.assignment
    return AssignmentPolicy(
        presence_ttl=timedelta(seconds=a.presence_ttl_seconds),
        offer_timeout=timedelta(seconds=a.offer_timeout_seconds),
        strategy=Strategy(a.strategy),
        on_away=AwayRule(a.on_away),
        return_after=timedelta(minutes=a.return_after_minutes) if a.return_after_minutes else None,
        batch=a.batch,
    )


def retention_policy(settings: Settings) -> RetentionPolicy:
    """The worker's purges from ``LIA_RETENTION__*`` (0 days: kept forever)."""
    r = settings.retention
    return RetentionPolicy(
        outbox_days=r.outbox_days,
        webhook_raw_days=r.webhook_raw_days,
        audit_days=r.audit_days,
        batch_size=r.batch_size,
    )


def login_policy(settings: Settings) -> ThrottlePolicy:
    """The login throttle; InvalidSetting when the waits are out of order."""
    s = settings.login
    base = timedelta(seconds=s.base_delay_seconds)
    longest = timedelta(seconds=s.max_delay_seconds)
    forget = timedelta(minutes=s.forget_after_minutes)
    if longest < base:
        raise InvalidSetting(
            "LIA_LOGIN__MAX_DELAY_SECONDS", "must be at least LIA_LOGIN__BASE_DELAY_SECONDS"
        )
    if forget < longest:
        raise InvalidSetting(
            "LIA_LOGIN__FORGET_AFTER_MINUTES", "must be at least LIA_LOGIN__MAX_DELAY_SECONDS"
        )
    return ThrottlePolicy(
        free_per_username=s.free_attempts_per_username,
        free_per_address=s.free_attempts_per_address,
        base_delay=base,
        max_delay=longest,
        forget_after=forget,
    )
