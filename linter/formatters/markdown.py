"""A Markdown report for people, on GitHub or GitLab: a job summary, a pull-request comment.

- a heading and the totals by severity;
- a table of findings: the place (``file:line``, a link into the repository when ``link_base``
  is given: ``https://github.com/OWNER/REPO/blob/SHA`` makes ``.../Dockerfile#L12``), the rule
  (its code, linking to its documentation), the severity and the message;
- each finding's notes and other places (``= note`` and ``= also at`` in the text output)
  folded under a ``<details>`` element after the table;
- for every file with more than one stage, its stage graph as a Mermaid block, the target and
  the stages a finding points at highlighted;
- at most ``MAX_BYTES`` bytes (GitHub refuses a job summary over 1 MiB): when the findings do not
  fit, the report stops at a finding and a line says how many were left out.

Everything that comes from a Dockerfile (messages quote it: labels, paths, image names) is
escaped for Markdown, so that a backtick, a pipe, ``<script>`` or a line break in a ``LABEL``
can neither break the table nor inject HTML: the characters that make inline markup (backslash,
backtick, ``*``, ``_``, brackets, ``|``, ``~``) are backslash-escaped and ``<``, ``>`` and ``&``
become character references (and ``@`` and ``#`` are followed by a zero-width space: a
LABEL's ``@octocat`` must not notify anyone, nor ``#12`` link an issue); inside the Mermaid block, labels are
escaped with Mermaid's own entity codes.
"""

from __future__ import annotations

import re
TYPE_CHECKING = False   # typing.TYPE_CHECKING without importing typing (3 ms of each start)
if TYPE_CHECKING:
    from typing import Sequence
from urllib.parse import quote

from ..rule import Severity
from . import finding_path, printable, relative_to_base

if TYPE_CHECKING:  # pragma: no cover
    from ..engine import FileResult
    from ..rule import Finding, Rule

#: the largest report written (GitHub's limit for a step summary is 1 MiB)
MAX_BYTES = 1_000_000
_ICONS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "info"}
# inside a line (a table cell never starts one), only these start or end markup
_SPECIAL = re.compile(r"([\\`*_\[\]|~])")


def escape(text: str) -> str:
    """``text`` as inline Markdown that shows exactly these characters: no markup, no HTML, no
    table cell boundary, one line."""
    text = printable(" ".join(text.split()))
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    # `@name` would notify a GitHub user and `#12` link an issue from a pull-request comment;
    # GitHub finds them in the rendered text, so a character reference would not stop it: a
    # zero-width space after the sign does
    text = text.replace("#", "#&#8203;").replace("@", "@&#8203;")
    return _SPECIAL.sub(r"\\\1", text)


def _mermaid_label(text: str) -> str:
    return (text.replace("&", "#amp;").replace('"', "#quot;").replace("<", "#lt;")
            .replace(">", "#gt;").replace("`", "#96;"))


def _place(path: str, line: int, link_base: str | None, base_dir: str | None) -> str:
    rel = relative_to_base(path, base_dir) if path and path != "-" else None
    shown = escape(f"{rel or path}:{line}" if line else (rel or path))
    if link_base and rel:
        url = f"{link_base.rstrip('/')}/{quote(rel)}" + (f"#L{line}" if line else "")
        return f"[{shown}]({url})"
    return shown


def _graph(result: FileResult, flagged: set[int]) -> str | None:
    """The file's stage graph as a Mermaid block (None for one stage)."""
    df = result.dockerfile
    if df is None or len([s for s in df.stages if not s.implicit]) < 2:
        return None
    from ..inspect import graph_mermaid
    text = graph_mermaid(df, label=_mermaid_label, flagged=flagged)
    return "```mermaid\n" + text + "```"


def _stages_hit(result: FileResult) -> set[int]:
    """The stages the findings of ``result`` point into."""
    df = result.dockerfile
    if df is None:
        return set()
    bounds = []
    for s in df.stages:
        if s.from_ is None:
            continue
        last = s.instructions[-1] if s.instructions else s.from_
        bounds.append((s.from_.span.start, max(last.span.end, s.from_.span.end), s.index))
    return {index for f in result.findings for start, end, index in bounds
            if start <= f.span.start <= end}


