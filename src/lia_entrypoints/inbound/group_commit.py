"""Group commit: concurrent webhook requests share one transaction, each acked once it is durable."""

from __future__ import annotations

import asyncio
import contextlib
import math
import time
from collections.abc import Awaitable, Callable, Sequence

import attrs
import structlog

from lia_core.domain.inbound import InboundMessage, StatusUpdate
from lia_core.errors import PortUnavailable
from lia_core.services.ingest import IngestReport

__all__ = ["GroupCommit", "Stored"]

log = structlog.get_logger(__name__)

Ingest = Callable[[Sequence[InboundMessage], Sequence[StatusUpdate]], Awaitable[IngestReport]]


@attrs.frozen(kw_only=True)
class Stored:
    """What became of one request's items once their transaction committed."""

    messages: int
    receipts: int


@attrs.define
class _Waiting:
    messages: Sequence[InboundMessage]
    receipts: Sequence[StatusUpdate]
    done: asyncio.Future[Stored]


@attrs.define
class GroupCommit:
    """Collects items from concurrent requests and writes them in one transaction per round.

    While a round is being written the next one fills up, so under load every transaction
    carries many requests and none waits longer than one round; with no round in flight
    the first item is written at once (or after *window* seconds for company, or until
    *max_batch* items are queued). A window only adds latency under a closed loop: every
    waiting request is already queued when the writer runs, and the server idles through it.
    A round the store refuses is written again request by request, so one request the
    database cannot hold never takes its neighbours down (unless the store is unavailable).
    """

    ingest: Ingest
    on_stored: Callable[[IngestReport], None]
    window: float = 0.0
    max_batch: int = 500
    pressing: int = 4
    """A round of this many requests or more means webhooks arrive faster than rounds are written."""
    monotonic: Callable[[], float] = time.monotonic
    _pressed_at: float = -math.inf
    _queue: list[_Waiting] = attrs.field(factory=list)
    _size: int = 0
    _wakeup: asyncio.Event = attrs.field(factory=asyncio.Event)
    _full: asyncio.Event = attrs.field(factory=asyncio.Event)
    _task: asyncio.Task[None] | None = None
    _closing: bool = False

    def start(self) -> None:
        """Start the writer task (inside the running event loop)."""
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="lia-group-commit")

    async def close(self) -> None:
        """Write what is queued, then stop."""
        self._closing = True
        self._wakeup.set()
        self._full.set()
        if self._task is not None:
            await self._task
            self._task = None

    def pressed_since(self, moment: float) -> bool:
        """Whether a round of `pressing` requests or more began at or after *moment* (monotonic)."""
        return self._pressed_at >= moment

    async def submit(
        self, messages: Sequence[InboundMessage], receipts: Sequence[StatusUpdate] = ()
    ) -> Stored:
        """Queue items and wait until they are committed; raises what the write raised."""
        if not messages and not receipts:
            return Stored(messages=0, receipts=0)
        if self._closing or self._task is None:
            raise RuntimeError("the ingest writer is not running")
        done: asyncio.Future[Stored] = asyncio.get_running_loop().create_future()
        self._queue.append(_Waiting(messages, receipts, done))
        self._size += len(messages) + len(receipts)
        self._wakeup.set()
        if self._size >= self.max_batch:
            self._full.set()
        return await done

    async def _run(self) -> None:
        while True:
            await self._wakeup.wait()
            if not self._queue:
                if self._closing:
                    return
                self._wakeup.clear()
                continue
            if self.window > 0 and not self._closing:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._full.wait(), self.window)
            batch, self._queue, self._size = self._queue, [], 0
            self._full.clear()
            if len(batch) >= self.pressing:
                self._pressed_at = self.monotonic()
            await self._write(batch)

    async def _write(self, batch: list[_Waiting]) -> None:
        messages = [m for w in batch for m in w.messages]
        receipts = [r for w in batch for r in w.receipts]
        try:
            report = await self.ingest(messages, receipts)
        except Exception as exc:  # every waiting request must hear about it
            log.error("ingest.write_failed", items=len(messages) + len(receipts), error=str(exc))
            if len(batch) == 1 or isinstance(exc, PortUnavailable):
                # Alone, or the database is down for everyone: one by one would only fail again.
                for waiting in batch:
                    _fail(waiting, exc)
                return
            await self._isolate(batch)
            return
        for waiting in batch:
            _succeed(waiting)
        self._hand_over(report)

    async def _isolate(self, batch: list[_Waiting]) -> None:
        """Write each request of a failed round alone: only the one the store refuses fails.

        Costs one transaction per request, but only after a failure (a webhook no database
        can hold); a neighbour that shared the round is stored and acknowledged as usual.
        """
        for waiting in batch:
            try:
                report = await self.ingest(waiting.messages, waiting.receipts)
            except Exception as exc:
                log.error(
                    "ingest.request_refused",
                    items=len(waiting.messages) + len(waiting.receipts),
                    message_ids=[m.provider_message_id for m in waiting.messages],
                    error=str(exc),
                )
                _fail(waiting, exc)
                continue
            _succeed(waiting)
            self._hand_over(report)

    def _hand_over(self, report: IngestReport) -> None:
        try:
            self.on_stored(report)
        except Exception:  # stored is stored; the recovery sweep handles what was not handed over
            log.exception("ingest.handoff_failed")


def _succeed(waiting: _Waiting) -> None:
    if not waiting.done.done():
        stored = Stored(messages=len(waiting.messages), receipts=len(waiting.receipts))
        waiting.done.set_result(stored)


def _fail(waiting: _Waiting, exc: Exception) -> None:
    if not waiting.done.done():
        waiting.done.set_exception(exc)
