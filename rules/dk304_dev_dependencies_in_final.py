"""The final image installs the project's development dependencies.

## What it does
Looks at the RUN commands of the target stage and of the stages it extends with
`FROM <stage>` (their layers are all in the final image) and fires on a command that installs
development dependencies:
- `npm install` or `npm ci` for the whole project, without `--omit=dev`, `--only=production` or
  `--production`, and without `NODE_ENV=production` (set by `ENV` or `ARG` in the chain, on the
  command itself, or exported earlier in the same RUN) or `NPM_CONFIG_PRODUCTION`;
- `yarn` / `yarn install` without `--production` (or `NODE_ENV=production`), and
  `pnpm install` without `--prod`;
- `composer install` without `--no-dev` (or `COMPOSER_NO_DEV=1`);
- `pip install -r` with a development or test requirements file (`requirements-dev.txt`,
  `dev-requirements.txt`, `requirements/test.txt`...) or a development extra (`-e .[dev]`);
  pip by any of its names (`pip3`, `pip3.12`, `python3 -m pip`, `pypy3 -m pip`, `uv pip`).

It stays quiet when a later command in the chain removes the development dependencies again
(`npm prune --omit=dev`, `yarn install --production`, `pnpm prune --prod`,
`composer install --no-dev`, a production `npm ci`, or `rm -rf node_modules`); when the build
context's `package.json` (or `composer.json`) exists and declares no development dependencies;
for builder stages the final image only copies from, which is where development dependencies
belong; and for images that are not application images: no `CMD`/`ENTRYPOINT` at all (a base
image or a stage that runs checks during the build), a dev server or test runner as the command
(`npm run dev`, `nodemon`, `pytest`), `NODE_ENV` set to `development` or `test`, or a target stage
or Dockerfile named for development or tests (`AS dev`, `Dockerfile.test`). Installing named
packages (`npm install -g pm2`) is not a project install and is left alone. When a later step
in the same working directory needs the development dependencies (`npm test`, `npm run build`,
`npx tsc`, `pytest`, `vendor/bin/phpunit`), the advice is to prune them after it or to use a
separate stage, not to leave them out of the install, which would break that step.

Under ONBUILD: an `ONBUILD RUN npm install` (or any other trigger) is not checked, because it
installs into the image of a build FROM this one, not into this build's final image, and that
build's own settings (`NODE_ENV`...) decide what it installs.

## Why is this bad?
Test frameworks, linters, bundlers and type checkers often outweigh the application itself,
and each is code that runs with the application's privileges if anything loads it. They also
widen the set of packages whose vulnerabilities land in the image's scan report, for code that
never runs in production.

## Example
```dockerfile
FROM node:20-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
CMD ["node", "server.js"]
```

## Use instead
```dockerfile
FROM node:20-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev
COPY . .
CMD ["node", "server.js"]
```
"""

from __future__ import annotations

import os
import posixpath
import re

from docklint.facts import facts_of, is_tooling_command
from docklint.packages import PIP_NAME, PYTHON_NAME
from docklint.rule import Finding, Severity, rule

_DEV_WORDS = {"dev", "devel", "develop", "development", "test", "tests", "testing"}
_NODE = ("npm", "yarn", "pnpm")
_INFO_FLAGS = ("--version", "-v", "-V", "--help", "-h")
# the manifest that lists development dependencies, and its key
_MANIFEST = {"npm": ("package.json", "devDependencies"), "yarn": ("package.json",
                                                                  "devDependencies"),
             "pnpm": ("package.json", "devDependencies"), "composer": ("composer.json",
                                                                        "require-dev")}


@rule("DK304", "dev-dependencies-in-final", Severity.WARNING, tags={"size", "security"})
def check(df, options):
    target = df.target
    if target is None or _dev_image(df, target):
        return
    facts = facts_of(df)
    steps = []   # (stage, instruction, script, command), oldest first
    for stage in reversed(df.graph.chain(target.index)):
        for ins, script, cmd in facts.commands(stage):
            steps.append((stage, ins, script, cmd))
    for n, (stage, ins, script, cmd) in enumerate(steps):
        env = _Env(stage.env_before(ins), script, cmd)
        found = _dev_install(cmd, env)
        if found is None:
            continue
        tool, why, advice = found
        if any(_removes_dev(later, tool) for _s, _i, _sc, later in steps[n + 1:]):
            continue
        if _declares_none(df.context, tool):
            continue
        here = facts.workdir(stage, ins)
        user = next(((i, sc, later) for st, i, sc, later in steps[n + 1:]
                     if _uses_dev(later, tool) and facts.workdir(st, i) == here), None)
        if user is not None:
            # a later step needs them: dropping them from this install would break it
            used = _shown(user[1], user[2])
            advice = _AFTER[tool].format(used=used, line=user[0].line)
        yield Finding(script.command_span(cmd),
                      f"`{_shown(script, cmd)}` installs {why} into the final image; {advice}")


def _shown(script, cmd) -> str:
    what = " ".join(script.text[cmd.start:cmd.end].split())
    return what if len(what) <= 60 else what[:57] + "..."


