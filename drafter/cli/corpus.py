"""``drafter outline PATH... [--json]`` and the no-argument outline summary of seeds/.

Bad files are reported one per line on stderr (``drafter: FILE: message``);
the rest are still shown.  Exit 1 only when nothing at all could be read.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from drafter.cli.common import Progress
from drafter.model import ROLE_LABELS, Section, Speech
from drafter.outline import CorpusResult, speech_to_dict
from drafter.util import seeds_dir

EXIT_OK = 0
EXIT_NOTHING_READ = 1


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "outline",
        help="显示讲话稿的层次结构：标题、开场、各部分（含类型与依据）、结尾、警告",
        description=(
            "读取 .txt/.docx 讲话稿（文件或文件夹，文件夹会递归查找），显示每篇讲话的结构。"
            "不给路径时读取自带语料 seeds/。"
        ),
        add_help=False,
    )
    parser.add_argument("-h", "--help", action="help", help="显示本帮助并退出")
    parser.add_argument("paths", nargs="*", metavar="路径", help="讲话稿文件或文件夹（默认 seeds/）")
    parser.add_argument("--json", action="store_true", help="以 JSON 输出（每篇讲话一个对象，按语料顺序）")
    parser.set_defaults(func=run_outline)


# ---------------------------------------------------------------------------
# Loading with progress and per-file errors


def reading_progress(stream: TextIO | None = None, delay: float = 0.5) -> Progress:
    """``\\r已读取 N/M 个文件`` on a terminal, only once loading takes a moment (or has more than 20 files);
    nothing on a pipe."""
    return Progress(
        "已读取",
        stream=stream,
        min_total=21,
        delay=delay,
        pipe=False,
        template="{verb} {done}/{total} 个文件",
    )


def load_corpus(paths: Sequence[str | Path]) -> CorpusResult:
    """Parse and role-label the corpus, reporting bad files on stderr."""
    from drafter.roles import load_labelled_corpus

    progress = reading_progress(sys.stderr)
    try:
        result = load_labelled_corpus(list(paths), progress)
    finally:
        progress.finish()
    for err in result.errors:
        print(f"drafter: {err}", file=sys.stderr)
    return result


def _paths(args: argparse.Namespace) -> list[str | Path]:
    given = list(getattr(args, "paths", None) or [])
    return given or [seeds_dir()]


def _nothing_read(result: CorpusResult) -> bool:
    if result.speeches:
        return False
    if not result.errors:
        print("drafter: 没有找到可读取的 .txt 或 .docx 讲话稿", file=sys.stderr)
    return True


# ---------------------------------------------------------------------------
# drafter outline


def run_outline(args: argparse.Namespace) -> int:
    result = load_corpus(_paths(args))
    if _nothing_read(result):
        return EXIT_NOTHING_READ
    if getattr(args, "json", False):
        data = [speech_to_dict(s) for s in result.speeches]
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write("\n".join(format_outline(s) for s in result.speeches))
    return EXIT_OK


def _short(text: str, width: int = 40) -> str:
    text = text.replace("\n", " ")
    return text if len(text) <= width else text[: width - 1] + "…"


def _role_text(section: Section) -> str:
    if not section.role:
        return ""
    label = ROLE_LABELS.get(section.role, section.role)
    cues = "、".join(section.role_cues[:5])
    text = f"【{label} {section.role_confidence:.2f}"
    if cues:
        text += f"｜依据：{cues}"
    return text + "】"


def speech_label(speech: Speech) -> str:
    title = speech.title or "（无标题）"
    return f"{speech.source} 第{speech.index + 1}篇：{title}"


def format_outline(speech: Speech) -> str:
    """The readable tree of one speech (what ``drafter outline`` prints)."""
    out = [f"■ {speech_label(speech)}"]
    meta = []
    if speech.subtitle:
        meta.append(f"副标题：{speech.subtitle}")
    if speech.speaker:
        meta.append(f"讲话人：{speech.speaker}")
    if speech.date:
        meta.append(f"日期：{speech.date}")
    if meta:
        out.append("  " + "　".join(meta))
    if speech.duplicate_of:
        src, idx = speech.duplicate_of
        out.append(f"  ⚠ 与 {src} 第{idx + 1}篇基本重复，统计时只计一次")
    announced = "未预告" if speech.announced_sections is None else f"预告 {speech.announced_sections} 个"
    out.append(f"  部分：{announced}，实际 {len(speech.sections)} 个")
    if speech.opening:
        out.append(f"  〔开场〕{len(speech.opening)} 段：{_short(speech.opening[0].text)}")
    for section in speech.sections:
        _format_section(section, out, 1)
    if speech.closing:
        out.append(f"  〔结尾〕{len(speech.closing)} 段：{_short(speech.closing[0].text)}")
    for warning in speech.warnings:
        out.append(f"  ⚠ {warning}")
    return "\n".join(out) + "\n"


def _format_section(section: Section, out: list[str], depth: int) -> None:
    indent = "  " * depth
    heading = section.heading or "（无小标题）"
    line = f"{indent}{section.marker}{heading}"
    extra = f"（{len(section.paragraphs)} 段）" if section.paragraphs else ""
    if section.written_marker is not None:
        extra += f"〔原文编号“{section.written_marker}”〕"
    role = _role_text(section)
    out.append(f"{line}{extra}{'  ' + role if role else ''}")
    for child in section.children:
        _format_section(child, out, depth + 1)


# ---------------------------------------------------------------------------
# drafter (no arguments, until the TUI exists)


def format_summary(speech: Speech) -> str:
    """A compact outline of one speech: title, announced vs actual sections, top-level headings with roles."""
    announced = "未预告" if speech.announced_sections is None else f"预告{speech.announced_sections}"
    head = f"{speech_label(speech)}  〔{announced}／实际{len(speech.sections)}〕"
    if speech.duplicate_of:
        head += f"  〔与第{speech.duplicate_of[1] + 1}篇重复〕"
    lines = [head]
    for section in speech.sections:
        role = ROLE_LABELS.get(section.role, "") if section.role else ""
        lines.append(f"    {section.marker}{_short(section.heading, 36)}{'  — ' + role if role else ''}")
    return "\n".join(lines)


def run_default_summary(args: argparse.Namespace | None = None) -> int:
    """What ``drafter`` with no arguments prints until the TUI lands: the outline summary of seeds/."""
    result = load_corpus([seeds_dir()])
    if _nothing_read(result):
        return EXIT_NOTHING_READ
    print(f"语料 {seeds_dir()}：{len(result.speeches)} 篇讲话")
    print()
    for speech in result.speeches:
        print(format_summary(speech))
    print()
    print("详细结构：drafter outline [路径] [--json]；全部命令：drafter --help")
    return EXIT_OK
