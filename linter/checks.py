"""Small shared checks the metadata and COPY/ADD rules need: secret-looking names, EXPOSE port
specs, label keys, absolute paths, archive names, and where in an instruction a piece of a word
sits.

Pure functions over strings (plus two helpers that read the model), tested in
tests/test_checks.py. Rules import them instead of each carrying its own copy.
"""

from __future__ import annotations

import re
from docklint.record import record
TYPE_CHECKING = False   # typing.TYPE_CHECKING without importing typing (3 ms of each start)

from docklint.lazyre import lazy
from .facts import facts_of
from .source import Span

if TYPE_CHECKING:
    from .model import Dockerfile, Stage
    from .syntax import Instruction, Word

__all__ = ["SECRET_TOKENS", "ALLOW_TOKENS", "secret_reason", "PortSpec", "parse_port_spec",
           "label_key_problems", "is_absolute", "TAR_SUFFIXES", "COMPRESSED_SUFFIXES",
           "NON_TAR_ARCHIVES", "archive_suffix", "is_remote_source", "is_git_source",
           "word_part_span", "workdir_before", "has_parse_error", "foreign_instructions",
           "windows_stage", "COPY_FLAGS",
           "StrayFlag", "stray_flags", "copy_words", "BrokenExecForm", "broken_exec_form",
           "keyword_counts", "keyword_case", "ImageCommand", "image_command"]


# ---- secret-looking variable names ---------------------------------------------------------

# BuildKit's SecretsUsedInArgOrEnv: a name fires when one of its "_"-separated tokens (compared
# case-insensitively) is one of these, and none of its tokens is an allow token.
SECRET_TOKENS = frozenset({"apikey", "auth", "credential", "credentials", "key", "password",
                           "pword", "passwd", "secret", "token"})
ALLOW_TOKENS = frozenset({"public", "file", "version"})
# docklint's additions. Whole tokens that name a secret as surely as BuildKit's do:
EXTRA_SECRET_TOKENS = frozenset({"pass", "passphrase", "pwd", "privatekey", "accesskey",
                                 "secretkey", "clientsecret"})
# a token made of a prefix glued to one of these (PGPASSWORD, ACCESSTOKEN, CLIENTSECRET):
SECRET_SUFFIXES = ("password", "passwd", "token", "secret", "apikey")
# tokens that say the variable holds something *about* a secret, not the secret itself: where
# it is (KEY_PATH, SECRETS_DIR), a public key's fingerprint (GPG_KEY in the official images),
# or how a secret is used (AUTH_TYPE, TOKEN_URL)
EXTRA_ALLOW_TOKENS = frozenset({"path", "dir", "directory", "gpg", "pgp", "fingerprint",
                                "keyring", "keyserver", "url", "uri", "endpoint", "type",
                                "method", "mode", "enabled", "disabled", "enable", "disable",
                                "name", "length", "header", "timeout", "ttl", "expiry",
                                "expires", "expiration", "algorithm", "alg", "size", "bits",
                                "mount", "provider", "required", "strategy", "location"})
# kinds of keys that are public by design: a reCAPTCHA/Turnstile site key is embedded in web
# pages, a Stripe publishable key is meant for browsers
_PUBLIC_KEY_KINDS = frozenset({"site", "publishable", "publishablekey", "sitekey"})
# whole names that are secrets without any token saying so
KNOWN_SECRET_NAMES = frozenset({"GITHUB_PAT", "GH_PAT", "GITLAB_PAT", "AZURE_DEVOPS_EXT_PAT",
                                "SSHPASS", "HTPASSWD", "NUGET_API_KEY", "TWINE_PASSWORD"})
# whole names that look like secrets but are not (the shell's working directory)
_NOT_SECRET_NAMES = frozenset({"PWD", "OLDPWD"})


