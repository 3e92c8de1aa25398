"""The "Cadastrar Nova Falha" form: what the browser posts, the API body it becomes, and where
each refusal is shown.

The form is turned into the JSON API's own body (`FailureIn`) so a failure made in the browser
is read exactly as `POST /api/v1/failures` reads one; only the layout differs (a city per row,
bairros separated by commas, one CEP rule per line, a radio for "now or later").
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import tzinfo
from typing import Any

from pydantic import ValidationError as BodyError

from lia_core.domain.failures import MassiveFailure, Severity, placeholder_values
from lia_core.domain.regions import AffectedRegions, Area, CityArea, NamedRegion, parse_cep_rule
from lia_core.domain.templates import (
    FAILURE_PLACEHOLDERS,
    MAX_MESSAGE_CHARS,
    placeholders_in,
    render,
    validate_template,
)
from lia_core.errors import ValidationError
from lia_entrypoints.console.humanize import when_input
from lia_entrypoints.http.dto.failures import FailureIn
from lia_entrypoints.schemas.base import parse_instant

__all__ = [
    "NOW",
    "SCHEDULE",
    "SEVERITY_LABELS",
    "CityRow",
    "FailureForm",
    "FormErrors",
    "Preview",
    "body_errors",
    "catalogue_groups",
    "error_key",
    "focus_id",
    "preview",
    "refusals",
    "template_refusal",
]

NOW = "agora"
"""Activation radio: active as soon as it is saved."""
SCHEDULE = "agendar"
"""Activation radio: scheduled for `starts_at`."""

SEVERITY_LABELS: Mapping[Severity, str] = {
    Severity.LOW: "Baixa",
    Severity.MEDIUM: "Média",
    Severity.HIGH: "Alta",
    Severity.CRITICAL: "Crítica",
}
"""How each severity is named in the select."""

MIN_CITY_ROWS = 2
"""Empty city rows offered, so a second city needs no script."""

FormErrors = dict[str, str]
"""Refusals by form field key (`name`, `city.1`, `ceps`, `regions`, …), in pt-BR or the core's words."""


def _many(value: list[str] | str) -> list[str]:
    # A key sent once arrives as a string, sent twice as a list (see the form's field types).
    return [value] if isinstance(value, str) else list(value)


@dataclass(frozen=True, slots=True)
class CityRow:
    """One "Cidade" + "Bairros" pair of inputs, as typed."""

    city: str = ""
    neighbourhoods: str = ""

    @property
    def is_blank(self) -> bool:
        """True when neither input holds anything (the row is ignored)."""
        return not self.city.strip() and not self.neighbourhoods.strip()

    def bairros(self) -> list[str]:
        """The bairros typed, comma-separated, blanks dropped."""
        return [b.strip() for b in self.neighbourhoods.split(",") if b.strip()]


@dataclass
class FailureForm:
    """The failure form as posted (every field optional so a half-filled form is re-shown).

    Repeated keys (checkboxes, city rows) are typed `list[str] | str`: Litestar gives a key sent
    once as a string and only a repeated one as a list.
    """

    name: str = ""
    message: str = ""
    resolution_message: str = ""
    severity: str = Severity.MEDIUM.value
    region_ids: list[str] | str = field(default_factory=list)
    city: list[str] | str = field(default_factory=list)
    neighbourhoods: list[str] | str = field(default_factory=list)
    ceps: str = ""
    activation: str = NOW
    starts_at: str = ""
    estimated_resolution: str = ""
    more_cities: str = ""
    """Set by the "+ Outra cidade" button: show the form again with one more city row."""

    @classmethod
    def of(cls, failure: MassiveFailure, tz: tzinfo) -> FailureForm:
        """The form filled with a stored failure (to edit it)."""
        area = failure.regions.area
        return cls(
            name=failure.name,
            message=failure.notification_message,
            resolution_message=failure.resolution_message or "",
            severity=failure.severity.value,
            region_ids=list(failure.regions.region_ids),
            city=[c.city for c in area.cities],
            neighbourhoods=[", ".join(c.neighbourhoods) for c in area.cities],
            ceps="\n".join(rule.spec() for rule in area.ceps),
            activation=SCHEDULE,
            starts_at=when_input(failure.starts_at, tz),
            estimated_resolution=when_input(failure.estimated_resolution, tz),
        )

    @property
    def chosen_regions(self) -> list[str]:
        """The catalogue region ids ticked."""
        return [rid for rid in _many(self.region_ids) if rid.strip()]

    @property
    def scheduled(self) -> bool:
        """True when "Agendar para" is chosen."""
        return self.activation == SCHEDULE

    def rows(self) -> list[CityRow]:
        """The city rows as typed (a missing half is blank)."""
        cities, bairros = _many(self.city), _many(self.neighbourhoods)
        size = max(len(cities), len(bairros))
        cities += [""] * (size - len(cities))
        bairros += [""] * (size - len(bairros))
        return [CityRow(c, b) for c, b in zip(cities, bairros, strict=True)]

    def shown_rows(self) -> list[CityRow]:
        """The rows to draw: those with text (at least two rows), or all and one more after
        "+ Outra cidade"."""
        if self.more_cities:  # "+ Outra cidade": the rows as they were, and one more
            return [*self.rows(), CityRow()]
        filled = [row for row in self.rows() if not row.is_blank]
        return filled + [CityRow()] * (MIN_CITY_ROWS - len(filled))

    def cep_lines(self) -> list[str]:
        """The CEP rules, one per non-blank line."""
        return [line.strip() for line in self.ceps.splitlines() if line.strip()]

    def body(self) -> dict[str, Any]:
        """The JSON API's body for this form (blank optional fields are left out)."""
        body: dict[str, Any] = {
            "name": self.name,
            "message": self.message,
            "severity": self.severity,
            "cities": [
                {"city": row.city.strip(), "neighbourhoods": row.bairros()}
                for row in self.rows()
                if not row.is_blank
            ],
            "ceps": self.cep_lines(),
            "region_ids": self.chosen_regions,
        }
        if self.resolution_message.strip():
            body["resolution_message"] = self.resolution_message
        if self.scheduled and self.starts_at.strip():
            body["starts_at"] = self.starts_at.strip()
        if self.estimated_resolution.strip():
            body["estimated_resolution"] = self.estimated_resolution.strip()
        return body

    def to_body(self) -> FailureIn:
        """The API body, read by the API's own model (raises pydantic's error when refused)."""
        return FailureIn.model_validate(self.body())

    def missing_start(self) -> FormErrors:
        """ "Agendar para" without a date and time: the one check the radio itself adds."""
        if self.scheduled and not self.starts_at.strip():
            return {
                "starts_at": "Informe a data e a hora do início, ou escolha “Ativar Imediatamente”."
            }
        return {}


