"""The CDK app and the catalogue it (and the local cloud) is built from."""