def secret_reason(name: str) -> str | None:
    """Why ``name`` looks like it holds a secret (the token that says so), or None.

    Tokens are the ``_``-separated parts of the name, compared case-insensitively. A name fires
    when a token is a secret word (BuildKit's list plus ``pass``, ``pwd``, ``passphrase``...), a
    secret word with a prefix glued on (``PGPASSWORD``, ``ACCESSTOKEN``), or when the whole
    name is a well-known secret (``GITHUB_PAT``); it stays quiet when a token says the value is
    about a secret rather than the secret (BuildKit's ``public``, ``file``, ``version``, plus
    ``path``, ``dir``, ``gpg``, ``fingerprint``, ``url``, ``type``, ``name``...)."""
    upper = name.upper()
    if upper in _NOT_SECRET_NAMES:
        return None
    tokens = [t for t in name.lower().split("_") if t]
    if upper in KNOWN_SECRET_NAMES:
        return name
    if any(t in ALLOW_TOKENS or t in EXTRA_ALLOW_TOKENS for t in tokens):
        return None
    public_key = any(t in _PUBLIC_KEY_KINDS for t in tokens)
    for t in tokens:
        if public_key and t in ("key", "apikey", "sitekey", "publishablekey"):
            continue
        if t in SECRET_TOKENS or t in EXTRA_SECRET_TOKENS:
            return t
    for t in tokens:
        for suffix in SECRET_SUFFIXES:
            if t.endswith(suffix) and len(t) > len(suffix):
                return t
    return None


# ---- EXPOSE port specs -----------------------------------------------------------------------

_PORT_RE = lazy(r"^(?P<start>\d+)(?:-(?P<end>\d+))?$")


@record(frozen=True)
class PortSpec:
    """One EXPOSE word, ``[ip:][host[-host]:]port[-port][/proto]``, split into its parts.

    Offsets are into the text that was parsed; ``None`` parts are absent. ``port`` is the
    container port (or range) as written; ``port_start``/``port_end`` are its numbers (None
    when not numeric).
    """

    text: str
    ip: str | None
    host: str | None
    host_offset: int
    port: str
    port_offset: int
    proto: str | None
    proto_offset: int

    @staticmethod
    def range_of(part: str | None) -> tuple[int | None, int | None]:
        m = _PORT_RE.match(part or "")
        if not m:
            return None, None
        start = int(m.group("start"))
        return start, int(m.group("end")) if m.group("end") else start

    @property
    def port_range(self) -> tuple[int | None, int | None]:
        return self.range_of(self.port)

    @property
    def host_range(self) -> tuple[int | None, int | None]:
        return self.range_of(self.host)


def parse_port_spec(text: str) -> PortSpec:
    """Split an EXPOSE word the way Docker's port parser does (IPv6 addresses in brackets)."""
    body, slash, proto = text.partition("/")
    proto_offset = len(body) + 1 if slash else -1
    ip = None
    host = None
    host_offset = -1
    rest = body
    base = 0
    if rest.startswith("["):
        close = rest.find("]")
        if close > 0 and rest[close + 1:close + 2] == ":":
            ip = rest[1:close]
            base = close + 2
            rest = rest[base:]
    parts = rest.split(":")
    if len(parts) >= 3 and ip is None:
        ip = ":".join(parts[:-2])
        host = parts[-2]
        host_offset = base + len(ip) + 1
    elif len(parts) == 2:
        host = parts[0]
        host_offset = base
    port = parts[-1]
    port_offset = len(body) - len(port)
    return PortSpec(text, ip, host, host_offset, port,
                    port_offset, proto if slash else None, proto_offset)


# ---- label keys ------------------------------------------------------------------------------

_LABEL_CHARS = lazy(r"[^a-z0-9._/-]")
RESERVED_LABEL_NAMESPACES = ("com.docker.", "io.docker.", "org.dockerproject.")
# keys in the reserved namespaces that Docker documents for image authors to set (Docker Desktop
# extensions must declare these)
DOCUMENTED_DOCKER_LABELS = ("com.docker.desktop.extension.", "com.docker.extension.")


def label_key_problems(key: str) -> list[str]:
    """What is wrong with a label key under Docker's key guidelines (empty when nothing)."""
    if not key:
        return ["is empty"]
    out: list[str] = []
    if any(c.isupper() for c in key):
        out.append("has upper-case letters")
    low = key.lower()
    bad = sorted(set(_LABEL_CHARS.findall(low)))
    if bad:
        shown = " ".join(f"`{c}`" if c.strip() else repr(c) for c in bad)
        out.append(f"has characters other than a-z, 0-9, `.`, `-`, `_` and `/` ({shown})")
    if not low[0].isalpha() or not low[0].isascii():
        out.append("does not start with a letter")
    if not (low[-1].isascii() and low[-1].isalnum()):
        out.append("does not end with a letter or digit")
    if ".." in low or "--" in low:
        out.append("has consecutive `.` or `-`")
    if low.startswith(RESERVED_LABEL_NAMESPACES) and \
            not low.startswith(DOCUMENTED_DOCKER_LABELS):
        ns = next(n for n in RESERVED_LABEL_NAMESPACES if low.startswith(n))
        out.append(f"uses the namespace `{ns[:-1]}`, which Docker reserves for itself")
    return out


