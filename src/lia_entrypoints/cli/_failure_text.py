"""Text renderings of failures for the terminal (the ``--json`` forms are the shared schemas)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import tzinfo

from lia_core.domain.failures import MassiveFailure
from lia_core.services import FailureListing, FailureTab
from lia_entrypoints.cli.output import fields, local_time, table

__all__ = ["failure_details", "failure_table", "listing_text", "tab_counts"]

_TAB_LABELS = (
    (FailureTab.ACTIVE, "Active"),
    (FailureTab.SCHEDULED, "Scheduled"),
    (FailureTab.RESOLVED, "History"),
)


def tab_counts(listing: FailureListing) -> str:
    """``Active (1) · Scheduled (0) · History (17)``."""
    return " · ".join(f"{label} ({listing.counts.get(tab, 0)})" for tab, label in _TAB_LABELS)


def failure_table(failures: Sequence[MassiveFailure], tz: tzinfo) -> str:
    """One row per failure: id, name, status, severity, regions, start and estimated end."""
    rows = [
        [
            f.id,
            f.name,
            f.status.value,
            f.severity.value,
            f.regions.describe(),
            local_time(f.starts_at, tz),
            local_time(f.estimated_resolution, tz),
        ]
        for f in failures
    ]
    headers = ["ID", "NAME", "STATUS", "SEVERITY", "REGIONS", "STARTS", "ESTIMATED END"]
    return table(headers, rows, widths={"NAME": 40, "REGIONS": 60, "ID": 36})


def listing_text(listing: FailureListing, tz: tzinfo) -> str:
    """The tab counts, then the tab's failures as a table (or a note that there are none)."""
    head = tab_counts(listing)
    if not listing.failures:
        return f"{head}\n\nno {listing.tab.value} failures"
    return f"{head}\n\n{failure_table(listing.failures, tz)}"


def failure_details(failure: MassiveFailure, tz: tzinfo) -> str:
    """Every field of one failure as a label/value block."""
    pairs = [
        ("ID", failure.id),
        ("Name", failure.name),
        ("Status", failure.status.value),
        ("Severity", failure.severity.value),
        ("Regions", failure.regions.describe()),
        ("Starts", local_time(failure.starts_at, tz)),
        ("Estimated end", local_time(failure.estimated_resolution, tz)),
        ("Message", failure.notification_message),
        ("Resolution message", failure.resolution_message or "-"),
        ("Created", f"{local_time(failure.created_at, tz)} by {failure.created_by}"),
        ("Activated", local_time(failure.activated_at, tz)),
    ]
    if failure.paused_at is not None:
        pairs.append(("Paused", local_time(failure.paused_at, tz)))
    if failure.resolved_at is not None:
        pairs.append(
            ("Resolved", f"{local_time(failure.resolved_at, tz)} by {failure.resolved_by}")
        )
    if failure.cancelled_at is not None:
        pairs.append(
            ("Cancelled", f"{local_time(failure.cancelled_at, tz)} by {failure.cancelled_by}")
        )
    pairs.append(("Version", str(failure.version)))
    return fields(pairs)
