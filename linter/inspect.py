"""What ``docklint inspect`` and ``docklint graph`` print: the parse and the model, as data."""

from __future__ import annotations

TYPE_CHECKING = False   # typing.TYPE_CHECKING without importing typing (3 ms of each start)
if TYPE_CHECKING:
    from typing import Any

from .facts import facts_of
from .model import Dockerfile, Stage
from .syntax import Instruction

__all__ = ["inspect_json", "inspect_text", "graph_mermaid", "graph_dot"]


def _instruction(df: Dockerfile, ins: Instruction) -> dict[str, Any]:
    line, col = df.source.position(ins.span.start)
    end_line, end_col = df.source.end_position(ins.span)
    if ins.sub is not None:
        args: list[Any] = [_instruction(df, ins.sub)]
    else:
        args = [w.value for w in ins.args]
    return {
        "keyword": ins.keyword, "written": ins.written,
        "line": line, "column": col, "end_line": end_line, "end_column": end_col,
        "flags": [f.text for f in ins.flags], "args": args, "json": ins.json,
        "heredocs": [{"name": h.name, "content": h.content, "expand": h.expand,
                      "chomp": h.chomp, "fd": h.fd} for h in ins.heredocs],
        "comments": list(ins.comments),
    }


def _base(df: Dockerfile, stage: Stage) -> dict[str, Any]:
    b = stage.base
    out: dict[str, Any] = {"kind": b.kind, "raw": b.raw, "resolved": b.text}
    if b.kind == "stage":
        out["stage"] = b.stage
    if b.image is not None:
        out["image"] = {"registry": b.image.registry, "repository": b.image.repository,
                        "tag": b.image.tag, "digest": b.image.digest}
    if b.unresolved:
        out["unresolved"] = list(b.unresolved)
    return out


def _stage_facts(df: Dockerfile, stage: Stage) -> dict[str, Any]:
    facts = facts_of(df)
    base = facts.base_facts(stage.index)
    out: dict[str, Any] = {"base_image": None}
    if base is not None:
        out["base_image"] = {
            "matched": f"{base.image}:{base.tag}", "family": base.family,
            "variant": base.variant, "kind": base.kind, "shell": base.has_shell,
            "ca_certificates": base.has_ca_certs, "libc": base.libc, "tzdata": base.has_tzdata,
            "default_uid": base.default_uid, "compressed_bytes": base.size_bytes,
            "end_of_life": base.eol,
            # where these facts come from: docklint's data file, or the configuration's
            # `images:` entry (its file:line and pattern, `like:` and what it was learned from)
            "source": "data" if base.origin == "data" else "declared",
            "source_note": base.origin_note or "docklint's base-image data",
        }
        if base.origin == "declared":
            out["base_image"]["like"] = base.like
            out["base_image"]["declared"] = sorted(base.declared_keys)
            if base.users is not None:
                out["base_image"]["users"] = [n for n, _ in base.users]
    out["ca_bundle_added_by"] = [f"line {c.instruction.line}: {c.description}"
                                 for c in facts.ca_sources(stage.index)]
    built = facts.built_kind(stage.index)
    out["builds"] = {"kind": built[0], "how": built[1]} if built else None
    rt = facts.runtime(stage.index)
    out["runs"] = {"kind": rt.kind, "how": rt.detail, "built_in_stage": rt.builder}
    user, user_ins = facts.effective_user(stage.index)
    out["user"] = {"user": user, "line": user_ins.line} if user_ins is not None else None
    out["shell"] = facts.has_shell(stage.index)
    out["copied_in"] = [
        {"line": p.instruction.line, "from": p.kind if p.from_stage is None else
         f"stage {p.from_stage}", "source": p.source if p.resolved else None,
         "lands_at": p.landing if p.resolved else p.dest}
        for p in facts.placed(stage.index)]
    out["tls_evidence"] = [e.describe() for e in facts.tls_evidence(stage.index)]
    out["tz_evidence"] = [e.describe() for e in facts.tz_evidence(stage.index)]
    return out


