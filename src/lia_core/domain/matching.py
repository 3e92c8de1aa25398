"""The index that answers "which active failures cover this location?" with hash lookups only.

Every rule becomes keys of three flat dicts whose values are the ready answers: the whole
city, the city+bairro pair, and CEP prefixes (ranges are decomposed into decimal prefixes at
build time). A lookup makes a fixed number of probes: one for the city, one for the bairro
and one per distinct prefix length in use (at most 9), whatever the number of failures and
rules. Only a location covered through several keys pays for merging their answers.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping

import attrs

from lia_core.domain.failures import FailureStatus, MassiveFailure
from lia_core.domain.regions import Area, Location, NamedRegion

__all__ = ["FailureIndex", "covering_area", "match_failures"]

_Answer = tuple[MassiveFailure, ...]
_BAIRRO_SEPARATOR = "\x00"  # never produced by `fold`, so "city\x00bairro" keys cannot collide


def covering_area(failure: MassiveFailure, catalogue: Mapping[str, NamedRegion]) -> Area:
    """The failure's own rules plus those of the catalogue regions it names (unknown ids add nothing)."""
    cities = list(failure.regions.area.cities)
    ceps = list(failure.regions.area.ceps)
    for region_id in failure.regions.region_ids:
        region = catalogue.get(region_id)
        if region is not None:
            cities += region.area.cities
            ceps += region.area.ceps
    return Area(cities=tuple(cities), ceps=tuple(ceps))


def _priority(failure: MassiveFailure) -> tuple[int, object, str]:
    return (-failure.severity.rank, failure.starts_at, failure.id)


@attrs.frozen
class FailureIndex:
    """An immutable lookup structure over the active failures; rebuild it when they change."""

    _ordered: tuple[MassiveFailure, ...]
    _rank: Mapping[str, int]
    _by_city: Mapping[str, _Answer]
    _by_bairro: Mapping[str, _Answer]
    _by_prefix: Mapping[str, _Answer]
    _prefix_lengths: tuple[int, ...]

    @classmethod
    def build(
        cls, failures: Iterable[MassiveFailure], catalogue: Mapping[str, NamedRegion]
    ) -> FailureIndex:
        """Index the *active* failures among *failures*, resolving catalogue regions once."""
        ordered = tuple(
            sorted((f for f in failures if f.status is FailureStatus.ACTIVE), key=_priority)
        )
        by_city: defaultdict[str, set[int]] = defaultdict(set)
        by_bairro: defaultdict[str, set[int]] = defaultdict(set)
        by_prefix: defaultdict[str, set[int]] = defaultdict(set)
        for rank, failure in enumerate(ordered):
            area = covering_area(failure, catalogue)
            for city in area.cities:
                if not city.neighbourhoods:
                    by_city[city.city_key].add(rank)
                for bairro in city.neighbourhood_keys:
                    by_bairro[city.city_key + _BAIRRO_SEPARATOR + bairro].add(rank)
            for rule in area.ceps:
                for prefix in rule.prefixes():
                    by_prefix[prefix].add(rank)

        def answers(keyed: dict[str, set[int]]) -> dict[str, _Answer]:
            return {k: tuple(ordered[r] for r in sorted(ranks)) for k, ranks in keyed.items()}

        return cls(
            ordered,
            {f.id: rank for rank, f in enumerate(ordered)},
            answers(by_city),
            answers(by_bairro),
            answers(by_prefix),
            tuple(sorted({len(p) for p in by_prefix})),
        )

    def __len__(self) -> int:
        """Number of active failures indexed."""
        return len(self._ordered)

    @property
    def failures(self) -> tuple[MassiveFailure, ...]:
        """The indexed failures, most severe first."""
        return self._ordered

    def match(self, location: Location) -> tuple[MassiveFailure, ...]:
        """The active failures covering *location*, most severe first, each once."""
        found: list[_Answer] = []
        city = location.city
        if city is not None:
            if (hit := self._by_city.get(city)) is not None:
                found.append(hit)
            bairro = location.neighbourhood
            if (
                bairro is not None
                and (hit := self._by_bairro.get(city + _BAIRRO_SEPARATOR + bairro)) is not None
            ):
                found.append(hit)
        cep = location.cep
        if cep is not None:
            by_prefix = self._by_prefix
            for length in self._prefix_lengths:
                if (hit := by_prefix.get(cep[:length])) is not None:
                    found.append(hit)
        if not found:
            return ()
        if len(found) == 1:
            return found[0]
        return self._merge(found)

    def _merge(self, found: list[_Answer]) -> _Answer:
        rank = self._rank
        unique = {f.id: f for answer in found for f in answer}
        return tuple(sorted(unique.values(), key=lambda f: rank[f.id]))


def match_failures(location: Location, index: FailureIndex) -> tuple[MassiveFailure, ...]:
    """The active failures in *index* that cover *location*."""
    return index.match(location)
