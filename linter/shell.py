"""Shell analysis of RUN (and shell-form CMD/ENTRYPOINT/HEALTHCHECK) commands.

A real parser with positions: tree-sitter with the bash grammar, imported on first use. A script
becomes a flat list of :class:`Command` objects (name, argument words, ``VAR=x`` prefixes,
redirects, heredoc bodies) across ``&&``, ``||``, ``;``, pipes, subshells, groups, ``$(...)``,
``if``/``for``/``while``/``case`` bodies and ``sh -c '...'`` strings. Every word keeps its offsets in
the analysed text, and :meth:`Script.span` maps them back to the Dockerfile.
"""

from __future__ import annotations

import bisect
import os
from docklint.record import record, field, replace
TYPE_CHECKING = False   # typing.TYPE_CHECKING without importing typing (3 ms of each start)
if TYPE_CHECKING:
    from typing import Iterator

from docklint.lazyre import lazy
from .source import Span
from .syntax import Instruction, LineMap

__all__ = ["ShellWord", "Redirect", "Command", "ShellVar", "Script", "parse_script",
           "script_for", "program_of", "SHELL_NAMES"]

SHELL_NAMES = {"sh", "bash", "ash", "dash", "zsh", "ksh", "busybox"}

_PARSER = None


def _parser():
    global _PARSER
    if _PARSER is None:
        tree_sitter = _binding("tree_sitter")
        _PARSER = tree_sitter.Parser(tree_sitter.Language(_bash_language()))
    return _PARSER


# tree-sitter-bash's error recovery is quadratic on some malformed input (a long word of `-`
# with a stray `)`: 16 KB take over a second). Real scripts parse at megabytes per second, so a
# script still unparsed after PARSE_SECONDS is given up on (its RUN gets no shell analysis)
# rather than stalling a lint or an editor.
PARSE_SECONDS = 0.5
_SMALL_SCRIPT = 4096            # bytes; at most a few tens of milliseconds however malformed


def _parse_tree(data: bytes):
    """The tree-sitter tree of ``data``, or None when parsing took over PARSE_SECONDS."""
    parser = _parser()
    if len(data) <= _SMALL_SCRIPT:
        return parser.parse(data)
    import time
    deadline = time.monotonic() + PARSE_SECONDS

    def read(offset: int, _point) -> bytes:
        return data[offset:offset + 65536]

    def progress(*_state) -> bool:
        return time.monotonic() > deadline

    try:
        tree = parser.parse(read, progress_callback=progress)
    except TypeError:               # a py-tree-sitter without progress callbacks
        return parser.parse(data)
    except ValueError:              # cancelled (py-tree-sitter 0.25+ raises "Parsing failed")
        tree = None
    if tree is None:
        parser.reset()              # else the next parse would resume this one
    return tree


def _bash_language():
    """tree-sitter-bash's language pointer."""
    return _binding("tree_sitter_bash").language()


def _binding(package: str):
    """The compiled ``_binding`` module of ``package`` (``tree_sitter``, ``tree_sitter_bash``),
    loaded without running the package's ``__init__``: tree-sitter-bash's imports
    importlib.resources (and with it pathlib, tempfile, shutil...: about a tenth of a cold
    start) only to read a highlighting query docklint does not use, and py-tree-sitter's
    imports ``typing`` for one Protocol class. Both bindings have what docklint uses
    (``Parser``, ``Language``; ``language()``). Any surprise falls back to the plain import of
    the package, which has the same names."""
    import sys
    name = f"{package}._binding"
    module = sys.modules.get(name)
    if module is None:
        try:
            # the import system's own classes, already loaded (importlib.machinery would
            # import the importlib package and warnings; importlib.util, contextlib)
            import _frozen_importlib as bootstrap
            import _frozen_importlib_external as machinery
            spec = machinery.PathFinder.find_spec(package)
            for directory in spec.submodule_search_locations or ():
                for suffix in machinery.EXTENSION_SUFFIXES:
                    path = os.path.join(directory, "_binding" + suffix)
                    if module is None and os.path.isfile(path):
                        loader = machinery.ExtensionFileLoader(name, path)
                        found = bootstrap.ModuleSpec(name, loader, origin=path)
                        module = loader.create_module(found)
                        module.__spec__, module.__loader__, module.__file__ = \
                            found, loader, path
                        loader.exec_module(module)
                        # registered, so a later import of the package reuses it
                        sys.modules[name] = module
            if module is None:
                raise ImportError(f"no compiled {name}")
        except Exception:  # noqa: BLE001 - any layout change: the package's own import
            __import__(package)
            return sys.modules[package]
    return module


@record(frozen=True, slots=True)
class ShellWord:
    """A word: ``value`` has quotes removed and escapes applied; expansions stay as written
    and make the word ``dynamic``."""

    value: str
    raw: str
    start: int
    end: int
    dynamic: bool = False


