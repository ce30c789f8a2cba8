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
    # 3: escalations, their delivery outbox, alert messages and the append-only audit.
    """
    CREATE TABLE escalations (
        id INTEGER PRIMARY KEY,
        created_at TEXT NOT NULL,
        reporter_id INTEGER NOT NULL,
        reporter_name TEXT NOT NULL DEFAULT '',
        kind TEXT NOT NULL,
        urgency TEXT NOT NULL CHECK (urgency IN ('akut', 'heute', 'woche')),
        place TEXT,
        team TEXT,
        description TEXT,
        status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'taken', 'resolved')),
        taken_by INTEGER,
        taken_by_name TEXT,
        taken_at TEXT,
        resolved_by INTEGER,
        resolved_at TEXT,
        outcome TEXT,
        reminders_sent INTEGER NOT NULL DEFAULT 0,
        last_alert_at TEXT NOT NULL,
        admins_alerted INTEGER NOT NULL DEFAULT 0,
        erased_at TEXT
    );
    CREATE INDEX escalations_by_status ON escalations (status, urgency);
    CREATE INDEX escalations_by_time ON escalations (created_at);
    CREATE TABLE outbox (
        id INTEGER PRIMARY KEY,
        escalation_id INTEGER NOT NULL REFERENCES escalations (id),
        purpose TEXT NOT NULL,
        chat_id INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at TEXT NOT NULL,
        in_flight_since TEXT,
        delivered_at TEXT,
        redelivered INTEGER NOT NULL DEFAULT 0,
        message_id INTEGER,
        last_error TEXT
    );
    CREATE INDEX outbox_due ON outbox (delivered_at, next_attempt_at);
    CREATE TABLE audit (
        id INTEGER PRIMARY KEY,
        escalation_id INTEGER,
        at TEXT NOT NULL,
        actor_id INTEGER,
        actor_name TEXT,
        action TEXT NOT NULL,
        detail TEXT
    );
    CREATE INDEX audit_by_escalation ON audit (escalation_id, id);
    CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
        BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;
    CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
        BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;
    """,
    # 4: knowledge revisions: every change of a knowledge file, with full old and new text.
    """
    CREATE TABLE revisions (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        actor_id INTEGER,
        actor_name TEXT,
        source TEXT NOT NULL CHECK (source IN ('edit', 'upload', 'rollback', 'disk')),
        file TEXT NOT NULL,
        old_content TEXT,
        new_content TEXT,
        summary TEXT NOT NULL DEFAULT '',
        state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'applied', 'failed'))
    );
    CREATE INDEX revisions_by_file ON revisions (file, id);
    """,
)
