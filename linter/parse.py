"""A BuildKit-faithful Dockerfile scanner with exact positions.

It mirrors moby/buildkit's ``frontend/dockerfile/parser`` line by line where that decides what the
AST is (directives, the escape character, continuations with blank and comment lines inside them,
heredocs, JSON versus shell form, per-instruction argument splitting), and adds what a linter
needs: a span for every keyword, flag, word and heredoc. A second pass, :func:`validate`, reports
what BuildKit's typed layer (``instructions.Parse``) would reject. Errors never stop the scan: each
becomes a :class:`~docklint.syntax.ParseError` and the scan goes on, so the rest of the file is
still linted.
"""

from __future__ import annotations

import re
from docklint.record import record, field, replace

from docklint.lazyre import lazy
from .source import MAX_LINE_BYTES, Source, Span
from .syntax import (KNOWN_INSTRUCTIONS, Comment, Directive, Flag, Heredoc, Instruction, LineMap,
                     ParseError, Word)

__all__ = ["Parsed", "Frontend", "parse", "parse_heredoc_word", "validate", "MOUNT_TYPES",
           "is_dockerfile_frontend"]

_DIRECTIVE = lazy(r"^#[\t\n\f\r ]*([a-zA-Z][a-zA-Z0-9]*)[\t\n\f\r ]*=[\t\n\f\r ]*(.+?)"
                  r"[\t\n\f\r ]*$", needs=("=",))
_VALID_DIRECTIVES = ("syntax", "escape", "check")
_SPLIT_WS = " \t\v\f\r"           # BuildKit's reWhitespace: [\t\v\f\r ]+
_HEREDOC_WORD = lazy(r"^(\d*)<<(-?)([^<]*)$")
_HEREDOC_KEYWORDS = ("run", "copy", "add")


def _isspace(ch: str) -> bool:
    """Go's unicode.IsSpace."""
    return ch in " \t\n\v\f\r\x85\xa0" or (ch > "\xff" and ch.isspace())


def _lstrip_ws(s: str, i: int = 0, end: int | None = None) -> int:
    n = len(s) if end is None else end
    while i < n and _isspace(s[i]):
        i += 1
    return i


def _rstrip_ws(s: str, end: int, start: int = 0) -> int:
    while end > start and _isspace(s[end - 1]):
        end -= 1
    return end


@record(frozen=True)
class Frontend:
    """A frontend other than BuildKit's Dockerfile frontend that the file selects.

    ``ref`` is the frontend image as written; ``form`` is how the file names it: ``#`` (a
    ``# syntax=`` directive), ``//`` (a ``//syntax=`` line) or ``json`` (the whole file is a
    JSON object with a ``syntax`` key); ``span`` is that line (the first line for ``json``).
    """

    ref: str
    form: str
    span: Span
    line: int


@record
class Parsed:
    """What the scanner found in one file.

    ``frontend`` is set when the file selects another frontend (:class:`Frontend`): that
    frontend decides what is valid, so ``errors`` is empty; with the ``//`` and ``json`` forms
    the file is not read as a Dockerfile at all (no instructions).
    """

    source: Source
    instructions: list[Instruction] = field(default_factory=list)
    directives: dict[str, Directive] = field(default_factory=dict)
    file_directives: dict[str, Directive] = field(default_factory=dict)
    comments: list[Comment] = field(default_factory=list)
    errors: list[ParseError] = field(default_factory=list)
    escape: str = "\\"
    frontend: Frontend | None = None


# --------------------------------------------------------------------------------------------
# word splitting, each returning (value, logical start, logical end)

def _split_ws(line: str, start: int, end: int) -> list[tuple[str, int, int]]:
    """BuildKit's ``reWhitespace.Split`` over an already trimmed range."""
    out: list[tuple[str, int, int]] = []
    i = start
    while i < end:
        j = i
        while j < end and line[j] not in _SPLIT_WS:
            j += 1
        out.append((line[i:j], i, j))
        k = j
        while k < end and line[k] in _SPLIT_WS:
            k += 1
        if k == end and j < end:
            out.append(("", end, end))  # trailing separator: Split yields a final empty word
        i = k
    return out


def _parse_words(line: str, start: int, end: int, esc: str) -> list[tuple[str, int, int]]:
    """BuildKit's ``parseWords`` (ENV, LABEL, ARG): quote-aware, quotes and escapes kept."""
    words: list[tuple[str, int, int]] = []
    in_spaces, in_word, in_quote = 0, 1, 2
    phase = in_spaces
    word: list[str] = []
    wstart = start
    quote = ""
    blank_ok = False
    pos = start
    while pos <= end:
        at_end = pos == end
        ch = "" if at_end else line[pos]
        if phase == in_spaces:
            if at_end:
                break
            if _isspace(ch):
                pos += 1
                continue
            phase = in_word
            wstart = pos
        if phase in (in_word, in_quote) and at_end:
            if blank_ok or word:
                words.append(("".join(word), wstart, end))
            break
        if phase == in_word:
            if _isspace(ch):
                phase = in_spaces
                if blank_ok or word:
                    words.append(("".join(word), wstart, pos))
                word = []
                blank_ok = False
                pos += 1
                continue
            if ch in ("'", '"'):
                quote = ch
                blank_ok = True
                phase = in_quote
            if ch == esc:
                if pos + 1 == end:
                    pos += 1
                    continue
                word.append(ch)
                pos += 1
                ch = line[pos]
            word.append(ch)
            pos += 1
            continue
        # in_quote
        if ch == quote:
            phase = in_word
        if ch == esc and quote != "'":
            if pos + 1 == end:
                phase = in_word
                pos += 1
                continue
            pos += 1
            word.append(ch)
            ch = line[pos]
        word.append(ch)
        pos += 1
    return words


