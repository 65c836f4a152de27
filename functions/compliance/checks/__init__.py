"""The daily compliance checks: one small rule module each (`Check`, checks/base.py). The checks the daily run runs
are listed by `functions.compliance.wiring.compliance_checks()`."""
