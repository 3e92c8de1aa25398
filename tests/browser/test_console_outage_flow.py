"""The issue's main scenario in Chromium: a scheduled outage is activated from Agendadas,
paused and resumed, finalized with a resolution message, and shows in Histórico with its counts."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from playwright.async_api import APIRequestContext, Page, expect

from .support import AGENT, SUPERVISOR, assert_accessible, login, shot

pytestmark = pytest.mark.browser


async def _token(request: APIRequestContext) -> dict[str, str]:
    """A bearer header for the supervisor, from the API's login."""
    answer = await request.post(
        "/api/v1/auth/login",
        data={"username": SUPERVISOR.username, "password": SUPERVISOR.password},
    )
    assert answer.status == 200, await answer.text()
    return {"Authorization": f"Bearer {(await answer.json())['access_token']}"}


async def _scheduled_outage(request: APIRequestContext, name: str) -> str:
    """Declare an outage over Teresópolis (Centro) starting tomorrow, through the API."""
    starts = (datetime.now(UTC) + timedelta(days=1)).replace(microsecond=0).isoformat()
    answer = await request.post(
        "/api/v1/failures",
        headers=await _token(request),
        data={
            "name": name,
            "message": "Olá {nome}, manutenção em {regiao}. Previsão: {previsao}.",
            "cities": [{"city": "Teresópolis", "neighbourhoods": ["Centro"]}],
            "starts_at": starts,
        },
    )
    assert answer.status == 201, await answer.text()
    return str((await answer.json())["id"])


async def _notify(request: APIRequestContext, failure_id: str, phone: str) -> None:
    """Tell one contact about the (now active) outage, as the API allows."""
    answer = await request.post(
        f"/api/v1/failures/{failure_id}/notify",
        headers=await _token(request),
        data={"to": phone, "name": "Ana"},
    )
    assert answer.status == 201, await answer.text()


def _row(page: Page, name: str):  # type: ignore[no-untyped-def]
    """The table row of the failure called *name*."""
    return page.get_by_role("row").filter(has=page.get_by_role("link", name=name, exact=True))


async def test_a_supervisor_runs_an_outage_from_agendadas_to_historico(page: Page) -> None:
    """Activate, pause, resume, finalize with a message (after one refused), and find it in
    Histórico with one notice and one resolution."""
    name = f"Manutenção Centro {uuid.uuid4().hex[:6]}"
    failure_id = await _scheduled_outage(page.request, name)
    await login(page, SUPERVISOR.username, SUPERVISOR.password)

    await page.get_by_role("link", name=re.compile(r"^Falhas Agendadas")).click()
    await expect(page).to_have_url(re.compile(r"aba=agendadas"))
    await expect(_row(page, name)).to_contain_text("Agendada")
    await assert_accessible(page)
    await _row(page, name).get_by_role("button", name=f"Ativar agora {name}").click()
    await expect(page.get_by_text("Falha ativada.")).to_be_visible()

    await _notify(page.request, failure_id, "5521987650001")
    await page.get_by_role("link", name=re.compile(r"^Falhas Ativas")).click()
    await expect(page).to_have_url(re.compile(r"aba=ativas"))
    await expect(_row(page, name)).to_contain_text("Ativa")
    await assert_accessible(page)
    await page.reload()  # the picture without the last action's message
    await shot(page, "falhas-ativas")
    await _row(page, name).get_by_role("button", name=f"Pausar {name}").click()
    await expect(page.get_by_text("Falha pausada.")).to_be_visible()
    await expect(_row(page, name)).to_contain_text("Pausada")
    await expect(page.locator("#failure-panel")).to_be_focused()  # swapped in place
    await _row(page, name).get_by_role("button", name=f"Retomar {name}").click()
    await expect(page.get_by_text("Falha retomada.")).to_be_visible()
    await expect(_row(page, name)).to_contain_text("Ativa")

    await _row(page, name).get_by_role("link", name=name, exact=True).click()
    await expect(page.get_by_role("heading", level=1)).to_have_text(name)
    counts = page.locator("#failure-counts")
    await expect(counts.get_by_role("row", name=re.compile("^Avisos"))).to_contain_text("1")
    await expect(page.get_by_text(SUPERVISOR.username).first).to_be_visible()
    await assert_accessible(page)
    await shot(page, "falha-detalhe")

    await page.get_by_role("link", name=f"Finalizar {name}").click()
    dialog = page.get_by_role("dialog")
    await expect(dialog).to_be_visible()
    broadcast = dialog.get_by_role("radio", name=re.compile("Desativar e enviar"))
    await expect(broadcast).to_be_checked()
    await assert_accessible(page)
    await shot(page, "finalizar")
    message = dialog.get_by_role("textbox", name="Mensagem de resolução")
    await message.fill("Resolvido, {cliente}!")
    await dialog.get_by_role("button", name="Finalizar falha").click()
    await expect(dialog.get_by_text("Marcador desconhecido: {cliente}")).to_be_visible()
    await expect(message).to_have_attribute("aria-invalid", "true")
    await message.fill("Boa notícia, {nome}! A conexão em {regiao} voltou.")
    await dialog.get_by_role("button", name="Finalizar falha").click()

    await expect(page).to_have_url(re.compile(r"aba=historico"))
    await expect(
        page.get_by_text("Falha finalizada; 1 mensagem de resolução na fila.")
    ).to_be_visible()
    row = _row(page, name)
    await expect(row).to_contain_text("Resolvida")
    await expect(row.get_by_role("cell")).to_have_text(
        [name, "Resolvida", "Teresópolis (Centro)", re.compile(".+"), "1", "1"]
    )
    await assert_accessible(page)


