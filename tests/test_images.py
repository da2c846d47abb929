"""Tests of docklint.images: the base-image data file, lookup, EOL, sizes, lighter bases."""

from __future__ import annotations

from datetime import date
from importlib.resources import files

import pytest

from docklint import images, record
import docklint.facts as facts_mod
from docklint.facts import facts_of
from docklint.imageref import parse_image_ref
from docklint.images import ImageFacts, format_size, is_eol, lookup, scratch, suggest_lighter

from .conftest import shared_path

DIGEST = "sha256:" + "0123456789abcdef" * 4
DATA = files("docklint") / "data" / "base_images.tsv"


def read_tsv(text: str) -> tuple[list[str], list[dict[str, str]]]:
    lines = text.splitlines()
    header = lines[0].split("\t")
    return header, [dict(zip(header, line.split("\t"))) for line in lines[1:] if line]


def family(ref: str) -> tuple[str, str] | None:
    facts = lookup(ref)
    return None if facts is None else (facts.family, facts.variant)


# --- the data file ---------------------------------------------------------------------------

def test_every_row_parses_with_typed_columns() -> None:
    text = DATA.read_text("utf-8")
    header, rows = read_tsv(text)
    assert all(line.count("\t") == len(header) - 1 for line in text.splitlines())
    table = images.parse_table(text)
    assert len(table.rows) == len(rows)
    for row, facts in zip(rows, table.rows):
        assert (facts.image, facts.tag) == (row["image"], row["tag"])
        assert facts.kind in images.KINDS and facts.family and facts.variant
        for name in ("has_shell", "has_ca_certs", "has_tzdata"):
            assert getattr(facts, name) in (True, False, None)
        assert facts.libc in ("glibc", "musl", "none", None)
        for name in ("default_uid", "compressed_bytes", "approx_compressed_bytes"):
            assert getattr(facts, name) is None or isinstance(getattr(facts, name), int)
        if facts.eol:
            date.fromisoformat(facts.eol)
            assert facts.eol_source
        assert row["source"] and row["notes"]
        if row["facts_from"]:  # inherit only from a documented row of the same family
            base = next(f for f in table.rows if f"{f.image}:{f.tag}" == row["facts_from"])
            assert base.family == facts.family
            assert not base.source.startswith("classification only")


def test_classification_rows_leave_sizes_and_unchecked_facts_unknown() -> None:
    _, rows = read_tsv(DATA.read_text("utf-8"))
    added = [r for r in rows if r["source"].startswith("classification only")]
    assert added
    for row in added:
        assert row["compressed_bytes"] == row["uncompressed_bytes"] == "unknown"
        assert row["has_ca_certs"] == row["has_tzdata"] == row["default_uid"] == "unknown"


def test_shared_rows_are_copied_unchanged() -> None:
    shared_header, shared_rows = read_tsv(
        shared_path("data", "base_images.tsv").read_text("utf-8"))
    header, rows = read_tsv(DATA.read_text("utf-8"))
    assert header[:len(shared_header)] == shared_header
    ours = {(r["image"], r["tag"]): r for r in rows}
    for shared in shared_rows:
        row = ours[shared["image"], shared["tag"]]
        assert {k: row[k] for k in shared_header} == shared


@pytest.mark.parametrize("text, message", [
    ("only\theader\n", "unexpected header"),
    ("{header}\nscratch\t(none)\n", "line 2: wrong number of columns"),
])
def test_malformed_data_is_rejected(text: str, message: str) -> None:
    header = DATA.read_text("utf-8").splitlines()[0]
    with pytest.raises(ValueError, match=message):
        images.parse_table(text.format(header=header))


def test_bad_cells_are_rejected_with_their_line() -> None:
    lines = DATA.read_text("utf-8").splitlines()
    cells = lines[1].split("\t")
    cells[lines[0].split("\t").index("kind")] = "huge"
    with pytest.raises(ValueError, match="line 2: bad family, variant or kind"):
        images.parse_table("\n".join([lines[0], "\t".join(cells)]))


# --- lookup ----------------------------------------------------------------------------------

@pytest.mark.parametrize("ref", [
    "golang", "library/golang", "docker.io/golang", "docker.io/library/golang",
    "index.docker.io/library/golang", "registry-1.docker.io/library/golang",
    "mirror.gcr.io/library/golang", "mirror.gcr.io/golang",
    "public.ecr.aws/docker/library/golang",
    "harbor.example.com/dockerhub/library/golang",  # pull-through mirror of Docker Hub
    "golang:1.22", "golang:1.22-bookworm", "golang:latest", "golang:1.22.5-trixie",
    f"golang@{DIGEST}", f"golang:1.22@{DIGEST}", parse_image_ref("golang:1.22"),
])
def test_golang_full(ref: str) -> None:
    facts = lookup(ref)
    assert facts is not None
    assert (facts.image, facts.tag, facts.family, facts.variant) == \
        ("golang", "latest", "golang", "full")
    assert facts.kind == "toolchain" and facts.heavy
    assert facts.compressed_bytes == 312305560 and facts.size_bytes == 312305560


@pytest.mark.parametrize("ref", ["golang:1.19-alpine", "golang:alpine3.20", "golang:alpine",
                                 "golang:1.22-alpine3.20", f"golang:alpine@{DIGEST}"])
