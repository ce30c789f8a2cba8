"""Does a question sound like danger? Then 110 and 112 come first.

Deliberately generous: a false alarm costs one extra line, a missed one may cost a life. The
vocabulary is matched against folded, stemmed words, as prefixes (``umbring`` catches
``umbringen``), with one typo allowed in longer words.
"""

from __future__ import annotations

from rapidfuzz.distance import OSA

from bot.search.normalize import fold, stem

# Stems (folded, lowercase) whose presence anywhere in a word means danger.
DANGER_STEMS: tuple[str, ...] = (
    "gewalt",
    "droh",
    "bedroh",
    "messer",
    "waffe",
    "pistol",
    "schuss",
    "schiess",
    "erschiess",
    "suizid",
    "selbstmord",
    "umbring",
    "toet",
    "ermord",
    "mord",
    "ritz",
    "selbstverletz",
    "brand",
    "brenn",
    "feuer",
    "explosion",
    "verletz",
    "blut",
    "bewusstlos",
    "notfall",
    "notarzt",
    "lebensgefahr",
    "amok",
    "vergewalt",
    "missbrauch",
    "misshandl",
    "kindeswohl",
    "entfuehr",
    "angriff",
    "angegriff",
    "pruegel",
    "verpruegel",
    "geschlag",
    "schlaegt",
    "schlagt",
    "schlaeg",
    "attack",
    "geisel",
    "erhaeng",
    "erwuerg",
    "wuerg",
    "tritt",
    "getreten",
    "vermisst",
    "ueberdosis",
    "vergift",
    "sterben",
    "tot",
    "leiche",
    "panik",
    "randal",
    "eskalier",
    "bombe",
    "gefaehrd",
    "antun",
    "abschiedsbrief",
    "springen",
    "tabletten",
)

# Word pairs that only together mean danger ("dreht durch", "kind in gefahr").
DANGER_PHRASES: tuple[tuple[str, ...], ...] = (
    ("dreht", "durch"),
    ("rastet", "aus"),
    ("in", "gefahr"),
    ("will", "nicht", "mehr", "leben"),
    ("nicht", "mehr", "leben"),
    ("haut", "zu"),
    ("schlaegt", "zu"),
    ("schlagt", "zu"),
    ("bringt", "sich", "um"),
)

# Harmless words that contain a danger stem.
_HARMLESS = frozenset({"zuschuss", "ausschuss", "vorschuss", "abschuss", "brauchen", "gebrauch"})

# Stems one typo away from common words ("leiche" / "reiche"): no typo tolerance for them.
_EXACT_ONLY = frozenset({"leiche"})

_FOLDED_STEMS = tuple(fold(s).replace(" ", "") for s in DANGER_STEMS)
_FOLDED_PHRASES = tuple(tuple(fold(w) for w in phrase) for phrase in DANGER_PHRASES)


def sounds_urgent(words: list[str]) -> bool:
    """True when the folded ``words`` of a question sound like an acute danger."""
    for word in dict.fromkeys(words):  # each word once: "x x x …" must not cost 5000 checks
        if word in _HARMLESS:
            continue
        candidates = {word, stem(word)}
        for danger in _FOLDED_STEMS:
            if len(danger) <= 3:
                if word == danger:
                    return True
                continue
            if any(danger in c for c in candidates):
                return True
            if len(word) >= 5 and len(danger) >= 6 and danger not in _EXACT_ONLY:
                prefix = word[: len(danger)]
                if OSA.distance(prefix, danger, score_cutoff=1) <= 1:
                    return True
    joined = f" {' '.join(words)} "
    return any(f" {' '.join(phrase)} " in joined for phrase in _FOLDED_PHRASES)
