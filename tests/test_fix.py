"""The fix machinery: combining edits, rounds until stable, refusing broken results, atomic
writes that keep permissions, line endings and the BOM."""

from __future__ import annotations

import os
import stat

import pytest

from docklint.engine import Settings
from docklint.fix import (OverlapError, apply_edits, fix_bytes, fix_data, fix_file, unified_diff,
                          write_atomic)
from docklint.rule import Edit, Finding, Fix, Rule, Severity
from docklint.source import Span


def _rule(code, fn, severity=Severity.WARNING):
    return Rule(code, code.lower(), severity, fn, f"{code}.", fixable="always")


def upper_keywords(df, options):
    """Rewrites lower-case keywords in upper case (safe)."""
    for ins in df.instructions:
        if ins.written != ins.keyword:
            yield Finding(ins.keyword_span, "lower-case keyword",
                          fix=Fix("upper-case it", (Edit(ins.keyword_span, ins.keyword),)))


def add_user(df, options):
    """Appends USER 65532 to the target when no USER is set (unsafe)."""
    t = df.target
    if t is not None and not any(i.keyword == "USER" for i in t.instructions):
        end = df.source.line_end(df.source.line_of(t.from_.span.end))
        yield Finding(t.from_.span, "no USER",
                      fix=Fix("add USER", (Edit(Span(end, end), "\nUSER 65532"),), safe=False))


def test_apply_edits_and_overlap() -> None:
    assert apply_edits("abcdef", [Edit(Span(4, 5), "E"), Edit(Span(0, 1), "A"),
                                  Edit(Span(2, 2), "+")]) == "Ab+cdEf"
    with pytest.raises(OverlapError):
        apply_edits("abcdef", [Edit(Span(0, 3), "x"), Edit(Span(2, 4), "y")])


def test_safe_fixes_apply_and_unsafe_need_opt_in() -> None:
    data = b"from alpine:3.20\nrun true\n"
    rules = [_rule("DK901", upper_keywords), _rule("DK902", add_user)]
    out = fix_bytes(data, "Dockerfile", Settings(), rules)
    assert out.data == b"FROM alpine:3.20\nRUN true\n"
    assert out.applied == {"DK901": 2}
    assert [f.code for f in out.remaining] == ["DK902"]
    out = fix_bytes(data, "Dockerfile", Settings(), rules, unsafe=True)
    assert out.data == b"FROM alpine:3.20\nUSER 65532\nRUN true\n"
    assert out.applied == {"DK901": 2, "DK902": 1}
    assert out.remaining == []


def test_crlf_and_bom_are_kept() -> None:
    data = b"\xef\xbb\xbffrom alpine:3.20\r\nrun true\r\n"
    rules = [_rule("DK901", upper_keywords), _rule("DK902", add_user)]
    out = fix_bytes(data, "Dockerfile", Settings(), rules, unsafe=True)
    assert out.data == b"\xef\xbb\xbfFROM alpine:3.20\r\nUSER 65532\r\nRUN true\r\n"


def test_nothing_to_fix_leaves_bytes_identical() -> None:
    data = b"FROM alpine:3.20\nRUN true\n"
    out = fix_bytes(data, "Dockerfile", Settings(), [_rule("DK901", upper_keywords)])
    assert not out.changed and out.data is data and out.applied == {}


def test_fixing_twice_equals_fixing_once() -> None:
    rules = [_rule("DK901", upper_keywords), _rule("DK902", add_user)]
    once = fix_bytes(b"from a\nrun b\n", "D", Settings(), rules, unsafe=True).data
    twice = fix_bytes(once, "D", Settings(), rules, unsafe=True)
    assert twice.data == once and not twice.changed


def test_a_fix_that_breaks_the_parse_is_refused() -> None:
    def breaker(df, options):
        ins = df.instructions[-1]
        yield Finding(ins.keyword_span, "bad", fix=Fix("rename", (Edit(ins.keyword_span,
                                                                       "RUNN"),)))
    data = b"FROM alpine:3.20\nRUN true\n"
    out = fix_bytes(data, "D", Settings(), [_rule("DK903", breaker)])
    assert out.data == data and not out.changed
    assert out.refused == "fixes by DK903 would make the file fail to parse; nothing was written"


def test_a_fix_that_never_converges_writes_nothing() -> None:
    def grower(df, options):
        end = len(df.source.text)
        yield Finding(Span(0, 4), "grow", fix=Fix("append", (Edit(Span(end, end), "# x\n"),)))
    data = b"FROM alpine:3.20\n"
    out = fix_bytes(data, "D", Settings(), [_rule("DK904", grower)], max_rounds=3)
    assert not out.converged and out.looping == ["DK904"]
    assert out.data == data


def test_overlapping_fixes_wait_for_the_next_round() -> None:
    def whole_line(df, options):
        ins = df.instructions[0]
        if ins.written == "from":
            yield Finding(ins.span, "x", fix=Fix("rewrite", (Edit(ins.span, "FROM alpine:3.20"),)))
    rules = [_rule("DK901", upper_keywords), _rule("DK905", whole_line)]
    out = fix_bytes(b"from alpine\n", "D", Settings(), rules)
    # the first fix in report order wins the round; the second no longer applies afterwards
    assert out.data == b"FROM alpine\n"
    assert out.applied == {"DK901": 1}


