"""Label schemas: which labels an image must carry, and what their values must look like.

A label schema maps a label key to a type. It comes from the configuration key ``label-schema``
(hadolint's key of the same name) as a mapping, or from the command line and fixture headers as
a comma-separated ``key:type`` string (``org.opencontainers.image.source:url,owner:text``).

The types and what docklint accepts for each (checked by :func:`valid`):

``text``     anything (only presence and emptiness are checked)
``url``      an absolute URI (RFC 3986): a scheme, ``:``, and URI characters only; ``http`` and
             ``https`` URLs also need a host
``rfc3339``  an RFC 3339 date-time with a time zone: ``2024-05-01T12:30:00Z``,
             ``2024-05-01T12:30:00.25+02:00``
``spdx``     an SPDX license expression: one license id (``MIT``) or a compound
             (``Apache-2.0 OR MIT``, ``GPL-2.0-only WITH Classpath-exception-2.0``), ids matched
             ignoring case, ``LicenseRef-...`` allowed
``hash``     a git commit id: 7 to 40 lowercase hex digits (abbreviated or full SHA-1), or 64
             (SHA-256 repositories)
``semver``   a Semantic Versioning 2.0.0 version (``1.4.0``, ``2.0.0-rc.1+build.5``; no ``v``)
``email``    one or more RFC 5322 mailboxes: ``dev@example.com`` or
             ``Jane Doe <dev@example.com>``, separated by commas

The rules DK607-DK616 read the schema with :func:`schema_from`; the values they check come
from :func:`label_settings`, which expands ARG and ENV references the way the builder does.
"""

from __future__ import annotations

import re
from docklint.record import record
from collections.abc import Mapping
TYPE_CHECKING = False   # typing.TYPE_CHECKING without importing typing (3 ms of each start)
if TYPE_CHECKING:
    from typing import Any, Callable, Iterator

from docklint.lazyre import lazy
from .rule import Finding, Option

__all__ = ["TYPES", "parse_schema", "schema_from", "SchemaOption", "SCHEMA_OPTION",
           "STRICT_OPTION", "LabelSetting", "label_settings", "trigger_env", "in_trigger",
           "label_keys_in_chain", "final_images",
           "valid",
           "is_url", "is_rfc3339", "is_spdx", "is_git_hash", "is_semver", "is_email",
           "check_values", "shown"]

TYPES = ("text", "url", "rfc3339", "spdx", "hash", "semver", "email")


# ---- the schema

def parse_schema(value: Any) -> dict[str, str]:
    """The schema ``value`` describes, as label -> type (types lower-cased).

    ``value`` is a mapping, a ``key:type,key:type`` string or None/empty. Raises ValueError for
    anything malformed or an unknown type.
    """
    if value is None or value == "" or value == {}:
        return {}
    items: list[tuple[str, str]] = []
    if isinstance(value, Mapping):
        for key, typ in value.items():
            if not isinstance(key, str) or not isinstance(typ, str):
                raise ValueError(f"label-schema: expected label: type strings, got {key!r}: "
                                 f"{typ!r}")
            items.append((key, typ))
    elif isinstance(value, str):
        for part in value.split(","):
            part = part.strip()
            if not part:
                continue
            key, colon, typ = part.rpartition(":")
            if not colon or not key.strip():
                raise ValueError(f"label-schema: expected `label:type`, got {part!r}")
            items.append((key.strip(), typ))
    else:
        raise ValueError("label-schema: expected a mapping of label -> type, or a "
                         "`label:type,label:type` string")
    out: dict[str, str] = {}
    for key, typ in items:
        typ = typ.strip().lower()
        if typ not in TYPES:
            raise ValueError(f"label-schema: label {key!r} has unknown type {typ!r} "
                             f"(types: {', '.join(TYPES)})")
        out[key.strip()] = typ
    return out


def schema_from(options: Mapping[str, Any]) -> dict[str, str]:
    """The schema in a rule's options. Lenient where :func:`parse_schema` is strict, since the
    top-level configuration key reaches rules without passing through :class:`SchemaOption`: a
    label with an unknown type is kept as ``text`` (only its presence and emptiness are
    checked), and a schema that cannot be read at all is empty."""
    raw = options.get("label-schema")
    try:
        return parse_schema(raw)
    except ValueError:
        pass
    out: dict[str, str] = {}
    if isinstance(raw, Mapping):
        pairs = [(str(k), str(v)) for k, v in raw.items()]
    elif isinstance(raw, str):
        pairs = [tuple(p.strip().rpartition(":")[::2]) for p in raw.split(",") if ":" in p]
    else:
        return {}
    for key, typ in pairs:
        if key.strip():
            typ = typ.strip().lower()
            out[key.strip()] = typ if typ in TYPES else "text"
    return out


