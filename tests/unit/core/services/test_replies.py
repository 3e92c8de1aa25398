"""Agents' replies, notes, canned responses and the welcome, over the in-memory store."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import attrs
import pytest

from lia_adapters.channels.sandbox import SandboxSender
from lia_adapters.memory import FixedClock, InMemoryStore, PlainTextHasher, SequentialIds
from lia_core.desk.commands import Resolve
from lia_core.desk.policy import builtin_desk_policy
from lia_core.desk.service import FixedPolicySource
from lia_core.domain.activity import Activity, ActivityFilter, Actor
from lia_core.domain.conversations import Direction, StoredMessage
from lia_core.domain.delivery import Channel, OutboundJob
from lia_core.domain.inbound import InboundMessage, MessageStatus
from lia_core.domain.realtime import RealtimeKind
from lia_core.domain.recipients import Phone
from lia_core.domain.template_parts import TemplateButton, TemplateHeader
from lia_core.domain.tickets import EventKind, Ticket
from lia_core.domain.users import Role, User
from lia_core.errors import (
    AlreadyExists,
    ConcurrencyConflict,
    NoLiveTicket,
    NotPermitted,
    OutsideServiceWindow,
    ValidationError,
)
from lia_core.services import Reply, SaveCannedResponse, Services

SP = ZoneInfo("America/Sao_Paulo")
NOW = datetime(2026, 5, 4, 13, 0, tzinfo=UTC)  # a working Monday, 10:00 in São Paulo
SUP = Actor(name="sup", ip="10.0.0.1")


def _user(username: str, role: Role, *departments: str, name: str | None = None) -> User:
    return User(
        id=f"u-{username}",
        username=username,
        role=role,
        password_hash="x",
        created_at=NOW,
        full_name=name,
        departments=frozenset(departments),
    )


BIA = _user("bia", Role.AGENT, "support", name="Bia Souza")
CAIO = _user("caio", Role.AGENT, "financial")
SUPERVISOR = _user("sup", Role.SUPERVISOR)


@attrs.define
class World:
    """Services over one in-memory store with a settable clock."""

    store: InMemoryStore
    clock: FixedClock
    services: Services

    async def receive(self, text: str, mid: str, *, sent_at: datetime | None = None) -> str:
        """A customer message through the gate (the human queue opens a ticket); its conversation."""
        message = InboundMessage(
            channel=Channel.WHATSAPP,
            provider_message_id=mid,
            sender=Phone("5511987654321"),
            reply_to="5511987654321",
            sent_at=sent_at or self.clock.now(),
            text=text,
            display_name="Maria Clara Lima",
        )
        report = await self.services.ingest([message])
        await self.services.process_inbound(report.new)
        async with self.store.unit_of_work() as uow:
            (conversation,) = await uow.conversations.list(limit=10)
        return conversation.id

    async def jobs(self) -> Sequence[OutboundJob]:
        """Every queued job."""
        async with self.store.unit_of_work() as uow:
            return await uow.outbox.list(status=None, recipient=None, limit=100)

    async def messages(self, conversation_id: str) -> Sequence[StoredMessage]:
        """The conversation's messages, oldest first."""
        async with self.store.unit_of_work() as uow:
            return await uow.messages.for_conversation(conversation_id, limit=100)

    async def ticket(self, conversation_id: str) -> Ticket:
        """The conversation's live ticket."""
        async with self.store.unit_of_work() as uow:
            return (await uow.tickets.live_for_conversations({conversation_id}))[conversation_id]

    async def audit(self, entity: str) -> Sequence[Activity]:
        """Audit entries about *entity*, newest first."""
        async with self.store.unit_of_work() as uow:
            return await uow.activity.list(ActivityFilter(entity=entity), limit=50)

    async def template(self, key: str, body: str, *, hsm: str | None = None) -> None:
        """Save a canned response as the supervisor."""
        command = SaveCannedResponse(key=key, title=key, body=body, whatsapp_template=hsm)
        await self.services.canned.create(command, SUP)


@pytest.fixture
def w() -> World:
    """A desk on the built-in policy at 10:00 on a working Monday."""
    store, clock = InMemoryStore(), FixedClock(NOW)
    services = Services.build(
        uow=store.unit_of_work,
        clock=clock,
        ids=SequentialIds(),
        hasher=PlainTextHasher(),
        tz=SP,
        desk_policies=FixedPolicySource(builtin_desk_policy("America/Sao_Paulo")),
        senders={Channel.WHATSAPP: SandboxSender(channel=Channel.WHATSAPP)},
    )
    return World(store, clock, services)


