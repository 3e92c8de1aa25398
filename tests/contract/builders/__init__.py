"""Builders shared by the contract suites: valid domain objects and small store helpers, per area."""
