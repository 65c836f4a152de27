"""The compliance area's DynamoDB adapters, one module per store: the only code that knows their keys."""
