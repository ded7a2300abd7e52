"""kpi_core: the Balanced Scorecard's model, store, scoring engine, ingest and
command line. Pure Python and DuckDB: it never imports streamlit or plotly, so
the pages, the CLI and the tests share it."""
