"""Unit tests of docklint.checks: secret names, port specs, label keys, paths, archives,
parse-error and Windows detection."""

from __future__ import annotations

import pytest

from docklint.checks import (archive_suffix, broken_exec_form, copy_words, has_parse_error,
                             image_command,
                             is_absolute, is_git_source, is_remote_source, keyword_case,
                             keyword_counts, label_key_problems, parse_port_spec,
                             secret_reason, stray_flags, windows_stage, workdir_before)
from docklint.engine import lint_text


# ---- secret names: BuildKit's documented examples first, then docklint's additions

@pytest.mark.parametrize("name", ["GITHUB_TOKEN", "API_KEY", "APIKEY", "apikey", "token",
                                  "DB_PASSWORD", "db_Password", "AWS_SECRET_ACCESS_KEY",
                                  "NPM_AUTH", "GOOGLE_CREDENTIALS", "MY_PWORD", "ROOT_PASSWD",
                                  # docklint additions
                                  "PGPASSWORD", "ACCESSTOKEN", "AUTHTOKEN", "CLIENTSECRET",
                                  "SMTP_PASS", "MYSQL_PWD", "SSH_PASSPHRASE", "GITHUB_PAT",
                                  "GH_PAT", "SSHPASS", "JWT_SECRETKEY", "RECAPTCHA_SITE_SECRET",
                                  "LICENSE_KEY", "COMPOSER_AUTH"])
def test_secret_names_fire(name: str) -> None:
    assert secret_reason(name) is not None


@pytest.mark.parametrize("name", ["TOKENIZER", "apikeys", "API_KEYS", "PUBLIC_KEY",
                                  "SECRET_FILE", "DB_PASSWORD_VERSION", "USERNAME",
                                  "PRIVATE_REGISTRY", "MAX_TOKENS", "PWD", "OLDPWD", "GPG_KEY",
                                  "GPG_KEYS", "SSH_KEY_PATH", "SECRETS_DIR", "AUTH_URL",
                                  "TOKEN_TTL", "AUTH_TYPE", "KEY_FINGERPRINT", "MONKEY",
                                  "PASSTHROUGH", "HOME", "PATH", "PASSWORDLESS", "SITE_KEY",
                                  "RECAPTCHA_SITE_KEY", "STRIPE_PUBLISHABLE_KEY"])
def test_other_names_stay_quiet(name: str) -> None:
    assert secret_reason(name) is None


def test_secret_reason_names_the_word() -> None:
    assert secret_reason("GITHUB_TOKEN") == "token"
    assert secret_reason("PGPASSWORD") == "pgpassword"
    assert secret_reason("GH_PAT") == "GH_PAT"


# ---- ports

def test_port_spec_parts() -> None:
    spec = parse_port_spec("8080/tcp")
    assert (spec.ip, spec.host, spec.port, spec.proto) == (None, None, "8080", "tcp")
    assert spec.port_range == (8080, 8080) and spec.port_offset == 0
    spec = parse_port_spec("5000:5000")
    assert (spec.host, spec.host_offset, spec.port, spec.port_offset) == ("5000", 0, "5000", 5)
    spec = parse_port_spec("127.0.0.1:80:8080/udp")
    assert (spec.ip, spec.host, spec.port, spec.proto) == ("127.0.0.1", "80", "8080", "udp")
    assert spec.host_offset == 10 and spec.port_offset == 13 and spec.proto_offset == 18
    spec = parse_port_spec("[::1]:8080:80")
    assert (spec.ip, spec.host, spec.host_offset, spec.port) == ("::1", "8080", 6, "80")
    spec = parse_port_spec("8000-9000")
    assert spec.port_range == (8000, 9000) and spec.host_range == (None, None)
    assert parse_port_spec("http").port_range == (None, None)


# ---- label keys

@pytest.mark.parametrize("key", ["org.opencontainers.image.title", "maintainer", "a",
                                 "com.example.team_name", "io.k8s/display-name", "v2",
                                 "com.docker.desktop.extension.api.version",
                                 "com.docker.extension.screenshots"])
def test_valid_label_keys(key: str) -> None:
    assert label_key_problems(key) == []


@pytest.mark.parametrize("key,problem", [
    ("Version", "upper-case"), ("team name", "characters other than"),
    ("1abc", "does not start with a letter"), ("abc-", "does not end with a letter"),
    ("a..b", "consecutive"), ("a--b", "consecutive"), ("com.docker.x", "reserves"),
    ("io.docker.x", "reserves"), ("org.dockerproject.x", "reserves"), ("", "empty"),
    ("é", "characters other than")])
def test_invalid_label_keys(key: str, problem: str) -> None:
    assert any(problem in p for p in label_key_problems(key))


# ---- paths, archives, remote sources

@pytest.mark.parametrize("path,absolute", [("/app", True), ("app", False), ("./app", False),
                                           ("C:\\app", True), ("c:/app", True), ("C:", True),
                                           ("\\app", True), ("", False), ("$X", False)])
