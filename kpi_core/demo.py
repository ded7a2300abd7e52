"""A deterministic demo company, so every run, test and screenshot sees the same data.

Zhiheng Smart Equipment Co., Ltd. (智衡智能装备股份有限公司), a mid-size maker of
smart warehouse equipment (AGV carts, automated shelving). The unit tree:

* ``HQ`` the company, with eight departments: ``SALES`` (three regions
  ``SALES_E``, ``SALES_N``, ``SALES_S``), ``MKT``, ``PROD``, ``RD``, ``SCM``,
  ``CS``, ``FIN``, ``HR``;
* 56 persons ``P_<department>_<nn>`` (e.g. ``P_SALES_E_01``), leaves under the
  lowest department (the regions for Sales).

23 KPIs over the four perspectives, assigned for 2024, 2025 and 2026 (2026
re-weights the company and the sales reps, and makes room in Customer Service,
R&D and HR for two goal-setting tasks each, ``TASKS``); monthly targets and actuals for
the 24 months 2024-11 .. 2026-10, and the rest of 2026's targets (November
and December: set at the start of the year, nothing reported yet). Targets grow year over year and follow a
mild seasonality (the Chinese New Year dip in February); actuals follow the
targets with steady noise, so a healthy unit sits at 98-109% completion:
green, sometimes amber, never red. Revenue adds up: a region's target and
actual are the sums of its reps', Sales' the sum of its regions', the
company's equal Sales'. The same holds for the counted KPIs (``LEADS``,
``KB_CONTRIB``, ``IMPROVEMENT_PROPOSALS``): a department's figure is the sum
of its staff's. Gross margin is calculated (``GP / REV * 100``): gross
profit is tracked beside revenue with weight 0 (role ``info``), and the
margin's year to date is total profit over total revenue. NPS is surveyed
once a quarter: figures in March, June, September and December only.

Planted stories (no other red, no other gap):

1. Customer Service slides into red over the last quarter.
   ``CS`` / ``CSAT`` (target 92 pts): 2026-07 94.3 (completion 1.025,
   green), 2026-08 88.8 (0.965, amber), 2026-09 84.2 (0.915, amber),
   2026-10 76.4 (0.830, red).
   ``CS`` / ``COMPLAINT_TIME`` (lower is better; targets 22.1, 22.3, 21.7,
   22.2 hours for Jul-Oct): 2026-07 21.7 (1.018, green), 2026-08 25.9
   (0.839, red, 17.9 points down on July), 2026-09 27.3 (0.742, red),
   2026-10 30.6 (0.622, red): red three months in a row.
   Its complaint-handling redesign (task ``CS_T1``) slips with them: met in
   June, partly in September, not met in October.
   CS's total (sum of weight x credited completion, tasks included) goes
   101.9 (2026-06), 101.1 (07), 92.2 (08), 85.4 (09), 75.1 (10).
   Its six people slide with it: in each story month a person's CSAT and
   complaint-time completion is the department's plus an offset of their own
   (-3 to +3 points on CSAT, -5 to +4 on complaint time, averaging 0), so in
   2026-10 every one of them is red on both, with totals of 76.3 to 82.1.
2. A one-month drop. ``PROD`` / ``OTD`` (target 96 %): 97.6 in 2026-09
   (completion 1.017, green), 70.1 in 2026-10 (0.730, red): 28.6 percentage
   points down in one month, the only bad month. PROD's total: 102.5, then
   93.3 in 2026-10.
3. A missed upload. ``P_SALES_N_03`` (Xu Gang, Sales North) has no actual
   rows for 2026-10 (his four targets are there). Sales North's October
   revenue still includes his figure from the ERP, so in that month
   ``SALES_N``'s actual revenue is not the sum of the uploaded reps'.
4. Over budget. ``MKT`` / ``EXPENSE_EXEC`` (band 90-100% of budget, 2 points
   per percentage point outside): 172.70 spent against 160.65 in 2026-09
   (107.5%, red), 169.10 against 155.14 in 2026-10 (109.0%, red); 94-97%
   every month before. The band penalty takes MKT's total from 102.5
   (2026-07) to 87.6 (09) and 83.9 (10).

Everywhere else a KPI's completion stays within 98-109% (a band KPI's
spend within 93-99% of budget; a person's small counts exactly on target) and
moves less than 9 percentage points from one month to the next.

``python -m kpi_core.demo`` rewrites the CSVs in ``data/demo``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from kpi_core.model import FILE_SPECS

DEMO_DIR: Path = Path(__file__).resolve().parent.parent / "data" / "demo"
SEED: int = 20241101
PERIODS: tuple[str, ...] = tuple(f"{2024 + (10 + i) // 12}-{(10 + i) % 12 + 1:02d}" for i in range(24))
#: Months after the last upload whose targets are already set: a company sets
#: the whole year's targets at its start, so the demo carries 2026's through
#: December (and no actuals for them).
TARGET_ONLY_PERIODS: tuple[str, ...] = ("2026-11", "2026-12")
YEARS: tuple[int, ...] = (2024, 2025, 2026)

#: Monthly revenue pattern (mean 1): the Chinese New Year dip in February,
#: half-year and year-end pushes in June and December.
SEASON: tuple[float, ...] = (0.98, 0.82, 1.00, 1.02, 1.03, 1.07, 0.98, 0.96, 1.04, 0.97, 1.04, 1.09)

# --------------------------------------------------------------------------- organisation


@dataclass(frozen=True)
class _Dept:
    unit_id: str
    name: str
    name_zh: str
    parent_id: str
    staff: int
    """Persons directly under the department (0 when it has sub-departments)."""
    card: str
    """Scorecard of the department itself (a key of ``CARDS``)."""
    staff_card: str = ""
    """Scorecard of its persons."""


COMPANY = ("HQ", "Zhiheng Smart Equipment Co., Ltd.", "智衡智能装备股份有限公司")

DEPARTMENTS: tuple[_Dept, ...] = (
    _Dept("SALES", "Sales", "销售中心", "HQ", 0, "SALES"),
    _Dept("SALES_E", "Sales East Region", "华东大区", "SALES", 7, "REGION", "REP"),
    _Dept("SALES_N", "Sales North Region", "华北大区", "SALES", 6, "REGION", "REP"),
    _Dept("SALES_S", "Sales South Region", "华南大区", "SALES", 6, "REGION", "REP"),
    _Dept("MKT", "Marketing", "市场部", "HQ", 4, "MKT", "P_MKT"),
    _Dept("PROD", "Production", "生产制造部", "HQ", 8, "PROD", "P_PROD"),
    _Dept("RD", "R&D", "研发中心", "HQ", 7, "RD", "P_RD"),
    _Dept("SCM", "Supply Chain", "供应链管理部", "HQ", 5, "SCM", "P_SCM"),
    _Dept("CS", "Customer Service", "客户服务部", "HQ", 6, "CS", "P_CS"),
    _Dept("FIN", "Finance", "财务部", "HQ", 4, "FIN", "P_FIN"),
    _Dept("HR", "Human Resources", "人力资源部", "HQ", 3, "HR", "P_HR"),
)

PERSON_NAMES: tuple[tuple[str, str], ...] = (
    ("Wang Lei", "王磊"), ("Li Na", "李娜"), ("Zhang Wei", "张伟"), ("Liu Yang", "刘洋"),
    ("Chen Jing", "陈静"), ("Yang Fan", "杨帆"), ("Huang Xiaoming", "黄晓明"), ("Wu Hao", "吴昊"),
    ("Zhou Ting", "周婷"), ("Xu Gang", "徐刚"), ("Zhao Min", "赵敏"), ("Sun Li", "孙丽"),
    ("Ma Chao", "马超"), ("Zhu Lin", "朱琳"), ("Hu Jun", "胡军"), ("Guo Jingjing", "郭晶晶"),
    ("He Yong", "何勇"), ("Gao Yan", "高燕"), ("Lin Feng", "林峰"), ("Luo Jia", "罗佳"),
    ("Zheng Hao", "郑浩"), ("Liang Xue", "梁雪"), ("Xie Yu", "谢宇"), ("Song Jiayi", "宋佳怡"),
    ("Tang Liang", "唐亮"), ("Xu Wenbo", "许文博"), ("Han Mei", "韩梅"), ("Feng Tao", "冯涛"),
    ("Deng Xin", "邓欣"), ("Cao Yang", "曹阳"), ("Peng Fei", "彭飞"), ("Zeng Hui", "曾慧"),
    ("Xiao Peng", "肖鹏"), ("Tian Tian", "田甜"), ("Dong Jianguo", "董建国"), ("Yuan Yuan", "袁媛"),
    ("Pan Yue", "潘越"), ("Yu Haiyang", "于海洋"), ("Jiang Qi", "蒋琪"), ("Cai Ming", "蔡明"),
    ("Du Xin", "杜鑫"), ("Ye Qing", "叶青"), ("Cheng Shi", "程实"), ("Su Qing", "苏晴"),
    ("Wei Dong", "魏东"), ("Lyu Pin", "吕品"), ("Ding Yifan", "丁一凡"), ("Ren Jie", "任杰"),
    ("Shen Yue", "沈悦"), ("Yao Yuan", "姚远"), ("Lu Zhenhua", "卢振华"), ("Cui Ying", "崔颖"),
    ("Zhong Lei", "钟磊"), ("Tan Xiaowen", "谭晓雯"), ("Lu Jianping", "陆建平"), ("Fan Zhiqiang", "范志强"),
)  # fmt: skip

# --------------------------------------------------------------------------- KPI dictionary


@dataclass(frozen=True)
class _Gen:
    """How the demo generates one KPI's monthly figures."""

    decimals: int
    targets: tuple[float, float, float] | None = None
    """Target per year 2024, 2025, 2026, the same for every unit; None: per unit."""
    growth: float = 1.0
    """Yearly growth of per-unit targets (2025 is the base year)."""
    season: float = 0.0
    """Share of the ``SEASON`` swing the KPI follows (negative: opposite)."""
    lift: float = 0.03
    """Mean completion above 1 for a healthy unit."""
    sd: float = 0.02
    """Spread of the monthly completion. A person's small counts (2-9 a month)
    are kept exactly on target: one item more or less would move completion by
    11-50%, a spike that anomaly detection would rightly flag."""


