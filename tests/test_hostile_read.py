"""Files a pull request controls cannot make docklint hang or eat memory (issue 12, item 1).

Every file docklint reads goes through ``docklint.reading``: regular files only, at most the cap
plus one byte. The reproductions run the real command in a subprocess under a memory cap
(``RLIMIT_AS``) and a timeout, and pin the exit status and the exact message; the unit tests pin
``read_regular`` and ``read_stream`` themselves. Also here: ``-o`` never overwrites a file being
linted, and a full standard output is an I/O error, not an internal one.
"""

from __future__ import annotations

import errno
import io
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from docklint import context
from docklint.reading import ReadError, TooBig, read_regular, read_stream

posix_only = pytest.mark.skipif(os.name != "posix", reason="FIFOs, /dev/zero and resource "
                                                           "limits are POSIX-only")

MEMORY_CAP = 1024 * 1024 * 1024         # 1 GiB of address space for the whole docklint process
TIMEOUT = 60                            # a hang is a failure, not a slow pass
_NOISY_ENV = ("FORCE_COLOR", "NO_COLOR", "CLICOLOR", "CLICOLOR_FORCE", "DOCKLINT_DEBUG",
              "PYTHONWARNINGS")
CLEAN = "FROM alpine:3.20\nRUN true\n"
BROKEN = "FROM alpine:3.20\nRUNN true\n"          # one DK000 finding at 2:1
GO = ("FROM golang:1.22 AS build\n"
      "WORKDIR /src\n"
      "COPY *.go ./\n"
      "RUN CGO_ENABLED=0 go build -o /app .\n"
      "\n"
      "FROM scratch\n"
      "COPY --from=build /app /app\n"
      "USER 10001:10001\n"
      'ENTRYPOINT ["/app"]\n')
STDIN_TOO_BIG = ("standard input is more than 10485760 bytes, over the limit; not linted "
                 "(raise max-file-size to lint it)")


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in _NOISY_ENV}


def _capped() -> None:
    import resource
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def docklint(args: list[str], cwd: Path, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE
             ) -> subprocess.CompletedProcess:
    """``python -m docklint ARGS`` under the memory cap and the timeout."""
    return subprocess.run([sys.executable, "-m", "docklint", "--no-shellcheck", *args],
                          cwd=cwd, stdin=stdin, stdout=stdout, stderr=subprocess.PIPE,
                          timeout=TIMEOUT, env=_env(), preexec_fn=_capped)


def _symlink_to_zero(link: Path) -> None:
    if not os.path.exists("/dev/zero"):
        pytest.skip("no /dev/zero here")
    link.symlink_to("/dev/zero")


def _findings(proc) -> list[tuple[str, str, int, int]]:
    return [(f["file"], f["code"], f["line"], f["column"]) for f in json.loads(proc.stdout)]


def _no_traceback(proc) -> str:
    err = proc.stderr.decode("utf-8", "replace")
    assert "Traceback" not in err and "internal error" not in err, err
    return err


# ---------------------------------------------------------------------------------------------
# the reproductions of item 1, through the command

@posix_only
@pytest.mark.parametrize("kind", ["zero", "fifo"])
def test_dockerignore_that_is_not_a_file(tmp_path, kind):
    """A .dockerignore that is a link to /dev/zero or a FIFO is refused, not read: the lint
    ends, within the memory cap, reports the rest of the Dockerfile, and says that DK506 (which
    reads the ignore file for the COPY) could not run: a DK005 error at the top, exit 2."""
    (tmp_path / "Dockerfile").write_text("FROM alpine:3.20\nCOPY app.sh /app.sh\nRUNN x\n")
    (tmp_path / "app.sh").write_text("echo hi\n")
    if kind == "zero":
        _symlink_to_zero(tmp_path / ".dockerignore")
    else:
        os.mkfifo(tmp_path / ".dockerignore")
    proc = docklint(["--format", "json", "--select", "DK0,DK506", "Dockerfile"], tmp_path)
    what = "a device" if kind == "zero" else "a FIFO"
    assert _no_traceback(proc) == (
        "docklint: Dockerfile: rule DK506 (copy-ignored-file) could not check this FROM: "
        f"cannot use the ignore file: {os.path.realpath(tmp_path)}/.dockerignore: not a "
        f"regular file ({what})\n")
    assert _findings(proc) == [("Dockerfile", "DK005", 1, 1), ("Dockerfile", "DK000", 3, 1)]
    assert proc.returncode == 2


