"""The demo company's 360-degree review of its department heads (issue 18).

One finished cycle, **2026-H1**, with seven behaviours. The demo has no
"head" field: the head of each top department is taken to be its first
person, ``P_<DEPT>_01`` (Sales has no person of its own: the first person of
its first region, ``P_SALES_E_01``). Each head is rated by:

* themselves (self);
* the CEO's account ``ceo`` (superior);
* four peers among the other heads: the Finance head ``P_FIN_01`` rates every
  other head, plus three more chosen in turn;
* up to four people of their department (subordinates): HR has only two
  others, so HR's subordinate group stays hidden in its report (anonymity);
* three customers (outside ids ``CUST_01`` ...) for the Sales and Customer
  Service heads.

Units get two attributes (:meth:`Store.save_unit_attributes`), with their
Chinese labels: ``tenure`` / 司龄 (``new`` / 新任 for the R&D and Customer
Service heads, ``established`` / 资深 for the others) and ``location`` / 工作地点
(``remote`` / 远程 for the Sales and Supply Chain heads, ``office`` / 办公室).

**The planted bias:** ``P_FIN_01`` rates the two heads with tenure = new
about one point lower than the other raters do, and nobody else is biased.
The fairness check flags exactly that (tests/test_fairness.py). The scores
come from a fixed seed, so the demo is the same on every machine.
"""

from __future__ import annotations

from datetime import datetime

import numpy as np

from kpi_core.org import Org
from kpi_core.store import Store

CYCLE_ID = "2026-H1"
BY = "hr_admin"
AT = datetime(2026, 7, 10, 9, 0)
SEED = 360
BIASED_RATER = "P_FIN_01"
NEW_HEADS = ("P_RD_01", "P_CS_01")
REMOTE_HEADS = ("P_SALES_E_01", "P_SCM_01")
SUPERIOR = "ceo"

#: (id, name, name_zh, five anchors (en, zh) from 1 to 5)
BEHAVIOURS: tuple[tuple[str, str, str, tuple[tuple[str, str], ...]], ...] = (
    ("DIRECTION", "Sets direction", "战略引领", (
        ("Gives no direction; the team guesses its priorities.", "不给方向,团队只能猜测工作重点。"),
        ("States goals when asked; priorities shift without explanation.", "被问到才说目标,重点常变且不解释。"),
        ("Sets clear yearly goals and explains them to the team.", "设定清晰的年度目标并向团队解释。"),
        ("Links the team's goals to the company strategy and revisits them each quarter.",
         "把团队目标与公司战略挂钩,并每季度复盘。"),
        ("Shapes the strategy with the leadership team; everyone sees their part in it.",
         "参与制定公司战略,每位成员都清楚自己的角色。"),
    )),
    ("PEOPLE", "Develops people", "培养人才", (
        ("Does not discuss development; feedback only when things go wrong.", "从不谈成长,只在出错时给反馈。"),
        ("Gives feedback once a year in the appraisal.", "只在年度考评时给一次反馈。"),
        ("Holds regular one-to-ones and agrees a development goal with each person.",
         "定期一对一沟通,与每人约定一个成长目标。"),
        ("Coaches on real work, delegates stretch tasks and backs people up.", "在实际工作中辅导,委派挑战性任务并给予支持。"),
        ("Has grown successors; people from the team are promoted across the company.",
         "培养出接班人,团队成员在公司内获得晋升。"),
    )),
    ("COLLAB", "Works across teams", "跨部门协作", (
        ("Protects own team's interest; blames other teams.", "只维护本部门利益,推诿其他部门。"),
        ("Cooperates when asked by a superior.", "上级要求时才配合。"),
        ("Shares information and answers other teams' requests on time.", "主动共享信息,按时回应其他部门的请求。"),
        ("Starts joint work on shared problems and keeps commitments to other teams.",
         "针对共同问题发起协作,并兑现对其他部门的承诺。"),
        ("Gives up own resources when the company gains more; other heads seek them out.",
         "为公司整体利益让出本部门资源,其他负责人主动寻求合作。"),
    )),
    ("RESULTS", "Delivers results", "结果导向", (
        ("Misses most commitments without warning.", "多数承诺未完成且事先不预警。"),
        ("Delivers part of the commitments; surprises come late.", "完成部分承诺,问题暴露较晚。"),
        ("Delivers the commitments; raises risks early.", "兑现承诺,及早提示风险。"),
        ("Delivers beyond the targets and fixes root causes, not symptoms.", "超额完成目标,解决根本原因而非表面问题。"),
        ("Sets the standard others are measured against; results last after they move on.",
         "成为他人衡量的标杆,成果在其离任后仍能持续。"),
    )),
    ("CUSTOMER", "Customer focus", "客户导向", (
        ("Does not know who the team's customers are.", "不清楚团队的客户是谁。"),
        ("Reacts to complaints when they escalate.", "投诉升级后才处理。"),
        ("Knows the customers' needs and follows up on complaints.", "了解客户需求并跟进投诉。"),
        ("Asks customers for feedback and changes the work because of it.", "主动征求客户意见并据此改进工作。"),
        ("Anticipates needs; customers name them as the reason they stay.", "预见客户需求,客户以其为留下的理由。"),
    )),
    ("DATA", "Decides with data", "数据决策", (
        ("Decides by feeling; ignores the figures.", "凭感觉决策,忽视数据。"),
        ("Looks at the figures after deciding.", "决策后才看数据。"),
        ("Uses the scorecard figures to decide and explains the reasons.", "用计分卡数据做决策并说明理由。"),
        ("Tests options against data and checks the effect afterwards.", "用数据比较方案,并在事后检验效果。"),
        ("Builds the measures others use; changes course when the data says so.", "建立他人使用的衡量方法,数据表明需要时果断调整。"),
    )),
    ("INTEGRITY", "Integrity and openness", "诚信开放", (
        ("Hides problems; says different things to different people.", "隐瞒问题,对不同的人说法不一。"),
        ("Is honest when asked directly.", "被直接问到时才坦诚。"),
        ("Reports bad news promptly and keeps promises.", "及时报告坏消息,信守承诺。"),
        ("Admits own mistakes openly and invites challenge.", "公开承认自己的错误,欢迎不同意见。"),
        ("Is the person others go to with a hard truth; sets the tone for the company.",
         "是大家愿意坦诚相告的人,为全公司树立风气。"),
    )),
)  # fmt: skip


