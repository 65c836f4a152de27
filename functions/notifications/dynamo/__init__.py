"""The notifications DynamoDB adapters: messages (log, deliveries, due index) and people (templates,
preferences, inbox, staff). No re-exports here."""
