"""Questions in other languages: take the language out of the sentence vector.

A multilingual sentence vector carries two things, what a sentence means and which language
it is written in. The knowledge is German; an Arabic question about an interpreter lands
closer to every other Arabic sentence than to the German entry about interpreters, and the
entries it ranks first are close by accident. Removing the directions in which languages
differ (the difference of the mean vectors of sentences in each language, "language
information removal") leaves mostly the meaning, and the German entry moves up.

The directions (``language_subspace.json``, a few times 384 numbers) are computed by
``python -m training.train_crosslingual`` from the labelled sentences in eight languages
that train the danger classifier; they belong to one embedding model and are not used with
another. The engine projects only questions that :class:`~bot.search.language.LanguageGuesser`
calls foreign: on German questions the projection measurably cost accuracy (see
docs/benchmarks.md).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

log = logging.getLogger(__name__)

MODEL_FILE = Path(__file__).with_name("language_subspace.json")
_LEAST_NORM = 1e-3  # a passage almost entirely "language" keeps a tiny norm, never zero


@dataclass(frozen=True, slots=True)
class LanguageSubspace:
    """Orthonormal directions in which sentence vectors of different languages differ."""

    model_id: str
    basis: npt.NDArray[np.float32]  # (directions, dim), orthonormal rows

    def project(self, vector: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
        """``vector`` without its language directions, normalised again."""
        rest = vector - self.basis.T @ (self.basis @ vector)
        norm = float(np.linalg.norm(rest))
        return (rest / norm).astype(np.float32) if norm > 0 else vector

    def residual_norms(self, matrix: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
        """The norm of each (normalised) row of ``matrix`` once the directions are removed.

        With a projected question ``q`` (orthogonal to the directions), the cosine to a
        projected passage ``p`` is ``(p · q) / |p - projection|``: the passage matrix stays
        as it is, only these norms are kept.
        """
        if matrix.shape[0] == 0:
            return np.ones(0, dtype=np.float32)
        inside = np.square(matrix @ self.basis.T).sum(axis=1)
        norms: npt.NDArray[np.float32] = np.sqrt(np.maximum(1.0 - inside, _LEAST_NORM**2)).astype(
            np.float32
        )
        return norms


def load_subspace(model_id: str, path: Path = MODEL_FILE) -> LanguageSubspace | None:
    """The directions computed for ``model_id``, or ``None`` (then questions stay as they are)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        log.warning("language directions not loaded (%s): questions are not projected", exc)
        return None
    if data.get("model_id") != model_id:
        log.info("language directions are for %s, not %s: not used", data.get("model_id"), model_id)
        return None
    basis = np.asarray(data["basis"], dtype=np.float32)
    if basis.ndim != 2 or basis.shape[0] == 0:
        log.warning("language directions in %s are empty: not used", path)
        return None
    return LanguageSubspace(model_id, basis)
