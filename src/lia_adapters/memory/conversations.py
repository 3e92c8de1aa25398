"""In-memory contacts, conversations, messages and receipts, staged like the SQL ones."""

from __future__ import annotations

import copy
from collections.abc import Collection, Mapping, Sequence
from datetime import datetime

import attrs

from lia_adapters.memory._tables import ConversationTables, Staging
from lia_core.domain.conversations import (
    Contact,
    Conversation,
    ConversationStatus,
    Direction,
    OutboundRef,
    PendingInbound,
    StoredMessage,
    outbound_status,
)
from lia_core.domain.delivery import Channel, OutboundJob
from lia_core.domain.inbound import InboundMessage, MessageStatus, StatusUpdate
from lia_core.domain.recipients import ContactKey
from lia_core.errors import ConcurrencyConflict, NotFound
from lia_core.ports import ChatKey

__all__ = [
    "InMemoryContactRepository",
    "InMemoryConversationRepository",
    "InMemoryMessageRepository",
]


def _chat(pending: PendingInbound) -> tuple[Channel, str]:
    return pending.message.channel, pending.message.reply_to


def _view(uow: Staging) -> ConversationTables:
    merged = ConversationTables()
    merged.merge(uow.store.conversation_tables)
    merged.merge(uow.staged.conversation_tables)
    return merged


def _with_status(row: StoredMessage, job: OutboundJob, view: ConversationTables) -> StoredMessage:
    """An outbound message with its job's state and the provider's latest receipt."""
    receipt = (
        view.receipts.get((job.channel, job.provider_message_id))
        if job.provider_message_id
        else None
    )
    return attrs.evolve(
        row,
        provider_message_id=job.provider_message_id,
        status=outbound_status(job.status, receipt.status if receipt else None),
        status_at=receipt.at if receipt else job.updated_at,
        error=receipt.error if receipt else None,
    )


class InMemoryContactRepository:
    """Contacts by phone."""

    def __init__(self, uow: Staging) -> None:
        self._uow = uow

    async def get(self, phone: ContactKey) -> Contact:
        """A copy of one contact."""
        try:
            return copy.deepcopy(_view(self._uow).contacts[phone])
        except KeyError:
            raise NotFound(entity="contact", entity_id=str(phone)) from None

    async def get_many(self, phones: Collection[ContactKey]) -> Mapping[ContactKey, Contact]:
        """Copies of the known ones."""
        known = _view(self._uow).contacts
        return {p: copy.deepcopy(known[p]) for p in phones if p in known}

    async def save_many(self, contacts: Sequence[Contact]) -> None:
        """Stage them (insert or replace)."""
        for contact in contacts:
            self._uow.staged.conversation_tables.contacts[contact.phone] = copy.deepcopy(contact)


class InMemoryConversationRepository:
    """Conversations, unique per channel and chat id."""

    def __init__(self, uow: Staging) -> None:
        self._uow = uow

    async def get(self, conversation_id: str) -> Conversation:
        """A copy of one conversation."""
        try:
            return copy.deepcopy(_view(self._uow).conversations[conversation_id])
        except KeyError:
            raise NotFound(entity="conversation", entity_id=conversation_id) from None

    async def get_many(self, chats: Collection[ChatKey]) -> Mapping[ChatKey, Conversation]:
        """Copies of the known ones."""
        wanted = set(chats)
        return {
            (c.channel, c.chat_id): copy.deepcopy(c)
            for c in _view(self._uow).conversations.values()
            if (c.channel, c.chat_id) in wanted
        }

    async def save_many(self, conversations: Sequence[Conversation]) -> None:
        """Stage new ones (version 0) and known ones still at their version, bumping it.

        A second conversation for a stored chat key is skipped (the unique index, as the
        SQL upsert keeps the first too), and a stored conversation keeps its chat key, as in
        SQL, where rewriting it could take another conversation's. The commit checks the
        versions again against what others committed meanwhile.

        Raises:
            ConcurrencyConflict: a known one changed since it was read, or a new one's id is
                stored.
        """
        stored = _view(self._uow).conversations
        existing = {(c.channel, c.chat_id): c.id for c in stored.values()}
        staged = self._uow.staged.conversation_tables
        for conversation in conversations:
            known = stored.get(conversation.id)
            if (known.version if known is not None else 0) != conversation.version:
                raise ConcurrencyConflict(entity="conversation", entity_id=conversation.id)
            row = copy.deepcopy(conversation)
            row.version += 1
            if known is not None:
                row.channel, row.chat_id = known.channel, known.chat_id
            if existing.setdefault((row.channel, row.chat_id), row.id) != row.id:
                continue  # another writer created it first; the SQL upsert keeps theirs too
            staged.read_versions.setdefault(row.id, conversation.version)
            staged.conversations[row.id] = row
            conversation.version = row.version

    async def list(
        self,
        *,
        status: ConversationStatus | None = None,
        contact_phone: str | None = None,
        limit: int = 50,
    ) -> Sequence[Conversation]:
        """Matching conversations, most recent message first."""
        chosen = [
            c
            for c in _view(self._uow).conversations.values()
            if (status is None or c.status is status)
            and (contact_phone is None or c.contact_phone == contact_phone)
        ]
        chosen.sort(key=lambda c: (c.last_message_at, c.id), reverse=True)
        return [copy.deepcopy(c) for c in chosen[:limit]]


