/* Instant α drawing: the moving parts as SVG paths inside Plotly's own plot area.
 *
 * Plotly draws the axes and the still background once. The path, its markers, the current point
 * (and the 1-D tangent, the loss curve) change on every α or step, and even Plotly.animate with
 * redraw: false spends two animation frames per update (supplyDefaults and calc over the whole
 * figure, then its transition): 34–50 ms. Here each update rewrites a few `d` attributes in the
 * same event, ~1 ms, painted in the next frame. The group sits in Plotly's plot-area group
 * (`.overplot .xy`: translated to the plot area and clipped to it) and is re-attached after
 * any Plotly redraw (a resize). Axis ranges are fixed, so pixels follow from the range and the
 * plot area's size; segments are clipped to three times the area (no 1e12-pixel coordinates).
 */
window.InstantDraw = (function () {
  "use strict";
  const NS = "http://www.w3.org/2000/svg";

  function clip(x0, y0, x1, y1, box) {
    // Liang–Barsky: the part of the segment inside box = [left, right, top, bottom], or null.
    let t0 = 0;
    let t1 = 1;
    const dx = x1 - x0;
    const dy = y1 - y0;
    const p = [-dx, dx, -dy, dy];
    const q = [x0 - box[0], box[1] - x0, y0 - box[2], box[3] - y0];
    for (let k = 0; k < 4; k += 1) {
      if (p[k] === 0) {
        if (q[k] < 0) return null;
      } else {
        const r = q[k] / p[k];
        if (p[k] < 0) {
          if (r > t1) return null;
          t0 = Math.max(t0, r);
        } else {
          if (r < t0) return null;
          t1 = Math.min(t1, r);
        }
      }
    }
    return [x0 + t0 * dx, y0 + t0 * dy, x0 + t1 * dx, y0 + t1 * dy, t0 > 0, t1 < 1];
  }

  const f = (value) => value.toFixed(1);

  function line(scale, xs, ys) {
    // A polyline through the finite points; NaN (a gap) lifts the pen.
    const box = [-scale.w, 2 * scale.w, -scale.h, 2 * scale.h];
    const parts = [];
    let penDown = false;
    let last = null;
    for (let i = 0; i < xs.length; i += 1) {
      const point = scale.pixel(xs[i], ys[i]);
      if (point && last) {
        const seg = clip(last[0], last[1], point[0], point[1], box);
        if (seg) {
          if (!penDown || seg[4]) parts.push(`M${f(seg[0])},${f(seg[1])}`);
          parts.push(`L${f(seg[2])},${f(seg[3])}`);
          penDown = !seg[5];
        } else {
          penDown = false;
        }
      } else {
        penDown = false;
      }
      last = point;
    }
    return parts.join("");
  }

  function dots(scale, xs, ys, radius) {
    // One path of circles at the points inside the plot area.
    const parts = [];
    const r = f(radius);
    const across = f(2 * radius);
    for (let i = 0; i < xs.length; i += 1) {
      const point = scale.pixel(xs[i], ys[i]);
      if (!point || point[0] < -radius || point[0] > scale.w + radius) continue;
      if (point[1] < -radius || point[1] > scale.h + radius) continue;
      parts.push(`M${f(point[0] - radius)},${f(point[1])}a${r},${r} 0 1,0 ${across},0`);
      parts.push(`a${r},${r} 0 1,0 -${across},0`);
    }
    return parts.join("");
  }

  function overlay(plot, styles) {
    // styles: one per path, e.g. {stroke: "#D7263D", width: 2, opacity: 0.35, dash: "4 4",
    // fill: "none"}; draw(shapes) takes one {x, y, radius?} per path (radius: circles).
    let group = null;
    let nodes = [];
    let scale = null;

    function attach() {
      const area = plot.querySelector(".cartesianlayer .overplot .xy");
      const background = plot.querySelector(".bglayer .bg");
      if (!area || !background) return false;
      if (!group || group.parentNode !== area) {
        group = document.createElementNS(NS, "g");
        group.setAttribute("class", "instant-overlay");
        group.style.pointerEvents = "none";
        nodes = styles.map((style) => {
          const node = document.createElementNS(NS, "path");
          node.setAttribute("fill", style.fill || "none");
          node.setAttribute("stroke", style.stroke || "none");
          node.setAttribute("stroke-width", String(style.width || 0));
          node.setAttribute("stroke-linejoin", "round");
          if (style.opacity) node.setAttribute("opacity", String(style.opacity));
          if (style.dash) node.setAttribute("stroke-dasharray", style.dash);
          group.appendChild(node);
          return node;
        });
        area.appendChild(group);
      }
      const w = Number(background.getAttribute("width"));
      const h = Number(background.getAttribute("height"));
      const xRange = plot.layout.xaxis.range;
      const yRange = plot.layout.yaxis.range;
      const log = plot.layout.yaxis.type === "log";
      const xScale = w / (xRange[1] - xRange[0]);
      const yScale = h / (yRange[1] - yRange[0]);
      scale = {
        w,
        h,
        pixel(x, y) {
          const v = log ? Math.log10(y) : y;
          const px = (x - xRange[0]) * xScale;
          const py = h - (v - yRange[0]) * yScale;
          return Number.isFinite(px) && Number.isFinite(py) ? [px, py] : null;
        },
      };
      return true;
    }

    function draw(shapes) {
      if (!attach()) return;
      shapes.forEach((shape, k) => {
        const d = shape.radius ? dots(scale, shape.x, shape.y, shape.radius) : line(scale, shape.x, shape.y);
        nodes[k].setAttribute("d", d);
      });
    }

    return { draw, nodes: () => nodes };
  }

  return { overlay, clip };
})();
