"""What a room's visitors type, hold or send, checked before anything touches the database.

* A room's **code** is 8 characters from 31 unambiguous ones (31⁸ ≈ 8.5·10¹¹ codes): short to
  type, impossible to guess in practice.
* Its **teacher token** (``secrets.token_urlsafe``) is returned once and only its SHA-256 is
  stored (:func:`digest`); it is never part of a join link.
* A **student** is a random anonymous id per session; an **answer** a short choice id or number.

Whatever a student or teacher can get wrong raises :class:`RoomError`, whose text is one of
``MESSAGES``.

>>> normalise_code(" abcd-2345"), display_code("ABCD2345")
('ABCD2345', 'ABCD-2345')
>>> normalise_code("ABCD-234O")
Traceback (most recent call last):
...
gdviz.room_codes.RoomError: A room code is 8 letters and digits, like ABCD-2345.
>>> token_matches("secret", digest("secret")), token_matches("forged", digest("secret"))
(True, False)
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L: read off a projector
CODE_LENGTH = 8
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


class RoomError(ValueError):
    """Something a student or teacher can cause; ``reason`` is a key of ``MESSAGES``."""

    def __init__(self, reason: str):
        super().__init__(MESSAGES[reason])
        self.reason = reason


def new_code() -> str:
    """A random room code: ``CODE_LENGTH`` characters of ``CODE_ALPHABET``."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def new_token() -> str:
    """A teacher's secret token for one room."""
    return secrets.token_urlsafe(32)


def new_student() -> str:
    """A random anonymous id for one student session."""
    return secrets.token_hex(16)


def normalise_code(raw: str) -> str:
    """'abcd-2345 ' → 'ABCD2345'; RoomError('invalid_code') unless 8 allowed characters."""
    code = str(raw)[:40].strip().upper().replace("-", "").replace(" ", "")
    if len(code) != CODE_LENGTH or any(char not in CODE_ALPHABET for char in code):
        raise RoomError("invalid_code")
    return code


def display_code(code: str) -> str:
    """'ABCD2345' → 'ABCD-2345', as the projector shows it."""
    return f"{code[:4]}-{code[4:]}"


def check_answer(student: str, answer: str) -> None:
    """RoomError('invalid') unless ``student`` is an id and ``answer`` has an answer's form."""
    if not STUDENT.fullmatch(str(student)) or not ANSWER.fullmatch(str(answer)):
        raise RoomError("invalid")


def digest(token: str) -> str:
    """The SHA-256 of a teacher token: all the store keeps of it."""
    return hashlib.sha256(str(token).encode()).hexdigest()


def token_matches(token: str, token_hash: str) -> bool:
    """Whether ``token`` is the one whose digest is ``token_hash`` (in constant time)."""
    return hmac.compare_digest(digest(token), token_hash)
