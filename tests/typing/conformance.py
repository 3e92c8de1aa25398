"""Never executed: mypy checks here that each adapter satisfies the port it implements."""

from __future__ import annotations

from lia_adapters.channels import (
    CloudApiWhatsAppSender,
    EvolutionSender,
    FcmPushSender,
    SandboxSender,
    TwilioSmsSender,
)
from lia_adapters.crm import (
    CachedCustomerDirectory,
    CsvCustomerDirectory,
    IxcCustomerDirectory,
    RestCustomerDirectory,
)
from lia_adapters.memory import (
    FixedClock,
    InMemoryActivityLog,
    InMemoryCustomerDirectory,
    InMemoryDeskPolicyStore,
    InMemoryFailureRepository,
    InMemoryRateGate,
    InMemoryRegionCatalogue,
    InMemoryStore,
    InMemoryUnitOfWork,
    InMemoryUserRepository,
    PlainTextHasher,
    SequentialIds,
)
from lia_adapters.memory.assignment import (
    InMemoryAgentRepository,
    InMemoryAssignmentRepository,
    InMemoryOfferRepository,
)
from lia_adapters.memory.canned import InMemoryCannedResponseRepository
from lia_adapters.memory.conversations import (
    InMemoryContactRepository,
    InMemoryConversationRepository,
    InMemoryMessageRepository,
)
from lia_adapters.memory.login_failures import InMemoryLoginFailureLog
from lia_adapters.memory.realtime import InProcessEventBus, StagedEvents
from lia_adapters.sql import (
    SqlActivityLog,
    SqlContactRepository,
    SqlConversationRepository,
    SqlDeadLetterRepository,
    SqlDeskPolicyStore,
    SqlDlqAuditRepository,
    SqlFailureRepository,
    SqlMessageRepository,
    SqlNoticeRepository,
    SqlOutboxRepository,
    SqlRateGate,
    SqlRegionCatalogue,
    SqlUnitOfWork,
    SqlUnitOfWorkFactory,
    SqlUserRepository,
)
from lia_adapters.sql.assignment.agents import SqlAgentRepository
from lia_adapters.sql.assignment.offers import SqlOfferRepository
from lia_adapters.sql.assignment.repositories import SqlAssignmentRepository
from lia_adapters.sql.replies.canned import SqlCannedResponseRepository
from lia_adapters.sql.users.login_failures import SqlLoginFailureLog
from lia_adapters.system import Argon2PasswordHasher, SystemClock, UuidGenerator
from lia_core.ports import (
    ActivityLog,
    CannedResponseRepository,
    Clock,
    ContactRepository,
    ConversationRepository,
    CustomerDirectory,
    DeadLetterRepository,
    DeskPolicyStore,
    DlqAuditRepository,
    EventFeed,
    EventPublisher,
    FailureRepository,
    IdGenerator,
    LoginFailureLog,
    MessageRepository,
    MessageSender,
    NoticeRepository,
    OutboxRepository,
    PasswordHasher,
    RateGate,
    RegionCatalogue,
    UnitOfWork,
    UnitOfWorkFactory,
    UserRepository,
)
from lia_core.ports.assignment import AgentRepository, AssignmentRepository, OfferRepository

# SQL persistence (lia_adapters.sql)
_sql_uow: type[UnitOfWork] = SqlUnitOfWork
_sql_uow_factory: type[UnitOfWorkFactory] = SqlUnitOfWorkFactory
_sql_failures: type[FailureRepository] = SqlFailureRepository
_sql_regions: type[RegionCatalogue] = SqlRegionCatalogue
_sql_users: type[UserRepository] = SqlUserRepository
_sql_login_failures: type[LoginFailureLog] = SqlLoginFailureLog
_sql_outbox: type[OutboxRepository] = SqlOutboxRepository
_sql_dead_letters: type[DeadLetterRepository] = SqlDeadLetterRepository
_sql_dlq_audit: type[DlqAuditRepository] = SqlDlqAuditRepository
_sql_notices: type[NoticeRepository] = SqlNoticeRepository
_sql_contacts: type[ContactRepository] = SqlContactRepository
_sql_conversations: type[ConversationRepository] = SqlConversationRepository
_sql_messages: type[MessageRepository] = SqlMessageRepository
_sql_activity: type[ActivityLog] = SqlActivityLog
_sql_desk_policies: type[DeskPolicyStore] = SqlDeskPolicyStore
_sql_canned: type[CannedResponseRepository] = SqlCannedResponseRepository
_sql_rate_gate: type[RateGate] = SqlRateGate

# In-memory fakes (lia_adapters.memory) and the small production adapters (lia_adapters.system)
_mem_uow: type[UnitOfWork] = InMemoryUnitOfWork
_mem_failures: type[FailureRepository] = InMemoryFailureRepository
_mem_regions: type[RegionCatalogue] = InMemoryRegionCatalogue
_mem_users: type[UserRepository] = InMemoryUserRepository
_mem_login_failures: type[LoginFailureLog] = InMemoryLoginFailureLog
_mem_contacts: type[ContactRepository] = InMemoryContactRepository
_mem_conversations: type[ConversationRepository] = InMemoryConversationRepository
_mem_messages: type[MessageRepository] = InMemoryMessageRepository
_mem_activity: type[ActivityLog] = InMemoryActivityLog
_staged_events: type[EventPublisher] = StagedEvents
_event_bus: type[EventFeed] = InProcessEventBus
_mem_desk_policies: type[DeskPolicyStore] = InMemoryDeskPolicyStore
_mem_canned: type[CannedResponseRepository] = InMemoryCannedResponseRepository
_mem_rate_gate: type[RateGate] = InMemoryRateGate
_fixed_clock: type[Clock] = FixedClock
_system_clock: type[Clock] = SystemClock
_sequential_ids: type[IdGenerator] = SequentialIds
_uuid_ids: type[IdGenerator] = UuidGenerator
_plain_hasher: type[PasswordHasher] = PlainTextHasher
_argon2_hasher: type[PasswordHasher] = Argon2PasswordHasher
_mem_uow_factory: UnitOfWorkFactory = InMemoryStore().unit_of_work

