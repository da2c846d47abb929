"""What the image of a stage is for (base, interactive, tooling or app), and how it starts its
program: the command it runs once init wrappers, ``exec``, ``sh -c`` and entrypoint scripts are
seen through, whether starting it needs a shell in the image, whether the image drops root
itself, and what kind of program it is when a lighter base is to be chosen for it.

(Not ``purpose.py``: the package exports the function :func:`purpose`, and a submodule of the
same name would replace it as an attribute of the package when first imported.)
"""

from __future__ import annotations

import posixpath
import re
from docklint.record import record
TYPE_CHECKING = False   # typing.TYPE_CHECKING without importing typing (3 ms of each start)

from docklint.lazyre import lazy
from ..model import Dockerfile
from ..projects import project_path
from ..syntax import Instruction
from ._core import memo

if TYPE_CHECKING:
    from . import Facts
    from .builds import BuildInfo

__all__ = ["purpose", "stage_purpose", "is_tooling_command", "Start", "start",
           "drops_privileges", "program_kind", "links_cxx"]

_SHELLS = frozenset({"sh", "bash", "ash", "dash", "zsh", "fish", "ksh", "mksh", "tcsh", "csh",
                     "busybox", "pwsh", "powershell"})
# interpreters and clients that, started without a program, are a REPL: an interactive image
_REPLS = frozenset({"python", "python2", "python3", "pypy", "pypy3", "ipython", "bpython",
                    "node", "nodejs", "deno", "irb", "pry", "jshell", "php", "ruby", "ghci",
                    "iex", "erl", "julia", "R", "perl", "lua", "luajit", "scala", "clojure",
                    "clj", "groovysh", "swipl", "guile", "racket", "sbcl", "ocaml", "utop",
                    "tclsh", "swift", "sqlite3", "psql", "mysql", "mariadb", "redis-cli",
                    "mongosh", "cqlsh", "bc"})
# flags that give an interpreter or a shell its program (`python -m x`, `pwsh -Command x`)
_PROGRAM_FLAGS = frozenset({"-c", "-m", "-e", "-E", "-r", "-S", "-f", "-p", "-x", "--eval",
                            "--print", "--file", "--command", "-command", "-file", "-cmd",
                            "-encodedcommand", "--exec"})
# what an image runs when it is a build, development, test or CI environment: build systems,
# compilers and linkers, debuggers, test runners, linters, development servers, notebooks and
# IDEs, and the SDK and cloud command-line tools people run from a container
_TOOLING = frozenset({
    # build systems and package builders
    "go", "gofmt", "cargo", "rustc", "rustup", "cross", "mvn", "mvnw", "gradle", "gradlew",
    "sbt", "lein", "ant", "make", "gmake", "cmake", "ctest", "ninja", "samu", "meson", "bazel",
    "bazelisk", "buck", "buck2", "pants", "scons", "bitbake", "xmake", "premake5", "autoreconf",
    "configure", "rebar3", "cabal", "conan", "vcpkg", "tsc", "esbuild", "rollup", "zig",
    "wasm-pack", "goreleaser", "ko", "bundler",
    # compilers, assemblers and linkers without a version in their name (see _COMPILER)
    "javac", "kotlinc", "scalac", "nasm", "yasm", "ld", "lld", "ccache", "sccache", "distcc",
    "distccd", "icecc", "iceccd", "tcc",
    # debuggers and live-reload tools
    "dlv", "gdb", "gdbserver", "lldb", "valgrind", "air", "reflex", "nodemon", "watchexec",
    "entr",
    # test runners and linters
    "jest", "vitest", "mocha", "karma", "ava", "cypress", "playwright", "pytest", "py.test",
    "tox", "nox", "behave", "robot", "phpunit", "pest", "rspec", "cucumber", "newman",
    "golangci-lint", "pre-commit", "eslint", "prettier", "hadolint", "shellcheck", "ruff",
    "flake8", "pylint", "mypy", "black", "rubocop",
    # development servers, notebooks and IDEs
    "webpack-dev-server", "ts-node-dev", "jupyter", "jupyter-lab", "jupyter-notebook",
    "code-server", "openvscode-server", "rstudio-server",
})
# SDK and cloud command-line tools: a tool image when they are what it runs, not when a start
# command only calls one before the program (`aws s3 cp ... && exec /app`)
_CLI_TOOLS = frozenset({"gcloud", "gsutil", "bq", "az", "aws", "terraform", "tofu",
                        "terragrunt", "packer", "pulumi", "ansible", "ansible-playbook", "helm",
                        "kubectl", "flutter", "sdkmanager"})
