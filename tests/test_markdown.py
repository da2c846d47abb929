"""``--format markdown``: totals, a table of findings that Dockerfile text cannot break or inject
HTML into, links with ``--link-base``, notes folded in <details>, Mermaid stage graphs with the
flagged stages, and a size cap with a line saying what was left out."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from docklint.cli import lint
from docklint.engine import Settings, lint_text, select_rules
from docklint.formatters import markdown, render

# label keys that DK606 quotes in its messages
HOSTILE = ('FROM alpine:3.20\nLABEL "a|b`x`<script>alert(1)</script>@octocat #12"="1"\n'
           'LABEL "c<script>"="1"\nUSER 1000\nCMD ["x"]\n')


def report(text: str, path: str = "Dockerfile", **kw) -> str:
    settings = Settings()
    result = lint_text(text, path, settings=settings)
    return render("markdown", [result], select_rules(settings), version="9.9", **kw)


def table_rows(out: str) -> list[str]:
    return [line for line in out.splitlines() if line.startswith("| ") and "---" not in line][1:]


def cells(row: str) -> list[str]:
    # a cell boundary is a pipe not escaped with a backslash
    return re.split(r"(?<!\\)\|", row)[1:-1]


def test_dockerfile_text_cannot_break_the_table_or_inject_html():
    out = report(HOSTILE)
    rows = table_rows(out)
    assert rows and all(len(cells(r)) == 4 for r in rows)
    assert "<script" not in out and "&lt;script&gt;" in out
    assert "@octocat" not in out and "@&#8203;octocat" in out
    assert "#12" not in out and "#&#8203;12" in out
    assert "\\`" in out                   # backticks shown, not code spans
    assert not any(line.startswith("```") for line in out.splitlines())   # one stage: no graph


def test_escape():
    assert markdown.escape("a|b `c` *d* <e> & [f](g) @h #1\nnext") == \
        "a\\|b \\`c\\` \\*d\\* &lt;e&gt; &amp; \\[f\\](g) @&#8203;h #&#8203;1 next"


def test_totals_and_links():
    text = "FROM debian\nRUN apt-get update && apt-get install -y curl\nCMD x\n"
    out = report(text, "svc/Dockerfile", link_base="https://github.com/o/r/blob/abc",
                 base_dir=".")
    assert out.startswith("## docklint 9.9\n\n**")
    assert re.search(r"\*\*\d+ findings\*\* \(.*\) in 1 file\.", out)
    assert "[svc/Dockerfile:1](https://github.com/o/r/blob/abc/svc/Dockerfile#L1)" in out
    assert "[DK305](https://github.com/docklint/docklint/blob/main/docs/rules.md#dk305)" in out
    plain = report(text, "svc/Dockerfile", base_dir=".")
    assert "| svc/Dockerfile:1 |" in plain and "blob/abc" not in plain
    assert "<details><summary>Notes and other places</summary>" in out


def test_clean_report():
    out = report("FROM alpine:3.20\nUSER 1000\nCMD [\"x\"]\n")
    assert "No findings in 1 file." in out and "| Where |" not in out


def test_mermaid_graph_for_multi_stage_files_with_flagged_stages():
    text = ("FROM golang:1.22 AS build\nRUN go build -o /app .\n"
            "FROM alpine:3.20\nCOPY --from=build /app /app\nUSER 1000\nCMD /app\n")
    out = report(text)
    block = out[out.index("```mermaid\n"):]
    assert block.count("```") == 2 and "flowchart TD" in block
    assert "class s1 target" in block and "classDef flagged" in block
    assert re.search(r"class (s0,)?s1 flagged", block)


def test_a_clean_multi_stage_file_still_gets_its_graph_with_labels_escaped():
    text = ('ARG BASE="alpine:3.20"\nFROM ${BASE} AS a\nFROM a AS b\nUSER 1000\n'
            'CMD ["x"]\n')
    out = report(text)
    assert "No findings" in out and "```mermaid" in out and "class s1 target" in out
    assert "classDef flagged" not in out


def test_the_report_is_cut_at_the_size_limit(monkeypatch):
    monkeypatch.setattr(markdown, "MAX_BYTES", 3000)
    text = "FROM debian\n" + "".join(f"RUN apt-get install -y pkg{n}\n" for n in range(200))
    out = report(text)
    assert len(out.encode()) <= 3000
    m = re.search(r"The report stops here: (\d+) more findings were left out", out)
    total = len(lint_text(text, settings=Settings()).findings)
    assert m and int(m.group(1)) == total - len(table_rows(out))


@pytest.mark.parametrize("args,message", [
    (["--link-base", "https://x/y"], "--link-base applies to the Markdown report only"),
    (["--format", "markdown", "--link-base", "javascript:alert(1)"], "expected an http(s) URL"),
    (["--format", "markdown", "--link-base", "https://x/y) [z](evil"], "expected an http(s) URL"),
])
def test_link_base_is_checked(tmp_path, args, message):
    (tmp_path / "Dockerfile").write_text("FROM alpine:3.20\n")
    result = CliRunner().invoke(lint, ["--no-shellcheck", *args, str(tmp_path / "Dockerfile")])
    assert result.exit_code == 2 and message in result.stderr


def test_cli_markdown(tmp_path):
    (tmp_path / "Dockerfile").write_text("FROM debian\nUSER 1000\nCMD [\"x\"]\n")
    result = CliRunner().invoke(lint, ["--no-shellcheck", "--format", "markdown",
                                       str(tmp_path / "Dockerfile")])
    assert result.exit_code == 1 and "| Where | Rule | Severity | Message |" in result.stdout


def test_it_renders_as_intended():
    # rendered by a CommonMark renderer with GitHub's tables, raw HTML allowed as GitHub allows
    # some: the table has one row per finding and nothing from the Dockerfile becomes HTML
    from markdown_it import MarkdownIt
    text = (HOSTILE + "FROM alpine:3.20 AS two\nCOPY --from=0 /x /x\n"
            'LABEL "k`|<img src=x onerror=alert(1)>"="v"\n')
    out = report(text, link_base="https://github.com/o/r/blob/abc", base_dir=".")
    md = MarkdownIt("commonmark", {"html": True}).enable("table")
    html = md.render(out)
    tokens = md.parse(out)
    body_rows = sum(1 for t in tokens if t.type == "tr_open") - 1      # less the header
    findings = len(lint_text(text, settings=Settings()).findings)
    assert body_rows == findings == len(table_rows(out))
    assert "<script" not in html and "<img" not in html and "onerror=alert" not in html.replace(
        "onerror=alert(1)&gt;", "")
    assert "&lt;script&gt;" in html and "<table>" in html
    assert "@octocat" not in html and "@\u200boctocat" in html      # no mention
    assert 'href="https://github.com/o/r/blob/abc/Dockerfile#L' in html
    assert '<pre><code class="language-mermaid">' in html
