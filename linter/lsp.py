"""The docklint language server: ``docklint lsp`` or ``python -m docklint.lsp``, LSP over stdio.

Needs the ``lsp`` extra (pygls). What an editor gets:

- **Diagnostics** for every open document, published on open and on save at once, and after
  ``textDocument/didChange`` once the document has been quiet for :data:`DEBOUNCE_SECONDS`
  (150 ms): a burst of keystrokes costs one lint, always of the latest text. Lints run one at a
  time on a worker thread, so the server keeps reading messages while one runs; a result whose
  document changed meanwhile is dropped (the lint of the newer text is already scheduled).
  Closing a document clears its diagnostics.
- **Document sync is Full**: every change carries the whole text. Dockerfiles are small, and
  it keeps the server's copy exact: pygls's incremental merge splits lines the way
  ``str.splitlines`` does (at form feeds, ``U+2028``...), where LSP lines end only at ``\\n``,
  ``\\r\\n`` and ``\\r``. A client that sends ranged changes anyway is handled with LSP's line
  rules (:func:`apply_change`).
- **Positions**: LSP lines are 0-based and ``character`` counts code units of the negotiated
  position encoding (UTF-16 unless the client offers UTF-8 or UTF-32); docklint's columns are
  1-based code points. :class:`LineIndex` converts, via offsets into the text, so an emoji or
  CJK text before a finding lands the range where the editor expects it.
- **Each diagnostic** has its range, severity, code (``DK101``), ``codeDescription.href`` (the
  rule's documentation), source ``docklint``, message, ``relatedInformation`` (the finding's
  related positions, same document), and ``data`` holding what its code actions need: the
  document version it was computed for, the edit that inserts the suppression pragma and, when
  the finding has one, its fix as LSP text edits. A rule's findings in one instruction are one
  diagnostic at the first place; the other places are its related information, and those with
  a fix of their own are listed in ``data.parts``.
- **Code actions**: ``Suppress DKxxx for this instruction`` for every diagnostic (a
  ``# docklint ignore=DKxxx`` line above the instruction, with its indentation; not offered for
  DK001, which pragmas cannot silence, nor when the configuration turns pragmas off),
  ``Fix: <message>`` when the finding has a fix (``isPreferred`` when the fix is safe; for a
  merged finding it fixes every place, and the cursor on one of its other places offers that
  place's fix alone), and the
  source action ``Fix all safe problems`` (kind ``source.fixAll.docklint``): every safe fix
  whose edits overlap no fix taken before it, in document order. Edits are versioned
  (``documentChanges``) when the client supports it, so a stale edit is refused by the client
  rather than applied to the wrong text.
- **Hover** on a FROM instruction: the stage, its base and what docklint's data says about the
  image (kind, shell, CA bundle, libc, tzdata, default user, size, end of life); on the
  ``--from=`` of ``COPY``/``RUN --mount``: which stage (or image) that names.
- **Configuration** is found from each document's path like the CLI does (``.docklint.yaml``,
  ``[tool.docklint]`` in ``pyproject.toml``, else ``.hadolint.yaml``). The server asks the
  client to watch ``**/.docklint.y*ml``, ``**/pyproject.toml`` and ``**/.hadolint.y*ml``
  (dynamic registration) and re-lints every open document when one changes; a client that
  cannot watch files gets the configuration re-read whenever a document is opened or saved.
  A broken configuration is shown once (``window/showMessage``, the one-line error) and the
  documents are linted with the default settings until it is fixed.
- **It does not crash**: an exception in a handler is logged (``window/logMessage`` and
  stderr) and the server carries on. Binary, oversized or mis-encoded text yields DK000/DK003
  diagnostics, as the CLI reports them.

Anything printed to standard output by mistake goes to standard error instead: standard output
carries the protocol.
"""

from __future__ import annotations

import asyncio
import bisect
import inspect
import logging
import os
import re
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from docklint.record import record, field, replace
TYPE_CHECKING = False   # typing.TYPE_CHECKING without importing typing (3 ms of each start)
if TYPE_CHECKING:
    from typing import Any, Callable

from docklint.lazyre import lazy
from . import __version__
from . import config as cfg
from .engine import FileResult, Settings, _too_big, lint_bytes, select_rules
from .registry import UnknownRule
from .rule import Finding, Fix, Rule, Severity

try:
    from lsprotocol import types as T
except ImportError:  # the lsp extra is not installed: main() says so
    T = None  # type: ignore[assignment]

__all__ = ["main", "create_server", "DocklintServer", "lint_document", "DocumentLint",
           "LineIndex", "apply_change", "hover_markdown", "MISSING_EXTRA", "DEBOUNCE_SECONDS",
           "FIX_ALL_KIND", "WATCH_GLOBS", "SOURCE", "MAX_LINES", "LINT_BUDGET_SECONDS"]

MISSING_EXTRA = "docklint lsp needs the lsp extra: pip install 'docklint[lsp]'"
DEBOUNCE_SECONDS = 0.15
#: a document with more lines is not linted in the editor: it gets one diagnostic saying so
MAX_LINES = 10_000
#: a lint (each pass) that runs longer is stopped: the document gets one diagnostic saying so
LINT_BUDGET_SECONDS = 20.0
SOURCE = "docklint"
FIX_ALL_KIND = "source.fixAll.docklint"
QUICK_FIX = "quickfix"
PRAGMA_CODE = "DK001"            # pragma problems: a pragma cannot silence them
WATCH_GLOBS = ("**/.docklint.y*ml", "**/pyproject.toml", "**/.hadolint.y*ml")
CONFIG_FILE_NAMES = frozenset((*cfg.CONFIG_NAMES, *cfg.HADOLINT_NAMES, "pyproject.toml"))

log = logging.getLogger("docklint.lsp")


# ---------------------------------------------------------------------------------------------
# positions

_EOL = lazy(r"\r\n|\r|\n")
_SURROGATE = lazy("[\ud800-\udfff]")


def _units(text: str, encoding: str) -> int:
    """Length of ``text`` in code units of a position encoding."""
    if encoding == "utf-32" or text.isascii():
        return len(text)
    if encoding == "utf-8":
        return len(text.encode("utf-8", "surrogatepass"))
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


