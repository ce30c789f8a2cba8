"""SQLite storage: the database with its migrations, users, the question log, revisions.

Internal: ``migrations`` (applied by :class:`bot.storage.database.Database`).
"""

__all__ = [
    "database",
    "questions",
    "revisions",
    "users",
]