@record(frozen=True, slots=True)
class Redirect:
    op: str                      # ">", ">>", "<", "2>&1" parts..., "<<", "<<-", "<<<"
    target: ShellWord | None
    start: int
    end: int
    body: str | None = None      # heredoc body
    body_start: int = -1


@record(frozen=True)
class Command:
    """One simple command."""

    name: str
    name_word: ShellWord | None
    args: tuple[ShellWord, ...]
    assignments: tuple[ShellWord, ...]      # "VAR=value" prefixes (value = whole text)
    redirects: tuple[Redirect, ...]
    start: int
    end: int
    pipeline_next: bool = False             # its output goes into a pipe
    pipeline_prev: bool = False             # its input comes from a pipe
    depth: int = 0                          # nesting inside sh -c / $(...)
    subshell: bool = False                  # inside ( ... ): cd, exports... do not leak out
    # its exit status (or its pipeline's) is tested, so that its failure is handled rather
    # than failing the script: an `if`/`elif`/`while`/`until` condition, the left side of
    # `||`, or negated with `!` (the left side of `&&` is not: a failure there still ends the
    # `&&` chain with a failure)
    tested: bool = False

    @property
    def words(self) -> tuple[ShellWord, ...]:
        return ((self.name_word,) if self.name_word else ()) + self.args

    def has_flag(self, *flags: str) -> bool:
        """True when any of ``flags`` is present; short flags also match inside a bundle
        (``-y`` in ``-qy``), long flags also as ``--flag=value``."""
        for a in self.args:
            v = a.value
            if v == "--":
                break
            for f in flags:
                if v == f:
                    return True
                if f.startswith("--") and v.startswith(f + "="):
                    return True
                if len(f) == 2 and f[0] == "-" and f[1] != "-" and v.startswith("-") \
                        and not v.startswith("--") and f[1] in v[1:] and v[1:].isalnum():
                    return True
        return False

    def flag_value(self, *flags: str) -> str | None:
        args = self.args
        for i, a in enumerate(args):
            for f in flags:
                if a.value == f and i + 1 < len(args):
                    return args[i + 1].value
                if f.startswith("--") and a.value.startswith(f + "="):
                    return a.value[len(f) + 1:]
        return None

    def positional(self) -> list[ShellWord]:
        """Arguments that are not flags (a crude split: every ``-x`` word is a flag)."""
        out = []
        rest = False
        for a in self.args:
            if rest:
                out.append(a)
            elif a.value == "--":
                rest = True
            elif not a.value.startswith("-") or a.value == "-":
                out.append(a)
        return out

    def env(self, name: str) -> str | None:
        for a in self.assignments:
            k, _, v = a.value.partition("=")
            if k == name:
                return v
        return None

    def writes_to(self) -> list[ShellWord]:
        """Files the command's output is redirected into (``>``, ``>>``, ``&>``)."""
        return [r.target for r in self.redirects if r.target is not None and
                r.op.endswith((">", ">>", "&>", ">|")) and not r.op.endswith(">&")]


@record(frozen=True, slots=True)
class ShellVar:
    """A parameter expansion the shell performs: ``$NAME`` or ``${NAME...}`` at ``[start, end)``
    (the whole expansion). Single-quoted text and quoted heredocs hold none; the script of
    ``sh -c '...'`` and of ``sh <<EOF`` is analysed too, at its place in the text.

    ``modifier`` is what follows the name inside braces (``:-``, ``#``, ``/``...), or ``#``
    / ``!`` for the length and indirection forms; ``""`` for a plain reference. ``depth`` is
    0 for the script itself, more inside an ``sh -c`` string or a heredoc."""

    name: str
    start: int
    end: int
    modifier: str = ""
    depth: int = 0


@record
class Script:
    """A parsed shell text with its commands and a map back to the Dockerfile.

    ``variables`` lists the parameter expansions (``$NAME``, ``${NAME}``) in text order;
    ``assigned`` maps each variable the script sets itself (``NAME=x``, ``export``/``local``/
    ``declare``/``readonly``, ``for NAME in``, ``read``, ``getopts``, ``mapfile``,
    ``printf -v``, ``let``, and ``unset``) to the offset of its first such place."""

    text: str
    commands: list[Command] = field(default_factory=list)
    lmap: LineMap | None = None
    has_error: bool = False
    variables: list[ShellVar] = field(default_factory=list)
    assigned: dict[str, int] = field(default_factory=dict)
    # nested deeper than MAX_DEPTH: the commands past that depth are missing (``has_error``
    # is set too, so rules that need the whole script leave it alone)
    too_deep: bool = False

    def span(self, start: int, end: int) -> Span:
        if self.lmap is None:
            return Span(start, end)
        return self.lmap.span(start, end)

    def word_span(self, word: ShellWord) -> Span:
        return self.span(word.start, word.end)

    def command_span(self, cmd: Command) -> Span:
        return self.span(cmd.start, cmd.end)

    def named(self, *names: str) -> Iterator[Command]:
        for c in self.commands:
            if c.name in names:
                yield c


