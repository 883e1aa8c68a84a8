"""The Playground: one function, one start, one or several runs (``setup``: the setup and its
link; ``runs``: from a setup to its runs, the theory hint, the step table and CSV)."""
