"""What puts a CA bundle into an image: the base, copies of certificate paths (or of a staged
root filesystem holding them), installed packages, ``SSL_CERT_*`` pointing at copied files;
and what makes docklint unsure (:func:`ca_doubts`): steps it cannot read, package lists it
cannot resolve, packages it does not know, trees copied in whole, a bundle given at run time."""

from __future__ import annotations

import posixpath
import re
from docklint.record import record
TYPE_CHECKING = False   # typing.TYPE_CHECKING without importing typing (3 ms of each start)

from docklint.lazyre import lazy
from ..model import Stage
from ..source import Span
from ..syntax import Instruction
from ._core import _norm, memo
from .files import _is_file_output, edge_of

if TYPE_CHECKING:
    from . import Facts

__all__ = ["CaSource", "CaDoubt", "CA_PATHS", "CA_FILE_NAMES", "CA_PACKAGES", "ca_sources",
           "ca_doubts", "stage_has_ca", "installs_ca", "opaque_steps"]

CA_PATHS = ("/etc/ssl/certs", "/etc/ssl/cert.pem", "/etc/pki/tls/certs", "/etc/pki/tls/cert.pem",
            "/etc/pki/ca-trust", "/etc/ca-certificates", "/usr/share/ca-certificates",
            "/usr/local/share/ca-certificates")
CA_FILE_NAMES = ("ca-certificates.crt", "ca-bundle.crt", "cacert.pem", "cert.pem",
                 "ca-bundle.pem", "tls-ca-bundle.pem")
CA_PACKAGES = ("ca-certificates", "ca-certificates-bundle", "ca_root_nss")
# where the usual TLS libraries look for the bundle (Debian/Alpine, Fedora/RHEL, OpenSSL's)
_BUNDLE_FILES = ("/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt",
                 "/etc/ssl/cert.pem")
# Debian packages whose Depends chain reaches ca-certificates (checked on bookworm: ruby ->
# ruby3.1 -> rubygems-integration, python3-pip, nodejs, r-base-core, the JREs...): installing
# one brings the bundle, recommends or not. By name prefix. Not a complete list: a package
# docklint knows nothing about only makes the verdict uncertain (see _NO_CA_*).
_DEPENDS_CA = ("ca-certificates-java", "python3-certifi", "python3-requests", "python3-pip",
               "python3-venv", "python3-httplib2", "default-jre", "default-jdk", "openjdk-",
               "nodejs", "npm", "libnode", "ruby", "libruby", "rake", "r-base",
               "libwww-perl", "liblwp-protocol-https-perl", "software-properties-common")
# Debian packages whose Recommends (theirs or their dependencies') include ca-certificates:
# they bring it unless `--no-install-recommends` (by name prefix; checked on bookworm)
_PULLS_CA = ("curl", "wget", "git", "libcurl", "python3", "apache2", "postgresql-common",
             "ffmpeg", "libvips", "supervisor", "cron", "logrotate", "chromium", "rustc",
             "cargo", "libglib2.0-dev", "xdg-utils", "nfs-common")