# How deep the walk over a script's syntax tree goes (tree levels, counting those of the
# scripts nested in it: ``$(...)``, subshells, groups, ``sh -c '...'``, ``sh <<EOF``). A flat
# chain (``a && b && ...``, pipes, ``;``) is one level however long; past the bound the script
# is opaque (:attr:`Script.too_deep`), and DK000 says so at its instruction.
MAX_DEPTH = 100

_WORD_NODES = ("word", "string", "raw_string", "ansi_c_string", "concatenation", "number",
               "simple_expansion", "expansion", "command_substitution", "arithmetic_expansion",
               "translated_string", "brace_expression")


class _Walker:
    def __init__(self, text: str,
                 heredocs: dict[int, tuple[str, str, int, bool]] | None = None) -> None:
        self.text = text
        # heredoc markers written as "< NAME" for tree-sitter: marker start -> (op, body, body
        # start); see script_for
        self.heredocs = heredocs or {}
        self._heredocs_seen: set[tuple[int, int]] = set()
        data = text.encode("utf-8", "surrogatepass")
        self.data = data
        self.ascii = len(data) == len(text)
        self._b2c: list[int] | None = None
        self.commands: list[Command] = []
        self.has_error = False
        self.vars: list[ShellVar] = []
        self.assigned: dict[str, int] = {}
        self.tested: list[tuple[int, int]] = []     # text ranges whose exit status is tested
        self.level = 0              # tree levels being walked (see MAX_DEPTH)
        self.too_deep = False       # a part of the tree lay past MAX_DEPTH and was not walked

    def analyse(self, depth: int = 0) -> None:
        """Parse the text; collect its commands, expansions and assignments."""
        tree = _parse_tree(self.data)
        if tree is None:            # given up on: no commands, and marked as not understood
            self.has_error = True
            return
        root = tree.root_node
        self.walk(root, depth)
        self.collect(root, depth)
        if self.tested:
            # the ranges merged into disjoint ones, each command found by bisection: `a || b
            # || c ...` has as many ranges as commands
            starts: list[int] = []
            ends: list[int] = []
            for s, e in sorted(self.tested):
                if starts and s <= ends[-1]:
                    ends[-1] = max(ends[-1], e)
                elif s < e:
                    starts.append(s)
                    ends.append(e)
            for i, c in enumerate(self.commands):
                if not c.tested:
                    k = bisect.bisect_right(starts, c.start) - 1
                    if k >= 0 and c.start < ends[k]:
                        self.commands[i] = replace(c, tested=True)

    def conditions(self, node) -> None:
        """Record the parts of ``node`` whose exit status the shell tests (see
        :attr:`Command.tested`)."""
        t = node.type
        kids = node.children
        if t == "list":
            for i, c in enumerate(kids):
                if not c.is_named and c.type == "||":
                    left = next((k for k in reversed(kids[:i]) if k.is_named), None)
                    if left is not None:
                        self.tested.append((self.pos(left.start_byte), self.pos(left.end_byte)))
        elif t in ("if_statement", "elif_clause", "while_statement"):
            inside = False
            for c in kids:
                if c.type in ("if", "elif", "while", "until"):
                    inside = True
                elif c.type in ("then", "do_group"):
                    inside = False
                elif inside and c.is_named:
                    self.tested.append((self.pos(c.start_byte), self.pos(c.end_byte)))
        elif t == "negated_command" or (t == "pipeline" and kids and
                                        kids[0].type == "negated_command"):
            # tree-sitter reads `! a | b` as `(! a) | b`; the shell negates the whole pipeline
            self.tested.append((self.pos(node.start_byte), self.pos(node.end_byte)))

    def merge(self, sub: "_Walker", f) -> None:
        """Take over what ``sub`` (a script nested in this one) found, positions mapped by
        ``f``."""
        for sc in sub.commands:
            self.commands.append(_shifted(sc, f))
        for v in sub.vars:
            self.vars.append(ShellVar(v.name, f(v.start), _end(v.start, v.end, f), v.modifier,
                                      v.depth))
        for name, at in sub.assigned.items():
            self.assign(name, f(at))
        self.has_error = self.has_error or sub.has_error
        self.too_deep = self.too_deep or sub.too_deep

    def nested(self, text: str) -> "_Walker":
        """A walker for a script nested in this one (``sh -c``, ``sh <<EOF``): it starts at
        this one's depth."""
        sub = _Walker(text)
        sub.level = self.level
        return sub

    def assign(self, name: str, at: int) -> None:
        if _VAR_NAME.fullmatch(name) and (name not in self.assigned or at < self.assigned[name]):
            self.assigned[name] = at

    # ---- parameter expansions and assignments
    def collect(self, root, depth: int) -> None:
        todo = [root]
        while todo:
            node = todo.pop()
            t = node.type
            if t in ("simple_expansion", "expansion"):
                self.expansion(node, depth)
            elif t == "variable_assignment":
                name = node.child_by_field_name("name")
                if name is not None:
                    self.assign(self.raw(name), self.pos(name.start_byte))
            elif t in ("declaration_command", "unset_command", "for_statement"):
                for c in node.children:
                    if c.type == "variable_name":
                        self.assign(self.raw(c), self.pos(c.start_byte))
            elif t == "command":
                self.assigning_command(node)
            todo.extend(reversed(node.children))

    def expansion(self, node, depth: int) -> None:
        name_node = None
        modifier = ""
        seen_name = False
        for c in node.children:
            ct = c.type
            if not seen_name:
                if ct == "variable_name":
                    name_node, seen_name = c, True
                elif ct == "subscript":
                    name_node = next((k for k in c.children if k.type == "variable_name"), None)
                    seen_name = True
                elif ct in ("#", "!"):
                    modifier = ct
                elif ct not in ("$", "${"):
                    return                     # $@, $?, ${@:-x}...: special parameters
            elif not modifier and ct != "}":
                modifier = self.raw(c) if not c.is_named else ""
                break
        if name_node is None:
            return
        name = self.raw(name_node)
        if _VAR_NAME.fullmatch(name):
            self.vars.append(ShellVar(name, self.pos(node.start_byte), self.pos(node.end_byte),
                                      modifier, depth))

    def assigning_command(self, node) -> None:
        """``read NAME``, ``getopts spec NAME``, ``mapfile NAME``, ``printf -v NAME``,
        ``let NAME=...``."""
        name = None
        words = []
        for c in node.children:
            if c.type == "command_name":
                name = _basename(self.raw(c))
            elif c.is_named and c.type in ("word", "number"):
                words.append(c)
        if name not in _ASSIGNING:
            return
        values = [(self.raw(w), self.pos(w.start_byte)) for w in words]
        if name == "printf":
            for (v, _), (nxt, at) in zip(values, values[1:]):
                if v == "-v":
                    self.assign(nxt, at)
            return
        if name == "let":
            for v, at in values:
                self.assign(v.split("=", 1)[0].rstrip("+-*/%<>&|^"), at)
            return
        names = [(v, at) for v, at in values if not v.startswith("-")]
        if name == "getopts":
            names = names[1:2]
        elif name in ("mapfile", "readarray"):
            names = names[-1:]
        for v, at in names:
            self.assign(v, at)

    def heredoc_vars(self, body: str, start: int, depth: int) -> None:
        """Expansions in a heredoc body the shell expands (unquoted delimiter)."""
        from .variables import references
        for ref in references(body, "\\", quotes=False):
            self.vars.append(ShellVar(ref.name, start + ref.start, start + ref.end,
                                      ref.modifier, depth + 1))

    def pos(self, byte: int) -> int:
        if self.ascii:
            return byte
        if self._b2c is None:
            table = []
            for i, ch in enumerate(self.text):
                table.extend([i] * len(ch.encode("utf-8", "surrogatepass")))
            table.append(len(self.text))
            self._b2c = table
        return self._b2c[min(byte, len(self._b2c) - 1)]

    def raw(self, node) -> str:
        return self.text[self.pos(node.start_byte):self.pos(node.end_byte)]

    # ---- words
    def word(self, node) -> ShellWord:
        value, dynamic = self.value(node)
        return ShellWord(value, self.raw(node), self.pos(node.start_byte),
                         self.pos(node.end_byte), dynamic)

    def value(self, node) -> tuple[str, bool]:
        t = node.type
        if t == "word" or t == "number":
            raw = self.raw(node)
            if "\\" in raw:
                out, i = [], 0
                while i < len(raw):
                    if raw[i] == "\\" and i + 1 < len(raw):
                        i += 1
                    out.append(raw[i])
                    i += 1
                raw = "".join(out)
            return raw, "*" in raw or "?" in raw
        if t == "raw_string":
            return self.raw(node)[1:-1], False
        if t == "ansi_c_string":
            return self.raw(node)[2:-1], False
        if t == "string":
            raw = self.raw(node)[1:-1]
            dynamic = any(c.type in ("simple_expansion", "expansion", "command_substitution",
                                     "arithmetic_expansion") for c in node.children)
            for c in node.children:
                if c.type == "command_substitution":
                    self.walk(c, 0)
            return _unescape_double(raw), dynamic
        if t == "concatenation":
            parts, dyn = [], False
            for c in node.children:
                v, d = self.value(c)
                parts.append(v)
                dyn = dyn or d
            return "".join(parts), dyn
        if t in ("command_substitution", "process_substitution"):
            self.walk(node, 0)
            return self.raw(node), True
        if t in ("simple_expansion", "expansion", "arithmetic_expansion", "brace_expression"):
            for c in node.children:
                if c.type == "command_substitution":
                    self.walk(c, 0)
            return self.raw(node), True
        return self.raw(node), True

    # ---- structure
    def walk(self, node, depth: int = 0, redirects: tuple[Redirect, ...] = (),
             pipe: tuple[bool, bool] = (False, False)) -> tuple[int | None, int | None]:
        """Collect the commands under ``node`` in source order. Returns the indexes of the first
        and the last command that ``node`` itself runs (not those nested in ``$(...)`` or an
        ``sh -c`` string), None when it runs none. Past MAX_DEPTH levels nothing is walked
        (and the script is marked ``too_deep``)."""
        if self.level >= MAX_DEPTH:
            self.too_deep = self.has_error = True
            return None, None
        self.level += 1
        try:
            return self._walk(node, depth, redirects, pipe)
        finally:
            self.level -= 1

    def _items(self, node) -> list:
        """The operands and operators of a ``list`` (``a && b || c; d``) in order: tree-sitter
        nests each operator's left side (``((a && b) || c)``), so a long chain is a deep tree,
        flattened here without recursion."""
        out = []
        todo = [node]
        while todo:
            n = todo.pop()
            if n.type == "list":
                if n is not node:
                    self.conditions(n)
                todo.extend(reversed(n.children))
            else:
                out.append(n)
        return out

    def _walk(self, node, depth: int, redirects: tuple[Redirect, ...],
              pipe: tuple[bool, bool]) -> tuple[int | None, int | None]:
        t = node.type
        if t == "ERROR":
            self.has_error = True
        if t in _CONDITION_NODES:
            self.conditions(node)
        if t == "command":
            idx = self.command(node, depth, redirects, pipe)
            return idx, idx
        if t == "redirected_statement":
            body = node.child_by_field_name("body")
            reds: list[Redirect] = []
            follow: list = []
            after: list[ShellWord] = []
            for c in node.children:
                if c.type in ("file_redirect", "heredoc_redirect", "herestring_redirect"):
                    red, extra, more, more_args = self.redirect(c)
                    reds.append(red)
                    reds.extend(extra)
                    follow.extend(more)
                    after.extend(more_args)
            first = last = None
            if body is None and after:
                # "> f cmd args": tree-sitter found no command, the words are in the redirects
                last = first = len(self.commands)
                self.commands.append(Command(
                    _basename(after[0].value), after[0], tuple(after[1:]), (), tuple(reds),
                    after[0].start, after[-1].end, pipe[0], pipe[1], depth))
                after = []
            if body is not None:
                before = len(self.commands)
                first, last = self.walk(body, depth, (), pipe)
                if last is not None:
                    # bash binds redirects to the last command of a list or pipeline; a group,
                    # subshell or loop gets them as a whole
                    targets = [last] if body.type in ("list", "pipeline", "command") \
                        else range(before, len(self.commands))
                    for i in targets:
                        self.commands[i] = _with_redirects(self.commands[i], tuple(reds))
                    if after and body.type == "command":
                        c = self.commands[last]
                        self.commands[last] = replace(c, args=c.args + tuple(after))
                    if body.type == "command":
                        self.stdin_script(last, depth)
            _, flast = self.follow(follow, depth, last)
            return first, (flast if flast is not None else last)
        if t == "pipeline":
            kids = [c for c in node.children if c.is_named]
            first = last = None
            for k, c in enumerate(kids):
                kf, kl = self.walk(c, depth, redirects)
                if kf is None or kl is None:
                    continue
                if k > 0:
                    self.commands[kf] = _with_pipe(self.commands[kf], prev=True)
                if k + 1 < len(kids):
                    self.commands[kl] = _with_pipe(self.commands[kl], next_=True)
                first = kf if first is None else first
                last = kl
            return first, last
        if t in ("command_substitution", "process_substitution"):
            # commands in $(...) run in a nested shell: one level deeper, and not commands the
            # enclosing node runs itself
            for c in node.children:
                if c.is_named or c.type == "ERROR":
                    self.walk(c, depth + 1)
            return None, None
        before = len(self.commands)
        first = last = None
        for c in (self._items(node) if t == "list" else node.children):
            if c.is_named or c.type == "ERROR":
                cf, cl = self.walk(c, depth, redirects, pipe)
                if cf is not None and first is None:
                    first = cf
                if cl is not None:
                    last = cl
        if t == "subshell":
            for i in range(before, len(self.commands)):
                self.commands[i] = replace(self.commands[i], subshell=True)
        return first, last

    def follow(self, follow: list, depth: int, owner: int | None
               ) -> tuple[int | None, int | None]:
        """Walk what tree-sitter nested after a heredoc marker. A ``| cmd`` there (a pipeline
        node starting with the ``|`` token) continues the pipe from the ``owner`` command."""
        first = last = None
        for f in follow:
            ff, fl = self.walk(f, depth)
            head = f.children[0] if f.type == "pipeline" and f.children else None
            if head is not None and not head.is_named and head.type in ("|", "|&") \
                    and owner is not None and ff is not None:
                self.commands[owner] = _with_pipe(self.commands[owner], next_=True)
                self.commands[ff] = _with_pipe(self.commands[ff], prev=True)
            if ff is not None and first is None:
                first = ff
            if fl is not None:
                last = fl
        return first, last

    def stdin_script(self, index: int, depth: int) -> None:
        """``sh <<EOF`` / ``bash -s <<EOF``: a shell reading its script from a heredoc runs the
        body; analyse it like ``sh -c``."""
        cmd = self.commands[index]
        if cmd.name not in SHELL_NAMES:
            return
        args = list(cmd.args)
        if cmd.name == "busybox":
            if not args or args[0].value not in SHELL_NAMES:
                return
            args = args[1:]
        from_stdin = False
        for a in args:
            v = a.value
            if v == "-" or v == "--":
                from_stdin = True
                break
            if v.startswith("-") and not v.startswith("--"):
                if "c" in v[1:]:
                    return           # sh -c: handled where the command was read
                if "s" in v[1:]:
                    from_stdin = True
                    break
                continue
            if v.startswith("+") or v.startswith("--"):
                continue
            break                    # a script file: the heredoc is its stdin, not its code
        else:
            from_stdin = True
        if not from_stdin:
            return
        for r in cmd.redirects:
            if r.op in ("<<", "<<-") and r.body is not None and r.body_start >= 0:
                sub = self.nested(r.body)
                sub.analyse(depth + 1)
                d = r.body_start
                self.merge(sub, lambda p, _d=d: p + _d)
                return

    def redirect(self, node) -> tuple[Redirect, list[Redirect], list, list[ShellWord]]:
        """A redirect, the redirects nested in it, the commands that follow a heredoc marker on
        its line (tree-sitter nests ``<<EOF > f && next`` inside the redirect), and the words
        after the marker that are arguments of the command (``cat <<EOF -n``)."""
        op = ""
        target = None
        body = None
        body_start = -1
        extra: list[Redirect] = []
        follow: list = []
        args: list[ShellWord] = []
        operator_seen = False
        for c in node.children:
            ct = c.type
            if not c.is_named:
                if ct in ("&&", "||", "|", "|&", ";", "&", ";;"):
                    operator_seen = True
                elif target is None:
                    op += self.raw(c)
            elif ct == "file_descriptor":
                op += self.raw(c)
            elif ct == "heredoc_body":
                body = self.raw(c)
                body_start = self.pos(c.start_byte)
            elif ct == "heredoc_start":
                target = self.word(c)
            elif ct == "heredoc_end":
                pass
            elif ct in ("file_redirect", "herestring_redirect"):
                if self.level >= MAX_DEPTH:
                    self.too_deep = self.has_error = True
                    continue
                self.level += 1
                try:
                    red, more_extra, more, more_args = self.redirect(c)
                finally:
                    self.level -= 1
                extra.append(red)
                extra.extend(more_extra)
                follow.extend(more)
                args.extend(more_args)
            elif target is None:
                target = self.word(c)
            elif ct in _WORD_NODES and not operator_seen:
                # tree-sitter puts the words after "<<EOF" (and after "> f" with no command
                # before it) inside the redirect; they are the command's arguments
                args.append(self.word(c))
            else:
                follow.append(c)
        start = self.pos(node.start_byte)
        red = Redirect(op, target, start, self.pos(node.end_byte), body, body_start)
        here = self.heredocs.get(start) if node.type == "file_redirect" else None
        if here is not None:
            red = Redirect(here[0], target, red.start, red.end, here[1], here[2])
            if here[3] and (start, here[2]) not in self._heredocs_seen:
                self._heredocs_seen.add((start, here[2]))
                self.heredoc_vars(here[1], here[2], 0)
        return red, extra, follow, args

    def command(self, node, depth: int, redirects: tuple[Redirect, ...],
                pipe: tuple[bool, bool]) -> int:
        name_word = None
        args: list[ShellWord] = []
        assigns: list[ShellWord] = []
        reds = list(redirects)
        follow: list = []
        for c in node.children:
            ct = c.type
            if ct == "command_name":
                inner = c.children[0] if c.children else c
                name_word = self.word(inner)
            elif ct == "variable_assignment":
                w = self.word(c)
                for v in c.children:
                    if v.type in ("command_substitution", "string", "concatenation"):
                        self.value(v)
                assigns.append(ShellWord(w.raw, w.raw, w.start, w.end, w.dynamic))
            elif ct in ("file_redirect", "heredoc_redirect", "herestring_redirect"):
                red, extra, more, more_args = self.redirect(c)
                reds.append(red)
                reds.extend(extra)
                follow.extend(more)
                args.extend(more_args)
            elif c.is_named:
                if ct == "subshell" or ct == "ERROR":
                    self.walk(c, depth + 1)
                    continue
                args.append(self.word(c))
        base = _basename(name_word.value if name_word else "")
        cmd = Command(base, name_word, tuple(args), tuple(assigns), tuple(reds),
                      self.pos(node.start_byte), self.pos(node.end_byte), pipe[0], pipe[1],
                      depth)
        owner = len(self.commands)
        self.commands.append(cmd)
        # sh -c 'script': analyse the script too, at its position inside the quotes
        if base in SHELL_NAMES:
            for i, a in enumerate(args):
                if a.value.startswith("-") and not a.value.startswith("--") and "c" in a.value \
                        and i + 1 < len(args):
                    body = args[i + 1]
                    # the script is the word's value; map each of its characters back to the
                    # raw word, since quotes and escapes make them differ
                    value, offs = _unquote_map(body.raw)
                    bstart = body.start
                    sub = self.nested(value)
                    sub.analyse(depth + 1)
                    self.merge(sub, lambda p, _o=offs, _b=bstart: _b + _o[min(p, len(_o) - 1)])
                    break
            else:
                if any(r.op in ("<<", "<<-") for r in reds):
                    self.stdin_script(owner, depth)
        self.follow(follow, depth, owner)
        return owner


