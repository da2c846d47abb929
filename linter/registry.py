"""Knows every rule in ``docklint.rules`` and resolves what users type to rules.

The rules come from the rule index, ``docklint.rules._index`` (generated from the rules'
``@rule(...)`` declarations by ``python -m docklint.registry --write-index``): listing,
selecting and configuring rules imports no rule module; a rule's module is imported when its
``check`` or ``docs`` is first used. The engine runs (and so imports) only the rules a file can
trigger (:func:`may_fire`: a rule's :attr:`~docklint.rule.Rule.triggers`,
:attr:`~docklint.rule.Rule.words` and :attr:`~docklint.rule.Rule.needs`).

A selector is a code (``DK101``), a code prefix (``DK1``, ``DK``), a slug
(``missing-ca-bundle``), a peer's name carried as an alias (``DL3008``,
``StageNameCasing``), a tag (``runtime``), ``ALL``, ``default`` (the rules on by default) or
``hadolint`` (the rules doing what hadolint checks by default: those with a DL alias, but for
the two hadolint itself leaves off). Codes, prefixes and aliases match case-insensitively.
"""

from __future__ import annotations

import sys
from functools import cached_property, lru_cache
TYPE_CHECKING = False   # typing.TYPE_CHECKING without importing typing (3 ms of each start)
if TYPE_CHECKING:
    from typing import Any, Iterable

from .rule import Option, Rule, Severity

__all__ = ["all_rules", "get", "resolve", "subcode_owner", "UnknownRule", "scan_rules",
           "may_fire", "has_feature", "keywords_of", "text_of", "switched_off", "index_source"]


# hadolint's rules that are off unless a configuration gives them a severity
HADOLINT_OFF = frozenset({"DL1001", "DL3057"})

INDEX_MODULE = "_index"         # docklint.rules._index, written by `--write-index`
# whether the engine skips the rules whose triggers a file lacks (tests turn it off to show
# that doing so changes no finding)
TRIGGER_FILTER = True


class UnknownRule(ValueError):
    """A selector that names no rule."""


@lru_cache(maxsize=1)
def all_rules() -> tuple[Rule, ...]:
    """Every rule, sorted by code, as the rule index (``docklint.rules._index``) describes it:
    no rule module is imported until its rule's ``check`` or ``docs`` is first used."""
    from .rules import _index
    return tuple(_IndexedRule.of(entry) for entry in _index.RULES)


def scan_rules() -> tuple[Rule, ...]:
    """Every rule, sorted by code, found by importing every module of ``docklint.rules``:
    what the index is generated from (and checked against)."""
    import importlib
    import pkgutil

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


# ---------------------------------------------------------------- the rule index

# an option's type as the index writes it
_TYPES: dict[str, type] = {t.__name__: t for t in (bool, int, float, str, list, tuple, dict,
                                                    type(None))}


_NONE: frozenset[str] = frozenset()


class _IndexedRule(Rule):
    """A rule as the index describes it. Its ``check`` and ``docs`` are not in the index: the
    first use of either imports the rule's module and takes them from the rule declared
    there (``summary`` is in the index, so that ``docklint rules`` imports nothing)."""

    @classmethod
    def of(cls, entry: dict) -> "_IndexedRule":
        self = cls.__new__(cls)
        fields = self.__dict__          # a Rule is a frozen record with a __dict__
        fields.update(entry)
        fields["_summary"] = fields.pop("summary")
        fields["severity"] = Severity.__members__[entry["severity"]]
        for name in ("tags", "triggers", "words", "needs"):
            fields[name] = frozenset(entry[name]) if entry[name] else _NONE
        fields["options"] = {name: Option(default, help, _option_type(kind))
                             for name, default, help, kind in entry["options"]}
        return self

    def __getattr__(self, name: str) -> Any:
        # only called for what the instance lacks: `check` and `docs` until they are loaded
        if name not in ("check", "docs"):
            raise AttributeError(name)
        declared = _declared(self.__dict__.get("module", ""), self.__dict__.get("code", ""))
        object.__setattr__(self, "check", declared.check)
        object.__setattr__(self, "docs", declared.docs)
        return getattr(declared, name)

    @property
    def summary(self) -> str:
        return self.__dict__.get("_summary") or super().summary

    def __repr__(self) -> str:
        return f"<rule {self.code} {self.slug}>"


