"""Entry point: page config and navigation (st.navigation) over the pages in
pages/; the work is in kpi_ui.shell.main so that a page opened directly by a
deep link gets the same frame."""

from kpi_ui import shell

shell.main()
