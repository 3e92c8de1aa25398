"""The failure index agrees with a brute-force scan, and CEP ranges decompose exactly."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lia_core.domain.failures import FailureStatus, MassiveFailure, Severity
from lia_core.domain.matching import FailureIndex, covering_area, match_failures
from lia_core.domain.regions import (
    AffectedRegions,
    Area,
    CepRange,
    CityArea,
    Location,
    NamedRegion,
    parse_cep_rule,
)
from lia_core.errors import ValidationError
from lia_core.testing import cep_digits, failures, locations, named_regions


def brute_force(
    location: Location, all_failures: list[MassiveFailure], catalogue: dict[str, NamedRegion]
) -> list[str]:
    """The oracle: scan every active failure and test every rule directly."""
    hits = [
        f
        for f in all_failures
        if f.status is FailureStatus.ACTIVE and covering_area(f, catalogue).covers(location)
    ]
    hits.sort(key=lambda f: (-f.severity.rank, f.starts_at, f.id))
    return [f.id for f in hits]


REGION_IDS = ("serra", "centro", "vale")


@settings(max_examples=300)
@given(
    catalogue=st.lists(st.sampled_from(REGION_IDS), unique=True).flatmap(
        lambda ids: st.tuples(*[named_regions(rid) for rid in ids])
    ),
    all_failures=st.lists(failures(region_ids=REGION_IDS), max_size=12),
    probes=st.lists(locations(), min_size=1, max_size=10),
)
def test_index_agrees_with_brute_force(
    catalogue: tuple[NamedRegion, ...], all_failures: list[MassiveFailure], probes: list[Location]
) -> None:
    """For random failures, catalogues and locations, the index (and `match_failures` over it)
    returns exactly the oracle's answer."""
    by_id = {r.id: r for r in catalogue}
    index = FailureIndex.build(all_failures, by_id)
    for location in probes:
        assert [f.id for f in index.match(location)] == brute_force(location, all_failures, by_id)
        assert match_failures(location, index) == index.match(location)


@given(st.tuples(cep_digits(), cep_digits()), st.lists(cep_digits(), max_size=20))
def test_range_prefixes_cover_exactly_the_range(bounds: tuple[str, str], probes: list[str]) -> None:
    """A CEP is in a range exactly when it starts with one of the range's prefixes."""
    rule = CepRange(start=min(bounds), end=max(bounds))
    prefixes = rule.prefixes()
    assert len(prefixes) <= 2 * 9 * 8
    for cep in [*probes, rule.start, rule.end]:
        inside = rule.start <= cep <= rule.end
        assert inside == any(cep.startswith(p) for p in prefixes)


def test_aligned_range_is_one_prefix() -> None:
    """The issue's range 25950-000..25959-999 is the single prefix 2595."""
    rule = parse_cep_rule("25950-000..25959-999")
    assert rule.prefixes() == ("2595",)


def _active(fid: str, area: Area, *, region_ids: tuple[str, ...] = ()) -> MassiveFailure:
    now = datetime(2026, 5, 20, 14, 30, tzinfo=UTC)
    return MassiveFailure.declare(
        failure_id=fid,
        name=fid,
        notification_message="Olá {nome}",
        resolution_message=None,
        severity=Severity.HIGH,
        regions=AffectedRegions(area=area, region_ids=region_ids),
        starts_at=None,
        estimated_resolution=None,
        by="sup",
        now=now,
    )


def test_issue_example_matches_bairro_and_cep_but_not_petropolis() -> None:
    """Teresópolis (Centro, Alto) + CEP range matches "teresopolis / ALTO" and 25953-120, not Petrópolis."""
    failure = _active(
        "f1",
        Area(
            cities=(CityArea.parse("Teresópolis:Centro,Alto"),),
            ceps=(parse_cep_rule("25950-000..25959-999"),),
        ),
    )
    index = FailureIndex.build([failure], {})
    assert index.match(Location.of(city="teresopolis", neighbourhood="ALTO")) == (failure,)
    assert index.match(Location.of(cep="25953-120")) == (failure,)
    assert index.match(Location.of(city="Petrópolis")) == ()
    assert index.match(Location.of(city="Teresópolis", neighbourhood="Várzea")) == ()


def test_whole_city_rule_matches_any_bairro() -> None:
    """A city without bairros covers every bairro of it."""
    failure = _active("f1", Area(cities=(CityArea.parse("Magé"),)))
    index = FailureIndex.build([failure], {})
    assert index.match(Location.of(city="MAGE", neighbourhood="Piabetá")) == (failure,)


def test_catalogue_region_is_resolved_when_building() -> None:
    """A failure naming a catalogue region covers that region's rules."""
    region = NamedRegion.define(
        region_id="serra", name="Serra", area=Area(cities=(CityArea.parse("Nova Friburgo"),))
    )
    failure = _active("f1", Area(), region_ids=("serra",))
    index = FailureIndex.build([failure], {"serra": region})
    assert index.match(Location.of(city="nova friburgo")) == (failure,)
    assert FailureIndex.build([failure], {}).match(Location.of(city="nova friburgo")) == ()


def test_a_backwards_cep_range_is_refused_naming_it() -> None:
    """END before START: refused with the range quoted, under `ceps` unless told another field."""
    with pytest.raises(ValidationError) as refused:
        parse_cep_rule("25959-999..25950-000")
    assert refused.value.field == "ceps"
    assert str(refused.value) == "CEP range '25959-999..25950-000' starts after it ends"
    with pytest.raises(ValidationError) as elsewhere:
        parse_cep_rule("25959-999..25950-000", field="regions")
    assert elsewhere.value.field == "regions"


@pytest.mark.parametrize(
    ("start", "end"),
    [("25950000", "25959998"), ("25950000", "25950998"), ("25900000", "25999998")],
)
def test_a_range_one_short_of_a_block_stops_at_its_end(start: str, end: str) -> None:
    """A range ending one CEP before a whole block does not take the block: its end is in,
    the next CEP is out."""
    prefixes = CepRange(start=start, end=end).prefixes()
    after = str(int(end) + 1).zfill(8)
    assert any(end.startswith(p) for p in prefixes)
    assert not any(after.startswith(p) for p in prefixes)


def test_a_region_without_an_id_is_refused_naming_id() -> None:
    """The catalogue's id field is `id`, as the API calls it."""
    with pytest.raises(ValidationError) as refused:
        NamedRegion.define(region_id="", name="Centro", area=Area(cities=(CityArea.parse("Magé"),)))
    assert refused.value.field == "id"


def test_an_id_not_in_the_index_gets_none() -> None:
    """Looking up a failure that is not indexed (resolved, unknown) answers None."""
    assert FailureIndex.build([], {}).get("f-unknown") is None
