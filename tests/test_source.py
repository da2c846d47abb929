"""Source: offsets <-> 1-based lines and columns, and decoding a Dockerfile's bytes."""

from __future__ import annotations

import pytest

from docklint.source import Source, Span, decode_bytes

TEXT = "ab\r\ncd\n\nxyz"          # CRLF, LF, an empty line, no final newline


def test_line_table():
    src = Source(TEXT)
    assert src.line_count == 4
    assert [src.line_text(n) for n in (1, 2, 3, 4)] == ["ab", "cd", "", "xyz"]
    assert [src.line_start(n) for n in (1, 2, 3, 4)] == [0, 4, 7, 8]
    # line_end excludes the "\r\n"
    assert src.line_end(1) == 2 and src.line_end(4) == 11
    assert src.line_span(2) == Span(4, 6)


def test_final_newline_does_not_start_a_line():
    assert Source("a\n").line_count == 1
    assert Source("a\nb").line_count == 2
    assert Source("").line_count == 1


@pytest.mark.parametrize("offset, pos", [
    (0, (1, 1)), (1, (1, 2)), (2, (1, 3)),   # the \r is column 3 of line 1, never a column
    (4, (2, 1)), (5, (2, 2)), (7, (3, 1)), (8, (4, 1)), (10, (4, 3)),
    (11, (4, 4)),                           # end of text
    (99, (4, 4)), (-5, (1, 1)),             # clamped
])
def test_position(offset, pos):
    assert Source(TEXT).position(offset) == pos


def test_offset_is_the_inverse_of_position():
    src = Source(TEXT)
    for off in (0, 1, 4, 5, 7, 8, 9, 10, 11):
        assert src.offset(*src.position(off)) == off


def test_offset_clamps_to_the_line():
    src = Source(TEXT)
    assert src.offset(1, 99) == 2          # end of "ab", before the \r
    assert src.offset(9, 1) == 8           # past the last line: the last line
    assert src.offset(2, 0) == 4


def test_end_position_and_range():
    src = Source(TEXT)
    # "cd": line 2, columns 1..3 (exclusive end)
    assert src.range(Span(4, 6)) == (2, 1, 2, 3)
    # a span that ends with the line ending ends on the line it covers
    assert src.end_position(Span(0, 4)) == (1, 3)
    assert src.range(Span(0, 4)) == (1, 1, 1, 3)
    # an empty span ends where it starts
    assert src.end_position(Span(5, 5)) == (2, 2)
    # across lines
    assert src.range(Span(1, 10)) == (1, 2, 4, 3)


def test_columns_count_code_points():
    src = Source("FROM é\nRUN ü x\n")
    assert src.position(src.text.index("x")) == (2, 7)
    assert src.range(Span(5, 6)) == (1, 6, 1, 7)


def test_span_helpers():
    assert len(Span(3, 7)) == 4
    assert Span(0, 10).contains(Span(2, 3))
    assert not Span(2, 3).contains(Span(0, 10))
    assert Span(2, 3).cover(Span(5, 9)) == Span(2, 9)
    with pytest.raises(ValueError):
        Span(5, 4)


# --------------------------------------------------------------------------- decode_bytes

def test_decode_plain_utf8():
    d = decode_bytes("FROM é\n".encode())
    assert (d.text, d.bom, d.encoding, d.problems, d.fatal) == ("FROM é\n", False, "utf-8", (),
                                                                 None)


def test_decode_strips_utf8_bom_and_positions_start_at_column_one():
    d = decode_bytes(b"\xef\xbb\xbfFROM alpine\n")
    assert d.text == "FROM alpine\n"
    assert d.bom is True
    assert d.problems == () and d.fatal is None
    src = Source(d.text, bom=d.bom)
    assert src.bom is True
    assert src.position(0) == (1, 1)
    assert src.text[0] == "F"


def test_decode_invalid_utf8_reports_the_character_offset():
    d = decode_bytes("FROM é\n".encode() + b"RUN \xfe x\n")
    assert d.fatal is None
    assert d.text == "FROM é\nRUN \ufffd x\n"
    # offset in characters (é is one), pointing at the replacement character
    assert d.problems == ((11, "invalid UTF-8 byte 0xfe (decoded as U+FFFD)"),)
    assert d.text[11] == "\ufffd"


def test_decode_invalid_utf8_after_a_bom():
    d = decode_bytes(b"\xef\xbb\xbfRUN \xff\n")
    assert d.bom is True
    assert d.problems == ((4, "invalid UTF-8 byte 0xff (decoded as U+FFFD)"),)


def test_decode_stray_nul_is_a_problem_not_fatal():
    d = decode_bytes(b"FROM a\x00\nRUN b\n")
    assert d.fatal is None
    assert d.text == "FROM a\x00\nRUN b\n"
    assert d.problems == ((6, "NUL byte in a text file"),)


@pytest.mark.parametrize("data", [b"\xff\xfe" + "FROM a\n".encode("utf-16-le"),
                                  b"\xfe\xff" + "FROM a\n".encode("utf-16-be")])
def test_decode_utf16_is_fatal(data):
    d = decode_bytes(data)
    assert d.encoding == "utf-16"
    assert d.text == "FROM a\n"
    assert d.fatal == ("file is UTF-16 encoded; BuildKit reads Dockerfiles as UTF-8 "
                       "(re-save it as UTF-8)")


def test_decode_binary_is_fatal():
    d = decode_bytes(bytes(range(256)) * 4)
    assert d.text == ""
    assert d.fatal == "binary file, not a Dockerfile"


def test_decode_empty():
    d = decode_bytes(b"")
    assert (d.text, d.problems, d.fatal) == ("", (), None)

