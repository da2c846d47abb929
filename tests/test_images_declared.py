"""Base images described in the configuration (``images:``): the runtime rules use the declared
facts, ``like:`` inherits and overrides, patterns match tags and digests, bad entries are
``file:line`` errors, and the unknown-base finding (DK310) goes away once an image is described.
"""

from __future__ import annotations

import json

import pytest

from docklint import config as cfg
from docklint.cli import lint
from docklint.engine import Settings, lint_text
from docklint.imagedecl import Declared, matches, validate_entry
from docklint.imageref import parse_image_ref

from .conftest import invoke_in, write


pytestmark = pytest.mark.usefixtures("fresh_config")


def run(tmp_path, config: str, dockerfile: str, *args, name: str = ".docklint.yaml"):
    write(tmp_path / name, config)
    write(tmp_path / "Dockerfile", dockerfile)
    return invoke_in(tmp_path, lint, ["--no-shellcheck", "--format", "json", *args,
                                      "Dockerfile"])


def codes(result) -> list[str]:
    return [f["code"] for f in json.loads(result.stdout)]


def by_code(result, code: str) -> list[dict]:
    return [f for f in json.loads(result.stdout) if f["code"] == code]


STATIC = """\
images:
  "registry.corp.example/static-base:*":
    shell: null
    libc: none
    ca-bundle: true
    tzdata: false
    user: "65532"
    users: [root, nonroot]
    size-mb: 3.1
"""

APP = """\
FROM registry.corp.example/static-base:1.4
COPY app /app
USER {user}
CMD {cmd}
"""


def test_a_shell_less_private_base_makes_dk102_fire(tmp_path):
    result = run(tmp_path, STATIC, APP.format(user="nonroot", cmd="/app --serve"))
    [found] = by_code(result, "DK102")
    assert found["line"] == 4 and found["severity"] == "error"
    assert "final image (registry.corp.example/static-base:1.4, declared in .docklint.yaml:2 " \
           "(images: 'registry.corp.example/static-base:*')) has no shell" in found["message"]
    # exec form: the same image is fine
    assert "DK102" not in codes(run(tmp_path, STATIC, APP.format(user="nonroot",
                                                                  cmd='["/app"]')))


def test_declared_users_decide_dk103(tmp_path):
    assert "DK103" not in codes(run(tmp_path, STATIC, APP.format(user="nonroot", cmd='["/app"]')))
    [found] = by_code(run(tmp_path, STATIC, APP.format(user="app", cmd='["/app"]')), "DK103")
    assert "user `app` is not in the /etc/passwd of registry.corp.example/static-base:1.4" \
        in found["message"] and "(users: nonroot, root)" in found["message"]


def test_without_the_declaration_the_base_is_unknown_and_dk310_says_so(tmp_path):
    result = run(tmp_path, "select: [default]\n", APP.format(user="app", cmd="/app"))
    assert codes(result).count("DK310") == 1
    assert not {"DK102", "DK103"} & set(codes(result))
    assert "DK310" not in codes(run(tmp_path, STATIC, APP.format(user="app", cmd="/app")))


LIKE = """\
images:
  "registry.corp.example/platform/base-python:*":
    like: python:3.12-slim
    users: [root, app]
"""


def test_like_inherits_the_known_image_facts(tmp_path):
    dockerfile = ("FROM registry.corp.example/platform/base-python:3.12\nUSER app\n"
                  "CMD python app.py\n")
    result = run(tmp_path, LIKE, dockerfile)
    # python:3.12-slim has a shell: no DK102; `app` is declared: no DK103; known: no DK310
    assert not {"DK102", "DK103", "DK310"} & set(codes(result))
    df = lint_text(dockerfile, settings=Settings(
        images=tuple(cfg.load(str(tmp_path / ".docklint.yaml")).values["images"].values())
    )).dockerfile
    facts = df.image_facts(df.stages[0].base.image)
    assert (facts.family, facts.libc, facts.has_shell, facts.like) == \
        ("python", "glibc", True, "python:3.12-slim")
    assert facts.fact_source("users").startswith("declared in ")
    assert facts.fact_source("libc") == "like python:3.12-slim (docklint's base-image data)"


