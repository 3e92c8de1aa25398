"""Alerts to the admin (breaker opened, channel down, backlog too deep) as `notify-user` jobs, with a cooldown."""

from __future__ import annotations

from collections.abc import Callable

import attrs

from lia_core.domain.delivery import Channel, JobContext, JobName, JobStatus, MessageContent
from lia_core.domain.delivery_policy import SendFailure
from lia_core.domain.recipients import parse_recipient
from lia_core.ports import Clock, IdGenerator, UnitOfWorkFactory
from lia_core.services.outbox import new_job

__all__ = ["AlertPolicy", "Alerter"]


@attrs.frozen(kw_only=True)
class AlertPolicy:
    """Who is alerted, how, and how often at most."""

    admin_recipient: str | None = None
    channel: Channel = Channel.SANDBOX
    cooldown_seconds: float = 300.0
    backlog_threshold: int = 5000
    dead_letter_threshold: int = 100


AlertHook = Callable[[str, str], None]
"""Called with (alert kind, text) for every alert raised, sent or not (entrypoints log it)."""


@attrs.define
class Alerter:
    """Raises alerts; each distinct alert at most once per cooldown."""

    uow: UnitOfWorkFactory
    clock: Clock
    ids: IdGenerator
    policy: AlertPolicy
    monotonic: Callable[[], float]
    hook: AlertHook = lambda _kind, _text: None
    _last: dict[str, float] = attrs.field(factory=dict)

    async def breaker_opened(
        self, channel: Channel, job_name: JobName, failure: SendFailure
    ) -> bool:
        """The circuit for (channel, job name) opened after repeated failures."""
        text = (
            f"LIA: envio {job_name.value} por {channel.value} suspenso após falhas seguidas "
            f"({failure.kind.value} {failure.code or failure.http_status or ''}). Nova tentativa em breve."
        )
        return await self._raise(
            f"breaker:{channel.value}:{job_name.value}", "breaker_opened", text
        )

    async def channel_down(self, channel: Channel, failure: SendFailure) -> bool:
        """The channel refused our credentials (e.g. expired WhatsApp token): messages are held."""
        text = (
            f"LIA: canal {channel.value} indisponível ({failure.code or failure.http_status}): "
            "verifique as credenciais. As mensagens estão retidas, não perdidas."
        )
        return await self._raise(f"channel_down:{channel.value}", "channel_down", text)

    async def check_backlog(self) -> bool:
        """Alert when pending jobs or dead letters pass their thresholds."""
        async with self.uow() as uow:
            counts = await uow.outbox.count_by_status()
            dead = await uow.dead_letters.count()
        pending = counts.get(JobStatus.PENDING, 0)
        raised = False
        if pending >= self.policy.backlog_threshold:
            text = f"LIA: {pending} mensagens pendentes na fila (limite {self.policy.backlog_threshold})."
            raised |= await self._raise("backlog:pending", "backlog", text)
        if dead >= self.policy.dead_letter_threshold:
            text = f"LIA: {dead} mensagens na fila de mortas (limite {self.policy.dead_letter_threshold})."
            raised |= await self._raise("backlog:dead", "dead_letters", text)
        return raised

    async def _raise(self, key: str, kind: str, text: str) -> bool:
        now = self.monotonic()
        last = self._last.get(key)
        if last is not None and now - last < self.policy.cooldown_seconds:
            return False
        self._last[key] = now
        self.hook(kind, text)
        if self.policy.admin_recipient is None:
            return True
        job_id = self.ids.new_id()
        job = new_job(
            job_id=job_id,
            job_name=JobName.NOTIFY_USER,
            channel=self.policy.channel,
            recipient=parse_recipient(self.policy.admin_recipient, channel=self.policy.channel),
            content=MessageContent(text=text),
            context=JobContext(source=f"alert:{kind}"),
            idempotency_key=f"alert:{key}:{job_id}",
            now=self.clock.now(),
        )
        async with self.uow() as uow:
            await uow.outbox.add(job)
            await uow.commit()
        return True
