"""The compliance area's ports, one module per concern."""
