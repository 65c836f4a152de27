"""Contract tests: one behaviour suite per port, run against the in-memory fake and the DynamoDB adapter on moto."""
