"""The public shapes of the desk policy: a stored revision, the policy in force, a load's result."""

from __future__ import annotations

from datetime import datetime, tzinfo

from lia_core.desk.policy import DeskPolicyRevision
from lia_core.services import CurrentDeskPolicy, LoadedDeskPolicy
from lia_entrypoints.schemas.base import Out

__all__ = ["DeskPolicyLoadOut", "DeskPolicyOut", "DeskPolicyRevisionOut", "revision_header"]


class DeskPolicyRevisionOut(Out):
    """One stored revision of the desk policy (without its text)."""

    revision: int
    """The revision number: 1, 2, 3… in load order."""
    loaded_by: str
    """Who loaded it."""
    loaded_at: datetime
    """When it was loaded."""
    filename: str | None
    """The file it was loaded from, when given."""
    digest: str
    """SHA-256 of the document, hex."""

    @classmethod
    def of(cls, revision: DeskPolicyRevision, tz: tzinfo) -> DeskPolicyRevisionOut:
        """Render a revision."""
        return cls(
            revision=revision.revision,
            loaded_by=revision.loaded_by,
            loaded_at=revision.loaded_at.astimezone(tz),
            filename=revision.filename,
            digest=revision.digest,
        )


class DeskPolicyOut(Out):
    """A desk-policy document: a stored revision, or the built-in policy when none is loaded."""

    builtin: bool
    """True when no revision was ever loaded and the built-in policy applies."""
    revision: DeskPolicyRevisionOut | None
    """The stored revision; null for the built-in policy."""
    source: str
    """The TOML document as stored (the built-in policy written in the same format)."""

    @classmethod
    def of(cls, current: CurrentDeskPolicy, tz: tzinfo) -> DeskPolicyOut:
        """Render the policy shown."""
        stored = current.revision
        return cls(
            builtin=stored is None,
            revision=DeskPolicyRevisionOut.of(stored, tz) if stored is not None else None,
            source=current.source,
        )


class DeskPolicyLoadOut(Out):
    """What a load did: the document is valid; stored as a new revision unless a dry run."""

    valid: bool
    """Always true: an invalid document is an error listing each fault with its line."""
    stored: bool
    """False on a dry run."""
    revision: DeskPolicyRevisionOut | None
    """The new revision; null on a dry run."""
    digest: str
    """SHA-256 of the document, hex."""

    @classmethod
    def of(cls, loaded: LoadedDeskPolicy, tz: tzinfo) -> DeskPolicyLoadOut:
        """Render a load."""
        stored = loaded.revision
        return cls(
            valid=True,
            stored=stored is not None,
            revision=DeskPolicyRevisionOut.of(stored, tz) if stored is not None else None,
            digest=loaded.digest,
        )


def revision_header(current: CurrentDeskPolicy, tz: tzinfo) -> str:
    """The TOML comment line that says which policy a shown document is."""
    stored = current.revision
    if stored is None:
        return "# built-in desk policy (no revision loaded; `lia rules load FILE` stores one)"
    when = stored.loaded_at.astimezone(tz).isoformat(timespec="seconds")
    origin = f" from {stored.filename}" if stored.filename else ""
    return f"# revision {stored.revision}, loaded by {stored.loaded_by} at {when}{origin}"
