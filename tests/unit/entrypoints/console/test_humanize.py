"""How the console shows instants: relative times in pt-BR and dates in the ISP's timezone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lia_core.domain.delivery_policy import FailureKind
from lia_entrypoints.console.humanize import countdown, error_kind, relative, when, when_input

NOW = datetime(2026, 5, 20, 17, 30, tzinfo=UTC)
SAO_PAULO = ZoneInfo("America/Sao_Paulo")


@pytest.mark.parametrize(
    ("delta", "expected"),
    [
        (timedelta(seconds=-30), "agora"),
        (timedelta(seconds=59), "agora"),
        (timedelta(minutes=-5), "há 5 min"),
        (timedelta(hours=-1, minutes=-10), "há 1h"),
        (timedelta(hours=11, minutes=30), "em 11h"),
        (timedelta(days=1, hours=3), "em 1 dia"),
        (timedelta(days=-17), "há 17 dias"),
    ],
)
def test_relative_reads_like_the_seed(delta: timedelta, expected: str) -> None:
    assert relative(NOW + delta, NOW) == expected


@given(st.integers(min_value=-(10**8), max_value=10**8))
def test_relative_says_past_or_future_by_the_sign_alone(seconds: int) -> None:
    text = relative(NOW + timedelta(seconds=seconds), NOW)
    if abs(seconds) < 60:
        assert text == "agora"
    else:
        assert text.startswith("em " if seconds > 0 else "há ")
        assert int(text.split()[1].rstrip("h")) >= 1


def test_dates_are_shown_in_the_isp_timezone_with_the_year_only_when_it_differs() -> None:
    assert when(NOW, SAO_PAULO, NOW) == "20/05 14:30"
    assert when(NOW - timedelta(days=365), SAO_PAULO, NOW) == "20/05/2025 14:30"
    assert when_input(NOW, SAO_PAULO) == "2026-05-20T14:30"
    assert when_input(None, SAO_PAULO) == ""


def test_every_delivery_failure_kind_reads_in_portuguese() -> None:
    for kind in FailureKind:
        assert error_kind(kind.value) != kind.value, kind
    assert error_kind("gave_up") == "desistência"
    assert error_kind("something-new") == "something-new"  # shown as is rather than hidden


@pytest.mark.parametrize(
    ("delta", "expected"),
    [
        (timedelta(minutes=2, seconds=5), "02:05"),
        (timedelta(seconds=0), "00:00"),
        (timedelta(hours=1, minutes=2, seconds=3), "1:02:03"),
        (timedelta(seconds=-30), "-00:30"),
        (timedelta(hours=-2, minutes=-1), "-2:01:00"),
    ],
)
def test_countdown_reads_as_live_js_shows_it(delta: timedelta, expected: str) -> None:
    """The first render of a countdown: mm:ss, h:mm:ss past an hour, a minus once overdue."""
    assert countdown(NOW + delta, NOW) == expected