def _extract_flags(line: str, start: int, end: int) -> tuple[int, list[tuple[str, int, int]]]:
    """BuildKit's ``extractBuilderFlags``: returns (where the arguments start, flag words).

    Flag words have quotes removed and backslash escapes applied (always ``\\``, whatever the
    escape directive says), exactly as BuildKit stores them.
    """
    flags: list[tuple[str, int, int]] = []
    pos = start
    while True:
        while pos < end and _isspace(line[pos]):
            pos += 1
        if pos >= end:
            return end, flags
        if not (line[pos] == "-" and pos + 1 < end and line[pos + 1] == "-"):
            return pos, flags
        wstart = pos
        word: list[str] = []
        blank_ok = False
        quote = ""
        while pos < end:
            ch = line[pos]
            if quote:
                if ch == quote:
                    quote = ""
                    pos += 1
                    continue
                if ch == "\\":
                    if pos + 1 == end:
                        quote = ""
                        pos += 1
                        continue
                    pos += 1
                    ch = line[pos]
                word.append(ch)
                pos += 1
                continue
            if _isspace(ch):
                break
            if ch in ("'", '"'):
                quote = ch
                blank_ok = True
                pos += 1
                continue
            if ch == "\\":
                if pos + 1 == end:
                    pos += 1
                    continue
                pos += 1
                ch = line[pos]
            word.append(ch)
            pos += 1
        text = "".join(word)
        if text == "--":
            # a bare "--" ends the flags and is dropped
            return (pos if pos >= end else pos), flags
        if blank_ok or text:
            flags.append((text, wstart, pos))


class _JSONNotStringArray(Exception):
    pass


def _reject_constant(name: str) -> None:
    raise ValueError(name)


def _parse_json(line: str, start: int, end: int) -> list[tuple[str, int, int]] | None:
    """BuildKit's ``parseJSON``: a JSON array of strings, or None when it is not JSON at all.

    Raises :class:`_JSONNotStringArray` for valid JSON that is not an array of strings (BuildKit
    makes that a hard error).
    """
    start = _lstrip_ws(line, start)
    if start >= end or line[start] != "[":
        return None
    simple = _plain_string_array(line, start, end)
    if simple is not None:
        return simple
    import json         # what the plain reading leaves: escapes, other values, invalid JSON
    text = line[start:end]
    try:
        value = json.loads(text, parse_constant=_reject_constant)
    except (ValueError, RecursionError):
        return None
    if not isinstance(value, list):
        return None
    if not all(isinstance(v, str) for v in value):
        raise _JSONNotStringArray()
    # locate each string literal for its span
    decoder = json.decoder.scanstring  # type: ignore[attr-defined]
    out: list[tuple[str, int, int]] = []
    i = start + 1
    while i < end:
        ch = line[i]
        if ch == '"':
            val, j = decoder(line, i + 1, True)
            if any("\ud800" <= c <= "\udfff" for c in val):
                val = "".join("\ufffd" if "\ud800" <= c <= "\udfff" else c for c in val)
            out.append((val, i, j))
            i = j
            continue
        if ch == "]":
            break
        i += 1
    return out


_JSON_SPACE = " \t\n\r"


def _plain_string_array(line: str, start: int, end: int) -> list[tuple[str, int, int]] | None:
    """``line[start:end]`` read as a JSON array of plain strings (no escapes, nothing but
    printable characters), each with its span, quotes included; None for anything else, which
    :mod:`json` then reads. Nearly every exec form is such an array, and reading it here keeps
    the json module off a plain lint."""
    out: list[tuple[str, int, int]] = []
    i = start + 1
    while i < end and line[i] in _JSON_SPACE:
        i += 1
    if i < end and line[i] == "]":
        i += 1
    else:
        while True:
            if i >= end or line[i] != '"':
                return None
            close = line.find('"', i + 1, end)
            if close < 0:
                return None
            value = line[i + 1:close]
            if "\\" in value or not value.isprintable():
                return None
            out.append((value, i, close + 1))
            i = close + 1
            while i < end and line[i] in _JSON_SPACE:
                i += 1
            if i < end and line[i] == ",":
                i += 1
                while i < end and line[i] in _JSON_SPACE:
                    i += 1
                continue
            if i < end and line[i] == "]":
                i += 1
                break
            return None
    while i < end and line[i] in _JSON_SPACE:
        i += 1
    return out if i == end else None


# --------------------------------------------------------------------------------------------
# heredocs

def _shell_words_raw(line: str, start: int, end: int) -> list[tuple[str, int, int]]:
    """Split a line into shell words, quotes and backslashes kept, as BuildKit's lexer does
    (with RawQuotes and RawEscapes) when it looks for heredoc markers."""
    words: list[tuple[str, int, int]] = []
    i = start
    while i < end:
        while i < end and line[i] in " \t\r\n":
            i += 1
        if i >= end:
            break
        ws = i
        quote = ""
        while i < end:
            ch = line[i]
            if quote:
                if ch == quote:
                    quote = ""
                elif ch == "\\" and quote == '"' and i + 1 < end:
                    i += 1
                i += 1
                continue
            if ch in " \t\r\n":
                break
            if ch in ("'", '"'):
                quote = ch
            elif ch == "\\" and i + 1 < end:
                i += 1
            i += 1
        words.append((line[ws:i], ws, i))
    return words


