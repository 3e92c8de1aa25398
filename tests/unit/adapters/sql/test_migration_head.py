"""`HEAD`, what `lia serve` compares the database with at every start without importing
Alembic, is the head Alembic reads from versions/: a new revision must raise it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from lia_adapters.sql.migrations import HEAD, alembic_config, current_revision, head_revision


def test_head_is_the_one_head_of_the_history() -> None:
    """One head, and it is `HEAD` (raise `HEAD` in migrations/__init__.py with a new revision)."""
    heads = ScriptDirectory.from_config(alembic_config()).get_heads()
    assert heads == [HEAD], f"versions/ ends at {heads}; set HEAD in migrations/__init__.py"
    assert head_revision() == HEAD


def test_the_service_imports_no_alembic_until_it_migrates() -> None:
    """Building the app (what `lia serve` loads) leaves Alembic unimported: 10 MB saved."""
    probe = "import sys, lia_entrypoints.http.app; print('alembic' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


async def test_the_revision_is_read_with_plain_sql(tmp_path: Path) -> None:
    """No version table: None; one row: its revision; two rows (two heads): refused by name."""
    engine = create_async_engine(f"sqlite+aiosqlite:///{tmp_path / 'lia.db'}")
    try:
        assert await current_revision(engine) is None
        async with engine.begin() as conn:
            await conn.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32))"))
            await conn.execute(text("INSERT INTO alembic_version VALUES ('0025')"))
        assert await current_revision(engine) == "0025"
        async with engine.begin() as conn:
            await conn.execute(text("INSERT INTO alembic_version VALUES ('0026')"))
        with pytest.raises(RuntimeError, match="several revisions at once: 0025, 0026"):
            await current_revision(engine)
    finally:
        await engine.dispose()
