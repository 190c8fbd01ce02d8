"""``drafter new`` / ``drafter draft`` / ``drafter templates``: a thin shell over render.py."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from drafter.cli.common import add_command
from drafter.drafting import (
    date_year,
    draft_to_yaml,
    find_template,
    list_templates,
    load_draft,
    new_spec_text,
    render_text,
)
from drafter.drafting.suggest import DEFAULT_MINUTES, DEFAULT_RATE, OTHERS_SPOKE_FIELD, suggest
from drafter.errors import DrafterError
from drafter.model import MEETING_FIELDS, ROLE_LABELS
from drafter.outline import parse_speech
from drafter.phrasebank import Phrasebank, load_phrasebank
from drafter.util import atomic_write

SEVERITY_LABELS = {"error": "错误", "warning": "警告", "info": "提示"}
FORMATS = ("docx", "md", "txt")


def register(sub: argparse._SubParsersAction) -> None:
    p = add_command(
        sub,
        "new",
        cmd_new,
        help="按模板生成一份可手工填写的草稿（YAML）",
        description="按模板生成一份草稿文件：会议信息待填，各部分已按素材库给出建议，"
        "文件末尾以注释列出该模板可选的全部标题组和素材。",
    )
    p.add_argument("--template", "-t", required=True, metavar="模板", help="模板名称（见 drafter templates）")
    p.add_argument("-o", "--output", metavar="文件", help="写入的文件（缺省时输出到屏幕）")
    _force_option(p)
    _phrasebank_option(p)

    p = add_command(
        sub,
        "draft",
        cmd_draft,
        help="把草稿生成讲话稿：检查后导出 .docx / .md / .txt",
        description="读取草稿 → 生成正文（编号自动）→ 检查（问题打印到标准错误）→ 导出。",
    )
    p.add_argument("spec", metavar="草稿", help="草稿文件（YAML）")
    p.add_argument("-o", "--output", required=True, metavar="文件", help="输出文件（.docx、.md 或 .txt）")
    p.add_argument("--format", choices=FORMATS, help="输出格式（缺省按文件扩展名）")
    p.add_argument("--allow-blanks", action="store_true", help="缺少的填空留作【待补：名称】标记，而不报错")
    _force_option(p)
    p.add_argument(
        "--profile",
        choices=("gb2312", "windows"),
        default="gb2312",
        help="字体方案：gb2312（缺省）或 windows",
    )
    p.add_argument(
        "--heading-separator",
        action="store_true",
        help="带正文的小标题（如“（一）强化担当意识。”）单独成为标题段并用 Word 的样式分隔符与正文接排，"
        "使其出现在 Word 导航窗格中（LibreOffice 显示为两行）",
    )
    p.add_argument(
        "--require-fonts", action="store_true", help="本机未安装字体方案中的字体时报错退出，不导出"
    )
    _phrasebank_option(p)

    p = add_command(
        sub,
        "suggest",
        cmd_suggest,
        help="按会议信息生成一份建议草稿（YAML），与向导的快速路径相同",
        description="识别会议类型（会议名称、会议类型、主题），按日期、层级和讲话人挑选素材段落，"
        "写出一份可直接生成讲话稿的草稿。素材库没有覆盖的议题留作【待补】并在标准错误给出提示。"
        f"篇幅缺省约 {DEFAULT_MINUTES} 分钟（按每分钟 {DEFAULT_RATE} 字计）。",
    )
    p.add_argument("--template", "-t", metavar="模板", help="模板名称（缺省按会议类型推荐）")
    p.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="字段=值",
        dest="fields",
        help=f"会议信息（可多次）：{'、'.join(MEETING_FIELDS)}；前面已有人发言时加 {OTHERS_SPOKE_FIELD}=是",
    )
    p.add_argument(
        "--topic", action="append", default=[], metavar="词", help="会议议题关键词（可多次，并入“主题”）"
    )
    p.add_argument(
        "--seed", type=int, default=0, metavar="N", help="换一种写法：不同的 N 给出不同的建议稿（缺省 0）"
    )
    size = p.add_mutually_exclusive_group()
    size.add_argument(
        "--minutes", type=float, metavar="M", help=f"目标篇幅（分钟，按每分钟 {DEFAULT_RATE} 字计）"
    )
    size.add_argument("--chars", type=int, metavar="N", help="目标篇幅（字数）")
    p.add_argument("-o", "--output", metavar="文件", help="写入的草稿文件（缺省时输出到屏幕）")
    _force_option(p)
    _phrasebank_option(p)

    p = add_command(
        sub, "templates", cmd_templates, help="列出可用的讲话稿模板", description="列出内置模板和用户模板。"
    )
    p.add_argument("--json", action="store_true", help="以 JSON 输出")


def _phrasebank_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--phrasebank", action="append", default=[], metavar="目录", help="额外的素材库目录（可多次）"
    )


def _force_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--force", action="store_true", help="覆盖已有文件（原文件保留为 .bak）")


def _phrasebank(dirs: list[str]) -> Phrasebank:
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


def _write_output(text: str, output: str | None, force: bool) -> int:
    """Write a generated YAML draft to ``output`` (a .bak of what it replaces), or to stdout without one."""
    if not output:
        sys.stdout.write(text)
        return 0
    target = Path(output)
    if target.exists() and not force:
        raise DrafterError("文件已存在；如需覆盖请加 --force", str(target))
    atomic_write(target, text, overwrite=True, backup=target.exists())
    print(str(target))
    return 0


def cmd_new(args: argparse.Namespace) -> int:
    info = find_template(args.template)
    if info.problem:
        raise DrafterError(info.problem)
    bank = _phrasebank(args.phrasebank)
    text = new_spec_text(info, bank)
    return _write_output(text, args.output, args.force)


def cmd_draft(args: argparse.Namespace) -> int:
    # export (~100 ms: python-docx, lxml) and lint (~65 ms) are imported here, not at the top:
    # `drafter new`, `suggest` and `templates` do not need them (measured with python -X importtime).
    if getattr(args, "require_fonts", False):
        from drafter.export import require_fonts

        require_fonts(args.profile)

    bank = _phrasebank(args.phrasebank)
    draft = load_draft(args.spec, bank)
    text = render_text(draft, bank, allow_blanks=args.allow_blanks)
    speech = parse_speech(text, source=Path(args.spec).name, path=str(args.spec))
    year = date_year(draft.meeting.get("日期"))
    from drafter.lint import lint_speech

    findings = lint_speech(speech, year=year, draft=True, meeting=draft.meeting)
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
        heading_separator=getattr(args, "heading_separator", False),
    )
    print(str(out))
    return 0


def _meeting_from_args(fields: list[str], topics: list[str]) -> dict[str, str]:
    meeting = {name: "" for name in MEETING_FIELDS}
    for raw in fields:
        key, sep, value = raw.partition("=")
        key = key.strip()
        if not sep or not key:
            raise DrafterError(f"--set 应写成“字段=值”，如 --set 地区=青山县（收到：{raw}）")
        if key not in MEETING_FIELDS and key != OTHERS_SPOKE_FIELD:
            known = "、".join([*MEETING_FIELDS, OTHERS_SPOKE_FIELD])
            raise DrafterError(f"--set 不认识的字段“{key}”（可用：{known}）")
        meeting[key] = value.strip()
    words = [w.strip() for w in topics if w.strip()]
    if words:
        meeting["主题"] = " ".join(x for x in (meeting.get("主题", ""), *words) if x)
    return meeting


def cmd_suggest(args: argparse.Namespace) -> int:
    if args.minutes is not None and not 0 < args.minutes <= 240:
        raise DrafterError("--minutes 应在 1 到 240 分钟之间")
    if args.chars is not None and not 100 <= args.chars <= 60_000:
        raise DrafterError("--chars 应在 100 到 60000 字之间")
    meeting = _meeting_from_args(args.fields, args.topic)
    if args.template:
        info = find_template(args.template)
        if info.problem:
            raise DrafterError(info.problem)
    bank = _phrasebank(args.phrasebank)
    result = suggest(args.template, meeting, bank, seed=args.seed, minutes=args.minutes, chars=args.chars)
    for warning in result.warnings:
        print(f"drafter: 注意：{warning}", file=sys.stderr)
    text = draft_to_yaml(result.draft)
    return _write_output(text, args.output, args.force)


def cmd_templates(args: argparse.Namespace) -> int:
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
