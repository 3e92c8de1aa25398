"""Visão geral and NPS in a real browser: a supervisor's overview counts a new customer and
marks the heatmap live (no reload), readable on a phone; a detractor's follow-up is taken and
resolved by a supervisor in the console."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.async_api import Page, expect

from lia_core.domain.feedback import Feedback
from lia_entrypoints.bootstrap import Runtime

from .conftest import LiveServer
from .support import (
    AGENT,
    SUPERVISOR,
    assert_accessible,
    customer_writes,
    login,
    runtime_over,
    shot,
)

pytestmark = pytest.mark.browser

WEEKDAYS = ("Seg", "Ter", "Qua", "Qui", "Sex", "Sáb", "Dom")


@pytest.fixture
async def runtime(live_server: LiveServer) -> AsyncIterator[Runtime]:
    """The live server's use cases over its SQLite (a customer writing in, an NPS answer)."""
    async with runtime_over(Path(live_server.lia.env["LIA_DATA_DIR"])) as built:
        yield built


async def number(page: Page, selector: str) -> int:
    """The integer a locator shows."""
    return int((await page.locator(selector).inner_text()).strip())


async def test_the_overview_counts_a_new_customer_live(page: Page, runtime: Runtime) -> None:
    """Open and unassigned go up by one within seconds, and the heatmap's total and the cell
    of this weekday and hour within its 10 s, without a reload; the SVG carries its title and
    description."""
    await page.set_viewport_size({"width": 375, "height": 800})
    await login(page, SUPERVISOR.username, SUPERVISOR.password)
    await page.get_by_role("link", name="Visão geral").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Visão geral")
    await expect(page.locator("body")).to_have_attribute("data-realtime", "open")
    opened = await number(page, '[data-count="open"]')
    unassigned = await number(page, '[data-count="unassigned"]')
    total = await number(page, "[data-total]")
    chart = page.locator("svg.chart-heatmap")
    await expect(chart).to_be_visible()
    assert (await chart.locator("> title").text_content() or "").startswith("Novas conversas")
    box = await chart.bounding_box()
    assert box is not None
    assert box["width"] <= 375  # fits the phone, no sideways scroll for the chart
    await page.evaluate("() => { window.notReloaded = true; }")

    now = datetime.now(UTC).astimezone(ZoneInfo("America/Sao_Paulo"))
    await customer_writes(
        runtime.services, f"55219{uuid.uuid4().int % 10**8:08d}", name="Cliente Novo"
    )

    await expect(page.locator('[data-count="open"]')).to_have_text(str(opened + 1))
    await expect(page.locator('[data-count="unassigned"]')).to_have_text(str(unassigned + 1))
    # The heatmap is the heavier read: fetched again at most every 10 s after a message.
    await expect(page.locator("[data-total]")).to_have_text(str(total + 1), timeout=20_000)
    assert await page.evaluate("() => window.notReloaded") is True
    await page.get_by_text("Ver os números (tabela)").click()
    row = page.locator("table.compact tbody tr").nth(now.weekday())
    await expect(row.locator("th")).to_have_text(WEEKDAYS[now.weekday()])
    assert int(await row.locator("td").nth(now.hour).inner_text()) >= 1
    await assert_accessible(page)
    await shot(page, "visao-geral")


async def test_an_agent_has_no_overview(page: Page) -> None:
    """The menu of an agent has no Visão geral, and the address answers 403."""
    await login(page, AGENT.username, AGENT.password)
    await expect(page.get_by_role("link", name="Visão geral")).to_have_count(0)
    response = await page.goto("/console/visao-geral")
    assert response is not None
    assert response.status == 403


async def test_a_supervisor_takes_and_resolves_a_detractors_follow_up(
    page: Page, runtime: Runtime
) -> None:
    """A 3 with a comment opens a follow-up: Assumir, then Resolver with notes and a 4."""
    feedback_id = f"fb-{uuid.uuid4().hex[:8]}"
    async with runtime.uow() as uow:
        await uow.feedback.add(
            Feedback.record(
                id=feedback_id,
                survey_id=f"s-{feedback_id}",
                conversation_id=f"c-{feedback_id}",
                customer="5521966660001",
                client_name="Cliente Chateado",
                score=3,
                comment="a internet caiu de novo",
                agent=AGENT.username,
                department="general",
                at=datetime.now(UTC),
            )
        )
        await uow.commit()
    await login(page, SUPERVISOR.username, SUPERVISOR.password)
    await page.get_by_role("link", name="NPS").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("NPS")
    await expect(page.locator(f'tr[data-answer="{feedback_id}"]')).to_contain_text(
        "a internet caiu de novo"
    )
    await page.get_by_role("link", name="Acompanhamento de detratores").click()
    card = page.locator(f'[data-follow-up="{feedback_id}"]')
    await expect(card).to_have_attribute("data-status", "pending")
    await card.get_by_label("O que você vai fazer (opcional)").fill("ligar para o cliente")
    await card.get_by_role("button", name="Assumir").click()
    await expect(page.get_by_text("Acompanhamento assumido: agora é seu.")).to_be_visible()
    card = page.locator(f'[data-follow-up="{feedback_id}"]')
    await expect(card).to_have_attribute("data-status", "in_progress")
    await card.get_by_label("O que foi feito").fill("visita técnica agendada")
    await card.get_by_label("4").check()
    await assert_accessible(page)
    await card.get_by_role("button", name="Resolver").click()
    await expect(page.get_by_text("Acompanhamento resolvido.")).to_be_visible()
    card = page.locator(f'[data-follow-up="{feedback_id}"]')
    await expect(card).to_have_attribute("data-status", "resolved")
    await expect(card.locator("[data-handling-score]")).to_have_text("4")
    stored = await runtime.services.nps.show(feedback_id)
    assert stored.follow_up is not None
    assert (stored.follow_up.handler, stored.follow_up.score) == (SUPERVISOR.username, 4)