def _unquote_word(word: str) -> tuple[str, int]:
    """Remove shell quoting from a heredoc delimiter; returns (name, number of quote characters
    that were syntax). Raises ValueError on an unbalanced quote."""
    out: list[str] = []
    quotes = 0
    i, n = 0, len(word)
    while i < n:
        ch = word[i]
        if ch == "'":
            j = word.find("'", i + 1)
            if j < 0:
                raise ValueError("unterminated single quote in heredoc delimiter")
            out.append(word[i + 1:j])
            quotes += 2
            i = j + 1
            continue
        if ch == '"':
            i += 1
            closed = False
            while i < n:
                c = word[i]
                if c == '"':
                    closed = True
                    i += 1
                    break
                if c == "\\" and i + 1 < n and word[i + 1] in '"\\$`':
                    i += 1
                    c = word[i]
                out.append(c)
                i += 1
            if not closed:
                raise ValueError("unterminated double quote in heredoc delimiter")
            quotes += 2
            continue
        if ch == "\\" and i + 1 < n:
            i += 1
            ch = word[i]
        out.append(ch)
        i += 1
    return "".join(out), quotes


def parse_heredoc_word(word: str) -> tuple[str, bool, bool, int] | None:
    """If ``word`` is a heredoc marker, return (name, expand, chomp, fd); None if it is not one.

    Raises ValueError for a marker with unbalanced quotes (BuildKit rejects those).
    """
    m = _HEREDOC_WORD.match(word)
    if not m:
        return None
    fd = int(m.group(1)) if m.group(1) else 0
    chomp = m.group(2) == "-"
    rest = m.group(3)
    stripped = rest.strip(" \t")
    if not stripped:
        return None
    parts = _shell_words_raw(stripped, 0, len(stripped))
    if len(parts) != 1:
        # an unbalanced quote makes the lexer swallow the rest; report it rather than guess
        if any(q in stripped for q in "'\""):
            _unquote_word(stripped)
        return None
    name, quotes = _unquote_word(parts[0][0])
    return name, quotes == 0, chomp, fd


# --------------------------------------------------------------------------------------------

