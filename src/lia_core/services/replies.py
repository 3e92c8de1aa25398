"""Agents' messages: a reply through the outbox, a private note, the welcome on assignment.

A reply is a job and an outbound message written in one transaction (PENDING until the
provider confirms; receipts move it to SENT, DELIVERED, READ). On WhatsApp, a free text
after the 24-hour customer-service window is refused before anything is queued; a canned
response that names an approved WhatsApp template goes out as that template instead.
A private note goes on the timeline of the conversation's open ticket: it never makes a job.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from datetime import datetime, timedelta

import attrs

from lia_core.assignment import record_first_human_reply
from lia_core.desk.commands import Note
from lia_core.desk.events import ticket_updated
from lia_core.desk.service import Desk
from lia_core.domain.activity import Actor
from lia_core.domain.canned import AGENT_WELCOME, MAX_BODY_CHARS, CannedResponse, RenderedResponse
from lia_core.domain.conversations import Conversation, Direction, StoredMessage
from lia_core.domain.delivery import Channel, JobContext, JobName, MessageContent, OutboundJob
from lia_core.domain.inbound import MessageKind, MessageStatus
from lia_core.domain.jobs import new_job
from lia_core.domain.recipients import parse_recipient
from lia_core.domain.service_window import WHATSAPP_WINDOW, WindowClosed, service_window
from lia_core.domain.template_parts import TemplateButton, TemplateHeader
from lia_core.domain.tickets import EventKind, Ticket
from lia_core.domain.users import User
from lia_core.errors import (
    ConcurrencyConflict,
    IdempotencyKeyReused,
    NoLiveTicket,
    NotFound,
    OutsideServiceWindow,
    ValidationError,
)
from lia_core.ports import Clock, IdGenerator, UnitOfWork, UnitOfWorkFactory
from lia_core.services.activity import record
from lia_core.services.canned import check_author, conversation_values, holder_of, live_ticket
from lia_core.validation import require_text

__all__ = ["Replies", "Reply", "ReplySent"]

_ATTEMPTS = 3
"""Tries of one reply while the SLA monitor saves the same ticket (each re-reads it)."""
_KEY = re.compile(r"^[!-~]{1,255}$")
"""An idempotency key: 1-255 visible ASCII characters (no spaces)."""
_REQUEST = "idempotency_request"
"""The detail of a keyed reply's message holding its request's fingerprint."""


@attrs.frozen(kw_only=True)
class Reply:
    """What an agent sends: free text, or the key of a canned response (exactly one)."""

    conversation_id: str
    text: str | None = None
    template: str | None = None
    idempotency_key: str | None = None
    """The client's key for this reply: sent again with the same request, the reply already
    queued is answered (nothing is queued twice); with another request, refused."""

    def __attrs_post_init__(self) -> None:
        given = [f for f in ("text", "template") if (getattr(self, f) or "").strip()]
        if len(given) != 1:
            raise ValidationError("give either a text or a template (one of them)", field="text")
        if self.text is not None and len(self.text) > MAX_BODY_CHARS:
            raise ValidationError(f"must have at most {MAX_BODY_CHARS} characters", field="text")
        if self.idempotency_key is not None and not _KEY.match(self.idempotency_key):
            raise ValidationError(
                "must be 1-255 visible ASCII characters (no spaces)", field="idempotency_key"
            )

    def fingerprint(self) -> str:
        """What identifies the request under its key: the conversation and the content."""
        raw = json.dumps([self.conversation_id, self.text, self.template], ensure_ascii=False)
        return hashlib.sha256(raw.encode()).hexdigest()


@attrs.frozen(kw_only=True)
class ReplySent:
    """The queued reply: its message (PENDING), its job, and what the template left empty."""

    message: StoredMessage
    job: OutboundJob
    template: str | None = None
    """The canned response used, if any."""
    whatsapp_template: str | None = None
    """The approved WhatsApp template it went out as (outside the window), if any."""
    empty: tuple[str, ...] = ()
    """Variables of the canned response that had no value."""
    created: bool = True
    """False: the reply queued earlier under the request's idempotency key, answered again."""


