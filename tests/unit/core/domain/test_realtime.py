"""Realtime events: the closed kinds, references that cannot carry text or phones, the wire form."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from typing import TypeVar

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lia_core.domain.realtime import (
    MAX_REF_CHARS,
    MAX_WIRE_BYTES,
    RealtimeEvent,
    RealtimeKind,
    event_of,
    from_wire,
    may_see,
    sla_alert_wire,
    to_wire,
    wire_of,
)
from lia_core.domain.users import MAX_DEPARTMENT_CHARS, Role, User
from lia_core.errors import ValidationError
from lia_core.sla.readings import Metric, SlaState

T = TypeVar("T")

T0 = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
_DEPARTMENTS = ["department", "previous_department"]
_REF_FIELDS = [
    f.name
    for f in attrs.fields(RealtimeEvent)
    if f.name not in {"kind", "at", "waiting_since", "due_at", "expires_at", "metric", "sla_state"}
    and f.name not in _DEPARTMENTS
]

refs = st.from_regex(r"[A-Za-z][A-Za-z_.:@-]{0,20}", fullmatch=True)
departments = st.sampled_from(["suporte", "Suporte Técnico", "cobrança N2", "comercial"])
instants = st.datetimes(
    min_value=datetime(2000, 1, 1),
    max_value=datetime(2100, 1, 1),
    timezones=st.sampled_from([UTC, timezone(timedelta(hours=-3))]),
)


@st.composite
def events(draw: st.DrawFn) -> RealtimeEvent:
    """Any event: a kind, an instant, and any subset of the optional fields."""
    values: dict[str, object] = {f: draw(st.none() | refs) for f in _REF_FIELDS}
    for name in _DEPARTMENTS:
        values[name] = draw(st.none() | departments)
    for name in ("waiting_since", "due_at", "expires_at"):
        values[name] = draw(st.none() | instants)
    values["metric"] = draw(st.none() | st.sampled_from(Metric))
    values["sla_state"] = draw(st.none() | st.sampled_from(SlaState))
    return RealtimeEvent(
        kind=draw(st.sampled_from(RealtimeKind)),
        at=draw(instants),
        **values,  # type: ignore[arg-type]
    )


def test_the_kinds_are_exactly_the_issues_names() -> None:
    """The event names are the public contract of issue 14, no more, no fewer."""
    assert {k.value for k in RealtimeKind} == {
        "message.received",
        "message.sent",
        "message.status_updated",
        "conversation.offered",
        "conversation.assigned",
        "conversation.transferred",
        "conversation.released",
        "ticket.updated",
        "sla.alert",
        "agent.presence",
    }


@given(events())
def test_the_wire_form_round_trips(event: RealtimeEvent) -> None:
    """Whatever the fields, `from_wire(to_wire(e))` is *e*, and it holds only set fields."""
    wire = to_wire(event)
    assert from_wire(wire) == event
    assert "null" not in wire


odd_departments = st.text(
    alphabet=st.characters(blacklist_characters=",", blacklist_categories=("Cs", "Cc")),
    min_size=1,
    max_size=MAX_DEPARTMENT_CHARS,
).filter(lambda d: d == d.strip() and d.isprintable() and not any(c.isdigit() for c in d))


@given(events(), odd_departments)
def test_the_wire_form_is_exactly_compact_json(event: RealtimeEvent, department: str) -> None:
    """`to_wire` writes its JSON by hand (for speed): it must be byte for byte what json.dumps
    writes, quotes, backslashes and accents in a department included."""
    for one in (event, attrs.evolve(event, department=department)):
        expected = json.dumps(one.to_dict(), separators=(",", ":"), ensure_ascii=False)
        assert to_wire(one) == expected


def test_the_largest_event_fits_a_notify() -> None:
    """Every reference at its longest still leaves the payload far under NOTIFY's limit."""
    longest = "x" * MAX_REF_CHARS
    event = RealtimeEvent(
        kind=RealtimeKind.CONVERSATION_TRANSFERRED,
        at=T0,
        waiting_since=T0,
        due_at=T0,
        expires_at=T0,
        metric=Metric.FIRST_RESPONSE,
        sla_state=SlaState.WARNING,
        **{f: longest for f in _REF_FIELDS},
        department="d" * MAX_DEPARTMENT_CHARS,
        previous_department="d" * MAX_DEPARTMENT_CHARS,
    )
    assert len(to_wire(event).encode()) < MAX_WIRE_BYTES // 4


