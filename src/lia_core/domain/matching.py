"""The index that answers "which active failures cover this location?" with hash lookups only.

Every rule becomes a key whose value is the ready answer: the whole city, the city+bairro
pair, and CEP prefixes (ranges are decomposed into decimal prefixes at build time). Prefixes
of 5 digits or more are grouped under their 5-digit sector, so a CEP in no affected sector
costs one probe. A lookup makes a bounded number of probes whatever the number of failures
and rules: city, bairro, sector plus at most 3 finer lengths inside it, and one per length of
the rare prefixes shorter than 5 digits. Only a location covered through several keys pays
for merging their answers.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import TypeVar

import attrs

from lia_core.domain.failures import FailureStatus, MassiveFailure
from lia_core.domain.regions import Area, Location, NamedRegion

__all__ = ["FailureIndex", "covering_area", "match_failures"]

_Answer = tuple[MassiveFailure, ...]
_V = TypeVar("_V")
_GENERAL_KEYS = object()
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


_SECTOR = 5
"""CEP digits that name a sector: longer prefixes are grouped under theirs."""


def _table(entries: Mapping[str, _V]) -> Mapping[object, _V | None]:
    table: dict[object, _V | None] = {}
    table.update(entries)
    # CPython's str-only dicts keep no hash in their entries, so probing an occupied slot
    # reads the key object: a cache miss per probe once the index is large. One non-str key
    # switches the dict to entries that carry the hash, which keeps a miss as cheap with
    # 10,000 failures as with one. The sentinel can never be looked up.
    table[_GENERAL_KEYS] = None
    return table


@attrs.frozen
class _Sector:
    """The CEP prefixes inside one 5-digit sector: the sector itself and longer ones."""

    whole: _Answer | None
    finer: Mapping[object, _Answer | None]
    lengths: tuple[int, ...]


@attrs.frozen
class FailureIndex:
    """An immutable lookup structure over the active failures; rebuild it when they change."""

    _ordered: tuple[MassiveFailure, ...]
    _rank: Mapping[str, int]
    _by_city: Mapping[object, _Answer | None]
    _by_bairro: Mapping[object, _Answer | None]
    _by_sector: Mapping[object, _Sector | None]
    _by_short_prefix: Mapping[object, _Answer | None]
    _short_lengths: tuple[int, ...]

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

        def answer(ranks: set[int]) -> _Answer:
            return tuple(ordered[r] for r in sorted(ranks))

        short = {p: ranks for p, ranks in by_prefix.items() if len(p) < _SECTOR}
        sectors: defaultdict[str, dict[str, set[int]]] = defaultdict(dict)
        for prefix, ranks in by_prefix.items():
            if len(prefix) >= _SECTOR:
                sectors[prefix[:_SECTOR]][prefix] = ranks
        return cls(
            ordered,
            {f.id: rank for rank, f in enumerate(ordered)},
            _table({k: answer(r) for k, r in by_city.items()}),
            _table({k: answer(r) for k, r in by_bairro.items()}),
            _table(
                {
                    sector: _Sector(
                        whole=answer(inner[sector]) if sector in inner else None,
                        finer=_table({p: answer(r) for p, r in inner.items() if p != sector}),
                        lengths=tuple(sorted({len(p) for p in inner if p != sector})),
                    )
                    for sector, inner in sectors.items()
                }
            ),
            _table({k: answer(r) for k, r in short.items()}),
            tuple(sorted({len(p) for p in short})),
        )

    def __len__(self) -> int:
        """Number of active failures indexed."""
        return len(self._ordered)

    @property
    def failures(self) -> tuple[MassiveFailure, ...]:
        """The indexed failures, most severe first."""
        return self._ordered

    def get(self, failure_id: str) -> MassiveFailure | None:
        """The indexed failure with this id, or None (not active)."""
        rank = self._rank.get(failure_id)
        return None if rank is None else self._ordered[rank]

    def in_order(self, failures: Iterable[MassiveFailure]) -> tuple[MassiveFailure, ...]:
        """*failures* (indexed ones) most severe first, each once."""
        rank = self._rank
        unique = {f.id: f for f in failures}
        return tuple(sorted(unique.values(), key=lambda f: rank[f.id]))

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
            if (sector := self._by_sector.get(cep[:_SECTOR])) is not None:
                if sector.whole is not None:
                    found.append(sector.whole)
                finer = sector.finer
                for length in sector.lengths:
                    if (hit := finer.get(cep[:length])) is not None:
                        found.append(hit)
            for length in self._short_lengths:
                if (hit := self._by_short_prefix.get(cep[:length])) is not None:
                    found.append(hit)
        if not found:
            return ()
        if len(found) == 1:
            return found[0]
        return self._merge(found)

    def _merge(self, found: list[_Answer]) -> _Answer:
        return self.in_order(f for answer in found for f in answer)


def match_failures(location: Location, index: FailureIndex) -> tuple[MassiveFailure, ...]:
    """The active failures in *index* that cover *location*."""
    return index.match(location)