class _Scanner:
    def __init__(self, source: Source) -> None:
        self.src = source
        self.text = source.text
        self.result = Parsed(source=source)
        self.esc = "\\"
        self.directives_done = False
        self.directive_seen: set[str] = set()
        # physical lines: (start, content end without \r\n, next line start)
        text = self.text
        lines: list[tuple[int, int, int]] = []
        pos, n = 0, len(text)
        while pos < n:
            nl = text.find("\n", pos)
            nxt = n if nl < 0 else nl + 1
            end = n if nl < 0 else nl
            while end > pos and text[end - 1] in "\r\n":
                end -= 1
            lines.append((pos, end, nxt))
            pos = nxt
        if text.startswith("\ufeff"):
            # BuildKit's discardBOM: a byte-order mark left in the text (a Source built from a
            # str rather than through decode_bytes) is not part of the first line
            s0, e0, n0 = lines[0]
            lines[0] = (s0 + 1, max(s0 + 1, e0), n0)
        self.lines = lines

    # ---- directives
    def _possible_directive(self, idx: int, stripped: str, sstart: int) -> bool:
        """Feed one line (left-trimmed) to the directive parser; True if it was a directive."""
        if self.directives_done:
            return False
        m = _DIRECTIVE.match(stripped)
        if not m or m.group(1).lower() not in _VALID_DIRECTIVES:
            self.directives_done = True
            return False
        key = m.group(1).lower()
        span = Span(sstart, sstart + len(stripped))
        if key in self.directive_seen:
            self.result.errors.append(
                ParseError(f"only one {key} parser directive can be used", span))
            return True
        self.directive_seen.add(key)
        value = m.group(2)
        if key == "escape":
            if value not in ("`", "\\"):
                self.result.errors.append(ParseError(
                    f"invalid escape token '{value}' does not match ` or \\", span))
                return True
            self.esc = value
        self.result.directives[key] = Directive(key, value, span, idx + 1)
        return True

    def _continues(self, s: str, start: int, end: int) -> tuple[int, bool]:
        """BuildKit's trimContinuationCharacter: (new end, is end of line)."""
        e = end
        while e > start and s[e - 1] in " \t":
            e -= 1
        if e > start and s[e - 1] == self.esc and (e - 1 == start or s[e - 2] != self.esc):
            return e - 1, False
        return end, True

    # ---- main loop
    def run(self) -> Parsed:
        text = self.text
        lines = self.lines
        nlines = len(lines)
        res = self.result
        comments: list[str] = []
        i = 0
        index = 0
        while i < nlines:
            start, end, _ = lines[i]
            self._check_length(i)
            sstart = _lstrip_ws(text, start, end)
            is_comment = sstart < end and text[sstart] == "#"
            is_directive = self._possible_directive(i, text[sstart:end], sstart)
            if is_comment:
                ctext = text[sstart + 1:end].strip()
                res.comments.append(Comment(ctext, Span(sstart, end), i + 1,
                                            directive=is_directive))
                if not is_directive:
                    if ctext == "":
                        comments = []
                    else:
                        comments.append(ctext)
            i += 1
            if is_comment:
                continue
            cend, eol = self._continues(text, sstart, end)
            if eol and cend == sstart:
                continue
            first_line = i  # 1-based number of the instruction's first line
            pieces: list[tuple[int, int, int]] = [(0, sstart, cend - sstart)]
            buf: list[str] = [text[sstart:cend]]
            llen = cend - sstart
            empties: list[int] = []
            last_end = end
            while not eol and i < nlines:
                s2, e2, _ = lines[i]
                self._check_length(i)
                ls = _lstrip_ws(text, s2, e2)
                self._possible_directive(i, text[ls:e2], ls)
                i += 1
                if ls < e2 and text[ls] == "#":
                    res.comments.append(Comment(text[ls + 1:e2].strip(), Span(ls, e2), i,
                                                in_continuation=True))
                    last_end = e2
                    continue
                if ls >= e2:
                    empties.append(i)
                    last_end = max(last_end, e2)
                    continue
                cend2, eol = self._continues(text, s2, e2)
                pieces.append((llen, s2, cend2 - s2))
                buf.append(text[s2:cend2])
                llen += cend2 - s2
                last_end = e2
            line = "".join(buf)
            lmap = LineMap(pieces)
            try:
                node = self._node(line, 0, len(line), lmap, first_line, tuple(comments))
            except _LineError as exc:
                res.errors.append(ParseError(str(exc), Span(sstart, max(sstart, last_end))))
                comments = []
                continue
            end_line = i
            heredocs: list[Heredoc] = []
            target = node.sub if node.keyword == "ONBUILD" and node.sub is not None else node
            if target.keyword.lower() in _HEREDOC_KEYWORDS and not target.json and "<<" in line:
                try:
                    markers = self._heredoc_markers(line, lmap)
                except ValueError as exc:
                    res.errors.append(ParseError(str(exc), Span(sstart, max(sstart, last_end))))
                    markers = []
                for name, expand, chomp, fd, mls, mle in markers:
                    body_start = lines[i][0] if i < nlines else len(text)
                    terminated = False
                    while i < nlines:
                        ls_, le_, lnext = lines[i]
                        i += 1
                        cand = text[ls_:le_]
                        if chomp:
                            cand = cand.lstrip("\t")
                        if cand == name:
                            terminated = True
                            heredocs.append(Heredoc(
                                name=name, content=text[body_start:ls_], expand=expand,
                                chomp=chomp, fd=fd, marker_span=lmap.span(mls, mle),
                                body_span=Span(body_start, ls_), span=Span(body_start, le_),
                                marker_lstart=mls, marker_lend=mle))
                            last_end = le_
                            break
                    if not terminated:
                        res.errors.append(ParseError(
                            f"unterminated heredoc <<{name}: no line '{name}' ends it",
                            Span(sstart, len(text))))
                        last_end = _rstrip_nl(text, len(text))
                        break
                end_line = i
            span = Span(sstart, max(sstart, last_end))
            sub = node.sub
            if sub is not None:
                # the trigger starts at its own keyword and ends where the ONBUILD ends
                sub = replace(sub, heredocs=tuple(heredocs),
                              span=Span(min(sub.span.start, span.end), span.end),
                              end_line=max(first_line, end_line))
            node = replace(node, span=span, end_line=max(first_line, end_line),
                           heredocs=tuple(heredocs), index=index,
                           empty_continuation_lines=tuple(empties), sub=sub)
            res.instructions.append(node)
            index += 1
            comments = []
        res.escape = self.esc
        res.file_directives = _frontend_directives(self.src, self.lines)
        if not res.instructions:
            res.errors.append(ParseError("file with no instructions", Span(0, 0)))
        return res

    def _check_length(self, idx: int) -> None:
        start, _, nxt = self.lines[idx]
        n = nxt - start
        # cheap upper bound first: a code point is at most 4 bytes
        if n * 4 <= MAX_LINE_BYTES + 1:
            return
        size = len(self.text[start:nxt].encode("utf-8", "surrogatepass"))
        if size > MAX_LINE_BYTES + 1:
            self.result.errors.append(ParseError(
                f"line {idx + 1} is {size} bytes long; BuildKit cannot read lines longer than "
                f"64 KiB (bufio.Scanner: token too long)",
                Span(start, start + 1 if start < self.lines[idx][1] else start)))

    def _heredoc_markers(self, line: str, lmap: LineMap
                         ) -> list[tuple[str, bool, bool, int, int, int]]:
        words = _shell_words_raw(line, 0, len(line))
        out = []
        k = 0
        while k < len(words):
            w, ws, we = words[k]
            m = _HEREDOC_WORD.match(w)
            if m and not m.group(3) and k + 1 < len(words) and "<" not in words[k + 1][0]:
                # "<< EOF": the delimiter is the next word
                nxt, _, ne = words[k + 1]
                parsed = parse_heredoc_word(w + " " + nxt)
                we = ne
                k += 1
            else:
                parsed = parse_heredoc_word(w)
            if parsed is not None:
                name, expand, chomp, fd = parsed
                out.append((name, expand, chomp, fd, ws, we))
            k += 1
        return out

    # ---- one logical line -> Instruction
    def _node(self, line: str, start: int, end: int, lmap: LineMap, first_line: int,
              comments: tuple[str, ...], nest: int = 0) -> Instruction:
        ts = _lstrip_ws(line, start)
        te = _rstrip_ws(line, end, ts)
        ke = ts
        while ke < te and line[ke] not in _SPLIT_WS:
            ke += 1
        cmd = line[ts:ke]
        rs = ke
        while rs < te and line[rs] in _SPLIT_WS:
            rs += 1
        flags: list[Flag] = []
        as_ = ae = te
        if rs < te:
            astart, fwords = _extract_flags(line, rs, te)
            for text, fs, fe in fwords:
                body = text[2:] if text.startswith("--") else text
                name, eq, value = body.partition("=")
                flags.append(Flag(name=name, value=value if eq else None, text=text,
                                  span=lmap.span(fs, fe), lstart=fs, lend=fe))
            as_ = _lstrip_ws(line, astart)
            ae = _rstrip_ws(line, te, as_)
        kw = cmd.lower()
        args: list[tuple[str, int, int]] = []
        is_json = False
        sub: Instruction | None = None
        try:
            if kw in ("run", "cmd", "entrypoint", "shell"):
                args, is_json = self._maybe_json(line, as_, ae)
            elif kw in ("add", "copy", "volume"):
                args, is_json = self._maybe_json(line, as_, ae, to_list=True)
            elif kw in ("from", "expose"):
                args = _split_ws(line, as_, ae) if as_ < ae else []
            elif kw in ("env", "label"):
                args = self._name_val(line, as_, ae, kw.upper())
            elif kw == "arg":
                args = _parse_words(line, as_, ae, self.esc)
            elif kw in ("maintainer", "user", "workdir", "stopsignal"):
                args = [(line[as_:ae], as_, ae)] if as_ < ae else []
            elif kw == "healthcheck":
                args, is_json = self._health(line, as_, ae)
            elif kw == "onbuild":
                # `ONBUILD ONBUILD ...` is an error (DK000) whatever follows; the chain is read
                # a few levels deep, not one Python frame per word of a hostile line
                if as_ < ae and nest < _MAX_ONBUILD_NEST:
                    sub = self._node(line, as_, ae, lmap, first_line, (), nest + 1)
            # unknown instructions: BuildKit drops their arguments
        except _JSONNotStringArray:
            raise _LineError(f"{cmd.upper()}: the JSON array must contain only strings "
                             "(a nested array, number or null is not allowed)") from None
        words = tuple(Word(v, lmap.span(s, e), s, e) for v, s, e in args)
        return Instruction(
            keyword=kw.upper(), written=cmd, span=lmap.span(ts, te),
            keyword_span=lmap.span(ts, ke), flags=tuple(flags), args=words, json=is_json,
            heredocs=(), original=line, line_map=lmap, rest_lstart=as_, rest_lend=ae,
            line=first_line, end_line=first_line, sub=sub, comments=comments)

    def _maybe_json(self, line: str, s: int, e: int, to_list: bool = False
                    ) -> tuple[list[tuple[str, int, int]], bool]:
        if s >= e:
            return [], False
        parsed = _parse_json(line, s, e)
        if parsed is not None:
            return parsed, True
        if to_list:
            return _split_ws(line, s, e), False
        return [(line[s:e], s, e)], False

    def _name_val(self, line: str, s: int, e: int, key: str) -> list[tuple[str, int, int]]:
        words = _parse_words(line, s, e, self.esc)
        if not words:
            return []
        if "=" not in words[0][0]:
            # legacy "KEY value": the key is the first run of non-blanks, the value all the rest
            k = s
            while k < e and line[k] not in _SPLIT_WS:
                k += 1
            v = k
            while v < e and line[v] in _SPLIT_WS:
                v += 1
            if k >= e:
                raise _LineError(f"{key} must have two arguments")
            return [(line[s:k], s, k), (line[v:e], v, e), ("", k, k)]
        out = []
        for w, ws, we in words:
            if "=" not in w:
                raise _LineError(f"Syntax error - can't find = in {w!r}. "
                                 "Must be of the form: name=value")
            k, _, v = w.partition("=")
            eq = ws + len(k)
            out += [(k, ws, eq), (v, eq + 1, we), ("=", eq, eq + 1)]
        return out

    def _health(self, line: str, s: int, e: int) -> tuple[list[tuple[str, int, int]], bool]:
        sep = s
        while sep < e and not _isspace(line[sep]):
            sep += 1
        if sep == s:
            return [], False
        nxt = sep
        while nxt < e and _isspace(line[nxt]):
            nxt += 1
        rest, is_json = self._maybe_json(line, nxt, e)
        return [(line[s:sep], s, sep), *rest], is_json


