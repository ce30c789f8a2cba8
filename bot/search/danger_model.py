"""Danger at sentence level: a linear classifier over the question's sentence embedding.

A few hundred weights (``danger_model.json``, written by ``python -m training.train_danger``
from labelled sentences in eight languages, hard negatives included) turn the vector the
semantic stage computes anyway into a probability of acute danger. It understands "er steht
mit dem Messer vor der Tür" and "he will kill himself tonight" without a word list, and it
is not fooled by "Gehaltsabrechnung" or "Gefährdungseinschätzung".

The weights belong to one embedding model: with another embedder they are not used, and the
word list in :mod:`bot.search.danger` decides alone.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

log = logging.getLogger(__name__)

MODEL_FILE = Path(__file__).with_name("danger_model.json")


@dataclass(frozen=True, slots=True)
class DangerClassifier:
    model_id: str
    weights: npt.NDArray[np.float32]
    bias: float
    scale: float
    threshold: float  # chosen for recall first by cross-validation on the training set

    def probability(self, vector: npt.NDArray[np.float32]) -> float:
        z = float(self.weights @ vector) * self.scale + self.bias
        return 1.0 / (1.0 + float(np.exp(-z)))

    def is_danger(self, vector: npt.NDArray[np.float32]) -> bool:
        return self.probability(vector) >= self.threshold


def load_classifier(model_id: str, path: Path = MODEL_FILE) -> DangerClassifier | None:
    """The classifier trained for ``model_id``, or ``None`` (then the word list decides)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        log.warning("danger classifier not loaded (%s): word list only", exc)
        return None
    if data.get("model_id") != model_id:
        log.info(
            "danger classifier is for %s, not %s: word list only", data.get("model_id"), model_id
        )
        return None
    return DangerClassifier(
        model_id=model_id,
        weights=np.asarray(data["weights"], dtype=np.float32),
        bias=float(data["bias"]),
        scale=float(data["scale"]),
        threshold=float(data["threshold"]),
    )