# ---- paths -----------------------------------------------------------------------------------

_DRIVE = lazy(r"^[A-Za-z]:([\\/]|$)", needs=(":",))


def is_absolute(path: str) -> bool:
    """Absolute on Linux (``/x``) or Windows (``C:\\x``, ``C:/x``, ``\\x``)."""
    return path.startswith(("/", "\\")) or bool(_DRIVE.match(path))


# Archives ADD unpacks (a tar, plain or compressed; ADD looks at the content, these are the
# names such files go by)
TAR_SUFFIXES = (".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tbz", ".tar.xz", ".txz",
                ".tar.zst", ".tzst", ".tar.lz", ".tar.lzma", ".tlz", ".taz", ".tar.z")
# compressed files that may hold a tar
COMPRESSED_SUFFIXES = (".gz", ".bz2", ".xz", ".zst", ".lz", ".lzma", ".z")
# archives ADD copies as they are
NON_TAR_ARCHIVES = (".zip", ".7z", ".rar", ".jar", ".war", ".ear", ".whl", ".apk", ".deb",
                    ".rpm", ".nupkg")


def archive_suffix(name: str) -> tuple[str, str] | None:
    """(kind, suffix) for a file name that looks like an archive: kind is ``tar`` (ADD unpacks
    it), ``compressed`` (ADD unpacks it if it holds a tar) or ``other`` (ADD copies it as is)."""
    low = name.lower().rstrip("/")
    for s in TAR_SUFFIXES:
        if low.endswith(s) and len(low) > len(s):
            return "tar", s
    for s in COMPRESSED_SUFFIXES:
        if low.endswith(s) and len(low) > len(s):
            return "compressed", s
    for s in NON_TAR_ARCHIVES:
        if low.endswith(s) and len(low) > len(s):
            return "other", s
    return None


_GIT_RE = lazy(r"^(?:git@[^:/]+:|git://|ssh://|[a-z][a-z0-9+.-]*://\S*\.git(?:[#?]\S*)?$)",
                     re.I)


def is_git_source(src: str) -> bool:
    """An ADD source BuildKit fetches with git."""
    return bool(_GIT_RE.match(src))


def is_remote_source(src: str) -> bool:
    """An ADD source that is not in the build context: a URL or a git repository."""
    low = src.lower()
    return low.startswith(("http://", "https://", "git@", "git://", "ssh://")) or \
        is_git_source(src)


# ---- positions -------------------------------------------------------------------------------

def word_part_span(ins: "Instruction", word: "Word", start: int, end: int) -> Span:
    """Source span of ``word.value[start:end]``; the whole word when the value is not a plain
    slice of the text (a JSON string with escapes)."""
    if not ins.json:
        if ins.original[word.lstart:word.lend] == word.value:
            return ins.span_of(word.lstart + start, word.lstart + end)
        return word.span
    inner = ins.original[word.lstart + 1:word.lend - 1]
    if inner == word.value:
        return ins.span_of(word.lstart + 1 + start, word.lstart + 1 + end)
    return word.span


# ---- COPY/ADD words as BuildKit reads them, and exec forms that are not JSON -----------------

# the flags BuildKit takes on COPY and ADD (only before the first source word)
COPY_FLAGS = {"COPY": ("from", "chown", "chmod", "link", "parents", "exclude"),
              "ADD": ("chown", "chmod", "link", "keep-git-dir", "checksum", "unpack", "exclude")}
_COPY_FLAG_NAMES = frozenset(COPY_FLAGS["COPY"] + COPY_FLAGS["ADD"])
_FLAG_WORD = lazy(r"--(?P<name>[a-z][a-z-]*)(?:=(?P<value>\S*))?", needs=("--",))
_BRACKETED_FLAG = lazy(r"\[(?P<flag>--(?P<name>[a-z][a-z-]*)(?:=[^\]\s]*)?)\]?", needs=("[--",))
_GLOB = "*?["


