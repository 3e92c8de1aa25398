"""The inbound pipeline of `lia serve`: group commit, the gate and recovery loops, their metrics."""

from lia_entrypoints.inbound.group_commit import GroupCommit, Stored
from lia_entrypoints.inbound.metrics import InboundMetrics
from lia_entrypoints.inbound.observer import LoggingGateObserver
from lia_entrypoints.inbound.pipeline import GateQueue, InboundRuntime

__all__ = [
    "GateQueue",
    "GroupCommit",
    "InboundMetrics",
    "InboundRuntime",
    "LoggingGateObserver",
    "Stored",
]