@dataclass(frozen=True)
class _Kpi:
    kpi_id: str
    name: str
    name_zh: str
    perspective: str
    direction: str
    unit: str
    accumulation: str
    definition: str
    definition_zh: str
    caliber: str
    data_source: str
    owner: str
    indicator_type: str
    gen: _Gen
    rules: Mapping[str, float | str] = field(default_factory=dict)
    frequency: str = "month"
    formula: str = ""


KPIS: tuple[_Kpi, ...] = (
    _Kpi(
        "REV", "Revenue", "营业收入", "financial", "higher", "10k CNY", "sum",
        "Net sales revenue recognised in the month.",
        "当月确认的不含税销售收入。",
        "Invoiced sales net of VAT, returns and rebates, recognised on the customer's acceptance; "
        "a rep counts the orders they own, a region the sum of its reps, the company the sum of its regions.",
        "ERP sales ledger", "FIN", "lagging",
        _Gen(2, growth=1.12, season=1.0),
        {"floor": 0.6, "cap": 1.2, "blend": 0.5},
    ),
    _Kpi(
        "REV_GROWTH", "Revenue growth", "营业收入同比增长率", "financial", "higher", "%", "last",
        "Year-to-date revenue growth over the same period of the previous year.",
        "本年累计营业收入较上年同期的增长率。",
        "(YTD revenue / prior-year YTD revenue - 1) x 100 on the same revenue caliber; each month "
        "reports the cumulative figure, so the latest month is the year's value.",
        "ERP sales ledger", "FIN", "lagging",
        _Gen(1, targets=(10.0, 12.0, 15.0)),
        {"cap": 1.5},
    ),
    _Kpi(
        "GROSS_MARGIN", "Gross margin", "毛利率", "financial", "higher", "%", "avg",
        "Gross profit as a share of revenue, calculated: GP / REV x 100 (a quarter or year to date divides "
        "the summed gross profit by the summed revenue).",
        "毛利占营业收入的比例。",
        "Calculated from its components: GP / REV x 100, each summed over the months of the view first; "
        "cost at standard plus the variances booked in the month; a sales unit covers the orders it owns.",
        "ERP cost ledger", "FIN", "lagging",
        _Gen(1, targets=(30.0, 31.0, 32.0)),
        {"tiers": "0.9:0.7;1.0:0.9", "cap": 1.1, "blend": 0.5},
        formula="GP / REV * 100",
    ),
    _Kpi(
        "GP", "Gross profit", "毛利额", "financial", "higher", "10k CNY", "sum",
        "Revenue minus the cost of goods sold; the numerator of gross margin.",
        "营业收入减销售成本;毛利率的分子。",
        "Revenue (as REV) minus cost of goods sold at standard plus the variances booked in the month; "
        "tracked beside revenue (weight 0) so gross margin is total profit over total revenue in every view.",
        "ERP cost ledger", "FIN", "lagging",
        _Gen(2),
    ),
    _Kpi(
        "COLLECTION_DAYS", "Collection days (DSO)", "应收账款周转天数", "financial", "lower", "days", "avg",
        "Average number of days between invoicing and cash collection.",
        "从开票到收回货款的平均天数。",
        "Average trade receivables net of bad-debt provision / revenue of the month x 30; "
        "a sales unit counts the customers it owns.",
        "ERP accounts receivable", "FIN", "lagging",
        _Gen(1, targets=(65.0, 60.0, 55.0), season=-0.5),
        {"cap": 1.2},
    ),
    _Kpi(
        "EXPENSE_EXEC", "Expense budget execution", "费用预算执行率", "financial", "band", "10k CNY", "sum",
        "Actual spend against the approved expense budget; overspend and underspend both cost points.",
        "实际费用与批准预算之比,超支与执行不足均扣分。",
        "Target = approved monthly budget, actual = operating expenses booked by the unit (payroll and "
        "depreciation excluded); execution = actual / budget, full points within 90-100%, "
        "2 points off per percentage point outside.",
        "ERP expense ledger / budget system", "FIN", "lagging",
        _Gen(2, growth=1.05, season=0.5, lift=-0.045, sd=0.01),
        {"band_low": 0.9, "band_high": 1.0, "band_penalty": 2.0},
    ),
    _Kpi(
        "UNIT_COST", "Unit manufacturing cost", "单位制造成本", "financial", "lower", "CNY", "avg",
        "Manufacturing cost per standard unit produced.",
        "每标准台产品的制造成本。",
        "(Direct material + direct labour + manufacturing overhead) / standard units completed in the "
        "month, converted to the reference AGV model; freight excluded.",
        "ERP cost accounting / MES output", "PROD", "lagging",
        _Gen(0, targets=(18500.0, 18000.0, 17600.0)),
        {"cap": 1.1},
    ),
    _Kpi(
        "CSAT", "Customer satisfaction", "客户满意度", "customer", "higher", "pts", "avg",
        "Average score of the post-service satisfaction survey (0-100).",
        "服务完成后满意度回访的平均得分(百分制)。",
        "Mean score of the valid surveys returned for service tickets closed in the month, scale 0-100; "
        "unanswered surveys excluded.",
        "Service desk survey module", "CS", "lagging",
        _Gen(1, targets=(90.0, 91.0, 92.0), lift=0.02, sd=0.012),
    ),
    _Kpi(
        "NPS", "Net promoter score", "净推荐值", "customer", "higher", "pts", "avg",
        "Share of promoters minus share of detractors among surveyed customers.",
        "推荐者占比减去贬损者占比。",
        "Relationship survey of active customers on a 0-10 scale: % scoring 9-10 minus % scoring 0-6; "
        "surveyed once a quarter (results in March, June, September and December); the months between "
        "carry the last survey.",
        "Survey platform", "MKT", "lagging",
        _Gen(1, targets=(40.0, 42.0, 45.0)),
        {"floor": 0.6},
        frequency="quarter",
    ),
    _Kpi(
        "REPEAT_RATE", "Repeat purchase rate", "客户复购率", "customer", "higher", "%", "avg",
        "Share of ordering customers who had already ordered in the previous 12 months.",
        "当月下单客户中过去12个月内曾下单的客户占比。",
        "Customers ordering in the month with an order in the previous 12 months / customers ordering "
        "in the month x 100.",
        "CRM", "SALES", "lagging",
        _Gen(1, targets=(33.0, 34.0, 35.0)),
    ),
    _Kpi(
        "KEY_ACCOUNT_COV", "Key-account coverage", "重点客户覆盖率", "customer", "higher", "%", "avg",
        "Share of assigned key accounts visited in the month.",
        "当月拜访的重点客户占所负责重点客户的比例。",
        "A-class accounts (list fixed each January) with at least one logged visit or meeting in the "
        "month / A-class accounts assigned x 100.",
        "CRM visit log", "SALES", "leading",
        _Gen(1, targets=(80.0, 85.0, 88.0)),
        {"cap": 1.1},
    ),
    _Kpi(
        "QUOTE_RESP", "Quote response time", "报价响应时间", "customer", "lower", "hours", "avg",
        "Average working hours from a request for quotation to the quote sent.",
        "从客户询价到发出报价的平均工作小时数。",
        "Mean working hours between RFQ registration in the CRM and the quote's send time, for the RFQs "
        "of the month; catalogue products only.",
        "CRM", "SALES", "leading",
        _Gen(1, targets=(28.0, 24.0, 22.0), season=-0.3),
    ),
    _Kpi(
        "COMPLAINT_TIME", "Complaint resolution time", "客诉处理时长", "customer", "lower", "hours", "avg",
        "Average hours from a complaint's registration to its confirmed closure.",
        "客户投诉从受理到确认关闭的平均小时数。",
        "Mean hours from ticket creation to the customer's confirmation, for complaint tickets closed "
        "in the month; a reopened ticket counts from its first opening.",
        "Service desk", "CS", "leading",
        _Gen(1, targets=(26.0, 24.0, 22.0), season=-0.3),
    ),
    _Kpi(
        "LEADS", "Qualified leads", "有效销售线索数", "customer", "higher", "count", "sum",
        "Marketing-qualified leads accepted by sales.",
        "被销售接收的市场合格线索数量。",
        "Leads meeting the MQL criteria (budget, need and timing confirmed) accepted by a sales rep in "
        "the CRM in the month, duplicates removed; a department counts the sum of its staff.",
        "CRM", "MKT", "leading",
        _Gen(0, growth=1.10, season=0.6),
        {"cap": 1.3},
    ),
    _Kpi(
        "CONTRACT_CYCLE", "Contract approval cycle", "合同审批周期", "process", "lower", "days", "avg",
        "Average working days from contract submission to final approval.",
        "合同从提交到审批完成的平均工作日。",
        "Mean working days from submission in the OA workflow to the last signature, for the sales and "
        "purchase contracts approved in the month; time returned for changes included.",
        "OA workflow", "FIN", "leading",
        _Gen(1, targets=(6.0, 5.0, 4.5)),
    ),
    _Kpi(
        "OTD", "On-time delivery", "准时交付率", "process", "higher", "%", "avg",
        "Share of order lines shipped on or before the confirmed date.",
        "按确认交期及之前发货的订单行占比。",
        "Order lines shipped by the confirmed delivery date / order lines due in the month x 100; "
        "delays the customer asked for excluded.",
        "ERP shipping / MES", "PROD", "leading",
        _Gen(1, targets=(94.0, 95.0, 96.0), lift=0.015, sd=0.008),
        {"tiers": "0.9:0.7;1.0:0.9", "green_at": 0.99, "amber_at": 0.95},
    ),
    _Kpi(
        "DEFECT_RATE", "Defect rate", "产品不良率", "process", "lower", "%", "avg",
        "Share of finished units failing final inspection.",
        "成品终检不合格的比例。",
        "Units failing final quality inspection / units inspected in the month x 100; a unit that passes "
        "after rework still counts as a defect.",
        "MES / QMS", "PROD", "lagging",
        _Gen(2, targets=(1.2, 1.0, 0.9)),
        {"floor": 0.6, "cap": 1.2},
    ),
    _Kpi(
        "NPD_CYCLE", "New product development cycle", "新产品开发周期", "process", "lower", "days", "avg",
        "Average calendar days from project approval to release for mass production.",
        "新产品从立项到量产发布的平均天数。",
        "Mean calendar days from gate-1 approval to mass-production release, over the projects released "
        "in the rolling 12 months, read from the PLM project plans.",
        "PLM", "RD", "lagging",
        _Gen(0, targets=(210.0, 195.0, 180.0)),
        {"floor": 0.6},
    ),
    _Kpi(
        "INV_DAYS", "Inventory days", "库存周转天数", "process", "lower", "days", "avg",
        "Days of cost of sales held in inventory.",
        "存货可满足销售成本的天数。",
        "Average inventory at cost (raw material, work in progress, finished goods) / cost of goods sold "
        "of the month x 30.",
        "ERP inventory", "SCM", "lagging",
        _Gen(1, targets=(48.0, 45.0, 42.0), season=-0.4),
    ),
    _Kpi(
        "KEY_STAFF_RETENTION", "Key-staff retention", "核心人才保留率", "learning", "higher", "%", "last",
        "Share of key staff employed 12 months ago who are still employed.",
        "12个月前在职的核心人才至今仍在职的比例。",
        "Key staff (talent-pool list) employed 12 months ago and still employed at month end / key staff "
        "employed 12 months ago x 100, retirements excluded; the latest month is the year's figure.",
        "HRIS", "HR", "lagging",
        _Gen(1, targets=(94.0, 95.0, 96.0), lift=0.015, sd=0.008),
        {"green_at": 0.98, "amber_at": 0.95},
    ),
    _Kpi(
        "TRAINING_RATE", "Training participation", "培训参与率", "learning", "higher", "%", "avg",
        "Share of scheduled trainees who completed their training.",
        "完成计划培训的人员占比。",
        "Employees who attended and passed the courses scheduled for them in the month / employees "
        "scheduled x 100; e-learning counts once its quiz is passed.",
        "Learning platform", "HR", "leading",
        _Gen(1, targets=(88.0, 90.0, 92.0), lift=0.025, sd=0.015),
        {"cap": 1.1},
    ),
    _Kpi(
        "KB_CONTRIB", "Knowledge-base contributions", "知识库贡献数", "learning", "higher", "count", "sum",
        "Articles, FAQs and lessons learned published to the knowledge base.",
        "经审核发布到知识库的文章、FAQ与经验总结数量。",
        "Items published after peer review in the month, counted for their author; edits under 200 "
        "characters excluded; a department counts the sum of its staff.",
        "Knowledge base", "HR", "leading",
        _Gen(0, lift=0.0, sd=0.01),
        {"cap": 1.2},
    ),
    _Kpi(
        "IMPROVEMENT_PROPOSALS", "Adopted improvement proposals", "采纳改善提案数", "learning", "higher",
        "count", "sum",
        "Improvement proposals adopted by the monthly review board.",
        "经月度评审采纳的合理化改善提案数量。",
        "Proposals submitted by the person or their team and adopted by the improvement review board in "
        "the month; a department counts the sum of its staff.",
        "Suggestion system (OA)", "PROD", "leading",
        _Gen(0, lift=0.0, sd=0.01),
        {"cap": 1.5},
    ),
)  # fmt: skip

