"""How a failure's regions read: its own rules, then its catalogue regions by name."""

from __future__ import annotations

import attrs
import pytest

from lia_core.domain.regions import AffectedRegions, Area, CityArea


def test_catalogue_regions_are_described_by_name_or_else_by_id() -> None:
    centro = AffectedRegions(area=Area(cities=(CityArea.parse("Teresópolis:Centro"),)))
    by_id = attrs.evolve(centro, region_ids=("serra", "lagos"))
    assert by_id.describe() == "Teresópolis (Centro); serra; lagos"
    named = by_id.named({"serra": "Serra Verde"})
    assert named.region_names == ("Serra Verde", "lagos")
    assert named.describe() == "Teresópolis (Centro); Serra Verde; lagos"
    with pytest.raises(ValueError, match="name every region id"):
        AffectedRegions(region_ids=("serra", "lagos"), region_names=("Serra Verde",))
