"""Suppressions: the comments (and the BuildKit check configuration) that silence findings.

Forms docklint honours, each acting on the rules that carry the names it uses (codes, slugs,
aliases):

``# docklint ignore=DK101,missing-ca-bundle  # reason``
    The next instruction (its whole span); blank lines and other comments may come between.
    ``# docklint stage ignore=`` before a FROM covers that stage, ``# docklint global ignore=``
    the whole file. Codes, slugs, aliases, prefixes (``DK1``), tags and sub-codes (``SC2086``)
    all work, in any case.
``# hadolint ignore=DL3008,DL3009`` (also ``#hadolint``), ``# hadolint global ignore=``,
``# hadolint stage ignore=``
    The same scopes, with hadolint's names: ``DLnnnn`` codes (matched against the rules' aliases)
    and ShellCheck ``SCnnnn`` codes. A real hadolint code that no docklint rule carries is
    accepted (there is nothing for it to silence); a code hadolint does not have is a DK001.
    ``# hadolint shell=bash`` is recognised and does not suppress anything.
``# check=skip=A,B;error=true;experimental=C`` (BuildKit's file-level parser directive), or the
``BUILDKIT_DOCKERFILE_CHECK`` build argument, which replaces it
    ``skip=`` silences the rules carrying those BuildKit check names (case-sensitive) in the
    whole file; ``skip=all`` every rule carrying a non-experimental BuildKit name. ``skip`` never
    affects the experimental check (InvalidDefinitionDescription). ``error=true`` turns every
    finding of a rule carrying a BuildKit name into an error (BuildKit fails the build when any
    check fires), except the experimental check's where ``experimental=`` (in the same
    configuration, or in a ``# check=`` comment attached to the instruction) does not enable it:
    BuildKit does not run it there. ``experimental=NAME`` (or ``all``) turns on, for this file,
    the off-by-default rules carrying that experimental BuildKit name (DK623 for
    InvalidDefinitionDescription), as BuildKit runs the check, ``skip=all`` or not; in a
    ``# check=`` comment attached to an instruction it turns them on for that instruction only.
    It adds to a run whose rules are docklint's defaults (no ``select``, or one naming
    ``default``, as a hadolint configuration does); an explicit ``select`` without ``default``
    and an ``ignore`` naming the rule win (see :func:`with_experimental`). Only the text before
    the first space counts.
``# check=skip=...`` among the comments attached to an instruction (BuildKit >= 1.21)
    Only that instruction (for MultipleInstructionsDisallowed, reported at the earlier
    instruction, the comment above the *later* one counts, as in BuildKit). Only the first such
    comment of a block counts; ``error=`` is ignored there; on a FROM only the FROM-level checks
    are affected; the whole-file checks never are.

Everything that would silently do nothing is reported as DK001 (invalid-pragma): malformed
pragmas, unknown names, check options BuildKit ignores or rejects, pragmas with nothing to apply
to. No pragma silences DK001.

``collect`` parses the inline forms (``pragmas_of`` keeps its result per Dockerfile, so that
happens once per file); ``suppressions`` adds the file-level check configuration (which needs
the parser's view of the directives and the build arguments) and is memoised per Dockerfile too.
The engine asks ``Suppressions.active`` for what may silence in a run and ``Active.matching`` for
what silences a finding, and ``Active.unused`` for DK002 (unused-suppression).
"""

from __future__ import annotations

import bisect
import re
from docklint.record import record
from collections import namedtuple
TYPE_CHECKING = False   # typing.TYPE_CHECKING without importing typing (3 ms of each start)

from docklint.lazyre import lazy
from . import registry
from .registry import UnknownRule, resolve, subcode_owner
from .source import Span
from .syntax import Comment, Instruction

if TYPE_CHECKING:
    from typing import Iterable
    from .model import Dockerfile
    from .rule import Rule

__all__ = ["Entry", "Pragma", "PragmaProblem", "Collected", "Suppressions", "Active", "collect",
           "pragmas_of", "suppressions", "is_buildkit", "BUILDKIT_CHECKS",
           "BUILDKIT_EXPERIMENTAL", "BUILDKIT_FROM_LEVEL", "BUILDKIT_WHOLE_FILE", "HADOLINT_RULES",
           "HADOLINT_RETIRED", "CHECK_BUILD_ARG", "PRAGMA_CODE", "UNUSED_CODE",
           "with_experimental"]

PRAGMA_CODE = "DK001"           # invalid-pragma: never silenced
UNUSED_CODE = "DK002"           # unused-suppression
CHECK_BUILD_ARG = "BUILDKIT_DOCKERFILE_CHECK"