_CONDITION_NODES = frozenset({"list", "if_statement", "elif_clause", "while_statement",
                              "negated_command", "pipeline"})
_VAR_NAME = lazy(r"[A-Za-z_][A-Za-z0-9_]*")
_ASSIGNING = {"read", "getopts", "mapfile", "readarray", "printf", "let"}


def _basename(name: str) -> str:
    return name.rsplit("/", 1)[-1] if "/" in name else name


def _with_redirects(cmd: Command, reds: tuple[Redirect, ...]) -> Command:
    return replace(cmd, redirects=cmd.redirects + reds)


def _with_pipe(cmd: Command, prev: bool = False, next_: bool = False) -> Command:
    return replace(cmd, pipeline_next=cmd.pipeline_next or next_,
                   pipeline_prev=cmd.pipeline_prev or prev)


def _unescape_double(raw: str) -> str:
    """The inside of a double-quoted string: a backslash escapes only ``$ ` " \\`` and a
    newline (which it removes); anywhere else it stays."""
    if "\\" not in raw:
        return raw
    out: list[str] = []
    i, n = 0, len(raw)
    while i < n:
        ch = raw[i]
        if ch == "\\" and i + 1 < n and raw[i + 1] in '$`"\\\n':
            if raw[i + 1] != "\n":
                out.append(raw[i + 1])
            i += 2
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def _unquote_map(raw: str) -> tuple[str, list[int]]:
    """Remove shell quoting from a word's raw text (expansions stay as written), and give the
    raw offset of every character of the result (plus one entry for its end)."""
    out: list[str] = []
    offs: list[int] = []
    i, n = 0, len(raw)
    while i < n:
        ch = raw[i]
        if ch == "'":
            j = raw.find("'", i + 1)
            j = n if j < 0 else j
            for k in range(i + 1, j):
                out.append(raw[k])
                offs.append(k)
            i = j + 1
        elif ch == "$" and raw.startswith("$'", i):
            j = raw.find("'", i + 2)
            j = n if j < 0 else j
            for k in range(i + 2, j):
                out.append(raw[k])
                offs.append(k)
            i = j + 1
        elif ch == '"':
            i += 1
            while i < n and raw[i] != '"':
                c = raw[i]
                if c == "\\" and i + 1 < n and raw[i + 1] in '$`"\\\n':
                    if raw[i + 1] != "\n":
                        out.append(raw[i + 1])
                        offs.append(i + 1)
                    i += 2
                    continue
                out.append(c)
                offs.append(i)
                i += 1
            i += 1
        elif ch == "\\" and i + 1 < n:
            if raw[i + 1] != "\n":
                out.append(raw[i + 1])
                offs.append(i + 1)
            i += 2
        else:
            out.append(ch)
            offs.append(i)
            i += 1
    offs.append(offs[-1] + 1 if offs else min(1, n))
    return "".join(out), offs