# compilers by name, also versioned (`gcc-12`, `clang-17`) or for a target (`aarch64-linux-gnu-
# gcc`, `x86_64-w64-mingw32-g++`)
_COMPILER = lazy(r"^(?:[\w.]+-)*(?:gcc|g\+\+|cc|c\+\+|cpp|clang|clang\+\+|clang-cl|"
                 r"gfortran|gccgo|icc|icx|icpx|nvcc|emcc|em\+\+)(?:-\d+(?:\.\d+)*)?$",
                 needs=("cc", "++", "cpp", "clang", "gfortran", "icx", "icpx"))
# tools whose subcommand decides ("" is the tool without one)
_TOOLING_SUBCOMMANDS = {
    "ng": {"serve", "test", "lint", "e2e"}, "vite": {"", "dev", "serve"},
    "next": {"dev", "lint"}, "nuxt": {"dev"}, "webpack": {"serve", "watch"},
    "dotnet": {"build", "test", "watch", "run", "pack", "format", "new"},
    "mix": {"test", "compile", "deps.get", "format", "credo", "dialyzer"},
    "deno": {"test", "lint", "fmt", "compile", "bench"}, "bun": {"test", "build"},
    "dart": {"test", "compile", "analyze", "format", "pub"},
    "swift": {"build", "test", "package"}, "stack": {"build", "test", "ghci", "repl"},
    "dune": {"build", "test", "runtest"}, "poetry": {"build", "lock", "check"},
}
_PACKAGE_SCRIPTS = lazy(r"^(?:dev|develop|watch|serve|test|lint|e2e|start:dev)"
                              r"(?:[:-].*)?$")
_WRAPPERS = frozenset({"tini", "tini-static", "dumb-init", "catatonit", "exec", "nice",
                       "ionice", "chrt", "taskset", "numactl", "stdbuf", "nohup", "time"})
# the words that, in a stage name or a Dockerfile's name, say it is for development, tests or
# CI, or that it is a builder image (`Dockerfile.build`, `AS builder`)
_DEV_STAGE_WORDS = frozenset({"dev", "devel", "develop", "development", "devcontainer", "test",
                              "tests", "testing", "ci", "debug", "lint", "e2e"})
_DEV_FILE_WORDS = _DEV_STAGE_WORDS | {"tilt", "gitpod"}
# ...and words that say so in a short name (`Dockerfile.build`, `builder-base`, `go-build`),
# not inside a longer one (`base-from-build-arg`, `node-run-build`)
_BUILDER_WORDS = frozenset({"build", "builder", "builders", "buildenv", "toolchain"})
# a directory that holds tests, test data or CI configuration: one of these words in its name
# (`tests/`, `e2e-image/`, `k8s-ci-builder/`, `testdata/`), named `test/` or `*-test/`, or
# for a CI service (`.github/`, `.circleci/`); not `test` as the first word of a name, which a
# temporary directory such as pytest's `test_foo0/` has
_TOOLING_DIR_WORDS = frozenset({"tests", "testing", "testdata", "testfiles", "e2e", "ci",
                                "devcontainer"})
_TOOLING_DIRS = frozenset({"test", ".ci", ".circleci", ".github", ".gitlab", ".buildkite",
                           ".devcontainer"})
# an entrypoint script that ends in `exec "$@"`: the CMD is the program
_SCRIPT_EXTENSIONS = (".sh", ".bash")
# commands that keep an otherwise idle container alive, for someone to exec into
_IDLE = lazy(r"^(?:sleep (?:infinity|inf|\d{5,})|tail -f /dev/null|cat)$",
             needs=("sleep ", "tail -f /dev/null", "cat"))

# programs that drop root themselves: they switch to the user they are given...
_DROP_TOOLS = ("gosu", "su-exec", "setpriv", "runuser", "s6-setuidgid", "s6-applyuidgid",
               "chpst", "setuidgid", "setuser", "suexec")
_DROP_IN_TEXT = lazy(r"(?<![\w-])(?:" + "|".join(re.escape(t) for t in _DROP_TOOLS) +
                           r")(?!\w)|\bchroot\s+--userspec\b")
