"""Realtime refusals name the field at fault; the lenient helpers keep a valid value and drop the rest."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from lia_core.domain.realtime import (
    MAX_REF_CHARS,
    RealtimeEvent,
    RealtimeKind,
    check_department,
    check_ref,
    department_or_none,
    from_wire,
    ref_or_none,
    sla_alert_wire,
)
from lia_core.domain.users import MAX_DEPARTMENT_CHARS
from lia_core.errors import ValidationError
from lia_core.sla.readings import SlaState

T0 = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)
NAIVE = datetime(2026, 5, 4, 9, 0)


def test_a_non_json_wire_is_refused_as_the_event() -> None:
    """A wire that is no JSON is refused, naming the event and saying it must be JSON."""
    with pytest.raises(ValidationError) as caught:
        from_wire("{not json")
    assert caught.value.field == "event"
    assert str(caught.value).startswith("a realtime event must be JSON: ")


@pytest.mark.parametrize("raw", ['["sla.alert"]', '{"kind":"sla.alert","at":1}'])
def test_a_wire_other_than_an_object_of_strings_is_refused(raw: str) -> None:
    """A JSON wire that is not an object of strings is refused, naming the event."""
    with pytest.raises(ValidationError) as caught:
        from_wire(raw)
    assert caught.value.field == "event"
    assert str(caught.value) == "a realtime event is an object of strings"


def test_unknown_wire_fields_are_refused_and_listed() -> None:
    """A wire with fields the event does not have is refused, naming the event and the fields."""
    with pytest.raises(ValidationError) as caught:
        from_wire('{"kind":"sla.alert","at":"2026-05-04T09:00:00+00:00","text":"x","b":"y"}')
    assert caught.value.field == "event"
    assert str(caught.value) == "unknown event fields ['b', 'text']"


@pytest.mark.parametrize("raw", ['{"kind":"sla.alert"}', '{"at":"2026-05-04T09:00:00+00:00"}'])
def test_a_wire_without_kind_or_at_is_refused(raw: str) -> None:
    """A wire missing kind or at is refused, naming the event."""
    with pytest.raises(ValidationError) as caught:
        from_wire(raw)
    assert caught.value.field == "event"
    assert str(caught.value) == "a realtime event needs kind and at"


@pytest.mark.parametrize("field", ["at", "due_at", "waiting_since", "expires_at"])
def test_a_malformed_wire_instant_is_refused_naming_its_field(field: str) -> None:
    """An instant on the wire that is not ISO 8601 is refused, naming that instant's field."""
    fields = {"kind": "sla.alert", "at": "2026-05-04T09:00:00+00:00", field: "yesterday"}
    raw = "{" + ",".join(f'"{k}":"{v}"' for k, v in fields.items()) + "}"
    with pytest.raises(ValidationError) as caught:
        from_wire(raw)
    assert caught.value.field == field
    assert str(caught.value) == f"{field} must be an ISO 8601 instant"


@pytest.mark.parametrize(
    ("field", "names"),
    [
        ("kind", ", ".join(RealtimeKind)),
        ("metric", "first_response, resolution"),
        ("sla_state", "ok, warning, breached"),
    ],
)
def test_an_unknown_enum_value_is_refused_naming_its_field(field: str, names: str) -> None:
    """An event's kind, metric or SLA state outside its members is refused, naming the field."""
    values: dict[str, object] = {"kind": RealtimeKind.SLA_ALERT, field: "bogus"}
    with pytest.raises(ValidationError) as caught:
        RealtimeEvent(at=T0, **values)  # type: ignore[arg-type]
    assert caught.value.field == field
    assert str(caught.value) == f"{field} must be one of {names} (got 'bogus')"


def test_a_naive_due_time_is_refused_by_the_sla_alert_wire() -> None:
    """sla_alert_wire refuses a due time without a timezone, naming due_at."""
    with pytest.raises(ValidationError) as caught:
        sla_alert_wire(
            at=T0,
            ticket_id="T-1",
            department="suporte",
            metric=None,
            sla_state=SlaState.BREACHED,
            due_at=NAIVE,
        )
    assert caught.value.field == "due_at"
    assert str(caught.value) == "due_at must be timezone-aware"


def test_ref_refusals_say_why() -> None:
    """check_ref says a malformed reference must be a token, and a phone-bearing one must not carry it."""
    with pytest.raises(ValidationError) as caught:
        check_ref("two words", "agent")
    assert (caught.value.field, str(caught.value)) == (
        "agent",
        f"agent must be a reference of 1 to {MAX_REF_CHARS} letters, digits or _.:@- "
        "(got 'two words')",
    )
    with pytest.raises(ValidationError) as caught:
        check_ref("5511987654321", "agent")
    assert (caught.value.field, str(caught.value)) == (
        "agent",
        "agent must not carry a phone number",
    )


def test_department_refusals_say_why() -> None:
    """check_department says a malformed name must be a department name, and a phone is refused."""
    with pytest.raises(ValidationError) as caught:
        check_department("a,b", "department")
    assert (caught.value.field, str(caught.value)) == (
        "department",
        f"department must be a department name of 1 to {MAX_DEPARTMENT_CHARS} characters",
    )
    with pytest.raises(ValidationError) as caught:
        check_department("+55 11 98765-4321", "department")
    assert (caught.value.field, str(caught.value)) == (
        "department",
        "department must not carry a phone number",
    )


def test_ref_or_none_keeps_a_valid_reference_and_drops_the_rest() -> None:
    """ref_or_none returns a valid reference as it is, and None for None or an invalid one."""
    assert ref_or_none("T-1") == "T-1"
    assert ref_or_none(None) is None
    assert ref_or_none("two words") is None


def test_department_or_none_keeps_a_valid_name_and_drops_the_rest() -> None:
    """department_or_none returns a valid department as it is, and None for None or an invalid one."""
    assert department_or_none("Suporte N2") == "Suporte N2"
    assert department_or_none(None) is None
    assert department_or_none("a,b") is None
