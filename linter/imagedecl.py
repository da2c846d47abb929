"""Base images described in the configuration: the ``images:`` key.

docklint knows the public images of its data file (``data/base_images.tsv``). A team's own base
images (``FROM registry.corp.example/platform/base-python:3.12``) are described in
``.docklint.yaml`` (or ``[tool.docklint]``), by reference pattern::

    images:
      "registry.corp.example/platform/base-python:*":
        like: python:3.12-slim        # start from a known image's facts, then override
        users: [root, app]
        ca-bundle: true
      "registry.corp.example/static-base:*":
        shell: null                   # no shell at all
        libc: none
        user: "65532"
        size-mb: 3.1

Every key is optional; what an entry does not say stays unknown (or, with ``like:``, is what the
data file says of that image), and unknown facts are never guessed at. ``docklint image learn``
prints such an entry from an image archive.

**Patterns.** ``*`` stands for any run of characters, ``?`` for one. The repository part is
matched against the reference as written after ARG substitution and in its full form
(``docker.io/library/python``), so ``python`` and ``docker.io/library/python`` both work. A
pattern without a tag matches every tag and digest of the repository; ``name:PATTERN`` matches
the tag (an untagged reference is ``latest``; a reference with only a digest matches a tag
pattern of ``*``); ``name@PATTERN`` matches the digest. When several patterns match, the one
with the most literal characters wins (the first written, on a tie).
"""

from __future__ import annotations

from docklint.record import record, replace
TYPE_CHECKING = False   # typing.TYPE_CHECKING without importing typing (3 ms of each start)

if TYPE_CHECKING:
    from typing import Any, Mapping
    from .imageref import ImageRef
    from .images import ImageFacts

__all__ = ["Declared", "KEYS", "validate_entry", "validate_pattern", "match", "facts_for"]

#: every key an ``images:`` entry may have, and what it holds
KEYS = {
    "like": "an image docklint knows (see `docklint image list`) whose facts this one starts from",
    "kind": "what the image is for: os, os-slim, minimal, runtime, toolchain, distroless, "
            "chainguard or scratch",
    "shell": "the shell's path (`/bin/sh`), true (it has one), or null/false (no shell)",
    "libc": "none, glibc or musl",
    "ca-bundle": "true when a system CA bundle is present",
    "tzdata": "true when /usr/share/zoneinfo is present",
    "user": "the user a container runs as when the Dockerfile sets no USER (a name or uid)",
    "users": "the users of /etc/passwd: a list of names, or a mapping name -> uid",
    "groups": "the groups of /etc/group: a list of names, or a mapping name -> gid",
    "size-mb": "the compressed size in MB (10^6 bytes), for the size rules' messages",
    "workdir": "the image config's working directory",
    "env": "the image config's environment: a mapping name -> value",
    "entrypoint": "the image config's ENTRYPOINT: a list of strings, or null",
    "cmd": "the image config's CMD: a list of strings, or null",
    "learned-from": "what `docklint image learn` read these facts from (informational)",
}
_KINDS = ("os", "os-slim", "minimal", "runtime", "toolchain", "distroless", "chainguard",
          "scratch")
MAX_PATTERN = 256
MAX_IMAGES = 1000          # entries under `images:`
MAX_STARS = 16
MAX_NAMES = 10_000


@record(frozen=True)
class Declared:
    """One validated ``images:`` entry: its pattern, its values and where it was written."""

    pattern: str
    values: Mapping[str, Any]
    where: str = ""                     # "file:line"

    @property
    def literal(self) -> int:
        return sum(c not in "*?" for c in self.pattern)


def _suggest(key: str) -> str:
    import difflib
    hint = difflib.get_close_matches(key, list(KEYS), n=1)
    return f" (did you mean {hint[0]!r}?)" if hint else f" (known keys: {', '.join(KEYS)})"


def validate_pattern(pattern: Any) -> str:
    if not isinstance(pattern, str) or not pattern.strip():
        raise ValueError("an image pattern must be a non-empty string")
    if len(pattern) > MAX_PATTERN:
        raise ValueError(f"an image pattern is at most {MAX_PATTERN} characters")
    if pattern.count("*") > MAX_STARS:
        raise ValueError(f"an image pattern has at most {MAX_STARS} '*'")
    if any(c.isspace() for c in pattern):
        raise ValueError(f"image pattern {pattern!r} contains white space")
    return pattern