def _shift_word(w: ShellWord, f) -> ShellWord:
    return ShellWord(w.value, w.raw, f(w.start), _end(w.start, w.end, f), w.dynamic)


def _end(start: int, end: int, f) -> int:
    """Map an exclusive end through ``f`` (which maps character positions)."""
    return f(start) if end <= start else f(end - 1) + 1


def _shifted(cmd: Command, f) -> Command:
    """``cmd`` with every position mapped through ``f``."""
    def red(r: Redirect) -> Redirect:
        return Redirect(r.op, _shift_word(r.target, f) if r.target else None, f(r.start),
                        _end(r.start, r.end, f), r.body,
                        f(r.body_start) if r.body_start >= 0 else -1)
    return replace(cmd, name_word=_shift_word(cmd.name_word, f) if cmd.name_word else None,
                   args=tuple(_shift_word(a, f) for a in cmd.args),
                   assignments=tuple(_shift_word(a, f) for a in cmd.assignments),
                   redirects=tuple(red(r) for r in cmd.redirects), start=f(cmd.start),
                   end=_end(cmd.start, cmd.end, f))


def _script(text: str, walker: _Walker, lmap: LineMap | None) -> Script:
    seen: set[tuple[str, int]] = set()
    variables = []
    for v in sorted(walker.vars, key=lambda v: (v.start, v.depth)):
        if (v.name, v.start) not in seen:       # "sh -c \"$X\"": one place, two shells
            seen.add((v.name, v.start))
            variables.append(v)
    return Script(text, walker.commands, lmap, walker.has_error, variables,
                  dict(walker.assigned), walker.too_deep)


