"""Shared HTTP plumbing: httpx errors to failure kinds, connect retries, Retry-After, excerpts."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest

from lia_adapters.channels._http import (
    failure_from_response,
    map_http_errors,
    parse_retry_after,
    send,
)
from lia_core.domain.delivery_policy import FailureKind
from lia_core.errors import DeliveryError
from tests.unit.adapters.channels.support import FakeProvider

REQUEST = httpx.Request("POST", "https://provider.test/send")


@pytest.mark.parametrize(
    ("exc", "kind"),
    [
        (httpx.ConnectError("refused", request=REQUEST), FailureKind.TRANSIENT),
        (httpx.ConnectTimeout("slow handshake", request=REQUEST), FailureKind.TRANSIENT),
        (httpx.PoolTimeout("pool full", request=REQUEST), FailureKind.TRANSIENT),
        (httpx.ProxyError("proxy said no", request=REQUEST), FailureKind.TRANSIENT),
        (httpx.ReadTimeout("no answer", request=REQUEST), FailureKind.UNCERTAIN),
        (httpx.WriteTimeout("half sent", request=REQUEST), FailureKind.UNCERTAIN),
        (httpx.RemoteProtocolError("disconnected", request=REQUEST), FailureKind.UNCERTAIN),
        (httpx.ReadError("reset", request=REQUEST), FailureKind.UNCERTAIN),
        (httpx.UnsupportedProtocol("ftp://", request=REQUEST), FailureKind.CHANNEL_DOWN),
        (httpx.LocalProtocolError("bad header", request=REQUEST), FailureKind.PERMANENT),
        (httpx.InvalidURL("no host"), FailureKind.CHANNEL_DOWN),
    ],
)
def test_httpx_errors_map_to_failure_kinds(exc: Exception, kind: FailureKind) -> None:
    """Errors before the request left are transient; after it may have left, uncertain."""
    with pytest.raises(DeliveryError) as raised, map_http_errors("acme"):
        raise exc
    failure = raised.value.failure
    assert (failure.kind, failure.provider, failure.code) == (kind, "acme", type(exc).__name__)
    assert raised.value.__cause__ is exc


def test_other_exceptions_pass_through_unchanged() -> None:
    """Only httpx errors are translated; a DeliveryError or a bug keeps its own type."""
    with pytest.raises(KeyError), map_http_errors("acme"):
        raise KeyError("bug")


async def test_connect_errors_are_retried_twice_then_transient() -> None:
    """A refused connection is tried three times in all, then reported as transient."""
    fake = FakeProvider().answer(httpx.ConnectError("refused"))
    async with fake.client() as client:
        with pytest.raises(DeliveryError) as raised:
            await send(client, client.build_request("POST", "https://p.test/x"), provider="acme")
    assert raised.value.failure.kind is FailureKind.TRANSIENT
    assert len(fake.requests) == 3


async def test_a_connect_error_then_success_returns_the_response() -> None:
    """One refused connection followed by an answer is a normal send."""
    fake = FakeProvider().answer(httpx.ConnectError("refused"), httpx.Response(200, text="ok"))
    async with fake.client() as client:
        response = await send(
            client, client.build_request("POST", "https://p.test/x"), provider="a"
        )
    assert (response.status_code, len(fake.requests)) == (200, 2)


@pytest.mark.parametrize(
    "exc",
    [httpx.ReadTimeout("late"), httpx.PoolTimeout("busy"), httpx.RemoteProtocolError("eof")],
)
async def test_errors_after_sending_or_from_the_pool_are_not_retried(exc: Exception) -> None:
    """Only connection failures are retried in place: anything else is one attempt."""
    fake = FakeProvider().answer(exc)
    async with fake.client() as client:
        with pytest.raises(DeliveryError):
            await send(client, client.build_request("POST", "https://p.test/x"), provider="a")
    assert len(fake.requests) == 1


NOW = datetime(2026, 5, 20, 12, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("120", 120.0),
        (" 7 ", 7.0),
        ("1.5", 1.5),
        ("-3", 0.0),
        ("Wed, 20 May 2026 12:00:30 GMT", 30.0),
        ("Wed, 20 May 2026 11:59:00 GMT", 0.0),
        ("soon", None),
        ("", None),
        (None, None),
    ],
)
def test_retry_after_reads_seconds_and_http_dates(
    header: str | None, seconds: float | None
) -> None:
    """Retry-After is delta-seconds or an HTTP date; past dates mean now, garbage means absent."""
    assert parse_retry_after(header, now=NOW) == seconds


def test_failure_from_response_keeps_status_retry_after_and_a_short_excerpt() -> None:
    """The failure carries the HTTP status, Retry-After and at most 500 characters of body."""
    response = httpx.Response(429, text="x" * 2000, headers={"Retry-After": "9"})
    failure = failure_from_response(response, provider="acme", code="E1").failure
    assert failure.kind is FailureKind.RATE_LIMITED
    assert (failure.http_status, failure.retry_after_seconds, failure.code) == (429, 9.0, "E1")
    assert len(failure.excerpt) == 500
