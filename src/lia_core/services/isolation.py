"""The gate run so that one bad message cannot hold back the others of its batch."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import attrs

from lia_core.domain.conversations import PendingInbound
from lia_core.errors import DatabaseUnavailable
from lia_core.services.inbound import ProcessInboundHandler, ProcessReport

__all__ = ["GateObserver", "IsolatingGate"]


class GateObserver(Protocol):
    """Told what the gate did (entrypoints log and count it; the core does not log)."""

    def processed(self, report: ProcessReport) -> None:
        """A batch went through the gate."""
        ...

    def failed(self, batch: Sequence[PendingInbound], *, isolated: bool) -> None:
        """The gate raised on *batch* (called inside the `except`, so the traceback is current).

        *isolated* is True for a single message: it stays unprocessed for the next sweep.
        """
        ...


@attrs.frozen
class IsolatingGate:
    """Run the gate on a batch, retrying message by message if the batch fails.

    One bad message then cannot hold back the others: it stays unprocessed, is reported
    as failed, and the recovery sweep tries it again later. An unavailable database is
    not isolated: the whole batch waits for the sweep.
    """

    process: ProcessInboundHandler
    observer: GateObserver

    async def __call__(self, batch: Sequence[PendingInbound]) -> None:
        """Process *batch*; never raises for a message the gate refuses."""
        try:
            report = await self.process(batch)
        except DatabaseUnavailable:
            # Down for every message alike: one by one would only fail again. The batch
            # stays unprocessed for the recovery sweep, which runs once the database is back.
            self.observer.failed(batch, isolated=False)
            return
        except Exception:  # isolate below; nothing of a failed batch was committed
            if len(batch) == 1:
                self.observer.failed(batch, isolated=True)
                return
            self.observer.failed(batch, isolated=False)
            for pending in batch:
                await self([pending])
            return
        self.observer.processed(report)
