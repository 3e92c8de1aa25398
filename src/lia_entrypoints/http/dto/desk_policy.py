"""Request body of the desk policy: a TOML document to check and store."""

from __future__ import annotations

from pydantic import Field, field_validator

from lia_core.domain.activity import Actor
from lia_core.services import LoadDeskPolicy
from lia_core.services.desk_policy import MAX_FILENAME_CHARS, MAX_POLICY_CHARS
from lia_entrypoints.http.dto.base import In

__all__ = ["DeskPolicyIn"]


class DeskPolicyIn(In):
    """A desk-policy document (the format of docs/tickets.md, "The desk policy")."""

    source: str = Field(
        max_length=MAX_POLICY_CHARS, examples=['[calendar]\ntimezone = "America/Sao_Paulo"\n']
    )
    """The TOML document; each fault is reported with its line (422)."""
    filename: str | None = Field(
        default=None, max_length=MAX_FILENAME_CHARS, examples=["desk-policy.toml"]
    )
    """The file it came from, kept with the revision and named in error messages."""
    dry_run: bool = False
    """Only check the document; store nothing."""

    @field_validator("dry_run", mode="before")
    @classmethod
    def _a_json_boolean(cls, value: object) -> object:
        # Litestar validates bodies leniently (0 would pass as false); the schema says boolean.
        if not isinstance(value, bool):
            raise ValueError("dry_run must be true or false")
        return value

    def to_command(self, actor: Actor) -> LoadDeskPolicy:
        """The core command, loaded by *actor*."""
        return LoadDeskPolicy(
            source=self.source, actor=actor, filename=self.filename or None, dry_run=self.dry_run
        )
