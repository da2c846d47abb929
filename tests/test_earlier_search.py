"""packages.earlier_search over one RUN of thousands of commands: each use is judged by what
comes before it in its own script (found once per script by a binary search, not by searching
the script again for each use), with the same answers as searching the text before each use."""

from __future__ import annotations

from docklint.engine import Settings, lint_text

CONFIG = "echo 'APT::Install-Recommends \"false\";' > /etc/apt/apt.conf.d/99norecommends"


def dk405_lines(text: str) -> list[tuple[int, int]]:
    found = lint_text(text, settings=Settings(select=["DK405"])).findings
    places = []
    for f in found:
        places.append((f.line, f.column))
        places += [(line, column) for line, column, *_ in f.related_positions]
    return sorted(places)


def test_uses_before_and_after_the_configuration_in_one_long_run():
    installs = [f"apt-get install -y pkg{n}=1" for n in range(600)]
    script = " && \\\n    ".join(installs[:300] + [CONFIG] + installs[300:])
    text = f"FROM debian:12\nRUN apt-get update && \\\n    {script}\n"
    places = dk405_lines(text)
    # the 300 installs before the configuration are reported (one merged finding), none after
    assert len(places) == 300
    assert places[-1][0] == 2 + 300            # the line of the 300th install
    quiet = text.replace(installs[0], CONFIG + " && " + installs[0], 1)
    assert dk405_lines(quiet) == []