def _option_type(kind: str | tuple[str, ...] | None) -> type | tuple[type, ...] | None:
    if kind is None:
        return None
    if isinstance(kind, tuple):
        return tuple(_TYPES[k] for k in kind)
    return _TYPES[kind]


def _declared(module_name: str, code: str) -> Rule:
    """The rule ``code`` as its module declares it (the module imported now)."""
    # the import statement's machinery: importlib.import_module would import the importlib
    # package (and warnings) on every lint, for the same result
    __import__(module_name)
    module = sys.modules[module_name]
    for value in vars(module).values():
        meta = getattr(value, "__docklint_rule__", None)
        if isinstance(meta, Rule) and meta.code == code:
            return meta
    raise RuntimeError(f"rule {code} is not declared in {module_name}: the rule index is stale "
                       "(regenerate it: python -m docklint.registry --write-index)")


_INDEXED = ("code", "slug", "module", "severity", "default_enabled", "status", "aliases",
            "tags", "fixable", "options", "subcodes", "group", "group_message", "triggers",
            "words", "needs", "off_unless", "summary")


def _entry(r: Rule) -> dict:
    """What the index holds of a rule: plain literals, in a fixed order."""
    options = []
    for name, opt in r.options.items():
        kind = opt.type
        if isinstance(kind, tuple):
            kind = tuple(t.__name__ for t in kind)
        elif kind is not None:
            kind = kind.__name__
        options.append((name, opt.default, opt.help, kind))
    values = {"code": r.code, "slug": r.slug, "module": r.module, "severity": r.severity.name,
              "default_enabled": r.default_enabled, "status": r.status,
              "aliases": tuple(r.aliases), "tags": tuple(sorted(r.tags)),
              "fixable": r.fixable, "options": tuple(options), "subcodes": r.subcodes,
              "group": r.group, "group_message": r.group_message,
              "triggers": tuple(sorted(r.triggers)), "words": tuple(sorted(r.words)),
              "needs": tuple(sorted(r.needs)), "off_unless": r.off_unless, "summary": r.summary}
    return {k: values[k] for k in _INDEXED}


def index_source(rules: Iterable[Rule] | None = None) -> str:
    """The text of ``rules/_index.py`` for ``rules`` (default: :func:`scan_rules`)."""
    import ast
    rules = scan_rules() if rules is None else tuple(rules)
    out = ['"""The rule index: each rule\'s metadata, so that listing, selecting and configuring',
           'rules imports no rule module (docklint.registry imports a rule\'s module when its',
           'check or docs are first needed).',
           '',
           'GENERATED by `python -m docklint.registry --write-index` from the rules\' @rule(...)',
           'declarations: do not edit; tests/test_rule_index.py fails when it is stale.',
           '"""',
           '',
           'RULES = (']
    for r in rules:
        out.append("    {")
        for key, value in _entry(r).items():
            text = repr(value)
            if ast.literal_eval(text) != value:
                raise ValueError(f"{r.code}: {key} {text} cannot be written in the index")
            out.append(f"        {key!r}: {text},")
        out.append("    },")
    out.append(")")
    return "\n".join(out) + "\n"


def index_path() -> str:
    """Where the index module is (the source tree of ``docklint.rules``)."""
    import os

    from . import rules as package
    return os.path.join(list(package.__path__)[0], INDEX_MODULE + ".py")


# ---------------------------------------------------------------- what a file can trigger

def keywords_of(df: Any) -> frozenset[str]:
    """The instruction keywords of a Dockerfile, an ONBUILD trigger's own keyword included."""
    found = set()
    for ins in df.instructions:
        found.add(ins.keyword)
        sub, depth = ins.sub, 0
        while sub is not None and depth < 8:
            found.add(sub.keyword)
            sub, depth = sub.sub, depth + 1
    return frozenset(found)


