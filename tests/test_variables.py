"""BuildKit-style variable expansion (its own word lexer, not a shell)."""

from __future__ import annotations

import pytest

from docklint.variables import VarRef, expand, expand_pattern, references

ENV = {"x": "abcabc", "e": "", "u": None, "p": "a/b/c.tar.gz", "s": "*star*", "n": "1"}


def val(text: str, env=ENV, escape: str = "\\"):
    return expand(text, env, escape).value


@pytest.mark.parametrize("text, value", [
    ("$x", "abcabc"),
    ("${x}", "abcabc"),
    ("pre-${x}-post", "pre-abcabc-post"),
    ("$x.$n", "abcabc.1"),
    ("${e}", ""),
    # ${x:-w} / ${x-w}: the colon makes empty count as unset
    ("${x:-w}", "abcabc"), ("${e:-w}", "w"), ("${u:-w}", "w"), ("${missing:-w}", "w"),
    ("${x-w}", "abcabc"), ("${e-w}", ""), ("${u-w}", "w"), ("${missing-w}", "w"),
    # ${x:+w} / ${x+w}
    ("${x:+w}", "w"), ("${e:+w}", ""), ("${u:+w}", ""),
    ("${x+w}", "w"), ("${e+w}", "w"), ("${u+w}", ""),
    # ${x:?m} / ${x?m} when there is a value
    ("${x:?m}", "abcabc"), ("${x?m}", "abcabc"), ("${e?m}", ""),
    # patterns: # ## % %% (glob with * and ?)
    ("${p#*/}", "b/c.tar.gz"), ("${p##*/}", "c.tar.gz"),
    ("${p%.*}", "a/b/c.tar"), ("${p%%.*}", "a/b/c"),
    ("${p#a?b}", "/c.tar.gz"), ("${p#nomatch}", "a/b/c.tar.gz"), ("${x#}", "abcabc"),
    ("${s#\\*}", "star*"), ("${s%\\*}", "*star"),          # \* is a literal star
    ("${s#*}", "*star*"), ("${s##*}", ""),
    # ${x/p/r} ${x//p/r}
    ("${x/b/X}", "aXcabc"), ("${x//b/X}", "aXcaXc"), ("${x//b/}", "acac"),
    ("${x/#a/X}", "abcabc"),                  # no bash anchors: "#a" is literal
    ("${x//?c/_}", "a_a_"),
    ("${p//\\//_}", "a_b_c.tar.gz"),          # an escaped "/" in the pattern
    # nested defaults
    ("${u:-${e:-deep}}", "deep"), ("${u:-${x}}", "abcabc"), ("${x:+${n}x}", "1x"),
    ("${u:-a b}", "a b"),
    # quotes: single quotes are literal, double quotes allow $ and escape " $ \
    ("'$x'", "$x"),
    ('"$x"', "abcabc"),
    ('"a \\"b\\" \\$x \\\\ \\q"', 'a "b" $x \\ \\q'),
    ("a'$x'\"$n\"", "a$x1"),
    # escapes outside quotes
    ("\\$x", "$x"), ("\\${x}", "${x}"), ("a\\ b", "a b"), ("a\\", "a"),
    # special parameters expand to empty; a "$" before a non-name is literal
    ("$1$@$*$#$?$$$!$-$0", ""), ("${1}", ""), ("$12x", "x"), ("${12}", ""), ("${1:-d}", "d"),
    ("a$", "a$"), ("$.", "$."), ("$/x", "$/x"), ("${x}$", "abcabc$"),
])
def test_forms(text, value):
    r = expand(text, ENV)
    assert r.error is None
    assert r.value == value


def test_backtick_escape():
    assert val("`$x $x", escape="`") == "$x abcabc"
    assert val("a\\b `` c", escape="`") == "a\\b ` c"
    assert val('"`"$x`""', escape="`") == '"abcabc"'
    assert val("\\$x", escape="`") == "\\abcabc"


def test_keep_quotes():
    assert expand("'$x' \"$n\"", ENV, keep_quotes=True).value == "'$x' \"1\""


