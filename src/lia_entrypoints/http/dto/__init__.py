"""Request bodies of the HTTP API, one module per area, each turned into a core command.

The few HTTP-only responses (token, health, proactive run) live beside their requests.
"""

from lia_entrypoints.http.dto.auth import LoginIn, TokenOut
from lia_entrypoints.http.dto.base import CityAreaIn, In
from lia_entrypoints.http.dto.delivery import MessageIn, ReprocessIn, SettleIn
from lia_entrypoints.http.dto.failures import (
    CheckIn,
    FailureIn,
    NotifyCustomersIn,
    NotifyCustomersOut,
    NotifyIn,
    ResolveIn,
)
from lia_entrypoints.http.dto.health import HealthOut
from lia_entrypoints.http.dto.regions import RegionIn, RegionUpdateIn

__all__ = [
    "CheckIn",
    "CityAreaIn",
    "FailureIn",
    "HealthOut",
    "In",
    "LoginIn",
    "MessageIn",
    "NotifyCustomersIn",
    "NotifyCustomersOut",
    "NotifyIn",
    "RegionIn",
    "RegionUpdateIn",
    "ReprocessIn",
    "ResolveIn",
    "SettleIn",
    "TokenOut",
]
