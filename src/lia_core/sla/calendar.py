"""Business calendars: weekly working hours in a timezone, minus holidays.

Business time is measured on a lazily built index of UTC working intervals with running totals,
so elapsed time and due times cost a binary search, never a minute-by-minute walk.
"""

from __future__ import annotations

import bisect
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import attrs

from lia_core.errors import DomainError, ValidationError
from lia_core.sla.workweek import HolidayRules, WeeklyHours

__all__ = ["BusinessCalendar"]

_MAX_YEARS = 50
"""A calendar that needs more than this many years to find one due time is refused."""


@attrs.frozen
class _Table:
    """UTC working intervals (epoch seconds) for whole years, with running business totals."""

    first_year: int = 0
    last_year: int = -1
    starts: list[float] = attrs.Factory(list)
    ends: list[float] = attrs.Factory(list)
    before: list[float] = attrs.Factory(list)
    """Business seconds between the table origin and each interval's start."""
    through: list[float] = attrs.Factory(list)
    """Business seconds between the table origin and each interval's end."""

    def position(self, ts: float) -> float:
        """Business seconds from the table origin to *ts* (which the table covers)."""
        i = bisect.bisect_right(self.starts, ts) - 1
        if i < 0:
            return 0.0
        end = self.ends[i]
        return self.before[i] + (ts if ts < end else end) - self.starts[i]

    def instant(self, target: float) -> float:
        """The first instant at which *target* business seconds from the origin are reached."""
        j = bisect.bisect_left(self.through, target)
        return self.starts[j] + (target - self.before[j])


@attrs.define
class _Index:
    """The current table; replaced whole (never mutated), so concurrent readers stay consistent."""

    table: _Table = attrs.Factory(_Table)


