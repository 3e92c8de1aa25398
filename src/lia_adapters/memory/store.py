"""In-memory repositories and unit of work with the same semantics as the SQL ones.

Reads hand out copies, writes are staged and applied on commit, updates are version-checked,
so tests against the fake see the same isolation and conflicts as against a database.
"""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from types import TracebackType
from typing import Self

import attrs

from lia_adapters.memory.conversation_store import (
    ConversationTables,
    InMemoryContactRepository,
    InMemoryConversationRepository,
    InMemoryMessageRepository,
)
from lia_adapters.memory.delivery_store import (
    InMemoryDeadLetterRepository,
    InMemoryDlqAuditRepository,
    InMemoryNoticeRepository,
    InMemoryOutboxRepository,
)
from lia_core.domain.delivery import DeadLetter, OutboundJob
from lia_core.domain.failures import FailureStatus, MassiveFailure
from lia_core.domain.notices import FailureNotice, NoticeKind
from lia_core.domain.regions import NamedRegion
from lia_core.domain.users import User
from lia_core.errors import AlreadyExists, ConcurrencyConflict, NotFound
from lia_core.ports import ReprocessAudit

__all__ = [
    "InMemoryFailureRepository",
    "InMemoryRegionCatalogue",
    "InMemoryStore",
    "InMemoryUnitOfWork",
    "InMemoryUserRepository",
]


@attrs.define
class InMemoryStore:
    """The committed state shared by every unit of work made from it."""

    failures: dict[str, MassiveFailure] = attrs.field(factory=dict)
    regions: dict[str, NamedRegion] = attrs.field(factory=dict)
    users: dict[str, User] = attrs.field(factory=dict)
    jobs: dict[str, OutboundJob] = attrs.field(factory=dict)
    dead_letters: dict[str, DeadLetter] = attrs.field(factory=dict)
    audit: list[ReprocessAudit] = attrs.field(factory=list)
    notices: dict[tuple[str, str, NoticeKind], FailureNotice] = attrs.field(factory=dict)
    conversation_tables: ConversationTables = attrs.field(factory=ConversationTables)
    revision: int = 0
    commits: int = 0

    def unit_of_work(self) -> InMemoryUnitOfWork:
        """A fresh unit of work over this store (use as the `UnitOfWorkFactory`)."""
        return InMemoryUnitOfWork(self)


class InMemoryFailureRepository:
    """Failures held in an `InMemoryStore`."""

    def __init__(self, uow: InMemoryUnitOfWork) -> None:
        self._uow = uow

    def _view(self) -> dict[str, MassiveFailure]:
        return {**self._uow.store.failures, **self._uow.staged_failures}

    async def add(self, failure: MassiveFailure) -> None:
        """Stage a new failure."""
        if failure.id in self._view():
            raise AlreadyExists(entity="failure", entity_id=failure.id)
        failure.version = 1
        self._uow.staged_failures[failure.id] = copy.deepcopy(failure)

    async def get(self, failure_id: str) -> MassiveFailure:
        """A copy of the failure."""
        try:
            return copy.deepcopy(self._view()[failure_id])
        except KeyError:
            raise NotFound(entity="failure", entity_id=failure_id) from None

    async def update(self, failure: MassiveFailure) -> None:
        """Stage the change if nobody changed the failure since it was read."""
        current = self._view().get(failure.id)
        if current is None:
            raise NotFound(entity="failure", entity_id=failure.id)
        if current.version != failure.version:
            raise ConcurrencyConflict(entity="failure", entity_id=failure.id)
        failure.version += 1
        self._uow.staged_failures[failure.id] = copy.deepcopy(failure)

    async def list(
        self, statuses: Collection[FailureStatus] | None = None
    ) -> Sequence[MassiveFailure]:
        """Copies of the matching failures, most recent start first."""
        chosen = [f for f in self._view().values() if statuses is None or f.status in statuses]
        chosen.sort(key=lambda f: (f.starts_at, f.id), reverse=True)
        return [copy.deepcopy(f) for f in chosen]

    async def due(self, now: datetime) -> Sequence[MassiveFailure]:
        """Scheduled failures whose start has come, earliest first."""
        due = [f for f in self._view().values() if f.is_due(now)]
        return [copy.deepcopy(f) for f in sorted(due, key=lambda f: (f.starts_at, f.id))]

    async def count_by_status(self) -> Mapping[FailureStatus, int]:
        """Counts per status."""
        return Counter(f.status for f in self._view().values())

    async def revision(self) -> int:
        """The store's change counter."""
        return self._uow.store.revision


