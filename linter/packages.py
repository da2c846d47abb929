"""Package-manager knowledge: which manager a shell command runs, what it does, which of its words
are packages, whether each is pinned, and whether a cache it fills is cleaned or mounted away.

Everything reads the :class:`~docklint.shell.Command` objects of :mod:`docklint.shell`; positions
stay those of the words in the Dockerfile, so rules point at the exact package.

``parse(cmd)`` gives a :class:`PackageCommand` for the managers docklint knows (apt-get, apt,
aptitude, apk, yum, dnf, microdnf, zypper, pip/pip3/``python -m pip``/``uv pip``, npm, yarn, gem,
go), after looking through wrappers such as ``sudo``, ``env``, ``xargs`` or ``eatmydata``. Its
``options`` are the option words, its ``operands`` the rest (option values skipped: ``-t stable``,
``--virtual .deps``, ``--index-url X``), and ``packages`` the operands that name a package of the
manager's registry, each with ``pinned`` decided by that manager's own version syntax. Local files
(``.deb``, ``.rpm``, ``.whl``, ``.apk``, ``.gem``, tarballs), paths, URLs, requirement files,
groups and words with ``$`` expansions are never packages.

``cleaned_after(script, cmd, cache)`` tells whether a command later in the same script removes a
cache (``rm -rf /var/lib/apt/lists/*``, ``yum clean all``, ``yarn cache clean``...);
``mounted(mount_targets, cache)`` whether a cache or tmpfs mount of the RUN covers it.

For rules: ``uses(df, *families)`` yields every manager command of every stage (ONBUILD RUN
triggers included) as a :class:`Use` that knows its stage, instruction, script and spans;
``unpinned(df, *families)`` the unpinned packages among them; ``leaves_cache(df, use, cache)``
combines "the stage ships", "no mount covers the cache" and "nothing cleans it later".
"""

from __future__ import annotations

import posixpath
import re
from docklint.record import record, replace
TYPE_CHECKING = False   # typing.TYPE_CHECKING without importing typing (3 ms of each start)
if TYPE_CHECKING:
    from typing import Iterable, Iterator

from docklint.lazyre import lazy
from .facts import facts_of
from .shell import Command, Script, ShellWord

__all__ = ["Package", "PackageCommand", "Use", "parse", "unwrap", "package_commands",
           "is_pinned", "pin_hint", "CACHES", "covers", "removes", "cleaned_after", "mounted",
           "uses", "unpinned", "ships", "shipping_stages", "leaves_cache", "last_per_run",
           "earlier_text", "earlier_search", "fed_yes", "rpm_assumes_yes", "append_hint",
           "INSTALL_ACTIONS",
           "RPM_ASKS", "RPM_CACHING", "PIN_HINT", "TRUTHY_PIP"]

# ---------------------------------------------------------------------------------------------
# managers: family, install-ish actions, subcommand aliases, options that take a value

# command name -> family
_FAMILY = {"apt-get": "apt", "apt": "apt", "aptitude": "apt", "apk": "apk", "yum": "yum",
           "dnf": "dnf", "microdnf": "dnf", "dnf5": "dnf", "zypper": "zypper", "npm": "npm",
           "yarn": "yarn", "gem": "gem", "go": "go"}
# the names pip and Python go by (pip, pip3, pip3.12; python3, pypy3.10): the one pattern of
# each that the rules share
PIP_NAME = lazy(r"pip(?:\d+(?:\.\d+)?)?", needs=("pip",))
PYTHON_NAME = lazy(r"(?:python|pypy)(?:\d+(?:\.\d+)?)?", needs=("python", "pypy"))


def command_words(*families: str) -> tuple[str, ...]:
    """What a file's text must contain for a command of these manager families to be in it
    (a rule's :attr:`~docklint.rule.Rule.words`): the families' command names, each name
    that contains another left out (``apt`` covers ``apt-get`` and ``aptitude``, ``dnf``
    covers ``microdnf``); ``pip`` for pip, which :func:`parse` also finds as ``pip3.12``,
    ``python -m pip`` and ``uv pip``."""
    names = {name for name, family in _FAMILY.items() if family in families}
    if "pip" in families or "uv" in families:
        names.add("pip")
    return tuple(sorted(n for n in names if not any(o != n and o in n for o in names)))

# subcommand aliases -> canonical action, per family
_ALIASES = {
    "apt": {"dist-clean": "distclean"},
    "yum": {"erase": "remove", "upgrade": "update"},
    "dnf": {"in": "install", "up": "upgrade", "update": "upgrade", "rei": "reinstall",
            "rm": "remove", "erase": "remove", "up-min": "upgrade-minimal",
            "groups": "group", "dsync": "distro-sync", "distrosync": "distro-sync"},
    "zypper": {"in": "install", "rm": "remove", "si": "source-install", "up": "update",
               "dup": "dist-upgrade", "cc": "clean", "ref": "refresh", "ar": "addrepo",
               "rr": "removerepo", "mr": "modifyrepo", "lr": "repos", "se": "search",
               "if": "info"},
    "npm": {a: "install" for a in ("i", "in", "ins", "inst", "insta", "instal", "isnt",
                                   "isnta", "isntal", "isntall", "add")},
    "gem": {"i": "install"},
    "pip": {},
    "apk": {},
    "yarn": {},
    "go": {},
}

