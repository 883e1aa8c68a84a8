"""Batch vs SGD vs mini-batch: the seed's three variants on the same data, side by side."""

import streamlit as st

from app_pages import instant_rate, state, views, widgets
from app_pages.state import DATA as FORM
from gdviz import datasets
from gdviz.figures.data import page_backdrop, page_figures
from gdviz.lessons.data import runs as data_runs
from gdviz.lessons.data import setup as ds
from gdviz.lessons.data import words as text
from gdviz.schedules import SCHEDULES

P = FORM.prefix
problems = state.open_form(FORM)
shown = state.display()


@st.cache_resource(max_entries=6, show_spinner="Running batch GD, SGD and mini-batch…")
def cached_outputs(setup: ds.DataSetup, data_key: str, _dataset, dark: bool, size: tuple,
                   stacked: bool):  # fmt: skip
    comparison = data_runs.run_variants(setup, _dataset)
    start = (setup.start_0, setup.start_1)
    background = cached_backdrop(data_key, setup.standardise, start, dark, size, stacked, _dataset)
    return comparison, *page_figures(comparison, _dataset, setup, background, stacked)


@st.cache_resource(max_entries=8, show_spinner=False)
def cached_backdrop(data_key: str, standardise: bool, start: tuple, dark: bool, size: tuple,
                    stacked: bool, _dataset):  # fmt: skip
    """The loss surface behind the animation (``data_key`` names the dataset: "seed",
    "generated:(its arguments)" or "csv:digest:x:y"): kept while α, the optimizer or the budget
    change (a quarter of a rerun's server time when it was drawn anew for each α)."""
    return page_backdrop(_dataset.problem(standardise), start, dark, size, stacked)


def source_changed() -> None:
    st.session_state[P + "epochs"] = ds.SOURCE_EPOCHS[st.session_state[P + "source"]]


def schedule_changed() -> None:
    budget = st.session_state[P + st.session_state[P + "budget"]]  # the epochs or the steps
    chosen = ds.schedule_defaults(st.session_state[P + "schedule"], budget)
    st.session_state.update({P + key: value for key, value in chosen.items()})


st.title("Batch vs SGD vs mini-batch")
views.lead("Same data, optimizer, α, schedule, start and budget: only how much data each step "
           "sees differs.")  # fmt: skip
for problem in problems:
    st.warning(problem)

dataset, data_key, data_error = None, "", None
with st.sidebar:
    with widgets.group("1 · Data", "data", essential=True):
        source = st.radio("Data", list(ds.SOURCES), key=P + "source", format_func=ds.SOURCES.get,
                          on_change=source_changed, label_visibility="collapsed")  # fmt: skip
        if source != "upload":
            st.session_state[P + "_uploader_had_file"] = False  # not drawn: nothing was removed
        if source == "seed":
            dataset, data_key = datasets.seed_dataset(), "seed"
        elif source == "generated":
            with widgets.group("Generated data: n, seed, a, b, noise, x range", "data",
                               heading=False):  # fmt: skip
                left, right = st.columns(2)
                left.number_input("points n", *state.bounds(FORM, "n"), key=P + "n", step=1000)
                right.number_input("data seed", *state.bounds(FORM, "data_seed"),
                                   key=P + "data_seed")  # fmt: skip
                for i, (key, label) in enumerate(ds.GENERATOR_LABELS.items()):
                    (left, right)[i % 2].number_input(
                        label, *state.bounds(FORM, key), key=P + key, format="%.4g"
                    )
            arguments = tuple(st.session_state[P + k] for k in ds.GENERATOR_ARGUMENTS)
            dataset, data_key = datasets.generate(*arguments), f"generated:{arguments}"
        else:
            try:
                dataset, data_key = widgets.uploaded_data(P, text.CSV_HELP)
            except datasets.DataError as error:
                data_error = error
        st.toggle("Standardise x", key=P + "standardise", help=text.STANDARDISE_HELP)
    with widgets.group("2 · Update rule", "optimizer", essential=True):
        widgets.optimizer_inputs(P, rate_label=None)  # α sits above the chart
    with widgets.group("3 · Batch, SGD, mini-batch", "batch", help=text.VARIANTS_HELP):
        b = state.bounds(FORM, "batch_size")
        st.number_input("mini-batch size b", *b, key=P + "batch_size")
        budget = st.radio("Budget", list(ds.BUDGETS), key=P + "budget", help=text.BUDGET_HELP,
                          format_func=ds.BUDGETS.get)  # fmt: skip
        unit = "epochs" if budget == "epochs" else "steps"
        st.number_input(unit, *state.bounds(FORM, unit), key=P + unit,
                        format="%g" if unit == "epochs" else None)  # fmt: skip
        st.number_input("shuffle seed", *state.bounds(FORM, "shuffle_seed"),
                        key=P + "shuffle_seed", help=text.SHUFFLE_HELP)  # fmt: skip
    with widgets.group(f"Learning-rate schedule (k counts {budget})", "schedule", folded=True):
        schedule = st.selectbox("Schedule", list(SCHEDULES), key=P + "schedule",
                                format_func=lambda n: SCHEDULES[n].display_name,
                                on_change=schedule_changed)  # fmt: skip
        st.latex(SCHEDULES[schedule].latex)
        for key, label, low, high in ds.schedule_fields(schedule, budget):
            st.number_input(label, low, high, key=P + key, format=None if low == 1 else "%.4g")
    with widgets.group("4 · Start θ₀", "start"):
        left, right = st.columns(2)
        for column, (key, label) in zip((left, right), ds.START_LABELS.items(), strict=True):
            column.number_input(label, *state.bounds(FORM, key), key=P + key, format="%.4g")


