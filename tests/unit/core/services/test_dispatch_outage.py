"""The database goes away between a batch's sends and their flush: nothing is sent twice."""

from __future__ import annotations

from types import TracebackType

import attrs
import pytest

from lia_adapters.memory import InMemoryStore
from lia_adapters.memory.store import InMemoryUnitOfWork
from lia_core.domain.delivery import Channel, JobStatus
from lia_core.errors import DatabaseUnavailable
from lia_core.ports import OutboundMessage

from .delivery_harness import ScriptedSender, build_harness


@attrs.define
class Switchable:
    """A unit-of-work factory over the fake whose units refuse to open while *down*."""

    store: InMemoryStore
    down: bool = False

    def __call__(self) -> _Refusing | InMemoryUnitOfWork:
        """A unit of work, or one that raises DatabaseUnavailable on entry."""
        return _Refusing() if self.down else self.store.unit_of_work()


class _Refusing:
    async def __aenter__(self) -> InMemoryUnitOfWork:
        raise DatabaseUnavailable("the database is unavailable", retry_after=5)

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        return None


@attrs.define
class FallingSender(ScriptedSender):
    """Sends, and the database goes down as the first message leaves."""

    database: Switchable | None = None

    async def send(self, message: OutboundMessage) -> str:
        """Take the database down, then send as the scripted sender does."""
        if self.database is not None:
            self.database.down = True
        return await super().send(message)


async def test_outcomes_wait_for_the_database_and_are_written_before_the_next_claim() -> None:
    """Sends made while the database went away are written once it is back, never resent."""
    h = build_harness()
    ids = [await h.enqueue(f"552199999000{n}") for n in range(3)]
    database = Switchable(h.store)
    sender = FallingSender(Channel.WHATSAPP, database=database)
    h.dispatcher.senders[Channel.WHATSAPP] = sender  # type: ignore[index]
    h.dispatcher.uow = database  # type: ignore[assignment]

    with pytest.raises(DatabaseUnavailable):
        await h.dispatcher.run_once(owner="w1")
    assert len(sender.sent) == 3  # the whole batch went out; only its outcome is unwritten
    assert {h.store.jobs[i].status for i in ids} == {JobStatus.SENDING}
    with pytest.raises(DatabaseUnavailable):  # still down: nothing claimed, nothing sent
        await h.dispatcher.run_once(owner="w1")

    sender.database = None
    database.down = False
    report = await h.dispatcher.run_once(owner="w1")
    assert report.claimed == 0  # the kept outcomes were written first: nothing left to claim
    assert {h.store.jobs[i].status for i in ids} == {JobStatus.SENT}
    assert len(sender.sent) == 3
