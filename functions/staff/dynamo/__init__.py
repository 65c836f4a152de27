"""The staff area's DynamoDB adapters, one module per port; `keys.py` is the only place keys are spelled."""
