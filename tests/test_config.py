"""Configuration: discovery, validation with locations, extends and presets, hadolint migration,
per-file ignores, exclude, and the command line's precedence."""

from __future__ import annotations

import json
import os
import sys

import pytest
from click.testing import CliRunner

from docklint import config as cfg
from docklint.cli import config_cmd, lint

from .conftest import write

HEAVY = ("FROM golang:1.22 AS build\nRUN CGO_ENABLED=0 go build -o /out/app .\n"
         "FROM golang:1.22\nCOPY --from=build /out/app /app\nENTRYPOINT [\"/app\"]\n")


pytestmark = pytest.mark.usefixtures("fresh_config")



def run(*args, cwd=None):
    runner = CliRunner()
    old = os.getcwd()
    try:
        if cwd:
            os.chdir(cwd)
        return runner.invoke(lint, list(args), catch_exceptions=False)
    finally:
        os.chdir(old)


def codes(output: str) -> list[str]:
    return [line.split()[1] for line in output.splitlines() if ": DK" in line and "[" in line]


def test_nearest_config_wins(tmp_path):
    write(tmp_path / ".docklint.yaml", "select: [DK301, DK110]\n")
    write(tmp_path / "svc" / ".docklint.yml", "select: [DK110]\n")
    write(tmp_path / "svc" / "deep" / "Dockerfile", HEAVY)
    write(tmp_path / "other" / "Dockerfile", HEAVY)
    assert cfg.find(str(tmp_path / "svc" / "deep")) == str(tmp_path / "svc" / ".docklint.yml")
    result = run("--format", "gnu", str(tmp_path / "svc" / "deep" / "Dockerfile"),
                 str(tmp_path / "other" / "Dockerfile"))
    lines = result.output.splitlines()
    assert [ln.rsplit("[", 1)[1] for ln in lines if "deep" in ln] == ["DK110]"]
    assert sorted(ln.rsplit("[", 1)[1] for ln in lines if "other" in ln) == ["DK110]", "DK301]"]


def test_pyproject_table(tmp_path):
    write(tmp_path / "pyproject.toml", '[project]\nname = "x"\n\n[tool.docklint]\n'
                                       'select = ["DK301"]\nfail-on = "error"\n')
    write(tmp_path / "Dockerfile", HEAVY)
    result = run("--format", "gnu", str(tmp_path / "Dockerfile"))
    assert result.exit_code == 0                    # DK301 is a warning, fail-on is error
    assert "[DK301]" in result.output


def test_pyproject_without_table_is_not_a_config(tmp_path):
    write(tmp_path / "pyproject.toml", '[project]\nname = "x"\n')
    assert cfg.find(str(tmp_path)) is None


@pytest.mark.parametrize("text, message", [
    ("selct: [DK101]\n", "{p}:1: unknown key 'selct' (did you mean 'select'?)"),
    ("select: DK101\nfail-on: sometimes\n", "{p}:2: fail-on: expected one of error, warning, "
                                            "info, none"),
    ("ignore: [DK101, NOPE1]\n", "{p}:1: ignore: unknown rule 'NOPE1'"),
    ("severity:\n  DK101: fatal\n", "{p}:1: severity: DK101: unknown severity 'fatal'"),
    ("rules:\n  DK101:\n    assume-tls: maybe\n", "{p}:1: rules: DK101.assume-tls: expected "
                                                  "true or false"),
    ("rules:\n  DK101:\n    nope: 1\n", "{p}:1: rules: DK101 has no option 'nope'"),
    ("- a\n- b\n", "{p}:1: the configuration must be a mapping of keys to values, not a list"),
    ("select: [DK101\n", "{p}:2:1: invalid YAML: while parsing a flow sequence, "
                         "expected ',' or ']', but got '<stream end>'"),
    ("allow-pragmas: 1\n", "{p}:1: allow-pragmas: expected true or false"),
    ("extends: nowhere.yaml\n", "{p}:1: extends 'nowhere.yaml': no such file and no such "
                                "preset"),
])
def test_config_errors_name_file_line_and_key(tmp_path, text, message):
    path = write(tmp_path / ".docklint.yaml", text)
    write(tmp_path / "Dockerfile", HEAVY)
    result = run(str(tmp_path / "Dockerfile"))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("docklint: " + message.format(p=path))
    # the configuration's error, then the file it kept from being linted
    assert result.stderr.splitlines()[1:] == [
        f"docklint: {tmp_path / 'Dockerfile'}: not linted: configuration error in {path}"]


