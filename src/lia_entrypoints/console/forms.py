"""The shapes of the console's forms (URL-encoded bodies); every field optional so that a
half-filled form is re-shown with its errors instead of a bare 400."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["LoginForm"]


@dataclass
class LoginForm:
    """The sign-in form."""

    username: str = ""
    password: str = ""
    next: str = ""
