"""The issue's done-when: real `lia serve` + `lia worker` + stub providers, on SQLite and PostgreSQL.

Signed WhatsApp Cloud, Evolution and Twilio webhooks arrive during an outage: a covered customer
found in the CRM and one who types a covered CEP each get the notice exactly once (despite a
redelivered webhook), an uncovered customer waits for a human, bad signatures store nothing,
and resolving the outage sends the resolution to everyone notified. The desk is open around
the clock, so what the bot answers on the way does not depend on the hour the test runs.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from lia_adapters.webhooks.signatures import twilio_signature
from lia_core.domain.activity import Actor
from lia_core.domain.conversations import ConversationStatus
from lia_core.domain.delivery import JobName, JobStatus
from lia_core.domain.regions import CityArea, parse_cep_rule
from lia_core.services import DeclareFailure, LoadDeskPolicy, ResolveAndBroadcast
from lia_entrypoints.bootstrap import Runtime, bootstrap
from lia_entrypoints.settings import Settings
from tests.log_scan import record_output

from .cli.lia_process import LiaProcess, clean_environment, lia_binary
from .delivery.processes import free_port, stub_provider, worker_process

pytestmark = pytest.mark.xdist_group("processes")  # real processes against the clock

APP_SECRET = "app-secret"
EVO_TOKEN = "evo-token"
TWILIO_TOKEN = "twilio-token"
COVERED = "5531987654321"  # in the CRM, in Teresópolis
COVERED_WA_ID = "553187654321"  # how WhatsApp spells it: no ninth digit
UNCOVERED = "5524999990002"  # in the CRM, in Petrópolis
TYPIST = "+5521999990003"  # not in the CRM: types a CEP inside the outage
ALWAYS_OPEN = """\
version = 1

[calendar]
timezone = "America/Sao_Paulo"

[calendar.hours]
monday = "00:00-24:00"
tuesday = "00:00-24:00"
wednesday = "00:00-24:00"
thursday = "00:00-24:00"
friday = "00:00-24:00"
saturday = "00:00-24:00"
sunday = "00:00-24:00"

