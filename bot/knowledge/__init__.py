"""The knowledge: its format, loading and checking, editing, changing it live, reports.

Imports go one way: this package uses :mod:`bot.normalize`, :mod:`bot.clock` and
:mod:`bot.storage`, never the search, the assistant, the render layer or Telegram. The
manager is given the live index to rebuild (:class:`bot.knowledge.manager.LiveIndex`).
Internal: ``yamlsource`` (line numbers for the loader).
"""

__all__ = [
    "base",
    "checks",
    "diff",
    "edit",
    "hours",
    "loader",
    "manager",
    "model",
    "phones",
    "reports",
]
