"""PostgreSQL NOTIFY channel names: LIA's default and the check every configured one passes.

Kept out of `lia_adapters.sql` so that reading the settings (`lia --help`, `lia config
show`) does not import every SQL repository.
"""

from __future__ import annotations

import re

__all__ = ["DEFAULT_CHANNEL", "check_channel"]

DEFAULT_CHANNEL = "lia_realtime"
"""The NOTIFY channel LIA's processes share (one per database; a setting can change it)."""

_CHANNEL = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def check_channel(channel: str) -> str:
    """*channel* if it is a plain lower-case PostgreSQL identifier; ValueError otherwise."""
    if not _CHANNEL.match(channel):
        raise ValueError(
            f"realtime channel {channel!r} must be 1 to 63 of a-z, 0-9 and _, not starting with a digit"
        )
    return channel
