"""The end-to-end suites' log scanner (tests/log_scan.py): it sees structlog's and the stdlib's
lines after `configure_logging`'s scrubbing and a subprocess's output, fails on a leak with
the logger's name, and knows the tests' secrets and customer texts from their source."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
import structlog

from tests import log_scan


def test_a_leak_through_structlog_or_the_stdlib_fails_with_the_logger() -> None:
    """A configured secret under an innocent key and a token in a URL both fail the scan."""
    scan, tap = log_scan.begin()
    structlog.get_logger("lia_adapters.channels.x").warning("send.failed", error="got stub-token")
    logging.getLogger("httpx").info("HTTP Request: GET https://h/x?access_token=EAAG123 200")
    with pytest.raises(AssertionError) as failed:
        log_scan.end(scan, tap)
    message = str(failed.value)
    assert "2 log line(s)" in message
    assert "lia_adapters.channels.x: secret:" in message
    assert "httpx: url-credential:" in message
    assert "stub-token" not in message
    assert "EAAG123" not in message


def test_what_configure_logging_scrubs_is_no_leak() -> None:
    """A phone in a value is masked by the logging's own scrubbing before the tap reads it."""
    scan, tap = log_scan.begin()
    structlog.get_logger("lia").info("inbound", sender="5521987654321", token="stub-token")
    log_scan.end(scan, tap)
    assert any("5521*******21" in line for _, line in scan.lines)


def test_subprocess_output_and_log_files_are_scanned(tmp_path: Path) -> None:
    """A `lia` command's stderr and a server's log file are scanned with the test's lines."""
    log = tmp_path / "serve.log"
    log.write_text('{"event": "x", "to": "+55 21 98765-4321"}\n')
    scan, tap = log_scan.begin()
    log_scan.record_output('{"event": "fine"}\n', source="lia user")
    log_scan.watch_file(log, source="lia serve")
    with pytest.raises(AssertionError, match="lia serve: phone:"):
        log_scan.end(scan, tap)
    with pytest.raises(AssertionError, match="lia serve: phone:"):
        log_scan.assert_no_leaks(log, source="lia serve")


def test_secrets_and_customer_texts_are_harvested_from_test_source(tmp_path: Path) -> None:
    """Secret-like names, `--password`, accounts and `text=` / `say(...)` values are collected."""
    source = tmp_path / "test_x.py"
    source.write_text(
        "APP_SECRET = 'meta-secret-1'\n"
        "env = dict(LIA_WHATSAPP__ACCESS_TOKEN='tok-123456')\n"
        "env['LIA_JWT_SECRET'] = 'jwt-key-123'\n"
        "lia.ok('user', 'create', '--password', 'pass-12345')\n"
        "ADMIN = Account('ana', 'admin-pass-1', 'admin')\n"
        "walk.say(PHONE, 'quero cancelar')\n"
        "msg = InboundMessage(text='sem internet aqui')\n"
        "page.get_by_text(text='Com falha')\n"
        "body = 'Olá {{contact.name}}'\n"
    )
    secrets, texts = log_scan.harvest([source])
    assert secrets == {"meta-secret-1", "tok-123456", "jwt-key-123", "pass-12345", "admin-pass-1"}
    assert texts == {"quero cancelar", "sem internet aqui"}
