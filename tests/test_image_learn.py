"""``docklint image learn``: facts read from image archives the tests build themselves (the
docker-save layout and the OCI layout, with a whiteout, an opaque directory, a symlinked
``/bin/sh``, a musl or glibc loader and a CA bundle), and hostile archives (path traversal, a
digest that is a path, a decompression bomb, too many entries, zstd, broken JSON): a clear
error and exit 2, bounded memory, never a traceback. Also ``docklint image list``.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile

import pytest
from click.testing import CliRunner

from docklint import imagearchive
from docklint.cli import image_cmd
from docklint.imagearchive import ArchiveError, learn, to_yaml

PASSWD = b"root:x:0:0:root:/root:/bin/sh\nnonroot:x:65532:65532::/home/nonroot:/sbin/nologin\n"
GROUP = b"root:x:0:\nnonroot:x:65532:\n"


def layer(entries: list[tuple], gz: bool = False) -> bytes:
    """A layer tar: entries are (name, kind, data_or_target)."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        for name, kind, value in entries:
            info = tarfile.TarInfo(name)
            if kind == "dir":
                info.type = tarfile.DIRTYPE
                tar.addfile(info)
            elif kind == "sym":
                info.type = tarfile.SYMTYPE
                info.linkname = value
                tar.addfile(info)
            elif kind == "link":
                info.type = tarfile.LNKTYPE
                info.linkname = value
                tar.addfile(info)
            else:
                data = value or b""
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
    data = buf.getvalue()
    return gzip.compress(data) if gz else data


CONFIG = {"architecture": "amd64", "os": "linux",
          "config": {"User": "65532", "WorkingDir": "/app", "Env": ["PATH=/usr/bin:/bin",
                                                                      "APP_HOME=/app"],
                     "Entrypoint": ["/app/run"], "Cmd": None}}

LOWER = [("bin", "dir", None), ("bin/busybox", "file", b"\x7fELF"),
         ("bin/sh", "sym", "busybox"), ("lib", "dir", None),
         ("lib/ld-musl-x86_64.so.1", "file", b"\x7fELF"),
         ("etc/passwd", "file", PASSWD), ("etc/group", "file", GROUP),
         ("etc/ssl/cert.pem", "file", b"-----BEGIN CERTIFICATE-----\n"),
         ("etc/ssl/certs/ca-certificates.crt", "sym", "/etc/ssl/cert.pem"),
         ("usr/share/zoneinfo/UTC", "file", b"TZif"), ("tmp/junk", "file", b"x")]
# the upper layer deletes the time-zone data (whiteout) and empties /tmp (opaque directory)
UPPER = [("usr/share/.wh.zoneinfo", "file", b""), ("tmp/.wh..wh..opq", "file", b""),
         ("tmp/new", "file", b"y"), ("app/run", "file", b"#!/bin/sh\n")]


def docker_save(path, layers: list[bytes], config=CONFIG, tags=("corp/base:1",)) -> str:
    with tarfile.open(path, "w") as tar:
        def add(name, data):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        names = []
        for n, data in enumerate(layers):
            names.append(f"layer{n}/layer.tar")
            add(names[-1], data)
        add("config.json", json.dumps(config).encode())
        add("manifest.json", json.dumps([{"Config": "config.json", "RepoTags": list(tags),
                                          "Layers": names}]).encode())
    return str(path)


def oci_layout(root, layers: list[bytes], config=CONFIG, name="corp/base:2") -> str:
    blobs = root / "blobs" / "sha256"
    blobs.mkdir(parents=True)

    def put(data: bytes) -> dict:
        digest = hashlib.sha256(data).hexdigest()
        (blobs / digest).write_bytes(data)
        return {"digest": f"sha256:{digest}", "size": len(data)}
    manifest = {"schemaVersion": 2, "config": put(json.dumps(config).encode()),
                "layers": [put(x) for x in layers]}
    entry = put(json.dumps(manifest).encode())
    entry["annotations"] = {"org.opencontainers.image.ref.name": name}
    (root / "oci-layout").write_text('{"imageLayoutVersion": "1.0.0"}')
    (root / "index.json").write_text(json.dumps({"schemaVersion": 2, "manifests": [entry]}))
    return str(root)


