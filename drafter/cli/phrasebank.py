"""``drafter phrasebank check/stats/search/add``: a thin shell over drafter.phrasebank."""

from __future__ import annotations

import argparse
import json
import sys

from drafter.cli.common import add_command
from drafter.cli.library import register_candidate_commands
from drafter.errors import DrafterError
from drafter.model import LEVELS, NEEDS, PERIODS, PHRASE_ROLES, ROLE_LABELS, SPEAKERS
from drafter.phrasebank import Hit, add_block, add_phrase, check_paths, load_phrasebank, visible


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "phrasebank",
        help="素材库：检查、统计、检索、追加短语",
        description="素材库（短语库）：检查 YAML 文件、统计、检索、追加自己的短语。"
        "层次：随程序提供的素材库 → 用户自己的素材库 → 每个 --phrasebank 目录，后者按 id 覆盖前者。",
    )
    sub = parser.add_subparsers(dest="phrasebank_command", metavar="子命令", parser_class=type(parser))
    parser.set_defaults(func=lambda args: _usage(parser))

    def layers(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--phrasebank",
            metavar="DIR",
            action="append",
            default=[],
            help="再叠加一个素材库目录（可重复；按 id 覆盖前面的层）",
        )

    p = add_command(
        sub,
        "check",
        cmd_check,
        help="检查素材库文件",
        description="检查素材库；不给路径时检查全部层。有错误时退出码为 1。",
    )
    p.add_argument("paths", nargs="*", metavar="PATH", help="要检查的文件或目录")
    layers(p)

    p = add_command(
        sub, "stats", cmd_stats, help="素材库统计", description="按角色、功能、主题统计素材库条目。"
    )
    p.add_argument("--json", action="store_true", help="输出 JSON")
    layers(p)

    p = add_command(
        sub, "search", cmd_search, help="检索短语", description="检索短语（分词索引，容许错别字）。"
    )
    p.add_argument("query", metavar="QUERY", help="检索词，如 招商引资")
    p.add_argument("--role", choices=PHRASE_ROLES, help="只看某一部分：" + "、".join(PHRASE_ROLES))
    p.add_argument("--function", help="只看某一功能，如 作风要求")
    p.add_argument("--topic", help="只看某一主题，如 招商引资")
    p.add_argument("--limit", type=int, default=20, help="最多显示几条（默认 20）")
    p.add_argument("--json", action="store_true", help="输出 JSON")
    p.add_argument(
        "--kind",
        choices=("phrase", "block", "all"),
        default="phrase",
        help="检索短语（phrase，默认）、段落（block）或两者（all）",
    )
    layers(p)

    p = add_command(
        sub,
        "add",
        cmd_add,
        help="追加一条短语到自己的素材库",
        description="校验后把短语追加到用户素材库（默认 mine.yaml）或 --to 指定的文件；原文件内容逐字保留，写入前自动备份。",
    )
    p.add_argument("--role", required=True, choices=PHRASE_ROLES, help="所属部分")
    p.add_argument("--function", required=True, help="功能，如 部署任务、作风要求")
    p.add_argument("--text", required=True, help="短语内容，空位写作 {{ 地区 }}")
    p.add_argument("--topic", action="append", default=[], help="主题（可重复）")
    p.add_argument("--to", metavar="FILE", help="追加到这个 .yaml 文件")
    p.add_argument("--id", help="指定 id（默认自动生成）")
    p.add_argument(
        "--kind",
        choices=("phrase", "block"),
        default="phrase",
        help="phrase 短语（默认）；block 段落（120-500 字，一段讲一个要点）",
    )
    p.add_argument("--point", help="段落的要点（同主题同要点的段落互为备选），只用于 --kind block")
    p.add_argument(
        "--heading", action="append", default=[], help="段落适用的小标题（可重复；重点工作段落必填）"
    )
    p.add_argument("--period", action="append", default=[], choices=PERIODS, help="适用时段（可重复）")
    p.add_argument("--level", action="append", default=[], choices=LEVELS, help="适用层级（可重复）")
    p.add_argument("--speaker", action="append", default=[], choices=SPEAKERS, help="适用讲话人（可重复）")
    p.add_argument(
        "--needs", action="append", default=[], choices=NEEDS, help="前提：前文已讲成绩、前面有人发言"
    )
    layers(p)
    register_candidate_commands(sub)  # candidates / accept / reject (drafter.cli.library)


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return 2


def cmd_check(args: argparse.Namespace) -> int:
    if args.paths:
        problems = check_paths([*args.paths, *args.phrasebank])
        entries = None
    else:
        bank = load_phrasebank(args.phrasebank, strict=False)
        problems = bank.problems
        entries = len(bank.phrases)
        blocks, kinds = len(bank.blocks), len(bank.kinds)
    errors = 0
    for problem in problems:
        # Messages quote file content and names: never print a control character raw.
        if problem.severity == "error":
            errors += 1
            print(visible(str(problem)))
        else:
            print(
                visible(
                    f"{problem.file}:{problem.line}: 警告：{problem.message}"
                    if problem.line
                    else f"{problem}（警告）"
                )
            )
    warnings = len(problems) - errors
    summary = f"{errors} 个错误，{warnings} 个警告"
    if entries is not None:
        extra = f"、{blocks} 段段落、{kinds} 种会议类型" if blocks or kinds else ""
        summary = f"共 {entries} 条短语{extra}；" + summary
    print(("检查未通过：" if errors else "检查通过：") + summary, file=sys.stderr)
    return 1 if errors else 0


