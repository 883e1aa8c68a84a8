"""The server's idle clean-up: once no session is left, the shared caches are emptied."""

from __future__ import annotations

from types import SimpleNamespace

import streamlit as st

from app_pages import views, warmup


def sessions(count: int):
    manager = SimpleNamespace(num_sessions=lambda: count)
    return SimpleNamespace(_session_mgr=manager)


@st.cache_resource
def _kept(value: int) -> list:
    return [value]


def fill():
    """A fresh shared() cache and a cache_resource entry, each holding one value."""
    square = views.shared(4)(lambda v: v * v)
    square(3)
    _kept(1)
    return square


def test_caches_are_kept_while_a_session_remains_and_emptied_when_none_does(monkeypatch):
    square = fill()
    first = _kept(1)
    monkeypatch.setattr(warmup.runtime, "exists", lambda: True)
    monkeypatch.setattr(warmup.runtime, "get_instance", lambda: sessions(1))
    warmup.release_memory()  # one session kept for a reconnect: nothing forgotten
    assert square.cache_info().currsize == 1 and _kept(1) is first
    monkeypatch.setattr(warmup.runtime, "get_instance", lambda: sessions(0))
    warmup.release_memory()
    assert square.cache_info().currsize == 0
    assert _kept(1) is not first  # st.cache_resource emptied too
    assert warmup.objective.cache_info().currsize > 0  # the start-up parses stay
    views.SHARED.remove(square)


def test_without_a_runtime_nothing_is_forgotten(monkeypatch):
    square = fill()
    monkeypatch.setattr(warmup.runtime, "exists", lambda: False)
    warmup.release_memory()
    assert square.cache_info().currsize == 1
    views.SHARED.remove(square)
