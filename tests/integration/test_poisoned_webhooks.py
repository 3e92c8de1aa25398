"""Poisoned webhooks on SQLite and PostgreSQL: stored, answered 200, and never a neighbour's 500.

PostgreSQL text and jsonb refuse NUL (``\\u0000``): before, a WhatsApp text or profile name
holding one was a 500 that Meta redelivered for days, and took down the innocent webhook that
shared its group commit.
"""

from __future__ import annotations

import asyncio
import copy
import hashlib
import hmac
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import select
from sqlalchemy import text as sql

from lia_adapters.sql import SqlUnitOfWorkFactory
from lia_adapters.sql.conversations.tables import contacts, messages
from lia_adapters.webhooks.signatures import twilio_signature
from lia_core.domain.conversations import Direction
from lia_entrypoints.bootstrap import Runtime, bootstrap
from lia_entrypoints.http import create_app
from lia_entrypoints.http.context import INBOUND_KEY
from lia_entrypoints.settings import Settings
from tests.conftest import connected_engine, migrate_from_template

from ..unit.adapters.webhooks import evolution_payloads as e
from ..unit.adapters.webhooks.cloud_payloads import TEXT, body, change

APP_SECRET = "meta-app-secret"
PUBLIC = "https://lia.example.net"
Client = AsyncTestClient[Any]


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    """Every webhook configured; a 200 ms commit window, so concurrent webhooks share a commit."""
    return Settings(
        _env_file=None,
        database_url=database_url,
        data_dir=tmp_path,
        whatsapp={"app_secret": APP_SECRET},
        evolution={"webhook_token": "evo-token"},
        twilio={"auth_token": "twilio-token"},
        http={"public_url": PUBLIC},
        inbound={"commit_window_ms": 200},
    )


@pytest.fixture
async def runtime(request: pytest.FixtureRequest, settings: Settings) -> AsyncIterator[Runtime]:
    """A runtime on a migrated database of each kind."""
    migrate_from_template(request, settings.effective_database_url)
    engine = await connected_engine(settings.effective_database_url)
    built = await bootstrap(settings, uow=SqlUnitOfWorkFactory(engine))
    built.engine = engine
    try:
        yield built
    finally:
        await built.aclose()


@pytest.fixture
async def client(settings: Settings, runtime: Runtime) -> AsyncIterator[Client]:
    """The app over that runtime."""
    async with AsyncTestClient(create_app(settings, runtime=runtime)) as test_client:
        yield test_client


def whatsapp(mid: str, *, text: str = "sem internet", name: str = "Maria") -> dict[str, Any]:
    """A Cloud API text webhook from one customer."""
    value = copy.deepcopy(TEXT)
    value["contacts"][0]["profile"]["name"] = name
    value["messages"][0] |= {"id": mid, "text": {"body": text}}
    return body(change(value))


async def post_whatsapp(client: Client, payload: dict[str, Any]) -> int:
    """Post *payload* signed; the status code."""
    raw = json.dumps(payload).encode()  # NUL travels as \\u0000, as Meta sends it
    digest = hmac.new(APP_SECRET.encode(), raw, hashlib.sha256).hexdigest()
    headers = {"X-Hub-Signature-256": f"sha256={digest}", "Content-Type": "application/json"}
    response = await client.post("/webhooks/whatsapp", content=raw, headers=headers)
    return response.status_code


async def settle(client: Client) -> None:
    """Wait until the gate handled every stored message (contacts are written by the gate)."""
    await asyncio.wait_for(client.app.state[INBOUND_KEY].drain(), 10)


async def stored(runtime: Runtime) -> dict[str, dict[str, Any]]:
    """Every stored inbound message by provider id: text, display name, details, kind.

    Only the customer's messages: the bot's replies are stored too, without a provider id.
    """
    assert runtime.engine is not None
    inbound = select(messages).where(messages.c.direction == Direction.INBOUND.value)
    async with runtime.engine.connect() as conn:
        rows = (await conn.execute(inbound)).mappings().all()
    return {row["provider_message_id"]: dict(row) for row in rows}


async def contact_names(runtime: Runtime) -> list[str]:
    """The names of every contact."""
    assert runtime.engine is not None
    async with runtime.engine.connect() as conn:
        return list((await conn.execute(select(contacts.c.name))).scalars())


async def test_nul_in_a_whatsapp_text_is_stored_and_recoverable(
    client: Client, runtime: Runtime
) -> None:
    """A text with NUL answers 200; it is stored with U+FFFD and the original comes back."""
    assert await post_whatsapp(client, whatsapp("wamid.N", text="sem\x00 internet")) == 200
    await settle(client)
    row = (await stored(runtime))["wamid.N"]
    assert row["text"] == "sem\ufffd internet"
    assert json.loads(row["details"]["original"]) == {"text": "sem\x00 internet"}
    assert row["processed_at"] is not None


