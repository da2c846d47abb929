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
from typing import Sequence

import click

from . import __version__

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
EXIT_INTERRUPTED = 130           # 128 + SIGINT, as a shell reports a process stopped by Ctrl-C
EXIT_BROKEN_PIPE = 141           # 128 + SIGPIPE: the reader of our output went away
SUBCOMMANDS = ("rules", "rule", "inspect", "graph", "config", "lsp")
FAIL_ON = ("error", "warning", "info", "none")
# the same as docklint.formatters.FORMATS (a test checks), spelt out so that importing this
# module does not import the formatters package
OUTPUT_FORMATS = ("text", "json", "sarif", "gnu", "github", "checkstyle", "gitlab", "junit",
                  "markdown")
_PATTERNS = "Dockerfile, Dockerfile.*, Dockerfile-*, *.Dockerfile, *.dockerfile, Containerfile*"


class ConfigError(click.ClickException):
    """A bad option value: one line ``docklint: MESSAGE`` on stderr, exit 2."""

    exit_code = EXIT_ERROR

    def show(self, file=None) -> None:  # noqa: D102 - click's hook
        click.echo(f"docklint: {_printable(self.format_message())}", err=True, file=file)


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
            raise ConfigError(f"--build-arg: expected KEY=VALUE, got {v!r}")
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
            raise ConfigError(f"--rule-option: expected RULE.OPTION=VALUE, got {v!r}")
        try:
            r = get(code)
        except UnknownRule as exc:
            raise ConfigError(f"--rule-option: {exc}") from None
        if name not in r.options:
            known = ", ".join(r.options) or "none"
            raise ConfigError(f"--rule-option: {r.code} has no option {name!r} "
                              f"(options: {known})")
        value: object = raw
        if raw.lower() in ("true", "false"):
            value = raw.lower() == "true"
        elif raw.lstrip("-").isdigit():
            value = int(raw)
        try:
            r.options[name].validate(value)
        except ValueError as exc:
            raise ConfigError(f"--rule-option: {r.code}.{name}: {exc}") from None
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


class _Main(click.Command):
    """``docklint [OPTIONS] PATH...``, or one of the subcommands."""

    def format_epilog(self, ctx, formatter) -> None:
        formatter.write_paragraph()
        formatter.write_text("Other commands: docklint rules | rule CODE | inspect FILE | "
                             "graph FILE | config --show FILE | config --migrate | lsp  (each "
                             "with --help).")
        formatter.write_paragraph()
        formatter.write_text("Exit codes: 0 clean; 1 findings at or above --fail-on; "
                             "2 usage, config or I/O error. With --fix the findings are "
                             "those that remain, and a file not fixed is an error (2); "
                             "--diff exits 1 when there is a diff.")