@attrs.frozen(kw_only=True)
class BusinessCalendar:
    """When the ISP works: weekly hours in a timezone, minus holidays."""

    hours: WeeklyHours
    timezone: str = "America/Sao_Paulo"
    holidays: HolidayRules = attrs.field(factory=HolidayRules)
    _zone: ZoneInfo = attrs.field(init=False, eq=False, repr=False)
    _index: _Index = attrs.field(init=False, eq=False, repr=False, factory=_Index)

    @_zone.default
    def _load_zone(self) -> ZoneInfo:
        try:
            return ZoneInfo(self.timezone)
        except (KeyError, ValueError) as exc:
            raise ValidationError(f"unknown timezone {self.timezone!r}", field="timezone") from exc

    def __attrs_post_init__(self) -> None:
        if self.hours.minutes_per_week == 0:
            raise ValidationError("a business calendar needs working hours", field="hours")

    @classmethod
    def always(cls, timezone: str = "UTC") -> BusinessCalendar:
        """A 24/7 calendar without holidays: business time equals wall time."""
        return cls(hours=WeeklyHours.always(), timezone=timezone)

    def is_open(self, at: datetime) -> bool:
        """Whether aware instant *at* falls inside working hours (start included, end excluded)."""
        ts = at.timestamp()
        local_day = datetime.fromtimestamp(ts, self._zone).date()
        for day in (local_day - timedelta(days=1), local_day):
            for start, end in self._day_intervals(day):
                if start <= ts < end:
                    return True
        return False

    def next_opening(self, at: datetime) -> datetime:
        """*at* itself when open, else the start of the next working interval (UTC)."""
        if self.is_open(at):
            return at.astimezone(UTC)
        ts = at.timestamp()
        table = self._table(ts, ts)
        i = bisect.bisect_right(table.starts, ts)
        while i >= len(table.starts):
            table = self._cover(self._year(ts), table.last_year + 1)
            i = bisect.bisect_right(table.starts, ts)
        return datetime.fromtimestamp(table.starts[i], UTC)

    def is_working_day(self, day: date) -> bool:
        """Whether *day* (local) has shifts and is not a holiday."""
        return bool(self.hours.days[day.weekday()]) and day not in self.holidays

    def working_intervals(self, day: date) -> tuple[tuple[datetime, datetime], ...]:
        """The UTC working intervals of local *day* (empty on holidays and days off)."""
        return tuple(
            (datetime.fromtimestamp(a, UTC), datetime.fromtimestamp(b, UTC))
            for a, b in self._day_intervals(day)
        )

    def _day_intervals(self, day: date) -> list[tuple[float, float]]:
        if not self.is_working_day(day):
            return []
        out = []
        for shift in self.hours.days[day.weekday()]:
            out.append((self._local_ts(day, shift.start), self._local_ts(day, shift.end)))
        return out

    def _local_ts(self, day: date, minute: int) -> float:
        if minute == 1440:
            day, minute = day + timedelta(days=1), 0
        local = datetime.combine(day, time(minute // 60, minute % 60), tzinfo=self._zone)
        return local.timestamp()

    def _cover(self, low: int, high: int) -> _Table:
        """A table covering local years *low* to *high*, their neighbours and the current range.

        The current range is kept only while the union stays within the limit; otherwise the
        index is rebuilt for the years asked for, so no answer depends on earlier calls.
        """
        first, last = low - 1, high + 1
        if last - first > _MAX_YEARS + 2:
            raise DomainError(f"no business time found within {_MAX_YEARS} years")
        current = self._index.table
        if current.last_year >= 0:
            wider = min(first, current.first_year), max(last, current.last_year)
            if wider[1] - wider[0] <= _MAX_YEARS + 2:
                first, last = wider
        starts: list[float] = []
        ends: list[float] = []
        before: list[float] = []
        through: list[float] = []
        total = 0.0
        day = date(first, 1, 1)
        stop = date(last, 12, 31)
        while day <= stop:
            for a, b in self._day_intervals(day):
                if ends and a < ends[-1]:
                    a = ends[-1]  # an ambiguous DST hour shared with the previous day
                if b <= a:
                    continue
                starts.append(a)
                ends.append(b)
                before.append(total)
                total += b - a
                through.append(total)
            day += timedelta(days=1)
        table = _Table(first, last, starts, ends, before, through)
        self._index.table = table
        return table

    def _year(self, ts: float) -> int:
        return datetime.fromtimestamp(ts, self._zone).year

    def _table(self, start: float, end: float) -> _Table:
        """A table covering both instants (*start* <= *end*)."""
        table = self._index.table
        # Inlined covers(): this runs for every clock reading.
        starts = table.starts
        if starts and starts[0] < start and end < table.ends[-1]:
            return table
        return self._cover(self._year(start), self._year(end))

    def business_seconds(self, start: float, end: float) -> float:
        """Business seconds between two epoch instants (0 when *end* is not after *start*)."""
        if end <= start:
            return 0.0
        table = self._table(start, end)
        return table.position(end) - table.position(start)

    def add_seconds(self, start: float, seconds: float) -> float:
        """The first epoch instant at which *seconds* of business time have passed since *start*."""
        if seconds <= 0:
            return start
        table = self._table(start, start)
        target = table.position(start) + seconds
        while not table.through or target > table.through[-1]:
            table = self._cover(self._year(start), table.last_year + 1)
            target = table.position(start) + seconds
        return table.instant(target)

    def measure_and_add(self, start: float, end: float, seconds: float) -> tuple[float, float]:
        """``business_seconds(start, end)`` and ``add_seconds(start, seconds)`` in one lookup."""
        if seconds <= 0 or end <= start:
            return self.business_seconds(start, end), self.add_seconds(start, seconds)
        table = self._table(start, end)
        origin = table.position(start)
        target = origin + seconds
        if not table.through or target > table.through[-1]:
            return table.position(end) - origin, self.add_seconds(start, seconds)
        return table.position(end) - origin, table.instant(target)

    def business_time(self, start: datetime, end: datetime) -> timedelta:
        """Working time between two aware instants."""
        return timedelta(seconds=self.business_seconds(start.timestamp(), end.timestamp()))

    def add_business_time(self, start: datetime, duration: timedelta) -> datetime:
        """The first instant at which *duration* of working time has passed since *start*."""
        due = self.add_seconds(start.timestamp(), duration.total_seconds())
        return datetime.fromtimestamp(due, UTC)
