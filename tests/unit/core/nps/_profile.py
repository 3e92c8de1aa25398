"""The Hypothesis settings every NPS property runs with: the project profile, more examples."""

from __future__ import annotations

from hypothesis import settings

PROPERTIES = settings(max_examples=settings().max_examples * 2)
"""Twice the profile's count; the rest (derandomized, no deadline) is the "ci" profile."""
