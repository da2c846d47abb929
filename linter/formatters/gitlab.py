"""GitLab Code Quality (a subset of the Code Climate issue format), shown in merge requests::

    [{"description": "DK101: message", "check_name": "DK101", "fingerprint": "9f86d0...",
      "severity": "critical",
      "location": {"path": "svc/Dockerfile", "lines": {"begin": 3, "end": 4}}}]

* ``severity``: docklint's ``error`` (the build or the image is broken) is ``critical``,
  ``warning`` is ``major``, ``info`` (style and hints) is ``minor``. GitLab's ``blocker`` and
  ``info`` are not used: nothing docklint finds should block more than an error does, and every
  finding is actionable.
* ``description`` is the message prefixed with the rule code, because the merge request widget
  shows the description alone.
* ``location.path`` is relative to ``base_dir`` (default: the current directory, the project
  directory in a GitLab job) with ``/`` separators, because GitLab matches repository-relative
  paths; a path outside it is written as given. Lines are 1-based and inclusive.
* ``fingerprint`` identifies the finding across pipelines so that GitLab can tell new findings
  from old ones: the SHA-256 (hex) of the path, the code, the trimmed text of the finding's first
  line and n, where n counts earlier findings of this run with the same three values (1 for the
  first). Moving unrelated lines, or the finding's own line, does not change it; editing that
  line does.
* Files that could not be read are left to the CLI, which reports them on stderr. An empty run
  prints ``[]``.
"""

from __future__ import annotations

import hashlib
import os
TYPE_CHECKING = False   # typing.TYPE_CHECKING without importing typing (3 ms of each start)
if TYPE_CHECKING:
    from typing import Any, Sequence

from ..rule import Severity
from . import finding_path, json_report, line_text, relative_to_base

if TYPE_CHECKING:  # pragma: no cover
    from ..engine import FileResult
    from ..rule import Rule

SEVERITIES = {Severity.ERROR: "critical", Severity.WARNING: "major", Severity.INFO: "minor"}


def render(results: Sequence[FileResult], rules: Sequence[Rule], *, color: bool,
           show_source: bool, version: str, base_dir: str | None) -> str:
    issues: list[dict[str, Any]] = []
    seen: dict[tuple[str, str, str], int] = {}
    for result in results:
        if result.error is not None:
            continue
        for finding in result.findings:
            path = finding_path(result, finding)
            if path != "-":
                path = relative_to_base(path, base_dir) or path.replace(os.sep, "/")
            key = (path, finding.code, line_text(result, finding))
            seen[key] = seen.get(key, 0) + 1
            begin = max(finding.line, 1)
            issues.append({
                "description": f"{finding.code}: {finding.message}",
                "check_name": finding.code,
                "fingerprint": fingerprint(*key, seen[key]),
                "severity": SEVERITIES.get(finding.level, "major"),
                "location": {"path": path,
                             "lines": {"begin": begin, "end": max(finding.end_line, begin)}},
            })
    return json_report(issues)


def fingerprint(path: str, code: str, text: str, occurrence: int) -> str:
    data = "\0".join((path, code, text, str(occurrence)))
    return hashlib.sha256(data.encode("utf-8", "surrogatepass")).hexdigest()