def render(results: Sequence[FileResult], rules: Sequence[Rule], *, color: bool,
           show_source: bool, version: str, base_dir: str | None,
           link_base: str | None = None) -> str:
    findings = [(r, f) for r in results if r.error is None for f in r.findings]
    counts = {sev: sum(1 for _, f in findings if f.level == sev) for sev in Severity}
    files = sum(1 for r in results if r.error is None)
    unread = [r for r in results if r.error is not None]
    out = [f"## docklint{' ' + escape(version) if version else ''}", ""]
    if findings:
        parts = [f"{counts[s]} {_ICONS[s]}{'s' if counts[s] != 1 and s != Severity.INFO else ''}"
                 for s in sorted(Severity, key=lambda s: -s.value) if counts[s]]
        out.append(f"**{len(findings)} finding{'s' if len(findings) != 1 else ''}** "
                   f"({', '.join(parts)}) in {files} file{'s' if files != 1 else ''}.")
    else:
        out.append(f"No findings in {files} file{'s' if files != 1 else ''}.")
    if unread:
        out.append("")
        out.append(f"{len(unread)} file{'s' if len(unread) != 1 else ''} could not be linted:")
        for r in unread:
            out.append(f"- {escape(r.error or r.path)}")
    tail: list[str] = []
    if findings:
        out += ["", "| Where | Rule | Severity | Message |", "|---|---|---|---|"]
        by_code = {r.code: r for r in rules}
        size = sum(len(x) + 1 for x in out)
        details: list[str] = []
        shown = 0
        for result, f in findings:
            rule = by_code.get(f.code) or next((r for r in rules if r.owns_subcode(f.code)),
                                               None)
            code = escape(f.code)
            if rule is not None:
                code = f"[{code}]({rule.help_uri})"
            where = _place(finding_path(result, f), f.line, link_base, base_dir)
            row = f"| {where} | {code} | {f.level.label} | {escape(f.message)} |"
            extra = _details(result, f, link_base, base_dir)
            cost = len(row) + 1 + sum(len(x) + 1 for x in extra)
            if size + cost > MAX_BYTES - 400:
                break
            out.append(row)
            details += extra
            size += cost
            shown += 1
        if shown < len(findings):
            left = len(findings) - shown
            out += ["", f"_The report stops here: {left} more finding{'s' if left != 1 else ''} "
                    f"{'were' if left != 1 else 'was'} left out to stay under "
                    f"{MAX_BYTES // 1000} kB; run docklint with another format for all of "
                    "them._"]
        if details:
            out += ["", "<details><summary>Notes and other places</summary>", "", *details, "",
                    "</details>"]
        complete = shown == len(findings)
    else:
        size, complete = sum(len(x) + 1 for x in out), True
    if complete:                # graphs only when every finding made it in
        for result in results:
            if result.error is not None:
                continue
            graph = _graph(result, _stages_hit(result))
            if graph is not None and size + len(graph) < MAX_BYTES - 400:
                title = _place(result.path, 0, link_base, base_dir)
                tail += ["", f"**Stages of {title}** (the target with a thick border, "
                         "stages with findings outlined in red):", "", graph]
                size += len(graph) + 100
    return "\n".join(out + tail) + "\n"


def _details(result: FileResult, f: Finding, link_base: str | None,
             base_dir: str | None) -> list[str]:
    lines = []
    path = finding_path(result, f)
    for rel, (line, _column, _end_line, _end_column, message) in zip(f.related,
                                                                    f.related_positions):
        what = "also" if rel.occurrence else "note"
        lines.append(f"- {escape(f.code)} at {_place(path, f.line, link_base, base_dir)}: "
                     f"{what} at line {line}: {escape(message)}")
    if f.fix is not None:
        lines.append(f"- {escape(f.code)} at {_place(path, f.line, link_base, base_dir)}: fix "
                     f"{'(unsafe) ' if not f.fix.safe else ''}{escape(f.fix.message)}")
    return lines
