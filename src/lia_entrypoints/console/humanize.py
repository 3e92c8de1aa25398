"""How the console shows instants: in the ISP's timezone, with a relative time in pt-BR."""

from __future__ import annotations

from datetime import datetime, tzinfo

__all__ = ["countdown", "error_kind", "relative", "when", "when_input"]

_MINUTE = 60
_HOUR = 60 * _MINUTE
_DAY = 24 * _HOUR


def relative(at: datetime, now: datetime) -> str:
    """ "há 1h", "em 11h", "agora": how far *at* is from *now*, rounded down to one unit."""
    seconds = int((at - now).total_seconds())
    span = abs(seconds)
    if span < _MINUTE:
        return "agora"
    if span < _HOUR:
        amount = f"{span // _MINUTE} min"
    elif span < _DAY:
        amount = f"{span // _HOUR}h"
    else:
        days = span // _DAY
        amount = "1 dia" if days == 1 else f"{days} dias"
    return f"em {amount}" if seconds > 0 else f"há {amount}"


def countdown(due: datetime, now: datetime) -> str:
    """ "04:59", "1:02:03", "-00:30": the time left until *due* as live.js shows it each second
    (the first render, and what a page without script keeps)."""
    seconds = int((due - now).total_seconds())
    span = abs(seconds)
    hours, rest = divmod(span, 3600)
    minutes, secs = divmod(rest, 60)
    text = f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"
    return f"-{text}" if seconds < 0 else text


def when(at: datetime, tz: tzinfo, now: datetime | None = None) -> str:
    """ "20/05 14:30" in *tz*; the year is added when it is not *now*'s year."""
    local = at.astimezone(tz)
    same_year = now is not None and now.astimezone(tz).year == local.year
    return local.strftime("%d/%m %H:%M" if same_year else "%d/%m/%Y %H:%M")


def when_input(at: datetime | None, tz: tzinfo) -> str:
    """The value of an ``<input type="datetime-local">`` for *at* in *tz* ("" for none)."""
    return "" if at is None else at.astimezone(tz).strftime("%Y-%m-%dT%H:%M")


_ERROR_KINDS = {
    "permanent": "permanente",
    "unreachable": "destinatário inalcançável",
    "rate_limited": "limite de envio",
    "transient": "temporário",
    "uncertain": "sem confirmação",
    "channel_down": "canal indisponível",
    "gave_up": "desistência",
}


def error_kind(kind: str) -> str:
    """How a delivery failure's kind (the core's `FailureKind` value) reads in pt-BR."""
    return _ERROR_KINDS.get(kind, kind)
