#!/usr/bin/env python3
"""docklint fuzzer: lints many generated and mutated Dockerfiles and checks invariants.

    python bench/fuzz.py [--count N] [--seed S] [--jobs N] [--corpus DIR] [--minimize]
                         [--timeout S] [--memory-limit MB] [--strict] [--json]
    python bench/fuzz.py --replay FILE            # check one saved input again

Each input is one of:

- **generated**: a plausible Dockerfile built from the grammar below (directives, FROM/ARG/RUN
  with continuations, heredocs and exec forms, COPY/ADD, ENV, LABEL, USER, ONBUILD, HEALTHCHECK,
  SHELL, ..., quotes, escapes, variables, ``# escape=`` with its own continuation character,
  pragmas, CRLF or mixed line endings);
- **corpus**: a real file of ``../shared/corpus`` (``MANIFEST.tsv``), mutated 1 to 4 times
  (truncated, spliced with another file, ``\\`` continuations, heredoc markers, stray quotes,
  escape characters, NULs, invalid UTF-8, a very long line, random byte flips, deleted or
  repeated ranges, CR/CRLF line endings, a BOM, an ``# escape=`` directive, a keyword);
- **generated+mutated**: a generated file put through the same mutators;
- **hostile** (``hostile-nesting``, ``hostile-bomb``, ``hostile-control``, sometimes
  ``+mutated``): what a stranger's pull request may hold (:class:`HostileGenerator`): shell
  nested up to a few thousand levels (``$(``, backticks, ``(``, ``{``, ``$((``, ``if``/``case``,
  closed, half closed or not), ``${X:-`` nested as deep in FROM/ENV/LABEL/USER/COPY/...,
  thousands of commands joined by ``&&``; doubling ARG/ENV chains of up to 40 lines
  (``ARG A1=${A0}${A0}``...) used in FROM, RUN, LABEL, USER, WORKDIR...; control characters
  (ESC sequences for clear screen, window title and hyperlinks, C1 such as 0x9B, bidi
  overrides and isolates, BEL, NUL, DEL) in names, values, labels, users, file names, stage
  names, packages and pragmas. The mutators ``nest``, ``control`` and ``bomb`` put the same
  things into corpus and generated files.

Input ``i`` depends only on ``--seed`` and ``i`` (``random.Random(f"...:{seed}:{i}")``), so a
run is reproducible whatever ``--jobs`` is, and ``--only I`` regenerates one input.

Every input is linted through ``docklint.engine.lint_bytes`` with every rule
(``Settings(select=["ALL"], preview=True)``). The ShellCheck rule (DK440) runs the external
``shellcheck`` binary once per new script, which costs ~10 ms; it is included for a sample of
the inputs (``--shellcheck-rate``, default 0.02) and only if the binary is installed. Checked
(:func:`check`):

1. linting never raises and no rule crashes (``FileResult.internal``: an exception in a rule,
   RecursionError and MemoryError included); ``FileResult.error`` stays None. A rule that gives
   up within a budget (``docklint.rule.CannotCheck``: too deeply nested, ShellCheck out of
   memory or time, a value over its size limit) is by design, not a failure: it must be a
   DK005 finding at the place it names (``FileResult.failed``); the summary counts these by
   reason;
2. every span a rule yields (finding, related location, fix edit) lies inside the text, before
   the engine clamps it; after stamping, each finding's line/column/end_line/end_column are
   ``source.range(span)``, related positions are those of their spans, fix edits do not overlap;
3. the parser's spans are consistent: each instruction inside the text, its keyword span holds
   the keyword as written, its flags and words inside it, heredoc bodies equal their content;
4. linting the same bytes again gives identical findings (a DK005 for ShellCheck running out
   of time, which depends on the machine's load, aside);
5. ``docklint.inspect.inspect_json`` does not raise and its result is JSON-serialisable
   (``allow_nan=False``);
6. no finding's message, related message or fix title holds a raw control character: C0 but
   tab and line feed (a line feed is refused by 2. already: messages are one line), DEL, C1
   (U+0080-U+009F) or a bidi control (U+061C, U+200E/F, U+202A-U+202E, U+2066-U+2069): the
   engine shows them escaped.

Bounds: an input that takes longer than ``--timeout`` (30 s) is stopped and reported as a hang
(where it was stuck); each worker runs under an address-space limit (``--memory-limit``, 4 GiB),
so that an input that makes docklint eat memory is a MemoryError, reported as a failure, not a
machine out of memory; ShellCheck's own timeout is lowered to a third of ``--timeout`` so that
two lints of one input fit in it.

A failing input is written to ``bench/out/fuzz-failure-<i>.Dockerfile`` with the problems in
``fuzz-failure-<i>.txt`` (at most ``--max-saved`` files, the first few of each kind of failure);
``--minimize`` also writes ``fuzz-failure-<i>.min.Dockerfile``, a smaller input that fails the
same way. The exit status is 1 when any input failed. The generators are plain ``random``; the
hypothesis tests (tests/test_properties.py) drive the same functions through a
hypothesis-backed chooser.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import random
import re
import signal
import sys
import threading
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"

try:
    from docklint.engine import FileResult, Settings, lint_bytes, select_rules
    from docklint.record import replace
    from docklint.inspect import inspect_json
    from docklint.rule import Finding, Rule
    from docklint.source import Source, Span
except ImportError:  # pragma: no cover - a usage error
    sys.exit("fuzz.py: cannot import docklint; run it with the project's venv, e.g. "
             ".venv/bin/python bench/fuzz.py")


# ==============================================================================================
# choosers: the generators ask a chooser for every decision, so that the same code runs on
# plain ``random`` (this script) and on hypothesis (tests/test_properties.py, which shrinks)

class RandomChooser:
    """Decisions from a :class:`random.Random`."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def choice(self, seq: Sequence):
        return seq[self.rng.randrange(len(seq))]

    def randint(self, lo: int, hi: int) -> int:
        return self.rng.randint(lo, hi)

    def chance(self, p: float) -> bool:
        return self.rng.random() < p


# ==============================================================================================
# the Dockerfile generator

NAMES = ("APP", "VERSION", "HOME", "PATH", "BASE", "TAG", "UID", "GID", "DEBIAN_FRONTEND",
         "TARGETPLATFORM", "BUILDPLATFORM", "TARGETARCH", "TARGETOS", "HTTP_PROXY", "http_proxy",
         "PORT", "x", "_", "A1", "SOURCE_DATE_EPOCH", "LANG", "GOPATH", "NODE_ENV",
         "PIP_NO_CACHE_DIR", "SECRET_TOKEN", "AWS_SECRET_ACCESS_KEY", "PASSWORD",
         "BUILDKIT_DOCKERFILE_CHECK", "APP_HOME", "é", "1BAD", "lower_case")

IMAGES = ("alpine", "alpine:3.20", "alpine:latest", "ubuntu", "ubuntu:22.04",
          "debian:bookworm-slim",
          "debian:12", "python:3.12-slim", "node:20-alpine", "golang:1.22", "scratch", "busybox",
          "gcr.io/distroless/static-debian12:nonroot", "registry.example.com:5000/team/app:1.2.3",
          "nginx@sha256:" + "a" * 64, "redis:7@sha256:" + "0123456789abcdef" * 4,
          "mcr.microsoft.com/windows/servercore:ltsc2022", "centos:7", "fedora:40",
          "opensuse/leap:15.5", "ruby:3.3", "rust:1-slim", "${BASE}", "$BASE", "${BASE}:${TAG}",
          "${BASE:-alpine}", "docker.io/library/ubuntu:noble", "localhost/x", "UPPER/Case:Tag",
          "image:tag:extra", "", ":", "@sha256:", "a" * 300)

