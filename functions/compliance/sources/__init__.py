"""The compliance checks' views of the other areas: one module per area read, each through that area's own
adapter (its keys stay its own)."""
