"""Behaving as the peers do: a ``.hadolint.yaml`` read as hadolint reads it, BuildKit's
``# check=experimental=``, and ``# hadolint ignore=`` with a name hadolint cannot read.

- Every hadolint key is applied (or, for the output options docklint takes from the command line,
  accepted and said to be so). A key hadolint does not have, or a value of the wrong type, is a
  warning on stderr naming ``FILE:LINE`` and the key, and is left out; the run and its exit code
  are otherwise what they would be without it. docklint's own configuration stays strict.
- A ``.hadolint.yaml`` that is not YAML (or not a mapping) cannot be read at all: hadolint
  refuses it, docklint reports it as a configuration error with file, line and column, exits 2,
  and still lints the files that do not use it.
- ``# check=experimental=InvalidDefinitionDescription|all`` turns DK623 on, as BuildKit runs its
  experimental check, ``skip=all`` or not.
"""

from __future__ import annotations

import os

import pytest

from docklint import config as cfg
from docklint.cli import lint
from docklint.engine import Settings, lint_text

from .conftest import invoke_in, write

CLEAN = "FROM debian:12\nUSER 1000\n"
UNTAGGED = "FROM debian\nUSER 1000\n"             # DK305 (DL3006): a warning


pytestmark = pytest.mark.usefixtures("fresh_config")



def run(tmp_path, *args):
    return invoke_in(tmp_path, lint, ["--no-shellcheck", "--format", "gnu", *args])


def found(result) -> list[tuple[str, str]]:
    """(code, severity) of each finding in gnu output."""
    out = []
    for line in result.stdout.splitlines():
        severity = line.split(": ")[1]
        out.append((line.rsplit("[", 1)[1].rstrip("]"), severity))
    return out


def lint_with(tmp_path, config: str | None, dockerfile: str, *args):
    if config is not None:
        write(tmp_path / ".hadolint.yaml", config)
    elif (tmp_path / ".hadolint.yaml").exists():
        (tmp_path / ".hadolint.yaml").unlink()
    write(tmp_path / "Dockerfile", dockerfile)
    return run(tmp_path, *args, "Dockerfile")


# ---------------------------------------------------------------------------------------------
# every hadolint key is applied

def test_ignored(tmp_path):
    assert found(lint_with(tmp_path, None, UNTAGGED)) == [("DK305", "warning")]
    result = lint_with(tmp_path, "ignored: [DL3006]\n", UNTAGGED)
    assert (found(result), result.exit_code, result.stderr) == ([], 0, "")


@pytest.mark.parametrize("severity, shown, code", [
    ("error", "error", 1), ("warning", "warning", 1), ("info", "info", 0), ("style", "info", 0)])
def test_override_changes_the_severity(tmp_path, severity, shown, code):
    result = lint_with(tmp_path, f"override:\n  {severity}: [DL3006]\n", UNTAGGED)
    assert (found(result), result.exit_code) == ([("DK305", shown)], code)
    assert result.stderr == ""


def test_override_turns_an_off_by_default_rule_on(tmp_path):
    # DL3057 (DK615, no HEALTHCHECK) is off in hadolint until the override gives it a severity
    assert "DK615" not in dict(found(lint_with(tmp_path, "ignored: []\n", CLEAN)))
    result = lint_with(tmp_path, "override:\n  info: [DL3057]\n", CLEAN)
    assert dict(found(result))["DK615"] == "info"


@pytest.mark.parametrize("value", ["[docker.io]", "docker.io", "['docker.io', '*.corp.example']"])
def test_trusted_registries_enable_dk306_with_those_registries(tmp_path, value):
    text = "FROM quay.io/x/y:1\nUSER 1000\n"
    # (DK310: docklint knows nothing about quay.io/x/y, an info finding either way)
    assert found(lint_with(tmp_path, None, text)) == [("DK310", "info")]
    result = lint_with(tmp_path, f"trustedRegistries: {value}\n", text)
    assert result.exit_code == 1
    [line] = [x for x in result.stdout.splitlines() if not x.endswith("[DK310]")]
    assert line.startswith("Dockerfile:1:6: error: base image `quay.io/x/y:1` comes from "
                           "`quay.io`, which is not among the trusted registries (docker.io")
    assert line.endswith("[DK306]")
    assert found(lint_with(tmp_path, f"trustedRegistries: {value}\n", CLEAN)) == []