def test_dockerignore_linked_out_of_the_context_is_not_read(tmp_path):
    """A .dockerignore that links to a file outside the build context is not read (BuildKit
    sends only the context; DK506 would quote its lines): DK506 says it could not run."""
    secret = tmp_path / "secret.txt"
    secret.write_text("s3cr3t-line\n")
    ctx = tmp_path / "ctx"
    ctx.mkdir()
    (ctx / "Dockerfile").write_text("FROM alpine:3.20\nCOPY s3cr3t-line /x\n")
    (ctx / ".dockerignore").symlink_to(secret)
    proc = docklint(["--format", "json", "--select", "DK506", "Dockerfile"], ctx)
    err = _no_traceback(proc)
    assert "s3cr3t-line" not in err and "s3cr3t-line/" not in proc.stdout.decode()
    assert "a symlink out of the build context (not read)" in err
    assert [f[1] for f in _findings(proc)] == ["DK005"] and proc.returncode == 2


@posix_only
@pytest.mark.parametrize("kind, what", [("zero", "a device"), ("fifo", "a FIFO")])
def test_dockerignore_problem_is_kept_for_the_rules(tmp_path, kind, what):
    """The context says why its ignore file was not used (for a rule or a report to show)."""
    if kind == "zero":
        _symlink_to_zero(tmp_path / ".dockerignore")
    else:
        os.mkfifo(tmp_path / ".dockerignore")
    context.forget()
    ctx = context.BuildContext(str(tmp_path))
    assert ctx.ignore_rules == []
    assert ctx.ignore_error == f"{tmp_path / '.dockerignore'}: not a regular file ({what})"
    # no ignore file at all is no problem
    ctx = context.BuildContext(str(tmp_path / "nowhere"))
    assert (ctx.ignore_rules, ctx.ignore_error) == ([], None)


@posix_only
@pytest.mark.parametrize("kind, what", [("zero", "a device"), ("fifo", "a FIFO")])
def test_nested_gitignore_that_is_not_a_file(tmp_path, kind, what):
    """A nested .gitignore that is a link to /dev/zero or a FIFO is skipped with a message
    naming it (exit 2); the search goes on and every Dockerfile is still linted."""
    (tmp_path / "sub").mkdir()
    (tmp_path / "Dockerfile").write_text(BROKEN)
    (tmp_path / "sub" / "Dockerfile").write_text(BROKEN)
    if kind == "zero":
        _symlink_to_zero(tmp_path / "sub" / ".gitignore")
    else:
        os.mkfifo(tmp_path / "sub" / ".gitignore")
    proc = docklint(["--format", "json", "--select", "DK0", "."], tmp_path)
    assert _no_traceback(proc) == \
        f"docklint: ./sub/.gitignore: not a regular file ({what}) (its patterns are not " \
        "applied)\n"
    assert _findings(proc) == [("./Dockerfile", "DK000", 2, 1), ("./sub/Dockerfile", "DK000", 2, 1)]
    assert proc.returncode == 2


@posix_only
def test_context_source_fifo_read_as_evidence(tmp_path):
    """``COPY *.go`` makes the Go rules read the context's .go files: a FIFO among them is
    refused (read_text gives None) instead of blocking forever."""
    (tmp_path / "Dockerfile").write_text(GO + "RUNN x\n")
    os.mkfifo(tmp_path / "main.go")
    proc = docklint(["--format", "json", "Dockerfile"], tmp_path)
    assert _no_traceback(proc) == ""
    assert _findings(proc) == [("Dockerfile", "DK000", 10, 1)]
    assert proc.returncode == 1
    context.forget()
    ctx = context.BuildContext(str(tmp_path))
    assert [rel for rel, _ in ctx.files("*.go")] == ["main.go"]
    assert ctx.read_text(str(tmp_path / "main.go")) is None


