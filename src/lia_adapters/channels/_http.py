"""Shared HTTP plumbing for channel adapters: httpx errors and responses turned into `DeliveryError`.

The one rule that matters: a request that provably never left may be retried (here, twice,
quickly); one that may have reached the provider is UNCERTAIN and is never resent blindly.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Protocol

import httpx
from tenacity import AsyncRetrying, retry_if_exception_type, stop_after_attempt, wait_random

from lia_core.domain.delivery_policy import FailureKind, SendFailure, classify_http_status
from lia_core.errors import DeliveryError

__all__ = [
    "MAX_EXCERPT",
    "Reply",
    "dig",
    "failure",
    "failure_from_response",
    "json_object",
    "map_http_errors",
    "parse_retry_after",
    "send",
]

MAX_EXCERPT = 500

CONNECT_RETRIES = 2
"""Extra attempts after a connection-level failure (the request never left)."""

_NEVER_LEFT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.ProxyError, httpx.PoolTimeout)
# Pool timeouts are not retried in place: they mean our own concurrency is saturated, and
# holding the job longer would only deepen the queue; the outbox backoff handles them.
_RETRY_IN_PLACE = (httpx.ConnectError, httpx.ConnectTimeout)


class Reply(Protocol):
    """What the senders read of a provider's answer (an `httpx.Response` is one)."""

    @property
    def status_code(self) -> int:
        """The HTTP status."""

    @property
    def headers(self) -> Mapping[str, str]:
        """The response headers, looked up case-insensitively."""

    @property
    def content(self) -> bytes:
        """The raw body."""

    @property
    def text(self) -> str:
        """The body as text."""

    @property
    def is_success(self) -> bool:
        """True for a 2xx status."""


def failure(
    kind: FailureKind,
    provider: str,
    *,
    code: str | None = None,
    http_status: int | None = None,
    retry_after: float | None = None,
    excerpt: str = "",
) -> DeliveryError:
    """A `DeliveryError` with its excerpt cut to the stored size."""
    return DeliveryError(
        SendFailure(
            kind=kind,
            provider=provider,
            code=code,
            http_status=http_status,
            retry_after_seconds=retry_after,
            excerpt=excerpt[:MAX_EXCERPT],
        )
    )


@contextmanager
def map_http_errors(provider: str) -> Iterator[None]:
    """Turn httpx exceptions raised inside the block into `DeliveryError` (``raise ... from``)."""
    try:
        yield
    except _NEVER_LEFT as exc:
        raise failure(
            FailureKind.TRANSIENT, provider, code=type(exc).__name__, excerpt=str(exc)
        ) from exc
    except httpx.UnsupportedProtocol as exc:  # a base_url without http(s): configuration
        raise failure(
            FailureKind.CHANNEL_DOWN, provider, code=type(exc).__name__, excerpt=str(exc)
        ) from exc
    except httpx.LocalProtocolError as exc:  # we built a request no server would accept
        raise failure(
            FailureKind.PERMANENT, provider, code=type(exc).__name__, excerpt=str(exc)
        ) from exc
    except httpx.HTTPError as exc:
        # Read/write timeouts, resets, protocol errors: the provider may have acted on it.
        raise failure(
            FailureKind.UNCERTAIN, provider, code=type(exc).__name__, excerpt=str(exc)
        ) from exc
    except httpx.InvalidURL as exc:  # not an HTTPError subclass
        raise failure(
            FailureKind.CHANNEL_DOWN, provider, code="InvalidURL", excerpt=str(exc)
        ) from exc


async def send(
    client: httpx.AsyncClient, request: httpx.Request, *, provider: str
) -> httpx.Response:
    """Send *request*, retrying only connection failures (at most twice, quickly), errors mapped."""
    with map_http_errors(provider):
        try:
            # The first try goes straight out: building a retry controller for every send
            # cost more than the rest of our per-message overhead (benchmarks/dispatch.py).
            return await client.send(request)
        except _RETRY_IN_PLACE:
            pass
        async for attempt in AsyncRetrying(
            stop=stop_after_attempt(CONNECT_RETRIES),
            wait=wait_random(0.02, 0.1),
            retry=retry_if_exception_type(_RETRY_IN_PLACE),
            reraise=True,
        ):
            with attempt:
                return await client.send(request)
    raise AssertionError("unreachable: tenacity either returns or re-raises")  # pragma: no cover


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP date); None if absent or bad."""
    if value is None or not value.strip():
        return None
    raw = value.strip()
    try:
        return max(0.0, float(raw))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(raw)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:  # RFC 9110 dates are GMT
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def json_object(response: Reply) -> Mapping[str, object]:
    """The response body as a JSON object, or empty when it is not one (HTML error pages)."""
    try:
        body = json.loads(response.content or b"null")
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def dig(value: object, *path: str | int) -> object:
    """Follow keys and list indexes into parsed JSON; None as soon as a step is missing."""
    for step in path:
        if isinstance(step, str) and isinstance(value, Mapping):
            value = value.get(step)
        elif isinstance(step, int) and isinstance(value, list) and -len(value) <= step < len(value):
            value = value[step]
        else:
            return None
    return value


def failure_from_response(
    response: Reply,
    *,
    provider: str,
    kind: FailureKind | None = None,
    code: str | None = None,
) -> DeliveryError:
    """A `DeliveryError` for an unsuccessful response; *kind* defaults to the HTTP status class."""
    return failure(
        kind or classify_http_status(response.status_code),
        provider,
        code=code,
        http_status=response.status_code,
        retry_after=parse_retry_after(response.headers.get("Retry-After")),
        excerpt=response.text,
    )
