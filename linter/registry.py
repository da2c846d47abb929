"""Finds every rule in ``docklint.rules`` and resolves what users type to rules.

A selector is a code (``DK101``), a code prefix (``DK1``, ``DK``), a slug
(``missing-ca-bundle``), a peer's name carried as an alias (``DL3008``,
``StageNameCasing``), a tag (``runtime``), ``ALL``, ``default`` (the rules on by default) or
``hadolint`` (the rules doing what hadolint checks by default: those with a DL alias, but for
the two hadolint itself leaves off). Codes, prefixes and aliases match case-insensitively.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from functools import lru_cache

from .rule import Rule

__all__ = ["all_rules", "get", "resolve", "subcode_owner", "UnknownRule"]


# hadolint's rules that are off unless a configuration gives them a severity
HADOLINT_OFF = frozenset({"DL1001", "DL3057"})


class UnknownRule(ValueError):
    """A selector that names no rule."""


@lru_cache(maxsize=1)
def all_rules() -> tuple[Rule, ...]:
    """Every rule, sorted by code."""
    from . import rules as package

    found: dict[str, Rule] = {}
    for info in pkgutil.iter_modules(package.__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        for value in vars(module).values():
            meta = getattr(value, "__docklint_rule__", None)
            if isinstance(meta, Rule):
                if meta.code in found and found[meta.code].check is not meta.check:
                    raise RuntimeError(f"two rules use the code {meta.code}")
                found[meta.code] = meta
    return tuple(sorted(found.values(), key=lambda r: r.code))


@lru_cache(maxsize=1)
def _index() -> dict[str, tuple[Rule, ...]]:
    index: dict[str, list[Rule]] = {}
    for r in all_rules():
        for key in (r.code, r.slug, *r.aliases):
            index.setdefault(key.lower(), [])
            if r not in index[key.lower()]:
                index[key.lower()].append(r)
    return {k: tuple(v) for k, v in index.items()}


def get(name: str) -> Rule:
    """The one rule a code, slug or alias names."""
    rules = resolve(name)
    if len(rules) != 1:
        raise UnknownRule(f"{name!r} names {len(rules)} rules")
    return rules[0]


def resolve(selector: str) -> list[Rule]:
    """The rules a selector names; raises :class:`UnknownRule` when it names none."""
    key = selector.strip().lower()
    if not key:
        raise UnknownRule("empty rule selector")
    if key == "all":
        return list(all_rules())
    if key == "default":
        return [r for r in all_rules() if r.default_enabled]
    if key == "hadolint":
        return [r for r in all_rules()
                if any(re.fullmatch(r"DL\d{4}", a) and a not in HADOLINT_OFF for a in r.aliases)]
    exact = _index().get(key)
    if exact:
        return list(exact)
    if key.startswith("dk") and key[2:].isdigit():
        prefixed = [r for r in all_rules() if r.code.lower().startswith(key)]
        if prefixed:
            return prefixed
    if key == "dk":
        return list(all_rules())
    tagged = [r for r in all_rules() if key in r.tags]
    if tagged:
        return tagged
    owner = subcode_owner(selector)
    if owner is not None:
        return [owner]
    raise UnknownRule(f"unknown rule {selector!r}" + _hint(key))


def subcode_owner(code: str) -> Rule | None:
    """The rule that reports ``code`` as one of its sub-codes (``SC2086`` -> the ShellCheck
    rule), if any."""
    code = code.strip()
    for r in all_rules():
        if r.owns_subcode(code):
            return r
    return None


def _hint(key: str) -> str:
    import difflib
    match = difflib.get_close_matches(key, list(_index()), n=1, cutoff=0.7)
    if match:
        return f" (did you mean {_index()[match[0]][0].code} {_index()[match[0]][0].slug}?)"
    return " (see `docklint rules`)"
