"""Learn a base image's facts from its archive, without running anything and without network.

``docklint image learn ARCHIVE`` reads what ``docker save`` / ``podman save`` write (a tar with
``manifest.json``, its layers as tars inside, gzip-compressed or not), an OCI image layout (a
directory with ``oci-layout``, ``index.json`` and ``blobs/``) or the same layout in a tar. It
applies the layers in order onto an in-memory file tree (whiteouts ``.wh.NAME`` and opaque
directories ``.wh..wh..opq`` included; nothing is written to disk), then reports the facts the
rules use: the shell, the users and groups of ``/etc/passwd`` and ``/etc/group``, whether a CA
bundle and tzdata are there, the libc (from the dynamic loader present), the image config's
default user, working directory, environment, entrypoint and command, and the size of its
layers. :func:`to_yaml` writes them as an ``images:`` entry (see :mod:`docklint.imagedecl`).

An archive is untrusted input, read under budgets, each a clear :class:`ArchiveError`:
- metadata files (``manifest.json``, ``index.json``, the config) at most ``MAX_META`` bytes each;
- at most ``MAX_LAYERS`` layers and ``MAX_ENTRIES`` tar entries in all, ``MAX_FILES`` paths in
  the tree at once, and ``MAX_DATA`` bytes read through decompression (a gzip bomb stops there);
- the content of a file is kept only for ``/etc/passwd`` and ``/etc/group``, up to
  ``MAX_KEPT`` bytes each;
- a member whose path leaves the image root (``..``) is refused, as is a blob digest that is not
  ``sha256:<64 hex>`` (it would be a path in the layout); symbolic links are resolved inside the
  tree, with at most ``MAX_LINKS`` hops, never on the real file system;
- zstd-compressed layers are not supported (said so).
"""

from __future__ import annotations

import json
import os
import posixpath

from docklint.lazyre import lazy
import tarfile
from docklint.record import record, field
TYPE_CHECKING = False   # typing.TYPE_CHECKING without importing typing (3 ms of each start)
if TYPE_CHECKING:
    from typing import IO, Any

__all__ = ["ArchiveError", "Learned", "entry", "learn", "to_yaml"]

MAX_META = 4 * 1024 * 1024
MAX_LAYERS = 512
MAX_ENTRIES = 2_000_000
MAX_FILES = 1_000_000
MAX_DATA = 64 * 1024 ** 3
MAX_KEPT = 1024 * 1024
MAX_LINKS = 40
MAX_OUTER = 100_000          # members of the outer (docker save) tar

_DIGEST = lazy(r"sha256:([0-9a-f]{64})")
_KEEP = ("etc/passwd", "etc/group")
_SHELLS = ("/bin/sh", "/bin/bash", "/bin/ash", "/busybox/sh", "/usr/bin/sh")
_CA_BUNDLES = ("/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt",
               "/etc/ssl/cert.pem", "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",
               "/etc/ssl/ca-bundle.pem", "/etc/ssl/certs/ca-bundle.crt")
_MUSL = lazy(r"(?:^|/)ld-musl-[^/]+\.so\.1$")
_GLIBC = lazy(r"(?:^|/)lib(?:32|64|x32)?/(?:[^/]+-linux-gnu[^/]*/)?ld-linux[^/]*\.so\.\d+$"
                    r"|(?:^|/)lib(?:64)?/ld64\.so\.\d$")


class ArchiveError(Exception):
    """An archive docklint cannot read, or refuses; the message names the file, never content."""


@record
class _Node:
    kind: str                         # "file" | "dir" | "symlink" | "link" | "other"
    target: str = ""                  # symlink / hard link target
    data: bytes | None = None         # kept content (/etc/passwd, /etc/group)


@record
class Learned:
    """What an archive says about its image."""

    names: list[str] = field(default_factory=list)      # references the archive tags it with
    shell: str | None = None
    shells: list[str] = field(default_factory=list)     # every shell path found
    ca_paths: list[str] = field(default_factory=list)   # every CA bundle path found
    users: dict[str, int] = field(default_factory=dict)
    groups: dict[str, int] = field(default_factory=dict)
    passwd: bool = False
    group_file: bool = False
    ca_bundle: bool = False
    tzdata: bool = False
    libc: str = "none"
    user: str | None = None
    workdir: str | None = None
    env: dict[str, str] = field(default_factory=dict)
    entrypoint: list[str] | None = None
    cmd: list[str] | None = None
    layers: int = 0
    layer_bytes: int = 0
    compressed: bool = True            # every layer stored compressed
    os_arch: str | None = None


# --- the file tree ---------------------------------------------------------------------------

