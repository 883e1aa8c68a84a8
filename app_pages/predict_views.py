"""What the Predict page draws of one challenge, for self-study, the teacher and the students:
the picture before and after committing, the answer box, the verdict, the way to the
Playground, and the room store. One-page helpers (the page is ``predict.py``)."""

from __future__ import annotations

import numpy as np
import streamlit as st

from app_pages import state, views
from gdviz import rooms
from gdviz.figures import predict as figures
from gdviz.figures.data import theta_backdrop
from gdviz.lessons.predict import answers, course, words
from gdviz.lessons.predict.challenge import Challenge, unpack
from gdviz.lessons.predict.course import Lesson
from gdviz.lessons.predict.problem import preset_of, problem_of, start_of, window_of

LOG = "predict_log"  # challenge token → {"response", "points", "correct"}, in commit order


@st.cache_resource(show_spinner=False)
def _store(path: str) -> rooms.RoomStore:
    return rooms.RoomStore(path)


def store() -> rooms.RoomStore:
    """The room store at ``$GDVIZ_ROOMS_DB`` (one per path and process)."""
    return _store(str(rooms.default_path()))


def quiz_of(link: str) -> tuple[tuple[Lesson, ...], list[str]]:
    """The built-in course, or the challenges of a quiz link (titled from the course where
    one is a course challenge)."""
    if not link:
        return course.COURSE, []
    found, problems = unpack(link)
    by_challenge = {lesson.challenge: lesson for lesson in course.COURSE}
    lessons = tuple(
        by_challenge.get(c, Lesson(f"Challenge {i}", "A challenge made on the Playground.", c))
        for i, c in enumerate(found, start=1)
    )
    if not lessons:
        problems.append("No challenge of this link could be used: here is the built-in course.")
    return lessons or course.COURSE, problems


@st.cache_resource(max_entries=64, show_spinner=False)
def _picture(challenge: Challenge, size: int, dark: bool):
    """The problem, its view and (2-D) its contour background (``dark``: the dark field)."""
    problem = problem_of(challenge)
    window = window_of(challenge, problem)
    if challenge.question == "variants":
        return problem, window, theta_backdrop(problem, window, size, dark=dark)
    if problem.dimension == 1:
        return problem, window, None
    return problem, window, views.cached_backdrop(challenge.function, window, (), dark, size)


def marks(challenge: Challenge, solution: answers.Solution) -> list[tuple[str, tuple]]:
    if challenge.question == "basin":
        return [(words.letter(i), m) for i, m in enumerate(solution.minima)]
    return []  # (θ* of the data question is the background's own marked minimum)


def chart(challenge, solution, played: bool, key: str, height: int = 480, clickable=False):
    """Before: the contour (or curve) and the start only. After: the runs, animated."""
    problem, window, background = _picture(challenge, height, state.look().dark)
    marked = marks(challenge, solution)
    start = start_of(challenge, problem)
    if background is None:  # a 1-D function
        figure = (
            figures.after_curve(
                problem.value, problem.gradient, window, solution.runs, marked, height
            )
            if played
            else figures.before_curve(problem.value, window, float(start[0]), marked, height)
        )
    elif played:
        figure = figures.after_figure(background, solution.runs, problem.gradient, marked, height)
    else:
        with_minimum = challenge.question == "variants"  # θ*: what "closest" is measured to
        figure = figures.before_figure(background, start, marked, height, with_minimum)
    options = {"on_select": "rerun", "selection_mode": "points"} if clickable else {}
    views.chart(figure, key, **options)
    if played:
        st.caption("▶ Play to watch the run.")
    elif clickable:
        st.caption("Click near a star (or pick its letter) to choose where it ends.")


def apply_click(chart_key: str, pick_key: str, solution: answers.Solution) -> None:
    """A click on the basin picture picks the marked minimum nearest to it."""
    selection = st.session_state.get(chart_key)
    points = selection.get("selection", {}).get("points", []) if selection else []
    if not points or points[0].get("x") is None or not solution.minima:
        return
    where = np.array([points[0]["x"], points[0].get("y", 0.0)], dtype=float)
    minima = np.array(solution.minima, dtype=float).reshape(len(solution.minima), -1)
    nearest = int(np.argmin(np.linalg.norm(minima - where[: minima.shape[1]], axis=-1)))
    memory = chart_key + "_applied"
    if st.session_state.get(memory) != tuple(where):
        st.session_state[memory] = tuple(where)
        st.session_state[pick_key] = words.letter(nearest)


def response_input(question: answers.Question, key: str, disabled: bool = False, **callback):
    """The student's answer: one of the choices, or a learning rate typed in."""
    if question.numeric:
        return st.number_input(
            "Your α",
            min_value=1e-6,
            max_value=100.0,
            value=None,
            format="%.4g",
            key=key,
            disabled=disabled,
            placeholder="e.g. 0.05",
            **callback,
        )
    return st.radio(
        question.prompt,
        question.ids,
        index=None,
        key=key,
        disabled=disabled,
        format_func=question.label,
        label_visibility="collapsed",
        **callback,
    )


def setup_line(challenge: Challenge) -> None:
    """f in LaTeX (when there is one) and the setup in words."""
    if challenge.question != "variants":
        problem = problem_of(challenge)
        st.latex(problem.latex)
    st.caption(plain(words.describe(challenge)))


def plain(text: str) -> str:
    """Our own sentences as Markdown, with the few characters Markdown would act on escaped."""
    for character in ("\\", "*", "_", "`", "$", "~", "<", "[", "]"):
        text = text.replace(character, "\\" + character)
    return text


def said(question: answers.Question, response) -> str:
    return f"α = {response:g}" if question.numeric else question.label(response)


