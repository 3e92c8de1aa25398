"""Building a customer's location and a city area: each field's key, and each refusal's words."""

from __future__ import annotations

import pytest

from lia_core.domain.regions import CityArea, Location
from lia_core.errors import ValidationError


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ({"city": "Teresópolis"}, Location(city="teresopolis")),
        ({"cep": "25953-120"}, Location(cep="25953120")),
        (
            {"city": "Teresópolis", "neighbourhood": "Alto"},
            Location(city="teresopolis", neighbourhood="alto"),
        ),
        ({"city": "Teresópolis", "cep": "25953-120"}, Location(city="teresopolis", cep="25953120")),
        (
            {"city": "São  José", "neighbourhood": "Várzea", "cep": " 25.953-120 "},
            Location(city="sao jose", neighbourhood="varzea", cep="25953120"),
        ),
    ],
)
def test_a_location_keeps_each_part_given_folded(given: dict[str, str], expected: Location) -> None:
    """City and bairro become their folded keys, the CEP its 8 digits; absent parts stay None."""
    assert Location.of(**given) == expected


@pytest.mark.parametrize("blank", ["", "   "])
def test_a_blank_cep_beside_a_city_is_no_cep(blank: str) -> None:
    """An empty or blank CEP from a CRM means no CEP, not a malformed one."""
    assert Location.of(city="Teresópolis", cep=blank) == Location(city="teresopolis")


@pytest.mark.parametrize("blank", ["", "  -  "])
def test_a_blank_bairro_or_city_is_no_bairro_or_city(blank: str) -> None:
    """An empty name, or one that folds to nothing, counts as absent."""
    assert Location.of(city="Teresópolis", neighbourhood=blank) == Location(city="teresopolis")
    assert Location.of(city=blank, cep="25953120") == Location(cep="25953120")


def test_a_malformed_cep_is_refused_on_cep() -> None:
    """A CEP that is given but not 8 digits is refused, not dropped."""
    with pytest.raises(ValidationError) as refused:
        Location.of(city="Teresópolis", cep="2595")
    assert (refused.value.field, str(refused.value)) == (
        "cep",
        "CEP must have 8 digits (e.g. 25953-120), got '2595'",
    )


@pytest.mark.parametrize(
    "given",
    [{"neighbourhood": "Alto"}, {"neighbourhood": "Alto", "cep": "25953-120"}],
)
def test_a_bairro_without_its_city_is_refused_on_city(given: dict[str, str]) -> None:
    """A bairro alone, even with a CEP, cannot be placed: refused on 'city'."""
    with pytest.raises(ValidationError) as refused:
        Location.of(**given)
    assert (refused.value.field, str(refused.value)) == ("city", "a bairro needs its city")


@pytest.mark.parametrize("given", [{}, {"city": " ", "cep": " "}])
def test_a_location_with_no_city_and_no_cep_is_refused_on_city(given: dict[str, str]) -> None:
    """Neither a city nor a CEP: nothing to match, refused on 'city'."""
    with pytest.raises(ValidationError) as refused:
        Location.of(**given)
    assert (refused.value.field, str(refused.value)) == ("city", "give at least a city or a CEP")


def test_a_city_area_keeps_names_as_written_with_single_spaces() -> None:
    """City and bairros keep their spelling, inner white space reduced to one space."""
    area = CityArea.of("  São   José \t", ["  Alto  da  Serra ", "Várzea"])
    assert (area.city, area.neighbourhoods) == ("São José", ("Alto da Serra", "Várzea"))


def test_a_city_area_drops_bairros_that_fold_alike_keeping_the_first() -> None:
    """Bairros equal after folding are kept once, as first written, in order."""
    area = CityArea.of("Teresópolis", ("Várzea", "Alto", "VARZEA", " alto ", "Centro"))
    assert area.neighbourhoods == ("Várzea", "Alto", "Centro")


def test_a_city_area_without_bairros_is_the_whole_city() -> None:
    """No bairros given: an empty tuple."""
    assert CityArea.of("Teresópolis") == CityArea(city="Teresópolis", neighbourhoods=())


@pytest.mark.parametrize("city", ["", "  ", "-"])
def test_a_blank_city_area_is_refused_on_regions_by_default(city: str) -> None:
    """A city name that folds to nothing is refused on 'regions' unless the caller names one."""
    with pytest.raises(ValidationError) as refused:
        CityArea.of(city, ["Centro"])
    assert (refused.value.field, str(refused.value)) == ("regions", "city name must not be blank")


@pytest.mark.parametrize("bairro", ["", "  ", "."])
def test_a_blank_bairro_is_refused_quoting_its_city(bairro: str) -> None:
    """A bairro that folds to nothing is refused on the caller's field, naming the city."""
    with pytest.raises(ValidationError) as default:
        CityArea.of(" São  José ", ["Centro", bairro])
    assert (default.value.field, str(default.value)) == (
        "regions",
        "blank bairro in city 'São José'",
    )
    with pytest.raises(ValidationError) as named:
        CityArea.of("São José", [bairro], field="regions[1]")
    assert named.value.field == "regions[1]"
