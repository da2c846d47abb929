"""The ``docklint`` command. The only place that knows exit codes.

Exit codes: 0 nothing at or above ``--fail-on``; 1 findings at or above it (parse errors
included); 2 a usage, configuration or I/O error (other files are still linted and reported), or
an internal error; 130 interrupted (Ctrl-C); 141 standard output closed early (``| head``).

Reports: ``--format`` may be repeated, each paired in order with an ``--output`` (``-`` for
standard output), so that one run writes, say, text to the terminal and SARIF to a file. Files
are written before standard output; a report that cannot be written is an I/O error (exit 2) but
does not stop the others. Only a text report on a terminal is coloured. ``--statistics`` adds a
count of findings per rule after each text report, and on stderr when no text report goes to
standard output (so that machine-readable output stays parseable).

Fixing: ``--fix`` applies every safe fix (``--unsafe-fixes`` also the unsafe ones, and implies
``--fix``), writes each changed file back atomically (see :mod:`docklint.fix`), and reports the
findings that remain, positioned in the fixed text; the exit code comes from those. The text
report ends with ``Fixed 5 problems (DK404: 2, DK408: 3) in 2 files; 7 remaining.`` instead of
``Found ...`` (on stderr when no text report goes to standard output). A file that could not be
fixed (a fix would break the parse, the fixes do not settle, it is not valid UTF-8, it changed
meanwhile, it cannot be written) is left as it was, reported as ``docklint: PATH: not fixed:
REASON`` and exits 2. With ``-`` standard output carries exactly the fixed text (the input
unchanged when nothing applies) and every report that would go there goes to stderr.
``--diff`` implies ``--fix`` but writes nothing: the unified diffs on standard output, a
``Would fix ...`` line on stderr, no report; exit 1 when there is a diff, 0 when none (2 on
an error). With ``--jobs`` files are fixed in the worker processes, each file by one worker.

No traceback reaches the user: :func:`main` turns every unexpected exception into a one-line
``docklint: internal error: ...`` message (set ``DOCKLINT_DEBUG=1`` to get the traceback).
"""

from __future__ import annotations

import errno
import os
import re
import sys
TYPE_CHECKING = False   # typing.TYPE_CHECKING without importing typing (3 ms of each start)
if TYPE_CHECKING:
    from typing import Sequence

from . import __version__

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
EXIT_INTERRUPTED = 130           # 128 + SIGINT, as a shell reports a process stopped by Ctrl-C
EXIT_BROKEN_PIPE = 141           # 128 + SIGPIPE: the reader of our output went away
SUBCOMMANDS = ("rules", "rule", "inspect", "graph", "config", "lsp", "image")
FAIL_ON = ("error", "warning", "info", "none")
# the same as docklint.formatters.FORMATS (a test checks), spelt out so that importing this
# module does not import the formatters package
OUTPUT_FORMATS = ("text", "json", "sarif", "gnu", "github", "checkstyle", "gitlab", "junit",
                  "markdown")
_PATTERNS = "Dockerfile, Dockerfile.*, Dockerfile-*, *.Dockerfile, *.dockerfile, Containerfile*"


class UsageError(Exception):
    """A bad option value or a configuration that stops the run: one line ``docklint: MESSAGE``
    on stderr, exit 2. (The click commands turn it into their own
    :class:`docklint.commands.ConfigError`.)"""

    exit_code = EXIT_ERROR

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def show(self) -> None:
        _echo(f"docklint: {_printable(self.message)}", err=True)


def is_dockerfile_name(name: str) -> bool:
    """Dockerfile, Dockerfile.*, Dockerfile-*, *.Dockerfile, *.dockerfile, Containerfile*.

    ``*.dockerignore`` is not one: BuildKit reads ``Dockerfile.dockerignore`` (the ignore file of
    a Dockerfile) next to it.
    """
    low = name.lower()
    if low.endswith(".dockerignore"):
        return False
    return (low == "dockerfile" or low.startswith(("dockerfile.", "dockerfile-"))
            or low.endswith(".dockerfile") or low.startswith("containerfile"))


def discover(paths: Sequence[str]) -> tuple[list[str], list[str]]:
    """(files to lint in order, error messages). Named files are always linted; directories
    are searched recursively for Dockerfile names (honouring ``.gitignore`` files, see
    :mod:`docklint.discovery`). A file named twice (or named and also found in a directory) is
    linted once; so is ``-``."""
    files: list[str] = []
    errors: list[str] = []
    seen: set[str] = set()

    def add(path: str) -> None:
        key = path if path == "-" else os.path.normcase(os.path.abspath(path))
        if key not in seen:
            seen.add(key)
            files.append(path)

    for p in paths:
        if p != "-" and os.path.isdir(p):
            from .discovery import walk
            before = len(errors)

            def walk_error(directory: str, exc: OSError) -> None:
                errors.append(f"{exc.filename or directory}: cannot read directory: "
                              f"{exc.strerror or exc}")

            found = list(walk(p, is_dockerfile_name, walk_error,
                              lambda message: errors.append(f"{message} (its patterns are not "
                                                            "applied)")))
            if not found and len(errors) == before:
                errors.append(f"{p}: no Dockerfiles found (looked for {_PATTERNS})")
            for f in found:
                add(f)
        else:
            add(p)
    return files, errors


def _split_codes(values: Sequence[str]) -> list[str]:
    out: list[str] = []
    for v in values:
        out += [x.strip() for x in v.split(",") if x.strip()]
    return out


def _build_args(values: Sequence[str]) -> dict[str, str]:
    out = {}
    for v in values:
        key, eq, value = v.partition("=")
        if not key:
            raise UsageError(f"--build-arg: expected KEY=VALUE, got {v!r}")
        if not eq:
            env = os.environ.get(key)
            if env is None:
                continue          # docker build: --build-arg KEY takes it from the environment
            value = env
        out[key] = value
    return out


def _rule_options(values: Sequence[str]) -> dict[str, dict]:
    from .registry import UnknownRule, get
    out: dict[str, dict] = {}
    for v in values:
        head, eq, raw = v.partition("=")
        code, dot, name = head.partition(".")
        if not (eq and dot and name):
            raise UsageError(f"--rule-option: expected RULE.OPTION=VALUE, got {v!r}")
        try:
            r = get(code)
        except UnknownRule as exc:
            raise UsageError(f"--rule-option: {exc}") from None
        if name not in r.options:
            known = ", ".join(r.options) or "none"
            raise UsageError(f"--rule-option: {r.code} has no option {name!r} "
                             f"(options: {known})")
        value: object = raw
        if raw.lower() in ("true", "false"):
            value = raw.lower() == "true"
        elif raw.lstrip("-").isdigit():
            value = int(raw)
        try:
            r.options[name].validate(value)
        except ValueError as exc:
            raise UsageError(f"--rule-option: {r.code}.{name}: {exc}") from None
        out.setdefault(r.code, {})[name] = value
    return out


