"""Shared fixtures: real knowledge files written to temporary directories."""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.assistant import Assistant
from bot.clock import Clock
from bot.knowledge.hours import HolidayCalendar
from bot.knowledge.loader import load_knowledge
from bot.knowledge.manager import KnowledgeManager
from bot.search.classifiers import DANGER_MODEL, SCOPE_MODEL, load_classifier
from bot.search.crosslingual import load_subspace
from bot.search.embedding import DEFAULT_EMBEDDER, load_embedder
from bot.search.engine import MeaningSource
from bot.search.vectors import VectorCache
from bot.storage.database import Database
from bot.storage.revisions import RevisionStore

ROOT = Path(__file__).resolve().parent.parent
SHIPPED_KNOWLEDGE = ROOT / "knowledge"
# One vector cache for the whole test run, shared by every bot process it starts: the
# shipped knowledge is embedded once (see the ``meaning`` fixture), not once per bot. The
# workers of ``pytest -n`` (pytest-xdist) share their run's cache too.
RUN_ID = os.environ.get("PYTEST_XDIST_TESTRUNUID") or str(os.getpid())
SHARED_VECTORS = Path(tempfile.gettempdir()) / f"caseworker-bot-tests-{RUN_ID}" / "vectors.sqlite3"
BERLIN = ZoneInfo("Europe/Berlin")
E2E_TESTS = ROOT / "tests" / "e2e"

# A small but complete knowledge base: two districts, a closing office, an emergency entry.
MINIMAL = {
    "categories.yaml": """\
        categories:
          - id: notruf
            label: Notruf
          - id: polizei
            label: Polizei
          - id: behoerden
            label: Behörden
        """,
    "places.yaml": """\
        places:
          - name: Lahr
            aliases: [Lahr/Schwarzwald, Sulz, Kippenheimweiler]
            tags: [revier-lahr]
          - name: Hausach
            tags: [revier-haslach]
        synonyms:
          - [Polizei, Revier, Bullen]
        """,
    "entries.yaml": """\
        entries:
          - id: notruf
            title: Notruf 110 und 112
            category: notruf
            keywords: [Notruf, Notfall]
            text: Bei akuter Gefahr sofort 110 oder 112 wählen.
            urgent: true
            verified: 2026-11-20
            contacts:
              - name: Polizei-Notruf
                phone: "110"
                hours: "24/7"
          - id: polizei-lahr
            title: Polizeirevier Lahr
            category: polizei
            keywords: [Revier Lahr]
            scope: [revier-lahr]
            text: Das Revier Lahr ist für Lahr zuständig.
            contacts:
              - name: Polizeirevier Lahr
                phone: "+49 7821 277-0"
          - id: polizei-haslach
            title: Polizeirevier Haslach
            category: polizei
            keywords: [Revier Haslach]
            scope: [revier-haslach]
            text: Das Revier Haslach ist für Hausach zuständig.
          - id: migrationsamt
            title: Migrationsamt
            category: behoerden
            keywords: [Ausländerbehörde, Aufenthalt]
            text: Das Migrationsamt ist für Aufenthaltsfragen zuständig.
            verified: 2026-11-01
            contacts:
              - name: Migrationsamt
                phone: "0781 805 1660"
                email: migrationsamt@ortenaukreis.de
                hours: "Mo-Fr 08:00-16:00"
                after_hours: notruf
        """,
}


MINIMAL = {name: textwrap.dedent(text) for name, text in MINIMAL.items()}


