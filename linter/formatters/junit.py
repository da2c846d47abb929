"""JUnit XML, for CI systems that show test reports (GitLab, Jenkins, Azure Pipelines...)::

    <?xml version="1.0" encoding="UTF-8"?>
    <testsuites name="docklint" tests="2" failures="1" errors="0">
      <testsuite name="docklint" tests="2" failures="1" errors="0" skipped="0">
        <testcase classname="docklint" name="Dockerfile">
          <failure type="DK101" message="...">Dockerfile:7:22: DK101 ...</failure>
        </testcase>
        <testcase classname="docklint" name="clean.Dockerfile"/>
      </testsuite>
    </testsuites>

One ``<testsuite>`` per run (inside a ``<testsuites>`` root, which every consumer accepts), one
``<testcase>`` per linted file (named by its path as reported): a clean file passes, a file with
findings has one ``<failure>`` per finding (``type`` = the code, ``message`` = the message, text
``path:line:col: CODE message``). A file that could not be read is a test in error: an
``<error type="io">`` with the message, rather than missing from the report. ``tests``,
``failures`` and ``errors`` count test cases (files), as JUnit does: ``failures`` is the number
of files with findings, not the number of findings. No timing is written (the output is a pure
function of the results). See :mod:`.xml_text` for the escaping.
"""

from __future__ import annotations

TYPE_CHECKING = False   # typing.TYPE_CHECKING without importing typing (3 ms of each start)
if TYPE_CHECKING:
    from typing import Sequence

from . import finding_path, one_line
from .xml_text import DECLARATION, element, start_tag, text

if TYPE_CHECKING:  # pragma: no cover
    from ..engine import FileResult
    from ..rule import Rule


def render(results: Sequence[FileResult], rules: Sequence[Rule], *, color: bool,
           show_source: bool, version: str, base_dir: str | None) -> str:
    cases: list[str] = []
    failures = errors = 0
    for result in results:
        head = start_tag("testcase", [("classname", "docklint"), ("name", result.path)])
        if result.error is not None:
            errors += 1
            message = one_line(result.error)
            cases += [f"    {head}",
                      "      " + element("error", [("type", "io"), ("message", message)],
                                         text(message)),
                      "    </testcase>"]
            continue
        if not result.findings:
            cases.append("    " + head[:-1] + "/>")
            continue
        failures += 1
        cases.append(f"    {head}")
        for finding in result.findings:
            message = one_line(finding.message)
            where = f"{finding_path(result, finding)}:{finding.line}:{finding.column}"
            cases.append("      " + element(
                "failure", [("type", finding.code), ("message", message)],
                text(f"{where}: {finding.code} {message}")))
        cases.append("    </testcase>")
    totals = [("tests", len(results)), ("failures", failures), ("errors", errors)]
    return "\n".join([
        DECLARATION.rstrip("\n"),
        start_tag("testsuites", [("name", "docklint"), *totals]),
        "  " + start_tag("testsuite", [("name", "docklint"), *totals, ("skipped", 0)]),
        *cases,
        "  </testsuite>",
        "</testsuites>",
    ]) + "\n"
