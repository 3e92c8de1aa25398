"""Asking the CRM about a batch of phones at once, never letting it block a customer."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import timedelta

from lia_core.domain.gate_terms import Lookup, LookupStatus
from lia_core.ports import CustomerDirectory

__all__ = ["look_up_all"]


async def _look_up(
    directory: CustomerDirectory, phone: str, each_within: timedelta, errors: list[str]
) -> Lookup:
    try:
        async with asyncio.timeout(each_within.total_seconds()):
            customer = await directory.find_by_phone(phone)
    except Exception as exc:  # a CRM failure must never block the customer: ask them instead
        errors.append(f"{type(exc).__name__}: {exc}"[:200])
        return Lookup(status=LookupStatus.UNAVAILABLE)
    if customer is None:
        return Lookup(status=LookupStatus.NOT_FOUND)
    return Lookup(status=LookupStatus.FOUND, customer=customer)


async def look_up_all(
    directory: CustomerDirectory, phones: Sequence[str], *, each_within: timedelta
) -> tuple[dict[str, Lookup], list[str]]:
    """Each phone's answer (concurrently, each within *each_within*) and the errors met."""
    errors: list[str] = []
    results = await asyncio.gather(*(_look_up(directory, p, each_within, errors) for p in phones))
    return dict(zip(phones, results, strict=True)), errors