def parse_script(text: str, lmap: LineMap | None = None) -> Script:
    """Parse shell ``text``; ``lmap`` maps its offsets to the Dockerfile."""
    walker = _Walker(text)
    walker.analyse()
    return _script(text, walker, lmap)


def _parse_with_heredocs(text: str, head: str,
                         heredocs: dict[int, tuple[str, str, int, bool]],
                         lmap: LineMap) -> Script:
    """``text`` is the command line followed by its heredoc bodies; only ``head`` (the command
    line with each ``<<NAME`` written ``< NAME``) is given to tree-sitter, and the redirects at
    the markers get their heredoc bodies (and whether the shell expands them) from
    ``heredocs``."""
    walker = _Walker(head, heredocs)
    walker.analyse()
    return _script(text, walker, lmap)


_SCRIPT_KEYWORDS = ("RUN", "CMD", "ENTRYPOINT", "HEALTHCHECK")
def program_of(words: list[str]) -> tuple[str, list[str]]:
    """The program a command line (a SHELL instruction, a ``#!`` line) runs, by its base name,
    looking through ``env`` and its options and assignments, and that program's arguments;
    ``("", [])`` when there is none."""
    if not words:
        return "", []
    exe, rest = words[0].rsplit("/", 1)[-1], list(words[1:])
    if exe == "env":
        while rest and (rest[0].startswith("-") or "=" in rest[0]):
            rest = rest[1:]
        if not rest:
            return "", []
        exe, rest = rest[0].rsplit("/", 1)[-1], rest[1:]
    return exe, rest