@record(frozen=True)
class StrayFlag:
    """A COPY/ADD flag written where BuildKit no longer takes flags, which it therefore reads as
    a source path (or as the destination).

    ``how`` is ``json`` (an element of a JSON array: ``COPY ["--chmod=755", "a", "/b/"]``),
    ``bracketed`` (``[--chown=a:b]``, the reference's notation for an optional flag, copied
    as is), ``quoted`` (``"--chown=a:b"`` as the first word: quotes make it no flag) or
    ``after-source`` (``COPY a --chown=x /b/``). ``glob``: BuildKit's reading is a wildcard
    pattern, which it skips when it matches nothing, rather than a literal path, which fails
    the build when it does not exist. ``destination``: it is the last word. ``span`` covers the
    flag as meant (``--chown=a:b``); ``index`` is the word's position in ``ins.args``.
    """

    word: "Word"
    index: int
    flag: str
    name: str
    how: str
    glob: bool
    destination: bool
    span: Span

    @property
    def read_as(self) -> str:
        """The path BuildKit reads (quotes removed)."""
        return _unquoted(self.word.value) if self.how != "json" else self.word.value


def _unquoted(text: str) -> str:
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        return text[1:-1]
    return text


def stray_flags(ins: "Instruction") -> list[StrayFlag]:
    """The words of a COPY/ADD (pass the effective instruction of an ONBUILD) that are flags
    BuildKit reads as paths, in order. Heredoc markers are never flags."""
    if ins.keyword not in COPY_FLAGS or not ins.args:
        return []
    markers = {(h.marker_lstart, h.marker_lend) for h in ins.heredocs}
    last = len(ins.args) - 1
    out: list[StrayFlag] = []
    for k, word in enumerate(ins.args):
        if (word.lstart, word.lend) in markers:
            continue
        value = word.value if ins.json else _unquoted(word.value)
        m = _FLAG_WORD.fullmatch(value)
        if m is not None and m.group("name") in _COPY_FLAG_NAMES:
            how = "json" if ins.json else ("after-source" if k > 0 or value == word.value
                                           else "quoted")
            at = 0 if value == word.value else 1
            out.append(StrayFlag(word, k, value, m.group("name"), how,
                                 any(c in value for c in _GLOB), k == last,
                                 word_part_span(ins, word, at, at + len(value))))
            continue
        b = _BRACKETED_FLAG.fullmatch(word.value) if not ins.json else None
        if b is not None and b.group("name") in _COPY_FLAG_NAMES:
            out.append(StrayFlag(word, k, b.group("flag"), b.group("name"), "bracketed", True,
                                 k == last, word_part_span(ins, word, 1, 1 + len(b.group("flag")))))
    return out


def copy_words(ins: "Instruction") -> "tuple[list[Word], Word] | None":
    """(source words, destination word) of a COPY/ADD (pass the effective instruction of an
    ONBUILD) as BuildKit reads them, without the words that are misplaced flags (DK507 reports
    those): None when there are fewer than two words, when the destination is such a flag, or
    when the line looks like a JSON array but is not one (then nothing in it is what the author
    meant). Heredoc markers are among the sources."""
    if len(ins.args) < 2 or (not ins.json and broken_exec_form(ins.rest) is not None):
        return None
    stray = stray_flags(ins)
    if any(s.destination for s in stray):
        return None
    skip = {s.index for s in stray}
    words = [w for k, w in enumerate(ins.args) if k not in skip]
    if len(words) < 2:
        return None
    return words[:-1], words[-1]


_QUOTES = {'"': '"', "'": "'", "\u201c": "\u201d", "\u201d": "\u201d", "\u2018": "\u2019",
           "\u2019": "\u2019"}


@record(frozen=True)
class BrokenExecForm:
    """Why a shell-form argument text that looks like a JSON array (exec form) is not valid
    JSON: ``problems`` in words (``single quotes``, ``a trailing comma``...); ``items`` the
    elements as the author meant them, or None when they cannot be told."""

    problems: tuple[str, ...]
    items: tuple[str, ...] | None

    @property
    def reason(self) -> str:
        return ", ".join(self.problems)