@record(frozen=True)
class SchemaOption(Option):
    """The ``label-schema`` option: a mapping (or ``key:type,...`` string) whose types are
    checked when the configuration or ``--rule-option`` is read."""

    def validate(self, value: Any) -> Any:
        value = super().validate(value)
        parse_schema(value)
        return value


SCHEMA_OPTION = SchemaOption(
    default={}, type=(dict, str),
    help="labels the image must carry and their types (text, url, rfc3339, spdx, hash, "
         "semver, email): a mapping, or `label:type,label:type`; empty turns the rule off")
STRICT_OPTION = Option(default=False, type=bool,
                       help="report every label that the label schema does not list")


# ---- labels in a Dockerfile

@record(frozen=True)
class LabelSetting:
    """One ``key=value`` of a LABEL instruction, expanded with the stage's ARGs and ENVs.

    ``key``/``value`` are None when they depend on a variable without a value.
    """

    stage: Any
    instruction: Any
    key: str | None
    value: str | None
    key_word: Any
    value_word: Any
    onbuild: Any = None      # the ONBUILD instruction whose trigger this LABEL is, if any

    @property
    def raw_value(self) -> str:
        return self.value_word.value


def label_settings(df, stages=None, triggers: bool = False) -> Iterator[LabelSetting]:
    """Every key/value of every LABEL in ``stages`` (default: all stages), in file order.
    ONBUILD LABEL triggers are left out unless ``triggers``; theirs are expanded with
    :func:`trigger_env` and carry the ONBUILD in ``onbuild``."""
    for stage in df.stages if stages is None else stages:
        tenv = None
        for holder in stage.instructions:
            ins = holder.effective if triggers else holder
            if ins.keyword != "LABEL":
                continue
            if ins is holder:
                env = stage.env_before(ins)
            else:
                env = tenv = trigger_env(stage) if tenv is None else tenv
            for key, value, _sep in ins.pairs():
                k = df.expand(key.value, env).value if "$" in key.value or \
                    any(c in key.value for c in "\"'\\`") else key.value
                v = df.expand(value.value, env).value
                yield LabelSetting(stage, ins, k, v, key, value,
                                   holder if ins is not holder else None)


def trigger_env(stage) -> dict[str, str | None]:
    """The variables an ONBUILD trigger of ``stage`` sees (see
    :meth:`docklint.model.Stage.trigger_env`, which works it out)."""
    return stage.trigger_env()


def label_keys_in_chain(df, index: int) -> tuple[set[str], bool]:
    """The label keys the image of stage ``index`` gets from this Dockerfile: LABELs of the
    stage and of the in-file stages its FROM leads through, and ONBUILD LABEL triggers of those
    base stages (they run in the stage built on them). The flag is True when some key depends
    on a variable without a value (it may be any label)."""
    keys: set[str] = set()
    unknown = False
    chain = df.graph.chain(index)
    for k, stage in enumerate(chain):
        for ins in stage.instructions:
            eff = ins
            if ins.keyword == "ONBUILD":
                if k == 0 or ins.sub is None:
                    continue
                eff = ins.sub
            if eff.keyword != "LABEL":
                continue
            env = stage.env_before(ins)
            for key, _value, _sep in eff.pairs():
                name = df.expand(key.value, env).value
                if name is None:
                    unknown = True
                else:
                    keys.add(name)
    return keys, unknown


def final_images(df) -> list:
    """The stages whose image a build of this file produces, in file order: the target when one
    is given (``--target``); otherwise every stage that no other stage builds on, copies from
    or mounts (the last stage, and any other stage a ``--target`` build would stop at), the
    target included. The implicit stage of instructions before the first FROM is left out."""
    target = df.target
    if target is None:
        return []
    if getattr(df, "target_name", None):
        return [target]
    used: set[int] = set()
    for e in df.graph.edges:
        if e.target is not None:
            used.add(e.target)
        used.update(e.candidates)      # a reference with a variable may name these
    for st in df.stages:
        used.update(st.base.candidates)
    out = [st for st in df.stages
           if st.index not in used and not getattr(st, "implicit", False)]
    if target not in out:
        out.append(target)
    return sorted(out, key=lambda st: st.index)


def shown(item: LabelSetting) -> str:
    """How a finding quotes the value: as the build sees it, and as written when they differ."""
    raw = item.raw_value
    value = item.value if item.value is not None else raw
    if value != raw and "$" in raw:
        return f"`{value}` (from `{raw}`)"
    return f"`{value}`"


def in_trigger(item: LabelSetting) -> str:
    """What a finding on a label adds when the LABEL is an ONBUILD trigger."""
    return " (in an ONBUILD trigger: images built FROM this one get this label)" \
        if item.onbuild is not None else ""


