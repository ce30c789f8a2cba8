"""Measuring search quality over a questions file (``caseworker-bot eval``).

A questions file is a YAML list of ``{q: str, expect: id | [ids] | null, place?: str,
urgent?: bool, kind?: str, lang?: str}``; ``null`` means the knowledge cannot answer and the
search must decline. ``place`` optionally names the town the question is about; without it
the recognised town is used to count wrong-place answers. ``urgent`` says whether 110/112
must come first (urgent recall and precision are counted over the questions that say);
``kind`` and ``lang`` group the figures.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bot.assistant import Answer, Assistant


@dataclass(frozen=True, slots=True)
class Question:
    q: str
    expect: tuple[str, ...] | None  # None: must decline
    place: str | None = None
    urgent: bool | None = None
    kind: str | None = None
    lang: str | None = None


@dataclass
class Report:
    n: int
    top1: float
    top3: float
    mrr: float
    declined: float
    wrong_place: int
    p50_ms: float
    p99_ms: float
    failures: list[str] = field(default_factory=list)
    urgent_recall: float | None = None  # share of urgent questions answered as urgent
    urgent_precision: float | None = None  # share of urgent answers to urgent questions
    by_group: dict[str, dict[str, float | int]] = field(default_factory=dict)

    def to_json(self) -> dict[str, object]:
        return {
            "n": self.n,
            "top1": round(self.top1, 4),
            "top3": round(self.top3, 4),
            "mrr": round(self.mrr, 4),
            "declined": round(self.declined, 4),
            "wrong_place": self.wrong_place,
            "p50_ms": round(self.p50_ms, 3),
            "p99_ms": round(self.p99_ms, 3),
            "urgent_recall": _rounded(self.urgent_recall),
            "urgent_precision": _rounded(self.urgent_precision),
            "by_group": self.by_group,
        }


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def read_questions(path: Path) -> list[Question]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, list):
        raise ValueError(f"{path}: expected a list of questions")
    questions = []
    for number, item in enumerate(data, 1):
        if not isinstance(item, dict) or "q" not in item or "expect" not in item:
            raise ValueError(f"{path}: item {number} needs 'q' and 'expect'")
        expect = item["expect"]
        ids = None if expect is None else tuple([expect] if isinstance(expect, str) else expect)
        urgent = item.get("urgent")
        questions.append(
            Question(
                str(item["q"]),
                ids,
                item.get("place"),
                None if urgent is None else bool(urgent),
                item.get("kind"),
                item.get("lang"),
            )
        )
    return questions


def percentile(values: Sequence[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def evaluate(
    questions: Sequence[Question],
    ask: Callable[[str], Answer],
    assistant: Assistant,
) -> Report:
    """Run every question through ``ask`` and score the answers."""
    latencies: list[float] = []
    answerable = top1 = top3 = 0
    reciprocal = 0.0
    unanswerable = declined = wrong_place = 0
    failures: list[str] = []
    flagged = flagged_right = labelled_urgent = caught = 0
    groups: dict[str, list[int]] = {}  # group -> [answerable, top1, unanswerable, declined]
    for question in questions:
        started = time.perf_counter()
        answer = ask(question.q)
        latencies.append((time.perf_counter() - started) * 1000)
        ranked = [h.entry.id for h in answer.results] if answer.outcome != "none" else []
        if question.urgent is not None:
            flagged += answer.urgent
            flagged_right += answer.urgent and question.urgent
            labelled_urgent += question.urgent
            caught += question.urgent and answer.urgent
            if question.urgent and not answer.urgent:
                failures.append(f"URGENT MISSED {question.q!r}")
            if answer.urgent and not question.urgent:
                failures.append(f"FALSE ALARM {question.q!r}")
        right = answer.outcome != "none" and bool(ranked) and ranked[0] in (question.expect or ())
        for group in filter(
            None,
            (question.kind and f"kind:{question.kind}", question.lang and f"lang:{question.lang}"),
        ):
            counts = groups.setdefault(group, [0, 0, 0, 0])
            if question.expect is None:
                counts[2] += 1
                counts[3] += answer.outcome == "none"
            else:
                counts[0] += 1
                counts[1] += right
        if _wrong_place(answer, question, assistant):
            wrong_place += 1
            failures.append(f"WRONG PLACE {question.q!r}: {ranked[:1]}")
        if question.expect is None:
            unanswerable += 1
            if answer.outcome == "none":
                declined += 1
            else:
                failures.append(f"NOT DECLINED {question.q!r}: {answer.outcome} {ranked[:3]}")
            continue
        answerable += 1
        rank = next((i for i, eid in enumerate(ranked, 1) if eid in question.expect), None)
        if rank == 1:
            top1 += 1
        else:
            failures.append(
                f"TOP1 MISS {question.q!r}: expected {list(question.expect)}, got "
                f"{answer.outcome} {ranked[:3]}"
            )
        if rank is not None and rank <= 3:
            top3 += 1
        if rank is not None:
            reciprocal += 1 / rank
    return Report(
        n=len(questions),
        top1=top1 / answerable if answerable else 0.0,
        top3=top3 / answerable if answerable else 0.0,
        mrr=reciprocal / answerable if answerable else 0.0,
        declined=declined / unanswerable if unanswerable else 0.0,
        wrong_place=wrong_place,
        p50_ms=statistics.median(latencies) if latencies else 0.0,
        p99_ms=percentile(latencies, 0.99),
        failures=failures,
        urgent_recall=caught / labelled_urgent if labelled_urgent else None,
        urgent_precision=flagged_right / flagged if flagged else None,
        by_group={
            group: {
                "answerable": a,
                "top1": round(t / a, 4) if a else 0.0,
                "unanswerable": u,
                "declined": round(d / u, 4) if u else 0.0,
            }
            for group, (a, t, u, d) in sorted(groups.items())
        },
    )


def _wrong_place(answer: Answer, question: Question, assistant: Assistant) -> bool:
    """The top result is scoped to somewhere other than the town the question names."""
    if answer.outcome == "none" or not answer.results:
        return False
    named = assistant.find_place(question.place) if question.place else None
    if named is None and answer.place_source == "question":
        named = answer.place
    if named is None:
        return False
    top = answer.results[0].entry
    return bool(top.scope) and set(top.scope).isdisjoint(named.tags)
