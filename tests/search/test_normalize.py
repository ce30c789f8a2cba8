"""Folding, tokens and stems: the German spelling variants users type meet."""

from __future__ import annotations

import itertools
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot import normalize
from bot.normalize import fold, stem, tokens


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


def _reference_tokens(word: str) -> tuple[str, ...]:
    """Folding as first written: every step, for every word."""
    text = unicodedata.normalize("NFKC", word).casefold().translate(normalize._UMLAUTS)
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    text = normalize._DIGRAPHS.sub(normalize._first_letter, text)
    return tuple(normalize._TOKEN.findall(text))


@given(
    st.text(alphabet="aeouqAEOUQäöüÄÖÜßẞéèx-1 ", max_size=12)
    | st.text(max_size=12).filter(lambda t: not any(c.isspace() for c in t))
)
def test_the_fast_paths_of_folding_fold_like_the_full_one(word: str) -> None:
    for piece in word.split() or [""]:
        assert normalize.word_tokens(piece) == _reference_tokens(piece)


def test_digraph_folding_without_q_matches_the_pattern_on_every_short_string() -> None:
    for size in range(1, 8):
        for letters in itertools.product("aoue", repeat=size):
            word = "".join(letters)
            assert normalize.word_tokens(word) == _reference_tokens(word), word
