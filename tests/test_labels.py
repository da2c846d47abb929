"""The label-schema logic shared by DK607-DK616: reading the schema, the value types, and the
labels a Dockerfile sets."""

from __future__ import annotations

import pytest

from docklint import labels
from docklint.engine import Settings, lint_text
from docklint.registry import all_rules

LABEL_RULES = ("DK607", "DK608", "DK609", "DK610", "DK611", "DK612", "DK613", "DK614", "DK616")


# ---- the schema

def test_schema_from_mapping_and_string() -> None:
    assert labels.parse_schema({"a": "text", "b": "URL"}) == {"a": "text", "b": "url"}
    assert labels.parse_schema("a:text, b:url,,") == {"a": "text", "b": "url"}
    # the type is after the last colon, so keys may contain colons
    assert labels.parse_schema("com.example:build:hash") == {"com.example:build": "hash"}
    assert labels.parse_schema(None) == labels.parse_schema("") == labels.parse_schema({}) == {}


@pytest.mark.parametrize("bad", ["a", "a:uri", ":text", {"a": "date"}, {"a": 1}, ["a:text"]])
def test_parse_schema_rejects(bad) -> None:
    with pytest.raises(ValueError):
        labels.parse_schema(bad)


def test_schema_from_is_lenient() -> None:
    # an unknown type keeps the label (presence and emptiness still checked)
    assert labels.schema_from({"label-schema": {"a": "uri", "b": "url"}}) == \
        {"a": "text", "b": "url"}
    assert labels.schema_from({"label-schema": "a:uri,b:hash"}) == {"a": "text", "b": "hash"}
    assert labels.schema_from({}) == {}
    assert labels.schema_from({"label-schema": 3}) == {}


def test_schema_option_validates_types() -> None:
    opt = labels.SCHEMA_OPTION
    assert opt.validate({"a": "url"}) == {"a": "url"}
    assert opt.validate("a:url") == "a:url"
    with pytest.raises(ValueError, match="unknown type 'uri'"):
        opt.validate({"a": "uri"})
    with pytest.raises(ValueError):
        opt.validate(True)


def test_every_label_rule_takes_the_schema() -> None:
    by_code = {r.code: r for r in all_rules()}
    for code in LABEL_RULES:
        assert "label-schema" in by_code[code].options, code
    assert "strict-labels" in by_code["DK608"].options


def test_config_key_reaches_the_rules(tmp_path) -> None:
    from docklint.config import config_for, resolve_settings
    (tmp_path / ".docklint.yaml").write_text(
        "label-schema:\n  org.opencontainers.image.source: url\nstrict-labels: true\n")
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text("FROM alpine:3.20\nLABEL org.opencontainers.image.source=x y=1\n")
    config = config_for(str(dockerfile), explicit=None, isolated=False)
    eff = resolve_settings(str(dockerfile), config, cli={})
    for code in LABEL_RULES:
        assert eff.settings.options[code]["label-schema"] == \
            {"org.opencontainers.image.source": "url"}
    assert eff.settings.options["DK608"]["strict-labels"] is True


# ---- value types

@pytest.mark.parametrize("value,ok", [
    ("https://github.com/example/app", True),
    ("https://example.com:8443/a/b?x=1&y=%20#frag", True),
    ("http://[::1]:8080/", True),
    ("ssh://git@example.com/app.git", True),
    ("mailto:dev@example.com", True),
    ("urn:isbn:0451450523", True),
    ("file:///etc/hosts", True),
    ("github.com/example/app", False),        # no scheme
    ("git@github.com:example/app.git", False),  # scp-like, not a URI
    ("https://", False),                      # no host
    ("http:example", False),
    ("https://example.com/a b", False),       # space
    ("https://example.com/%zz", False),       # bad escape
    ("https://example.com/a#b#c", False),
    ("https://example.com:80x/", False),
    ("https://exämple.com/", False),
    ("1http://example.com", False),
])
def test_url(value, ok) -> None:
    assert labels.is_url(value) is ok
    assert labels.valid("url", value) is ok


@pytest.mark.parametrize("value,ok", [
    ("2024-05-07T12:00:00Z", True),
    ("2024-05-07t12:00:00z", True),
    ("2024-05-07T12:00:00.123+02:00", True),
    ("2024-02-29T00:00:00-05:30", True),
    ("2016-12-31T23:59:60Z", True),           # leap second
    ("2023-02-29T00:00:00Z", False),
    ("2024-13-01T00:00:00Z", False),
    ("2024-05-07T24:00:00Z", False),
    ("2024-05-07T12:00:00", False),           # no zone
    ("2024-05-07T12:00Z", False),             # no seconds
    ("2024-05-07", False),
    ("2024-05-07 12:00:00Z", False),
    ("2024-05-07T12:00:00+2:00", False),
    ("2024-05-07T12:00:00+24:00", False),
])
def test_rfc3339(value, ok) -> None:
    assert labels.is_rfc3339(value) is ok


