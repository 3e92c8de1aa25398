"""The error for a setting that cannot work, named the way the user typed it."""

from __future__ import annotations

from lia_core.errors import ValidationError

__all__ = ["InvalidSetting"]


class InvalidSetting(ValidationError):
    """A setting that cannot work (a missing credential, an unreadable file, a bad URL).

    ``field`` is the environment variable (``LIA_CRM__IXC_USER_ID``); the CLI prints
    ``error: invalid setting LIA_CRM__IXC_USER_ID: …`` and exits 2 before serving.
    """

    def __init__(self, setting: str, reason: str, *, message: str | None = None) -> None:
        self.reason = reason
        super().__init__(message or f"invalid setting {setting}: {reason}", field=setting)

    @classmethod
    def missing(cls, setting: str, when: str) -> InvalidSetting:
        """*setting* is unset though another one needs it (``… is required when …``)."""
        return cls(setting, f"required {when}", message=f"{setting} is required {when}")
