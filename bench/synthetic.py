"""A synthetic knowledge base of any size, made from the shipped one, for timing only.

The shipped files are kept as they are (so the eval questions still find their entries and
towns) and synthetic entries are added until there are ``size`` entries. Each synthetic
entry is a variant of one shipped entry: same topic, category and contacts (so no phone
number is invented), scoped like it, with its title, keywords, sentences and steps reused
and some words replaced by new compounds of shipped words ("Gewaltschutzberatung"). The
vocabulary thus grows with the size, as a real one would, and that is what typo and
compound expansion pay for. A fifth of the entries made from unscoped ones get a town scope
too. Invented towns with invented village parts get their own Revier and team tags.

Everything comes from a seeded :class:`random.Random`, so a size always gives the same
knowledge.
"""

from __future__ import annotations

import random
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.knowledge.base import Knowledge
from bot.knowledge.model import Entry
from bot.normalize import STOPWORDS, common_stems, fold, stem

ENTRIES_PER_FILE = 100
EXTRA_SCOPED_SHARE = 0.2  # of entries made from an unscoped one; 9 of 46 shipped are scoped
TOWNS_PER_ENTRY = 0.1  # 1,000 invented towns at 10,000 entries
TOWNS_PER_REVIER = 12
NEW_WORDS_PER_ENTRY = 3  # size of the pool of new compounds
NEW_WORD_SHARE = 0.12  # share of words replaced by a new compound

_WORD = re.compile(r"[A-Za-zÄÖÜäöüß]{4,}")
_SENTENCE = re.compile(r"(?<=[.!?:])\s+")


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


_TOWN_HEADS = _words(
    "Ober Unter Nieder Hoch Alt Neu Klein Groß Hinter Vorder Mittel Ost West Süd Nord"
)
_TOWN_STEMS = _words(
    "Eichen Linden Hasel Erlen Birken Tannen Buchen Fichten Espen Weiden Ahorn Eschen Mühl "
    "Stein Sand Kirch Brunn Rotten Schwarz Weiß Grün Roth Hirsch Fuchs Wolfs Bären Adler "
    "Ketten Sulz Kalk Lehm Moos Ried Wald Berg Tal Bühl Hof Hard Hagen Dorn Rosen Kappel "
    "Schön Lang Kurz Breit Wies Au Bronn Felden Ellen Otten Hetten Bollen"
)
_TOWN_TAILS = _words(
    "bach weier hausen hofen heim ach stett hurst berg au dorf weiler ingen feld wangen "
    "reute brunn matt zell rod"
)


@dataclass(frozen=True, slots=True)
class _Template:
    """One shipped entry, cut into the pieces a synthetic variant is made of."""

    entry: Entry
    sentences: list[str]
    contacts: list[dict[str, Any]]


def _sentences(text: str) -> list[str]:
    return [
        s.strip()
        for paragraph in text.split("\n")
        for s in _SENTENCE.split(paragraph)
        if len(s.split()) >= 3
    ]


def _templates(knowledge: Knowledge) -> list[_Template]:
    return [
        _Template(
            entry=e,
            sentences=_sentences(e.text),
            contacts=[c.model_dump(exclude_none=True) for c in e.contacts],
        )
        for e in knowledge.entries.values()
    ]


def _nouns(knowledge: Knowledge) -> list[str]:
    """Capitalised words of the shipped texts that can be parts of a compound."""
    common = common_stems() | STOPWORDS
    towns = {fold(n) for p in knowledge.places for n in (p.name, *p.aliases)}
    return sorted(
        {
            w
            for e in knowledge.entries.values()
            for text in [e.title, e.text, *e.steps]
            for w in _WORD.findall(text)
            if w[0].isupper()
            and len(w) >= 5
            and stem(fold(w)) not in common
            and fold(w) not in towns
        }
    )