def _as(user: User) -> Actor:
    return Actor(name=user.username)


async def test_a_reply_is_queued_pending_and_answers_the_ticket(w: World) -> None:
    """The reply is a job plus a PENDING outbound message; the ticket's first response is
    recorded (the SLA clock stops) and the audit log names who replied."""
    cid = await w.receive("sem internet", "wamid.1")
    w.clock.advance(minutes=5)
    sent = await w.services.replies.reply(
        Reply(conversation_id=cid, text="Olá! Vou verificar."), author=BIA, actor=_as(BIA)
    )

    (job,) = [j for j in await w.jobs() if j.context.source == "agent-reply"]
    assert job.content.text == "Olá! Vou verificar."
    assert str(job.recipient) == "5511987654321"
    assert job.idempotency_key == sent.message.job_key
    last = (await w.messages(cid))[-1]
    assert (last.direction, last.status, last.text) == (
        Direction.OUTBOUND,
        MessageStatus.PENDING,
        "Olá! Vou verificar.",
    )
    ticket = await w.ticket(cid)
    reply = ticket.timeline.events[-1]
    kinds = [e.kind for e in ticket.timeline.events]
    assert EventKind.HUMAN_PUBLIC_REPLY in kinds
    assert [e.by for e in ticket.timeline.events if e.kind is EventKind.HUMAN_PUBLIC_REPLY] == [
        "bia"
    ]
    assert reply.at <= w.clock.now()
    met = [dict(e.data) for e in ticket.timeline.events if e.kind is EventKind.SLA_MET]
    assert [m.get("clock") for m in met] == ["first_response"]
    (entry,) = [a for a in await w.audit("conversation") if a.action == "conversation.reply"]
    assert (entry.actor, entry.entity_id, entry.to_state) == ("bia", cid, "PENDING")
    assert entry.details["message_id"] == sent.message.id
    assert entry.details["ticket_id"] == ticket.id
    updated = [e for e in w.store.bus.delivered if e.kind is RealtimeKind.TICKET_UPDATED]
    assert (updated[-1].ticket_id, updated[-1].conversation_id, updated[-1].at) == (
        ticket.id,
        cid,
        w.clock.now(),
    )
    assert not [e for e in w.store.bus.delivered if e.kind is RealtimeKind.MESSAGE_SENT]
    await w.services.dispatcher.run_once(owner="test")  # the sandbox takes it: message.sent
    (sent_event,) = [e for e in w.store.bus.delivered if e.kind is RealtimeKind.MESSAGE_SENT]
    assert sent_event.message_id == sent.message.id


async def test_an_agent_replies_only_in_their_departments(w: World) -> None:
    """An agent of another department is refused (nothing queued); a supervisor may reply."""
    cid = await w.receive("sem internet", "wamid.1")
    before = len(await w.jobs())
    with pytest.raises(NotPermitted, match="department 'support'"):
        await w.services.replies.reply(
            Reply(conversation_id=cid, text="oi"), author=CAIO, actor=_as(CAIO)
        )
    assert len(await w.jobs()) == before
    await w.services.replies.reply(
        Reply(conversation_id=cid, text="oi"), author=SUPERVISOR, actor=SUP
    )
    assert len(await w.jobs()) == before + 1


async def test_a_disabled_account_cannot_reply(w: World) -> None:
    """A disabled supervisor is refused like an agent outside their department."""
    cid = await w.receive("sem internet", "wamid.1")
    with pytest.raises(NotPermitted, match="disabled"):
        await w.services.replies.reply(
            Reply(conversation_id=cid, text="oi"),
            author=attrs.evolve(SUPERVISOR, is_active=False),
            actor=SUP,
        )


async def test_free_text_after_the_window_is_refused_from_the_providers_time(w: World) -> None:
    """The window runs from the provider's timestamp, not from when LIA received the message:
    a message sent 23h58 ago but received now closes it two minutes later, and then a free
    text is refused with the time it closed, before anything is queued."""
    sent_at = w.clock.now() - timedelta(hours=23, minutes=58)
    cid = await w.receive("sem internet", "wamid.1", sent_at=sent_at)
    await w.services.replies.reply(
        Reply(conversation_id=cid, text="ok"), author=BIA, actor=_as(BIA)
    )
    w.clock.advance(minutes=2)
    before = len(await w.jobs())
    with pytest.raises(OutsideServiceWindow) as refused:
        await w.services.replies.reply(
            Reply(conversation_id=cid, text="ainda aí?"), author=BIA, actor=_as(BIA)
        )
    assert refused.value.closed_at == sent_at + timedelta(hours=24)
    assert "24-hour" in refused.value.message
    assert "template" in refused.value.message
    assert len(await w.jobs()) == before