def test_extends_a_file_and_a_preset(tmp_path):
    write(tmp_path / "base.yaml", "severity:\n  DK301: error\nbuild-args:\n  A: '1'\n")
    write(tmp_path / ".docklint.yaml", "extends: [strict, base.yaml]\n"
                                       "build-args:\n  B: '2'\nfail-on: warning\n")
    conf = cfg.load(str(tmp_path / ".docklint.yaml"))
    assert conf.values["select"] == ["ALL"]          # from the preset
    assert conf.values["preview"] is True
    assert conf.values["severity"] == {"DK301": "error"}
    assert conf.values["build-args"] == {"A": "1", "B": "2"}   # mappings merge
    assert conf.values["fail-on"] == "warning"                 # the file wins
    assert conf.origin["fail-on"].endswith(".docklint.yaml:4")
    assert conf.origin["select"] == "preset strict"


def test_extends_cycle_is_an_error(tmp_path):
    write(tmp_path / "a.yaml", "extends: b.yaml\n")
    write(tmp_path / "b.yaml", "extends: a.yaml\n")
    with pytest.raises(cfg.ConfigError, match="extends itself"):
        cfg.load(str(tmp_path / "a.yaml"))


def test_cli_wins_over_config(tmp_path):
    write(tmp_path / ".docklint.yaml", "select: [DK110]\nfail-on: none\n")
    write(tmp_path / "Dockerfile", HEAVY)
    result = run("--format", "gnu", "--select", "DK301", "--fail-on", "warning",
                 str(tmp_path / "Dockerfile"))
    assert result.exit_code == 1
    assert result.output.strip().endswith("[DK301]")


def test_isolated_and_explicit_config(tmp_path):
    write(tmp_path / ".docklint.yaml", "select: [DK110]\n")
    other = write(tmp_path / "conf" / "strict.yml", "select: [DK301]\n")
    dockerfile = write(tmp_path / "Dockerfile", HEAVY)
    assert "[DK110]" in run("--format", "gnu", str(dockerfile)).output
    out = run("--format", "gnu", "--config", str(other), str(dockerfile)).output
    assert out.strip().endswith("[DK301]") and "[DK110]" not in out
    out = run("--format", "gnu", "--isolated", str(dockerfile)).output
    assert "[DK110]" in out and "[DK301]" in out        # the defaults


def test_per_file_ignores_and_exclude(tmp_path):
    write(tmp_path / ".docklint.yaml",
          "select: [DK301, DK110]\nper-file-ignores:\n  'legacy/*': [DK301]\n"
          "exclude: [vendor]\n")
    write(tmp_path / "legacy" / "Dockerfile", HEAVY)
    write(tmp_path / "app" / "Dockerfile", HEAVY)
    write(tmp_path / "vendor" / "x" / "Dockerfile", HEAVY)
    result = run("--format", "gnu", ".", cwd=tmp_path)
    found = sorted((os.path.normpath(ln.split(":")[0]), ln.rsplit("[", 1)[1])
                   for ln in result.output.splitlines())
    assert found == [("app/Dockerfile", "DK110]"), ("app/Dockerfile", "DK301]"),
                     ("legacy/Dockerfile", "DK110]")]
    # a file named explicitly is linted even when excluded
    result = run("--format", "gnu", "vendor/x/Dockerfile", cwd=tmp_path)
    assert "vendor/x/Dockerfile" in result.output


