"""SARIF 2.1.0 output, for GitHub code scanning and other SARIF viewers.

The log is built from ``sarif_om``'s classes and serialized by :func:`to_sarif_dict`, a small
walker over their attrs fields (``jschema_to_python`` is slow to import and drops
``level: "warning"``, which GitHub then reads differently from our intent).

Choices worth knowing:

* One run. ``tool.driver.rules`` holds the rules that were run, in the order given; a finding
  whose rule is missing from that list gets a minimal descriptor appended.
* Every ``result`` (and every notification and default configuration) carries an explicit
  ``level``; ``info`` becomes ``note``.
* Paths inside ``base_dir`` (default: the current directory) are relative, percent-encoded URIs
  with ``uriBaseId: "%SRCROOT%"``, and ``run.originalUriBaseIds`` maps ``%SRCROOT%`` to the base
  directory's ``file://`` URI. Paths outside it become absolute ``file://`` URIs. Anonymous
  standard input (path ``-``) is the relative URI ``stdin`` without a base id, described as
  "standard input".
* Regions are 1-based with an exclusive ``endColumn`` counted in code points
  (``columnKind: unicodeCodePoints``). A fix's ``deletedRegion`` is the exact extent of its edit
  (an edit that removes a whole line ends at column 1 of the next line).
* ``partialFingerprints["docklintLineHash/v1"]`` identifies a result across runs regardless of
  line moves: the first 16 hex digits of SHA-256 over the rule code, the artifact URI and the
  trimmed text of the result's first line, followed by ``:n`` where n counts earlier results of
  the run with the same three values (1 for the first).
* ``category`` (``--sarif-category``) becomes ``runs[0].automationDetails.id`` with a trailing
  ``/``, so that several analyses of one commit (one per Dockerfile set, say) stay apart in
  GitHub code scanning.
* Files that could not be read become ``invocations[0].toolExecutionNotifications`` (level
  ``error``) and make ``executionSuccessful`` false; findings alone do not. So does each rule
  that could not check a file (``FileResult.failed``): a notification whose ``associatedRule``
  is the failing rule's descriptor, located where it failed; the file's DK005 finding is a
  result as well.
* The JSON is written with the characters a terminal must not get raw (C1 controls, bidi and
  other format characters) as ``\\uXXXX`` escapes; the values are unchanged.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path
TYPE_CHECKING = False   # typing.TYPE_CHECKING without importing typing (3 ms of each start)
if TYPE_CHECKING:
    from typing import Any, Sequence
from urllib.parse import quote_from_bytes

import attr
import sarif_om as om

from docklint.lazyre import lazy
from .. import __version__ as DOCKLINT_VERSION
from ..rule import Severity
from . import finding_path, json_report, relative_to_base

if TYPE_CHECKING:  # pragma: no cover
    from ..engine import FileResult
    from ..rule import Finding, Fix, Rule
    from ..source import Source

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
INFORMATION_URI = "https://github.com/docklint/docklint"
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "docklintLineHash/v1"

LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
SECURITY_SEVERITY = {Severity.ERROR: "8.0", Severity.WARNING: "5.0", Severity.INFO: "2.0"}

# Properties written even when equal to sarif_om's default, so that no consumer has to know it.
ALWAYS_WRITTEN = frozenset({"level"})


def render(results: Sequence[FileResult], rules: Sequence[Rule], *, color: bool,
           show_source: bool, version: str, base_dir: str | None,
           category: str | None = None) -> str:
    log = build_log(results, rules, version=version, base_dir=base_dir, category=category)
    return json_report(to_sarif_dict(log))


# --- building the log -------------------------------------------------------------------------

def build_log(results: Sequence[FileResult], rules: Sequence[Rule], *, version: str = "",
              base_dir: str | None = None, category: str | None = None) -> om.SarifLog:
    base = os.path.abspath(base_dir if base_dir is not None else os.getcwd())
    descriptors: list[om.ReportingDescriptor] = []
    rule_index: dict[str, int] = {}
    for rule in rules:
        if rule.code not in rule_index:
            rule_index[rule.code] = len(descriptors)
            descriptors.append(rule_descriptor(rule))

    sarif_results: list[om.Result] = []
    notifications: list[om.Notification] = []
    seen: dict[tuple[str, str, str], int] = {}
    for result in results:
        if result.error is not None:
            notifications.append(om.Notification(
                message=om.Message(text=result.error if result.path in result.error
                                   else f"{result.path}: {result.error}"),
                level="error",
                locations=[om.Location(physical_location=om.PhysicalLocation(
                    artifact_location=artifact_location(result.path, base)))],
            ))
            continue
        for finding in result.findings:
            if finding.code not in rule_index:
                rule_index[finding.code] = len(descriptors)
                descriptors.append(_descriptor_for(finding.code, finding.slug))
            sarif_results.append(result_object(result, finding, rule_index[finding.code], base,
                                               seen))
        for failure in getattr(result, "failed", ()):
            if failure.code not in rule_index:
                rule_index[failure.code] = len(descriptors)
                descriptors.append(_descriptor_for(failure.code, failure.slug))
            notifications.append(om.Notification(
                message=om.Message(text=failure.message),
                level="error",
                associated_rule=om.ReportingDescriptorReference(
                    id=failure.code, index=rule_index[failure.code]),
                locations=[om.Location(physical_location=om.PhysicalLocation(
                    artifact_location=artifact_location(result.path, base),
                    region=region(failure.line, failure.column, failure.end_line,
                                  failure.end_column)))],
            ))

    driver = om.ToolComponent(name="docklint", version=version or DOCKLINT_VERSION,
                              information_uri=INFORMATION_URI, rules=descriptors)
    run = om.Run(
        tool=om.Tool(driver=driver),
        column_kind="unicodeCodePoints",
        original_uri_base_ids={SRCROOT: om.ArtifactLocation(uri=directory_uri(base))},
        invocations=[om.Invocation(
            execution_successful=not notifications,
            tool_execution_notifications=notifications or None,
        )],
        results=sarif_results,
        automation_details=om.RunAutomationDetails(id=automation_id(category))
        if category else None,
    )
    return om.SarifLog(runs=[run], version=SARIF_VERSION, schema_uri=SCHEMA_URI)


def _descriptor_for(code: str, slug: str) -> om.ReportingDescriptor:
    """The descriptor of a rule that was not in the run's list (DK005, which the engine
    reports whatever the selection; a rule run for a pragma): the full one when the registry
    knows the code, else a minimal one."""
    from ..registry import UnknownRule, get
    try:
        rule = get(code)
    except UnknownRule:
        rule = None
    if rule is not None and rule.code == code and rule.slug == slug:
        return rule_descriptor(rule)
    return om.ReportingDescriptor(id=code, name=slug or None)


def automation_id(category: str) -> str:
    """``runs[0].automationDetails.id`` for a category: the category followed by ``/``.

    In SARIF the id is hierarchical, ``category/instance``; an id ending with ``/`` names the
    category alone, which is what GitHub code scanning keys analyses on (its upload action writes
    the same). A category that already ends with ``/`` is kept as it is.
    """
    return category if category.endswith("/") else category + "/"


def rule_descriptor(rule: Rule) -> om.ReportingDescriptor:
    summary = rule.summary
    properties = om.PropertyBag(tags=sorted(set(rule.tags) | {"docklint"}))
    if "security" in rule.tags:
        setattr(properties, "security-severity", SECURITY_SEVERITY[rule.severity])
    if rule.aliases:
        setattr(properties, "aliases", list(rule.aliases))
    return om.ReportingDescriptor(
        id=rule.code,
        name=rule.slug,
        short_description=message_string(summary),
        full_description=message_string(rule.section("What it does") or summary),
        help=om.MultiformatMessageString(text=markdown_to_text(rule.docs) or summary,
                                         markdown=rule.docs or summary),
        help_uri=rule.help_uri,
        default_configuration=om.ReportingConfiguration(level=LEVELS[rule.severity],
                                                        enabled=rule.default_enabled),
        properties=properties,
    )


def message_string(markdown: str) -> om.MultiformatMessageString:
    """Plain text, plus the markdown when the markdown says more (code spans, links...)."""
    text = markdown_to_text(markdown)
    return om.MultiformatMessageString(text=text, markdown=markdown if markdown != text else None)


def result_object(result: FileResult, finding: Finding, index: int, base: str,
                  seen: dict[tuple[str, str, str], int]) -> om.Result:
    path = finding_path(result, finding)
    location = artifact_location(path, base)
    physical = om.PhysicalLocation(
        artifact_location=location,
        region=region(finding.line, finding.column, finding.end_line, finding.end_column))
    related = [
        om.Location(
            id=number,
            message=om.Message(text=message),
            physical_location=om.PhysicalLocation(
                artifact_location=location,
                region=region(line, column, end_line, end_column)),
        )
        for number, (line, column, end_line, end_column, message)
        in enumerate(finding.related_positions, start=1)
    ]
    fixes = None
    if finding.fix is not None and result.source is not None:
        fixes = [fix_object(finding.fix, result.source, location)]
    return om.Result(
        message=om.Message(text=finding.message),
        rule_id=finding.code,
        rule_index=index,
        level=LEVELS.get(finding.level, "warning"),
        locations=[om.Location(physical_location=physical)],
        related_locations=related or None,
        fixes=fixes,
        partial_fingerprints={FINGERPRINT_KEY: fingerprint(finding, location.uri, result.source,
                                                           seen)},
    )


def fix_object(fix: Fix, source: Source, location: om.ArtifactLocation) -> om.Fix:
    replacements = []
    for edit in fix.edits:
        line, column = source.position(edit.span.start)
        end_line, end_column = source.position(edit.span.end)
        replacements.append(om.Replacement(
            deleted_region=om.Region(start_line=line, start_column=column, end_line=end_line,
                                     end_column=end_column),
            inserted_content=om.ArtifactContent(text=edit.text) if edit.text else None,
        ))
    properties = om.PropertyBag()
    setattr(properties, "safe", fix.safe)
    return om.Fix(
        description=om.Message(text=fix.message),
        artifact_changes=[om.ArtifactChange(artifact_location=location,
                                            replacements=replacements)],
        properties=properties,
    )


def region(line: int, column: int, end_line: int, end_column: int) -> om.Region | None:
    if line < 1:
        return None
    return om.Region(
        start_line=line,
        start_column=column if column >= 1 else None,
        end_line=end_line if end_line >= line else None,
        end_column=end_column if end_column >= 1 and end_line >= line else None,
    )


def fingerprint(finding: Finding, uri: str, source: Source | None,
                seen: dict[tuple[str, str, str], int]) -> str:
    text = ""
    if source is not None and 1 <= finding.line <= source.line_count:
        text = source.line_text(finding.line).strip()
    key = (finding.code, uri, text)
    seen[key] = seen.get(key, 0) + 1
    digest = hashlib.sha256("\0".join(key).encode("utf-8", "surrogatepass")).hexdigest()[:16]
    return f"{digest}:{seen[key]}"


# --- URIs -------------------------------------------------------------------------------------

def artifact_location(path: str, base: str) -> om.ArtifactLocation:
    if path == "-":
        return om.ArtifactLocation(uri="stdin", description=om.Message(text="standard input"))
    rel = relative_to_base(path, base)
    if rel is not None:
        return om.ArtifactLocation(uri=quote_from_bytes(os.fsencode(rel), safe="/"),
                                   uri_base_id=SRCROOT)
    return om.ArtifactLocation(uri=Path(os.path.abspath(path)).as_uri())


def directory_uri(directory: str) -> str:
    uri = Path(directory).as_uri()
    return uri if uri.endswith("/") else uri + "/"


# --- serializing ------------------------------------------------------------------------------

def to_sarif_dict(obj: Any) -> Any:
    """Turn a tree of sarif_om objects into JSON-ready values.

    Property names come from each field's ``schema_property_name``; fields equal to their default
    are left out, except those in :data:`ALWAYS_WRITTEN`. A :class:`sarif_om.PropertyBag` also
    contributes the extra attributes set on it (its only declared field is ``tags``).
    """
    if attr.has(type(obj)):
        out: dict[str, Any] = {}
        fields = attr.fields(type(obj))
        for field in fields:
            value = getattr(obj, field.name)
            if value is None:
                continue
            name = field.metadata.get("schema_property_name", field.name)
            if name not in ALWAYS_WRITTEN and _is_default(field, value):
                continue
            out[name] = to_sarif_dict(value)
        if isinstance(obj, om.PropertyBag):
            declared = {field.name for field in fields}
            for name, value in vars(obj).items():
                if name not in declared and value is not None:
                    out[name] = to_sarif_dict(value)
        if isinstance(obj, om.SarifLog):  # conventional order: $schema, version, runs
            head = {key: out.pop(key) for key in ("$schema", "version") if key in out}
            out = {**head, **out}
        return out
    if isinstance(obj, (list, tuple)):
        return [to_sarif_dict(item) for item in obj]
    if isinstance(obj, dict):
        return {str(key): to_sarif_dict(value) for key, value in obj.items()}
    return obj


def _is_default(field: Any, value: Any) -> bool:
    default = field.default
    if default is attr.NOTHING:
        return False
    if isinstance(default, attr.Factory):  # type: ignore[arg-type]
        default = default.factory()
    if isinstance(value, bool) != isinstance(default, bool):
        return False
    return bool(value == default)


# --- markdown to plain text -------------------------------------------------------------------

_LINK = lazy(r"\[([^\]]+)\]\(([^)\s]+)\)")
_EMPHASIS = lazy(r"(\*\*|__)(.+?)\1")
_CODE = lazy(r"`([^`]+)`")


def markdown_to_text(markdown: str) -> str:
    """A plain-text rendering of rule docs: headings lose their ``#``, code blocks are indented by
    four spaces instead of fenced, inline code and bold lose their markers, links show their URL."""
    out: list[str] = []
    in_code = False
    for line in markdown.strip().splitlines():
        stripped = line.strip()
        if stripped.startswith("```") or stripped.startswith("~~~"):
            in_code = not in_code
            continue
        if in_code:
            out.append(("    " + line).rstrip())
            continue
        heading = re.match(r"#{1,6}\s+(.*?)\s*#*\s*$", stripped)
        if heading:
            out.append(heading.group(1))
            continue
        line = _LINK.sub(lambda m: f"{m.group(1)} ({m.group(2)})", line)
        line = _EMPHASIS.sub(r"\2", line)
        line = _CODE.sub(r"\1", line)
        out.append(line.rstrip())
    return "\n".join(out).strip()