class _Generator:
    def __init__(self, knowledge: Knowledge, size: int, seed: int) -> None:
        self.rng = random.Random(seed)
        self.templates = _templates(knowledge)
        self.all_sentences = [s for t in self.templates for s in t.sentences]
        self.nouns = _nouns(knowledge)
        self.size = size
        self.synthetic = max(0, size - len(knowledge.entries))
        self.taken = {
            fold(name) for p in knowledge.places for name in (p.name, *p.aliases)
        }  # place names and aliases must stay unique
        self.towns, new_tags = self._towns()
        self.tags = sorted({t for p in knowledge.places for t in p.tags} | set(new_tags))
        self.towns_by_tag: dict[str, list[str]] = {}
        for place in knowledge.places:
            for tag in place.tags:
                self.towns_by_tag.setdefault(tag, []).append(place.name)
        for town in self.towns:
            for tag in town["tags"]:
                self.towns_by_tag.setdefault(tag, []).append(town["name"])
        pool_size = max(50, NEW_WORDS_PER_ENTRY * self.synthetic)
        self.new_words = self._compounds(pool_size)

    # -- towns ----------------------------------------------------------------------

    def _town_name(self) -> str:
        for _ in range(1000):
            name = self.rng.choice(_TOWN_STEMS) + self.rng.choice(_TOWN_TAILS)
            if self.rng.random() < 0.3:
                name = f"{self.rng.choice(_TOWN_HEADS)}{name.lower()}"
            if fold(name) not in self.taken:
                self.taken.add(fold(name))
                return name
        raise RuntimeError("ran out of town names")

    def _towns(self) -> tuple[list[dict[str, Any]], list[str]]:
        """Invented towns, a dozen to a Revier (and its team), and their new tags."""
        count = int(self.synthetic * TOWNS_PER_ENTRY)
        reviere = max(1, count // TOWNS_PER_REVIER)
        tags = [f"{kind}-syn-{i:03d}" for kind in ("revier", "team") for i in range(reviere)]
        towns = []
        for number in range(count):
            revier = number % reviere
            name = self._town_name()
            aliases = [self._town_name() for _ in range(self.rng.choice((0, 0, 1, 2, 3)))]
            towns.append(
                {
                    "name": name,
                    **({"aliases": aliases} if aliases else {}),
                    "tags": [f"revier-syn-{revier:03d}", f"team-syn-{revier:03d}"],
                }
            )
        return towns, (tags if towns else [])

    # -- words ----------------------------------------------------------------------

    def _compounds(self, count: int) -> list[str]:
        """New German-looking compounds of two shipped nouns, e.g. ``Trauma`` + ``Beratung``."""
        found: set[str] = set()
        nouns = self.nouns
        for _ in range(count * 4):
            if len(found) >= count:
                break
            head, tail = self.rng.choice(nouns), self.rng.choice(nouns)
            if head != tail:
                found.add(head + tail.lower())
        pool = sorted(found)
        self.rng.shuffle(pool)  # frequent words must not all start with "A"
        return pool

    def _new_word(self) -> str:
        # Zipf-like: a few new words are frequent, most are rare.
        index = int(len(self.new_words) * self.rng.random() ** 3)
        return self.new_words[index]

    def _perturb(self, text: str) -> str:
        def swap(match: re.Match[str]) -> str:
            word = match.group(0)
            if self.rng.random() >= NEW_WORD_SHARE:
                return word
            new = self._new_word()
            return new if word[0].isupper() else new.lower()

        return _WORD.sub(swap, text)

    # -- entries --------------------------------------------------------------------

    def entry(self, number: int) -> dict[str, Any]:
        """A perturbed variant of a random shipped entry, so topics stay coherent.

        Word frequencies across entries then stay as in the shipped knowledge (about half
        of the entries mention the police, as now), instead of every entry mixing all topics.
        """
        rng = self.rng
        template = rng.choice(self.templates)
        shipped = template.entry
        scope: list[str] = []
        if shipped.scope:  # a police or team entry: the same kind of tag, another area
            kind = shipped.scope[0].split("-")[0]
            scope = [rng.choice([t for t in self.tags if t.startswith(kind + "-")])]
        elif rng.random() < EXTRA_SCOPED_SHARE:
            scope = [rng.choice(self.tags)]
        town = rng.choice(self.towns_by_tag[scope[0]]) if scope else None
        title = self._perturb(shipped.title) + (f" ({town})" if town else "")
        kept = rng.sample(shipped.keywords, max(1, round(len(shipped.keywords) * 0.8)))
        keywords = {self._perturb(k).lower() for k in kept}
        keywords |= {self._new_word().lower() for _ in range(rng.randint(1, 4))}
        sentences = list(template.sentences)
        rng.shuffle(sentences)
        sentences = sentences[: max(1, round(len(sentences) * rng.uniform(0.7, 1.0)))]
        sentences += rng.sample(self.all_sentences, rng.randint(1, 3))  # a little of others
        sentences = [self._perturb(s) for s in sentences]
        paragraphs = [" ".join(sentences[i : i + 3]) for i in range(0, len(sentences), 3)]
        if town:
            paragraphs.append(f"Gilt für {town} und die umliegenden Ortsteile.")
        entry: dict[str, Any] = {
            "id": f"syn-{number:05d}",
            "title": title,
            "category": shipped.category,
            "keywords": sorted(keywords),
            "text": "\n\n".join(paragraphs) + "\n",
        }
        if scope:
            entry["scope"] = scope
        if shipped.steps:
            entry["steps"] = [self._perturb(s) for s in shipped.steps]
        if template.contacts and rng.random() < 0.8:
            contacts = [dict(c) for c in template.contacts]  # shipped phones only
            for contact in contacts:
                contact.pop("after_hours", None)
            entry["contacts"] = contacts
        if shipped.urgent:
            entry["urgent"] = True
        return entry

    def files(self) -> Iterator[tuple[str, dict[str, Any]]]:
        if self.towns:
            yield "synthetic/places.yaml", {"places": self.towns}
        for start in range(0, self.synthetic, ENTRIES_PER_FILE):
            end = min(self.synthetic, start + ENTRIES_PER_FILE)
            entries = [self.entry(n) for n in range(start, end)]
            yield f"synthetic/entries-{start // ENTRIES_PER_FILE:03d}.yaml", {"entries": entries}


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    """Multi-line texts as ``|`` blocks, like the shipped files."""
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


# A subclass of libyaml's dumper when PyYAML has it (writing 10,000 entries then takes
# seconds, not half a minute); a subclass, so the representer does not leak into PyYAML.
_Dumper: type[yaml.SafeDumper] = type(
    "_Dumper", (getattr(yaml, "CSafeDumper", yaml.SafeDumper),), {}
)
_Dumper.add_representer(str, _str)


def write_knowledge(
    shipped: Path, knowledge: Knowledge, size: int, target: Path, seed: int = 7
) -> int:
    """Write the shipped files plus synthetic ones to ``target``; returns the entry count."""
    for path in sorted(shipped.glob("*.yaml")):
        shutil.copy(path, target / path.name)
    generator = _Generator(knowledge, size, seed)
    (target / "synthetic").mkdir(exist_ok=True)
    for name, content in generator.files():
        text = "# yaml-language-server: $schema=../schema.json\n" + yaml.dump(
            content, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100
        )
        (target / name).write_text(text, encoding="utf-8")
    return len(knowledge.entries) + generator.synthetic
