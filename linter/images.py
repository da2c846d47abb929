"""What docklint knows about common base images: shell, CA bundle, libc, size, end of life.

The facts live in ``data/base_images.tsv`` (see ``data/README.md``), read once on first use.
``lookup`` maps a ``FROM`` reference to the row of its image family and tag variant, and
``suggest_lighter`` names a lighter documented base for what the final image runs.
"""

from __future__ import annotations

import os
import re
from docklint.record import record, replace
from functools import lru_cache
TYPE_CHECKING = False   # typing.TYPE_CHECKING without importing typing (3 ms of each start)

from docklint.lazyre import lazy
from docklint.imageref import ImageRef, parse_image_ref

if TYPE_CHECKING:
    from datetime import date
    from typing import Any

    from docklint.imagedecl import Declared


__all__ = ["ImageFacts", "Suggestion", "describe", "env_values", "format_size", "image_env",
           "is_eol", "knows_repository", "lookup", "saving", "scratch", "ships_compiler", "successor",
           "suggest_lighter", "tools", "is_tool"]

KINDS = frozenset({"scratch", "os", "os-slim", "minimal", "toolchain", "runtime", "distroless",
                   "chainguard", "custom"})
_HEAVY = frozenset({"toolchain", "os"})
# Rough weight of each kind, used when sizes are not both known.
_WEIGHT = {"scratch": 0, "distroless": 1, "chainguard": 1, "minimal": 2, "os-slim": 3,
           "runtime": 3, "toolchain": 4, "os": 4, "custom": 3}


@record(frozen=True)
class ImageFacts:
    """One row of the data file, as matched by ``lookup`` (``None`` fields are unknown)."""

    image: str
    tag: str
    family: str
    variant: str
    kind: str
    has_shell: bool | None
    has_ca_certs: bool | None
    libc: str | None  # 'glibc' | 'musl' | 'none'
    has_tzdata: bool | None
    default_uid: int | None
    compressed_bytes: int | None
    approx_compressed_bytes: int | None
    eol: str | None
    eol_source: str | None
    source: str
    notes: str
    # when the row's source describes the image (data file), and whether the row says the
    # image has reached its end of life ("end-of-life"; see data/README.md)
    as_of: str | None = None
    status: str = ""
    # Facts only a declared or learned image carries (the data file has no columns for them):
    # the users and groups of /etc/passwd and /etc/group (name -> id, None when the id is not
    # given), the image config's default user, working directory, environment, entrypoint and
    # command. None: not known.
    users: tuple[tuple[str, int | None], ...] | None = None
    groups: tuple[tuple[str, int | None], ...] | None = None
    default_user: str | None = None
    workdir: str | None = None
    env: tuple[tuple[str, str], ...] | None = None
    entrypoint: tuple[str, ...] | None = None
    cmd: tuple[str, ...] | None = None
    shell_path: str | None = None
    # where the facts come from: "data" (data/base_images.tsv), or "declared" (the `images:`
    # key of a configuration); ``origin_note`` says which file, line and pattern, and what the
    # entry started from (``like:``) or was learned from (``docklint image learn``)
    origin: str = "data"
    origin_note: str = ""
    declared_keys: frozenset[str] = frozenset()
    like: str | None = None             # the ``like:`` image a declared entry starts from

    def fact_source(self, key: str) -> str:
        """Where one fact (an ``images:`` key: ``shell``, ``users``, ``ca-bundle``...) comes
        from, in words: ``declared in .docklint.yaml:4``, ``like python:3.12-slim (data
        file)``, ``docklint's base-image data``."""
        if self.origin != "declared":
            return "docklint's base-image data"
        if key in self.declared_keys:
            return self.origin_note
        return f"like {self.like} (docklint's base-image data)" if self.like else "not declared"

    @property
    def size_bytes(self) -> int | None:
        """Exact compressed size if known, else the documented approximation."""
        return self.compressed_bytes if self.compressed_bytes is not None \
            else self.approx_compressed_bytes

    @property
    def size_text(self) -> str:
        return format_size(self.size_bytes, approx=self.compressed_bytes is None)

    @property
    def end_of_life(self) -> bool:
        return is_eol(self)

    @property
    def heavy(self) -> bool:
        """A full OS or a toolchain image: rarely what a final stage needs."""
        return self.kind in _HEAVY