# options that take a separate value, per family (short ones as "-x")
_VALUE_OPTS = {
    "apt": {"-o", "-c", "-t", "--option", "--config-file", "--target-release",
            "--default-release", "--host-architecture", "-a", "--solver", "--planner"},
    "apk": {"-X", "--repository", "-p", "--root", "-t", "--virtual", "--keys-dir",
            "--repositories-file", "--arch", "--cache-dir", "--cache-max-age", "--wait",
            "--timeout", "--from"},
    "yum": {"-c", "--config", "-d", "--debuglevel", "-e", "--errorlevel", "--rpmverbosity",
            "-R", "--randomwait", "--installroot", "--enablerepo", "--disablerepo", "-x",
            "--exclude", "--releasever", "--setopt", "--color", "--downloaddir", "--destdir",
            "--disableexcludes", "--disableplugin", "--enableplugin", "--advisory",
            "--advisories", "--bz", "--cve", "--sec-severity", "--repo", "--repoid",
            "--forcearch", "--repofrompath", "--comment", "--exclude-from", "--secseverity",
            "--downloadonly-dir"},
    "zypper": {"-R", "--root", "-c", "--config", "-D", "--reposd-dir", "-C", "--cache-dir",
               "--raw-cache-dir", "--solv-cache-dir", "--pkg-cache-dir", "-r", "--repo",
               "-t", "--type", "--from", "--download", "-p", "--plus-repo", "--userdata",
               "--installroot", "--category", "--severity", "--date", "--bugzilla", "--cve",
               "--issues", "--priority", "--oldpackage-filter"},
    "pip": {"-r", "--requirement", "-c", "--constraint", "-e", "--editable", "-i",
            "--index-url", "--extra-index-url", "-f", "--find-links", "-t", "--target",
            "--prefix", "--root", "--src", "--upgrade-strategy", "--platform",
            "--python-version", "--implementation", "--abi", "--trusted-host", "--proxy",
            "--retries", "--timeout", "--cache-dir", "--log", "--log-file", "--global-option",
            "--install-option", "-C", "--config-settings", "--progress-bar", "--no-binary",
            "--only-binary", "--exists-action", "--cert", "--client-cert", "--python",
            "--report", "--root-user-action", "--use-feature", "--use-deprecated",
            "--keyring-provider", "--group", "--index", "--default-index", "--index-strategy",
            "-p", "--override", "-b", "--build-constraint", "--extra", "--torch-backend",
            "--link-mode", "--resolution", "--prerelease", "--exclude-newer",
            "--python-platform", "-P", "--upgrade-package", "--reinstall-package",
            "--config-file", "--no-build-isolation-package", "--refresh-package",
            "--no-binary-package", "--only-binary-package", "--color", "--directory",
            "--project", "--allow-insecure-host", "--excludes", "--overrides",
            "--constraints", "--build-constraints"},
    "npm": {"--registry", "--prefix", "--cache", "--tag", "--userconfig", "--globalconfig",
            "-w", "--workspace", "--omit", "--include", "--loglevel", "--install-strategy",
            "--before", "--otp", "--save-prefix", "--script-shell", "--only", "--also",
            "-C", "--location", "--fetch-retries", "--fetch-timeout", "--proxy",
            "--https-proxy", "--cafile", "--userconfig", "--node-options"},
    "yarn": {"--cache-folder", "--modules-folder", "--registry", "--network-timeout",
             "--mutex", "--global-folder", "--link-folder", "--cwd", "--network-concurrency",
             "--use-yarnrc", "--https-proxy", "--proxy", "--otp", "--preferred-cache-folder"},
    "gem": {"-v", "--version", "-i", "--install-dir", "-n", "--bindir", "--platform",
            "-P", "--trust-policy", "-g", "--file", "--build-root", "-s", "--source",
            "--target-rbconfig", "-p", "--http-proxy", "--without", "--with"},
    "go": {"-C", "-o", "-p", "-tags", "-ldflags", "-gcflags", "-asmflags", "-buildmode",
           "-mod", "-modfile", "-pkgdir", "-toolexec", "-exec", "-overlay", "-pgo",
           "-compiler", "-installsuffix", "-gccgoflags", "-buildvcs", "-coverpkg",
           "-covermode"},
}
# options before the subcommand, where they differ (zypper's global -t is --terse)
_GLOBAL_VALUE_OPTS = {
    "zypper": {"-R", "--root", "-c", "--config", "-D", "--reposd-dir", "-C", "--cache-dir",
               "--raw-cache-dir", "--solv-cache-dir", "--pkg-cache-dir", "--userdata",
               "--installroot", "-p", "--plus-repo"},
}
_VALUE_OPTS["dnf"] = _VALUE_OPTS["yum"] | {"--use-host-config", "--from-repo", "--skip-file",
                                          "--dump-main-config", "--dump-repo-config"}

# what installs, per family (canonical actions)
INSTALL_ACTIONS = {
    "apt": {"install"}, "apk": {"add"},
    "yum": {"install", "groupinstall", "localinstall", "group install", "module install"},
    "dnf": {"install", "groupinstall", "localinstall", "group install", "module install"},
    "zypper": {"install"}, "pip": {"install"}, "uv": {"install"}, "npm": {"install"},
    "yarn": {"add", "install", "global add"}, "gem": {"install"},
    "go": {"install", "get", "run"},
}

# rpm-based managers: subcommands that ask for confirmation
RPM_ASKS = {"install", "groupinstall", "localinstall", "group install", "module install",
            "reinstall", "update", "upgrade", "upgrade-minimal", "update-minimal", "remove",
            "downgrade", "localupdate", "swap", "distro-sync", "autoremove", "group remove",
            "groupremove", "groupupdate", "group upgrade", "module remove", "module reset",
            "module enable", "module switch-to"}
# rpm-based managers: subcommands that fill the cache
RPM_CACHING = {"install", "groupinstall", "localinstall", "group install", "module install",
               "reinstall", "update", "upgrade", "upgrade-minimal", "update-minimal",
               "downgrade", "distro-sync", "makecache", "swap", "localupdate"}

# options that make a command only pretend
_SIMULATE = {
    "apt": ("-s", "--simulate", "--just-print", "--dry-run", "--recon", "--no-act"),
    "apk": ("-s", "--simulate"), "yum": ("--assumeno",), "dnf": ("--assumeno",),
    "zypper": ("--dry-run",), "pip": ("--dry-run",), "uv": ("--dry-run",),
    "npm": ("--dry-run",), "yarn": (), "gem": (), "go": ("-n",),
}

# how to pin, per family (for messages)
PIN_HINT = {
    "apt": "{name}=<version>",
    "apk": "{name}=<version>",
    "yum": "{name}-<version>",
    "dnf": "{name}-<version>",
    "zypper": "{name}=<version>",
    "pip": "{name}==<version>",
    "npm": "{name}@<version>",
    "gem": "{name}:<version>",
    "go": "{name}@<version>",
}

# values pip accepts for PIP_NO_CACHE_DIR; every one of them disables the cache
TRUTHY_PIP = {"1", "0", "true", "false", "yes", "no", "on", "off", "y", "n", "t", "f"}


@record(frozen=True)
class Package:
    """One package argument: ``word`` as written, ``name`` without the version (pip extras
    kept: ``uvicorn[standard]``), the version part (``""`` when none) and whether the manager's
    syntax pins it."""

    word: ShellWord
    name: str
    version: str
    pinned: bool
    why: str = ""            # when not pinned and the version part is a moving tag: why
    kind: str = "registry"   # "registry", or "git" (npm git dependencies: pinned by "#ref")

    @property
    def text(self) -> str:
        return self.word.value


