"""The stored-state gauges of `GET /metrics`: tickets, SLA, queues, agents, surveys.

A scrape calls `refresh` (one read through `uow.gauges`, at most once per
`LIA_HTTP__METRICS_CACHE_SECONDS`, one reader at a time), then `generate_latest` collects
the last counts. A queue's oldest wait is measured at collection from its stored instant,
so it stays exact while the counts are reused.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from datetime import timedelta

from prometheus_client import CollectorRegistry
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from lia_core.domain.agents import Presence
from lia_core.domain.tickets import TicketStatus
from lia_core.ports import Clock, StateCounts, UnitOfWorkFactory
from lia_core.sla.readings import Metric, SlaState

__all__ = ["SURVEY_WINDOW", "StateMetrics"]

_LIVE = (TicketStatus.OPEN, TicketStatus.WAITING_CUSTOMER)
SURVEY_WINDOW = timedelta(days=1)
"""Surveys sent and answered are counted over this last stretch of time (an indexed range)."""


class StateMetrics(Collector):
    """Gauges computed from the stored state, cached for a few seconds between scrapes."""

    def __init__(
        self,
        uow: UnitOfWorkFactory,
        clock: Clock,
        *,
        presence_ttl: timedelta,
        cache: timedelta,
        monotonic: Callable[[], float],
        registry: CollectorRegistry | None = None,
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._presence_ttl = presence_ttl
        self._cache = cache.total_seconds()
        self._monotonic = monotonic
        self._lock = asyncio.Lock()
        self._counts: StateCounts | None = None
        self._read_at = 0.0
        if registry is not None:
            registry.register(self)

    async def refresh(self) -> None:
        """Read the counts again unless the last read is younger than the cache time."""
        async with self._lock:
            if self._counts is not None and self._monotonic() - self._read_at < self._cache:
                return
            async with self._uow() as uow:
                now = self._clock.now()
                self._counts = await uow.gauges.read(
                    now=now, presence_ttl=self._presence_ttl, surveys_since=now - SURVEY_WINDOW
                )
            self._read_at = self._monotonic()

    def describe(self) -> list[GaugeMetricFamily]:
        """No metrics at registration: `collect` before the first refresh would read nothing."""
        return []

    def collect(self) -> Iterator[GaugeMetricFamily]:
        """The gauges of the last refresh (none before the first)."""
        counts = self._counts
        if counts is None:
            return
        tickets = GaugeMetricFamily(
            "lia_tickets", "Live tickets by status (open, waiting_customer).", labels=["status"]
        )
        for status in _LIVE:
            tickets.add_metric([status.value], counts.tickets.get(status, 0))
        sla = GaugeMetricFamily(
            "lia_sla_tickets",
            "Live tickets with a running SLA clock, by their most urgent clock's state.",
            labels=["state"],
        )
        for state in SlaState:
            sla.add_metric([state.value], counts.sla.get(state, 0))
        clocks = GaugeMetricFamily(
            "lia_sla_clocks_running",
            "SLA clocks still running (not met yet, overdue included), by clock.",
            labels=["clock"],
        )
        for metric in Metric:
            clocks.add_metric([metric.value], counts.clocks.get(metric, 0))
        yield from (tickets, sla, clocks)
        yield from self._queues(counts)
        agents = GaugeMetricFamily(
            "lia_agents",
            "Agents by presence (a lapsed heartbeat reads offline).",
            labels=["presence"],
        )
        for presence in Presence:
            agents.add_metric([presence.value], counts.agents.get(presence, 0))
        yield agents
        for name, text, value in (
            (
                "lia_nps_surveys_sent_24h",
                "NPS surveys sent in the last 24 hours.",
                counts.surveys_sent,
            ),
            ("lia_nps_surveys_open", "NPS surveys waiting for an answer.", counts.surveys_open),
            (
                "lia_nps_surveys_answered_24h",
                "NPS answers stored in the last 24 hours.",
                counts.surveys_answered,
            ),
        ):
            yield GaugeMetricFamily(name, text, value=value)

    def _queues(self, counts: StateCounts) -> Iterator[GaugeMetricFamily]:
        size = GaugeMetricFamily(
            "lia_queue_size",
            "Conversations waiting for a person, by department (departments with none are absent).",
            labels=["department"],
        )
        oldest = GaugeMetricFamily(
            "lia_queue_oldest_wait_seconds",
            "How long the longest-waiting conversation of each department's queue has waited.",
            labels=["department"],
        )
        now = self._clock.now()
        for queue in counts.queues:
            size.add_metric([queue.department], queue.waiting)
            if queue.oldest_since is not None:
                waited = max(0.0, (now - queue.oldest_since).total_seconds())
                oldest.add_metric([queue.department], waited)
        yield from (size, oldest)
