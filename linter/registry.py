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


class _Index(dict):
    """Lower-cased code, slug or alias -> its rules; with the tables that make resolving a
    selector a dictionary look-up (a `select` list of thousands of entries resolves in linear
    time): code prefixes, tags, the named groups, and what each selector resolved to."""

    def __init__(self, rules: tuple[Rule, ...]):
        index: dict[str, list[Rule]] = {}
        prefixes: dict[str, list[Rule]] = {}
        tags: dict[str, list[Rule]] = {}
        for r in rules:
            for key in (r.code, r.slug, *r.aliases):
                bucket = index.setdefault(key.lower(), [])
                if r not in bucket:
                    bucket.append(r)
            code = r.code.lower()
            if code.startswith("dk"):
                for end in range(3, len(code) + 1):
                    if code[2:end].isdigit():
                        prefixes.setdefault(code[:end], []).append(r)
            for tag in r.tags:
                tags.setdefault(tag, []).append(r)
        super().__init__((k, tuple(v)) for k, v in index.items())
        self.prefixes = {k: tuple(v) for k, v in prefixes.items()}
        self.tags = {k: tuple(v) for k, v in tags.items()}
        self.groups = {
            "all": rules, "dk": rules,
            "default": tuple(r for r in rules if r.default_enabled),
            "hadolint": tuple(r for r in rules if any(
                re.fullmatch(r"DL\d{4}", a) and a not in HADOLINT_OFF for a in r.aliases))}
        self.subcode_rules = tuple(r for r in rules if r.subcodes)
        self.resolved: dict[str, tuple[Rule, ...]] = {}
        self.owners: dict[str, Rule | None] = {}


_tables: list = []       # [(the tuple all_rules() gave, its _Index)]


def _index() -> _Index:
    """The tables for the rules :func:`all_rules` gives now (built again when it gives another
    tuple: tests substitute their own rules)."""
    rules = all_rules()
    if not _tables or _tables[0][0] is not rules:
        _tables[:] = [(rules, _Index(rules))]
    return _tables[0][1]


_index.cache_clear = _tables.clear      # type: ignore[attr-defined]


def get(name: str) -> Rule:
    """The one rule a code, slug or alias names."""
    rules = resolve(name)
    if len(rules) != 1:
        raise UnknownRule(f"{name!r} names {len(rules)} rules")
    return rules[0]


def resolve(selector: str) -> list[Rule]:
    """The rules a selector names; raises :class:`UnknownRule` when it names none. Each
    distinct selector is resolved once (then a dictionary look-up)."""
    key = selector.strip().lower()
    if not key:
        raise UnknownRule("empty rule selector")
    index = _index()
    found = index.resolved.get(key)
    if found is None:
        found = _resolve(index, key, selector)
        if len(index.resolved) < 65536:          # a bound, whatever a caller passes
            index.resolved[key] = found
    return list(found)


def _resolve(index: _Index, key: str, selector: str) -> tuple[Rule, ...]:
    group = index.groups.get(key)
    if group is not None and key != "dk":
        return group
    exact = index.get(key)
    if exact:
        return exact
    prefixed = index.prefixes.get(key)
    if prefixed:
        return prefixed
    if key == "dk":
        return index.groups["dk"]
    tagged = index.tags.get(key)
    if tagged:
        return tagged
    owner = subcode_owner(selector)
    if owner is not None:
        return (owner,)
    raise UnknownRule(f"unknown rule {selector!r}" + _hint(key))


def subcode_owner(code: str) -> Rule | None:
    """The rule that reports ``code`` as one of its sub-codes (``SC2086`` -> the ShellCheck
    rule), if any."""
    code = code.strip()
    index = _index()
    key = code.lower()
    if key in index.owners:
        return index.owners[key]
    owner = next((r for r in index.subcode_rules if r.owns_subcode(code)), None)
    if len(index.owners) < 65536:
        index.owners[key] = owner
    return owner


def _hint(key: str) -> str:
    import difflib
    match = difflib.get_close_matches(key, list(_index()), n=1, cutoff=0.7)
    if match:
        return f" (did you mean {_index()[match[0]][0].code} {_index()[match[0]][0].slug}?)"
    return " (see `docklint rules`)"
