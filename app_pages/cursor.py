"""One step cursor: the animated chart's own Play and step slider.

Streamlit cannot move a widget during client-side playback, and ``st.plotly_chart`` reports
selections only (not the slider or the frame shown), so a server-side step slider would be a
second cursor that disagrees with the animation. Instead every step-dependent drawing (the path,
the step arrows, the markers on the f / ‖∇f‖ / α panels) lives in ONE figure and moves with its
frames, and this small listener (an ``st.components.v2`` component, part of Streamlit) tells the
server which step the chart shows once it stops: on pause, at the end of playback, after a scrub.
The step inspector then writes that step out. While the chart moves, or until the inspector has
caught up, the inspector is dimmed and says so: it never shows another step as if it were current.

The report carries the figure's id (its ``layout.meta.cursor``), so a step reported by an older
figure (another setup) is never applied to a new one.
"""

from __future__ import annotations

import hashlib

import streamlit as st

KEY = "step_cursor"
INSPECTOR = "step_inspector"  # the inspector's container key (CSS class st-key-step_inspector)

_JS = r"""
function watcher(root) {
  const w = { gd: null, data: {}, playing: false, sent: null, timer: 0, poll: 0, set: null };
  const note = document.createElement('div');  // over the inspector's heading, right-aligned
  note.style.cssText = 'position:absolute;right:0;top:1.7rem;z-index:2;font-size:1rem;' +
    'color:inherit;font-weight:600;padding:0 0.4rem;';  // the theme's text colour, light or dark
  root.style.position = 'relative';
  root.appendChild(note);
  const chart = () => document.querySelector(`.st-key-${w.data.chart} .js-plotly-plot`);
  const shown = () => {  // the step of the frame the chart shows: its slider's active step
    const fl = w.gd && w.gd._fullLayout, sliders = fl && fl.sliders;
    if (!sliders || !sliders.length || !w.gd.layout.sliders) return null;
    const step = w.gd.layout.sliders[0].steps[sliders[0].active];
    return step ? Number(step.value) : null;
  };
  const figure = () => w.gd && w.gd.layout && w.gd.layout.meta && w.gd.layout.meta.cursor;
  let drawn = null;  // what show() last wrote: it writes to the page only when that changes
  const show = () => {  // dim the inspector while it shows another step than the chart
    const k = shown(), ours = figure() === w.data.id;
    const behind = ours && (w.playing || (k !== null && k !== w.data.step));
    const text = ours && w.playing ? '▶ Playing. Pause to see a step written out.'
      : (behind ? `Writing out step ${k} …` : '');
    if (drawn && drawn.behind === behind && drawn.text === text) return;
    drawn = { behind, text };
    const box = document.querySelector(`.st-key-${w.data.inspector}`);
    if (box) { box.style.opacity = behind ? '0.3' : ''; box.style.transition = 'opacity 0.15s'; }
    note.textContent = text;
  };
  const report = () => {
    clearTimeout(w.timer);
    w.timer = setTimeout(() => {
      const k = shown(), id = figure();
      if (w.playing || k === null || id !== w.data.id) return show();
      const fresh = !(w.sent && w.sent.step === k && w.sent.id === id);
      if (k !== w.data.step && fresh) { w.sent = { step: k, id: id }; w.set('step', w.sent); }
      show();
    }, 120);
  };
  const onFrame = () => { w.playing = true; show(); };
  const onStop = () => { w.playing = false; report(); };
  const events = [['plotly_animatingframe', onFrame], ['plotly_animated', onStop],
                  ['plotly_animationinterrupted', onStop], ['plotly_sliderchange', () => show()]];
  const detach = () => {
    if (w.gd && w.gd.removeListener) events.forEach(([name, f]) => w.gd.removeListener(name, f));
    w.gd = null;
  };
  const attach = () => {
    const gd = chart();
    if (gd && gd !== w.gd && gd.on) {
      detach(); w.gd = gd; w.playing = false;
      events.forEach(([name, f]) => gd.on(name, f));
      report();
    }
  };
  w.poll = setInterval(attach, 300);
  w.update = (data) => {
    w.data = data || {};
    drawn = null;  // the inspector was drawn again: write its state afresh
    if (w.sent && w.sent.step === w.data.step) w.sent = null;
    attach(); show();
  };
  w.stop = () => { clearInterval(w.poll); clearTimeout(w.timer); detach(); note.remove(); };
  return w;
}

export default function (component) {
  const { data, setStateValue, parentElement } = component;
  const w = parentElement.__gdvizCursor || (parentElement.__gdvizCursor = watcher(parentElement));
  w.set = setStateValue;
  w.update(data);
  return () => { w.stop(); delete parentElement.__gdvizCursor; };
}
"""

_listener = st.components.v2.component("gdviz_step_cursor", js=_JS, isolate_styles=False)


def figure_id(*parts) -> str:
    """A short id for the figure that the cursor's steps belong to (one per setup and run)."""
    return hashlib.blake2s(repr(parts).encode(), digest_size=6).hexdigest()


def reported(figure: str, end: int) -> int | None:
    """The step the chart last stopped at, if it was this figure's (within 0 … ``end``)."""
    value = st.session_state.get(KEY)
    value = value.get("step") if value is not None else None
    if not isinstance(value, dict) or value.get("id") != figure:
        return None
    step = value.get("step")
    return min(max(int(step), 0), end) if isinstance(step, int | float) else None


def listen(figure: str, step: int, chart: str = "contour") -> None:
    """Mount the listener: it reports the step ``chart`` stops at and dims the inspector while
    the inspector shows another step than the chart (``step``: the one it shows now)."""
    data = {"id": figure, "step": step, "chart": chart, "inspector": INSPECTOR}
    _listener(key=KEY, data=data, on_step_change=lambda: None, height="content")
