"""Faults in the knowledge: whatever happens to the files, loading reports it and never breaks.

500 seeded mutations of the shipped files (truncation, indentation, wrong types, binary
garbage, > 2 MiB, 10,000-deep nesting, alias bombs, duplicated and unknown keys, lost lines,
invalid UTF-8, values YAML itself refuses, phone numbers and hours their parsers trip over;
see ``mutations.py``). For each: ``load_knowledge`` returns in time, without an exception,
either a knowledge or errors that each name a file of the directory and a line in it. A
broken reload never replaces the working knowledge, and ``caseworker-bot validate`` ends
with 0 or 1, never a traceback.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import shutil
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.knowledge.loader import load_knowledge
from bot.knowledge.manager import KnowledgeManager
from tests.conftest import BERLIN, ROOT, SHIPPED_KNOWLEDGE, knowledge_manager
from tests.robustness.mutations import MUTATORS, Mutation, mutate
from tests.robustness.workspace import ORIGINALS, TODAY, Workspace, check_seeds, mutation

MUTATIONS = 500
BATCHES = 10
BATCH_TIMEOUT = 120.0  # seconds for 50 loads that take a few: only a hang gets near it


def test_the_shipped_knowledge_loads() -> None:
    """The starting point of every mutation is valid."""
    assert load_knowledge(SHIPPED_KNOWLEDGE, today=TODAY).ok


def test_every_kind_of_mutation_changes_the_file() -> None:
    """Each mutator changes the file it is given (else the tests below prove little)."""
    for kind in MUTATORS:
        case = mutate(ORIGINALS, seed=1, kind=kind)
        [(name, data)] = case.files.items()
        assert data != ORIGINALS[name], kind


def test_most_mutations_break_the_knowledge(tmp_path: Path) -> None:
    """The mix is hostile enough: a sample of seeds mostly yields errors, not knowledge."""
    workspace = Workspace(tmp_path / "knowledge")
    broken = 0
    for seed in range(0, MUTATIONS, 25):
        case = mutation(seed)
        workspace.apply(case)
        broken += not load_knowledge(workspace.directory, today=TODAY).ok
        workspace.restore(case)
    assert broken >= 0.7 * len(range(0, MUTATIONS, 25))


@pytest.mark.slow  # hundreds of broken knowledge bases
def test_mutated_knowledge_loads_or_names_file_and_line(tmp_path: Path) -> None:
    """500 seeds, spread over worker processes: no exception, no load over 10 s, and either
    a valid knowledge or errors that each say FILE:LINE: for a file of the directory."""
    per_batch = MUTATIONS // BATCHES
    workers = max(1, min(os.cpu_count() or 1, 4))
    with multiprocessing.get_context("spawn").Pool(workers) as pool:
        batches = [
            pool.apply_async(
                check_seeds, (b * per_batch, (b + 1) * per_batch, str(tmp_path / f"k{b}"))
            )
            for b in range(BATCHES)
        ]
        failures = [f for batch in batches for f in batch.get(timeout=BATCH_TIMEOUT)]
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("phone", ["001", "00200"])
def test_a_phone_number_the_phone_library_trips_over_is_an_error_not_a_crash(
    phone: str, tmp_path: Path
) -> None:
    """'001' made the phone check raise NumberParseException out of load_knowledge (and so
    out of `validate`, a reload, an upload); now it is an error naming the file."""
    workspace = Workspace(tmp_path / "knowledge")
    path = workspace.directory / "notruf.yaml"
    text = path.read_text(encoding="utf-8")
    assert 'phone: "110"' in text
    path.write_text(text.replace('phone: "110"', f'phone: "{phone}"', 1), encoding="utf-8")
    result = load_knowledge(workspace.directory, today=TODAY)
    assert result.knowledge is None
    assert [str(p).startswith(f"{path}:") for p in result.errors] == [True]


# -- the running bot: a broken reload keeps the working knowledge ------------------------


@pytest.fixture
async def manager(tmp_path: Path) -> AsyncIterator[KnowledgeManager]:
    directory = tmp_path / "knowledge"
    shutil.copytree(SHIPPED_KNOWLEDGE, directory)
    now = dt.datetime(2026, 11, 25, 10, 0, tzinfo=BERLIN)
    async with knowledge_manager(directory, tmp_path / "bot.sqlite3", now) as manager:
        yield manager


def still_answers(manager: KnowledgeManager) -> str | None:
    best = manager.live.answer("polizei hausach").best
    return best.id if best else None


async def test_a_broken_reload_never_replaces_the_working_knowledge(
    manager: KnowledgeManager,
) -> None:
    """30 mutations on disk, each picked up by a reload: broken ones change nothing."""
    workspace = Workspace(manager.directory, copy=False)
    working = manager.knowledge.version
    broken = 0
    for seed in range(10_000, 10_030):
        case = mutate(ORIGINALS, seed)
        workspace.apply(case)
        outcome = await manager.reload_from_disk()
        if outcome.changed:  # the mutation left valid knowledge: fine, go back to the original
            workspace.restore(case)
            assert (await manager.reload_from_disk()).changed
        else:
            broken += 1
            assert outcome.problems, case
            assert manager.knowledge.version == working, case
            assert still_answers(manager) == "polizei-haslach", case
            workspace.restore(case)
            assert not (await manager.reload_from_disk()).changed
        assert manager.knowledge.version == working
    assert broken >= 18  # most mutations break the knowledge, so the property is exercised


# -- the command line --------------------------------------------------------------------


@pytest.mark.slow  # the command line, once per mutation
def test_validate_command_reports_and_never_shows_a_traceback(tmp_path: Path) -> None:
    """``python -m bot validate --knowledge DIR`` on mutated copies: exit 0 or 1, no traceback."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TELEGRAM")}
    env["PYTHONPATH"] = str(ROOT)
    runs: list[tuple[Mutation, subprocess.Popen[str]]] = []
    try:
        for seed, kind in enumerate(sorted(MUTATORS)[:10]):
            case = mutate(ORIGINALS, seed, kind=kind)
            workspace = Workspace(tmp_path / f"knowledge-{kind}")
            workspace.apply(case)
            command = [
                sys.executable,
                "-m",
                "bot",
                "validate",
                "--knowledge",
                str(workspace.directory),
            ]
            process = subprocess.Popen(
                command,
                cwd=tmp_path,  # no .env of the developer is read
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                encoding="utf-8",
                errors="replace",
            )
            runs.append((case, process))
        for case, process in runs:
            stdout, stderr = process.communicate(timeout=60)
            assert process.returncode in (0, 1), f"{case}: {process.returncode}\n{stderr}"
            assert "Traceback" not in stderr, f"{case}:\n{stderr}"
            if process.returncode == 1:
                assert "Fehler" in stdout.splitlines()[-1], f"{case}:\n{stdout}"
    finally:
        for _, process in runs:
            if process.poll() is None:
                process.kill()
                process.wait()
