"""Writing XML text by hand for the Checkstyle and JUnit formats (no DOM, no dependency).

The output is pure ASCII: characters outside it become character references (``&#xE9;``), so the
document is correct whatever encoding the terminal or file uses. Characters XML 1.0 forbids
(control characters other than tab, line feed and carriage return; lone surrogates from
undecodable file names) cannot be written at all, even as references; they become U+FFFD.
"""

from __future__ import annotations


from docklint.lazyre import lazy

DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'

_NOT_XML = lazy("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _clean(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def text(value: str) -> str:
    """``value`` as element content."""
    out = _clean(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return out.encode("ascii", "xmlcharrefreplace").decode("ascii")


def attr(value: object) -> str:
    """``value`` as a double-quoted attribute value, quotes included. Line breaks and tabs are
    written as references so that attribute-value normalisation does not turn them into spaces."""
    out = text(str(value)).replace('"', "&quot;")
    out = out.replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;")
    return f'"{out}"'


def start_tag(name: str, attributes: list[tuple[str, object]]) -> str:
    """``<name a="1">``."""
    attrs = "".join(f" {key}={attr(value)}" for key, value in attributes)
    return f"<{name}{attrs}>"


def element(name: str, attributes: list[tuple[str, object]], content: str | None = None) -> str:
    """``<name a="1">content</name>``, or ``<name a="1"/>`` when ``content`` is None. The
    content is taken as already-escaped markup."""
    tag = start_tag(name, attributes)
    if content is None:
        return tag[:-1] + "/>"
    return f"{tag}{content}</{name}>"