def test_is_absolute(path: str, absolute: bool) -> None:
    assert is_absolute(path) is absolute


@pytest.mark.parametrize("name,kind", [("a.tar", "tar"), ("a.tar.gz", "tar"), ("a.TGZ", "tar"),
                                       ("a.tar.zst", "tar"), ("a.gz", "compressed"),
                                       ("a.xz", "compressed"), ("a.zip", "other"),
                                       ("a.jar", "other"), ("a.txt", None), (".tar", None),
                                       ("dir/", None)])
def test_archive_suffix(name: str, kind: str | None) -> None:
    got = archive_suffix(name)
    assert (got[0] if got else None) == kind


@pytest.mark.parametrize("src,git,remote", [
    ("git@github.com:moby/buildkit.git", True, True),
    ("https://github.com/moby/buildkit.git#v0.13.0", True, True),
    ("git://example.com/repo", True, True), ("ssh://git@example.com/repo.git", True, True),
    ("https://example.com/a.tar.gz", False, True), ("http://example.com/x", False, True),
    ("src/", False, False), ("./x.git", False, False)])
def test_remote_sources(src: str, git: bool, remote: bool) -> None:
    assert is_git_source(src) is git
    assert is_remote_source(src) is remote


# ---- WORKDIR through the chain

def test_workdir_before_follows_the_chain_and_onbuild() -> None:
    df = lint_text("FROM alpine:3.20 AS a\nWORKDIR /x\nFROM a AS b\nCOPY . .\n"
                   "FROM alpine:3.20 AS c\nONBUILD WORKDIR /y\nCOPY . .\nFROM c\nCOPY . .\n"
                   "FROM alpine:3.20\nCOPY . .\nWORKDIR /z\n").dockerfile
    a, b, c, d, e = df.stages
    assert workdir_before(df, b, b.instructions[0]).line == 2
    assert workdir_before(df, c, c.instructions[1]) is None      # its own ONBUILD runs later
    assert workdir_before(df, d, d.instructions[0]).line == 6
    assert workdir_before(df, e, e.instructions[0]) is None
    assert workdir_before(df, e, None).line == 12


# ---- instructions with parse errors are left to DK000

def test_has_parse_error() -> None:
    df = lint_text("FROM alpine:3.20\nCOPY --from builder /bin/bash /my/bin/bash\n"
                   "COPY a b /c/\n").dockerfile
    bad, good = df.stages[0].instructions
    assert has_parse_error(df, bad) and not has_parse_error(df, good)


def test_rules_do_not_pile_on_parse_errors() -> None:
    """``--chmod 777`` (no ``=``) is a parse error; its value must not be read as a source."""
    from docklint.engine import Settings
    text = ("FROM alpine:3.20\nADD --chown 2367:3267 addchown.txt /tmp\n"
            "COPY --from builder /bin/bash my/bin/bash\nCMD --doit [\"a\"]\nCMD [\"b\"]\n")
    codes = ["DK000", "DK503", "DK504", "DK505", "DK602", "DK603"]
    found = lint_text(text, settings=Settings(select=codes)).findings
    assert found and {f.code for f in found} == {"DK000"}


def test_graph_rules_do_not_pile_on_invalid_stage_names() -> None:
    """``AS ${NAME}`` is a parse error; the ``--from`` that means that stage is not a second
    problem (DK201), nor is the stage unreachable (DK204)."""
    from docklint.engine import Settings
    text = ("ARG FIRST_STAGE=first-stage\nFROM alpine:3.20 AS ${FIRST_STAGE}\n"
            "RUN echo hi > /output.txt\nFROM alpine:3.20\n"
            "COPY --from=first-stage /output.txt /app/output.txt\n")
    found = lint_text(text, settings=Settings(select=["DK000", "DK201", "DK204"])).findings
    assert [f.code for f in found] == ["DK000"]


def test_windows_stage() -> None:
    df = lint_text("ARG REPO=mcr.microsoft.com/dotnet/framework/sdk\nFROM $REPO:4.8 AS a\n"
                   "FROM a\nFROM alpine:3.20\nFROM --platform=windows/amd64 x/y:1\n"
                   "FROM $UNSET:ltsc2022-nanoserver\n").dockerfile
    assert [windows_stage(df, s) for s in df.stages] == [True, True, False, True, True]


# ---- exec forms that are not JSON, COPY/ADD flags BuildKit reads as paths -------------------

