"""`lia config show`: every setting as a row, secrets masked (the settings themselves are in settings.py)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, SecretStr

if TYPE_CHECKING:
    from lia_entrypoints.settings import Settings

__all__ = ["masked_settings"]

_SECRET_MARKERS = ("secret", "password", "token", "api_key")


def _mask_url(url: str) -> str:
    scheme, sep, rest = url.partition("://")
    creds, at, host = rest.rpartition("@")
    if not at or ":" not in creds:
        return url
    user = creds.split(":", 1)[0]
    return f"{scheme}{sep}{user}:***@{host}"


def _describe(model: BaseModel, prefix: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for name, info in type(model).model_fields.items():
        value = getattr(model, name)
        env = f"{prefix}{name.upper()}"
        if isinstance(value, BaseModel):
            rows += _describe(value, f"{env}__")
            continue
        if isinstance(value, SecretStr) or any(m in name for m in _SECRET_MARKERS):
            shown: Any = "***" if value is not None else None
        elif isinstance(value, Path):
            shown = str(value)
        else:
            shown = value
        rows.append({"name": env, "value": shown, "description": info.description or ""})
    return rows


def masked_settings(settings: Settings) -> list[dict[str, Any]]:
    """Every setting as ``{name, value, description}`` with secrets masked, plus derived values."""
    rows = _describe(settings, "LIA_")
    for row in rows:
        if row["name"] == "LIA_DATABASE_URL" and row["value"] is not None:
            row["value"] = _mask_url(row["value"])
    rows.append(
        {
            "name": "(effective database)",
            "value": _mask_url(settings.effective_database_url),
            "description": "The database actually used.",
        }
    )
    return rows
