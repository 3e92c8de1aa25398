"""Inbound ingest: signed WhatsApp webhooks posted to one `lia serve` process on PostgreSQL.

Targets (issue: the hot path): >= 1,000 messages/s stored with no failure active and with
1,000 active failures covering every sender (each getting its notice via the outbox); p99
<= 50 ms at an open-loop 500 messages/s (Meta: median <= 250 ms, < 1 % over 1 s); peak RSS
<= 200 MB; a storm of duplicate deliveries (each payload 3 times, 2 of them concurrently)
stores each message once and queues each notice once. Also measured in the same run: a
bare Litestar endpoint under the same server and load generator (the ratio is reported),
and a mix of 3 status webhooks per message (Meta's "3x outgoing plus 1x incoming").

The load generator is this script in a second process (`--loadgen`): a minimal keep-alive
HTTP/1.1 client on uvloop sending pre-built, pre-signed requests. Prints a table (or JSON
with --json); exits 1 only on a correctness failure (a message acknowledged but not stored
or stored twice, a notice missing or queued twice, a receipt lost), never on speed.
Run with `nox -s bench` or `python benchmarks/ingest.py` (needs the PostgreSQL test server);
`--quick` for a smoke run. The parts: `_ingest_bodies` (signed webhooks), `_ingest_loadgen` (the
load generator), `_ingest_servers` (`lia serve`, the bare app), `_ingest_checks` (the database
after each phase), `_ingest_scenarios`, `_ingest_figures` (typed results), `_ingest_report` and `_ingest_profile` (py-spy under
`--profile DIR`).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from pathlib import Path

from _ingest_bodies import sender
from _ingest_figures import IngestResult, Plan
from _ingest_loadgen import loadgen_main
from _ingest_report import correctness, table
from _ingest_scenarios import baseline, outage_scenarios, scenario_a
from _ingest_servers import bare_server_main, write_crm
from _support import POSTGRES_URL


def load_average() -> str:
    """The 1, 5 and 15 minute load averages."""
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def parse_plan(argv: list[str] | None = None) -> tuple[Plan, argparse.Namespace]:
    """The sizes of this run from the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--messages", type=int, default=20_000, help="messages in A and in B")
    parser.add_argument("--concurrency", type=int, default=32, help="connections, closed loop")
    parser.add_argument("--rate", type=int, default=500, help="messages/s of the latency run")
    parser.add_argument("--seconds", type=int, default=20, help="length of the latency run")
    parser.add_argument("--quick", action="store_true", help="a smoke run (small sizes)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of the table")
    parser.add_argument("--save", type=Path, help="also write the JSON figures to this file")
    parser.add_argument(
        "--profile",
        type=Path,
        help="py-spy raw profiles of lia serve (and of lia worker with --gate worker) in A and B to this dir",
    )
    parser.add_argument(
        "--gate",
        choices=("inline", "worker"),
        default="inline",
        help="LIA_INBOUND__GATE: worker runs the gate in a lia worker beside lia serve",
    )
    parser.add_argument(
        "--gate-nice",
        type=int,
        default=0,
        help="with --gate worker: run the gate worker at this niceness (systemd Nice=)",
    )
    args = parser.parse_args(argv)
    messages = 2_000 if args.quick else args.messages
    plan = Plan(
        messages=messages,
        concurrency=args.concurrency,
        rate=args.rate,
        latency_seconds=4 if args.quick else args.seconds,
        dup_messages=max(100, messages // 4),
        mix_messages=max(100, messages // 5),
        gate_wait=120.0,
        profile_dir=str(args.profile) if args.profile else None,
        gate=args.gate,
        gate_nice=args.gate_nice,
    )
    return plan, args


async def main() -> int:
    """Run every scenario and print the figures."""
    plan, args = parse_plan()
    load_before = load_average()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="lia-ingest-") as tmp_name:
        tmp = Path(tmp_name)
        crm = tmp / "customers.csv"
        covered = [
            (sender(phase, n), n)
            for phase, count in (
                ("a", plan.messages),
                ("b", plan.messages),
                ("latency", plan.rate * plan.latency_seconds),
                ("dup", plan.dup_messages),
                ("mix", plan.mix_messages),
            )
            for n in range(count)
        ]
        write_crm(crm, dict(covered))
        bare = await baseline(plan)
        a = await scenario_a(plan, crm, tmp)
        outage = await outage_scenarios(plan, crm, tmp)
    result = IngestResult(
        plan=plan,
        database=POSTGRES_URL,
        load_before=load_before,
        crm_customers=len(covered),
        bare=bare,
        a=a,
        outage=outage,
        load_after=load_average(),
        total_seconds=round(time.perf_counter() - started, 1),
        correctness_problems=correctness(a, outage),
    )
    if args.save:
        args.save.write_text(json.dumps(result.to_json(), indent=2))
    if args.json:
        print(json.dumps(result.to_json(), indent=2))
    else:
        print(
            f"inbound ingest: {plan.messages:,} messages per throughput run, concurrency "
            f"{plan.concurrency}, {os.cpu_count()} cores, gate {plan.gate}"
            + (f" (nice {plan.gate_nice})" if plan.gate_nice else "")
            + ", "
            f"{result.total_seconds} s in all"
        )
        print(table(result))
        for problem in result.correctness_problems:
            print(f"CORRECTNESS: {problem}")
    return 1 if result.correctness_problems else 0


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--loadgen":
        loadgen_main(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 3 and sys.argv[1] == "--bare-server":
        bare_server_main(int(sys.argv[2]))
    else:
        sys.exit(asyncio.run(main()))
