"""In-memory fakes of every port, one module per area. Each keeps state like the real adapter, and
tests/contract runs the same behaviour suite against the fake and the DynamoDB adapter, so they cannot drift."""
