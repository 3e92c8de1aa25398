"""SQL agent profiles, assignments (the department queues) and offers (revision 0010)."""
