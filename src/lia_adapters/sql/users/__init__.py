"""Staff accounts in SQL (table, mapping, repository)."""
