"""Conversa in a real browser, the issue's walk: an agent claims a conversation, replies (the
reply moves live from the outbox's queue to SENT once `lia worker --once` hands it to the
sandbox channel, then to READ with its receipt), adds a note (never queued), and resolves; a second agent whose page is open sees the
conversation taken live — "Atendida por <nome>", no claim button — and then resolved.

The customer's message, the agents and a canned response are written through the use cases
in this process, on the live server's SQLite (the customer's message as the webhook and the
gate would: ingest, then the gate); the rest goes through the console."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import attrs
import pytest
from playwright.async_api import Browser, Page, expect

from lia_core.assignment import Transfer
from lia_core.domain.activity import Actor
from lia_core.domain.inbound import MessageStatus, StatusUpdate
from lia_core.domain.users import Role
from lia_core.services import (
    CreateUser,
    ListOutbox,
    SaveCannedResponse,
    Services,
    UpdateUser,
)

from .conftest import LiveServer
from .support import ADMIN, assert_accessible, customer_writes, login, runtime_over, shot

pytestmark = pytest.mark.browser

PASSWORD = "agente-pass-123"


@attrs.frozen
class Scene:
    """One customer's conversation in its own department, and two agents of it."""

    conversation_id: str
    phone: str
    department: str
    first: str
    """The agent who claims (full name "Carla Menezes")."""
    second: str
    canned: str
    """The title of a canned response to pick."""


@pytest.fixture
async def services(live_server: LiveServer) -> AsyncIterator[Services]:
    """The use cases over the live server's database (seeding here is quicker than `lia`)."""
    async with runtime_over(Path(live_server.lia.env["LIA_DATA_DIR"])) as runtime:
        yield runtime.services


@pytest.fixture
async def scene(services: Services) -> Scene:
    """Maria Clara's conversation moved to a department of its own (no other test's agents
    are offered it), two agents of that department, and a canned response."""
    tag = uuid.uuid4().hex[:6]
    phone = f"55219{int(tag, 16) % 10**8:08d}"
    department = f"conversa-{tag}"
    cid = await customer_writes(
        services,
        phone,
        name="Maria Clara",
        text="quero falar com um atendente, minha internet caiu",
    )
    admin = Actor(name=ADMIN.username)
    await services.claims.transfer(
        Transfer(
            conversation_id=cid,
            by=ADMIN.username,
            actor=admin,
            reason="teste do console",
            to_department=department,
        )
    )
    names = {f"carla.{tag}": "Carla Menezes", f"davi.{tag}": "Davi Rocha"}
    for username, full_name in names.items():
        await services.create_user(
            CreateUser(username=username, role=Role.AGENT, password=PASSWORD, actor=admin)
        )
        await services.update_user(
            UpdateUser(
                username=username, actor=admin, full_name=full_name, departments=(department,)
            )
        )
    canned = f"Olá do console {tag}"
    await services.canned.create(
        SaveCannedResponse(
            key=f"ola-{tag}",
            title=canned,
            body="Olá {{contact.first_name}}, aqui é {{agent.name}}.",
        ),
        admin,
    )
    first, second = names
    return Scene(cid, phone, department, first, second, canned)


async def _jobs_to(services: Services, phone: str) -> int:
    return len(await services.list_outbox(ListOutbox(recipient=phone)))


