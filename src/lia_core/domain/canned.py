"""Canned responses: texts agents reuse, with ``{{contact.name}}``-style variables filled per
conversation (not the outage notices' ``{nome}`` templates of `domain.templates`).

A body is literal text and variables ``{{ name }}`` (spaces inside the braces allowed). Only
the names of `CANNED_VARIABLES` may be saved; a ``{{`` that does not open a well-formed
variable is refused, so a typo never reaches a customer as braces.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime

import attrs

from lia_core.domain.template_parts import TemplateButton, TemplateHeader, buttons_from
from lia_core.errors import ValidationError

__all__ = [
    "AGENT_WELCOME",
    "CANNED_VARIABLES",
    "MAX_BODY_CHARS",
    "CannedResponse",
    "Rendered",
    "RenderedButton",
    "RenderedHeader",
    "RenderedResponse",
    "Variable",
    "parse_body",
    "render_body",
    "validate_body",
    "validate_key",
    "variables_in",
]

CANNED_VARIABLES: Mapping[str, str] = {
    "contact.name": "the customer's name as the platform or the CRM gave it",
    "contact.first_name": "the first word of the customer's name",
    "agent.name": "the replying agent's full name (their username when none is set)",
    "conversation.id": "the conversation's id",
    "ticket.id": "the id of the conversation's open ticket (empty when it has none)",
}
"""The variables a canned response may use, with what each is replaced by."""

AGENT_WELCOME = "agent_welcome"
"""The canned response sent (when it exists) to a customer whose conversation an agent takes."""

MAX_BODY_CHARS = 4096
"""WhatsApp's limit for a text body."""
MAX_TITLE_CHARS = 200
_KEY = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")
_VARIABLE = re.compile(r"\{\{([^{}]*)\}\}")
_NAME = re.compile(r"^[a-z_][a-z0-9_]*(?:\.[a-z_][a-z0-9_]*)*$")
_TEMPLATE_NAME = re.compile(r"^[a-z0-9_]{1,512}$")
_LANGUAGE = re.compile(r"^[a-z]{2,3}(?:_[A-Z]{2})?$")


@attrs.frozen
class Variable:
    """A ``{{ name }}`` in a body."""

    name: str


Segment = str | Variable
"""A body, parsed: literal text and variables, in order."""


def parse_body(body: str, *, field: str = "body") -> tuple[Segment, ...]:
    """Split *body* into literal text and variables; ValidationError on a malformed ``{{``."""
    segments: list[Segment] = []
    at = 0
    for match in _VARIABLE.finditer(body):
        literal = body[at : match.start()]
        _check_literal(literal, field)
        if literal:
            segments.append(literal)
        name = match.group(1).strip()
        if not _NAME.match(name):
            raise ValidationError(
                f"malformed variable {match.group(0)!r}: write {{{{contact.name}}}}", field=field
            )
        segments.append(Variable(name))
        at = match.end()
    rest = body[at:]
    _check_literal(rest, field)
    if rest:
        segments.append(rest)
    return tuple(segments)


def _check_literal(literal: str, field: str) -> None:
    if "{{" in literal:
        raise ValidationError(
            "a '{{' opens no variable (unclosed, or braces inside): write {{contact.name}}",
            field=field,
        )


def variables_in(body: str) -> tuple[str, ...]:
    """The variable names *body* uses, in order of first use."""
    names = (s.name for s in parse_body(body) if isinstance(s, Variable))
    return tuple(dict.fromkeys(names))


def validate_body(body: str, *, field: str = "body") -> str:
    """*body* if it is a non-blank text of known variables only; else ValidationError naming *field*."""
    if not body.strip():
        raise ValidationError("must not be blank", field=field)
    if len(body) > MAX_BODY_CHARS:
        raise ValidationError(f"must have at most {MAX_BODY_CHARS} characters", field=field)
    used = (s.name for s in parse_body(body, field=field) if isinstance(s, Variable))
    unknown = [n for n in dict.fromkeys(used) if n not in CANNED_VARIABLES]
    if unknown:
        shown = ", ".join("{{" + n + "}}" for n in unknown)
        known = ", ".join("{{" + n + "}}" for n in CANNED_VARIABLES)
        raise ValidationError(f"unknown variable {shown}; use {known}", field=field)
    return body


