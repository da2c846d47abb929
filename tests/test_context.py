"""The build context on disk (linter/context.py) and the evidence rules read from it."""

from __future__ import annotations

import os

import pytest

from docklint import context
from docklint.context import BuildContext, context_for
from docklint.engine import Settings, lint_file

GO_SCRATCH = (
    "FROM golang:1.22 AS build\n"
    "WORKDIR /src\n"
    "COPY . .\n"
    "RUN CGO_ENABLED=0 go build -o /app .\n"
    "\n"
    "FROM scratch\n"
    "COPY --from=build /app /app\n"
    "USER 10001:10001\n"
    'ENTRYPOINT ["/app"]\n'
)


def tree(root, files: dict[str, str | bytes]) -> None:
    for rel, body in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(body, bytes):
            path.write_bytes(body)
        else:
            path.write_text(body)


def rels(ctx: BuildContext, source: str) -> list[str]:
    return [rel for rel, _path in ctx.files(source)]


@pytest.fixture(autouse=True)
def fresh_contexts():
    context.forget()
    yield
    context.forget()


def test_files_of_a_directory_a_glob_and_a_file(tmp_path):
    tree(tmp_path, {"main.go": "package main\n", "cmd/x/x.go": "package x\n",
                    "README.md": "hi\n"})
    ctx = BuildContext(str(tmp_path))
    # a directory's files (sorted), then its subdirectories' (sorted)
    assert rels(ctx, ".") == ["README.md", "main.go", "cmd/x/x.go"]
    assert rels(ctx, "cmd") == ["cmd/x/x.go"]
    assert rels(ctx, "/main.go") == ["main.go"]
    assert rels(ctx, "*.go") == ["main.go"]
    assert rels(ctx, "**/*.go") == ["main.go", "cmd/x/x.go"]
    assert rels(ctx, "missing") == []
    assert rels(ctx, "../outside") == []
    assert rels(ctx, "https://example.com/x.tar.gz") == []
    # absolute paths that exist
    assert all(os.path.isfile(p) for _rel, p in ctx.files("."))


def test_dockerignore_and_its_exceptions(tmp_path):
    tree(tmp_path, {".dockerignore": "# comment\n*.md\n!KEEP.md\nbuild/\n",
                    "a.md": "", "KEEP.md": "", "build/out": "", "src/a.go": ""})
    ctx = BuildContext(str(tmp_path))
    assert rels(ctx, ".") == [".dockerignore", "KEEP.md", "src/a.go"]
    assert ctx.ignored("a.md") and not ctx.ignored("KEEP.md") and ctx.ignored("build/out")


def test_the_dockerfiles_own_ignore_file_wins(tmp_path):
    tree(tmp_path, {".dockerignore": "*.go\n", "app.Dockerfile": "FROM x\n",
                    "app.Dockerfile.dockerignore": "*.md\n", "a.go": "", "b.md": ""})
    assert rels(context_for(str(tmp_path), str(tmp_path / "app.Dockerfile")), ".") == \
        [".dockerignore", "a.go", "app.Dockerfile", "app.Dockerfile.dockerignore"]
    assert rels(context_for(str(tmp_path), str(tmp_path / "Dockerfile")), ".") == \
        [".dockerignore", "app.Dockerfile", "app.Dockerfile.dockerignore", "b.md"]


def test_virtual_environments_and_dependency_trees_are_not_walked(tmp_path):
    tree(tmp_path, {"main.go": "",
                    "env/pyvenv.cfg": "home = /usr\n", "env/lib/x.py": "",
                    "lib/python3.11/site-packages/pkg/y.py": "",
                    "node_modules/z/index.js": "", ".git/config": ""})
    assert rels(BuildContext(str(tmp_path)), ".") == ["main.go"]
    # a venv named as the source is still read: only venvs found by the walk are skipped
    assert rels(BuildContext(str(tmp_path)), "env") == ["env/pyvenv.cfg", "env/lib/x.py"]


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
def test_symlinks_leaving_the_context_are_skipped(tmp_path):
    outside = tmp_path / "outside"
    tree(outside, {"secret.go": "package s\n"})
    root = tmp_path / "ctx"
    tree(root, {"in.go": "package main\n"})
    os.symlink(outside / "secret.go", root / "link.go")
    os.symlink(outside, root / "linkdir")
    os.symlink(root / "in.go", root / "inside.go")
    ctx = BuildContext(str(root))
    assert rels(ctx, ".") == ["in.go", "inside.go"]
    assert rels(ctx, "linkdir") == []


def test_walks_stop_at_the_cap(tmp_path, monkeypatch):
    monkeypatch.setattr(context, "MAX_FILES", 5)
    tree(tmp_path, {f"f{i:02}.go": "" for i in range(20)})
    assert rels(BuildContext(str(tmp_path)), ".") == [f"f{i:02}.go" for i in range(5)]


