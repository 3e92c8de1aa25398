"""Firebase Cloud Messaging HTTP v1 sender: ``POST /v1/projects/{project}/messages:send``.

The recipient is the device registration token. FCM takes no idempotency key. The OAuth2
access token comes from an injected async provider (`ServiceAccountTokenProvider` in
production, a constant in tests).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping

import attrs
import httpx

from lia_adapters.channels._http import dig, failure, failure_from_response, json_object, send
from lia_core.domain.delivery import Channel
from lia_core.domain.delivery_policy import FailureKind, classify_http_status
from lia_core.ports import OutboundMessage

__all__ = ["FcmConfig", "FcmPushSender", "classify_fcm_error"]

PROVIDER = "fcm"
DEFAULT_TITLE = "LIA"
_FCM_ERROR_TYPE = "type.googleapis.com/google.firebase.fcm.v1.FcmError"

_KINDS: Mapping[str, FailureKind] = {
    "UNREGISTERED": FailureKind.UNREACHABLE,  # the app was uninstalled or the token expired
    # A token of another Firebase project: as useless to us as an unregistered one, and
    # not a reason to hold the whole channel as a 403 otherwise would.
    "SENDER_ID_MISMATCH": FailureKind.UNREACHABLE,
    "INVALID_ARGUMENT": FailureKind.PERMANENT,
    "QUOTA_EXCEEDED": FailureKind.RATE_LIMITED,
    "UNAVAILABLE": FailureKind.TRANSIENT,
    "INTERNAL": FailureKind.TRANSIENT,
    "THIRD_PARTY_AUTH_ERROR": FailureKind.CHANNEL_DOWN,  # APNs or web push credentials
}


def classify_fcm_error(error_code: str | None, http_status: int) -> FailureKind:
    """The retry class of an FCM v1 error (its ``FcmError.errorCode``, else the HTTP status)."""
    if error_code is not None and error_code in _KINDS:
        return _KINDS[error_code]
    return classify_http_status(http_status)


def _error_code(body: Mapping[str, object]) -> str | None:
    """``errorCode`` from the FcmError detail, else the google.rpc ``status`` name."""
    details = dig(body, "error", "details")
    if isinstance(details, list):
        for detail in details:
            if isinstance(detail, dict) and detail.get("@type") == _FCM_ERROR_TYPE:
                code = detail.get("errorCode")
                if isinstance(code, str):
                    return code
    status = dig(body, "error", "status")
    return status if isinstance(status, str) else None


@attrs.frozen(kw_only=True)
class FcmConfig:
    """Which Firebase project sends, and where its API is."""

    project_id: str
    base_url: str = "https://fcm.googleapis.com"


@attrs.define
class FcmPushSender:
    """Sends push notifications through FCM HTTP v1."""

    client: httpx.AsyncClient
    config: FcmConfig
    token_provider: Callable[[], Awaitable[str]]
    """An OAuth2 access token with the firebase.messaging scope, cached by the provider."""

    @property
    def channel(self) -> Channel:
        """Push."""
        return Channel.PUSH

    @property
    def url(self) -> str:
        """The project's messages:send endpoint."""
        c = self.config
        return f"{c.base_url.rstrip('/')}/v1/projects/{c.project_id}/messages:send"

    def payload(self, message: OutboundMessage) -> dict[str, object]:
        """The v1 request body: notification from the text, data values as strings."""
        content = message.content
        # FCM rejects non-string data values (INVALID_ARGUMENT): stringify defensively.
        data = {str(k): str(v) for k, v in content.data.items()}
        body: dict[str, object] = {"token": str(message.recipient)}
        if content.text and content.text.strip():
            body["notification"] = {
                "title": data.get("title") or DEFAULT_TITLE,
                "body": content.text,
            }
        if data:
            body["data"] = data
        return {"message": body}

    async def send(self, message: OutboundMessage) -> str:
        """Send the notification; return FCM's message ``name``."""
        if not str(message.recipient).strip():
            raise failure(FailureKind.PERMANENT, PROVIDER, code="invalid-recipient")
        content = message.content
        if not (content.text and content.text.strip()) and not content.data:
            raise failure(
                FailureKind.PERMANENT, PROVIDER, code="no-content", excerpt="no text or data"
            )
        body = self.payload(message)
        token = await self.token_provider()
        request = self.client.build_request(
            "POST", self.url, json=body, headers={"Authorization": f"Bearer {token}"}
        )
        response = await send(self.client, request, provider=PROVIDER)
        parsed = json_object(response)
        if not response.is_success:
            code = _error_code(parsed)
            raise failure_from_response(
                response,
                provider=PROVIDER,
                kind=classify_fcm_error(code, response.status_code),
                code=code,
            )
        name = parsed.get("name")
        if not isinstance(name, str) or not name:
            raise failure_from_response(
                response, provider=PROVIDER, kind=FailureKind.UNCERTAIN, code="no-message-id"
            )
        return name
