"""A throwaway PostgreSQL cluster of the test's own, to restart at will (never the shared one)."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NoReturn

import attrs
import psycopg
import pytest

from tests.integration.delivery.processes import free_port

__all__ = ["Cluster", "throwaway_cluster"]

DATABASE = "lia"


def _run(*args: str) -> None:
    subprocess.run(args, check=True, capture_output=True, timeout=60)


def _missing(reason: str) -> NoReturn:
    """Skip on a laptop without Debian's cluster tools; under CI=true the test must run."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true: the database-restart test must run)")
    pytest.skip(reason)


@attrs.frozen
class Cluster:
    """One `pg_createcluster` cluster: its version, name, port and a database URL on it."""

    version: str
    name: str
    port: int

    @property
    def url(self) -> str:
        """The SQLAlchemy URL of the test database on this cluster."""
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{DATABASE}"

    @property
    def conninfo(self) -> str:
        """The libpq URL of the test database (for psycopg)."""
        return f"postgresql://postgres@127.0.0.1:{self.port}/{DATABASE}"

    def describe(self) -> str:
        """The cluster's state and the end of its server log (for a failure's message)."""
        log = Path(f"/var/log/postgresql/postgresql-{self.version}-{self.name}.log")
        state = subprocess.run(["pg_lsclusters"], capture_output=True, text=True, check=False)
        tail = log.read_text(errors="replace")[-3000:] if log.exists() else ""
        return f"{state.stdout}\n{tail}"

    def restart(self) -> None:
        """`pg_ctlcluster restart` (fast shutdown: every session is cut)."""
        _run("pg_ctlcluster", self.version, self.name, "restart")

    def stop(self) -> None:
        """Stop the server (fast shutdown); connections are refused until `start`."""
        _run("pg_ctlcluster", self.version, self.name, "stop")

    def start(self) -> None:
        """Start the server again; returns once it accepts connections."""
        _run("pg_ctlcluster", self.version, self.name, "start")


def _version() -> str:
    found = [p.name for p in Path("/etc/postgresql").glob("*") if p.name.isdigit()]
    versions = sorted(found, key=int)
    if not versions:
        _missing("no PostgreSQL version under /etc/postgresql")
    return versions[-1]


@contextmanager
def throwaway_cluster() -> Iterator[Cluster]:
    """Create, start and yield a trust-auth cluster on a free port; drop it afterwards, even on failure."""
    if shutil.which("pg_createcluster") is None:
        _missing("pg_createcluster not found (Debian's postgresql-common)")
    if os.geteuid() != 0:
        _missing("pg_createcluster needs root to create a cluster owned by postgres")
    cluster = Cluster(
        version=_version(), name=f"liafaults-{uuid.uuid4().hex[:8]}", port=free_port()
    )
    try:
        _run(
            "pg_createcluster", cluster.version, cluster.name,
            "--port", str(cluster.port), "--start",
            # Small, so a test's cluster costs little beside the shared one.
            "--pgoption", "shared_buffers=16MB", "--pgoption", "max_connections=60",
            "--", "--auth=trust",
        )  # fmt: skip
        admin = f"postgresql://postgres@127.0.0.1:{cluster.port}/postgres"
        deadline = time.monotonic() + 30
        while True:
            try:
                with psycopg.connect(admin, autocommit=True, connect_timeout=2) as conn:
                    conn.execute(f"CREATE DATABASE {DATABASE}")
                break
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        yield cluster
    finally:
        subprocess.run(
            ["pg_dropcluster", "--stop", cluster.version, cluster.name],
            capture_output=True,
            timeout=60,
            check=False,
        )