COMMANDS = (
    "apt-get update", "apt-get install -y --no-install-recommends curl ca-certificates",
    "apt-get install curl=7.88.1-10+deb12u5 git", "apt-get -y upgrade", "apt-get clean",
    "apt install -y vim", "rm -rf /var/lib/apt/lists/*", "apk add --no-cache bash=5.2.21-r0",
    "apk add curl", "apk update", "apk upgrade", "yum install -y httpd", "yum clean all",
    "dnf install -y python3", "dnf clean all", "zypper install -y vim",
    "zypper --non-interactive in git", "pip install flask",
    "pip install --no-cache-dir requests==2.31.0", "pip3 install -r requirements.txt",
    "python -m pip install -U pip", "pip install 'foo>=1,<2'", "npm install", "npm ci --omit=dev",
    "npm install -g yarn@1.22.19", "npm cache clean --force", "yarn install --frozen-lockfile",
    "yarn add left-pad", "gem install bundler -v 2.4.0", "bundle install",
    "go install golang.org/x/tools/gopls@latest", "go build -o /out/app ./...",
    "cargo build --release", "curl -fsSL https://example.com/install.sh | sh",
    "curl -o /tmp/x.tgz https://example.com/x.tgz", "wget https://example.com/f.tar.gz",
    "wget -qO- https://example.com/s | bash", "curl -sSL https://x.example/a.tgz | tar xz",
    "sudo apt-get install -y make", "su - app -c 'echo hi'", "cd /tmp", "cd /src && make",
    "mkdir -p /app/data", "chmod 777 /app", "chmod -R 755 /srv", "chown -R app:app /app",
    "useradd -u 123456 app", "useradd -l -u 100000 -m app", "adduser -D app",
    "groupadd -g 1000 app", "ln -sf /bin/bash /bin/sh", 'echo "hello world" > /etc/motd',
    "echo 'single quoted'", "printf '%s\\n' a b", "set -eux", "set -o pipefail",
    "export PATH=/opt/bin:$PATH", "tar -xzf /tmp/x.tgz -C /opt",
    "git clone https://github.com/a/b.git /src", "ssh-keyscan github.com >> ~/.ssh/known_hosts",
    "systemctl enable nginx", "service nginx start", "shutdown -h now", "mount /dev/sda1 /mnt",
    "vim /etc/hosts", "ps aux", "free -m", "kill -9 1", "ifconfig",
    "[ -f /etc/os-release ] && cat /etc/os-release",
    'if [ "$X" = 1 ]; then echo yes; else echo no; fi', "for f in a b c; do echo $f; done",
    'while read l; do echo "$l"; done < /etc/passwd',
    'case "$TARGETARCH" in amd64) A=x86_64;; arm64) A=aarch64;; esac', "( cd /x && make )",
    "{ echo a; echo b; }", "echo $(uname -m)", "echo `date`", "x=$((1+2))",
    "echo ${X:-default}", "true", "false", ":", "exit 0", 'apt-get install -y "pkg"',
    'echo \\"escaped\\"', "echo \\$HOME", "echo ~/x", "powershell -Command Get-ChildItem",
    "cmd /c dir", "npm run build && npm prune --production", "echo a|grep a", "ls ; ls",
    "cat /dev/null > /tmp/x 2>&1", "exec \"$@\"", "source /etc/profile", ". ./env.sh",
    "ADD x y", "FROM alpine", "echo \"unterminated", "echo 'unterminated", "echo $((",
    "echo }}}", "echo ))", "echo ${", "eval $(ssh-agent)", "docker run hello-world",
    "chmod +x /usr/local/bin/entrypoint.sh", "update-ca-certificates", "locale-gen en_US.UTF-8",
    "pip install --user pipx && pipx install poetry", "poetry install --no-root",
    "conda install -y numpy", "microdnf install -y shadow-utils", "easy_install pip",
    "wget --progress=dot:giga https://example.com/big", "curl --retry 3 -L https://x | sh -s --",
)

SEPARATORS = (" && ", " || ", "; ", " | ", " & ", " &&", "&&", ";", " |& ")
HEREDOC_NAMES = ("EOF", "EOT", "END", "SCRIPT", "eof", "E_O_F", "X1")
TEXT_PIECES = ("hello", "wörld", "日本語", "emoji 🐳", "tab\there", "a=b", "key=value",
               "with space", '"dq"', "'sq'", "`bt`", "\\", "\\\\", "$", "#", "#not-comment",
               "--flag", "-", "=", "==", "{", "}", "[", "]", ",", "\u00a0", "\u200b", "\x7f",
               "\x1b[31m", "\u2028", "\ufeff")