def check_values(df, options: Mapping[str, Any], typ: str, what: str) -> Iterator[Finding]:
    """Findings for the schema labels of type ``typ`` whose non-empty, resolved value is not
    valid, ONBUILD LABEL triggers included; ``what`` completes "is not ..." in the message."""
    schema = schema_from(options)
    wanted = {k for k, t in schema.items() if t == typ}
    if not wanted:
        return
    for item in label_settings(df, triggers=True):
        if item.key not in wanted or item.value is None or item.value == "":
            continue
        if valid(typ, item.value):
            continue
        yield Finding(item.value_word.span,
                      f"label `{item.key}` is {shown(item)}, not {what} as its label-schema "
                      f"type `{typ}` requires{in_trigger(item)}")


# ---- value types

def valid(typ: str, value: str) -> bool:
    """Whether ``value`` is a valid value of schema type ``typ`` (unknown types: always)."""
    check = _CHECKS.get(typ)
    return True if check is None else check(value)


_SCHEME = lazy(r"[A-Za-z][A-Za-z0-9+.\-]*")
_URI_CHARS = lazy(r"(?:[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*")
_REG_NAME = lazy(r"(?:[A-Za-z0-9\-._~!$&'()*+,;=]|%[0-9A-Fa-f]{2})*")
_USERINFO = lazy(r"(?:[A-Za-z0-9\-._~!$&'()*+,;=:]|%[0-9A-Fa-f]{2})*")
_HOST_REQUIRED = frozenset({"http", "https", "ftp", "ftps", "ws", "wss"})


def is_url(value: str) -> bool:
    """An absolute URI: ``scheme:rest`` where rest uses only URI characters (percent escapes
    well formed, at most one ``#``, brackets only around an IP literal host)."""
    scheme, colon, rest = value.partition(":")
    if not colon or not _SCHEME.fullmatch(scheme) or not _URI_CHARS.fullmatch(rest):
        return False
    if rest.count("#") > 1:
        return False
    if rest.startswith("//"):
        end = len(rest)
        for stop in "/?#":
            at = rest.find(stop, 2)
            if at >= 0:
                end = min(end, at)
        authority, tail = rest[2:end], rest[end:]
        if not _authority(authority):
            return False
        if scheme.lower() in _HOST_REQUIRED and not _host_of(authority):
            return False
    else:
        if scheme.lower() in _HOST_REQUIRED:
            return False
        tail = rest
    # brackets belong to the host only
    return "[" not in tail and "]" not in tail


def _host_of(authority: str) -> str:
    host = authority.rpartition("@")[2]
    if host.startswith("["):
        return host[: host.find("]") + 1]
    return host.partition(":")[0]


def _authority(authority: str) -> bool:
    userinfo, at, hostport = authority.rpartition("@")
    if at and not _USERINFO.fullmatch(userinfo):
        return False
    if hostport.startswith("["):
        close = hostport.find("]")
        if close < 0:
            return False
        literal, port = hostport[1:close], hostport[close + 1:]
        if not re.fullmatch(r"[0-9A-Fa-f:.]+|v[0-9A-Fa-f]+\.[A-Za-z0-9\-._~!$&'()*+,;=:]+",
                            literal):
            return False
        if port and not re.fullmatch(r":\d*", port):
            return False
        return True
    host, colon, port = hostport.partition(":")
    if colon and not port.isdigit() and port != "":
        return False
    return _REG_NAME.fullmatch(host) is not None


_RFC3339 = lazy(r"(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?"
                      r"(?:[Zz]|[+-](\d{2}):(\d{2}))")


def is_rfc3339(value: str) -> bool:
    """An RFC 3339 ``date-time``: full date, ``T``, time with seconds (a fraction allowed, a
    leap second 60 allowed) and a zone (``Z`` or ``+hh:mm``), every field in range."""
    m = _RFC3339.fullmatch(value)
    if not m:
        return False
    year, month, day, hour, minute, second = (int(g) for g in m.groups()[:6])
    from datetime import date
    try:
        date(year, month, day)
    except ValueError:
        return False
    if hour > 23 or minute > 59 or second > 60:
        return False
    if m.group(7) is not None and (int(m.group(7)) > 23 or int(m.group(8)) > 59):
        return False
    return True


_GIT_HASH = lazy(r"[0-9a-f]{7,40}|[0-9a-f]{64}")


def is_git_hash(value: str) -> bool:
    """A git commit id as git prints it: 7-40 lowercase hex digits, or 64 (SHA-256)."""
    return _GIT_HASH.fullmatch(value) is not None


_IDENT = lazy(r"[0-9A-Za-z-]+")


def _numeric(part: str) -> bool:
    return part.isascii() and part.isdigit()


def is_semver(value: str) -> bool:
    """A Semantic Versioning 2.0.0 version: MAJOR.MINOR.PATCH, numbers without leading zeros,
    then an optional ``-pre.release`` and an optional ``+build.metadata``."""
    version, plus, build = value.partition("+")
    if plus and not all(_IDENT.fullmatch(p) for p in build.split(".")):
        return False
    core, dash, pre = version.partition("-")
    numbers = core.split(".")
    if len(numbers) != 3:
        return False
    for n in numbers:
        if not _numeric(n) or (len(n) > 1 and n[0] == "0"):
            return False
    if dash:
        for p in pre.split("."):
            if not _IDENT.fullmatch(p):
                return False
            if _numeric(p) and len(p) > 1 and p[0] == "0":
                return False
    return True


