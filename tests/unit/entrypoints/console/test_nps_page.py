"""NPS in-process: the answers with their filters (an agent's only about themselves), and a
detractor's follow-up taken and resolved by a supervisor through the same use cases as the
CLI and API: CSRF, the version the page showed, refusals and field errors in pt-BR."""

from __future__ import annotations

import re
from datetime import timedelta

from lia_core.domain.activity import ActivityFilter
from lia_core.domain.feedback import Feedback
from lia_entrypoints.bootstrap import Runtime

from ..http.api_support import NOW, Client
from .console_support import post_form

ANSWERS = "/console/nps"
FOLLOW_UPS = "/console/nps/acompanhamento"


async def answers(runtime: Runtime) -> None:
    """A promoter's answer about artur at NOW, a detractor's about bia an hour later."""
    async with runtime.uow() as uow:
        await uow.feedback.add(
            Feedback.record(
                id="fb-1",
                survey_id="s-1",
                conversation_id="c-1",
                customer="5521999990001",
                client_name="Maria",
                score=9,
                comment="ótimo atendimento",
                agent="artur",
                department="support",
                at=NOW,
            )
        )
        await uow.feedback.add(
            Feedback.record(
                id="fb-2",
                survey_id="s-2",
                conversation_id="c-2",
                customer="5521999990002",
                client_name="João",
                score=2,
                comment="demorou demais",
                agent="bia",
                department="support",
                at=NOW + timedelta(hours=1),
            )
        )
        await uow.commit()


def listed(html: str) -> list[str]:
    """The answers' ids in the table, in order."""
    return re.findall(r'data-answer="([^"]+)"', html)


def status_of(html: str, feedback_id: str) -> str:
    """A follow-up card's status."""
    found = re.search(rf'data-follow-up="{feedback_id}" data-status="([a-z_]+)"', html)
    assert found is not None
    return found.group(1)


async def test_answers_newest_first_and_filtered(
    client: Client, runtime: Runtime, supervisor_session: str
) -> None:
    """Every answer for a supervisor, newest first; categoria, agente and desde narrow it."""
    await answers(runtime)
    shown = await client.get(ANSWERS)
    assert shown.status_code == 200
    assert listed(shown.text) == ["fb-2", "fb-1"]
    assert "demorou demais" in shown.text
    assert "Detrator" in shown.text
    assert listed((await client.get(ANSWERS, params={"categoria": "promoter"})).text) == ["fb-1"]
    assert listed((await client.get(ANSWERS, params={"agente": "bia"})).text) == ["fb-2"]
    since = (NOW + timedelta(minutes=30)).isoformat()
    assert listed((await client.get(ANSWERS, params={"desde": since})).text) == ["fb-2"]
    assert 'href="/console/nps/acompanhamento"' in shown.text


async def test_a_bad_filter_is_named_beside_its_field(
    client: Client, runtime: Runtime, supervisor_session: str
) -> None:
    """An unknown category or an unreadable date: 422 with the message beside that field."""
    bad = await client.get(ANSWERS, params={"categoria": "feliz"})
    assert bad.status_code == 422
    assert 'id="categoria-error"' in bad.text
    late = await client.get(ANSWERS, params={"desde": "ontem"})
    assert late.status_code == 422
    assert 'id="desde-error"' in late.text


async def test_an_agent_sees_only_the_answers_about_themselves(
    client: Client, runtime: Runtime, agent_session: str
) -> None:
    """artur sees fb-1 alone, no agent filter, no follow-ups (403 there)."""
    await answers(runtime)
    shown = await client.get(ANSWERS)
    assert shown.status_code == 200
    assert listed(shown.text) == ["fb-1"]
    assert 'name="agente"' not in shown.text
    assert (await client.get(FOLLOW_UPS)).status_code == 403
    refused = await post_form(client, f"{FOLLOW_UPS}/fb-2/assumir", agent_session)
    assert refused.status_code == 403
    assert ">NPS</a>" in shown.text