class Generator:
    """Builds one Dockerfile; every decision comes from the chooser ``c``."""

    def __init__(self, c) -> None:
        self.c = c
        self.esc = "\\"
        self.stages: list[str] = []
        self.lines: list[str] = []

    # -- small pieces ------------------------------------------------------------------------

    def keyword(self, kw: str) -> str:
        c = self.c
        if c.chance(0.9):
            return kw
        return c.choice((kw.lower(), kw.capitalize(), kw[:1] + kw[1:].lower()))

    def name(self) -> str:
        return self.c.choice(NAMES)

    def var(self) -> str:
        n = self.name()
        return self.c.choice((
            f"${n}", f"${{{n}}}", f"${{{n}:-default}}", f"${{{n}-x}}", f"${{{n}:+alt}}",
            f"${{{n}+y}}", f"${{{n}#*/}}", f"${{{n}##*.}}", f"${{{n}%/*}}", f"${{{n}%%.*}}",
            f"${{{n}/a/b}}", f"${{{n}//a/b}}", f"${{{n}:?missing}}", "$$", "${", "$",
            f"${{{n}", f"\\${n}", f"${{{n}:-${{{self.name()}}}}}", f"${{{n}:-}}"))

    def text(self) -> str:
        c = self.c
        r = c.randint(0, 9)
        if r < 4:
            return c.choice(TEXT_PIECES)
        if r < 6:
            return self.var()
        if r < 8:
            return self.quoted(c.choice(TEXT_PIECES))
        return "".join(c.choice(TEXT_PIECES) for _ in range(c.randint(2, 4)))

    def quoted(self, s: str) -> str:
        c = self.c
        k = c.randint(0, 5)
        if k == 0:
            return '"' + s.replace('"', '\\"') + '"'
        if k == 1:
            return "'" + s.replace("'", "") + "'"
        if k == 2:
            return '"' + s           # unterminated
        if k == 3:
            return '"' + s + self.var() + '"'
        return s

    def value(self) -> str:
        c = self.c
        k = c.randint(0, 7)
        if k == 0:
            return ""
        if k == 1:
            return self.var()
        if k == 2:
            return self.quoted(self.text() + " " + self.text())
        if k == 3:
            return c.choice(("1.0", "true", "0", "/usr/local/bin", "a,b", "x=y", "C.UTF-8"))
        return self.text()

    def image(self) -> str:
        c = self.c
        if self.stages and c.chance(0.25):
            return c.choice(self.stages)
        return c.choice(IMAGES)

    def cont(self) -> str:
        """A line continuation: the escape character, end of line, indentation; sometimes a
        comment line or an empty line inside, or whitespace after the escape character."""
        c = self.c
        k = c.randint(0, 9)
        if k == 0:
            return f" {self.esc}\n    # a comment inside the continuation\n    "
        if k == 1:
            return f" {self.esc}\n\n    "
        if k == 2:
            return f" {self.esc}  \n    "
        if k == 3:
            return f"{self.esc}\n"
        return f" {self.esc}\n    "

    def command(self) -> str:
        c = self.c
        cmd = c.choice(COMMANDS)
        if c.chance(0.2):
            cmd += " " + self.var()
        if c.chance(0.1):
            cmd += " " + self.quoted(self.text())
        return cmd

    def shell(self, max_commands: int = 4) -> str:
        """A shell-form script: commands joined by separators, some across continuations."""
        c = self.c
        parts = [self.command()]
        for _ in range(c.randint(0, max_commands - 1)):
            sep = c.choice(SEPARATORS)
            if c.chance(0.5):
                parts.append(sep.rstrip() + self.cont() + self.command())
            else:
                parts.append(sep + self.command())
        return "".join(parts)

    def json_array(self, words: list[str]) -> str:
        c = self.c
        k = c.randint(0, 11)
        if k == 0:
            return "[" + ", ".join(f"'{w}'" for w in words) + "]"        # not JSON
        if k == 1:
            return json.dumps(words)[:-1]                                 # no closing bracket
        if k == 2:
            return "[" + ", ".join(json.dumps(w) for w in words) + ",]"   # trailing comma
        if k == 3:
            return "[" + ", ".join([*map(json.dumps, words), "1"]) + "]"  # not all strings
        if k == 4 and len(words) > 1:                                     # across lines
            return "[" + f",{self.cont()}".join(json.dumps(w) for w in words) + "]"
        if k == 5:
            return "[]"
        return json.dumps(words, ensure_ascii=c.chance(0.5))

    def heredoc(self, prefix: str, dest: bool = False) -> list[str]:
        """Lines of a heredoc instruction: ``prefix`` then the marker(s), bodies, terminators."""
        c = self.c
        docs = []
        for _ in range(1 if c.chance(0.8) else 2):
            name = c.choice(HEREDOC_NAMES)
            form = c.choice(("<<{n}", "<<{n}", "<<-{n}", "<<'{n}'", '<<"{n}"', "<<-'{n}'",
                             "<< {n}", "<<{n}x"))
            docs.append((name, form.format(n=name), form.startswith("<<-")))
        first = prefix + " " + " ".join(m for _, m, _ in docs)
        if dest:
            first += " " + c.choice(("/dest/file", "/app/", "/etc/x.conf", "$DEST", ""))
        elif c.chance(0.3):
            first += c.choice((" > /tmp/out", " | sh", " && echo done", " /dest/file"))
        lines = [first]
        for name, _, dash in docs:
            if c.chance(0.3):
                lines.append(c.choice(("#!/bin/sh", "#!/usr/bin/env bash", "#!/bin/bash -e",
                                       "#!/usr/bin/env python3")))
            for _ in range(c.randint(0, 4)):
                body = self.command() if c.chance(0.8) else self.text()
                if dash and c.chance(0.5):
                    body = "\t" + body
                if c.chance(0.1):
                    body += " " + self.esc          # a continuation inside the heredoc
                lines.append(body)
            k = c.randint(0, 19)
            if k == 0:
                continue                            # unterminated
            if k == 1:
                lines.append(name.lower() if name != name.lower() else name.upper())
            elif k == 2:
                lines.append(" " + name)
            elif dash and k < 6:
                lines.append("\t" + name)
            else:
                lines.append(name)
        return lines

    def flags(self, pool: Sequence[str], most: int = 2) -> str:
        c = self.c
        chosen = [c.choice(pool) for _ in range(c.randint(0, most))]
        return "".join(f + " " for f in chosen)

    # -- instructions -------------------------------------------------------------------------

    def from_(self) -> list[str]:
        c = self.c
        line = self.keyword("FROM") + " "
        if c.chance(0.2):
            line += c.choice(("--platform=$BUILDPLATFORM ", "--platform=linux/amd64 ",
                              "--platform=${TARGETPLATFORM} ", "--platform ", "--bogus=1 "))
        line += self.image()
        if c.chance(0.6):
            name = c.choice(("build", "builder", "base", "runtime", "final", "Build", "test",
                             "deps", "1st", "a-b", "x_y", "final"))
            line += " " + c.choice(("AS", "as", "As")) + " " + name
            self.stages.append(name)
        elif c.chance(0.05):
            line += " AS"
        return [line]

    def run(self) -> list[str]:
        c = self.c
        kw = self.keyword("RUN") + " " + self.flags((
            "--mount=type=cache,target=/root/.cache", "--mount=type=cache,target=/var/cache/apt,"
            "sharing=locked", "--mount=type=secret,id=token", "--mount=type=ssh",
            "--mount=type=bind,from=build,source=/out,target=/in",
            "--mount=type=tmpfs,target=/tmp", "--mount=target=/x", "--mount", "--mount=",
            "--mount=type=bogus", "--network=none", "--network=host", "--security=insecure",
            "--bogus", "--mount=type=cache,id=$X,target=${HOME}/.m2"))
        k = c.randint(0, 9)
        if k < 5:
            return (kw + self.shell()).split("\n")
        if k < 7:
            return self.heredoc(kw.rstrip() + c.choice(("", "", " bash", " cat", " python3",
                                                          " sh -c")))
        words = c.choice((["sh", "-c", self.shell(2).replace("\n", " ")],
                          ["/bin/echo", self.text()], ["apt-get", "install", "-y", "curl"],
                          [self.command()], ["bash", "-o", "pipefail", "-c", self.command()]))
        return (kw + self.json_array(words)).split("\n")

    def copy(self) -> list[str]:
        c = self.c
        kw = c.choice(("COPY", "COPY", "ADD"))
        pool = ["--chown=app:app", "--chown=1000", "--chown=$UID:$GID", "--chmod=755",
                "--chmod=u+x", "--link", "--link=false", "--exclude=*.md", "--parents",
                "--from=0", "--from=nginx:latest", "--from=$BASE", "--chown="]
        if self.stages:
            pool += [f"--from={self.c.choice(self.stages)}"] * 3
        if kw == "ADD":
            pool += ["--checksum=sha256:" + "b" * 64, "--keep-git-dir=true", "--unpack=true"]
        line = self.keyword(kw) + " " + self.flags(pool)
        k = c.randint(0, 9)
        if k == 0:
            return self.heredoc(line.rstrip(), dest=True)      # COPY <<EOF /dest
        srcs = [c.choice((".", "src/", "app.py", "package*.json", "requirements.txt",
                          "https://example.com/f.tgz", "git@github.com:a/b.git",
                          "https://github.com/a/b.git#main", "*.tar.gz", "/abs/path", "../up",
                          "$SRC", "dir with space", "~/x", "a[b].txt"))
                for _ in range(c.randint(0 if c.chance(0.05) else 1, 3))]
        dest = c.choice(("/app/", "/app", ".", "./", "/usr/local/bin/", "$APP_HOME",
                         "relative/dir", "C:\\app", "/etc/x.conf", ""))
        if k == 1:
            return [line + self.json_array(srcs + [dest])]
        if k == 2 and srcs:
            return [line + srcs[0] + self.cont() + " ".join(srcs[1:] + [dest])]
        return [line + " ".join(srcs + [dest])]

    def env(self, kw: str = "ENV") -> list[str]:
        c = self.c
        line = self.keyword(kw) + " "
        if c.chance(0.15):                                  # the legacy `ENV key value` form
            return [line + self.name() + " " + self.value() + " " + self.text()]
        pairs = []
        for _ in range(c.randint(1, 4)):
            key = self.name() if kw == "ENV" else c.choice((
                "org.opencontainers.image.version", "org.opencontainers.image.source",
                "maintainer", "version", "com.example.label-with-dash", '"quoted key"',
                "description", self.name()))
            if c.chance(0.05):
                pairs.append(key)                           # no value
            else:
                pairs.append(f"{key}={self.value()}")
        if c.chance(0.4):
            return (line + self.cont().join(pairs)).split("\n")
        return [line + " ".join(pairs)]

    def arg(self) -> list[str]:
        c = self.c
        names = []
        for _ in range(c.randint(1, 2)):
            n = self.name()
            names.append(n if c.chance(0.5) else f"{n}={self.value()}")
        return [self.keyword("ARG") + " " + " ".join(names)]

    def simple(self) -> list[str]:
        c = self.c
        kw = c.choice(("USER", "WORKDIR", "EXPOSE", "VOLUME", "STOPSIGNAL", "MAINTAINER",
                       "CMD", "ENTRYPOINT", "CMD", "ENTRYPOINT"))
        if kw == "USER":
            arg = c.choice(("root", "0", "app", "1000:1000", "$UID", "${UID}:${GID}", "",
                            "nobody", "app:app", "0:0", "ContainerUser", "65534"))
        elif kw == "WORKDIR":
            arg = c.choice(("/app", "app", "$HOME/x", "/", "C:\\\\app", "", "/a b",
                            "${APP_HOME:-/srv}", "~"))
        elif kw == "EXPOSE":
            arg = " ".join(c.choice(("80", "8080/tcp", "53/udp", "70000", "$PORT", "1000-2000",
                                     "22", "abc", "443/sctp", "0", "8080/TCP"))
                           for _ in range(c.randint(0, 3)))
        elif kw == "VOLUME":
            vols = ["/data", "/var/lib/x", "$VOL", "relative"][:c.randint(1, 4)]
            arg = self.json_array(vols) if c.chance(0.4) else " ".join(vols)
        elif kw == "STOPSIGNAL":
            arg = c.choice(("SIGTERM", "9", "SIGKILL", "$SIG", "SIGNOPE", "-1", "SIGRTMIN+3"))
        elif kw == "MAINTAINER":
            arg = c.choice(("Jane Doe <jane@example.com>", "", "x"))
        else:
            if c.chance(0.5):
                words = c.choice((["/usr/local/bin/app", "--port", "8080"], ["nginx", "-g",
                                  "daemon off;"], ["python", "app.py"], [self.text()]))
                arg = self.json_array(words)
            else:
                arg = self.shell(2)
        return (self.keyword(kw) + (" " + arg if arg or c.chance(0.5) else "")).split("\n")

    def healthcheck(self) -> list[str]:
        c = self.c
        line = self.keyword("HEALTHCHECK") + " "
        if c.chance(0.15):
            return [line + c.choice(("NONE", "none", "NONE extra", ""))]
        line += self.flags(("--interval=30s", "--timeout=3s", "--start-period=5s",
                            "--retries=3", "--start-interval=1s", "--interval=0s",
                            "--retries=-1", "--timeout=abc", "--bogus=x", "--interval"), 3)
        line += self.keyword("CMD") + " "
        if c.chance(0.5):
            return (line + self.json_array(["curl", "-f", "http://localhost/"])).split("\n")
        return (line + self.shell(2)).split("\n")

    def shell_instruction(self) -> list[str]:
        c = self.c
        words = c.choice((["/bin/bash", "-o", "pipefail", "-c"], ["/bin/sh", "-c"],
                          ["powershell", "-Command"], ["cmd", "/S", "/C"], ["/bin/ash", "-eo",
                          "pipefail", "-c"], ["bash"], [], ["zsh", "-c"]))
        if c.chance(0.1):
            return [self.keyword("SHELL") + " " + " ".join(words)]      # not JSON: an error
        return (self.keyword("SHELL") + " " + self.json_array(words)).split("\n")

    def onbuild(self) -> list[str]:
        c = self.c
        inner = c.choice((self.run, self.copy, self.simple, self.env, self.arg,
                          lambda: [self.keyword("ONBUILD") + " RUN true"],
                          lambda: [self.keyword("FROM") + " alpine"],
                          lambda: [""]))()
        inner[0] = self.keyword("ONBUILD") + " " + inner[0]
        return inner

    def comment(self) -> list[str]:
        c = self.c
        return [c.choice((
            "# just a comment", "#", "#comment without space", "   # indented comment",
            "# docklint: ignore=DK401", "# docklint: ignore=DK401,DK402 because reasons",
            "# docklint: disable-file=DK100", "# docklint: ignore=NOPE",
            "# hadolint ignore=DL3008,DL3009", "# hadolint global ignore=DL3006",
            "# noqa", "# docklint:ignore", "# check=skip=all", "# syntax=docker/dockerfile:1",
            "# escape=`", "# TODO(me): fix " + self.text()))]

    def unknown(self) -> list[str]:
        c = self.c
        return [c.choice(("RUNN true", "FOO bar", "COPYY a b", "EXPOSED 80", "from", "RUN",
                          "ENV", "LABEL", "ONBUILD", "  ", "\t", "= x", "\\", "`",
                          "[\"json\"]", "<<EOF", "-- -- --"))]

    def instruction(self) -> list[str]:
        c = self.c
        k = c.randint(0, 99)
        if k < 30:
            return self.run()
        if k < 42:
            return self.copy()
        if k < 50:
            return self.env("ENV")
        if k < 56:
            return self.env("LABEL")
        if k < 62:
            return self.arg()
        if k < 76:
            return self.simple()
        if k < 80:
            return self.healthcheck()
        if k < 83:
            return self.shell_instruction()
        if k < 86:
            return self.onbuild()
        if k < 93:
            return self.comment()
        if k < 97:
            return [""]
        if k < 99:
            return self.unknown()
        return self.from_()

    # -- the file -----------------------------------------------------------------------------

    def dockerfile(self) -> str:
        c = self.c
        lines: list[str] = []
        if c.chance(0.3):
            lines.append(c.choice(("# syntax=docker/dockerfile:1",
                                   "# syntax=docker/dockerfile:1.7-labs",
                                   "#syntax=example.com/x", "# syntax = docker/dockerfile:1")))
        if c.chance(0.15):
            self.esc = c.choice(("`", "`", "\\", "x", ""))
            lines.append(c.choice((f"# escape={self.esc}", f"#escape={self.esc}",
                                   f"# ESCAPE = {self.esc}")))
            if self.esc not in ("`", "\\"):
                self.esc = "\\"
        if c.chance(0.1):
            lines.append(c.choice(("# check=skip=JSONArgsRecommended", "# check=error=true",
                                   "# check=skip=all;error=true", "# check=bogus")))
        for _ in range(c.randint(0, 2)):
            lines += self.arg()
        for _ in range(c.randint(0 if c.chance(0.05) else 1, 3)):
            lines += self.from_()
            for _ in range(c.randint(0, 8)):
                lines += self.instruction()
        text = "\n".join(lines)
        k = c.randint(0, 19)
        if k == 0:
            text = text.replace("\n", "\r\n")
        elif k == 1:                                      # mixed line endings
            text = "".join(ch if ch != "\n" or c.chance(0.5) else "\r\n" for ch in text)
        if not c.chance(0.1):
            text += "\r\n" if k == 0 else "\n"
        return text


