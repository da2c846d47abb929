"""JSON output: a list of findings, hadolint-compatible at the top level.

Each object has hadolint's keys (``file``, ``line``, ``column``, ``level``, ``code``, ``message``)
so that editor plugins written for ``hadolint -f json`` work, followed by docklint's own:
``end_line``, ``end_column`` (exclusive), ``rule`` (the slug), ``severity`` (= ``level``),
``related`` and, when the finding has one, ``fix``. A rule's findings in one instruction are one
finding: the other places are its ``related`` entries marked ``"occurrence": true``, each with
its own message and, where it has one, its own ``fix`` (the finding's ``fix`` applies them all). Positions are 1-based, columns count code
points. The list is indented by two spaces; an empty run prints ``[]``.
"""

from __future__ import annotations

TYPE_CHECKING = False   # typing.TYPE_CHECKING without importing typing (3 ms of each start)
if TYPE_CHECKING:
    from typing import Any, Sequence

from . import finding_path, json_report

if TYPE_CHECKING:  # pragma: no cover
    from ..engine import FileResult
    from ..rule import Finding, Fix, Rule
    from ..source import Source


def render(results: Sequence[FileResult], rules: Sequence[Rule], *, color: bool,
           show_source: bool, version: str, base_dir: str | None) -> str:
    items = [finding_to_dict(finding, result.source, finding_path(result, finding))
             for result in results if result.error is None
             for finding in result.findings]
    return json_report(items)


def finding_to_dict(finding: Finding, source: Source | None, path: str) -> dict[str, Any]:
    level = finding.level.label
    item: dict[str, Any] = {
        "file": path,
        "line": finding.line,
        "column": finding.column,
        "level": level,
        "code": finding.code,
        "message": finding.message,
        "end_line": finding.end_line,
        "end_column": finding.end_column,
        "rule": finding.slug,
        "severity": level,
        "related": [_related(rel, pos, source)
                    for rel, pos in zip(finding.related, finding.related_positions)],
    }
    if finding.fix is not None:
        item["fix"] = fix_to_dict(finding.fix, source)
    return item


def _related(rel, pos: tuple, source: Source | None) -> dict[str, Any]:
    line, column, end_line, end_column, message = pos
    out: dict[str, Any] = {"line": line, "column": column, "end_line": end_line,
                           "end_column": end_column, "message": message}
    if rel.occurrence:
        out["occurrence"] = True
        if rel.fix is not None:
            out["fix"] = fix_to_dict(rel.fix, source)
    return out


def fix_to_dict(fix: Fix, source: Source | None) -> dict[str, Any]:
    edits = []
    for edit in fix.edits:
        entry: dict[str, Any] = {}
        if source is not None:
            # Exact positions of both ends (not Source.range, which pulls an end that follows a
            # newline back onto the covered line: right for display, wrong for replacing text).
            line, column = source.position(edit.span.start)
            end_line, end_column = source.position(edit.span.end)
            entry.update(line=line, column=column, end_line=end_line, end_column=end_column)
        entry.update(text=edit.text, start_offset=edit.span.start, end_offset=edit.span.end)
        edits.append(entry)
    return {"message": fix.message, "safe": fix.safe, "edits": edits}
