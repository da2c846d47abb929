"""The click commands of ``docklint``: the lint command's full option parsing and help, and
the subcommands (rules, rule, inspect, graph, config, lsp, image).

:mod:`docklint.cli` owns the behaviour and the exit codes: a plain ``docklint [OPTIONS]
PATH...`` is parsed there without click (see :func:`docklint.cli.parse_lint_args`), and comes
here only for what that parser leaves to click (``--help``, ``--version``, a bad value, a
subcommand). The lint command is built from :data:`docklint.cli.LINT_OPTIONS`.
"""

from __future__ import annotations

import functools
import os
import sys

import click

from . import __version__
from .cli import (EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, LINT_OPTIONS, LintOption,
                  UsageError, _build_args, _lint_stdin, _printable, run_lint)


class ConfigError(click.ClickException):
    """A bad option value: one line ``docklint: MESSAGE`` on stderr, exit 2."""

    exit_code = EXIT_ERROR

    def show(self, file=None) -> None:  # noqa: D102 - click's hook
        click.echo(f"docklint: {_printable(self.format_message())}", err=True, file=file)


def _usage_errors(fn):
    """Turn :class:`docklint.cli.UsageError` into :class:`ConfigError`, which click (and
    click's test runner) shows and exits 2 with."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except UsageError as exc:
            raise ConfigError(exc.message) from None
    return wrapper


def _with(options):
    def deco(fn):
        for opt in reversed(options):
            fn = opt(fn)
        return fn
    return deco


def _click_option(o: LintOption):
    """The click declaration of one of the lint command's options."""
    kwargs: dict = {"help": o.help, "multiple": o.multiple, "metavar": o.metavar}
    flags = o.flags
    if o.kind == "flag":
        kwargs["is_flag"] = True
    elif o.kind == "switch":
        flags = ("/".join(o.flags),)
        kwargs["default"] = True
    elif o.kind == "choice":
        kwargs["type"] = click.Choice(o.choices)
    elif o.kind == "file":
        kwargs["type"] = click.Path(dir_okay=False)
    elif o.kind == "dir":
        kwargs["type"] = click.Path(file_okay=False)
    elif o.kind == "count":
        kwargs["type"] = click.IntRange(min=1)
    return click.option(*flags, o.dest, **kwargs)


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
@_with([_click_option(o) for o in LINT_OPTIONS])
@click.version_option(__version__, "--version", prog_name="docklint")
def lint(**params):
    """Lint Dockerfiles: what will break or bloat the final image, and best practice.

    PATH may be a file, a directory (searched for Dockerfiles, honouring .gitignore files)
    or - for standard input. With no PATH, the current directory is searched (standard input
    with --stdin-filename).

    --fix applies the safe fixes (--unsafe-fixes the unsafe ones too) and reports what
    remains; --diff shows what it would change instead.
    """
    sys.exit(_usage_errors(run_lint)(**params))

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


@click.command("inspect", context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("path")
@click.option("--format", "fmt", type=click.Choice(["json", "text"]), default="json",
              show_default=True)
@_with(_inspect_options)
@_usage_errors
def inspect_cmd(path, fmt, target, build_args, context):
    """Show what the parser and the model see in a Dockerfile."""
    from .inspect import inspect_json, inspect_text
    result = _inspected(path, target, build_args, context)
    df = result.dockerfile
    if fmt == "json":
        import json
        click.echo(json.dumps(inspect_json(df), indent=2, ensure_ascii=False))
    else:
        click.echo(inspect_text(df), nl=False)
    _exit_on_parse_errors(result)


@click.command("graph", context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("path")
@click.option("--format", "fmt", type=click.Choice(["mermaid", "dot"]), default="mermaid",
              show_default=True)
@_with(_inspect_options)
@_usage_errors
def graph_cmd(path, fmt, target, build_args, context):
    """Draw the stage graph (Mermaid or Graphviz dot)."""
    from .inspect import graph_dot, graph_mermaid
    result = _inspected(path, target, build_args, context)
    df = result.dockerfile
    click.echo(graph_mermaid(df) if fmt == "mermaid" else graph_dot(df), nl=False)
    _exit_on_parse_errors(result)


def _inspected(path: str, target, build_args, context):
    """What `inspect` and `graph` show: the file read and modelled; exit 2 when it cannot be
    read."""
    result = _load_for_inspect(path, target, build_args, context)
    if result.error:
        click.echo(f"docklint: {result.error}", err=True)
        sys.exit(EXIT_ERROR)
    return result


def _exit_on_parse_errors(result) -> None:
    """After `inspect` or `graph` has shown the model: a file BuildKit would refuse says why on
    stderr and exits 1."""
    if result.dockerfile.errors:
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

def dispatch(args: list[str]) -> int:
    """Run the command ``args`` name; return its exit status. Click's own ``main`` is bypassed
    so that docklint, not click, decides what an exception does (see
    :func:`docklint.cli.main`)."""
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
