"""``drafter fonts [--profile P] [--json]``: which of a profile's fonts this machine has."""

from __future__ import annotations

import argparse
import json

from drafter.export import DEFAULT_PROFILE, PROFILES, font_report, get_profile


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "fonts",
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
    parser.set_defaults(func=run_fonts)


def run_fonts(args: argparse.Namespace) -> int:
    profile = get_profile(args.profile)
    report = font_report(profile.name)
    if args.json:
        print(
            json.dumps(
                {"profile": profile.name, "fonts": [s.to_dict() for s in report]},
                ensure_ascii=False,
                indent=2,
            )
        )
        return 0
    print(f"字体方案：{profile.name} —— {profile.description}")
    unknown = all(s.installed is None for s in report)
    for status in report:
        if status.installed is True:
            state = "已安装"
        elif status.installed is False:
            state = "未安装"
        else:
            state = "无法判断"
        line = f"  {status.role_label}：{status.name}  {state}"
        if status.installed is not True and status.substitute:
            line += f"，查看时将以“{status.substitute}”代替"
        print(line)
    if unknown:
        print("说明：本机没有 fontconfig（fc-list），无法判断字体是否安装；请在 Word/WPS 的字体列表中核对。")
    elif any(s.installed is False for s in report):
        print(
            "说明：缺少的字体不影响导出，文件中记录的仍是标准字体名；在装有这些字体的电脑上打开即显示正确。"
        )
        if profile.name != "windows":
            print("      单位电脑没有 GB2312 字体时，可改用 --profile windows 导出。")
    else:
        print("说明：本方案所需字体均已安装。")
    return 0
