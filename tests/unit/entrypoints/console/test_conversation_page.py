"""Conversa in-process: the page (messages by author with delivery status, holder, reply box,
notes apart, timeline, assignment log), its fragments, the canned-response preview, and each
action through the API's use cases — with the API's refusals shown in pt-BR: a claim lost
(409 "Atendida por …"), outside one's department (403), a transfer without a reason (422),
a free text after WhatsApp's 24-hour window (409), an unknown conversation (404)."""

from __future__ import annotations

import itertools
import re
from datetime import timedelta

import pytest

from lia_adapters.memory import InMemoryStore
from lia_core.assignment import Claim
from lia_core.desk.commands import Resolve
from lia_core.domain.activity import Actor
from lia_core.domain.assignments import AssignmentState
from lia_core.domain.delivery import Channel
from lia_core.domain.inbound import InboundMessage, MessageStatus
from lia_core.domain.recipients import Phone
from lia_core.domain.template_parts import TemplateButton, TemplateHeader
from lia_core.domain.tickets import TicketStatus
from lia_core.domain.users import Role
from lia_core.services import CreateUser, SaveCannedResponse, UpdateUser
from lia_entrypoints.bootstrap import Runtime
from lia_entrypoints.console.pages.conversation import DELIVERY_LABELS

from ..http.api_support import NOW, PASSWORD, Client
from .console_support import post_form

ADMIN = Actor(name="admin")
_PHONES = itertools.count(1)


async def _conversation(
    runtime: Runtime, store: InMemoryStore, name: str = "", *, hours_ago: int = 1
) -> str:
    """A WhatsApp conversation the gate handed to the human queue, written *hours_ago*."""
    phone = f"55219999{next(_PHONES):05d}"
    message = InboundMessage(
        channel=Channel.WHATSAPP,
        provider_message_id=f"wamid.{phone}",
        sender=Phone(phone),
        reply_to=phone,
        sent_at=NOW - timedelta(hours=hours_ago),
        text="minha internet caiu",
        display_name=name,
    )
    report = await runtime.services.ingest([message])
    await runtime.services.process_inbound(report.new)
    async with store.unit_of_work() as uow:
        found = await uow.conversations.list(contact_phone=phone, limit=5)
    return found[0].id


@pytest.fixture
async def conversation(runtime: Runtime, store: InMemoryStore) -> str:
    """Maria Clara's conversation, queued in its department with an open ticket."""
    return await _conversation(runtime, store, "Maria Clara")


async def _department(runtime: Runtime, cid: str) -> str:
    details = await runtime.services.get_conversation(cid)
    assert details.assignment is not None
    return details.assignment.department


async def _staff(runtime: Runtime, username: str, *departments: str, name: str = "") -> None:
    """An AGENT account (created if new) working in *departments*."""
    try:
        await runtime.services.get_user(username)
    except LookupError:
        await runtime.services.create_user(
            CreateUser(actor="tester", username=username, role=Role.AGENT, password=PASSWORD)
        )
    await runtime.services.update_user(
        UpdateUser(username=username, actor=ADMIN, departments=departments, full_name=name or None)
    )


async def _jobs(store: InMemoryStore) -> int:
    async with store.unit_of_work() as uow:
        return len(await uow.outbox.list(status=None, recipient=None, limit=100))


def test_every_delivery_status_has_a_label() -> None:
    """No raw status reaches the page."""
    assert set(DELIVERY_LABELS) == set(MessageStatus)


async def test_the_page_shows_messages_holder_reply_box_notes_and_timeline(
    client: Client, runtime: Runtime, supervisor_session: str, conversation: str
) -> None:
    """Queued: the customer's message, "Sem responsável" with the claim button, the canned
    responses to pick, the notes apart, the ticket's timeline; the page loads its own script."""
    await runtime.services.canned.create(
        SaveCannedResponse(key="saudacao", title="Saudação", body="Olá {{contact.first_name}}!"),
        ADMIN,
    )
    page = await client.get(f"/console/conversas/{conversation}")
    assert page.status_code == 200, page.text
    text = page.text
    assert "Maria Clara" in text
    assert "minha internet caiu" in text
    assert 'class="message message-customer"' in text
    assert "Sem responsável" in text
    assert "Assumir conversa" in text
    assert '<option value="saudacao">Saudação</option>' in text
    assert "nunca enviadas ao cliente" in text
    assert "Encaminhado para atendimento humano" in text
    assert "/console/static/conversation.js" in text
    assert "<script>" not in text  # the CSP forbids inline scripts


