r"""An ENV value uses a variable that another pair of the same ENV sets.

## What it does
Fires on a `$NAME` (or `${NAME...}`) in the value of an `ENV` pair when an earlier pair of the
same `ENV` instruction sets `NAME`, and the value the reference actually gets differs from the
one that pair sets:

- `NAME` is not set before the `ENV` (no earlier ENV or ARG in the stage or the stages its
  `FROM` chain leads through): the reference expands to nothing;
- `NAME` is set before, to another value: the reference gets the old value.

It also fires when only a *later* pair of the same `ENV` sets `NAME` and `NAME` is not set
before (`ENV URL=$HOST/api HOST=example.com`: `URL` is `/api`). When `NAME` is set before, a
reference ahead of the pair that replaces it means the old value (`ENV OLD_PATH=$PATH
PATH=/opt/bin`) and is fine.

What counts is the value the reference gets, modifiers included: `${NAME:-default}` and
`${NAME:+alt}` are expanded as BuildKit expands them, so `ENV X=${X:-/opt} Y=${X:-/opt}/bin`
is fine (both ways `Y` is `/opt/bin`) while `ENV X=/srv Y=${X:-/opt}/bin` is not (`Y` is
`/opt/bin`). It reports the reference. A pair that uses its own variable
(`PATH=/opt/bin:$PATH`) is fine: it means the old value, unless an earlier pair of the same ENV
sets that variable too: `ENV GOFLAGS=-mod=vendor GOFLAGS="$GOFLAGS -trimpath"` loses
`-mod=vendor`, and with `ENV B=0` before it, `ENV B=x:${B} B=y:${B}` sets `y:0`, losing the
first pair. When such a name is not set before (`ENV A=x:${A} A=y:${A}`), the second `${A}`
is reported: it expands to nothing, not to the `x:` the first pair sets, so `A` ends up `y:`
(the first `${A}` is the pair's own name, empty too, which DK209, `undefined-var`, reports). A
reference whose old value is the same as the new one (`ARG VERSION=1.2` then
`ENV VERSION=$VERSION URL=.../$VERSION`) is fine.

It stays quiet when the base image is known to set the variable (docklint knows the
environment of the common official images; `JAVA_HOME` on `eclipse-temurin`) or when the old
value depends on a build argument without a value. On a base image docklint does not know, a
name set nowhere in the file is reported: such images rarely set it.

Under ONBUILD: an `ONBUILD ENV` trigger is checked the same way (the finding points inside the
trigger). It runs at the start of a build `FROM` this image, so "set before" means set by an
ENV of this stage (anywhere in it: the image keeps the last value) or its `FROM` chain, or by an
earlier `ENV` trigger of the stage; an ARG does not count (the image does not keep it). A name
an earlier trigger sets has a value docklint does not know there: such a reference is left
alone.

BuildKit has no check of its own for this; its UndefinedVar (DK209 here) reports the
reference when `NAME` is not set before, and docklint's DK209 does too, so with both rules on,
such a reference gets both findings, as it would get one from each peer.

## Differences from hadolint
hadolint's DL3044 fires when a pair refers to the name of *another* pair of the same `ENV`
(earlier or later) that no earlier ENV or ARG defined, without looking at values. docklint
reports the same references, and also:

- a stale old value (`ENV MODE=dev` ... `ENV MODE=prod CONFIG=/etc/$MODE.yml` gives
  `/etc/dev.yml`), which DL3044 accepts because `MODE` was defined before;
- a name set twice in one `ENV` whose second pair uses it when it was set before (`B` above):
  DL3044 accepts a name an earlier ENV or ARG defined;
- `ONBUILD ENV` triggers, which DL3044 does not look inside;

and it stays quiet where the reference gets the value that was meant anyway (a modifier, the
same old value, a variable the known base image sets), which DL3044 reports.

It is a warning, not an error: the build succeeds and the container starts; the variable just
holds a value other than the one written.

## Why is this bad?
BuildKit expands every value of an `ENV` instruction against the environment as it was before
that instruction, and only then sets them all. `ENV APP_HOME=/srv/app DATA=$APP_HOME/data`
sets `DATA` to `/data`, not `/srv/app/data`, and nothing warns about it at build time.

## Example
```dockerfile
FROM debian:12-slim
ENV APP_HOME=/srv/app \
    DATA_DIR=$APP_HOME/data
```

## Use instead
```dockerfile
FROM debian:12-slim
ENV APP_HOME=/srv/app
ENV DATA_DIR=$APP_HOME/data
```
"""

from __future__ import annotations

from collections import namedtuple
TYPE_CHECKING = False   # typing.TYPE_CHECKING without importing typing (3 ms of each start)

from docklint.checks import has_parse_error, word_part_span
from docklint.rule import Finding, Related, Severity, rule
from docklint.variables import references


@rule("DK605", "env-self-reference", Severity.WARNING, tags={"args"}, aliases=("DL3044",),
      triggers=("ENV",))