@click.command(cls=_Main, context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("paths", nargs=-1, metavar="[PATH|-]...")
@click.option("--format", "fmts", multiple=True, type=click.Choice(OUTPUT_FORMATS),
              help="Output format (default: text). Repeat it, with one --output for each, to "
                   "write several reports in one run.")
@click.option("--output", "-o", "outputs", multiple=True, type=click.Path(dir_okay=False),
              help="Write the report to FILE instead of stdout (- for stdout). With several "
                   "--format options, the n-th --output takes the n-th format.")
@click.option("--sarif-category", metavar="NAME",
              help="Name this analysis in the SARIF report (runs[0].automationDetails.id), so "
                   "that GitHub code scanning keeps several analyses of a commit apart.")
@click.option("--link-base", metavar="URL",
              help="In the Markdown report, link each file:line to URL/PATH#LINE (for GitHub: "
                   "https://github.com/OWNER/REPO/blob/SHA).")
@click.option("--statistics", is_flag=True,
              help="Also count the findings per rule: after a text report, else on stderr.")
@click.option("--select", multiple=True, metavar="CODES",
              help="Run only these rules (codes, prefixes, slugs, aliases; comma-separated).")
@click.option("--ignore", multiple=True, metavar="CODES", help="Do not run these rules.")
@click.option("--target", metavar="STAGE", help="The stage being built (default: the last).")
@click.option("--build-arg", "build_args", multiple=True, metavar="KEY=VALUE",
              help="A build argument, as for docker build (repeatable).")
@click.option("--context", "context", type=click.Path(file_okay=False),
              help="The build context directory (default: the Dockerfile's directory).")
@click.option("--rule-option", "rule_options", multiple=True, metavar="RULE.OPTION=VALUE",
              help="Set a rule option, e.g. DK101.assume-tls=true (repeatable).")
@click.option("--fail-on", type=click.Choice(FAIL_ON), default=None,
              help="Exit 1 when a finding is at least this severe (default: warning, or the "
                   "configuration's fail-on).")
@click.option("--config", "config_path", type=click.Path(dir_okay=False),
              help="Use this configuration file instead of searching for one.")
@click.option("--isolated", is_flag=True, help="Ignore every configuration file.")
@click.option("--preview", is_flag=True, help="Also run rules in preview.")
@click.option("--no-shellcheck", "no_shellcheck", is_flag=True,
              help="Skip the ShellCheck pass (DK440) even when ShellCheck is installed.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None, metavar="N",
              help="Lint files in N processes (default: one per CPU from 40 files on; fewer "
                   "files are linted in this process, which is faster for them).")
@click.option("--stdin-filename", metavar="NAME",
              help="The path to report (and find the context from) for input read from -; "
                   "with no PATH, standard input is read.")
@click.option("--fix", is_flag=True,
              help="Apply the safe fixes and write the files back (atomically); the report "
                   "shows what remains. With -, print the fixed text on standard output and "
                   "the report on stderr.")
@click.option("--unsafe-fixes", is_flag=True,
              help="Also apply the unsafe fixes (they may change what the image contains). "
                   "Implies --fix.")
@click.option("--diff", is_flag=True,
              help="Print a unified diff of what --fix would change instead of writing it "
                   "(exit 1 when there is one). Implies --fix.")
@click.option("--show-source/--no-show-source", default=True,
              help="Show the source line under each finding (text format).")
@click.option("--no-color", is_flag=True, help="Never colour the text output.")
@click.version_option(__version__, "--version", prog_name="docklint")
def lint(paths, fmts, outputs, sarif_category, link_base, statistics, select, ignore, target, build_args,
         context, rule_options, fail_on, config_path, isolated, preview, no_shellcheck, jobs,
         stdin_filename, fix, unsafe_fixes, diff, show_source, no_color):
    """Lint Dockerfiles: what will break or bloat the final image, and best practice.

    PATH may be a file, a directory (searched for Dockerfiles, honouring .gitignore files)
    or - for standard input. With no PATH, the current directory is searched (standard input
    with --stdin-filename).

    --fix applies the safe fixes (--unsafe-fixes the unsafe ones too) and reports what
    remains; --diff shows what it would change instead.
    """
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
        raise ConfigError("--select: no rule named (an empty --select would run nothing)")
    for name in (cli_settings["select"] or []) + cli_settings["ignore"]:
        try:
            resolve(name)
        except UnknownRule as exc:
            raise ConfigError(f"--select/--ignore: {exc}") from None
    if context and not os.path.isdir(context):
        raise ConfigError(f"--context: {context}: not a directory")
    if config_path and not os.path.isfile(config_path):
        kind = "is a directory" if os.path.isdir(config_path) else \
            "not a regular file" if os.path.exists(config_path) else "no such file"
        raise ConfigError(f"--config: {config_path}: {kind}")
    fixing = fix or unsafe_fixes or diff
    if diff and (fmts or outputs or statistics):
        raise ConfigError("--diff prints a diff, not a report: drop --format, --output and "
                          "--statistics (or use --fix)")
    reports = _pair_outputs(list(fmts), list(outputs))
    if sarif_category is not None:
        if not sarif_category.strip():
            raise ConfigError("--sarif-category: the name is empty")
        if "sarif" not in fmts:
            raise ConfigError("--sarif-category applies to the SARIF report only: add "
                              "--format sarif")
    if link_base is not None:
        if "markdown" not in fmts:
            raise ConfigError("--link-base applies to the Markdown report only: add "
                              "--format markdown")
        if not re.fullmatch(r"https?://[^\s<>()\[\]`]+", link_base):
            raise ConfigError("--link-base: expected an http(s) URL without spaces, brackets "
                              "or quotes")

    rule_sets: dict[tuple, list] = {}
    noted: set[str | None] = set()

    def effective(path: str | None):
        """The settings and rules for one file (configuration found from its directory).
        Raises :class:`_BrokenConfig` when the configuration found for it is broken (the other
        files are still linted), ConfigError (the run stops) when ``--config`` or the command
        line is."""
        try:
            conf = cfg.config_for(path, explicit=config_path, isolated=isolated)
            eff = cfg.resolve_settings(path, conf, cli=cli_settings)
        except cfg.ConfigError as exc:
            if exc.config is None or config_path:
                raise ConfigError(str(exc)) from None
            raise _BrokenConfig(str(exc), exc.config) from None
        if conf is not None and conf.notes and conf.path not in noted:
            noted.add(conf.path)
            for note in conf.notes:
                click.echo(f"docklint: {note}", err=True)
        s = eff.settings
        key = (tuple(s.select or ()), tuple(s.ignore), s.preview, s.select is None)
        if key not in rule_sets:
            try:
                rule_sets[key] = select_rules(s)
            except UnknownRule as exc:
                raise ConfigError(str(exc)) from None
        if not rule_sets[key]:
            message = "no rules left to run: the selection and the ignores cancel out"
            if conf is None or config_path:
                raise ConfigError(message)
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
    workers = _workers(jobs, sum(1 for p, _, _ in todo if p != "-"))
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
        sys.exit(_report_diff(fixes, unsafe_fixes, errors))
    # with standard input fixed, standard output takes the fixed text: reports go to stderr
    stdout_taken = fixing and any(path == "-" for path, _, _ in plan)
    used_rules = sorted({r.code: r for rs in rule_sets.values() for r in rs}.values(),
                        key=lambda r: r.code)
    rules = used_rules

    from .formatters import render
    stats = _statistics(results) if statistics else ""
    fixed = _fix_summary(fixes, unsafe_fixes) if fixing else ""
    texts: list[tuple[str | None, str, bool]] = []      # (file or None for stdout, text, color)
    console = sys.stderr if stdout_taken else sys.stdout
    for fmt, output in reports:
        color = fmt == "text" and output is None and _use_color(no_color, console)
        text = render(fmt, results, rules, color=color, show_source=show_source,
                      version=__version__, category=sarif_category, link_base=link_base)
        if fmt == "text":
            if stats:
                text += "\n" + stats
            text += ("\n" + fixed if fixed and text else fixed) if fixing else _summary(results)
        texts.append((output, text, color))
    write_errors: list[str] = []
    for output, text, _color in texts:               # files first: a closed stdout must not
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
    for output, text, color in texts:
        if output is not None or not text:
            continue
        if console is None:  # fd 1 was closed before we started
            write_errors.append("cannot write the report: standard output is closed")
            continue
        write_errors += _echo_report(text, color, console)
    if not any(fmt == "text" and output is None for fmt, output in reports):
        # what a text report on the console would have ended with goes to stderr
        tail = stats + ("\n" if stats and fixed else "") + fixed
        if tail:
            click.echo(tail, nl=False, err=True)

    status = EXIT_OK
    for message in write_errors + errors:
        click.echo(f"docklint: {_printable(message)}", err=True)
        status = EXIT_ERROR
    status = max(status, _report_problems(results, fixes))
    if status == EXIT_OK:
        from .rule import Severity
        for r, threshold in zip(results, thresholds):
            if threshold != "none" and any(f.level >= Severity.parse(threshold)
                                           for f in r.findings):
                status = EXIT_FINDINGS
    sys.exit(status)


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
        raise ConfigError(f"--format is given {times(len(fmts))} but --output "
                          f"{times(len(outputs)) if outputs else 'never'}: give one --output "
                          "per --format (- for standard output)")
    seen: set[str] = set()
    reports: list[tuple[str, str | None]] = []
    for fmt, output in pairs:
        key = "-" if output == "-" else os.path.normcase(os.path.abspath(output))
        if key in seen:
            where = "standard output (-)" if output == "-" else output
            raise ConfigError(f"--output: {where} is named more than once (one report each)")
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
#: break-even ("worker pool break-even"): on 2 CPUs, corpus files without ShellCheck, 20 files
#: took 176 ms in process and 188 ms with the pool, 40 files 215 ms and 206 ms (another run:
#: 40 files even, 80 files 292 ms against 242 ms).
POOL_MIN_FILES = 40


def _workers(jobs: int | None, files: int) -> int:
    """How many processes to lint ``files`` files with: by default one for fewer than
    ``POOL_MIN_FILES`` files, else one per CPU; an explicit ``--jobs N`` is obeyed (at most one
    process per file)."""
    if jobs is None:
        if files < POOL_MIN_FILES:
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
    models, :data:`~docklint.engine.BATCH_CHARS` characters of text, alive at once): each file
    is read and parsed once, the batch's shared work runs once for all of its files
    (:func:`docklint.engine.prepare_batch`: one ShellCheck pass for all their scripts), then
    each file's rules run. A problem stays with its file: a file that cannot be read, or whose
    lint fails, is reported as before, and the others are linted. Fixing goes file by file."""
    if fix is not None:
        return [_lint_one(path, settings, rules, stdin_filename, fix)
                for path, settings, rules in entries]
    from .engine import BATCH_CHARS, BATCH_FILES, FileResult, load_file
    out: list = []
    batch: list[tuple[int, object, object, object]] = []    # (position, model, settings, rules)
    chars = 0
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
            _lint_models(batch, out)
            batch, chars = [], 0
    _lint_models(batch, out)
    return out


def _lint_models(batch: list, out: list) -> None:
    """Lint a batch of models (``(position in out, model, settings, rules)``) into ``out``."""
    if not batch:
        return
    from .engine import lint_model, prepare_batch
    try:
        prepare_batch([(df, settings, rules) for _, df, settings, rules in batch])
    except Exception:  # noqa: BLE001 - each file's own lint runs (and reports) it again
        pass
    for at, df, settings, rules in batch:
        try:
            out[at] = lint_model(df, settings, rules)
        except Exception as exc:
            out[at] = _internal_result(df.source.path or "-", exc)


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
    # a few chunks per worker (so that a slow file does not leave the other workers idle), of
    # at most BATCH_FILES files (each chunk is linted as one batch: one ShellCheck pass)
    from .engine import BATCH_FILES
    size = max(1, min(BATCH_FILES, -(-len(jobs) // (workers * 4))))
    chunks = [jobs[i:i + size] for i in range(0, len(jobs), size)]
    with _workers_stop_with_us(), \
            ProcessPoolExecutor(max_workers=workers, mp_context=context,
                                initializer=_worker_started) as pool:
        done = iter([out for part in pool.map(_lint_in_worker, chunks) for out in part])
    out = []
    for path, eff, rules in plan:
        out.append(_lint_one(path, eff.settings, rules, stdin_filename, fix) if path == "-"
                   else next(done))
    return out


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


def _echo_report(text: str, color: bool, console) -> list[str]:
    """Write a report to the console (standard output, or standard error when standard output
    carries fixed text) and flush it; the errors to report. A full device (``>/dev/full``) or
    another write error is "cannot write the report: REASON"; a closed pipe is left to
    :func:`main` (exit 141)."""
    try:
        # color=True: click strips ANSI codes when stdout is not a terminal, which would
        # defeat FORCE_COLOR
        click.echo(text, nl=False, color=color or None, err=console is sys.stderr)
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
    """A ConfigError (exit 2, nothing written) when an ``--output`` file is one of the files
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
                raise ConfigError(f"--output: {output} is a file being linted{named}; "
                                  "the report would overwrite it: name another file")


