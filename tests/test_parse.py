"""The scanner beyond BuildKit's own parser cases (those are in test_conformance.py): heredocs,
BOM/CRLF/CR, directives, the escape character, continuations, typed-layer errors, and the exact
spans of everything the parser hands to rules."""

from __future__ import annotations

import pytest

from docklint.parse import parse
from docklint.source import Source, Span, decode_bytes
from docklint.syntax import Instruction


def P(text: str, typed: bool = True):
    return parse(Source(text), typed=typed)


def at(text: str, needle: str, nth: int = 0) -> Span:
    """The span of the ``nth`` occurrence of ``needle`` in ``text``."""
    pos = -1
    for _ in range(nth + 1):
        pos = text.index(needle, pos + 1)
    return Span(pos, pos + len(needle))


def sl(text: str, span: Span) -> str:
    return text[span.start:span.end]


def errs(parsed) -> list[tuple[str, str]]:
    """(message, the source text the error points at)."""
    return [(e.message, sl(parsed.source.text, e.span)) for e in parsed.errors]


def kws(parsed) -> list[str]:
    return [i.keyword for i in parsed.instructions]


def words(ins: Instruction) -> list[str]:
    return [w.value for w in ins.args]


# =============================================================================== heredocs

def test_heredoc_basic_positions_and_next_instruction():
    text = "FROM a\nRUN cat <<EOF\nhello\nworld\nEOF\nRUN next\n"
    p = P(text)
    assert p.errors == []
    assert kws(p) == ["FROM", "RUN", "RUN"]
    run = p.instructions[1]
    (h,) = run.heredocs
    assert (h.name, h.expand, h.chomp, h.fd) == ("EOF", True, False, 0)
    assert h.content == "hello\nworld\n"
    assert h.marker_span == at(text, "<<EOF")
    assert h.body_span == Span(text.index("hello"), text.index("EOF\nRUN"))
    assert h.span == Span(text.index("hello"), text.index("EOF\nRUN") + 3)
    assert sl(text, h.span) == "hello\nworld\nEOF"
    assert h.content == sl(text, h.body_span)
    assert (h.marker_lstart, h.marker_lend) == (8, 13)
    assert run.original[h.marker_lstart:h.marker_lend] == "<<EOF"
    # the instruction runs from its keyword to the end of the terminator line
    assert sl(text, run.span) == "RUN cat <<EOF\nhello\nworld\nEOF"
    assert (run.line, run.end_line) == (2, 5)
    assert words(run) == ["cat <<EOF"]
    nxt = p.instructions[2]
    assert (nxt.line, nxt.end_line, words(nxt)) == (6, 6, ["next"])
    assert nxt.keyword_span == Span(text.index("RUN next"), text.index("RUN next") + 3)


def test_heredoc_chomp_terminator_with_leading_tabs():
    text = "FROM a\nRUN <<-EOF\n\thello\n\t\tEOF\nUSER x\n"
    p = P(text)
    (h,) = p.instructions[1].heredocs
    assert (h.name, h.chomp, h.expand) == ("EOF", True, True)
    assert h.content == "\thello\n"            # tabs are stripped later, by the builder
    assert sl(text, h.span) == "\thello\n\t\tEOF"
    assert p.instructions[1].end_line == 4
    assert words(p.instructions[2]) == ["x"]


def test_heredoc_without_chomp_needs_the_exact_terminator():
    text = "FROM a\nRUN <<EOF\n\tEOF\nEOF \nEOF\nUSER x\n"
    p = P(text)
    (h,) = p.instructions[1].heredocs
    assert h.content == "\tEOF\nEOF \n"       # neither "\tEOF" nor "EOF " ends it
    assert p.instructions[1].end_line == 5
    assert kws(p) == ["FROM", "RUN", "USER"]


@pytest.mark.parametrize("marker, name, expand, chomp", [
    ("<<EOF", "EOF", True, False),
    ("<<'EOF'", "EOF", False, False),
    ('<<"EOF"', "EOF", False, False),
    ('<<E"O"F', "EOF", False, False),
    ("<<-'EOF'", "EOF", False, True),
    ("<< EOF", "EOF", True, False),
    ("<<-  'EOF'", "EOF", False, True),
])
def test_heredoc_quoted_delimiters(marker, name, expand, chomp):
    text = f"FROM a\nRUN cat {marker} > /f\nbody $X\n{name}\n"
    p = P(text)
    assert p.errors == []
    (h,) = p.instructions[1].heredocs
    assert (h.name, h.expand, h.chomp) == (name, expand, chomp)
    assert h.content == "body $X\n"
    assert sl(text, h.marker_span) == marker


def test_several_heredocs_on_a_copy_line():
    text = "FROM a\nCOPY <<one <<'two' /dest/\n1\none\n2\ntwo\nCMD x\n"
    p = P(text)
    assert p.errors == []
    copy = p.instructions[1]
    assert words(copy) == ["<<one", "<<'two'", "/dest/"]
    one, two = copy.heredocs
    assert (one.name, one.content, one.expand) == ("one", "1\n", True)
    assert (two.name, two.content, two.expand) == ("two", "2\n", False)
    assert one.marker_span == at(text, "<<one")
    assert two.marker_span == at(text, "<<'two'")
    assert sl(text, one.span) == "1\none"
    assert sl(text, two.span) == "2\ntwo"
    assert one.body_span.end < two.body_span.start
    assert (copy.line, copy.end_line) == (2, 6)
    assert sl(text, copy.span) == "COPY <<one <<'two' /dest/\n1\none\n2\ntwo"
    assert p.instructions[2].line == 7