# quotes, backslashes and backticks: taken out of the text a rule's words are looked for in
_UNQUOTED = str.maketrans("", "", "'\"\\`")


def text_of(df: Any) -> str:
    """The text a rule's :attr:`~docklint.rule.Rule.words` are looked for in: every
    instruction's logical line (continuations joined), its here-documents' bodies (their
    continuations joined too), the words of exec forms as JSON decodes them, and the values
    of the build's ``--build-arg``s; lower-cased, with quotes, backslashes and backticks
    taken out, so that ``'apt'-get``, ``ap\\t-get`` and ``"apt-get"`` all read ``apt-get``.
    A command whose name only a variable holds (``$INSTALLER install``) matches through the
    ARG or ENV that sets it, which is part of the text. Worked out once per file."""
    derived = getattr(df, "_derived", None)
    if derived is not None and "trigger_text" in derived:
        return derived["trigger_text"]
    parts: list[str] = []
    for ins in df.instructions:
        depth = 0
        while ins is not None and depth < 8:
            parts.append(ins.original)
            parts.extend(h.content.replace("\\\r\n", "").replace("\\\n", "")
                         for h in ins.heredocs)
            if ins.json:
                parts.extend(w.value for w in ins.args)
            ins, depth = ins.sub, depth + 1
    parts.extend(str(v) for v in (getattr(df, "build_args", None) or {}).values())
    text = "\n".join(parts).lower().translate(_UNQUOTED)
    if derived is not None:
        derived["trigger_text"] = text
    return text


def may_fire(r: Rule, keywords: frozenset[str], text: str | None = None,
              df: Any = None) -> bool:
    """Whether rule ``r`` can find anything in a file with these instruction keywords (see
    :attr:`Rule.triggers`), this :func:`text_of` (see :attr:`Rule.words`; None: not judged by
    its words) and, when the Dockerfile ``df`` is given, what :func:`has_feature` says of it
    (see :attr:`Rule.needs`)."""
    if not TRIGGER_FILTER:
        return True
    if r.triggers and r.triggers.isdisjoint(keywords):
        return False
    if r.words and text is not None and not any(w in text for w in r.words):
        return False
    return not r.needs or df is None or any(has_feature(df, n) for n in r.needs)


_COMMANDS = frozenset({"CMD", "ENTRYPOINT", "HEALTHCHECK"})


def _stage_names(df: Any) -> bool:
    return any(len(st.from_.args) > 1 and st.from_.args[1].value.lower() == "as"
               for st in df.stages)


def _consecutive_runs(df: Any) -> bool:
    keywords = [ins.keyword for ins in df.instructions]
    return any(a == b == "RUN" for a, b in zip(keywords, keywords[1:]))


def _repeated_commands(df: Any) -> bool:
    for stage in df.stages:
        found = [ins.keyword for ins in stage.instructions if ins.keyword in _COMMANDS]
        if len(found) != len(set(found)):
            return True
    return False


# how the model tells each of docklint.rule.FEATURES (tests/test_rule_index.py keeps the two in
# step)
_FEATURE_TESTS = {
    "stage-names": _stage_names,
    "several-stages": lambda df: len(df.stages) > 1,
    "empty-continuations": lambda df: any(ins.empty_continuation_lines
                                          for ins in df.instructions),
    "encoding-problems": lambda df: bool(df.encoding_problems),
    "consecutive-runs": _consecutive_runs,
    "repeated-commands": _repeated_commands,
    "shell-form-commands": lambda df: any(ins.keyword in _COMMANDS and not ins.json
                                          for ins in df.instructions),
}


