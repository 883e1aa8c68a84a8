"""Batch vs SGD vs mini-batch: the seed's three variants on the same data, side by side."""

import hashlib

import streamlit as st

from app_pages import instant_rate, state, views, widgets
from app_pages.state import DATA as FORM
from gdviz import datasets
from gdviz.figures.data import page_figures
from gdviz.lessons.data import runs as data_runs
from gdviz.lessons.data import setup as ds
from gdviz.lessons.data import words as text
from gdviz.schedules import SCHEDULES

P = FORM.prefix
problems = state.open_form(FORM)


@st.cache_resource(max_entries=4, show_spinner=False)
def cached_table(digest: str, _data: bytes):
    return datasets.read_csv(_data)  # a DataError propagates and is not cached


@st.cache_resource(max_entries=6, show_spinner="Running batch GD, SGD and mini-batch…")
def cached_outputs(setup: ds.DataSetup, data_key: str, _dataset):
    comparison = data_runs.run_variants(setup, _dataset)
    return comparison, *page_figures(comparison, _dataset, setup)


def source_changed() -> None:
    st.session_state[P + "epochs"] = ds.SOURCE_EPOCHS[st.session_state[P + "source"]]


def schedule_changed() -> None:
    budget = st.session_state[P + st.session_state[P + "budget"]]  # the epochs or the steps
    chosen = ds.schedule_defaults(st.session_state[P + "schedule"], budget)
    st.session_state.update({P + key: value for key, value in chosen.items()})


def uploaded_data() -> tuple:
    """The uploaded table's chosen x and y columns as a Dataset (None before a file is chosen).

    The file's bytes stay in the session, so switching source and back keeps it."""
    upload = st.file_uploader("CSV file (≤ 5 MB, ≤ 100,000 rows)", type=["csv", "txt"],
                              key=P + "upload", max_upload_size=5, help=text.CSV_HELP)  # fmt: skip
    kept, shown_before = P + "_file", P + "_uploader_had_file"
    if upload is not None:
        st.session_state[kept] = (upload.name, upload.getvalue())
    elif st.session_state.get(shown_before):  # the student removed the file
        st.session_state.pop(kept, None)
    st.session_state[shown_before] = upload is not None
    if kept not in st.session_state:
        return None, ""
    name, data = st.session_state[kept]
    if upload is None:
        st.caption(f"Using {name!r}, uploaded earlier in this session.")
    digest = hashlib.sha256(data).hexdigest()[:16]
    table = cached_table(digest, data)
    if st.session_state.get(P + "digest") != digest:  # a new file: start from numeric columns
        st.session_state.update(
            {P + "digest": digest, P + "columns": datasets.default_columns(table)}
        )
    chosen = st.session_state[P + "columns"]  # back from another source: as chosen before
    st.session_state.setdefault(P + "x_column", chosen[0])
    st.session_state.setdefault(P + "y_column", chosen[1])
    left, right = st.columns(2)
    x = left.selectbox("x column", table.columns, key=P + "x_column")
    y = right.selectbox("y column", table.columns, key=P + "y_column")
    st.session_state[P + "columns"] = (x, y)
    return datasets.to_dataset(table, x, y), f"csv:{digest}:{x}:{y}"


st.title("Batch vs SGD vs mini-batch")
st.caption(
    "The seed's three variants differ only in how much data each step sees. Here they share "
    "the data, optimizer, α, schedule, start θ₀ and budget: compare where each one gets."
)
for problem in problems:
    st.warning(problem)

