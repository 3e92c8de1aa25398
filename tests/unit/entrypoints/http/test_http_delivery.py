"""The delivery API: messages, outbox, dead letters (ADMIN), notices and the resolution broadcast."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from lia_adapters.memory import InMemoryStore
from lia_core.domain.delivery import JobStatus
from lia_core.domain.users import Role
from lia_entrypoints.bootstrap import Runtime

from ..dead_letter_support import bury
from .api_support import NOW, TERESOPOLIS_OUTAGE, Client, Headers, login_as, problem

PHONE = "5521987654321"


@pytest.fixture
async def admin(client: Client, runtime: Runtime) -> Headers:
    """Auth header of a logged-in ADMIN."""
    return await login_as(client, runtime, "ada", Role.ADMIN)


async def send(client: Client, headers: Headers, **changes: Any) -> dict[str, Any]:
    """Queue an SMS through the API (with *changes*); return the job."""
    body = {"channel": "sms", "to": PHONE, "text": "Olá", **changes}
    response = await client.post("/api/v1/messages", json=body, headers=headers)
    assert response.status_code == 201, response.text
    job: dict[str, Any] = response.json()
    return job


async def test_send_message_201_then_200_for_the_same_key(
    client: Client, supervisor: Headers
) -> None:
    """A new message is 201 with the job; repeating its idempotency key is 200 with the same job."""
    job = await send(client, supervisor, idempotency_key="k-1")
    assert (job["status"], job["job_name"], job["channel"], job["source"]) == (
        "pending", "send-sms", "sms", "api",
    )  # fmt: skip
    assert job["next_attempt_at"] == "2026-05-20T12:00:00-03:00"
    again = await client.post(
        "/api/v1/messages",
        json={"channel": "sms", "to": PHONE, "text": "Olá", "idempotency_key": "k-1"},
        headers=supervisor,
    )
    assert again.status_code == 200, again.text
    assert again.json()["id"] == job["id"]


async def test_send_a_template_with_header_and_button_parameters(
    client: Client, supervisor: Headers, store: InMemoryStore
) -> None:
    """The header and buttons go into the job as given; the job shows them."""
    body = {
        "channel": "whatsapp",
        "to": PHONE,
        "template": "fatura_pronta",
        "params": ["Ana"],
        "header": {
            "type": "document",
            "value": "https://isp.example/f/1.pdf",
            "filename": "fatura.pdf",
        },
        "buttons": [{"type": "url", "index": 0, "value": "boleto/1"}],
    }
    response = await client.post("/api/v1/messages", json=body, headers=supervisor)
    assert response.status_code == 201, response.text
    content = response.json()["content"]
    assert content["header"] == {
        "type": "document",
        "value": "https://isp.example/f/1.pdf",
        "filename": "fatura.pdf",
    }
    assert content["buttons"] == [{"type": "url", "index": 0, "value": "boleto/1"}]
    (job,) = store.jobs.values()
    assert job.content.header is not None
    assert job.content.buttons[0].value == "boleto/1"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"header": {"type": "image", "value": "http://x.example/a.png"}}, "header"),
        ({"header": {"type": "gif", "value": "https://x.example/a.gif"}}, "header.type"),
        ({"buttons": [{"type": "url", "index": 10, "value": "x"}]}, "buttons.0.index"),
        (
            {"buttons": [{"type": "url", "index": 0, "value": "a"}] * 2},
            "buttons",
        ),
        ({"template": None, "text": "oi", "header": {"type": "text", "value": "x"}}, "header"),
    ],
)
async def test_bad_template_parts_are_422_naming_the_field(
    client: Client, supervisor: Headers, store: InMemoryStore, changes: dict[str, Any], field: str
) -> None:
    """A plain-http media link, an unknown header type, a button index past 9, one index
    twice, a header without a template: 422 naming the field; nothing queued."""
    body = {"channel": "whatsapp", "to": PHONE, "template": "aviso", **changes}
    problem(await client.post("/api/v1/messages", json=body, headers=supervisor), 422, field=field)
    assert store.jobs == {}


async def test_send_message_needs_a_manager(client: Client, agent: Headers) -> None:
    """An agent may not send (403); without a token it is 401."""
    body = {"channel": "sms", "to": PHONE, "text": "Olá"}
    problem(await client.post("/api/v1/messages", json=body, headers=agent), 403)
    problem(await client.post("/api/v1/messages", json=body), 401)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"channel": "telegram"}, "channel"),
        ({"to": "  "}, "to"),
        ({"text": None}, "text"),
        ({"params": ["x"]}, "params"),
        ({"colour": "blue"}, "colour"),
    ],
)
async def test_invalid_message_is_422_naming_the_field(
    client: Client, supervisor: Headers, store: InMemoryStore, changes: dict[str, Any], field: str
) -> None:
    """A bad channel, blank recipient, empty message, stray params or unknown field: 422 + field."""
    body = {"channel": "sms", "to": PHONE, "text": "Olá", **changes}
    problem(await client.post("/api/v1/messages", json=body, headers=supervisor), 422, field=field)
    assert store.jobs == {}


async def test_outbox_is_readable_by_any_role(
    client: Client, supervisor: Headers, agent: Headers, store: InMemoryStore
) -> None:
    """Agents list the outbox, filtered by status, recipient and limit; bad filters are 422."""
    first = await send(client, supervisor)
    await send(client, supervisor, to="5521900000002")
    bury(store, first["id"], failed_at=NOW)
    listed = (await client.get("/api/v1/outbox", headers=agent)).json()
    assert [j["recipient"] for j in listed] == ["5521900000002", PHONE]  # newest first, unmasked
    dead = (await client.get("/api/v1/outbox", params={"status": "dead"}, headers=agent)).json()
    assert [(j["id"], j["last_error"]["code"]) for j in dead] == [(first["id"], "21211")]
    mine = (await client.get("/api/v1/outbox", params={"to": PHONE}, headers=agent)).json()
    assert [j["id"] for j in mine] == [first["id"]]
    assert len((await client.get("/api/v1/outbox?limit=1", headers=agent)).json()) == 1
    response = await client.get("/api/v1/outbox", params={"status": "lost"}, headers=agent)
    problem(response, 422, field="status")
    problem(await client.get("/api/v1/outbox?limit=0", headers=agent), 422, field="limit")
    problem(await client.get("/api/v1/outbox"), 401)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/v1/dlq"),
        ("GET", "/api/v1/dlq/audit"),
        ("GET", "/api/v1/dlq/job-1"),
        ("POST", "/api/v1/dlq/reprocess"),
    ],
)
async def test_dead_letters_are_admin_only(
    client: Client, supervisor: Headers, method: str, path: str
) -> None:
    """A supervisor is refused every dead-letter route with 403."""
    response = await client.request(method, path, headers=supervisor, json={})
    assert "ADMIN" in problem(response, 403)["detail"]


async def _dead_letters(client: Client, headers: Headers, store: InMemoryStore) -> list[str]:
    ids = [(await send(client, headers, to=f"55219000000{n}"))["id"] for n in range(3)]
    bury(store, ids[0], failed_at=NOW)
    bury(store, ids[1], failed_at=NOW + timedelta(hours=2))
    bury(store, ids[2], failed_at=NOW + timedelta(hours=3), code="30003", http_status=None)
    return ids


async def test_dead_letters_list_and_show(
    client: Client, admin: Headers, store: InMemoryStore
) -> None:
    """Filters by error code, job name and window (naive times in the ISP's zone); one in full."""
    ids = await _dead_letters(client, admin, store)

    async def listed(**params: str) -> list[str]:
        response = await client.get("/api/v1/dlq", params=params, headers=admin)
        assert response.status_code == 200, response.text
        return [d["job_id"] for d in response.json()]

    assert await listed() == ids
    assert await listed(err_code="21211") == ids[:2]
    assert await listed(job_name="send-whatsapp") == []
    assert await listed(since="2026-05-20T13:00", until="2026-05-20T15:00") == [ids[1]]
    assert await listed(limit="1") == ids[:1]
    problem(await client.get("/api/v1/dlq?job_name=fax", headers=admin), 422, field="job_name")
    problem(await client.get("/api/v1/dlq?since=yesterday", headers=admin), 422, field="since")

    details = (await client.get(f"/api/v1/dlq/{ids[0]}", headers=admin)).json()
    assert details["dead_letter"]["error"] == {
        "kind": "permanent",
        "code": "21211",
        "http_status": 400,
        "provider": "twilio",
        "excerpt": "invalid 'To' number",
    }
    assert details["dead_letter"]["failed_at"] == "2026-05-20T12:00:00-03:00"
    assert details["job"]["content"]["text"] == "Olá"
    problem(await client.get("/api/v1/dlq/nope", headers=admin), 404)


async def test_reprocess_dry_run_real_run_and_audit(
    client: Client, admin: Headers, store: InMemoryStore
) -> None:
    """A dry run counts; a real run requeues; both are audited with the admin as actor."""
    ids = await _dead_letters(client, admin, store)
    url = "/api/v1/dlq/reprocess"
    dry = await client.post(url, json={"err_code": "21211", "dry_run": True}, headers=admin)
    assert dry.status_code == 200, dry.text
    assert (dry.json()["matched"], dry.json()["requeued"], dry.json()["dry_run"]) == (2, 2, True)
    assert len(store.dead_letters) == 3

    run = (await client.post(url, json={"err_code": "21211"}, headers=admin)).json()
    assert (run["requeued"], run["skipped"], run["actor"]) == (2, 0, "ada")
    assert run["sample_ids"] == ids[:2]
    assert run["filters"] == {"err_code": "21211"}
    assert store.jobs[ids[0]].status is JobStatus.PENDING
    assert sorted(store.dead_letters) == [ids[2]]

    audit = (await client.get("/api/v1/dlq/audit", headers=admin)).json()
    assert [(a["action_id"], a["dry_run"]) for a in audit] == [
        (run["action_id"], False),
        (dry.json()["action_id"], True),
    ]
    assert len((await client.get("/api/v1/dlq/audit?limit=1", headers=admin)).json()) == 1
    problem(await client.get("/api/v1/dlq/audit?limit=0", headers=admin), 422, field="limit")


async def test_reprocess_skips_jobs_at_the_limit_and_checks_input(
    client: Client, admin: Headers, store: InMemoryStore
) -> None:
    """A job reprocessed LIA_DELIVERY__MAX_DLQ_REPROCESS times is skipped; bad bodies are 422."""
    job = (await send(client, admin))["id"]
    store.jobs[job].dlq_reprocess_count = 3
    bury(store, job, failed_at=NOW)
    body = (await client.post("/api/v1/dlq/reprocess", json={}, headers=admin)).json()
    assert (body["matched"], body["requeued"], body["skipped"]) == (1, 0, 1)
    assert body["skipped_ids"] == [job]
    url = "/api/v1/dlq/reprocess"
    bad_name = await client.post(url, json={"job_name": "send-fax"}, headers=admin)
    problem(bad_name, 422, field="job_name")
    window = {"since": "2026-05-21T00:00", "until": "2026-05-20T00:00"}
    problem(await client.post(url, json=window, headers=admin), 422, field="since")
    problem(await client.post(url, json={"job_ids": []}, headers=admin), 422, field="job_ids")


async def test_reprocess_only_the_dead_letters_named(
    client: Client, admin: Headers, store: InMemoryStore
) -> None:
    """`job_ids` requeues exactly the dead letters picked, and the audit names them."""
    ids = await _dead_letters(client, admin, store)
    body = {"job_ids": [ids[2], ids[0]]}
    run = (await client.post("/api/v1/dlq/reprocess", json=body, headers=admin)).json()
    assert (run["matched"], run["requeued"]) == (2, 2)
    assert run["filters"] == {"job_ids": ",".join(sorted([ids[0], ids[2]]))}
    assert sorted(store.dead_letters) == [ids[1]]


async def _active_failure(client: Client, headers: Headers, **changes: Any) -> str:
    body = {**TERESOPOLIS_OUTAGE, "starts_at": None, "estimated_resolution": None}
    body["resolution_message"] = "Voltou, {nome}!"
    response = await client.post("/api/v1/failures", json={**body, **changes}, headers=headers)
    assert response.status_code == 201, response.text
    failure_id: str = response.json()["id"]
    return failure_id


async def test_notify_then_resolve_broadcasts_to_everyone_notified(
    client: Client, supervisor: Headers, store: InMemoryStore
) -> None:
    """Notices are 201 once per contact (200 after); resolve is 202 with the broadcast counts."""
    fid = await _active_failure(client, supervisor)
    url = f"/api/v1/failures/{fid}"
    first = await client.post(
        f"{url}/notify", json={"to": PHONE, "name": "Ana"}, headers=supervisor
    )
    assert first.status_code == 201, first.text
    assert first.json()["job"]["job_name"] == "outage-notice"
    assert first.json()["job"]["correlation_id"] == fid
    assert first.json()["recipient"] == PHONE
    spelled = f"+{PHONE[:2]} ({PHONE[2:4]}) {PHONE[4:9]}-{PHONE[9:]}"
    again = await client.post(f"{url}/notify", json={"to": spelled}, headers=supervisor)
    assert (again.status_code, again.json()["created"], again.json()["job"]) == (200, False, None)
    assert again.json()["recipient"] == PHONE
    sms = {"to": "5521900000002", "channel": "sms"}
    assert (await client.post(f"{url}/notify", json=sms, headers=supervisor)).status_code == 201
    shown = (await client.get(url, headers=supervisor)).json()
    assert (shown["notices"], shown["resolutions"]) == (2, 0)

    resolved = await client.post(f"{url}/resolve", headers=supervisor)
    assert resolved.status_code == 202, resolved.text
    report = resolved.json()
    assert (report["notified"], report["queued"], report["already_queued"]) == (2, 2, 0)
    assert report["failure"]["status"] == "resolved"
    shown = (await client.get(url, headers=supervisor)).json()
    assert (shown["notices"], shown["resolutions"]) == (2, 2)
    texts = {str(j.recipient): j.content.text for j in store.jobs.values()
             if j.job_name.value == "outage-resolution"}  # fmt: skip
    assert texts == {PHONE: "Voltou, Ana!", "5521900000002": "Voltou, !"}


async def test_resolve_without_broadcast_and_notify_refusals(
    client: Client, supervisor: Headers, agent: Headers
) -> None:
    """broadcast=false queues nothing; notify refuses agents, bad input, unknown and ended failures."""
    fid = await _active_failure(client, supervisor)
    url = f"/api/v1/failures/{fid}"
    problem(await client.post(f"{url}/notify", json={"to": PHONE}, headers=agent), 403)
    bad = await client.post(
        f"{url}/notify", json={"to": PHONE, "channel": "fax"}, headers=supervisor
    )
    problem(bad, 422, field="channel")
    problem(
        await client.post(f"{url}/notify", json={"to": " "}, headers=supervisor), 422, field="to"
    )
    problem(
        await client.post(f"{url}/notify", json={"to": "amanhã"}, headers=supervisor),
        422,
        field="to",
    )
    missing = await client.post(
        "/api/v1/failures/nope/notify", json={"to": PHONE}, headers=supervisor
    )
    problem(missing, 404)
    await client.post(f"{url}/notify", json={"to": PHONE}, headers=supervisor)
    quiet = await client.post(f"{url}/resolve", json={"broadcast": False}, headers=supervisor)
    assert quiet.status_code == 202, quiet.text
    assert (quiet.json()["notified"], quiet.json()["queued"]) == (1, 0)
    late = await client.post(f"{url}/notify", json={"to": "5521900000009"}, headers=supervisor)
    assert "only active failures notify" in problem(late, 409)["detail"]


async def test_openapi_lists_the_delivery_routes(client: Client) -> None:
    """The new routes are in the OpenAPI document with their operation ids."""
    doc = (await client.get("/schema/openapi.json")).json()
    paths = doc["paths"]
    assert set(paths) >= {
        "/api/v1/messages",
        "/api/v1/outbox",
        "/api/v1/dlq",
        "/api/v1/dlq/audit",
        "/api/v1/dlq/reprocess",
        "/api/v1/dlq/{job_id}",
        "/api/v1/failures/{failure_id}/notify",
    }
    assert paths["/api/v1/messages"]["post"]["operationId"] == "send_message"
    assert set(paths["/api/v1/messages"]["post"]["responses"]) >= {"200", "201", "403", "422"}
    assert "202" in paths["/api/v1/failures/{failure_id}/resolve"]["post"]["responses"]


async def test_settle_needs_an_uncertain_job(
    client: Client, admin: Headers, store: InMemoryStore
) -> None:
    """Settling: 409 for a job that is not uncertain, 200 once it is, 422 for a bad outcome."""
    job = await send(client, admin)
    refused = await client.post(
        f"/api/v1/outbox/{job['id']}/settle", json={"outcome": "sent"}, headers=admin
    )
    assert problem(refused, 409)["detail"].endswith("only uncertain jobs are settled")
    store.jobs[job["id"]].status = JobStatus.UNCERTAIN
    settled = await client.post(
        f"/api/v1/outbox/{job['id']}/settle", json={"outcome": "sent"}, headers=admin
    )
    assert settled.status_code == 200
    assert settled.json()["status"] == "sent"
    bad = await client.post(
        f"/api/v1/outbox/{job['id']}/settle", json={"outcome": "maybe"}, headers=admin
    )
    assert problem(bad, 422)["errors"]
