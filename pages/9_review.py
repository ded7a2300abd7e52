"""The business review (经营分析会, issue 16): the unit's proposed agenda for
the month, the meeting walking it item by item with decisions and actions,
and the minutes of past meetings."""

from kpi_ui import meeting, shell

shell.ensure_navigation()

meeting.page()
