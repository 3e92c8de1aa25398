"""The whole schema: importing this registers every table module on the one `metadata`."""

from __future__ import annotations

import lia_adapters.sql.conversation_tables  # noqa: F401 - its tables join `metadata` on import
from lia_adapters.sql.tables import metadata

__all__ = ["metadata"]
