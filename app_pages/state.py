"""One way from widget to chart: a page's widgets ↔ its setup dataclass ↔ its URL.

Each page has a :class:`Form`: its key prefix, its setup class and its lesson's link table
(``QUERY``: field → (query name, kind), the kind holding the bounds). Every widget that holds a
field has the key ``prefix + field``, so

* :func:`open_form` at the top of the page seeds the widgets from the URL (a value the student
  already chose in this session wins) and returns the link's problems to show;
* :func:`bounds` gives a number widget the same bounds as the link;
* :func:`current` reads the setup back, :func:`publish` writes it to the URL;
* :func:`keep` (called by ``app.py`` on every run) keeps every page's values while another page
  or section is shown: Streamlit forgets a widget's value when a run does not draw it, so
  re-assigning it is what makes a page come back as it was left.

Two link keys belong to every page (:mod:`gdviz.display`): ``present`` (the presenter toggle,
key ``present``) and ``hide`` (the parts a link leaves out). :func:`open_display` seeds them,
:func:`display` and :func:`look` read them, and :func:`publish` writes them into every page's
URL beside the page's own setup, so they survive every republish and every page switch.
"""

from __future__ import annotations

import functools
from dataclasses import asdict, dataclass, fields
from typing import Any

import streamlit as st

from gdviz import display as display_links
from gdviz import urlstate
from gdviz.display import Display
from gdviz.figures.look import Look
from gdviz.lessons.data import setup as data_setup
from gdviz.lessons.learning_rate import setup as lab_setup
from gdviz.lessons.playground import setup as playground_setup
from gdviz.lessons.predict import setup as predict_setup

HELPER_SUFFIXES = ("", "_slider", "_text")  # a field's own widget, its log slider, its text box


@dataclass(frozen=True)
class Form:
    """A page's setup as widgets (keys ``prefix + field``) and as a link."""

    prefix: str
    setup: type
    lesson: Any  # the lesson's setup module: QUERY, decode(params), encode(setup)

    def key(self, name: str) -> str:
        return self.prefix + name

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(f.name for f in fields(self.setup))


PLAYGROUND = Form("", playground_setup.Setup, playground_setup)
DATA = Form("data_", data_setup.DataSetup, data_setup)
LAB = Form("lr_", lab_setup.LabSetup, lab_setup)
PREDICT = Form("predict_", predict_setup.PredictSetup, predict_setup)
FORMS = (PLAYGROUND, DATA, LAB, PREDICT)
PRESENT, HIDDEN = "present", "_hidden"  # the presenter toggle's key; the link's hidden parts


def keep(forms: tuple[Form, ...] = FORMS) -> None:
    """Re-assign every field's widget value (and its slider and text box) of every page.

    One read of the whole state, then the writes: each ``key in st.session_state`` builds the
    state's key set anew (~300 of them cost 3 ms a rerun)."""
    state = st.session_state
    values = state.to_dict()
    for key in _kept_keys(forms):
        if key in values:
            state[key] = values[key]


@functools.cache
def _kept_keys(forms: tuple[Form, ...]) -> tuple[str, ...]:
    """The keys :func:`keep` re-assigns (the same every rerun: made once)."""
    return (PRESENT, *(form.key(name) + suffix for form in forms for name in form.names
                       for suffix in HELPER_SUFFIXES))  # fmt: skip


def open_form(form: Form) -> list[str]:
    """Seed the page's widgets from its URL; return the link's problems (one line per ignored
    value). A link the page did not write itself (followed, pasted, or from another page's
    "open in …") sets the whole setup; otherwise, e.g. back from another page with an empty
    URL, the values the student left win."""
    params = st.query_params.to_dict()
    setup, problems = form.lesson.decode(params)
    state = st.session_state
    followed = bool(params) and params != state.get(form.key("_published"))
    for name, value in asdict(setup).items():
        if followed or form.key(name) not in state:
            set_fields(form, {name: value})
    if followed:
        state[form.key("_link_problems")] = problems
    return state.setdefault(form.key("_link_problems"), problems)


def set_fields(form: Form, values: dict) -> None:
    """Write ``values`` (field → value) into the widgets, e.g. what a preset sets."""
    for name, value in values.items():
        st.session_state[form.key(name)] = list(value) if isinstance(value, tuple) else value
        st.session_state.pop(form.key(name) + "_slider", None)  # re-placed from the exact value


def current(form: Form):
    """The setup that the widgets describe now."""
    state = st.session_state
    values = {name: state[form.key(name)] for name in form.names}
    return form.setup(**{k: tuple(v) if isinstance(v, list) else v for k, v in values.items()})


def publish(form: Form, setup) -> None:
    """Write ``setup`` to the URL (only what differs from the defaults), with the display."""
    params = form.lesson.encode(setup) | display_links.encode(display())
    st.query_params.from_dict(params)
    st.session_state[form.key("_published")] = params


def open_display() -> list[str]:
    """Seed presenter mode and the hidden parts from the URL (the session's first link wins,
    like a page's setup); the link's problems with them."""
    shown, problems = display_links.decode(st.query_params.to_dict())
    st.session_state.setdefault(PRESENT, shown.present)
    st.session_state.setdefault(HIDDEN, shown.hide)
    return st.session_state.setdefault("_display_problems", problems)


def display() -> Display:
    """Presenter mode and the hidden parts, as they are now."""
    state = st.session_state
    return Display(bool(state.get(PRESENT, False)), tuple(state.get(HIDDEN, ())))


def look() -> Look:
    """How charts are drawn now: the browser's theme (``st.context.theme``) and presenter mode."""
    return Look(dark=st.context.theme.type == "dark", present=display().present)


def bounds(form: Form, name: str) -> tuple[float, float]:
    """The lowest and highest value a field's link accepts: its widget uses the same."""
    return urlstate.bounds(form.lesson.QUERY, name)
