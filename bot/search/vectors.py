"""Passage vectors remembered on disk, so a restart or a one-file edit embeds nothing twice.

A vector is stored under the embedder's model id and a hash of the exact text embedded:
an edited entry gets new passages (new hashes) and only those are embedded; a different
model never sees another model's vectors. The cache is a small SQLite file next to the
database; several bot processes (the test suite starts many) may share one file.
"""

from __future__ import annotations

import hashlib
import logging
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import numpy as np

from bot.search.embedding import Embedder, Matrix
from bot.search.terms import TermEmbedder, Terms

log = logging.getLogger(__name__)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS vectors (
    model TEXT NOT NULL,
    key BLOB NOT NULL,
    vector BLOB NOT NULL,
    PRIMARY KEY (model, key)
) WITHOUT ROWID
"""
_BATCH = 32  # passages embedded per model call (and per cache write)
_LOOKUP = 500  # keys per SELECT: well under SQLite's limit of host parameters


def text_key(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()


class VectorCache:
    """Vectors by (model id, text hash) in a SQLite file; ``None`` path keeps them in memory.

    A cache that cannot be opened or written (read-only disk, full disk) is not an error:
    the vectors are then computed and kept for this process only, and a warning says so.
    """

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._memory: dict[tuple[str, bytes], bytes] = {}
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None
        if path is not None:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                db = sqlite3.connect(path, timeout=30, check_same_thread=False)
                db.execute("PRAGMA journal_mode=WAL")
                db.execute(_SCHEMA)
                db.commit()
                self._db = db
            except (sqlite3.Error, OSError) as exc:
                log.warning("vector cache %s not usable, vectors kept in memory: %s", path, exc)

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None

    def get(self, model: str, keys: Sequence[bytes]) -> dict[bytes, bytes]:
        found: dict[bytes, bytes] = {}
        with self._lock:
            for key in keys:
                hit = self._memory.get((model, key))
                if hit is not None:
                    found[key] = hit
            wanted = [k for k in dict.fromkeys(keys) if k not in found]
            if self._db is not None and wanted:
                try:
                    for start in range(0, len(wanted), _LOOKUP):
                        part = wanted[start : start + _LOOKUP]
                        marks = ",".join("?" * len(part))
                        rows = self._db.execute(
                            f"SELECT key, vector FROM vectors WHERE model = ? AND key IN ({marks})",
                            (model, *part),
                        )
                        found.update((bytes(k), bytes(v)) for k, v in rows)
                except sqlite3.Error as exc:
                    log.warning("vector cache read failed: %s", exc)
        return found

    def put(self, model: str, items: Sequence[tuple[bytes, bytes]]) -> None:
        with self._lock:
            for key, blob in items:
                self._memory[(model, key)] = blob
            if self._db is None:
                return
            try:
                with self._db:
                    self._db.executemany(
                        "INSERT OR REPLACE INTO vectors (model, key, vector) VALUES (?, ?, ?)",
                        [(model, key, blob) for key, blob in items],
                    )
                for key, _ in items:  # on disk now: no need to hold them twice
                    self._memory.pop((model, key), None)
            except sqlite3.Error as exc:
                log.warning("vector cache write failed, kept in memory: %s", exc)

    def missing(self, model: str, texts: Sequence[str]) -> list[str]:
        """The texts whose vectors are not cached yet."""
        keys = [text_key(t) for t in texts]
        found = self.get(model, keys)
        return [t for t, k in zip(texts, keys, strict=True) if k not in found]

    def vectors(
        self, embedder: Embedder, texts: Sequence[str], *, compute: bool = True
    ) -> Matrix | None:
        """One row per text, from the cache or embedded now (and cached).

        With ``compute=False`` nothing is embedded: ``None`` unless every text is cached.
        """

        def embed(batch: Sequence[str]) -> list[bytes]:
            rows = embedder.embed_passages(batch)
            return [row.astype(np.float32).tobytes() for row in rows]

        blobs = self._blobs(embedder.model_id, texts, embed, compute=compute)
        if blobs is None:
            return None
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        return np.vstack([np.frombuffer(blob, dtype=np.float32) for blob in blobs])

    def terms(
        self, embedder: TermEmbedder, texts: Sequence[str], *, compute: bool = True
    ) -> list[Terms] | None:
        """The latent terms of each text, cached like the vectors (under their own id)."""

        def embed(batch: Sequence[str]) -> list[bytes]:
            return [terms.to_bytes() for terms in embedder.embed_terms(batch)]

        blobs = self._blobs(embedder.model_id, texts, embed, compute=compute)
        return None if blobs is None else [Terms.from_bytes(blob) for blob in blobs]

    def _blobs(
        self,
        model: str,
        texts: Sequence[str],
        embed: Callable[[Sequence[str]], list[bytes]],
        *,
        compute: bool,
    ) -> list[bytes] | None:
        keys = [text_key(t) for t in texts]
        found = self.get(model, keys)
        todo = list(dict.fromkeys(t for t, k in zip(texts, keys, strict=True) if k not in found))
        if todo and not compute:
            return None
        for batch in _batches(todo, _BATCH):
            items = [(text_key(t), blob) for t, blob in zip(batch, embed(batch), strict=True)]
            self.put(model, items)
            found.update(items)
        return [found[k] for k in keys]


def _batches(items: Sequence[str], size: int) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
