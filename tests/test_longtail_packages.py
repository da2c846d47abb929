"""The long tail of package-manager parsing (issue 13): pip VCS requirements, option values that
are not packages, `go run`'s own arguments, and microdnf's cleanup."""

from __future__ import annotations

import pytest

from docklint.packages import parse, removes
from docklint.shell import parse_script


def _pc(text: str):
    pc = parse(parse_script(text).commands[0])
    assert pc is not None
    return pc


def _pkgs(text: str) -> list[tuple[str, str, bool, str]]:
    return [(p.text, p.name, p.pinned, p.kind) for p in _pc(text).packages]


@pytest.mark.parametrize("text, expected", [
    ("pip install git+https://github.com/a/b.git",
     [("git+https://github.com/a/b.git", "git+https://github.com/a/b.git", False, "git")]),
    ("pip install git+https://github.com/a/b.git@v1.2#egg=b",
     [("git+https://github.com/a/b.git@v1.2#egg=b", "git+https://github.com/a/b.git@v1.2",
       True, "git")]),
    # the user of an ssh URL is no ref
    ("pip install git+ssh://git@github.com/a/b.git",
     [("git+ssh://git@github.com/a/b.git", "git+ssh://git@github.com/a/b.git", False, "git")]),
    ("pip install git+ssh://git@github.com/a/b.git@3f2a9c1",
     [("git+ssh://git@github.com/a/b.git@3f2a9c1", "git+ssh://git@github.com/a/b.git@3f2a9c1",
       True, "git")]),
    # a branch moves
    ("pip install git+https://github.com/a/b@main",
     [("git+https://github.com/a/b@main", "git+https://github.com/a/b", False, "git")]),
    ("pip install 'b @ git+https://github.com/a/b#egg=b'",
     [("b @ git+https://github.com/a/b#egg=b", "git+https://github.com/a/b", False, "git")]),
    ("uv pip install hg+https://hg.example.com/repo@1.0",
     [("hg+https://hg.example.com/repo@1.0", "hg+https://hg.example.com/repo@1.0", True,
       "git")]),
    # other URLs and direct references stay no packages
    ("pip install https://example.com/b-1.0.tar.gz 'b @ https://x/b.tgz'", []),
])
def test_pip_vcs_requirements(text, expected) -> None:
    assert _pkgs(text) == expected


def test_branch_ref_says_why() -> None:
    (pkg,) = _pc("pip install git+https://github.com/a/b@master").packages
    assert pkg.why == "`@master` is a branch, which moves"


@pytest.mark.parametrize("text, expected", [
    ("gem install x:1.0 --use-system-libraries true", [("x:1.0", True)]),
    ("gem install x --use-system-libraries false", [("x", False)]),
    ("npm install -g --unsafe-perm true foo@1", [("foo@1", True)]),
    ("pip install --no-cache-dir --jobs 4 flask==3.0", [("flask==3.0", True)]),
    # a word that is no literal value stays a package after an unknown option
    ("gem install --no-document rake", [("rake", False)]),
])
def test_literal_option_values_are_not_packages(text, expected) -> None:
    assert [(p.text, p.pinned) for p in _pc(text).packages] == expected


def test_go_run_program_arguments_are_not_go_options() -> None:
    pc = _pc("go run github.com/x/migrate -version -n 3 github.com/other@latest")
    assert [w.value for w in pc.operands] == ["github.com/x/migrate"]
    assert [w.value for w in pc.trailing] == ["-version", "-n", "3", "github.com/other@latest"]
    assert not pc.simulates           # the program's -version is not go's -n


def test_go_flags_are_not_bundles() -> None:
    assert not _pc("go install -v -trimpath github.com/x/y@v1").has_option("-n")
    assert _pc("go install -n github.com/x/y@v1").simulates


@pytest.mark.parametrize("text, cache, expected", [
    ("microdnf clean all", "dnf", False),
    ("microdnf clean all", "microdnf", True),
    ("dnf clean all", "microdnf", True),
    ("yum clean all", "microdnf", True),
    ("dnf clean all", "dnf", True),
    ("rm -rf /var/cache/yum", "microdnf", True),
])
def test_microdnf_cleanup(text, cache, expected) -> None:
    assert removes(parse_script(text).commands[0], cache) is expected
