"""Hostile inputs for --fix and the language server (issue 12, items 7 and 9).

- ``--fix`` leaves a read-only file, and a file in a read-only directory, alone even as root
  (these tests run as root in CI and here: they are not skipped for root);
- the changed-under-us check compares content: an edit that keeps size, inode and time is
  not lost;
- the language server: a document over the size budget gets one diagnostic saying so, and a
  big document's lint never delays a small document's diagnostics.
"""

from __future__ import annotations

import hashlib
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from docklint import fix
from docklint.engine import Settings, select_rules

APT = b"FROM debian:12\nRUN apt-get update && apt-get install curl\n"
APT_FIXED = b"FROM debian:12\nRUN apt-get update && apt-get install -y curl\n"
DOCKLINT = [sys.executable, "-m", "docklint"]


def _cli(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*DOCKLINT, "--no-color", "--select", "DK404", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=120)


def _mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


# ---- read-only files and directories ---------------------------------------------------------

def test_fix_leaves_a_mode_0444_file_alone_even_as_root(tmp_path) -> None:
    path = tmp_path / "Dockerfile"
    path.write_bytes(APT)
    os.chmod(path, 0o444)
    before = os.stat(path)
    ran = _cli(tmp_path, "--fix", "Dockerfile")
    assert ran.returncode == 2, ran
    assert ran.stderr == ("docklint: Dockerfile: not fixed: the file is read-only (mode 0444); "
                          "it was left alone\n")
    assert "Dockerfile:2:" in ran.stdout and "DK404" in ran.stdout   # the finding remains
    assert path.read_bytes() == APT
    after = os.stat(path)
    assert (after.st_ino, after.st_mtime_ns, _mode(path)) == \
        (before.st_ino, before.st_mtime_ns, 0o444)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["Dockerfile"]


def test_fix_leaves_a_file_in_a_read_only_directory_alone_even_as_root(tmp_path) -> None:
    directory = tmp_path / "ro"
    directory.mkdir()
    path = directory / "Dockerfile"
    path.write_bytes(APT)
    os.chmod(directory, 0o555)
    try:
        ran = _cli(directory, "--fix", "Dockerfile")
        assert ran.returncode == 2, ran
        assert ran.stderr == ("docklint: Dockerfile: not fixed: its directory is read-only "
                              "(mode 0555); it was left alone\n")
        assert path.read_bytes() == APT
        assert sorted(p.name for p in directory.iterdir()) == ["Dockerfile"]
    finally:
        os.chmod(directory, 0o755)


def test_a_writable_file_next_to_a_read_only_one_is_still_fixed(tmp_path) -> None:
    (tmp_path / "a.Dockerfile").write_bytes(APT)
    (tmp_path / "b.Dockerfile").write_bytes(APT)
    os.chmod(tmp_path / "a.Dockerfile", 0o444)
    ran = _cli(tmp_path, "--fix", "a.Dockerfile", "b.Dockerfile")
    assert ran.returncode == 2
    assert (tmp_path / "a.Dockerfile").read_bytes() == APT
    assert (tmp_path / "b.Dockerfile").read_bytes() == APT_FIXED
    assert _mode(tmp_path / "a.Dockerfile") == 0o444


def test_write_atomic_refuses_read_only_by_the_mode_bits(tmp_path) -> None:
    path = tmp_path / "Dockerfile"
    path.write_bytes(b"old\n")
    os.chmod(path, 0o444)
    with pytest.raises(fix.ReadOnly) as caught:
        fix.write_atomic(str(path), b"new\n")
    assert caught.value.strerror == "the file is read-only (mode 0444)"
    assert path.read_bytes() == b"old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["Dockerfile"]


def test_diff_still_works_on_a_read_only_file(tmp_path) -> None:
    path = tmp_path / "Dockerfile"
    path.write_bytes(APT)
    os.chmod(path, 0o444)
    ran = _cli(tmp_path, "--diff", "Dockerfile")
    assert ran.returncode == 1, ran
    assert "+RUN apt-get update && apt-get install -y curl" in ran.stdout
    assert path.read_bytes() == APT


# ---- changed under us ------------------------------------------------------------------------