def _report_problems(results, fixes) -> int:
    """Print the errors of reading, linting and fixing each file; EXIT_ERROR if any."""
    status = EXIT_OK
    for i, r in enumerate(results):
        if r.error:
            click.echo(f"docklint: {_printable(r.error)}", err=True)
            status = EXIT_ERROR
        for message in r.internal:
            # a rule that gave up within a budget (CannotCheck) is not a bug to report
            bug = ": internal error" in message
            click.echo(f"docklint: {_printable(message)}"
                       f"{' (please report this)' if bug else ''}", err=True)
            status = EXIT_ERROR
        problem = fixes[i].problem if fixes else None
        if problem:
            click.echo(f"docklint: {_printable(f'{r.path}: {problem}')}", err=True)
            status = EXIT_ERROR
    return status


def _report_diff(fixes, unsafe: bool, errors: list[str]) -> int:
    """``--diff``: the diffs on standard output, the summary and the errors on stderr. Exit
    1 when there is a diff, 0 when none, 2 on an error."""
    from .fix import unified_diff
    for fx in fixes:
        if fx.changed:
            click.echo(unified_diff(_printable(fx.result.path), fx.original, fx.data), nl=False)
    summary = _fix_summary(fixes, unsafe, would=True)
    if summary:
        click.echo(summary, nl=False, err=True)
    status = EXIT_OK
    for message in errors:
        click.echo(f"docklint: {_printable(message)}", err=True)
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


