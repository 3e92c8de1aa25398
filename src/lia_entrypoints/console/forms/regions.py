"""The region form: a name, an id, and the rules typed one per line (cities → bairros, CEPs)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from lia_core.domain.regions import (
    CepRule,
    CityArea,
    NamedRegion,
    parse_cep_rule,
    validate_region_id,
)
from lia_core.errors import ValidationError
from lia_core.validation import require_text

__all__ = ["RegionForm", "RegionRules", "message_for"]

_NO_RULE = "Informe ao menos uma cidade ou uma regra de CEP."
_MESSAGES = {
    "id": "Use de 1 a 63 letras minúsculas, dígitos, “-” ou “_”, começando por letra ou dígito "
    "(ex.: serra-norte).",
    "name": "Informe o nome da região.",
    "cities": _NO_RULE,
}


def message_for(error: ValidationError) -> tuple[str, str]:
    """The form field a core ValidationError belongs to, and what to tell the person (pt-BR)."""
    field = (error.field or "name").split(".", 1)[0]
    if field not in _MESSAGES:
        field = "name"
    return field, _MESSAGES.get(field, error.message)


@dataclass(frozen=True, slots=True)
class RegionRules:
    """The rules read from the form, or why a line could not be read (field → message)."""

    cities: tuple[CityArea, ...]
    ceps: tuple[CepRule, ...]
    errors: dict[str, str]


def _lines(text: str) -> list[tuple[int, str]]:
    return [(n, line.strip()) for n, line in enumerate(text.splitlines(), 1) if line.strip()]


@dataclass
class RegionForm:
    """The create / edit form; every field optional so a half-filled form is re-shown with errors."""

    id: str = ""
    name: str = ""
    cities: str = ""
    """One city a line: ``Teresópolis`` (all of it) or ``Teresópolis: Centro, Alto``."""
    ceps: str = ""
    """One CEP rule a line: a prefix (``2595``) or a range (``25950-000..25959-999``)."""

    @classmethod
    def of(cls, region: NamedRegion) -> RegionForm:
        """The form filled with a stored region, for editing."""
        return cls(
            id=region.id,
            name=region.name,
            cities="\n".join(_city_line(c) for c in region.area.cities),
            ceps="\n".join(rule.spec() for rule in region.area.ceps),
        )

    def rules(self, *, creating: bool) -> RegionRules:
        """Read the city and CEP lines with the core's parsers, each bad line named; the id
        (when *creating*) and the name are checked too, so every refused field shows at once."""
        errors: dict[str, str] = {}
        checks: list[Callable[[], str]] = [lambda: require_text(self.name, "name")]
        if creating:
            checks.append(lambda: validate_region_id(self.id, field="id"))
        for check in checks:
            try:
                check()
            except ValidationError as error:
                field, message = message_for(error)
                errors[field] = message
        cities: list[CityArea] = []
        for number, line in _lines(self.cities):
            try:
                cities.append(CityArea.parse(line, field="cities"))
            except ValidationError:
                errors.setdefault(
                    "cities",
                    f"Linha {number} (“{line}”): escreva “Cidade” ou “Cidade: Bairro, Bairro”.",
                )
        ceps: list[CepRule] = []
        for number, line in _lines(self.ceps):
            try:
                ceps.append(parse_cep_rule(line, field="ceps"))
            except ValidationError:
                errors.setdefault(
                    "ceps",
                    f"Linha {number} (“{line}”): use um prefixo de 1 a 8 dígitos (2595) ou uma "
                    "faixa crescente de dois CEPs (25950-000..25959-999).",
                )
        if not (errors.keys() & {"cities", "ceps"}) and not cities and not ceps:
            # The update use case keeps the current rules when none are given; a form that was
            # emptied means a mistake, not "keep them", so it is refused like the API's PUT.
            errors["cities"] = _NO_RULE
        return RegionRules(cities=tuple(cities), ceps=tuple(ceps), errors=errors)


def _city_line(city: CityArea) -> str:
    return (
        city.city if not city.neighbourhoods else f"{city.city}: {', '.join(city.neighbourhoods)}"
    )
