"""Working hours as typed by an administrator, and which SLA rule a ticket falls under:
shifts and weekdays refused with the field and the reason, rules matched condition by
condition, the next opening found across the end of a year."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lia_core.errors import ValidationError
from lia_core.sla import (
    BusinessCalendar,
    HolidayRules,
    PolicyRule,
    Priority,
    Severity,
    SlaPolicy,
    TicketFacts,
    WeeklyHours,
)
from lia_core.sla.workweek import Shift

from .oracle import PROPERTIES

SAO_PAULO = ZoneInfo("America/Sao_Paulo")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("8-12", "bad shift '8-12', expected HH:MM-HH:MM"),
        ("08:00 12:00", "bad shift '08:00 12:00', expected HH:MM-HH:MM"),
        ("08:60-12:00", "bad shift '08:60-12:00'"),
        ("08:00-12:60", "bad shift '08:00-12:60'"),
    ],
)
def test_a_malformed_shift_is_refused_naming_the_field(text: str, message: str) -> None:
    with pytest.raises(ValidationError) as refused:
        Shift.parse(text)
    assert str(refused.value) == message
    assert refused.value.field == "shift"


def test_the_last_minute_of_an_hour_is_a_valid_shift_bound() -> None:
    assert Shift.parse("08:59-12:59") == Shift(start=8 * 60 + 59, end=12 * 60 + 59)


@pytest.mark.parametrize("day", [-1, 7])
def test_weekdays_run_from_monday_0_to_sunday_6(day: int) -> None:
    with pytest.raises(ValidationError) as refused:
        WeeklyHours.of({day: "08:00-12:00"})
    assert str(refused.value) == "weekdays are 0 (Monday) to 6 (Sunday)"
    assert refused.value.field == "days"
    assert WeeklyHours.of({6: "08:00-12:00"}).days[6] == (Shift(start=480, end=720),)


OFFICE = BusinessCalendar(hours=WeeklyHours.of({d: "08:00-18:00" for d in range(5)}))


def test_the_next_opening_is_given_in_utc() -> None:
    """Open: the instant itself, in UTC; closed: the next shift's start, in UTC."""
    open_at = datetime(2026, 5, 4, 10, 0, tzinfo=SAO_PAULO)
    assert OFFICE.next_opening(open_at) == open_at
    assert OFFICE.next_opening(open_at).tzinfo is UTC
    evening = datetime(2026, 5, 4, 19, 0, tzinfo=SAO_PAULO)
    assert OFFICE.next_opening(evening) == datetime(2026, 5, 5, 11, 0, tzinfo=UTC)


@pytest.mark.parametrize("year", [2026, 2027, 2030])
def test_the_next_opening_after_new_years_eve_is_in_the_next_year(year: int) -> None:
    """The calendar's tables grow year by year: the opening after the year's last evening is
    found in the next year (its first working day, after the holidays)."""
    eve = datetime(year, 12, 31, 20, 0, tzinfo=SAO_PAULO)
    opening = OFFICE.next_opening(eve).astimezone(SAO_PAULO)
    assert opening.year == year + 1
    assert (opening.hour, opening.minute) == (8, 0)
    assert OFFICE.is_open(opening)
    assert opening.date() == min(
        d for d in (opening.date().replace(day=n) for n in range(1, 8)) if OFFICE.is_working_day(d)
    )


POLICY = SlaPolicy(name="p", calendar=OFFICE, by_priority={})


@PROPERTIES
@given(
    priorities=st.frozensets(st.sampled_from(list(Priority))),
    severities=st.frozensets(st.sampled_from(list(Severity))),
    departments=st.frozensets(st.sampled_from(["suporte", "financeiro"])),
    channels=st.frozensets(st.sampled_from(["whatsapp", "sms"])),
    vip=st.sampled_from([None, True, False]),
    facts=st.builds(
        TicketFacts,
        priority=st.sampled_from(list(Priority)),
        severity=st.none() | st.sampled_from(list(Severity)),
        department=st.none() | st.sampled_from(["suporte", "financeiro", "vendas"]),
        channel=st.none() | st.sampled_from(["whatsapp", "sms", "push"]),
        vip=st.booleans(),
    ),
)
def test_a_rule_matches_when_every_condition_it_sets_holds(
    priorities: frozenset[Priority],
    severities: frozenset[Severity],
    departments: frozenset[str],
    channels: frozenset[str],
    vip: bool | None,
    facts: TicketFacts,
) -> None:
    """Each condition on its own: empty (or None) holds always, else the fact must be in it."""
    rule = PolicyRule(
        policy=POLICY,
        priorities=priorities,
        severities=severities,
        departments=departments,
        channels=channels,
        vip=vip,
    )
    expected = all(
        [
            not priorities or facts.priority in priorities,
            not severities or facts.severity in severities,
            not departments or facts.department in departments,
            not channels or facts.channel in channels,
            vip is None or facts.vip is vip,
        ]
    )
    assert rule.matches(facts) is expected


@pytest.mark.parametrize(
    ("rule", "matching", "other"),
    [
        (
            PolicyRule(policy=POLICY, severities=frozenset({Severity.CRITICAL})),
            TicketFacts(priority=Priority.LOW, severity=Severity.CRITICAL),
            TicketFacts(priority=Priority.LOW, severity=Severity.LOW),
        ),
        (
            PolicyRule(policy=POLICY, departments=frozenset({"financeiro"})),
            TicketFacts(priority=Priority.LOW, department="financeiro"),
            TicketFacts(priority=Priority.LOW, department="suporte"),
        ),
        (
            PolicyRule(policy=POLICY, channels=frozenset({"whatsapp"})),
            TicketFacts(priority=Priority.LOW, channel="whatsapp"),
            TicketFacts(priority=Priority.LOW, channel="sms"),
        ),
    ],
)
def test_each_condition_selects_its_tickets(
    rule: PolicyRule, matching: TicketFacts, other: TicketFacts
) -> None:
    assert rule.matches(matching)
    assert not rule.matches(other)


def test_a_year_of_holidays_is_skipped_to_the_next_opening() -> None:
    """Open on Mondays only, every Monday of 2027 a holiday: from 30 December 2026 the next
    opening is Monday 3 January 2028, past the years the calendar's table first covers."""
    mondays = frozenset(date(2027, 1, 4) + timedelta(weeks=n) for n in range(52))
    calendar = BusinessCalendar(
        hours=WeeklyHours.of({0: "08:00-18:00"}), holidays=HolidayRules(custom=mondays)
    )
    opening = calendar.next_opening(datetime(2026, 12, 30, 12, 0, tzinfo=SAO_PAULO))
    assert opening == datetime(2028, 1, 3, 8, 0, tzinfo=SAO_PAULO)