@record(frozen=True)
class Suggestion:
    """A lighter base: ``image`` as the user should write it in ``FROM``, and its facts."""

    image: str
    facts: ImageFacts


def is_eol(facts: ImageFacts, today: date | None = None) -> bool:
    """True when ``facts.eol`` is on or before ``today`` (default: the current local date).
    The dates are YYYY-MM-DD (checked when the data is read), which compare as strings."""
    if facts.eol is None:
        return False
    if today is None:
        import time
        return facts.eol <= time.strftime("%Y-%m-%d")
    return facts.eol <= today.isoformat()


def successor(ref: ImageRef | str, today: date | None = None) -> str | None:
    """A supported replacement for an image tied to a Debian release, as it should be written.

    The same image line on the newest Debian release the data records and does not mark
    end-of-life on ``today``, keeping a tag that still applies (``.../static-debian11:nonroot``
    -> ``gcr.io/distroless/static-debian13:nonroot``).
    None when the image is unknown, not tied to a Debian release, or the data records no newer
    supported row of the same name (``nodejs18-debian11`` has no ``nodejs18-debian13`` row).
    """
    ref = parse_image_ref(ref) if isinstance(ref, str) else ref
    current = lookup(ref)
    if current is None:
        return None
    match = re.fullmatch(r"(.+-debian)(\d+)", current.image)
    if match is None:
        return None
    best: tuple[int, str] | None = None
    for image, variants in _table().by_image.items():
        newer = re.fullmatch(re.escape(match.group(1)) + r"(\d+)", image)
        row = variants.get("full")
        if newer is None or row is None or row.family != current.family or is_eol(row, today):
            continue
        release = int(newer.group(1))
        if release > int(match.group(2)) and (best is None or release > best[0]):
            best = (release, image)
    if best is None:
        return None
    image = best[1]
    if ref.tag and ref.tag != "latest" and lookup(f"{image}:{ref.tag}") is not None:
        return f"{image}:{ref.tag}"
    return image


# --- the data file ---------------------------------------------------------------------------

_FACT_COLUMNS = ("has_shell", "has_ca_certs", "libc", "has_tzdata", "default_uid")
_COLUMNS = ("image", "tag", "compressed_bytes", "uncompressed_bytes", *_FACT_COLUMNS[:3], "source",
            *_FACT_COLUMNS[3:], "notes", "family", "variant", "kind", "eol", "eol_source",
            "approx_compressed_bytes", "size_source", "facts_from", "as_of", "status")
STATUSES = ("", "end-of-life")


class _Table:
    """The parsed file: its rows in order (:attr:`rows`), and ``by_image[image][variant]``.
    A row becomes an :class:`ImageFacts` (and is checked) when its image is first looked up,
    or when every row is asked for: a lint looks up a few images of the eighty-odd."""

    __slots__ = ("by_image", "_numbers", "_rows")

    def __init__(self, raw: dict[int, dict[str, str]], index: dict[str, dict[str, str]]) -> None:
        self.by_image = _ByImage(raw, index)
        self._numbers = list(raw)
        self._rows: tuple[ImageFacts, ...] | None = None

    @classmethod
    def made(cls, rows: tuple[ImageFacts, ...]) -> "_Table":
        """A table of rows already made (tests change the data this way)."""
        table = cls({}, {})
        by_image: dict[str, dict[str, ImageFacts]] = {}
        for facts in rows:
            by_image.setdefault(facts.image, {})[facts.variant] = facts
        table.by_image, table._rows = by_image, tuple(rows)   # type: ignore[assignment]
        return table

    @property
    def rows(self) -> tuple[ImageFacts, ...]:
        if self._rows is None:
            by_number = {}
            for image in self.by_image:
                for number, facts in self.by_image.numbered(image):
                    by_number[number] = facts
            self._rows = tuple(by_number[n] for n in self._numbers)
        return self._rows


