"""GNU-style lines, understood by Emacs, Vim's quickfix and most CI log scrapers::

    Dockerfile:3:5: error: message [DK101]

One line per finding: line breaks and other control characters in a message or a file name
are written escaped (``\\n``, ``\\x1b``), so that no line can be split or start with text taken
from the input.
"""

from __future__ import annotations

TYPE_CHECKING = False   # typing.TYPE_CHECKING without importing typing (3 ms of each start)
if TYPE_CHECKING:
    from typing import Sequence

from . import finding_path, one_line, printable

if TYPE_CHECKING:  # pragma: no cover
    from ..engine import FileResult
    from ..rule import Rule


def render(results: Sequence[FileResult], rules: Sequence[Rule], *, color: bool,
           show_source: bool, version: str, base_dir: str | None) -> str:
    lines = [
        f"{printable(finding_path(result, finding))}:{finding.line}:{finding.column}: "
        f"{finding.level.label}: {one_line(finding.message)} [{finding.code}]"
        for result in results if result.error is None
        for finding in result.findings
    ]
    return "".join(line + "\n" for line in lines)