def test_several_heredocs_on_a_run_line_and_add():
    text = "FROM a\nRUN <<A cat && <<B cat\na\nA\nb\nB\nADD <<F /f\nf\nF\n"
    p = P(text)
    assert p.errors == []
    run, add = p.instructions[1], p.instructions[2]
    assert [(h.name, h.content) for h in run.heredocs] == [("A", "a\n"), ("B", "b\n")]
    assert run.end_line == 6
    assert [(h.name, h.content) for h in add.heredocs] == [("F", "f\n")]
    assert (add.line, add.end_line) == (7, 9)


def test_heredoc_marker_on_a_continuation_line():
    text = "FROM a\nRUN \\\n  cat <<EOF\nx\nEOF\nRUN y\n"
    p = P(text)
    run = p.instructions[1]
    (h,) = run.heredocs
    assert h.marker_span == at(text, "<<EOF")
    assert Source(text).position(h.marker_span.start) == (3, 7)
    assert h.content == "x\n"
    assert (run.line, run.end_line) == (2, 5)
    assert words(p.instructions[2]) == ["y"]


def test_heredoc_body_is_raw_text():
    # comments, continuations, directives and instructions inside a body are just text
    text = "# escape=`\nFROM a\nRUN <<EOF\n# escape=\\\nFROM b \\\nRUN c\nEOF\nUSER d\n"
    p = P(text)
    assert kws(p) == ["FROM", "RUN", "USER"]
    assert p.instructions[1].heredocs[0].content == "# escape=\\\nFROM b \\\nRUN c\n"
    assert p.escape == "`"
    assert [c.text for c in p.comments] == ["escape=`"]


def test_empty_heredoc():
    text = "FROM a\nRUN <<EOF\nEOF\n"
    (h,) = P(text).instructions[1].heredocs
    assert h.content == ""
    term = text.rindex("EOF")
    assert h.body_span == Span(term, term)
    assert sl(text, h.span) == "EOF"


def test_heredoc_with_flags_before_it():
    text = "FROM a\nRUN --mount=type=cache,target=/c <<EOF\nls\nEOF\n"
    run = P(text).instructions[1]
    assert [f.text for f in run.flags] == ["--mount=type=cache,target=/c"]
    assert run.heredocs[0].marker_span == at(text, "<<EOF")
    assert run.rest == "<<EOF"


def test_heredoc_in_onbuild():
    text = "FROM a\nONBUILD RUN <<EOF\nx\nEOF\nUSER y\n"
    p = P(text)
    ob = p.instructions[1]
    assert ob.sub is not None and ob.sub.keyword == "RUN"
    assert [h.name for h in ob.heredocs] == ["EOF"]
    assert [h.name for h in ob.sub.heredocs] == ["EOF"]
    assert ob.effective is ob.sub
    assert sl(text, ob.span) == "ONBUILD RUN <<EOF\nx\nEOF"
    # the trigger starts at its own keyword and ends with the heredoc
    assert sl(text, ob.sub.span) == "RUN <<EOF\nx\nEOF"
    assert ob.sub.end_line == 4
    assert kws(p) == ["FROM", "ONBUILD", "USER"]


def test_user_heredoc_marker_is_just_text():
    text = "FROM a\nUSER <<X\nRUN b\nX\n"
    p = P(text)
    assert kws(p) == ["FROM", "USER", "RUN", "X"]
    assert p.instructions[1].heredocs == ()
    assert words(p.instructions[1]) == ["<<X"]
    assert errs(p) == [("unknown instruction: X", "X")]


@pytest.mark.parametrize("line", ['RUN ["cat", "<<EOF"]', 'COPY ["<<EOF", "/d"]',
                                  "RUN echo '<<EOF'", 'RUN echo "<<EOF"', "RUN cat <<<EOF"])
def test_no_heredoc(line):
    p = P(f"FROM a\n{line}\nRUN next\n")
    assert p.instructions[1].heredocs == ()
    assert kws(p) == ["FROM", line.split()[0], "RUN"]
    assert p.errors == []


def test_unterminated_heredoc():
    text = "FROM a\nRUN cat <<EOF\nline\n"
    p = P(text)
    assert errs(p) == [("unterminated heredoc <<EOF: no line 'EOF' ends it",
                        "RUN cat <<EOF\nline\n")]
    assert Source(text).position(p.errors[0].span.start) == (2, 1)
    run = p.instructions[1]
    assert run.heredocs == ()
    assert run.end_line == 3


def test_heredoc_with_unbalanced_quote_in_delimiter():
    text = "FROM a\nRUN cat <<'EOF\nUSER x\n"
    p = P(text)
    assert errs(p) == [("unterminated single quote in heredoc delimiter", "RUN cat <<'EOF")]
    assert kws(p) == ["FROM", "RUN", "USER"]