@attrs.frozen(kw_only=True)
class _Composed:
    content: MessageContent
    shown: str
    """What the conversation shows as sent."""
    template: str | None = None
    whatsapp_template: str | None = None
    empty: tuple[str, ...] = ()


@attrs.frozen
class Replies:
    """Replies, notes and the agent welcome; each write commits with its audit entry."""

    uow: UnitOfWorkFactory
    clock: Clock
    ids: IdGenerator
    desk: Desk
    reply_channels: Mapping[Channel, Channel] = attrs.field(factory=dict)
    """Where replies to a channel go (a channel without a configured sender → sandbox)."""
    window: timedelta = WHATSAPP_WINDOW

    async def reply(self, request: Reply, *, author: User, actor: Actor) -> ReplySent:
        """Queue *request* in its conversation as *author*.

        Raises NotFound (the conversation), NotPermitted (an agent outside its department),
        ValidationError (blank text, unknown template: field ``text`` / ``template``),
        OutsideServiceWindow (a free text after WhatsApp's window closed).
        """
        attempt = 0
        while True:
            attempt += 1
            try:
                return await self._reply_once(request, author=author, actor=actor)
            except ConcurrencyConflict:
                if attempt >= _ATTEMPTS:
                    raise

    async def _reply_once(self, request: Reply, *, author: User, actor: Actor) -> ReplySent:
        now = self.clock.now()
        async with self.uow() as uow:
            conversation = await uow.conversations.get(request.conversation_id)
            ticket = await live_ticket(uow, conversation.id)
            check_author(
                author, conversation.id, ticket, holder=await holder_of(uow, conversation.id)
            )
            key = None
            if request.idempotency_key is not None:
                key = f"agent-reply:{author.username}:{request.idempotency_key}"
                replayed = await _replayed(uow, key, request)
                if replayed is not None:
                    return replayed
            canned = await self._canned(uow, request.template) if request.template else None
            composed = await self._compose(
                uow, conversation, ticket, author, text=request.text, canned=canned, now=now
            )
            sent = await self._queue(
                uow,
                conversation,
                composed,
                source="agent-reply",
                now=now,
                key=key,
                request=request.fingerprint() if key is not None else None,
            )
            # The holder's first reply stops the assignment's return timer.
            await record_first_human_reply(uow, conversation.id, author.username, at=now)
            if ticket is not None:
                replied = ticket.record(
                    EventKind.HUMAN_PUBLIC_REPLY,
                    at=now,
                    by=author.username,
                    data={"message_id": sent.message.id},
                )
                settled = await self.desk.revisit(uow, replied, now=now)
                uow.events.publish(ticket_updated(settled.ticket, settled.index, at=now))
            await record(
                uow,
                self.ids,
                actor,
                at=now,
                action="conversation.reply",
                entity="conversation",
                entity_id=conversation.id,
                to_state=MessageStatus.PENDING.value,
                details=_details(sent, ticket),
            )
            await uow.commit()
        return sent

    async def note(self, conversation_id: str, text: str, *, author: User, actor: Actor) -> Ticket:
        """Add a private note on the conversation's open ticket; no message, no job.

        Raises NotFound, NotPermitted, NoLiveTicket, ValidationError (blank text).
        """
        require_text(text, "text")
        async with self.uow() as uow:
            conversation = await uow.conversations.get(conversation_id)
            ticket = await live_ticket(uow, conversation.id)
            holder = await holder_of(uow, conversation.id)
        check_author(author, conversation.id, ticket, holder=holder)
        if ticket is None:
            raise NoLiveTicket(conversation_id=conversation.id)
        # Checked above (its holder may note outside their departments): no second check.
        return await self.desk.act(ticket.id, Note(text=text), actor)

    async def welcome(
        self,
        uow: UnitOfWork,
        conversation_id: str,
        agent: str,
        actor: Actor,
        *,
        now: datetime,
    ) -> ReplySent | None:
        """Queue the `agent_welcome` canned response in *uow* for *agent*'s new conversation.

        None when no such response exists, when the conversation or the account is unknown,
        or when WhatsApp's window is closed and the response names no approved template: an
        assignment never fails for its welcome. The caller commits.
        """
        try:
            canned = await uow.canned_responses.get(AGENT_WELCOME)
            conversation = await uow.conversations.get(conversation_id)
            user = await uow.users.get_by_username(agent)
        except NotFound:
            return None
        ticket = await live_ticket(uow, conversation.id)
        try:
            composed = await self._compose(
                uow, conversation, ticket, user, text=None, canned=canned, now=now
            )
        except (OutsideServiceWindow, ValidationError):  # closed window, or nothing to send
            return None
        sent = await self._queue(uow, conversation, composed, source="agent-welcome", now=now)
        await record(
            uow,
            self.ids,
            actor,
            at=now,
            action="conversation.welcome",
            entity="conversation",
            entity_id=conversation.id,
            to_state=MessageStatus.PENDING.value,
            details={**_details(sent, ticket), "agent": user.username},
        )
        return sent

    async def send_welcome(
        self, conversation_id: str, agent_username: str, actor: Actor
    ) -> ReplySent | None:
        """The welcome of `agent_username`'s newly assigned conversation, in its own transaction."""
        now = self.clock.now()
        async with self.uow() as uow:
            sent = await self.welcome(
                uow, conversation_id, agent_username.strip().lower(), actor, now=now
            )
            if sent is not None:
                await uow.commit()
        return sent

    async def _canned(self, uow: UnitOfWork, key: str) -> CannedResponse:
        try:
            return await uow.canned_responses.get(key.strip().lower())
        except NotFound:
            raise ValidationError(
                f"no template {key.strip()!r} (see `lia template list`)", field="template"
            ) from None

    async def _compose(
        self,
        uow: UnitOfWork,
        conversation: Conversation,
        ticket: Ticket | None,
        author: User,
        *,
        text: str | None,
        canned: CannedResponse | None,
        now: datetime,
    ) -> _Composed:
        """The content to send, checked against the channel's service window."""
        last_inbound = await uow.messages.last_inbound_at(conversation.id)
        window = service_window(conversation.channel, last_inbound, now=now, length=self.window)
        if canned is None:
            body = require_text(text or "", "text")
            if isinstance(window, WindowClosed):
                raise OutsideServiceWindow(
                    conversation_id=conversation.id, closed_at=window.closed_at
                )
            return _Composed(content=MessageContent(text=body), shown=body)
        filled = canned.render(conversation_values(conversation, agent=author, ticket=ticket))
        rendered = filled.body
        if isinstance(window, WindowClosed):
            if canned.whatsapp_template is None:
                raise OutsideServiceWindow(
                    conversation_id=conversation.id, closed_at=window.closed_at
                )
            header, buttons, empty = _parts(canned, filled)
            content = MessageContent(
                template=canned.whatsapp_template,
                template_language=canned.whatsapp_language,
                params=rendered.params,
                header=header,
                buttons=buttons,
            )
            return _Composed(
                content=content,
                shown=rendered.text,
                template=canned.key,
                whatsapp_template=canned.whatsapp_template,
                empty=tuple(dict.fromkeys((*rendered.empty, *empty))),
            )
        if not rendered.text.strip():
            raise ValidationError(
                f"template {canned.key!r} renders to nothing in this conversation "
                f"(empty: {', '.join(rendered.empty)})",
                field="template",
            )
        return _Composed(
            content=MessageContent(text=rendered.text),
            shown=rendered.text,
            template=canned.key,
            empty=rendered.empty,
        )

    async def _queue(
        self,
        uow: UnitOfWork,
        conversation: Conversation,
        composed: _Composed,
        *,
        source: str,
        now: datetime,
        key: str | None = None,
        request: str | None = None,
    ) -> ReplySent:
        """Write the job and its PENDING message in *uow* (the dispatcher says `message.sent`).

        *key*: the job's idempotency key (default: one of its own); a key queued meanwhile by
        a concurrent request raises ConcurrencyConflict (the retry answers it). *request*: the
        fingerprint kept on the message, with what a replay answers.
        """
        channel = self.reply_channels.get(conversation.channel, conversation.channel)
        message_id = self.ids.new_id()
        job = new_job(
            job_id=self.ids.new_id(),
            job_name=JobName.for_channel(channel),
            channel=channel,
            recipient=parse_recipient(conversation.chat_id, channel=channel),
            content=composed.content,
            context=JobContext(source=source, correlation_id=conversation.id),
            idempotency_key=key or f"{source}:{message_id}",
            now=now,
        )
        details: dict[str, str] = {}
        if request is not None:
            details = {_REQUEST: request, "empty": ",".join(composed.empty)}
            if composed.template is not None:
                details["template"] = composed.template
            if composed.whatsapp_template is not None:
                details["whatsapp_template"] = composed.whatsapp_template
        message = StoredMessage(
            id=message_id,
            conversation_id=conversation.id,
            channel=channel,
            direction=Direction.OUTBOUND,
            contact_phone=conversation.contact_phone,
            kind=MessageKind.TEXT,
            text=composed.shown,
            status=MessageStatus.PENDING,
            sent_at=now,
            details=details,
            job_key=job.idempotency_key,
        )
        if not await uow.outbox.add(job):
            raise ConcurrencyConflict(entity="reply", entity_id=job.idempotency_key)
        await uow.messages.add_outbound([message])
        return ReplySent(
            message=message,
            job=job,
            template=composed.template,
            whatsapp_template=composed.whatsapp_template,
            empty=composed.empty,
        )


