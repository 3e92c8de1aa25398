"""Customer message templates with ``{nome}``-style placeholders, checked when saved and filled when sent."""

from __future__ import annotations

import string
from collections.abc import Mapping

from lia_core.errors import ValidationError

__all__ = ["FAILURE_PLACEHOLDERS", "placeholders_in", "render", "validate_template"]

FAILURE_PLACEHOLDERS: Mapping[str, str] = {
    "nome": "the customer's name",
    "previsao": "the estimated resolution time, in the ISP's timezone",
    "falha": "the failure's name",
    "regiao": "the affected regions",
}
"""The placeholders an outage message may use, with what each is replaced by."""

_FORMATTER = string.Formatter()
MAX_MESSAGE_CHARS = 4096  # WhatsApp's text body limit


def placeholders_in(template: str) -> tuple[str, ...]:
    """Return the placeholder names used in *template*, in order of first use."""
    names: dict[str, None] = {}
    for _literal, name, spec, conversion in _FORMATTER.parse(template):
        if name is not None:
            if spec or conversion:
                raise ValueError(f"placeholder {{{name}}} must not have a format or conversion")
            names.setdefault(name, None)
    return tuple(names)


def validate_template(
    template: str, *, field: str, allowed: Mapping[str, str] = FAILURE_PLACEHOLDERS
) -> str:
    """Return *template* unchanged if it is a non-blank message using only *allowed* placeholders."""
    if not template.strip():
        raise ValidationError("message must not be blank", field=field)
    if len(template) > MAX_MESSAGE_CHARS:
        raise ValidationError(f"message is longer than {MAX_MESSAGE_CHARS} characters", field=field)
    try:
        names = placeholders_in(template)
    except ValueError as exc:
        raise ValidationError(
            f"malformed template ({exc}); write a literal brace as '{{{{' or '}}}}'", field=field
        ) from exc
    unknown = [n for n in names if n not in allowed]
    if unknown:
        shown = ", ".join("{" + n + "}" for n in unknown)
        known = ", ".join("{" + n + "}" for n in allowed)
        raise ValidationError(f"unknown placeholder {shown}; use {known}", field=field)
    return template


def render(template: str, values: Mapping[str, str]) -> str:
    """Fill a validated template; a placeholder with no value becomes an empty string."""
    return _FORMATTER.vformat(template, (), _Defaulting(values))


class _Defaulting(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return ""