# the advice when a later step (tests, a build) uses the development dependencies
_AFTER = {
    "npm": "`{used}` (line {line}) needs them, so keep the install and run "
           "`npm prune --omit=dev` after it, or install, build and test in a separate stage "
           "and copy only what runs",
    "yarn": "`{used}` (line {line}) needs them, so reinstall with `--production` after it, or "
            "install, build and test in a separate stage and copy only what runs",
    "pnpm": "`{used}` (line {line}) needs them, so run `pnpm prune --prod` after it, or "
            "install, build and test in a separate stage and copy only what runs",
    "composer": "`{used}` (line {line}) needs them, so run `composer install --no-dev` after "
                "it, or run it in a separate test stage",
    "pip": "`{used}` (line {line}) needs them, so run it in a separate test stage and install "
           "only the runtime requirements in the final one",
}
# package-manager subcommands that do not run the project's scripts
_NOT_SCRIPTS = {"install", "i", "ci", "add", "remove", "rm", "uninstall", "prune", "cache",
                "config", "set", "get", "start", "global", "audit", "outdated", "ls", "list",
                "link", "pack", "publish", "version", "view", "info", "why", "dedupe",
                "rebuild", "init", "login", "whoami", "help", "exec", "dlx", "workspaces",
                "import", "update", "upgrade", "clean", "autoclean", "bin", "root", "fetch",
                "store", "env", "doctor"}


def _uses_dev(cmd, tool: str) -> bool:
    """``cmd`` runs something that needs the development dependencies ``tool`` installed:
    a project script (`npm test`, `npm run build`, `yarn lint`), a tool they provide (`npx
    tsc`, `vendor/bin/phpunit`), or a test runner, linter or build tool (`pytest`, `jest`)."""
    name = posixpath.basename(cmd.name)
    pos = [w.value for w in cmd.positional()]
    if tool in _NODE and name in _NODE + ("bun",) and pos:
        sub = pos[1] if pos[0] in ("run", "run-script") and len(pos) > 1 else pos[0]
        return pos[0] in ("test", "t", "run", "run-script") or (
            name != "npm" and sub not in _NOT_SCRIPTS)
    if tool in _NODE:
        return name in ("npx", "pnpx", "bunx") or "node_modules/.bin/" in cmd.name
    if tool == "composer" and (name == "composer" and pos[:1] in (["test"], ["run-script"],
                                                                   ["run"]) or
                               "vendor/bin/" in cmd.name):
        return True
    words = [cmd.name, *(a.value for a in cmd.args)]
    return is_tooling_command(words) and name not in ("go", "make", "cargo", "gcc", "cmake")


class _Env:
    """A variable as the command sees it: set on the command, exported earlier in its RUN, or
    set by ENV/ARG in the chain (npm reads its ``npm_config_*`` variables in either case)."""

    def __init__(self, env, script, cmd) -> None:
        self.env, self.script, self.cmd = env, script, cmd

    def get(self, name: str) -> str | None:
        names = (name, name.lower())
        for key in names:
            value = self.cmd.env(key)
            if value is not None:
                return value
        # `export NAME=x` / `NAME=x` earlier in the RUN (the shell parser keeps no export
        # commands; facts/builds.py has the same lookup privately)
        found = None
        for key in names:
            rx = re.compile(r"(?:^|[;&|(\s])(?:export\s+)?" + re.escape(key) + r"=([^\s;&|)]*)")
            for m in rx.finditer(self.script.text, 0, self.cmd.start):
                found = m.group(1).strip("'\"")
        if found is not None:
            return found
        return next((self.env[k] for k in names if self.env.get(k) is not None), None)

    def production(self) -> bool:
        return (self.get("NODE_ENV") or "").strip("'\"") == "production"


def _declares_none(context: str | None, tool: str) -> bool:
    """The build context's manifest (``package.json``, ``composer.json`` at its root) exists
    and declares no development dependencies."""
    if context is None or tool not in _MANIFEST:
        return False
    name, key = _MANIFEST[tool]
    import json
    from docklint.reading import ReadError, read_regular
    try:
        # a FIFO or a link to a device is refused, never read; over 1 MiB: not judged
        manifest = json.loads(read_regular(os.path.join(context, name), 1 << 20))
    except (ReadError, ValueError, RecursionError):
        return False
    return isinstance(manifest, dict) and not manifest.get(key)


def _truthy(value: str | None) -> bool:
    return value is not None and value.strip("'\"").lower() in ("1", "true", "yes", "on")


def _flag_on(cmd, *flags: str) -> bool:
    """A boolean flag that is given and not set to false (``--production=false``)."""
    for flag in flags:
        if cmd.has_flag(flag):
            value = cmd.flag_value(flag) if flag.startswith("--") else None
            if not any(a.value == flag for a in cmd.args):   # only --flag=value forms
                return value is None or value.lower() not in ("false", "0", "no")
            return True
    return False