def test_golang_alpine(ref: str) -> None:
    facts = lookup(ref)
    assert facts is not None and (facts.tag, facts.variant, facts.libc) == \
        ("alpine", "alpine", "musl")


@pytest.mark.parametrize("ref, expected", [
    ("node:20-slim", ("node", "slim")),
    ("node:20-bookworm-slim", ("node", "slim")),
    ("node:lts-alpine3.20", ("node", "alpine")),
    ("node:iron", ("node", "full")),
    ("debian:bookworm-slim", ("debian", "slim")),
    ("debian:12-slim", ("debian", "slim")),
    ("debian:stable-slim", ("debian", "slim")),
    ("debian:bookworm", ("debian", "full")),
    ("debian:12", ("debian", "full")),
    ("ubuntu:24.04", ("ubuntu", "full")),
    ("ubuntu:jammy-20240111", ("ubuntu", "full")),
    ("alpine:3.20", ("alpine", "full")),
    ("mirror.gcr.io/busybox", ("busybox", "full")),
    ("busybox:1.36-musl", ("busybox", "musl")),
    ("python:3.12-slim-bookworm", ("python", "slim")),
    ("python:3.13-alpine", ("python", "alpine")),
    ("ruby:3.3-slim", ("ruby", "slim")),
    ("rust:1-slim-bookworm", ("rust", "slim")),
    ("php:8.3-cli", ("php", "full")),
    ("eclipse-temurin:21-jdk", ("eclipse-temurin", "full")),
    ("eclipse-temurin:21", ("eclipse-temurin", "full")),
    ("eclipse-temurin:21-jre", ("eclipse-temurin", "jre")),
    ("eclipse-temurin:21-jre-alpine", ("eclipse-temurin", "jre-alpine")),
    ("eclipse-temurin:21-jdk-alpine", ("eclipse-temurin", "alpine")),
    ("maven:3.9-eclipse-temurin-21", ("maven", "full")),
    ("gradle:8.10-jdk21", ("gradle", "full")),
    ("buildpack-deps:bookworm-scm", ("buildpack-deps", "scm")),
    ("oraclelinux:9-slim", ("oraclelinux", "slim")),
    ("opensuse/leap:15.6", ("opensuse-leap", "full")),
])
def test_tag_variants(ref: str, expected: tuple[str, str]) -> None:
    assert family(ref) == expected


def test_jre_rows() -> None:
    jre = lookup("eclipse-temurin:21-jre")
    assert jre is not None and (jre.tag, jre.kind, jre.libc) == ("25-jre", "runtime", "glibc")
    alpine = lookup("eclipse-temurin:21-jre-alpine")
    assert alpine is not None and (alpine.kind, alpine.libc) == ("runtime", "musl")
    assert alpine.compressed_bytes is None and alpine.has_ca_certs is None  # unknown stays so
    jdk = lookup("eclipse-temurin:21-jdk")
    assert jdk is not None and jdk.kind == "toolchain"


@pytest.mark.parametrize("ref", [
    "golang:${GO_VERSION}", "${BASE}", "$IMAGE:1.0", "golang:1.22-windowsservercore-ltsc2022",
    "golang:tip", "php:8.3-fpm", "cgr.dev/chainguard/static:latest-dev", "example.com/golang",
    "myorg/golang", "quay.io/prometheus/busybox", "gcr.io/distroless/unknown-debian12",
    "Golang", "golang:", "",
])
def test_unknown_or_unresolved_is_none(ref: str) -> None:
    assert lookup(ref) is None


def test_scratch() -> None:
    facts = lookup("scratch")
    assert facts == scratch()
    assert (facts.family, facts.kind, facts.has_shell, facts.has_ca_certs, facts.libc) == \
        ("scratch", "scratch", False, False, "none")
    assert facts.size_bytes == 0 and not facts.heavy


def test_distroless_nonroot_inherits_static_facts() -> None:
    facts = lookup("gcr.io/distroless/static-debian11:nonroot")
    assert facts is not None
    assert (facts.family, facts.variant, facts.kind) == ("distroless-static", "nonroot",
                                                         "distroless")
    assert facts.default_uid == 65532
    assert (facts.has_shell, facts.has_ca_certs, facts.libc, facts.has_tzdata) == \
        (False, True, "none", True)
    assert "static-debian13:latest" in facts.source  # where the inherited facts come from
    assert facts.eol == "2026-08-21" and "SUPPORT_POLICY" in (facts.eol_source or "")
    assert facts.approx_compressed_bytes == 2 << 20 and facts.size_text == "~2 MiB"


@pytest.mark.parametrize("ref, variant, shell, uid", [
    ("gcr.io/distroless/static", "full", False, 0),
    ("gcr.io/distroless/static:latest", "full", False, 0),
    ("gcr.io/distroless/static:debug", "debug", True, 0),
    ("gcr.io/distroless/static:debug-nonroot", "debug-nonroot", True, 65532),
    ("gcr.io/distroless/static-debian13:nonroot", "nonroot", False, 65532),
    ("gcr.io/distroless/static-debian13:debug", "debug", True, 0),
    ("gcr.io/distroless/static-debian13:debug-nonroot", "debug-nonroot", True, 65532),
    ("gcr.io/distroless/static-debian12:nonroot-arm64", "nonroot", False, 65532),
    ("gcr.io/distroless/base-debian12:debug", "debug", True, 0),
])
def test_distroless_tags(ref: str, variant: str, shell: bool, uid: int) -> None:
    facts = lookup(ref)
    assert facts is not None and facts.kind == "distroless"
    assert (facts.variant, facts.has_shell, facts.default_uid) == (variant, shell, uid)


