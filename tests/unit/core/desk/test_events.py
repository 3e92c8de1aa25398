"""The desk's realtime events: `sla.alert` per threshold crossed, references that cannot travel left out."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lia_core.desk.events import sla_alert_wires, sla_alerts
from lia_core.domain.realtime import RealtimeKind, to_wire
from lia_core.domain.tickets import EventKind
from lia_core.sla.readings import Metric, SlaState

T0 = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
DUE = "2026-03-02T16:00:00+00:00"


def test_one_alert_per_crossing_with_its_clock_state_and_due_time() -> None:
    events = [
        (EventKind.SLA_WARNING, {"clock": "resolution", "due_at": DUE}),
        (EventKind.PRIVATE_NOTE, {}),
        (EventKind.SLA_BREACHED, {"clock": "first_response", "due_at": DUE}),
    ]
    alerts = sla_alerts("tk-0001", "suporte", events, at=T0)
    assert [(a.kind, a.ticket_id, a.department, a.metric, a.sla_state) for a in alerts] == [
        (RealtimeKind.SLA_ALERT, "tk-0001", "suporte", Metric.RESOLUTION, SlaState.WARNING),
        (RealtimeKind.SLA_ALERT, "tk-0001", "suporte", Metric.FIRST_RESPONSE, SlaState.BREACHED),
    ]
    assert {a.due_at for a in alerts} == {datetime.fromisoformat(DUE)}


@pytest.mark.parametrize(
    ("ticket_id", "department", "kept"),
    [
        ("tk 1", "suporte", (None, "suporte")),  # a space: no reference
        ("tk-1", "21 98765-4321", ("tk-1", None)),  # a phone number: no department
        ("5521987654321", "a,b", (None, None)),
    ],
)
def test_a_reference_that_cannot_travel_is_left_out_not_failed(
    ticket_id: str, department: str, kept: tuple[str | None, str | None]
) -> None:
    """The alert still goes (to supervisors and admins when its department is left out)."""
    (alert,) = sla_alerts(
        ticket_id, department, [(EventKind.SLA_WARNING, {"clock": "bogus"})], at=T0
    )
    assert (alert.ticket_id, alert.department) == kept
    assert alert.metric is None
    assert alert.due_at is None


@given(
    st.text(max_size=20) | st.sampled_from(["tk-0001", "5521987654321", "tk 1"]),
    st.text(max_size=20) | st.sampled_from(["suporte", "21 98765-4321", "a,b"]),
    st.lists(
        st.tuples(
            st.sampled_from(EventKind),
            st.fixed_dictionaries(
                {},
                optional={
                    "clock": st.sampled_from(["resolution", "first_response", "bogus"]),
                    "due_at": st.just(DUE),
                },
            ),
        ),
        max_size=4,
    ),
)
def test_the_encoded_alerts_are_the_alerts_wire_forms(
    ticket_id: str, department: str, events: list[tuple[EventKind, dict[str, str]]]
) -> None:
    """What the monitor publishes (`sla_alert_wires`) is `sla_alerts`, encoded: the same
    crossings, and a reference that cannot travel left out the same way."""
    wires = [e.wire for e in sla_alert_wires(ticket_id, department, events, at=T0)]
    assert wires == [to_wire(a) for a in sla_alerts(ticket_id, department, events, at=T0)]
