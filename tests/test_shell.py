"""Shell analysis: commands with positions out of RUN/CMD text, and back to the Dockerfile."""

from __future__ import annotations

import pytest

from docklint.parse import parse
from docklint.shell import Command, parse_script, script_for
from docklint.source import Source


def cmds(text: str) -> list[tuple[str, list[str]]]:
    return [(c.name, [a.value for a in c.args]) for c in parse_script(text).commands]


def one(text: str, name: str) -> Command:
    (c,) = [c for c in parse_script(text).commands if c.name == name]
    return c


def reds(c: Command) -> list[tuple[str, str | None]]:
    return [(r.op, r.target.value if r.target else None) for r in c.redirects]


# ======================================================================== command lists

def test_lists_and_exact_positions():
    text = "set -eux; apt-get update && apt-get install -qy curl || exit 1"
    s = parse_script(text)
    assert not s.has_error
    assert [(c.name, text[c.start:c.end]) for c in s.commands] == [
        ("set", "set -eux"), ("apt-get", "apt-get update"),
        ("apt-get", "apt-get install -qy curl"), ("exit", "exit 1")]
    install = s.commands[2]
    assert [(a.value, a.start, a.end) for a in install.args] == [
        ("install", 36, 43), ("-qy", 44, 47), ("curl", 48, 52)]
    assert (install.name_word.value, install.name_word.start) == ("apt-get", 28)
    assert all(c.depth == 0 for c in s.commands)


def test_pipelines():
    s = parse_script("echo a | grep b | wc -l; curl -s u |& tee log")
    assert [(c.name, c.pipeline_prev, c.pipeline_next) for c in s.commands] == [
        ("echo", False, True), ("grep", True, True), ("wc", True, False),
        ("curl", False, True), ("tee", True, False)]


def test_subshells_groups_and_substitutions():
    text = "(cd /x && make) ; { a; b; } && echo $(date +%s) \"$(id -u)\" `uname -m`"
    s = parse_script(text)
    assert [c.name for c in s.commands] == ["cd", "make", "a", "b", "date", "id", "uname",
                                            "echo"]
    depth = {c.name: c.depth for c in s.commands}
    assert depth == {"cd": 0, "make": 0, "a": 0, "b": 0, "date": 1, "id": 1, "uname": 1,
                     "echo": 0}
    echo = s.commands[-1]
    assert [(a.value, a.raw, a.dynamic) for a in echo.args] == [
        ("$(date +%s)", "$(date +%s)", True), ("$(id -u)", '"$(id -u)"', True),
        ("`uname -m`", "`uname -m`", True)]
    date = s.commands[4]
    assert text[date.start:date.end] == "date +%s"


def test_compound_statement_bodies():
    text = ("if [ -f x ]; then rm x; elif true; then :; else echo no; fi; "
            "for i in 1 2; do echo $i; done; while read l; do use; done < f; "
            "case $a in x) one;; *) two;; esac; f() { inner; }")
    assert [c.name for c in parse_script(text).commands] == [
        "rm", "true", ":", "echo", "echo", "read", "use", "one", "two", "inner"]


def test_assignments_before_a_command():
    c = one('X=1 Y="$(pwd)" CGO_ENABLED=0 go build ./...', "go")
    assert [a.value for a in c.assignments] == ["X=1", 'Y="$(pwd)"', "CGO_ENABLED=0"]
    assert c.env("CGO_ENABLED") == "0"
    assert c.env("NOPE") is None
    assert [a.value for a in c.args] == ["build", "./..."]
    assert "pwd" in [x.name for x in parse_script('X="$(pwd)" env').commands]


def test_path_qualified_name_is_reduced_to_its_basename():
    c = parse_script("/usr/bin/apt-get -y install x").commands[0]
    assert c.name == "apt-get"
    assert c.name_word.value == "/usr/bin/apt-get"


# ============================================================================ redirects

