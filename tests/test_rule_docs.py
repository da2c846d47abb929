"""Every rule is documented, and its documented Example fires while its Use instead stays quiet."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from docklint.engine import Settings, lint_bytes
from docklint.registry import all_rules

HEADINGS = ("What it does", "Why is this bad?", "Example", "Use instead")
_BLOCK = re.compile(r"```dockerfile\n(.*?)```", re.S)


def _blocks(text: str) -> list[str]:
    return _BLOCK.findall(text)


@pytest.mark.parametrize("rule", all_rules(), ids=lambda r: r.code)
def test_rule_has_docs(rule) -> None:
    assert rule.summary and not rule.summary.startswith("#")
    for heading in HEADINGS:
        assert rule.section(heading), f"{rule.code} docs lack '## {heading}'"
    if rule.fixable != "never":
        assert rule.section("Fix safety"), f"{rule.code} is fixable but has no '## Fix safety'"
    assert rule.slug == rule.slug.lower() and " " not in rule.slug
    assert re.fullmatch(r"DK\d{3}", rule.code)


_IGNORE_BLOCK = re.compile(r"```dockerignore\n(.*?)```", re.S)


def _lint(rule, text: str, encoding: str = "utf-8", dockerignore: str | None = None,
          tmp: Path | None = None):
    # DK003's Example is a file saved as Latin-1: lint the bytes in that encoding. A rule whose
    # examples need options (DK306 does nothing without a trusted-registries list) states them
    # in its docs and gives them to this test as the module's EXAMPLE_OPTIONS. A section with a
    # ```dockerignore block is linted with a build context holding that .dockerignore.
    options = dict(getattr(sys.modules[rule.module], "EXAMPLE_OPTIONS", {}))
    context = None
    if dockerignore is not None and tmp is not None:
        context = tmp / f"context-{abs(hash(text))}"
        context.mkdir(exist_ok=True)
        (context / ".dockerignore").write_text(dockerignore, encoding="utf-8")
        context = str(context)
    return lint_bytes(text.encode(encoding), "Dockerfile",
                      Settings(select=[rule.code], options={rule.code: options}),
                      context=context)


@pytest.mark.parametrize("rule", all_rules(), ids=lambda r: r.code)
def test_example_fires_and_use_instead_is_quiet(rule, tmp_path) -> None:
    examples = _blocks(rule.section("Example"))
    fixes = _blocks(rule.section("Use instead"))
    assert examples, f"{rule.code}: the Example has no ```dockerfile block"
    assert fixes, f"{rule.code}: Use instead has no ```dockerfile block"
    if rule.subcodes and rule.code == "DK440":
        from docklint.shellcheck import binary
        if binary() is None:
            pytest.skip("ShellCheck is not installed (the shellcheck extra); DK440 does nothing "
                        "without it")
    if getattr(sys.modules[rule.module], "ENGINE_FINDINGS", False):
        # DK005: the engine reports rules that failed; no file makes it fire by design
        # (tests/test_hostile_output.py makes rules fail and checks its findings)
        for block in fixes:
            assert not _lint(rule, block, tmp=tmp_path).findings
        return
    example_encoding = "latin-1" if "saved as Latin-1" in rule.section("Example") else "utf-8"
    ignores = {h: (_IGNORE_BLOCK.findall(rule.section(h)) or [None])[0]
               for h in ("Example", "Use instead")}
    for block in examples:
        found = [f for f in _lint(rule, block, example_encoding, ignores["Example"],
                                  tmp_path).findings
                 if f.code == rule.code or rule.owns_subcode(f.code)]
        assert found, f"{rule.code}: its documented Example does not fire:\n{block}"
    for block in fixes:
        found = [f for f in _lint(rule, block, dockerignore=ignores["Use instead"],
                                  tmp=tmp_path).findings
                 if f.code == rule.code or rule.owns_subcode(f.code)]
        assert not found, f"{rule.code}: its Use instead fires: {found[0].message}\n{block}"


def test_codes_and_slugs_are_unique() -> None:
    rules = all_rules()
    assert len({r.code for r in rules}) == len(rules)
    assert len({r.slug for r in rules}) == len(rules)


def _peers(rule) -> list[str]:
    """The tools a rule stands in for: hadolint (a DL alias), BuildKit (a check name)."""
    peers = []
    if any(re.fullmatch(r"DL\d{4}", a) for a in rule.aliases):
        peers.append("hadolint")
    if any(not re.fullmatch(r"DL\d{4}|SC\d{4}", a) for a in rule.aliases):
        peers.append("BuildKit")
    return peers


@pytest.mark.parametrize("rule", [r for r in all_rules() if _peers(r)], ids=lambda r: r.code)
def test_aliased_rule_says_how_it_differs_from_its_peer(rule) -> None:
    # A user migrating from hadolint or `docker build --check` reads, for every rule that
    # answers to a peer's name, where docklint behaves differently and why (or that it does
    # not), under "## Differences from hadolint" / "## Differences from BuildKit", naming the
    # peer's code so that a search for it finds the paragraph.
    for peer in _peers(rule):
        text = rule.section(f"Differences from {peer}")
        assert text and len(text.split()) >= 8, \
            f"{rule.code} docs lack a '## Differences from {peer}' paragraph"
        names = [a for a in rule.aliases if (peer == "hadolint") == a.startswith("DL")]
        assert any(n in text for n in names), \
            f"{rule.code}: its 'Differences from {peer}' paragraph names none of {names}"