# Debian packages known NOT to bring ca-certificates, even with their recommends (their
# Depends and Recommends closures, beyond what every Debian image has, lack it: checked on
# bookworm); installing one says nothing. Any other package might.
_NO_CA_AT_ALL = frozenset("""
tzdata netbase locales procps tini dumb-init gosu bash less file unzip zip xz-utils bzip2 zstd
tar gzip cpio rsync patch make gcc g++ build-essential pkg-config autoconf bison flex binutils
dpkg-dev perl gawk bc jq sqlite3 socat numactl iproute2 kmod dbus sudo gnupg gpg dirmngr sq
openssl apt-transport-https p11-kit gettext-base lsb-release media-types shared-mime-info
libc6 libc6-dev libc-bin libstdc++6 libgcc-s1 libgomp1 libatomic1 libssl3 libssl-dev libpq5
libmariadb3 libicu72 libsqlite3-0 libsqlite3-dev zlib1g zlib1g-dev libjemalloc2 libunwind8
libtcmalloc-minimal4 libffi8 libffi-dev libgmp10 libgmp-dev libyaml-0-2 libyaml-dev libxml2
libxml2-dev libxslt1.1 libxslt-dev libreadline8 libreadline-dev libncurses6 libncurses-dev
libncurses5 libncurses5-dev libncursesw5-dev libbz2-1.0 libbz2-dev liblzma5 liblzma-dev
libzstd1 libzstd-dev libpcre3 libpcre2-8-0 libpcre2-dev libsodium23 libsodium-dev libargon2-1
libargon2-dev libonig5 libonig-dev libgdbm-dev libgdbm-compat-dev libdb-dev libuuid1 uuid-dev
libexpat1 libevent-2.1-7 libhiredis0.14 libmaxminddb0 libgeoip1 libkrb5-3 libgssapi-krb5-2
libldap-2.5-0 libsasl2-2 libsasl2-modules libgnutls30 libmagic1 libcap2-bin libgrpc29
libmongoc-1.0-0 libgeos-c1v5 libopenblas0 libpython3.11 tk-dev libfreetype6 libfontconfig1
fontconfig fonts-dejavu-core fonts-symbola hicolor-icon-theme libpng16-16 libjpeg62-turbo
imagemagick ghostscript poppler-utils libnss3 libxrender1 libxext6 libxi6 libxtst6 libxss1
libxcursor1 libxcomposite1 libx11-xcb1 libx11-xcb-dev libsm6 libxt6 libxkbfile1 libasound2
libasound2-dev alsa-utils libpulse0 libgtk-3-0 libgtk2.0-0 libv4l-0 libdbus-glib-1-2
libcanberra-gtk-module libgl1-mesa-dri libgl1-mesa-glx mesa-utils libnss-wrapper libmnl-dev
libelf-dev libclang-dev liblua5.3-dev liblua5.4-dev libbluetooth-dev iperf xvfb
libio-socket-ssl-perl libnet-ssleay-perl
postgresql-client default-mysql-client redis-tools netcat-openbsd iputils-ping dnsutils vim
nano htop nginx nginx-light apache2-utils openssh-client php-cli golang-go
""".split())
# known not to bring it when their recommends are left out (`--no-install-recommends`)
_NO_CA_DEPENDS = _NO_CA_AT_ALL | frozenset("""
curl wget git git-lfs libcurl4 libcurl3-gnutls libcurl4-openssl-dev python3 python3-minimal
python3.11 apache2 apache2-dev postgresql-common libglib2.0-dev xdg-utils nfs-common ffmpeg
libvips42 supervisor cron logrotate chromium rustc cargo
""".split())
# commands that run what docklint cannot see into: a script, a build system, configuration
# management, an installer piped into a shell
_OPAQUE = {"make", "ansible", "ansible-playbook", "chef-client", "chef-solo", "puppet",
           "salt-call", "eval", "source", ".", "just", "task", "invoke", "nix-env", "brew"}
_PACKAGE_FILES = {"dpkg": ("-i", "--install"), "rpm": ("-i", "-U", "--install", "--upgrade")}
_SHELLS = {"sh", "bash", "ash", "dash", "zsh", "ksh"}
# variables that tell TLS libraries where the bundle is
_CERT_VARS = ("SSL_CERT_FILE", "SSL_CERT_DIR", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE",
              "NODE_EXTRA_CA_CERTS", "GRPC_DEFAULT_SSL_ROOTS_FILE_PATH")
# a local archive ADD unpacks
_ARCHIVE = lazy(r"\.(?:tar|tgz|tbz2?|txz|tzst|tar\.(?:gz|bz2|xz|zst))$", re.I)
# words of a RUN that writes CA certificates somewhere
_CA_WORDS = lazy(r"ca-certificates|ca_root_nss|/etc/ssl|/etc/pki|cacert|ca-bundle|"
                       r"update-ca-certificates|\bcerts?\b", re.I)


@record(frozen=True)
class CaSource:
    """Something that puts a CA bundle into an image."""

    instruction: Instruction
    span: Span
    description: str


@record(frozen=True)
class CaDoubt:
    """Something that may put a CA bundle into an image (or hand one to it at run time)
    where docklint cannot tell: ``reason`` completes "unless ...", e.g. "the RUN at line 5,
    which docklint cannot read, installs one"."""

    instruction: Instruction
    reason: str

    @property
    def line(self) -> int:
        return self.instruction.line


