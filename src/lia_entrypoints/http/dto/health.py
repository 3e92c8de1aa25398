"""The health check's answer."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["HealthOut"]


class HealthOut(BaseModel):
    """The service is up and its database answers."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    status: Literal["ok"] = "ok"
    """Always `ok` (failures are reported as 503 problem details)."""
    database: Literal["ok"] = "ok"
    """`ok` when a cheap query succeeded."""
    version: str = Field(examples=["0.1.0"])
    """The running LIA version."""
