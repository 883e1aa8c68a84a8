"""Load benchmark of the real server (``make loadtest``): browserless sessions over the websocket.

Each session speaks Streamlit's protocol as a browser tab does (tests/load/session.py: widget
states, the query string, cached-message hashes) and changes a widget to a new value on every
rerun. Stages (``--stages``; default ``fresh cpu class inputs hall``):

* ``cpu``: the server as ``make run`` starts it; per scenario one session, a new value each rerun
  (``--cpu-reruns``, 0.3 s apart): the server's CPU ms per rerun (process CPU time, all threads,
  from /proc) and bytes per rerun. Targets: Playground ≤ 40, lab's default section ≤ 60, Data
  page default ≤ 100.
* ``class``: one server process, ``--sessions`` (30) students changing α on the Playground every
  ``--think`` (2) s on average, opening over ``--ramp`` s, for ``--seconds``. Target: p95 ≤ 0.3 s,
  0 errors.
* ``inputs``: the class again, and beside it one student who opens every preset as a link and
  types every README formula (all must draw), then hostile formulas (all refused; the slowest
  refusal is printed; each costs its process up to 0.5 s of CPU, which the class feels).
* ``fresh``: a fresh server while every core is busy; its first visitor opens ``/?preset=Ackley``
  (a cold parse): drawn, or refused as "too long to analyse"?
* ``hall``: ``make serve WORKERS=2``, ``--hall-sessions`` (60) students through nginx. Target:
  p95 ≤ 0.5 s, 0 errors, the sessions split within 60/40.
* ``kill``: the hall, with one worker killed (SIGKILL) halfway: what its sessions saw.
* ``soak``: the class for ``--soak-seconds`` (600) on one process, resident memory sampled; growth
  after the warm-up (target ≤ 15 %), and memory after the sessions close (Streamlit keeps a closed
  session for 2 minutes in case it reconnects; the last sample is taken 200 s after the close).

Errors are counted by kind: ``exception`` (a traceback element or compile error),
``page_not_found``, ``disconnect``, ``timeout``, ``check`` (a valid formula refused, nothing
drawn). ``--app DIR``
(repeatable) names the checkouts to benchmark instead of this one; give this one too for before
and after in one run, e.g. ``--app /tmp/before --app .`` (the commit before, ``git archive``d
into a folder); each runs on its own ``.venv`` when it has one. Loopback only; every stage is
bounded in sessions and time.
Other work on the machine moves every figure: the load average is printed with each.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "load")]

from load import Load, class_load, inputs_student  # noqa: E402
from scenarios import SCENARIOS, Scenario  # noqa: E402
from servers import (  # noqa: E402
    app_command,
    cpu_seconds,
    free_port,
    machine_load,
    rss_bytes,
    running,
    serve_command,
)
from session import Session  # noqa: E402

CPU_SCENARIOS = ("playground", "playground_preset", "playground_typed", "data", "data_100k",
                 "lab", "lab_sweep", "lab_basins")  # fmt: skip
CPU_TARGETS = {"playground": 40, "lab": 60, "data": 100}  # ms of server CPU per rerun
MB = 2**20
AFTER_CLOSE = 200  # s: Streamlit keeps a closed session 2 min; the app collects once a minute


def python_of(app: Path) -> str:
    """The checkout's own ``.venv`` (its pinned packages: a "before" without a later dependency),
    else this Python."""
    own = app / ".venv" / "bin" / "python"
    return str(own) if own.exists() else sys.executable


def say(text: str = "") -> None:
    print(text, flush=True)


def show(title: str, summary: dict) -> None:
    """One stage's figures, the way the issue names them."""
    say(f"  {title}   [{summary['machine']}]")
    say(f"    reruns {summary['reruns']}: p50 {summary['p50_s']:.3f} s, p95 {summary['p95_s']:.3f}"
        f" s, max {summary['max_s']:.3f} s; first page p50 {summary['open_p50_s']:.2f} s;"
        f" {summary['kb_per_rerun']:.1f} KB per rerun")  # fmt: skip
    say(f"    errors {summary['errors'] or 'none'}; reconnects {summary['reconnects']}")
    say(f"    server CPU {summary['cpu_ms_per_rerun']:.1f} ms per rerun (workers; this client"
        f" {summary['client_cpu_ms_per_rerun']:.1f} ms); RSS {summary['rss_mb_before']:.0f} →"
        f" {summary['rss_mb_after']:.0f} MB")  # fmt: skip
    for kind, example in summary["examples"].items():
        say(f"      e.g. {kind}: {example}")


