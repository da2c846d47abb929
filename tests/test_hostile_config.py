"""Hostile configuration files (issue 12): a pull request decides what ``.docklint.yaml``,
``pyproject.toml``, ``.hadolint.yaml`` and their ``extends`` targets hold, so reading them is
bounded in memory and time, never crashes, never quotes a file it should not, and a broken one
costs only the files under it.

The memory-bound and hang cases run the CLI in a subprocess under ``RLIMIT_AS`` and a timeout
(a hang guard, not a timing assertion)."""

from __future__ import annotations

import os
import resource
import subprocess
import sys

import pytest

from docklint import config as cfg
from docklint import registry

from .conftest import write

GB = 1024 ** 3
DOCKERFILE = "FROM debian:12\n"


pytestmark = pytest.mark.usefixtures("fresh_config")



def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (GB, GB))


def docklint(*args: str, cwd, timeout: float = 60) -> subprocess.CompletedProcess:
    """The CLI in a subprocess limited to 1 GB of address space."""
    env = {**os.environ, "HOME": str(cwd), "XDG_CONFIG_HOME": str(cwd / ".config"),
           "NO_COLOR": "1"}
    env.pop("DOCKLINT_DEBUG", None)
    return subprocess.run([sys.executable, "-m", "docklint", "--no-shellcheck", *args],
                          cwd=cwd, capture_output=True, text=True, timeout=timeout, env=env,
                          preexec_fn=_limit_memory)


def not_linted(dockerfile, config) -> str:
    return f"docklint: {dockerfile}: not linted: configuration error in {config}"


# ---------------------------------------------------------------------------------------------
# billion laughs: aliases are counted as expanded, before anything is built