def _parts(
    canned: CannedResponse, filled: RenderedResponse
) -> tuple[TemplateHeader | None, tuple[TemplateButton, ...], tuple[str, ...]]:
    """The canned response's header and button parameters filled for the conversation, and
    the variables that came out empty. One that renders to nothing cannot be sent: refused
    naming the template (ValidationError)."""
    blank = filled.blank_part
    if blank is not None:
        part, rendered = blank
        raise ValidationError(
            f"template {canned.key!r}: its WhatsApp {part} renders to nothing in this "
            f"conversation (empty: {', '.join(rendered.empty)})",
            field="template",
        )
    header = None
    if filled.header is not None:
        header = attrs.evolve(filled.header.header, value=filled.header.rendered.text)
    buttons = tuple(attrs.evolve(b.button, value=b.rendered.text) for b in filled.buttons)
    return header, buttons, filled.parts_empty


async def _replayed(uow: UnitOfWork, key: str, request: Reply) -> ReplySent | None:
    """The reply queued earlier under *key* (None: none yet), as it was answered then, with
    its message's current status. Raises IdempotencyKeyReused for another request."""
    try:
        job = await uow.outbox.get_by_key(key)
    except NotFound:
        return None
    message = await uow.messages.outbound_by_job_key(key)
    if message is None or message.details.get(_REQUEST) != request.fingerprint():
        raise IdempotencyKeyReused(request.idempotency_key or key)
    empty = message.details.get("empty", "")
    return ReplySent(
        message=message,
        job=job,
        template=message.details.get("template"),
        whatsapp_template=message.details.get("whatsapp_template"),
        empty=tuple(empty.split(",")) if empty else (),
        created=False,
    )


def _details(sent: ReplySent, ticket: Ticket | None) -> dict[str, str]:
    details = {"message_id": sent.message.id, "job_id": sent.job.id}
    if sent.template is not None:
        details["template"] = sent.template
    if sent.whatsapp_template is not None:
        details["whatsapp_template"] = sent.whatsapp_template
    if ticket is not None:
        details["ticket_id"] = ticket.id
    return details
