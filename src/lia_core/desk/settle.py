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
   returns the ticket with its SLA index and its business-hours durations (first response,
   resolution: `lia_core.sla.durations`, on the SLA policy's calendar) measured.
Nothing here saves: the caller saves the ticket and its index in the same unit of work as
the outbox jobs the notifier queued.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import attrs

from lia_core.desk.alerts import StaffNotifier, alert_text
from lia_core.desk.index import TicketIndex, index_status
from lia_core.desk.plan import MAX_VISITS, PlannedAlert, PlannedVisit, VisitPlan, VisitState
from lia_core.desk.policy import DeskPolicy
from lia_core.domain.failures import FailureStatus
from lia_core.domain.tickets import EventKind, Ticket
from lia_core.errors import NotFound
from lia_core.escalation.commands import escalate, set_priority
from lia_core.escalation.engine import Evaluation, evaluate
from lia_core.escalation.facts import EscalationFacts, NotificationKey
from lia_core.nps.categories import NpsCategory
from lia_core.ports import UnitOfWork
from lia_core.sla.clock import sla_status
from lia_core.sla.durations import with_business_durations
from lia_core.sla.policy import SlaPolicy, TicketFacts
from lia_core.sla.readings import ClockReading, Metric, SlaState, SlaStatus, worst_state

__all__ = [
    "Alert",
    "Gathered",
    "Run",
    "Settled",
    "evaluation_facts",
    "facts_at",
    "gather",
    "plan_now",
    "plan_visits",
    "run",
    "settle",
    "sla_policy_of",
]

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


@attrs.frozen(kw_only=True)
class Gathered:
    """What the rules need from storage about a ticket, read once per change."""

    contacts: tuple[datetime, ...] = ()
    """Openings of the contact's tickets within the widest repeat-contact window."""
    outage: bool = False
    """The linked outage is active."""
    uses_contacts: bool = False
    """A rule counts the contact's tickets (and the ticket has a contact)."""
    uses_outage: bool = False
    """A rule looks at the linked outage (and the ticket has one)."""
    detractor: bool = False
    """The contact's latest NPS answer was a detractor's (0-6)."""
    uses_nps: bool = False
    """A rule looks at `nps_detractor` (and the ticket has a contact): no visit is planned
    ahead, since a new answer changes the fact without an event on this ticket."""


async def gather(uow: UnitOfWork, ticket: Ticket, desk: DeskPolicy, *, now: datetime) -> Gathered:
    """Read the contacts, the linked outage and the contact's latest NPS answer, when a rule
    of *desk* looks at them."""
    rules = desk.rules.rules
    uses_contacts = ticket.contact is not None and any(r.when.repeat_contacts for r in rules)
    uses_outage = ticket.failure_id is not None and any(
        r.when.linked_active_outage is not None for r in rules
    )
    contacts: tuple[datetime, ...] = ()
    if uses_contacts:
        assert ticket.contact is not None
        days = max((r.when.repeat_window_days for r in rules), default=0)
        since = now - timedelta(days=days)
        contacts = tuple(await uow.tickets.opened_for_contact(ticket.contact, since=since))
    outage = False
    if ticket.failure_id is not None:
        try:
            failure = await uow.failures.get(ticket.failure_id)
            outage = failure.status is FailureStatus.ACTIVE
        except NotFound:
            outage = False
    uses_nps = ticket.contact is not None and any(r.when.nps_detractor is not None for r in rules)
    detractor = False
    if uses_nps:
        latest = await uow.feedback.latest_for_customer(str(ticket.contact))
        detractor = latest is not None and latest.category is NpsCategory.DETRACTOR
    return Gathered(
        contacts=contacts,
        outage=outage,
        uses_contacts=uses_contacts,
        uses_outage=uses_outage,
        detractor=detractor,
        uses_nps=uses_nps,
    )


def facts_at(
    ticket: Ticket, status: SlaStatus, gathered: Gathered, *, now: datetime
) -> EscalationFacts:
    """What the rules may look at: the ticket, its clocks, contacts, text and linked outage."""
    said = [ticket.subject] + [
        e.reason or "" for e in ticket.timeline.events if e.kind is EventKind.CUSTOMER_MESSAGE
    ]
    return EscalationFacts(
        ticket=ticket,
        now=now,
        sla_state=worst_state(status),
        vip=ticket.vip,
        nps_detractor=gathered.detractor,
        contacts=gathered.contacts,
        text=" ".join(said)[-_TEXT_CHARS:],
        linked_active_outage=gathered.outage,
        notified=_notified(ticket),
    )


async def evaluation_facts(
    uow: UnitOfWork, ticket: Ticket, status: SlaStatus, desk: DeskPolicy, *, now: datetime
) -> EscalationFacts:
    """What the rules may look at, read from *uow* (`gather`, then `facts_at`)."""
    return facts_at(ticket, status, await gather(uow, ticket, desk, now=now), now=now)


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


@attrs.frozen(kw_only=True)
class Alert:
    """A staff notification the pipeline asks for, with the ticket as it was then."""

    ticket: Ticket
    policy: str
    cause: str


@attrs.frozen(kw_only=True)
class Run:
    """The pipeline's outcome before anything is queued or saved."""

    ticket: Ticket
    status: SlaStatus
    policy: SlaPolicy
    matched: tuple[str, ...] = ()
    alerts: tuple[Alert, ...] = ()


def run(ticket: Ticket, *, desk: DeskPolicy, gathered: Gathered, now: datetime) -> Run:
    """The clocks and the rules over *ticket* at *now*: pure (`settle` queues and plans)."""
    policy = sla_policy_of(ticket, desk)
    alerts: list[Alert] = []
    matched: tuple[str, ...] = ()
    status = sla_status(ticket, policy, now=now)
    for _ in range(_ROUNDS):
        ticket, causes = _clock_events(ticket, status, now)
        alerts += [Alert(ticket=ticket, policy="sla-alert", cause=cause) for cause in causes]
        if ticket.status.is_final:
            break
        evaluation = evaluate(desk.rules, facts_at(ticket, status, gathered, now=now))
        matched = evaluation.matched
        if evaluation.is_empty:
            break
        ticket = _apply(ticket, evaluation, now)
        for notify in evaluation.notifications:
            data = {"policy": notify.policy, "rule": notify.rule}
            ticket = ticket.record(EventKind.NOTIFIED, at=now, by=f"rule:{notify.rule}", data=data)
            alerts.append(Alert(ticket=ticket, policy=notify.policy, cause=f"rule:{notify.rule}"))
        status = sla_status(ticket, policy, now=now)
    return Run(ticket=ticket, status=status, policy=policy, matched=matched, alerts=tuple(alerts))


_UNPLANNED = tuple(
    a.name
    for a in attrs.fields(Ticket)
    if a.name not in {*attrs.fields_dict(VisitState), "timeline", "version"}
)
"""Ticket fields a planned visit cannot write: a visit that changes one is not planned."""


def plan_visits(
    ticket: Ticket, index: TicketIndex, *, desk: DeskPolicy, gathered: Gathered, now: datetime
) -> VisitPlan | None:
    """What the monitor's coming visits to *ticket* will do if nothing else happens to it.

    Each visit is `run` at the previous one's `next_check_at`, over the ticket the previous
    visit left. The plan stops at MAX_VISITS, at a visit that would change more than the
    rules' fields (a shortcut must not write what it does not know), or when nothing is left
    to watch.
    """
    at = index.next_check_at
    if at is None or not ticket.status.is_live or gathered.uses_nps:
        return None
    visits: list[PlannedVisit] = []
    current = ticket
    for _ in range(MAX_VISITS):
        done = run(current, desk=desk, gathered=gathered, now=at)
        state = VisitState.of(done.ticket)
        after = done.ticket
        if any(getattr(after, name) != getattr(current, name) for name in _UNPLANNED):
            break
        following = index_status(after, done.status, done.policy, now=at)
        visits.append(
            PlannedVisit(
                at=at,
                events=after.timeline.events[len(current.timeline.events) :],
                alerts=tuple(
                    PlannedAlert(
                        policy=a.policy,
                        cause=a.cause,
                        text=alert_text(a.ticket, policy=a.policy, cause=a.cause),
                    )
                    for a in done.alerts
                ),
                state=state,
                changes=state != VisitState.of(current),
                index=following,
            )
        )
        current = after
        if following.next_check_at is None:
            break
        at = following.next_check_at
    if not visits:
        return None
    return VisitPlan.of(
        made_at=now,
        revision=desk.revision,
        seq=len(ticket.timeline.events),
        cycle=ticket.cycle,
        department=ticket.department,
        outage=gathered.outage if gathered.uses_outage else None,
        contacts=gathered.uses_contacts,
        visits=tuple(visits),
    )


def plan_now(
    ticket: Ticket, *, desk: DeskPolicy, gathered: Gathered, now: datetime
) -> VisitPlan | None:
    """The plan of a stored ticket at *now*, if nothing is due on it now (else None: the
    monitor's next visit runs the pipeline, which plans)."""
    if not ticket.status.is_live:
        return None
    done = run(ticket, desk=desk, gathered=gathered, now=now)
    if done.ticket.timeline.events != ticket.timeline.events or done.alerts:
        return None
    index = index_status(done.ticket, done.status, done.policy, now=now)
    return plan_visits(done.ticket, index, desk=desk, gathered=gathered, now=now)


async def settle(
    uow: UnitOfWork,
    ticket: Ticket,
    *,
    desk: DeskPolicy,
    notifier: StaffNotifier,
    now: datetime,
    plan_ahead: bool = False,
) -> Settled:
    """Run the clocks and the rules over *ticket* at *now*; queue what they ask for in *uow*.

    With *plan_ahead* the index returned carries the plan of the monitor's coming visits
    (`plan_visits`); otherwise none, and the monitor's planner makes it in the background
    (`SlaMonitor.plan_ahead`), off the path of the change.
    """
    gathered = await gather(uow, ticket, desk, now=now)
    done = run(ticket, desk=desk, gathered=gathered, now=now)
    queued = 0
    for alert in done.alerts:
        queued += await notifier.notify(
            uow, alert.ticket, policy=alert.policy, cause=alert.cause, now=now, desk=desk
        )
    ticket, status, policy = done.ticket, done.status, done.policy
    # Measured now, when the reply or resolution happens, for the business-hours reports.
    ticket = with_business_durations(ticket, policy.calendar)
    index = TicketIndex()
    if ticket.status.is_live:
        index = index_status(ticket, status, policy, now=now)
        if plan_ahead:
            plan = plan_visits(ticket, index, desk=desk, gathered=gathered, now=now)
            index = attrs.evolve(index, plan=plan)
    return Settled(
        ticket=ticket,
        index=index,
        status=status,
        policy=policy,
        matched=done.matched,
        queued=queued,
    )
