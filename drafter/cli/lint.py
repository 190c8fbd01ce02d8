"""``drafter lint FILE... [--json] [--year N]``: check drafts, rendered speeches and corpus files.

``drafter lint --rules [--json]`` lists every rule: id, severity and a one-line Chinese
description (``--json``: a list of ``{id, severity, description}``).

Human output is grouped per speech (``FILE 第N篇：标题`` then one line per
finding: ``LOCATION  严重程度  rule  message``).  ``--json`` prints, for a single
speech, a list of ``{rule, severity, message, location}``; when the files hold
several speeches, each finding also carries ``source`` and ``index``.

Exit status: 0 when no finding is an error, 1 when any is, 2 when a file
could not be read (the message names it; the other files are still checked)
or ``--ignore`` names an unknown rule.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from typing import Any

from drafter.errors import DrafterError
from drafter.lint import RULES, SEVERITIES, SEVERITY_LABELS, LintReport, all_rules, lint_path

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_UNREADABLE = 2


def _epilog() -> str:
    width = max(len(rule) for rule in RULES)
    lines = ["检查规则："]
    lines += [f"  {rule.ljust(width)}  {text}" for rule, text in RULES.items()]
    lines += [
        "",
        "严重程度：error（错误，必须改）、warning（警告，建议改）、info（提示，请核对）。",
        "退出码：0 = 没有错误；1 = 有错误级问题；2 = 有文件无法读取。",
        "可检查：草稿 .yaml/.yml（先渲染，未填内容显示为【待补：…】）、.txt、.md、.docx，",
        "以及含多篇讲话的语料文件或文件夹（每篇单独报告）。",
        "drafter lint --rules 列出全部规则及其严重程度（加 --json 输出 JSON）。",
    ]
    return "\n".join(lines)


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "lint",
        help="检查讲话稿：编号、“讲N点”与实际条数、占位符、重复语句、年份等",
        description="检查讲话稿中需要改正的问题，按篇列出每条问题的位置（文件:行 与标题编号）。",
        epilog=_epilog(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        add_help=False,
        usage=_USAGE,
    )
    parser.add_argument("-h", "--help", action="help", help="显示本帮助并退出")
    parser.add_argument("files", nargs="*", metavar="FILE", help="要检查的文件（草稿、文本、Word 或语料）")
    parser.add_argument("--json", action="store_true", help="以 JSON 输出（规则、严重程度、说明、位置）")
    parser.add_argument(
        "--rules",
        action="store_true",
        help="列出全部检查规则：编号、严重程度和说明（可加 --json），不检查文件",
    )
    parser.add_argument(
        "--year",
        type=_year_arg,
        default=None,
        metavar="N",
        help="会议年份（默认取草稿或讲话稿中的日期），用于“今年”与年份的核对",
    )
    parser.add_argument(
        "--ignore",
        action="append",
        default=[],
        metavar="RULE",
        help="不检查某条规则（可重复，或用逗号分隔），如 --ignore punctuation,salutation",
    )
    parser.set_defaults(func=run_lint, lint_parser=parser)


_USAGE = (
    "drafter lint [-h] [--json] [--year N] [--ignore RULE] FILE [FILE ...]\n"
    "       drafter lint --rules [--json]"
)


def _year_arg(value: str) -> int:
    try:
        year = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"年份应为四位数字，如 2024，而不是“{value}”") from None
    if not 1900 <= year <= 2100:
        raise argparse.ArgumentTypeError(f"年份超出范围（1900–2100）：{year}")
    return year


def _ignored(values: list[str]) -> set[str] | None:
    """The rule ids given to --ignore, or None (after a message) when one is unknown."""
    rules = {part.strip() for value in values for part in re.split(r"[,，、\s]+", value) if part.strip()}
    unknown = sorted(rules - set(RULES))
    if unknown:
        print(
            f"drafter: 参数错误：没有这条规则：{'、'.join(unknown)}；可用规则：{'、'.join(RULES)}",
            file=sys.stderr,
        )
        return None
    return rules


def run_lint(args: argparse.Namespace) -> int:
    if getattr(args, "rules", False):
        if args.files:
            args.lint_parser.error("--rules 只列出规则，不能同时给出要检查的文件")
        print_rules(as_json=args.json)
        return EXIT_OK
    if not args.files:
        args.lint_parser.error("the following arguments are required: FILE")
    ignored = _ignored(getattr(args, "ignore", []) or [])
    if ignored is None:
        return EXIT_UNREADABLE
    reports, unreadable = _lint_files(args.files, args.year)
    if ignored:
        for report in reports:
            report.findings = [f for f in report.findings if f.rule not in ignored]
    if args.json:
        print(json.dumps(reports_to_json(reports), ensure_ascii=False, indent=2))
    else:
        print_reports(reports)
    if unreadable:
        return EXIT_UNREADABLE
    if any(f.severity == "error" for r in reports for f in r.findings):
        return EXIT_FINDINGS
    return EXIT_OK


def _lint_files(names: list[str], year: int | None) -> tuple[list[LintReport], int]:
    """The reports of every readable file, and how many files could not be read (each said on stderr)."""
    reports: list[LintReport] = []
    unreadable = 0

    def report_error(exc: DrafterError) -> None:
        nonlocal unreadable
        unreadable += 1
        print(f"drafter: {exc}", file=sys.stderr)

    for name in names:
        try:
            reports.extend(lint_path(name, year=year, on_error=report_error))
        except DrafterError as exc:
            if exc.file is None:
                exc.file = name
            report_error(exc)
    return reports, unreadable


def rules_to_json() -> list[dict[str, str]]:
    """Every rule as ``{id, severity, description}`` (``severity``: the strongest it reports)."""
    return [{"id": r.id, "severity": r.severity, "description": r.description} for r in all_rules()]


def print_rules(*, as_json: bool = False, file: Any = None) -> None:
    out = file or sys.stdout
    if as_json:
        print(json.dumps(rules_to_json(), ensure_ascii=False, indent=2), file=out)
        return
    registered = all_rules()
    labels = ["/".join(SEVERITY_LABELS[s] for s in r.severities) for r in registered]
    width = max(len(r.id) for r in registered)
    label_width = max(_columns(label) for label in labels)
    for r, label in zip(registered, labels, strict=True):
        padding = " " * (label_width - _columns(label))
        print(f"{r.id.ljust(width)}  {label}{padding}  {r.description}", file=out)
    print(
        f"共 {len(registered)} 条规则。严重程度：错误（必须改）、警告（建议改）、提示（请核对）。", file=out
    )


def _columns(text: str) -> int:
    """Terminal columns: a Chinese character takes two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def reports_to_json(reports: list[LintReport]) -> list[dict[str, Any]]:
    """One speech: plain findings; several: each finding with ``source`` and ``index`` added."""
    if len(reports) == 1:
        return [f.to_dict() for f in reports[0].findings]
    out = []
    for report in reports:
        for finding in report.findings:
            item: dict[str, Any] = finding.to_dict()
            item["source"] = report.source
            item["index"] = report.index
            out.append(item)
    return out


def print_reports(reports: list[LintReport], file: Any = None) -> None:
    out = file or sys.stdout
    totals = dict.fromkeys(SEVERITIES, 0)
    for report in reports:
        title = f"：{report.title}" if report.title else "："
        print(f"{report.source} 第{report.index + 1}篇{title}", file=out)
        if not report.findings:
            print("  未发现问题", file=out)
        for finding in report.findings:
            label = SEVERITY_LABELS.get(finding.severity, finding.severity)
            print(f"  {finding.location}  {label}  {finding.rule}  {finding.message}", file=out)
            totals[finding.severity] = totals.get(finding.severity, 0) + 1
    if reports:
        summary = "，".join(f"{SEVERITY_LABELS[sev]} {totals[sev]} 条" for sev in SEVERITIES)
        print(f"共检查 {len(reports)} 篇：{summary}", file=out)
