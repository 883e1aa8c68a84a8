"""The Instant-α view: what is sent (size, float32 members that decode back to the runs), the two
figures, and the page around them (title, formula, settings; plotly.js inlined or linked)."""

from __future__ import annotations

import base64
import json

import numpy as np
import pytest

from gdviz import parse_objective, seed_example
from gdviz.family import rate_family
from gdviz.figures.animation import frame_steps
from gdviz.figures.instant_rate import FRAMES, auto_window, background, family_view, payload_bytes
from gdviz.figures.instant_rate_page import ViewText, family_html, view_json

BOWL = parse_objective("x^2 + 10y^2")


def make_view(problem, start, name="gd", minima=(), **rules):
    family = rate_family(problem, start, name, **rules)
    path = background(problem, auto_window(family, problem, minima), minima)
    text = ViewText.for_family(family, "f = …")
    return family, family_view(family, problem, text, path, minima)


def decode(members: dict, key: str, dtype=np.float32) -> np.ndarray:
    return np.frombuffer(base64.b64decode(members[key]), dtype=dtype)


@pytest.mark.parametrize(
    ("problem", "start"), [(BOWL, [-2.6, 1.2]), (seed_example(), [0.0, 0.0])], ids=["bowl", "seed"]
)
def test_a_family_of_full_length_runs_fits_the_payload_budget(problem, start):
    family, view = make_view(problem, start, grad_tol=0.0, max_steps=1000)
    assert len(family.rates) >= 40
    assert int(np.max(family.trajectory.steps)) == 1000
    assert payload_bytes(view) <= 400_000
    json.loads(view_json(view), parse_constant=lambda name: pytest.fail(f"{name} in the JSON"))


def test_members_decode_back_to_each_run_at_its_frame_steps():
    family, view = make_view(BOWL, [-2.6, 1.2], minima=[(0, 0)])
    members, t = view["members"], family.trajectory
    steps, x, y = decode(members, "steps", np.int32), decode(members, "x"), decode(members, "y")
    loss = decode(members, "loss")
    for i in (0, family.initial, len(family.rates) - 1):
        part = slice(members["offsets"][i], members["offsets"][i + 1])
        expected = frame_steps(int(t.steps[i]), FRAMES)
        np.testing.assert_array_equal(steps[part], expected)
        assert len(expected) <= FRAMES + 1 and expected[-1] == t.steps[i]
        np.testing.assert_allclose(x[part], t.points[expected, i, 0], rtol=1e-6, atol=1e-30)
        np.testing.assert_allclose(y[part], t.points[expected, i, 1], rtol=1e-6, atol=1e-30)
        gaps = t.values[expected, i] - view["fStar"]
        np.testing.assert_allclose(loss[part], np.maximum(gaps, 1e-15), rtol=1e-6, atol=1e-30)
    assert view["fStar"] == 0.0  # f at the marked minimum
    assert view["labels"][0].startswith("still descending") and view["kinds"][-1] == "diverging"
    assert view["rates"][view["initial"]] == family.rates[family.initial]


def test_two_d_background_is_an_image_and_one_level_line_trace():
    _, view = make_view(BOWL, [-2.6, 1.2], minima=[(0, 0)])
    path = view["path"]
    assert len(path["layout"]["images"]) == 1
    assert path["layout"]["images"][0]["source"].startswith("data:image/png;base64,")
    assert path["data"][path["start"]]["x"] == [-2.6]
    assert len(path["data"]) == 4  # hover grid, level lines, minima, start: the still parts
    assert view["loss"]["layout"]["yaxis"]["type"] == "log"


def test_one_d_view_carries_the_tangent_slopes():
    f = parse_objective("x^4 - 3x^2 + x")
    family, view = make_view(f, [2.0], minima=[(1.130901,)], hessian_at=[1.130901])
    members = view["members"]
    slopes, x = decode(members, "slope"), decode(members, "x")
    np.testing.assert_allclose(slopes, 4 * x**3 - 6 * x + 1, rtol=1e-4, atol=1e-4)
    assert len(view["path"]["data"]) == 2  # the curve and the minima; the rest is drawn live
    assert view["path"]["half"] > 0 and "images" not in view["path"]["layout"]
    assert view["marks"][0]["label"] == "2/λmax"


def test_the_page_holds_title_formula_and_settings_and_escapes_them():
    family = rate_family(BOWL, [2.0, 1.0], "momentum", max_steps=50)
    text = ViewText("Instant α: </script><b>bold</b>", "f(x, y) = x² + 10y²", ("μ = 0.9",))
    path = background(BOWL, auto_window(family, BOWL))
    view = family_view(family, BOWL, text, path)
    linked = family_html(view, plotly_src="/component/x/plotly.min.js")
    assert "<title>Instant α: &lt;/script&gt;&lt;b&gt;" in linked
    assert "f(x, y) = x² + 10y²" in linked and "μ = 0.9" in linked
    assert 'fetch("/component/x/plotly.min.js", {cache: "force-cache"})' in linked
    assert linked.count("</script>") == linked.count("<script")  # the JSON cannot close one
    assert len(linked) < 400_000
    offline = family_html(view)
    assert "plotly.js v" in offline[:2_000_000] and len(offline) > 4_000_000


def test_settings_name_everything_that_shaped_the_runs():
    family = rate_family(seed_example(), [0.0, 0.0], "adam", {"beta1": 0.8}, value_tol=1e-9)
    text = ViewText.for_family(family, "J(θ)", where="constant Hessian")
    assert text.title == "Instant α: Adam"
    assert text.settings[:3] == ("β₁ = 0.8", "β₂ = 0.999", "ε = 1e-08")
    assert "up to 1000 steps, stop at ‖∇f‖ < 1e-06, or |Δf| < 1e-09" in text.settings
    assert "λmax = 21.21 (constant Hessian)" in text.settings
    assert "no 2/λmax limit to mark (adaptive steps, or no curvature)" in text.settings
    assert text.settings[-1] == "36 rates α from 0.001 to 10"
