"""How areas read and what a customer's address is matched on."""

from __future__ import annotations

from lia_core.domain.customers import CustomerAddress
from lia_core.domain.regions import (
    AffectedRegions,
    Area,
    CepPrefix,
    CepRange,
    CityArea,
    Location,
)


def test_an_area_lists_its_rules_separated_by_semicolons() -> None:
    """Cities then CEP rules, each once, joined by '; '."""
    area = Area(
        cities=(CityArea.parse("Teresópolis:Centro"), CityArea.parse("Petrópolis")),
        ceps=(CepPrefix(prefix="2595"),),
    )
    assert area.describe() == "Teresópolis (Centro); Petrópolis; CEP 2595*"


def test_regions_with_only_catalogue_entries_read_as_their_names() -> None:
    """With no rules of its own, a failure's regions read as the catalogue names alone."""
    regions = AffectedRegions(region_ids=("serra", "lagos"), region_names=("Serra Verde", "Lagos"))
    assert regions.describe() == "Serra Verde; Lagos"


def test_an_address_is_matched_on_city_bairro_and_cep() -> None:
    """An address with city, bairro and CEP locates on all three."""
    address = CustomerAddress(city="Teresópolis", neighbourhood="Alto", cep="25950-000")
    expected = Location.of(city="Teresópolis", neighbourhood="Alto", cep="25950000")
    assert address.location() == expected
    assert expected.neighbourhood is not None


def test_a_cep_range_covers_its_first_cep() -> None:
    """A CEP range covers its start as well as its end."""
    rule = CepRange(start="25950000", end="25959999")
    assert rule.covers(Location.of(cep="25950000"))
    assert rule.covers(Location.of(cep="25959999"))
    assert not rule.covers(Location.of(cep="25949999"))
