"""Política de atendimento in a real browser: uploading a faulty file names the line at fault,
then a good one becomes the revision in force."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.async_api import Page, expect

from .support import ADMIN, assert_accessible, login, shot

pytestmark = pytest.mark.browser

EXAMPLE = Path(__file__).parents[2] / "docs" / "examples" / "desk-policy.toml"
BAD = b'version = 1\n\n[calendar.hours]\nmonday = "08:00-25:00"\n'


async def test_admin_uploads_a_bad_file_then_a_good_one(page: Page, tmp_path: Path) -> None:
    """A bad file is refused with "Linha 4"; the example file then becomes the shown revision."""
    await login(page, ADMIN.username, ADMIN.password)
    await (
        page.get_by_role("navigation", name="Menu principal")
        .get_by_role("link", name="Política de atendimento")
        .click()
    )
    await expect(page.get_by_role("heading", level=1)).to_have_text("Política de atendimento")

    bad = tmp_path / "ruim.toml"
    bad.write_bytes(BAD)
    await page.get_by_label("Arquivo .toml").set_input_files(str(bad))
    await page.get_by_role("button", name="Carregar").click()
    errors = page.locator("#policy-errors")
    await expect(errors).to_contain_text("Linha 4:")
    await expect(errors).to_contain_text("08:00-25:00")
    await assert_accessible(page)

    await page.get_by_label("Arquivo .toml").set_input_files(str(EXAMPLE))
    await page.get_by_role("button", name="Carregar").click()
    await expect(page.get_by_role("status").or_(page.locator(".flash")).first).to_contain_text(
        re.compile(r"Revisão \d+ carregada")
    )
    await expect(page.locator("#shown-title")).to_contain_text("em vigor")
    await expect(page.locator("#policy-source")).to_contain_text('name = "vip-24x7"')
    await assert_accessible(page)
    await shot(page, "politica")
