"""The desk's process-side pieces: what the SLA monitor and the staff alerts did, logged."""

from lia_entrypoints.desk.observers import LoggingAlertObserver, LoggingMonitorObserver

__all__ = ["LoggingAlertObserver", "LoggingMonitorObserver"]
