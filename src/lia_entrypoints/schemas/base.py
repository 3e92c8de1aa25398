"""What every public shape shares: the frozen output base, local times, reading an instant."""

from __future__ import annotations

from datetime import datetime, tzinfo

from pydantic import BaseModel, ConfigDict

from lia_core.errors import ValidationError

__all__ = ["Out", "local", "parse_instant"]


class Out(BaseModel):
    """Base of every output shape: frozen, documented by its attribute docstrings."""

    model_config = ConfigDict(frozen=True, use_attribute_docstrings=True)


def local(value: datetime | None, tz: tzinfo) -> datetime | None:
    """*value* in the ISP's timezone *tz*, or None."""
    return value.astimezone(tz) if value is not None else None


def parse_instant(raw: str | datetime, tz: tzinfo, *, field: str) -> datetime:
    """Read an ISO 8601 time; one without an offset is taken in the ISP's timezone *tz*."""
    if isinstance(raw, datetime):
        value = raw
    else:
        try:
            value = datetime.fromisoformat(raw.strip())
        except ValueError:
            raise ValidationError(
                f"not an ISO 8601 time: {raw!r} (e.g. 2026-05-21T02:00 or 2026-05-21T02:00-03:00)",
                field=field,
            ) from None
    return value if value.utcoffset() is not None else value.replace(tzinfo=tz)