def _use_color(no_color: bool, stream) -> bool:
    if no_color or os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


class LintOption:
    """One option of the lint command (``docklint [OPTIONS] PATH...``), declared once: the click
    command (:mod:`docklint.commands`) is built from these, and :func:`parse_lint_args` reads
    the same table.

    ``kind``: ``flag`` (no value), ``switch`` (``--x/--no-x``, a boolean defaulting to true),
    ``text``, ``choice`` (one of ``choices``), ``file`` (a path that must not be a directory),
    ``dir`` (a path that must not be a file), ``count`` (an integer, at least 1).
    """

    __slots__ = ("flags", "dest", "kind", "multiple", "choices", "metavar", "help")

    def __init__(self, flags: tuple[str, ...], dest: str, kind: str, help: str,  # noqa: A002
                 *, multiple: bool = False, choices: tuple[str, ...] = (),
                 metavar: str | None = None) -> None:
        self.flags, self.dest, self.kind, self.help = flags, dest, kind, help
        self.multiple, self.choices, self.metavar = multiple, choices, metavar

    @property
    def default(self):
        if self.multiple:
            return ()
        return {"flag": False, "switch": True}.get(self.kind)


LINT_OPTIONS = (
    LintOption(("--format",), "fmts", "choice", multiple=True, choices=OUTPUT_FORMATS,
               help="Output format (default: text). Repeat it, with one --output for each, to "
                    "write several reports in one run."),
    LintOption(("--output", "-o"), "outputs", "file", multiple=True,
               help="Write the report to FILE instead of stdout (- for stdout). With several "
                    "--format options, the n-th --output takes the n-th format."),
    LintOption(("--sarif-category",), "sarif_category", "text", metavar="NAME",
               help="Name this analysis in the SARIF report (runs[0].automationDetails.id), "
                    "so that GitHub code scanning keeps several analyses of a commit apart."),
    LintOption(("--link-base",), "link_base", "text", metavar="URL",
               help="In the Markdown report, link each file:line to URL/PATH#LINE (for "
                    "GitHub: https://github.com/OWNER/REPO/blob/SHA)."),
    LintOption(("--statistics",), "statistics", "flag",
               help="Also count the findings per rule: after a text report, else on stderr."),
    LintOption(("--select",), "select", "text", multiple=True, metavar="CODES",
               help="Run only these rules (codes, prefixes, slugs, aliases; comma-separated)."),
    LintOption(("--ignore",), "ignore", "text", multiple=True, metavar="CODES",
               help="Do not run these rules."),
    LintOption(("--target",), "target", "text", metavar="STAGE",
               help="The stage being built (default: the last)."),
    LintOption(("--build-arg",), "build_args", "text", multiple=True, metavar="KEY=VALUE",
               help="A build argument, as for docker build (repeatable)."),
    LintOption(("--context",), "context", "dir",
               help="The build context directory (default: the Dockerfile's directory)."),
    LintOption(("--rule-option",), "rule_options", "text", multiple=True,
               metavar="RULE.OPTION=VALUE",
               help="Set a rule option, e.g. DK101.assume-tls=true (repeatable)."),
    LintOption(("--fail-on",), "fail_on", "choice", choices=FAIL_ON,
               help="Exit 1 when a finding is at least this severe (default: warning, or the "
                    "configuration's fail-on)."),
    LintOption(("--config",), "config_path", "file",
               help="Use this configuration file instead of searching for one."),
    LintOption(("--isolated",), "isolated", "flag", help="Ignore every configuration file."),
    LintOption(("--preview",), "preview", "flag", help="Also run rules in preview."),
    LintOption(("--no-shellcheck",), "no_shellcheck", "flag",
               help="Skip the ShellCheck pass (DK440) even when ShellCheck is installed."),
    LintOption(("--jobs", "-j"), "jobs", "count", metavar="N",
               help="Lint files in N processes (default: one per CPU from 50 files on, 80 "
                    "when ShellCheck runs; fewer files are linted in this process, which is "
                    "faster for them)."),
    LintOption(("--stdin-filename",), "stdin_filename", "text", metavar="NAME",
               help="The path to report (and find the context from) for input read from -; "
                    "with no PATH, standard input is read."),
    LintOption(("--fix",), "fix", "flag",
               help="Apply the safe fixes and write the files back (atomically); the report "
                    "shows what remains. With -, print the fixed text on standard output and "
                    "the report on stderr."),
    LintOption(("--unsafe-fixes",), "unsafe_fixes", "flag",
               help="Also apply the unsafe fixes (they may change what the image contains). "
                    "Implies --fix."),
    LintOption(("--diff",), "diff", "flag",
               help="Print a unified diff of what --fix would change instead of writing it "
                    "(exit 1 when there is one). Implies --fix."),
    LintOption(("--show-source", "--no-show-source"), "show_source", "switch",
               help="Show the source line under each finding (text format)."),
    LintOption(("--no-color",), "no_color", "flag", help="Never colour the text output."),
)


def parse_lint_args(args: Sequence[str]) -> dict | None:
    """The parameters of ``docklint ARGS`` as the click command would pass them to
    :func:`run_lint`, or None when anything is not plainly a lint with valid options (a
    subcommand, ``--help``, ``--version``, ``--``, an unknown or bundled option, a value click
    would reject, ...): click then parses the whole command line and gives its own messages.

    This is the start-up path of an editor's or a hook's ``docklint FILE``: it spares importing
    click (about half of a cold start). ``tests/test_cli_fastpath.py`` checks on thousands of
    command lines that the two agree."""
    if args and args[0] in SUBCOMMANDS:
        return None
    by_flag = _LINT_FLAGS
    params: dict = {o.dest: o.default for o in LINT_OPTIONS}
    params["paths"] = ()
    paths: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        i += 1
        if arg == "-" or not arg.startswith("-"):
            paths.append(arg)
            continue
        name, eq, inline = arg.partition("=") if arg.startswith("--") else (arg, "", "")
        found = by_flag.get(name)
        if found is None:
            return None                     # --help, --version, --, -jN, a typo: click's
        opt, negative = found
        if opt.kind in ("flag", "switch"):
            if eq:
                return None
            params[opt.dest] = not negative
            continue
        if eq:
            value = inline
        elif i < len(args):
            value = args[i]
            i += 1
        else:
            return None                     # "requires an argument"
        if value.startswith("-") and value != "-" and not eq:
            return None                     # click's reading of "--target -x" is its own
        checked = _checked_value(opt, value)
        if checked is None:
            return None
        if opt.multiple:
            params[opt.dest] += (checked,)
        else:
            params[opt.dest] = checked
    params["paths"] = tuple(paths)
    return params