class _ByImage:
    """``image -> {variant: ImageFacts}`` over the raw rows, each image's made on first use
    (``get``, ``[]``, ``in``, iteration and ``items`` as a dict has them)."""

    __slots__ = ("_raw", "_index", "_made", "_variants")

    def __init__(self, raw: dict[int, dict[str, str]], index: dict[str, dict[str, str]]) -> None:
        self._raw: dict[str, list[tuple[int, dict[str, str]]]] = {}
        for number, r in raw.items():
            self._raw.setdefault(r["image"], []).append((number, r))
        self._index = index
        self._made: dict[str, list[tuple[int, ImageFacts]]] = {}
        self._variants: dict[str, dict[str, ImageFacts]] = {}

    def numbered(self, image: str) -> list[tuple[int, ImageFacts]]:
        made = self._made.get(image)
        if made is None:
            made, variants = [], set()
            for number, r in self._raw[image]:
                try:
                    facts = _row(r, self._index)
                except ValueError as exc:
                    raise ValueError(f"base_images.tsv line {number}: {exc}") from None
                if facts.variant in variants:
                    raise ValueError(f"base_images.tsv: two rows for {image} {facts.variant}")
                variants.add(facts.variant)
                made.append((number, facts))
            self._made[image] = made
        return made

    def get(self, image: str, default: Any = None) -> dict[str, ImageFacts] | Any:
        variants = self._variants.get(image)
        if variants is None:
            if image not in self._raw:
                return default
            variants = self._variants[image] = {f.variant: f for _, f in self.numbered(image)}
        return variants

    def __getitem__(self, image: str) -> dict[str, ImageFacts]:
        if image not in self._raw:
            raise KeyError(image)
        return self.get(image)

    def __contains__(self, image: object) -> bool:
        return image in self._raw

    def __iter__(self):
        return iter(self._raw)

    def items(self):
        return ((image, self.get(image)) for image in self._raw)


def _int(cell: str) -> int | None:
    return None if cell in ("", "unknown") else int(cell)


def _bool(cell: str) -> bool | None:
    if cell not in ("yes", "no", "unknown"):
        raise ValueError(f"{cell!r} is not yes, no or unknown")
    return None if cell == "unknown" else cell == "yes"


def _row(r: dict[str, str], index: dict[str, dict[str, str]]) -> ImageFacts:
    source = r["source"]
    if r["facts_from"]:  # same recipe as a documented row: it fills this row's unknown facts
        base = index.get(r["facts_from"])
        if base is None or base["facts_from"]:
            raise ValueError(f"facts_from {r['facts_from']!r} names no fact row")
        r = {**r, **{c: base[c] for c in _FACT_COLUMNS if r[c] == "unknown"}}
        source += f" | content facts of {r['facts_from']}: {base['source']}"
    if r["kind"] not in KINDS or not r["family"] or not r["variant"]:
        raise ValueError("bad family, variant or kind")
    if r["libc"] not in ("glibc", "musl", "none", "unknown"):
        raise ValueError(f"bad libc {r['libc']!r}")
    if bool(r["eol"]) != bool(r["eol_source"]) or \
            bool(r["approx_compressed_bytes"]) != bool(r["size_source"]):
        raise ValueError("a value without its source, or a source without its value")
    if r["eol"]:
        _iso_date(r["eol"])
    _iso_date(r["as_of"])
    if r["status"] not in STATUSES:
        raise ValueError(f"bad status {r['status']!r}")
    return ImageFacts(
        image=r["image"], tag=r["tag"], family=r["family"], variant=r["variant"], kind=r["kind"],
        has_shell=_bool(r["has_shell"]), has_ca_certs=_bool(r["has_ca_certs"]),
        libc=None if r["libc"] == "unknown" else r["libc"], has_tzdata=_bool(r["has_tzdata"]),
        default_uid=_int(r["default_uid"]), compressed_bytes=_int(r["compressed_bytes"]),
        approx_compressed_bytes=_int(r["approx_compressed_bytes"]), eol=r["eol"] or None,
        eol_source=r["eol_source"] or None, source=source, notes=r["notes"],
        as_of=r["as_of"], status=r["status"])


def _iso_date(text: str) -> str:
    """``text``, a date written YYYY-MM-DD (a ValueError otherwise). (Not
    ``datetime.date.fromisoformat``: importing datetime costs every start more than reading
    the whole table.)"""
    digits = text[:4] + text[5:7] + text[8:]
    if len(text) != 10 or text[4] != "-" or text[7] != "-" or not digits.isascii() or \
            not digits.isdigit() or not "01" <= text[5:7] <= "12" or not "01" <= text[8:] <= "31":
        raise ValueError(f"bad date {text!r}")
    return text