def _apt(cmd) -> bool:
    """Whether ``cmd`` runs apt (through a wrapper such as sudo or xargs too)."""
    from ..packages import parse
    pc = parse(cmd)
    return pc is not None and pc.family == "apt"


def _brings_ca(name: str, no_recommends: bool) -> bool:
    """Whether installing the Debian package ``name`` is known to bring ca-certificates."""
    return name in CA_PACKAGES or name.startswith(_DEPENDS_CA) or (
        not no_recommends and name.startswith(_PULLS_CA))


def _name(package: str) -> str:
    return re.split(r"[=<>~:]", package, maxsplit=1)[0]


def installs_ca(facts: "Facts", stage: Stage) -> CaSource | None:
    """The install in ``stage`` that brings in CA certificates (the package, or a Debian
    package that depends on it, or recommends it without ``--no-install-recommends``), or
    None. Shell-form and exec-form RUNs; ARG/ENV values in the package list expanded."""
    for ins, script, cmd in facts.run_commands(stage):
        pkgs, _readable = facts.package_words(stage, ins, cmd)
        span = script.command_span(cmd) if not ins.effective.json else ins.span
        apt = _apt(cmd)
        for p in pkgs:
            name = _name(p)
            if name in CA_PACKAGES:
                return CaSource(ins, span, f"installs {name}")
        if apt and pkgs:
            for p in pkgs:
                if _name(p).startswith(_DEPENDS_CA):
                    return CaSource(ins, span, f"installs {_name(p)}, which depends on "
                                    "ca-certificates")
            if not cmd.has_flag("--no-install-recommends"):
                for p in pkgs:
                    if _name(p).startswith(_PULLS_CA):
                        return CaSource(ins, span, f"installs {_name(p)}, which pulls in "
                                        "ca-certificates")
    return None


def ca_sources(facts: "Facts", index: int) -> list[CaSource]:
    """What brings a CA bundle into the image of stage ``index`` (its whole chain)."""
    cache = memo(facts, "_ca_sources")
    if index in cache:
        return cache[index]
    cache[index] = []           # a stage that copies from itself (a cycle) finds nothing
    out: list[CaSource] = []
    for stage in facts.df.graph.chain(index):
        cert_env: list[tuple[Instruction, str]] = []
        for ins in stage.instructions:
            if ins.keyword in ("COPY", "ADD"):
                srcs, dest = facts.copy_paths(ins)
                for p in [*srcs, dest or ""]:
                    if _is_ca_path(p):
                        out.append(CaSource(ins, ins.span, f"copies {p}"))
                        break
                else:
                    if _whole_etc(facts, ins, srcs, dest, image=True):
                        out.append(CaSource(ins, ins.span, "copies /etc from another image"))
            elif ins.keyword == "ENV":
                for key, value, _ in ins.pairs():
                    if key.value in ("SSL_CERT_FILE", "SSL_CERT_DIR"):
                        cert_env.append((ins, value.value.strip("\"'")))
        ca = facts.installs_ca(stage)
        if ca:
            out.append(ca)
        for ins, path in cert_env:
            for other in stage.instructions:
                if other.keyword in ("COPY", "ADD"):
                    _, dest = facts.copy_paths(other)
                    if dest and (dest == path or (dest.endswith("/") and
                                                  path.startswith(dest))):
                        out.append(CaSource(ins, ins.span, f"SSL_CERT_* points at {path}"))
    for verdict, ins, text in _tree_copies(facts, index):
        if verdict == "yes":
            out.append(CaSource(ins, ins.span, text))
    cache[index] = out
    return out


