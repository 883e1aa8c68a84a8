"""The room store: codes, tokens, expiry, validation, rate limiting, and no lost answer when 30
students (in threads, and in two processes with their own connections) answer at once."""

from __future__ import annotations

import multiprocessing
import sqlite3
import threading

import pytest

from gdviz import room_answers, room_codes, rooms
from gdviz.room_codes import RoomError, new_student, normalise_code
from gdviz.rooms import RoomStore


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: float = 1_000_000.0):
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(tmp_path, clock) -> RoomStore:
    return RoomStore(tmp_path / "rooms.sqlite3", clock=clock)


def reason(call, *args) -> str:
    with pytest.raises(RoomError) as error:
        call(*args)
    return error.value.reason


def test_the_schema_is_created_on_first_use_in_wal_mode(tmp_path):
    path = tmp_path / "deep" / "folder" / "rooms.sqlite3"
    RoomStore(path)
    with sqlite3.connect(path) as db:
        tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master")}
        mode = db.execute("PRAGMA journal_mode").fetchone()[0]
    assert {"rooms", "answers", "rate_limits"} <= tables
    assert mode == "wal"
    RoomStore(path)  # a second process opening the same file finds it ready


def test_the_path_comes_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("GDVIZ_ROOMS_DB", str(tmp_path / "mine.sqlite3"))
    assert rooms.default_path() == tmp_path / "mine.sqlite3"
    monkeypatch.delenv("GDVIZ_ROOMS_DB")
    assert rooms.default_path().name == "gdviz-rooms.sqlite3"


def test_codes_are_short_unambiguous_and_not_guessable(store):
    codes = {store.open_room("q", 2).code for _ in range(200)}
    assert len(codes) == 200
    assert all(len(code) == 8 and set(code) <= set(room_codes.CODE_ALPHABET) for code in codes)
    assert not set("01OIL") & set(room_codes.CODE_ALPHABET)
    assert len(room_codes.CODE_ALPHABET) ** room_codes.CODE_LENGTH > 10**11


@pytest.mark.parametrize(
    "raw", ["", "ABC", "ABCD23456", "ABCD-234O", "'; DROP TABLE rooms;--", "ABCD 23\x00", "é" * 8]
)
def test_malformed_codes_are_refused_before_any_lookup(store, raw):
    assert reason(store.room, raw) == "invalid_code"
    assert reason(store.answer, raw, new_student(), 0, "a") == "invalid_code"


def test_unknown_codes_say_so(store):
    assert reason(store.room, "ABCD-2345") == "unknown"
    assert normalise_code(" abcd-2345 ") == "ABCD2345"


def test_rooms_expire_after_four_hours_then_are_purged(store, clock):
    host = store.open_room("q", 2)
    store.answer(host.code, new_student(), 0, "a")
    clock.now += rooms.LIFETIME - 1
    assert store.room(host.code).phase == "open"
    clock.now += 2
    assert reason(store.room, host.code) == "expired"
    assert reason(store.answer, host.code, new_student(), 0, "a") == "expired"
    assert reason(store.lock, host.code, host.token) == "expired"
    assert store.purge() == 1
    assert reason(store.room, host.code) == "unknown"
    assert store.counts(host.code, 0) == {}


def test_only_the_token_of_this_room_controls_it(store):
    host, other = store.open_room("q", 3), store.open_room("q", 3)
    for forged in ("", "x" * 43, other.token, host.token.upper(), host.token + " "):
        assert reason(store.lock, host.code, forged) == "forbidden"
        assert reason(store.reveal, host.code, forged) == "forbidden"
        assert reason(store.advance, host.code, forged, 0) == "forbidden"
        assert reason(store.close, host.code, forged) == "forbidden"
    assert store.room(host.code).phase == "open"
    with sqlite3.connect(store.path) as db:  # only the token's hash is stored
        stored = db.execute("SELECT token_hash FROM rooms WHERE code = ?", (host.code,)).fetchone()
    assert host.token not in stored[0]


def test_phases_and_replayed_requests(store):
    host = store.open_room("q", 2)
    student = new_student()
    store.answer(host.code, student, 0, "a")
    store.answer(host.code, student, 0, "b")  # changed: still one answer
    assert store.counts(host.code, 0) == {"b": 1}
    assert store.lock(host.code, host.token).phase == "locked"
    assert store.lock(host.code, host.token).phase == "locked"  # twice: nothing happens
    assert reason(store.answer, host.code, student, 0, "a") == "locked"
    assert store.reveal(host.code, host.token).phase == "revealed"
    room = store.advance(host.code, host.token, 0)
    assert (room.position, room.phase) == (1, "open")
    assert reason(store.advance, host.code, host.token, 0) == "moved_on"  # a replayed "next"
    assert reason(store.answer, host.code, student, 0, "a") == "moved_on"  # a late answer
    assert reason(store.advance, host.code, host.token, 1) == "last"
    assert store.close(host.code, host.token).phase == "closed"
    assert reason(store.reveal, host.code, host.token) == "closed"  # the token is dead now
    assert reason(store.answer, host.code, student, 1, "a") == "closed"
    assert store.answer_of(host.code, student, 0) == "b"