KPI_BY_ID: dict[str, _Kpi] = {k.kpi_id: k for k in KPIS}

# --------------------------------------------------------------------------- scorecards

Card = tuple[tuple[str, int, str], ...]
"""(kpi_id, weight in percent, role) of one scorecard."""

CARDS: dict[str, Card] = {
    "HQ": (
        ("REV", 35, "core"), ("GROSS_MARGIN", 25, "core"), ("NPS", 15, "core"),
        ("REV_GROWTH", 10, "aux"), ("COLLECTION_DAYS", 5, "aux"),
        ("KEY_STAFF_RETENTION", 5, "aux"), ("NPD_CYCLE", 5, "aux"), ("GP", 0, "info"),
    ),
    "SALES": (
        ("REV", 45, "core"), ("GROSS_MARGIN", 20, "core"), ("COLLECTION_DAYS", 15, "core"),
        ("KEY_ACCOUNT_COV", 10, "aux"), ("QUOTE_RESP", 5, "aux"), ("REPEAT_RATE", 5, "aux"), ("GP", 0, "info"),
    ),
    "REGION": (
        ("REV", 45, "core"), ("GROSS_MARGIN", 15, "core"), ("COLLECTION_DAYS", 15, "core"),
        ("KEY_ACCOUNT_COV", 10, "aux"), ("QUOTE_RESP", 10, "aux"), ("REPEAT_RATE", 5, "aux"), ("GP", 0, "info"),
    ),
    "REP": (
        ("REV", 50, "core"), ("COLLECTION_DAYS", 25, "core"),
        ("KEY_ACCOUNT_COV", 15, "aux"), ("QUOTE_RESP", 10, "aux"),
    ),
    "MKT": (
        ("EXPENSE_EXEC", 30, "core"), ("LEADS", 30, "core"), ("NPS", 20, "core"),
        ("REPEAT_RATE", 10, "aux"), ("TRAINING_RATE", 5, "aux"), ("KB_CONTRIB", 5, "aux"),
    ),
    "P_MKT": (
        ("LEADS", 50, "core"), ("NPS", 25, "core"),
        ("KB_CONTRIB", 15, "aux"), ("TRAINING_RATE", 10, "aux"),
    ),
    "PROD": (
        ("OTD", 35, "core"), ("DEFECT_RATE", 25, "core"), ("UNIT_COST", 20, "core"),
        ("IMPROVEMENT_PROPOSALS", 10, "aux"), ("TRAINING_RATE", 5, "aux"), ("EXPENSE_EXEC", 5, "aux"),
    ),
    "P_PROD": (
        ("OTD", 40, "core"), ("DEFECT_RATE", 35, "core"),
        ("IMPROVEMENT_PROPOSALS", 15, "aux"), ("TRAINING_RATE", 10, "aux"),
    ),
    "RD": (
        ("NPD_CYCLE", 45, "core"), ("DEFECT_RATE", 30, "core"),
        ("KB_CONTRIB", 10, "aux"), ("KEY_STAFF_RETENTION", 10, "aux"), ("TRAINING_RATE", 5, "aux"),
    ),
    "P_RD": (
        ("NPD_CYCLE", 50, "core"), ("KB_CONTRIB", 25, "core"),
        ("DEFECT_RATE", 15, "aux"), ("TRAINING_RATE", 10, "aux"),
    ),
    "SCM": (
        ("INV_DAYS", 40, "core"), ("UNIT_COST", 35, "core"),
        ("EXPENSE_EXEC", 10, "aux"), ("IMPROVEMENT_PROPOSALS", 10, "aux"), ("TRAINING_RATE", 5, "aux"),
    ),
    "P_SCM": (
        ("INV_DAYS", 45, "core"), ("UNIT_COST", 30, "core"),
        ("IMPROVEMENT_PROPOSALS", 15, "aux"), ("TRAINING_RATE", 10, "aux"),
    ),
    "CS": (
        ("CSAT", 40, "core"), ("COMPLAINT_TIME", 35, "core"),
        ("REPEAT_RATE", 10, "aux"), ("KB_CONTRIB", 10, "aux"), ("TRAINING_RATE", 5, "aux"),
    ),
    "P_CS": (
        ("CSAT", 45, "core"), ("COMPLAINT_TIME", 35, "core"),
        ("KB_CONTRIB", 10, "aux"), ("TRAINING_RATE", 10, "aux"),
    ),
    "FIN": (
        ("COLLECTION_DAYS", 40, "core"), ("CONTRACT_CYCLE", 35, "core"),
        ("EXPENSE_EXEC", 10, "aux"), ("TRAINING_RATE", 5, "aux"), ("KB_CONTRIB", 5, "aux"),
        ("IMPROVEMENT_PROPOSALS", 5, "aux"),
    ),
    "P_FIN": (
        ("COLLECTION_DAYS", 40, "core"), ("CONTRACT_CYCLE", 35, "core"),
        ("TRAINING_RATE", 10, "aux"), ("KB_CONTRIB", 10, "aux"), ("IMPROVEMENT_PROPOSALS", 5, "aux"),
    ),
    "HR": (
        ("KEY_STAFF_RETENTION", 40, "core"), ("TRAINING_RATE", 35, "core"),
        ("EXPENSE_EXEC", 10, "aux"), ("KB_CONTRIB", 10, "aux"), ("IMPROVEMENT_PROPOSALS", 5, "aux"),
    ),
    "P_HR": (
        ("KEY_STAFF_RETENTION", 45, "core"), ("TRAINING_RATE", 30, "core"),
        ("KB_CONTRIB", 15, "aux"), ("IMPROVEMENT_PROPOSALS", 10, "aux"),
    ),
}  # fmt: skip