def _bool(key: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"{key} must be true or false, not {value!r}")
    return value


def _text(key: str, value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int)) or str(value) == "":
        raise ValueError(f"{key} must be a non-empty string")
    return str(value)


def _names(key: str, value: Any) -> tuple[tuple[str, int | None], ...]:
    if isinstance(value, list):
        items = [(v, None) for v in value]
    elif isinstance(value, dict):
        items = list(value.items())
    else:
        raise ValueError(f"{key} must be a list of names or a mapping name -> id")
    if len(items) > MAX_NAMES:
        raise ValueError(f"{key} has more than {MAX_NAMES} entries")
    out = []
    for name, ident in items:
        if not isinstance(name, str) or not name or ":" in name or any(c.isspace() for c in name):
            raise ValueError(f"{key}: {name!r} is not a user or group name")
        if ident is not None and (isinstance(ident, bool) or not isinstance(ident, int)
                                  or ident < 0):
            raise ValueError(f"{key}: the id of {name!r} must be a number >= 0")
        out.append((name, ident))
    return tuple(out)


def _argv(key: str, value: Any) -> tuple[str, ...] | None:
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"{key} must be a list of strings, or null")
    return tuple(value)


def validate_entry(entry: Any) -> dict[str, Any]:
    """The normalised values of one ``images:`` entry; ValueError naming what is wrong."""
    if entry is None:
        entry = {}
    if not isinstance(entry, dict):
        raise ValueError("an image entry must be a mapping of facts (like, shell, users...)")
    out: dict[str, Any] = {}
    for key, value in entry.items():
        key = str(key)
        if key not in KEYS:
            raise ValueError(f"unknown key {key!r}{_suggest(key)}")
        if key == "like":
            from .images import lookup
            like = _text(key, value)
            if lookup(like) is None:
                raise ValueError(f"like: {like!r} is not an image docklint knows "
                                 "(`docklint image list` shows them)")
            out[key] = like
        elif key == "kind":
            if value not in _KINDS:
                raise ValueError(f"kind must be one of {', '.join(_KINDS)}")
            out[key] = value
        elif key == "shell":
            if value is None or value is False:
                out[key] = None
            elif value is True:
                out[key] = True
            elif isinstance(value, str) and value.startswith("/") and "\0" not in value:
                out[key] = value
            else:
                raise ValueError("shell must be an absolute path, true, or null (no shell)")
        elif key == "libc":
            if value not in ("none", "glibc", "musl"):
                raise ValueError("libc must be none, glibc or musl")
            out[key] = value
        elif key in ("ca-bundle", "tzdata"):
            out[key] = _bool(key, value)
        elif key == "user":
            out[key] = _text(key, value)
        elif key in ("users", "groups"):
            out[key] = _names(key, value)
        elif key == "size-mb":
            if isinstance(value, bool) or not isinstance(value, (int, float)) or \
                    not 0 <= value < 1e7:
                raise ValueError("size-mb must be a number of megabytes")
            out[key] = value
        elif key == "workdir":
            out[key] = _text(key, value)
        elif key == "env":
            if not isinstance(value, dict) or not all(
                    isinstance(k, str) and isinstance(v, (str, int, float)) and
                    not isinstance(v, bool) for k, v in value.items()):
                raise ValueError("env must be a mapping name -> value")
            if len(value) > MAX_NAMES:
                raise ValueError(f"env has more than {MAX_NAMES} entries")
            out[key] = tuple((k, str(v)) for k, v in value.items())
        elif key in ("entrypoint", "cmd"):
            out[key] = _argv(key, value)
        else:                                   # learned-from
            out[key] = _text(key, value)
    return out


# --- matching ------------------------------------------------------------------------------

