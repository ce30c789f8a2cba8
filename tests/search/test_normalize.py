"""Folding, tokens and stems: the German spelling variants users type meet."""

from __future__ import annotations

import pytest

from bot.search.normalize import fold, stem, tokens


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("münchen", "muenchen"),
        ("münchen", "munchen"),
        ("Straße", "strasse"),
        ("ÜBERWEISUNG", "ueberweisung"),
        ("Meißenheim", "meissenheim"),
        ("Ottenhöfen", "ottenhoefen"),
        ("Willstätt", "willstaett"),
    ],
)
def test_umlauts_and_sharp_s_fold_both_ways(a: str, b: str) -> None:
    assert fold(a) == fold(b)


def test_punctuation_hyphens_and_invisible_characters_split_or_vanish() -> None:
    assert tokens("Zell-Weierbach, Polizei!") == ["zell", "weierbach", "polizei"]
    assert tokens("poli\u200bzei") == ["poli", "zei"] or tokens("poli\u200bzei") == ["polizei"]
    assert tokens("") == []


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Drohung", "Drohungen"),
        ("Hausacher", "Hausach"),
        ("Kinder", "Kind"),
        ("Überweisung", "ueberweisungen"),
    ],
)
def test_inflections_share_a_stem(a: str, b: str) -> None:
    assert stem(fold(a)) == stem(fold(b))
