"""The class's answers in a room's SQLite file: one row per student and question, and counts.

Answers are anonymous (a random id per student session); changing an answer updates its row.
Each student may send ``RATE_LIMIT`` answers per ``RATE_WINDOW`` seconds, counted in the
database so the limit holds across processes, and a question takes at most ``MAX_STUDENTS``
students. Every function here takes an open connection and runs inside its caller's
transaction (:class:`gdviz.rooms.RoomStore` checks that the question is open first).

>>> import sqlite3
>>> db = sqlite3.connect(":memory:")
>>> _ = db.executescript(SCHEMA)
>>> student = "0" * 32
>>> record(db, "ABCD2345", student, 0, "diverges", now=0.0)
>>> record(db, "ABCD2345", student, 0, "converges", now=1.0)
>>> counts(db, "ABCD2345", 0), answer_of(db, "ABCD2345", student, 0)
({'converges': 1}, 'converges')
"""

from __future__ import annotations

import sqlite3

from gdviz.room_codes import RoomError

RATE_LIMIT = 20  # answers one student may send …
RATE_WINDOW = 10.0  # … per this many seconds
MAX_STUDENTS = 500  # per question

SCHEMA = """
CREATE TABLE IF NOT EXISTS answers (
    code TEXT NOT NULL,
    position INTEGER NOT NULL,
    student TEXT NOT NULL,
    answer TEXT NOT NULL,
    changes INTEGER NOT NULL DEFAULT 0,
    updated REAL NOT NULL,
    PRIMARY KEY (code, position, student)
);
CREATE TABLE IF NOT EXISTS rate_limits (
    code TEXT NOT NULL,
    student TEXT NOT NULL,
    window_start REAL NOT NULL,
    sent INTEGER NOT NULL,
    PRIMARY KEY (code, student)
);
"""


def record(
    db: sqlite3.Connection, code: str, student: str, position: int, answer: str, now: float
) -> None:
    """Count one answer against the student's rate limit, then store (or change) it;
    RoomError('rate_limited') or ('full') instead."""
    (sent,) = db.execute(
        "INSERT INTO rate_limits (code, student, window_start, sent) VALUES (?, ?, ?, 1) "
        "ON CONFLICT (code, student) DO UPDATE SET "
        "sent = CASE WHEN excluded.window_start - window_start >= ? THEN 1 "
        "ELSE sent + 1 END, "
        "window_start = CASE WHEN excluded.window_start - window_start >= ? "
        "THEN excluded.window_start ELSE window_start END "
        "RETURNING sent",
        (code, student, now, RATE_WINDOW, RATE_WINDOW),
    ).fetchone()
    if sent > RATE_LIMIT:
        raise RoomError("rate_limited")
    known = db.execute(
        "SELECT 1 FROM answers WHERE code = ? AND position = ? AND student = ?",
        (code, position, student),
    ).fetchone()
    if known is None:
        (count,) = db.execute(
            "SELECT COUNT(*) FROM answers WHERE code = ? AND position = ?",
            (code, position),
        ).fetchone()
        if count >= MAX_STUDENTS:
            raise RoomError("full")
    db.execute(
        "INSERT INTO answers (code, position, student, answer, updated) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT (code, position, student) DO UPDATE SET "
        "answer = excluded.answer, changes = changes + 1, updated = excluded.updated",
        (code, position, student, answer, now),
    )


def answer_of(db: sqlite3.Connection, code: str, student: str, position: int) -> str | None:
    """The answer this student has given to question ``position`` (None if none yet)."""
    rows = db.execute(
        "SELECT answer FROM answers WHERE code = ? AND position = ? AND student = ?",
        (code, position, student),
    ).fetchall()
    return rows[0][0] if rows else None


def counts(db: sqlite3.Connection, code: str, position: int) -> dict[str, int]:
    """How many students gave each answer to question ``position``."""
    rows = db.execute(
        "SELECT answer, COUNT(*) FROM answers WHERE code = ? AND position = ? "
        "GROUP BY answer ORDER BY answer",
        (code, position),
    ).fetchall()
    return dict(rows)


def purge(db: sqlite3.Connection, now: float) -> None:
    """Delete the answers and rate-limit counters of the rooms that expired by ``now``."""
    db.execute(
        "DELETE FROM answers WHERE code IN (SELECT code FROM rooms WHERE expires <= ?)", (now,)
    )
    db.execute(
        "DELETE FROM rate_limits WHERE code IN (SELECT code FROM rooms WHERE expires <= ?)",
        (now,),
    )