def _checked_value(opt: LintOption, value: str):
    """``value`` converted as click converts it for ``opt``, or None where click would refuse
    it (click then says why)."""
    if opt.kind == "choice":
        return value if value in opt.choices else None
    if opt.kind == "count":
        if not value.isascii() or not value.isdigit() or int(value) < 1:
            return None
        return int(value)
    if opt.kind in ("file", "dir"):
        if not value:
            return None
        try:
            st = os.stat(value)
        except (OSError, ValueError):
            return value
        import stat
        if (opt.kind == "file" and stat.S_ISDIR(st.st_mode)) or \
                (opt.kind == "dir" and stat.S_ISREG(st.st_mode)) or \
                not os.access(value, os.R_OK):
            return None
    return value


_LINT_FLAGS: dict[str, tuple[LintOption, bool]] = {}
for _opt in LINT_OPTIONS:
    for _n, _flag in enumerate(_opt.flags):
        _LINT_FLAGS[_flag] = (_opt, _opt.kind == "switch" and _n == 1)
del _opt, _n, _flag


def _echo(message: str, *, err: bool = False, nl: bool = True) -> None:
    """Write ``message`` to standard output (``err``: standard error) and flush it, as
    ``click.echo`` does for text: nothing when the stream is closed, and characters the
    stream's encoding cannot carry replaced rather than raising."""
    stream = sys.stderr if err else sys.stdout
    if stream is None:
        return
    if nl:
        message += "\n"
    try:
        stream.write(message)
    except UnicodeEncodeError:
        encoding = getattr(stream, "encoding", None) or "ascii"
        stream.write(message.encode(encoding, "replace").decode(encoding, "replace"))
    stream.flush()


