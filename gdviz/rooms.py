"""Live rooms for a class: a teacher opens one, students answer from their phones.

One SQLite file (standard library; WAL mode, so readers never block the writer) holds every
room, answer and rate-limit counter, shared by every server process that opens the same path:
``$GDVIZ_ROOMS_DB``, else ``gdviz-rooms.sqlite3`` in the system's temporary folder. The schema
is created on first use. Every statement is parameterised; every write is one ``BEGIN
IMMEDIATE`` transaction, and ``busy_timeout`` makes concurrent writers wait their turn rather
than fail, so 30 students answering in the same second lose nothing.

* A room (its code, quiz link, question and phase) expires ``LIFETIME`` after it opens; lock,
  reveal, next and close need the teacher token that opening it returned. Codes, tokens and
  what students send are checked by :mod:`gdviz.room_codes`.
* **Answers** are accepted only while their question is open; storing, rate-limiting and
  counting them is :mod:`gdviz.room_answers`.

>>> import tempfile, pathlib
>>> from gdviz.room_codes import new_student
>>> store = RoomStore(pathlib.Path(tempfile.mkdtemp()) / "rooms.sqlite3")
>>> host = store.open_room("quiz-link", size=3)
>>> student = new_student()
>>> store.answer(host.code, student, 0, "diverges")
>>> store.counts(host.code, 0)
{'diverges': 1}
>>> store.lock(host.code, "forged-token")
Traceback (most recent call last):
...
gdviz.room_codes.RoomError: Only the teacher who opened this room can do that.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from gdviz import room_answers
from gdviz.room_codes import (
    RoomError,
    check_answer,
    digest,
    new_code,
    new_token,
    normalise_code,
    token_matches,
)

LIFETIME = 4 * 3600.0  # seconds a room stays open
MAX_OPEN_ROOMS = 2_000
MAX_QUIZ = 8_000  # characters of the quiz link a room holds
BUSY_TIMEOUT = 10.0  # seconds a writer waits for the lock before giving up
PHASES = ("open", "locked", "revealed", "closed")

# The rooms table; the tables of their answers are room_answers.SCHEMA.
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
"""


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


class RoomStore:
    """The rooms in one SQLite file (one connection per call, so any thread or process may
    use it)."""

    def __init__(self, path: Path | str | None = None, clock: Callable[[], float] = time.time):
        self.path = Path(path) if path is not None else default_path()
        self.clock = clock
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.closing(self._connect()) as connection:
            connection.execute("PRAGMA journal_mode=WAL")
            connection.executescript(f"BEGIN IMMEDIATE;{SCHEMA}{room_answers.SCHEMA}COMMIT;")

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

    # --- the teacher --------------------------------------------------------------------------

    def open_room(self, quiz: str, size: int) -> Host:
        """A new room over ``quiz`` (a link of ``size`` challenges), open at its first one."""
        if not 1 <= int(size) <= 100 or len(quiz) > MAX_QUIZ:
            raise RoomError("invalid")
        token = new_token()
        now = self.clock()
        with self._write() as db:
            self._purge(db, now)
            (count,) = db.execute("SELECT COUNT(*) FROM rooms").fetchone()
            if count >= MAX_OPEN_ROOMS:
                raise RoomError("busy")
            while True:
                code = new_code()
                try:
                    db.execute(
                        "INSERT INTO rooms (code, token_hash, quiz, size, created, expires) "
                        "VALUES (?, ?, ?, ?, ?, ?)",
                        (code, digest(token), quiz, int(size), now, now + LIFETIME),
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
            if not token_matches(token, token_hash):
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
        check_answer(student, answer)
        now = self.clock()
        with self._write() as db:
            room, _ = self._row(db, code)
            if room.phase == "closed":
                raise RoomError("closed")
            if room.position != position:
                raise RoomError("moved_on")
            if room.phase != "open":
                raise RoomError("locked")
            room_answers.record(db, code, student, position, answer, now)

    def answer_of(self, code: str, student: str, position: int) -> str | None:
        """The answer this student has given to question ``position`` (None if none yet)."""
        code = normalise_code(code)
        with contextlib.closing(self._connect()) as db:
            return room_answers.answer_of(db, code, str(student), int(position))

    def counts(self, code: str, position: int) -> dict[str, int]:
        """How many students gave each answer to question ``position``."""
        code = normalise_code(code)
        with contextlib.closing(self._connect()) as db:
            return room_answers.counts(db, code, int(position))

    def purge(self) -> int:
        """Delete expired rooms with their answers; how many rooms went."""
        with self._write() as db:
            return self._purge(db, self.clock())

    @staticmethod
    def _purge(db: sqlite3.Connection, now: float) -> int:
        room_answers.purge(db, now)
        return db.execute("DELETE FROM rooms WHERE expires <= ?", (now,)).rowcount