def test_a_same_size_edit_with_the_time_restored_is_not_lost(tmp_path, monkeypatch) -> None:
    path = tmp_path / "Dockerfile"
    path.write_bytes(APT)
    edited = APT.replace(b"curl", b"wget")
    assert len(edited) == len(APT)
    real = fix.fix_data

    def meddle(*args, **kwargs):
        out = real(*args, **kwargs)
        st = os.stat(path)
        with open(path, "r+b") as fh:        # in place: same inode, same size
            fh.write(edited)
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
        now = os.stat(path)
        assert (now.st_ino, now.st_size, now.st_mtime_ns) == \
            (st.st_ino, st.st_size, st.st_mtime_ns)
        return out
    monkeypatch.setattr(fix, "fix_data", meddle)
    settings = Settings(select=["DK404"])
    out = fix.fix_file(str(path), settings, select_rules(settings))
    assert out.problem == "not fixed: the file changed while it was being fixed"
    assert not out.written and not out.applied
    assert path.read_bytes() == edited
    assert [p.name for p in tmp_path.iterdir()] == ["Dockerfile"]


def test_write_atomic_checks_the_content_right_before_the_replace(tmp_path) -> None:
    path = tmp_path / "Dockerfile"
    path.write_bytes(b"old\n")
    with pytest.raises(fix.Changed):
        fix.write_atomic(str(path), b"new\n", expected=hashlib.sha256(b"odd\n").digest())
    assert path.read_bytes() == b"old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["Dockerfile"]
    fix.write_atomic(str(path), b"new\n", expected=hashlib.sha256(b"old\n").digest())
    assert path.read_bytes() == b"new\n"


# ---- the language server: budgets and isolation ---------------------------------------------

lsp = pytest.importorskip("docklint.lsp")
T = pytest.importorskip("lsprotocol.types")

SMALL = "FROM debian:12\nRUN apt-get install curl\n"


def _big(lines: int) -> str:
    return "FROM debian:12\n" + "RUN true\n" * (lines - 1)


def test_a_document_over_the_line_budget_gets_one_diagnostic_and_is_not_linted() -> None:
    state = lsp.lint_document("file:///big/Dockerfile", _big(200_000), 1)
    assert state.stopped == "too-large" and state.result is None and state.findings == []
    assert [d.message for d in state.diagnostics] == [
        f"docklint: this document has 200000 lines, more than the {lsp.MAX_LINES} the "
        "language server lints; it was not linted (run `docklint` on the file instead)"]
    (diag,) = state.diagnostics
    assert diag.severity == T.DiagnosticSeverity.Warning and diag.range.start.line == 0


def test_a_lint_over_its_time_budget_is_stopped_with_one_diagnostic() -> None:
    state = lsp.lint_document("file:///slow/Dockerfile", SMALL, 1, budget=0.0)
    assert state.stopped == "too-slow" and state.findings == []
    assert [d.message for d in state.diagnostics] == [
        "docklint: linting this document took longer than 0 s and was stopped; it was not "
        "linted fully (run `docklint` on the file instead)"]
    # within its budget the same text is linted as usual
    state = lsp.lint_document("file:///slow/Dockerfile", SMALL, 1)
    assert state.stopped is None and "DK404" in {d.code for d in state.diagnostics}


def test_a_cancelled_lint_stops() -> None:
    import threading
    cancel = threading.Event()
    cancel.set()
    state = lsp.lint_document("file:///c/Dockerfile", SMALL, 1, cancel=cancel)
    assert state.stopped == "cancelled" and state.findings == []


def _open(server, uri: str, text: str) -> None:
    server._did_open(T.DidOpenTextDocumentParams(text_document=T.TextDocumentItem(
        uri=uri, language_id="dockerfile", version=1, text=text)))


def _recording_server(monkeypatch):
    import asyncio
    server = lsp.DocklintServer(debounce=0)
    published: list[tuple[str, list]] = []
    arrived: dict[str, asyncio.Event] = {}

    def publish(params) -> None:
        published.append((params.uri, params.diagnostics))
        arrived.setdefault(params.uri, asyncio.Event()).set()
    monkeypatch.setattr(server.ls, "text_document_publish_diagnostics", publish)
    monkeypatch.setattr(server, "_log", lambda kind, message: None)
    monkeypatch.setattr(server, "_show", lambda kind, message: None)
    return server, published, arrived


