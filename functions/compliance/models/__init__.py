"""The compliance area's models, one module per concern (no re-exports here)."""
