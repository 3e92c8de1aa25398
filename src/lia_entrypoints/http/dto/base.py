"""What every request body shares: extra fields refused, CEP rules and city areas read alike."""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from lia_core.domain.regions import CepRule, CityArea, parse_cep_rule
from lia_core.domain.templates import FAILURE_PLACEHOLDERS
from lia_entrypoints.schemas.base import parse_instant

__all__ = [
    "CEP_EXAMPLE",
    "CEP_PATTERN",
    "CEP_RULE_PATTERN",
    "INSTANT_PATTERN",
    "NAME_PATTERN",
    "OPTIONAL_INSTANT_PATTERN",
    "PLAIN_TEXT_PATTERN",
    "REGION_ID_PATTERN",
    "SINCE_PATTERN",
    "TEMPLATE_PATTERN",
    "TEXT_PATTERN",
    "CepSpec",
    "CityAreaIn",
    "In",
    "RegionId",
    "ceps_of",
    "cities_of",
    "read_instant",
]

# The patterns are the contract the OpenAPI document states. Where the core already checks the
# same thing with a better message (templates, CEP rules, blank names) the pattern is only
# documented (`json_schema_extra`); elsewhere pydantic enforces it before any rule runs.
# `[0-9]`, never `\d`: both regex engines would also take other scripts' digits.

_CEP_DIGITS = "[ ./-]*(?:[0-9][ ./-]*){8}"
CEP_PATTERN = f"^(?: *|{_CEP_DIGITS})$"
"""A full CEP: 8 digits, with or without punctuation (`25953-120`); blank means none."""
# A rule is split at its first `..`: a prefix never holds two dots in a row, a range's start
# neither, and its end may hold any punctuation.
_NO_DOUBLE_DOT = "[.]?(?:[ /-][.]?)*"
_RULE_DIGITS = "(?:[0-9][.]?(?:[ /-][.]?)*)"
CEP_RULE_PATTERN = (
    f"^{_NO_DOUBLE_DOT}(?:{_RULE_DIGITS}{{1,8}}|{_RULE_DIGITS}{{8}}[.][.]{_CEP_DIGITS})$"
)
"""A CEP rule: a prefix of 1-8 digits (`2595`) or an inclusive range of two CEPs."""
REGION_ID_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,62}$"
"""A catalogue region id: a lowercase slug of letters, digits, `-` and `_`."""
NAME_PATTERN = "[0-9A-Za-zÀ-ÖØ-öø-ÿ]"
"""A place name: at least one (Latin) letter or digit."""
TEXT_PATTERN = r"[^\s\x1c-\x1f]"
"""Not blank: at least one character that is not white space."""
_TOKEN = "[^{}]|[{][{]|[}][}]|[{](?:" + "|".join(FAILURE_PLACEHOLDERS) + ")[}]"
_VISIBLE_TOKEN = r"[^{}\s\x1c-\x1f]|" + _TOKEN.split("|", 1)[1]
TEMPLATE_PATTERN = f"^(?:{_TOKEN})*(?:{_VISIBLE_TOKEN})(?:{_TOKEN})*$"
"""A customer message: not blank, braces doubled, placeholders only from the known ones."""

_YEAR = "(?:19|2[0-9])[0-9]{2}"
_LEAP_YEAR = "(?:(?:19|2[0-9])(?:0[48]|[2468][048]|[13579][26])|2[048]00)"
_MONTH_DAY = (
    "(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])"
    "|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)"
    "|02-(?:0[1-9]|1[0-9]|2[0-8]))"
)
_DATE = f"(?:{_YEAR}-{_MONTH_DAY}|{_LEAP_YEAR}-02-29)"
_TIME = "(?:[01][0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9](?:\\.[0-9]{1,9})?)?"
_OFFSET = "(?:[Zz]|[+-](?:[01][0-9]|2[0-3]):?[0-5][0-9])"
_INSTANT = f"{_DATE}(?:[Tt ]{_TIME}{_OFFSET}?)?"
INSTANT_PATTERN = f"^{_INSTANT}$"
"""ISO 8601: a date, optionally a time (minutes at least) and an offset; years 1900-2999."""
OPTIONAL_INSTANT_PATTERN = f"^(?:{_INSTANT})?$"
"""`INSTANT_PATTERN` or nothing (an empty query parameter sets no filter)."""
_AGO = " *[0-9]{1,5} *(?:[mM]|[mM][iI][nN]|[hH]|[dD]|[wW]) *"
SINCE_PATTERN = f"^(?:{_INSTANT}|{_AGO})?$"
"""`INSTANT_PATTERN`, a duration ago (`30m`, `2h`, `7d`, `2w`; at most 5 digits) or nothing."""
PLAIN_TEXT_PATTERN = r"^[^\x00-\x1f\x7f]*$"
"""Any text without control characters (a filter's value)."""

CEP_EXAMPLE = ["25950-000..25959-999", "2596"]
"""An example list of CEP rules, for the OpenAPI document."""

CepSpec = Annotated[
    str, Field(min_length=1, max_length=40, json_schema_extra={"pattern": CEP_RULE_PATTERN})
]
"""A CEP prefix of 1-8 digits (`2595`) or an inclusive range (`25950-000..25959-999`)."""
RegionId = Annotated[str, Field(min_length=1, max_length=63, pattern=REGION_ID_PATTERN)]
"""A catalogue region id."""

_DATETIME = TypeAdapter(datetime)


def read_instant(text: str, tz: tzinfo, *, field: str) -> datetime:
    """An `INSTANT_PATTERN` text as an aware time (read as pydantic reads ISO 8601; naive in *tz*)."""
    return parse_instant(_DATETIME.validate_python(text), tz, field=field)


class In(BaseModel):
    """Base of every request body: unknown fields are refused."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)


class CityAreaIn(In):
    """A city, whole (no bairros) or only the listed bairros."""

    city: str = Field(min_length=1, max_length=120, pattern=NAME_PATTERN, examples=["Teresópolis"])
    """City name; case, accents and punctuation are ignored when matching."""
    neighbourhoods: list[Annotated[str, Field(max_length=120, pattern=NAME_PATTERN)]] = Field(
        default_factory=list, max_length=500, examples=[["Centro", "Alto"]]
    )
    """Bairros; empty means the whole city."""

    def to_domain(self, *, field: str) -> CityArea:
        """The core value."""
        return CityArea.of(self.city, self.neighbourhoods, field=field)


def cities_of(cities: list[CityAreaIn]) -> tuple[CityArea, ...]:
    """The core city areas, each error naming its index (`cities.2`)."""
    return tuple(c.to_domain(field=f"cities.{i}") for i, c in enumerate(cities))


def ceps_of(ceps: list[str]) -> tuple[CepRule, ...]:
    """The core CEP rules, each error naming its index (`ceps.0`)."""
    return tuple(parse_cep_rule(spec, field=f"ceps.{i}") for i, spec in enumerate(ceps))