def test_redirects_bind_to_the_last_command_of_a_list():
    s = parse_script("a && b > out; c >> f 2>&1 && d &> g; e < in")
    assert [(c.name, reds(c)) for c in s.commands] == [
        ("a", []), ("b", [(">", "out")]), ("c", [(">>", "f"), ("2>&", "1")]),
        ("d", [("&>", "g")]), ("e", [("<", "in")])]
    b = s.commands[1]
    assert b.writes_to()[0].value == "out"
    assert [w.value for w in s.commands[2].writes_to()] == ["f"]   # not the 2>&1 dup


def test_redirect_on_a_group_applies_to_all_of_it():
    s = parse_script("{ a; b; } > log 2>&1; while read l; do echo; done < f")
    assert [(c.name, reds(c)) for c in s.commands] == [
        ("a", [(">", "log"), ("2>&", "1")]), ("b", [(">", "log"), ("2>&", "1")]),
        ("read", [("<", "f")]), ("echo", [("<", "f")])]


def test_redirect_is_not_given_to_commands_in_a_substitution():
    s = parse_script("echo $(date) > f")
    assert [(c.name, reds(c)) for c in s.commands] == [("date", []), ("echo", [(">", "f")])]


def test_redirect_before_the_command_name():
    c = parse_script("> f echo hi").commands[0]
    assert (c.name, [a.value for a in c.args], reds(c)) == ("echo", ["hi"], [(">", "f")])


# ============================================================================= heredocs

def test_heredoc_then_more_commands_on_the_marker_line():
    text = "cat <<EOF > f && next arg\nbody $x\nEOF\n"
    s = parse_script(text)
    assert [(c.name, [a.value for a in c.args]) for c in s.commands] == [
        ("cat", []), ("next", ["arg"])]
    cat = s.commands[0]
    assert reds(cat) == [("<<", "EOF"), (">", "f")]
    here = cat.redirects[0]
    assert here.body == "body $x\n"
    assert text[here.body_start:here.body_start + len(here.body)] == here.body
    nxt = s.commands[1]
    assert text[nxt.start:nxt.end] == "next arg"


def test_heredoc_piped_into_a_command():
    s = parse_script("cat <<-EOF | sh\n\techo hi\n\tEOF\n")
    assert [(c.name, c.pipeline_prev, c.pipeline_next) for c in s.commands] == [
        ("cat", False, True), ("sh", True, False)]


def test_shell_reading_its_script_from_a_heredoc():
    text = "bash <<EOF && done\napt-get update\nEOF\n"
    s = parse_script(text)
    assert [(c.name, c.depth) for c in s.commands] == [
        ("bash", 0), ("apt-get", 1), ("done", 0)]
    apt = s.commands[1]
    assert text[apt.start:apt.end] == "apt-get update"
    # a script file reads the heredoc as data
    assert cmds("bash run.sh <<EOF\nnot code\nEOF\n") == [("bash", ["run.sh"])]
    assert cmds("sh -s -- a <<EOF\nls\nEOF\n") == [("sh", ["-s", "--", "a"]), ("ls", [])]


# ================================================================== sh -c / bash -c bodies

def test_sh_c_bodies_with_positions():
    text = "sh -c 'apt-get update && apt-get install -y x'; bash -lc \"curl -s u | sh\""
    s = parse_script(text)
    assert [(c.name, c.depth, text[c.start:c.end]) for c in s.commands] == [
        ("sh", 0, "sh -c 'apt-get update && apt-get install -y x'"),
        ("apt-get", 1, "apt-get update"),
        ("apt-get", 1, "apt-get install -y x"),
        ("bash", 0, 'bash -lc "curl -s u | sh"'),
        ("curl", 1, "curl -s u"),
        ("sh", 1, "sh"),
    ]
    inner = s.commands[2]
    assert [(a.value, text[a.start:a.end]) for a in inner.args] == [
        ("install", "install"), ("-y", "-y"), ("x", "x")]
    assert (s.commands[4].pipeline_next, s.commands[5].pipeline_prev) == (True, True)