@record(frozen=True)
class PackageCommand:
    """A package-manager command (wrappers removed).

    ``family`` is one of apt, apk, yum, dnf, zypper, pip, uv, npm, yarn, gem, go; ``tool`` the
    program as it reads (``apt-get``, ``microdnf``, ``python3 -m pip``, ``uv pip``); ``action``
    the canonical subcommand (``install`` for ``zypper in``/``npm i``, ``upgrade`` for ``dnf up``,
    ``""`` when there is none) and ``sub_word`` the word that names it. ``start`` is where the
    tool starts (``python3`` of ``python3 -m pip``)."""

    command: Command
    family: str
    tool: str
    action: str
    sub_word: ShellWord | None
    options: tuple[ShellWord, ...]
    operands: tuple[ShellWord, ...]
    # words after ``--`` (gem: build options) or after the first operand of ``go run``
    trailing: tuple[ShellWord, ...] = ()
    start: int = 0
    _values: tuple[tuple[str, ShellWord | None], ...] = ()
    sub_last: ShellWord | None = None     # the subcommand's last word ("install" of "group
                                          # install"); sub_word when it is one word

    @property
    def name(self) -> str:
        return self.command.name

    @property
    def subcommand(self) -> str:
        """The subcommand as written (``erase``, ``group install``); ``""`` when none."""
        if self.sub_word is None:
            return ""
        if self.sub_last is None or self.sub_last is self.sub_word:
            return self.sub_word.value
        return f"{self.sub_word.value} {self.sub_last.value}"

    @property
    def installs(self) -> bool:
        return self.action in INSTALL_ACTIONS.get(self.family, ())

    def head_span(self, script: Script):
        """The span from the tool to its subcommand (``apt-get install``, ``apt-get -q -o X
        install``), or of the tool word alone when it has no subcommand."""
        end = self.sub_last.end if self.sub_last is not None else \
            (self.command.name_word.end if self.command.name_word else self.command.end)
        return script.span(self.start, end)

    def has_option(self, *flags: str) -> bool:
        """Whether any of ``flags`` is among the options (short flags also in bundles such as
        ``-qy``, long ones also as ``--flag=value``)."""
        if self.family == "go":     # single-dash long flags, never bundled: -n is not -version
            return any(o.value == f or o.value.startswith(f + "=") for o in self.options
                       for f in flags)
        return any(_flag_matches(o.value, f) for o in self.options for f in flags)

    def has_global_option(self, *flags: str) -> bool:
        """Like :meth:`has_option`, among the options written before the subcommand."""
        limit = self.sub_word.start if self.sub_word is not None else self.command.end
        return any(_flag_matches(o.value, f) for o in self.options if o.start < limit
                   for f in flags)

    def option_value(self, *flags: str) -> str | None:
        """The value of the last of ``flags`` (``--flag value``, ``--flag=value``, ``-fvalue``)."""
        found = None
        for opt, value in self._values:
            name = opt.split("=", 1)[0] if opt.startswith("--") else opt[:2]
            if name in flags:
                found = value.value if value is not None else _attached(opt)
        return found

    def option_values(self, *flags: str) -> list[str]:
        out = []
        for opt, value in self._values:
            name = opt.split("=", 1)[0] if opt.startswith("--") else opt[:2]
            if name in flags:
                out.append(value.value if value is not None else _attached(opt))
        return out

    def count_option(self, short: str, long: str) -> int:
        """How often a repeatable flag is given (``-qq`` and ``-q -q`` count two, ``-q=2``
        two)."""
        n = 0
        letter = short[1]
        for o in self.options:
            v = o.value
            if v == long:
                n += 1
            elif v.startswith(long + "=") or v.startswith(short + "="):
                tail = v.split("=", 1)[1]
                n += int(tail) if tail.isdigit() else 1
            elif v.startswith("-") and not v.startswith("--") and v[1:].isalnum():
                n += v[1:].count(letter)
        return n

    @property
    def simulates(self) -> bool:
        """Whether the command only pretends (``apt-get install -s``, ``pip install --dry-run``,
        ``dnf --assumeno``): it installs nothing, asks nothing, caches nothing."""
        flags = _SIMULATE.get(self.family, ())
        return bool(flags) and self.has_option(*flags)

    @property
    def packages(self) -> tuple[Package, ...]:
        """The registry packages this command installs (empty unless it installs)."""
        if not self.installs or self.simulates:
            return ()
        return tuple(_packages(self))


def _attached(opt: str) -> str:
    """The value written inside an option word: ``--opt=value``, ``-ovalue``, ``-o=value``."""
    if opt.startswith("--"):
        return opt.split("=", 1)[1] if "=" in opt else ""
    return opt[2:].lstrip("=")


def _flag_matches(value: str, flag: str) -> bool:
    if value == flag:
        return True
    if flag.startswith("--"):
        return value.startswith(flag + "=")
    if len(flag) == 2 and value.startswith("-") and not value.startswith("--"):
        body = value[1:]
        if "=" in body:
            return body.startswith(flag[1] + "=")
        return body.isalnum() and flag[1] in body
    return False


# ---------------------------------------------------------------------------------------------
# wrappers

# wrapper -> options that take a value
_WRAPPERS = {
    "sudo": {"-u", "-g", "-C", "-D", "-h", "-p", "-r", "-t", "-U", "-T", "--user", "--group",
             "--chdir", "--host", "--prompt", "--role", "--type", "--other-user",
             "--command-timeout", "--close-from"},
    "env": {"-u", "--unset", "-C", "--chdir", "-S", "--split-string"},
    "xargs": {"-n", "-I", "-P", "-a", "-d", "-L", "-E", "-s", "--max-args", "--max-procs",
              "--arg-file", "--delimiter", "--max-lines", "--eof", "--max-chars",
              "--replace"},
    "nice": {"-n", "--adjustment"},
    "ionice": {"-c", "-n", "-p", "--class", "--classdata"},
    "timeout": {"-s", "-k", "--signal", "--kill-after"},
    "stdbuf": {"-i", "-o", "-e", "--input", "--output", "--error"},
    "nohup": set(), "time": {"-f", "-o", "--format", "--output"}, "command": set(),
    "exec": {"-a"}, "builtin": set(), "eatmydata": set(), "fakeroot": set(),
    "chronic": set(), "unbuffer": set(),
    "runuser": {"-u", "-g", "-G", "--user", "--group", "--supp-group", "-w",
                "--whitelist-environment"},
}
_WRAPPER_POSITIONAL = {"timeout": 1, "gosu": 1, "su-exec": 1}