def test_a_listing_cut_short_says_so(tmp_path, monkeypatch):
    monkeypatch.setattr(context, "MAX_FILES", 5)
    tree(tmp_path, {**{f"big/f{i:02}.go": "" for i in range(20)}, "small/a.go": "",
                    "one.go": ""})
    ctx = BuildContext(str(tmp_path))
    assert ctx.complete("small") and ctx.complete("one.go") and ctx.complete("missing")
    assert ctx.complete("https://example.com/x.tgz") and ctx.complete("../outside")
    assert not ctx.complete("big") and not ctx.complete(".") and not ctx.complete("*.go")
    assert len(rels(ctx, "big")) == 5
    # the cap reached with nothing left over: the listing is whole
    monkeypatch.setattr(context, "MAX_FILES", 20)
    assert BuildContext(str(tmp_path)).complete("big")


@pytest.mark.parametrize("budget, value, whole, cut", [
    # depth counts from the listing's top: a/b/c/d is 1 below a/b/c, 3 below a, 4 below "."
    ("MAX_DEPTH", 1, ["a/b/c"], ["a/b", "a", "."]),
    ("MAX_DEPTH", 3, ["a/b/c", "a"], ["."]),
    ("MAX_ENTRIES", 2, ["a/b/c"], ["."]),       # ".": a, e.go; a's entries over the budget
])
def test_depth_and_entry_budgets_cut_a_listing_short(tmp_path, monkeypatch, budget, value,
                                                     whole, cut):
    tree(tmp_path, {"a/b/c/d/x.go": "", "e.go": ""})
    monkeypatch.setattr(context, budget, value)
    ctx = BuildContext(str(tmp_path))
    assert [s for s in whole + cut if ctx.complete(s)] == whole


def test_read_text_skips_binary_and_big_files(tmp_path, monkeypatch):
    tree(tmp_path, {"a.go": "package a // é\n", "bin.go": b"\x7fELF\x00\x00",
                    "bad.go": b"package \xff\n"})
    ctx = BuildContext(str(tmp_path))
    assert ctx.read_text(str(tmp_path / "a.go")) == "package a // é\n"
    assert ctx.read_text(str(tmp_path / "bin.go")) is None
    assert ctx.read_text(str(tmp_path / "bad.go")) == "package \ufffd\n"
    assert ctx.read_text(str(tmp_path / "missing.go")) is None
    monkeypatch.setattr(context, "MAX_FILE_BYTES", 4)
    assert BuildContext(str(tmp_path)).read_text(str(tmp_path / "a.go")) is None


def test_a_context_is_read_once_until_forgotten(tmp_path):
    tree(tmp_path, {"a.go": "one"})
    ctx = context_for(str(tmp_path))
    assert context_for(str(tmp_path)) is ctx
    assert rels(ctx, ".") == ["a.go"] and ctx.read_text(str(tmp_path / "a.go")) == "one"
    tree(tmp_path, {"a.go": "two", "b.go": ""})
    assert rels(ctx, ".") == ["a.go"] and ctx.read_text(str(tmp_path / "a.go")) == "one"
    context.forget()
    fresh = context_for(str(tmp_path))
    assert fresh is not ctx
    assert rels(fresh, ".") == ["a.go", "b.go"] and fresh.read_text(str(tmp_path / "a.go")) == "two"


# ---- evidence from the context -------------------------------------------------------------

def codes(path) -> set[str]:
    return {f.code for f in lint_file(str(path), Settings(select=["DK101"])).findings}


def test_go_sources_making_https_calls_fire_dk101(tmp_path):
    tree(tmp_path, {"Dockerfile": GO_SCRATCH,
                    "main.go": 'package main\nimport "net/http"\n'
                               'func main() { http.Get("https://api.example.com") }\n'})
    assert codes(tmp_path / "Dockerfile") == {"DK101"}


def test_a_go_build_ignores_other_languages_sources(tmp_path):
    """The program is what `go build` compiles: a Python helper script calling an https URL
    says nothing about it."""
    tree(tmp_path, {"Dockerfile": GO_SCRATCH,
                    "main.go": 'package main\nfunc main() { println("hi") }\n',
                    "tools/release.py": 'import urllib.request\n'
                                        'urllib.request.urlopen("https://api.example.com")\n'})
    assert codes(tmp_path / "Dockerfile") == set()


def test_a_build_docklint_does_not_recognise_reads_every_source(tmp_path):
    dockerfile = GO_SCRATCH.replace("CGO_ENABLED=0 go build -o /app .", "make && cp out /app")
    tree(tmp_path, {"Dockerfile": dockerfile,
                    "app/client.py": 'import urllib.request\n'
                                     'urllib.request.urlopen("https://api.example.com")\n'})
    assert codes(tmp_path / "Dockerfile") == {"DK101"}


