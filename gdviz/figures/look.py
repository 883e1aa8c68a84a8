"""The app's look: run colours every student can tell apart, the light and dark inks, and the
restyling of a finished figure for the dark theme and for presenter mode.

Figures are built once, in the light look with normal type (:data:`STYLE`, :data:`RUNS` and the
other named colours below). :func:`restyle` turns such a figure into another :class:`Look`:
every named colour becomes its dark counterpart (:data:`DARK_OF`), and in presenter mode type,
lines, markers and the Play button grow. Only pictures (the colour field, the basin map) cannot
be recoloured afterwards: their builders take ``dark`` themselves. The pages draw every figure
with ``theme=None`` (Streamlit's own theme, re-applied in the browser on every redraw, cost
~50 ms per α change), so the look is set here, on the server, from ``st.context.theme``.

Run colours come from Okabe & Ito's colour-blind-safe set (with Paul Tol's wine, dark pink and
yellow); ``tests/test_look.py`` checks that any runs drawn together stay apart (CIEDE2000)
under simulated protanopia, deuteranopia and tritanopia, and that text is readable (WCAG AA).

>>> Look(dark=True).colour(RUNS[0])
'#E69F00'
>>> run_style(4, 6)
{'dash': 'longdash', 'symbol': 'x'}
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # animation imports this module
    from gdviz.figures.prepared import PreparedFigure

# Runs in the order they are handed out: the first four stay far apart for every kind of colour
# vision; from the fifth on, line dashes and marker symbols tell runs apart as well.
RUNS = ("#D55E00", "#000000", "#0072B2", "#882255", "#56B4E9", "#009E73")
DARK_RUNS = ("#E69F00", "#FFFFFF", "#56B4E9", "#BB4488", "#009E73", "#F0E442")
DASHES = ("solid", "dash", "dot", "dashdot", "longdash", "longdashdot")
SYMBOLS = ("circle", "square", "diamond", "triangle-up", "x", "star")
PLAIN_UP_TO = 4  # runs told apart by colour alone
PRESENT_GAP = 40  # pixels more between the plot and Play in presenter mode (larger labels)

# What each verdict kind (messages.KINDS) is drawn in, in the lab's sweep (light, dark); the four
# a sweep shows together (too slow, converged, cycling, diverging) stay apart for every vision.
REGIONS = {
    "too_slow": ("#4EA8DE", "#88CCEE"),
    "converged": ("#117733", "#009E73"),
    "cycling": ("#E69F00", "#E69F00"),
    "diverging": ("#6A0F49", "#CC3311"),
    "saddle": ("#0072B2", "#56B4E9"),
    "unbounded": ("#882255", "#BB4488"),
    "undefined": ("#5F6675", "#A3ABBB"),
    "stalled": ("#999933", "#DDCC77"),
}
REGION_SYMBOLS = {"too_slow": "circle", "converged": "square", "cycling": "diamond",
                  "diverging": "x", "saddle": "triangle-down", "unbounded": "triangle-left",
                  "undefined": "cross", "stalled": "hourglass"}  # fmt: skip
TOGETHER_KINDS = ("too_slow", "converged", "cycling", "diverging")

# Everything that is not a run, light → dark.
INK, TEXT, MUTED = "#1B1B1E", "#31333F", "#5F6675"  # marks; chart text; secondary marks
CURVE = "#26468C"  # the 1-D curve f(x) and the cobweb's map
LEVEL_LINES = "rgba(30,40,60,0.45)"
SURFACE_LINES = "rgba(30,40,60,0.3)"
FEW_POINTS, MANY_POINTS = "rgba(30,36,50,0.85)", "rgba(40,50,70,0.4)"
LIMIT, BEST = "#B3132B", "#1E7B4F"  # the stability limit and the best constant step
ELSEWHERE, DIVERGED, PALE = "#D5D8DE", "#2B2B2B", "#EEF0F4"  # basin map categories
TRANSPARENT = "rgba(0,0,0,0)"
RIM = "#FFFFFF"  # the rim of current-point markers and the fill of minimum stars
EXTRA = ("#CC79A7", "#999933")  # basins beyond the sixth
MEMORY = "#7B2CBF"  # an optimizer's memory drawn at a step: momentum's share, the scale ellipse


def _one_meaning(*tables: dict) -> dict:
    """The tables merged; a light colour must have one dark counterpart whatever it draws."""
    merged: dict = {}
    for table in tables:
        for light, dark in table.items():
            if merged.setdefault(light, dark) != dark:
                raise ValueError(f"{light} has two dark counterparts")
    return merged


DARK_OF = _one_meaning(
    dict(zip(RUNS, DARK_RUNS, strict=True)),
    dict(REGIONS.values()),
    {INK: "#F2F4F8", TEXT: "#E6E8EE", MUTED: "#A3ABBB", CURVE: "#8FB0FF",
     LEVEL_LINES: "rgba(230,236,248,0.38)", SURFACE_LINES: "rgba(230,236,248,0.3)",
     FEW_POINTS: "rgba(236,240,248,0.9)", MANY_POINTS: "rgba(220,228,240,0.35)",
     LIMIT: "#FF7B8A", BEST: "#4CC38A", ELSEWHERE: "#3A4050", DIVERGED: "#05070A",
     PALE: "#1E2330", RIM: RIM, MEMORY: "#C9A3FF", "#CC79A7": "#CC79A7", "#999933": "#DDCC77"},
)  # fmt: skip


@dataclass(frozen=True)
class Inks:
    """The colours of a chart's frame: text, grid, axis lines, plot area, buttons."""

    text: str
    grid: str
    axis: str
    plot: str
    button: str
    border: str
    page: str  # the page behind the chart (Streamlit's background)