#: 2026 re-weighting: the company puts more weight on customers, reps on cash;
#: Customer Service, R&D and HR make room for their goal-setting tasks
#: (``TASKS``: two of 5 points each, taken from the auxiliary KPIs, so the
#: core KPIs keep 75 and KPIs and tasks add up to 100).
CARDS_2026: dict[str, Card] = {
    "HQ": (
        ("REV", 30, "core"), ("GROSS_MARGIN", 25, "core"), ("NPS", 20, "core"),
        ("REV_GROWTH", 10, "aux"), ("COLLECTION_DAYS", 5, "aux"),
        ("KEY_STAFF_RETENTION", 5, "aux"), ("NPD_CYCLE", 5, "aux"), ("GP", 0, "info"),
    ),
    "CS": (
        ("CSAT", 40, "core"), ("COMPLAINT_TIME", 35, "core"),
        ("REPEAT_RATE", 5, "aux"), ("KB_CONTRIB", 5, "aux"), ("TRAINING_RATE", 5, "aux"),
    ),
    "RD": (
        ("NPD_CYCLE", 45, "core"), ("DEFECT_RATE", 30, "core"),
        ("KB_CONTRIB", 5, "aux"), ("KEY_STAFF_RETENTION", 5, "aux"), ("TRAINING_RATE", 5, "aux"),
    ),
    "HR": (
        ("KEY_STAFF_RETENTION", 40, "core"), ("TRAINING_RATE", 35, "core"),
        ("EXPENSE_EXEC", 5, "aux"), ("KB_CONTRIB", 5, "aux"), ("IMPROVEMENT_PROPOSALS", 5, "aux"),
    ),
    "REP": (
        ("REV", 45, "core"), ("COLLECTION_DAYS", 30, "core"),
        ("KEY_ACCOUNT_COV", 15, "aux"), ("QUOTE_RESP", 10, "aux"),
    ),
}  # fmt: skip

