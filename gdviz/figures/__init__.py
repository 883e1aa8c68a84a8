"""Figure builders: pure functions from results to Plotly figures (no widget code here)."""
