"""The Learning-rate lab (``setup``: the setup, its controls and link; ``theory``: regions and
the theory at the minimum; ``runs``: side by side, schedules, the 1-D parabola; ``sweep``: 200
rates in one call; ``basins``: basins of attraction)."""
