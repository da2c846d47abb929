"""Checkstyle XML, read by Jenkins (warnings-ng), SonarQube, reviewdog and many CI plugins::

    <?xml version="1.0" encoding="UTF-8"?>
    <checkstyle version="4.3">
      <file name="Dockerfile">
        <error line="3" column="5" severity="error" message="..." source="docklint.DK101"/>
      </file>
      <file name="clean.Dockerfile"/>
    </checkstyle>

Every linted file gets a ``<file>`` element, a clean one an empty element (as Checkstyle itself
writes it), so that a consumer can tell "checked, nothing found" from "not checked". Files that
could not be read are left to the CLI, which reports them on stderr. Severities are docklint's
(``error``, ``warning``, ``info``, all three in Checkstyle's vocabulary); ``source`` is
``docklint.`` followed by the rule code; a finding without a column has no ``column``
attribute. Paths are written as reported. See :mod:`.xml_text` for the escaping.
"""

from __future__ import annotations

TYPE_CHECKING = False   # typing.TYPE_CHECKING without importing typing (3 ms of each start)
if TYPE_CHECKING:
    from typing import Sequence

from . import finding_path, one_line
from .xml_text import DECLARATION, element, start_tag

if TYPE_CHECKING:  # pragma: no cover
    from ..engine import FileResult
    from ..rule import Rule

VERSION = "4.3"


def render(results: Sequence[FileResult], rules: Sequence[Rule], *, color: bool,
           show_source: bool, version: str, base_dir: str | None) -> str:
    lines = [DECLARATION.rstrip("\n"), f'<checkstyle version="{VERSION}">']
    # findings grouped under the path they are reported for, in order of first appearance
    files: dict[str, list[str]] = {}
    for result in results:
        if result.error is not None:
            continue
        if not result.findings:
            files.setdefault(result.path, [])
        for finding in result.findings:
            attributes: list[tuple[str, object]] = [("line", max(finding.line, 0))]
            if finding.column >= 1:
                attributes.append(("column", finding.column))
            attributes += [("severity", finding.level.label),
                           ("message", one_line(finding.message)),
                           ("source", f"docklint.{finding.code}")]
            files.setdefault(finding_path(result, finding), []).append(
                element("error", attributes))
    for path, errors in files.items():
        if errors:
            lines.append("  " + start_tag("file", [("name", path)]))
            lines.extend(f"    {error}" for error in errors)
            lines.append("  </file>")
        else:
            lines.append("  " + element("file", [("name", path)]))
    lines.append("</checkstyle>")
    return "\n".join(lines) + "\n"