class LineIndex:
    """A text as LSP sees it: lines end at ``\\n``, ``\\r\\n`` or ``\\r``, and a position's
    ``character`` counts code units of ``encoding`` (``utf-16``, ``utf-8`` or ``utf-32``).

    Converts between offsets into the text (code points, as docklint's spans count) and LSP
    positions. Out-of-range positions are clamped, as the protocol asks.
    """

    __slots__ = ("text", "encoding", "_starts")

    def __init__(self, text: str, encoding: str = "utf-16") -> None:
        self.text = text
        self.encoding = encoding
        starts = [0]
        starts.extend(m.end() for m in _EOL.finditer(text))
        self._starts = starts

    @property
    def line_count(self) -> int:
        return len(self._starts)

    def line_start(self, line: int) -> int:
        return self._starts[max(0, min(line, len(self._starts) - 1))]

    def content_end(self, line: int) -> int:
        """Offset of the end of ``line``'s text, before its line terminator."""
        line = max(0, min(line, len(self._starts) - 1))
        if line + 1 >= len(self._starts):
            return len(self.text)
        end = self._starts[line + 1]
        return end - 2 if self.text.startswith("\r\n", end - 2) else end - 1

    def terminator(self, line: int) -> str:
        """The line terminator of ``line`` ('' for the last line)."""
        line = max(0, min(line, len(self._starts) - 1))
        if line + 1 >= len(self._starts):
            return ""
        return self.text[self.content_end(line):self._starts[line + 1]]

    def line_of(self, offset: int) -> int:
        return bisect.bisect_right(self._starts, max(0, offset)) - 1

    def position(self, offset: int) -> "T.Position":
        """The LSP position of ``offset`` (an offset inside a line terminator is the end of
        its line)."""
        offset = max(0, min(offset, len(self.text)))
        line = self.line_of(offset)
        start = self._starts[line]
        offset = min(offset, self.content_end(line))
        return T.Position(line=line, character=_units(self.text[start:offset], self.encoding))

    def range(self, start: int, end: int) -> "T.Range":
        return T.Range(start=self.position(start), end=self.position(max(start, end)))

    def offset(self, position: "T.Position") -> int:
        """The offset of an LSP position. A ``character`` past the end of its line means the
        end of the line; one in the middle of a character (half a surrogate pair) means the
        start of that character."""
        if position.line < 0:
            return 0
        if position.line >= len(self._starts):
            return len(self.text)
        start = self._starts[position.line]
        end = self.content_end(position.line)
        want = max(0, position.character)
        segment = self.text[start:end]
        if self.encoding == "utf-32" or segment.isascii():
            return start + min(want, len(segment))
        used = 0
        for i, ch in enumerate(segment):
            used += _units(ch, self.encoding)
            if used > want:
                return start + i
        return end


def _encoding_name(value: Any) -> str:
    name = str(getattr(value, "value", value) or "utf-16").lower()
    return name if name in ("utf-8", "utf-16", "utf-32") else "utf-16"


def apply_change(text: str, change: Any, encoding: str = "utf-16") -> str:
    """``text`` after one ``TextDocumentContentChangeEvent``: the whole new text, or a ranged
    replacement located with LSP's line rules."""
    rng = getattr(change, "range", None)
    if rng is None:
        return change.text
    index = LineIndex(text, encoding)
    start, end = index.offset(rng.start), index.offset(rng.end)
    if end < start:
        start, end = end, start
    return text[:start] + change.text + text[end:]


def _range_json(rng: "T.Range") -> dict:
    return {"start": {"line": rng.start.line, "character": rng.start.character},
            "end": {"line": rng.end.line, "character": rng.end.character}}


def _range_from_json(data: dict) -> "T.Range":
    return T.Range(start=T.Position(line=int(data["start"]["line"]),
                                    character=int(data["start"]["character"])),
                   end=T.Position(line=int(data["end"]["line"]),
                                  character=int(data["end"]["character"])))


# ---------------------------------------------------------------------------------------------
# linting one document

@record
class DocumentLint:
    """What linting one version of a document produced, in LSP terms.

    ``shift`` is 1 when the text starts with a byte-order mark, which docklint strips: docklint
    offsets + ``shift`` are offsets into ``text``. ``problems`` are (message type, text) to show
    the user once; ``logs`` are (message type, text) for the log.
    """

    uri: str
    version: int | None
    text: str
    lines: LineIndex
    shift: int = 0
    result: FileResult | None = None
    settings: Settings | None = None
    rules: dict[str, Rule] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    diagnostics: list = field(default_factory=list)
    problems: list[tuple[int, str]] = field(default_factory=list)
    logs: list[tuple[int, str]] = field(default_factory=list)
    generation: int = 0
    seconds: float = 0.0
    partial: bool = False          # quick lint: the ShellCheck pass is still to come
    stopped: str | None = None     # not linted fully: "too-large", "too-slow", "cancelled"
    _starts: list[int] | None = field(default=None, repr=False)   # instruction starts

    @property
    def dockerfile(self):
        return self.result.dockerfile if self.result is not None else None

    def doc_offset(self, source_offset: int) -> int:
        return source_offset + self.shift

    def source_offset(self, position: "T.Position") -> int:
        return max(0, self.lines.offset(position) - self.shift)

    def doc_range(self, start: int, end: int) -> "T.Range":
        """LSP range of a docklint span (offsets into docklint's text)."""
        return self.lines.range(start + self.shift, end + self.shift)

    def rule_for(self, code: str) -> Rule | None:
        found = self.rules.get(code)
        if found is None:
            found = next((r for r in self.rules.values() if r.owns_subcode(code)), None)
        return found

    def fix_all_edits(self) -> list[dict]:
        """Text edits of every safe fix that conflicts with none taken before it, in document
        order (one fix is taken whole or not at all). Two edits conflict when they overlap,
        start at the same place (two insertions there have no order) or one inserts inside
        what the other replaces (:class:`docklint.fix.Taken`, which looks at the neighbours
        of each edit only: a file with thousands of fixes)."""
        from .fix import Taken
        taken = Taken(same_start=True)
        edits: list[dict] = []
        fixes = [f for f in self.findings if f.fix is not None and f.fix.safe and f.fix.edits]
        fixes.sort(key=lambda f: (min(e.span.start for e in f.fix.edits), f.code, f.message))
        for f in fixes:
            if taken.conflicts(f.fix.edits):
                continue
            taken.add(f.fix.edits)
            edits.extend({"range": _range_json(self.doc_range(e.span.start, e.span.end)),
                          "newText": e.text} for e in f.fix.edits)
        return edits