# ---- SPDX license expressions

_SPDX_ID = lazy(r"[A-Za-z0-9.\-]+")
_REF = lazy(r"(?:DocumentRef-[A-Za-z0-9.\-]+:)?LicenseRef-[A-Za-z0-9.\-]+", re.I)
_ADDITION_REF = lazy(r"(?:DocumentRef-[A-Za-z0-9.\-]+:)?AdditionRef-[A-Za-z0-9.\-]+",
                           re.I)


def is_spdx(value: str) -> bool:
    """An SPDX license expression (SPDX spec, annex D): license ids (case ignored, an optional
    trailing ``+``), ``LicenseRef-`` references, ``WITH`` an exception id, ``AND``, ``OR`` and
    parentheses. Operators must be upper case."""
    tokens = re.findall(r"\(|\)|[^\s()]+", value)
    if not tokens:
        return False
    parser = _SpdxParser(tokens)
    try:
        parser.expression()
    except ValueError:
        return False
    return parser.pos == len(tokens)


class _SpdxParser:
    def __init__(self, tokens: list[str]) -> None:
        self.tokens = tokens
        self.pos = 0

    def peek(self) -> str | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> str:
        tok = self.peek()
        if tok is None:
            raise ValueError("unexpected end")
        self.pos += 1
        return tok

    def expression(self) -> None:
        self.conjunction()
        while self.peek() == "OR":
            self.take()
            self.conjunction()

    def conjunction(self) -> None:
        self.term()
        while self.peek() == "AND":
            self.take()
            self.term()

    def term(self) -> None:
        tok = self.take()
        if tok == "(":
            self.expression()
            if self.take() != ")":
                raise ValueError("missing )")
            return
        if tok in ("AND", "OR", "WITH", ")"):
            raise ValueError(f"unexpected {tok}")
        if not _license(tok):
            raise ValueError(f"unknown license {tok}")
        if self.peek() == "WITH":
            self.take()
            exc = self.take()
            if exc.lower() not in _EXCEPTIONS and not _ADDITION_REF.fullmatch(exc):
                raise ValueError(f"unknown exception {exc}")


def _license(tok: str) -> bool:
    if _REF.fullmatch(tok):
        return True
    low = tok.lower()
    if low in _LICENSES:
        return True
    return low.endswith("+") and _SPDX_ID.fullmatch(low[:-1]) is not None and \
        low[:-1] in _LICENSES


# ---- RFC 5322 mailboxes

_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~\-]"
_DOT_ATOM = lazy(rf"{_ATEXT}+(?:\.{_ATEXT}+)*")
_QUOTED = lazy(r'"(?:[^"\\\r\n]|\\.)*"')
_DOMAIN_LITERAL = lazy(r"\[[!-Z^-~]*\]")


def _addr_spec(text: str) -> bool:
    local, at, domain = text.rpartition("@")
    if not at or not local or not domain:
        return False
    if not (_DOT_ATOM.fullmatch(local) or _QUOTED.fullmatch(local)):
        return False
    if not local.isascii() or not domain.isascii():
        return False
    return bool(_DOT_ATOM.fullmatch(domain) or _DOMAIN_LITERAL.fullmatch(domain))


def _strip_comments(text: str) -> str | None:
    """``text`` without its RFC 5322 comments (``(...)``, nested, ``\\`` escapes) outside
    quoted strings; None when a parenthesis is unbalanced."""
    out: list[str] = []
    depth = 0
    quoted = escaped = False
    for ch in text:
        if escaped:
            escaped = False
            if depth == 0:
                out.append(ch)
            continue
        if ch == "\\" and (quoted or depth):
            escaped = True
            if depth == 0:
                out.append(ch)
            continue
        if depth == 0 and ch == '"':
            quoted = not quoted
        elif not quoted and ch == "(":
            depth += 1
            out.append(" ")
            continue
        elif not quoted and ch == ")":
            if depth == 0:
                return None
            depth -= 1
            continue
        if depth == 0:
            out.append(ch)
    return None if depth or quoted else "".join(out)


def _mailbox(text: str) -> bool:
    stripped = _strip_comments(text)
    if stripped is None:
        return False
    text = stripped.strip()
    if text.endswith(">") and "<" in text:
        at = text.rfind("<")
        name, addr = text[:at].strip(), text[at + 1:-1].strip()
        if "<" in name or ">" in name:
            return False
        if name.startswith('"') and not _QUOTED.fullmatch(name):
            return False
        return _addr_spec(addr)
    return _addr_spec(text)