def error_key(path: str, form: FailureForm) -> tuple[str, str]:
    """The form field showing a refusal of body field *path* (`cities.1.city`, `ceps.0`…),
    and a prefix naming the item when the field holds several."""
    head, _, rest = path.partition(".")
    index = rest.split(".", 1)[0]
    if head == "cities":
        return ("city." + index, "") if index.isdigit() else ("regions", "")
    if head == "ceps":
        lines = form.cep_lines()
        if index.isdigit() and int(index) < len(lines):
            return "ceps", f"“{lines[int(index)]}”: "
        return "ceps", ""
    if head == "region_ids":
        return "region_ids", ""
    if head in _FIELDS:
        return head, ""
    return "form", ""


_FIELDS = frozenset(
    {
        "name",
        "message",
        "resolution_message",
        "severity",
        "regions",
        "starts_at",
        "estimated_resolution",
    }
)


_PLACEHOLDERS_TEXT = ", ".join("{" + n + "}" for n in FAILURE_PLACEHOLDERS)


def template_refusal(text: str) -> str:
    """Why the core refuses *text* as a customer message, said in pt-BR (its rule decides,
    `validate_template`; this only names which part of it failed)."""
    if not text.strip():
        return "Escreva a mensagem."
    if len(text) > MAX_MESSAGE_CHARS:
        return f"Use no máximo {MAX_MESSAGE_CHARS} caracteres."
    try:
        names = placeholders_in(text)
    except ValueError:
        return "Chave sem par: para mostrar uma chave ao cliente, escreva {{ ou }}."
    unknown = ", ".join("{" + n + "}" for n in names if n not in FAILURE_PLACEHOLDERS)
    if not unknown:
        return "Mensagem inválida."
    return f"Marcador desconhecido: {unknown}. Use {_PLACEHOLDERS_TEXT}."


_CORE_SAYS = {
    "name": "Dê um nome à falha (até 200 caracteres).",
    "regions": "Escolha ao menos uma região do catálogo, uma cidade ou um CEP.",
    "region_ids": "Uma região marcada não existe mais no catálogo; recarregue a página.",
    "starts_at": "Data e hora do início inválidas.",
    "estimated_resolution": "A previsão de normalização deve ser depois do início.",
    "severity": "Escolha uma das opções.",
}


def refusals(exc: ValidationError, form: FailureForm) -> FormErrors:
    """A refusal of the core (declare or edit) beside its form field, in pt-BR."""
    key, prefix = error_key(exc.field or "", form)
    if key == "message":
        said = template_refusal(form.message)
    elif key == "resolution_message":
        said = template_refusal(form.resolution_message)
    elif key.startswith("city."):
        said = "Informe a cidade; separe os bairros por vírgula, sem bairro vazio."
    elif key == "ceps":
        said = (
            "use um prefixo de 1 a 8 dígitos (2595) ou uma faixa crescente de dois CEPs "
            "(25950-000..25959-999)."
        )
        said = said if prefix else said[0].upper() + said[1:]
    else:
        said = _CORE_SAYS.get(key, exc.message)
    return {key: prefix + said}