LIGHT_INKS = Inks(TEXT, "#E6E9F0", "#9AA3B5", "#FFFFFF", "#F3F5FA", "#C9CFDD", "#FFFFFF")
DARK_INKS = Inks("#E6E8EE", "#2A3040", "#5B6478", "#0E1117", "#262B36", "#4A5366", "#0E1117")
FONT_FAMILY = '"Source Sans", "Source Sans Pro", sans-serif'


@dataclass(frozen=True)
class Look:
    """Which theme (light or dark) and whether the room is looking at a projector."""

    dark: bool = False
    present: bool = False

    @property
    def inks(self) -> Inks:
        return DARK_INKS if self.dark else LIGHT_INKS

    @property
    def font_size(self) -> int:
        return 17 if self.present else 13

    @property
    def line_scale(self) -> float:
        return 1.8 if self.present else 1.0

    @property
    def marker_scale(self) -> float:
        return 1.35 if self.present else 1.0

    def colour(self, light: str) -> str:
        """A named colour in this look (unnamed colours, e.g. near-transparent, stay)."""
        return DARK_OF.get(light, light) if self.dark else light


def run_colour(index: int) -> str:
    """The light-look colour of run ``index`` (0-based)."""
    return RUNS[index % len(RUNS)]


def run_style(index: int, count: int) -> dict:
    """The second cue of run ``index`` among ``count``: solid lines and dots for up to
    :data:`PLAIN_UP_TO` runs, then a dash and a marker symbol of its own."""
    if count <= PLAIN_UP_TO:
        return {"dash": "solid", "symbol": "circle"}
    return {"dash": DASHES[index % len(DASHES)], "symbol": SYMBOLS[index % len(SYMBOLS)]}


def axis_style(inks: Inks) -> dict:
    """Every axis of every figure, unless the figure says otherwise."""
    return {
        "showgrid": True,
        "gridcolor": inks.grid,
        "zeroline": False,
        "linecolor": inks.axis,
        # Each figure sets its margins: plotly's automargin measured every tick label and drew
        # the whole figure again when they pushed (~300 ms of an α change in Chromium)
        "automargin": False,
        "ticks": "outside",  # invisible ticks: a little room between the labels and the plot
        "ticklen": 4,
        "tickcolor": "rgba(0,0,0,0)",
    }


def style(look: Look = Look()) -> dict:
    """Layout entries every figure starts from (instead of plotly.py's default template)."""
    inks = look.inks
    font = {"family": FONT_FAMILY, "color": inks.text, "size": look.font_size}
    scene_axis = {"gridcolor": inks.grid, "color": inks.text, "backgroundcolor": inks.plot,
                  "showbackground": True, "zerolinecolor": inks.axis}  # fmt: skip
    axis = axis_style(inks)
    scene = {"xaxis": scene_axis, "yaxis": scene_axis, "zaxis": scene_axis}
    return {
        "template": {"layout": {"xaxis": axis, "yaxis": axis, "scene": scene}},
        "font": font,
        "hoverlabel": {"bgcolor": inks.plot, "bordercolor": inks.border, "font": font},
        "paper_bgcolor": "rgba(0,0,0,0)",
    }


STYLE = style()
PALETTE = RUNS  # the name the figure modules use for the run colours


