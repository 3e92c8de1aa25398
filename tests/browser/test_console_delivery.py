"""Fila de envio and Mensagens com falha in a real browser: a real dead letter (a provider stub
refusing every send), its cause, a dry run then the real reprocessing; other roles get 403."""

from __future__ import annotations

import re

import attrs
import pytest
from playwright.async_api import Page, expect

from tests.integration.delivery.processes import stub_provider

from .conftest import LiveServer
from .support import ADMIN, AGENT, SUPERVISOR, assert_accessible, login, shot

pytestmark = pytest.mark.browser

FILA = "/console/fila"
DEAD_LETTERS = "/console/mensagens-com-falha"


@pytest.fixture
def dead_letter(live_server: LiveServer) -> str:
    """A WhatsApp message queued with `lia message send` that `lia worker --once` dead-letters:
    the provider stub answers a permanent 400 to every send. Returns its job id."""
    lia = live_server.lia
    queued = lia.json("message", "send", "--channel", "whatsapp", "--to", "5521987650001",
                      "--text", "Olá! Sua conexão foi restabelecida.")  # fmt: skip
    with stub_provider({"reject_every": 1}, cwd=lia.cwd) as stub:
        worker = attrs.evolve(
            lia,
            env={
                **lia.env,
                "LIA_WHATSAPP__BASE_URL": stub,
                "LIA_WHATSAPP__PHONE_NUMBER_ID": "1234567890",
                "LIA_WHATSAPP__ACCESS_TOKEN": "stub-token",
            },
        )
        worker.ok("worker", "--once")
    job_id: str = queued["job"]["id"]
    assert job_id in {d["job_id"] for d in lia.json("dlq", "list")["items"]}
    return job_id


async def test_admin_reads_the_outbox_and_filters_it(page: Page, dead_letter: str) -> None:
    """The admin opens Fila de envio from the menu, sees the dead message masked, filters by status."""
    await login(page, ADMIN.username, ADMIN.password)
    await (
        page.get_by_role("navigation", name="Menu principal")
        .get_by_role("link", name="Fila de envio")
        .click()
    )
    await expect(page.get_by_role("heading", level=1)).to_have_text("Fila de envio")
    row = page.get_by_role("row").filter(has_text="5521*****0001")
    await expect(row.first).to_contain_text("Com falha")
    await expect(page.get_by_text("5521987650001")).to_have_count(0)

    await page.get_by_label("Situação").select_option("dead")
    await page.get_by_role("button", name="Filtrar").click()
    await expect(page).to_have_url(re.compile(r"/console/fila\?.*status=dead"))
    await expect(
        page.get_by_role("link", name=re.compile(f"Ver causa da mensagem {dead_letter}"))
    ).to_be_visible()
    await assert_accessible(page)
    await shot(page, "fila")

    await page.get_by_label("Mostrar até").fill("0")
    await page.get_by_label("Mostrar até").evaluate("input => input.removeAttribute('min')")
    await page.get_by_role("button", name="Filtrar").click()
    await expect(page.locator("#limit-error")).to_contain_text("entre 1 e 1000")
    await expect(page.get_by_label("Mostrar até")).to_have_attribute("aria-invalid", "true")


async def test_admin_reprocesses_a_dead_letter_after_a_dry_run(
    page: Page, dead_letter: str
) -> None:
    """Cause first, then a dry run in a dialog that requeues nothing, then the confirmed run."""
    await login(page, ADMIN.username, ADMIN.password)
    await page.goto(DEAD_LETTERS)
    await expect(page.get_by_role("heading", level=1)).to_have_text("Mensagens com falha")
    await assert_accessible(page)
    await shot(page, "mensagens-com-falha")

    # Nothing ticked: the dry run is refused with a message, nothing is audited.
    await page.get_by_role("button", name="Simular reprocessamento das selecionadas").click()
    await expect(page.get_by_role("alert")).to_contain_text("Selecione ao menos uma mensagem")

    await page.get_by_role("link", name=f"Ver causa da mensagem {dead_letter}").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Mensagem com falha")
    await expect(page.get_by_role("heading", name="Causa")).to_be_visible()
    await expect(page.locator(".excerpt")).to_contain_text("Invalid parameter")
    await expect(page.get_by_role("heading", name="Linha do tempo")).to_be_visible()
    await assert_accessible(page)
    await page.get_by_role("link", name="← Mensagens com falha").click()

    await page.get_by_label(f"Selecionar a mensagem {dead_letter}").check()
    await page.get_by_role("button", name="Simular reprocessamento das selecionadas").click()
    dialog = page.get_by_role("dialog", name="Simulação de reprocessamento")
    await expect(dialog).to_be_visible()
    await expect(dialog).to_contain_text("1 mensagem voltaria para a fila de envio")
    await expect(dialog.get_by_role("link", name=dead_letter)).to_be_visible()
    await assert_accessible(page)
    await dialog.get_by_role("button", name="Confirmar reprocessamento").click()

    await expect(page).to_have_url(re.compile(r"/console/mensagens-com-falha$"))
    await expect(page.get_by_role("status").filter(has_text="reenfileirada")).to_have_text(
        "1 mensagem reenfileirada para envio."
    )
    await expect(page.get_by_label(f"Selecionar a mensagem {dead_letter}")).to_have_count(0)
    runs = page.get_by_role("region", name="Reprocessamentos recentes")
    await expect(runs.get_by_role("row").nth(1)).to_contain_text(ADMIN.username)
    await expect(runs.get_by_role("row").nth(1)).to_contain_text("Reprocessamento")
    await expect(runs.get_by_role("row").nth(2)).to_contain_text("Simulação")


@pytest.mark.parametrize("who", [AGENT, SUPERVISOR], ids=["agent", "supervisor"])
@pytest.mark.parametrize("path", [FILA, DEAD_LETTERS])
async def test_agents_and_supervisors_get_the_403_page(page: Page, who: object, path: str) -> None:
    """Neither page is in their menu, and opening the address shows the 403 page."""
    assert isinstance(who, type(ADMIN))
    await login(page, who.username, who.password)
    menu = page.get_by_role("navigation", name="Menu principal")
    await expect(menu.get_by_role("link", name="Fila de envio")).to_have_count(0)
    response = await page.goto(path)
    assert response is not None
    assert response.status == 403
    await expect(page.get_by_role("heading", level=1)).to_have_text("Acesso negado")
    await expect(page.get_by_text("restrita a administradores")).to_be_visible()
