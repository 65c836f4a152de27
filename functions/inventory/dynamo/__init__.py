"""DynamoDB adapters of the inventory ports."""
