"""parse -> model -> enabled rules -> stamp -> suppress -> sort.

The engine owns policy: which rules run, with which options and severities, which findings a
pragma silences, and the positions every finding reports. Rules only look at the model.
"""

from __future__ import annotations

import bisect
import os
from dataclasses import dataclass, field, replace
from typing import Any, Mapping

from .model import Dockerfile, build
from .parse import Parsed, parse
from .registry import resolve
from .rule import SUBCODES_OFF, Edit, Finding, Fix, Related, Rule, Severity
from .source import Source, Span, decode_bytes
from . import suppress as _suppress
from .syntax import ParseError

__all__ = ["FileResult", "Settings", "lint_text", "lint_bytes", "lint_file", "select_rules",
           "MAX_FILE_BYTES"]

MAX_FILE_BYTES = 10 * 1024 * 1024
PRAGMA_CODE = _suppress.PRAGMA_CODE      # invalid-pragma: never silenced
UNUSED_CODE = _suppress.UNUSED_CODE      # unused-suppression: made here, after filtering


@dataclass
class FileResult:
    """What linting one file produced.

    ``path`` is the path as reported to the user (as given on the command line, or the
    ``--stdin-filename``; ``-`` for anonymous stdin). ``source`` is None when the file could not be
    read; then ``error`` holds a one-line message and ``findings`` is empty. ``internal`` lists
    rules that crashed (a docklint bug, reported on stderr).
    """

    path: str
    findings: list[Finding] = field(default_factory=list)
    source: Source | None = None
    error: str | None = None
    internal: list[str] = field(default_factory=list)
    dockerfile: Dockerfile | None = None


@dataclass
class Settings:
    """Everything that decides how one file is linted."""

    select: list[str] | None = None          # None: the default rule set
    ignore: list[str] = field(default_factory=list)
    severity: Mapping[str, str] = field(default_factory=dict)      # selector -> severity
    options: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)  # code -> options
    build_args: Mapping[str, str] = field(default_factory=dict)
    target: str | None = None
    context: str | None = None               # build context dir; None: the Dockerfile's dir
    allow_pragmas: bool = True
    max_file_bytes: int = MAX_FILE_BYTES
    preview: bool = False                    # run rules whose status is "preview"


def select_rules(settings: Settings) -> list[Rule]:
    """The rules a run uses: defaults (or ``select``) minus ``ignore``. Raises UnknownRule."""
    from .registry import all_rules
    if settings.select is None:
        chosen = {r.code: r for r in all_rules() if r.default_enabled}
    else:
        chosen = {}
        for sel in settings.select:
            for r in resolve(sel):
                chosen[r.code] = r
    # rules in preview run only when asked for: with preview on, or selected by exact name
    named = {s.strip().lower() for s in settings.select or ()}
    for code, r in list(chosen.items()):
        if r.status == "preview" and not settings.preview and \
                not named & {r.code.lower(), r.slug.lower()}:
            del chosen[code]
    from .registry import subcode_owner
    for sel in settings.ignore:
        if subcode_owner(sel) is not None:
            continue            # one sub-code: filtered from the rule's findings, not the rule
        for r in resolve(sel):
            chosen.pop(r.code, None)
    return sorted(chosen.values(), key=lambda r: r.code)


def _severities(settings: Settings) -> dict[str, Severity]:
    out: dict[str, Severity] = {}
    for sel, value in settings.severity.items():
        sev = Severity.parse(value)
        for r in resolve(sel):
            out[r.code] = sev
    return out


def lint_file(path: str, settings: Settings, rules: list[Rule] | None = None,
              display: str | None = None) -> FileResult:
    """Read and lint one file; I/O problems become ``FileResult.error``."""
    shown = display or path
    try:
        if os.path.isdir(path):
            return FileResult(shown, error=f"{shown}: is a directory")
        st = os.stat(path)
        import stat as _stat
        if not _stat.S_ISREG(st.st_mode):
            return FileResult(shown, error=f"{shown}: not a regular file")
        if st.st_size > settings.max_file_bytes:
            return _too_big(shown, st.st_size, settings, rules)
        with open(path, "rb") as fh:
            data = fh.read(settings.max_file_bytes + 1)
    except FileNotFoundError:
        kind = "broken symlink" if os.path.islink(path) else "no such file"
        return FileResult(shown, error=f"{shown}: {kind}")
    except PermissionError:
        return FileResult(shown, error=f"{shown}: permission denied")
    except OSError as exc:
        return FileResult(shown, error=f"{shown}: {exc.strerror or exc}")
    if len(data) > settings.max_file_bytes:
        return _too_big(shown, len(data), settings, rules)
    context = settings.context or os.path.dirname(os.path.abspath(path))
    return lint_bytes(data, shown, settings, rules, context=context)


