"""The sign-in form; every field optional so a half-filled form is re-shown, not a bare 400."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["LoginForm"]


@dataclass
class LoginForm:
    """The sign-in form."""

    username: str = ""
    password: str = ""
    next: str = ""