def test_roots_in_a_file_docklint_did_not_read_make_dk101_a_warning(tmp_path, monkeypatch):
    """A program that may carry its own root certificates in a file beyond the part of the
    context docklint reads: DK101 says so and is a warning, not an error."""
    tree(tmp_path, {"Dockerfile": GO_SCRATCH,
                    "main.go": 'package main\nimport "net/http"\n'
                               'func main() { http.Get("https://api.example.com") }\n',
                    "zz_roots.go": 'package main\n'
                                   'import _ "golang.org/x/crypto/x509roots/fallback"\n'})
    assert codes(tmp_path / "Dockerfile") == set()          # roots compiled in: quiet
    context.forget()
    monkeypatch.setattr(context, "MAX_FILES", 2)             # Dockerfile, main.go: no more
    [finding] = lint_file(str(tmp_path / "Dockerfile"), Settings(select=["DK101"])).findings
    assert finding.severity.name == "WARNING"
    assert "(unless a file the COPY at line 3 copies, beyond the part of the build context " \
           "docklint reads, compiles root certificates into the program)" in finding.message


def test_no_ca_bundle_in_a_tree_is_not_concluded_from_part_of_it(tmp_path, monkeypatch):
    tree(tmp_path, {**{f"rootfs/a{i}": "" for i in range(4)},
                    "rootfs/etc/ssl/certs/ca-certificates.crt": "x",
                    "main.go": 'package main\nimport "net/http"\n'
                               'func main() { http.Get("https://api.example.com") }\n'})
    text = GO_SCRATCH.replace("COPY --from=build /app /app\n",
                              "COPY --from=build /app /app\nCOPY rootfs/ /\n")
    tree(tmp_path, {"Dockerfile": text})
    assert codes(tmp_path / "Dockerfile") == set()          # the bundle is in the tree
    context.forget()
    monkeypatch.setattr(context, "MAX_FILES", 3)
    [finding] = lint_file(str(tmp_path / "Dockerfile"), Settings(select=["DK101"])).findings
    assert finding.severity.name == "WARNING"
    from docklint.facts import facts_of
    from docklint.model import build
    from docklint.source import Source
    df = build(Source(text, str(tmp_path / "Dockerfile")))
    df.context = str(tmp_path)
    assert "the COPY at line 8, which copies rootfs/ to /, brings one" in \
        [d.reason for d in facts_of(df).ca_doubts(df.graph.target)]


def test_add_of_a_pattern_is_judged_by_every_file_it_names(tmp_path, monkeypatch):
    """DK503's fix (ADD -> COPY) is safe only when no file a pattern names is an archive ADD
    would unpack: when the context holds more files than docklint walks, it is not."""
    gzip = b"\x1f\x8b\x08\x00" + b"\x00" * 20
    tree(tmp_path, {"Dockerfile": "FROM alpine:3.20\nADD app* /srv/\n",
                    "app1": "plain\n", "app2": "plain\n", "app3": gzip})

    def safe() -> bool:
        context.forget()
        [finding] = lint_file(str(tmp_path / "Dockerfile"), Settings(select=["DK503"])).findings
        return finding.fix.safe
    assert safe() is False                                  # ADD unpacks app3
    tree(tmp_path, {"app3": "plain\n"})
    assert safe() is True                                   # all three plain: COPY does it
    tree(tmp_path, {"app3": gzip})
    monkeypatch.setattr(context, "MAX_FILES", 3)            # Dockerfile, app1, app2
    assert safe() is False


def test_a_cargo_config_beyond_the_walk_is_unseen(tmp_path, monkeypatch):
    """A cargo configuration is looked for in the copied context; when docklint walks only
    part of it, one may be in the rest (``unseen``), and nothing is concluded from its
    absence."""
    from docklint.facts import facts_of
    from docklint.facts.targets import cargo_config
    from docklint.model import build
    from docklint.source import Source
    text = "FROM rust:1.80\nWORKDIR /src\nCOPY . .\nRUN cargo build --release\n"
    tree(tmp_path, {"Dockerfile": text, "Cargo.toml": "[package]\nname = 'x'\n",
                    "src/main.rs": "fn main() {}\n",
                    ".cargo/config.toml": '[build]\ntarget = "x86_64-unknown-linux-musl"\n'})

    def config():
        context.forget()
        df = build(Source(text, str(tmp_path / "Dockerfile")))
        df.context = str(tmp_path)
        stage = df.stages[0]
        return cargo_config(facts_of(df), stage, stage.instructions[-1])
    seen = config()
    assert seen.targets == ("x86_64-unknown-linux-musl",) and not seen.unseen
    monkeypatch.setattr(context, "MAX_FILES", 2)            # Cargo.toml, Dockerfile
    assert config().unseen
