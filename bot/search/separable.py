"""German separable verbs: "er bringt sich heute um" means *umbringen*, not *bringen*.

In a German main clause the prefix of a separable verb goes to the end of the clause
("ruft … an", "bringt sich … um", "rastet … aus"). Searched word by word, such a sentence
finds entries about *bringen* or *rufen*, and the verb the knowledge actually uses
(*umbringen*, *anrufen*) is never looked for. :func:`rejoin` puts the prefix back on the
verb — only when the knowledge knows the joined word, so a clause-final "um" or "an" that is
not a verb prefix changes nothing.

This is grammar, not vocabulary: the prefixes below are the closed class of German separable
prefixes, and which verbs exist comes from the knowledge being searched.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.normalize import stem, tokens

# German separable verb prefixes (a closed word class), folded as questions are.
_PREFIXES = frozenset(
    tokens(
        "ab an auf aus bei dabei dar durch ein empor entgegen fehl fest fort frei heim her "
        "herauf heraus herbei herein herum herunter hervor hin hinaus hinein hinzu hoch los mit "
        "nach nieder raus rein rüber runter statt teil um vor voran voraus vorbei weg weiter "
        "wieder zu zurecht zurück zusammen"
    )
)
# Words that start a new clause: a prefix before them closes the clause before.
_CLAUSE_WORDS = frozenset(
    tokens(
        "und oder aber denn sondern weil dass daß wenn ob obwohl damit als nachdem bevor "
        "während sobald seit seitdem bis weshalb warum wo wie was"
    )
)
_CLAUSE_MARKS = re.compile(r"[.,;:!?()\"«»„“”–—]+")
_REACH = 6  # words before the prefix in which its verb is looked for
# Endings of a finite verb form ("bringt", "rufe", "rastet") over its stem ("bring").
_ENDINGS = ("est", "et", "st", "en", "t", "e", "n")


def rejoin(question: str, known: Callable[[str], bool]) -> list[str]:
    """The folded tokens of ``question``, each clause-final verb prefix joined to its verb.

    ``known`` says whether the knowledge contains a word stem; a prefix is joined only to a
    verb whose joined form it contains (nearest verb first), and the verb token is replaced
    by the joined word while the prefix token is dropped.
    """
    words: list[str] = []
    for part in _CLAUSE_MARKS.split(question):
        clause: list[str] = []
        for token in tokens(part):
            if token in _CLAUSE_WORDS and clause:
                words.extend(_joined(clause, known))
                clause = []
            clause.append(token)
        words.extend(_joined(clause, known))
    return words


def _joined(clause: list[str], known: Callable[[str], bool]) -> list[str]:
    if len(clause) < 2 or clause[-1] not in _PREFIXES:
        return clause
    prefix = clause[-1]
    for position in range(len(clause) - 2, max(-1, len(clause) - 2 - _REACH), -1):
        verb = clause[position]
        for candidate in _candidates(prefix, verb):
            if known(stem(candidate)):
                return [*clause[:position], candidate, *clause[position + 1 : -1]]
    return clause


def _candidates(prefix: str, verb: str) -> list[str]:
    """The prefixed verb as typed and with its ending off ("um" + "bringt": "umbring")."""
    found = [prefix + verb]
    for ending in _ENDINGS:
        if verb.endswith(ending) and len(verb) - len(ending) >= 2:
            found.append(prefix + verb[: -len(ending)])
    return found
