"""Ports: what the core needs from the outside world, as Protocols that adapters implement.

`UnitOfWork` gathers the repositories of `ports.storage`, `ports.delivery`,
`ports.audit`, `ports.desk_policy`, `ports.canned`, `ports.assignment`, `ports.handoffs`,
`ports.nps`, `ports.gamification` and `ports.login_failures` in one transaction (and the overview's reads,
`ports.overview`, and the counts `/metrics` reads, `ports.gauges`, and the purges, `ports.retention`), and the realtime events
(`ports.realtime`) it publishes when it commits;
`ports.system` holds time, ids and hashing; `ports.rate_gate` the providers' shared rate caps.
"""

from __future__ import annotations

from types import TracebackType
from typing import Protocol, Self

from lia_core.ports.assignment import (
    AgentRepository,
    AssignmentRepository,
    InboxItem,
    InboxQuery,
    InboxSort,
    InboxTab,
    OfferRepository,
    QueueCounts,
)
from lia_core.ports.audit import ActivityLog
from lia_core.ports.canned import CannedResponseRepository
from lia_core.ports.conversations import (
    ChatKey,
    ContactRepository,
    ConversationRepository,
    ConversationRouter,
    MessageRepository,
    Routing,
)
from lia_core.ports.customers import CustomerDirectory, CustomerRoster, DirectoryUnavailable
from lia_core.ports.delivery import (
    AuditSink,
    DeadLetterFilter,
    DeadLetterRepository,
    DlqAuditRepository,
    MessageSender,
    NoticeRepository,
    OutboundMessage,
    OutboxRepository,
    ReprocessAudit,
)
from lia_core.ports.desk_policy import DeskPolicyStore
from lia_core.ports.gamification import GamificationRepository
from lia_core.ports.gauges import QueueGauge, StateCounts, StateGauges
from lia_core.ports.handoffs import BotSessionRepository, HandoffLedger
from lia_core.ports.login_failures import LoginFailureLog
from lia_core.ports.nps import FeedbackFilter, FeedbackRepository, SurveyRepository
from lia_core.ports.overview import DeskCounts, OverviewQueries
from lia_core.ports.rate_gate import RateGate
from lia_core.ports.realtime import EventFeed, EventListener, EventPublisher
from lia_core.ports.reports import ReportQueries
from lia_core.ports.retention import RetentionStore
from lia_core.ports.storage import FailureRepository, RegionCatalogue, UserRepository
from lia_core.ports.system import Clock, IdGenerator, PasswordHasher
from lia_core.ports.tickets import TicketFilter, TicketRepository, TicketSummary

__all__ = [
    "ActivityLog",
    "AgentRepository",
    "AssignmentRepository",
    "AuditSink",
    "BotSessionRepository",
    "CannedResponseRepository",
    "ChatKey",
    "Clock",
    "ContactRepository",
    "ConversationRepository",
    "ConversationRouter",
    "CustomerDirectory",
    "CustomerRoster",
    "DeadLetterFilter",
    "DeadLetterRepository",
    "DeskCounts",
    "DeskPolicyStore",
    "DirectoryUnavailable",
    "DlqAuditRepository",
    "EventFeed",
    "EventListener",
    "EventPublisher",
    "FailureRepository",
    "FeedbackFilter",
    "FeedbackRepository",
    "GamificationRepository",
    "HandoffLedger",
    "IdGenerator",
    "InboxItem",
    "InboxQuery",
    "InboxSort",
    "InboxTab",
    "LoginFailureLog",
    "MessageRepository",
    "MessageSender",
    "NoticeRepository",
    "OfferRepository",
    "OutboundMessage",
    "OutboxRepository",
    "OverviewQueries",
    "PasswordHasher",
    "QueueCounts",
    "QueueGauge",
    "RateGate",
    "RegionCatalogue",
    "ReportQueries",
    "ReprocessAudit",
    "RetentionStore",
    "Routing",
    "StateCounts",
    "StateGauges",
    "SurveyRepository",
    "TicketFilter",
    "TicketRepository",
    "TicketSummary",
    "UnitOfWork",
    "UnitOfWorkFactory",
    "UserRepository",
]


