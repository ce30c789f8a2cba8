"""Schema migrations, applied in order; never edit one that has shipped, append a new one.

Migration N brings a database from ``user_version`` N-1 to N. Statements are separated by
``;`` at the end of a line.
"""

from __future__ import annotations

MIGRATIONS: tuple[str, ...] = (
    # 1: registered people and their invitations.
    """
    CREATE TABLE users (
        user_id INTEGER PRIMARY KEY,
        role TEXT NOT NULL CHECK (role IN ('caseworker', 'lead', 'admin')),
        display_name TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL,
        invited_by INTEGER
    );
    CREATE TABLE invites (
        code_hash TEXT PRIMARY KEY,
        role TEXT NOT NULL CHECK (role IN ('caseworker', 'lead', 'admin')),
        created_by INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        used_by INTEGER,
        used_at TEXT
    );
    """,
    # 2: the user's town and last activity, the question log and feedback.
    """
    ALTER TABLE users ADD COLUMN place TEXT;
    ALTER TABLE users ADD COLUMN last_seen TEXT;
    CREATE TABLE questions (
        id INTEGER PRIMARY KEY,
        asked_at TEXT NOT NULL,
        user_id INTEGER NOT NULL,
        question TEXT NOT NULL,
        outcome TEXT NOT NULL CHECK (outcome IN ('answer', 'choose', 'none')),
        top_id TEXT,
        latency_ms REAL NOT NULL
    );
    CREATE INDEX questions_by_time ON questions (asked_at);
    CREATE TABLE feedback (
        id INTEGER PRIMARY KEY,
        given_at TEXT NOT NULL,
        user_id INTEGER NOT NULL,
        entry_id TEXT NOT NULL,
        helpful INTEGER NOT NULL CHECK (helpful IN (0, 1)),
        question TEXT
    );
    CREATE INDEX feedback_by_time ON feedback (given_at);
    CREATE TABLE start_attempts (
        user_id INTEGER NOT NULL,
        attempted_at TEXT NOT NULL
    );
    CREATE INDEX start_attempts_by_user ON start_attempts (user_id, attempted_at);
    """,
)