def _split_mailboxes(value: str) -> list[str]:
    out: list[str] = []
    cur: list[str] = []
    quoted = angle = False
    depth = 0
    escaped = False
    for ch in value:
        if escaped:
            escaped = False
        elif ch == "\\" and (quoted or depth):
            escaped = True
        elif ch == '"' and not depth:
            quoted = not quoted
        elif ch == "(" and not quoted:
            depth += 1
        elif ch == ")" and not quoted and depth:
            depth -= 1
        elif ch == "<" and not quoted and not depth:
            angle = True
        elif ch == ">" and not quoted and not depth:
            angle = False
        elif ch == "," and not quoted and not angle and not depth:
            out.append("".join(cur))
            cur = []
            continue
        cur.append(ch)
    out.append("".join(cur))
    return out


def is_email(value: str) -> bool:
    """One or more RFC 5322 mailboxes separated by commas: an address (``local@domain``) or a
    display name followed by an address in angle brackets; comments in parentheses around them
    are allowed (``Jane <jane@example.com> (on call)``)."""
    parts = _split_mailboxes(value)
    return all(p.strip() and _mailbox(p) for p in parts)


_CHECKS: dict[str, Callable[[str], bool]] = {
    "url": is_url, "rfc3339": is_rfc3339, "spdx": is_spdx, "hash": is_git_hash,
    "semver": is_semver, "email": is_email,
}