async def test_nul_in_a_profile_name_is_stored_and_the_contact_created(
    client: Client, runtime: Runtime
) -> None:
    """A profile name with NUL answers 200; the message and the contact are stored."""
    assert await post_whatsapp(client, whatsapp("wamid.P", name="Maria\x00 Souza")) == 200
    await settle(client)
    row = (await stored(runtime))["wamid.P"]
    assert row["display_name"] == "Maria\ufffd Souza"
    assert json.loads(row["details"]["original"]) == {"display_name": "Maria\x00 Souza"}
    assert await contact_names(runtime) == ["Maria\ufffd Souza"]


async def test_a_poisoned_and_an_innocent_webhook_share_a_group_commit(
    client: Client, runtime: Runtime
) -> None:
    """Sent together (one group commit), a NUL webhook and an innocent one are both 200 and stored."""
    statuses = await asyncio.gather(
        post_whatsapp(client, whatsapp("wamid.BAD", text="\x00", name="\x00")),
        post_whatsapp(client, whatsapp("wamid.OK", text="oi")),
    )
    assert list(statuses) == [200, 200]
    rows = await stored(runtime)
    assert rows.keys() == {"wamid.BAD", "wamid.OK"}
    assert json.loads(rows["wamid.BAD"]["details"]["original"]) == {
        "text": "\x00",
        "display_name": "\x00",
    }
    assert rows["wamid.OK"]["text"] == "oi"


async def test_a_webhook_the_database_refuses_fails_alone(client: Client, runtime: Runtime) -> None:
    """A write the database refuses (here a rule against one text) fails only its own request."""
    assert runtime.engine is not None
    refuse = (
        "ALTER TABLE messages ADD CONSTRAINT refuse_poison CHECK (text <> 'poison')"
        if runtime.engine.dialect.name == "postgresql"
        else "CREATE TRIGGER refuse_poison BEFORE INSERT ON messages WHEN NEW.text = 'poison' "
        "BEGIN SELECT RAISE(ABORT, 'poison refused'); END"
    )
    async with runtime.engine.begin() as conn:
        await conn.execute(sql(refuse))
    statuses = await asyncio.gather(
        post_whatsapp(client, whatsapp("wamid.POISON", text="poison")),
        post_whatsapp(client, whatsapp("wamid.FINE")),
    )
    assert list(statuses) == [500, 200]
    assert (await stored(runtime)).keys() == {"wamid.FINE"}


async def test_an_interactive_message_without_its_object_is_stored_as_unsupported(
    client: Client, runtime: Runtime
) -> None:
    """The shape seen in the wild answers 200 and is stored UNSUPPORTED with the reason."""
    payload = whatsapp("wamid.I")
    message = payload["entry"][0]["changes"][0]["value"]["messages"][0]
    del message["text"]
    message["type"] = "interactive"
    assert await post_whatsapp(client, payload) == 200
    row = (await stored(runtime))["wamid.I"]
    assert row["kind"] == "unsupported"
    assert row["details"]["type"] == "interactive"
    assert row["details"]["error"].endswith("messages[0].interactive")


async def test_evolution_and_twilio_inputs_with_nul_are_stored(
    client: Client, runtime: Runtime
) -> None:
    """Evolution's text and pushName, Twilio's Body and ProfileName: NUL is no 500 either."""
    evolution = e.upsert_v2({"conversation": "oi\x00"})
    evolution["data"]["pushName"] = "Jo\x00ão"
    response = await client.post(
        "/webhooks/evolution", json=evolution, headers={"X-Lia-Webhook-Token": "evo-token"}
    )
    assert response.status_code == 200, response.text
    form = {
        "MessageSid": "SM\x001",
        "From": "+5521999990001",
        "Body": "sem\x00 sinal",
        "ProfileName": "\x00",
    }
    signature = twilio_signature(f"{PUBLIC}/webhooks/twilio/sms", form, "twilio-token")
    response = await client.post(
        "/webhooks/twilio/sms", data=form, headers={"X-Twilio-Signature": signature}
    )
    assert response.status_code == 200, response.text
    await settle(client)
    rows = await stored(runtime)
    evo, sms = rows[e.KEY_ID], rows["SM\ufffd1"]
    assert (evo["text"], evo["display_name"]) == ("oi\ufffd", "Jo\ufffdão")
    assert json.loads(sms["details"]["original"]) == {
        "provider_message_id": "SM\x001",
        "display_name": "\x00",
        "text": "sem\x00 sinal",
    }
