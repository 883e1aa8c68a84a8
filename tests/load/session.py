"""One browser tab without the browser: Streamlit's websocket protocol spoken from asyncio.

A browser tab GETs the page (nginx sets its pin cookie there), opens ``/_stcore/stream`` and sends
a ``rerun_script`` BackMsg; the server answers with ForwardMsgs until ``script_finished``. On every
later change the tab sends the state of every widget it shows, the URL's query string and the
hashes of the large messages it still holds, so the server sends a short reference instead of a
chart it already sent (``cached_message_hashes``; a message unused for two runs is dropped, as in
the browser's ForwardMsgCache). This class does the same, with the ``websockets`` package that
Streamlit itself depends on.

Widgets are addressed by their ``key=``: Streamlit's widget ids end in ``-<key>``.
"""

from __future__ import annotations

import asyncio
import time
import urllib.request
from dataclasses import dataclass, field

from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidStatus

MAX_CACHED_AGE = 2  # Streamlit's global.maxCachedMessageAge: runs a message may go unused
FINISHED = ForwardMsg.ScriptFinishedStatus.Value("FINISHED_SUCCESSFULLY")
EARLY = ForwardMsg.ScriptFinishedStatus.Value("FINISHED_EARLY_FOR_RERUN")
FRAGMENT_DONE = ForwardMsg.ScriptFinishedStatus.Value("FINISHED_FRAGMENT_RUN_SUCCESSFULLY")


class Disconnected(Exception):
    """The websocket closed (or could not open) while a run was under way."""


@dataclass
class Run:
    """What one script run sent back: time to ``script_finished``, bytes, and what went wrong."""

    seconds: float = 0.0
    bytes: int = 0
    messages: int = 0
    references: int = 0  # charts the server did not resend because this tab held them
    exceptions: list[str] = field(default_factory=list)  # st.exception elements (tracebacks)
    errors: list[str] = field(default_factory=list)  # st.error boxes, as text
    warnings: list[str] = field(default_factory=list)
    page_not_found: str | None = None
    status: int | None = None  # ScriptFinishedStatus, None until it finished
    charts: int = 0


def _widget_key(widget_id: str) -> str:
    """``$$ID-<hash>-<key>`` → ``key`` (the part after the hash; keys may contain '-')."""
    parts = widget_id.split("-", 2)
    return parts[2] if len(parts) == 3 else widget_id


def initial_state(kind: str, element) -> WidgetState | None:
    """The value a browser reports for a widget it has just drawn, for the kinds gdviz uses with
    plain values (the others report nothing until touched, which leaves the server's value)."""
    state = WidgetState(id=element.id)
    if kind == "number_input":
        state.double_value = element.value if element.set_value else element.default
    elif kind in ("text_input", "text_area"):
        state.string_value = element.value if element.set_value else element.default
    elif kind in ("selectbox", "radio"):
        if element.set_value:
            state.string_value = element.raw_value
        elif 0 <= element.default < len(element.options):
            state.string_value = element.options[element.default]
        else:
            return None
    elif kind == "checkbox":
        state.bool_value = element.value if element.set_value else element.default
    else:
        return None
    return state


def set_value(state: WidgetState, value) -> None:
    """Put a Python value in the field the widget's kind reads (bool before int: a bool is one)."""
    if isinstance(value, bool):
        state.bool_value = value
    elif isinstance(value, (int, float)):
        state.double_value = float(value)
    elif isinstance(value, str):
        state.string_value = value
    elif isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
        state.string_array_value.data[:] = list(value)
    else:
        raise TypeError(f"no widget value for {value!r}")