@pytest.mark.parametrize("value,ok", [
    ("MIT", True), ("mit", True), ("Apache-2.0", True), ("GPL-2.0+", True),
    ("GPL-2.0-or-later", True), ("Apache-2.0 OR MIT", True),
    ("(MIT AND BSD-3-Clause) OR Apache-2.0", True),
    ("GPL-2.0-only WITH Classpath-exception-2.0", True),
    ("LicenseRef-Proprietary", True), ("DocumentRef-x:LicenseRef-y", True),
    ("Apache 2", False), ("GPLv3", False), ("MIT or Apache-2.0", False), ("MIT AND", False),
    ("(MIT", False), ("MIT)", False), ("WITH MIT", False), ("MIT WITH Foo-exception", False),
    ("", False), ("MIT,Apache-2.0", False),
])
def test_spdx(value, ok) -> None:
    assert labels.is_spdx(value) is ok


@pytest.mark.parametrize("value,ok", [
    ("4f2a9c1", True), ("4f2a9c1e7b", True), ("4f2a9c1e7b3d5f60718293a4b5c6d7e8f9012345", True),
    ("a" * 64, True),
    ("4f2a9c", False), ("4F2A9C1", False), ("a" * 41, False), ("main", False), ("g123456", False),
])
def test_git_hash(value, ok) -> None:
    assert labels.is_git_hash(value) is ok


@pytest.mark.parametrize("value,ok", [
    ("1.4.0", True), ("0.0.0", True), ("2.0.0-rc.1", True), ("1.0.0-alpha-1.0a", True),
    ("1.0.0+build.007", True), ("1.0.0-rc.1+build.5", True),
    ("v1.4.0", False), ("1.4", False), ("1.4.0.1", False), ("01.4.0", False),
    ("1.0.0-01", False), ("1.0.0-", False), ("1.0.0+", False), ("1.0.0-rc..1", False),
    ("latest", False), ("1.0.0-rc_1", False), ("١.٢.٣", False),
])
def test_semver(value, ok) -> None:
    assert labels.is_semver(value) is ok


@pytest.mark.parametrize("value,ok", [
    ("dev@example.com", True), ("first.last+tag@sub.example.co", True),
    ('"odd name"@example.com', True), ("dev@[192.0.2.1]", True),
    ("Jane Doe <jane@example.com>", True), ('"Doe, Jane" <jane@example.com>', True),
    ("a@example.com, Jane <b@example.com>", True),
    ("Jane Doe <jane@example.com> (@jane)", True), ("jane@example.com (Jane (J) Doe)", True),
    ('"Doe, Jane" <j@example.com>, k@example.com (a, b)', True),
    ("jane@example.com (unbalanced", False), ("jane@example.com )", False),
    ("Platform team", False), ("jane at example.com", False), ("@example.com", False),
    ("dev@", False), ("dev..x@example.com", False), ("Jane <jane@example.com", False),
    ("a@example.com,", False), ("jäne@example.com", False),
])
def test_email(value, ok) -> None:
    assert labels.is_email(value) is ok


def test_text_and_unknown_types_accept_anything() -> None:
    assert labels.valid("text", "")
    assert labels.valid("whatever", "x")


# ---- labels in a Dockerfile

def _df(text: str, **kw):
    return lint_text(text, settings=Settings(select=["DK000"], **kw)).dockerfile


def test_label_settings_expand_values() -> None:
    df = _df("FROM alpine:3.20\nARG V=1.0.0\nARG UNSET\nENV E=x\n"
             "LABEL a=$V b=\"${E}y\" c=$UNSET ${E}key=1\nLABEL legacy some value\n"
             "ONBUILD LABEL ignored=1\n")
    got = [(s.key, s.value, s.raw_value) for s in labels.label_settings(df)]
    assert got == [("a", "1.0.0", "$V"), ("b", "xy", '"${E}y"'), ("c", None, "$UNSET"),
                   ("xkey", "1", "1"), ("legacy", "some value", "some value")]


def test_label_settings_use_build_args() -> None:
    df = _df("FROM alpine:3.20\nARG V=1\nLABEL a=$V\n", build_args={"V": "2"})
    assert [s.value for s in labels.label_settings(df)] == ["2"]


def test_label_keys_in_chain() -> None:
    df = _df("FROM alpine:3.20 AS base\nLABEL a=1\nONBUILD LABEL b=1\n"
             "FROM base AS mid\nLABEL c=1\nONBUILD LABEL d=1\n"
             "FROM alpine:3.20 AS other\nLABEL e=1\n"
             "FROM mid\nLABEL f=1\n")
    keys, unknown = labels.label_keys_in_chain(df, df.target.index)
    # d is mid's trigger, which runs in the final stage; b is base's, which runs in mid
    assert keys == {"a", "b", "c", "d", "f"} and not unknown
    keys, _ = labels.label_keys_in_chain(df, 1)
    assert keys == {"a", "b", "c"}


def test_label_keys_with_an_unset_variable() -> None:
    df = _df("FROM alpine:3.20\nARG K\nLABEL $K=1 a=2\n")
    keys, unknown = labels.label_keys_in_chain(df, 0)
    assert keys == {"a"} and unknown


def test_rules_stay_quiet_without_a_schema() -> None:
    text = ("FROM alpine:3.20\nLABEL org.opencontainers.image.source=nope "
            "org.opencontainers.image.version=latest empty=\"\"\n")
    result = lint_text(text, settings=Settings(select=list(LABEL_RULES)))
    assert result.findings == []
