"""GitHub Actions workflow commands, which GitHub turns into annotations on the diff::

    ::error file=Dockerfile,line=3,col=5,endLine=3,endColumn=12,title=DK101 (slug)::message

Severities map to ``error``, ``warning`` and ``notice``. File paths are made relative to
``base_dir`` (default: the current directory, the workspace in a GitHub job) when they lie inside
it, because GitHub matches annotations to repository-relative paths. GitHub accepts columns only
on single-line annotations, so a multi-line finding gets lines only.
"""

from __future__ import annotations

import os
TYPE_CHECKING = False   # typing.TYPE_CHECKING without importing typing (3 ms of each start)
if TYPE_CHECKING:
    from typing import Sequence

from ..rule import Severity
from . import finding_path, printable, relative_to_base

if TYPE_CHECKING:  # pragma: no cover
    from ..engine import FileResult
    from ..rule import Finding, Rule

COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    """Escape the message part of a workflow command: GitHub's own escapes for ``%`` and line
    breaks (so that no text can start a line, and a new command, of its own), then the other
    control and bidi characters shown escaped (``\\x1b``), which GitHub has no escape for."""
    return printable(text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


def escape_property(text: str) -> str:
    """Escape a property value of a workflow command (``:`` and ``,`` too)."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render(results: Sequence[FileResult], rules: Sequence[Rule], *, color: bool,
           show_source: bool, version: str, base_dir: str | None) -> str:
    out: list[str] = []
    for result in results:
        if result.error is not None:
            continue
        for finding in result.findings:
            out.append(annotation(finding, finding_path(result, finding), base_dir) + "\n")
    return "".join(out)


def annotation(finding: Finding, path: str, base_dir: str | None) -> str:
    props: list[tuple[str, str]] = []
    if path and path != "-":  # anonymous stdin has no file to annotate
        props.append(("file", relative_to_base(path, base_dir) or path.replace(os.sep, "/")))
    if finding.line >= 1:
        props.append(("line", str(finding.line)))
        single_line = finding.end_line in (0, finding.line)
        if single_line and finding.column >= 1:
            props.append(("col", str(finding.column)))
        if finding.end_line >= 1:
            props.append(("endLine", str(finding.end_line)))
        if single_line and finding.end_column >= 1:
            props.append(("endColumn", str(finding.end_column)))
    title = f"{finding.code} ({finding.slug})" if finding.slug else finding.code
    if title:
        props.append(("title", title))
    command = COMMANDS.get(finding.level, "warning")
    rendered = ",".join(f"{key}={escape_property(value)}" for key, value in props)
    return f"::{command} {rendered}::{escape_data(finding.message)}" if rendered else \
        f"::{command}::{escape_data(finding.message)}"