def _dev_install(cmd, env: _Env):
    """(tool, what it installs, advice) when ``cmd`` installs development dependencies."""
    name = posixpath.basename(cmd.name)
    pos = [w.value for w in cmd.positional()]
    sub = pos[0] if pos else ""
    if name == "npm" and sub in ("install", "i", "ci", "isntall") and \
            (sub == "ci" or len(pos) == 1) and not cmd.has_flag("-g", "--global"):
        include_dev = "dev" in (cmd.flag_value("--include") or "")
        omit = cmd.flag_value("--omit") or env.get("NPM_CONFIG_OMIT") or ""
        only = cmd.flag_value("--only") or ""
        if not include_dev and ("dev" in omit or only.startswith("prod") or
                                _flag_on(cmd, "--production") or env.production() or
                                _truthy(env.get("NPM_CONFIG_PRODUCTION"))):
            return None
        return ("npm", "devDependencies (no `--omit=dev`, and NODE_ENV is not `production`)",
                "add `--omit=dev`, prune after building with `npm prune --omit=dev`, or "
                "install in a build stage and copy only what runs")
    if name == "yarn" and (sub == "install" or not pos and not cmd.has_flag(*_INFO_FLAGS)) \
            and not cmd.has_flag("-g", "--global"):
        if _flag_on(cmd, "--production", "--prod") or env.production() or \
                _truthy(env.get("YARN_PRODUCTION")):
            return None
        return ("yarn", "devDependencies (no `--production`, and NODE_ENV is not "
                        "`production`)",
                "add `--production`, reinstall with it after building, or install in a build "
                "stage and copy only what runs")
    if name == "pnpm" and sub in ("install", "i") and len(pos) == 1:
        if _flag_on(cmd, "--prod", "-P", "--production") or env.production():
            return None
        return ("pnpm", "devDependencies (no `--prod`, and NODE_ENV is not `production`)",
                "add `--prod`, prune after building with `pnpm prune --prod`, or install in "
                "a build stage and copy only what runs")
    if name == "composer" and sub == "install":
        if cmd.has_flag("--no-dev") or _truthy(env.get("COMPOSER_NO_DEV")):
            return None
        return ("composer", "require-dev packages (no `--no-dev`)",
                "add `--no-dev`, or install them in a build or test stage only")
    if _is_pip(cmd) and "install" in pos:
        for i, a in enumerate(cmd.args):
            value = a.value
            if value in ("-r", "--requirement") and i + 1 < len(cmd.args):
                req = cmd.args[i + 1].value
            elif value.startswith("--requirement="):
                req = value.partition("=")[2]
            elif value.startswith("-r") and len(value) > 2 and not value.startswith("--"):
                req = value[2:]
            else:
                req = None
            if req and _dev_file(req):
                return ("pip", f"development requirements (`{req}`)",
                        "install them only in a build or test stage")
            extras = re.search(r"\[([^\]]*)\]$", value)
            if extras and not value.startswith("-") and \
                    any(e.strip() in _DEV_WORDS for e in extras.group(1).split(",")):
                return ("pip", f"development extras (`{value}`)",
                        "install the package without them in the final image")
    return None


def _is_pip(cmd) -> bool:
    name = posixpath.basename(cmd.name)
    if PIP_NAME.fullmatch(name):
        return True
    args = [a.value for a in cmd.args]
    if PYTHON_NAME.fullmatch(name) and args[:2] == ["-m", "pip"]:
        return True
    return name == "uv" and args[:1] == ["pip"]


def _dev_file(path: str) -> bool:
    base = posixpath.basename(path).lower()
    tokens = set(re.split(r"[-_.]", base))
    return bool(tokens & _DEV_WORDS) and ("requirements" in base or "reqs" in base or
                                          posixpath.basename(posixpath.dirname(path)).lower()
                                          in ("requirements", "reqs"))


def _removes_dev(cmd, tool: str) -> bool:
    """``cmd`` removes development dependencies ``tool`` installed earlier."""
    name = posixpath.basename(cmd.name)
    pos = [w.value for w in cmd.positional()]
    sub = pos[0] if pos else ""
    if tool in _NODE and name == "rm" and any(p.rstrip("/").endswith("node_modules")
                                              for p in pos):
        return True
    if tool == "npm" and name == "npm" and sub in ("prune", "ci", "install", "i"):
        return cmd.has_flag("--production") or "dev" in (cmd.flag_value("--omit") or "") or \
            (cmd.flag_value("--only") or "").startswith("prod")
    if tool == "yarn" and name == "yarn":
        if sub == "workspaces" and "focus" in pos:
            return cmd.has_flag("--production")
        return (not pos or sub == "install") and _flag_on(cmd, "--production", "--prod")
    if tool == "pnpm" and name == "pnpm" and sub in ("prune", "install", "i"):
        return _flag_on(cmd, "--prod", "-P", "--production")
    if tool == "composer" and name == "composer" and sub == "install":
        return cmd.has_flag("--no-dev")
    return False


def _dev_image(df, target) -> bool:
    """The image is for development or tests: it needs its development dependencies."""
    node_env = target.env_end.get("NODE_ENV")
    if node_env is not None and node_env.strip("'\"").lower() in _DEV_WORDS | {"dev"}:
        return True
    return facts_of(df).purpose(target.index) != "app"
