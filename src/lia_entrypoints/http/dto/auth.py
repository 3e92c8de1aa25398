"""Logging in: the credentials sent and the bearer token answered."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from lia_core.domain.users import MIN_PASSWORD_CHARS
from lia_entrypoints.http.dto.base import In

__all__ = ["LoginIn", "PasswordChangeIn", "TokenOut"]


class LoginIn(In):
    """Credentials of a staff account."""

    username: str = Field(min_length=1, max_length=64, examples=["maria"])
    """The account's username (any case)."""
    password: str = Field(min_length=1, max_length=1024, examples=["correct horse battery"])
    """The account's password."""


class PasswordChangeIn(In):
    """The signed-in account's current password and the new one."""

    current_password: str = Field(min_length=1, max_length=1024)
    """The password now (checked like a sign-in, throttled alike)."""
    password: str = Field(
        min_length=MIN_PASSWORD_CHARS, max_length=1024, examples=["a long new passphrase"]
    )
    """The new password: at least 10 characters, not on the list of common ones."""


class TokenOut(BaseModel):
    """A bearer token to send as `Authorization: Bearer <access_token>`."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    access_token: str
    """The signed JWT."""
    token_type: Literal["bearer"] = "bearer"  # noqa: S105 - the OAuth 2 token type, not a secret
    """Always `bearer`."""
    expires_in: int = Field(examples=[28800])
    """Seconds until the token expires."""
