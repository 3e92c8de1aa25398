"""Developer sessions: `nox -s lint typecheck tests bench mutate` (each in its own virtualenv)."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path

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


MUTMUT = "mutmut>=3.8,<4"
"""mutmut 3 runs only the tests that cover each mutated function (docs/mutation.md)."""

MUTATION_TARGETS = ("domain", "sla", "escalation", "nps", "handoff")
"""The lia_core packages whose kill rate must stay at or above MUTATION_TARGET."""

MUTATION_TARGET = 90.0

KILLED_CODES = {1, 3, 24, -24, 36, 37, 152, 255}
"""mutmut's exit codes for a mutant some check caught: a failing test, a timeout, the type check."""

NOT_CHECKED_CODES = {None, 2, 34}
"""Not run yet, interrupted, skipped: counted apart, neither killed nor survived."""


@nox.session
def mutate(session: nox.Session) -> None:
    """Mutation testing of lia_core: `nox -s mutate -- sla nps` runs those packages only.

    Results are kept in mutants/: a later run checks only the functions that still have a
    mutant not killed (not run yet, stopped midway, or survived before new tests), then the
    kill rate per package is printed and the session fails when a fully run target package
    is under MUTATION_TARGET.
    """
    session.install("-e", ".[dev]", MUTMUT)
    patterns = mutation_patterns(Path("mutants"), session.posargs)
    if Path("mutants").is_dir():
        # mutmut copies the tests into mutants/ once and never again: tests written since
        # would not run, and the survivors they kill would still count as survived.
        shutil.rmtree("mutants/tests", ignore_errors=True)
        shutil.copytree("tests", "mutants/tests", ignore=shutil.ignore_patterns("__pycache__"))
    stats = Path("mutants/mutmut-stats.json")
    if patterns and not stats.exists():
        # mutmut learns which tests call which function before it runs any mutant, and has no
        # step for that alone: a name matching no mutant makes it stop (exit 1) right after.
        session.run(
            "mutmut", "run", "lia_core.collect_stats_only", success_codes=[0, 1],
            env={"HYPOTHESIS_PROFILE": "mutation"},
        )  # fmt: skip
    if patterns:
        narrowed = narrow_judges(stats)
        session.log(f"{narrowed} functions judged by their own package's tests")
        session.run(
            "mutmut", "run", "--max-children", "2", *patterns,
            env={"HYPOTHESIS_PROFILE": "mutation"},
        )  # fmt: skip
    table, below = mutation_report(Path("mutants"))
    session.log("\n" + table)
    if below:
        session.error(f"kill rate under {MUTATION_TARGET:.0f} %: {', '.join(below)}")


def mutation_patterns(root: Path, packages: list[str]) -> list[str]:
    """mutmut's name patterns for *packages* (all of lia_core when empty); empty: nothing left.

    Before the first run every mutant of the packages; after it, one pattern per function
    that has a mutant not killed, so an interrupted or re-checked run repeats only those.
    """
    prefixes = [f"lia_core.{package}." for package in packages] or ["lia_core."]
    metas = sorted((root / "src" / "lia_core").rglob("*.py.meta"))
    if not metas:
        return [f"{prefix}*" for prefix in prefixes]
    functions = {
        name.partition("__mutmut_")[0]
        for meta in metas
        for name, code in json.loads(meta.read_text())["exit_code_by_key"].items()
        if code not in KILLED_CODES and name.startswith(tuple(prefixes))
    }
    return [f"{function}__mutmut_*" for function in sorted(functions)]


def narrow_judges(stats: Path) -> int:
    """Judge each lia_core.<package> function by tests/unit/core/<package>/ only; how many were.

    mutmut runs every test that called a function, and the services' walks call the SLA clock
    and the domain everywhere: judged that way, sla alone would take days (docs/mutation.md).
    A subset of the tests kills no more mutants, so the rates are lower bounds. A function no
    test of its own package calls keeps every test that calls it.
    """
    data = json.loads(stats.read_text())
    narrowed = 0
    for function, tests in data["tests_by_mangled_function_name"].items():
        package = function.split(".")[1] if function.startswith("lia_core.") else ""
        own = [test for test in tests if test.startswith(f"tests/unit/core/{package}/")]
        if own and len(own) < len(tests):
            data["tests_by_mangled_function_name"][function] = own
            narrowed += 1
    stats.write_text(json.dumps(data))
    return narrowed


def _package_of(meta: Path, root: Path) -> str:
    parts = meta.relative_to(root / "src").parts  # ('lia_core', 'sla', 'clock.py.meta')
    return ".".join(parts[:2]) if len(parts) > 2 else parts[0]


def mutation_report(root: Path) -> tuple[str, list[str]]:
    """The kill-rate table (Markdown) from mutmut's .meta files, and the target packages under it.

    Kill rate = killed / (killed + survived), where a mutant no test covers counts as survived.
    """
    counts: dict[str, Counter[str]] = {}
    for meta in sorted((root / "src" / "lia_core").rglob("*.py.meta")):
        tally = counts.setdefault(_package_of(meta, root), Counter())
        for code in json.loads(meta.read_text())["exit_code_by_key"].values():
            if code in KILLED_CODES:
                tally["killed"] += 1
            elif code in NOT_CHECKED_CODES:
                tally["not checked"] += 1
            elif code in {5, 33}:
                tally["no tests"] += 1
            else:  # 0: the covering tests passed; anything else is suspicious, not a kill
                tally["survived"] += 1
    lines = [
        "| package | mutants | killed | survived | no tests | not checked | kill rate |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    below = []
    for package, tally in sorted(counts.items()):
        checked = tally["killed"] + tally["survived"] + tally["no tests"]
        rate = 100.0 * tally["killed"] / checked if checked else 0.0
        shown = f"{rate:.1f} %" if checked else "-"
        lines.append(
            f"| {package} | {sum(tally.values())} | {tally['killed']} | {tally['survived']} "
            f"| {tally['no tests']} | {tally['not checked']} | {shown} |"
        )
        target = package.removeprefix("lia_core.") in MUTATION_TARGETS
        if target and checked and not tally["not checked"] and rate < MUTATION_TARGET:
            below.append(package)
    return "\n".join(lines), below