def _said(error: Mapping[str, Any], key: str) -> str:
    # pydantic's own wording stays out of the page: each kind of refusal in pt-BR.
    kind, ctx = error["type"], error.get("ctx") or {}
    if kind in {"missing", "string_too_short"}:
        return "Preencha este campo."
    if kind == "string_too_long":
        return f"Use no máximo {ctx.get('max_length')} caracteres."
    if kind == "too_long":
        return f"No máximo {ctx.get('max_length')} itens."
    if kind == "enum":
        return "Escolha uma das opções."
    if kind == "string_pattern_mismatch" and key in {"starts_at", "estimated_resolution"}:
        return "Data e hora inválidas."
    if kind == "string_pattern_mismatch" and key.startswith("city."):
        return "Cada nome precisa de ao menos uma letra ou um número."
    return "Valor inválido."


def body_errors(exc: BodyError, form: FailureForm) -> FormErrors:
    """The refusals of the API's body model, each beside its form field (first one wins)."""
    errors: FormErrors = {}
    for error in exc.errors():
        path = ".".join(str(part) for part in error["loc"])
        key, prefix = error_key(path, form)
        errors.setdefault(key, prefix + _said(error, key))
    return errors


_FOCUS_ORDER = ("name", "message", "regions", "region_ids")
_FOCUS_LATER = ("ceps", "severity", "starts_at", "estimated_resolution", "resolution_message")
_INPUT_IDS = {
    "name": "f-name",
    "message": "f-message",
    "regions": "f-city-0",
    "region_ids": "f-city-0",
    "ceps": "f-ceps",
    "severity": "f-severity",
    "starts_at": "f-starts-at",
    "estimated_resolution": "f-eta",
    "resolution_message": "f-resolution",
}


def focus_id(errors: FormErrors, form: FailureForm) -> str:
    """The input to focus: the first refused one in the form's order, the new city row after
    "+ Outra cidade", else the name."""
    rows = [f"city.{i}" for i in range(len(form.shown_rows()))]
    for key in (*_FOCUS_ORDER, *rows, *_FOCUS_LATER):
        if key in errors:
            return _INPUT_IDS.get(key) or "f-city-" + key.removeprefix("city.")
    if form.more_cities:
        return f"f-city-{len(form.shown_rows()) - 1}"
    return "f-name"


def catalogue_groups(regions: Iterable[NamedRegion]) -> list[tuple[str, list[NamedRegion]]]:
    """Catalogue regions grouped by their city (one city each), then "Várias cidades" and
    "Por CEP", for the checkboxes."""
    groups: dict[str, list[NamedRegion]] = {}
    for region in regions:
        cities: Sequence[str] = list(dict.fromkeys(c.city for c in region.area.cities))
        label = cities[0] if len(cities) == 1 else ("Várias cidades" if cities else "Por CEP")
        groups.setdefault(label, []).append(region)
    tail = ("Várias cidades", "Por CEP")
    ordered = sorted((k for k in groups if k not in tail), key=str.casefold)
    return [
        (k, sorted(groups[k], key=lambda r: r.name.casefold()))
        for k in [*ordered, *tail]
        if k in groups
    ]


SAMPLE_CUSTOMER = "Maria"
"""The customer name `{nome}` shows in the preview."""
SAMPLE_FAILURE = "Instabilidade Fibra - Região Central"
"""`{falha}` in the preview while the name is blank."""
SAMPLE_REGIONS = AffectedRegions(area=Area(cities=(CityArea.of("Centro"),)))
"""`{regiao}` in the preview while no region is given."""


@dataclass(frozen=True, slots=True)
class Preview:
    """The message as a sample customer would read it, or why it cannot be sent."""

    text: str | None = None
    error: str | None = None
    customer: str = SAMPLE_CUSTOMER


def _typed_regions(form: FailureForm) -> AffectedRegions:
    # Lenient on purpose: a half-typed row must not hide the preview; saving checks it all.
    cities, ceps = [], []
    for row in form.rows():
        try:
            cities.append(CityArea.of(row.city, row.bairros()))
        except ValidationError:
            continue
    for line in form.cep_lines():
        try:
            ceps.append(parse_cep_rule(line))
        except ValidationError:
            continue
    regions = AffectedRegions(
        area=Area(cities=tuple(cities), ceps=tuple(ceps)), region_ids=tuple(form.chosen_regions)
    )
    return SAMPLE_REGIONS if regions.is_empty else regions


def preview(form: FailureForm, tz: tzinfo, catalogue: Mapping[str, str] | None = None) -> Preview:
    """The notification message filled as the core fills it, with the form's name, regions
    (catalogue regions by their names, id → name in *catalogue*) and estimated resolution
    (samples where blank) for a customer called Maria."""
    if not form.message.strip():
        return Preview()
    try:
        template = validate_template(form.message, field="message")
    except ValidationError:
        return Preview(error=template_refusal(form.message))
    try:
        eta = (
            parse_instant(form.estimated_resolution, tz, field="estimated_resolution")
            if form.estimated_resolution.strip()
            else None
        )
    except ValidationError:
        eta = None
    values = placeholder_values(
        customer_name=SAMPLE_CUSTOMER,
        failure_name=" ".join(form.name.split()) or SAMPLE_FAILURE,
        regions=_typed_regions(form).named(catalogue or {}),
        estimated_resolution=eta,
        tz=tz,
    )
    return Preview(text=render(template, values))