class _Tree:
    def __init__(self) -> None:
        self.nodes: dict[str, _Node] = {"": _Node("dir")}
        self.children: dict[str, set[str]] = {"": set()}

    def _remove(self, path: str) -> None:
        stack = [path]
        while stack:
            p = stack.pop()
            if self.nodes.pop(p, None) is None:
                continue
            stack.extend(self.children.pop(p, ()))
            parent = posixpath.dirname(p)
            if parent in self.children:
                self.children[parent].discard(p)

    def clear_dir(self, path: str) -> None:
        for child in list(self.children.get(path, ())):
            self._remove(child)

    def remove(self, path: str) -> None:
        self._remove(path)

    def add(self, path: str, node: _Node) -> None:
        old = self.nodes.get(path)
        if old is not None and not (old.kind == "dir" and node.kind == "dir"):
            self._remove(path)
        parent = posixpath.dirname(path)
        if parent not in self.nodes or self.nodes[parent].kind != "dir":
            self.add(parent, _Node("dir"))      # tars may omit parent directories
        self.nodes[path] = node if old is None or old.kind != "dir" or node.kind != "dir" \
            else old
        self.children.setdefault(parent, set()).add(path)
        if node.kind == "dir":
            self.children.setdefault(path, set())
        if len(self.nodes) > MAX_FILES:
            raise ArchiveError(f"the image has more than {MAX_FILES} files: refused")

    def resolve(self, path: str) -> str | None:
        """``path`` (absolute) with every symbolic link resolved inside the tree; None when it
        does not exist or a link loops."""
        parts = [p for p in path.split("/") if p]
        done: list[str] = []
        hops = 0
        while parts:
            part = parts.pop(0)
            if part == ".":
                continue
            if part == "..":
                if done:
                    done.pop()
                continue
            cur = "/".join([*done, part])
            node = self.nodes.get(cur)
            if node is None:
                return None
            if node.kind == "symlink":
                hops += 1
                if hops > MAX_LINKS:
                    return None
                target = node.target
                if target.startswith("/"):
                    done = []
                parts = [p for p in target.split("/") if p] + parts
                continue
            done.append(part)
        return "/".join(done)

    def file(self, path: str) -> _Node | None:
        real = self.resolve(path)
        node = self.nodes.get(real) if real is not None else None
        if node is not None and node.kind == "link":            # a hard link: its target
            node = self.nodes.get(node.target)
        return node if node is not None and node.kind == "file" else None


def _clean(name: str, where: str) -> str:
    """A member's path relative to the image root; refused when it leaves the root."""
    name = name.replace("\\", "/") if "\0" not in name else ""
    parts = []
    for part in name.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            raise ArchiveError(f"{where}: member path {name[:200]!r} leaves the image root: "
                               "refused")
        parts.append(part)
    return "/".join(parts)


# --- reading --------------------------------------------------------------------------------

class _Counter:
    def __init__(self) -> None:
        self.entries = 0
        self.data = 0


class _Limited:
    """A read-only stream that stops at the data budget (a decompression bomb ends here)."""

    def __init__(self, raw: IO[bytes], counter: _Counter, what: str) -> None:
        self.raw, self.counter, self.what = raw, counter, what

    def read(self, n: int = -1) -> bytes:
        chunk = self.raw.read(n if n is not None and n >= 0 else 1 << 20)
        self.counter.data += len(chunk)
        if self.counter.data > MAX_DATA:
            raise ArchiveError(f"{self.what}: more than {MAX_DATA} bytes of layer data: refused")
        return chunk


def _open_layer(stream: IO[bytes], counter: _Counter, what: str) -> tuple[tarfile.TarFile, bool]:
    head = stream.read(4)
    rest = _Prefixed(head, stream)
    if head[:2] == b"\x1f\x8b":
        import gzip
        inner: Any = gzip.GzipFile(fileobj=rest, mode="rb")
        compressed = True
    elif head == b"\x28\xb5\x2f\xfd":
        raise ArchiveError(f"{what}: zstd-compressed layers are not supported; save the image "
                           "with gzip layers (docker save) to learn from it")
    else:
        inner = rest
        compressed = False
    try:
        return tarfile.open(fileobj=_Limited(inner, counter, what), mode="r|"), compressed
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise ArchiveError(f"{what}: not a tar layer ({exc})") from None


class _Prefixed:
    def __init__(self, head: bytes, raw: IO[bytes]) -> None:
        self.head, self.raw = head, raw

    def read(self, n: int = -1) -> bytes:
        if self.head:
            if n is None or n < 0:
                out, self.head = self.head + self.raw.read(), b""
                return out
            out, self.head = self.head[:n], self.head[n:]
            if len(out) < n:
                out += self.raw.read(n - len(out))
            return out
        return self.raw.read(n)


