"""The SLA clock at its edges: exact instants where a clock stops, pauses, warns or breaches."""

from __future__ import annotations

from datetime import timedelta

import pytest

from lia_core.sla import ClockReading, Metric, Outcome, SlaState

from .clocks import at, one_hour_clock


def test_a_running_clock_reports_every_field() -> None:
    """20 minutes into a one-hour target: due at 60, a third used, OK, running, no outcome."""
    assert one_hour_clock(20) == ClockReading(
        metric=Metric.RESOLUTION,
        started_at=at(0),
        due_at=at(60),
        target=timedelta(hours=1),
        elapsed=timedelta(minutes=20),
        fraction=20 / 60,
        state=SlaState.OK,
        paused=False,
        stopped_at=None,
        outcome=None,
    )


def test_a_clock_stopped_exactly_now_has_its_outcome() -> None:
    """A stop at `now` itself is a stop: the outcome is known and the stop reported."""
    reading = one_hour_clock(30, stopped_at=at(30))
    assert (reading.outcome, reading.stopped_at, reading.elapsed) == (
        Outcome.HIT,
        at(30),
        timedelta(minutes=30),
    )


def test_a_stop_one_second_after_now_is_not_yet_a_stop() -> None:
    """A stop later than `now` is ignored: the clock runs up to now, without outcome."""
    reading = one_hour_clock(30, stopped_at=at(30) + timedelta(seconds=1))
    assert (reading.outcome, reading.stopped_at, reading.elapsed) == (
        None,
        None,
        timedelta(minutes=30),
    )


def test_now_before_the_start_counts_nothing() -> None:
    """Read before it starts, a clock has used nothing and is due one target after its start."""
    reading = one_hour_clock(-30)
    assert (reading.elapsed, reading.fraction, reading.state, reading.due_at) == (
        timedelta(0),
        0.0,
        SlaState.OK,
        at(60),
    )


def test_a_stopped_clock_with_a_stop_before_its_start_counts_nothing() -> None:
    """A stop recorded before the start (clock skew) counts zero time: a hit, not negative time."""
    reading = one_hour_clock(30, stopped_at=at(-5))
    assert (reading.elapsed, reading.outcome) == (timedelta(0), Outcome.HIT)


def test_exactly_at_the_target_a_running_clock_is_breached_and_a_stopped_one_hit() -> None:
    """The target is a limit: reaching it while running breaches, stopping on it is still a hit."""
    running = one_hour_clock(60)
    assert (running.state, running.fraction) == (SlaState.BREACHED, 1.0)
    stopped = one_hour_clock(90, stopped_at=at(60))
    assert (stopped.state, stopped.outcome) == (SlaState.WARNING, Outcome.HIT)
    late = one_hour_clock(90, stopped_at=at(60) + timedelta(seconds=1))
    assert (late.state, late.outcome) == (SlaState.BREACHED, Outcome.MISS)


def test_the_warning_starts_exactly_at_the_threshold() -> None:
    """At exactly 70 % used the clock warns; just before it, it is OK."""
    assert one_hour_clock(42).state is SlaState.WARNING
    assert one_hour_clock(42 - 1 / 60).state is SlaState.OK
    assert one_hour_clock(30, warning_at=0.5).state is SlaState.WARNING


def test_a_pause_still_open_now_pauses_theone_hour_clock() -> None:
    """An open pause begun before (or exactly at) now: paused, and no time counted since it began."""
    reading = one_hour_clock(40, pauses=((at(10), None),))
    assert (reading.paused, reading.elapsed, reading.due_at) == (
        True,
        timedelta(minutes=10),
        at(90),
    )
    assert one_hour_clock(40, pauses=((at(40), None),)).paused is True


def test_an_open_pause_does_not_pause_a_stoppedone_hour_clock() -> None:
    """Once stopped, a clock is not paused, whatever waits are open."""
    reading = one_hour_clock(40, stopped_at=at(30), pauses=((at(10), None),))
    assert (reading.paused, reading.elapsed, reading.outcome) == (
        False,
        timedelta(minutes=10),
        Outcome.HIT,
    )


def test_a_closed_pause_is_cut_at_now_and_at_the_start() -> None:
    """A pause reaching past now counts only up to now; one begun before the start only from it."""
    past_now = one_hour_clock(40, pauses=((at(30), at(50)),))
    assert (past_now.elapsed, past_now.paused) == (timedelta(minutes=30), False)
    before_start = one_hour_clock(40, pauses=((at(-20), at(10)),))
    assert before_start.elapsed == timedelta(minutes=30)
    assert before_start.due_at == at(70)


def test_a_pause_entirely_before_the_start_changes_nothing() -> None:
    """Waits that ended before the clock started neither pause it nor move its due time."""
    assert one_hour_clock(40, pauses=((at(-20), at(-10)),)) == one_hour_clock(40)


@pytest.mark.parametrize("now", [10, 29, 31])
def test_a_deadline_is_a_wall_clock_instant(now: int) -> None:
    """With a deadline, the target is start to deadline and the fraction its wall-time share."""
    reading = one_hour_clock(now, deadline=at(30))
    assert (reading.due_at, reading.target, reading.elapsed) == (
        at(30),
        timedelta(minutes=30),
        timedelta(minutes=now),
    )
    assert reading.fraction == now / 30
    assert reading.state is (
        SlaState.BREACHED if now > 30 else SlaState.OK if now < 21 else SlaState.WARNING
    )


def test_a_deadline_reached_while_running_breaches_but_a_stop_on_it_hits() -> None:
    """At the deadline a running clock is breached; one that stopped exactly then is a hit."""
    assert one_hour_clock(30, deadline=at(30)).state is SlaState.BREACHED
    stopped = one_hour_clock(40, deadline=at(30), stopped_at=at(30))
    assert (stopped.outcome, stopped.state) == (Outcome.HIT, SlaState.WARNING)


@pytest.mark.parametrize("deadline", [0, -10])
def test_a_deadline_at_or_before_the_start_is_already_consumed(deadline: int) -> None:
    """No time to spare: a zero target, an infinite fraction, breached at once."""
    reading = one_hour_clock(5, deadline=at(deadline))
    assert (reading.target, reading.fraction, reading.state) == (
        timedelta(0),
        float("inf"),
        SlaState.BREACHED,
    )


def test_while_paused_past_now_the_due_time_is_counted_from_now() -> None:
    """A pause recorded to end after now: the due time is now plus what is left, not its end."""
    reading = one_hour_clock(40, pauses=((at(30), at(50)),))
    assert reading.due_at == at(70)


def test_a_deadline_under_a_second_away_still_has_a_fraction() -> None:
    """Half a second to a deadline, read a quarter second in: half used, OK, not infinite."""
    reading = one_hour_clock(0.25 / 60, deadline=at(0.5 / 60))
    assert (reading.fraction, reading.state) == (0.5, SlaState.OK)


def test_a_target_used_up_exactly_when_a_pause_begins_is_due_then() -> None:
    """60 of 60 minutes used at minute 60, then a pause to 80: due at 60, not at the pause's end."""
    reading = one_hour_clock(90, pauses=((at(60), at(80)),))
    assert (reading.due_at, reading.elapsed) == (at(60), timedelta(minutes=70))


def test_pauses_recorded_beyond_now_count_only_up_to_now() -> None:
    """A wait running past now and one planned after it: 30 minutes counted at minute 40."""
    reading = one_hour_clock(40, pauses=((at(30), at(50)), (at(55), at(70))))
    assert (reading.elapsed, reading.due_at) == (timedelta(minutes=30), at(70))