def unwrap(cmd: Command) -> Command:
    """The command a wrapper runs (``sudo -E apt-get ...`` -> ``apt-get ...``), assignments of
    ``env NAME=x`` kept as the command's own; ``cmd`` itself when it is no wrapper."""
    for _ in range(4):
        name = cmd.name
        if name not in _WRAPPERS and name not in _WRAPPER_POSITIONAL:
            return cmd
        value_opts = _WRAPPERS.get(name, set())
        skip_positional = _WRAPPER_POSITIONAL.get(name, 0)
        args = list(cmd.args)
        assigns = list(cmd.assignments)
        i = 0
        while i < len(args):
            v = args[i].value
            if v == "--":
                i += 1
                break
            if v.startswith("-") and len(v) > 1:
                if v in value_opts:
                    i += 2
                else:
                    i += 1
                continue
            if name == "env" and re.match(r"[A-Za-z_][A-Za-z0-9_]*=", v):
                assigns.append(args[i])
                i += 1
                continue
            if skip_positional:
                skip_positional -= 1
                i += 1
                continue
            break
        if i >= len(args):
            return cmd
        word = args[i]
        if word.dynamic and ("$" in word.raw or "`" in word.raw):
            return cmd
        cmd = replace(cmd, name=_basename(word.value), name_word=word,
                      args=tuple(args[i + 1:]), assignments=tuple(assigns), start=word.start)
    return cmd


def _basename(name: str) -> str:
    return name.rsplit("/", 1)[-1] if "/" in name else name


# ---------------------------------------------------------------------------------------------
# parsing a command

def parse(cmd: Command) -> PackageCommand | None:
    """The package-manager view of ``cmd`` (None when it runs no manager docklint knows)."""
    cmd = unwrap(cmd)
    name = cmd.name
    args = list(cmd.args)
    start = cmd.name_word.start if cmd.name_word else cmd.start
    tool = name
    if name in _FAMILY:
        family = _FAMILY[name]
    elif PIP_NAME.fullmatch(name):
        family = "pip"
    elif PYTHON_NAME.fullmatch(name):
        # python [-u -I ...] -m pip ...
        i = 0
        while i < len(args) and args[i].value.startswith("-") and args[i].value != "-m":
            i += 2 if args[i].value in ("-W", "-X", "-c") else 1
        if i + 1 >= len(args) or args[i].value != "-m" or \
                not PIP_NAME.fullmatch(args[i + 1].value):
            return None
        family = "pip"
        tool = f"{name} -m {args[i + 1].value}"
        args = args[i + 2:]
    elif name == "uv":
        if not args or args[0].value != "pip":
            return None
        family = "pip"
        tool = "uv pip"
        args = args[1:]
    else:
        return None
    return _split(cmd, family, tool, args, start)


# words that are an option's value, never a package: booleans and numbers
_LITERAL_VALUE = lazy(r"true|false|yes|no|on|off|\d+(?:\.\d+)?[smhkKMG]?", re.I)


def _split(cmd: Command, family: str, tool: str, args: list[ShellWord], start: int
           ) -> PackageCommand:
    command_opts = _VALUE_OPTS[family]
    aliases = _ALIASES.get(family, {})
    options: list[ShellWord] = []
    operands: list[ShellWord] = []
    trailing: list[ShellWord] = []
    values: list[tuple[str, ShellWord | None]] = []
    sub_word: ShellWord | None = None
    sub_last: ShellWord | None = None
    action = ""
    i = 0
    ended = False
    # go: single-dash long flags ("-ldflags"), never bundled
    single_dash_long = family == "go"
    while i < len(args):
        w = args[i]
        v = w.value
        if family == "go" and action == "run" and operands:
            trailing.append(w)          # the program's own arguments follow its package
            i += 1
            continue
        if ended:
            if family == "gem":
                trailing.append(w)
            else:
                operands.append(w)
            i += 1
            continue
        if v == "--":
            ended = True
            i += 1
            continue
        if v.startswith("-") and len(v) > 1 and not (w.dynamic and v.startswith("-$")):
            options.append(w)
            value_opts = _GLOBAL_VALUE_OPTS.get(family, command_opts) if sub_word is None \
                else command_opts
            if v.startswith("--") or single_dash_long:
                key = v.split("=", 1)[0]
                if "=" not in v and i + 1 < len(args) and \
                        (key in value_opts or _LITERAL_VALUE.fullmatch(args[i + 1].value)):
                    # a known option's value, or a word no package is named (`true`, `0`)
                    # after an option docklint does not know: its value
                    values.append((v, args[i + 1]))
                    i += 2
                    continue
                values.append((v, None))
                i += 1
                continue
            # short options, possibly bundled: the first one that takes a value ends the bundle
            body = v[1:]
            consumed = False
            for k, ch in enumerate(body):
                if "-" + ch in value_opts:
                    rest = body[k + 1:].lstrip("=")
                    if rest:
                        values.append((v, None) if k == 0 else ("-" + ch + rest, None))
                    elif i + 1 < len(args):
                        values.append(("-" + ch, args[i + 1]))
                        consumed = True
                    break
                if not ch.isalnum():
                    break
            i += 2 if consumed else 1
            continue
        if sub_word is None:
            sub_word = sub_last = w
            action = aliases.get(v, v)
            i += 1
            # two-word subcommands: "dnf group install", "dnf module install", "yarn global add"
            if family in ("dnf", "yum") and action in ("group", "module") and i < len(args) \
                    and not args[i].value.startswith("-"):
                action = f"{action} {aliases.get(args[i].value, args[i].value)}"
                sub_last = args[i]
                i += 1
            elif family == "yarn" and action == "global" and i < len(args):
                action = f"global {args[i].value}"
                sub_last = args[i]
                i += 1
            continue
        operands.append(w)
        i += 1
    if family == "go" and action == "run" and len(operands) > 1:
        trailing = operands[1:] + trailing
        operands = operands[:1]
    if family == "pip" and tool == "uv pip":
        family = "uv"
    return PackageCommand(cmd, family, tool, action, sub_word, tuple(options), tuple(operands),
                          tuple(trailing), start, tuple(values), sub_last)


def package_commands(script: Script) -> Iterator[tuple[Command, PackageCommand]]:
    """Every package-manager command of a script, with the command it came from."""
    for cmd in script.commands:
        pc = parse(cmd)
        if pc is not None:
            yield cmd, pc


# ---------------------------------------------------------------------------------------------
# packages and pinning

_ARCHIVES = (".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz", ".zip",
             ".tar.zst")
