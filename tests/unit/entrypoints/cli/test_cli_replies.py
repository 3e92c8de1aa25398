"""`lia conversation reply|note` and `lia template …` in-process: the reply queued, the window's
refusal in one line (exit 1), a note that queues nothing, templates with versions."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from lia_adapters.memory import PlainTextHasher, SequentialIds
from lia_core.domain.delivery import Channel
from lia_core.domain.inbound import InboundMessage
from lia_core.domain.recipients import Phone
from lia_core.services import Services

from .cli_harness import NOW, CliHarness


def _conversation(lia: CliHarness) -> str:
    """A WhatsApp conversation in the human queue (ticket in "support"), written an hour ago."""

    async def seed() -> str:
        services = Services.build(
            uow=lia.store.unit_of_work,
            clock=lia.clock,
            ids=SequentialIds("seed"),
            hasher=PlainTextHasher(),
        )
        message = InboundMessage(
            channel=Channel.WHATSAPP,
            provider_message_id="wamid.1",
            sender=Phone("5521999998888"),
            reply_to="5521999998888",
            sent_at=NOW - timedelta(hours=1),
            text="sem internet",
            display_name="Maria Clara",
        )
        report = await services.ingest([message])
        await services.process_inbound(report.new)
        async with lia.store.unit_of_work() as uow:
            (conversation,) = await uow.conversations.list(limit=5)
        return conversation.id

    return asyncio.run(seed())


def _staff(lia: CliHarness) -> None:
    env = {"LIA_PASSWORD": "senha-segura-1"}
    lia.ok("user", "create", "--username", "bia", "--role", "AGENT", env=env)
    lia.ok("user", "update", "bia", "--departments", "support", "--full-name", "Bia Souza")
    lia.ok("user", "create", "--username", "caio", "--role", "AGENT", env=env)


def _jobs(lia: CliHarness) -> int:
    return len(lia.json("outbox", "list")["items"])


def _one_line(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    return lines[0]


def test_reply_is_queued_and_refused_after_the_window(lia: CliHarness) -> None:
    """A reply as an agent of the department is queued PENDING; another agent is refused
    (exit 1); 23 hours later a free text is refused in one line naming the window."""
    cid = _conversation(lia)
    _staff(lia)
    sent = lia.json("conversation", "reply", cid, "--text", "Olá, vou verificar", "--as", "bia")
    assert sent["message"]["status"] == "PENDING"
    assert "queued" in lia.ok("conversation", "reply", cid, "--text", "oi", "--as", "bia").stdout
    denied = lia("conversation", "reply", cid, "--text", "oi", "--as", "caio")
    assert denied.exit_code == 1
    assert "department" in _one_line(denied.stderr)
    lia.clock.advance(hours=23)
    before = _jobs(lia)
    refused = lia("conversation", "reply", cid, "--text", "ainda aí?", "--as", "bia")
    assert refused.exit_code == 1
    assert "24-hour" in _one_line(refused.stderr)
    assert _jobs(lia) == before


def test_bad_reply_input_is_exit_2_in_one_line(lia: CliHarness) -> None:
    """No --as, no text, or an unknown template: exit 2 and one line naming what is wrong."""
    cid = _conversation(lia)
    _staff(lia)
    missing = lia("conversation", "reply", cid, "--text", "oi")
    assert missing.exit_code == 2
    assert "--as" in _one_line(missing.stderr)
    neither = lia("conversation", "reply", cid, "--as", "bia")
    assert neither.exit_code == 2
    assert "text" in _one_line(neither.stderr)
    unknown = lia("conversation", "reply", cid, "--template", "nada", "--as", "bia")
    assert unknown.exit_code == 2
    assert "nada" in _one_line(unknown.stderr)


def test_a_note_queues_nothing(lia: CliHarness) -> None:
    """A note lands on the ticket's timeline and no job is queued."""
    cid = _conversation(lia)
    _staff(lia)
    before = _jobs(lia)
    note = lia.json("conversation", "note", cid, "--text", "ligar amanhã", "--as", "bia")
    assert (note["text"], note["by"]) == ("ligar amanhã", "bia")
    assert _jobs(lia) == before
    ticket = lia.json("ticket", "show", note["ticket_id"])
    assert ticket["timeline"][-1]["kind"] == "private_note"
    shown = lia.ok("conversation", "show", cid).stdout
    notes = shown.split(f"Private notes (ticket {note['ticket_id']}, never sent)\n")[1]
    assert "bia: ligar amanhã" in notes


