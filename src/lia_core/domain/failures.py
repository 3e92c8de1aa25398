"""The mass-outage ("falha massiva") aggregate and its lifecycle state machine.

scheduled ──activate──▶ active ──pause──▶ paused
    │                     ▲ ◀──resume──── │
  cancel                  └──resolve──┐  resolve
    ▼                                 ▼   ▼
cancelled                             resolved

A scheduled failure can also be edited (`MassiveFailure.revise`): its texts, severity,
regions and times replaced; an edited start that has come activates it at once.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from datetime import datetime, tzinfo

import attrs

from lia_core.domain.regions import AffectedRegions
from lia_core.domain.templates import render, validate_template
from lia_core.domain.tickets import Severity
from lia_core.errors import InvalidTransition, ValidationError
from lia_core.validation import require_aware

__all__ = [
    "DEFAULT_RESOLUTION_MESSAGE",
    "EDITABLE",
    "TRANSITIONS",
    "FailureAction",
    "FailureStatus",
    "MassiveFailure",
    "Severity",
    "placeholder_values",
]

MAX_NAME_CHARS = 200

DEFAULT_RESOLUTION_MESSAGE = (
    "Boa notícia! A instabilidade em sua região foi corrigida. Por favor, reinicie seu modem "
    "e teste sua conexão. Se o problema persistir, nos chame aqui novamente."
)
"""The seed's resolution message, offered when a failure was declared without one."""


class FailureStatus(enum.StrEnum):
    """Where a failure is in its lifecycle."""

    SCHEDULED = "scheduled"
    ACTIVE = "active"
    PAUSED = "paused"
    RESOLVED = "resolved"
    CANCELLED = "cancelled"

    @property
    def is_final(self) -> bool:
        """True for resolved and cancelled: nothing can happen any more."""
        return self in (FailureStatus.RESOLVED, FailureStatus.CANCELLED)


class FailureAction(enum.StrEnum):
    """A lifecycle command a supervisor (or the worker) can issue."""

    ACTIVATE = "activate"
    PAUSE = "pause"
    RESUME = "resume"
    RESOLVE = "resolve"
    CANCEL = "cancel"


TRANSITIONS: Mapping[FailureAction, tuple[frozenset[FailureStatus], FailureStatus]] = {
    FailureAction.ACTIVATE: (frozenset({FailureStatus.SCHEDULED}), FailureStatus.ACTIVE),
    FailureAction.PAUSE: (frozenset({FailureStatus.ACTIVE}), FailureStatus.PAUSED),
    FailureAction.RESUME: (frozenset({FailureStatus.PAUSED}), FailureStatus.ACTIVE),
    FailureAction.RESOLVE: (
        frozenset({FailureStatus.ACTIVE, FailureStatus.PAUSED}),
        FailureStatus.RESOLVED,
    ),
    FailureAction.CANCEL: (frozenset({FailureStatus.SCHEDULED}), FailureStatus.CANCELLED),
}
"""The state machine as data: action → (statuses it is allowed from, status it leads to)."""


EDITABLE: frozenset[FailureStatus] = frozenset({FailureStatus.SCHEDULED})
"""The statuses a failure can be edited in (`MassiveFailure.revise`): once active, what
customers were told is fixed, and it is paused or resolved instead."""


def _checked_form(
    *,
    name: str,
    notification_message: str,
    resolution_message: str | None,
    regions: AffectedRegions,
    starts_at: datetime | None,
    estimated_resolution: datetime | None,
    now: datetime,
) -> tuple[str, datetime]:
    """Check a declaration's or an edit's fields; return the cleaned name and the start."""
    clean_name = " ".join(name.split())
    if not clean_name:
        raise ValidationError("name must not be blank", field="name")
    if len(clean_name) > MAX_NAME_CHARS:
        raise ValidationError(f"name is longer than {MAX_NAME_CHARS} characters", field="name")
    validate_template(notification_message, field="message")
    if resolution_message is not None:
        validate_template(resolution_message, field="resolution_message")
    if regions.is_empty:
        raise ValidationError(
            "a failure needs at least one region, city, CEP rule or catalogue region",
            field="regions",
        )
    for instant, field in (
        (starts_at, "starts_at"),
        (estimated_resolution, "estimated_resolution"),
    ):
        if instant is not None:
            require_aware(instant, field)
    start = starts_at if starts_at is not None else now
    if estimated_resolution is not None and estimated_resolution <= start:
        raise ValidationError(
            "estimated resolution must be after the start", field="estimated_resolution"
        )
    return clean_name, start


