"""Use cases for mass outages: declare, edit, change status, list, look up, check a location,
activate due ones."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from datetime import datetime

import attrs

from lia_core.domain.activity import Actor, as_actor
from lia_core.domain.failures import FailureAction, FailureStatus, MassiveFailure, Severity
from lia_core.domain.matching import FailureIndex
from lia_core.domain.notices import NoticeKind
from lia_core.domain.regions import AffectedRegions, Area, CepRule, CityArea, Location
from lia_core.errors import ConcurrencyConflict, ValidationError
from lia_core.ports import Clock, IdGenerator, UnitOfWork, UnitOfWorkFactory
from lia_core.services.activity import record

__all__ = [
    "SCHEDULER_ACTOR",
    "ActivateDueFailuresHandler",
    "ChangeFailureStatus",
    "ChangeFailureStatusHandler",
    "CheckLocation",
    "CheckLocationHandler",
    "DeclareFailure",
    "DeclareFailureHandler",
    "EditFailure",
    "EditFailureHandler",
    "FailureForm",
    "FailureListing",
    "FailureTab",
    "GetFailureHandler",
    "ListFailures",
    "ListFailuresHandler",
    "record_status",
]

SCHEDULER_ACTOR = "scheduler"
"""The actor recorded when the worker activates a scheduled failure."""


class FailureTab(enum.StrEnum):
    """The tabs of the supervisor page: current (active or paused), scheduled, history, all."""

    ACTIVE = "active"
    SCHEDULED = "scheduled"
    RESOLVED = "resolved"
    ALL = "all"

    @property
    def statuses(self) -> frozenset[FailureStatus]:
        """The statuses shown in this tab."""
        return _TAB_STATUSES[self]


_TAB_STATUSES: Mapping[FailureTab, frozenset[FailureStatus]] = {
    FailureTab.ACTIVE: frozenset({FailureStatus.ACTIVE, FailureStatus.PAUSED}),
    FailureTab.SCHEDULED: frozenset({FailureStatus.SCHEDULED}),
    FailureTab.RESOLVED: frozenset({FailureStatus.RESOLVED, FailureStatus.CANCELLED}),
    FailureTab.ALL: frozenset(FailureStatus),
}


@attrs.frozen(kw_only=True)
class FailureForm:
    """The fields of the failure form, shared by declaring a failure and editing one."""

    name: str
    message: str
    severity: Severity = Severity.MEDIUM
    cities: tuple[CityArea, ...] = ()
    ceps: tuple[CepRule, ...] = ()
    region_ids: tuple[str, ...] = ()
    resolution_message: str | None = None
    starts_at: datetime | None = None
    estimated_resolution: datetime | None = None
    actor: Actor = attrs.field(converter=as_actor)

    @property
    def regions(self) -> AffectedRegions:
        """The cities, CEP rules and catalogue region ids (repeats dropped) as one value."""
        return AffectedRegions(
            area=Area(cities=self.cities, ceps=self.ceps),
            region_ids=tuple(dict.fromkeys(self.region_ids)),
        )


@attrs.frozen(kw_only=True)
class DeclareFailure(FailureForm):
    """Register a mass outage; without ``starts_at`` it is active at once."""


@attrs.frozen(kw_only=True)
class EditFailure(FailureForm):
    """Replace the form of a scheduled failure; a start absent or past activates it at once."""

    failure_id: str

    @classmethod
    def of(cls, failure_id: str, form: FailureForm) -> EditFailure:
        """The edit giving failure *failure_id* the fields of *form* (say, a filled `DeclareFailure`)."""
        return cls(failure_id=failure_id, **attrs.asdict(form, recurse=False))


@attrs.frozen(kw_only=True)
class ChangeFailureStatus:
    """Activate, pause, resume, resolve or cancel a failure."""

    failure_id: str
    action: FailureAction
    actor: Actor = attrs.field(converter=as_actor)
    resolution_message: str | None = None


@attrs.frozen(kw_only=True)
class ListFailures:
    """List the failures of one tab of the supervisor page, all of them or one page."""

    tab: FailureTab = FailureTab.ACTIVE
    limit: int | None = None
    """At most this many failures (all when None)."""
    offset: int = 0
    """Skip this many first (most recent start first)."""
    with_notice_counts: bool = False
    """Also count the notices and resolutions of the listed failures (one query)."""

    def __attrs_post_init__(self) -> None:
        if self.limit is not None and self.limit < 1:
            raise ValidationError("limit must be at least 1", field="limit")
        if self.offset < 0:
            raise ValidationError("offset must not be negative", field="offset")


@attrs.frozen(kw_only=True)
class FailureListing:
    """The failures of one tab (or one page of it) plus the count of every tab."""

    tab: FailureTab
    failures: tuple[MassiveFailure, ...]
    counts: Mapping[FailureTab, int]
    offset: int = 0
    notice_counts: Mapping[str, Mapping[NoticeKind, int]] = attrs.field(factory=dict)
    """With ``with_notice_counts``: failure id → kind → how many contacts got it."""

    @property
    def has_more(self) -> bool:
        """True when the tab has failures after this page."""
        return self.offset + len(self.failures) < self.counts.get(self.tab, 0)


@attrs.frozen(kw_only=True)
class CheckLocation:
    """Ask which active failures cover a location."""

    location: Location


async def _catalogued(uow: UnitOfWork, regions: AffectedRegions) -> AffectedRegions:
    """*regions* with its catalogue regions' names; ValidationError for an unknown id."""
    if not regions.region_ids:
        return regions
    known = await uow.regions.all()
    missing = [rid for rid in regions.region_ids if rid not in known]
    if missing:
        raise ValidationError(
            f"unknown catalogue region {', '.join(map(repr, missing))}; see `lia region list`",
            field="region_ids",
        )
    return regions.named({rid: known[rid].name for rid in regions.region_ids})


