"""Danger detection alone, on the held-out sentences of tests/danger/heldout.yaml.

Each item is ``{text, lang, danger}``. Four detectors are scored, overall and per language:

- *classifier*: the linear danger classifier on the sentence's query vector;
- *word list*: :func:`bot.search.danger.sounds_urgent` on the folded words (the engine
  without a semantic stage);
- *engine*: what the fused engine flags — classifier OR a danger phrase
  (:func:`bot.search.danger.has_phrase`);
- *fused answer*: the ``urgent`` flag of the fused assistant's answer on the shipped
  knowledge (it is also set when the one answer is an emergency entry).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bot.normalize import tokens
from bot.search.classifiers import SentenceClassifier
from bot.search.danger import has_phrase, sounds_urgent
from bot.search.embedding import Embedder

DETECTORS = ("classifier", "word list", "engine", "fused answer")


@dataclass(frozen=True, slots=True)
class Item:
    text: str
    lang: str
    danger: bool


@dataclass
class Counts:
    positives: int = 0
    flagged: int = 0
    caught: int = 0

    @property
    def recall(self) -> float | None:
        return self.caught / self.positives if self.positives else None

    @property
    def precision(self) -> float | None:
        return self.caught / self.flagged if self.flagged else None


@dataclass
class DangerResult:
    n: int
    langs: list[str]
    # detector -> language ("all" included) -> counts
    counts: dict[str, dict[str, Counts]] = field(default_factory=dict)
    negatives: dict[str, int] = field(default_factory=dict)  # language -> no-danger items


def read_items(path: Path) -> list[Item]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, list):
        raise ValueError(f"{path}: expected a list of items")
    return [Item(str(d["text"]), str(d["lang"]), bool(d["danger"])) for d in data]


def measure(
    items: Sequence[Item],
    embedder: Embedder,
    classifier: SentenceClassifier | None,
    answer_urgent: Callable[[str], bool],
) -> DangerResult:
    langs = list(dict.fromkeys(i.lang for i in items))
    result = DangerResult(len(items), langs)
    for detector in DETECTORS:
        result.counts[detector] = {lang: Counts() for lang in ["all", *langs]}
    for item in items:
        words = tokens(item.text)
        vector = embedder.embed_queries([item.text])[0]
        model = classifier is not None and classifier.flags(vector)
        flags = {
            "classifier": model,
            "word list": sounds_urgent(words),
            "engine": model or has_phrase(words),
            "fused answer": answer_urgent(item.text),
        }
        result.negatives[item.lang] = result.negatives.get(item.lang, 0) + (not item.danger)
        result.negatives["all"] = result.negatives.get("all", 0) + (not item.danger)
        for detector, flagged in flags.items():
            for lang in ("all", item.lang):
                counts = result.counts[detector][lang]
                counts.positives += item.danger
                counts.flagged += flagged
                counts.caught += flagged and item.danger
    return result
