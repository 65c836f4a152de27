"""Inventory's DynamoDB adapters: the only place that knows its keys, indexes and conditions."""