# ---------------------------------------------------------------------------------------------
# subcommands

@click.command("rules", context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text",
              show_default=True,
              help="markdown: the rule reference (docs/rules.md is this output).")
def rules_cmd(fmt):
    """List every rule: code, slug, default severity, status (stable or preview), summary,
    aliases."""
    import json

    from .registry import all_rules
    rows = all_rules()
    if fmt == "markdown":
        from .formatters.reference import rules_markdown
        click.echo(rules_markdown(rows), nl=False)
        return
    if fmt == "json":
        data = [{"code": r.code, "slug": r.slug, "severity": r.severity.label,
                 "aliases": list(r.aliases), "tags": sorted(r.tags), "fixable": r.fixable,
                 "default_enabled": r.default_enabled, "status": r.status,
                 "summary": r.summary, "url": r.help_uri} for r in rows]
        click.echo(json.dumps(data, indent=2))
        return
    width = max(len(r.slug) for r in rows)
    for r in rows:
        aliases = f"  [{', '.join(r.aliases)}]" if r.aliases else ""
        off = "  (off by default)" if not r.default_enabled else ""
        click.echo(f"{r.code}  {r.slug:<{width}}  {r.severity.label:<7}  {r.status:<7}  "
                   f"{r.summary}{aliases}{off}")


