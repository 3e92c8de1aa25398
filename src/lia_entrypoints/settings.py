"""Every setting LIA reads, from ``LIA_*`` environment variables or a ``.env`` file."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["HttpSettings", "Settings", "WorkerSettings", "masked_settings"]


class HttpSettings(BaseModel):
    """The HTTP service (`lia serve`)."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    host: str = "127.0.0.1"
    """Interface to listen on; `0.0.0.0` to accept connections from other machines."""
    port: int = Field(default=8000, ge=1, le=65535)
    """TCP port to listen on."""
    jwt_ttl_minutes: int = Field(default=480, ge=1, le=60 * 24 * 30)
    """How long a login token stays valid."""


class WorkerSettings(BaseModel):
    """The background worker (`lia worker`)."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    poll_interval_seconds: float = Field(default=5.0, gt=0, le=3600)
    """How often the worker looks for due work (scheduled failures to activate)."""


class Settings(BaseSettings):
    """LIA's configuration; nothing is required to start on the embedded SQLite default."""

    model_config = SettingsConfigDict(
        env_prefix="LIA_",
        env_nested_delimiter="__",
        env_file=".env",
        extra="ignore",
        use_attribute_docstrings=True,
    )

    data_dir: Path = Path("var")
    """Directory for the embedded database and the generated JWT secret."""
    database_url: str | None = None
    """SQLAlchemy URL: `postgresql+psycopg://user@host/db` or `sqlite+aiosqlite:///path.db`; default: SQLite file `<data_dir>/lia.db`."""
    timezone: str = "America/Sao_Paulo"
    """The ISP's timezone: times without an offset are read in it and shown in it."""
    jwt_secret: SecretStr | None = None
    """Key that signs login tokens; default: a random key kept in `<data_dir>/jwt-secret`. Set it when running more than one replica."""
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    """Least severe log level printed."""
    log_format: Literal["auto", "json", "console"] = "auto"
    """`json` (one JSON object per line), `console` (readable), or `auto`: console on a terminal, JSON otherwise."""
    http: HttpSettings = HttpSettings()
    """HTTP service settings (`LIA_HTTP__PORT`, …)."""
    worker: WorkerSettings = WorkerSettings()
    """Worker settings (`LIA_WORKER__POLL_INTERVAL_SECONDS`, …)."""

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(
                f"unknown timezone {value!r} (use an IANA name such as America/Sao_Paulo)"
            ) from exc
        return value

    @field_validator("database_url")
    @classmethod
    def _supported_database(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(
            ("postgresql+psycopg://", "sqlite+aiosqlite://")
        ):
            raise ValueError(
                "database URL must start with postgresql+psycopg:// or sqlite+aiosqlite://"
            )
        return value

    @property
    def effective_database_url(self) -> str:
        """The URL in use: the configured one or the embedded SQLite file."""
        return self.database_url or f"sqlite+aiosqlite:///{self.data_dir / 'lia.db'}"

    @property
    def uses_embedded_database(self) -> bool:
        """True when the database is SQLite (migrations are then applied automatically)."""
        return self.effective_database_url.startswith("sqlite")

    @property
    def tz(self) -> ZoneInfo:
        """The ISP's timezone."""
        return ZoneInfo(self.timezone)

    def jwt_key(self) -> str:
        """The token-signing key, creating and keeping a random one on first use if none is set."""
        if self.jwt_secret is not None:
            return self.jwt_secret.get_secret_value()
        path = self.data_dir / "jwt-secret"
        if path.exists():
            return path.read_text().strip()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(48)
        path.touch(mode=0o600)
        path.write_text(key)
        return key


_SECRET_MARKERS = ("secret", "password", "token", "key")


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