async def test_unknown_conversation_is_404_for_the_page_its_parts_and_actions(
    client: Client, supervisor_session: str, conversation: str
) -> None:
    """No such conversation: the console's 404 page; an unknown part of a real one too."""
    assert (await client.get("/console/conversas/nope")).status_code == 404
    assert (await client.get("/console/conversas/nope/mensagens")).status_code == 404
    missing = await post_form(client, "/console/conversas/nope/assumir", supervisor_session)
    assert missing.status_code == 404
    assert (await client.get(f"/console/conversas/{conversation}/senhas")).status_code == 404


async def test_fragments_are_the_parts_alone(
    client: Client, supervisor_session: str, conversation: str
) -> None:
    """What a realtime event re-reads: each part without the page around it."""
    part = await client.get(f"/console/conversas/{conversation}/mensagens")
    assert part.status_code == 200
    assert "minha internet caiu" in part.text
    assert "<html" not in part.text
    panel = await client.get(f"/console/conversas/{conversation}/atendimento")
    assert "Assumir conversa" in panel.text
    history = await client.get(f"/console/conversas/{conversation}/historico")
    assert "Linha do tempo do ticket" in history.text


async def test_an_agent_claims_and_the_page_says_it_is_theirs(
    client: Client, runtime: Runtime, agent_session: str, conversation: str
) -> None:
    """Assumir: 303 back to the page, which says "Atendida por você" with transfer, release and
    resolve, no claim button; the assignment log shows the claim."""
    await _staff(runtime, "artur", await _department(runtime, conversation))
    done = await post_form(client, f"/console/conversas/{conversation}/assumir", agent_session)
    assert done.status_code == 303, done.text
    assert done.headers["location"] == f"/console/conversas/{conversation}"
    page = (await client.get(f"/console/conversas/{conversation}")).text
    assert "Conversa assumida" in page
    assert "Atendida por você" in page
    assert "Assumir conversa" not in page
    assert "Transferir" in page
    assert "Liberar conversa" in page
    assert "Resolver conversa" in page
    assert "Assumida" in page


async def test_a_claim_lost_says_who_holds_it(
    client: Client, runtime: Runtime, agent_session: str, conversation: str
) -> None:
    """Bia claimed first: Artur's claim is 409 "Atendida por Bia Souza", and the page he gets
    has no claim button any more."""
    department = await _department(runtime, conversation)
    await _staff(runtime, "artur", department)
    await _staff(runtime, "bia", department, name="Bia Souza")
    await runtime.services.claims.claim(
        Claim(conversation_id=conversation, agent="bia", actor=Actor(name="bia"))
    )
    lost = await post_form(client, f"/console/conversas/{conversation}/assumir", agent_session)
    assert lost.status_code == 409
    assert "Atendida por Bia Souza." in lost.text
    assert 'role="alert"' in lost.text
    assert "Assumir conversa" not in lost.text
    details = await runtime.services.get_conversation(conversation)
    assert details.assignment is not None
    assert details.assignment.assignee == "bia"


async def test_claiming_outside_ones_departments_is_403(
    client: Client, agent_session: str, conversation: str
) -> None:
    """Artur works in no department: the claim is refused and says why."""
    refused = await post_form(client, f"/console/conversas/{conversation}/assumir", agent_session)
    assert refused.status_code == 403
    assert "departamento que não é o seu" in refused.text


async def test_a_transfer_needs_a_reason_and_a_target(
    client: Client, runtime: Runtime, agent_session: str, conversation: str
) -> None:
    """Without a reason, without a target, to nobody known: 422 beside the field, nothing
    moves; with a reason to a department: back in that department's queue, logged."""
    await _staff(runtime, "artur", await _department(runtime, conversation))
    path = f"/console/conversas/{conversation}"
    assert (await post_form(client, f"{path}/assumir", agent_session)).status_code == 303
    no_reason = await post_form(client, f"{path}/transferir", agent_session, departamento="x")
    assert no_reason.status_code == 422
    assert "Informe o motivo da transferência." in no_reason.text
    assert 'id="transferir-motivo-error"' in no_reason.text
    no_target = await post_form(client, f"{path}/transferir", agent_session, motivo="cobrança")
    assert no_target.status_code == 422
    assert "Escolha um atendente ou um departamento." in no_target.text
    nobody = await post_form(
        client, f"{path}/transferir", agent_session, motivo="cobrança", atendente="ninguem"
    )
    assert nobody.status_code == 422
    assert "Atendente não encontrado" in nobody.text
    details = await runtime.services.get_conversation(conversation)
    assert details.assignment is not None
    assert details.assignment.assignee == "artur"
    moved = await post_form(
        client, f"{path}/transferir", agent_session, motivo="é cobrança", departamento="financial"
    )
    assert moved.status_code == 303, moved.text
    details = await runtime.services.get_conversation(conversation)
    assert details.assignment is not None
    assert (details.assignment.department, details.assignment.assignee) == ("financial", None)
    page = (await client.get(path)).text
    assert "Transferida" in page
    assert "é cobrança" in page