def test_crlf_heredoc_keeps_crlf_and_the_terminator_matches():
    text = "FROM a\r\nRUN cat <<EOF\r\nx\r\ny\r\nEOF\r\nRUN z\r\n"
    p = P(text)
    assert p.errors == []
    run = p.instructions[1]
    (h,) = run.heredocs
    assert h.content == "x\r\ny\r\n"
    assert h.content == sl(text, h.body_span)
    assert sl(text, h.span) == "x\r\ny\r\nEOF"
    assert sl(text, run.span) == "RUN cat <<EOF\r\nx\r\ny\r\nEOF"
    assert words(p.instructions[2]) == ["z"]
    assert p.instructions[2].line == 6


# ====================================================================== BOM, CRLF, lone CR

def test_bom_stripped_by_decode_bytes():
    d = decode_bytes(b"\xef\xbb\xbfFROM alpine\nRUN x\n")
    src = Source(d.text, bom=d.bom)
    p = parse(src)
    assert p.errors == []
    ins = p.instructions[0]
    assert (ins.keyword, ins.written) == ("FROM", "FROM")
    assert ins.keyword_span == Span(0, 4)
    assert src.position(ins.keyword_span.start) == (1, 1)


def test_bom_left_in_the_text_is_skipped_like_buildkit():
    text = "\ufeff# escape=`\nFROM a\nRUN b `\n  c\n"
    p = P(text)
    assert p.errors == []
    assert p.escape == "`"
    assert p.directives["escape"].span == Span(1, 11)
    assert p.file_directives["escape"].value == "`"
    assert kws(p) == ["FROM", "RUN"]
    assert p.instructions[1].rest == "b   c"
    q = P("\ufeffFROM a\n")
    assert q.errors == []
    assert q.instructions[0].written == "FROM"
    assert q.instructions[0].keyword_span == Span(1, 5)


def test_crlf_words_spans_and_columns():
    text = "FROM a AS b\r\nRUN x \\\r\n  y\r\nENV K=v \\\r\n  L=w\r\n"
    p = P(text)
    src = Source(text)
    assert p.errors == []
    frm, run, env = p.instructions
    assert words(frm) == ["a", "AS", "b"]
    assert sl(text, frm.span) == "FROM a AS b"          # no \r in the span
    assert run.rest == "x   y"
    assert sl(text, run.span) == "RUN x \\\r\n  y"
    assert [w.value for w in env.args] == ["K", "v", "=", "L", "w", "="]
    assert all("\r" not in w.value for i in p.instructions for w in i.args)
    w = env.args[4]
    assert src.range(w.span) == (5, 5, 5, 6)
    assert src.range(run.span) == (2, 1, 3, 4)


def test_lone_cr_does_not_split_lines():
    # BuildKit splits lines at \n only: with classic-Mac line endings the whole file is one
    # FROM line; the error says why
    text = "FROM alpine\rRUN echo hi\r"
    p = P(text)
    assert kws(p) == ["FROM"]
    assert words(p.instructions[0]) == ["alpine", "RUN", "echo", "hi"]
    [(message, where)] = errs(p)
    assert where == "FROM alpine\rRUN echo hi"
    assert message.startswith("FROM requires either one or three arguments (this line holds "
                              "carriage returns (CR) without line feeds")


def test_lone_cr_note_only_on_the_lines_that_have_one():
    p = P("FROM alpine\nENV A=1\rRUNN x\nRUNN y\n")
    assert [(m.endswith("convert the file to LF or CRLF line endings)"), w)
            for m, w in errs(p)] == [(True, "ENV A=1\rRUNN x"), (False, "RUNN")]


# ============================================================================= directives

def test_directives_in_any_order_case_insensitive_with_spaces():
    text = "# CHECK = skip=all\n#Escape=`\n#  syntax  =  docker/dockerfile:1 comment  \nFROM a\n"
    p = P(text)
    assert p.errors == []
    d = p.directives
    assert {k: (v.value, v.line) for k, v in d.items()} == {
        "check": ("skip=all", 1), "escape": ("`", 2),
        "syntax": ("docker/dockerfile:1 comment", 3)}
    assert sl(text, d["escape"].span) == "#Escape=`"
    assert p.escape == "`"
    assert {k: v.value for k, v in p.file_directives.items()} == {
        "check": "skip=all", "escape": "`", "syntax": "docker/dockerfile:1 comment"}
    assert [(c.text, c.directive) for c in p.comments] == [
        ("CHECK = skip=all", True), ("Escape=`", True),
        ("syntax  =  docker/dockerfile:1 comment", True)]
    # directive lines are not comments attached to the first instruction
    assert p.instructions[0].comments == ()


@pytest.mark.parametrize("ender", ["", "# a comment", "# foo=bar", "#", "FROM x"])
def test_directive_block_ends_at_first_other_line(ender):
    text = f"# syntax=s\n{ender}\n# escape=`\n# check=skip=all\nFROM a\nRUN b `\n"
    p = P(text)
    assert list(p.directives) == ["syntax"]
    assert p.escape == "\\"
    assert words(p.instructions[-1]) == ["b `"]
    later = [c for c in p.comments if c.text in ("escape=`", "check=skip=all")]
    assert [c.directive for c in later] == [False, False]
    assert list(p.file_directives) == ["syntax"]


def test_directive_shaped_comment_after_instruction_is_plain():
    text = "FROM a\n# escape=`\nRUN x \\\n  y\n"
    p = P(text)
    assert p.directives == {}
    assert p.instructions[1].rest == "x   y"
    assert p.instructions[1].comments == ("escape=`",)


