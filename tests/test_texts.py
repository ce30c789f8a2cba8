"""The bot speaks to colleagues with "du", everywhere."""

from __future__ import annotations

import re

from bot import texts

FORMAL = re.compile(r"\b(Sie|Ihnen|Ihr|Ihre|Ihren|Ihrem|Ihrer|Meinten)\b")
# Printed on the emergency card that a caseworker hands to a client: "Sie" is right there.
FOR_CLIENTS = frozenset({"CARD_TEAM"})


def all_texts() -> dict[str, str]:
    found: dict[str, str] = {}
    for name, value in vars(texts).items():
        if isinstance(value, str) and not name.startswith("_"):
            found[name] = value
        elif isinstance(value, dict):
            found |= {f"{name}[{k}]": v for k, v in value.items() if isinstance(v, str)}
    return found


def test_no_text_says_sie() -> None:
    formal = {
        name: text
        for name, text in all_texts().items()
        if FORMAL.search(text) and name not in FOR_CLIENTS
    }
    assert formal == {}
    assert texts.CHOOSE == "Meinst du …?"
