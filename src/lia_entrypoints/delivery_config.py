"""Translate delivery settings into core policy values: channel order, pacing, retry, alerts."""

from __future__ import annotations

from lia_core.domain.delivery import Channel, JobName
from lia_core.domain.delivery_policy import RetryPolicy
from lia_core.services import ChannelOrder
from lia_core.services.alerts import AlertPolicy
from lia_core.services.dispatch import DeliveryPolicy
from lia_entrypoints.settings import Settings

__all__ = ["alert_policy", "channel_order", "configured_channels", "delivery_policy"]


def configured_channels(settings: Settings) -> tuple[Channel, ...]:
    """The channels whose provider credentials are set, in preference order."""
    found: list[Channel] = []
    if settings.whatsapp.phone_number_id and settings.whatsapp.access_token:
        found.append(Channel.WHATSAPP)
    if settings.evolution.base_url and settings.evolution.instance and settings.evolution.api_key:
        found.append(Channel.EVOLUTION)
    if settings.twilio.account_sid and settings.twilio.auth_token:
        found.append(Channel.SMS)
    if settings.fcm.project_id and (settings.fcm.service_account_file or settings.fcm.access_token):
        found.append(Channel.PUSH)
    return tuple(found)


def _parse_order(raw: list[str], default: tuple[Channel, ...], field: str) -> tuple[Channel, ...]:
    if not raw:
        return default
    return tuple(Channel.parse(name, field=field) for name in raw)


def channel_order(settings: Settings) -> ChannelOrder:
    """Per notification type, the channels to try in order (fallback on permanent failure)."""
    messaging = tuple(c for c in configured_channels(settings) if c is not Channel.PUSH)
    default = messaging or (Channel.SANDBOX,)
    notices = _parse_order(settings.delivery.notice_channels, default, "notice_channels")
    resolutions = _parse_order(
        settings.delivery.resolution_channels, notices, "resolution_channels"
    )
    return {JobName.OUTAGE_NOTICE: notices, JobName.OUTAGE_RESOLUTION: resolutions}


def delivery_policy(settings: Settings) -> DeliveryPolicy:
    """Pacing, leasing and retry knobs for the dispatcher."""
    d = settings.delivery
    return DeliveryPolicy(
        retry=RetryPolicy(
            base_delay_seconds=d.base_delay_seconds,
            max_attempts=d.max_attempts,
            max_retry_after_seconds=d.max_retry_after_seconds,
        ),
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
    )


def alert_policy(settings: Settings) -> AlertPolicy:
    """Who gets admin alerts and how often."""
    a = settings.alerts
    return AlertPolicy(
        admin_recipient=a.admin_recipient,
        channel=Channel.parse(a.channel, field="alerts.channel"),
        cooldown_seconds=a.cooldown_seconds,
        backlog_threshold=a.backlog_threshold,
        dead_letter_threshold=a.dead_letter_threshold,
    )