def test_docker_save_layout(tmp_path):
    path = docker_save(tmp_path / "img.tar", [layer(LOWER), layer(UPPER)])
    got = learn(path)
    assert got.names == ["corp/base:1"]
    assert got.shell == "/bin/sh"                    # through the busybox symlink
    assert got.shells == ["/bin/sh"]
    assert got.ca_paths == ["/etc/ssl/certs/ca-certificates.crt", "/etc/ssl/cert.pem"]
    assert got.libc == "musl" and got.ca_bundle     # the bundle through a symlink too
    assert got.tzdata is False                       # removed by the upper layer's whiteout
    assert got.users == {"root": 0, "nonroot": 65532} and got.groups["nonroot"] == 65532
    assert (got.user, got.workdir, got.entrypoint, got.cmd) == ("65532", "/app", ["/app/run"],
                                                                None)
    assert got.env == {"PATH": "/usr/bin:/bin", "APP_HOME": "/app"}
    assert got.compressed is False                   # docker save stores plain tars


def test_opaque_directory_and_whiteout_only_hide_lower_layers(tmp_path):
    path = docker_save(tmp_path / "img.tar", [layer(LOWER), layer(UPPER)])
    tree = imagearchive._Tree()
    counter = imagearchive._Counter()
    with tarfile.open(path) as outer:
        for name in ("layer0/layer.tar", "layer1/layer.tar"):
            imagearchive._apply(tree, outer.extractfile(name), counter, name)
    assert "tmp/junk" not in tree.nodes and "tmp/new" in tree.nodes
    assert not any(p.startswith("usr/share/zoneinfo") for p in tree.nodes)


def test_oci_layout_with_gzip_layers_and_a_glibc_loader(tmp_path):
    lower = [("usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2", "file", b"\x7fELF"),
             ("lib", "sym", "usr/lib"), ("usr/bin/dash", "file", b"\x7fELF"),
             ("bin", "sym", "usr/bin"), ("usr/bin/sh", "sym", "dash"),
             ("etc/pki/tls/certs/ca-bundle.crt", "file", b"x")]
    root = tmp_path / "layout"
    oci_layout(root, [layer(lower, gz=True)], config={"config": {}})
    got = learn(str(root))
    assert got.libc == "glibc" and got.shell == "/bin/sh" and got.ca_bundle
    assert got.compressed and got.names == ["corp/base:2"]
    assert got.user is None and not got.passwd


def test_a_scratch_like_image_has_nothing(tmp_path):
    path = docker_save(tmp_path / "img.tar", [layer([("app", "file", b"\x7fELF")])],
                       config={"config": {}})
    got = learn(path)
    assert (got.shell, got.libc, got.ca_bundle, got.tzdata, got.passwd) == \
        (None, "none", False, False, False)


def test_the_yaml_block_is_a_valid_images_entry(tmp_path):
    from docklint import config as cfg
    path = docker_save(tmp_path / "img.tar", [layer(LOWER), layer(UPPER)])
    text = to_yaml(learn(path), "corp/base:*", "img.tar")
    conf = tmp_path / ".docklint.yaml"
    conf.write_text(text)
    declared = cfg.load(str(conf)).values["images"]["corp/base:*"]
    assert declared.values["shell"] == "/bin/sh" and declared.values["libc"] == "musl"
    assert dict(declared.values["users"]) == {"root": 0, "nonroot": 65532}
    assert declared.values["learned-from"] == "img.tar"