def check(df, options):
    for stage in df.stages:
        triggered: dict[str, str | None] = {}
        for ins in stage.instructions:
            if ins.keyword == "ENV" and not has_parse_error(df, ins):
                yield from _check(df, stage, ins, stage.env_before(ins),
                                  [u for u in df.var_uses(ins) if u.part == "value"])
            elif ins.keyword == "ONBUILD" and ins.sub is not None and \
                    ins.sub.keyword == "ENV" and not has_parse_error(df, ins):
                yield from _check(df, stage, ins.sub, _trigger_env(stage, triggered),
                                  _trigger_uses(df, stage, ins.sub))
                for key, value, _sep in ins.sub.pairs():
                    triggered[key.value] = _UNKNOWN


# the value of a variable an earlier trigger sets (expanded where it runs: unknown here)
_UNKNOWN = None


_Use = namedtuple("_Use", ("name", "span", "how"))       # name: str, span, how: str


def _trigger_env(stage, triggered) -> dict:
    """What an ``ONBUILD ENV`` trigger expands against: it runs at the start of a build FROM
    this image, so with the ENV this stage ends with (not its ARGs, which the image does not
    keep) and those the stage's earlier ENV triggers set."""
    end = stage.env_end
    env = {k: end.get(k) for k in end if end.kinds.get(k) == "env"}
    env.update(triggered)
    return env


def _trigger_uses(df, stage, eff) -> list[_Use]:
    """The variable references in the values of the ``ENV`` trigger ``eff``."""
    known = df.image_env(stage.index) or frozenset()
    out = []
    for _key, value, _sep in eff.pairs():
        for ref in references(value.value, df.escape):
            how = "image" if ref.name == "PATH" or ref.name in known else ""
            out.append(_Use(ref.name, word_part_span(eff, value, ref.start, ref.end), how))
    return out


def _check(df, stage, ins, before, uses):
    pairs = ins.pairs()
    if len(pairs) < 2:
        return
    earlier: dict[str, tuple] = {}
    uses = sorted(uses, key=lambda u: u.span.start)
    at = 0                      # pairs and uses in text order: each use is looked at once
    for k, (key, value, _sep) in enumerate(pairs):
        while at < len(uses) and uses[at].span.start < value.span.start:
            at += 1
        mine = []
        while at < len(uses) and uses[at].span.start < value.span.end:
            mine.append(uses[at])
            at += 1
        for use in mine:
            if use.span.end > value.span.end:
                continue
            hit = earlier.get(use.name)
            later = False
            if hit is None and use.name != key.value and use.name not in before:
                # `ENV URL=$HOST/x HOST=example.com`: set only by a later pair
                hit = next(((k2, v2) for k2, v2, _s in pairs[k + 1:]
                            if k2.value == use.name), None)
                later = True
            if hit is None:
                continue
            message = _problem(df, stage, before, use, hit[1], later=later)
            if message:
                yield Finding(use.span, message,
                              related=(Related(hit[0].span, f"`{use.name}` is set "
                                                            "here"),))
        earlier[key.value] = (key, value)


def _problem(df, stage, before, use, value, *, later: bool = False) -> str | None:
    name = use.name
    expanded = df.expand(value.value, before)
    new = expanded.value
    if new is None and name not in before and expanded.overflow is None and \
            expanded.error is None and set(expanded.unresolved) == {name}:
        new = expanded.text     # `ENV A=x:${A} A=y:${A}`: the first `${A}` reads as empty
    which = "a later" if later else "an earlier"
    what = f"`{name}` is set by {which} pair of this same ENV, but ENV expands all its " \
           "values before it sets any"
    # what the reference, modifiers included (`${X:-default}`, `${X:+alt}`), expands to as
    # BuildKit does it, against what it would give with the earlier pair applied
    ref = df.source.text[use.span.start:use.span.end]
    if not ref.startswith("$"):
        ref = f"${{{name}}}"
    if new is None or (name in before and before[name] is None):
        return None             # a value that depends on a build argument without one
    got, meant = df.expand(ref, before), df.expand(ref, {**before, name: new})
    # the name itself unset before the ENV reads as empty, as BuildKit reads it
    got = got.text if set(got.unresolved) <= {name} else None
    meant = meant.value
    if got is None or meant is None or got == meant:
        return None       # the same value either way, or one docklint cannot know
    if name in before:
        return f"{what}: here `{name}` still has its old value, so `{ref}` gives `{got}`, " \
               f"not `{meant}`; set it in an earlier ENV"
    if use.how == "image":
        return None             # PATH, or a name the (known) base image sets
    unless = " (unless the base image sets it)" if df.image_env(stage.index) is None else ""
    gives = "expands to nothing" if got == "" else f"gives `{got}`"
    return f"{what}: here `{name}` is not set yet, so `{ref}` {gives}, not `{meant}`{unless}; " \
           "set it in an earlier ENV"
