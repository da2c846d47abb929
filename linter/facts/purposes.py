"""What the image of a stage is for (base, interactive, tooling or app), judged by the command
it runs, its stage name and the Dockerfile's name.

(Not ``purpose.py``: the package exports the function :func:`purpose`, and a submodule of the
same name would replace it as an attribute of the package when first imported.)
"""

from __future__ import annotations

import posixpath
import re
from typing import TYPE_CHECKING

from ..model import Dockerfile

if TYPE_CHECKING:
    from . import Facts

__all__ = ["purpose", "stage_purpose", "is_tooling_command"]

_SHELLS = frozenset({"sh", "bash", "ash", "dash", "zsh", "fish"})
# interpreters that, started without a program, are a REPL: an interactive or base image
_REPLS = frozenset({"python", "python2", "python3", "pypy", "pypy3", "node", "irb", "jshell",
                    "php", "ruby", "ghci", "iex", "erl", "julia", "R", "perl", "lua"})
# what an image runs when it is a development, test or CI environment
_TOOLING = frozenset({"go", "cargo", "rustc", "rustup", "mvn", "mvnw", "gradle", "gradlew",
                      "make", "cmake", "gcc", "g++", "clang", "javac", "dlv", "gdb", "air",
                      "reflex", "nodemon", "jest", "vitest", "mocha", "karma", "pytest",
                      "py.test", "tox", "nox", "phpunit", "webpack-dev-server", "ts-node-dev",
                      "golangci-lint", "pre-commit"})
_TOOLING_SUBCOMMANDS = {"ng": {"serve", "test", "lint"}, "vite": {"", "dev", "serve"},
                        "next": {"dev"}, "nuxt": {"dev"}, "webpack": {"serve"}}
_PACKAGE_SCRIPTS = re.compile(r"^(?:dev|develop|watch|serve|test|lint|start:dev)(?:[:-].*)?$")
_WRAPPERS = frozenset({"tini", "tini-static", "dumb-init", "catatonit"})
_DEV_STAGE_WORDS = frozenset({"dev", "devel", "develop", "development", "devcontainer", "test",
                              "tests", "testing", "ci", "debug", "lint"})


def stage_purpose(facts: "Facts", index: int) -> str:
    """What the image of stage ``index`` is for: base | interactive | tooling | app."""
    return purpose(facts.df, index)


def purpose(df: Dockerfile, index: int) -> str:
    """What the image of stage ``index`` is for, judged by the command it runs.

    ``base``: no ENTRYPOINT or CMD anywhere in its chain (a base or tool image that inherits
    its base's default). ``interactive``: a bare shell or an interpreter without a program.
    ``tooling``: a toolchain, debugger, test runner, linter or development server (``go run``,
    ``npm run dev``, ``pytest``), or a stage named for development or tests (``dev``,
    ``devcontainer``, ``test``, ``ci``...) or a Dockerfile named so (``Dockerfile.dev``,
    ``test.Dockerfile``, ``Dockerfile.tilt``, ``.devcontainer/Dockerfile``). ``app``: anything
    else, including ``sh -c '...'``. An entrypoint script (``docker-entrypoint.sh``) defers to
    the CMD, as such scripts ``exec "$@"``.
    """
    name = df.stages[index].name or ""
    if set(re.split(r"[-_.]", name)) & _DEV_STAGE_WORDS:
        return "tooling"
    path = (df.path or "").replace("\\", "/").split("/")
    if set(re.split(r"[-_.]", path[-1].lower())) & (_DEV_STAGE_WORDS | {"tilt"}) or \
            ".devcontainer" in path[:-1]:
        return "tooling"
    # imported here: the package imports this module to build the Facts table, before it
    # defines facts_of
    from . import facts_of
    facts = facts_of(df)
    command = facts.last_in_chain(index, "ENTRYPOINT")
    cmd = facts.last_in_chain(index, "CMD")
    if command is not None and command.json and not command.args:
        command = None       # `ENTRYPOINT []` clears the entrypoint: the CMD decides
    if command is not None and cmd is not None and _is_entrypoint_script(command):
        command = None       # docker-entrypoint.sh and the like end in `exec "$@"`
    command = command or cmd
    if command is None:
        return "base"
    if command.json:
        commands = [[a.value for a in command.args]]
    else:
        commands = _commands(facts.script(command))
    for _ in range(3):   # see through init wrappers, `exec` and `sh -c '<script>'`
        words = commands[0] if commands else []
        while words and posixpath.basename(words[0]) in _WRAPPERS | {"exec"}:
            words = words[1:]
            while words and words[0].startswith("-"):
                words = words[1:]
        commands = [words, *commands[1:]]
        if len(words) >= 3 and posixpath.basename(words[0]) in _SHELLS and \
                re.fullmatch(r"-[a-z]*c", words[1]):
            from docklint.shell import parse_script
            commands = _commands(parse_script(words[2])) + commands[1:]
    commands = [c for c in commands if c and c[0] not in ("cd", "set", "export", ":")]
    if not commands:
        return "app"
    if any(_purpose_of(c) == "tooling" for c in commands):
        return "tooling"
    return _purpose_of(commands[0])


def _is_entrypoint_script(ins) -> bool:
    words = [a.value for a in ins.args] if ins.json else ins.rest.split()
    return len(words) == 1 and "entrypoint" in posixpath.basename(words[0]).lower()


def _commands(script) -> list[list[str]]:
    if script is None:
        return []
    return [[c.name, *(a.value for a in c.args)] for c in script.commands if c.name]


def is_tooling_command(words: list[str]) -> bool:
    """A command line that runs a toolchain, test runner, linter or development server."""
    return bool(words) and _purpose_of(words) == "tooling"


def _purpose_of(words: list[str]) -> str:
    exe, args = posixpath.basename(words[0]), words[1:]
    if exe == "npx" and args:
        exe, args = posixpath.basename(args[0]), args[1:]
    if exe in _SHELLS:
        return "interactive" if not args or args[0] in ("-l", "-i", "--login") else "app"
    if exe in _REPLS and not args:
        return "interactive"
    if exe in _TOOLING:
        return "tooling"
    if exe in _TOOLING_SUBCOMMANDS:
        return "tooling" if (args[0] if args else "") in _TOOLING_SUBCOMMANDS[exe] else "app"
    if exe in ("npm", "yarn", "pnpm"):
        script = args[1] if args[:1] == ["run"] and len(args) > 1 else (args[0] if args else "")
        return "tooling" if _PACKAGE_SCRIPTS.match(script) else "app"
    if re.fullmatch(r"python[\d.]*", exe) and args[:2] == ["-m", "pytest"]:
        return "tooling"
    return "app"
