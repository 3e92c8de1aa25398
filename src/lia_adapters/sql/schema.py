"""The whole schema: importing this registers every area's tables on the one `metadata`."""

from __future__ import annotations

import lia_adapters.sql.assignment.tables

# Each area's tables join `metadata` on import.
import lia_adapters.sql.bot.tables
import lia_adapters.sql.conversations.tables
import lia_adapters.sql.delivery.tables
import lia_adapters.sql.desk.tables
import lia_adapters.sql.gamification.tables
import lia_adapters.sql.nps.tables
import lia_adapters.sql.outages.tables
import lia_adapters.sql.relay.tables
import lia_adapters.sql.replies.tables
import lia_adapters.sql.users.tables  # noqa: F401
from lia_adapters.sql.base import metadata

__all__ = ["metadata"]
