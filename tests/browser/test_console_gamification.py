"""Gamificação in a real browser: an agent opens it from the menu, picks November and sees the
ranking, its badges and the top-5 history."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.async_api import Page, expect

from tests.contract.builders.gamification import store_november

from .conftest import LiveServer
from .support import AGENT, assert_accessible, login, runtime_over, shot

pytestmark = pytest.mark.browser

YEAR = 2025
"""November 2025: a month no other browser test writes in (the live server is shared)."""


async def test_an_agent_sees_the_month_s_ranking(page: Page, live_server: LiveServer) -> None:
    """The month's run, stored beside the live server, read from the menu and the picker."""
    async with runtime_over(Path(live_server.lia.env["LIA_DATA_DIR"])) as built:
        await store_november(built.uow, year=YEAR)
        await built.services.gamification.run(f"{YEAR}-11")
    await login(page, AGENT.username, AGENT.password)
    await page.get_by_role("link", name="Gamificação").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Gamificação")
    await page.get_by_label("Mês", exact=True).fill(f"{YEAR}-11")
    await page.get_by_role("button", name="Ver ranking").click()
    await expect(page.get_by_role("heading", name=f"Ranking de novembro de {YEAR}")).to_be_visible()
    ranking = page.locator("#gamification-ranking tbody tr")
    await expect(ranking).to_have_count(3)
    await expect(ranking.nth(0)).to_contain_text("bia")
    await expect(ranking.nth(0)).to_contain_text("64")
    await expect(ranking.nth(1)).to_contain_text("ana")
    await expect(ranking.nth(1)).to_contain_text("⚡ Velocista")
    await expect(ranking.nth(2)).to_contain_text("caio")
    await expect(page.locator("#gamification-badges li")).to_have_count(4)
    history = page.locator("#gamification-history tbody tr").filter(has_text=f"novembro de {YEAR}")
    await expect(history).to_have_count(3)
    await assert_accessible(page)
    await shot(page, "gamificacao")