def ca_doubts(facts: "Facts", index: int) -> list[CaDoubt]:
    """What may give the image of stage ``index`` a CA bundle where docklint cannot tell: a
    RUN it cannot read (:func:`opaque_steps`), a package list it cannot resolve (``$PKGS``
    unset, ``$(cat list)``, ``xargs apt-get install``), a Debian package it does not know NOT
    to bring ca-certificates, a tree copied in whole (``COPY --from=build /rootfs/ /``) that
    may hold one, or a bundle handed over at run time (``VOLUME /etc/ssl/certs``,
    ``SSL_CERT_FILE`` naming a file the image does not hold); and a build context larger
    than docklint reads, in which a file it did not read may compile root certificates into
    the program (:func:`docklint.facts.evidence.roots_unread`)."""
    cache = memo(facts, "_ca_doubts")
    if index in cache:
        return cache[index]
    out = [CaDoubt(ins, f"the RUN at line {ins.line}, which docklint cannot read, installs "
                   "one") for ins in opaque_steps(facts, index)]
    seen = {id(d.instruction) for d in out}
    base = facts.base_facts(index)
    debian = base is not None and (base.family or "") in ("debian", "ubuntu")
    for stage in facts.df.graph.chain(index):
        for ins, _script, cmd in facts.run_commands(stage):
            if id(ins) in seen:
                continue
            pkgs, readable = facts.package_words(stage, ins, cmd)
            if not readable:
                unread = [p for p in pkgs if "$" in p or "`" in p]
                what = f"`{unread[0]}`" if unread else "its input"
                out.append(CaDoubt(ins, f"the packages the RUN at line {ins.line} installs "
                                   f"from {what}, which docklint cannot read, include it"))
                seen.add(id(ins))
                continue
            if not debian or not pkgs or not _apt(cmd):
                continue
            no_recommends = cmd.has_flag("--no-install-recommends")
            known = _NO_CA_DEPENDS if no_recommends else _NO_CA_AT_ALL
            unknown = [_name(p) for p in pkgs if _name(p) not in known and
                       not p.startswith("-") and not _brings_ca(_name(p), no_recommends)]
            if unknown:
                what = f"`{unknown[0]}`, installed at line {ins.line}," if len(unknown) == 1 \
                    else f"one of the packages installed at line {ins.line} ({_list(unknown)})"
                out.append(CaDoubt(ins, f"{what} pulls it in"))
                seen.add(id(ins))
    for verdict, ins, text in _tree_copies(facts, index):
        if verdict == "maybe" and id(ins) not in seen:
            out.append(CaDoubt(ins, text))
            seen.add(id(ins))
    out += _runtime_bundle(facts, index)
    from .evidence import roots_unread
    unread = roots_unread(facts, index)
    if unread is not None and id(unread) not in seen:
        out.append(CaDoubt(unread, f"a file the {unread.keyword} at line {unread.line} copies, "
                           "beyond the part of the build context docklint reads, compiles "
                           "root certificates into the program"))
    out.sort(key=lambda d: d.instruction.index if facts.df.stage_of(d.instruction) is None
             else (facts.df.stage_of(d.instruction).index, d.instruction.index))
    cache[index] = out
    return out


def _list(names: list[str]) -> str:
    shown = ", ".join(f"`{n}`" for n in names[:3])
    return shown + (f" and {len(names) - 3} more" if len(names) > 3 else "")


def _runtime_bundle(facts: "Facts", index: int) -> list[CaDoubt]:
    """A bundle the Dockerfile says comes at run time: a VOLUME on a CA path, or a variable
    that tells TLS libraries where the bundle is naming a file nothing in the image puts
    there (a mounted secret, ``/run/secrets/ca.pem``)."""
    out: list[CaDoubt] = []
    for stage in facts.df.graph.chain(index):
        for ins in stage.instructions:
            if ins.keyword == "VOLUME":
                for w in ins.args:
                    path = w.value.strip("\"'")
                    if path and (_is_ca_path(path) or _norm(path) in ("/etc", "/etc/ssl",
                                                                       "/etc/pki")):
                        out.append(CaDoubt(ins, f"a volume mounted at {path} (line "
                                           f"{ins.line}) provides one at run time"))
                        break
            elif ins.keyword == "ENV":
                env = stage.env_before(ins)
                for key, value, _ in ins.pairs():
                    if key.value not in _CERT_VARS:
                        continue
                    path = (facts.df.expand(value.value, env).value or "").strip("\"'")
                    norm = _norm(path)
                    if not path.startswith("/") or norm in ("/etc/ssl", "/etc/pki") or \
                            any(norm == c or norm.startswith(c + "/") for c in CA_PATHS):
                        continue       # the usual place: it says nothing
                    if facts.provider(index, path) is None:
                        out.append(CaDoubt(ins, f"{path}, which {key.value} names (line "
                                           f"{ins.line}) and nothing in the image puts "
                                           "there, is mounted at run time"))
    return out


