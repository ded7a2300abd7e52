"""The command line: ``python -m kpi_core [--db PATH] [--lang en|zh] COMMAND``.

Commands: ``init [--demo]``, ``load KIND FILE [--dry-run]``, ``score``,
``units``, ``kpis``, ``alerts``. Exit code 0 on success, 2 on bad input (each problem on
stderr naming file, row, column and reason; nothing is written), 1 when the
database cannot be opened.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import pandas as pd

from kpi_core import alerts, ingest, scorecard, scores
from kpi_core.i18n import LANGUAGES, error_text, reason, t
from kpi_core.model import FILE_SPECS, VIEWS
from kpi_core.org import Org
from kpi_core.store import ENV_VAR, Store, StoreError

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2
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
    parser.add_argument("--db", type=Path, help=h("db", env=ENV_VAR))
    parser.add_argument("--lang", choices=LANGUAGES, default="en", help=h("lang"))
    sub = parser.add_subparsers(dest="command", required=True, title=h("commands"), parser_class=_Sub)
    _Sub.make = staticmethod(translated)
    init = sub.add_parser("init", help=h("init"), description=h("init"))
    init.add_argument("--demo", action="store_true", help=h("demo"))
    load = sub.add_parser("load", help=h("load"), description=h("load"))
    load.add_argument("kind", choices=list(FILE_SPECS), help=h("kind"))
    load.add_argument("file", type=Path, help=h("file"))
    load.add_argument("--dry-run", action="store_true", help=h("dry_run"))
    load.add_argument("--by", default="", help=h("by"))
    score = sub.add_parser("score", help=h("score"), description=h("score"))
    score.add_argument("--unit", help=h("unit"))
    score.add_argument("--period", help=h("period_latest"))
    score.add_argument("--view", choices=VIEWS, default="month", help=h("view"))
    score.add_argument("--format", choices=FORMATS, default="table", help=h("format"))
    score.add_argument("--as-of", dest="as_of", metavar="YYYY-MM-DDTHH:MM", help=h("as_of"))
    alerts_cmd = sub.add_parser("alerts", help=h("alerts"), description=h("alerts"))
    alerts_cmd.add_argument("--period", required=True, help=h("period"))
    alerts_cmd.add_argument("--unit", help=h("unit_subtree"))
    alerts_cmd.add_argument("--format", choices=FORMATS, default="table", help=h("format"))
    for name in ("units", "kpis"):
        listing = sub.add_parser(name, help=h("list_" + name), description=h("list_" + name))
        listing.add_argument("--format", choices=FORMATS, default="table", help=h("format"))
    return parser


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
    try:
        with Store(args.db) as store:
            _scores_current(store, args.lang)
            return COMMANDS[args.command](store, args)
    except StoreError as exc:
        print(error_text(exc, args.lang), file=sys.stderr)
        return EXIT_FAILED
    except BrokenPipeError:
        # the reader went away (``score | head -3``): not an error of ours. Point
        # stdout at devnull so the interpreter's final flush does not raise again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK


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
    if args.as_of:
        try:
            moment = datetime.fromisoformat(args.as_of)
        except ValueError:
            print(t("cli.bad_moment", lang, value=args.as_of), file=sys.stderr)
            return EXIT_BAD_INPUT
        with store.as_of(moment) as then:
            return _score(then, args, as_of=args.as_of)
    return _score(store, args)


def _score(store: Store, args: argparse.Namespace, as_of: str | None = None) -> int:
    lang = args.lang
    org = Org.from_frame(store.units())
    unit = args.unit or org.company_id
    if unit is None or unit not in org:
        print(t("cli.unknown_unit", lang, unit=args.unit or "-"), file=sys.stderr)
        return EXIT_BAD_INPUT
    period = args.period or store.latest_scored_period()
    if period is None:
        print(t("cli.no_data", lang), file=sys.stderr)
        return EXIT_BAD_INPUT
    if not ingest.valid_period(period):
        print(t("cli.bad_period", lang, period=period), file=sys.stderr)
        return EXIT_BAD_INPUT
    card = scorecard.build(store, unit, period, args.view, org)
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
    frame = store.units() if args.command == "units" else store.kpis()
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
    unit = args.unit or org.company_id
    if unit is None or unit not in org:
        print(t("cli.unknown_unit", lang, unit=args.unit or "-"), file=sys.stderr)
        return EXIT_BAD_INPUT
    found = alerts.evaluate(store, args.period, org.subtree(unit))
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


COMMANDS = {
    "init": cmd_init,
    "load": cmd_load,
    "score": cmd_score,
    "units": cmd_list,
    "kpis": cmd_list,
    "alerts": cmd_alerts,
}