@posix_only
@pytest.mark.parametrize("code, dockerfile, fifo", [
    # DK304 reads package.json to see whether it declares devDependencies
    ("DK304", "FROM node:20-slim\nWORKDIR /app\nCOPY package.json ./\nRUN npm ci\n"
              "COPY . .\nCMD [\"node\", \"server.js\"]\n", "package.json"),
    # DK503 sniffs the first bytes of what ADD brings in, to see whether it is an archive
    ("DK503", "FROM alpine:3.20\nADD app* /srv/\n", "app1"),
])
def test_rule_reading_a_context_fifo(tmp_path, code, dockerfile, fifo):
    """The rules that read a context file themselves go through docklint.reading too: a FIFO
    in its place is refused (judged as unreadable), the lint ends."""
    (tmp_path / "Dockerfile").write_text(dockerfile + "RUNN x\n")
    os.mkfifo(tmp_path / fifo)
    proc = docklint(["--format", "json", "--select", f"DK0,{code}", "Dockerfile"], tmp_path)
    assert _no_traceback(proc) == ""
    lines = dockerfile.count("\n") + 1
    expected = [("Dockerfile", "DK000", lines, 1)]
    # as for an unreadable file: the manifest may declare devDependencies (DK304); what ADD
    # brings in may be an archive, so the ADD is not judged plain (no safe fix to COPY)
    expected.insert(0, ("Dockerfile", code, 4, 5) if code == "DK304" else
                    ("Dockerfile", code, 2, 5))
    assert _findings(proc) == expected
    assert proc.returncode == 1


@posix_only
def test_dockerfile_that_is_a_fifo(tmp_path):
    os.mkfifo(tmp_path / "fifo.Dockerfile")
    proc = docklint(["--format", "json", "fifo.Dockerfile"], tmp_path)
    assert _no_traceback(proc) == "docklint: fifo.Dockerfile: not a regular file (a FIFO)\n"
    assert json.loads(proc.stdout) == []
    assert proc.returncode == 2


@posix_only
def test_dockerfile_that_links_to_dev_zero(tmp_path):
    _symlink_to_zero(tmp_path / "Dockerfile")
    proc = docklint(["--format", "json", "Dockerfile"], tmp_path)
    assert _no_traceback(proc) == "docklint: Dockerfile: not a regular file (a device)\n"
    assert proc.returncode == 2


@posix_only
def test_stdin_from_dev_zero(tmp_path):
    """``docklint - </dev/zero`` stops at the cap + 1 byte: one finding says so."""
    if not os.path.exists("/dev/zero"):
        pytest.skip("no /dev/zero here")
    with open("/dev/zero", "rb") as zero:
        proc = docklint(["--format", "json", "-"], tmp_path, stdin=zero)
    assert _no_traceback(proc) == ""
    [finding] = json.loads(proc.stdout)
    assert (finding["file"], finding["code"], finding["line"], finding["message"]) == \
        ("-", "DK000", 1, STDIN_TOO_BIG)
    assert proc.returncode == 1


def _endless(pipe) -> None:
    """What ``yes`` does: write "y" lines until the reader goes away."""
    block = b"y\n" * 32768
    try:
        while True:
            pipe.write(block)
    except (BrokenPipeError, OSError, ValueError):
        pass
    finally:
        try:
            pipe.close()
        except OSError:
            pass


@posix_only
@pytest.mark.parametrize("fix", [False, True])
def test_stdin_that_never_ends(tmp_path, fix):
    """``yes | docklint -`` ends: standard input is read up to the cap + 1 byte only. With
    --fix the input cannot be given back, so it is an error, and nothing is printed."""
    args = ["--format", "json", "-"] if not fix else ["--fix", "--format", "json", "-"]
    with open(tmp_path / "stderr", "w+b") as stderr:
        proc = subprocess.Popen([sys.executable, "-m", "docklint", "--no-shellcheck", *args],
                                cwd=tmp_path, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=stderr, env=_env(), preexec_fn=_capped)
        writer = threading.Thread(target=_endless, args=(proc.stdin,), daemon=True)
        writer.start()
        killer = threading.Timer(TIMEOUT, proc.kill)       # a hang fails, never blocks
        killer.start()
        try:
            out = proc.stdout.read()
            proc.wait()
        finally:
            killer.cancel()
            proc.stdout.close()
        writer.join(TIMEOUT)
        assert proc.returncode != -9, "docklint did not end: killed after the timeout"
        stderr.seek(0)
        err = stderr.read()
    assert b"Traceback" not in err and b"internal error" not in err, err
    if fix:
        # standard output is kept for the fixed text: the report goes to stderr
        assert out == b""
        report, _, message = err.decode().rpartition("]\n")
        [finding] = json.loads(report + "]")
        assert (finding["code"], finding["message"]) == ("DK000", STDIN_TOO_BIG)
        assert message == ("Nothing fixed; 1 remaining.\n"
                           "docklint: -: not fixed: standard input is over the size limit\n")
        assert proc.returncode == 2
    else:
        assert err == b""
        [finding] = json.loads(out)
        assert (finding["code"], finding["message"]) == ("DK000", STDIN_TOO_BIG)
        assert proc.returncode == 1


