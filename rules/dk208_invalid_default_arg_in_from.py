"""With only the ARG defaults, a FROM line does not name a valid image.

## What it does
Expands every FROM image reference that contains a variable the way BuildKit's
InvalidDefaultArgInFrom check does: with the defaults of the global ARGs only, ignoring any `--build-arg`, an ARG without a default read as empty, and
the automatic platform ARGs set for a linux/amd64 build. When the result is empty or not a
valid image reference (`alpine:`, an upper-case repository, a stray character), it fires in one
of two ways:

- the global ARGs the reference uses have no default (or an empty one), and any value would
  do: this is the "required build argument" idiom, where a Makefile, CI or compose file always
  passes `--build-arg`, and a build that forgets it fails at once. Not reported by default;
  with the option `required-args = true`, one **info** finding per such ARG, at its
  declaration, with the FROM lines that need it as related locations (BuildKit reports each
  FROM);
- a default that is there produces the invalid reference (`ARG IMAGE=MyRepo/App`), or no value
  of the missing ARGs could make it valid: a **warning** at the FROM, since every build that
  relies on the default fails.

FROM lines without variables are not this rule's business.

Under ONBUILD: nothing to check, because `ONBUILD FROM` is not allowed (DK000 reports it).

## Why is this bad?
A build that forgets `--build-arg` (a developer's laptop, a CI job, `docker compose build`)
fails with `invalid reference format` or, for an empty name, a confusing parse error. A
default that produces a working build documents the expected value and makes the Dockerfile
buildable as is. A broken default fails every build that does not override it.

## Differences from BuildKit
BuildKit's InvalidDefaultArgInFrom warns at every such FROM, including the "required build
argument" idiom (`ARG BASE` without a default, `FROM $BASE`), where any value the build passes
would do. docklint reports that idiom only with `required-args = true`, as info and once per
ARG at its declaration; it warns (at the FROM) where the default itself is broken or no value
could help, as BuildKit does. A reference that fails to expand (a malformed `${...}`) is left to
the build error that BuildKit reports first.

## Example
```dockerfile
ARG BASE=Alpine
FROM ${BASE}:3.20
RUN echo hi
```

## Use instead
```dockerfile
ARG BASE=alpine
FROM ${BASE}:3.20
RUN echo hi
```
"""

from __future__ import annotations

from docklint.imageref import parse_image_ref
from docklint.rule import Finding, Option, Related, Severity, rule


# stand-ins for an ARG without a usable default: any one of them making the reference valid
# shows that the reference only lacks a value (the "required build argument" idiom)
_STAND_INS = ("x", "sha256:" + "0" * 64)


@rule("DK208", "invalid-default-arg-in-from", Severity.WARNING, tags={"args"},
      aliases=("InvalidDefaultArgInFrom",), words="$", options={
          "required-args": Option(False, "also report, as info, each global ARG without a "
                                         "default that a FROM needs (the \"required build "
                                         "argument\" idiom), as BuildKit's check does")})
def check(df, options):
    report_required = bool(options.get("required-args"))
    defaults = df.default_global_env
    required: dict[str, list] = {}        # ARG name -> [(stage, result)]
    for stage in df.stages:
        raw = stage.base.raw
        if "$" not in raw:
            continue
        exp = df.base_from_defaults(stage)
        if exp.error or exp.overflow:
            continue          # a malformed substitution; BuildKit stops before this check
        result = exp.text
        problem = "is empty" if result == "" else parse_image_ref(result).error
        if problem is None:
            continue
        missing = [n for n in dict.fromkeys(exp.used)
                   if df.global_arg(n) is not None and not defaults.get(n)]
        if missing and _only_lacks_values(df, raw, missing):
            if not report_required:
                continue
            for name in missing:
                required.setdefault(name, []).append((stage, result))
            continue
        if result:
            message = (f"with the ARG defaults alone, `{raw}` expands to `{result}`, which is "
                       f"not a valid image reference ({problem})")
        else:
            message = f"with the ARG defaults alone, `{raw}` expands to an empty image name"
        if missing:
            rest = _error_with_values(df, raw, missing)
            message += (f"; with a value for {', '.join(f'`{n}`' for n in missing)} it would "
                        f"still not be one ({rest})")
        with_default = [n for n in dict.fromkeys(exp.used)
                        if df.global_arg(n) is not None and defaults.get(n)]
        if with_default:
            decl = df.global_arg(with_default[0])
            message += (f": check the default of `ARG {with_default[0]}` (line "
                        f"{decl.instruction.line})")
        yield Finding(stage.base.span, message)
    for name, uses in required.items():
        decl = df.global_arg(name)
        stage, result = uses[0]
        shown = f"`{result}`" if result else "an empty image name"
        more = f" (and {len(uses) - 1} more FROM lines)" if len(uses) > 1 else ""
        empty = "an empty default" if decl.default is not None else "no default"
        problem = parse_image_ref(result).error if result else None
        why = f" ({problem})" if problem else ""
        yield Finding(decl.word.span,
                      f"`ARG {name}` has {empty}, so a build without "
                      f"`--build-arg {name}=...` fails: `FROM {stage.base.raw}` (line "
                      f"{stage.from_.line}){more} then expands to {shown}{why}; fine if every "
                      f"build passes it, else give the ARG a default",
                      severity=Severity.INFO,
                      related=tuple(Related(st.base.span, f"uses `{name}`") for st, _r in uses))


def _error_with_values(df, raw: str, missing: list[str]) -> str:
    """Why ``raw`` is not a valid reference even with a stand-in value for ``missing``."""
    env = df.default_global_env.copy()
    for name in missing:
        env[name] = _STAND_INS[0]
    text = df.expand(raw, env).text
    return parse_image_ref(text).error or "empty image name" if text else "empty image name"


def _only_lacks_values(df, raw: str, missing: list[str]) -> bool:
    """Whether some value for the ARGs without a default makes ``raw`` a valid reference."""
    for stand_in in _STAND_INS:
        env = df.default_global_env.copy()
        for name in missing:
            env[name] = stand_in
        text = df.expand(raw, env).text
        if text and parse_image_ref(text).error is None:
            return True
    return False