# BuildKit's build checks (Dockerfile frontend 1.26.0)
BUILDKIT_CHECKS = frozenset({
    "StageNameCasing", "FromAsCasing", "NoEmptyContinuation", "ConsistentInstructionCasing",
    "DuplicateStageName", "ReservedStageName", "JSONArgsRecommended", "MaintainerDeprecated",
    "UndefinedArgInFrom", "WorkdirRelativePath", "UndefinedVar", "MultipleInstructionsDisallowed",
    "LegacyKeyValueFormat", "InvalidBaseImagePlatform", "RedundantTargetPlatform",
    "SecretsUsedInArgOrEnv", "InvalidDefaultArgInFrom", "FromPlatformFlagConstDisallowed",
    "CopyIgnoredFile", "InvalidDefinitionDescription", "ExposeProtoCasing", "ExposeInvalidFormat"})
# off unless `experimental=` names it; `skip=` never affects it
BUILDKIT_EXPERIMENTAL = frozenset({"InvalidDefinitionDescription"})
# the checks a per-instruction `# check=` comment above a FROM affects
BUILDKIT_FROM_LEVEL = frozenset({
    "StageNameCasing", "FromAsCasing", "InvalidDefinitionDescription", "UndefinedArgInFrom",
    "RedundantTargetPlatform", "FromPlatformFlagConstDisallowed"})
# checks run over the whole file: per-instruction comments never affect them
BUILDKIT_WHOLE_FILE = frozenset({
    "DuplicateStageName", "ReservedStageName", "ConsistentInstructionCasing",
    "InvalidDefaultArgInFrom", "NoEmptyContinuation"})
# reported at the earlier instruction but emitted while dispatching the later one
_BUILDKIT_REPORTED_EARLIER = frozenset({"MultipleInstructionsDisallowed"})
# ... and the hadolint codes of the same rule, which hadolint reports at the later instruction
_HADOLINT_REPORTED_LATER = frozenset({"DL3012", "DL4003", "DL4004"})
_REPEATED_KEYWORDS = ("CMD", "ENTRYPOINT", "HEALTHCHECK")

# hadolint 2.15.1's rule codes, and the ones it retired
HADOLINT_RULES = frozenset(
    ["DL1001"]
    + [f"DL{n}" for n in range(3000, 3068) if n not in (3005, 3017, 3031, 3039)]
    + ["DL4000", "DL4001", "DL4003", "DL4004", "DL4005", "DL4006"])
HADOLINT_RETIRED = frozenset({"DL3005", "DL3017", "DL3031", "DL3039"})

_DOCKLINT = lazy(r"^docklint\b(?P<body>.*)$", re.I | re.S)
_HADOLINT = lazy(r"^hadolint\b(?P<body>.*)$", re.I | re.S)
_IGNORE_FORM = lazy(r"^\s+(?:(?P<scope>global|stage)\s+)?ignore\s*=\s*(?P<codes>[^#]*?)\s*"
                          r"(?:#\s*(?P<reason>.*))?$", re.I | re.S)
_HADOLINT_SHELL = lazy(r"^\s+shell\s*=\s*\S+\s*$", re.I)
# `# hadolint` followed by one of its pragma words or by something with `=`: meant as a pragma
_HADOLINT_ATTEMPT = lazy(r"^\s*(?:$|=|(?:ignore|global|stage|shell)\b|\S*=)", re.I)
_HADOLINT_CODE = lazy(r"^DL\d{4}$", re.I)
_SHELLCHECK_CODE = lazy(r"^SC\d{4}$", re.I)
# a comment that BuildKit reads as `check=...` (the directive grammar, without the `#`)
_CHECK = lazy(r"^(?P<key>[a-zA-Z][a-zA-Z0-9]*)[\t\n\f\r ]*=[\t\n\f\r ]*(?P<value>.+?)"
                    r"[\t\n\f\r ]*$", re.S)
_GO_TRUE = ("1", "t", "T", "TRUE", "true", "True")
_GO_FALSE = ("0", "f", "F", "FALSE", "false", "False")


@record(frozen=True)
class Entry:
    """One name a pragma lists, as written, and the rule codes (and sub-codes) it silences.

    ``codes`` is empty when the name is valid but no docklint rule reports it (a hadolint code
    docklint does not implement): such an entry silences nothing and DK002 does not judge it.
    """

    name: str
    codes: frozenset[str]


@record(frozen=True, eq=False)
class Pragma:
    """One suppression.

    ``form`` is ``docklint``, ``hadolint`` or ``check``. ``scope`` is ``next`` (the instruction
    after the comment), ``stage``, ``global``, ``instruction`` (a check comment attached to
    ``instruction``) or ``file`` (the check directive, or the build argument when ``span`` is
    None). ``covers`` is the span a ``next``/``stage``/``instruction`` pragma reaches.
    """

    form: str
    scope: str
    entries: tuple[Entry, ...]
    span: Span | None
    covers: Span | None = None
    instruction: Instruction | None = None
    reason: str = ""

    @property
    def codes(self) -> frozenset[str]:
        out: set[str] = set()
        for e in self.entries:
            out |= e.codes
        return frozenset(out)


@record(frozen=True)
class PragmaProblem:
    """A DK001 finding: a pragma that does not do what it says."""

    span: Span
    message: str
    origin: str = ""            # "check-instruction" for problems of a per-instruction comment


