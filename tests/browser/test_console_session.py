"""Signing in and out of the console in a real browser: errors, roles, CSRF, a11y, keyboard."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Page, expect

from .support import ADMIN, AGENT, assert_accessible, login, logout, shot

pytestmark = pytest.mark.browser

LOGIN = "/console/login"
FALHAS = "/console/falhas"
DEAD_LETTERS = "/console/mensagens-com-falha"
FOCUSED = "() => document.activeElement.name || document.activeElement.textContent.trim()"
"""What has the keyboard focus: a field's name, else a button's or link's text."""


async def test_admin_logs_in_and_out(page: Page) -> None:
    """An admin lands on Falha Massiva, sees their name and "Sair"; after it, pages ask to sign in."""
    await login(page, ADMIN.username, ADMIN.password)
    menu = page.get_by_role("navigation", name="Menu principal")
    await expect(menu.get_by_role("link", name="Mensagens com falha")).to_be_visible()
    await expect(page.locator(".who")).to_contain_text(ADMIN.username)
    await expect(page.locator(".who")).to_contain_text("Administrador")

    await logout(page)
    await expect(page).to_have_url(re.compile(r"/console/login$"))
    await expect(page.get_by_text("Você saiu do console.")).to_be_visible()

    await page.goto(FALHAS)
    await expect(page).to_have_url(re.compile(r"/console/login\?next=/console/falhas$"))
    await expect(page.get_by_role("button", name="Entrar")).to_be_visible()


async def test_wrong_password_shows_an_error_and_keeps_the_username(page: Page) -> None:
    """A wrong password re-renders the form (401) with an alert tied to the username field."""
    await page.goto(LOGIN)
    await page.get_by_label("Usuário").fill(ADMIN.username)
    await page.get_by_label("Senha").fill("not-the-password")
    async with page.expect_response(lambda r: r.request.method == "POST") as posted:
        await page.get_by_role("button", name="Entrar").click()
    assert (await posted.value).status == 401
    await expect(page.get_by_role("alert")).to_have_text("Usuário ou senha incorretos.")
    await expect(page.get_by_label("Usuário")).to_have_value(ADMIN.username)
    await expect(page.get_by_label("Usuário")).to_have_attribute("aria-invalid", "true")
    await expect(page.get_by_role("navigation", name="Menu principal")).to_have_count(0)


async def test_agent_gets_the_403_page_on_the_dead_letters(page: Page) -> None:
    """An agent has no dead-letter menu entry, and opening its address shows the 403 page."""
    await login(page, AGENT.username, AGENT.password)
    menu = page.get_by_role("navigation", name="Menu principal")
    await expect(menu.get_by_role("link", name="Falha Massiva")).to_be_visible()
    await expect(menu.get_by_role("link", name="Mensagens com falha")).to_have_count(0)

    response = await page.goto(DEAD_LETTERS)
    assert response is not None
    assert response.status == 403
    await expect(page.get_by_role("heading", level=1)).to_have_text("Acesso negado")
    await expect(page.get_by_text("Erro 403")).to_be_visible()
    await expect(page.get_by_text("Esta página é restrita a administradores.")).to_be_visible()
    await expect(page.get_by_role("link", name="Voltar para a Falha Massiva")).to_be_visible()


async def test_a_form_posted_without_its_csrf_token_is_refused(page: Page) -> None:
    """A POST with the session and CSRF cookies but no token gets the 403 page; the session stays."""
    await login(page, ADMIN.username, ADMIN.password)
    refused = await page.request.post("/console/logout", form={"next": FALHAS}, max_redirects=0)
    assert refused.status == 403
    body = await refused.text()
    assert "Acesso negado" in body
    assert "O formulário expirou" in body

    # The forged sign-out did nothing: the session still opens the console.
    await page.goto(FALHAS)
    await expect(page.get_by_role("heading", level=1)).to_have_text("Falha Massiva")


async def test_sign_in_without_a_csrf_token_is_refused(page: Page) -> None:
    """Even the sign-in form needs its token: a bare POST of good credentials is refused."""
    await page.goto(LOGIN)  # sets the CSRF cookie, as a forging page could not read it
    refused = await page.request.post(
        LOGIN, form={"username": ADMIN.username, "password": ADMIN.password}, max_redirects=0
    )
    assert refused.status == 403
    await page.goto(FALHAS)
    await expect(page).to_have_url(re.compile(r"/console/login\?next="))


async def test_login_page_is_accessible(page: Page) -> None:
    """The sign-in page, blank and with an error, has no serious or critical axe violation."""
    await page.goto(LOGIN)
    await shot(page, "login")
    await assert_accessible(page)
    await page.get_by_label("Usuário").fill(ADMIN.username)
    await page.get_by_label("Senha").fill("not-the-password")
    await page.get_by_role("button", name="Entrar").click()
    await expect(page.get_by_role("alert")).to_be_visible()
    await assert_accessible(page)


async def test_falha_massiva_page_is_accessible(page: Page) -> None:
    """The Falha Massiva page, as an admin sees it, has no serious or critical axe violation."""
    await login(page, ADMIN.username, ADMIN.password)
    await assert_accessible(page)


async def test_keyboard_only_login(page: Page) -> None:
    """With only Tab, typing and Enter: the form starts focused, Tab order is field, field, button."""
    await page.goto(LOGIN)
    assert await page.evaluate(FOCUSED) == "username"  # autofocus
    await page.keyboard.type(ADMIN.username)
    await page.keyboard.press("Tab")
    assert await page.evaluate(FOCUSED) == "password"
    await page.keyboard.type(ADMIN.password)
    await page.keyboard.press("Tab")
    assert await page.evaluate(FOCUSED) == "Entrar"
    await page.keyboard.press("Enter")
    await expect(page).to_have_url(re.compile(r"/console/falhas$"))
    await expect(page.get_by_role("heading", level=1)).to_have_text("Falha Massiva")

    # The skip link is the first stop and takes focus to the page's content.
    await page.keyboard.press("Tab")
    assert await page.evaluate(FOCUSED) == "Pular para o conteúdo"
    await page.keyboard.press("Enter")
    assert await page.evaluate("() => document.activeElement.id") == "main"
