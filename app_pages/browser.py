"""What the app tells the browser beyond Streamlit's own elements: the page's CSS (presenter
type, the parts a link hides, a tighter frame) and a small script (a ``st.components.v2``
component, no iframe) for what Streamlit cannot do from Python:

* **keyboard**: space plays or pauses every animated chart on the page, ← and → show the
  previous or next frame (one step, or one frame of the thinned animation for long runs),
  Home and End the first and last; keys typed into a widget are left alone;
* **theme**: Streamlit does not rerun the script when the student switches between light and
  dark (settings menu or system setting), so the charts (drawn with ``theme=None``, their
  colours chosen on the server) would keep the old theme. The script notices the page's
  background change and asks for one rerun, in which ``st.context.theme`` has the new type;
* **screen size**: the server cannot see the window, and a chart's height is fixed in its
  figure. The script reports the window's height and the page's content width (in steps of
  40 px; 720 × 920, a 1280×720 projector with the sidebar open, is assumed until it has) so
  that the main chart takes what the screen has left: a 1280×720 projector and a 1920×1080
  one both show the chart and its Play button without scrolling. A new size costs one rerun
  (once per session and per resize or sidebar toggle; none on a 1280×720 screen).

``window.__gdviz.settled`` is true once the page is drawn for the browser's theme and size
(the browser tests wait for it).
"""

from __future__ import annotations

import streamlit as st

from gdviz.display import Display
from gdviz.figures.look import Look

SCRIPT = r"""
const SKIP = 'input, textarea, select, button, a, summary, label, [contenteditable="true"],'
  + ' [role="slider"], [role="combobox"], [role="listbox"], [role="option"], [role="radio"],'
  + ' [role="switch"], [role="checkbox"], [role="tab"], [role="menuitem"], [role="spinbutton"]';

function animated() {
  return [...document.querySelectorAll('[data-testid="stPlotlyChart"] .js-plotly-plot')]
    .filter((gd) => gd._transitionData && (gd._transitionData._frames || []).length
      && ((gd.layout || {}).updatemenus || []).length);
}

function wire(gd) {
  if (gd.__gdvizWired) return;
  gd.__gdvizWired = true;
  const slider = ((gd.layout || {}).sliders || [])[0];
  gd.__gdvizFrame = slider ? slider.active : gd._transitionData._frames.length - 1;
  gd.on("plotly_animatingframe", (event) => {
    gd.__gdvizPlaying = true;
    const index = gd._transitionData._frames.findIndex((f) => f.name === event.name);
    if (index >= 0) gd.__gdvizFrame = index;
  });
  gd.on("plotly_animated", () => { gd.__gdvizPlaying = false; });
  gd.on("plotly_animationinterrupted", () => { gd.__gdvizPlaying = false; });
}

function menu(gd, which) {
  const [frames, options] = gd.layout.updatemenus[0].buttons[which].args;
  return [frames, { ...options }];
}

function play(gd) {
  const [frames, options] = menu(gd, 0);
  if (gd.__gdvizFrame >= gd._transitionData._frames.length - 1) options.fromcurrent = false;
  window.Plotly.animate(gd, frames, options);
}

function pause(gd) {
  window.Plotly.animate(gd, ...menu(gd, 1));
  gd.__gdvizPlaying = false;
}

function show(gd, index) {
  const frames = gd._transitionData._frames;
  const i = Math.max(0, Math.min(frames.length - 1, index));
  gd.__gdvizFrame = i;
  window.Plotly.animate(gd, [frames[i].name], {
    mode: "immediate", frame: { duration: 0, redraw: false }, transition: { duration: 0 },
  });
}

function onKey(event) {
  if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
  if (event.target && event.target.closest && event.target.closest(SKIP)) return;
  const charts = animated();
  if (!charts.length || !window.Plotly) return;
  charts.forEach(wire);
  const key = event.key;
  if (key === " ") {
    const playing = charts.some((gd) => gd.__gdvizPlaying);
    charts.forEach((gd) => (playing ? pause(gd) : play(gd)));
  } else if (key === "ArrowRight" || key === "ArrowLeft") {
    const by = key === "ArrowRight" ? 1 : -1;
    charts.forEach((gd) => { if (gd.__gdvizPlaying) pause(gd); show(gd, gd.__gdvizFrame + by); });
  } else if (key === "Home" || key === "End") {
    charts.forEach((gd) => { pause(gd); show(gd, key === "Home" ? 0 : Infinity); });
  } else {
    return;
  }
  event.preventDefault();
}

function pageTheme() {
  const app = document.querySelector('[data-testid="stApp"]');
  const rgb = app && getComputedStyle(app).backgroundColor.match(/[\d.]+/g);
  if (!rgb) return null;
  const [r, g, b] = rgb.map(Number);
  return 0.2126 * r + 0.7152 * g + 0.0722 * b < 128 ? "dark" : "light";
}

function screenSize() {
  const main = document.querySelector('[data-testid="stMainBlockContainer"]');
  const step = (value) => Math.floor(value / 40) * 40;
  const width = main ? step(main.getBoundingClientRect().width) : 0;
  return [Math.max(560, Math.min(1440, step(window.innerHeight))), width];
}

function watch() {
  const state = window.__gdviz;
  animated().forEach(wire);
  const theme = pageTheme(), size = screenSize(), key = size.join("x");
  state.settled = theme === state.serverTheme && key === state.serverSize;
  if (theme && theme !== state.serverTheme && theme !== state.askedTheme) {
    state.askedTheme = theme;  // one rerun per change: never a loop if the server cannot see it
    state.trigger("theme", theme);
  }
  const idle = document.querySelector('[data-testid="stApp"][data-test-script-state="notRunning"]');
  if (idle && size[1] && key !== state.serverSize && key !== state.askedSize) {
    clearTimeout(state.sizeTimer);  // report once the window has stopped changing
    state.sizeTimer = setTimeout(() => {
      if (screenSize().join("x") !== key) return;  // still changing, or ran: next time
      state.askedSize = key;
      state.setState("size", size);
    }, 300);
  }
}

export default function (component) {
  const state = window.__gdviz || (window.__gdviz = {});
  state.serverTheme = component.data.theme;
  state.serverSize = component.data.size.join("x");
  state.trigger = component.setTriggerValue;
  state.setState = component.setStateValue;
  if (!state.installed) {
    state.installed = true;
    document.addEventListener("keydown", onKey);
    setInterval(watch, 400);
  }
  watch();
}
"""