def test_sh_c_body_positions_survive_escapes_and_quotes():
    text = 'sh -c "echo \\"a\\" \\$HOME && apt-get install -y x"; sh -c \'a\'"b c"'
    s = parse_script(text)
    got = [(c.name, text[c.start:c.end], [text[a.start:a.end] for a in c.args])
           for c in s.commands if c.depth == 1]
    assert got == [
        ("echo", 'echo \\"a\\" \\$HOME', ['"a\\"', "$HOME"]),
        ("apt-get", "apt-get install -y x", ["install", "-y", "x"]),
        ("ab", "a'\"b c", ["c"]),
    ]


# ================================================================================= words

def test_word_values_and_raw_text():
    text = "echo \"a \\\"b\\\" \\$c \\\\$HOME \\q\" 's q' a\\ b *.txt x$y"
    c = parse_script(text).commands[0]
    assert [(a.value, a.raw, a.dynamic) for a in c.args] == [
        ('a "b" $c \\$HOME \\q', '"a \\"b\\" \\$c \\\\$HOME \\q"', True),
        ("s q", "'s q'", False),
        ("a b", "a\\ b", False),
        ("*.txt", "*.txt", True),
        ("x$y", "x$y", True),
    ]
    for a in c.args:
        assert text[a.start:a.end] == a.raw


def test_unicode_positions_are_characters():
    text = "echo é && ls ü"
    s = parse_script(text)
    ls = s.commands[1]
    assert text[ls.start:ls.end] == "ls ü"
    assert text[ls.args[0].start:ls.args[0].end] == "ü"


# ===================================================================== flags and arguments

@pytest.mark.parametrize("script, flags, expected", [
    ("apt-get install -qy x", ("-y",), True),
    ("apt-get install -qy x", ("-q",), True),
    ("apt-get install -qy x", ("--yes", "-y"), True),
    ("apt-get install -q x", ("-y",), False),
    ("apt-get install --yes x", ("--yes",), True),
    ("apt-get install --assume-yes=true x", ("--assume-yes",), True),
    ("apt-get install --assume-yesno x", ("--assume-yes",), False),
    ("apt-get install -- -y", ("-y",), False),          # after "--": an operand
    ("pip install --no-cache-dir x", ("-n",), False),   # a long flag is not a bundle
    ("tar -xzf a.tgz", ("-z",), True),
])
def test_has_flag(script, flags, expected):
    assert parse_script(script).commands[0].has_flag(*flags) is expected


def test_flag_value_and_positional():
    c = parse_script("curl -o out --retry=3 -fsSL https://x -- -literal").commands[0]
    assert c.flag_value("-o") == "out"
    assert c.flag_value("--retry") == "3"
    assert c.flag_value("--nope") is None
    assert [w.value for w in c.positional()] == ["out", "https://x", "-literal"]
    assert [w.value for w in parse_script("cat - f").commands[0].positional()] == ["-", "f"]


# ============================================================ script_for on instructions

def P(text: str):
    return parse(Source(text))


def spans(text: str, script) -> list[tuple[str, str, list[str]]]:
    out = []
    for c in script.commands:
        span = script.command_span(c)
        out.append((c.name, text[span.start:span.end],
                    [text[script.word_span(a).start:script.word_span(a).end] for a in c.args]))
    return out


def test_script_for_maps_back_across_continuation_lines():
    text = ("FROM a\nRUN --mount=type=cache,target=/x apt-get update \\\n"
            "  # a comment\n && apt-get install -y \\\n      curl\n")
    run = P(text).instructions[1]
    s = script_for(run)
    assert s.text == "apt-get update  && apt-get install -y       curl"
    assert spans(text, s) == [
        ("apt-get", "apt-get update", ["update"]),
        ("apt-get", "apt-get install -y \\\n      curl", ["install", "-y", "curl"]),
    ]
    curl = s.commands[1].args[2]
    assert Source(text).range(s.word_span(curl)) == (5, 7, 5, 11)


