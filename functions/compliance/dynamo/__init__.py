"""The compliance area's DynamoDB adapters, one module per concern; keys stay inside them."""
