"""Regular expressions compiled on first use.

A module-level ``_NAME = re.compile(PATTERN)`` costs its compilation at every start of docklint,
used or not, and docklint has well over a hundred of them (about a third of a cold start's time
went there). ``_NAME = lazy(PATTERN)`` reads the same and compiles when the pattern is first
used; after that it costs one attribute look-up per call. A :class:`Lazy` behaves like the
compiled pattern for the methods docklint uses; where a real ``re.Pattern`` is needed (passing
it to ``re.sub`` and the like), use ``.compiled``.
"""

from __future__ import annotations

import re
TYPE_CHECKING = False   # typing.TYPE_CHECKING without importing typing (3 ms of each start)
if TYPE_CHECKING:
    from typing import Any

__all__ = ["Lazy", "lazy"]


class Lazy:
    """A pattern and its flags, compiled by the first method call."""

    __slots__ = ("_pattern", "_flags", "_compiled")

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self._pattern = pattern
        self._flags = flags
        self._compiled: re.Pattern | None = None

    @property
    def compiled(self) -> re.Pattern:
        if self._compiled is None:
            self._compiled = re.compile(self._pattern, self._flags)
        return self._compiled

    @property
    def pattern(self) -> str:
        return self._pattern

    @property
    def flags(self) -> int:
        return self.compiled.flags

    def match(self, *args: Any) -> re.Match | None:
        return self.compiled.match(*args)

    def fullmatch(self, *args: Any) -> re.Match | None:
        return self.compiled.fullmatch(*args)

    def search(self, *args: Any) -> re.Match | None:
        return self.compiled.search(*args)

    def finditer(self, *args: Any):
        return self.compiled.finditer(*args)

    def findall(self, *args: Any) -> list:
        return self.compiled.findall(*args)

    def sub(self, *args: Any, **kw: Any) -> str:
        return self.compiled.sub(*args, **kw)

    def subn(self, *args: Any, **kw: Any) -> tuple[str, int]:
        return self.compiled.subn(*args, **kw)

    def split(self, *args: Any, **kw: Any) -> list:
        return self.compiled.split(*args, **kw)

    def __repr__(self) -> str:
        return f"lazy({self._pattern!r})"


def lazy(pattern: str, flags: int = 0) -> Lazy:
    """``re.compile(pattern, flags)``, compiled when first used."""
    return Lazy(pattern, flags)