# ---------------------------------------------------------------------------------------------
# -o never over a linted file; a full device is an I/O error

@pytest.mark.parametrize("how", ["same", "spelled", "symlink", "hardlink", "searched"])
def test_output_over_a_linted_file_is_refused(tmp_path, how):
    (tmp_path / "Dockerfile").write_text(BROKEN)
    output, target = {"same": ("Dockerfile", "Dockerfile"),
                      "spelled": ("./sub/../Dockerfile", "Dockerfile"),
                      "symlink": ("report.txt", "Dockerfile"),
                      "hardlink": ("report.txt", "Dockerfile"),
                      "searched": ("Dockerfile", ".")}[how]
    (tmp_path / "sub").mkdir()
    if how == "symlink":
        try:
            (tmp_path / "report.txt").symlink_to("Dockerfile")
        except (OSError, NotImplementedError) as exc:
            pytest.skip(f"cannot create a symlink here: {exc}")
    elif how == "hardlink":
        try:
            os.link(tmp_path / "Dockerfile", tmp_path / "report.txt")
        except (OSError, NotImplementedError) as exc:
            pytest.skip(f"cannot create a hard link here: {exc}")
    proc = subprocess.run([sys.executable, "-m", "docklint", "--format", "json", "-o", output,
                           target], cwd=tmp_path, capture_output=True, timeout=TIMEOUT,
                          env=_env())
    linted = {"searched": "./Dockerfile"}.get(how, "Dockerfile")
    named = "" if linted == output else f" ({linted})"
    assert proc.stderr.decode() == (f"docklint: --output: {output} is a file being linted"
                                    f"{named}; the report would overwrite it: name another "
                                    "file\n")
    assert proc.returncode == 2
    assert (tmp_path / "Dockerfile").read_text() == BROKEN
    assert proc.stdout == b""


def test_output_over_the_stdin_filename_is_refused(tmp_path):
    (tmp_path / "Dockerfile").write_text(BROKEN)
    proc = subprocess.run([sys.executable, "-m", "docklint", "-o", "Dockerfile",
                           "--stdin-filename", "Dockerfile", "-"], cwd=tmp_path,
                          input=CLEAN.encode(), capture_output=True, timeout=TIMEOUT, env=_env())
    assert proc.stderr.decode() == ("docklint: --output: Dockerfile is a file being linted; the "
                                    "report would overwrite it: name another file\n")
    assert proc.returncode == 2
    assert (tmp_path / "Dockerfile").read_text() == BROKEN


def test_output_next_to_a_linted_file_is_written(tmp_path):
    (tmp_path / "Dockerfile").write_text(BROKEN)
    proc = subprocess.run([sys.executable, "-m", "docklint", "--format", "json", "-o",
                           "report.json", "Dockerfile"], cwd=tmp_path, capture_output=True,
                          timeout=TIMEOUT, env=_env())
    assert (proc.returncode, proc.stderr) == (1, b"")
    assert [f["code"] for f in json.loads((tmp_path / "report.json").read_text())] == ["DK000"]


def _dev_full() -> str:
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full on this system")
    return "/dev/full"


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_stdout_on_a_full_device(tmp_path, fmt):
    (tmp_path / "Dockerfile").write_text(BROKEN)
    with open(_dev_full(), "w") as full:
        proc = docklint(["--format", fmt, "Dockerfile"], tmp_path, stdout=full)
    assert proc.stderr == b"docklint: cannot write the report: No space left on device\n"
    assert proc.returncode == 2


def test_stdout_on_a_full_device_with_a_big_report(tmp_path):
    """A report bigger than the stream's buffer fails while written, not at the flush."""
    (tmp_path / "Dockerfile").write_text("FROM alpine:3.20\n" + "RUNN true\n" * 2000)
    with open(_dev_full(), "w") as full:
        proc = docklint(["--select", "DK0", "Dockerfile"], tmp_path, stdout=full)
    assert proc.stderr == b"docklint: cannot write the report: No space left on device\n"
    assert proc.returncode == 2


