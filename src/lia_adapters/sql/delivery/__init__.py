"""Delivery in SQL: the outbox and its claim, dead letters, their audit, failure notices."""
