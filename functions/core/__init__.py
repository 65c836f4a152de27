"""Building blocks every area shares: settings, table access, auth, audit, events, the API factory."""