def _shebang_is_shell(first_line: str) -> bool:
    """Whether a ``#!`` line names a POSIX-ish shell (``/bin/sh``, ``/usr/bin/env bash``...)."""
    words = first_line[2:].split()
    if not words:
        return True                 # "#!" alone: the default shell runs it
    return program_of(words)[0] in SHELL_NAMES


def script_for(ins: Instruction) -> Script | None:
    """The shell script a shell-form RUN/CMD/ENTRYPOINT/HEALTHCHECK runs (None for exec form
    and for other instructions).

    The command text is the instruction's text after its flags, with the bodies of its heredocs
    appended the way a shell would read them, so that ``cat <<EOF > f`` sees its body. A RUN
    whose command is only a heredoc marker runs the body as the script (None when its ``#!``
    line names something other than a shell).
    """
    ins = ins.effective
    if ins.json or ins.keyword not in _SCRIPT_KEYWORDS:
        return None
    if ins.keyword == "HEALTHCHECK":
        if len(ins.args) < 2:
            return None
        word = ins.args[1]
        return parse_script(word.value, ins.line_map.slice(word.lstart, word.lend))
    text = ins.rest
    rs, re_ = ins.rest_lstart, ins.rest_lend
    pieces = ins.line_map.pieces(rs, re_)
    if ins.heredocs:
        only_marker = len(ins.heredocs) == 1 and text.strip() == \
            ins.original[ins.heredocs[0].marker_lstart:ins.heredocs[0].marker_lend].strip()
        if ins.keyword == "RUN" and only_marker:
            h = ins.heredocs[0]
            first = h.content.split("\n", 1)[0].rstrip("\r")
            if first.startswith("#!") and not _shebang_is_shell(first):
                return None      # a python/node/... script, not shell
            return parse_script(h.content, LineMap([(0, h.body_span.start, len(h.content))]))
        # tree-sitter-bash mishandles heredocs it did not see on their own (several on a line,
        # words after a marker, a marker before the command name), so it gets the command line
        # with each "<<NAME" written "< NAME" (same length, same positions), and the redirect
        # there gets the heredoc's body; the bodies follow the line in the script text as a
        # shell would read them
        line = list(text)
        heredocs: dict[int, tuple[str, str, int, bool]] = {}
        parts = [text]
        pos = len(text)
        for h in ins.heredocs:
            m0 = h.marker_lstart - rs
            k = ins.original.find("<<", h.marker_lstart, h.marker_lend) - rs
            if m0 < 0 or k < m0:
                continue
            line[k + 1] = " "
            if h.chomp:
                line[k + 2] = " "
            parts.append("\n")
            pos += 1
            op = (str(h.fd) if h.fd else "") + ("<<-" if h.chomp else "<<")
            heredocs[m0] = (op, h.content, pos, h.expand)
            pieces.append((pos, h.body_span.start, len(h.content)))
            parts.append(h.content)
            pos += len(h.content)
            term = h.name + "\n"
            pieces.append((pos, h.span.end - len(h.name), len(h.name)))
            parts.append(term)
            pos += len(term)
        return _parse_with_heredocs("".join(parts), "".join(line), heredocs, LineMap(pieces))
    return parse_script(text, LineMap(pieces))