def test_label_schema_and_strict_labels(tmp_path):
    text = "FROM debian:12\nLABEL other=1\nUSER 1000\n"
    result = lint_with(tmp_path, "label-schema: {author: text}\n", text)
    assert found(result) == [("DK607", "info")]
    assert "the final image has no label `author`" in result.stdout
    result = lint_with(tmp_path, "label-schema: {author: text}\nstrict-labels: true\n", text)
    assert found(result) == [("DK607", "info"), ("DK608", "info")]
    assert "label `other` is not in the label schema" in result.stdout
    result = lint_with(tmp_path, "label-schema: {author: text}\nstrict-labels: false\n", text)
    assert found(result) == [("DK607", "info")]


@pytest.mark.parametrize("threshold, dockerfile, code", [
    (None, UNTAGGED, 1), ("error", UNTAGGED, 0), ("warning", UNTAGGED, 1),
    ("info", UNTAGGED, 1), ("none", UNTAGGED, 0), ("ignore", UNTAGGED, 0),
    # an info finding only (the label schema's missing label)
    (None, CLEAN, 0), ("warning", CLEAN, 0), ("info", CLEAN, 1), ("style", CLEAN, 1),
])
def test_failure_threshold_changes_the_exit_code(tmp_path, threshold, dockerfile, code):
    config = "label-schema: {author: text}\n"
    if threshold:
        config += f"failure-threshold: {threshold}\n"
    result = lint_with(tmp_path, config, dockerfile)
    assert result.exit_code == code
    assert result.stdout and result.stderr == ""


def test_no_fail(tmp_path):
    assert lint_with(tmp_path, "no-fail: false\n", UNTAGGED).exit_code == 1
    result = lint_with(tmp_path, "no-fail: true\n", UNTAGGED)
    assert (found(result), result.exit_code) == ([("DK305", "warning")], 0)
    # no-fail wins over failure-threshold, in either order
    for config in ("no-fail: true\nfailure-threshold: info\n",
                   "failure-threshold: info\nno-fail: true\n"):
        assert lint_with(tmp_path, config, UNTAGGED).exit_code == 0


def test_disable_ignore_pragma(tmp_path):
    text = "# hadolint ignore=DL3006\nFROM debian\nUSER 1000\n"
    assert found(lint_with(tmp_path, "disable-ignore-pragma: false\n", text)) == []
    assert found(lint_with(tmp_path, "disable-ignore-pragma: true\n", text)) == \
        [("DK305", "warning")]


def test_output_options_are_accepted(tmp_path):
    # docklint's colours follow the terminal, NO_COLOR and --no-color; verbose has no docklint
    # equivalent: accepted without a word
    result = lint_with(tmp_path, "no-color: true\nverbose: true\n", UNTAGGED)
    assert (found(result), result.exit_code, result.stderr) == ([("DK305", "warning")], 1, "")
    # the output format comes from the command line: said once, not applied
    result = lint_with(tmp_path, "ignored: []\nformat: json\n", UNTAGGED)
    assert (found(result), result.exit_code) == ([("DK305", "warning")], 1)
    assert result.stderr == (f"docklint: {tmp_path / '.hadolint.yaml'}:2: note: format: docklint "
                             "takes the output format from the command line (--format), not "
                             "from a configuration file: not applied\n")


# ---------------------------------------------------------------------------------------------
# unknown keys and wrong types: a warning, the key left out, the run unchanged

def test_unknown_key_is_a_warning_and_the_exit_code_is_unchanged(tmp_path):
    base = lint_with(tmp_path, "ignored: [DL3008]\n", UNTAGGED)
    result = lint_with(tmp_path, "ignored: [DL3008]\n\nshellcheck-path: /x\n", UNTAGGED)
    assert (result.stdout, result.exit_code) == (base.stdout, base.exit_code) == \
        (base.stdout, 1)
    assert result.stderr == (f"docklint: {tmp_path / '.hadolint.yaml'}:3: warning: unknown "
                             "hadolint key 'shellcheck-path': ignored, as hadolint ignores it\n")
    # and with nothing to report, still 0
    result = lint_with(tmp_path, "nope: 1\n", CLEAN)
    assert (result.stdout, result.exit_code) == ("", 0)
    assert "warning: unknown hadolint key 'nope'" in result.stderr


