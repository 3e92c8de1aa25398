"""Delivery facts as people read them, shared by the CLI's tables and the console's pages."""

from __future__ import annotations

import re

from lia_core.domain.delivery import DeliveryErrorInfo

__all__ = ["describe_error", "mask_phone"]

_PHONE = re.compile(r"\+?[\d\s().-]{7,24}")


def mask_phone(recipient: str) -> str:
    """Hide the middle digits of a phone number (``5521*****4321``); other recipients as given."""
    if not _PHONE.fullmatch(recipient):
        return recipient
    digits = [i for i, ch in enumerate(recipient) if ch.isdigit()]
    keep = 4 if len(digits) >= 10 else 2
    hidden = set(digits[keep:-keep])
    return "".join("*" if i in hidden else ch for i, ch in enumerate(recipient))


def describe_error(error: DeliveryErrorInfo | None) -> str:
    """``permanent 21211 HTTP 400: excerpt``, or ``-``."""
    if error is None:
        return "-"
    head = " ".join(
        part
        for part in (
            error.kind,
            error.code,
            f"HTTP {error.http_status}" if error.http_status else None,
        )
        if part
    )
    return f"{head}: {error.excerpt}" if error.excerpt else head