# Channel adapters (lia_adapters.channels); the sandbox is also the port's in-memory fake
_whatsapp_cloud: type[MessageSender] = CloudApiWhatsAppSender
_evolution: type[MessageSender] = EvolutionSender
_twilio_sms: type[MessageSender] = TwilioSmsSender
_fcm_push: type[MessageSender] = FcmPushSender
_sandbox: type[MessageSender] = SandboxSender

# CRM adapters (lia_adapters.crm) and their fake
_mem_customers: type[CustomerDirectory] = InMemoryCustomerDirectory
_csv_customers: type[CustomerDirectory] = CsvCustomerDirectory
_rest_customers: type[CustomerDirectory] = RestCustomerDirectory
_ixc_customers: type[CustomerDirectory] = IxcCustomerDirectory
_cached_customers: type[CustomerDirectory] = CachedCustomerDirectory

# The bot in the live flow (lia_core.ports.handoffs).
from lia_adapters.memory import InMemoryBotSessionRepository, InMemoryHandoffLedger  # noqa: E402
from lia_adapters.sql.bot.repositories import SqlBotSessionRepository, SqlHandoffLedger  # noqa: E402
from lia_core.ports import BotSessionRepository, HandoffLedger  # noqa: E402

_mem_bot_sessions: type[BotSessionRepository] = InMemoryBotSessionRepository
_sql_bot_sessions: type[BotSessionRepository] = SqlBotSessionRepository
_mem_handoffs: type[HandoffLedger] = InMemoryHandoffLedger
_sql_handoffs: type[HandoffLedger] = SqlHandoffLedger
_sql_agents: type[AgentRepository] = SqlAgentRepository
_sql_assignments: type[AssignmentRepository] = SqlAssignmentRepository
_sql_offers: type[OfferRepository] = SqlOfferRepository
_mem_agents: type[AgentRepository] = InMemoryAgentRepository
_mem_assignments: type[AssignmentRepository] = InMemoryAssignmentRepository
_mem_offers: type[OfferRepository] = InMemoryOfferRepository

# NPS in the live flow (lia_core.ports.nps).
from lia_adapters.memory import InMemoryFeedbackRepository, InMemorySurveyRepository  # noqa: E402
from lia_adapters.sql.nps.repositories import SqlFeedbackRepository, SqlSurveyRepository  # noqa: E402
from lia_core.ports import FeedbackRepository, SurveyRepository  # noqa: E402

_mem_surveys: type[SurveyRepository] = InMemorySurveyRepository
_sql_surveys: type[SurveyRepository] = SqlSurveyRepository
_mem_feedback: type[FeedbackRepository] = InMemoryFeedbackRepository
_sql_feedback: type[FeedbackRepository] = SqlFeedbackRepository

# Gamification runs (lia_core.ports.gamification).
from lia_adapters.memory import InMemoryGamificationRepository  # noqa: E402
from lia_adapters.sql.gamification.repositories import SqlGamificationRepository  # noqa: E402
from lia_core.ports import GamificationRepository  # noqa: E402

_mem_gamification: type[GamificationRepository] = InMemoryGamificationRepository
_sql_gamification: type[GamificationRepository] = SqlGamificationRepository

# The console overview's reads (lia_core.ports.overview).
from lia_adapters.memory.overview import InMemoryOverviewQueries  # noqa: E402
from lia_adapters.sql.overview import SqlOverviewQueries  # noqa: E402
from lia_core.ports import OverviewQueries  # noqa: E402

_mem_overview: type[OverviewQueries] = InMemoryOverviewQueries
_sql_overview: type[OverviewQueries] = SqlOverviewQueries

# The counts `/metrics` reads (lia_core.ports.gauges).
from lia_adapters.memory import InMemoryStateGauges  # noqa: E402
from lia_adapters.sql.gauges import SqlStateGauges  # noqa: E402
from lia_core.ports import StateGauges  # noqa: E402

_mem_gauges: type[StateGauges] = InMemoryStateGauges
_sql_gauges: type[StateGauges] = SqlStateGauges

# The KPI reports (lia_core.ports.reports).
from lia_adapters.memory.reports import InMemoryReportQueries  # noqa: E402
from lia_adapters.sql.reports import SqlReportQueries  # noqa: E402
from lia_core.ports import ReportQueries  # noqa: E402

_mem_reports: type[ReportQueries] = InMemoryReportQueries
_sql_reports: type[ReportQueries] = SqlReportQueries

# The retention purges (lia_core.ports.retention).
from lia_adapters.memory import InMemoryRetentionStore  # noqa: E402
from lia_adapters.sql.retention import SqlRetentionStore  # noqa: E402
from lia_core.ports import RetentionStore  # noqa: E402

_mem_retention: type[RetentionStore] = InMemoryRetentionStore
_sql_retention: type[RetentionStore] = SqlRetentionStore