# What ``collect`` finds among a file's comments: the pragmas (list[Pragma]), the problems
# (list[PragmaProblem]), and the `check=` comments attached to no instruction (list[Comment],
# judged once the file directive is known).
Collected = namedtuple("Collected", ("pragmas", "problems", "loose_checks"))


# ---------------------------------------------------------------- BuildKit names

def is_buildkit(rule: "Rule") -> bool:
    """Whether a rule carries a BuildKit check name (so `# check=` acts on it)."""
    return any(a in BUILDKIT_CHECKS for a in rule.aliases)


def _rules_with_alias(name: str) -> list["Rule"]:
    """The rules carrying ``name`` exactly as an alias (through the registry's resolver)."""
    try:
        found = resolve(name)
    except UnknownRule:
        return []
    return [r for r in found if name in r.aliases]


def _skip_all_codes(aliases_allowed: frozenset[str]) -> frozenset[str]:
    """The rules ``skip=all`` reaches: those carrying a non-experimental BuildKit name that is in
    ``aliases_allowed``."""
    return frozenset(r.code for r in registry.all_rules()
                     if any(a in aliases_allowed and a not in BUILDKIT_EXPERIMENTAL
                            for a in r.aliases))


@record
class _CheckOptions:
    skip_all: bool = False
    skip: tuple[str, ...] = ()
    error: bool | None = None
    experimental_all: bool = False
    experimental: tuple[str, ...] = ()
    has_experimental: bool = False
    has_error: bool = False


def _parse_check(value: str) -> tuple[_CheckOptions | None, str]:
    """BuildKit's check options: the text before the first space, up to three `;`-separated
    ``key=value`` parts (the third takes the rest). Returns (options, "") or (None, error)."""
    value = value.strip().split(" ", 1)[0]
    opts = _CheckOptions()
    if not value:
        return opts, ""
    for part in value.split(";", 2):
        if "=" not in part:
            return None, f'invalid check option "{part}"'
        key, val = part.split("=", 1)
        key = key.strip()
        val = val.strip()
        if key == "skip":
            if val == "all":
                opts.skip_all = True
            else:
                opts.skip = tuple(n.strip() for n in val.split(","))
        elif key == "experimental":
            opts.has_experimental = True
            if val == "all":
                opts.experimental_all = True
            else:
                opts.experimental = tuple(n.strip() for n in val.split(","))
        elif key == "error":
            if val in _GO_TRUE:
                opts.error = True
            elif val in _GO_FALSE:
                opts.error = False
            else:
                return None, f'invalid boolean "{val}" in check option "{part}"'
            opts.has_error = True
        else:
            return None, f'invalid check option "{key}"'
    return opts, ""


def _bk_name_problem(name: str, option: str) -> str:
    """Why a name in ``skip=``/``experimental=`` is not a BuildKit check ('' if it is one)."""
    if name in BUILDKIT_CHECKS:
        return ""
    if not name:
        return (f"empty check name in `{option}=` (BuildKit reads the value only up to the "
                "first space)")
    proper = next((c for c in BUILDKIT_CHECKS if c.lower() == name.lower()), None)
    if proper:
        return (f"BuildKit check names are case-sensitive: `{name}` matches nothing "
                f"(did you mean {proper}?)")
    hint = ""
    try:
        if resolve(name):
            hint = "; use `# docklint ignore=` for docklint's own names"
    except UnknownRule:
        pass
    return f"{name} is not a BuildKit check: BuildKit accepts it silently, so it does nothing{hint}"


def _check_entries(opts: _CheckOptions, where: str, ins: Instruction | None
                   ) -> tuple[list[Entry], list[str]]:
    """The entries a check configuration's ``skip`` makes, and the messages for what does
    nothing. ``where`` is ``file`` or ``instruction`` (then ``ins`` is the instruction)."""
    if where == "instruction":
        allowed = BUILDKIT_CHECKS - BUILDKIT_WHOLE_FILE
        if ins is not None and ins.keyword == "FROM":
            allowed = allowed & BUILDKIT_FROM_LEVEL
    else:
        allowed = BUILDKIT_CHECKS
    entries: list[Entry] = []
    problems: list[str] = []
    if opts.skip_all:
        entries.append(Entry("all", _skip_all_codes(allowed)))
    seen: set[str] = set()
    for name in opts.skip:
        if name in seen and name:
            continue
        seen.add(name)
        why = _bk_name_problem(name, "skip")
        if why:
            problems.append(why)
        elif name in BUILDKIT_EXPERIMENTAL:
            problems.append(f"`skip=` does not affect the experimental check {name}: BuildKit "
                            "runs it only when `experimental=` names it, and then always")
        elif name in BUILDKIT_WHOLE_FILE and where == "instruction":
            problems.append(f"{name} is a whole-file check: a `# check=` comment above an "
                            "instruction does not affect it (use the file-level directive)")
        elif name not in allowed:
            problems.append(f"on a FROM, a `# check=` comment only affects the FROM's own checks "
                            f"({', '.join(sorted(BUILDKIT_FROM_LEVEL))}): {name} is not one "
                            "of them")
        else:
            entries.append(Entry(name, frozenset(r.code for r in _rules_with_alias(name))))
    for name in opts.experimental:
        why = _bk_name_problem(name, "experimental")
        if why:
            problems.append(why)
        elif name not in BUILDKIT_EXPERIMENTAL:
            problems.append(f"{name} is not experimental: `experimental=` has no effect on it")
    return entries, problems


