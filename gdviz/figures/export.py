"""A figure as a standalone web page: title, formula, setup and verdict above the chart.

Everything is inside the one file (plotly.js included, the formula as MathML that browsers draw
themselves), so the page works offline and does not start playing by itself.
"""

from __future__ import annotations

from html import escape

import plotly.graph_objects as go

_STYLE = """
body { font-family: "Source Sans Pro", "Source Sans", system-ui, sans-serif; color: #31333F;
       margin: 1.5rem auto; max-width: 1200px; padding: 0 1rem; }
h1 { font-size: 1.6rem; margin: 0 0 0.5rem; }
math { font-size: 1.35rem; margin: 0.4rem 0 0.8rem; }
table { border-collapse: collapse; margin-bottom: 1rem; font-size: 0.95rem; }
th, td { text-align: left; padding: 0.2rem 0.8rem 0.2rem 0; vertical-align: top; }
th { font-weight: 600; white-space: nowrap; }
"""


def standalone_html(
    figure: go.Figure, title: str, formula: str, rows: list[tuple[str, str]]
) -> str:
    """One HTML document: ``title``, ``formula`` (trusted markup, e.g. MathML made from the
    parsed expression), the (what, value) ``rows`` as a table (escaped), then the figure."""
    chart = figure.to_html(include_plotlyjs=True, full_html=False, auto_play=False)
    table = "\n".join(
        f"<tr><th>{escape(what)}</th><td>{escape(value)}</td></tr>" for what, value in rows
    )
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{escape(title)}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n"
        f"<h1>{escape(title)}</h1>\n{formula}\n<table>\n{table}\n</table>\n{chart}\n"
        "</body>\n</html>\n"
    )
