"""What a rule is and what it produces: Severity, Edit, Fix, Related, Finding, Rule and ``@rule``.

A rule is a function that reads a :class:`docklint.model.Dockerfile` and yields :class:`Finding`
objects carrying a span, a message and, where it can, a :class:`Fix`. The engine, never the rule,
stamps the code, slug, severity and path on each finding and applies configuration and pragmas.
"""

from __future__ import annotations

import enum
import re
import sys
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Mapping

from .source import Span

__all__ = ["Severity", "Edit", "Fix", "Related", "Finding", "Option", "Rule", "rule", "DOCS_URL"]

DOCS_URL = "https://github.com/docklint/docklint/blob/main/docs/rules.md#"


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


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace the text of ``span`` with ``text`` (an insertion when the span is empty)."""

    span: Span
    text: str


@dataclass(frozen=True, slots=True)
class Fix:
    """A set of non-overlapping edits that resolves a finding.

    ``safe`` fixes keep the build's behaviour; unsafe ones may change what the image contains and
    are applied only with ``--unsafe-fixes``.
    """

    message: str
    edits: tuple[Edit, ...]
    safe: bool = True


@dataclass(frozen=True, slots=True)
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


@dataclass(frozen=True, slots=True)
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


@dataclass(frozen=True)
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


CheckFn = Callable[[Any, Mapping[str, Any]], Iterable[Finding]]

FIX_SAFETY = ("never", "sometimes", "always")
SUBCODES_OFF = "off-by-default"       # the option listing a rule's sub-codes that are off
GROUPING = ("instruction", "file", "none")


@dataclass(frozen=True, eq=False)
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
    # lists are reported only where a selector names them (`--select SC2016`)
    subcodes: str = ""
    # one problem is one finding: the engine merges this rule's findings (of one sub-code) that
    # fall in one instruction ("instruction", the default) or anywhere in the file ("file") into
    # one, at the first, with the others as related locations; "none" keeps them apart
    group: str = "instruction"
    # the message of a merged finding: a format string with {count}, {labels} (the findings'
    # labels, quoted and joined) and {message} (the first finding's message); empty: the first
    # message followed by the labels of the others
    group_message: str = ""

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
         group_message: str = "") -> Callable[[CheckFn], CheckFn]:
    """Declare a rule. The rule's documentation is its module's docstring."""
    if fixable not in FIX_SAFETY:
        raise ValueError(f"fixable must be one of {FIX_SAFETY}")
    if group not in GROUPING:
        raise ValueError(f"group must be one of {GROUPING}")

    def wrap(fn: CheckFn) -> CheckFn:
        module = sys.modules.get(fn.__module__)
        docs = (module.__doc__ if module else None) or fn.__doc__ or ""
        fn.__docklint_rule__ = Rule(  # type: ignore[attr-defined]
            code=code, slug=slug, severity=severity, check=fn, docs=docs.strip(),
            tags=frozenset(tags), aliases=tuple(aliases), fixable=fixable,
            options=dict(options or {}), default_enabled=default_enabled, status=status,
            module=fn.__module__, subcodes=subcodes, group=group, group_message=group_message)
        return fn

    return wrap
