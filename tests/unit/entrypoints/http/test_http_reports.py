"""`GET /api/v1/reports/{name}`: JSON and CSV of a hand-counted dataset, who may read them, and
refusals naming the field; the CSV is the one `lia report --csv` prints, byte for byte."""

from __future__ import annotations

import asyncio

import pytest

from lia_adapters.memory import FixedClock, InMemoryStore
from tests.contract.builders.reports import NOW, seed_reports
from tests.unit.entrypoints.cli.cli_harness import CliHarness

from .api_support import Client, Headers, problem

NOVEMBER = {"from": "2026-11-01", "to": "2026-11-30"}


@pytest.fixture
def clock() -> FixedClock:
    """The dataset's clock: 2 December 2026."""
    return FixedClock(NOW)


@pytest.fixture
async def seeded(store: InMemoryStore) -> InMemoryStore:
    """The store holding the reports' dataset."""
    await seed_reports(store.unit_of_work)
    return store


async def test_nps_by_agent_as_json(
    client: Client, supervisor: Headers, seeded: InMemoryStore
) -> None:
    """ana: 10 and 9 (NPS 100, mean 9.5); bia: 3 and 7 ((0 - 1) * 100 / 2 = -50, mean 5)."""
    got = await client.get(
        "/api/v1/reports/nps", params={**NOVEMBER, "group_by": "agent"}, headers=supervisor
    )
    assert got.status_code == 200, got.text
    body = got.json()
    assert [c["name"] for c in body["columns"]] == [
        "agent", "answers", "promoters", "passives", "detractors", "nps", "avg_score",
    ]  # fmt: skip
    assert body["columns"][5] == {"name": "nps", "label": "NPS", "unit": "score"}
    assert body["rows"] == [["ana", 2, 2, 0, 0, 100.0, 9.5], ["bia", 2, 0, 1, 1, -50.0, 5.0]]
    # 1 November 00:00 and 1 December 00:00 in São Paulo (to is inclusive of the 30th).
    assert (body["start"], body["end"]) == (
        "2026-11-01T00:00:00-03:00",
        "2026-12-01T00:00:00-03:00",
    )


async def test_csv_equals_the_cli_byte_for_byte(
    client: Client, supervisor: Headers, seeded: InMemoryStore, clock: FixedClock
) -> None:
    """Accept: text/csv gives the header and rows (FRT: 2 tickets, 1200 s mean, 1800 s max),
    the same bytes as `lia report frt --csv`."""
    got = await client.get(
        "/api/v1/reports/frt", params=NOVEMBER, headers={**supervisor, "Accept": "text/csv"}
    )
    assert got.status_code == 200, got.text
    assert got.headers["content-type"].startswith("text/csv")
    assert got.content == b"tickets,avg_seconds,max_seconds\r\n2,1200.0,1800.0\r\n"
    lia = CliHarness(store=seeded, clock=clock)
    args = ("report", "frt", "--from", "2026-11-01", "--to", "2026-11-30", "--csv")
    cli = await asyncio.to_thread(lia.ok, *args)  # the CLI runs its own event loop
    assert cli.stdout_bytes == got.content


async def test_business_hours_ttr_as_json_and_csv_equal_to_the_cli(
    client: Client, supervisor: Headers, seeded: InMemoryStore, clock: FixedClock
) -> None:
    """business_hours=true: TTR of the tickets measured on 08:00-18:00 weekdays (t2 7200 s,
    t5 320400 s; t1 unmeasured, left out), the same CSV as `lia report ttr --business-hours`."""
    params = {**NOVEMBER, "business_hours": "true"}
    got = await client.get("/api/v1/reports/ttr", params=params, headers=supervisor)
    assert got.status_code == 200, got.text
    assert got.json()["business_hours"] is True
    assert got.json()["rows"] == [[2, 163800.0, 320400.0]]
    wall = await client.get("/api/v1/reports/ttr", params=NOVEMBER, headers=supervisor)
    assert wall.json()["rows"] == [[3, 339000.0, 1006200.0]]
    csv = await client.get(
        "/api/v1/reports/ttr", params=params, headers={**supervisor, "Accept": "text/csv"}
    )
    lia = CliHarness(store=seeded, clock=clock)
    args = ("report", "ttr", "--from", "2026-11-01", "--to", "2026-11-30", "--business-hours")
    cli = await asyncio.to_thread(lia.ok, *args, "--csv")
    assert (
        cli.stdout_bytes
        == csv.content
        == b"tickets,avg_seconds,max_seconds\r\n2,163800.0,320400.0\r\n"
    )


async def test_refusals_name_the_field(client: Client, supervisor: Headers) -> None:
    """Unknown report 404 listing the names; bad from/to, reversed range, bad grouping 422."""
    missing = problem(await client.get("/api/v1/reports/churn", headers=supervisor), 404)
    assert "frt, aht, ttr" in missing["detail"]
    for params, field in [
        ({"from": "2026-02-30"}, "from"),
        ({"to": "amanhã"}, "to"),
        ({"from": "2026-11-30", "to": "2026-11-01"}, "from"),
        ({"group_by": "agent"}, "group_by"),
        ({"business_hours": "true"}, "business_hours"),
    ]:
        problem(
            await client.get("/api/v1/reports/offers", params=params, headers=supervisor),
            422,
            field=field,
        )


async def test_agents_may_not_read_reports(client: Client, agent: Headers) -> None:
    """An AGENT is refused (403): the reports count every agent's work."""
    problem(await client.get("/api/v1/reports/nps", headers=agent), 403)
