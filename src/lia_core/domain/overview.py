"""The overview's heatmap: new conversations by weekday and hour in the desk's timezone, folded
from per-slot counts (`ports.overview.SLOT`); pure, so the fold is tested without storage."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta, tzinfo

import attrs

from lia_core.errors import ValidationError
from lia_core.ports.overview import SLOT
from lia_core.validation import aware

__all__ = [
    "DEFAULT_WEEKS",
    "HOURS",
    "MAX_WEEKS",
    "WEEKDAYS",
    "Heatmap",
    "fold_arrivals",
    "slot_start",
    "window",
]

WEEKDAYS = 7
"""Rows of the heatmap: Monday (0) to Sunday (6), as `datetime.weekday`."""
HOURS = 24
"""Columns of the heatmap: the local hour, 0 to 23."""
DEFAULT_WEEKS = 4
"""Weeks the overview looks back when none is chosen."""
MAX_WEEKS = 52
"""The longest look back (a year)."""
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def slot_start(at: datetime) -> datetime:
    """The start of the `SLOT` holding *at* (UTC, slots counted from the Unix epoch)."""
    return _EPOCH + SLOT * ((at - _EPOCH) // SLOT)


@attrs.frozen(kw_only=True)
class Heatmap:
    """New conversations per local weekday x hour over [since, until)."""

    since: datetime = attrs.field(validator=aware)
    until: datetime = attrs.field(validator=aware)
    cells: tuple[tuple[int, ...], ...]
    """``cells[weekday][hour]``: a 7 x 24 grid of counts."""

    @property
    def total(self) -> int:
        """Every conversation counted."""
        return sum(sum(row) for row in self.cells)

    @property
    def peak(self) -> int:
        """The largest cell (0 when empty): the darkest shade."""
        return max((max(row) for row in self.cells), default=0)


def window(now: datetime, weeks: int) -> tuple[datetime, datetime]:
    """*weeks* whole weeks ending with the slot holding *now* (so what arrived this minute
    counts): each weekday and hour appears *weeks* times. Raises ValidationError (field
    ``weeks``) outside 1..`MAX_WEEKS`."""
    if not 1 <= weeks <= MAX_WEEKS:
        raise ValidationError(
            f"weeks must be between 1 and {MAX_WEEKS}, not {weeks}", field="weeks"
        )
    until = slot_start(now) + SLOT
    return until - timedelta(weeks=weeks), until


def fold_arrivals(
    arrivals: Mapping[datetime, int], tz: tzinfo, *, since: datetime, until: datetime
) -> Heatmap:
    """The heatmap of per-slot counts (slot starts, aware) read in *tz*: a slot lies in one
    local hour because every offset is a whole number of quarter hours."""
    grid = [[0] * HOURS for _ in range(WEEKDAYS)]
    for start, count in arrivals.items():
        local = start.astimezone(tz)
        grid[local.weekday()][local.hour] += count
    return Heatmap(since=since, until=until, cells=tuple(tuple(row) for row in grid))