@pytest.mark.parametrize("text, reason, items", [
    ("['node', 'app.js']", "single quotes (JSON needs double quotes)", ("node", "app.js")),
    ('["--port", "80",]', "a trailing comma", ("--port", "80")),
    ('["a" "b"]', "a missing comma", ("a", "b")),
    ('["a", "b"', "no closing `]`", ("a", "b")),
    ('["a", "/b"] extra', "text after the closing `]`", None),
    ('["C:\\app\\run.exe"]', "`\\a` is not a JSON escape (write `\\\\`)", None),
    ("[\u201cnode\u201d, \u201capp.js\u201d]",
     "typographic quotes (JSON needs straight double quotes)", ("node", "app.js")),
])
def test_broken_exec_forms(text: str, reason: str, items) -> None:
    broken = broken_exec_form(text)
    assert broken is not None and broken.reason == reason and broken.items == items


@pytest.mark.parametrize("text", ['[ "$(find /data -type f | wc -l)" == "2" ]', "[ -f x ]",
                                  "[[ -f x ]] && y", '[ "$A" = "b" ] || exit 1', "node app.js",
                                  '["a", "b"]', "[--chown=a:b] . /dst/", "[]",
                                  '[ "$MIGRATE" ] && ./migrate; exec ./server',
                                  '[ "$MODE" "=" "dev" ] && exec dev || exec prod',
                                  "[ '$X' ] || exit 1", '[ "a,b" ] > /dev/null'])
def test_shell_text_is_no_exec_form_attempt(text: str) -> None:
    assert broken_exec_form(text) is None


@pytest.mark.parametrize("text, reason", [
    ('["a"] && b', "text after the closing `]`"),                 # no blanks in the brackets
    ('[ "a", "b" ] && c', "text after the closing `]`"),          # a comma: JSON meant
    ('[ "a" "b" ]', "a missing comma"),                            # nothing after it
    ('[ "a" ] b', "text after the closing `]`"),                  # no shell operator after
])
def test_shell_test_lookalikes_are_still_broken_json(text: str, reason: str) -> None:
    broken = broken_exec_form(text)
    assert broken is not None and broken.reason == reason


@pytest.mark.parametrize("text, entry, cmd, cleared, known", [
    ("FROM a\nENTRYPOINT [\"e\"]\nCMD [\"c\"]\n", 2, 3, None, True),
    ("FROM a AS b\nCMD [\"c\"]\nFROM b\nENTRYPOINT [\"e\"]\n", 4, None, 4, True),
    ("FROM a AS b\nCMD [\"c\"]\nFROM b\nENTRYPOINT [\"e\"]\nCMD [\"d\"]\n", 4, 5, None, True),
    ("FROM a AS b\nENTRYPOINT [\"e\"]\nCMD [\"c\"]\nFROM b\nCMD [\"d\"]\n", 2, 5, None, True),
    ("FROM a AS b\nCMD [\"c\"]\nFROM b\nRUN x\n", None, 2, None, True),
    ("FROM a AS b\nONBUILD CMD [\"c\"]\nFROM b\n", None, None, None, False),
    ("FROM a\nRUN x\n", None, None, None, True),
])
def test_image_command(text, entry, cmd, cleared, known) -> None:
    df = lint_text(text).dockerfile
    got = image_command(df, df.target.index)
    line = (lambda ins: ins.line if ins is not None else None)
    assert (line(got.entrypoint), line(got.cmd), line(got.cleared_by), got.known) == \
        (entry, cmd, cleared, known)


def _copy(line: str):
    return lint_text(f"FROM alpine:3.20\n{line}\n").dockerfile.stages[0].instructions[0]


@pytest.mark.parametrize("line, found", [
    ("COPY [--chown=a:b] . /dst/", [("--chown=a:b", "bracketed", True, False)]),
    ('COPY ["--chmod=755", "a", "/b/"]', [("--chmod=755", "json", False, False)]),
    ("COPY a --exclude=*.md /b/", [("--exclude=*.md", "after-source", True, False)]),
    ("COPY a /b --link", [("--link", "after-source", False, True)]),
    ('COPY "--chown=x" a /b/', [("--chown=x", "quoted", False, False)]),
    ("COPY --chown=x:y a /b/", []),
    ("COPY -- --odd /b/", []),
    ("COPY a --unknown-flag=1 /b/", []),
])
def test_stray_flags(line: str, found) -> None:
    got = [(s.flag, s.how, s.glob, s.destination) for s in stray_flags(_copy(line))]
    assert got == found


def test_copy_words_leave_out_stray_flags() -> None:
    sources, dest = copy_words(_copy("COPY a --chown=x:y b /c"))
    assert [w.value for w in sources] == ["a", "b"] and dest.value == "/c"
    assert copy_words(_copy("COPY a /b --chown=x")) is None        # the flag is the destination
    assert copy_words(_copy("COPY ['a', '/b/']")) is None           # not JSON: DK507's
    assert copy_words(_copy("COPY a")) is None


def test_keyword_case_counts_like_buildkit() -> None:
    df = lint_text("ARG X=1\nFROM alpine:3.20\nrun echo\nRun echo\nfrom alpine:3.20\n"
                   "COPY a /b\n").dockerfile
    assert keyword_counts(df) == (2, 2) and keyword_case(df) == "upper"
