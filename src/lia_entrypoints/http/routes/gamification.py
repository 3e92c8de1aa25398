"""`/api/v1/gamification`: a month's ranking, the top-N history, the settings.

Any staff account reads the ranking, the history and the settings; SUPERVISOR and ADMIN run
a month again; only ADMIN changes the settings. A bad month (``2026-13``) is 422 naming
``period``; a month never run is 404.
"""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get, patch, post
from litestar.params import JSONBody, PathParameter, QueryParameter

from lia_core.errors import NotFound
from lia_core.nps.runs import MONTH_PATTERN
from lia_core.services.gamification import DEFAULT_HISTORY_PERIODS
from lia_entrypoints.http.auth import admins_only, managers_only
from lia_entrypoints.http.context import AuthRequest, ServicesDep, TzDep, actor_of
from lia_entrypoints.http.dto.gamification import GamificationSettingsIn
from lia_entrypoints.http.problems import problem_responses
from lia_entrypoints.schemas.gamification import (
    GamificationSettingsOut,
    HistoryOut,
    RankingOut,
    history_out,
)

__all__ = ["GamificationController"]

Period = Annotated[
    str,
    PathParameter(description="The month, `YYYY-MM` in the ISP's timezone.", pattern=MONTH_PATTERN),
]


class GamificationController(Controller):
    """Agents' monthly ranking, badges and top-N history (docs/gamification.md)."""

    path = "/gamification"
    tags = ["gamification"]

    @get("/settings", summary="Get the gamification settings", responses=problem_responses(401))
    async def get_gamification_settings(self, services: ServicesDep) -> GamificationSettingsOut:
        """Weights, targets and badge thresholds in force (the defaults until changed)."""
        return GamificationSettingsOut.of(await services.gamification.settings())

    @patch(
        "/settings",
        guards=[admins_only],
        summary="Change the gamification settings",
        responses=problem_responses(401, 403, 422),
    )
    async def update_gamification_settings(
        self,
        data: JSONBody[GamificationSettingsIn],
        request: AuthRequest,
        services: ServicesDep,
    ) -> GamificationSettingsOut:
        """Fields left out stay; 422 naming `weights` unless the four weights sum to 100. ADMIN."""
        saved = await services.gamification.update_settings(
            data.to_change(), actor=actor_of(request)
        )
        return GamificationSettingsOut.of(saved)

    @get("/history", summary="Get the top-N history", responses=problem_responses(401, 422))
    async def get_gamification_history(
        self,
        services: ServicesDep,
        periods: Annotated[
            int, QueryParameter(ge=1, le=120, description="How many of the latest months run.")
        ] = DEFAULT_HISTORY_PERIODS,
    ) -> list[HistoryOut]:
        """The top-N of the latest months run, newest month first, by rank."""
        return history_out(await services.gamification.history(periods=periods))

    @get(
        "/{period:str}",
        summary="Get a month's ranking",
        responses=problem_responses(401, 404, 422),
    )
    async def get_gamification_ranking(
        self, period: Period, services: ServicesDep, tz: TzDep
    ) -> RankingOut:
        """The month's ranking (scores, badges per agent), its badges and top-N history."""
        run = await services.gamification.ranking(period)
        if run is None:
            raise NotFound(entity="gamification run", entity_id=period)
        return RankingOut.of(run, tz)

    @post(
        "/{period:str}/run",
        guards=[managers_only],
        status_code=200,
        summary="Run a month again",
        responses=problem_responses(401, 403, 422),
    )
    async def run_gamification(
        self, period: Period, services: ServicesDep, tz: TzDep
    ) -> RankingOut:
        """Score, rank and award the month now, replacing its rows. SUPERVISOR and ADMIN."""
        return RankingOut.of(await services.gamification.run(period), tz)