# ---------------------------------------------------------------- inline pragmas

def collect(comments: list[Comment], instructions: list[Instruction]) -> Collected:
    """Parse every inline pragma among ``comments``: docklint's, hadolint's and the `check=`
    comments attached to instructions."""
    pragmas: list[Pragma] = []
    problems: list[PragmaProblem] = []
    loose: list[Comment] = []
    starts = [i.span.start for i in instructions]
    attached: dict[int, tuple[Instruction, bool]] | None = None   # id(comment) -> (ins, first)
    for c in comments:
        if c.directive:
            continue
        text = c.text
        head = text[:8].lower()
        if head == "docklint" and _DOCKLINT.match(text):
            form = "docklint"
        elif head == "hadolint" and _HADOLINT.match(text):
            form = "hadolint"
            if not _HADOLINT_ATTEMPT.match(text[8:]):
                continue        # prose that starts with the word, not a pragma
        elif head[:5] == "check":
            m = _CHECK.match(text)
            if not m or m.group("key").lower() != "check":
                continue
            form = "check"
        else:
            continue
        if c.in_continuation:
            what = "`# check=` comment" if form == "check" else f"{form} pragma"
            problems.append(PragmaProblem(c.span, f"{what} inside a continued instruction "
                                          "applies to nothing (BuildKit drops comments there); "
                                          "put it above the instruction"))
            continue
        if form == "check":
            if attached is None:
                attached = _attached_checks(comments, instructions)
            where = attached.get(id(c))
            if where is None:
                loose.append(c)
                continue
            ins, first = where
            if not first:
                problems.append(PragmaProblem(
                    c.span, "only the first `# check=` comment above an instruction counts: "
                    "BuildKit ignores this one", "check-instruction"))
                continue
            p, probs = _instruction_check(c, ins)
            problems.extend(probs)
            if p is not None:
                pragmas.append(p)
            continue
        if form == "hadolint" and _HADOLINT_SHELL.match(text[8:]):
            continue            # `# hadolint shell=...`: tells hadolint the shell, silences nothing
        p, probs = _ignore_pragma(form, c, instructions, starts)
        problems.extend(probs)
        if p is not None:
            pragmas.append(p)
    return Collected(pragmas, problems, loose)


def _ignore_pragma(form: str, c: Comment, instructions: list[Instruction], starts: list[int]
                   ) -> tuple[Pragma | None, list[PragmaProblem]]:
    """A ``# docklint ...`` or ``# hadolint ...`` ignore pragma."""
    problems: list[PragmaProblem] = []
    m = _IGNORE_FORM.match(c.text[8:])
    if not m or not m.group("codes").strip():
        expected = ("`# docklint [global|stage] ignore=CODE[,CODE...]`" if form == "docklint" else
                    "`# hadolint [global|stage] ignore=DLnnnn[,...]` or `# hadolint shell=NAME`")
        return None, [PragmaProblem(c.span, f"malformed {form} pragma: expected {expected}")]
    entries: list[Entry] = []
    bad = False
    seen: set[str] = set()
    for raw in m.group("codes").split(","):
        name = raw.strip()
        if not name or name.upper() in seen:
            continue
        seen.add(name.upper())
        entry, why = (_docklint_entry if form == "docklint" else _hadolint_entry)(name)
        if why:
            problems.append(PragmaProblem(c.span, why))
        if entry is None:
            bad = True
        else:
            entries.append(entry)
    if not entries:
        if not bad:
            problems.append(PragmaProblem(c.span, f"{form} pragma names no rule"))
        return None, problems
    # with a name it cannot read, hadolint drops the whole pragma; docklint keeps the valid
    # names (`# hadolint ignore=crazy,DL3002` still silences DL3002) and reports the others
    scope = (m.group("scope") or "next").lower()
    covers: Span | None = None
    if scope in ("next", "stage"):
        nxt = _next_instruction(instructions, starts, c.span.end)
        if nxt is None:
            problems.append(PragmaProblem(c.span, f"{form} pragma is not followed by an "
                                          "instruction"))
            return None, problems
        if scope == "stage":
            if nxt.keyword != "FROM":
                problems.append(PragmaProblem(
                    c.span, f"`{form} stage ignore=` must come right before a FROM"))
                return None, problems
            covers = _stage_span(instructions, nxt)
        else:
            covers = nxt.span
    return Pragma(form, scope, tuple(entries), c.span, covers,
                  reason=(m.group("reason") or "").strip()), problems