class _LineError(Exception):
    pass


def _rstrip_nl(text: str, end: int) -> int:
    while end > 0 and text[end - 1] in "\r\n":
        end -= 1
    return end


def _frontend_directives(source: Source, lines: list[tuple[int, int, int]]
                         ) -> dict[str, Directive]:
    """``syntax`` and ``check`` as BuildKit's frontend reads them: ``#`` in column 1, a ``#!``
    first line skipped, the block ending at the first other line."""
    out: dict[str, Directive] = {}
    text = source.text
    for idx, (start, end, _) in enumerate(lines):
        line = text[start:end]
        if idx == 0 and line.startswith("#!"):
            continue
        m = _DIRECTIVE.match(line)
        if not m or m.group(1).lower() not in _VALID_DIRECTIVES:
            break
        key = m.group(1).lower()
        if key in out:
            break
        out[key] = Directive(key, m.group(2), Span(start, end), idx + 1)
    return out


# the frontends that are BuildKit's Dockerfile frontend (on any registry: mirrors keep the path)
_DOCKERFILE_FRONTENDS = ("docker/dockerfile", "docker/dockerfile-upstream")
_SLASH_DIRECTIVE = lazy(r"^//[\t\n\f\r ]*([a-zA-Z][a-zA-Z0-9]*)[\t\n\f\r ]*="
                        r"[\t\n\f\r ]*(.+?)[\t\n\f\r ]*$", needs=("//",))


