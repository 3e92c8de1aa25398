"""The console's SVG charts: well-formed, titled and described, one mark per value with its
own title, sizes proportional to the values, text escaped, a phone-wide viewBox."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from lia_entrypoints.console.charts import WIDTH, Series, bars, heatmap, line, number

NS = {"svg": "http://www.w3.org/2000/svg"}


def parse(svg: str) -> ET.Element:
    """The chart as an XML tree (fails on malformed markup)."""
    return ET.fromstring(svg)  # noqa: S314 - our own output, the point is to parse it


def labelled(root: ET.Element) -> tuple[str, str]:
    """The chart's accessible name and description, through aria-labelledby."""
    ids = root.attrib["aria-labelledby"].split()
    found = {el.attrib.get("id"): (el.text or "") for el in root.iter()}
    return found[ids[0]], found[ids[1]]


def test_heatmap_marks_every_cell_with_its_count() -> None:
    """7 x 24 rects, each with its count in a title; the fullest cell is the darkest, an empty
    one transparent; the chart is named and described."""
    cells = [[0] * 24 for _ in range(7)]
    cells[0][9], cells[6][23] = 4, 2
    root = parse(
        heatmap(
            cells,
            rows=list("STQQSSD"),
            columns=[f"{h}h" for h in range(24)],
            title="Novas",
            desc="Por dia",
        )
    )
    assert root.attrib["role"] == "img"
    assert root.attrib["viewBox"].startswith(f"0 0 {WIDTH} ")
    assert labelled(root) == ("Novas", "Por dia")
    rects = root.findall("svg:rect", NS)
    assert len(rects) == 7 * 24
    by_count = {r.attrib["data-count"]: float(r.attrib["fill-opacity"]) for r in rects}
    assert by_count["4"] == 1.0
    assert 0 < by_count["2"] < 1.0
    assert by_count["0"] == 0.0
    assert rects[9].find("svg:title", NS).text == "S 9h: 4"  # type: ignore[union-attr]


def test_bars_are_proportional_and_named() -> None:
    """Grouped: each bar's length follows its value; stacked: one row end to end; a missing
    value is a zero-length bar printed as —."""
    svg = bars(
        ["Alta", "Baixa"],
        [Series("cumprido", (8.0, 2.0)), Series("perdido", (4.0, None))],
        title="SLA",
        desc="d",
    )
    rects = parse(svg).findall("svg:rect", NS)[2:]  # after the two legend swatches
    widths = [float(r.attrib["width"]) for r in rects]
    assert widths[0] == 2 * widths[1] == 4 * widths[2]
    assert widths[3] == 0
    assert "perdido: —" in svg
    stacked = parse(
        bars(
            ["Alta"], [Series("a", (1.0,)), Series("b", (3.0,))], title="t", desc="d", stacked=True
        )
    )
    a, b = stacked.findall("svg:rect", NS)[2:]
    assert float(b.attrib["x"]) == float(a.attrib["width"])
    assert float(b.attrib["width"]) == 3 * float(a.attrib["width"])


def test_line_breaks_where_a_value_is_missing() -> None:
    """A dot per value, a polyline per unbroken run; the highest value sits highest."""
    root = parse(
        line(
            ["1", "2", "3", "4", "5"],
            [Series("NPS", (10.0, 50.0, None, 30.0, 40.0))],
            title="t",
            desc="d",
        )
    )
    dots = root.findall("svg:circle", NS)
    assert len(dots) == 4
    highest = min(dots, key=lambda d: float(d.attrib["cy"])).find("svg:title", NS)
    assert highest is not None
    assert highest.text == "2 · NPS: 50"
    assert len(root.findall("svg:polyline", NS)) == 2


def test_text_is_escaped() -> None:
    """A label with markup stays text."""
    svg = bars(["<b>&</b>"], [Series("x", (1.0,))], title="<t>", desc="d")
    root = parse(svg)
    assert "<b>" not in svg
    assert labelled(root)[0] == "<t>"


def test_numbers_use_a_decimal_comma() -> None:
    """12 stays 12, 12.5 reads 12,5, a unit follows, None is a dash."""
    assert (number(12.0), number(12.5, "%"), number(None)) == ("12", "12,5%", "—")
