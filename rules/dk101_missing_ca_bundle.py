r"""The final image makes TLS calls but has no CA bundle to verify them.

## What it does
Fires when the image built for the target stage has no CA certificate bundle while the build shows
that its program talks TLS. *No bundle*: the target's base chain (through `FROM <stage>`) ends at
`scratch` or at an image known to ship none (Debian, Debian slim), and nothing in the chain
brings one in (a COPY/ADD of `/etc/ssl/certs/...`, `/etc/ssl/cert.pem`, `/etc/pki/...`; a RUN
that installs `ca-certificates`, or a Debian package that depends on it (or recommends it,
without `--no-install-recommends`);
`SSL_CERT_FILE`/`SSL_CERT_DIR` pointing at a copied file). A final image that runs Node.js, a
JVM or Python on a base other than scratch is left alone: those bring their own CA store.

*Evidence of TLS*, in the program itself (an **error**):
- an `https://` or `wss://` URL literal (quoted) or a TLS client call in program source the
  build writes (RUN `echo`/`printf`/`cat > main.go`, a COPY/ADD heredoc) or copies in from the
  build context (only the compiled language's sources when every build is `go`, `cargo`/`rustc`
  or a C/C++ compiler; comments, test, docs, example and vendored trees, virtual environments
  and dependency directories are skipped);
- a URL in the target's CMD, ENTRYPOINT or HEALTHCHECK arguments;
- an ENV value the container reads at run time: one a shell-form CMD, ENTRYPOINT or
  HEALTHCHECK (or an exec-form `sh -c`) expands, or one nothing in the Dockerfile reads whose
  name says it is a service endpoint (`API_URL`, `UPSTREAM`, `OTEL_EXPORTER_OTLP_ENDPOINT`,
  `SENTRY_DSN`...).

Weaker evidence (a **warning**): a URL in a configuration file (`.yaml`, `.toml`, `.ini`,
`.conf`, `.env`...) that ends up in the final image, or in an ENV value nothing in the
Dockerfile reads whose name says nothing.

Not evidence: what the build itself fetches. An ENV value followed to its uses is not evidence
when they are all at build time (`ADD $URL`, `RUN curl $URL`, `git clone $REPO`...); an ARG
never reaches a running container, so its value counts only where it flows into an ENV or into
program text the build writes. Package-manager and build-tool configuration (apt and apk
sources, `.npmrc`, `pip.conf`, `.m2/settings.xml`, `.cargo/config.toml`, `.gitconfig`, Gradle
properties...) and build manifests (`Cargo.toml`, `pyproject.toml`, CI files) are not, nor are
the variables build tools read (`GOPROXY`, `GOSUMDB`, `PIP_INDEX_URL`, `NPM_CONFIG_REGISTRY`,
`RUSTUP_DIST_SERVER`, proxies, mirrors and download URLs). Neither are the service's own
address (`APP_URL`, `PUBLIC_URL`...), documentation links, LABEL values, XML namespaces and
JSON schemas, `localhost` URLs, or a `curl -k`/`wget --no-check-certificate` health check.

When the final image runs a step docklint cannot read that might install a bundle (a script
such as `RUN ./install-deps.sh`, `curl ... | sh`, `make install`, `dpkg -i`), it says less:
a warning, which names that step, for evidence in the program; nothing for weaker evidence.

With the option `assume-tls = true` it fires for any CA-less final image, evidence or not.

## Why is this bad?
The image builds and starts, then fails on its first HTTPS request with
`x509: certificate signed by unknown authority` (Go), `unable to get local issuer certificate`
(OpenSSL) or similar. No peer linter checks this; it is the classic trap of `FROM scratch`.

## Example
```dockerfile
FROM golang:1.22-alpine AS build
WORKDIR /src
RUN printf 'package main\nimport "net/http"\nfunc main() { http.Get("https://example.com") }\n' > main.go
RUN go mod init example && CGO_ENABLED=0 go build -o /app .

FROM scratch
COPY --from=build /app /app
ENTRYPOINT ["/app"]
```

## Use instead
```dockerfile
FROM golang:1.22-alpine AS build
WORKDIR /src
RUN printf 'package main\nimport "net/http"\nfunc main() { http.Get("https://example.com") }\n' > main.go
RUN go mod init example && CGO_ENABLED=0 go build -o /app .

FROM scratch
COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/
COPY --from=build /app /app
ENTRYPOINT ["/app"]
```
or base the final stage on `gcr.io/distroless/static-debian13`, which ships the bundle.

## Fix safety
The fix adds `COPY --from=<donor> /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/` on the
line after the target's `FROM`. The donor is an earlier stage of the file that has the bundle at
that path: its base image is known to ship it (Debian- and Alpine-based language images,
distroless, Chainguard), it installs `ca-certificates` with apt or apk, or it copies that very
file in; a stage the target already copies from is preferred. The image gains one file, which
only lets its TLS calls succeed: the fix is safe (a donor stage the target did not copy from
before is now built for it too).

When no stage qualifies, the fix copies the bundle from `alpine:3.24` instead (the Alpine release
docklint's image data describes; Alpine keeps its bundle at that path). That pulls another image
into the build, from a registry the build may not be allowed to use, and the certificates are
whatever that tag holds: the fix is unsafe.
"""

