"""Output formats: one pure function per format turning lint results into a string.

Each format lives in its own module exposing ``render(results, rules, *, color, show_source,
version, base_dir) -> str``; :func:`render` imports only the module it needs, so that, for
instance, ``sarif_om`` is loaded only when SARIF is asked for. Formatters do no I/O and keep no
state; results whose file could not be read (``FileResult.error``) are the CLI's to report, except
in SARIF, which records them as tool execution notifications, and JUnit, where they are tests
in error.
"""

from __future__ import annotations

import importlib
import os
from typing import TYPE_CHECKING, Sequence

if TYPE_CHECKING:  # pragma: no cover
    from ..engine import FileResult
    from ..rule import Finding, Rule

__all__ = ["FORMATS", "render"]

FORMATS: tuple[str, ...] = ("text", "json", "sarif", "gnu", "github", "checkstyle", "gitlab",
                             "junit")

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
}


def render(fmt: str, results: list[FileResult], rules: Sequence[Rule], *, color: bool = False,
           show_source: bool = True, version: str = "", base_dir: str | None = None,
           category: str | None = None) -> str:
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
    module = importlib.import_module(f"{__name__}.{module_name}")
    extra = {"category": category} if fmt == "sarif" and category else {}
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


def one_line(text: str) -> str:
    """Collapse line breaks so that a message stays on one output line."""
    if "\n" not in text and "\r" not in text:
        return text
    return " ".join(part.strip() for part in text.replace("\r", "\n").split("\n") if part.strip())
