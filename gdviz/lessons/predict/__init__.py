"""Predict, then play: challenges whose answers the engine and the theory compute (``challenge``:
a challenge and its link; ``problem``: its function, view, runs and what a run did; ``theory``:
the curvature at the minimum; ``answers``: questions, computed answers, grades; ``words``:
labels, verdicts and the setup in words; ``explanations``: the two lines of theory under an
answer; ``course``: the built-in course; ``setup``: the page's link)."""
