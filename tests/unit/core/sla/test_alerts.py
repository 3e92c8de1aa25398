"""SLA alert decisions: once per ticket, clock and state, repeated only after the cooldown."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lia_core.errors import ValidationError
from lia_core.sla import (
    AlertPolicy,
    ClockReading,
    Metric,
    NoClock,
    NoClockReason,
    Outcome,
    SlaAlert,
    SlaState,
    SlaStatus,
    decide_alerts,
)

from .oracle import PROPERTIES

NOW = datetime(2026, 5, 4, 12, 0, tzinfo=UTC)


def _status(ticket: str, state: SlaState, *, outcome: Outcome | None = None) -> SlaStatus:
    reading = ClockReading(
        metric=Metric.RESOLUTION,
        started_at=NOW - timedelta(hours=1),
        due_at=NOW + timedelta(minutes=10),
        target=timedelta(hours=1),
        elapsed=timedelta(minutes=50),
        fraction=50 / 60,
        state=state,
        outcome=outcome,
    )
    return SlaStatus(
        ticket_id=ticket,
        policy="standard",
        first_response=NoClock(metric=Metric.FIRST_RESPONSE, reason=NoClockReason.NOT_STARTED),
        resolution=reading,
    )


def test_warning_then_breach_each_alert_once() -> None:
    """A warning alerts once; the later breach alerts too; repeating the call adds nothing."""
    first = decide_alerts([_status("t", SlaState.WARNING)], [], now=NOW)
    assert [(a.ticket_id, a.state) for a in first] == [("t", SlaState.WARNING)]
    assert (
        decide_alerts([_status("t", SlaState.WARNING)], first, now=NOW + timedelta(minutes=1)) == ()
    )
    breach = decide_alerts([_status("t", SlaState.BREACHED)], first, now=NOW + timedelta(minutes=2))
    assert [a.state for a in breach] == [SlaState.BREACHED]


def test_cooldown_allows_a_reminder() -> None:
    """After the cooldown the same state alerts again; with no cooldown, never."""
    sent = decide_alerts([_status("t", SlaState.BREACHED)], [], now=NOW)
    policy = AlertPolicy(cooldown=timedelta(minutes=30))
    assert (
        decide_alerts(
            [_status("t", SlaState.BREACHED)], sent, policy, now=NOW + timedelta(minutes=29)
        )
        == ()
    )
    assert (
        len(
            decide_alerts(
                [_status("t", SlaState.BREACHED)], sent, policy, now=NOW + timedelta(minutes=30)
            )
        )
        == 1
    )
    once = AlertPolicy(cooldown=None)
    assert (
        decide_alerts([_status("t", SlaState.BREACHED)], sent, once, now=NOW + timedelta(days=9))
        == ()
    )


def test_ok_stopped_and_silenced_warnings_do_not_alert() -> None:
    """OK clocks, stopped clocks and (when switched off) warnings emit nothing."""
    statuses = [
        _status("ok", SlaState.OK),
        _status("done", SlaState.BREACHED, outcome=Outcome.MISS),
        _status("warn", SlaState.WARNING),
    ]
    assert decide_alerts(statuses, [], AlertPolicy(warn=False), now=NOW) == ()


@PROPERTIES
@given(
    st.lists(
        st.tuples(
            st.sampled_from("abc"),
            st.sampled_from([SlaState.WARNING, SlaState.BREACHED]),
            st.integers(0, 120),
        ),
        max_size=30,
    ),
    st.integers(1, 60),
)
def test_no_two_alerts_for_a_key_within_the_cooldown(
    ticks: list[tuple[str, SlaState, int]], cooldown: int
) -> None:
    """Feeding alerts back in over time never emits the same key twice within the cooldown."""
    gap = timedelta(minutes=cooldown)
    policy = AlertPolicy(cooldown=gap)
    sent: list[SlaAlert] = []
    for ticket, state, minute in sorted(ticks, key=lambda t: t[2]):
        sent.extend(
            decide_alerts(
                [_status(ticket, state)], sent, policy, now=NOW + timedelta(minutes=minute)
            )
        )
    for earlier in sent:
        for later in sent:
            same = (earlier.ticket_id, earlier.state) == (later.ticket_id, later.state)
            if same and earlier.at < later.at:
                assert later.at - earlier.at >= gap
        assert sum(a == earlier for a in sent) == 1


def test_an_alert_carries_the_clocks_due_time_and_state() -> None:
    """What the desk shows from an alert: the reading's metric, state and due time, at *now*."""
    [alert] = decide_alerts([_status("t", SlaState.BREACHED)], [], now=NOW)
    assert (alert.metric, alert.state, alert.at) == (Metric.RESOLUTION, SlaState.BREACHED, NOW)
    assert alert.due_at == NOW + timedelta(minutes=10)


def _both(ticket: str, first: ClockReading, resolution: ClockReading) -> SlaStatus:
    return SlaStatus(
        ticket_id=ticket, policy="standard", first_response=first, resolution=resolution
    )


def _reading(metric: Metric, state: SlaState, outcome: Outcome | None = None) -> ClockReading:
    reading = _status("x", state, outcome=outcome).resolution
    assert isinstance(reading, ClockReading)
    return attrs.evolve(reading, metric=metric)


def test_a_quiet_first_clock_does_not_hide_the_resolution_clock() -> None:
    """Each clock of a ticket is decided on its own: a stopped or OK first-response clock
    still lets the resolution clock's breach through."""
    breached = _reading(Metric.RESOLUTION, SlaState.BREACHED)
    for quiet in (
        _reading(Metric.FIRST_RESPONSE, SlaState.OK),
        _reading(Metric.FIRST_RESPONSE, SlaState.OK, outcome=Outcome.HIT),
    ):
        [alert] = decide_alerts([_both("t", quiet, breached)], [], now=NOW)
        assert (alert.metric, alert.state) == (Metric.RESOLUTION, SlaState.BREACHED)


def test_a_ticket_listed_twice_alerts_once() -> None:
    """Within one decision a key alerts once, even when the same status comes twice."""
    twice = [_status("t", SlaState.BREACHED), _status("t", SlaState.BREACHED)]
    assert len(decide_alerts(twice, [], now=NOW)) == 1


def test_the_cooldown_may_be_zero_but_not_negative() -> None:
    """Zero repeats at every tick; a negative cooldown is refused, naming the field."""
    assert AlertPolicy(cooldown=timedelta(0)).cooldown == timedelta(0)
    with pytest.raises(ValidationError) as refused:
        AlertPolicy(cooldown=timedelta(seconds=-1))
    assert str(refused.value) == "the alert cooldown cannot be negative"
    assert refused.value.field == "cooldown"


def test_a_clock_in_its_cooldown_does_not_hold_back_the_other_clock() -> None:
    """The first-response breach alerted a minute ago and is skipped; the resolution breach of
    the same ticket, not alerted yet, still alerts."""
    status = _both(
        "t",
        _reading(Metric.FIRST_RESPONSE, SlaState.BREACHED),
        _reading(Metric.RESOLUTION, SlaState.BREACHED),
    )
    sent = [a for a in decide_alerts([status], [], now=NOW) if a.metric is Metric.FIRST_RESPONSE]
    later = decide_alerts([status], sent, now=NOW + timedelta(minutes=1))
    assert [a.metric for a in later] == [Metric.RESOLUTION]