# ...and servers and supervisors that start as root by design (to bind low ports, read their
# keys, start their workers or services) and run their work as the user their configuration
# names: web and proxy servers, mail, DNS, FTP and directory daemons, databases whose daemon
# takes a user, cron, and init systems and process supervisors
_SELF_DROPPING = frozenset({
    "nginx", "openresty", "httpd", "httpd-foreground", "apache", "apache2", "apache2ctl",
    "apache2-foreground", "apachectl", "lighttpd", "php-fpm", "haproxy", "varnishd", "squid",
    "trafficserver", "sshd", "dropbear", "vsftpd", "proftpd", "pure-ftpd", "postfix", "master",
    "dovecot", "exim", "exim4", "smtpd", "opensmtpd", "sendmail", "named", "unbound", "dnsmasq",
    "pdns_server", "pdns_recursor", "kea-dhcp4", "dhcpd", "ntpd", "chronyd", "openvpn",
    "stunnel", "stunnel4", "slapd", "smbd", "nmbd", "samba", "cupsd", "snmpd", "rsyslogd",
    "syslog-ng", "syslogd", "cron", "crond", "anacron", "atd", "xinetd", "inetd", "mysqld",
    "mysqld_safe", "mariadbd", "mariadbd-safe", "memcached", "radiusd", "freeradius",
    "asterisk", "kamailio", "opensips", "turnserver", "mosquitto", "zabbix_server",
    "zabbix_agentd", "nagios", "icinga2", "supervisord", "s6-svscan", "init", "runsvdir",
    "runit", "my_init", "systemd", "openrc", "monit", "circusd", "service",
})


def stage_purpose(facts: "Facts", index: int) -> str:
    """What the image of stage ``index`` is for: base | interactive | tooling | app | unknown."""
    return purpose(facts.df, index)


def purpose(df: Dockerfile, index: int) -> str:
    """What the image of stage ``index`` is for, judged by the command it runs and its names.

    ``base``: no ENTRYPOINT or CMD anywhere in its chain (a base or tool image that inherits
    its base's default), or ONBUILD triggers in the stage (a base for other images, whose
    builds need what it carries). ``interactive``: a bare shell, an interpreter or client
    without a program (``php -a``, ``pwsh``), or a command that only keeps the container alive
    (``sleep infinity``). ``tooling``: a build, development, test or CI environment: a build
    system, compiler, debugger, test runner, linter, development server, notebook or SDK CLI as
    the command (``go run``, ``bazel``, ``gcc-12``, ``npm run dev``, ``pytest``, ``gcloud``), a
    stage named for development, tests or building (``dev``, ``test``, ``ci``, ``e2e``,
    ``builder``...), a Dockerfile named so (``Dockerfile.dev``, ``Dockerfile.build``,
    ``test.Dockerfile``, ``Dockerfile.tilt``) or one in a directory of tests or CI
    configuration (``tests/``, ``e2e-image/``, ``testdata/``, ``.devcontainer/``,
    ``.github/``). ``app``: anything else, including ``sh -c '...'``. An entrypoint script
    (``docker-entrypoint.sh``) defers to the CMD, as such scripts ``exec "$@"``.
    ``unknown``: the stage's FROM chain starts at no image (the implicit stage of the
    instructions before the first FROM, or a FROM without an image; see docklint.model): a
    fragment of some image docklint does not see, whose purpose it does not guess.
    """
    stage = df.stages[index]
    root = df.graph.root_base(index)
    if root is not None and root.kind == "unknown":
        return "unknown"
    if _named_for(stage.name or "", _DEV_STAGE_WORDS):
        return "tooling"
    path = project_path(df.path).split("/")
    if _named_for(path[-1], _DEV_FILE_WORDS) or any(_test_dir(part) for part in path[:-1]):
        return "tooling"
    if any(ins.keyword == "ONBUILD" for ins in stage.instructions):
        return "base"
    # imported here: the package imports this module to build the Facts table, before it
    # defines facts_of
    from . import facts_of
    how = start(facts_of(df), index)
    if how.instruction is None:
        return "base"
    commands = [list(c) for c in how.commands if c and c[0] not in ("cd", "set", "export",
                                                                     ":", "source", ".")]
    if not commands:
        return "app"
    kinds = [_purpose_of(c) for c in commands]
    if "tooling" in kinds or posixpath.basename(commands[-1][0]) in _CLI_TOOLS:
        return "tooling"
    return kinds[0]


