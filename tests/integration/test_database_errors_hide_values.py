"""A refused statement's error, as a log line would show it, names no value being written:
the engine hides SQLAlchemy's parameters and the logging hides PostgreSQL's DETAIL line."""

from __future__ import annotations

import pytest
import structlog
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from lia_adapters.sql import create_engine
from tests import log_scan
from tests.conftest import SQL_BACKENDS

PHONE = "5521987650009"
SAID = "quero cancelar meu plano hoje"


@pytest.mark.parametrize("database_url", SQL_BACKENDS, indirect=True)
async def test_a_duplicate_row_s_error_holds_neither_phone_nor_text(database_url: str) -> None:
    """The error text of a duplicate insert carries no parameter; its log line no DETAIL."""
    engine = create_engine(database_url)
    insert = text("INSERT INTO said (phone, body) VALUES (:phone, :body)")
    try:
        async with engine.begin() as conn:
            await conn.execute(text("CREATE TABLE said (phone TEXT PRIMARY KEY, body TEXT)"))
            await conn.execute(insert, {"phone": PHONE, "body": SAID})
        with pytest.raises(IntegrityError) as refused:
            async with engine.begin() as conn:
                await conn.execute(insert, {"phone": PHONE, "body": SAID})
    finally:
        await engine.dispose()
    assert "parameters hidden" in str(refused.value)
    assert SAID not in str(refused.value)
    # The scan of this test's log lines (tests/log_scan.py) fails it if the line leaks.
    log_scan.detector().add_customer_texts([SAID])
    structlog.get_logger("lia_entrypoints.inbound").error(
        "ingest.write_failed", error=str(refused.value), exc_info=refused.value
    )
