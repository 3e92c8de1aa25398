"""Realtime events: what staff screens hear about as it happens (`/api/v1/realtime`).

An event is a small, typed value: the kind, when, and references (ids, a username, a
department), states and due times. It has no field for text, so a message's words or a
contact's phone number cannot travel in it; every reference is checked to be a token (no
spaces, at most `MAX_REF_CHARS`) that carries no full phone number (`phone_guard`: ticket,
protocol and contract numbers pass); departments are names as staff define them (no comma,
no phone number). Its wire form (`to_wire` /
`from_wire`) is compact JSON, far below PostgreSQL's 8,000-byte NOTIFY limit.
"""

from __future__ import annotations

import enum
import json
import re
from datetime import datetime
from functools import lru_cache
from json.encoder import encode_basestring as _quote
from typing import Any

import attrs

from lia_core.domain.phone_guard import carries_phone
from lia_core.domain.users import MAX_DEPARTMENT_CHARS, Role, User
from lia_core.errors import ValidationError
from lia_core.sla.readings import Metric, SlaState
from lia_core.validation import as_enum, aware, aware_or_none, require_aware

__all__ = [
    "MAX_REF_CHARS",
    "MAX_WIRE_BYTES",
    "EncodedEvent",
    "PublishedEvent",
    "RealtimeEvent",
    "RealtimeKind",
    "check_department",
    "check_ref",
    "department_or_none",
    "event_of",
    "from_wire",
    "may_see",
    "ref_or_none",
    "sla_alert_wire",
    "to_wire",
    "wire_of",
]

MAX_REF_CHARS = 80
"""Longest reference (id, username, department, state name) an event carries."""
MAX_WIRE_BYTES = 7_900
"""PostgreSQL refuses a NOTIFY payload of 8,000 bytes or more; an event never comes near."""

_REF = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:@-]*$")
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


class RealtimeKind(enum.StrEnum):
    """What happened: the closed list of event names the WebSocket publishes."""

    MESSAGE_RECEIVED = "message.received"
    MESSAGE_SENT = "message.sent"
    MESSAGE_STATUS_UPDATED = "message.status_updated"
    CONVERSATION_OFFERED = "conversation.offered"
    CONVERSATION_ASSIGNED = "conversation.assigned"
    CONVERSATION_TRANSFERRED = "conversation.transferred"
    CONVERSATION_RELEASED = "conversation.released"
    TICKET_UPDATED = "ticket.updated"
    SLA_ALERT = "sla.alert"
    AGENT_PRESENCE = "agent.presence"


def check_ref(value: str, field: str) -> str:
    """*value* if it is a reference token; ValidationError naming *field* otherwise.

    A token starts with a letter or digit and holds letters, digits and ``_.:@-`` only (no
    spaces: no sentence fits), at most `MAX_REF_CHARS`; a full phone number in it (bare, in a
    provider address, split by dashes or dots: `carries_phone`) is refused unless the whole
    token is a UUID. Ticket, protocol and contract numbers are no phone numbers and pass.
    """
    if not isinstance(value, str) or not 1 <= len(value) <= MAX_REF_CHARS or not _REF.match(value):
        raise ValidationError(
            f"{field} must be a reference of 1 to {MAX_REF_CHARS} letters, digits or _.:@- "
            f"(got {value!r})",
            field=field,
        )
    if not _UUID.match(value) and carries_phone(value):
        raise ValidationError(f"{field} must not carry a phone number", field=field)
    return value


def check_department(value: str, field: str) -> str:
    """*value* if it can be a department's name (1 to `MAX_DEPARTMENT_CHARS` printable
    characters, no comma, not a phone number); ValidationError naming *field* otherwise."""
    if (
        not isinstance(value, str)
        or not 1 <= len(value) <= MAX_DEPARTMENT_CHARS
        or not value.isprintable()
        or "," in value
        or value != value.strip()
    ):
        raise ValidationError(
            f"{field} must be a department name of 1 to {MAX_DEPARTMENT_CHARS} characters",
            field=field,
        )
    if _names_phone(value):
        raise ValidationError(f"{field} must not carry a phone number", field=field)
    return value


