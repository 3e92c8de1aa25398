"""The rows the fakes keep: committed in an `InMemoryStore`, staged by a unit of work.

Every repository of the fake reads the committed rows overlaid with those its unit of work
staged, and writes only staged rows; the commit checks versions, then applies them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

import attrs

from lia_adapters.memory._assignment_rows import AssignmentTables
from lia_adapters.memory._gamification_rows import GamificationTables
from lia_adapters.memory._login_failure_rows import LoginFailureOp, replay
from lia_adapters.memory._nps_rows import NpsTables
from lia_core.desk.index import TicketIndex
from lia_core.desk.policy import DeskPolicyRevision
from lia_core.domain.activity import Activity
from lia_core.domain.canned import CannedResponse
from lia_core.domain.conversations import Contact, Conversation, PendingInbound, StoredMessage
from lia_core.domain.delivery import Channel, DeadLetter, OutboundJob
from lia_core.domain.failures import MassiveFailure
from lia_core.domain.inbound import StatusUpdate
from lia_core.domain.login_throttle import FailedLogins
from lia_core.domain.notices import FailureNotice, NoticeKind
from lia_core.domain.recipients import ContactKey
from lia_core.domain.regions import NamedRegion
from lia_core.domain.tickets import Ticket
from lia_core.domain.users import User
from lia_core.errors import AlreadyExists, ConcurrencyConflict
from lia_core.handoff.session import BotSession, HandoffEntry
from lia_core.ports import ReprocessAudit

__all__ = ["ConversationTables", "Staging", "StoredTicket", "Tables"]


@attrs.frozen(kw_only=True)
class StoredTicket:
    """A ticket row: the ticket (its version as saved), its index, and the version read."""

    ticket: Ticket
    index: TicketIndex
    updated_at: datetime
    read_version: int
    """Staged only: the version the unit of work read (0: added by it)."""


@attrs.define
class ConversationTables:
    """The committed (or staged) rows of the inbound pipeline."""

    contacts: dict[ContactKey, Contact] = attrs.field(factory=dict)
    conversations: dict[str, Conversation] = attrs.field(factory=dict)
    messages: dict[str, StoredMessage] = attrs.field(factory=dict)
    inbound: dict[str, PendingInbound] = attrs.field(factory=dict)
    processed: dict[str, datetime] = attrs.field(factory=dict)
    receipts: dict[tuple[Channel, str], StatusUpdate] = attrs.field(factory=dict)
    redacted: dict[str, datetime] = attrs.field(factory=dict)
    """Inbound messages whose content a retention purge blanked, and when."""
    blank_previews: dict[str, datetime] = attrs.field(factory=dict)
    """Staged only: conversations whose preview a purge blanks if still older than the cutoff
    at commit (one column, as the SQL update: a newer message's preview is kept)."""
    leases: dict[str, datetime] = attrs.field(factory=dict)
    """Committed only: stored messages leased to a gate worker, and until when."""
    read_versions: dict[str, int] = attrs.field(factory=dict)
    """Staged only: the version each staged conversation had when read (0: new)."""

    def check_versions(self, staged: ConversationTables) -> None:
        """Raise ConcurrencyConflict if a staged conversation was committed by another since read."""
        for cid, read in staged.read_versions.items():
            current = self.conversations.get(cid)
            if (current.version if current is not None else 0) != read:
                raise ConcurrencyConflict(entity="conversation", entity_id=cid)

    def merge(self, staged: ConversationTables) -> None:
        """Apply staged rows, keeping the database's unique keys and receipt ranks.

        Units of work that overlap stage against the same committed rows; at commit the
        later one loses a chat key, a provider message id or a job key to the earlier,
        and cannot lower a receipt, as the SQL unique indexes and upserts decide.
        """
        self.contacts.update(staged.contacts)
        chats = {(c.channel, c.chat_id): c.id for c in self.conversations.values()}
        for cid, conversation in staged.conversations.items():
            if chats.setdefault((conversation.channel, conversation.chat_id), cid) == cid:
                self.conversations[cid] = conversation
        keys = {p.message.key: mid for mid, p in self.inbound.items()}
        jobs = {m.job_key: mid for mid, m in self.messages.items() if m.job_key}
        for mid, message in staged.messages.items():
            pending = staged.inbound.get(mid)
            taken = (
                keys.setdefault(pending.message.key, mid) != mid
                if pending is not None
                else message.job_key is not None and jobs.setdefault(message.job_key, mid) != mid
            )
            if taken:
                continue
            self.messages[mid] = message
            if pending is not None:
                self.inbound[mid] = pending
        self.processed.update(staged.processed)
        for cid, before in staged.blank_previews.items():
            current = self.conversations.get(cid)
            if current is not None and current.last_message_at < before:
                self.conversations[cid] = attrs.evolve(current, last_message="")
        self.redacted.update(staged.redacted)
        for key, update in staged.receipts.items():
            seen = self.receipts.get(key)
            if seen is None or update.status.rank > seen.status.rank:
                self.receipts[key] = update


@attrs.define
class Tables:
    """Rows of every aggregate: a store's committed ones, or what one unit of work staged."""

    failures: dict[str, MassiveFailure] = attrs.field(factory=dict)
    regions: dict[str, NamedRegion] = attrs.field(factory=dict)
    removed_regions: set[str] = attrs.field(factory=set)
    """Staged only: regions deleted."""
    users: dict[str, User] = attrs.field(factory=dict)
    jobs: dict[str, OutboundJob] = attrs.field(factory=dict)
    purged_jobs: set[str] = attrs.field(factory=set)
    """Staged only: jobs (and their dead letters) a retention purge deleted."""
    dead_letters: dict[str, DeadLetter] = attrs.field(factory=dict)
    removed_dead_letters: set[str] = attrs.field(factory=set)
    """Staged only: dead letters deleted."""
    audit: list[ReprocessAudit] = attrs.field(factory=list)
    notices: dict[tuple[str, str, NoticeKind], FailureNotice] = attrs.field(factory=dict)
    conversation_tables: ConversationTables = attrs.field(factory=ConversationTables)
    tickets: dict[str, StoredTicket] = attrs.field(factory=dict)
    activity: dict[str, Activity] = attrs.field(factory=dict)
    purged_activity: set[str] = attrs.field(factory=set)
    """Staged only: audit rows a retention purge deleted."""
    desk_policies: dict[int, DeskPolicyRevision] = attrs.field(factory=dict)
    bot_sessions: dict[str, BotSession] = attrs.field(factory=dict)
    bot_read_versions: dict[str, int] = attrs.field(factory=dict)
    """Staged only: the version each staged bot session had when read (0: new)."""
    handoffs: dict[str, HandoffEntry] = attrs.field(factory=dict)
    canned: dict[str, CannedResponse] = attrs.field(factory=dict)
    removed_canned: set[str] = attrs.field(factory=set)
    """Staged only: canned responses deleted."""
    canned_read: dict[str, int] = attrs.field(factory=dict)
    """Staged only: the version of each canned response when read (0: added)."""
    assignment_tables: AssignmentTables = attrs.field(factory=AssignmentTables)
    nps_tables: NpsTables = attrs.field(factory=NpsTables)
    gamification: GamificationTables = attrs.field(factory=GamificationTables)
    login_failures: dict[str, FailedLogins] = attrs.field(factory=dict)
    """Committed only: failed sign-ins per key."""
    login_failure_ops: list[LoginFailureOp] = attrs.field(factory=list)
    """Staged only: failures and forgets, replayed on `login_failures` at commit."""
    revision: int = 0
    """Committed only: bumped by every commit that wrote a failure or region."""
    commits: int = 0
    """Committed only: how many units of work committed."""

    def check(self, staged: Tables) -> None:
        """Raise ConcurrencyConflict if a versioned row was committed by another since read."""
        for fid, failure in staged.failures.items():
            current = self.failures.get(fid)
            if current is not None and current.version != failure.version - 1:
                raise ConcurrencyConflict(entity="failure", entity_id=fid)
        self.conversation_tables.check_versions(staged.conversation_tables)
        for tid, row in staged.tickets.items():
            stored = self.tickets.get(tid)
            if (stored.ticket.version if stored is not None else 0) != row.read_version:
                raise ConcurrencyConflict(entity="ticket", entity_id=tid)
            # A monitor visit appends events without a new version: a save based on the
            # timeline before it must not drop them (SQL: the events' positions collide).
            kept = stored.ticket.timeline.events if stored is not None else ()
            if row.ticket.timeline.events[: len(kept)] != kept:
                raise ConcurrencyConflict(entity="ticket", entity_id=tid)
        for cid, read in staged.bot_read_versions.items():
            session = self.bot_sessions.get(cid)
            if (session.version if session is not None else 0) != read:
                raise ConcurrencyConflict(entity="bot session", entity_id=cid)
        for key, read in staged.canned_read.items():
            known = self.canned.get(key)
            if (known.version if known is not None else 0) != read:
                raise (
                    AlreadyExists(entity="template", entity_id=key)
                    if read == 0
                    else ConcurrencyConflict(entity="template", entity_id=key)
                )
        self.assignment_tables.check(staged.assignment_tables)
        self.nps_tables.check(staged.nps_tables)
        for number in staged.desk_policies:
            if number in self.desk_policies:  # the primary key of desk_policy_revisions
                raise AlreadyExists(entity="desk policy revision", entity_id=str(number))

    def apply(self, staged: Tables) -> None:
        """Commit *staged* into these rows (after `check`)."""
        if staged.failures or staged.regions or staged.removed_regions:
            self.revision += 1
        self.failures.update(staged.failures)
        for rid in staged.removed_regions:
            self.regions.pop(rid, None)
        self.regions.update(staged.regions)
        self.users.update(staged.users)
        self.jobs.update(staged.jobs)
        for job_id in staged.purged_jobs:
            self.jobs.pop(job_id, None)
            self.dead_letters.pop(job_id, None)
        for job_id in staged.removed_dead_letters:
            self.dead_letters.pop(job_id, None)
        self.dead_letters.update(staged.dead_letters)
        self.audit.extend(staged.audit)
        self.notices.update(staged.notices)
        self.conversation_tables.merge(staged.conversation_tables)
        self.tickets.update(staged.tickets)
        self.activity.update(staged.activity)
        for entry_id in staged.purged_activity:
            self.activity.pop(entry_id, None)
        self.desk_policies.update(staged.desk_policies)
        self.bot_sessions.update(staged.bot_sessions)
        for hid, entry in staged.handoffs.items():
            kept = self.handoffs.get(hid)
            if kept is None or kept.accepted_by is None:  # the first acceptance stays
                self.handoffs[hid] = entry
        for key in staged.removed_canned:
            self.canned.pop(key, None)
        self.canned.update(staged.canned)
        self.assignment_tables.merge(staged.assignment_tables)
        self.nps_tables.merge(staged.nps_tables)
        self.gamification.merge(staged.gamification)
        replay(self.login_failures, staged.login_failure_ops)
        self.commits += 1


class Staging(Protocol):
    """What a fake repository sees of its unit of work: the committed and the staged rows."""

    @property
    def store(self) -> Tables:
        """The committed rows."""
        ...

    @property
    def staged(self) -> Tables:
        """The rows this unit of work wrote, applied on commit."""
        ...
