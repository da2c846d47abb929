"""BuildKit's own parser test cases: every positive result reproduced, every negative rejected."""

from __future__ import annotations

import json

import pytest

from docklint.parse import parse, parse_heredoc_word
from docklint.source import Source, decode_bytes
from docklint.syntax import Instruction

from .conftest import SHARED, shared_path

CONFORMANCE = SHARED / "conformance" / "buildkit-parser"


def go_quote(s: str) -> str:
    """Go's strconv.Quote."""
    out = ['"']
    for ch in s:
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch in "\a\b\f\n\r\t\v":
            out.append("\\" + "abfnrtv"["\a\b\f\n\r\t\v".index(ch)])
        elif ch.isprintable():
            out.append(ch)
        elif ord(ch) < 0x80:
            out.append(f"\\x{ord(ch):02x}")
        elif ord(ch) < 0x10000:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(f"\\U{ord(ch):08x}")
    out.append('"')
    return "".join(out)


def dump(ins: Instruction) -> str:
    """BuildKit's Node.Dump() of one instruction."""
    out = ins.keyword.lower()
    if ins.flags:
        out += " [" + " ".join(go_quote(f.text) for f in ins.flags) + "]"
    if ins.sub is not None:
        out += " (" + dump(ins.sub) + ")"
    for word in ins.args:
        out += " " + go_quote(word.value)
    return out.strip()


def _cases(kind: str) -> list[str]:
    manifest = CONFORMANCE / "manifest.json"
    if not manifest.exists():
        return ["<missing>"]
    return [c["case"] for c in json.loads(manifest.read_text())["cases"] if c["kind"] == kind]


def _parse_file(path, typed: bool = False):
    """Parse at BuildKit's AST level (what its parser test cases check)."""
    decoded = decode_bytes(path.read_bytes())
    return parse(Source(decoded.text, str(path), bom=decoded.bom), typed=typed)


@pytest.mark.parametrize("case", _cases("positive"))
def test_positive_case(case: str) -> None:
    base = shared_path("conformance", "buildkit-parser", case) if case != "<missing>" else \
        shared_path("conformance", "buildkit-parser", "manifest.json")
    parsed = _parse_file(base / "Dockerfile")
    expected = (base / "result").read_text(encoding="utf-8").splitlines()
    got = [f"({dump(i)})" for i in parsed.instructions]
    assert got == expected
    assert [e.message for e in parsed.errors] == []


@pytest.mark.parametrize("case", _cases("negative"))
def test_negative_case(case: str) -> None:
    base = shared_path("conformance", "buildkit-parser", case) \
        if case != "<missing>" else shared_path("conformance", "buildkit-parser", "manifest.json")
    parsed = _parse_file(base / "Dockerfile")
    assert parsed.errors, f"{case}: BuildKit rejects this file but docklint accepted it"


def test_extra_line_numbers() -> None:
    base = shared_path("conformance", "buildkit-parser", "extra", "line-numbers")
    parsed = _parse_file(base / "Dockerfile")
    expected = json.loads((base / "expected.json").read_text())["lines"]
    assert [[i.line, i.end_line] for i in parsed.instructions] == expected


def test_extra_empty_continuation() -> None:
    base = shared_path("conformance", "buildkit-parser", "extra", "empty-continuation")
    parsed = _parse_file(base / "Dockerfile")
    expected = json.loads((base / "expected.json").read_text())["warnings"]
    assert sum(1 for i in parsed.instructions if i.empty_continuation_lines) == expected


@pytest.mark.parametrize("case", ["heredoc-extract", "heredoc-json"])
def test_extra_heredocs(case: str) -> None:
    base = shared_path("conformance", "buildkit-parser", "extra", case)
    parsed = _parse_file(base / "Dockerfile")
    assert parsed.errors == []
    expected = json.loads((base / "expected.json").read_text())
    for item in expected:
        ins = parsed.instructions[item["instruction_index"]]
        got = [{"name": h.name, "content": h.content, "expand": h.expand, "chomp": h.chomp,
                "fd": h.fd} for h in ins.heredocs]
        assert got == item["heredocs"], f"instruction {item['instruction_index']}: {ins.original}"


def test_extra_heredoc_words() -> None:
    data = json.loads(shared_path("conformance", "buildkit-parser", "extra",
                                  "heredoc-words.json").read_text())
    for word in data["validHeredocs"]:
        parsed = parse_heredoc_word(word)
        assert parsed is not None and parsed[0] == "EOF", word
    for word in data["invalidHeredocs"]:
        with pytest.raises(ValueError):
            parse_heredoc_word(word)
    for word in data["notHeredocs"]:
        assert parse_heredoc_word(word) is None, word
    for item in data["linesToNames"]:
        parsed = parse(Source("FROM scratch\n" + item["line"] + "\n" +
                              "".join(n + "\n" for n in item["names"])))
        assert [h.name for h in parsed.instructions[1].heredocs] == item["names"], item["line"]
