"""A dispatcher over the in-memory store, a fixed clock and a scripted sender."""

from __future__ import annotations

import random
from collections import deque
from datetime import UTC, datetime
from typing import Any

import attrs

from lia_adapters.memory import FixedClock, InMemoryStore, PlainTextHasher, SequentialIds
from lia_core.domain.delivery import Channel, MessageContent
from lia_core.domain.delivery_policy import FailureKind, SendFailure
from lia_core.errors import DeliveryError
from lia_core.ports import OutboundMessage, RateGate
from lia_core.services import EnqueueMessage, Services
from lia_core.services.alerts import Alerter, AlertPolicy
from lia_core.services.dispatch import DeliveryPolicy, Dispatcher

T0 = datetime(2026, 5, 20, 14, 30, tzinfo=UTC)


@attrs.define
class ScriptedSender:
    """Sends succeed unless a failure is queued for the next sends."""

    channel: Channel
    sent: list[OutboundMessage] = attrs.field(factory=list)
    script: deque[FailureKind] = attrs.field(factory=deque)
    retry_after: float | None = None

    def fail_next(self, *kinds: FailureKind) -> None:
        """Make the next sends fail with these kinds, in order."""
        self.script.extend(kinds)

    async def send(self, message: OutboundMessage) -> str:
        """Record and answer, or raise the next scripted failure."""
        if self.script:
            kind = self.script.popleft()
            raise DeliveryError(
                SendFailure(
                    kind=kind,
                    provider=self.channel.value,
                    code=f"E-{kind.value}",
                    http_status=500,
                    retry_after_seconds=self.retry_after,
                    excerpt=f"scripted {kind.value}",
                )
            )
        self.sent.append(message)
        return f"{self.channel.value}-{len(self.sent)}"


@attrs.define
class Harness:
    """Everything a dispatcher test needs, with time under the test's control."""

    store: InMemoryStore
    clock: FixedClock
    services: Services
    senders: dict[Channel, ScriptedSender]
    dispatcher: Dispatcher
    alerts: list[tuple[str, str]]

    def mono(self) -> float:
        """Monotonic seconds derived from the fixed clock."""
        return (self.clock.now() - T0).total_seconds()

    async def enqueue(self, to: str, *, channel: Channel = Channel.WHATSAPP, **extra: Any) -> str:
        """Queue a text message and return the job id."""
        command = EnqueueMessage(channel=channel, recipient=to, content=MessageContent(text="Olá"))
        result = await self.services.enqueue_message(attrs.evolve(command, **extra))
        return result.job.id


def build_harness(
    *,
    policy: DeliveryPolicy | None = None,
    alert: AlertPolicy | None = None,
    rate_gate: RateGate | None = None,
) -> Harness:
    """A harness with a scripted sender per channel and no pacing unless *policy* sets some.

    With *rate_gate*, the dispatcher takes its send slots there (as workers sharing a cap).
    """
    store, clock = InMemoryStore(), FixedClock(T0)
    ids = SequentialIds("job")
    services = Services.build(
        uow=store.unit_of_work, clock=clock, ids=ids, hasher=PlainTextHasher()
    )
    senders = {c: ScriptedSender(c) for c in Channel}
    alerts: list[tuple[str, str]] = []
    harness = Harness(store, clock, services, senders, None, alerts)  # type: ignore[arg-type]

    async def sleep(seconds: float) -> None:
        clock.advance(seconds=seconds)

    alerter = Alerter(
        uow=store.unit_of_work,
        clock=clock,
        ids=ids,
        policy=alert or AlertPolicy(),
        monotonic=harness.mono,
        hook=lambda kind, text: alerts.append((kind, text)),
    )
    harness.dispatcher = Dispatcher(
        uow=store.unit_of_work,
        clock=clock,
        senders=senders,
        policy=policy or DeliveryPolicy(rates={}, pair_intervals={}),
        alerter=alerter,
        monotonic=harness.mono,
        sleep=sleep,
        jitter=random.Random(1).random,
        rate_gate=rate_gate,
    )
    return harness
