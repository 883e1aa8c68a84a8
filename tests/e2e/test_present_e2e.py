"""Presenter mode and accessibility in a real Chromium (issue 13): every page's chart, Play and
essential controls fit 1280×720 and 1920×1080 without scrolling; presenter mode by its link;
hide= links; keyboard control; one Play all; the dark theme followed by the charts; WCAG AA
contrast of every text the app writes, light and dark.

Timings on these shared 2-core machines are noisy: the tests wait for states, not for times.
"""

from __future__ import annotations

import pytest
from e2e_helpers import CHART, IDLE, no_exceptions, open_page, screenshot, settle, wait_idle
from playwright.sync_api import Browser, Page, expect

SIZES = {"720": (1280, 720), "1080": (1920, 1080)}
PAGES = {"playground": "/", "data": "/data", "lab": "/learning-rate"}
ESSENTIALS = {  # the lesson's controls that must be on screen (labels of their widgets)
    "playground": ("f(x, y) =", "Optimizer", "Learning rate α"),
    "data": ("The seed's example (3 points)", "Optimizer", "Learning rate α"),
    "lab": ("f(x, y) =", "Optimizer", "Learning rates α"),
}


@pytest.fixture
def open_at(browser: Browser):
    """open_at(url, size, dark=False) -> a page of that window size and colour scheme."""
    contexts = []

    def open_at(url: str, size: str = "720", dark: bool = False) -> Page:
        width, height = SIZES[size]
        context = browser.new_context(viewport={"width": width, "height": height},
                                      color_scheme="dark" if dark else "light")  # fmt: skip
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(45_000)
        open_page(page, url)
        return page

    yield open_at
    for context in contexts:
        context.close()


def box(page: Page, selector: str) -> dict:
    return page.locator(selector).first.bounding_box()


def inside(page: Page, found: dict | None) -> bool:
    height = page.viewport_size["height"]
    return found is not None and found["y"] >= 0 and found["y"] + found["height"] <= height


@pytest.mark.parametrize("present", [False, True], ids=["normal", "presenter"])
@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("name", PAGES)
def test_chart_play_and_essentials_fit_the_screen(
    open_at, shared_page, app_url, name, size, present
):
    link = f"{app_url}{PAGES[name]}{'?present=1' if present else ''}"
    # At 1920×1080 in the light theme this is test_every_text_meets_wcag_aa's page: one load.
    page = shared_page(link, SIZES[size], timeout=45_000) if size == "1080" else open_at(link, size)
    no_exceptions(page)
    chart = box(page, CHART)
    play = box(page, ".updatemenu-button")
    assert inside(page, chart), chart
    assert inside(page, play), play
    assert "Play" in page.locator(".updatemenu-button").first.text_content()
    sidebar = page.locator('[data-testid="stSidebar"]')
    for label in ESSENTIALS[name]:
        found = sidebar.get_by_text(label, exact=True).or_(page.get_by_text(label, exact=True))
        assert inside(page, found.first.bounding_box()), label
    screenshot(page, f"fit-{name}-{size}-{'presenter' if present else 'normal'}")


@pytest.mark.parametrize("present", [False, True], ids=["normal", "presenter"])
@pytest.mark.parametrize("size", SIZES)
def test_predict_chart_question_and_commit_fit_the_screen(open_at, app_url, size, present):
    page = open_at(f"{app_url}/predict{'?present=1' if present else ''}", size)
    no_exceptions(page)
    assert inside(page, box(page, CHART))
    assert inside(page, page.get_by_text("What will this run do?").first.bounding_box())
    assert inside(page, page.get_by_role("button", name="Lock in my prediction").bounding_box())
    screenshot(page, f"fit-predict-{size}-{'presenter' if present else 'normal'}")


def font_size(page: Page, selector: str) -> float:
    size = page.locator(selector).first.evaluate("e => getComputedStyle(e).fontSize")
    return float(size.rstrip("px"))


def test_presenter_link_large_type_thick_paths_and_the_link_stays(open_at, app_url):
    page = open_at(f"{app_url}/?present=1", "720")
    expect(page.get_by_role("switch", name="Presenter mode")).to_be_checked()
    assert font_size(page, '[data-testid="stMain"] [data-testid="stMarkdownContainer"] p') >= 20
    assert font_size(page, '[data-testid="stSidebar"] [data-testid="stWidgetLabel"] p') >= 20
    ticks = page.locator(f"{CHART} .xtick text").first
    assert float(ticks.evaluate("e => parseFloat(e.style.fontSize)")) >= 16
    path_width = page.evaluate("""() => {
      const gd = document.querySelector('[data-testid="stPlotlyChart"] .js-plotly-plot');
      return gd.data.filter(t => t.mode === 'lines+markers' && t.name)[0].line.width;
    }""")
    assert path_width >= 4
    start = page.locator('[data-testid="stSidebar"] summary', has_text="Start θ")
    expect(start).to_be_visible()  # a non-essential group: folded, one click away
    expect(page.get_by_label("x₀")).to_be_hidden()
    rate = page.get_by_label("α exactly", exact=True).and_(page.locator("input"))
    rate.fill("0.05")
    rate.press("Enter")
    wait_idle(page)
    assert "present=1" in page.url and "lr=0.05" in page.url
    page.get_by_text("Presenter mode", exact=True).click()
    wait_idle(page)
    assert "present=1" not in page.url
    expect(page.get_by_label("x₀")).to_be_visible()


