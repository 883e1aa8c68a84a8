"""A live room in real browsers: one teacher (1280×720) and three students on phones (390×844),
two of them on one server process and one on another, sharing one SQLite file. Join, answer,
change, lock, reveal, next; the poll's server CPU cost is measured. Screenshots go to
screenshots/predict-*.png."""

from __future__ import annotations

import os

import pytest
from e2e_helpers import IDLE, ROOT, no_exceptions, screenshot, serve_all, wait_idle
from playwright.sync_api import Page, expect

from gdviz.rooms import RoomStore

PHONE = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 2,
}
CHART = '[data-testid="stPlotlyChart"] .js-plotly-plot'


@pytest.fixture(scope="module")
def rooms(tmp_path_factory):
    """The three servers of this module, started side by side: two on one shared room database
    (the room test's servers A and B) and one on a database of its own without the post-run
    collection (the serving setup). Yields {name: (url, pid, database)}."""
    folder = tmp_path_factory.mktemp("rooms")
    shared, alone = folder / "rooms.sqlite3", folder / "alone.sqlite3"
    app = ROOT / "app.py"
    specs = {
        "a": (app, (), {"GDVIZ_ROOMS_DB": str(shared)}),
        "b": (app, (), {"GDVIZ_ROOMS_DB": str(shared)}),
        "no_gc": (app, ("--runner.postScriptGC", "false"), {"GDVIZ_ROOMS_DB": str(alone)}),
    }
    try:
        with serve_all(list(specs.values())) as served:
            yield {
                name: (server.url, server.pid, spec[2]["GDVIZ_ROOMS_DB"])
                for (name, spec), server in zip(specs.items(), served, strict=True)
            }
    except RuntimeError as error:
        pytest.fail(str(error))


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc)."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def open_view(page: Page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector(CHART, timeout=60_000)
    wait_idle(page)


def choose(page: Page, label: str) -> None:
    page.get_by_test_id("stRadio").get_by_text(label, exact=True).click()
    wait_idle(page)


