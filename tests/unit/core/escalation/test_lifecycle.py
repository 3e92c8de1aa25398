"""The ticket lifecycle as a state machine: any sequence of commands and rule runs keeps the invariants."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import attrs
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from lia_core.errors import LiaError
from lia_core.escalation import (
    KEEP,
    Change,
    EscalationFacts,
    Keep,
    NotificationKey,
    Priority,
    RuleBook,
    Severity,
    SlaState,
    SupportLevel,
    Ticket,
    TicketDeescalated,
    TicketEscalated,
    TicketEvent,
    TicketStatus,
    apply_evaluation,
    deescalate,
    escalate,
    evaluate,
    reassign,
    set_priority,
)
from lia_core.testing.escalation import KEYWORDS, tickets

EXAMPLE = Path(__file__).resolve().parents[4] / "docs" / "examples" / "escalation-rules.toml"
BOOK = RuleBook.from_file(EXAMPLE)
START = datetime(2026, 5, 4, 8, 0, tzinfo=UTC)
LEVELS = st.none() | st.sampled_from(SupportLevel)
REASONS = st.sampled_from(["cliente sem sinal", "Procon", ""])


class TicketLifecycle(RuleBasedStateMachine):
    """Agents and rules act on one ticket; a refusal must leave it exactly as it was."""

    def __init__(self) -> None:
        super().__init__()
        self.ticket: Ticket
        self.first: Ticket
        self.events: list[TicketEvent] = []
        self.notified: frozenset[NotificationKey] = frozenset()
        self.now = START
        self.final_since: Ticket | None = None

    @initialize(ticket=tickets(statuses=(TicketStatus.OPEN,)))
    def open_ticket(self, ticket: Ticket) -> None:
        """Start from an open ticket at any level."""
        self.ticket = self.first = ticket
        self.now = max(START, ticket.opened_at)

    def _attempt(self, command: str, **kwargs: object) -> None:
        self.now += timedelta(minutes=7)
        before = self.ticket
        functions = {"escalate": escalate, "deescalate": deescalate, "reassign": reassign}
        try:
            change: Change = functions[command](self.ticket, by="ana", at=self.now, **kwargs)  # type: ignore[operator]
        except LiaError:
            assert self.ticket == before
            return
        self._accept(change)

    def _accept(self, change: Change) -> None:
        assert self.final_since is None, "a resolved or closed ticket changed"
        self.ticket = change.ticket
        self.events.extend(change.events)

    @rule(to=LEVELS, reason=REASONS)
    def escalate(self, to: SupportLevel | None, reason: str) -> None:
        """An agent escalates (maybe to a named level, maybe without a reason)."""
        self._attempt("escalate", to=to, reason=reason)

    @rule(to=LEVELS, reason=REASONS)
    def deescalate(self, to: SupportLevel | None, reason: str) -> None:
        """An agent de-escalates."""
        self._attempt("deescalate", to=to, reason=reason)

    @rule(
        department=st.none() | st.sampled_from(["suporte", "noc"]),
        assignee=st.sampled_from([KEEP, None, "ana", "bruno"]),
        level=LEVELS,
        severity=st.none() | st.sampled_from(Severity),
        reason=st.none() | REASONS,
    )
    def reassign(
        self,
        department: str | None,
        assignee: str | Keep | None,
        level: SupportLevel | None,
        severity: Severity | None,
        reason: str | None,
    ) -> None:
        """An agent reassigns queue, agent, level or severity."""
        self._attempt(
            "reassign",
            department=department,
            assignee=assignee,
            level=level,
            severity=severity,
            reason=reason,
        )

    @rule(priority=st.sampled_from(Priority))
    def set_priority(self, priority: Priority) -> None:
        """An agent sets the priority."""
        before = self.ticket
        try:
            change = set_priority(self.ticket, priority, by="ana", at=self.now)
        except LiaError:
            assert self.ticket == before
            return
        self._accept(change)

    @rule(
        sla=st.none() | st.sampled_from(SlaState),
        vip=st.booleans(),
        keyword=st.none() | st.sampled_from(KEYWORDS),
    )
    def run_rules(self, sla: SlaState | None, vip: bool, keyword: str | None) -> None:
        """The example rule book runs; running it again at once does nothing."""
        facts = EscalationFacts(
            ticket=self.ticket,
            now=self.now,
            sla_state=sla,
            vip=vip,
            text=keyword or "",
            notified=self.notified,
        )
        applied = apply_evaluation(facts, evaluate(BOOK, facts), by="rules", at=self.now)
        if applied.events:
            self._accept(Change(ticket=applied.ticket, events=applied.events))
        self.notified = applied.facts.notified
        assert evaluate(BOOK, applied.facts).is_empty

    @precondition(lambda self: not self.ticket.status.is_final)
    @rule(status=st.sampled_from(TicketStatus))
    def change_status(self, status: TicketStatus) -> None:
        """Work moves the ticket along (status changes belong to another part of the system)."""
        self.ticket = attrs.evolve(self.ticket, status=status)
        if status.is_final:
            self.final_since = self.ticket

    @invariant()
    def level_stays_between_n1_and_n3(self) -> None:
        """The level is always N1, N2 or N3; at N1 there is no escalation record."""
        assert 1 <= self.ticket.level.rank <= 3
        if self.ticket.level is SupportLevel.N1:
            assert self.ticket.escalation_reason is None

    @invariant()
    def level_events_replay_to_the_level(self) -> None:
        """Replaying the escalation events from the first level gives the current level."""
        level = self.first.level
        for event in self.events:
            if isinstance(event, TicketEscalated | TicketDeescalated):
                assert event.from_level is level
                level = event.to_level
        assert level is self.ticket.level

    @invariant()
    def a_final_ticket_never_changes(self) -> None:
        """Once resolved or closed, no command or rule changes the ticket."""
        if self.final_since is not None:
            assert self.ticket == self.final_since


TestTicketLifecycle = TicketLifecycle.TestCase
TestTicketLifecycle.settings = settings(max_examples=60, stateful_step_count=30)