def test_duplicate_directive():
    text = "# syntax=one\n# SYNTAX=two\nFROM a\n"
    p = P(text)
    assert errs(p) == [("only one syntax parser directive can be used", "# SYNTAX=two")]
    assert p.directives["syntax"].value == "one"
    assert p.file_directives["syntax"].value == "one"


def test_bad_escape_value():
    text = "# escape=q\nFROM a\nRUN b \\\n  c\n"
    p = P(text)
    assert errs(p) == [("invalid escape token 'q' does not match ` or \\", "# escape=q")]
    assert p.escape == "\\"
    assert "escape" not in p.directives
    assert p.instructions[1].rest == "b   c"


def test_shebang_hides_escape_from_the_parser_but_not_syntax_from_the_frontend():
    text = "#!/usr/bin/env docker-build\n# escape=`\n# syntax=img:1\n# check=skip=all\nFROM a\n" \
           "RUN b `\nRUN c\n"
    p = P(text)
    assert p.directives == {}
    assert p.escape == "\\"
    assert kws(p) == ["FROM", "RUN", "RUN"]
    assert words(p.instructions[1]) == ["b `"]
    fd = p.file_directives
    assert {k: (v.value, v.line) for k, v in fd.items()} == {
        "escape": ("`", 2), "syntax": ("img:1", 3), "check": ("skip=all", 4)}
    assert sl(text, fd["syntax"].span) == "# syntax=img:1"


def test_leading_whitespace_before_directive():
    text = "  # escape=`\n\t# syntax=img\nFROM a\nRUN b `\n  c\n"
    p = P(text)
    assert {k: v.value for k, v in p.directives.items()} == {"escape": "`", "syntax": "img"}
    assert p.directives["escape"].span == Span(2, 12)
    assert p.escape == "`"
    assert p.instructions[1].rest == "b   c"
    # BuildKit's frontend helper wants "#" in column 1
    assert p.file_directives == {}


# =========================================================================== escape char

def test_backtick_escape_continuation_and_literal_backslash():
    text = "# escape=`\nFROM a\nCOPY x c:\\\nRUN dir `\n  c:\\x\nRUN d ``\nRUN e\n"
    p = P(text)
    assert p.errors == []
    assert kws(p) == ["FROM", "COPY", "RUN", "RUN", "RUN"]
    copy, run, run2 = p.instructions[1:4]
    assert words(copy) == ["x", "c:\\"]
    assert copy.end_line == 3
    assert run.rest == "dir   c:\\x"
    assert (run.line, run.end_line) == (4, 5)
    assert words(run2) == ["d ``"]              # an escaped escape does not continue


def test_backtick_escape_in_env_words():
    text = '# escape=`\nFROM a\nENV P=c:\\a\\b Q="a`"b" R=a` b\n'
    env = P(text).instructions[1]
    assert [(k.value, v.value, s.value) for k, v, s in env.pairs()] == [
        ("P", "c:\\a\\b", "="), ("Q", '"a`"b"', "="), ("R", "a` b", "=")]
    for k, v, s in env.pairs():
        assert sl(text, k.span) == k.value
        assert sl(text, v.span) == v.value


# ================================================================ continuation lines

def test_blank_and_comment_lines_inside_a_continuation():
    text = "FROM a\nRUN a \\\n\n   \n  # c1\n# c2 \\\n  b\nRUN next\n"
    p = P(text)
    assert kws(p) == ["FROM", "RUN", "RUN"]
    run = p.instructions[1]
    assert run.rest == "a   b"
    assert run.empty_continuation_lines == (3, 4)
    assert (run.line, run.end_line) == (2, 7)
    assert sl(text, run.span) == "RUN a \\\n\n   \n  # c1\n# c2 \\\n  b"
    assert [(c.text, c.line, c.in_continuation, sl(text, c.span)) for c in p.comments] == [
        ("c1", 5, True, "# c1"), ("c2 \\", 6, True, "# c2 \\")]
    # comments inside a continuation attach to nothing
    assert p.instructions[2].comments == ()
    assert p.instructions[2].line == 8


def test_attached_comments():
    p = P("# one\n\n# two\nFROM a\n# three\n#\n# four\nRUN x\n")
    assert p.instructions[0].comments == ("one", "two")      # a blank line does not clear
    assert p.instructions[1].comments == ("four",)           # an empty "#" does


@pytest.mark.parametrize("text, rest, end_line, empties", [
    ("FROM a\nRUN a \\", "a", 2, ()),
    ("FROM a\nRUN a \\\n", "a", 2, ()),
    ("FROM a\nRUN a \\\n\n", "a", 3, (3,)),
    ("FROM a\nRUN a \\\n  b \\", "a   b", 3, ()),
    ("FROM a\nRUN a \\  \t\n  b", "a   b", 3, ()),
])
def test_continuation_open_at_end_of_file(text, rest, end_line, empties):
    p = P(text)
    assert p.errors == []
    run = p.instructions[1]
    assert (run.rest, run.end_line, run.empty_continuation_lines) == (rest, end_line, empties)


