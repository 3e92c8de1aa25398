"""Developer sessions: `nox -s lint typecheck tests bench` (each in its own virtualenv)."""

from __future__ import annotations

import nox

nox.options.sessions = ["lint", "typecheck", "tests"]
nox.options.reuse_existing_virtualenvs = True


@nox.session
def lint(session: nox.Session) -> None:
    """Ruff lint and format check, and the import-linter contracts that keep the hexagon."""
    session.install("-e", ".[dev]")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    session.run("lint-imports")


@nox.session
def typecheck(session: nox.Session) -> None:
    """mypy --strict over src and tests."""
    session.install("-e", ".[dev]")
    session.run("mypy", "src", "tests", "benchmarks")


@nox.session
def tests(session: nox.Session) -> None:
    """Unit, contract and integration tests (PostgreSQL ones need the test database)."""
    session.install("-e", ".[dev]")
    session.run("pytest", *session.posargs)


@nox.session
def bench(session: nox.Session) -> None:
    """Speed targets: each script prints JSON figures and fails when its target is missed.

    dispatch, broadcast and ingest need the PostgreSQL test server (LIA_BENCH_POSTGRES_URL).
    ingest prints a table and fails only on a correctness error, not on a missed speed target.
    """
    session.install("-e", ".")
    for script in ("failure_match", "dispatch", "broadcast", "ingest"):
        session.run("python", f"benchmarks/{script}.py", *session.posargs)
    session.run("python", "benchmarks/sla.py")
    session.run("python", "benchmarks/nps.py")  # issue 5: NPS and gamification, 1M answers <= 2 s
    session.run("python", "benchmarks/console.py")  # issue 7: console pages p95 <= 150 ms
    session.run("python", "benchmarks/realtime.py")  # issue 14: webhook ack -> frame p99 <= 100 ms
    session.run("python", "benchmarks/sla_monitor.py")  # issue 13: monitor tick, ticket list
    session.run("python", "benchmarks/assignment.py")  # issue 14: 10,000 offered within 5 s
    session.run("python", "benchmarks/reports.py")  # issue 15: every report over 1M rows <= 1 s
    session.run(
        "python", "benchmarks/scale_out.py"
    )  # issue 16: 4 workers share one cap (100,000 jobs)