#: Per-person 2025 monthly targets of the counted and summed KPIs: (low, high, step) by department.
PERSON_BASES: dict[str, dict[str, tuple[int, int, int]]] = {
    "REV": {"SALES_E": (90, 150, 5), "SALES_N": (70, 120, 5), "SALES_S": (80, 130, 5)},
    "LEADS": {"MKT": (90, 140, 5)},
    "KB_CONTRIB": {"RD": (6, 9, 1), "CS": (5, 8, 1), "MKT": (3, 5, 1), "FIN": (2, 4, 1), "HR": (3, 5, 1)},
    "IMPROVEMENT_PROPOSALS": {"PROD": (3, 5, 1), "SCM": (2, 3, 1), "FIN": (1, 2, 1), "HR": (1, 2, 1)},
}

#: 2025 monthly expense budgets in 10k CNY.
EXPENSE_BUDGETS: dict[str, float] = {"MKT": 150.0, "PROD": 320.0, "SCM": 60.0, "FIN": 30.0, "HR": 40.0}

# --------------------------------------------------------------------------- planted stories

#: Completion planted on (unit, KPI, period): actual = target x completion
#: (higher and band) or target x (2 - completion) (lower).
STORY_COMPLETION: dict[tuple[str, str, str], float] = {
    ("CS", "CSAT", "2026-08"): 0.965,
    ("CS", "CSAT", "2026-09"): 0.915,
    ("CS", "CSAT", "2026-10"): 0.83,
    ("CS", "COMPLAINT_TIME", "2026-08"): 0.84,
    ("CS", "COMPLAINT_TIME", "2026-09"): 0.74,
    ("CS", "COMPLAINT_TIME", "2026-10"): 0.62,
    ("PROD", "OTD", "2026-10"): 0.73,
    ("MKT", "EXPENSE_EXEC", "2026-09"): 1.075,
    ("MKT", "EXPENSE_EXEC", "2026-10"): 1.09,
}

#: Customer Service's six people follow their department's slide: each
#: person's completion in the story months is the department's plus an
#: offset of their own (the offsets average 0, so the people's average is the
#: department's), so no CS person stays green while the department is red.
CS_PEOPLE_OFFSETS: dict[str, tuple[float, float]] = {
    # person: (CSAT offset, complaint-time offset)
    "P_CS_01": (-0.03, -0.05),
    "P_CS_02": (0.02, 0.03),
    "P_CS_03": (-0.01, 0.00),
    "P_CS_04": (0.03, 0.04),
    "P_CS_05": (0.00, -0.02),
    "P_CS_06": (-0.01, 0.00),
}
for _person, (_csat, _time) in CS_PEOPLE_OFFSETS.items():
    for _kpi, _offset in (("CSAT", _csat), ("COMPLAINT_TIME", _time)):
        for _period in ("2026-08", "2026-09", "2026-10"):
            STORY_COMPLETION[(_person, _kpi, _period)] = round(STORY_COMPLETION[("CS", _kpi, _period)] + _offset, 3)

#: (unit, period) whose actuals were never uploaded.
MISSING_UPLOAD: tuple[str, str] = ("P_SALES_N_03", "2026-10")

# --------------------------------------------------------------------------- goal-setting tasks

#: 2026's goal-setting tasks (GS, 目标任务): the work of Customer Service, R&D
#: and HR that no KPI measures well, one row per task (the ``tasks`` file).
#: (task_id, unit_id, name, name_zh, perspective, weight, mode, objective, acceptance, deadline, cap)
TASKS: tuple[tuple[str, str, str, str, str, int, str, str, str, str, float | None], ...] = (
    ("CS_T1", "CS", "Complaint handling process redesign", "投诉处理流程再造", "process", 5, "expected",
     "Every complaint has a named owner within 2 hours and an escalation path by severity.",
     "New process live in all six service centres by 30 Sep 2026; escalation rules published; "
     "ticket system routes by severity.",
     "2026-09-30", None),
    ("CS_T2", "CS", "Service knowledge base rebuild", "服务知识库重建", "learning", 5, "graded",
     "Rewrite the 200 most used troubleshooting articles for the current AGV range.",
     "200 articles rewritten, peer-reviewed and linked from the ticket form.",
     "2026-12-31", None),
    ("RD_T1", "RD", "AGV navigation platform v3", "第三代 AGV 导航平台", "process", 5, "graded",
     "Release the v3 navigation platform (lidar + vision fusion) for mass production.",
     "Passes the 500-hour field test at two customer sites; released to production by 15 Dec 2026.",
     "2026-12-15", None),
    ("RD_T2", "RD", "Patents and technical papers", "专利与技术论文", "learning", 5, "events",
     "Protect and publish the navigation work: +1 point per filed patent or accepted paper, "
     "-1 per planned filing missed.",
     "Each quarter's filings and papers recorded by the IP office.",
     "2026-12-31", 1.2),
    ("HR_T1", "HR", "Performance management system rollout", "绩效管理体系上线", "learning", 5, "expected",
     "Run every department's monthly scorecard review in the new system.",
     "All eight departments reviewing in the system, with KPI owners named, by 31 Jul 2026.",
     "2026-07-31", None),
    ("HR_T2", "HR", "Campus recruiting programme", "校园招聘计划", "learning", 5, "graded",
     "Hire 30 graduates for R&D and production for the September intake.",
     "30 offers accepted; 90% still employed after three months.",
     "2026-11-30", None),
)  # fmt: skip

