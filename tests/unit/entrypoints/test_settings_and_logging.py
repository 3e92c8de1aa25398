"""Settings validation, secret masking and log scrubbing."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
import structlog
from pydantic import ValidationError

from lia_entrypoints.logging import configure_logging, mask_phones
from lia_entrypoints.settings import Settings, masked_settings


def test_defaults_use_embedded_sqlite_in_data_dir(tmp_path: Path) -> None:
    """With nothing configured the database is an SQLite file in the data directory."""
    settings = Settings(_env_file=None, data_dir=tmp_path)
    assert settings.effective_database_url == f"sqlite+aiosqlite:///{tmp_path}/lia.db"
    assert settings.uses_embedded_database


def test_unknown_timezone_is_rejected() -> None:
    """A timezone that is not an IANA name is refused with a clear message."""
    with pytest.raises(ValidationError, match="unknown timezone"):
        Settings(_env_file=None, timezone="Mars/Olympus")


def test_unsupported_database_url_is_rejected() -> None:
    """Only the two supported drivers are accepted."""
    with pytest.raises(ValidationError, match="postgresql\\+psycopg"):
        Settings(_env_file=None, database_url="mysql://x")


def test_env_variables_and_nesting(monkeypatch: pytest.MonkeyPatch) -> None:
    """LIA_* variables configure settings; nested ones use a double underscore."""
    monkeypatch.setenv("LIA_HTTP__PORT", "9001")
    monkeypatch.setenv("LIA_TIMEZONE", "America/Manaus")
    settings = Settings(_env_file=None)
    assert settings.http.port == 9001
    assert settings.timezone == "America/Manaus"


def test_secrets_are_masked_in_config_show() -> None:
    """The JWT secret and a database password never appear in the listing."""
    settings = Settings(
        _env_file=None,
        jwt_secret="super-secret-key",
        database_url="postgresql+psycopg://lia:hunter2@db:5432/lia",
    )
    shown = json.dumps(masked_settings(settings))
    assert "super-secret-key" not in shown
    assert "hunter2" not in shown
    assert "postgresql+psycopg://lia:***@db:5432/lia" in shown


def test_generated_jwt_key_is_kept(tmp_path: Path) -> None:
    """Without a configured secret, one is generated once and reused."""
    settings = Settings(_env_file=None, data_dir=tmp_path)
    first = settings.jwt_key()
    assert len(first) >= 32
    assert Settings(_env_file=None, data_dir=tmp_path).jwt_key() == first
    assert (tmp_path / "jwt-secret").stat().st_mode & 0o077 == 0


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("cliente 5521999998888 escreveu", "cliente 5521*******88 escreveu"),
        ("+55 (21) 99999-8888", "5521*******88"),
        ("pedido 12345", "pedido 12345"),
        ("CEP 25953-120", "CEP 25953-120"),
        ("job 12 5521999998888", "job 1255*********88"),
        ("5521999998888-1 de 3", "5521********81 de 3"),
        # A UUID whose groups are digits stays whole (a job id an operator searches for);
        # a phone right beside it is still masked.
        (
            "job 1da1f90b-8765-41e0-8276-327612345606 5521999998888",
            "job 1da1f90b-8765-41e0-8276-327612345606 5521*******88",
        ),
    ],
)
def test_phone_numbers_are_masked(raw: str, masked: str) -> None:
    """Phone-like runs of 10 or more digits are masked, a phone beside another number too;
    short numbers and CEPs are kept."""
    assert mask_phones(raw) == masked


def test_log_lines_are_json_and_scrubbed(capsys: pytest.CaptureFixture[str]) -> None:
    """A log event is one JSON line with phones masked and secret fields hidden."""
    configure_logging(level="INFO", fmt="json")
    structlog.get_logger("t").info(
        "login", phone="5521999998888", password="pw12345678", user="ana"
    )
    line = capsys.readouterr().err.strip().splitlines()[-1]
    event = json.loads(line)
    assert event["event"] == "login"
    assert event["phone"] == "5521*******88"
    assert event["password"] == "***"
    assert event["user"] == "ana"
    logging.getLogger().handlers.clear()


def test_a_database_error_s_detail_is_hidden(capsys: pytest.CaptureFixture[str]) -> None:
    """PostgreSQL's DETAIL line (the refused key or row) never reaches a log line."""
    configure_logging(level="INFO", fmt="json")
    error = (
        "duplicate key value violates unique constraint\n"
        "DETAIL: Failing row contains (quero cancelar meu plano).\n[SQL: INSERT …]"
    )
    structlog.get_logger("t").error("ingest.write_failed", error=error)
    event = json.loads(capsys.readouterr().err.strip().splitlines()[-1])
    logging.getLogger().handlers.clear()
    assert "cancelar" not in event["error"]
    assert "DETAIL: (hidden)" in event["error"]
    assert event["error"].startswith("duplicate key value")


def test_a_logger_used_before_a_reconfiguration_is_still_captured() -> None:
    """The suite's loggers never freeze (conftest): in-process `lia` commands configure
    logging again, and a frozen logger would escape `capture_logs` in a later test."""
    logger = structlog.get_logger("lia.tests.reconfigured")
    configure_logging(level="WARNING", fmt="json")
    logger.warning("first")
    configure_logging(level="INFO", fmt="json")
    with structlog.testing.capture_logs() as logs:
        logger.info("second")
    logging.getLogger().handlers.clear()
    assert [e["event"] for e in logs] == ["second"]
