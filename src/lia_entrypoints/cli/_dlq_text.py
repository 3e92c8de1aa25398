"""Text renderings of dead letters and reprocessing runs (the ``--json`` forms are the schemas)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import tzinfo

from lia_core.domain.delivery import DeadLetter
from lia_core.ports import ReprocessAudit
from lia_core.services.dead_letters import DeadLetterDetails
from lia_entrypoints.cli.output import fields, local_time, table

__all__ = ["audit_table", "dead_letter_details", "dead_letter_table"]


def dead_letter_table(dead: Sequence[DeadLetter], tz: tzinfo) -> str:
    """One row per dead letter: job, name, channel, cause, when, attempts, reprocess count."""
    rows = [
        [
            d.job_id,
            d.job_name.value,
            d.channel.value,
            d.error.kind,
            d.error.code or "-",
            str(d.error.http_status or "-"),
            local_time(d.failed_at, tz),
            str(d.attempts),
            str(d.reprocess_count),
            d.error.excerpt or "-",
        ]
        for d in dead
    ]
    headers = [
        "JOB ID", "JOB", "CHANNEL", "KIND", "ERR CODE", "HTTP", "FAILED AT", "ATTEMPTS",
        "REPROCESSED", "EXCERPT",
    ]  # fmt: skip
    return table(headers, rows, widths={"JOB ID": 36, "EXCERPT": 50})


def dead_letter_details(details: DeadLetterDetails, tz: tzinfo) -> str:
    """The dead letter, its job and the message content as a label/value block."""
    dead, job = details.dead, details.job
    content = job.content
    pairs = [
        ("Job", job.id),
        ("Job name", dead.job_name.value),
        ("Channel", dead.channel.value),
        ("Recipient", str(job.recipient)),
        ("Origin queue", dead.origin_queue.value),
        ("Error", dead.error.kind),
        ("Error code", dead.error.code or "-"),
        ("HTTP status", str(dead.error.http_status or "-")),
        ("Provider", dead.error.provider or "-"),
        ("Response", dead.error.excerpt or "-"),
        ("Failed at", local_time(dead.failed_at, tz)),
        ("Attempts", str(dead.attempts)),
        ("Reprocessed", f"{job.dlq_reprocess_count} time(s)"),
        ("Payload hash", dead.payload_hash),
        ("Text", content.text or "-"),
    ]
    if content.template:
        params = ", ".join(content.params) or "none"
        pairs.append(("Template", f"{content.template} ({content.template_language}; {params})"))
    if content.data:
        pairs.append(("Data", ", ".join(f"{k}={v}" for k, v in sorted(content.data.items()))))
    pairs += [
        ("Source", job.context.source),
        ("Correlation id", job.context.correlation_id or "-"),
        ("Request id", job.context.request_id or "-"),
        ("Idempotency key", job.idempotency_key),
    ]
    return fields(pairs)


def audit_table(entries: Sequence[ReprocessAudit], tz: tzinfo) -> str:
    """One row per reprocessing run."""
    rows = [
        [
            e.action_id,
            local_time(e.at, tz),
            e.actor,
            " ".join(f"{k}={v}" for k, v in sorted(e.filters.items())) or "(all)",
            "yes" if e.dry_run else "no",
            str(e.matched),
            str(e.requeued),
            str(e.skipped),
        ]
        for e in entries
    ]
    headers = ["ACTION", "AT", "ACTOR", "FILTERS", "DRY RUN", "MATCHED", "REQUEUED", "SKIPPED"]
    return table(headers, rows, widths={"ACTION": 36, "FILTERS": 60})
