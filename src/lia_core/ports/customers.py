"""The CRM port: who is calling, and where are their contracts."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Protocol

from lia_core.domain.customers import Customer
from lia_core.errors import DirectoryUnavailable

__all__ = ["CustomerDirectory", "CustomerRoster", "DirectoryUnavailable"]


class CustomerDirectory(Protocol):
    """Looks customers up in the ISP's CRM by phone."""

    async def find_by_phone(self, phone: str) -> Customer | None:
        """The customer whose phone is *phone* (E.164 digits), or None when the CRM has none.

        Raises:
            DirectoryUnavailable: timeout, connection failure, or an error answer.
        """
        ...


class CustomerRoster(Protocol):
    """A CRM that can list every customer (for the proactive outage notice)."""

    def all_customers(self) -> AsyncIterator[Customer]:
        """Every customer, once each, in any order.

        Raises:
            DirectoryUnavailable: the CRM could not be read.
        """
        ...
