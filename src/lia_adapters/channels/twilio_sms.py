"""Twilio Programmable Messaging SMS sender: form POST to ``/2010-04-01/Accounts/{sid}/Messages.json``.

Bodies longer than Twilio's 1,600-character limit (error 21617) are cut to fit, ending in "…".
The idempotency key goes in ``I-Twilio-Idempotency-Token``: Twilio documents that header on its
own webhooks, not as a request deduplication feature, so it is a harmless hint and the outbox's
UNCERTAIN state (settled by the status callback) remains what prevents double texts.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping

import attrs
import httpx

from lia_adapters.channels._http import dig, failure, failure_from_response, json_object, send
from lia_adapters.channels._phone import phone_e164, to_e164
from lia_core.domain.delivery import Channel
from lia_core.domain.delivery_policy import FailureKind, classify_http_status
from lia_core.domain.recipients import Phone
from lia_core.ports import OutboundMessage

__all__ = ["TwilioConfig", "TwilioSmsSender", "classify_twilio_error", "fit_body"]

PROVIDER = "twilio"
MAX_BODY = 1600
"""Twilio's limit, counted here in UTF-16 code units so astral emoji cannot overflow it."""

_KINDS: Mapping[int, FailureKind] = {
    21211: FailureKind.UNREACHABLE,  # invalid 'To' number
    21612: FailureKind.UNREACHABLE,  # 'To' not reachable from this sender
    21614: FailureKind.UNREACHABLE,  # 'To' is not a mobile number
    30003: FailureKind.UNREACHABLE,  # handset unreachable (status callbacks)
    30005: FailureKind.UNREACHABLE,  # unknown destination handset
    30006: FailureKind.UNREACHABLE,  # landline or unreachable carrier
    21610: FailureKind.PERMANENT,  # recipient replied STOP: never text again from here
    30007: FailureKind.PERMANENT,  # carrier filtered it as spam
    20429: FailureKind.RATE_LIMITED,
    30001: FailureKind.RATE_LIMITED,  # sender queue overflow
    20003: FailureKind.CHANNEL_DOWN,  # authentication failed
    20005: FailureKind.CHANNEL_DOWN,  # account not active
    21606: FailureKind.CHANNEL_DOWN,  # 'From' is not an SMS-capable number of this account
    30008: FailureKind.TRANSIENT,  # unknown delivery error
}


def classify_twilio_error(code: int | None, http_status: int) -> FailureKind:
    """The retry class of a Twilio error code (API responses and status callbacks alike)."""
    if code is not None and code in _KINDS:
        return _KINDS[code]
    return classify_http_status(http_status)


def fit_body(text: str, limit: int = MAX_BODY) -> str:
    """*text* unchanged when it fits in *limit* UTF-16 code units, else cut and ended with "…"."""
    encoded = text.encode("utf-16-le")
    if len(encoded) <= 2 * limit:
        return text
    # errors="ignore" drops half of a surrogate pair split by the cut.
    return encoded[: 2 * (limit - 1)].decode("utf-16-le", errors="ignore") + "…"


def _basic_auth(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode("ascii")


@attrs.frozen(kw_only=True)
class TwilioConfig:
    """Twilio account credentials and the sender (a number or a Messaging Service)."""

    account_sid: str
    auth_token: str = attrs.field(repr=False)
    from_number: str | None = None
    messaging_service_sid: str | None = None
    status_callback_url: str | None = None
    """Where Twilio posts delivery statuses (settles UNCERTAIN jobs)."""
    base_url: str = "https://api.twilio.com"
    default_region: str = "BR"
    """How numbers written without ``+`` and country code are read."""

    def __attrs_post_init__(self) -> None:
        if not (self.from_number or self.messaging_service_sid):
            raise ValueError("Twilio needs from_number or messaging_service_sid")


@attrs.define
class TwilioSmsSender:
    """Sends SMS through Twilio's Messages resource."""

    client: httpx.AsyncClient
    config: TwilioConfig

    @property
    def channel(self) -> Channel:
        """SMS."""
        return Channel.SMS

    @property
    def url(self) -> str:
        """The account's Messages endpoint (JSON responses)."""
        c = self.config
        return f"{c.base_url.rstrip('/')}/2010-04-01/Accounts/{c.account_sid}/Messages.json"

    async def send(self, message: OutboundMessage) -> str:
        """Send the text as an SMS; return Twilio's message ``sid``."""
        recipient = message.recipient
        # A Phone's digits are E.164: read with their "+", not in a region (+1 415… was refused).
        raw = phone_e164(recipient) if isinstance(recipient, Phone) else str(recipient)
        to = to_e164(raw, region=self.config.default_region)
        if to is None:  # not a phone number at all: no channel that dials numbers can help
            raise failure(FailureKind.PERMANENT, PROVIDER, code="invalid-recipient")
        text = message.content.text
        if not (text and text.strip()):
            raise failure(FailureKind.PERMANENT, PROVIDER, code="no-text", excerpt="SMS needs text")
        form = {"To": to, "Body": fit_body(text)}
        if self.config.from_number:
            form["From"] = self.config.from_number
        if self.config.messaging_service_sid:
            form["MessagingServiceSid"] = self.config.messaging_service_sid
        if self.config.status_callback_url:
            form["StatusCallback"] = self.config.status_callback_url
        request = self.client.build_request(
            "POST",
            self.url,
            data=form,
            headers={
                "Authorization": _basic_auth(self.config.account_sid, self.config.auth_token),
                "I-Twilio-Idempotency-Token": message.idempotency_key,
            },
        )
        response = await send(self.client, request, provider=PROVIDER)
        parsed = json_object(response)
        if not response.is_success:
            raw_code = parsed.get("code")
            code = (
                raw_code if isinstance(raw_code, int) and not isinstance(raw_code, bool) else None
            )
            raise failure_from_response(
                response,
                provider=PROVIDER,
                kind=classify_twilio_error(code, response.status_code),
                code=None if code is None else str(code),
            )
        sid = dig(parsed, "sid")
        if not isinstance(sid, str) or not sid:
            raise failure_from_response(
                response, provider=PROVIDER, kind=FailureKind.UNCERTAIN, code="no-message-id"
            )
        return sid