from __future__ import annotations

import re

from docklint.facts import facts_of
from docklint.fixes import insert_after, keyword
from docklint.rule import Finding, Fix, Option, Related, Severity, rule

DISTROLESS_STATIC = "gcr.io/distroless/static-debian13"
BUNDLE = "/etc/ssl/certs/ca-certificates.crt"
# where no stage of the file has a bundle: the Alpine release the image data describes
# (linter/data/base_images.tsv: alpine:latest is 3.24.2), which keeps its bundle at BUNDLE
FALLBACK_IMAGE = "alpine:3.24"
# families whose images keep the bundle elsewhere (/etc/pki/tls/certs/ca-bundle.crt)
_OTHER_LAYOUT = ("fedora", "centos", "almalinux", "rockylinux", "oraclelinux", "amazonlinux",
                 "opensuse", "ubi", "rhel")
_APT_APK = re.compile(r"(?:^|[\s/])(?:apt-get|apt|aptitude|apk)\s")


def _has_bundle_file(df, index: int) -> bool:
    """Whether stage ``index`` has a CA bundle at BUNDLE itself (not just some CA store)."""
    facts = facts_of(df)
    base = facts.base_facts(index)
    if base is not None and base.has_ca_certs and \
            not any(base.family.startswith(f) for f in _OTHER_LAYOUT):
        return True
    text = df.source.text
    for src in facts.ca_sources(index):
        if src.description == f"copies {BUNDLE}":
            return True
        if src.description.startswith("installs ") and \
                _APT_APK.search(" " + text[src.span.start:src.span.end]):
            return True
    return False


def _donor(df, target):
    """The earlier stage to copy the bundle from: one the target already copies from first."""
    found = [s for s in df.stages[:target.index] if _has_bundle_file(df, s.index)]
    if not found:
        return None
    used = set(df.graph.deps(target.index))
    return next((s for s in found if s.index in used), found[0])


def _ref(stage) -> str:
    """How ``--from=`` names a stage: its name as written, else its index."""
    return stage.name_word.value if stage.name_word is not None else str(stage.index)


def _fix(df, target, donor) -> Fix:
    ref = _ref(donor) if donor is not None else FALLBACK_IMAGE
    line = f"{keyword(target.from_, 'COPY')} --from={ref} {BUNDLE} /etc/ssl/certs/"
    edit = insert_after(df, target.from_, [line])
    return Fix(f"Copy the CA bundle from {'stage ' + ref if donor is not None else ref}",
               (edit,), safe=donor is not None)


@rule("DK101", "missing-ca-bundle", Severity.ERROR, tags={"runtime", "tls"}, fixable="always",
      options={"assume-tls": Option(False, "fire for every CA-less final image, even without "
                                           "evidence of TLS")})
def check(df, options):
    target = df.target
    if target is None:
        return
    facts = facts_of(df)
    root = df.graph.root_base(target.index)
    if root is None or root.kind in ("unresolved", "stage"):
        return
    base = facts.base_facts(target.index)
    if base is None or base.has_ca_certs is not False:
        return            # unknown images are never guessed at
    if facts.ca_sources(target.index):
        return
    if root.kind != "scratch" and facts.runtime(target.index).kind in ("node", "jar", "python"):
        return            # these runtimes bring their own CA store (Node, the JRE, certifi)
    evidence = facts.tls_evidence(target.index)
    if not evidence and not options.get("assume-tls"):
        return
    strong = [e for e in evidence if e.strength == "program"]
    opaque = facts.opaque_steps(target.index)
    if opaque and evidence and not strong:
        return            # weak evidence, and a step docklint cannot read may add a bundle
    severity = None if (strong or not evidence) and not opaque else Severity.WARNING
    shown_evidence = strong or evidence
    donor = _donor(df, target)
    ref = _ref(donor) if donor is not None else "<a stage or image with certs>"
    copy = f"COPY --from={ref} {BUNDLE} /etc/ssl/certs/"
    what = "scratch" if root.kind == "scratch" else (root.text or root.raw)
    if evidence:
        shown = ", ".join(e.describe() for e in shown_evidence[:2])
        rest = len(evidence) - len(shown_evidence[:2])
        more = f" and {rest} more" if rest else ""
        makes = "makes TLS calls" if strong else "likely makes TLS calls"
        why = f"but its program {makes}: {shown}{more}"
    else:
        why = "(no evidence found; flagged because assume-tls is on)"
    unless = ""
    if opaque:
        unless = (f" (unless the RUN at line {opaque[0].line}, which docklint cannot read, "
                  "installs one)")
    message = (f"the final image ({what}) has no CA bundle{unless} {why}; add `{copy}` "
               f"or base the final stage on {DISTROLESS_STATIC}")
    related = tuple(Related(e.span, f"TLS evidence: {e.text}") for e in evidence[:10])
    yield Finding(target.from_.span, message, related=related, fix=_fix(df, target, donor),
                  severity=severity)
