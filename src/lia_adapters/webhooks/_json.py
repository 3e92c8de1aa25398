"""Reading decoded provider JSON by path: every shape error names the JSON path at fault."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

from lia_adapters.webhooks.batch import MalformedWebhook
from lia_core.domain.recipients import Phone
from lia_core.errors import ValidationError

JsonObject = Mapping[str, object]

ROOT = "$"
"""The path reported when the body itself is at fault."""

_MAX_UNIX_SECONDS = 253_402_300_799  # 9999-12-31T23:59:59Z: beyond it datetime cannot represent


def at(path: str, key: str | int) -> str:
    """The path of *key* under *path*: ``entry[0]``, ``entry[0].changes``."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    return key if path in ("", ROOT) else f"{path}.{key}"


def as_object(value: object, path: str) -> JsonObject:
    """*value* as a JSON object, or MalformedWebhook at *path*."""
    if not isinstance(value, dict):
        raise MalformedWebhook("expected a JSON object", field=path)
    return value


def objects(obj: JsonObject, key: str, path: str) -> list[tuple[str, JsonObject]]:
    """The objects of the list ``obj[key]`` with their paths; a missing key or null is empty."""
    value = obj.get(key)
    if value is None:
        return []
    list_path = at(path, key)
    if not isinstance(value, list):
        raise MalformedWebhook("expected a JSON array", field=list_path)
    return [(at(list_path, i), as_object(item, at(list_path, i))) for i, item in enumerate(value)]


def child(obj: JsonObject, key: str, path: str) -> JsonObject:
    """The object ``obj[key]``, required."""
    return as_object(obj.get(key), at(path, key))


def text(obj: JsonObject, key: str, path: str) -> str:
    """The non-empty string ``obj[key]``, required."""
    value = obj.get(key)
    if not isinstance(value, str) or not value:
        raise MalformedWebhook("expected a non-empty string", field=at(path, key))
    return value


def opt_text(obj: JsonObject, key: str, path: str) -> str | None:
    """The string ``obj[key]``; None when missing, null or empty."""
    value = obj.get(key)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise MalformedWebhook("expected a string", field=at(path, key))
    return value


def number_text(obj: JsonObject, key: str, path: str) -> str:
    """The JSON number ``obj[key]`` (a latitude, a longitude) as text, required."""
    value = obj.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise MalformedWebhook("expected a number", field=at(path, key))
    return str(value)


def loose_text(value: object) -> str | None:
    """*value* when it is a non-empty string, else None: for cosmetic metadata whose encoding varies."""
    return value if isinstance(value, str) and value else None


def unix_seconds(value: object, path: str) -> datetime:
    """An aware UTC datetime from unix seconds given as an integer or a string of digits."""
    seconds: int | None = None
    if isinstance(value, int) and not isinstance(value, bool):
        seconds = value
    elif isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 12:
        seconds = int(value)
    if seconds is None or not 0 <= seconds <= _MAX_UNIX_SECONDS:
        raise MalformedWebhook("expected unix seconds", field=path)
    return datetime.fromtimestamp(seconds, tz=UTC)


def sent_time(value: object, path: str, received_at: datetime | None) -> datetime:
    """`unix_seconds` of *value*; when that is unreadable, *received_at* if the caller gave it."""
    try:
        return unix_seconds(value, path)
    except MalformedWebhook:
        if received_at is None:
            raise
        return received_at


def international_phone(digits: str, path: str) -> Phone:
    """The contact key of a WhatsApp phone id (country code first, no '+'): ninth digit added."""
    if not (digits.isascii() and digits.isdigit()):
        raise MalformedWebhook("expected the digits of a phone number", field=path)
    try:
        # '+' because provider ids always start with the country code; without it a
        # US number would be read as a Brazilian national one.
        return Phone.parse(f"+{digits}", field=path).canonical()
    except ValidationError as exc:
        raise MalformedWebhook(exc.message, field=path) from None
