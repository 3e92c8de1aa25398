"""+ Cadastrar Nova Falha in Chromium: the modal, its live preview, a refusal then a fix, and
creating an outage with the keyboard alone."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.async_api import Page, expect

from .conftest import LiveServer
from .support import SUPERVISOR, assert_accessible, login, shot

pytestmark = pytest.mark.browser


@pytest.fixture
def unique(live_server: LiveServer) -> Iterator[Callable[[str], str]]:
    """Names that do not collide on the shared live server; what a test created with them is
    cancelled or resolved afterwards, so other tests find the tabs as they left them."""
    made: list[str] = []

    def name(base: str) -> str:
        made.append(f"{base} {uuid.uuid4().hex[:6]}")
        return made[-1]

    yield name
    listing = live_server.lia.json("failure", "list", "--status", "all")
    for item in listing["items"]:
        if not any(item["name"].startswith(base) for base in made):
            continue
        if item["status"] == "scheduled":
            live_server.lia.ok("failure", "cancel", item["id"])
        elif item["status"] in {"active", "paused"}:
            live_server.lia.ok("failure", "resolve", item["id"], "--no-broadcast")


def _days_ahead(days: int) -> datetime:
    # The live server reads form times in its timezone (the default, America/Sao_Paulo).
    return datetime.now(UTC).astimezone(ZoneInfo("America/Sao_Paulo")) + timedelta(days=days)


async def _open_modal(page: Page) -> None:
    await page.get_by_role("link", name="+ Cadastrar Nova Falha").click()
    await expect(page.get_by_role("dialog", name="Cadastrar Nova Falha Massiva")).to_be_visible()


async def test_a_scheduled_outage_is_created_through_the_modal_after_a_refusal(
    page: Page, unique: Callable[[str], str]
) -> None:
    """The preview flags an unknown placeholder; saving anyway is refused beside the message
    with everything kept; fixed, the outage is under Falhas Agendadas."""
    name = unique("Manutenção Programada - Bairro Norte")
    await login(page, SUPERVISOR.username, SUPERVISOR.password)
    await _open_modal(page)
    dialog = page.get_by_role("dialog")
    await expect(dialog.get_by_label("1. Nome da falha")).to_be_focused()
    await dialog.get_by_label("1. Nome da falha").fill(name)
    message = dialog.get_by_label("2. Mensagem de notificação")
    await dialog.get_by_label("Cidade 1", exact=True).fill("Teresópolis")
    await dialog.get_by_label("Bairros da cidade 1").fill("Bairro Norte")
    await dialog.get_by_role("radio", name="Agendar para").check()
    start = _days_ahead(3).strftime("%Y-%m-%dT02:00")
    await dialog.get_by_label("Data e hora do início").fill(start)
    fine = "Olá {nome}, faremos uma manutenção em {regiao}. Previsão: {previsao}."
    await message.fill(fine)
    await expect(dialog.locator("#message-preview .preview")).to_have_text(
        "Olá Maria, faremos uma manutenção em Teresópolis (Bairro Norte). Previsão: em breve."
    )
    await assert_accessible(page)
    await page.set_viewport_size({"width": 1280, "height": 2300})  # the whole dialog, for the docs
    await shot(page, "falha-nova")
    await page.set_viewport_size({"width": 1280, "height": 720})

    await message.fill("Olá {cliente}, faremos uma manutenção em {regiao}.")
    await expect(dialog.locator("#message-preview")).to_contain_text("Marcador desconhecido")
    await expect(message).to_have_attribute("aria-invalid", "true")
    await dialog.get_by_role("button", name="Salvar Falha").click()
    await expect(dialog.locator("#err-message")).to_contain_text("Marcador desconhecido: {cliente}")
    await expect(message).to_have_attribute("aria-invalid", "true")
    await expect(message).to_be_focused()
    await expect(dialog.get_by_label("1. Nome da falha")).to_have_value(name)
    await expect(dialog.get_by_label("Data e hora do início")).to_have_value(start)
    await assert_accessible(page)

    await message.fill(fine)
    await expect(dialog.locator("#message-preview .preview")).to_be_visible()
    await expect(dialog.locator("#err-message")).to_have_count(0)  # fixed: the refusal goes
    await expect(message).not_to_have_attribute("aria-invalid", "true")
    await dialog.get_by_role("button", name="Salvar Falha").click()
    await expect(page).to_have_url(re.compile(r"/console/falhas\?aba=agendadas$"))
    await expect(page.get_by_text(f"Falha “{name}” cadastrada.")).to_be_visible()
    row = page.get_by_role("row").filter(has_text=name)
    await expect(row).to_contain_text("Agendada")
    await expect(row).to_contain_text("Teresópolis (Bairro Norte)")


async def test_cancel_closes_the_modal_without_saving(page: Page) -> None:
    """ "Cancelar" closes the dialog and the page is as it was."""
    await login(page, SUPERVISOR.username, SUPERVISOR.password)
    await _open_modal(page)
    await page.get_by_role("dialog").get_by_label("1. Nome da falha").fill("Nunca salva")
    await page.get_by_role("dialog").get_by_role("link", name="Cancelar").click()
    await expect(page.get_by_role("dialog")).to_have_count(0)
    await expect(page.get_by_text("Nunca salva")).to_have_count(0)


async def _tab_to(page: Page, selector: str, *, limit: int = 60) -> None:
    """Press Tab until the element matching *selector* has the focus."""
    for _ in range(limit):
        if await page.evaluate("(s) => document.activeElement?.matches(s) ?? false", selector):
            return
        await page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector}")


async def test_an_outage_is_created_with_the_keyboard_alone(
    page: Page, unique: Callable[[str], str]
) -> None:
    """Tab, typing, Space and Enter only: open the modal, fill it, save; the outage is active."""
    name = unique("Instabilidade Fibra - Região Central")
    await login(page, SUPERVISOR.username, SUPERVISOR.password)
    await _tab_to(page, 'a[href="/console/falhas/nova"]')
    await page.keyboard.press("Enter")
    await expect(page.get_by_role("dialog")).to_be_visible()
    await expect(page.locator("#f-name")).to_be_focused()
    await page.keyboard.type(name)
    await page.keyboard.press("Tab")
    await expect(page.locator("#f-message")).to_be_focused()
    await page.keyboard.type("Olá {nome}! Instabilidade em {regiao}. Previsão: {previsao}.")
    await expect(page.locator("#message-preview .preview")).to_contain_text("Olá Maria!")
    await _tab_to(page, "#f-city-0")
    await page.keyboard.type("Teresópolis")
    await page.keyboard.press("Tab")
    await expect(page.locator("#f-bairros-0")).to_be_focused()
    await page.keyboard.type("Centro")
    await _tab_to(page, "button.button-quiet[hx-post]")  # + Outra cidade
    await page.keyboard.press("Space")
    await expect(page.locator("#f-city-2")).to_be_focused()
    await page.keyboard.type("Guapimirim")
    await _tab_to(page, "#f-now")
    assert await page.locator("#f-now").is_checked()
    await _tab_to(page, "button.button-primary[type=submit]")
    await page.keyboard.press("Enter")
    await expect(page).to_have_url(re.compile(r"/console/falhas\?aba=ativas$"))
    row = page.get_by_role("row").filter(has_text=name)
    await expect(row).to_contain_text("Ativa")
    await expect(row).to_contain_text("Teresópolis (Centro); Guapimirim")


async def test_a_scheduled_outage_is_edited_in_the_same_modal(
    page: Page, unique: Callable[[str], str]
) -> None:
    """ "Editar" opens the same form filled in; the changed name is saved and shown."""
    name = unique("Troca de poste - Alto")
    await login(page, SUPERVISOR.username, SUPERVISOR.password)
    await _open_modal(page)
    dialog = page.get_by_role("dialog")
    await dialog.get_by_label("1. Nome da falha").fill(name)
    await dialog.get_by_label("2. Mensagem de notificação").fill(
        "Olá {nome}, manutenção em {regiao}."
    )
    await dialog.get_by_label("CEPs").fill("2595")
    await dialog.get_by_role("radio", name="Agendar para").check()
    start = _days_ahead(5).strftime("%Y-%m-%dT03:30")
    await dialog.get_by_label("Data e hora do início").fill(start)
    await dialog.get_by_role("button", name="Salvar Falha").click()
    await expect(page).to_have_url(re.compile(r"/console/falhas\?aba=agendadas$"))

    row = page.get_by_role("row").filter(has_text=name)
    await row.get_by_role("link", name=f"Editar {name}").click()
    edit = page.get_by_role("dialog", name="Editar Falha Agendada")
    await expect(edit).to_be_visible()
    await expect(edit.get_by_label("Data e hora do início")).to_have_value(start)
    await expect(edit.get_by_label("CEPs")).to_have_value("2595")
    await assert_accessible(page)
    await edit.get_by_label("1. Nome da falha").fill(name + " (adiada)")
    await edit.get_by_label("1. Nome da falha").press("Enter")  # Enter in a field saves
    await expect(page.get_by_text(f"Falha “{name} (adiada)” atualizada.")).to_be_visible()
    await expect(page.get_by_role("row").filter(has_text=name + " (adiada)")).to_contain_text(
        "Agendada"
    )
