"""Unit tests of docklint.packages: managers, subcommands, option values, packages, pinning,
wrappers, and cache cleanup/mount detection."""

from __future__ import annotations

import pytest

from docklint import packages as P
from docklint.shell import parse_script


def pcs(text: str) -> list[P.PackageCommand]:
    return [pc for _cmd, pc in P.package_commands(parse_script(text))]


def one(text: str) -> P.PackageCommand:
    found = pcs(text)
    assert len(found) == 1, found
    return found[0]


def pkgs(text: str) -> list[tuple[str, bool]]:
    return [(p.text, p.pinned) for pc in pcs(text) for p in pc.packages]


# ---- which manager, which subcommand

@pytest.mark.parametrize("text, family, tool, action", [
    ("apt-get install -y x", "apt", "apt-get", "install"),
    ("apt-get -qq update", "apt", "apt-get", "update"),
    ("apt -o X=1 install x", "apt", "apt", "install"),
    ("aptitude install x", "apt", "aptitude", "install"),
    ("apk --no-cache add x", "apk", "apk", "add"),
    ("yum -y install x", "yum", "yum", "install"),
    ("yum erase x", "yum", "yum", "remove"),
    ("dnf in x", "dnf", "dnf", "install"),
    ("dnf up", "dnf", "dnf", "upgrade"),
    ("dnf group install 'Development Tools'", "dnf", "dnf", "group install"),
    ("dnf module install nodejs:20", "dnf", "dnf", "module install"),
    ("microdnf install x", "dnf", "microdnf", "install"),
    ("zypper -n in x", "zypper", "zypper", "install"),
    ("zypper dup", "zypper", "zypper", "dist-upgrade"),
    ("zypper cc -a", "zypper", "zypper", "clean"),
    ("pip install x", "pip", "pip", "install"),
    ("pip3.12 install x", "pip", "pip3.12", "install"),
    ("python3 -m pip install x", "pip", "python3 -m pip", "install"),
    ("python -u -m pip install x", "pip", "python -m pip", "install"),
    ("/usr/local/bin/python3.11 -m pip install x", "pip", "python3.11 -m pip", "install"),
    ("uv pip install x", "uv", "uv pip", "install"),
    ("npm i -g x", "npm", "npm", "install"),
    ("npm ci", "npm", "npm", "ci"),
    ("yarn global add x", "yarn", "yarn", "global add"),
    ("yarn", "yarn", "yarn", ""),
    ("gem i x", "gem", "gem", "install"),
    ("go install x@v1", "go", "go", "install"),
])
def test_manager_and_action(text, family, tool, action) -> None:
    pc = one(text)
    assert (pc.family, pc.tool, pc.action) == (family, tool, action)


@pytest.mark.parametrize("text", ["python3 script.py", "python -m venv /v", "uv sync",
                                  "pipx install black", "pipenv install", "echo apt-get",
                                  "apt-cache policy x", "npx create-app", "bundle install"])
def test_not_a_manager(text) -> None:
    assert pcs(text) == []


def test_subcommand_as_written_and_head_span() -> None:
    script = parse_script("yum -q \\\n  erase nano")
    pc = one(script.text)
    assert pc.subcommand == "erase" and pc.action == "remove"
    span = pc.head_span(script)
    assert script.text[span.start:span.end] == "yum -q \\\n  erase"
    pc = one("dnf group install x")
    assert pc.subcommand == "group install" and pc.sub_last.value == "install"


# ---- wrappers

@pytest.mark.parametrize("text", [
    "sudo -E apt-get install -y vim",
    "sudo -u root apt-get install -y vim",
    "env DEBIAN_FRONTEND=noninteractive apt-get install -y vim",
    "eatmydata apt-get install -y vim",
    "timeout 600 apt-get install -y vim",
    "nice -n 10 apt-get install -y vim",
    "xargs -r apt-get install -y vim",
    "command apt-get install -y vim",
])
def test_wrappers_are_seen_through(text) -> None:
    pc = one(text)
    assert pc.tool == "apt-get" and [p.text for p in pc.packages] == ["vim"]


def test_env_wrapper_keeps_assignments() -> None:
    pc = one("env PIP_NO_CACHE_DIR=1 pip install x")
    assert pc.command.env("PIP_NO_CACHE_DIR") == "1"


# ---- options and their values

def test_option_values_are_not_operands() -> None:
    pc = one("apt-get -o Acquire::Retries=3 install -y -t bookworm-backports --no-install-"
             "recommends -oDpkg::Options::=--force-confold golang-go")
    assert [o.value for o in pc.operands] == ["golang-go"]
    assert pc.option_values("-o") == ["Acquire::Retries=3", "Dpkg::Options::=--force-confold"]
    assert pc.option_value("-t", "--target-release") == "bookworm-backports"


