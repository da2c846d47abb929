"""The click-free reading of a plain lint's command line (docklint.cli.parse_lint_args) against
click's own (the lint command in docklint.commands, built from the same LINT_OPTIONS table).

The fast reader may decline any command line (None: click reads it); when it accepts one, it
must produce exactly the parameters click produces, and it must never accept a command line
click refuses. Checked on hand-picked cases and on thousands of random ones.
"""

from __future__ import annotations

import random

import click
import pytest

from docklint import cli, commands

FLAGS = [f for o in cli.LINT_OPTIONS for f in o.flags]


def click_params(args: list[str]):
    """What click passes to the lint command for ``args``, or the exception it raises."""
    try:
        ctx = commands.lint.make_context("docklint", list(args), resilient_parsing=False)
    except click.exceptions.Exit as exc:          # --help, --version
        return exc
    except click.ClickException as exc:
        return exc
    return dict(ctx.params)


@pytest.fixture()
def places(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "adir").mkdir()
    (tmp_path / "afile").write_text("x")
    return tmp_path


def agree(args: list[str]) -> bool:
    """Assert the two readings agree on ``args``; True when the fast reader accepted it."""
    fast = cli.parse_lint_args(args)
    slow = click_params(args)
    if fast is None:
        return False
    assert isinstance(slow, dict), (args, slow)
    assert fast == slow, args
    return True


ACCEPTED = [
    [],
    ["Dockerfile"],
    ["-", "--stdin-filename", "sub/Dockerfile"],
    ["--format", "json", "--output", "out.json", "--format", "text", "-o", "-", "a", "b"],
    ["--format=sarif", "--sarif-category=x", "Dockerfile"],
    ["--select", "DK1,DK2", "--ignore", "DK110", "--ignore=DL3008", "x"],
    ["x", "--no-show-source", "--show-source", "--no-color", "--statistics"],
    ["--jobs", "3", "-j", "007", "x"],
    ["--build-arg", "A=1", "--build-arg", "B", "--target", "build", "--context", "adir", "x"],
    ["--rule-option", "DK101.assume-tls=true", "--fail-on", "none", "--config", "afile", "x"],
    ["--isolated", "--preview", "--no-shellcheck", "--fix", "--unsafe-fixes", "--diff", "x"],
    ["--target=", "x"],
    ["--output", "new-file.txt", "x"],
]

DECLINED = [
    ["--help"], ["-h"], ["--version"], ["rules"], ["image", "list"], ["--", "x"],
    ["--format", "nope", "x"], ["--fail-on", "ERROR", "x"], ["--jobs", "0", "x"],
    ["--jobs", "x", "x"], ["-j3", "x"], ["-oout", "x"], ["--context", "afile", "x"],
    ["--output", "adir", "x"], ["--config", "adir", "x"], ["--fix=yes", "x"],
    ["--target"], ["--bogus", "x"], ["--selec", "DK1", "x"], ["--target", "-x", "y"],
]


@pytest.mark.parametrize("args", ACCEPTED, ids=" ".join)
def test_accepted_as_click_reads_it(places, args):
    assert agree(args)


@pytest.mark.parametrize("args", DECLINED, ids=" ".join)
def test_declined_left_to_click(places, args):
    assert cli.parse_lint_args(args) is None


def test_defaults_are_the_click_commands():
    assert cli.parse_lint_args([]) == click_params([])


def test_random_command_lines(places):
    values = ["json", "text", "sarif", "nope", "error", "none", "1", "2", "0", "-1", "x",
              "adir", "afile", "missing", "-", "", "DK101.assume-tls=true", "A=1", "DK1,DK2",
              "--format", "-j", "rules"]
    words = FLAGS + ["--", "-h", "--help", "--version", "-j2", "--bogus", "Dockerfile", "-",
                     "sub/x", "--format=json", "--jobs=2", "--fail-on=info", "--fix=1"]
    rng = random.Random(15)
    accepted = 0
    for _ in range(4000):
        args = [rng.choice(words if rng.random() < 0.6 else values)
                for _ in range(rng.randint(0, 7))]
        accepted += agree(args)
    assert accepted > 800, accepted       # the comparison is not vacuous


def test_subcommand_names_are_the_click_commands():
    assert set(cli.SUBCOMMANDS) == set(commands._COMMANDS)


def test_a_usage_error_on_the_fast_path(places, capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(["--select", "NOPE", "x"])
    assert exc.value.code == 2
    assert capsys.readouterr().err.startswith("docklint: --select/--ignore: unknown rule 'NOPE'")


def test_click_names_stay_importable_from_cli():
    from docklint.cli import ConfigError, lint, rules_cmd
    assert isinstance(lint, click.Command) and isinstance(rules_cmd, click.Command)
    assert issubclass(ConfigError, click.ClickException)
    with pytest.raises(AttributeError):
        cli.no_such_name  # noqa: B018
