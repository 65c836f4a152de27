"""The records area's shapes, one module per concern: patients, coverage, consent. Import from those."""
