"""The request body of `PATCH /api/v1/gamification/settings`."""

from __future__ import annotations

from pydantic import Field

from lia_core.services import SettingsChange
from lia_entrypoints.http.dto.base import In
from lia_entrypoints.http.dto.delivery import WholeNumber

__all__ = ["GamificationSettingsIn"]

_MAX = 1_000_000


class GamificationSettingsIn(In):
    """Settings to change; a field left out (or null) stays. The four weights must sum to 100."""

    nps_weight: WholeNumber | None = Field(default=None, ge=0, le=100, examples=[40])
    volume_weight: WholeNumber | None = Field(default=None, ge=0, le=100, examples=[30])
    resolution_weight: WholeNumber | None = Field(default=None, ge=0, le=100, examples=[20])
    response_time_weight: WholeNumber | None = Field(default=None, ge=0, le=100, examples=[10])
    target_volume: WholeNumber | None = Field(default=None, ge=1, le=_MAX, examples=[500])
    """Conversations in a month worth a volume score of 100."""
    target_response_seconds: WholeNumber | None = Field(default=None, ge=1, le=_MAX, examples=[120])
    """Average first response (seconds) worth a time score of 100."""
    solucionador_nps_min: WholeNumber | None = Field(default=None, ge=0, le=10)
    solucionador_resolution_min: WholeNumber | None = Field(default=None, ge=0, le=100)
    velocista_nps_min: WholeNumber | None = Field(default=None, ge=0, le=10)
    velocista_top_n: WholeNumber | None = Field(default=None, ge=0, le=1000)
    campeao_volume_top_n: WholeNumber | None = Field(default=None, ge=0, le=1000)
    history_size: WholeNumber | None = Field(default=None, ge=0, le=1000)
    """How many top places each month's history keeps."""

    def to_change(self) -> SettingsChange:
        """The core's change."""
        return SettingsChange(**self.model_dump())