def run_lint(*, paths: Sequence[str] = (), fmts: Sequence[str] = (),
             outputs: Sequence[str] = (), sarif_category: str | None = None,
             link_base: str | None = None, statistics: bool = False,
             select: Sequence[str] = (), ignore: Sequence[str] = (), target: str | None = None,
             build_args: Sequence[str] = (), context: str | None = None,
             rule_options: Sequence[str] = (), fail_on: str | None = None,
             config_path: str | None = None, isolated: bool = False, preview: bool = False,
             no_shellcheck: bool = False, jobs: int | None = None,
             stdin_filename: str | None = None, fix: bool = False, unsafe_fixes: bool = False,
             diff: bool = False, show_source: bool = True, no_color: bool = False) -> int:
    """Lint ``paths`` as ``docklint [OPTIONS] PATH...`` does (the parameters are the
    :data:`LINT_OPTIONS`); the exit status. Raises :class:`UsageError` for a bad option value
    or configuration that stops the run."""
    from . import config as cfg
    from .engine import FileResult, select_rules
    from .registry import UnknownRule, resolve

    cli_settings = {
        "select": _split_codes(select) or None, "ignore": _split_codes(ignore),
        "build-args": _build_args(build_args), "target": target, "context": context,
        "rules": _rule_options(rule_options), "fail-on": fail_on,
        "preview": True if preview else None,
        "shellcheck": False if no_shellcheck else None}
    if select and not cli_settings["select"]:
        raise UsageError("--select: no rule named (an empty --select would run nothing)")
    for name in (cli_settings["select"] or []) + cli_settings["ignore"]:
        try:
            resolve(name)
        except UnknownRule as exc:
            raise UsageError(f"--select/--ignore: {exc}") from None
    if context and not os.path.isdir(context):
        raise UsageError(f"--context: {context}: not a directory")
    if config_path and not os.path.isfile(config_path):
        kind = "is a directory" if os.path.isdir(config_path) else \
            "not a regular file" if os.path.exists(config_path) else "no such file"
        raise UsageError(f"--config: {config_path}: {kind}")
    fixing = fix or unsafe_fixes or diff
    if diff and (fmts or outputs or statistics):
        raise UsageError("--diff prints a diff, not a report: drop --format, --output and "
                         "--statistics (or use --fix)")
    reports = _pair_outputs(list(fmts), list(outputs))
    if sarif_category is not None:
        if not sarif_category.strip():
            raise UsageError("--sarif-category: the name is empty")
        if "sarif" not in fmts:
            raise UsageError("--sarif-category applies to the SARIF report only: add "
                             "--format sarif")
    if link_base is not None:
        if "markdown" not in fmts:
            raise UsageError("--link-base applies to the Markdown report only: add "
                             "--format markdown")
        if not re.fullmatch(r"https?://[^\s<>()\[\]`]+", link_base):
            raise UsageError("--link-base: expected an http(s) URL without spaces, brackets "
                             "or quotes")

    rule_sets: dict[tuple, list] = {}
    noted: set[str | None] = set()

    def effective(path: str | None):
        """The settings and rules for one file (configuration found from its directory).
        Raises :class:`_BrokenConfig` when the configuration found for it is broken (the other
        files are still linted), UsageError (the run stops) when ``--config`` or the command
        line is."""
        try:
            conf = cfg.config_for(path, explicit=config_path, isolated=isolated)
            eff = cfg.resolve_settings(path, conf, cli=cli_settings)
        except cfg.ConfigError as exc:
            if exc.config is None or config_path:
                raise UsageError(str(exc)) from None
            raise _BrokenConfig(str(exc), exc.config) from None
        if conf is not None and conf.notes and conf.path not in noted:
            noted.add(conf.path)
            for note in conf.notes:
                _echo(f"docklint: {note}", err=True)
        s = eff.settings
        key = (tuple(s.select or ()), tuple(s.ignore), s.preview, s.select is None)
        if key not in rule_sets:
            try:
                rule_sets[key] = select_rules(s)
            except UnknownRule as exc:
                raise UsageError(str(exc)) from None
        if not rule_sets[key]:
            message = "no rules left to run: the selection and the ignores cancel out"
            if conf is None or config_path:
                raise UsageError(message)
            raise _BrokenConfig(f"{conf.path}: {message}", conf.path)
        return eff, rule_sets[key]

    if not paths:
        paths = ("-",) if stdin_filename else (".",)
    files, errors = discover(paths)
    _refuse_reports_over_inputs(reports, files, stdin_filename)
    explicit = {os.path.normcase(os.path.abspath(p)) for p in paths if p != "-"}
    plan: list[tuple[str, object, list]] = []     # (path, effective settings, rules)
    # a broken configuration costs the files under it, not the run: each such file is "not
    # linted" (an error for that file, exit 2), the configuration's error is said once
    broken: dict[int, tuple[str, str]] = {}       # position in the plan -> (file, error)
    broken_configs: set[str] = set()
    for path in files:
        config_path_for = (stdin_filename or None) if path == "-" else path
        try:
            eff, rules = effective(config_path_for)
        except _BrokenConfig as exc:
            if exc.config not in broken_configs:
                broken_configs.add(exc.config)
                errors.append(exc.message)
            shown = (stdin_filename or "-") if path == "-" else path
            broken[len(plan)] = (shown, f"{shown}: not linted: configuration error in "
                                        f"{exc.config}")
            plan.append((path, cfg.Effective(cfg.Settings(), "none", None), []))
            continue
        if path != "-" and eff.excluded and \
                os.path.normcase(os.path.abspath(path)) not in explicit:
            continue
        plan.append((path, eff, rules))
    todo = [entry for i, entry in enumerate(plan) if i not in broken]
    count = sum(1 for p, _, _ in todo if p != "-")
    workers = _workers(jobs, count, jobs is None and count >= POOL_MIN_FILES and
                       _runs_shellcheck(rules for _, _, rules in todo))
    results: list[FileResult] = []
    thresholds: list[str] = [eff.fail_on for _, eff, _ in plan]
    fixes: list = []
    fix_mode = (unsafe_fixes, not diff) if fixing else None     # (unsafe, write)
    if workers > 1:
        done = _lint_parallel(todo, workers, stdin_filename, fix_mode)
    else:
        done = _lint_many([(path, eff.settings, rules) for path, eff, rules in todo],
                          stdin_filename, fix_mode)
    if broken:
        done = _with_not_linted(done, plan, broken, fix_mode is not None)
    if fix_mode is None:
        results = done
    else:
        fixes = done
        results = [fx.result for fx in fixes]
    if diff:
        return _report_diff(fixes, unsafe_fixes, errors)
    # with standard input fixed, standard output takes the fixed text: reports go to stderr
    stdout_taken = fixing and any(path == "-" for path, _, _ in plan)
    used_rules = sorted({r.code: r for rs in rule_sets.values() for r in rs}.values(),
                        key=lambda r: r.code)
    rules = used_rules

    from .formatters import render
    stats = _statistics(results) if statistics else ""
    fixed = _fix_summary(fixes, unsafe_fixes) if fixing else ""
    texts: list[tuple[str | None, str]] = []      # (file or None for standard output, text)
    console = sys.stderr if stdout_taken else sys.stdout
    for fmt, output in reports:
        color = fmt == "text" and output is None and _use_color(no_color, console)
        text = render(fmt, results, rules, color=color, show_source=show_source,
                      version=__version__, category=sarif_category, link_base=link_base)
        if fmt == "text":
            if stats:
                text += "\n" + stats
            text += ("\n" + fixed if fixed and text else fixed) if fixing else _summary(results)
        texts.append((output, text))
    write_errors: list[str] = []
    for output, text in texts:               # files first: a closed stdout must not
        if output is None:                           # cost the other reports
            continue
        try:
            # surrogateescape: a file name that is not UTF-8 is written back as its own bytes,
            # as on standard output
            with open(output, "w", encoding="utf-8", errors="surrogateescape") as fh:
                fh.write(text)
        except OSError as exc:
            write_errors.append(f"cannot write {output}: {exc.strerror or exc}")
    if stdout_taken:
        for (path, _, _), fx in zip(plan, fixes):
            if path == "-" and fx.data is not None:
                write_errors += _write_stdout_bytes(fx.data)
    for output, text in texts:
        if output is not None or not text:
            continue
        if console is None:  # fd 1 was closed before we started
            write_errors.append("cannot write the report: standard output is closed")
            continue
        write_errors += _echo_report(text, console)
    if not any(fmt == "text" and output is None for fmt, output in reports):
        # what a text report on the console would have ended with goes to stderr
        tail = stats + ("\n" if stats and fixed else "") + fixed
        if tail:
            _echo(tail, nl=False, err=True)

    status = EXIT_OK
    for message in write_errors + errors:
        _echo(f"docklint: {_printable(message)}", err=True)
        status = EXIT_ERROR
    status = max(status, _report_problems(results, fixes))
    if status == EXIT_OK:
        from .rule import Severity
        for r, threshold in zip(results, thresholds):
            if threshold != "none" and any(f.level >= Severity.parse(threshold)
                                           for f in r.findings):
                status = EXIT_FINDINGS
    return status


class _BrokenConfig(Exception):
    """The configuration found for a file is broken: ``message`` says what is wrong (it names
    the file), ``config`` is its path."""

    def __init__(self, message: str, config: str):
        super().__init__(message)
        self.message = message
        self.config = config


def _with_not_linted(done: list, plan: list, broken: dict[int, tuple[str, str]],
                     fixing: bool) -> list:
    """The results of the linted files with, in plan order, one for each file that was not
    linted because its configuration is broken (its error says so)."""
    from .engine import FileResult
    linted = iter(done)
    out = []
    for i, (path, _, _) in enumerate(plan):
        if i not in broken:
            out.append(next(linted))
            continue
        result = FileResult(broken[i][0], error=broken[i][1])
        if fixing:
            from .fix import FileFix
            out.append(FileFix(result))
        else:
            out.append(result)
    return out


def _pair_outputs(fmts: list[str], outputs: list[str]) -> list[tuple[str, str | None]]:
    """(format, file or None for standard output) for each report to write.

    One format (or none: text) goes to its one ``--output``, or to standard output. Several
    formats need one ``--output`` each, paired in order. Standard output, and any one file, may
    take only one report.
    """
    fmts = fmts or ["text"]
    if len(fmts) == 1 and len(outputs) <= 1:
        pairs = list(zip(fmts, outputs or ["-"]))
    elif len(fmts) == len(outputs):
        pairs = list(zip(fmts, outputs))
    else:
        def times(n: int) -> str:
            return "once" if n == 1 else f"{n} times"
        raise UsageError(f"--format is given {times(len(fmts))} but --output "
                         f"{times(len(outputs)) if outputs else 'never'}: give one --output "
                         "per --format (- for standard output)")
    seen: set[str] = set()
    reports: list[tuple[str, str | None]] = []
    for fmt, output in pairs:
        key = "-" if output == "-" else os.path.normcase(os.path.abspath(output))
        if key in seen:
            where = "standard output (-)" if output == "-" else output
            raise UsageError(f"--output: {where} is named more than once (one report each)")
        seen.add(key)
        reports.append((fmt, None if output == "-" else output))
    return reports


