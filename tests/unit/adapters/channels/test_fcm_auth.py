"""Service-account access tokens for FCM: the real google-auth grant over a fake token endpoint."""

from __future__ import annotations

import asyncio
from urllib.parse import parse_qs

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from lia_adapters.channels import FCM_SCOPE, ServiceAccountTokenProvider
from lia_core.domain.delivery_policy import FailureKind
from lia_core.errors import DeliveryError

TOKEN_URI = "https://oauth2.googleapis.com/token"


@pytest.fixture(scope="module")
def service_account_info() -> dict[str, str]:
    """A service-account key file with a freshly generated RSA key."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    return {
        "type": "service_account",
        "project_id": "lia-isp",
        "private_key_id": "k1",
        "private_key": pem,
        "client_email": "lia-sender@lia-isp.iam.gserviceaccount.com",
        "client_id": "1",
        "token_uri": TOKEN_URI,
    }


class TokenEndpoint:
    """Google's token endpoint: hands out numbered tokens and keeps the grants it saw."""

    def __init__(self, *, expires_in: int = 3600, status: int = 200) -> None:
        self.expires_in, self.status = expires_in, status
        self.grants: list[dict[str, list[str]]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.grants.append(parse_qs(request.content.decode()))
        if self.status != 200:
            return httpx.Response(self.status, json={"error": "invalid_grant"})
        body = {"access_token": f"ya29.{len(self.grants)}", "expires_in": self.expires_in}
        return httpx.Response(200, json=body)


def provider(
    info: dict[str, str], endpoint: TokenEndpoint, clock: list[float]
) -> ServiceAccountTokenProvider:
    """A provider over *endpoint* whose monotonic clock reads ``clock[0]``."""
    built = ServiceAccountTokenProvider.from_service_account_info(
        info, http=httpx.Client(transport=httpx.MockTransport(endpoint))
    )
    built.monotonic = lambda: clock[0]
    return built


async def test_token_comes_from_a_signed_jwt_grant_with_the_fcm_scope(
    service_account_info: dict[str, str],
) -> None:
    """The grant is a JWT bearer assertion for the firebase.messaging scope, signed by the key."""
    endpoint = TokenEndpoint()
    token = await provider(service_account_info, endpoint, [0.0])()
    assert token == "ya29.1"
    grant = endpoint.grants[0]
    assert grant["grant_type"] == ["urn:ietf:params:oauth:grant-type:jwt-bearer"]
    claims = jwt.decode(grant["assertion"][0], options={"verify_signature": False})
    assert claims["scope"] == FCM_SCOPE
    assert claims["iss"] == service_account_info["client_email"]
    assert claims["aud"] == TOKEN_URI


async def test_token_is_cached_until_shortly_before_expiry(
    service_account_info: dict[str, str],
) -> None:
    """The token is reused until five minutes before it expires, then refreshed."""
    endpoint, clock = TokenEndpoint(expires_in=3600), [1000.0]
    tokens = provider(service_account_info, endpoint, clock)
    assert await tokens() == "ya29.1"
    clock[0] += 3600 - 301
    assert await tokens() == "ya29.1"
    clock[0] += 2
    assert await tokens() == "ya29.2"
    assert len(endpoint.grants) == 2


async def test_concurrent_callers_share_one_refresh(service_account_info: dict[str, str]) -> None:
    """Many sends waiting for a token cause one grant, not one each."""
    endpoint = TokenEndpoint()
    tokens = provider(service_account_info, endpoint, [0.0])
    results = await asyncio.gather(*(tokens() for _ in range(20)))
    assert set(results) == {"ya29.1"}
    assert len(endpoint.grants) == 1


async def test_a_refused_grant_holds_the_channel(service_account_info: dict[str, str]) -> None:
    """invalid_grant (key deleted or revoked) is CHANNEL_DOWN: no push can go out until fixed."""
    tokens = provider(service_account_info, TokenEndpoint(status=400), [0.0])
    with pytest.raises(DeliveryError) as raised:
        await tokens()
    assert (raised.value.failure.kind, raised.value.failure.code) == (
        FailureKind.CHANNEL_DOWN,
        "oauth-refresh",
    )


async def test_an_unreachable_token_endpoint_is_transient(
    service_account_info: dict[str, str],
) -> None:
    """A network failure while fetching the token is transient."""

    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    tokens = ServiceAccountTokenProvider.from_service_account_info(
        service_account_info, http=httpx.Client(transport=httpx.MockTransport(refuse))
    )
    with pytest.raises(DeliveryError) as raised:
        await tokens()
    assert raised.value.failure.kind is FailureKind.TRANSIENT


async def test_neither_key_nor_token_shows_in_repr(service_account_info: dict[str, str]) -> None:
    """The provider's repr (which may reach a log) holds no key material and no token."""
    tokens = provider(service_account_info, TokenEndpoint(), [0.0])
    await tokens()
    assert "PRIVATE KEY" not in repr(tokens)
    assert "ya29" not in repr(tokens)
