"""Error recovery: instructions before the first FROM, and broken FROM lines.

BuildKit refuses such a file (DK000), but docklint lints the rest: the instructions before the
first FROM form an implicit stage whose base is unknown (docklint.model's docstring). These
tests show a fragment linted fully in the CLI (text, JSON, SARIF) and the language server, the
model's choices (numbering, ARGs, target), and the rules that stay quiet on an unknown base.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from docklint.engine import Settings, lint_text
from docklint.inspect import graph_dot, graph_mermaid, inspect_json, inspect_text
from docklint.model import build
from docklint.registry import get
from docklint.source import Source

FRAGMENT = "RUN apt-get install python3\n"
# what a FROM-less fragment gets: DK000 and every finding of the RUN
FRAGMENT_FINDINGS = [
    ("DK000", 1, 1, "no build stage in current context: RUN before the first FROM"),
    ("DK404", 1, 5, "`apt-get install` without `-y`"),
    ("DK405", 1, 5, "`apt-get install` also installs recommended packages"),
    ("DK401", 1, 21, "apt package `python3` is not pinned to a version"),
]


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("FORCE_COLOR", "NO_COLOR", "DOCKLINT_DEBUG")}
    env["NO_COLOR"] = "1"
    return env


def _cli(*args: str, cwd) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "docklint", *args], capture_output=True,
                          text=True, timeout=120, cwd=cwd, env=_env())


def _lint(text: str, *codes: str):
    """(code, line, column, message) of what the rules ``codes`` find in ``text``."""
    rules = [get(c) for c in codes]
    result = lint_text(text, rules=rules)
    return [(f.code, f.line, f.column, f.message) for f in result.findings]


def _matches(found, expected) -> bool:
    return len(found) == len(expected) and all(
        f[:3] == e[:3] and e[3] in f[3] for f, e in zip(found, expected))


# ---- a fragment, linted fully in every output -------------------------------------------------

def test_fragment_cli_text(tmp_path):
    (tmp_path / "Dockerfile").write_text(FRAGMENT)
    proc = _cli("--select", "ALL", "--format", "gnu", "Dockerfile", cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout.splitlines() == [
        "Dockerfile:1:1: error: no build stage in current context: RUN before the first "
        "FROM [DK000]",
        "Dockerfile:1:5: warning: `apt-get install` without `-y` stops at its confirmation "
        "prompt and fails the build; add `-y` [DK404]",
        "Dockerfile:1:5: info: `apt-get install` also installs recommended packages; add "
        "`--no-install-recommends` and name the packages you need [DK405]",
        "Dockerfile:1:21: info: apt package `python3` is not pinned to a version; write "
        "`python3=<version>` [DK401]",
    ]
    # the default text format too
    proc = _cli("--select", "ALL", "Dockerfile", cwd=tmp_path)
    assert proc.returncode == 1
    assert "DK000 [error] no build stage in current context" in proc.stdout
    assert "DK404 [warning]" in proc.stdout and "DK401 [info]" in proc.stdout
    assert "DK005" not in proc.stdout


def test_fragment_json(tmp_path):
    (tmp_path / "Dockerfile").write_text(FRAGMENT)
    proc = _cli("--select", "ALL", "--format", "json", "Dockerfile", cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    found = [(d["code"], d["line"], d["column"], d["message"]) for d in json.loads(proc.stdout)]
    assert _matches(found, FRAGMENT_FINDINGS), found


def test_fragment_sarif(tmp_path):
    (tmp_path / "Dockerfile").write_text(FRAGMENT)
    proc = _cli("--select", "ALL", "--format", "sarif", "Dockerfile", cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    [run] = json.loads(proc.stdout)["runs"]
    found = [(r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"],
              r["locations"][0]["physicalLocation"]["region"]["startColumn"],
              r["message"]["text"]) for r in run["results"]]
    assert _matches(found, FRAGMENT_FINDINGS), found
    assert [r["level"] for r in run["results"]] == ["error", "warning", "note", "note"]


def test_fragment_language_server(tmp_path):
    pytest.importorskip("lsprotocol")
    from docklint.lsp import lint_document
    (tmp_path / ".docklint.yaml").write_text("select: [ALL]\n")
    state = lint_document("file:///x", FRAGMENT, 1, path=str(tmp_path / "Dockerfile"))
    found = [(d.code, d.range.start.line + 1, d.range.start.character + 1, d.message)
             for d in state.diagnostics]
    assert _matches(found, FRAGMENT_FINDINGS), found
    assert state.stopped is None


# ---- the three ways a file lacks a usable FROM ------------------------------------------------

@pytest.mark.parametrize("text, errors", [
    ("RUN apt-get install python3\n",
     [(1, "no build stage in current context: RUN before the first FROM")]),
    ("FROM\nRUN apt-get install python3\n",
     [(1, "FROM requires either one or three arguments")]),
    ("FROM --platform=linux/arm64\nRUN apt-get install python3\n",
     [(1, "FROM requires either one or three arguments")]),
    ("FRM alpine:3.20\nRUN apt-get install python3\n",
     [(1, "unknown instruction: FRM (did you mean FROM?)"),
      (2, "no build stage in current context: RUN before the first FROM")]),
])
def test_broken_or_missing_from_lints_the_rest(text, errors):
    found = _lint(text, "DK000", "DK401", "DK404", "DK110", "DK106", "DK615", "DK301",
                  "DK305")
    assert [(f[1], f[3]) for f in found if f[0] == "DK000"] == errors
    line = text.count("\n")
    assert [(f[0], f[1], f[2]) for f in found if f[0] != "DK000"] == [
        ("DK404", line, 5), ("DK401", line, 21)]


def test_onbuild_before_the_first_from():
    text = "ONBUILD RUN pip install flask\nFROM python:3.12-slim\nRUN echo hi\n"
    found = _lint(text, "DK000", "DK403")
    assert [(f[0], f[1], f[2]) for f in found] == [("DK000", 1, 1), ("DK403", 1, 25)]
    assert found[0][3] == "no build stage in current context: ONBUILD before the first FROM"


def test_another_unreadable_instruction_leaves_the_rest_linted():
    text = "FROM debian:12-slim\nFOO bar\nCOPY onlyone\nRUN apt-get install python3\n"
    found = _lint(text, "DK000", "DK404")
    assert [(f[0], f[1], f[2]) for f in found] == [("DK000", 2, 1), ("DK000", 3, 1),
                                                   ("DK404", 4, 5)]


# ---- the model ---------------------------------------------------------------------------------

def _df(text: str, **kw):
    return build(Source(text, "Dockerfile"), **kw)


def test_implicit_stage_in_the_model():
    df = _df("ARG A=1\nRUN echo $A\nARG B=2\nCOPY --from=0 /x /y\n"
             "FROM alpine:3.20 AS build\nFROM build\nCOPY --from=0 /a /b\n")
    real0, real1, imp = df.stages
    assert (real0.index, real1.index, imp.index) == (0, 1, 2)
    assert imp.implicit and not real0.implicit and df.implicit is imp
    assert imp.base.kind == "unknown" and imp.name is None and imp.label == "(before FROM)"
    # its FROM is synthetic: not in the file's instructions, empty, at its first instruction
    assert imp.from_ not in df.instructions and imp.from_.written == "" and imp.from_.line == 2
    assert len(imp.from_.span) == 0 and imp.from_.span.start == df.source.text.index("RUN")
    assert [i.keyword for i in imp.instructions] == ["RUN", "ARG", "COPY"]
    # ARG A (before the first instruction) is global; ARG B (after it) is the stage's own
    assert [a.name for a in df.global_args] == ["A"]
    assert [a.name for a in imp.args] == ["B"]
    assert imp.envs[0]["A"] == "1"          # the fragment sees its leading ARGs
    # --from=0 keeps BuildKit's numbers: stage 0 is the first FROM, in both stages
    copies = [e for e in df.graph.edges if e.kind == "copy"]
    assert [(e.source, e.target) for e in copies] == [(2, 0), (1, 0)]
    # the target is the last real stage
    assert df.graph.target == 1 and df.target is real1
    assert df.stage_of(df.instructions[1]) is imp


def test_fragment_target_and_unresolved_references():
    df = _df("COPY --from=builder /a /b\nCOPY --from=0 /c /d\nCOPY --from=golang:1.22 /e /f\n")
    [imp] = df.stages
    assert df.graph.target == 0 and imp.implicit
    e1, e2, e3 = df.graph.edges
    # a bare name or a number names a stage of the file the fragment belongs in: unknown
    assert not e1.resolved and e1.target is None and e1.image is None and not e1.out_of_range
    assert not e2.resolved and not e2.out_of_range
    assert e3.resolved and e3.image is not None and e3.image.repository == "golang"


def test_from_without_image_has_an_unknown_base():
    df = _df("FROM\nRUN true\n")
    [stage] = df.stages
    assert stage.base.kind == "unknown" and not stage.implicit and df.implicit is None


def test_files_with_a_from_are_unchanged():
    df = _df("ARG V=3.20\nFROM alpine:$V\nRUN true\n")
    assert [s.implicit for s in df.stages] == [False]
    assert df.implicit is None and [a.name for a in df.global_args] == ["V"]


# ---- rules about the final image stay quiet for an unknown base -------------------------------

@pytest.mark.parametrize("code, text", [
    ("DK106", "RUN apt-get update\nUSER root\nCMD [\"my-server\"]\n"),
    ("DK110", "RUN echo hi\nCMD [\"my-server\"]\n"),
    ("DK615", "RUN echo hi\nCMD [\"my-server\"]\n"),
    ("DK615", "FROM\nCMD [\"my-server\"]\n"),
    ("DK303", "RUN apt-get update && apt-get install -y --no-install-recommends "
              "gcc=4:12.2.0-3\nCMD [\"./app\"]\n"),
    ("DK101", "RUN curl https://example.com\n"),
    ("DK301", "RUN echo hi\nCMD [\"./app\"]\n"),
    ("DK204", "RUN echo hi\nFROM alpine:3.20\nRUN echo built\n"),
    ("DK201", "COPY --from=builder /app /app\nCOPY --from=0 /a /b\n"
              "RUN --mount=from=deps,target=/deps cp -r /deps /opt\n"),
    ("DK305", "COPY --from=builder /app /app\n"),
    ("DK206", "ARG VERSION=1.2.3\nRUN echo \"$VERSION\" > /version\n"),
    ("DK209", "RUN echo hi\nENV HOME_DIR=$APP_HOME\n"),
])
def test_quiet_on_a_fragment(code, text):
    assert _lint(text, code) == []


def test_fragment_rules_about_instructions_fire():
    text = ("LABEL maintainer Someone\nENV A=x:${A} B=1\nCOPY --from=builder / /\n"
            "WORKDIR /app\nRUN pip install flask\n")
    found = _lint(text, "DK905", "DK211", "DK403")
    assert [(f[0], f[1]) for f in found] == [("DK905", 1), ("DK211", 3), ("DK403", 5)]


def test_keyword_case_counts_no_synthetic_from():
    found = _lint("run a\nrun b\nRUN c\nRUN d\n", "DK904")
    # 2 against 2 (the synthetic FROM, written "", is not counted): a tie goes to upper case
    assert [(f[1], f[2]) for f in found] == [(1, 1), (2, 1)]
    assert all("(2 upper-case and 2 lower-case" in f[3] for f in found)


def test_out_of_range_index_counts_only_real_stages():
    found = _lint("RUN echo before\nFROM alpine:3.20\nCOPY --from=3 /a /b\n", "DK201")
    assert found == [("DK201", 3, 13, "`--from=3` names stage index 3, but the stages are "
                                      "numbered 0 to 0; did you mean `0`?")]


# ---- inspect and graph ------------------------------------------------------------------------

def test_inspect_and_graph_show_the_implicit_stage():
    df = _df("RUN echo hi\nFROM alpine:3.20 AS app\n")
    text = inspect_text(df)
    assert ("stage 1: implicit, the instructions before the first FROM (line 1; BuildKit "
            "refuses them) [unknown base]") in text
    assert "unreachable" not in text
    data = inspect_json(df)
    assert [(s["index"], s["implicit"], s["base"]["kind"]) for s in data["stages"]] == [
        (0, False, "image"), (1, True, "unknown")]
    assert data["stages"][1]["instructions"] == [0]
    mermaid = graph_mermaid(df)
    assert 's1["before the first FROM<br/>(implicit stage, base unknown)"]' in mermaid
    assert "unreachable" not in mermaid
    assert 's1 [label="before the first FROM\\n(implicit stage, base unknown)"];' in \
        graph_dot(df)
    broken = _df("FROM\nRUN true\n")
    assert "stage 0 (target): FROM without an image [unknown base]" in inspect_text(broken)
    assert "FROM (no image: base unknown)" in graph_mermaid(broken)


def test_graph_command_on_a_fragment(tmp_path):
    (tmp_path / "Dockerfile").write_text(FRAGMENT)
    proc = _cli("graph", "Dockerfile", cwd=tmp_path)
    assert proc.returncode == 1            # DK000, reported on stderr
    assert proc.stdout.splitlines()[:2] == [
        "flowchart TD", '  s0["before the first FROM<br/>(implicit stage, base unknown)'
                        '<br/>(target)"]']
    assert "no build stage in current context" in proc.stderr


def test_fix_on_a_fragment_converges(tmp_path):
    (tmp_path / "Dockerfile").write_text(FRAGMENT)
    proc = _cli("--select", "DK404", "--fix", "Dockerfile", cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (tmp_path / "Dockerfile").read_text() == "RUN apt-get install -y python3\n"


def test_hover_in_a_fragment() -> None:
    """The language server's hover: nothing made up at the start of a fragment (the implicit
    stage has no FROM line), and a --from naming no stage of the fragment says so (not "a build
    argument without a value"); a broken FROM says its base is unknown."""
    pytest.importorskip("lsprotocol")
    from docklint.lsp import hover_markdown
    text = "RUN echo hi\nCOPY --from=builder /out /out\n"
    df = build(Source(text, "Dockerfile"))
    assert hover_markdown(df, 0) is None
    at = text.index("builder")
    md, _start, _end = hover_markdown(df, at)
    assert md == ("**`--from=builder`** names no stage of this text (it has no `FROM`); docklint "
                  "leaves it unresolved.")
    df = build(Source("FROM\nRUN echo hi\n", "Dockerfile"))
    md, _start, _end = hover_markdown(df, 1)
    assert "Built on an image docklint does not know" in md


def test_a_fragment_says_nothing_about_a_final_base_it_does_not_have() -> None:
    # DK310 (unknown final base) is about a FROM the file has; a fragment has none, and DK000
    # already says so: no second finding about an image that does not exist.
    result = lint_text("RUN echo hello\n", settings=Settings(select=["DK000", "DK310"]))
    assert [f.code for f in result.findings] == ["DK000"]
