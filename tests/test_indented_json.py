"""docklint.formatters.indented_json writes what ``json.dumps(value, ensure_ascii=False,
indent=2)`` writes, byte for byte (the JSON, GitLab and SARIF reports use it)."""

from __future__ import annotations

import enum
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from docklint.formatters import indented_json

PLAIN = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=30)


def expected(value) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2)


@settings(max_examples=500, deadline=None)
@given(PLAIN)
def test_plain_data_is_written_as_json_dumps_writes_it(value):
    assert indented_json(value) == expected(value)


def test_the_edges_of_the_format():
    for value in ([], {}, [[]], {"a": {}}, [{}, []], "", "\u2028\x00\"\\\t\ud800é",
                  [True, False, None, 0, -5, 10 ** 30], ("a", ("b",)), {"k": ("t",)}):
        assert indented_json(value) == expected(value), value


class Level(enum.IntEnum):
    ONE = 1


def test_what_is_not_plain_data_is_left_to_json():
    for value in ({"x": 1.5}, {1: "a"}, [float("nan")], {"k": Level.ONE}, [{None: 1}]):
        assert indented_json(value) == expected(value), value
    deep: list = []
    for _ in range(5000):
        deep = [deep]
    try:
        text = expected(deep)
    except RecursionError:  # json gives up on it, and so does indented_json (json says so)
        with pytest.raises(RecursionError):
            indented_json(deep)
    else:                   # an interpreter whose own encoder goes that deep: so must we
        assert indented_json(deep) == text


def test_json_text_escapes_what_a_terminal_must_not_get_raw_but_its_line_feeds():
    from docklint.formatters import _JSON_UNSAFE as unsafe
    from docklint.formatters import json_safe
    from docklint.rule import UNPRINTABLE
    for code in range(0x110000):
        ch = chr(code)
        assert bool(unsafe.match(ch)) == (bool(UNPRINTABLE.match(ch)) and ch != "\n"), hex(code)
    text = indented_json([{"message": "a\u202eb\nc\x85", "file": "x\udcffy\udc85"}])
    assert json_safe(text) == text.replace("\u202e", "\\u202e").replace("\x85", "\\u0085") \
        .replace("\udc85", "\\udc85")
    assert json_safe("[\n  1\n]") == "[\n  1\n]"