def test_write_atomic_keeps_mode_and_replaces(tmp_path) -> None:
    path = tmp_path / "Dockerfile"
    path.write_bytes(b"old\n")
    os.chmod(path, 0o640)
    write_atomic(str(path), b"new\n")
    assert path.read_bytes() == b"new\n"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["Dockerfile"]    # no temp file left


def test_write_atomic_failure_keeps_the_original(tmp_path, monkeypatch) -> None:
    path = tmp_path / "Dockerfile"
    path.write_bytes(b"original\n")

    def boom(src, dst):
        raise OSError("disk on fire")
    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError):
        write_atomic(str(path), b"new\n")
    assert path.read_bytes() == b"original\n"
    assert [p.name for p in tmp_path.iterdir()] == ["Dockerfile"]


def test_unified_diff() -> None:
    diff = unified_diff("Dockerfile", b"from a\n", b"FROM a\n")
    assert diff == ("--- a/Dockerfile\n+++ b/Dockerfile\n@@ -1 +1 @@\n-from a\n+FROM a\n")


def test_invalid_utf8_with_a_fix_is_refused_untouched() -> None:
    data = b"from alpine\n# caf\xe9\n"
    out = fix_bytes(data, "D", Settings(), [_rule("DK901", upper_keywords)])
    assert out.data is data and not out.changed and out.applied == {}
    assert out.refused == ("the file is not valid UTF-8, and fixing it would rewrite bytes no "
                           "fix touches; nothing was written")
    # with nothing to fix there is nothing to refuse
    out = fix_bytes(b"FROM alpine\n# caf\xe9\n", "D", Settings(), [_rule("DK901", upper_keywords)])
    assert out.refused is None and not out.changed


def test_fix_data_names_the_problem() -> None:
    def grower(df, options):
        end = len(df.source.text)
        yield Finding(Span(0, 4), "grow", fix=Fix("append", (Edit(Span(end, end), "# x\n"),)))
    out = fix_data(b"FROM alpine\n", "D", Settings(), [_rule("DK904", grower)], max_rounds=2)
    assert out.problem == ("not fixed: the fixes of DK904 still change the file after 2 rounds; "
                           "nothing was written")
    assert not out.changed and out.applied == {}


def test_fix_file_writes_only_a_changed_file(tmp_path) -> None:
    rules = [_rule("DK901", upper_keywords)]
    path = tmp_path / "Dockerfile"
    path.write_bytes(b"from alpine\n")
    out = fix_file(str(path), Settings(), rules)
    assert out.written and out.changed and out.applied == {"DK901": 1}
    assert path.read_bytes() == b"FROM alpine\n"
    assert out.result.findings == [] and out.result.path == str(path)
    ino = os.stat(path).st_ino
    out = fix_file(str(path), Settings(), rules)
    assert not out.written and not out.changed and os.stat(path).st_ino == ino


def test_fix_file_without_writing(tmp_path) -> None:
    path = tmp_path / "Dockerfile"
    path.write_bytes(b"from alpine\n")
    out = fix_file(str(path), Settings(), [_rule("DK901", upper_keywords)], write=False,
                   display="shown")
    assert (out.original, out.data) == (b"from alpine\n", b"FROM alpine\n")
    assert not out.written and path.read_bytes() == b"from alpine\n"
    assert out.result.path == "shown"


def test_fix_file_reports_what_it_cannot_read_as_lint_does(tmp_path) -> None:
    out = fix_file(str(tmp_path / "nope"), Settings(), [_rule("DK901", upper_keywords)],
                   display="nope")
    assert out.result.error == "nope: no such file"
    assert out.original is None and not out.changed and out.problem is None
    big = tmp_path / "Dockerfile"
    big.write_bytes(b"from alpine\n" * 20)
    from docklint.registry import get
    out = fix_file(str(big), Settings(max_file_bytes=100),
                   [get("DK000"), _rule("DK901", upper_keywords)])
    assert not out.changed and big.read_bytes() == b"from alpine\n" * 20
    assert "over the 100-byte limit" in out.result.findings[0].message


def test_write_atomic_follows_a_symlink(tmp_path) -> None:
    target = tmp_path / "real"
    target.write_bytes(b"old\n")
    os.chmod(target, 0o604)
    link = tmp_path / "Dockerfile"
    os.symlink("real", link)
    write_atomic(str(link), b"new\n")
    assert os.path.islink(link) and target.read_bytes() == b"new\n"
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o604


@pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")
def test_write_atomic_refuses_a_read_only_file(tmp_path) -> None:
    """Even as root (who may write anything): the mode bits say the file is not ours."""
    path = tmp_path / "Dockerfile"
    path.write_bytes(b"old\n")
    os.chmod(path, 0o444)
    with pytest.raises(PermissionError):
        write_atomic(str(path), b"new\n")
    assert path.read_bytes() == b"old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["Dockerfile"]