def test_a_slow_document_does_not_delay_another_documents_diagnostics(monkeypatch) -> None:
    """The big document's lint is held (deterministically, by an event) until the small
    document's diagnostics have been published: with one lint thread for all documents the
    small one would wait behind it and the test would time out."""
    import asyncio
    import threading
    real = lsp.lint_document
    release = threading.Event()
    big_started = threading.Event()
    big_uri, small_uri = "file:///w/big/Dockerfile", "file:///w/small/Dockerfile"

    def held(uri, *args, **kwargs):
        if uri == big_uri:
            big_started.set()
            assert release.wait(60), "the small document's diagnostics never came"
        return real(uri, *args, **kwargs)
    monkeypatch.setattr(lsp, "lint_document", held)
    server, published, arrived = _recording_server(monkeypatch)

    async def scenario() -> None:
        for uri in (big_uri, small_uri):
            arrived[uri] = asyncio.Event()
        _open(server, big_uri, _big(5_000))
        await asyncio.get_running_loop().run_in_executor(None, big_started.wait, 30)
        _open(server, small_uri, SMALL)
        await asyncio.wait_for(arrived[small_uri].wait(), 30)
        assert [uri for uri, _ in published] and \
            {uri for uri, _ in published} == {small_uri}      # the big one is still linting
        assert "DK404" in {d.code for d in published[0][1]}
        release.set()
        await asyncio.wait_for(arrived[big_uri].wait(), 60)
        for doc in list(server.docs.values()):
            doc.close()
    try:
        asyncio.run(scenario())
    finally:
        release.set()
    big = [diags for uri, diags in published if uri == big_uri]
    assert big and all(d.source == "docklint" for d in big[-1])


def test_a_huge_document_next_to_a_small_one(monkeypatch) -> None:
    """One 200,000-line document and a small one open together: the big one gets its single
    "too large" diagnostic, the small one its findings."""
    import asyncio
    server, published, arrived = _recording_server(monkeypatch)
    big_uri, small_uri = "file:///h/big/Dockerfile", "file:///h/small/Dockerfile"

    async def scenario() -> None:
        for uri in (big_uri, small_uri):
            arrived[uri] = asyncio.Event()
        _open(server, big_uri, _big(200_000))
        _open(server, small_uri, SMALL)
        await asyncio.wait_for(asyncio.gather(arrived[big_uri].wait(),
                                              arrived[small_uri].wait()), 60)
        for doc in list(server.docs.values()):
            doc.close()
    asyncio.run(scenario())
    (big,) = [diags for uri, diags in published if uri == big_uri]
    assert len(big) == 1 and "200000 lines" in big[0].message
    small = [diags for uri, diags in published if uri == small_uri]
    assert "DK404" in {d.code for d in small[0]}


# ---- earlier_search: the linear form of searching each use's earlier text -------------------

def test_earlier_search_agrees_with_searching_the_earlier_text() -> None:
    import importlib

    from docklint import packages
    from docklint.model import build
    from docklint.source import Source
    patterns = [packages._ASSUMEYES_CONF] + [
        importlib.import_module(f"docklint.rules.{m}")._CONFIG
        for m in ("dk404_apt_missing_yes", "dk405_apt_install_recommends",
                  "dk421_pip_cache_not_disabled")]
    lines = ["FROM debian:12 AS base"]
    for i in range(40):
        if i == 10:
            lines.append("RUN echo 'APT::Get::Assume-Yes \"true\";' > /etc/apt/apt.conf.d/90yes")
        if i == 20:
            lines.append("COPY <<EOF /etc/apt/apt.conf.d/99norec\n"
                         "APT::Install-Recommends \"false\";\nEOF")
        if i == 30:
            lines.append("RUN printf '[global]\\nno-cache-dir = true\\n' > /etc/pip.conf && "
                         "pip install flask")
        lines.append(f"RUN apt-get install pkg{i} && pip install p{i} && yum install y{i}")
    lines += ["FROM base", "RUN apt-get install more && echo assumeyes=1 && yum install z",
              "FROM debian:12", "RUN apt-get install other"]
    df = build(Source("\n".join(lines) + "\n", "Dockerfile"))
    checked = {True: 0, False: 0}
    for use in packages.uses(df):
        for pattern in patterns:
            want = bool(pattern.search(packages.earlier_text(df, use)))
            assert packages.earlier_search(df, use, pattern) == want, \
                (use.instruction.line, pattern.pattern)
            checked[want] += 1
    assert checked[True] > 50 and checked[False] > 50