def _too_big(shown: str, size: int, settings: Settings, rules: list[Rule] | None) -> FileResult:
    message = (f"file is {size} bytes, over the {settings.max_file_bytes}-byte limit; "
               "not linted (raise max-file-size to lint it)")
    return lint_bytes(b"", shown, settings, rules, fatal=message)


def lint_bytes(data: bytes, path: str, settings: Settings, rules: list[Rule] | None = None,
               *, context: str | None = None, fatal: str | None = None) -> FileResult:
    """Lint a Dockerfile's bytes."""
    decoded = decode_bytes(data)
    fatal = fatal or decoded.fatal
    source = Source("" if fatal else decoded.text, path, bom=decoded.bom,
                    encoding=decoded.encoding)
    if fatal:
        parsed = Parsed(source=source, errors=[ParseError(fatal, Span(0, 0))])
    else:
        parsed = parse(source)
    df = build(source, build_args=settings.build_args, target=settings.target,
               context=context if not fatal else None, parsed=parsed)
    df.encoding_problems = list(decoded.problems) if not fatal else []
    return _run(df, settings, rules)


def lint_text(text: str, path: str = "Dockerfile", settings: Settings | None = None,
              rules: list[Rule] | None = None, context: str | None = None) -> FileResult:
    """Lint Dockerfile text (already decoded)."""
    settings = settings or Settings()
    source = Source(text, path)
    df = build(source, build_args=settings.build_args, target=settings.target,
               context=context or settings.context)
    return _run(df, settings, rules)


def _run(df: Dockerfile, settings: Settings, rules: list[Rule] | None) -> FileResult:
    source = df.source
    result = FileResult(source.path or "-", source=source, dockerfile=df)
    if df.target_error:
        result.error = f"{result.path}: {df.target_error}"
        return result
    rules = select_rules(settings) if rules is None else rules
    severities = _severities(settings)
    raw: list[tuple[Rule, Finding]] = []
    sub_off: dict[str, set[str]] = {}       # rule code -> its sub-codes that are off
    for r in rules:
        options = r.default_options()
        options.update(settings.options.get(r.code, {}))
        if r.subcodes and options.get(SUBCODES_OFF):
            sub_off[r.code] = {str(c).strip().upper() for c in options[SUBCODES_OFF]}
        try:
            for f in r.check(df, options):
                raw.append((r, f))
        except Exception as exc:  # a rule bug must not take the whole run down
            result.internal.append(f"{result.path}: internal error in rule {r.code} "
                                   f"({r.slug}): {type(exc).__name__}: {exc}")
    # suppressions: pragmas, the file's `# check=` directive, BUILDKIT_DOCKERFILE_CHECK
    sup = _suppress.suppressions(df) \
        if df.comments or _suppress.CHECK_BUILD_ARG in df.build_args else None
    active = sup.active(settings.allow_pragmas) if sup else None
    check_error = bool(sup and sup.error)       # `check=error=true`: BuildKit checks fail
    unused_rule = next((r for r in rules if r.code == UNUSED_CODE), None)
    judge = unused_rule is not None and settings.allow_pragmas and bool(active)
    sub_select, sub_ignore, sub_named = _subcode_filters(settings)
    kept: list[tuple[Rule, Finding]] = []
    for r, f in raw:
        sub = f.code.upper() if r.subcodes and f.code else ""
        # matched before the sub-code filters so that DK002 judges pragmas on what rules report
        silenced = active.matching(r, sub, f.span) if active else []
        if sub and (sub in sub_ignore or (r.code in sub_select and
                                          sub not in sub_select[r.code]) or
                    (sub in sub_off.get(r.code, ()) and sub not in sub_named)):
            continue
        if silenced:
            continue
        kept.append((r, f))
    findings: list[Finding] = []
    for r, f in _merge(df, kept):
        # `check=error=true`: a check BuildKit runs here fails the build (an experimental one
        # only where `experimental=` enables it)
        override = Severity.ERROR if check_error and sup is not None and \
            sup.fails_build(r, f.span) else severities.get(r.code)
        findings.append(_stamp(source, r, f, override))
    if judge:
        assert active is not None and unused_rule is not None
        crashed = _judge_unused(df, settings, rules, active)
        crashed |= {r.code for r in rules
                    if any(f" rule {r.code} ({r.slug}):" in m for m in result.internal)}
        options = unused_rule.default_options()
        options.update(settings.options.get(UNUSED_CODE, {}))
        forms = ("docklint", "hadolint", "check") if options.get("peer-pragmas", True) \
            else ("docklint",)
        for span, message in active.unused(ignore={UNUSED_CODE, *crashed}, forms=forms):
            f = Finding(span, message)
            if not active.matching(unused_rule, "", span):
                findings.append(_stamp(source, unused_rule, f, severities.get(UNUSED_CODE)))
    findings.sort(key=Finding.sort_key)
    result.findings = findings
    return result


