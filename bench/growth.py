#!/usr/bin/env python3
"""How docklint's time grows with repetition, instruction kind by instruction kind: each
template below repeated N and 4N times after one FROM (the ``wide-`` ones: one instruction of N
and 4N items), every rule on (DK440 aside: its time is ShellCheck's), linted in process; prints
both times, the findings and the growth. Linear is
4x; a growth over 7x is flagged: some rule or fact asks a question of every instruction for
each instruction. Asserts nothing (not run by CI); the unit tests count the work of the
questions found this way instead of timing them (tests/test_long_files.py).

    python bench/growth.py [--n N] [--base IMAGE] [--only NAME,...] [--json]
    python bench/growth.py --mix K [--seed S] [--n N]
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
import time

FLAG = 7.0

# {i}: the repetition's number, {j}: the one before
TEMPLATES = {
    "run": "RUN echo {i}\n",
    "workdir+copy": "WORKDIR /w{i}\nCOPY a{i} b/\n",
    "workdir+label": "LABEL k{i}=v\nWORKDIR app{i}\n",
    "workdir+copy+run+env": "WORKDIR /app{i}\nCOPY a{i} b/\nRUN cd x && make\nENV A{i}=$A{j}x\n",
    "copy-from": "COPY --from=s0 /x{i} /y{i}\n",
    "copy-chown": "COPY --chown=u{i}:g a{i} /b{i}\n",
    "copy-multi": "COPY a{i} b{i} c{i} /dst{i}/\n",
    "copy-heredoc": "COPY <<EOF /f{i}\nx\nEOF\n",
    "copy-link": "COPY --link a{i} /b/\n",
    "add-url": "ADD https://example.com/{i}.tgz /x/\n",
    "add-checksum": "ADD --checksum=sha256:abc https://e.com/{i} /x\n",
    "env-chain": "ENV A{i}=$A{j}x\n",
    "env-path": "ENV PATH=$PATH:/x{i}\n",
    "env-multi": "ENV A{i}=1 B{i}=$A{i} C{i}=${{B{i}:-x}}\n",
    "arg": "ARG A{i}=1\nRUN echo $A{i}\n",
    "arg-use": "ARG A{i}\nENV B{i}=$A{i}\nRUN echo $B{i}\n",
    "user": "USER u{i}\nRUN id\n",
    "user-chain": "USER root\nRUN id\nUSER u{i}\n",
    "label": "LABEL k{i}=v{i}\n",
    "label-schema": "LABEL org.opencontainers.image.version{i}=1\n",
    "expose": "EXPOSE {i}\n",
    "expose-range": "EXPOSE {i}-{j}/tcp\n",
    "volume": "VOLUME /v{i}\n",
    "healthcheck": "HEALTHCHECK CMD curl -f http://localhost/{i}\n",
    "healthcheck-none": "HEALTHCHECK NONE\n",
    "cmd": "CMD [\"/app{i}\"]\n",
    "entrypoint": "ENTRYPOINT /app{i}\n",
    "shell": "SHELL [\"/bin/bash\", \"-c\"]\nRUN echo {i}\n",
    "onbuild": "ONBUILD RUN echo {i}\n",
    "stopsignal": "STOPSIGNAL SIG{i}\n",
    "maintainer": "MAINTAINER m{i}\n",
    "stages": "FROM alpine:3.20 AS s{i}\nCOPY --from=s{j} /a /b\n",
    "stages-chained": "FROM alpine:3.20 AS s{i}\nCOPY --from=s{j} /out /out\nRUN make\n",
    "from-arg": "ARG V{i}=1\nFROM alpine:$V{i} AS s{i}\n",
    "run-mount": "RUN --mount=type=cache,target=/c{i} make\n",
    "run-secret": "RUN --mount=type=secret,id=s{i} cat /run/secrets/s{i}\n",
    "run-bind": "RUN --mount=type=bind,from=s0,source=/a{i},target=/b make\n",
    "run-json": "RUN [\"/bin/sh\", \"-c\", \"echo {i}\"]\n",
    "heredoc": "RUN <<EOF\necho {i}\nEOF\n",
    "apt": "RUN apt-get update && apt-get install -y p{i}\n",
    "apk": "RUN apk add --no-cache p{i}\n",
    "apk-update": "RUN apk update && apk add p{i}\n",
    "yum": "RUN yum install -y p{i} && yum clean all\n",
    "dnf": "RUN dnf install -y p{i}\n",
    "pip": "RUN pip install p{i}==1\n",
    "pip-req": "COPY req{i}.txt .\nRUN pip install -r req{i}.txt\n",
    "npm": "RUN npm install p{i}\n",
    "gem": "RUN gem install p{i}\n",
    "go-install": "RUN go install example.com/p{i}@latest\n",
    "cargo": "RUN cargo install p{i}\n",
    "curl-sh": "RUN curl -fsSL https://x{i}.sh | sh\n",
    "wget-tar": "RUN wget https://example.com/f{i}.tar.gz && tar xzf f{i}.tar.gz\n",
    "cd": "RUN cd /d{i} && make\n",
    "cd-chain": "RUN cd /a{i} && cd b && make\n",
    "chmod": "RUN chmod 777 /x{i}\n",
    "chown": "RUN chown -R u:g /x{i}\n",
    "useradd": "RUN useradd u{i}\n",
    "ln": "RUN ln -s /a{i} /b{i}\n",
    "mkdir": "RUN mkdir -p /d{i}\n",
    "export": "RUN export X{i}=1 && echo $X{i}\n",
    "sudo": "RUN sudo make install{i}\n",
    "systemctl": "RUN systemctl enable s{i}\n",
    "pragma-next": "# docklint ignore=DK401\nRUN apt-get install x{i}\n",
    "pragma-hadolint": "# hadolint ignore=DL3008\nRUN apt-get install -y x{i}\n",
    "pragma-stage": "FROM debian:12 AS s{i}\n# docklint stage ignore=DK401\nRUN apt-get install x{i}\n",
    "stages-repeated-cmd": "FROM alpine:3.20 AS s{i}\nCMD [\"a\"]\nCMD [\"b\"]\n",
    "stages-passwd": "FROM scratch AS s{i}\nCOPY --from=s0 /etc/passwd /etc/passwd\nUSER app\n",
    "onbuild-copy": "ONBUILD COPY a{i} /b/\n",
    "copy-chmod": "COPY --chmod=755 a{i} /b/\n",
    "copy-parents": "COPY --parents a{i}/b /dst/\n",
    "add-git": "ADD https://github.com/x/r{i}.git /src{i}\n",
    "user-switch": "USER root\nRUN apt-get install -y x{i}\nUSER nobody\n",
    "comments": "# comment {i}\n",
    "blank-continuation": "RUN echo {i} \\\n\n  && true\n",
    "shell-pwsh": "SHELL [\"pwsh\", \"-c\"]\nRUN Write-Host {i}\n",
    "healthcheck-options": "HEALTHCHECK --interval=30s CMD wget -q http://x/{i}\n",
    "volume-json": "VOLUME [\"/v{i}\"]\n",
    "chown-after-runs": "RUN echo {i}\nCOPY --chown=app:app a{i} /b/\n",
}


# one instruction with N items: a long RUN, many ENV pairs... ("wide-" in the table)
WIDE = {
    "wide-run-and": lambda n: "RUN " + " && ".join(f"echo {i}" for i in range(n)) + "\n",
    "wide-run-semicolon": lambda n: "RUN " + "; ".join(f"cd /d{i}" for i in range(n)) + "\n",
    "wide-run-pipe": lambda n: "RUN " + " | ".join(f"cat f{i}" for i in range(n)) + "\n",
    "wide-run-lines": lambda n: "RUN set -e \\\n" + "".join(
        f" && apt-get install -y p{i} \\\n" for i in range(n)) + " && true\n",
    "wide-env-pairs": lambda n: "ENV " + " ".join(f"A{i}=$A{max(i - 1, 0)}x"
                                                 for i in range(n)) + "\n",
    "wide-label-pairs": lambda n: "LABEL " + " ".join(f"k{i}=v{i}" for i in range(n)) + "\n",
    "wide-expose": lambda n: "EXPOSE " + " ".join(str(i) for i in range(n)) + "\n",
    "wide-mounts": lambda n: "RUN " + " ".join(f"--mount=type=cache,target=/c{i}"
                                              for i in range(n)) + " make\n",
    "wide-heredoc": lambda n: "RUN <<EOF\n" + "".join(f"echo {i}\n" for i in range(n)) + "EOF\n",
    "wide-apt-packages": lambda n: "RUN apt-get update && apt-get install -y " + " ".join(
        f"p{i}" for i in range(n)) + "\n",
    "wide-copy-sources": lambda n: "COPY " + " ".join(f"s{i}" for i in range(n)) + " /dst/\n",
    "wide-if-chain": lambda n: "RUN " + " ".join(f"if [ -f a{i} ]; then echo {i}; fi;"
                                                for i in range(n)) + "\n",
    "wide-case": lambda n: "RUN case $X in " + " ".join(f"a{i}) echo {i};;"
                                                      for i in range(n)) + " esac\n",
    "wide-functions": lambda n: "RUN " + "; ".join(f"f{i}() {{ echo {i}; }}"
                                                  for i in range(n)) + "\n",
    "wide-shell-vars": lambda n: "RUN " + " && ".join(f"X{i}=$X{max(i - 1, 0)}y"
                                                     for i in range(n)) + "\n",
    "wide-files": lambda n: "RUN " + " && ".join(f"chmod +x /b{i} && ln -s /b{i} /c{i}"
                                                for i in range(n)) + "\n",
    "wide-downloads": lambda n: "RUN " + " && ".join(
        f"curl -o /f{i} https://e.com/{i} && tar xf /f{i}" for i in range(n)) + "\n",
    "wide-cmd-json": lambda n: "CMD [" + ", ".join(f'"a{i}"' for i in range(n)) + "]\n",
}


def lint(template, n: int, base: str = "alpine:3.20") -> tuple[float, int]:
    from docklint.engine import Settings, lint_bytes
    body = template(n) if callable(template) else \
        "".join(template.format(i=i, j=max(i - 1, 0)) for i in range(n))
    text = (f"FROM {base} AS s0\n" + body).encode()
    # what earlier measurements left alive is not this one's to collect: the cyclic collector
    # walks every tracked object, and a long run's would make later templates look slower
    gc.collect()
    gc.freeze()
    start = time.perf_counter()
    result = lint_bytes(text, "/nonexistent/Dockerfile",
                        Settings(select=["ALL"], ignore=["DK440"]))
    return time.perf_counter() - start, len(result.findings)


def mixed(names: list[str]):
    """A template interleaving three others (each repetition: one of each, numbered apart):
    interactions between instruction kinds (a RUN before each COPY --chown on scratch)."""
    def template(n: int) -> str:
        return "".join(TEMPLATES[name].format(i=10 * i + k, j=max(10 * i + k - 10, 0))
                       for i in range(n) for k, name in enumerate(names))
    return template


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=300, help="the smaller repetition count (300)")
    ap.add_argument("--only", default="", help="comma-separated template names")
    ap.add_argument("--base", default="alpine:3.20",
                    help="the first FROM's image (alpine:3.20; scratch and debian:12 take "
                         "other paths: no shell, no users, apt)")
    ap.add_argument("--mix", type=int, default=0, metavar="K",
                    help="instead: K random mixes of three templates each, on random bases "
                         "(--seed)")
    ap.add_argument("--seed", type=int, default=1, help="the random mixes' seed (1)")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = ap.parse_args()
    every = {**TEMPLATES, **WIDE}
    bases = {name: args.base for name in every}
    if args.mix:
        import random
        rng = random.Random(args.seed)
        for _ in range(args.mix):
            parts = rng.sample(sorted(TEMPLATES), 3)
            name = "+".join(parts)
            every[name] = mixed(parts)
            bases[name] = rng.choice(["alpine:3.20", "scratch", "debian:12", "golang:1.22"])
        names = list(every)[len(TEMPLATES) + len(WIDE):]
    else:
        names = [n for n in args.only.split(",") if n] or list(every)
    unknown = [n for n in names if n not in every]
    if unknown:
        print(f"unknown template(s): {', '.join(unknown)}", file=sys.stderr)
        return 2
    lint(TEMPLATES["run"], 10)                      # imports and first-use work, untimed
    rows = []
    for name in names:
        small, small_found = lint(every[name], args.n, bases[name])
        large, large_found = lint(every[name], 4 * args.n, bases[name])
        growth = large / small if small > 0 else float("inf")
        rows.append({"template": name, "base": bases[name], "n": args.n,
                     "small_s": round(small, 4),
                     "large_s": round(large, 4), "findings": [small_found, large_found],
                     "growth": round(growth, 2), "flagged": growth > FLAG})
        if not args.json:
            shown = name if bases[name] == args.base or not args.mix else \
                f"{name} on {bases[name]}"
            print(f"{shown:22} {args.n:>6}: {small:6.2f} s ({small_found:>5})  {4 * args.n:>6}: "
                  f"{large:6.2f} s ({large_found:>5})  x{growth:4.1f}"
                  + ("   <-- over 7x" if growth > FLAG else ""), flush=True)
    if args.json:
        print(json.dumps(rows, indent=2))
    else:
        flagged = [r["template"] for r in rows if r["flagged"]]
        print(f"\n{len(rows)} templates; growth over {FLAG:g}x (linear: 4x): "
              + (", ".join(flagged) if flagged else "none"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
