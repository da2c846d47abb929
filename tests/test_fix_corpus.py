"""Fixing converges and is idempotent on every rule fixture and on the shared corpus.

Every rule runs (``ALL``, preview rules included): on the fixtures once with the safe fixes only
and once with the unsafe ones too, on the corpus with both (one pass of the corpus takes
~15 s). For each file: the fixes settle (no loop), nothing is refused unless the
file failed to parse to begin with, nothing fixed parses worse than the original (a file that
parsed still parses), and fixing the result again changes nothing.

The corpus (../shared/corpus) is copied to a temporary directory and fixed in place through
:func:`docklint.fix.fix_file`, in this process, so the writes and the build contexts beside the
files are the real ones; files with nothing to fix must not be rewritten. The totals (files
fixed, fixes per rule) are printed (``-s``) and recorded as properties (``--junitxml``).

DK440 (ShellCheck) is left out: it has no fix, and running ShellCheck on every file and every
round would only cost time.
"""

from __future__ import annotations

import json
import os
import shutil
from collections import Counter
from pathlib import Path

import pytest

from docklint.engine import Settings, lint_bytes, select_rules
from docklint.fix import fix_bytes, fix_file
from docklint.registry import all_rules, get

from .conftest import FIXTURES, corpus_files
from .fixture_format import load

SLOW_RULES = ["DK440"]
FIXTURE_FILES = sorted((FIXTURES / "rules").glob("*/*.Dockerfile"))


def test_the_rules_left_out_have_no_fixes() -> None:
    for code in SLOW_RULES:
        assert get(code).fixable == "never", f"{code} has fixes now: run it here too"


def _settings(**kw) -> Settings:
    return Settings(select=["ALL"], ignore=list(SLOW_RULES), preview=True, **kw)


def _parse_errors(data: bytes, path: str, settings: Settings, context: str | None) -> int:
    """The parse errors of ``data`` (no rule runs)."""
    result = lint_bytes(data, path, settings, [], context=context)
    return len(result.dockerfile.errors) if result.dockerfile else 0


@pytest.mark.parametrize("unsafe", [False, True], ids=["safe", "unsafe"])
def test_rule_fixtures_fix_to_a_fixed_point(unsafe: bool) -> None:
    problems: list[str] = []
    fixed = 0
    applied: Counter = Counter()
    codes = {r.code for r in all_rules()}
    for path in FIXTURE_FILES:
        fx = load(path)
        code = path.parent.name
        settings = _settings(target=fx.target, build_args=fx.build_args,
                             options={code: fx.options} if code in codes else {})
        rules = select_rules(settings)
        context = str(fx.context) if fx.context else None
        name = f"{code}/{path.name}"
        out = fix_bytes(fx.data, str(path), settings, rules, unsafe=unsafe, context=context)
        before = _parse_errors(fx.data, str(path), settings, context) \
            if out.refused or out.changed else 0
        if out.refused and not before:
            problems.append(f"{name}: refused: {out.refused}")
        if not out.converged:
            problems.append(f"{name}: the fixes of {out.looping} do not settle")
        if not out.changed:
            continue
        fixed += 1
        applied.update(out.applied)
        after = len(out.result.dockerfile.errors)
        if after > before or (before == 0 and after):
            problems.append(f"{name}: parses worse after fixing ({before} -> {after} errors)")
        again = fix_bytes(out.data, str(path), settings, rules, unsafe=unsafe, context=context)
        if again.changed or again.refused or not again.converged:
            problems.append(f"{name}: fixing twice differs from fixing once "
                            f"({dict(again.applied)} {again.refused or ''})")
    print(f"\nrule fixtures ({'safe+unsafe' if unsafe else 'safe'}): {fixed} of "
          f"{len(FIXTURE_FILES)} files fixed; {sum(applied.values())} fixes: "
          f"{dict(sorted(applied.items()))}")
    assert fixed, "no fixture was fixed at all"
    assert not problems, "\n".join(problems)


def test_corpus_fixes_to_a_fixed_point(tmp_path: Path, record_property, monkeypatch) -> None:
    unsafe = True       # safe and unsafe fixes: a safe-only run takes as long and finds less
    corpus, files = corpus_files()
    # a throw-away copy needs no durability, and ~800 fsyncs can take longer than the fixing
    monkeypatch.setattr(os, "fsync", lambda fd: None)
    root = tmp_path / "corpus"
    shutil.copytree(corpus, root, symlinks=True)
    # the shared corpus is read-only, and --fix leaves read-only files alone (even as root):
    # make the throw-away copy writable
    for dirpath, _dirs, names in os.walk(root):
        os.chmod(dirpath, 0o755)
        for name in names:
            if not os.path.islink(os.path.join(dirpath, name)):
                os.chmod(os.path.join(dirpath, name), 0o644)
    settings = _settings()
    rules = select_rules(settings)
    problems: list[str] = []
    applied: Counter = Counter()
    fixed = 0
    for rel in files:
        path = root / rel
        original = path.read_bytes()
        st = os.stat(path)
        out = fix_file(str(path), settings, rules, unsafe=unsafe)
        if out.problem is None and not out.written:
            before = 0              # not needed: nothing was refused or written
        else:
            before = _parse_errors(original, str(path), settings, str(path.parent))
        if out.problem and (before == 0 or not out.problem.startswith("not fixed: fixes by")):
            problems.append(f"{rel}: {out.problem}")
        if out.result.internal:
            problems.append(f"{rel}: {out.result.internal}")
        if not out.written:
            now = os.stat(path)
            if (now.st_ino, now.st_mtime_ns) != (st.st_ino, st.st_mtime_ns):
                problems.append(f"{rel}: rewritten although nothing was fixed")
            continue
        fixed += 1
        applied.update(out.applied)
        data = path.read_bytes()
        if data != out.data or data == original:
            problems.append(f"{rel}: the file on disk is not the fixed text")
        after = len(out.result.dockerfile.errors)
        if after > before or (before == 0 and after):
            problems.append(f"{rel}: parses worse after fixing ({before} -> {after} errors)")
        again = fix_file(str(path), settings, rules, unsafe=unsafe)
        if again.written or again.changed or again.problem:
            problems.append(f"{rel}: fixing twice differs from fixing once "
                            f"({dict(again.applied)} {again.problem or ''})")
    mode = "safe+unsafe" if unsafe else "safe"
    record_property("files", len(files))
    record_property("files_fixed", fixed)
    record_property("fixes", sum(applied.values()))
    record_property("fixes_per_rule", json.dumps(dict(sorted(applied.items()))))
    print(f"\ncorpus ({mode}): {fixed} of {len(files)} files fixed; {sum(applied.values())} "
          f"fixes: {dict(sorted(applied.items()))}")
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems[:50])
