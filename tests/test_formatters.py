"""The output formats: text, json, gnu, github, SARIF, Checkstyle, GitLab Code Quality and JUnit,
byte for byte where it matters; the rule reference in Markdown."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

from xml.etree import ElementTree

import pytest

from docklint.engine import FileResult
from docklint.formatters import FORMATS, render
from docklint.rule import Edit, Finding, Fix, Related, Rule, Severity
from docklint.source import Source, Span

from .conftest import shared_path


def _no_check(model, options):  # the formatters never run a rule
    return ()


DK101 = Rule(
    code="DK101", slug="scratch-https-without-ca-bundle", severity=Severity.ERROR,
    check=_no_check, tags=frozenset({"security", "runtime"}), fixable="never",
    docs="""\
A `scratch` image makes HTTPS requests but has no CA certificates.

## What it does
Flags a final stage built `FROM scratch` whose entrypoint fetches an `https://` URL while no
CA bundle (`/etc/ssl/certs/ca-certificates.crt`) is copied into the image.

## Why is this bad?
TLS verification fails at run time with `x509: certificate signed by unknown authority`, and
nothing in the build warns you.

## Example
```dockerfile
FROM scratch
COPY --from=build /usr/bin/curl /curl
ENTRYPOINT ["/curl", "https://example.com"]
```

## Use instead
```dockerfile
FROM scratch
COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/
COPY --from=build /usr/bin/curl /curl
ENTRYPOINT ["/curl", "https://example.com"]
```
""")

DK301 = Rule(
    code="DK301", slug="apt-install-recommends", severity=Severity.WARNING, check=_no_check,
    tags=frozenset({"size"}), aliases=("DL3015",), fixable="sometimes",
    docs="""\
`apt-get install` without `--no-install-recommends` pulls in packages you did not ask for.

## What it does
Flags `apt-get install` commands that lack `--no-install-recommends`.