def generate(c) -> bytes:
    """One generated Dockerfile, as bytes."""
    return Generator(c).dockerfile().encode("utf-8", "surrogatepass")


# ==============================================================================================
# hostile inputs: what a pull request from a stranger may hold (issue 12)

# escape and control sequences a message must never carry raw to a terminal: clear screen,
# window title, hyperlink, colour, BEL, backspace, C1 controls (0x9B is CSI on 8-bit terminals,
# 0x85 is NEL), bidi overrides and isolates ("Trojan Source"), NUL, DEL, line breaks
CONTROL_PIECES = (
    "\x1b[2J\x1b[H", "\x1b]0;owned\x07", "\x1b]8;;https://evil.example/\x1b\\link\x1b]8;;\x1b\\",
    "\x1b[31m", "\x1b[0m", "\x1b", "\x07", "\x08\x08\x08", "\x9b2J", "\x9b", "\x85", "\x90",
    "\x9d0;t\x9c", "\u202e", "\u202d", "\u2066", "\u2067", "\u2068", "\u2069", "\u200e",
    "\u200f", "\u061c", "\u202a", "\u202b", "\u202c", "\x00", "\x7f", "\r", "\x0b", "\x0c",
    "\x1b[1A\x1b[2K::error::forged", "\u2028", "\u2029")

# the characters the control-character invariant refuses in a message: C0 but tab and line
# feed (a line feed has its own invariant), DEL, C1, and the bidi controls
RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e"
                         "\u2066-\u2069]")

# openers of shell nesting and what closes each (None: nests without a closer of its own)
NESTERS = (("$(", ")"), ("`", "`"), ("(", ")"), ("{ ", "; }"), ("${X:-", "}"), ("$((", "))"),
           ('"$(', ')"'), ("<(", ")"), ("$(( (", ") ))"), ("if true; then ", "; fi"),
           ("while false; do ", "; done"), ("case x in x) ", ";; esac"))


class HostileGenerator(Generator):
    """A :class:`Generator` whose files also hold what a hostile contributor would write: shell
    and variables nested thousands deep, thousands of ``&&``, doubling ARG/ENV chains (an
    "expansion bomb"), and control characters in names, values, labels, users and file
    names."""

    def __init__(self, c, controls: bool = False) -> None:
        super().__init__(c)
        self.controls = controls

    # -- control characters in what the other generators write -------------------------------

    def spiced(self, s: str, p: float = 0.35) -> str:
        """``s`` with a control sequence put somewhere in it (when this generator adds them)."""
        c = self.c
        if not self.controls or not c.chance(p):
            return s
        i = c.randint(0, len(s))
        return s[:i] + c.choice(CONTROL_PIECES) + s[i:]

    def name(self) -> str:
        return self.spiced(super().name(), 0.15)

    def text(self) -> str:
        return self.spiced(super().text())

    def value(self) -> str:
        return self.spiced(super().value())

    def image(self) -> str:
        return self.spiced(super().image(), 0.2)

    def command(self) -> str:
        return self.spiced(super().command(), 0.2)

    def control_instruction(self) -> list[str]:
        """An instruction quoting a control sequence where rules quote the Dockerfile: a user,
        a label, an ARG/ENV name or value, a file name, a package, a stage, a port, a pragma."""
        c = self.c
        x = c.choice(CONTROL_PIECES)
        return [c.choice((
            f"USER app{x}", f"USER {x}", f"USER 0{x}:0", f'LABEL maintainer="a{x}b"',
            f"LABEL org.opencontainers.image.version={x}1.0", f"LABEL l{x}bel=v",
            f"LABEL org.opencontainers.image.source=https://x{x}.example/",
            f"ARG NA{x}ME=1", f"ARG SECRET_TOKEN=abc{x}", f"ENV PASS{x}WORD=hunter2",
            f"ENV PATH=/usr/bin{x}:$PATH", f"COPY fi{x}le.txt /app/", f'COPY ["a{x}b", "/x/"]',
            f"ADD https://ex{x}ample.com/f.tgz /opt/", f"COPY --from=bu{x}ild /out /app",
            f"COPY --chown=us{x}er:grp x /y", f"WORKDIR /ap{x}p", f"WORKDIR rel{x}ative",
            f"EXPOSE 80{x}", f"EXPOSE {x}", f"STOPSIGNAL SIG{x}TERM",
            f'SHELL ["/bin/b{x}sh", "-c"]', f"RUN apt-get install -y cu{x}rl",
            f"RUN pip install fla{x}sk", f"RUN npm install lo{x}dash",
            f"RUN apk add bash{x}", f"RUN cd /tm{x}p && make", f"RUN useradd -u 1234567 us{x}er",
            f"RUN echo ${{UN{x}SET}}", f"FROM alpine:3.20 AS st{x}age", f"FROM alp{x}ine",
            f"FROM ${{BA{x}SE}}", f"HEALTHCHECK --interval=3{x}s CMD true", f"CMD [\"a{x}\"]",
            f"# docklint ignore=DK4{x}01", f"# hadolint ignore=DL3{x}008", f"# check=skip={x}",
            f"ONBUILD RUN echo {x}", f"MAINTAINER me{x}", f"VOLUME /da{x}ta"))]

    # -- deep nesting ------------------------------------------------------------------------

    def depth(self) -> int:
        c = self.c
        k = c.randint(0, 9)
        if k < 3:
            return c.randint(1, 60)
        if k < 7:
            return c.randint(60, 600)
        return c.randint(600, 3000)

    def nested(self, depth: int | None = None) -> str:
        """A shell word or command nested ``depth`` deep: one kind of opener or a mix, closed,
        half closed or not closed at all."""
        c = self.c
        depth = self.depth() if depth is None else depth
        if c.chance(0.5):
            kinds = [c.choice(NESTERS)] * depth
        else:
            pool = [c.choice(NESTERS) for _ in range(c.randint(2, 4))]
            kinds = [c.choice(pool) for _ in range(depth)]
        inner = c.choice(("x", "echo x", "true", "1", "$X", "${Y}", ""))
        opened = "".join(o for o, _ in kinds)
        closing = "".join(cl for _, cl in reversed(kinds))
        k = c.randint(0, 5)
        if k == 0:
            closing = ""                                   # never closed
        elif k == 1:
            closing = closing[:c.randint(0, len(closing))]  # half closed
        return opened + inner + closing

    def chain(self) -> str:
        """Thousands of commands joined by ``&&`` (or another separator, or a mix)."""
        c = self.c
        n = c.choice((c.randint(100, 1000), c.randint(1000, 5000)))
        seps = (" && ",) if c.chance(0.6) else (" && ", " || ", " | ", "; ", " & ", " &&\\\n  ")
        cmd = c.choice(("true", "echo $X", "apt-get install -y curl", "cd /tmp", "x=1", ":"))
        return cmd + "".join(c.choice(seps) + cmd for _ in range(n - 1))

    def nesting_instruction(self) -> list[str]:
        c = self.c
        k = c.randint(0, 9)
        if k < 4:
            return ("RUN echo " + self.nested()).split("\n")
        if k < 6:
            return ("RUN " + self.chain()).split("\n")
        if k == 6:
            return ["RUN <<EOF", "echo " + self.nested(), "EOF"]
        # BuildKit expands variables in these: ${X:-${X:-...}} reaches the expander
        word = "${X:-" * self.depth() + "a" + "}" * (0 if c.chance(0.3) else self.depth())
        return [c.choice((f"FROM debian:{word}", f"ENV A={word}", f"LABEL l={word}",
                          f"USER {word}", f"WORKDIR /{word}", f"COPY {word} /x/",
                          f"ARG B={word}", f"EXPOSE {word}"))]

    # -- expansion bombs ---------------------------------------------------------------------

    def bomb(self) -> tuple[list[str], list[str], str]:
        """A doubling chain (up to 40 lines): ``ARG A1=${A0}${A0}``, ... Returns the global
        lines (before the first FROM), the stage lines and the last name."""
        c = self.c
        n = c.randint(2, 40)
        kw = c.choice(("ARG", "ENV", "ARG"))
        p = c.choice(("A", "V", "LONG_VARIABLE_NAME_"))
        ref = c.choice(("${{{p}{j}}}", "${p}{j}", "${{{p}{j}:-x}}", "${{{p}{j}:+$$}}"))
        times = c.choice((2, 2, 3))
        first = c.choice(("ab", "x" * c.randint(1, 64), "a b", "$$", "${UNSET}"))
        lines = [f"{kw} {p}0={first}"]
        for i in range(1, n):
            one = ref.format(p=p, j=i - 1)
            if c.chance(0.15):              # several pairs on one ENV/ARG line
                lines.append(f"{kw} {p}{i}a={one * times} {p}{i}={one * times}")
            else:
                lines.append(f"{kw} {p}{i}={one * times}")
        last = f"{p}{n - 1}"
        uses = [c.choice((f"RUN echo ${last}", f"LABEL big=${last}", f"USER ${last}",
                          f"WORKDIR /${last}", f"COPY ${last} /x/", f"ENV COPY_OF=${last}",
                          f"EXPOSE ${last}", f"ADD https://x.example/${last} /y",
                          f"RUN --mount=type=cache,target=/${last} true",
                          f"HEALTHCHECK CMD curl ${last}", f"STOPSIGNAL ${last}"))
                for _ in range(c.randint(1, 3))]
        if kw == "ARG" and c.chance(0.6):
            return lines, [f"FROM debian:${last}", *uses], last          # global ARGs
        return [], ["FROM debian:12", *lines, *uses], last

    # -- the file -----------------------------------------------------------------------------

    def hostile(self, kind: str) -> str:
        """A generated file (small) with hostile instructions of ``kind`` put in it:
        ``nesting``, ``bomb`` or ``control``."""
        c = self.c
        lines = self.dockerfile().split("\n") if c.chance(0.5) else ["FROM debian:12"]
        extra: list[str] = []
        front: list[str] = []
        if kind == "nesting":
            for _ in range(c.randint(1, 3)):
                extra += self.nesting_instruction()
        elif kind == "bomb":
            front, extra, _ = self.bomb()
        else:
            for _ in range(c.randint(1, 6)):
                extra += self.control_instruction()
        # after the first FROM of the generated file, or at its end
        at = next((i + 1 for i, ln in enumerate(lines) if ln.upper().startswith("FROM")),
                  len(lines))
        if c.chance(0.3):
            at = len(lines)
        if kind == "bomb" and front:
            return "\n".join(front + lines[:at] + extra + lines[at:]) + "\n"
        return "\n".join(lines[:at] + extra + lines[at:]) + "\n"


