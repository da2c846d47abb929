"""What a rule is and what it produces: Severity, Edit, Fix, Related, Finding, Rule and ``@rule``.

A rule is a function that reads a :class:`docklint.model.Dockerfile` and yields :class:`Finding`
objects carrying a span, a message and, where it can, a :class:`Fix`. The engine, never the rule,
stamps the code, slug, severity and path on each finding and applies configuration and pragmas.
"""

from __future__ import annotations

import enum
import re
import sys
from docklint.record import record, field
TYPE_CHECKING = False   # typing.TYPE_CHECKING without importing typing (3 ms of each start)

from docklint.lazyre import lazy
from .source import Span

__all__ = ["Severity", "Edit", "Fix", "Related", "Finding", "Option", "Rule", "rule", "DOCS_URL",
           "CannotCheck", "printable", "UNPRINTABLE"]

DOCS_URL = "https://github.com/docklint/docklint/blob/main/docs/rules.md#"

# Characters that must never reach a terminal (or a line-oriented report) raw: C0 controls but
# the tab (ESC starts clear-screen, window-title and hyperlink sequences; a line break would
# split a report line), DEL, C1 controls (0x9B is a CSI on 8-bit terminals), the format
# characters (Cf: bidi overrides, isolates and marks that reorder what is shown, "Trojan
# Source"; zero-width and invisible characters; tag characters) except the zero-width joiner
# and non-joiner that emoji sequences and several scripts need, the line and paragraph
# separators, and lone surrogates (an undecodable byte of a file name, which would be written
# back raw). Ordinary non-ASCII text (é, 中, emoji) is left alone.
UNPRINTABLE = lazy(
    "[\x00-\x08\x0a-\x1f\x7f-\x9f\xad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891"
    "\u08e2\u180e\u200b\u200e\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff"
    "\ufff9-\ufffb\ud800-\udfff\U000110bd\U000110cd\U00013430-\U0001343f"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f]")

_NAMED = {"\n": "\\n", "\r": "\\r"}


def _escaped(match: "re.Match[str]") -> str:
    ch = match.group()
    code = ord(ch)
    if ch in _NAMED:
        return _NAMED[ch]
    if 0xDC80 <= code <= 0xDCFF:        # a byte that was not UTF-8 (surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    if code <= 0xFF:
        return f"\\x{code:02x}"
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def printable(text: str) -> str:
    """``text`` safe to show on a terminal and on one report line: the characters of
    :data:`UNPRINTABLE` written as escapes (``\\x1b``, ``\\u202e``, ``\\n``); a tab stays a tab.
    The engine applies it once to every message it stamps (finding, related, fix); reports
    apply it to file names."""
    if text.isprintable() or ("\t" in text and text.replace("\t", " ").isprintable()):
        return text     # every character of UNPRINTABLE is one str.isprintable refuses
    return UNPRINTABLE.sub(_escaped, text) if UNPRINTABLE.search(text) else text


class CannotCheck(Exception):
    """Raised by a rule (or what it calls) that cannot check some input within its budget: the
    engine reports it as a DK005 finding at ``span`` (else at the instruction being checked)
    saying ``reason``, as it does for a rule that crashed."""

    def __init__(self, reason: str, span: Span | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.span = span


class Severity(enum.IntEnum):
    """How bad a finding is; ordered so that ``ERROR > WARNING > INFO``."""

    INFO = 1
    WARNING = 2
    ERROR = 3

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, value: str) -> "Severity":
        """Accept ``error``/``warning``/``info`` and hadolint's ``style`` (= info)."""
        key = str(value).strip().lower()
        if key == "style":
            return cls.INFO
        try:
            return cls[key.upper()]
        except KeyError:
            raise ValueError(f"unknown severity {value!r} (use error, warning or info)") from None

    def __str__(self) -> str:
        return self.label


@record(frozen=True, slots=True)
class Edit:
    """Replace the text of ``span`` with ``text`` (an insertion when the span is empty)."""

    span: Span
    text: str


@record(frozen=True, slots=True)
class Fix:
    """A set of non-overlapping edits that resolves a finding.

    ``safe`` fixes keep the build's behaviour; unsafe ones may change what the image contains and
    are applied only with ``--unsafe-fixes``.
    """

    message: str
    edits: tuple[Edit, ...]
    safe: bool = True


@record(frozen=True, slots=True)
class Related:
    """A second location of a finding.

    Either it explains the finding (the evidence, the earlier declaration...), or, with
    ``occurrence`` set, it is another place where the same problem occurs: the engine merges a
    rule's findings in one instruction into one finding (see :attr:`Rule.group`), and each
    merged place keeps its own message and ``fix``, so that an editor can fix one word alone.
    """

    span: Span
    message: str
    fix: Fix | None = None
    occurrence: bool = False


