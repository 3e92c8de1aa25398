"""The desk-policy port: stored revisions of the desk-policy document, numbered 1, 2, 3…"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from lia_core.desk.policy import DeskPolicyRevision

__all__ = ["DeskPolicyStore"]


class DeskPolicyStore(Protocol):
    """The `desk_policy_revisions` table: revisions are only ever added, never changed."""

    async def add(self, revision: DeskPolicyRevision) -> None:
        """Store *revision* under its number with the unit of work's other changes.

        Raises:
            AlreadyExists: its number is taken (another load got there first); read the
                latest again and try the next number.
        """
        ...

    async def latest(self) -> DeskPolicyRevision | None:
        """The revision with the highest number; None when none was ever loaded."""
        ...

    async def latest_number(self) -> int | None:
        """The highest revision number (cheap: what replicas poll); None when none."""
        ...

    async def get(self, revision: int) -> DeskPolicyRevision:
        """One revision by number. Raises NotFound."""
        ...

    async def history(self, limit: int) -> Sequence[DeskPolicyRevision]:
        """At most *limit* revisions, newest first."""
        ...
