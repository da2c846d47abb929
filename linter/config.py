"""Configuration: ``.docklint.yaml`` (or ``.docklint.yml``, or ``[tool.docklint]`` in
``pyproject.toml``), found by walking up from each linted file; ``--config`` overrides.

Every key of docklint's own configuration is validated: an unknown key, a wrong type or an
unknown rule is a :class:`ConfigError` naming the file, the line and the key, never silently
ignored. When no docklint configuration exists, a hadolint one (``.hadolint.yaml``) is read as
hadolint reads it, with its keys mapped, so migrating is a one-line change: there a key hadolint
does not have or a value of the wrong type is a warning (:attr:`Config.notes`, naming the file,
the line and the key) and is left out, never an error; only a file that is not a YAML mapping
is one.
"""

from __future__ import annotations

import os
import re
from docklint.record import record, field
from functools import lru_cache
TYPE_CHECKING = False   # typing.TYPE_CHECKING without importing typing (3 ms of each start)
if TYPE_CHECKING:
    from typing import Any, Callable, Iterable

from .engine import Settings
from .reading import CONFIG_LIMIT
from .rule import Severity

__all__ = ["ConfigError", "Config", "load", "find", "resolve_settings", "PRESETS",
           "CONFIG_NAMES", "hadolint_to_docklint", "dump_yaml"]

CONFIG_NAMES = (".docklint.yaml", ".docklint.yml")
HADOLINT_NAMES = (".hadolint.yaml", ".hadolint.yml")
FAIL_ON = ("error", "warning", "info", "none")


class ConfigError(Exception):
    """A configuration problem: the message names the file, line and key.

    ``redacted`` is the same message without anything quoted from the file (used for files whose
    content must not be shown: ``extends`` targets, symlinks); ``config`` is the configuration
    file at fault, when known (set by :func:`config_for`)."""

    def __init__(self, message: str, *, redacted: str | None = None,
                 config: str | None = None):
        super().__init__(message)
        self.redacted = redacted if redacted is not None else \
            f"{message.split(': ', 1)[0]}: invalid configuration"
        self.config = config


# ---------------------------------------------------------------------------------------------
# the schema

def _str_list(value: Any) -> list[str]:
    if isinstance(value, str):
        return [x.strip() for x in value.split(",") if x.strip()]
    if isinstance(value, list) and all(isinstance(x, str) for x in value):
        return [x.strip() for x in value if x.strip()]
    raise ValueError("expected a list of strings (or a comma-separated string)")