def is_dockerfile_frontend(value: str) -> bool:
    """Whether a ``syntax`` value (its first word) names BuildKit's Dockerfile frontend:
    ``[registry/][.../]docker/dockerfile[-upstream][:tag][@digest]``. An invalid reference
    counts as one (BuildKit fails to resolve it; that is not another frontend's syntax)."""
    from .imageref import parse_image_ref
    word = value.split(None, 1)[0] if value.strip() else ""
    ref = parse_image_ref(word)
    if ref.error:
        return True
    path = ref.path
    return any(path == name or path.endswith("/" + name) for name in _DOCKERFILE_FRONTENDS)


def _other_syntax(source: Source, lines: list[tuple[int, int, int]],
                  directives: dict[str, Directive]) -> Frontend | None:
    """The frontend the file selects, when it is not the Dockerfile frontend, as BuildKit's
    frontend detector finds it: a ``# syntax=`` directive, else a ``//syntax=`` line in the
    leading block (after a ``#!`` line), else a whole-file JSON object with a ``syntax``
    string (every value a string)."""
    found = directives.get("syntax")
    if found is not None:
        value = found.value
        if is_dockerfile_frontend(value):
            return None
        return Frontend(value.split(None, 1)[0], "#", found.span, found.line)
    text = source.text
    seen: set[str] = set()
    for idx, (start, end, _) in enumerate(lines):
        line = text[start:end]
        if idx == 0 and line.startswith("#!"):
            continue
        m = _SLASH_DIRECTIVE.match(line)
        if not m or m.group(1).lower() not in _VALID_DIRECTIVES or m.group(1).lower() in seen:
            break
        key = m.group(1).lower()
        seen.add(key)
        if key == "syntax":
            if is_dockerfile_frontend(m.group(2)):
                return None
            return Frontend(m.group(2).split(None, 1)[0], "//", Span(start, end), idx + 1)
    stripped = text.lstrip("\ufeff").strip()
    if stripped.startswith("{") and '"syntax"' in stripped:
        import json
        try:
            obj = json.loads(stripped)
        except (ValueError, RecursionError):
            return None
        if isinstance(obj, dict) and all(isinstance(v, str) for v in obj.values()) and \
                isinstance(obj.get("syntax"), str) and obj["syntax"].strip() and \
                not is_dockerfile_frontend(obj["syntax"]):
            k = next((k for k, (a, b, _) in enumerate(lines) if text[a:b].strip()), 0)
            a, b, _ = lines[k] if lines else (0, 0, 0)
            return Frontend(obj["syntax"].split(None, 1)[0], "json", Span(a, b), k + 1)
    return None


def parse(source: Source, *, typed: bool = True) -> Parsed:
    """Scan ``source`` into instructions, directives, comments and parse errors.

    With ``typed`` (the default) the errors also include what BuildKit's typed layer rejects
    (unknown instructions, bad flags, wrong argument counts...); without it, only what its
    parser proper rejects. A file that selects another frontend (see :class:`Frontend`) has
    no errors: that frontend decides.
    """
    scanner = _Scanner(source)
    lines = scanner.lines
    head = source.text.lstrip("\ufeff")
    if head.lstrip().startswith(("//", "{")) or (head.startswith("#!") and len(lines) > 1):
        other = _other_syntax(source, lines, {})
        if other is not None and other.form != "#":
            return Parsed(source=source, frontend=other)
    parsed = scanner.run()
    other = None
    if not any(e.message == "only one syntax parser directive can be used"
               for e in parsed.errors):
        # (with two, BuildKit's frontend detector finds none and the Dockerfile parser fails)
        other = _other_syntax(source, lines, parsed.file_directives)
    if other is not None:
        parsed.frontend = other
        parsed.errors = []
        return parsed
    if typed:
        parsed.errors.extend(validate(parsed.instructions))
    if parsed.errors and _LONE_CR.search(source.text):
        parsed.errors = [_explain_lone_cr(source, e) for e in parsed.errors]
    parsed.errors.sort(key=lambda e: (e.span.start, e.message))
    return parsed


_LONE_CR = lazy(r"\r(?!\n)")


def _explain_lone_cr(source: Source, err: ParseError) -> ParseError:
    """Say so when an error sits on a line that CR-only line endings glued together."""
    line = source.line_of(err.span.start)
    start = source.line_start(line)
    if not _LONE_CR.search(source.text, start, source.line_end(line)):
        return err
    return replace(err, message=err.message + " (this line holds carriage returns (CR) without "
                   "line feeds: BuildKit ends lines only at LF, so CR line endings join lines; "
                   "convert the file to LF or CRLF line endings)")


