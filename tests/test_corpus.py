"""Robustness over the shared corpus of real Dockerfiles (../shared/corpus).

Every file is linted once per session, in this process, through the public engine API with the
default rules (``conftest.corpus_linted``, shared with the rule statistics of
``test_rule_stats.py``); nothing is sampled except the determinism check.
Checked: no exception and no rule crash (``FileResult.internal``); every finding's span lies
inside the text, and its line/column/end positions are the ones its span gives (also for related
locations and fix edits); rules do not lean on the engine's clamping of out-of-range spans; the
same files lint to the same findings on a second pass in the opposite order; ``inspect`` data is
JSON-serialisable.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from docklint.engine import Settings, select_rules
from docklint.inspect import inspect_json
from docklint.source import Span

from .conftest import Linted, bench_fuzz, corpus_files, lint_corpus_file

fuzz = bench_fuzz()

SAMPLE_SIZE = 100


@pytest.fixture(scope="module")
def corpus() -> tuple[Path, list[str]]:
    return corpus_files()


@pytest.fixture(scope="module")
def linted(corpus_linted) -> list[Linted]:
    return corpus_linted


def test_manifest_lists_existing_files(corpus):
    root, files = corpus
    assert len(files) > 1000
    missing = [f for f in files if not (root / f).is_file()]
    assert not missing, missing[:20]


def test_every_file_lints_without_crash(linted):
    crashes = [f"{x.path}:\n{x.crash}" for x in linted if x.crash]
    assert not crashes, f"{len(crashes)} files raised; first:\n" + crashes[0]
    internal = [msg for x in linted for msg in x.result.internal]
    assert not internal, f"{len(internal)} rule crashes:\n" + "\n".join(internal[:20])
    errors = [x.result.error for x in linted if x.result.error]
    assert not errors, errors[:20]


def test_finding_positions_match_their_spans(linted):
    problems = []
    for x in linted:
        for f in x.result.findings:
            for p in fuzz.finding_problems(x.result.source, f):
                problems.append(f"{x.path}:{f.line}:{f.column}: {f.code}: {p}")
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems[:30])


def test_rules_yield_spans_inside_the_text(linted):
    """The engine clamps spans that run past the text; no rule should need that."""
    rules = select_rules(Settings())
    problems = []
    for x in linted:
        df = x.result.dockerfile
        n = len(df.source.text)
        for r in rules:
            for f in r.check(df, r.default_options()):
                spans = [f.span, *(rel.span for rel in f.related)]
                if f.fix is not None:
                    spans += [e.span for e in f.fix.edits]
                for s in spans:
                    if not (isinstance(s, Span) and 0 <= s.start <= s.end <= n):
                        problems.append(f"{x.path}: {r.code}: span {s} (text length {n})")
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems[:30])


def test_output_is_deterministic(corpus, linted):
    """A sample linted again, in the opposite order, gives the same findings (no state leaks
    from one file to the next, no set ordering in messages)."""
    root, files = corpus
    step = max(1, len(files) // SAMPLE_SIZE)
    sample = list(range(0, len(files), step))[:SAMPLE_SIZE]
    # findings are what the test is about: prefer files that have some
    sample += [i for i, x in enumerate(linted) if x.result.findings and i not in sample][:20]
    settings = Settings()
    differ = []
    for i in reversed(sample):
        again = lint_corpus_file(root, files[i], settings)
        assert again.crash is None, again.crash
        if fuzz.finding_keys(again.result) != fuzz.finding_keys(linted[i].result):
            differ.append(files[i])
    assert not differ, f"findings changed between two runs: {differ}"


def test_inspect_json_is_serialisable(linted):
    problems = []
    for x in linted:
        try:
            json.dumps(inspect_json(x.result.dockerfile), allow_nan=False)
        except Exception as exc:  # noqa: BLE001
            problems.append(f"{x.path}: {type(exc).__name__}: {exc}")
    assert not problems, f"{len(problems)} files:\n" + "\n".join(problems[:20])


def test_parser_spans_are_consistent(linted):
    """Not findings, but what every finding is built from: the spans of instructions, keywords,
    flags, words and heredoc bodies agree with the text and the line numbers."""
    problems = []
    for x in linted:
        df = x.result.dockerfile
        problems += [f"{x.path}: {p}" for p in fuzz.parser_problems(df)]
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems[:30])