def test_apk_virtual_and_repository() -> None:
    pc = one("apk add --no-cache --virtual .deps -X http://r/x --repository=http://r/y "
             "-t.other gcc")
    assert [o.value for o in pc.operands] == ["gcc"]
    assert pc.option_value("--virtual") == ".deps"


def test_pip_option_values() -> None:
    pc = one("pip install -i https://x --extra-index-url https://y -r req.txt -e ./lib "
             "--target /opt --platform manylinux2014_x86_64 --only-binary :all: -rreq2.txt "
             "flask")
    assert [o.value for o in pc.operands] == ["flask"]
    assert pc.option_values("-r", "--requirement") == ["req.txt", "req2.txt"]


def test_bundled_and_counted_flags() -> None:
    pc = one("apt-get -qy install x")
    assert pc.has_option("-y") and pc.has_option("-q") and not pc.has_option("-t")
    assert one("apt-get -qq install x").count_option("-q", "--quiet") == 2
    assert one("apt-get -q -q install x").count_option("-q", "--quiet") == 2
    assert one("apt-get -q=2 install x").count_option("-q", "--quiet") == 2
    assert one("apt-get --quiet --quiet install x").count_option("-q", "--quiet") == 2
    assert one("apt-get -q install x").count_option("-q", "--quiet") == 1


def test_zypper_global_and_command_options() -> None:
    pc = one("zypper -t in foo")                 # global -t is --terse: no value
    assert pc.action == "install" and [o.value for o in pc.operands] == ["foo"]
    pc = one("zypper install -n vim")            # -n after the command means --name
    assert pc.has_option("-n") and not pc.has_global_option("-n")
    assert one("zypper -n install vim").has_global_option("-n")
    assert one("zypper in -t pattern x").packages == ()


def test_after_double_dash() -> None:
    pc = one("gem install pg -- --with-pg-config=/usr/bin/pg_config")
    assert [p.text for p in pc.packages] == ["pg"]
    assert [w.value for w in pc.trailing] == ["--with-pg-config=/usr/bin/pg_config"]
    assert [o.value for o in one("apt-get install -y -- -weird").operands] == ["-weird"]


# ---- packages and pinning, per manager

@pytest.mark.parametrize("family, spec, pinned", [
    ("apt", "curl", False), ("apt", "curl=7.88", True), ("apt", "libssl3=3.0.*", True),
    ("apt", "golang-go/bookworm-backports", True), ("apt", "g++", False),
    ("apt", "./x.deb", None), ("apt", "/tmp/x.deb", None), ("apt", "x.deb", None),
    ("apt", "nano-", None), ("apt", "$PKGS", None),
    ("apk", "curl", False), ("apk", "curl=8.9.1-r1", True), ("apk", "curl~8.9", True),
    ("apk", "openssl>3", True), ("apk", "x.apk", None), ("apk", "pkg@testing", False),
    ("yum", "httpd", False), ("yum", "httpd-2.4.6", True),
    ("yum", "httpd-2.4.6-99.el7.centos.1.x86_64", True), ("yum", "java-11-openjdk", False),
    ("yum", "java-1.8.0-openjdk-devel", False), ("yum", "gcc-c++", False),
    ("yum", "vim-enhanced-2:7.4.629", True), ("yum", "@core", None),
    ("yum", "perl(JSON)", None), ("yum", "/usr/bin/python3", None), ("yum", "x.rpm", None),
    ("dnf", "python3-pip-23.3.2", True), ("dnf", "nginx-1:1.26.1-1.fc40", True),
    ("zypper", "vim", False), ("zypper", "vim=9.1", True), ("zypper", "git>=2.40", True),
    ("zypper", "pattern:devel_basis", None),
    ("pip", "flask", False), ("pip", "flask==3.0", True), ("pip", "flask>=3", True),
    ("pip", "flask~=3.0", True), ("pip", "uvicorn[standard]", False),
    ("pip", "uvicorn[standard]==0.30", True), ("pip", "numpy>=1.26,<2", True),
    ("pip", ".", None), ("pip", ".[dev]", None), ("pip", "src/", None),
    ("pip", "x-1.0-py3-none-any.whl", None), ("pip", "x-1.0.tar.gz", None),
    ("pip", "git+https://github.com/a/b@v1", True), ("pip", "b @ https://x/b.tgz", None),
    ("npm", "express", False), ("npm", "express@4", True), ("npm", "express@latest", False),
    ("npm", "@nestjs/cli", False), ("npm", "@nestjs/cli@10.4.5", True),
    ("npm", "user/repo", False), ("npm", "user/repo#v1", True),
    ("npm", "github:user/repo#abc", True), ("npm", "git+https://h/r.git", False),
    ("npm", "git+https://h/r.git#v2", True), ("npm", "./pkg", None),
    ("npm", "file:../x", None), ("npm", "pkg.tgz", None), ("npm", "https://h/p.tgz", None),
    ("gem", "rails", False), ("gem", "rails:7.1", True), ("gem", "x.gem", None),
    ("go", "golang.org/x/tools/gopls@latest", False), ("go", "github.com/a/b@v1.2.3", True),
    ("go", "github.com/a/b@master", False), ("go", "github.com/a/b@8f5b35a", True),
    ("go", "github.com/a/b", None), ("go", "./cmd/...", None), ("go", ".", None),
    ("go", "github.com/a/b@none", None), ("go", "app/server", None), ("go", "all", None),
    ("go", "main.go", None), ("go", "gopkg.in/yaml.v3@latest", False),
])
def test_is_pinned(family, spec, pinned) -> None:
    assert P.is_pinned(family, spec) is pinned


