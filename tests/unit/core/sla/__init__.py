"""Tests of the SLA clock (lia_core.sla)."""
