"""OAuth2 access tokens for FCM from a Google service account, cached until shortly before expiry.

google-auth signs the JWT grant and parses the answer; its HTTP goes through a small adapter
over an injected synchronous ``httpx.Client`` (google-auth's own transports need requests or
urllib3, which LIA does not otherwise install), run in a thread so the event loop never blocks.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime

import attrs
import httpx
from google.auth import exceptions as google_exceptions
from google.auth import transport as google_transport
from google.oauth2 import service_account

from lia_adapters.channels._http import failure
from lia_core.domain.delivery_policy import FailureKind

__all__ = ["FCM_SCOPE", "HttpxAuthTransport", "ServiceAccountTokenProvider"]

FCM_SCOPE = "https://www.googleapis.com/auth/firebase.messaging"
_FALLBACK_LIFETIME = 3600.0  # Google's documented access-token lifetime
# The ignores below: google-auth ships py.typed but leaves these callables unannotated.


class _Response(google_transport.Response):
    """An httpx response as google-auth expects it."""

    def __init__(self, response: httpx.Response) -> None:
        self._response = response

    @property
    def status(self) -> int:
        """HTTP status."""
        return self._response.status_code

    @property
    def headers(self) -> Mapping[str, str]:
        """Response headers."""
        return self._response.headers

    @property
    def data(self) -> bytes:
        """Raw body."""
        return self._response.content


class HttpxAuthTransport(google_transport.Request):
    """google-auth's transport interface over a synchronous ``httpx.Client``."""

    def __init__(self, client: httpx.Client) -> None:
        self._client = client

    def __call__(
        self,
        url: str,
        method: str = "GET",
        body: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: float | None = None,
        **_kwargs: object,
    ) -> _Response:
        """Make one request; httpx failures become google-auth's TransportError."""
        try:
            response = self._client.request(
                method,
                url,
                content=body,
                headers=dict(headers or {}),
                timeout=timeout if timeout is not None else httpx.USE_CLIENT_DEFAULT,
            )
        except httpx.HTTPError as exc:
            raise google_exceptions.TransportError(str(exc)) from exc  # type: ignore[no-untyped-call]
        return _Response(response)


@attrs.define
class ServiceAccountTokenProvider:
    """An async callable returning a valid FCM access token, refreshed in a worker thread."""

    credentials: service_account.Credentials
    http: httpx.Client
    refresh_margin_seconds: float = 300.0
    """Refresh this long before the token expires, so no send races the expiry."""
    monotonic: Callable[[], float] = time.monotonic
    _token: str | None = attrs.field(default=None, init=False, repr=False)
    _valid_until: float = attrs.field(default=0.0, init=False)
    _lock: asyncio.Lock = attrs.field(factory=asyncio.Lock, init=False)

    @classmethod
    def from_service_account_info(
        cls, info: Mapping[str, str], *, http: httpx.Client, refresh_margin_seconds: float = 300.0
    ) -> ServiceAccountTokenProvider:
        """A provider for the service-account JSON *info* (the parsed key file)."""
        credentials = service_account.Credentials.from_service_account_info(  # type: ignore[no-untyped-call]
            dict(info), scopes=[FCM_SCOPE]
        )
        return cls(credentials, http, refresh_margin_seconds=refresh_margin_seconds)

    async def __call__(self) -> str:
        """The cached token, or a fresh one when it is about to expire."""
        if self._token is not None and self.monotonic() < self._valid_until:
            return self._token
        async with self._lock:  # one refresh for all the sends waiting on it
            if self._token is None or self.monotonic() >= self._valid_until:
                started = self.monotonic()
                token, lifetime = await asyncio.to_thread(self._refresh)
                self._token = token
                # A short-lived token is still used for half its life rather than never cached.
                margin = min(self.refresh_margin_seconds, lifetime / 2)
                self._valid_until = started + lifetime - margin
            return self._token

    def _refresh(self) -> tuple[str, float]:
        """Fetch a token (blocking); return it with its lifetime in seconds."""
        try:
            self.credentials.refresh(HttpxAuthTransport(self.http))  # type: ignore[no-untyped-call]
        except google_exceptions.RefreshError as exc:
            # Key revoked or deleted, clock far off: no send can work until someone acts.
            raise failure(
                FailureKind.CHANNEL_DOWN, "fcm", code="oauth-refresh", excerpt=str(exc)
            ) from exc
        except google_exceptions.TransportError as exc:
            raise failure(
                FailureKind.TRANSIENT, "fcm", code="oauth-transport", excerpt=str(exc)
            ) from exc
        token = self.credentials.token
        if not isinstance(token, str) or not token:
            raise failure(FailureKind.CHANNEL_DOWN, "fcm", code="oauth-no-token")
        expiry = self.credentials.expiry
        if not isinstance(expiry, datetime):
            return token, _FALLBACK_LIFETIME
        if expiry.tzinfo is None:  # google-auth keeps naive UTC datetimes
            expiry = expiry.replace(tzinfo=UTC)
        return token, max(0.0, (expiry - datetime.now(UTC)).total_seconds())
