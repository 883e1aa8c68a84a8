"""Predict, then play: challenges whose answers the engine and the theory compute (``challenge``:
a challenge and its link; ``answers``: questions, computed answers, grades; ``words``: what is
said about them; ``course``: the built-in course; ``setup``: the page's link)."""