def broken_exec_form(text: str) -> BrokenExecForm | None:
    """What is wrong with ``text`` (the argument text of a shell-form instruction) as a JSON
    array, when it is meant as one: it starts with ``[`` and a quoted element followed by ``,``
    or ``]``. A shell test such as ``[ "$A" = "b" ]`` (no comma after the first quoted word),
    or ``[ "$X" ] && ./migrate`` (quoted words without commas, blanks inside both brackets,
    and a shell operator after the ``]``), is not an attempt: None. So is text that starts
    with anything else."""
    t = text.strip()
    n = len(t)
    if not t.startswith("["):
        return None
    problems: list[str] = []
    items: list[str] = []
    clean = True                   # every element read in full

    def skip(i: int) -> int:
        while i < n and t[i] in " \t\r\n":
            i += 1
        return i

    i = skip(1)
    closed = False
    commas = 0                     # commas read between elements
    while i < n:
        c = t[i]
        if c == "]" and items:
            closed = True
            i += 1
            break
        if c not in _QUOTES:
            if not items:
                return None
            problems.append("an element without quotes")
            clean = False
            break
        close = _QUOTES[c]
        j = i + 1
        chars: list[str] = []
        while j < n and t[j] != close:
            if c == '"' and t[j] == "\\" and j + 1 < n:
                if t[j + 1] not in '"\\/bfnrtu':
                    problems.append(f"`\\{t[j + 1]}` is not a JSON escape (write `\\\\`)")
                    clean = False
                chars.append(t[j:j + 2])
                j += 2
                continue
            chars.append(t[j])
            j += 1
        if j >= n:
            if not items:
                return None
            problems.append("an unterminated string")
            clean = False
            break
        if c == "'":
            problems.append("single quotes (JSON needs double quotes)")
        elif c != '"':
            problems.append("typographic quotes (JSON needs straight double quotes)")
        items.append("".join(chars))
        i = skip(j + 1)
        if i < n and t[i] == ",":
            commas += 1
            i = skip(i + 1)
            if i < n and t[i] == "]":
                problems.append("a trailing comma")
            continue
        if i >= n or t[i] == "]":
            continue
        if t[i] in _QUOTES:
            problems.append("a missing comma")
            continue
        if len(items) == 1:
            return None            # `[ "$A" = "b" ]`: a shell test
        problems.append("an element without quotes")
        clean = False
        break
    if not items:
        return None
    if closed and not commas and _shell_test(t, i):
        return None                # `[ "$X" ] && ...`: the test command `[`, then more shell
    if not closed and clean:
        problems.append("no closing `]`")
    elif closed and t[i:].strip():
        problems.append("text after the closing `]`")
        clean = False
    if not problems:
        return None                # valid JSON after all (the caller's line was shell form)
    problems = list(dict.fromkeys(problems))
    return BrokenExecForm(tuple(problems), tuple(items) if clean else None)


# a shell operator that may follow a test command: `&&`, `||`, `;`, `|`, `&`, a redirection
_AFTER_TEST = lazy(r"^\s+(?:&&|\|\||[;|&)]|\d*[<>])")


def _shell_test(t: str, after: int) -> bool:
    """Whether ``t``, whose elements (quoted, without commas between them) end at the ``]``
    just before ``after``, is the shell's test command ``[ ... ]`` followed by more shell
    (``[ "$X" ] && ./migrate``) rather than a broken JSON array: blanks inside both brackets
    and a shell operator after the ``]``."""
    return (t[1:2].isspace() and t[after - 2:after - 1].isspace()
            and bool(_AFTER_TEST.match(t[after:])))


# ---- WORKDIR ---------------------------------------------------------------------------------

def workdir_before(df: "Dockerfile", stage: "Stage", before: "Instruction | None"
                   ) -> "Instruction | None":
    """The last WORKDIR that set the working directory before ``before`` in ``stage`` or in the
    in-file stages its FROM chain leads through (an ``ONBUILD WORKDIR`` of an ancestor counts:
    it ran in its child); None when the directory is still the base image's."""
    # worked out once per stage (DK505 asks before every COPY): the last WORKDIR before each
    # instruction of a stage, and what a stage leaves to the stages built on it
    tables = df._derived.setdefault("workdir_before", {})
    for k, st in enumerate(df.graph.chain(stage.index)):
        table = tables.get(st.index)
        if table is None:
            befores: dict[int, Instruction | None] = {}
            last = inherited = None
            for ins in st.instructions:
                befores[id(ins)] = last
                if ins.keyword == "WORKDIR":
                    last = inherited = ins
                elif ins.keyword == "ONBUILD" and ins.sub is not None and \
                        ins.sub.keyword == "WORKDIR" and inherited is None:
                    inherited = ins
            table = tables[st.index] = (befores, last, inherited)
        if k == 0:
            found = table[1] if before is None else table[0].get(id(before), table[1])
        else:
            found = table[2]
        if found is not None:
            return found
    return None


# ---- the command an image runs -----------------------------------------------------------------

