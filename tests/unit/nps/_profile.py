"""The fixed Hypothesis settings every NPS property runs with (deterministic, enough examples)."""

from __future__ import annotations

from hypothesis import HealthCheck, settings

PROPERTIES = settings(
    max_examples=200,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
"""Derandomized so CI and a laptop see the same examples; no deadline on a slow runner."""