def test_versions_grow_with_every_teacher_action(store):
    host = store.open_room("q", 3)
    versions = [store.room(host.code).version]
    versions.append(store.lock(host.code, host.token).version)
    versions.append(store.reveal(host.code, host.token).version)
    versions.append(store.advance(host.code, host.token, 0).version)
    assert versions == sorted(set(versions)) and store.room(host.code).version == versions[-1]


@pytest.mark.parametrize(
    ("student", "answer"),
    [("x" * 32, "a"), ("", "a"), ("ab" * 16, ""), ("ab" * 16, "<script>"), ("ab" * 16, "a b"),
     ("ab" * 16, "x" * 25), ("ab" * 16, "**bold**"), ("ab" * 16, "1;DROP")],
)  # fmt: skip
def test_only_well_formed_answers_are_stored(store, student, answer):
    host = store.open_room("q", 1)
    assert reason(store.answer, host.code, student, 0, answer) == "invalid"
    assert store.counts(host.code, 0) == {}


def test_a_student_flooding_answers_is_rate_limited(store, clock):
    host = store.open_room("q", 1)
    flooder, other = new_student(), new_student()
    for i in range(room_answers.RATE_LIMIT):
        store.answer(host.code, flooder, 0, f"a{i % 3}")
    assert reason(store.answer, host.code, flooder, 0, "a") == "rate_limited"
    store.answer(host.code, other, 0, "b")  # others are not held up
    clock.now += room_answers.RATE_WINDOW
    store.answer(host.code, flooder, 0, "c")  # a new window
    assert store.counts(host.code, 0) == {"b": 1, "c": 1}


def test_the_limit_holds_across_store_objects(tmp_path, clock):
    path = tmp_path / "rooms.sqlite3"
    first, second = RoomStore(path, clock=clock), RoomStore(path, clock=clock)
    host = first.open_room("q", 1)
    student = new_student()
    for i in range(room_answers.RATE_LIMIT):
        (first, second)[i % 2].answer(host.code, student, 0, "a")
    assert reason(second.answer, host.code, student, 0, "a") == "rate_limited"


def test_bad_room_sizes_and_huge_quizzes_are_refused(store):
    assert reason(store.open_room, "q", 0) == "invalid"
    assert reason(store.open_room, "q" * (rooms.MAX_QUIZ + 1), 1) == "invalid"


STUDENTS = 30


def _answer_in_threads(path: str, code: str, students: list[tuple[int, str]], barrier) -> None:
    """Each student answers from its own thread, each call on its own connection, all released
    at the same instant; then each changes its mind once."""
    store = RoomStore(path)
    errors = []

    def send(index: int, student: str) -> None:
        try:
            barrier.wait(timeout=30)
            store.answer(code, student, 0, f"c{index % 4}")
            store.answer(code, student, 0, f"c{(index + 1) % 4}")
        except Exception as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=send, args=pair) for pair in students]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]


def _expected(students: int) -> dict[str, int]:
    counts: dict[str, int] = {}
    for index in range(students):
        counts[f"c{(index + 1) % 4}"] = counts.get(f"c{(index + 1) % 4}", 0) + 1
    return counts


def test_30_concurrent_writer_threads_lose_no_answer(tmp_path):
    store = RoomStore(tmp_path / "rooms.sqlite3")
    host = store.open_room("q", 1)
    students = [(index, new_student()) for index in range(STUDENTS)]
    _answer_in_threads(str(store.path), host.code, students, threading.Barrier(STUDENTS))
    counts = store.counts(host.code, 0)
    print(f"threads: {STUDENTS} students sent {2 * STUDENTS} answers; rows {sum(counts.values())}")
    assert sum(counts.values()) == STUDENTS
    assert counts == _expected(STUDENTS)


def _process(path: str, code: str, students: list[tuple[int, str]], barrier) -> None:
    _answer_in_threads(path, code, students, barrier)


def test_30_writers_in_two_processes_lose_no_answer(tmp_path):
    store = RoomStore(tmp_path / "rooms.sqlite3")
    host = store.open_room("q", 1)
    students = [(index, new_student()) for index in range(STUDENTS)]
    context = multiprocessing.get_context("spawn")  # fresh interpreters, own connections
    barrier = context.Barrier(STUDENTS)
    halves = (students[: STUDENTS // 2], students[STUDENTS // 2 :])
    processes = [
        context.Process(target=_process, args=(str(store.path), host.code, half, barrier))
        for half in halves
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=120)
    assert [process.exitcode for process in processes] == [0, 0]
    counts = store.counts(host.code, 0)
    print(f"2 processes: {STUDENTS} students, {2 * STUDENTS} sends; rows {sum(counts.values())}")
    assert sum(counts.values()) == STUDENTS
    assert counts == _expected(STUDENTS)
    with sqlite3.connect(store.path) as db:
        changes = db.execute("SELECT SUM(changes) FROM answers").fetchone()[0]
    assert changes == STUDENTS  # every second answer landed as a change, none lost
