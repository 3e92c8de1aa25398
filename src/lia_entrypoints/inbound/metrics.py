"""Prometheus metrics of one process (`GET /metrics`): what the inbound pipeline did."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge

from lia_core.services.inbound import ProcessReport
from lia_core.services.ingest import IngestReport

__all__ = ["InboundMetrics"]


class InboundMetrics:
    """Counters of webhooks, stored messages, gate outcomes and CRM trouble."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry()
        self.webhooks = Counter(
            "lia_webhooks_total",
            "Webhook requests by provider and result (stored, ignored, rejected, malformed).",
            ["provider", "result"],
            registry=self.registry,
        )
        self.messages = Counter(
            "lia_inbound_messages_total",
            "Inbound messages by result: new, or duplicate (a redelivery, stored once).",
            ["result"],
            registry=self.registry,
        )
        self.receipts = Counter(
            "lia_receipts_changed_total",
            "Delivery receipts that moved a message's status forward.",
            registry=self.registry,
        )
        self.settled = Counter(
            "lia_uncertain_jobs_settled_total",
            "Uncertain outbox jobs marked sent by a provider receipt.",
            registry=self.registry,
        )
        self.gate = Counter(
            "lia_gate_outcomes_total",
            "What the outage gate did with each message (notified, reminded, asked_cep, ...).",
            ["outcome"],
            registry=self.registry,
        )
        self.crm = Counter(
            "lia_crm_lookups_total",
            "CRM lookups by the gate, by result (answered, unavailable: timed out or failed).",
            ["result"],
            registry=self.registry,
        )
        self._webhook_counts: dict[tuple[str, str], Counter] = {}
        self.stood_back = Counter(
            "lia_gate_stood_back_seconds",
            "Seconds the inline gate waited for webhooks to stop pressing (acknowledgements first).",
            registry=self.registry,
        )
        self.backlog = Gauge(
            "lia_gate_backlog",
            "Stored messages waiting for the gate in this process.",
            registry=self.registry,
        )

    def webhook(self, provider: str, result: str) -> None:
        """Count one webhook request (its labelled child looked up once, not per request)."""
        child = self._webhook_counts.get((provider, result))
        if child is None:
            child = self._webhook_counts[provider, result] = self.webhooks.labels(provider, result)
        child.inc()

    def stored(self, report: IngestReport) -> None:
        """Count one group commit."""
        self.messages.labels("new").inc(len(report.new))
        self.messages.labels("duplicate").inc(report.duplicates)
        self.receipts.inc(report.receipts_changed)
        self.settled.inc(len(report.settled_job_ids))

    def processed(self, report: ProcessReport) -> None:
        """Count one gate batch."""
        for outcome, count in report.outcomes.items():
            self.gate.labels(outcome.value).inc(count)
        self.crm.labels("answered").inc(report.crm_lookups - report.crm_unavailable)
        self.crm.labels("unavailable").inc(report.crm_unavailable)
