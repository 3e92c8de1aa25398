"""What the SLA monitor and the staff notifier did, logged (the core reports it through observers)."""

from __future__ import annotations

from collections.abc import Sequence

import attrs
import structlog

from lia_core.desk.monitor import MonitorReport

__all__ = ["LoggingAlertObserver", "LoggingMonitorObserver"]

log = structlog.get_logger("lia_entrypoints.desk")


@attrs.frozen
class LoggingMonitorObserver:
    """Each tick at debug, at info when it changed something; failures with their traceback."""

    def ticked(self, report: MonitorReport) -> None:
        """Log one tick's counts."""
        fields = attrs.asdict(report)
        if report.changed:
            log.info("desk.monitor_tick", **fields)
        else:
            log.debug("desk.monitor_tick", **fields)

    def failed(self, ticket_ids: Sequence[str], *, isolated: bool) -> None:
        """Log a failed batch (retried ticket by ticket) or a failed ticket (deferred)."""
        if isolated:
            log.exception("desk.monitor_ticket_failed", ticket_id=ticket_ids[0])
        else:
            log.exception("desk.monitor_batch_failed", tickets=len(ticket_ids))


@attrs.frozen
class LoggingAlertObserver:
    """A staff alert that could not be queued, with who and why (never the contact itself)."""

    def alert_failed(self, *, ticket_id: str, policy: str, username: str, error: str) -> None:
        """Log `desk.alert_failed`."""
        log.warning(
            "desk.alert_failed", ticket_id=ticket_id, policy=policy, username=username, error=error
        )
