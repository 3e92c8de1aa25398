"""Terminal rendering: aligned tables, key/value blocks, local times, ``--json`` documents."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime, tzinfo

import click
from pydantic import BaseModel

__all__ = ["emit_json", "fields", "local_time", "table", "truncate"]

JsonDocument = BaseModel | Mapping[str, object]


def emit_json(document: JsonDocument) -> None:
    """Print exactly one JSON document on stdout."""
    data = document.model_dump(mode="json") if isinstance(document, BaseModel) else document
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def local_time(value: datetime | None, tz: tzinfo) -> str:
    """``2026-05-21 02:00 -03`` in the ISP's timezone, or ``-`` when absent."""
    if value is None:
        return "-"
    local = value.astimezone(tz)
    offset = local.strftime("%z")
    short = offset[:3] if offset.endswith("00") else f"{offset[:3]}:{offset[3:]}"
    return f"{local:%Y-%m-%d %H:%M} {short}"


def truncate(text: str, width: int) -> str:
    """Cut *text* to *width* characters, marking the cut with an ellipsis."""
    return text if len(text) <= width else text[: max(width - 1, 0)] + "…"


def table(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    widths: Mapping[str, int] | None = None,
) -> str:
    """Left-aligned columns separated by two spaces; *widths* caps chosen columns."""
    caps = widths or {}
    cells = [
        [
            truncate(cell, caps.get(header, len(cell)))
            for header, cell in zip(headers, row, strict=True)
        ]
        for row in rows
    ]
    sizes = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(headers)]
    lines = [[*headers], *cells]
    return "\n".join(
        "  ".join(cell.ljust(size) for cell, size in zip(line, sizes, strict=True)).rstrip()
        for line in lines
    )


def fields(pairs: Sequence[tuple[str, str]]) -> str:
    """A ``Label   value`` block with the values aligned."""
    width = max((len(label) for label, _ in pairs), default=0)
    return "\n".join(f"{label.ljust(width)}  {value}" for label, value in pairs)
