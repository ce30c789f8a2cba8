"""Changing the live knowledge safely: validate, write atomically, record, swap.

Every change goes the same way, whatever its source (a quick edit, an uploaded file, a
rollback, a change on disk): the whole knowledge is validated *with* the change; only then
is the file replaced (temporary file + rename), a revision recorded with the full old and
new content, and the live index swapped in one step. A broken change never replaces the
working knowledge.
"""

from __future__ import annotations

import asyncio
import logging
import os
import tempfile
import unicodedata
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import Generic, Protocol, TypeVar

from bot.clock import Clock
from bot.knowledge.base import Knowledge
from bot.knowledge.diff import Review, review
from bot.knowledge.loader import (
    LoadResult,
    ParseCache,
    Problem,
    load_knowledge,
    read_directory,
)
from bot.knowledge.model import Entry
from bot.storage.revisions import Revision, RevisionStore

log = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 512 * 1024
_ANY = object()
_UNSAFE_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}
EMERGENCY_ENTRY = "notruf"
EMERGENCY_NUMBERS = frozenset({"110", "112"})
# A problem message, German like every message of the loader and the checks: team leads
# read it verbatim with file and line (in Telegram and from ``validate``).
EMERGENCY_REMOVED = (
    "Der Eintrag '{id}' muss die Notrufnummern 110 und 112 behalten; danach fehlt {numbers}."
)
# change(): no expectation about the file's current content


