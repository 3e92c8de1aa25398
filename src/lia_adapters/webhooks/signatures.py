"""Authenticating provider webhooks: Meta's body HMAC, Twilio's URL-and-form HMAC, shared secrets.

Every comparison is constant-time (`hmac.compare_digest`) so response timing leaks nothing
about the expected value.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping, Sequence
from urllib.parse import urlsplit, urlunsplit

__all__ = [
    "twilio_signature",
    "verify_meta_signature",
    "verify_shared_secret",
    "verify_twilio_signature",
]

_META_PREFIX = "sha256="
_DEFAULT_PORTS = {"https": 443, "http": 80}


def verify_meta_signature(raw_body: bytes, header: str | None, app_secret: str) -> bool:
    """Whether ``X-Hub-Signature-256`` (``sha256=<hex>``) is the HMAC-SHA256 of the raw body.

    Use the bytes as received: re-serialised JSON (other whitespace or key order) never verifies.
    """
    if not app_secret or not header:
        return False
    value = header.strip()
    if not value.startswith(_META_PREFIX):
        return False
    expected = hmac.new(app_secret.encode(), raw_body, hashlib.sha256).hexdigest()
    # Bytes, not str: compare_digest refuses non-ASCII str, and a header is attacker input.
    return hmac.compare_digest(expected.encode(), value[len(_META_PREFIX) :].lower().encode())


def twilio_signature(url: str, params: Mapping[str, str | Sequence[str]], auth_token: str) -> str:
    """Twilio's ``X-Twilio-Signature`` for a request: base64 HMAC-SHA1 of the URL and the form.

    The signed text is the full URL (query string included) followed, for each POST parameter
    sorted by name, by the name and the value; a repeated name contributes each of its values,
    sorted. Pass an empty mapping for GET requests.
    """
    signed = [url]
    for name in sorted(params):
        value = params[name]
        values = [value] if isinstance(value, str) else sorted(value)
        signed.extend(name + item for item in values)
    digest = hmac.new(auth_token.encode(), "".join(signed).encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode("ascii")


def verify_twilio_signature(
    url: str,
    params: Mapping[str, str | Sequence[str]],
    header: str | None,
    auth_token: str,
) -> bool:
    """Whether *header* is Twilio's signature of the request, with or without the default port.

    Twilio may sign ``https://host/path`` or ``https://host:443/path`` for the same webhook
    (its SDKs accept both), so both spellings of the URL are tried.
    """
    if not auth_token or not header:
        return False
    given = header.strip().encode()
    return any(
        hmac.compare_digest(twilio_signature(candidate, params, auth_token).encode(), given)
        for candidate in _port_spellings(url)
    )


def verify_shared_secret(provided: str | None, expected: str) -> bool:
    """Whether a shared secret (an ``apikey`` field, a token header) is the configured one."""
    if not provided or not expected:
        return False
    return hmac.compare_digest(provided.encode(), expected.encode())


def _port_spellings(url: str) -> list[str]:
    """*url* as given, without its port and with the scheme's default port (deduplicated)."""
    parts = urlsplit(url)
    default = _DEFAULT_PORTS.get(parts.scheme)
    host = parts.hostname
    if default is None or host is None or "@" in parts.netloc or ":" in host:
        return [url]  # credentials or IPv6 literals: do not guess, sign what was given
    try:
        port = parts.port
    except ValueError:
        return [url]
    bare_netloc = parts.netloc.rsplit(":", 1)[0] if ":" in parts.netloc else parts.netloc
    bare = urlunsplit(parts._replace(netloc=bare_netloc))
    with_port = urlunsplit(parts._replace(netloc=f"{bare_netloc}:{port or default}"))
    return list(dict.fromkeys([url, bare, with_port]))
