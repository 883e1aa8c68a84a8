/* Instant α: every member of a learning-rate family is in this page; this switches between them.
 *
 * Moving the α slider picks the member nearest in log α and redraws the moving parts (full path,
 * path so far, current point, 1-D tangent; loss curve and its marker) in the same event with
 * instant_rate_draw.js: no server, no remount; Plotly's background image, level lines and axes
 * are never touched. Play steps through the chosen member's frames on requestAnimationFrame;
 * the step slider scrubs them. Inside the app plotly.js arrives through window.plotlyLoaded.
 * window.instantRate exposes the state for tests and the benchmark.
 */
(window.plotlyLoaded || Promise.resolve()).then(function () {
  "use strict";
  const view = JSON.parse(document.getElementById("family-data").textContent);
  const $ = (id) => document.getElementById(id);
  const SUPERSCRIPTS = { "-": "⁻", 0: "⁰", 1: "¹", 2: "²", 3: "³", 4: "⁴", 5: "⁵", 6: "⁶", 7: "⁷", 8: "⁸", 9: "⁹" };
  const CONFIG = { displayModeBar: false, responsive: true, scrollZoom: false, doubleClick: false };

  function decode(base64, Type) {
    const text = atob(base64);
    const bytes = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i += 1) bytes[i] = text.charCodeAt(i);
    return new Type(bytes.buffer);
  }

  const members = view.members;
  const offsets = members.offsets;
  const arrays = {
    steps: decode(members.steps, Int32Array),
    x: decode(members.x, Float32Array),
    y: decode(members.y, Float32Array),
    loss: decode(members.loss, Float32Array),
    slope: members.slope ? decode(members.slope, Float32Array) : null,
  };
  const rates = view.rates;
  const logRates = rates.map(Math.log);
  const logLow = logRates[0];
  const logSpan = logRates[logRates.length - 1] - logLow || 1;
  const position = (rate) => (Math.log(rate) - logLow) / logSpan;
  const frames = (i) => offsets[i + 1] - offsets[i];
  const part = (name, i) => arrays[name].subarray(offsets[i], offsets[i + 1]);
  const primary = view.marks.find((mark) => mark.primary);

  const state = { member: view.initial, frame: frames(view.initial) - 1, playing: false, draws: 0 };
  const pathPlot = $("path-plot");
  const lossPlot = $("loss-plot");

  function number(value) {
    if (!Number.isFinite(value)) return value > 0 ? "∞" : "undefined";
    const abs = Math.abs(value);
    if (abs === 0 || (abs >= 1e-3 && abs < 1e5)) return String(Number(value.toPrecision(3)));
    const [mantissa, exponent] = value.toExponential(1).split("e");
    const superscript = exponent.replace("+", "").replace(/[-0-9]/g, (c) => SUPERSCRIPTS[c]);
    return `${mantissa}·10${superscript}`;
  }

  const { path: colour, rim, tangent: ink, width: scale } = view.style; // the page's look
  const pathOverlay = InstantDraw.overlay(pathPlot, [
    { stroke: colour, width: 1.5 * scale, opacity: 0.35 }, // the whole path at this α, faint
    { stroke: colour, width: 2.6 * scale, dash: view.dimension === 1 ? "3 4" : "" }, // so far
    { fill: colour }, // its steps
    { fill: colour, stroke: rim, width: 2 }, // the current point
    { stroke: ink, width: 2.5 * scale }, // the 1-D tangent
  ]);
  const lossOverlay = InstantDraw.overlay(lossPlot, [
    { stroke: colour, width: 2.6 * scale },
    { fill: colour, stroke: rim, width: 2 },
  ]);

  function pathShapes(i, j) {
    const x = part("x", i);
    const y = part("y", i);
    const here = { x: [x[j]], y: [y[j]], radius: 8 };
    let tangent = { x: [], y: [] };
    if (view.dimension === 1) {
      const slope = part("slope", i)[j];
      const half = view.path.half;
      tangent = { x: [x[j] - half, x[j] + half], y: [y[j] - slope * half, y[j] + slope * half] };
    }
    const sofar = { x: x.subarray(0, j + 1), y: y.subarray(0, j + 1) };
    return [{ x, y }, sofar, { ...sofar, radius: 3.2 }, here, tangent];
  }

  function lossShapes(i, j) {
    const steps = part("steps", i);
    const loss = part("loss", i);
    return [{ x: steps, y: loss }, { x: [steps[j]], y: [loss[j]], radius: 6.5 }];
  }

  function readouts(i, j) {
    $("rate").textContent = `α = ${number(rates[i])}`;
    $("ratio").textContent = primary ? `= ${(rates[i] / primary.value).toFixed(2)} × ${primary.label}` : "";
    const verdict = $("verdict");
    verdict.textContent = view.labels[i];
    verdict.style.background = view.colours[view.kinds[i]].fill;
    verdict.style.color = view.colours[view.kinds[i]].text;
    verdict.dataset.kind = view.kinds[i];
    const steps = part("steps", i);
    const gap = part("loss", i)[j];
    $("step").textContent = `step ${steps[j]} / ${steps[steps.length - 1]} · f − f* = ${number(gap)}`;
    const scrub = $("scrub");
    scrub.max = String(frames(i) - 1);
    scrub.value = String(j);
  }

  function render() {
    const i = state.member;
    const j = state.frame;
    pathOverlay.draw(pathShapes(i, j));
    lossOverlay.draw(lossShapes(i, j));
    readouts(i, j);
    state.draws += 1;
    state.drawn = Promise.resolve(); // drawn already: the next frame paints it
    return state.drawn;
  }

  function select(i) {
    pause();
    state.member = Math.max(0, Math.min(rates.length - 1, i));
    state.frame = frames(state.member) - 1;
    return render();
  }

  function nearest(fraction) {
    const target = logLow + fraction * logSpan;
    let best = 0;
    for (let i = 1; i < logRates.length; i += 1) {
      if (Math.abs(logRates[i] - target) < Math.abs(logRates[best] - target)) best = i;
    }
    return best;
  }

  const alpha = $("alpha");
  const snap = () => { alpha.value = String(position(rates[state.member])); };
  alpha.addEventListener("input", () => {  // the slider runs over log α, from 0 to 1
    const i = nearest(Number(alpha.value));
    if (i !== state.member) select(i);
  });
  alpha.addEventListener("change", snap);
  alpha.addEventListener("keydown", (event) => {
    const moves = { ArrowLeft: -1, ArrowDown: -1, ArrowRight: 1, ArrowUp: 1, Home: -1e9, End: 1e9 };
    if (!(event.key in moves)) return;
    event.preventDefault();
    select(state.member + moves[event.key]);
    snap();
  });

  const play = $("play");
  let lastTick = 0;
  function pause() {
    state.playing = false;
    play.textContent = "▶ Play";
  }
  function tick(now) {
    if (!state.playing) return;
    if (now - lastTick >= view.frameMs - 4) {
      lastTick = now;
      state.frame += 1;
      render();
      if (state.frame >= frames(state.member) - 1) {
        pause();
        return;
      }
    }
    requestAnimationFrame(tick);
  }
  function start() {
    if (state.frame >= frames(state.member) - 1) state.frame = 0;
    state.playing = true;
    play.textContent = "❚❚ Pause";
    lastTick = performance.now();
    render();
    requestAnimationFrame(tick);
  }
  play.addEventListener("click", () => (state.playing ? pause() : start()));
  $("scrub").addEventListener("input", (event) => {
    pause();
    state.frame = Number(event.target.value);
    render();
  });

  function drawSlider() {
    const marks = $("marks");
    if (view.marks.length > 1) marks.parentElement.classList.add("two-rows");
    for (const mark of view.marks) {
      const p = position(mark.value);
      if (p < 0 || p > 1) continue;
      const line = document.createElement("div");
      line.className = `mark${mark.primary ? "" : " secondary"}${p > 0.7 ? " right" : ""}`;
      line.style.left = `${(100 * p).toFixed(3)}%`;
      line.title = mark.note;
      const text = document.createElement("span");
      text.textContent = `${mark.label} = ${number(mark.value)}${mark.primary ? "" : ` (${mark.note})`}`;
      line.appendChild(text);
      marks.appendChild(line);
    }
    const stops = $("stops");
    rates.forEach((rate, i) => {
      const tick = document.createElement("div");
      tick.className = "stop";
      tick.style.left = `${(100 * position(rate)).toFixed(3)}%`;
      tick.style.background = view.colours[view.kinds[i]].fill;
      tick.title = `α = ${number(rate)}: ${view.labels[i]}`;
      stops.appendChild(tick);
    });
    for (const [kind, { name, fill }] of Object.entries(view.colours)) {
      if (!view.kinds.includes(kind)) continue;
      const swatch = document.createElement("i");
      swatch.style.background = fill;
      $("legend").append(swatch, name);
    }
    $("f-star").textContent = number(view.fStar);
    $("low").textContent = `α = ${number(rates[0])}`;
    $("high").textContent = number(rates[rates.length - 1]);
    snap();
  }

  drawSlider();
  const ready = Promise.all([
    Plotly.newPlot(pathPlot, view.path.data, view.path.layout, CONFIG),
    Plotly.newPlot(lossPlot, view.loss.data, view.loss.layout, CONFIG),
  ]).then(() => {
    render();
    pathPlot.on("plotly_afterplot", render); // a resize redrew the plot: draw the path again
    lossPlot.on("plotly_afterplot", render);
  });
  window.instantRate = { view, state, select, render, ready, start, pause, nearest, position };
});