#: The managers' assessments of the tasks: (task_id, period, result, comment).
#: Customer Service's redesign slips with its figures (story 1): on track in
#: the spring, half done in September, missed in October.
TASK_ASSESSMENTS: tuple[tuple[str, str, str, str], ...] = (
    ("CS_T1", "2026-01", "met", "Project chartered; an owner named in each service centre."),
    ("CS_T1", "2026-03", "met", "Current process mapped; pilot centre (Suzhou) chosen."),
    ("CS_T1", "2026-06", "met", "Pilot live in Suzhou: owner named within 2 hours for 96% of complaints."),
    ("CS_T1", "2026-09", "partly", "Roll-out stopped at 3 of 6 centres: the ticket-system change is late."),
    ("CS_T1", "2026-10", "not", "Deadline missed; the other 3 centres still route by hand."),
    ("CS_T2", "2026-01", "good", "The 200 most used articles listed; writers assigned."),
    ("CS_T2", "2026-06", "good", "120 of 200 articles rewritten."),
    ("CS_T2", "2026-09", "excellent", "All 200 articles rewritten, reviewed and linked from the ticket form."),
    ("RD_T1", "2026-01", "good", "Architecture review passed; lidar supplier chosen."),
    ("RD_T1", "2026-03", "good", "Sensor fusion prototype running on the test track."),
    ("RD_T1", "2026-06", "excellent", "Field test started at two customer sites ahead of plan."),
    ("RD_T1", "2026-09", "good", "Field test at 380 of 500 hours; two weeks behind, release still planned for December."),
    ("RD_T2", "2026-01", "+1", "One patent filed (obstacle classification)."),
    ("RD_T2", "2026-03", "+1;+1", "One patent filed, one paper accepted."),
    ("RD_T2", "2026-06", "+2;+1", "Two patents filed, one paper accepted."),
    ("RD_T2", "2026-09", "+1;-2", "One patent filed; two planned filings slipped to Q4."),
    ("RD_T2", "2026-10", "+3;-1", "Three filings caught up; one paper withdrawn."),
    ("HR_T1", "2026-01", "met", "System configured; HR and Finance piloting."),
    ("HR_T1", "2026-04", "partly", "Four of eight departments reviewing in the system."),
    ("HR_T1", "2026-07", "met", "All eight departments live; KPI owners named."),
    ("HR_T1", "2026-10", "met", "Third month of reviews in the system for every department."),
    ("HR_T2", "2026-01", "good", "Campus plan approved; 12 universities booked."),
    ("HR_T2", "2026-06", "pass", "22 offers accepted of 30 planned."),
    ("HR_T2", "2026-09", "good", "28 graduates started in September."),
)  # fmt: skip

# --------------------------------------------------------------------------- units


@dataclass(frozen=True)
class _Unit:
    unit_id: str
    name: str
    name_zh: str
    kind: str
    parent_id: str
    card: str
    dept: str
    """The department a person belongs to (its own id for a department)."""


def _units() -> list[_Unit]:
    """The tree in display order: each department followed by its persons."""
    out = [_Unit(*COMPANY, "company", "", "HQ", "HQ")]
    names = iter(PERSON_NAMES)
    for d in DEPARTMENTS:
        out.append(_Unit(d.unit_id, d.name, d.name_zh, "department", d.parent_id, d.card, d.unit_id))
        for n in range(1, d.staff + 1):
            name, name_zh = next(names)
            out.append(_Unit(f"P_{d.unit_id}_{n:02d}", name, name_zh, "person", d.unit_id, d.staff_card, d.unit_id))
    return out


def _card(unit: _Unit, year: int) -> Card:
    return CARDS_2026.get(unit.card, CARDS[unit.card]) if year == 2026 else CARDS[unit.card]


def _units_frame(units: list[_Unit]) -> pd.DataFrame:
    rows = [
        {"unit_id": u.unit_id, "name": u.name, "name_zh": u.name_zh, "kind": u.kind,
         "parent_id": u.parent_id, "sort_order": i}
        for i, u in enumerate(units, start=1)
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=list(FILE_SPECS["units"].columns))


