"""Shared database fixtures: fresh SQLite files and PostgreSQL schemas, migrated engines, units of work."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import psycopg
import pytest
from hypothesis import HealthCheck, settings
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from lia_adapters.memory import InMemoryStore
from lia_adapters.sql import SqlUnitOfWorkFactory, create_engine
from lia_adapters.sql.realtime import libpq_conninfo
from lia_core.ports import UnitOfWorkFactory
from lia_entrypoints import logging as lia_logging
from tests import log_scan
from tests.db_templates import (
    PostgresTemplate,
    SqliteTemplate,
    build_postgres_template,
    build_sqlite_template,
    fresh_schema_url,
)

# In-process `lia` commands configure logging again and again in one worker: a logger cached
# under an earlier configuration would escape `capture_logs` (an order-dependent failure).
lia_logging.CACHE_LOGGERS = False

settings.register_profile(
    "ci",
    derandomize=True,
    database=None,
    deadline=None,
    max_examples=100,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
"""The fixed profile: every run (CI or laptop) tries the same examples, so a failure reproduces."""
settings.register_profile(
    "explore",
    derandomize=False,
    deadline=None,
    max_examples=2_000,
    suppress_health_check=[HealthCheck.too_slow],
)
"""Random, 20x more examples: `HYPOTHESIS_PROFILE=explore pytest tests/unit` to hunt new bugs."""
settings.register_profile(
    "mutation",
    derandomize=True,
    database=None,
    deadline=None,
    max_examples=20,
    suppress_health_check=[HealthCheck.too_slow],
)
"""Fixed and short, for `nox -s mutate`: a mutant's verdict repeats, and thousands of mutants run."""
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"

