"""Shell analysis of RUN (and shell-form CMD/ENTRYPOINT/HEALTHCHECK) commands.

A real parser with positions: tree-sitter with the bash grammar, imported on first use. A script
becomes a flat list of :class:`Command` objects (name, argument words, ``VAR=x`` prefixes,
redirects, heredoc bodies) across ``&&``, ``||``, ``;``, pipes, subshells, groups, ``$(...)``,
``if``/``for``/``while``/``case`` bodies and ``sh -c '...'`` strings. Every word keeps its offsets in
the analysed text, and :meth:`Script.span` maps them back to the Dockerfile.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterator

from .source import Span
from .syntax import Instruction, LineMap

__all__ = ["ShellWord", "Redirect", "Command", "Script", "parse_script", "script_for",
           "SHELL_NAMES"]

SHELL_NAMES = {"sh", "bash", "ash", "dash", "zsh", "ksh", "busybox"}

_PARSER = None


def _parser():
    global _PARSER
    if _PARSER is None:
        import tree_sitter
        import tree_sitter_bash
        _PARSER = tree_sitter.Parser(tree_sitter.Language(tree_sitter_bash.language()))
    return _PARSER


@dataclass(frozen=True, slots=True)
class ShellWord:
    """A word: ``value`` has quotes removed and escapes applied; expansions stay as written
    and make the word ``dynamic``."""

    value: str
    raw: str
    start: int
    end: int
    dynamic: bool = False


@dataclass(frozen=True, slots=True)
class Redirect:
    op: str                      # ">", ">>", "<", "2>&1" parts..., "<<", "<<-", "<<<"
    target: ShellWord | None
    start: int
    end: int
    body: str | None = None      # heredoc body
    body_start: int = -1


@dataclass(frozen=True)
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


@dataclass
class Script:
    """A parsed shell text with its commands and a map back to the Dockerfile."""

    text: str
    commands: list[Command] = field(default_factory=list)
    lmap: LineMap | None = None
    has_error: bool = False

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


class _Walker:
    def __init__(self, text: str) -> None:
        self.text = text
        data = text.encode("utf-8", "surrogatepass")
        self.data = data
        self.ascii = len(data) == len(text)
        self._b2c: list[int] | None = None
        self.commands: list[Command] = []
        self.has_error = False

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
                    self.walk(c, 1)
            return raw.replace('\\"', '"').replace("\\\\", "\\").replace("\\$", "$"), dynamic
        if t == "concatenation":
            parts, dyn = [], False
            for c in node.children:
                v, d = self.value(c)
                parts.append(v)
                dyn = dyn or d
            return "".join(parts), dyn
        if t in ("command_substitution", "process_substitution"):
            self.walk(node, 1)
            return self.raw(node), True
        if t in ("simple_expansion", "expansion", "arithmetic_expansion", "brace_expression"):
            for c in node.children:
                if c.type == "command_substitution":
                    self.walk(c, 1)
            return self.raw(node), True
        return self.raw(node), True

    # ---- structure
    def walk(self, node, depth: int = 0, redirects: tuple[Redirect, ...] = (),
             pipe: tuple[bool, bool] = (False, False)) -> None:
        """Collect the commands under ``node`` in source order."""
        t = node.type
        if t == "ERROR":
            self.has_error = True
        if t == "command":
            self.command(node, depth, redirects, pipe)
            return
        if t == "redirected_statement":
            body = node.child_by_field_name("body")
            reds: list[Redirect] = []
            follow: list = []
            for c in node.children:
                if c.type in ("file_redirect", "heredoc_redirect", "herestring_redirect"):
                    red, extra, more = self.redirect(c)
                    reds.append(red)
                    reds.extend(extra)
                    follow.extend(more)
            if body is not None:
                before = len(self.commands)
                self.walk(body, depth, (), pipe)
                added = self.commands[before:]
                if added:
                    # bash binds redirects to the last command of a list or pipeline; a group,
                    # subshell or loop gets them as a whole
                    targets = [len(self.commands) - 1] if body.type in ("list", "pipeline") \
                        else range(before, len(self.commands))
                    for i in targets:
                        self.commands[i] = _with_redirects(self.commands[i], tuple(reds))
            for f in follow:
                self.walk(f, depth)
            return
        if t == "pipeline":
            kids = [c for c in node.children if c.is_named]
            for k, c in enumerate(kids):
                before = len(self.commands)
                self.walk(c, depth, redirects)
                if len(self.commands) > before:
                    if k > 0:
                        self.commands[before] = _with_pipe(self.commands[before], prev=True)
                    if k + 1 < len(kids):
                        self.commands[-1] = _with_pipe(self.commands[-1], next_=True)
            return
        for c in node.children:
            if c.is_named or c.type == "ERROR":
                self.walk(c, depth, redirects, pipe)

    def redirect(self, node) -> tuple[Redirect, list[Redirect], list]:
        """A redirect, the redirects nested in it, and the commands that follow a heredoc
        marker on its line (tree-sitter nests ``<<EOF > f && next`` inside the redirect)."""
        op = ""
        target = None
        body = None
        body_start = -1
        extra: list[Redirect] = []
        follow: list = []
        for c in node.children:
            ct = c.type
            if not c.is_named:
                if target is None and ct not in ("&&", "||", "|", ";", "&"):
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
                red, more_extra, more = self.redirect(c)
                extra.append(red)
                extra.extend(more_extra)
                follow.extend(more)
            elif node.type == "heredoc_redirect" and target is not None:
                follow.append(c)
            elif target is None:
                target = self.word(c)
        red = Redirect(op, target, self.pos(node.start_byte), self.pos(node.end_byte), body,
                       body_start)
        return red, extra, follow

    def command(self, node, depth: int, redirects: tuple[Redirect, ...],
                pipe: tuple[bool, bool]) -> None:
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
                red, extra, more = self.redirect(c)
                reds.append(red)
                reds.extend(extra)
                follow.extend(more)
            elif c.is_named:
                if ct == "subshell" or ct == "ERROR":
                    self.walk(c, depth + 1)
                    continue
                args.append(self.word(c))
        name = name_word.value if name_word else ""
        base = name.rsplit("/", 1)[-1] if "/" in name else name
        cmd = Command(base, name_word, tuple(args), tuple(assigns), tuple(reds),
                      self.pos(node.start_byte), self.pos(node.end_byte), pipe[0], pipe[1],
                      depth)
        self.commands.append(cmd)
        # sh -c 'script': analyse the script too, at its position inside the quotes
        if base in SHELL_NAMES:
            for i, a in enumerate(args):
                if a.value.startswith("-") and not a.value.startswith("--") and "c" in a.value \
                        and i + 1 < len(args):
                    body = args[i + 1]
                    offset = body.start + (1 if body.raw[:1] in "'\"" else 0)
                    sub = _Walker(body.value)
                    sub.walk(_parser().parse(sub.data).root_node, depth + 1)
                    for sc in sub.commands:
                        self.commands.append(_shifted(sc, offset))
                    self.has_error = self.has_error or sub.has_error
                    break
        for f in follow:
            self.walk(f, depth)


def _with_redirects(cmd: Command, reds: tuple[Redirect, ...]) -> Command:
    return Command(cmd.name, cmd.name_word, cmd.args, cmd.assignments, cmd.redirects + reds,
                   cmd.start, cmd.end, cmd.pipeline_next, cmd.pipeline_prev, cmd.depth)


def _with_pipe(cmd: Command, prev: bool = False, next_: bool = False) -> Command:
    return Command(cmd.name, cmd.name_word, cmd.args, cmd.assignments, cmd.redirects,
                   cmd.start, cmd.end, cmd.pipeline_next or next_, cmd.pipeline_prev or prev,
                   cmd.depth)


def _shift_word(w: ShellWord, d: int) -> ShellWord:
    return ShellWord(w.value, w.raw, w.start + d, w.end + d, w.dynamic)


def _shifted(cmd: Command, d: int) -> Command:
    def red(r: Redirect) -> Redirect:
        return Redirect(r.op, _shift_word(r.target, d) if r.target else None, r.start + d,
                        r.end + d, r.body, r.body_start + d if r.body_start >= 0 else -1)
    return Command(cmd.name, _shift_word(cmd.name_word, d) if cmd.name_word else None,
                   tuple(_shift_word(a, d) for a in cmd.args),
                   tuple(_shift_word(a, d) for a in cmd.assignments),
                   tuple(red(r) for r in cmd.redirects), cmd.start + d, cmd.end + d,
                   cmd.pipeline_next, cmd.pipeline_prev, cmd.depth)


def parse_script(text: str, lmap: LineMap | None = None) -> Script:
    """Parse shell ``text``; ``lmap`` maps its offsets to the Dockerfile."""
    walker = _Walker(text)
    tree = _parser().parse(walker.data)
    walker.walk(tree.root_node)
    return Script(text, walker.commands, lmap, walker.has_error)


def script_for(ins: Instruction) -> Script | None:
    """The shell script a shell-form instruction runs (None for exec form).

    The command text is the instruction's text after its flags, with the bodies of its heredocs
    appended the way a shell would read them, so that ``cat <<EOF > f`` sees its body. A RUN
    whose command is only a heredoc marker runs the body as the script.
    """
    ins = ins.effective
    if ins.json:
        return None
    if ins.keyword == "HEALTHCHECK":
        if len(ins.args) < 2:
            return None
        word = ins.args[1]
        return parse_script(word.value, ins.line_map.slice(word.lstart, word.lend))
    text = ins.rest
    pieces = ins.line_map.pieces(ins.rest_lstart, ins.rest_lend)
    if ins.heredocs:
        only_marker = len(ins.heredocs) == 1 and text.strip() == \
            ins.original[ins.heredocs[0].marker_lstart:ins.heredocs[0].marker_lend].strip()
        if ins.keyword == "RUN" and only_marker:
            h = ins.heredocs[0]
            first = h.content.split("\n", 1)[0]
            if first.startswith("#!") and not any(s in first for s in ("sh", "bash")):
                return None      # a python/node/... script, not shell
            return parse_script(h.content, LineMap([(0, h.body_span.start, len(h.content))]))
        parts = [text]
        pos = len(text)
        for h in ins.heredocs:
            parts.append("\n")
            pos += 1
            pieces.append((pos, h.body_span.start, len(h.content)))
            parts.append(h.content)
            pos += len(h.content)
            term = h.name + "\n"
            pieces.append((pos, h.body_span.end, len(term) - 1))
            parts.append(term)
            pos += len(term)
        text = "".join(parts)
    return parse_script(text, LineMap(pieces))