@attrs.define(kw_only=True)
class MassiveFailure:
    """A mass outage: what customers in the affected regions are told, and when."""

    id: str
    name: str
    notification_message: str
    resolution_message: str | None
    severity: Severity
    regions: AffectedRegions
    starts_at: datetime
    estimated_resolution: datetime | None
    status: FailureStatus
    created_by: str
    created_at: datetime
    updated_at: datetime
    activated_at: datetime | None = None
    paused_at: datetime | None = None
    resolved_at: datetime | None = None
    resolved_by: str | None = None
    cancelled_at: datetime | None = None
    cancelled_by: str | None = None
    version: int = 0

    @classmethod
    def declare(
        cls,
        *,
        failure_id: str,
        name: str,
        notification_message: str,
        resolution_message: str | None,
        severity: Severity,
        regions: AffectedRegions,
        starts_at: datetime | None,
        estimated_resolution: datetime | None,
        by: str,
        now: datetime,
    ) -> MassiveFailure:
        """Register a failure: active at once when ``starts_at`` is absent or past, else scheduled."""
        clean_name, start = _checked_form(
            name=name,
            notification_message=notification_message,
            resolution_message=resolution_message,
            regions=regions,
            starts_at=starts_at,
            estimated_resolution=estimated_resolution,
            now=now,
        )
        immediate = start <= now
        return cls(
            id=failure_id,
            name=clean_name,
            notification_message=notification_message,
            resolution_message=resolution_message,
            severity=severity,
            regions=regions,
            starts_at=start,
            estimated_resolution=estimated_resolution,
            status=FailureStatus.ACTIVE if immediate else FailureStatus.SCHEDULED,
            created_by=by,
            created_at=now,
            updated_at=now,
            activated_at=now if immediate else None,
        )

    def revise(
        self,
        *,
        name: str,
        notification_message: str,
        resolution_message: str | None,
        severity: Severity,
        regions: AffectedRegions,
        starts_at: datetime | None,
        estimated_resolution: datetime | None,
        by: str,
        at: datetime,
    ) -> None:
        """Replace what a scheduled failure says, where and when, checked as `declare` checks it.

        The new values are read as a new declaration made at *at*: a ``starts_at`` that is
        absent, *at* or past activates the failure at once (as `apply` ACTIVATE would,
        recording ``activated_at``); a future one keeps it scheduled for the worker. Only a
        scheduled failure can be edited (`InvalidTransition`, action ``edit``, otherwise);
        a refused or invalid edit leaves the failure untouched.
        """
        if self.status not in EDITABLE:
            raise InvalidTransition(
                entity="failure", entity_id=self.id, action="edit", status=self.status.value
            )
        clean_name, start = _checked_form(
            name=name,
            notification_message=notification_message,
            resolution_message=resolution_message,
            regions=regions,
            starts_at=starts_at,
            estimated_resolution=estimated_resolution,
            now=at,
        )
        self.name = clean_name
        self.notification_message = notification_message
        self.resolution_message = resolution_message
        self.severity = severity
        self.regions = regions
        self.starts_at = start
        self.estimated_resolution = estimated_resolution
        self.updated_at = at
        if start <= at:
            self.apply(FailureAction.ACTIVATE, by=by, at=at)

    def allows(self, action: FailureAction) -> bool:
        """Say whether *action* is allowed from the current status."""
        return self.status in TRANSITIONS[action][0]

    def apply(
        self, action: FailureAction, *, by: str, at: datetime, resolution_message: str | None = None
    ) -> None:
        """Carry out a lifecycle command or raise `InvalidTransition` leaving the failure untouched."""
        if not self.allows(action):
            raise InvalidTransition(
                entity="failure", entity_id=self.id, action=action.value, status=self.status.value
            )
        if resolution_message is not None:
            if action is not FailureAction.RESOLVE:
                raise ValidationError(
                    "a resolution message is only given when resolving", field="resolution_message"
                )
            validate_template(resolution_message, field="resolution_message")
            self.resolution_message = resolution_message
        self.status = TRANSITIONS[action][1]
        self.updated_at = at
        match action:
            case FailureAction.ACTIVATE:
                self.activated_at = at
                # Activated early by hand: the outage started now, not at the planned time.
                self.starts_at = min(self.starts_at, at)
            case FailureAction.PAUSE:
                self.paused_at = at
            case FailureAction.RESUME:
                self.paused_at = None
            case FailureAction.RESOLVE:
                self.resolved_at, self.resolved_by = at, by
            case FailureAction.CANCEL:
                self.cancelled_at, self.cancelled_by = at, by

    def is_due(self, now: datetime) -> bool:
        """True when the failure is scheduled and its start has come."""
        return self.status is FailureStatus.SCHEDULED and self.starts_at <= now

    def notice_for(self, *, customer_name: str, tz: tzinfo) -> str:
        """The notification text for one customer, placeholders filled."""
        return render(self.notification_message, self._values(customer_name, tz))

    def resolution_notice_for(self, *, customer_name: str, tz: tzinfo) -> str | None:
        """The resolution text for one customer, or None when the failure has none."""
        if self.resolution_message is None:
            return None
        return render(self.resolution_message, self._values(customer_name, tz))

    def fill(self, template: str, *, customer_name: str, tz: tzinfo) -> str:
        """Any validated template (a reminder, say) filled with this failure's values."""
        return render(template, self._values(customer_name, tz))

    def _values(self, customer_name: str, tz: tzinfo) -> dict[str, str]:
        return placeholder_values(
            customer_name=customer_name,
            failure_name=self.name,
            regions=self.regions,
            estimated_resolution=self.estimated_resolution,
            tz=tz,
        )


def placeholder_values(
    *,
    customer_name: str,
    failure_name: str,
    regions: AffectedRegions,
    estimated_resolution: datetime | None,
    tz: tzinfo,
) -> dict[str, str]:
    """What a failure's messages put in each placeholder (also used to preview a message)."""
    eta = estimated_resolution
    return {
        "nome": customer_name,
        "previsao": eta.astimezone(tz).strftime("%d/%m/%Y %H:%M") if eta else "em breve",
        "falha": failure_name,
        "regiao": regions.describe(),
    }
