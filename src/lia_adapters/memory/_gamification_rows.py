"""The fake's gamification rows: the settings singleton and each month's run."""

from __future__ import annotations

import attrs

from lia_core.nps.gamification import GamificationSettings
from lia_core.nps.runs import StoredRun

__all__ = ["GamificationTables"]


@attrs.define
class GamificationTables:
    """Committed (or staged) settings and runs by month."""

    settings: GamificationSettings | None = None
    runs: dict[str, StoredRun] = attrs.field(factory=dict)

    def merge(self, staged: GamificationTables) -> None:
        """Apply *staged*: the last writer's settings and month rows win, as in SQL."""
        if staged.settings is not None:
            self.settings = staged.settings
        self.runs.update(staged.runs)
