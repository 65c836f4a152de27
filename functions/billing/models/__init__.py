"""Billing's pydantic shapes, one module per concern (import from the module, not from here)."""