@lru_cache(maxsize=1024)
def _names_phone(department: str) -> bool:
    # A desk has a handful of departments, each named on thousands of events.
    return carries_phone(department)


def ref_or_none(value: str | None) -> str | None:
    """*value* if it is a valid reference, else None (a stored name that cannot be one is left out)."""
    if value is None:
        return None
    try:
        return check_ref(value, "ref")
    except ValidationError:
        return None


def department_or_none(value: str | None) -> str | None:
    """*value* if it is a valid department name, else None."""
    if value is None:
        return None
    try:
        return check_department(value, "department")
    except ValidationError:
        return None


def _ref(_instance: object, attribute: attrs.Attribute[str | None], value: str | None) -> None:
    if value is not None:
        check_ref(value, attribute.name)


def _department(
    _instance: object, attribute: attrs.Attribute[str | None], value: str | None
) -> None:
    if value is not None:
        check_department(value, attribute.name)


def _kind(value: object) -> RealtimeKind:
    return as_enum(value, RealtimeKind, "kind")


def _metric(value: object) -> Metric | None:
    return None if value is None else as_enum(value, Metric, "metric")


def _sla_state(value: object) -> SlaState | None:
    return None if value is None else as_enum(value, SlaState, "sla_state")


@attrs.frozen(kw_only=True)
class RealtimeEvent:
    """One thing staff screens should hear about, with references only (never text or phones).

    `department` scopes it: an agent hears the events of their departments and those naming
    them as `agent`; supervisors and admins hear everything. An event with no department and
    no agent reaches supervisors and admins only.
    """

    kind: RealtimeKind = attrs.field(converter=_kind)
    at: datetime = attrs.field(validator=aware)
    """When it happened."""
    department: str | None = attrs.field(default=None, validator=_department)
    conversation_id: str | None = attrs.field(default=None, validator=_ref)
    message_id: str | None = attrs.field(default=None, validator=_ref)
    ticket_id: str | None = attrs.field(default=None, validator=_ref)
    offer_id: str | None = attrs.field(default=None, validator=_ref)
    agent: str | None = attrs.field(default=None, validator=_ref)
    """The agent (username) concerned: offered to, assigned, whose presence changed."""
    previous_agent: str | None = attrs.field(default=None, validator=_ref)
    """A transfer's or release's former holder."""
    previous_department: str | None = attrs.field(default=None, validator=_department)
    """A transfer's former department."""
    status: str | None = attrs.field(default=None, validator=_ref)
    """The new state: a message's delivery status, a ticket's status, a presence."""
    priority: str | None = attrs.field(default=None, validator=_ref)
    channel: str | None = attrs.field(default=None, validator=_ref)
    waiting_since: datetime | None = attrs.field(default=None, validator=aware_or_none)
    due_at: datetime | None = attrs.field(default=None, validator=aware_or_none)
    """The nearest SLA due time."""
    expires_at: datetime | None = attrs.field(default=None, validator=aware_or_none)
    """When an offer lapses."""
    metric: Metric | None = attrs.field(default=None, converter=_metric)
    """An SLA alert's clock."""
    sla_state: SlaState | None = attrs.field(default=None, converter=_sla_state)
    """An SLA alert's state (warning, breached)."""

    def to_dict(self) -> dict[str, str]:
        """The JSON object clients receive: set fields only, instants in ISO 8601."""
        out: dict[str, str] = {}
        for name, instant in _LAYOUT:
            value = getattr(self, name)
            if value is not None:
                out[name] = value.isoformat() if instant else str(value)
        return out


def may_see(viewer: User, event: RealtimeEvent) -> bool:
    """Whether *viewer*'s screens hear *event*: supervisors and admins everything; an agent the
    events of their departments (the current or, for a transfer, the former one) and those
    naming them (`agent`, `previous_agent`)."""
    if viewer.role is not Role.AGENT:
        return True
    if viewer.username in (event.agent, event.previous_agent):
        return True
    return bool(
        (event.department is not None and event.department in viewer.departments)
        or (
            event.previous_department is not None
            and event.previous_department in viewer.departments
        )
    )