def _to_bytes(text: str) -> bytes:
    """The document as the bytes a file would hold. A lone surrogate (the only way a client
    can send text that is not valid Unicode) becomes one invalid byte, so that docklint
    reports it (DK003) and decodes it as one U+FFFD: offsets stay aligned with the text."""
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        return b"\xff".join(part.encode("utf-8") for part in _SURROGATE.split(text))


def _one_line(text: str) -> str:
    """A message for the client's log or a problem diagnostic: one line, with control and
    bidi characters (of a file name, an exception's text) escaped (findings' messages already
    are, by the engine)."""
    from .rule import printable
    return printable(" ".join(str(text).split()))


def _clear_config_caches() -> None:
    """Forget every configuration file read or looked for (they are cached per process)."""
    for name in ("_config_in", "_hadolint_in", "_load_cached"):
        cached = getattr(cfg, name, None)
        if hasattr(cached, "cache_clear"):
            cached.cache_clear()


def _settings_for(path: str | None, problems: list[tuple[int, str]],
                  logs: list[tuple[int, str]]) -> tuple[Any, list[Rule]]:
    """The effective settings and rules for a document at ``path`` (None: not a file; the
    configuration is then looked for from the working directory). A broken configuration is
    reported in ``problems`` and the defaults are used."""
    try:
        conf = cfg.config_for(path, explicit=None, isolated=False)
        eff = cfg.resolve_settings(path, conf, cli={})
        if conf is not None:
            logs.extend((3, note) for note in conf.notes)
    except cfg.ConfigError as exc:
        problems.append((1, f"docklint: {_one_line(exc)} (linting with the default settings "
                            "until it is fixed)"))
        eff = cfg.resolve_settings(path, None, cli={})
    try:
        rules = select_rules(eff.settings)
    except UnknownRule as exc:
        problems.append((1, f"docklint: {_one_line(exc)} (linting with the default settings "
                            "until it is fixed)"))
        eff = cfg.resolve_settings(path, None, cli={})
        rules = select_rules(eff.settings)
    if not rules:
        problems.append((2, "docklint: no rules left to run: the selection and the ignores "
                            "cancel out"))
    return eff, rules


class _Stopped(BaseException):
    """Raised inside a lint to abandon it (over its time budget, or its text is stale): a
    BaseException, so that the engine's guard around each rule does not catch it."""


def _bounded(rule: Rule, stop: Callable[[], str | None]) -> Rule:
    """``rule`` with a check that gives up (raises :class:`_Stopped`) as soon as ``stop``
    says why, looked at before the rule starts and at each finding it makes."""
    check = rule.check

    def bounded_check(df, options):
        why = stop()
        if why:
            raise _Stopped(why)
        for finding in check(df, options):
            why = stop()
            if why:
                raise _Stopped(why)
            yield finding
    return replace(rule, check=bounded_check)


def _single(state: "DocumentLint", why: str, message: str) -> "DocumentLint":
    """``state`` holding one diagnostic, on the first line, that says why it was not linted."""
    state.stopped = why
    state.partial = False
    state.result = None
    state.findings = []
    state.diagnostics = [T.Diagnostic(
        range=T.Range(start=T.Position(line=0, character=0),
                      end=T.Position(line=0, character=0)),
        message=message, severity=T.DiagnosticSeverity.Warning, source=SOURCE)]
    return state


def lint_document(uri: str, text: str, version: int | None = None, *,
                  path: str | None = None, encoding: str = "utf-16",
                  generation: int = 0, quick: bool = False,
                  budget: float | None = LINT_BUDGET_SECONDS,
                  cancel: threading.Event | None = None,
                  max_lines: int = MAX_LINES) -> DocumentLint:
    """Lint one document's text with the settings its path's configuration gives, and turn
    the findings into LSP diagnostics. Never raises for a bad document: binary, oversized or
    mis-encoded text gives DK000/DK003 findings. With ``quick``, rules that run an external
    program (the ShellCheck pass) are left out and ``state.partial`` says so: the server
    publishes that first, then the full result.

    Bounded: a document of more than ``max_lines`` lines is not linted, and a lint that runs
    longer than ``budget`` seconds is stopped (between rules, or at a finding); either way the
    document gets a single diagnostic saying so (``state.stopped``: ``too-large`` or
    ``too-slow``). Setting ``cancel`` stops the lint the same way (``cancelled``: the server
    does it when the text changed, so the lint of stale text does not hold up the next one)."""
    started = time.perf_counter()
    lines = LineIndex(text, encoding)
    shift = 1 if text.startswith("\ufeff") else 0
    state = DocumentLint(uri, version, text, lines, shift, generation=generation)
    count = lines.line_count - (1 if text.endswith(("\n", "\r")) else 0)
    if count > max_lines:
        state.seconds = time.perf_counter() - started
        return _single(state, "too-large",
                       f"docklint: this document has {count} lines, more than the "
                       f"{max_lines} the language server lints; it was not linted (run "
                       "`docklint` on the file instead)")
    eff, rules = _settings_for(path, state.problems, state.logs)
    if quick and any(r.subcodes for r in rules):
        rules = [r for r in rules if not r.subcodes]
        state.partial = True
    state.settings = eff.settings
    state.rules = {r.code: r for r in rules}
    if eff.excluded:
        state.logs.append((4, f"{path}: excluded by the configuration; not linted"))
        state.seconds = time.perf_counter() - started
        return state
    settings = eff.settings
    display = path or uri
    data = _to_bytes(text)
    if not rules:
        result = FileResult(display)
    elif len(data) > settings.max_file_bytes:
        result = _too_big(display, len(data), settings, rules)
    else:
        context = settings.context or (os.path.dirname(path) if path else None)
        ctx_module = sys.modules.get("docklint.context")
        if ctx_module is not None:
            ctx_module.forget()      # the build context may have changed on disk
        deadline = None if budget is None else started + budget

        def stop() -> str | None:
            if cancel is not None and cancel.is_set():
                return "cancelled"
            if deadline is not None and time.perf_counter() > deadline:
                return "too-slow"
            return None
        try:
            result = lint_bytes(data, display, settings, [_bounded(r, stop) for r in rules],
                                context=context)
        except _Stopped as exc:
            state.seconds = time.perf_counter() - started
            why = str(exc)
            return _single(state, why,
                           f"docklint: linting this document took longer than {budget:g} s "
                           "and was stopped; it was not linted fully (run `docklint` on the "
                           "file instead)" if why == "too-slow" else
                           "docklint: this lint was cancelled (the text changed)")
    state.result = result
    if result.error:
        state.problems.append((2, f"docklint: {_one_line(result.error)}"))
    for message in result.internal:
        state.logs.append((1, f"docklint: {message} (please report this)"))
    state.findings = list(result.findings)
    state.diagnostics = [_diagnostic(state, f) for f in state.findings]
    state.seconds = time.perf_counter() - started
    return state