def cmd_stats(args: argparse.Namespace) -> int:
    bank = load_phrasebank(args.phrasebank)
    stats = bank.stats()
    if args.json:
        print(json.dumps(stats, ensure_ascii=False, indent=2))
        return 0
    print(f"短语条目：{stats['entries']}（带语料出处 {stats['with_provenance']} 条）")
    print(f"标题组（排比）：{stats['heading_sets']}")
    print("按部分：")
    for role, n in stats["by_role"].items():
        print(f"  {ROLE_LABELS.get(role, role)}（{role}）：{n}")
    print("按功能：")
    for function, n in stats["by_function"].items():
        print(f"  {function}：{n}")
    print(f"主题（{len(stats['topics'])} 个）：")
    for topic, n in stats["topics"].items():
        print(f"  {topic}：{n}")
    if stats["blocks"] or stats["kinds"]:
        print(
            f"段落：{stats['blocks']}（重点工作要点 {stats['block_points']} 个，共 {stats['block_chars']} 字）；"
            f"会议类型：{stats['kinds']}"
        )
        for role, n in stats["blocks_by_role"].items():
            print(f"  {ROLE_LABELS.get(role, role)}（{role}）：{n}")
    if bank.errors:
        print(
            f"注意：素材库有 {len(bank.errors)} 个错误，运行 drafter phrasebank check 查看", file=sys.stderr
        )
    return 0


def _hit_json(h: Hit, *, with_kind: bool) -> dict:
    """One search hit as ``phrasebank search --json`` prints it."""
    item = {
        "id": h.phrase.id,
        "role": h.phrase.role,
        "function": h.phrase.function,
        "topics": h.phrase.topics,
        "text": h.phrase.text,
        "score": h.score,
    }
    if with_kind:
        item["kind"] = h.kind
    if h.kind == "block":
        item["point"] = h.phrase.point
        item["headings"] = h.phrase.headings
    return item


def cmd_search(args: argparse.Namespace) -> int:
    if args.limit < 1:
        raise DrafterError("--limit 应为正整数")
    bank = load_phrasebank(args.phrasebank)
    filters = {"role": args.role, "function": args.function, "topic": args.topic, "limit": args.limit}
    if args.kind == "phrase":
        hits = bank.index.search(args.query, **filters)
    elif args.kind == "block":
        hits = bank.search_blocks(args.query, **filters)
    else:
        hits = bank.index.search(args.query, **filters) + bank.search_blocks(args.query, **filters)
        hits.sort(key=lambda h: -h.score)
        hits = hits[: args.limit]
    if args.json:
        out = [_hit_json(h, with_kind=args.kind != "phrase") for h in hits]
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return 0
    if not hits:
        what = "短语" if args.kind == "phrase" else "段落" if args.kind == "block" else "短语或段落"
        print(visible(f"没有找到与“{args.query}”相关的{what}"), file=sys.stderr)
        return 0
    for h in hits:
        p = h.phrase
        topics = "、".join(p.topics)
        label = "段落·" if h.kind == "block" else ""
        print(
            visible(
                f"[{h.score:.2f}] {p.id}  {label}{ROLE_LABELS.get(p.role, p.role)}·{p.function}"
                + (f"  〔{topics}〕" if topics else "")
            )
        )
        if h.kind == "block" and p.headings:
            print(visible(f"    标题：{' / '.join(p.headings)}"))
        print(f"    {visible(p.text, multiline=True)}")
    return 0


def cmd_add(args: argparse.Namespace) -> int:
    where = {"topics": args.topic, "to": args.to, "id": args.id, "extra_dirs": args.phrasebank}
    if args.kind == "block":
        result = add_block(
            args.role,
            args.function,
            args.text,
            **where,
            point=args.point,
            headings=args.heading,
            period=args.period,
            level=args.level,
            speaker=args.speaker,
            needs=args.needs,
        )
    else:
        used = [
            flag
            for flag, value in (
                ("--point", args.point),
                ("--heading", args.heading),
                ("--period", args.period),
                ("--level", args.level),
                ("--speaker", args.speaker),
                ("--needs", args.needs),
            )
            if value
        ]
        if used:
            raise DrafterError(f"{'、'.join(used)} 只用于段落：请加 --kind block")
        result = add_phrase(args.role, args.function, args.text, **where)
    for warning in result.warnings:
        print(visible(f"警告：{warning}"), file=sys.stderr)
    print(f"已添加：{result.id}")
    print(visible(f"文件：{result.file}"))
    return 0