def test_docklint_spellings_are_unknown_in_a_hadolint_file(tmp_path):
    # `ignore` is docklint's key; in a hadolint file it is unknown (hadolint ignores it)
    result = lint_with(tmp_path, "ignore: [DL3006]\n", UNTAGGED)
    assert (found(result), result.exit_code) == ([("DK305", "warning")], 1)
    assert f"{tmp_path / '.hadolint.yaml'}:1: warning: unknown hadolint key 'ignore'" in \
        result.stderr


def test_the_warning_is_said_once_for_many_files(tmp_path):
    write(tmp_path / ".hadolint.yaml", "nope: 1\n")
    for d in "abc":
        write(tmp_path / d / "Dockerfile", UNTAGGED)
    result = run(tmp_path, ".")
    assert result.exit_code == 1
    assert len(result.stdout.splitlines()) == 3
    assert result.stderr.count("unknown hadolint key 'nope'") == 1


@pytest.mark.parametrize("line, key, problem", [
    ("ignored: 5", "ignored", "expected a list of rule codes"),
    ("ignored: [DL3008, 5]", "ignored", "expected a list of rule codes"),
    ("override: [DL3006]", "override", "expected a mapping of severity"),
    ("trustedRegistries: {a: b}", "trustedRegistries", "expected a list of strings"),
    ("label-schema: [author]", "label-schema", "expected a mapping"),
    ("strict-labels: 'yes'", "strict-labels", "expected true or false"),
    ("failure-threshold: bogus", "failure-threshold",
     "expected one of error, warning, info, style, ignore, none"),
    ("failure-threshold: 3", "failure-threshold", "expected one of error"),
    ("no-fail: 1", "no-fail", "expected true or false"),
    ("disable-ignore-pragma: 'true'", "disable-ignore-pragma", "expected true or false"),
    ("format: xml", "format", "expected one of tty, json"),
    ("no-color: 'no'", "no-color", "expected true or false"),
    ("verbose: [1]", "verbose", "expected true or false"),
])
def test_a_wrong_type_is_a_warning_and_the_key_is_left_out(tmp_path, line, key, problem):
    head = "# hadolint's settings\n# (one of them wrong)\n"
    base = lint_with(tmp_path, head, UNTAGGED)
    result = lint_with(tmp_path, f"{head}{line}\n", UNTAGGED)
    assert (result.stdout, result.exit_code) == (base.stdout, 1)
    assert found(result) == [("DK305", "warning")]
    prefix = f"docklint: {tmp_path / '.hadolint.yaml'}:3: warning: {key}: "
    [message] = result.stderr.splitlines()
    assert message.startswith(prefix + problem) and message.endswith("; ignored")


def test_nested_keys_are_named_with_their_line(tmp_path):
    config = ("override:\n  error: [DL3006]\n  warn: [DL3007]\n  info: 5\n"
              "label-schema:\n  author: text\n  ver: version\n")
    result = lint_with(tmp_path, config, UNTAGGED)
    # the rest of the file applies
    assert (found(result), result.exit_code) == ([("DK607", "info"), ("DK305", "error")], 1)
    path = tmp_path / ".hadolint.yaml"
    assert result.stderr.splitlines() == [
        f"docklint: {path}:3: warning: override.warn: not one of hadolint's severities (error, "
        "warning, info, style); ignored, as hadolint ignores it",
        f"docklint: {path}:4: warning: override.info: expected a list of rule codes; ignored",
        f"docklint: {path}:7: warning: label-schema.ver: type 'version' is not one of "
        "hadolint's label types (text, url, rfc3339, spdx, hash, semver, email); checked as "
        "text (only its presence and emptiness)"]


def test_hadolint_to_docklint_never_raises_on_wrong_types():
    mapped = cfg.hadolint_to_docklint({"ignored": 5, "override": "x", "no-fail": "yes",
                                       "failure-threshold": None, "nope": 1})
    assert mapped == {"select": ["default", "hadolint"],
                      "rules": {"DK440": {"off-by-default": []}, "DK603": {"healthcheck": True}}}


def test_a_symlinked_hadolint_file_is_not_quoted(tmp_path):
    write(tmp_path / "real.yaml", "s3cr3t-key: 1\noverride:\n  hunter2: [DL3006]\n")
    os.symlink(tmp_path / "real.yaml", tmp_path / ".hadolint.yaml")
    write(tmp_path / "Dockerfile", UNTAGGED)
    result = run(tmp_path, "Dockerfile")
    assert result.exit_code == 1
    assert "s3cr3t" not in result.stderr and "hunter2" not in result.stderr
    assert ":1: warning: unknown hadolint key (not shown): ignored" in result.stderr
    assert ":3: warning: override.<key>: not one of hadolint's severities" in result.stderr


