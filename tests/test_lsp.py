"""The language server (``docklint.lsp``), driven over stdio by pygls's own LSP client.

Every test starts ``python -m docklint.lsp`` (or a small bootstrap script that adds a test-only
rule with fixes) as a subprocess, initializes it like an editor would, and talks LSP to it. Every
wait has a timeout, so a hung server fails the test instead of hanging CI; a failed test prints
what the server wrote on stderr.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

try:
    from lsprotocol import types as T
    from pygls.lsp.client import LanguageClient
    from pygls.uris import from_fs_path
except ImportError:  # pragma: no cover - depends on the environment
    pytest.skip("pygls is not importable: the LSP tests need the lsp extra "
                "(pip install '.[lsp]' or '.[test]')", allow_module_level=True)

from docklint.lsp import (MISSING_EXTRA, WATCH_GLOBS, LineIndex, apply_change,
                          lint_document)
from docklint.registry import get

TIMEOUT = 20.0          # one wait for the server
SCENARIO_TIMEOUT = 90.0  # one whole test

MULTI_STAGE = """\
# syntax=docker/dockerfile:1
FROM golang:1.22-alpine AS builder
WORKDIR /src
RUN echo 'package main; import "net/http"; func main() { http.Get("https://example.com") }' >main.go
RUN CGO_ENABLED=0 go build -o /out/app main.go

FROM scratch
COPY --from=builder /out/app /app
USER 10001:10001
ENTRYPOINT ["/app"]
"""
FINAL_FROM_LINE = 6  # 0-based line of "FROM scratch"
CA_COPY = "COPY --from=builder /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/\n"
FIXED = MULTI_STAGE.replace("COPY --from=builder /out/app /app\n",
                            "COPY --from=builder /out/app /app\n" + CA_COPY)


# ---------------------------------------------------------------------------------------------
# a client session

def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _offset(text: str, pos: T.Position) -> int:
    """Offset of an LSP position (UTF-16 characters) in text with \\n line ends."""
    lines = text.split("\n")
    start = sum(len(line) + 1 for line in lines[:pos.line])
    line = lines[pos.line] if pos.line < len(lines) else ""
    units = 0
    for i, ch in enumerate(line):
        if units >= pos.character:
            return start + i
        units += _utf16(ch)
    return start + len(line)


def apply_edit(text: str, uri: str, edit: T.WorkspaceEdit) -> str:
    """``text`` with a WorkspaceEdit's edits for ``uri`` applied, as a client would."""
    edits: list[T.TextEdit] = []
    if edit.document_changes:
        for change in edit.document_changes:
            assert change.text_document.uri == uri
            edits += change.edits
    else:
        edits += (edit.changes or {}).get(uri, [])
    spans = sorted(((_offset(text, e.range.start), _offset(text, e.range.end), e.new_text)
                    for e in edits), reverse=True)
    for start, end, new in spans:
        text = text[:start] + new + text[end:]
    return text


