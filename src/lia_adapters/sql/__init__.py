"""SQL persistence (SQLAlchemy 2 async Core) for SQLite and PostgreSQL, with Alembic migrations."""

from lia_adapters.sql.conversations.messages import SqlMessageRepository
from lia_adapters.sql.conversations.repositories import (
    SqlContactRepository,
    SqlConversationRepository,
)
from lia_adapters.sql.delivery.outbox import SqlOutboxRepository
from lia_adapters.sql.delivery.rate_gate import SqlRateGate
from lia_adapters.sql.delivery.repositories import (
    SqlDeadLetterRepository,
    SqlDlqAuditRepository,
    SqlNoticeRepository,
)
from lia_adapters.sql.desk.activity import SqlActivityLog
from lia_adapters.sql.desk.policies import SqlDeskPolicyStore
from lia_adapters.sql.engine import create_engine
from lia_adapters.sql.outages.repositories import SqlFailureRepository, SqlRegionCatalogue
from lia_adapters.sql.uow import SqlUnitOfWork, SqlUnitOfWorkFactory
from lia_adapters.sql.users.repositories import SqlUserRepository

__all__ = [
    "SqlActivityLog",
    "SqlContactRepository",
    "SqlConversationRepository",
    "SqlDeadLetterRepository",
    "SqlDeskPolicyStore",
    "SqlDlqAuditRepository",
    "SqlFailureRepository",
    "SqlMessageRepository",
    "SqlNoticeRepository",
    "SqlOutboxRepository",
    "SqlRateGate",
    "SqlRegionCatalogue",
    "SqlUnitOfWork",
    "SqlUnitOfWorkFactory",
    "SqlUserRepository",
    "create_engine",
]