@record(frozen=True, slots=True)
class Finding:
    """One problem at one place.

    Rules fill ``span``, ``message`` and optionally ``fix``, ``related`` and ``severity`` (to
    override the rule's default for this finding). The engine fills the rest; a rule with
    ``subcodes`` may also set ``code`` (and ``slug``) to one of its own sub-codes.
    """

    span: Span
    message: str
    fix: Fix | None = None
    related: tuple[Related, ...] = ()
    severity: Severity | None = None
    # what the finding is about, in a few words (a package name, a variable): the engine lists
    # these in the message of a merged finding; by default the text at ``span``
    label: str = ""
    # the problem this finding is one place of (a key of the rule's choosing): the engine merges
    # a rule's findings with the same non-empty ``problem`` into one wherever they are in the
    # file (an image left unpinned at three FROMs, a row of RUNs), as for Rule.group
    problem: str = ""
    # stamped by the engine
    code: str = ""
    slug: str = ""
    path: str = ""
    line: int = 0
    column: int = 0
    end_line: int = 0
    end_column: int = 0
    # resolved positions of ``related``: (line, column, end_line, end_column, message)
    related_positions: tuple[tuple[int, int, int, int, str], ...] = ()

    @property
    def level(self) -> Severity:
        return self.severity or Severity.WARNING

    def sort_key(self) -> tuple:
        return (self.path, self.line, self.column, self.code, self.message)


@record(frozen=True)
class Option:
    """A per-rule option: its default, its type and what it does."""

    default: Any
    help: str
    type: type | tuple[type, ...] | None = None

    def validate(self, value: Any) -> Any:
        expected = self.type or type(self.default)
        if expected is bool and not isinstance(value, bool):
            raise ValueError("expected true or false")
        if isinstance(value, bool) and expected is not bool and \
                not (isinstance(expected, tuple) and bool in expected):
            raise ValueError(f"expected {getattr(expected, '__name__', expected)}, "
                             "not true/false")
        if not isinstance(value, expected):
            names = expected.__name__ if isinstance(expected, type) else \
                " or ".join(t.__name__ for t in expected)
            raise ValueError(f"expected {names}")
        return value


if TYPE_CHECKING:
    from typing import Any, Callable, Iterable, Mapping
    CheckFn = Callable[[Any, Mapping[str, Any]], Iterable[Finding]]

FIX_SAFETY = ("never", "sometimes", "always")
SUBCODES_OFF = "off-by-default"       # the option listing a rule's sub-codes that are off
GROUPING = ("instruction", "file", "none")
# what a rule can say it needs in a file (``@rule(needs=...)``); docklint.registry tells
# whether a file has it, from the model
FEATURES = {
    "stage-names": "a FROM whose second word is AS (`FROM image AS name`)",
    "several-stages": "more than one stage",
    "empty-continuations": "an instruction continued over an empty line",
    "encoding-problems": "text that did not decode cleanly (a BOM, invalid UTF-8...)",
    "consecutive-runs": "a RUN right after another RUN",
    "repeated-commands": "a stage with two CMD, two ENTRYPOINT or two HEALTHCHECK",
    "shell-form-commands": "a CMD, ENTRYPOINT or HEALTHCHECK not in exec (JSON) form",
}


@record(frozen=True, eq=False)
class Rule:
    """A rule's metadata and its check function."""

    code: str
    slug: str
    severity: Severity
    check: CheckFn
    docs: str
    tags: frozenset[str] = frozenset()
    aliases: tuple[str, ...] = ()
    fixable: str = "never"
    options: Mapping[str, Option] = field(default_factory=dict)
    default_enabled: bool = True
    status: str = "stable"
    module: str = ""
    # a rule that reports under codes of its own (ShellCheck's SC2086...): the regex they match.
    # Such a rule may have an option named SUBCODES_OFF ("off-by-default"): the sub-codes it
    # lists are reported only where a selector names them (`--select SC2016`). Its check gets
    # in that option only those the run neither reports nor judges (docklint.engine), and may
    # leave out work only they need
    subcodes: str = ""
    # one problem is one finding: the engine merges this rule's findings (of one sub-code) that
    # fall in one instruction ("instruction", the default) or anywhere in the file ("file") into
    # one, at the first, with the others as related locations; "none" keeps them apart
    group: str = "instruction"
    # the message of a merged finding: a format string with {count}, {others} (count - 1),
    # {labels} (the findings' labels, quoted and joined) and {message} (the first finding's
    # message); empty: the first message followed by the labels of the others
    group_message: str = ""
    # the instruction keywords ("RUN", "COPY"...) one of which a file must contain for this rule
    # to find anything in it (an ONBUILD trigger counts as its inner keyword); empty: any file.
    # The engine does not run (nor import) a rule whose triggers the file lacks, so a rule
    # declares them only where every finding it makes comes from such an instruction
    triggers: frozenset[str] = frozenset()
    # words one of which the file's text must contain for this rule to find anything, compared
    # without regard to case, quotes or backslashes (see docklint.registry.text_of): the command
    # names a rule reacts to (``apt``, ``pip``), ``|`` for a pipe; empty: no such condition.
    # Like ``triggers``, declared only where every finding the rule makes needs one of them
    words: frozenset[str] = frozenset()
    # what the file must have, one of which, for this rule to find anything in it: names from
    # FEATURES (``stage-names``: a FROM with an AS word...), which the engine checks on the
    # model before it runs (or imports) the rule. Like ``triggers``, declared only where every
    # finding the rule makes needs one of them
    needs: frozenset[str] = frozenset()
    # the option that turns the rule on: while it is empty (false) the rule finds nothing, and
    # the engine neither runs nor imports it (e.g. a list of trusted registries); "" for none
    off_unless: str = ""

    def owns_subcode(self, code: str) -> bool:
        return bool(self.subcodes) and re.fullmatch(self.subcodes, code, re.I) is not None

    @property
    def summary(self) -> str:
        for line in self.docs.strip().splitlines():
            if line.strip() and not line.startswith("#"):
                return line.strip()
        return self.slug

    @property
    def help_uri(self) -> str:
        return DOCS_URL + self.code.lower()

    def section(self, heading: str) -> str:
        """The text under ``## heading`` of the docs ('' when absent)."""
        out: list[str] = []
        inside = False
        fenced = False
        for line in self.docs.splitlines():
            if line.startswith(("```", "~~~")):
                fenced = not fenced
            elif line.startswith("## ") and not fenced:
                inside = line[3:].strip().lower() == heading.lower()
                continue
            if inside:
                out.append(line)
        return "\n".join(out).strip()

    def default_options(self) -> dict[str, Any]:
        return {name: opt.default for name, opt in self.options.items()}


