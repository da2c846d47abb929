"""What puts a CA bundle into an image: the base, copies of certificate paths, installed
packages, ``SSL_CERT_*`` pointing at copied files."""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..model import Stage
from ..source import Span
from ..syntax import Instruction

if TYPE_CHECKING:
    from . import Facts

__all__ = ["CaSource", "CA_PATHS", "CA_FILE_NAMES", "CA_PACKAGES", "ca_sources",
           "stage_has_ca", "installs_ca", "opaque_steps"]

CA_PATHS = ("/etc/ssl/certs", "/etc/ssl/cert.pem", "/etc/pki/tls/certs", "/etc/pki/tls/cert.pem",
            "/etc/pki/ca-trust", "/etc/ca-certificates", "/usr/share/ca-certificates",
            "/usr/local/share/ca-certificates")
CA_FILE_NAMES = ("ca-certificates.crt", "ca-bundle.crt", "cacert.pem", "cert.pem",
                 "ca-bundle.pem", "tls-ca-bundle.pem")
CA_PACKAGES = ("ca-certificates", "ca-certificates-bundle", "ca_root_nss")
# Debian packages whose Recommends/Depends pull in ca-certificates
_PULLS_CA = ("curl", "wget", "openssl", "git", "gnupg", "apt-transport-https", "python3-pip",
             "python3-requests", "ca-certificates-java", "default-jre", "default-jdk",
             "openjdk", "nodejs", "npm", "libcurl4", "libssl")
# Debian packages that depend on ca-certificates outright (recommends or not)
_DEPENDS_CA = ("ca-certificates-java", "python3-certifi", "python3-requests", "default-jre",
               "default-jdk", "openjdk-")
# commands that run what docklint cannot see into: a script, a build system, configuration
# management, an installer piped into a shell
_OPAQUE = {"make", "ansible", "ansible-playbook", "chef-client", "chef-solo", "puppet",
           "salt-call", "eval", "source", ".", "just", "task", "invoke", "nix-env", "brew"}
_PACKAGE_FILES = {"dpkg": ("-i", "--install"), "rpm": ("-i", "-U", "--install", "--upgrade")}
_SHELLS = {"sh", "bash", "ash", "dash", "zsh", "ksh"}


@dataclass(frozen=True)
class CaSource:
    """Something that puts a CA bundle into an image."""

    instruction: Instruction
    span: Span
    description: str


def installs_ca(facts: "Facts", stage: Stage) -> CaSource | None:
    """The install in ``stage`` that brings in CA certificates (the package, or a Debian
    package that pulls it in), or None."""
    for ins, script, cmd in facts.commands(stage):
        pkgs = facts.installs(cmd)
        for p in pkgs:
            name = re.split(r"[=<>~]", p, maxsplit=1)[0]
            if name in CA_PACKAGES:
                return CaSource(ins, script.command_span(cmd), f"installs {name}")
        if cmd.name in ("apt-get", "apt") and pkgs:
            for p in pkgs:
                if p.startswith(_DEPENDS_CA):
                    return CaSource(ins, script.command_span(cmd),
                                    f"installs {p}, which depends on ca-certificates")
        if cmd.name in ("apt-get", "apt") and pkgs and \
                not cmd.has_flag("--no-install-recommends"):
            for p in pkgs:
                if p.startswith(_PULLS_CA):
                    return CaSource(ins, script.command_span(cmd),
                                    f"installs {p}, which pulls in ca-certificates")
    return None


def ca_sources(facts: "Facts", index: int) -> list[CaSource]:
    """What brings a CA bundle into the image of stage ``index`` (its whole chain)."""
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
                    if ins.flag("from") is not None and dest in ("/", "/etc", "/etc/") and \
                            any(s.rstrip("/") in ("", "/etc") or s == "/" for s in srcs):
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
    return out


def opaque_steps(facts: "Facts", index: int) -> list[Instruction]:
    """The RUN instructions in the chain of stage ``index`` that run something docklint
    cannot see into, which may install a CA bundle: a script (``./install.sh``,
    ``bash setup.sh``, ``curl ... | sh``), a build or configuration tool (make, ansible...),
    a package file (``dpkg -i``), a command named by a variable, or a RUN whose script
    docklint does not parse (exec form, another interpreter)."""
    out = []
    for stage in facts.df.graph.chain(index):
        for ins in stage.instructions:
            if ins.keyword != "RUN":
                continue
            script = facts.script(ins)
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