_component = st.components.v2.component("gdviz_browser", js=SCRIPT)
ASSUMED = (720, 920)  # window height, content width until the browser has said (1280×720)


def mount(look: Look) -> None:
    """The keyboard, theme and screen script (an invisible element; its function is called
    again when the theme or the size the page is drawn for changes)."""
    data = {"theme": "dark" if look.dark else "light", "size": list(screen())}
    with st.container(key="gdviz_browser"):
        _component(key="browser", data=data, on_theme_change=lambda: None,
                   on_size_change=lambda: None)  # fmt: skip


def screen() -> tuple[int, int]:
    """The window's height and the page's content width in pixels, as last reported."""
    reported = (st.session_state.get("browser") or {}).get("size")
    return (int(reported[0]), int(reported[1])) if reported else ASSUMED


FRAME = """
.block-container {padding: 3.6rem 2rem 2rem 2rem;}
[data-testid="stMain"] h1 {font-size: 2.1rem; padding: 0 0 0.15rem 0;}
[data-testid="stSidebarUserContent"] {padding-top: 0.5rem;}
.st-key-gdviz_browser {display: none;}
[data-testid="stCaptionContainer"] {opacity: 0.8;}  /* Streamlit's 0.6 is below WCAG AA */
"""
PRESENT = """
html {font-size: 20px;}
[data-testid="stMain"] h1 {font-size: 1.7rem;}
[data-testid="stCaptionContainer"], [data-testid="stWidgetLabel"] p {font-size: 1rem;}
"""
HIDE_SIDEBAR = """
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stExpandSidebarButton"] {display: none;}
"""


def css(display: Display) -> str:
    """The page's style: the frame, presenter type, and a rule per part the link hides (a
    control's group is ``st.container(key="part--<name>--…")``, see ``widgets.group``)."""
    rules = [FRAME, PRESENT if display.present else ""]
    rules += [f'[class*="st-key-part--{name}--"] {{display: none;}}' for name in display.hide]
    if not display.shows("sidebar"):
        rules.append(HIDE_SIDEBAR)
    return "<style>" + "\n".join(rules) + "</style>"
