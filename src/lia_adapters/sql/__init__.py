"""SQL persistence (SQLAlchemy 2 async Core) for SQLite and PostgreSQL, with Alembic migrations."""

from lia_adapters.sql.conversation_repositories import (
    SqlContactRepository,
    SqlConversationRepository,
)
from lia_adapters.sql.delivery_repositories import (
    SqlDeadLetterRepository,
    SqlDlqAuditRepository,
    SqlNoticeRepository,
)
from lia_adapters.sql.engine import create_engine
from lia_adapters.sql.message_repository import SqlMessageRepository
from lia_adapters.sql.outbox import SqlOutboxRepository
from lia_adapters.sql.repositories import (
    SqlFailureRepository,
    SqlRegionCatalogue,
    SqlUserRepository,
)
from lia_adapters.sql.uow import SqlUnitOfWork, SqlUnitOfWorkFactory

__all__ = [
    "SqlContactRepository",
    "SqlConversationRepository",
    "SqlDeadLetterRepository",
    "SqlDlqAuditRepository",
    "SqlFailureRepository",
    "SqlMessageRepository",
    "SqlNoticeRepository",
    "SqlOutboxRepository",
    "SqlRegionCatalogue",
    "SqlUnitOfWork",
    "SqlUnitOfWorkFactory",
    "SqlUserRepository",
    "create_engine",
]
