"""Users, roles and scope (issue 13): refusals, account problems, the ``users``
command and the ``--as`` option."""

STRINGS: dict[str, tuple[str, str]] = {
    # roles
    "access.role.admin": ("admin", "管理员"),
    "access.role.analyst": ("analyst", "分析员"),
    "access.role.manager": ("manager", "经理"),
    "access.role.employee": ("employee", "员工"),
    "access.role.viewer": ("viewer", "查看者"),
    # refusals
    "access.refused": ("Not permitted.", "无权执行此操作。"),
    "access.not_permitted": (
        "{unit}: not permitted (outside what this account may see)",
        "{unit}:无权查看(超出该账号的可见范围)",
    ),
    "access.sign_in.wrong": ("Wrong user name or password.", "用户名或密码错误。"),
    "access.sign_in.locked": (
        "Too many failed sign-ins: try again in {seconds} s.",
        "登录失败次数过多:请在 {seconds} 秒后重试。",
    ),
    "access.sign_in.disabled": ("This account is disabled.", "该账号已停用。"),
    "access.unknown_user": ("No user named {name}.", "没有名为 {name} 的用户。"),
    "access.disabled": ("User {name} is disabled.", "用户 {name} 已停用。"),
    # account problems
    "access.bad_account": ("The account cannot be saved as given.", "账号信息有误,无法保存。"),
    "access.bad_name": (
        "{name} is not a user name: up to 64 letters, digits and _ . @ -, starting with a letter or digit.",
        "{name} 不是有效的用户名:最多 64 个字母、数字及 _ . @ -,须以字母或数字开头。",
    ),
    "access.bad_display": (
        "The display name is longer than {limit} characters or holds control characters.",
        "显示名称超过 {limit} 个字符或含有控制字符。",
    ),
    "access.bad_role": ("Unknown role {role}: one of {roles}.", "未知角色 {role}:应为 {roles} 之一。"),
    "access.admin_no_unit": ("An admin sees everything: give no --unit.", "管理员可查看全部内容:请勿指定 --unit。"),
    "access.needs_unit": (
        "Role {role} needs --unit: a department or the company (not a person).",
        "角色 {role} 需要 --unit:一个部门或公司(不能是个人)。",
    ),
    "access.needs_person": (
        "Role {role} needs --unit: the unit id of the person themselves.",
        "角色 {role} 需要 --unit:该员工本人的单元编号。",
    ),
    "access.unknown_unit": ("No unit {unit} is stored.", "不存在单元 {unit}。"),
    "access.password_short": (
        "The password is too short: at least {minimum} characters.",
        "密码太短:至少 {minimum} 个字符。",
    ),
    "access.password_long": (
        "The password is too long: at most {maximum} characters.",
        "密码太长:最多 {maximum} 个字符。",
    ),
    "access.password_spaces": ("The password starts or ends with a space.", "密码的开头或结尾有空格。"),
    # the users command
    "access.cli.added": ("User {name} added: {role}.", "已添加用户 {name}:{role}。"),
    "access.cli.in_unit": (" of {unit}", ",范围 {unit}"),
    "access.cli.exists": (
        "A user named {name} already exists; nothing was changed.",
        "用户 {name} 已存在;未做任何更改。",
    ),
    "access.cli.disabled": (
        "User {name} disabled: they can no longer sign in.",
        "已停用用户 {name}:该用户无法再登录。",
    ),
    "access.cli.enabled": ("User {name} enabled.", "已启用用户 {name}。"),
    "access.cli.role_set": ("User {name} is now {role}.", "用户 {name} 现为 {role}。"),
    "access.cli.password_set": (
        "Password of {name} changed; failed sign-ins cleared.",
        "已更改 {name} 的密码,并清除失败登录记录。",
    ),
    "access.cli.last_admin": (
        "{name} is the last enabled admin: add or enable another admin first; nothing was changed.",
        "{name} 是最后一个启用的管理员:请先添加或启用另一名管理员;未做任何更改。",
    ),
    "access.cli.password_prompt": ("Password for {name}: ", "{name} 的密码:"),
    "access.cli.password_again": ("Password again: ", "再次输入密码:"),
    "access.cli.password_mismatch": (
        "The two passwords differ; nothing was changed.",
        "两次输入的密码不一致;未做任何更改。",
    ),
    "access.cli.no_password": (
        "No password: give --password-file FILE, or run at a terminal to be asked for one.",
        "缺少密码:请指定 --password-file FILE,或在终端中运行以输入密码。",
    ),
    "access.cli.password_file_empty": (
        "{file}: the first line is empty: no password.",
        "{file}:第一行为空,没有密码。",
    ),
    "access.cli.first_admin": ("First administrator {name} created.", "已创建首位管理员 {name}。"),
    "access.cli.first_admin_password": (
        "First administrator {name} created. Password (shown this once; note it, then change it with `users password {name}`): {password}",
        "已创建首位管理员 {name}。密码(仅显示这一次;请记下,然后用 `users password {name}` 更改):{password}",
    ),
    "access.cli.no_users": ("No users yet.", "尚无用户。"),
    "access.cli.users_exist": (
        "The database has users already: no first admin was created (add one with `users add NAME --role admin`).",
        "数据库中已有用户:未创建首位管理员(可用 `users add NAME --role admin` 添加)。",
    ),
    "access.cli.yes": ("yes", "是"),
    "access.cli.no": ("no", "否"),
    "access.col.name": ("name", "用户名"),
    "access.col.display": ("display name", "显示名称"),
    "access.col.role": ("role", "角色"),
    "access.col.unit_id": ("unit", "单元"),
    "access.col.email": ("email", "邮箱"),
    "access.col.approver": ("approver", "审批人"),
    "access.col.disabled": ("disabled", "已停用"),
    "access.col.created_at": ("created", "创建时间"),
    "access.col.failed_logins": ("failed sign-ins", "失败登录次数"),
    "access.col.has_password": ("local password", "本地密码"),
    # help texts
    "access.help.as": (
        "read as this user: only what their role and unit allow (exit 3 outside it); the default unit is theirs",
        "以该用户身份读取:只显示其角色和单元允许的内容(超出范围时退出码为 3);默认单元为其本人的单元",
    ),
    "access.help.admin": (
        "name of the first admin, created when the database has no users (default: admin)",
        "首位管理员的用户名,在数据库尚无用户时创建(默认:admin)",
    ),
    "access.help.password_file": (
        "read the password from the first line of this file",
        "从该文件的第一行读取密码",
    ),
    "access.help.users": ("manage local user accounts and their roles", "管理本地用户账号及其角色"),
    "access.help.users_add": (
        "add a user (password asked for, or --password-file)",
        "添加用户(输入密码,或用 --password-file)",
    ),
    "access.help.users_list": ("list the users (never their passwords)", "列出用户(不显示密码)"),
    "access.help.users_disable": ("disable a user: they can no longer sign in", "停用用户:该用户无法再登录"),
    "access.help.users_enable": ("enable a disabled user again", "重新启用已停用的用户"),
    "access.help.users_role": ("change a user's role and unit", "更改用户的角色和单元"),
    "access.help.users_password": (
        "set a user's password (and clear their failed sign-ins)",
        "设置用户的密码(并清除失败登录记录)",
    ),
    "access.help.name": ("user name (letters, digits, _ . @ -)", "用户名(字母、数字、_ . @ -)"),
    "access.help.role": ("role", "角色"),
    "access.help.unit": (
        "the user's unit: the root of what an analyst, manager or viewer sees; an employee's own person unit",
        "用户的单元:分析员、经理或查看者可见范围的根;员工本人的个人单元",
    ),
    "access.help.display": ("name shown on the pages", "页面上显示的名称"),
    "access.help.email": ("email (to match a company sign-in later)", "邮箱(用于之后匹配公司统一登录)"),
    "access.help.approver": ("may approve changes (target and indicator changes)", "可审批变更(目标与指标变更)"),
    # pages: signing in, the demo, meeting mode
    "access.page_not_permitted": (
        "Not permitted: this account may not see or do this.",
        "无权访问:该账号不能查看或执行此操作。",
    ),
    "access.page.sign_in_title": ("Sign in", "登录"),
    "access.page.no_accounts": (
        "No account exists yet. Create the first administrator on the server: "
        "`python -m kpi_core users add NAME --role admin`.",
        "尚无任何账号。请在服务器上创建第一个管理员:`python -m kpi_core users add 用户名 --role admin`。",
    ),
    "access.page.sign_in_company": ("Sign in with the company account", "使用公司账号登录"),
    "access.page.or_local": ("or with a local account:", "或使用本地账号:"),
    "access.page.name": ("User name", "用户名"),
    "access.page.password": ("Password", "密码"),
    "access.page.sign_in": ("Sign in", "登录"),
    "access.page.unknown_title": ("No access", "无访问权限"),
    "access.page.unknown": (
        "You are signed in as {email}, but the dashboard has no account for this address. "
        "Ask an administrator to add one (`users add NAME --role ROLE --email ADDRESS`).",
        "您已以 {email} 登录,但本系统没有对应该邮箱的账号。请联系管理员添加(`users add 用户名 --role 角色 --email 邮箱`)。",
    ),
    "access.page.disabled": (
        "You are signed in as {email}, but this account is disabled.",
        "您已以 {email} 登录,但该账号已停用。",
    ),
    "access.sign_out": ("Sign out", "退出登录"),
    "access.signed_in_as": ("Signed in as {who}", "当前登录:{who}"),
    "access.demo_no_accounts": (
        "This demo has no enabled account to view as.",
        "该演示库没有可用的演示账号。",
    ),
    "access.demo_view_as": ("View as (demo)", "以此身份查看(演示)"),
    "access.demo_view_as_help": (
        "The demo opens without a password. Pick an account to see what each role sees.",
        "演示无需密码。选择一个账号,查看不同角色能看到的内容。",
    ),
    "access.demo_badge": ("Demo", "演示"),
    "access.demo_banner": (
        "A made-up company, no password. Viewing as {who}; switch in the sidebar.",
        "虚构公司,无需密码。当前身份:{who};可在侧边栏切换。",
    ),
    "access.demo.hr_admin": ("HR admin (admin)", "HR 管理员(管理员)"),
    "access.demo.ceo": ("CEO (manager)", "总经理(经理)"),
    "access.demo.analyst": ("Analyst (uploads)", "分析员(上传数据)"),
    "access.demo.sales_director": ("Sales director (manager)", "销售总监(经理)"),
    "access.demo.sales_rep_1": ("Salesperson (employee)", "销售员(员工)"),
    "access.demo.board": ("Board member (viewer)", "董事会成员(查看者)"),
    "access.unmask": ("Show person names", "显示人员姓名"),
    "access.unmask_help": (
        "Meeting mode shows persons as numbers on a shared screen. Show their names for this session only.",
        "会议模式下,共享屏幕上的人员以编号显示。仅在本次会话中显示姓名。",
    ),
    "access.person_n": ("Person {n}", "人员 {n}"),
    "access.help.company_only": (
        "no local password: the account signs in only through the company sign-in (needs --email)",
        "不设本地密码:该账号只能通过公司统一登录(需要 --email)",
    ),
    "access.help.users_email": (
        "set the email a company sign-in matches (empty text: none)",
        "设置公司统一登录所匹配的邮箱(空文本:清除)",
    ),
    "access.help.users_demo_off": (
        "end demo mode: the database opens on the sign-in page from now on",
        "关闭演示模式:此后打开该数据库需要登录",
    ),
    "access.cli.company_needs_email": (
        "--company-sign-in-only needs --email: the company sign-in finds the account by its email.",
        "--company-sign-in-only 需要 --email:公司统一登录按邮箱查找账号。",
    ),
    "access.cli.bad_email": ("{email} is not an email address.", "{email} 不是有效的邮箱地址。"),
    "access.cli.email_set": ("User {name}: email {email}.", "用户 {name}:邮箱 {email}。"),
    "access.cli.not_demo": ("This database is not the demo: nothing to do.", "该数据库不是演示库:无需操作。"),
    "access.cli.demo_needs_admin": (
        "Demo mode stays on: first give an enabled admin a password or an email "
        "(`users add NAME --role admin`), or nobody could sign in.",
        "演示模式保持开启:请先为一个启用的管理员设置密码或邮箱(`users add 用户名 --role admin`),否则无人能够登录。",
    ),
    "access.cli.demo_off": (
        "Demo mode is off: the dashboard now opens on the sign-in page.",
        "演示模式已关闭:仪表盘现在需要登录。",
    ),
}