@pytest.mark.parametrize("ref, fam, libc, eol", [
    ("gcr.io/distroless/base-debian12", "distroless-base", "glibc", "2026-09-30"),
    ("gcr.io/distroless/base-debian11", "distroless-base", "glibc", "2026-08-21"),
    ("gcr.io/distroless/base-debian13", "distroless-base", "glibc", None),
    ("gcr.io/distroless/static-debian12", "distroless-static", "none", "2026-09-30"),
    ("gcr.io/distroless/cc-debian13", "distroless-cc", "glibc", None),
    ("gcr.io/distroless/cc-debian12", "distroless-cc", "glibc", "2026-09-30"),
    ("gcr.io/distroless/java21-debian13", "distroless-java", "glibc", None),
    ("gcr.io/distroless/java17-debian12", "distroless-java", "glibc", "2026-09-30"),
    ("gcr.io/distroless/nodejs22-debian13", "distroless-nodejs", "glibc", None),
    ("gcr.io/distroless/nodejs20-debian12", "distroless-nodejs", "glibc", "2026-09-30"),
    ("gcr.io/distroless/python3-debian12", "distroless-python3", "glibc", "2026-09-30"),
    ("gcr.io/distroless/python3-debian13", "distroless-python3", "glibc", None),
    ("gcr.io/distroless/base-nossl-debian13", "distroless-base-nossl", "glibc", None),
])
def test_distroless_images(ref: str, fam: str, libc: str, eol: str | None) -> None:
    facts = lookup(ref)
    assert facts is not None
    assert (facts.family, facts.kind, facts.libc, facts.eol, facts.has_shell) == \
        (fam, "distroless", libc, eol, False)


@pytest.mark.parametrize("ref", ["cgr.dev/chainguard/static", "cgr.dev/chainguard/static:latest",
                                 "cgr.dev/chainguard/static:latest-glibc", "chainguard/static",
                                 "docker.io/chainguard/static:latest"])
def test_chainguard_static(ref: str) -> None:
    facts = lookup(ref)
    assert facts is not None
    assert (facts.family, facts.kind, facts.default_uid) == ("chainguard-static", "chainguard",
                                                             65532)


# --- end of life -----------------------------------------------------------------------------

def test_is_eol_with_explicit_today() -> None:
    facts = lookup("gcr.io/distroless/static-debian12")
    assert facts is not None and facts.eol == "2026-09-30"
    assert not is_eol(facts, date(2026, 9, 29))
    assert is_eol(facts, date(2026, 9, 30))
    assert is_eol(facts, date(2027, 1, 1))
    current = lookup("gcr.io/distroless/static-debian13")
    assert current is not None and not is_eol(current, date(2100, 1, 1))


def test_end_of_life_property_uses_today() -> None:
    facts = lookup("gcr.io/distroless/static-debian11")
    assert facts is not None and facts.end_of_life  # 2026-08-21 is in the past
    far = record.replace(facts, eol="2999-01-01")
    assert not far.end_of_life


def test_centos_is_end_of_life() -> None:
    facts = lookup("centos:7")
    assert facts is not None and facts.eol == "2024-06-30" and facts.end_of_life


# --- sizes -----------------------------------------------------------------------------------

@pytest.mark.parametrize("n, approx, text", [
    (None, False, "size unknown"),
    (None, True, "size unknown"),
    (0, False, "0 B"),
    (999, False, "999 B"),
    (12_345, False, "12.3 kB"),
    (3_849_738, False, "3.85 MB"),
    (75_169_503, False, "75.2 MB"),
    (312_305_560, False, "312 MB"),
    (999_600, False, "1 MB"),
    (1_500_000_000, False, "1.5 GB"),
    (2 << 20, True, "~2 MiB"),
    (512 << 10, True, "~512 KiB"),
    (3_849_738, True, "~3.8 MB"),
    (2 << 20, False, "2.1 MB"),
])
def test_format_size(n: int | None, approx: bool, text: str) -> None:
    assert format_size(n, approx) == text


def test_size_text() -> None:
    golang = lookup("golang")
    assert golang is not None and golang.size_text == "312 MB"
    base = lookup("gcr.io/distroless/base-debian13")
    assert base is not None and base.size_bytes is None and base.size_text == "size unknown"


# --- lighter bases ---------------------------------------------------------------------------

