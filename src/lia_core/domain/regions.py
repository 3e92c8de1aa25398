"""Where an outage applies: cities and bairros, CEP prefixes and ranges, catalogue regions; and where a customer is."""

from __future__ import annotations

import re
from collections.abc import Mapping

import attrs

from lia_core.domain.text import CEP_DIGITS, fold, normalise_cep, normalise_cep_prefix
from lia_core.errors import ValidationError

__all__ = [
    "AffectedRegions",
    "Area",
    "CepPrefix",
    "CepRange",
    "CepRule",
    "CityArea",
    "Location",
    "NamedRegion",
    "parse_cep_rule",
    "validate_region_id",
]

_REGION_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")


def validate_region_id(raw: str, *, field: str = "region_id") -> str:
    """Return a catalogue region id (lowercase slug such as ``teresopolis-centro``) or raise."""
    candidate = raw.strip()
    if not _REGION_ID.match(candidate):
        raise ValidationError(
            f"region id must be a lowercase slug of letters, digits, '-' or '_' "
            f"(at most 63 characters), got {raw!r}",
            field=field,
        )
    return candidate


@attrs.frozen(kw_only=True)
class CityArea:
    """A whole city, or only some of its bairros when ``neighbourhoods`` is not empty."""

    city: str
    neighbourhoods: tuple[str, ...] = ()

    @classmethod
    def of(
        cls, city: str, neighbourhoods: tuple[str, ...] | list[str] = (), *, field: str = "regions"
    ) -> CityArea:
        """Build a city area, rejecting blank names and dropping duplicate bairros."""
        name = " ".join(city.split())
        if not fold(name):
            raise ValidationError("city name must not be blank", field=field)
        seen: dict[str, str] = {}
        for raw in neighbourhoods:
            bairro = " ".join(raw.split())
            if not fold(bairro):
                raise ValidationError(f"blank bairro in city {name!r}", field=field)
            seen.setdefault(fold(bairro), bairro)
        return cls(city=name, neighbourhoods=tuple(seen.values()))

    @classmethod
    def parse(cls, spec: str, *, field: str = "regions") -> CityArea:
        """Parse ``"CITY"`` or ``"CITY:BAIRRO,BAIRRO"`` as typed on the command line."""
        city, sep, rest = spec.partition(":")
        bairros = [b for b in rest.split(",")] if sep else []
        if sep and not any(fold(b) for b in bairros):
            raise ValidationError(f"no bairro after ':' in {spec!r}", field=field)
        return cls.of(city, [b for b in bairros if fold(b)] if sep else [], field=field)

    @property
    def city_key(self) -> str:
        """The folded city name used for matching."""
        return fold(self.city)

    @property
    def neighbourhood_keys(self) -> frozenset[str]:
        """The folded bairro names used for matching (empty: the whole city)."""
        return frozenset(fold(b) for b in self.neighbourhoods)

    def covers(self, location: Location) -> bool:
        """Say whether this area covers *location* (the reference rule the index must agree with)."""
        if location.city is None or location.city != self.city_key:
            return False
        if not self.neighbourhoods:
            return True
        return (
            location.neighbourhood is not None and location.neighbourhood in self.neighbourhood_keys
        )

    def describe(self) -> str:
        """Readable form: ``Teresópolis (Centro, Alto)``."""
        if not self.neighbourhoods:
            return self.city
        return f"{self.city} ({', '.join(self.neighbourhoods)})"

    def spec(self) -> str:
        """The command-line form, inverse of `parse`."""
        return (
            self.city if not self.neighbourhoods else f"{self.city}:{','.join(self.neighbourhoods)}"
        )


def _format_cep(digits: str) -> str:
    return f"{digits[:5]}-{digits[5:]}" if len(digits) == CEP_DIGITS else digits


@attrs.frozen(kw_only=True)
class CepPrefix:
    """Every CEP starting with ``prefix`` (1 to 8 digits)."""

    prefix: str

    def covers(self, location: Location) -> bool:
        """Say whether the location's CEP starts with the prefix."""
        return location.cep is not None and location.cep.startswith(self.prefix)

    def prefixes(self) -> tuple[str, ...]:
        """The prefixes this rule is made of (itself)."""
        return (self.prefix,)

    def describe(self) -> str:
        """Readable form: ``CEP 2595*``."""
        return f"CEP {_format_cep(self.prefix)}" + ("" if len(self.prefix) == CEP_DIGITS else "*")

    def spec(self) -> str:
        """The command-line form."""
        return self.prefix