def _test_dir(name: str) -> bool:
    words = re.split(r"[-_.]", name.lower())
    return name.lower() in _TOOLING_DIRS or bool(set(words) & _TOOLING_DIR_WORDS) or \
        (len(words) > 1 and words[-1] == "test")


def _named_for(name: str, words: frozenset[str]) -> bool:
    """A stage or file name that says it is for development, tests or building: one of
    ``words`` anywhere in it, or a builder word in a name of at most two words (``build``,
    ``go-builder``, ``build-env``; ``Dockerfile`` and ``Containerfile`` left out)."""
    parts = [w for w in re.split(r"[-_.]", name.lower())
             if w and w not in ("dockerfile", "containerfile")]
    return bool(set(parts) & words) or (len(parts) <= 2 and bool(set(parts) & _BUILDER_WORDS))


def is_tooling_command(words: list[str]) -> bool:
    """A command line that runs a toolchain, test runner, linter or development server."""
    return bool(words) and _purpose_of(words) == "tooling"


def _python_name(exe: str) -> bool:
    """Whether ``exe`` is a Python interpreter's name (python3, pypy3.10: the one pattern of
    docklint.packages; imported here, not at the top: packages imports the facts)."""
    from ..packages import PYTHON_NAME
    return PYTHON_NAME.fullmatch(exe) is not None


def _purpose_of(words: list[str]) -> str:
    while True:     # `bundle exec X...` is X's purpose (a loop: a chain of them is no stack)
        exe, args = posixpath.basename(words[0]), words[1:]
        if exe in ("npx", "bunx", "pnpx") and args:
            exe, args = posixpath.basename(args[0]), args[1:]
        if exe in ("bundle", "poetry", "uv", "pipenv", "pdm", "hatch") and args[:1] in \
                (["exec"], ["run"]) and len(args) > 1:
            words = args[1:]
            continue
        break
    if _IDLE.match(" ".join(words)):
        return "interactive"
    python = "py" in exe and _python_name(exe)
    if exe in _SHELLS:
        return "interactive" if _no_program(exe, args) else "app"
    if (exe in _REPLS or python) and _no_program(exe, args):
        return "interactive"
    if exe in _TOOLING or _COMPILER.match(exe):
        return "tooling"
    if exe in _TOOLING_SUBCOMMANDS:
        sub = next((a for a in args if not a.startswith("-")), "")
        return "tooling" if sub in _TOOLING_SUBCOMMANDS[exe] else "app"
    if exe in ("npm", "yarn", "pnpm", "bun"):
        script = args[1] if args[:1] == ["run"] and len(args) > 1 else (args[0] if args else "")
        return "tooling" if _PACKAGE_SCRIPTS.match(script) else "app"
    if exe.startswith("python") and python and \
            args[:2] in (["-m", "pytest"], ["-m", "unittest"], ["-m", "tox"], ["-m", "pip"]):
        return "tooling"
    return "app"


def _no_program(exe: str, args: list[str]) -> bool:
    """A shell or interpreter started with options only: no script, no ``-c``/``-m``/``-e``."""
    for a in args:
        low = a.lower()
        if not a.startswith("-") or low in _PROGRAM_FLAGS or \
                (exe in _SHELLS and re.fullmatch(r"-[a-z]*c", a)):
            return False
    return True


# ---- how the image starts its program -------------------------------------------------------

@record(frozen=True)
class Start:
    """How the image of a stage starts its program.

    ``instruction`` is the ENTRYPOINT (else CMD) in effect, None when the chain has neither.
    ``commands`` are the command lines it runs, seen through init wrappers (tini, dumb-init),
    ``exec``, ``sh -c '...'`` and an entrypoint script that runs the CMD. ``script`` is the shell
    script that starts it (an entrypoint ``*.sh``, ``docker-entrypoint``), as written;
    ``entrypoint_script`` says it is the ENTRYPOINT's. ``shell`` says why starting it needs a
    shell in the image (None when it does not). ``exec_form`` is, for a shell-form command
    that needs no shell itself, the exec form to write instead (``["app", "--port", "80"]``).
    """

    instruction: Instruction | None = None
    commands: tuple[tuple[str, ...], ...] = ()
    script: str | None = None
    entrypoint_script: bool = False
    shell: str | None = None
    exec_form: str | None = None

    @property
    def programs(self) -> list[str]:
        """The base names of the programs it runs, versions left out (``php-fpm8.2`` ->
        ``php-fpm``)."""
        return [_unversioned(posixpath.basename(c[0])) for c in self.commands if c]


