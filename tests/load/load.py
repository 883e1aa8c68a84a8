"""Many simulated students at once: sessions opened over a ramp, each rerunning after a think time.

``class_load`` runs one scenario with N sessions and returns every rerun's time and bytes and every
failure, sorted by kind:

* ``exception``: a traceback element (st.exception) or a compile error reached the page;
* ``page_not_found``: the deep link's page was not found;
* ``disconnect``: the websocket closed during a run, or could not be opened again;
* ``timeout``: no ``script_finished`` within the session's time-out;
* ``check``: the run finished but shows the wrong thing (an error box on valid input, no chart).

A session whose connection drops reconnects as Streamlit's client does (same session id, the
widget values it holds) and goes on; the run in flight counts as failed, once.
"""

from __future__ import annotations

import asyncio
import random
import statistics
import time
from collections import Counter
from dataclasses import dataclass, field

from scenarios import HOSTILE, README_FORMULAS, SCENARIOS, Scenario, valid
from session import Disconnected, Run, Session

from gdviz.presets import PRESETS

RECONNECT_WAITS = (0.5, 1, 2, 4, 8)  # seconds; Streamlit's client backs off similarly
PIN = "gdviz_worker"  # the cookie deploy/nginx.conf.template pins a browser to its worker with


@dataclass
class Load:
    """Everything a load test saw, for the report and the assertions."""

    opens: list[float] = field(default_factory=list)  # seconds to the first page's end
    seconds: list[float] = field(default_factory=list)  # each rerun: change → script finished
    ends: list[float] = field(default_factory=list)  # each rerun's end, time.monotonic()
    bytes: list[int] = field(default_factory=list)
    errors: Counter = field(default_factory=Counter)
    examples: dict[str, str] = field(default_factory=dict)  # one message per kind of error
    reconnects: int = 0
    repinned: int = 0  # reconnected sessions that nginx pinned to another worker
    pins: Counter = field(default_factory=Counter)  # worker pin → sessions opened (nginx's spread)
    opened_at: float | None = None  # when the last session had opened (the measured window)

    def fail(self, kind: str, detail: str) -> None:
        self.errors[kind] += 1
        self.examples.setdefault(kind, detail[:300])

    def record(self, run: Run, scenario: Scenario, first: bool = False) -> None:
        """Sort one finished run into times and errors."""
        for text in run.exceptions:
            self.fail("exception", text)
        if run.page_not_found:
            self.fail("page_not_found", run.page_not_found)
        if not run.exceptions and not run.page_not_found:
            for problem in scenario.check(run):
                self.fail("check", f"{scenario.name}: {problem}")
        (self.opens if first else self.seconds).append(run.seconds)
        if not first:
            self.ends.append(time.monotonic())
            self.bytes.append(run.bytes)

    def summary(self) -> dict:
        """p50/p95/max of the reruns, bytes per rerun and errors by kind."""
        times = sorted(self.seconds) or [float("nan")]
        return {
            "reruns": len(self.seconds),
            "p50_s": statistics.median(times),
            "p95_s": percentile(times, 95),
            "max_s": times[-1],
            "open_p50_s": statistics.median(self.opens) if self.opens else float("nan"),
            "kb_per_rerun": statistics.mean(self.bytes) / 1024 if self.bytes else float("nan"),
            "errors": dict(self.errors),
            "reconnects": self.reconnects,
            "repinned": self.repinned,
            "pins": dict(self.pins),
        }


def percentile(ordered: list[float], q: float) -> float:
    """The q-th percentile of sorted values (nearest rank: a real observed time)."""
    rank = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


