"""docklint covers its peers: every hadolint rule and every BuildKit build check is reachable by
its own name, on exactly one docklint rule that documents the correspondence.

Migrating users keep typing the names they know (`# hadolint ignore=DL3008`,
`--ignore DL3008`, `# check=skip=StageNameCasing`), so each name must resolve to the one rule
that does that job, as an alias, and that rule's docs must say which peer rule it replaces (and
where it differs).

The lists are hadolint 2.15.1's rules and the checks of BuildKit's Dockerfile frontend 1.26.0.
"""

from __future__ import annotations

import re

import pytest

from docklint.registry import UnknownRule, all_rules, resolve

# hadolint's rules, retired codes left out: DL3005 (apt-get upgrade), DL3017, DL3031 and DL3039
# (apk/yum/dnf upgrade) were deleted upstream, and there is no DL4002.
RETIRED_HADOLINT = ("DL3005", "DL3017", "DL3031", "DL3039", "DL4002")
HADOLINT = (
    "DL1001",
    *(f"DL{n}" for n in range(3000, 3068) if f"DL{n}" not in RETIRED_HADOLINT),
    "DL4000", "DL4001", "DL4003", "DL4004", "DL4005", "DL4006",
)

BUILDKIT = (
    "StageNameCasing", "FromAsCasing", "NoEmptyContinuation", "ConsistentInstructionCasing",
    "DuplicateStageName", "ReservedStageName", "JSONArgsRecommended", "MaintainerDeprecated",
    "UndefinedArgInFrom", "WorkdirRelativePath", "UndefinedVar",
    "MultipleInstructionsDisallowed", "LegacyKeyValueFormat", "InvalidBaseImagePlatform",
    "RedundantTargetPlatform", "SecretsUsedInArgOrEnv", "InvalidDefaultArgInFrom",
    "FromPlatformFlagConstDisallowed", "CopyIgnoredFile", "InvalidDefinitionDescription",
    "ExposeProtoCasing", "ExposeInvalidFormat",
)

# Peer names docklint deliberately does not implement, with the reason.
NOT_IMPLEMENTED = {
    # BuildKit pulls the base image's config from the registry and compares its OS and
    # architecture with the platform the build targets. docklint lints without network access
    # and without a registry, so it cannot know a remote image's platforms; BuildKit itself
    # gives this check no documentation page. The name must stay unknown, so that
    # `--ignore InvalidBaseImagePlatform` reports a typo-like "unknown rule" rather than
    # silently pretending to configure something.
    "InvalidBaseImagePlatform": "needs the base image's config from a registry",
}

PEER_NAMES = tuple(n for n in HADOLINT + BUILDKIT if n not in NOT_IMPLEMENTED)


def test_the_lists_are_complete() -> None:
    assert len(HADOLINT) == 71 and len(set(HADOLINT)) == 71
    assert len(BUILDKIT) == 22 and len(set(BUILDKIT)) == 22
    assert not set(RETIRED_HADOLINT) & set(HADOLINT)


@pytest.mark.parametrize("name", PEER_NAMES)
def test_peer_name_resolves_to_one_documented_rule(name: str) -> None:
    try:
        rules = resolve(name)
    except UnknownRule:
        pytest.fail(f"{name} names no docklint rule")
    assert len(rules) == 1, f"{name} names {len(rules)} rules: " \
                            f"{', '.join(r.code for r in rules)}"
    rule = rules[0]
    # an alias, spelt exactly as the peer spells it (BuildKit's check names are case-sensitive)
    assert name in rule.aliases, f"{name} reaches {rule.code} but is not one of its aliases " \
                                 f"{rule.aliases}"
    assert re.search(rf"\b{re.escape(name)}\b", rule.docs), \
        f"{rule.code} carries the alias {name} but its docs do not mention it"


@pytest.mark.parametrize("name", sorted(NOT_IMPLEMENTED))
def test_unimplemented_peer_names_stay_unknown(name: str) -> None:
    with pytest.raises(UnknownRule):
        resolve(name)


def test_hadolint_aliases_name_real_hadolint_rules() -> None:
    for rule in all_rules():
        for alias in rule.aliases:
            if re.fullmatch(r"DL\d{4}", alias, re.I):
                assert alias in HADOLINT, f"{rule.code}: alias {alias} is not a current " \
                                          "hadolint rule"