def test_a_room_with_one_teacher_and_three_students(browser, rooms):
    (url_a, pid_a, database), (url_b, pid_b, _) = rooms["a"], rooms["b"]
    teacher = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
    teacher.set_default_timeout(30_000)
    open_view(teacher, url_a + "/predict")
    screenshot(teacher, "predict-self-study")
    teacher.get_by_role("button", name="Open a room for my class").click()
    teacher.wait_for_selector(".gd-code", timeout=30_000)
    wait_idle(teacher)
    code = teacher.locator(".gd-code").inner_text().replace("-", "").strip()
    join = teacher.locator(".gd-join").inner_text()
    assert f"/predict?room={code}" in join and "token" not in teacher.url
    expect(teacher.get_by_test_id("stMetricValue")).to_have_text("0")

    students = []
    for url in (url_a, url_a, url_b):  # the third student is on the other server process
        phone = browser.new_context(**PHONE).new_page()
        phone.set_default_timeout(30_000)
        open_view(phone, f"{url}/predict?room={code}")
        expect(phone.get_by_text("question 1 of 16")).to_be_visible()
        students.append(phone)
    screenshot(students[0], "predict-student-question")
    choose(students[0], "converges")
    choose(students[1], "diverges")
    choose(students[2], "oscillates but converges")
    expect(students[1].get_by_text("Sent: diverges")).to_be_visible()
    choose(students[1], "converges")  # a change of mind
    expect(students[1].get_by_text("Sent: converges")).to_be_visible()
    screenshot(students[1], "predict-student-answered")

    store = RoomStore(database)
    assert store.counts(code, 0) == {"converges": 2, "oscillates": 1}
    expect(teacher.get_by_test_id("stMetricValue")).to_have_text("3", timeout=15_000)
    screenshot(teacher, "predict-teacher-open")

    # What one poll costs the server: CPU time over 8 s of idle polling on both servers (about
    # 13 polls on A and 4 on B; a poll costing 0.25 s would use ≥ 1 s of B's CPU in them).
    before = cpu_seconds(pid_a), cpu_seconds(pid_b)
    seconds = 8.0
    teacher.wait_for_timeout(seconds * 1000)
    used = cpu_seconds(pid_a) - before[0], cpu_seconds(pid_b) - before[1]
    polls_a = seconds / 1.5 + 2 * seconds / 2.0  # the teacher's and two students' polls
    polls_b = seconds / 2.0
    print(
        f"\npoll cost: server A {used[0] / polls_a * 1000:.1f} ms CPU per poll "
        f"({used[0]:.2f} s over {polls_a:.0f} polls), server B "
        f"{used[1] / polls_b * 1000:.1f} ms per poll ({used[1]:.2f} s over {polls_b:.0f})"
    )
    # Streamlit's default post-run gc.collect() dominates (REFERENCE §7); see the test below.
    assert used[0] / polls_a < 0.25 and used[1] / polls_b < 0.25

    teacher.get_by_role("button", name="Lock answers").click()
    wait_idle(teacher)
    for phone in students:  # within a poll, every phone shows the lock
        expect(phone.get_by_text("Answers are locked")).to_be_visible(timeout=15_000)
    radio = students[2].get_by_test_id("stRadio").locator("input").first
    assert radio.is_disabled()
    assert store.counts(code, 0) == {"converges": 2, "oscillates": 1}

    teacher.get_by_role("button", name="Reveal").click()
    wait_idle(teacher)
    teacher.wait_for_function(
        "() => document.querySelectorAll('[data-testid=\"stPlotlyChart\"]').length >= 2"
    )
    expect(teacher.get_by_text("It converges.", exact=False).first).to_be_visible()
    bars = teacher.locator(f"{CHART} .bars path")
    assert bars.count() >= 2
    teacher.wait_for_timeout(600)
    screenshot(teacher, "predict-teacher-revealed")
    expect(students[0].get_by_text("Right", exact=False).first).to_be_visible(timeout=15_000)
    expect(students[2].get_by_text("Not this time", exact=False).first).to_be_visible(
        timeout=15_000
    )
    students[0].wait_for_timeout(600)
    screenshot(students[0], "predict-student-revealed")

    teacher.get_by_role("button", name="Next question").click()
    wait_idle(teacher)
    for phone in students:
        expect(phone.get_by_text("question 2 of 16")).to_be_visible(timeout=15_000)
        phone.wait_for_selector(IDLE)
        no_exceptions(phone)
    assert store.room(code).position == 1
    no_exceptions(teacher)
    for phone in [teacher, *students]:
        phone.context.close()


def test_a_poll_costs_little_once_the_post_run_collection_is_off(browser, rooms):
    """The serving setup (``runner.postScriptGC = false``): the same room, one teacher and three
    students on one server; the CPU the server spends per poll."""
    url, pid, _ = rooms["no_gc"]
    teacher = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
    open_view(teacher, url + "/predict")
    teacher.get_by_role("button", name="Open a room for my class").click()
    teacher.wait_for_selector(".gd-code", timeout=30_000)
    code = teacher.locator(".gd-code").inner_text().replace("-", "").strip()
    phones = [browser.new_context(**PHONE).new_page() for _ in range(3)]
    for phone in phones:
        open_view(phone, f"{url}/predict?room={code}")
    choose(phones[0], "converges")
    expect(teacher.get_by_test_id("stMetricValue")).to_have_text("1", timeout=15_000)
    teacher.wait_for_timeout(2000)
    before, seconds = cpu_seconds(pid), 8.0  # about 17 polls: 0.35 s of CPU at the 20 ms limit
    teacher.wait_for_timeout(seconds * 1000)
    used = cpu_seconds(pid) - before
    polls = seconds / 1.5 + 3 * seconds / 2.0
    print(
        f"\npoll cost without the post-run collection: {used / polls * 1000:.1f} ms CPU "
        f"per poll ({used:.2f} s over {polls:.0f} polls)"
    )
    assert used / polls < 0.02
    for page in [teacher, *phones]:
        page.context.close()
