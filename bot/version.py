"""The commit the bot runs from (for /version): git's HEAD of the checkout, if it is one."""

from __future__ import annotations

import functools
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@functools.cache
def running_commit() -> str | None:
    """The short commit hash of the checkout the bot runs from; None if it is no git checkout
    (e.g. installed as a package) or git is missing."""
    if not (ROOT / ".git").exists():  # not a parent repository that merely contains the venv
        return None
    try:
        result = subprocess.run(
            ["git", "rev-parse", "--short=12", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    commit = result.stdout.strip()
    return commit if result.returncode == 0 and commit else None
