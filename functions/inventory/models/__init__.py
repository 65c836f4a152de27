"""Inventory's models, one module per concern."""
