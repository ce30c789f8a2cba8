"""German-aware text normalisation: case and umlaut folding, tokens, stems.

Folding maps ``münchen``, ``muenchen`` and ``munchen`` to the same form and ``straße`` to
``strasse``, so users may type either way. Stemming uses the Snowball German stemmer
(``snowballstemmer``), so inflections (``Drohung``, ``droht``; ``Hausacher``) meet.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from itertools import chain

import snowballstemmer
import stopwordsiso

_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "ẞ": "ss"})
_DIGRAPHS = re.compile(r"(?<!q)(ae|oe|ue)")
_TOKEN = re.compile(r"[a-z0-9]+")

# Words that carry no meaning for finding an entry. Kept short on purpose: BM25-style
# weighting already discounts frequent words, and a negation or a number may matter.
_STOPWORDS_AS_TYPED = frozenset(
    """
    a aber als am an auch auf aus bei bin bis bitte da das dass dem den der des die dies diese
    dieser du durch ein eine einem einen einer eines er es fuer gibt habe hat hier ich ihr im
    in ist ja jetzt kann man mein meine mir mit muss nach noch nur ob oder sein sich sie sind
    so soll ueber um und uns vom von vor war was welche welcher wem wen wer wie wir wird wo zu
    zum zur mache machen tun tue hallo hilfe brauche bekomme finde erreiche erreichen kontakt
    nummer telefon telefonnummer tel nr anrufen rufen ruf gerade schnell dringend frage
    total eigentlich echt voll mal halt eben irgendwie ganz gar bloss nen ne is isses gibts
    gibt's nix nichts nun jetzt machn mach tun wohin damit dafuer dafur brauch braucht bräuchte
    kann könnte koennte sollte soll muss müssen muessen wegen bzw usw etc ok okay
    """.split()  # noqa: SIM905
)


def _first_letter(match: re.Match[str]) -> str:
    return match.group(1)[0]


def fold(text: str) -> str:
    """Lowercase, fold umlauts and ß both ways, drop accents and punctuation."""
    return " ".join(tokens(text))


def tokens(text: str) -> list[str]:
    """Folded word tokens of ``text``.

    Folding works word by word (whitespace never joins or splits a word), and a word's tokens
    are cached: the same few thousand words make up nearly all of the knowledge, so building
    the index at 10,000 entries folds each distinct word once instead of every occurrence.
    """
    return list(chain.from_iterable(map(word_tokens, text.split())))


@lru_cache(maxsize=1 << 17)
def word_tokens(word: str) -> tuple[str, ...]:
    """The folded tokens of one whitespace-free piece of text (hyphens split it further)."""
    if word.isascii():
        text = word.lower()  # what NFKC, casefold and the umlaut table do to ASCII
    else:
        text = unicodedata.normalize("NFKC", word).casefold().translate(_UMLAUTS)
        if not text.isascii():
            # Accents off ("é" -> "e"); what is still not ASCII cannot be part of a token.
            text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    if "q" in text:
        text = _DIGRAPHS.sub(_first_letter, text)  # "quelle" keeps its "ue"
    else:
        # The same as the pattern without a q (tests/search/test_normalize.py), in C.
        text = text.replace("ae", "a").replace("oe", "o").replace("ue", "u")
    return tuple(_TOKEN.findall(text))


# Words of this domain that say nothing about what is needed: a caseworker's questions are
# nearly all about a client. They still count, but little.
GENERIC_WORDS = [
    "klient",
    "klientin",
    "klienten",
    "klientinnen",
    "person",
    "personen",
    "leute",
    "jemand",
    "mensch",
    "menschen",
    "bewohner",
    "bewohnerin",
    "gefluechteter",
    "gefluechtete",
    "fluechtling",
    "fluechtlinge",
]

# Folded like the questions they are compared with ("fuer" becomes "fur").
STOPWORDS = frozenset(fold(w) for w in _STOPWORDS_AS_TYPED)


_stemmer = snowballstemmer.stemmer("german")


@lru_cache(maxsize=65536)
def stem(token: str) -> str:
    """Snowball German stem of a folded token; numbers and short tokens stay as they are."""
    if len(token) <= 3 or token.isdigit():
        return token
    result: str = _stemmer.stemWord(token)
    return result


def content_stems(text: str) -> list[str]:
    """Stems of the meaningful words of ``text``, in order."""
    return [stem(t) for t in tokens(text) if t not in STOPWORDS]


@lru_cache(maxsize=1)
def common_stems() -> frozenset[str]:
    """Stems of very common German words (stopwords-iso, ~600 words).

    Not used to drop words (the list has "mann" and "allein", which can matter); only to
    give little weight to common words the knowledge does not contain, so "die frau will
    weg von ihrem mann" is judged by "frau" and "mann", not by "will" and "weg".
    """
    return frozenset(stem(t) for word in stopwordsiso.stopwords("de") for t in tokens(word))