_INSTANTS = frozenset({"at", "waiting_since", "due_at", "expires_at"})
_ORDER = tuple(f.name for f in attrs.fields(RealtimeEvent))
_FIELDS = frozenset(_ORDER)
_LAYOUT = tuple((name, name in _INSTANTS) for name in _ORDER)


def to_wire(event: RealtimeEvent) -> str:
    """The compact JSON form (what NOTIFY carries and the WebSocket sends): exactly
    ``json.dumps(event.to_dict(), separators=(",", ":"), ensure_ascii=False)``."""
    # Written out because the SLA monitor publishes a thousand at once: json.dumps builds an
    # encoder per call, three times the cost of this. The keys are field names (nothing to
    # escape); every value is a string, quoted by json's own C routine.
    parts = []
    for name, instant in _LAYOUT:
        value = getattr(event, name)
        if value is not None:
            parts.append(f'"{name}":{_quote(value.isoformat() if instant else str(value))}')
    return "{" + ",".join(parts) + "}"


def from_wire(raw: str) -> RealtimeEvent:
    """Parse `to_wire`'s output; ValidationError for anything else (unknown fields included)."""
    try:
        data: Any = json.loads(raw)
    except ValueError as exc:
        raise ValidationError(f"a realtime event must be JSON: {exc}", field="event") from None
    if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
        raise ValidationError("a realtime event is an object of strings", field="event")
    unknown = set(data) - _FIELDS
    if unknown:
        raise ValidationError(f"unknown event fields {sorted(unknown)}", field="event")
    values: dict[str, object] = {
        name: _instant(value, name) if name in _INSTANTS else value for name, value in data.items()
    }
    if "kind" not in values or "at" not in values:
        raise ValidationError("a realtime event needs kind and at", field="event")
    return RealtimeEvent(**values)  # type: ignore[arg-type]


@attrs.frozen
class EncodedEvent:
    """An event already in its wire form, exactly `to_wire`'s output: what a hot path
    publishes so that the commit sends it as it is (`wire_of`); a process's own bus decodes
    it (`event_of`)."""

    wire: str


PublishedEvent = RealtimeEvent | EncodedEvent
"""What `uow.events.publish` takes."""


def wire_of(event: PublishedEvent) -> str:
    """The wire form of *event* (`to_wire`, or the one it came encoded in)."""
    return event.wire if isinstance(event, EncodedEvent) else to_wire(event)


def event_of(event: PublishedEvent) -> RealtimeEvent:
    """*event* as a `RealtimeEvent` (an encoded one decoded: `from_wire`)."""
    return from_wire(event.wire) if isinstance(event, EncodedEvent) else event


_SLA_ALERT_HEAD = '{"kind":"sla.alert","at":'


def sla_alert_wire(
    *,
    at: datetime,
    ticket_id: str,
    department: str,
    metric: Metric | None,
    sla_state: SlaState,
    due_at: datetime | None,
) -> EncodedEvent:
    """``to_wire(RealtimeEvent(kind=SLA_ALERT, …))`` written directly, checked as the event
    checks its fields (ValidationError for a reference or department it would refuse).

    The SLA monitor publishes a thousand of these in one tick: building and encoding the
    event costs ~8 µs each, this ~1.5. The fields come in the event's own order (kind, at,
    department, ticket_id, due_at, metric, sla_state); a Hypothesis test holds the output
    to `to_wire` byte for byte.
    """
    require_aware(at, "at")
    check_department(department, "department")  # in the event's order: the same first refusal
    check_ref(ticket_id, "ticket_id")
    parts = [_SLA_ALERT_HEAD, _quote(at.isoformat())]
    parts += [',"department":', _quote(department), ',"ticket_id":', _quote(ticket_id)]
    if due_at is not None:
        require_aware(due_at, "due_at")
        parts += [',"due_at":', _quote(due_at.isoformat())]
    if metric is not None:
        parts += [',"metric":', _quote(str(as_enum(metric, Metric, "metric")))]
    parts += [',"sla_state":', _quote(str(as_enum(sla_state, SlaState, "sla_state"))), "}"]
    return EncodedEvent("".join(parts))


def _instant(raw: str, field: str) -> datetime:
    try:
        return datetime.fromisoformat(raw)
    except ValueError:
        raise ValidationError(f"{field} must be an ISO 8601 instant", field=field) from None