def test_escaped_escape_at_end_of_line_does_not_continue():
    text = "FROM a\nRUN a\\\\\nRUN b\\\\\\\nRUN c\n"
    p = P(text)
    assert kws(p) == ["FROM", "RUN", "RUN", "RUN"]
    assert [i.rest for i in p.instructions[1:]] == ["a\\\\", "b\\\\\\", "c"]


def test_line_of_only_the_escape_inside_a_continuation():
    text = "FROM a\nRUN c \\\n\\\n  d\nRUN e\n"
    p = P(text)
    run = p.instructions[1]
    assert run.rest == "c   d"
    assert (run.line, run.end_line) == (2, 4)
    assert run.empty_continuation_lines == ()
    assert words(p.instructions[2]) == ["e"]


def test_comment_ending_with_backslash_does_not_continue():
    p = P("# note \\\nFROM a\n")
    assert kws(p) == ["FROM"]


# ===================================================================== unknown instructions

def test_unknown_instructions():
    text = "FROM a\nRUNN x y\nFOOBAR z\ncopp a b\n"
    p = P(text)
    assert kws(p) == ["FROM", "RUNN", "FOOBAR", "COPP"]
    assert [i.args for i in p.instructions[1:]] == [(), (), ()]
    assert p.instructions[3].written == "copp"
    assert errs(p) == [
        ("unknown instruction: RUNN (did you mean RUN?)", "RUNN"),
        ("unknown instruction: FOOBAR", "FOOBAR"),
        ("unknown instruction: copp (did you mean COPY?)", "copp"),
    ]
    assert P(text, typed=False).errors == []


# ========================================================================= typed layer

@pytest.mark.parametrize("line, expected", [
    ("FROM a b", [("FROM requires either one or three arguments", "FROM a b")]),
    ("FROM a AS", [("FROM requires either one or three arguments", "FROM a AS")]),
    ("FROM a to b", [("FROM requires either one or three arguments", "FROM a to b")]),
    ("FROM a AS 1abc", [("invalid name for build stage: '1abc', name can't start with a "
                         "number or contain symbols", "1abc")]),
    ("FROM a AS b@c", [("invalid name for build stage: 'b@c', name can't start with a "
                        "number or contain symbols", "b@c")]),
    ("FROM a as My-Stage_1.x", []),
    ("COPY --form=a x y", [("unknown flag: --form (did you mean from?)", "--form=a")]),
    ("COPY --from x y", [("missing a value on flag: --from", "--from")]),
    ("COPY --from=a --from=b x y", [("duplicate flag specified: --from", "--from=b")]),
    ("ADD --chown=1 --chown=2 a b", [("duplicate flag specified: --chown", "--chown=2")]),
    ("COPY --exclude=a --exclude=b x y", []),
    ("COPY --link x y", []),
    ("COPY --link=false x y", []),
    ("COPY --link=maybe x y", [("expecting boolean value for flag link, not: maybe",
                                "--link=maybe")]),
    ("RUN --mount=type=cache,target=/a --mount=type=tmpfs,target=/b x", []),
    ("RUN --foo=bar x", [("unknown flag: --foo", "--foo=bar")]),
    ("CMD --doit x", [("unknown flag: --doit", "--doit")]),
    ("HEALTHCHECK FOO x", [("Unknown type 'FOO' in HEALTHCHECK (try CMD)", "FOO")]),
    ("HEALTHCHECK NONE x", [("HEALTHCHECK NONE takes no arguments", "HEALTHCHECK NONE x")]),
    # BuildKit parses HEALTHCHECK's flags only for CMD: NONE ignores them
    ("HEALTHCHECK --interval=5s NONE", []),
    ("HEALTHCHECK --bogus=1 NONE", []),
    ("HEALTHCHECK --interval= --retries= --timeout=-0 --start-period=+0 CMD x", []),
    ("HEALTHCHECK --retries=+3 --interval=0 --start-interval=.5s CMD x", []),
    ("HEALTHCHECK --interval=-5s CMD x", [("--interval '-5s' cannot be less than 1ms",
                                           "--interval=-5s")]),
    ("HEALTHCHECK --timeout=500us CMD x", [("--timeout '500us' cannot be less than 1ms",
                                            "--timeout=500us")]),
    ("HEALTHCHECK --retries=-1 CMD x", [("--retries cannot be negative (-1)", "--retries=-1")]),
    ("HEALTHCHECK --retries=three CMD x", [("--retries must be an integer, not 'three'",
                                            "--retries=three")]),
    ("HEALTHCHECK CMD []", [("Missing command after HEALTHCHECK CMD", "HEALTHCHECK CMD []")]),
    ("COPY --link=1 x y", [("expecting boolean value for flag link, not: 1", "--link=1")]),
    ("COPY --link=TRUE x y", []),
    ("COPY --link= x y", [("missing a value on flag: --link", "--link=")]),
    ("RUN --mount=type=Cache,target=/c x", []),
    ("RUN --mount=type=$MT,target=/c x", []),
    ("RUN --mount=type=cahce,target=/c x", [("unsupported mount type 'cahce' (did you mean "
                                             "cache?)", "--mount=type=cahce,target=/c")]),
    ("RUN --mount=type=bind,from=a$,target=/c x", []),
    ("HEALTHCHECK none", []),
    ("HEALTHCHECK CMD", [("Missing command after HEALTHCHECK CMD", "HEALTHCHECK CMD")]),
    ("HEALTHCHECK", [("HEALTHCHECK requires at least one argument", "HEALTHCHECK")]),
    ("HEALTHCHECK --interval=5 CMD x", [("invalid duration '5' for --interval (use a unit: "
                                         "30s, 5m, 1h)", "--interval=5")]),
    ('HEALTHCHECK --interval=1m30s --retries=3 CMD ["curl", "-f", "x"]', []),
    ("SHELL /bin/sh -c", [("SHELL requires the arguments to be in JSON form",
                           "SHELL /bin/sh -c")]),
    ("SHELL []", [("SHELL requires at least one argument", "SHELL []")]),
    ('SHELL ["/bin/bash", "-c"]', []),
    ("COPY onlyone", [("COPY requires at least two arguments, but only one was provided. "
                       "Destination could not be determined", "COPY onlyone")]),
    ("USER", [("USER requires exactly one argument", "USER")]),
    ("EXPOSE", [("EXPOSE requires at least one argument", "EXPOSE")]),
    ("ONBUILD ONBUILD RUN x", [("ONBUILD isn't allowed as an ONBUILD trigger", "ONBUILD")]),
    ("ONBUILD FROM x", [("FROM isn't allowed as an ONBUILD trigger", "FROM")]),
    ("ONBUILD MAINTAINER me", [("MAINTAINER isn't allowed as an ONBUILD trigger",
                                "MAINTAINER")]),
    ("ONBUILD COPY --form=x a b", [("unknown flag: --form (did you mean from?)", "--form=x")]),
    ("ENV X", [("ENV must have two arguments", "ENV X")]),
    ("ENV a=1 b", [("Syntax error - can't find = in 'b'. Must be of the form: name=value",
                    "ENV a=1 b")]),
])
def test_typed_errors(line, expected):
    text = f"FROM base\n{line}\n" if not line.startswith("FROM") else f"{line}\n"
    assert errs(P(text)) == expected