def test_script_for_heredoc_bodies_map_into_the_body():
    text = "FROM a\nRUN cat <<EOF > /f && echo done\nhello $x\nEOF\n"
    run = P(text).instructions[1]
    s = script_for(run)
    assert s.text == "cat <<EOF > /f && echo done\nhello $x\nEOF\n"
    cat, echo = s.commands
    assert reds(cat) == [("<<", "EOF"), (">", "/f")]
    here = cat.redirects[0]
    assert here.body == "hello $x\n"
    body = s.span(here.body_start, here.body_start + len(here.body))
    assert text[body.start:body.end] == "hello $x\n"
    assert text[s.span(here.start, here.end).start:s.span(here.start, here.end).end] == "<<EOF"
    assert spans(text, s)[1] == ("echo", "echo done", ["done"])


def test_script_for_heredoc_only_runs_the_body():
    text = "FROM a\nRUN <<EOF\nset -e\napk add \\\n  git\nEOF\n"
    s = script_for(P(text).instructions[1])
    assert s.text == "set -e\napk add \\\n  git\n"
    assert spans(text, s) == [("set", "set -e", ["-e"]),
                              ("apk", "apk add \\\n  git", ["add", "git"])]
    assert Source(text).position(s.command_span(s.commands[1]).start) == (4, 1)


@pytest.mark.parametrize("shebang, is_shell", [
    ("#!/usr/bin/env python3", False),
    ("#!/usr/bin/python3 -u", False),
    ("#!/usr/bin/env pwsh", False),
    ("#!/usr/bin/env -S node --harmony", False),
    ("#!/bin/bash", True),
    ("#!/bin/sh -ex", True),
    ("#!/usr/bin/env bash", True),
    ("#!/usr/bin/env -S bash -e", True),
])
def test_script_for_heredoc_with_a_shebang(shebang, is_shell):
    text = f"FROM a\nRUN <<EOF\n{shebang}\necho hi\nEOF\n"
    s = script_for(P(text).instructions[1])
    if is_shell:
        assert [c.name for c in s.commands] == ["echo"]
    else:
        assert s is None


def test_script_for_heredoc_markers_tree_sitter_cannot_parse():
    text = ("FROM a\n"
            "RUN <<EOF python3 -u\nprint('$(rm -rf /)')\nEOF\n"
            "RUN <<EOF bash\napt-get install x\nEOF\n"
            "RUN cat <<A -n > a && cat 3<<B > b\na\nA\nb\nB\n"
            "RUN <<A <<-\"B\" cat > /f && echo ok\na\nA\n\tb\n\tB\n")
    py, sh, two, lead = (script_for(i) for i in P(text).instructions[1:])
    # the python body is data for python3, not shell code
    assert spans(text, py) == [("python3", "<<EOF python3 -u", ["-u"])]
    assert reds(py.commands[0]) == [("<<", "EOF")]
    assert py.commands[0].redirects[0].body == "print('$(rm -rf /)')\n"
    # a shell reading the body runs it
    assert [(c.name, c.depth) for c in sh.commands] == [("bash", 0), ("apt-get", 1)]
    assert spans(text, sh)[1] == ("apt-get", "apt-get install x", ["install", "x"])
    # two heredocs on a line, words after a marker, fd prefixes
    assert [(c.name, [a.value for a in c.args], reds(c)) for c in two.commands] == [
        ("cat", ["-n"], [("<<", "A"), (">", "a")]),
        ("cat", [], [("3<<", "B"), (">", "b")]),
    ]
    assert [r.body for c in two.commands for r in c.redirects if r.body is not None] == [
        "a\n", "b\n"]
    assert [(c.name, reds(c)) for c in lead.commands] == [
        ("cat", [("<<", "A"), ("<<-", "B"), (">", "/f")]), ("echo", [])]
    chomped = lead.commands[0].redirects[1]
    assert chomped.body == "\tb\n"
    body = lead.span(chomped.body_start, chomped.body_start + len(chomped.body))
    assert text[body.start:body.end] == "\tb\n"