async def record_status(
    uow: UnitOfWork,
    ids: IdGenerator,
    actor: Actor,
    failure: MassiveFailure,
    before: FailureStatus,
    action: FailureAction,
    *,
    at: datetime,
    details: Mapping[str, str] | None = None,
) -> None:
    """Audit *failure*'s move from *before* to its status by *action* (``failure.status``)."""
    await record(
        uow,
        ids,
        actor,
        at=at,
        action="failure.status",
        entity="failure",
        entity_id=failure.id,
        from_state=before.value,
        to_state=failure.status.value,
        details={"command": action.value, **(details or {})},
    )


@attrs.frozen
class DeclareFailureHandler:
    """Validate and store a new failure."""

    uow: UnitOfWorkFactory
    clock: Clock
    ids: IdGenerator

    async def __call__(self, cmd: DeclareFailure) -> MassiveFailure:
        """Store the failure and return it, active or scheduled."""
        regions = cmd.regions
        failure = MassiveFailure.declare(
            failure_id=self.ids.new_id(),
            name=cmd.name,
            notification_message=cmd.message,
            resolution_message=cmd.resolution_message,
            severity=cmd.severity,
            regions=regions,
            starts_at=cmd.starts_at,
            estimated_resolution=cmd.estimated_resolution,
            by=cmd.actor.name,
            now=self.clock.now(),
        )
        async with self.uow() as uow:
            # Named after the form is checked, so a bad form is refused for what it is.
            failure.regions = await _catalogued(uow, regions)
            await uow.failures.add(failure)
            await record(
                uow,
                self.ids,
                cmd.actor,
                at=failure.created_at,
                action="failure.declare",
                entity="failure",
                entity_id=failure.id,
                to_state=failure.status.value,
                details={"name": failure.name, "severity": failure.severity.value},
            )
            await uow.commit()
        return failure


@attrs.frozen
class EditFailureHandler:
    """Replace a scheduled failure's form; a refused or invalid edit changes nothing."""

    uow: UnitOfWorkFactory
    clock: Clock
    ids: IdGenerator

    async def __call__(self, cmd: EditFailure) -> MassiveFailure:
        """Return the failure as edited: still scheduled, or active when its start has come.

        Raises:
            NotFound: no such failure.
            InvalidTransition: the failure is no longer scheduled.
            ValidationError: a field is invalid, or a catalogue region is unknown.
            ConcurrencyConflict: someone changed the failure since it was read.
        """
        regions = cmd.regions
        async with self.uow() as uow:
            failure = await uow.failures.get(cmd.failure_id)
            before = failure.status
            now = self.clock.now()
            failure.revise(
                name=cmd.name,
                notification_message=cmd.message,
                resolution_message=cmd.resolution_message,
                severity=cmd.severity,
                regions=regions,
                starts_at=cmd.starts_at,
                estimated_resolution=cmd.estimated_resolution,
                by=cmd.actor.name,
                at=now,
            )
            failure.regions = await _catalogued(uow, regions)
            await uow.failures.update(failure)
            await record(
                uow,
                self.ids,
                cmd.actor,
                at=now,
                action="failure.edit",
                entity="failure",
                entity_id=failure.id,
                from_state=before.value,
                to_state=failure.status.value,
            )
            await uow.commit()
        return failure


