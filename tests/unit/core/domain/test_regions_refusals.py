"""Refusals and readable forms of regions: the message, and the field a refusal names."""

from __future__ import annotations

import pytest

from lia_core.domain.regions import Area, CepPrefix, CityArea, NamedRegion, validate_region_id
from lia_core.errors import ValidationError

_SOME_AREA = Area(cities=(CityArea.parse("Teresópolis"),))


def test_a_bad_region_id_is_refused_as_region_id_by_default() -> None:
    """A region id that is not a lowercase slug is refused, naming 'region_id' and the input."""
    with pytest.raises(ValidationError) as refused:
        validate_region_id("Serra Verde")
    assert refused.value.field == "region_id"
    assert str(refused.value) == (
        "region id must be a lowercase slug of letters, digits, '-' or '_' "
        "(at most 63 characters), got 'Serra Verde'"
    )


def test_a_region_with_a_blank_name_is_refused_naming_name() -> None:
    """A catalogue region whose name is only spaces is refused on 'name'."""
    with pytest.raises(ValidationError) as refused:
        NamedRegion.define(region_id="serra", name="  \t ", area=_SOME_AREA)
    assert refused.value.field == "name"
    assert str(refused.value) == "region name must not be blank"


def test_a_region_without_rules_is_refused_naming_cities() -> None:
    """A catalogue region with no city and no CEP rule is refused on 'cities'."""
    with pytest.raises(ValidationError) as refused:
        NamedRegion.define(region_id="serra", name="Serra", area=Area())
    assert refused.value.field == "cities"
    assert str(refused.value) == "a region needs at least one city or CEP rule"


def test_a_city_with_an_empty_bairro_list_is_refused_as_regions_by_default() -> None:
    """``CITY:`` with no bairro after the colon is refused on 'regions', quoting the spec."""
    with pytest.raises(ValidationError) as refused:
        CityArea.parse("Teresópolis: , ")
    assert refused.value.field == "regions"
    assert str(refused.value) == "no bairro after ':' in 'Teresópolis: , '"


def test_a_city_with_an_empty_bairro_list_names_the_callers_field() -> None:
    """The missing-bairro refusal names the field the caller gave."""
    with pytest.raises(ValidationError) as refused:
        CityArea.parse("Teresópolis:", field="regions[2]")
    assert refused.value.field == "regions[2]"


@pytest.mark.parametrize("spec", [" :Centro", "  "])
def test_a_blank_city_names_the_callers_field(spec: str) -> None:
    """A blank city, with or without bairros, is refused on the caller's field."""
    with pytest.raises(ValidationError) as refused:
        CityArea.parse(spec, field="regions[2]")
    assert refused.value.field == "regions[2]"
    assert str(refused.value) == "city name must not be blank"


def test_a_blank_city_is_refused_as_regions_by_default() -> None:
    """Without a field, a blank city is refused on 'regions'."""
    with pytest.raises(ValidationError) as refused:
        CityArea.parse(":Centro")
    assert refused.value.field == "regions"


@pytest.mark.parametrize(
    ("prefix", "text"),
    [
        ("2", "CEP 2*"),
        ("2595", "CEP 2595*"),
        ("2595012", "CEP 2595012*"),
        ("25950123", "CEP 25950-123"),
    ],
)
def test_a_cep_prefix_reads_with_a_star_unless_it_is_a_whole_cep(prefix: str, text: str) -> None:
    """A partial CEP prefix reads with a trailing '*'; a whole CEP reads as ``NNNNN-NNN``."""
    assert CepPrefix(prefix=prefix).describe() == text
