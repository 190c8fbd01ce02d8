"""``drafter mine`` and ``drafter corpus stats``: thin shells over drafter.mine."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import yaml

from drafter.cli.common import Progress, add_workers_argument, check_workers
from drafter.cli.library import register_corpus_commands
from drafter.errors import DrafterError
from drafter.mine import blocks_yaml, mine_block_paths, mine_paths, topic_rules
from drafter.model import ROLE_LABELS, SECTION_ROLES
from drafter.phrasebank import load_phrasebank
from drafter.util import atomic_write, check_output_target, seeds_dir

PROGRESS_MIN_FILES = 20


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "mine",
        help="挖掘语料：结构、排比标题组、短语候选（YAML）",
        description=(
            "挖掘讲话稿语料，输出 YAML：各篇讲话的结构（认清形势→重点工作→作风纪律等）、"
            "排比标题组（如“强化{X}意识”）、按角色和功能分类的短语候选（带出处 文件/篇序/行号），"
            "以及从语料中挖掘出的角色提示词。不给路径时挖掘自带的 seeds/ 语料；"
            "不给 -o 时输出到标准输出。"
            "加 --blocks（或写成 drafter mine blocks [路径...]）则改为挖掘段落素材（blocks）：开场、认清形势、"
            "重点工作、作风纪律、结尾中 120-500 字的段落，数字、排名、日期、占位符改为空位，仍带具体事实的舍弃，"
            "输出为素材库文件（origin: mined，带出处），如 drafter mine blocks -o phrasebank/blocks/seeds.yaml --force。"
        ),
    )
    p.add_argument(
        "paths", nargs="*", metavar="路径", help="语料文件或文件夹（.txt/.docx，递归）；默认 seeds/"
    )
    p.add_argument("-o", "--output", metavar="文件", help="写入的 YAML 文件（已存在时先备份为 .bak）")
    add_workers_argument(p)
    p.add_argument("--no-cache", action="store_true", help="不使用、不写入按内容哈希的缓存")
    p.add_argument("--quiet", action="store_true", help="不显示进度和汇总")
    p.add_argument(
        "--blocks",
        action="store_true",
        help="挖掘段落素材（blocks），输出素材库 YAML；也可写成 drafter mine blocks [路径...]",
    )
    p.add_argument("--force", action="store_true", help="（--blocks）覆盖已有的 -o 文件（原文件保留为 .bak）")
    p.set_defaults(func=run_mine)

    corpus = subparsers.add_parser(
        "corpus",
        help="语料统计；讲话稿库：导入、列出、检索、移除",
        description="语料相关命令：统计语料，以及本单位讲话稿库（用户目录下）的导入、列出、检索、移除。",
    )
    corpus_sub = corpus.add_subparsers(dest="corpus_command", metavar="子命令", parser_class=type(p))
    stats = corpus_sub.add_parser(
        "stats",
        help="讲话篇数、重复篇、各角色部分数、结构表",
        description="统计语料：讲话篇数、近似重复篇、各角色（认清形势/重点工作/作风纪律）的部分数、结构表。",
    )
    stats.add_argument("paths", nargs="*", metavar="路径", help="语料文件或文件夹；默认 seeds/")
    stats.add_argument("--json", action="store_true", help="输出 JSON")
    add_workers_argument(stats)
    stats.add_argument("--no-cache", action="store_true", help="不使用缓存")
    stats.set_defaults(func=run_corpus_stats)
    register_corpus_commands(corpus_sub)
    corpus.set_defaults(func=_corpus_usage(corpus))


def _corpus_usage(parser: argparse.ArgumentParser):
    def show(_args: argparse.Namespace) -> int:
        parser.print_help(sys.stderr)
        return 2

    return show


def _paths(args: argparse.Namespace) -> list[str]:
    if args.paths:
        return list(args.paths)
    return [str(seeds_dir())]


def _mine(args: argparse.Namespace, quiet: bool):
    workers = check_workers(args.workers)
    progress = Progress("挖掘中", enabled=not quiet, min_total=PROGRESS_MIN_FILES)
    result = mine_paths(_paths(args), progress, workers=workers, use_cache=not args.no_cache)
    progress.finish()
    for err in result.errors:
        note = "" if "跳过" in str(err) else "（已跳过）"
        print(f"drafter: {err}{note}", file=sys.stderr)
    if not result.speeches:
        raise DrafterError("没有读到任何讲话稿：所有文件都无法读取或为空")
    return result, progress


def _blocks_mode(args: argparse.Namespace) -> bool:
    """``--blocks``, or ``drafter mine blocks [PATH...]`` (when no file or folder is called ``blocks``)."""
    if args.paths and args.paths[0] == "blocks" and not Path("blocks").exists():
        args.paths = args.paths[1:]
        return True
    return bool(args.blocks)


def run_mine_blocks(args: argparse.Namespace) -> int:
    """``drafter mine blocks``: paragraph blocks of the corpus as a phrasebank file (origin: mined)."""
    target = check_output_target(args.output, overwrite=args.force) if args.output else None
    kinds = load_phrasebank(include_user=False).kinds.values()
    result = mine_block_paths(_paths(args), topic_rules(kinds))
    for err in result.errors:
        print(f"drafter: {err}（已跳过）", file=sys.stderr)
    if not result.speeches:
        raise DrafterError("没有读到任何讲话稿：所有文件都无法读取或为空")
    where = _emit(blocks_yaml(result.blocks), target, keep_unchanged=True)
    if not args.quiet:
        reasons = "；".join(f"{r} {n}" for r, n in result.reasons().most_common(6))
        print(
            f"已挖掘 {result.speeches} 篇讲话：段落 {len(result.blocks)} 条，舍弃 {len(result.rejected)} 条"
            f"（{reasons}）→ {where}",
            file=sys.stderr,
        )
    return 0


def _emit(text: str, target: Path | None, *, keep_unchanged: bool = False) -> str:
    """Write ``text`` to ``target`` (atomically, the old file kept as .bak) or to standard output; where it
    went, as the summary line says it.  ``keep_unchanged``: a file already holding ``text`` is not rewritten
    (no .bak either)."""
    if target is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return "标准输出"
    if not (keep_unchanged and target.is_file() and target.read_bytes() == text.encode("utf-8")):
        atomic_write(target, text, backup=target.exists())
    return str(target)


def run_mine(args: argparse.Namespace) -> int:
    if _blocks_mode(args):
        return run_mine_blocks(args)
    result, progress = _mine(args, args.quiet)
    data = result.to_dict()
    header = (
        "# drafter mine 输出：structures 结构，heading_sets 排比标题组，phrases 短语候选，role_cues 角色提示词。\n"
        "# 短语中的 {{ 名称 }} 是由语料占位符（XX、*、×× 等）转成的空位；source 为 文件/篇序（从 0 起）/行号。\n"
    )
    text = header + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000)
    where = _emit(text, Path(args.output) if args.output else None)
    if not args.quiet:
        st = result.stats
        print(
            f"已挖掘 {st['files']} 个文件、{st['speeches']} 篇讲话（近似重复 {st['duplicates']} 篇）："
            f"结构 {len(result.structures)} 种，排比标题组 {st['heading_sets']} 组，"
            f"短语候选 {st['phrases']} 条，用时 {progress.elapsed():.1f} 秒 → {where}",
            file=sys.stderr,
        )
    return 0


def stats_dict(result) -> dict:
    """The ``corpus stats --json`` object."""
    st = result.stats
    return {
        "files": st["files"],
        "files_with_errors": st["files_with_errors"],
        "speeches": st["speeches"],
        "distinct_speeches": st["distinct_speeches"],
        "duplicates": [
            {
                "source": s.source,
                "index": s.index,
                "title": s.title,
                "duplicate_of": {"source": s.duplicate_of[0], "index": s.duplicate_of[1]},
            }
            for s in result.speeches
            if s.duplicate_of is not None
        ],
        "sections_by_role": st["sections_by_role"],
        "structures": [s.to_dict() for s in result.structures],
        "errors": [str(e) for e in result.errors],
    }


def run_corpus_stats(args: argparse.Namespace) -> int:
    result, _progress = _mine(args, quiet=args.json)
    data = stats_dict(result)
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return 0
    out = [
        f"文件 {data['files']} 个（无法读取 {data['files_with_errors']} 个），讲话 {data['speeches']} 篇，"
        f"去重后 {data['distinct_speeches']} 篇",
    ]
    if data["duplicates"]:
        out.append("近似重复：")
        for d in data["duplicates"]:
            orig = d["duplicate_of"]
            out.append(
                f"  {d['source']} 第{d['index'] + 1}篇 与 {orig['source']} 第{orig['index'] + 1}篇 重复（只计一次）"
            )
    out.append("各角色部分数（去重后）：")
    for role in SECTION_ROLES:
        out.append(f"  {ROLE_LABELS[role]}（{role}）：{data['sections_by_role'][role]}")
    out.append("结构表：")
    out.append(f"  {'篇数':>4}  结构")
    for s in data["structures"]:
        where = "、".join(f"{x['source']}#{x['index']}" for x in s["speeches"][:6])
        more = " 等" if len(s["speeches"]) > 6 else ""
        out.append(f"  {s['count']:>4}  {s['labels']}    （{where}{more}）")
    print("\n".join(out))
    return 0
