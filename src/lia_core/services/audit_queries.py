"""Read the audit trail of dead-letter reprocessing runs."""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from lia_core.errors import ValidationError
from lia_core.ports import ReprocessAudit, UnitOfWorkFactory

__all__ = ["MAX_AUDIT_LIST", "ListReprocessAuditHandler"]

MAX_AUDIT_LIST = 1000


@attrs.frozen
class ListReprocessAuditHandler:
    """Recent reprocessing runs, newest first."""

    uow: UnitOfWorkFactory

    async def __call__(self, *, limit: int = 50) -> Sequence[ReprocessAudit]:
        """Up to *limit* audit entries."""
        if not 1 <= limit <= MAX_AUDIT_LIST:
            raise ValidationError(f"limit must be between 1 and {MAX_AUDIT_LIST}", field="limit")
        async with self.uow() as uow:
            return await uow.dlq_audit.list(limit=limit)