def parse_table(text: str, check: bool = True) -> _Table:
    """Parse the TSV; raises ``ValueError`` naming the line of anything malformed (with
    ``check`` off, a row's values are checked when its image is first looked up)."""
    lines = text.splitlines()
    if tuple(lines[0].split("\t")) != _COLUMNS:
        raise ValueError("base_images.tsv: unexpected header")
    raw = {n: dict(zip(_COLUMNS, line.split("\t"))) for n, line in enumerate(lines, 1)
           if line and n > 1}
    for number in raw:
        if lines[number - 1].count("\t") != len(_COLUMNS) - 1:
            raise ValueError(f"base_images.tsv line {number}: wrong number of columns")
    index = {f"{r['image']}:{r['tag']}": r for r in raw.values()}
    table = _Table(raw, index)
    if check:
        table.rows          # every row made now: a malformed one raises here
    return table


@lru_cache(maxsize=None)
def _table() -> _Table:
    # a plain path next to this module: importlib.resources would pull in zipfile and tempfile
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "base_images.tsv")
    with open(path, encoding="utf-8") as fh:
        # the shipped file: tests/test_images.py checks every row of it
        return parse_table(fh.read(), check=False)


# --- lookup ----------------------------------------------------------------------------------

_CODENAMES = frozenset(
    "jessie stretch buster bullseye bookworm trixie forky sid "  # Debian
    "trusty xenial bionic focal jammy noble oracular plucky questing".split())  # Ubuntu
_NEUTRAL = _CODENAMES | frozenset(
    "latest stable oldstable testing unstable experimental backports edge rolling lts current "
    "argon boron carbon dubnium erbium fermium gallium hydrogen iron jod krypton "  # Node LTS
    "jdk cli glibc eclipse temurin amazoncorretto corretto sapmachine semeru ibm graal "
    "amd64 arm64 arm s390x ppc64le riscv64 386".split())
_VERSION = lazy(r"^v?\d[\w.+]*$|^jdk\d+$")
# Tag tokens that select a variant, in the order they are joined ("jre-alpine").
_MARKERS = ("jre", "debug", "slim", "alpine", "nonroot", "musl", "scm", "curl", "dev")
# Distroless tags (:debug, :nonroot, :debug-nonroot) exist for every distroless image; what
# each part changes, per distroless' convention (debug adds busybox, nonroot runs as 65532).
_TAG_FACTS = {"debug": ("has_shell", True), "nonroot": ("default_uid", 65532)}


def _tokens(tag: str | None) -> list[str]:
    return tag.split("-") if tag else []


def _variant(tag: str | None) -> str | None:
    """The variant a tag selects (``3.12-slim-bookworm`` -> ``slim``); None if not understood."""
    found = set()
    for token in _tokens(tag):
        if token.startswith("alpine") and (token == "alpine" or token[6:7].isdigit()):
            found.add("alpine")
        elif token in _MARKERS:
            found.add(token)
        elif token not in _NEUTRAL and not _VERSION.match(token):
            return None
    return "-".join(m for m in _MARKERS if m in found) or "full"


def _canonical(ref: ImageRef) -> str:
    """The data file's ``image`` for a reference, seeing through Docker Hub mirrors."""
    registry, parts = ref.registry.lower(), ref.path.split("/")
    if registry in ("docker.io", "mirror.gcr.io"):
        if len(parts) == 1 or (len(parts) == 2 and parts[0] == "library"):
            return parts[-1]
        return "cgr.dev/" + ref.path if parts[0] == "chainguard" else ref.path
    if len(parts) >= 2 and parts[-2] == "library":  # public.ecr.aws/docker/library/x, proxies
        return parts[-1]
    return f"{registry}/{ref.path}"


def scratch() -> ImageFacts:
    return _table().by_image["scratch"]["full"]