async def test_an_agent_reads_the_outage_pages_without_buttons(page: Page) -> None:
    """An AGENT opens the list and a failure's detail with no action buttons."""
    name = f"Manutenção Sul {uuid.uuid4().hex[:6]}"
    await _scheduled_outage(page.request, name)
    await login(page, AGENT.username, AGENT.password)
    await page.goto("/console/falhas?aba=agendadas")
    await expect(_row(page, name)).to_be_visible()
    await expect(page.get_by_role("button", name=re.compile("Ativar agora"))).to_have_count(0)
    await _row(page, name).get_by_role("link", name=name, exact=True).click()
    await expect(page.get_by_role("heading", level=1)).to_have_text(name)
    await expect(page.get_by_role("button", name=re.compile("Cancelar"))).to_have_count(0)
    await assert_accessible(page)


async def test_cancelling_a_scheduled_outage_asks_first(page: Page) -> None:
    """Cancelar opens a question; Voltar closes it with nothing changed, confirming cancels the
    outage, which leaves Agendadas for Histórico."""
    name = f"Manutenção Leste {uuid.uuid4().hex[:6]}"
    await _scheduled_outage(page.request, name)
    await login(page, SUPERVISOR.username, SUPERVISOR.password)
    await page.goto("/console/falhas?aba=agendadas")

    await _row(page, name).get_by_role("link", name=f"Cancelar {name}").click()
    dialog = page.get_by_role("dialog")
    await expect(dialog.get_by_role("heading")).to_have_text(f"Cancelar a falha “{name}”?")
    await assert_accessible(page)
    await dialog.get_by_role("button", name="Voltar").click()
    await expect(dialog).to_have_count(0)
    await expect(_row(page, name)).to_contain_text("Agendada")

    await _row(page, name).get_by_role("link", name=f"Cancelar {name}").click()
    await page.get_by_role("dialog").get_by_role("button", name=f"Cancelar falha {name}").click()
    await expect(page.get_by_text("Falha cancelada.")).to_be_visible()
    await expect(page).to_have_url(re.compile(r"aba=agendadas"))
    await expect(_row(page, name)).to_have_count(0)
    await page.get_by_role("link", name=re.compile(r"^Histórico de Falhas")).click()
    await expect(_row(page, name)).to_contain_text("Cancelada")