def test_a_link_hides_controls_and_their_values_still_apply(open_at, app_url):
    page = open_at(f"{app_url}/?hide=schedule,compare,examples&cmp=learning_rates&lrs=0.02,0.09")
    sidebar = page.locator('[data-testid="stSidebar"]')
    expect(sidebar.get_by_text("5 · Compare runs")).to_be_hidden()
    expect(sidebar.get_by_text("Learning-rate schedule")).to_be_hidden()
    expect(sidebar.get_by_text("x^2 + 3y^2", exact=True)).to_be_hidden()
    expect(sidebar.get_by_text("Optimizer", exact=True)).to_be_visible()
    legend = page.locator(f"{CHART} .legendtext").all_text_contents()
    assert sum("α = 0.02" in t or "α = 0.09" in t for t in legend) == 2
    go_data = page.locator('[data-testid="stTopNavLink"]', has_text="Batch vs SGD")
    go_data.click()
    page.wait_for_selector(CHART)
    wait_idle(page)
    assert "hide=examples%2Cschedule%2Ccompare" in page.url  # kept, in the codec's order
    expect(page.locator('[data-testid="stSidebar"]').get_by_text("4 · Start θ₀")).to_be_visible()


MARKER_JS = """() => {
  const gd = document.querySelector('[data-testid="stPlotlyChart"] .js-plotly-plot');
  const point = gd.querySelectorAll('.scatterlayer .trace')[6].querySelector('.point');
  return point ? point.getAttribute('transform') : null;
}"""


def test_keyboard_steps_and_plays(open_at, app_url):
    page = open_at(f"{app_url}/", "720")
    page.locator("h1").first.click()  # focus on the page, not on a widget
    end = page.evaluate(MARKER_JS)
    page.keyboard.press("Home")
    page.wait_for_timeout(300)
    first = page.evaluate(MARKER_JS)
    assert first != end
    page.keyboard.press("ArrowRight")
    page.wait_for_timeout(300)
    second = page.evaluate(MARKER_JS)
    assert second not in (first, end)
    page.keyboard.press("ArrowLeft")
    page.wait_for_timeout(300)
    assert page.evaluate(MARKER_JS) == first
    page.evaluate("""() => {
      const gd = document.querySelector('[data-testid="stPlotlyChart"] .js-plotly-plot');
      window.__frames = 0;
      gd.on('plotly_animatingframe', () => { window.__frames += 1; });
    }""")
    page.keyboard.press(" ")
    page.wait_for_function("window.__frames >= 10")
    page.keyboard.press(" ")
    page.wait_for_timeout(400)
    paused = page.evaluate("window.__frames")
    page.wait_for_timeout(600)
    assert page.evaluate("window.__frames") == paused  # space paused it
    box_text = page.get_by_label("α exactly", exact=True).and_(page.locator("input"))
    box_text.click()
    page.keyboard.press("Home")  # typing in a widget is left alone
    assert page.evaluate("window.__frames") == paused


def test_one_play_all_moves_every_side_by_side_panel(open_at, app_url):
    page = open_at(f"{app_url}/learning-rate", "720")
    buttons = page.locator(".updatemenu-button", has_text="Play")
    expect(buttons).to_have_count(1)
    assert "Play all" in buttons.first.text_content()
    positions = """() => [...document.querySelector('[data-testid="stPlotlyChart"] .js-plotly-plot')
        .querySelectorAll('.scatterlayer .trace')].map(t => {
          const p = t.querySelector('.point'); return p ? p.getAttribute('transform') : '';
        }).join('|')"""
    before = page.evaluate(positions)
    page.locator("h1").first.click()
    page.keyboard.press("Home")
    page.wait_for_timeout(400)
    after = page.evaluate(positions)
    moved = sum(a != b for a, b in zip(before.split("|"), after.split("|"), strict=True))
    assert moved >= 5  # one current point per panel went back to the start
    buttons.first.click()
    page.wait_for_timeout(800)
    assert page.evaluate(positions) != after


def chart_text_fill(page: Page) -> str:
    return page.locator(f"{CHART} .xtick text").first.evaluate("e => e.style.fill")