async def test_a_template_renders_the_conversations_values(w: World) -> None:
    """Inside the window a canned response goes out as its text, variables filled."""
    cid = await w.receive("sem internet", "wamid.1")
    await w.template(
        "saudacao",
        "Olá {{contact.first_name}} ({{contact.name}}), sou {{agent.name}}. "
        "Protocolo {{ticket.id}} / {{conversation.id}}",
    )
    sent = await w.services.replies.reply(
        Reply(conversation_id=cid, template="saudacao"), author=BIA, actor=_as(BIA)
    )
    ticket = await w.ticket(cid)
    expected = f"Olá Maria (Maria Clara Lima), sou Bia Souza. Protocolo {ticket.id} / {cid}"
    assert sent.job.content.text == expected
    assert sent.message.text == expected
    assert (sent.template, sent.empty) == ("saudacao", ())


async def test_outside_the_window_a_template_goes_as_the_approved_one(w: World) -> None:
    """After the window a canned response naming an approved WhatsApp template is sent as
    that template with its variables as parameters; one without is refused."""
    cid = await w.receive("sem internet", "wamid.1")
    await w.template(
        "retomada", "Olá {{contact.first_name}}, sou {{agent.name}}.", hsm="retomada_v1"
    )
    await w.template("livre", "Olá {{contact.first_name}}")
    w.clock.advance(hours=25)
    sent = await w.services.replies.reply(
        Reply(conversation_id=cid, template="retomada"), author=BIA, actor=_as(BIA)
    )
    assert sent.job.content.template == "retomada_v1"
    assert sent.job.content.params == ("Maria", "Bia Souza")
    assert sent.job.content.text is None
    assert sent.whatsapp_template == "retomada_v1"
    with pytest.raises(OutsideServiceWindow):
        await w.services.replies.reply(
            Reply(conversation_id=cid, template="livre"), author=BIA, actor=_as(BIA)
        )


FATURA = SaveCannedResponse(
    key="fatura",
    title="Fatura",
    body="Olá {{contact.first_name}}, segue sua fatura.",
    whatsapp_template="fatura_pronta",
    whatsapp_header=TemplateHeader.of(
        "document", "https://isp.example/faturas/{{ticket.id}}.pdf", filename="fatura.pdf"
    ),
    whatsapp_buttons=(  # out of index order: sent in index order
        TemplateButton.of("quick_reply", 1, "atendente-{{conversation.id}}"),
        TemplateButton.of("url", 0, "boleto/{{ticket.id}}"),
    ),
)
"""A canned response with a document header and two buttons, variables in each."""


async def test_outside_the_window_the_templates_header_and_buttons_are_filled(w: World) -> None:
    """A canned response with a document header and two buttons, variables in them: after
    the window they go with the approved template, filled for this conversation, stored with
    the job; inside the window the reply is the plain text and they are not used."""
    cid = await w.receive("sem internet", "wamid.1")
    ticket = await w.ticket(cid)
    await w.services.canned.create(FATURA, SUP)
    inside = await w.services.replies.reply(
        Reply(conversation_id=cid, template="fatura"), author=BIA, actor=_as(BIA)
    )
    assert (inside.job.content.header, inside.job.content.buttons) == (None, ())
    w.clock.advance(hours=25)
    sent = await w.services.replies.reply(
        Reply(conversation_id=cid, template="fatura"), author=BIA, actor=_as(BIA)
    )
    content = sent.job.content
    assert (content.template, content.params) == ("fatura_pronta", ("Maria",))
    assert content.header == TemplateHeader.of(
        "document", f"https://isp.example/faturas/{ticket.id}.pdf", filename="fatura.pdf"
    )
    assert [(b.kind.value, b.index, b.value) for b in content.buttons] == [
        ("url", 0, f"boleto/{ticket.id}"),
        ("quick_reply", 1, f"atendente-{cid}"),
    ]
    (stored,) = [j for j in await w.jobs() if j.id == sent.job.id]
    assert stored.content == content