def _docklint_entry(name: str) -> tuple[Entry | None, str]:
    if subcode_owner(name) is not None:
        return Entry(name, frozenset({name.upper()})), ""   # one sub-code, not the whole rule
    try:
        rules = resolve(name)
    except UnknownRule as exc:
        return None, f"{exc} in docklint pragma"
    codes = frozenset(r.code for r in rules if r.code != PRAGMA_CODE)
    if not codes:
        return None, f"{PRAGMA_CODE} (invalid-pragma) cannot be silenced by a pragma"
    return Entry(name, codes), ""


def _hadolint_entry(name: str) -> tuple[Entry | None, str]:
    if _SHELLCHECK_CODE.match(name):
        owner = subcode_owner(name)
        return Entry(name, frozenset({name.upper()}) if owner else frozenset()), ""
    code = name.upper()
    if _HADOLINT_CODE.match(name) and code in HADOLINT_RETIRED:
        return None, (f"{name} is a retired hadolint rule: nothing reports it any more, so "
                      "this ignore does nothing")
    if not _HADOLINT_CODE.match(name) or code not in HADOLINT_RULES:
        hint = ""
        try:
            if resolve(name):
                hint = " (use `# docklint ignore=` for docklint's own names)"
        except UnknownRule:
            pass
        return None, f"{name} is not a hadolint rule docklint knows{hint}"
    return Entry(name, frozenset(r.code for r in _rules_with_alias_ci(code))), ""


def _rules_with_alias_ci(code: str) -> list["Rule"]:
    try:
        found = resolve(code)
    except UnknownRule:
        return []
    return [r for r in found if code in (a.upper() for a in r.aliases)]


def _attached_checks(comments: list[Comment], instructions: list[Instruction]
                     ) -> dict[int, tuple[Instruction, bool]]:
    """The `check=` comments among each instruction's attached comments (BuildKit's
    PrevComment): id(comment) -> (instruction, whether it is the block's first check comment)."""
    out: dict[int, tuple[Instruction, bool]] = {}
    plain = [c for c in comments if not c.directive and not c.in_continuation]
    starts = [c.span.start for c in plain]
    prev_end = -1
    for ins in instructions:
        n = len(ins.comments)
        if n:
            lo = bisect.bisect_right(starts, prev_end)
            hi = bisect.bisect_left(starts, ins.span.start)
            block = plain[lo:hi][-n:]
            if len(block) == n and all(c.text == t for c, t in zip(block, ins.comments)):
                first = True
                for c in block:
                    m = _CHECK.match(c.text)
                    if m and m.group("key").lower() == "check":
                        out[id(c)] = (ins, first)
                        first = False
        prev_end = ins.span.end
    return out


def _instruction_check(c: Comment, ins: Instruction
                       ) -> tuple[Pragma | None, list[PragmaProblem]]:
    """A `# check=` comment attached to ``ins``."""
    m = _CHECK.match(c.text)
    assert m is not None
    opts, error = _parse_check(m.group("value"))
    if opts is None:
        return None, [PragmaProblem(c.span, f"BuildKit ignores this `# check=` comment: {error}",
                                    "check-instruction")]
    problems: list[PragmaProblem] = []
    if opts.has_error:
        problems.append(PragmaProblem(
            c.span, "`error=` has no effect in a `# check=` comment above an instruction: only "
            "the file-level directive (or BUILDKIT_DOCKERFILE_CHECK) decides", "check-instruction"))
    entries, msgs = _check_entries(opts, "instruction", ins)
    problems.extend(PragmaProblem(c.span, msg, "check-instruction") for msg in msgs)
    if not entries:
        return None, problems
    reason = m.group("value").strip().partition(" ")[2].strip()
    return Pragma("check", "instruction", tuple(entries), c.span, ins.span, ins, reason), problems


def _next_instruction(instructions: list[Instruction], starts: list[int], offset: int
                      ) -> Instruction | None:
    i = bisect.bisect_left(starts, offset)
    return instructions[i] if i < len(instructions) else None


def _stage_span(instructions: list[Instruction], from_: Instruction) -> Span:
    end = from_.span.end
    started = False
    for ins in instructions:
        if ins is from_:
            started = True
            continue
        if started:
            if ins.keyword == "FROM":
                break
            end = ins.span.end
    return Span(from_.span.start, end)


# ---------------------------------------------------------------- the whole file

