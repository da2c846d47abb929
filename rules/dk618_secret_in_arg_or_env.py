r"""An ARG or ENV whose name says it holds a secret.

## What it does
Fires on an `ARG` or `ENV` key (an `ONBUILD ARG`/`ENV` included) whose name looks like a
secret. The name is split on `_` and each part is compared, ignoring case:

- it fires when a part is one of BuildKit's secret words, `apikey`, `auth`, `credential(s)`,
  `key`, `password`, `pword`, `passwd`, `secret`, `token`, or one docklint adds: `pass`, `pwd`,
  `passphrase`, `privatekey`, `accesskey`, `secretkey`, `clientsecret`;
- or a part ends with `password`, `passwd`, `token`, `secret` or `apikey` behind a prefix
  (`PGPASSWORD`, `ACCESSTOKEN`, `CLIENTSECRET`), which BuildKit misses and hadolint catches;
- or the whole name is a well-known secret without such a word (`GITHUB_PAT`, `GH_PAT`,
  `SSHPASS`...);
- it does not fire when a part says the value is *about* a secret rather than the secret:
  BuildKit's `public`, `file`, `version`, plus `path`, `dir`, `directory`, `location`,
  `mount`, `gpg`, `pgp`, `fingerprint`, `keyring`, `keyserver`, `url`, `uri`, `endpoint`,
  `provider`, `type`, `mode`, `method`, `strategy`, `algorithm`, `alg`, `bits`, `size`,
  `length`, `name`, `header`, `enable(d)`, `disable(d)`, `required`, `timeout`, `ttl`,
  `expiry`, `expires`, `expiration`. `GPG_KEY` (a public key's fingerprint in the official images),
  `SECRET_KEY_FILE`, `AUTH_URL` and `TOKEN_TTL` stay quiet; `PWD` is the shell's working
  directory;
- a key that is public by design does not fire either: `site` or `publishable` next to `key`
  (`RECAPTCHA_SITE_KEY`, `STRIPE_PUBLISHABLE_KEY`);
- nor does a variable whose value is written as a file path (`ENV TLS_KEY=/etc/tls/key.pem`,
  `ARG DEPLOY_KEY=./deploy.pem`): it says where the secret is, not what it is.

So `GITHUB_TOKEN`, `API_KEY`, `APIKEY`, `DB_PASSWORD`, `PGPASSWORD`, `SMTP_PASS` and
`AWS_SECRET_ACCESS_KEY` fire; `TOKENIZER`, `API_KEYS`, `PUBLIC_KEY`, `SECRET_FILE`,
`DB_PASSWORD_VERSION`, `USERNAME` and `PRIVATE_REGISTRY` do not.

Global ARGs (before the first `FROM`) are checked too: `ARG AWS_SECRET_ACCESS_KEY` before the
first `FROM` is reported. A value passed with `--build-arg` is recorded with the build (in its
provenance), and a default value puts the secret in the repository. When a stage redeclares
the ARG to use it (`ARG NPM_TOKEN`), the stage's ARG is reported instead of the global one
(one finding per secret), unless the global one has a default value.

## Differences from BuildKit
BuildKit's SecretsUsedInArgOrEnv never looks at global ARGs; docklint reports them, as
hadolint's DL3064 does. It also adds the words and the well-known names listed above, and
leaves out values written as file paths and keys that are public by design.

## Differences from hadolint
hadolint's DL3064 matches substrings (so `TOKENIZER_PATH` and `SECRETFILE` fire) and also
flags `username` and `private`, which are not secrets, and names that only say where a secret
is (`MINIO_SECRET_KEY_FILE`); docklint follows the whole-word rule of BuildKit's check, with the
exclusions above. DL3064 has no `key`, `auth` or `pass` word, so `LICENSE_KEY`, `COMPOSER_AUTH`
and `ADMIN_PASS` fire here only. A global ARG that a stage redeclares is reported once, in the
stage; both check `ONBUILD ARG`/`ENV`.

## Why is this bad?
Build arguments and environment variables are not secret stores: ENV values are part of the
image configuration anyone who pulls the image can read (`docker inspect`), and build argument
values end up in the image history and the build's provenance. Secret mounts
(`RUN --mount=type=secret,id=npm_token,env=NPM_TOKEN npm ci`) give a command the secret without
writing it anywhere.

## Example
```dockerfile
FROM node:20-slim
ARG NPM_TOKEN
RUN echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > .npmrc && npm ci && rm .npmrc
```

## Use instead
```dockerfile
FROM node:20-slim
RUN --mount=type=secret,id=npm_token,env=NPM_TOKEN \
    echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > .npmrc && npm ci && rm .npmrc
```
"""

