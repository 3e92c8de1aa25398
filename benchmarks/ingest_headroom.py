"""Ingest headroom (issue 16 §6): scenario A over the bare endpoint, in repeated runs.

One run of `ingest.py` gives one ratio, and on a shared two-core machine one ratio is mostly
the noise of the minute its bare round fell in. This script runs only the bare rounds and
scenario A (the parts the ratio needs: about 45 s), `--runs` times, each configuration of
`--gate` in turn within a run (inline, worker: alternated, so drift hits both alike), and
prints every run's figures and the median ratio per configuration. Correctness is checked as
in `ingest.py` (every 200 stored, none twice); exits 1 on a correctness failure only.

    python benchmarks/ingest_headroom.py --runs 3 --gate inline --gate worker --gate-nice 10
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

from _ingest_bodies import sender
from _ingest_figures import Plan
from _ingest_scenarios import baseline, scenario_a
from _ingest_servers import write_crm
from ingest import load_average


def _plan(args: argparse.Namespace, gate: str) -> Plan:
    profile = None
    if args.profile:
        profile = args.profile / f"{gate}-{len(list(args.profile.glob(gate + '-*')))}"
        profile.mkdir(parents=True)
    return Plan(
        messages=args.messages,
        concurrency=args.concurrency,
        rate=500,
        latency_seconds=0,
        dup_messages=0,
        mix_messages=0,
        gate_wait=120.0,
        gate=gate,
        gate_nice=args.gate_nice if gate == "worker" else 0,
        profile_dir=str(profile) if profile else None,
    )


async def one_run(plan: Plan) -> dict[str, Any]:
    """A bare round (median of 3) and scenario A on a fresh schema; the figures as JSON."""
    with tempfile.TemporaryDirectory(prefix="lia-headroom-") as tmp_name:
        tmp = Path(tmp_name)
        crm = tmp / "customers.csv"
        write_crm(
            crm, {sender(phase, n): n for phase in ("a", "warmup") for n in range(plan.messages)}
        )
        load = load_average()
        bare = await baseline(plan)
        a = await scenario_a(plan, crm, tmp)
    phase = a.phase
    answered = int(phase.load.answers.get("200", 0))
    problems = []
    if phase.messages_stored != phase.distinct_ids:
        problems.append("a message id stored twice")
    if phase.messages_stored < answered:
        problems.append(f"{answered - phase.messages_stored} acked messages not stored")
    bare_rate = bare.load.requests_per_second
    return {
        "gate": plan.gate + (f" (nice {plan.gate_nice})" if plan.gate_nice else ""),
        "load_before": load,
        "bare_per_second": bare_rate,
        "bare_rounds": bare.rounds_per_second,
        "a_per_second": phase.messages_per_second,
        "ratio": round(phase.messages_per_second / bare_rate, 3),
        "cpu_ratio": round(
            bare.load.server_cpu_ms_per_request / max(phase.load.server_cpu_ms_per_request, 1e-9), 3
        ),
        "server_cpu_ms": phase.load.server_cpu_ms_per_request,
        "bare_cpu_ms": bare.load.server_cpu_ms_per_request,
        "worker_cpu_ms": phase.worker_cpu_ms_per_message,
        "p50_ms": phase.load.p50_ms,
        "p99_ms": phase.load.p99_ms,
        "cores": phase.load.cores,
        "answers": phase.load.answers,
        "problems": problems,
    }


async def main() -> int:
    """Run the configurations in turn, `--runs` times; print each run, then the medians."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=3, help="runs of each configuration")
    parser.add_argument("--messages", type=int, default=20_000, help="messages in A")
    parser.add_argument("--concurrency", type=int, default=32, help="connections, closed loop")
    parser.add_argument(
        "--gate", action="append", choices=("inline", "worker"), help="repeat to alternate"
    )
    parser.add_argument("--gate-nice", type=int, default=0, help="niceness of the gate worker")
    parser.add_argument("--save", type=Path, help="also write every run as JSON to this file")
    parser.add_argument(
        "--profile", type=Path, help="py-spy raw profiles of A, a folder per run, under this dir"
    )
    args = parser.parse_args()
    runs: list[dict[str, Any]] = []
    for _ in range(args.runs):
        for gate in args.gate or ["inline"]:
            run = await one_run(_plan(args, gate))
            runs.append(run)
            print(json.dumps(run), flush=True)
    if args.save:
        args.save.write_text(json.dumps(runs, indent=2))
    for gate in sorted({run["gate"] for run in runs}):
        mine = [run for run in runs if run["gate"] == gate]
        print(
            f"{gate}: A / bare median {statistics.median(r['ratio'] for r in mine):.3f} "
            f"(runs {', '.join(str(r['ratio']) for r in mine)}); by CPU median "
            f"{statistics.median(r['cpu_ratio'] for r in mine):.3f}; A median "
            f"{statistics.median(r['a_per_second'] for r in mine):,.0f} msg/s"
        )
    problems = [p for run in runs for p in run["problems"]]
    for problem in problems:
        print(f"CORRECTNESS: {problem}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
