"""The pre-commit hook definition: it runs docklint on exactly the files docklint calls
Dockerfiles."""

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


def _hook() -> dict:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    [hook] = [h for h in hooks if h["id"] == "docklint"]
    return hook


def test_hook_shape() -> None:
    hook = _hook()
    assert hook["language"] == "python"
    assert hook["entry"] == "docklint"
    assert "dockerfile" in hook["types_or"]


@pytest.mark.parametrize("path", NAMES)
def test_hook_files_match_docklint_discovery(path: str) -> None:
    hook = _hook()
    selected = bool(re.search(hook["files"], path)) and not re.search(hook["exclude"], path)
    assert selected == is_dockerfile_name(path.rsplit("/", 1)[-1])
