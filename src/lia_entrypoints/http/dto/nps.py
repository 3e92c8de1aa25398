"""Request bodies of the NPS follow-up commands (`/api/v1/nps/followups/{id}/take|resolve`)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from lia_core.domain.feedback import MAX_NOTES_CHARS
from lia_entrypoints.http.dto.base import TEXT_PATTERN, In

__all__ = ["ResolveFollowUpIn", "TakeFollowUpIn"]

Notes = Annotated[
    str,
    Field(
        min_length=1,
        max_length=MAX_NOTES_CHARS,
        pattern=TEXT_PATTERN,
        examples=["liguei para a cliente, desconto de 10% na próxima fatura"],
    ),
]


class TakeFollowUpIn(In):
    """Take a pending follow-up (it becomes the caller's)."""

    notes: str | None = Field(
        default=None, min_length=1, max_length=MAX_NOTES_CHARS, pattern=TEXT_PATTERN
    )
    """What the caller plans to do (optional)."""


class ResolveFollowUpIn(In):
    """Resolve a follow-up in progress: what was done and how well the complaint was handled."""

    notes: Notes
    """What was done (required)."""
    score: int = Field(ge=1, le=5, examples=[4])
    """The handling score, 1 (badly) to 5 (very well): the schema's `handlingScore`."""
