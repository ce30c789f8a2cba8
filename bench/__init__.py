"""Benchmarks of caseworker-bot; results go to docs/benchmarks.md.

Run ``python -m bench.search`` (``--quick`` for a smoke run of a few seconds).
"""

# The bot's own process settings (one BLAS thread, see bot/__init__.py) must hold here too,
# before any benchmark module imports numpy: measured is what the bot runs.
import bot  # noqa: F401
