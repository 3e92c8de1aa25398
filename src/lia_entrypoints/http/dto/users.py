"""Request bodies of staff accounts: change an account's contact fields."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from lia_core.domain.activity import Actor
from lia_core.domain.users import MAX_DEPARTMENT_CHARS, MAX_FULL_NAME_CHARS, MAX_PUSH_TOKEN_CHARS
from lia_core.services import UpdateUser
from lia_entrypoints.http.dto.base import In

__all__ = ["USERNAME_PATTERN", "UserUpdateIn"]

USERNAME_PATTERN = "^[A-Za-z0-9][A-Za-z0-9._@-]{2,63}$"
"""A username as typed (read in lower case)."""
_DEPARTMENT_PATTERN = r"^\s*(?:[^\s,][^,]*)?$"


class UserUpdateIn(In):
    """Contact fields to change; a field left out (or null) stays, an empty text clears it."""

    full_name: str | None = Field(
        default=None, max_length=MAX_FULL_NAME_CHARS, examples=["Ana Souza"]
    )
    """The person's name."""
    phone: str | None = Field(default=None, max_length=40, examples=["(21) 99999-8888"])
    """Phone for staff alerts by WhatsApp or SMS, national or international form."""
    push_token: str | None = Field(
        default=None, max_length=MAX_PUSH_TOKEN_CHARS, pattern=r"^\s*[^\s]*\s*$"
    )
    """Device token for staff alerts by push (no spaces inside)."""
    departments: (
        list[Annotated[str, Field(max_length=MAX_DEPARTMENT_CHARS, pattern=_DEPARTMENT_PATTERN)]]
        | None
    ) = Field(default=None, max_length=100, examples=[["support", "financial"]])
    """The departments whose tickets are theirs; replaces the list (`[]` clears it)."""
    participates_in_gamification: bool | None = None
    """False leaves the person out of the gamification ranking."""

    def to_command(self, username: str, actor: Actor) -> UpdateUser:
        """The core command for the account *username*, changed by *actor*."""
        return UpdateUser(
            username=username,
            actor=actor,
            full_name=self.full_name,
            phone=self.phone,
            push_token=self.push_token,
            departments=tuple(self.departments) if self.departments is not None else None,
            participates_in_gamification=self.participates_in_gamification,
        )