def _tree_copies(facts: "Facts", index: int) -> list[tuple[str, Instruction, str]]:
    """The COPY/ADDs in the chain of stage ``index`` that copy a whole tree over the place
    of the CA bundle (``COPY --from=build /rootfs/ /``, ``COPY rootfs/ /``, ``ADD
    rootfs.tar.gz /``), with a verdict: ``yes`` (the stage that built the tree puts CA
    certificates in it; the build context has one there), ``maybe`` (docklint cannot tell),
    and a text (for ``yes`` a source description, for ``maybe`` a doubt's reason)."""
    cache = memo(facts, "_ca_tree_copies")
    if index in cache:
        return cache[index]
    cache[index] = []
    out: list[tuple[str, Instruction, str]] = []
    done: set[int] = set()
    own: dict[int, bool] = {}      # per instruction: a CA source of its own (ca_sources)
    for p in facts.placed(index):
        ins = p.instruction
        if id(ins) in done or p.kind in ("url", "heredoc"):
            continue
        if id(ins) not in own:
            srcs, dest = facts.copy_paths(ins)
            own[id(ins)] = any(_is_ca_path(s) for s in srcs) or _is_ca_path(dest or "") or \
                _whole_etc(facts, ins, srcs, dest, image=True)
        if own[id(ins)]:
            continue            # a source of its own (ca_sources)
        if not any(p.may_provide(path, _is_file_output(facts, p)) for path in _BUNDLE_FILES) or \
                (p.source and _looks_like_file(p.source)):
            continue
        if p.kind == "image" and p.resolved:
            continue            # a file or directory of another image, not /etc: say nothing
        done.add(id(ins))
        where = f"the {ins.keyword} at line {ins.line}"
        src = p.source or "a path docklint cannot resolve"
        if not p.resolved:
            out.append(("maybe", ins, f"{where}, which copies {src} to {p.dest}, brings one"))
            continue
        if p.kind == "context":
            found = None if ins.keyword == "ADD" and _ARCHIVE.search(src) else \
                _context_bundle(facts, ins, p)
            if found is True:
                out.append(("yes", ins, f"copies {src} from the build context, with CA "
                            "certificates in it"))
            elif found is None:
                out.append(("maybe", ins, f"{where}, which copies {src} to {p.dest}, brings "
                            "one"))
            continue
        if p.kind == "stage" and p.from_stage is not None:
            writer = _stage_puts_ca(facts, p.from_stage, p.source)
            if writer is not None:
                out.append(("yes", ins, f"copies {src} of a stage whose {writer.keyword} at "
                            f"line {writer.line} puts CA certificates there"))
            else:
                out.append(("maybe", ins, f"{where}, which copies {src} of another stage "
                            f"to {p.dest}, brings one"))
    cache[index] = out
    return out


def _whole_etc(facts: "Facts", ins: Instruction, srcs: list[str], dest: str | None,
               image: bool) -> bool:
    """Whether ``ins`` copies a whole ``/`` or ``/etc`` from another image (``image``) or
    stage (not ``image``) over the image's ``/`` or ``/etc``."""
    if ins.flag("from") is None or dest not in ("/", "/etc", "/etc/") or \
            not any(s.rstrip("/") in ("", "/etc") for s in srcs):
        return False
    edge = edge_of(facts, ins)
    from_stage = edge is not None and edge.target is not None
    return from_stage != image


_FILES_IN_ETC = {"passwd", "group", "shadow", "gshadow", "hosts", "hostname", "localtime",
                 "timezone", "os-release", "services", "protocols", "machine-id", "profile",
                 "environment", "sudoers", "issue", "motd", "subuid", "subgid"}


def _looks_like_file(src: str) -> bool:
    """Whether a copy source names a file by its look: a name with an extension
    (``app.tar``, ``nsswitch.conf``), or a file every /etc has (``/etc/passwd``)."""
    if src.endswith(("/", "/.")) or src in (".", "/") or any(c in src for c in "*?["):
        return False
    name = posixpath.basename(src)
    return name in _FILES_IN_ETC or ("." in name.lstrip(".") and not _ARCHIVE.search(name))