@record
class Suppressions:
    """Every suppression of one file and the DK001 problems found in them."""

    pragmas: list[Pragma]
    problems: list[PragmaProblem]
    error: bool                       # `error=true` in effect (file directive or build arg)
    instructions: list[Instruction]
    # the experimental checks BuildKit runs: in the whole file (the file-level `experimental=`)
    # and in single instructions (a `# check=experimental=` comment attached to them)
    experimental: frozenset[str] = frozenset()
    experimental_at: tuple[tuple[Span, frozenset[str]], ...] = ()

    def fails_build(self, rule: "Rule", span: Span) -> bool:
        """Whether ``error=true`` makes a finding of ``rule`` at ``span`` fail BuildKit's build:
        the rule carries the name of a BuildKit check that BuildKit runs there (an experimental
        check only where ``experimental=`` enables it)."""
        if not self.error:
            return False
        for name in rule.aliases:
            if name not in BUILDKIT_CHECKS:
                continue
            if name not in BUILDKIT_EXPERIMENTAL or name in self.experimental:
                return True
            if any(where.start <= span.start < where.end and name in names
                   for where, names in self.experimental_at):
                return True
        return False

    def active(self, allow_pragmas: bool = True) -> "Active":
        """What may silence findings in a run. With ``allow_pragmas`` off only the
        BUILDKIT_DOCKERFILE_CHECK build argument (configuration, not the file) still does."""
        chosen = self.pragmas if allow_pragmas else [p for p in self.pragmas if p.span is None]
        return Active(chosen, self.instructions)


def pragmas_of(df: "Dockerfile") -> Collected:
    """docklint pragma comments, and the problems found in them (parsed once per Dockerfile,
    kept in the room the model leaves for the layers built on it)."""
    found = df._derived.get("pragmas")
    if found is None:
        found = df._derived["pragmas"] = collect(df.comments, df.instructions)
    return found


def suppressions(df: "Dockerfile") -> Suppressions:
    """The file's suppressions: ``pragmas_of(df)`` plus the file-level check configuration
    (worked out once per file, kept with the model)."""
    found = df._derived.get("suppressions")
    if found is None:
        found = df._derived["suppressions"] = _suppressions(df)
    return found


def _suppressions(df: "Dockerfile") -> Suppressions:
    inline = pragmas_of(df) if df.comments else Collected([], [], [])
    pragmas = list(inline.pragmas)
    problems = list(inline.problems)
    directive = df.parsed.file_directives.get("check")
    override = df.build_args.get(CHECK_BUILD_ARG)
    error = False
    experimental: frozenset[str] = frozenset()
    if directive is not None:
        opts, why = _parse_check(directive.value)
        if opts is None:
            problems.append(PragmaProblem(directive.span, "invalid `# check=` directive: BuildKit "
                                          f"fails the build: {why}"))
        else:
            entries, msgs = _check_entries(opts, "file", None)
            problems.extend(PragmaProblem(directive.span, msg) for msg in msgs)
            if override is None:
                error = bool(opts.error)
                experimental = _experimental(opts)
                if entries:
                    pragmas.append(Pragma("check", "file", tuple(entries), directive.span,
                                          reason=directive.value.partition(" ")[2].strip()))
        # the directive line is also the first instruction's comment (after a shebang): the
        # file-level reading decides, unless the build arg replaced it
        problems = [p for p in problems
                    if not (p.origin == "check-instruction" and p.span == directive.span)]
        if override is None:
            pragmas = [p for p in pragmas
                       if not (p.scope == "instruction" and p.span == directive.span)]
    if override is not None:
        opts, why = _parse_check(override)
        if opts is None:
            problems.append(PragmaProblem(Span(0, 0), f"invalid {CHECK_BUILD_ARG} build arg: "
                                          f"BuildKit fails the build: {why}"))
        else:
            entries, msgs = _check_entries(opts, "file", None)
            problems.extend(PragmaProblem(Span(0, 0), f"{CHECK_BUILD_ARG} build arg: {msg}")
                            for msg in msgs)
            error = bool(opts.error)
            experimental = _experimental(opts)
            if entries:
                pragmas.append(Pragma("check", "file", tuple(entries), None))
    where = directive.span if directive is not None else None
    for c in df.comments:
        if c.directive and c.span != where:
            m = _CHECK.match(c.text)
            if m and m.group("key").lower() == "check":
                problems.append(PragmaProblem(
                    c.span, "BuildKit ignores this `# check=` line: the file-level directive must "
                    "start in column 1 in the directive block at the top (once), and a directive "
                    "line is no instruction's comment either"))
    for c in inline.loose_checks:
        if c.span != where:
            problems.append(PragmaProblem(
                c.span, "this `# check=` comment applies to nothing: it is not among the comments "
                "attached to an instruction (an empty `#` line or the end of the file comes "
                "first) and not the file-level directive at the top"))
    experimental_at: list[tuple[Span, frozenset[str]]] = []
    if any(c.text[:5].lower() == "check" and not c.directive for c in df.comments):
        attached = _attached_checks(df.comments, df.instructions)
        for c in df.comments:
            where = attached.get(id(c))
            if where is None or not where[1]:
                continue            # not attached, or not the block's first check comment
            m = _CHECK.match(c.text)
            opts = _parse_check(m.group("value"))[0] if m else None
            if opts is not None and _experimental(opts):
                experimental_at.append((where[0].span, _experimental(opts)))
    return Suppressions(pragmas, problems, error, df.instructions, experimental,
                        tuple(experimental_at))