@attrs.frozen
class ChangeFailureStatusHandler:
    """Apply one lifecycle command; refused commands change nothing."""

    uow: UnitOfWorkFactory
    clock: Clock
    ids: IdGenerator

    async def __call__(self, cmd: ChangeFailureStatus) -> MassiveFailure:
        """Return the failure in its new state."""
        async with self.uow() as uow:
            failure = await uow.failures.get(cmd.failure_id)
            before = failure.status
            now = self.clock.now()
            failure.apply(
                cmd.action, by=cmd.actor.name, at=now, resolution_message=cmd.resolution_message
            )
            await uow.failures.update(failure)
            await record_status(uow, self.ids, cmd.actor, failure, before, cmd.action, at=now)
            await uow.commit()
        return failure


@attrs.frozen
class GetFailureHandler:
    """Load one failure by id."""

    uow: UnitOfWorkFactory

    async def __call__(self, failure_id: str) -> MassiveFailure:
        """Return the failure or raise NotFound."""
        async with self.uow() as uow:
            return await uow.failures.get(failure_id)


@attrs.frozen
class ListFailuresHandler:
    """List one tab of the supervisor page with the counts of all tabs."""

    uow: UnitOfWorkFactory

    async def __call__(self, query: ListFailures) -> FailureListing:
        """Return the tab's failures, most recent start first."""
        async with self.uow() as uow:
            failures = await uow.failures.list(
                query.tab.statuses, limit=query.limit, offset=query.offset
            )
            by_status = await uow.failures.count_by_status()
            notice_counts = (
                await uow.notices.counts_many([f.id for f in failures])
                if query.with_notice_counts
                else {}
            )
        counts = {
            tab: sum(by_status.get(status, 0) for status in tab.statuses) for tab in FailureTab
        }
        return FailureListing(
            tab=query.tab,
            failures=tuple(failures),
            counts=counts,
            offset=query.offset,
            notice_counts=notice_counts,
        )


@attrs.define
class CheckLocationHandler:
    """Answer which active failures cover a location, from an index rebuilt only on change."""

    uow: UnitOfWorkFactory
    _cached: tuple[int, FailureIndex] | None = None

    async def index(self) -> FailureIndex:
        """The current index of active failures (cached until any failure or region changes)."""
        async with self.uow() as uow:
            revision = await uow.failures.revision()
            if self._cached is not None and self._cached[0] == revision:
                return self._cached[1]
            active = await uow.failures.list({FailureStatus.ACTIVE})
            catalogue = await uow.regions.all()
        index = FailureIndex.build(active, catalogue)
        self._cached = (revision, index)
        return index

    async def __call__(self, query: CheckLocation) -> tuple[MassiveFailure, ...]:
        """The covering active failures, most severe first."""
        return (await self.index()).match(query.location)


@attrs.frozen
class ActivateDueFailuresHandler:
    """The scheduler's job: activate every scheduled failure whose start has come."""

    uow: UnitOfWorkFactory
    clock: Clock
    ids: IdGenerator

    async def __call__(self) -> tuple[MassiveFailure, ...]:
        """Activate the due failures, each in its own transaction, and return them."""
        now = self.clock.now()
        async with self.uow() as uow:
            due = await uow.failures.due(now)
        activated: list[MassiveFailure] = []
        for candidate in due:
            async with self.uow() as uow:
                failure = await uow.failures.get(candidate.id)
                if not failure.is_due(now):
                    continue  # someone activated or cancelled it meanwhile
                failure.apply(FailureAction.ACTIVATE, by=SCHEDULER_ACTOR, at=now)
                try:
                    await uow.failures.update(failure)
                    await record_status(
                        uow,
                        self.ids,
                        Actor.service(SCHEDULER_ACTOR),
                        failure,
                        FailureStatus.SCHEDULED,
                        FailureAction.ACTIVATE,
                        at=now,
                    )
                    await uow.commit()
                except ConcurrencyConflict:
                    continue  # another worker won the race; it is their activation
            activated.append(failure)
        return tuple(activated)
