"""Atendimentos in a real browser: escalate a ticket with a reason, then see the refusal of an
escalation past N3."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Page, expect

from .support import SUPERVISOR, assert_accessible, login, shot
from .test_console_regions import api_headers

pytestmark = pytest.mark.browser

ESCALAR = re.compile(r"^\s*Escalar\s*$")
ESCALADO = re.compile(r"^\s*Escalado\b")
SUBJECT = "Sem sinal na fibra — teste do navegador"
"""A subject no other browser test uses: the live server is shared by the package."""


async def open_ticket(page: Page) -> str:
    """Open a ticket through the API as the supervisor; return its id."""
    headers = await api_headers(page.request)
    answer = await page.request.post(
        "/api/v1/tickets/",
        data={"phone": "+55 21 97777-6543", "subject": SUBJECT, "priority": "high"},
        headers=headers,
    )
    assert answer.status == 201, await answer.text()
    ticket_id: str = (await answer.json())["id"]
    return ticket_id


async def test_escalate_with_a_reason_and_the_refusal_past_n3(page: Page) -> None:
    """A supervisor finds the ticket in Atendimentos, is asked for a reason, escalates it to N3
    with one (the timeline shows who and why), and a further escalation is refused in pt-BR."""
    ticket_id = await open_ticket(page)
    await login(page, SUPERVISOR.username, SUPERVISOR.password)
    await page.get_by_role("link", name="Atendimentos").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Atendimentos")
    row = page.get_by_role("row").filter(has_text=SUBJECT)
    await expect(row).to_contain_text("No prazo")
    await assert_accessible(page)
    await shot(page, "tickets")

    await row.get_by_role("link", name=SUBJECT).click()
    await expect(page).to_have_url(re.compile(f"/console/tickets/{ticket_id}$"))
    await expect(page.get_by_role("heading", level=1)).to_contain_text(SUBJECT)
    await expect(page.get_by_text("Ticket aberto")).to_be_visible()

    # Escalate to N3 with a reason: the form opens in place and asks for it.
    await page.locator("summary").filter(has_text=ESCALAR).click()
    reason = page.locator("#escalar-motivo")
    await expect(reason).to_have_attribute("required", "")
    await page.locator("#escalar-nivel").select_option("N3")
    await reason.fill("rompimento na rede, precisa de técnico")
    await page.get_by_role("button", name="Escalar", exact=True).click()
    await expect(page.get_by_role("status")).to_have_text("Ticket escalado.")
    history = page.locator("ol.timeline")
    await expect(history).to_contain_text("Escalado")
    await expect(history).to_contain_text("de N1 para N3")
    await expect(history).to_contain_text("rompimento na rede, precisa de técnico")
    await expect(history).to_contain_text(SUPERVISOR.username)
    await assert_accessible(page)
    await shot(page, "ticket")

    # Past N3: refused, and the page says why.
    await page.locator("summary").filter(has_text=ESCALAR).click()
    await page.locator("#escalar-motivo").fill("mais um nível")
    await page.get_by_role("button", name="Escalar", exact=True).click()
    await expect(page.get_by_role("alert")).to_have_text(
        "Não foi possível escalar o ticket: ele já está em N3."
    )
    await expect(page.locator("ol.timeline li").filter(has_text=ESCALADO)).to_have_count(1)
