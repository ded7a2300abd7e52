"""The command line: ``python -m kpi_core [--db PATH] [--lang en|zh] COMMAND``.

Commands: ``init [--demo] [--admin NAME]``, ``load KIND FILE [--dry-run]``, ``score``,
``units``, ``kpis``, ``alerts``, ``periods list|close|reopen``,
``users add|list|disable|enable|role|password|email|demo-off``,
``owners list|set|clear|settings|owed|overdue``, and (issue 18) ``okr``,
``points``, ``r360`` and ``fairness``. Exit code 0 on
success, 2 on bad input (each problem on stderr naming file, row, column and
reason; nothing is written), 1 when the database cannot be opened or refuses
the write (a closed month, a lost race), 3 when ``--as NAME`` names no enabled
user or asks for a unit outside that user's scope ("not permitted").

Without ``--as`` the command line is the local operator's tool and reads and
writes everything, as an admin: whoever can open the database file can read it.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from collections.abc import Callable, Sequence
from datetime import date, datetime
from pathlib import Path

import pandas as pd

from kpi_core import access, alerts, approvals, ingest, owners, scorecard, scores
from kpi_core import fairness_tables as tables
from kpi_core.i18n import LANGUAGES, error_text, reason, t
from kpi_core.model import FILE_SPECS, VIEWS
from kpi_core.org import Org
from kpi_core.store import ENV_VAR, Store, StoreError, StoreLockedError, copying, db_target
from kpi_core.store.approvals import STATUSES, UPLOAD_KINDS

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT, EXIT_NOT_PERMITTED = 0, 1, 2, 3
FORMATS = ("table", "json", "csv")


def build_parser(lang: str = "en") -> argparse.ArgumentParser:
    """The argument parser, its help texts in ``lang`` (``--lang zh --help`` is Chinese)."""

    def h(key: str, **params: object) -> str:
        return t("cli.help." + key, lang, **params)

    class Formatter(argparse.HelpFormatter):
        def add_usage(self, usage, actions, groups, prefix=None):  # noqa: ANN001 - argparse's signature
            super().add_usage(usage, actions, groups, prefix=h("usage") + " " if prefix is None else prefix)

    def translated(**kwargs: object) -> argparse.ArgumentParser:
        made = argparse.ArgumentParser(formatter_class=Formatter, add_help=False, **kwargs)
        made._positionals.title = h("positionals")
        made._optionals.title = h("options")
        made.add_argument("-h", "--help", action="help", help=h("help"))
        return made

    parser = translated(prog="python -m kpi_core", description=h("description"))
    parser.add_argument("--db", type=db_target, help=h("db", env=ENV_VAR))
    parser.add_argument("--lang", choices=LANGUAGES, default="en", help=h("lang"))
    sub = parser.add_subparsers(dest="command", required=True, title=h("commands"), parser_class=_Sub)
    _Sub.make = staticmethod(translated)
    init = sub.add_parser("init", help=h("init"), description=h("init"))
    init.add_argument("--demo", action="store_true", help=h("demo"))
    init.add_argument("--admin", metavar="NAME", help=t("access.help.admin", lang))
    init.add_argument("--password-file", type=Path, metavar="FILE", help=t("access.help.password_file", lang))
    load = sub.add_parser("load", help=h("load"), description=h("load"))
    load.add_argument("kind", choices=list(FILE_SPECS), help=h("kind"))
    load.add_argument("file", type=Path, help=h("file"))
    load.add_argument("--dry-run", action="store_true", help=h("dry_run"))
    load.add_argument("--by", default="", help=h("by"))
    load.add_argument("--reason", default="", help=t("approvals.help.load_reason", lang))
    score = sub.add_parser("score", help=h("score"), description=h("score"))
    score.add_argument("--unit", help=h("unit"))
    score.add_argument("--period", help=h("period_latest"))
    score.add_argument("--view", choices=VIEWS, default="month", help=h("view"))
    score.add_argument("--format", choices=FORMATS, default="table", help=h("format"))
    score.add_argument("--as-of", dest="as_of", metavar="YYYY-MM-DDTHH:MM", help=h("as_of"))
    score.add_argument("--as", dest="as_user", metavar="NAME", help=t("access.help.as", lang))
    alerts_cmd = sub.add_parser("alerts", help=h("alerts"), description=h("alerts"))
    alerts_cmd.add_argument("--period", required=True, help=h("period"))
    alerts_cmd.add_argument("--unit", help=h("unit_subtree"))
    alerts_cmd.add_argument("--format", choices=FORMATS, default="table", help=h("format"))
    alerts_cmd.add_argument("--as", dest="as_user", metavar="NAME", help=t("access.help.as", lang))
    for name in ("units", "kpis"):
        listing = sub.add_parser(name, help=h("list_" + name), description=h("list_" + name))
        listing.add_argument("--format", choices=FORMATS, default="table", help=h("format"))
        listing.add_argument("--as", dest="as_user", metavar="NAME", help=t("access.help.as", lang))
    _users_parser(sub, lang)
    _approvals_parser(sub, lang)
    _owners_parser(sub, lang)
    _bonus_parser(sub, lang)  # issue 17, items 1-3
    _outlook_parser(sub, lang)  # issue 16, item 5
    _export_parser(sub, lang)  # issue 16, item 6
    _suggest_parser(sub, lang)  # issue 17, item 4
    _beyond_parsers(sub, lang)  # issue 18: okr, points, r360, fairness
    periods = sub.add_parser("periods", help=h("periods"), description=h("periods"))
    actions = periods.add_subparsers(dest="action", required=True, title=h("commands"), parser_class=_Sub)
    listed = actions.add_parser("list", help=h("periods_list"), description=h("periods_list"))
    listed.add_argument("--format", choices=FORMATS, default="table", help=h("format"))
    close = actions.add_parser("close", help=h("periods_close"), description=h("periods_close"))
    close.add_argument("period", metavar="YYYY-MM", help=h("period"))
    close.add_argument("--by", help=h("closed_by"))
    close.add_argument("--as", dest="as_user", metavar="NAME", help=t("access.help.as", lang))
    close.add_argument("--note", help=h("close_note"))
    reopen = actions.add_parser("reopen", help=h("periods_reopen"), description=h("periods_reopen"))
    reopen.add_argument("period", metavar="YYYY-MM", help=h("period"))
    reopen.add_argument("--by", help=h("reopened_by"))
    reopen.add_argument("--as", dest="as_user", metavar="NAME", help=t("access.help.as", lang))
    reopen.add_argument("--reason", required=True, help=h("reopen_reason"))
    _add_move_commands(sub, h)
    return parser


def _users_parser(sub: argparse._SubParsersAction, lang: str) -> None:
    """``users add|list|disable|enable|role|password``."""

    def h(key: str) -> str:
        return t("access.help." + key, lang)

    users = sub.add_parser("users", help=h("users"), description=h("users"))
    actions = users.add_subparsers(
        dest="users_action", required=True, title=t("cli.help.commands", lang), parser_class=_Sub
    )
    add = actions.add_parser("add", help=h("users_add"), description=h("users_add"))
    add.add_argument("name", help=h("name"))
    add.add_argument("--role", required=True, choices=access.ROLES, help=h("role"))
    add.add_argument("--unit", help=h("unit"))
    add.add_argument("--display", metavar="NAME", help=h("display"))
    add.add_argument("--email", help=h("email"))
    add.add_argument("--approver", action="store_true", help=h("approver"))
    add.add_argument("--password-file", type=Path, metavar="FILE", help=h("password_file"))
    add.add_argument("--company-sign-in-only", action="store_true", help=h("company_only"))
    listed = actions.add_parser("list", help=h("users_list"), description=h("users_list"))
    listed.add_argument("--format", choices=FORMATS, default="table", help=t("cli.help.format", lang))
    for name in ("disable", "enable"):
        one = actions.add_parser(name, help=h("users_" + name), description=h("users_" + name))
        one.add_argument("name", help=h("name"))
    role = actions.add_parser("role", help=h("users_role"), description=h("users_role"))
    role.add_argument("name", help=h("name"))
    role.add_argument("role", choices=access.ROLES, help=h("role"))
    role.add_argument("--unit", help=h("unit"))
    role.add_argument("--approver", action=argparse.BooleanOptionalAction, default=None, help=h("approver"))
    password = actions.add_parser("password", help=h("users_password"), description=h("users_password"))
    password.add_argument("name", help=h("name"))
    password.add_argument("--password-file", type=Path, metavar="FILE", help=h("password_file"))
    email = actions.add_parser("email", help=h("users_email"), description=h("users_email"))
    email.add_argument("name", help=h("name"))
    email.add_argument("email", help=h("email"))
    demo = actions.add_parser("demo-off", help=h("users_demo_off"), description=h("users_demo_off"))
    demo.set_defaults(name=None)


class _Sub(argparse.ArgumentParser):
    """Sub-command parsers made with the same translated headings as the main one."""

    make = None

    def __new__(cls, **kwargs: object) -> argparse.ArgumentParser:
        return cls.make(**kwargs)


def _language(argv: Sequence[str]) -> str:
    """The ``--lang`` of a command line, read before the parser (whose help it translates)."""
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv) and argv[i + 1] in LANGUAGES:
            return argv[i + 1]
        if arg.startswith("--lang=") and arg.split("=", 1)[1] in LANGUAGES:
            return arg.split("=", 1)[1]
    return "en"


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = build_parser(_language(argv)).parse_args(argv)
    if args.command in OWN_STORES:  # they open their databases themselves
        return OWN_STORES[args.command](args)
    try:
        with Store(args.db) as store:
            _scores_current(store, args.lang)
            outcome = COMMANDS[args.command](store, args)
    except StoreError as exc:
        print(error_text(exc, args.lang), file=sys.stderr)
        return EXIT_FAILED
    except (access.NotPermitted, access.SignInRefused) as exc:
        # --as NAME: no such enabled user, or a unit outside their scope (its id only, no figure)
        print(error_text(exc, args.lang), file=sys.stderr)
        return EXIT_NOT_PERMITTED
    except access.AccountProblem as exc:
        print(error_text(exc, args.lang), file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:
        # the reader went away (``score | head -3``): not an error of ours. Point
        # stdout at devnull so the interpreter's final flush does not raise again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    # a command's slow work that needs no database (rendering a PDF) runs after
    # the file is closed, so the dashboard and other commands may write meanwhile
    return outcome() if callable(outcome) else outcome


def _scores_current(store: Store, lang: str) -> None:
    """Rebuild the stored scores when the file has none or an older engine made
    them, saying so on stderr (stdout stays the command's output)."""
    if not scores.needs_rebuild(store):
        return

    def report(done: float, year: str) -> None:
        print(t("cli.scores_rebuilding", lang, year=year, done=f"{done:.0%}"), file=sys.stderr)

    scores.ensure(store, report)


def cmd_init(store: Store, args: argparse.Namespace) -> int:
    print(t("cli.created", args.lang, path=store.path, version=store.schema_version()))
    _first_admin(store, args)
    if not args.demo:
        return EXIT_OK
    if not store.is_empty():
        print(t("cli.demo_exists", args.lang))
        return EXIT_OK
    reports = ingest.ensure_demo(store)
    for report in reports:
        if not _report(report, args.lang):
            return EXIT_BAD_INPUT
    print(t("cli.demo_loaded", args.lang))
    return EXIT_OK


def cmd_load(store: Store, args: argparse.Namespace) -> int:
    if not args.file.is_file():
        print(t("cli.no_file", args.lang, file=args.file), file=sys.stderr)
        return EXIT_BAD_INPUT
    if not args.dry_run and args.kind in UPLOAD_KINDS and store.locked_years():
        done = _load_locked(store, args)
        if done is not None:
            return done
    report = ingest.load_path(store, args.kind, args.file, dry_run=args.dry_run, uploaded_by=args.by)
    return EXIT_OK if _report(report, args.lang) else EXIT_BAD_INPUT


def _report(report: ingest.LoadReport, lang: str) -> bool:
    """Print a load's outcome; False when it was rejected."""
    v = report.validated
    for problem in v.problems:
        print(problem_line(problem, lang), file=sys.stderr)
    if not v.ok:
        key = "cli.rejected_one" if len(v.errors) == 1 else "cli.rejected"
        print(t(key, lang, file=v.file_name, count=len(v.errors)), file=sys.stderr)
        return False
    r = report.result
    print(
        t(
            "cli.loaded",
            lang,
            file=v.file_name,
            kind=v.kind,
            total=r.rows_total,
            added=r.rows_added,
            changed=r.rows_changed,
            unchanged=r.rows_unchanged,
        )
    )
    if report.dry_run:
        print(t("cli.dry_run", lang))
    return True


def problem_line(problem: ingest.Problem, lang: str) -> str:
    """One problem of a file as the CLI prints it, in ``lang``.

    >>> p = ingest.Problem("oct.csv", 4, "actual", "abc", "not a finite number")
    >>> problem_line(p, "en")
    "error: oct.csv: row 4, column actual ('abc'): not a finite number"
    >>> problem_line(p, "zh")
    "错误: oct.csv: 第 4 行, 列 actual ('abc'): 不是有效的数字"
    """
    if lang != "zh":
        return f"{problem.severity}: {problem}"
    where = t("cli.where_row", lang, row=problem.row) if problem.row is not None else t("cli.where_file", lang)
    column = t("cli.where_column", lang, column=problem.column) if problem.column else ""
    value = f" ({problem.value!r})" if problem.value else ""
    severity = t("cli.severity." + problem.severity, lang)
    return f"{severity}: {problem.file}: {where}{column}{value}: {reason(problem.reason, lang)}"


def cmd_score(store: Store, args: argparse.Namespace) -> int:
    lang = args.lang
    viewer = _viewer(store, args)  # the accounts are today's, whatever the moment read
    if args.as_of:
        try:
            moment = datetime.fromisoformat(args.as_of)
        except ValueError:
            print(t("cli.bad_moment", lang, value=args.as_of), file=sys.stderr)
            return EXIT_BAD_INPUT
        with store.as_of(moment) as then:
            return _score(then, args, viewer, as_of=args.as_of)
    return _score(store, args, viewer)


def _viewer(store: Store, args: argparse.Namespace) -> access.Viewer | None:
    """The account of ``--as NAME`` (None without it: the local operator, who
    reads everything); :class:`access.SignInRefused` when unknown or disabled."""
    name = getattr(args, "as_user", None)
    return access.acting_as(store, name) if name else None


def _unit_asked(org: Org, args: argparse.Namespace, scope: access.Scope | None) -> str | None:
    """The unit a read is about: ``--unit``, else the reader's own unit (the
    company without ``--as``). Outside the scope: :class:`access.NotPermitted`
    (checked first, so an id outside it is refused whether it exists or not);
    None when no such unit is stored, said on stderr in ``args.lang``."""
    unit = args.unit or (scope.root if scope is not None else None) or org.company_id
    if scope is not None and unit is not None:
        scope.check(unit)
    if unit is None or unit not in org:
        print(t("cli.unknown_unit", args.lang, unit=args.unit or "-"), file=sys.stderr)
        return None
    return unit


def _score(
    store: Store, args: argparse.Namespace, viewer: access.Viewer | None = None, as_of: str | None = None
) -> int:
    lang = args.lang
    org = Org.from_frame(store.units())
    scope = access.Scope.of(viewer, org) if viewer is not None else None
    unit = _unit_asked(org, args, scope)
    if unit is None:
        return EXIT_BAD_INPUT
    period = args.period or store.latest_scored_period()
    if period is None:
        print(t("cli.no_data", lang), file=sys.stderr)
        return EXIT_BAD_INPUT
    if not ingest.valid_period(period):
        print(t("cli.bad_period", lang, period=period), file=sys.stderr)
        return EXIT_BAD_INPUT
    card = scorecard.build(store, unit, period, args.view, org, scope=scope)
    if card.kpis.empty:
        print(t("cli.no_assignments", lang, unit=unit, year=period[:4]), file=sys.stderr)
        return EXIT_BAD_INPUT
    if args.format == "json":
        shape = card.as_dict() | ({"as_of": as_of} if as_of else {})
        print(json.dumps(shape, ensure_ascii=False, indent=2))
    elif args.format == "csv":
        print(_kpi_table(card, lang, raw=True).to_csv(index=False), end="")
    else:
        if as_of:
            print(t("cli.as_of", lang, moment=as_of))
        _print_card(card, org, lang)
    return EXIT_OK


def _kpi_table(card: scorecard.Scorecard, lang: str, raw: bool = False) -> pd.DataFrame:
    k = card.kpis
    if raw:
        return k[
            [
                "unit_id",
                "kpi_id",
                "perspective",
                "role",
                "weight",
                "target",
                "actual",
                "completion",
                "score",
                "points",
                "status",
            ]
        ].assign(period=card.period, view=card.view)
    return pd.DataFrame(
        {
            t("col.kpi", lang): k["name_zh"].where(k["name_zh"].notna() & (lang == "zh"), k["name"]),
            t("col.perspective", lang): k["perspective"].map(lambda p: t(f"perspective.{p}", lang)),
            t("col.weight", lang): k["weight"].map("{:g}".format),
            t("col.target", lang): k["target"].map(_fmt),
            t("col.actual", lang): k["actual"].map(_fmt),
            t("col.completion", lang): k["completion"].map(_pct),
            t("col.points", lang): k["points"].map(lambda v: _fmt(v, 2)),
            t("col.status", lang): k["status"].map(lambda s: t(f"status.{s}", lang)),
        }
    )


def _fmt(value: float, digits: int = 2) -> str:
    return "-" if pd.isna(value) else f"{value:,.{digits}f}"


def _pct(value: float) -> str:
    return "-" if pd.isna(value) else f"{value * 100:.1f}%"


def _print_card(card: scorecard.Scorecard, org: Org, lang: str) -> None:
    name = org.name(card.unit_id, lang)
    print(t("cli.scorecard_of", lang, unit=name, period=card.period, view=t(f"view.{card.view}", lang)))
    print(
        t(
            "cli.total_line",
            lang,
            total=_fmt(card.total),
            grade=t(f"grade.{card.grade}", lang),
            status=t(f"status.{card.status}", lang),
        )
    )
    if card.coverage < 1:
        print(t("cli.coverage_note", lang, share=_pct(card.coverage)))
    print(f"\n{t('cli.perspectives', lang)}")
    for p in card.perspectives.itertuples():
        label = t(f"perspective.{p.perspective}", lang)
        share = _pct(p.share) if not pd.isna(p.share) else "-"
        print(f"  {label:<20} {_fmt(p.score):>8}  {share:>7}  {t(f'status.{p.status}', lang)}")
    print(f"\n{t('cli.kpis', lang)}")
    print(_kpi_table(card, lang).to_string(index=False))
    if len(card.children):
        print(f"\n{t('cli.children', lang)}")
        for c in card.children.itertuples():
            print(
                f"  {c.unit_id:<14} {org.name(c.unit_id, lang):<24} {_fmt(c.total):>8}  {t(f'status.{c.status}', lang)}"
            )


def cmd_list(store: Store, args: argparse.Namespace) -> int:
    viewer = _viewer(store, args)
    frame = store.units() if args.command == "units" else store.kpis()
    if viewer is not None and args.command == "units":
        # the KPI dictionary is everybody's; the units listed are those the reader may see
        scope = access.Scope.of(viewer, Org.from_frame(frame))
        frame = frame[frame["unit_id"].map(scope.allows)].reset_index(drop=True)
    if args.format == "json":
        print(frame.to_json(orient="records", force_ascii=False, indent=2))
    elif args.format == "csv":
        print(frame.to_csv(index=False), end="")
    else:
        columns = (
            ["unit_id", "name", "name_zh", "kind", "parent_id"]
            if args.command == "units"
            else ["kpi_id", "name", "name_zh", "perspective", "direction", "unit", "accumulation"]
        )
        print(frame[columns].fillna("").to_string(index=False))
    return EXIT_OK


def cmd_alerts(store: Store, args: argparse.Namespace) -> int:
    lang = args.lang
    if not ingest.valid_period(args.period):
        print(t("cli.bad_period", lang, period=args.period), file=sys.stderr)
        return EXIT_BAD_INPUT
    org = Org.from_frame(store.units())
    viewer = _viewer(store, args)
    scope = access.Scope.of(viewer, org) if viewer is not None else None
    unit = _unit_asked(org, args, scope)
    if unit is None:
        return EXIT_BAD_INPUT
    found = alerts.evaluate(store, args.period, org.subtree(unit), scope=scope)
    rows = alerts.records(found, lang, alerts.Names.from_frames(store.units(), store.kpis()))
    if args.format == "json":
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    elif args.format == "csv":
        print(pd.DataFrame(rows, columns=list(alerts.RECORD_KEYS)).to_csv(index=False), end="")
    else:
        print(t("alert.cli.header", lang, unit=org.name(unit, lang), period=args.period, count=len(rows)))
        for r in rows:
            severity = t("alert.severity." + r["severity"], lang)
            print(f"  {severity:<9} {r['kind']:<8} {r['message']}")
        if not rows:
            print(t("alert.cli.none", lang))
    return EXIT_OK


def cmd_periods(store: Store, args: argparse.Namespace) -> int:
    """``periods list|close|reopen``: the closed months, closing one, reopening one (audited)."""
    lang = args.lang
    if args.action == "list":
        periods = store.closed_periods()
        return _list_stamped(
            periods, args.format, lang, stamp="closed_at", none="cli.periods.none", col="cli.periods.col."
        )
    if not ingest.valid_period(args.period):
        print(t("cli.bad_period", lang, period=args.period), file=sys.stderr)
        return EXIT_BAD_INPUT
    # --as NAME: an account, which must be an admin; else the local operator, named by --by
    viewer = access.acting_as(store, args.as_user) if args.as_user else None
    by = viewer.name if viewer is not None else (args.by or "").strip()
    if not by:
        print(t("cli.periods.who_needed", lang), file=sys.stderr)
        return EXIT_BAD_INPUT
    if args.action == "close":
        approvals.close_period(store, args.period, viewer=viewer, by=by, note=args.note)
        print(t("cli.periods.closed", lang, period=args.period, by=by))
        return EXIT_OK
    if not args.reason.strip():
        print(t("cli.periods.reason_needed", lang), file=sys.stderr)
        return EXIT_BAD_INPUT
    approvals.reopen_period(store, args.period, viewer=viewer, by=by, reason=args.reason)
    print(t("cli.periods.reopened", lang, period=args.period, by=by))
    return EXIT_OK


def _list_stamped(frame: pd.DataFrame, fmt: str, lang: str, *, stamp: str, none: str, col: str) -> int:
    """A list of closed months or locked years: its ``stamp`` column as
    minutes, then JSON, CSV or a table with translated headers (``col`` +
    column), or the ``none`` message for an empty list."""
    frame = frame.assign(**{stamp: frame[stamp].dt.strftime("%Y-%m-%d %H:%M")})
    if fmt == "json":
        rows = frame.astype(object).where(frame.notna(), None).to_dict("records")
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    elif fmt == "csv":
        print(frame.to_csv(index=False), end="")
    elif frame.empty:
        print(t(none, lang))
    else:
        headers = {c: t(col + c, lang) for c in frame.columns}
        print(frame.fillna("").rename(columns=headers).to_string(index=False))
    return EXIT_OK


# --------------------------------------------------------------------------- users


def _first_admin(store: Store, args: argparse.Namespace) -> None:
    """The first admin, when the database has no users: ``--admin NAME``
    (default ``admin``). The password is read from ``--password-file``; else,
    with ``--admin`` at a terminal, asked for twice; else generated and
    printed once (a script, or a plain ``init``)."""
    lang = args.lang
    if store.user_count():
        if args.admin or args.password_file:
            print(t("access.cli.users_exist", lang), file=sys.stderr)
        return
    name = args.admin or "admin"
    problem = access.account_problem(name=name)
    if problem is not None:
        raise problem
    generated = None
    if args.password_file:
        password = _password_from_file(args.password_file)
    elif args.admin and sys.stdin.isatty():
        password = _ask_password(name, lang)
    else:
        password = generated = access.generate_password()
    store.add_user(name, role="admin", display=name, password_hash=access.hash_password(password), by=_operator())
    if generated:
        print(t("access.cli.first_admin_password", lang, name=name, password=generated))
    else:
        print(t("access.cli.first_admin", lang, name=name))


def _operator() -> str:
    """Who changes accounts from the command line, for the change log."""
    try:
        return "cli:" + getpass.getuser()
    except (OSError, KeyError, ImportError):
        return "cli"


def _password_from_file(path: Path) -> str:
    if not path.is_file():
        raise access.AccountProblem(f"{path}: no such file", key="cli.no_file", file=path)
    lines = path.read_text(encoding="utf-8").splitlines()
    if not lines or not lines[0]:
        raise access.AccountProblem(f"{path}: no password", key="access.cli.password_file_empty", file=path)
    return lines[0]


def _ask_password(name: str, lang: str) -> str:
    if not sys.stdin.isatty():
        raise access.AccountProblem("no password", key="access.cli.no_password")
    first = getpass.getpass(t("access.cli.password_prompt", lang, name=name))
    problem = access.password_problem(first)
    if problem is not None:
        raise problem
    if getpass.getpass(t("access.cli.password_again", lang)) != first:
        raise access.AccountProblem("passwords differ", key="access.cli.password_mismatch")
    return first


def _new_password(args: argparse.Namespace, name: str) -> str:
    """The password of ``users add`` / ``users password``: ``--password-file``, or asked for."""
    if args.password_file:
        return _password_from_file(args.password_file)
    return _ask_password(name, args.lang)


def _existing(store: Store, name: str) -> dict:
    row = store.user(name)
    if row is None:
        raise access.AccountProblem(f"no user {name!r}", key="access.unknown_user", name=name)
    return row


def _role_text(role: str, unit: str | None, org: Org, lang: str) -> str:
    where = ""
    if unit:
        shown = f"{org.name(unit, lang)} ({unit})" if unit in org else unit
        where = t("access.cli.in_unit", lang, unit=shown)
    return t("access.role." + role, lang) + where


def cmd_users(store: Store, args: argparse.Namespace) -> int:
    """``users add|list|disable|enable|role|password``."""
    return USER_ACTIONS[args.users_action](store, args)


def _users_add(store: Store, args: argparse.Namespace) -> int:
    lang = args.lang
    org = Org.from_frame(store.units())
    problem = access.account_problem(args.name, args.role, args.unit or None, org, args.display)
    if problem is not None:
        raise problem
    if store.user(args.name) is not None:
        print(t("access.cli.exists", lang, name=args.name), file=sys.stderr)
        return EXIT_BAD_INPUT
    if args.company_sign_in_only:
        if not args.email:
            raise access.AccountProblem("no email", key="access.cli.company_needs_email")
        hashed = None
    else:
        hashed = access.hash_password(_new_password(args, args.name))
    added = store.add_user(
        args.name,
        role=args.role,
        unit_id=args.unit or None,
        display=args.display or None,
        email=args.email or None,
        password_hash=hashed,
        approver=args.approver,
        by=_operator(),
    )
    if not added:
        print(t("access.cli.exists", lang, name=args.name), file=sys.stderr)
        return EXIT_BAD_INPUT
    print(t("access.cli.added", lang, name=args.name, role=_role_text(args.role, args.unit, org, lang)))
    return EXIT_OK


def _users_list(store: Store, args: argparse.Namespace) -> int:
    lang = args.lang
    frame = store.users()
    for column in ("created_at", "last_failed_at"):
        frame[column] = frame[column].dt.strftime("%Y-%m-%d %H:%M:%S")
    if args.format == "json":
        rows = frame.astype(object).where(frame.notna(), None).to_dict("records")
        print(json.dumps(rows, ensure_ascii=False, indent=2, default=str))
        return EXIT_OK
    if args.format == "csv":
        print(frame.to_csv(index=False), end="")
        return EXIT_OK
    if frame.empty:
        print(t("access.cli.no_users", lang))
        return EXIT_OK
    yes, no = t("access.cli.yes", lang), t("access.cli.no", lang)
    shown = frame[
        ["name", "display", "role", "unit_id", "approver", "disabled", "has_password", "failed_logins", "created_at"]
    ].copy()
    shown["role"] = shown["role"].map(lambda r: t("access.role." + r, lang))
    for column in ("approver", "disabled", "has_password"):
        shown[column] = shown[column].map(lambda v: yes if v else no)
    headers = {c: t("access.col." + c, lang) for c in shown.columns}
    print(shown.fillna("").rename(columns=headers).to_string(index=False))
    return EXIT_OK


def _users_enable(store: Store, args: argparse.Namespace) -> int:
    lang = args.lang
    _existing(store, args.name)
    disable = args.users_action == "disable"
    if disable and access.leaves_no_admin(store, args.name, disabled=True):
        print(t("access.cli.last_admin", lang, name=args.name), file=sys.stderr)
        return EXIT_BAD_INPUT
    store.update_user(args.name, disabled=disable, by=_operator())
    print(t("access.cli.disabled" if disable else "access.cli.enabled", lang, name=args.name))
    return EXIT_OK


def _users_role(store: Store, args: argparse.Namespace) -> int:
    lang = args.lang
    org = Org.from_frame(store.units())
    _existing(store, args.name)
    problem = access.account_problem(role=args.role, unit_id=args.unit or None, org=org)
    if problem is not None:
        raise problem
    if access.leaves_no_admin(store, args.name, role=args.role):
        print(t("access.cli.last_admin", lang, name=args.name), file=sys.stderr)
        return EXIT_BAD_INPUT
    changes: dict[str, object] = {"role": args.role, "unit_id": args.unit or None}
    if args.approver is not None:
        changes["approver"] = args.approver
    store.update_user(args.name, by=_operator(), **changes)
    print(t("access.cli.role_set", lang, name=args.name, role=_role_text(args.role, args.unit, org, lang)))
    return EXIT_OK


def _users_password(store: Store, args: argparse.Namespace) -> int:
    _existing(store, args.name)
    hashed = access.hash_password(_new_password(args, args.name))
    store.set_user_password(args.name, hashed, by=_operator())
    print(t("access.cli.password_set", args.lang, name=args.name))
    return EXIT_OK


def _users_email(store: Store, args: argparse.Namespace) -> int:
    """The email a company sign-in matches (empty: none)."""
    _existing(store, args.name)
    address = args.email.strip()
    if address and ("@" not in address or len(address) > access.MAX_DISPLAY or access.has_control(address)):
        raise access.AccountProblem("bad email", key="access.cli.bad_email", email=address)
    store.update_user(args.name, email=address or None, by=_operator())
    print(t("access.cli.email_set", args.lang, name=args.name, email=address or "–"))
    return EXIT_OK


def _users_demo_off(store: Store, args: argparse.Namespace) -> int:
    """Turn the demo's open door off: from now on everyone signs in."""
    if not store.is_demo():
        print(t("access.cli.not_demo", args.lang))
        return EXIT_OK
    admins = store.users().query("role == 'admin' and not disabled")
    if not any(bool(r.has_password) or isinstance(r.email, str) and r.email for r in admins.itertuples()):
        print(t("access.cli.demo_needs_admin", args.lang), file=sys.stderr)
        return EXIT_BAD_INPUT
    store.set_demo(False, by=_operator())
    print(t("access.cli.demo_off", args.lang))
    return EXIT_OK


USER_ACTIONS = {
    "email": _users_email,
    "demo-off": _users_demo_off,
    "add": _users_add,
    "list": _users_list,
    "disable": _users_enable,
    "enable": _users_enable,
    "role": _users_role,
    "password": _users_password,
}


# --------------------------------------------------------------------------- owners (issue 13)


def _owners_parser(sub: argparse._SubParsersAction, lang: str) -> None:
    """``owners list|set|clear|settings|owed|overdue``."""

    def h(key: str, **params: object) -> str:
        return t("owners.help." + key, lang, **params)

    def with_as(parser: argparse.ArgumentParser, required: bool = False) -> None:
        parser.add_argument("--as", dest="as_user", metavar="NAME", required=required, help=t("access.help.as", lang))

    def with_format(parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--format", choices=FORMATS, default="table", help=t("cli.help.format", lang))

    def with_today(parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--today", metavar="YYYY-MM-DD", help=h("today"))

    group = sub.add_parser("owners", help=h("owners"), description=h("owners"))
    actions = group.add_subparsers(
        dest="owners_action", required=True, title=t("cli.help.commands", lang), parser_class=_Sub
    )
    listed = actions.add_parser("list", help=h("list"), description=h("list"))
    listed.add_argument("--unit", help=h("unit"))
    listed.add_argument("--year", type=int, help=h("year"))
    with_format(listed)
    with_as(listed)
    set_ = actions.add_parser("set", help=h("set"), description=h("set"))
    set_.add_argument("unit", metavar="UNIT", help=h("unit_id"))
    set_.add_argument("kpi", metavar="KPI", help=h("kpi_id"))
    set_.add_argument("user", metavar="USER", help=h("user"))
    with_as(set_)
    clear = actions.add_parser("clear", help=h("clear"), description=h("clear"))
    clear.add_argument("unit", metavar="UNIT", help=h("unit_id"))
    clear.add_argument("kpi", metavar="KPI", help=h("kpi_id"))
    with_as(clear)
    config = actions.add_parser("settings", help=h("settings"), description=h("settings"))
    config.add_argument("--due-day", type=int, metavar="N", help=h("due_day", most=owners.MAX_DUE_DAY))
    config.add_argument("--approval", choices=("on", "off"), help=h("approval"))
    with_as(config)
    owed = actions.add_parser("owed", help=h("owed"), description=h("owed"))
    with_as(owed, required=True)
    with_today(owed)
    with_format(owed)
    late = actions.add_parser("overdue", help=h("overdue"), description=h("overdue"))
    late.add_argument("--unit", help=h("unit"))
    with_as(late)
    with_today(late)
    with_format(late)


def cmd_owners(store: Store, args: argparse.Namespace) -> int:
    """``owners ...``: who owns which KPI, the due day, what is owed and overdue.
    A request that cannot be done as asked exits 2; one not permitted, 3."""
    try:
        return OWNER_ACTIONS[args.owners_action](store, args)
    except owners.OwnerProblem as exc:
        print(error_text(exc, args.lang), file=sys.stderr)
        return EXIT_BAD_INPUT


def _owners_today(args: argparse.Namespace) -> date | None:
    text = getattr(args, "today", None)
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise owners.OwnerProblem("bad date", key="owners.bad_today", value=text) from None


def _owners_list(store: Store, args: argparse.Namespace) -> int:
    lang = args.lang
    org = Org.from_frame(store.units())
    viewer = _viewer(store, args)
    scope = access.Scope.of(viewer, org) if viewer is not None else None
    unit = _unit_asked(org, args, scope)
    if unit is None:
        return EXIT_BAD_INPUT
    units = org.subtree(unit)
    if scope is not None:
        units = [u for u in units if scope.allows(u)]
    year = args.year or int(owners.reporting_month(date.today())[:4])
    frame = owners.owners_table(store, year, units)
    frame = frame.assign(
        owner=frame["owner"].fillna(""),
        owner_display=frame["owner_display"].fillna(""),
        source=frame["source"].fillna("none"),
    )
    if args.format == "json":
        print(frame.to_json(orient="records", force_ascii=False, indent=2))
    elif args.format == "csv":
        print(frame.to_csv(index=False), end="")
    elif frame.empty:
        print(t("owners.cli.no_kpis", lang, year=year))
    else:
        kpi_names = _owners_kpi_names(store, lang)
        shown = pd.DataFrame(
            {
                t("owners.col.unit", lang): [f"{org.name(u, lang)} ({u})" for u in frame["unit_id"]],
                t("owners.col.kpi", lang): [kpi_names.get(k, k) for k in frame["kpi_id"]],
                t("owners.col.owner", lang): [
                    f"{d} ({n})" if n and d != n else n
                    for n, d in zip(frame["owner"], frame["owner_display"], strict=True)
                ],
                t("owners.col.source", lang): [t("owners.source." + s, lang) for s in frame["source"]],
            }
        )
        print(t("owners.cli.list_header", lang, unit=org.name(unit, lang), year=year))
        print(shown.to_string(index=False))
    return EXIT_OK


def _owners_kpi_names(store: Store, lang: str) -> dict[str, str]:
    kpis = store.kpis()
    names = kpis["name_zh"].where(kpis["name_zh"].notna() & (lang == "zh"), kpis["name"])
    return dict(zip(kpis["kpi_id"], names, strict=True))


def _owners_set(store: Store, args: argparse.Namespace) -> int:
    lang = args.lang
    viewer = _viewer(store, args)
    user = args.user if args.owners_action == "set" else None
    changed = owners.set_owner(
        store, viewer, args.unit, args.kpi, user, by=viewer.name if viewer is not None else _operator()
    )
    if not changed:
        print(t("owners.cli.unchanged", lang, unit=args.unit, kpi=args.kpi))
    elif user is not None:
        print(t("owners.cli.set", lang, unit=args.unit, kpi=args.kpi, owner=user))
    else:
        now = owners.owner_of(store, args.unit, args.kpi, int(owners.reporting_month(date.today())[:4]))
        print(t("owners.cli.cleared", lang, unit=args.unit, kpi=args.kpi, owner=now or "-"))
    return EXIT_OK


def _owners_settings(store: Store, args: argparse.Namespace) -> int:
    lang = args.lang
    viewer = _viewer(store, args)
    current = owners.settings(store)
    if args.due_day is not None or args.approval is not None:
        new = owners.OwnerSettings(
            due_working_day=current.due_working_day if args.due_day is None else args.due_day,
            approval=current.approval if args.approval is None else args.approval == "on",
        )
        owners.save_settings(store, viewer, new, by=viewer.name if viewer is not None else _operator())
        current = owners.settings(store)
    example = owners.due_date(owners.reporting_month(date.today()), current.due_working_day)
    print(
        t(
            "owners.cli.settings",
            lang,
            day=current.due_working_day,
            approval=t("owners.approval_on" if current.approval else "owners.approval_off", lang),
            period=owners.reporting_month(date.today()),
            due=example.isoformat(),
        )
    )
    return EXIT_OK


def _owed_frame(store: Store, frame: pd.DataFrame, lang: str, *, with_owner: bool) -> pd.DataFrame:
    org = Org.from_frame(store.units())
    kpi_names = _owners_kpi_names(store, lang)
    out = {}
    if with_owner:
        out[t("owners.col.owner", lang)] = frame["owner_display"]
    out[t("owners.col.unit", lang)] = [org.name(u, lang) if u in org else u for u in frame["unit_id"]]
    out[t("owners.col.kpi", lang)] = [kpi_names.get(k, k) for k in frame["kpi_id"]]
    out[t("owners.col.period", lang)] = frame["period"]
    out[t("owners.col.due", lang)] = [d.isoformat() for d in frame["due"]]
    out[t("owners.col.state", lang)] = [
        t("owners.state.pending" if p else ("owners.state.overdue" if o else "owners.state.due"), lang)
        for p, o in zip(frame["pending"], frame["overdue"], strict=True)
    ]
    return pd.DataFrame(out)


def _print_owed(frame: pd.DataFrame, shown: pd.DataFrame, fmt: str, empty: str) -> None:
    if fmt == "json":
        rows = frame.assign(due=[d.isoformat() for d in frame["due"]]).astype(object)
        print(json.dumps(rows.where(rows.notna(), None).to_dict("records"), ensure_ascii=False, indent=2))
    elif fmt == "csv":
        print(frame.assign(due=[d.isoformat() for d in frame["due"]]).to_csv(index=False), end="")
    elif frame.empty:
        print(empty)
    else:
        print(shown.to_string(index=False))


def _owners_owed(store: Store, args: argparse.Namespace) -> int:
    lang = args.lang
    viewer = _viewer(store, args)
    frame = owners.my_items(store, viewer, _owners_today(args))
    shown = _owed_frame(store, frame, lang, with_owner=False)
    _print_owed(frame, shown, args.format, t("owners.cli.nothing_owed", lang, name=viewer.name))
    return EXIT_OK


def _owners_overdue(store: Store, args: argparse.Namespace) -> int:
    lang = args.lang
    org = Org.from_frame(store.units())
    viewer = _viewer(store, args)
    scope = access.Scope.of(viewer, org) if viewer is not None else None
    frame = owners.overdue(store, viewer, _owners_today(args), org=org)
    if args.unit:
        unit = _unit_asked(org, args, scope)
        if unit is None:
            return EXIT_BAD_INPUT
        frame = frame[frame["unit_id"].isin(org.subtree(unit))].reset_index(drop=True)
    shown = _owed_frame(store, frame, lang, with_owner=True)
    _print_owed(frame, shown, args.format, t("owners.cli.none_overdue", lang))
    return EXIT_OK


OWNER_ACTIONS = {
    "list": _owners_list,
    "set": _owners_set,
    "clear": _owners_set,
    "settings": _owners_settings,
    "owed": _owners_owed,
    "overdue": _owners_overdue,
}


# --------------------------------------------------------------------------- approvals (issue 13)


def _approvals_parser(sub: argparse._SubParsersAction, lang: str) -> None:
    """``baseline lock|unlock|list`` and ``requests list|approve|reject``."""

    def h(key: str) -> str:
        return t("approvals.help." + key, lang)

    commands = t("cli.help.commands", lang)
    baseline = sub.add_parser("baseline", help=h("baseline"), description=h("baseline"))
    actions = baseline.add_subparsers(dest="baseline_action", required=True, title=commands, parser_class=_Sub)
    for name in ("lock", "unlock"):
        one = actions.add_parser(name, help=h("baseline_" + name), description=h("baseline_" + name))
        one.add_argument("year", type=int, help=h("year"))
        one.add_argument("--as", dest="as_user", metavar="NAME", help=h("as"))
        one.add_argument("--note", help=h("note"))
    listed = actions.add_parser("list", help=h("baseline_list"), description=h("baseline_list"))
    listed.add_argument("--format", choices=FORMATS, default="table", help=t("cli.help.format", lang))
    requests = sub.add_parser("requests", help=h("requests"), description=h("requests"))
    actions = requests.add_subparsers(dest="requests_action", required=True, title=commands, parser_class=_Sub)
    listed = actions.add_parser("list", help=h("requests_list"), description=h("requests_list"))
    listed.add_argument("--status", choices=STATUSES, help=h("status"))
    listed.add_argument("--format", choices=FORMATS, default="table", help=t("cli.help.format", lang))
    listed.add_argument("--as", dest="as_user", metavar="NAME", help=t("access.help.as", lang))
    for name in ("approve", "reject"):
        one = actions.add_parser(name, help=h("requests_" + name), description=h("requests_" + name))
        one.add_argument("request_id", type=int, metavar="ID", help=h("request_id"))
        one.add_argument("--as", dest="as_user", metavar="NAME", required=True, help=h("as"))
        one.add_argument("--note", required=name == "reject", help=h("decision_note"))


def _load_locked(store: Store, args: argparse.Namespace) -> int | None:
    """``load`` of a file that changes a locked year's baseline: kept as a
    request (``--reason`` and ``--by`` required); None when the file does not
    (it is then loaded as usual)."""
    lang = args.lang
    validated = ingest.read(args.kind, args.file.read_bytes(), args.file.name, store)
    locked = approvals.upload_lock(store, validated) if validated.ok else None
    if locked is None:
        return None
    year = int(locked["year"])
    if not args.reason.strip() or not args.by.strip():
        print(t("approvals.cli.reason_needed", lang, file=args.file.name, year=year), file=sys.stderr)
        return EXIT_BAD_INPUT
    done = approvals.upload(store, validated, by=args.by.strip(), reason=args.reason)
    print(t("approvals.cli.requested", lang, file=args.file.name, year=year, request=done.request_id))
    return EXIT_OK


def cmd_baseline(store: Store, args: argparse.Namespace) -> int:
    """``baseline lock|unlock YEAR [--as NAME] [--note]``, ``baseline list``."""
    lang = args.lang
    if args.baseline_action == "list":
        locks = store.baseline_locks()
        return _list_stamped(
            locks, args.format, lang, stamp="locked_at", none="approvals.cli.no_locks", col="approvals.cli.col."
        )
    viewer = _viewer(store, args)
    by = viewer.name if viewer is not None else _operator()
    if args.baseline_action == "lock":
        approvals.lock(store, args.year, viewer=viewer, by=by, note=args.note)
        print(t("approvals.cli.locked", lang, year=args.year, by=by))
    else:
        approvals.unlock(store, args.year, viewer=viewer, by=by, note=args.note)
        print(t("approvals.cli.unlocked", lang, year=args.year, by=by))
    return EXIT_OK


def cmd_requests(store: Store, args: argparse.Namespace) -> int:
    """``requests list [--status S] [--as NAME]``, ``requests approve|reject ID --as NAME``."""
    lang = args.lang
    viewer = _viewer(store, args)
    org = Org.from_frame(store.units())
    scope = access.Scope.of(viewer, org) if viewer is not None else None
    if args.requests_action == "list":
        return _list_requests(store, args, org, scope)
    approve = args.requests_action == "approve"
    decided = approvals.decide(store, args.request_id, approve=approve, viewer=viewer, note=args.note, scope=scope)
    if not approve:
        print(t("approvals.cli.rejected", lang, request=args.request_id, by=viewer.name))
    elif decided["batch_id"] is not None and not pd.isna(decided["batch_id"]):
        batch = int(decided["batch_id"])
        print(t("approvals.cli.approved_batch", lang, request=args.request_id, by=viewer.name, batch=batch))
    else:
        print(t("approvals.cli.approved", lang, request=args.request_id, by=viewer.name))
    return EXIT_OK


def _list_requests(store: Store, args: argparse.Namespace, org: Org, scope: access.Scope | None) -> int:
    lang = args.lang
    requests = [r for r in store.change_requests(args.status).to_dict("records") if approvals.visible(r, scope)]
    units = org.names(lang).to_dict()
    kpis = store.kpis()
    shown = kpis["name_zh"].where(kpis["name_zh"].notna() & (lang == "zh"), kpis["name"])
    names = dict(zip(kpis["kpi_id"], shown, strict=True))
    rows = [_request_record(r, lang, units, names) for r in requests]
    if args.format == "json":
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    elif args.format == "csv":
        print(pd.DataFrame(rows, columns=list(_REQUEST_RECORD)).to_csv(index=False), end="")
    elif not rows:
        print(t("approvals.cli.no_requests", lang))
    else:
        for r in rows:
            print(
                f"#{r['request_id']} [{r['status']}] {r['year']} {r['unit']} · {r['kind']} · "
                f"{r['requested_by']} {r['requested_at']}: {r['reason']}"
            )
            print(f"    {r['what']}")
            if r["decided_by"]:
                print(f"    → {r['decided_by']} {r['decided_at']}" + (f": {r['note']}" if r["note"] else ""))
    return EXIT_OK


_REQUEST_RECORD = (
    "request_id",
    "year",
    "unit",
    "kind",
    "what",
    "requested_by",
    "requested_at",
    "reason",
    "status",
    "decided_by",
    "decided_at",
    "note",
)


def _request_record(r: dict, lang: str, units: dict, names: dict) -> dict:
    unit = r["unit_id"] if isinstance(r["unit_id"], str) else None
    decided = r["decided_at"]
    return {
        "request_id": int(r["request_id"]),
        "year": int(r["year"]),
        "unit": units.get(unit, unit) if unit else "",
        "kind": t("approvals.kind." + r["kind"], lang),
        "what": approvals.summary(r, lang, units, names),
        "requested_by": r["requested_by"],
        "requested_at": f"{r['requested_at']:%Y-%m-%d %H:%M}",
        "reason": r["reason"],
        "status": t("approvals.status." + r["status"], lang),
        "decided_by": r["decided_by"] if isinstance(r["decided_by"], str) else "",
        "decided_at": "" if decided is None or pd.isna(decided) else f"{decided:%Y-%m-%d %H:%M}",
        "note": r["decision_note"] if isinstance(r["decision_note"], str) else "",
    }


# --------------------------------------------------------------------------- copy, backup (issue 15)


def _add_move_commands(sub, h) -> None:  # noqa: ANN001 - argparse's objects
    copy = sub.add_parser("copy", help=h("copy"), description=h("copy"))
    copy.add_argument("--from", dest="source", required=True, metavar="SOURCE", help=h("copy_from"))
    copy.add_argument("--to", dest="target", required=True, metavar="TARGET", help=h("copy_to"))
    backup = sub.add_parser("backup", help=h("backup"), description=h("backup"))
    backup.add_argument("file", type=Path, help=h("backup_file"))


def cmd_copy(args: argparse.Namespace) -> int:
    """Copy a whole database into an empty one (DuckDB <-> PostgreSQL)."""
    lang = args.lang
    try:
        with Store(db_target(args.source), read_only=True) as source, Store(db_target(args.target)) as target:
            counts = copying.copy_database(source, target)
            for table, rows in counts.items():
                print(t("pgstore.copied_table", lang, table=table, rows=rows))
            print(
                t(
                    "pgstore.copied",
                    lang,
                    tables=len(counts),
                    rows=sum(counts.values()),
                    source=source.label,
                    target=target.label,
                )
            )
    except StoreError as exc:
        print(error_text(exc, lang), file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK


def cmd_backup(args: argparse.Namespace) -> int:
    """A consistent copy of the DuckDB database (--db) at a new file."""
    lang = args.lang
    target = db_target(args.db)
    try:
        with Store(target, read_only=True) as store:
            copying.backup_duckdb(store, args.file)
            counts = {
                table: store.cursor().execute("SELECT count(*) FROM " + table).fetchone()[0]
                for table in copying.tables(store)
            }
            print(
                t(
                    "pgstore.backed_up",
                    lang,
                    source=store.label,
                    file=args.file,
                    tables=len(counts),
                    rows=sum(counts.values()),
                )
            )
    except StoreLockedError:
        print(t("pgstore.backup_locked", lang, file=Path(str(target)).name), file=sys.stderr)
        return EXIT_FAILED
    except StoreError as exc:
        print(error_text(exc, lang), file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK


#: commands that open their databases themselves (not the one --db names)
OWN_STORES = {"copy": cmd_copy, "backup": cmd_backup}


# --------------------------------------------------------------------------- outlook (issue 16, item 5)


def _outlook_parser(sub: argparse._SubParsersAction, lang: str) -> None:
    """``outlook --unit ID --period YYYY-MM [--kpi ID] [--format ...] [--as NAME]``."""

    def h(key: str) -> str:
        return t("cli.help." + key, lang)

    about = t("outlook.help.command", lang)
    cmd = sub.add_parser("outlook", help=about, description=about)
    cmd.add_argument("--unit", help=h("unit"))
    cmd.add_argument("--period", help=h("period_latest"))
    cmd.add_argument("--kpi", metavar="ID", help=t("outlook.help.kpi", lang))
    cmd.add_argument("--format", choices=FORMATS, default="table", help=h("format"))
    cmd.add_argument("--as", dest="as_user", metavar="NAME", help=t("access.help.as", lang))
    # also after the command (``outlook ... --lang zh``); without it the global --lang stands
    cmd.add_argument("--lang", choices=LANGUAGES, default=argparse.SUPPRESS, help=t("cli.help.lang", lang))


def cmd_outlook(store: Store, args: argparse.Namespace) -> int:
    """Each KPI beside the previous period, the same month last year and last
    year's YTD, with the year-end forecasts (:mod:`kpi_core.outlook`)."""
    from kpi_core import outlook

    lang = args.lang
    viewer = _viewer(store, args)
    org = Org.from_frame(store.units())
    scope = access.Scope.of(viewer, org) if viewer is not None else None
    unit = _unit_asked(org, args, scope)
    if unit is None:
        return EXIT_BAD_INPUT
    period = args.period or store.latest_scored_period()
    if period is None:
        print(t("cli.no_data", lang), file=sys.stderr)
        return EXIT_BAD_INPUT
    if not ingest.valid_period(period):
        print(t("cli.bad_period", lang, period=period), file=sys.stderr)
        return EXIT_BAD_INPUT
    rows = outlook.for_unit(store, org, unit, period, scope, kpi_id=args.kpi)
    if not rows:
        key, params = ("outlook.cli.no_kpi", {"kpi": args.kpi}) if args.kpi else ("cli.no_assignments", {})
        print(t(key, lang, unit=unit, year=period[:4], **params), file=sys.stderr)
        return EXIT_BAD_INPUT
    if args.format == "json":
        shape = {"unit_id": unit, "period": period, "note": t("outlook.cli.forecast_note", lang)}
        print(json.dumps(shape | {"kpis": [c.record(lang) for c in rows]}, ensure_ascii=False, indent=2))
    elif args.format == "csv":
        print(outlook.frame(rows, lang).to_csv(index=False), end="")
    else:
        print(t("outlook.cli.heading", lang, unit=org.name(unit, lang), period=period))
        print(_outlook_table(rows, lang).to_string(index=False))
        print("\n" + t("outlook.table_hint", lang))
        print(t("outlook.cli.forecast_note", lang))
        for line in _outlook_notes(rows, lang):
            print(line)
    return EXIT_OK


def _outlook_table(rows: list, lang: str) -> pd.DataFrame:
    def pct(change) -> str:  # noqa: ANN001 - an outlook.Change
        if change.pct is None:
            return "-"
        mark = {True: " ▲", False: " ▼"}.get(change.better, "")
        return f"{change.pct * 100:+.1f}%{mark}"

    def num(value: float | None) -> str:
        return "-" if value is None else f"{value:,.2f}"

    def star(value: float | None) -> str:
        return "-" if value is None else f"{value:,.2f}*"

    columns = {
        t("col.kpi", lang): [c.name_in(lang) for c in rows],
        t("outlook.col.value", lang): [num(c.value) for c in rows],
        t("outlook.col.previous_pct", lang): [pct(c.previous) for c in rows],
        t("outlook.col.last_year_pct", lang): [pct(c.last_year) for c in rows],
        t("outlook.col.ytd", lang): [num(c.ytd) for c in rows],
        t("outlook.col.ytd_last_year", lang): [num(c.ytd_last_year.base) for c in rows],
        t("outlook.col.ytd_pct", lang): [pct(c.ytd_last_year) for c in rows],
        t("outlook.col.run_rate", lang): [star(c.run_rate.value) for c in rows],
        t("outlook.col.seasonal", lang): [star(c.seasonal.value) for c in rows],
        t("outlook.col.annual_target", lang): [num(c.annual_target) for c in rows],
        t("outlook.col.projected", lang): [
            _pct(c.run_rate.completion) + "*" if c.run_rate.completion is not None else "-" for c in rows
        ],
    }
    return pd.DataFrame(columns)


def _outlook_notes(rows: list, lang: str) -> list[str]:
    """Why comparisons are missing: each reason once, with the KPIs it applies to."""
    from kpi_core import outlook

    found: dict[str, list[str]] = {}
    for c in rows:
        for key in (c.last_year.reason, c.ytd_last_year.reason, c.seasonal.reason):
            if key and key != outlook.NOT_SUM:
                names = found.setdefault(outlook.reason_text(c, key, lang), [])
                if c.name_in(lang) not in names:
                    names.append(c.name_in(lang))
    return [f"- {text} ({', '.join(names)})" for text, names in found.items()]


# --------------------------------------------------------------------------- bonus (issue 17, items 1-3)


def _bonus_parser(sub: argparse._SubParsersAction, lang: str) -> None:
    """``bonus --period YYYY-MM|YYYYQn [--unit ID] [--format ...] [--as NAME]``."""
    about = t("pay.help.bonus", lang)
    cmd = sub.add_parser("bonus", help=about, description=about)
    cmd.add_argument("--period", required=True, metavar="YYYY-MM|YYYYQn", help=t("pay.help.period", lang))
    cmd.add_argument("--unit", help=t("pay.help.unit", lang))
    cmd.add_argument("--format", choices=FORMATS, default="table", help=t("cli.help.format", lang))
    cmd.add_argument("--as", dest="as_user", metavar="NAME", help=t("access.help.as", lang))


def cmd_bonus(store: Store, args: argparse.Namespace) -> int:
    """Each person's bonus for a month or quarter (:mod:`kpi_core.pay`). Pay
    is an admin's: ``--as`` a non-admin exits 3 before anything is read;
    without ``--as`` the local operator reads it, as every other command."""
    from kpi_core import pay

    lang = args.lang
    viewer = _viewer(store, args)
    pay.check_may_see_pay(viewer)
    try:
        period = pay.parse_period(args.period)
    except ValueError:
        print(t("pay.cli.bad_period", lang, period=args.period), file=sys.stderr)
        return EXIT_BAD_INPUT
    org = Org.from_frame(store.units())
    unit = args.unit or org.company_id
    if unit is None or unit not in org:
        print(t("cli.unknown_unit", lang, unit=args.unit or "-"), file=sys.stderr)
        return EXIT_BAD_INPUT
    table = pay.bonuses(store, viewer, period, unit, org)
    if args.format == "json":
        rows = [b.record(lang, org.name(b.unit_id, lang)) for b in table.rows]
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    elif args.format == "csv":
        print(table.frame(org, lang).to_csv(index=False), end="")
    else:
        print(t("pay.cli.header", lang, unit=org.name(unit, lang), period=period.text, count=len(table.rows)))
        print(_bonus_table(table, org, lang).to_string(index=False))
        held = len(table.held)
        print("\n" + t("pay.cli.totals", lang, budget=_fmt(table.budget), paid=_fmt(table.paid), held=held))
    return EXIT_OK


def _bonus_table(table, org: Org, lang: str) -> pd.DataFrame:  # noqa: ANN001 - a kpi_core.pay.BonusTable
    def scheme(b) -> str:  # noqa: ANN001
        return t(f"pay.scheme.{b.scheme}", lang) if b.scheme else "-"

    return pd.DataFrame(
        {
            t("pay.col.unit_id", lang): [b.unit_id for b in table.rows],
            t("pay.col.person", lang): [org.name(b.unit_id, lang) for b in table.rows],
            t("pay.col.scheme", lang): [scheme(b) for b in table.rows],
            t("pay.col.base", lang): [_fmt(b.base) if b.base is not None else "-" for b in table.rows],
            t("pay.col.achievement", lang): [
                _pct(b.achievement) if b.achievement is not None else "-" for b in table.rows
            ],
            t("pay.col.bonus", lang): [_fmt(b.bonus) if b.bonus is not None else "-" for b in table.rows],
            t("pay.col.reason", lang): [
                " ".join(x for x in (b.reason_text(lang), b.working(lang)) if x) for b in table.rows
            ],
        }
    )


# --------------------------------------------------------------------------- export (issue 16, item 6)


def _export_parser(sub: argparse._SubParsersAction, lang: str) -> None:
    """``export --unit ID --period YYYY-MM --format pdf|pptx|xlsx --out FILE [--lang] [--mask-persons] [--as NAME]``."""
    from kpi_core.pack import FORMATS as PACK_FORMATS

    def h(key: str) -> str:
        return t("pack.help." + key, lang)

    cmd = sub.add_parser("export", help=h("export"), description=h("export"))
    cmd.add_argument("--unit", help=h("unit"))
    cmd.add_argument("--period", metavar="YYYY-MM", help=h("period"))
    cmd.add_argument("--format", choices=PACK_FORMATS, required=True, help=h("format"))
    cmd.add_argument("--out", type=Path, required=True, metavar="FILE", help=h("out"))
    cmd.add_argument("--mask-persons", action="store_true", help=h("mask"))
    cmd.add_argument("--as", dest="as_user", metavar="NAME", help=t("access.help.as", lang))
    # also after the command (``export ... --lang zh``); without it the global --lang stands
    cmd.add_argument("--lang", choices=LANGUAGES, default=argparse.SUPPRESS, help=t("cli.help.lang", lang))


def cmd_export(store: Store, args: argparse.Namespace) -> int | Callable[[], int]:
    """The review pack of a unit and month as a file (:mod:`kpi_core.pack`), in
    the reader's scope with ``--as``. Exit 1 when the file cannot be made or
    written (no Chromium for a PDF), 2 for a bad unit or month. The pack's
    figures are read here; it is rendered and written once :func:`main` has
    closed the database (a PDF takes seconds)."""
    from kpi_core import pack

    # The command line is a front-end like the pages: it hands the pack to the
    # renderer in kpi_ui (the one exception to "kpi_core never imports kpi_ui",
    # declared in pyproject.toml); nothing else in kpi_core imports this module.
    from kpi_ui import pack_render

    lang = args.lang
    viewer = _viewer(store, args)
    org = Org.from_frame(store.units())
    unit = _unit_asked(org, args, access.Scope.of(viewer, org) if viewer is not None else None)
    if unit is None:
        return EXIT_BAD_INPUT
    period = args.period or store.latest_scored_period()
    if period is None or not ingest.valid_period(period):
        print(t("cli.bad_period", lang, period=period) if period else t("cli.no_data", lang), file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        made = pack.build(store, unit, period, lang=lang, viewer=viewer, mask_persons=args.mask_persons)
    except pack.PackProblem as exc:
        print(error_text(exc, lang), file=sys.stderr)
        return EXIT_BAD_INPUT if exc.key.startswith("cli.") else EXIT_FAILED

    def render_and_write() -> int:  # after the database is closed (main): the pack holds every figure
        try:
            data = pack_render.render(made, args.format)
        except pack.PackProblem as exc:
            print(error_text(exc, lang), file=sys.stderr)
            return EXIT_BAD_INPUT if exc.key.startswith("cli.") else EXIT_FAILED
        try:
            args.out.write_bytes(data)
        except OSError as exc:
            print(t("pack.cli.cannot_write", lang, path=args.out, reason=exc.strerror or exc), file=sys.stderr)
            return EXIT_FAILED
        print(t("pack.cli.written", lang, unit=made.unit_name, period=period, path=args.out, size=len(data)))
        return EXIT_OK

    return render_and_write


# --------------------------------------------------------------------------- suggest (issue 17, item 4)


def _suggest_parser(sub: argparse._SubParsersAction, lang: str) -> None:
    """``suggest --unit ID --kpi ID --year YYYY [--format table|json|csv] [--lang] [--as NAME]``."""

    def h(key: str) -> str:
        return t("suggest.help." + key, lang)

    cmd = sub.add_parser("suggest", help=h("suggest"), description=h("suggest"))
    cmd.add_argument("--unit", required=True, help=h("unit"))
    cmd.add_argument("--kpi", required=True, help=h("kpi"))
    cmd.add_argument("--year", required=True, type=int, metavar="YYYY", help=h("year"))
    cmd.add_argument("--format", choices=FORMATS, default="table", help=t("cli.help.format", lang))
    cmd.add_argument("--as", dest="as_user", metavar="NAME", help=t("access.help.as", lang))
    # also after the command (``suggest ... --lang zh``); without it the global --lang stands
    cmd.add_argument("--lang", choices=LANGUAGES, default=argparse.SUPPRESS, help=t("cli.help.lang", lang))


def cmd_suggest(store: Store, args: argparse.Namespace) -> int:
    """Suggested monthly targets with a range and the reasoning
    (:mod:`kpi_core.suggest`), read in the scope of ``--as`` (exit 3 outside
    it). No history: no suggestion, its reason, exit 0. Unknown unit or KPI: exit 2."""
    from kpi_core import suggest

    lang = args.lang
    viewer = _viewer(store, args)
    org = Org.from_frame(store.units())
    scope = access.Scope.of(viewer, org) if viewer is not None else None
    try:
        found = suggest.suggest(store, args.unit, args.kpi, args.year, scope=scope, org=org)
    except suggest.SuggestError as exc:
        print(error_text(exc, lang), file=sys.stderr)
        return EXIT_BAD_INPUT
    if args.format == "json":
        print(json.dumps(found.as_dict(lang), ensure_ascii=False, indent=2))
        return EXIT_OK
    months = found.months
    if args.format == "csv":
        if not found.ok:
            print(found.reasoning(lang)[0], file=sys.stderr)
        columns = ["period", "low", "point", "high", "last_year"]
        print(months[columns].to_csv(index=False), end="")
        return EXIT_OK
    kpi = store.kpi(args.kpi) or {}
    kpi_name = kpi.get("name_zh") if lang == "zh" and kpi.get("name_zh") else kpi.get("name", args.kpi)
    print(t("suggest.cli.title", lang, unit=org.name(args.unit, lang), kpi=kpi_name, year=args.year))
    if found.ok:
        figures = found.year_figures
        table = pd.DataFrame(
            {
                t("suggest.col.month", lang): [*months["period"], t("suggest.year_row", lang)],
                t("suggest.col.low", lang): [*map(suggest.figure, months["low"]), suggest.figure(figures["low"])],
                t("suggest.col.point", lang): [
                    *map(suggest.figure, months["point"]),
                    suggest.figure(figures["point"]),
                ],
                t("suggest.col.high", lang): [*map(suggest.figure, months["high"]), suggest.figure(figures["high"])],
                t("suggest.col.last_year", lang): [
                    *map(suggest.figure, months["last_year"]),
                    suggest.figure(figures["last_year"]),
                ],
            }
        )
        print(table.to_string(index=False))
        print()
    for line in found.reasoning(lang):
        print(f"- {line}")
    return EXIT_OK


# --------------------------------------------------------------------------- beyond KPIs (issue 18)
#
# okr, points, r360 and fairness: the pages' reads (kpi_core.okr, review360,
# fairness) on the command line. The reader is ``--as NAME`` (their scope
# applied where the data is read) or, without it, the local operator, who
# reads everything as every other command does.


def _beyond_parsers(sub: argparse._SubParsersAction, lang: str) -> None:
    _okr_parser(sub, lang)
    _points_parser(sub, lang)
    _r360_parser(sub, lang)
    _fairness_parser(sub, lang)


def _beyond_common(cmd: argparse.ArgumentParser, lang: str) -> None:
    """--format, --as and --lang (also after the command; without it the global --lang stands)."""
    cmd.add_argument("--format", choices=FORMATS, default="table", help=t("cli.help.format", lang))
    cmd.add_argument("--as", dest="as_user", metavar="NAME", help=t("access.help.as", lang))
    cmd.add_argument("--lang", choices=LANGUAGES, default=argparse.SUPPRESS, help=t("cli.help.lang", lang))


def _okr_parser(sub: argparse._SubParsersAction, lang: str) -> None:
    """``okr --unit ID [--quarter YYYYQn] [--format ...] [--as NAME] [--lang]``."""

    def h(key: str) -> str:
        return t("cli_beyond.help." + key, lang)

    cmd = sub.add_parser("okr", help=h("okr"), description=h("okr"))
    cmd.add_argument("--unit", required=True, help=h("okr_unit"))
    cmd.add_argument("--quarter", metavar="YYYYQn", help=h("okr_quarter"))
    _beyond_common(cmd, lang)


def _points_parser(sub: argparse._SubParsersAction, lang: str) -> None:
    """``points [--unit ID] [--quarter YYYYQn] [--format ...] [--as NAME] [--lang]``."""

    def h(key: str) -> str:
        return t("cli_beyond.help." + key, lang)

    cmd = sub.add_parser("points", help=h("points"), description=h("points"))
    cmd.add_argument("--unit", help=h("points_unit"))
    cmd.add_argument("--quarter", metavar="YYYYQn", help=h("points_quarter"))
    _beyond_common(cmd, lang)


def _r360_parser(sub: argparse._SubParsersAction, lang: str) -> None:
    """``r360 [--cycle ID] [--subject ID] [--format ...] [--as NAME] [--lang]``."""

    def h(key: str) -> str:
        return t("cli_beyond.help." + key, lang)

    cmd = sub.add_parser("r360", help=h("r360"), description=h("r360"))
    cmd.add_argument("--cycle", metavar="ID", help=h("cycle"))
    cmd.add_argument("--subject", metavar="ID", help=h("subject"))
    _beyond_common(cmd, lang)


def _fairness_parser(sub: argparse._SubParsersAction, lang: str) -> None:
    """``fairness [--cycle ID] [--format ...] [--as NAME] [--lang]``."""

    def h(key: str) -> str:
        return t("cli_beyond.help." + key, lang)

    cmd = sub.add_parser("fairness", help=h("fairness"), description=h("fairness"))
    cmd.add_argument("--cycle", metavar="ID", help=h("fair_cycle"))
    cmd.add_argument("--source", choices=("360", "tasks"), default="360", help=t("fairtasks.help.source", lang))
    _beyond_common(cmd, lang)


def _reader(store: Store, args: argparse.Namespace) -> tuple[access.Viewer | None, Org, access.Scope]:
    """The account of ``--as`` (None: the local operator), the organisation and
    the reader's scope (everything for the local operator)."""
    viewer = _viewer(store, args)
    org = Org.from_frame(store.units())
    return viewer, org, access.Scope.of(viewer, org)


def _quarter_ok(quarter: str | None, lang: str) -> bool:
    """Whether ``--quarter`` is absent or written YYYYQn (else says so on stderr)."""
    from kpi_core import okr

    if quarter is None or okr.QUARTER.match(quarter):
        return True
    print(t("cli_beyond.bad_quarter", lang, quarter=quarter), file=sys.stderr)
    return False


def _dash(value: object) -> str:
    """A figure of the OKR tables as the page writes it ("–" when missing)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "–"
    return f"{float(value):,.4g}" if isinstance(value, (int, float)) else str(value)


def _share(value: object) -> str:
    """A 0-1 score as a whole percent ("68%"), "–" when missing."""
    return "–" if value is None or pd.isna(value) else f"{float(value):.0%}"


def _number(value: object) -> float | None:
    """A figure for JSON: None for NaN."""
    return None if value is None or pd.isna(value) else float(value)


def _owner(value: object, org: Org, scope: access.Scope, lang: str) -> dict:
    """A key result's owner as ``owner_id``, ``owner`` (a name) and
    ``owner_hidden``: a unit's name when the reader may see that unit;
    neither id nor name when it is a unit outside the scope (as on the
    page); else the text as written (an account name)."""
    if not isinstance(value, str) or not value:
        return {"owner_id": None, "owner": None, "owner_hidden": False}
    if value not in org:
        return {"owner_id": value, "owner": value, "owner_hidden": False}
    if scope.may_name(value, org):
        return {"owner_id": value, "owner": org.name(value, lang), "owner_hidden": False}
    return {"owner_id": None, "owner": None, "owner_hidden": True}


def _title(row: pd.Series, lang: str) -> str:
    zh = row.get("title_zh")
    return str(zh) if lang == "zh" and isinstance(zh, str) and zh else str(row["title"])


def cmd_okr(store: Store, args: argparse.Namespace) -> int:
    """A unit's objectives of a quarter with their key results and scores, the
    quarter's OKR score and whether the OKRs count in the unit's weighted
    total (:mod:`kpi_core.okr`). Owners outside the reader's scope are not
    named. Unknown unit or a quarter not written YYYYQn: exit 2; a unit
    outside the scope of ``--as``: exit 3; no OKRs: said, exit 0."""
    lang = args.lang
    viewer, org, scope = _reader(store, args)
    unit = _unit_asked(org, args, scope if viewer is not None else None)
    if unit is None:
        return EXIT_BAD_INPUT
    if not _quarter_ok(args.quarter, lang):
        return EXIT_BAD_INPUT
    shape = _okr_shape(store, org, scope, unit, args.quarter, lang)
    if args.format == "json":
        print(json.dumps(shape, ensure_ascii=False, indent=2))
    elif args.format == "csv":
        rows = [
            {"unit_id": unit, "quarter": shape["quarter"], "quarter_score": shape["score"]}
            | {"objective_id": o["objective_id"], "objective": o["title"], "objective_score": o["score"]}
            | kr
            for o in shape["objectives"]
            for kr in o["key_results"]
        ]
        columns = ["unit_id", "quarter", "quarter_score", "objective_id", "objective", "objective_score", "kr_id"]
        columns += ["title", "owner_id", "owner", "owner_hidden", "start", "target", "current", "progress", "score"]
        columns += ["confidence"]
        print(pd.DataFrame(rows, columns=columns).to_csv(index=False), end="")
    else:
        _okr_print(shape, lang)
    return EXIT_OK


def _okr_shape(store: Store, org: Org, scope: access.Scope, unit: str, asked: str | None, lang: str) -> dict:
    """The ``okr`` command's figures: the quarter asked (default the unit's
    latest with objectives), its objectives with their scored key results,
    the quarter's score and the goal-setting tasks counting it in the total."""
    from kpi_core import okr

    objectives = store.objectives(unit_id=unit)
    quarters = sorted(set(objectives["quarter"]), reverse=True)
    quarter = asked or (quarters[0] if quarters else None)
    these = objectives[objectives["quarter"] == quarter]
    krs = store.key_results(list(these["objective_id"]))
    scored = okr.objective_scores(these, krs)
    krs = okr.scored_key_results(krs)
    year = int(quarter[:4]) if quarter else None
    counted = okr.counted_in_total(store, unit, year) if year else pd.DataFrame(columns=["task_id", "weight"])

    def kr_rows(objective_id: str) -> list[dict]:
        return [
            {"kr_id": r["kr_id"], "title": _title(r, lang)}
            | {k: _number(r[k]) for k in ("start", "target", "current", "progress", "score", "confidence")}
            | _owner(r["owner"], org, scope, lang)
            for _, r in krs[krs["objective_id"] == objective_id].iterrows()
        ]

    return {
        "unit_id": unit,
        "unit": org.name(unit, lang),
        "quarter": quarter,
        "quarters": quarters,
        "score": _number(okr.quarter_score(scored)) if len(scored) else None,
        "counted_in_total": not counted.empty,
        "tasks": [{"task_id": str(c.task_id), "weight": float(c.weight)} for c in counted.itertuples()],
        "objectives": [
            {
                "objective_id": o["objective_id"],
                "title": _title(o, lang),
                "weight": _number(o["weight"]),
                "score": _number(o["score"]),
                "key_results": kr_rows(o["objective_id"]),
            }
            for _, o in scored.iterrows()
        ],
    }


def _okr_print(shape: dict, lang: str) -> None:
    name, quarter, quarters = shape["unit"], shape["quarter"], ", ".join(shape["quarters"])
    if not shape["quarters"]:
        print(t("cli_beyond.okr.none", lang, unit=name))
        return
    if not shape["objectives"]:
        print(t("cli_beyond.okr.none_quarter", lang, unit=name, quarter=quarter, quarters=quarters))
        return
    count, score = len(shape["objectives"]), _share(shape["score"])
    print(t("cli_beyond.okr.heading", lang, unit=name, quarter=quarter, count=count, score=score))
    year = quarter[:4]
    if not shape["tasks"]:
        print(t("cli_beyond.okr.not_counted", lang, unit=name, year=year))
    for task in shape["tasks"]:
        weight = f"{task['weight']:g}"
        print(t("cli_beyond.okr.counted", lang, unit=name, year=year, task=task["task_id"], weight=weight))
    for o in shape["objectives"]:
        extra = [t("cli_beyond.okr.objective_score", lang, score=_share(o["score"]))]
        if o["weight"] is not None:
            extra.append(t("cli_beyond.okr.objective_weight", lang, weight=f"{o['weight']:g}"))
        print("\n" + t("cli_beyond.okr.objective", lang, id=o["objective_id"], title=o["title"]))
        print("  " + " · ".join(extra))
        krs = o["key_results"]
        table = pd.DataFrame(
            {
                t("okr.col.kr", lang): [kr["title"] for kr in krs],
                t("okr.col.owner", lang): [kr["owner"] or "–" for kr in krs],
                t("okr.col.start", lang): [_dash(kr["start"]) for kr in krs],
                t("okr.col.target", lang): [_dash(kr["target"]) for kr in krs],
                t("okr.col.current", lang): [
                    _dash(kr["current"])
                    if kr["progress"] is None
                    else t("okr.progress_given", lang, value=_share(kr["progress"]))
                    for kr in krs
                ],
                t("okr.col.score", lang): [_share(kr["score"]) for kr in krs],
                t("okr.col.confidence", lang): [_dash(kr["confidence"]) for kr in krs],
            }
        )
        _indented(table)
    print()
    if any(kr["owner_hidden"] for o in shape["objectives"] for kr in o["key_results"]):
        print(t("cli_beyond.hidden_mark", lang))
    print(t("cli_beyond.okr.quarters", lang, quarters=quarters))


def _indented(table: pd.DataFrame) -> None:
    print("\n".join("  " + line for line in table.to_string(index=False).splitlines()))


def cmd_points(store: Store, args: argparse.Namespace) -> int:
    """A department's approved value-contribution points of a quarter
    (:func:`kpi_core.okr.department_view`): the total, each child department
    the reader may see, and each person the reader may see by name; the
    others are counted, not named. Default unit: the reader's own (the
    company without ``--as``); default quarter: the latest with events."""
    lang = args.lang
    viewer, org, scope = _reader(store, args)
    unit = _unit_asked(org, args, scope if viewer is not None else None)
    if unit is None:
        return EXIT_BAD_INPUT
    if not _quarter_ok(args.quarter, lang):
        return EXIT_BAD_INPUT
    shape = _points_shape(store, org, scope, unit, args.quarter, lang)
    if args.format == "json":
        print(json.dumps(shape, ensure_ascii=False, indent=2))
    elif args.format == "csv":
        rows = [
            {"level": "total", "unit_id": unit, "name": shape["unit"], "points": shape["total"]}
            | {"events": shape["events"], "hidden_persons": shape["hidden_persons"]}
        ]
        rows += [{"level": "department"} | r for r in shape["by_unit"]]
        rows += [{"level": "person"} | r for r in shape["persons"]]
        columns = ["level", "unit_id", "name", "department_id", "department", "points", "events", "hidden_persons"]
        frame = pd.DataFrame(rows, columns=columns).astype({"events": "Int64", "hidden_persons": "Int64"})
        print(frame.assign(quarter=shape["quarter"])[["quarter", *columns]].to_csv(index=False), end="")
    else:
        _points_print(shape, lang)
    return EXIT_OK


def _points_shape(store: Store, org: Org, scope: access.Scope, unit: str, asked: str | None, lang: str) -> dict:
    """The ``points`` command's figures. Child departments outside the scope
    and persons it does not show are counted in the total, not listed."""
    from kpi_core import okr

    events = store.value_events()
    quarters = sorted({okr.quarter_of(d) for d in events["event_date"]}, reverse=True)
    quarter = asked or (quarters[0] if quarters else None)
    view = okr.department_view(events, org, scope, unit, quarter or "")
    by_unit = [(u, p) for u, p in view["by_unit"].items() if scope.allows(u)]

    def department(person: str) -> dict:
        parent = org.parent(person)
        if parent is None or not scope.allows(parent):
            return {"department_id": None, "department": None}
        return {"department_id": parent, "department": org.name(parent, lang)}

    return {
        "unit_id": unit,
        "unit": org.name(unit, lang),
        "quarter": quarter,
        "quarters": quarters,
        "total": view["total"],
        "events": view["events"],
        "by_unit": [{"unit_id": u, "name": org.name(u, lang), "points": p} for u, p in by_unit],
        "persons": [
            {"unit_id": u, "name": org.name(u, lang)} | department(u) | {"points": p}
            for u, p in sorted(view["persons"], key=lambda item: (-item[1], item[0]))
        ],
        "hidden_persons": view["hidden"],
        "hidden_units": len(view["by_unit"]) - len(by_unit),
    }


def _points_print(shape: dict, lang: str) -> None:
    if not shape["quarters"]:
        print(t("cli_beyond.points.none", lang))
        return
    total, events = _dash(shape["total"]), shape["events"]
    print(
        t("cli_beyond.points.heading", lang, unit=shape["unit"], quarter=shape["quarter"], total=total, events=events)
    )
    print(t("cli_beyond.points.note", lang))
    if shape["by_unit"]:
        print("\n" + t("cli_beyond.points.by_unit", lang))
        table = pd.DataFrame(
            {
                t("okr.col.unit", lang): [r["name"] for r in shape["by_unit"]],
                t("okr.col.points", lang): [_dash(r["points"]) for r in shape["by_unit"]],
            }
        )
        _indented(table)
    if shape["persons"]:
        print("\n" + t("cli_beyond.points.by_person", lang))
        table = pd.DataFrame(
            {
                t("okr.col.person", lang): [r["name"] for r in shape["persons"]],
                t("okr.col.unit", lang): [r["department"] or "–" for r in shape["persons"]],
                t("okr.col.points", lang): [_dash(r["points"]) for r in shape["persons"]],
            }
        )
        _indented(table)
    notes = [("cli_beyond.points.hidden_persons", shape["hidden_persons"])]
    notes += [("cli_beyond.points.hidden_units", shape["hidden_units"])]
    if any(count for _, count in notes):
        print()
    for key, count in notes:
        if count:
            print(t(key, lang, count=count))
    print("\n" + t("cli_beyond.points.quarters", lang, quarters=", ".join(shape["quarters"])))


def cmd_r360(store: Store, args: argparse.Namespace) -> int:
    """360-degree reviews (:mod:`kpi_core.review360`): without ``--cycle`` and
    ``--subject``, the cycles; with ``--cycle`` alone, the reports of the
    cycle the reader may open; with ``--subject``, that person's report
    (``--cycle`` defaulting to the latest). Who may read a report and the
    anonymity threshold are enforced by :func:`kpi_core.review360.report`:
    a refused read exits 3 with its sentence. Unknown cycle, or a subject
    the cycle does not review: exit 2."""
    from kpi_core import review360

    lang = args.lang
    viewer, org, scope = _reader(store, args)
    cycles = store.review_cycles()
    if args.cycle is None and args.subject is None:
        return _r360_cycles(store, cycles, args)
    if cycles.empty:
        print(t("r360.no_cycles", lang), file=sys.stderr)
        return EXIT_BAD_INPUT
    cycle_id = args.cycle or str(cycles["cycle_id"].iloc[0])
    if cycle_id not in set(cycles["cycle_id"]):
        known = ", ".join(cycles["cycle_id"].astype(str))
        print(t("cli_beyond.r360.unknown_cycle", lang, cycle=cycle_id, cycles=known), file=sys.stderr)
        return EXIT_BAD_INPUT
    cycle = cycles.set_index("cycle_id").loc[cycle_id]
    cycle_name = str(cycle["name_zh"]) if lang == "zh" and isinstance(cycle["name_zh"], str) else str(cycle["name"])
    reader_scope = scope if viewer is not None else None

    def person(unit_id: str) -> str:
        return org.name(unit_id, lang) if unit_id in org else unit_id

    if args.subject is None:
        reports = {
            s: review360.report(store, viewer, reader_scope, cycle_id, s)
            for s in review360.visible_subjects(store, viewer, reader_scope, cycle_id)
        }
        return _r360_subjects(reports, cycle, cycle_name, person, args)
    rep = review360.report(store, viewer, reader_scope, cycle_id, args.subject)  # NotPermitted: exit 3
    if args.subject not in set(store.review_raters(cycle_id)["subject_id"]):
        print(t("cli_beyond.r360.not_subject", lang, subject=args.subject, cycle=cycle_id), file=sys.stderr)
        return EXIT_BAD_INPUT
    return _r360_report(rep, cycle, cycle_name, person(args.subject), args)


def _r360_subjects(reports: dict, cycle: pd.Series, cycle_name: str, person, args: argparse.Namespace) -> int:  # noqa: ANN001
    """The reports of a cycle the reader may open, with their raters per group."""
    from kpi_core import review360

    lang = args.lang
    rows = [
        {"subject_id": s, "name": person(s), "raters": _r360_counts(rep), "hidden_groups": _r360_hidden(rep)}
        for s, rep in reports.items()
    ]
    about = {"cycle_id": cycle.name, "name": cycle_name, "period": cycle["period"], "status": cycle["status"]}
    if args.format == "json":
        print(json.dumps(about | {"subjects": rows}, ensure_ascii=False, indent=2))
        return EXIT_OK
    if args.format == "csv":
        frame = pd.DataFrame(
            [{"cycle_id": cycle.name, "subject_id": r["subject_id"], "name": r["name"]} for r in rows],
            columns=["cycle_id", "subject_id", "name"],
        )
        print(frame.to_csv(index=False), end="")
        return EXIT_OK
    status = t(f"r360.status.{cycle['status']}", lang)
    about = {"name": cycle_name, "when": _r360_when(cycle), "status": status}
    print(t("cli_beyond.r360.subjects", lang, count=len(rows), **about))
    if not rows:
        print(t("r360.report.none", lang))
        return EXIT_OK
    table = pd.DataFrame(
        {
            t("cli_beyond.r360.col.subject_id", lang): [r["subject_id"] for r in rows],
            t("r360.subject", lang): [r["name"] for r in rows],
            t("cli_beyond.r360.col.raters", lang): [review360.group_counts(rep, lang) for rep in reports.values()],
        }
    )
    print(table.to_string(index=False))
    print("\n" + t("cli_beyond.r360.cycles_hint", lang))
    return EXIT_OK


def _r360_when(cycle: pd.Series) -> str:
    """A cycle's id, and its period when it differs ("2026-H1" for both)."""
    return str(cycle.name) if cycle["period"] == cycle.name else f"{cycle.name}, {cycle['period']}"


def _r360_counts(rep) -> dict[str, int]:  # noqa: ANN001 - a review360.Report
    """Raters per group of a report."""
    from kpi_core import review360

    counts = rep.cells.groupby("rater_group")["raters"].max()
    return {g: int(counts[g]) for g in review360.GROUPS if g in counts.index}


def _r360_hidden(rep) -> list[str]:  # noqa: ANN001 - a review360.Report
    """The rater groups a report hides (too few answers)."""
    from kpi_core import review360

    return [g for g, n in _r360_counts(rep).items() if not review360.shown(g, n)]


def _r360_cycles(store: Store, cycles: pd.DataFrame, args: argparse.Namespace) -> int:
    lang = args.lang
    rows = []
    for c in cycles.itertuples():
        name = c.name_zh if lang == "zh" and isinstance(c.name_zh, str) and c.name_zh else c.name
        rows.append(
            {
                "cycle_id": c.cycle_id,
                "name": name,
                "period": c.period,
                "status": c.status,
                "behaviours": len(store.review_behaviours(c.cycle_id)),
                "subjects": int(store.review_raters(c.cycle_id)["subject_id"].nunique()),
            }
        )
    frame = pd.DataFrame(rows, columns=["cycle_id", "name", "period", "status", "behaviours", "subjects"])
    if args.format == "json":
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    elif args.format == "csv":
        print(frame.to_csv(index=False), end="")
    elif frame.empty:
        print(t("r360.no_cycles", lang))
    else:
        print(t("cli_beyond.r360.cycles", lang, count=len(frame)))
        shown = frame.assign(status=[t(f"r360.status.{s}", lang) for s in frame["status"]])
        shown.columns = [t(f"cli_beyond.r360.col.{c}", lang) for c in ("cycle", "name", "period", "status")] + [
            t("cli_beyond.r360.col.behaviours", lang),
            t("cli_beyond.r360.col.subjects", lang),
        ]
        print(shown.to_string(index=False))
        print("\n" + t("cli_beyond.r360.cycles_hint", lang))
    return EXIT_OK


def _r360_report(rep, cycle: pd.Series, cycle_name: str, subject: str, args: argparse.Namespace) -> int:  # noqa: ANN001
    """One subject's report (anonymity applied by review360.report): per
    behaviour, each rater group's mean (None where hidden), all raters and
    the company average."""
    from kpi_core import review360

    lang = args.lang
    behaviours = []
    for _, b in rep.behaviours.iterrows():
        cells = rep.cells[rep.cells["behaviour_id"] == b["behaviour_id"]]
        behaviours.append(
            {
                "behaviour_id": b["behaviour_id"],
                "name": review360.behaviour_name(b, lang),
                "groups": {
                    c.rater_group: {"raters": int(c.raters), "mean": _number(c.mean), "shown": bool(c.shown)}
                    for c in cells.itertuples()
                },
                "all_raters": _number(rep.others.get(b["behaviour_id"])),
                "company": _number(rep.company.get(b["behaviour_id"])),
            }
        )
    if args.format == "json":
        shape = {
            "cycle_id": rep.cycle_id,
            "cycle": cycle_name,
            "period": cycle["period"],
            "subject_id": rep.subject_id,
            "subject": subject,
            "raters": _r360_counts(rep),
            "hidden_groups": _r360_hidden(rep),
            "note": t("r360.report.note", lang),
            "behaviours": behaviours,
        }
        print(json.dumps(shape, ensure_ascii=False, indent=2))
    elif args.format == "csv":
        rows = []
        for b in behaviours:
            for group, cell in b["groups"].items():
                rows.append([b["behaviour_id"], b["name"], group, cell["raters"], cell["mean"], cell["shown"]])
            rows.append([b["behaviour_id"], b["name"], "all_raters", None, b["all_raters"], True])
            rows.append([b["behaviour_id"], b["name"], "company", None, b["company"], True])
        frame = pd.DataFrame(rows, columns=["behaviour_id", "behaviour", "group", "raters", "mean", "shown"])
        frame["raters"] = frame["raters"].astype("Int64")
        frame.insert(0, "subject_id", rep.subject_id)
        frame.insert(0, "cycle_id", rep.cycle_id)
        print(frame.to_csv(index=False), end="")
    else:
        print(
            t(
                "cli_beyond.r360.report",
                lang,
                subject=subject,
                subject_id=rep.subject_id,
                name=cycle_name,
                when=_r360_when(cycle),
            )
        )
        print(t("r360.report.counts", lang, counts=review360.group_counts(rep, lang)))
        print()
        print(review360.report_table(rep, lang).to_string(index=False))
        print()
        print(t("r360.report.note", lang))
    return EXIT_OK


def cmd_fairness(store: Store, args: argparse.Namespace) -> int:
    """The fairness check of ratings (:mod:`kpi_core.fairness`): the flags
    worth a look, every rater-and-group comparison and the raters' overall
    offsets. HR only, as the page: ``--as`` an account without
    ``see_fairness`` exits 3 before anything is read (and
    :func:`kpi_core.review360.fairness_ratings` checks again where the
    ratings are read). ``--format csv`` writes the comparisons (the flags
    are their rows with ``flagged`` true); ``json`` all three."""
    from kpi_core import fairness, review360

    lang = args.lang
    viewer = _viewer(store, args)
    if not access.permits(viewer, "see_fairness"):
        raise access.NotPermitted("not permitted: fairness check", key="cli_beyond.fair.refused", unit="")
    if getattr(args, "source", "360") == "tasks":
        return _fairness_tasks(store, viewer, args)
    cycles = store.review_cycles()
    if args.cycle is not None and args.cycle not in set(cycles["cycle_id"]):
        known = ", ".join(cycles["cycle_id"].astype(str)) or "-"
        print(t("cli_beyond.r360.unknown_cycle", lang, cycle=args.cycle, cycles=known), file=sys.stderr)
        return EXIT_BAD_INPUT
    org = Org.from_frame(store.units())
    ratings, attributes = review360.fairness_ratings(store, viewer)
    labels = tables.Labels.of(attributes)
    if args.cycle is not None:
        ratings = ratings[ratings["item"].str.startswith(args.cycle + "|")].reset_index(drop=True)

    name = tables.namer(org, lang)
    compared, raters = [], []
    groups = offsets = None
    if len(ratings):
        groups, offsets = fairness.group_checks(ratings, attributes), fairness.rater_offsets(ratings)
        for g in groups.to_dict("records"):
            ids = tables.comparison_record(g, name, labels, lang)
            counts = {k: int(g[k]) for k in ("subjects_a", "subjects_b", "n_a", "n_b")}
            figures = {k: _number(g[k]) for k in ("mean_a", "mean_b", "diff", "low", "high", "d", "p")}
            compared.append(ids | counts | figures | {"flagged": bool(g["flagged"])})
        for r in offsets.to_dict("records"):
            ids = {"rater_id": r["rater"], "rater": name(r["rater"]), "n": int(r["n"]), "subjects": int(r["subjects"])}
            raters.append(ids | {k: _number(r[k]) for k in ("mean", "others", "offset", "low", "high", "d", "p")})
    if args.format == "json":
        shape = {"cycle_id": args.cycle, "ratings": len(ratings), "flags": [g for g in compared if g["flagged"]]}
        shape |= {"groups": compared, "raters": raters, "note": t("cli_beyond.fair.note", lang)}
        print(json.dumps(shape, ensure_ascii=False, indent=2))
    elif args.format == "csv":
        columns = ["rater_id", "rater", "attribute", "attribute_name", "value", "value_name"]
        columns += ["subjects_a", "subjects_b", "n_a", "n_b"]
        columns += ["mean_a", "mean_b", "diff", "low", "high", "d", "p", "flagged"]
        print(pd.DataFrame(compared, columns=columns).to_csv(index=False), end="")
    elif ratings.empty:
        print(t("fair.none", lang))
    else:
        what = t("cli_beyond.fair.one_cycle", lang, cycle=args.cycle) if args.cycle else None
        what = what or t("cli_beyond.fair.every_cycle", lang)
        count = ratings["rater"].nunique()
        print(t("cli_beyond.fair.heading", lang, what=what, ratings=len(ratings), raters=count))
        _fairness_print(groups, offsets, name, labels, lang)
    return EXIT_OK


def _fairness_print(
    groups: pd.DataFrame, offsets: pd.DataFrame, name: tables.Namer, labels: tables.Labels, lang: str
) -> None:
    """The 360 check as the page words it (:mod:`kpi_core.fairness_tables`)."""
    print("\n" + t("fair.flags", lang))
    if not groups["flagged"].any():
        print("  " + t("fair.no_flags", lang))
    for f in groups[groups["flagged"]].to_dict("records"):
        print("  - " + tables.flag_text(f, lang, name, labels))
    if len(groups):
        print("\n" + t("fair.groups", lang))
        print(tables.group_table(groups, lang, name, labels).to_string(index=False))
    print("\n" + t("fair.raters", lang))
    print(tables.rater_table(offsets, lang, name).to_string(index=False))
    print("\n" + t("cli_beyond.fair.note", lang))


def _fairness_tasks(store: Store, viewer: access.Viewer | None, args: argparse.Namespace) -> int:
    """``fairness --source tasks``: the same check over graded task assessments
    (:func:`kpi_core.fairness.grade_checks`: one assessor per task and month,
    raw grades 0-1, the other assessors' difference for context)."""
    from kpi_core import fairness, review360

    lang = args.lang
    if args.cycle is not None:
        print(t("fairtasks.cli.no_cycle", lang), file=sys.stderr)
        return EXIT_BAD_INPUT
    org = Org.from_frame(store.units())
    grades, attributes = review360.fairness_ratings(store, viewer, source="tasks")
    labels = tables.Labels.of(attributes)

    name = tables.namer(org, lang)
    compared, assessors = [], []
    checks = summary = None
    if len(grades):
        checks, summary = fairness.grade_checks(grades, attributes), fairness.assessor_summary(grades)
        for g in checks.to_dict("records"):
            ids = tables.comparison_record(g, name, labels, lang)
            counts = {k: int(g[k]) for k in ("subjects_a", "subjects_b", "n_a", "n_b", "others_n")}
            keys = ("mean_a", "mean_b", "diff", "low", "high", "d", "p", "others_a", "others_b", "others_diff")
            compared.append(ids | counts | {k: _number(g[k]) for k in keys} | {"flagged": bool(g["flagged"])})
        for r in summary.to_dict("records"):
            ids = {"rater_id": r["rater"], "rater": name(r["rater"]), "n": int(r["n"]), "subjects": int(r["subjects"])}
            assessors.append(ids | {k: _number(r[k]) for k in ("mean", "low", "high")})
    flags = [g for g in compared if g["flagged"]]
    if args.format == "json":
        shape = {"source": "tasks", "ratings": len(grades), "flags": flags, "groups": compared}
        shape |= {"assessors": assessors, "note": t("fairtasks.cli.note", lang)}
        print(json.dumps(shape, ensure_ascii=False, indent=2))
        return EXIT_OK
    if args.format == "csv":
        columns = ["rater_id", "rater", "attribute", "attribute_name", "value", "value_name"]
        columns += ["subjects_a", "subjects_b", "n_a", "n_b"]
        columns += ["mean_a", "mean_b", "diff", "low", "high", "d", "p", "others_diff", "others_n", "flagged"]
        print(pd.DataFrame(compared, columns=columns).to_csv(index=False), end="")
        return EXIT_OK
    if grades.empty:
        print(t("fairtasks.none", lang))
    else:
        print(t("fairtasks.cli.heading", lang, ratings=len(grades), raters=grades["rater"].nunique()))
        units = ("、" if lang == "zh" else ", ").join(name(u) for u in sorted(grades["subject"].unique()))
        _fairness_tasks_print(checks, summary, name, labels, units, lang)
    return EXIT_OK


def _fairness_tasks_print(
    checks: pd.DataFrame,
    summary: pd.DataFrame,
    name: tables.Namer,
    labels: tables.Labels,
    units: str,
    lang: str,
) -> None:
    """The task-grade check as the page words it (:mod:`kpi_core.fairness_tables`)."""
    print("\n" + t("fair.flags", lang))
    if checks.empty:
        print("  " + t("fairtasks.no_groups", lang, units=units))
    elif not checks["flagged"].any():
        print("  " + t("fairtasks.no_flags", lang))
    for f in checks[checks["flagged"]].to_dict("records"):
        print("  - " + tables.grade_flag_text(f, lang, name, labels))
    if len(checks):
        print("\n" + t("fairtasks.groups", lang))
        print(tables.grade_table(checks, lang, name, labels).to_string(index=False))
    print("\n" + t("fairtasks.assessors", lang))
    print(tables.assessor_table(summary, lang, name).to_string(index=False))
    print("\n" + t("fairtasks.cli.note", lang))


COMMANDS = {
    "init": cmd_init,
    "load": cmd_load,
    "score": cmd_score,
    "units": cmd_list,
    "kpis": cmd_list,
    "alerts": cmd_alerts,
    "periods": cmd_periods,
    "users": cmd_users,
    "baseline": cmd_baseline,
    "requests": cmd_requests,
    "owners": cmd_owners,
    "outlook": cmd_outlook,
    "bonus": cmd_bonus,
    "export": cmd_export,
    "suggest": cmd_suggest,
    "okr": cmd_okr,  # issue 18
    "points": cmd_points,
    "r360": cmd_r360,
    "fairness": cmd_fairness,
}
