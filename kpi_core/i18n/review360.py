"""Translations of 360-degree reviews and the fairness check (issue 18, items 3-4)."""

STRINGS: dict[str, tuple[str, str]] = {
    "page.r360": ("360° reviews", "360 度评估"),
    "page.fairness": ("Fairness of ratings", "评分公平性检查"),
    # rater groups
    "r360.group.self": ("Self", "自评"),
    "r360.group.superior": ("Superior", "上级"),
    "r360.group.peer": ("Peers", "同级"),
    "r360.group.subordinate": ("Subordinates", "下属"),
    "r360.group.customer": ("Customers", "客户"),
    # the page
    "r360.intro": (
        "Behaviour-anchored ratings from 1 to 5 by self, superior, peers, subordinates and customers. "
        "A group's results are shown only when at least 3 of its raters answered (self and superior excepted); "
        "no answer is ever shown with a rater's name.",
        "由本人、上级、同级、下属和客户按行为锚定量表(1-5 分)评分。"
        "某一评价群体至少有 3 人作答才显示其结果(自评与上级除外);任何评分都不会与评价人姓名一同显示。",
    ),
    "r360.cycle": ("Review cycle", "评估周期"),
    "r360.no_cycles": ("No 360° review cycle yet.", "尚无 360 度评估周期。"),
    "r360.tab.owe": ("My forms", "我的评估表"),
    "r360.tab.report": ("Reports", "评估报告"),
    "r360.tab.setup": ("Cycle setup", "周期设置"),
    "r360.owe.none": ("You have no 360° forms to fill in.", "您没有需要填写的 360 度评估表。"),
    "r360.owe.caption": ("What you owe, and what you have given.", "您需要填写和已经填写的评估。"),
    "r360.owe.pick": ("Form", "评估表"),
    "r360.owe.label": (
        "{subject} ({group}), {cycle}: {answered} of {total} answered",
        "{subject}({group}),{cycle}:已答 {answered}/{total}",
    ),
    "r360.owe.closed": (
        "This cycle is closed: your answers are shown, not editable.",
        "该周期已结束:仅显示您的评分,不可修改。",
    ),
    "r360.owe.submit": ("Save my answers", "保存我的评分"),
    "r360.owe.saved": ("Saved {n} answers.", "已保存 {n} 项评分。"),
    "r360.owe.unanswered": ("(not answered)", "(未作答)"),
    "r360.level": ("{level}: {text}", "{level}:{text}"),
    "r360.col.behaviour": ("Behaviour", "行为"),
    "r360.col.others": ("All raters (shown groups, without self)", "全部评价人(已显示群体,不含自评)"),
    "r360.col.company": ("Company average", "公司平均"),
    "r360.col.subject": ("Subject", "被评估人"),
    "r360.col.complete": ("Raters done", "已完成评价人"),
    "r360.hidden": ("hidden ({n} < 3)", "不显示({n} < 3)"),
    "r360.hidden_short": ("(hidden)", "(不显示)"),
    "r360.subject": ("Person reviewed", "被评估人"),
    "r360.report.none": (
        "No report you may open: a report is seen by the person reviewed, their managers and HR.",
        "没有您可查看的报告:报告仅限被评估人本人、其上级管理者和人力资源查看。",
    ),
    "r360.report.counts": ("Raters: {counts}", "评价人:{counts}"),
    "r360.report.no_answers": (
        "No rater has answered for this person yet: the report fills in as the forms come back.",
        "尚无评价人提交对此人的评价:表单陆续提交后报告将逐步完整。",
    ),
    "r360.report.chart_title": ("Mean rating by behaviour", "各行为平均得分"),
    "r360.report.note": (
        "Means on the 1-5 scale. 'All raters' pools the groups shown, so a hidden group cannot be worked out.",
        "均为 1-5 分的平均分。“全部评价人”只合并已显示的群体,因此无法反推出不显示的群体。",
    ),
    "r360.setup.caption": (
        "{name} · {period} · {status} · {behaviours} behaviours",
        "{name} · {period} · {status} · {behaviours} 项行为",
    ),
    "r360.status.open": ("open", "进行中"),
    "r360.status.closed": ("closed", "已结束"),
    "r360.setup.anchors": ("Questionnaire and its anchored levels", "问卷及行为锚定等级"),
    # errors (kpi_core.review360.ReviewError)
    "r360.err.not_rater": ("You are not a rater of {subject} in this cycle.", "您不是本周期 {subject} 的评价人。"),
    "r360.err.closed": (
        "Cycle {cycle} is closed: answers can no longer change.",
        "周期 {cycle} 已结束:评分不能再修改。",
    ),
    "r360.err.behaviour": ("Unknown behaviour: {behaviour}.", "未知行为:{behaviour}。"),
    "r360.err.score": (
        "{behaviour}: the score is a whole number from 1 to 5, not {value}.",
        "{behaviour}:评分须为 1 到 5 的整数,而不是 {value}。",
    ),
    "r360.cycle_exists": ("Review cycle {cycle} exists already.", "评估周期 {cycle} 已存在。"),
    # fairness
    "fair.intro": (
        "Each rating is compared with what the other raters gave the same person on the same behaviour "
        "(the rater's offset). A rater whose offsets differ between groups of people (tenure, location ...) "
        "by a large effect (|d| ≥ 0.5, p < 0.01, at least 20 ratings and 2 people in each group) is listed as "
        "worth a look. This is a prompt for a conversation, not a verdict: small numbers and chance can "
        "produce differences.",
        "每条评分都与其他评价人对同一人同一行为的评分比较(即该评价人的偏差)。"
        "若某评价人对不同群体(司龄、工作地点等)的偏差差异明显(|d| ≥ 0.5、p < 0.01、至少 20 条评分且每组至少 2 人),"
        "则列为“值得关注”。这只是沟通的提示,不是结论:样本少与偶然因素都可能造成差异。",
    ),
    "fair.none": ("No ratings to check yet.", "尚无可检查的评分。"),
    "fair.flags": ("Worth a look", "值得关注"),
    "fair.no_flags": (
        "Nothing stands out: no rater's ratings differ between groups by a large, clear effect.",
        "没有突出情况:没有评价人对不同群体的评分存在明显差异。",
    ),
    "fair.flag": (
        "{rater}'s ratings of people with {attribute} = {value} are {gap:.2f} points {direction} than of the "
        "other people they rate, each compared with how the other raters rate the same person "
        "(95% CI {low:+.2f} to {high:+.2f}; d = {d:.2f}; p = {p:.4f}; {n_a} and {n_b} ratings). Worth a look.",
        "{rater} 对 {attribute} = {value} 人员的评分(与其他评价人对同一人的评分相比)比对其他人员{direction} {gap:.2f} 分"
        "(95% 置信区间 {low:+.2f} 至 {high:+.2f};d = {d:.2f};p = {p:.4f};评分 {n_a} 条与 {n_b} 条)。值得关注。",
    ),
    "fair.lower": ("lower", "低"),
    "fair.higher": ("higher", "高"),
    "fair.groups": ("Every rater and group compared", "所有评价人与群体的比较"),
    "fair.raters": ("Raters' overall offsets (for calibration, not flagged)", "评价人总体偏差(用于校准,不作标记)"),
    "fair.col.rater": ("Rater", "评价人"),
    "fair.col.attribute": ("Attribute", "属性"),
    "fair.col.value": ("Group", "群体"),
    "fair.col.n": ("Ratings", "评分数"),
    "fair.col.subjects": ("People rated", "被评人数"),
    "fair.col.mean": ("Their mean", "其平均分"),
    "fair.col.others": ("Others' mean", "他人平均分"),
    "fair.col.offset": ("Offset", "偏差"),
    "fair.col.diff": ("Difference", "差异"),
    "fair.col.ci": ("95% CI", "95% 置信区间"),
    "fair.col.flag": ("Worth a look", "值得关注"),
    "fair.yes": ("yes", "是"),
}
