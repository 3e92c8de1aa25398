"""Verificar endereço: the address form and the active failures that cover it."""

from __future__ import annotations

from datetime import timedelta

from lia_adapters.memory import FixedClock
from lia_core.domain.failures import Severity
from lia_core.domain.regions import CepRule, CityArea, parse_cep_rule
from lia_core.services import DeclareFailure, DefineRegion
from lia_entrypoints.bootstrap import Runtime

from ..http.api_support import Client

HTMX = {"HX-Request": "true", "HX-Target": "check"}


async def declare(
    runtime: Runtime,
    clock: FixedClock,
    name: str,
    *,
    severity: Severity = Severity.MEDIUM,
    cities: tuple[CityArea, ...] = (),
    ceps: tuple[CepRule, ...] = (),
    region_ids: tuple[str, ...] = (),
) -> str:
    """Declare an active failure (resolution expected in 3 hours); return its id."""
    failure = await runtime.services.declare_failure(
        DeclareFailure(
            name=name,
            message="Olá {nome}, há uma falha.",
            severity=severity,
            cities=cities,
            ceps=ceps,
            region_ids=region_ids,
            estimated_resolution=clock.now() + timedelta(hours=3),
            actor="sofia",
        )
    )
    return failure.id


async def test_first_visit_shows_the_form_only(client: Client, agent_session: str) -> None:
    """Before asking there is no result and no error, for any role (here an AGENT)."""
    response = await client.get("/console/verificar")
    assert response.status_code == 200
    assert "<h1>Verificar endereço</h1>" in response.text
    assert 'aria-current="page">Verificar endereço</a>' in response.text
    assert '<label for="check-cidade">Cidade</label>' in response.text
    assert 'method="get" action="/console/verificar"' in response.text
    assert 'hx-push-url="true"' in response.text
    assert "Resultado" not in response.text
    assert 'class="error"' not in response.text


async def test_an_address_covered_by_active_failures_lists_them_most_severe_first(
    client: Client, runtime: Runtime, clock: FixedClock, agent_session: str
) -> None:
    """City + bairro finds the failures on that bairro and on a catalogue region with the city."""
    await runtime.services.define_region(
        DefineRegion(
            actor="tester",
            region_id="serra",
            name="Serra verde",
            cities=(CityArea.parse("Teresópolis"),),
        )
    )
    minor = await declare(
        runtime, clock, "Lentidão na Serra", region_ids=("serra",), severity=Severity.LOW
    )
    major = await declare(
        runtime,
        clock,
        "Fibra rompida no Alto",
        cities=(CityArea.parse("Teresópolis:Alto"),),
        severity=Severity.CRITICAL,
    )
    await declare(runtime, clock, "Outra cidade", cities=(CityArea.parse("Petrópolis"),))
    response = await client.get(
        "/console/verificar", params={"cidade": "TERESOPOLIS", "bairro": "alto", "cep": ""}
    )
    assert response.status_code == 200
    page = response.text
    assert "2 falhas ativas cobrem este endereço" in page
    assert page.index(f'href="/console/falhas/{major}"') < page.index(
        f'href="/console/falhas/{minor}"'
    )
    assert "Crítica" in page
    assert "Baixa" in page
    assert "<td>Região Serra verde</td>" in page
    assert "<td>Teresópolis (Alto)</td>" in page
    assert "Outra cidade" not in page
    assert "(em 3h)" in page


async def test_a_cep_alone_is_enough(
    client: Client, runtime: Runtime, clock: FixedClock, agent_session: str
) -> None:
    """A CEP with punctuation matches a failure's CEP range."""
    await declare(runtime, clock, "CEPs da Serra", ceps=(parse_cep_rule("25950-000..25959-999"),))
    page = (await client.get("/console/verificar", params={"cep": "25953-120"})).text
    assert "1 falha ativa cobre este endereço" in page
    assert "CEPs da Serra" in page


async def test_an_address_nobody_covers_says_so(
    client: Client, runtime: Runtime, clock: FixedClock, agent_session: str
) -> None:
    """A miss is a sentence, not an empty table; scheduled failures do not count."""
    await runtime.services.declare_failure(
        DeclareFailure(
            name="Manutenção agendada",
            message="Olá {nome}.",
            cities=(CityArea.parse("Teresópolis"),),
            starts_at=clock.now() + timedelta(hours=1),
            actor="sofia",
        )
    )
    page = (await client.get("/console/verificar", params={"cidade": "Teresópolis"})).text
    assert "Nenhuma falha ativa cobre este endereço." in page
    assert "<table" not in page


async def test_invalid_input_is_shown_beside_its_field(client: Client, agent_session: str) -> None:
    """A malformed CEP, nothing at all, or a bairro without city: 422 and the error by the field."""
    bad_cep = await client.get("/console/verificar", params={"cidade": "", "cep": "2595"})
    assert bad_cep.status_code == 422
    assert 'id="check-cep-error"' in bad_cep.text
    assert 'aria-describedby="check-cep-hint check-cep-error" aria-invalid="true"' in bad_cep.text
    assert 'value="2595"' in bad_cep.text
    nothing = await client.get("/console/verificar", params={"cidade": "", "bairro": "", "cep": ""})
    assert nothing.status_code == 422
    assert "Informe ao menos a cidade ou o CEP." in nothing.text
    orphan = await client.get("/console/verificar", params={"bairro": "Alto"})
    assert 'id="check-cidade-error"' in orphan.text
    assert "Informe a cidade do bairro." in orphan.text
    assert "Resultado" not in orphan.text


async def test_htmx_gets_only_the_form_and_the_results(
    client: Client, runtime: Runtime, clock: FixedClock, agent_session: str
) -> None:
    """Submitted by htmx, the answer is the fragment for #check, not the whole layout."""
    await declare(runtime, clock, "Fibra rompida", cities=(CityArea.parse("Teresópolis"),))
    response = await client.get(
        "/console/verificar", params={"cidade": "Teresópolis"}, headers=HTMX
    )
    assert response.status_code == 200
    assert "<html" not in response.text
    assert response.text.lstrip().startswith("<form")
    assert "Fibra rompida" in response.text
    refused = await client.get("/console/verificar", params={"cep": "x"}, headers=HTMX)
    assert refused.status_code == 422
    assert "<html" not in refused.text
