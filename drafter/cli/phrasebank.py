"""``drafter phrasebank check/stats/search/add``: a thin shell over drafter.phrasebank."""

from __future__ import annotations

import argparse
import json
import sys

from drafter.errors import DrafterError
from drafter.model import PHRASE_ROLES, ROLE_LABELS
from drafter.phrasebank import add_phrase, check_paths, load_phrasebank


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

    p = sub.add_parser(
        "check", help="检查素材库文件", description="检查素材库；不给路径时检查全部层。有错误时退出码为 1。"
    )
    p.add_argument("paths", nargs="*", metavar="PATH", help="要检查的文件或目录")
    layers(p)
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("stats", help="素材库统计", description="按角色、功能、主题统计素材库条目。")
    p.add_argument("--json", action="store_true", help="输出 JSON")
    layers(p)
    p.set_defaults(func=cmd_stats)

    p = sub.add_parser("search", help="检索短语", description="检索短语（分词索引，容许错别字）。")
    p.add_argument("query", metavar="QUERY", help="检索词，如 招商引资")
    p.add_argument("--role", choices=PHRASE_ROLES, help="只看某一部分：" + "、".join(PHRASE_ROLES))
    p.add_argument("--function", help="只看某一功能，如 作风要求")
    p.add_argument("--topic", help="只看某一主题，如 招商引资")
    p.add_argument("--limit", type=int, default=20, help="最多显示几条（默认 20）")
    p.add_argument("--json", action="store_true", help="输出 JSON")
    layers(p)
    p.set_defaults(func=cmd_search)

    p = sub.add_parser(
        "add",
        help="追加一条短语到自己的素材库",
        description="校验后把短语追加到用户素材库（默认 mine.yaml）或 --to 指定的文件；原文件内容逐字保留，写入前自动备份。",
    )
    p.add_argument("--role", required=True, choices=PHRASE_ROLES, help="所属部分")
    p.add_argument("--function", required=True, help="功能，如 部署任务、作风要求")
    p.add_argument("--text", required=True, help="短语内容，空位写作 {{ 地区 }}")
    p.add_argument("--topic", action="append", default=[], help="主题（可重复）")
    p.add_argument("--to", metavar="FILE", help="追加到这个 .yaml 文件")
    p.add_argument("--id", help="指定 id（默认自动生成）")
    layers(p)
    p.set_defaults(func=cmd_add)


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return 2


def cmd_check(args: argparse.Namespace) -> int:
    if args.paths:
        problems = check_paths([*args.paths, *args.phrasebank])
        entries = None
    else:
        bank = load_phrasebank(args.phrasebank)
        problems = bank.problems
        entries = len(bank.phrases)
    errors = 0
    for problem in problems:
        if problem.severity == "error":
            errors += 1
            print(problem)
        else:
            print(
                f"{problem.file}:{problem.line}: 警告：{problem.message}"
                if problem.line
                else f"{problem}（警告）"
            )
    warnings = len(problems) - errors
    summary = f"{errors} 个错误，{warnings} 个警告"
    if entries is not None:
        summary = f"共 {entries} 条短语；" + summary
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
    if bank.errors:
        print(
            f"注意：素材库有 {len(bank.errors)} 个错误，运行 drafter phrasebank check 查看", file=sys.stderr
        )
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    if args.limit < 1:
        raise DrafterError("--limit 应为正整数")
    bank = load_phrasebank(args.phrasebank)
    hits = bank.index.search(
        args.query, role=args.role, function=args.function, topic=args.topic, limit=args.limit
    )
    if args.json:
        out = [
            {
                "id": h.phrase.id,
                "role": h.phrase.role,
                "function": h.phrase.function,
                "topics": h.phrase.topics,
                "text": h.phrase.text,
                "score": h.score,
            }
            for h in hits
        ]
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return 0
    if not hits:
        print(f"没有找到与“{args.query}”相关的短语", file=sys.stderr)
        return 0
    for h in hits:
        p = h.phrase
        topics = "、".join(p.topics)
        print(
            f"[{h.score:.2f}] {p.id}  {ROLE_LABELS.get(p.role, p.role)}·{p.function}"
            + (f"  〔{topics}〕" if topics else "")
        )
        print(f"    {p.text}")
    return 0


def cmd_add(args: argparse.Namespace) -> int:
    result = add_phrase(
        args.role,
        args.function,
        args.text,
        topics=args.topic,
        to=args.to,
        id=args.id,
        extra_dirs=args.phrasebank,
    )
    for warning in result.warnings:
        print(f"警告：{warning}", file=sys.stderr)
    print(f"已添加：{result.id}")
    print(f"文件：{result.file}")
    return 0