class Session:
    """A Streamlit session as a browser tab drives it: open a page, change widgets, rerun."""

    def __init__(self, base_url: str, page: str = "", query: str = "", timeout: float = 60):
        self.base_url = base_url.rstrip("/")
        self.page, self.query, self.timeout = page, query, timeout
        self.cookies: dict[str, str] = {}  # e.g. nginx's worker pin, set on the first GET
        self.session_id = ""  # the server's, sent on reconnect as a browser does
        self.page_script_hash = ""
        self.widgets: dict[str, str] = {}  # key → widget id, from the last run
        self.fragments: dict[str, str] = {}  # widget id → the st.fragment it is drawn in
        self.states: dict[str, WidgetState] = {}  # widget id → the value this tab holds
        self.cache: dict[str, tuple[int, ForwardMsg]] = {}  # hash → (last used run, message)
        self.runs = 0
        self._socket = None

    async def open(self) -> Run:
        """GET the page as a browser does (keeping the cookie), connect, and run the script."""
        await asyncio.to_thread(self._get_page)
        await self._connect()
        return await self.rerun({})

    async def reconnect(self) -> Run:
        """What Streamlit's client does after the connection dropped: connect again with the old
        session id and rerun with the widget values it still holds."""
        await self.close()
        await self._connect()
        return await self.rerun({})

    async def rerun(self, changes: dict) -> Run:
        """Change widgets (by key) and wait for the run they trigger to finish: the fragment's
        own run when they all sit in one ``st.fragment`` (as the browser asks), else the page's."""
        for key, value in changes.items():
            widget_id = self.widgets.get(key)
            if widget_id is None:
                raise KeyError(f"no widget with key {key!r} here; there are {sorted(self.widgets)}")
            state = self.states.setdefault(widget_id, WidgetState(id=widget_id))
            set_value(state, value)
        message = BackMsg()
        client = message.rerun_script
        client.query_string = self.query
        client.page_name = self.page
        client.page_script_hash = self.page_script_hash
        client.widget_states.widgets.extend(self.states.values())
        client.cached_message_hashes.extend(self.cache)
        ids = {self.widgets[key] for key in changes}
        scopes = {self.fragments.get(widget_id, "") for widget_id in ids}
        client.fragment_id = scopes.pop() if len(scopes) == 1 else ""
        start = time.perf_counter()
        try:
            await self._socket.send(message.SerializeToString())
            run = await asyncio.wait_for(self._receive_run(client.fragment_id), self.timeout)
        except TimeoutError:
            raise
        except (ConnectionClosed, OSError) as error:
            raise Disconnected(str(error) or type(error).__name__) from error
        run.seconds = time.perf_counter() - start
        return run

    async def close(self) -> None:
        if self._socket is not None:
            await self._socket.close()
            self._socket = None

    # --- the protocol -------------------------------------------------------------------------

    @property
    def cookie(self) -> str:
        """The ``Cookie`` header this tab sends."""
        return "; ".join(f"{name}={value}" for name, value in self.cookies.items())

    def remember(self, set_cookie_headers) -> None:
        """Keep the cookies of ``Set-Cookie`` headers, as a browser does (attributes aside)."""
        for header in set_cookie_headers or []:
            name, _, value = header.split(";", 1)[0].partition("=")
            self.cookies[name.strip()] = value.strip()

    def _get_page(self) -> None:
        """GET the page like a browser's first request; the cookie nginx sets pins the worker."""
        request = urllib.request.Request(f"{self.base_url}/{self.page}")
        if self.cookies:
            request.add_header("Cookie", self.cookie)
        with urllib.request.urlopen(request, timeout=self.timeout) as response:
            response.read()
            self.remember(response.headers.get_all("Set-Cookie"))

    async def _connect(self) -> None:
        url = self.base_url.replace("http", "ws", 1) + "/_stcore/stream"
        protocols = ["streamlit", "xsrf-unused", self.session_id] if self.session_id else None
        headers = {"Cookie": self.cookie} if self.cookies else {}
        try:
            self._socket = await connect(
                url,
                subprotocols=protocols or ["streamlit"],
                additional_headers=headers,
                max_size=None,
                open_timeout=self.timeout,
                ping_interval=None,  # the browser sends no pings; Streamlit's own heartbeats aside
            )
        except (OSError, InvalidHandshake, InvalidStatus, TimeoutError) as error:
            raise Disconnected(f"connect: {error}") from error
        # nginx re-pins a browser whose worker is gone to the one that took its session
        self.remember(self._socket.response.headers.get_all("Set-Cookie"))

    async def _receive_run(self, fragment: str = "") -> Run:
        """ForwardMsgs until ``script_finished``; a fragment's run redraws only that fragment."""
        run, drawn = Run(), {}
        self.runs += 1
        while True:
            data = await self._socket.recv()
            run.bytes += len(data)
            run.messages += 1
            message = ForwardMsg()
            message.ParseFromString(data)
            kind = message.WhichOneof("type")
            if kind == "ref_hash":
                run.references += 1
                cached = self.cache.get(message.ref_hash)
                if cached is None:
                    run.exceptions.append(f"reference to a message never received: {kind}")
                    continue
                self.cache[message.ref_hash] = (self.runs, cached[1])
                message = cached[1]
                kind = "delta"
            elif message.metadata.cacheable:
                self.cache[message.hash] = (self.runs, message)
            if kind == "new_session":
                self.session_id = message.new_session.initialize.session_id or self.session_id
            elif kind == "navigation":  # the page st.navigation ran (new_session names app.py)
                self.page_script_hash = message.navigation.page_script_hash
            elif kind == "page_info_changed":
                self.query = message.page_info_changed.query_string
            elif kind == "page_not_found":
                run.page_not_found = message.page_not_found.page_name or "(main)"
            elif kind == "delta" and message.delta.WhichOneof("type") == "new_element":
                self._read_element(message.delta.new_element, run, drawn, message.delta.fragment_id)
            elif kind == "session_event" and message.session_event.HasField(
                "script_compilation_exception"
            ):
                run.exceptions.append(message.session_event.script_compilation_exception.message)
            elif kind == "script_finished":
                run.status = message.script_finished
                if run.status == EARLY:
                    continue  # a newer run of ours follows (never with one request in flight)
                self._after_run(drawn, fragment)
                return run

    def _read_element(self, element, run: Run, drawn: dict, fragment: str = "") -> None:
        kind = element.WhichOneof("type")
        body = getattr(element, kind)
        if kind == "exception":
            run.exceptions.append(f"{body.type}: {body.message}")
        elif kind == "alert" and body.format == Alert.ERROR:
            run.errors.append(body.body)
        elif kind == "alert" and body.format == Alert.WARNING:
            run.warnings.append(body.body)
        elif kind == "plotly_chart":
            run.charts += 1
        widget_id = getattr(body, "id", "")
        if widget_id:
            drawn[_widget_key(widget_id)] = widget_id
            self.fragments[widget_id] = fragment
            forced = getattr(body, "set_value", False)  # the script set it (a callback, a preset)
            if widget_id not in self.states or forced:
                state = initial_state(kind, body)
                if state is not None:
                    self.states[widget_id] = state

    def _after_run(self, drawn: dict, fragment: str = "") -> None:
        """Forget widgets the run did not draw (as the browser unmounts them: a fragment's run
        only those of its fragment) and age the cache."""
        if fragment:
            kept = {k: i for k, i in self.widgets.items() if self.fragments.get(i) != fragment}
            drawn = kept | drawn
        self.widgets = drawn
        shown = set(drawn.values())
        self.states = {i: s for i, s in self.states.items() if i in shown}
        self.cache = {h: v for h, v in self.cache.items() if self.runs - v[0] <= MAX_CACHED_AGE}
