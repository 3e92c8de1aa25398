"""The ticket desk in production: the desk policy (rules, SLA policies, calendar) and its use."""