def test_templates_from_create_to_delete(lia: CliHarness) -> None:
    """Create, list, show, update (stale --version refused), preview, reply with it, delete."""
    cid = _conversation(lia)
    _staff(lia)
    body = "Olá {{contact.first_name}}, aqui é {{agent.name}}."
    created = lia.json("template", "create", "oi", "--title", "Oi", "--body", body)
    assert created["variables"] == ["contact.first_name", "agent.name"]
    bad = lia("template", "create", "x", "--title", "X", "--body", "Oi {{cliente}}")
    assert bad.exit_code == 2
    assert "unknown variable" in _one_line(bad.stderr)
    assert [t["key"] for t in lia.json("template", "list")["items"]] == ["oi"]
    assert "Olá {{contact.first_name}}" in lia.ok("template", "show", "oi").stdout
    updated = lia.json("template", "update", "oi", "--title", "Oi!", "--version", "1")
    assert (updated["version"], updated["body"]) == (2, body)
    stale = lia("template", "update", "oi", "--title", "x", "--version", "1")
    assert stale.exit_code == 1
    preview = lia.json("template", "preview", "oi", "--conversation", cid, "--as", "bia")
    assert preview["text"] == "Olá Maria, aqui é Bia Souza."
    sent = lia.json("conversation", "reply", cid, "--template", "oi", "--as", "bia")
    assert sent["message"]["text"] == "Olá Maria, aqui é Bia Souza."
    lia.ok("template", "delete", "oi")
    assert lia.json("template", "list")["items"] == []
    assert lia("template", "show", "oi").exit_code == 1


def test_reply_with_an_idempotency_key_is_queued_once(lia: CliHarness) -> None:
    """Run again with the same key and text: the reply already queued, no second job; another
    text under the key: one line naming --idempotency-key, exit 2."""
    cid = _conversation(lia)
    _staff(lia)
    before = _jobs(lia)
    args = ("conversation", "reply", cid, "--text", "Olá", "--as", "bia")
    first = lia.json(*args, "--idempotency-key", "turno-1")
    again = lia.ok(*args, "--idempotency-key", "turno-1").stdout
    assert f"reply {first['message']['id']} already queued under this key" in again
    assert _jobs(lia) == before + 1
    other = lia(
        "conversation",
        "reply",
        cid,
        "--text",
        "Outra",
        "--as",
        "bia",
        "--idempotency-key",
        "turno-1",
    )
    assert other.exit_code == 2
    line = _one_line(other.stderr)
    assert "--idempotency-key" in line
    assert "turno-1" in line
    bad = lia(*args, "--idempotency-key", "com espaço")
    assert bad.exit_code == 2
    assert "--idempotency-key" in _one_line(bad.stderr)
    assert _jobs(lia) == before + 1


