"""Every report on the fake, SQLite and PostgreSQL, through the use case, against a hand count
of the dataset in tests/contract/builders/reports.py (range: November 2026 in São Paulo)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest

from lia_adapters.memory import FixedClock
from lia_core.errors import NotFound, ValidationError
from lia_core.ports import UnitOfWorkFactory
from lia_core.reports import Value
from lia_core.services import Reports, RunReport
from tests.contract.builders.reports import NOW, SAO_PAULO, seed_reports

Rows = list[tuple[Value, ...]]


Run = Callable[..., Awaitable[Rows]]


@pytest.fixture
async def run(uow_factory: UnitOfWorkFactory) -> Run:
    """Seed the dataset; the returned function runs a report over November 2026."""
    await seed_reports(uow_factory)
    reports = Reports(uow_factory, FixedClock(NOW), SAO_PAULO)

    async def report(name: str, group_by: str | None = None, *, business: bool = False) -> Rows:
        request = RunReport(
            name=name,
            start="2026-11-01",
            end="2026-11-30",
            group_by=group_by,
            business_hours=business,
        )
        return list((await reports.run(request)).rows)

    return report


async def test_frt(run: Run) -> None:
    """FRT: t1 answered after 600 s, t2 after 1800 s (t3, t4 unanswered; t5 opened in October)."""
    assert await run("frt") == [(2, 1200.0, 1800.0)]
    # ana answered t1 (600 s), bia t2 (1800 s).
    assert await run("frt", "agent") == [
        ("ana", 1, 600.0, 600.0),
        ("bia", 1, 1800.0, 1800.0),
    ]


async def test_ttr(run: Run) -> None:
    """TTR: resolved in November: t1 3600 s, t2 7200 s, t5 from 20 Oct 12:00 to 1 Nov 03:30."""
    # t5: 11 days 15 h 30 min = 950400 + 55800 = 1006200 s; mean (3600 + 7200 + 1006200) / 3.
    assert await run("ttr") == [(3, 339000.0, 1006200.0)]
    # By day in São Paulo: t5 on 1 Nov (00:30 there), t1 on the 10th, t2 on the 11th.
    assert await run("ttr", "day") == [
        ("2026-11-01", 1, 1006200.0, 1006200.0),
        ("2026-11-10", 1, 3600.0, 3600.0),
        ("2026-11-11", 1, 7200.0, 7200.0),
    ]


async def test_aht(run: Run) -> None:
    """AHT: first reply to resolution: t1 3000 s, t2 5400 s, t5 1006200 - 1200 = 1005000 s."""
    # total 1013400, mean 337800; by department: support holds all three.
    assert await run("aht") == [(3, 337800.0, 1005000.0, 1013400.0)]
    assert await run("aht", "department") == [("support", 3, 337800.0, 1005000.0, 1013400.0)]


async def test_business_hours_read_the_stored_durations(run: Run) -> None:
    """On 08:00-18:00 Monday to Friday in São Paulo: t2 (Wednesday 09:00, replied 09:30,
    resolved 11:00) is FRT 1800 s, AHT 5400 s, TTR 7200 s, as on the wall clock; t5 (Tuesday
    20 Oct 09:00, replied 09:20, resolved Sunday 1 Nov 00:30) is FRT 1200 s and TTR 9 h on the
    20th + 3 x 10 h + 5 x 10 h = 89 h = 320400 s, AHT 319200 s; t1 has no durations (NULL)."""
    assert await run("frt", business=True) == [(1, 1800.0, 1800.0)]
    assert await run("frt", "agent", business=True) == [("bia", 1, 1800.0, 1800.0)]
    # (7200 + 320400) / 2 = 163800
    assert await run("ttr", business=True) == [(2, 163800.0, 320400.0)]
    assert await run("ttr", "day", business=True) == [
        ("2026-11-01", 1, 320400.0, 320400.0),
        ("2026-11-11", 1, 7200.0, 7200.0),
    ]
    # 5400 + 319200 = 324600, mean 162300: FRT + AHT = TTR per ticket.
    assert await run("aht", business=True) == [(2, 162300.0, 319200.0, 324600.0)]
    assert await run("aht", "department", business=True) == [
        ("support", 2, 162300.0, 319200.0, 324600.0)
    ]


async def test_sla(run: Run) -> None:
    """SLA: t1 (high) hit both clocks; t2 (medium) missed its first response, hit resolution."""
    assert await run("sla") == [
        ("first_response", "high", 1, 0, 100.0),
        ("first_response", "medium", 0, 1, 0.0),
        ("resolution", "high", 1, 0, 100.0),
        ("resolution", "medium", 1, 0, 100.0),
    ]


async def test_transfers_and_escalations(run: Run) -> None:
    """Of the 4 tickets opened in November, t1 was reassigned and t2 escalated: 25 % each."""
    assert await run("transfers") == [(4, 1, 25.0)]
    # support: t1, t2 (one reassigned: 50 %); financial: t3, t4 (none).
    assert await run("transfers", "department") == [
        ("financial", 2, 0, 0.0),
        ("support", 2, 1, 50.0),
    ]
    assert await run("escalations") == [(4, 1, 25.0)]


async def test_backlog(run: Run) -> None:
    """Backlog: t3 open at N1 and t4 waiting for the customer at N2, both financial."""
    assert await run("backlog") == [
        ("open", "N1", "financial", 1),
        ("waiting_customer", "N2", "financial", 1),
    ]


async def test_nps(run: Run) -> None:
    """NPS: 10, 9, 3, 7 in November (the 0 is October's): (2 - 1) * 100 / 4 = 25, mean 7.25."""
    assert await run("nps") == [(4, 2, 1, 1, 25.0, 7.25)]
    # ana: 10, 9 -> NPS 100, mean 9.5; bia: 3, 7 -> (0 - 1) * 100 / 2 = -50, mean 5.
    assert await run("nps", "agent") == [
        ("ana", 2, 2, 0, 0, 100.0, 9.5),
        ("bia", 2, 0, 1, 1, -50.0, 5.0),
    ]
    # 10th: 10; 11th: 9 and 3 (NPS 0, mean 6); 12th: 7 (a passive: NPS 0).
    assert await run("nps", "day") == [
        ("2026-11-10", 1, 1, 0, 0, 100.0, 10.0),
        ("2026-11-11", 2, 1, 0, 1, 0.0, 6.0),
        ("2026-11-12", 1, 0, 1, 0, 0.0, 7.0),
    ]
    assert await run("nps", "assistant") == [
        ("bot-financial", 2, 0, 1, 1, -50.0, 5.0),
        ("bot-support", 2, 2, 0, 0, 100.0, 9.5),
    ]


async def test_offers(run: Run) -> None:
    """Offers in November: ana 2 (1 timed out: 50 %), bia 1 (timed out); October's left out."""
    assert await run("offers") == [("ana", 2, 1, 50.0), ("bia", 1, 1, 100.0)]
    # All in the week that starts on Monday 9 November; by month, November.
    assert await run("offers", "week") == [
        ("2026-11-09", "ana", 2, 1, 50.0),
        ("2026-11-09", "bia", 1, 1, 100.0),
    ]
    assert await run("offers", "month") == [
        ("2026-11", "ana", 2, 1, 50.0),
        ("2026-11", "bia", 1, 1, 100.0),
    ]


async def test_an_empty_range_has_no_rows(uow_factory: UnitOfWorkFactory) -> None:
    """A range with nothing in it answers no rows (not a row of zeros)."""
    await seed_reports(uow_factory)
    reports = Reports(uow_factory, FixedClock(NOW), SAO_PAULO)
    for name in ("frt", "nps", "offers", "backlog", "sla", "funnel", "handoffs", "deflection"):
        report = await reports.run(RunReport(name=name, start="2025-01-01", end="2025-01-31"))
        assert report.rows == (), name


async def test_bad_requests_name_their_field(uow_factory: UnitOfWorkFactory) -> None:
    """An unknown report is NotFound listing the names; a bad date, range or grouping names it."""
    reports = Reports(uow_factory, FixedClock(NOW), SAO_PAULO)
    with pytest.raises(NotFound, match="frt, aht"):
        await reports.run(RunReport(name="nope"))
    cases = [
        (RunReport(name="nps", start="2026-13-01"), "from"),
        (RunReport(name="nps", end="ontem"), "to"),
        (RunReport(name="nps", start="2026-11-30", end="2026-11-01"), "from"),
        (RunReport(name="backlog", group_by="day"), "group_by"),
        (RunReport(name="nps", group_by="year"), "group_by"),
        (RunReport(name="offers", group_by="agent"), "group_by"),
        (RunReport(name="nps", business_hours=True), "business_hours"),
    ]
    for request, field in cases:
        with pytest.raises(ValidationError) as caught:
            await reports.run(request)
        assert caught.value.field == field, request


async def test_funnel(run: Run) -> None:
    """Funnel: c-a (bot) and c-b (agent) active, c-c waiting, c-d and c-e archived (c-f is
    October's): close rate 2 / 5 = 40 %; two messages today (2 Dec in São Paulo)."""
    assert await run("funnel") == [(2, 1, 2, 5, 2, 40.0)]
    assert await run("funnel", "day") == [
        ("2026-11-10", 1, 0, 0, 1, 2, 0.0),
        ("2026-11-11", 1, 1, 0, 2, 2, 0.0),
        ("2026-11-12", 0, 0, 2, 2, 2, 100.0),
    ]


async def test_handoffs(run: Run) -> None:
    """Handoffs: customer_asked h1 sent, h2 pending; critical_intent h3 failed (closed untaken),
    h5 pending (never queued); h4 is October's."""
    assert await run("handoffs") == [
        ("critical_intent", 2, 1, 0, 1),
        ("customer_asked", 2, 1, 1, 0),
    ]
    assert await run("handoffs", "department") == [
        ("financial", "critical_intent", 2, 1, 0, 1),
        ("support", "customer_asked", 2, 1, 1, 0),
    ]


async def test_deflection(run: Run) -> None:
    """Outage out-1: 3 notices in November, 2 to contacts the gate answered, of whom 1 opened no
    ticket afterwards; 1 resolution sent."""
    assert await run("deflection") == [("out-1", "Falha out-1", 2, 1, 3, 1)]
