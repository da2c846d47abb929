"""parse -> model -> enabled rules -> stamp -> suppress -> sort.

The engine owns policy: which rules run, with which options and severities, which findings a
pragma silences, and the positions every finding reports. Rules only look at the model.
"""

from __future__ import annotations

import bisect
import os
from docklint.record import record, field, replace
TYPE_CHECKING = False   # typing.TYPE_CHECKING without importing typing (3 ms of each start)
if TYPE_CHECKING:
    from typing import Any, Mapping

from .model import Dockerfile, build
from .parse import Parsed, parse
from .registry import keywords_of, may_fire, resolve, switched_off, text_of
from .rule import (SUBCODES_OFF, CannotCheck, Edit, Finding, Fix, Related, Rule, Severity,
                   printable)
from .source import Source, Span, decode_bytes
from . import suppress as _suppress
from .syntax import ParseError

__all__ = ["FileResult", "Settings", "lint_text", "lint_bytes", "lint_file", "select_rules",
           "load_file", "load_bytes", "lint_model", "prepare_batch", "MAX_FILE_BYTES",
           "BATCH_FILES", "BATCH_CHARS"]

MAX_FILE_BYTES = 10 * 1024 * 1024
PRAGMA_CODE = _suppress.PRAGMA_CODE      # invalid-pragma: never silenced
UNUSED_CODE = _suppress.UNUSED_CODE      # unused-suppression: made here, after filtering
FAILED_CODE = "DK005"                    # rule-failed: made here, never filtered or silenced
_REASON_CHARS = 300                      # of an exception's text quoted in a DK005 message


@record(frozen=True)
class RuleFailure:
    """A rule that could not check a file: it raised (a docklint bug, or a budget such as
    Python's recursion limit hit on hostile input) or gave up (:class:`CannotCheck`). The file
    gets a DK005 finding at ``line``/``column`` (the instruction being checked, else line 1);
    SARIF also lists each failure as a tool execution notification."""

    code: str
    slug: str
    message: str                # "rule DK401 (slug) could not check this RUN: ..."
    line: int = 1
    column: int = 1
    end_line: int = 1
    end_column: int = 1


@record
class FileResult:
    """What linting one file produced.

    ``path`` is the path as reported to the user (as given on the command line, or the
    ``--stdin-filename``; ``-`` for anonymous stdin). ``source`` is None when the file could not be
    read; then ``error`` holds a one-line message and ``findings`` is empty. ``internal`` lists
    rules that crashed (a docklint bug, reported on stderr: exit 2); ``failed`` describes the
    same failures (and the rules that gave up, :class:`CannotCheck`), each of which is also a
    DK005 finding, so that no report looks complete when it is not.
    """

    path: str
    findings: list[Finding] = field(default_factory=list)
    source: Source | None = None
    error: str | None = None
    internal: list[str] = field(default_factory=list)
    dockerfile: Dockerfile | None = None
    failed: list[RuleFailure] = field(default_factory=list)


@record
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
    images: tuple = ()                       # declared base images (docklint.imagedecl)


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
    """Read and lint one file; I/O problems become ``FileResult.error``.

    The file is read through :func:`docklint.reading.read_regular`: a FIFO, a device or a
    directory is refused without being read (a FIFO swapped in after discovery cannot make the
    run hang), and at most ``max_file_bytes + 1`` bytes are read."""
    loaded = load_file(path, settings, display)
    if isinstance(loaded, FileResult):
        return loaded
    return lint_model(loaded, settings, rules)


def load_file(path: str, settings: Settings, display: str | None = None
              ) -> Dockerfile | FileResult:
    """The first half of :func:`lint_file`: read and parse one file and build its model (the
    second half is :func:`lint_model`). A file that cannot be read gives its
    :class:`FileResult` (with ``error`` set); a file over the size limit gives a model whose
    only content is that problem."""
    from .reading import ReadError, TooBig, read_regular
    shown = display or path
    try:
        data = read_regular(path, settings.max_file_bytes, shown=shown)
    except TooBig as exc:
        if exc.size is not None:
            return load_bytes(b"", shown, settings, fatal=_too_big_message(exc.size, settings))
        # it grew while read, or says size 0 (/proc): only "more than the limit" is known
        return load_bytes(b"", shown, settings,
                          fatal=f"file is more than {settings.max_file_bytes} bytes, over the "
                                "limit; not linted (raise max-file-size to lint it)")
    except ReadError as exc:
        return FileResult(shown, error=exc.message)
    context = settings.context or os.path.dirname(os.path.abspath(path))
    return load_bytes(data, shown, settings, context=context)