class Session:
    """One server process and a pygls client talking to it, recording what the server
    sends (diagnostics, messages, logs, capability registrations)."""

    def __init__(self, root: Path, *, encodings: list[str] | None = None,
                 watch: bool = True) -> None:
        self.root = root
        self.encodings = encodings
        self.watch = watch
        self.client = LanguageClient("docklint-tests", "0")
        self.published: list[T.PublishDiagnosticsParams] = []
        self.shown: list[T.ShowMessageParams] = []
        self.logged: list[T.LogMessageParams] = []
        self.registrations: list[T.Registration] = []
        self.stderr = bytearray()
        self._event = asyncio.Event()
        self._drain: asyncio.Task | None = None
        client = self.client

        @client.feature(T.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def on_diagnostics(params):
            self.published.append(params)
            self._event.set()

        @client.feature(T.WINDOW_SHOW_MESSAGE)
        def on_show(params):
            self.shown.append(params)
            self._event.set()

        @client.feature(T.WINDOW_LOG_MESSAGE)
        def on_log(params):
            self.logged.append(params)
            self._event.set()

        @client.feature(T.CLIENT_REGISTER_CAPABILITY)
        def on_register(params):
            self.registrations.extend(params.registrations)
            self._event.set()
            return None

    @property
    def process(self):
        return getattr(self.client, "_server", None)   # where pygls keeps the subprocess

    async def start(self, *args: str) -> T.InitializeResult:
        env = dict(os.environ)
        env.pop("DOCKLINT_LSP_LOG", None)
        home = self.root.parent / f"{self.root.name}-home"
        home.mkdir(exist_ok=True)
        env["HOME"] = str(home)                   # no hadolint.yaml of the user's
        env["XDG_CONFIG_HOME"] = str(home / ".config")
        await self.client.start_io(sys.executable, *(args or ("-m", "docklint.lsp")),
                                   cwd=str(self.root), env=env)
        if self.process is not None and self.process.stderr is not None:
            self._drain = asyncio.ensure_future(self._read_stderr(self.process.stderr))
        caps = T.ClientCapabilities(
            general=T.GeneralClientCapabilities(position_encodings=self.encodings)
            if self.encodings else None,
            workspace=T.WorkspaceClientCapabilities(
                did_change_watched_files=T.DidChangeWatchedFilesClientCapabilities(
                    dynamic_registration=self.watch),
                workspace_edit=T.WorkspaceEditClientCapabilities(document_changes=True)),
            text_document=T.TextDocumentClientCapabilities(
                publish_diagnostics=T.PublishDiagnosticsClientCapabilities(
                    related_information=True, code_description_support=True,
                    data_support=True, version_support=True),
                hover=T.HoverClientCapabilities(content_format=[T.MarkupKind.Markdown])))
        uri = from_fs_path(str(self.root))
        result = await asyncio.wait_for(self.client.initialize_async(T.InitializeParams(
            capabilities=caps, process_id=os.getpid(), root_uri=uri,
            workspace_folders=[T.WorkspaceFolder(uri=uri, name="workspace")])), TIMEOUT)
        self.client.initialized(T.InitializedParams())
        return result

    async def _read_stderr(self, stream) -> None:
        while chunk := await stream.read(65536):
            self.stderr += chunk

    async def stop(self) -> int | None:
        await asyncio.wait_for(self.client.shutdown_async(None), TIMEOUT)
        self.client.exit(None)
        await asyncio.wait_for(self.client.stop(), TIMEOUT)
        if self._drain is not None:
            await asyncio.wait_for(self._drain, TIMEOUT)
        return self.process.returncode if self.process is not None else None

    def kill(self) -> None:
        proc = self.process
        if proc is not None and proc.returncode is None:
            proc.kill()

    # ---- waiting
    async def wait_for(self, what: str, predicate, timeout: float = TIMEOUT):
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            found = predicate()
            if found:
                return found
            left = deadline - loop.time()
            if left <= 0:
                raise AssertionError(f"timed out after {timeout}s waiting for {what}")
            self._event.clear()
            try:
                await asyncio.wait_for(self._event.wait(), left)
            except asyncio.TimeoutError:
                pass

    async def diagnostics(self, uri: str, *, since: int = 0, version: int | None = None
                          ) -> T.PublishDiagnosticsParams:
        """The first diagnostics published for ``uri`` after ``since`` (an index into
        ``published``), for ``version`` if given."""
        def find():
            for p in self.published[since:]:
                if p.uri == uri and (version is None or p.version == version):
                    return p
            return None
        return await self.wait_for(f"diagnostics for {uri} (version {version})", find)

    async def settle(self, quiet: float = 0.6) -> None:
        """Wait until the server has published nothing for ``quiet`` seconds (a lint's second,
        ShellCheck pass may still be on its way after the first publish)."""
        deadline = time.monotonic() + TIMEOUT
        count = -1
        while count != len(self.published) and time.monotonic() < deadline:
            count = len(self.published)
            await asyncio.sleep(quiet)

    # ---- documents
    def open(self, path: Path, text: str, version: int = 1) -> str:
        uri = from_fs_path(str(path))
        self.client.text_document_did_open(T.DidOpenTextDocumentParams(
            text_document=T.TextDocumentItem(uri=uri, language_id="dockerfile",
                                             version=version, text=text)))
        return uri

    def change(self, uri: str, text: str, version: int) -> None:
        self.client.text_document_did_change(T.DidChangeTextDocumentParams(
            text_document=T.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[T.TextDocumentContentChangeWholeDocument(text=text)]))

    def watched(self, path: Path, kind: T.FileChangeType = T.FileChangeType.Changed) -> None:
        self.client.workspace_did_change_watched_files(T.DidChangeWatchedFilesParams(
            changes=[T.FileEvent(uri=from_fs_path(str(path)), type=kind)]))

    async def code_actions(self, uri: str, diagnostics: list[T.Diagnostic],
                           only: list[str] | None = None,
                           rng: T.Range | None = None) -> list[T.CodeAction]:
        rng = rng or (diagnostics[0].range if diagnostics else T.Range(
            start=T.Position(line=0, character=0), end=T.Position(line=0, character=0)))
        result = await asyncio.wait_for(self.client.text_document_code_action_async(
            T.CodeActionParams(text_document=T.TextDocumentIdentifier(uri=uri), range=rng,
                               context=T.CodeActionContext(diagnostics=diagnostics,
                                                           only=only))), TIMEOUT)
        return list(result or [])

    async def hover(self, uri: str, line: int, character: int) -> T.Hover | None:
        return await asyncio.wait_for(self.client.text_document_hover_async(T.HoverParams(
            text_document=T.TextDocumentIdentifier(uri=uri),
            position=T.Position(line=line, character=character))), TIMEOUT)


def run(root: Path, scenario, *args: str, encodings: list[str] | None = None,
        watch: bool = True) -> Session:
    """Start a server in ``root``, run ``scenario(session)``, shut the server down and check
    it exits 0. A failure kills the server and shows its stderr."""
    async def main() -> Session:
        session = Session(root, encodings=encodings, watch=watch)
        try:
            await session.start(*args)
            await asyncio.wait_for(scenario(session), SCENARIO_TIMEOUT)
            code = await session.stop()
            assert code == 0, f"the server exited {code} after shutdown and exit"
            return session
        except BaseException:
            session.kill()
            sys.stdout.write("---- server stderr ----\n"
                             + session.stderr.decode("utf-8", "replace") + "\n")
            raise

    return asyncio.run(main())


def workspace(root: Path, *codes: str, extra: str = "") -> Path:
    """A workspace whose configuration runs exactly ``codes``: new rules do not change what
    these tests see."""
    (root / ".docklint.yaml").write_text(f"select: [{', '.join(codes)}]\n{extra}")
    return root


def _codes(params: T.PublishDiagnosticsParams) -> list[str]:
    return [str(d.code) for d in params.diagnostics]


def _rng(line: int, start: int, end_line: int, end: int) -> T.Range:
    return T.Range(start=T.Position(line=line, character=start),
                   end=T.Position(line=end_line, character=end))


# ---------------------------------------------------------------------------------------------
# diagnostics

def test_diagnostics_on_open_change_and_close(tmp_path):
    path = workspace(tmp_path, "DK101", "DK110") / "Dockerfile"
    path.write_text(MULTI_STAGE)

    async def scenario(s: Session):
        uri = s.open(path, MULTI_STAGE, version=1)
        pub = await s.diagnostics(uri, version=1)
        assert _codes(pub) == ["DK101"]
        d = pub.diagnostics[0]
        assert d.range == _rng(FINAL_FROM_LINE, 0, FINAL_FROM_LINE, len("FROM scratch"))
        assert d.severity == T.DiagnosticSeverity.Error
        assert d.source == "docklint"
        assert d.code_description.href == get("DK101").help_uri
        assert "no CA bundle" in d.message
        # the TLS evidence: the URL in the RUN line that writes main.go
        evidence_line = MULTI_STAGE.splitlines()[3]
        col = evidence_line.index("https://example.com")
        [rel] = d.related_information
        assert rel.location.uri == uri
        assert rel.location.range == _rng(3, col, 3, col + len("https://example.com"))
        assert "TLS evidence" in rel.message
        # what a code action needs
        assert d.data["version"] == 1 and d.data["code"] == "DK101"
        assert d.data["suppress"]["newText"] == "# docklint ignore=DK101\n"

        # a change that adds the CA bundle: the diagnostics are cleared
        mark = len(s.published)
        s.change(uri, FIXED, version=2)
        pub = await s.diagnostics(uri, since=mark, version=2)
        assert _codes(pub) == []

        # back to the broken text, then closed: cleared again
        mark = len(s.published)
        s.change(uri, MULTI_STAGE, version=3)
        assert _codes(await s.diagnostics(uri, since=mark, version=3)) == ["DK101"]
        mark = len(s.published)
        s.client.text_document_did_close(T.DidCloseTextDocumentParams(
            text_document=T.TextDocumentIdentifier(uri=uri)))
        pub = await s.diagnostics(uri, since=mark)
        assert _codes(pub) == []

    run(tmp_path, scenario)


def test_debounce_lints_the_latest_text_once_and_save_lints_at_once(tmp_path):
    path = workspace(tmp_path, "DK101") / "Dockerfile"

    async def scenario(s: Session):
        uri = s.open(path, FIXED, version=1)
        await s.diagnostics(uri, version=1)
        mark = len(s.published)
        # a burst of typing: five changes 10 ms apart; the last one brings DK101 back
        texts = [FIXED.replace("/app\n", f"/app{i}\n", 1) for i in range(4)] + [MULTI_STAGE]
        for version, text in enumerate(texts, start=2):
            s.change(uri, text, version)
            last = time.monotonic()
            await asyncio.sleep(0.01)
        pub = await s.diagnostics(uri, since=mark, version=6)
        elapsed = time.monotonic() - last
        assert _codes(pub) == ["DK101"]
        # nothing was published for the intermediate texts, and not before the quiet period
        assert [p.version for p in s.published[mark:] if p.uri == uri] == [6]
        assert elapsed >= 0.14, elapsed
        # a save lints at once, without waiting for the debounce
        mark = len(s.published)
        started = time.monotonic()
        s.client.text_document_did_save(T.DidSaveTextDocumentParams(
            text_document=T.TextDocumentIdentifier(uri=uri)))
        assert _codes(await s.diagnostics(uri, since=mark, version=6)) == ["DK101"]
        assert time.monotonic() - started < 5

    run(tmp_path, scenario)


UNICODE = """\
FROM alpine:3.20 AS build
LABEL note="😀 日本語" other=$NOPE
USER 1000
"""


@pytest.mark.parametrize("encoding", [None, "utf-8", "utf-32"])
def test_positions_count_the_negotiated_code_units(tmp_path, encoding):
    """An emoji (two UTF-16 units, four UTF-8 bytes) and CJK text (three UTF-8 bytes each)
    before a finding on the same line: the range is in the client's units (UTF-16 unless the
    client offered another encoding)."""
    path = tmp_path / "Dockerfile"
    line = UNICODE.splitlines()[1]
    prefix, name = line[:line.index("$NOPE")], "$NOPE"
    if encoding == "utf-8":
        start, width = len(prefix.encode("utf-8")), len(name)
    elif encoding == "utf-32":
        start, width = len(prefix), len(name)
    else:
        start, width = _utf16(prefix), len(name)
    assert (encoding or "utf-16") == "utf-32" or start != len(prefix)  # the test means it
    workspace(tmp_path, "DK209")

    async def scenario(s: Session):
        uri = s.open(path, UNICODE)
        pub = await s.diagnostics(uri, version=1)
        [d] = [d for d in pub.diagnostics if d.code == "DK209"]
        assert d.range == _rng(1, start, 1, start + width)

    session = run(tmp_path, scenario, encodings=[encoding] if encoding else None)
    assert session is not None


# ---------------------------------------------------------------------------------------------
# code actions

INDENTED = MULTI_STAGE.replace("FROM scratch\n", "  FROM scratch\n")


def test_suppress_action_inserts_a_pragma_that_silences_the_finding(tmp_path):
    path = workspace(tmp_path, "DK101", "DK110") / "Dockerfile"

    async def scenario(s: Session):
        uri = s.open(path, INDENTED)
        pub = await s.diagnostics(uri, version=1)
        [d] = pub.diagnostics
        actions = await s.code_actions(uri, [d])
        titles = [a.title for a in actions]
        # DK101 also has a fix (copy the bundle from the builder): the suppress action is one
        # of the quick fixes
        assert "Suppress DK101 for this instruction" in titles, titles
        action = next(a for a in actions if a.title.startswith("Suppress"))
        assert action.kind == T.CodeActionKind.QuickFix
        assert list(action.diagnostics) == [d]
        # a versioned edit: the client refuses it if the text changed meanwhile
        [doc_edit] = action.edit.document_changes
        assert doc_edit.text_document.version == 1
        new_text = apply_edit(INDENTED, uri, action.edit)
        assert "\n  # docklint ignore=DK101\n  FROM scratch\n" in new_text
        mark = len(s.published)
        s.change(uri, new_text, version=2)
        pub = await s.diagnostics(uri, since=mark, version=2)
        assert _codes(pub) == []

        # a client that does not send the data back (or shows older diagnostics) still
        # gets the action, located from the diagnostic's range
        mark = len(s.published)
        s.change(uri, INDENTED, version=3)
        [d3] = (await s.diagnostics(uri, since=mark, version=3)).diagnostics
        bare = T.Diagnostic(range=d3.range, message=d3.message, code="DK101",
                            source="docklint")
        actions = [a for a in await s.code_actions(uri, [bare])
                   if a.title.startswith("Suppress")]
        assert [a.title for a in actions] == ["Suppress DK101 for this instruction"]
        assert apply_edit(INDENTED, uri, actions[0].edit) == new_text
        # other sources' diagnostics are not ours
        other = T.Diagnostic(range=d3.range, message="x", code="DL3006", source="hadolint")
        assert [a for a in await s.code_actions(uri, [other])
                if a.kind == T.CodeActionKind.QuickFix] == []

    run(tmp_path, scenario)


# A server with a test-only rule whose findings carry fixes (no shipped rule has one yet), and
# a hover that raises on a document starting with "# boom" (to check handler errors are
# contained).
BOOTSTRAP = '''
from docklint import lsp
from docklint.rule import Edit, Finding, Fix, Severity, rule
from docklint.source import Span


# group="none": the test is about separate findings whose fixes overlap
@rule("DK999", "test-keyword-case", Severity.WARNING, fixable="sometimes", group="none")
def keyword_case(df, options):
    for ins in df.instructions:
        span = ins.keyword_span
        if ins.written != ins.keyword:
            yield Finding(span, f"`{ins.written}` is not upper case",
                          fix=Fix(f"write {ins.keyword}", (Edit(span, ins.keyword),)))
            if ins.keyword == "RUN":    # a second safe fix over the same text
                yield Finding(span, "zz overlapping", fix=Fix(
                    "write RUN and a tab", (Edit(Span(span.start, span.end + 1), "RUN\\t"),)))
        if ins.keyword == "WORKDIR" and ins.args:
            arg = ins.args[0].span
            yield Finding(arg, "move it", fix=Fix("move it to /srv/app",
                                                  (Edit(arg, "/srv/app"),), safe=False))


@rule("DK998", "test-env-key-case", Severity.WARNING, fixable="always")
def env_key_case(df, options):
    for ins in df.instructions:
        if ins.keyword == "ENV":
            for key, _value, _sep in ins.pairs():
                if key.value.islower():
                    yield Finding(key.span, f"`{key.value}` is lower case",
                                  fix=Fix(f"write {key.value.upper()}",
                                          (Edit(key.span, key.value.upper()),)))


_select = lsp.select_rules
lsp.select_rules = lambda settings: [*_select(settings), keyword_case.__docklint_rule__,
                                     env_key_case.__docklint_rule__]
_hover = lsp.hover_markdown


def hover_markdown(df, offset):
    if df.source.text.startswith("# boom"):
        raise RuntimeError("boom from the test")
    return _hover(df, offset)


lsp.hover_markdown = hover_markdown
lsp.main()
'''

LOWER = "from alpine:3.20\nrun echo hi\nworkdir /app\nUSER 1000\n"


def test_merged_finding_offers_a_fix_per_place(tmp_path):
    """A rule's findings in one instruction are one diagnostic at the first place, the others
    its related information; its fix fixes them all, and the cursor on another place offers
    that place's fix alone."""
    boot = tmp_path / "boot.py"
    boot.write_text(BOOTSTRAP)
    path = workspace(tmp_path, "DK000") / "Dockerfile"
    text = "FROM alpine:3.20\nENV a=1 b=2 c=3\n"

    async def scenario(s: Session):
        uri = s.open(path, text)
        pub = await s.diagnostics(uri, version=1)
        ours = [d for d in pub.diagnostics if d.code == "DK998"]
        assert len(ours) == 1, ours
        d = ours[0]
        assert (d.range.start.line, d.range.start.character, d.range.end.character) == (1, 4, 5)
        assert d.message.startswith("`a` is lower case (2 more in this instruction: `b` and `c`)")
        assert [(r.location.range.start.character, r.message)
                for r in d.related_information] == [(8, "`b` is lower case"),
                                                    (12, "`c` is lower case")]
        actions = await s.code_actions(uri, [d], only=[T.CodeActionKind.QuickFix])
        assert actions[0].title == "Fix: write A; write B; write C"
        assert apply_edit(text, uri, actions[0].edit) == "FROM alpine:3.20\nENV A=1 B=2 C=3\n"
        # the cursor on `c`, where no diagnostic is: the fix of that place alone
        at_c = T.Range(start=T.Position(line=1, character=13),
                       end=T.Position(line=1, character=13))
        actions = await s.code_actions(uri, [], only=[T.CodeActionKind.QuickFix], rng=at_c)
        assert [a.title for a in actions] == ["Fix: write C"]
        assert apply_edit(text, uri, actions[0].edit) == "FROM alpine:3.20\nENV a=1 b=2 C=3\n"

    run(tmp_path, scenario, str(boot))


def test_fix_actions_and_fix_all(tmp_path):
    boot = tmp_path / "boot.py"
    boot.write_text(BOOTSTRAP)
    path = workspace(tmp_path, "DK000") / "Dockerfile"

    async def scenario(s: Session):
        uri = s.open(path, LOWER)
        pub = await s.diagnostics(uri, version=1)
        ours = [d for d in pub.diagnostics if d.code == "DK999"]
        assert len(ours) == 5, [(d.message, d.range) for d in ours]
        by_message = {d.message: d for d in ours}

        # a safe fix: preferred, and it fixes the finding
        d = by_message["`from` is not upper case"]
        assert d.code_description.href.endswith("#dk999")
        actions = await s.code_actions(uri, [d])
        assert [a.title for a in actions] == ["Fix: write FROM",
                                              "Suppress DK999 for this instruction",
                                              "Fix all safe problems"]
        assert actions[0].is_preferred is True
        assert apply_edit(LOWER, uri, actions[0].edit).startswith("FROM alpine:3.20\n")
        # an unsafe fix is offered, not preferred
        actions = await s.code_actions(uri, [by_message["move it"]])
        assert actions[0].title == "Fix: move it to /srv/app"
        assert not actions[0].is_preferred

        # fix all: every safe fix, minus the one that overlaps an earlier one and the unsafe
        actions = await s.code_actions(uri, ours, only=["source.fixAll"])
        assert [(a.title, a.kind) for a in actions] == [
            ("Fix all safe problems", "source.fixAll.docklint")]
        fixed = apply_edit(LOWER, uri, actions[0].edit)
        assert fixed == "FROM alpine:3.20\nRUN echo hi\nWORKDIR /app\nUSER 1000\n"
        # asked for quick fixes only, no source action
        actions = await s.code_actions(uri, [d], only=[T.CodeActionKind.QuickFix])
        assert "Fix all safe problems" not in [a.title for a in actions]

        mark = len(s.published)
        s.change(uri, fixed, version=2)
        pub = await s.diagnostics(uri, since=mark, version=2)
        assert [d.message for d in pub.diagnostics if d.code == "DK999"] == ["move it"]
        # nothing safe left to fix
        assert await s.code_actions(uri, [], only=["source.fixAll.docklint"]) == []

        # an exception in a handler is logged and the server carries on
        boom = tmp_path / "Dockerfile.boom"
        boom_uri = s.open(boom, "# boom\nFROM alpine:3.20\n")
        await s.diagnostics(boom_uri, version=1)
        assert await s.hover(boom_uri, 1, 2) is None
        await s.wait_for("an internal error in the log", lambda: [
            m for m in s.logged if m.type == T.MessageType.Error
            and "internal error in hover" in m.message and "boom from the test" in m.message])
        assert (await s.hover(uri, 0, 2)) is not None

    run(tmp_path, scenario, str(boot))


# ---------------------------------------------------------------------------------------------
# hover

def test_hover_on_from_and_on_a_stage_reference(tmp_path):
    path = workspace(tmp_path, "DK101") / "Dockerfile"
    lines = MULTI_STAGE.splitlines()

    async def scenario(s: Session):
        uri = s.open(path, MULTI_STAGE)
        await s.diagnostics(uri, version=1)
        hover = await s.hover(uri, 1, lines[1].index("golang") + 2)
        assert hover is not None and hover.contents.kind == T.MarkupKind.Markdown
        text = hover.contents.value
        assert "stage `builder`" in text.lower()
        assert "golang" in text and "toolchain" in text
        for label in ("Shell", "CA bundle", "libc", "musl", "tzdata", "Default user", "Size",
                      "End of life"):
            assert label in text, label
        assert hover.range == _rng(1, 0, 1, len(lines[1]))

        hover = await s.hover(uri, FINAL_FROM_LINE, 3)
        text = hover.contents.value
        assert "scratch" in text and "the target" in text
        assert "| CA bundle | no |" in text and "| Shell | no |" in text

        copy = lines[7]
        col = copy.index("builder") + 1
        hover = await s.hover(uri, 7, col)
        text = hover.contents.value
        assert "stage `builder`" in text and "line 2" in text
        assert "FROM golang:1.22-alpine AS builder" in text and "musl" in text
        start = copy.index("builder")
        assert hover.range == _rng(7, start, 7, start + len("builder"))

        # elsewhere: nothing
        assert await s.hover(uri, 2, 2) is None
        # a document that is not open: nothing, and no error
        assert await s.hover(from_fs_path(str(tmp_path / "nope")), 0, 0) is None

    run(tmp_path, scenario)


# ---------------------------------------------------------------------------------------------
# configuration

def test_config_changes_relint_and_a_broken_config_is_shown(tmp_path):
    workspace(tmp_path, "DK101", "DK110")
    (tmp_path / "sub").mkdir()
    path = tmp_path / "sub" / "Dockerfile"
    config = tmp_path / "sub" / ".docklint.yaml"    # created later, nearer the Dockerfile

    async def scenario(s: Session):
        # the server asked the client to watch configuration files
        reg = await s.wait_for("a file watcher registration", lambda: [
            r for r in s.registrations if r.method == T.WORKSPACE_DID_CHANGE_WATCHED_FILES])
        watchers = reg[0].register_options["watchers"]
        assert [w["globPattern"] for w in watchers] == list(WATCH_GLOBS)

        uri = s.open(path, MULTI_STAGE)
        assert _codes(await s.diagnostics(uri, version=1)) == ["DK101"]

        config.write_text("select: [DK101, DK110]\nignore: [DK101]\n")
        mark = len(s.published)
        s.watched(config, T.FileChangeType.Created)
        pub = await s.diagnostics(uri, since=mark)
        assert _codes(pub) == [] and pub.version == 1

        config.write_text("select: [DK101, DK110]\nignore: [DK101]\nbogus: 1\n")
        mark = len(s.published)
        s.watched(config)
        shown = await s.wait_for("a showMessage", lambda: s.shown)
        assert shown[0].type == T.MessageType.Error
        assert f"{config}:3: unknown key 'bogus'" in shown[0].message
        assert "\n" not in shown[0].message
        # linted with the default settings meanwhile; the server keeps working
        assert "DK101" in _codes(await s.diagnostics(uri, since=mark))
        assert await s.hover(uri, 1, 1) is not None
        # the same broken configuration is not shown again on every lint
        mark = len(s.published)
        s.change(uri, MULTI_STAGE + "\n", version=2)
        await s.diagnostics(uri, since=mark, version=2)
        await s.settle()
        assert len(s.shown) == 1

        config.write_text("select: [DK101, DK110]\nignore: [DK101]\n")
        mark = len(s.published)
        s.watched(config)
        pub = await s.diagnostics(uri, since=mark)
        assert _codes(pub) == []
        assert len(s.shown) == 1

        # deleted: the workspace's configuration applies again
        config.unlink()
        mark = len(s.published)
        s.watched(config, T.FileChangeType.Deleted)
        assert _codes(await s.diagnostics(uri, since=mark)) == ["DK101"]

    run(tmp_path, scenario)


def test_without_file_watching_saving_a_dockerfile_rereads_the_configuration(tmp_path):
    workspace(tmp_path, "DK101")
    path = tmp_path / "Dockerfile"

    async def scenario(s: Session):
        uri = s.open(path, MULTI_STAGE)
        assert _codes(await s.diagnostics(uri, version=1)) == ["DK101"]
        await s.wait_for("the note that files are not watched", lambda: [
            m for m in s.logged if "cannot watch files" in m.message])
        assert s.registrations == []
        workspace(tmp_path, "DK101", extra="ignore: [DK101]\n")
        mark = len(s.published)
        s.client.text_document_did_save(T.DidSaveTextDocumentParams(
            text_document=T.TextDocumentIdentifier(uri=uri)))
        assert _codes(await s.diagnostics(uri, since=mark)) == []

    run(tmp_path, scenario, watch=False)


# ---------------------------------------------------------------------------------------------
# bad documents

def test_bad_documents_give_dk000_or_dk003_and_never_crash_the_server(tmp_path):
    (tmp_path / "big").mkdir()
    codes = ("DK000", "DK003", "DK101", "DK209")
    workspace(tmp_path, *codes)
    workspace(tmp_path / "big", *codes, extra="max-file-size: 200\n")

    async def scenario(s: Session):
        # binary (as an editor may send a file it opened by mistake)
        uri = s.open(tmp_path / "Dockerfile.bin", "\x00\x01\x02\x03" * 64)
        pub = await s.diagnostics(uri, version=1)
        assert _codes(pub) == ["DK000"] and "binary" in pub.diagnostics[0].message
        assert pub.diagnostics[0].range == _rng(0, 0, 0, 0)

        # a lone surrogate: the one way JSON can carry text that is not Unicode
        text = "FROM alpine:3.20\nRUN echo \ud800 ok\nUSER 1000\n"
        uri = s.open(tmp_path / "Dockerfile.surrogate", text)
        pub = await s.diagnostics(uri, version=1)
        [d] = [d for d in pub.diagnostics if d.code == "DK003"]
        assert d.range.start == T.Position(line=1, character=len("RUN echo "))

        # over the configured size limit
        uri = s.open(tmp_path / "big" / "Dockerfile", "FROM alpine:3.20\n" + "RUN true\n" * 40)
        pub = await s.diagnostics(uri, version=1)
        assert _codes(pub) == ["DK000"] and "limit" in pub.diagnostics[0].message

        # a byte-order mark: ranges still point at the text the editor shows
        text = "\ufeffFROM alpine:3.20 AS build\nLABEL x=$NOPE\nUSER 1000\n"
        uri = s.open(tmp_path / "Dockerfile.bom", text)
        pub = await s.diagnostics(uri, version=1)
        [d] = [d for d in pub.diagnostics if d.code == "DK209"]
        assert d.range == _rng(1, len("LABEL x="), 1, len("LABEL x=$NOPE"))

        # empty, and requests about a document that is not open
        uri = s.open(tmp_path / "Dockerfile.empty", "")
        await s.diagnostics(uri, version=1)
        missing = from_fs_path(str(tmp_path / "missing"))
        assert await s.code_actions(missing, []) == []
        s.change(missing, "FROM alpine\n", version=2)          # a client bug: logged
        await s.wait_for("the error about the unknown document in the log", lambda: [
            m for m in s.logged if m.type == T.MessageType.Error and missing in m.message])
        # still alive and well
        uri = s.open(tmp_path / "Dockerfile", MULTI_STAGE)
        assert _codes(await s.diagnostics(uri, version=1)) == ["DK101"]
        assert not [m for m in s.logged if "internal error" in m.message]

    run(tmp_path, scenario)


# ---------------------------------------------------------------------------------------------
# starting

def test_missing_pygls_is_one_line_and_exit_2():
    code = ("import sys; sys.modules['pygls'] = None; import runpy; "
            "runpy.run_module('docklint.lsp', run_name='__main__')")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 2
    assert proc.stderr == MISSING_EXTRA + "\n"
    assert proc.stdout == ""
    assert MISSING_EXTRA == "docklint lsp needs the lsp extra: pip install 'docklint[lsp]'"


def test_end_of_input_without_shutdown_exits_1():
    proc = subprocess.run([sys.executable, "-m", "docklint.lsp"], input=b"",
                          capture_output=True, timeout=60)
    assert proc.returncode == 1
    assert proc.stdout == b""


# ---------------------------------------------------------------------------------------------
# the pieces, in process

def test_line_index_follows_lsp_lines_and_code_units():
    text = "ab\r\n😀x\rcd\n日本\n"
    index = LineIndex(text)                    # UTF-16
    assert index.line_count == 5
    assert index.position(text.index("x")) == T.Position(line=1, character=2)
    assert index.position(text.index("c")) == T.Position(line=2, character=0)   # lone \r
    assert index.position(text.index("\n")) == T.Position(line=0, character=2)  # in a \r\n
    assert index.position(len(text)) == T.Position(line=4, character=0)
    assert index.offset(T.Position(line=1, character=2)) == text.index("x")
    assert index.offset(T.Position(line=1, character=1)) == text.index("😀")  # half a pair
    assert index.offset(T.Position(line=3, character=99)) == text.index("日本") + 2
    assert index.offset(T.Position(line=9, character=0)) == len(text)
    assert index.terminator(0) == "\r\n" and index.terminator(1) == "\r"
    utf8 = LineIndex(text, "utf-8")
    assert utf8.position(text.index("x")) == T.Position(line=1, character=4)
    assert utf8.offset(T.Position(line=3, character=3)) == text.index("本")


def test_apply_change_full_and_ranged():
    whole = T.TextDocumentContentChangeWholeDocument(text="FROM b\n")
    assert apply_change("FROM a\n", whole) == "FROM b\n"
    ranged = T.TextDocumentContentChangePartial(range=_rng(1, 3, 1, 4), text="Z")
    assert apply_change("x\u2028y\n😀ab\n", ranged) == "x\u2028y\n😀aZ\n"


def _conflict(a: tuple[int, int], b: tuple[int, int], same_start: bool = True) -> bool:
    from docklint.fix import Taken
    from docklint.rule import Edit
    from docklint.source import Span
    taken = Taken(same_start=same_start)
    taken.add([Edit(Span(*b), "x")])
    return taken.conflicts([Edit(Span(*a), "y")])


def test_fix_conflicts():
    """What "Fix all" takes together: edits that neither overlap, nor start at one place, nor
    insert inside one another (an editor orders edits at one place as it likes; --fix, which
    applies them itself, takes an insertion where a replacement starts)."""
    assert _conflict((0, 4), (2, 6)) and _conflict((3, 3), (3, 3))
    assert _conflict((3, 3), (1, 5)) and _conflict((1, 5), (3, 3))
    assert not _conflict((0, 4), (4, 8)) and not _conflict((4, 4), (0, 4))
    assert _conflict((5, 5), (5, 8)) and _conflict((5, 8), (5, 5))
    assert not _conflict((5, 5), (5, 8), same_start=False)
    assert _conflict((5, 5), (5, 5), same_start=False)


def test_fix_all_looks_at_neighbours_only(monkeypatch):
    """Thousands of safe fixes, each touching the next: each is checked against the few taken
    edits around it, not against all of them (a hostile file must not hang the editor's
    "Fix all"); and a real file's thousands of fixes are all taken."""
    from types import SimpleNamespace

    from docklint import fix
    from docklint.lsp import DocumentLint
    from docklint.rule import Edit, Finding, Fix
    from docklint.source import Span
    calls = []
    real = fix._conflict
    monkeypatch.setattr(fix, "_conflict", lambda *a: calls.append(1) or real(*a))
    n = 3000
    findings = [Finding(Span(4 * i, 4 * i + 4), "m",
                        fix=Fix("f", (Edit(Span(4 * i, 4 * i + 4), "x"),), safe=True))
                for i in range(n)]
    doc = SimpleNamespace(findings=findings, doc_range=lambda start, end: (start, end))
    monkeypatch.setattr("docklint.lsp._range_json", lambda r: r)
    edits = DocumentLint.fix_all_edits(doc)
    assert [e["range"] for e in edits] == [(4 * i, 4 * i + 4) for i in range(n)]
    assert 0 < len(calls) <= 4 * n
    text = "FROM alpine:3.20\n" + "".join(f"RUN apt-get install pkg{i}\n" for i in range(n))
    state = lint_document("file:///x/Dockerfile", text, 1, path="/x/Dockerfile")
    assert len(state.fix_all_edits()) >= n


def test_suppress_edit_keeps_crlf_and_a_byte_order_mark_first(tmp_path):
    (tmp_path / ".docklint.yaml").write_text("select: [DK207]\n")
    text = "\ufeff  FROM alpine:${TAG}\r\nUSER 1000\r\n"
    state = lint_document("file:///x", text, 1, path=str(tmp_path / "Dockerfile"))
    [d] = [d for d in state.diagnostics if d.code == "DK207"]
    assert d.range == _rng(0, text.index("${"), 0, text.index("}") + 1)
    edit = d.data["suppress"]
    assert edit["newText"] == "  # docklint ignore=DK207\r\n"
    assert edit["range"]["start"] == {"line": 0, "character": 1}   # after the BOM
    fixed = text[:1] + edit["newText"] + text[1:]
    state = lint_document("file:///x", fixed, 2, path=str(tmp_path / "Dockerfile"))
    assert state.diagnostics == []


def test_docklint_lsp_subcommand(tmp_path):
    """``docklint lsp`` runs the same server: end of input without shutdown exits 1, and
    editors' ``--stdio`` is accepted."""
    from docklint import cli, commands
    assert "lsp" in cli.SUBCOMMANDS and "lsp" in commands._COMMANDS
    proc = subprocess.run([sys.executable, "-m", "docklint", "lsp", "--stdio"], input=b"",
                          capture_output=True, timeout=60)
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout == b""
    code = ("import sys; sys.modules['pygls'] = None; sys.argv = ['docklint', 'lsp']; "
            "from docklint.cli import main; main()")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60)
    assert (proc.returncode, proc.stderr) == (2, MISSING_EXTRA + "\n")


def test_quick_lint_leaves_the_shellcheck_pass_for_a_second_publish(tmp_path):
    from docklint.shellcheck import binary
    (tmp_path / ".docklint.yaml").write_text("select: [DK404, DK440, SC2086]\n")
    path = tmp_path / "Dockerfile"
    text = "FROM debian:12-slim\nRUN apt-get install curl && echo $HOME_DIR\n"
    uri = from_fs_path(str(path))
    quick = lint_document(uri, text, 1, path=str(path), quick=True)
    assert quick.partial is True
    assert [d.code for d in quick.diagnostics] == ["DK404"]
    full = lint_document(uri, text, 1, path=str(path))
    assert full.partial is False
    if binary() is None:
        pytest.skip("ShellCheck is not installed: the full pass adds nothing")
    assert sorted(d.code for d in full.diagnostics) == ["DK404", "SC2086"]
