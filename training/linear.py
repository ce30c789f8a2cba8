"""What the sentence classifiers' training scripts share: a weighted logistic regression over
sentence vectors, its out-of-fold scores for choosing a threshold, and the model file the
bot reads (:func:`bot.search.classifiers.load_classifier`)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import numpy.typing as npt

L2 = 1e-3
STEPS = 3000
RATE = 0.5
FOLDS = 5
SEED = 7

Floats = npt.NDArray[np.float64]


def fit(x: Floats, y: Floats) -> tuple[Floats, float]:
    """Weighted logistic regression by gradient descent (classes weighted equally)."""
    w = np.zeros(x.shape[1])
    b = 0.0
    pos = y.mean()
    weight = np.where(y == 1, 0.5 / pos, 0.5 / (1 - pos))
    for _ in range(STEPS):
        p = 1 / (1 + np.exp(-(x @ w + b)))
        g = weight * (p - y)
        w -= RATE * (x.T @ g / len(y) + L2 * w)
        b -= RATE * g.mean()
    return w, b


def scores(x: Floats, w: Floats, b: float) -> Floats:
    return np.asarray(1 / (1 + np.exp(-(x @ w + b))), dtype=np.float64)


def out_of_fold(x: Floats, y: Floats) -> Floats:
    """Each sentence's probability from a model trained without its fold (5 folds, fixed
    seed): what a threshold is chosen on."""
    folds = np.random.default_rng(SEED).permutation(len(y)) % FOLDS
    oof = np.zeros(len(y))
    for k in range(FOLDS):
        w, b = fit(x[folds != k], y[folds != k])
        oof[folds == k] = scores(x[folds == k], w, b)
    return oof


def write_model(
    path: Path,
    *,
    model_id: str,
    scale: float,
    w: Floats,
    b: float,
    threshold: float,
    about: dict[str, object],
) -> None:
    """The model file: what the bot needs, then ``about`` (what it was trained on, figures)."""
    model: dict[str, object] = {
        "model_id": model_id,
        "scale": scale,
        "bias": round(b, 6),
        "threshold": round(threshold, 6),
    }
    model.update(about)
    model["weights"] = [round(float(v), 6) for v in w]
    path.write_text(json.dumps(model, indent=1) + "\n", encoding="utf-8")