## Why is this bad?
Recommended packages often double the size of the layer; see the
[Debian policy](https://www.debian.org/doc/debian-policy/ch-relationships.html).

## Example
```dockerfile
RUN apt-get install -y curl
```

## Use instead
```dockerfile
RUN apt-get install -y --no-install-recommends curl
```

## Fix safety
The fix is unsafe: a program may rely on a recommended package at run time.
""")

DK401 = Rule(
    code="DK401", slug="maintainer-deprecated", severity=Severity.INFO, check=_no_check,
    tags=frozenset({"style"}), fixable="always",
    docs="""\
`MAINTAINER` is deprecated.

## What it does
Flags the `MAINTAINER` instruction.

## Why is this bad?
Docker deprecated it in favour of a label; tools read `org.opencontainers.image.authors`.

## Example
```dockerfile
MAINTAINER Jane Doe <jane@example.com>
```

## Use instead
```dockerfile
LABEL org.opencontainers.image.authors="Jane Doe <jane@example.com>"
```
""")

RULES = [DK101, DK301, DK401]

DOCKERFILE = (
    "FROM debian:12 AS build\n"                          # 1
    "MAINTAINER Jane Doe <jane@example.com>\n"           # 2
    "RUN apt-get update && \\\n"                          # 3
    "\tapt-get install -y curl ca-certificates\n"         # 4
    "FROM scratch\n"                                     # 5
    "COPY --from=build /usr/bin/curl /curl\n"            # 6
    'ENTRYPOINT ["/curl", "https://example.com"]\n'      # 7
)


def stamp(source: Source, rule: Rule, span: Span, message: str, *, path: str,
          fix: Fix | None = None, related: tuple[Related, ...] = (),
          severity: Severity | None = None) -> Finding:
    """A finding stamped the way the engine stamps it."""
    line, column, end_line, end_column = source.range(span)
    return Finding(
        span=span, message=message, fix=fix, related=related,
        severity=severity or rule.severity, code=rule.code, slug=rule.slug, path=path,
        line=line, column=column, end_line=end_line, end_column=end_column,
        related_positions=tuple((*source.range(r.span), r.message) for r in related))


def span_of(text: str, needle: str, *, occurrence: int = 1) -> Span:
    start = -1
    for _ in range(occurrence):
        start = text.index(needle, start + 1)
    return Span(start, start + len(needle))


def make_result(path: str = "Dockerfile") -> FileResult:
    src = Source(DOCKERFILE, path)
    maintainer_line = Span(src.line_start(2), src.line_start(3))  # the line and its newline
    f_maintainer = stamp(
        src, DK401, Span(src.line_start(2), src.line_end(2)),
        "MAINTAINER is deprecated; use LABEL org.opencontainers.image.authors", path=path,
        fix=Fix("Replace MAINTAINER with a LABEL", (
            Edit(maintainer_line,
                 'LABEL org.opencontainers.image.authors="Jane Doe <jane@example.com>"\n'),)))
    install = span_of(DOCKERFILE, "apt-get install -y curl ca-certificates")
    after_install = install.start + len("apt-get install")
    f_apt = stamp(
        src, DK301, install, "apt-get install without --no-install-recommends", path=path,
        fix=Fix("Add --no-install-recommends",
                (Edit(Span(after_install, after_install), " --no-install-recommends"),),
                safe=False))
    url = span_of(DOCKERFILE, '"https://example.com"')
    f_ca = stamp(
        src, DK101, url, "the image fetches https://example.com but has no CA bundle",
        path=path,
        related=(Related(span_of(DOCKERFILE, "FROM scratch"), "the final stage starts here"),
                 Related(span_of(DOCKERFILE, "COPY --from=build /usr/bin/curl /curl"),
                         "curl is copied without /etc/ssl/certs")))
    return FileResult(path=path, findings=[f_maintainer, f_apt, f_ca], source=src)


# --- render() ---------------------------------------------------------------------------------

def test_formats_and_unknown_format() -> None:
    assert FORMATS == ("text", "json", "sarif", "gnu", "github", "checkstyle", "gitlab", "junit",
                       "markdown")
    with pytest.raises(ValueError, match="unknown output format 'xml'"):
        render("xml", [], RULES)


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_ends_with_newline(fmt: str, tmp_path: Path) -> None:
    out = render(fmt, [make_result()], RULES, base_dir=str(tmp_path))
    assert out.endswith("\n") and not out.endswith("\n\n")


@pytest.mark.parametrize("fmt", ["text", "gnu", "github"])
def test_line_formats_print_nothing_without_findings(fmt: str) -> None:
    assert render(fmt, [FileResult("Dockerfile", [], Source("FROM alpine\n"))], RULES) == ""


@pytest.mark.parametrize("fmt", ["text", "json", "gnu", "github", "checkstyle", "gitlab"])
def test_unreadable_files_are_left_to_the_cli(fmt: str) -> None:
    out = render(fmt, [FileResult("gone/Dockerfile", error="No such file or directory")], RULES)
    assert "gone" not in out


# --- text -------------------------------------------------------------------------------------

def test_text_plain() -> None:
    assert render("text", [make_result()], RULES) == (
        "Dockerfile:2:1: DK401 [info] MAINTAINER is deprecated; use LABEL "
        "org.opencontainers.image.authors (maintainer-deprecated)\n"
        "  2 | MAINTAINER Jane Doe <jane@example.com>\n"
        "    | ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n"
        "  = fix: Replace MAINTAINER with a LABEL\n"
        "\n"
        "Dockerfile:4:2: DK301 [warning] apt-get install without --no-install-recommends "
        "(apt-install-recommends)\n"
        "  4 |     apt-get install -y curl ca-certificates\n"
        "    |     ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n"
        "  = fix: Add --no-install-recommends (unsafe)\n"
        "\n"
        "Dockerfile:7:22: DK101 [error] the image fetches https://example.com but has no CA "
        "bundle (scratch-https-without-ca-bundle)\n"
        '  7 | ENTRYPOINT ["/curl", "https://example.com"]\n'
        "    |                      ^^^^^^^^^^^^^^^^^^^^^\n"
        "  = note: line 5:1: the final stage starts here\n"
        "  = note: line 6:1: curl is copied without /etc/ssl/certs\n"
    )


def test_text_without_source() -> None:
    assert render("text", [make_result()], RULES, show_source=False) == (
        "Dockerfile:2:1: DK401 [info] MAINTAINER is deprecated; use LABEL "
        "org.opencontainers.image.authors (maintainer-deprecated)\n"
        "  = fix: Replace MAINTAINER with a LABEL\n"
        "Dockerfile:4:2: DK301 [warning] apt-get install without --no-install-recommends "
        "(apt-install-recommends)\n"
        "  = fix: Add --no-install-recommends (unsafe)\n"
        "Dockerfile:7:22: DK101 [error] the image fetches https://example.com but has no CA "
        "bundle (scratch-https-without-ca-bundle)\n"
        "  = note: line 5:1: the final stage starts here\n"
        "  = note: line 6:1: curl is copied without /etc/ssl/certs\n"
    )


def caret_lines(text: str, rule: Rule, span: Span) -> list[str]:
    src = Source(text, "Dockerfile")
    finding = stamp(src, rule, span, "m", path="Dockerfile")
    out = render("text", [FileResult("Dockerfile", [finding], src)], [rule])
    return out.splitlines()[1:3]


def test_text_caret_after_tabs_in_the_middle_of_a_line() -> None:
    text = "RUN\techo a\t\tb\n"
    shown, carets = caret_lines(text, DK301, span_of(text, "b"))
    # the tab after "RUN" fills to cell 4, "echo a" ends at cell 10, two tabs reach cell 16
    assert shown == "  1 | RUN echo a      b"
    assert carets == "    |                 ^"
    assert shown.index("b") == carets.index("^")


def test_text_multi_line_finding_underlines_to_end_of_first_line() -> None:
    text = "FROM alpine\nRUN apk add \\\n\tcurl\n"
    span = Span(text.index("apk"), text.index("curl") + 4)
    src = Source(text)
    assert src.range(span) == (2, 5, 3, 6)
    shown, carets = caret_lines(text, DK301, span)
    assert shown == "  2 | RUN apk add \\"
    assert carets == "    |     ^^^^^^^^^"


def test_text_long_line_is_shown_as_a_window() -> None:
    """A 10 MB line is not printed whole: a window of EXCERPT_CHARS characters starting a
    little before the range, cut ends marked with "…", the carets still under the range."""
    from docklint.formatters.text import EXCERPT_BEFORE, EXCERPT_CHARS
    text = "RUN echo " + "a" * 5000 + " TARGET " + "b" * 5000 + "\n"
    shown, carets = caret_lines(text, DK301, span_of(text, "TARGET"))
    body = shown[len("  1 | "):]
    assert body.startswith("…") and body.endswith("…")
    assert len(body) == EXCERPT_CHARS + 2
    assert body.index("TARGET") == 1 + EXCERPT_BEFORE
    assert shown.index("TARGET") == carets.index("^") and carets.count("^") == len("TARGET")
    # at the start of the line: nothing cut before
    shown, carets = caret_lines(text, DK301, span_of(text, "RUN"))
    assert shown == "  1 | RUN echo " + "a" * (EXCERPT_CHARS - 9) + "…"
    assert carets == "    | ^^^"
    # near the end: the window ends with the line
    shown, carets = caret_lines(text, DK301, Span(len(text) - 4, len(text) - 1))
    assert shown.endswith("bbb") and shown[len("  1 | "):].startswith("…")
    assert carets.endswith("^^^") and len(carets) == len(shown)
    # a range running past the window is underlined to its edge
    shown, carets = caret_lines(text, DK301, Span(text.index("a"), len(text) - 1))
    assert shown.endswith("…") and len(carets) == len(shown) - 1


def test_text_empty_span_gets_one_caret_and_wide_characters_count_double() -> None:
    text = 'LABEL title="日本" x=1\n'
    span = Span(text.index("x"), text.index("x"))
    shown, carets = caret_lines(text, DK301, span)
    assert shown == '  1 | LABEL title="日本" x=1'
    # "日本" takes four cells, so "x" is at cell 19 (the first char of the excerpt is cell 0)
    assert carets == "    | " + " " * 19 + "^"


def test_text_control_characters_are_made_visible() -> None:
    text = "RUN echo \x1b[31mred\n"
    shown, carets = caret_lines(text, DK301, span_of(text, "red"))
    assert "\x1b" not in shown
    assert shown == "  1 | RUN echo \u241b[31mred"
    assert carets == "    | " + " " * 14 + "^^^"


def test_text_end_of_file_finding() -> None:
    text = "FROM alpine\n"
    shown, carets = caret_lines(text, DK301, Span(len(text), len(text)))
    assert shown == "  2 |"
    assert carets == "    | ^"


def test_text_colour_only_when_asked() -> None:
    plain = render("text", [make_result()], RULES)
    assert "\x1b[" not in plain
    coloured = render("text", [make_result()], RULES, color=True)
    first = coloured.splitlines()[0]
    assert first.startswith("\x1b[1mDockerfile\x1b[0m:2:1: ")
    assert "\x1b[34minfo" in first  # info is blue
    assert "\x1b[33mwarning" in coloured  # warning is yellow
    assert "\x1b[31merror" in coloured  # error is red
    assert "\x1b[2mscratch-https-without-ca-bundle\x1b[0m" in coloured
    # stripped of its escapes, the coloured text is the plain text
    assert re.sub(r"\x1b\[[0-9;]*m", "", coloured) == plain


# --- json -------------------------------------------------------------------------------------

def test_json() -> None:
    data = json.loads(render("json", [make_result()], RULES))
    assert [d["code"] for d in data] == ["DK401", "DK301", "DK101"]
    maintainer, apt, ca = data
    assert list(maintainer)[:6] == ["file", "line", "column", "level", "code", "message"]
    assert maintainer == {
        "file": "Dockerfile", "line": 2, "column": 1, "level": "info", "code": "DK401",
        "message": "MAINTAINER is deprecated; use LABEL org.opencontainers.image.authors",
        "end_line": 2, "end_column": 39, "rule": "maintainer-deprecated", "severity": "info",
        "related": [],
        "fix": {
            "message": "Replace MAINTAINER with a LABEL", "safe": True,
            # the deleted text includes the newline, so the edit ends at the start of line 3
            "edits": [{"line": 2, "column": 1, "end_line": 3, "end_column": 1,
                       "text": 'LABEL org.opencontainers.image.authors='
                               '"Jane Doe <jane@example.com>"\n',
                       "start_offset": 24, "end_offset": 63}],
        },
    }
    assert apt["level"] == apt["severity"] == "warning"
    assert apt["fix"] == {
        "message": "Add --no-install-recommends", "safe": False,
        "edits": [{"line": 4, "column": 17, "end_line": 4, "end_column": 17,
                   "text": " --no-install-recommends", "start_offset": 103,
                   "end_offset": 103}],
    }
    assert ca["level"] == "error"
    assert "fix" not in ca
    assert ca["related"] == [
        {"line": 5, "column": 1, "end_line": 5, "end_column": 13,
         "message": "the final stage starts here"},
        {"line": 6, "column": 1, "end_line": 6, "end_column": 38,
         "message": "curl is copied without /etc/ssl/certs"},
    ]


def test_json_edit_offsets_match_the_source() -> None:
    result = make_result()
    for item, finding in zip(json.loads(render("json", [result], RULES)), result.findings):
        for edit in item.get("fix", {}).get("edits", []):
            assert result.source.offset(edit["line"], edit["column"]) == edit["start_offset"]
            assert result.source.offset(edit["end_line"], edit["end_column"]) == \
                edit["end_offset"]


def test_json_empty_and_non_ascii() -> None:
    assert render("json", [], RULES) == "[]\n"
    src = Source("LABEL tïtle=x\n", "Dockerfile")
    finding = stamp(src, DK401, Span(6, 11), "« tïtle »", path="Dockerfile",
                    severity=Severity.ERROR)
    out = render("json", [FileResult("Dockerfile", [finding], src)], RULES)
    assert "« tïtle »" in out
    assert json.loads(out)[0]["level"] == "error"  # the stamped severity wins


# --- gnu --------------------------------------------------------------------------------------

def test_gnu() -> None:
    assert render("gnu", [make_result("build/Dockerfile")], RULES) == (
        "build/Dockerfile:2:1: info: MAINTAINER is deprecated; use LABEL "
        "org.opencontainers.image.authors [DK401]\n"
        "build/Dockerfile:4:2: warning: apt-get install without --no-install-recommends "
        "[DK301]\n"
        "build/Dockerfile:7:22: error: the image fetches https://example.com but has no CA "
        "bundle [DK101]\n"
    )


def test_gnu_keeps_one_line_per_finding() -> None:
    src = Source("FROM alpine\n", "Dockerfile")
    finding = stamp(src, DK301, Span(0, 4), "first\nsecond", path="Dockerfile")
    assert render("gnu", [FileResult("Dockerfile", [finding], src)], RULES) == \
        "Dockerfile:1:1: warning: first second [DK301]\n"


# --- github -----------------------------------------------------------------------------------

def test_github(tmp_path: Path) -> None:
    path = str(tmp_path / "svc" / "Dockerfile")
    out = render("github", [make_result(path)], RULES, base_dir=str(tmp_path))
    assert out == (
        "::notice file=svc/Dockerfile,line=2,col=1,endLine=2,endColumn=39,"
        "title=DK401 (maintainer-deprecated)::MAINTAINER is deprecated; use LABEL "
        "org.opencontainers.image.authors\n"
        "::warning file=svc/Dockerfile,line=4,col=2,endLine=4,endColumn=41,"
        "title=DK301 (apt-install-recommends)::apt-get install without "
        "--no-install-recommends\n"
        "::error file=svc/Dockerfile,line=7,col=22,endLine=7,endColumn=43,"
        "title=DK101 (scratch-https-without-ca-bundle)::the image fetches "
        "https://example.com but has no CA bundle\n"
    )


def test_github_escaping_and_multi_line_ranges(tmp_path: Path) -> None:
    text = "FROM alpine\nRUN a \\\n  b\n"
    src = Source(text)
    path = "odd,dir:x/Docker%file"
    finding = stamp(src, DK301, Span(12, len(text) - 1), "50% of\r\nthe: layer, wasted",
                    path=path)
    out = render("github", [FileResult(path, [finding], src)], RULES, base_dir="/nonexistent")
    assert out == (
        # outside base_dir: the path as given; columns only on single-line annotations
        "::warning file=odd%2Cdir%3Ax/Docker%25file,line=2,endLine=3,"
        "title=DK301 (apt-install-recommends)"
        "::50%25 of%0D%0Athe: layer, wasted\n"
    )


def test_github_relative_path_and_stdin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    src = Source("FROM alpine\n")
    finding = stamp(src, DK301, Span(0, 4), "m", path="./Dockerfile")
    out = render("github", [FileResult("./Dockerfile", [finding], src)], RULES)
    assert out.startswith("::warning file=Dockerfile,line=1,")
    finding = stamp(src, DK301, Span(0, 4), "m", path="-")
    out = render("github", [FileResult("-", [finding], src)], RULES)
    assert out == "::warning line=1,col=1,endLine=1,endColumn=5," \
                  "title=DK301 (apt-install-recommends)::m\n"


# --- sarif ------------------------------------------------------------------------------------

def sarif(results: list[FileResult], rules=RULES, **kwargs) -> dict:
    return json.loads(render("sarif", results, rules, **kwargs))


def check_uris(node) -> None:
    """Every uri is a valid URI reference: no spaces, no backslashes, file URIs absolute."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("uri", "helpUri", "informationUri"):
                assert " " not in value and "\\" not in value, value
                parts = urlsplit(value)
                if parts.scheme == "file":
                    assert value.startswith("file:///"), value
            check_uris(value)
    elif isinstance(node, list):
        for value in node:
            check_uris(value)


def test_sarif_is_valid_and_complete(tmp_path: Path) -> None:
    path = str(tmp_path / "docker files" / "Dockerfile")
    log = sarif([make_result(path)], base_dir=str(tmp_path), version="1.2.3")
    check_uris(log)
    assert list(log)[:2] == ["$schema", "version"]
    assert log["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    assert log["version"] == "2.1.0"
    (run,) = log["runs"]
    assert run["columnKind"] == "unicodeCodePoints"
    assert run["originalUriBaseIds"] == {"%SRCROOT%": {"uri": tmp_path.as_uri() + "/"}}
    assert run["invocations"] == [{"executionSuccessful": True}]
    driver = run["tool"]["driver"]
    assert driver["name"] == "docklint"
    assert driver["version"] == "1.2.3"
    assert driver["informationUri"] == "https://github.com/docklint/docklint"
    assert [r["id"] for r in driver["rules"]] == ["DK101", "DK301", "DK401"]

    maintainer, apt, ca = run["results"]
    for result in run["results"]:
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
    assert [r["level"] for r in run["results"]] == ["note", "warning", "error"]
    assert '"level": "warning"' in render("sarif", [make_result(path)], RULES,
                                          base_dir=str(tmp_path))

    location = apt["locations"][0]["physicalLocation"]
    assert location == {
        "artifactLocation": {"uri": "docker%20files/Dockerfile", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 4, "startColumn": 2, "endLine": 4, "endColumn": 41},
    }
    assert apt["message"] == {"text": "apt-get install without --no-install-recommends"}
    assert apt["fixes"] == [{
        "description": {"text": "Add --no-install-recommends"},
        "artifactChanges": [{
            "artifactLocation": {"uri": "docker%20files/Dockerfile", "uriBaseId": "%SRCROOT%"},
            "replacements": [{
                "deletedRegion": {"startLine": 4, "startColumn": 17, "endLine": 4,
                                  "endColumn": 17},
                "insertedContent": {"text": " --no-install-recommends"},
            }],
        }],
        "properties": {"safe": False},
    }]
    # a fix deleting a whole line ends at column 1 of the next line
    region = maintainer["fixes"][0]["artifactChanges"][0]["replacements"][0]["deletedRegion"]
    assert region == {"startLine": 2, "startColumn": 1, "endLine": 3, "endColumn": 1}
    assert "relatedLocations" not in apt
    assert ca["relatedLocations"] == [
        {"id": 1, "message": {"text": "the final stage starts here"},
         "physicalLocation": {
             "artifactLocation": {"uri": "docker%20files/Dockerfile", "uriBaseId": "%SRCROOT%"},
             "region": {"startLine": 5, "startColumn": 1, "endLine": 5, "endColumn": 13}}},
        {"id": 2, "message": {"text": "curl is copied without /etc/ssl/certs"},
         "physicalLocation": {
             "artifactLocation": {"uri": "docker%20files/Dockerfile", "uriBaseId": "%SRCROOT%"},
             "region": {"startLine": 6, "startColumn": 1, "endLine": 6, "endColumn": 38}}},
    ]
    assert "fixes" not in ca
    # sarif_om defaults are not written out
    for result in run["results"]:
        assert not {"kind", "rank", "baselineState"} & set(result)
    assert not {"language", "newlineSequences"} & set(run)
    assert "contents" not in driver and "language" not in driver


def test_sarif_rule_descriptors() -> None:
    rules = sarif([])["runs"][0]["tool"]["driver"]["rules"]
    ca, apt, maintainer = rules
    assert ca["id"] == "DK101"
    assert ca["name"] == "scratch-https-without-ca-bundle"
    assert ca["shortDescription"] == {
        "text": "A scratch image makes HTTPS requests but has no CA certificates.",
        "markdown": "A `scratch` image makes HTTPS requests but has no CA certificates.",
    }
    assert ca["fullDescription"]["text"].startswith(
        "Flags a final stage built FROM scratch whose entrypoint fetches an https:// URL")
    assert ca["help"]["markdown"] == DK101.docs
    assert "```" not in ca["help"]["text"] and "## " not in ca["help"]["text"]
    assert "\nWhy is this bad?\n" in ca["help"]["text"]
    assert '    ENTRYPOINT ["/curl", "https://example.com"]' in ca["help"]["text"]
    assert ca["helpUri"] == DK101.help_uri
    assert ca["defaultConfiguration"] == {"level": "error"}
    assert ca["properties"] == {"tags": ["docklint", "runtime", "security"],
                                "security-severity": "8.0"}
    assert apt["defaultConfiguration"] == {"level": "warning"}  # explicit although the default
    assert apt["properties"] == {"tags": ["docklint", "size"], "aliases": ["DL3015"]}
    assert "Debian policy (https://www.debian.org/doc/debian-policy/ch-relationships.html)" \
        in apt["help"]["text"]
    assert maintainer["defaultConfiguration"] == {"level": "note"}


def test_sarif_security_severity_and_disabled_by_default() -> None:
    (desc,) = sarif([], rules=[_security_rule()])["runs"][0]["tool"]["driver"]["rules"]
    assert desc["properties"]["security-severity"] == "2.0"
    assert desc["defaultConfiguration"] == {"enabled": False, "level": "note"}
    assert desc["fullDescription"] == {"text": "Secrets in ENV end up in the image."}


def test_sarif_empty_run_is_valid(tmp_path: Path) -> None:
    log = sarif([], rules=[], base_dir=str(tmp_path))
    (run,) = log["runs"]
    assert run["results"] == []
    assert run["tool"]["driver"]["rules"] == []
    assert run["tool"]["driver"]["version"]  # falls back to docklint's own version
    assert run["invocations"] == [{"executionSuccessful": True}]


def test_sarif_unreadable_file(tmp_path: Path) -> None:
    results = [make_result(str(tmp_path / "Dockerfile")),
               FileResult(str(tmp_path / "gone" / "Dockerfile"), error="No such file or directory")]
    log = sarif(results, base_dir=str(tmp_path))
    (run,) = log["runs"]
    assert len(run["results"]) == 3
    (invocation,) = run["invocations"]
    assert invocation["executionSuccessful"] is False
    (note,) = invocation["toolExecutionNotifications"]
    assert note["level"] == "error"
    assert note["message"]["text"] == \
        f"{tmp_path / 'gone' / 'Dockerfile'}: No such file or directory"
    assert note["locations"] == [{"physicalLocation": {"artifactLocation": {
        "uri": "gone/Dockerfile", "uriBaseId": "%SRCROOT%"}}}]


def test_sarif_paths_outside_base_and_stdin(tmp_path: Path) -> None:
    outside = tmp_path / "other #1" / "Dockerfile"
    base = tmp_path / "repo"
    stdin = make_result("-")
    log = sarif([make_result(str(outside)), stdin], base_dir=str(base))
    check_uris(log)
    results = log["runs"][0]["results"]
    loc = results[0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert loc == {"uri": outside.as_uri()}
    assert loc["uri"].endswith("/other%20%231/Dockerfile")
    loc = results[3]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert loc == {"uri": "stdin", "description": {"text": "standard input"}}


def test_sarif_relative_path_against_cwd(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    log = sarif([make_result("./sub/Dockerfile")])
    (run,) = log["runs"]
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == Path(os.getcwd()).as_uri() + "/"
    loc = run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert loc == {"uri": "sub/Dockerfile", "uriBaseId": "%SRCROOT%"}


def test_sarif_adds_rules_the_caller_forgot() -> None:
    log = sarif([make_result()], rules=[DK301])
    driver = log["runs"][0]["tool"]["driver"]
    assert [r["id"] for r in driver["rules"]] == ["DK301", "DK401", "DK101"]
    assert driver["rules"][1] == {"id": "DK401", "name": "maintainer-deprecated"}
    assert [r["ruleIndex"] for r in log["runs"][0]["results"]] == [1, 0, 2]


def test_sarif_fingerprints_are_stable_and_count_occurrences(tmp_path: Path) -> None:
    def prints(text: str) -> list[str]:
        src = Source(text)
        findings = [stamp(src, DK301, span_of(text, "apk add curl", occurrence=n), "m",
                          path="Dockerfile") for n in (1, 2)]
        log = sarif([FileResult("Dockerfile", findings, src)], base_dir=str(tmp_path))
        return [r["partialFingerprints"]["docklintLineHash/v1"]
                for r in log["runs"][0]["results"]]

    text = "FROM alpine\nRUN apk add curl\nRUN apk add curl\n"
    first, second = prints(text)
    assert first.split(":")[0] == second.split(":")[0]
    assert len(first.split(":")[0]) == 16
    assert (first[-2:], second[-2:]) == (":1", ":2")
    # moving the lines down and re-indenting them keeps the fingerprints
    moved = "# syntax=docker/dockerfile:1\nFROM alpine\n  RUN apk add curl\n\tRUN apk add curl\n"
    assert prints(moved) == [first, second]
    # another line text, another fingerprint
    assert prints(text.replace("curl", "curl ")) == [first, second]  # trailing space trimmed
    assert prints(text.replace("RUN", "RUN  "))[0] != first


def _security_rule() -> Rule:
    return Rule(code="DK102", slug="secret-in-env", severity=Severity.INFO, check=_no_check,
                docs="Secrets in ENV end up in the image.", tags=frozenset({"security"}),
                default_enabled=False)


SCHEMA_CASES = {
    "full": lambda tmp: ([make_result(str(tmp / "docker files" / "Dockerfile"))], RULES),
    "empty": lambda tmp: ([], []),
    "no findings": lambda tmp: ([FileResult("Dockerfile", [], Source("FROM alpine\n"))], RULES),
    "unreadable": lambda tmp: ([make_result(str(tmp / "Dockerfile")),
                                FileResult(str(tmp / "gone"), error="gone: no such file")],
                               RULES),
    "outside and stdin": lambda tmp: ([make_result(str(tmp.parent / "x y" / "Dockerfile")),
                                       make_result("-")], RULES),
    "forgotten rules": lambda tmp: ([make_result()], [DK301]),
    "disabled security rule": lambda tmp: ([], [_security_rule()]),
}


@pytest.mark.parametrize("case", SCHEMA_CASES)
def test_sarif_validates_against_the_schema(case: str, tmp_path: Path) -> None:
    jsonschema = pytest.importorskip("jsonschema", reason="jsonschema is a test extra")
    schema = json.loads(shared_path("schemas", "sarif-schema-2.1.0.json").read_text())
    results, rules = SCHEMA_CASES[case](tmp_path)
    log = sarif(results, rules=rules, base_dir=str(tmp_path))
    jsonschema.Draft7Validator(schema).validate(log)
    check_uris(log)


def test_sarif_category(tmp_path: Path) -> None:
    jsonschema = pytest.importorskip("jsonschema", reason="jsonschema is a test extra")
    schema = json.loads(shared_path("schemas", "sarif-schema-2.1.0.json").read_text())
    for category, expected in [("docklint", "docklint/"), ("docker/prod", "docker/prod/"),
                               ("docklint/", "docklint/")]:
        out = render("sarif", [make_result()], RULES, base_dir=str(tmp_path), category=category)
        log = json.loads(out)
        assert log["runs"][0]["automationDetails"] == {"id": expected}
        jsonschema.Draft7Validator(schema).validate(log)
    assert "automationDetails" not in sarif([make_result()])["runs"][0]
    # the other formats take the argument and ignore it
    assert render("gnu", [make_result()], RULES, category="x") == \
        render("gnu", [make_result()], RULES)


# --- checkstyle -------------------------------------------------------------------------------

def _clean_result(path: str = "clean.Dockerfile") -> FileResult:
    return FileResult(path, [], Source("FROM alpine:3.20\n", path))


def test_checkstyle() -> None:
    out = render("checkstyle", [make_result(), _clean_result(),
                                FileResult("gone", error="gone: no such file")], RULES)
    assert out == (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<checkstyle version="4.3">\n'
        '  <file name="Dockerfile">\n'
        '    <error line="2" column="1" severity="info" message="MAINTAINER is deprecated; use '
        'LABEL org.opencontainers.image.authors" source="docklint.DK401"/>\n'
        '    <error line="4" column="2" severity="warning" message="apt-get install without '
        '--no-install-recommends" source="docklint.DK301"/>\n'
        '    <error line="7" column="22" severity="error" message="the image fetches '
        'https://example.com but has no CA bundle" source="docklint.DK101"/>\n'
        '  </file>\n'
        '  <file name="clean.Dockerfile"/>\n'
        '</checkstyle>\n'
    )
    root = ElementTree.fromstring(out)
    assert root.tag == "checkstyle" and root.get("version") == "4.3"
    assert [f.get("name") for f in root] == ["Dockerfile", "clean.Dockerfile"]


def test_checkstyle_empty_run() -> None:
    out = render("checkstyle", [], RULES)
    assert out == '<?xml version="1.0" encoding="UTF-8"?>\n<checkstyle version="4.3">\n' \
                  '</checkstyle>\n'
    assert ElementTree.fromstring(out).tag == "checkstyle"


NASTY = 'say "hi" & <b>\'bye\'</b>\tcafé 日本 \x1b[31m\x00 \ud800 line\nbreak'
NASTY_PATH = 'dir & <x> "q"/Dockerfile.été'


def _nasty_result() -> FileResult:
    src = Source("FROM alpine\n", NASTY_PATH)
    finding = stamp(src, DK301, Span(0, 4), NASTY, path=NASTY_PATH)
    return FileResult(NASTY_PATH, [finding], src)


def test_checkstyle_escaping_keeps_the_xml_well_formed() -> None:
    out = render("checkstyle", [_nasty_result()], RULES)
    assert out.isascii()                                 # non-ASCII as character references
    assert "\x1b" not in out and "\x00" not in out
    [file_element] = ElementTree.fromstring(out)
    assert file_element.get("name") == NASTY_PATH
    [error] = file_element
    # what XML cannot carry becomes U+FFFD; the line break is folded (one line per message)
    assert error.get("message") == \
        'say "hi" & <b>\'bye\'</b>\tcafé 日本 \ufffd[31m\ufffd \ufffd line break'


# --- junit ------------------------------------------------------------------------------------

def test_junit() -> None:
    out = render("junit", [make_result(), _clean_result(),
                           FileResult("gone", error="gone: no such file")], RULES)
    assert out == (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<testsuites name="docklint" tests="3" failures="1" errors="1">\n'
        '  <testsuite name="docklint" tests="3" failures="1" errors="1" skipped="0">\n'
        '    <testcase classname="docklint" name="Dockerfile">\n'
        '      <failure type="DK401" message="MAINTAINER is deprecated; use LABEL '
        'org.opencontainers.image.authors">Dockerfile:2:1: DK401 MAINTAINER is deprecated; use '
        'LABEL org.opencontainers.image.authors</failure>\n'
        '      <failure type="DK301" message="apt-get install without --no-install-recommends">'
        'Dockerfile:4:2: DK301 apt-get install without --no-install-recommends</failure>\n'
        '      <failure type="DK101" message="the image fetches https://example.com but has no CA '
        'bundle">Dockerfile:7:22: DK101 the image fetches https://example.com but has no CA '
        'bundle</failure>\n'
        '    </testcase>\n'
        '    <testcase classname="docklint" name="clean.Dockerfile"/>\n'
        '    <testcase classname="docklint" name="gone">\n'
        '      <error type="io" message="gone: no such file">gone: no such file</error>\n'
        '    </testcase>\n'
        '  </testsuite>\n'
        '</testsuites>\n'
    )
    root = ElementTree.fromstring(out)
    [suite] = root
    assert suite.tag == "testsuite"
    cases = list(suite)
    assert [c.get("name") for c in cases] == ["Dockerfile", "clean.Dockerfile", "gone"]
    assert [len(c.findall("failure")) for c in cases] == [3, 0, 0]
    # the totals agree with the test cases
    assert int(suite.get("tests")) == len(cases)
    assert int(suite.get("failures")) == sum(1 for c in cases if c.find("failure") is not None)
    assert int(suite.get("errors")) == sum(1 for c in cases if c.find("error") is not None)


def test_junit_empty_run_and_escaping() -> None:
    empty = ElementTree.fromstring(render("junit", [], RULES))
    assert empty.get("tests") == "0" and empty[0].get("failures") == "0"
    out = render("junit", [_nasty_result()], RULES)
    assert out.isascii()
    [case] = ElementTree.fromstring(out)[0]
    assert case.get("name") == NASTY_PATH
    [failure] = case
    assert failure.get("type") == "DK301"
    assert failure.text == f"{NASTY_PATH}:1:1: DK301 {failure.get('message')}"
    assert failure.get("message").startswith('say "hi" & <b>\'bye\'</b>\tcafé 日本 \ufffd')


# --- gitlab -----------------------------------------------------------------------------------

GITLAB_SEVERITIES = {"info", "minor", "major", "critical", "blocker"}


def check_gitlab_shape(issues: object) -> None:
    """What GitLab's Code Quality report requires of every issue."""
    assert isinstance(issues, list)
    for issue in issues:
        assert set(issue) == {"description", "check_name", "fingerprint", "severity",
                              "location"}
        assert isinstance(issue["description"], str) and issue["description"]
        assert isinstance(issue["check_name"], str) and issue["check_name"]
        assert isinstance(issue["fingerprint"], str) and \
            re.fullmatch(r"[0-9a-f]{64}", issue["fingerprint"])
        assert issue["severity"] in GITLAB_SEVERITIES
        location = issue["location"]
        assert set(location) == {"path", "lines"}
        assert isinstance(location["path"], str) and not location["path"].startswith("/")
        lines = location["lines"]
        assert set(lines) == {"begin", "end"}
        assert all(isinstance(n, int) and n >= 1 for n in lines.values())
        assert lines["begin"] <= lines["end"]
    fingerprints = [issue["fingerprint"] for issue in issues]
    assert len(set(fingerprints)) == len(fingerprints)


def test_gitlab(tmp_path: Path) -> None:
    path = str(tmp_path / "svc" / "Dockerfile")
    issues = json.loads(render("gitlab", [make_result(path), _clean_result()], RULES,
                               base_dir=str(tmp_path)))
    check_gitlab_shape(issues)
    assert [(i["check_name"], i["severity"], i["location"]) for i in issues] == [
        ("DK401", "minor", {"path": "svc/Dockerfile", "lines": {"begin": 2, "end": 2}}),
        ("DK301", "major", {"path": "svc/Dockerfile", "lines": {"begin": 4, "end": 4}}),
        ("DK101", "critical", {"path": "svc/Dockerfile", "lines": {"begin": 7, "end": 7}}),
    ]
    assert issues[2]["description"] == \
        "DK101: the image fetches https://example.com but has no CA bundle"
    assert render("gitlab", [], RULES) == "[]\n"


def test_gitlab_multi_line_stdin_and_outside_paths(tmp_path: Path) -> None:
    text = "FROM alpine\nRUN a \\\n  b\n"
    src = Source(text)
    finding = stamp(src, DK301, Span(12, len(text) - 1), "m", path="-")
    [issue] = json.loads(render("gitlab", [FileResult("-", [finding], src)], RULES))
    assert issue["location"] == {"path": "-", "lines": {"begin": 2, "end": 3}}
    outside = str(tmp_path / "elsewhere" / "Dockerfile")
    issues = json.loads(render("gitlab", [make_result(outside)], RULES,
                               base_dir=str(tmp_path / "repo")))
    assert issues[0]["location"]["path"] == outside.replace(os.sep, "/")


def test_gitlab_fingerprints_survive_moved_lines(tmp_path: Path) -> None:
    def prints(text: str, path: str = "Dockerfile") -> list[str]:
        src = Source(text)
        findings = [stamp(src, DK301, span_of(text, "apk add curl", occurrence=n), "m",
                          path=path) for n in (1, 2)]
        issues = json.loads(render("gitlab", [FileResult(path, findings, src)], RULES,
                                   base_dir=str(tmp_path)))
        check_gitlab_shape(issues)
        return [i["fingerprint"] for i in issues]

    text = "FROM alpine\nRUN apk add curl\nRUN apk add curl\n"
    first, second = prints(text)
    assert first != second                               # the occurrence index tells them apart
    moved = "# syntax=docker/dockerfile:1\nFROM alpine\n\nRUN apk add curl\n  RUN apk add curl\n"
    assert prints(moved) == [first, second]
    assert prints(text.replace("curl\n", "curl  \n")) == [first, second]  # trailing blanks
    assert prints(text.replace("RUN", "RUN  "))[0] != first                # an edited line
    assert prints(text, path="other/Dockerfile")[0] != first              # another file
    assert prints(text) == [first, second]                                 # deterministic


# --- the rule reference (docklint rules --format markdown) ------------------------------------

def test_reference_markdown() -> None:
    from docklint.formatters.reference import rules_markdown
    from docklint.rule import Option
    with_option = Rule(code="DK209", slug="undefined-var", severity=Severity.WARNING,
                       check=_no_check, docs="Uses | pipes.\n\n## What it does\nStuff.",
                       options={"known-vars": Option([], "names that are always defined")},
                       aliases=("UndefinedVar",), status="preview", default_enabled=False)
    out = rules_markdown([DK301, with_option, DK101])
    assert out.startswith("# Rule reference\n")
    assert out.endswith("\n") and not out.endswith("\n\n")
    assert all(line == line.rstrip() for line in out.splitlines())
    # an index in code order, then one section per rule
    assert "| [DK101](#dk101) | `scratch-https-without-ca-bundle` | error | stable | no | " \
        "A `scratch` image makes HTTPS requests but has no CA certificates. |" in out
    assert "| [DK209](#dk209) | `undefined-var` | warning | preview | no | Uses \\| pipes. |" \
        in out
    assert out.index('<a id="dk101"></a>') < out.index('<a id="dk209"></a>') \
        < out.index('<a id="dk301"></a>')
    section = out[out.index('<a id="dk209"></a>'):]
    assert section.startswith(
        '<a id="dk209"></a>\n\n## DK209 undefined-var\n\n'
        "- Severity: warning\n- Status: preview\n- Enabled by default: no\n"
        "- Aliases: `UndefinedVar`\n- Tags: none\n- Fixable: no\n- Options:\n"
        "  - `known-vars` (default `[]`): names that are always defined\n\n"
        "Uses | pipes.\n\n### What it does\nStuff.")
    # the rule's headings move one level down, code blocks are left alone
    ca = out[out.index('<a id="dk101"></a>'):out.index('<a id="dk209"></a>')]
    assert "\n### Why is this bad?\n" in ca and "\n## Why" not in ca
    assert "```dockerfile\nFROM scratch\n" in ca
    assert "- Tags: runtime, security\n" in ca
    sa = out[out.index('<a id="dk301"></a>'):]
    assert "- Aliases: `DL3015`\n" in sa and "- Fixable: sometimes\n" in sa


def test_reference_anchors_match_the_help_uris() -> None:
    from docklint.formatters.reference import anchor, demote_headings
    for r in RULES:
        assert r.help_uri.endswith("#" + anchor(r))
        assert anchor(r) == r.code.lower()
    assert demote_headings("# A\n```\n## not a heading\n```\n## B\n#hashtag") == \
        "## A\n```\n## not a heading\n```\n### B\n#hashtag"


# --- lazy imports -----------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", FORMATS)
def test_each_format_imports_only_its_own_module(fmt: str) -> None:
    code = (
        "import sys\n"
        "from docklint.formatters import render\n"
        "from docklint.engine import FileResult\n"
        "from docklint.source import Source, Span\n"
        "from docklint.rule import Finding, Severity\n"
        "src = Source('FROM alpine\\n')\n"
        "f = Finding(span=Span(0, 4), message='m', severity=Severity.WARNING, code='DK1', "
        "slug='s', path='Dockerfile', line=1, column=1, end_line=1, end_column=5)\n"
        f"out = render({fmt!r}, [FileResult('Dockerfile', [f], src)], [])\n"
        "assert out\n"
        "print('sarif_om' in sys.modules)\n"
        "print(sorted(m for m in sys.modules if m.startswith('docklint.formatters.')))\n"
        "print(any(m == 'xml' or m.startswith('xml.') for m in sys.modules))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    sarif_om, formatter_modules, xml = proc.stdout.splitlines()
    assert sarif_om == ("True" if fmt == "sarif" else "False")
    module = {"json": "json_format"}.get(fmt, fmt)
    helpers = {"checkstyle": ["xml_text"], "junit": ["xml_text"]}.get(fmt, [])
    assert formatter_modules == repr(sorted(f"docklint.formatters.{m}"
                                            for m in [module, *helpers]))
    assert xml == "False"            # the XML formats write their markup by hand


def test_sarif_path_through_a_symlinked_base(tmp_path: Path) -> None:
    real = tmp_path / "real"
    (real / "svc").mkdir(parents=True)
    link = tmp_path / "link"
    try:
        link.symlink_to(real, target_is_directory=True)
    except OSError as exc:
        pytest.skip(f"cannot create a symlink here: {exc}")
    log = sarif([make_result(str(link / "svc" / "Dockerfile"))], base_dir=str(real))
    loc = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert loc == {"uri": "svc/Dockerfile", "uriBaseId": "%SRCROOT%"}


def test_text_finding_past_the_last_line_has_no_excerpt() -> None:
    src = Source("FROM alpine")  # no final newline: there is no line 2
    finding = Finding(span=Span(0, 4), message="m", severity=Severity.WARNING, code="DK301",
                      slug="apt-install-recommends", path="Dockerfile", line=2, column=1,
                      end_line=2, end_column=1)
    assert render("text", [FileResult("Dockerfile", [finding], src)], RULES) == \
        "Dockerfile:2:1: DK301 [warning] m (apt-install-recommends)\n"
