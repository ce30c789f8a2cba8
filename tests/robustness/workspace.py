"""Mutated copies of the shipped knowledge, and what loading them must (not) do.

Kept apart from the tests so worker processes can import it: the 500 loads are spread over
the machine's cores.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import time
from pathlib import Path

from bot.knowledge.loader import LoadResult, load_knowledge
from tests.conftest import SHIPPED_KNOWLEDGE
from tests.robustness.mutations import MUTATORS, Mutation, mutate

TODAY = dt.date(2026, 11, 25)
LOAD_TIMEOUT = 10.0  # seconds; loose on purpose, a load takes milliseconds
_LINE_BREAK = re.compile(r"\r\n|[\r\n\x85\u2028\u2029]")  # what YAML counts as a new line

ORIGINALS = {path.name: path.read_bytes() for path in sorted(SHIPPED_KNOWLEDGE.glob("*.yaml"))}


class Workspace:
    """A copy of the shipped knowledge that one mutation at a time is applied to."""

    def __init__(self, directory: Path, *, copy: bool = True) -> None:
        self.directory = directory
        if copy:
            shutil.copytree(SHIPPED_KNOWLEDGE, directory)

    def apply(self, mutation: Mutation) -> None:
        for name, data in mutation.files.items():
            (self.directory / name).write_bytes(data)

    def restore(self, mutation: Mutation) -> None:
        for name in mutation.files:
            (self.directory / name).write_bytes(ORIGINALS[name])


def mutation(seed: int) -> Mutation:
    """The first seeds put every kind of mutation once on every file; the rest mix at random."""
    kinds, names = sorted(MUTATORS), sorted(ORIGINALS)
    if seed < len(kinds) * len(names):
        name = names[seed // len(kinds)]
        return mutate({name: ORIGINALS[name]}, seed, kind=kinds[seed % len(kinds)])
    return mutate(ORIGINALS, seed)


def misreported(result: LoadResult, directory: Path) -> list[str]:
    """What is wrong with a load result: it must be a knowledge without errors, or no
    knowledge and errors, each problem naming a file of ``directory`` and a line in it."""
    if result.knowledge is not None:
        return [f"knowledge loaded, yet an error: {p}" for p in result.errors]
    if not result.errors:
        return ["no knowledge, but no error either"]
    wrong = []
    for problem in result.problems:
        path = Path(problem.file)
        if path.parent != directory or path.name not in ORIGINALS:
            wrong.append(f"names no file of the knowledge: {problem}")
        elif not str(problem).startswith(f"{path}:{problem.line}: "):
            wrong.append(f"not FILE:LINE: message: {problem}")
        else:
            text = path.read_bytes().decode("utf-8", errors="replace")
            if not 1 <= problem.line <= len(_LINE_BREAK.findall(text)) + 1:
                wrong.append(f"line outside the file: {problem}")
    return wrong


def check_seeds(first: int, last: int, directory: str) -> list[str]:
    """Load the mutations of seeds ``first`` to ``last`` - 1; return what went wrong.

    Runs in a worker process: an exception or a slow load becomes a message, not a crash.
    """
    workspace = Workspace(Path(directory))
    failures: list[str] = []
    for seed in range(first, last):
        case = mutation(seed)
        workspace.apply(case)
        started = time.perf_counter()
        try:
            result = load_knowledge(workspace.directory, today=TODAY)
        except Exception as exc:  # the property under test: this never happens
            failures.append(f"{case}: load_knowledge raised {exc!r}")
            workspace.restore(case)
            continue
        elapsed = time.perf_counter() - started
        if elapsed > LOAD_TIMEOUT:
            failures.append(f"{case}: load_knowledge took {elapsed:.1f} s")
        failures.extend(f"{case}: {issue}" for issue in misreported(result, workspace.directory))
        workspace.restore(case)
    return failures
