"""The layout every console page reuses: a phone-sized screen, no CSP violation, error pages."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Browser, ConsoleMessage, Page, ViewportSize, expect

from .conftest import LiveServer
from .support import ADMIN, AGENT, assert_accessible, login

pytestmark = pytest.mark.browser

PHONE = ViewportSize(width=375, height=667)


async def test_on_a_phone_the_menu_stacks_above_the_page_and_nothing_scrolls_sideways(
    browser: Browser, live_server: LiveServer
) -> None:
    context = await browser.new_context(base_url=live_server.url, viewport=PHONE, locale="pt-BR")
    try:
        page = await context.new_page()
        await login(page, AGENT.username, AGENT.password)
        menu = page.get_by_role("navigation", name="Menu principal")
        await expect(menu.get_by_role("link", name="🚨 Falha Massiva")).to_be_visible()
        heading = page.get_by_role("heading", level=1)
        menu_box, heading_box = await menu.bounding_box(), await heading.bounding_box()
        assert menu_box is not None
        assert heading_box is not None
        assert menu_box["y"] < heading_box["y"]
        overflow = await page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"the page scrolls {overflow}px sideways on a phone"
        await assert_accessible(page)
    finally:
        await context.close()


async def test_no_page_breaks_the_content_security_policy(page: Page) -> None:
    violations: list[str] = []

    def watch(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text or "Refused to" in message.text:
            violations.append(message.text)

    page.on("console", watch)
    await login(page, ADMIN.username, ADMIN.password)
    for tab in ("Falhas Agendadas", "Histórico de Falhas", "Falhas Ativas"):
        await page.get_by_role("link", name=tab).click()
        await expect(page.get_by_role("link", name=tab)).to_have_attribute("aria-current", "page")
    await page.goto("/console/nao-existe")
    assert violations == []


async def test_an_unknown_page_is_a_404_in_the_console_look(page: Page) -> None:
    await login(page, ADMIN.username, ADMIN.password)
    response = await page.goto("/console/nao-existe")
    assert response is not None
    assert response.status == 404
    await expect(page.get_by_role("heading", level=1)).to_have_text("Página não encontrada")
    await page.get_by_role("link", name="Voltar para a Falha Massiva").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Falha Massiva")
    await assert_accessible(page)


async def test_tabs_switch_in_place_and_the_address_follows(page: Page) -> None:
    await login(page, ADMIN.username, ADMIN.password)
    await page.get_by_role("link", name="Falhas Agendadas").click()
    await expect(page).to_have_url(re.compile(r"/console/falhas\?aba=agendadas$"))
    await expect(page.get_by_text("Nenhuma falha agendada.")).to_be_visible()
    await page.go_back()
    await expect(page.get_by_role("link", name="Falhas Ativas")).to_have_attribute(
        "aria-current", "page"
    )