# --- cpu ----------------------------------------------------------------------------------------


async def measure_reruns(url: str, scenario: Scenario, pids: list[int], reruns: int) -> dict:
    """Open the scenario's page, warm it with 3 reruns, then time ``reruns`` more (0.3 s apart):
    the server's CPU time over them (the first page excluded) and their wall times."""
    session, load = Session(url, scenario.page, scenario.query), Load()
    try:
        await session.open()
        if scenario.setup:
            await session.rerun(scenario.setup)
        for index in range(3):
            await session.rerun(scenario.change(0, 10_000 + index))
        before = cpu_seconds(pids)
        for index in range(reruns):
            load.record(await session.rerun(scenario.change(0, index)), scenario)
            await asyncio.sleep(0.3)
        used = cpu_seconds(pids) - before
    finally:
        await session.close()
    summary = load.summary()
    return {
        "cpu_ms_per_rerun": 1000 * used / reruns,
        "wall_p50_ms": 1000 * summary["p50_s"],
        "kb_per_rerun": summary["kb_per_rerun"],
        "errors": summary["errors"],
        "examples": load.examples,
        "machine": machine_load(),
    }


def cpu_stage(app: Path, reruns: int) -> dict:
    """One session per scenario on a fresh server: CPU ms and wall ms per rerun."""
    port = free_port()
    results = {}
    with running(app_command(port, python_of(app)), port, root=app) as server:
        pids = server.workers()
        results["rss_mb_before"] = rss_bytes(pids) / MB
        for name in CPU_SCENARIOS:
            result = asyncio.run(measure_reruns(server.url, SCENARIOS[name], pids, reruns))
            results[name] = result
            target = f"(target ≤ {CPU_TARGETS[name]})" if name in CPU_TARGETS else ""
            say(f"  {name:18s} CPU {result['cpu_ms_per_rerun']:7.1f} ms per rerun {target:15s}"
                f" wall p50 {result['wall_p50_ms']:6.0f} ms  {result['kb_per_rerun']:6.1f} KB"
                f"  errors {result['errors'] or 0}   [{result['machine']}]")  # fmt: skip
            for kind, example in result["examples"].items():
                say(f"      e.g. {kind}: {example}")
        results["rss_mb_after"] = rss_bytes(pids) / MB
    say(f"  RSS {results['rss_mb_before']:.0f} → {results['rss_mb_after']:.0f} MB")
    return results


# --- class, hall, kill, soak ---------------------------------------------------------------------


def crowd(url: str, pids, sessions: int, seconds: float, think: float, ramp: float,
          with_inputs: bool = False, kill_after: float | None = None) -> dict:  # fmt: skip
    """``sessions`` students on the Playground, measured: the figures of one stage."""
    load, inputs, hostile_seconds = Load(), Load(), []

    async def everything():
        tasks = [class_load(url, "playground", sessions, duration=seconds, think=think,
                            ramp=ramp, load=load)]  # fmt: skip
        if with_inputs:
            tasks.append(_after(ramp + 5, inputs_student(url, inputs, hostile_seconds)))
        if kill_after is not None:
            tasks.append(_after(kill_after, _kill(pids()[0])))
        await asyncio.gather(*tasks)

    rss_before, cpu_before = rss_bytes(pids()), cpu_seconds(pids())
    client_before = time.process_time()
    asyncio.run(everything())
    runs = max(len(load.seconds) + len(load.opens) + len(inputs.seconds) + len(inputs.opens), 1)
    summary = load.summary() | {
        "cpu_ms_per_rerun": 1000 * (cpu_seconds(pids()) - cpu_before) / runs,
        "client_cpu_ms_per_rerun": 1000 * (time.process_time() - client_before) / runs,
        "rss_mb_before": rss_before / MB,
        "rss_mb_after": rss_bytes(pids()) / MB,
        "examples": load.examples,
        "machine": machine_load(),
    }
    if with_inputs:
        summary |= {"inputs_errors": dict(inputs.errors), "inputs_examples": inputs.examples,
                    "inputs_checked": len(inputs.seconds),
                    "hostile_slowest_s": max(hostile_seconds, default=float("nan"))}  # fmt: skip
    return summary


