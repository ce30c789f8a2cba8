"""What every benchmark report needs: the machine and code it ran on, and its section of
the docs."""

from __future__ import annotations

import os
import platform
import subprocess
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

DOCS_INTRO = """# Benchmarks

Measured results of caseworker-bot. Each section is written by the benchmark named in it,
between its own markers; rerun the command shown to update a section. Timings come from a
shared machine: compare runs on the same machine, not across machines.
"""


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def load_average() -> str:
    """The 1-minute load average: other work on a shared machine slows every timing."""
    try:
        return f"{os.getloadavg()[0]:.2f}"
    except OSError:
        return "unknown"


def write_section(path: Path, name: str, section: str) -> None:
    """Replace the section ``name`` of ``path`` between its markers, leaving the rest alone.

    A missing file is created with the intro; a missing section is appended.
    """
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    block = f"{start}\n{section}\n{end}"
    text = path.read_text(encoding="utf-8") if path.exists() else DOCS_INTRO
    if start in text and end in text:
        before, rest = text.split(start, 1)
        after = rest.split(end, 1)[1]
        text = before + block + after
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def code_revision() -> str:
    """The commit measured, and whether bot/ or knowledge/ differed from it (read-only git)."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        changed = subprocess.run(
            ["git", "status", "--porcelain", "--", "bot", "knowledge"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.splitlines()
    except (OSError, subprocess.CalledProcessError):
        return "unknown (no git)"
    if not changed:
        return f"commit {head}"
    files = ", ".join(line[3:] for line in changed)
    return f"commit {head} plus uncommitted changes in {files}"


def package_version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "?"