# The SPDX License List 3.27.0: license and exception identifiers (data, CC0).
_LICENSE_IDS = """
0BSD 3D-Slicer-1.0 AAL ADSL AFL-1.1 AFL-1.2 AFL-2.0 AFL-2.1 AFL-3.0 AGPL-1.0 AGPL-1.0-only
AGPL-1.0-or-later AGPL-3.0 AGPL-3.0-only AGPL-3.0-or-later AMD-newlib AMDPLPA AML AML-glslang
AMPAS ANTLR-PD ANTLR-PD-fallback APAFML APL-1.0 APSL-1.0 APSL-1.1 APSL-1.2 APSL-2.0
ASWF-Digital-Assets-1.0 ASWF-Digital-Assets-1.1 Abstyles AdaCore-doc Adobe-2006
Adobe-Display-PostScript Adobe-Glyph Adobe-Utopia Afmparse Aladdin Apache-1.0 Apache-1.1
Apache-2.0 App-s2p Arphic-1999 Artistic-1.0 Artistic-1.0-Perl Artistic-1.0-cl8 Artistic-2.0
Artistic-dist Aspell-RU BSD-1-Clause BSD-2-Clause BSD-2-Clause-Darwin BSD-2-Clause-FreeBSD
BSD-2-Clause-NetBSD BSD-2-Clause-Patent BSD-2-Clause-Views BSD-2-Clause-first-lines
BSD-2-Clause-pkgconf-disclaimer BSD-3-Clause BSD-3-Clause-Attribution BSD-3-Clause-Clear
BSD-3-Clause-HP BSD-3-Clause-LBNL BSD-3-Clause-Modification BSD-3-Clause-No-Military-License
BSD-3-Clause-No-Nuclear-License BSD-3-Clause-No-Nuclear-License-2014
BSD-3-Clause-No-Nuclear-Warranty BSD-3-Clause-Open-MPI BSD-3-Clause-Sun BSD-3-Clause-acpica
BSD-3-Clause-flex BSD-4-Clause BSD-4-Clause-Shortened BSD-4-Clause-UC BSD-4.3RENO BSD-4.3TAHOE
BSD-Advertising-Acknowledgement BSD-Attribution-HPND-disclaimer BSD-Inferno-Nettverk
BSD-Protection BSD-Source-Code BSD-Source-beginning-file BSD-Systemics BSD-Systemics-W3Works
BSL-1.0 BUSL-1.1 Baekmuk Bahyph Barr Beerware BitTorrent-1.0 BitTorrent-1.1 Bitstream-Charter
Bitstream-Vera BlueOak-1.0.0 Boehm-GC Boehm-GC-without-fee Borceux Brian-Gladman-2-Clause
Brian-Gladman-3-Clause C-UDA-1.0 CAL-1.0 CAL-1.0-Combined-Work-Exception CATOSL-1.1 CC-BY-1.0
CC-BY-2.0 CC-BY-2.5 CC-BY-2.5-AU CC-BY-3.0 CC-BY-3.0-AT CC-BY-3.0-AU CC-BY-3.0-DE CC-BY-3.0-IGO
CC-BY-3.0-NL CC-BY-3.0-US CC-BY-4.0 CC-BY-NC-1.0 CC-BY-NC-2.0 CC-BY-NC-2.5 CC-BY-NC-3.0
CC-BY-NC-3.0-DE CC-BY-NC-4.0 CC-BY-NC-ND-1.0 CC-BY-NC-ND-2.0 CC-BY-NC-ND-2.5 CC-BY-NC-ND-3.0
CC-BY-NC-ND-3.0-DE CC-BY-NC-ND-3.0-IGO CC-BY-NC-ND-4.0 CC-BY-NC-SA-1.0 CC-BY-NC-SA-2.0
CC-BY-NC-SA-2.0-DE CC-BY-NC-SA-2.0-FR CC-BY-NC-SA-2.0-UK CC-BY-NC-SA-2.5 CC-BY-NC-SA-3.0
CC-BY-NC-SA-3.0-DE CC-BY-NC-SA-3.0-IGO CC-BY-NC-SA-4.0 CC-BY-ND-1.0 CC-BY-ND-2.0 CC-BY-ND-2.5
CC-BY-ND-3.0 CC-BY-ND-3.0-DE CC-BY-ND-4.0 CC-BY-SA-1.0 CC-BY-SA-2.0 CC-BY-SA-2.0-UK
CC-BY-SA-2.1-JP CC-BY-SA-2.5 CC-BY-SA-3.0 CC-BY-SA-3.0-AT CC-BY-SA-3.0-DE CC-BY-SA-3.0-IGO
CC-BY-SA-4.0 CC-PDDC CC-PDM-1.0 CC-SA-1.0 CC0-1.0 CDDL-1.0 CDDL-1.1 CDL-1.0 CDLA-Permissive-1.0
CDLA-Permissive-2.0 CDLA-Sharing-1.0 CECILL-1.0 CECILL-1.1 CECILL-2.0 CECILL-2.1 CECILL-B
CECILL-C CERN-OHL-1.1 CERN-OHL-1.2 CERN-OHL-P-2.0 CERN-OHL-S-2.0 CERN-OHL-W-2.0 CFITSIO CMU-Mach
CMU-Mach-nodoc CNRI-Jython CNRI-Python CNRI-Python-GPL-Compatible COIL-1.0 CPAL-1.0 CPL-1.0
CPOL-1.02 CUA-OPL-1.0 Caldera Caldera-no-preamble Catharon ClArtistic Clips Community-Spec-1.0
Condor-1.1 Cornell-Lossless-JPEG Cronyx Crossword CryptoSwift CrystalStacker Cube D-FSL-1.0
DEC-3-Clause DL-DE-BY-2.0 DL-DE-ZERO-2.0 DOC DRL-1.0 DRL-1.1 DSDP DocBook-DTD DocBook-Schema
DocBook-Stylesheet DocBook-XML Dotseqn ECL-1.0 ECL-2.0 EFL-1.0 EFL-2.0 EPICS EPL-1.0 EPL-2.0
EUDatagrid EUPL-1.0 EUPL-1.1 EUPL-1.2 Elastic-2.0 Entessa ErlPL-1.1 Eurosym FBM FDK-AAC FSFAP
FSFAP-no-warranty-disclaimer FSFUL FSFULLR FSFULLRSD FSFULLRWD FSL-1.1-ALv2 FSL-1.1-MIT FTL Fair
Ferguson-Twofish Frameworx-1.0 FreeBSD-DOC FreeImage Furuseth GCR-docs GD GFDL-1.1
GFDL-1.1-invariants-only GFDL-1.1-invariants-or-later GFDL-1.1-no-invariants-only
GFDL-1.1-no-invariants-or-later GFDL-1.1-only GFDL-1.1-or-later GFDL-1.2
GFDL-1.2-invariants-only GFDL-1.2-invariants-or-later GFDL-1.2-no-invariants-only
GFDL-1.2-no-invariants-or-later GFDL-1.2-only GFDL-1.2-or-later GFDL-1.3
GFDL-1.3-invariants-only GFDL-1.3-invariants-or-later GFDL-1.3-no-invariants-only
GFDL-1.3-no-invariants-or-later GFDL-1.3-only GFDL-1.3-or-later GL2PS GLWTPL GPL-1.0 GPL-1.0+
GPL-1.0-only GPL-1.0-or-later GPL-2.0 GPL-2.0+ GPL-2.0-only GPL-2.0-or-later
GPL-2.0-with-GCC-exception GPL-2.0-with-autoconf-exception GPL-2.0-with-bison-exception
GPL-2.0-with-classpath-exception GPL-2.0-with-font-exception GPL-3.0 GPL-3.0+ GPL-3.0-only
GPL-3.0-or-later GPL-3.0-with-GCC-exception GPL-3.0-with-autoconf-exception
Game-Programming-Gems Giftware Glide Glulxe Graphics-Gems Gutmann HDF5 HIDAPI HP-1986 HP-1989
HPND HPND-DEC HPND-Fenneberg-Livingston HPND-INRIA-IMAG HPND-Intel HPND-Kevlin-Henney
HPND-MIT-disclaimer HPND-Markus-Kuhn HPND-Netrek HPND-Pbmplus HPND-UC HPND-UC-export-US HPND-doc
HPND-doc-sell HPND-export-US HPND-export-US-acknowledgement HPND-export-US-modify
HPND-export2-US HPND-merchantability-variant HPND-sell-MIT-disclaimer-xserver HPND-sell-regexpr
HPND-sell-variant HPND-sell-variant-MIT-disclaimer HPND-sell-variant-MIT-disclaimer-rev HTMLTIDY
HaskellReport Hippocratic-2.1 IBM-pibs ICU IEC-Code-Components-EULA IJG IJG-short IPA IPL-1.0
ISC ISC-Veillard ImageMagick Imlib2 Info-ZIP Inner-Net-2.0 InnoSetup Intel Intel-ACPI
Interbase-1.0 JPL-image JPNIC JSON Jam JasPer-2.0 Kastrup Kazlib Knuth-CTAN LAL-1.2 LAL-1.3
LGPL-2.0 LGPL-2.0+ LGPL-2.0-only LGPL-2.0-or-later LGPL-2.1 LGPL-2.1+ LGPL-2.1-only
LGPL-2.1-or-later LGPL-3.0 LGPL-3.0+ LGPL-3.0-only LGPL-3.0-or-later LGPLLR LOOP LPD-document
LPL-1.0 LPL-1.02 LPPL-1.0 LPPL-1.1 LPPL-1.2 LPPL-1.3a LPPL-1.3c LZMA-SDK-9.11-to-9.20
LZMA-SDK-9.22 Latex2e Latex2e-translated-notice Leptonica LiLiQ-P-1.1 LiLiQ-R-1.1
LiLiQ-Rplus-1.1 Libpng Linux-OpenIB Linux-man-pages-1-para Linux-man-pages-copyleft
Linux-man-pages-copyleft-2-para Linux-man-pages-copyleft-var Lucida-Bitmap-Fonts MIPS MIT MIT-0
MIT-CMU MIT-Click MIT-Festival MIT-Khronos-old MIT-Modern-Variant MIT-Wu MIT-advertising
MIT-enna MIT-feh MIT-open-group MIT-testregex MITNFA MMIXware MPEG-SSG MPL-1.0 MPL-1.1 MPL-2.0
MPL-2.0-no-copyleft-exception MS-LPL MS-PL MS-RL MTLL Mackerras-3-Clause
Mackerras-3-Clause-acknowledgment MakeIndex Martin-Birgmeier McPhee-slideshow Minpack MirOS
Motosoto MulanPSL-1.0 MulanPSL-2.0 Multics Mup NAIST-2003 NASA-1.3 NBPL-1.0 NCBI-PD NCGL-UK-2.0
NCL NCSA NGPL NICTA-1.0 NIST-PD NIST-PD-fallback NIST-Software NLOD-1.0 NLOD-2.0 NLPL NOSL
NPL-1.0 NPL-1.1 NPOSL-3.0 NRL NTIA-PD NTP NTP-0 Naumen Net-SNMP NetCDF Newsletr Nokia Noweb
Nunit O-UDA-1.0 OAR OCCT-PL OCLC-2.0 ODC-By-1.0 ODbL-1.0 OFFIS OFL-1.0 OFL-1.0-RFN
OFL-1.0-no-RFN OFL-1.1 OFL-1.1-RFN OFL-1.1-no-RFN OGC-1.0 OGDL-Taiwan-1.0 OGL-Canada-2.0
OGL-UK-1.0 OGL-UK-2.0 OGL-UK-3.0 OGTSL OLDAP-1.1 OLDAP-1.2 OLDAP-1.3 OLDAP-1.4 OLDAP-2.0
OLDAP-2.0.1 OLDAP-2.1 OLDAP-2.2 OLDAP-2.2.1 OLDAP-2.2.2 OLDAP-2.3 OLDAP-2.4 OLDAP-2.5 OLDAP-2.6
OLDAP-2.7 OLDAP-2.8 OLFL-1.3 OML OPL-1.0 OPL-UK-3.0 OPUBL-1.0 OSET-PL-2.1 OSL-1.0 OSL-1.1
OSL-2.0 OSL-2.1 OSL-3.0 OpenPBS-2.3 OpenSSL OpenSSL-standalone OpenVision PADL PDDL-1.0 PHP-3.0
PHP-3.01 PPL PSF-2.0 Parity-6.0.0 Parity-7.0.0 Pixar Plexus PolyForm-Noncommercial-1.0.0
PolyForm-Small-Business-1.0.0 PostgreSQL Python-2.0 Python-2.0.1 QPL-1.0 QPL-1.0-INRIA-2004
Qhull RHeCos-1.1 RPL-1.1 RPL-1.5 RPSL-1.0 RSA-MD RSCPL Rdisc Ruby Ruby-pty SAX-PD SAX-PD-2.0
SCEA SGI-B-1.0 SGI-B-1.1 SGI-B-2.0 SGI-OpenGL SGP4 SHL-0.5 SHL-0.51 SISSL SISSL-1.2 SL SMAIL-GPL
SMLNJ SMPPL SNIA SOFA SPL-1.0 SSH-OpenSSH SSH-short SSLeay-standalone SSPL-1.0 SUL-1.0 SWL
Saxpath SchemeReport Sendmail Sendmail-8.23 Sendmail-Open-Source-1.1 SimPL-2.0 Sleepycat Soundex
Spencer-86 Spencer-94 Spencer-99 StandardML-NJ SugarCRM-1.1.3 Sun-PPP Sun-PPP-2000 SunPro
Symlinks TAPR-OHL-1.0 TCL TCP-wrappers TGPPL-1.0 TMate TORQUE-1.1 TOSL TPDL TPL-1.0 TTWL TTYP0
TU-Berlin-1.0 TU-Berlin-2.0 TermReadKey ThirdEye TrustedQSL UCAR UCL-1.0 UMich-Merit UPL-1.0
URT-RLE Ubuntu-font-1.0 Unicode-3.0 Unicode-DFS-2015 Unicode-DFS-2016 Unicode-TOU UnixCrypt
Unlicense Unlicense-libtelnet Unlicense-libwhirlpool VOSTROM VSL-1.0 Vim W3C W3C-19980720
W3C-20150513 WTFPL Watcom-1.0 Widget-Workshop Wsuipa X11 X11-distribute-modifications-variant
X11-swapped XFree86-1.1 XSkat Xdebug-1.03 Xerox Xfig Xnet YPL-1.0 YPL-1.1 ZPL-1.1 ZPL-2.0
ZPL-2.1 Zed Zeeff Zend-2.0 Zimbra-1.3 Zimbra-1.4 Zlib any-OSI any-OSI-perl-modules
bcrypt-Solar-Designer blessing bzip2-1.0.5 bzip2-1.0.6 check-cvs checkmk copyleft-next-0.3.0
copyleft-next-0.3.1 curl cve-tou diffmark dtoa dvipdfm eCos-2.0 eGenix etalab-2.0 fwlw
gSOAP-1.3b generic-xts gnuplot gtkbook hdparm iMatix jove libpng-1.6.35 libpng-2.0
libselinux-1.0 libtiff libutil-David-Nugent lsof magaz mailprio man2html metamail mpi-permissive
mpich2 mplus ngrep pkgconf pnmstitch psfrag psutils python-ldap radvd snprintf softSurfer
ssh-keyscan swrule threeparttable ulem w3m wwl wxWindows xinetd xkeyboard-config-Zinoviev xlock
xpp xzoom zlib-acknowledgement
"""
_EXCEPTION_IDS = """
389-exception Asterisk-exception Asterisk-linking-protocols-exception Autoconf-exception-2.0
Autoconf-exception-3.0 Autoconf-exception-generic Autoconf-exception-generic-3.0
Autoconf-exception-macro Bison-exception-1.24 Bison-exception-2.2 Bootloader-exception
CGAL-linking-exception CLISP-exception-2.0 Classpath-exception-2.0 DigiRule-FOSS-exception
Digia-Qt-LGPL-exception-1.1 FLTK-exception Fawkes-Runtime-exception Font-exception-2.0
GCC-exception-2.0 GCC-exception-2.0-note GCC-exception-3.1 GNAT-exception
GNOME-examples-exception GNU-compiler-exception GPL-3.0-389-ds-base-exception
GPL-3.0-interface-exception GPL-3.0-linking-exception GPL-3.0-linking-source-exception
GPL-CC-1.0 GStreamer-exception-2005 GStreamer-exception-2008 Gmsh-exception
Independent-modules-exception KiCad-libraries-exception LGPL-3.0-linking-exception LLGPL
LLVM-exception LZMA-exception Libtool-exception Linux-syscall-note Nokia-Qt-exception-1.1
OCCT-exception-1.0 OCaml-LGPL-linking-exception OpenJDK-assembly-exception-1.0 PCRE2-exception
PS-or-PDF-font-exception-20170817 QPL-1.0-INRIA-2004-exception Qt-GPL-exception-1.0
Qt-LGPL-exception-1.1 Qwt-exception-1.0 RRDtool-FLOSS-exception-2.0 SANE-exception SHL-2.0
SHL-2.1 SWI-exception Swift-exception Texinfo-exception UBDL-exception
Universal-FOSS-exception-1.0 WxWindows-exception-3.1 cryptsetup-OpenSSL-exception
eCos-exception-2.0 erlang-otp-linking-exception fmt-exception freertos-exception-2.0
gnu-javamail-exception harbour-exception i2p-gpl-java-exception libpri-OpenH323-exception
mif-exception mxml-exception openvpn-openssl-exception polyparse-exception romic-exception
stunnel-exception u-boot-exception-2.0 vsftpd-openssl-exception x11vnc-openssl-exception
"""
_LICENSES = frozenset(_LICENSE_IDS.lower().split())
_EXCEPTIONS = frozenset(_EXCEPTION_IDS.lower().split())
