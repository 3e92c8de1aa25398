"""Hypothesis strategies for LIA's domain, public so integrators can property-test their own rules.

Needs the ``hypothesis`` package (``pip install 'lia[testing]'``). Names are drawn from small
pools with random case, accents and punctuation so that generated failures and locations
collide often, which is where matching bugs live.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import strategies as st

from lia_core.domain.delivery_policy import FailureKind, RetryPolicy, SendFailure
from lia_core.domain.failures import FailureStatus, MassiveFailure, Severity
from lia_core.domain.regions import (
    AffectedRegions,
    Area,
    CepPrefix,
    CepRange,
    CepRule,
    CityArea,
    Location,
    NamedRegion,
)

__all__ = [
    "BAIRROS",
    "CITIES",
    "areas",
    "cep_digits",
    "cep_rules",
    "city_areas",
    "failures",
    "locations",
    "named_regions",
    "retry_policies",
    "send_failures",
    "spellings",
]

CITIES = ("Teresópolis", "Petrópolis", "Nova Friburgo", "São José do Vale do Rio Preto", "Magé")
"""City names used by the strategies (real towns of the Serra Fluminense)."""
BAIRROS = ("Centro", "Alto", "Várzea", "Agriões", "Quinta da Barra", "São Pedro")
"""Bairro names used by the strategies."""

_ACCENT_FREE = str.maketrans("áàâãéêíóôõúçÁÀÂÃÉÊÍÓÔÕÚÇ", "aaaaeeioooucAAAAEEIOOOUC")


def _variants(name: str) -> tuple[str, ...]:
    bare = name.translate(_ACCENT_FREE)
    cases = (str.lower, str.upper, str.title, str.swapcase, str)
    joined = {
        pad + case(base).replace(" ", sep) + pad
        for base in (name, bare)
        for case in cases
        for sep in (" ", "  ", " - ")
        for pad in ("", " ")
    }
    return tuple(sorted(joined))


def spellings(name: str) -> st.SearchStrategy[str]:
    """The same *name* as a person might type it: any case, with or without accents, stray spaces."""
    return st.sampled_from(_variants(name))


_CITY_SPELLINGS = st.sampled_from([v for c in CITIES for v in _variants(c)])
_BAIRRO_SPELLINGS = st.sampled_from([v for b in BAIRROS for v in _variants(b)])


def cep_digits() -> st.SearchStrategy[str]:
    """Full CEPs (8 digits) concentrated in a few prefixes so rules and locations overlap."""
    head = st.sampled_from(["2595", "2596", "2568", "2870", "0100"])
    return st.builds(lambda h, t: h + t, head, st.text("0123456789", min_size=4, max_size=4))


_FULL_CEPS = cep_digits()


@st.composite
def _cep_rule(draw: st.DrawFn) -> CepRule:
    first = draw(_FULL_CEPS)
    if draw(st.booleans()):
        return CepPrefix(prefix=first[: draw(st.integers(1, 8))])
    second = draw(_FULL_CEPS)
    return CepRange(start=min(first, second), end=max(first, second))


def cep_rules() -> st.SearchStrategy[CepRule]:
    """CEP prefixes of any length and ranges between two CEPs."""
    return _cep_rule()


@st.composite
def city_areas(draw: st.DrawFn) -> CityArea:
    """A whole city or some of its bairros, spelt in varied ways."""
    city = draw(_CITY_SPELLINGS)
    return CityArea.of(city, draw(_BAIRRO_LISTS))


def areas(*, min_rules: int = 1) -> st.SearchStrategy[Area]:
    """Areas with a few city and CEP rules (at least *min_rules* in all)."""
    return st.builds(
        lambda cities, ceps: Area(cities=tuple(cities), ceps=tuple(ceps)),
        st.lists(city_areas(), max_size=3),
        st.lists(cep_rules(), max_size=3),
    ).filter(lambda a: len(a.cities) + len(a.ceps) >= min_rules)


_BAIRRO_LISTS = st.lists(_BAIRRO_SPELLINGS, max_size=3)
_CEPS = cep_digits()
_SOME_AREA = areas()
_ANY_AREA = areas(min_rules=0)


@st.composite
def named_regions(draw: st.DrawFn, region_id: str | None = None) -> NamedRegion:
    """A catalogue region with a slug id."""
    rid = region_id or draw(st.sampled_from(["serra", "centro", "vale", "norte"]))
    return NamedRegion.define(region_id=rid, name=rid.title(), area=draw(_SOME_AREA))


@st.composite
def locations(draw: st.DrawFn) -> Location:
    """Customer locations with any subset of city, bairro and CEP (at least one of city or CEP)."""
    city = draw(st.none() | _CITY_SPELLINGS)
    bairro = draw(st.none() | _BAIRRO_SPELLINGS) if city else None
    cep = draw(st.none() | _CEPS)
    if city is None and cep is None:
        cep = draw(_CEPS)
    if cep is not None and draw(st.booleans()):
        cep = f"{cep[:5]}-{cep[5:]}"
    return Location.of(city=city, neighbourhood=bairro, cep=cep)


_EPOCH = datetime(2026, 1, 1, tzinfo=UTC)


@st.composite
def failures(
    draw: st.DrawFn,
    *,
    statuses: tuple[FailureStatus, ...] = tuple(FailureStatus),
    region_ids: tuple[str, ...] = (),
) -> MassiveFailure:
    """Valid failures in any of *statuses*, optionally naming some catalogue *region_ids*."""
    starts = _EPOCH + timedelta(minutes=draw(st.integers(0, 100_000)))
    refs = tuple(draw(st.lists(st.sampled_from(region_ids), unique=True))) if region_ids else ()
    area = draw(_ANY_AREA if refs else _SOME_AREA)
    failure = MassiveFailure.declare(
        failure_id=f"f-{draw(st.uuids())}",
        name=draw(st.sampled_from(["Fibra Centro", "Rompimento de fibra", "Manutenção"])),
        notification_message="Olá {nome}! Instabilidade em {regiao}. Previsão: {previsao}.",
        resolution_message=draw(st.none() | st.just("{nome}, a falha {falha} foi resolvida.")),
        severity=draw(st.sampled_from(Severity)),
        regions=AffectedRegions(area=area, region_ids=refs),
        starts_at=starts,
        estimated_resolution=None,
        by="tester",
        now=_EPOCH,
    )
    failure.status = draw(st.sampled_from(statuses))
    return failure


def retry_policies() -> st.SearchStrategy[RetryPolicy]:
    """Retry policies across the range operators configure."""
    return st.builds(
        RetryPolicy,
        base_delay_seconds=st.floats(0.1, 60),
        max_backoff_seconds=st.floats(60, 7200),
        max_attempts=st.integers(1, 20),
        max_retry_after_seconds=st.floats(1, 600),
    )


def send_failures(
    *, kinds: tuple[FailureKind, ...] = tuple(FailureKind)
) -> st.SearchStrategy[SendFailure]:
    """Classified send failures, with or without a Retry-After (sometimes nonsensical: negative)."""
    return st.builds(
        SendFailure,
        kind=st.sampled_from(kinds),
        provider=st.sampled_from(["whatsapp_cloud", "twilio", "fcm", "evolution"]),
        code=st.none() | st.sampled_from(["131026", "131047", "130429", "21211", "UNREGISTERED"]),
        http_status=st.none() | st.sampled_from([400, 401, 404, 408, 429, 500, 503]),
        retry_after_seconds=st.none() | st.floats(-5, 10_000),
    )