def test_output_file_on_a_full_device(tmp_path):
    (tmp_path / "Dockerfile").write_text(BROKEN)
    full = _dev_full()
    proc = docklint(["--format", "json", "-o", full, "Dockerfile"], tmp_path)
    assert proc.stderr == f"docklint: cannot write {full}: No space left on device\n".encode()
    assert proc.returncode == 2


def test_fixed_stdin_on_a_full_device(tmp_path):
    with open(_dev_full(), "w") as full:
        proc = subprocess.run([sys.executable, "-m", "docklint", "--no-shellcheck", "--fix",
                               "--select", "DK0", "-"], cwd=tmp_path, input=CLEAN.encode(),
                              stdout=full, stderr=subprocess.PIPE, timeout=TIMEOUT, env=_env())
    assert proc.stderr == b"docklint: cannot write the fixed text: No space left on device\n"
    assert proc.returncode == 2


def test_subcommand_output_on_a_full_device(tmp_path):
    with open(_dev_full(), "w") as full:
        proc = subprocess.run([sys.executable, "-m", "docklint", "rules"], cwd=tmp_path,
                              stdout=full, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                              timeout=TIMEOUT, env=_env())
    assert proc.stderr == b"docklint: cannot write the report: No space left on device\n"
    assert proc.returncode == 2


# ---------------------------------------------------------------------------------------------
# docklint.reading itself

def test_read_regular_reads_a_file_and_a_link_to_one(tmp_path):
    (tmp_path / "f").write_bytes(b"FROM x\n")
    assert read_regular(str(tmp_path / "f"), 100) == b"FROM x\n"
    assert read_regular(str(tmp_path / "f"), 7) == b"FROM x\n"          # exactly the limit
    (tmp_path / "empty").write_bytes(b"")
    assert read_regular(str(tmp_path / "empty"), 0) == b""
    try:
        (tmp_path / "link").symlink_to("f")
    except (OSError, NotImplementedError) as exc:
        pytest.skip(f"cannot create a symlink here: {exc}")
    assert read_regular(str(tmp_path / "link"), 100) == b"FROM x\n"


@posix_only
def test_read_regular_refuses_a_link_to_a_device(tmp_path):
    _symlink_to_zero(tmp_path / "z")
    with pytest.raises(ReadError) as info:
        read_regular(str(tmp_path / "z"), 100, shown="z")
    assert (info.value.message, info.value.errno) == ("z: not a regular file (a device)",
                                                      errno.EINVAL)
    assert not isinstance(info.value, TooBig)


@posix_only
def test_read_regular_refuses_a_fifo_without_waiting(tmp_path):
    """Opening a FIFO for reading would wait for a writer: it is refused at once (no writer
    ever comes here; a hang would time the test out)."""
    os.mkfifo(tmp_path / "p")
    with pytest.raises(ReadError) as info:
        read_regular(str(tmp_path / "p"), 100, shown="p")
    assert info.value.message == "p: not a regular file (a FIFO)"


def test_read_regular_refuses_a_directory(tmp_path):
    with pytest.raises(ReadError) as info:
        read_regular(str(tmp_path), 100, shown="dir")
    assert (info.value.message, info.value.errno) == ("dir: is a directory", errno.EISDIR)


def test_read_regular_missing_and_broken_link(tmp_path):
    with pytest.raises(ReadError) as info:
        read_regular(str(tmp_path / "nope"), 100, shown="nope")
    assert (info.value.message, info.value.errno) == ("nope: no such file", errno.ENOENT)
    try:
        (tmp_path / "dangling").symlink_to("nowhere")
    except (OSError, NotImplementedError) as exc:
        pytest.skip(f"cannot create a symlink here: {exc}")
    # the link is looked at where it is, whatever name the message shows
    with pytest.raises(ReadError) as info:
        read_regular(str(tmp_path / "dangling"), 100, shown="shown-name")
    assert info.value.message == "shown-name: broken symlink"


def test_read_regular_nul_in_the_path(tmp_path):
    with pytest.raises(ReadError) as info:
        read_regular(str(tmp_path / "a\0b"), 100, shown="a")
    assert info.value.message == "a: no such file"


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0,
                    reason="permissions are not enforced for root (or off POSIX)")
