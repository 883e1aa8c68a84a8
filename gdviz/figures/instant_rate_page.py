"""The Instant-α view as one HTML document: the same page inside the app and as an offline file.

The page is the payload (``<script type="application/json">``), ``instant_rate.css`` and
``instant_rate.js`` next to this module, and plotly.js: inlined from the plotly package for a
standalone file that works offline (a teacher's slide), or a ``<script src>`` inside the app,
where the browser fetches it from the app's server (from its HTTP cache after the first view)
instead of receiving 4.8 MB on every render.

>>> plain_formula("x^2 + 10*y^2 - x^(1/2)")
'x² + 10·y² - x^(1/2)'
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from gdviz.family import Family
from gdviz.optimizers import OPTIMIZERS

HERE = Path(__file__).parent
_SUPERSCRIPTS = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def plain_formula(text: str) -> str:
    """A formula as a student writes it, without LaTeX (MathJax is not available offline):
    integer powers as superscripts, ``*`` as a middle dot."""
    text = re.sub(r"\^(-?\d+)", lambda match: match.group(1).translate(_SUPERSCRIPTS), text)
    return text.replace("**", "^").replace("*", "·")


@dataclass(frozen=True)
class ViewText:
    """The words on the page: a title, the formula, one line of settings."""

    title: str
    formula: str
    settings: tuple[str, ...] = ()

    def as_dict(self) -> dict:
        return {"title": self.title, "formula": self.formula, "settings": list(self.settings)}

    @classmethod
    def for_family(
        cls, family: Family, formula: str, where: str = "Hessian at the start"
    ) -> ViewText:
        """Title and settings from the family itself; ``where``: where λmax comes from.

        >>> from gdviz import parse_objective
        >>> from gdviz.family import rate_family
        >>> family = rate_family(parse_objective("x^2 + 10y^2"), [2.0, 1.0], "momentum")
        >>> text = ViewText.for_family(family, "f(x, y) = x² + 10y²")
        >>> text.title
        'Instant α: Momentum'
        >>> text.settings[:3]
        ('momentum μ = 0.9', 'start θ₀ = (2, 1)', 'up to 1000 steps, stop at ‖∇f‖ < 1e-06')
        """
        spec = OPTIMIZERS[family.optimizer]
        rules = family.trajectory.rules
        labels = {h.name: h.label for h in spec.hyperparameters}
        settings = [f"{labels[name]} = {value:g}" for name, value in family.hyperparameters.items()]
        start = ", ".join(f"{value:g}" for value in family.start)
        settings.append(f"start θ₀ = ({start})" if len(family.start) > 1 else f"start x₀ = {start}")
        stop = f"up to {rules.max_steps} steps"
        if rules.grad_tol > 0:
            stop += f", stop at ‖∇f‖ < {rules.grad_tol:g}"
        if rules.value_tol > 0:
            stop += f", or |Δf| < {rules.value_tol:g}"
        settings.append(stop)
        if np.isfinite(family.lambda_max):
            settings.append(f"λmax = {family.lambda_max:.4g} ({where})")
        if not family.marks:
            settings.append("no 2/λmax limit to mark (adaptive steps, or no curvature)")
        rates = family.rates
        settings.append(f"{len(rates)} rates α from {rates[0]:.2g} to {rates[-1]:.3g}")
        title = f"Instant α: {spec.display_name}"
        return cls(title, formula, tuple(settings))


def view_json(view: dict) -> str:
    """The payload as JSON that is safe inside a ``<script>`` element (NaN is refused: the
    browser's JSON.parse would reject it)."""
    text = json.dumps(view, allow_nan=False, separators=(",", ":"), default=_listed)
    return text.replace("</", "<\\/")


def _listed(value):
    """Arrays plotly.py left as they are (empty ones) become lists."""
    if isinstance(value, np.ndarray | np.generic):
        return value.tolist()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


# plotly.js from the app's server, out of the browser's HTTP cache when it is there: Streamlit
# serves component files with "Cache-Control: public" and no validator, so a <script src> would
# download all 1.5 MB (gzip) again for every new view; fetch(…, {cache: "force-cache"}) reuses the
# stored copy. The view's script waits for window.plotlyLoaded.
_LOADER = """<script>
window.plotlyLoaded = fetch(SOURCE, {cache: "force-cache"})
  .then((response) => response.text())
  .then((source) => {
    const script = document.createElement("script");
    script.text = source;
    document.head.appendChild(script);
  })
  .catch((error) => {
    document.body.prepend(`plotly.js did not load from the app (${error}): reload the page.`);
    throw error;
  });
</script>"""


@cache
def _asset(name: str) -> str:
    return (HERE / name).read_text(encoding="utf-8")


@cache
def _inline_plotly() -> str:
    from plotly.offline import get_plotlyjs

    return get_plotlyjs()


def body_class(view: dict) -> str:
    """The page's look as classes of its ``<body>``: ``dark``, ``present``, both or none."""
    look = view.get("look", {})
    return " ".join(name for name in ("dark", "present") if look.get(name))


def family_html(view: dict, plotly_src: str | None = None) -> str:
    """The whole page. ``plotly_src=None`` inlines plotly.js (offline file, ~4.8 MB); a URL
    loads it from there instead (inside the app)."""
    text = view["text"]
    if plotly_src is None:
        plotly = f"<script>{_inline_plotly()}</script>"
    else:
        plotly = _LOADER.replace("SOURCE", json.dumps(plotly_src).replace("</", "<\\/"))
    settings = " · ".join(html.escape(item) for item in text["settings"])
    return _asset("instant_rate.html").format(
        title=html.escape(text["title"]),
        formula=html.escape(text["formula"]),
        settings=settings,
        body_class=body_class(view),
        css=_asset("instant_rate.css"),
        plotly=plotly,
        data=view_json(view),
        draw_js=_asset("instant_rate_draw.js"),
        js=_asset("instant_rate.js"),
    )
