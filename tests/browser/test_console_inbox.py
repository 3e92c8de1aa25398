"""Atendimento in a real browser: an agent accepts an offer in the inbox (its countdown
running) and lands on the conversation's page, while a second agent's open inbox sees the
conversation leave "Sem responsável" live, without a reload; Agentes shows both."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, expect

from lia_core.assignment import SetAgent
from lia_core.domain.activity import Actor
from lia_core.domain.users import Role
from lia_core.services import CreateUser
from lia_entrypoints.bootstrap import Runtime

from .conftest import LiveServer
from .support import AGENT, assert_accessible, customer_writes, login, runtime_over, shot

pytestmark = pytest.mark.browser

SECOND = ("bruno.agent", "agent-pass-456")
"""A second agent of the same department, created by this file."""
DEPARTMENT = "general"
"""Where the bot hands "quero falar com atendente"."""
CUSTOMER = "5521977776543"
COUNTDOWN = re.compile(r"^0[0-2]:\d\d$")
"""An offer's time left (two minutes at most), as live.js shows it."""


@pytest.fixture
async def runtime(live_server: LiveServer) -> AsyncIterator[Runtime]:
    """The live server's use cases over its SQLite, to seed what no person does in a console
    (a customer writing in, the worker's offer tick)."""
    async with runtime_over(Path(live_server.lia.env["LIA_DATA_DIR"])) as built:
        yield built


async def test_an_agent_accepts_an_offer_and_another_sees_it_leave_the_queue(
    page: Page, browser: Browser, live_server: LiveServer, runtime: Runtime
) -> None:
    seeder = Actor(name="browser-test")
    await runtime.services.create_user(
        CreateUser(username=SECOND[0], role=Role.AGENT, password=SECOND[1], actor=seeder)
    )
    for name in (AGENT.username, SECOND[0]):
        await runtime.services.agents.set(
            SetAgent(username=name, actor=seeder, departments=(DEPARTMENT,))
        )

    # Both agents signed in; the second is busy, so the offer can only go to the first, whose
    # inbox is open before the customer writes.
    await login(page, AGENT.username, AGENT.password)
    await expect(page.locator("body")).to_have_attribute("data-presence", "online")
    await page.get_by_role("link", name="Atendimento", exact=True).click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Atendimento")
    await expect(page.locator("body")).to_have_attribute("data-realtime", "open")
    other_context = await browser.new_context(base_url=live_server.url, locale="pt-BR")
    try:
        other = await other_context.new_page()
        await login(other, *SECOND)
        # The console's script beats once it runs; a choice made before it listens is lost.
        await expect(other.locator("body")).to_have_attribute("data-presence", "online")
        await other.get_by_label("Meu status").select_option("busy")
        await expect(other.locator("body")).to_have_attribute("data-presence", "busy")

        cid = await customer_writes(runtime.services, CUSTOMER, name="Cliente do Navegador")
        await runtime.services.assignment_tick()

        # The second agent watches the queue.
        await other.goto("/console/atendimento?aba=sem-responsavel")
        await expect(other.locator("body")).to_have_attribute("data-realtime", "open")
        waiting_row = other.locator(f'tr[data-conversation="{cid}"]')
        await expect(waiting_row).to_contain_text("Cliente do Navegador")
        await expect(waiting_row).to_contain_text("Oferecida")
        await expect(other.locator('[data-count="sem-responsavel"]')).to_have_text("1")
        await other.evaluate("() => { window.notReloaded = true; }")
        await shot(other, "inbox")
        await other.locator("#tab-sem-responsavel").focus()

        # The offer reaches the first agent's open inbox live (the tick ran in this test's
        # process, as in a worker's: its event travels through SQLite's relay), is announced,
        # and shows on top with its countdown.
        offers = page.get_by_role("region", name="Uma conversa oferecida a você")
        await expect(offers).to_contain_text("Cliente do Navegador")
        await expect(page.locator("#inbox-news")).to_have_text(
            "Uma conversa foi oferecida a você. Aceite ou recuse no topo da lista."
        )
        countdown = offers.locator("[data-countdown-to]")
        first = await countdown.text_content()
        assert first is not None
        assert COUNTDOWN.match(first), first
        await expect(countdown).not_to_have_text(first)  # it counts down, second by second
        await assert_accessible(page)
        await shot(page, "inbox-offer")
        await offers.get_by_role("button", name="Aceitar").click()
        await expect(page).to_have_url(re.compile(f"/console/conversas/{cid}$"))
        await expect(page.get_by_role("heading", level=1)).to_contain_text("Cliente do Navegador")

        # Without a reload, the conversation left the second agent's "Sem responsável".
        await expect(waiting_row).to_have_count(0)
        await expect(other.locator('[data-count="sem-responsavel"]')).to_have_text("0")
        assert await other.evaluate("() => window.notReloaded === true")
        # The refresh kept the keyboard where it was.
        await expect(other.locator("#tab-sem-responsavel")).to_be_focused()
        await assert_accessible(other)

        # Agentes: the first holds the conversation (load 1), the second chose Ocupado.
        await other.get_by_role("link", name="Agentes").click()
        await expect(other.locator(f'[data-presence-of="{AGENT.username}"]')).to_have_text(
            "Disponível"
        )
        await expect(other.locator(f'[data-presence-of="{SECOND[0]}"]')).to_have_text("Ocupado")
        await expect(other.locator(f'[data-load-of="{AGENT.username}"]')).to_have_text(
            re.compile(r"^1/")
        )
        await assert_accessible(other)
        await shot(other, "agents")
    finally:
        await other_context.close()
