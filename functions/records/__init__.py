"""Patient records: demographics, contacts and family, coverage, consent, care team; FHIR export."""
