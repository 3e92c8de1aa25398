"""The SQL unit of work: one connection and one transaction shared by the repositories."""

from __future__ import annotations

from types import TracebackType
from typing import Self

from sqlalchemy import exc as sa_exc
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from lia_adapters.memory.realtime import InProcessEventBus, StagedEvents
from lia_adapters.sql.assignment.agents import SqlAgentRepository
from lia_adapters.sql.assignment.offers import SqlOfferRepository
from lia_adapters.sql.assignment.repositories import SqlAssignmentRepository
from lia_adapters.sql.bot.repositories import SqlBotSessionRepository, SqlHandoffLedger
from lia_adapters.sql.conversations.messages import SqlMessageRepository
from lia_adapters.sql.conversations.repositories import (
    SqlContactRepository,
    SqlConversationRepository,
)
from lia_adapters.sql.delivery.outbox import SqlOutboxRepository
from lia_adapters.sql.delivery.repositories import (
    SqlDeadLetterRepository,
    SqlDlqAuditRepository,
    SqlNoticeRepository,
)
from lia_adapters.sql.desk.activity import SqlActivityLog
from lia_adapters.sql.desk.policies import SqlDeskPolicyStore
from lia_adapters.sql.desk.tickets import SqlTicketRepository
from lia_adapters.sql.errors import database_unavailable
from lia_adapters.sql.gamification.repositories import SqlGamificationRepository
from lia_adapters.sql.gauges import SqlStateGauges
from lia_adapters.sql.nps.repositories import SqlFeedbackRepository, SqlSurveyRepository
from lia_adapters.sql.outages.repositories import SqlFailureRepository, SqlRegionCatalogue
from lia_adapters.sql.overview import SqlOverviewQueries
from lia_adapters.sql.realtime import DEFAULT_CHANNEL, check_channel, notify
from lia_adapters.sql.relay.relay import new_origin, prune, write_events
from lia_adapters.sql.replies.canned import SqlCannedResponseRepository
from lia_adapters.sql.reports import SqlReportQueries
from lia_adapters.sql.retention import SqlRetentionStore
from lia_adapters.sql.users.login_failures import SqlLoginFailureLog
from lia_adapters.sql.users.repositories import SqlUserRepository

__all__ = ["SqlUnitOfWork", "SqlUnitOfWorkFactory"]

_PRUNE_EVERY_WRITES = 500
"""A process prunes the SQLite relay once per this many of its commits that wrote to it."""