def _statistics(results) -> str:
    """The count of findings per rule, most frequent first (then by code), one rule a line:
    ``  3  DK101  missing-ca-bundle``. Empty when nothing was found."""
    counts: dict[str, int] = {}
    slugs: dict[str, str] = {}
    for r in results:
        for f in r.findings:
            counts[f.code] = counts.get(f.code, 0) + 1
            slugs.setdefault(f.code, f.slug)
    if not counts:
        return ""
    rows = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    number_width = len(str(rows[0][1]))
    code_width = max(len(code) for code in counts)
    return "".join(f"  {n:>{number_width}}  {code:<{code_width}}  {slugs[code]}".rstrip() + "\n"
                   for code, n in rows)


#: below this many files, the default is to lint in this process: starting a pool of worker
#: processes (each importing docklint) costs more than it saves. bench/bench.py measures the
#: break-even ("worker pool break-even"); on 2 CPUs, the first corpus files, medians of 9:
#: without ShellCheck 40 files took 160 ms in process and 173 ms with the pool, 50 files
#: 186 ms and 173 ms; with ShellCheck, which already works on the other CPU while this process
#: lints, 60 files took 362 ms in process and 403 ms with the pool, 80 files 476 and 463 ms
#: (another run: even at 60 files, within 5 % either way from 60 to 120).
POOL_MIN_FILES = 50
POOL_MIN_FILES_SHELLCHECK = 80


def _runs_shellcheck(rule_lists) -> bool:
    """Whether ShellCheck will run: DK440 is selected for a file and the binary is there."""
    if not any(r.code == "DK440" for rules in rule_lists for r in rules or ()):
        return False
    from . import shellcheck
    return shellcheck.binary() is not None


def _workers(jobs: int | None, files: int, shellcheck: bool = False) -> int:
    """How many processes to lint ``files`` files with: by default one for fewer than
    ``POOL_MIN_FILES`` files (``POOL_MIN_FILES_SHELLCHECK`` when ShellCheck runs), else one
    per CPU; an explicit ``--jobs N`` is obeyed (at most one process per file)."""
    if jobs is None:
        if files < (POOL_MIN_FILES_SHELLCHECK if shellcheck else POOL_MIN_FILES):
            return 1
        jobs = os.cpu_count() or 1
    if jobs <= 1 or files < 2:
        return 1
    return min(jobs, files)


def _lint_one(path: str, settings, rules, stdin_filename: str | None,
              fix: tuple[bool, bool] | None = None):
    """Lint one file (or standard input for ``-``); a docklint bug becomes an internal error
    for that file, and the other files are still linted. With ``fix`` (unsafe, write), fix it
    instead and return a :class:`docklint.fix.FileFix`."""
    from .engine import lint_file
    shown = (stdin_filename or "-") if path == "-" else path
    try:
        if fix is not None:
            return _fix_one(path, shown, settings, rules, stdin_filename, *fix)
        if path == "-":
            return _lint_stdin(shown, settings, rules, _stdin_context(settings, stdin_filename))
        return lint_file(path, settings, rules)
    except Exception as exc:
        result = _internal_result(shown, exc)
        if fix is None:
            return result
        from .fix import FileFix
        return FileFix(result)


def _lint_many(entries: list, stdin_filename: str | None,
               fix: tuple[bool, bool] | None = None) -> list:
    """Lint (or fix) ``entries`` (``(path, settings, rules)``) in this process; results keep
    their order. Linting goes by batches of files (at most :data:`docklint.engine.BATCH_FILES`
    models, :data:`~docklint.engine.BATCH_CHARS` characters of text, each): each file is read
    and parsed once, the batch's shared work starts once for all of its files
    (:func:`docklint.engine.prepare_batch`: one ShellCheck pass for all their scripts), and
    the files' rules run while it works: those of the previous batch, and for the last batch
    its own (its DK440 waits for the pass). So two batches are alive at once, and ShellCheck
    (on another CPU) overlaps docklint's own work. A problem stays with its file: a file that cannot be read, or whose
    lint fails, is reported as before, and the others are linted. Fixing goes file by file."""
    if fix is not None:
        return [_lint_one(path, settings, rules, stdin_filename, fix)
                for path, settings, rules in entries]
    from .engine import BATCH_CHARS, BATCH_FILES, FileResult, load_file
    out: list = []
    batch: list[tuple[int, object, object, object]] = []    # (position, model, settings, rules)
    started: list = []      # the batch whose shared work (ShellCheck) runs while ...
    chars = 0

    def next_batch() -> None:
        """Start the shared work of ``batch``, then lint the batch before it meanwhile."""
        nonlocal batch, started, chars
        _prepare_models(batch)
        _lint_models(started, out)
        started, batch, chars = batch, [], 0

    try:
        for path, settings, rules in entries:
            if path == "-":
                out.append(_lint_one(path, settings, rules, stdin_filename))
                continue
            try:
                loaded = load_file(path, settings)
            except Exception as exc:
                out.append(_internal_result(path, exc))
                continue
            if isinstance(loaded, FileResult):
                out.append(loaded)
                continue
            batch.append((len(out), loaded, settings, rules))
            out.append(None)
            chars += len(loaded.source.text)
            if len(batch) >= BATCH_FILES or chars >= BATCH_CHARS:
                next_batch()
        next_batch()
        _lint_models(started, out)
    finally:
        _end_shared_work()
    return out


def _prepare_models(batch: list) -> None:
    """Start the work the rules of a batch of models (``(position, model, settings, rules)``)
    share: :func:`docklint.engine.prepare_batch` (ShellCheck, which works while the previous
    batch is linted)."""
    if not batch:
        return
    from .engine import prepare_batch
    try:
        prepare_batch([(df, settings, rules) for _, df, settings, rules in batch])
    except Exception:  # noqa: BLE001 - each file's own lint runs (and reports) it again
        pass


def _lint_models(batch: list, out: list) -> None:
    """Lint a batch of models (``(position in out, model, settings, rules)``) into ``out``."""
    if not batch:
        return
    from .engine import lint_model
    for at, df, settings, rules in batch:
        try:
            out[at] = lint_model(df, settings, rules)
        except Exception as exc:
            out[at] = _internal_result(df.source.path or "-", exc)


