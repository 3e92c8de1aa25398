"""A process running the bot's inactivity timer on a database, for the multi-process test.

`python -m tests.integration.desk.bot_timer_loop URL [--batch N]` runs the timer every 0.05 s
until SIGTERM, then prints its totals (menus, closes, conflicts) as one JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import signal

from lia_adapters.sql import SqlUnitOfWorkFactory, create_engine
from lia_adapters.system import SystemClock, UuidGenerator
from lia_core.services.bot import BotPolicy, RunBotTimersHandler


async def run(url: str, *, batch: int) -> dict[str, int]:
    """Run the timer until SIGTERM; return the totals."""
    engine = create_engine(url)
    timer = RunBotTimersHandler(
        uow=SqlUnitOfWorkFactory(engine),
        clock=SystemClock(),
        ids=UuidGenerator(),
        policy=BotPolicy(timer_batch=batch),
    )
    totals = {"menus": 0, "closed": 0, "conflicts": 0}
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    print("started", flush=True)
    try:
        while not stop.is_set():
            report = await timer()
            totals["menus"] += report.menus
            totals["closed"] += report.closed
            totals["conflicts"] += report.conflicts
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=0.05)
    finally:
        await engine.dispose()
    return totals


def main() -> None:
    """Parse the arguments, run, print the totals."""
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--batch", type=int, default=20)
    args = parser.parse_args()
    print(json.dumps(asyncio.run(run(args.url, batch=args.batch))), flush=True)


if __name__ == "__main__":
    main()
