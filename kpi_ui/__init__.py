"""kpi_ui: the Streamlit and Plotly side shared by the pages: cached access to
the store, the view state kept in the URL, the sidebar, formatting and figure
builders. Pages import from here and from kpi_core; nothing here holds SQL or
scoring arithmetic."""