def test_context_is_relative_to_the_config(tmp_path):
    write(tmp_path / ".docklint.yaml", "context: ctx\n")
    write(tmp_path / "ctx" / "main.go",
          'package main\nimport "net/http"\nfunc main() { http.Get("https://example.com") }\n')
    dockerfile = write(tmp_path / "build" / "Dockerfile",
                       "FROM golang:1.22-alpine AS b\nCOPY . .\n"
                       "RUN CGO_ENABLED=0 go build -o /app .\nFROM scratch\n"
                       "COPY --from=b /app /app\nENTRYPOINT [\"/app\"]\n")
    result = run("--format", "gnu", "--select", "DK101", str(dockerfile))
    assert "in main.go:3, copied by COPY" in result.output


def test_hadolint_config_is_read_when_no_docklint_config(tmp_path):
    write(tmp_path / ".hadolint.yaml",
          "ignored: [DL9999]\noverride:\n  error: [DK110]\n  style: [DK301]\n"
          "failure-threshold: error\n")
    dockerfile = write(tmp_path / "Dockerfile", HEAVY)
    result = run("--format", "gnu", str(dockerfile))
    assert "error: " in next(ln for ln in result.output.splitlines() if "[DK110]" in ln)
    assert "info: " in next(ln for ln in result.output.splitlines() if "[DK301]" in ln)
    assert result.exit_code == 1                      # DK110 is now an error
    assert "DL9999 has no docklint rule; it is left out" in result.stderr
    # a docklint config, when present, wins over the hadolint one
    write(tmp_path / ".docklint.yaml", "select: [DK301]\n")
    cfg._config_in.cache_clear()
    result = run("--format", "gnu", str(dockerfile))
    assert result.output.strip().endswith("[DK301]")


def test_hadolint_home_location(tmp_path):
    write(tmp_path / "home" / ".config" / "hadolint.yaml", "no-fail: true\n")
    dockerfile = write(tmp_path / "proj" / "Dockerfile", HEAVY)
    assert cfg.find(str(tmp_path / "proj")) == str(tmp_path / "home" / ".config" /
                                                   "hadolint.yaml")
    assert run(str(dockerfile)).exit_code == 0


def test_hadolint_mapping():
    assert cfg.hadolint_to_docklint({
        "ignored": ["DL3008"], "override": {"warning": ["DL3015"], "style": ["DL3059"],
                                            "ignore": ["DL3009"]},
        "trustedRegistries": ["docker.io"], "label-schema": {"author": "text"},
        "strict-labels": True, "failure-threshold": "style", "disable-ignore-pragma": True,
    }) == {"ignore": ["DL3008", "DL3009"], "severity": {"DL3015": "warning", "DL3059": "info"},
           "trusted-registries": ["docker.io"], "label-schema": {"author": "text"},
           "strict-labels": True, "fail-on": "info", "allow-pragmas": False,
           # hadolint's rule set: docklint's defaults, what hadolint runs by default, what
           # the override names, and every ShellCheck code
           "select": ["default", "hadolint", "DL3015", "DL3059"],
           "rules": {"DK440": {"off-by-default": []}, "DK603": {"healthcheck": True}}}
    assert cfg.hadolint_to_docklint({"no-fail": True})["fail-on"] == "none"


def test_a_hadolint_configuration_brings_hadolints_rule_set(tmp_path):
    """DK401 (DL3008) is off by default in docklint but on in hadolint: a hadolint user gets
    it, and DL3057's DK615 only once the override gives it a severity, as in hadolint."""
    from docklint.engine import lint_file
    text = ("FROM debian:12-slim\n"
            "RUN apt-get update && apt-get install -y --no-install-recommends curl \\\n"
            " && rm -rf /var/lib/apt/lists/*\n"
            "USER 1000\n")
    dockerfile = write(tmp_path / "Dockerfile", text)

    def codes(config_text: str | None) -> set[str]:
        config = None
        if config_text is not None:
            config = cfg.load(str(write(tmp_path / ".hadolint.yaml", config_text)))
        settings = cfg.resolve_settings(str(dockerfile), config, cli={}).settings
        return {f.code for f in lint_file(str(dockerfile), settings).findings}

    assert "DK401" not in codes(None)
    found = codes("ignored: [DL3006]\n")
    assert "DK401" in found and "DK615" not in found
    assert {"DK401", "DK615"} <= codes("override:\n  info: [DL3057]\n")


