"""Building blocks for rule fixes: where a new line goes, how a keyword is written, the exec
form of a plain shell command, and the `ARG` declarations a stage is missing.

Edits are offsets into ``df.source.text``; new lines are written with ``\\n`` (the fixer turns
them into the file's own line ending). Rules import these instead of each computing positions
on its own; tests in tests/test_fixes_helpers.py.
"""

from __future__ import annotations

TYPE_CHECKING = False   # typing.TYPE_CHECKING without importing typing (3 ms of each start)

from .rule import Edit, Fix
from .source import Span

if TYPE_CHECKING:
    from typing import Iterable, Sequence
    from .images import ImageFacts
    from .model import Dockerfile, Stage
    from .syntax import Instruction

__all__ = ["keyword", "indent_of", "insert_after", "insert_before", "block_start",
           "exec_form", "exec_form_text", "stage_arg_fix", "SCOPED_HOWS",
           "known_non_root_user", "user_insertion"]


# ---- writing new lines -----------------------------------------------------------------------

def keyword(like: "Instruction", word: str) -> str:
    """``word`` (an instruction keyword) in the case ``like`` was written in: ``arg`` next to
    ``from``, ``ARG`` otherwise."""
    written = like.written
    return word.lower() if written == written.lower() and written != written.upper() \
        else word.upper()


def indent_of(df: "Dockerfile", line: int) -> str:
    """The blanks that start ``line``."""
    text = df.source.line_text(line)
    return text[:len(text) - len(text.lstrip(" \t"))]


def insert_after(df: "Dockerfile", ins: "Instruction", lines: Sequence[str],
                 indent: str | None = None) -> Edit:
    """An edit that puts ``lines`` on lines of their own right after ``ins`` (after its last
    line: continuation lines and heredoc terminators included), indented like ``ins``."""
    src = df.source
    at = src.line_end(ins.end_line)
    pad = indent_of(df, ins.line) if indent is None else indent
    return Edit(Span(at, at), "".join(f"\n{pad}{line}" for line in lines))


def insert_before(df: "Dockerfile", line: int, lines: Sequence[str],
                  indent: str | None = None) -> Edit:
    """An edit that puts ``lines`` on lines of their own just before ``line``, indented like
    it."""
    at = df.source.line_start(line)
    pad = indent_of(df, line) if indent is None else indent
    return Edit(Span(at, at), "".join(f"{pad}{text}\n" for text in lines))


def block_start(df: "Dockerfile", ins: "Instruction", floor: int = 0) -> int:
    """The first line of ``ins`` together with the comment lines right above it (no blank line
    between), but not above line ``floor`` (the last line of the instruction before)."""
    line = ins.line
    while line - 1 > floor and df.source.line_text(line - 1).lstrip().startswith("#"):
        line -= 1
    return line


# ---- exec form -------------------------------------------------------------------------------

# characters that make a command text mean more than a list of words to /bin/sh
_SHELL_SYNTAX = frozenset("$|&;<>(){}`*?[]'\"\\\n#~")
# words that only mean something to a shell: written first, they are no program to exec
_SHELL_ONLY = frozenset({
    "!", "{", "}", "[[", "]]", "case", "do", "done", "elif", "else", "esac", "fi", "for",
    "function", "if", "in", "select", "then", "time", "until", "while", ".", ":", "alias",
    "bg", "break", "cd", "command", "continue", "eval", "exec", "exit", "export", "fg",
    "getopts", "hash", "jobs", "local", "read", "readonly", "return", "set", "shift", "source",
    "trap", "type", "ulimit", "umask", "unalias", "unset", "wait"})


def exec_form(text: str) -> list[str] | None:
    """The words of a shell-form command that /bin/sh would run as a plain program with
    arguments, or None when the text uses any shell syntax (variables, quotes, escapes,
    operators, redirections, globs, comments, ``~``), assigns a variable, or starts with a word
    only a shell understands (``cd``, ``export``, ``if``...). A leading ``exec`` is dropped:
    ``exec app`` runs ``app`` either way."""
    if any(c in _SHELL_SYNTAX for c in text):
        return None
    words = text.split()
    if words[:1] == ["exec"]:
        words = words[1:]
    if not words or "=" in words[0] or words[0] in _SHELL_ONLY:
        return None
    return words


def exec_form_text(words: Iterable[str]) -> str:
    """The JSON array an exec-form instruction takes: ``["node", "server.js"]``."""
    import json      # only when this path runs (not on every lint)
    return json.dumps(list(words), ensure_ascii=False)


def exec_form_rewrite(ins) -> tuple[str, Fix] | None:
    """A shell-form CMD, ENTRYPOINT or ``HEALTHCHECK CMD`` written in exec form, when its
    command is a plain program with arguments (:func:`exec_form`): what to write after the
    keyword (``HEALTHCHECK CMD ["curl", "-f", "localhost"]``'s ``CMD [...]`` part for a health
    check) and the (unsafe) fix that writes it; None otherwise."""
    health = ins.keyword == "HEALTHCHECK"
    word = ins.args[-1] if ins.args else None
    words = exec_form(word.value) if word is not None else None
    if not words:
        return None
    json_form = exec_form_text(words)
    span = word.span if health else ins.rest_span
    return (f"HEALTHCHECK CMD {json_form}" if health else f"{ins.written} {json_form}",
            Fix(f"Rewrite in exec form: {json_form}", (Edit(span, json_form),), safe=False))


