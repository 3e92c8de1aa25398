"""Adapters: implementations of `lia_core.ports` (SQL stores, clocks, hashing, in-memory fakes)."""