@pytest.mark.parametrize("text, unresolved", [
    ("$u", ("u",)), ("${u}", ("u",)), ("$missing", ("missing",)),
    ("${u:?m}", ("u",)), ("${u?m}", ("u",)),
    ("${u#a}", ("u",)), ("${u/a/b}", ("u",)),
    ("${u:-$u2}", ("u2",)),
    ("${x:+$u}", ("u",)),
    ("${x:-$u}", ()), ("${u:+$x}", ()),          # the word is not used: not needed
    ("$u$missing", ("u", "missing")),
])
def test_unset_makes_the_value_unresolved(text, unresolved):
    r = expand(text, ENV)
    assert r.unresolved == unresolved
    assert (r.value is None) == bool(unresolved)
    assert r.error is None


def test_used_names():
    r = expand("$x ${u:-$n} '$q' \\$r", ENV)
    assert r.used == ("x", "n", "u")
    assert r.value == "abcabc 1 $q $r"
    assert expand("plain text", ENV).used == ()


@pytest.mark.parametrize("text, error", [
    ("${e:?m}", "e: m"),
    ("${e:?}", "e: is not allowed to be empty"),
    ("${1?}", "1: is not allowed to be unset"),
    ("${}", "bad substitution"),
    ("${:x}", "bad substitution"),
    ("${x", "missing '}' or unsupported modifier"),
    ("${x:-w", "missing '}' in substitution"),
    ("${x:#a}", "unsupported modifier (:#) in substitution"),
    ("${x:%a}", "unsupported modifier (:%) in substitution"),
    ("${x:=a}", "missing '}' or unsupported modifier"),
    ("${x^^}", "missing '}' or unsupported modifier"),
    ("${x/b}", "missing '/' in ${}"),
    ("${p#\\a}", "invalid pattern (\\a) in substitution: invalid escape '\\a'"),
    ("'abc", "unexpected end of statement while looking for matching single-quote"),
    ('"abc', "unexpected end of statement while looking for matching double-quote"),
])
def test_bad_substitutions(text, error):
    assert expand(text, ENV).error == error


def test_references_with_positions():
    text = "$a ${b:-$c} \\$d '$e' \"$f\" ${g#x} $1 ${2} ${@:-$h}"
    refs = references(text)
    assert refs == [
        VarRef("a", 0, 2),
        VarRef("b", 3, 11, ":-", "$c"),
        VarRef("c", 8, 10),
        VarRef("f", 22, 24),
        VarRef("g", 26, 32, "#", "x"),
        VarRef("h", 46, 48),
    ]
    for r in refs:
        assert text[r.start:r.end].startswith("$")
    assert text[3:11] == "${b:-$c}"
    assert references("no variables") == []
    assert references("`$a $b", escape="`") == [VarRef("b", 4, 6)]


# ============================================================ additions for the stage rules

def test_text_reads_unset_variables_as_empty():
    r = expand("alpine:${TAG}-$SUFFIX", {"SUFFIX": "x"})
    assert (r.value, r.text, r.unresolved) == (None, "alpine:-x", ("TAG",))
    assert expand("plain", {}).text == "plain"
    assert expand("${X:-d}", {}).text == "d"


def test_references_without_quote_processing():
    # a COPY heredoc body: quotes are ordinary characters, so '$A' is a reference
    text = "'$A' \"$B\" \\$C"
    assert [r.name for r in references(text)] == ["B"]
    assert [(r.name, r.start) for r in references(text, quotes=False)] == [("A", 1), ("B", 6)]


@pytest.mark.parametrize("text, env, matches, misses", [
    ("build-${MODE}", {}, ["build-true", "build-"], ["other"]),
    ("build-${MODE}", {"MODE": "x"}, ["build-x"], ["build-y"]),
    ("$A-${B:-z}", {"A": "a"}, ["a-z", "a-anything"], ["b-z"]),
    ("${X}", {}, ["anything", ""], []),
    ("a.b", {}, ["a.b"], ["axb"]),           # literal text is escaped
])
def test_expand_pattern(text, env, matches, misses):
    rx = expand_pattern(text, env)
    for m in matches:
        assert rx.fullmatch(m), m
    for m in misses:
        assert not rx.fullmatch(m), m