# --------------------------------------------------------------------------------------------
# the typed layer: what BuildKit's instructions.Parse rejects

_BOOL_FLAGS = {"link", "parents", "keep-git-dir", "unpack"}
_FLAGS: dict[str, dict[str, bool]] = {   # flag -> repeatable
    "FROM": {"platform": False},
    "RUN": {"mount": True, "network": False, "security": False, "device": True},
    "COPY": {"from": False, "chown": False, "chmod": False, "link": False, "parents": False,
             "exclude": True},
    "ADD": {"chown": False, "chmod": False, "link": False, "keep-git-dir": False,
            "checksum": False, "unpack": False, "exclude": True},
    "HEALTHCHECK": {"interval": False, "timeout": False, "start-period": False,
                    "start-interval": False, "retries": False},
}
_STAGE_NAME = lazy(r"^[a-z][a-z0-9-_.]*$")
_DURATION_PART = lazy(r"(\d*)(?:\.(\d*))?(ns|us|\u00b5s|\u03bcs|ms|s|m|h)")
_DURATION_UNITS = {"ns": 1, "us": 1_000, "\u00b5s": 1_000, "\u03bcs": 1_000, "ms": 1_000_000,
                   "s": 1_000_000_000, "m": 60_000_000_000, "h": 3_600_000_000_000}


def _go_duration(text: str) -> float | None:
    """Go's ``time.ParseDuration`` in nanoseconds (signed), or None when it rejects ``text``."""
    s = text
    sign = 1
    if s and s[0] in "+-":
        sign = -1 if s[0] == "-" else 1
        s = s[1:]
    if s == "0":
        return 0
    if not s:
        return None
    total = 0.0
    pos = 0
    while pos < len(s):
        m = _DURATION_PART.match(s, pos)
        if m is None or not (m.group(1) or m.group(2)):
            return None
        whole = int(m.group(1) or "0")
        frac = float("0." + m.group(2)) if m.group(2) else 0.0
        total += (whole + frac) * _DURATION_UNITS[m.group(3)]
        pos = m.end()
    return sign * total
_MOUNT_KEYS = {"type", "from", "source", "src", "target", "dst", "destination", "readonly",
               "ro", "readwrite", "rw", "id", "sharing", "mode", "uid", "gid", "size", "required",
               "env", "bind-propagation", "bind-nonrecursive", "tmpfs-size"}
_MOUNT_TYPES = {"bind", "cache", "tmpfs", "secret", "ssh"}
MOUNT_TYPES = frozenset(_MOUNT_TYPES)


def _suggest(word: str, choices) -> str:
    import difflib
    match = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean {match[0]}?)" if match else ""


def _validate_flags(ins: Instruction, errors: list[ParseError]) -> None:
    allowed = _FLAGS.get(ins.keyword, {})
    seen: set[str] = set()
    for f in ins.flags:
        if f.name not in allowed:
            errors.append(ParseError(f"unknown flag: --{f.name}" +
                                     _suggest(f.name, allowed), f.span))
            continue
        if f.name in seen and not allowed[f.name]:
            errors.append(ParseError(f"duplicate flag specified: --{f.name}", f.span))
        seen.add(f.name)
        if f.value is None:
            if f.name not in _BOOL_FLAGS:
                errors.append(ParseError(f"missing a value on flag: --{f.name}", f.span))
            continue
        if f.name in _BOOL_FLAGS and f.value == "":
            errors.append(ParseError(f"missing a value on flag: --{f.name}", f.span))
        elif f.name in _BOOL_FLAGS and f.value.lower() not in ("true", "false"):
            errors.append(ParseError(
                f"expecting boolean value for flag {f.name}, not: {f.value}", f.span))
        elif ins.keyword == "HEALTHCHECK" and f.name != "retries" and f.value and \
                "$" not in f.value:
            # BuildKit's parseOptInterval: empty is the default, else Go's time.ParseDuration,
            # and a duration other than 0 must be at least 1ms
            ns = _go_duration(f.value)
            if ns is None:
                errors.append(ParseError(f"invalid duration {f.value!r} for --{f.name} "
                                         "(use a unit: 30s, 5m, 1h)", f.span))
            elif ns != 0 and ns < 1_000_000:
                errors.append(ParseError(f"--{f.name} {f.value!r} cannot be less than 1ms",
                                         f.span))
        elif ins.keyword == "HEALTHCHECK" and f.name == "retries" and f.value:
            # strconv.ParseInt(value, 10, 32), then no negative count
            m = re.fullmatch(r"[-+]?\d+", f.value)
            if m is None or not -2**31 <= int(f.value) < 2**31:
                errors.append(ParseError(f"--retries must be an integer, not {f.value!r}",
                                         f.span))
            elif int(f.value) < 0:
                errors.append(ParseError(f"--retries cannot be negative ({int(f.value)})",
                                         f.span))
        elif f.name == "network" and f.value not in ("default", "none", "host") \
                and "$" not in f.value:
            errors.append(ParseError(f"network mode {f.value!r} not supported", f.span))
        elif f.name == "security" and f.value not in ("insecure", "sandbox"):
            errors.append(ParseError(f"security mode {f.value!r} not supported", f.span))
        elif f.name == "mount":
            _validate_mount(f, errors)


