"""Request bodies of agents' messages and canned responses."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from litestar.openapi.spec import Schema
from pydantic import Field

from lia_core.domain.canned import CANNED_VARIABLES, MAX_BODY_CHARS
from lia_core.errors import ValidationError
from lia_core.services import Reply, SaveCannedResponse
from lia_entrypoints.http.dto.base import TEXT_PATTERN, In
from lia_entrypoints.http.dto.delivery import TemplateButtonIn, TemplateHeaderIn
from lia_entrypoints.http.openapi import one_of_present

__all__ = ["PreviewIn", "ReplyIn", "TemplateIn", "TemplateUpdateIn"]

KEY_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,62}$"
"""A canned response's key: a lowercase slug (it is used in URLs and commands)."""
_VARIABLES = ", ".join("`{{" + n + "}}`" for n in CANNED_VARIABLES)
_BODY_DOC = (
    f"The text, with variables {_VARIABLES}; any other `{{{{…}}}}` is refused (422 naming "
    "`body`), and so is a `{{` that opens no variable."
)


class ReplyIn(In):
    """An agent's reply: a free `text`, or the key of a canned response as `template`."""

    text: str | None = Field(
        default=None,
        min_length=1,
        max_length=MAX_BODY_CHARS,
        pattern=TEXT_PATTERN,
        examples=["Olá! Já estou verificando sua conexão."],
    )
    """Free text; refused (409) on WhatsApp 24 hours after the customer's last message."""
    template: str | None = Field(
        default=None, min_length=1, max_length=63, pattern=KEY_PATTERN, examples=["saudacao"]
    )
    """A canned response's key: its variables are filled for this conversation; after the
    24-hour window it goes out as the approved WhatsApp template it names (409 if none)."""

    openapi_any_of: ClassVar[tuple[Mapping[str, Schema], ...]] = (
        one_of_present(text=Schema(min_length=1)),
        one_of_present(template=Schema(min_length=1)),
    )
    """Exactly one of `text` and `template`."""

    def to_command(self, conversation_id: str, *, idempotency_key: str | None = None) -> Reply:
        """The core request (*idempotency_key*: the `Idempotency-Key` header)."""
        try:
            return Reply(
                conversation_id=conversation_id,
                text=self.text,
                template=self.template,
                idempotency_key=idempotency_key,
            )
        except ValidationError as bad:
            if bad.field == "idempotency_key":
                raise ValidationError(bad.message, field="Idempotency-Key") from None
            raise


class _TemplateContent(In):
    title: str = Field(min_length=1, max_length=200, pattern=TEXT_PATTERN, examples=["Saudação"])
    """What agents pick it by."""
    body: str = Field(
        min_length=1,
        max_length=MAX_BODY_CHARS,
        pattern=TEXT_PATTERN,
        description=_BODY_DOC,
        examples=["Olá {{contact.first_name}}, aqui é {{agent.name}}. Como posso ajudar?"],
    )
    whatsapp_template: str | None = Field(
        default=None, min_length=1, max_length=512, pattern=r"^[a-z0-9_]+$", examples=["retomada"]
    )
    """The approved WhatsApp (HSM) template that says the same thing, sent outside the
    24-hour window with the body's variables (in order of first use) as its parameters."""
    whatsapp_language: str = Field(
        default="pt_BR", pattern=r"^[a-z]{2,3}(?:_[A-Z]{2})?$", examples=["pt_BR"]
    )
    """The approved template's language code."""
    whatsapp_header: TemplateHeaderIn | None = None
    """The approved template's header parameter, when its header has one: a text or a media
    link, with the body's `{{variables}}` allowed; needs `whatsapp_template`."""
    whatsapp_buttons: list[TemplateButtonIn] = Field(default_factory=list, max_length=10)
    """The approved template's button parameters (URL ends, quick-reply payloads), variables
    allowed; need `whatsapp_template`."""

    def _parts(self) -> dict[str, Any]:
        return {
            "whatsapp_header": self.whatsapp_header.to_core() if self.whatsapp_header else None,
            "whatsapp_buttons": tuple(b.to_core() for b in self.whatsapp_buttons),
        }


class TemplateIn(_TemplateContent):
    """A new canned response."""

    key: str = Field(min_length=1, max_length=63, pattern=KEY_PATTERN, examples=["saudacao"])
    """Its key (`agent_welcome` is sent when an agent takes a conversation)."""

    def to_command(self) -> SaveCannedResponse:
        """The core command."""
        return SaveCannedResponse(
            key=self.key,
            title=self.title,
            body=self.body,
            whatsapp_template=self.whatsapp_template,
            whatsapp_language=self.whatsapp_language,
            **self._parts(),
        )


class TemplateUpdateIn(_TemplateContent):
    """A canned response's new content (the key stays)."""

    def to_command(self, key: str) -> SaveCannedResponse:
        """The core command."""
        return SaveCannedResponse(
            key=key,
            title=self.title,
            body=self.body,
            whatsapp_template=self.whatsapp_template,
            whatsapp_language=self.whatsapp_language,
            **self._parts(),
        )


class PreviewIn(In):
    """Which conversation to render a canned response for."""

    conversation_id: str = Field(min_length=1, max_length=64, pattern=TEXT_PATTERN)
    """The conversation whose contact, ticket and agent fill the variables."""