def _merge(df: Dockerfile, found: list[tuple[Rule, Finding]]) -> list[tuple[Rule, Finding]]:
    """One problem, one finding: a rule's findings (of one sub-code) in one instruction, or in
    the whole file for a rule grouped per file, become one finding at the first of them, the
    others kept as related occurrences with their own message and fix (see :attr:`Rule.group`).
    Pragmas have already been applied to each, so a suppression still works word by word."""
    starts = [ins.span.start for ins in df.instructions]
    groups: dict[tuple, list[Finding]] = {}
    rules: dict[tuple, Rule] = {}
    for r, f in found:
        if r.group == "none":
            unit: object = id(f)
        elif r.group == "file":
            unit = "file"
        else:
            k = bisect.bisect_right(starts, f.span.start) - 1
            inside = k >= 0 and f.span.start <= df.instructions[k].span.end
            unit = k if inside else ("at", f.span.start)
        key = (r.code, f.code.upper() if r.subcodes else "", unit)
        groups.setdefault(key, []).append(f)
        rules[key] = r
    out = []
    for key, members in groups.items():
        r = rules[key]
        out.append((r, members[0] if len(members) == 1 else _merged(df, r, members)))
    return out


def _merged(df: Dockerfile, r: Rule, members: list[Finding]) -> Finding:
    members = sorted(members, key=lambda f: (f.span.start, f.span.end))
    first = members[0]
    labels = [_label(df, f, first) for f in members]
    if r.group_message:
        message = r.group_message.format(count=len(members), labels=_joined(labels),
                                         message=first.message)
    elif all(f.span == first.span for f in members):
        message = "; ".join(f.message for f in members)      # several problems at one place
    else:
        where = "in this file" if r.group == "file" else "in this instruction"
        message = f"{first.message} ({len(members) - 1} more {where}: {_joined(labels[1:])})"
    related = tuple(Related(f.span, f.message, fix=f.fix, occurrence=True) for f in members[1:])
    related += tuple(rel for f in members for rel in f.related)
    severities = [f.severity for f in members if f.severity is not None]
    return replace(first, message=message, related=related, fix=_merged_fix(members),
                   severity=max(severities) if severities else None, label="")


def _merged_fix(members: list[Finding]) -> Fix | None:
    """The fixes of merged findings as one (edits that overlap an earlier one are left out)."""
    fixes = [f.fix for f in members if f.fix is not None and f.fix.edits]
    if len(fixes) <= 1:
        return fixes[0] if fixes else None
    edits: list[Edit] = []
    for fix in fixes:
        if all(e.span.end <= o.span.start or o.span.end <= e.span.start or
               (e.span == o.span and e.text == o.text) for e in fix.edits for o in edits):
            edits += [e for e in fix.edits if e not in edits]
    messages = list(dict.fromkeys(fix.message for fix in fixes))
    if len(messages) == 1:
        message = f"{messages[0]} ({len(fixes)} places)"
    else:
        more = f"; and {len(messages) - 3} more" if len(messages) > 3 else ""
        message = "; ".join(messages[:3]) + more
    return Fix(message, tuple(sorted(edits, key=lambda e: e.span.start)),
               safe=all(fix.safe for fix in fixes))