HOSTILE_KINDS = ("nesting", "bomb", "control")


def generate_hostile(c, kind: str | None = None) -> tuple[bytes, str]:
    """One hostile Dockerfile, as bytes, and its kind."""
    kind = kind or c.choice(HOSTILE_KINDS)
    g = HostileGenerator(c, controls=(kind == "control"))
    return g.hostile(kind).encode("utf-8", "surrogatepass"), kind


# ==============================================================================================
# mutators (bytes -> bytes); ``other`` is another input, for splicing

def _pos(c, data: bytes) -> int:
    return c.randint(0, len(data))


def _line_start(c, data: bytes) -> int:
    starts = [0] + [m.end() for m in re.finditer(rb"\n", data)]
    return c.choice(starts)


def m_truncate(c, data, other):
    return data[:_pos(c, data)]


def m_splice(c, data, other):
    return data[:_pos(c, data)] + other[_pos(c, other):]


def m_continuation(c, data, other):
    i = _pos(c, data)
    return data[:i] + c.choice((b"\\\n", b" \\\n", b"\\\r\n", b"\\", b"`\n", b"\\ \n",
                                b"\\\n\\\n", b"\\\n# c\n", b"\\\n\n")) + data[i:]


def m_heredoc(c, data, other):
    i = _pos(c, data) if c.chance(0.5) else _line_start(c, data)
    marker = c.choice((b"<<EOF", b"<<-EOT", b"<<'EOF'", b'<<"EOF"', b"<<EOF\n", b"RUN <<EOF\n",
                       b"COPY <<EOF /x\n", b"\nEOF\n", b"<<EOF <<EOT", b"<<", b"<<-"))
    return data[:i] + marker + data[i:]


def m_quote(c, data, other):
    i = _pos(c, data)
    return data[:i] + c.choice((b'"', b"'", b"`", b'\\"', b"\\'", b"[", b"]", b"{", b"}",
                                b"${", b"$(")) + data[i:]


def m_escape(c, data, other):
    i = _pos(c, data)
    return data[:i] + c.choice((b"\\", b"\\\\", b"`", b"\\t", b"\\n", b"\\x00", b"\\u0000",
                                b"%", b"\\$")) + data[i:]


def m_nul(c, data, other):
    i = _pos(c, data)
    return data[:i] + b"\x00" * c.randint(1, 3) + data[i:]


def m_invalid_utf8(c, data, other):
    i = _pos(c, data)
    return data[:i] + c.choice((b"\xff", b"\xfe", b"\xc3", b"\xe2\x82", b"\xed\xa0\x80",
                                b"\xf4\x90\x80\x80", b"\x80", b"\xc0\xaf", b"\xf0\x9f\x90")) + \
        data[i:]


