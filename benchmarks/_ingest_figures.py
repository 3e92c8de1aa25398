"""Ingest benchmark: the figures of each scenario as typed records, and their JSON form.

`IngestResult.to_json()` is the document `ingest.py --json` prints (and `--save` writes).
"""

from __future__ import annotations

from typing import Any

import attrs
from _ingest_checks import NoticeCheck, Stored
from _ingest_loadgen import Load, percentile
from _ingest_servers import LogSummary, Memory

__all__ = [
    "BareFigures",
    "DupFigures",
    "Gate",
    "IngestResult",
    "LoadFigures",
    "MixFigures",
    "OutageFigures",
    "PhaseFigures",
    "Plan",
    "ServedFigures",
]


@attrs.frozen(kw_only=True)
class Plan:
    """Sizes of one run."""

    messages: int
    concurrency: int
    rate: int
    latency_seconds: int
    dup_messages: int
    mix_messages: int
    gate_wait: float
    profile_dir: str | None = None
    """Where py-spy writes a raw profile of `lia serve` per throughput load (`--profile`)."""
    gate: str = "inline"
    """`LIA_INBOUND__GATE`: `worker` runs the gate in a `lia worker` beside `lia serve`."""
    gate_nice: int = 0
    """With the gate in a worker: its niceness (`nice -n`), as a shared host would set it."""


@attrs.frozen(kw_only=True)
class LoadFigures:
    """Answers, rate, latency and CPU of one load."""

    requests: int
    answers: dict[str, int]
    """Requests per answer status ("0" timed out, "-1" connection lost)."""
    seconds: float
    requests_per_second: int
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    over_1s_percent: float
    server_cpu_ms_per_request: float
    cores: dict[str, float]

    @classmethod
    def of(cls, load: Load) -> LoadFigures:
        """The figures of what the load generator saw."""
        ms = load.latencies_ms()
        return cls(
            requests=len(load.records),
            answers={str(k): v for k, v in sorted(load.statuses.items())},
            seconds=round(load.seconds, 2),
            requests_per_second=round(len(load.records) / load.seconds),
            p50_ms=round(percentile(ms, 0.50), 1),
            p90_ms=round(percentile(ms, 0.90), 1),
            p99_ms=round(percentile(ms, 0.99), 1),
            max_ms=round(ms[-1], 1),
            over_1s_percent=round(100 * sum(1 for x in ms if x > 1000) / len(ms), 3),
            server_cpu_ms_per_request=round(1000 * load.cpu.server / len(load.records), 3),
            cores=load.cores(),
        )

    def to_json(self) -> dict[str, Any]:
        """The JSON object."""
        return attrs.asdict(self)


@attrs.frozen(kw_only=True)
class Gate:
    """How the gate kept up with what ingest stored."""

    all_processed: bool
    unprocessed: int
    done_after_last_ack_seconds: float
    messages_per_second: int
    """End to end: stored rows over first send → last message processed."""

    @property
    def kept_up(self) -> bool:
        """Everything processed within 5 s of the last acknowledgement."""
        return self.all_processed and self.done_after_last_ack_seconds <= 5


@attrs.frozen(kw_only=True)
class PhaseFigures:
    """One phase of messages: its load, what was stored, the gate and (with failures) notices."""

    load: LoadFigures
    messages_stored: int
    messages_per_second: int
    gate: Gate | None
    """None when the gate processed no message."""
    lost: int | None
    """Messages acknowledged 200 but not stored; None unless every request got a 200."""
    distinct_ids: int
    notices: NoticeCheck | None = None
    worker_cpu_ms_per_message: float | None = None
    """With the gate in `lia worker`: that process's CPU per stored message, load to gate done."""

    @classmethod
    def of(cls, load: Load, found: Stored, *, messages: int) -> PhaseFigures:
        """Throughput, latency, gate and CPU figures of one phase."""
        gate = None
        if found.last_processed is not None and found.first_stored is not None:
            gate_span = found.last_processed - load.wall_start
            gate = Gate(
                all_processed=found.unprocessed == 0,
                unprocessed=found.unprocessed,
                done_after_last_ack_seconds=round(
                    max(0.0, found.last_processed - load.wall_end), 2
                ),
                messages_per_second=round(found.rows / max(gate_span, 1e-6)),
            )
        return cls(
            load=LoadFigures.of(load),
            messages_stored=found.rows,
            messages_per_second=round(found.rows / load.seconds),
            gate=gate,
            lost=max(0, messages - found.rows) if load.ok >= messages else None,
            distinct_ids=found.distinct_ids,
        )

    def to_json(self) -> dict[str, Any]:
        """The load's figures, then the phase's (no "gate" or "notices" key when absent)."""
        figures = self.load.to_json() | {
            "messages_stored": self.messages_stored,
            "messages_per_second": self.messages_per_second,
        }
        if self.gate is not None:
            figures["gate"] = attrs.asdict(self.gate)
        figures |= {"lost": self.lost, "distinct_ids": self.distinct_ids}
        if self.notices is not None:
            figures["notices"] = attrs.asdict(self.notices)
        if self.worker_cpu_ms_per_message is not None:
            figures["worker_cpu_ms_per_message"] = self.worker_cpu_ms_per_message
        return figures