def has_feature(df: Any, name: str) -> bool:
    """Whether the Dockerfile ``df`` has the feature ``name`` (one of
    :data:`docklint.rule.FEATURES`), read from its model once per file."""
    test = _FEATURE_TESTS.get(name)
    if test is None:
        raise ValueError(f"unknown feature {name!r}")
    derived = getattr(df, "_derived", None)
    if derived is None:
        return test(df)
    key = "feature:" + name
    if key not in derived:
        derived[key] = test(df)
    return derived[key]


def switched_off(r: Rule, options: dict[str, Any]) -> bool:
    """Whether rule ``r`` is off with these options: the one that turns it on
    (:attr:`Rule.off_unless`) is empty."""
    return TRIGGER_FILTER and bool(r.off_unless) and not options.get(r.off_unless)


class _Index(dict):
    """Lower-cased code, slug or alias -> its rules; with the tables that make resolving a
    selector a dictionary look-up (a `select` list of thousands of entries resolves in linear
    time): code prefixes, tags, the named groups (each made when first used: resolving a
    code or an alias, as a hadolint pragma does, needs none of them), and what each selector
    resolved to."""

    def __init__(self, rules: tuple[Rule, ...]):
        index: dict[str, list[Rule]] = {}
        for r in rules:
            for key in (r.code, r.slug, *r.aliases):
                bucket = index.setdefault(key.lower(), [])
                if r not in bucket:
                    bucket.append(r)
        super().__init__((k, tuple(v)) for k, v in index.items())
        self.rules = rules
        self.resolved: dict[str, tuple[Rule, ...]] = {}
        self.owners: dict[str, Rule | None] = {}

    @cached_property
    def prefixes(self) -> dict[str, tuple[Rule, ...]]:
        prefixes: dict[str, list[Rule]] = {}
        for r in self.rules:
            code = r.code.lower()
            if code.startswith("dk"):
                for end in range(3, len(code) + 1):
                    if code[2:end].isdigit():
                        prefixes.setdefault(code[:end], []).append(r)
        return {k: tuple(v) for k, v in prefixes.items()}

    @cached_property
    def tags(self) -> dict[str, tuple[Rule, ...]]:
        tags: dict[str, list[Rule]] = {}
        for r in self.rules:
            for tag in r.tags:
                tags.setdefault(tag, []).append(r)
        return {k: tuple(v) for k, v in tags.items()}

    @cached_property
    def groups(self) -> dict[str, tuple[Rule, ...]]:        # the names in _GROUPS
        rules = self.rules
        return {"all": rules, "dk": rules,
                "default": tuple(r for r in rules if r.default_enabled),
                "hadolint": tuple(r for r in rules if any(
                    _hadolint_code(a) and a not in HADOLINT_OFF for a in r.aliases))}

    @cached_property
    def subcode_rules(self) -> tuple[Rule, ...]:
        return tuple(r for r in self.rules if r.subcodes)


_GROUPS = frozenset({"all", "dk", "default", "hadolint"})


def _hadolint_code(alias: str) -> bool:
    """Whether ``alias`` is a hadolint code: DL and four digits."""
    digits = alias[2:]
    return len(alias) == 6 and alias.startswith("DL") and digits.isascii() and digits.isdigit()


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
    if key in _GROUPS and key != "dk":
        return index.groups[key]
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


def main(argv: list[str] | None = None) -> int:
    """``python -m docklint.registry --write-index`` (re)writes the rule index; ``--check``
    exits 1 when it is stale."""
    import argparse
    parser = argparse.ArgumentParser(prog="python -m docklint.registry")
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--write-index", action="store_true", help="write rules/_index.py")
    group.add_argument("--check-index", action="store_true", help="exit 1 if it is stale")
    args = parser.parse_args(argv)
    path = index_path()
    text = index_source()
    from .reading import ReadError, read_regular
    try:
        current: str | None = read_regular(path, 16 * 1024 * 1024).decode("utf-8")
    except (ReadError, UnicodeDecodeError):
        current = None
    if args.check_index:
        if current != text:
            print(f"{path} is stale: run python -m docklint.registry --write-index",
                  file=sys.stderr)
            return 1
        return 0
    if current != text:
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(text)
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
