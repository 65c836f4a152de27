"""The daily compliance checks: one small rule module each (`Check`, checks/base.py). The registry of the checks
the daily run runs lives in `checks/registry.py`."""
