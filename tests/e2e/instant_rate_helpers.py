"""Browser helpers for the Instant-α view, shared by its e2e test and bench/instant_rate_bench.py.

The view lives in a document of its own (an iframe inside the app, or a file); every helper
takes that document's ``Frame`` (``page.main_frame`` for a file).
"""

from __future__ import annotations

from playwright.sync_api import Frame, Page

THUMB = 26  # px, the α slider's thumb (instant_rate.css --thumb)

STATE = """() => {
  const ir = window.instantRate, i = ir.state.member;
  return {member: i, rate: ir.view.rates[i], kind: ir.view.kinds[i],
          label: document.getElementById('verdict').textContent, draws: ir.state.draws};
}"""

BACKGROUND = """() => {
  const plot = document.getElementById('path-plot');
  const traces = plot.querySelectorAll('.scatterlayer .trace');  // 1: the level lines
  const pieces = traces[1] ? [...traces[1].querySelectorAll('path.js-line')] : [];
  return {images: plot.querySelectorAll('image').length,
          lines: pieces.filter(piece => (piece.getAttribute('d') || '').length > 20).length,
          frame: window.instantRate.state.frame};
}"""

# Milliseconds from an α slider 'input' event until the frame that shows the new path has been
# painted (a task posted from the next animation frame's callback runs after that frame's paint),
# for n rates spread over the family.
LATENCY = """async (n) => {
  const ir = window.instantRate, alpha = document.getElementById('alpha');
  const frame = () => new Promise(resolve => requestAnimationFrame(() => resolve()));
  const painted = () => new Promise(resolve => requestAnimationFrame(() => setTimeout(resolve, 0)));
  const times = [], count = ir.view.rates.length;
  for (let k = 0; k < n; k += 1) {
    let i = (k * 7 + 3) % count;
    if (i === ir.state.member) i = (i + 1) % count;
    await frame();
    const start = performance.now();
    alpha.value = String(ir.position(ir.view.rates[i]));
    alpha.dispatchEvent(new Event('input', {bubbles: true}));
    if (ir.state.member !== i) throw new Error('the slider did not select rate ' + i);
    await ir.state.drawn;
    await painted();
    times.push(performance.now() - start);
  }
  return times;
}"""


def ready(frame: Frame) -> None:
    frame.wait_for_function("window.instantRate && window.instantRate.state.draws > 0")


def state(frame: Frame) -> dict:
    return frame.evaluate(STATE)


def slider_x(frame: Frame, rate: float) -> tuple[float, float]:
    """Page coordinates of the thumb's centre when it sits at ``rate``."""
    box = frame.locator("#alpha").bounding_box()
    fraction = frame.evaluate("(rate) => window.instantRate.position(rate)", rate)
    return box["x"] + THUMB / 2 + fraction * (box["width"] - THUMB), box["y"] + box["height"] / 2


def drag_alpha(page: Page, frame: Frame, rates: list[float]) -> list[dict]:
    """Press the thumb, move it through ``rates`` without letting go, then release; the view's
    state after every move."""
    seen = []
    x, y = slider_x(frame, state(frame)["rate"])
    page.mouse.move(x, y)
    page.mouse.down()
    for rate in rates:
        x, _ = slider_x(frame, rate)
        page.mouse.move(x, y, steps=3)
        frame.evaluate("() => window.instantRate.state.drawn")
        seen.append(state(frame))
    page.mouse.up()
    return seen


def play_and_sample(frame: Frame, samples: int = 8, every_ms: int = 150) -> list[dict]:
    """Press Play on the current rate (from step 0) and sample the background as it plays."""
    frame.evaluate("() => { window.instantRate.pause(); window.instantRate.state.frame = 0; }")
    frame.locator("#play").click()
    result = []
    for _ in range(samples):
        frame.wait_for_timeout(every_ms)
        result.append(frame.evaluate(BACKGROUND))
    return result