@attrs.frozen(kw_only=True)
class CepRange:
    """Every CEP from ``start`` to ``end`` inclusive (8 digits each)."""

    start: str
    end: str

    def covers(self, location: Location) -> bool:
        """Say whether the location's CEP lies within the range."""
        return location.cep is not None and self.start <= location.cep <= self.end

    def prefixes(self) -> tuple[str, ...]:
        """Decompose the range into the fewest decimal prefixes covering exactly it (at most 144)."""
        out: list[str] = []
        low, high = int(self.start), int(self.end)
        while low <= high:
            # The widest aligned block [low, low + 10**k) that still fits in the range.
            k = 0
            while k < CEP_DIGITS and low % 10 ** (k + 1) == 0 and low + 10 ** (k + 1) - 1 <= high:
                k += 1
            out.append(str(low).zfill(CEP_DIGITS)[: CEP_DIGITS - k])
            low += 10**k
        return tuple(out)

    def describe(self) -> str:
        """Readable form: ``CEP 25950-000..25959-999``."""
        return f"CEP {_format_cep(self.start)}..{_format_cep(self.end)}"

    def spec(self) -> str:
        """The command-line form."""
        return f"{_format_cep(self.start)}..{_format_cep(self.end)}"


CepRule = CepPrefix | CepRange


def parse_cep_rule(spec: str, *, field: str = "ceps") -> CepRule:
    """Parse ``PREFIX`` (``2595``) or ``START..END`` (``25950-000..25959-999``)."""
    if ".." in spec:
        raw_start, _, raw_end = spec.partition("..")
        start = normalise_cep(raw_start, field=field)
        end = normalise_cep(raw_end, field=field)
        if start > end:
            raise ValidationError(f"CEP range {spec!r} starts after it ends", field=field)
        return CepRange(start=start, end=end)
    return CepPrefix(prefix=normalise_cep_prefix(spec, field=field))


@attrs.frozen(kw_only=True)
class Area:
    """A set of location rules: a location is in the area when any rule covers it."""

    cities: tuple[CityArea, ...] = ()
    ceps: tuple[CepRule, ...] = ()

    @property
    def is_empty(self) -> bool:
        """True when no rule is present."""
        return not self.cities and not self.ceps

    def covers(self, location: Location) -> bool:
        """Say whether any rule covers *location*."""
        return any(c.covers(location) for c in self.cities) or any(
            c.covers(location) for c in self.ceps
        )

    def describe(self) -> str:
        """Readable list of the rules."""
        return "; ".join([c.describe() for c in self.cities] + [c.describe() for c in self.ceps])


@attrs.frozen(kw_only=True)
class NamedRegion:
    """A catalogue entry: a reusable area with an id that failures refer to."""

    id: str
    name: str
    area: Area
    version: int = 0

    @classmethod
    def define(cls, *, region_id: str, name: str, area: Area) -> NamedRegion:
        """Validate and build a catalogue region."""
        rid = validate_region_id(region_id, field="id")
        clean = " ".join(name.split())
        if not clean:
            raise ValidationError("region name must not be blank", field="name")
        if area.is_empty:
            raise ValidationError("a region needs at least one city or CEP rule", field="cities")
        return cls(id=rid, name=clean, area=area)


@attrs.frozen(kw_only=True)
class AffectedRegions:
    """Where a failure applies: its own rules plus references to catalogue regions."""

    area: Area = Area()
    region_ids: tuple[str, ...] = ()
    region_names: tuple[str, ...] = attrs.field(default=())
    """The catalogue regions' names when the failure was saved, in `region_ids` order (empty
    when unknown): what customers read in `{regiao}`, not the ids."""

    @region_names.validator
    def _names_match_ids(self, _: attrs.Attribute[tuple[str, ...]], names: tuple[str, ...]) -> None:
        if names and len(names) != len(self.region_ids):
            raise ValueError("region_names must name every region id, in order")

    @property
    def is_empty(self) -> bool:
        """True when the failure names no place at all."""
        return self.area.is_empty and not self.region_ids

    def named(self, names: Mapping[str, str]) -> AffectedRegions:
        """The same regions with the catalogue's names (id → name) of its region ids."""
        return attrs.evolve(
            self, region_names=tuple(names.get(rid, rid) for rid in self.region_ids)
        )

    def describe(self) -> str:
        """Readable list of rules and catalogue regions (by name when known, else by id)."""
        parts = [self.area.describe()] if not self.area.is_empty else []
        parts += list(self.region_names or self.region_ids)
        return "; ".join(parts)


@attrs.frozen(kw_only=True)
class Location:
    """Where a customer is, as matching keys (folded names, CEP digits); every part optional."""

    city: str | None = None
    neighbourhood: str | None = None
    cep: str | None = None

    @classmethod
    def of(
        cls, *, city: str | None = None, neighbourhood: str | None = None, cep: str | None = None
    ) -> Location:
        """Normalise a location as typed by a person or read from a CRM."""
        city_key = fold(city) if city else ""
        bairro_key = fold(neighbourhood) if neighbourhood else ""
        cep_key = normalise_cep(cep) if cep and cep.strip() else None
        if bairro_key and not city_key:
            raise ValidationError("a bairro needs its city", field="city")
        if not city_key and cep_key is None:
            raise ValidationError("give at least a city or a CEP", field="city")
        return cls(city=city_key or None, neighbourhood=bairro_key or None, cep=cep_key)
