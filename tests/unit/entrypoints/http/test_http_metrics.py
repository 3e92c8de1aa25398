"""`GET /metrics`: the stored state's gauges agree with a hand count, read through the text format."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from litestar.testing import AsyncTestClient
from prometheus_client.parser import text_string_to_metric_families

from lia_adapters.memory import FixedClock, InMemoryStore, PlainTextHasher, SequentialIds
from lia_entrypoints.bootstrap import bootstrap
from lia_entrypoints.http import create_app
from lia_entrypoints.settings import Settings
from tests.contract.builders.gauges import NOW, PRESENCE_TTL, seed_desk

from .api_support import Client

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


def samples(text: str) -> Samples:
    """Every sample of the exposition, by name and sorted labels."""
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def settings_for(tmp_path: Path, *, cache_seconds: float) -> Settings:
    """Settings with the builder's presence time limit and the given cache time."""
    return Settings.model_validate(
        {
            "data_dir": tmp_path,
            "jwt_secret": "test-secret-" + "x" * 40,
            "assignment": {"presence_ttl_seconds": PRESENCE_TTL.total_seconds()},
            "http": {"metrics_cache_seconds": cache_seconds},
        }
    )


@pytest.fixture
def store() -> InMemoryStore:
    """The in-memory database behind the app."""
    return InMemoryStore()


@pytest.fixture
def clock() -> FixedClock:
    """The builder's NOW."""
    return FixedClock(NOW)


async def serve(
    tmp_path: Path, store: InMemoryStore, clock: FixedClock, *, cache_seconds: float
) -> AsyncIterator[Client]:
    """A client of the app over *store*."""
    settings = settings_for(tmp_path, cache_seconds=cache_seconds)
    runtime = await bootstrap(
        settings, uow=store.unit_of_work, clock=clock, ids=SequentialIds(), hasher=PlainTextHasher()
    )
    async with AsyncTestClient(create_app(settings, runtime=runtime)) as client:
        yield client


@pytest.fixture
async def client(tmp_path: Path, store: InMemoryStore, clock: FixedClock) -> AsyncIterator[Client]:
    """The app with counts read on every scrape."""
    async for c in serve(tmp_path, store, clock, cache_seconds=0):
        yield c


async def scrape(client: Client) -> Samples:
    """One scrape of /metrics, parsed."""
    response = await client.get("/metrics")
    assert response.status_code == 200
    return samples(response.text)


async def test_each_gauge_agrees_with_a_hand_count(
    client: Client, store: InMemoryStore, clock: FixedClock
) -> None:
    """Tickets, SLA, clocks, queues (size and oldest wait), agents and surveys of seed_desk."""
    await seed_desk(store.unit_of_work)
    clock.advance(seconds=30)
    got = await scrape(client)
    expected = {
        ("lia_tickets", (("status", "open"),)): 3,
        ("lia_tickets", (("status", "waiting_customer"),)): 1,
        ("lia_sla_tickets", (("state", "ok"),)): 1,
        ("lia_sla_tickets", (("state", "warning"),)): 1,
        ("lia_sla_tickets", (("state", "breached"),)): 1,
        ("lia_sla_clocks_running", (("clock", "first_response"),)): 2,
        ("lia_sla_clocks_running", (("clock", "resolution"),)): 2,
        ("lia_queue_size", (("department", "support"),)): 3,
        ("lia_queue_size", (("department", "financial"),)): 1,
        ("lia_queue_oldest_wait_seconds", (("department", "support"),)): 30 * 60 + 30,
        ("lia_queue_oldest_wait_seconds", (("department", "financial"),)): 5 * 60 + 30,
        ("lia_agents", (("presence", "online"),)): 1,
        ("lia_agents", (("presence", "busy"),)): 1,
        ("lia_agents", (("presence", "away"),)): 1,
        ("lia_agents", (("presence", "offline"),)): 2,
        ("lia_nps_surveys_sent_24h", ()): 4,
        ("lia_nps_surveys_open", ()): 1,
        ("lia_nps_surveys_answered_24h", ()): 2,
    }
    assert {k: got.get(k) for k in expected} == expected
    assert not [k for k in got if k[0] == "lia_queue_size" and k not in expected]


async def test_an_empty_desk_reports_zeros_and_no_queue(client: Client) -> None:
    """Nothing stored: every state and presence at 0, no department queue at all."""
    got = await scrape(client)
    assert got[("lia_tickets", (("status", "open"),))] == 0
    assert got[("lia_sla_tickets", (("state", "breached"),))] == 0
    assert got[("lia_agents", (("presence", "online"),))] == 0
    assert got[("lia_nps_surveys_sent_24h", ())] == 0
    assert not [k for k in got if k[0].startswith("lia_queue_")]


async def test_counts_are_reused_within_the_cache_time(
    tmp_path: Path, store: InMemoryStore, clock: FixedClock
) -> None:
    """With a 60-second cache a new ticket shows only after the cache time, while the oldest
    wait keeps counting from its stored instant."""
    await seed_desk(store.unit_of_work)
    async for client in serve(tmp_path, store, clock, cache_seconds=60):
        first = await scrape(client)
        async with store.unit_of_work() as uow:
            survey = await uow.surveys.get("s-04")
            await uow.surveys.save(survey.withdraw(at=NOW))
            await uow.commit()
        clock.advance(seconds=10)
        second = await scrape(client)
        assert second[("lia_nps_surveys_open", ())] == first[("lia_nps_surveys_open", ())] == 1
        wait = ("lia_queue_oldest_wait_seconds", (("department", "support"),))
        assert second[wait] == first[wait] + 10
    async for client in serve(tmp_path, store, clock, cache_seconds=0):
        assert (await scrape(client))[("lia_nps_surveys_open", ())] == 0


def test_the_cache_time_is_a_setting() -> None:
    """LIA_HTTP__METRICS_CACHE_SECONDS: 10 seconds unless set; negative refused."""
    assert Settings(_env_file=None).http.metrics_cache_seconds == 10
    with pytest.raises(ValueError, match="metrics_cache_seconds"):
        Settings.model_validate({"http": {"metrics_cache_seconds": -1}})