dataset, data_key, data_error = None, "", None
with st.sidebar:
    st.subheader("1 · Data")
    source = st.radio("Data", list(ds.SOURCES), key=P + "source", format_func=ds.SOURCES.get,
                      on_change=source_changed, label_visibility="collapsed")  # fmt: skip
    if source != "upload":
        st.session_state[P + "_uploader_had_file"] = False  # not drawn: nothing was removed
    if source == "seed":
        dataset, data_key = datasets.seed_dataset(), "seed"
        st.caption("X = [[1,2],[1,3],[1,4]] (bias column first), y = [2,5,9].")
    elif source == "generated":
        left, right = st.columns(2)
        left.number_input("points n", *state.bounds(FORM, "n"), key=P + "n", step=1000)
        right.number_input("data seed", *state.bounds(FORM, "data_seed"), key=P + "data_seed")
        for i, (key, label) in enumerate(ds.GENERATOR_LABELS.items()):
            (left, right)[i % 2].number_input(
                label, *state.bounds(FORM, key), key=P + key, format="%.4g"
            )
        dataset = datasets.generate(*(st.session_state[P + k] for k in ds.GENERATOR_ARGUMENTS))
        data_key = "generated"
    else:
        try:
            dataset, data_key = uploaded_data()
        except datasets.DataError as error:
            data_error = error
    st.toggle("Standardise x", key=P + "standardise", help=text.STANDARDISE_HELP)
    st.subheader("2 · Batch, SGD, mini-batch")
    st.caption(text.VARIANTS_HELP)
    st.number_input("mini-batch size b", *state.bounds(FORM, "batch_size"), key=P + "batch_size")
    budget = st.radio("Budget", list(ds.BUDGETS), key=P + "budget", format_func=ds.BUDGETS.get)
    st.caption(text.BUDGET_HELP)
    if budget == "epochs":
        st.number_input("epochs", *state.bounds(FORM, "epochs"), key=P + "epochs", format="%g")
    else:
        st.number_input("steps", *state.bounds(FORM, "steps"), key=P + "steps")
    st.number_input("shuffle seed", *state.bounds(FORM, "shuffle_seed"), key=P + "shuffle_seed",
                    help=text.SHUFFLE_HELP)  # fmt: skip
    st.subheader("3 · Update rule")
    widgets.optimizer_inputs(P)
    with st.expander(f"Learning-rate schedule (k counts {budget})"):
        schedule = st.selectbox("Schedule", list(SCHEDULES), key=P + "schedule",
                                format_func=lambda n: SCHEDULES[n].display_name,
                                on_change=schedule_changed)  # fmt: skip
        st.latex(SCHEDULES[schedule].latex)
        for key, label, low, high in ds.schedule_fields(schedule, budget):
            st.number_input(label, low, high, key=P + key, format=None if low == 1 else "%.4g")
    st.subheader("4 · Start θ₀")
    left, right = st.columns(2)
    left.number_input(
        "θ₀ (intercept)", *state.bounds(FORM, "start_0"), key=P + "start_0", format="%.4g"
    )
    right.number_input(
        "θ₁ (slope)", *state.bounds(FORM, "start_1"), key=P + "start_1", format="%.4g"
    )

setup = state.current(FORM)
state.publish(FORM, setup)
if data_error is not None:
    st.error(f"**Can't use this file.** {data_error}", icon=":material/table_chart:")
    st.stop()
if dataset is None:
    st.info("Upload a CSV file in the sidebar, then pick its x and y columns.")
    st.stop()
if dataset.note:
    st.info(dataset.note)

for formula in text.model_latex(setup.standardise):
    st.latex(formula)
comparison, animation, losses = cached_outputs(setup, data_key, dataset)
st.caption(text.conditioning_note(comparison.problem, setup))
for note in comparison.notes:
    st.info(note, icon=":material/info:")
for column, run in zip(st.columns(3), comparison.runs, strict=True):
    with column:
        views.status_banner(run.history, run.variant.label)
views.chart(animation, P + "animation")
st.caption(text.figure_caption(comparison, dataset))
st.info(text.batch_story(comparison, setup), icon=":material/school:")
st.subheader("A fair comparison: loss against steps and against data seen")
views.chart(losses, P + "losses")
st.caption(text.LOSS_CAPTION)
st.dataframe(data_runs.summary_table(comparison), hide_index=True, key=P + "table")
instant = st.expander("Instant α for batch GD: drag α across 2/λmax", key=P + "instant",
                      on_change="rerun")  # fmt: skip
if instant.open:  # built only when asked for: one batched family of every slider stop
    with instant:
        problem = comparison.problem
        family = data_runs.batch_family(setup, problem)
        instant_rate.show_data_family(family, problem, tuple(problem.solution))
st.download_button("Download the trajectories (CSV)", key=P + "download_csv",
                   data=lambda: data_runs.trajectories_csv(comparison), on_click="ignore",
                   file_name="gdviz-batch-vs-sgd.csv", mime="text/csv")  # fmt: skip
st.caption(text.SHARE_CAPTION)