async def test_only_the_holder_or_a_supervisor_transfers_or_releases(
    client: Client, runtime: Runtime, agent_session: str, conversation: str
) -> None:
    """Bia holds it: Artur's transfer and release are 403 and say who may."""
    department = await _department(runtime, conversation)
    await _staff(runtime, "artur", department)
    await _staff(runtime, "bia", department)
    await runtime.services.claims.claim(
        Claim(conversation_id=conversation, agent="bia", actor=Actor(name="bia"))
    )
    path = f"/console/conversas/{conversation}"
    page = (await client.get(path)).text
    assert "Atendida por bia" in page
    assert "Liberar conversa" not in page
    moved = await post_form(
        client, f"{path}/transferir", agent_session, motivo="x", atendente="artur"
    )
    assert moved.status_code == 403
    assert "só quem atende a conversa" in moved.text
    released = await post_form(client, f"{path}/liberar", agent_session)
    assert released.status_code == 403


async def test_release_puts_it_back_in_the_queue(
    client: Client, runtime: Runtime, agent_session: str, conversation: str
) -> None:
    """The holder releases it: queued again, the claim button back; releasing twice is 409."""
    await _staff(runtime, "artur", await _department(runtime, conversation))
    path = f"/console/conversas/{conversation}"
    await post_form(client, f"{path}/assumir", agent_session)
    done = await post_form(client, f"{path}/liberar", agent_session, motivo="fim do turno")
    assert done.status_code == 303
    details = await runtime.services.get_conversation(conversation)
    assert details.assignment is not None
    assert details.assignment.state is AssignmentState.QUEUED
    page = (await client.get(path)).text
    assert "Assumir conversa" in page
    assert "fim do turno" in page


async def test_a_reply_is_queued_pending_and_shown_as_the_agents(
    client: Client,
    runtime: Runtime,
    supervisor_session: str,
    conversation: str,
    store: InMemoryStore,
) -> None:
    """Responder: one job queued, the message shown as the desk's, "Na fila de envio"."""
    before = await _jobs(store)
    path = f"/console/conversas/{conversation}"
    done = await post_form(client, f"{path}/responder", supervisor_session, texto="Vou verificar.")
    assert done.status_code == 303, done.text
    assert await _jobs(store) == before + 1
    page = (await client.get(path)).text
    assert "Resposta na fila de envio." in page
    assert 'class="message message-agent"' in page
    assert "Vou verificar." in page
    assert "Atendente · sofia" in page
    assert 'data-status="PENDING"' in page


async def test_a_free_text_after_the_window_is_refused_with_what_to_do(
    client: Client, runtime: Runtime, supervisor_session: str, store: InMemoryStore
) -> None:
    """25 hours after the customer's message: 409, the window's closing time, the way out (a
    canned response with a WhatsApp template); the text stays in the box; nothing queued."""
    conversation = await _conversation(runtime, store, "Maria Clara", hours_ago=25)
    before = await _jobs(store)
    path = f"/console/conversas/{conversation}"
    refused = await post_form(client, f"{path}/responder", supervisor_session, texto="ainda aí?")
    assert refused.status_code == 409
    assert "janela de 24 horas do WhatsApp fechou em" in refused.text
    assert "modelo WhatsApp" in refused.text
    assert ">ainda aí?</textarea>" in refused.text
    assert await _jobs(store) == before


async def test_a_reply_needs_a_text_or_a_canned_response(
    client: Client, runtime: Runtime, supervisor_session: str, conversation: str
) -> None:
    """Neither: 422 beside the box; an unknown canned response: 422 beside the list."""
    path = f"/console/conversas/{conversation}/responder"
    empty = await post_form(client, path, supervisor_session, texto="  ")
    assert empty.status_code == 422
    assert "Escreva a mensagem ou escolha uma resposta pronta" in empty.text
    unknown = await post_form(client, path, supervisor_session, modelo="nada")
    assert unknown.status_code == 422
    assert "Resposta pronta não encontrada" in unknown.text


async def test_a_reply_outside_ones_departments_is_403(
    client: Client, agent_session: str, conversation: str
) -> None:
    """Artur neither holds it nor works in its department."""
    refused = await post_form(
        client, f"/console/conversas/{conversation}/responder", agent_session, texto="oi"
    )
    assert refused.status_code == 403
    assert "departamento que não é o seu" in refused.text


