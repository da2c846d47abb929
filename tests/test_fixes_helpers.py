"""linter/fixes.py: the building blocks rule fixes share (positions of new lines, keyword case,
exec form, the ARG declarations a stage is missing, where a USER goes)."""

from __future__ import annotations

import pytest

from docklint import images
from docklint.fix import apply_edits
from docklint.fixes import (block_start, exec_form, exec_form_text, indent_of, insert_after,
                            insert_before, keyword, known_non_root_user, stage_arg_fix,
                            user_insertion)
from docklint.model import build
from docklint.source import Source


def _df(text: str):
    return build(Source(text))


def _apply(df, edit) -> str:
    return apply_edits(df.source.text, [edit])


def test_keyword_follows_the_case_of_the_reference() -> None:
    df = _df("from alpine:3.20\nFROM alpine:3.20\nFrom alpine:3.20\n")
    lower, upper, mixed = df.stages[0].from_, df.stages[1].from_, df.stages[2].from_
    assert keyword(lower, "ARG") == "arg"
    assert keyword(upper, "arg") == "ARG"
    assert keyword(mixed, "ARG") == "ARG"


def test_insert_after_goes_past_continuations_and_heredocs() -> None:
    df = _df("FROM alpine:3.20\nRUN <<EOF\necho hi\nEOF\n  RUN a \\\n   b\n")
    heredoc_run, multi = df.stages[0].instructions
    assert _apply(df, insert_after(df, heredoc_run, ["USER 1"])) == \
        "FROM alpine:3.20\nRUN <<EOF\necho hi\nEOF\nUSER 1\n  RUN a \\\n   b\n"
    # indented like the instruction; at the end of a file without a final newline too
    df = _df("FROM alpine:3.20\n  RUN a \\\n   b")
    multi = df.stages[0].instructions[0]
    assert indent_of(df, multi.line) == "  "
    assert _apply(df, insert_after(df, multi, ["USER 1", "CMD x"])) == \
        "FROM alpine:3.20\n  RUN a \\\n   b\n  USER 1\n  CMD x"


def test_insertions_keep_crlf_lines_apart() -> None:
    df = _df("FROM alpine:3.20\r\nCMD x\r\n")
    from_ = df.stages[0].from_
    # edits write "\n"; the fixer turns it into the file's line ending
    assert _apply(df, insert_after(df, from_, ["ARG A"])) == "FROM alpine:3.20\nARG A\r\nCMD x\r\n"
    assert _apply(df, insert_before(df, 2, ["USER 1"])) == "FROM alpine:3.20\r\nUSER 1\nCMD x\r\n"


def test_block_start_takes_the_comments_above() -> None:
    df = _df("FROM alpine:3.20\nRUN true\n# start\n# the app\nCMD x\n")
    run, cmd = df.stages[0].instructions
    assert block_start(df, cmd, floor=run.end_line) == 3
    df = _df("FROM alpine:3.20\n# not this one\n\nCMD x\n")
    assert block_start(df, df.stages[0].instructions[0], floor=1) == 4


@pytest.mark.parametrize("text, words", [
    ("node server.js", ["node", "server.js"]),
    ("exec gunicorn --bind=0.0.0.0:8000 app:app", ["gunicorn", "--bind=0.0.0.0:8000", "app:app"]),
    ("/app --port 8080", ["/app", "--port", "8080"]),
    ("node $APP", None),                 # a variable
    ("app > /dev/null", None),           # a redirection
    ("'app' x", None),                   # quotes
    ("app a\\ b", None),                 # an escape
    ("app *.txt", None),                 # a glob
    ("app ~/x", None),                   # a tilde
    ("app # note", None),                # a comment
    ("A=1 app", None),                   # an assignment
    ("cd /srv", None),                   # a shell builtin
    ("export X=1", None),
    ("exec", None),
    ("", None),
])
def test_exec_form(text, words) -> None:
    assert exec_form(text) == words


def test_exec_form_text_is_json_without_escaping_non_ascii() -> None:
    assert exec_form_text(["node", "café.js"]) == '["node", "café.js"]'


def test_stage_arg_fix_groups_names_by_safety() -> None:
    df = _df("ARG V=1 PORT=80\nFROM alpine:3.20\nRUN echo $V $TARGETARCH\nCOPY a-$V /a\n"
             "CMD echo $PORT\n")
    fixes = stage_arg_fix(df, df.stages[0])
    assert set(fixes) == {"V", "TARGETARCH", "PORT"}
    safe, runtime = fixes["V"], fixes["PORT"]
    assert fixes["TARGETARCH"] is safe and safe.safe and not runtime.safe
    assert _apply(df, safe.edits[0]).splitlines()[1:4] == \
        ["FROM alpine:3.20", "ARG V", "ARG TARGETARCH"]
    assert _apply(df, runtime.edits[0]).splitlines()[1:4] == \
        ["FROM alpine:3.20", "ARG PORT", "ENV PORT=$PORT"]
    # excluded names, and stages with nothing out of scope, get nothing
    assert set(stage_arg_fix(df, df.stages[0], exclude={"PORT"})) == {"V", "TARGETARCH"}
    quiet = _df("FROM alpine:3.20\nRUN true\n")
    assert stage_arg_fix(quiet, quiet.stages[0]) == {}


def test_stage_arg_fix_writes_like_the_stage() -> None:
    df = _df("ARG V=1\nfrom alpine:3.20\n    run echo $V\n")
    fix = stage_arg_fix(df, df.stages[0])["V"]
    assert _apply(df, fix.edits[0]) == "ARG V=1\nfrom alpine:3.20\n    arg V\n    run echo $V\n"


def test_known_non_root_user() -> None:
    assert known_non_root_user(images.lookup("gcr.io/distroless/static-debian13")) == \
        "65532:65532"
    assert known_non_root_user(images.lookup("node:20-slim")) == "node"
    assert known_non_root_user(images.lookup("debian:12")) is None
    assert known_non_root_user(None) is None


def test_user_insertion_goes_before_the_run_time_settings() -> None:
    text = ("FROM node:20-slim\nRUN npm ci\n\n# serve\nEXPOSE 3000\nCMD [\"node\", \"s.js\"]\n")
    df = _df(text)
    out = _apply(df, user_insertion(df, df.stages[0], ["USER node"]))
    assert out == ("FROM node:20-slim\nRUN npm ci\n\nUSER node\n# serve\nEXPOSE 3000\n"
                   "CMD [\"node\", \"s.js\"]\n")
    # nothing to go before: at the end of the stage
    df = _df("FROM node:20-slim\nRUN npm ci\nFROM node:20-slim\n")
    out = _apply(df, user_insertion(df, df.stages[0], ["USER node"]))
    assert out == "FROM node:20-slim\nRUN npm ci\nUSER node\nFROM node:20-slim\n"
    # a stage with only its FROM
    df = _df("FROM node:20-slim")
    assert _apply(df, user_insertion(df, df.stages[0], ["USER node"])) == \
        "FROM node:20-slim\nUSER node"
    # never before ``after``
    df = _df("FROM node:20-slim\nCMD x\nUSER root\n")
    cmd, user = df.stages[0].instructions
    assert _apply(df, user_insertion(df, df.stages[0], ["USER node"], after=user)) == \
        "FROM node:20-slim\nCMD x\nUSER root\nUSER node\n"