def rule(code: str, slug: str, severity: Severity, *, tags: Iterable[str] = (),
         aliases: Iterable[str] = (), fixable: str = "never",
         options: Mapping[str, Option] | None = None, default_enabled: bool = True,
         status: str = "stable", subcodes: str = "", group: str = "instruction",
         group_message: str = "", triggers: Iterable[str] = (), words: Iterable[str] = (),
         needs: Iterable[str] = (), off_unless: str = "") -> Callable[[CheckFn], CheckFn]:
    """Declare a rule. The rule's documentation is its module's docstring.

    ``triggers``: the instruction keywords one of which a file needs for the rule to find
    anything (see :attr:`Rule.triggers`); leave it out for a rule that reads anything else
    (the stage graph, the final image, FROM-level facts, comments). ``words``: text one
    piece of which the file must contain (lower case; see :attr:`Rule.words`), usually the
    names of the commands the rule reads. ``needs``: what the file must have, one of which,
    named from :data:`FEATURES` (see :attr:`Rule.needs`). ``off_unless``: the option without
    which (while its value is empty) the rule finds nothing (see :attr:`Rule.off_unless`).
    After changing a rule's metadata, regenerate the rule index:
    ``python -m docklint.registry --write-index``."""
    if fixable not in FIX_SAFETY:
        raise ValueError(f"fixable must be one of {FIX_SAFETY}")
    if group not in GROUPING:
        raise ValueError(f"group must be one of {GROUPING}")
    triggers = (triggers,) if isinstance(triggers, str) else tuple(triggers)
    if not all(isinstance(t, str) and t.isalpha() and t.isupper() for t in triggers):
        raise ValueError("triggers must be upper-case instruction keywords, e.g. ('RUN',)")
    words = (words,) if isinstance(words, str) else tuple(words)
    if not all(isinstance(w, str) and w and w == w.lower() and not set(w) & set("'\"\\`")
               for w in words):
        raise ValueError("words must be non-empty lower-case text without quotes or "
                         "backslashes, e.g. ('apt', 'pip')")
    needs = (needs,) if isinstance(needs, str) else tuple(needs)
    unknown = [n for n in needs if n not in FEATURES]
    if unknown:
        raise ValueError(f"needs: unknown feature {unknown[0]!r} (one of {', '.join(FEATURES)})")
    if off_unless and off_unless not in (options or {}):
        raise ValueError(f"off_unless names {off_unless!r}, which is not one of the rule's "
                         "options")

    def wrap(fn: CheckFn) -> CheckFn:
        module = sys.modules.get(fn.__module__)
        docs = (module.__doc__ if module else None) or fn.__doc__ or ""
        fn.__docklint_rule__ = Rule(  # type: ignore[attr-defined]
            code=code, slug=slug, severity=severity, check=fn, docs=docs.strip(),
            tags=frozenset(tags), aliases=tuple(aliases), fixable=fixable,
            options=dict(options or {}), default_enabled=default_enabled, status=status,
            module=fn.__module__, subcodes=subcodes, group=group, group_message=group_message,
            triggers=frozenset(triggers), words=frozenset(words), needs=frozenset(needs),
            off_unless=off_unless)
        return fn

    return wrap
