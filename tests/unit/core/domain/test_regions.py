"""How a failure's regions read: its own rules, then its catalogue regions by name."""

from __future__ import annotations

import attrs
import pytest

from lia_core.domain.regions import AffectedRegions, Area, CepRange, CityArea, parse_cep_rule
from lia_core.errors import ValidationError


def test_catalogue_regions_are_described_by_name_or_else_by_id() -> None:
    centro = AffectedRegions(area=Area(cities=(CityArea.parse("Teresópolis:Centro"),)))
    by_id = attrs.evolve(centro, region_ids=("serra", "lagos"))
    assert by_id.describe() == "Teresópolis (Centro); serra; lagos"
    named = by_id.named({"serra": "Serra Verde"})
    assert named.region_names == ("Serra Verde", "lagos")
    assert named.describe() == "Teresópolis (Centro); Serra Verde; lagos"
    with pytest.raises(ValueError, match="name every region id"):
        AffectedRegions(region_ids=("serra", "lagos"), region_names=("Serra Verde",))


def test_a_one_cep_range_is_allowed() -> None:
    """A range may start and end on the same CEP (it covers that one)."""
    assert parse_cep_rule("25950-000..25950-000") == CepRange(start="25950000", end="25950000")


def test_a_range_splits_at_its_first_dots() -> None:
    """The first '..' separates start from end; later dots are the end's punctuation."""
    assert parse_cep_rule("25950000..25959..999") == CepRange(start="25950000", end="25959999")


@pytest.mark.parametrize(
    "spec", ["2595..25959-999", "25950-000..2595", "25950-000..25949-999", "2595x"]
)
def test_a_bad_rule_is_refused_naming_the_callers_field(spec: str) -> None:
    """A bad start, end, order or prefix is refused naming the field the caller gave."""
    with pytest.raises(ValidationError) as refused:
        parse_cep_rule(spec, field="regions[0].ceps")
    assert refused.value.field == "regions[0].ceps"