async def test_a_canned_reply_goes_out_rendered(
    client: Client, runtime: Runtime, supervisor_session: str, conversation: str
) -> None:
    """Choosing a canned response (and no text) sends it filled for this conversation."""
    await runtime.services.canned.create(
        SaveCannedResponse(key="saudacao", title="Saudação", body="Olá {{contact.first_name}}!"),
        ADMIN,
    )
    path = f"/console/conversas/{conversation}"
    done = await post_form(client, f"{path}/responder", supervisor_session, modelo="saudacao")
    assert done.status_code == 303, done.text
    assert "Olá Maria!" in (await client.get(path)).text


async def test_the_preview_fills_the_response_and_warns_on_an_empty_variable(
    client: Client, runtime: Runtime, supervisor_session: str, store: InMemoryStore
) -> None:
    """The preview (the API's use case) shows the text as it would go; in a conversation
    whose customer has no name it warns which variable would be empty; nothing is sent."""
    await runtime.services.canned.create(
        SaveCannedResponse(key="saudacao", title="Saudação", body="Olá {{contact.first_name}}!"),
        ADMIN,
    )
    named = await _conversation(runtime, store, "Maria Clara")
    nameless = await _conversation(runtime, store, "")
    before = await _jobs(store)
    filled = await post_form(
        client, f"/console/conversas/{named}/previa", supervisor_session, modelo="saudacao"
    )
    assert filled.status_code == 200
    assert "Olá Maria!" in filled.text
    assert "ficariam vazios" not in filled.text
    warned = await post_form(
        client, f"/console/conversas/{nameless}/previa", supervisor_session, modelo="saudacao"
    )
    assert "ficariam vazios" in warned.text
    assert "{{contact.first_name}}" in warned.text
    unknown = await post_form(
        client, f"/console/conversas/{named}/previa", supervisor_session, modelo="nada"
    )
    assert "Resposta pronta não encontrada" in unknown.text
    assert await _jobs(store) == before


async def test_the_preview_shows_the_whatsapp_header_and_buttons_filled(
    client: Client, runtime: Runtime, supervisor_session: str, conversation: str
) -> None:
    """A response with an approved template: the preview lists its header and buttons filled
    for this conversation (kinds in pt-BR, buttons counted from 1); once the ticket is
    resolved it names the empty variable in the header and says the blank button would get
    the reply refused after the window."""
    await runtime.services.canned.create(
        SaveCannedResponse(
            key="fatura",
            title="Fatura",
            body="Olá {{contact.first_name}}",
            whatsapp_template="fatura_pronta",
            whatsapp_header=TemplateHeader.of(
                "document", "https://isp.example/f/{{ticket.id}}.pdf", filename="fatura.pdf"
            ),
            whatsapp_buttons=(
                TemplateButton.of("url", 0, "c/{{conversation.id}}"),
                TemplateButton.of("quick_reply", 1, "{{ticket.id}}"),
            ),
        ),
        ADMIN,
    )
    ticket = (await runtime.services.get_conversation(conversation)).ticket
    assert ticket is not None
    path = f"/console/conversas/{conversation}/previa"
    shown = await post_form(client, path, supervisor_session, modelo="fatura")
    assert shown.status_code == 200
    text = " ".join(shown.text.split())
    assert "sai como o modelo aprovado <code>fatura_pronta</code>, com:" in text
    assert (
        f'<dt>Cabeçalho (documento)</dt> <dd><span class="preview-part">'
        f"https://isp.example/f/{ticket.id}.pdf</span> (arquivo fatura.pdf)"
    ) in text
    assert f'<dt>Botão 1 (link)</dt> <dd><span class="preview-part">c/{conversation}</span>' in text
    assert f'<dt>Botão 2 (resposta rápida)</dt> <dd><span class="preview-part">{ticket.id}' in text
    assert "vazi" not in text

    await runtime.services.desk.act(ticket.id, Resolve(), ADMIN)
    warned = " ".join(
        (await post_form(client, path, supervisor_session, modelo="fatura")).text.split()
    )
    assert "https://isp.example/f/.pdf</span> (arquivo fatura.pdf)" in warned
    assert "Atenção: aqui ficariam vazios: <code>{{ticket.id}}</code>." in warned
    assert (
        "Fica vazio nesta conversa (<code>{{ticket.id}}</code>): depois da janela de 24 horas, "
        "a resposta seria recusada."
    ) in warned
    assert "nesta conversa ficariam vazios" not in warned  # the body has its name