def verdict(solution: answers.Solution, response=None) -> None:
    """Right or not (with the points) when there is a response, what happened, and the two
    lines of theory."""
    if response is not None:
        grade = answers.grade(solution, response)
        text = f"you said {said(solution.question, response)}"
        if grade.correct:
            st.success(f"**Right** ({text}) · +{grade.points} points", icon=":material/check:")
        elif grade.points:
            st.warning(f"**Close** ({text}) · +{grade.points} points", icon=":material/near_me:")
        else:
            st.error(f"**Not this time** ({text})", icon=":material/close:")
    st.markdown(f"**{plain(solution.verdict)}**")
    explanation(solution)


def explanation(solution: answers.Solution) -> None:
    """The two lines of theory."""
    st.info("\n\n".join(plain(line) for line in solution.explanation), icon=":material/school:")


PLAY = """<script>
(() => {
  const key = "KEY", played = (window.gdvizPlayed = window.gdvizPlayed || {});
  if (played[key]) return;
  let tries = 0;
  const timer = setInterval(() => {
    const play = [...document.querySelectorAll(".updatemenu-button")]
      .find((button) => button.textContent.includes("Play"));
    if (play || ++tries > 60) clearInterval(timer);
    if (play) {
      played[key] = true;
      play.dispatchEvent(new MouseEvent("click", {bubbles: true}));
    }
  }, 250);
})();
</script>"""


def autoplay(key: str) -> None:
    """Press the run's ▶ Play once when it is revealed (once per ``key`` per browser tab).

    A fixed script of ours; ``key`` is reduced to letters, digits and dashes."""
    safe = "".join(character for character in key if character.isalnum() or character == "-")
    st.html(PLAY.replace("KEY", safe), unsafe_allow_javascript=True)


def score() -> tuple[int, int, int]:
    """Points, current streak of right answers and challenges done, this session."""
    log = st.session_state.get(LOG, {})
    streak = 0
    for entry in reversed(list(log.values())):
        if not entry["correct"]:
            break
        streak += 1
    return sum(entry["points"] for entry in log.values()), streak, len(log)


def commit(challenge_token: str, pick_key: str, solution: answers.Solution) -> None:
    """Record a self-study prediction (a callback: runs before the page redraws)."""
    try:
        response = answers.parse_response(solution.question, st.session_state.get(pick_key))
    except ValueError:
        return
    grade = answers.grade(solution, response)
    entry = {"response": response, "points": grade.points, "correct": grade.correct}
    st.session_state.setdefault(LOG, {})[challenge_token] = entry


def playground_values(challenge: Challenge, solution: answers.Solution):
    """The form and values that open this setup on the Playground (the Data page for data)."""
    if challenge.question == "variants":
        fields = {
            "source": challenge.data or "seed",
            "n": challenge.n,
            "budget": "epochs",
            "data_seed": challenge.data_seed,
            "standardise": challenge.standardise,
            "optimizer": challenge.optimizer,
            "learning_rate": challenge.learning_rate,
            "batch_size": challenge.batch_size,
            "epochs": challenge.epochs,
            "shuffle_seed": challenge.shuffle_seed,
            "start_0": challenge.start_x,
            "start_1": challenge.start_y,
        }
        return state.DATA, "app_pages/data.py", fields
    preset = preset_of(challenge)
    fields = {
        name: getattr(challenge, name)
        for name in state.PLAYGROUND.names
        if hasattr(challenge, name)
    }
    fields |= {"preset": preset.name if preset else "", "compare": "single"}
    if challenge.question == "race":
        fields |= {"compare": "optimizers", "compare_optimizers": challenge.racers}
    if challenge.question == "threshold":
        rates = tuple(float(run.label.split("α = ")[1]) for run in solution.runs)
        fields |= {"compare": "learning_rates", "compare_rates": rates}
    return state.PLAYGROUND, "app_pages/playground.py", fields


def try_it(challenge: Challenge, solution: answers.Solution, key: str) -> None:
    """ "Try it in the Playground": the same setup there, in this session."""
    where = "the Data page" if challenge.question == "variants" else "the Playground"
    if st.button(f"Try it in {where}", key=key, icon=":material/landscape:"):
        form, page, values = playground_values(challenge, solution)
        state.set_fields(form, values)
        st.session_state.pop(form.key("compare_rates") + "_text", None)  # rebuilt from the rates
        st.switch_page(page)


def valid_counts(question: answers.Question, counts: dict[str, int]):
    """The class's answers as (labels, counts) for the choices, or the guessed numbers; any
    stored value that is not a valid answer to this question is left out."""
    if question.numeric:
        guesses = []
        for raw, count in counts.items():
            try:
                guesses += [answers.parse_response(question, raw)] * count
            except ValueError:
                continue
        return guesses
    ticks = [choice.tick for choice in question.choices]
    return ticks, [counts.get(i, 0) for i in question.ids]


def distribution(solution: answers.Solution, counts: dict[str, int], key: str, height=300):
    """The class's answers as a chart: bars per choice (right one green), or guessed α."""
    question = solution.question
    if question.numeric:
        guesses = valid_counts(question, counts)
        views.chart(figures.guesses_figure(guesses, solution.value, height), key)
        close = sum(answers.grade(solution, g).correct for g in guesses)
        st.caption(
            f"{close} of {len(guesses)} within a factor {answers.CLOSE:.2f} of the engine's "
            f"α ≈ {solution.value:.4g}."
        )
        return
    labels, numbers = valid_counts(question, counts)
    right = [i in solution.correct for i in question.ids]
    views.chart(figures.answers_figure(labels, numbers, right, height), key)


def total(question: answers.Question, counts: dict[str, int]) -> int:
    if question.numeric:
        return len(valid_counts(question, counts))
    return sum(valid_counts(question, counts)[1])