_SEVERITY_NAMES = {Severity.ERROR: "Error", Severity.WARNING: "Warning",
                   Severity.INFO: "Information"}


def _diagnostic(state: DocumentLint, f: Finding) -> "T.Diagnostic":
    source = state.result.source

    def rng(line: int, col: int, end_line: int, end_col: int) -> "T.Range":
        return state.doc_range(source.offset(line, col), source.offset(end_line, end_col))

    related = [T.DiagnosticRelatedInformation(
        location=T.Location(uri=state.uri, range=rng(*pos[:4])), message=pos[4])
        for pos in f.related_positions]
    rule = state.rule_for(f.code)
    href = _help_uri(rule, f.code) if rule is not None else None
    data: dict[str, Any] = {"version": state.version, "code": f.code,
                            "suppress": _suppress_edit(state, f.code, f.span.start),
                            "fix": None}
    if f.fix is not None and f.fix.edits:
        data["fix"] = _fix_json(state, f.fix)
    # the other places of a merged finding that can be fixed one by one (a quick fix at each)
    parts = [{"range": _range_json(state.doc_range(rel.span.start, rel.span.end)),
              "fix": _fix_json(state, rel.fix)}
             for rel in f.related if rel.occurrence and rel.fix is not None and rel.fix.edits]
    if parts:
        data["parts"] = parts
    return T.Diagnostic(
        range=rng(f.line, f.column, f.end_line, f.end_column),
        message=f.message,
        severity=getattr(T.DiagnosticSeverity, _SEVERITY_NAMES[f.level]),
        code=f.code,
        code_description=T.CodeDescription(href=href) if href else None,
        source=SOURCE,
        related_information=related or None,
        data=data)


def _fix_json(state: DocumentLint, fix: Fix) -> dict:
    return {"title": fix.message, "safe": fix.safe,
            "edits": [{"range": _range_json(state.doc_range(e.span.start, e.span.end)),
                       "newText": e.text} for e in fix.edits]}


def _touches(a: dict, b: "T.Range") -> bool:
    """Whether a JSON range and an LSP range overlap or touch (a cursor inside a word)."""
    start = (a["start"]["line"], a["start"]["character"])
    end = (a["end"]["line"], a["end"]["character"])
    return start <= (b.end.line, b.end.character) and (b.start.line, b.start.character) <= end


def _help_uri(rule: Rule, code: str) -> str:
    """Where a finding's code is documented: the rule's page; a ShellCheck code's wiki page."""
    if code != rule.code and code.upper().startswith("SC"):
        try:
            from .shellcheck import wiki_url
            return wiki_url(code.upper())
        except Exception:
            pass
    return rule.help_uri


def _instruction_at(state: DocumentLint, offset: int):
    """The top-level instruction whose span holds ``offset`` (a docklint offset), if any. Its
    end counts as inside, as it does for a pragma."""
    df = state.dockerfile
    if df is None:
        return None
    instructions = df.instructions
    if state._starts is None:
        state._starts = [ins.span.start for ins in instructions]
    i = bisect.bisect_right(state._starts, offset) - 1
    if i >= 0 and instructions[i].span.start <= offset <= instructions[i].span.end:
        return instructions[i]
    return None


def _suppress_edit(state: DocumentLint, code: str, offset: int) -> dict | None:
    """The text edit that inserts ``# docklint ignore=CODE`` above the instruction holding
    ``offset``, with that line's indentation and line ending; None when a pragma cannot help."""
    if not code or code == PRAGMA_CODE or state.settings is None or \
            not state.settings.allow_pragmas:
        return None
    ins = _instruction_at(state, offset)
    if ins is None:
        return None
    lines = state.lines
    ins_start = state.doc_offset(ins.span.start)
    line = lines.line_of(ins_start)
    at = lines.line_start(line)
    if line == 0:
        at += state.shift             # after a byte-order mark, which must stay first
    indent = re.match(r"[ \t]*", lines.text[at:ins_start]).group(0)
    eol = lines.terminator(line) or ("\r\n" if "\r\n" in lines.text else "\n")
    return {"range": _range_json(lines.range(at, at)),
            "newText": f"{indent}# docklint ignore={code}{eol}"}


# ---------------------------------------------------------------------------------------------
# hover

def _yes_no(value: bool | None) -> str:
    return "unknown" if value is None else ("yes" if value else "no")


def _facts_rows(facts) -> list[tuple[str, str]]:
    from . import images
    matched = f"`{facts.image}`, {facts.variant} variant"
    if facts.tag not in ("", "(none)"):
        matched += f" (as of tag `{facts.tag}`)"
    if facts.default_uid is None:
        user = "unknown"
    elif facts.default_uid == 0:
        user = "root (uid 0)"
    else:
        user = f"uid {facts.default_uid}"
    size = facts.size_text if facts.size_bytes is not None else "unknown"
    if facts.size_bytes is not None:
        size += " compressed"
    if facts.eol is None:
        eol = "none recorded"
    else:
        eol = f"{facts.eol} ({'ended' if images.is_eol(facts) else 'supported until then'})"
    if facts.origin == "declared":
        source = facts.origin_note
        if facts.like:
            source += f"; other facts like `{facts.like}` (docklint's base-image data)"
        rows = [("Described by", source)]
        if facts.users is not None:
            rows.append(("Users", ", ".join(n for n, _ in facts.users) or "none"))
        return [*rows, ("Kind", facts.kind),
                ("Shell", facts.shell_path or _yes_no(facts.has_shell)),
                ("CA bundle", _yes_no(facts.has_ca_certs)), ("libc", facts.libc or "unknown"),
                ("tzdata", _yes_no(facts.has_tzdata)),
                ("Default user", facts.default_user or user), ("Size", size)]
    return [("Data row", matched), ("Kind", facts.kind),
            ("Shell", _yes_no(facts.has_shell)), ("CA bundle", _yes_no(facts.has_ca_certs)),
            ("libc", facts.libc or "unknown"), ("tzdata", _yes_no(facts.has_tzdata)),
            ("Default user", user), ("Size", size), ("End of life", eol)]


