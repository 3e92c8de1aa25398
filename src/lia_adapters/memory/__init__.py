"""Working in-memory fakes of every port, for tests, demos and integrators' own test suites."""

from lia_adapters.memory.audit import InMemoryActivityLog
from lia_adapters.memory.canned import InMemoryCannedResponseRepository
from lia_adapters.memory.clock import FixedClock, SequentialIds
from lia_adapters.memory.customers import InMemoryCustomerDirectory
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
from lia_adapters.memory.hashing import PlainTextHasher
from lia_adapters.memory.nps import InMemoryFeedbackRepository, InMemorySurveyRepository
from lia_adapters.memory.outages import InMemoryFailureRepository, InMemoryRegionCatalogue
from lia_adapters.memory.rate_gate import InMemoryRateGate
from lia_adapters.memory.retention import InMemoryRetentionStore
from lia_adapters.memory.store import InMemoryStore, InMemoryUnitOfWork
from lia_adapters.memory.users import InMemoryUserRepository

__all__ = [
    "FixedClock",
    "InMemoryActivityLog",
    "InMemoryBotSessionRepository",
    "InMemoryCannedResponseRepository",
    "InMemoryCustomerDirectory",
    "InMemoryDeadLetterRepository",
    "InMemoryDeskPolicyStore",
    "InMemoryDlqAuditRepository",
    "InMemoryFailureRepository",
    "InMemoryFeedbackRepository",
    "InMemoryGamificationRepository",
    "InMemoryHandoffLedger",
    "InMemoryNoticeRepository",
    "InMemoryOutboxRepository",
    "InMemoryRateGate",
    "InMemoryRegionCatalogue",
    "InMemoryRetentionStore",
    "InMemoryStateGauges",
    "InMemoryStore",
    "InMemorySurveyRepository",
    "InMemoryUnitOfWork",
    "InMemoryUserRepository",
    "PlainTextHasher",
    "SequentialIds",
]