def _too_big(shown: str, size: int, settings: Settings, rules: list[Rule] | None) -> FileResult:
    return lint_bytes(b"", shown, settings, rules, fatal=_too_big_message(size, settings))


def _too_big_message(size: int, settings: Settings) -> str:
    return (f"file is {size} bytes, over the {settings.max_file_bytes}-byte limit; "
            "not linted (raise max-file-size to lint it)")


def lint_bytes(data: bytes, path: str, settings: Settings, rules: list[Rule] | None = None,
               *, context: str | None = None, fatal: str | None = None) -> FileResult:
    """Lint a Dockerfile's bytes."""
    return lint_model(load_bytes(data, path, settings, context=context, fatal=fatal),
                      settings, rules)


def load_bytes(data: bytes, path: str, settings: Settings, *, context: str | None = None,
               fatal: str | None = None) -> Dockerfile:
    """The model of a Dockerfile's bytes (decoded, parsed, built), for :func:`lint_model`.
    ``fatal``: a problem that stops the file from being linted (it becomes the model's only
    parse error)."""
    decoded = decode_bytes(data)
    fatal = fatal or decoded.fatal
    source = Source("" if fatal else decoded.text, path, bom=decoded.bom,
                    encoding=decoded.encoding)
    if fatal:
        parsed = Parsed(source=source, errors=[ParseError(fatal, Span(0, 0))])
    else:
        parsed = parse(source)
    df = build(source, build_args=settings.build_args, target=settings.target,
               context=context if not fatal else None, parsed=parsed, images=settings.images)
    df.encoding_problems = list(decoded.problems) if not fatal else []
    return df


def lint_text(text: str, path: str = "Dockerfile", settings: Settings | None = None,
              rules: list[Rule] | None = None, context: str | None = None) -> FileResult:
    """Lint Dockerfile text (already decoded)."""
    settings = settings or Settings()
    source = Source(text, path)
    df = build(source, build_args=settings.build_args, target=settings.target,
               context=context or settings.context, images=settings.images)
    return lint_model(df, settings, rules)


# A batch (:func:`prepare_batch`) holds the models of at most BATCH_FILES files, and stops taking
# more once they hold BATCH_CHARS characters of Dockerfile text: a model takes several times
# the memory of its text, so this bounds what a batch keeps alive at once (a file can be up to
# max-file-size, 10 MiB by default). 64 files are enough for the ShellCheck pass to cost a few
# processes for a whole repository rather than one per file.
BATCH_FILES = 64
BATCH_CHARS = 8 << 20


def prepare_batch(models: "list[tuple[Dockerfile, Settings, list[Rule] | None]]") -> None:
    """Before :func:`lint_model` runs on each of ``models`` (``(model, settings, rules)``):
    the work their rules can share, started once for all of them. Today that is the ShellCheck
    pass: the scripts of every file whose rules include DK440 are checked by one ShellCheck
    call (:func:`docklint.rules.dk440_shellcheck.prefetch`), which works while the rules run;
    each file's DK440 finds its results remembered (the first one waits for the pass). Nothing
    is reported here: a script ShellCheck could not check is checked again by its own file's
    DK440, which reports the failure for that file only. A caller that may end before every
    file's DK440 has run ends the pass with :func:`docklint.shellcheck.abandon` (the CLI does;
    otherwise it is ended at interpreter exit)."""
    planned = []
    owner = None
    for df, settings, rules in models:
        if df.target_error:
            continue
        rules = select_rules(settings) if rules is None else rules
        r = next((r for r in rules if r.code == "DK440"), None)
        if r is not None and may_fire(r, keywords_of(df)):      # a file with RUN
            owner = r
            # the options its check will have in lint_model, so that both ask for the same
            planned.append((df, _check_options(r, settings, _subcode_filters(settings)[2],
                                               _judging(settings, rules))[0]))
    if owner is None or not planned:
        return
    import sys
    prefetch = getattr(sys.modules.get(owner.check.__module__), "prefetch", None)
    if prefetch is not None:
        prefetch(planned)