def _table(rows: list[tuple[str, str]]) -> str:
    out = ["| | |", "|---|---|"]
    out += ["| %s | %s |" % (k, v.replace("|", "\\|")) for k, v in rows]
    return "\n".join(out)


def _code(text: str) -> str:
    text = text.replace("\n", " ")
    fence = "``" if "`" in text else "`"
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _stage_title(stage) -> str:
    return f"stage `{stage.name}` (#{stage.index})" if stage.name else f"stage #{stage.index}"


def _base_markdown(df, stage) -> str:
    """What a stage is built on, and docklint's facts about the image at the end of its FROM
    chain."""
    from . import images
    base = stage.base
    parts: list[str] = []
    if base.kind == "stage" and base.stage is not None:
        parent = df.stages[base.stage]
        parts.append(f"Built on {_stage_title(parent)}, line {parent.from_.line}.")
    elif base.kind == "unknown":
        parts.append("Built on an image docklint does not know: the text has no `FROM` (or "
                     "its `FROM` names no image), so nothing is assumed about the base.")
        return "\n\n".join(parts)
    elif base.kind == "unresolved":
        names = ", ".join(f"`${n}`" for n in base.unresolved) or "a build argument"
        parts.append(f"The base {_code(base.raw)} depends on {names} without a value; "
                     "docklint cannot tell which image it is.")
        if base.candidates:
            parts.append("It may name " + ", ".join(
                _stage_title(df.stages[i]) for i in base.candidates) + ".")
        return "\n\n".join(parts)
    root = df.graph.root_base(stage.index)
    if root is None:
        return "\n\n".join(parts)
    if root.kind == "scratch":
        facts = images.scratch()
        name = "scratch"
    elif root.kind == "image" and root.image is not None:
        facts = df.image_facts(root.image)
        name = root.text or root.raw
    else:
        if root.kind == "unresolved":
            names = ", ".join(f"`${n}`" for n in root.unresolved) or "a build argument"
            parts.append(f"Its chain ends at {_code(root.raw)}, which depends on {names} "
                         "without a value.")
        return "\n\n".join(parts)
    if base.kind == "stage":
        parts.append(f"The chain ends at image {_code(name)}.")
    if facts is None:
        parts.append(f"docklint's base-image data has no row for {_code(name)}, and the "
                     "configuration's `images:` does not describe it: the runtime checks are "
                     "skipped for it (`docklint image learn` describes an image from its "
                     "archive).")
    elif facts.origin == "declared":
        parts.append(_table(_facts_rows(facts)))
    else:
        parts.append(_table(_facts_rows(facts)))
        parts.append("_From docklint's base-image data (one row per image variant, not per "
                     "version)._")
    return "\n\n".join(parts)


def hover_markdown(df, offset: int) -> tuple[str, int, int] | None:
    """Markdown for a hover at ``offset`` (docklint offset) and the span it is about: a FROM
    instruction (its base image's facts) or the reference of a ``--from=`` flag (the stage it
    names). None elsewhere."""
    if df is None:
        return None
    from . import images
    for edge in df.graph.edges:
        if edge.kind not in ("copy", "mount"):
            continue
        span = edge.value_span or edge.span
        # COPY's whole --from= flag is about the reference; a mount flag has other options
        hit = edge.span if edge.kind == "copy" else span
        if not (hit.start <= offset <= hit.end):
            continue
        ref = edge.raw or edge.ref
        ref = f"--from={ref}" if edge.kind == "copy" else f"--mount=from={ref}"
        if edge.target is not None and 0 <= edge.target < len(df.stages):
            stage = df.stages[edge.target]
            first = df.source.line_text(stage.from_.line).strip()
            text = (f"**`{ref}`** is {_stage_title(stage)}, line "
                    f"{stage.from_.line}: {_code(first)}\n\n{_base_markdown(df, stage)}")
        elif edge.image is not None:
            facts = df.image_facts(edge.image)
            text = (f"**`{ref}`** names no stage of this Dockerfile: BuildKit uses "
                    f"the image {_code(edge.ref)}.")
            if facts is not None:
                text += "\n\n" + _table(_facts_rows(facts))
        elif not edge.resolved and not edge.unresolved:
            # a fragment without FROM: the name is most likely a stage of the file it belongs in
            text = (f"**`{ref}`** names no stage of this text (it has no `FROM`); docklint "
                    "leaves it unresolved.")
        elif not edge.resolved:
            names = ", ".join(f"`${n}`" for n in edge.unresolved) or "a build argument"
            text = f"**`{ref}`** depends on {names} without a value."
            if edge.candidates:
                text += " It may name " + ", ".join(
                    _stage_title(df.stages[i]) for i in edge.candidates) + "."
        else:
            text = f"**`{ref}`** names no stage of this Dockerfile."
        return text, span.start, span.end
    for stage in df.stages:
        ins = stage.from_
        if getattr(stage, "implicit", False):
            continue        # no FROM line of its own to hover
        if ins.span.start <= offset <= ins.span.end:
            title = _stage_title(stage)
            title = title[:1].upper() + title[1:]
            target = " (the target)" if stage.index == df.graph.target else ""
            head = f"**{title}**{target}: `FROM` {_code(stage.base.raw)}"
            return f"{head}\n\n{_base_markdown(df, stage)}", ins.span.start, ins.span.end
    return None


# ---------------------------------------------------------------------------------------------
# the server

