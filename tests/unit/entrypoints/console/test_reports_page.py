"""Relatórios in-process: each report's page (chart, table, CSV link), the CSV equal to the
one writer's (the API's and `lia report --csv`'s), the form's refusals beside their fields,
and who may read them (supervisors and admins, as the API)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from lia_core.desk.index import TicketIndex
from lia_core.domain.feedback import Feedback
from lia_core.domain.tickets import EventKind, Priority, Severity, Ticket
from lia_core.reports import ReportName
from lia_core.services import RunReport
from lia_core.sla.durations import with_business_durations
from lia_entrypoints.bootstrap import Runtime
from lia_entrypoints.schemas.reports import report_csv
from tests.contract.builders.reports import OFFICE

from ..http.api_support import NOW, Client

PAGE = "/console/relatorios"
SP = ZoneInfo("America/Sao_Paulo")


async def answers(runtime: Runtime) -> None:
    """Three answers: a 10 and a 3 this week (about ana), a 9 a week earlier (about bia)."""
    rows = [
        ("fb-1", 10, "ana", NOW),
        ("fb-2", 3, "ana", NOW),
        ("fb-3", 9, "bia", NOW - timedelta(days=7)),
    ]
    async with runtime.uow() as uow:
        for fid, score, agent, at in rows:
            await uow.feedback.add(
                Feedback.record(
                    id=fid,
                    survey_id=f"s-{fid}",
                    conversation_id=f"c-{fid}",
                    customer=f"55219999900{fid[-1]}",
                    score=score,
                    comment="",
                    agent=agent,
                    department="support",
                    at=at,
                )
            )
        await uow.commit()


def table(html: str) -> list[list[str]]:
    """The report table's body rows as text cells."""
    body = html.split('<table id="report-table">')[1].split("</tbody>")[0].split("<tbody>")[1]
    return [re.findall(r"<t[hd][^>]*>([^<]*)</t[hd]>", row) for row in body.split("</tr>")[:-1]]


async def test_the_nps_trend_has_a_chart_a_table_and_its_csv(
    client: Client, runtime: Runtime, supervisor_session: str
) -> None:
    """Grouped by week by default: a line over two weeks (NPS 100, then 0), the table, and a
    CSV link whose body is what the one writer gives for the same question."""
    await answers(runtime)
    shown = await client.get(f"{PAGE}/nps", params={"de": "2026-05-01", "ate": "2026-05-31"})
    assert shown.status_code == 200
    rows = table(shown.text)
    assert [(r[0], r[1], r[5]) for r in rows] == [
        ("2026-05-11", "1", "100"),
        ("2026-05-18", "2", "0"),
    ]
    svg = shown.text.split('<figure class="chart-box" id="report-chart">')[1].split("</figure>")[0]
    root = ET.fromstring(svg.strip())  # noqa: S314 - our own page
    assert len(root.findall("{http://www.w3.org/2000/svg}circle")) == 2
    assert root.findall("{http://www.w3.org/2000/svg}polyline")
    link = re.search(r'id="report-csv" href="([^"]+)"', shown.text)
    assert link is not None
    href = link.group(1).replace("&amp;", "&")
    assert href == "/console/relatorios/nps/csv?de=2026-05-01&ate=2026-05-31&agrupar=week"
    assert "lia report nps --from 2026-05-01 --to 2026-05-31 --group-by week --csv" in shown.text
    download = await client.get(href)
    assert download.status_code == 200
    assert download.headers["content-type"].startswith("text/csv")
    expected = report_csv(
        await runtime.services.reports.run(
            RunReport(name="nps", start="2026-05-01", end="2026-05-31", group_by="week")
        )
    )
    assert download.text == expected
    assert download.text.splitlines()[0].startswith("week,answers,")


async def test_a_blank_range_is_fixed_in_the_csv_link(
    client: Client, runtime: Runtime, admin_session: str
) -> None:
    """No dates typed: the 30 days ending today, written out in the link and the command."""
    shown = await client.get(f"{PAGE}/funnel")
    assert shown.status_code == 200
    assert "agrupar=nenhum" in shown.text
    assert re.search(r"de=2026-04-2\d&amp;ate=2026-05-20", shown.text)


