"""The public shapes of agents' messages, notes and canned responses (HTTP and ``--json``)."""

from __future__ import annotations

from datetime import datetime, tzinfo

from lia_core.domain.canned import CannedResponse, RenderedButton, RenderedHeader, variables_in
from lia_core.services.canned import Preview
from lia_core.services.replies import ReplySent
from lia_entrypoints.schemas.base import Out
from lia_entrypoints.schemas.conversations import MessageOut, NoteOut
from lia_entrypoints.schemas.delivery import TemplateButtonOut, TemplateHeaderOut

__all__ = [
    "NoteOut",
    "PreviewButtonOut",
    "PreviewHeaderOut",
    "PreviewOut",
    "PreviewPartOut",
    "ReplyOut",
    "TemplateOut",
]


class TemplateOut(Out):
    """A canned response."""

    key: str
    title: str
    body: str
    variables: list[str]
    """The variables its body uses, in order of first use."""
    whatsapp_template: str | None
    """The approved WhatsApp template sent in its place outside the 24-hour window."""
    whatsapp_language: str
    whatsapp_header: TemplateHeaderOut | None
    """The approved template's header parameter (variables not yet filled)."""
    whatsapp_buttons: list[TemplateButtonOut]
    """The approved template's button parameters (variables not yet filled)."""
    version: int
    """Send it back as `If-Match` to update or delete only this version."""
    created_at: datetime
    updated_at: datetime
    updated_by: str

    @classmethod
    def of(cls, response: CannedResponse, tz: tzinfo) -> TemplateOut:
        """Render a canned response with its times in the ISP's timezone."""
        return cls(
            key=response.key,
            title=response.title,
            body=response.body,
            variables=list(variables_in(response.body)),
            whatsapp_template=response.whatsapp_template,
            whatsapp_language=response.whatsapp_language,
            whatsapp_header=TemplateHeaderOut.of(response.whatsapp_header)
            if response.whatsapp_header
            else None,
            whatsapp_buttons=[TemplateButtonOut.of(b) for b in response.whatsapp_buttons],
            version=response.version,
            created_at=response.created_at.astimezone(tz),
            updated_at=response.updated_at.astimezone(tz),
            updated_by=response.updated_by,
        )


class PreviewPartOut(Out):
    """A parameter of the approved template besides its body, filled for one conversation."""

    type: str
    value: str
    """Its variables filled."""
    empty: list[str]
    """Its variables that would come out empty here; a `value` left blank refuses the reply
    after the 24-hour window."""


class PreviewHeaderOut(PreviewPartOut):
    """The approved template's header parameter (type text, image, video or document)."""

    filename: str | None

    @classmethod
    def of(cls, header: RenderedHeader) -> PreviewHeaderOut:
        """Render a filled header parameter."""
        return cls(
            type=header.header.kind.value,
            value=header.rendered.text,
            empty=list(header.rendered.empty),
            filename=header.header.filename,
        )


class PreviewButtonOut(PreviewPartOut):
    """One of the approved template's button parameters (type url or quick_reply)."""

    index: int

    @classmethod
    def of(cls, button: RenderedButton) -> PreviewButtonOut:
        """Render a filled button parameter."""
        return cls(
            type=button.button.kind.value,
            value=button.rendered.text,
            empty=list(button.rendered.empty),
            index=button.button.index,
        )


class PreviewOut(Out):
    """A canned response as it would read in one conversation (nothing is sent)."""

    key: str
    conversation_id: str
    text: str
    """The body, filled."""
    empty: list[str]
    """Variables of the body that would come out empty here (warn before sending)."""
    whatsapp_template: str | None
    """The approved WhatsApp template it goes out as after the 24-hour window, with the
    header and button parameters below."""
    whatsapp_header: PreviewHeaderOut | None
    """The approved template's header parameter, filled for this conversation."""
    whatsapp_buttons: list[PreviewButtonOut]
    """The approved template's button parameters, filled for this conversation."""

    @classmethod
    def of(cls, preview: Preview) -> PreviewOut:
        """Render a preview."""
        rendered = preview.rendered
        return cls(
            key=preview.response.key,
            conversation_id=preview.conversation_id,
            text=rendered.body.text,
            empty=list(rendered.body.empty),
            whatsapp_template=preview.response.whatsapp_template,
            whatsapp_header=PreviewHeaderOut.of(rendered.header)
            if rendered.header is not None
            else None,
            whatsapp_buttons=[PreviewButtonOut.of(b) for b in rendered.buttons],
        )


class ReplyOut(Out):
    """A queued reply: its message (PENDING until the provider confirms) and its job."""

    message: MessageOut
    job_id: str
    template: str | None
    """The canned response used, if any."""
    whatsapp_template: str | None
    """The approved WhatsApp template it goes out as (after the 24-hour window), if any."""
    empty: list[str]
    """Variables of the canned response that had no value in this conversation."""

    @classmethod
    def of(cls, sent: ReplySent, tz: tzinfo) -> ReplyOut:
        """Render a queued reply."""
        return cls(
            message=MessageOut.of(sent.message, tz),
            job_id=sent.job.id,
            template=sent.template,
            whatsapp_template=sent.whatsapp_template,
            empty=list(sent.empty),
        )
