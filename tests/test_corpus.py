"""Robustness over the shared corpus of real Dockerfiles (../shared/corpus).

Every file is linted once, in this process, through the public engine API with the default rules;
the whole corpus takes a couple of seconds, so nothing is sampled except the determinism check.
Checked: no exception and no rule crash (``FileResult.internal``); every finding's span lies
inside the text, and its line/column/end positions are the ones its span gives (also for related
locations and fix edits); rules do not lean on the engine's clamping of out-of-range spans; the
same files lint to the same findings on a second pass in the opposite order; ``inspect`` data is
JSON-serialisable.
"""

from __future__ import annotations

import json
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

import pytest

from docklint.engine import FileResult, Settings, lint_file, select_rules
from docklint.inspect import inspect_json
from docklint.rule import Finding
from docklint.source import Source, Span

from .conftest import shared_path

SAMPLE_SIZE = 100


@dataclass
class Linted:
    path: str
    result: FileResult | None
    crash: str | None            # the traceback if lint_file raised


def _corpus_files() -> tuple[Path, list[str]]:
    corpus = shared_path("corpus")
    manifest = corpus / "MANIFEST.tsv"
    if not manifest.exists():
        pytest.skip(f"{manifest} is absent")
    rows = manifest.read_text(encoding="utf-8").splitlines()
    col = rows[0].split("\t").index("file")
    return corpus, [r.split("\t")[col] for r in rows[1:] if r.strip()]


def _lint(corpus: Path, rel: str, settings: Settings) -> Linted:
    try:
        return Linted(rel, lint_file(str(corpus / rel), settings), None)
    except Exception:  # noqa: BLE001 - the point is to report any crash
        return Linted(rel, None, traceback.format_exc())


@pytest.fixture(scope="module")
def corpus() -> tuple[Path, list[str]]:
    return _corpus_files()


@pytest.fixture(scope="module")
def linted(corpus) -> list[Linted]:
    root, files = corpus
    settings = Settings()
    started = time.perf_counter()
    out = [_lint(root, f, settings) for f in files]
    elapsed = time.perf_counter() - started
    findings = sum(len(x.result.findings) for x in out if x.result)
    print(f"\ncorpus: linted {len(files)} files in {elapsed:.2f} s "
          f"({len(files) / elapsed:.0f} files/s), {findings} findings")
    return out


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


def _position_problems(source: Source, f: Finding) -> list[str]:
    n = len(source.text)
    out = []
    if not 0 <= f.span.start <= f.span.end <= n:
        out.append(f"span {f.span} outside the text (length {n})")
        return out
    expected = source.range(f.span)
    got = (f.line, f.column, f.end_line, f.end_column)
    if got != expected:
        out.append(f"positions {got} but the span gives {expected}")
    if f.line < 1 or f.column < 1 or (f.end_line, f.end_column) < (f.line, f.column):
        out.append(f"impossible positions {got}")
    if f.line > max(1, source.line_count) + 1:
        out.append(f"line {f.line} past the end ({source.line_count} lines)")
    if len(f.related) != len(f.related_positions):
        out.append("related locations and their positions differ in number")
    for rel, pos in zip(f.related, f.related_positions):
        if not 0 <= rel.span.start <= rel.span.end <= n:
            out.append(f"related span {rel.span} outside the text")
        elif tuple(pos[:4]) != source.range(rel.span) or pos[4] != rel.message:
            out.append(f"related position {pos} but its span gives {source.range(rel.span)}")
    if f.fix is not None:
        edits = sorted(f.fix.edits, key=lambda e: (e.span.start, e.span.end))
        for e in edits:
            if not 0 <= e.span.start <= e.span.end <= n:
                out.append(f"fix edit span {e.span} outside the text")
        for a, b in zip(edits, edits[1:]):
            if b.span.start < a.span.end:
                out.append(f"fix edits overlap: {a.span} and {b.span}")
    return out


def test_finding_positions_match_their_spans(linted):
    problems = []
    for x in linted:
        for f in x.result.findings:
            for p in _position_problems(x.result.source, f):
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


def _key(result: FileResult) -> list[tuple]:
    return [(f.code, f.slug, f.severity, f.path, f.line, f.column, f.end_line, f.end_column,
             f.message, f.span, f.fix, f.related_positions) for f in result.findings]


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
        again = _lint(root, files[i], settings)
        assert again.crash is None, again.crash
        if _key(again.result) != _key(linted[i].result):
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


def _instruction_problems(source: Source, ins, outer=None) -> list[str]:
    text, n = source.text, len(source.text)
    out = []
    where = f"line {ins.line} {ins.keyword}"
    span = ins.span
    if not 0 <= span.start <= span.end <= n:
        return [f"{where}: span {span} outside the text"]
    if outer is None:
        start_line, end_line = source.line_of(span.start), source.end_position(span)[0]
        if (start_line, end_line) != (ins.line, ins.end_line):
            out.append(f"{where}: span covers lines {start_line}-{end_line}, "
                       f"instruction says {ins.line}-{ins.end_line}")
    if text[ins.keyword_span.start:ins.keyword_span.end] != ins.written:
        out.append(f"{where}: keyword span holds "
                   f"{text[ins.keyword_span.start:ins.keyword_span.end]!r}, not {ins.written!r}")
    for part in (*ins.flags, *ins.args):
        if not span.contains(part.span):
            out.append(f"{where}: {type(part).__name__} {part.span} outside {span}")
    for h in ins.heredocs:
        if text[h.body_span.start:h.body_span.end] != h.content or not span.contains(h.span):
            out.append(f"{where}: heredoc <<{h.name} body or span inconsistent")
    if ins.sub is not None:
        out += _instruction_problems(source, ins.sub, ins)
    return out


def test_parser_spans_are_consistent(linted):
    """Not findings, but what every finding is built from: the spans of instructions, keywords,
    flags, words and heredoc bodies agree with the text and the line numbers."""
    problems = []
    for x in linted:
        df = x.result.dockerfile
        for ins in df.instructions:
            problems += [f"{x.path}: {p}" for p in _instruction_problems(df.source, ins)]
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems[:30])