# ---- ARG declarations a stage is missing -----------------------------------------------------

SCOPED_HOWS = ("global-arg", "automatic-arg")


def stage_arg_fix(df: "Dockerfile", stage: "Stage", exclude: Iterable[str] = ()
                  ) -> dict[str, Fix]:
    """The fixes that declare, right after the stage's FROM, the global ARGs and automatic
    platform ARGs the stage uses out of scope, by name (names in ``exclude`` left out).

    Names only RUN and the instructions BuildKit expands use share one safe fix: an
    ``ARG NAME`` line for each of them, first use first. Declaring the ARG makes the value the
    use was written for visible instead of an empty string. Names a CMD, ENTRYPOINT or
    HEALTHCHECK expands in the running container share another fix that adds, for each, the
    ``ARG NAME`` and then an ``ENV NAME=$NAME`` (a container sees ENV values, not ARGs); it
    changes the environment of the container and of images built from it, so it is unsafe,
    and those names are never declared by the safe fix alone (which would leave the container
    without the value while silencing the finding).

    Every finding about a name, DK206's and DK209's alike, carries that name's fix. The two
    fixes of a stage insert at the same point, so the fixer applies one per round; after it,
    its names are in scope and their findings are gone, so no line is ever added twice.
    """
    skip = set(exclude)
    names: list[str] = []
    runtime: set[str] = set()
    for ins in stage.instructions:
        if ins.keyword == "ONBUILD":
            continue          # a trigger runs in another build, with that stage's scope
        for use in df.var_uses(ins):
            if use.defined or use.how not in SCOPED_HOWS or use.name in skip:
                continue
            if use.expander not in ("shell", "builder"):
                continue
            if use.name not in names:
                names.append(use.name)
            if use.expander == "shell" and ins.keyword != "RUN":
                runtime.add(use.name)
    if not names:
        return {}
    from_ = stage.from_
    arg, env = keyword(from_, "ARG"), keyword(from_, "ENV")
    pad = _stage_indent(df, stage)
    out: dict[str, Fix] = {}
    for group, safe in (([n for n in names if n not in runtime], True),
                        ([n for n in names if n in runtime], False)):
        if not group:
            continue
        lines = [f"{arg} {name}" for name in group]
        if not safe:
            lines += [f"{env} {name}=${name}" for name in group]
        what = ", ".join(f"`{line}`" for line in lines)
        fix = Fix(f"Add {what} after line {from_.end_line}",
                  (insert_after(df, from_, lines, indent=pad),), safe=safe)
        out.update((name, fix) for name in group)
    return out


def _stage_indent(df: "Dockerfile", stage: "Stage") -> str:
    """How the instructions of the stage are indented (like its first one, else its FROM)."""
    first = stage.instructions[0] if stage.instructions else stage.from_
    return indent_of(df, first.line)


# ---- a non-root USER for the final image -----------------------------------------------------

def known_non_root_user(base: "ImageFacts | None") -> str | None:
    """The unprivileged user the base image is known to provide, as ``USER`` takes it: the
    distroless images' ``nonroot`` (uid and gid 65532, in their /etc/passwd), the node images'
    ``node``. None when docklint's data knows none."""
    if base is None:
        return None
    if base.family.startswith("distroless"):
        return "65532:65532"
    if base.family == "node":
        return "node"
    return None


# instructions that only describe how the image runs; a USER before them changes nothing they do
_RUN_METADATA = frozenset({"CMD", "ENTRYPOINT", "HEALTHCHECK", "EXPOSE", "STOPSIGNAL", "LABEL"})


def user_insertion(df: "Dockerfile", stage: "Stage", lines: Sequence[str],
                   after: "Instruction | None" = None) -> Edit:
    """An edit that adds ``lines`` (a ``USER``) to ``stage`` after every instruction that may
    need root: before the block of CMD, ENTRYPOINT, HEALTHCHECK, EXPOSE, STOPSIGNAL and LABEL
    instructions that ends the stage (and the comments right above it), else at the end of the
    stage. Never before ``after`` (an instruction of the stage)."""
    body = list(stage.instructions)
    k = len(body)
    while k > 0 and body[k - 1].keyword in _RUN_METADATA:
        k -= 1
    if after is not None and after in body:
        k = max(k, body.index(after) + 1)
    if k == len(body):
        last = body[-1] if body else stage.from_
        return insert_after(df, last, lines, indent=_stage_indent(df, stage))
    prev = body[k - 1] if k > 0 else stage.from_
    first = block_start(df, body[k], floor=prev.end_line)
    return insert_before(df, first, lines, indent=indent_of(df, body[k].line))
