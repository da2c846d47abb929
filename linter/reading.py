"""The one place docklint opens a file it reads: Dockerfiles, standard input, ignore files,
build-context sources, configuration files and their ``extends`` targets.

A pull request decides what these paths are, so every read is bounded and type-checked:

- only a **regular file** is read. A symlink is followed, and what it points at is checked
  (``/dev/zero``, a FIFO, a socket or a directory are refused, never read). The check is made on
  the opened descriptor (``fstat``), so the file cannot be swapped between the check and the read,
  and the open itself never blocks (``O_NONBLOCK``: opening a FIFO for reading would wait for a
  writer forever);
- at most ``limit + 1`` bytes are read, whatever the file claims its size is (``/proc`` files
  say 0, a file may grow while read): one byte over the limit is enough to say it is too big;
- standard input is read the same way, and reading stops at ``limit + 1`` bytes
  (``docklint - </dev/zero`` ends at once with a clear message).

Problems are raised as :class:`ReadError`, whose message names the file and says what is wrong in
a user's words ("not a regular file (a FIFO)", "over the 1048576-byte limit"), never its content.
"""

from __future__ import annotations

import errno
import os
import stat

__all__ = ["ReadError", "TooBig", "read_regular", "read_head", "read_stream", "kind_of",
           "CONFIG_LIMIT", "IGNORE_LIMIT"]

#: configuration files (``.docklint.yaml``, ``pyproject.toml``, ``.hadolint.yaml`` and what
#: they extend)
CONFIG_LIMIT = 1024 * 1024
#: ``.dockerignore`` and ``.gitignore`` files
IGNORE_LIMIT = 1024 * 1024

_CHUNK = 1 << 20


class ReadError(Exception):
    """A file docklint will not or cannot read; ``str()`` is the message for the user (it names
    the file as it was given)."""

    def __init__(self, message: str, errno_: int | None = None):
        super().__init__(message)
        self.message = message
        self.errno = errno_


class TooBig(ReadError):
    """The file (or stream) holds more than the limit; ``size`` is its size when known (from
    ``fstat``), else None (a stream: only "more than ``limit``" is known)."""

    def __init__(self, message: str, limit: int, size: int | None):
        super().__init__(message, errno.EFBIG)
        self.limit = limit
        self.size = size


def kind_of(mode: int) -> str:
    """What a non-regular file is, in words: "a directory", "a FIFO", "a device", ..."""
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def _error(shown: str, exc: OSError, path: str | None = None) -> ReadError:
    if isinstance(exc, FileNotFoundError):
        kind = "broken symlink" if os.path.islink(path if path is not None else shown) \
            else "no such file"
        return ReadError(f"{shown}: {kind}", exc.errno)
    if isinstance(exc, PermissionError):
        return ReadError(f"{shown}: permission denied", exc.errno)
    if isinstance(exc, IsADirectoryError):
        return ReadError(f"{shown}: is a directory", exc.errno)
    return ReadError(f"{shown}: {exc.strerror or exc}", exc.errno)


def read_regular(path: str, limit: int, *, shown: str | None = None,
                 what: str = "file", head: bool = False) -> bytes:
    """The bytes of the regular file ``path`` (symlinks followed), at most ``limit``.

    Raises :class:`TooBig` when it holds more than ``limit`` bytes and :class:`ReadError` when
    it is missing, unreadable, or not a regular file. ``shown`` is how messages name the file
    (default ``path``); ``what`` names the kind in the too-big message ("configuration file").
    With ``head``, the first ``limit`` bytes of a bigger file are what it gives (a file judged by
    its first bytes: :func:`read_head`)."""
    shown = shown if shown is not None else path
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0) | \
        getattr(os, "O_NOCTTY", 0)
    try:
        # a device is refused before it is opened (opening one may do something: a tape
        # rewinds); the check on the open descriptor below is the one that counts
        before = os.stat(path)
        if not stat.S_ISREG(before.st_mode) and not stat.S_ISDIR(before.st_mode):
            raise ReadError(f"{shown}: not a regular file ({kind_of(before.st_mode)})"
                            if kind_of(before.st_mode).startswith("a ") else
                            f"{shown}: not a regular file", errno.EINVAL)
        fd = os.open(path, flags)
    except (OSError, ValueError) as exc:     # ValueError: a NUL byte in the path
        if isinstance(exc, ValueError):
            raise ReadError(f"{shown}: no such file", errno.ENOENT) from None
        raise _error(shown, exc, path) from None
    try:
        try:
            st = os.fstat(fd)
        except OSError as exc:
            raise _error(shown, exc) from None
        if stat.S_ISDIR(st.st_mode):
            raise ReadError(f"{shown}: is a directory", errno.EISDIR)
        if not stat.S_ISREG(st.st_mode):
            kind = kind_of(st.st_mode)
            raise ReadError(f"{shown}: not a regular file" +
                            (f" ({kind})" if kind.startswith("a ") else ""), errno.EINVAL)
        if st.st_size > limit and not head:
            raise TooBig(f"{shown}: {what} is {st.st_size} bytes, over the {limit}-byte limit",
                         limit, st.st_size)
        chunks: list[bytes] = []
        got = 0
        while got <= limit:
            try:
                chunk = os.read(fd, min(_CHUNK, limit + 1 - got))
            except BlockingIOError:      # cannot happen on a regular file; never spin
                break
            except OSError as exc:
                raise _error(shown, exc) from None
            if not chunk:
                break
            chunks.append(chunk)
            got += len(chunk)
        data = b"".join(chunks)
        if len(data) > limit:
            if head:
                return data[:limit]
            raise TooBig(f"{shown}: {what} is over the {limit}-byte limit", limit, None)
        return data
    finally:
        os.close(fd)


def read_head(path: str, size: int, *, shown: str | None = None) -> bytes:
    """The first ``size`` bytes (fewer when the file is shorter) of the regular file ``path``:
    for a file judged by its magic bytes. Raises :class:`ReadError` as :func:`read_regular`
    does (never :class:`TooBig`)."""
    return read_regular(path, size, shown=shown, head=True)


def read_stream(stream, limit: int, *, shown: str = "standard input") -> bytes:
    """At most ``limit`` bytes of a binary stream (standard input), reading no more than
    ``limit + 1``: an endless stream is not read to its end. Raises :class:`TooBig` (size None)
    when there is more, :class:`ReadError` when the stream is closed or unreadable."""
    if stream is None:  # fd 0 was closed before we started
        raise ReadError(f"{shown}: closed", errno.EBADF)
    chunks: list[bytes] = []
    got = 0
    while got <= limit:
        try:
            chunk = stream.read(min(_CHUNK, limit + 1 - got))
        except ValueError:  # I/O operation on a closed file
            raise ReadError(f"{shown}: closed", errno.EBADF) from None
        except OSError as exc:
            raise ReadError(f"{shown}: {exc.strerror or exc}", exc.errno) from None
        if not chunk:
            break
        if isinstance(chunk, str):  # a text-only stand-in for stdin (an embedding harness)
            chunk = chunk.encode("utf-8", "surrogateescape")
        chunks.append(chunk)
        got += len(chunk)
    data = b"".join(chunks)
    if len(data) > limit:
        raise TooBig(f"{shown}: more than {limit} bytes, over the limit", limit, None)
    return data
