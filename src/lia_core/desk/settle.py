"""The one pipeline every ticket change goes through before it is saved.

Given the ticket after an event (a command, a customer message, a monitor visit) and the
desk policy, `settle`:
1. reads both clocks (`lia_core.sla`) and records on the timeline what they did since last
   time: SLA_MET (hit or miss) for a clock that stopped, SLA_WARNING / SLA_BREACHED for a
   threshold crossed — once per clock, threshold and reopening — each crossing queuing the
   `sla-alert` staff notification;
2. evaluates the escalation rules and applies what they ask once: an escalation or a
   priority raise recorded as done by ``rule:<name>``, a notification recorded as NOTIFIED
   (policy and rule) and queued — never twice for the same rule and policy;
3. repeats while a rule changed the ticket (a raise can make another rule hold), then
   returns the ticket with its SLA index.
Nothing here saves: the caller saves the ticket and its index in the same unit of work as
the outbox jobs the notifier queued.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import attrs

from lia_core.desk.alerts import StaffNotifier
from lia_core.desk.index import TicketIndex, index_status
from lia_core.desk.policy import DeskPolicy
from lia_core.domain.failures import FailureStatus
from lia_core.domain.tickets import EventKind, Ticket
from lia_core.errors import NotFound
from lia_core.escalation.commands import escalate, set_priority
from lia_core.escalation.engine import Evaluation, evaluate
from lia_core.escalation.facts import EscalationFacts, NotificationKey
from lia_core.ports import UnitOfWork
from lia_core.sla.clock import sla_status
from lia_core.sla.policy import SlaPolicy, TicketFacts
from lia_core.sla.readings import ClockReading, Metric, SlaState, SlaStatus, worst_state

__all__ = ["Settled", "evaluation_facts", "settle", "sla_policy_of"]

_ROUNDS = 4
"""Rule rounds per settle: each can only raise level or priority, so this bounds nothing real."""
_MET_ONCE = frozenset({Metric.FIRST_RESPONSE})
"""Clocks measured once per ticket; the resolution clock is measured again after a reopening."""
_TEXT_CHARS = 4000
_THRESHOLDS = {SlaState.WARNING: EventKind.SLA_WARNING, SlaState.BREACHED: EventKind.SLA_BREACHED}


@attrs.frozen(kw_only=True)
class Settled:
    """A ticket after the pipeline: its new timeline, index and SLA status."""

    ticket: Ticket
    index: TicketIndex
    status: SlaStatus
    policy: SlaPolicy
    matched: tuple[str, ...] = ()
    """Rules whose conditions held in the last round."""
    queued: int = 0
    """Staff notification jobs queued."""


def sla_policy_of(ticket: Ticket, desk: DeskPolicy) -> SlaPolicy:
    """The SLA policy for *ticket*: the one chosen when it opened if the desk still has it."""
    facts = TicketFacts(
        priority=ticket.priority,
        severity=ticket.severity,
        department=ticket.department,
        vip=ticket.vip,
    )
    chosen = desk.sla.select(facts)
    if ticket.sla_policy is None or ticket.sla_policy == chosen.name:
        return chosen
    for policy in (rule.policy for rule in desk.sla.rules):
        if policy.name == ticket.sla_policy:
            return policy
    if desk.sla.fallback.name == ticket.sla_policy:
        return desk.sla.fallback
    return chosen


def _cycle_events(ticket: Ticket) -> tuple[tuple[EventKind, str], ...]:
    """(kind, clock) of the SLA events recorded since the last reopening."""
    return tuple(
        (e.kind, e.data.get("clock", ""))
        for e in ticket.timeline.since_last(EventKind.REOPENED)
        if e.kind in (EventKind.SLA_WARNING, EventKind.SLA_BREACHED, EventKind.SLA_MET)
    )


def _met_ever(ticket: Ticket, metric: Metric) -> bool:
    return any(
        e.kind is EventKind.SLA_MET and e.data.get("clock") == metric.value
        for e in ticket.timeline.events
    )


def _clock_events(ticket: Ticket, status: SlaStatus, now: datetime) -> tuple[Ticket, list[str]]:
    """Record stopped clocks and crossed thresholds; the causes of the alerts to send."""
    seen = _cycle_events(ticket)
    causes: list[str] = []
    for reading in status.readings:
        metric = reading.metric.value
        if reading.outcome is not None:
            done = (
                _met_ever(ticket, reading.metric)
                if reading.metric in _MET_ONCE
                else ((EventKind.SLA_MET, metric) in seen)
            )
            if not done:
                ticket = _record_met(ticket, reading, now)
            continue
        for state in _crossed(reading):
            kind = _THRESHOLDS[state]
            if (kind, metric) in seen:
                continue
            data = {"clock": metric, "due_at": reading.due_at.isoformat()}
            ticket = ticket.record(kind, at=now, by="sla-monitor", data=data)
            causes.append(f"{metric}-{state.value}")
    return ticket, causes


def _record_met(ticket: Ticket, reading: ClockReading, now: datetime) -> Ticket:
    assert reading.outcome is not None
    data = {"clock": reading.metric.value, "outcome": reading.outcome.value}
    at = reading.stopped_at or now
    # A stopped clock is recorded when it stopped (the timeline stays in time order).
    return ticket.record(EventKind.SLA_MET, at=max(at, ticket.timeline.events[-1].at), data=data)


def _crossed(reading: ClockReading) -> tuple[SlaState, ...]:
    if reading.state is SlaState.BREACHED:
        return (SlaState.WARNING, SlaState.BREACHED)
    if reading.state is SlaState.WARNING:
        return (SlaState.WARNING,)
    return ()


def _notified(ticket: Ticket) -> frozenset[NotificationKey]:
    return frozenset(
        NotificationKey(ticket_id=ticket.id, policy=e.data["policy"], rule=e.data["rule"])
        for e in ticket.timeline.events
        if e.kind is EventKind.NOTIFIED and "policy" in e.data and "rule" in e.data
    )


async def evaluation_facts(
    uow: UnitOfWork, ticket: Ticket, status: SlaStatus, desk: DeskPolicy, *, now: datetime
) -> EscalationFacts:
    """What the rules may look at: the ticket, its clocks, contacts, text and linked outage."""
    contacts: tuple[datetime, ...] = ()
    days = max((r.when.repeat_window_days for r in desk.rules.rules), default=0)
    if ticket.contact is not None and any(r.when.repeat_contacts for r in desk.rules.rules):
        since = now - timedelta(days=days)
        contacts = tuple(await uow.tickets.opened_for_contact(ticket.contact, since=since))
    outage = False
    if ticket.failure_id is not None:
        try:
            failure = await uow.failures.get(ticket.failure_id)
            outage = failure.status is FailureStatus.ACTIVE
        except NotFound:
            outage = False
    said = [ticket.subject] + [
        e.reason or "" for e in ticket.timeline.events if e.kind is EventKind.CUSTOMER_MESSAGE
    ]
    return EscalationFacts(
        ticket=ticket,
        now=now,
        sla_state=worst_state(status),
        vip=ticket.vip,
        contacts=contacts,
        text=" ".join(said)[-_TEXT_CHARS:],
        linked_active_outage=outage,
        notified=_notified(ticket),
    )


def _apply(ticket: Ticket, evaluation: Evaluation, now: datetime) -> Ticket:
    escalation = evaluation.escalation
    if escalation is not None and escalation.level.rank > ticket.level.rank:
        by = f"rule:{escalation.rule}"
        ticket = escalate(
            ticket, to=escalation.level, reason=escalation.reason, by=by, at=now
        ).ticket
    raise_to = evaluation.priority
    if raise_to is not None and raise_to.priority.rank > ticket.priority.rank:
        by, why = f"rule:{raise_to.rule}", f'rule "{raise_to.rule}"'
        ticket = set_priority(ticket, raise_to.priority, by=by, at=now, reason=why).ticket
    return ticket


async def settle(
    uow: UnitOfWork,
    ticket: Ticket,
    *,
    desk: DeskPolicy,
    notifier: StaffNotifier,
    now: datetime,
) -> Settled:
    """Run the clocks and the rules over *ticket* at *now*; queue what they ask for in *uow*."""
    policy = sla_policy_of(ticket, desk)
    queued = 0
    matched: tuple[str, ...] = ()
    status = sla_status(ticket, policy, now=now)
    for _ in range(_ROUNDS):
        ticket, causes = _clock_events(ticket, status, now)
        for cause in causes:
            queued += await notifier.notify(
                uow, ticket, policy="sla-alert", cause=cause, now=now, desk=desk
            )
        if ticket.status.is_final:
            break
        facts = await evaluation_facts(uow, ticket, status, desk, now=now)
        evaluation = evaluate(desk.rules, facts)
        matched = evaluation.matched
        if evaluation.is_empty:
            break
        ticket = _apply(ticket, evaluation, now)
        for notify in evaluation.notifications:
            data = {"policy": notify.policy, "rule": notify.rule}
            ticket = ticket.record(EventKind.NOTIFIED, at=now, by=f"rule:{notify.rule}", data=data)
            queued += await notifier.notify(
                uow, ticket, policy=notify.policy, cause=f"rule:{notify.rule}", now=now, desk=desk
            )
        status = sla_status(ticket, policy, now=now)
    index = (
        index_status(ticket, status, policy, now=now) if ticket.status.is_live else TicketIndex()
    )
    return Settled(
        ticket=ticket, index=index, status=status, policy=policy, matched=matched, queued=queued
    )
