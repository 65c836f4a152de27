"""The compliance area's shapes, one module per concern (no re-exports here)."""