async def test_the_preview_fills_the_header_and_buttons_and_lists_their_empties(w: World) -> None:
    """The preview renders the template's header and buttons for the conversation as a reply
    after the window would send them; once the ticket is resolved, ticket.id is listed empty
    in the parts that use it, and a part left blank is what the reply then refuses."""
    cid = await w.receive("sem internet", "wamid.1")
    ticket = await w.ticket(cid)
    await w.services.canned.create(FATURA, SUP)
    shown = (await w.services.canned.preview("fatura", cid, agent=BIA)).rendered
    assert shown.header is not None
    assert shown.header.rendered.text == f"https://isp.example/faturas/{ticket.id}.pdf"
    assert shown.header.header.filename == "fatura.pdf"
    assert [b.rendered.text for b in shown.buttons] == [f"boleto/{ticket.id}", f"atendente-{cid}"]
    assert (shown.body.empty, shown.parts_empty, shown.blank_part) == ((), (), None)
    w.clock.advance(hours=25)
    sent = await w.services.replies.reply(
        Reply(conversation_id=cid, template="fatura"), author=BIA, actor=_as(BIA)
    )
    assert sent.job.content.header is not None
    assert sent.job.content.header.value == shown.header.rendered.text
    assert [b.value for b in sent.job.content.buttons] == [b.rendered.text for b in shown.buttons]

    await w.services.desk.act(ticket.id, Resolve(), SUP)
    resolved = (await w.services.canned.preview("fatura", cid, agent=SUPERVISOR)).rendered
    assert resolved.header is not None
    assert resolved.header.rendered.empty == ("ticket.id",)
    assert [b.rendered.empty for b in resolved.buttons] == [("ticket.id",), ()]
    assert resolved.parts_empty == ("ticket.id",)
    assert resolved.blank_part is None  # "boleto/" and the link's ends are still text


async def test_a_template_part_that_renders_to_nothing_refuses_the_reply(w: World) -> None:
    """After the window, a button whose value is only an empty variable refuses the reply
    naming the button and the variable, and the preview names the same part; inside the
    window the plain text goes, the parts unused."""
    cid = await w.receive("sem internet", "wamid.1")
    command = SaveCannedResponse(
        key="protocolo",
        title="Protocolo",
        body="Seu protocolo: {{ticket.id}}",
        whatsapp_template="protocolo",
        whatsapp_buttons=(TemplateButton.of("quick_reply", 0, "{{ticket.id}}"),),
    )
    await w.services.canned.create(command, SUP)
    await w.services.desk.act((await w.ticket(cid)).id, Resolve(), SUP)
    inside = await w.services.replies.reply(
        Reply(conversation_id=cid, template="protocolo"), author=SUPERVISOR, actor=SUP
    )
    assert inside.job.content.text == "Seu protocolo: "
    preview = await w.services.canned.preview("protocolo", cid, agent=SUPERVISOR)
    assert preview.rendered.blank_part is not None
    assert preview.rendered.blank_part[0] == "button 0"
    w.clock.advance(hours=25)
    with pytest.raises(ValidationError) as refused:
        await w.services.replies.reply(
            Reply(conversation_id=cid, template="protocolo"), author=SUPERVISOR, actor=SUP
        )
    assert refused.value.field == "template"
    assert refused.value.message == (
        "template 'protocolo': its WhatsApp button 0 renders to nothing in this conversation "
        "(empty: ticket.id)"
    )


async def test_template_parts_are_checked_when_saved(w: World) -> None:
    """An unknown variable in a header or button, or parts without an approved template,
    are refused naming the field."""
    header = TemplateHeader.of("text", "Olá {{cliente}}")
    with pytest.raises(ValidationError) as refused:
        await w.services.canned.create(
            SaveCannedResponse(
                key="a", title="a", body="oi", whatsapp_template="t", whatsapp_header=header
            ),
            SUP,
        )
    assert refused.value.field == "whatsapp_header"
    with pytest.raises(ValidationError) as refused:
        await w.services.canned.create(
            SaveCannedResponse(
                key="b",
                title="b",
                body="oi",
                whatsapp_buttons=(TemplateButton.of("url", 0, "x"),),
            ),
            SUP,
        )
    assert refused.value.field == "whatsapp_buttons"


async def test_bad_replies_name_their_field(w: World) -> None:
    """Both or neither of text and template, a blank text, an unknown template: 'field' says which."""
    cid = await w.receive("sem internet", "wamid.1")
    with pytest.raises(ValidationError) as both:
        Reply(conversation_id=cid, text="a", template="b")
    assert both.value.field == "text"
    with pytest.raises(ValidationError) as blank:
        Reply(conversation_id=cid, text="   ")
    assert blank.value.field == "text"
    with pytest.raises(ValidationError) as unknown:
        await w.services.replies.reply(
            Reply(conversation_id=cid, template="nada"), author=BIA, actor=_as(BIA)
        )
    assert unknown.value.field == "template"