@record(frozen=True)
class ImageCommand:
    """The ENTRYPOINT and CMD in effect for the image of a stage, as BuildKit sets its config.

    The nearest stage of the FROM chain that sets one wins (its last one). An ENTRYPOINT in a
    stage that sets no CMD itself resets the CMD inherited from its base (``cleared_by``): then
    ``cmd`` is None. ``known`` is False when an ONBUILD CMD/ENTRYPOINT trigger of a stage in the
    chain may change this (it runs in the child stage).
    """

    entrypoint: "Instruction | None"
    cmd: "Instruction | None"
    cleared_by: "Instruction | None"
    known: bool


def image_command(df: "Dockerfile", index: int) -> ImageCommand:
    """The ENTRYPOINT and CMD the image of stage ``index`` runs (see :class:`ImageCommand`);
    None where the base image's own applies or nothing sets one."""
    entry = cmd = cleared = None
    entry_done = cmd_done = False
    known = True
    for k, st in enumerate(df.graph.chain(index)):
        last: dict[str, "Instruction"] = {}
        for ins in st.instructions:
            if ins.keyword in ("CMD", "ENTRYPOINT"):
                last[ins.keyword] = ins
            elif k > 0 and ins.keyword == "ONBUILD" and ins.sub is not None and \
                    ins.sub.keyword in ("CMD", "ENTRYPOINT"):
                known = False
        if not entry_done and "ENTRYPOINT" in last:
            entry, entry_done = last["ENTRYPOINT"], True
        if not cmd_done:
            if "CMD" in last:
                cmd, cmd_done = last["CMD"], True
            elif "ENTRYPOINT" in last:
                cleared, cmd_done = last["ENTRYPOINT"], True
        if entry_done and cmd_done:
            break
    return ImageCommand(entry, cmd, cleared, known)


# ---- keyword case -----------------------------------------------------------------------------

def keyword_counts(df: "Dockerfile") -> tuple[int, int]:
    """(lower, upper): how many instruction keywords of the file (every stage's FROM and every
    instruction in a stage; not global ARGs, not ONBUILD triggers) are written all in lower
    and all in upper case, as BuildKit's ConsistentInstructionCasing counts them."""
    lower = upper = 0
    for stage in df.stages:
        # the implicit stage's FROM (instructions before the first FROM) is not in the file
        for ins in stage.instructions if stage.implicit else (stage.from_, *stage.instructions):
            w = ins.written
            if w == w.lower():
                lower += 1
            elif w == w.upper():
                upper += 1
    return lower, upper


def keyword_case(df: "Dockerfile") -> str:
    """``lower`` when lower-case keywords outnumber upper-case ones, else ``upper`` (a tie
    goes to upper case): the case DK904 asks every keyword to follow."""
    lower, upper = keyword_counts(df)
    return "lower" if lower > upper else "upper"


# ---- instructions BuildKit rejects, Windows stages -------------------------------------------

def build_time_value(df: "Dockerfile", stage: "Stage", ins: "Instruction", word) -> str | None:
    """The value of a shell word of ``ins`` when the build alone decides it: the word as written,
    or with the stage's ARG/ENV values put in; None when it depends on a command substitution
    or on a variable without a value."""
    if not word.dynamic:
        return word.value
    if "$(" in word.raw or "`" in word.raw:
        return None
    return df.expand(word.value, stage.env_before(ins)).value or None


def foreign_instructions(df: "Dockerfile") -> bool:
    """Whether the file selects another frontend (``# syntax=``, see ``Parsed.frontend``) and
    uses instructions BuildKit's Dockerfile frontend does not have (``INCLUDE``): what the
    image gets from those is unknown, so rules about something missing stay quiet."""
    from .syntax import KNOWN_INSTRUCTIONS
    return df.parsed.frontend is not None and \
        any(i.keyword not in KNOWN_INSTRUCTIONS for i in df.instructions)


def has_parse_error(df: "Dockerfile", ins: "Instruction") -> bool:
    """Whether a parse error (DK000) lies inside ``ins``: its words are then not what the author
    meant (``COPY --from stage a b`` reads ``stage`` as a source), so rules leave it alone."""
    span = ins.span
    # an instruction before the first FROM is well formed: it is linted in its implicit stage
    return any((span.start <= e.span.start < span.end or e.span.start == e.span.end == span.start)
               and not e.outside_stage for e in df.errors)


def windows_stage(df: "Dockerfile", stage: "Stage") -> bool:
    """Whether a stage builds a Windows image (see ``Facts.windows``)."""
    return facts_of(df).windows(stage.index)