class UnitOfWork(Protocol):
    """One atomic transaction over the repositories; rolls back unless committed."""

    @property
    def failures(self) -> FailureRepository:
        """Stored failures."""
        ...

    @property
    def regions(self) -> RegionCatalogue:
        """The named-region catalogue."""
        ...

    @property
    def users(self) -> UserRepository:
        """Staff accounts."""
        ...

    @property
    def outbox(self) -> OutboxRepository:
        """Outbound message jobs."""
        ...

    @property
    def dead_letters(self) -> DeadLetterRepository:
        """Jobs given up on."""
        ...

    @property
    def dlq_audit(self) -> DlqAuditRepository:
        """The record of dead-letter reprocessing runs."""
        ...

    @property
    def notices(self) -> NoticeRepository:
        """Who was told about which failure."""
        ...

    @property
    def contacts(self) -> ContactRepository:
        """People who wrote."""
        ...

    @property
    def conversations(self) -> ConversationRepository:
        """Conversations with them."""
        ...

    @property
    def messages(self) -> MessageRepository:
        """Messages both ways, and delivery receipts."""
        ...

    @property
    def tickets(self) -> TicketRepository:
        """Tickets with their timelines and SLA index."""
        ...

    @property
    def activity(self) -> ActivityLog:
        """The audit log of staff actions."""
        ...

    @property
    def desk_policies(self) -> DeskPolicyStore:
        """Revisions of the desk policy (rules, SLA policies, calendar)."""
        ...

    @property
    def events(self) -> EventPublisher:
        """Realtime events sent when this transaction commits (never if it rolls back)."""
        ...

    @property
    def bot_sessions(self) -> BotSessionRepository:
        """Each conversation's bot state (the handoff machine)."""
        ...

    @property
    def handoffs(self) -> HandoffLedger:
        """The handoff ledger: reason, destination, who accepted, when."""
        ...

    @property
    def canned_responses(self) -> CannedResponseRepository:
        """Canned responses agents reply with."""
        ...

    @property
    def agents(self) -> AgentRepository:
        """Agent profiles: capacity, skills, presence, offer counters."""
        ...

    @property
    def assignments(self) -> AssignmentRepository:
        """Who holds each conversation handed to humans; the department queues."""
        ...

    @property
    def offers(self) -> OfferRepository:
        """Time-limited offers of conversations to agents."""
        ...

    @property
    def surveys(self) -> SurveyRepository:
        """NPS surveys sent, one per resolved matter."""
        ...

    @property
    def feedback(self) -> FeedbackRepository:
        """NPS answers (`satisfaction_feedback`) and detractors' follow-ups."""
        ...

    @property
    def gamification(self) -> GamificationRepository:
        """Gamification settings, the facts a run reads, and the runs' rows."""
        ...

    @property
    def overview(self) -> OverviewQueries:
        """The console overview's counts (reads only)."""
        ...

    @property
    def gauges(self) -> StateGauges:
        """Counts of the stored state for `GET /metrics`."""
        ...

    @property
    def reports(self) -> ReportQueries:
        """The KPI reports (docs/reports.md), read-only."""
        ...

    @property
    def retention(self) -> RetentionStore:
        """The purges of old rows (finished jobs, processed messages' content, audit rows)."""
        ...

    @property
    def login_failures(self) -> LoginFailureLog:
        """Failed sign-ins per username and per address (login throttling)."""
        ...

    async def __aenter__(self) -> Self:
        """Begin the transaction."""
        ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Roll back whatever was not committed and release the connection."""
        ...

    async def commit(self) -> None:
        """Make the changes durable."""
        ...

    async def rollback(self) -> None:
        """Discard the changes."""
        ...


class UnitOfWorkFactory(Protocol):
    """Makes a fresh unit of work for each use-case call."""

    def __call__(self) -> UnitOfWork:
        """A new, not yet entered, unit of work."""
        ...
