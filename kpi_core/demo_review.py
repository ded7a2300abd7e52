"""The demo company's business review (issue 16), written when the demo loads.

So that the review pages, the meeting walk and the pack have a story from the
first run, the demo gets:

* **October 2026's commentary** on the planted stories: Customer Service's
  complaint time and satisfaction, Production's on-time delivery,
  Marketing's overspend and the company's gross margin (an analysis, "why",
  and an outlook each);
* **three actions**: Customer Service's severity routing, due 31 October and
  still open (overdue from November on), and its two senior agents, in
  progress; Production's second source for the controller boards, open.
  Marketing's overspend has none: the scorecard flags it "red, no action";
* **September's meeting of Customer Service**, held on 12 October 2026: the
  complaint time (red three months) and the complaint-process task (half
  done), each with its decision and the actions created, and a staffing item
  the chair added.

Every write goes through the domain functions (:mod:`kpi_core.review`,
:mod:`kpi_core.agenda`) as the demo's HR admin, with fixed dates, so the
demo stays the same on every machine; only the timestamps of the writes are
the clock's.
"""

from __future__ import annotations

from datetime import date

from kpi_core import agenda, review
from kpi_core.org import Org
from kpi_core.store import Store

BY = "hr_admin"
"""The demo's administrator, who writes the review (see :data:`kpi_core.access.DEMO_ACCOUNTS`)."""

#: (unit, KPI, analysis, outlook) of October 2026.
COMMENTS: tuple[tuple[str, str, str, str], ...] = (
    ("CS", "COMPLAINT_TIME",
     "Two senior agents left in August and the new severity routing runs in only 3 of the 6 centres: "
     "complaints wait for manual assignment (30.6 h against 22.2).",
     "Routing in the last three centres and two hires in November: back under 24 h by December."),
    ("CS", "CSAT",
     "Satisfaction follows complaint handling: the lowest scores are on tickets open more than 48 hours.",
     "Back above 88 points once complaints are closed within a day."),
    ("PROD", "OTD",
     "The controller boards of one supplier arrived 12 days late (a quality hold at the supplier): "
     "31 order lines shipped late.",
     "Boards released on 28 October; the backlog is cleared by mid-November and OTD is back to 96%."),
    ("MKT", "EXPENSE_EXEC",
     "The October trade fair and a campaign booked in September landed in the same two months: 9% over budget.",
     "Q4 campaign spend cut by 15 (10k CNY): back within budget in December."),
    ("HQ", "GROSS_MARGIN",
     "31.7% against 32%: the product mix moved to lower-margin shelving in Sales East.",
     "Year to date 32.8% is still above target; price list for shelving revised from November."),
)  # fmt: skip


def seed(store: Store, org: Org) -> None:
    """Write the demo's commentary, actions and September minutes (see the
    module's docstring). Called once, right after the demo's files load."""
    for unit_id, kpi_id, analysis, outlook in COMMENTS:
        review.write_comment(
            store,
            viewer=None,
            scope=None,
            unit_id=unit_id,
            subject=kpi_id,
            period="2026-10",
            analysis=analysis,
            outlook=outlook,
            by=BY,
        )

    def action(unit_id: str, title: str, owner: str, due: date, kpis: list[str], period: str, source: str) -> int:
        return review.create_action(
            store,
            org,
            viewer=None,
            scope=None,
            unit_id=unit_id,
            title=title,
            owner=owner,
            due=due,
            kpi_ids=kpis,
            period=period,
            by=BY,
            source=source,
        )

    # decided at Customer Service's September review (below)
    routing = action(
        "CS", "Finish severity routing in the last three service centres", "CS", date(2026, 10, 31),
        ["COMPLAINT_TIME", "CS_T1"], "2026-09", "agenda",
    )  # fmt: skip
    hires = action(
        "CS", "Hire and train two senior complaint agents", BY, date(2026, 11, 30), ["COMPLAINT_TIME"], "2026-09",
        "agenda",
    )  # fmt: skip
    review.set_status(store, hires, "in_progress", viewer=None, scope=None, by=BY, note="Two offers accepted.")
    # from Production's October red
    action("PROD", "Qualify a second source for the AGV controller boards", "PROD", date(2026, 12, 20), ["OTD"],
           "2026-10", "kpi")  # fmt: skip

    agenda.record_minutes(
        store,
        org,
        unit_id="CS",
        period="2026-09",
        held_on=date(2026, 10, 12),
        chair=BY,
        attendees="Customer Service team leads; HR business partner; Quality",
        by=BY,
        items=[
            {
                "kind": "red",
                "subject": "COMPLAINT_TIME",
                "decision": "Finish the severity routing in all six centres by 31 October; "
                "HR opens two senior agent positions now.",
                "actions": [routing, hires],
            },
            {
                "kind": "red",
                "subject": "CS_T1",
                "decision": "The redesign keeps its 30 September scope; the ticket-system change gets priority "
                "over the Q4 release.",
            },
            {
                "title": "Overtime and weekend cover until the new agents start",
                "decision": "Weekend cover by rota from 17 October, reviewed at the November meeting.",
            },
        ],
    )