def test_script_for_shell_form_cmd_entrypoint_healthcheck_and_onbuild():
    text = ("FROM a\nCMD echo hi\nENTRYPOINT exec app\n"
            "HEALTHCHECK --interval=5s CMD curl -f http://x || exit 1\n"
            "ONBUILD RUN make \\\n  install\n")
    cmd, ep, hc, ob = (script_for(i) for i in P(text).instructions[1:])
    assert spans(text, cmd) == [("echo", "echo hi", ["hi"])]
    assert spans(text, ep) == [("exec", "exec app", ["app"])]
    assert spans(text, hc) == [("curl", "curl -f http://x", ["-f", "http://x"]),
                               ("exit", "exit 1", ["1"])]
    assert spans(text, ob) == [("make", "make \\\n  install", ["install"])]


def test_script_for_returns_none_where_there_is_no_shell():
    text = ('FROM a\nRUN ["sh", "-c", "x"]\nCMD ["x"]\nHEALTHCHECK NONE\nCOPY a b\n'
            "ENV A=1\nUSER x\n")
    assert [script_for(i) for i in P(text).instructions] == [None] * 7


def test_script_for_shell_fed_from_a_heredoc_with_redirects():
    text = "FROM a\nRUN bash <<EOF > log 2>&1\napt-get update\nEOF\n"
    s = script_for(P(text).instructions[1])
    assert [(c.name, c.depth, reds(c)) for c in s.commands] == [
        ("bash", 0, [("<<", "EOF"), (">", "log"), ("2>&", "1")]),
        ("apt-get", 1, []),
    ]
    assert spans(text, s)[1] == ("apt-get", "apt-get update", ["update"])


def test_syntax_errors_are_marked_not_fatal():
    s = parse_script('echo "unterminated && ls')
    assert s.has_error
    assert not parse_script("echo ok").has_error


# ================================================================ variables and assignments

def names(text: str) -> list[tuple[str, str, str, int]]:
    s = parse_script(text)
    return [(v.name, text[v.start:v.end], v.modifier, v.depth) for v in s.variables]


def test_parameter_expansions_with_positions():
    text = ('echo $A "${B:-x}" \'$C\' ${#D} ${!E} ${F[0]} $1 $@ ${#} $(( G + $H )) '
            '"$(echo $I)" ${J/a/b} `echo $K`')
    assert names(text) == [
        ("A", "$A", "", 0), ("B", "${B:-x}", ":-", 0), ("D", "${#D}", "#", 0),
        ("E", "${!E}", "!", 0), ("F", "${F[0]}", "", 0), ("H", "$H", "", 0),
        ("I", "$I", "", 0), ("J", "${J/a/b}", "/", 0), ("K", "$K", "", 0)]


def test_inner_shell_scripts_are_scanned_at_their_place():
    text = "sh -c 'echo $A; B=1' && bash -c \"echo $C \\$D\""
    assert names(text) == [("A", "$A", "", 1), ("C", "$C", "", 0), ("D", "$D", "", 1)]
    assert parse_script(text).assigned == {"B": 16}


def test_heredoc_bodies_expand_unless_the_delimiter_is_quoted():
    text = "cat <<EOF\n$U ${V}\nEOF\ncat <<'EOF'\n$W\nEOF\n"
    assert [n[0] for n in names(text)] == ["U", "V"]


def test_script_assignments():
    text = ("export J=1 K; read -r L M; for N in a; do :; done; local O; declare -x P=2; "
            "unset Q; R=1 cmd; readonly S; getopts ab T; printf -v X '%s' y; mapfile -t Y < f; "
            "let Z=1; arr=(1 2); A2+=x")
    assigned = parse_script(text).assigned
    assert sorted(assigned) == sorted("J K L M N O P Q R S T X Y Z arr A2".split())
    assert text[assigned["L"]] == "L"
    assert "-r" not in assigned and "ab" not in assigned


