r"""The final image makes TLS calls but has no CA bundle to verify them.

## What it does
Fires when the image built for the target stage has no CA certificate bundle while the build shows
that its program talks TLS. *No bundle*: the target's base chain (through `FROM <stage>`) ends at
`scratch` or at an image known to ship none (Debian, Debian slim), and nothing in the chain
brings one in: a COPY/ADD of `/etc/ssl/certs/...`, `/etc/ssl/cert.pem`, `/etc/pki/...`; a copy
of a staged root filesystem whose stage puts certificates in it (`COPY --from=build /rootfs/ /`
after `cp /etc/ssl/certs/... /rootfs/etc/ssl/certs/`), or of a context directory holding them; a
RUN (shell or exec form) that installs `ca-certificates`, or a Debian package whose Depends
reach it (`ruby`, `nodejs`, `python3-pip`, the JREs...; those that only recommend it, such as
`curl` or `git`, without `--no-install-recommends`), package lists in an ARG or ENV expanded;
`SSL_CERT_FILE`/`SSL_CERT_DIR` pointing at a copied file. A final image that runs Node.js, a
JVM or Python on a base other than scratch is left alone: those bring their own CA store. So is
a program that carries its own roots: a Go import of `golang.org/x/crypto/x509roots/fallback`;
a Rust build with `webpki-roots`, `reqwest` with `rustls-tls`, or `ureq` with its default TLS
(read from the `Cargo.toml`, `Cargo.lock`, `go.mod` and sources the build copies or writes).

**Error**, only for an outbound client call in the program the image runs:
- an HTTP/TLS client API called on an `https://`/`wss://` literal, or on a name the same file
  binds to one (Go `http.Get`/`Post`/`NewRequest` and client methods, `tls.Dial`; Python
  `requests`, `httpx`, `urlopen`; Node `fetch`, `axios`, `https.get`; Rust `reqwest::get`,
  `client.get(...)`; Java `HttpClient`/`RestTemplate`; .NET `HttpClient`; PHP
  `file_get_contents`, curl; Ruby `Net::HTTP`...) in program source the build writes (RUN
  `echo`/`printf`/`cat > main.go`, a COPY/ADD heredoc) or copies in from the build context;
- a URL among the arguments of the target's CMD, ENTRYPOINT or HEALTHCHECK,

and nothing in the chain that docklint cannot read may bring a bundle (below).

**Warning** for weaker evidence: a quoted URL or a TLS API (`tls.Config{`) in program source
without a client call on it; an ENV value the container reads (one a shell-form CMD,
ENTRYPOINT or HEALTHCHECK expands, one whose name says it is a service endpoint: `API_URL`,
`UPSTREAM`, `OTEL_EXPORTER_OTLP_ENDPOINT`, `SENTRY_DSN`..., one nothing in the Dockerfile reads
whose name says nothing); a URL in a configuration file (`.yaml`, `.toml`, `.ini`, `.conf`,
`.env`...) that ends up in the final image.

*Uncertain sources of a bundle* make it say less: a warning that names the first of them for
an outbound call, nothing for weaker evidence. They are a RUN docklint cannot read (a script
such as `RUN ./install-deps.sh`, `curl ... | sh`, `make install`, `dpkg -i`); a package list it
cannot resolve (`$PKGS` from an ARG without a value, `$(cat packages.txt)`, `xargs apt-get
install`); on Debian, a package it does not know NOT to bring ca-certificates (many Debian
packages depend on it; docklint knows a list of common ones that do not, checked on
bookworm); a tree copied over the bundle's place (`COPY --from=build /out/ /`, `COPY rootfs/
/` without a context to look at, `ADD rootfs.tar.gz /`) when it cannot tell what is in it
(and when the tree holds more files than docklint walks: 3,000 files, 50,000 directory entries,
64 levels); a bundle given at run time (`VOLUME /etc/ssl/certs`, `SSL_CERT_FILE` naming a file
the image does not hold, such as `/run/secrets/ca.pem`); and, when the program's sources show
no roots of its own, a build context larger than docklint reads, where a file it did not read
may compile them in.

Not evidence: code that is not the program the image runs: context sources of another
language than the program's (only Go sources for a Go binary; JavaScript and TypeScript only
where the image can run them, not browser code a node stage bundles into static files), Go
main packages the build does not compile (`cmd/other` when it builds `./cmd/server`), files
excluded from every build (`//go:build ignore`), tests, docs, examples, vendored and
dependency trees. URLs a program mentions without calling them: a line of a CORS allow-list, a
redirect target, an HTML link, the service's own address; the `tls.Config` of a TLS server.
What the build itself fetches: an ENV value followed to its uses is not evidence when they are
all at build time (`ADD $URL`, `RUN curl $URL`, `git clone $REPO`...); an ARG never reaches a
running container, so its value counts only where it flows into an ENV or into program text
the build writes. Package-manager and build-tool configuration (apt and apk sources, `.npmrc`,
`pip.conf`, `.m2/settings.xml`, `.cargo/config.toml`, `.gitconfig`, Gradle properties...) and
build manifests (`Cargo.toml`, `pyproject.toml`, CI files) are not, nor are the variables
build tools read (`GOPROXY`, `GOSUMDB`, `PIP_INDEX_URL`, `NPM_CONFIG_REGISTRY`,
`RUSTUP_DIST_SERVER`, proxies, mirrors and download URLs). Neither are variables and options
that name the service's own address or something it does not call (`BASE_URL`, `SERVER_URL`,
`PUBLIC_URL`, `EXTERNAL_URL`, `ALLOWED_HOSTS`, `*_ORIGIN(S)`, `*_AUDIENCE`, redirect and
callback URLs, `--public-url`, `--web.external-url`, `--cors-origin`, `--listen`),
documentation links, LABEL values, XML namespaces and JSON schemas, `localhost` URLs, or a
command with certificate checks off (`curl -k`, `wget --no-check-certificate`, `--insecure`,
`--tls-skip-verify`).

The message's advice fits the program: copy the bundle in; for a static binary, or base the
final stage on `gcr.io/distroless/static-debian13`; on Debian, or install `ca-certificates`.

With the option `assume-tls = true` it fires for any CA-less final image, evidence or not.

Under ONBUILD: a trigger is not read as TLS use, because it runs in the builds FROM this image,
whose final image (its program, its base chain, what it copies in) this file does not describe.

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


from docklint.lazyre import lazy
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
_APT_APK = lazy(r"(?:^|[\s/])(?:apt-get|apt|aptitude|apk)\s")


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
    runtime = facts.runtime(target.index)
    if root.kind != "scratch" and runtime.kind in ("node", "jar", "python"):
        return            # these runtimes bring their own CA store (Node, the JRE, certifi)
    if facts.embedded_roots(target.index):
        return            # the program verifies with roots compiled into it
    evidence = facts.tls_evidence(target.index)
    if not evidence and not options.get("assume-tls"):
        return
    calls = [e for e in evidence if e.strength == "call"]
    doubts = facts.ca_doubts(target.index)
    if doubts and evidence and not calls:
        return            # weak evidence, and something docklint cannot read may add a bundle
    severity = None if (calls or not evidence) and not doubts else Severity.WARNING
    shown_evidence = calls or evidence
    donor = _donor(df, target)
    ref = _ref(donor) if donor is not None else "<a stage or image with certs>"
    copy = f"COPY --from={ref} {BUNDLE} /etc/ssl/certs/"
    what = facts.base_label(target.index)
    if evidence:
        shown = ", ".join(e.describe() for e in shown_evidence[:2])
        rest = len(evidence) - len(shown_evidence[:2])
        more = f" and {rest} more" if rest else ""
        makes = "makes TLS calls" if calls else "likely makes TLS calls"
        why = f"but its program {makes}: {shown}{more}"
    else:
        why = "(no evidence found; flagged because assume-tls is on)"
    unless = f" (unless {doubts[0].reason})" if doubts else ""
    message = (f"the final image ({what}) has no CA bundle{unless} {why}; add `{copy}`"
               f"{_alternative(base, root, runtime)}")
    related = tuple(Related(e.span, f"TLS evidence: {e.text}") for e in evidence[:10])
    yield Finding(target.from_.span, message, related=related, fix=_fix(df, target, donor),
                  severity=severity)


def _alternative(base, root, runtime) -> str:
    """The other way to give the image a bundle, fitting the program: a static binary runs on
    distroless/static, which has one; on Debian, apt installs ca-certificates; anything else
    (a dynamically linked binary, an interpreter) keeps its base and copies the bundle."""
    if runtime.kind == "static":
        return f" or base the final stage on {DISTROLESS_STATIC}"
    if root.kind != "scratch" and (base.family or "") in ("debian", "ubuntu"):
        return " or install it (`apt-get install -y --no-install-recommends ca-certificates`)"
    return ""