def start(facts: "Facts", index: int) -> Start:
    """How the image of stage ``index`` starts its program (see :class:`Start`)."""
    table = memo(facts, "_start")
    if index not in table:
        table[index] = _start(facts, index)
    return table[index]


_BUILTINS = frozenset({"cd", "export", "source", ".", "set", "trap", "ulimit", "umask", "eval",
                       "wait", "unset", "read", "test", "[", "[[", "if", "for", "while",
                       "case", "exit", "alias", "shift", "true", "false", ":"})


def _start(facts: "Facts", index: int) -> Start:
    entry = facts.last_in_chain(index, "ENTRYPOINT")
    cmd = facts.last_in_chain(index, "CMD")
    if entry is not None and entry.json and not entry.args:
        entry = None          # `ENTRYPOINT []` clears the entrypoint: the CMD decides
    ins = entry or cmd
    if ins is None:
        return Start()
    lines, shell, exec_form = _lines(facts, ins)
    if entry is not None and entry.json and cmd is not None:
        # the CMD is the entrypoint's arguments (a shell-form one as `/bin/sh -c '...'`)
        args = [a.value for a in cmd.args] if cmd.json else ["/bin/sh", "-c", cmd.rest]
        lines = [[*lines[0], *args]]
    script, from_entry = None, False
    for _ in range(4):   # see through wrappers, `sh -c '<script>'` and entrypoint scripts
        words = lines[0] if lines else []
        while words and posixpath.basename(words[0]) in _WRAPPERS:
            words = words[1:]
            while words and words[0].startswith("-"):
                words = words[1:]
        lines = [words, *lines[1:]]
        if len(words) >= 3 and posixpath.basename(words[0]) in _SHELLS and \
                re.fullmatch(r"-[a-z]*c", words[1]):
            shell = shell or f"its {ins.keyword} runs `{posixpath.basename(words[0])} -c`"
            from docklint.shell import parse_script
            lines = _script_lines(parse_script(words[2])) + lines[1:]
            continue
        if words and script is None and _is_script(facts, index, words[0]):
            script, from_entry = words[0], ins is entry
            shell = shell or f"it starts through the shell script `{words[0]}`"
            if _defers(words[0]) and len(words) > 1:
                lines = [words[1:], *lines[1:]]
                continue
        break
    return Start(ins, tuple(tuple(c) for c in lines), script, from_entry, shell,
                 exec_form if shell is None else None)


def _lines(facts: "Facts", ins: Instruction) -> tuple[list[list[str]], str | None, str | None]:
    """(command lines, why it needs a shell, the exec form that would not) of a CMD or
    ENTRYPOINT."""
    if ins.json:
        return [[a.value for a in ins.args]], None, None
    script = facts.script(ins)
    if script is None:        # a SHELL docklint does not parse (PowerShell, cmd)
        return [ins.rest.split()], f"its {ins.keyword} is in shell form", None
    lines = _script_lines(script)
    commands = script.commands
    if len(commands) == 1 and not script.has_error and not script.variables:
        c = commands[0]
        words = [w for w in c.words]
        if words and words[0].value == "exec":
            words = words[1:]
        if words and not (c.redirects or c.assignments or c.pipeline_next or c.pipeline_prev
                          or c.subshell) and words[0].value not in _BUILTINS | _SHELLS and \
                not any(w.dynamic or re.search(r"[*?\[~{]", w.raw) for w in words):
            import json
            return lines, None, json.dumps([w.value for w in words])
    return lines, f"its shell-form {ins.keyword} uses the shell", None


def _script_lines(script) -> list[list[str]]:
    if script is None:
        return []
    return [[c.name, *(a.value for a in c.args)] for c in script.commands if c.name]


def _defers(path: str) -> bool:
    """An entrypoint script that, by convention, ends in ``exec "$@"``."""
    return "entrypoint" in posixpath.basename(path).lower()