def m_long_line(c, data, other):
    i = _line_start(c, data)
    size = c.choice((300, 5_000, 20_000, 70_000))
    body = c.choice((b"a", b"ab ", b"\\", b"$X", b"x=y ", b"&& ", b'"', b"-")) * \
        max(1, size // 3)
    prefix = c.choice((b"RUN echo ", b"ENV A=", b"LABEL l=", b"", b"# ", b"COPY "))
    return data[:i] + prefix + body + b"\n" + data[i:]


def m_flip(c, data, other):
    if not data:
        return bytes([c.randint(0, 255)])
    out = bytearray(data)
    for _ in range(c.randint(1, 8)):
        i = c.randint(0, len(out) - 1)
        out[i] = c.randint(0, 255) if c.chance(0.5) else out[i] ^ (1 << c.randint(0, 7))
    return bytes(out)


def m_delete(c, data, other):
    i = _pos(c, data)
    return data[:i] + data[min(len(data), i + c.randint(1, 200)):]


def m_repeat(c, data, other):
    i = _pos(c, data)
    j = min(len(data), i + c.randint(1, 300))
    return data[:j] + data[i:j] * c.randint(1, 20) + data[j:]


def m_line_endings(c, data, other):
    k = c.randint(0, 3)
    if k == 0:
        return data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    if k == 1:
        return data.replace(b"\r\n", b"\n").replace(b"\n", b"\r")
    if k == 2:
        return data.replace(b"\r\n", b"\n")
    i = _pos(c, data)
    return data[:i] + b"\r" + data[i:]


def m_bom(c, data, other):
    return c.choice((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\xef\xbb")) + data


def m_escape_directive(c, data, other):
    return c.choice((b"# escape=`\n", b"# escape=\\\n", b"#escape=`\r\n",
                     b"# escape=`\n# syntax=docker/dockerfile:1\n")) + data


def m_keyword(c, data, other):
    i = _line_start(c, data)
    kw = c.choice((b"RUN ", b"FROM ", b"ONBUILD ", b"COPY ", b"ENV ", b"ARG ", b"HEALTHCHECK ",
                   b"SHELL ", b"CMD ", b"USER ", b"LABEL ", b"# ", b"  ", b"\t", b"ADD ",
                   b"WORKDIR ", b"EXPOSE ", b"ENTRYPOINT ", b"VOLUME ", b"STOPSIGNAL "))
    return data[:i] + kw + data[i:]


def m_nest(c, data, other):
    """Shell or variables nested deep (up to a few thousand levels), or thousands of ``&&``,
    put at a line start or inside a line."""
    g = HostileGenerator(c)
    piece = "\n".join(g.nesting_instruction()) + "\n" if c.chance(0.6) else \
        (g.nested() if c.chance(0.7) else g.chain())
    i = _line_start(c, data) if piece.endswith("\n") else _pos(c, data)
    return data[:i] + piece.encode("utf-8") + data[i:]


def m_control(c, data, other):
    """Control sequences (ESC, C1, bidi, BEL, NUL...) put at a few places; sometimes the raw
    C1 byte 0x9B, which is not UTF-8."""
    for _ in range(c.randint(1, 5)):
        i = _pos(c, data)
        piece = b"\x9b" if c.chance(0.1) else c.choice(CONTROL_PIECES).encode("utf-8")
        data = data[:i] + piece + data[i:]
    return data


def m_bomb(c, data, other):
    """A doubling ARG/ENV chain (up to 40 lines) put at the top (global ARGs) or at a line
    start, with its uses."""
    front, lines, _ = HostileGenerator(c).bomb()
    block = "\n".join(front + lines if front else lines[1:]) + "\n"
    if front:
        return block.encode("utf-8") + data
    i = _line_start(c, data)
    return data[:i] + block.encode("utf-8") + data[i:]


MUTATORS: tuple[Callable, ...] = (
    m_truncate, m_splice, m_continuation, m_continuation, m_heredoc, m_heredoc, m_quote,
    m_quote, m_escape, m_nul, m_invalid_utf8, m_long_line, m_flip, m_flip, m_delete, m_repeat,
    m_line_endings, m_bom, m_escape_directive, m_keyword, m_keyword, m_nest, m_control,
    m_control, m_bomb)


def mutate(c, data: bytes, other: bytes, rounds: int | None = None) -> tuple[bytes, list[str]]:
    """``data`` put through 1 to 4 mutators (``rounds`` of them if given); returns the bytes
    and the mutators' names. The result is capped at 1 MB (the linter's limit is 10 MiB; a
    bigger input only slows the fuzzer down)."""
    names = []
    for _ in range(c.randint(1, 4) if rounds is None else rounds):
        m = c.choice(MUTATORS)
        data = m(c, data, other)[:1_000_000]
        names.append(m.__name__[2:])
    return data, names


# ==============================================================================================
# the corpus

def default_corpus() -> Path:
    shared = os.environ.get("DOCKLINT_SHARED")
    return (Path(shared) if shared else ROOT.parent / "shared") / "corpus"


def load_corpus(corpus: Path | None) -> list[bytes]:
    """Every file of ``corpus/MANIFEST.tsv``, as bytes; [] when there is no corpus."""
    if corpus is None or not (corpus / "MANIFEST.tsv").is_file():
        return []
    rows = (corpus / "MANIFEST.tsv").read_text(encoding="utf-8").splitlines()
    col = rows[0].split("\t").index("file")
    out = []
    for row in rows[1:]:
        if row.strip():
            try:
                out.append((corpus / row.split("\t")[col]).read_bytes())
            except OSError:
                pass
    return out


def make_input(c, corpus: Sequence[bytes]) -> tuple[bytes, str]:
    """One fuzz input and a description of how it was made."""
    k = c.randint(0, 99)
    if corpus and k < 40:
        data, names = mutate(c, c.choice(corpus), c.choice(corpus))
        return data, "corpus+" + "+".join(names)
    if corpus and k < 42:
        return c.choice(corpus), "corpus"
    if k < (58 if corpus else 30):
        other = c.choice(corpus) if corpus and c.chance(0.5) else generate(c)
        data, names = mutate(c, generate(c), other)
        return data, "generated+" + "+".join(names)
    if k < (70 if corpus else 45):
        data, kind = generate_hostile(c)
        if c.chance(0.25):
            data, names = mutate(c, data, generate(c))
            return data, f"hostile-{kind}+" + "+".join(names)
        return data, f"hostile-{kind}"
    return generate(c), "generated"


def input_for(seed: int, index: int, corpus: Sequence[bytes]) -> tuple[bytes, str]:
    return make_input(RandomChooser(random.Random(f"docklint-fuzz:{seed}:{index}")), corpus)


# ==============================================================================================
# the properties

ALL = Settings(select=["ALL"], preview=True)
WITHOUT_SHELLCHECK = Settings(select=["ALL"], ignore=["DK440"], preview=True)


class Checker:
    """Lints inputs with every rule (optionally without DK440) and returns what is wrong.

    The rules are wrapped so that the spans they yield are checked before the engine clamps
    them into the text."""

    def __init__(self) -> None:
        self.raw_problems: list[str] = []
        self.gave_up: list[str] = []        # the last input's rules that gave up (budgets)
        self._text_length = 0
        self.rules = {True: self._wrap(select_rules(ALL)),
                      False: self._wrap(select_rules(WITHOUT_SHELLCHECK))}

    def _wrap(self, rules: list[Rule]) -> list[Rule]:
        return [replace(r, check=self._watch(r)) for r in rules]

    def _watch(self, rule: Rule):
        check = rule.check

        def watched(df, options):
            n = self._text_length
            for f in check(df, options):
                spans = [("span", f.span)] + [("related span", x.span) for x in f.related]
                if f.fix is not None:
                    spans += [("fix edit span", e.span) for e in f.fix.edits]
                for what, s in spans:
                    if not (isinstance(s, Span) and 0 <= s.start <= s.end <= n):
                        self.raw_problems.append(
                            f"{rule.code}: rule yielded {what} {s} outside the text "
                            f"(length {n}): {f.message}")
                yield f
        return watched

    def lint(self, data: bytes, shellcheck: bool) -> FileResult:
        self.raw_problems = []
        # the length of the decoded text, which the rules see: set before they run
        from docklint.source import decode_bytes
        d = decode_bytes(data)
        self._text_length = 0 if d.fatal else len(d.text)
        return lint_bytes(data, "Dockerfile", ALL if shellcheck else WITHOUT_SHELLCHECK,
                          self.rules[shellcheck])

    def check(self, data: bytes, shellcheck: bool = False,
              timeout: float | None = None) -> tuple[list[str], int]:
        """(problems, number of findings) for one input. With ``timeout`` (seconds; POSIX main
        thread only), a check that takes longer is stopped and reported as a hang, with the
        function it was stuck in."""
        if timeout is None or not hasattr(signal, "setitimer") or \
                threading.current_thread() is not threading.main_thread():
            return self._check(data, shellcheck)

        def expired(signum, frame):
            raise LintTimeout()
        previous = signal.signal(signal.SIGALRM, expired)
        signal.setitimer(signal.ITIMER_REAL, timeout)
        try:
            return self._check(data, shellcheck)
        except LintTimeout as exc:
            return [f"lint did not finish within {timeout:g} s (a hang?): stuck in "
                    f"{_stuck_in(exc.__traceback__)}"], 0
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)

    def _check(self, data: bytes, shellcheck: bool) -> tuple[list[str], int]:
        self.gave_up = []
        try:
            result = self.lint(data, shellcheck)
        except Exception:  # noqa: BLE001 - the point is to report it
            return ["lint raised: " + _last_line(traceback.format_exc()),
                    traceback.format_exc()], 0
        problems = list(self.raw_problems)
        problems += [f"rule crash: {m}" for m in result.internal if not gave_up(m)]
        self.gave_up = [m for m in result.internal if gave_up(m)]
        problems += failure_problems(result)
        if result.error:
            problems.append(f"FileResult.error: {result.error}")
        source = result.source
        if source is None:
            return problems + ["FileResult.source is None"], 0
        for f in result.findings:
            problems += [f"{f.code} at {f.line}:{f.column}: {p}"
                         for p in finding_problems(source, f)]
        if result.dockerfile is not None:
            problems += parser_problems(result.dockerfile)
        try:
            again = self.lint(data, shellcheck)
        except Exception:  # noqa: BLE001
            return problems + ["lint raised on the second run: "
                               + _last_line(traceback.format_exc())], len(result.findings)
        if finding_keys(again) != finding_keys(result):
            problems.append("findings differ between two runs: "
                            + _first_difference(finding_keys(result), finding_keys(again)))
        if [m for m in again.internal if not _timing(m)] != \
                [m for m in result.internal if not _timing(m)]:
            problems.append("rule crashes differ between two runs")
        try:
            json.dumps(inspect_json(result.dockerfile), allow_nan=False)
        except Exception:  # noqa: BLE001
            problems.append("inspect_json: " + _last_line(traceback.format_exc()))
        return problems, len(result.findings)


class LintTimeout(BaseException):
    """Raised by the SIGALRM handler; a BaseException, so that ``except Exception`` in the
    engine (a crashing rule becomes an internal error) does not swallow it."""


def _stuck_in(tb) -> str:
    """The innermost docklint frame of a traceback: ``function (file:line)``."""
    where = "?"
    for frame, line in traceback.walk_tb(tb):
        path = frame.f_code.co_filename.replace(os.sep, "/")
        if "/linter/" in path or "/rules/" in path or "/docklint/" in path:
            short = path[path.rfind("/", 0, path.rfind("/")) + 1:]
            name = getattr(frame.f_code, "co_qualname", frame.f_code.co_name)
            where = f"{name} ({short}:{line})"
    return where


def _last_line(tb: str) -> str:
    lines = [x for x in tb.strip().splitlines() if x.strip()]
    where = [x.strip() for x in lines if x.strip().startswith("File ")]
    return lines[-1] + (f" ({where[-1]})" if where else "")


def finding_problems(source: Source, f: Finding) -> list[str]:
    """What is wrong with a stamped finding's positions."""
    n = len(source.text)
    out = []
    if not 0 <= f.span.start <= f.span.end <= n:
        return [f"span {f.span} outside the text (length {n})"]
    got = (f.line, f.column, f.end_line, f.end_column)
    if got != source.range(f.span):
        out.append(f"positions {got} but the span gives {source.range(f.span)}")
    if f.line < 1 or f.column < 1 or (f.end_line, f.end_column) < (f.line, f.column):
        out.append(f"impossible positions {got}")
    if f.line > max(1, source.line_count) + 1:
        out.append(f"line {f.line} past the end ({source.line_count} lines)")
    if len(f.related) != len(f.related_positions):
        out.append("related locations and their positions differ in number")
    for rel, pos in zip(f.related, f.related_positions):
        if not 0 <= rel.span.start <= rel.span.end <= n:
            out.append(f"related span {rel.span} outside the text (length {n})")
        elif tuple(pos[:4]) != source.range(rel.span) or pos[4] != rel.message:
            out.append(f"related position {pos} but its span gives {source.range(rel.span)}")
    if f.fix is not None:
        edits = sorted(f.fix.edits, key=lambda e: (e.span.start, e.span.end))
        for e in edits:
            if not 0 <= e.span.start <= e.span.end <= n:
                out.append(f"fix edit span {e.span} outside the text (length {n})")
        for a, b in zip(edits, edits[1:]):
            if b.span.start < a.span.end:
                out.append(f"fix edits overlap: {a.span} and {b.span}")
    if "\n" in f.message:
        out.append("message spans several lines")
    texts = [("message", f.message)] + [("related message", r.message) for r in f.related]
    texts += [("fix title", x.message) for x in (f.fix, *(r.fix for r in f.related))
              if x is not None]
    for what, text in texts:
        m = RAW_CONTROL.search(text)
        if m:
            out.append(f"{what} holds the raw control character U+{ord(m.group()):04X}: "
                       f"{text!r}"[:300])
    return out


def parser_problems(df) -> list[str]:
    """What is wrong with the spans the parser gave the instructions."""
    text, n = df.source.text, len(df.source.text)
    out: list[str] = []

    def walk(ins, trigger: bool) -> None:
        where = f"parser: line {ins.line} {ins.keyword}"
        span = ins.span
        if not 0 <= span.start <= span.end <= n:
            out.append(f"{where}: instruction span {span} outside the text (length {n})")
            return
        first, last = df.source.line_of(span.start), df.source.end_position(span)[0]
        if not trigger and (first, last) != (ins.line, ins.end_line):
            # documented (syntax.Instruction.end_line): BuildKit's end line counts the empty
            # lines that end an instruction (after a continuation, or swallowed by an
            # unterminated heredoc); the span stops at the last character of text
            if not (first == ins.line and last < ins.end_line <= df.source.line_count + 1 and
                    not text[span.end:df.source.line_end(ins.end_line)].strip()):
                out.append(f"{where}: span covers lines {first}-{last}, the instruction "
                           f"says {ins.line}-{ins.end_line}")
        keyword = text[ins.keyword_span.start:ins.keyword_span.end]
        # a keyword may be split by line continuations (``RU\<newline>N``): BuildKit joins
        # the lines first
        joined = _continuations(df.escape).sub("", keyword)
        if joined != ins.written:
            out.append(f"{where}: keyword span holds {keyword!r}, not {ins.written!r}")
        for part in (*ins.flags, *ins.args):
            if not span.contains(part.span):
                out.append(f"{where}: {type(part).__name__} span {part.span} outside {span}")
        for h in ins.heredocs:
            if text[h.body_span.start:h.body_span.end] != h.content:
                out.append(f"{where}: heredoc <<{h.name}: body span does not hold its content")
            if not span.contains(h.span):
                out.append(f"{where}: heredoc <<{h.name} span {h.span} outside {span}")
        if ins.sub is not None:
            walk(ins.sub, True)

    for ins in df.instructions:
        walk(ins, False)
    return out


@functools.lru_cache(maxsize=None)
def _continuations(escape: str) -> re.Pattern:
    """The escape character, end of line, and the empty or comment lines after it; "empty"
    as BuildKit reads it (Go's unicode.IsSpace: U+2028, U+3000... too)."""
    ws = "[ \\t\\v\\f\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]"
    return re.compile(re.escape(escape or "\\") + ws + r"*(?:\r\n|\n|\r)"
                      r"(?:" + ws + r"*(?:#[^\r\n]*)?(?:\r\n|\n|\r))*")


def finding_keys(result: FileResult) -> list[tuple]:
    """What must not change between two lints of the same bytes (a ShellCheck timeout, which
    depends on the machine's load, aside)."""
    return [(f.code, f.slug, f.severity, f.path, f.line, f.column, f.end_line, f.end_column,
             f.message, f.span, f.fix, f.related_positions) for f in result.findings
            if not (f.code == "DK005" and _timing(f.message))]


def _timing(message: str) -> bool:
    return "ShellCheck ran out of time" in message


# A rule may give up on hostile input by design (docklint.rule.CannotCheck: a depth or size
# budget, ShellCheck out of memory or time); the engine reports it as a DK005 finding. Any other
# reason, and any exception (RecursionError included), is a crash.
_BUDGET = re.compile(r"too deeply nested|deeper than|too (?:large|long|big|many)|out of "
                     r"(?:memory|time)|over the [^;]*limit|budget", re.I)


def gave_up(internal: str) -> bool:
    """Whether a ``FileResult.internal`` line is a rule that gave up within a budget (not a
    crash)."""
    return " internal error in rule " not in internal and " could not check " in internal \
        and bool(_BUDGET.search(internal.split(" could not check ", 1)[1])) and \
        "RecursionError" not in internal and "MemoryError" not in internal


def failure_problems(result: FileResult) -> list[str]:
    """Every rule that could not check the file is a DK005 finding at the place it names (the
    report never looks complete when it is not)."""
    out = []
    at = {(f.line, f.column) for f in result.findings if f.code == "DK005"}
    for x in getattr(result, "failed", ()):
        if (x.line, x.column) not in at:
            out.append(f"rule {x.code} failed at {x.line}:{x.column} without a DK005 finding "
                       f"there: {x.message}")
    return out


def _first_difference(a: list, b: list) -> str:
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return f"#{i}: {x[:9]} then {y[:9]}"
    return f"{len(a)} findings then {len(b)}"


# Bugs found by this fuzzer and not fixed yet, each pinned by a strict xfail test in
# tests/test_properties.py: (name, pattern matching the problem, the test). Problems matching
# one are counted apart and do not fail the run (``--strict``: they do); delete an entry when
# its test starts to pass.
KNOWN_ISSUES: tuple[tuple[str, str, str], ...] = (
)


def known_issue(problem: str) -> str | None:
    """The name of the known issue a problem is, or None."""
    for name, pattern, _ in KNOWN_ISSUES:
        if re.search(pattern, problem):
            return name
    return None


def signature(problems: list[str]) -> str:
    """A failure's kind: its first problem without numbers and quoted text."""
    first = problems[0] if problems else ""
    first = re.sub(r"'[^']*'|\"[^\"]*\"", "'…'", first)
    return re.sub(r"\d+", "N", first)[:160]


# ==============================================================================================
# the run

_state: dict = {}


def _init_worker(corpus_dir: str | None, seed: int, shellcheck_rate: float,
                 strict: bool = False, timeout: float = 30, memory_mb: int = 0) -> None:
    _state["strict"] = strict
    _state["timeout"] = timeout
    _state["corpus"] = load_corpus(Path(corpus_dir)) if corpus_dir else []
    _state["seed"] = seed
    _state["rate"] = shellcheck_rate
    limit_memory(memory_mb)
    # two lints of one input (the determinism check) must fit in the hang guard even when
    # ShellCheck runs out of time on both
    from docklint import shellcheck
    shellcheck.TIMEOUT = min(shellcheck.TIMEOUT, timeout / 3)
    _state["checker"] = Checker()


def limit_memory(megabytes: int) -> None:
    """Cap this process's address space (POSIX), so that an input that makes docklint eat
    memory is a MemoryError (reported as a failure) rather than a machine out of memory."""
    if megabytes <= 0:
        return
    try:
        import resource
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        want = megabytes << 20
        if hard != resource.RLIM_INFINITY:
            want = min(want, hard)
        resource.setrlimit(resource.RLIMIT_AS, (want, hard))
    except (ImportError, OSError, ValueError, AttributeError):
        pass


def _uses_shellcheck(seed: int, index: int, rate: float) -> bool:
    return random.Random(f"docklint-fuzz-shellcheck:{seed}:{index}").random() < rate


@dataclass
class Batch:
    count: int = 0
    findings: int = 0
    shellcheck: int = 0
    kinds: dict = field(default_factory=dict)
    failures: list = field(default_factory=list)      # (index, how, problems, data)
    known: dict = field(default_factory=dict)         # known issue -> [inputs, first input]
    slowest: list = field(default_factory=list)       # (seconds, index, how, size)
    gave_up: dict = field(default_factory=dict)       # reason kind -> [inputs, first input]


def _run_batch(indices: Sequence[int]) -> Batch:
    checker: Checker = _state["checker"]
    seed, corpus, rate = _state["seed"], _state["corpus"], _state["rate"]
    out = Batch()
    for i in indices:
        data, how = input_for(seed, i, corpus)
        sc = _uses_shellcheck(seed, i, rate)
        started = time.perf_counter()
        problems, findings = checker.check(data, sc, timeout=_state["timeout"])
        elapsed = time.perf_counter() - started
        out.count += 1
        out.findings += findings
        out.shellcheck += sc
        kind = how.split("+")[0] + ("+mutated" if "+" in how else "")
        out.kinds[kind] = out.kinds.get(kind, 0) + 1
        unknown = []
        for name in dict.fromkeys(known_issue(p) for p in problems if p.strip()):
            if name is None:
                unknown = problems
            else:
                entry = out.known.setdefault(name, [0, i])
                entry[0] += 1
        if unknown or (problems and _state.get("strict")):
            out.failures.append((i, how, problems, data))
        out.slowest.append((elapsed, i, how, len(data)))
        for m in dict.fromkeys(re.sub(r"\b\d+(?:\.\d+)?\b", "N", x.split(": ", 1)[-1])[:160]
                               for x in checker.gave_up):
            entry = out.gave_up.setdefault(m, [0, i])
            entry[0] += 1
        out.slowest = sorted(out.slowest, reverse=True)[:5]
    return out


def minimize(data: bytes, still_fails: Callable[[bytes], bool], budget: int = 3000,
             seconds: float = 300) -> bytes:
    """A smaller input that still fails: drop chunks of lines, then chunks of bytes, while the
    failure persists (a greedy delta debugging), at most ``budget`` checks and ``seconds``."""
    tries = 0
    deadline = time.monotonic() + seconds

    def more() -> bool:
        return tries < budget and time.monotonic() < deadline

    def reduce(units: list[bytes]) -> list[bytes]:
        nonlocal tries
        size = max(1, len(units) // 2)
        while size >= 1 and more():
            i = 0
            while i < len(units) and more():
                candidate = units[:i] + units[i + size:]
                tries += 1
                if still_fails(b"".join(candidate)):
                    units = candidate
                else:
                    i += size
            size //= 2
        return units

    lines = reduce(data.splitlines(keepends=True))
    return b"".join(reduce([bytes([b]) for b in b"".join(lines)]))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--count", type=int, default=100_000, help="inputs to check (100000)")
    ap.add_argument("--seed", type=int, default=1, help="the run's seed (1)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                    help="worker processes (default: the CPU count)")
    ap.add_argument("--corpus", type=Path, default=default_corpus(),
                    help="corpus dir with MANIFEST.tsv (default ../shared/corpus; without "
                         "one, only generated inputs)")
    ap.add_argument("--shellcheck-rate", type=float, default=0.02,
                    help="share of the inputs also linted with DK440 (ShellCheck) (0.02)")
    ap.add_argument("--max-saved", type=int, default=50,
                    help="failing inputs written to bench/out at most (50)")
    ap.add_argument("--minimize", action="store_true",
                    help="also write a minimised input for the first failure of each kind")
    ap.add_argument("--timeout", type=float, default=30,
                    help="seconds one input may take before it counts as a hang (30)")
    ap.add_argument("--memory-limit", type=int, default=4096, metavar="MB",
                    help="address space of each worker, in MiB (4096; 0: no limit)")
    ap.add_argument("--strict", action="store_true",
                    help="count known issues (KNOWN_ISSUES) as failures too")
    ap.add_argument("--only", type=int, metavar="I", help="check input I only")
    ap.add_argument("--replay", type=Path, metavar="FILE", help="check this file only")
    ap.add_argument("--print", dest="print_input", action="store_true",
                    help="with --only: print the input (as a Python bytes literal)")
    ap.add_argument("--json", action="store_true", help="print the summary as JSON")
    args = ap.parse_args(argv)

    corpus_dir = str(args.corpus) if (args.corpus / "MANIFEST.tsv").is_file() else None
    if args.replay or args.only is not None:
        limit_memory(args.memory_limit)
        checker = Checker()
        if args.replay:
            data, how = args.replay.read_bytes(), str(args.replay)
        else:
            data, how = input_for(args.seed, args.only, load_corpus(args.corpus))
        if args.print_input:
            print(repr(data))
        problems, findings = checker.check(data, shellcheck=True, timeout=args.timeout)
        print(f"{how}: {len(data)} bytes, {findings} findings, "
              f"{'OK' if not problems else 'FAILED'}")
        for p in problems:
            print("  " + p.replace("\n", "\n  "))
        return 1 if problems else 0

    import multiprocessing
    jobs = max(1, args.jobs)
    chunk = 250
    batches = [range(i, min(args.count, i + chunk)) for i in range(0, args.count, chunk)]
    started = time.perf_counter()
    total = Batch()
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    ctx = multiprocessing.get_context(method)
    initargs = (corpus_dir, args.seed, args.shellcheck_rate, args.strict, args.timeout,
                args.memory_limit)
    last_report = started
    if jobs == 1:
        _init_worker(*initargs)
        results = map(_run_batch, batches)
        pool = None
    else:
        pool = ctx.Pool(jobs, initializer=_init_worker, initargs=initargs)
        results = pool.imap_unordered(_run_batch, batches)
    try:
        for b in results:
            total.count += b.count
            total.findings += b.findings
            total.shellcheck += b.shellcheck
            for k, v in b.kinds.items():
                total.kinds[k] = total.kinds.get(k, 0) + v
            total.failures += b.failures
            for name, (n, first) in b.known.items():
                entry = total.known.setdefault(name, [0, first])
                entry[0] += n
                entry[1] = min(entry[1], first)
            total.slowest = sorted(total.slowest + b.slowest, reverse=True)[:5]
            for name, (n, first) in b.gave_up.items():
                entry = total.gave_up.setdefault(name, [0, first])
                entry[0] += n
                entry[1] = min(entry[1], first)
            now = time.perf_counter()
            if not args.json and now - last_report > 15 and sys.stderr.isatty():
                last_report = now
                print(f"  {total.count}/{args.count} inputs, {len(total.failures)} failing, "
                      f"{total.count / (now - started):.0f} inputs/s", file=sys.stderr)
    finally:
        if pool is not None:
            pool.close()
            pool.join()
    seconds = time.perf_counter() - started

    total.failures.sort(key=lambda f: f[0])
    kinds: dict[str, list] = {}
    for fail in total.failures:
        kinds.setdefault(signature(fail[2]), []).append(fail)
    saved = []
    if total.failures:
        OUT.mkdir(parents=True, exist_ok=True)
        budget = args.max_saved
        checker = Checker() if args.minimize else None
        for sig, fails in kinds.items():
            for n, (i, how, problems, data) in enumerate(fails[:3]):
                if budget <= 0:
                    break
                budget -= 1
                path = OUT / f"fuzz-failure-{i}.Dockerfile"
                path.write_bytes(data)
                (OUT / f"fuzz-failure-{i}.txt").write_text(
                    f"input {i} (seed {args.seed}): {how}\n" + "\n".join(problems) + "\n",
                    encoding="utf-8")
                saved.append(str(path))
                if checker is not None and n == 0:
                    sc = _uses_shellcheck(args.seed, i, args.shellcheck_rate)

                    # a hang is looked for with a short timeout
                    limit = 3 if sig.startswith("lint did not finish") else args.timeout

                    def same(candidate: bytes, sig=sig, sc=sc, limit=limit) -> bool:
                        got = checker.check(candidate, sc, timeout=limit)[0]
                        return signature([p.replace(f"within {limit:g} s",
                                                    f"within {args.timeout:g} s")
                                          for p in got]) == sig
                    small = minimize(data, same)
                    (OUT / f"fuzz-failure-{i}.min.Dockerfile").write_bytes(small)
                    saved.append(str(OUT / f"fuzz-failure-{i}.min.Dockerfile"))

    summary = {
        "count": total.count, "seed": args.seed, "jobs": jobs,
        "corpus_files": len(load_corpus(Path(corpus_dir))) if corpus_dir else 0,
        "seconds": round(seconds, 1),
        "inputs_per_second": round(total.count / seconds, 1) if seconds else None,
        "inputs_by_kind": dict(sorted(total.kinds.items())),
        "findings": total.findings,
        "with_shellcheck": total.shellcheck,
        "failing_inputs": len(total.failures),
        "failure_kinds": {sig: {"count": len(f), "first_input": f[0][0], "how": f[0][1]}
                          for sig, f in kinds.items()},
        "known_issues": {name: {"inputs": n, "first_input": first,
                                "test": f"tests/test_properties.py::{test}"}
                         for name, _, test in KNOWN_ISSUES
                         for n, first in [total.known.get(name, (0, None))] if n},
        "saved": saved,
        "gave_up": {kind: {"inputs": n, "first_input": first}
                    for kind, (n, first) in sorted(total.gave_up.items())},
        "slowest": [{"seconds": round(s, 3), "input": i, "how": how, "bytes": size}
                    for s, i, how, size in total.slowest],
    }
    if args.json:
        print(json.dumps(summary, indent=2, ensure_ascii=False))
    else:
        print(f"docklint fuzz: {summary['count']} inputs (seed {args.seed}, {jobs} jobs, "
              f"{summary['corpus_files']} corpus files) in {summary['seconds']} s, "
              f"{summary['inputs_per_second']} inputs/s")
        print(f"  by kind: {summary['inputs_by_kind']}; {summary['findings']} findings; "
              f"{summary['with_shellcheck']} also linted with DK440")
        print(f"  failing inputs: {summary['failing_inputs']}")
        for sig, info in summary["failure_kinds"].items():
            print(f"    {info['count']:6} x {sig}  (first: input {info['first_input']}, "
                  f"{info['how']})")
        for name, info in summary["known_issues"].items():
            print(f"  known issue {name}: {info['inputs']} inputs (first: input "
                  f"{info['first_input']}; pinned by {info['test']})")
        for path in saved:
            print(f"    saved {path}")
        for kind, info in summary["gave_up"].items():
            print(f"  a rule gave up (by design, DK005) on {info['inputs']} inputs: {kind} "
                  f"(first: input {info['first_input']})")
        print("  slowest: " + ", ".join(f"input {s['input']} {s['seconds']} s ({s['bytes']} "
                                        f"bytes, {s['how']})" for s in summary["slowest"]))
    return 1 if total.failures else 0


if __name__ == "__main__":
    sys.exit(main())
