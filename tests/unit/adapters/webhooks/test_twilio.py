"""Twilio incoming-message and status-callback forms become core messages and receipts.

Parameters from https://www.twilio.com/docs/messaging/guides/webhook-request (incoming message,
WhatsApp extras) and https://www.twilio.com/docs/messaging/api/message-resource#message-status-values.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from lia_adapters.webhooks import MalformedWebhook, parse_twilio_inbound, parse_twilio_status
from lia_core.domain.delivery import Channel
from lia_core.domain.inbound import MessageKind, MessageStatus, ReceiptError
from lia_core.domain.recipients import Phone

NOW = datetime(2026, 6, 6, 13, 31, 37, tzinfo=UTC)

SMS = {
    "ToCountry": "BR",
    "ToState": "MG",
    "SmsMessageSid": "SM1f0e8ae6ade43cb3c0ce4525424e404f",
    "NumMedia": "0",
    "ToCity": "",
    "FromZip": "",
    "SmsSid": "SM1f0e8ae6ade43cb3c0ce4525424e404f",
    "FromState": "MG",
    "SmsStatus": "received",
    "FromCity": "",
    "Body": "Sem internet no bairro Funcionários",
    "FromCountry": "BR",
    "To": "+553140042000",
    "MessagingServiceSid": "MG9752274e9e519418a7406176694466fa",
    "ToZip": "",
    "NumSegments": "1",
    "MessageSid": "SM1f0e8ae6ade43cb3c0ce4525424e404f",
    "AccountSid": "ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",
    "From": "+5531987654321",
    "ApiVersion": "2010-04-01",
}

WHATSAPP = {
    "SmsMessageSid": "SM2a0e8ae6ade43cb3c0ce4525424e404f",
    "NumMedia": "0",
    "ProfileName": "Maria Souza",
    "MessageType": "text",
    "SmsSid": "SM2a0e8ae6ade43cb3c0ce4525424e404f",
    "WaId": "553187654321",
    "SmsStatus": "received",
    "Body": "Oi",
    "To": "whatsapp:+553140042000",
    "NumSegments": "1",
    "ReferralNumMedia": "0",
    "MessageSid": "SM2a0e8ae6ade43cb3c0ce4525424e404f",
    "AccountSid": "ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",
    "From": "whatsapp:+553187654321",
    "ApiVersion": "2010-04-01",
}


def test_sms_inbound() -> None:
    """An SMS keeps its sid, canonical sender, number to reply to, body and the receipt time."""
    message = parse_twilio_inbound(SMS, received_at=NOW)
    assert message.channel is Channel.SMS
    assert message.provider_message_id == "SM1f0e8ae6ade43cb3c0ce4525424e404f"
    assert message.sender == Phone("5531987654321")
    assert message.reply_to == "+5531987654321"
    assert (message.kind, message.text) == (MessageKind.TEXT, "Sem internet no bairro Funcionários")
    assert message.sent_at == NOW
    assert message.display_name == ""


def test_whatsapp_prefix_is_stripped_and_ninth_digit_added() -> None:
    """A ``whatsapp:`` From loses its prefix; an old Brazilian mobile gains the ninth digit as sender."""
    message = parse_twilio_inbound(WHATSAPP, received_at=NOW)
    assert message.sender == Phone("5531987654321")
    assert message.reply_to == "+553187654321"
    assert message.display_name == "Maria Souza"


def test_media_metadata() -> None:
    """NumMedia with MediaUrl0 / MediaContentType0 makes a MEDIA message; Body is the caption."""
    form = SMS | {
        "NumMedia": "1",
        "MediaContentType0": "image/jpeg",
        "MediaUrl0": "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1",
        "Body": "foto do roteador",
    }
    message = parse_twilio_inbound(form, received_at=NOW)
    assert message.kind is MessageKind.MEDIA
    assert message.text == "foto do roteador"
    assert message.details == {
        "media_type": "image",
        "mime_type": "image/jpeg",
        "media_url": "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1",
        "media_count": "1",
    }


def test_pdf_is_a_document() -> None:
    """A non image/audio/video attachment is a document."""
    form = SMS | {
        "NumMedia": "1",
        "MediaContentType0": "application/pdf",
        "MediaUrl0": "https://x/ME2",
    }
    assert parse_twilio_inbound(form, received_at=NOW).details["media_type"] == "document"


def test_whatsapp_quick_reply_and_location() -> None:
    """WhatsApp ButtonPayload/ButtonText and Latitude/Longitude map to BUTTON_REPLY and LOCATION."""
    button = parse_twilio_inbound(
        WHATSAPP | {"ButtonPayload": "sim", "ButtonText": "Sim"}, received_at=NOW
    )
    assert (button.kind, button.reply_id, button.text) == (MessageKind.BUTTON_REPLY, "sim", "Sim")
    pin = WHATSAPP | {"Latitude": "-19.91", "Longitude": "-43.93", "Label": "Casa", "Body": ""}
    location = parse_twilio_inbound(pin, received_at=NOW)
    assert location.kind is MessageKind.LOCATION
    assert location.details == {"latitude": "-19.91", "longitude": "-43.93", "name": "Casa"}


@pytest.mark.parametrize(
    ("missing", "field"), [(("MessageSid", "SmsSid"), "MessageSid"), (("From",), "From")]
)
def test_missing_identity_fields_are_malformed(missing: tuple[str, ...], field: str) -> None:
    """Without MessageSid (nor SmsSid), or without From, the form is malformed on that field."""
    form = {name: value for name, value in SMS.items() if name not in missing}
    with pytest.raises(MalformedWebhook) as info:
        parse_twilio_inbound(form, received_at=NOW)
    assert info.value.field == field


def test_smssid_is_accepted_for_older_callbacks() -> None:
    """SmsSid stands in for MessageSid."""
    form = {k: v for k, v in SMS.items() if k != "MessageSid"}
    assert parse_twilio_inbound(form, received_at=NOW).provider_message_id == SMS["SmsSid"]


def test_bad_from_is_malformed() -> None:
    """A From that is no phone number is malformed on From."""
    with pytest.raises(MalformedWebhook) as info:
        parse_twilio_inbound(SMS | {"From": "whatsapp:abc"}, received_at=NOW)
    assert info.value.field == "From"


def test_naive_receipt_time_is_a_caller_bug() -> None:
    """received_at must be timezone-aware."""
    with pytest.raises(ValueError, match="timezone-aware"):
        parse_twilio_inbound(SMS, received_at=datetime(2026, 6, 6, 13, 0))


def status_form(status: str, **extra: str) -> dict[str, str]:
    """A status callback for a message LIA sent."""
    return {
        "SmsSid": "SM5b1e8ae6ade43cb3c0ce4525424e404f",
        "SmsStatus": status,
        "MessageStatus": status,
        "To": "whatsapp:+5531987654321",
        "MessageSid": "SM5b1e8ae6ade43cb3c0ce4525424e404f",
        "AccountSid": "ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",
        "From": "whatsapp:+553140042000",
        "ApiVersion": "2010-04-01",
        **extra,
    }


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("sent", MessageStatus.SENT),
        ("delivered", MessageStatus.DELIVERED),
        ("read", MessageStatus.READ),
    ],
)
def test_status_mapping(name: str, expected: MessageStatus) -> None:
    """sent, delivered and read map onto the core statuses, dated by the receipt time."""
    update = parse_twilio_status(status_form(name), received_at=NOW)
    assert update is not None
    assert update.status is expected
    assert update.provider_message_id == "SM5b1e8ae6ade43cb3c0ce4525424e404f"
    assert update.recipient == "+5531987654321"
    assert update.at == NOW
    assert update.error is None


@pytest.mark.parametrize("name", ["undelivered", "failed", "canceled"])
def test_failures_carry_the_error_code(name: str) -> None:
    """undelivered, failed and canceled are FAILED with ErrorCode and ErrorMessage."""
    form = status_form(name, ErrorCode="30008", ErrorMessage="Unknown error")
    update = parse_twilio_status(form, received_at=NOW)
    assert update is not None
    assert update.status is MessageStatus.FAILED
    assert update.error == ReceiptError(code="30008", title="Unknown error")


@pytest.mark.parametrize(
    "name", ["queued", "accepted", "scheduled", "sending", "receiving", "received"]
)
def test_in_flight_statuses_record_nothing(name: str) -> None:
    """Statuses before the message left (or of incoming messages) give None."""
    assert parse_twilio_status(status_form(name), received_at=NOW) is None


@pytest.mark.parametrize(
    ("form", "field"),
    [
        ({"MessageStatus": "sent"}, "MessageSid"),
        ({"MessageSid": "SM1"}, "MessageStatus"),
    ],
)
def test_malformed_status_callbacks(form: dict[str, str], field: str) -> None:
    """Missing sid or status is malformed on that field."""
    with pytest.raises(MalformedWebhook) as info:
        parse_twilio_status(form, received_at=NOW)
    assert info.value.field == field


def test_a_status_twilio_adds_one_day_is_ignored() -> None:
    """An undocumented status records nothing (200 for Twilio) instead of refusing the callback."""
    assert (
        parse_twilio_status({"MessageSid": "SM1", "MessageStatus": "teleported"}, received_at=NOW)
        is None
    )


def test_media_count_that_is_no_number_is_stored_as_unsupported() -> None:
    """A NumMedia that is no count leaves the message UNSUPPORTED with the reason, not refused."""
    message = parse_twilio_inbound(SMS | {"NumMedia": "many"}, received_at=NOW)
    assert message.kind is MessageKind.UNSUPPORTED
    assert message.details == {"type": "unknown", "error": "expected a count at NumMedia"}


def test_nul_characters_are_replaced_and_the_originals_kept() -> None:
    """Body and profile name with NUL are stored with U+FFFD; details["original"] gives them back."""
    form = SMS | {"Body": "sem\x00 internet", "ProfileName": "Jo\x00ão"}
    message = parse_twilio_inbound(form, received_at=NOW)
    assert (message.text, message.display_name) == ("sem\ufffd internet", "Jo\ufffdão")
    assert json.loads(message.details["original"]) == {
        "text": "sem\x00 internet",
        "display_name": "Jo\x00ão",
    }