class SqlUnitOfWork:
    """One database transaction over the repositories; rolls back unless committed.

    After `commit` the unit of work stays usable: the next statement starts a new
    transaction, which is again rolled back at exit unless committed.

    Realtime events published in it leave with the commit: on PostgreSQL as NOTIFY on
    *channel* inside the transaction; on SQLite written to ``realtime_relay`` inside the
    transaction (for the other processes: `SqliteEventRelay`) and to *bus* once the commit
    returned.
    """

    def __init__(
        self,
        engine: AsyncEngine,
        *,
        bus: InProcessEventBus | None = None,
        channel: str = DEFAULT_CHANNEL,
        origin: str | None = None,
        relay_writes: list[int] | None = None,
        stored_channel: str | None = None,
    ) -> None:
        self._engine = engine
        self._origin = origin or new_origin()
        self._relay_writes = relay_writes if relay_writes is not None else [0]
        self._conn: AsyncConnection | None = None
        self._events = StagedEvents()
        self._bus = bus if bus is not None else InProcessEventBus()
        self._channel = channel
        self._notifies = engine.dialect.name == "postgresql"
        self._failures = SqlFailureRepository(self._connection)
        self._regions = SqlRegionCatalogue(self._connection)
        self._users = SqlUserRepository(self._connection)
        self._tickets = SqlTicketRepository(self._connection)
        self._outbox = SqlOutboxRepository(self._connection)
        self._dead_letters = SqlDeadLetterRepository(self._connection)
        self._dlq_audit = SqlDlqAuditRepository(self._connection)
        self._notices = SqlNoticeRepository(self._connection)
        self._contacts = SqlContactRepository(self._connection)
        self._conversations = SqlConversationRepository(self._connection)
        self._messages = SqlMessageRepository(
            self._connection, notify_stored=stored_channel if self._notifies else None
        )
        self._activity = SqlActivityLog(self._connection)
        self._desk_policies = SqlDeskPolicyStore(self._connection)
        self._bot_sessions = SqlBotSessionRepository(self._connection)
        self._handoffs = SqlHandoffLedger(self._connection)
        self._canned_responses = SqlCannedResponseRepository(self._connection)
        self._agents = SqlAgentRepository(self._connection)
        self._assignments = SqlAssignmentRepository(self._connection)
        self._offers = SqlOfferRepository(self._connection)
        self._surveys = SqlSurveyRepository(self._connection)
        self._feedback = SqlFeedbackRepository(self._connection)
        self._gamification = SqlGamificationRepository(self._connection)
        self._overview = SqlOverviewQueries(self._connection)
        self._gauges = SqlStateGauges(self._connection)
        self._reports = SqlReportQueries(self._connection)
        self._retention = SqlRetentionStore(self._connection)
        self._login_failures = SqlLoginFailureLog(self._connection)

    def _connection(self) -> AsyncConnection:
        if self._conn is None:
            raise RuntimeError("use the unit of work inside `async with`")
        return self._conn

    @property
    def surveys(self) -> SqlSurveyRepository:
        """NPS surveys sent."""
        return self._surveys

    @property
    def retention(self) -> SqlRetentionStore:
        """The retention purges."""
        return self._retention

    @property
    def overview(self) -> SqlOverviewQueries:
        """The console overview's counts."""
        return self._overview

    @property
    def feedback(self) -> SqlFeedbackRepository:
        """NPS answers and detractors' follow-ups."""
        return self._feedback

    @property
    def gamification(self) -> SqlGamificationRepository:
        """Gamification settings and runs."""
        return self._gamification

    @property
    def gauges(self) -> SqlStateGauges:
        """Counts of the stored state for `GET /metrics`."""
        return self._gauges

    @property
    def reports(self) -> SqlReportQueries:
        """The KPI reports (docs/reports.md), read-only."""
        return self._reports

    @property
    def login_failures(self) -> SqlLoginFailureLog:
        """Failed sign-ins per key (`login_failures`)."""
        return self._login_failures

    @property
    def bot_sessions(self) -> SqlBotSessionRepository:
        """Each conversation's bot state."""
        return self._bot_sessions

    @property
    def handoffs(self) -> SqlHandoffLedger:
        """The handoff ledger."""
        return self._handoffs

    @property
    def failures(self) -> SqlFailureRepository:
        """Stored failures."""
        return self._failures

    @property
    def regions(self) -> SqlRegionCatalogue:
        """The named-region catalogue."""
        return self._regions

    @property
    def tickets(self) -> SqlTicketRepository:
        """Tickets and their timelines."""
        return self._tickets

    @property
    def users(self) -> SqlUserRepository:
        """Staff accounts."""
        return self._users

    @property
    def outbox(self) -> SqlOutboxRepository:
        """Outbound message jobs."""
        return self._outbox

    @property
    def dead_letters(self) -> SqlDeadLetterRepository:
        """Jobs given up on."""
        return self._dead_letters

    @property
    def dlq_audit(self) -> SqlDlqAuditRepository:
        """The record of dead-letter reprocessing runs."""
        return self._dlq_audit

    @property
    def notices(self) -> SqlNoticeRepository:
        """Who was told about which failure."""
        return self._notices

    @property
    def contacts(self) -> SqlContactRepository:
        """People who wrote."""
        return self._contacts

    @property
    def conversations(self) -> SqlConversationRepository:
        """Conversations with them."""
        return self._conversations

    @property
    def messages(self) -> SqlMessageRepository:
        """Messages both ways, and delivery receipts."""
        return self._messages

    @property
    def activity(self) -> SqlActivityLog:
        """The audit log of staff actions."""
        return self._activity

    @property
    def desk_policies(self) -> SqlDeskPolicyStore:
        """Desk-policy revisions."""
        return self._desk_policies

    @property
    def events(self) -> StagedEvents:
        """Realtime events sent when this transaction commits."""
        return self._events

    @property
    def canned_responses(self) -> SqlCannedResponseRepository:
        """Canned responses agents reply with."""
        return self._canned_responses

    @property
    def agents(self) -> SqlAgentRepository:
        """Agent profiles."""
        return self._agents

    @property
    def assignments(self) -> SqlAssignmentRepository:
        """Assignments and the department queues."""
        return self._assignments

    @property
    def offers(self) -> SqlOfferRepository:
        """Offers of conversations to agents."""
        return self._offers

    async def __aenter__(self) -> Self:
        """Check out a connection and begin the transaction.

        Raises:
            DatabaseUnavailable: the database refused or lost the connection, or timed out.
        """
        if self._conn is not None:
            raise RuntimeError("this unit of work is already in use")
        try:
            conn = await self._engine.connect()
        except (sa_exc.DBAPIError, sa_exc.TimeoutError) as error:
            if (unavailable := database_unavailable(error)) is not None:
                raise unavailable from error
            raise
        try:
            await conn.begin()
        except BaseException as error:
            await conn.close()
            if (unavailable := database_unavailable(error)) is not None:
                raise unavailable from error
            raise
        self._conn = conn
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Roll back whatever was not committed and return the connection to the pool.

        A driver error meaning the database went away (a lost connection, a statement
        timeout, a server shutdown) leaves as `DatabaseUnavailable`, whichever repository
        call met it.
        """
        conn, self._conn = self._conn, None
        self._events.clear()
        if conn is None:
            return
        unavailable = database_unavailable(exc) if exc is not None else None
        try:
            await conn.rollback()
        except Exception:
            if unavailable is None:
                raise
            # The connection is gone: nothing to roll back; the outage is the news.
        finally:
            await conn.close()
        if unavailable is not None:
            raise unavailable from exc

    async def commit(self) -> None:
        """Make the changes durable, and send the realtime events published since the last commit."""
        conn = self._connection()
        events = self._events.take()
        if events and self._notifies:
            await notify(conn, self._channel, events)
        elif events:
            await write_events(conn, self._origin, events)
            self._relay_writes[0] += 1
            if self._relay_writes[0] % _PRUNE_EVERY_WRITES == 0:
                await prune(conn)  # a process without `lia serve` must not grow it forever
        await conn.commit()
        if events and not self._notifies:
            self._bus.deliver(events)

    async def rollback(self) -> None:
        """Discard the changes and events since the last commit."""
        self._events.clear()
        await self._connection().rollback()


class SqlUnitOfWorkFactory:
    """Makes a `SqlUnitOfWork` per use-case call, all sharing one engine (and its pool).

    *bus* is this process's realtime feed: SQLite units of work deliver to it after commit
    (and `SqliteEventRelay` adds the other processes' events); on PostgreSQL a
    `PgEventListener` on *channel* feeds it (events go through the database).
    """

    def __init__(
        self,
        engine: AsyncEngine,
        *,
        bus: InProcessEventBus | None = None,
        channel: str = DEFAULT_CHANNEL,
        stored_channel: str | None = None,
    ) -> None:
        self._engine = engine
        self._bus = bus if bus is not None else InProcessEventBus()
        self._channel = check_channel(channel)
        self._stored_channel = check_channel(stored_channel) if stored_channel else None
        self._origin = new_origin()
        self._relay_writes = [0]

    @property
    def origin(self) -> str:
        """The token this factory's SQLite commits sign their relayed events with."""
        return self._origin

    @property
    def bus(self) -> InProcessEventBus:
        """The process's realtime feed these units of work deliver to (SQLite) or that LISTEN feeds."""
        return self._bus

    @property
    def channel(self) -> str:
        """The NOTIFY channel (PostgreSQL)."""
        return self._channel

    @property
    def stored_channel(self) -> str | None:
        """PostgreSQL: the channel each ingest transaction that stores a new message NOTIFYs
        (the gate workers LISTEN on it); None: no NOTIFY."""
        return self._stored_channel

    @property
    def engine(self) -> AsyncEngine:
        """The engine the units of work draw connections from."""
        return self._engine

    def __call__(self) -> SqlUnitOfWork:
        """A new, not yet entered, unit of work."""
        return SqlUnitOfWork(
            self._engine,
            bus=self._bus,
            channel=self._channel,
            origin=self._origin,
            relay_writes=self._relay_writes,
            stored_channel=self._stored_channel,
        )