def _glob(pattern: str, text: str) -> bool:
    """``*`` any run, ``?`` one character; linear in practice (two pointers, one backtrack
    point), never exponential."""
    p = t = 0
    star = -1
    mark = 0
    while t < len(text):
        if p < len(pattern) and (pattern[p] == "?" or pattern[p] == text[t]):
            p += 1
            t += 1
        elif p < len(pattern) and pattern[p] == "*":
            star, mark = p, t
            p += 1
        elif star >= 0:
            p = star + 1
            mark += 1
            t = mark
        else:
            return False
    while p < len(pattern) and pattern[p] == "*":
        p += 1
    return p == len(pattern)


def _split(pattern: str) -> tuple[str, str | None, str | None]:
    """``name[:tag][@digest]`` of a pattern."""
    name, _, digest = pattern.partition("@")
    slash = name.rfind("/")
    colon = name.rfind(":")
    tag = None
    if colon > slash:
        name, tag = name[:colon], name[colon + 1:]
    return name, tag, (digest if "@" in pattern else None)


def matches(pattern: str, ref: "ImageRef") -> bool:
    name, tag, digest = _split(pattern)
    names = {ref.repository, f"{ref.registry}/{ref.path}"}
    if not any(_glob(name, n) for n in names):
        return False
    if digest is not None and (ref.digest is None or not _glob(digest, ref.digest)):
        return False
    if tag is not None:
        if ref.tag is None and ref.digest is not None:
            return tag == "*"
        if not _glob(tag, ref.tag or "latest"):
            return False
    return True


def match(declared: tuple[Declared, ...], ref: "ImageRef") -> Declared | None:
    """The entry that describes ``ref``: the matching pattern with the most literal
    characters, the first on a tie; None when none matches."""
    best: Declared | None = None
    for entry in declared:
        if matches(entry.pattern, ref) and (best is None or entry.literal > best.literal):
            best = entry
    return best


# --- facts ---------------------------------------------------------------------------------

def facts_for(entry: Declared, ref: "ImageRef") -> "ImageFacts":
    """The facts of an image ``entry`` describes: ``like:``'s row (or nothing known), with the
    declared keys on top. The ``like:`` image's end-of-life date is not inherited: a team's
    own image has a life of its own."""
    from .images import ImageFacts, lookup
    v = entry.values
    base = lookup(v["like"]) if "like" in v else None
    if base is None:
        base = ImageFacts(image=ref.repository, tag=ref.tag or "latest", family="custom",
                          variant="full", kind="custom", has_shell=None, has_ca_certs=None,
                          libc=None, has_tzdata=None, default_uid=None, compressed_bytes=None,
                          approx_compressed_bytes=None, eol=None, eol_source=None, source="",
                          notes="")
    else:
        base = replace(base, image=ref.repository, tag=ref.tag or "latest")
    changes: dict[str, Any] = {}
    if "kind" in v:
        changes["kind"] = v["kind"]
    if "shell" in v:
        shell = v["shell"]
        changes["has_shell"] = shell is not None
        changes["shell_path"] = shell if isinstance(shell, str) else None
    if "libc" in v:
        changes["libc"] = v["libc"]
    if "ca-bundle" in v:
        changes["has_ca_certs"] = v["ca-bundle"]
    if "tzdata" in v:
        changes["has_tzdata"] = v["tzdata"]
    if "users" in v:
        changes["users"] = v["users"]
    if "groups" in v:
        changes["groups"] = v["groups"]
    if "user" in v:
        user = v["user"].partition(":")[0]
        changes["default_user"] = user
        ids = dict(v.get("users", ()))
        changes["default_uid"] = int(user) if user.isdigit() else \
            0 if user == "root" else ids.get(user)
    if "size-mb" in v:
        changes["compressed_bytes"] = int(round(v["size-mb"] * 1_000_000))
        changes["approx_compressed_bytes"] = None
    for key, field_name in (("workdir", "workdir"), ("env", "env"),
                            ("entrypoint", "entrypoint"), ("cmd", "cmd")):
        if key in v:
            changes[field_name] = v[key]
    learned = f", learned from {v['learned-from']}" if "learned-from" in v else ""
    note = f"declared in {entry.where or 'the configuration'} (images: {entry.pattern!r}" \
           f"{learned})"
    return replace(base, **changes, origin="declared", origin_note=note,
                   declared_keys=frozenset(k for k in v if k not in ("like", "learned-from")),
                   like=v.get("like"), source=note, eol=None, eol_source=None)