def _is_script(facts: "Facts", index: int, exe: str) -> bool:
    """``exe`` is a shell script: named ``*.sh``, or an entrypoint no build docklint knows
    produced (``docker-entrypoint``)."""
    name = posixpath.basename(exe).lower()
    if name.endswith(_SCRIPT_EXTENSIONS):
        return True
    if "entrypoint" not in name or "." in name:
        return False
    for path in facts.exe_paths(index, exe) or ():     # None: the PATH is unknown
        placed = facts.provider(index, path)
        if placed is not None and placed.kind == "stage" and placed.from_stage is not None \
                and facts.build_for(placed.from_stage, placed.source) is not None:
            return False
    return True


def _unversioned(name: str) -> str:
    return re.sub(r"[-_]?\d+(?:\.\d+)*$", "", name) or name


def drops_privileges(facts: "Facts", index: int) -> str | None:
    """Why the image of stage ``index`` may start as root and leave it for another user on its
    own, or None: it starts through a tool that switches user (gosu, su-exec, setpriv,
    runuser, ``chroot --userspec``, s6-setuidgid...) or installs or copies one in, it starts
    through an entrypoint script (they usually switch user before ``exec "$@"``), or it runs a
    server or supervisor that starts as root by design and runs its work as another user
    (nginx, httpd, php-fpm, haproxy, sshd, cron, supervisord, an init system...)."""
    how = start(facts, index)
    for words in how.commands:
        text = " ".join(words)
        if words and (_DROP_IN_TEXT.search(text) or
                      posixpath.basename(words[0]) in ("su", "sudo", "start-stop-daemon")):
            return f"it starts through `{posixpath.basename(words[0])}`, which can switch user"
    if how.script is not None and how.entrypoint_script:
        return (f"its entrypoint script `{how.script}` may switch user, as entrypoint scripts "
                "usually do")
    for program in how.programs:
        if program in _SELF_DROPPING:
            return (f"it runs `{program}`, which starts as root by design and runs its work as "
                    "another user")
    for stage in facts.df.graph.chain(index):
        for ins in stage.instructions:
            if ins.effective.keyword in ("RUN", "COPY", "ADD") and \
                    (found := _DROP_IN_TEXT.search(ins.original)):
                return f"it installs `{found.group(0)}` (line {ins.line}) to switch user"
    return None


# ---- what the program is, to choose a base for it -------------------------------------------

_C_DRIVERS = lazy(r"^(?:[\w.]+-)*(?:gcc|cc|clang)(?:-\d+(?:\.\d+)*)?$")
_CXX_SOURCE = lazy(r"\.(?:cpp|cc|cxx|c\+\+|cp|CPP|C|ii)$")
_CXX_FLAG = lazy(r"^(?:-lstdc\+\+|-lc\+\+|-std=(?:c|gnu)\+\+\w*|-stdlib=.*)$")


def program_kind(facts: "Facts", index: int, built: bool = False) -> tuple[str, str]:
    """(kind, how we know) of the program the image of stage ``index`` runs, for choosing a
    base: the kinds of :class:`~docklint.facts.Runtime`, with a C/C++ build that links
    libstdc++ through the C driver (``gcc main.cpp``, ``-lstdc++``) as ``cc``. With ``built``,
    a stage whose runtime is unknown falls back to how its own chain built a program."""
    runtime = facts.runtime(index)
    kind, detail, build = runtime.kind, runtime.detail, runtime.build
    if kind == "unknown" and built:
        info = facts.build_info(index)
        if info is not None:
            kind, detail, build = info.kind, info.how, info
    if kind == "glibc" and build is not None and links_cxx(facts, build):
        kind, detail = "cc", f"{detail}, linking libstdc++"
    return kind, detail


def links_cxx(facts: "Facts", build: "BuildInfo") -> bool:
    """Whether a C compiler build links the C++ runtime: C++ sources (``.cpp``, ``.cc``,
    ``.cxx``...), ``-lstdc++``, ``-std=c++17`` or ``-x c++`` given to gcc, cc or clang.

    (A helper here until ``facts.builds`` decides it: it now judges C++ by the driver's name.)
    """
    if not _C_DRIVERS.match(posixpath.basename(build.tool)):
        return False
    stage = facts.df.stage_of(build.instruction)
    if stage is None:
        return False
    for ins, script, cmd in facts.commands(stage):
        if ins is not build.instruction or script.command_span(cmd) != build.span:
            continue
        values = [a.value for a in cmd.args]
        return any(_CXX_SOURCE.search(v) or _CXX_FLAG.match(v) for v in values) or \
            any(a == "-x" and b.startswith("c++") for a, b in zip(values, values[1:]))
    return False