def _apply(tree: _Tree, stream: IO[bytes], counter: _Counter, what: str) -> bool:
    """Apply one layer onto ``tree``; whether it was stored compressed."""
    tar, compressed = _open_layer(stream, counter, what)
    added: list[tuple[str, _Node]] = []
    whiteouts: list[str] = []
    opaque: list[str] = []
    try:
        for member in tar:
            counter.entries += 1
            if counter.entries > MAX_ENTRIES:
                raise ArchiveError(f"{what}: more than {MAX_ENTRIES} entries: refused")
            path = _clean(member.name, what)
            if not path:
                continue
            base = posixpath.basename(path)
            parent = posixpath.dirname(path)
            if base == ".wh..wh..opq":
                opaque.append(parent)
                continue
            if base.startswith(".wh."):
                whiteouts.append(posixpath.join(parent, base[4:]))
                continue
            if member.isdir():
                node = _Node("dir")
            elif member.issym():
                node = _Node("symlink", member.linkname)
            elif member.islnk():
                node = _Node("link", _clean(member.linkname, what))
            elif member.isreg():
                node = _Node("file")
                if path in _KEEP and member.size <= MAX_KEPT:
                    fh = tar.extractfile(member)
                    node.data = fh.read(MAX_KEPT + 1) if fh is not None else None
            else:
                node = _Node("other")
            added.append((path, node))
    except (tarfile.TarError, OSError, EOFError, ValueError) as exc:
        raise ArchiveError(f"{what}: unreadable layer ({type(exc).__name__}: {exc})") from None
    finally:
        tar.close()
    # a layer's whiteouts hide what the layers below it have; its own entries stay
    for path in opaque:
        tree.clear_dir(path)
    for path in whiteouts:
        tree.remove(path)
    for path, node in added:
        tree.add(path, node)
    return compressed


def _json(data: bytes, what: str) -> Any:
    try:
        return json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise ArchiveError(f"{what}: not valid JSON") from None


