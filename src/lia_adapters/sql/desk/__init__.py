"""The desk's tables and repositories: tickets with their timelines, the desk policy, the audit log."""
