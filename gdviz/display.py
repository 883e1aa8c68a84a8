"""How the app is shown, for every page alike: presenter mode and the parts a link hides.

Two link keys that belong to no lesson, decoded like any other (:mod:`gdviz.urlstate`):

* ``present=1`` — presenter mode: large type, thick paths, only the lesson's essential controls
  on screen (the rest one click away);
* ``hide=name,name,…`` — controls or sections a teacher's link leaves out, from :data:`HIDEABLE`
  (any order, each once). A hidden control still applies its value: the link's or the default.

>>> decode({"present": "1", "hide": "compare,schedule"})
(Display(present=True, hide=('schedule', 'compare')), [])
>>> decode({"hide": "schedule,colour"})[1][0][:70]
"Link parameter 'hide' was ignored: 'colour' is not one of function, ex"
>>> encode(Display(present=True, hide=("schedule", "compare")))
{'present': '1', 'hide': 'schedule,compare'}
"""

from __future__ import annotations

from dataclasses import dataclass

from gdviz import urlstate
from gdviz.urlstate import Flag, Names

HIDEABLE = {  # name in hide= → what it leaves out (on the pages that have it)
    "function": "the function box, its presets and examples",
    "examples": "the example functions under the box",
    "start": "the start point θ₀",
    "optimizer": "the optimizer choice and its hyperparameters",
    "rate": "the learning rate α",
    "schedule": "the learning-rate schedule",
    "stopping": "the step budget and the stop rules",
    "compare": "comparing several optimizers or learning rates",
    "data": "the choice of data (Batch vs SGD)",
    "batch": "batch size, budget and shuffling (Batch vs SGD)",
    "sections": "the lab's section switch (the link's section stays)",
    "math": "the formulas and theory notes",
    "metrics": "f, ‖∇f‖ and α against the step",
    "inspector": "the step inspector",
    "code": "the generated NumPy code",
    "downloads": "the download buttons",
    "instant": "Instant α: the link to it and its panel (Batch vs SGD)",
    "challenge": "the challenge maker (Playground)",
    "losses": "the loss curves and the summary table",
    "sidebar": "the whole sidebar",
    "nav": "the page navigation",
}


@dataclass(frozen=True)
class Display:
    """Presenter mode on or off, and the names of the hidden parts (in :data:`HIDEABLE` order)."""

    present: bool = False
    hide: tuple[str, ...] = ()

    def shows(self, name: str) -> bool:
        """Whether part ``name`` is on screen (a typo is a bug, not a hidden part)."""
        if name not in HIDEABLE:
            raise KeyError(name)
        return name not in self.hide


QUERY = {"present": ("present", Flag()), "hide": ("hide", Names(tuple(HIDEABLE)))}


def encode(display: Display) -> dict[str, str]:
    """Query parameters for ``display`` (nothing when it is the default)."""
    return urlstate.encode(display, QUERY)


def decode(params: dict[str, str]) -> tuple[Display, list[str]]:
    """The display a URL asks for, and a message for each ignored value."""
    return urlstate.decode(Display, QUERY, params)