from __future__ import annotations

from docklint.checks import has_parse_error, secret_reason
from docklint.rule import Finding, Severity, rule

_ADVICE = "pass it with a secret mount (`RUN --mount=type=secret,id=...`) instead"


def _arg_keys(ins):
    """(name, span of the name, default or None) of each ARG word."""
    for w in ins.args:
        name, eq, default = w.value.partition("=")
        yield name, ins.span_of(w.lstart, w.lstart + len(name)), default if eq else None


def _is_path(value: str | None) -> bool:
    """A value written as a file path (``/run/secrets/db``, ``./certs/key.pem``): it says where
    a secret is, it is not one."""
    text = (value or "").strip().strip("\"'")
    return text.startswith(("/", "./", "~/")) and not any(c.isspace() for c in text)


def _why(name: str) -> str | None:
    """`` (`token`)`` naming the word that gives the secret away ('' for a well-known name),
    or None when the name does not look like a secret."""
    word = secret_reason(name)
    if word is None:
        return None
    return "" if word == name else f" (`{word}`)"


def _findings(ins, where: str):
    if ins.keyword == "ARG":
        for name, span, default in _arg_keys(ins):
            why = _why(name)
            if why is not None and not _is_path(default):
                yield Finding(span, f"ARG `{name}` looks like a secret{why}{where}: build "
                                    f"argument values are kept in the image history; {_ADVICE}")
    elif ins.keyword == "ENV":
        for key, value, _sep in ins.pairs():
            why = _why(key.value)
            if why is not None and not _is_path(value.value):
                yield Finding(key.span, f"ENV `{key.value}` looks like a secret{why}{where}: "
                                        "anyone who pulls the image can read it with "
                                        f"`docker inspect`; {_ADVICE}")


@rule("DK618", "secret-in-arg-or-env", Severity.WARNING, tags={"security"},
      aliases=("DL3064", "SecretsUsedInArgOrEnv"), triggers=("ARG", "ENV"))
def check(df, options):
    seen: set[int] = set()
    redeclared = None
    for decl in df.global_args:
        ins = decl.instruction
        if _is_path(decl.default) or id(decl.word) in seen:
            continue
        seen.add(id(decl.word))
        why = _why(decl.name)
        if why is None:
            continue
        w = decl.word
        span = ins.span_of(w.lstart, w.lstart + len(w.value.partition("=")[0]))
        if decl.default:
            yield Finding(span, f"global ARG `{decl.name}` looks like a secret{why} and "
                                "has a default value: the secret is written in the "
                                f"Dockerfile; {_ADVICE}")
            continue
        if redeclared is None:
            redeclared = {name for st in df.stages for i in st.instructions
                          if i.keyword == "ARG" for name, _s, _d in _arg_keys(i)}
        if decl.name in redeclared:
            continue          # the stage that uses it is reported
        yield Finding(span, f"global ARG `{decl.name}` looks like a secret{why}: a value "
                            "passed with `--build-arg` is recorded with the build (in its "
                            f"provenance, and in the history of an image that uses it); {_ADVICE}")
    for stage in df.stages:
        for ins in stage.instructions:
            if has_parse_error(df, ins):
                continue
            if ins.keyword in ("ARG", "ENV"):
                yield from _findings(ins, "")
            elif ins.keyword == "ONBUILD" and ins.sub is not None and \
                    ins.sub.keyword in ("ARG", "ENV"):
                yield from _findings(ins.sub, " (in ONBUILD, for images built on this one)")