@pytest.mark.parametrize(
    "value",
    [
        "oi, minha internet caiu",  # text: spaces
        "5521999998888",  # a phone number
        "+5521999998888",
        "whatsapp:+5521999998888",
        "5521999998888@s.whatsapp.net",
        "55-21-99999-8888-x" + "9" * 8,
        "x" * (MAX_REF_CHARS + 1),
        "",
        "-leading-dash",
        "ção",
    ],
)
@pytest.mark.parametrize("field", _REF_FIELDS)
def test_references_refuse_text_and_phone_numbers(field: str, value: str) -> None:
    """No reference field accepts a sentence, a phone number or a provider address."""
    with pytest.raises(ValidationError) as caught:
        RealtimeEvent(kind=RealtimeKind.MESSAGE_RECEIVED, at=T0, **{field: value})  # type: ignore[arg-type]
    assert caught.value.field == field


@pytest.mark.parametrize(
    "value", ["5521999998888", "a, b", "x" * (MAX_DEPARTMENT_CHARS + 1), "", " padded", "tab\there"]
)
@pytest.mark.parametrize("field", _DEPARTMENTS)
def test_departments_refuse_phone_numbers_and_lists(field: str, value: str) -> None:
    """A department is one staff-given name: never a phone number, a list or a long text."""
    with pytest.raises(ValidationError) as caught:
        RealtimeEvent(kind=RealtimeKind.TICKET_UPDATED, at=T0, **{field: value})  # type: ignore[arg-type]
    assert caught.value.field == field


@pytest.mark.parametrize(
    "value",
    [
        "2f0c4a5e-9d7b-4c1e-8a3f-612345678987",
        "12345678-1234-4234-9234-123456789012",
        "t-1",
        "ana@isp",
    ],
)
def test_uuids_and_short_ids_are_references(value: str) -> None:
    """UUIDs (whatever digits they hold), short ids and usernames are accepted."""
    event = RealtimeEvent(kind=RealtimeKind.TICKET_UPDATED, at=T0, ticket_id=value)
    assert event.ticket_id == value


def test_naive_instants_and_unknown_kinds_are_refused() -> None:
    """An event's instants carry a timezone; its kind is one of the closed list."""
    with pytest.raises(ValidationError, match="at"):
        RealtimeEvent(kind=RealtimeKind.TICKET_UPDATED, at=datetime(2026, 1, 1))
    with pytest.raises(ValidationError, match="kind"):
        RealtimeEvent(kind="message.deleted", at=T0)


@pytest.mark.parametrize(
    "raw",
    [
        "not json",
        "[]",
        '{"kind": "ticket.updated"}',
        '{"kind": "ticket.updated", "at": "2026-01-01T00:00:00+00:00", "text": "oi"}',
        '{"kind": "ticket.updated", "at": "yesterday"}',
        '{"kind": "ticket.updated", "at": "2026-01-01T00:00:00+00:00", "ticket_id": 5}',
    ],
)
def test_from_wire_refuses_anything_else(raw: str) -> None:
    """A payload that is not an event (someone else's NOTIFY) is a ValidationError."""
    with pytest.raises(ValidationError):
        from_wire(raw)


_DEPTS = ["suporte", "comercial", "cobrança"]
_NAMES = ["ana", "bruno", "carla"]


@st.composite
def viewers(draw: st.DrawFn) -> User:
    """A staff account of any role with any of three departments."""
    return User(
        id="u-1",
        username=draw(st.sampled_from(_NAMES)),
        role=draw(st.sampled_from(Role)),
        password_hash="x",
        created_at=T0,
        departments=frozenset(draw(st.lists(st.sampled_from(_DEPTS)))),
    )


@st.composite
def scoped_events(draw: st.DrawFn) -> RealtimeEvent:
    """An event with any department, former department, agent and former agent (or none)."""
    return RealtimeEvent(
        kind=draw(st.sampled_from(RealtimeKind)),
        at=T0,
        department=draw(st.none() | st.sampled_from(_DEPTS)),
        previous_department=draw(st.none() | st.sampled_from(_DEPTS)),
        agent=draw(st.none() | st.sampled_from(_NAMES)),
        previous_agent=draw(st.none() | st.sampled_from(_NAMES)),
    )