async def test_a_note_stays_on_the_ticket_and_is_never_sent(w: World) -> None:
    """A private note lands on the open ticket's timeline: no job, no message, audited."""
    cid = await w.receive("sem internet", "wamid.1")
    jobs, messages = len(await w.jobs()), len(await w.messages(cid))
    ticket = await w.services.replies.note(
        cid, "cliente já reiniciou o modem", author=BIA, actor=_as(BIA)
    )
    note = ticket.timeline.events[-1]
    assert (note.kind, note.by, note.reason) == (
        EventKind.PRIVATE_NOTE,
        "bia",
        "cliente já reiniciou o modem",
    )
    assert len(await w.jobs()) == jobs
    assert len(await w.messages(cid)) == messages
    assert next(a.action for a in await w.audit("ticket")) == "ticket.note"
    with pytest.raises(NotPermitted):
        await w.services.replies.note(cid, "x", author=CAIO, actor=_as(CAIO))
    with pytest.raises(ValidationError) as blank:
        await w.services.replies.note(cid, " ", author=BIA, actor=_as(BIA))
    assert blank.value.field == "text"


async def test_a_note_needs_an_open_ticket(w: World) -> None:
    """Once the ticket is resolved there is nowhere to keep a note: NoLiveTicket (409)."""
    cid = await w.receive("sem internet", "wamid.1")
    await w.services.desk.act((await w.ticket(cid)).id, Resolve(), SUP)
    with pytest.raises(NoLiveTicket):
        await w.services.replies.note(cid, "x", author=SUPERVISOR, actor=SUP)


async def test_the_welcome_is_sent_when_it_exists_and_may_be(w: World) -> None:
    """No agent_welcome: nothing; with one: queued for the agent; outside the window without
    an approved template: skipped (the assignment is never refused for it)."""
    cid = await w.receive("sem internet", "wamid.1")
    async with w.store.unit_of_work() as uow:
        await uow.users.add(BIA)
        await uow.commit()
    assert await w.services.replies.send_welcome(cid, "bia", SUP) is None
    await w.template("agent_welcome", "Oi {{contact.first_name}}, aqui é {{agent.name}}.")
    sent = await w.services.replies.send_welcome(cid, "bia", SUP)
    assert sent is not None
    assert sent.job.content.text == "Oi Maria, aqui é Bia Souza."
    assert sent.job.context.source == "agent-welcome"
    (entry,) = [a for a in await w.audit("conversation") if a.action == "conversation.welcome"]
    assert entry.details["agent"] == "bia"
    w.clock.advance(hours=24)
    assert await w.services.replies.send_welcome(cid, "bia", SUP) is None
    assert len([j for j in await w.jobs() if j.context.source == "agent-welcome"]) == 1


async def test_canned_responses_are_versioned_and_audited(w: World) -> None:
    """Create, update at the read version, refuse a stale one and a taken key, delete; each
    change is in the audit log."""
    await w.template("oi", "Oi {{contact.name}}")
    with pytest.raises(AlreadyExists):
        await w.template("oi", "Oi")
    update = SaveCannedResponse(key="oi", title="Oi", body="Olá {{contact.first_name}}")
    changed = await w.services.canned.update(update, SUP, expected_version=1)
    assert changed.version == 2
    with pytest.raises(ConcurrencyConflict):
        await w.services.canned.update(update, SUP, expected_version=1)
    with pytest.raises(ValidationError) as unknown:
        await w.services.canned.update(attrs.evolve(update, body="{{cliente}}"), SUP)
    assert unknown.value.field == "body"
    await w.services.canned.delete("oi", SUP, expected_version=2)
    assert list(await w.services.canned.list()) == []
    actions = [(a.action, a.from_state, a.to_state) for a in await w.audit("template")]
    assert actions == [
        ("template.delete", "v2", None),
        ("template.update", "v1", "v2"),
        ("template.create", None, "v1"),
    ]


async def test_a_preview_lists_what_would_be_empty(w: World) -> None:
    """Rendered for a conversation whose ticket is resolved, ticket.id is empty and listed."""
    cid = await w.receive("sem internet", "wamid.1")
    await w.template("p", "{{contact.first_name}}: protocolo {{ticket.id}}")
    live = await w.services.canned.preview("p", cid, agent=BIA)
    assert live.rendered.body.empty == ()
    await w.services.desk.act((await w.ticket(cid)).id, Resolve(), SUP)
    preview = await w.services.canned.preview("p", cid, agent=SUPERVISOR)
    body = preview.rendered.body
    assert (body.text, body.empty) == ("Maria: protocolo ", ("ticket.id",))
    with pytest.raises(NotPermitted):
        await w.services.canned.preview("p", cid, agent=CAIO)
