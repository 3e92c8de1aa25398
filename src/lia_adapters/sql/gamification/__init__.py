"""SQL gamification store (revision 0017)."""