def test_like_then_override(tmp_path):
    config = LIKE + "    shell: null\n"
    dockerfile = "FROM registry.corp.example/platform/base-python:3.12\nCMD python app.py\n"
    [found] = by_code(run(tmp_path, config, dockerfile), "DK102")
    assert "has no shell" in found["message"]


@pytest.mark.parametrize("pattern,ref,expected", [
    ("registry.corp.example/base:*", "registry.corp.example/base:3.1", True),
    ("registry.corp.example/base:*", "registry.corp.example/base@sha256:" + "a" * 64, True),
    ("registry.corp.example/base:*", "registry.corp.example/base:3@sha256:" + "a" * 64, True),
    ("registry.corp.example/base:*", "registry.corp.example/base", True),      # latest
    ("registry.corp.example/base:3.*", "registry.corp.example/base:3.12", True),
    ("registry.corp.example/base:3.*", "registry.corp.example/base:4.0", False),
    ("registry.corp.example/base:3.*", "registry.corp.example/base@sha256:" + "a" * 64, False),
    ("registry.corp.example/base", "registry.corp.example/base:anything", True),
    ("registry.corp.example/*", "registry.corp.example/team/app:1", True),
    ("registry.corp.example/base:*", "registry.corp.example/base-python:1", False),
    ("registry.corp.example/base:*", "other.example/base:1", False),
    ("mybase", "docker.io/library/mybase:1", True),
    ("docker.io/library/mybase:?", "mybase:1", True),
    ("registry.corp.example/base@sha256:a*", "registry.corp.example/base@sha256:" + "a" * 64,
     True),
    ("registry.corp.example/base@sha256:b*", "registry.corp.example/base@sha256:" + "a" * 64,
     False),
])
def test_patterns(pattern, ref, expected):
    assert matches(pattern, parse_image_ref(ref)) is expected


def test_the_most_specific_pattern_wins():
    from docklint.imagedecl import match
    broad = Declared("registry.corp.example/*", validate_entry({"libc": "glibc"}))
    narrow = Declared("registry.corp.example/static:*", validate_entry({"libc": "none"}))
    ref = parse_image_ref("registry.corp.example/static:1")
    assert match((broad, narrow), ref) is narrow
    assert match((narrow, broad), ref) is narrow
    assert match((broad, narrow), parse_image_ref("registry.corp.example/x:1")) is broad


def test_a_hostile_pattern_is_matched_in_linear_time():
    # many stars against a long name that almost matches: no exponential backtracking
    pattern = "a*" * 16 + "b"
    assert matches(pattern, parse_image_ref("x/" + "a" * 200)) is False


@pytest.mark.parametrize("entry,line,message", [
    ('  "corp/base:*":\n    shel: null\n', 2, "unknown key 'shel' (did you mean 'shell'?)"),
    ('  "corp/base:*":\n    libc: uclibc\n', 2, "libc must be none, glibc or musl"),
    ('  "corp/base:*":\n    like: nosuch/image:1\n', 2, "is not an image docklint knows"),
    ('  "ok:*": {}\n  "corp/base:*":\n    users: {app: -1}\n', 3, "must be a number >= 0"),
    ('  "corp/base:*":\n    ca-bundle: maybe\n', 2, "ca-bundle must be true or false"),
    ('  "corp/base:*": [shell]\n', 2, "an image entry must be a mapping"),
    ('  "corp base": {}\n', 2, "contains white space"),
])
def test_invalid_entries_are_file_line_errors(tmp_path, entry, line, message):
    result = run(tmp_path, "images:\n" + entry, "FROM alpine:3.20\n")
    assert result.exit_code == 2
    assert f".docklint.yaml:{line}: images: " in result.stderr
    assert message in result.stderr


