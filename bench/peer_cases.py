#!/usr/bin/env python3
"""Small Dockerfiles for each hadolint rule, linted by hadolint and by docklint (reading the
same, empty ``.hadolint.yaml``, as a project migrating from hadolint would): where the two
disagree on which lines a DL code fires at, the case is printed.

    .venv/bin/python bench/peer_cases.py [--hadolint PATH] [--rule DL3008]

The cases follow the triggers described in ``../shared/reference/hadolint-rules.md`` (both
ways: should fire, should stay quiet). A disagreement is either a docklint bug or a deliberate
difference that the rule's "Differences from hadolint" section documents; this script is how
they are found. Only the standard library and docklint are used; nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from noise import find_hadolint  # noqa: E402

F = "FROM debian:12\n"
A = "FROM alpine:3.20\n"
CASES: list[tuple[str, str]] = [
    ("DL3000", F + "WORKDIR usr/src/app\n"), ("DL3000", F + "WORKDIR /usr/src/app\n"),
    ("DL3000", F + 'WORKDIR "relative"\n'), ("DL3000", F + "WORKDIR $HOME/app\n"),
    ("DL3000", F + "WORKDIR C:\\\\app\n"),
    ("DL3001", F + "RUN top\n"), ("DL3001", F + "RUN apt-get update && ssh user@host\n"),
    ("DL3001", F + "RUN vim /etc/x\n"), ("DL3001", F + "RUN ps aux | grep x\n"),
    ("DL3001", F + "RUN echo ps\n"),
    ("DL3002", F + "USER root\n"), ("DL3002", F + "USER 0:0\n"), ("DL3002", F + "USER app\n"),
    ("DL3002", F + "USER root\nUSER app\n"), ("DL3002", F + "USER app\nUSER root\n"),
    ("DL3002", F + "USER root\nFROM debian:12\nUSER app\n"),
    ("DL3003", F + "RUN cd /usr/src/app && make\n"), ("DL3003", F + "RUN make\n"),
    ("DL3003", F + "RUN git clone x && cd x && make\n"),
    ("DL3004", F + "RUN sudo apt-get install -y x\n"), ("DL3004", F + "RUN echo sudo\n"),
    ("DL3006", "FROM debian\n"), ("DL3006", "FROM debian:12\n"), ("DL3006", "FROM scratch\n"),
    ("DL3006", "FROM debian:12 AS base\nFROM base\n"), ("DL3006", "ARG IMG=debian\nFROM ${IMG}\n"),
    ("DL3006", "FROM debian@sha256:" + "a" * 64 + "\n"),
    ("DL3007", "FROM debian:latest\n"), ("DL3007", "FROM debian:latest@sha256:" + "a" * 64 + "\n"),
    ("DL3008", F + "RUN apt-get update && apt-get install -y curl\n"),
    ("DL3008", F + "RUN apt-get install -y curl=7.88.1-10\n"),
    ("DL3008", F + "RUN apt-get install -y ./local.deb\n"),
    ("DL3008", F + "RUN apt-get install -y -t bookworm-backports curl=1\n"),
    ("DL3009", F + "RUN apt-get update && apt-get install -y curl=1\n"),
    ("DL3009", F + "RUN apt-get update && apt-get install -y curl=1 && rm -rf /var/lib/apt/lists/*\n"),
    ("DL3009", "FROM debian:12 AS build\nRUN apt-get update && apt-get install -y gcc=1\nFROM scratch\n"),
    ("DL3010", F + "COPY app.tar.gz /tmp/\nRUN tar -xzf /tmp/app.tar.gz\n"),
    ("DL3010", F + "COPY app.tar.gz /tmp/\n"),
    ("DL3011", F + "EXPOSE 80000\n"), ("DL3011", F + "EXPOSE 80\n"), ("DL3011", F + "EXPOSE 8000-70000\n"),
    ("DL3012", F + "HEALTHCHECK CMD [\"a\"]\nHEALTHCHECK CMD [\"b\"]\n"),
    ("DL3012", F + "HEALTHCHECK CMD [\"a\"]\n"),
    ("DL3013", F + "RUN pip install flask\n"), ("DL3013", F + "RUN pip install flask==3.0\n"),
    ("DL3013", F + "RUN pip install -r requirements.txt\n"), ("DL3013", F + "RUN pip install .\n"),
    ("DL3013", F + "RUN pip install git+https://github.com/x/y@v1\n"),
    ("DL3013", F + "RUN pip install --index-url https://x flask==1\n"),
    ("DL3014", F + "RUN apt-get install curl=1\n"), ("DL3014", F + "RUN apt-get install -y curl=1\n"),
    ("DL3014", F + "RUN apt-get -qq install curl=1\n"),
    ("DL3015", F + "RUN apt-get install -y curl=1\n"),
    ("DL3015", F + "RUN apt-get install -y --no-install-recommends curl=1\n"),
    ("DL3016", F + "RUN npm install express\n"), ("DL3016", F + "RUN npm install express@4\n"),
    ("DL3016", F + "RUN npm install\n"), ("DL3016", F + "RUN npm install @scope/pkg@1\n"),
    ("DL3018", A + "RUN apk add curl\n"), ("DL3018", A + "RUN apk add curl=8.0-r0\n"),
    ("DL3018", A + "RUN apk add --virtual .deps gcc=1\n"),
    ("DL3019", A + "RUN apk add curl=1\n"), ("DL3019", A + "RUN apk add --no-cache curl=1\n"),
    ("DL3020", F + "ADD app.py /app/\n"), ("DL3020", F + "ADD app.tar.gz /app/\n"),
    ("DL3020", F + "ADD https://example.com/x /x\n"),
    ("DL3021", F + "COPY a b /dest\n"), ("DL3021", F + "COPY a b /dest/\n"),
    ("DL3022", F + "COPY --from=build /a /a\n"),
    ("DL3022", "FROM debian:12 AS build\nFROM debian:12\nCOPY --from=build /a /a\n"),
    ("DL3022", "FROM debian:12\nFROM debian:12\nCOPY --from=0 /a /a\n"),
    ("DL3022", F + "COPY --from=alpine:3.20 /a /a\n"),
    ("DL3023", "FROM debian:12 AS x\nCOPY --from=x /a /a\n"),
    ("DL3024", "FROM debian:12 AS x\nFROM debian:12 AS x\n"),
    ("DL3025", F + "CMD node app.js\n"), ("DL3025", F + 'CMD ["node", "app.js"]\n'),
    ("DL3025", F + "ENTRYPOINT /entry.sh\n"), ("DL3025", F + "HEALTHCHECK CMD curl -f localhost\n"),
    ("DL3027", F + "RUN apt install -y curl\n"),
    ("DL3028", "FROM ruby:3\nRUN gem install rails\n"), ("DL3028", "FROM ruby:3\nRUN gem install rails:7.1\n"),
    ("DL3028", "FROM ruby:3\nRUN gem install rails -v 7.1\n"),
    ("DL3029", "FROM --platform=linux/amd64 debian:12\n"),
    ("DL3029", "FROM --platform=$BUILDPLATFORM debian:12\n"),
    ("DL3030", "FROM centos:7\nRUN yum install httpd-2.4\n"),
    ("DL3030", "FROM centos:7\nRUN yum install -y httpd-2.4 && yum clean all\n"),
    ("DL3032", "FROM centos:7\nRUN yum install -y httpd-2.4\n"),
    ("DL3033", "FROM centos:7\nRUN yum install -y httpd && yum clean all\n"),
    ("DL3034", "FROM opensuse/leap:15\nRUN zypper install httpd=2\n"),
    ("DL3034", "FROM opensuse/leap:15\nRUN zypper -n install httpd=2 && zypper clean\n"),
    ("DL3035", "FROM opensuse/leap:15\nRUN zypper -n dist-upgrade\n"),
    ("DL3036", "FROM opensuse/leap:15\nRUN zypper -n install httpd=2\n"),
    ("DL3037", "FROM opensuse/leap:15\nRUN zypper -n install httpd && zypper clean\n"),
    ("DL3038", "FROM fedora:40\nRUN dnf install httpd-2 && dnf clean all\n"),
    ("DL3040", "FROM fedora:40\nRUN dnf install -y httpd-2\n"),
    ("DL3041", "FROM fedora:40\nRUN dnf install -y httpd && dnf clean all\n"),
    ("DL3042", "FROM python:3.12\nRUN pip install flask==3\n"),
    ("DL3042", "FROM python:3.12\nRUN pip install --no-cache-dir flask==3\n"),
    ("DL3042", "FROM python:3.12\nENV PIP_NO_CACHE_DIR=1\nRUN pip install flask==3\n"),
    ("DL3043", F + "ONBUILD ONBUILD RUN x\n"), ("DL3043", F + "ONBUILD FROM debian:12\n"),
    ("DL3044", F + "ENV A=1 B=$A\n"), ("DL3044", F + "ENV A=1\nENV B=$A\n"),
    ("DL3044", F + "ENV PATH=/x:$PATH\n"),
    ("DL3045", F + "COPY a.txt b/\n"), ("DL3045", F + "WORKDIR /app\nCOPY a.txt b/\n"),
    ("DL3045", F + "COPY a.txt /b/\n"),
    ("DL3046", F + "RUN useradd -u 123456 app\n"), ("DL3046", F + "RUN useradd -l -u 123456 app\n"),
    ("DL3046", F + "RUN useradd -u 1000 app\n"),
    ("DL3047", F + "RUN wget https://x/y\n"), ("DL3047", F + "RUN wget -q https://x/y\n"),
    ("DL3047", F + "RUN wget --progress=dot:giga https://x/y\n"),
    ("DL3048", F + 'LABEL Invalid="x"\n'), ("DL3048", F + 'LABEL org.example.valid="x"\n'),
    ("DL3048", F + 'LABEL com.docker.x="x"\n'),
    ("DL3059", F + "RUN a\nRUN b\n"), ("DL3059", F + "RUN a && b\nRUN c\n"),
    ("DL3059", F + "RUN a\n# c\nRUN b\n"),
    ("DL3060", "FROM node:20\nRUN yarn install\n"),
    ("DL3060", "FROM node:20\nRUN yarn install && yarn cache clean\n"),
    ("DL3061", "RUN echo hi\nFROM debian:12\n"), ("DL3061", "ARG X=1\nFROM debian:12\n"),
    ("DL3062", "FROM golang:1.22\nRUN go install example.com/x/cmd@latest\n"),
    ("DL3062", "FROM golang:1.22\nRUN go install example.com/x/cmd@v1.2.3\n"),
    ("DL3062", "FROM golang:1.22\nRUN go install example.com/x/cmd\n"),
    ("DL3063", "FROM debian:12 AS scratch\n"), ("DL3063", "FROM debian:12 AS context\n"),
    ("DL3064", F + "ARG PASSWORD\n"), ("DL3064", F + "ENV API_TOKEN=x\n"), ("DL3064", F + "ENV HOME=/x\n"),
    ("DL3064", F + "ARG AWS_SECRET_ACCESS_KEY\n"), ("DL3064", "ARG GITHUB_TOKEN\n" + F),
    ("DL3065", "FROM --platform=$TARGETPLATFORM debian:12\n"),
    ("DL3066", F + "USER app\n"), ("DL3066", F + "USER 1000\n"), ("DL3066", F + "ARG U=app\nUSER $U\n"),
    ("DL3067", "FROM debian:12 AS a\nFROM scratch\nCOPY --from=a / /\n"),
    ("DL4000", F + "MAINTAINER me\n"),
    ("DL4001", F + "RUN curl -o x https://x && wget https://y\n"),
    ("DL4001", F + "RUN curl -o x https://x\nRUN wget -q https://y\n"),
    ("DL4003", F + 'CMD ["a"]\nCMD ["b"]\n'), ("DL4004", F + 'ENTRYPOINT ["a"]\nENTRYPOINT ["b"]\n'),
    ("DL4005", F + "RUN ln -sf /bin/bash /bin/sh\n"),
    ("DL4006", F + "RUN curl -fsSL https://x | sh\n"),
    ("DL4006", F + 'SHELL ["/bin/bash", "-o", "pipefail", "-c"]\nRUN curl -fsSL https://x | sh\n'),
    ("DL4006", F + "RUN echo a\n"),
    ("DL3002", "FROM debian:12\nONBUILD USER root\n"),
    ("DL3008", F + "ONBUILD RUN apt-get install -y curl\n"),
]


def lint_pair(exe: str, code: str, text: str, tmp: str) -> tuple[list[int], list[int]]:
    path = os.path.join(tmp, "Dockerfile")
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text)
    hl = subprocess.run([exe, "-f", "json", "--no-fail", "Dockerfile"], cwd=tmp,
                        capture_output=True, text=True)
    theirs = sorted({x["line"] for x in json.loads(hl.stdout or "[]") if x["code"] == code})
    dk = subprocess.run([sys.executable, "-m", "docklint", "--no-shellcheck", "--format",
                         "json", "--select", code, "Dockerfile"], cwd=tmp, capture_output=True,
                        text=True)
    mine = sorted({x["line"] for x in json.loads(dk.stdout or "[]")})
    return theirs, mine


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--hadolint")
    ap.add_argument("--rule", action="append", default=[])
    args = ap.parse_args(argv)
    exe = find_hadolint(args.hadolint)
    if exe is None:
        print("peer_cases.py: hadolint not found", file=sys.stderr)
        return 2
    agree = total = 0
    with tempfile.TemporaryDirectory() as tmp:
        with open(os.path.join(tmp, ".hadolint.yaml"), "w") as fh:
            fh.write("ignored: []\n")
        for code, text in CASES:
            if args.rule and code not in args.rule:
                continue
            theirs, mine = lint_pair(exe, code, text, tmp)
            total += 1
            if theirs == mine:
                agree += 1
                continue
            print(f"{code}: hadolint {theirs} docklint {mine}\n    " +
                  text.rstrip().replace("\n", "\n    "))
    print(f"agreement: {agree}/{total} = {100 * agree / max(total, 1):.1f} %")
    return 0


if __name__ == "__main__":
    sys.exit(main())
