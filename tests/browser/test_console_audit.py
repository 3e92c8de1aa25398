"""Auditoria in a real browser: an audited console action appears in the log under its filter."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Page, expect

from .support import SUPERVISOR, assert_accessible, login, shot

pytestmark = pytest.mark.browser

REGION_ID = "browser-audit-lagoa"
"""Ids no other browser test uses: the live server is shared by the package."""
REGION_NAME = "Lagoa — auditoria"


async def test_a_region_defined_in_the_console_is_found_in_auditoria(page: Page) -> None:
    """The supervisor defines a region, opens Auditoria from the menu, filters by Regiões and
    finds the row: who, the action, the region, and the browser's address."""
    await login(page, SUPERVISOR.username, SUPERVISOR.password)
    await page.get_by_role("link", name="Regiões").click()
    await page.get_by_role("link", name="+ Nova região").click()
    dialog = page.get_by_role("dialog", name="Nova região")
    await dialog.get_by_label("Nome").fill(REGION_NAME)
    await dialog.get_by_label("Id", exact=True).fill(REGION_ID)
    await dialog.get_by_label("Cidades e bairros").fill("Saquarema: Centro")
    await dialog.get_by_role("button", name="Cadastrar região").click()
    await expect(page.get_by_role("status")).to_have_text(f"Região “{REGION_NAME}” cadastrada.")

    await page.get_by_role("link", name="Auditoria", exact=True).click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Auditoria")
    await page.get_by_label("Tipo").select_option("region")
    await page.get_by_label("Usuário").fill(SUPERVISOR.username)
    await page.get_by_role("button", name="Filtrar").click()
    await expect(page).to_have_url(
        re.compile(rf"/console/audit\?entity=region&user={re.escape(SUPERVISOR.username)}")
    )
    row = page.get_by_role("row").filter(has_text=REGION_ID)
    await expect(row).to_have_count(1)
    await expect(row).to_contain_text(SUPERVISOR.username)
    await expect(row).to_contain_text("Região criada")
    await expect(row).to_contain_text("127.0.0.1")
    await expect(page.get_by_role("row").filter(has_text="user.create")).to_have_count(0)
    await assert_accessible(page)
    await shot(page, "auditoria")

    await page.get_by_label("Usuário").fill("ninguem")
    await page.get_by_role("button", name="Filtrar").click()
    await expect(page.get_by_text("Nenhuma ação com estes filtros.")).to_be_visible()
