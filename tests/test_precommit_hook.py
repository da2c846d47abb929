"""The pre-commit hook definitions: ``docklint`` lints, ``docklint-fix`` fixes then lints; both
run on exactly the files docklint calls Dockerfiles."""

from __future__ import annotations

import re

import pytest
import yaml

from docklint.cli import is_dockerfile_name

from .conftest import ROOT

NAMES = ["Dockerfile", "dockerfile", "Dockerfile.prod", "Dockerfile-dev", "app.Dockerfile",
         "app.dockerfile", "Containerfile", "Containerfile.dev", "containerfile",
         "Dockerfile.dockerignore", "Dockerfilex", "README.md", "Dockerfile.md.bak",
         "docker-compose.yml", "build/package/Dockerfile", ".dockerignore"]


HOOKS = ["docklint", "docklint-fix"]


def _hooks() -> list[dict]:
    return yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())


def _hook(hook_id: str = "docklint") -> dict:
    [hook] = [h for h in _hooks() if h["id"] == hook_id]
    return hook


def test_the_hooks() -> None:
    assert [h["id"] for h in _hooks()] == HOOKS


def test_hook_shape() -> None:
    hook = _hook()
    assert hook["language"] == "python"
    assert hook["entry"] == "docklint"
    assert "dockerfile" in hook["types_or"]


def test_fix_hook_shape() -> None:
    hook = _hook("docklint-fix")
    assert hook["entry"] == "docklint --fix"
    # the same files, the same way, as the lint hook
    lint = _hook()
    for key in ("language", "types_or", "files", "exclude", "require_serial"):
        assert hook[key] == lint[key], key


@pytest.mark.parametrize("hook_id", HOOKS)
@pytest.mark.parametrize("path", NAMES)
def test_hook_files_match_docklint_discovery(path: str, hook_id: str) -> None:
    hook = _hook(hook_id)
    selected = bool(re.search(hook["files"], path)) and not re.search(hook["exclude"], path)
    assert selected == is_dockerfile_name(path.rsplit("/", 1)[-1])