@pytest.hookimpl(tryfirst=True)  # before ``-m`` deselects by marker
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Markers no test has to remember: every test in tests/e2e/ is ``e2e``; every other test
    on the semantic stage (the ``meaning`` fixture) is ``slow``, as the session first embeds
    the shipped knowledge for it (about 20 s)."""
    for item in items:
        if item.path.resolve().is_relative_to(E2E_TESTS):
            item.add_marker(pytest.mark.e2e)
        elif "meaning" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.slow)


def write_files(directory: Path, files: dict[str, str]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        path = directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return directory


@pytest.fixture
def minimal_dir(tmp_path: Path) -> Path:
    return write_files(tmp_path / "knowledge", MINIMAL)


@pytest.fixture
def make_knowledge(tmp_path: Path) -> Callable[[dict[str, str]], Path]:
    """Write MINIMAL with some files replaced (text) and return the directory."""
    counter = iter(range(1000))

    def make(changes: dict[str, str]) -> Path:
        files = {**MINIMAL, **changes}
        return write_files(tmp_path / f"knowledge{next(counter)}", files)

    return make


@asynccontextmanager
async def knowledge_manager(
    directory: Path, database: Path, now: dt.datetime
) -> AsyncIterator[KnowledgeManager]:
    """The knowledge manager of a running bot over ``directory`` (clock fixed at ``now``,
    revisions in a new database file ``database``), as the bot builds it."""
    clock = Clock(BERLIN, now)
    knowledge = load_knowledge(directory, today=clock.today()).knowledge
    assert knowledge is not None
    assistant = Assistant(knowledge, clock, HolidayCalendar("BW"))
    db = await Database.open(database)
    yield KnowledgeManager(directory, assistant, RevisionStore(db), clock, 180)
    await db.close()


def run_cli(
    *args: str, stdin: str = "", env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """``python -m bot ARGS`` from the repository, without any TELEGRAM_* setting of ours."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("TELEGRAM_")}
    environment.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=environment,
        timeout=60,
    )


def clock_at(text: str) -> Clock:
    return Clock(BERLIN, dt.datetime.fromisoformat(text).replace(tzinfo=BERLIN))


@pytest.fixture(scope="session")
def shipped() -> Assistant:
    """The assistant over the shipped knowledge, as the bot would start it."""
    result = load_knowledge(SHIPPED_KNOWLEDGE, today=dt.date(2026, 11, 25))
    assert result.knowledge is not None, "\n".join(map(str, result.errors))
    return Assistant(result.knowledge, Clock(BERLIN), HolidayCalendar("BW"))


@pytest.fixture(scope="session", autouse=True)
def _shared_vector_cache() -> None:
    """Every command the tests run as a subprocess (CLI, console) uses the session's
    vector cache, so the knowledge is embedded once per session, not once per command."""
    os.environ.setdefault("VECTOR_CACHE_PATH", str(SHARED_VECTORS))


@pytest.fixture(scope="session")
def meaning() -> MeaningSource:
    """The real semantic stage (bundled model) over the session's shared vector cache,
    with the shipped knowledge already embedded."""
    loaded = load_embedder(DEFAULT_EMBEDDER)
    assert loaded.embedder is not None, loaded.problem
    model_id = loaded.embedder.model_id
    source = MeaningSource(
        loaded.embedder,
        VectorCache(SHARED_VECTORS),
        load_classifier(model_id, DANGER_MODEL),
        load_subspace(model_id),
        load_classifier(model_id, SCOPE_MODEL),
    )
    knowledge = load_knowledge(SHIPPED_KNOWLEDGE).knowledge
    assert knowledge is not None
    # With pytest -n, one worker embeds; the others wait and find the vectors in the cache.
    with one_at_a_time(SHARED_VECTORS.with_suffix(".lock")):
        source.meaning(knowledge, list(knowledge.entries.values()))
    return source


@contextmanager
def one_at_a_time(lock: Path) -> Iterator[None]:
    """An exclusive lock on the file ``lock``, across the processes of a test run."""
    lock.parent.mkdir(parents=True, exist_ok=True)
    with lock.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


@pytest.fixture(scope="session")
def semantic_shipped(meaning: MeaningSource) -> Assistant:
    """The assistant over the shipped knowledge with the semantic stage, fixed clock."""
    knowledge = load_knowledge(SHIPPED_KNOWLEDGE).knowledge
    assert knowledge is not None
    clock = Clock(BERLIN)
    assistant = Assistant(knowledge, clock, HolidayCalendar("BW"), meaning, embed_now=None)
    assert assistant.semantic_ready
    return assistant