#: Each KPI's caliber and data source in Chinese (the ``caliber_zh`` and
#: ``data_source_zh`` columns): what a Chinese page shows.
KPI_TEXTS_ZH: Mapping[str, tuple[str, str]] = {
    "REV": (
        "开票销售额扣除增值税、退货与折让,以客户验收确认;销售代表统计其负责的订单,大区为所辖代表之和,公司为各大区之和。",
        "ERP 销售台账",
    ),
    "REV_GROWTH": (
        "(本年累计营业收入 / 上年同期累计营业收入 - 1) x 100,口径与营业收入一致;各月报告累计数,最新月份即为全年值。",
        "ERP 销售台账",
    ),
    "GROSS_MARGIN": (
        "按组成指标计算:毛利额 / 营业收入 x 100,季度与年累计先分别汇总毛利额与收入再相除;成本按标准成本加当月入账差异;销售单元统计其负责的订单。",
        "ERP 成本台账",
    ),
    "GP": (
        "营业收入减销售成本(标准成本加当月入账差异);作为信息指标(权重 0)与收入并列跟踪,使毛利率在各视图中均为总毛利除以总收入。",
        "ERP 成本台账",
    ),
    "COLLECTION_DAYS": (
        "扣除坏账准备后的平均应收账款 / 当月营业收入 x 30;销售单元统计其负责的客户。",
        "ERP 应收账款",
    ),
    "EXPENSE_EXEC": (
        "目标 = 批准的月度预算,实际 = 本单元入账的经营费用(不含薪酬与折旧);执行率 = 实际 / 预算,"
        "90%-100% 得满分,区间外每个百分点扣 2 分。",
        "ERP 费用台账 / 预算系统",
    ),
    "UNIT_COST": (
        "(直接材料 + 直接人工 + 制造费用)/ 当月完工标准台数,折算为基准 AGV 机型;不含运费。",
        "ERP 成本核算 / MES 产量",
    ),
    "CSAT": (
        "当月关闭的服务工单所收回有效问卷的平均分,百分制;未作答的问卷不计。",
        "服务台满意度调查模块",
    ),
    "NPS": (
        "对活跃客户的关系调查,0-10 分制:9-10 分占比减 0-6 分占比;每季度调查一次(3、6、9、12 月出结果),其间各月沿用最近一次调查结果。",
        "调查平台",
    ),
    "REPEAT_RATE": (
        "当月下单且过去 12 个月内有订单的客户数 / 当月下单客户数 x 100。",
        "CRM",
    ),
    "KEY_ACCOUNT_COV": (
        "当月至少有一次拜访或会议记录的 A 类客户(名单每年 1 月确定)/ 分配的 A 类客户数 x 100。",
        "CRM 拜访记录",
    ),
    "QUOTE_RESP": (
        "当月询价单从在 CRM 登记到报价发出的平均工作小时数;仅统计目录产品。",
        "CRM",
    ),
    "COMPLAINT_TIME": (
        "当月关闭的投诉工单从创建到客户确认的平均小时数;重开的工单从首次创建起计。",
        "服务台",
    ),
    "LEADS": (
        "当月在 CRM 中被销售代表接受、符合 MQL 标准(预算、需求与时间已确认)的线索数,去除重复;部门为所属员工之和。",
        "CRM",
    ),
    "CONTRACT_CYCLE": (
        "当月批准的销售与采购合同,从 OA 流程提交到最后签字的平均工作日数;含退回修改的时间。",
        "OA 流程",
    ),
    "OTD": (
        "在确认交期内发货的订单行数 / 当月到期的订单行数 x 100;客户要求的延期不计。",
        "ERP 发货 / MES",
    ),
    "DEFECT_RATE": (
        "最终质检不合格台数 / 当月检验台数 x 100;返工后合格的仍计为不良。",
        "MES / QMS",
    ),
    "NPD_CYCLE": (
        "滚动 12 个月内量产发布的项目,从一号评审通过到量产发布的平均日历天数,取自 PLM 项目计划。",
        "PLM",
    ),
    "INV_DAYS": (
        "按成本计的平均库存(原材料、在制品、产成品)/ 当月销售成本 x 30。",
        "ERP 库存",
    ),
    "KEY_STAFF_RETENTION": (
        "12 个月前在职且月末仍在职的核心人才(人才库名单)/ 12 个月前在职的核心人才 x 100,退休不计;最新月份即为全年值。",
        "人力资源信息系统",
    ),
    "TRAINING_RATE": (
        "当月参加并通过所安排课程的员工数 / 安排的员工数 x 100;在线课程通过测验后计入。",
        "学习平台",
    ),
    "KB_CONTRIB": (
        "当月经同行评审发布的条目数,计入作者名下;少于 200 字的修改不计;部门为所属员工之和。",
        "知识库",
    ),
    "IMPROVEMENT_PROPOSALS": (
        "本人或其团队提交、当月经改善评审委员会采纳的提案数;部门为所属员工之和。",
        "合理化建议系统(OA)",
    ),
}


def _kpis_frame() -> pd.DataFrame:
    columns = FILE_SPECS["kpis"].columns
    rows = []
    for k in KPIS:
        row: dict[str, object] = {c: getattr(k, c) for c in columns if hasattr(k, c)}
        row.update({c: np.nan for c in ("floor", "cap", "band_low", "band_high", "band_penalty")})
        row.update({"green_at": np.nan, "amber_at": np.nan, "blend": np.nan, "tiers": "", "formula": k.formula})
        row.update(k.rules)
        row["caliber_zh"], row["data_source_zh"] = KPI_TEXTS_ZH[k.kpi_id]
        rows.append(row)
    return pd.DataFrame(rows, columns=list(columns))


def _tasks_frame() -> pd.DataFrame:
    columns = ("task_id", "unit_id", "name", "name_zh", "perspective", "weight", "mode", "objective",
               "acceptance", "deadline", "cap")  # fmt: skip
    rows = [{"year": 2026, **dict(zip(columns, t, strict=True))} for t in TASKS]
    for row in rows:
        row["cap"] = np.nan if row["cap"] is None else row["cap"]
    return pd.DataFrame(rows, columns=list(FILE_SPECS["tasks"].columns))


def _task_assessments_frame() -> pd.DataFrame:
    rows = [
        {"task_id": task, "year": 2026, "period": period, "result": result, "comment": comment}
        for task, period, result, comment in TASK_ASSESSMENTS
    ]
    return pd.DataFrame(rows, columns=list(FILE_SPECS["task_assessments"].columns))


def _assignments_frame(units: list[_Unit]) -> pd.DataFrame:
    rows = [
        {"unit_id": u.unit_id, "kpi_id": kpi, "year": year, "weight": weight, "role": role}
        for year in YEARS
        for u in units
        for kpi, weight, role in _card(u, year)
    ]
    return pd.DataFrame(rows, columns=list(FILE_SPECS["assignments"].columns))


# --------------------------------------------------------------------------- figures


def _round(value: float, decimals: int) -> float:
    """Round half up (the figures are positive), without binary noise."""
    scale = 10**decimals
    return math.floor(value * scale + 0.5) / scale


def _season(kpi: _Kpi, period: str) -> float:
    return 1.0 + kpi.gen.season * (SEASON[int(period[5:7]) - 1] - 1.0)