async def test_a_supervisor_takes_and_resolves_a_detractors_follow_up(
    client: Client, runtime: Runtime, supervisor_session: str
) -> None:
    """Pending → taken (the supervisor holds it) → resolved with notes and a score, audited by
    the use case; only the detractor's answer has a follow-up."""
    await answers(runtime)
    page = await client.get(FOLLOW_UPS)
    assert page.status_code == 200
    assert re.findall(r'data-follow-up="([^"]+)"', page.text) == ["fb-2"]
    assert status_of(page.text, "fb-2") == "pending"
    taken = await post_form(
        client, f"{FOLLOW_UPS}/fb-2/assumir", supervisor_session, notas="ligar amanhã", versao="1"
    )
    assert taken.status_code == 303
    after = await client.get(FOLLOW_UPS)
    assert status_of(after.text, "fb-2") == "in_progress"
    assert "Acompanhamento assumido: agora é seu." in after.text
    assert "Com <strong>sofia</strong>" in after.text
    resolved = await post_form(
        client,
        f"{FOLLOW_UPS}/fb-2/resolver",
        supervisor_session,
        notas="cliente recebeu desconto",
        nota="4",
        versao="2",
    )
    assert resolved.status_code == 303
    done = await client.get(FOLLOW_UPS, params={"status": "resolved"})
    assert status_of(done.text, "fb-2") == "resolved"
    assert "data-handling-score>4<" in done.text
    stored = await runtime.services.nps.show("fb-2")
    assert stored.follow_up is not None
    assert (stored.follow_up.handler, stored.follow_up.score) == ("sofia", 4)
    assert stored.follow_up.notes == "cliente recebeu desconto"
    async with runtime.uow() as uow:
        logged = await uow.activity.list(
            ActivityFilter(entity="feedback", entity_id="fb-2"), limit=10
        )
    assert sorted(a.action for a in logged) == [
        "feedback.follow_up.resolve",
        "feedback.follow_up.take",
    ]


async def test_resolving_needs_notes_and_a_score(
    client: Client, runtime: Runtime, supervisor_session: str
) -> None:
    """Neither given: 422, both messages beside their fields, nothing saved."""
    await answers(runtime)
    await post_form(client, f"{FOLLOW_UPS}/fb-2/assumir", supervisor_session)
    refused = await post_form(client, f"{FOLLOW_UPS}/fb-2/resolver", supervisor_session, notas=" ")
    assert refused.status_code == 422
    assert 'id="notes-fb-2-error"' in refused.text
    assert 'id="score-fb-2-error"' in refused.text
    assert status_of(refused.text, "fb-2") == "in_progress"


async def test_refusals_say_why(client: Client, runtime: Runtime, supervisor_session: str) -> None:
    """Taking twice: the rule's refusal in pt-BR; a stale version: someone else moved it."""
    await answers(runtime)
    await post_form(client, f"{FOLLOW_UPS}/fb-2/assumir", supervisor_session)
    again = await post_form(client, f"{FOLLOW_UPS}/fb-2/assumir", supervisor_session)
    assert again.status_code == 303
    shown = (await client.get(FOLLOW_UPS)).text
    assert (
        "Não foi possível assumir o acompanhamento: o acompanhamento está em andamento (com sofia)."
        in shown
    )
    stale = await post_form(
        client, f"{FOLLOW_UPS}/fb-2/resolver", supervisor_session, notas="x", nota="3", versao="1"
    )
    assert stale.status_code == 303
    assert "outra pessoa mexeu nele agora" in (await client.get(FOLLOW_UPS)).text
    assert status_of((await client.get(FOLLOW_UPS)).text, "fb-2") == "in_progress"


async def test_a_form_without_its_csrf_token_is_refused(
    client: Client, runtime: Runtime, supervisor_session: str
) -> None:
    """No token: 403, the follow-up stays pending."""
    await answers(runtime)
    response = await client.post(f"{FOLLOW_UPS}/fb-2/assumir", data={"notas": "x"})
    assert response.status_code == 403
    assert status_of((await client.get(FOLLOW_UPS)).text, "fb-2") == "pending"
