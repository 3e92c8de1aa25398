"""Filling the customer-facing texts: placeholders and the next opening time in pt-BR."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from lia_core.sla import BusinessCalendar

__all__ = ["fill", "opening_text"]

_WEEKDAYS = (
    "segunda-feira", "terça-feira", "quarta-feira", "quinta-feira", "sexta-feira", "sábado",
    "domingo",
)  # fmt: skip


def fill(template: str, **values: str) -> str:
    """*template* with each ``{name}`` replaced; other braces are left as written."""
    # str.replace, not str.format: an integrator's text may hold other braces.
    for name, value in values.items():
        template = template.replace("{" + name + "}", value)
    return template


def opening_text(opens_at: datetime, calendar: BusinessCalendar | None) -> str:
    """When humans return, as customers read it: "segunda-feira, 07/12 às 08:00" (local time)."""
    zone = ZoneInfo(calendar.timezone) if calendar is not None else opens_at.tzinfo
    local = opens_at.astimezone(zone)
    return f"{_WEEKDAYS[local.weekday()]}, {local:%d/%m} às {local:%H:%M}"
