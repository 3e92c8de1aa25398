"""Outages in SQL: failures and the region catalogue (tables, mapping, repositories)."""
