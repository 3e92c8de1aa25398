"""`/api/v1/regions`: the catalogue of named regions failures refer to by id."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, delete, get, post, put
from litestar.params import JSONBody, PathParameter

from lia_entrypoints.http.auth import managers_only
from lia_entrypoints.http.context import AuthRequest, ServicesDep, actor_of
from lia_entrypoints.http.dto.base import REGION_ID_PATTERN
from lia_entrypoints.http.dto.regions import RegionIn, RegionUpdateIn
from lia_entrypoints.http.problems import problem_responses
from lia_entrypoints.schemas.regions import RegionOut

RegionIdPath = Annotated[
    str, PathParameter(pattern=REGION_ID_PATTERN, description="The region's id (a lowercase slug).")
]

__all__ = ["RegionController"]


class RegionController(Controller):
    """Catalogue regions."""

    path = "/regions"
    tags = ["regions"]

    @get("/", summary="List regions", responses=problem_responses(401))
    async def list_regions(self, services: ServicesDep) -> list[RegionOut]:
        """Every catalogue region, by id."""
        return [RegionOut.of(r) for r in await services.list_regions()]

    @post(
        "/",
        guards=[managers_only],
        summary="Create a region",
        responses=problem_responses(401, 403, 409, 422),
    )
    async def create_region(
        self, request: AuthRequest, data: JSONBody[RegionIn], services: ServicesDep
    ) -> RegionOut:
        """Add a region; 409 when the id is taken."""
        return RegionOut.of(await services.define_region(data.to_command(actor=actor_of(request))))

    @get("/{region_id:str}", summary="Get a region", responses=problem_responses(401, 404, 422))
    async def get_region(self, region_id: RegionIdPath, services: ServicesDep) -> RegionOut:
        """One region by id."""
        return RegionOut.of(await services.get_region(region_id))

    @put(
        "/{region_id:str}",
        guards=[managers_only],
        summary="Replace a region",
        responses=problem_responses(401, 403, 404, 409, 422),
    )
    async def replace_region(
        self,
        request: AuthRequest,
        region_id: RegionIdPath,
        data: JSONBody[RegionUpdateIn],
        services: ServicesDep,
    ) -> RegionOut:
        """Replace the name and rules; open failures naming the region follow at once."""
        command = data.to_command(region_id, actor=actor_of(request))
        return RegionOut.of(await services.update_region(command))

    @delete(
        "/{region_id:str}",
        guards=[managers_only],
        summary="Delete a region",
        responses=problem_responses(401, 403, 404, 409, 422),
    )
    async def delete_region(
        self, request: AuthRequest, region_id: RegionIdPath, services: ServicesDep
    ) -> None:
        """Delete a region; 409 while a scheduled, active or paused failure uses it."""
        await services.delete_region(region_id, actor=actor_of(request))