def heads(org: Org) -> list[str]:
    """The first person of each top department, in display order."""
    company = org.company_id
    units = org.units
    out = []
    for dept in units.index[(units["parent_id"] == company) & (units["kind"] == "department")]:
        persons = [u for u in org.subtree(dept) if org.kind(u) == "person"]
        if persons:
            out.append(persons[0])
    return out


def seed(store: Store, org: Org) -> None:
    """Write the demo cycle, its answers and the heads' attributes (see the
    module's docstring). Does nothing when the cycle is there already."""
    if CYCLE_ID in set(store.review_cycles()["cycle_id"]):
        return
    subjects = heads(org)
    if len(subjects) < 5 or BIASED_RATER not in subjects:
        return
    raters: list[tuple[str, str, str]] = []
    for i, subject in enumerate(subjects):
        raters.append((subject, subject, "self"))
        raters.append((subject, SUPERIOR, "superior"))
        others = [s for s in subjects if s not in (subject, BIASED_RATER)]
        peers = ([BIASED_RATER] if subject != BIASED_RATER else []) + [others[(i + k) % len(others)] for k in range(3)]
        if subject == BIASED_RATER:
            peers.append(others[(i + 3) % len(others)])
        raters += [(subject, p, "peer") for p in peers]
        dept = org.parent(subject)
        top = dept if org.parent(dept) == org.company_id else org.parent(dept)
        team = [u for u in org.subtree(top) if org.kind(u) == "person" and u != subject]
        # spread over the sub-departments (Sales' regions) in turn
        team = sorted(team, key=lambda u: (int(u.rsplit("_", 1)[1]), u))[:4]
        raters += [(subject, p, "subordinate") for p in team]
        if top in ("SALES", "CS"):
            first = 1 if top == "SALES" else 4
            raters += [(subject, f"CUST_{n:02d}", "customer") for n in range(first, first + 3)]
    behaviours = [
        {"behaviour_id": b, "name": name, "name_zh": zh, "anchors": anchors} for b, name, zh, anchors in BEHAVIOURS
    ]
    store.save_review_cycle(
        {
            "cycle_id": CYCLE_ID,
            "name": "2026 H1 leadership 360",
            "name_zh": "2026 上半年管理者 360 评估",
            "period": "2026-H1",
            "status": "open",
        },
        behaviours,
        raters,
        by=BY,
        at=AT,
    )
    rng = np.random.default_rng(SEED)
    level = {s: 3.3 + 0.6 * rng.random() for s in subjects}
    leniency = {r: 0.15 * rng.standard_normal() for _, r, _ in raters}
    answers = []
    for subject, rater, group in raters:
        for b, *_ in BEHAVIOURS:
            score = level[subject] + leniency[rater] + 0.45 * rng.standard_normal()
            score += 0.4 if group == "self" else 0.0
            if rater == BIASED_RATER and subject in NEW_HEADS:
                score -= 1.0
            answers.append((subject, rater, b, int(min(5, max(1, round(score))))))
    store.save_review_answers(CYCLE_ID, answers, by=BY, at=AT)
    store.set_review_status(CYCLE_ID, "closed")
    attributes = []
    for s in subjects:
        new, remote = s in NEW_HEADS, s in REMOTE_HEADS
        attributes.append((s, "tenure", "new" if new else "established", "司龄", "新任" if new else "资深"))
        attributes.append((s, "location", "remote" if remote else "office", "工作地点", "远程" if remote else "办公室"))
    store.save_unit_attributes(attributes)
