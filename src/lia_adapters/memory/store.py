"""In-memory store and unit of work with the same semantics as the SQL ones.

Reads hand out copies, writes are staged and applied on commit, updates are version-checked,
so tests against the fake see the same isolation and conflicts as against a database.
"""

from __future__ import annotations

from types import TracebackType
from typing import Self

import attrs

from lia_adapters.memory._tables import Tables
from lia_adapters.memory.assignment import (
    InMemoryAgentRepository,
    InMemoryAssignmentRepository,
    InMemoryOfferRepository,
)
from lia_adapters.memory.audit import InMemoryActivityLog
from lia_adapters.memory.canned import InMemoryCannedResponseRepository
from lia_adapters.memory.conversations import (
    InMemoryContactRepository,
    InMemoryConversationRepository,
    InMemoryMessageRepository,
)
from lia_adapters.memory.delivery import (
    InMemoryDeadLetterRepository,
    InMemoryDlqAuditRepository,
    InMemoryNoticeRepository,
    InMemoryOutboxRepository,
)
from lia_adapters.memory.desk_policy import InMemoryDeskPolicyStore
from lia_adapters.memory.gamification import InMemoryGamificationRepository
from lia_adapters.memory.gauges import InMemoryStateGauges
from lia_adapters.memory.handoffs import InMemoryBotSessionRepository, InMemoryHandoffLedger
from lia_adapters.memory.login_failures import InMemoryLoginFailureLog
from lia_adapters.memory.nps import InMemoryFeedbackRepository, InMemorySurveyRepository
from lia_adapters.memory.outages import InMemoryFailureRepository, InMemoryRegionCatalogue
from lia_adapters.memory.overview import InMemoryOverviewQueries
from lia_adapters.memory.realtime import InProcessEventBus, StagedEvents
from lia_adapters.memory.reports import InMemoryReportQueries
from lia_adapters.memory.retention import InMemoryRetentionStore
from lia_adapters.memory.tickets import InMemoryTicketRepository
from lia_adapters.memory.users import InMemoryUserRepository

__all__ = ["InMemoryStore", "InMemoryUnitOfWork"]


@attrs.define
class InMemoryStore(Tables):
    """The committed state shared by every unit of work made from it."""

    bus: InProcessEventBus = attrs.field(factory=InProcessEventBus, kw_only=True)
    """Where committed units of work deliver their realtime events (`bus.delivered`)."""

    def unit_of_work(self) -> InMemoryUnitOfWork:
        """A fresh unit of work over this store (use as the `UnitOfWorkFactory`)."""
        return InMemoryUnitOfWork(self)