def inspect_json(df: Dockerfile) -> dict[str, Any]:
    """The parse and the model of ``df`` as JSON-ready data."""
    index = {id(ins): i for i, ins in enumerate(df.instructions)}
    stages = []
    for s in df.stages:
        stages.append({
            "index": s.index, "name": s.name, "line": df.source.position(s.from_.span.start)[0],
            "implicit": s.implicit,
            "base": _base(df, s), "platform": s.platform,
            "instructions": [index[id(i)] for i in (s.from_, *s.instructions)
                             if id(i) in index],
            "args": {a.name: a.value for a in s.args},
            "facts": _stage_facts(df, s),
        })
    edges = []
    for e in df.graph.edges:
        edges.append({"kind": e.kind, "from": e.source, "to": e.target,
                      "image": str(e.image) if e.image else None, "ref": e.ref,
                      "resolved": e.resolved, "line": e.instruction.line})
    return {
        "directives": {k: d.value for k, d in df.directives.items()},
        "instructions": [_instruction(df, i) for i in df.instructions],
        "global_args": {a.name: a.value for a in df.global_args},
        "stages": stages,
        "edges": edges,
        "target": df.graph.target,
        "reachable": sorted(df.graph.reachable()),
        "errors": [{"line": df.source.position(e.span.start)[0], "message": e.message}
                   for e in df.errors],
    }


def inspect_text(df: Dockerfile) -> str:
    """A readable summary of the model."""
    lines: list[str] = []
    for k, d in df.directives.items():
        lines.append(f"directive {k}={d.value}")
    for a in df.global_args:
        lines.append(f"global ARG {a.name}={a.value!r}")
    reach = df.graph.reachable()
    for s in df.stages:
        mark = " (target)" if s.index == df.graph.target else \
            ("" if s.index in reach or s.implicit else " (unreachable)")
        base = s.base.text or f"{s.base.raw} (unresolved: {', '.join(s.base.unresolved)})"
        name = f" {s.name}" if s.name else ""
        if s.implicit:
            lines.append(f"stage {s.index}{mark}: implicit, the instructions before the first "
                         f"FROM (line {s.from_.line}; BuildKit refuses them) [unknown base]")
        elif s.base.kind == "unknown":
            lines.append(f"stage {s.index}{name}{mark}: FROM without an image [unknown base]")
        else:
            lines.append(f"stage {s.index}{name}{mark}: FROM {base} [{s.base.kind}]")
        facts = _stage_facts(df, s)
        bi = facts["base_image"]
        if bi:
            lines.append(f"  base image: {bi['matched']} ({bi['kind']}), shell={bi['shell']}, "
                         f"ca={bi['ca_certificates']}, libc={bi['libc']}")
        if facts["builds"]:
            lines.append(f"  builds: {facts['builds']['kind']} ({facts['builds']['how']})")
        lines.append(f"  runs: {facts['runs']['kind']} ({facts['runs']['how']})")
        if facts["user"]:
            lines.append(f"  user: {facts['user']['user']} (line {facts['user']['line']})")
        for c in facts["copied_in"]:
            lines.append(f"  line {c['line']}: {c['source'] or '(unresolved)'} from "
                         f"{c['from']} -> {c['lands_at']}")
        for c in facts["ca_bundle_added_by"]:
            lines.append(f"  CA bundle: {c}")
        for e in facts["tls_evidence"]:
            lines.append(f"  TLS evidence: {e}")
        for e in facts["tz_evidence"]:
            lines.append(f"  time-zone use: {e}")
        for e in df.graph.edges_from(s.index):
            if e.kind == "base":
                continue
            to = f"stage {e.target}" if e.target is not None else \
                (str(e.image) if e.image else f"{e.ref} (unresolved)")
            lines.append(f"  {e.kind} from {to} (line {e.instruction.line})")
    for e in df.errors:
        lines.append(f"error at line {df.source.position(e.span.start)[0]}: {e.message}")
    return "\n".join(lines) + "\n"


