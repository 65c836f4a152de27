"""pyx12 as the judge of an X12 file: every error it reports, flattened. Its boolean (and its x12valid
exit code) are not trusted alone: the error report is what counts."""

import io
import json

import pyx12.params
import pyx12.x12n_document


def _collect(node: dict, where: str, found: list[str]) -> None:
    for error in node.get("errors", []):
        found.append(f"{where}: {error.get('err_cde')} {error.get('err_str')}")
    for key in ("interchanges", "groups", "transactions"):
        for child in node.get(key, []):
            _collect(child, key[:-1], found)
    for segment in node.get("segments", []):
        label = f"{segment.get('seg_id')}#{segment.get('seg_count')}"
        for error in segment.get("errors", []):
            found.append(f"{label}: {error.get('err_cde')} {error.get('err_str')} ({error.get('err_val')})")
        for element in segment.get("elements", []):
            for error in element.get("errors", []):
                found.append(f"{label} {element.get('name')}: {error.get('err_cde')} {error.get('err_str')}")


def pyx12_errors(document: str) -> list[str]:
    """The errors pyx12 reports for `document` (an empty list: it accepts the file)."""
    params = pyx12.params.params()
    report = io.StringIO()
    valid = pyx12.x12n_document.x12n_document(params, io.StringIO(document), fd_997=None, fd_html=None,
                                              fd_json=report)
    found: list[str] = []
    if report.getvalue():
        _collect(json.loads(report.getvalue()), "root", found)
    if not valid and not found:
        found.append("pyx12 refused the file without a detailed error")
    return found
