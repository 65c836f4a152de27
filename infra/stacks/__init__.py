"""One stack per deployable unit."""
