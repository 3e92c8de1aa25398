"""`/api/v1/nps`: answers listed and shown (agents scoped to themselves), detractors' follow-ups
taken and resolved by managers; refusals as problem details naming the field or the reason."""

from __future__ import annotations

from typing import Any

import pytest

from lia_adapters.memory import FixedClock
from lia_core.ports import TicketFilter
from lia_entrypoints.bootstrap import Runtime

from .api_support import Client, Headers, problem
from .test_http_handoffs import customer_says

NPS = "/api/v1/nps"
PHONE = "5521999990001"


async def detractor(client: Client, runtime: Runtime, clock: FixedClock, who: Headers) -> str:
    """A cancellation resolved over HTTP, the survey answered "2, demorou demais"; its id."""
    await customer_says(runtime, clock, PHONE, "quero cancelar meu plano")
    (ticket,) = await runtime.services.desk.list(TicketFilter())
    resolved = await client.post(f"/api/v1/tickets/{ticket.id}/resolve", json={}, headers=who)
    assert resolved.status_code == 200, resolved.text
    clock.advance(minutes=2)
    await customer_says(runtime, clock, PHONE, "2, demorou demais")
    listed = await client.get(NPS, headers=who)
    assert listed.status_code == 200, listed.text
    (answer,) = listed.json()
    feedback_id: str = answer["id"]
    return feedback_id


async def test_an_answer_is_listed_and_shown(
    client: Client, supervisor: Headers, runtime: Runtime, clock: FixedClock
) -> None:
    """Score, category, comment, who and what it rates; filters narrow the list."""
    feedback_id = await detractor(client, runtime, clock, supervisor)
    shown = await client.get(f"{NPS}/{feedback_id}", headers=supervisor)
    assert shown.status_code == 200, shown.text
    body = shown.json()
    assert (body["score"], body["category"], body["comment"]) == (2, "detractor", "demorou demais")
    assert (body["department"], body["assistant"], body["customer"]) == (
        "cancellation",
        "cancellation",
        PHONE,
    )
    assert body["follow_up"]["status"] == "pending"
    assert body["created_at"].endswith("-03:00")
    for params, count in (
        ({"category": "detractor"}, 1),
        ({"category": "promoter"}, 0),
        ({"since": "1h"}, 1),
        ({"since": "2030-01-01"}, 0),
        ({"agent": "ana"}, 0),
        ({"limit": 1}, 1),
    ):
        found = await client.get(NPS, params=params, headers=supervisor)
        assert len(found.json()) == count, params
    problem(await client.get(f"{NPS}/nope", headers=supervisor), 404)


async def test_agents_read_only_the_answers_about_themselves(
    client: Client, supervisor: Headers, agent: Headers, runtime: Runtime, clock: FixedClock
) -> None:
    """An AGENT's list is scoped to them; another's answer or another agent's filter is 403."""
    feedback_id = await detractor(client, runtime, clock, supervisor)
    mine = await client.get(NPS, headers=agent)
    assert mine.status_code == 200
    assert mine.json() == []
    problem(await client.get(f"{NPS}/{feedback_id}", headers=agent), 403)
    problem(await client.get(NPS, params={"agent": "ana"}, headers=agent), 403)
    problem(await client.get(f"{NPS}/followups", headers=agent), 403)
    take = await client.post(f"{NPS}/followups/{feedback_id}/take", headers=agent)
    assert "SUPERVISOR or ADMIN" in problem(take, 403)["detail"]
    problem(await client.get(NPS), 401)


async def test_a_supervisor_takes_and_resolves_a_follow_up(
    client: Client, supervisor: Headers, runtime: Runtime, clock: FixedClock
) -> None:
    """take → in_progress (theirs), resolve with notes and a score → resolved; refused moves
    are 409 with the reason, a missing field 422 naming it; both audited."""
    feedback_id = await detractor(client, runtime, clock, supervisor)
    base = f"{NPS}/followups/{feedback_id}"
    pending = await client.get(f"{NPS}/followups", params={"status": "pending"}, headers=supervisor)
    assert [f["id"] for f in pending.json()] == [feedback_id]
    early = await client.post(
        f"{base}/resolve", json={"notes": "x", "score": 3}, headers=supervisor
    )
    assert "it is pending" in problem(early, 409)["detail"]
    taken = await client.post(f"{base}/take", json={"notes": "vou ligar"}, headers=supervisor)
    assert taken.status_code == 200, taken.text
    assert (taken.json()["follow_up"]["status"], taken.json()["follow_up"]["handler"]) == (
        "in_progress",
        "sofia",
    )
    again = await client.post(f"{base}/take", headers=supervisor)
    assert problem(again, 409)["detail"] == (
        f"cannot take follow-up {feedback_id}: it is in progress (taken by sofia)"
    )
    problem(await client.post(f"{base}/resolve", json={"notes": "ok"}, headers=supervisor), 422)
    bad: dict[str, Any] = {"notes": "ok", "score": 6}
    problem(await client.post(f"{base}/resolve", json=bad, headers=supervisor), 422)
    stale = {**supervisor, "If-Match": '"1"'}
    good = {"notes": "liguei, desconto aplicado", "score": 4}
    problem(await client.post(f"{base}/resolve", json=good, headers=stale), 409)
    done = await client.post(f"{base}/resolve", json=good, headers=supervisor)
    assert done.status_code == 200, done.text
    follow_up = done.json()["follow_up"]
    assert (follow_up["status"], follow_up["score"], follow_up["notes"]) == (
        "resolved",
        4,
        "liguei, desconto aplicado",
    )
    audit = await client.get("/api/v1/audit", params={"entity": "feedback"}, headers=supervisor)
    actions = sorted(e["action"] for e in audit.json())
    assert actions == ["feedback.follow_up.resolve", "feedback.follow_up.take"]
    problem(await client.post(f"{NPS}/followups/nope/take", headers=supervisor), 404)


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        (NPS, {"category": "great"}, "category"),
        (NPS, {"since": "ontem"}, "since"),
        (NPS, {"limit": "0"}, "limit"),
        (NPS, {"agent": "x"}, "agent"),
        (f"{NPS}/followups", {"status": "done"}, "status"),
    ],
)
async def test_bad_filters_are_422_naming_the_field(
    client: Client, supervisor: Headers, path: str, params: dict[str, str], field: str
) -> None:
    """A filter that cannot be read is 422 problem details naming the parameter."""
    problem(await client.get(path, params=params, headers=supervisor), 422, field=field)