class _Source:
    """Where the archive's files come from: a directory (OCI layout) or a tar."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.tar: tarfile.TarFile | None = None
        self.members: dict[str, tarfile.TarInfo] = {}
        if os.path.isdir(path):
            return
        try:
            self.tar = tarfile.open(path, mode="r:*")
            count = 0
            for member in self.tar:
                count += 1
                if count > MAX_OUTER:
                    raise ArchiveError(f"{path}: more than {MAX_OUTER} members: refused")
                name = _clean(member.name, path)
                if member.isreg():
                    self.members[name] = member
        except (tarfile.TarError, OSError, EOFError) as exc:
            raise ArchiveError(f"{path}: not an image archive (a tar or an OCI layout "
                               f"directory): {exc}") from None

    def exists(self, name: str) -> bool:
        if self.tar is not None:
            return name in self.members
        return os.path.isfile(os.path.join(self.path, name))

    def size(self, name: str) -> int:
        if self.tar is not None:
            return self.members[name].size
        return os.path.getsize(os.path.join(self.path, name))

    def open(self, name: str) -> IO[bytes]:
        if self.tar is not None:
            if name not in self.members:
                raise ArchiveError(f"{self.path}: {name} is missing")
            fh = self.tar.extractfile(self.members[name])
            if fh is None:
                raise ArchiveError(f"{self.path}: {name} is not a file")
            return fh
        full = os.path.join(self.path, name)
        real = os.path.realpath(full)
        if not real.startswith(os.path.realpath(self.path) + os.sep):
            raise ArchiveError(f"{self.path}: {name} leaves the layout: refused")
        try:
            import stat
            st = os.stat(real)
            if not stat.S_ISREG(st.st_mode):
                raise ArchiveError(f"{self.path}: {name} is not a regular file")
            return open(real, "rb")
        except OSError as exc:
            raise ArchiveError(f"{self.path}: cannot read {name}: {exc.strerror}") from None

    def meta(self, name: str) -> Any:
        if not self.exists(name):
            raise ArchiveError(f"{self.path}: {name} is missing")
        if self.size(name) > MAX_META:
            raise ArchiveError(f"{self.path}: {name} is over {MAX_META} bytes: refused")
        with self.open(name) as fh:
            return _json(fh.read(MAX_META + 1), f"{self.path}: {name}")

    def blob(self, digest: Any) -> str:
        m = _DIGEST.fullmatch(digest) if isinstance(digest, str) else None
        if m is None:
            raise ArchiveError(f"{self.path}: blob digest {str(digest)[:100]!r} is not "
                               "sha256:<64 hex digits>: refused")
        return f"blobs/sha256/{m.group(1)}"


def _pick_manifest(src: _Source, index: Any, name: str | None, depth: int = 0) -> tuple[Any, list]:
    """The image manifest an OCI index points at (the one named ``name``, else linux/amd64,
    else the first), and the names the index gives it."""
    if depth > 4 or not isinstance(index, dict) or not isinstance(index.get("manifests"), list):
        raise ArchiveError(f"{src.path}: index.json lists no manifests")
    entries = [m for m in index["manifests"] if isinstance(m, dict)][:1000]
    if not entries:
        raise ArchiveError(f"{src.path}: index.json lists no manifests")

    def ref_name(m: dict) -> str | None:
        ann = m.get("annotations")
        value = ann.get("io.containerd.image.name") or ann.get(
            "org.opencontainers.image.ref.name") if isinstance(ann, dict) else None
        return value if isinstance(value, str) else None

    chosen = None
    if name:
        chosen = next((m for m in entries if ref_name(m) in (name, name.rpartition(":")[2])),
                      None)
    if chosen is None:
        chosen = next((m for m in entries if isinstance(m.get("platform"), dict) and
                       m["platform"].get("os") == "linux" and
                       m["platform"].get("architecture") == "amd64"), entries[0])
    doc = src.meta(src.blob(chosen.get("digest")))
    names = [n for n in (ref_name(chosen),) if n]
    if isinstance(doc, dict) and isinstance(doc.get("manifests"), list):     # a nested index
        inner, more = _pick_manifest(src, doc, name, depth + 1)
        return inner, names + more
    return doc, names


def _layers_and_config(src: _Source, name: str | None) -> tuple[Any, list[str], list[str]]:
    """The image config, the layer files in order, and the names the archive tags it with."""
    if src.exists("manifest.json"):                   # docker save / podman save
        manifest = src.meta("manifest.json")
        if not isinstance(manifest, list) or not manifest or \
                not all(isinstance(m, dict) for m in manifest):
            raise ArchiveError(f"{src.path}: manifest.json is not a list of images")
        chosen = manifest[0]
        if name:
            chosen = next((m for m in manifest if name in (m.get("RepoTags") or [])), chosen)
        config_name, layers = chosen.get("Config"), chosen.get("Layers")
        if not isinstance(config_name, str) or not isinstance(layers, list) or \
                not all(isinstance(x, str) for x in layers):
            raise ArchiveError(f"{src.path}: manifest.json has no Config and Layers")
        tags = [t for t in chosen.get("RepoTags") or [] if isinstance(t, str)]
        config = src.meta(_clean(config_name, src.path))
        return config, [_clean(x, src.path) for x in layers], tags
    if src.exists("index.json"):                      # OCI image layout
        manifest, tags = _pick_manifest(src, src.meta("index.json"), name)
        if not isinstance(manifest, dict) or not isinstance(manifest.get("layers"), list) or \
                not isinstance(manifest.get("config"), dict):
            raise ArchiveError(f"{src.path}: the image manifest has no config and layers")
        config = src.meta(src.blob(manifest["config"].get("digest")))
        layers = [src.blob(x.get("digest") if isinstance(x, dict) else None)
                  for x in manifest["layers"]]
        return config, layers, tags
    raise ArchiveError(f"{src.path}: neither manifest.json (docker save) nor index.json (OCI "
                       "layout) found: not an image archive")


def learn(path: str, name: str | None = None) -> Learned:
    """Read the image archive at ``path`` (``name`` picks one of several images)."""
    if not os.path.exists(path):
        raise ArchiveError(f"{path}: no such file or directory")
    src = _Source(path)
    try:
        config, layers, tags = _layers_and_config(src, name)
        if len(layers) > MAX_LAYERS:
            raise ArchiveError(f"{path}: more than {MAX_LAYERS} layers: refused")
        tree = _Tree()
        counter = _Counter()
        out = Learned(names=tags, layers=len(layers))
        for number, layer in enumerate(layers, 1):
            what = f"{path}: layer {number}"
            out.layer_bytes += src.size(layer) if src.exists(layer) else 0
            with src.open(layer) as fh:
                out.compressed &= _apply(tree, fh, counter, what)
        _facts(tree, config, out)
        return out
    finally:
        if src.tar is not None:
            src.tar.close()


# --- facts -----------------------------------------------------------------------------------

def _table(data: bytes | None) -> dict[str, int]:
    """name -> id of an /etc/passwd or /etc/group."""
    out: dict[str, int] = {}
    if not data:
        return out
    for line in data.decode("utf-8", "replace").splitlines()[:100_000]:
        fields = line.split(":")
        if len(fields) >= 3 and fields[0] and not fields[0].startswith(("#", "+", "-")) and \
                fields[2].isdigit() and not any(c.isspace() for c in fields[0]):
            out.setdefault(fields[0], int(fields[2]))
    return out


def _facts(tree: _Tree, config: Any, out: Learned) -> None:
    out.shells = [s for s in _SHELLS if tree.file(s) is not None]
    out.shell = out.shells[0] if out.shells else None
    passwd, group = tree.file("/etc/passwd"), tree.file("/etc/group")
    # known only when its content was kept: a file reached through a link to another path, or
    # one over MAX_KEPT bytes, leaves the users unknown (never an empty list: that would claim
    # the image has no users)
    out.passwd = passwd is not None and passwd.data is not None
    out.group_file = group is not None and group.data is not None
    out.users = _table(passwd.data if passwd else None)
    out.groups = _table(group.data if group else None)
    out.ca_paths = [p for p in _CA_BUNDLES if tree.file(p) is not None]
    out.ca_bundle = bool(out.ca_paths)
    out.tzdata = any(p.startswith("usr/share/zoneinfo/") and n.kind == "file"
                     for p, n in tree.nodes.items())
    paths = [p for p, n in tree.nodes.items() if n.kind in ("file", "symlink", "link")
             and "ld-" in p]
    if any(_MUSL.search(p) for p in paths):
        out.libc = "musl"
    elif any(_GLIBC.search(p) for p in paths):
        out.libc = "glibc"
    if not isinstance(config, dict):
        return
    if isinstance(config.get("architecture"), str) and isinstance(config.get("os"), str):
        out.os_arch = f"{config['os']}/{config['architecture']}"
    conf = config.get("config") if isinstance(config.get("config"), dict) else {}
    if isinstance(conf.get("User"), str) and conf["User"]:
        out.user = conf["User"]
    if isinstance(conf.get("WorkingDir"), str) and conf["WorkingDir"]:
        out.workdir = conf["WorkingDir"]
    for item in conf.get("Env") or []:
        if isinstance(item, str) and "=" in item:
            k, _, v = item.partition("=")
            out.env[k] = v
    for key, attr in (("Entrypoint", "entrypoint"), ("Cmd", "cmd")):
        value = conf.get(key)
        if isinstance(value, list) and all(isinstance(x, str) for x in value):
            setattr(out, attr, value)


# --- output ----------------------------------------------------------------------------------

def _q(value: Any) -> str:
    """A YAML scalar or flow collection (JSON is valid YAML flow style)."""
    return json.dumps(value, ensure_ascii=False)


def entry(learned: Learned, source: str) -> dict[str, Any]:
    """The ``images:`` entry (keys of :data:`docklint.imagedecl.KEYS`) for what was learned."""
    out: dict[str, Any] = {"shell": learned.shell, "libc": learned.libc,
                           "ca-bundle": learned.ca_bundle, "tzdata": learned.tzdata}
    if learned.user is not None:
        out["user"] = learned.user
    else:
        out["user"] = "root"            # no User in the config: containers run as root
    if learned.passwd:
        out["users"] = dict(learned.users)
    if learned.group_file:
        out["groups"] = dict(learned.groups)
    if learned.workdir:
        out["workdir"] = learned.workdir
    if learned.env:
        out["env"] = dict(learned.env)
    out["entrypoint"] = learned.entrypoint
    out["cmd"] = learned.cmd
    if learned.compressed and learned.layer_bytes:
        out["size-mb"] = round(learned.layer_bytes / 1e6, 1)
    out["learned-from"] = source
    return out


def to_yaml(learned: Learned, ref: str, source: str) -> str:
    """The ``images:`` block for ``ref``, ready to paste into ``.docklint.yaml``."""
    lines = ["images:", f"  {_q(ref)}:"]
    for key, value in entry(learned, source).items():
        lines.append(f"    {key}: {_q(value)}")
    if not learned.compressed and learned.layer_bytes:
        lines.append(f"    # layers stored uncompressed here: {learned.layer_bytes / 1e6:.1f} MB; "
                     "set size-mb to the registry's compressed size")
    if len(learned.shells) > 1:
        lines.append(f"    # shells: {', '.join(learned.shells)}")
    if learned.ca_paths:
        lines.append(f"    # CA bundle: {', '.join(learned.ca_paths)}")
    if learned.os_arch:
        lines.append(f"    # learned from the {learned.os_arch} image")
    return "\n".join(lines) + "\n"
