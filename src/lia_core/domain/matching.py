"""The index that answers "which active failures cover this location?" with hash and prefix lookups.

A lookup costs one dict probe for the city, one for (city, bairro) and one per distinct CEP
prefix length present (at most 9), whatever the number of failures and rules. CEP ranges are
decomposed into decimal prefixes when the index is built, so ranges cost nothing extra.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping

import attrs

from lia_core.domain.failures import FailureStatus, MassiveFailure
from lia_core.domain.regions import Area, Location, NamedRegion

__all__ = ["FailureIndex", "covering_area", "match_failures"]


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
    _by_city: Mapping[str, frozenset[int]]
    _by_bairro: Mapping[tuple[str, str], frozenset[int]]
    _by_prefix: Mapping[str, frozenset[int]]
    _prefix_lengths: tuple[int, ...]

    @classmethod
    def build(
        cls, failures: Iterable[MassiveFailure], catalogue: Mapping[str, NamedRegion]
    ) -> FailureIndex:
        """Index the *active* failures among *failures*, resolving catalogue regions once."""
        active = sorted((f for f in failures if f.status is FailureStatus.ACTIVE), key=_priority)
        by_city: defaultdict[str, set[int]] = defaultdict(set)
        by_bairro: defaultdict[tuple[str, str], set[int]] = defaultdict(set)
        by_prefix: defaultdict[str, set[int]] = defaultdict(set)
        for rank, failure in enumerate(active):
            area = covering_area(failure, catalogue)
            for city in area.cities:
                if not city.neighbourhoods:
                    by_city[city.city_key].add(rank)
                for bairro in city.neighbourhood_keys:
                    by_bairro[(city.city_key, bairro)].add(rank)
            for rule in area.ceps:
                for prefix in rule.prefixes():
                    by_prefix[prefix].add(rank)
        return cls(
            tuple(active),
            {k: frozenset(v) for k, v in by_city.items()},
            {k: frozenset(v) for k, v in by_bairro.items()},
            {k: frozenset(v) for k, v in by_prefix.items()},
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
        found: list[frozenset[int]] = []
        city = location.city
        if city is not None:
            if (hit := self._by_city.get(city)) is not None:
                found.append(hit)
            bairro = location.neighbourhood
            if bairro is not None and (hit := self._by_bairro.get((city, bairro))) is not None:
                found.append(hit)
        cep = location.cep
        if cep is not None:
            by_prefix = self._by_prefix
            for length in self._prefix_lengths:
                if (hit := by_prefix.get(cep[:length])) is not None:
                    found.append(hit)
        if not found:
            return ()
        ranks = found[0] if len(found) == 1 else frozenset().union(*found)
        ordered = self._ordered
        return tuple(ordered[r] for r in sorted(ranks))


def match_failures(location: Location, index: FailureIndex) -> tuple[MassiveFailure, ...]:
    """The active failures in *index* that cover *location*."""
    return index.match(location)
