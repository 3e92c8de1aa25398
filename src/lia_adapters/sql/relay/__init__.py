"""Realtime events between processes on SQLite (`realtime_relay`, revision 0014)."""