def test_go_get_without_version_is_unpinned() -> None:
    assert P.is_pinned("go", "github.com/a/b", "get") is False
    assert P.is_pinned("go", "app/server", "get") is None         # a GOPATH-local package
    assert pkgs("go run github.com/a/b@latest github.com/c/d@latest") == \
        [("github.com/a/b@latest", False)]


def test_whole_commands() -> None:
    assert pkgs("apt-get install -y curl git=1:2.39 $X \"${Y}\" ./a.deb") == \
        [("curl", False), ("git=1:2.39", True)]
    assert pkgs("pip install -c c.txt flask") == []              # constraints pin
    assert pkgs("PIP_CONSTRAINT=c.txt pip install flask") == []
    assert pkgs("gem install rails -v 7.1") == []
    assert pkgs("dnf group install -y 'Development Tools'") == []
    assert pkgs("dnf module install nodejs") == [("nodejs", False)]
    assert pkgs("dnf module install nodejs:20") == [("nodejs:20", True)]
    assert pkgs("apt-get purge -y nano") == []                   # removals install nothing
    assert pkgs("npm ci") == [] and pkgs("npm install") == []
    assert pkgs("yarn add left-pad") == []                       # no yarn pinning rule


def test_package_fields() -> None:
    (p,) = one("pip install 'uvicorn[standard]>=0.30'").packages
    assert (p.name, p.version, p.pinned) == ("uvicorn[standard]", ">=0.30", True)
    (p,) = one("npm i typescript@latest").packages
    assert (p.name, p.pinned) == ("typescript", False) and "latest" in p.why
    (p,) = one("npm i user/repo").packages
    assert p.kind == "git"
    assert P.pin_hint("uv", "x") == "x==<version>" and P.pin_hint("yum", "x") == "x-<version>"


def test_positions_point_at_the_word() -> None:
    script = parse_script("sh -c 'apt-get install -y jq'")
    (pc,) = [pc for _c, pc in P.package_commands(script)]
    (p,) = pc.packages
    span = script.word_span(p.word)
    assert script.text[span.start:span.end] == "jq"


# ---- caches

@pytest.mark.parametrize("path, cache_dir, expected", [
    ("/var/lib/apt/lists/*", "/var/lib/apt/lists", True),
    ("/var/lib/apt/lists", "/var/lib/apt/lists", True),
    ("/var/lib/apt/lists/", "/var/lib/apt/lists", True),
    ("/var/lib/apt", "/var/lib/apt/lists", True),
    ("/var/lib/apt/*", "/var/lib/apt/lists", True),
    ("/var/lib/apt/lists/partial", "/var/lib/apt/lists", False),
    ("/var/cache/apt/*", "/var/lib/apt/lists", False),
    ("/*", "/var/lib/apt/lists", False),
    ("/", "/var/lib/apt/lists", False),
    ("/root/.cache", "~/.cache/pip", True),
    ("/home/app/.cache/pip", "~/.cache/pip", True),
    ("$HOME/.cache/pip", "~/.cache/pip", True),
    ("${HOME}/.cache", "~/.cache/pip", True),
    ("~/*", "~/.cache/pip", False),                # * skips dot files
    ("~/.c*", "~/.cache/pip", True),
    ("/rootfs/.cache/pip", "~/.cache/pip", False),
    ("/var/cache/*", "/var/cache/apk", True),
    ("/var/cache/a*", "/var/cache/apk", True),
    ("/var/cache/d*", "/var/cache/apk", False),
    ("$CACHE", "/var/cache/apk", False),
])
def test_covers(path, cache_dir, expected) -> None:
    assert P.covers(path, cache_dir) is expected