_LOCAL_FILES = {
    "apt": (".deb",), "apk": (".apk",), "yum": (".rpm",), "dnf": (".rpm",),
    "zypper": (".rpm",), "pip": (".whl",) + _ARCHIVES, "uv": (".whl",) + _ARCHIVES,
    "npm": (".tgz", ".tar.gz", ".tar"), "yarn": (".tgz", ".tar.gz", ".tar"), "gem": (".gem",),
    "go": (),
}
_URL_RE = lazy(r"^[A-Za-z][A-Za-z0-9+.-]*://|^git@|^file:")


def _is_variable(word: ShellWord) -> bool:
    return word.dynamic and ("$" in word.raw or "`" in word.raw)


def _packages(pc: PackageCommand) -> Iterator[Package]:
    fam = pc.family
    if fam in ("yum", "dnf") and (pc.action in ("groupinstall", "group install") or
                                  pc.action.startswith("group")):
        return
    if fam == "zypper":
        kind = pc.option_value("-t", "--type")
        if kind is not None and kind != "package":
            return                     # patterns, patches, products: no versions to pin
    if fam in ("pip", "uv") and (pc.option_values("-c", "--constraint", "--constraints") or
                                 pc.command.env("PIP_CONSTRAINT") or
                                 pc.command.env("UV_CONSTRAINT")):
        return                         # a constraints file pins whatever it names
    if fam == "gem" and pc.option_value("-v", "--version") is not None:
        return
    if fam == "yarn":
        return                         # no yarn pinning rule: packages only for add
    for w in pc.operands:
        v = w.value
        if not v or _is_variable(w) or v.startswith("-"):
            continue
        if fam in ("pip", "uv"):
            vcs = _pip_vcs(w, v)
            if vcs is not None:
                yield vcs
                continue
        if fam == "npm" and (re.match(r"git\+|git://|git@", v) or
                             (_URL_RE.match(v) and v.split("#", 1)[0].endswith(".git"))):
            repo, sep, ref = v.partition("#")
            yield Package(w, repo, sep + ref, bool(ref), kind="git")
            continue
        if _URL_RE.match(v) or v.lower().endswith(_LOCAL_FILES.get(fam, ())):
            continue
        pkg = _package(fam, pc, w, v)
        if pkg is not None:
            yield pkg


_NAME_GLOB = lazy(r"[*?\[]")
# pip's VCS requirements: "git+https://host/repo.git@ref#egg=name", optionally after "name @ "
_PIP_VCS = lazy(r"(?:\s*[A-Za-z0-9][A-Za-z0-9._-]*\s*(?:\[[^\]]*\])?\s*@\s*)?"
                      r"((?:git|hg|svn|bzr)\+[A-Za-z][A-Za-z0-9+.-]*://\S+)$", re.I)
# refs that name a branch, not a release: the source moves
MOVING_REFS = ("master", "main", "HEAD", "head", "trunk", "develop", "dev", "default", "tip")


def _pip_vcs(w: ShellWord, v: str) -> Package | None:
    """A pip VCS requirement (``git+https://host/org/repo.git@v1.2``, ``name @ git+ssh://...``)
    as a package of kind "git": pinned by an ``@<tag or commit>`` after the repository path
    (not the ``user@`` of the host part); a branch name (``@main``) moves. None when ``v`` is no
    VCS URL."""
    m = _PIP_VCS.match(v)
    if m is None:
        return None
    url = m.group(1).split("#", 1)[0]
    rest = url.split("://", 1)[1]
    host, slash, path = rest.partition("/")
    repo, at, ref = path.rpartition("@") if "@" in path else (path, "", "")
    if not at or not ref:
        return Package(w, url, "", False, kind="git")
    if ref in MOVING_REFS:
        return Package(w, f"{url.split('://', 1)[0]}://{host}{slash}{repo}", "@" + ref, False,
                       f"`@{ref}` is a branch, which moves", kind="git")
    return Package(w, url, "@" + ref, True, kind="git")


