"""Settings of the realtime channel: the WebSocket `/api/v1/realtime` and the NOTIFY channel."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator

from lia_adapters.notify_channels import DEFAULT_CHANNEL, check_channel

__all__ = ["RealtimeSettings"]


class RealtimeSettings(BaseModel):
    """Realtime events to staff screens (`lia serve`; `lia worker` only publishes)."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    heartbeat_seconds: float = Field(default=25.0, ge=1, le=300)
    """How often a WebSocket client with nothing else to hear gets a `{"type": "heartbeat"}` frame (keeps proxies from closing idle sockets)."""
    auth_timeout_seconds: float = Field(default=10.0, gt=0, le=120)
    """How long a WebSocket opened without an `Authorization` header may take to send its `{"type": "auth"}` message before it is closed (4401)."""
    client_backlog: int = Field(default=1000, ge=10, le=100_000)
    """Frames queued for one slow WebSocket client before it is disconnected (1013: reconnect and reload)."""
    channel: str = DEFAULT_CHANNEL
    """PostgreSQL NOTIFY channel shared by every `lia serve` and `lia worker` of one installation (change it when two installations share a database)."""
    reconnect_max_seconds: float = Field(default=30.0, ge=1, le=600)
    """Longest wait between two attempts to restore a lost LISTEN connection (the wait doubles from 0.5 s)."""

    @field_validator("channel")
    @classmethod
    def _plain_channel(cls, value: str) -> str:
        return check_channel(value)
