"""What a retention purge reports (`lia outbox|webhooks|audit purge --json`)."""

from __future__ import annotations

from datetime import datetime, tzinfo

from lia_core.services import PurgeReport
from lia_entrypoints.schemas.base import Out

__all__ = ["PurgeOut"]


class PurgeOut(Out):
    """One purge: what, the cutoff, and how many rows it purged (a dry run: would purge)."""

    target: str
    """outbox (finished jobs deleted), webhooks (processed messages' content blanked) or audit."""
    before: datetime
    """The cutoff, in the ISP's timezone: only rows older than this were touched."""
    count: int
    """Rows purged; with ``dry_run``, rows a purge would touch now."""
    dry_run: bool
    batches: int
    """Transactions the purge took (0 for a dry run)."""

    @classmethod
    def of(cls, report: PurgeReport, tz: tzinfo) -> PurgeOut:
        """The public shape of *report*."""
        return cls(
            target=report.target.value,
            before=report.before.astimezone(tz),
            count=report.count,
            dry_run=report.dry_run,
            batches=report.batches,
        )