@attrs.frozen(kw_only=True)
class ServedFigures:
    """Scenario A: one phase on its own `lia serve`, with the server's memory and log."""

    phase: PhaseFigures
    memory: Memory
    server_log: LogSummary

    def to_json(self) -> dict[str, Any]:
        """The JSON object."""
        return (
            self.phase.to_json()
            | attrs.asdict(self.memory)
            | {"server_log": attrs.asdict(self.server_log)}
        )


@attrs.frozen(kw_only=True)
class DupFigures:
    """The duplicate storm: every payload three times."""

    phase: PhaseFigures
    unique_payloads: int
    ok: bool

    def to_json(self) -> dict[str, Any]:
        """The JSON object."""
        return self.phase.to_json() | {"unique_payloads": self.unique_payloads, "ok": self.ok}


@attrs.frozen(kw_only=True)
class MixFigures:
    """The status mix: each message followed by the 3 receipts of its notice."""

    phase: PhaseFigures
    receipts: dict[str, int]
    ok: bool

    @property
    def webhooks_per_second(self) -> int:
        """Every webhook (message or status) counts here."""
        return self.phase.load.requests_per_second

    def to_json(self) -> dict[str, Any]:
        """The phase's figures with "requests_per_second" named "webhooks_per_second"."""
        figures = self.phase.to_json()
        del figures["requests_per_second"]
        return figures | {
            "receipts": self.receipts,
            "webhooks_per_second": self.webhooks_per_second,
            "ok": self.ok,
        }


@attrs.frozen(kw_only=True)
class BareFigures:
    """The bare Litestar endpoint: the median of three rounds, and each round's rate."""

    load: LoadFigures
    rounds_per_second: list[int]
    memory: Memory

    def to_json(self) -> dict[str, Any]:
        """The JSON object."""
        return (
            self.load.to_json()
            | {"rounds_per_second": self.rounds_per_second}
            | attrs.asdict(self.memory)
        )


@attrs.frozen(kw_only=True)
class OutageFigures:
    """1,000 active failures on one `lia serve`: B, latency, duplicates, status mix."""

    declare_seconds: float
    b: PhaseFigures
    latency: PhaseFigures
    dup: DupFigures
    mix: MixFigures
    memory: Memory
    server_log: LogSummary

    def to_json(self) -> dict[str, Any]:
        """The JSON object."""
        return {
            "declare_seconds": self.declare_seconds,
            "b": self.b.to_json(),
            "latency": self.latency.to_json(),
            "dup": self.dup.to_json(),
            "mix": self.mix.to_json(),
            **attrs.asdict(self.memory),
            "server_log": attrs.asdict(self.server_log),
        }


@attrs.frozen(kw_only=True)
class IngestResult:
    """Everything one run measured."""

    plan: Plan
    database: str
    load_before: str
    crm_customers: int
    bare: BareFigures
    a: ServedFigures
    outage: OutageFigures
    load_after: str
    total_seconds: float
    correctness_problems: list[str]

    def to_json(self) -> dict[str, Any]:
        """The document `--json` prints."""
        return {
            "benchmark": "ingest",
            "plan": attrs.asdict(self.plan),
            "database": self.database,
            "load_before": self.load_before,
            "crm_customers": self.crm_customers,
            "bare": self.bare.to_json(),
            "a": self.a.to_json(),
            "outage": self.outage.to_json(),
            "load_after": self.load_after,
            "total_seconds": self.total_seconds,
            "correctness_problems": self.correctness_problems,
        }