async def test_the_business_hours_toggle_shows_ttr_in_working_time(
    client: Client, runtime: Runtime, supervisor_session: str
) -> None:
    """A ticket opened Friday 15 May 17:30, replied Monday 08:30 and resolved at 10:00 (São
    Paulo): TTR 3870 min on the wall clock, 150 business minutes with the toggle (30 on Friday,
    120 on Monday on 08:00-18:00 weekdays); the CSV link and the command carry the toggle."""
    opened = datetime(2026, 5, 15, 17, 30, tzinfo=SP)
    ticket = Ticket.open(
        id="t-bh", department="support", priority=Priority.MEDIUM, severity=Severity.LOW, at=opened
    )
    ticket = ticket.record(
        EventKind.HUMAN_PUBLIC_REPLY, at=datetime(2026, 5, 18, 8, 30, tzinfo=SP), by="ana"
    )
    ticket = ticket.record(EventKind.RESOLVED, at=datetime(2026, 5, 18, 10, 0, tzinfo=SP), by="ana")
    async with runtime.uow() as uow:
        await uow.tickets.add(with_business_durations(ticket, OFFICE), TicketIndex(), at=opened)
        await uow.commit()
    question = {"de": "2026-05-01", "ate": "2026-05-20", "agrupar": "nenhum"}
    wall = await client.get(f"{PAGE}/ttr", params=question)
    assert [row[:2] for row in table(wall.text)] == [["1", "3870 min"]]
    shown = await client.get(f"{PAGE}/ttr", params={**question, "horario_comercial": "1"})
    assert shown.status_code == 200
    assert [row[:2] for row in table(shown.text)] == [["1", "150 min"]]
    assert "lia report ttr --from 2026-05-01 --to 2026-05-20 --business-hours --csv" in shown.text
    link = re.search(r'id="report-csv" href="([^"]+)"', shown.text)
    assert link is not None
    assert "horario_comercial=1" in link.group(1)
    download = await client.get(link.group(1).replace("&amp;", "&"))
    assert download.text == "tickets,avg_seconds,max_seconds\r\n1,9000.0,9000.0\r\n"


@pytest.mark.parametrize("name", [n.value for n in ReportName])
async def test_every_report_has_its_page(
    client: Client, runtime: Runtime, supervisor_session: str, name: str
) -> None:
    """Each report answers 200 with its title and a CSV link (no rows: the empty message)."""
    await answers(runtime)
    shown = await client.get(f"{PAGE}/{name}")
    assert shown.status_code == 200
    assert 'id="report-csv"' in shown.text


async def test_refusals_are_beside_their_fields(
    client: Client, runtime: Runtime, supervisor_session: str
) -> None:
    """A bad date, a grouping the report lacks, the business-hours toggle on a report without
    that variant: 422 each, with the message beside its own field and no CSV link."""
    cases = {
        "de": ("frt", {"de": "ontem"}),
        "agrupar": ("frt", {"agrupar": "assistant"}),
        "horario_comercial": ("nps", {"horario_comercial": "1"}),
    }
    for field, (name, params) in cases.items():
        shown = await client.get(f"{PAGE}/{name}", params=params)
        assert shown.status_code == 422, field
        assert f'id="{field}-error"' in shown.text
        assert 'id="report-csv"' not in shown.text


async def test_the_index_lists_every_report_and_unknown_is_404(
    client: Client, runtime: Runtime, supervisor_session: str
) -> None:
    """The index links each report; an unknown name is the 404 page."""
    index = await client.get(PAGE)
    assert index.status_code == 200
    assert {n.value for n in ReportName} <= set(
        re.findall(r'href="/console/relatorios/([a-z]+)"', index.text)
    )
    assert (await client.get(f"{PAGE}/lucro")).status_code == 404


async def test_agents_may_not_read_reports(
    client: Client, runtime: Runtime, agent_session: str
) -> None:
    """As the API: 403 for an agent (page, CSV, index) and no menu entry."""
    for path in (PAGE, f"{PAGE}/nps", f"{PAGE}/nps/csv"):
        assert (await client.get(path)).status_code == 403
    assert ">Relatórios</a>" not in (await client.get("/console/nps")).text