def test_images_in_pyproject(tmp_path):
    config = ('[tool.docklint.images."registry.corp.example/static-base:*"]\n'
              'shell = false\nusers = ["root"]\n')
    result = run(tmp_path, config, APP.format(user="app", cmd="/app"), name="pyproject.toml")
    assert {"DK102", "DK103"} <= set(codes(result))
    bad = run(tmp_path, '[tool.docklint.images."corp:*"]\nshell = 3\n', "FROM alpine:3.20\n",
              name="pyproject.toml")
    assert bad.exit_code == 2 and "pyproject.toml:1: images: 'corp:*': shell must be" \
        in bad.stderr


def test_inspect_says_where_the_facts_come_from(tmp_path):
    write(tmp_path / ".docklint.yaml", STATIC)
    write(tmp_path / "Dockerfile", APP.format(user="app", cmd="/app"))
    from docklint.cli import inspect_cmd
    result = invoke_in(tmp_path, inspect_cmd, ["Dockerfile"])
    base = json.loads(result.stdout)["stages"][0]["facts"]["base_image"]
    assert base["source"] == "declared" and base["shell"] is False
    assert base["source_note"] == ("declared in .docklint.yaml:2 "
                                   "(images: 'registry.corp.example/static-base:*')")


def test_hover_says_where_the_facts_come_from(tmp_path):
    from docklint.lsp import hover_markdown
    images = tuple(cfg._images({"corp/base:*": {"shell": None, "users": ["root"]}},
                               "conf.yaml", {}).values())
    result = lint_text("FROM corp/base:1\nCMD [\"/app\"]\n", settings=Settings(images=images))
    text, _, _ = hover_markdown(result.dockerfile, 6)
    assert "| Described by | declared in conf.yaml:1 (images: 'corp/base:*') |" in text
    assert "| Shell | no |" in text and "| Users | root |" in text


def test_rules_that_name_images_see_declared_ones():
    # a bare `--from=name` that is a declared image is an image, not a missing stage (DK201)
    images = tuple(cfg._images({"mybase": {"like": "alpine:3.20"}}, "c.yaml", {}).values())
    text = "FROM alpine:3.20\nCOPY --from=mybase /etc/os-release /x\n"
    assert "DK201" in [f.code for f in lint_text(text, settings=Settings(select=["DK201"])
                                                 ).findings]
    assert lint_text(text, settings=Settings(select=["DK201"], images=images)).findings == []


def test_a_declared_image_like_an_end_of_life_one_is_not_end_of_life():
    # `like:` lends facts, not a life cycle: a team's own image is not end-of-life because
    # the public image it resembles is (DK309)
    images = tuple(cfg._images({"corp/static": {"like": "gcr.io/distroless/static-debian11"}},
                               "c.yaml", {}).values())
    text = "FROM corp/static:1\nCOPY app /app\nCMD [\"/app\"]\n"
    assert lint_text("FROM gcr.io/distroless/static-debian11\n",
                     settings=Settings(select=["DK309"])).findings
    assert lint_text(text, settings=Settings(select=["DK309"], images=images)).findings == []


def test_config_show_lists_the_declared_images(tmp_path):
    from docklint.cli import config_cmd
    write(tmp_path / ".docklint.yaml", STATIC)
    write(tmp_path / "Dockerfile", "FROM alpine:3.20\n")
    result = invoke_in(tmp_path, config_cmd, ["--show", "Dockerfile"])
    shown = json.loads(result.stdout)["images"]["registry.corp.example/static-base:*"]
    assert shown["users"] == ["root", "nonroot"] and shown["shell"] is None
    assert shown["declared-at"] == ".docklint.yaml:2"


def test_too_many_images_or_too_long_a_pattern_is_refused(tmp_path):
    many = "images:\n" + "".join(f'  "corp/i{n}:*": {{}}\n' for n in range(1001))
    result = run(tmp_path, many, "FROM alpine:3.20\n")
    assert result.exit_code == 2 and ".docklint.yaml:1: images: more than 1000 images" \
        in result.stderr
    long = 'images:\n  "corp/' + "a" * 300 + '": {}\n'
    result = run(tmp_path, long, "FROM alpine:3.20\n")
    assert result.exit_code == 2 and "an image pattern is at most 256 characters" in result.stderr
