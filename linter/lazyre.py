"""Regular expressions compiled on first use.

A module-level ``_NAME = re.compile(PATTERN)`` costs its compilation at every start of docklint,
used or not, and docklint has well over a hundred of them (about a third of a cold start's time
went there). ``_NAME = lazy(PATTERN)`` reads the same and compiles when the pattern is first
used; after that it costs one attribute look-up per call. A :class:`Lazy` behaves like the
compiled pattern for the methods docklint uses; where a real ``re.Pattern`` is needed (passing
it to ``re.sub`` and the like), use ``.compiled``.

``lazy(PATTERN, needs=("pip",))`` also names text one piece of which every match contains: until
the pattern is compiled, its ``match``, ``fullmatch`` and ``search`` give None at once for a
string that contains none of them (most command names are not ``pip``, and a run that never
meets one never compiles the pattern). ``tests/test_lazyre.py`` checks each declared ``needs``
against strings generated from its pattern.
"""

from __future__ import annotations

import re
TYPE_CHECKING = False   # typing.TYPE_CHECKING without importing typing (3 ms of each start)
if TYPE_CHECKING:
    from typing import Any

__all__ = ["Lazy", "lazy"]


class Lazy:
    """A pattern and its flags, compiled by the first method call."""

    __slots__ = ("_pattern", "_flags", "_compiled", "_needs")

    def __init__(self, pattern: str, flags: int = 0, needs: tuple[str, ...] = ()) -> None:
        self._pattern = pattern
        self._flags = flags
        self._compiled: re.Pattern | None = None
        if needs and (flags & re.IGNORECASE or not all(isinstance(n, str) and n for n in needs)):
            raise ValueError("needs: non-empty strings, for a pattern that matches case")
        self._needs = tuple(needs)

    @property
    def needs(self) -> tuple[str, ...]:
        return self._needs

    def _ready(self, string: Any) -> re.Pattern | None:
        """The compiled pattern, or None for a string it cannot match while it is not
        compiled yet (once compiled, the pattern itself is as quick to say no)."""
        compiled = self._compiled
        if compiled is None:
            if self._needs and not any(piece in string for piece in self._needs):
                return None
            compiled = self.compiled
        return compiled

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

    def match(self, string: Any, *args: Any) -> re.Match | None:
        compiled = self._ready(string)
        return None if compiled is None else compiled.match(string, *args)

    def fullmatch(self, string: Any, *args: Any) -> re.Match | None:
        compiled = self._ready(string)
        return None if compiled is None else compiled.fullmatch(string, *args)

    def search(self, string: Any, *args: Any) -> re.Match | None:
        compiled = self._ready(string)
        return None if compiled is None else compiled.search(string, *args)

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


def lazy(pattern: str, flags: int = 0, *, needs: tuple[str, ...] = ()) -> Lazy:
    """``re.compile(pattern, flags)``, compiled when first used; ``needs``: text one piece of
    which every match contains (see the module's docstring)."""
    return Lazy(pattern, flags, needs)