def lookup(ref: ImageRef | str, declared: "tuple[Declared, ...]" = ()) -> ImageFacts | None:
    """Facts for the image ``ref`` names, or None when it is unknown or not fully resolved.

    ``declared`` holds the configuration's ``images:`` entries (see :mod:`docklint.imagedecl`):
    an entry whose pattern matches ``ref`` describes it, before the data file is looked at.

    The repository is matched however it is written (``golang``, ``docker.io/library/golang``,
    ``mirror.gcr.io/golang``, ``public.ecr.aws/docker/library/golang``, or any registry path
    ending in ``library/golang``, taken as a pull-through mirror of Docker Hub); the tag selects
    the variant (``1.22-alpine3.20`` -> ``alpine``); a digest does not matter. Distroless
    ``:debug`` / ``:nonroot`` tags adjust the shell and uid of the matched row.
    """
    ref = parse_image_ref(ref) if isinstance(ref, str) else ref
    if "$" in ref.raw or not ref.valid:
        return None
    if declared:
        from .imagedecl import facts_for, match
        entry = match(declared, ref)
        if entry is not None:
            return facts_for(entry, ref)
    image = _canonical(ref)
    if image == "scratch":
        return scratch()
    variants = _table().by_image.get(image)
    variant = _variant(ref.tag)
    if variants is None or variant is None:
        return None
    if variant in variants:
        return variants[variant]
    parts = variant.split("-")
    for facts in (variants.get(p) for p in (*parts, "full") if set(parts) <= _TAG_FACTS.keys()):
        if facts is not None and facts.kind == "distroless":
            changes = dict(_TAG_FACTS[part] for part in parts)
            return replace(facts, variant=variant, **changes,
                           notes=f"{facts.notes} [tag '{variant}' per distroless tag convention]")
    return None


def knows_repository(ref: ImageRef | str) -> bool:
    """Whether the data file has rows for the repository ``ref`` names (whatever its tag):
    ``php:8.4-fpm`` is a repository docklint knows, even though no row matches that variant."""
    ref = parse_image_ref(ref) if isinstance(ref, str) else ref
    return ref.valid and "$" not in ref.raw and _canonical(ref) in _table().by_image


# --- sizes -----------------------------------------------------------------------------------

def format_size(n: int | None, approx: bool = False) -> str:
    """``312 MB`` (exact, decimal units), ``~2 MiB`` (approximate), ``size unknown``.

    Approximations that are whole binary units are shown as documented (``~2 MiB``); anything
    else uses decimal units like ``docker images`` does, with at most three significant digits
    (two for approximations).
    """
    if n is None:
        return "size unknown"
    if approx:
        for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
            if n >= scale and n % scale == 0:
                return f"~{n // scale} {unit}"
    mark = "~" if approx else ""
    if n < 1000:
        return f"{mark}{n} B"
    for power, unit in enumerate(("kB", "MB", "GB", "TB"), start=1):
        value = n / 1000 ** power
        places = 0 if value >= 100 else 1 if value >= 10 or approx else 2
        text = f"{value:.{places}f}"
        text = text.rstrip("0").rstrip(".") if "." in text else text
        if float(text) < 1000:
            break
    return f"{mark}{text} {unit}"


def describe(name: str, facts: ImageFacts) -> str:
    """``golang:1.22 (312 MB compressed)``, ``gcr.io/distroless/static-debian13 (~2 MiB
    compressed)``, or the name alone when the size is unknown: an image named in a message."""
    if facts.size_bytes is None:
        return name
    return f"{name} ({facts.size_text} compressed)"


def saving(current: ImageFacts, lighter: ImageFacts) -> str | None:
    """About how much smaller ``lighter`` is (``~310 MB``); None unless both sizes are known
    and ``lighter`` is smaller."""
    old, new = current.size_bytes, lighter.size_bytes
    if old is None or new is None or new >= old:
        return None
    return format_size(old - new, approx=True)


# --- lighter bases ---------------------------------------------------------------------------

RUNS = ("static", "glibc", "cc", "jar", "node", "python", "ruby", "php", "unknown")
_RUNTIME_FAMILIES = {"static": ("distroless-static", "chainguard-static"),
                     "glibc": ("distroless-base", "chainguard-glibc-dynamic"),
                     "cc": ("distroless-cc", "chainguard-glibc-dynamic")}
_LANGUAGE = {"node": ("node", "slim"), "python": ("python", "slim"), "ruby": ("ruby", "slim"),
             "php": ("php", "alpine")}
_SLIM_LAST = frozenset({"node", "debian"})  # node:20-bookworm-slim vs python:3.12-slim-bookworm
_JDK_FAMILIES = frozenset({"eclipse-temurin", "openjdk", "amazoncorretto"})


def _write(facts: ImageFacts) -> str:
    return facts.image if facts.tag in ("latest", "(none)") else f"{facts.image}:{facts.tag}"


