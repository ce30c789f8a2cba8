"""Does a question sound like danger? The word list; 110 and 112 come first.

With the semantic stage on, the sentence classifier (:mod:`bot.search.classifiers`)
decides and only the phrases here are added to it; without it (no embedder), this list
decides alone. Deliberately generous: a false alarm costs one extra line, a missed one may
cost a life. The vocabulary is matched against folded, stemmed words, as prefixes
(``umbring`` catches ``umbringen``), with one typo allowed in longer words — a typo a thumb
makes on a German keyboard (a neighbouring key, a swapped, missing or doubled letter), so
"gehalt" is not "gewalt". Phrases match with words in between, as German separable verbs
are written: "bringt sich heute noch um", "tut sich was an".
"""

from __future__ import annotations

from rapidfuzz.distance import OSA

from bot.normalize import fold, stem

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
    ("tut", "sich", "an"),
    ("nimmt", "sich", "leben"),
)
_PHRASE_GAP = 3  # words allowed between two words of a phrase

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
                for prefix in {word[: len(danger)], word[: len(danger) + 1]}:
                    if thumb_typo(prefix, danger):
                        return True
    return has_phrase(words)


def has_phrase(words: list[str]) -> bool:
    """A danger phrase in order, with at most a few words between its words."""
    return any(_in_order(words, phrase) for phrase in _FOLDED_PHRASES)


def _in_order(words: list[str], phrase: tuple[str, ...]) -> bool:
    for start, word in enumerate(words):
        if word != phrase[0]:
            continue
        position = start
        for part in phrase[1:]:
            window = words[position + 1 : position + 2 + _PHRASE_GAP]
            if part not in window:
                break
            position += 1 + window.index(part)
        else:
            return True
    return False


# Neighbouring keys on a German (QWERTZ) keyboard: the substitutions a thumb makes.
_ROWS = ("1234567890ß", "qwertzuiopü", "asdfghjklöä", "yxcvbnm")
_NEIGHBOURS: dict[str, set[str]] = {}
for _r, _row in enumerate(_ROWS):
    for _c, _key in enumerate(_row):
        near = _NEIGHBOURS.setdefault(_key, set())
        for _dr in (-1, 0, 1):
            if 0 <= _r + _dr < len(_ROWS):
                other = _ROWS[_r + _dr]
                for _dc in (-1, 0, 1):
                    if 0 <= _c + _dc < len(other) and (_dr, _dc) != (0, 0):
                        near.add(other[_c + _dc])


def thumb_typo(typed: str, word: str) -> bool:
    """``typed`` is ``word`` or one typo a thumb makes away from it.

    A substitution counts only between neighbouring keys ("gewalr" for "gewalt"); one
    between distant keys usually makes another word ("gehalt"). Missing, doubled and
    swapped letters always count.
    """
    if typed == word:
        return True
    if OSA.distance(typed, word, score_cutoff=1) > 1:
        return False
    if len(typed) != len(word):
        return True  # a missing or an extra letter
    diffs = [(a, b) for a, b in zip(typed, word, strict=True) if a != b]
    if len(diffs) == 2:
        return True  # two neighbouring letters swapped (OSA distance 1)
    ((a, b),) = diffs
    return b in _NEIGHBOURS.get(a, set())
