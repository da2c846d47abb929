"""Output formats: one pure function per format turning lint results into a string.

Each format lives in its own module exposing ``render(results, rules, *, color, show_source,
version, base_dir) -> str``; :func:`render` imports only the module it needs, so that, for
instance, ``sarif_om`` is loaded only when SARIF is asked for. Formatters do no I/O and keep no
state; results whose file could not be read (``FileResult.error``) are the CLI's to report, except
in SARIF, which records them as tool execution notifications, and JUnit, where they are tests
in error.
"""

from __future__ import annotations

import os
import sys
TYPE_CHECKING = False   # typing.TYPE_CHECKING without importing typing (3 ms of each start)
if TYPE_CHECKING:
    from typing import Sequence

if TYPE_CHECKING:  # pragma: no cover
    from ..engine import FileResult
    from ..rule import Finding, Rule

from ..lazyre import lazy
from ..rule import UNPRINTABLE

__all__ = ["FORMATS", "render", "printable", "json_safe", "json_report", "indented_json"]

FORMATS: tuple[str, ...] = ("text", "json", "sarif", "gnu", "github", "checkstyle", "gitlab",
                             "junit", "markdown")

# format name -> module under docklint.formatters (``json_format`` so as not to read like the
# standard library's ``json``)
_MODULES = {
    "text": "text",
    "json": "json_format",
    "sarif": "sarif",
    "gnu": "gnu",
    "github": "github",
    "checkstyle": "checkstyle",
    "gitlab": "gitlab",
    "junit": "junit",
    "markdown": "markdown",
}


def render(fmt: str, results: list[FileResult], rules: Sequence[Rule], *, color: bool = False,
           show_source: bool = True, version: str = "", base_dir: str | None = None,
           category: str | None = None, link_base: str | None = None) -> str:
    """Render ``results`` in format ``fmt``; the text ends with a newline unless it is empty.

    ``rules`` are the rules that were run (SARIF lists them as ``tool.driver.rules``), ``color``
    asks the text format for ANSI colours, ``show_source`` for source excerpts, ``version`` is the
    docklint version to report and ``base_dir`` the directory paths are made relative to (SARIF,
    GitHub annotations, GitLab Code Quality; default: the current directory). ``category`` names
    the analysis in SARIF (``runs[0].automationDetails.id``); other formats ignore it.
    """
    try:
        module_name = _MODULES[fmt]
    except KeyError:
        raise ValueError(f"unknown output format {fmt!r} "
                         f"(choose from {', '.join(FORMATS)})") from None
    name = f"{__name__}.{module_name}"
    __import__(name)                # (importlib.import_module would import importlib)
    module = sys.modules[name]
    extra = {"category": category} if fmt == "sarif" and category else \
        {"link_base": link_base} if fmt == "markdown" and link_base else {}
    out = module.render(list(results), list(rules), color=color, show_source=show_source,
                        version=version, base_dir=base_dir, **extra)
    if out and not out.endswith("\n"):
        out += "\n"
    return out


# --- helpers shared by the format modules -----------------------------------------------------

def finding_path(result: FileResult, finding: Finding) -> str:
    """The path a finding is reported under (the engine stamps it; fall back to the result's)."""
    return finding.path or result.path


def relative_to_base(path: str, base_dir: str | None) -> str | None:
    """``path`` relative to ``base_dir`` (default: the current directory) with forward slashes, or
    None when it lies outside (or on another drive)."""
    base = os.path.abspath(base_dir if base_dir is not None else os.getcwd())
    absolute = os.path.abspath(path)
    rel = _inside(absolute, base)
    if rel is None:  # perhaps one of them goes through a symlink (/tmp -> /private/tmp)
        rel = _inside(os.path.realpath(absolute), os.path.realpath(base))
    return rel


def _inside(path: str, base: str) -> str | None:
    try:
        rel = os.path.relpath(path, base)
    except ValueError:  # different drives on Windows
        return None
    if rel == os.pardir or rel.startswith(os.pardir + os.sep) or os.path.isabs(rel):
        return None
    return rel.replace(os.sep, "/")