def _end_shared_work() -> None:
    """Stop a ShellCheck pass that no rule waited for (every file's lint ended before DK440
    ran, or an error or interrupt ends the lint), so that no process or temporary directory
    outlives it."""
    shellcheck = sys.modules.get(f"{__package__}.shellcheck")
    if shellcheck is not None:
        shellcheck.abandon()


def _internal_result(shown: str, exc: BaseException):
    """The result of a file whose lint failed on a docklint bug (the others are still
    linted)."""
    from .engine import FileResult
    message = " ".join(str(exc).split())
    return FileResult(shown, internal=[f"{shown}: internal error: {type(exc).__name__}: {message}"])


def _stdin_context(settings, stdin_filename: str | None) -> str | None:
    return settings.context or (os.path.dirname(os.path.abspath(stdin_filename))
                                if stdin_filename else None)


def _fix_one(path: str, shown: str, settings, rules, stdin_filename: str | None,
             unsafe: bool, write: bool):
    """Fix one file (written back with ``write``), or standard input (never written: the
    caller prints the fixed bytes)."""
    from .engine import FileResult
    from .fix import FileFix, fix_data, fix_file
    from .reading import ReadError, TooBig
    if path != "-":
        return fix_file(path, settings, rules, unsafe=unsafe, write=write)
    try:
        data = _read_stdin(settings.max_file_bytes)
    except TooBig:
        # the input is not kept, so it cannot be given back: an error, not an empty output
        return FileFix(_stdin_too_big(shown, settings, rules),
                       problem="not fixed: standard input is over the size limit")
    except ReadError as exc:
        return FileFix(FileResult(shown, error=f"{shown}: cannot read standard input: "
                                                f"{exc.message}"))
    return fix_data(data, shown, settings, rules, unsafe=unsafe,
                    context=_stdin_context(settings, stdin_filename))


def _worker_started() -> None:
    """In each worker process: the workers already keep the CPUs busy, so a file's ShellCheck
    pass runs one ShellCheck process, not one per CPU. The signal handlers the parent installed
    to stop the workers (:func:`_workers_stop_with_us`), inherited through ``fork``, give way to
    the ones before them."""
    from . import shellcheck
    shellcheck.PARALLEL = 1
    if _SIGNALS_BEFORE:
        import signal
        for signo, handler in _SIGNALS_BEFORE.items():
            try:
                signal.signal(signo, handler)
            except (OSError, ValueError, TypeError):
                pass


# the handlers _workers_stop_with_us replaced (signal number -> handler), for the workers
_SIGNALS_BEFORE: dict = {}


def _workers_stop_with_us():
    """A context in which SIGTERM, SIGHUP or SIGINT to docklint (this process) is first passed
    on to the worker processes as SIGTERM (each one's ShellCheck pass then kills its ShellCheck
    and removes its temporary files), then takes its course here: the previous handler (Ctrl-C:
    KeyboardInterrupt), or the default action (the process ends, status 128 + the signal
    number). Without it, the workers and their ShellCheck processes would outlive docklint.
    Main thread, POSIX only; elsewhere it does nothing."""
    import contextlib
    import signal
    import threading

    @contextlib.contextmanager
    def guard():
        names = [n for n in ("SIGTERM", "SIGHUP", "SIGINT") if hasattr(signal, n)]
        if os.name == "nt" or threading.current_thread() is not threading.main_thread():
            yield
            return
        previous: dict = {}

        def restore() -> None:
            for signo, handler in previous.items():
                try:
                    signal.signal(signo, handler)
                except (OSError, ValueError, TypeError):
                    pass

        def handle(signo, frame) -> None:
            import multiprocessing
            for child in multiprocessing.active_children():
                try:
                    child.terminate()
                except Exception:  # noqa: BLE001 - gone already
                    pass
            restore()
            before = previous.get(signo, signal.SIG_DFL)
            if callable(before):
                before(signo, frame)
                return
            os.kill(os.getpid(), signo)
            raise SystemExit(128 + signo)

        for name in names:
            signo = getattr(signal, name)
            before = signal.getsignal(signo)
            if before in (signal.SIG_IGN, None):
                continue
            previous[signo] = before
            signal.signal(signo, handle)
        _SIGNALS_BEFORE.update(previous)
        try:
            yield
        finally:
            restore()
            _SIGNALS_BEFORE.clear()
    return guard()


def _lint_in_worker(chunk: list) -> list:
    """Run in a worker process: lint (or fix) a chunk of files (``(path, settings, rule
    codes, fix)``) as :func:`_lint_many` does; return what the report needs (no model)."""
    from .registry import get
    fix = chunk[0][3] if chunk else None
    out = _lint_many([(path, settings, [get(code) for code in codes])
                      for path, settings, codes, _ in chunk], None, fix)
    for one in out:
        (one if fix is None else one.result).dockerfile = None
    return out


