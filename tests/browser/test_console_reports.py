"""Relatórios in a real browser at a phone's width: the NPS report shows its chart and table,
and "Exportar CSV" downloads exactly the bytes `lia report nps … --csv` prints."""

from __future__ import annotations

import asyncio
import subprocess
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.async_api import Page, expect

from lia_core.domain.feedback import Feedback
from lia_entrypoints.bootstrap import Runtime
from tests.integration.cli.lia_process import LiaProcess

from .conftest import LiveServer
from .support import SUPERVISOR, assert_accessible, login, runtime_over, shot

pytestmark = pytest.mark.browser


def printed_bytes(lia: LiaProcess, args: tuple[str, ...]) -> bytes:
    """What `lia *args` prints, as bytes (text mode would turn the CSV's CRLF into LF)."""
    done = subprocess.run(
        [str(lia.binary), *args], env=lia.env, cwd=lia.cwd, capture_output=True, check=True
    )
    return done.stdout


@pytest.fixture
async def runtime(live_server: LiveServer) -> AsyncIterator[Runtime]:
    """The live server's use cases over its SQLite (NPS answers to report on)."""
    async with runtime_over(Path(live_server.lia.env["LIA_DATA_DIR"])) as built:
        yield built


async def test_a_report_shows_its_chart_and_exports_the_clis_csv(
    page: Page, live_server: LiveServer, runtime: Runtime
) -> None:
    now = datetime.now(UTC)
    async with runtime.uow() as uow:
        for n, (score, days) in enumerate(((10, 0), (6, 0), (9, 8), (8, 8))):
            key = uuid.uuid4().hex[:8]
            await uow.feedback.add(
                Feedback.record(
                    id=f"fb-{key}",
                    survey_id=f"s-{key}",
                    conversation_id=f"c-{key}",
                    customer=f"55219888800{n}",
                    score=score,
                    comment="",
                    agent="agata.agent",
                    department="general",
                    at=now - timedelta(days=days),
                )
            )
        await uow.commit()
    today = now.astimezone(ZoneInfo("America/Sao_Paulo")).date()
    start, end = (today - timedelta(days=20)).isoformat(), today.isoformat()

    await page.set_viewport_size({"width": 375, "height": 800})
    await login(page, SUPERVISOR.username, SUPERVISOR.password)
    await page.get_by_role("link", name="Relatórios").click()
    await page.get_by_role("link", name="NPS", exact=True).last.click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("NPS")
    await page.get_by_label("De", exact=True).fill(start)
    await page.get_by_label("Até (inclusive)").fill(end)
    await page.get_by_role("button", name="Mostrar").click()
    chart = page.locator("#report-chart svg")
    await expect(chart).to_be_visible()
    assert (await chart.locator("> title").text_content() or "").startswith("NPS")
    assert await chart.locator("circle").count() >= 2  # a trend over at least two weeks
    box = await chart.bounding_box()
    assert box is not None
    assert box["width"] <= 375
    await expect(page.locator("#report-table tbody tr")).not_to_have_count(0)
    await assert_accessible(page)
    await shot(page, "relatorio-nps")

    async with page.expect_download() as pending:
        await page.get_by_role("link", name="Exportar CSV").click()
    download = await pending.value
    exported = await asyncio.to_thread(Path(await download.path()).read_bytes)
    args = ("report", "nps", "--from", start, "--to", end, "--group-by", "week", "--csv")
    printed = await asyncio.to_thread(printed_bytes, live_server.lia, args)
    assert exported == printed
    assert exported.startswith(b"week,answers,promoters,")
    assert exported.count(b"\r\n") >= 3  # the header and at least two weeks
    command = await page.locator("#report-cli").inner_text()
    assert command == f"lia report nps --from {start} --to {end} --group-by week --csv"