def _laughs(levels: int = 9) -> str:
    """``known-vars`` holding 10**levels strings through nested aliases (a few hundred bytes)."""
    items = ['&a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, levels):
        items.append(f"&a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]")
    return "rules:\n  DK209:\n    known-vars: [" + ", ".join(items) + "]\n"


def test_billion_laughs_in_a_rule_option_is_refused_in_bounded_memory(tmp_path):
    config = write(tmp_path / ".docklint.yaml", _laughs())
    write(tmp_path / "Dockerfile", "FROM debian:12\nRUN echo $FOO\n")
    proc = docklint("Dockerfile", cwd=tmp_path, timeout=60)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.splitlines() == [
        f"docklint: {config}:1: rules: more than 100000 values (each use of a YAML alias "
        "counts)",
        not_linted("Dockerfile", config)]


def test_merge_key_laughs_are_refused_too(tmp_path):
    # `<<:` merges are flattened by the YAML library itself: the budget runs before that
    lines = ["a0: &a0 {k0: x, k1: x, k2: x, k3: x, k4: x, k5: x, k6: x, k7: x, k8: x, k9: x}"]
    for i in range(1, 9):
        lines.append(f"a{i}: &a{i} {{<<: [" + ", ".join([f"*a{i - 1}"] * 10) + "]}")
    config = write(tmp_path / ".docklint.yaml", "\n".join(lines) + "\n")
    write(tmp_path / "Dockerfile", DOCKERFILE)
    proc = docklint("Dockerfile", cwd=tmp_path, timeout=60)
    assert proc.returncode == 2
    assert proc.stderr.splitlines()[0].startswith(f"docklint: {config}:")
    assert "more than 100000 values (each use of a YAML alias counts)" in proc.stderr


def test_an_alias_is_counted_each_time_it_is_used(tmp_path):
    # 11 uses of a 10,000-entry list: fine once (10,000 entries), over the budget as 110,000
    one = "[" + ", ".join(["x"] * 10_000) + "]"
    path = write(tmp_path / "ok.yaml", f"rules:\n  DK209:\n    known-vars: &v {one}\n")
    assert len(cfg.load(str(path)).values["rules"]["DK209"]["known-vars"]) == 10_000
    uses = ", ".join(["*v"] * 11)
    path = write(tmp_path / "bad.yaml", f"build-args: {{A: &v {one}}}\nexclude: [{uses}]\n")
    with pytest.raises(cfg.ConfigError) as err:
        cfg.load(str(path))
    assert str(err.value) == (f"{path}:2: exclude: more than 100000 values (each use of a YAML "
                              "alias counts)")


def test_text_is_counted_after_alias_expansion(tmp_path):
    big = "x" * 200_000
    path = write(tmp_path / "c.yaml", f"target: &t {big}\nexclude: [*t, *t, *t, *t, *t, *t]\n")
    with pytest.raises(cfg.ConfigError) as err:
        cfg.load(str(path))
    assert str(err.value) == (f"{path}:2: exclude: more than 1048576 characters of text (each "
                              "use of a YAML alias counts)")


def test_a_list_valued_option_holds_strings_only(tmp_path):
    path = write(tmp_path / "c.yaml", "rules:\n  DK209:\n    known-vars: [[A, B], C]\n")
    with pytest.raises(cfg.ConfigError) as err:
        cfg.load(str(path))
    assert str(err.value) == f"{path}:1: rules: DK209.known-vars: expected a list of strings"


def test_aliases_within_the_budget_still_work(tmp_path):
    path = write(tmp_path / "c.yaml", "trusted-registries: &r [registry.example.com]\n"
                                      "rules:\n  DK209:\n    known-vars: *r\n")
    values = cfg.load(str(path)).values
    assert values["rules"]["DK209"]["known-vars"] == ["registry.example.com"]


# ---------------------------------------------------------------------------------------------
# a huge `select` list

def test_a_600_kb_select_list_is_refused_quickly(tmp_path):
    selectors = ", ".join(["DK1"] * 120_000)               # 600 KB
    config = write(tmp_path / ".docklint.yaml", f"select: [{selectors}]\n")
    assert config.stat().st_size > 600_000
    write(tmp_path / "Dockerfile", DOCKERFILE)
    proc = docklint("Dockerfile", cwd=tmp_path, timeout=20)      # a hang guard
    assert proc.returncode == 2
    assert proc.stderr.splitlines() == [
        f"docklint: {config}:1: select: 120000 entries in one list or mapping, over the "
        "10000-entry limit",
        not_linted("Dockerfile", config)]


def test_a_long_select_list_within_the_limit_resolves_once_per_selector(tmp_path):
    selectors = ["DK1", "default", "runtime", "DK101", "hadolint"] * 1_900
    path = write(tmp_path / "c.yaml", "select: [" + ", ".join(selectors) + "]\n")
    assert cfg.load(str(path)).values["select"] == ["DK1", "default", "runtime", "DK101",
                                                    "hadolint"]
    calls = []
    index = registry._index()
    real = registry._resolve

    def counting(index_, key, selector):
        calls.append(key)
        return real(index_, key, selector)

    index.resolved.clear()
    try:
        registry._resolve = counting
        for s in selectors:
            registry.resolve(s)
    finally:
        registry._resolve = real
    assert sorted(calls) == sorted({s.lower() for s in selectors})


def test_resolving_from_tables_gives_what_scanning_the_rules_gives():
    rules = registry.all_rules()
    for r in rules[:40]:
        for prefix in (r.code[:3], r.code[:4], r.code[:5]):
            assert [x.code for x in registry.resolve(prefix)] == \
                [x.code for x in rules if x.code.lower().startswith(prefix.lower())]
        for tag in r.tags:
            if tag.lower() not in {x.slug for x in rules} and tag.lower() not in \
                    ("all", "default", "hadolint"):
                assert registry.resolve(tag) == [x for x in rules if tag in x.tags]
    assert registry.resolve("ALL") == list(rules)
    assert registry.resolve("dk") == list(rules)
    assert registry.resolve("default") == [r for r in rules if r.default_enabled]
    with pytest.raises(registry.UnknownRule, match="unknown rule 'NOPE1'"):
        registry.resolve("NOPE1")


# ---------------------------------------------------------------------------------------------
# deep nesting

@pytest.mark.parametrize("name, text", [
    (".docklint.yaml", "select: " + "[" * 5000 + "]" * 5000 + "\n"),
    (".docklint.yaml", "select:\n" + "- " * 3000 + "x\n"),
    ("pyproject.toml", "[tool.docklint]\nselect = " + "[" * 5000 + "]" * 5000 + "\n"),
    ("pyproject.toml", "[tool.docklint]\nselect = " + "[" * 200 + "]" * 200 + "\n"),
    (".docklint.yaml", "rules: " + "{a: " * 100 + "1" + "}" * 100 + "\n"),
])
def test_deep_nesting_is_named_not_a_crash(tmp_path, name, text):
    config = write(tmp_path / name, text)
    write(tmp_path / "Dockerfile", DOCKERFILE)
    proc = docklint("Dockerfile", cwd=tmp_path, timeout=60)
    assert proc.returncode == 2
    assert proc.stderr.splitlines() == [
        f"docklint: {config}: configuration nested too deeply (more than 32 levels)",
        not_linted("Dockerfile", config)]


# ---------------------------------------------------------------------------------------------
# extends: never the target's content; a directory is a directory

SECRET = "root:$6$s3cr3tHashThatMustNotLeak:19000:0:99999:7:::"


@pytest.mark.parametrize("shadow", [
    f"{SECRET}\ndaemon:*:19000:0:99999:7:::\n",               # a mapping key: "unknown key"
    f"{SECRET}: [\n",                                          # invalid YAML
    f"{SECRET}\n",                                             # a scalar
    f"select: [{SECRET}]\n",                                   # an unknown rule
    f"rules:\n  DK209:\n    {SECRET}: 1\n",                    # an unknown option
    f"severity: {{DK101: {SECRET}}}\n",                        # a bad value
    f"a: *{SECRET.split(':')[0]}x\n",                          # an undefined alias
    f"extends: /{SECRET}\n",                                   # a path in the target
    f"{SECRET}\n\t\n",                                         # a tab
])
def test_extends_never_prints_the_targets_content(tmp_path, shadow):
    target = write(tmp_path / "etc" / "shadow", shadow)
    config = write(tmp_path / "repo" / ".docklint.yaml", f"extends: {target}\n")
    write(tmp_path / "repo" / "Dockerfile", DOCKERFILE)
    proc = docklint("Dockerfile", cwd=tmp_path / "repo", timeout=60)
    assert proc.returncode == 2
    assert "s3cr3t" not in proc.stderr + proc.stdout
    lines = proc.stderr.splitlines()
    assert lines[0].startswith(f"docklint: {target}")
    assert lines[0].endswith(f"(extended from {config}:1)")
    assert lines[1:] == [not_linted("Dockerfile", config)]


def test_extends_error_keeps_file_line_and_what_is_wrong(tmp_path):
    target = write(tmp_path / "shadow", f"{SECRET}\ndaemon:*:19000:0:99999:7:::\n")
    config = write(tmp_path / ".docklint.yaml", f"extends: {target}\n")
    with pytest.raises(cfg.ConfigError) as err:
        cfg.load(str(config))
    assert str(err.value) == (f"{target}:1: unknown key (not shown: the file is an extends "
                              f"target) (extended from {config}:1)")


def test_the_same_file_named_directly_is_quoted(tmp_path):
    config = write(tmp_path / ".docklint.yaml", "selct: [DK101]\n")
    with pytest.raises(cfg.ConfigError) as err:
        cfg.load(str(config))
    assert str(err.value) == f"{config}:1: unknown key 'selct' (did you mean 'select'?)"


def test_a_configuration_reached_through_a_symlink_is_not_quoted(tmp_path):
    target = write(tmp_path / "elsewhere" / "secret.txt", f"{SECRET}\n")
    (tmp_path / "repo").mkdir()
    os.symlink(target, tmp_path / "repo" / ".docklint.yaml")
    write(tmp_path / "repo" / "Dockerfile", DOCKERFILE)
    proc = docklint("Dockerfile", cwd=tmp_path / "repo", timeout=60)
    config = tmp_path / "repo" / ".docklint.yaml"
    assert proc.returncode == 2
    assert "s3cr3t" not in proc.stderr
    assert proc.stderr.splitlines() == [
        f"docklint: {config}:1: unknown key (not shown: the file is reached through a symlink)",
        not_linted("Dockerfile", config)]


def test_extends_a_directory_says_so(tmp_path):
    (tmp_path / "base").mkdir()
    config = write(tmp_path / ".docklint.yaml", "extends: base\n")
    write(tmp_path / "Dockerfile", DOCKERFILE)
    proc = docklint("Dockerfile", cwd=tmp_path, timeout=60)
    assert proc.returncode == 2
    assert proc.stderr.splitlines() == [
        f"docklint: {config}:1: extends 'base': {tmp_path / 'base'}: is a directory",
        not_linted("Dockerfile", config)]


def test_extends_a_device_or_a_fifo_is_refused_unread(tmp_path):
    os.mkfifo(tmp_path / "pipe.yaml")
    config = write(tmp_path / ".docklint.yaml", "extends: [pipe.yaml, /dev/zero]\n")
    with pytest.raises(cfg.ConfigError) as err:
        cfg.load(str(config))
    assert str(err.value) == (f"{config}:1: extends 'pipe.yaml': {tmp_path / 'pipe.yaml'}: not "
                              "a regular file (a FIFO)")
    write(config, "extends: /dev/zero\n")
    with pytest.raises(cfg.ConfigError) as err:
        cfg.load(str(config))
    assert str(err.value) == (f"{config}:1: extends '/dev/zero': /dev/zero: not a regular file "
                              "(a device)")


def test_extends_a_missing_file(tmp_path):
    config = write(tmp_path / ".docklint.yaml", "extends: nowhere.yaml\n")
    with pytest.raises(cfg.ConfigError) as err:
        cfg.load(str(config))
    assert str(err.value) == (f"{config}:1: extends 'nowhere.yaml': no such file and no such "
                              "preset (presets: recommended, strict)")


def test_a_configuration_over_the_size_limit(tmp_path):
    config = write(tmp_path / ".docklint.yaml", "# " + "x" * (1024 * 1024) + "\n")
    with pytest.raises(cfg.ConfigError) as err:
        cfg.load(str(config))
    assert str(err.value) == (f"{config}: configuration file is {1024 * 1024 + 3} bytes, over "
                              "the 1048576-byte limit")


def test_a_fifo_in_place_of_the_configuration_is_an_error_not_a_hang(tmp_path):
    os.mkfifo(tmp_path / ".docklint.yaml")
    write(tmp_path / "Dockerfile", DOCKERFILE)
    proc = docklint("Dockerfile", cwd=tmp_path, timeout=30)
    config = tmp_path / ".docklint.yaml"
    assert proc.returncode == 2
    assert proc.stderr.splitlines() == [
        f"docklint: {config}: not a regular file (a FIFO)", not_linted("Dockerfile", config)]


# ---------------------------------------------------------------------------------------------
# every YAML/TOML error names the file, the line and the column

@pytest.mark.parametrize("text, message", [
    ("a: &x 1\nb: &x 2\n", "2:4: invalid YAML: found duplicate anchor 'x' (first defined at "
                           "line 1)"),
    ("a: 1\n---\nb: 2\n", "2:1: invalid YAML: expected a single document in the stream, but "
                          "found another document"),
    ("select: *nope\n", "1:9: invalid YAML: found undefined alias 'nope'"),
    ("select: [DK101\n", "2:1: invalid YAML: while parsing a flow sequence, expected ',' or "
                         "']', but got '<stream end>'"),
    ("select: [DK101]\ntarget: a\x01\n", "2:10: invalid YAML: special characters are not "
                                         "allowed (character #x0001)"),
])
def test_yaml_errors_name_file_line_and_column(tmp_path, text, message):
    config = write(tmp_path / ".docklint.yaml", text)
    with pytest.raises(cfg.ConfigError) as err:
        cfg.load(str(config))
    assert str(err.value) == f"{config}:{message}"


def test_a_duplicate_anchor_on_the_command_line(tmp_path):
    config = write(tmp_path / ".docklint.yaml", "a: &x 1\nb: &x 2\n")
    write(tmp_path / "Dockerfile", DOCKERFILE)
    proc = docklint("Dockerfile", cwd=tmp_path, timeout=60)
    assert proc.returncode == 2
    assert proc.stderr.splitlines() == [
        f"docklint: {config}:2:4: invalid YAML: found duplicate anchor 'x' (first defined at "
        "line 1)",
        not_linted("Dockerfile", config)]


@pytest.mark.parametrize("text, message", [
    ("[tool.docklint]\nselect = [\n", "3:1: invalid TOML: Invalid value"),
    ("[tool.docklint]\nselect = 1\nselect = 2\n", "3:11: invalid TOML: Cannot overwrite a "
                                                  "value"),
])
def test_toml_errors_name_file_line_and_column(tmp_path, text, message):
    config = write(tmp_path / "pyproject.toml", text)
    with pytest.raises(cfg.ConfigError) as err:
        cfg.load(str(config))
    assert str(err.value) == f"{config}:{message}"


def test_not_utf8_names_the_line(tmp_path):
    config = tmp_path / ".docklint.yaml"
    config.write_bytes(b"select: [DK101]\ntarget: \xff\n")
    with pytest.raises(cfg.ConfigError) as err:
        cfg.load(str(config))
    assert str(err.value) == f"{config}:2: not UTF-8 text"


# ---------------------------------------------------------------------------------------------
# a broken configuration costs only the files under it

BAD_BASE = "FROM debian\n"          # DK305: no tag


@pytest.mark.parametrize("name, text, message", [
    (".docklint.yaml", "select: 5\n",
     "1: select: expected a list of strings (or a comma-separated string)"),
    # an unknown hadolint key is only a warning (tests/test_hadolint_compat.py); YAML that
    # cannot be read is an error
    (".hadolint.yaml", "ignored: [DL3008]\nnope: [1\n",
     "3:1: invalid YAML: while parsing a flow sequence, expected ',' or ']', but got "
     "'<stream end>'"),
])
def test_a_broken_configuration_in_one_directory(tmp_path, name, text, message):
    write(tmp_path / "a" / "Dockerfile", BAD_BASE)
    write(tmp_path / "b" / "Dockerfile", BAD_BASE)
    write(tmp_path / "b" / "c" / "Dockerfile", BAD_BASE)
    write(tmp_path / "d" / "Dockerfile", BAD_BASE)
    config = write(tmp_path / "b" / name, text)
    proc = docklint("--format", "gnu", ".", cwd=tmp_path, timeout=60)
    assert proc.returncode == 2
    assert [line.split(":")[0] for line in proc.stdout.splitlines()] == \
        ["./a/Dockerfile", "./d/Dockerfile"]
    assert all(line.endswith("[DK305]") for line in proc.stdout.splitlines())
    assert proc.stderr.splitlines() == [
        f"docklint: {config}:{message}",                  # once, for two files
        not_linted("./b/Dockerfile", config),
        not_linted("./b/c/Dockerfile", config)]


def test_a_broken_configuration_is_in_the_sarif_report(tmp_path):
    import json
    write(tmp_path / "a" / "Dockerfile", BAD_BASE)
    write(tmp_path / "b" / "Dockerfile", BAD_BASE)
    config = write(tmp_path / "b" / ".docklint.yaml", "select: 5\n")
    proc = docklint("--format", "sarif", ".", cwd=tmp_path, timeout=60)
    assert proc.returncode == 2
    run = json.loads(proc.stdout)["runs"][0]
    assert {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            for r in run["results"]} == {"a/Dockerfile"}
    invocation = run["invocations"][0]
    assert invocation["executionSuccessful"] is False
    assert [n["message"]["text"] for n in invocation["toolExecutionNotifications"]] == [
        f"./b/Dockerfile: not linted: configuration error in {config}"]


def test_a_broken_explicit_config_stops_the_run(tmp_path):
    write(tmp_path / "Dockerfile", BAD_BASE)
    config = write(tmp_path / "conf.yaml", "select: 5\n")
    proc = docklint("--config", "conf.yaml", "Dockerfile", cwd=tmp_path, timeout=60)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.splitlines() == [
        f"docklint: {config}:1: select: expected a list of strings (or a comma-separated "
        "string)"]


def test_config_option_naming_a_fifo(tmp_path):
    write(tmp_path / "Dockerfile", BAD_BASE)
    os.mkfifo(tmp_path / "conf")
    proc = docklint("--config", "conf", "Dockerfile", cwd=tmp_path, timeout=60)
    assert proc.returncode == 2
    assert proc.stderr.splitlines() == ["docklint: --config: conf: not a regular file"]


def test_a_broken_configuration_is_read_once(tmp_path, monkeypatch):
    config = write(tmp_path / ".docklint.yaml", "select: 5\n")
    reads = []
    real = cfg._read
    monkeypatch.setattr(cfg, "_read", lambda path: reads.append(path) or real(path))
    for _ in range(3):
        with pytest.raises(cfg.ConfigError) as err:
            cfg.config_for(str(tmp_path / "Dockerfile"), explicit=None, isolated=False)
        assert err.value.config == str(config)
    assert reads == [str(config)]


def test_a_configuration_that_leaves_no_rule_costs_only_its_files(tmp_path):
    write(tmp_path / "a" / "Dockerfile", BAD_BASE)
    write(tmp_path / "b" / "Dockerfile", BAD_BASE)
    config = write(tmp_path / "b" / ".docklint.yaml", "select: [DK305]\nignore: [DK305]\n")
    proc = docklint("--format", "gnu", ".", cwd=tmp_path, timeout=60)
    assert proc.returncode == 2
    assert [line.split(":")[0] for line in proc.stdout.splitlines()] == ["./a/Dockerfile"]
    assert proc.stderr.splitlines() == [
        f"docklint: {config}: no rules left to run: the selection and the ignores cancel out",
        not_linted("./b/Dockerfile", config)]
