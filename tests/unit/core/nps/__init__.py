"""Unit tests of lia_core.nps: categories, exact NPS, eligibility, parsing, gamification."""