@click.command("rule", context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("name")
def rule_cmd(name):
    """Show the documentation of one rule (by code, slug or alias)."""
    from .registry import UnknownRule, resolve
    try:
        found = resolve(name)
    except UnknownRule as exc:
        click.echo(f"docklint: {exc}", err=True)
        sys.exit(EXIT_ERROR)
    for i, r in enumerate(found):
        if i:
            click.echo("\n" + "-" * 72 + "\n")
        click.echo(f"{r.code} {r.slug}")
        click.echo(f"Default severity: {r.severity.label}"
                   + ("" if r.default_enabled else " (off by default)"))
        if r.aliases:
            click.echo(f"Aliases: {', '.join(r.aliases)}")
        click.echo(f"Fixable: {r.fixable}")
        for opt_name, opt in r.options.items():
            click.echo(f"Option {opt_name} (default {opt.default!r}): {opt.help}")
        click.echo("")
        click.echo(r.docs)


def _declared_images(path: str) -> tuple:
    """The `images:` the configuration for ``path`` declares, so that `inspect` and `graph`
    show the base-image facts a lint uses; a configuration that cannot be read is said so on
    stderr and left out (these commands show the file, not the settings)."""
    from . import config as cfg
    try:
        conf = cfg.config_for(path, explicit=None, isolated=False)
        return cfg.resolve_settings(path, conf, cli={}).settings.images if conf else ()
    except cfg.ConfigError as exc:
        click.echo(f"docklint: warning: {exc}; declared images left out", err=True)
        return ()


def _load_for_inspect(path: str, target, build_args, context):
    from .engine import Settings, lint_file
    if context and not os.path.isdir(context):
        raise ConfigError(f"--context: {context}: not a directory")
    # no pragmas: a `# docklint ignore=DK000` must not hide what BuildKit would reject
    settings = Settings(select=["DK000"], target=target, build_args=_build_args(build_args),
                        context=context, allow_pragmas=False, images=_declared_images(path))
    if path == "-":
        return _lint_stdin("-", settings, None, context)
    return lint_file(path, settings)


_inspect_options = [
    click.option("--target", metavar="STAGE", help="The stage being built (default: the last)."),
    click.option("--build-arg", "build_args", multiple=True, metavar="KEY=VALUE",
                 help="A build argument (repeatable)."),
    click.option("--context", type=click.Path(file_okay=False),
                 help="The build context directory."),
]


def _with(options):
    def deco(fn):
        for opt in reversed(options):
            fn = opt(fn)
        return fn
    return deco


@click.command("inspect", context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("path")
@click.option("--format", "fmt", type=click.Choice(["json", "text"]), default="json",
              show_default=True)
@_with(_inspect_options)
def inspect_cmd(path, fmt, target, build_args, context):
    """Show what the parser and the model see in a Dockerfile."""
    from .inspect import inspect_json, inspect_text
    result = _load_for_inspect(path, target, build_args, context)
    if result.error:
        click.echo(f"docklint: {result.error}", err=True)
        sys.exit(EXIT_ERROR)
    df = result.dockerfile
    if fmt == "json":
        import json
        click.echo(json.dumps(inspect_json(df), indent=2, ensure_ascii=False))
    else:
        click.echo(inspect_text(df), nl=False)
    if df.errors:
        for f in result.findings:
            click.echo(f"{_printable(f.path)}:{f.line}:{f.column}: {f.message}", err=True)
        sys.exit(EXIT_FINDINGS)


@click.command("graph", context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("path")
@click.option("--format", "fmt", type=click.Choice(["mermaid", "dot"]), default="mermaid",
              show_default=True)
@_with(_inspect_options)
def graph_cmd(path, fmt, target, build_args, context):
    """Draw the stage graph (Mermaid or Graphviz dot)."""
    from .inspect import graph_dot, graph_mermaid
    result = _load_for_inspect(path, target, build_args, context)
    if result.error:
        click.echo(f"docklint: {result.error}", err=True)
        sys.exit(EXIT_ERROR)
    df = result.dockerfile
    click.echo(graph_mermaid(df) if fmt == "mermaid" else graph_dot(df), nl=False)
    if df.errors:
        for f in result.findings:
            click.echo(f"{_printable(f.path)}:{f.line}:{f.column}: {f.message}", err=True)
        sys.exit(EXIT_FINDINGS)


@click.command("config", context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("path", required=False)
@click.option("--show", "show", is_flag=True,
              help="Print the effective settings for PATH (a Dockerfile) and where each "
                   "came from.")
@click.option("--migrate", is_flag=True,
              help="Print the .docklint.yaml equivalent to the hadolint configuration found "
                   "for PATH (or the current directory).")
@click.option("--config", "config_path", type=click.Path(dir_okay=False),
              help="Use this configuration file instead of searching for one.")
def config_cmd(path, show, migrate, config_path):
    """Show the effective configuration, or migrate a hadolint one."""
    import json

    from . import config as cfg
    if show == migrate:
        raise ConfigError("config: give exactly one of --show or --migrate")
    try:
        if migrate:
            found = config_path or cfg.find(os.path.dirname(os.path.abspath(path)) if path
                                            else os.getcwd())
            if not found or os.path.basename(found) not in (*cfg.HADOLINT_NAMES,
                                                            "hadolint.yaml"):
                raise ConfigError("config --migrate: no hadolint configuration found "
                                  "(looked for .hadolint.yaml upward and in hadolint's "
                                  "own locations)")
            conf = cfg.load(found)
            for note in conf.notes:
                click.echo(f"docklint: {note}", err=True)
            click.echo(f"# docklint configuration migrated from {found}")
            click.echo(cfg.dump_yaml(conf.values), nl=False)
            return
        conf = cfg.config_for(path, explicit=config_path, isolated=False)
        eff = cfg.resolve_settings(path, conf, cli={})
    except cfg.ConfigError as exc:
        raise ConfigError(str(exc)) from None
    data = eff.describe()
    data["origin"] = dict(conf.origin) if conf else {}
    click.echo(json.dumps(data, indent=2))


@click.command("lsp", context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--stdio", is_flag=True, hidden=True,
              help="Accepted for editors that pass it: stdio is the only transport.")
def lsp_cmd(stdio):
    """Run the language server (LSP over standard input and output; needs the lsp extra)."""
    from .lsp import main as lsp_main
    lsp_main()


@click.group("image", context_settings={"help_option_names": ["-h", "--help"]})
def image_cmd():
    """The base images docklint knows: list them, or learn one from its archive."""


@image_cmd.command("learn", context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("archive", type=click.Path())
@click.option("--name", "ref", metavar="REF",
              help="The reference (pattern) the entry describes, and which image of a "
                   "multi-image archive to read (default: the archive's own tag).")
@click.option("--format", "fmt", type=click.Choice(["yaml", "json"]), default="yaml",
              show_default=True)
def image_learn_cmd(archive, ref, fmt):
    """Read an image archive (docker/podman save, or an OCI layout) and print the images:
    entry describing it, for .docklint.yaml. Nothing is run and nothing is fetched."""
    from .imagearchive import ArchiveError, entry, learn, to_yaml
    try:
        learned = learn(archive, ref)
    except ArchiveError as exc:
        click.echo(f"docklint: {_printable(str(exc))}", err=True)
        sys.exit(EXIT_ERROR)
    name = ref or (learned.names[0] if learned.names else None)
    if name is None:
        click.echo("docklint: the archive names no image: give the reference with --name "
                   "REF", err=True)
        sys.exit(EXIT_ERROR)
    source = os.path.basename(os.path.normpath(archive))
    if fmt == "json":
        import json
        click.echo(json.dumps({"images": {name: entry(learned, source)}}, indent=2,
                              ensure_ascii=False))
    else:
        click.echo(to_yaml(learned, name, source), nl=False)


@image_cmd.command("list", context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True)
@click.option("--config", "config_path", type=click.Path(dir_okay=False),
              help="The configuration whose images: to list (default: the one found from "
                   "the current directory).")
def image_list_cmd(fmt, config_path):
    """List the images docklint knows and their facts: its data file, then the configuration's
    declared images:."""
    from . import config as cfg
    from .images import all_rows
    conf = cfg.config_for(None, explicit=config_path, isolated=False)
    declared = cfg.resolve_settings(None, conf, cli={}).settings.images if conf else ()
    rows = all_rows(declared)
    if fmt == "json":
        import json
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    cols = ("image", "variant", "kind", "shell", "ca-bundle", "libc", "tzdata", "user", "size",
            "end-of-life", "source")
    table = [[_printable(str(r.get(c) if r.get(c) is not None else "?")) for c in cols]
             for r in rows]
    widths = [max(len(c), *(len(t[i]) for t in table)) if table else len(c)
              for i, c in enumerate(cols)]
    click.echo("  ".join(c.ljust(w) for c, w in zip(cols, widths)).rstrip())
    for t in table:
        click.echo("  ".join(v.ljust(w) for v, w in zip(t, widths)).rstrip())


_COMMANDS = {"rules": rules_cmd, "rule": rule_cmd, "inspect": inspect_cmd, "graph": graph_cmd,
             "config": config_cmd, "lsp": lsp_cmd, "image": image_cmd}


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point: ``docklint SUBCOMMAND ...`` or ``docklint [OPTIONS] PATH...``.

    Exits with the command's status. Never shows a traceback: a closed output pipe exits 141
    quietly, Ctrl-C exits 130, any other unexpected exception prints
    ``docklint: internal error: TYPE: MESSAGE (please report this)`` and exits 2 (with
    ``DOCKLINT_DEBUG=1`` in the environment the exception propagates instead).
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
    """Run the command ``args`` name; return its exit status. Click's own ``main`` is bypassed
    so that this module, not click, decides what an exception does."""
    if args and args[0] in _COMMANDS:
        cmd, rest, prog = _COMMANDS[args[0]], args[1:], f"docklint {args[0]}"
    else:
        cmd, rest, prog = lint, args, "docklint"
    try:
        with cmd.make_context(prog, rest) as ctx:
            cmd.invoke(ctx)
    except click.exceptions.Exit as exc:          # --help, --version
        return exc.exit_code
    except click.ClickException as exc:           # usage errors and ConfigError
        exc.show()
        return EXIT_ERROR
    except click.exceptions.Abort:
        raise KeyboardInterrupt from None
    return EXIT_OK


# what only a write can fail with: a full device, a quota, a file size limit
_WRITE_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})


def _write_error(exc: OSError) -> int:
    """Output that could not be written (the lint's own writes say so themselves; this is for
    what fails at the final flush, or in a subcommand): one line, exit 2, never a traceback."""
    _discard(sys.stdout)
    try:
        click.echo(f"docklint: cannot write the report: {exc.strerror or exc}", err=True)
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
        click.echo(f"docklint: internal error: {type(exc).__name__}: {message} "
                   "(please report this)", err=True)
    except Exception:  # stderr is gone too: the exit status is all we can give
        pass
    return EXIT_ERROR


if __name__ == "__main__":  # pragma: no cover
    main()