@pytest.mark.parametrize("ref, runs, image", [
    ("golang:1.22", "static", "gcr.io/distroless/static-debian13"),
    ("alpine:3.20", "static", "gcr.io/distroless/static-debian13"),  # ~2 MiB < 3.85 MB
    ("debian:bookworm", "glibc", "gcr.io/distroless/base-debian13"),
    ("rust:1.80", "cc", "gcr.io/distroless/cc-debian13"),
    ("eclipse-temurin:21-jdk", "jar", "eclipse-temurin:21-jre"),
    ("eclipse-temurin:21", "jar", "eclipse-temurin:21-jre"),
    ("eclipse-temurin:21-jdk-jammy", "jar", "eclipse-temurin:21-jre-jammy"),
    ("eclipse-temurin:21-jdk-alpine", "jar", "eclipse-temurin:21-jre-alpine"),
    ("eclipse-temurin", "jar", "eclipse-temurin:25-jre"),  # the data row's tag
    ("maven:3.9-eclipse-temurin-17", "jar", "eclipse-temurin:17-jre"),
    ("gradle:8.10-jdk21", "jar", "eclipse-temurin:21-jre"),
    ("node:20", "node", "node:20-slim"),
    ("node:20-bookworm", "node", "node:20-bookworm-slim"),
    ("node", "node", "node:slim"),
    ("node:latest", "node", "node:slim"),
    ("python:3.12", "python", "python:3.12-slim"),
    ("python:3.12-bookworm", "python", "python:3.12-slim-bookworm"),
    ("ruby:3.3", "ruby", "ruby:3.3-slim"),
    ("php:8.3-cli", "php", "php:8.3-cli-alpine"),
    ("php", "php", "php:alpine"),
    ("debian:bookworm", "unknown", "debian:bookworm-slim"),
    ("debian:12", "unknown", "debian:12-slim"),
    ("debian", "unknown", "debian:stable-slim"),  # there is no debian:slim
    ("rust:1.80-bookworm", "unknown", "rust:1.80-slim-bookworm"),
])
def test_suggest_lighter(ref: str, runs: str, image: str) -> None:
    suggestion = suggest_lighter(parse_image_ref(ref), runs)
    assert suggestion is not None and suggestion.image == image
    assert suggestion.facts == lookup(image) and not suggestion.facts.end_of_life


@pytest.mark.parametrize("ref, runs", [
    ("node:20-slim", "node"),  # already there
    ("node:20-alpine", "node"),  # alpine is smaller than slim
    ("debian:bookworm", "node"),  # node:slim is bigger than debian
    ("golang:1.22", "unknown"),  # golang has no slim variant
    ("ubuntu", "unknown"),
    ("scratch", "static"),
    ("gcr.io/distroless/static-debian13", "static"),
    ("myorg/app:1", "static"),  # unknown current image: lighter than what?
    ("golang:${V}", "static"),
])
def test_nothing_lighter(ref: str, runs: str) -> None:
    assert suggest_lighter(parse_image_ref(ref), runs) is None


def test_unknown_runs_value_is_an_error() -> None:
    with pytest.raises(ValueError, match="runs must be one of"):
        suggest_lighter(parse_image_ref("golang"), "go")


def test_eol_rows_are_never_suggested(monkeypatch: pytest.MonkeyPatch) -> None:
    real = images._table()

    def expire(*names: str) -> None:
        rows = tuple(record.replace(f, eol="2000-01-01", eol_source="test")
                     if f.image in names else f for f in real.rows)
        monkeypatch.setattr(images, "_table", lambda: images._Table.made(rows))

    ref = parse_image_ref("golang:1.22")
    distroless = ("gcr.io/distroless/static-debian13", "gcr.io/distroless/static-debian12")
    expire(*distroless)  # static-debian11 is EOL in the data; unsuffixed `static` is never named
    assert suggest_lighter(ref, "static").image == "cgr.dev/chainguard/static"
    expire(*distroless, "cgr.dev/chainguard/static")
    assert suggest_lighter(ref, "static") is None
    expire("eclipse-temurin")
    assert suggest_lighter(parse_image_ref("eclipse-temurin:21-jdk"), "jar").image == \
        "gcr.io/distroless/java21-debian13"
    expire("node")
    assert suggest_lighter(parse_image_ref("node:20"), "node") is None


# --- successors of end-of-life images --------------------------------------------------------

@pytest.mark.parametrize("ref, expected", [
    ("gcr.io/distroless/static-debian11", "gcr.io/distroless/static-debian13"),
    ("gcr.io/distroless/static-debian12:nonroot", "gcr.io/distroless/static-debian13:nonroot"),
    ("gcr.io/distroless/base-debian11:debug-nonroot",
     "gcr.io/distroless/base-debian13:debug-nonroot"),
    (f"gcr.io/distroless/cc-debian12@{DIGEST}", "gcr.io/distroless/cc-debian13"),
    ("gcr.io/distroless/cc-debian12:latest", "gcr.io/distroless/cc-debian13"),
    ("gcr.io/distroless/java17-debian12", "gcr.io/distroless/java17-debian13"),
    ("gcr.io/distroless/nodejs22-debian12", "gcr.io/distroless/nodejs22-debian13"),
    ("gcr.io/distroless/nodejs18-debian11", None),   # no nodejs18-debian13 row
    ("gcr.io/distroless/static-debian13", None),     # nothing newer
    ("centos:7", None),                              # not tied to a Debian release
    ("golang:1.22", None),
    ("example.com/unknown-debian11", None),
])
def test_successor(ref: str, expected: str | None) -> None:
    assert images.successor(ref) == expected


