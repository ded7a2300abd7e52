"""The fairness check over graded task assessments (issue 18, item 4): the
page's section and the CLI's ``fairness --source tasks``."""

STRINGS: dict[str, tuple[str, str]] = {
    "fairtasks.header_360": ("360° ratings", "360 度评分"),
    "fairtasks.header": ("Graded task assessments", "目标任务评定"),
    "fairtasks.intro": (
        "A goal-setting task is assessed by one person a month: the account that wrote the assessment (the "
        "manager on the assessment form, or whoever uploaded the file). With no other assessor of the same task "
        "to compare with, each assessor's own grades of one group of people are compared with their grades of "
        "the others they assess, on a 0-1 scale (excellent or met 1, good 0.8, pass 0.6, partly 0.5, fail or "
        "not met 0; tasks scored by events or OKRs are left out). These are raw grades: real differences in "
        "results between the groups are not taken out, so a difference may be deserved. The same thresholds "
        "apply (|d| ≥ 0.5, p < 0.01, at least 20 grades and 2 people in each group): worth a look, never a "
        "verdict.",
        "目标任务每月由一人评定:即写入该评定的账号(评定表单上的经理,或上传文件的人)。"
        "由于同一任务没有其他评定人可供比较,这里把每位评定人对某一群体的评定与其对所评其他人员的评定相比较,"
        "采用 0-1 分制(优秀或达成 1、良好 0.8、合格 0.6、部分达成 0.5、不合格或未达成 0;"
        "按事件计分或按 OKR 计分的任务不计入)。这些是原始评定:群体之间真实的业绩差异并未剔除,"
        "因此差异可能是应得的。门槛相同(|d| ≥ 0.5、p < 0.01、至少 20 条评定且每组至少 2 人):"
        "值得关注,绝非结论。",
    ),
    "fairtasks.none": ("No graded task assessments yet.", "尚无目标任务评定。"),
    "fairtasks.no_flags": (
        "Nothing stands out: no assessor's grades differ between groups by a large, clear effect.",
        "没有突出情况:没有评定人对不同群体的评定存在明显差异。",
    ),
    "fairtasks.no_groups": (
        "Nothing to compare: no assessor grades people of two groups of a recorded attribute "
        "(the units graded: {units}).",
        "无可比较的内容:没有评定人评定过同一已记录属性中两个群体的人员(被评定单元:{units})。",
    ),
    "fairtasks.flag": (
        "{rater}'s grades of the tasks of those with {attribute} = {value} are {gap:.2f} {direction} on the 0-1 "
        "scale than of the others they assess ({mean_a:.2f} against {mean_b:.2f}; 95% CI {low:+.2f} to "
        "{high:+.2f}; d = {d:.2f}; p = {p:.4f}; {n_a} and {n_b} grades). These are raw grades: the groups' real "
        "results may differ. Other assessors' difference between the same groups: {others}. Worth a look.",
        "{rater} 对 {attribute} = {value} 人员任务的评定比对其所评其他人员{direction} {gap:.2f}(0-1 分制;"
        "{mean_a:.2f} 对 {mean_b:.2f};95% 置信区间 {low:+.2f} 至 {high:+.2f};d = {d:.2f};p = {p:.4f};"
        "评定 {n_a} 条与 {n_b} 条)。这些是原始评定:群体之间的真实业绩可能不同。"
        "其他评定人对相同群体的差异:{others}。值得关注。",
    ),
    "fairtasks.others": ("{diff:+.2f} ({n} grades)", "{diff:+.2f}(评定 {n} 条)"),
    "fairtasks.others_none": ("none (no other assessor graded both groups)", "无(没有其他评定人评定过两个群体)"),
    "fairtasks.groups": ("Every assessor and group compared (raw grades)", "所有评定人与群体的比较(原始评定)"),
    "fairtasks.assessors": (
        "Assessors' mean grades (their own people: not comparable, not flagged)",
        "评定人平均评定(各自所评人员不同:不可相互比较,不作标记)",
    ),
    "fairtasks.col.assessor": ("Assessor", "评定人"),
    "fairtasks.col.n": ("Grades", "评定数"),
    "fairtasks.col.subjects": ("Graded", "被评定数"),
    "fairtasks.col.means": ("Mean A / B", "平均 A / B"),
    "fairtasks.col.mean": ("Mean grade", "平均评定"),
    "fairtasks.col.others": ("Other assessors' difference", "其他评定人的差异"),
    # the command line
    "fairtasks.help.source": (
        "which ratings: 360 answers (360, the default) or graded task assessments (tasks)",
        "检查哪类评分:360 度评估答卷(360,默认)或目标任务评定(tasks)",
    ),
    "fairtasks.cli.heading": (
        "Fairness check of graded task assessments: {ratings} grades, assessors: {raters}",
        "目标任务评定公平性检查:评定 {ratings} 条,评定人 {raters} 名",
    ),
    "fairtasks.cli.no_cycle": (
        "--cycle names a 360 cycle; task assessments have none: leave it out with --source tasks.",
        "--cycle 指定的是 360 度评估周期;目标任务评定没有周期:使用 --source tasks 时请去掉它。",
    ),
    "fairtasks.cli.note": (
        "One assessor per task and month: each assessor's raw grades (0-1) of one group are compared with their "
        "grades of the others. Real differences in results are not taken out. A flag needs at least 20 grades, "
        "2 people in each group, |d| >= 0.5 and p < 0.01: a prompt for a conversation, not a verdict.",
        "每个任务每月只有一名评定人:把每位评定人对某一群体的原始评定(0-1)与其对其他人员的评定比较。"
        "真实业绩差异并未剔除。标记需至少 20 条评定、每组至少 2 人、|d| >= 0.5 且 p < 0.01:"
        "这只是沟通的提示,不是结论。",
    ),
}