def line_text(result: FileResult, finding: Finding) -> str:
    """The trimmed text of the finding's first line ('' when there is no such line)."""
    source = result.source
    if source is None or not 1 <= finding.line <= source.line_count:
        return ""
    return source.line_text(finding.line).strip()


def json_report(value: object) -> str:
    """A JSON report's text: ``value`` indented by two spaces (:func:`indented_json`), made safe
    for a terminal (:func:`json_safe`), with a final line break."""
    return json_safe(indented_json(value)) + "\n"


def indented_json(value: object) -> str:
    """``json.dumps(value, ensure_ascii=False, indent=2)``, byte for byte, for the plain data a
    report is (dicts with string keys, lists, strings, integers, booleans, None): written by one
    recursion whose strings go through json's own (C) escaper, where the standard library's
    indented encoder is a chain of Python generators (a fifth of a second for the shared
    corpus's report, at the end of a run). Anything else (a float, a non-string key, another
    type) is left to ``json.dumps`` for the whole value."""
    import json
    from json.encoder import encode_basestring as quote
    out: list[str] = []
    try:
        _write_json(value, "\n", out, quote)
    except (_Unusual, RecursionError):
        return json.dumps(value, ensure_ascii=False, indent=2)
    return "".join(out)


class _Unusual(Exception):
    """A value :func:`indented_json` leaves to ``json.dumps``."""


def _write_json(value: object, newline: str, out: list[str], quote) -> None:
    kind = type(value)
    if kind is str:
        out.append(quote(value))
    elif value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif kind is int:
        out.append(int.__repr__(value))
    elif kind is dict:
        if not value:
            out.append("{}")
            return
        inner = newline + "  "
        sep = "{" + inner
        for key, item in value.items():     # type: ignore[attr-defined]
            if type(key) is not str:
                raise _Unusual
            out.append(sep)
            out.append(quote(key))
            out.append(": ")
            _write_json(item, inner, out, quote)
            sep = "," + inner
        out.append(newline + "}")
    elif kind is list or kind is tuple:
        if not value:
            out.append("[]")
            return
        inner = newline + "  "
        sep = "[" + inner
        for item in value:                  # type: ignore[attr-defined]
            out.append(sep)
            _write_json(item, inner, out, quote)
            sep = "," + inner
        out.append(newline + "]")
    else:
        raise _Unusual


# UNPRINTABLE but for the line feed: in JSON text a raw line feed is the layout (json.dumps
# escapes those in strings), and skipping it is what keeps a large report from being one match
# per line (tests/test_indented_json.py compares the two over every code point)
_JSON_UNSAFE = lazy(UNPRINTABLE.pattern.replace("\x0a-\x1f", "\x0b-\x1f", 1))


def json_safe(text: str) -> str:
    """JSON text with the characters a terminal must not get raw (C1 controls, DEL, bidi and
    other format characters, line separators, lone surrogates but those of bytes 0xA0-0xFF of a
    file name: see :data:`docklint.rule.UNPRINTABLE`) written as ``\\uXXXX`` escapes. The JSON
    means the same (a file name keeps its exact value for the tools that read it); only its
    bytes change.
    ``json.dumps`` already escapes C0 controls; outside strings JSON text is ASCII."""
    if not _JSON_UNSAFE.search(text):
        return text

    def escape(match) -> str:
        ch = match.group()
        code = ord(ch)
        if 0xDCA0 <= code <= 0xDCFF:
            # a byte of a file name that is not UTF-8 is written back as itself, so that the
            # name round-trips, unless it is a C1 control byte
            return ch
        if code > 0xFFFF:            # JSON escapes astral characters as a surrogate pair
            code -= 0x10000
            return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
        return f"\\u{code:04x}"
    return _JSON_UNSAFE.sub(escape, text)


def printable(text: str) -> str:
    """A file name (or other text) for a line-oriented report: see
    :func:`docklint.rule.printable`. Messages are made printable by the engine already."""
    from ..rule import printable as _printable
    return _printable(text)


def one_line(text: str) -> str:
    """Collapse line breaks so that a message stays on one output line."""
    if "\n" not in text and "\r" not in text:
        return text
    return " ".join(part.strip() for part in text.replace("\r", "\n").split("\n") if part.strip())