def test_successor_skips_end_of_life_releases(monkeypatch: pytest.MonkeyPatch) -> None:
    assert images.successor("gcr.io/distroless/static-debian11", date(2026, 1, 1)) == \
        "gcr.io/distroless/static-debian13"
    real = images._table()
    rows = tuple(record.replace(f, eol="2026-10-01", eol_source="test")
                 if f.image == "gcr.io/distroless/static-debian13" else f for f in real.rows)
    monkeypatch.setattr(images, "_table", lambda: images._Table.made(rows))
    # on 2026-09-01 debian12 is still supported and debian13 is too; later neither is
    assert images.successor("gcr.io/distroless/static-debian11", date(2026, 9, 1)) == \
        "gcr.io/distroless/static-debian13"
    assert images.successor("gcr.io/distroless/static-debian11", date(2026, 10, 2)) is None


# --- describing images in messages -----------------------------------------------------------

def test_describe_and_saving() -> None:
    golang, static = lookup("golang:1.22"), lookup("gcr.io/distroless/static-debian13")
    base = lookup("gcr.io/distroless/base-debian13")
    assert golang is not None and static is not None and base is not None
    assert images.describe("golang:1.22", golang) == "golang:1.22 (312 MB compressed)"
    assert images.describe("x", static) == "x (~2 MiB compressed)"
    assert images.describe("x", base) == "x"                  # size unknown: not said
    assert images.saving(golang, static) == "~310 MB"
    assert images.saving(static, golang) is None       # not smaller
    assert images.saving(golang, base) is None         # size unknown


# --- images a build pulls --------------------------------------------------------------------

def _model(text: str, **kwargs):
    from docklint.model import build
    from docklint.source import Source
    return build(Source(text, "Dockerfile"), **kwargs)


def _pulls(text: str, **kwargs) -> list[tuple[str, str, str, str]]:
    df = _model(text, **kwargs)
    return [(p.kind, str(p.image), p.raw, text[p.span.start:p.span.end])
            for p in facts_of(df).pulls]


def test_pulled_images_with_spans() -> None:
    text = ("ARG BASE=alpine:3.20\n"
            "FROM golang:1.22 AS build\n"
            "FROM ${BASE}\n"
            "COPY --from=build /a /a\n"
            "COPY --from=nginx:1.27 /etc/nginx /etc/nginx\n"
            "COPY --from=scratch /x /x\n"
            "RUN --mount=type=cache,target=/c,from=localhost:5000/cache:1 \\\n"
            "    --mount=type=bind,from=build,target=/b true\n")
    assert _pulls(text) == [
        ("from", "golang:1.22", "golang:1.22", "golang:1.22"),
        ("from", "alpine:3.20", "${BASE}", "${BASE}"),
        ("copy", "nginx:1.27", "nginx:1.27", "nginx:1.27"),
        ("mount", "localhost:5000/cache:1", "localhost:5000/cache:1", "localhost:5000/cache:1"),
    ]


def test_pulled_images_leave_out_unresolved_and_platform_dependent() -> None:
    text = ("ARG IMAGE\n"
            "FROM ${IMAGE} AS a\n"
            "FROM busybox${TARGETARCH:+@" + DIGEST + "} AS b\n"
            "FROM scratch\n")
    assert _pulls(text) == []


def test_pulled_images_follow_an_explicit_target() -> None:
    text = "FROM ubuntu AS tools\nFROM debian:12 AS app\nCOPY --from=nginx /a /a\n"
    assert [p[1] for p in _pulls(text)] == ["ubuntu", "debian:12", "nginx"]
    assert [p[1] for p in _pulls(text, target="app")] == ["debian:12", "nginx"]
    assert [p[1] for p in _pulls(text, target="tools")] == ["ubuntu"]


