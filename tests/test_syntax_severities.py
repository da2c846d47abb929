"""The severities of the syntax, stage-graph and metadata rules in situations where an error
would be wrong: an error only where the build or the container really fails.

The fixtures check places and messages; these check the severity of the same situations.
"""

from __future__ import annotations

import pytest

from docklint.engine import Settings, lint_text
from docklint.imageref import parse_image_ref
from docklint.rule import Severity


def found(text: str, select: list[str], **kw) -> list[tuple[str, int, Severity]]:
    result = lint_text(text, settings=Settings(select=select, **kw))
    return [(f.code, f.line, f.severity) for f in result.findings]


@pytest.mark.parametrize("text, line, severity", [
    # the target image runs it: the container fails at start
    ("FROM alpine:3.20\nCMD ['sh']\n", 2, Severity.ERROR),
    ("FROM alpine:3.20 AS base\nENTRYPOINT ['sh']\nFROM base\nRUN true\n", 2, Severity.ERROR),
    ("FROM alpine:3.20\nENTRYPOINT []\nCMD ['sh']\n", 3, Severity.ERROR),
    # a stage outside the target's FROM chain
    ("FROM node:20 AS build\nCMD ['node', 'x.js']\nFROM nginx:1.27\n"
     "COPY --from=build /out /srv\n", 2, Severity.WARNING),
    # a child stage overrides it
    ("FROM alpine:3.20 AS base\nENTRYPOINT ['sh']\nFROM base\nENTRYPOINT [\"sh\"]\n",
     2, Severity.WARNING),
    # a child's ENTRYPOINT resets the inherited CMD
    ("FROM alpine:3.20 AS base\nCMD ['sh']\nFROM base\nENTRYPOINT [\"/bin/echo\", \"hi\"]\n",
     2, Severity.WARNING),
    # a shell-form ENTRYPOINT ignores CMD
    ("FROM alpine:3.20\nENTRYPOINT exec /usr/local/bin/app\nCMD ['--port', '80']\n",
     3, Severity.WARNING),
    # an exec-form ENTRYPOINT receives it as arguments
    ("FROM alpine:3.20\nENTRYPOINT [\"/app\"]\nCMD ['--port', '80']\n", 3, Severity.WARNING),
    # an ONBUILD CMD of a base stage may replace it
    ("FROM alpine:3.20 AS base\nCMD ['sh']\nONBUILD CMD [\"true\"]\nFROM base\n",
     2, Severity.WARNING),
    # with --target the chain is the target's
    ("FROM alpine:3.20 AS base\nCMD ['sh']\nFROM base\nENTRYPOINT [\"/bin/echo\"]\n",
     2, Severity.ERROR),
])
def test_dk603_broken_exec_form_is_an_error_only_where_the_target_runs_it(
        text: str, line: int, severity: Severity) -> None:
    target = "base" if "ENTRYPOINT [\"/bin/echo\"]" in text else None
    got = [f for f in found(text, ["DK603"], target=target) if f[1] == line]
    assert got == [("DK603", line, severity)]


def test_dk603_shell_test_idiom_is_no_broken_json() -> None:
    text = ("FROM alpine:3.20\n"
            "CMD [ \"$MIGRATE\" ] && ./migrate; exec ./server\n")
    assert found(text, ["DK603"]) == []


@pytest.mark.parametrize("copy", ["/plugins/*.so /usr/lib/", ". /dest/", "./ /dest/",
                                  "/app? /dest/", "/bin/[a-z]* /dest/", "/ /dest/"])
def test_dk210_root_and_patterns_of_an_empty_stage_are_quiet(copy: str) -> None:
    text = f"FROM scratch AS ctx\nFROM alpine:3.20\nCOPY --from=ctx {copy}\n"
    assert found(text, ["DK210"]) == []


def test_dk210_literal_path_of_an_empty_stage_is_an_error() -> None:
    text = "FROM scratch AS ctx\nFROM alpine:3.20\nCOPY --from=ctx ./a.json /dest/\n"
    assert found(text, ["DK210"]) == [("DK210", 3, Severity.ERROR)]


def test_dk306_bare_from_name_may_be_a_build_context() -> None:
    text = ("FROM registry.example.com/base:1\nCOPY --from=binaries /app /app\n"
            "RUN --mount=from=othercontext,target=/x true\nCOPY --from=tools:1 /t /t\n")
    opts = {"DK306": {"trusted-registries": ["registry.example.com"]}}
    assert found(text, ["DK306"], options=opts) == [("DK306", 4, Severity.ERROR)]


def test_check_error_true_leaves_the_experimental_check_alone() -> None:
    text = ("# check=error=true\n\n# these targets can be overwritten with build contexts\n"
            "FROM scratch AS sdk-extras\n\nFROM alpine:3.20\n")
    assert found(text, ["DK623"]) == [("DK623", 4, Severity.INFO)]        # its own severity
    enabled = text.replace("error=true", "error=true;experimental=InvalidDefinitionDescription")
    assert found(enabled, ["DK623"]) == [("DK623", 4, Severity.ERROR)]


@pytest.mark.parametrize("text", [
    "# syntax = devthefuture/dockerfile-x\nFROM alpine:3.20\nINCLUDE ./common.dockerfile\n",
    '{"syntax": "example.com/myfrontend:1", "base": "alpine"}\n',
    "//syntax=example.com/myfrontend:1\nanything at all\n",
])
def test_dk000_another_frontend_is_one_note(text: str) -> None:
    assert found(text, ["DK000", "DK615"]) == [("DK000", 1, Severity.INFO)]


def test_dk000_values_buildkit_accepts() -> None:
    text = ("FROM alpine:3.20\nARG MT=cache\n"
            "RUN --mount=type=$MT,target=/root/.cache true\n"
            "RUN --mount=type=Cache,target=/c true\n"
            "HEALTHCHECK --interval= --retries=+3 --timeout=-0 CMD true\n"
            "FROM alpine:3.20\nHEALTHCHECK --interval=5s NONE\n"
            "FROM MyRegistry/app:1.0\n")
    assert found(text, ["DK000"]) == []


def test_dk000_onbuild_trigger_error_is_a_warning_unless_this_file_runs_it() -> None:
    text = "FROM alpine:3.20\nONBUILD COPY onlyone\n"
    assert found(text, ["DK000"]) == [("DK000", 2, Severity.WARNING)]
    text = "FROM alpine:3.20 AS base\nONBUILD COPY onlyone\nFROM base\n"
    assert found(text, ["DK000"]) == [("DK000", 2, Severity.ERROR)]


def test_upper_case_first_component_is_a_registry_host() -> None:
    ref = parse_image_ref("MyRegistry/app:1.0")
    assert (ref.registry, ref.path, ref.error) == ("myregistry", "app", None)
    assert parse_image_ref("myregistry/App:1").error == "repository name must be lowercase"
    assert parse_image_ref("Alpine:3.20").error == "repository name must be lowercase"
