"""Working weeks and days off: shifts per weekday and holidays (``holidays`` package plus custom)."""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Iterable, Mapping
from datetime import date

import attrs
import holidays as holidays_lib

from lia_core.errors import ValidationError

__all__ = ["HolidayRules", "Shift", "WeeklyHours"]

_SHIFT = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


@attrs.frozen(kw_only=True)
class Shift:
    """One working interval of a day, in minutes after local midnight (end may be 1440)."""

    start: int
    end: int

    def __attrs_post_init__(self) -> None:
        if not 0 <= self.start < self.end <= 1440:
            raise ValidationError(f"bad shift {self.start}-{self.end} minutes", field="shift")

    @classmethod
    def parse(cls, text: str) -> Shift:
        """Parse ``"08:00-12:00"`` (``"24:00"`` allowed as an end)."""
        found = _SHIFT.match(text)
        if found is None:
            raise ValidationError(f"bad shift {text!r}, expected HH:MM-HH:MM", field="shift")
        h1, m1, h2, m2 = (int(g) for g in found.groups())
        if m1 > 59 or m2 > 59:
            raise ValidationError(f"bad shift {text!r}", field="shift")
        return cls(start=h1 * 60 + m1, end=h2 * 60 + m2)


def _shifts(spec: str | Iterable[Shift]) -> tuple[Shift, ...]:
    if isinstance(spec, str):
        parts = [p for p in spec.split(",") if p.strip()]
        return tuple(Shift.parse(p) for p in parts)
    return tuple(spec)


def _check_days(days: tuple[tuple[Shift, ...], ...]) -> None:
    if len(days) != 7:
        raise ValidationError("weekly hours need 7 days (Monday first)", field="days")
    for day in days:
        for before, after in itertools.pairwise(day):
            if after.start < before.end:
                raise ValidationError("shifts of a day must be sorted and apart", field="days")


@attrs.frozen(kw_only=True)
class WeeklyHours:
    """Working shifts for each weekday, Monday (0) to Sunday (6)."""

    days: tuple[tuple[Shift, ...], ...] = attrs.field(validator=lambda _i, _a, v: _check_days(v))

    @classmethod
    def of(cls, by_weekday: Mapping[int, str | Iterable[Shift]]) -> WeeklyHours:
        """Build from ``{0: "08:00-12:00,13:00-18:00", 5: "08:00-12:00"}``; missing days are off."""
        if any(not 0 <= day <= 6 for day in by_weekday):
            raise ValidationError("weekdays are 0 (Monday) to 6 (Sunday)", field="days")
        return cls(days=tuple(_shifts(by_weekday.get(day, ())) for day in range(7)))

    @classmethod
    def always(cls) -> WeeklyHours:
        """Every minute of every day (24/7)."""
        return cls.of(dict.fromkeys(range(7), "00:00-24:00"))

    @property
    def minutes_per_week(self) -> int:
        """Working minutes in a week without holidays."""
        return sum(s.end - s.start for day in self.days for s in day)


@functools.lru_cache(maxsize=4096)
def _package_holidays(country: str, subdiv: str | None, year: int) -> frozenset[date]:
    return frozenset(holidays_lib.country_holidays(country, subdiv=subdiv, years=year))


@functools.lru_cache(maxsize=4096)
def _year_holidays(
    country: str | None, subdivisions: tuple[str, ...], custom: frozenset[date], year: int
) -> frozenset[date]:
    days = {d for d in custom if d.year == year}
    if country is not None:
        for subdiv in subdivisions or (None,):
            days |= _package_holidays(country, subdiv, year)
    return frozenset(days)


@attrs.frozen(kw_only=True)
class HolidayRules:
    """Days off: the ``holidays`` package for a country and subdivisions, plus custom dates.

    ``subdivisions`` are the package's codes, e.g. ``("RJ",)`` for a state or
    ``("SP", "São Paulo Capital")`` for a state and its capital; municipal holidays the package
    does not know go in ``custom``.
    """

    country: str | None = None
    subdivisions: tuple[str, ...] = ()
    custom: frozenset[date] = frozenset()

    def __attrs_post_init__(self) -> None:
        if self.country is None:
            return
        try:
            for subdiv in self.subdivisions or (None,):
                _package_holidays(self.country, subdiv, 2024)
        except NotImplementedError as exc:
            raise ValidationError(str(exc), field="holidays") from exc

    def dates(self, year: int) -> frozenset[date]:
        """Every day off in *year*."""
        return _year_holidays(self.country, self.subdivisions, self.custom, year)

    def __contains__(self, day: date) -> bool:
        return day in self.dates(day.year)
