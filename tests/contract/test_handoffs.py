"""The bot's storage ports on the fake, SQLite and PostgreSQL alike: bot sessions (versioned,
found by due time) and the handoff ledger (append, accept once, list by reason and time)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import attrs
import pytest

from lia_core.domain.delivery import Channel
from lia_core.domain.tickets import Priority, SupportLevel
from lia_core.errors import AlreadyExists, ConcurrencyConflict
from lia_core.handoff import (
    DEFAULT_DESTINATIONS,
    ConversationState,
    HandoffReason,
    Intent,
    Phase,
)
from lia_core.handoff.session import BotSession, HandoffEntry, HandoffFilter
from lia_core.ports import UnitOfWorkFactory

T0 = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def a_session(cid: str = "c-1", *, due: datetime | None = T0) -> BotSession:
    """A new session (version 0) the bot holds, due at *due*."""
    return BotSession(
        conversation_id=cid,
        channel=Channel.WHATSAPP,
        chat_id=f"chat-{cid}",
        contact_phone="5521999990001",
        state=ConversationState.start(T0),
        due_at=due,
        updated_at=T0,
    )


def an_entry(
    hid: str,
    *,
    cid: str = "c-1",
    reason: HandoffReason = HandoffReason.CRITICAL_INTENT,
    at: datetime = T0,
) -> HandoffEntry:
    """A ledger entry nobody accepted yet."""
    return HandoffEntry(
        id=hid,
        conversation_id=cid,
        reason=reason,
        department="cancellation",
        level=SupportLevel.N2,
        priority=Priority.HIGH,
        intent=Intent.CANCELLATION,
        at=at,
    )


async def test_a_session_round_trips_with_its_state(uow_factory: UnitOfWorkFactory) -> None:
    """Every field of the machine's state (a handoff's destination too) reads back equal."""
    handed = ConversationState(
        phase=Phase.WITH_HUMAN,
        last_activity=T0,
        clarifications=1,
        destination=DEFAULT_DESTINATIONS[Intent.CANCELLATION],
        reason=HandoffReason.CRITICAL_INTENT,
        intent=Intent.CANCELLATION,
    )
    offered = ConversationState(
        phase=Phase.TIMEOUT_OFFERED,
        last_activity=T0,
        offered_at=T0 + timedelta(minutes=5),
        resume_phase=Phase.CLARIFYING,
        clarifications=1,
    )
    sessions = [
        attrs.evolve(
            a_session("c-1"), state=handed, due_at=None, out_of_hours_on=date(2026, 3, 10)
        ),
        attrs.evolve(a_session("c-2"), state=offered),
    ]
    async with uow_factory() as uow:
        await uow.bot_sessions.save_many(sessions)
        await uow.commit()
    async with uow_factory() as uow:
        found = await uow.bot_sessions.get_many(["c-1", "c-2", "c-3"])
    assert set(found) == {"c-1", "c-2"}
    for session in sessions:
        assert found[session.conversation_id] == attrs.evolve(session, version=1)


async def test_a_stale_save_is_refused(uow_factory: UnitOfWorkFactory) -> None:
    """Two writers read version 1; the second save conflicts and keeps nothing."""
    async with uow_factory() as uow:
        await uow.bot_sessions.save_many([a_session()])
        await uow.commit()
    async with uow_factory() as uow:
        read = (await uow.bot_sessions.get_many(["c-1"]))["c-1"]
    moved = attrs.evolve(read, due_at=T0 + timedelta(minutes=5))
    async with uow_factory() as uow:
        await uow.bot_sessions.save_many([moved])
        await uow.commit()
    async with uow_factory() as uow:
        with pytest.raises(ConcurrencyConflict):
            await uow.bot_sessions.save_many([attrs.evolve(read, due_at=None)])
    async with uow_factory() as uow:
        with pytest.raises(ConcurrencyConflict):  # a "new" session over a stored one
            await uow.bot_sessions.save_many([a_session()])
    async with uow_factory() as uow:
        stored = (await uow.bot_sessions.get_many(["c-1"]))["c-1"]
    assert stored.version == 2
    assert stored.due_at == T0 + timedelta(minutes=5)


async def test_due_sessions_come_earliest_first(uow_factory: UnitOfWorkFactory) -> None:
    """Only sessions due at *now*, earliest first, at most *limit*; final ones (None) never."""
    sessions = [
        a_session("c-late", due=T0 + timedelta(minutes=9)),
        a_session("c-first", due=T0 + timedelta(minutes=1)),
        a_session("c-second", due=T0 + timedelta(minutes=2)),
        a_session("c-final", due=None),
        a_session("c-future", due=T0 + timedelta(hours=1)),
    ]
    async with uow_factory() as uow:
        await uow.bot_sessions.save_many(sessions)
        await uow.commit()
    now = T0 + timedelta(minutes=10)
    async with uow_factory() as uow:
        due = await uow.bot_sessions.due(now, limit=10)
        two = await uow.bot_sessions.due(now, limit=2)
    assert [s.conversation_id for s in due] == ["c-first", "c-second", "c-late"]
    assert [s.conversation_id for s in two] == ["c-first", "c-second"]


async def test_the_ledger_lists_newest_first_by_reason_and_since(
    uow_factory: UnitOfWorkFactory,
) -> None:
    """Filters by reason and time combine; the order is newest first; the limit holds."""
    entries = [
        an_entry("h-1", at=T0),
        an_entry("h-2", reason=HandoffReason.OUT_OF_HOURS, at=T0 + timedelta(minutes=1)),
        an_entry("h-3", cid="c-2", at=T0 + timedelta(minutes=2)),
    ]
    async with uow_factory() as uow:
        await uow.handoffs.add_many(entries)
        await uow.commit()
    async with uow_factory() as uow:
        every = await uow.handoffs.list(HandoffFilter())
        critical = await uow.handoffs.list(HandoffFilter(reason=HandoffReason.CRITICAL_INTENT))
        recent = await uow.handoffs.list(HandoffFilter(since=T0 + timedelta(minutes=1)))
        one = await uow.handoffs.list(HandoffFilter(limit=1))
    assert [e.id for e in every] == ["h-3", "h-2", "h-1"]
    assert every[2] == entries[0]
    assert [e.id for e in critical] == ["h-3", "h-1"]
    assert [e.id for e in recent] == ["h-3", "h-2"]
    assert [e.id for e in one] == ["h-3"]


async def test_a_taken_id_is_refused(uow_factory: UnitOfWorkFactory) -> None:
    """The ledger never replaces an entry."""
    async with uow_factory() as uow:
        await uow.handoffs.add_many([an_entry("h-1")])
        await uow.commit()
    async with uow_factory() as uow:
        with pytest.raises(AlreadyExists):
            await uow.handoffs.add_many([an_entry("h-1", at=T0 + timedelta(hours=1))])


async def test_acceptance_fills_the_latest_waiting_handoff_once(
    uow_factory: UnitOfWorkFactory,
) -> None:
    """Accept names who took the conversation's latest handoff; a second accept finds none."""
    async with uow_factory() as uow:
        await uow.handoffs.add_many(
            [an_entry("h-old", at=T0), an_entry("h-new", at=T0 + timedelta(minutes=3))]
        )
        await uow.commit()
    taken = T0 + timedelta(minutes=4)
    async with uow_factory() as uow:
        accepted = await uow.handoffs.accept("c-1", by="ana", at=taken)
        assert await uow.handoffs.accept("c-unknown", by="ana", at=taken) is None
        await uow.commit()
    assert accepted is not None
    assert (accepted.id, accepted.accepted_by, accepted.accepted_at) == ("h-new", "ana", taken)
    async with uow_factory() as uow:
        older = await uow.handoffs.accept("c-1", by="bia", at=taken)
        await uow.commit()
    assert older is not None
    assert older.id == "h-old"  # the next one still waiting
    async with uow_factory() as uow:
        assert await uow.handoffs.accept("c-1", by="caio", at=taken) is None
        listed = {e.id: e.accepted_by for e in await uow.handoffs.list(HandoffFilter())}
    assert listed == {"h-new": "ana", "h-old": "bia"}
