"""The start-up budget, as module sets: what a plain ``docklint FILE`` imports (DESIGN.md §8).

Each case runs ``python -m docklint ...`` in a subprocess through a small driver (``runpy``, the
``SystemExit`` caught) that prints ``sorted(sys.modules)`` once the command is done. It runs in a
fresh ``tmp_path`` with ``HOME`` pointing there, so no configuration is found unless the case
writes one. Only module sets are asserted, never times.

What a plain lint of one file must not import: YAML (only when a YAML configuration exists),
TOML (only for a ``pyproject.toml`` with a ``[tool.docklint]`` table), the SARIF libraries and
formatter (only for ``--format sarif``), the language server and its libraries, a process pool
(one file is linted in this process), and the shell parser (tree-sitter) unless a RUN needs it.
Each of those has a positive control below, so the assertions cannot pass because the driver
saw nothing.

Rule modules are imported only for the rules that can fire on the file (the rule index and the
rules' ``triggers``, see docklint.registry): the number of ``docklint.rules.dk*`` modules a small
file without RUN imports is bounded, and no RUN-only rule is among them (with a positive control).

``docklint.shellcheck`` is imported by ``rules/dk440_shellcheck.py`` at module level, so by any
run with a RUN. It is a standard-library-only module (os, re, sys, collections) whose costly
imports (``resource``, ``json`` for a report with comments) and the ShellCheck process happen
only when a script is checked, so what is asserted is that ``resource`` is imported for a file
with a RUN exactly when ShellCheck is installed, and not for a file without RUN or with DK440
off. On POSIX the
process is started with ``os.fork`` and ``os.execve``: ``subprocess`` (with threading,
selectors, locale, contextlib: several milliseconds) is never imported.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

# The command's own entry point (docklint._entry) ends the process with os._exit after the
# command; the driver runs the same command (docklint.cli.main, with the entry module loaded)
# and lists the modules imported since the interpreter started (not those the interpreter's own
# start-up imported: an editable install's finder, for one, brings importlib).
DRIVER = """\
import sys
started_with = set(sys.modules)
import docklint._entry
from docklint.cli import main
sys.argv = ["docklint", *sys.argv[1:]]
code = None
try:
    main()
except SystemExit as exc:
    code = exc.code
sys.stderr.write("\\nDOCKLINT-EXIT=%r\\nDOCKLINT-MODULES=%r\\n"
                 % (code, sorted(set(sys.modules) - started_with)))
