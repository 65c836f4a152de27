"""The compliance area's DynamoDB adapters, one module per concern: the only code that knows their keys."""