def test_script_for_variables_map_to_the_dockerfile():
    text = ("FROM a\nRUN cat <<EOF > /x && echo $Z\nhello $A '$B'\nEOF\n"
            "RUN <<'EOF' sh -c 'echo $Q'\n$R\nEOF\n"
            "RUN <<EOF\necho $S\nEOF\n")
    src = Source(text)
    got = []
    for ins in parse(src).instructions[1:]:
        script = script_for(ins)
        got.append([(v.name, text[script.span(v.start, v.end).start:
                                  script.span(v.start, v.end).end]) for v in script.variables])
    assert got == [[("Z", "$Z"), ("A", "$A"), ("B", "$B")], [("Q", "$Q")], [("S", "$S")]]


def test_command_substitution_depth_and_subshells():
    script = parse_script('x="$(dpkg --print-architecture | awk -F- \'{print $NF}\')"; '
                          '(cd sub && make); echo $(date) "$(id -u)"')
    assert [(c.name, c.depth, c.subshell, c.pipeline_next) for c in script.commands] == [
        ("dpkg", 1, False, True), ("awk", 1, False, False), ("cd", 0, True, False),
        ("make", 0, True, False), ("date", 1, False, False), ("id", 1, False, False),
        ("echo", 0, False, False)]


def test_a_pathological_script_is_given_up_on(monkeypatch):
    """tree-sitter-bash's error recovery is quadratic on a long word of `-` with a stray `)`
    (64 KB would take tens of seconds): the parse is cancelled after PARSE_SECONDS and the
    script marked as not understood, and the parser still works for the next script."""
    from docklint import shell
    monkeypatch.setattr(shell, "PARSE_SECONDS", 0.05)
    dashes = "-" * 32000
    bad = shell.parse_script(f"x {dashes}){dashes}")
    assert bad.has_error and bad.commands == []
    good = shell.parse_script("apt-get install -y curl && " + "echo " + "a" * 5000)
    assert [c.name for c in good.commands] == ["apt-get", "echo"] and not good.has_error


@pytest.mark.parametrize("words, expected", [
    (["/bin/bash", "-o", "pipefail", "-c"], ("bash", ["-o", "pipefail", "-c"])),
    (["/usr/bin/env", "bash", "-e"], ("bash", ["-e"])),
    (["/usr/bin/env", "-S", "A=1", "sh", "-c"], ("sh", ["-c"])),
    (["env", "-i"], ("", [])),
    (["busybox", "sh"], ("busybox", ["sh"])),
    ([], ("", [])),
])
def test_program_of(words, expected):
    from docklint.shell import program_of
    assert program_of(words) == expected


@pytest.mark.parametrize("text, tested", [
    ("if a | grep -q x; then b | c; fi", {"a": True, "grep": True, "b": False, "c": False}),
    ("while a | read l; do g | h; done", {"a": True, "read": True, "g": False, "h": False}),
    ("if x; then :; elif c | d; then e; fi", {"x": True, ":": False, "c": True, "d": True, "e": False}),
    ("a | b || d", {"a": True, "b": True, "d": False}),
    ("a | b && c || d", {"a": True, "b": True, "c": True, "d": False}),
    ("x && a | b", {"x": False, "a": False, "b": False}),
    ("! a | b; e | f", {"a": True, "b": True, "e": False, "f": False}),
    ("{ a | b; } || true", {"a": True, "b": True, "true": False}),
    ("sh -c 'a | b || c'", {"sh": False, "a": True, "b": True, "c": False}),
])
def test_commands_whose_status_is_tested(text, tested) -> None:
    script = parse_script(text)
    assert {c.name: c.tested for c in script.commands} == tested
