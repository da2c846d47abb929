r"""The final image makes TLS calls but has no CA bundle to verify them.

## What it does
Fires when the image built for the target stage has no CA certificate bundle while the build shows
that its program talks TLS. *No bundle*: the target's base chain (through `FROM <stage>`) ends at
`scratch` or at an image known to ship none (Debian, Debian slim), and nothing in the chain
brings one in (a COPY/ADD of `/etc/ssl/certs/...`, `/etc/ssl/cert.pem`, `/etc/pki/...`; a RUN
that installs `ca-certificates`; `SSL_CERT_FILE`/`SSL_CERT_DIR` pointing at a copied file).
*Evidence of TLS*: an `https://` or `wss://` URL or a TLS client call in what makes up the final
program or its configuration: source files the build writes (RUN `echo`/`printf`/`cat >`, heredoc
bodies of COPY/ADD), files of the build context that those stages copy in, ENV and ARG values in
the target's chain, and the target's CMD, ENTRYPOINT and HEALTHCHECK. URLs the build itself
fetches (curl, wget, git, package managers, `ADD https://...`) are not evidence: they run in a
builder that has its own certificates. LABEL values are documentation, never evidence.

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
"""

from __future__ import annotations

from docklint.rule import Finding, Option, Related, Severity, rule

DISTROLESS_STATIC = "gcr.io/distroless/static-debian13"
BUNDLE = "/etc/ssl/certs/ca-certificates.crt"


@rule("DK101", "missing-ca-bundle", Severity.ERROR, tags={"runtime", "tls"},
      options={"assume-tls": Option(False, "fire for every CA-less final image, even without "
                                           "evidence of TLS")})
def check(df, options):
    target = df.target
    if target is None:
        return
    facts = df.facts
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
    donor = next((s for s in df.stages if s.index != target.index and s.name and
                  facts.stage_has_ca(s.index)), None)
    copy = (f"COPY --from={donor.name if donor else '<a stage or image with certs>'} "
            f"{BUNDLE} /etc/ssl/certs/")
    what = "scratch" if root.kind == "scratch" else (root.text or root.raw)
    if evidence:
        shown = ", ".join(e.describe() for e in evidence[:2])
        more = f" and {len(evidence) - 2} more" if len(evidence) > 2 else ""
        why = f"but its program makes TLS calls: {shown}{more}"
    else:
        why = "(no evidence found; flagged because assume-tls is on)"
    message = (f"the final image ({what}) has no CA bundle {why}; add `{copy}` "
               f"or base the final stage on {DISTROLESS_STATIC}")
    related = tuple(Related(e.span, f"TLS evidence: {e.text}") for e in evidence[:10])
    yield Finding(target.from_.span, message, related=related)
