"""Linear classifiers over the question's sentence vector: danger, and the job's scope.

A few hundred weights each (a JSON file beside this module, written by a script in
``training/``) turn the vector the semantic stage computes anyway into a probability:

* **danger** (``danger_model.json``, ``python -m training.train_danger``): acute danger, from
  labelled sentences in eight languages, hard negatives included. It understands "er steht
  mit dem Messer vor der Tür" and "he will kill himself tonight" without a word list, and it
  is not fooled by "Gehaltsabrechnung" or "Gefährdungseinschätzung".
* **off-topic** (``scope_model.json``, ``python -m training.train_scope``): everyday chatter
  that no caseworker knowledge covers (the weather, football, a recipe), in eight
  languages, against questions of the job that use everyday words ("winter jacket for my
  client"). The engine lets meaning alone answer only questions about the job.

The weights belong to one embedding model: with another embedder they are not used (the
word list decides danger alone, and nothing is declined as off-topic).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

log = logging.getLogger(__name__)

DANGER_MODEL = Path(__file__).with_name("danger_model.json")
SCOPE_MODEL = Path(__file__).with_name("scope_model.json")


@dataclass(frozen=True, slots=True)
class SentenceClassifier:
    """A logistic regression over a normalised sentence vector."""

    model_id: str
    weights: npt.NDArray[np.float32]
    bias: float
    scale: float
    threshold: float  # chosen by cross-validation on the training set (see its script)

    def probability(self, vector: npt.NDArray[np.float32]) -> float:
        z = float(self.weights @ vector) * self.scale + self.bias
        return 1.0 / (1.0 + float(np.exp(-z)))

    def flags(self, vector: npt.NDArray[np.float32]) -> bool:
        """The probability reaches the threshold."""
        return self.probability(vector) >= self.threshold


def load_classifier(model_id: str, path: Path) -> SentenceClassifier | None:
    """The classifier in ``path`` if it was trained for ``model_id``, else ``None``."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        log.warning("classifier %s not loaded (%s): not used", path.name, exc)
        return None
    if not isinstance(data, dict) or data.get("model_id") != model_id:
        found = data.get("model_id") if isinstance(data, dict) else None
        log.info("classifier %s is for %s, not %s: not used", path.name, found, model_id)
        return None
    try:
        classifier = SentenceClassifier(
            model_id=model_id,
            weights=np.asarray(data["weights"], dtype=np.float32).reshape(-1),
            bias=float(data["bias"]),
            scale=float(data["scale"]),
            threshold=float(data["threshold"]),
        )
    except (KeyError, TypeError, ValueError) as exc:  # a damaged file must not stop the bot
        log.warning("classifier %s is damaged (%r): not used", path.name, exc)
        return None
    return classifier
