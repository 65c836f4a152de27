"""The compliance area's pydantic shapes, one module per concern (no re-exports here)."""
