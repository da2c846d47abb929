"""Issue 13, the long tail: behaviours of the rules aliased to hadolint and BuildKit checks
that fixtures cannot state (severities, several rules on one reference, final images)."""

from __future__ import annotations

from docklint.engine import Settings, lint_text
from docklint.labels import final_images
from docklint.model import build
from docklint.source import Source


def _found(text: str, *codes: str, **settings):
    result = lint_text(text, settings=Settings(select=list(codes), **settings))
    return [(f.code, f.line, f.column, f.severity.name.lower()) for f in result.findings]


def test_relative_copy_is_info_unless_it_matters() -> None:
    text = ("FROM python:3.12-slim\nCOPY requirements.txt .\nCOPY . .\nCOPY main.py .\n"
            "CMD [\"python\", \"main.py\"]\n")
    assert _found(text, "DK505") == [("DK505", 2, 23, "info"), ("DK505", 3, 8, "warning"),
                                     ("DK505", 4, 14, "warning")]


def test_relative_copy_on_scratch_and_known_workdir_is_info() -> None:
    assert _found("FROM scratch\nCOPY app .\nENTRYPOINT [\"/app\"]\n", "DK505") == \
        [("DK505", 2, 10, "info")]
    assert _found("FROM golang:1.22\nCOPY . .\n", "DK505") == [("DK505", 2, 8, "info")]


def test_relative_workdir_on_scratch_has_a_safe_fix() -> None:
    result = lint_text("FROM scratch\nWORKDIR app\n", settings=Settings(select=["DK501"]))
    (f,) = result.findings
    assert (f.code, f.line, f.column) == ("DK501", 2, 9)
    assert f.fix is not None and f.fix.safe
    result = lint_text("FROM alpine:3.20\nWORKDIR app\n", settings=Settings(select=["DK501"]))
    (f,) = result.findings
    assert f.fix is not None and not f.fix.safe


def test_same_env_reference_is_reported_by_both_peers_rules() -> None:
    # BuildKit's UndefinedVar and hadolint's DL3044 each report `$x`
    text = "FROM debian:12-slim\nENV x=1 y=$x\n"
    assert _found(text, "UndefinedVar") == [("DK209", 2, 11, "warning")]
    assert _found(text, "DL3044") == [("DK605", 2, 11, "warning")]


def test_name_set_twice_in_one_env() -> None:
    # unset before: BuildKit reports `$A` once; hadolint's DL3044 reports the second `${A}`,
    # which expands to nothing instead of the first pair's `x:`
    text = "FROM debian:12-slim\nENV A=x:${A} A=y:${A}\n"
    assert _found(text, "DK209") == [("DK209", 2, 9, "warning")]
    assert _found(text, "DL3044") == [("DK605", 2, 18, "warning")]
    # set before: nothing is undefined, but the first pair is lost
    text = "FROM debian:12-slim\nENV A=0\nENV A=x:${A} A=y:${A}\n"
    assert _found(text, "DK209") == []
    assert _found(text, "DK605") == [("DK605", 3, 18, "warning")]


def test_global_secret_arg_without_default() -> None:
    text = "ARG AWS_SECRET_ACCESS_KEY\nFROM alpine:3.20\nRUN echo\n"
    assert _found(text, "DL3064") == [("DK618", 1, 5, "warning")]
    # a stage that redeclares it is reported instead, once
    text = "ARG AWS_SECRET_ACCESS_KEY\nFROM alpine:3.20\nARG AWS_SECRET_ACCESS_KEY\n"
    assert _found(text, "DK618") == [("DK618", 3, 5, "warning")]


def test_final_images() -> None:
    text = ("FROM alpine:3.20 AS build\nFROM alpine:3.20 AS base\nFROM base AS dev\n"
            "FROM base AS prod\nCOPY --from=build /a /a\n")
    df = build(Source(text, "Dockerfile"))
    assert [s.name for s in final_images(df)] == ["dev", "prod"]
    df = build(Source(text, "Dockerfile"), target="dev")
    assert [s.name for s in final_images(df)] == ["dev"]
    assert final_images(build(Source("", "Dockerfile"))) == []


def test_label_missing_per_final_image() -> None:
    text = ("FROM alpine:3.20 AS base\nFROM base AS dev\nFROM base AS prod\nLABEL owner=x\n")
    options = {"DK607": {"label-schema": {"owner": "text"}}}
    assert _found(text, "DK607", options=options) == [("DK607", 2, 1, "info")]
    assert _found(text, "DK607", options=options, target="prod") == []
