"""The gate's isolation: one bad message is tried alone, an unavailable database is not."""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

import attrs
import pytest

from lia_core.domain.conversations import PendingInbound
from lia_core.errors import DatabaseUnavailable
from lia_core.services.inbound import ProcessInboundHandler, ProcessReport
from lia_core.services.isolation import IsolatingGate


@attrs.define
class Refusing:
    """A gate that raises *error* for every batch and remembers the batch sizes it got."""

    error: Exception
    calls: list[int] = attrs.field(factory=list)

    async def __call__(self, batch: Sequence[PendingInbound]) -> ProcessReport:
        """Refuse the batch."""
        self.calls.append(len(batch))
        raise self.error


@attrs.define
class Told:
    """An observer that records each failure as (batch size, isolated)."""

    failures: list[tuple[int, bool]] = attrs.field(factory=list)

    def processed(self, report: ProcessReport) -> None:
        """Not expected here."""
        raise AssertionError(report)

    def failed(self, batch: Sequence[PendingInbound], *, isolated: bool) -> None:
        """Record it."""
        self.failures.append((len(batch), isolated))


BATCH = cast(Sequence[PendingInbound], ["m1", "m2", "m3"])  # opaque to the isolation


@pytest.mark.parametrize(
    ("error", "calls", "failures"),
    [
        # One bad message: the batch, then each message alone, each reported.
        (ValueError("bad"), [3, 1, 1, 1], [(3, False), (1, True), (1, True), (1, True)]),
        # The database is down for all of them: reported once, left to the recovery sweep.
        (DatabaseUnavailable("down", retry_after=5), [3], [(3, False)]),
    ],
)
async def test_isolation_by_cause(
    error: Exception, calls: list[int], failures: list[tuple[int, bool]]
) -> None:
    """A refused batch is retried message by message unless the database is unavailable."""
    gate, told = Refusing(error), Told()
    await IsolatingGate(cast(ProcessInboundHandler, gate), told)(BATCH)
    assert gate.calls == calls
    assert told.failures == failures