def with_experimental(df: "Dockerfile", settings, rules: list["Rule"]) -> list["Rule"]:
    """``rules`` plus the off-by-default rules that the file's check configuration enables with
    ``experimental=`` (BuildKit runs an experimental check exactly when it is named there,
    whatever ``skip=`` says).

    They are added when the run uses docklint's default rule set (``settings.select`` is None or
    names ``default``) and no ``ignore`` names them: an explicit selection, or an ignore, is the
    user's choice and wins over the file. A rule enabled only by ``# check=`` comments attached to
    instructions reports only in those instructions. ``rules`` itself is never modified."""
    if not df.comments and CHECK_BUILD_ARG not in df.build_args:
        return rules
    sup = suppressions(df)
    if not sup.experimental and not sup.experimental_at:
        return rules
    if settings.select is not None and \
            "default" not in {str(s).strip().lower() for s in settings.select}:
        return rules
    have = {r.code for r in rules}
    ignored: set[str] = set()
    for sel in settings.ignore:
        try:
            ignored |= {r.code for r in resolve(sel)}
        except UnknownRule:
            pass
    out = list(rules)
    for r in registry.all_rules():
        if r.default_enabled or r.code in have or r.code in ignored:
            continue
        names = {a for a in r.aliases if a in BUILDKIT_EXPERIMENTAL}
        if not names:
            continue
        if names & sup.experimental:
            out.append(r)
            continue
        spans = tuple(where for where, enabled in sup.experimental_at if names & enabled)
        if spans:
            out.append(_only_in(r, spans))
    if len(out) == len(rules):
        return rules
    return sorted(out, key=lambda r: r.code)


def _only_in(rule: "Rule", spans: tuple[Span, ...]) -> "Rule":
    """``rule``, reporting only findings that start in one of ``spans``."""
    from docklint.record import replace
    inner = rule.check

    def check(df, options):
        for f in inner(df, options):
            if any(s.start <= f.span.start < s.end for s in spans):
                yield f

    return replace(rule, check=check)


def _experimental(opts: _CheckOptions) -> frozenset[str]:
    """The experimental checks a check configuration turns on."""
    if opts.experimental_all:
        return BUILDKIT_EXPERIMENTAL
    return frozenset(opts.experimental) & BUILDKIT_EXPERIMENTAL


# ---------------------------------------------------------------- matching

class _Reach:
    """Pragmas of one code and scope that reach a span (``covers``): which hold a point. Those
    of a scope reach spans that do not overlap (each its next instruction, each its stage),
    so that is a binary search; spans that do overlap are checked one by one."""

    def __init__(self, items: list[tuple[int, Pragma, int]]) -> None:
        items.sort(key=lambda t: (t[1].covers.start, t[1].covers.end, t[0]))
        self.items = items
        self.starts: list[int] = []
        self.ends: list[int] = []
        self.groups: list[tuple[int, int]] = []      # items[lo:hi] reach the same span
        self.disjoint = True
        for at, (_order, p, _k) in enumerate(items):
            start, end = p.covers.start, p.covers.end
            if self.starts and (start, end) == (self.starts[-1], self.ends[-1]):
                self.groups[-1] = (self.groups[-1][0], at + 1)
                continue
            if self.ends and start <= self.ends[-1]:
                self.disjoint = False
            self.starts.append(start)
            self.ends.append(end)
            self.groups.append((at, at + 1))

    def at(self, point: int) -> list[tuple[int, Pragma, int]]:
        if not self.disjoint:
            return [t for t in self.items if t[1].covers.start <= point <= t[1].covers.end]
        g = bisect.bisect_right(self.starts, point) - 1
        if g < 0 or self.ends[g] < point:
            return []
        lo, hi = self.groups[g]
        return self.items[lo:hi]


