"""Posting a JSON body to a provider: straight over aiohttp (the worker), or through httpx (tests, probes).

The Cloud API sender went httpx → httpx-aiohttp → aiohttp for every send; building httpx's
request and running its send loop around the transport was a quarter of the worker's CPU
(benchmarks/dispatch.py, py-spy). `AiohttpPoster` writes the prebuilt URL, headers and body
with aiohttp directly and keeps the rule of `channels._http`: a request that provably never
left is retried in place (twice, quickly) and is TRANSIENT; one that may have reached the
provider is UNCERTAIN and never resent (aiohttp itself retries a stale kept-alive
connection only for idempotent methods, never a POST). Its error codes are the names httpx
gave the same failures, so stored errors read as they did.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Protocol

import aiohttp
import attrs
import httpx
from tenacity import AsyncRetrying, retry_if_exception_type, stop_after_attempt, wait_random
from yarl import URL

from lia_adapters.channels._http import CONNECT_RETRIES, Reply, failure, send
from lia_core.domain.delivery_policy import FailureKind

__all__ = ["AiohttpPoster", "HttpxPoster", "JsonPoster", "RawReply", "Reply"]

JSON_HEADERS = {"Content-Type": "application/json"}


@attrs.frozen
class RawReply:
    """A provider's answer read in full by `AiohttpPoster`."""

    status_code: int
    headers: Mapping[str, str]
    content: bytes

    @property
    def text(self) -> str:
        """The body decoded as UTF-8 (what the providers send), bad bytes replaced."""
        return self.content.decode("utf-8", "replace")

    @property
    def is_success(self) -> bool:
        """True for a 2xx status."""
        return 200 <= self.status_code < 300


class JsonPoster(Protocol):
    """POSTs a JSON body and reads the answer, failures raised as `DeliveryError`."""

    async def post_json(
        self, url: str, body: bytes, headers: Mapping[str, str], *, provider: str
    ) -> Reply:
        """POST *body* (JSON, UTF-8) to *url* with *headers*."""


@attrs.define
class HttpxPoster:
    """Posts through an httpx client (a test's MockTransport, `lia doctor`'s injected transport)."""

    client: httpx.AsyncClient

    async def post_json(
        self, url: str, body: bytes, headers: Mapping[str, str], *, provider: str
    ) -> Reply:
        """POST *body* with `channels._http.send` (its retry and error mapping)."""
        request = self.client.build_request(
            "POST", url, content=body, headers={**headers, **JSON_HEADERS}
        )
        return await send(self.client, request, provider=provider)


_RETRY_IN_PLACE = (aiohttp.ClientConnectorError, aiohttp.ConnectionTimeoutError)
"""Failures before the request was written: no connection (refused, DNS, TLS) or none in time."""


_KNOWN_URLS = 64
"""Parsed URLs kept per poster."""


@contextmanager
def _map_aiohttp_errors(provider: str) -> Iterator[None]:
    """aiohttp failures as `DeliveryError`, classed as `channels._http` classes httpx's."""
    try:
        yield
    except aiohttp.ClientConnectorError as exc:  # includes proxy and TLS handshake failures
        raise failure(
            FailureKind.TRANSIENT, provider, code="ConnectError", excerpt=str(exc)
        ) from exc
    except aiohttp.ConnectionTimeoutError as exc:  # no pooled or new connection in time
        raise failure(
            FailureKind.TRANSIENT, provider, code="ConnectTimeout", excerpt=str(exc)
        ) from exc
    except (aiohttp.InvalidURL, aiohttp.NonHttpUrlClientError) as exc:  # configuration
        raise failure(
            FailureKind.CHANNEL_DOWN, provider, code="UnsupportedProtocol", excerpt=str(exc)
        ) from exc
    except aiohttp.SocketTimeoutError as exc:  # sent; no answer in time
        raise failure(
            FailureKind.UNCERTAIN, provider, code="ReadTimeout", excerpt=str(exc)
        ) from exc
    except aiohttp.ClientPayloadError as exc:  # the answer broke off
        raise failure(FailureKind.UNCERTAIN, provider, code="ReadError", excerpt=str(exc)) from exc
    except (TimeoutError, aiohttp.ClientError, OSError) as exc:
        # Disconnected or reset after writing, a malformed answer: it may have arrived.
        raise failure(
            FailureKind.UNCERTAIN,
            provider,
            code="RemoteProtocolError",
            excerpt=str(exc) or repr(exc),
        ) from exc


@attrs.define
class AiohttpPoster:
    """One pooled aiohttp session per process, no cookie jar, redirects not followed.

    The session is made on the first post (aiohttp binds it to the running loop) and
    closed by `aclose`.
    """

    timeout: float
    max_connections: int
    user_agent: str | None = None
    _session: aiohttp.ClientSession | None = attrs.field(default=None, init=False)
    _urls: dict[str, URL] = attrs.field(factory=dict, init=False)

    def _open(self) -> aiohttp.ClientSession:
        connector = aiohttp.TCPConnector(
            limit=self.max_connections,
            keepalive_timeout=30,
            ssl=httpx.create_ssl_context(),  # the CA bundle the httpx clients use
        )
        self._session = aiohttp.ClientSession(
            connector=connector,
            headers={"User-Agent": self.user_agent} if self.user_agent else None,
            cookie_jar=aiohttp.DummyCookieJar(),  # providers authenticate by header
            timeout=aiohttp.ClientTimeout(
                total=None,
                connect=self.timeout,
                sock_connect=self.timeout,
                sock_read=self.timeout,
            ),
        )
        return self._session

    async def _post_once(self, url: URL, body: bytes, headers: Mapping[str, str]) -> RawReply:
        session = self._session or self._open()
        async with session.post(url, data=body, headers=headers, allow_redirects=False) as answer:
            content = await answer.read()
            return RawReply(answer.status, answer.headers, content)

    def _url(self, url: str) -> URL:
        parsed = self._urls.get(url)
        if parsed is None:
            try:
                parsed = URL(url)
            except (TypeError, ValueError) as exc:
                raise aiohttp.InvalidURL(url, str(exc)) from exc
            if len(self._urls) < _KNOWN_URLS:  # a sender posts to one or two: parse each once
                self._urls[url] = parsed
        return parsed

    async def post_json(
        self, url: str, body: bytes, headers: Mapping[str, str], *, provider: str
    ) -> Reply:
        """POST *body*; connection failures retried in place (the request never left)."""
        sent = {**headers, **JSON_HEADERS}
        with _map_aiohttp_errors(provider):
            parsed = self._url(url)
            try:
                return await self._post_once(parsed, body, sent)
            except _RETRY_IN_PLACE:
                pass
            async for attempt in AsyncRetrying(
                stop=stop_after_attempt(CONNECT_RETRIES),
                wait=wait_random(0.02, 0.1),
                retry=retry_if_exception_type(_RETRY_IN_PLACE),
                reraise=True,
            ):
                with attempt:
                    return await self._post_once(parsed, body, sent)
        raise AssertionError(
            "unreachable: tenacity either returns or re-raises"
        )  # pragma: no cover

    async def aclose(self) -> None:
        """Close the session and its connections."""
        if self._session is not None:
            await self._session.close()
            self._session = None