def _lint_parallel(plan, workers: int, stdin_filename: str | None,
                   fix: tuple[bool, bool] | None = None) -> list:
    """Lint (or fix) the plan's files in ``workers`` processes; results keep the plan's
    order. Standard input is read in this process."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    jobs = [(path, eff.settings, tuple(r.code for r in rules), fix)
            for path, eff, rules in plan if path != "-"]
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else None
    context = multiprocessing.get_context(method) if method else None
    from .engine import BATCH_FILES
    chunks = _chunks(jobs, workers, BATCH_FILES)
    with _workers_stop_with_us(), \
            ProcessPoolExecutor(max_workers=workers, mp_context=context,
                                initializer=_worker_started) as pool:
        done = iter([out for part in pool.map(_lint_in_worker, chunks) for out in part])
    out = []
    for path, eff, rules in plan:
        out.append(_lint_one(path, eff.settings, rules, stdin_filename, fix) if path == "-"
                   else next(done))
    return out


def _chunks(jobs: list, workers: int, most: int) -> list[list]:
    """``jobs`` in the order given, cut into the chunks the workers take one at a time: a few
    per worker (so that a slow file does not leave the others idle), of at most ``most`` files
    (each chunk is linted as one batch: one ShellCheck pass), smaller towards the end (at
    most half of what is left per worker, down to a quarter of the first size), so that the
    workers finish together rather than one of them checking a last big chunk alone."""
    size = max(1, min(most, -(-len(jobs) // (workers * 4))))
    least = max(1, size // 4)
    chunks = []
    at = 0
    while at < len(jobs):
        step = max(least, min(size, -(-(len(jobs) - at) // (workers * 2))))
        chunks.append(jobs[at:at + step])
        at += step
    return chunks


def _write_stdout_bytes(data: bytes) -> list[str]:
    """Write the fixed text of standard input, byte for byte; the errors to report."""
    if sys.stdout is None:
        return ["cannot write the fixed text: standard output is closed"]
    try:
        sys.stdout.flush()
        stream = getattr(sys.stdout, "buffer", None)
        if stream is None:       # a text-only stand-in (an embedding harness)
            sys.stdout.write(data.decode("utf-8", "surrogateescape"))
        else:
            stream.write(data)
            stream.flush()
    except OSError as exc:
        if _is_pipe_error(exc):
            raise
        _discard(sys.stdout)
        return [f"cannot write the fixed text: {exc.strerror or exc}"]
    return []


def _echo_report(text: str, console) -> list[str]:
    """Write a report to the console (standard output, or standard error when standard output
    carries fixed text) and flush it; the errors to report. A full device (``>/dev/full``) or
    another write error is "cannot write the report: REASON"; a closed pipe is left to
    :func:`main` (exit 141)."""
    try:
        _echo(text, nl=False, err=console is sys.stderr)
        console.flush()
    except OSError as exc:
        if _is_pipe_error(exc):
            raise
        _discard(console)
        return [f"cannot write the report: {exc.strerror or exc}"]
    return []


def _discard(stream) -> None:
    """Point ``stream``'s descriptor at the null device, so that what is still buffered for it
    (which a failed write keeps) does not fail again at the next flush or at exit."""
    try:
        fd = stream.fileno()
        devnull = os.open(os.devnull, os.O_WRONLY)
    except (OSError, ValueError, AttributeError):
        return          # not a real file (a test harness): nothing will flush it to a device
    try:
        os.dup2(devnull, fd)
    except OSError:
        pass
    finally:
        os.close(devnull)


def _refuse_reports_over_inputs(reports, files: Sequence[str],
                                stdin_filename: str | None) -> None:
    """A UsageError (exit 2, nothing written) when an ``--output`` file is one of the files
    being linted (the same file: through a symlink, a hard link or another spelling of its
    path), or the file that ``--stdin-filename`` names: the report would replace it."""
    outputs = [output for _fmt, output in reports if output is not None]
    if not outputs:
        return
    inputs = [p for p in files if p != "-"]
    if "-" in files and stdin_filename:
        inputs.append(stdin_filename)

    def identity(path: str):
        try:
            st = os.stat(path)
        except (OSError, ValueError):
            return None
        return (st.st_dev, st.st_ino)

    def spelling(path: str) -> str:
        return os.path.normcase(os.path.realpath(path))

    for output in outputs:
        same = identity(output)
        where = spelling(output)
        for path in inputs:
            if (same is not None and identity(path) == same) or spelling(path) == where:
                named = "" if path == output else f" ({path})"
                raise UsageError(f"--output: {output} is a file being linted{named}; "
                                 "the report would overwrite it: name another file")


def _report_problems(results, fixes) -> int:
    """Print the errors of reading, linting and fixing each file; EXIT_ERROR if any."""
    status = EXIT_OK
    for i, r in enumerate(results):
        if r.error:
            _echo(f"docklint: {_printable(r.error)}", err=True)
            status = EXIT_ERROR
        for message in r.internal:
            # a rule that gave up within a budget (CannotCheck) is not a bug to report
            bug = ": internal error" in message
            _echo(f"docklint: {_printable(message)}"
                  f"{' (please report this)' if bug else ''}", err=True)
            status = EXIT_ERROR
        problem = fixes[i].problem if fixes else None
        if problem:
            _echo(f"docklint: {_printable(f'{r.path}: {problem}')}", err=True)
            status = EXIT_ERROR
    return status


def _report_diff(fixes, unsafe: bool, errors: list[str]) -> int:
    """``--diff``: the diffs on standard output, the summary and the errors on stderr. Exit
    1 when there is a diff, 0 when none, 2 on an error."""
    from .fix import unified_diff
    for fx in fixes:
        if fx.changed:
            _echo(unified_diff(_printable(fx.result.path), fx.original, fx.data), nl=False)
    summary = _fix_summary(fixes, unsafe, would=True)
    if summary:
        _echo(summary, nl=False, err=True)
    status = EXIT_OK
    for message in errors:
        _echo(f"docklint: {_printable(message)}", err=True)
        status = EXIT_ERROR
    status = max(status, _report_problems([fx.result for fx in fixes], fixes))
    if status == EXIT_OK and any(fx.changed for fx in fixes):
        status = EXIT_FINDINGS
    return status


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _printable(message: str) -> str:
    """A message for stderr with the control and bidi characters of file names (and of
    anything else quoted) escaped: see :func:`docklint.rule.printable`."""
    from .rule import printable
    return printable(str(message))


def _failed_summary(results) -> str:
    """``2 rules could not check 1 file (DK401, DK402): the report is incomplete ...``, or ''."""
    failed = {(r.path, x.code) for r in results for x in getattr(r, "failed", ())}
    if not failed:
        return ""
    codes = sorted({code for _, code in failed})
    files = len({path for path, _ in failed})
    shown = ", ".join(codes[:10]) + (f" and {len(codes) - 10} more" if len(codes) > 10 else "")
    return (f"{_plural(len(codes), 'rule')} could not check {_plural(files, 'file')} ({shown}): "
            f"the report is incomplete (see the DK005 findings).\n")


def _fix_summary(fixes, unsafe: bool, would: bool = False) -> str:
    """``Fixed 5 problems (DK404: 2, DK408: 3) in 2 files; 7 remaining.``; with ``would``
    (``--diff``) ``Would fix ...; 7 would remain.``. Remaining findings that only an unsafe
    fix would resolve are counted when unsafe fixes are off. Empty when nothing was fixed and
    nothing remains."""
    from collections import Counter
    applied: Counter = Counter()
    files = 0
    for fx in fixes:
        if fx.applied and fx.changed:
            applied.update(fx.applied)
            files += 1
    remaining = [f for fx in fixes for f in fx.result.findings]
    if not applied and not remaining:
        return ""
    left = f"{len(remaining)} {'would remain' if would else 'remaining'}"
    hidden = 0 if unsafe else sum(1 for f in remaining
                                  if f.fix is not None and f.fix.edits and not f.fix.safe)
    if hidden:
        left += f" ({hidden} fixable with --unsafe-fixes)"
    failed = _failed_summary([fx.result for fx in fixes])
    if not applied:
        return f"{'Nothing to fix' if would else 'Nothing fixed'}; {left}.\n" + failed
    total = sum(applied.values())
    per_rule = ", ".join(f"{code}: {n}" for code, n in sorted(applied.items()))
    return (f"{'Would fix' if would else 'Fixed'} {_plural(total, 'problem')} ({per_rule}) "
            f"in {_plural(files, 'file')}; {left}.\n") + failed


def _read_stdin(limit: int) -> bytes:
    """At most ``limit`` bytes of standard input, reading no more than ``limit + 1``: an
    endless input (``docklint - </dev/zero``, ``yes | docklint -``) is not read to its end.
    Raises :class:`docklint.reading.TooBig` when there is more, and
    :class:`docklint.reading.ReadError` (its message the reason alone) when it cannot be read."""
    from .reading import ReadError, TooBig, read_stream
    stream = getattr(sys.stdin, "buffer", sys.stdin)
    if stream is None:  # fd 0 was closed before we started
        raise ReadError("standard input is closed", errno.EBADF)
    try:
        return read_stream(stream, limit)
    except TooBig:
        raise
    except ReadError as exc:
        reason = "standard input is closed" if exc.errno == errno.EBADF else \
            exc.message.partition(": ")[2] or exc.message
        raise ReadError(reason, exc.errno) from None


def _stdin_too_big(shown: str, settings, rules):
    """The result for a standard input over ``max-file-size``: only "more than" is known, as
    the rest of it was never read."""
    from .engine import lint_bytes
    return lint_bytes(b"", shown, settings, rules,
                      fatal=f"standard input is more than {settings.max_file_bytes} bytes, over "
                            "the limit; not linted (raise max-file-size to lint it)")


def _lint_stdin(shown: str, settings, rules, context):
    """Lint standard input like a file: same size limit, I/O problems as ``result.error``."""
    from .engine import FileResult, lint_bytes
    from .reading import ReadError, TooBig
    try:
        data = _read_stdin(settings.max_file_bytes)
    except TooBig:
        return _stdin_too_big(shown, settings, rules)
    except ReadError as exc:
        return FileResult(shown, error=f"{shown}: cannot read standard input: {exc.message}")
    return lint_bytes(data, shown, settings, rules, context=context)


def _summary(results) -> str:
    findings = [f for r in results for f in r.findings]
    if not findings:
        return ""
    counts: dict[str, int] = {}
    for f in findings:
        counts[f.level.label] = counts.get(f.level.label, 0) + 1
    parts = [f"{n} {label}{'s' if n != 1 and label != 'info' else ''}"
             for label in ("error", "warning", "info") if (n := counts.get(label))]
    files = len({f.path for f in findings})
    total = len(findings)
    return (f"\nFound {total} problem{'s' if total != 1 else ''} ({', '.join(parts)}) "
            f"in {files} file{'s' if files != 1 else ''}.\n") + _failed_summary(results)


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point: ``docklint SUBCOMMAND ...`` or ``docklint [OPTIONS] PATH...``.

    Exits with the command's status. Never shows a traceback: a closed output pipe exits 141
    quietly, Ctrl-C exits 130, any other unexpected exception prints
    ``docklint: internal error: TYPE: MESSAGE (please report this)`` and exits 2 (with
    ``DOCKLINT_DEBUG=1`` in the environment the exception propagates instead).

    A plain lint (``docklint [OPTIONS] PATH...`` with options :func:`parse_lint_args` reads)
    runs without importing click; everything else goes through the click commands of
    :mod:`docklint.commands`.
    """
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        try:
            status = _dispatch(args)
        except SystemExit as exc:
            if exc.code is not None and not isinstance(exc.code, int):
                raise
            status = exc.code or 0
        _flush_std_streams()
    except KeyboardInterrupt:
        status = EXIT_INTERRUPTED
    except OSError as exc:
        if _is_pipe_error(exc):
            _silence_std_streams()
            status = EXIT_BROKEN_PIPE
        elif exc.errno in _WRITE_ERRNOS:     # standard output on a full device (>/dev/full)
            status = _write_error(exc)
        else:
            status = _internal_error(exc)
    except Exception as exc:
        status = _internal_error(exc)
    sys.exit(status)


