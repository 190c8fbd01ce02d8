"""``drafter fonts [--profile P] [--json] [--strict]``: which of a profile's fonts this machine has;
``drafter check-layout FILE.docx [--json]``: GB/T 9704 layout measured on a LibreOffice rendering;
``drafter preview FILE.docx -o DIR``: PNG pages."""

from __future__ import annotations

import argparse
import json
import sys

from drafter.cli.common import add_command
from drafter.errors import DrafterError
from drafter.export import (
    DEFAULT_PROFILE,
    PROFILES,
    FontProfile,
    FontStatus,
    check_layout,
    font_report,
    fonts_problem,
    format_report,
    get_profile,
    render_pages,
)


def register(subparsers) -> None:
    parser = add_command(
        subparsers,
        "fonts",
        run_fonts,
        help="检查导出 Word 所用字体是否已安装",
        description="列出字体方案中每种字体是否已在本机安装，以及缺少时查看器会用什么字体代替。",
    )
    parser.add_argument(
        "--profile",
        default=DEFAULT_PROFILE,
        choices=sorted(PROFILES),
        help="字体方案：gb2312（公文标准字体，默认）或 windows（Windows 自带字体）",
    )
    parser.add_argument("--json", action="store_true", help="以 JSON 输出")
    parser.add_argument(
        "--strict", action="store_true", help="缺少方案中的字体（或无法判断）时以非零退出码结束"
    )

    parser = add_command(
        subparsers,
        "check-layout",
        run_check_layout,
        help="用 LibreOffice 排版后检查 Word 文件是否符合 GB/T 9704",
        description="用 LibreOffice 把 .docx 转成 PDF，再测量每页行数（22）、每行字数（28）、页边距、"
        "单双页页码位置，以及字体是真正嵌入还是被替换。需要安装 LibreOffice 和 poppler。"
        "全部符合时退出码为 0，有不符项时为 1。",
    )
    parser.add_argument("file", metavar="文件", help="要检查的 .docx 文件")
    parser.add_argument("--json", action="store_true", help="以 JSON 输出")

    parser = add_command(
        subparsers,
        "preview",
        run_preview,
        help="把 Word 文件按页输出为 PNG 图片",
        description="用 LibreOffice 排版 .docx，并把每一页写成 PNG 图片（文件名-页码.png）。"
        "需要安装 LibreOffice 和 poppler。",
    )
    parser.add_argument("file", metavar="文件", help="要预览的 .docx 文件")
    parser.add_argument("-o", "--output", required=True, metavar="文件夹", help="写入 PNG 图片的文件夹")
    parser.add_argument("--dpi", type=int, default=80, help="分辨率（每英寸点数，默认 80）")


def run_fonts(args: argparse.Namespace) -> int:
    profile = get_profile(args.profile)
    report = font_report(profile.name)
    failure = fonts_problem(profile.name, report) if getattr(args, "strict", False) else None
    if args.json:
        print(
            json.dumps(
                {"profile": profile.name, "fonts": [s.to_dict() for s in report]},
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        _print_fonts(profile, report)
    if failure:
        print(f"drafter: {failure}", file=sys.stderr)
        return 1
    return 0


_INSTALLED = {True: "已安装", False: "未安装"}


def _print_fonts(profile: FontProfile, report: list[FontStatus]) -> None:
    """The font report as text: one line a font, then a note on what is missing."""
    print(f"字体方案：{profile.name} —— {profile.description}")
    for status in report:
        line = f"  {status.role_label}：{status.name}  {_INSTALLED.get(status.installed, '无法判断')}"
        if status.installed is not True and status.substitute:
            line += f"，查看时将以“{status.substitute}”代替"
        print(line)
    if all(s.installed is None for s in report):
        print("说明：本机没有 fontconfig（fc-list），无法判断字体是否安装；请在 Word/WPS 的字体列表中核对。")
    elif any(s.installed is False for s in report):
        print(
            "说明：缺少的字体不影响导出，文件中记录的仍是标准字体名；在装有这些字体的电脑上打开即显示正确。"
        )
        if profile.name != "windows":
            print("      单位电脑没有 GB2312 字体时，可改用 --profile windows 导出。")
    else:
        print("说明：本方案所需字体均已安装。")


def run_check_layout(args: argparse.Namespace) -> int:
    report = check_layout(args.file)
    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(format_report(report))
    return 0 if report.ok else 1


def run_preview(args: argparse.Namespace) -> int:
    if not 20 <= args.dpi <= 600:
        raise DrafterError(f"分辨率 {args.dpi} 不合适（应在 20 到 600 之间）")
    pages = render_pages(args.file, args.output, dpi=args.dpi)
    for page in pages:
        print(str(page))
    print(f"共 {len(pages)} 页，已写入 {args.output}", file=sys.stderr)
    return 0
