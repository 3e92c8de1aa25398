"""What the gate did, logged and counted (the core reports it through `GateObserver`)."""

from __future__ import annotations

import sys
from collections.abc import Sequence

import attrs
import structlog

from lia_core.domain.conversations import PendingInbound
from lia_core.errors import PortUnavailable
from lia_core.services.inbound import ProcessReport
from lia_entrypoints.inbound.metrics import InboundMetrics

__all__ = ["LoggingGateObserver"]

log = structlog.get_logger("lia_entrypoints.inbound.pipeline")


@attrs.frozen
class LoggingGateObserver:
    """Logs each gate batch and failure and counts them in the process's metrics."""

    metrics: InboundMetrics

    def processed(self, report: ProcessReport) -> None:
        """Log and count one batch."""
        log.info(
            "inbound.processed",
            messages=report.processed,
            outcomes={k.value: v for k, v in report.outcomes.items()},
            notices=report.notices,
            replies=report.replies,
            crm_lookups=report.crm_lookups,
            crm_unavailable=report.crm_unavailable,
        )
        for error in report.crm_errors:
            log.warning("inbound.crm_unavailable", error=error)
        self.metrics.processed(report)

    def failed(self, batch: Sequence[PendingInbound], *, isolated: bool) -> None:
        """Log the failure with its traceback; a single message is counted as ``failed``.

        An unavailable database is an outage, not a bug: one line, no traceback (the
        recovery sweep takes the messages once it is back).
        """
        error = sys.exc_info()[1]
        if isinstance(error, PortUnavailable):
            log.warning("inbound.gate_unavailable", messages=len(batch), error=str(error))
            return
        if isolated:
            log.exception("inbound.message_failed", message_id=batch[0].id)
            self.metrics.gate.labels("failed").inc()
        else:
            log.exception("inbound.batch_failed", messages=len(batch))