"""

NO_RUN = 'FROM alpine:3.20\nUSER 10001:10001\nCMD ["true"]\n'
WITH_RUN = "FROM alpine:3.20\nRUN apt-get update && apt-get install -y curl\nUSER 10001\n"

# never imported by a plain lint of one file with no configuration
# (``click``: a plain lint's options are read by docklint.cli.parse_lint_args, click is for
# help, errors and the subcommands; ``typing``: docklint's annotations need it only under
# ``TYPE_CHECKING``, and tree-sitter's binding is loaded without the package's ``__init__``;
# ``datetime``, ``tempfile``, ``shutil``: a few milliseconds each, for what ``str`` and ``os``
# do; ``dataclasses``: defining docklint's classes with it compiled some 300 generated methods at
# every start; docklint's own classes are records, docklint.record; ``importlib``: rule and
# formatter modules are imported by the import statement's machinery)
NEVER = ("yaml", "sarif_om", "jschema_to_python", "pygls", "lsprotocol", "docklint.lsp",
         "docklint.formatters.sarif", "multiprocessing", "concurrent.futures", "tomllib", "tomli",
         "dataclasses", "click", "typing", "datetime", "tempfile", "shutil", "importlib")
# what only a ShellCheck pass brings (its limits; its report is JSON when not empty)
SHELLCHECK_PASS = ("json", "resource", "signal")
# what starting a process with subprocess would bring: never on POSIX
SUBPROCESS = ("subprocess", "selectors", "locale", "contextlib", "warnings")
# not for a file of ASCII text whose exec forms are plain strings, with no configuration
# (unicodedata: display widths of non-ASCII text; shlex: quoting an exec-form RUN for the
# shell parser; fnmatch: a configuration's per-file patterns; weakref: what is worked out once
# per file is kept with its model, not in weak tables)
PLAIN_FILE = ("unicodedata", "shlex", "fnmatch", "weakref")
SHELL_PARSER = ("tree_sitter", "tree_sitter_bash")
CONFIG_FILES = (".docklint.yaml", ".docklint.yml", ".hadolint.yaml", ".hadolint.yml")


def modules(tmp: Path, *args: str) -> tuple[int | None, set[str]]:
    """Run ``python -m docklint ARGS`` in ``tmp``; its exit code and the modules it imported."""
    for d in (tmp, *tmp.parents):
        found = [n for n in CONFIG_FILES if (d / n).is_file()]
        if (d / "pyproject.toml").is_file() and \
                "[tool.docklint" in (d / "pyproject.toml").read_text(errors="replace"):
            found.append("pyproject.toml")
        if found and d != tmp:
            pytest.skip(f"{d} holds {found}: the configuration walk would find it")
    driver = tmp / "startup_driver.py"
    driver.write_text(DRIVER)
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("DOCKLINT", "XDG_", "PYTHONWARNINGS", "PYTHONSTARTUP"))}
    env["HOME"] = str(tmp)
    proc = subprocess.run([sys.executable, str(driver), *args], cwd=tmp, env=env,
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120)
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.returncode == 0, proc.stderr
    tail = proc.stderr.rsplit("\nDOCKLINT-EXIT=", 1)[1]
    code, mods = tail.split("\nDOCKLINT-MODULES=", 1)
    return ast.literal_eval(code), set(ast.literal_eval(mods.strip()))


def imported(mods: set[str], name: str) -> bool:
    return name in mods or any(m.startswith(name + ".") for m in mods)


def write(tmp: Path, name: str, text: str) -> str:
    (tmp / name).write_text(text)
    return name


def shellcheck_installed() -> bool:
    from docklint import shellcheck
    return shellcheck.binary() is not None


# ----------------------------------------------------------------------------------------------

def test_plain_lint_without_run(tmp_path):
    code, mods = modules(tmp_path, write(tmp_path, "Dockerfile", NO_RUN))
    assert code in (0, 1)
    assert "docklint.engine" in mods and "docklint.formatters.text" in mods   # it did lint
    for name in (*NEVER, *SHELL_PARSER, *SHELLCHECK_PASS, *SUBPROCESS, *PLAIN_FILE):
        assert not imported(mods, name), f"{name} imported for a file without RUN"


def test_plain_lint_with_run(tmp_path):
    code, mods = modules(tmp_path, write(tmp_path, "Dockerfile", WITH_RUN))
    assert code in (0, 1)
    for name in NEVER:
        assert not imported(mods, name), f"{name} imported for one file with a RUN"
    for name in SHELL_PARSER:
        assert imported(mods, name), f"{name} not imported: the RUN was not analysed"
    # the ShellCheck rule runs the binary when there is one, and only then (with resource
    # limits); a report with no comments is read without json, the signals are handled
    # through the interpreter's _signal (not the enums of signal)
    assert imported(mods, "resource") == shellcheck_installed()
    assert not imported(mods, "json") and not imported(mods, "signal")
    if os.name == "posix":
        for name in SUBPROCESS:
            assert not imported(mods, name), f"{name} imported to start ShellCheck"


def test_a_shellcheck_report_with_comments_is_read_with_json(tmp_path):
    if not shellcheck_installed():
        pytest.skip("ShellCheck is not installed: nothing reports")
    _, mods = modules(tmp_path, write(tmp_path, "Dockerfile", "FROM alpine:3.20\nRUN echo $x\n"))
    assert imported(mods, "json")


def test_with_run_and_shellcheck_off(tmp_path):
    _, mods = modules(tmp_path, "--ignore", "DK440", write(tmp_path, "Dockerfile", WITH_RUN))
    for name in (*SHELLCHECK_PASS, *PLAIN_FILE):
        assert not imported(mods, name), name
    assert imported(mods, "tree_sitter")
    # the bash grammar's binding is loaded without its package __init__, which imports
    # importlib.resources (and pathlib, tempfile, shutil) for a query docklint does not read
    assert "tree_sitter_bash._binding" in mods
    assert not imported(mods, "importlib.resources") and not imported(mods, "tempfile")


def test_the_direct_bash_binding_is_the_packages_grammar():
    import tree_sitter
    import tree_sitter_bash

    from docklint import shell
    ours = tree_sitter.Language(shell._bash_language())
    theirs = tree_sitter.Language(tree_sitter_bash.language())
    assert ours.node_kind_count == theirs.node_kind_count > 100
    tree = shell._parser().parse(b"apt-get install -y curl | tee x")
    assert tree.root_node.type == "program" and not tree.root_node.has_error


def test_json_format_imports_no_sarif(tmp_path):
    _, mods = modules(tmp_path, "--format", "json", write(tmp_path, "Dockerfile", NO_RUN))
    for name in (*NEVER, *SHELL_PARSER):
        assert not imported(mods, name), name


# positive controls and the configuration cases

@pytest.mark.parametrize("args", [("--help",), ("--format", "nope", "Dockerfile"),
                                  ("rules",), ("--", "Dockerfile")])
def test_click_for_help_errors_and_subcommands(tmp_path, args):
    write(tmp_path, "Dockerfile", NO_RUN)
    code, mods = modules(tmp_path, *args)
    assert imported(mods, "click") and "docklint.commands" in mods
    assert code == 2 if "nope" in args else code in (0, 1)


def test_yaml_only_with_a_yaml_config(tmp_path):
    write(tmp_path, ".docklint.yaml", "ignore: [DK110]\n")
    _, mods = modules(tmp_path, write(tmp_path, "Dockerfile", NO_RUN))
    assert imported(mods, "yaml")
    assert not imported(mods, "tomllib") and not imported(mods, "tomli")


def test_toml_only_with_a_tool_docklint_table(tmp_path):
    write(tmp_path, "pyproject.toml", '[project]\nname = "x"\n\n[tool.docklint]\n'
                                      'ignore = ["DK110"]\n')
    _, mods = modules(tmp_path, write(tmp_path, "Dockerfile", NO_RUN))
    assert imported(mods, "tomllib") or imported(mods, "tomli")
    assert not imported(mods, "yaml")


def test_no_toml_for_a_pyproject_without_the_table(tmp_path):
    write(tmp_path, "pyproject.toml", '[project]\nname = "x"\n')
    _, mods = modules(tmp_path, write(tmp_path, "Dockerfile", NO_RUN))
    for name in ("tomllib", "tomli", "yaml"):
        assert not imported(mods, name), name


def test_sarif_imports_the_sarif_formatter(tmp_path):
    _, mods = modules(tmp_path, "--format", "sarif", write(tmp_path, "Dockerfile", NO_RUN))
    assert "docklint.formatters.sarif" in mods
    assert not imported(mods, "yaml")


def test_a_pool_only_for_many_files(tmp_path):
    names = [write(tmp_path, f"s{i}.Dockerfile", NO_RUN) for i in range(10)]
    _, one = modules(tmp_path, "--jobs", "2", names[0])
    assert not imported(one, "multiprocessing") and not imported(one, "concurrent.futures")
    _, many = modules(tmp_path, "--jobs", "2", *names)
    assert imported(many, "concurrent.futures") and imported(many, "multiprocessing")


# rule modules: only those of the rules that can fire on the file

SMALL = 'FROM alpine:3.20\nCMD ["x"]\n'
RULE_MODULES_BOUND = 55         # of about 100; 45 when this was written
RUN_ONLY = ("docklint.rules.dk440_shellcheck",)     # any RUN (DK435: two RUN in a row)
# rules that need a word in the file besides a RUN (docklint.rule.Rule.words): apt, a pipe
APT_RULE, PIPE_RULE = "docklint.rules.dk404_apt_missing_yes", \
    "docklint.rules.dk438_pipe_without_pipefail"


def rule_modules(mods: set[str]) -> set[str]:
    return {m for m in mods if m.startswith("docklint.rules.dk")}


def test_a_small_file_imports_few_rule_modules(tmp_path):
    code, mods = modules(tmp_path, write(tmp_path, "Dockerfile", SMALL))
    assert code in (0, 1)
    loaded = rule_modules(mods)
    assert "docklint.rules.dk110_final_user_unset" in loaded        # it did run rules
    assert len(loaded) <= RULE_MODULES_BOUND, sorted(loaded)
    for name in RUN_ONLY:
        assert name not in loaded, f"{name} imported for a file without RUN"


def test_a_file_with_run_imports_the_run_rules(tmp_path):
    _, mods = modules(tmp_path, write(tmp_path, "Dockerfile", WITH_RUN))
    loaded = rule_modules(mods)
    for name in (*RUN_ONLY, APT_RULE):
        assert name in loaded, f"{name} not imported for a file with RUN apt-get"
    assert PIPE_RULE not in loaded          # no pipe in the file
    assert {m.split(".")[-1][:5] for m in loaded} >= {"dk402", "dk404", "dk405", "dk409"}  # apt
    assert not {m.split(".")[-1][:5] for m in loaded} & {"dk403", "dk407", "dk411"}  # pip apk yum


def test_rules_a_configuration_turns_on_are_not_imported_without_one(tmp_path):
    _, mods = modules(tmp_path, write(tmp_path, "Dockerfile", WITH_RUN))
    for name in ("dk306_untrusted_registry", "dk607_label_missing"):
        assert f"docklint.rules.{name}" not in mods
    assert "docklint.labels" not in mods


def test_a_run_imports_only_the_rules_of_the_commands_it_names(tmp_path):
    plain = "FROM alpine:3.20\nRUN chmod +x /start.sh\nUSER 10001\n"
    _, mods = modules(tmp_path, write(tmp_path, "Dockerfile", plain))
    loaded = rule_modules(mods)
    assert set(RUN_ONLY) <= loaded and APT_RULE not in loaded and PIPE_RULE not in loaded
    assert not any(".dk40" in m or ".dk41" in m for m in loaded), sorted(loaded)  # managers
    piped = "FROM alpine:3.20\nRUN 'apt'-get install -y curl | tee /log\n"
    _, mods = modules(tmp_path, write(tmp_path, "Dockerfile", piped))
    assert {APT_RULE, PIPE_RULE} <= rule_modules(mods)


# rules that need a stage name, a second stage, a variable, an empty continuation line, text
# that did not decode, a repeated or shell-form CMD, two RUN in a row (Rule.needs, Rule.words)
FEATURE_RULES = ("dk203_duplicate_stage_name", "dk204_unreachable_stage",
                 "dk205_reserved_stage_name", "dk901_stage_name_casing", "dk902_from_as_casing",
                 "dk207_undefined_arg_in_from", "dk208_invalid_default_arg_in_from",
                 "dk209_undefined_var", "dk903_empty_continuation", "dk003_invalid_encoding",
                 "dk602_multiple_instructions", "dk603_json_args_recommended",
                 "dk435_consecutive_run")
# DK005's findings are the engine's (a rule that failed), never its check's


def test_rules_that_need_what_a_file_lacks_are_not_imported(tmp_path):
    _, mods = modules(tmp_path, write(tmp_path, "Dockerfile", SMALL))
    loaded = rule_modules(mods)
    assert "docklint.rules.dk110_final_user_unset" in loaded        # it did run rules
    assert not loaded & {f"docklint.rules.{name}" for name in FEATURE_RULES}, sorted(loaded)
    assert "docklint.rules.dk005_rule_failed" not in loaded
    rich = ("ARG V=3.20\nFROM alpine:$V AS base\nRUN echo \\\n\n  $HOME\nRUN true\n"
            "FROM base\nCMD [\"x\"]\nCMD x\n")
    data = "\ufeff".encode() + rich.encode() + b"# \xff\n"
    (tmp_path / "Dockerfile").write_bytes(data)
    _, mods = modules(tmp_path, "Dockerfile")
    assert {f"docklint.rules.{name}" for name in FEATURE_RULES} <= rule_modules(mods)


def test_listing_rules_imports_no_rule_module(tmp_path):
    code, mods = modules(tmp_path, "rules")
    assert code in (0, None)
    assert "docklint.registry" in mods and not rule_modules(mods)


def test_the_bench_floor_runs_with_the_console_scripts_interpreter(tmp_path):
    """bench/bench.py measures the floor with the interpreter named by the console script's
    ``#!`` line (the one a user's ``docklint`` starts), and with this one where there is none."""
    from .conftest import _bench_module
    bench = _bench_module("bench")
    script = tmp_path / "docklint"
    script.write_text(f"#!{sys.executable}\nimport re\n")
    assert bench.script_interpreter([str(script)]) == sys.executable
    script.write_text("#!/no/such/python\n")
    assert bench.script_interpreter([str(script)]) == sys.executable
    other = tmp_path / "python3.99"
    other.write_text("")
    other.chmod(0o755)
    script.write_text(f"#!{other}\n")
    assert bench.script_interpreter([str(script)]) == str(other)
    assert bench.script_interpreter([sys.executable, "-m", "docklint"]) == sys.executable
