"""Evaluate a rule book against a ticket's facts: the actions that would still change something.

Deterministic and idempotent: rules are read in book order, the highest escalation level
and the highest priority asked for win (attributed to the first rule that asked for them),
a priority raise is taken into account by ``priority_at_least`` conditions before answering,
and anything already true or already notified is left out, so applying an evaluation and
evaluating again yields no action.
"""

from __future__ import annotations

from datetime import datetime
from typing import TypeAlias

import attrs

from lia_core.domain.tickets import Priority, SupportLevel, Ticket
from lia_core.errors import ValidationError
from lia_core.escalation.book import RuleBook
from lia_core.escalation.commands import escalate, set_priority
from lia_core.escalation.events import TicketEvent
from lia_core.escalation.facts import EscalationFacts, NotificationKey
from lia_core.escalation.rules import Rule

__all__ = [
    "Action",
    "Applied",
    "EscalateTo",
    "Evaluation",
    "Notify",
    "RaisePriority",
    "apply_evaluation",
    "evaluate",
]


@attrs.frozen(kw_only=True)
class EscalateTo:
    """Escalate the ticket to *level* (above its current one), as *rule* asked, for *reason*."""

    level: SupportLevel
    rule: str
    reason: str


@attrs.frozen(kw_only=True)
class RaisePriority:
    """Raise the ticket's priority to *priority* (above its current one), as *rule* asked."""

    priority: Priority
    rule: str


@attrs.frozen(kw_only=True)
class Notify:
    """Trigger notification *policy* for the ticket, as *rule* asked (not sent before)."""

    ticket_id: str
    policy: str
    rule: str

    @property
    def key(self) -> NotificationKey:
        """What to record once sent (EscalationFacts.notified), so it is never repeated."""
        return NotificationKey(ticket_id=self.ticket_id, policy=self.policy, rule=self.rule)


Action: TypeAlias = EscalateTo | RaisePriority | Notify
"""Any action an evaluation returns."""


@attrs.frozen(kw_only=True)
class Evaluation:
    """The outcome for one ticket: matching rules and the actions that still change something."""

    ticket_id: str
    matched: tuple[str, ...]
    """Names of the rules whose conditions hold, in book order (even if they add nothing)."""
    escalation: EscalateTo | None = None
    priority: RaisePriority | None = None
    notifications: tuple[Notify, ...] = ()

    @property
    def actions(self) -> tuple[Action, ...]:
        """Every action: the escalation, then the priority raise, then notifications."""
        head: tuple[Action, ...] = tuple(a for a in (self.escalation, self.priority) if a)
        return head + self.notifications

    @property
    def is_empty(self) -> bool:
        """True when there is nothing to do."""
        return not self.actions


def evaluate(book: RuleBook, facts: EscalationFacts) -> Evaluation:
    """The actions *book* asks for on *facts*; nothing for a resolved or closed ticket."""
    ticket = facts.ticket
    if ticket.status.is_final:
        return Evaluation(ticket_id=ticket.id, matched=())
    matched = _matching(book, facts)
    escalation: EscalateTo | None = None
    priority: RaisePriority | None = None
    notifications: dict[NotificationKey, Notify] = {}
    for rule in matched:
        level = rule.then.escalate_to
        best_level = escalation.level if escalation else ticket.level
        if level is not None and level.rank > best_level.rank:
            escalation = EscalateTo(level=level, rule=rule.name, reason=rule.escalation_reason)
        wanted = rule.then.raise_priority
        best_priority = priority.priority if priority else ticket.priority
        if wanted is not None and wanted.rank > best_priority.rank:
            priority = RaisePriority(priority=wanted, rule=rule.name)
        for policy in rule.then.notify:
            notify = Notify(ticket_id=ticket.id, policy=policy, rule=rule.name)
            if notify.key not in facts.notified:
                notifications.setdefault(notify.key, notify)
    return Evaluation(
        ticket_id=ticket.id,
        matched=tuple(rule.name for rule in matched),
        escalation=escalation,
        priority=priority,
        notifications=tuple(notifications.values()),
    )


def _matching(book: RuleBook, facts: EscalationFacts) -> list[Rule]:
    """The rules that hold once every priority they raise is taken into account.

    A raise can make a ``priority_at_least`` condition hold, and an escalation a
    ``level_at_least`` one, so matching repeats on the raised priority and level until
    neither rises (at most once per priority and level).
    """
    view = facts
    while True:
        matched = [rule for rule in book.rules if rule.when.holds(view)]
        raises = [r.then.raise_priority for r in matched if r.then.raise_priority is not None]
        top = max(raises, key=lambda p: p.rank, default=None)
        levels = [r.then.escalate_to for r in matched if r.then.escalate_to is not None]
        high = max(levels, key=lambda level: level.rank, default=None)
        ticket = view.ticket
        if top is not None and top.rank > ticket.priority.rank:
            ticket = attrs.evolve(ticket, priority=top)
        if high is not None and high.rank > ticket.level.rank:
            ticket = attrs.evolve(
                ticket, level=high, escalation_reason="rule", escalated_at=view.now
            )
        if ticket is view.ticket:
            return matched
        view = attrs.evolve(view, ticket=ticket)


@attrs.frozen(kw_only=True)
class Applied:
    """An evaluation carried out: the new ticket, its events, notifications to send, new facts."""

    ticket: Ticket
    events: tuple[TicketEvent, ...]
    notifications: tuple[Notify, ...]
    facts: EscalationFacts
    """The facts with the new ticket and the notifications recorded as sent."""


def apply_evaluation(
    facts: EscalationFacts, evaluation: Evaluation, *, by: str, at: datetime
) -> Applied:
    """Escalate and raise the priority as *evaluation* says, skipping what is already done.

    Sending the notifications is the caller's job (e.g. through the outbox); the returned
    facts already count them as sent, so evaluating them again yields no action.
    """
    ticket = facts.ticket
    if evaluation.ticket_id != ticket.id:
        raise ValidationError("the evaluation is for another ticket", field="evaluation")
    events: list[TicketEvent] = []
    wanted = evaluation.escalation
    if wanted is not None and wanted.level.rank > ticket.level.rank:
        change = escalate(ticket, to=wanted.level, reason=wanted.reason, by=by, at=at)
        ticket = change.ticket
        events += change.events
    raise_to = evaluation.priority
    if raise_to is not None and raise_to.priority.rank > ticket.priority.rank:
        reason = f'rule "{raise_to.rule}"'
        change = set_priority(ticket, raise_to.priority, by=by, at=at, reason=reason)
        ticket = change.ticket
        events += change.events
    fresh = tuple(n for n in evaluation.notifications if n.key not in facts.notified)
    new_facts = attrs.evolve(facts, ticket=ticket, notified=facts.notified | {n.key for n in fresh})
    return Applied(ticket=ticket, events=tuple(events), notifications=fresh, facts=new_facts)