def test_errors_are_ordered_by_position_and_the_scan_goes_on():
    p = P("FROM a b\nCOPY x\nRUN ok\n")
    assert errs(p) == [("FROM requires either one or three arguments", "FROM a b"),
                       ("COPY requires at least two arguments, but only one was provided. "
                        "Destination could not be determined", "COPY x")]
    assert kws(p) == ["FROM", "COPY", "RUN"]


def test_instruction_before_the_first_from():
    p = P("ARG V=1\nRUN x\nLABEL a=b\nFROM a\n")
    assert errs(p) == [("no build stage in current context: RUN before the first FROM", "RUN")]
    assert P("ARG A\n# c\nARG B=1\nFROM a:$B\n").errors == []


def test_file_with_no_instructions():
    for text in ("", "\n\n", "# only a comment\n", "# syntax=docker/dockerfile:1\n"):
        p = P(text)
        assert [e.message for e in p.errors] == ["file with no instructions"]
        assert p.errors[0].span == Span(0, 0)


def test_json_forms():
    p = P('FROM a\nCMD ["a", 1]\nCMD ["a", "b"\nCMD [\'a\']\nCMD []\nCMD\n'
          'ENTRYPOINT ["x", "y\\u0041"]\nCMD [ "a" ] \n')
    # a JSON array with a non-string is a hard error (BuildKit drops the whole file; the
    # instruction is left out here)
    assert errs(p)[0] == ("CMD: the JSON array must contain only strings (a nested array, "
                          "number or null is not allowed)", 'CMD ["a", 1]')
    assert len(p.errors) == 1
    got = [(i.keyword, i.json, words(i)) for i in p.instructions[1:]]
    assert got == [
        ("CMD", False, ['["a", "b"']),      # not JSON: shell form, no error
        ("CMD", False, ["['a']"]),
        ("CMD", True, []),
        ("CMD", False, []),
        ("ENTRYPOINT", True, ["x", "yA"]),
        ("CMD", True, ["a"]),
    ]


def test_flags_end_at_double_dash_and_keep_quotes_out():
    text = 'FROM a\nCOPY -- --from=x y\nCOPY --chown="a b" x y\n'
    p = P(text)
    c1, c2 = p.instructions[1:]
    assert c1.flags == () and words(c1) == ["--from=x", "y"]
    (f,) = c2.flags
    assert (f.name, f.value, f.text) == ("chown", "a b", "--chown=a b")
    assert sl(text, f.span) == '--chown="a b"'
    assert p.errors == []


def test_line_longer_than_buildkit_reads():
    text = "FROM a\nRUN " + "x" * 70000 + "\n"
    p = P(text)
    assert [e.message for e in p.errors] == [
        "line 2 is 70005 bytes long; BuildKit cannot read lines longer than 64 KiB "
        "(bufio.Scanner: token too long)"]
    assert p.errors[0].span == Span(7, 8)


# ================================================================================ spans

SPANS = """\
FROM --platform=$BUILDPLATFORM golang:1.22 AS build
COPY --chown=1:1 \\
     --from=b \\
     src1 \\
  # comment
     dest/
ENV A=1 \\
    B="x y" \\
  C=3
ENV LEGACY  some value here
LABEL "k 1"=v
CMD [ "a" ,
EXPOSE 80 \\
  443/udp
ONBUILD COPY --from=x a \\
   b
HEALTHCHECK --interval=30s CMD curl -f http://x || exit 1
"""