def _package(fam: str, pc: PackageCommand, w: ShellWord, v: str) -> Package | None:
    if fam in ("apt", "apk", "yum", "dnf", "zypper") and \
            _NAME_GLOB.search(re.split(r"[=<>~]", v, maxsplit=1)[0]):
        return None                    # a pattern (`android-tools*`), not one package
    if fam == "apt":
        if v.startswith((".", "/", "~")):
            return None                # a local .deb or directory
        if v.endswith("-") and len(v) > 1 and "=" not in v:
            return None                # "pkg-" asks apt to remove the package
        name, _, version = v.partition("=")
        if not version and "/" in name:
            name, _, release = name.partition("/")
            return Package(w, name, "/" + release, True)
        return Package(w, name, version, bool(version))
    if fam == "apk":
        if v.startswith((".", "/", "~")):
            return None
        m = re.search(r"[=~<>]", v)
        if m:
            return Package(w, v[:m.start()], v[m.start():], True)
        return Package(w, v, "", False)
    if fam in ("yum", "dnf"):
        if v.startswith(("@", ".", "/", "~")) or "(" in v or "/" in v:
            return None                # groups, local files, file and capability provides
        if pc.action.startswith("module"):
            name, sep, stream = v.partition(":")
            return Package(w, name, sep + stream, bool(stream))
        return _rpm_package(w, v)
    if fam == "zypper":
        if v.startswith((".", "/", "~")) or "(" in v or re.match(r"(pattern|patch|product|"
                                                                  r"srcpackage|application):",
                                                                  v):
            return None
        m = re.search(r"[=<>]", v)
        if m:
            return Package(w, v[:m.start()], v[m.start():], True)
        return Package(w, v, "", False)
    if fam in ("pip", "uv"):
        if v.startswith((".", "/", "~")) or "/" in v or "\\" in v or "@" in v:
            return None                # paths, and direct references "name @ url"
        m = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*(.*)$", v, re.S)
        if not m:
            return None
        name, rest = m.group(1) + (m.group(2) or ""), m.group(3).strip()
        pinned = bool(re.match(r"(===|==|~=|>=|<=|!=|<|>)", rest))
        return Package(w, name, rest, pinned)
    if fam == "npm":
        if v.startswith((".", "/", "~")) or v.startswith("file:"):
            return None
        if v.startswith(("github:", "gitlab:", "bitbucket:", "gist:")) or \
                re.fullmatch(r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+(#.*)?", v):
            # a git repository: pinned by a "#ref"
            repo, sep, ref = v.partition("#")
            return Package(w, repo, sep + ref, bool(ref), kind="git")
        scope = ""
        body = v
        if body.startswith("@"):
            scope, _, body = body[1:].partition("/")
            scope = "@" + scope + "/"
        name, sep, spec = body.partition("@")
        if not sep:
            return Package(w, scope + name, "", False)
        if spec in ("", "latest", "*", "x", "X"):
            return Package(w, scope + name, "@" + spec, False,
                           f"`@{spec}` is not a version" if spec else "")
        return Package(w, scope + name, "@" + spec, True)
    if fam == "gem":
        if v.startswith((".", "/", "~")):
            return None
        name, sep, version = v.partition(":")
        return Package(w, name, version, bool(version))
    if fam == "go":
        first = v.split("@", 1)[0].split("/", 1)[0]
        if v.startswith((".", "/", "~")) or v.endswith(".go") or "." not in first:
            return None                # local packages and files, "all", "std", GOPATH paths
        path, sep, version = v.partition("@")
        if not sep:
            # go install/run without a version builds the main module's requirement (go.mod
            # pins it); go get without one asks for the newest
            if pc.action == "get":
                return Package(w, path, "", False)
            return None
        if version == "none":
            return None                # removes a requirement
        if version in ("latest", "upgrade", "patch", "master", "main", "HEAD", "head",
                       "trunk", "develop", "dev"):
            return Package(w, path, "@" + version, False, f"`@{version}` moves")
        return Package(w, path, "@" + version, True)
    return None


_RPM_VERSION_RE = lazy(r"^\d[A-Za-z0-9._+~^:]*$")


def _rpm_package(w: ShellWord, v: str) -> Package:
    """``name-version[-release][.arch]``: pinned when the last dash-separated part is a version
    or a release (starts with a digit, e.g. ``httpd-2.4.6``, ``httpd-2.4.6-97.el7.x86_64``);
    ``java-11-openjdk`` is a name."""
    parts = v.split("-")
    if len(parts) >= 2 and _RPM_VERSION_RE.match(parts[-1]):
        cut = len(parts) - 1
        if len(parts) >= 3 and _RPM_VERSION_RE.match(parts[-2]) and \
                re.match(r"\d", parts[-2]):
            cut = len(parts) - 2
        return Package(w, "-".join(parts[:cut]), "-".join(parts[cut:]), True)
    return Package(w, v, "", False)


def is_pinned(family: str, spec: str, action: str = "install") -> bool | None:
    """Whether ``spec`` (one package argument) is pinned by ``family``'s syntax; None when it is
    not a registry package (a file, path, URL...)."""
    w = ShellWord(spec, spec, 0, len(spec), "$" in spec)
    pc = PackageCommand(Command("", None, (w,), (), (), 0, len(spec)), family, family,
                        action, None, (), (w,))
    pkgs = list(_packages(pc))
    return pkgs[0].pinned if pkgs else None


def pin_hint(family: str, name: str) -> str:
    return PIN_HINT.get("pip" if family == "uv" else family, "{name}").format(name=name)


# ---------------------------------------------------------------------------------------------
# caches: where they live, what removes them

# cache -> directories ("~" stands for any home directory)
CACHES = {
    "apt-lists": ("/var/lib/apt/lists",),
    "apk": ("/var/cache/apk",),
    "yum": ("/var/cache/yum", "/var/cache/dnf"),
    "dnf": ("/var/cache/dnf", "/var/cache/libdnf5", "/var/cache/yum", "~/.cache/libdnf5"),
    # what microdnf fills (the same directories): any rpm manager's `clean all` empties it
    "microdnf": ("/var/cache/dnf", "/var/cache/libdnf5", "/var/cache/yum",
                 "~/.cache/libdnf5"),
    "zypper": ("/var/cache/zypp",),
    "pip": ("~/.cache/pip",),
    "uv": ("~/.cache/uv",),
    "yarn": ("~/.cache/yarn", "/usr/local/share/.cache/yarn", "~/.yarn/berry/cache"),
}
_HOME_RE = lazy(r"^(?:~|\$HOME|\$\{HOME\}|/root|/home/[^/]+)(?=/|$)")
_GLOB = lazy(r"[*?\[]")


def _parts(path: str) -> list[str] | None:
    """Components of a path, home-relative ones starting with ``~``; None when it is not a
    plain path."""
    path = path.strip()
    if not path:
        return None
    m = _HOME_RE.match(path)
    if m:
        path = "~" + path[m.end():]
    elif not path.startswith("/"):
        return None
    if "$" in path or "`" in path:
        return None
    norm = posixpath.normpath(path) if not path.startswith("~") else \
        "~" + (posixpath.normpath(path[1:]) if len(path) > 1 else "")
    parts = [p for p in norm.split("/") if p and p != "."]
    if path.startswith("/"):
        parts = ["/"] + parts
    return parts


def covers(path: str, cache_dir: str) -> bool:
    """Whether removing (or mounting over) ``path`` takes ``cache_dir`` with it: ``path`` is the
    directory, an ancestor, or the directory's contents (``/var/lib/apt/lists/*``). A glob in
    the last part stands for the entries it matches (``*`` skips dot files, as the shell does).
    ``/`` and ``/*`` never count."""
    target = _parts(path)
    cache = _parts(cache_dir)
    if not target or not cache:
        return False
    if _GLOB.search(target[-1]):
        pattern = target.pop()
        if not target or target == ["/"]:
            return False
        if len(target) < len(cache):
            entry = cache[len(target)]
            if entry.startswith(".") and not pattern.startswith("."):
                return False
            if not _glob_match(pattern, entry):
                return False
    if target == ["/"] or len(target) > len(cache):
        return False
    return cache[:len(target)] == target


def _glob_match(pattern: str, name: str) -> bool:
    import fnmatch
    return fnmatch.fnmatchcase(name, pattern)


_CACHE_DIR_CALL = lazy(r"\$\(\s*(yarn|pip[\d.]*|uv)\s+cache\s+dir\s*\)")
_CACHE_OF_TOOL = {"yarn": "yarn", "pip": "pip", "uv": "uv"}
_FIND_FILTERS = {"-name", "-iname", "-path", "-ipath", "-regex", "-iregex", "-newer", "-mtime",
                 "-mmin", "-size", "-user", "-perm"}


def removes(cmd: Command, cache: str) -> bool:
    """Whether ``cmd`` deletes the cache named ``cache`` (a key of :data:`CACHES`): ``rm`` of the
    directory, an ancestor or its contents, ``find DIR ... -delete``, or the manager's own
    clean command."""
    dirs = CACHES[cache]
    cmd = unwrap(cmd)
    if cmd.name == "rm":
        for a in cmd.positional():
            if any(covers(a.value, d) for d in dirs):
                return True
            m = _CACHE_DIR_CALL.search(a.raw)
            if m and _CACHE_OF_TOOL.get(re.sub(r"[\d.]+$", "", m.group(1))) == cache:
                return True
        return False
    if cmd.name == "find":
        words = [a.value for a in cmd.args]
        roots = []
        for v in words:
            if v.startswith("-") or v in ("!", "("):
                break
            roots.append(v)
        if "-delete" not in words and not ("-exec" in words and "rm" in words):
            return False
        filtered = any(v in _FIND_FILTERS for v in words)
        for r in roots:
            for d in dirs:
                rp, dp = _parts(r), _parts(d)
                if rp and rp == dp:
                    return True
                if rp and not filtered and len(rp) > 2 and covers(r, d):
                    return True
        return False
    if cache == "uv":
        return cmd.name == "uv" and [a.value for a in cmd.positional()[:2]] in \
            (["cache", "clean"], ["cache", "prune"])
    pc = parse(cmd)
    if pc is None:
        return False
    if cache == "apt-lists":
        return pc.family == "apt" and pc.action == "distclean"
    if cache == "apk":
        return pc.family == "apk" and pc.action == "cache" and \
            any(o.value in ("clean", "purge") for o in pc.operands)
    if cache == "dnf" and pc.name == "microdnf":
        return False                   # microdnf cleans what microdnf filled, not dnf's cache
    if cache in ("yum", "dnf", "microdnf"):
        return pc.family in ("yum", "dnf") and pc.action == "clean" and \
            any(o.value == "all" for o in pc.operands)
    if cache == "zypper":
        return pc.family == "zypper" and pc.action == "clean"
    if cache == "pip":
        return pc.family == "pip" and pc.action == "cache" and \
            any(o.value in ("purge", "remove") for o in pc.operands)
    if cache == "yarn":
        return pc.family == "yarn" and pc.action == "cache" and \
            any(o.value == "clean" for o in pc.operands)
    return False


def cleaned_after(script: Script, cmd: Command, cache: str) -> bool:
    """Whether a command after ``cmd`` in ``script`` removes ``cache``."""
    return any(other.start >= cmd.end and removes(other, cache) for other in script.commands)


def mounted(targets: Iterable[str], cache: str, extra: Iterable[str] = ()) -> bool:
    """Whether one of the cache/tmpfs mount ``targets`` covers the cache (or one of the
    ``extra`` directories it was pointed at, e.g. by ``PIP_CACHE_DIR``)."""
    dirs = list(CACHES[cache]) + [d for d in extra if d]
    return any(covers(t, d) for t in targets for d in dirs)


# ---------------------------------------------------------------------------------------------
# walking a Dockerfile

@record(frozen=True)
class Use:
    """One package-manager command in a RUN (or an ``ONBUILD RUN`` trigger) of a stage."""

    stage: object
    instruction: object
    script: Script
    command: Command               # as the script has it (wrappers included)
    pc: PackageCommand

    @property
    def onbuild(self) -> bool:
        return self.instruction.keyword == "ONBUILD"

    def span(self):
        """From the tool to its subcommand (``apt-get install``): where ``-y``-style and cache
        findings point."""
        return self.pc.head_span(self.script)

    def word_span(self, word: ShellWord):
        return self.script.word_span(word)

    def insert_after(self, word: ShellWord | None = None):
        """An empty span just after ``word`` (by default the subcommand, else the tool): where a
        fix inserts a flag."""
        from .source import Span
        w = word or self.pc.sub_last or self.pc.command.name_word
        end = self.script.word_span(w).end
        return Span(end, end)


def uses(df, *families: str) -> Iterator[Use]:
    """Every command of ``families`` (all when none given) in the RUNs of every stage, ONBUILD
    RUN triggers included, in file order. Computed once per Dockerfile."""
    found = df._derived.get("package_uses")
    if found is None:
        found = []
        for stage in df.stages:
            for ins, script, cmd in facts_of(df).commands(stage, onbuild=True):
                pc = parse(cmd)
                if pc is not None:
                    found.append(Use(stage, ins, script, cmd, pc))
        df._derived["package_uses"] = found
    for use in found:
        if not families or use.pc.family in families:
            yield use


def ships(df, use: Use) -> bool:
    """Whether what the command leaves on disk lands in an image that ships: its stage is the
    target or in the target's ``FROM`` chain (a stage the target may be built on through a
    variable counts), or it is an ONBUILD trigger (it runs in the child image)."""
    return use.onbuild or use.stage.index in shipping_stages(df)


def shipping_stages(df) -> set[int]:
    """The stages whose layers are part of the target image: the target and, through ``FROM``,
    every stage it is (or, with other build args, may be) built on. A builder that is only a
    base of other builders does not ship.

    (``Facts.shipping_stages``.)"""
    return set(facts_of(df).shipping_stages)


def earlier_text(df, use: Use) -> str:
    """The shell text that ran before ``use`` in its image: earlier RUNs of the stage's chain,
    heredoc files COPY/ADD wrote, and the start of its own script. Used to find manager
    configuration written to a file (``APT::Get::Assume-Yes``, ``assumeyes=1``...)."""
    joined, before = _earlier_parts(df, use.stage.index)
    # the parts before the use's own instruction (all of them when it is not in the stage's
    # own list: an ONBUILD trigger's instruction)
    end = before.get(id(use.instruction), len(joined) - 1)
    head = joined[end]
    own = use.script.text[:use.command.start]
    return f"{head}\n{own}" if end else own


def earlier_search(df, use: Use, pattern: "re.Pattern[str]") -> bool:
    """``bool(pattern.search(earlier_text(df, use)))``, in time that does not grow with the
    number of uses in the stage (a search of the whole earlier text for each use is quadratic).

    The earlier text is the join of the chain's parts before the use, then the start of its own
    script. Whether the pattern matches within the parts alone grows with their number, so the
    first prefix that matches is found once per stage and pattern (a binary search); so is the
    shortest prefix of the use's own script that it matches in (once per script and pattern); a
    match that starts in the earlier parts and reaches into the use's own text is looked for in
    the 4,096 characters on each side of that boundary. For patterns that do not look behind
    their start, nor anchor at ``^``/``\\A`` or at the end (other than as an alternative to a
    newline), this is the same answer, except for a match that spans more than 4,096
    characters on either side of that boundary."""
    joined, before = _earlier_parts(df, use.stage.index)
    end = before.get(id(use.instruction), len(joined) - 1)
    # (stage index, pattern) -> the number of parts of the first prefix the pattern matches
    firsts = df._derived.setdefault("earlier_first", {})
    # the use's own script before its command: the shortest prefix of the script the pattern
    # matches in is found once per script and pattern (a binary search), so that a script of
    # thousands of commands is not searched again for each of them
    text, start = use.script.text, use.command.start
    own_key = (id(use.script), pattern)
    own_first = firsts.get(own_key)
    if own_first is None:
        own_first = firsts[own_key] = _first_prefix(text, pattern)
    if start >= own_first:
        return True
    if not end:
        return False
    key = (use.stage.index, pattern)
    first = firsts.get(key)
    if first is None:
        first = firsts[key] = _first_match(joined, pattern)
    if end >= first:
        return True
    head_end = joined.ends[end]
    cut = joined.text.rfind("\n", 0, max(0, head_end - _STRADDLE))
    window = joined.text[cut if cut >= 0 else 0:head_end]
    return bool(pattern.search(f"{window}\n{text[:min(start, _STRADDLE)]}"))


def _first_prefix(text: str, pattern: "re.Pattern[str]") -> int:
    """The length of the shortest prefix of ``text`` that ``pattern`` matches in
    (``len(text) + 1`` when it matches nowhere)."""
    if not pattern.search(text):
        return len(text) + 1
    lo, hi = 0, len(text)      # a match in text[:hi]; none in text[:lo - 1]
    while lo < hi:
        mid = (lo + hi) // 2
        if pattern.search(text[:mid]):
            hi = mid
        else:
            lo = mid + 1
    return lo


_STRADDLE = 4096


def _first_match(joined: "_Prefixes", pattern: "re.Pattern[str]") -> int:
    """The smallest k such that ``pattern`` matches in the join of the first k parts (the
    number of prefixes when none)."""
    n = len(joined)
    if not pattern.search(joined.text, 0, joined.ends[n - 1]):
        return n
    lo, hi = 1, n - 1          # a match in the first hi parts; none in the first lo - 1
    while lo < hi:
        mid = (lo + hi) // 2
        if pattern.search(joined.text, 0, joined.ends[mid]):
            hi = mid
        else:
            lo = mid + 1
    return lo


class _Prefixes:
    """The texts ``"\n".join(parts[:k])`` of a list of parts, without building each: slices of
    the whole join."""

    __slots__ = ("text", "ends")

    def __init__(self, parts: list[str]) -> None:
        self.text = "\n".join(parts)
        self.ends = [0]
        pos = -1
        for part in parts:
            pos += len(part) + 1
            self.ends.append(pos)

    def __len__(self) -> int:
        return len(self.ends)

    def __getitem__(self, k: int) -> str:
        return self.text[:self.ends[k]] if k else ""


def _earlier_parts(df, index: int) -> tuple[_Prefixes, dict[int, int]]:
    # stage index -> (the texts of the chain's parts joined, prefix lengths): every use of a
    # stage shares one walk of its chain (a walk per use is quadratic in a long stage)
    per_df = df._derived.setdefault("earlier_parts", {})
    got = per_df.get(index)
    if got is not None:
        return got
    parts: list[str] = []
    before: dict[int, int] = {}
    chain = list(reversed(df.graph.chain(index)))
    facts = facts_of(df)
    for n, st in enumerate(chain):
        own_stage = n == len(chain) - 1
        for ins in st.instructions:
            if own_stage:
                before.setdefault(id(ins), len(parts))
            eff = ins.effective
            if eff.keyword == "RUN":
                script = facts.script(ins)
                parts.append(script.text if script is not None else eff.rest)
            elif eff.keyword in ("COPY", "ADD"):
                parts.extend(h.content for h in eff.heredocs)
    got = per_df[index] = (_Prefixes(parts), before)
    return got


def fed_yes(use: Use) -> bool:
    """Whether ``yes |`` feeds the command's prompts."""
    cmd = use.command
    return cmd.pipeline_prev and any(c.name == "yes" and c.pipeline_next and c.end <= cmd.start
                                     for c in use.script.commands)


_ASSUMEYES_CONF = lazy(r"\bassumeyes\s*=\s*(1|true|yes|on)\b", re.I)
def rpm_assumes_yes(df, use: Use) -> bool:
    """Whether a yum/dnf command goes ahead without asking: ``-y``/``--assumeyes``, ``--setopt
    assumeyes=1``, ``yes |``, or ``assumeyes=1`` written to the configuration earlier."""
    pc = use.pc
    if pc.has_option("-y", "--assumeyes", "--assume-yes"):
        return True
    if any(_ASSUMEYES_CONF.search(v) for v in pc.option_values("--setopt")):
        return True
    return fed_yes(use) or earlier_search(df, use, _ASSUMEYES_CONF)


def last_per_run(found: Iterable[Use]) -> list[Use]:
    """Of several uses in one RUN, the last: one cleanup appended after it covers them all."""
    by_script: dict[int, Use] = {}
    for use in found:
        prev = by_script.get(id(use.script))
        if prev is None or use.command.start > prev.command.start:
            by_script[id(use.script)] = use
    return sorted(by_script.values(), key=lambda u: (u.instruction.span.start,
                                                     u.command.start))




def unpinned(df, *families: str) -> Iterator[tuple[Use, Package]]:
    """Every unpinned registry package that an install of ``families`` names."""
    for use in uses(df, *families):
        for pkg in use.pc.packages:
            if not pkg.pinned:
                yield use, pkg


def append_hint(use: Use, cleanup: str) -> str:
    """How to add ``cleanup`` after the command: ``append `&& X` to this RUN``, or, when the
    command sits in a heredoc script, ``add `X` at the end of the heredoc``."""
    at = use.script.span(use.command.start, use.command.end).start
    for h in use.instruction.effective.heredocs:
        if h.body_span.start <= at < h.body_span.end:
            return f"add `{cleanup}` at the end of the <<{h.name} script"
    return f"append `&& {cleanup}` to this RUN"


def leaves_cache(df, use: Use, cache: str, extra: Iterable[str] = ()) -> bool:
    """Whether ``use`` leaves ``cache`` in an image that ships: it does not only simulate, its
    stage ships, no cache/tmpfs mount of the RUN covers the cache (or the ``extra`` directories
    it was pointed at), and nothing later in the RUN removes it."""
    return (not use.pc.simulates and ships(df, use)
            and not mounted(facts_of(df).cache_mounts(use.instruction), cache, extra)
            and not cleaned_after(use.script, use.command, cache))
