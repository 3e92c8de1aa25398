"""Agent capacity and skill rules: exact bounds, normalised names, refusals naming their field."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from lia_core.domain.agents import (
    MAX_CAPACITY,
    MAX_SKILL_CHARS,
    AgentProfile,
    Presence,
    validate_capacity,
    validate_skills,
)
from lia_core.errors import ValidationError

T0 = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize("raw", [0, 1, MAX_CAPACITY - 1, MAX_CAPACITY])
def test_capacity_bounds_are_inclusive(raw: int) -> None:
    """Capacities from 0 to MAX_CAPACITY, both ends included, are kept as given."""
    assert validate_capacity(raw) == raw


@pytest.mark.parametrize("raw", [-1, MAX_CAPACITY + 1])
def test_capacity_out_of_range_is_refused_naming_capacity(raw: int) -> None:
    """A capacity outside 0..MAX_CAPACITY is refused with the range, the value and field capacity."""
    with pytest.raises(ValidationError) as caught:
        validate_capacity(raw)
    assert str(caught.value) == f"capacity must be between 0 and {MAX_CAPACITY}, not {raw}"
    assert caught.value.field == "capacity"


def test_skills_are_trimmed_lower_cased_and_blanks_dropped() -> None:
    """Every skill is trimmed and lower-cased; blank entries are skipped, not the rest."""
    assert validate_skills([" Sales ", "", "   ", "Billing", "SALES"]) == frozenset(
        {"sales", "billing"}
    )


def test_a_skill_of_the_maximum_length_is_kept() -> None:
    """A skill of exactly MAX_SKILL_CHARS characters is accepted."""
    name = "a" * MAX_SKILL_CHARS
    assert validate_skills([name]) == frozenset({name})


@pytest.mark.parametrize("raw", ["a" * (MAX_SKILL_CHARS + 1), "a,b", ",", "Tier 1,Tier 2"])
def test_a_long_or_comma_skill_is_refused_naming_skills(raw: str) -> None:
    """A skill longer than MAX_SKILL_CHARS or with a comma is refused, naming field skills."""
    with pytest.raises(ValidationError) as caught:
        validate_skills(["ok", raw])
    name = raw.strip().lower()
    assert str(caught.value) == (
        f"skill {name!r} must be 1 to {MAX_SKILL_CHARS} characters, no comma"
    )
    assert caught.value.field == "skills"


def test_presence_is_kept_at_exactly_the_time_limit() -> None:
    """A heartbeat exactly ttl old still counts; only an older one reads as offline."""
    ttl = timedelta(seconds=60)
    agent = AgentProfile(username="ana", status=Presence.ONLINE, last_seen_at=T0)
    assert agent.presence_at(T0 + ttl, ttl) is Presence.ONLINE
    assert agent.presence_at(T0 + ttl + timedelta(microseconds=1), ttl) is Presence.OFFLINE
