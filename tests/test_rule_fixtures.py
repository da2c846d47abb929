"""Every rule fixture under fixtures/rules/<CODE>/, checked both ways: every finding expected,
every expectation met (exact ranges). Plus: every rule has fixtures that fire and stay quiet."""

from __future__ import annotations

from pathlib import Path

import pytest

from docklint.engine import Settings, lint_bytes
from docklint.fix import fix_bytes
from docklint.registry import all_rules, get

from .conftest import FIXTURES
from .fixture_format import load, places

RULE_DIR = FIXTURES / "rules"
CASES = sorted(RULE_DIR.glob("*/*.Dockerfile"))
CASES = [c for c in CASES if not c.name.endswith(".fixed.Dockerfile")]


def _run(path: Path):
    fx = load(path)
    code = path.parent.name
    rule = get(code)
    if code == "DK440":
        from docklint.shellcheck import binary
        if binary() is None:
            pytest.skip("ShellCheck is not installed (the shellcheck extra, part of the test "
                        "extra); DK440 does nothing without it")
    settings = Settings(select=[code, *fx.select], target=fx.target, build_args=fx.build_args,
                        options={rule.code: fx.options})
    result = lint_bytes(fx.data, str(path), settings,
                        context=str(fx.context) if fx.context else None)
    return fx, result


@pytest.mark.parametrize("path", CASES, ids=[f"{c.parent.name}/{c.stem}" for c in CASES])
def test_fixture(path: Path) -> None:
    fx, result = _run(path)
    assert result.error is None, result.error
    assert result.internal == []
    findings = list(result.findings)
    unexpected = [f"{f.code} {f.line}:{f.column}" for f in findings
                  if not any(e.matches(f) for e in fx.expectations if e.kind == "expect")]
    unmet = [e for e in fx.expectations if not any(e.matches(f) for f in findings)]
    # the other places of a merged finding are expected with `# also:`, both ways
    also = [e for e in fx.expectations if e.kind == "also"]
    unexpected += [f"{f.code} also {pos[0]}:{pos[1]}" for f in findings for _, pos in places(f)
                   if not any(e.code == f.code and e.matches_place(pos) for e in also)]
    show = "\n".join(f"  {f.code} {f.line}:{f.column}-{f.end_line}:{f.end_column} {f.message}"
                     + "".join(f"\n    also {p[0]}:{p[1]}-{p[2]}:{p[3]} {p[4]}"
                               for _, p in places(f))
                     for f in findings)
    assert not unexpected and not unmet, (
        f"\nunexpected findings: {unexpected}"
        f"\nunmet expectations: {[str(e) for e in unmet]}\nall findings:\n{show}")
    if path.parent.name != "DK000":
        parse_errors = [e.message for e in result.dockerfile.errors]
        assert parse_errors == [], "fixtures of other rules must be valid Dockerfiles"


FIXED = sorted(RULE_DIR.glob("*/*.fixed.Dockerfile"))


@pytest.mark.parametrize("fixed", FIXED, ids=[f"{c.parent.name}/{c.stem}" for c in FIXED])
def test_fix_produces_the_fixed_file(fixed: Path) -> None:
    """Fixing ``<case>.Dockerfile`` with its rule gives ``<case>.fixed.Dockerfile`` byte for
    byte; the result parses, the rule is satisfied, and fixing again changes nothing."""
    case = fixed.with_name(fixed.name.replace(".fixed.Dockerfile", ".Dockerfile"))
    assert case.exists(), f"{fixed.name} has no {case.name}"
    fx = load(case)
    code = case.parent.name
    rule = get(code)
    settings = Settings(select=[code, *fx.select], target=fx.target, build_args=fx.build_args,
                        options={rule.code: fx.options})
    context = str(fx.context) if fx.context else None
    out = fix_bytes(fx.data, str(case), settings, [rule], unsafe=fx.unsafe_fixes,
                    context=context)
    assert out.refused is None and out.converged
    assert out.data == fixed.read_bytes()
    assert out.applied.get(code), f"{code} applied no fix"
    again = fix_bytes(out.data, str(case), settings, [rule], unsafe=fx.unsafe_fixes,
                      context=context)
    assert not again.changed
    after = lint_bytes(out.data, str(case), Settings(select=["DK000", code],
                                                     target=fx.target,
                                                     build_args=fx.build_args,
                                                     options={rule.code: fx.options}),
                       context=context)
    assert [f.code for f in after.findings if f.code == "DK000"] == []
    left = [f for f in after.findings if f.code == code and f.fix is not None and
            (f.fix.safe or fx.unsafe_fixes)]
    assert left == [], f"{code} still fires with a fix after fixing: {left[0].message}"


def test_fixable_rules_have_fixed_fixtures() -> None:
    fixable = {r.code for r in all_rules() if r.fixable != "never"}
    with_fixed = {f.parent.name for f in FIXED}
    assert fixable <= with_fixed, f"fixable rules without a .fixed fixture: " \
                                  f"{sorted(fixable - with_fixed)}"


@pytest.mark.parametrize("rule", all_rules(), ids=lambda r: r.code)
def test_every_rule_has_firing_and_quiet_fixtures(rule) -> None:
    cases = [c for c in CASES if c.parent.name == rule.code]
    loaded = [load(c) for c in cases]
    import importlib
    module = importlib.import_module(rule.module)      # run alone, no lint has imported it
    if not getattr(module, "ENGINE_FINDINGS", False):  # DK005: see its docs
        assert any(f.expectations for f in loaded), f"{rule.code} has no fixture that fires"
    assert any(not f.expectations for f in loaded), f"{rule.code} has no quiet fixture"


def test_fixture_directories_name_real_rules() -> None:
    codes = {r.code for r in all_rules()}
    for d in RULE_DIR.iterdir():
        if d.is_dir():
            assert d.name in codes, f"fixtures/rules/{d.name} names no rule"