[calendar.holidays]
custom = []
"""
"""The bot's business calendar (the desk policy's) without a closed hour or a holiday: the
out-of-hours reply would otherwise come or not with the wall clock of the run."""


def _env(database_url: str, stub: str, tmp_path: Path, port: int) -> dict[str, str]:
    crm = tmp_path / "customers.csv"
    crm.write_text(
        "phone,name,city,bairro,cep\n"
        f"{COVERED},Maria Souza,Teresópolis,Alto,\n"
        f"{UNCOVERED},João Lima,Petrópolis,Centro,\n"
    )
    return clean_environment(
        LIA_DATABASE_URL=database_url,
        LIA_DATA_DIR=str(tmp_path),
        LIA_LOG_FORMAT="json",
        LIA_HTTP__PORT=str(port),
        LIA_HTTP__PUBLIC_URL=f"http://127.0.0.1:{port}",
        LIA_CRM__KIND="file",
        LIA_CRM__FILE=str(crm),
        LIA_INBOUND__FAILURES_MAX_AGE_SECONDS="0",
        LIA_WHATSAPP__APP_SECRET=APP_SECRET,
        LIA_WHATSAPP__BASE_URL=stub,
        LIA_WHATSAPP__PHONE_NUMBER_ID="1234567890",
        LIA_WHATSAPP__ACCESS_TOKEN="stub-token",
        LIA_EVOLUTION__WEBHOOK_TOKEN=EVO_TOKEN,
        LIA_EVOLUTION__BASE_URL=stub,
        LIA_EVOLUTION__INSTANCE="provedor",
        LIA_EVOLUTION__API_KEY="stub-key",
        LIA_TWILIO__AUTH_TOKEN=TWILIO_TOKEN,
        LIA_TWILIO__ACCOUNT_SID="AC0000",
        LIA_TWILIO__FROM_NUMBER="+15005550006",
        LIA_TWILIO__BASE_URL=stub,
        LIA_DELIVERY__PAIR_INTERVAL_SECONDS="0",
        LIA_WORKER__IDLE_SECONDS="0.05",
        LIA_WORKER__POLL_INTERVAL_SECONDS="0.2",
    )


def _whatsapp(wa_id: str, mid: str, text: str) -> tuple[bytes, dict[str, str]]:
    payload = {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "id": "102290129340398",
                "changes": [
                    {
                        "field": "messages",
                        "value": {
                            "messaging_product": "whatsapp",
                            "metadata": {
                                "display_phone_number": "15550783881",
                                "phone_number_id": "1234567890",
                            },
                            "contacts": [{"profile": {"name": "Maria"}, "wa_id": wa_id}],
                            "messages": [
                                {
                                    "from": wa_id,
                                    "id": mid,
                                    "timestamp": "1763800000",
                                    "type": "text",
                                    "text": {"body": text},
                                }
                            ],
                        },
                    }
                ],
            }
        ],
    }
    raw = json.dumps(payload).encode()
    digest = hmac.new(APP_SECRET.encode(), raw, hashlib.sha256).hexdigest()
    return raw, {"X-Hub-Signature-256": f"sha256={digest}", "Content-Type": "application/json"}


def _evolution(phone: str, key_id: str, text: str) -> dict[str, Any]:
    return {
        "event": "messages.upsert",
        "instance": "provedor",
        "data": {
            "key": {"remoteJid": f"{phone}@s.whatsapp.net", "fromMe": False, "id": key_id},
            "pushName": "João",
            "message": {"conversation": text},
            "messageType": "conversation",
            "messageTimestamp": 1763800000,
        },
        "date_time": "2026-11-22T10:00:00.000Z",
    }


def _serve(env: dict[str, str], cwd: Path) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        [str(lia_binary()), "serve"],
        env=env,
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{env['LIA_HTTP__PORT']}"
    deadline = time.monotonic() + 30
    while True:
        try:
            if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError(
                f"lia serve did not start: {process.stderr.read() if process.stderr else b''!r}"
            )
        time.sleep(0.1)


def _stop(process: subprocess.Popen[bytes]) -> str:
    process.send_signal(signal.SIGTERM)
    try:
        _, err = process.communicate(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        _, err = process.communicate()
    if not err:  # a worker's log is a file (`worker_process`), scanned by the test's scan
        return ""
    log = err.decode(errors="replace")
    record_output(log, source="lia serve")
    return log


async def _until(runtime: Runtime, check: Any, within: float = 30) -> Any:
    deadline = time.monotonic() + within
    while True:
        async with runtime.uow() as uow:
            jobs = await uow.outbox.list(limit=1000)
            conversations = await uow.conversations.list(limit=100)
        found = check(jobs, conversations)
        if found:
            return jobs, conversations
        if time.monotonic() > deadline:
            raise AssertionError(
                f"timed out: {[(j.job_name, j.recipient, j.status) for j in jobs]}"
            )
        await asyncio.sleep(0.2)


async def test_webhooks_to_notices_and_resolution(database_url: str, tmp_path: Path) -> None:
    """The whole inbound flow through real processes, exactly once."""
    port = free_port()
    with stub_provider({}, cwd=tmp_path) as stub:
        env = _env(database_url, stub, tmp_path, port)
        LiaProcess(env=env, cwd=tmp_path).ok("db", "upgrade")
        runtime = await bootstrap(
            Settings(_env_file=None, database_url=database_url, data_dir=tmp_path)
        )
        server = worker = None
        try:
            await runtime.services.load_desk_policy(
                LoadDeskPolicy(source=ALWAYS_OPEN, actor=Actor(name="sup"))
            )
            failure = await runtime.services.declare_failure(
                DeclareFailure(
                    name="Fibra Serra",
                    message="Olá {nome}, falha em {regiao}.",
                    resolution_message="Resolvido, {nome}!",
                    cities=(CityArea.parse("Teresópolis"),),
                    ceps=(parse_cep_rule("2595"),),
                    actor="sup",
                )
            )
            server = _serve(env, tmp_path)
            base = f"http://127.0.0.1:{port}"
            async with httpx.AsyncClient(base_url=base, timeout=10) as client:
                raw, headers = _whatsapp(COVERED_WA_ID, "wamid.1", "sem internet")
                both = await asyncio.gather(
                    client.post("/webhooks/whatsapp", content=raw, headers=headers),
                    client.post("/webhooks/whatsapp", content=raw, headers=headers),
                )
                assert [r.status_code for r in both] == [200, 200], [r.text for r in both]
                forged = dict(headers, **{"X-Hub-Signature-256": "sha256=" + "0" * 64})
                other, _ = _whatsapp(COVERED_WA_ID, "wamid.forged", "x")
                assert (
                    await client.post("/webhooks/whatsapp", content=other, headers=forged)
                ).status_code == 403
                evo = _evolution(UNCOVERED, "EVO1", "minha internet caiu")
                denied = await client.post("/webhooks/evolution", json=evo)
                assert denied.status_code == 401
                stored = await client.post(
                    "/webhooks/evolution", json=evo, headers={"X-Lia-Webhook-Token": EVO_TOKEN}
                )
                assert stored.status_code == 200, stored.text
                for sid, body in (("SM1", "oi"), ("SM2", "meu cep é 25953-120")):
                    form = {"MessageSid": sid, "From": TYPIST, "To": "+15005550006", "Body": body}
                    sig = twilio_signature(f"{base}/webhooks/twilio/sms", form, TWILIO_TOKEN)
                    sent = await client.post(
                        "/webhooks/twilio/sms", data=form, headers={"X-Twilio-Signature": sig}
                    )
                    assert sent.status_code == 200, sent.text
                    if sid == "SM1":
                        await _until(
                            runtime,
                            lambda js, cs: any(str(j.recipient) == TYPIST.lstrip("+") for j in js),
                        )
                bad = {"MessageSid": "SM3", "From": TYPIST, "Body": "x"}
                assert (
                    await client.post(
                        "/webhooks/twilio/sms", data=bad, headers={"X-Twilio-Signature": "x"}
                    )
                ).status_code == 403

            def notices(js: Any, _cs: Any) -> bool:
                return sum(j.job_name is JobName.OUTAGE_NOTICE for j in js) >= 2

            jobs, conversations = await _until(runtime, notices)
            worker = worker_process(env, cwd=tmp_path)
            await _until(runtime, lambda js, cs: all(j.status is JobStatus.SENT for j in js))
            report = await runtime.services.resolve_and_broadcast(
                ResolveAndBroadcast(failure_id=failure.id, actor="sup")
            )
            assert report.queued == 2
            jobs, _ = await _until(
                runtime,
                lambda js, cs: (
                    all(j.status is JobStatus.SENT for j in js)
                    and sum(j.job_name is JobName.OUTAGE_RESOLUTION for j in js) == 2
                ),
            )
            async with httpx.AsyncClient() as plain:
                seen = (await plain.get(f"{stub}/_stub/requests", timeout=5)).json()
            async with runtime.uow() as uow:
                unsigned = await uow.messages.unprocessed(
                    stored_before=runtime.clock.now(), limit=10
                )
                forged_contact = await uow.conversations.list(contact_phone="wamid.forged")
        finally:
            errors = [_stop(p) for p in (server, worker) if p is not None]
            errors += [log.read_text() for log in tmp_path.glob("worker-*.log")]  # noqa: ASYNC240 - after the run
            await runtime.aclose()

    assert not any("Traceback" in e for e in errors), errors
    by_name = {(j.job_name, str(j.recipient)) for j in jobs}
    assert (JobName.OUTAGE_NOTICE, COVERED_WA_ID) in by_name
    assert (JobName.OUTAGE_NOTICE, TYPIST.lstrip("+")) in by_name
    assert sum(j.job_name is JobName.OUTAGE_NOTICE for j in jobs) == 2
    assert {str(j.recipient) for j in jobs if j.job_name is JobName.OUTAGE_RESOLUTION} == {
        str(j.recipient) for j in jobs if j.job_name is JobName.OUTAGE_NOTICE
    }
    whatsapp = seen["providers"]["whatsapp"]["accepted"]
    assert whatsapp.get(COVERED_WA_ID) == 2  # the notice once, the resolution once
    uncovered = [c for c in conversations if c.contact_phone == UNCOVERED]
    assert [c.status for c in uncovered] == [ConversationStatus.WAITING]
    assert unsigned == []
    assert forged_contact == []