def test_every_keyword_flag_and_word_span_matches_its_text():
    p = P(SPANS, typed=False)
    text = SPANS
    for ins in p.instructions:
        assert sl(text, ins.keyword_span) == ins.written
        assert sl(text, ins.span).startswith(ins.written)
        for f in ins.flags:
            assert sl(text, f.span) == f.text
        if ins.keyword in ("ENV", "LABEL") or ins.json:
            continue
        for w in ins.args:
            if ins.keyword in ("RUN", "CMD", "HEALTHCHECK") and " " in w.value:
                continue
            assert sl(text, w.span) == w.value, (ins.keyword, w)


def test_word_spans_on_continuation_lines():
    p = P(SPANS, typed=False)
    src = Source(SPANS)
    copy = p.instructions[1]
    assert [f.text for f in copy.flags] == ["--chown=1:1", "--from=b"]
    assert src.range(copy.flags[1].span) == (3, 6, 3, 14)
    assert [(w.value, src.range(w.span)) for w in copy.args] == [
        ("src1", (4, 6, 4, 10)), ("dest/", (6, 6, 6, 11))]
    assert (copy.line, copy.end_line) == (2, 6)
    expose = p.instructions[6]
    assert [(w.value, src.range(w.span)) for w in expose.args] == [
        ("80", (13, 8, 13, 10)), ("443/udp", (14, 3, 14, 10))]


def test_env_and_label_triples():
    p = P(SPANS, typed=False)
    text = SPANS
    env, legacy, label = p.instructions[2], p.instructions[3], p.instructions[4]
    assert [(sl(text, k.span), sl(text, v.span), sl(text, s.span)) for k, v, s in env.pairs()] \
        == [("A", "1", "="), ("B", '"x y"', "="), ("C", "3", "=")]
    assert [(k.value, v.value, s.value) for k, v, s in env.pairs()] == [
        ("A", "1", "="), ("B", '"x y"', "="), ("C", "3", "=")]
    (k, v, s), = legacy.pairs()
    assert (k.value, v.value, s.value) == ("LEGACY", "some value here", "")
    assert sl(text, v.span) == "some value here"
    assert s.span == Span(k.span.end, k.span.end)
    (k, v, s), = label.pairs()
    assert (sl(text, k.span), sl(text, v.span), sl(text, s.span)) == ('"k 1"', "v", "=")


def test_json_word_spans_cover_the_string_literal():
    text = 'FROM a\nCMD [ "a" , \\\n  "b\\u0041 c" ]\n'
    cmd = P(text).instructions[1]
    assert cmd.json
    assert [(w.value, sl(text, w.span)) for w in cmd.args] == [
        ("a", '"a"'), ("bA c", '"b\\u0041 c"')]
    assert Source(text).range(cmd.args[1].span) == (3, 3, 3, 14)


def test_onbuild_trigger_spans():
    p = P(SPANS, typed=False)
    text = SPANS
    ob = p.instructions[7]
    sub = ob.sub
    assert ob.keyword == "ONBUILD" and sub.keyword == "COPY"
    assert sl(text, ob.span) == "ONBUILD COPY --from=x a \\\n   b"
    assert sl(text, sub.span) == "COPY --from=x a \\\n   b"
    assert sl(text, sub.keyword_span) == "COPY"
    assert [sl(text, f.span) for f in sub.flags] == ["--from=x"]
    assert [(w.value, sl(text, w.span)) for w in sub.args] == [("a", "a"), ("b", "b")]
    assert (sub.line, sub.end_line, sub.index) == (15, 16, -1)
    assert ob.index == 7


def test_from_and_healthcheck_spans():
    p = P(SPANS, typed=False)
    text = SPANS
    frm = p.instructions[0]
    (plat,) = frm.flags
    assert (plat.name, plat.value) == ("platform", "$BUILDPLATFORM")
    assert sl(text, plat.value_span) == "$BUILDPLATFORM"
    assert [sl(text, w.span) for w in frm.args] == ["golang:1.22", "AS", "build"]
    hc = p.instructions[-1]
    assert [w.value for w in hc.args] == ["CMD", "curl -f http://x || exit 1"]
    assert sl(text, hc.args[1].span) == "curl -f http://x || exit 1"
    assert sl(text, hc.rest_span) == "CMD curl -f http://x || exit 1"
    assert hc.flag("interval").value == "30s"


def test_line_map_span_across_a_continuation():
    text = "FROM a\nRUN apt-get update \\\n  # c\n    && apt-get install x\n"
    run = P(text).instructions[1]
    assert run.original == "RUN apt-get update     && apt-get install x"
    lo = run.original.index("update")
    hi = run.original.index("install") + len("install")
    span = run.span_of(lo, hi)
    assert sl(text, span) == "update \\\n  # c\n    && apt-get install"
    assert run.line_map.to_source(run.original.index("&&")) == text.index("&&")
    assert sl(text, run.rest_span) == "apt-get update \\\n  # c\n    && apt-get install x"
    sub = run.line_map.slice(lo, hi)
    assert sub.span(0, 6) == at(text, "update")