class _Doc:
    """An open document: its latest text (``content`` = (version, text), replaced as a whole
    so the lint thread always reads a matching pair) and its lint scheduling state.

    Each document is linted on a thread of its own (``executor``, one lint at a time), so a
    document that is slow to lint never holds up another's diagnostics; ``cancel`` is the
    stop flag of its latest lint, set when the text it reads is replaced."""

    __slots__ = ("uri", "path", "content", "timer", "queued", "lint", "executor", "cancel")

    def __init__(self, uri: str, path: str | None, version: int | None, text: str) -> None:
        self.uri = uri
        self.path = path
        self.content: tuple[int | None, str] = (version, text)
        self.timer: asyncio.TimerHandle | None = None
        self.queued = False
        self.lint: DocumentLint | None = None
        self.executor: ThreadPoolExecutor | None = None
        self.cancel: threading.Event | None = None

    def close(self) -> None:
        """Stop its lint (at the next rule) and let its thread end."""
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
        if self.cancel is not None:
            self.cancel.set()
        if self.executor is not None:
            self.executor.shutdown(wait=False, cancel_futures=True)
            self.executor = None

    @property
    def version(self) -> int | None:
        return self.content[0]


def _fs_path(uri: str) -> str | None:
    if not uri.startswith("file:"):
        return None
    from pygls.uris import to_fs_path
    try:
        return to_fs_path(uri)
    except Exception:
        return None


def _is_config_file(path: str | None) -> bool:
    return bool(path) and os.path.basename(path) in CONFIG_FILE_NAMES


def _wants(only, kind: str) -> bool:
    """Whether a code action request restricted to the kinds ``only`` wants ``kind``."""
    if not only:
        return True
    for wanted in only:
        wanted = str(getattr(wanted, "value", wanted))
        if kind == wanted or kind.startswith(wanted + "."):
            return True
    return False


