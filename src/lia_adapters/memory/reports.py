"""InMemoryReportQueries: every report computed in Python from the fake's rows.

The oracle of the SQL statements: each function below reads the same rows as its statement
in `lia_adapters.sql.reports.queries` and says, in plain Python, what that statement means
(the contract suite runs both over the same data and a hand count).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime

from lia_adapters.memory._tables import Staging
from lia_core.domain.assignments import OfferStatus
from lia_core.domain.conversations import ConversationStatus
from lia_core.domain.notices import NoticeKind
from lia_core.domain.tickets import EventKind, Ticket, TicketStatus
from lia_core.reports import GroupBy, ReportName, ReportQuery, Value, spec_of
from lia_core.reports.values import mean, percent, period_of, sort_rows, today_start, typed

__all__ = ["InMemoryReportQueries"]

_Row = tuple[Value, ...]
_LIVE = (TicketStatus.OPEN, TicketStatus.WAITING_CUSTOMER)
_ACTIVE = (ConversationStatus.ACTIVE, ConversationStatus.TRANSFERRED)
_ARCHIVED = (ConversationStatus.RESOLVED, ConversationStatus.ARCHIVED)


def _resolved_at(ticket: Ticket) -> datetime | None:
    """As the `tickets.resolved_at` column: the last resolution of a resolved or closed ticket."""
    last = ticket.timeline.last(EventKind.RESOLVED)
    return last.at if ticket.status.is_final and last is not None else None


def _first(ticket: Ticket, kind: EventKind) -> datetime | None:
    return min((e.at for e in ticket.timeline.events if e.kind is kind), default=None)


class _Grouper:
    """The grouping column's value of a row, as the statement's ``{key}`` computes it."""

    def __init__(self, query: ReportQuery) -> None:
        self._query = query

    def __call__(
        self,
        when: datetime,
        *,
        agent: str | None = None,
        department: str | None = None,
        assistant: str | None = None,
    ) -> tuple[Value, ...]:
        group_by = self._query.group_by
        if group_by is None:
            return ()
        if group_by.is_period:
            return (period_of(when, group_by, self._query.zone),)
        return ({GroupBy.AGENT: agent, GroupBy.DEPARTMENT: department}.get(group_by, assistant),)


class InMemoryReportQueries:
    """The reports over an in-memory unit of work's rows (committed and staged)."""

    def __init__(self, uow: Staging) -> None:
        """Read *uow*'s rows."""
        self._uow = uow

    async def rows(self, query: ReportQuery, *, now: datetime) -> Sequence[_Row]:
        """The report's rows (see `ReportQueries.rows`)."""
        compute: dict[ReportName, Callable[[ReportQuery, datetime], Iterable[_Row]]] = {
            ReportName.FRT: self._frt,
            ReportName.AHT: self._aht,
            ReportName.TTR: self._ttr,
            ReportName.SLA: self._sla,
            ReportName.TRANSFERS: lambda q, _: self._share(q, EventKind.REASSIGNED),
            ReportName.ESCALATIONS: lambda q, _: self._share(q, EventKind.ESCALATED),
            ReportName.BACKLOG: self._backlog,
            ReportName.FUNNEL: self._funnel,
            ReportName.HANDOFFS: self._handoffs,
            ReportName.DEFLECTION: self._deflection,
            ReportName.NPS: self._nps,
            ReportName.OFFERS: self._offers,
        }
        units = [c.unit for c in spec_of(query.name).columns_for(query.group_by)]
        return sort_rows(
            tuple(typed(v, u) for v, u in zip(row, units, strict=True))
            for row in compute[query.name](query, now)
        )

    # The rows, committed overlaid with staged (a report reads its own unit of work's view).

    def _tickets(self) -> list[Ticket]:
        rows = {**self._uow.store.tickets, **self._uow.staged.tickets}
        return [r.ticket for r in rows.values()]

    @staticmethod
    def _within(query: ReportQuery, at: datetime | None) -> bool:
        return at is not None and query.start <= at < query.end

    @staticmethod
    def _durations(groups: dict[tuple[Value, ...], list[float]], total: bool) -> Iterable[_Row]:
        for key, seconds in groups.items():
            extra: tuple[Value, ...] = (sum(seconds),) if total else ()
            yield (*key, len(seconds), mean(seconds), max(seconds), *extra)

    def _frt(self, query: ReportQuery, _: datetime) -> Iterable[_Row]:
        group = _Grouper(query)
        groups: dict[tuple[Value, ...], list[float]] = defaultdict(list)
        for t in self._tickets():
            if not self._within(query, t.opened_at):
                continue
            if query.business_hours:
                seconds = t.first_response_business_seconds
            else:
                reply = _first(t, EventKind.HUMAN_PUBLIC_REPLY)
                seconds = None if reply is None else (reply - t.opened_at).total_seconds()
            if seconds is not None:
                key = group(t.opened_at, agent=t.assignee, department=t.department)
                groups[key].append(seconds)
        return self._durations(groups, total=False)

    def _aht(self, query: ReportQuery, _: datetime) -> Iterable[_Row]:
        group = _Grouper(query)
        groups: dict[tuple[Value, ...], list[float]] = defaultdict(list)
        for t in self._tickets():
            resolved = _resolved_at(t)
            if resolved is None or not self._within(query, resolved):
                continue
            seconds: float | None = None
            if query.business_hours:
                first, whole = t.first_response_business_seconds, t.resolution_business_seconds
                if first is not None and whole is not None:
                    seconds = whole - first
            else:
                reply = _first(t, EventKind.HUMAN_PUBLIC_REPLY)
                seconds = None if reply is None else (resolved - reply).total_seconds()
            if seconds is not None:
                key = group(resolved, agent=t.assignee, department=t.department)
                groups[key].append(seconds)
        return self._durations(groups, total=True)

    def _ttr(self, query: ReportQuery, _: datetime) -> Iterable[_Row]:
        group = _Grouper(query)
        groups: dict[tuple[Value, ...], list[float]] = defaultdict(list)
        for t in self._tickets():
            resolved = _resolved_at(t)
            if resolved is None or not self._within(query, resolved):
                continue
            seconds = (
                t.resolution_business_seconds
                if query.business_hours
                else (resolved - t.opened_at).total_seconds()
            )
            if seconds is not None:
                key = group(resolved, agent=t.assignee, department=t.department)
                groups[key].append(seconds)
        return self._durations(groups, total=False)

    def _sla(self, query: ReportQuery, _: datetime) -> Iterable[_Row]:
        group = _Grouper(query)
        counts: dict[tuple[Value, ...], list[int]] = defaultdict(lambda: [0, 0, 0])
        for t in self._tickets():
            for e in t.timeline.events:
                if e.kind is EventKind.SLA_MET and self._within(query, e.at):
                    clock, outcome = e.data.get("clock"), e.data.get("outcome")
                    tally = counts[(*group(e.at, department=t.department), clock, t.priority.value)]
                    tally[0] += outcome == "hit"
                    tally[1] += outcome == "miss"
                    tally[2] += 1
        for key, (hit, miss, stopped) in counts.items():
            yield (*key, hit, miss, percent(hit, stopped))

    def _share(self, query: ReportQuery, kind: EventKind) -> Iterable[_Row]:
        group = _Grouper(query)
        counts: dict[tuple[Value, ...], list[int]] = defaultdict(lambda: [0, 0])
        for t in self._tickets():
            if self._within(query, t.opened_at):
                key = group(t.opened_at, department=t.department)
                counts[key][0] += 1
                counts[key][1] += any(e.kind is kind for e in t.timeline.events)
        for key, (tickets, moved) in counts.items():
            yield (*key, tickets, moved, percent(moved, tickets))

    def _backlog(self, query: ReportQuery, _: datetime) -> Iterable[_Row]:
        counts: dict[tuple[Value, ...], int] = defaultdict(int)
        for t in self._tickets():
            if t.status in _LIVE and self._within(query, t.opened_at):
                counts[(t.status.value, t.level.value, t.department)] += 1
        return ((*key, n) for key, n in counts.items())

    def _funnel(self, query: ReportQuery, now: datetime) -> Iterable[_Row]:
        tables = self._uow.store.conversation_tables
        staged = self._uow.staged.conversation_tables
        conversations = {**tables.conversations, **staged.conversations}.values()
        messages = {**tables.messages, **staged.messages}.values()
        today = today_start(now, query.zone)
        messages_today = sum(1 for m in messages if m.sent_at >= today)
        group = _Grouper(query)
        counts: dict[tuple[Value, ...], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
        for c in conversations:
            if self._within(query, c.created_at):
                tally = counts[group(c.created_at)]
                tally[0] += c.status in _ACTIVE
                tally[1] += c.status is ConversationStatus.WAITING
                tally[2] += c.status in _ARCHIVED
                tally[3] += 1
        for key, (active, waiting, archived, total) in counts.items():
            yield (*key, active, waiting, archived, total, messages_today, percent(archived, total))

    def _handoffs(self, query: ReportQuery, _: datetime) -> Iterable[_Row]:
        store, staged = self._uow.store, self._uow.staged
        handoffs = {**store.handoffs, **staged.handoffs}.values()
        assignments = {
            **store.assignment_tables.assignments,
            **staged.assignment_tables.assignments,
        }
        group = _Grouper(query)
        counts: dict[tuple[Value, ...], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
        for h in handoffs:
            if not self._within(query, h.at):
                continue
            place = assignments.get(h.conversation_id)
            closed = place is not None and place.closed_at is not None
            tally = counts[(*group(h.at, department=h.department), h.reason.value)]
            tally[0] += 1
            tally[1] += h.accepted_at is None and not closed
            tally[2] += h.accepted_at is not None
            tally[3] += h.accepted_at is None and closed
        return ((*key, *tally) for key, tally in counts.items())

    def _deflection(self, query: ReportQuery, _: datetime) -> Iterable[_Row]:
        store, staged = self._uow.store, self._uow.staged
        failures = {**store.failures, **staged.failures}
        notices = {**store.notices, **staged.notices}.values()
        conversations = {
            **store.conversation_tables.conversations,
            **staged.conversation_tables.conversations,
        }.values()
        gate = {c.contact_phone for c in conversations if c.answered_by_outage}
        tickets = self._tickets()
        counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
        for n in notices:
            if not self._within(query, n.created_at) or n.failure_id not in failures:
                continue
            who = str(n.recipient)
            tally = counts[n.failure_id]
            answered = n.kind is NoticeKind.NOTICE and who in gate
            ticket = any(
                t.contact is not None and str(t.contact) == who and t.opened_at >= n.created_at
                for t in tickets
            )
            tally[0] += answered
            tally[1] += answered and not ticket
            tally[2] += n.kind is NoticeKind.NOTICE
            tally[3] += n.kind is NoticeKind.RESOLUTION
        return ((fid, failures[fid].name, *tally) for fid, tally in counts.items())

    def _nps(self, query: ReportQuery, _: datetime) -> Iterable[_Row]:
        tables, staged = self._uow.store.nps_tables, self._uow.staged.nps_tables
        group = _Grouper(query)
        scores: dict[tuple[Value, ...], list[int]] = defaultdict(list)
        for f in {**tables.feedback, **staged.feedback}.values():
            if self._within(query, f.created_at):
                key = group(
                    f.created_at, agent=f.agent, department=f.department, assistant=f.assistant
                )
                scores[key].append(f.score)
        for key, given in scores.items():
            promoters = sum(1 for s in given if s >= 9)
            passives = sum(1 for s in given if s in (7, 8))
            detractors = sum(1 for s in given if s <= 6)
            nps = percent(promoters - detractors, len(given))
            yield (*key, len(given), promoters, passives, detractors, nps, mean(given))

    def _offers(self, query: ReportQuery, _: datetime) -> Iterable[_Row]:
        tables = self._uow.store.assignment_tables
        staged = self._uow.staged.assignment_tables
        group = _Grouper(query)
        counts: dict[tuple[Value, ...], list[int]] = defaultdict(lambda: [0, 0])
        for o in {**tables.offers, **staged.offers}.values():
            if self._within(query, o.offered_at):
                tally = counts[(*group(o.offered_at), o.agent)]
                tally[0] += 1
                tally[1] += o.status is OfferStatus.TIMED_OUT
        for key, (offered, timed_out) in counts.items():
            yield (*key, offered, timed_out, percent(timed_out, offered))
