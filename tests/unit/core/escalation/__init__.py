"""Tests of tickets and escalation (lia_core.escalation)."""
