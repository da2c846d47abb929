"""The GitHub Action (action.yml at the repository root): its metadata follows the rules for a
composite action, and its steps' shell scripts, run here with a fake GitHub environment
(``GITHUB_OUTPUT`` and ``GITHUB_STEP_SUMMARY`` files, ``RUNNER_TEMP``), write the outputs, the
job summary and the exit status that ``fail-on`` asks for."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
ACTION = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
DOCKLINT = Path(sys.executable).parent / "docklint"


def step(step_id: str) -> dict:
    return next(s for s in ACTION["runs"]["steps"] if s.get("id") == step_id)


def test_metadata_is_a_valid_composite_action():
    assert {"name", "description", "runs"} <= set(ACTION)
    assert ACTION["runs"]["using"] == "composite"
    for name, spec in ACTION["inputs"].items():
        assert re.fullmatch(r"[a-z][a-z0-9-]*", name), name
        assert "description" in spec and isinstance(spec.get("default", ""), str)
    for name, spec in ACTION["outputs"].items():
        assert "description" in spec and spec["value"].startswith("${{ steps.")
    for s in ACTION["runs"]["steps"]:
        assert ("uses" in s) != ("run" in s)
        if "run" in s:
            assert s["shell"] == "bash"
            # inputs reach scripts through env, never pasted into the script (injection)
            assert "${{" not in s["run"], s.get("id")
    assert set(ACTION["inputs"]) >= {"paths", "sarif", "fail-on", "config", "version",
                                     "python-version", "shellcheck"}
    assert set(ACTION["outputs"]) == {"sarif", "findings"}


def run_step(step_id: str, tmp_path: Path, **env: str) -> tuple[subprocess.CompletedProcess,
                                                               dict, str]:
    out_file, summary = tmp_path / "output", tmp_path / "summary.md"
    out_file.write_text("")
    summary.write_text("")
    base = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "RUNNER_TEMP": str(tmp_path),
            "GITHUB_OUTPUT": str(out_file), "GITHUB_STEP_SUMMARY": str(summary)}
    proc = subprocess.run(["bash", "-c", step(step_id)["run"]], cwd=tmp_path, env={**base, **env},
                          capture_output=True, text=True, timeout=300)
    outputs = dict(line.split("=", 1) for line in out_file.read_text().splitlines() if line)
    return proc, outputs, summary.read_text()


LINT_ENV = {"DOCKLINT": str(DOCKLINT), "INPUT_PATHS": ".", "INPUT_SARIF": "docklint.sarif",
            "INPUT_FORMATS": "", "INPUT_FAIL_ON": "warning", "INPUT_CONFIG": "",
            "INPUT_SUMMARY": "true",
            "DOCKLINT_LINK_BASE": "https://github.com/o/r/blob/0123abc"}


def test_lint_step_writes_outputs_summary_and_fails_on_warnings(tmp_path):
    (tmp_path / "Dockerfile").write_text("FROM debian\nUSER 1000\nCMD [\"x\"]\n")
    proc, outputs, summary = run_step("lint", tmp_path, **LINT_ENV)
    assert proc.returncode == 1, proc.stderr
    assert outputs["sarif"] == "docklint.sarif" and int(outputs["findings"]) >= 1
    sarif = json.loads((tmp_path / "docklint.sarif").read_text())
    assert sarif["version"] == "2.1.0"
    assert summary.startswith("## docklint") and "| Where | Rule |" in summary
    assert "https://github.com/o/r/blob/0123abc/Dockerfile#L1" in summary
    assert "DK305" in proc.stdout                  # the text report goes to the log


def test_fail_on_error_passes_with_warnings_only(tmp_path):
    (tmp_path / "Dockerfile").write_text("FROM debian\nUSER 1000\nCMD [\"x\"]\n")
    proc, outputs, _ = run_step("lint", tmp_path, **{**LINT_ENV, "INPUT_FAIL_ON": "error"})
    assert proc.returncode == 0 and int(outputs["findings"]) >= 1


def test_a_clean_tree_passes_and_extra_formats_are_written(tmp_path):
    (tmp_path / "Dockerfile").write_text("FROM alpine:3.20\nUSER 1000\nCMD [\"x\"]\n")
    proc, outputs, summary = run_step("lint", tmp_path, **{
        **LINT_ENV, "INPUT_FORMATS": "junit=report.xml", "INPUT_SARIF": ""})
    assert proc.returncode == 0, proc.stderr
    assert outputs == {"sarif": "", "findings": "0"}
    assert (tmp_path / "report.xml").read_text().startswith("<?xml")
    assert "No findings" in summary


@pytest.mark.parametrize("env,message", [
    ({"INPUT_FAIL_ON": "sometimes"}, "fail-on: expected error, warning, info or none"),
    ({"INPUT_FORMATS": "junit"}, "formats: expected FORMAT=FILE"),
])
def test_bad_inputs_are_errors(tmp_path, env, message):
    (tmp_path / "Dockerfile").write_text("FROM alpine:3.20\n")
    proc, _, _ = run_step("lint", tmp_path, **{**LINT_ENV, **env})
    assert proc.returncode == 2 and f"::error::{message}" in proc.stdout


def test_a_broken_configuration_exits_2(tmp_path):
    (tmp_path / "Dockerfile").write_text("FROM alpine:3.20\n")
    (tmp_path / "bad.yaml").write_text("nonsense: [\n")
    proc, outputs, _ = run_step("lint", tmp_path, **{**LINT_ENV, "INPUT_CONFIG": "bad.yaml"})
    assert proc.returncode == 2 and outputs["findings"] == "0"


def test_install_step_reuses_a_cached_environment(tmp_path):
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    (venv / "bin" / "docklint").symlink_to(DOCKLINT)
    proc, outputs, _ = run_step("install", tmp_path, DOCKLINT_VENV=str(venv), INPUT_VERSION="",
                                INPUT_SHELLCHECK="false", ACTION_PATH=str(ROOT))
    assert proc.returncode == 0, proc.stderr
    assert outputs == {"docklint": f"{venv}/bin/docklint"}


def test_install_step_refuses_a_version_that_is_not_one(tmp_path):
    proc, _, _ = run_step("install", tmp_path, DOCKLINT_VENV=str(tmp_path / "v"),
                          INPUT_VERSION="1.0; rm -rf /", INPUT_SHELLCHECK="false",
                          ACTION_PATH=str(ROOT))
    assert proc.returncode == 2 and "::error::version: not a version" in proc.stdout


def test_every_integration_page_exists_and_the_readme_links_them():
    pages = ROOT / "docs" / "integrations"
    index = (pages / "README.md").read_text(encoding="utf-8")
    linked = re.findall(r"\]\(([a-z-]+\.md)\)", index)
    assert set(linked) == {p.name for p in pages.glob("*.md")} - {"README.md"}
    assert len(linked) == 9
    assert "docs/integrations/README.md" in (ROOT / "README.md").read_text(encoding="utf-8")