def test_read_regular_permission_denied(tmp_path):
    f = tmp_path / "locked"
    f.write_bytes(b"x")
    f.chmod(0)
    try:
        with pytest.raises(ReadError) as info:
            read_regular(str(f), 100, shown="locked")
        assert (info.value.message, info.value.errno) == ("locked: permission denied",
                                                          errno.EACCES)
    finally:
        f.chmod(0o600)


def test_read_regular_too_big(tmp_path):
    (tmp_path / "big").write_bytes(b"x" * 101)
    with pytest.raises(TooBig) as info:
        read_regular(str(tmp_path / "big"), 100, shown="big", what="ignore file")
    assert info.value.message == "big: ignore file is 101 bytes, over the 100-byte limit"
    assert (info.value.limit, info.value.size, info.value.errno) == (100, 101, errno.EFBIG)


@pytest.mark.skipif(not os.path.exists("/proc/self/status"), reason="no /proc here")
def test_read_regular_does_not_trust_a_size_of_zero():
    """/proc files say they hold 0 bytes: the read still stops at the limit + 1."""
    assert os.stat("/proc/self/status").st_size == 0
    with pytest.raises(TooBig) as info:
        read_regular("/proc/self/status", 10, shown="status")
    assert info.value.message == "status: file is over the 10-byte limit"
    assert info.value.size is None


class _Counting(io.RawIOBase):
    """An endless stream that counts what it hands out."""

    def __init__(self) -> None:
        self.given = 0

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        assert n is not None and n > 0, "an unbounded read of an endless stream"
        self.given += n
        return b"y" * n


def test_read_stream_stops_at_the_limit_plus_one():
    endless = _Counting()
    with pytest.raises(TooBig) as info:
        read_stream(endless, 1000)
    assert endless.given == 1001
    assert info.value.message == "standard input: more than 1000 bytes, over the limit"
    assert (info.value.limit, info.value.size) == (1000, None)


def test_read_stream_within_the_limit():
    assert read_stream(io.BytesIO(b"FROM x\n"), 7) == b"FROM x\n"
    assert read_stream(io.BytesIO(b""), 7) == b""
    assert read_stream(io.StringIO("FROM é\n"), 100) == "FROM é\n".encode()
    with pytest.raises(TooBig):
        read_stream(io.BytesIO(b"FROM x\n"), 6)


def test_read_stream_closed():
    with pytest.raises(ReadError) as info:
        read_stream(None, 10)
    assert (info.value.message, info.value.errno) == ("standard input: closed", errno.EBADF)
    closed = io.BytesIO(b"x")
    closed.close()
    with pytest.raises(ReadError) as info:
        read_stream(closed, 10)
    assert info.value.message == "standard input: closed"


# ---------------------------------------------------------------------------------------------
# walks and ignore files have budgets

@pytest.fixture
def deep_tree(tmp_path, monkeypatch):
    """make(leaf name, text): ``d/d/.../d/LEAF``, 300 levels, relative to the current directory
    (tmp_path); removed without recursion afterwards. The walk under test runs under
    :func:`low_recursion_limit`, so the tree is deeper than the stack may be without being deep
    enough to trouble anything else that walks it (pytest's clean-up of old temp dirs)."""
    monkeypatch.chdir(tmp_path)
    depth = 300

    def make(leaf: str, text: str) -> int:
        for _ in range(depth):    # relative paths: the depth counts, not PATH_MAX
            os.mkdir("d")
            os.chdir("d")
        Path(leaf).write_text(text)
        os.chdir(tmp_path)
        return depth

    yield make
    if os.path.isdir(tmp_path / "d"):
        os.chdir(tmp_path)
        levels = 0
        while os.path.isdir("d"):
            os.chdir("d")
            levels += 1
        for name in os.listdir("."):
            os.unlink(name)
        for _ in range(levels):
            os.chdir("..")
            os.rmdir("d")
        os.chdir(tmp_path)


class low_recursion_limit:
    """Within: a recursion limit of 250 frames (a recursive walk of 300 levels fails)."""

    def __enter__(self):
        self.saved = sys.getrecursionlimit()
        sys.setrecursionlimit(250)

    def __exit__(self, *exc):
        sys.setrecursionlimit(self.saved)


def test_discovery_walk_of_a_deep_tree(deep_tree):
    """The search is iterative: a tree deeper than the recursion limit allows is searched."""
    from docklint.discovery import walk
    depth = deep_tree("Dockerfile", CLEAN)
    errors: list = []
    with low_recursion_limit():
        found = list(walk("d", lambda name: name == "Dockerfile",
                          lambda d, e: errors.append((d, e))))
    assert errors == []
    assert found == ["/".join(["d"] * depth + ["Dockerfile"])]