class ChangeRefused(ValueError):
    """The change cannot be applied; ``problems`` say why, each with its file and line."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


class ChangedMeanwhile(RuntimeError):
    """The file changed on disk since the change was reviewed (another lead applied one).

    Applying anyway would silently undo that other change: the change must be reviewed
    again against the current file.
    """

    def __init__(self, file: str) -> None:
        super().__init__(f"{file} changed since the review")
        self.file = file


@dataclass
class Proposal:
    """A validated change, not yet applied: what it would do, or why it cannot be done."""

    file: str
    new_text: str | None  # None: the file is deleted
    result: LoadResult
    review: Review = field(default_factory=Review)
    base: str | None = None  # the file as it was when the change was reviewed (None: absent)

    @property
    def ok(self) -> bool:
        return self.result.knowledge is not None


@dataclass
class ReloadOutcome:
    changed: bool
    problems: list[Problem]
    review: Review | None = None


Index = TypeVar("Index")


class LiveIndex(Protocol[Index]):
    """What the manager needs of the search side (:class:`bot.assistant.Assistant` is one):
    the live knowledge, an index built for new knowledge (in a worker thread), the swap."""

    @property
    def knowledge(self) -> Knowledge: ...

    def build_index(self, knowledge: Knowledge) -> Index: ...

    def swap(self, index: Index) -> None: ...


class KnowledgeManager(Generic[Index]):
    """Injected with the :class:`LiveIndex` to rebuild, so knowledge never imports search."""

    def __init__(
        self,
        directory: Path,
        live: LiveIndex[Index],
        revisions: RevisionStore,
        clock: Clock,
        stale_after_days: int,
    ) -> None:
        self.directory = directory
        self.live = live
        self.revisions = revisions
        self.clock = clock
        self.stale_after_days = stale_after_days
        self._lock = asyncio.Lock()
        self._parsed = ParseCache()  # an edit of one file parses only that file
        self.last_reload_problems: tuple[str, ...] = ()

    @property
    def knowledge(self) -> Knowledge:
        return self.live.knowledge

    @staticmethod
    def valid_name(name: str) -> str | None:
        """A safe file name inside the knowledge directory, or None (no paths, only *.yaml).

        Control and format characters (NUL, newlines, the right-to-left override that makes
        "evil\u202elmay.yaml" look harmless) are refused: the name is shown to every lead.
        """
        if any(unicodedata.category(c) in _UNSAFE_CATEGORIES for c in name):
            return None
        pure = PurePosixPath(name.replace("\\", "/"))
        if len(pure.parts) != 1 or not pure.name.endswith(".yaml") or pure.name.startswith("."):
            return None
        return pure.name

    # -- proposing and applying --------------------------------------------------------------

    def propose(self, file: str, new_text: str | None) -> Proposal:
        """Validate the whole knowledge with ``file`` replaced (or removed)."""
        base = _read(self.directory / file)
        result = load_knowledge(
            self.directory,
            today=self.clock.today(),
            stale_after_days=self.stale_after_days,
            overrides={file: new_text},
            cache=self._parsed,
        )
        result = self._for_leads(result)
        if result.knowledge is not None:
            kept = _emergency_numbers_kept(self.knowledge, result.knowledge, file, new_text)
            if kept is not None:
                result = LoadResult(None, [*result.problems, kept])
        proposal = Proposal(file, new_text, result, base=base)
        if result.knowledge is not None:
            proposal.review = review(self.knowledge, result.knowledge)
        return proposal

    async def apply(
        self,
        proposal: Proposal,
        *,
        actor_id: int | None,
        actor_name: str | None,
        source: str,
    ) -> tuple[int, Review]:
        """Write, record and swap in a proposal; returns the revision id and the review.

        The proposal is validated again under the lock: the disk may have changed since.
        If its file changed since the review, :class:`ChangedMeanwhile` is raised and
        nothing is written: the lead must see the other change before overwriting it.
        """
        return await self.change(
            proposal.file,
            proposal.new_text,
            actor_id=actor_id,
            actor_name=actor_name,
            source=source,
            expected=proposal.base,
        )

    def changed_since(self, proposal: Proposal) -> Review:
        """What happened to the proposal's file since its review (the other lead's change)."""
        at_review = load_knowledge(
            self.directory,
            today=self.clock.today(),
            stale_after_days=self.stale_after_days,
            overrides={proposal.file: proposal.base},
            cache=self._parsed,
        )
        if at_review.knowledge is None:
            return Review()
        return review(at_review.knowledge, self.knowledge)

    async def change(
        self,
        file: str,
        new_text: str | None,
        *,
        actor_id: int | None,
        actor_name: str | None,
        source: str,
        expected: str | object | None = _ANY,
    ) -> tuple[int, Review]:
        """Validate, write, record and swap in one step (:class:`ChangeRefused` if invalid).

        With ``expected`` (the file's content at the review, None for "absent") a file that
        differs from it is not overwritten: :class:`ChangedMeanwhile`.
        """
        async with self._lock:
            if expected is not _ANY and _read(self.directory / file) != expected:
                raise ChangedMeanwhile(file)
            # Parsing and indexing a large knowledge base takes a while: in a worker thread,
            # so the bot keeps answering meanwhile.
            fresh = await asyncio.to_thread(self.propose, file, new_text)
            if fresh.result.knowledge is None:
                raise ChangeRefused(fresh.result.errors)
            index = await asyncio.to_thread(self.live.build_index, fresh.result.knowledge)
            path = self.directory / file
            old_text = _read(path)
            revision_id = await self.revisions.begin(
                now=self.clock.now(),
                actor_id=actor_id,
                actor_name=actor_name,
                source=source,
                file=file,
                old_content=old_text,
                new_content=new_text,
                summary=fresh.review.summary(),
            )
            try:
                _write_atomically(path, new_text)
            except OSError:
                await self.revisions.finish(revision_id, applied=False)
                raise
            await self.revisions.finish(revision_id, applied=True)
            self.live.swap(index)
            log.info(
                "knowledge revision %s applied (%s): %s",
                revision_id,
                source,
                fresh.review.summary(),
            )
            return revision_id, fresh.review

    async def rollback(
        self, revision_id: int, *, actor_id: int | None, actor_name: str | None
    ) -> tuple[int, Review]:
        """Restore a file to its content before ``revision_id``; itself a new revision."""
        revision = await self.revisions.get(revision_id)
        if revision is None or revision.state != "applied":
            raise KeyError(revision_id)
        return await self.change(
            revision.file,
            revision.old_content,
            actor_id=actor_id,
            actor_name=actor_name,
            source="rollback",
        )

    # -- changes made directly on disk -------------------------------------------------------

    async def reload_from_disk(self) -> ReloadOutcome:
        """Pick up edits made on disk; a broken state keeps the working knowledge."""
        async with self._lock:
            result = await asyncio.to_thread(
                load_knowledge,
                self.directory,
                today=self.clock.today(),
                stale_after_days=self.stale_after_days,
                cache=self._parsed,
            )
            result = self._for_leads(result)
            if result.knowledge is None:
                return ReloadOutcome(False, result.errors)
            self.last_reload_problems = ()  # healthy again: the next breakage is news
            old = self.knowledge
            if result.knowledge.version == old.version:
                return ReloadOutcome(False, [])
            changes = review(old, result.knowledge)
            index = await asyncio.to_thread(self.live.build_index, result.knowledge)
            now = self.clock.now()
            names = set(old.files) | set(result.knowledge.files)
            for name in sorted(names):
                before, after = old.files.get(name), result.knowledge.files.get(name)
                if before != after:
                    revision_id = await self.revisions.begin(
                        now=now,
                        actor_id=None,
                        actor_name=None,
                        source="disk",
                        file=name,
                        old_content=before,
                        new_content=after,
                        summary=changes.summary(),
                    )
                    await self.revisions.finish(revision_id, applied=True)
            self.live.swap(index)
            log.info("knowledge reloaded from disk: %s", changes.summary())
            return ReloadOutcome(True, [], changes)

    def _for_leads(self, result: LoadResult) -> LoadResult:
        """Problems name files relative to the knowledge directory: leads see "polizei.yaml",
        not where the server keeps it."""
        prefix = f"{self.directory}{os.sep}"
        problems = [
            replace(p, file=p.file.removeprefix(prefix)) if p.file.startswith(prefix) else p
            for p in result.problems
        ]
        return LoadResult(result.knowledge, problems)

    def new_problems(self, problems: list[Problem]) -> bool:
        """True the first time this exact set of problems is seen (tell the leads once)."""
        key = tuple(str(p) for p in problems)
        if key == self.last_reload_problems:
            return False
        self.last_reload_problems = key
        return bool(key)

    async def recover(self) -> list[Revision]:
        """At start-up: settle revisions a crash left pending (applied if the file shows it)."""
        settled = []
        for revision in await self.revisions.pending():
            path = self.directory / revision.file
            on_disk = path.read_text(encoding="utf-8") if path.exists() else None
            await self.revisions.finish(revision.id, applied=on_disk == revision.new_content)
            settled.append(revision)
        return settled

    def files(self) -> dict[str, str]:
        """The current files on disk, by name (for /wissen)."""
        return read_directory(self.directory)


def _emergency_numbers_kept(
    old: Knowledge, new: Knowledge, file: str, new_text: str | None
) -> Problem | None:
    """A problem if the change takes 110 or 112 away from the emergency entry.

    Nobody may lose the emergency numbers through an edit or an upload, however valid the
    rest of the file is.
    """
    before = old.entries.get(EMERGENCY_ENTRY)
    if before is None or not _phones(before) >= EMERGENCY_NUMBERS:
        return None
    after = new.entries.get(EMERGENCY_ENTRY)
    missing = EMERGENCY_NUMBERS - (_phones(after) if after is not None else set())
    if not missing:
        return None
    lines = (new_text or "").splitlines()
    line = next((n for n, text in enumerate(lines, 1) if f"id: {EMERGENCY_ENTRY}" in text), 1)
    message = EMERGENCY_REMOVED.format(id=EMERGENCY_ENTRY, numbers=" und ".join(sorted(missing)))
    return Problem(file, line, message)


def _phones(entry: Entry) -> set[str]:
    return {"".join(c.phone.split()) for c in entry.contacts if c.phone}


def _read(path: Path) -> str | None:
    """The file's text, or None if it does not exist."""
    try:
        # As the loader reads it: a byte that is not UTF-8 must not crash a change that
        # replaces the broken file.
        return path.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return None


def _write_atomically(path: Path, text: str | None) -> None:
    """Replace ``path`` in one step: a reader sees the old or the new file, never half."""
    if text is None:
        path.unlink(missing_ok=True)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)
