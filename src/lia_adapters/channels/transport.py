"""The HTTP transport provider calls go through: httpx's API over aiohttp's connection handling.

Measured with benchmarks/dispatch.py's stub: httpcore spends 0.8 ms of CPU per request at 8
connections and 2.1 ms at 64 (its pool scans every connection per request), aiohttp 0.3 ms,
which is what lets one worker pass 1,000 messages/s on two cores.
"""

from __future__ import annotations

import aiohttp
import httpx
from httpx_aiohttp import AiohttpTransport

__all__ = ["ProviderTransport"]

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
