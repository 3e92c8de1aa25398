"""The inbound pipeline in SQL: contacts, conversations, messages both ways, receipts."""
