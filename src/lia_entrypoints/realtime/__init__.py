"""Realtime events to staff screens: the per-process hub that fans events out to WebSockets."""

from lia_entrypoints.realtime.hub import Frames, RealtimeHub, Subscriber

__all__ = ["Frames", "RealtimeHub", "Subscriber"]
