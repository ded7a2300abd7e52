"""My updates: the figures the signed-in account owns and owes, entered with
the upload's checks; for analysts and admins the entries to approve, the
overdue list and who owns which KPI; for admins the due day and approval."""

from kpi_ui import my_updates, shell

shell.ensure_navigation()

my_updates.page()
