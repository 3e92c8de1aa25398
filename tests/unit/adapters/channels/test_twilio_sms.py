"""Twilio SMS sender against Twilio's documented Messages request, response and error shapes."""

from __future__ import annotations

import base64

import httpx
import pytest

from lia_adapters.channels import TwilioConfig, TwilioSmsSender
from lia_adapters.channels.twilio_sms import MAX_BODY, fit_body
from lia_core.domain.delivery import Channel
from lia_core.domain.delivery_policy import FailureKind
from lia_core.errors import DeliveryError
from tests.unit.adapters.channels.support import FakeProvider, form_of, message, reply

SID = "AC" + "a" * 32
OK = reply(
    201,
    {
        "sid": "SM" + "b" * 32,
        "account_sid": SID,
        "to": "+5521999998888",
        "status": "queued",
        "num_segments": "1",
    },
)


def twilio_error(code: int, status: int, text: str = "error") -> httpx.Response:
    """A Twilio REST error body."""
    more = f"https://www.twilio.com/docs/errors/{code}"
    return reply(status, {"code": code, "message": text, "more_info": more, "status": status})


def sender(
    fake: FakeProvider,
    *,
    from_number: str | None = "+15005550006",
    messaging_service_sid: str | None = None,
    status_callback_url: str | None = "https://lia.isp.test/hooks/twilio/status",
) -> TwilioSmsSender:
    """A sender (by default from +15005550006, with a status callback) over *fake*."""
    config = TwilioConfig(
        account_sid=SID,
        auth_token="tw-secret",
        from_number=from_number,
        messaging_service_sid=messaging_service_sid,
        status_callback_url=status_callback_url,
    )
    return TwilioSmsSender(fake.client(), config)


async def test_request_shape() -> None:
    """A form POST to Messages.json with basic auth, E.164 To, From, Body and StatusCallback."""
    fake = FakeProvider().answer(OK)
    sid = await sender(fake).send(message(Channel.SMS, "(21) 99999-8888", text="Olá"))
    assert sid == "SM" + "b" * 32
    request = fake.last
    assert (request.method, str(request.url)) == (
        "POST",
        f"https://api.twilio.com/2010-04-01/Accounts/{SID}/Messages.json",
    )
    assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    credentials = base64.b64encode(f"{SID}:tw-secret".encode()).decode()
    assert request.headers["Authorization"] == f"Basic {credentials}"
    assert request.headers["I-Twilio-Idempotency-Token"] == "idem-1"
    assert form_of(request) == {
        "To": "+5521999998888",
        "From": "+15005550006",
        "Body": "Olá",
        "StatusCallback": "https://lia.isp.test/hooks/twilio/status",
    }


async def test_a_foreign_number_goes_to_its_own_country() -> None:
    """A stored +1 number is sent as is; read again as Brazilian it was refused as invalid."""
    fake = FakeProvider().answer(OK)
    await sender(fake).send(message(Channel.SMS, "+1 415 555 0100"))
    assert form_of(fake.last)["To"] == "+14155550100"


async def test_messaging_service_replaces_from() -> None:
    """With a Messaging Service and no number, MessagingServiceSid is sent instead of From."""
    fake = FakeProvider().answer(OK)
    twilio = sender(fake, from_number=None, messaging_service_sid="MG123", status_callback_url=None)
    await twilio.send(message(Channel.SMS))
    form = form_of(fake.last)
    assert form["MessagingServiceSid"] == "MG123"
    assert "From" not in form
    assert "StatusCallback" not in form


def test_a_sender_is_required() -> None:
    """A config without number or Messaging Service is refused at construction."""
    with pytest.raises(ValueError, match="from_number"):
        TwilioConfig(account_sid=SID, auth_token="t")


@pytest.mark.parametrize("recipient", ["123", "not a phone", "+55 21 1234"])
async def test_invalid_numbers_are_permanent_without_a_request(recipient: str) -> None:
    """A number phonenumbers rejects never reaches Twilio."""
    fake = FakeProvider().answer(OK)
    with pytest.raises(DeliveryError) as raised:
        await sender(fake).send(message(Channel.SMS, recipient))
    assert (raised.value.failure.kind, raised.value.failure.code) == (
        FailureKind.PERMANENT,
        "invalid-recipient",
    )
    assert fake.requests == []


async def test_long_bodies_are_cut_to_twilios_limit() -> None:
    """A body over 1,600 characters is cut to exactly 1,600, ending in an ellipsis."""
    fake = FakeProvider().answer(OK)
    await sender(fake).send(message(Channel.SMS, text="x" * 2000))
    body = form_of(fake.last)["Body"]
    assert (len(body), body[-1]) == (MAX_BODY, "…")


def test_fit_body_counts_utf16_units_and_never_splits_an_emoji() -> None:
    """Astral characters count twice and a cut never leaves half a surrogate pair."""
    assert fit_body("ok") == "ok"
    cut = fit_body("😀" * 1000)
    assert len(cut.encode("utf-16-le")) <= 2 * MAX_BODY
    assert cut.endswith("😀…")


@pytest.mark.parametrize(
    ("code", "status", "kind"),
    [
        (21211, 400, FailureKind.UNREACHABLE),
        (21614, 400, FailureKind.UNREACHABLE),
        (21612, 400, FailureKind.UNREACHABLE),
        (21610, 400, FailureKind.PERMANENT),
        (21602, 400, FailureKind.PERMANENT),
        (20429, 429, FailureKind.RATE_LIMITED),
        (20003, 401, FailureKind.CHANNEL_DOWN),
        (21606, 400, FailureKind.CHANNEL_DOWN),
        (20500, 500, FailureKind.TRANSIENT),
        (30008, 400, FailureKind.TRANSIENT),
        (12345, 503, FailureKind.TRANSIENT),
        (12345, 403, FailureKind.CHANNEL_DOWN),
    ],
)
async def test_error_codes_map_to_retry_classes(code: int, status: int, kind: FailureKind) -> None:
    """Each documented error code gets its retry class; unknown ones fall back on the status."""
    fake = FakeProvider().answer(twilio_error(code, status))
    with pytest.raises(DeliveryError) as raised:
        await sender(fake).send(message(Channel.SMS))
    failure = raised.value.failure
    assert (failure.kind, failure.code, failure.http_status, failure.provider) == (
        kind,
        str(code),
        status,
        "twilio",
    )


async def test_429_without_a_code_is_rate_limited_with_retry_after() -> None:
    """A bare 429 is a rate limit and keeps its Retry-After."""
    fake = FakeProvider().answer(
        httpx.Response(429, text="slow down", headers={"Retry-After": "3"})
    )
    with pytest.raises(DeliveryError) as raised:
        await sender(fake).send(message(Channel.SMS))
    failure = raised.value.failure
    assert (failure.kind, failure.retry_after_seconds) == (FailureKind.RATE_LIMITED, 3.0)
