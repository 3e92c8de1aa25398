"""The HTTP transport provider calls go through: httpx's API over aiohttp's connection handling.

Measured with benchmarks/dispatch.py's stub: httpcore spends 0.8 ms of CPU per request at 8
connections and 2.1 ms at 64 (its pool scans every connection per request), aiohttp 0.3 ms,
which is what lets one worker pass 1,000 messages/s on two cores. `ProviderClient` is the
httpx client over it, without a cookie jar.
"""

from __future__ import annotations

import aiohttp
import httpx
from httpx_aiohttp import AiohttpTransport

__all__ = ["ProviderClient", "ProviderTransport"]

_BEFORE_SENDING = (aiohttp.ClientConnectorError, aiohttp.ServerTimeoutError)
"""aiohttp failures that happen before the request is written (or are timeouts httpx names)."""


class ProviderTransport(AiohttpTransport):
    """aiohttp-backed transport that never reports a failure after sending as a connect error.

    httpx-aiohttp maps every ``aiohttp.ClientConnectionError`` to ``httpx.ConnectTimeout``,
    including a server disconnecting or resetting after the request went out. Such a send
    may have been delivered, so it is re-raised as ``httpx.RemoteProtocolError``, which the
    adapters treat as uncertain (settled by callback, never blindly resent).
    """

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Send *request*; post-connect connection failures become RemoteProtocolError."""
        try:
            return await super().handle_async_request(request)
        except httpx.TransportError as exc:
            cause = exc.__cause__
            if isinstance(cause, aiohttp.ClientConnectionError) and not isinstance(
                cause, _BEFORE_SENDING
            ):
                raise httpx.RemoteProtocolError(str(exc) or repr(cause), request=request) from cause
            raise

    @classmethod
    def pooled(cls, *, max_connections: int) -> ProviderTransport:
        """A transport keeping up to *max_connections* connections open per process."""
        return cls(limits=httpx.Limits(max_connections=max_connections, keepalive_expiry=30))


class _NoCookies(httpx.Cookies):
    """A cookie jar that keeps nothing it is handed."""

    def extract_cookies(self, response: httpx.Response) -> None:
        """Keep no cookie from *response*."""


class ProviderClient(httpx.AsyncClient):
    """httpx's client for provider sends, keeping no cookies.

    Provider APIs authenticate every request by header; a cookie one of them set must not
    ride along on the next send. Reading each response's Set-Cookie through the stdlib jar
    was also a twentieth of the worker's CPU per send (benchmarks/dispatch.py, py-spy).
    """

    @property
    def cookies(self) -> httpx.Cookies:
        """Always empty."""
        return _NoCookies()

    @cookies.setter
    def cookies(self, cookies: object) -> None:
        raise TypeError("ProviderClient keeps no cookies")