def _node_label(df: Dockerfile, s: Stage) -> str:
    if s.implicit:
        return "before the first FROM\n(implicit stage, base unknown)"
    name = s.name or f"stage {s.index}"
    if s.base.kind == "unknown":
        return f"{name}\nFROM (no image: base unknown)"
    base = s.base.text if s.base.kind != "unresolved" else f"{s.base.raw} (unresolved)"
    return f"{name}\nFROM {base}"


def _external_nodes(df: Dockerfile) -> dict[str, str]:
    out: dict[str, str] = {}
    for s in df.stages:
        if s.base.kind in ("image", "scratch", "unresolved"):
            out.setdefault(s.base.text or s.base.raw, f"img{len(out)}")
    for e in df.graph.edges:
        if e.target is None:
            out.setdefault(str(e.image) if e.image else e.ref, f"img{len(out)}")
    return out


def graph_mermaid(df: Dockerfile, *, label=None, flagged: set[int] | None = None) -> str:
    """The stage graph as a Mermaid flowchart: edges point from a dependency to its user.
    ``label`` escapes the text of a node (default: quotes only); ``flagged`` stages (those a
    report's findings point into) are outlined."""
    _mm = label or _quote_mm
    reach = df.graph.reachable()
    ext = _external_nodes(df)
    out = ["flowchart TD"]
    for name, node in ext.items():
        out.append(f'  {node}[("{_mm(name)}")]')
    for s in df.stages:
        label_text = _mm(_node_label(df, s)).replace("\n", "<br/>")
        if s.index == df.graph.target:
            label_text += "<br/>(target)"
        elif s.index not in reach and not s.implicit:
            label_text += "<br/>(unreachable)"
        out.append(f'  s{s.index}["{label_text}"]')
    for s in df.stages:
        if s.base.kind not in ("stage", "unknown"):
            out.append(f"  {ext[s.base.text or s.base.raw]} -->|base| s{s.index}")
    for e in df.graph.edges:
        src = f"s{e.target}" if e.target is not None else ext[str(e.image) if e.image else e.ref]
        out.append(f"  {src} -->|{e.kind}| s{e.source}")
    if df.graph.target is not None:
        out.append("  classDef target stroke-width:3px")
        out.append(f"  class s{df.graph.target} target")
    dead = [f"s{s.index}" for s in df.stages if s.index not in reach and not s.implicit]
    if dead:
        out.append("  classDef unreachable stroke-dasharray:5 5,color:#888")
        out.append(f"  class {','.join(dead)} unreachable")
    hit = sorted(i for i in (flagged or ()) if 0 <= i < len(df.stages))
    if hit:
        out.append("  classDef flagged stroke:#d00,stroke-width:2px")
        out.append(f"  class {','.join(f's{i}' for i in hit)} flagged")
    return "\n".join(out) + "\n"


def _quote_mm(text: str) -> str:
    return text.replace('"', "#quot;")


def graph_dot(df: Dockerfile) -> str:
    """The stage graph as Graphviz dot."""
    reach = df.graph.reachable()
    ext = _external_nodes(df)
    out = ["digraph stages {", "  rankdir=TB;", '  node [shape=box, fontname="monospace"];']
    for name, node in ext.items():
        out.append(f'  {node} [label="{_dot(name)}", shape=cylinder];')
    for s in df.stages:
        label = _dot(_node_label(df, s))
        attrs = ""
        if s.index == df.graph.target:
            label += "\\n(target)"
            attrs = ", penwidth=3"
        elif s.index not in reach and not s.implicit:
            label += "\\n(unreachable)"
            attrs = ", style=dashed, fontcolor=gray"
        out.append(f'  s{s.index} [label="{label}"{attrs}];')
    for s in df.stages:
        if s.base.kind not in ("stage", "unknown"):
            out.append(f'  {ext[s.base.text or s.base.raw]} -> s{s.index} [label="base"];')
    for e in df.graph.edges:
        src = f"s{e.target}" if e.target is not None else ext[str(e.image) if e.image else e.ref]
        out.append(f'  {src} -> s{e.source} [label="{e.kind}"];')
    out.append("}")
    return "\n".join(out) + "\n"


def _dot(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
