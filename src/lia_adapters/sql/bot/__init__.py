"""The bot in the live flow: bot sessions and the handoff ledger (revision 0011)."""