def restyle(figure: PreparedFigure, look: Look) -> PreparedFigure:
    """``figure`` (built in the light, normal look) in ``look``; the input is left as it was
    (cached figures stay valid) and the frames are shared, not copied."""
    if look == Look():
        return figure
    data = [_trace(dict(trace), look) for trace in figure.data]
    return figure.replaced(data, _layout(dict(figure.layout), look))


def restyle_json(figure: dict, look: Look) -> dict:
    """:func:`restyle` for Plotly JSON (``{"data": […], "layout": {…}, …}``, e.g. a figure the
    browser switches itself); other keys pass through, the input is left as it was."""
    if look == Look():
        return figure
    data = [_trace(dict(trace), look) for trace in figure["data"]]
    return figure | {"data": data, "layout": _layout(dict(figure["layout"]), look)}


_COLOUR_KEYS = ("color", "fillcolor", "bordercolor", "bgcolor", "outlinecolor")


def _recolour(value, look: Look):
    if isinstance(value, str):
        return look.colour(value)
    if isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
        return [look.colour(v) for v in value]
    return value


def _trace(trace: dict, look: Look) -> dict:
    """One trace's colours, line widths, marker and text sizes in ``look``."""
    for key in ("line", "marker", "textfont", "contours"):
        if isinstance(trace.get(key), dict):
            trace[key] = _part(dict(trace[key]), look)
    if "colorscale" in trace and look.dark:
        trace["colorscale"] = [[stop, look.colour(c)] for stop, c in trace["colorscale"]]
    if "fillcolor" in trace:
        trace["fillcolor"] = look.colour(trace["fillcolor"])
    return trace


def _part(part: dict, look: Look) -> dict:
    for key in _COLOUR_KEYS:
        if key in part:
            part[key] = _recolour(part[key], look)
    if isinstance(part.get("line"), dict):  # a marker's outline
        part["line"] = _part(dict(part["line"]), look)
    if isinstance(part.get("z"), dict):  # a surface's contour lines
        part["z"] = _part(dict(part["z"]), look)
    if isinstance(part.get("width"), int | float):
        part["width"] = part["width"] * look.line_scale
    size = part.get("size")
    if isinstance(size, int | float):
        part["size"] = size * look.marker_scale
    elif isinstance(size, list):
        part["size"] = [s * look.marker_scale for s in size]
    return part


def _layout(layout: dict, look: Look) -> dict:
    """The frame of the chart in ``look``: fonts, axes, plot area, legend, buttons, shapes."""
    inks, size = look.inks, look.font_size
    layout.update(style(look))
    if layout.get("plot_bgcolor") not in (None, TRANSPARENT):  # a see-through overlay stays so
        layout["plot_bgcolor"] = inks.plot
    if isinstance(layout.get("legend"), dict):
        legend = dict(layout["legend"])
        legend["font"] = {**legend.get("font", {}), "size": size}
        layout["legend"] = legend
    menu_font = {"size": size + 2 if look.present else 13, "color": inks.text}
    lower = PRESENT_GAP if look.present else 0  # larger tick labels need more room above Play
    layout["updatemenus"] = [
        menu
        | {
            "bgcolor": inks.button,
            "bordercolor": inks.border,
            "font": menu_font,
            "pad": _lowered(menu.get("pad"), lower),
        }  # fmt: skip
        for menu in layout.get("updatemenus", ())
    ]
    layout["sliders"] = [
        slider
        | {
            "bgcolor": inks.button,
            "bordercolor": inks.border,
            "activebgcolor": inks.axis,
            "pad": _lowered(slider.get("pad"), lower),
        }  # fmt: skip
        for slider in layout.get("sliders", ())
    ]
    if lower and layout["updatemenus"] and "margin" in layout:
        layout["margin"] = {**layout["margin"], "b": layout["margin"].get("b", 80) + lower}
    layout["shapes"] = [_shape(dict(shape), look) for shape in layout.get("shapes", ())]
    layout["annotations"] = [
        annotation | {"font": {**annotation.get("font", {}), "color": inks.text, "size": size}}
        for annotation in layout.get("annotations", ())
    ]
    return {key: value for key, value in layout.items() if value != []}


def _lowered(pad: dict | None, by: int) -> dict:
    pad = dict(pad or {})
    pad["t"] = pad.get("t", 0) + by
    return pad


def _shape(shape: dict, look: Look) -> dict:
    if "fillcolor" in shape:
        shape["fillcolor"] = look.colour(shape["fillcolor"])
    if isinstance(shape.get("line"), dict):
        shape["line"] = _part(dict(shape["line"]), look)
    return shape