async def _after(seconds: float, work) -> None:
    await asyncio.sleep(seconds)
    await work


async def _kill(pid: int) -> None:
    say(f"    (killing worker pid {pid} with SIGKILL)")
    os.kill(pid, signal.SIGKILL)


def class_stage(app: Path, args, with_inputs: bool = False) -> dict:
    port = free_port()
    with running(app_command(port, python_of(app)), port, root=app) as server:
        summary = crowd(server.url, server.workers, args.sessions, args.seconds, args.think,
                        args.ramp, with_inputs=with_inputs)  # fmt: skip
    title = f"{args.sessions} sessions on one process, {args.think:g} s think"
    show(f"{'inputs: a class and' if with_inputs else 'class:'} {title}", summary)
    if with_inputs:
        say(f"    beside them presets as links, README formulas, hostile input:"
            f" {summary['inputs_checked']} checked, errors {summary['inputs_errors'] or 'none'};"
            f" slowest refusal {summary['hostile_slowest_s']:.2f} s")  # fmt: skip
        for kind, example in summary["inputs_examples"].items():
            say(f"      e.g. {kind}: {example}")
    return summary


def hall_stage(app: Path, args, kill: bool = False) -> dict:
    port = free_port()
    command = serve_command(port, args.workers, python_of(app)) + ["--host", "127.0.0.1"]
    with running(command, port, root=app, timeout=300) as server:
        nginx_before = cpu_seconds(server.nginx())
        summary = crowd(server.url, server.workers, args.hall_sessions, args.seconds, args.think,
                        args.ramp, kill_after=args.seconds / 2 if kill else None)  # fmt: skip
        summary["nginx_cpu_ms_per_rerun"] = (
            1000 * (cpu_seconds(server.nginx()) - nginx_before) / max(summary["reruns"], 1)
        )
    split = sorted(summary["pins"].values())
    title = f"{'kill' if kill else 'hall'}: {args.hall_sessions} sessions through nginx on"
    show(f"{title} {args.workers} workers, {args.think:g} s think", summary)
    say(f"    sessions per worker {summary['pins']} (largest share"
        f" {max(split, default=0) / max(sum(split), 1):.0%}); nginx CPU"
        f" {summary['nginx_cpu_ms_per_rerun']:.1f} ms per rerun")  # fmt: skip
    if kill:
        failed = summary["errors"].get("disconnect", 0) + summary["errors"].get("timeout", 0)
        say(f"    after the kill: {failed} reruns failed (the one in flight or the next of each"
            f" session on that worker), {summary['reconnects']} sessions reconnected,"
            f" {summary['repinned']} re-pinned to the other worker; tracebacks"
            f" {summary['errors'].get('exception', 0)}")  # fmt: skip
    return summary


def soak_stage(app: Path, args) -> dict:
    """The class for ``--soak-seconds``, RSS every 10 s; then the sessions close."""
    port = free_port()
    samples = []
    with running(app_command(port, python_of(app)), port, root=app) as server:
        pids = server.workers()

        async def sample_until(done: asyncio.Event):
            start = time.monotonic()
            while not done.is_set():
                samples.append((time.monotonic() - start, rss_bytes(pids) / MB))
                await asyncio.sleep(10)

        async def soak():
            done = asyncio.Event()
            sampler = asyncio.create_task(sample_until(done))
            load = await class_load(server.url, "playground", args.sessions, think=args.think,
                                    duration=args.soak_seconds, ramp=args.ramp)  # fmt: skip
            closed_at = time.monotonic()
            while time.monotonic() - closed_at < AFTER_CLOSE:
                await asyncio.sleep(10)
            done.set()
            await sampler
            return load

        load = asyncio.run(soak())
    warm = [mb for t, mb in samples if t >= args.ramp + 60]
    during = [mb for t, mb in samples if t <= args.soak_seconds]
    warm_mb = warm[0] if warm else float("nan")
    peak, end, after = max(during), during[-1], samples[-1][1]
    summary = load.summary() | {
        "rss_mb_after_warmup": warm_mb,
        "rss_mb_peak": peak,
        "rss_mb_end": end,
        "rss_mb_after_close": after,
        "growth_after_warmup": (end - warm_mb) / warm_mb,
        "samples": samples,
        "machine": machine_load(),
    }
    say(f"  soak: {args.sessions} sessions for {args.soak_seconds:g} s   [{summary['machine']}]")
    say(f"    reruns {summary['reruns']}, p95 {summary['p95_s']:.3f} s, errors"
        f" {summary['errors'] or 'none'}")  # fmt: skip
    say(f"    RSS after warm-up {warm_mb:.0f} MB, peak {peak:.0f}, end {end:.0f} (growth"
        f" {summary['growth_after_warmup']:+.1%}); {AFTER_CLOSE} s after the sessions closed"
        f" {after:.0f} MB")  # fmt: skip
    return summary