class InMemoryUnitOfWork:
    """Stages writes and applies them to the store on commit."""

    def __init__(self, store: InMemoryStore) -> None:
        self.store = store
        self.staged = Tables()
        self._failures = InMemoryFailureRepository(self)
        self._regions = InMemoryRegionCatalogue(self)
        self._users = InMemoryUserRepository(self)
        self._outbox = InMemoryOutboxRepository(self)
        self._dead_letters = InMemoryDeadLetterRepository(self)
        self._dlq_audit = InMemoryDlqAuditRepository(self)
        self._notices = InMemoryNoticeRepository(self)
        self._contacts = InMemoryContactRepository(self)
        self._conversations = InMemoryConversationRepository(self)
        self._messages = InMemoryMessageRepository(self)
        self._tickets = InMemoryTicketRepository(self)
        self._activity = InMemoryActivityLog(self)
        self._desk_policies = InMemoryDeskPolicyStore(self)
        self._events = StagedEvents()
        self._bot_sessions = InMemoryBotSessionRepository(self)
        self._handoffs = InMemoryHandoffLedger(self)
        self._canned_responses = InMemoryCannedResponseRepository(self)
        self._agents = InMemoryAgentRepository(self)
        self._assignments = InMemoryAssignmentRepository(self)
        self._offers = InMemoryOfferRepository(self)
        self._surveys = InMemorySurveyRepository(self)
        self._feedback = InMemoryFeedbackRepository(self)
        self._gamification = InMemoryGamificationRepository(self)
        self._overview = InMemoryOverviewQueries(self)
        self._gauges = InMemoryStateGauges(self)
        self._reports = InMemoryReportQueries(self)
        self._retention = InMemoryRetentionStore(self)
        self._login_failures = InMemoryLoginFailureLog(self)

    @property
    def failures(self) -> InMemoryFailureRepository:
        """Stored failures."""
        return self._failures

    @property
    def regions(self) -> InMemoryRegionCatalogue:
        """The region catalogue."""
        return self._regions

    @property
    def users(self) -> InMemoryUserRepository:
        """Staff accounts."""
        return self._users

    @property
    def outbox(self) -> InMemoryOutboxRepository:
        """Outbound jobs."""
        return self._outbox

    @property
    def dead_letters(self) -> InMemoryDeadLetterRepository:
        """Dead letters."""
        return self._dead_letters

    @property
    def dlq_audit(self) -> InMemoryDlqAuditRepository:
        """Reprocessing audit."""
        return self._dlq_audit

    @property
    def notices(self) -> InMemoryNoticeRepository:
        """Failure notices."""
        return self._notices

    @property
    def contacts(self) -> InMemoryContactRepository:
        """Contacts."""
        return self._contacts

    @property
    def conversations(self) -> InMemoryConversationRepository:
        """Conversations."""
        return self._conversations

    @property
    def messages(self) -> InMemoryMessageRepository:
        """Messages and receipts."""
        return self._messages

    @property
    def tickets(self) -> InMemoryTicketRepository:
        """Tickets and their timelines."""
        return self._tickets

    @property
    def activity(self) -> InMemoryActivityLog:
        """The audit log."""
        return self._activity

    @property
    def desk_policies(self) -> InMemoryDeskPolicyStore:
        """Desk-policy revisions."""
        return self._desk_policies

    @property
    def gamification(self) -> InMemoryGamificationRepository:
        """Gamification settings and runs."""
        return self._gamification

    @property
    def events(self) -> StagedEvents:
        """Realtime events, delivered to the store's bus when this unit of work commits."""
        return self._events

    @property
    def bot_sessions(self) -> InMemoryBotSessionRepository:
        """Bot sessions."""
        return self._bot_sessions

    @property
    def handoffs(self) -> InMemoryHandoffLedger:
        """The handoff ledger."""
        return self._handoffs

    @property
    def canned_responses(self) -> InMemoryCannedResponseRepository:
        """Canned responses."""
        return self._canned_responses

    @property
    def agents(self) -> InMemoryAgentRepository:
        """Agent profiles."""
        return self._agents

    @property
    def assignments(self) -> InMemoryAssignmentRepository:
        """Assignments and the queues."""
        return self._assignments

    @property
    def offers(self) -> InMemoryOfferRepository:
        """Offers."""
        return self._offers

    @property
    def surveys(self) -> InMemorySurveyRepository:
        """NPS surveys."""
        return self._surveys

    @property
    def overview(self) -> InMemoryOverviewQueries:
        """The console overview's counts."""
        return self._overview

    @property
    def feedback(self) -> InMemoryFeedbackRepository:
        """NPS answers and follow-ups."""
        return self._feedback

    @property
    def gauges(self) -> InMemoryStateGauges:
        """Counts of the stored state for `GET /metrics`."""
        return self._gauges

    @property
    def reports(self) -> InMemoryReportQueries:
        """The KPI reports, computed from the rows."""
        return self._reports

    @property
    def retention(self) -> InMemoryRetentionStore:
        """The retention purges."""
        return self._retention

    @property
    def login_failures(self) -> InMemoryLoginFailureLog:
        """Failed sign-ins per key."""
        return self._login_failures

    async def __aenter__(self) -> Self:
        """Start with nothing staged."""
        await self.rollback()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Discard whatever was not committed."""
        await self.rollback()

    async def commit(self) -> None:
        """Apply the staged writes, re-checking versions against what others committed."""
        self.store.check(self.staged)
        self.store.apply(self.staged)
        events = self._events.take()
        await self.rollback()
        self.store.bus.deliver(events)

    async def rollback(self) -> None:
        """Forget the staged writes and events."""
        self.staged = Tables()
        self._events.clear()