def _year_base(rng: np.random.Generator, unit: _Unit, kpi: _Kpi) -> dict[int, float]:
    """The unit's annual target level (before seasonality) for each year."""
    gen = kpi.gen
    if gen.targets is not None:
        return dict(zip(YEARS, gen.targets, strict=True))
    if kpi.kpi_id == "EXPENSE_EXEC":
        base = EXPENSE_BUDGETS[unit.dept]
    else:
        low, high, step = PERSON_BASES[kpi.kpi_id][unit.dept]
        base = float(rng.integers(low // step, high // step + 1) * step)
    return {y: _round(base * gen.growth ** (y - 2025), gen.decimals) for y in YEARS}


def _completions(rng: np.random.Generator, n: int, gen: _Gen, level: float) -> np.ndarray:
    """Healthy monthly completions: steady, clipped noise around 1 + lift."""
    z = np.clip(rng.standard_normal(n), -2.0, 2.0)
    return 1.0 + gen.lift + (level + z) * gen.sd


def _actual(target: float, comp: float, kpi: _Kpi) -> float:
    ratio = 2.0 - comp if kpi.direction == "lower" else comp
    return _round(target * ratio, kpi.gen.decimals)


Series = dict[str, tuple[float, float | None]]
"""period -> (target, actual) of one unit and KPI."""


def _leaf_series(rng: np.random.Generator, unit: _Unit, kpi: _Kpi, periods: list[str], level: float) -> Series:
    """A healthy series: seasonal targets, actuals at steady noisy completion."""
    base = _year_base(rng, unit, kpi)
    comps = _completions(rng, len(periods), kpi.gen, level)
    out: Series = {}
    for period, comp in zip(periods, comps, strict=True):
        target = _round(base[int(period[:4])] * _season(kpi, period), kpi.gen.decimals)
        out[period] = (target, _actual(target, comp, kpi))
    # the rest of the year's targets: no random draw, so every earlier figure stays as it was
    for period in TARGET_ONLY_PERIODS:
        if period[:4] in {p[:4] for p in periods}:
            out[period] = (_round(base[int(period[:4])] * _season(kpi, period), kpi.gen.decimals), None)
    return out


def _summed_series(children: list[Series], decimals: int) -> Series:
    """A parent's series of a summed KPI: its children's targets and actuals added up."""
    periods = children[0].keys()
    return {
        p: (
            _round(sum(c[p][0] for c in children), decimals),
            None if p in TARGET_ONLY_PERIODS else _round(sum(c[p][1] for c in children), decimals),
        )
        for p in periods
    }


SeriesMap = dict[tuple[str, str], Series]
"""(unit_id, kpi_id) -> its series."""


def _all_series(rng: np.random.Generator, units: list[_Unit], assignments: pd.DataFrame) -> SeriesMap:
    """Every (unit, KPI) series, children before parents."""
    assigned = set(zip(assignments["unit_id"], assignments["kpi_id"], assignments["year"], strict=True))
    kpis_of = assignments.groupby("unit_id", sort=False)["kpi_id"].unique()
    # Each unit's own performance level, in spreads: some units run a little hotter.
    levels = {u.unit_id: float(rng.uniform(-0.5, 1.0)) for u in units}
    out: SeriesMap = {}
    for unit in reversed(units):
        children = [c.unit_id for c in units if c.parent_id == unit.unit_id]
        for kpi_id in kpis_of[unit.unit_id]:
            if kpi_id in COMPONENTS:
                continue  # derived below from the figures it is a component of: no random draw
            kpi = KPI_BY_ID[kpi_id]
            parts = [out[(c, kpi_id)] for c in children if (c, kpi_id) in out]
            if kpi.accumulation == "sum" and kpi.direction == "higher" and parts:
                out[(unit.unit_id, kpi_id)] = _summed_series(parts, kpi.gen.decimals)
            else:
                periods = [p for p in PERIODS if (unit.unit_id, kpi_id, int(p[:4])) in assigned]
                out[(unit.unit_id, kpi_id)] = _leaf_series(rng, unit, kpi, periods, levels[unit.unit_id])
    return out


#: Components derived from the KPI they feed: gross profit = the unit's gross
#: margin x its revenue, so ``GROSS_MARGIN`` (calculated: GP / REV x 100) shows
#: each month the margin the demo drew for it (to within 0.0001 points).
COMPONENTS: dict[str, str] = {"GP": "GROSS_MARGIN"}


def _derive_components(series: SeriesMap) -> None:
    """Gross profit from gross margin and revenue (in place); the calculated
    gross margin then has targets only (its actual is its formula's)."""
    for (unit_id, kpi_id), margin in list(series.items()):
        if kpi_id != "GROSS_MARGIN":
            continue
        revenue = series[(unit_id, "REV")]
        profit: Series = {}
        for period, (target, actual) in margin.items():
            rev_target, rev_actual = revenue[period]
            profit[period] = (
                _round(target * rev_target / 100, 2),
                None if actual is None or rev_actual is None else _round(actual * rev_actual / 100, 2),
            )
            margin[period] = (target, None)
        series[(unit_id, "GP")] = profit


#: Months a KPI of each reporting frequency is due (the last of its period).
DUE_MONTHS: dict[str, tuple[int, ...]] = {"quarter": (3, 6, 9, 12), "half": (6, 12), "year": (12,)}


def _keep_due_months(series: SeriesMap) -> None:
    """A quarterly KPI (NPS) has figures for its survey months only (in place)."""
    for (_, kpi_id), values in series.items():
        due = DUE_MONTHS.get(KPI_BY_ID[kpi_id].frequency)
        if due is not None:
            for period in [p for p in values if int(p[5:7]) not in due]:
                del values[period]


def _plant_stories(series: SeriesMap) -> None:
    """Overwrite the story months' actuals (in place)."""
    for (unit_id, kpi_id, period), comp in STORY_COMPLETION.items():
        target, _ = series[(unit_id, kpi_id)][period]
        series[(unit_id, kpi_id)][period] = (target, _actual(target, comp, KPI_BY_ID[kpi_id]))


def _figures_frames(series: SeriesMap, units: list[_Unit]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Targets and actuals, month by month as they are uploaded."""
    order = {u.unit_id: i for i, u in enumerate(units)}
    keys = sorted(series, key=lambda k: order[k[0]])
    targets, actuals = [], []
    for period in PERIODS + TARGET_ONLY_PERIODS:
        for unit_id, kpi_id in keys:
            if period not in series[(unit_id, kpi_id)]:
                continue
            target, actual = series[(unit_id, kpi_id)][period]
            targets.append({"unit_id": unit_id, "kpi_id": kpi_id, "period": period, "target": target})
            if actual is not None and (unit_id, period) != MISSING_UPLOAD:
                actuals.append({"unit_id": unit_id, "kpi_id": kpi_id, "period": period, "actual": actual})
    return (
        pd.DataFrame(targets, columns=list(FILE_SPECS["targets"].columns)),
        pd.DataFrame(actuals, columns=list(FILE_SPECS["actuals"].columns)),
    )


def build_demo() -> dict[str, pd.DataFrame]:
    """The demo company as one frame per kind of CSV file (see ``model.FILE_SPECS``)."""
    rng = np.random.default_rng(SEED)
    units = _units()
    assignments = _assignments_frame(units)
    series = _all_series(rng, units, assignments)
    _plant_stories(series)
    _derive_components(series)
    _keep_due_months(series)
    targets, actuals = _figures_frames(series, units)
    return {
        "units": _units_frame(units),
        "kpis": _kpis_frame(),
        "assignments": assignments,
        "targets": targets,
        "actuals": actuals,
        "tasks": _tasks_frame(),
        "task_assessments": _task_assessments_frame(),
    }


# --------------------------------------------------------------------------- CSV text


def format_value(value: object) -> str:
    """A cell as the CSV holds it: empty for missing, at most 4 decimals, no ".0".

    >>> [format_value(v) for v in (96.0, 0.1 + 0.2, 1.25, float("nan"), "", "REV", 7)]
    ['96', '0.3', '1.25', '', '', 'REV', '7']
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float):
        text = f"{value:.4f}".rstrip("0").rstrip(".")
        return "0" if text in ("", "-0") else text
    return str(value)


def format_for_csv(frame: pd.DataFrame) -> pd.DataFrame:
    """Every cell of ``frame`` as the text written to the CSV."""
    return pd.DataFrame(
        {c: [format_value(v) for v in frame[c].tolist()] for c in frame.columns},
        columns=frame.columns,
        dtype=object,
    )


def write_demo_csvs(folder: Path = DEMO_DIR) -> dict[str, Path]:
    """Write the demo's CSV files into ``folder`` (the five of a company, then
    the goal-setting tasks and their assessments); returns their paths by kind."""
    folder.mkdir(parents=True, exist_ok=True)
    paths: dict[str, Path] = {}
    for kind, frame in build_demo().items():
        path = folder / f"{kind}.csv"
        format_for_csv(frame).to_csv(path, index=False, encoding="utf-8", lineterminator="\n")
        paths[kind] = path
    return paths


if __name__ == "__main__":
    for kind, written in write_demo_csvs().items():
        print(f"{kind}: {written}")