class InMemoryRegionCatalogue:
    """Catalogue regions held in an `InMemoryStore`."""

    def __init__(self, uow: InMemoryUnitOfWork) -> None:
        self._uow = uow

    def _view(self) -> dict[str, NamedRegion]:
        merged = {**self._uow.store.regions, **self._uow.staged_regions}
        return {k: v for k, v in merged.items() if v is not None}

    async def add(self, region: NamedRegion) -> None:
        """Stage a new region."""
        if region.id in self._view():
            raise AlreadyExists(entity="region", entity_id=region.id)
        self._uow.staged_regions[region.id] = attrs.evolve(region, version=1)

    async def get(self, region_id: str) -> NamedRegion:
        """The region (values are immutable, no copy needed)."""
        try:
            return self._view()[region_id]
        except KeyError:
            raise NotFound(entity="region", entity_id=region_id) from None

    async def update(self, region: NamedRegion) -> None:
        """Stage the replacement if nobody changed the region since it was read."""
        current = await self.get(region.id)
        if current.version != region.version:
            raise ConcurrencyConflict(entity="region", entity_id=region.id)
        self._uow.staged_regions[region.id] = attrs.evolve(region, version=region.version + 1)

    async def remove(self, region_id: str) -> None:
        """Stage the deletion."""
        await self.get(region_id)
        self._uow.staged_regions[region_id] = None

    async def all(self) -> Mapping[str, NamedRegion]:
        """Every region by id."""
        return self._view()


class InMemoryUserRepository:
    """Accounts held in an `InMemoryStore`, keyed by username."""

    def __init__(self, uow: InMemoryUnitOfWork) -> None:
        self._uow = uow

    def _view(self) -> dict[str, User]:
        return {**self._uow.store.users, **self._uow.staged_users}

    async def add(self, user: User) -> None:
        """Stage a new account."""
        if user.username in self._view():
            raise AlreadyExists(entity="user", entity_id=user.username)
        self._uow.staged_users[user.username] = copy.deepcopy(user)

    async def get_by_username(self, username: str) -> User:
        """A copy of the account."""
        try:
            return copy.deepcopy(self._view()[username])
        except KeyError:
            raise NotFound(entity="user", entity_id=username) from None

    async def list(self) -> Sequence[User]:
        """Copies of every account, by username."""
        return [copy.deepcopy(u) for _, u in sorted(self._view().items())]


class InMemoryUnitOfWork:
    """Stages writes and applies them to the store on commit."""

    def __init__(self, store: InMemoryStore) -> None:
        self.store = store
        self.staged_failures: dict[str, MassiveFailure] = {}
        self.staged_regions: dict[str, NamedRegion | None] = {}
        self.staged_users: dict[str, User] = {}
        self.staged_jobs: dict[str, OutboundJob] = {}
        self.staged_dead_letters: dict[str, DeadLetter | None] = {}
        self.staged_audit: list[ReprocessAudit] = []
        self.staged_notices: dict[tuple[str, str, NoticeKind], FailureNotice] = {}
        self._failures = InMemoryFailureRepository(self)
        self._regions = InMemoryRegionCatalogue(self)
        self._users = InMemoryUserRepository(self)
        self._outbox = InMemoryOutboxRepository(self)
        self._dead_letters = InMemoryDeadLetterRepository(self)
        self._dlq_audit = InMemoryDlqAuditRepository(self)
        self._notices = InMemoryNoticeRepository(self)
        self.staged_conversation_tables = ConversationTables()
        self._contacts = InMemoryContactRepository(self)
        self._conversations = InMemoryConversationRepository(self)
        self._messages = InMemoryMessageRepository(self)

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
        for fid, failure in self.staged_failures.items():
            current = self.store.failures.get(fid)
            expected = failure.version - 1
            if current is not None and current.version != expected:
                raise ConcurrencyConflict(entity="failure", entity_id=fid)
        self.store.conversation_tables.check_versions(self.staged_conversation_tables)
        if self.staged_failures or self.staged_regions:
            self.store.revision += 1
        self.store.failures.update(self.staged_failures)
        for rid, region in self.staged_regions.items():
            if region is None:
                self.store.regions.pop(rid, None)
            else:
                self.store.regions[rid] = region
        self.store.users.update(self.staged_users)
        self.store.jobs.update(self.staged_jobs)
        for job_id, dead in self.staged_dead_letters.items():
            if dead is None:
                self.store.dead_letters.pop(job_id, None)
            else:
                self.store.dead_letters[job_id] = dead
        self.store.audit.extend(self.staged_audit)
        self.store.notices.update(self.staged_notices)
        self.store.conversation_tables.merge(self.staged_conversation_tables)
        self.store.commits += 1
        await self.rollback()

    async def rollback(self) -> None:
        """Forget the staged writes."""
        self.staged_failures = {}
        self.staged_regions = {}
        self.staged_users = {}
        self.staged_jobs = {}
        self.staged_dead_letters = {}
        self.staged_audit = []
        self.staged_notices = {}
        self.staged_conversation_tables = ConversationTables()
