"""The writer's library on the command line: a thin shell over drafter.library.

``drafter corpus import/list/search/remove`` (attached to the ``corpus`` group
made in ``drafter.cli.mine``), ``drafter structures``, and
``drafter phrasebank candidates/accept/reject`` (attached to the ``phrasebank``
group through ``register_candidate_commands``).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from drafter.cli.common import Progress, add_command, add_workers_argument, check_workers, display_path
from drafter.errors import DrafterError
from drafter.library import Library, all_structures, library_path, search_all
from drafter.model import ROLE_LABELS

SEARCH_ROLES = ("opening", "situation", "tasks", "discipline", "closing")
CANDIDATE_ROLES = SEARCH_ROLES


# help and description of each subcommand registered here, by name
_TEXTS: dict[str, dict[str, str]] = {
    "structures": {
        "help": "向导可选的讲话结构（自带语料与本单位讲话稿库）",
        "description": "列出起草向导可选的讲话结构：自带语料（seeds）中的和本单位讲话稿库（user）中的，各附篇数与出处。",
    },
    "import": {
        "help": "把讲话稿导入本单位讲话稿库",
        "description": (
            "读取讲话稿文件或文件夹（.txt/.docx，递归），逐篇切分、分析结构和角色、建立检索索引，"
            "并提取结构、排比标题组和候选短语，存入用户目录下的讲话稿库。"
            "未改动的文件再次导入时直接跳过；改动过的文件替换旧内容。"
        ),
    },
    "list": {"help": "列出讲话稿库中的讲话", "description": "列出讲话稿库中的每篇讲话。"},
    "search": {
        "help": "在讲话稿库和自带语料中检索段落",
        "description": "按关键词检索讲话稿库和自带语料中的段落，显示出处（文件、篇序、原文件行号）。",
    },
    "remove": {
        "help": "从讲话稿库中移除文件",
        "description": "从讲话稿库中移除一个文件（给出导入时的路径或文件名；给出文件夹时移除其中全部文件）。",
    },
    "candidates": {
        "help": "待审核的候选短语（来自讲话稿库）",
        "description": "列出从讲话稿库中提取、尚未审核的候选短语。审核通过（accept）后才会进入素材库、用于起草。",
    },
    "accept": {
        "help": "采纳候选短语，追加到自己的素材库",
        "description": "把候选短语（按编号）追加到用户素材库（mine.yaml），带出处；与 phrasebank add 一样校验并备份。",
    },
    "reject": {"help": "舍弃候选短语", "description": "舍弃候选短语（按编号），以后不再列出。"},
}


def _add(subparsers: Any, name: str, func: Any) -> argparse.ArgumentParser:
    return add_command(subparsers, name, func, **_TEXTS[name])


def register(subparsers: Any) -> None:
    """``drafter structures``."""
    p = _add(subparsers, "structures", run_structures)
    p.add_argument("--json", action="store_true", help="输出 JSON")


def register_corpus_commands(corpus_sub: Any) -> None:
    """``drafter corpus import/list/search/remove``."""
    p = _add(corpus_sub, "import", run_import)
    p.add_argument("paths", nargs="+", metavar="路径", help="讲话稿文件或文件夹")
    p.add_argument("--json", action="store_true", help="输出 JSON 汇总")
    p.add_argument("--quiet", action="store_true", help="不显示进度和汇总")
    add_workers_argument(p)
    _add(corpus_sub, "list", run_list).add_argument("--json", action="store_true", help="输出 JSON")
    p = _add(corpus_sub, "search", run_search)
    p.add_argument("query", metavar="QUERY", help="检索词，如 防汛")
    p.add_argument("--role", choices=SEARCH_ROLES, help="只看某一部分：" + "、".join(SEARCH_ROLES))
    p.add_argument("--limit", type=int, default=20, help="最多显示几条（默认 20）")
    p.add_argument("--json", action="store_true", help="输出 JSON")
    _add(corpus_sub, "remove", run_remove).add_argument(
        "source", metavar="SOURCE", help="文件路径、文件名或文件夹"
    )


def register_candidate_commands(sub: Any) -> None:
    """``drafter phrasebank candidates/accept/reject``."""
    p = _add(sub, "candidates", run_candidates)
    p.add_argument("--role", choices=CANDIDATE_ROLES, help="只看某一部分：" + "、".join(CANDIDATE_ROLES))
    p.add_argument("--json", action="store_true", help="输出 JSON")
    for name, func in (("accept", run_accept), ("reject", run_reject)):
        _add(sub, name, func).add_argument("ids", nargs="+", metavar="ID", help="候选短语编号")


def _print_json(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


def _json_or_none(args: argparse.Namespace, items: list[Any], none: str) -> bool:
    """With ``--json`` print ``items`` as JSON; else, when there are none, say ``none`` on stderr.

    True when that was all there is to print.
    """
    if args.json:
        _print_json([x.to_dict() for x in items])
        return True
    if not items:
        print(none, file=sys.stderr)
        return True
    return False


def _safe(text: str | None) -> str:
    """Text from a user's files, with control characters made visible (never printed raw)."""
    if not text:
        return ""
    return "".join(c if c >= " " or c == "\t" else f"\\x{ord(c):02x}" for c in text).replace("\x7f", "\\x7f")