@pytest.mark.parametrize("text, cache, expected", [
    ("rm -rf /var/lib/apt/lists/*", "apt-lists", True),
    ("rm -rf /tmp/* /var/lib/apt/lists", "apt-lists", True),
    ("sudo rm -rf /var/lib/apt/lists/*", "apt-lists", True),
    ("rm -rf /var/cache/apt/archives", "apt-lists", False),
    ("apt-get clean", "apt-lists", False),
    ("apt-get distclean", "apt-lists", True),
    ("find /var/lib/apt/lists -type f -delete", "apt-lists", True),
    ("find /var -name '*.log' -delete", "apt-lists", False),
    ("find /var/lib/apt/lists -type f", "apt-lists", False),
    ("apk cache clean", "apk", True),
    ("rm -rf /var/cache/apk/*", "apk", True),
    ("yum clean all", "yum", True),
    ("yum clean packages", "yum", False),
    ("dnf clean all", "yum", True),
    ("microdnf clean all", "dnf", False), ("microdnf clean all", "microdnf", True),
    ("rm -rf /var/cache/libdnf5", "dnf", True),
    ("zypper clean --all", "zypper", True),
    ("zypper -n cc", "zypper", True),
    ("pip cache purge", "pip", True),
    ("python3 -m pip cache purge", "pip", True),
    ("rm -rf \"$(pip cache dir)\"", "pip", True),
    ("rm -rf \"$(yarn cache dir)\"", "pip", False),
    ("rm -rf $(yarn cache dir)", "yarn", True),
    ("yarn cache clean", "yarn", True),
    ("yarn cache list", "yarn", False),
    ("rm -rf /usr/local/share/.cache", "yarn", True),
    ("uv cache clean", "uv", True),
    ("rm -rf /root/.cache/uv", "uv", True),
])
def test_removes(text, cache, expected) -> None:
    cmds = parse_script(text).commands
    assert any(P.removes(c, cache) for c in cmds) is expected


def test_cleaned_after_is_later_in_the_script() -> None:
    script = parse_script("rm -rf /var/lib/apt/lists/*; apt-get update; apt-get install -y x")
    update = script.commands[1]
    assert not P.cleaned_after(script, update, "apt-lists")
    script = parse_script("apt-get update && sh -c 'rm -rf /var/lib/apt/lists/*'")
    assert P.cleaned_after(script, script.commands[0], "apt-lists")


def test_mounted() -> None:
    assert P.mounted(["/var/lib/apt"], "apt-lists")
    assert P.mounted(["/var/lib/apt/lists"], "apt-lists")
    assert not P.mounted(["/var/cache/apt"], "apt-lists")
    assert P.mounted(["/root/.cache"], "pip")
    assert P.mounted(["/pip-cache"], "pip", ["/pip-cache"])
    assert not P.mounted(["/tmp"], "pip", ["/pip-cache"])
    assert P.mounted(["/usr/local/share/.cache/yarn"], "yarn")


def test_glob_patterns_are_not_packages() -> None:
    assert pkgs("apt-get install -y curl android-tools* 'libfoo-*' 'lib?ssl' vim=2:9.*") == \
        [("curl", False), ("vim=2:9.*", True)]
    assert pkgs("apk add 'py3-*' cfssl@testing") == [("cfssl@testing", False)]
    assert pkgs("yum install -y 'php-*' httpd") == [("httpd", False)]
    assert pkgs("pip install 'uvicorn[standard]'") == [("uvicorn[standard]", False)]


@pytest.mark.parametrize("name, pip, python", [
    ("pip", True, False), ("pip3", True, False), ("pip3.12", True, False),
    ("python", False, True), ("python3.11", False, True), ("pypy3", False, True),
    ("pipx", False, False), ("pip-compile", False, False), ("python-config", False, False),
    ("ipython", False, False), ("pypy3-c", False, False),
])
def test_the_names_pip_and_python_go_by(name, pip, python):
    """One pattern of each, shared by the package parser, DK303, DK304 and the command
    purposes."""
    assert bool(P.PIP_NAME.fullmatch(name)) is pip
    assert bool(P.PYTHON_NAME.fullmatch(name)) is python


def test_dev_extras_installed_by_pypy_are_reported_too():
    from docklint.engine import Settings, lint_bytes
    text = ("FROM pypy:3.10-slim\nWORKDIR /app\nCOPY . .\n"
            "RUN pypy3 -m pip install --no-cache-dir -e '.[dev]'\nCMD [\"pypy3\", \"app.py\"]\n")
    codes = [f.code for f in lint_bytes(text.encode(), "Dockerfile",
                                        Settings(select=["DK304"])).findings]
    assert codes == ["DK304"]