def _str(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError("expected a string")
    return value


def _bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError("expected true or false")
    return value


def _int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValueError("expected a positive integer")
    return value


def _str_map(value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        raise ValueError("expected a mapping")
    out = {}
    for k, v in value.items():
        if not isinstance(k, str) or isinstance(v, (dict, list)) or v is None:
            raise ValueError(f"expected string values (key {k!r})")
        out[k] = str(v).lower() if isinstance(v, bool) else str(v)
    return out


def _fail_on(value: Any) -> str:
    value = _str(value).lower()
    if value == "style":
        value = "info"
    if value not in FAIL_ON:
        raise ValueError(f"expected one of {', '.join(FAIL_ON)}")
    return value


def _severity_map(value: Any) -> dict[str, str]:
    out = _str_map(value)
    for key, sev in out.items():
        try:
            Severity.parse(sev)
        except ValueError as exc:
            raise ValueError(f"{key}: {exc}") from None
    return out


def _rules_map(value: Any) -> dict[str, dict[str, Any]]:
    if not isinstance(value, dict) or not all(isinstance(v, dict) for v in value.values()):
        raise ValueError("expected a mapping of rule -> {option: value}")
    return {str(k): dict(v) for k, v in value.items()}


def _ignores_map(value: Any) -> dict[str, list[str]]:
    if not isinstance(value, dict):
        raise ValueError("expected a mapping of glob -> rules")
    return {str(k): _str_list(v) for k, v in value.items()}


def _images(value: Any, path: str, lines: dict) -> dict[str, Any]:
    """``images:``: pattern -> facts of a base image (docklint.imagedecl), each entry checked
    on its own and remembered with the file and line it was written at."""
    from .imagedecl import Declared, validate_entry, validate_pattern
    if path and os.path.isabs(path):        # messages name the file as the user would
        rel = os.path.relpath(path)
        path = path if rel.startswith("..") else rel
    if not isinstance(value, dict):
        raise ValueError("expected a mapping of image patterns to facts")
    from .imagedecl import MAX_IMAGES
    if len(value) > MAX_IMAGES:
        raise _ImageError(lines.get("images", 1), f"more than {MAX_IMAGES} images: refused")
    out: dict[str, Any] = {}
    for pattern, entry in value.items():
        line = lines.get(("images", str(pattern)), lines.get("images", 1))
        try:
            pattern = validate_pattern(pattern)
            out[pattern] = Declared(pattern, validate_entry(entry), f"{path}:{line}")
        except ValueError as exc:
            raise _ImageError(line, f"{pattern!r}: {exc}") from None
    return out


class _ImageError(ValueError):
    """A bad ``images:`` entry, at its own line."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line


def _extends(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else _str_list(value)


SCHEMA: dict[str, Callable[[Any], Any]] = {
    "extends": _extends,
    "select": _str_list,
    "ignore": _str_list,
    "severity": _severity_map,
    "rules": _rules_map,
    "per-file-ignores": _ignores_map,
    "exclude": _str_list,
    "build-args": _str_map,
    "target": _str,
    "context": _str,
    "fail-on": _fail_on,
    "allow-pragmas": _bool,
    "preview": _bool,
    "trusted-registries": _str_list,
    "label-schema": _str_map,
    "strict-labels": _bool,
    "shellcheck": _bool,
    "max-file-size": _int,
    "images": lambda value: _images(value, "", {}),     # with its lines: see _validate
}

# top-level keys that are really options of a rule: key -> (rule code, option name)
RULE_OPTION_KEYS = {
    "trusted-registries": ("DK306", "trusted-registries"),
    "label-schema": (None, "label-schema"),
    "strict-labels": (None, "strict-labels"),
}

PRESETS: dict[str, dict[str, Any]] = {
    # the rules that are on by default, failing on warnings
    "recommended": {},
    # every rule (preview ones too), failing on anything
    "strict": {"select": ["ALL"], "preview": True, "fail-on": "info"},
}


@record
class Config:
    """Validated settings from one file (and what it extends)."""

    path: str | None
    values: dict[str, Any] = field(default_factory=dict)
    origin: dict[str, str] = field(default_factory=dict)   # key -> "file:line"
    kind: str = "docklint"                                 # or "hadolint", "preset"
    notes: list[str] = field(default_factory=list)         # things worth telling the user

    @property
    def directory(self) -> str:
        return os.path.dirname(os.path.abspath(self.path)) if self.path else os.getcwd()


# ---------------------------------------------------------------------------------------------
# reading files
#
# A configuration file comes from the repository being linted, which a pull request controls, so
# reading one is bounded like any other read:
#
# - it is read through :func:`docklint.reading.read_regular`: a regular file (symlinks followed)
#   of at most ``CONFIG_LIMIT`` bytes; a FIFO, a device or a directory is refused unread;
# - YAML aliases are allowed (a shared list of known variables is a fair use, and hadolint files
#   use them), but what a file holds is measured *as if every alias were expanded* before
#   anything is built from it: at most ``MAX_VALUES`` values (scalars, lists and mappings, an
#   alias counted each time it is used), ``MAX_TEXT`` characters of text, ``MAX_ENTRIES``
#   entries in one list or mapping and ``MAX_DEPTH`` levels of nesting. A "billion laughs" file
#   is refused after ``MAX_VALUES`` steps; nothing past the budget is built;
# - a file too deeply nested for the YAML or TOML parser is "nested too deeply", not a crash;
# - every message names the file and, when known, the line (and column), never a snippet of the
#   text;
# - the content of a file reached through ``extends`` or through a symlink is never quoted
#   (``extends: /etc/shadow`` must not print a password hash): its messages keep the file, line
#   and what is wrong, and drop the quoted key, value or rule name.

#: values in one configuration file, an alias counted each time it is used
MAX_VALUES = 100_000
#: characters of text (keys and strings) in one configuration file, aliases expanded
MAX_TEXT = 1024 * 1024
#: entries in one list or mapping (a `select` list, `known-vars`...)
MAX_ENTRIES = 10_000
#: levels of nesting (the deepest docklint setting is 4: rules -> DK209 -> known-vars -> item)
MAX_DEPTH = 32

_NOT_SHOWN = {"extends": "not shown: the file is an extends target",
              "symlink": "not shown: the file is reached through a symlink"}


def _fail(where: str, detail: str, generic: str | None = None) -> ConfigError:
    """A ConfigError ``WHERE: DETAIL``, whose content-free form is ``WHERE: GENERIC`` (the same
    when ``generic`` is None: the detail quotes nothing from the file)."""
    return ConfigError(f"{where}: {detail}",
                       redacted=f"{where}: {detail if generic is None else generic}")


def _too_deep(path: str) -> ConfigError:
    return _fail(path, f"configuration nested too deeply (more than {MAX_DEPTH} levels)")


class _Budget:
    """Counts what a configuration holds as if its aliases were expanded; raises a ConfigError
    naming the file, the line and the top-level key as soon as a limit is passed."""

    def __init__(self, path: str):
        self.path = path
        self.values = 0
        self.text = 0

    def walk(self, root: Any, children: Callable[[Any], tuple[list, int] | None],
             text_of: Callable[[Any], int], line_of: Callable[[Any], int | None]) -> None:
        """Visit ``root`` and everything below it, iteratively. ``children(x)`` is (the nodes
        under x, its number of entries) for a list or mapping, None for a scalar."""
        stack: list[tuple[Any, int, str | None, int | None]] = [(root, 0, None, None)]
        while stack:
            node, depth, key, line = stack.pop()
            self.values += 1
            if depth > MAX_DEPTH:
                raise _too_deep(self.path)
            if self.values > MAX_VALUES:
                raise self._over(key, line, f"more than {MAX_VALUES} values (each use of a "
                                            "YAML alias counts)")
            self.text += text_of(node)
            if self.text > MAX_TEXT:
                raise self._over(key, line, f"more than {MAX_TEXT} characters of text (each "
                                            "use of a YAML alias counts)")
            sub = children(node)
            if sub is None:
                continue
            items, entries = sub
            if entries > MAX_ENTRIES:
                raise self._over(key, line, f"{entries} entries in one list or mapping, over "
                                            f"the {MAX_ENTRIES}-entry limit")
            if depth == 0 and isinstance(items, list) and items and isinstance(items[0], tuple):
                # a top-level mapping: remember each value's key, for the messages
                for k, v in reversed(items):
                    name = _top_key(k)
                    stack.append((v, 1, name, line_of(k)))
                    stack.append((k, 1, name, line_of(k)))
                continue
            for item in reversed(items):
                if isinstance(item, tuple):
                    stack.append((item[1], depth + 1, key, line))
                    stack.append((item[0], depth + 1, key, line))
                else:
                    stack.append((item, depth + 1, key, line))

    def _over(self, key: str | None, line: int | None, what: str) -> ConfigError:
        where = f"{self.path}:{line}" if line else self.path
        if key is None:
            return _fail(where, f"configuration too large: {what}")
        shown = key if key in SCHEMA or key in _HADOLINT_KEYS else None
        return _fail(where, f"{key}: {what}", f"{shown}: {what}" if shown else
                     f"configuration too large: {what}")


def _top_key(k: Any) -> str | None:
    value = getattr(k, "value", k)
    return value if isinstance(value, str) else None


def _yaml_children(node: Any):
    import yaml
    if isinstance(node, yaml.MappingNode):
        return list(node.value), len(node.value)
    if isinstance(node, yaml.SequenceNode):
        return list(node.value), len(node.value)
    return None


def _yaml_with_lines(path: str, text: str) -> tuple[Any, dict[Any, int]]:
    """Parse YAML, returning the data and the line of each top-level key (and, keyed
    ``(key, sub-key)``, of each key of a mapping under a top-level key).

    The document is composed into nodes first (aliases are shared nodes, so this is linear in
    the text), measured against the budget with every alias expanded, and only then built."""
    import yaml

    try:
        loader = yaml.SafeLoader(text)       # checks that every character may be in YAML
    except yaml.YAMLError as exc:
        raise _yaml_error(path, text, exc) from None
    try:
        try:
            node = loader.get_single_node()
            if node is not None:
                _Budget(path).walk(
                    node, _yaml_children,
                    lambda n: len(n.value) if isinstance(n, yaml.ScalarNode) else 0,
                    lambda n: n.start_mark.line + 1)
            data = loader.construct_document(node) if node is not None else None
        except yaml.YAMLError as exc:
            raise _yaml_error(path, text, exc) from None
        except RecursionError:
            raise _too_deep(path) from None
    finally:
        loader.dispose()
    lines: dict[Any, int] = {}
    if node is not None and isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            lines[str(key_node.value)] = key_node.start_mark.line + 1
            if isinstance(value_node, yaml.MappingNode):
                # (key, sub-key) -> line, for the messages about nested keys
                for sub_node, _ in value_node.value:
                    lines[(str(key_node.value), str(sub_node.value))] = \
                        sub_node.start_mark.line + 1
    return data, lines


def _yaml_error(path: str, text: str, exc: Exception) -> ConfigError:
    """``FILE:LINE:COLUMN: invalid YAML: PROBLEM``: the parser's description of the problem,
    never its snippet of the text (the first line of an extends target could be a secret)."""
    import yaml
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None)
    context = getattr(exc, "context", None)
    context_mark = getattr(exc, "context_mark", None)
    if isinstance(exc, yaml.reader.ReaderError):
        line = text.count("\n", 0, exc.position) + 1
        column = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        where = f"{path}:{line}:{column}"
        return _fail(where, f"invalid YAML: {exc.reason} (character #x{exc.character:04x})"
                     if isinstance(exc.character, int) else f"invalid YAML: {exc.reason}",
                     f"invalid YAML: {exc.reason}")
    if mark is None:
        mark = context_mark
    where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark is not None else path
    if problem == "second occurrence" and context and context_mark is not None:
        # ComposerError: context "found duplicate anchor 'x'; first occurrence"
        anchor = context.split(";")[0]
        return _fail(where, f"invalid YAML: {anchor} (first defined at line "
                            f"{context_mark.line + 1})",
                     f"invalid YAML: duplicate anchor (first defined at line "
                     f"{context_mark.line + 1})")
    detail = f"{context}, {problem}" if context and problem else \
        problem or context or "cannot be parsed"
    return _fail(where, f"invalid YAML: {detail}", "invalid YAML")


def _toml_children(value: Any):
    if isinstance(value, dict):
        return list(value.items()), len(value)
    if isinstance(value, list):
        return list(value), len(value)
    return None


def _toml_table(path: str, text: str) -> tuple[Any, dict[str, int]]:
    try:
        import tomllib  # type: ignore[import-not-found]
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise _toml_error(path, text, exc) from None
    except RecursionError:
        raise _too_deep(path) from None
    table = data.get("tool", {}).get("docklint")
    lines: dict[str, int] = {}
    if isinstance(table, dict):
        in_table = False
        for n, line in enumerate(text.splitlines(), 1):
            stripped = line.strip()
            if stripped.startswith("["):
                in_table = stripped.startswith("[tool.docklint")
                # [tool.docklint.images."PATTERN"]: the line of an `images:` entry
                m = re.match(r'^\[tool\.docklint\.images(?:\.(?:"((?:[^"\\]|\\.)*)"|'
                             r"'([^']*)'|([A-Za-z0-9_-]+)))?\s*\]", stripped)
                if m:
                    lines.setdefault("images", n)
                    pattern = m.group(1) or m.group(2) or m.group(3)
                    if pattern:
                        lines.setdefault(("images", pattern), n)   # type: ignore[index]
                continue
            if in_table:
                m = re.match(r'^\s*"?([A-Za-z0-9_-]+)"?\s*=', line)
                if m and m.group(1) in table and m.group(1) not in lines:
                    lines[m.group(1)] = n
        _Budget(path).walk(table, _toml_children,
                           lambda v: len(v) if isinstance(v, str) else 0,
                           lambda k: lines.get(k) if isinstance(k, str) else None)
    return table, lines


def _toml_error(path: str, text: str, exc: Exception) -> ConfigError:
    """``FILE:LINE:COLUMN: invalid TOML: PROBLEM``."""
    message = str(exc)
    m = re.fullmatch(r"(.*) \(at line (\d+), column (\d+)\)", message, re.S)
    if m:
        problem, where = m.group(1), f"{path}:{m.group(2)}:{m.group(3)}"
    elif message.endswith(" (at end of document)"):
        problem = message[: -len(" (at end of document)")]
        column = len(text) - (text.rfind("\n") + 1) + 1
        where = f"{path}:{text.count(chr(10)) + 1}:{column}"
    else:
        problem, where = message, path
    return _fail(where, f"invalid TOML: {problem}", "invalid TOML")


class ConfigReadError(ConfigError):
    """The configuration file could not be read (missing, not a regular file, too big); the
    message names the file and the problem, nothing of its content."""


def _read(path: str) -> str:
    from .reading import ReadError, read_regular
    try:
        data = read_regular(path, CONFIG_LIMIT, what="configuration file")
    except ReadError as exc:
        raise ConfigReadError(exc.message, redacted=exc.message) from None  # names only
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise _fail(f"{path}:{line}", "not UTF-8 text") from None


def _quotable(path: str, via_extends: bool) -> str | None:
    """None when messages may quote the file; else why not ("extends", "symlink")."""
    if via_extends:
        return "extends"
    return "symlink" if os.path.islink(path) else None


def load(path: str, _seen: tuple[str, ...] = (), *, _via_extends: bool = False) -> Config:
    """Read and validate one configuration file, following ``extends``."""
    path = os.path.abspath(path)
    hidden = _quotable(path, _via_extends)
    try:
        return _load(path, _seen, hidden)
    except ConfigError as exc:
        if hidden is None or exc.redacted == str(exc):
            raise
        raise ConfigError(f"{exc.redacted} ({_NOT_SHOWN[hidden]})",
                          redacted=f"{exc.redacted} ({_NOT_SHOWN[hidden]})") from None


def _load(path: str, _seen: tuple[str, ...], hidden: str | None) -> Config:
    if path in _seen:
        raise _fail(path, f"extends itself (through {' -> '.join(_seen)})", "extends itself")
    text = _read(path)
    name = os.path.basename(path)
    if name == "pyproject.toml":
        data, lines = _toml_table(path, text)
        if data is None:
            raise _fail(path, "has no [tool.docklint] table")
    else:
        data, lines = _yaml_with_lines(path, text)
    if name in HADOLINT_NAMES or name == "hadolint.yaml":
        return _from_hadolint(path, data, lines, quoted=hidden is None)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise _fail(f"{path}:1", "the configuration must be a mapping of keys to values, "
                                 f"not a {type(data).__name__}")
    config = _validate(path, data, lines)
    parents = config.values.pop("extends", [])
    merged = Config(path, kind="docklint")
    for parent in parents:
        base = _load_extends(config, parent, (*_seen, path))
        _merge(merged, base)
    _merge(merged, config)
    return merged


def _load_extends(config: Config, ref: str, seen: tuple[str, ...]) -> Config:
    if ref in PRESETS:
        return Config(None, dict(PRESETS[ref]), {k: f"preset {ref}" for k in PRESETS[ref]},
                      "preset")
    where = config.origin.get("extends", config.path or "")
    target = ref if os.path.isabs(ref) else os.path.join(config.directory, ref)
    if not os.path.lexists(target):
        presets = ", ".join(PRESETS)
        raise _fail(where, f"extends {ref!r}: no such file and no such preset "
                           f"(presets: {presets})", "extends: no such file and no such preset")
    try:
        return load(target, seen, _via_extends=True)
    except ConfigReadError as exc:
        # "/etc: is a directory", "/dev/zero: not a regular file (a device)"
        raise _fail(where, f"extends {ref!r}: {exc}", "extends: cannot be read") from None
    except ConfigError as exc:
        # what is wrong in the target is said by its own messages, which quote nothing of it
        # (the target is loaded as one whose content is not shown); the file that extends it is
        # named as well
        message = f"{exc} (extended from {where})"
        raise ConfigError(message, redacted=message) from None


def _validate(path: str, data: dict, lines: dict[str, int]) -> Config:
    from .registry import UnknownRule, resolve

    config = Config(path)
    for key, value in data.items():
        where = f"{path}:{lines.get(str(key), 1)}"
        if key not in SCHEMA:
            import difflib
            hint = difflib.get_close_matches(str(key), list(SCHEMA), n=1)
            extra = f" (did you mean {hint[0]!r}?)" if hint else \
                f" (known keys: {', '.join(sorted(SCHEMA))})"
            raise _fail(where, f"unknown key {key!r}{extra}", "unknown key")
        try:
            # `images:` entries are checked each at its own line
            value = _images(value, path, lines) if key == "images" else SCHEMA[key](value)
        except _ImageError as exc:
            raise _fail(f"{path}:{exc.line}", f"images: {exc}", "images: invalid entry") \
                from None
        except ValueError as exc:
            raise _fail(where, f"{key}: {exc}", f"{key}: invalid value") from None
        # every rule named must exist
        names: Iterable[str] = ()
        if key in ("select", "ignore"):
            value = list(dict.fromkeys(value))      # a repeated selector adds nothing
            names = value
        elif key in ("severity", "rules"):
            names = value.keys()
        elif key == "per-file-ignores":
            names = [c for codes in value.values() for c in codes]
        for name in names:
            try:
                resolve(name)
            except UnknownRule as exc:
                raise _fail(where, f"{key}: {exc}", f"{key}: unknown rule") from None
        if key == "rules":
            value = _validate_rule_options(where, value)
        config.values[key] = value
        config.origin[key] = where
    return config


def _validate_rule_options(where: str, value: dict[str, dict]) -> dict[str, dict]:
    from .registry import get, UnknownRule
    out: dict[str, dict] = {}
    for name, options in value.items():
        try:
            rule = get(name)
        except UnknownRule as exc:
            raise _fail(where, f"rules: {exc}", "rules: unknown rule") from None
        for opt, val in options.items():
            if opt not in rule.options:
                known = ", ".join(rule.options) or "none"
                raise _fail(where, f"rules: {rule.code} has no option {opt!r} "
                                   f"(options: {known})", f"rules: {rule.code}: unknown option")
            try:
                rule.options[opt].validate(val)
                if isinstance(val, list) and not all(isinstance(x, str) for x in val):
                    raise ValueError("expected a list of strings")
            except ValueError as exc:
                raise _fail(where, f"rules: {rule.code}.{opt}: {exc}",
                            f"rules: {rule.code}.{opt}: invalid value") from None
        out.setdefault(rule.code, {}).update(options)
    return out


def _merge(into: Config, other: Config) -> None:
    """Later settings override earlier ones; mappings are merged key by key."""
    for key, value in other.values.items():
        if isinstance(value, dict) and isinstance(into.values.get(key), dict):
            merged = dict(into.values[key])
            for k, v in value.items():
                if isinstance(v, dict) and isinstance(merged.get(k), dict):
                    merged[k] = {**merged[k], **v}
                else:
                    merged[k] = v
            into.values[key] = merged
        else:
            into.values[key] = value
        into.origin[key] = other.origin.get(key, other.path or "")
    if other.kind != "preset":
        into.path = other.path or into.path


# ---------------------------------------------------------------------------------------------
# hadolint migration
#
# A hadolint file is read as hadolint reads it: its keys as hadolint spells them, mapped to
# docklint's. hadolint ignores a key it does not know, so docklint does too, with a warning naming
# the file, the line and the key; a value of the wrong type is a warning and the key is left out.
# Nothing in a hadolint file that parses as a YAML mapping stops a run (docklint's own
# configuration stays strict). A file that is not YAML, or not a mapping, cannot be read at all:
# that is a configuration error (exit 2, the files under it not linted), as hadolint refuses it.

#: hadolint's configuration keys (hadolint 2.x ``Hadolint.Config.Configfile``)
_HADOLINT_KEYS = ("no-fail", "no-color", "verbose", "format", "ignored", "override",
                  "trustedRegistries", "label-schema", "strict-labels",
                  "disable-ignore-pragma", "failure-threshold")
#: the severities ``override`` takes, and what each is in docklint; ``ignore``/``none`` (not
#: hadolint's) are read as ``ignored``
_HADOLINT_OVERRIDE = {"error": "error", "warning": "warning", "info": "info", "style": "info",
                      "ignore": None, "none": None}
_HADOLINT_THRESHOLDS = {"error": "error", "warning": "warning", "info": "info", "style": "info",
                        "ignore": "none", "none": "none"}
_HADOLINT_FORMATS = ("tty", "json", "checkstyle", "codeclimate", "gitlab_codeclimate", "gnu",
                     "codacy", "sonarqube", "sarif")


def _hadolint_codes(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [x.strip() for x in value.split(",") if x.strip()]
    if isinstance(value, list) and all(isinstance(x, str) for x in value):
        return [x.strip() for x in value if x.strip()]
    raise ValueError("expected a list of rule codes")


def _hadolint_choice(value: Any, choices) -> str:
    if not isinstance(value, str) or value.strip().lower() not in choices:
        raise ValueError(f"expected one of {', '.join(choices)}")
    return value.strip().lower()


def _hadolint_map(data: dict, lines: dict, path: str = "", quoted: bool = True
                  ) -> tuple[dict[str, Any], list[str]]:
    """The docklint settings a hadolint configuration's keys mean, and the warnings about what
    was left out (unknown keys, wrong types). Never raises for what a mapping holds."""
    out: dict[str, Any] = {"select": ["default", "hadolint"],
                           "rules": {"DK440": {"off-by-default": []},
                                     # DL3025 also reports a shell-form HEALTHCHECK CMD
                                     "DK603": {"healthcheck": True}}}
    notes: list[str] = []

    def at(key: Any, sub: Any = None) -> str:
        line = lines.get((str(key), str(sub))) if sub is not None else None
        return f"{path}:{line or lines.get(str(key), 1)}"

    def wrong(key: str, problem: str, sub: Any = None, outcome: str = "ignored") -> None:
        name = key if sub is None else f"{key}.{sub}" if quoted else f"{key}.<key>"
        notes.append(f"{at(key, sub)}: warning: {name}: {problem}; {outcome}")

    ignore: list[str] = []
    severity: dict[str, str] = {}
    for key, value in data.items():
        try:
            if key not in _HADOLINT_KEYS:
                shown = repr(key) if quoted else "(not shown)"
                notes.append(f"{at(key)}: warning: unknown hadolint key {shown}: ignored, as "
                             "hadolint ignores it")
            elif key == "ignored":
                ignore += _hadolint_codes(value)
            elif key == "override":
                if value is None:
                    continue
                if not isinstance(value, dict):
                    raise ValueError("expected a mapping of severity (error, warning, info, "
                                     "style) -> rule codes")
                for sev, codes in value.items():
                    level = str(sev).strip().lower()
                    if level not in _HADOLINT_OVERRIDE:
                        wrong(key, "not one of hadolint's severities (error, warning, info, "
                                   "style)", sev, "ignored, as hadolint ignores it")
                        continue
                    try:
                        listed = _hadolint_codes(codes)
                    except ValueError as exc:
                        wrong(key, str(exc), sev)
                        continue
                    for code in listed:
                        if _HADOLINT_OVERRIDE[level] is None:
                            ignore.append(code)
                        else:
                            severity[code] = _HADOLINT_OVERRIDE[level]
            elif key == "trustedRegistries":
                if value is not None:
                    out["trusted-registries"] = _str_list(value)
            elif key == "label-schema":
                if value is None:
                    continue
                from .labels import TYPES
                schema = _str_map(value)
                for label, typ in schema.items():
                    if typ.strip().lower() not in TYPES:
                        name = f"type {typ!r}" if quoted else "the type"
                        wrong(key, f"{name} is not one of hadolint's label types "
                                   f"({', '.join(TYPES)})", label if quoted else None,
                              "checked as text (only its presence and emptiness)")
                        schema[label] = "text"
                out["label-schema"] = schema
            elif key in ("strict-labels", "no-fail", "disable-ignore-pragma", "no-color",
                         "verbose"):
                flag = _bool(value)
                if key == "strict-labels":
                    out["strict-labels"] = flag
                elif key == "no-fail" and flag:
                    out["fail-on"] = "none"
                elif key == "disable-ignore-pragma" and flag:
                    out["allow-pragmas"] = False
            elif key == "failure-threshold":
                threshold = _hadolint_choice(value, tuple(_HADOLINT_THRESHOLDS))
                if data.get("no-fail") is not True:         # no-fail wins
                    out["fail-on"] = _HADOLINT_THRESHOLDS[threshold]
            elif key == "format":
                _hadolint_choice(value, _HADOLINT_FORMATS)
                notes.append(f"{at(key)}: note: format: docklint takes the output format from "
                             "the command line (--format), not from a configuration file: "
                             "not applied")
        except ValueError as exc:
            wrong(str(key), str(exc))
    if ignore:
        out["ignore"] = ignore
    if severity:
        out["severity"] = severity
        out["select"] += [c for c in severity if c not in out["select"]]
    return out, notes


def hadolint_to_docklint(data: dict) -> dict[str, Any]:
    """The docklint equivalent of a hadolint configuration's keys.

    A hadolint user gets hadolint's rule set: docklint's default rules, every rule that does
    what one of hadolint's default rules does (``hadolint``: DL3008's unpinned apt packages, for
    one, which docklint leaves off by default), the rules the ``override`` names (which is how
    hadolint turns its off-by-default rules on), and every ShellCheck code, as hadolint reports
    them all. Keys hadolint does not have, and values of the wrong type, are left out (see
    :func:`_from_hadolint` for the warnings)."""
    return _hadolint_map(data, {})[0]


def _from_hadolint(path: str, data: Any, lines: dict, *, quoted: bool = True) -> Config:
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise _fail(f"{path}:1", "the configuration must be a mapping (hadolint refuses it "
                                 "too)")
    mapped, notes = _hadolint_map(data, lines, path, quoted)
    # hadolint accepts any code; docklint has no rule for a few (retired DL codes): say so and
    # drop them rather than fail a migration
    from .registry import UnknownRule, resolve

    def known(code: str) -> bool:
        try:
            resolve(code)
            return True
        except UnknownRule:
            notes.append(f"{path}: {code if quoted else 'a code'} has no docklint rule; "
                         "it is left out")
            return False

    if "ignore" in mapped:
        mapped["ignore"] = [c for c in mapped["ignore"] if known(c)]
    if "severity" in mapped:
        mapped["severity"] = {c: v for c, v in mapped["severity"].items() if known(c)}
        mapped["select"] = [c for c in mapped["select"]
                            if c in ("default", "hadolint") or c in mapped["severity"]]
    source_key = {"ignore": "ignored", "severity": "override",
                  "trusted-registries": "trustedRegistries", "fail-on": "failure-threshold",
                  "allow-pragmas": "disable-ignore-pragma"}
    config = Config(path, kind="hadolint")
    for key, value in mapped.items():
        original = source_key.get(key, key)
        if key == "fail-on" and data.get("no-fail") is True:
            original = "no-fail"
        try:
            part = _validate(path, {key: value}, {})
        except ConfigError as exc:             # not expected: the mapping gives valid values
            detail = str(exc).split(": ", 1)[-1] if quoted else "invalid value"
            notes.append(f"{path}:{lines.get(original, 1)}: warning: {original}: {detail}; "
                         "ignored")
            continue
        config.values.update(part.values)
        config.origin[key] = f"{path}:{lines.get(original, 1)} (hadolint {original})"
    config.notes = list(dict.fromkeys(notes))
    return config


def dump_yaml(values: dict[str, Any]) -> str:
    """A small, stable YAML rendering of settings (for ``config --migrate`` / ``--show``)."""
    import json
    lines: list[str] = []
    for key, value in values.items():
        if isinstance(value, dict):
            lines.append(f"{key}:")
            for k, v in value.items():
                if isinstance(v, dict):
                    lines.append(f"  {k}:")
                    for k2, v2 in v.items():
                        lines.append(f"    {k2}: {json.dumps(v2)}")
                else:
                    lines.append(f"  {json.dumps(k)}: {json.dumps(v)}")
        else:
            lines.append(f"{key}: {json.dumps(value)}")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------------
# discovery

def _pyproject_has_table(path: str) -> bool:
    """Whether ``pyproject.toml`` holds a docklint table. One too big to read is taken as a
    configuration (loading it then says it is too big): its settings must not be skipped
    silently."""
    from .reading import ReadError, TooBig, read_regular
    try:
        return b"[tool.docklint" in read_regular(path, CONFIG_LIMIT, what="configuration file")
    except TooBig:
        return True
    except ReadError:
        return False


@lru_cache(maxsize=1024)
def _config_in(directory: str) -> str | None:
    """The docklint configuration in ``directory``. A ``.docklint.yaml`` that is there but is
    not a regular file (a directory, a FIFO, a broken symlink) is returned all the same: loading
    it says what is wrong, rather than the settings of a parent directory being used instead."""
    for name in CONFIG_NAMES:
        candidate = os.path.join(directory, name)
        if os.path.lexists(candidate):
            return candidate
    candidate = os.path.join(directory, "pyproject.toml")
    if os.path.isfile(candidate) and _pyproject_has_table(candidate):
        return candidate
    return None


@lru_cache(maxsize=1024)
def _hadolint_in(directory: str) -> str | None:
    for name in HADOLINT_NAMES:
        candidate = os.path.join(directory, name)
        if os.path.lexists(candidate):
            return candidate
    return None


def _walk_up(start: str) -> Iterable[str]:
    current = os.path.abspath(start)
    while True:
        yield current
        parent = os.path.dirname(current)
        if parent == current:
            return
        current = parent


def find(start_dir: str) -> str | None:
    """The configuration for files in ``start_dir``: the nearest docklint one walking up;
    failing that, the nearest ``.hadolint.yaml`` walking up, then hadolint's own locations."""
    for d in _walk_up(start_dir):
        found = _config_in(d)
        if found:
            return found
    for d in _walk_up(start_dir):
        found = _hadolint_in(d)
        if found:
            return found
    home = os.path.expanduser("~")
    xdg = os.environ.get("XDG_CONFIG_HOME") or os.path.join(home, ".config")
    for candidate in (os.path.join(xdg, "hadolint.yaml"),
                      os.path.join(home, ".hadolint", "hadolint.yaml"),
                      os.path.join(home, ".hadolint.yaml")):
        if os.path.isfile(candidate):
            return candidate
    return None


@lru_cache(maxsize=256)
def _load_cached(path: str) -> Config | ConfigError:
    """The configuration at ``path``, or the error loading it (kept too: a broken configuration
    is read once, not once per file under it)."""
    try:
        return load(path)
    except ConfigError as exc:
        exc.config = path
        return exc


def _load_config(path: str) -> Config:
    found = _load_cached(path)
    if isinstance(found, ConfigError):
        raise found
    return found


# ---------------------------------------------------------------------------------------------
# effective settings

@record
class Effective:
    """The settings one file is linted with, and where each came from."""

    settings: Settings
    fail_on: str
    config: Config | None
    excluded: bool = False
    shellcheck: bool = True

    def describe(self) -> dict[str, Any]:
        s = self.settings
        return {
            "config": self.config.path if self.config else None,
            "config-kind": self.config.kind if self.config else None,
            "select": s.select, "ignore": s.ignore, "severity": dict(s.severity),
            "rules": {k: dict(v) for k, v in s.options.items()},
            "build-args": dict(s.build_args), "target": s.target, "context": s.context,
            "fail-on": self.fail_on, "allow-pragmas": s.allow_pragmas,
            "preview": s.preview, "max-file-size": s.max_file_bytes,
            "shellcheck": self.shellcheck, "excluded": self.excluded,
            "images": {d.pattern: {**{k: _shown(k, v) for k, v in d.values.items()},
                                   "declared-at": d.where} for d in s.images},
        }


def _shown(key: str, value: Any) -> Any:
    """An ``images:`` value as the configuration would write it (``config --show``)."""
    if key in ("users", "groups"):
        return [n for n, _ in value] if all(i is None for _, i in value) else dict(value)
    if key == "env":
        return dict(value)
    return list(value) if isinstance(value, tuple) else value


def _matches(pattern: str, rel: str) -> bool:
    import fnmatch              # only with per-file settings or exclusions in a configuration
    pattern = pattern.strip().lstrip("./") if pattern.startswith("./") else pattern.strip()
    if fnmatch.fnmatch(rel, pattern) or fnmatch.fnmatch(os.path.basename(rel), pattern):
        return True
    # a pattern matches a directory and everything below it
    return rel.startswith(pattern.rstrip("/") + "/") or \
        fnmatch.fnmatch(rel, pattern.rstrip("/") + "/*")


def resolve_settings(path: str | None, config: Config | None, *, cli: dict[str, Any]
                     ) -> Effective:
    """Combine defaults, the configuration and the command line (which wins) for ``path``."""
    values: dict[str, Any] = dict(config.values) if config else {}
    for key, value in cli.items():
        if value is None or value == [] or value == {}:
            continue
        if key in ("build-args", "rules") and isinstance(values.get(key), dict):
            merged = dict(values[key])
            for k, v in value.items():
                merged[k] = {**merged.get(k, {}), **v} if isinstance(v, dict) else v
            values[key] = merged
        else:
            values[key] = value
    base_dir = config.directory if config else os.getcwd()
    rel = os.path.relpath(os.path.abspath(path), base_dir).replace(os.sep, "/") \
        if path and path != "-" else ""
    ignore = list(values.get("ignore", []))
    for pattern, codes in values.get("per-file-ignores", {}).items():
        if rel and _matches(pattern, rel):
            ignore += codes
    excluded = bool(rel) and any(_matches(p, rel) for p in values.get("exclude", []))
    if values.get("shellcheck", True) is False:
        ignore.append("DK440")                    # the ShellCheck pass
    options: dict[str, dict[str, Any]] = {k: dict(v) for k, v in values.get("rules", {}).items()}
    if "trusted-registries" in values:
        options.setdefault("DK306", {})["trusted-registries"] = values["trusted-registries"]
    for key in ("label-schema", "strict-labels"):
        if key in values:
            from .registry import all_rules
            for r in all_rules():
                if key in r.options:
                    options.setdefault(r.code, {})[key] = values[key]
    context = values.get("context")
    if context and config and not os.path.isabs(context) and not cli.get("context"):
        context = os.path.join(config.directory, context)
    settings = Settings(
        select=values.get("select"), ignore=ignore, severity=values.get("severity", {}),
        options=options, build_args=values.get("build-args", {}), target=values.get("target"),
        context=context, allow_pragmas=values.get("allow-pragmas", True),
        preview=values.get("preview", False),
        images=tuple(values.get("images", {}).values()))
    if "max-file-size" in values:
        settings.max_file_bytes = values["max-file-size"]
    return Effective(settings, values.get("fail-on", "warning"), config, excluded,
                     values.get("shellcheck", True))


def config_for(path: str | None, *, explicit: str | None, isolated: bool) -> Config | None:
    """The Config that applies to ``path`` (None: defaults)."""
    if isolated:
        return None
    if explicit:
        return _load_config(os.path.abspath(explicit))
    start = os.path.dirname(os.path.abspath(path)) if path and path != "-" else os.getcwd()
    found = find(start)
    return _load_config(found) if found else None