class DocklintServer:
    """The language server: a pygls ``LanguageServer`` (``self.ls``) and docklint's handlers."""

    def __init__(self, debounce: float = DEBOUNCE_SECONDS) -> None:
        from pygls.lsp.server import LanguageServer

        self.ls = LanguageServer("docklint", __version__,
                                 text_document_sync_kind=T.TextDocumentSyncKind.Full)
        self.ls.report_server_error = self._report_server_error  # type: ignore[method-assign]
        self.debounce = debounce
        self.docs: dict[str, _Doc] = {}
        self.generation = 0                 # bumped when a configuration file changes
        self.watching = False               # the client watches configuration files for us
        self.shutdown_requested = False
        self._shown: set[str] = set()       # problems already shown (once per generation)
        self._tasks: set[asyncio.Future] = set()
        self.budget: float | None = LINT_BUDGET_SECONDS
        self.max_lines = MAX_LINES
        self._register()

    # ---- plumbing
    def _register(self) -> None:
        feature = self.ls.feature
        feature(T.INITIALIZED)(self._guard("initialized", self._initialized))
        feature(T.SHUTDOWN)(self._guard("shutdown", self._shutdown))
        feature(T.TEXT_DOCUMENT_DID_OPEN)(self._guard("didOpen", self._did_open))
        feature(T.TEXT_DOCUMENT_DID_CHANGE)(self._guard("didChange", self._did_change))
        feature(T.TEXT_DOCUMENT_DID_SAVE, T.SaveOptions(include_text=False))(
            self._guard("didSave", self._did_save))
        feature(T.TEXT_DOCUMENT_DID_CLOSE)(self._guard("didClose", self._did_close))
        feature(T.WORKSPACE_DID_CHANGE_WATCHED_FILES)(
            self._guard("didChangeWatchedFiles", self._did_change_watched_files))
        feature(T.TEXT_DOCUMENT_CODE_ACTION, T.CodeActionOptions(
            code_action_kinds=[T.CodeActionKind.QuickFix, FIX_ALL_KIND],
            resolve_provider=False))(self._guard("codeAction", self._code_action))
        feature(T.TEXT_DOCUMENT_HOVER)(self._guard("hover", self._hover))

    def _guard(self, name: str, fn: Callable) -> Callable:
        """``fn`` with every exception logged instead of raised: a handler bug must not take
        the server down or send the client a protocol error for a notification."""
        if inspect.iscoroutinefunction(fn):
            async def guarded_async(params):
                try:
                    return await fn(params)
                except Exception as exc:
                    self._internal_error(name, exc)
                    return None
            return guarded_async

        def guarded(params):
            try:
                return fn(params)
            except Exception as exc:
                self._internal_error(name, exc)
                return None
        return guarded

    def _internal_error(self, where: str, exc: BaseException) -> None:
        log.error("internal error in %s", where, exc_info=exc)
        self._log(1, f"docklint: internal error in {where}: {type(exc).__name__}: "
                     f"{_one_line(exc) or '(no message)'} (please report this)")

    def _report_server_error(self, error: Exception, source: Any) -> None:
        # pygls would pop up "Error in server"; a log line is enough (the server carries on)
        self._log(1, f"docklint: server error: {type(error).__name__}: {_one_line(error)}")

    def _log(self, kind: int, message: str) -> None:
        try:
            self.ls.window_log_message(T.LogMessageParams(type=T.MessageType(kind),
                                                          message=message))
        except Exception:
            log.exception("cannot send window/logMessage")

    def _show(self, kind: int, message: str) -> None:
        try:
            self.ls.window_show_message(T.ShowMessageParams(type=T.MessageType(kind),
                                                            message=message))
        except Exception:
            log.exception("cannot send window/showMessage")

    def _spawn(self, coro) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)

        def done(t: asyncio.Future) -> None:
            self._tasks.discard(t)
            if not t.cancelled() and t.exception() is not None:
                self._internal_error("lint", t.exception())
        task.add_done_callback(done)

    @property
    def _encoding(self) -> str:
        try:
            return _encoding_name(self.ls.workspace.position_encoding)
        except Exception:
            return "utf-16"

    def _supports_document_changes(self) -> bool:
        caps = self.ls.client_capabilities
        ws = getattr(caps, "workspace", None)
        edit = getattr(ws, "workspace_edit", None) if ws else None
        return bool(getattr(edit, "document_changes", False))

    # ---- lifecycle
    def _initialized(self, params) -> None:
        caps = getattr(self.ls.client_capabilities, "workspace", None)
        watched = getattr(caps, "did_change_watched_files", None) if caps else None
        if not getattr(watched, "dynamic_registration", False):
            self._log(3, "docklint: the client cannot watch files for the server; "
                         "configuration files are re-read when a Dockerfile is opened or saved")
            return
        registration = T.Registration(
            id=f"docklint-config-{uuid.uuid4()}",
            method=T.WORKSPACE_DID_CHANGE_WATCHED_FILES,
            register_options={"watchers": [{"globPattern": g} for g in WATCH_GLOBS]})
        future = self.ls.client_register_capability(
            T.RegistrationParams(registrations=[registration]))
        self.watching = True

        def done(fut) -> None:
            if fut.cancelled() or fut.exception() is not None:
                self.watching = False
                self._log(2, "docklint: the client refused to watch configuration files "
                             f"({fut.exception() if not fut.cancelled() else 'cancelled'}); "
                             "they are re-read when a Dockerfile is opened or saved")
        future.add_done_callback(done)

    def _shutdown(self, params) -> None:
        self.shutdown_requested = True
        for doc in self.docs.values():
            if doc.timer is not None:
                doc.timer.cancel()
                doc.timer = None

    # ---- documents
    def _did_open(self, params) -> None:
        td = params.text_document
        doc = _Doc(td.uri, _fs_path(td.uri), td.version, td.text)
        old = self.docs.get(td.uri)
        if old is not None:
            old.close()
        self.docs[td.uri] = doc
        if _is_config_file(doc.path):
            return                    # a configuration file, not a Dockerfile
        if not self.watching:
            self._reload_config(relint=False)
        self._lint_soon(doc, 0)

    def _did_change(self, params) -> None:
        doc = self.docs.get(params.text_document.uri)
        if doc is None:
            self._log(2, f"docklint: didChange for a document that is not open: "
                         f"{params.text_document.uri}")
            return
        text = doc.content[1]
        encoding = self._encoding
        for change in params.content_changes:
            text = apply_change(text, change, encoding)
        doc.content = (params.text_document.version, text)
        if doc.cancel is not None:
            doc.cancel.set()          # a lint of the old text is wasted work: stop it
        if not _is_config_file(doc.path):
            self._lint_soon(doc, self.debounce)

    def _did_save(self, params) -> None:
        uri = params.text_document.uri
        doc = self.docs.get(uri)
        if _is_config_file(_fs_path(uri)):
            self._reload_config(relint=True)
            return
        if doc is not None:
            if not self.watching:
                self._reload_config(relint=False)
            self._lint_soon(doc, 0)

    def _did_close(self, params) -> None:
        uri = params.text_document.uri
        doc = self.docs.pop(uri, None)
        if doc is not None:
            doc.close()
        self.ls.text_document_publish_diagnostics(
            T.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    def _did_change_watched_files(self, params) -> None:
        names = [os.path.basename(_fs_path(c.uri) or c.uri) for c in params.changes]
        if any(n in CONFIG_FILE_NAMES for n in names):
            self._reload_config(relint=True)

    def _reload_config(self, *, relint: bool) -> None:
        _clear_config_caches()
        self.generation += 1
        self._shown.clear()
        if relint:
            for doc in self.docs.values():
                if not _is_config_file(doc.path):
                    self._lint_soon(doc, 0)

    # ---- linting
    def _lint_soon(self, doc: _Doc, delay: float) -> None:
        """Lint ``doc`` after ``delay`` seconds of quiet (each call restarts the wait)."""
        if doc.timer is not None:
            doc.timer.cancel()
            doc.timer = None
        if delay <= 0:
            self._start_lint(doc)
        else:
            doc.timer = asyncio.get_running_loop().call_later(delay, self._start_lint, doc)

    def _start_lint(self, doc: _Doc) -> None:
        doc.timer = None
        if self.docs.get(doc.uri) is not doc or doc.queued:
            return      # closed, or a lint that has not started yet will read the latest text
        doc.queued = True
        self._spawn(self._lint_and_publish(doc))

    async def _run_lint(self, doc: _Doc, *, from_queue: bool,
                        quick: bool = False) -> DocumentLint:
        encoding = self._encoding
        budget, max_lines = self.budget, self.max_lines

        def work() -> DocumentLint:
            if from_queue:
                doc.queued = False
            version, text = doc.content
            generation = self.generation
            cancel = doc.cancel = threading.Event()
            if doc.content[0] != version:
                cancel.set()
            try:
                return lint_document(doc.uri, text, version, path=doc.path, encoding=encoding,
                                     generation=generation, quick=quick, budget=budget,
                                     cancel=cancel, max_lines=max_lines)
            except Exception as exc:  # a docklint bug: log it, publish nothing for this text
                log.error("internal error linting %s", doc.uri, exc_info=exc)
                state = DocumentLint(doc.uri, version, text, LineIndex(text, encoding),
                                     generation=generation)
                state.logs.append((1, f"docklint: internal error linting {doc.uri}: "
                                      f"{type(exc).__name__}: {_one_line(exc)} "
                                      "(please report this)"))
                return state

        if doc.executor is None:
            doc.executor = ThreadPoolExecutor(max_workers=1,
                                              thread_name_prefix="docklint-lint")
        return await asyncio.get_running_loop().run_in_executor(doc.executor, work)

    def _current(self, doc: _Doc, state: DocumentLint) -> bool:
        return self.docs.get(doc.uri) is doc and state.version == doc.version and \
            state.generation == self.generation

    async def _lint_and_publish(self, doc: _Doc) -> None:
        # the fast rules first, then (when ShellCheck runs) the full result: typing feedback
        # does not wait for an external program
        state = await self._run_lint(doc, from_queue=True, quick=True)
        if not self._current(doc, state):  # the text changed: its lint is already scheduled
            if self.docs.get(doc.uri) is doc and state.version == doc.version and \
                    state.generation != self.generation:
                self._lint_soon(doc, 0)    # the configuration was re-read meanwhile: again
            return
        doc.lint = state
        self._publish(state)
        if state.partial:
            full = await self._run_lint(doc, from_queue=False)
            if full.stopped == "too-slow":
                # the fast rules' diagnostics stay; only the ShellCheck pass was too slow
                self._log(2, f"docklint: {doc.uri}: the ShellCheck pass took longer than "
                             f"{self.budget:g} s and was stopped")
            elif self._current(doc, full):
                doc.lint = full
                self._publish(full)

    async def _fresh(self, doc: _Doc) -> DocumentLint:
        """The lint of the document's current text (linted now if needed: a request about
        the text does not wait for the debounce)."""
        state = doc.lint
        if state is not None and self._current(doc, state) and not state.partial:
            return state
        state = await self._run_lint(doc, from_queue=False)
        if self._current(doc, state):
            if doc.timer is not None:
                doc.timer.cancel()
                doc.timer = None
            doc.lint = state
            self._publish(state)
        return state

    def _publish(self, state: DocumentLint) -> None:
        for kind, message in state.problems:
            if message not in self._shown:
                self._shown.add(message)
                self._show(kind, message)
        for kind, message in state.logs:
            if kind != 1 and message in self._shown:
                continue
            self._shown.add(message)
            self._log(kind, message)
        self.ls.text_document_publish_diagnostics(T.PublishDiagnosticsParams(
            uri=state.uri, version=state.version, diagnostics=state.diagnostics))

    # ---- requests
    async def _code_action(self, params) -> list | None:
        doc = self.docs.get(params.text_document.uri)
        if doc is None:
            return None
        state = await self._fresh(doc)
        only = params.context.only
        actions: list = []
        seen: set[tuple] = set()
        if _wants(only, QUICK_FIX):
            fixes: list = []
            suppressions: list = []
            for diag in params.context.diagnostics:
                if diag.source != SOURCE:
                    continue
                data = self._action_data(state, diag)
                if data is None:
                    continue
                fix = data.get("fix")
                if fix and fix.get("edits"):
                    key = ("fix", repr(fix))
                    if key not in seen:
                        seen.add(key)
                        fixes.append(T.CodeAction(
                            title=f"Fix: {fix['title']}", kind=T.CodeActionKind.QuickFix,
                            diagnostics=[diag], is_preferred=bool(fix.get("safe")),
                            edit=self._workspace_edit(state, fix["edits"])))
                suppress = data.get("suppress")
                code = data.get("code") or diag.code
                if suppress:
                    key = ("suppress", code, repr(suppress["range"]))
                    if key not in seen:
                        seen.add(key)
                        suppressions.append(T.CodeAction(
                            title=f"Suppress {code} for this instruction",
                            kind=T.CodeActionKind.QuickFix, diagnostics=[diag],
                            edit=self._workspace_edit(state, [suppress])))
            # a merged finding's other places: the fix of the one under the cursor alone
            for diag in state.diagnostics:
                for part in (diag.data or {}).get("parts", ()):
                    fix = part["fix"]
                    key = ("fix", repr(fix))
                    if _touches(part["range"], params.range) and key not in seen:
                        seen.add(key)
                        fixes.append(T.CodeAction(
                            title=f"Fix: {fix['title']}", kind=T.CodeActionKind.QuickFix,
                            diagnostics=[diag], is_preferred=bool(fix.get("safe")),
                            edit=self._workspace_edit(state, fix["edits"])))
            actions += fixes + suppressions
        if _wants(only, FIX_ALL_KIND):
            edits = state.fix_all_edits()
            if edits:
                actions.append(T.CodeAction(title="Fix all safe problems", kind=FIX_ALL_KIND,
                                            edit=self._workspace_edit(state, edits)))
        return actions

    def _action_data(self, state: DocumentLint, diag) -> dict | None:
        """What the code actions of a diagnostic need: its ``data`` when it was computed for
        the current text; else that of the same diagnostic in the current lint; else (the
        client shows a diagnostic of older text) a suppression located from its range."""
        data = diag.data if isinstance(diag.data, dict) else None
        if data is not None and data.get("version") == state.version and \
                data.get("code") == str(diag.code):
            return data
        wanted = (str(diag.code), _range_json(diag.range))
        for d in state.diagnostics:
            if (str(d.code), _range_json(d.range)) == wanted:
                return d.data
        if state.result is None or not diag.code:
            return None
        offset = state.source_offset(diag.range.start)
        return {"code": str(diag.code), "fix": None,
                "suppress": _suppress_edit(state, str(diag.code), offset)}

    def _workspace_edit(self, state: DocumentLint, edits: list[dict]) -> "T.WorkspaceEdit":
        text_edits = [T.TextEdit(range=_range_from_json(e["range"]), new_text=e["newText"])
                      for e in edits]
        if self._supports_document_changes():
            return T.WorkspaceEdit(document_changes=[T.TextDocumentEdit(
                text_document=T.OptionalVersionedTextDocumentIdentifier(
                    uri=state.uri, version=state.version),
                edits=text_edits)])
        return T.WorkspaceEdit(changes={state.uri: text_edits})

    async def _hover(self, params) -> "T.Hover | None":
        doc = self.docs.get(params.text_document.uri)
        if doc is None:
            return None
        state = await self._fresh(doc)
        if state.dockerfile is None:
            return None
        found = hover_markdown(state.dockerfile, state.source_offset(params.position))
        if found is None:
            return None
        text, start, end = found
        return T.Hover(contents=T.MarkupContent(kind=T.MarkupKind.Markdown, value=text),
                       range=state.doc_range(start, end))

    # ---- running
    def start_io(self, stdin=None, stdout=None) -> None:
        try:
            self.ls.start_io(stdin, stdout)
        finally:
            for doc in list(self.docs.values()):
                doc.close()


def create_server(debounce: float = DEBOUNCE_SECONDS) -> DocklintServer:
    """A new server (``.start_io()`` runs it on standard input and output)."""
    return DocklintServer(debounce)


def main() -> None:
    """Run the language server on standard input and output until the client says exit.

    Exits 0 after an orderly shutdown, 1 when the client went away without one, 2 when the
    ``lsp`` extra (pygls) is not installed.
    """
    try:
        import pygls.lsp.server  # noqa: F401
        if T is None:
            raise ImportError("lsprotocol")
    except ImportError:
        print(MISSING_EXTRA, file=sys.stderr)
        sys.exit(2)
    level = os.environ.get("DOCKLINT_LSP_LOG", "WARNING").upper()
    logging.basicConfig(stream=sys.stderr, level=getattr(logging, level, logging.WARNING),
                        format="docklint-lsp %(levelname)s %(name)s: %(message)s")
    server = create_server()
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr           # a stray print() must not corrupt the protocol stream
    server.start_io(stdin, stdout)
    sys.exit(0 if server.shutdown_requested else 1)


if __name__ == "__main__":
    if {"-h", "--help"} & set(sys.argv[1:]):
        print("usage: python -m docklint.lsp [--stdio]\n\n"
              "Run docklint's language server: LSP on standard input and output (the only "
              "transport;\n--stdio is accepted for editors that pass it).")
        sys.exit(0)
    main()
