"""Text renderings of contacts, conversations and messages (the ``--json`` forms are the schemas)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import tzinfo

from lia_core.domain.assignments import Assignment, AssignmentState
from lia_core.domain.conversations import Contact, Conversation, Direction, StoredMessage
from lia_core.domain.inbound import MessageKind
from lia_core.services.conversations import ContactDetails, ConversationDetails
from lia_entrypoints.cli.outbox import mask_phone
from lia_entrypoints.cli.output import fields, local_time, table

__all__ = ["ARROWS", "contact_details", "conversation_details", "conversation_table"]

ARROWS = {Direction.INBOUND: "←", Direction.OUTBOUND: "→"}
"""``←`` the customer wrote, ``→`` LIA (or an agent) replied."""


def _who(name: str, phone: str) -> str:
    return f"{name} ({phone})" if name else phone


def _outage(conversation: Conversation) -> str:
    return ", ".join(conversation.gate.outage_ids) or "-"


def _status(conversation: Conversation) -> str:
    reason = conversation.status_reason
    return f"{conversation.status.value} ({reason})" if reason else conversation.status.value


def conversation_table(
    conversations: Sequence[Conversation], tz: tzinfo, *, contact_columns: bool = True
) -> str:
    """One row per conversation; *contact_columns* adds the masked phone and the name."""
    who = ["CONTACT", "NAME"] if contact_columns else []
    headers = ["ID", "CHANNEL", *who, "STATUS", "OUTAGE", "LAST AT", "LAST MESSAGE"]
    rows = [
        [
            c.id,
            c.channel.value,
            *([mask_phone(c.contact_phone), c.client_name or "-"] if contact_columns else []),
            c.status.value,
            _outage(c),
            local_time(c.last_message_at, tz),
            " ".join(c.last_message.split()) or "-",  # one line, whatever the customer typed
        ]
        for c in conversations
    ]
    return table(headers, rows, widths={"ID": 36, "NAME": 24, "OUTAGE": 36, "LAST MESSAGE": 50})


def _address_block(contact: Contact, tz: tzinfo) -> str:
    if not contact.addresses:
        return "no address on file"
    source = contact.address_source or "unknown source"
    head = f"Addresses (from {source}, checked {local_time(contact.address_checked_at, tz)})"
    rows = [
        [
            a.contract_id or "-",
            " ".join(part for part in (a.street, a.number) if part) or "-",
            a.neighbourhood or "-",
            a.city or "-",
            a.state or "-",
            a.cep or "-",
        ]
        for a in contact.addresses
    ]
    return head + "\n" + table(["CONTRACT", "STREET", "BAIRRO", "CITY", "UF", "CEP"], rows)


def contact_details(details: ContactDetails, tz: tzinfo) -> str:
    """The contact, their addresses with source and check time, then their conversations."""
    contact = details.contact
    head = fields(
        [
            ("Contact", _who(contact.name, str(contact.phone))),
            ("CRM id", contact.crm_id or "-"),
            ("Document", contact.document or "-"),
            ("Last message", local_time(contact.last_interaction_at, tz)),
            ("First seen", local_time(contact.created_at, tz)),
        ]
    )
    talks = (
        "Conversations\n" + conversation_table(details.conversations, tz, contact_columns=False)
        if details.conversations
        else "no conversations"
    )
    return "\n\n".join([head, _address_block(contact, tz), talks])


def _message_text(message: StoredMessage) -> list[str]:
    lines = message.text.splitlines() or [""]
    if message.kind is not MessageKind.TEXT:
        lines[0] = f"[{message.kind.value}] {lines[0]}".rstrip()
    if message.error is not None:
        title = f": {message.error.title}" if message.error.title else ""
        lines.append(f"error {message.error.code}{title}")
    return lines


def _message_lines(messages: Sequence[StoredMessage], tz: tzinfo) -> list[str]:
    width = max(len(m.status.value) for m in messages)
    out: list[str] = []
    for message in messages:
        arrow = ARROWS[message.direction]
        prefix = (
            f"{local_time(message.sent_at, tz)}  {arrow}  {message.status.value.ljust(width)}  "
        )
        first, *rest = _message_text(message)
        out.append((prefix + first).rstrip())
        out.extend(" " * len(prefix) + line for line in rest)  # continuation lines stay aligned
    return out


def _desk(a: Assignment, tz: tzinfo) -> str:
    """Who holds it at the desk: an agent, an offer, its queue, or nobody (closed)."""
    match a.state:
        case AssignmentState.ASSIGNED:
            due = (
                f", returns {local_time(a.return_due_at, tz)} without a reply"
                if a.return_due_at
                else ""
            )
            return f"held by {a.assignee} ({a.department}){due}"
        case AssignmentState.OFFERED:
            return f"offered in {a.department} (offer {a.offer_id})"
        case AssignmentState.QUEUED:
            return f"waiting in the {a.department} queue since {local_time(a.waiting_since, tz)}"
        case AssignmentState.CLOSED:
            return f"off the desk (last held by {a.previous_assignee or 'nobody'})"


def conversation_details(details: ConversationDetails, tz: tzinfo, *, limit: int) -> str:
    """The conversation as a label/value block, then its messages oldest first."""
    c = details.conversation
    pairs = [
        ("Contact", _who(c.client_name, c.contact_phone)),
        ("Channel", f"{c.channel.value} (chat {c.chat_id})"),
        ("Status", _status(c)),
        ("Outage", f"answered by {_outage(c)}" if c.answered_by_outage else "no"),
    ]
    if c.gate.awaiting is not None:
        failed = f", {c.gate.attempts} not understood" if c.gate.attempts else ""
        pairs.append(("Awaiting", f"{c.gate.awaiting.value}{failed}"))
    if c.gate.escaped:
        pairs.append(("Escaped", "asked for a human while answered by the outage"))
    if details.ticket is not None:
        pairs.append(("Ticket", f"{details.ticket.id} ({details.ticket.status.value})"))
    if details.assignment is not None:
        pairs.append(("Desk", _desk(details.assignment, tz)))
    pairs += [
        ("Started", local_time(c.created_at, tz)),
        ("Last message", local_time(c.last_message_at, tz)),
    ]
    parts = [f"conversation {c.id}", fields(pairs), ""]
    if not details.messages:
        parts.append("no messages")
    else:
        parts += _message_lines(details.messages, tz)
        if len(details.messages) >= limit:
            parts.append(f"(the last {limit} messages; --limit for more)")
    if details.notes:
        parts += ["", f"Private notes (ticket {details.notes[0].ticket_id}, never sent)"]
        parts += [
            f"{local_time(n.at, tz)}  {n.by or '-'}: {' '.join(n.text.split())}"
            for n in details.notes
        ]
    return "\n".join(parts)