# ---------------------------------------------------------------------------
# corpus import / list / search / remove


def run_import(args: argparse.Namespace) -> int:
    workers = check_workers(args.workers) or 1
    progress = Progress("导入中", enabled=not (args.quiet or args.json), min_total=20)
    with Library.open() as lib:
        try:
            report = lib.import_paths(args.paths, progress, workers=workers)
        finally:
            progress.finish()
    if args.json:
        _print_json(report.to_dict())
    else:
        for file, message in report.errors:
            print(f"drafter: {display_path(file)}: {_safe(message)}（已跳过）", file=sys.stderr)
        if not args.quiet:
            print(
                f"已导入 {report.files} 个文件、{report.speeches} 篇讲话（近似重复 {report.duplicates} 篇），"
                f"未改动而跳过 {report.unchanged} 个文件；结构 {report.structures} 种，"
                f"新候选短语 {report.candidates} 条，用时 {progress.elapsed():.1f} 秒 → {display_path(library_path())}",
                file=sys.stderr,
            )
    if report.errors and not report.files and not report.unchanged:
        return 1
    return 0


def run_list(args: argparse.Namespace) -> int:
    with Library.open() as lib:
        speeches = lib.list_speeches()
    if _json_or_none(args, speeches, "讲话稿库是空的：用 drafter corpus import 路径 导入讲话稿"):
        return 0
    for s in speeches:
        meta = "　".join(x for x in (_safe(s.speaker), _safe(s.date)) if x)
        print(
            f"{_safe(s.source)} 第{s.index + 1}篇：{_safe(s.title) or '（无标题）'}"
            f"{'　' + meta if meta else ''}　{s.sections} 个部分"
        )
    return 0


def run_search(args: argparse.Namespace) -> int:
    if args.limit < 1:
        raise DrafterError("--limit 应为正整数")
    hits = search_all(args.query, role=args.role, limit=args.limit)
    if _json_or_none(args, hits, f"没有找到与“{_safe(args.query)}”相关的段落"):
        return 0
    for h in hits:
        role = ROLE_LABELS.get(h.role or "", h.role or "")
        where = f"{_safe(h.source)} 第{h.index + 1}篇 第{h.line}行"
        heading = f"｜{_safe(h.heading)}" if h.heading else ""
        print(f"[{h.score:.2f}] {where}  {role}{heading}")
        print(f"    {_safe(h.text)}")
    return 0


def run_remove(args: argparse.Namespace) -> int:
    with Library.open() as lib:
        n = lib.remove(args.source)
    if not n:
        raise DrafterError(f"讲话稿库中没有“{args.source}”（用 drafter corpus list 查看已导入的文件）")
    print(f"已从讲话稿库移除 {n} 个文件")
    return 0


# ---------------------------------------------------------------------------
# structures


def run_structures(args: argparse.Namespace) -> int:
    found = all_structures()
    if args.json:
        _print_json([s.to_dict() for s in found])
        return 0
    print(f"  {'篇数':>4}  {'来源':<4}  结构")
    for s in found:
        origin = "自带" if s.origin == "seeds" else "本单位"
        where = "、".join(f"{_safe(src)}#{i}" for src, i in s.speeches[:4])
        more = " 等" if len(s.speeches) > 4 else ""
        print(f"  {s.count:>4}  {origin:<4}  {s.labels}    （{where}{more}）")
    return 0


# ---------------------------------------------------------------------------
# phrasebank candidates / accept / reject


def run_candidates(args: argparse.Namespace) -> int:
    with Library.open() as lib:
        found = lib.candidates(args.role)
    if _json_or_none(args, found, "没有待审核的候选短语（先用 drafter corpus import 导入讲话稿）"):
        return 0
    for c in found:
        file, speech, line = c.source
        role = ROLE_LABELS.get(c.role, c.role)
        topics = f"〔{'、'.join(c.topics)}〕" if c.topics else ""
        print(f"{c.id}  {role}·{c.function}{topics}  {_safe(file)} 第{speech + 1}篇第{line}行")
        print(f"    {_safe(c.text)}")
    print(
        f"共 {len(found)} 条；采纳：drafter phrasebank accept 编号…，舍弃：drafter phrasebank reject 编号…",
        file=sys.stderr,
    )
    return 0


def run_accept(args: argparse.Namespace) -> int:
    with Library.open() as lib:
        added = lib.accept(args.ids)
    for cid, pid in zip(args.ids, added, strict=True):
        print(f"已采纳：{cid} → {pid}")
    return 0


def run_reject(args: argparse.Namespace) -> int:
    with Library.open() as lib:
        n = lib.reject(args.ids)
    print(f"已舍弃 {n} 条候选短语")
    return 0
