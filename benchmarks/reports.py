"""Every KPI report over 1,000,000 conversations, tickets (with their events) and answers on
PostgreSQL: each report (FRT, AHT and TTR in business hours too, as `frt_business/…`),
ungrouped and by each grouping it has, over 30 days of a year.

Target (issue 15, section 6): every report <= 1 s. Needs the PostgreSQL test server
(LIA_BENCH_POSTGRES_URL). Run with `nox -s bench` or `python benchmarks/reports.py [--rows N]`.
Exits 1 when the target is missed. Prints one JSON document: the seconds of each report
(the median of --repeats runs, the slowest grouping) and how long loading took.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from _report import python_version, report
from _support import fresh_schema

from lia_adapters.sql import SqlUnitOfWorkFactory
from lia_core.reports import CATALOGUE, GroupBy, ReportName, ReportQuery

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the seeder lives in tests/
from tests.integration.reports_data import seed_bulk

TARGET = 1.0
T0 = datetime(2026, 1, 1, 3, 0, tzinfo=UTC)
SAO_PAULO = ZoneInfo("America/Sao_Paulo")


async def run(rows: int, range_days: int, repeats: int) -> dict[str, object]:
    """Load *rows* rows a table over a year; time every report over *range_days* days."""
    step = 365 * 86_400 / rows
    async with fresh_schema() as (_url, engine):
        began = time.perf_counter()
        async with engine.begin() as conn:
            await seed_bulk(conn, rows=rows, t0=T0, step=step)
        loaded = time.perf_counter() - began
        uow = SqlUnitOfWorkFactory(engine)
        start = T0 + timedelta(days=180)
        now = T0 + timedelta(days=366)
        seconds: dict[str, float] = {}
        counts: dict[str, int] = {}
        variants = [(name, False) for name in ReportName]
        variants += [(name, True) for name in ReportName if CATALOGUE[name].business_hours]
        for name, business in variants:
            groupings: tuple[GroupBy | None, ...] = (None, *sorted(CATALOGUE[name].groupings))
            for group_by in groupings:
                query = ReportQuery(
                    name=name,
                    start=start,
                    end=start + timedelta(days=range_days),
                    group_by=group_by,
                    zone=SAO_PAULO,
                    business_hours=business,
                )
                timings = []
                for _ in range(repeats):
                    began = time.perf_counter()
                    async with uow() as unit:
                        found = await unit.reports.rows(query, now=now)
                    timings.append(time.perf_counter() - began)
                label = f"{name.value}{'_business' if business else ''}/"
                label += group_by.value if group_by else "total"
                seconds[label] = round(statistics.median(timings), 4)
                counts[label] = len(found)
    return {"load_seconds": round(loaded, 1), "seconds": seconds, "rows_answered": counts}


def main() -> int:
    """Parse the options, run, print the JSON document; 1 if a report took over 1 s."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows in each big table")
    parser.add_argument("--range-days", type=int, default=30, help="days each report covers")
    parser.add_argument("--repeats", type=int, default=3, help="runs of each report (median)")
    args = parser.parse_args()
    figures = asyncio.run(run(args.rows, args.range_days, args.repeats))
    timings = figures["seconds"]
    assert isinstance(timings, dict)
    slowest = max(timings.values())
    document = {
        "benchmark": "reports",
        "python": python_version(),
        "rows_per_table": args.rows,
        "range_days": args.range_days,
        "target_seconds": TARGET,
        "slowest_seconds": slowest,
        **figures,
    }
    return report(document, met=slowest <= TARGET)


if __name__ == "__main__":
    sys.exit(main())