BACKENDS = ["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
"""Every store the repository contract runs against."""

SQL_BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
"""Every real database LIA supports."""


STARTS_EARLY = ("static", "slow")
"""Markers of long single tests: collected first, so under xdist none of them is a run's tail."""


def _set_node_id(item: pytest.Item, nodeid: str) -> None:
    if hasattr(item, "_id"):  # pytest 9 keeps the id structured; its string form is kept as given
        item._id = type(item._id).parse(nodeid)
    else:  # pytest 8 keeps the string
        setattr(item, "_nodeid", nodeid)  # noqa: B010 - a private attribute, as xdist sets it


def _give_each_item_its_own_node_id(items: list[pytest.Item]) -> None:
    # Under pytest 9 schemathesis gives all its operations the test function's node id, and
    # xdist's loadgroup keys tests by node id: it would run one operation and drop the rest.
    shared = Counter(item.nodeid for item in items)
    for item in items:
        if shared[item.nodeid] > 1 and item.parent is not None:
            _set_node_id(item, f"{item.parent.nodeid}::{item.name}")  # as pytest ids parameters
    clashes = [nodeid for nodeid, n in Counter(item.nodeid for item in items).items() if n > 1]
    if clashes:
        raise pytest.UsageError(f"tests share a node id, so xdist would run one of each: {clashes}")


def _name_the_xdist_groups(items: list[pytest.Item]) -> None:
    # xdist 3.8 puts a test's group into its node id ("…@browser") through an attribute that
    # pytest 9 no longer reads, so under pytest 9 the groups would be ignored: do it here.
    for item in items:
        groups = {str(m.args[0] if m.args else m.kwargs.get("name", "default"))
                  for m in item.iter_markers("xdist_group")}  # fmt: skip
        if groups and hasattr(item, "_id") and "@" not in item.nodeid:
            _set_node_id(item, f"{item.nodeid}@{'_'.join(sorted(groups))}")


@pytest.hookimpl(tryfirst=True)  # before xdist reads the groups into the node ids
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Every test gets a node id of its own; browser tests share one xdist worker (one
    `lia serve`, one Chromium, not one per worker); long single tests move to the front
    (the sort is stable: the rest keep their order)."""
    _give_each_item_its_own_node_id(items)
    for item in items:
        if item.get_closest_marker("browser") is not None:
            item.add_marker(pytest.mark.xdist_group("browser"))
    if getattr(config.option, "loadgroup", False):
        _name_the_xdist_groups(items)
    items.sort(key=lambda item: not any(item.get_closest_marker(m) for m in STARTS_EARLY))


@pytest.fixture(autouse=True)
def _no_personal_data_in_logs(request: pytest.FixtureRequest) -> Iterator[None]:
    """In the end-to-end suites, every log line the test causes is scanned at its teardown:
    a phone number, token, secret or customer text fails it (tests/log_scan.py)."""
    scanned = log_scan.SCANNED
    if not any(part in scanned for part in request.node.path.relative_to(TESTS).parts[:1]):
        yield
        return
    scan, tap = log_scan.begin()
    try:
        yield
    finally:
        log_scan.end(scan, tap)


TESTS = Path(__file__).parent


@pytest.fixture(scope="session")
def postgres_server_url() -> str:
    """The PostgreSQL test server URL (env LIA_TEST_POSTGRES_URL), checked once per session."""
    url = os.environ.get("LIA_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)
    try:
        with psycopg.connect(libpq_conninfo(url), connect_timeout=3):
            pass
    except psycopg.OperationalError as exc:
        reason = f"PostgreSQL test server unreachable at {make_url(url)!r}: {exc}".strip()
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason} (CI=true: PostgreSQL tests must run)")
        pytest.skip(f"{reason} (set LIA_TEST_POSTGRES_URL or start the server)")
    return url


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A URL for a new, empty (not migrated) SQLite database file."""
    return f"sqlite+aiosqlite:///{tmp_path}/lia.db"


@pytest.fixture
def postgres_url(postgres_server_url: str) -> Iterator[str]:
    """A URL whose search_path is a fresh, empty PostgreSQL schema, dropped afterwards."""
    with fresh_schema_url(postgres_server_url) as url:
        yield url


@pytest.fixture(params=SQL_BACKENDS)
def database_url(request: pytest.FixtureRequest) -> str:
    """An empty database of each supported kind (SQLite file, PostgreSQL schema)."""
    url: str = request.getfixturevalue(f"{request.param}_url")
    return url


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> SqliteTemplate:
    """A SQLite file migrated to head once per test process; tests get copies of it."""
    return build_sqlite_template(tmp_path_factory.mktemp("migrated"))


@pytest.fixture(scope="session")
def postgres_template(postgres_server_url: str) -> PostgresTemplate:
    """The SQL a migration to head runs, recorded once per test process; tests replay it."""
    return build_postgres_template(postgres_server_url)


def migrate_from_template(request: pytest.FixtureRequest, url: str) -> None:
    """Make the new, empty database of *url* (`sqlite_url`, `postgres_url`) migrated to head.

    A copy of the process's template: what `upgrade` would make, without running it again.
    """
    if make_url(url).get_backend_name() == "sqlite":
        sqlite: SqliteTemplate = request.getfixturevalue("sqlite_template")
        sqlite.copy_to(url)
        return
    postgres: PostgresTemplate = request.getfixturevalue("postgres_template")
    postgres.fill(url)


async def connected_engine(url: str) -> AsyncEngine:
    """An engine on *url* that has connected once, as `upgrade` would have left it.

    The first connection sets the dialect up under a lock bound to this event loop: a test
    whose app runs in another loop (a test client's portal) must not be the first to connect.
    """
    engine = create_engine(url)
    async with engine.connect():
        pass
    return engine


async def _migrated_engine(request: pytest.FixtureRequest, url: str) -> AsyncIterator[AsyncEngine]:
    migrate_from_template(request, url)
    engine = await connected_engine(url)
    try:
        yield engine
    finally:
        await engine.dispose()


@pytest.fixture
async def migrated_sqlite_engine(
    request: pytest.FixtureRequest, sqlite_url: str
) -> AsyncIterator[AsyncEngine]:
    """An engine on a new SQLite file migrated to head (a copy of `sqlite_template`)."""
    async for engine in _migrated_engine(request, sqlite_url):
        yield engine


@pytest.fixture
async def migrated_postgres_engine(
    request: pytest.FixtureRequest, postgres_url: str
) -> AsyncIterator[AsyncEngine]:
    """An engine on a new PostgreSQL schema migrated to head (a copy of `postgres_template`)."""
    async for engine in _migrated_engine(request, postgres_url):
        yield engine


@pytest.fixture
async def migrated_engine(
    request: pytest.FixtureRequest, database_url: str
) -> AsyncIterator[AsyncEngine]:
    """An engine on each kind of database, migrated to head."""
    async for engine in _migrated_engine(request, database_url):
        yield engine


@pytest.fixture(params=BACKENDS)
async def uow_factory(request: pytest.FixtureRequest) -> AsyncIterator[UnitOfWorkFactory]:
    """A unit-of-work factory over an empty store: the in-memory fake, SQLite, PostgreSQL."""
    if request.param == "memory":
        yield InMemoryStore().unit_of_work
        return
    # Only synchronous fixtures may be requested from inside this (running) event loop.
    url: str = request.getfixturevalue(f"{request.param}_url")
    async for engine in _migrated_engine(request, url):
        yield SqlUnitOfWorkFactory(engine)
