"""Ingest benchmark: the figures against the targets as a table, and the correctness verdict."""

from __future__ import annotations

from _ingest_figures import IngestResult, OutageFigures, PhaseFigures, ServedFigures
from _ingest_servers import FAILURES

__all__ = ["correctness", "table"]


def verdict(ok: bool) -> str:
    """PASS or FAIL."""
    return "PASS" if ok else "FAIL"


def table(result: IngestResult) -> str:
    """The figures against the targets, one row each."""
    bare, a, o = result.bare, result.a.phase, result.outage
    b, lat, dup, mix = o.b, o.latency, o.dup, o.mix
    memories = (result.a.memory, o.memory)
    rss = max(m.peak_rss_mb for m in memories)
    startup = max(m.peak_rss_after_startup_mb for m in memories)
    resident = max(m.rss_after_load_mb for m in memories)
    bare_rate = bare.load.requests_per_second
    b_notices, dup_notices = b.notices, dup.phase.notices
    assert b_notices is not None
    assert dup_notices is not None
    rows: list[tuple[str, str, str, str]] = [
        (
            "bare Litestar endpoint",
            f"{bare_rate:,} req/s, median of "
            + "/".join(f"{r:,}" for r in bare.rounds_per_second)
            + f" (p99 {bare.load.p99_ms} ms)",
            "reference",
            "",
        ),
        (
            "A: stored, no failure active",
            f"{a.messages_per_second:,} msg/s ({a.messages_per_second / bare_rate:.2f}x bare)",
            ">= 1,000 msg/s",
            verdict(a.messages_per_second >= 1000),
        ),
        (
            "A: latency at max rate",
            f"p50 {a.load.p50_ms} / p99 {a.load.p99_ms} ms (concurrency {result.plan.concurrency})",
            "info",
            "",
        ),
        ("A: gate done after last ack", _gate(a), "keeps up", verdict(_kept_up(a))),
        (
            f"B: stored, {FAILURES:,} failures active",
            f"{b.messages_per_second:,} msg/s ({b.messages_per_second / bare_rate:.2f}x bare)",
            ">= 1,000 msg/s",
            verdict(b.messages_per_second >= 1000),
        ),
        ("B: gate done after last ack", _gate(b), "keeps up", verdict(_kept_up(b))),
        (
            "B: one notice per sender (outbox + record)",
            f"{b_notices.notice_jobs:,} jobs, {b_notices.notice_records:,} records "
            f"/ {b_notices.senders:,} senders",
            "equal, right failure",
            verdict(b_notices.ok),
        ),
        (
            f"latency at {result.plan.rate}/s open loop, p99",
            f"{lat.load.p99_ms} ms (p50 {lat.load.p50_ms}, max {lat.load.max_ms})",
            "<= 50 ms",
            verdict(lat.load.p99_ms <= 50),
        ),
        (
            "  Meta: median",
            f"{lat.load.p50_ms} ms",
            "<= 250 ms",
            verdict(lat.load.p50_ms <= 250),
        ),
        (
            "  Meta: over 1 s",
            f"{lat.load.over_1s_percent} %",
            "< 1 %",
            verdict(lat.load.over_1s_percent < 1),
        ),
        ("  gate during the paced run", _gate(lat), "keeps up", verdict(_kept_up(lat))),
        (
            "peak RSS of lia serve (VmHWM)",
            f"{rss} MB (after startup alone {startup}; RSS after the load {resident})",
            "<= 200 MB",
            verdict(rss <= 200),
        ),
        (
            "duplicate storm: messages stored",
            f"{dup.phase.messages_stored:,} rows / {dup.unique_payloads:,} unique "
            f"({dup.phase.load.requests:,} deliveries)",
            "once each",
            verdict(dup.phase.messages_stored == dup.unique_payloads == dup.phase.distinct_ids),
        ),
        (
            "duplicate storm: notices queued",
            f"{dup_notices.notice_jobs:,} jobs / {dup_notices.senders:,} senders",
            "once each",
            verdict(dup_notices.ok),
        ),
        (
            "status mix (1 message + 3 receipts)",
            f"{mix.webhooks_per_second:,} webhooks/s = {mix.phase.messages_per_second:,} msg/s "
            "with 3 receipts each",
            "info: Meta's 3x out + 1x in",
            "",
        ),
        (
            "status mix: receipts kept (highest status)",
            ", ".join(f"{v:,} {k}" for k, v in sorted(mix.receipts.items())) or "none",
            f"{mix.phase.messages_stored:,} read",
            verdict(mix.ok),
        ),
    ]
    phases = {"A": a, "B": b, "latency": lat, "dup": dup.phase, "mix": mix.phase}
    non_200 = {
        name: {k: v for k, v in phase.load.answers.items() if k != "200"}
        for name, phase in phases.items()
    }
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    header = ("figure", "measured", "target", "result")
    widths = [max(w, len(h)) for w, h in zip(widths, header, strict=True)]
    lines = [
        " | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)),
        "-+-".join("-" * w for w in widths),
    ]
    lines += [" | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    lines.append("")
    lines.append(f"non-200 answers: {non_200}")
    cpu = {"bare": bare.load} | {name: phase.load for name, phase in phases.items()}
    lines.append(
        "server CPU per request (ms): "
        f"bare {cpu['bare'].server_cpu_ms_per_request}, A {cpu['A'].server_cpu_ms_per_request}, "
        f"B {cpu['B'].server_cpu_ms_per_request}, "
        f"latency {cpu['latency'].server_cpu_ms_per_request}, "
        f"dup {cpu['dup'].server_cpu_ms_per_request}, mix {cpu['mix'].server_cpu_ms_per_request}"
    )
    worker = {name: phase.worker_cpu_ms_per_message for name, phase in phases.items()}
    if any(ms is not None for ms in worker.values()):
        lines.append(
            "gate worker CPU per message (ms, load to gate done): "
            + ", ".join(f"{name} {ms}" for name, ms in worker.items())
        )
    lines.append("busy cores during each load (of 2; 'machine' includes other users):")
    lines += [f"  {name}: {load.cores}" for name, load in cpu.items()]
    for name, served in (("a", result.a.server_log), ("outage", o.server_log)):
        if served.events:
            lines.append(f"server log ({name}): {served.events}; e.g. {served.examples[:2]}")
    lines.append(f"load average before/after: {result.load_before} / {result.load_after}")
    return "\n".join(lines)


def _gate(phase: PhaseFigures) -> str:
    gate = phase.gate
    if gate is None:
        return "no message processed"
    tail = "" if gate.all_processed else f", {gate.unprocessed:,} left unprocessed"
    return (
        f"{gate.done_after_last_ack_seconds} s ({gate.messages_per_second:,} msg/s "
        f"end to end{tail})"
    )


def _kept_up(phase: PhaseFigures) -> bool:
    return phase.gate is not None and phase.gate.kept_up


def correctness(a: ServedFigures, o: OutageFigures) -> list[str]:
    """Correctness failures (the only reason to exit non-zero)."""
    problems: list[str] = []
    for name, phase in (("A", a.phase), ("B", o.b), ("latency", o.latency)):
        if phase.messages_stored != phase.distinct_ids:
            problems.append(f"{name}: a message id stored twice")
        acked = int(phase.load.answers.get("200", 0))
        if phase.messages_stored < acked:
            problems.append(f"{name}: {acked - phase.messages_stored} acked messages not stored")
    for name, phase in (("B", o.b), ("latency", o.latency)):
        notices = phase.notices
        if (
            notices is not None
            and not notices.ok
            and phase.load.answers == {"200": phase.load.requests}
        ):
            problems.append(f"{name}: notices {_notices_json(phase)}")
    if not o.dup.ok:
        problems.append(
            f"duplicate storm: {o.dup.phase.messages_stored} rows, {_notices_json(o.dup.phase)}"
        )
    if not o.mix.ok:
        problems.append(f"status mix: receipts {o.mix.receipts}")
    return problems


def _notices_json(phase: PhaseFigures) -> object:
    """The notice check as the JSON document shows it (how problems have always quoted it)."""
    return phase.to_json().get("notices")
