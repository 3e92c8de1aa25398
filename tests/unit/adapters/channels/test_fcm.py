"""FCM HTTP v1 sender against Google's documented request, response and error shapes."""

from __future__ import annotations

import httpx
import pytest

from lia_adapters.channels import FcmConfig, FcmPushSender
from lia_core.domain.delivery import Channel
from lia_core.domain.delivery_policy import FailureKind
from lia_core.errors import DeliveryError
from tests.unit.adapters.channels.support import FakeProvider, json_of, message, reply

DEVICE = "fGx3c0ZpT9u:APA91bH-device-token"
OK = reply(200, {"name": "projects/lia-isp/messages/0:1500415314455276%31bd1c9631bd1c96"})


def fcm_error(error_code: str | None, status: int, status_name: str) -> httpx.Response:
    """A google.rpc error body with an FcmError detail, as FCM documents it."""
    details = (
        [{"@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError", "errorCode": error_code}]
        if error_code
        else []
    )
    body = {"error": {"code": status, "message": "m", "status": status_name, "details": details}}
    return reply(status, body)


def sender(fake: FakeProvider, tokens: list[str] | None = None) -> FcmPushSender:
    """A sender for project lia-isp whose token provider hands out ya29.test."""
    calls = tokens if tokens is not None else []

    async def token() -> str:
        calls.append("ya29.test")
        return "ya29.test"

    return FcmPushSender(fake.client(), FcmConfig(project_id="lia-isp"), token)


async def test_request_shape() -> None:
    """POST /v1/projects/{p}/messages:send with a bearer token, notification and string data."""
    fake = FakeProvider().answer(OK)
    msg = message(
        Channel.PUSH, DEVICE, text="Sua internet voltou", data={"title": "Aviso", "id": "7"}
    )
    name = await sender(fake).send(msg)
    assert name == "projects/lia-isp/messages/0:1500415314455276%31bd1c9631bd1c96"
    request = fake.last
    assert (request.method, str(request.url)) == (
        "POST",
        "https://fcm.googleapis.com/v1/projects/lia-isp/messages:send",
    )
    assert request.headers["Authorization"] == "Bearer ya29.test"
    assert json_of(request) == {
        "message": {
            "token": DEVICE,
            "notification": {"title": "Aviso", "body": "Sua internet voltou"},
            "data": {"title": "Aviso", "id": "7"},
        }
    }


async def test_default_title_and_no_empty_data() -> None:
    """Without a title in data the notification is titled LIA, and no empty data is sent."""
    fake = FakeProvider().answer(OK)
    await sender(fake).send(message(Channel.PUSH, DEVICE, text="Oi"))
    assert json_of(fake.last) == {
        "message": {"token": DEVICE, "notification": {"title": "LIA", "body": "Oi"}}
    }


async def test_data_values_are_sent_as_strings() -> None:
    """Non-string data values that slipped through are stringified (FCM refuses them otherwise)."""
    fake = FakeProvider().answer(OK)
    data = {"count": 3, "ok": True}
    await sender(fake).send(message(Channel.PUSH, DEVICE, text=None, data=data))  # type: ignore[arg-type]
    assert json_of(fake.last) == {
        "message": {"token": DEVICE, "data": {"count": "3", "ok": "True"}}
    }


@pytest.mark.parametrize(
    ("error_code", "status", "status_name", "kind"),
    [
        ("UNREGISTERED", 404, "NOT_FOUND", FailureKind.UNREACHABLE),
        ("SENDER_ID_MISMATCH", 403, "PERMISSION_DENIED", FailureKind.UNREACHABLE),
        ("INVALID_ARGUMENT", 400, "INVALID_ARGUMENT", FailureKind.PERMANENT),
        ("QUOTA_EXCEEDED", 429, "RESOURCE_EXHAUSTED", FailureKind.RATE_LIMITED),
        ("UNAVAILABLE", 503, "UNAVAILABLE", FailureKind.TRANSIENT),
        ("INTERNAL", 500, "INTERNAL", FailureKind.TRANSIENT),
        ("THIRD_PARTY_AUTH_ERROR", 401, "UNAUTHENTICATED", FailureKind.CHANNEL_DOWN),
        (None, 401, "UNAUTHENTICATED", FailureKind.CHANNEL_DOWN),
        (None, 400, "INVALID_ARGUMENT", FailureKind.PERMANENT),
        ("UNSPECIFIED_ERROR", 500, "INTERNAL", FailureKind.TRANSIENT),
    ],
)
async def test_error_codes_map_to_retry_classes(
    error_code: str | None, status: int, status_name: str, kind: FailureKind
) -> None:
    """FcmError codes decide the class; without one, the rpc status name and HTTP status do."""
    fake = FakeProvider().answer(fcm_error(error_code, status, status_name))
    with pytest.raises(DeliveryError) as raised:
        await sender(fake).send(message(Channel.PUSH, DEVICE))
    failure = raised.value.failure
    assert (failure.kind, failure.code, failure.http_status) == (
        kind,
        error_code or status_name,
        status,
    )


@pytest.mark.parametrize(("recipient", "text"), [(" ", "oi"), (DEVICE, None)])
async def test_unsendable_messages_make_no_request(recipient: str, text: str | None) -> None:
    """No device token, or nothing to show or deliver, fails permanently without a request."""
    fake = FakeProvider().answer(OK)
    tokens: list[str] = []
    with pytest.raises(DeliveryError) as raised:
        await sender(fake, tokens).send(
            message(Channel.PUSH, recipient, text=text, template="t" if text is None else None)
        )
    assert raised.value.failure.kind is FailureKind.PERMANENT
    assert (fake.requests, tokens) == ([], [])


async def test_success_without_name_is_uncertain() -> None:
    """A 200 without the message name is not resent."""
    fake = FakeProvider().answer(reply(200, {}))
    with pytest.raises(DeliveryError) as raised:
        await sender(fake).send(message(Channel.PUSH, DEVICE))
    assert raised.value.failure.kind is FailureKind.UNCERTAIN