# --- what a final image is for ---------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("FROM debian:12\nRUN true\n", "base"),
    ("FROM debian:12\nCMD [\"bash\"]\n", "interactive"),
    ("FROM debian:12\nCMD bash -l\n", "interactive"),
    ("FROM python:3.12\nCMD [\"python3\"]\n", "interactive"),
    ("FROM python:3.12\nCMD [\"python3\", \"app.py\"]\n", "app"),
    ("FROM golang:1.22\nCMD [\"go\", \"run\", \".\"]\n", "tooling"),
    ("FROM node:20\nCMD [\"npm\", \"run\", \"dev\"]\n", "tooling"),
    ("FROM node:20\nCMD [\"npm\", \"start\"]\n", "app"),
    ("FROM node:20\nCMD npx vite\n", "tooling"),
    ("FROM node:20\nCMD npx vite build\n", "app"),
    ("FROM debian:12\nENTRYPOINT [\"/sbin/tini\", \"--\", \"dlv\", \"exec\", \"/app\"]\n",
     "tooling"),
    ("FROM debian:12\nENTRYPOINT [\"tini\", \"--\", \"/app\"]\n", "app"),
    ("FROM debian:12\nCMD [\"sh\", \"-c\", \"cd /src && make serve\"]\n", "tooling"),
    ("FROM debian:12\nCMD [\"sh\", \"-c\", \"exec /app --port $PORT\"]\n", "app"),
    ("FROM node:20\nENTRYPOINT [\"docker-entrypoint.sh\"]\nCMD [\"node\"]\n", "interactive"),
    ("FROM node:20\nENTRYPOINT [\"docker-entrypoint.sh\"]\n", "app"),
    ("FROM debian:12\nENTRYPOINT []\n", "base"),
    ("FROM debian:12\nCMD [\"/app\"]\nFROM debian:12 AS devcontainer\n", "tooling"),
    ("FROM debian:12 AS build\nCMD [\"/app\"]\nFROM build\n", "app"),
    # an onbuild image is a base for other images
    ("FROM node:20\nONBUILD RUN npm install\nCMD [\"npm\", \"start\"]\n", "base"),
    # build systems, compilers (versioned, cross), SDK CLIs
    ("FROM debian:12\nENTRYPOINT [\"bazel\"]\n", "tooling"),
    ("FROM debian:12\nENTRYPOINT [\"bazelisk\", \"build\", \"//...\"]\n", "tooling"),
    ("FROM debian:12\nENTRYPOINT [\"clang++\"]\n", "tooling"),
    ("FROM debian:12\nENTRYPOINT [\"gcc-12\"]\n", "tooling"),
    ("FROM debian:12\nENTRYPOINT [\"clang-17\", \"-O2\"]\n", "tooling"),
    ("FROM debian:12\nENTRYPOINT [\"aarch64-linux-gnu-gcc\"]\n", "tooling"),
    ("FROM debian:12\nCMD [\"cc\"]\n", "tooling"),
    ("FROM debian:12\nCMD [\"ninja\", \"-C\", \"build\"]\n", "tooling"),
    ("FROM debian:12\nCMD [\"meson\", \"compile\"]\n", "tooling"),
    ("FROM maven:3\nCMD [\"mvn\", \"spring-boot:run\"]\n", "tooling"),
    ("FROM gradle:8\nCMD [\"gradle\", \"bootRun\"]\n", "tooling"),
    ("FROM debian:12\nENTRYPOINT [\"gcloud\"]\n", "tooling"),
    ("FROM debian:12\nCMD aws s3 cp s3://b/app.conf /etc/ && exec /app\n", "app"),
    ("FROM mcr.microsoft.com/dotnet/sdk:8.0\nCMD [\"dotnet\", \"watch\", \"run\"]\n",
     "tooling"),
    ("FROM mcr.microsoft.com/dotnet/aspnet:8.0\nCMD [\"dotnet\", \"app.dll\"]\n", "app"),
    # interactive: REPLs with options only, shells, idle containers
    ("FROM php:8.3-cli\nCMD [\"php\", \"-a\"]\n", "interactive"),
    ("FROM php:8.3-cli\nCMD [\"php\", \"-S\", \"0.0.0.0:80\"]\n", "app"),
    ("FROM mcr.microsoft.com/powershell\nCMD [\"pwsh\"]\n", "interactive"),
    ("FROM mcr.microsoft.com/powershell\nCMD [\"pwsh\", \"-File\", \"/app.ps1\"]\n", "app"),
    ("FROM debian:12\nCMD [\"sleep\", \"infinity\"]\n", "interactive"),
    ("FROM debian:12\nCMD tail -f /dev/null\n", "interactive"),
    # an exec-form ENTRYPOINT takes the CMD as its arguments
    ("FROM python:3.12\nENTRYPOINT [\"python\"]\nCMD [\"/app/job.py\"]\n", "app"),
    ("FROM python:3.12\nENTRYPOINT [\"python\"]\n", "interactive"),
])
def test_purpose(text: str, expected: str) -> None:
    df = _model(text)
    assert facts_of(df).purpose(df.graph.target) == expected


@pytest.mark.parametrize("path, expected", [
    ("Dockerfile", "app"), ("Dockerfile.dev", "tooling"), ("test.Dockerfile", "tooling"),
    ("Dockerfile.tilt", "tooling"), (".devcontainer/Dockerfile", "tooling"),
    ("tests/e2e/Dockerfile", "tooling"), ("devtools.Dockerfile", "app"),
    ("Dockerfile.build", "tooling"), ("build.Dockerfile", "tooling"),
    ("Dockerfile.builder", "tooling"), ("Dockerfile.e2e-tests", "tooling"),
    ("docs/node-run-build.Dockerfile", "app"), ("build/docker/Dockerfile", "app"),
    ("test/e2e-image/Dockerfile", "tooling"), ("images/k8s-ci-builder/Dockerfile", "tooling"),
    ("integration/testdata/app/Dockerfile", "tooling"), (".github/actions/x/Dockerfile", "tooling"),
    ("/tmp/pytest-of-me/pytest-1/test_lint0/Dockerfile", "app"),
    ("cmd/networkdb-test/Dockerfile", "tooling"),
])
def test_purpose_from_the_file_name(path: str, expected: str) -> None:
    from docklint.model import build
    from docklint.source import Source
    df = build(Source("FROM debian:12\nCMD [\"/app\"]\n", path))
    assert facts_of(df).purpose(0) == expected


