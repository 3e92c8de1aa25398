"""Gamificação: a month's ranking, badges and top-5 history for any staff member; the month
picker (a bad month 422 with the error by the field); managers run a month from the page."""

from __future__ import annotations

from lia_adapters.memory import InMemoryStore
from lia_entrypoints.bootstrap import Runtime
from tests.contract.builders.gamification import store_november

from ..http.api_support import Client
from .console_support import post_form

PAGE = "/console/gamificacao"


async def test_an_agent_sees_the_november_ranking(
    client: Client, agent_session: str, store: InMemoryStore, runtime: Runtime
) -> None:
    """Ranking rows in order with their scores and medals, the badges and the history."""
    await store_november(store.unit_of_work)
    await runtime.services.gamification.run("2026-11")
    page = await client.get(PAGE, params={"periodo": "2026-11"})
    assert page.status_code == 200, page.text
    text = page.text
    assert 'aria-current="page">Gamificação' in text
    assert "Ranking de novembro de 2026" in text
    rows = [text.index(f'<th scope="row">{name}</th>') for name in ("bia", "ana", "caio")]
    assert rows == sorted(rows)
    assert "<strong>64</strong>" in text
    assert "9,00" in text  # ana's average answer, written the Brazilian way
    assert "⚡ Velocista</strong>: ana" in text
    assert "🏆 Campeão de Volume</strong>: caio" in text
    assert "dani" not in text
    assert text.count("novembro de 2026</td>") == 3  # the history's three places
    assert "Recalcular" not in text  # an agent does not run months


async def test_a_month_not_run_and_a_bad_month(client: Client, agent_session: str) -> None:
    """Not run yet: said so; 2026-13: 422 with the error beside the picker."""
    empty = await client.get(PAGE, params={"periodo": "2026-10"})
    assert "O ranking deste mês ainda não foi calculado." in empty.text
    assert "Nenhum mês foi calculado ainda." in empty.text
    bad = await client.get(PAGE, params={"periodo": "2026-13"})
    assert bad.status_code == 422
    assert 'aria-invalid="true"' in bad.text
    assert "Escolha um mês válido (AAAA-MM)" in bad.text


async def test_a_supervisor_runs_the_month(
    client: Client, supervisor_session: str, store: InMemoryStore
) -> None:
    """Calcular: the month is run and shown, with a flash saying how many agents."""
    await store_november(store.unit_of_work)
    before = await client.get(PAGE, params={"periodo": "2026-11"})
    assert "Calcular novembro de 2026" in before.text
    ran = await post_form(client, f"{PAGE}/calcular", supervisor_session, periodo="2026-11")
    assert ran.status_code == 303, ran.text
    assert ran.headers["location"] == f"{PAGE}?periodo=2026-11"
    shown = await client.get(ran.headers["location"])
    assert "Ranking de novembro de 2026 calculado: 3 agentes." in shown.text
    assert "Recalcular novembro de 2026" in shown.text
    assert sorted(store.gamification.runs) == ["2026-11"]


async def test_an_agent_cannot_run_a_month(client: Client, agent_session: str) -> None:
    """The run is for supervisors and admins."""
    refused = await post_form(client, f"{PAGE}/calcular", agent_session, periodo="2026-11")
    assert refused.status_code == 403