def _retag(tag: str | None, marker: str, family: str, swap: str = "",
           keep: str = "") -> str | None:
    """``tag`` turned into the ``marker`` variant, keeping versions and codenames.

    The marker goes where the family's tags put it (``20-bookworm-slim``, ``3.12-slim-bookworm``,
    ``8.3-cli-alpine``) or replaces ``swap`` (``21-jdk`` -> ``21-jre``). None when nothing
    worth keeping is left: then the data row's own tag is the one to write.
    """
    tokens = [t for t in _tokens(tag) if t != "latest" and _variant(t) in ("full", swap, keep)]
    if marker == "alpine":  # Alpine tags name no Debian/Ubuntu release
        tokens = [t for t in tokens if t not in _CODENAMES]
    if not tokens:
        return None
    if swap in tokens:
        return "-".join(marker if t == swap else t for t in tokens)
    if family in _SLIM_LAST or marker == "alpine":
        return "-".join([*tokens, marker])
    lead = 0
    while lead < len(tokens) and _VERSION.match(tokens[lead]):
        lead += 1
    return "-".join([*tokens[:lead], marker, *tokens[lead:]])


def _debian(facts: ImageFacts) -> int:
    match = re.search(r"-debian(\d+)$", facts.image)
    return int(match.group(1)) if match else -1


def _java_major(current: ImageFacts, tag: str | None) -> int | None:
    pattern = r"^(\d+)" if current.family in _JDK_FAMILIES else \
        r"(?:jdk|temurin-|corretto-|openjdk-)(\d+)"
    match = re.search(pattern, tag or "")
    return int(match.group(1)) if match else None


def ships_compiler(facts: ImageFacts) -> bool:
    """Whether the image ships a C compiler: gcc, rust (every variant), buildpack-deps, and the
    full Debian-based golang, node, python, ruby and php images, which are built on
    buildpack-deps (see the notes of their rows)."""
    if facts.family in ("gcc", "rust"):
        return True
    return facts.variant == "full" and facts.family in ("buildpack-deps", "golang", "node",
                                                          "python", "ruby", "php")


_DEBIAN_CODENAMES = frozenset("jessie stretch buster bullseye bookworm trixie forky sid".split())

# The command-line tools of an image that a HEALTHCHECK or a start command typically calls, by
# how the image is made (see :func:`tools`). buildpack-deps (and the full golang, node, python,
# ruby and rust images built on it, and gcc) installs curl, wget and git (buildpack-deps
# Dockerfiles: its `curl` variant adds curl and wget, `scm` adds git); the php image keeps curl
# among its run-time dependencies (docker-library/php); Debian, Ubuntu and the -slim images
# have bash but neither curl nor wget; Alpine and BusyBox have BusyBox's wget and nc; a base
# without a shell (scratch, distroless, Chainguard static) has none.
_NET_TOOLS = ("curl", "wget", "nc", "ncat", "netcat", "git")
_BUILDPACK_TOOLS = frozenset({"curl", "wget", "git", "bash", "sh"})
_DEBIAN_TOOLS = frozenset({"bash", "sh"})
_BUSYBOX_TOOLS = frozenset({"wget", "nc", "sh", "ash"})


def tools(facts: ImageFacts) -> frozenset[str] | None:
    """The tools among curl, wget, nc, git, bash and sh the image has, as far as docklint
    knows; None when it does not know (a tool outside that list is never answered for).

    Full golang, node, python, ruby, rust and gcc images and buildpack-deps have curl, wget
    and git; full php has curl; Debian, Ubuntu and the ``-slim`` images have none of the
    network tools; Alpine-based images and BusyBox have BusyBox's wget and nc; distroless
    ``:debug`` has BusyBox too; a base without a shell has none."""
    if facts.has_shell is False:
        return frozenset()
    if facts.kind == "distroless" and facts.has_shell:
        return _BUSYBOX_TOOLS            # :debug: BusyBox under /busybox, on its PATH
    if facts.libc == "musl" or facts.family == "busybox":
        return _BUSYBOX_TOOLS
    if facts.family in ("buildpack-deps", "gcc") or (
            facts.variant == "full" and facts.family in ("golang", "node", "python", "ruby",
                                                         "rust")):
        return _BUILDPACK_TOOLS - ({"git"} if facts.family == "buildpack-deps" and
                                   facts.variant == "curl" else set())
    if facts.family == "php" and facts.variant == "full":
        return frozenset({"curl", "bash", "sh"})
    if facts.family in ("debian", "ubuntu") or (
            facts.variant == "slim" and facts.family in ("debian", "node", "python", "ruby")):
        return _DEBIAN_TOOLS
    return None


