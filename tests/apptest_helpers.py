"""What the AppTest page tests share: open a page with URL parameters, read its charts."""

from __future__ import annotations

import json
from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]


def run_script(script: str, timeout: float = 60, **query: str) -> AppTest:
    """Run ``script`` (relative to the project) once, with ``query`` as its URL parameters."""
    at = AppTest.from_file(str(ROOT / script), default_timeout=timeout)
    for key, value in query.items():
        at.query_params[key] = value
    return at.run()


def chart_specs(at: AppTest) -> list[dict]:
    """Every Plotly chart on the page, as the figure dict sent to the browser."""
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]
