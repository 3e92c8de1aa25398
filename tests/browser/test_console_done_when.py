"""The issue's "done when", in one go: a supervisor runs an outage from creation to the
resolution broadcast in the browser, without the CLI. The one step no person does in the
console, a customer being told by the outage gate, is done over the API in between."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.async_api import Page, expect

from .support import SUPERVISOR, assert_accessible, login

pytestmark = pytest.mark.browser


async def _customer_told(page: Page, failure_id: str) -> None:
    """What the gate does when a covered customer writes in: queue the notice once."""
    token = await page.request.post(
        "/api/v1/auth/login",
        data={"username": SUPERVISOR.username, "password": SUPERVISOR.password},
    )
    bearer = {"Authorization": f"Bearer {(await token.json())['access_token']}"}
    told = await page.request.post(
        f"/api/v1/failures/{failure_id}/notify",
        headers=bearer,
        data={"to": "5524999990001", "name": "Ana"},
    )
    assert told.status == 201, await told.text()


async def test_a_supervisor_runs_an_outage_from_creation_to_the_resolution_broadcast(
    page: Page,
) -> None:
    city = f"Sapucaia {uuid.uuid4().hex[:5]}"
    name = f"Rompimento de fibra em {city}"
    local = datetime.now(UTC).astimezone(ZoneInfo("America/Sao_Paulo"))
    await login(page, SUPERVISOR.username, SUPERVISOR.password)

    # 1. The modal: one refused field first (the estimate before the start), then saved.
    await page.get_by_role("link", name="+ Cadastrar Nova Falha").click()
    dialog = page.get_by_role("dialog", name="Cadastrar Nova Falha Massiva")
    await dialog.get_by_label("1. Nome da falha").fill(name)
    await dialog.get_by_label("2. Mensagem de notificação").fill(
        "Olá {nome}! Identificamos uma falha em {regiao}. Previsão: {previsao}."
    )
    await dialog.get_by_label("Cidade 1", exact=True).fill(city)
    await dialog.get_by_label("Bairros da cidade 1").fill("Centro, Jamapará")
    await dialog.get_by_role("radio", name="Agendar para").check()
    await dialog.get_by_label("Data e hora do início").fill(
        (local + timedelta(days=2)).strftime("%Y-%m-%dT08:00")
    )
    eta = dialog.get_by_label("Previsão de normalização")
    await eta.fill((local + timedelta(days=1)).strftime("%Y-%m-%dT08:00"))
    await dialog.get_by_role("button", name="Salvar Falha").click()
    await expect(eta).to_have_attribute("aria-invalid", "true")
    await expect(dialog.locator("#err-estimated-resolution")).to_contain_text("depois do início")
    await eta.fill((local + timedelta(days=2)).strftime("%Y-%m-%dT18:00"))
    await dialog.get_by_role("button", name="Salvar Falha").click()

    # 2. Under Falhas Agendadas; activated by hand.
    await expect(page).to_have_url(re.compile(r"aba=agendadas$"))
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=name, exact=True))
    await expect(row).to_contain_text("Agendada")
    await expect(row).to_contain_text(re.compile(r"\(em \d+ dias?\)"))
    href = await row.get_by_role("link", name=name, exact=True).get_attribute("href")
    failure_id = (href or "").rsplit("/", 1)[-1]
    await row.get_by_role("button", name=f"Ativar agora {name}").click()
    await expect(page.get_by_text("Falha ativada.")).to_be_visible()

    # 3. Verificar endereço finds it for a covered bairro, however it is typed.
    await page.get_by_role("link", name="Verificar endereço").click()
    await page.get_by_label("Cidade").fill(city.upper())
    await page.get_by_label("Bairro").fill("jamapara")
    await page.get_by_role("button", name="Verificar").click()
    await expect(page.get_by_role("link", name=name)).to_be_visible()

    # 4. A customer in Jamapará writes in and is told (the gate's part).
    await _customer_told(page, failure_id)

    # 5. Pausar, Retomar, from Falhas Ativas.
    await page.get_by_role("link", name="🚨 Falha Massiva").click()
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=name, exact=True))
    await row.get_by_role("button", name=f"Pausar {name}").click()
    await expect(row).to_contain_text("Pausada")
    await row.get_by_role("button", name=f"Retomar {name}").click()
    await expect(row).to_contain_text("Ativa")

    # 6. Finalizar with the resolution message, for everyone told.
    await row.get_by_role("link", name=f"Finalizar {name}").click()
    finalize = page.get_by_role("dialog")
    await finalize.get_by_role("textbox", name="Mensagem de resolução").fill(
        "Boa notícia, {nome}! A conexão em {regiao} voltou. Reinicie seu modem."
    )
    await finalize.get_by_role("button", name="Finalizar falha").click()
    await expect(
        page.get_by_text("Falha finalizada; 1 mensagem de resolução na fila.")
    ).to_be_visible()

    # 7. In Histórico with its counts: one customer told, one resolution queued.
    await expect(page).to_have_url(re.compile(r"aba=historico"))
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=name, exact=True))
    await expect(row.get_by_role("cell")).to_have_text(
        [name, "Resolvida", re.compile(re.escape(city)), re.compile(".+"), "1", "1"]
    )
    await row.get_by_role("link", name=name, exact=True).click()
    counts = page.locator("#failure-counts")
    await expect(counts.get_by_role("row", name=re.compile("^Resoluções"))).to_contain_text("1")
    await assert_accessible(page)