@st.fragment
def lesson(dataset, data_key: str, data_error) -> None:
    """α, the three runs and all drawn from them. Its own rerun when α changes: the sidebar and
    the page's frame stay as they are."""
    if dataset is not None:
        widgets.rate_row("data", P)
    setup = state.current(FORM)
    state.publish(FORM, setup)
    if data_error is not None:
        st.error(f"**Can't use this file.** {data_error}", icon=":material/table_chart:")
        return
    if dataset is None:
        st.info("Upload a CSV file in the sidebar, then pick its x and y columns.")
        return

    size = (views.chart_height(255, least=420), views.chart_width())  # title and α above it
    dark, phone = state.look().dark, views.on_a_phone()
    comparison, animation, losses = cached_outputs(setup, data_key, dataset, dark, size, phone)
    views.chart(animation, P + "animation")
    st.caption(text.figure_caption(comparison, dataset))
    for column, run in zip(st.columns(3), comparison.runs, strict=True):
        with column:
            views.status_banner(run.history, run.variant.label, found=run.verdict)
    for note in ([dataset.note] if dataset.note else []) + list(comparison.notes):
        st.info(note, icon=":material/info:")
    if shown.shows("math"):
        for formula in text.model_latex(setup.standardise):
            st.latex(formula)
        st.caption(text.conditioning_note(comparison.problem, setup))
    st.info(text.batch_story(comparison, setup), icon=":material/school:")
    if shown.shows("losses"):
        st.subheader("A fair comparison: loss against steps and against data seen")
        views.chart(losses, P + "losses")
        st.caption(text.LOSS_CAPTION)
        st.dataframe(data_runs.summary_table(comparison), hide_index=True, key=P + "table")
    if shown.shows("instant"):
        instant = st.expander("Instant α for batch GD: drag α across 2/λmax", key=P + "instant",
                              on_change="rerun")  # fmt: skip
        if instant.open:  # built only when asked for: one batched family of every slider stop
            with instant:
                problem = comparison.problem
                family = data_runs.batch_family(setup, problem)
                instant_rate.show_data_family(family, problem, tuple(problem.solution))
    if shown.shows("downloads"):
        st.download_button("Download the trajectories (CSV)", key=P + "download_csv",
                           data=lambda: data_runs.trajectories_csv(comparison), on_click="ignore",
                           file_name="gdviz-batch-vs-sgd.csv", mime="text/csv")  # fmt: skip
    st.caption(text.SHARE_CAPTION)


lesson(dataset, data_key, data_error)