def validate_key(raw: str, *, field: str = "key") -> str:
    """The key lowercased; 1-63 letters, digits, '_' or '-' (it is used in URLs and commands)."""
    key = raw.strip().lower()
    if not _KEY.match(key):
        raise ValidationError(
            "must be 1 to 63 characters: lowercase letters, digits, '_' and '-'", field=field
        )
    return key


@attrs.frozen(kw_only=True)
class Rendered:
    """A body filled for one conversation, and the variables that came out empty."""

    text: str
    empty: tuple[str, ...]
    """Variables with no value here, in order of first use (the console warns about them)."""
    params: tuple[str, ...]
    """The value of each variable in order of first use (a WhatsApp template's {{1}}…{{n}})."""


def render_body(body: str, values: Mapping[str, str]) -> Rendered:
    """Fill *body*'s variables from *values*; a missing value is empty text (and listed)."""
    parts: list[str] = []
    empty: dict[str, None] = {}
    params: dict[str, str] = {}
    for segment in parse_body(body):
        if isinstance(segment, Variable):
            value = values.get(segment.name, "")
            if not value.strip():
                empty.setdefault(segment.name, None)
            params.setdefault(segment.name, value)
            parts.append(value)
        else:
            parts.append(segment)
    return Rendered(text="".join(parts), empty=tuple(empty), params=tuple(params.values()))


@attrs.frozen(kw_only=True)
class RenderedHeader:
    """The WhatsApp template's header parameter filled for one conversation."""

    header: TemplateHeader
    """As saved: its kind, its file name, its value with the variables."""
    rendered: Rendered


@attrs.frozen(kw_only=True)
class RenderedButton:
    """One WhatsApp template button's parameter filled for one conversation."""

    button: TemplateButton
    """As saved: its kind, its index, its value with the variables."""
    rendered: Rendered


@attrs.frozen(kw_only=True)
class RenderedResponse:
    """A canned response filled for one conversation: its body, and the header and button
    parameters it carries when sent as its WhatsApp template."""

    body: Rendered
    header: RenderedHeader | None = None
    buttons: tuple[RenderedButton, ...] = ()

    def parts(self) -> tuple[tuple[str, Rendered], ...]:
        """The WhatsApp parts in order, named as messages name them ("header", "button 0")."""
        named = [("header", self.header.rendered)] if self.header is not None else []
        named += [(f"button {b.button.index}", b.rendered) for b in self.buttons]
        return tuple(named)

    @property
    def blank_part(self) -> tuple[str, Rendered] | None:
        """The first WhatsApp part that renders to nothing (sending the template is refused
        then: Meta rejects an empty parameter), or None."""
        return next(((n, r) for n, r in self.parts() if not r.text.strip()), None)

    @property
    def parts_empty(self) -> tuple[str, ...]:
        """The variables empty in the header or the buttons, in order of first use."""
        return tuple(dict.fromkeys(n for _, r in self.parts() for n in r.empty))


def _title(raw: str) -> str:
    title = " ".join(raw.split())
    if not title:
        raise ValidationError("must not be blank", field="title")
    if len(title) > MAX_TITLE_CHARS:
        raise ValidationError(f"must have at most {MAX_TITLE_CHARS} characters", field="title")
    return title


def _template_name(raw: str | None) -> str | None:
    if raw is None or not raw.strip():
        return None
    name = raw.strip()
    if not _TEMPLATE_NAME.match(name):
        raise ValidationError(
            "an approved WhatsApp template name: lowercase letters, digits and '_'",
            field="whatsapp_template",
        )
    return name


def _language(raw: str) -> str:
    language = raw.strip()
    if not _LANGUAGE.match(language):
        raise ValidationError(
            "a WhatsApp language code such as pt_BR or en", field="whatsapp_language"
        )
    return language