# ---------------------------------------------------------------------------------------------
# a file that cannot be read at all; docklint's own configuration stays strict

def test_broken_yaml_is_a_configuration_error_that_spares_other_directories(tmp_path):
    # hadolint refuses invalid YAML too: exit 2 with file:line:column; the files under it are
    # not linted, every other file is
    config = write(tmp_path / "b" / ".hadolint.yaml", "ignored: [DL3006\n")
    write(tmp_path / "a" / "Dockerfile", UNTAGGED)
    write(tmp_path / "b" / "Dockerfile", UNTAGGED)
    result = run(tmp_path, ".")
    assert result.exit_code == 2
    assert [line.split(":")[0] for line in result.stdout.splitlines()] == ["./a/Dockerfile"]
    assert result.stderr.splitlines() == [
        f"docklint: {config}:2:1: invalid YAML: while parsing a flow sequence, expected ',' or "
        "']', but got '<stream end>'",
        f"docklint: ./b/Dockerfile: not linted: configuration error in {config}"]


def test_a_hadolint_file_that_is_not_a_mapping_is_an_error(tmp_path):
    result = lint_with(tmp_path, "- DL3006\n", UNTAGGED)
    assert result.exit_code == 2
    assert f"{tmp_path / '.hadolint.yaml'}:1: the configuration must be a mapping" in \
        result.stderr


def test_an_empty_hadolint_file_is_hadolints_defaults(tmp_path):
    result = lint_with(tmp_path, "", UNTAGGED)
    assert (found(result), result.exit_code, result.stderr) == ([("DK305", "warning")], 1, "")


def test_docklint_configuration_stays_strict(tmp_path):
    write(tmp_path / ".docklint.yaml", "ignore: [DL3006]\nnope: 1\n")
    write(tmp_path / "Dockerfile", UNTAGGED)
    result = run(tmp_path, "Dockerfile")
    assert result.exit_code == 2
    assert f"{tmp_path / '.docklint.yaml'}:2: unknown key 'nope'" in result.stderr


# ---------------------------------------------------------------------------------------------
# `# hadolint ignore=crazy,DL3002`

def test_hadolint_pragma_with_an_unknown_name_still_applies_the_rest():
    text = "FROM alpine:3.20\n# hadolint ignore=crazy,DL3002\nUSER root\n"
    got = [(f.code, f.line, f.message) for f in lint_text(text).findings]
    assert got == [("DK001", 2, "crazy is not a hadolint rule docklint knows")]
    # without the valid name nothing is silenced
    got = [(f.code, f.line) for f in lint_text(text.replace(",DL3002", "")).findings]
    assert got == [("DK001", 2), ("DK106", 3)]


# ---------------------------------------------------------------------------------------------
# `# check=experimental=`

DESCRIBED_BADLY = ("# The Go version\nARG GO=1.22\n"
                   "# Builds it\nFROM golang:${GO} AS build\nRUN true\n"
                   "FROM scratch\nCOPY --from=build /go /go\nUSER 10001\n")


def dk623(text: str, **settings) -> list[int]:
    return [f.line for f in lint_text(text, settings=Settings(**settings)).findings
            if f.code == "DK623"]


def test_dk623_is_off_by_default():
    assert dk623(DESCRIBED_BADLY) == []
    assert dk623(DESCRIBED_BADLY, select=["DK623"]) == [2, 4]


@pytest.mark.parametrize("directive", [
    "experimental=InvalidDefinitionDescription", "experimental=all",
    "skip=all;experimental=InvalidDefinitionDescription", "skip=all;experimental=all",
    "error=true;experimental=all",
    # skip= never reaches an experimental check (and is reported: DK001)
    "skip=InvalidDefinitionDescription;experimental=InvalidDefinitionDescription",
    "experimental=InvalidDefinitionDescription // a reason after a space",
])
def test_check_experimental_turns_it_on(directive):
    text = f"# check={directive}\n" + DESCRIBED_BADLY
    assert dk623(text) == [3, 5]


@pytest.mark.parametrize("directive", [
    "skip=all", "experimental=UndefinedVar", "experimental=invaliddefinitiondescription",
    "error=true", "skip=all experimental=all",
])
def test_check_without_experimental_leaves_it_off(directive):
    assert dk623(f"# check={directive}\n" + DESCRIBED_BADLY) == []


