"""The public shapes of agents' messages, notes and canned responses (HTTP and ``--json``)."""

from __future__ import annotations

from datetime import datetime, tzinfo

from lia_core.domain.canned import CannedResponse, variables_in
from lia_core.services.canned import Preview
from lia_core.services.replies import ReplySent
from lia_entrypoints.schemas.base import Out
from lia_entrypoints.schemas.conversations import MessageOut, NoteOut
from lia_entrypoints.schemas.delivery import TemplateButtonOut, TemplateHeaderOut

__all__ = ["NoteOut", "PreviewOut", "ReplyOut", "TemplateOut"]


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


class PreviewOut(Out):
    """A canned response as it would read in one conversation (nothing is sent)."""

    key: str
    conversation_id: str
    text: str
    empty: list[str]
    """Variables that would come out empty here (warn before sending)."""

    @classmethod
    def of(cls, preview: Preview) -> PreviewOut:
        """Render a preview."""
        return cls(
            key=preview.response.key,
            conversation_id=preview.conversation_id,
            text=preview.rendered.text,
            empty=list(preview.rendered.empty),
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