def _validate_mount(f: Flag, errors: list[ParseError]) -> None:
    fields = _csv_fields(f.value or "")
    mtype = "bind"
    keys = {}
    for item in fields:
        key, eq, value = item.partition("=")
        key = key.strip().lower()
        if key not in _MOUNT_KEYS:
            errors.append(ParseError(f"unexpected key '{key}' in '{item}'" +
                                     _suggest(key, _MOUNT_KEYS), f.span))
            return
        keys[key] = value
        if key == "type":
            # BuildKit expands the value first (a `$` waits for the rule, which knows the
            # stage's variables) and compares it in lower case
            mtype = value.lower()
            if "$" not in value and mtype not in _MOUNT_TYPES:
                errors.append(ParseError(f"unsupported mount type {value!r}" +
                                         _suggest(mtype, _MOUNT_TYPES), f.span))
                return
    if mtype == "secret" and "from" in keys:
        errors.append(ParseError("secret mount should not have a from", f.span))
    if "from" in keys and "$" in keys["from"][:-1]:
        errors.append(ParseError("'from' of a --mount may not contain variables "
                                 "(use an alias stage instead)", f.span))


def _csv_fields(value: str) -> list[str]:
    """Split a --mount value on commas, honouring double quotes like Go's encoding/csv."""
    out: list[str] = []
    cur: list[str] = []
    quoted = False
    for ch in value:
        if ch == '"':
            quoted = not quoted
            continue
        if ch == "," and not quoted:
            out.append("".join(cur))
            cur = []
            continue
        cur.append(ch)
    out.append("".join(cur))
    return [x for x in out if x != ""]


_MAX_ONBUILD_NEST = 8


def _validate_one(ins: Instruction, errors: list[ParseError], trigger: bool = False) -> None:
    """What BuildKit's typed layer rejects in ``ins`` (``trigger``: an ONBUILD's trigger)."""
    kw = ins.keyword
    n = len(ins.args)
    where = ins.keyword_span if ins.span.end > ins.span.start else ins.span

    def err(msg: str, span: Span | None = None) -> None:
        errors.append(ParseError(msg, span or ins.span))

    if kw not in KNOWN_INSTRUCTIONS:
        err(f"unknown instruction: {ins.written}" + _suggest(kw, KNOWN_INSTRUCTIONS), where)
        return
    if not (kw == "HEALTHCHECK" and ins.args and ins.args[0].value.upper() == "NONE"):
        # BuildKit declares and parses HEALTHCHECK's flags only for CMD: NONE ignores them
        _validate_flags(ins, errors)
    if kw == "FROM":
        if n not in (1, 3) or (n == 3 and ins.args[1].value.lower() != "as"):
            err("FROM requires either one or three arguments")
        elif n == 3 and not _STAGE_NAME.match(ins.args[2].value.lower()):
            err(f"invalid name for build stage: {ins.args[2].value!r}, name can't start with a "
                "number or contain symbols", ins.args[2].span)
    elif kw in ("ENV", "LABEL", "ARG", "EXPOSE", "VOLUME") and n == 0:
        err(f"{kw} requires at least one argument")
    elif kw in ("USER", "WORKDIR", "STOPSIGNAL", "MAINTAINER") and n != 1:
        err(f"{kw} requires exactly one argument")
    elif kw in ("COPY", "ADD") and n < 2:
        err(f"{kw} requires at least two arguments, but only one was provided. "
            "Destination could not be determined")
    elif kw == "SHELL":
        if not ins.json:
            err("SHELL requires the arguments to be in JSON form")
        elif n == 0:
            err("SHELL requires at least one argument")
    elif kw == "VOLUME" and ins.json and any(a.value.strip() == "" for a in ins.args):
        err("VOLUME specified can not be an empty string")
    elif kw == "HEALTHCHECK":
        if n == 0:
            err("HEALTHCHECK requires at least one argument")
        else:
            typ = ins.args[0].value.upper()
            if typ == "NONE":
                if n > 1:
                    err("HEALTHCHECK NONE takes no arguments")
            elif typ == "CMD":
                if n == 1:
                    err("Missing command after HEALTHCHECK CMD")
            else:
                err(f"Unknown type {ins.args[0].value!r} in HEALTHCHECK (try CMD)",
                    ins.args[0].span)
    elif kw == "ONBUILD":
        if ins.sub is None:
            err("ONBUILD requires at least one argument")
        elif ins.sub.keyword in ("ONBUILD", "FROM", "MAINTAINER"):
            err(f"{ins.sub.keyword} isn't allowed as an ONBUILD trigger", ins.sub.keyword_span)
        else:
            # BuildKit stores the trigger as text: its typed-layer errors surface only in
            # the builds that run it
            found: list[ParseError] = []
            _validate_one(ins.sub, found, trigger=True)
            errors.extend(replace(e, trigger=True) for e in found)


def validate(instructions: list[Instruction]) -> list[ParseError]:
    """What BuildKit's typed layer would reject, instruction by instruction."""
    errors: list[ParseError] = []
    seen_from = False
    for ins in instructions:
        _validate_one(ins, errors)
        if ins.keyword == "FROM":
            seen_from = True
        elif not seen_from and ins.keyword != "ARG" and ins.keyword in KNOWN_INSTRUCTIONS:
            errors.append(ParseError(
                f"no build stage in current context: {ins.keyword} before the first FROM",
                ins.keyword_span, outside_stage=True))
            seen_from = True  # BuildKit stops at the first one; report it once
    return errors