def test_unknown_hadolint_key_is_a_warning(tmp_path):
    # hadolint ignores a key it does not know: docklint says so and reads the rest
    # (more in tests/test_hadolint_compat.py)
    path = write(tmp_path / ".hadolint.yaml", "ignored: [DL3008]\nignord: [DL3009]\n")
    config = cfg.load(str(path))
    assert config.values["ignore"] == ["DL3008"]
    assert config.notes == [f"{path}:2: warning: unknown hadolint key 'ignord': ignored, as "
                            "hadolint ignores it"]


def test_config_show_and_migrate(tmp_path):
    write(tmp_path / ".hadolint.yml", "ignored: [DK110]\ntrustedRegistries: [docker.io]\n")
    write(tmp_path / "Dockerfile", HEAVY)
    runner = CliRunner()
    old = os.getcwd()
    os.chdir(tmp_path)
    try:
        shown = runner.invoke(config_cmd, ["--show", "Dockerfile"])
        migrated = runner.invoke(config_cmd, ["--migrate"])
    finally:
        os.chdir(old)
    data = json.loads(shown.output)
    assert data["config"] == str(tmp_path / ".hadolint.yml")
    assert data["ignore"] == ["DK110"]
    assert data["rules"]["DK306"] == {"trusted-registries": ["docker.io"]}
    assert data["origin"]["ignore"] == f"{tmp_path / '.hadolint.yml'}:1 (hadolint ignored)"
    assert 'ignore: ["DK110"]' in migrated.output.splitlines()
    assert 'trusted-registries: ["docker.io"]' in migrated.output.splitlines()
    assert 'select: ["default", "hadolint"]' in migrated.output.splitlines()
    # the migrated file is itself a valid docklint configuration
    write(tmp_path / "m" / ".docklint.yaml", "\n".join(migrated.output.splitlines()[1:]) + "\n")
    assert cfg.load(str(tmp_path / "m" / ".docklint.yaml")).values["ignore"] == ["DK110"]


def test_preview_rules_need_preview(tmp_path, monkeypatch):
    from docklint.record import replace

    from docklint import engine, registry
    rules = registry.all_rules()
    target = next(r for r in rules if r.code == "DK110")
    patched = tuple(replace(r, status="preview") if r is target else r for r in rules)
    monkeypatch.setattr(registry, "all_rules", lambda: patched)
    assert "DK110" not in {r.code for r in engine.select_rules(engine.Settings())}
    assert "DK110" in {r.code for r in engine.select_rules(engine.Settings(preview=True))}
    assert "DK110" in {r.code for r in engine.select_rules(engine.Settings(select=["DK110"]))}
    assert "DK110" not in {r.code for r in engine.select_rules(engine.Settings(select=["DK1"]))}


def test_yaml_is_not_imported_without_a_yaml_config(tmp_path):
    dockerfile = write(tmp_path / "Dockerfile", "FROM alpine:3.20\n")
    import subprocess
    code = ("import sys; import docklint._entry; from docklint.cli import main\n"
            "sys.argv=['docklint', %r]\n"
            "try:\n    main()\n"
            "except SystemExit: pass\n"
            "print('yaml' in sys.modules, file=sys.stderr)" % str(dockerfile))
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=tmp_path, env={**os.environ, "HOME": str(tmp_path)})
    assert proc.stderr.strip().splitlines()[-1] == "False"


def test_shellcheck_false_turns_the_shellcheck_pass_off(tmp_path):
    write(tmp_path / ".docklint.yaml", "shellcheck: false\n")
    dockerfile = write(tmp_path / "Dockerfile", HEAVY)
    conf = cfg.config_for(str(dockerfile), explicit=None, isolated=False)
    eff = cfg.resolve_settings(str(dockerfile), conf, cli={})
    assert "DK440" in eff.settings.ignore and eff.shellcheck is False
    from docklint.engine import select_rules
    assert "DK440" not in {r.code for r in select_rules(eff.settings)}
    # and on the command line
    eff = cfg.resolve_settings(str(dockerfile), None, cli={"shellcheck": False})
    assert "DK440" in eff.settings.ignore
