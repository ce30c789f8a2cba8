"""The vector cache and the fallback: what a restart, an edit or a broken model costs."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from bot.assistant import Assistant
from bot.clock import Clock
from bot.knowledge.hours import HolidayCalendar
from bot.knowledge.loader import load_knowledge
from bot.search.embedding import Matrix, load_embedder
from bot.search.engine import MeaningSource
from bot.search.semantic import all_passages
from bot.search.vectors import VectorCache
from tests.conftest import BERLIN, MINIMAL, write_files


class CountingEmbedder:
    """A real (if meaningless) embedder: a hash of each text as its vector; counts calls."""

    model_id = "counting-test-embedder"

    def __init__(self) -> None:
        self.embedded: list[str] = []

    def embed_queries(self, texts: Sequence[str]) -> Matrix:
        return self._vectors(texts)

    def embed_passages(self, texts: Sequence[str]) -> Matrix:
        self.embedded += texts
        return self._vectors(texts)

    @staticmethod
    def _vectors(texts: Sequence[str]) -> Matrix:
        rows = [
            np.frombuffer(hashlib.sha256(t.encode()).digest(), dtype=np.uint8).astype(np.float32)
            for t in texts
        ]
        matrix = np.vstack(rows) - 127.5
        return (matrix / np.linalg.norm(matrix, axis=1, keepdims=True)).astype(np.float32)


def _assistant(directory: Path, source: MeaningSource) -> Assistant:
    knowledge = load_knowledge(directory).knowledge
    assert knowledge is not None
    return Assistant(knowledge, Clock(BERLIN), HolidayCalendar("BW"), source, embed_now=None)


def test_a_restart_embeds_nothing_and_an_edit_only_the_changed_entry(tmp_path: Path) -> None:
    directory = write_files(tmp_path / "knowledge", MINIMAL)
    cache_file = tmp_path / "vectors.sqlite3"
    first = CountingEmbedder()
    assistant = _assistant(directory, MeaningSource(first, VectorCache(cache_file), None))
    assert assistant.semantic_ready
    texts, _ = all_passages(assistant.knowledge, list(assistant.knowledge.entries.values()))
    assert sorted(first.embedded) == sorted(set(texts))

    restarted = CountingEmbedder()  # a new process: the cache file is all it shares
    _assistant(directory, MeaningSource(restarted, VectorCache(cache_file), None))
    assert restarted.embedded == []

    entries = (directory / "entries.yaml").read_text(encoding="utf-8")
    edited = entries.replace("Polizeirevier Lahr", "Polizeirevier Lahr (Zentrale)")
    assert edited != entries
    (directory / "entries.yaml").write_text(edited, encoding="utf-8")
    after_edit = CountingEmbedder()
    _assistant(directory, MeaningSource(after_edit, VectorCache(cache_file), None))
    assert after_edit.embedded and all("Lahr (Zentrale)" in t for t in after_edit.embedded)


def test_another_model_never_reads_these_vectors(tmp_path: Path) -> None:
    cache = VectorCache(tmp_path / "vectors.sqlite3")
    embedder = CountingEmbedder()
    cache.vectors(embedder, ["Notruf 110"])
    assert cache.missing(embedder.model_id, ["Notruf 110"]) == []
    assert cache.missing("another-model", ["Notruf 110"]) == ["Notruf 110"]


def test_an_unusable_cache_file_keeps_vectors_in_memory(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")
    cache = VectorCache(blocker / "vectors.sqlite3")  # its folder is a file
    embedder = CountingEmbedder()
    first = cache.vectors(embedder, ["Frauenhaus"])
    again = cache.vectors(embedder, ["Frauenhaus"])
    assert first is not None and again is not None and np.array_equal(first, again)
    assert embedder.embedded == ["Frauenhaus"]


def test_a_broken_embedder_is_reported_and_the_lexical_engine_answers(tmp_path: Path) -> None:
    loaded = load_embedder("no_such_module_here:factory")
    assert loaded.embedder is None
    assert loaded.problem and "no_such_module_here" in loaded.problem
    directory = write_files(tmp_path / "knowledge", MINIMAL)
    knowledge = load_knowledge(directory).knowledge
    assert knowledge is not None
    assistant = Assistant(
        knowledge, Clock(BERLIN), HolidayCalendar("BW"), None, semantic_problem=loaded.problem
    )
    assert not assistant.semantic_ready
    answer = assistant.answer("polizei lahr")
    assert answer.best is not None and answer.best.id == "polizei-lahr"


def test_off_means_off() -> None:
    assert load_embedder("off").embedder is None
    assert load_embedder("off").problem is None


def test_many_missing_vectors_are_embedded_in_the_background(tmp_path: Path) -> None:
    directory = write_files(tmp_path / "knowledge", MINIMAL)
    knowledge = load_knowledge(directory).knowledge
    assert knowledge is not None
    source = MeaningSource(CountingEmbedder(), VectorCache(tmp_path / "v.sqlite3"), None)
    assistant = Assistant(knowledge, Clock(BERLIN), HolidayCalendar("BW"), source, embed_now=0)
    # Answers right away (lexically if the thread is not done), then with meaning.
    assert assistant.answer("polizei lahr").best is not None
    import time

    deadline = time.monotonic() + 30
    while not assistant.semantic_ready and time.monotonic() < deadline:
        time.sleep(0.05)
    assert assistant.semantic_ready


def test_other_languages_are_recognised() -> None:
    from bot.search.language import LanguageGuesser

    guess = LanguageGuesser()
    assert guess.foreign("мені потрібен перекладач")
    assert guess.foreign("زوجي يضربني")
    assert guess.foreign("how do I book an interpreter for an appointment")
    assert not guess.foreign("wie bestelle ich einen dolmetscher für morgen")
    assert not guess.foreign("notruf")  # too short to tell: German is assumed
