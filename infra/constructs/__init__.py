"""One construct per concern: data, functions, API, workflows, monitoring."""

import re


def pascal(name: str) -> str:
    """A catalogue name ("verify-audit-chains") as a construct id ("VerifyAuditChains")."""
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[-_ ]", name))