class Active:
    """The suppressions in force for one run: which silence a finding, which silenced nothing."""

    def __init__(self, pragmas: list[Pragma], instructions: list[Instruction]) -> None:
        self.pragmas = pragmas
        self.instructions = instructions
        self._starts = [i.span.start for i in instructions]
        self._by_code: dict[str, list[tuple[Pragma, int]]] = {}
        for p in pragmas:
            for k, e in enumerate(p.entries):
                for code in e.codes:
                    self._by_code.setdefault(code, []).append((p, k))
        # per code: the pragmas that reach a span (the next instruction, a stage), by scope,
        # looked up by where a finding is; the others (file-wide, an instruction's own) are
        # few and asked one by one. A file of thousands of pragmas and findings stays linear.
        self._spanned: dict[str, list[_Reach]] = {}
        self._other: dict[str, list[tuple[int, Pragma, int]]] = {}
        for code, entries in self._by_code.items():
            by_scope: dict[str, list[tuple[int, Pragma, int]]] = {}
            for order, (p, k) in enumerate(entries):
                if p.scope in ("global", "file", "instruction") or p.covers is None:
                    self._other.setdefault(code, []).append((order, p, k))
                else:
                    by_scope.setdefault(p.scope, []).append((order, p, k))
            if by_scope:
                self._spanned[code] = [_Reach(items) for items in by_scope.values()]
        self.used: set[tuple[int, int]] = set()      # (id(pragma), entry index)

    def __bool__(self) -> bool:
        return bool(self._by_code)

    def codes(self, judged_only: bool = False) -> set[str]:
        """Rule codes (and sub-codes) some suppression names; with ``judged_only``, only those
        of suppressions in the file (not the build argument), for DK002."""
        if not judged_only:
            return set(self._by_code)
        return {code for p in self.pragmas if p.span is not None for code in p.codes}

    def matching(self, rule: "Rule", sub: str, span: Span) -> list[tuple[Pragma, int]]:
        """The (pragma, entry index) pairs that silence a finding of ``rule`` (reported under
        the sub-code ``sub``, if any) at ``span``; records them as used. DK001 is never
        silenced."""
        if rule.code == PRAGMA_CODE or not self._by_code:
            return []
        hits: list[tuple[Pragma, int]] = []
        dispatch: Instruction | None | bool = False
        for key in ((rule.code, sub) if sub else (rule.code,)):
            found: dict[int, tuple[Pragma, int]] = {}
            for order, p, k in self._other.get(key, ()):
                if p.scope in ("global", "file"):
                    found[order] = (p, k)
                elif p.scope == "instruction":
                    if dispatch is False:
                        dispatch = self._dispatched_at(rule, span)
                    if dispatch is p.instruction:
                        found[order] = (p, k)
            for reach in self._spanned.get(key, ()):
                for order, p, k in reach.at(span.start):
                    found[order] = (p, k)
                if any(a in _HADOLINT_REPORTED_LATER for a in rule.aliases):
                    # hadolint reports a repeated CMD/ENTRYPOINT/HEALTHCHECK at the later
                    # one: its pragma there silences docklint's finding on the earlier
                    if dispatch is False:
                        dispatch = self._dispatched_at(rule, span)
                    if dispatch is not None:
                        for order, p, k in reach.at(dispatch.span.start):
                            if p.form == "hadolint":
                                found[order] = (p, k)
            for order in sorted(found):
                p, k = found[order]
                hits.append((p, k))
                self.used.add((id(p), k))
        return hits

    def _dispatched_at(self, rule: "Rule", span: Span) -> Instruction | None:
        """The instruction BuildKit would be handling when it emitted this finding: the one the
        finding is in, or for MultipleInstructionsDisallowed the next CMD/ENTRYPOINT/HEALTHCHECK
        of the same kind in the stage."""
        i = bisect.bisect_right(self._starts, span.start) - 1
        if i < 0 or span.start > self.instructions[i].span.end:
            return None
        ins = self.instructions[i]
        if any(a in _BUILDKIT_REPORTED_EARLIER for a in rule.aliases) and \
                ins.keyword in _REPEATED_KEYWORDS:
            for later in self.instructions[i + 1:]:
                if later.keyword == "FROM":
                    break
                if later.keyword == ins.keyword:
                    return later
        return ins

    def unused(self, ignore: Iterable[str] = (UNUSED_CODE,),
               forms: Iterable[str] = ("docklint", "hadolint", "check")
               ) -> list[tuple[Span, str]]:
        """DK002: (span, message) for each suppression in the file (of one of ``forms``) with
        names that silenced nothing. Call after every finding was passed to :meth:`matching`.
        Entries that name only rules docklint does not have (or only ``ignore``d codes) are not
        judged."""
        skip = set(ignore)
        judged = set(forms)
        out: list[tuple[Span, str]] = []
        for p in self.pragmas:
            if p.span is None or p.form not in judged:
                continue
            used: list[str] = []
            unused: list[str] = []
            for k, e in enumerate(p.entries):
                if not (e.codes - skip):
                    continue
                (used if (id(p), k) in self.used else unused).append(e.name)
            if unused:
                out.append((p.span, _unused_message(p, used, unused)))
        return out


_WHERE = {"next": "on the next instruction", "stage": "in this stage", "global": "in this file",
          "file": "in this file", "instruction": "on this instruction"}


def _unused_message(p: Pragma, used: list[str], unused: list[str]) -> str:
    label = {"docklint": "docklint pragma", "hadolint": "hadolint pragma"}.get(p.form) or \
        ("`# check=` directive" if p.scope == "file" else "`# check=` comment")
    where = _WHERE[p.scope]
    what = ("any BuildKit check" if unused == ["all"] and p.form == "check"
            else ", ".join(unused))
    if not used:
        return f"unused suppression: this {label} silences nothing: no finding of {what} {where}"
    return (f"partly unused suppression: no finding of {what} {where} "
            f"(this {label} is needed for {', '.join(used)})")
