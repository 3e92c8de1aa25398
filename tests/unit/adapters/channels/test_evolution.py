"""Evolution API sender against its documented and observed request, response and error shapes."""

from __future__ import annotations

import pytest

from lia_adapters.channels import EvolutionConfig, EvolutionSender
from lia_core.domain.delivery import Channel
from lia_core.domain.delivery_policy import FailureKind
from lia_core.errors import DeliveryError
from tests.unit.adapters.channels.support import FakeProvider, json_of, message, reply

OK = reply(
    201,
    {
        "key": {
            "remoteJid": "5521999998888@s.whatsapp.net",
            "fromMe": True,
            "id": "BAE594145F4C59B4",
        },
        "message": {"extendedTextMessage": {"text": "Olá"}},
        "messageTimestamp": "1717689097",
        "status": "PENDING",
    },
)
NOT_ON_WHATSAPP = reply(
    400,
    {
        "status": 400,
        "error": "Bad Request",
        "response": {
            "message": [
                {
                    "jid": "5521988887777@s.whatsapp.net",
                    "exists": False,
                    "number": "5521988887777",
                }
            ]
        },
    },
)


def sender(fake: FakeProvider, *, version: str = "v2") -> EvolutionSender:
    """A sender for instance "lia isp" on a self-hosted server."""
    config = EvolutionConfig(
        base_url="https://evo.isp.test/",
        instance="lia isp",
        api_key="evo-secret",
        api_version=version,  # type: ignore[arg-type]
    )
    return EvolutionSender(fake.client(), config)


async def test_v2_request_shape() -> None:
    """v2: POST /message/sendText/{instance}, apikey header, body {"number","text"}."""
    fake = FakeProvider().answer(OK)
    provider_id = await sender(fake).send(message(Channel.EVOLUTION, "(21) 99999-8888", text="Olá"))
    assert provider_id == "BAE594145F4C59B4"
    request = fake.last
    assert (request.method, str(request.url)) == (
        "POST",
        "https://evo.isp.test/message/sendText/lia%20isp",
    )
    assert request.headers["apikey"] == "evo-secret"
    assert json_of(request) == {"number": "5521999998888", "text": "Olá"}


async def test_v1_request_shape() -> None:
    """v1 bodies wrap the text in textMessage."""
    fake = FakeProvider().answer(OK)
    await sender(fake, version="v1").send(message(Channel.EVOLUTION, text="Olá"))
    assert json_of(fake.last) == {"number": "5521999998888", "textMessage": {"text": "Olá"}}


async def test_a_foreign_number_goes_to_its_own_country() -> None:
    """A stored +1 number is sent as its digits, not read again as a Brazilian one (+55 1415…)."""
    fake = FakeProvider().answer(OK)
    await sender(fake).send(message(Channel.EVOLUTION, "+1 415 555 0100"))
    body = json_of(fake.last)
    assert isinstance(body, dict)
    assert body["number"] == "14155550100"


async def test_a_jid_recipient_is_passed_through() -> None:
    """Group and @lid JIDs are not phone numbers and go as given."""
    fake = FakeProvider().answer(OK)
    await sender(fake).send(message(Channel.EVOLUTION, "120363025@g.us"))
    body = json_of(fake.last)
    assert isinstance(body, dict)
    assert body["number"] == "120363025@g.us"


async def test_number_not_on_whatsapp_is_unreachable() -> None:
    """400 with exists:false means the number has no WhatsApp: try the next channel."""
    fake = FakeProvider().answer(NOT_ON_WHATSAPP)
    with pytest.raises(DeliveryError) as raised:
        await sender(fake).send(message(Channel.EVOLUTION))
    failure = raised.value.failure
    assert (failure.kind, failure.code, failure.http_status) == (
        FailureKind.UNREACHABLE,
        "exists:false",
        400,
    )
    assert '"exists":false' in failure.excerpt


@pytest.mark.parametrize(
    ("status", "body", "kind"),
    [
        (400, {"status": 400, "response": {"message": [['instance requires property "text"']]}}, FailureKind.PERMANENT),
        (400, {"status": 400, "response": {"message": [{"exists": True, "jid": "x"}]}}, FailureKind.PERMANENT),
        (401, {"status": 401, "error": "Unauthorized", "response": {"message": "Unauthorized"}}, FailureKind.CHANNEL_DOWN),
        (403, {"status": 403, "error": "Forbidden", "response": {"message": "Missing global api key"}}, FailureKind.CHANNEL_DOWN),
        (404, {"status": 404, "error": "Not Found", "response": {"message": ['The "lia" instance does not exist']}}, FailureKind.CHANNEL_DOWN),
        (429, {"status": 429}, FailureKind.RATE_LIMITED),
        (500, {"status": 500, "error": "Internal Server Error", "response": {"message": "Connection Closed"}}, FailureKind.TRANSIENT),
        (503, None, FailureKind.TRANSIENT),
    ],
)  # fmt: skip
async def test_errors_map_to_retry_classes(status: int, body: object, kind: FailureKind) -> None:
    """Bad key or missing instance holds the channel; 5xx retries; other 4xx are permanent."""
    fake = FakeProvider().answer(reply(status, body))
    with pytest.raises(DeliveryError) as raised:
        await sender(fake).send(message(Channel.EVOLUTION))
    assert (raised.value.failure.kind, raised.value.failure.http_status) == (kind, status)


async def test_template_only_content_is_permanent_without_a_request() -> None:
    """Evolution cannot send Meta templates: a template-only message sends nothing."""
    fake = FakeProvider().answer(OK)
    with pytest.raises(DeliveryError) as raised:
        await sender(fake).send(message(Channel.EVOLUTION, text=None, template="outage"))
    assert raised.value.failure.kind is FailureKind.PERMANENT
    assert fake.requests == []


async def test_success_without_key_id_is_uncertain() -> None:
    """A 201 without key.id is not resent."""
    fake = FakeProvider().answer(reply(201, {"status": "PENDING"}))
    with pytest.raises(DeliveryError) as raised:
        await sender(fake).send(message(Channel.EVOLUTION))
    assert raised.value.failure.kind is FailureKind.UNCERTAIN