async def test_a_note_is_shown_apart_and_never_queued(
    client: Client, supervisor_session: str, conversation: str, store: InMemoryStore
) -> None:
    """Nota: no job, shown among the notes, not among the messages; a blank one is 422."""
    before = await _jobs(store)
    path = f"/console/conversas/{conversation}"
    done = await post_form(client, f"{path}/nota", supervisor_session, texto="cliente VIP, cuidado")
    assert done.status_code == 303, done.text
    assert await _jobs(store) == before
    notes = (await client.get(f"{path}/notas")).text
    assert "cliente VIP, cuidado" in notes
    assert "cliente VIP, cuidado" not in (await client.get(f"{path}/mensagens")).text
    blank = await post_form(client, f"{path}/nota", supervisor_session, texto=" ")
    assert blank.status_code == 422
    assert "Escreva a nota." in blank.text


async def test_resolve_resolves_the_ticket_and_takes_it_off_the_desk(
    client: Client, runtime: Runtime, agent_session: str, conversation: str
) -> None:
    """Resolver = the ticket's resolve: the ticket is resolved, the conversation leaves the
    desk; the page keeps showing the resolved ticket; resolving again says there is none."""
    await _staff(runtime, "artur", await _department(runtime, conversation))
    path = f"/console/conversas/{conversation}"
    await post_form(client, f"{path}/assumir", agent_session)
    ticket = (await runtime.services.get_conversation(conversation)).ticket
    assert ticket is not None
    done = await post_form(
        client, f"{path}/resolver", agent_session, motivo="modem reiniciado", versao=""
    )
    assert done.status_code == 303, done.text
    assert done.headers["location"] == f"{path}?ticket={ticket.id}"
    view = await runtime.services.desk.show(ticket.id)
    assert view.ticket.status is TicketStatus.RESOLVED
    details = await runtime.services.get_conversation(conversation)
    assert details.assignment is not None
    assert details.assignment.state is AssignmentState.CLOSED
    page = (await client.get(done.headers["location"])).text
    assert "Conversa resolvida" in page
    assert "Encerrada" in page
    assert "modem reiniciado" in page
    again = await post_form(client, f"{path}/resolver", agent_session)
    assert again.status_code == 409
    assert "Não há ticket aberto nesta conversa" in again.text


async def test_resolving_a_ticket_changed_since_the_page_was_read_is_409(
    client: Client, runtime: Runtime, supervisor_session: str, conversation: str
) -> None:
    """The form carries the ticket's version: a stale one is refused, nothing resolved."""
    ticket = (await runtime.services.get_conversation(conversation)).ticket
    assert ticket is not None
    stale = await post_form(
        client,
        f"/console/conversas/{conversation}/resolver",
        supervisor_session,
        versao=str(ticket.version - 1),
    )
    assert stale.status_code == 409
    assert "outra pessoa alterou o ticket" in stale.text


async def test_the_reply_box_sent_twice_queues_one_reply(
    client: Client, supervisor_session: str, conversation: str, store: InMemoryStore
) -> None:
    """The page's key rides with the form: the same form posted again (a double click) is
    answered as the first, nothing queued again; another text under it is refused (422)."""
    path = f"/console/conversas/{conversation}"
    page = (await client.get(path)).text
    key = re.search(r'name="chave" value="([0-9a-f]+)"', page)
    assert key is not None
    before = await _jobs(store)
    for _ in range(2):
        sent = await post_form(
            client, f"{path}/responder", supervisor_session, texto="Um momento.", chave=key[1]
        )
        assert sent.status_code == 303, sent.text
    assert await _jobs(store) == before + 1
    other = await post_form(
        client, f"{path}/responder", supervisor_session, texto="Outra coisa.", chave=key[1]
    )
    assert other.status_code == 422
    assert "recarregue a página para enviar outra" in other.text
    assert await _jobs(store) == before + 1
    fresh = (await client.get(path)).text
    assert f'value="{key[1]}"' not in fresh  # a new page, a new key


async def test_the_tickets_page_links_its_conversation(
    client: Client, runtime: Runtime, supervisor_session: str, conversation: str
) -> None:
    """From a conversation's ticket, one click to the Conversa page (and back by the link)."""
    ticket = (await runtime.services.get_conversation(conversation)).ticket
    assert ticket is not None
    page = (await client.get(f"/console/tickets/{ticket.id}")).text
    assert f'href="/console/conversas/{conversation}"' in page
    assert (
        f'href="/console/tickets/{ticket.id}"'
        in (await client.get(f"/console/conversas/{conversation}")).text
    )