@pytest.mark.parametrize("text, shell, exec_form", [
    ("FROM debian:12\nCMD [\"/app\"]\n", None, None),
    ("FROM debian:12\nCMD /app --port 80\n", None, '["/app", "--port", "80"]'),
    ("FROM debian:12\nCMD exec /app\n", None, '["/app"]'),
    ("FROM debian:12\nCMD /app | tee /log\n", "its shell-form CMD uses the shell", None),
    ("FROM debian:12\nCMD /app --port $PORT\n", "its shell-form CMD uses the shell", None),
    ("FROM debian:12\nCMD [\"sh\", \"-c\", \"/app\"]\n", "its CMD runs `sh -c`", None),
    ("FROM debian:12\nENTRYPOINT [\"/entrypoint.sh\"]\nCMD [\"/app\"]\n",
     "it starts through the shell script `/entrypoint.sh`", None),
    ("FROM debian:12\nENTRYPOINT [\"tini\", \"--\", \"docker-entrypoint\"]\n",
     "it starts through the shell script `docker-entrypoint`", None),
])
def test_start_needs_a_shell(text: str, shell: str | None, exec_form: str | None) -> None:
    df = _model(text)
    how = facts_of(df).start(df.graph.target)
    assert (how.shell, how.exec_form) == (shell, exec_form)


def test_start_sees_through_wrappers_and_entrypoint_scripts() -> None:
    df = _model("FROM debian:12\nENTRYPOINT [\"tini\", \"--\", \"/docker-entrypoint.sh\"]\n"
                "CMD [\"sh\", \"-c\", \"exec nginx -g 'daemon off;'\"]\n")
    how = facts_of(df).start(0)
    assert how.script == "/docker-entrypoint.sh" and how.entrypoint_script
    assert how.programs == ["nginx"]


@pytest.mark.parametrize("text, reason", [
    ("FROM debian:12\nCMD [\"/app\"]\n", None),
    ("FROM debian:12\nCMD [\"gosu\", \"app\", \"/app\"]\n", "`gosu`"),
    ("FROM debian:12\nCMD [\"setpriv\", \"--reuid=1000\", \"/app\"]\n", "`setpriv`"),
    ("FROM debian:12\nCMD chroot --userspec=1000:1000 / /app\n", "`chroot`"),
    ("FROM alpine:3.20\nRUN apk add --no-cache su-exec\nCMD [\"/app\"]\n", "`su-exec`"),
    ("FROM debian:12\nCOPY --from=tianon/gosu /gosu /usr/local/bin/\nCMD [\"/app\"]\n",
     "`gosu`"),
    ("FROM debian:12\nENTRYPOINT [\"docker-entrypoint.sh\"]\nCMD [\"/app\"]\n",
     "entrypoint script"),
    ("FROM debian:12\nCMD [\"/start.sh\"]\n", None),     # a CMD script: not known to
    ("FROM nginx:1.27\nCMD [\"nginx\", \"-g\", \"daemon off;\"]\n", "`nginx`"),
    ("FROM php:8.3-fpm\nCMD [\"php-fpm8.3\"]\n", "`php-fpm`"),
    ("FROM debian:12\nCMD [\"/usr/sbin/sshd\", \"-D\"]\n", "`sshd`"),
    ("FROM debian:12\nCMD [\"supervisord\", \"-n\"]\n", "`supervisord`"),
    ("FROM debian:12\nENTRYPOINT [\"/init\"]\n", "`init`"),
    ("FROM debian:12\nCMD cron -f\n", "`cron`"),
])
def test_drops_privileges(text: str, reason: str | None) -> None:
    df = _model(text)
    found = facts_of(df).drops_privileges(df.graph.target)
    assert found is None if reason is None else reason in found


@pytest.mark.parametrize("command, kind", [
    ("gcc -O2 -o /out/app main.c", "glibc"),
    ("gcc -O2 -o /out/app main.cpp -lstdc++", "cc"),
    ("clang -std=c++17 -o /out/app main.cc -lc++", "cc"),
    ("cc -o /out/app main.cxx -lstdc++", "cc"),
    ("g++ -o /out/app main.cpp", "cc"),
    ("gcc -static -o /out/app main.cpp -lstdc++", "static"),
])
def test_program_kind_knows_cxx(command: str, kind: str) -> None:
    df = _model(f"FROM gcc:14 AS build\nRUN {command}\n"
                "FROM debian:12\nCOPY --from=build /out/app /app\nCMD [\"/app\"]\n")
    assert facts_of(df).program_kind(1)[0] == kind


def test_suggest_lighter_with_a_shell() -> None:
    def named(ref: str, runs: str) -> str | None:
        found = suggest_lighter(parse_image_ref(ref), runs, needs_shell=True)
        return found.image if found else None

    assert named("golang:1.22", "static") == "debian:stable-slim"
    assert named("golang:1.22-bookworm", "glibc") == "debian:bookworm-slim"
    assert named("debian:12", "cc") == "debian:12-slim"
    assert named("ubuntu:24.04", "glibc") is None       # no slim Ubuntu; Debian's glibc may be older
    assert named("eclipse-temurin:21-jdk", "jar") == "eclipse-temurin:21-jre"
    assert named("node:20", "node") == "node:20-slim"
    assert named("debian:bookworm-slim", "static") is None
    assert suggest_lighter(parse_image_ref("golang:1.22"), "static").image == \
        "gcr.io/distroless/static-debian13"