def _header(header: TemplateHeader | None) -> TemplateHeader | None:
    if header is not None:
        validate_body(header.value, field="whatsapp_header")
    return header


def _buttons(buttons: tuple[TemplateButton, ...]) -> tuple[TemplateButton, ...]:
    for button in buttons:
        validate_body(button.value, field="whatsapp_buttons")
    return buttons_from(buttons)


def _parts_need_template(
    template: str | None, header: TemplateHeader | None, buttons: tuple[TemplateButton, ...]
) -> None:
    if template is None and (header is not None or buttons):
        field = "whatsapp_header" if header is not None else "whatsapp_buttons"
        raise ValidationError("a header or button parameter needs whatsapp_template", field=field)


@attrs.frozen(kw_only=True)
class CannedResponse:
    """A saved reply text; optionally the approved WhatsApp template that says the same thing.

    Outside WhatsApp's 24-hour customer-service window only an approved (HSM) template may
    go out: a canned response naming one is sent as that template, its variables (in
    order of first use) as the template's body parameters, with its header and button
    parameters (`whatsapp_header`, `whatsapp_buttons`: values that may hold variables too)
    when the approved template has them.
    """

    key: str
    title: str
    body: str
    whatsapp_template: str | None = None
    whatsapp_language: str = "pt_BR"
    whatsapp_header: TemplateHeader | None = None
    """The approved template's header parameter: a text or a media link, variables allowed."""
    whatsapp_buttons: tuple[TemplateButton, ...] = ()
    """The approved template's button parameters (URL ends, payloads), variables allowed."""
    version: int = 1
    """Bumped by every update; an update naming an older one is refused."""
    created_at: datetime
    updated_at: datetime
    updated_by: str

    def render(self, values: Mapping[str, str]) -> RenderedResponse:
        """The body, header and button parameters filled from *values* (see `render_body`)."""
        header = self.whatsapp_header
        return RenderedResponse(
            body=render_body(self.body, values),
            header=RenderedHeader(header=header, rendered=render_body(header.value, values))
            if header is not None
            else None,
            buttons=tuple(
                RenderedButton(button=b, rendered=render_body(b.value, values))
                for b in self.whatsapp_buttons
            ),
        )

    @classmethod
    def create(
        cls,
        *,
        key: str,
        title: str,
        body: str,
        whatsapp_template: str | None = None,
        whatsapp_language: str = "pt_BR",
        whatsapp_header: TemplateHeader | None = None,
        whatsapp_buttons: tuple[TemplateButton, ...] = (),
        by: str,
        at: datetime,
    ) -> CannedResponse:
        """A new canned response (version 1), every field checked."""
        template = _template_name(whatsapp_template)
        _parts_need_template(template, whatsapp_header, whatsapp_buttons)
        return cls(
            key=validate_key(key),
            title=_title(title),
            body=validate_body(body),
            whatsapp_template=template,
            whatsapp_language=_language(whatsapp_language),
            whatsapp_header=_header(whatsapp_header),
            whatsapp_buttons=_buttons(whatsapp_buttons),
            created_at=at,
            updated_at=at,
            updated_by=by,
        )

    def changed(
        self,
        *,
        title: str,
        body: str,
        whatsapp_template: str | None,
        whatsapp_language: str,
        whatsapp_header: TemplateHeader | None = None,
        whatsapp_buttons: tuple[TemplateButton, ...] = (),
        by: str,
        at: datetime,
    ) -> CannedResponse:
        """This response with new content, one version up."""
        template = _template_name(whatsapp_template)
        _parts_need_template(template, whatsapp_header, whatsapp_buttons)
        return attrs.evolve(
            self,
            title=_title(title),
            body=validate_body(body),
            whatsapp_template=template,
            whatsapp_language=_language(whatsapp_language),
            whatsapp_header=_header(whatsapp_header),
            whatsapp_buttons=_buttons(whatsapp_buttons),
            version=self.version + 1,
            updated_at=at,
            updated_by=by,
        )
