"""Shared HTTP plumbing for CRM adapters: httpx failures and bad answers become `DirectoryUnavailable`.

A lookup is a read, so nothing here is "uncertain": any failure simply means "ask the customer".
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

import httpx

from lia_core.ports.customers import DirectoryUnavailable

__all__ = ["MAX_EXCERPT", "dotted", "json_body", "map_http_errors", "text_or_none"]

MAX_EXCERPT = 200
"""How much of an unexpected body goes into the error message."""


@contextmanager
def map_http_errors(provider: str) -> Iterator[None]:
    """Turn httpx exceptions raised inside the block into `DirectoryUnavailable` (``raise ... from``)."""
    try:
        yield
    except httpx.TimeoutException as exc:
        raise DirectoryUnavailable(f"{provider}: timed out ({type(exc).__name__})") from exc
    except (httpx.HTTPError, httpx.InvalidURL) as exc:
        raise DirectoryUnavailable(f"{provider}: {type(exc).__name__}: {exc}") from exc


def json_body(response: httpx.Response, provider: str) -> object:
    """The parsed JSON of a 2xx *response*; `DirectoryUnavailable` for other statuses or non-JSON."""
    if not response.is_success:
        raise DirectoryUnavailable(
            f"{provider}: HTTP {response.status_code}: {response.text[:MAX_EXCERPT]!r}"
        )
    try:
        return json.loads(response.content)
    except ValueError:
        raise DirectoryUnavailable(
            f"{provider}: answer is not JSON: {response.text[:MAX_EXCERPT]!r}"
        ) from None


def dotted(value: object, path: str) -> object:
    """Follow a dotted path (``data.items.0.name``) into parsed JSON; None once a step is missing.

    An empty path is *value* itself; digits index lists.
    """
    if not path:
        return value
    for step in path.split("."):
        if isinstance(value, Mapping):
            value = value.get(step)
        elif isinstance(value, list) and step.lstrip("-").isdigit():
            index = int(step)
            value = value[index] if -len(value) <= index < len(value) else None
        else:
            return None
    return value


def text_or_none(value: object) -> str | None:
    """A JSON scalar as stripped text; None for null, empty strings, lists and objects."""
    if value is None or isinstance(value, (list, dict, bool)):
        return None
    text = str(value).strip()
    return text or None