def test_instruction_helpers():
    text = "FROM a\nCOPY --exclude=a --exclude=b --from=x s d\n"
    copy = P(text).instructions[1]
    assert copy.flag("exclude").value == "b"
    assert copy.flag_values("exclude") == ["a", "b"]
    assert copy.flag("chmod") is None
    assert copy.rest == "s d"
    assert copy.shell_form and copy.effective is copy


# ========================================================================= other frontends

@pytest.mark.parametrize("text, ref, form", [
    ("# syntax = devthefuture/dockerfile-x\nFROM alpine:3.20\nINCLUDE ./common.dockerfile\n",
     "devthefuture/dockerfile-x", "#"),
    ("#!/usr/bin/env buildctl\n# syntax=example.com/fe:1 comment\nFROM a\nFOO x\n",
     "example.com/fe:1", "#"),
    ("//syntax=example.com/myfrontend:1\nwhatever: the frontend's own format\n",
     "example.com/myfrontend:1", "//"),
    ('{"syntax": "example.com/myfrontend:1", "base": "alpine"}\n',
     "example.com/myfrontend:1", "json"),
])
def test_another_frontend_decides_what_is_valid(text: str, ref: str, form: str) -> None:
    p = P(text)
    assert p.frontend is not None and (p.frontend.ref, p.frontend.form) == (ref, form)
    assert p.errors == []
    if form != "#":
        assert p.instructions == []           # not a Dockerfile at all


@pytest.mark.parametrize("text", [
    "# syntax=docker/dockerfile:1\nFROM a\nINCLUDE x\n",
    "# syntax=docker.io/docker/dockerfile:1.7-labs\nFROM a\nINCLUDE x\n",
    "# syntax=docker/dockerfile-upstream:master\nFROM a\nINCLUDE x\n",
    "# syntax=mirror.example.com/docker/dockerfile:1@sha256:" + "a" * 64 + "\nFROM a\nINCLUDE x\n",
    # the Dockerfile frontend reads `//syntax=` and JSON as instructions, and fails
    "//syntax=docker/dockerfile:1\nFROM a\nINCLUDE x\n",
    '{"syntax": "docker/dockerfile:1"}\nINCLUDE x\n',
    # a value that is not a string: BuildKit's detector does not read it
    '{"syntax": "example.com/fe:1", "n": 1}\nINCLUDE x\n',
    # not at the top: an ordinary comment
    "FROM a\n# syntax=example.com/fe:1\nINCLUDE x\n",
    # two syntax directives: the detector finds none, the parser fails
    "# syntax=example.com/fe:1\n# syntax=example.com/fe:2\nFROM a\nINCLUDE x\n",
])
def test_the_dockerfile_frontend_is_checked(text: str) -> None:
    p = P(text)
    assert p.frontend is None
    assert p.errors


def test_trigger_errors_are_marked() -> None:
    p = P("FROM a\nONBUILD COPY onlyone\nONBUILD ONBUILD RUN x\nCOPY onlyone\n")
    assert [(e.message.split(",")[0].split(" isn't")[0], e.trigger) for e in p.errors] == [
        ("COPY requires at least two arguments", True), ("ONBUILD", False),
        ("COPY requires at least two arguments", False)]


def test_the_plain_exec_form_reading_agrees_with_json(monkeypatch):
    """Exec forms made only of plain strings are read without the json module; on 20,000
    random near-JSON lines, whatever that reading accepts, json reads the same way (strings
    and spans), and it accepts a good share of them (not a vacuous comparison)."""
    import random

    from docklint import parse as module

    pieces = ['[', ']', '"', ',', ' ', '\t', '\n', '\\', 'a', '/', 'é', '\x01', '\ud800', 'u',
              '0', 'null', 'true', '{', '}', ':', '\u2028', '\xa0', 'NaN']
    rnd = random.Random(7)
    plain_reading = module._plain_string_array
    accepted = 0
    for _ in range(20_000):
        if rnd.random() < 0.5:
            body = "".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 12)))
        else:
            strings = ('"' + "".join(rnd.choice("ab \\é/\x01\t") for _ in range(rnd.randint(0, 4)))
                       + '"' for _ in range(rnd.randint(0, 3)))
            body = "[" + rnd.choice([", ", ",", " ,\n"]).join(strings) + \
                rnd.choice(["]", "] ", "],", "", " ]\t"])
        line = "  " + body + " "
        start = module._lstrip_ws(line, 0)
        if start >= len(line) or line[start] != "[":
            continue
        plain = plain_reading(line, start, len(line))
        if plain is None:
            continue
        accepted += 1
        monkeypatch.setattr(module, "_plain_string_array", lambda *args: None)
        assert module._parse_json(line, 0, len(line)) == plain, repr(line)
        monkeypatch.setattr(module, "_plain_string_array", plain_reading)
    assert accepted > 2_000


def test_exec_forms_with_escapes_or_other_values_still_go_to_json():
    parsed = parse(Source('FROM a\nCMD ["a\\"b", "c\\u0041"]\nRUN ["x", 1]\nENTRYPOINT ["a",]\n'))
    cmd, entrypoint = parsed.instructions[1:]
    assert cmd.json and [a.value for a in cmd.args] == ['a"b', "cA"]
    assert ["must contain only strings" in e.message for e in parsed.errors] == [True]  # RUN
    assert not entrypoint.json and [a.value for a in entrypoint.args] == ['["a",]']
