"""SQL storage of the agents' replies: canned responses."""