def test_ships_compiler() -> None:
    assert images.ships_compiler(lookup("python:3.12"))
    assert images.ships_compiler(lookup("rust:1.80-slim"))
    assert not images.ships_compiler(lookup("python:3.12-slim"))
    assert not images.ships_compiler(lookup("buildpack-deps:bookworm-curl"))


def test_is_tooling_command() -> None:
    assert facts_mod.is_tooling_command(["pytest", "-q"])
    assert facts_mod.is_tooling_command(["yarn", "test:unit"])
    assert not facts_mod.is_tooling_command(["yarn", "build"])
    assert not facts_mod.is_tooling_command([])


def test_end_of_life_rule_judges_against_today(monkeypatch: pytest.MonkeyPatch) -> None:
    """DK309 reads the date through one function, so a test can move the clock."""
    from docklint.engine import Settings, lint_text
    from docklint.rules import dk309_end_of_life_base as dk309
    text = "FROM gcr.io/distroless/static-debian12:nonroot\n"
    monkeypatch.setattr(dk309, "today", lambda: date(2026, 9, 29))
    assert lint_text(text, settings=Settings(select=["DK309"])).findings == []
    monkeypatch.setattr(dk309, "today", lambda: date(2026, 9, 30))
    found = lint_text(text, settings=Settings(select=["DK309"])).findings
    assert len(found) == 1 and found[0].message.startswith(
        "base image `gcr.io/distroless/static-debian12:nonroot` is end-of-life")
    assert "2026-09-30" in found[0].message


def test_the_shipped_table_made_lazily_equals_the_checked_one():
    """A lint makes the rows of the images it looks up; the whole file parsed and checked at
    once gives the same rows, in the same order, and the same look-ups."""
    lazy = images._table()
    assert lazy.by_image.get("golang")["full"] is lazy.by_image["golang"]["full"]  # made once
    assert "golang" in lazy.by_image and "no-such-image" not in lazy.by_image
    assert lazy.by_image.get("no-such-image") is None
    checked = images.parse_table(DATA.read_text("utf-8"))
    assert lazy.rows == checked.rows and len(checked.rows) > 50
    assert dict(lazy.by_image.items()) == dict(checked.by_image.items())


def test_a_malformed_row_fails_when_its_image_is_looked_up():
    header, first = DATA.read_text("utf-8").splitlines()[:2]
    good = dict(zip(images._COLUMNS, first.split("\t")))
    bad = {**good, "image": "broken", "libc": "newlib"}
    text = "\n".join([header, "\t".join(good[c] for c in images._COLUMNS),
                      "\t".join(bad[c] for c in images._COLUMNS)])
    table = images.parse_table(text, check=False)
    assert table.by_image.get(good["image"]) is not None       # the good row is fine
    with pytest.raises(ValueError, match="line 3: bad libc 'newlib'"):
        table.by_image.get("broken")
    with pytest.raises(ValueError, match="line 3: bad libc"):
        images.parse_table(text)                               # checked at once


def test_image_env_table():
    assert images.image_env("golang") == frozenset({"GOLANG_VERSION", "GOPATH", "GOTOOLCHAIN"})
    assert images.image_env("alpine") == frozenset()
    assert images.image_env("registry.example.com/unknown") is None


def test_every_row_says_when_its_facts_were_true_and_whether_it_is_end_of_life() -> None:
    # The data file stays honest over time: each row has a date (`as_of`), and when an
    # end-of-life date in it passes, CI fails until the row says so (`status`), so that a
    # maintainer looks at the row and its successor instead of users finding stale advice.
    from docklint.images import _table
    today = date.today()
    stale = []
    for facts in _table().rows:
        assert facts.as_of is not None and date.fromisoformat(facts.as_of) <= today, facts.image
        passed = facts.eol is not None and date.fromisoformat(facts.eol) <= today
        if passed and facts.status != "end-of-life":
            stale.append(f"{facts.image}:{facts.tag} (end of life {facts.eol})")
        if facts.status == "end-of-life":
            assert passed, f"{facts.image}:{facts.tag} says end-of-life before its eol date"
    assert not stale, ("end-of-life dates have passed; set status to end-of-life in "
                       "linter/data/base_images.tsv (and check their successors): "
                       + ", ".join(stale))


def test_a_row_must_carry_a_valid_date_and_status() -> None:
    from docklint.images import _COLUMNS, parse_table
    row = dict.fromkeys(_COLUMNS, "")
    row.update(image="x", tag="latest", compressed_bytes="unknown",
               uncompressed_bytes="unknown", has_shell="yes", has_ca_certs="yes",
               libc="glibc", source="test", has_tzdata="yes", default_uid="0", family="x",
               variant="full", kind="os", as_of="2026-01-01")
    header = "\t".join(_COLUMNS)
    assert parse_table(header + "\n" + "\t".join(row[c] for c in _COLUMNS)).rows[0].as_of \
        == "2026-01-01"
    for bad in ({"as_of": ""}, {"as_of": "soon"}, {"status": "dead"}):
        broken = {**row, **bad}
        with pytest.raises(ValueError, match="line 2"):
            parse_table(header + "\n" + "\t".join(broken[c] for c in _COLUMNS))