def test_template_with_whatsapp_header_and_buttons(lia: CliHarness) -> None:
    """--whatsapp-header and --whatsapp-button are saved and shown; update keeps them unless
    given again or --no-whatsapp-parts; a bad one names its flag."""
    lia.ok("template", "create", "fatura", "--title", "Fatura", "--body", "Olá",
           "--whatsapp-template", "fatura_pronta",
           "--whatsapp-header", "document:https://isp.example/f/{{ticket.id}}.pdf",
           "--whatsapp-header-filename", "fatura.pdf",
           "--whatsapp-button", "url:0:boleto/{{ticket.id}}")  # fmt: skip
    shown = lia.ok("template", "show", "fatura").stdout
    assert "document:https://isp.example/f/{{ticket.id}}.pdf (fatura.pdf)" in shown
    assert "url:0:boleto/{{ticket.id}}" in shown
    kept = lia.json("template", "update", "fatura", "--title", "Fatura de maio")
    assert kept["whatsapp_buttons"] == [
        {"type": "url", "index": 0, "value": "boleto/{{ticket.id}}"}
    ]
    cleared = lia.json("template", "update", "fatura", "--no-whatsapp-parts")
    assert (cleared["whatsapp_header"], cleared["whatsapp_buttons"]) == (None, [])
    bad = lia("template", "update", "fatura", "--whatsapp-button", "url:0:{{cliente}}")
    assert bad.exit_code == 2
    assert "--whatsapp-button" in _one_line(bad.stderr)


def test_preview_shows_the_whatsapp_header_and_buttons_filled(lia: CliHarness) -> None:
    """`lia template preview` prints the body, then the approved template's header and
    buttons filled for the conversation, each with its empty variables (a blank one: the
    template would be refused); --json carries them per part."""
    cid = _conversation(lia)
    lia.ok("user", "create", "--username", "sara", "--role", "SUPERVISOR",
           env={"LIA_PASSWORD": "senha-segura-1"})  # fmt: skip
    lia.ok("template", "create", "fatura", "--title", "Fatura", "--body", "Olá {{contact.first_name}}",
           "--whatsapp-template", "fatura_pronta",
           "--whatsapp-header", "document:https://isp.example/f/{{ticket.id}}.pdf",
           "--whatsapp-header-filename", "fatura.pdf",
           "--whatsapp-button", "url:0:c/{{conversation.id}}",
           "--whatsapp-button", "quick_reply:1:{{ticket.id}}")  # fmt: skip
    ticket_id = lia.json("conversation", "show", cid)["ticket_id"]
    args = ("template", "preview", "fatura", "--conversation", cid, "--as", "sara")
    assert lia.ok(*args).stdout.splitlines() == [
        "Olá Maria",
        "after the 24-hour window, as WhatsApp template fatura_pronta:",
        f"  header (document): https://isp.example/f/{ticket_id}.pdf (fatura.pdf)",
        f"  button 0 (url): c/{cid}",
        f"  button 1 (quick_reply): {ticket_id}",
    ]
    lia.ok("ticket", "resolve", ticket_id)
    assert lia.ok(*args).stdout.splitlines() == [
        "Olá Maria",
        "after the 24-hour window, as WhatsApp template fatura_pronta:",
        "  header (document): https://isp.example/f/.pdf (fatura.pdf)",
        "  warning: empty in the header (document): ticket.id",
        f"  button 0 (url): c/{cid}",
        "  button 1 (quick_reply): ",
        "  warning: the button 1 (quick_reply) is empty here: the template would be refused",
    ]
    doc = lia.json(*args)
    assert (doc["whatsapp_header"]["empty"], doc["whatsapp_buttons"][1]["empty"]) == (
        ["ticket.id"],
        ["ticket.id"],
    )


def test_conversation_show_says_who_holds_it(lia: CliHarness) -> None:
    """The conversation's ticket and its place at the desk: in its queue, then held by the
    agent who claimed it (text and JSON) — an API/CLI user had no way to see the holder."""
    cid = _conversation(lia)
    _staff(lia)
    waiting = lia.ok("conversation", "show", cid).stdout
    assert "waiting in the support queue since" in waiting
    claimed = lia.ok("conversation", "claim", cid, "--as", "bia").stdout
    assert claimed == f"conversation {cid}: assigned, held by bia (support)\n"
    held = lia.ok("conversation", "show", cid).stdout
    assert "held by bia (support)" in held
    doc = lia.json("conversation", "show", cid)
    assert (doc["assignment"]["assignee"], doc["assignment"]["state"]) == ("bia", "assigned")
    assert doc["ticket_id"]
    assert doc["ticket_id"] in held
