"""Lookups per second of the mass-outage index with 1 and with 10,000 active failures.

Target (issue 2): >= 200,000 lookups/s on one core, and the 10,000-failure figure within
1.5x of the 1-failure figure. Run with `nox -s bench` or `python benchmarks/failure_match.py`.
Exits 1 when a target is missed. Prints one JSON document.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from _report import python_version, report

from lia_core.domain.failures import MassiveFailure, Severity
from lia_core.domain.matching import FailureIndex
from lia_core.domain.regions import (
    AffectedRegions,
    Area,
    CepRange,
    CepRule,
    CityArea,
    Location,
    parse_cep_rule,
)

NOW = datetime(2026, 5, 20, 14, 30, tzinfo=UTC)
BAIRROS = ("Centro", "Alto", "Várzea", "Agriões", "Taumaturgo", "Tijuca")


def _cep(number: int) -> str:
    digits = str(number)
    return f"{digits[:5]}-{digits[5:]}"


HitMaker = Callable[[random.Random], Location]


def _failure(
    i: int, rng: random.Random, *, kinds: tuple[int, ...]
) -> tuple[MassiveFailure, list[HitMaker]]:
    """Failure number *i* with the given rule kinds (0 whole city, 1 bairros, 2 CEP).

    Returns the failure and functions that make fresh locations it covers. Every location is
    complete (city, bairro and CEP), as a CRM record is, so each lookup probes the city, the
    bairro and every CEP prefix length whatever it hits.
    """
    cities: list[CityArea] = []
    ceps: list[CepRule] = []
    makers: list[HitMaker] = []
    if 0 in kinds:
        cities.append(CityArea.of(f"Cidade {i}"))
        makers.append(
            lambda r: Location.of(
                city=f"CIDADE {i}", neighbourhood=r.choice(BAIRROS), cep=_random_cep(r)
            )
        )
    if 1 in kinds:
        chosen = rng.sample(BAIRROS, 3)
        cities.append(CityArea.of(f"Vila {i}", chosen))
        makers.append(
            lambda r: Location.of(
                city=f"vila {i}", neighbourhood=r.choice(chosen), cep=_random_cep(r)
            )
        )
    if 2 in kinds:
        # Unaligned ranges of ~1,000 CEPs (several prefixes each) or a 5-digit prefix; the
        # lone failure of the small index has both, so both indexes hold the same rule kinds.
        start = 10_000_000 + i * 5_000 + rng.randrange(1, 997)
        covered: list[int] = []
        if rng.random() < 0.5 or len(kinds) > 1:
            ceps.append(CepRange(start=str(start), end=str(start + 1_003)))
            covered.append(start)
        if not covered or len(kinds) > 1:
            sector = str(start + 2_000)[:5]
            ceps.append(parse_cep_rule(sector))
            covered.append(int(sector + "000"))
        makers.append(
            lambda r: Location.of(
                city=f"Lugar {r.randrange(10**6)}",
                neighbourhood="Centro",
                cep=_cep(r.choice(covered) + r.randrange(0, 3)),
            )
        )
    failure = MassiveFailure.declare(
        failure_id=f"f-{i}",
        name=f"Falha {i}",
        notification_message="Olá {nome}, instabilidade em {regiao}.",
        resolution_message=None,
        severity=rng.choice(list(Severity)),
        regions=AffectedRegions(area=Area(cities=tuple(cities), ceps=tuple(ceps))),
        starts_at=NOW - timedelta(minutes=i),
        estimated_resolution=None,
        by="bench",
        now=NOW,
    )
    return failure, makers


def _random_cep(rng: random.Random) -> str:
    """A CEP outside every benchmark rule (90000-000 and up)."""
    return _cep(90_000_000 + rng.randrange(9_999_999))


def workload(n_failures: int, n_queries: int, seed: int = 7) -> tuple[FailureIndex, list[Location]]:
    """An index over *n_failures* active failures (mixed rules) and distinct queries, half hits."""
    rng = random.Random(seed)
    if n_failures == 1:
        built = [_failure(0, rng, kinds=(0, 1, 2))]
    else:
        built = [_failure(i, rng, kinds=(i % 3,)) for i in range(n_failures)]
    index = FailureIndex.build([f for f, _ in built], {})
    queries = []
    for q in range(n_queries):
        if q % 2 == 0:
            queries.append(rng.choice(rng.choice(built)[1])(rng))
        else:
            queries.append(
                Location.of(
                    city=f"Lugar {rng.randrange(10**6)}",
                    neighbourhood=rng.choice(BAIRROS),
                    cep=_random_cep(rng),
                )
            )
    return index, queries


def measure(index: FailureIndex, queries: list[Location], seconds: float) -> float:
    """Best-of-5 lookups per second over the query list."""
    match = index.match
    best = 0.0
    for _ in range(5):
        done = 0
        start = time.perf_counter()
        deadline = start + seconds / 5
        while True:
            for location in queries:
                match(location)
            done += len(queries)
            now = time.perf_counter()
            if now >= deadline:
                break
        best = max(best, done / (now - start))
    return best


def main() -> int:
    """Run both sizes and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="time per size")
    parser.add_argument("--target", type=float, default=200_000.0, help="minimum lookups/s")
    parser.add_argument("--max-ratio", type=float, default=1.5, help="allowed slowdown at 10k")
    args = parser.parse_args()
    results = {}
    for n in (1, 10_000):
        build_start = time.perf_counter()
        index, queries = workload(n, 10_000)
        build_seconds = time.perf_counter() - build_start
        rate = measure(index, queries, args.seconds)
        results[n] = {"lookups_per_second": round(rate), "build_seconds": round(build_seconds, 3)}
    ratio = results[1]["lookups_per_second"] / results[10_000]["lookups_per_second"]
    ok = (
        min(r["lookups_per_second"] for r in results.values()) >= args.target
        and ratio <= args.max_ratio
    )
    document = {
        "benchmark": "failure_match",
        "python": python_version(),
        "failures_1": results[1],
        "failures_10000": results[10_000],
        "slowdown_10000_vs_1": round(ratio, 3),
        "target_lookups_per_second": args.target,
        "target_max_slowdown": args.max_ratio,
    }
    return report(document, met=ok)


if __name__ == "__main__":
    sys.exit(main())
