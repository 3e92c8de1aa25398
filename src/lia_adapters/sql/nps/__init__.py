"""NPS storage (revision 0016): surveys sent and the answers with their follow-ups."""