def _dispatch(args: list[str]) -> int:
    params = parse_lint_args(args)
    if params is None:
        from .commands import dispatch
        return dispatch(args)
    try:
        return run_lint(**params)
    except UsageError as exc:
        exc.show()
        return EXIT_ERROR


# the click commands, for library users and tests (``from docklint.cli import lint``): loaded
# on first use, so that a plain lint never imports click
_CLICK_NAMES = frozenset({"lint", "rules_cmd", "rule_cmd", "inspect_cmd", "graph_cmd",
                          "config_cmd", "lsp_cmd", "image_cmd", "ConfigError"})


def __getattr__(name: str):
    if name in _CLICK_NAMES:
        from . import commands
        return getattr(commands, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# what only a write can fail with: a full device, a quota, a file size limit
_WRITE_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})


def _write_error(exc: OSError) -> int:
    """Output that could not be written (the lint's own writes say so themselves; this is for
    what fails at the final flush, or in a subcommand): one line, exit 2, never a traceback."""
    _discard(sys.stdout)
    try:
        _echo(f"docklint: cannot write the report: {exc.strerror or exc}", err=True)
    except Exception:  # stderr is gone too: the exit status is all we can give
        pass
    return EXIT_ERROR


def _is_pipe_error(exc: OSError) -> bool:
    return isinstance(exc, BrokenPipeError) or exc.errno == errno.EPIPE


def _flush_std_streams() -> None:
    for stream in (sys.stdout, sys.stderr):
        if stream is not None:
            stream.flush()


def _silence_std_streams() -> None:
    """Point stdout and stderr at the null device so that the interpreter's final flush of
    what is still buffered does not fail again (and print "Exception ignored ...")."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
    except OSError:
        return
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                os.dup2(devnull, stream.fileno())
        except (OSError, ValueError, AttributeError):
            pass  # not a real file (a test harness): nothing will flush it to a pipe
    os.close(devnull)


def _internal_error(exc: BaseException) -> int:
    if os.environ.get("DOCKLINT_DEBUG"):
        raise exc
    message = _printable(" ".join(str(exc).split())) or "(no message)"
    try:
        _echo(f"docklint: internal error: {type(exc).__name__}: {message} "
              "(please report this)", err=True)
    except Exception:  # stderr is gone too: the exit status is all we can give
        pass
    return EXIT_ERROR


if __name__ == "__main__":  # pragma: no cover
    main()
