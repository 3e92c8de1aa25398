"""OverviewQueries on the fake, SQLite and PostgreSQL: the desk's counts and the arrivals per
quarter-hour slot (edges of the window and of a slot included)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import attrs

from lia_core.domain.assignments import Assignment
from lia_core.domain.conversations import Conversation, ConversationStatus
from lia_core.domain.delivery import Channel
from lia_core.ports import DeskCounts, UnitOfWorkFactory

T0 = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
MINUTE = timedelta(minutes=1)


def conversation(n: int, status: ConversationStatus, *, created: datetime = T0) -> Conversation:
    """Conversation c-*n* created at *created*, in *status*."""
    return Conversation(
        id=f"c-{n}",
        channel=Channel.WHATSAPP,
        chat_id=f"552199990{n:04d}",
        contact_phone=f"552199990{n:04d}",
        status=status,
        last_message_at=created,
        created_at=created,
        updated_at=created,
    )


def at_desk(n: int, *, assignee: str | None = None, replied: bool = False) -> Assignment:
    """c-*n* at the desk: queued, or held by *assignee* (who replied when *replied*)."""
    if assignee is None:
        return Assignment(
            conversation_id=f"c-{n}", department="support", waiting_since=T0, updated_at=T0
        )
    return Assignment(
        conversation_id=f"c-{n}",
        department="support",
        assignee=assignee,
        assigned_at=T0,
        first_human_reply_at=T0 + MINUTE if replied else None,
        updated_at=T0,
    )


async def test_counts_open_unassigned_and_unattended(uow_factory: UnitOfWorkFactory) -> None:
    """Open = active, waiting or transferred; unassigned = queued or offered; unattended =
    those plus held without a reply; closed assignments and resolved conversations not at all."""
    async with uow_factory() as uow:
        await uow.conversations.save_many(
            [
                conversation(1, ConversationStatus.ACTIVE),
                conversation(2, ConversationStatus.WAITING),
                conversation(3, ConversationStatus.TRANSFERRED),
                conversation(4, ConversationStatus.TRANSFERRED),
                conversation(5, ConversationStatus.RESOLVED),
                conversation(6, ConversationStatus.ARCHIVED),
            ]
        )
        await uow.assignments.save_many(
            [
                at_desk(2),
                attrs.evolve(at_desk(7), offer_id="o-1"),
                at_desk(3, assignee="ana"),
                at_desk(4, assignee="bia", replied=True),
                attrs.evolve(at_desk(5, assignee="ana"), closed_at=T0),
            ]
        )
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.overview.counts() == DeskCounts(open=4, unassigned=2, unattended=3)


async def test_counts_of_an_empty_desk_are_zero(uow_factory: UnitOfWorkFactory) -> None:
    """Nothing stored: every count is 0 (not None)."""
    async with uow_factory() as uow:
        assert await uow.overview.counts() == DeskCounts(open=0, unassigned=0, unattended=0)


async def test_arrivals_per_quarter_hour_slot(uow_factory: UnitOfWorkFactory) -> None:
    """Each conversation counts in the slot holding its creation; since is in, until is out."""
    created = [
        T0,  # since: counted, slot 12:00
        T0 + 14 * MINUTE + timedelta(seconds=59, microseconds=999_000),  # still 12:00
        T0 + 15 * MINUTE,  # slot 12:15
        T0 + 16 * MINUTE,  # slot 12:15
        T0 + 3 * 60 * MINUTE + 7 * MINUTE,  # slot 15:00
        T0 - MINUTE,  # before since: left out
        T0 + 24 * 60 * MINUTE,  # until: left out
    ]
    async with uow_factory() as uow:
        await uow.conversations.save_many(
            [conversation(n, ConversationStatus.ACTIVE, created=at) for n, at in enumerate(created)]
        )
        await uow.commit()
    async with uow_factory() as uow:
        got = await uow.overview.arrivals(T0, T0 + 24 * 60 * MINUTE)
    assert got == {T0: 2, T0 + 15 * MINUTE: 2, T0 + 180 * MINUTE: 1}
    assert all(start.tzinfo is not None and start.utcoffset() == timedelta(0) for start in got)


async def test_arrivals_see_what_the_unit_of_work_staged(uow_factory: UnitOfWorkFactory) -> None:
    """Like every read, the counts include the unit of work's own uncommitted writes."""
    async with uow_factory() as uow:
        await uow.conversations.save_many([conversation(1, ConversationStatus.ACTIVE)])
        assert await uow.overview.arrivals(T0, T0 + MINUTE) == {T0: 1}
        assert (await uow.overview.counts()).open == 1
