"""Server-rendered SVG charts for the console: a heatmap, horizontal bars (grouped or stacked)
and lines. Each is an `<svg role="img">` with its `<title>` and `<desc>`, a `<title>` on every
mark (a pointer or a screen reader gets the figure), sized by its viewBox to fit a 375 px
phone; pages put the same numbers in a table beside it. No script, no inline style (CSP)."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

__all__ = ["PALETTE", "WIDTH", "Series", "bars", "heatmap", "line", "number"]

WIDTH = 360
"""Every chart's viewBox width: about a phone's width, so one unit is about one pixel there."""
PALETTE = ("#0b57d0", "#b3261e", "#146c2e", "#7a4d00", "#6b2fa0", "#3c4450")
"""Series colours (each ≥ 4.5:1 on white); the legend and the table name them too."""
_FONT = 11
_ids = itertools.count(1)


@dataclass(frozen=True, slots=True)
class Series:
    """One named row of values (None: no value at that position)."""

    name: str
    values: tuple[float | None, ...]


def number(value: float | None, unit: str = "") -> str:
    """A value as the charts and tables print it: 12, 12,5 (pt-BR decimal comma), or —."""
    if value is None:
        return "—"
    text = f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}".replace(".", ",")
    return f"{text}{unit}"


def _open(title: str, desc: str, height: float, css: str) -> tuple[str, str]:
    n = next(_ids)
    head = (
        f'<svg class="chart {css}" viewBox="0 0 {WIDTH} {height:.0f}" role="img" '
        f'aria-labelledby="chart-{n}-t chart-{n}-d" xmlns="http://www.w3.org/2000/svg" '
        f'font-size="{_FONT}">'
        f'<title id="chart-{n}-t">{escape(title)}</title><desc id="chart-{n}-d">{escape(desc)}</desc>'
    )
    return head, "</svg>"


def _text(x: float, y: float, text: str, *, anchor: str = "start", css: str = "") -> str:
    klass = f' class="{css}"' if css else ""
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}"{klass}>{escape(text)}</text>'


def _legend(series: Sequence[Series], y: float) -> tuple[str, float]:
    parts, x = [], 0.0
    for i, s in enumerate(series):
        width = 16 + 6.2 * len(s.name)
        if x and x + width > WIDTH:
            x, y = 0.0, y + 16
        parts.append(
            f'<rect x="{x:.1f}" y="{y - 9:.1f}" width="10" height="10" fill="{PALETTE[i % len(PALETTE)]}"/>'
        )
        parts.append(_text(x + 14, y, s.name))
        x += width + 10
    return "".join(parts), y + 8


def heatmap(
    cells: Sequence[Sequence[int]],
    *,
    rows: Sequence[str],
    columns: Sequence[str],
    title: str,
    desc: str,
    unit: str = "",
    label_every: int = 3,
) -> Markup:
    """A grid of counts (``cells[row][column]``), darker for more; each cell's `<title>` says
    "row column: n unit"."""
    left, top, gap = 34.0, 16.0, 1.0
    width = (WIDTH - left) / max(len(columns), 1)
    height = 18.0
    peak = max((max(row, default=0) for row in cells), default=0)
    head, tail = _open(title, desc, top + height * len(rows) + 4, "chart-heatmap")
    parts = [head]
    for c, name in enumerate(columns):
        if c % label_every == 0:
            parts.append(_text(left + c * width + width / 2, top - 4, name, anchor="middle"))
    for r, name in enumerate(rows):
        y = top + r * height
        parts.append(_text(left - 4, y + height / 2 + 4, name, anchor="end"))
        for c, count in enumerate(cells[r]):
            shade = 0.0 if not peak or not count else 0.12 + 0.88 * count / peak
            parts.append(
                f'<rect x="{left + c * width + gap / 2:.1f}" y="{y + gap / 2:.1f}" '
                f'width="{width - gap:.1f}" height="{height - gap:.1f}" fill="#0b57d0" '
                f'fill-opacity="{shade:.2f}" stroke="#cfd5dd" stroke-width="0.5" data-count="{count}">'
                f"<title>{escape(f'{name} {columns[c]}: {count}{unit}')}</title></rect>"
            )
    parts.append(tail)
    return Markup("".join(parts))  # noqa: S704 - every text went through escape()


def bars(
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    title: str,
    desc: str,
    unit: str = "",
    stacked: bool = False,
    max_value: float | None = None,
) -> Markup:
    """Horizontal bars: per label, one bar per series (grouped) or one bar of every series end
    to end (stacked); the label sits above its bars so long names fit a phone. A negative
    value draws no bar (its number is printed)."""
    bar, label_h = 12.0, 15.0
    per_label = label_h + (bar if stacked else bar * len(series)) + 8
    legend_h = 18.0 if len(series) > 1 else 0.0
    totals = [
        sum(s.values[i] or 0 for s in series)
        if stacked
        else max((s.values[i] or 0 for s in series), default=0)
        for i in range(len(labels))
    ]
    scale_max = max_value or max(totals, default=0) or 1
    room = WIDTH - 48
    head, tail = _open(title, desc, legend_h + per_label * len(labels) + 4, "chart-bars")
    parts = [head]
    if legend_h:
        legend, _ = _legend(series, 11)
        parts.append(legend)
    for i, name in enumerate(labels):
        y = legend_h + i * per_label
        parts.append(_text(0, y + 11, name, css="chart-label"))
        x, by = 0.0, y + label_h
        for k, s in enumerate(series):
            value = s.values[i]
            # A negative value (an NPS below zero) draws no bar; its number is still printed.
            length = room * max(value or 0, 0) / scale_max
            colour = PALETTE[k % len(PALETTE)]
            parts.append(
                f'<rect x="{x:.1f}" y="{by:.1f}" width="{length:.1f}" height="{bar - 2:.1f}" fill="{colour}">'
                f"<title>{escape(f'{name} · {s.name}: {number(value, unit)}')}</title></rect>"
            )
            if stacked:
                x += length
            else:
                parts.append(_text(length + 4, by + bar - 3, number(value, unit)))
                by += bar
        if stacked:
            parts.append(_text(x + 4, by + bar - 3, number(totals[i], unit)))
    parts.append(tail)
    return Markup("".join(parts))  # noqa: S704 - every text went through escape()


def line(
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    title: str,
    desc: str,
    unit: str = "",
    min_value: float = 0.0,
    max_value: float | None = None,
) -> Markup:
    """Lines over ordered labels (dates), a dot with its `<title>` on every value; a missing
    value breaks the line. The value axis shows its bounds and middle."""
    left, top, plot_h, bottom = 40.0, 8.0, 150.0, 34.0
    legend_h = 18.0 if len(series) > 1 else 0.0
    values = [v for s in series for v in s.values if v is not None]
    high = max_value if max_value is not None else max(values, default=1.0)
    low = min(min_value, min(values, default=min_value))
    span = (high - low) or 1.0
    width = WIDTH - left - 8
    step = width / max(len(labels) - 1, 1)
    top += legend_h
    head, tail = _open(title, desc, top + plot_h + bottom, "chart-line")
    parts = [head]
    if legend_h:
        legend, _ = _legend(series, 11)
        parts.append(legend)

    def y_of(value: float) -> float:
        return top + plot_h * (1 - (value - low) / span)

    for tick in (low, low + span / 2, high):
        y = y_of(tick)
        parts.append(
            f'<line x1="{left:.1f}" x2="{WIDTH - 8:.1f}" y1="{y:.1f}" y2="{y:.1f}" stroke="#cfd5dd"/>'
        )
        parts.append(_text(left - 4, y + 4, number(tick, unit), anchor="end"))
    every = max(1, -(-len(labels) // 6))
    last = len(labels) - 1
    for i, name in enumerate(labels):
        if i % every == 0 or i == last:
            # The edge labels lean inwards, so none is cut by the chart's border.
            anchor = "start" if i == 0 and last else "end" if i == last and last else "middle"
            parts.append(_text(left + i * step, top + plot_h + 16, name, anchor=anchor))
    for k, s in enumerate(series):
        colour = PALETTE[k % len(PALETTE)]
        runs: list[list[str]] = [[]]
        for i, value in enumerate(s.values):
            if value is None:
                runs.append([])
                continue
            x, y = left + i * step, y_of(value)
            runs[-1].append(f"{x:.1f},{y:.1f}")
            parts.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}">'
                f"<title>{escape(f'{labels[i]} · {s.name}: {number(value, unit)}')}</title></circle>"
            )
        for run in runs:
            if len(run) > 1:
                parts.append(
                    f'<polyline points="{" ".join(run)}" fill="none" stroke="{colour}" stroke-width="2"/>'
                )
    parts.append(tail)
    return Markup("".join(parts))  # noqa: S704 - every text went through escape()
