#!/usr/bin/env python3
"""Where docklint and hadolint disagree, rule by rule, on a corpus (differential reading aid).

    .venv/bin/python bench/agreement.py [--corpus DIR] [--hadolint PATH] [--rule DL3008]
                                        [--samples N] [--json]

For every hadolint rule that a docklint rule carries as an alias, both tools lint the corpus
(docklint with exactly the aliased rules selected, hadolint with its defaults) and their findings
are counted alike, one per rule per instruction (see ``noise.py``). For each DL code it prints
the instructions both report, those only hadolint reports and those only docklint reports, the
agreement (both / either), and a few samples of each disagreement to read. Files hadolint cannot
parse (DL1000) are left out, since it reports nothing after the line it stops at.

Disagreement is not a defect by itself: docklint follows the stage graph, the base image and the
target where hadolint looks at one instruction at a time; a rule's "Differences from hadolint"
paragraph says where that is deliberate. This script is how the differences are found and read.
Only the standard library and docklint are used; nothing is asserted.
"""

from __future__ import annotations

import argparse
import collections
import json
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from noise import (corpus_files, default_corpus, find_hadolint, lint_docklint,  # noqa: E402
                   lint_hadolint)

from docklint.engine import Settings  # noqa: E402
from docklint.registry import all_rules  # noqa: E402


# hadolint codes it does not report by default: not compared
_HADOLINT_OFF = frozenset({"DL1001", "DL3057"})


def _hadolint_code(finding, dl_of: dict[str, list[str]]) -> str:
    """The one hadolint code a docklint finding stands for, where a rule carries several
    (DK305: DL3006 untagged, DL3007 latest; DK602: by instruction; DK000: DL3061 before the
    first FROM, DL3043 in ONBUILD), so that nothing is counted twice; the rule's own code when
    it stands for none of them."""
    dls = [d for d in dl_of.get(finding.code, ()) if d not in _HADOLINT_OFF]
    message = finding.message
    if finding.code == "DK305":
        return "DL3007" if "uses the tag `latest`" in message else "DL3006"
    if finding.code == "DK602":
        for word, dl in (("CMD", "DL4003"), ("ENTRYPOINT", "DL4004"), ("HEALTHCHECK", "DL3012")):
            if f"this {word} has no effect" in message:
                return dl
    if finding.code == "DK000":
        if "before the first FROM" in message:
            return "DL3061"
        if "allowed as an ONBUILD trigger" in message:
            return "DL3043"
        return finding.code
    return dls[0] if len(dls) == 1 else finding.code


def line_of(indexes: dict, rel: str, where: str) -> str:
    """The line an instruction key (``i<k>``, or ``l<line>`` outside instructions) starts at."""
    if where.startswith("i") and rel in indexes:
        return str(indexes[rel].lines[int(where[1:])])
    return where[1:]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=default_corpus())
    ap.add_argument("--hadolint", help="the hadolint binary (default: $HADOLINT, then PATH)")
    ap.add_argument("--rule", action="append", default=[], help="only these DL codes")
    ap.add_argument("--samples", type=int, default=3, help="disagreements shown per side")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    exe = find_hadolint(args.hadolint)
    if exe is None:
        print("agreement.py: hadolint not found (--hadolint PATH or $HADOLINT)", file=sys.stderr)
        return 2
    dl_of: dict[str, list[str]] = collections.defaultdict(list)   # DK code -> DL codes
    for r in all_rules():
        for a in r.aliases:
            if re.fullmatch(r"DL\d{4}", a) and a not in _HADOLINT_OFF and \
                    (not args.rule or a in args.rule):
                dl_of[r.code].append(a)
    files = corpus_files(args.corpus)
    dk, indexes = lint_docklint(args.corpus, files, Settings(select=sorted(dl_of)),
                                code_of=lambda f: _hadolint_code(f, dl_of))
    hl = lint_hadolint(exe, args.corpus, files, indexes)
    keep = [f for f in files if f.rel not in hl.unparsed]
    both_ = collections.Counter()
    only = {"hadolint": collections.defaultdict(list), "docklint": collections.defaultdict(list)}
    wanted = {dl for dls in dl_of.values() for dl in dls}
    for f in keep:
        mine = {(code, w) for code, w in dk.keys.get(f.rel, ()) if code in wanted}
        theirs = {(c, w) for c, w in hl.keys.get(f.rel, ()) if c in wanted}
        for dl, w in mine & theirs:
            both_[dl] += 1
        for dl, w in theirs - mine:
            only["hadolint"][dl].append((f.rel, w))
        for dl, w in mine - theirs:
            only["docklint"][dl].append((f.rel, w))
    rows = []
    for dl in sorted(wanted):
        b, h, d = both_[dl], len(only["hadolint"][dl]), len(only["docklint"][dl])
        rows.append({"rule": dl, "both": b, "hadolint_only": h, "docklint_only": d,
                     "agreement": b / (b + h + d) if b + h + d else 1.0,
                     "samples_hadolint_only": only["hadolint"][dl][:args.samples],
                     "samples_docklint_only": only["docklint"][dl][:args.samples]})
    if args.json:
        json.dump({"files": len(keep), "rules": rows}, sys.stdout, indent=1)
        print()
        return 0
    tb = sum(r["both"] for r in rows)
    tu = sum(r["both"] + r["hadolint_only"] + r["docklint_only"] for r in rows)
    print(f"{len(keep)} files both tools parse; overall agreement {tb}/{tu} "
          f"= {100 * tb / max(tu, 1):.1f} %")
    print(f"{'rule':8} {'both':>6} {'hl only':>8} {'dk only':>8} {'agree':>7}")
    for r in sorted(rows, key=lambda r: r["agreement"]):
        print(f"{r['rule']:8} {r['both']:6} {r['hadolint_only']:8} {r['docklint_only']:8} "
              f"{100 * r['agreement']:6.1f}%")
        for side in ("hadolint", "docklint"):
            for rel, w in r[f"samples_{side}_only"]:
                print(f"    {side} only: {rel}:{line_of(indexes, rel, w)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