def lint_model(df: Dockerfile, settings: Settings, rules: list[Rule] | None = None
               ) -> FileResult:
    """The second half of :func:`lint_file`: run the rules on a model (:func:`load_file`,
    :func:`load_bytes`) and report what they found."""
    return _run(df, settings, rules)


def _run(df: Dockerfile, settings: Settings, rules: list[Rule] | None) -> FileResult:
    source = df.source
    result = FileResult(source.path or "-", source=source, dockerfile=df)
    if df.target_error:
        result.error = f"{result.path}: {df.target_error}"
        return result
    rules = select_rules(settings) if rules is None else rules
    # `# check=experimental=...`: BuildKit's experimental checks the file turns on
    rules = _suppress.with_experimental(df, settings, rules)
    severities = _severities(settings)
    raw: list[tuple[Rule, Finding]] = []
    failures: list[tuple[Rule, Span, str, str]] = []    # (rule, where, what, why)
    sub_off: dict[str, set[str]] = {}       # rule code -> its sub-codes that are off
    sub_select, sub_ignore, sub_named = _subcode_filters(settings)
    judging = _judging(settings, rules)
    keywords, text = keywords_of(df), text_of(df)
    for r in rules:
        if not may_fire(r, keywords, text, df) or r.code == FAILED_CODE:
            # none of its triggers in this file (or DK005, whose findings are made below, not
            # by a check): not run, its module not imported
            continue
        options, off = _check_options(r, settings, sub_named, judging)
        if switched_off(r, options):
            continue        # the option that turns it on is empty: not run, not imported
        if off:
            sub_off[r.code] = off
        try:
            for f in r.check(df, options):
                raw.append((r, f))
        except Exception as exc:  # a rule bug must not take the whole run down
            # (the findings it made before failing are kept)
            span, what = _where_failed(df, exc)
            why = _why_failed(exc)
            failures.append((r, span, what, why))
            result.internal.append(printable(
                f"{result.path}: internal error in rule {r.code} ({r.slug}): "
                f"{type(exc).__name__}: {_shortened(str(exc))}"
                if not isinstance(exc, CannotCheck) else
                f"{result.path}: rule {r.code} ({r.slug}) could not check {what}: {why}"))
            del exc
    # suppressions: pragmas, the file's `# check=` directive, BUILDKIT_DOCKERFILE_CHECK
    sup = _suppress.suppressions(df) \
        if df.comments or _suppress.CHECK_BUILD_ARG in df.build_args else None
    active = sup.active(settings.allow_pragmas) if sup else None
    check_error = bool(sup and sup.error)       # `check=error=true`: BuildKit checks fail
    unused_rule = next((r for r in rules if r.code == UNUSED_CODE), None)
    judge = judging and bool(active)
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
    if failures:
        findings += _failure_findings(df, failures, result)
    if judge:
        assert active is not None and unused_rule is not None
        crashed = _judge_unused(df, settings, rules, active)
        crashed |= {x.code for x in result.failed}
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
    the whole file for a rule grouped per file or findings that name the same ``problem``,
    become one finding at the first of them, the others kept as related occurrences with
    their own message and fix (see :attr:`Rule.group`, :attr:`Finding.problem`).
    Pragmas have already been applied to each, so a suppression still works word by word."""
    starts = [ins.span.start for ins in df.instructions]
    groups: dict[tuple, list[Finding]] = {}
    rules: dict[tuple, Rule] = {}
    for r, f in found:
        if f.problem:
            unit: object = ("problem", f.problem)
        elif r.group == "none":
            unit = id(f)
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
        message = r.group_message.format(count=len(members), others=len(members) - 1,
                                         labels=_joined(labels), message=first.message)
    elif all(f.span == first.span for f in members):
        message = "; ".join(f.message for f in members)      # several problems at one place
    else:
        where = "in this file" if r.group == "file" or first.problem else "in this instruction"
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
    # the edits taken so far, sorted by (start, end): they never overlap one another, so their
    # ends are sorted too, and an edit can only overlap the last few of those that start before
    # it ends (a look-up instead of a comparison with every edit taken: thousands of merged
    # findings stay linear, not quadratic)
    edits: list[Edit] = []
    keys: list[tuple[int, int]] = []
    taken: set[tuple[int, int, str]] = set()

    def fits(e: Edit) -> bool:
        k = bisect.bisect_left(keys, (e.span.end, -1))
        while k > 0:
            o = edits[k - 1]
            if o.span.end <= e.span.start:
                return True
            if not (o.span == e.span and o.text == e.text) and \
                    not (o.span.end <= e.span.start or e.span.end <= o.span.start):
                return False
            k -= 1
        return True

    for fix in fixes:
        if all(fits(e) for e in fix.edits):
            for e in fix.edits:
                key = (e.span.start, e.span.end, e.text)
                if key not in taken:
                    taken.add(key)
                    k = bisect.bisect_right(keys, (e.span.start, e.span.end))
                    keys.insert(k, (e.span.start, e.span.end))
                    edits.insert(k, e)
    messages = list(dict.fromkeys(fix.message for fix in fixes))
    if len(messages) == 1:
        message = f"{messages[0]} ({len(fixes)} places)"
    else:
        more = f"; and {len(messages) - 3} more" if len(messages) > 3 else ""
        message = "; ".join(messages[:3]) + more
    return Fix(message, tuple(edits), safe=all(fix.safe for fix in fixes))


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
        options = _check_options(r, settings, set(), judging=True)[0]
        try:
            for f in r.check(df, options):
                active.matching(r, f.code.upper() if r.subcodes and f.code else "", f.span)
        except Exception:
            crashed.add(r.code)
    return crashed


def _judging(settings: Settings, rules: list[Rule]) -> bool:
    """Whether DK002 judges pragmas in a run of ``rules`` (on everything the rules find)."""
    return settings.allow_pragmas and any(r.code == UNUSED_CODE for r in rules)


def _check_options(r: Rule, settings: Settings, named: set[str], judging: bool
                   ) -> tuple[dict[str, Any], set[str]]:
    """The options rule ``r`` is checked with, and its sub-codes that are off by default (its
    :data:`~docklint.rule.SUBCODES_OFF` option as configured: reported only where a selector
    names them). In the options the check gets, that list holds only the ones the run neither
    reports nor judges: not those a selector names (``named``), and none while DK002 is
    ``judging`` pragmas. A check may leave out the work only they need (DK440: ShellCheck's
    extended analysis)."""
    options = r.default_options()
    options.update(settings.options.get(r.code, {}))
    off: set[str] = set()
    if r.subcodes and options.get(SUBCODES_OFF):
        off = {str(c).strip().upper() for c in options[SUBCODES_OFF]}
        options[SUBCODES_OFF] = [] if judging else sorted(off - named)
    return options, off


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


def _where_failed(df: Dockerfile, exc: BaseException) -> tuple[Span, str]:
    """Where a rule failed, and what it was checking there ("this RUN"): the span a
    :class:`CannotCheck` names, else the innermost instruction (or stage) the failing code was
    working on, found in the locals of its traceback; else the start of the file."""
    from .model import Stage
    from .syntax import Instruction
    n = len(df.source.text)
    span: Span | None = exc.span if isinstance(exc, CannotCheck) else None
    if span is None:
        frames = []
        tb = exc.__traceback__
        while tb is not None:
            frames.append(tb.tb_frame)
            tb = tb.tb_next
        stage_span = None
        for frame in reversed(frames):         # innermost first
            for value in frame.f_locals.values():
                if isinstance(value, Instruction):
                    span = value.span
                    break
                if stage_span is None and isinstance(value, Stage):
                    stage_span = value.from_.span
            if span is not None:
                break
        del frames
        span = span or stage_span
    if span is None or span.start > n:
        return Span(0, 0), "this file"
    span = Span(span.start, min(max(span.end, span.start), n))
    k = bisect.bisect_right([i.span.start for i in df.instructions], span.start) - 1
    if k >= 0 and span.start <= df.instructions[k].span.end:
        ins = df.instructions[k]
        return ins.span, f"this {ins.keyword}"
    return span, "this file"


def _shortened(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _REASON_CHARS else text[:_REASON_CHARS - 1] + "…"


def _why_failed(exc: BaseException) -> str:
    if isinstance(exc, CannotCheck):
        return _shortened(exc.reason)
    if isinstance(exc, RecursionError):
        why = "too deeply nested (RecursionError)"
    elif isinstance(exc, MemoryError):
        why = "out of memory (MemoryError)"
    else:
        text = _shortened(str(exc))
        why = f"{type(exc).__name__}{': ' + text if text else ''} (a docklint bug: please " \
              "report it)"
    return why + "; its findings for this file may be incomplete"


def _failure_findings(df: Dockerfile, failures: list[tuple[Rule, Span, str, str]],
                      result: FileResult) -> list[Finding]:
    """DK005 findings for the rules that failed: one per place and reason, naming the rules.
    Made after pragmas are applied: nothing in the file can silence them."""
    from .registry import UnknownRule, get
    try:
        owner = get(FAILED_CODE)
    except UnknownRule:        # pragma: no cover - the rule module ships with the engine
        owner = Rule(FAILED_CODE, "rule-failed", Severity.ERROR, lambda df, o: (), "")
    source = df.source
    groups: dict[tuple[Span, str, str], list[Rule]] = {}
    for r, span, what, why in failures:
        groups.setdefault((span, what, why), []).append(r)
        stamped = _stamp(source, owner, Finding(span, ""), None)
        result.failed.append(RuleFailure(
            r.code, r.slug, printable(f"rule {r.code} ({r.slug}) could not check {what}: {why}"),
            stamped.line, stamped.column, stamped.end_line, stamped.end_column))
    out = []
    for (span, what, why), rules in groups.items():
        if len(rules) == 1:
            who = f"rule {rules[0].code} ({rules[0].slug})"
        else:
            codes = [r.code for r in rules]
            who = f"{len(codes)} rules ({', '.join(codes[:-1])} and {codes[-1]})"
        out.append(_stamp(source, owner, Finding(span, f"{who} could not check {what}: {why}"),
                          None))
    return out


def _printable_fix(fix: Fix | None) -> Fix | None:
    if fix is None or printable(fix.message) == fix.message:
        return fix
    return replace(fix, message=printable(fix.message))


def _printable_related(rel: Related) -> Related:
    message, fix = printable(rel.message), _printable_fix(rel.fix)
    return rel if message == rel.message and fix is rel.fix else \
        replace(rel, message=message, fix=fix)


def _stamp(source: Source, r: Rule, f: Finding, override: Severity | None) -> Finding:
    """The finding as reported: position, code, severity, and every message in it (its own,
    its related places', its fixes') made printable (:func:`docklint.rule.printable`): the one
    place where text quoted from the Dockerfile is made safe for a terminal and a report line."""
    span = f.span
    n = len(source.text)
    if span.start > n or span.end > n:
        span = Span(min(span.start, n), min(span.end, n))
    line, col, end_line, end_col = source.range(span)
    rels = tuple(_printable_related(rel) for rel in f.related)
    related = tuple((*source.range(rel.span), rel.message) for rel in rels)
    sub = r.subcodes and f.code
    return replace(f, span=span, message=printable(f.message), related=rels,
                   fix=_printable_fix(f.fix),
                   code=f.code.upper() if sub else r.code,
                   slug=(f.slug or r.slug) if sub else r.slug,
                   severity=override or f.severity or r.severity, path=source.path or "-",
                   line=line, column=col, end_line=end_line, end_column=end_col,
                   related_positions=related)