@given(viewers(), scoped_events())
def test_who_sees_an_event(viewer: User, event: RealtimeEvent) -> None:
    """Managers see all; an agent sees exactly their departments' events and those naming them."""
    if viewer.role in (Role.ADMIN, Role.SUPERVISOR):
        expected = True
    else:
        touched = {event.department, event.previous_department} - {None}
        named = {event.agent, event.previous_agent} - {None}
        expected = bool(touched & viewer.departments) or viewer.username in named
    assert may_see(viewer, event) is expected


@pytest.mark.parametrize("department", [None, "suporte", "comercial"])
@pytest.mark.parametrize("previous_department", [None, "suporte", "comercial"])
def test_an_agent_sees_an_event_of_their_department_current_or_former(
    department: str | None, previous_department: str | None
) -> None:
    """An agent of suporte sees an event whose department or former department is suporte."""
    agent = User(
        id="u", username="ana", role=Role.AGENT, password_hash="x", created_at=T0,
        departments=frozenset({"suporte"}),
    )  # fmt: skip
    event = RealtimeEvent(
        kind=RealtimeKind.CONVERSATION_TRANSFERRED,
        at=T0,
        department=department,
        previous_department=previous_department,
    )
    assert may_see(agent, event) is ("suporte" in (department, previous_department))


def test_an_event_without_department_or_agent_reaches_managers_only() -> None:
    """A departmentless, agentless event (an outage-answered message) is hidden from agents."""
    event = RealtimeEvent(kind=RealtimeKind.MESSAGE_RECEIVED, at=T0, conversation_id="c-1")
    agent = User(
        id="u", username="ana", role=Role.AGENT, password_hash="x", created_at=T0,
        departments=frozenset(_DEPTS),
    )  # fmt: skip
    assert not may_see(agent, event)
    assert may_see(attrs.evolve(agent, role=Role.SUPERVISOR), event)


def _outcome(build: Callable[[], T]) -> tuple[T | None, str | None]:
    """What *build* made, or the field its ValidationError named."""
    try:
        return build(), None
    except ValidationError as refused:
        return None, refused.field


any_refs = refs | st.text(max_size=30) | st.from_regex(r"\+?55 ?21 ?9\d{4}-?\d{4}", fullmatch=True)
any_departments = departments | odd_departments | st.text(max_size=40)


@given(
    instants,
    any_refs,
    any_departments,
    st.none() | st.sampled_from(Metric),
    st.sampled_from(SlaState),
    st.none() | instants,
)
def test_an_sla_alert_written_directly_is_the_events_wire_form(
    at: datetime,
    ticket_id: str,
    department: str,
    metric: Metric | None,
    state: SlaState,
    due_at: datetime | None,
) -> None:
    """`sla_alert_wire` (the monitor's fast path) says exactly what `to_wire` says of the same
    event, and refuses exactly what the event refuses."""
    event, refused = _outcome(
        lambda: RealtimeEvent(
            kind=RealtimeKind.SLA_ALERT,
            at=at,
            ticket_id=ticket_id,
            department=department,
            metric=metric,
            sla_state=state,
            due_at=due_at,
        )
    )
    wired, also = _outcome(
        lambda: sla_alert_wire(
            at=at,
            ticket_id=ticket_id,
            department=department,
            metric=metric,
            sla_state=state,
            due_at=due_at,
        )
    )
    assert also == refused
    if event is None or wired is None:
        return
    assert wired.wire == to_wire(event)
    assert event_of(wired) == event
    assert wire_of(wired) == wire_of(event) == to_wire(event)
    assert event_of(event) is event


def test_sla_alert_wire_refuses_a_naive_instant() -> None:
    """As the event does: no instant without its offset goes out."""
    with pytest.raises(ValidationError) as refused:
        sla_alert_wire(
            at=datetime(2026, 3, 2, 12, 0),
            ticket_id="tk-1",
            department="suporte",
            metric=None,
            sla_state=SlaState.WARNING,
            due_at=None,
        )
    assert refused.value.field == "at"


@pytest.mark.parametrize(
    ("metric", "state", "field"), [("speed", "ok", "metric"), (None, "late", "sla_state")]
)
def test_an_unknown_metric_or_state_is_refused_naming_it(
    metric: str | None, state: str, field: str
) -> None:
    """The fast path names the field the event would name for a value outside its enum."""
    with pytest.raises(ValidationError) as refused:
        sla_alert_wire(
            at=datetime(2026, 5, 4, 12, 0, tzinfo=UTC),
            ticket_id="T-1",
            department="suporte",
            metric=metric,  # type: ignore[arg-type]
            sla_state=state,  # type: ignore[arg-type]
            due_at=None,
        )
    assert refused.value.field == field