async def test_an_agent_claims_replies_notes_and_resolves_while_another_watches(
    page: Page, browser: Browser, live_server: LiveServer, services: Services, scene: Scene
) -> None:
    path = f"/console/conversas/{scene.conversation_id}"
    # The second agent's page is open before anyone claims: the claim button is there.
    other = await browser.new_context(base_url=live_server.url, locale="pt-BR")
    watcher = await other.new_page()
    try:
        await login(watcher, scene.second, PASSWORD)
        await watcher.goto(path)
        await expect(watcher.locator("body")).to_have_attribute("data-realtime", "open")
        await expect(watcher.get_by_role("button", name="Assumir conversa")).to_be_visible()

        # 1. Carla opens the conversation: the customer's message, the bot's, nobody holds it.
        await login(page, scene.first, PASSWORD)
        await page.goto(path)
        await expect(page.get_by_role("heading", level=1)).to_contain_text("Maria Clara")
        messages = page.locator("#conversa-mensagens")
        await expect(messages.locator(".message-customer")).to_contain_text("minha internet caiu")
        await expect(messages.locator(".message-bot").first).to_contain_text("Robô")
        await expect(page.get_by_text("Sem responsável")).to_be_visible()
        await assert_accessible(page)

        # 2. She claims it; the watcher's page changes by itself (no reload).
        await page.get_by_role("button", name="Assumir conversa").click()
        await expect(page.get_by_text("Atendida por você")).to_be_visible()
        await expect(watcher.get_by_text("Atendida por Carla Menezes")).to_be_visible()
        await expect(watcher.get_by_role("button", name="Assumir conversa")).to_have_count(0)

        # 3. A canned response's preview, then a free-text reply: queued, then sent.
        await page.get_by_label("Resposta pronta (opcional)").select_option(label=scene.canned)
        await expect(page.locator("#reply-preview")).to_contain_text(
            "Olá Maria, aqui é Carla Menezes."
        )
        queued = await _jobs_to(services, scene.phone)
        await page.get_by_label("Resposta pronta (opcional)").select_option("")
        await page.get_by_label("Mensagem").fill("Já estou verificando sua conexão.")
        await page.get_by_role("button", name="Enviar resposta").click()
        reply = messages.locator(".message-agent").filter(has_text="Já estou verificando")
        await expect(reply).to_contain_text("Atendente · Carla Menezes")
        await expect(reply.locator(".badge")).to_have_text("Na fila de envio")
        assert await _jobs_to(services, scene.phone) == queued + 1

        # 4. A note: shown apart, never queued.
        await page.get_by_label("Nova nota (só a equipe vê)").fill(
            "Cliente prefere retorno à tarde"
        )
        await page.get_by_role("button", name="Adicionar nota").click()
        await expect(page.locator("#conversa-notas")).to_contain_text("retorno à tarde")
        await expect(messages).not_to_contain_text("retorno à tarde")
        assert await _jobs_to(services, scene.phone) == queued + 1

        # 5. The worker hands the reply to the channel (the sandbox: no provider configured);
        # its `message.sent` reaches the page through the SQLite relay: no reload.
        live_server.lia.ok("worker", "--once")
        await expect(reply.locator(".badge")).to_have_text("Enviada")
        await expect(page.get_by_text("Atendida por você")).to_be_visible()
        # The customer reads it: the receipt (as the provider's webhook would store it) moves
        # the badge on the open page.
        sent = next(
            m
            for m in (await services.get_conversation(scene.conversation_id)).messages
            if m.text == "Já estou verificando sua conexão."
        )
        assert sent.provider_message_id is not None
        receipt = StatusUpdate(
            channel=sent.channel,
            provider_message_id=sent.provider_message_id,
            status=MessageStatus.READ,
            at=datetime.now(UTC),
        )
        await services.ingest([], [receipt])
        await expect(reply.locator(".badge")).to_have_text("Lida")
        await shot(page, "conversa")

        # 6. The watcher reloads: still taken, still no claim button.
        await watcher.reload()
        await expect(watcher.get_by_text("Atendida por Carla Menezes")).to_be_visible()
        await expect(watcher.get_by_role("button", name="Assumir conversa")).to_have_count(0)
        await assert_accessible(watcher)

        # 7. Carla resolves: the ticket is resolved and the conversation leaves the desk.
        await page.locator("summary", has_text="Resolver").click()
        await page.get_by_label("Solução (opcional)").fill("Modem reiniciado, conexão voltou.")
        await page.get_by_role("button", name="Resolver conversa").click()
        await expect(page.get_by_text("Conversa resolvida")).to_be_visible()
        await expect(page).to_have_url(re.compile(r"\?ticket="))
        panel = page.locator("#conversa-atendimento")
        await expect(panel).to_contain_text("Encerrada")
        await expect(panel).to_contain_text("Resolvido")
        await expect(watcher.locator("#conversa-atendimento")).to_contain_text("Encerrada")
    finally:
        await other.close()