def is_tool(name: str) -> bool:
    """Whether :func:`tools` answers for ``name`` (curl, wget, nc, git, bash, sh...)."""
    return name in _NET_TOOLS or name in ("bash", "sh", "ash")


def _with_shell(ref: ImageRef, current: ImageFacts, runs: str) -> list[str | ImageFacts]:
    """Bases with a shell for a native program: Debian's slim image, on the Debian release the
    current tag names (a start script written for the current image's shell and tools keeps
    them; alpine has neither bash nor Debian's tools). For a dynamic glibc program none when
    the current image is Ubuntu-based: no slim Ubuntu in the data, and a Debian release may
    have an older glibc than the program was built against."""
    table = _table()
    tokens = _tokens(ref.tag)
    if runs != "static" and (current.family == "ubuntu" or
                             any(t in _CODENAMES - _DEBIAN_CODENAMES for t in tokens)):
        return []
    if current.family == "debian":
        tag = _retag(ref.tag, "slim", "debian")
        return [f"debian:{tag}" if tag else table.by_image["debian"]["slim"]]
    codename = next((t for t in tokens if t in _DEBIAN_CODENAMES), None)
    return [f"debian:{codename}-slim" if codename else table.by_image["debian"]["slim"]]


def _candidates(ref: ImageRef, current: ImageFacts, runs: str,
                needs_shell: bool = False) -> list[str | ImageFacts]:
    """What could replace ``current``, best first: image references or data rows."""
    table = _table()
    if runs in _RUNTIME_FAMILIES and needs_shell:
        return _with_shell(ref, current, runs)
    if runs in _RUNTIME_FAMILIES:  # newest Debian release first; legacy unsuffixed names never
        out: list[str | ImageFacts] = []
        for family in _RUNTIME_FAMILIES[runs]:
            rows = [f for f in table.rows if f.family == family and f.variant == "full"
                    and (f.kind != "distroless" or _debian(f) > 0)]
            out += sorted(rows, key=_debian, reverse=True)
        return out
    if runs == "jar":
        major = _java_major(current, ref.tag)
        first: str | ImageFacts = table.by_image["eclipse-temurin"]["jre"]
        if current.family == "eclipse-temurin" and major is not None:
            first = f"eclipse-temurin:{_retag(ref.tag, 'jre', 'eclipse-temurin', 'jdk', 'alpine')}"
        elif major is not None:
            first = f"eclipse-temurin:{major}-jre"
        java = [f for f in table.rows if f.family == "distroless-java" and _debian(f) > 0
                and (major is None or f"/java{major}-" in f.image)]
        return [first, *sorted(java, key=lambda f: (_debian(f), f.image), reverse=True)]
    if runs in _LANGUAGE:
        image, marker = _LANGUAGE[runs]
        tag = _retag(ref.tag, marker, image) if current.family == image else None
        return [f"{image}:{tag}" if tag else table.by_image[image][marker]]
    slim = table.by_image.get(current.image, {}).get("slim")
    if runs == "unknown" and slim is not None:
        tag = _retag(ref.tag, "slim", current.family)
        return [f"{current.image}:{tag}" if tag else slim]
    return []


def _lighter(candidate: ImageFacts, current: ImageFacts) -> bool:
    if (candidate.family, candidate.variant) == (current.family, current.variant):
        return False
    new, old = candidate.size_bytes, current.size_bytes
    if new is not None and old is not None:
        return new < old
    return _WEIGHT[candidate.kind] < _WEIGHT[current.kind]


