"""The console entry point (docklint._entry) ends the process with ``os._exit`` after the
command: the whole report must still be written, and the exit status be the command's."""

from __future__ import annotations

import json
import subprocess
import sys


def run(args, cwd, stdin=None):
    return subprocess.run([sys.executable, "-m", "docklint", "--no-shellcheck", *args],
                          cwd=cwd, input=stdin, capture_output=True, timeout=120)


def test_a_long_report_is_written_whole_through_a_pipe(tmp_path):
    # thousands of findings, far more than a pipe buffer: the JSON must be complete
    text = "FROM debian\n" + "".join(f"RUN apt-get install -y pkg{n}\n" for n in range(3000))
    (tmp_path / "Dockerfile").write_text(text)
    result = run(["--format", "json", "Dockerfile"], tmp_path)
    assert result.returncode == 1
    findings = json.loads(result.stdout)
    assert len(findings) > 3000


def test_exit_statuses_are_the_commands(tmp_path):
    (tmp_path / "Dockerfile").write_text("FROM alpine:3.20\nUSER 1000\nCMD [\"x\"]\n")
    assert run(["Dockerfile"], tmp_path).returncode == 0
    (tmp_path / "Dockerfile").write_text("FROM alpine\n")
    assert run(["Dockerfile"], tmp_path).returncode == 1
    bad = run(["--no-such-option"], tmp_path)
    assert bad.returncode == 2 and b"no such option" in bad.stderr.lower()
    assert run(["missing"], tmp_path).returncode == 2
    rules = subprocess.run([sys.executable, "-m", "docklint", "rules"], cwd=tmp_path,
                           capture_output=True, timeout=120)
    assert rules.returncode == 0 and b"DK101" in rules.stdout


# ---------------------------------------------------------------- docklint's own module finder

def _standard_spec(name, path):
    import importlib.machinery
    return importlib.machinery.PathFinder.find_spec(name, path)


def test_own_modules_get_the_spec_the_standard_finder_gives():
    import docklint
    import docklint.facts
    import docklint.rules
    from docklint._entry import _OwnModules
    _OwnModules.invalidate_caches()
    for name, path in (("docklint.engine", docklint.__path__),
                       ("docklint.facts.shells", docklint.facts.__path__),
                       ("docklint.rules.dk101_missing_ca_bundle", docklint.rules.__path__)):
        ours, theirs = _OwnModules.find_spec(name, path), _standard_spec(name, path)
        assert ours is not None and theirs is not None, name
        assert (ours.name, ours.origin, ours.cached, ours.has_location, ours.parent,
                ours.submodule_search_locations, type(ours.loader)) == \
            (theirs.name, theirs.origin, theirs.cached, theirs.has_location, theirs.parent,
             theirs.submodule_search_locations, type(theirs.loader)), name
    # packages, the top level and other packages' modules are the standard finders' to find
    assert _OwnModules.find_spec("docklint.rules", docklint.__path__) is None
    assert _OwnModules.find_spec("docklint", None) is None
    assert _OwnModules.find_spec("json.decoder", docklint.__path__) is None
    assert _OwnModules.find_spec("docklint.no_such_module", docklint.__path__) is None


def test_own_modules_leave_what_is_not_a_lone_source_file_alone(tmp_path):
    import importlib.util
    from docklint._entry import _OwnModules
    for name in ("plain.py", "both.py", "ext.py", "ext.abi3.so", "old.pyc", "__init__.py"):
        (tmp_path / name).write_text("VALUE = 1\n")
    (tmp_path / "both").mkdir()
    path = [str(tmp_path)]
    _OwnModules.invalidate_caches()
    spec = _OwnModules.find_spec("docklint.probe_pkg.plain", path)
    assert spec is not None and spec.origin == str(tmp_path / "plain.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.VALUE == 1 and module.__file__ == str(tmp_path / "plain.py")
    assert module.__cached__ == importlib.util.cache_from_source(str(tmp_path / "plain.py"))
    for leaf in ("both", "ext", "old", "__init__", "missing"):
        assert _OwnModules.find_spec(f"docklint.probe_pkg.{leaf}", path) is None, leaf
    # a directory that cannot be listed: the standard finders' too
    assert _OwnModules.find_spec("docklint.probe_pkg.x", [str(tmp_path / "nowhere")]) is None
    # a module added later is found once the import system's caches are invalidated
    (tmp_path / "late.py").write_text("")
    assert _OwnModules.find_spec("docklint.probe_pkg.late", path) is None
    _OwnModules.invalidate_caches()
    assert _OwnModules.find_spec("docklint.probe_pkg.late", path) is not None
    _OwnModules.invalidate_caches()


def test_the_entry_point_imports_docklint_through_its_finder(tmp_path):
    # the console entry's own process: the modules a lint imported came through _OwnModules
    driver = tmp_path / "driver.py"
    driver.write_text(
        "import sys, os\n"
        "import docklint._entry as entry\n"
        "found = []\n"
        "find = entry._OwnModules.find_spec\n"
        "def spy(name, path=None, target=None):\n"
        "    spec = find(name, path, target)\n"
        "    if spec is not None:\n"
        "        found.append(name)\n"
        "    return spec\n"
        "entry._OwnModules.find_spec = staticmethod(spy)\n"
        "real_exit = os._exit\n"
        "def leave(status):\n"
        "    sys.stderr.write('FOUND=%d ENGINE=%s\\n' % (len(found), 'docklint.engine' in found))\n"
        "    sys.stderr.flush()\n"
        "    real_exit(status)\n"
        "os._exit = leave\n"
        "sys.argv = ['docklint', '--no-shellcheck', 'Dockerfile']\n"
        "entry.main()\n")
    (tmp_path / "Dockerfile").write_text("FROM alpine:3.20\nUSER 1000\nCMD [\"x\"]\n")
    result = subprocess.run([sys.executable, str(driver)], cwd=tmp_path, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "ENGINE=True" in result.stderr, result.stderr
    assert int(result.stderr.split("FOUND=")[1].split()[0]) > 20
