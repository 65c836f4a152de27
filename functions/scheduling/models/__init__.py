"""The scheduling area's shapes, one module per concern."""