def test_cli_learn_prints_the_block_and_json(tmp_path):
    path = docker_save(tmp_path / "img.tar", [layer(LOWER)])
    result = CliRunner().invoke(image_cmd, ["learn", path], catch_exceptions=False)
    assert result.exit_code == 0
    assert result.stdout.startswith('images:\n  "corp/base:1":\n    shell: "/bin/sh"\n')
    result = CliRunner().invoke(image_cmd, ["learn", path, "--name", "corp/*", "--format",
                                            "json"], catch_exceptions=False)
    assert json.loads(result.stdout)["images"]["corp/*"]["tzdata"] is True


def test_cli_learn_needs_a_name_when_the_archive_has_none(tmp_path):
    path = docker_save(tmp_path / "img.tar", [layer(LOWER)], tags=())
    result = CliRunner().invoke(image_cmd, ["learn", path])
    assert result.exit_code == 2 and "give the reference with --name REF" in result.stderr


# --- hostile archives ------------------------------------------------------------------------

def _error(path) -> str:
    with pytest.raises(ArchiveError) as info:
        learn(str(path))
    return str(info.value)


def test_path_traversal_in_a_layer_is_refused(tmp_path):
    path = docker_save(tmp_path / "img.tar", [layer([("../../etc/passwd", "file", b"x")])])
    assert "member path '../../etc/passwd' leaves the image root: refused" in _error(path)


def test_path_traversal_in_the_manifest_is_refused(tmp_path):
    path = tmp_path / "img.tar"
    with tarfile.open(path, "w") as tar:
        data = json.dumps([{"Config": "../config.json", "Layers": []}]).encode()
        info = tarfile.TarInfo("manifest.json")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    assert "leaves the image root: refused" in _error(path)


def test_a_digest_that_is_a_path_is_refused(tmp_path):
    root = tmp_path / "layout"
    root.mkdir()
    (root / "index.json").write_text(json.dumps(
        {"manifests": [{"digest": "sha256:../../../etc/passwd"}]}))
    assert "is not sha256:<64 hex digits>: refused" in _error(root)


def test_a_decompression_bomb_stops_at_the_budget(tmp_path, monkeypatch):
    # a member that claims 64 MiB of zeros: compressed, a few kilobytes
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        info = tarfile.TarInfo("big")
        info.size = 64 << 20
        tar.addfile(info, io.BytesIO(bytes(64 << 20)))
    bomb = gzip.compress(buf.getvalue())
    assert len(bomb) < 200_000
    path = docker_save(tmp_path / "img.tar", [bomb])
    monkeypatch.setattr(imagearchive, "MAX_DATA", 8 << 20)
    assert "more than 8388608 bytes of layer data: refused" in _error(path)


def test_too_many_entries_are_refused(tmp_path, monkeypatch):
    path = docker_save(tmp_path / "img.tar",
                       [layer([(f"f{n}", "file", b"") for n in range(50)])])
    monkeypatch.setattr(imagearchive, "MAX_ENTRIES", 20)
    assert "more than 20 entries: refused" in _error(path)


@pytest.mark.parametrize("content,message", [
    (b"\x28\xb5\x2f\xfd" + bytes(100), "zstd-compressed layers are not supported"),
    (b"not a tar at all" * 40, "not a tar layer"),
])
def test_unreadable_layers(tmp_path, content, message):
    path = docker_save(tmp_path / "img.tar", [content])
    assert message in _error(path)


@pytest.mark.parametrize("manifest,message", [
    (b"{not json", "manifest.json: not valid JSON"),
    (b'{"a": 1}', "manifest.json is not a list of images"),
    (b'[{"Config": 3}]', "manifest.json has no Config and Layers"),
])
def test_broken_manifests(tmp_path, manifest, message):
    path = tmp_path / "img.tar"
    with tarfile.open(path, "w") as tar:
        info = tarfile.TarInfo("manifest.json")
        info.size = len(manifest)
        tar.addfile(info, io.BytesIO(manifest))
    assert message in _error(path)