async def student(
    load: Load,
    base_url: str,
    scenario: Scenario,
    index: int,
    reruns: int | None,
    deadline: float,
    think: float,
    rng: random.Random,
) -> None:
    """One session: open the deep link, apply the setup, then change-think-rerun until done."""
    session = Session(base_url, scenario.page, scenario.query)
    try:
        try:
            load.record(await session.open(), scenario, first=True)
            load.pins[session.cookies.get(PIN, "")] += 1
            if scenario.setup:
                load.record(await session.rerun(scenario.setup), scenario, first=True)
        except (Disconnected, TimeoutError, OSError) as error:
            kind = "timeout" if isinstance(error, TimeoutError) else "disconnect"
            load.fail(kind, f"{scenario.name}: opening: {error!r}")
            return
        count = 0
        while (reruns is None or count < reruns) and time.monotonic() < deadline:
            await asyncio.sleep(min(rng.expovariate(1 / think), 5 * think) if think else 0)
            changes = scenario.change(index, count)
            count += 1
            try:
                load.record(await session.rerun(changes), scenario)
            except TimeoutError:
                load.fail("timeout", f"{scenario.name}: no script_finished in {session.timeout} s")
            except Disconnected as error:
                load.fail("disconnect", f"{scenario.name}: {error}")
                if not await _reconnect(load, session, scenario):
                    return
    finally:
        await session.close()


async def _reconnect(load: Load, session: Session, scenario: Scenario) -> bool:
    pin = session.cookies.get(PIN)
    for wait in RECONNECT_WAITS:
        await asyncio.sleep(wait)
        try:
            run = await session.reconnect()
        except (Disconnected, TimeoutError):
            continue
        load.reconnects += 1
        load.repinned += session.cookies.get(PIN) != pin
        load.record(run, scenario, first=True)
        return True
    load.fail("disconnect", f"{scenario.name}: could not reconnect")
    return False


async def class_load(
    base_url: str,
    scenario: str | Scenario,
    sessions: int,
    *,
    reruns: int | None = None,
    duration: float = 60.0,
    think: float = 2.0,
    ramp: float = 10.0,
    seed: int = 0,
    load: Load | None = None,
) -> Load:
    """``sessions`` students on one scenario, opening over ``ramp`` seconds, each rerunning after
    an exponential think time of mean ``think`` (capped at 5×), for ``reruns`` reruns each or until
    ``duration`` seconds after the start — whichever comes first."""
    scenario = SCENARIOS[scenario] if isinstance(scenario, str) else scenario
    load = load or Load()
    deadline = time.monotonic() + duration
    tasks = []
    for index in range(sessions):
        rng = random.Random(seed * 100_003 + index)
        tasks.append(asyncio.create_task(student(load, base_url, scenario, index, reruns,
                                                 deadline, think, rng)))  # fmt: skip
        await asyncio.sleep(ramp / sessions)
    load.opened_at = time.monotonic()
    await asyncio.gather(*tasks)
    return load


def reruns_between(load: Load, start: float, end: float) -> int:
    """Reruns that finished inside a window (to divide the server's CPU time by)."""
    return sum(start <= t <= end for t in load.ends)


async def inputs_student(url: str, load: Load, hostile_seconds: list[float] | None = None) -> None:
    """The inputs a class uses: every preset as a shared link (``/?preset=…``) opened in a new
    tab, every README formula typed, then every hostile one (refused; its time is appended to
    ``hostile_seconds``). Each is one run in ``load``."""
    for name in PRESETS:
        session = Session(url, "", f"preset={name}")
        try:
            load.record(await session.open(), Scenario(f"link ?preset={name}", "", "", dict))
        finally:
            await session.close()
    session = Session(url)
    try:
        await session.open()
        for text in README_FORMULAS:
            run = await session.rerun({"function": text, "preset": ""})
            load.record(run, Scenario(f"typed {text}", "", "", dict, check=valid))
        for text in HOSTILE:
            run = await session.rerun({"function": text})
            load.record(run, SCENARIOS["hostile"])
            if hostile_seconds is not None:
                hostile_seconds.append(run.seconds)
    finally:
        await session.close()


INPUTS = len(PRESETS) + len(README_FORMULAS) + len(HOSTILE)  # runs of inputs_student
