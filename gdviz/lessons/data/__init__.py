"""Batch vs SGD vs mini-batch on data (``setup``: the setup and its link; ``runs``: the three
variants on one clock; ``words``: the page's captions and the seed's story)."""