def suggest_lighter(ref: ImageRef | str, runs: str, needs_shell: bool = False,
                    declared: "tuple[Declared, ...]" = ()) -> Suggestion | None:
    """A lighter, documented, supported base for a final image that runs ``runs``.

    ``runs`` is one of ``RUNS``: ``static`` (a static binary: distroless ``static``),
    ``glibc`` (a dynamic C binary: distroless ``base``), ``cc`` (a dynamic binary that also
    needs libgcc/libstdc++, as C++ and Rust programs do: distroless ``cc``), ``jar`` (a JRE),
    ``node``, ``python``, ``ruby``, ``php`` (the language's slim or alpine image), or
    ``unknown`` (then only the image's own slim variant). With ``needs_shell`` (the image starts
    its program through a shell script or ``sh -c``, or its build runs commands), only a base
    with a shell is named: Debian's slim image for a native program, never a distroless one. None when ``ref`` is unknown, nothing documented is lighter, or
    every candidate is end-of-life.
    """
    if runs not in RUNS:
        raise ValueError(f"runs must be one of {', '.join(RUNS)}, not {runs!r}")
    current = lookup(ref, declared)
    if current is None:
        return None
    for candidate in _candidates(ref if isinstance(ref, ImageRef) else parse_image_ref(ref),
                                 current, runs, needs_shell):
        facts = lookup(candidate) if isinstance(candidate, str) else candidate
        if facts is None or is_eol(facts) or not _lighter(facts, current) or \
                (needs_shell and facts.has_shell is not True):
            continue
        return Suggestion(candidate if isinstance(candidate, str) else _write(facts), facts)
    return None


@lru_cache(maxsize=1)
def _image_env_table() -> dict[str, frozenset[str]]:
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "image_env.tsv")
    out: dict[str, frozenset[str]] = {}
    with open(path, encoding="utf-8") as fh:
        lines = fh.read().splitlines()
    for n, line in enumerate(lines[1:], 2):
        cells = line.split("\t")
        if len(cells) != 3 or not cells[2]:
            raise ValueError(f"image_env.tsv:{n}: expected image, variables and a source")
        out[cells[0]] = frozenset(v for v in cells[1].split(",") if v)
    return out


# Values of variables well-known images set that Dockerfiles use in paths (the docker-library
# Dockerfiles: rust sets `RUSTUP_HOME=/usr/local/rustup CARGO_HOME=/usr/local/cargo`, golang
# `GOPATH=/go`), for every tag of the image.
_ENV_VALUES = {"rust": {"CARGO_HOME": "/usr/local/cargo", "RUSTUP_HOME": "/usr/local/rustup"},
               "golang": {"GOPATH": "/go"}}


def env_values(ref: ImageRef | str) -> dict[str, str]:
    """The values docklint knows of variables the image ``ref`` sets in its config (rust's
    ``CARGO_HOME``, golang's ``GOPATH``): a COPY or RUN of a stage on that image expands them
    to these; {} when it knows none."""
    ref = parse_image_ref(ref) if isinstance(ref, str) else ref
    if "$" in ref.raw or not ref.valid:
        return {}
    return dict(_ENV_VALUES.get(_canonical(ref), {}))


def image_env(name: str) -> frozenset[str] | None:
    """The variables (beyond PATH) the image's config sets, for the widely used images listed
    in ``data/image_env.tsv`` (Docker Hub official names or full repositories); None when
    docklint does not know the image's environment."""
    return _image_env_table().get(name)


def _yes(value: bool | None) -> str | None:
    return None if value is None else ("yes" if value else "no")


def all_rows(declared: "tuple[Declared, ...]" = ()) -> list[dict]:
    """Every image docklint knows, for ``docklint image list``: the data file's rows, then the
    configuration's declared entries (a pattern, and what it says or inherits with ``like:``)."""
    out = []
    for f in _table().rows:
        out.append({"image": _write(f), "variant": f.variant, "kind": f.kind,
                    "shell": _yes(f.has_shell), "ca-bundle": _yes(f.has_ca_certs),
                    "libc": f.libc, "tzdata": _yes(f.has_tzdata),
                    "user": None if f.default_uid is None else str(f.default_uid),
                    "size": f.size_text if f.size_bytes is not None else None,
                    "end-of-life": f.eol, "source": "data", "as-of": f.as_of})
    from .imagedecl import facts_for
    from .imageref import parse_image_ref
    for entry in declared:
        f = facts_for(entry, parse_image_ref("declared.invalid/image"))
        out.append({"image": entry.pattern, "variant": f.variant, "kind": f.kind,
                    "shell": f.shell_path or _yes(f.has_shell), "ca-bundle": _yes(f.has_ca_certs),
                    "libc": f.libc, "tzdata": _yes(f.has_tzdata),
                    "user": f.default_user or (None if f.default_uid is None
                                               else str(f.default_uid)),
                    "size": f.size_text if f.size_bytes is not None else None,
                    "end-of-life": None,
                    "source": f"declared ({entry.where})" + (f", like {f.like}" if f.like else ""),
                    "users": None if f.users is None else [n for n, _ in f.users]})
    return out

