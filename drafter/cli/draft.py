"""``drafter new`` / ``drafter draft`` / ``drafter templates``: a thin shell over render.py."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from drafter.drafting import date_year
from drafter.errors import DrafterError
from drafter.model import ROLE_LABELS
from drafter.util import atomic_write

SEVERITY_LABELS = {"error": "错误", "warning": "警告", "info": "提示"}
FORMATS = ("docx", "md", "txt")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "new",
        help="按模板生成一份可手工填写的草稿（YAML）",
        description="按模板生成一份草稿文件：会议信息待填，各部分已按素材库给出建议，"
        "文件末尾以注释列出该模板可选的全部标题组和素材。",
    )
    p.add_argument("--template", "-t", required=True, metavar="模板", help="模板名称（见 drafter templates）")
    p.add_argument("-o", "--output", metavar="文件", help="写入的文件（缺省时输出到屏幕）")
    p.add_argument("--force", action="store_true", help="覆盖已有文件（原文件保留为 .bak）")
    p.add_argument(
        "--phrasebank", action="append", default=[], metavar="目录", help="额外的素材库目录（可多次）"
    )
    p.set_defaults(func=cmd_new)

    p = sub.add_parser(
        "draft",
        help="把草稿生成讲话稿：检查后导出 .docx / .md / .txt",
        description="读取草稿 → 生成正文（编号自动）→ 检查（问题打印到标准错误）→ 导出。",
    )
    p.add_argument("spec", metavar="草稿", help="草稿文件（YAML）")
    p.add_argument("-o", "--output", required=True, metavar="文件", help="输出文件（.docx、.md 或 .txt）")
    p.add_argument("--format", choices=FORMATS, help="输出格式（缺省按文件扩展名）")
    p.add_argument("--allow-blanks", action="store_true", help="缺少的填空留作【待补：名称】标记，而不报错")
    p.add_argument("--force", action="store_true", help="覆盖已有文件（原文件保留为 .bak）")
    p.add_argument(
        "--profile",
        choices=("gb2312", "windows"),
        default="gb2312",
        help="字体方案：gb2312（缺省）或 windows",
    )
    p.add_argument(
        "--phrasebank", action="append", default=[], metavar="目录", help="额外的素材库目录（可多次）"
    )
    p.set_defaults(func=cmd_draft)

    p = sub.add_parser("templates", help="列出可用的讲话稿模板", description="列出内置模板和用户模板。")
    p.add_argument("--json", action="store_true", help="以 JSON 输出")
    p.set_defaults(func=cmd_templates)


def _phrasebank(dirs: list[str]) -> Any:
    from drafter.phrasebank import load_phrasebank

    for d in dirs:
        if not Path(d).is_dir():
            raise DrafterError("素材库目录不存在", d)
    bank = load_phrasebank(dirs)
    errors = [p for p in getattr(bank, "problems", []) if p.severity == "error"]
    if errors:
        print(
            f"drafter: 注意：素材库有 {len(errors)} 处错误，相关条目已跳过（用 drafter phrasebank check 查看）",
            file=sys.stderr,
        )
    return bank


def cmd_new(args: argparse.Namespace) -> int:
    from drafter.drafting import find_template, new_spec_text

    info = find_template(args.template)
    if info.problem:
        raise DrafterError(info.problem)
    bank = _phrasebank(args.phrasebank)
    text = new_spec_text(info, bank)
    if not args.output:
        sys.stdout.write(text)
        return 0
    target = Path(args.output)
    if target.exists() and not args.force:
        raise DrafterError("文件已存在；如需覆盖请加 --force", str(target))
    atomic_write(target, text, overwrite=True, backup=target.exists())
    print(str(target))
    return 0


def cmd_draft(args: argparse.Namespace) -> int:
    from drafter.drafting import load_draft, render_text

    bank = _phrasebank(args.phrasebank)
    draft = load_draft(args.spec, bank)
    text = render_text(draft, bank, allow_blanks=args.allow_blanks)
    from drafter.outline import parse_speech

    speech = parse_speech(text, source=Path(args.spec).name, path=str(args.spec))
    year = date_year(draft.meeting.get("日期"))
    from drafter.lint import lint_speech

    findings = lint_speech(speech, year=year, draft=True)
    for f in findings:
        sev = SEVERITY_LABELS.get(f.severity, f.severity)
        print(f"{sev} {f.rule} {f.location} {f.message}", file=sys.stderr)
    if findings:
        n_err = sum(1 for f in findings if f.severity == "error")
        print(f"检查发现 {len(findings)} 处问题（其中错误 {n_err} 处），仍已导出。", file=sys.stderr)
    from drafter.export import export_speech

    out = export_speech(
        speech,
        args.output,
        args.format,
        force=args.force,
        profile=args.profile,
        author=draft.meeting.get("讲话人", "") or "",
    )
    print(str(out))
    return 0


def cmd_templates(args: argparse.Namespace) -> int:
    from drafter.drafting import list_templates

    infos = list_templates()
    if args.json:
        data = [
            {
                "name": t.name,
                "title": t.title,
                "description": t.description,
                "roles": t.roles,
                "heading_sets": t.heading_sets,
                "path": str(t.path),
                "user": t.user,
                "problem": t.problem,
            }
            for t in infos
        ]
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return 0
    if not infos:
        print("没有找到任何模板。")
        return 1
    for t in infos:
        origin = "用户" if t.user else "内置"
        roles = " → ".join(ROLE_LABELS.get(r, r) for r in t.roles)
        print(f"{t.name}\t{t.title}（{origin}）\t{roles}")
        if t.description:
            print(f"\t{t.description}")
        if t.problem:
            print(f"\t有错误：{t.problem}")
    return 0
