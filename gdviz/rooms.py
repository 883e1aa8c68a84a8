"""Live rooms for a class: a teacher opens one, students answer from their phones.

One SQLite file (standard library; WAL mode, so readers never block the writer) holds every
room, answer and rate-limit counter, shared by every server process that opens the same path:
``$GDVIZ_ROOMS_DB``, else ``gdviz-rooms.sqlite3`` in the system's temporary folder. The schema
is created on first use. Every statement is parameterised; every write is one ``BEGIN
IMMEDIATE`` transaction, and ``busy_timeout`` makes concurrent writers wait their turn rather
than fail, so 30 students answering in the same second lose nothing.

* A room's **code** is 8 characters from 31 unambiguous ones (31⁸ ≈ 8.5·10¹¹ codes): short to
  type, impossible to guess in practice. Rooms expire ``LIFETIME`` after they open.
* Its **teacher token** (``secrets.token_urlsafe``) is returned once and only its SHA-256 is
  stored; lock, reveal, next and close need it. It is never part of a join link.
* **Answers** are anonymous: a random id per student session, one row per student and
  question (changing an answer updates the row), accepted only while that question is open.
  Each student may send ``RATE_LIMIT`` answers per ``RATE_WINDOW`` seconds, counted in the
  database so the limit holds across processes.

>>> import tempfile, pathlib
>>> store = RoomStore(pathlib.Path(tempfile.mkdtemp()) / "rooms.sqlite3")
>>> host = store.open_room("quiz-link", size=3)
>>> student = new_student()
>>> store.answer(host.code, student, 0, "diverges")
>>> store.counts(host.code, 0)
{'diverges': 1}
>>> store.lock(host.code, "forged-token")
Traceback (most recent call last):
...
gdviz.rooms.RoomError: Only the teacher who opened this room can do that.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import re
import secrets
import sqlite3
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

LIFETIME = 4 * 3600.0  # seconds a room stays open
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L: read off a projector
CODE_LENGTH = 8
RATE_LIMIT = 20  # answers one student may send …
RATE_WINDOW = 10.0  # … per this many seconds
MAX_STUDENTS = 500  # per question
MAX_OPEN_ROOMS = 2_000
MAX_QUIZ = 8_000  # characters of the quiz link a room holds
BUSY_TIMEOUT = 10.0  # seconds a writer waits for the lock before giving up
PHASES = ("open", "locked", "revealed", "closed")
ANSWER = re.compile(r"[A-Za-z0-9_.+-]{1,24}")
STUDENT = re.compile(r"[0-9a-f]{32}")

MESSAGES = {
    "invalid_code": "A room code is 8 letters and digits, like ABCD-2345.",
    "unknown": "There is no room with this code. Check it with your teacher.",
    "expired": "This room has expired (rooms last 4 hours). Ask your teacher for a new one.",
    "closed": "Your teacher has closed this room.",
    "locked": "Answers are locked for this question.",
    "moved_on": "Your teacher has moved on to another question.",
    "last": "This was the last question.",
    "rate_limited": "Too many answers in a few seconds: wait a moment, then send it again.",
    "forbidden": "Only the teacher who opened this room can do that.",
    "full": "This question already has the most answers a room takes.",
    "invalid": "That answer cannot be sent.",
    "busy": "Too many rooms are open right now. Try again in a while.",
}

SCHEMA = """
CREATE TABLE IF NOT EXISTS rooms (
    code TEXT PRIMARY KEY,
    token_hash TEXT NOT NULL,
    quiz TEXT NOT NULL,
    size INTEGER NOT NULL,
    position INTEGER NOT NULL DEFAULT 0,
    phase TEXT NOT NULL DEFAULT 'open',
    version INTEGER NOT NULL DEFAULT 0,
    created REAL NOT NULL,
    expires REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS rooms_expiry ON rooms (expires);
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


class RoomError(ValueError):
    """Something a student or teacher can cause; ``reason`` is a key of ``MESSAGES``."""

    def __init__(self, reason: str):
        super().__init__(MESSAGES[reason])
        self.reason = reason


@dataclass(frozen=True)
class Room:
    """A room as everyone sees it (the token's hash never leaves the store)."""

    code: str
    quiz: str
    size: int
    position: int  # 0-based question number
    phase: str  # open → locked → revealed; closed at the end
    version: int  # grows with every teacher action: pages redraw when it changes
    expires: float


@dataclass(frozen=True)
class Host:
    """What opening a room returns: its code and the teacher's secret token."""

    code: str
    token: str


def default_path() -> Path:
    """``$GDVIZ_ROOMS_DB``, else ``gdviz-rooms.sqlite3`` in the temporary folder."""
    configured = os.environ.get("GDVIZ_ROOMS_DB", "").strip()
    return Path(configured) if configured else Path(tempfile.gettempdir()) / "gdviz-rooms.sqlite3"


def new_student() -> str:
    """A random anonymous id for one student session."""
    return secrets.token_hex(16)


def normalise_code(raw: str) -> str:
    """'abcd-2345 ' → 'ABCD2345'; RoomError('invalid_code') unless 8 allowed characters.

    >>> normalise_code(" abcd-2345"), display_code("ABCD2345")
    ('ABCD2345', 'ABCD-2345')
    """
    code = str(raw)[:40].strip().upper().replace("-", "").replace(" ", "")
    if len(code) != CODE_LENGTH or any(char not in CODE_ALPHABET for char in code):
        raise RoomError("invalid_code")
    return code


def display_code(code: str) -> str:
    return f"{code[:4]}-{code[4:]}"


def _digest(token: str) -> str:
    return hashlib.sha256(str(token).encode()).hexdigest()


class RoomStore:
    """The rooms in one SQLite file (one connection per call, so any thread or process may
    use it)."""

    def __init__(self, path: Path | str | None = None, clock: Callable[[], float] = time.time):
        self.path = Path(path) if path is not None else default_path()
        self.clock = clock
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.closing(self._connect()) as connection:
            connection.execute("PRAGMA journal_mode=WAL")
            connection.executescript(f"BEGIN IMMEDIATE;{SCHEMA}COMMIT;")

    def _connect(self) -> sqlite3.Connection:
        connection = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT, isolation_level=None)
        connection.execute("PRAGMA synchronous=NORMAL")  # durable enough in WAL mode
        return connection

    @contextlib.contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, taking the write lock up front (no upgrade deadlocks)."""
        with contextlib.closing(self._connect()) as connection:
            connection.execute("BEGIN IMMEDIATE")
            try:
                yield connection
            except BaseException:
                connection.execute("ROLLBACK")
                raise
            connection.execute("COMMIT")

    def _read(self, sql: str, parameters: tuple) -> list[tuple]:
        with contextlib.closing(self._connect()) as connection:
            return connection.execute(sql, parameters).fetchall()

    # --- the teacher --------------------------------------------------------------------------

    def open_room(self, quiz: str, size: int) -> Host:
        """A new room over ``quiz`` (a link of ``size`` challenges), open at its first one."""
        if not 1 <= int(size) <= 100 or len(quiz) > MAX_QUIZ:
            raise RoomError("invalid")
        token = secrets.token_urlsafe(32)
        now = self.clock()
        with self._write() as db:
            self._purge(db, now)
            (count,) = db.execute("SELECT COUNT(*) FROM rooms").fetchone()
            if count >= MAX_OPEN_ROOMS:
                raise RoomError("busy")
            while True:
                code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
                try:
                    db.execute(
                        "INSERT INTO rooms (code, token_hash, quiz, size, created, expires) "
                        "VALUES (?, ?, ?, ?, ?, ?)",
                        (code, _digest(token), quiz, int(size), now, now + LIFETIME),
                    )
                    break
                except sqlite3.IntegrityError:  # the code exists: draw another
                    continue
        return Host(code, token)

    def lock(self, code: str, token: str) -> Room:
        """No more answers (or changes) for the current question."""
        return self._act(code, token, lambda room: ("locked", room.position), ("open",))

    def reveal(self, code: str, token: str) -> Room:
        """Show the answer and the class's distribution (locks answers too)."""
        return self._act(code, token, lambda room: ("revealed", room.position), ("open", "locked"))

    def advance(self, code: str, token: str, position: int) -> Room:
        """Open the question after ``position``; a repeated (or replayed) request for a
        question already left does nothing, so a double click never skips one."""

        def step(room: Room) -> tuple[str, int]:
            if room.position != position:
                raise RoomError("moved_on")
            if position + 1 >= room.size:
                raise RoomError("last")
            return "open", position + 1

        return self._act(code, token, step, ("open", "locked", "revealed"))

    def close(self, code: str, token: str) -> Room:
        """End the room: students see that it is closed; the token controls nothing anymore."""
        return self._act(code, token, lambda room: ("closed", room.position), PHASES[:3])

    def _act(self, code: str, token: str, change, allowed: tuple[str, ...]) -> Room:
        code = normalise_code(code)
        with self._write() as db:
            room, token_hash = self._row(db, code)
            if not hmac.compare_digest(_digest(token), token_hash):
                raise RoomError("forbidden")
            if room.phase == "closed":
                raise RoomError("closed")
            if room.phase not in allowed:
                return room  # already there (locking twice): nothing to do
            phase, position = change(room)
            db.execute(
                "UPDATE rooms SET phase = ?, position = ?, version = version + 1 WHERE code = ?",
                (phase, position, code),
            )
        return Room(code, room.quiz, room.size, position, phase, room.version + 1, room.expires)

    # --- everyone -----------------------------------------------------------------------------

    def room(self, code: str) -> Room:
        """The room with this code; RoomError('unknown' / 'expired' / 'invalid_code')."""
        code = normalise_code(code)
        with contextlib.closing(self._connect()) as db:
            return self._row(db, code)[0]

    def _row(self, db: sqlite3.Connection, code: str) -> tuple[Room, str]:
        row = db.execute(
            "SELECT quiz, size, position, phase, version, expires, token_hash FROM rooms "
            "WHERE code = ?",
            (code,),
        ).fetchone()
        if row is None:
            raise RoomError("unknown")
        quiz, size, position, phase, version, expires, token_hash = row
        if expires <= self.clock():
            raise RoomError("expired")
        return Room(code, quiz, size, position, phase, version, expires), token_hash

    def answer(self, code: str, student: str, position: int, answer: str) -> None:
        """Record (or change) a student's answer to question ``position``.

        Only while that question is open; ``answer`` must already be one of the question's
        choice ids or a number (the page checks it against the question; the store checks its
        form, so that nothing else can ever be stored)."""
        code = normalise_code(code)
        if not STUDENT.fullmatch(str(student)) or not ANSWER.fullmatch(str(answer)):
            raise RoomError("invalid")
        now = self.clock()
        with self._write() as db:
            room, _ = self._row(db, code)
            if room.phase == "closed":
                raise RoomError("closed")
            if room.position != position:
                raise RoomError("moved_on")
            if room.phase != "open":
                raise RoomError("locked")
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

    def answer_of(self, code: str, student: str, position: int) -> str | None:
        """The answer this student has given to question ``position`` (None if none yet)."""
        rows = self._read(
            "SELECT answer FROM answers WHERE code = ? AND position = ? AND student = ?",
            (normalise_code(code), int(position), str(student)),
        )
        return rows[0][0] if rows else None

    def counts(self, code: str, position: int) -> dict[str, int]:
        """How many students gave each answer to question ``position``."""
        rows = self._read(
            "SELECT answer, COUNT(*) FROM answers WHERE code = ? AND position = ? "
            "GROUP BY answer ORDER BY answer",
            (normalise_code(code), int(position)),
        )
        return dict(rows)

    def purge(self) -> int:
        """Delete expired rooms with their answers; how many rooms went."""
        with self._write() as db:
            return self._purge(db, self.clock())

    @staticmethod
    def _purge(db: sqlite3.Connection, now: float) -> int:
        db.execute(
            "DELETE FROM answers WHERE code IN (SELECT code FROM rooms WHERE expires <= ?)", (now,)
        )
        db.execute(
            "DELETE FROM rate_limits WHERE code IN (SELECT code FROM rooms WHERE expires <= ?)",
            (now,),
        )
        return db.execute("DELETE FROM rooms WHERE expires <= ?", (now,)).rowcount