def fresh_stage(app: Path, args) -> dict:
    """A fresh server while every core is busy (one spinning process per core, for a minute at
    most): its very first session opens ``/?preset=Ackley``. Drawn, or refused as too slow?"""
    spin = "import time\nend = time.time() + 60\nwhile time.time() < end: pass"
    spinners = [subprocess.Popen([sys.executable, "-c", spin]) for _ in range(os.cpu_count() or 2)]
    try:
        port = free_port()
        with running(app_command(port, python_of(app)), port, root=app) as server:
            load = Load()

            async def first_visit():
                session = Session(server.url, "", "preset=Ackley")
                try:
                    load.record(await session.open(), Scenario("link ?preset=Ackley", "", "", dict))
                finally:
                    await session.close()

            asyncio.run(first_visit())
    finally:
        for spinner in spinners:
            spinner.kill()
            spinner.wait()
    summary = {"seconds": load.seconds[0], "errors": dict(load.errors), "examples": load.examples,
               "machine": machine_load()}  # fmt: skip
    verdict = "drawn" if not load.errors else f"NOT drawn: {load.examples}"
    say(f"  fresh server, cores busy, first visit /?preset=Ackley: {verdict}"
        f" ({summary['seconds']:.1f} s)   [{summary['machine']}]")  # fmt: skip
    return summary


STAGES = {"cpu": lambda app, args: cpu_stage(app, args.cpu_reruns), "class": class_stage,
          "inputs": lambda app, args: class_stage(app, args, with_inputs=True),
          "hall": hall_stage, "kill": lambda app, args: hall_stage(app, args, kill=True),
          "soak": soak_stage, "fresh": fresh_stage}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--app", action="append", type=Path, help="a checkout to benchmark")
    parser.add_argument("--stages", nargs="+", default=["fresh", "cpu", "class", "inputs", "hall"],
                        choices=STAGES)  # fmt: skip
    parser.add_argument("--cpu-reruns", type=int, default=25)
    parser.add_argument("--sessions", type=int, default=30)
    parser.add_argument("--hall-sessions", type=int, default=60)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=120, help="length of class/hall/kill")
    parser.add_argument("--soak-seconds", type=float, default=600)
    parser.add_argument("--think", type=float, default=2.0, help="mean think time, seconds")
    parser.add_argument("--ramp", type=float, default=15.0, help="seconds over which all open")
    args = parser.parse_args()
    if not 1 <= args.sessions <= 200 or not 1 <= args.hall_sessions <= 400:
        parser.error("sessions are bounded: 1 … 200 on one process, 1 … 400 through nginx")
    if not 0 < args.seconds <= 3600 or not 0 < args.soak_seconds <= 7200:
        parser.error("every stage is bounded in time: --seconds ≤ 3600, --soak-seconds ≤ 7200")
    results = {}
    for app in args.app or [ROOT]:
        app = app.resolve()
        say(f"== {app}   [{machine_load()}]")
        results[str(app)] = {}
        for stage in args.stages:
            if stage in ("hall", "kill") and not (app / "deploy" / "serve.py").exists():
                say(f"  {stage}: this checkout has no deploy/serve.py")
                continue
            results[str(app)][stage] = STAGES[stage](app, args)
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "load.json").write_text(json.dumps(results, indent=2, default=str))


if __name__ == "__main__":
    main()