def test_not_an_archive(tmp_path):
    (tmp_path / "x.txt").write_text("hello")
    assert "not an image archive" in _error(tmp_path / "x.txt")
    assert "no such file or directory" in _error(tmp_path / "missing.tar")
    (tmp_path / "empty").mkdir()
    assert "neither manifest.json (docker save) nor index.json (OCI layout)" in \
        _error(tmp_path / "empty")


def test_a_symlink_loop_is_not_a_shell(tmp_path):
    path = docker_save(tmp_path / "img.tar", [layer([("bin/sh", "sym", "/bin/sh2"),
                                                     ("bin/sh2", "sym", "/bin/sh")])])
    assert learn(path).shell is None


def test_a_huge_member_is_streamed_in_bounded_memory(tmp_path):
    # 300 MB of layer data under a 200 MB address-space limit above the interpreter's own:
    # the content is streamed past, never held
    member = tmp_path / "big.bin"
    with open(member, "wb") as fh:
        fh.truncate(300 << 20)
    lay = tmp_path / "layer.tar"
    with tarfile.open(lay, "w") as tar:
        tar.add(member, "opt/big.bin")
    member.unlink()
    path = tmp_path / "img.tar"
    with tarfile.open(path, "w") as tar:
        tar.add(lay, "l/layer.tar")
        for name, data in (("config.json", b"{}"), ("manifest.json", json.dumps(
                [{"Config": "config.json", "RepoTags": ["x:1"],
                  "Layers": ["l/layer.tar"]}]).encode())):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    lay.unlink()
    code = ("import resource, sys\n"
            "soft = resource.getrlimit(resource.RLIMIT_AS)\n"
            "from docklint.imagearchive import learn\n"
            "import docklint.imagearchive, tarfile, gzip, json\n"
            "used = int(open('/proc/self/statm').read().split()[0]) * resource.getpagesize()\n"
            "resource.setrlimit(resource.RLIMIT_AS, (used + (200 << 20), soft[1]))\n"
            f"print(learn({str(path)!r}).layer_bytes > 300_000_000)\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.strip() == "True"


# --- image list ------------------------------------------------------------------------------

def test_image_list_shows_data_and_declared_images(tmp_path):
    conf = tmp_path / ".docklint.yaml"
    conf.write_text('images:\n  "corp/base:*":\n    like: python:3.12-slim\n    shell: null\n')
    result = CliRunner().invoke(image_cmd, ["list", "--format", "json", "--config", str(conf)],
                                catch_exceptions=False)
    rows = json.loads(result.stdout)
    assert any(r["image"] == "alpine" and r["source"] == "data" and r["libc"] == "musl"
               for r in rows)
    [mine] = [r for r in rows if r["image"] == "corp/base:*"]
    assert mine["shell"] == "no" and mine["libc"] == "glibc"
    assert mine["source"].startswith("declared (") and mine["source"].endswith(
        ", like python:3.12-slim")
    table = CliRunner().invoke(image_cmd, ["list", "--config", str(conf)],
                               catch_exceptions=False).stdout.splitlines()
    assert table[0].split() == ["image", "variant", "kind", "shell", "ca-bundle", "libc",
                                "tzdata", "user", "size", "end-of-life", "source"]
    assert table[-1].startswith("corp/base:*")


def test_users_stay_unknown_when_the_passwd_content_was_not_read(tmp_path, monkeypatch):
    # /etc/passwd as a link to another path, or over the size kept: no `users:` at all (an
    # empty list would say the image has no users, and DK103 would report every USER)
    linked = [("etc/passwd", "sym", "/usr/share/passwd"), ("usr/share/passwd", "file", PASSWD)]
    got = learn(docker_save(tmp_path / "a.tar", [layer(linked)]))
    assert got.passwd is False and "users" not in imagearchive.entry(got, "a")
    monkeypatch.setattr(imagearchive, "MAX_KEPT", 10)
    got = learn(docker_save(tmp_path / "b.tar", [layer(LOWER)]))
    assert got.passwd is False and got.users == {}