def test_skip_all_with_experimental_still_skips_the_others():
    text = "# check=skip=all;experimental=all\n" + DESCRIBED_BADLY.replace("AS build",
                                                                           "AS Build")
    codes = {f.code for f in lint_text(text).findings}
    assert "DK623" in codes and "DK901" not in codes           # StageNameCasing skipped
    assert "DK901" in {f.code for f in lint_text(DESCRIBED_BADLY.replace("AS build",
                                                                         "AS Build")).findings}


def test_the_build_arg_replaces_the_directive():
    text = "# check=experimental=all\n" + DESCRIBED_BADLY
    check = "BUILDKIT_DOCKERFILE_CHECK"
    assert dk623(text, build_args={check: "skip=all"}) == []
    assert dk623(DESCRIBED_BADLY, build_args={check: "experimental=all"}) == [2, 4]


def test_a_check_comment_above_one_instruction_turns_it_on_there_only():
    text = ("# The Go version\nARG GO=1.22\n"
            "# check=experimental=InvalidDefinitionDescription\n# Builds it\n"
            "FROM golang:${GO} AS build\nRUN true\n")
    assert dk623(text) == [5]
    # the check comment is itself read as the description when it is the last line
    text = ("ARG GO=1.22\n# build compiles it\n"
            "# check=experimental=InvalidDefinitionDescription\n"
            "FROM golang:${GO} AS build\n")
    assert dk623(text) == [4]
    assert dk623(text.replace("# build compiles it\n# check=experimental=InvalidDefinition"
                              "Description\n",
                              "# check=experimental=InvalidDefinitionDescription\n"
                              "# build compiles it\n")) == []


@pytest.mark.parametrize("settings, on", [
    ({}, True),
    ({"select": ["default"]}, True),
    ({"select": ["default", "hadolint"]}, True),            # what a .hadolint.yaml selects
    ({"select": ["DK305"]}, False),                         # an explicit selection decides
    ({"ignore": ["DK623"]}, False),
    ({"ignore": ["InvalidDefinitionDescription"]}, False),
    ({"select": ["DK623"]}, True),
])
def test_the_configuration_decides_first(settings, on):
    text = "# check=experimental=all\n" + DESCRIBED_BADLY
    assert dk623(text, **settings) == ([3, 5] if on else [])


def test_check_experimental_in_the_cli_with_a_hadolint_file(tmp_path):
    result = lint_with(tmp_path, "ignored: []\n",
                       "# check=experimental=InvalidDefinitionDescription\n" + DESCRIBED_BADLY)
    assert [c for c, _ in found(result)].count("DK623") == 2
    result = lint_with(tmp_path, "ignored: [InvalidDefinitionDescription]\n",
                       "# check=experimental=InvalidDefinitionDescription\n" + DESCRIBED_BADLY)
    assert "DK623" not in dict(found(result))


@pytest.mark.parametrize("where", ["earlier", "later"])
def test_hadolint_pragma_where_hadolint_reports_a_repeated_cmd(where):
    # hadolint reports DL4003 at the second CMD, docklint (as BuildKit) at the overridden first
    # one: `# hadolint ignore=DL4003` above either silences it, so a migrated file stays clean
    pragma = "# hadolint ignore=DL4003\n"
    text = ("FROM alpine:3.20\n" + (pragma if where == "earlier" else "") + 'CMD ["a"]\n'
            "RUN true\n" + (pragma if where == "later" else "") + 'CMD ["b"]\n')
    plain = text.replace(pragma, "")
    assert [f.code for f in lint_text(plain, settings=Settings(select=["DK602"])).findings] \
        == ["DK602"]
    assert lint_text(text, settings=Settings(select=["DK602", "DK002"])).findings == []


def test_a_docklint_pragma_goes_where_docklint_reports():
    text = 'FROM alpine:3.20\nCMD ["a"]\n# docklint ignore=DK602\nCMD ["b"]\n'
    assert [f.code for f in lint_text(text, settings=Settings(select=["DK602"])).findings] \
        == ["DK602"]


def test_a_hadolint_configuration_reports_shell_form_healthcheck_as_dl3025(tmp_path):
    text = "FROM alpine:3.20\nUSER 1000\nHEALTHCHECK CMD wget -q localhost\nCMD [\"app\"]\n"
    assert "DK603" not in dict(found(lint_with(tmp_path, None, text)))
    assert dict(found(lint_with(tmp_path, "ignored: []\n", text)))["DK603"] == "info"