_MAX_LABELS = 8


def _label(df: Dockerfile, f: Finding, first: Finding) -> str:
    """What a merged finding's message calls one of its places: the rule's label, else the
    text there (the message, when several problems share the first one's place)."""
    if f.label:
        return f.label
    text = f.message if f.span == first.span else df.source.text[f.span.start:f.span.end]
    text = " ".join(text.split())
    return text if len(text) <= 40 else text[:39] + "…"


def _joined(labels: list[str]) -> str:
    """`a`, `b` and `c` (at most eight, then how many more)."""
    shown = [f"`{x}`" for x in labels[:_MAX_LABELS]]
    if len(labels) > _MAX_LABELS:
        shown.append(f"{len(labels) - _MAX_LABELS} more")
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]


def _judge_unused(df: Dockerfile, settings: Settings, rules: list[Rule],
                  active: "_suppress.Active") -> set[str]:
    """For DK002: run the rules that pragmas name but this run did not select, so that a
    pragma is judged on what its rules report, whatever the configuration turns on. Their
    findings only mark pragmas as used; they are not reported. Returns the codes of those that
    crashed (pragmas naming them are not judged)."""
    from .registry import all_rules, subcode_owner
    ran = {r.code for r in rules}
    wanted: set[str] = set()
    for code in active.codes(judged_only=True):
        owner = subcode_owner(code) if not code.startswith("DK") else None
        wanted.add(owner.code if owner is not None else code)
    wanted -= ran | {PRAGMA_CODE, UNUSED_CODE}
    crashed: set[str] = set()
    for r in all_rules():
        if r.code not in wanted:
            continue
        options = r.default_options()
        options.update(settings.options.get(r.code, {}))
        try:
            for f in r.check(df, options):
                active.matching(r, f.code.upper() if r.subcodes and f.code else "", f.span)
        except Exception:
            crashed.add(r.code)
    return crashed


def _subcode_filters(settings: Settings
                     ) -> tuple[dict[str, set[str]], set[str], set[str]]:
    """Sub-codes (``SC2086``) named in ``select`` (rule code -> the only sub-codes to report,
    when the rule itself is not selected), in ``ignore`` (sub-codes never reported), and every
    sub-code ``select`` names (reported even when its rule has it off by default)."""
    from .registry import subcode_owner
    select: dict[str, set[str]] = {}
    whole: set[str] = set()
    named: set[str] = set()
    for sel in settings.select or ():
        owner = subcode_owner(sel)
        if owner is not None:
            select.setdefault(owner.code, set()).add(sel.strip().upper())
            named.add(sel.strip().upper())
        else:
            whole.update(r.code for r in _safe_resolve(sel))
    for code in whole:
        select.pop(code, None)
    ignore = {sel.strip().upper() for sel in settings.ignore if subcode_owner(sel) is not None}
    return select, ignore, named


def _safe_resolve(selector: str) -> list[Rule]:
    try:
        return resolve(selector)
    except Exception:
        return []


def _one_line(message: str) -> str:
    """A message on one line: text quoted from the Dockerfile may hold line breaks, which would
    split a gnu or github report line in two; they are shown escaped."""
    if "\n" in message or "\r" in message:
        return message.replace("\r", "\\r").replace("\n", "\\n")
    return message


def _stamp(source: Source, r: Rule, f: Finding, override: Severity | None) -> Finding:
    span = f.span
    n = len(source.text)
    if span.start > n or span.end > n:
        span = Span(min(span.start, n), min(span.end, n))
    line, col, end_line, end_col = source.range(span)
    rels = tuple(rel if _one_line(rel.message) == rel.message else
                 replace(rel, message=_one_line(rel.message)) for rel in f.related)
    related = tuple((*source.range(rel.span), rel.message) for rel in rels)
    sub = r.subcodes and f.code
    return replace(f, span=span, message=_one_line(f.message), related=rels,
                   code=f.code.upper() if sub else r.code,
                   slug=(f.slug or r.slug) if sub else r.slug,
                   severity=override or f.severity or r.severity, path=source.path or "-",
                   line=line, column=col, end_line=end_line, end_column=end_col,
                   related_positions=related)

