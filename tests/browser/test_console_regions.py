"""Regiões and Verificar endereço in a real browser: manage a region, check a covered address."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.async_api import APIRequestContext, Page, expect

from .support import SUPERVISOR, assert_accessible, login, shot

pytestmark = pytest.mark.browser

REGION_ID = "browser-sumidouro"
"""Ids and places no other browser test uses: the live server is shared by the package."""
REGION_NAME = "Sumidouro — centro"
CITY = "Sumidouro"


async def api_headers(request: APIRequestContext) -> dict[str, str]:
    """A bearer token for the supervisor, from `POST /api/v1/auth/login`."""
    answer = await request.post(
        "/api/v1/auth/login",
        data={"username": SUPERVISOR.username, "password": SUPERVISOR.password},
    )
    assert answer.status == 200, await answer.text()
    token = (await answer.json())["access_token"]
    return {"Authorization": f"Bearer {token}"}


async def declare_failure(page: Page, headers: dict[str, str], **body: Any) -> str:
    """Declare an active failure through the API; return its id."""
    answer = await page.request.post("/api/v1/failures/", data=body, headers=headers)
    assert answer.status == 201, await answer.text()
    failure_id: str = (await answer.json())["id"]
    return failure_id


async def test_manage_a_region_and_check_an_address_it_covers(page: Page) -> None:
    """A supervisor creates a region (one refused line first), edits it, sees an active failure
    on it from Verificar endereço, is refused the deletion while the failure is open, and
    deletes it once the failure is resolved."""
    await login(page, SUPERVISOR.username, SUPERVISOR.password)
    await page.get_by_role("link", name="Regiões").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Regiões")

    # Create, through the dialog: a bad CEP line is refused beside its field, in place.
    await page.get_by_role("link", name="+ Nova região").click()
    dialog = page.get_by_role("dialog", name="Nova região")
    await expect(dialog).to_be_visible()
    await dialog.get_by_label("Nome").fill(REGION_NAME)
    await dialog.get_by_label("Id", exact=True).fill(REGION_ID)
    await dialog.get_by_label("Cidades e bairros").fill(f"{CITY}: Centro, Volta")
    await dialog.get_by_label("Regras de CEP").fill("2899x")
    await dialog.get_by_role("button", name="Cadastrar região").click()
    await expect(dialog.locator("#region-ceps-error")).to_contain_text("Linha 1")
    await expect(dialog.get_by_label("Regras de CEP")).to_have_attribute("aria-invalid", "true")
    await assert_accessible(page)
    await dialog.get_by_label("Regras de CEP").fill("28990-000..28999-999")
    await dialog.get_by_role("button", name="Cadastrar região").click()
    await expect(page.get_by_role("status")).to_have_text(f"Região “{REGION_NAME}” cadastrada.")
    row = page.locator(f"#region-{REGION_ID}")
    await expect(row).to_contain_text(f"{CITY} (Centro, Volta)")
    await expect(row).to_contain_text("CEP 28990-000..28999-999")

    # Edit: the dialog comes filled; a new name is saved.
    await row.get_by_role("link", name=f"Editar {REGION_NAME}").click()
    dialog = page.get_by_role("dialog")
    await expect(dialog.get_by_label("Cidades e bairros")).to_have_value(f"{CITY}: Centro, Volta")
    await dialog.get_by_label("Nome").fill(f"{REGION_NAME} e Volta")
    await dialog.get_by_role("button", name="Salvar alterações").click()
    await expect(page.get_by_role("status")).to_have_text(
        f"Região “{REGION_NAME} e Volta” atualizada."
    )
    await assert_accessible(page)
    await shot(page, "regioes")

    # An active failure on the region covers an address in it.
    headers = await api_headers(page.request)
    failure_id = await declare_failure(
        page,
        headers,
        name="Fibra rompida em Sumidouro",
        message="Olá {nome}, há uma falha em {regiao}.",
        severity="high",
        region_ids=[REGION_ID],
    )
    try:
        await page.get_by_role("link", name="Verificar endereço").click()
        await expect(page.get_by_role("heading", level=1)).to_have_text("Verificar endereço")
        await page.get_by_label("Cidade").fill("sumidouro")
        await page.get_by_label("Bairro").fill("VOLTA")
        await page.get_by_role("button", name="Verificar").click()
        results = page.locator("#check-results")
        await expect(results).to_contain_text("1 falha ativa cobre este endereço")
        link = results.get_by_role("link", name="Fibra rompida em Sumidouro")
        await expect(link).to_have_attribute("href", f"/console/falhas/{failure_id}")
        await expect(results).to_contain_text(f"Região {REGION_NAME} e Volta")
        await expect(page).to_have_url(
            re.compile(r"/console/verificar\?cidade=sumidouro&bairro=VOLTA")
        )
        await assert_accessible(page)
        await shot(page, "verificar")

        # A bairro outside the region is not covered; a bad CEP is refused beside the field.
        await page.get_by_label("Bairro").fill("Outro")
        await page.get_by_role("button", name="Verificar").click()
        await expect(results).to_contain_text("Nenhuma falha ativa cobre este endereço.")
        await page.get_by_label("CEP").fill("123")
        await page.get_by_role("button", name="Verificar").click()
        await expect(page.locator("#check-cep-error")).to_contain_text("8 dígitos")
        await assert_accessible(page)

        # While the failure is open, the region cannot be deleted.
        await page.get_by_role("link", name="Regiões").click()
        await page.get_by_role("link", name=f"Excluir {REGION_NAME} e Volta").click()
        confirm = page.get_by_role("dialog")
        await confirm.get_by_role("button", name=re.compile("^Excluir")).click()
        await expect(page.get_by_role("alert")).to_contain_text("Fibra rompida em Sumidouro")
        await expect(page.locator(f"#region-{REGION_ID}")).to_be_visible()
    finally:
        resolved = await page.request.post(
            f"/api/v1/failures/{failure_id}/resolve", data={"broadcast": False}, headers=headers
        )
        assert resolved.ok, await resolved.text()

    # Resolved, it goes.
    await page.get_by_role("link", name=f"Excluir {REGION_NAME} e Volta").click()
    await page.get_by_role("dialog").get_by_role("button", name=re.compile("^Excluir")).click()
    await expect(page.get_by_role("status")).to_have_text(
        f"Região “{REGION_NAME} e Volta” excluída."
    )
    await expect(page.locator(f"#region-{REGION_ID}")).to_have_count(0)