def luminance(css: str) -> float:
    r, g, b = (float(v) for v in css[css.index("(") + 1 : css.index(")")].split(",")[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


@pytest.mark.parametrize("name", [*PAGES, "predict"])
def test_the_dark_theme_follows_the_system_and_the_charts_follow_it(open_at, app_url, name):
    page = open_at(f"{app_url}{PAGES.get(name, '/' + name)}", "720", dark=True)
    background = page.evaluate(
        "getComputedStyle(document.querySelector('[data-testid=stApp]')).backgroundColor"
    )
    assert luminance(background) < 60
    assert luminance(chart_text_fill(page)) > 180  # light chart text on the dark page
    screenshot(page, f"dark-{name}")
    if name != "playground":
        return
    page.locator('[data-testid="stMainMenu"]').click()  # the student picks Light in the menu
    page.locator('[data-testid="stMainMenuItem-theme-Light"]').click()
    page.keyboard.press("Escape")
    page.wait_for_function("() => window.__gdviz && window.__gdviz.serverTheme === 'light'")
    settle(page)
    expect(page.locator(IDLE)).to_have_count(1)
    assert luminance(chart_text_fill(page)) < 100


CONTRAST_JS = """() => {
  const parse = (c) => {
    const m = c && c.match(/rgba?\\(([^)]+)\\)/);
    if (!m) return null;
    const p = m[1].split(/[\\s,\\/]+/).filter(Boolean).map(Number);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  };
  const over = (top, under) => [0, 1, 2].map((i) => top[i] * top[3] + under[i] * (1 - top[3]))
    .concat([1]);
  const lum = (c) => {
    const f = (v) => { v /= 255; return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]);
  };
  const ratio = (a, b) => {
    const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
    return (hi + 0.05) / (lo + 0.05);
  };
  const app = document.querySelector('[data-testid="stApp"]');
  const page = parse(getComputedStyle(app).backgroundColor);
  const behind = (el) => {  // the backgrounds under the element's middle, composited
    const r = el.getBoundingClientRect(), x = r.left + r.width / 2, y = r.top + r.height / 2;
    const layers = [];
    for (let e = el; e && e.nodeType === 1; e = e.parentElement) {
      const bg = parse(getComputedStyle(e).backgroundColor), b = e.getBoundingClientRect();
      if (!bg || bg[3] === 0 || x < b.left || x > b.right || y < b.top || y > b.bottom) continue;
      layers.push(bg);
      if (bg[3] >= 1) break;
    }
    return layers.reverse().reduce((under, layer) => over(layer, under), page);
  };
  const opacity = (el) => {
    let o = 1;
    for (let e = el; e && e.nodeType === 1; e = e.parentElement) o *= +getComputedStyle(e).opacity;
    return o;
  };
  const skip = 'svg, [data-testid="stIconMaterial"], .katex-mathml, script, style, noscript,'
    + ' [data-testid="stSkipToContent"], .st-key-gdviz_browser';
  const failures = [], seen = new Set();
  const check = (el, text) => {
    const rect = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    if (!rect.width || !rect.height || style.visibility === 'hidden') return;
    const fg = parse(style.color), alpha = fg ? fg[3] * opacity(el) : 0;
    if (alpha < 0.1) return;  // not shown (e.g. a slider's ends until it is hovered)
    const bg = behind(el);
    const seenFg = over([fg[0], fg[1], fg[2], alpha], bg);
    const r = ratio(seenFg, bg);
    if (r < 4.5) failures.push(`${r.toFixed(2)} ${style.color} on ${bg.map(Math.round)} `
      + `"${text.slice(0, 40)}" (${(el.closest('[data-testid]') || el).dataset.testid})`);
  };
  const walker = document.createTreeWalker(app, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const text = walker.currentNode.textContent.trim(), el = walker.currentNode.parentElement;
    if (!text || !el || seen.has(el) || el.closest(skip)) continue;
    seen.add(el);
    check(el, text);
  }
  const inputs = 'input:not([type=hidden]):not([type=range]), textarea';
  document.querySelectorAll(inputs).forEach((el) => { if (el.value) check(el, el.value); });
  document.querySelectorAll('.js-plotly-plot svg text').forEach((el) => {
    const fill = parse(el.style.fill), alpha = +(el.style.fillOpacity || 1);
    const text = el.textContent.trim();
    if (!text || !fill || fill[3] * alpha === 0 || !el.getBoundingClientRect().width) return;
    const r = ratio(fill, page);
    if (r < 4.5) failures.push(`${r.toFixed(2)} chart text ${el.style.fill} "${text}"`);
  });
  return failures;
}"""


AUDITED = PAGES | {
    "sweep": "/learning-rate?section=sweep",
    "cobweb": "/learning-rate?section=intuition",
}


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
@pytest.mark.parametrize("present", [False, True], ids=["normal", "presenter"])
@pytest.mark.parametrize("name", AUDITED)
def test_every_text_meets_wcag_aa(open_at, shared_page, app_url, name, present, dark):
    query = PAGES.get(name) or AUDITED[name]
    link = f"{app_url}{query}{('&' if '?' in query else '?') + 'present=1' if present else ''}"
    if name in PAGES and not dark:  # test_chart_play_and_essentials_fit_the_screen's page
        page = shared_page(link, SIZES["1080"], timeout=45_000)
    else:
        page = open_at(link, "1080", dark)
    failures = page.evaluate(CONTRAST_JS)
    assert not failures, "\n".join(failures)