def _stage_puts_ca(facts: "Facts", index: int, source: str) -> Instruction | None:
    """The instruction of stage ``index``'s chain that puts CA certificates under the tree
    ``source`` (a RUN that names the tree and certificates: ``cp /etc/ssl/certs/... 
    /rootfs/etc/ssl/certs/``, ``apk add --root /rootfs ca-certificates``; a COPY of
    certificates into it); for ``/`` or ``/etc``, whether that image has a bundle at all."""
    src = _norm(source) if source.startswith("/") else source.rstrip("/")
    if src in ("/", "/etc"):
        stage = facts.df.stages[index]
        if facts.stage_has_ca(index):
            return stage.from_
        return None
    for stage in facts.df.graph.chain(index):
        for ins in stage.instructions:
            if ins.keyword == "RUN":
                text = ins.original
                if src in text and _CA_WORDS.search(text):
                    return ins
            elif ins.keyword in ("COPY", "ADD"):
                srcs, dest = facts.copy_paths(ins)
                if dest and (_norm(dest) + "/").startswith(src.rstrip("/") + "/") and \
                        (any(_is_ca_path(s) for s in srcs) or
                         _is_ca_path("/" + _norm(dest)[len(src):].lstrip("/"))):
                    return ins
    return None


def _context_bundle(facts: "Facts", ins: Instruction, p) -> bool | None:
    """Whether a tree copied from the build context puts a file at a CA path (None: no
    context to look at, or more of it than docklint walks)."""
    if facts.df.context is None:
        return None
    from ..context import context_for
    from .evidence import _landing
    ctx = context_for(facts.df.context, facts.df.path)
    seen = False
    for rel, _path in ctx.files(p.source):
        seen = True
        if _is_ca_path(_landing(p.source, rel, p.dest + "/")):
            return True
    # a listing cut short (a context of more files than docklint walks) proves no absence
    return False if seen and ctx.complete(p.source) else None


def opaque_steps(facts: "Facts", index: int) -> list[Instruction]:
    """The RUN instructions in the chain of stage ``index`` that run something docklint
    cannot see into, which may install a CA bundle: a script (``./install.sh``,
    ``bash setup.sh``, ``curl ... | sh``), a build or configuration tool (make, ansible...),
    a package file (``dpkg -i``), a command named by a variable, or a RUN whose script
    docklint does not parse (another interpreter). An exec-form RUN is read from its words
    (``RUN ["apt-get", "install", "-y", "ca-certificates"]``)."""
    out = []
    for stage in facts.df.graph.chain(index):
        for ins in stage.instructions:
            if ins.keyword != "RUN":
                continue
            script = facts.script(ins) if not ins.effective.json else \
                facts.exec_script(ins)
            if script is None:
                out.append(ins)
                continue
            if any(_opaque(cmd) for cmd in script.commands):
                out.append(ins)
    return out


def _opaque(cmd) -> bool:
    name = cmd.name
    word = cmd.name_word.value if cmd.name_word is not None else name
    if not name or "$" in word:
        return True
    if name in _OPAQUE:
        return True
    if name in _PACKAGE_FILES:
        return cmd.has_flag(*_PACKAGE_FILES[name])
    if name.endswith((".sh", ".bash", ".py", ".pl", ".rb")):
        return True
    if "/" in word and not word.startswith(("/bin/", "/usr/bin/", "/sbin/", "/usr/sbin/",
                                            "/usr/local/bin/", "/usr/local/sbin/")):
        return True                 # ./configure, /tmp/setup, /opt/tool/install
    if name in _SHELLS:
        pos = [a for a in cmd.args if not a.value.startswith("-")]
        if cmd.pipeline_prev:
            return True             # curl ... | sh
        if "-c" in [a.value for a in cmd.args]:
            return False            # its script is analysed as commands of its own
        return bool(pos)            # sh setup.sh
    return False


def stage_has_ca(facts: "Facts", index: int) -> bool:
    """Whether the image of stage ``index`` has a CA bundle: from its base, or something in
    its chain brings one in."""
    base = facts.base_facts(index)
    return bool(base and base.has_ca_certs) or bool(facts.ca_sources(index))


def _is_ca_path(path: str) -> bool:
    if not path:
        return False
    norm = path.rstrip("/") or "/"
    if norm in ("/etc/ssl", "/etc/pki"):
        return True
    if any(norm == p or norm.startswith(p + "/") for p in CA_PATHS):
        return True
    return posixpath.basename(norm) in CA_FILE_NAMES
