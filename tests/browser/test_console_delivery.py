"""Fila de envio and Mensagens com falha in a real browser: a real dead letter (a provider stub
refusing every send), its cause, a dry run then the real reprocessing; other roles get 403."""

from __future__ import annotations

import itertools
import re

import attrs
import pytest
from playwright.async_api import Browser, ConsoleMessage, Page, ViewportSize, expect

from tests.integration.delivery.processes import stub_provider

from .conftest import LiveServer
from .support import ADMIN, AGENT, SUPERVISOR, assert_accessible, login, shot

pytestmark = pytest.mark.browser

PHONE = ViewportSize(width=375, height=667)
FILA = "/console/fila"
_NUMBERS = itertools.count(1)
DEAD_LETTERS = "/console/mensagens-com-falha"


@pytest.fixture
def dead_letter(live_server: LiveServer) -> str:
    """A WhatsApp message queued with `lia message send` that `lia worker --once` dead-letters:
    the provider stub answers a permanent 400 to every send. Returns its job id."""
    lia = live_server.lia
    to = f"552198765{next(_NUMBERS):04d}"  # one number per message: no pacing between them
    queued = lia.json("message", "send", "--channel", "whatsapp", "--to", to,
                      "--text", "Olá! Sua conexão foi restabelecida.")  # fmt: skip
    with stub_provider({"reject_every": 1}, cwd=lia.cwd) as stub:
        worker = attrs.evolve(
            lia,
            env={
                **lia.env,
                "LIA_WHATSAPP__BASE_URL": stub,
                "LIA_WHATSAPP__PHONE_NUMBER_ID": "1234567890",
                "LIA_WHATSAPP__ACCESS_TOKEN": "stub-token",
                "LIA_DELIVERY__PAIR_INTERVAL_SECONDS": "0",
                "LIA_DELIVERY__BREAKER_THRESHOLD": "1000",  # every send fails on purpose
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
    row = page.get_by_role("row").filter(has_text="Com falha")
    await expect(row.first).to_contain_text("Com falha")
    await expect(row.first).to_contain_text(re.compile(r"5521\*{5}\d{4}"))  # masked
    await expect(page.get_by_text(re.compile(r"552198765\d{4}"))).to_have_count(0)

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


async def test_on_a_phone_nothing_scrolls_sideways_and_no_csp_violation(
    browser: Browser, live_server: LiveServer, dead_letter: str
) -> None:
    """Both pages, the dead letter's page and the dry-run dialog fit a phone (tables scroll in
    their own box) and nothing the pages do is refused by the Content-Security-Policy."""
    context = await browser.new_context(base_url=live_server.url, viewport=PHONE, locale="pt-BR")
    violations: list[str] = []

    def watch(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text or "Refused to" in message.text:
            violations.append(message.text)

    try:
        page = await context.new_page()
        page.on("console", watch)
        await login(page, ADMIN.username, ADMIN.password)
        for path in (FILA, DEAD_LETTERS, f"{DEAD_LETTERS}/{dead_letter}"):
            await page.goto(path)
            overflow = await page.evaluate(
                "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, f"{path} scrolls {overflow}px sideways on a phone"
        await page.get_by_role("button", name="Simular reprocessamento").click()
        await expect(page.get_by_role("dialog")).to_contain_text("1 mensagem voltaria")
        await assert_accessible(page)
        await page.get_by_role("dialog").get_by_role("button", name="Cancelar").click()
        await expect(page.get_by_role("dialog")).to_have_count(0)
        assert violations == []
    finally:
        await context.close()