def test_discovery_does_not_follow_a_directory_link_loop(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "Dockerfile").write_text(CLEAN)
    try:
        (tmp_path / "a" / "loop").symlink_to("..", target_is_directory=True)
    except (OSError, NotImplementedError) as exc:
        pytest.skip(f"cannot create a symlink here: {exc}")
    from docklint.discovery import walk
    found = list(walk(str(tmp_path), lambda name: name == "Dockerfile", lambda d, e: None))
    assert found == [str(tmp_path / "a" / "Dockerfile")]


def test_gitignore_with_too_many_patterns_is_skipped_and_said(tmp_path, monkeypatch):
    from docklint import discovery
    monkeypatch.setattr(discovery, "MAX_PATTERNS", 3)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / ".gitignore").write_text("a\nb\nc\nd\n")
    (tmp_path / "sub" / "Dockerfile").write_text(CLEAN)
    problems: list[str] = []
    found = list(discovery.walk(str(tmp_path), lambda name: name == "Dockerfile",
                                lambda d, e: None, problems.append))
    assert problems == [f"{tmp_path / 'sub' / '.gitignore'}: more than 3 patterns, over the "
                        "limit"]
    assert found == [str(tmp_path / "sub" / "Dockerfile")]
    # within the budget, the patterns apply
    (tmp_path / "sub" / ".gitignore").write_text("Dockerfile\n")
    problems.clear()
    assert list(discovery.walk(str(tmp_path), lambda name: name == "Dockerfile",
                               lambda d, e: None, problems.append)) == []
    assert problems == []


def test_dockerignore_with_too_many_patterns_counts_as_empty(tmp_path, monkeypatch):
    monkeypatch.setattr(context, "MAX_IGNORE_PATTERNS", 3)
    (tmp_path / ".dockerignore").write_text("a\nb\nc\nd\n")
    ctx = context.BuildContext(str(tmp_path))
    assert ctx.ignore_rules == []
    assert ctx.ignore_error == f"{tmp_path / '.dockerignore'}: more than 3 patterns, over the limit"


def test_dockerignore_too_big(tmp_path):
    (tmp_path / ".dockerignore").write_bytes(b"#" * (1024 * 1024 + 1))
    ctx = context.BuildContext(str(tmp_path))
    assert ctx.ignore_rules == []
    assert ctx.ignore_error == (f"{tmp_path / '.dockerignore'}: ignore file is 1048577 bytes, "
                                "over the 1048576-byte limit")


def test_context_walk_budgets(tmp_path, monkeypatch):
    """A context walk stops at MAX_DEPTH levels and MAX_ENTRIES entries, and never follows a
    symlinked directory (a loop back to the top is no loop)."""
    deep = tmp_path / "a" / "b" / "c" / "d"
    deep.mkdir(parents=True)
    for d in (tmp_path, tmp_path / "a", tmp_path / "a" / "b", tmp_path / "a" / "b" / "c", deep):
        (d / "f.go").write_text("package f\n")
    try:
        (tmp_path / "a" / "loop").symlink_to("..", target_is_directory=True)
    except (OSError, NotImplementedError) as exc:
        pytest.skip(f"cannot create a symlink here: {exc}")
    files = lambda: [rel for rel, _ in context.BuildContext(str(tmp_path)).files(".")]  # noqa
    assert files() == ["f.go", "a/f.go", "a/b/f.go", "a/b/c/f.go", "a/b/c/d/f.go"]
    monkeypatch.setattr(context, "MAX_DEPTH", 2)
    assert files() == ["f.go", "a/f.go", "a/b/f.go"]
    monkeypatch.setattr(context, "MAX_DEPTH", 64)
    monkeypatch.setattr(context, "MAX_ENTRIES", 2)      # the top's f.go and a: a is not entered
    assert files() == ["f.go"]


def test_context_walk_of_a_deep_tree(tmp_path, deep_tree):
    """Iterative too: a tree deeper than the recursion limit ends, at MAX_DEPTH."""
    deep_tree("x.go", "package x\n")
    (tmp_path / "top.go").write_text("package top\n")
    with low_recursion_limit():
        found = [rel for rel, _ in context.BuildContext(str(tmp_path)).files(".")]
    assert found == ["top.go"]