class InMemoryMessageRepository:
    """Messages both ways and receipts; inbound unique per (channel, provider id)."""

    def __init__(self, uow: Staging) -> None:
        self._uow = uow

    async def add_inbound(
        self, messages: Sequence[tuple[str, InboundMessage]], *, stored_at: datetime
    ) -> Sequence[PendingInbound]:
        """Stage the messages not seen before."""
        view = _view(self._uow)
        known = {p.message.key for p in view.inbound.values()}
        staged = self._uow.staged.conversation_tables
        new: list[PendingInbound] = []
        for message_id, message in messages:
            if message.key in known:
                continue
            known.add(message.key)
            pending = PendingInbound(id=message_id, message=message, stored_at=stored_at)
            staged.inbound[message_id] = pending
            staged.messages[message_id] = StoredMessage(
                id=message_id,
                conversation_id=None,
                channel=message.channel,
                direction=Direction.INBOUND,
                contact_phone=str(message.sender),
                kind=message.kind,
                text=message.text,
                status=MessageStatus.RECEIVED,
                sent_at=message.sent_at,
                provider_message_id=message.provider_message_id,
                reply_id=message.reply_id,
                details=dict(message.details),
            )
            new.append(pending)
        return new

    async def unprocessed(self, *, stored_before: datetime, limit: int) -> Sequence[PendingInbound]:
        """Unhandled messages, oldest first."""
        view = _view(self._uow)
        waiting = [
            p
            for mid, p in view.inbound.items()
            if mid not in view.processed and p.stored_at < stored_before
        ]
        waiting.sort(key=lambda p: (p.stored_at, p.id))
        return waiting[:limit]

    async def claim_unprocessed(
        self, *, now: datetime, lease_until: datetime, limit: int
    ) -> Sequence[PendingInbound]:
        """Lease the oldest free messages of chats no live lease holds (at once, like a lock)."""
        view = _view(self._uow)
        leases = self._uow.store.conversation_tables.leases
        waiting = {mid: p for mid, p in view.inbound.items() if mid not in view.processed}
        live = {mid for mid in waiting if leases.get(mid, now) > now}
        held = {_chat(waiting[mid]) for mid in live}
        free = [p for mid, p in waiting.items() if mid not in live and _chat(p) not in held]
        free.sort(key=lambda p: (p.stored_at, p.message.sent_at, p.id))
        for pending in free[:limit]:
            leases[pending.id] = lease_until
        return free[:limit]

    async def mark_processed(self, handled: Mapping[str, str], *, at: datetime) -> None:
        """Stage the marks and attach the messages to their conversations."""
        view = _view(self._uow)
        staged = self._uow.staged.conversation_tables
        for message_id, conversation_id in handled.items():
            staged.processed[message_id] = at
            if (row := view.messages.get(message_id)) is not None:
                staged.messages[message_id] = attrs.evolve(row, conversation_id=conversation_id)

    async def add_outbound(self, messages: Sequence[StoredMessage]) -> int:
        """Stage replies whose job key is new."""
        keys = {m.job_key for m in _view(self._uow).messages.values() if m.job_key}
        added = 0
        for message in messages:
            if message.job_key is not None:
                if message.job_key in keys:
                    continue
                keys.add(message.job_key)
            self._uow.staged.conversation_tables.messages[message.id] = message
            added += 1
        return added

    async def for_conversation(
        self, conversation_id: str, *, limit: int
    ) -> Sequence[StoredMessage]:
        """The last messages, oldest first, outbound statuses from jobs and receipts."""
        view = _view(self._uow)
        jobs = {
            j.idempotency_key: j for j in {**self._uow.store.jobs, **self._uow.staged.jobs}.values()
        }
        rows = sorted(
            (m for m in view.messages.values() if m.conversation_id == conversation_id),
            key=lambda m: (m.sent_at, m.id),
        )[-limit:]
        shown: list[StoredMessage] = []
        for row in rows:
            job = jobs.get(row.job_key) if row.job_key else None
            if row.direction is Direction.INBOUND or job is None:
                shown.append(row)
                continue
            shown.append(_with_status(row, job, view))
        return shown

    async def outbound_by_job_key(self, job_key: str) -> StoredMessage | None:
        """The outbound message of the job with *job_key*, with its current status."""
        view = _view(self._uow)
        jobs = [
            j
            for j in {**self._uow.store.jobs, **self._uow.staged.jobs}.values()
            if j.idempotency_key == job_key
        ]
        row = next((m for m in view.messages.values() if m.job_key == job_key), None)
        if row is None or not jobs:
            return None
        return _with_status(row, jobs[0], view)

    async def last_inbound_at(self, conversation_id: str) -> datetime | None:
        """The latest provider timestamp of the conversation's inbound messages, or None."""
        return max(
            (
                m.sent_at
                for m in _view(self._uow).messages.values()
                if m.conversation_id == conversation_id and m.direction is Direction.INBOUND
            ),
            default=None,
        )

    async def outbound_refs(
        self,
        *,
        job_keys: Sequence[str] = (),
        provider_ids: Sequence[tuple[Channel, str]] = (),
    ) -> Sequence[OutboundRef]:
        """Messages joined to their jobs by job key; by key, or by the jobs' provider ids."""
        view = _view(self._uow)
        jobs = {
            j.idempotency_key: j for j in {**self._uow.store.jobs, **self._uow.staged.jobs}.values()
        }
        keys, pids = set(job_keys), set(provider_ids)
        found: list[OutboundRef] = []
        for message in view.messages.values():
            job = jobs.get(message.job_key) if message.job_key else None
            if job is None:
                continue
            sent_as = (job.channel, job.provider_message_id or "")
            if job.idempotency_key in keys or (job.provider_message_id and sent_as in pids):
                found.append(
                    OutboundRef(
                        message_id=message.id,
                        conversation_id=message.conversation_id,
                        job_key=job.idempotency_key,
                        channel=job.channel,
                        provider_message_id=job.provider_message_id,
                    )
                )
        return found

    async def record_receipts(self, updates: Sequence[StatusUpdate]) -> Sequence[StatusUpdate]:
        """Stage receipts that move a status forward; return those that moved one."""
        view = _view(self._uow)
        best: dict[tuple[Channel, str], StatusUpdate] = {}
        for update in updates:  # like the SQL upsert, which may touch a row once per statement
            seen = best.get((update.channel, update.provider_message_id))
            if seen is None or update.status.rank > seen.status.rank:
                best[(update.channel, update.provider_message_id)] = update
        changed: list[StatusUpdate] = []
        for update in best.values():
            key = (update.channel, update.provider_message_id)
            seen = view.receipts.get(key)
            if seen is None or update.status.rank > seen.status.rank:
                view.receipts[key] = self._uow.staged.conversation_tables.receipts[key] = update
                changed.append(update)
        return changed
