"""``drafter check-layout`` and ``drafter preview``: measuring a rendered .docx against GB/T 9704.

The parsers are tested on poppler output written here; the whole path renders
real files with LibreOffice where it is installed (skipped with a reason otherwise).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import docx
import pytest
from docx.shared import Mm

from drafter.cli.entry import main
from drafter.errors import DrafterError
from drafter.export import export_docx, layout
from drafter.export.layout import (
    INSTALL_HINT,
    check_layout,
    match_fonts,
    measure,
    parse_bbox_layout,
    parse_pdffonts,
    render_pages,
)
from drafter.model import Para, Section, Speech
from drafter.util import run_in_group

HAVE_TOOLS = all(shutil.which(t) for t in ("pdftotext", "pdffonts", "pdftoppm")) and bool(
    shutil.which("soffice") or shutil.which("libreoffice")
)
needs_tools = pytest.mark.skipif(
    not HAVE_TOOLS,
    reason="LibreOffice/poppler 未安装（apt-get install libreoffice-writer-nogui poppler-utils）",
)

PT = 72 / 25.4
PAGE_W, PAGE_H = 595.3, 841.9


def _line(x0: float, y1: float, text: str, width: float | None = None) -> str:
    x1 = x0 + (width if width is not None else 16 * len(text))
    y0 = y1 - 20.8
    return (
        f'<line xMin="{x0}" yMin="{y0}" xMax="{x1}" yMax="{y1}">'
        f'<word xMin="{x0}" yMin="{y0}" xMax="{x1}" yMax="{y1}">{text}</word></line>'
    )


def _page(lines: list[str]) -> str:
    return f'<page width="{PAGE_W}" height="{PAGE_H}"><flow><block>{"".join(lines)}</block></flow></page>'


def synthetic_pages(
    *,
    pitch: float = 28.95,
    per_page: int = 22,
    chars: int = 28,
    left_mm: float = 28,
    swap_sides: bool = False,
) -> str:
    """Two pages as ``pdftotext -bbox-layout`` prints them: full lines and a page number."""
    left = left_mm * PT
    full_width = PAGE_W - left - 26 * PT
    pages = []
    for number in (1, 2):
        lines = []
        for i in range(per_page):
            y1 = 37 * PT + pitch * (i + 1)
            lines.append(_line(left, y1, "字" * chars, width=full_width))
        x0 = PAGE_W - 31 * PT - 45 if (number % 2) != swap_sides else 31 * PT
        lines.append(_line(x0, 778.3, f"— {number} —", width=45))
        pages.append(_page(lines))
    return f"<html><body><doc>{''.join(pages)}</doc></body></html>"


def test_measure_conforming_pages():
    m = measure(parse_bbox_layout(synthetic_pages()))
    assert m["lines_per_page"] == [22, 22]
    assert m["chars_per_line"] == 28
    assert m["line_pitch_pt"] == pytest.approx(28.95, abs=0.1)
    assert m["margins_mm"]["left"] == pytest.approx(28, abs=0.2)
    assert m["margins_mm"]["top"] == pytest.approx(37, abs=0.5)
    assert m["margins_mm"]["right"] == pytest.approx(26, abs=0.2)
    sides = [(p.page, p.text, p.side, p.ok) for p in m["page_numbers"]]
    assert sides == [(1, "— 1 —", "right", True), (2, "— 2 —", "left", True)]


def test_measure_finds_wrong_layout():
    m = measure(parse_bbox_layout(synthetic_pages(pitch=26, per_page=24, chars=30, left_mm=20)))
    assert m["chars_per_line"] == 30 and m["lines_per_page"] == [24, 24]
    assert m["margins_mm"]["left"] == pytest.approx(20, abs=0.2)
    assert m["line_pitch_pt"] == pytest.approx(26, abs=0.1)


def test_page_number_on_the_wrong_side_is_flagged():
    m = measure(parse_bbox_layout(synthetic_pages(swap_sides=True)))
    assert [(p.side, p.ok) for p in m["page_numbers"]] == [("left", False), ("right", False)]


PDFFONTS = """name                                 type              encoding         emb sub uni object ID
------------------------------------ ----------------- ---------------- --- --- --- ---------
BAAAAA+NotoSerifCJKjp-Regular        CID Type 0C       Identity-H       yes yes yes     18  0
CAAAAA+FangSong_GB2312               CID TrueType      Identity-H       yes yes yes     23  0
TimesNewRomanPSMT                    TrueType          WinAnsi          no  no  no      28  0
DAAAAA+#E9#BB#91#E4#BD#93            CID TrueType      Identity-H       yes yes yes     30  0
"""


def test_parse_pdffonts_and_match():
    rows = parse_pdffonts(PDFFONTS)
    assert [r["name"] for r in rows] == [
        "NotoSerifCJKjp-Regular",
        "FangSong_GB2312",
        "TimesNewRomanPSMT",
        "黑体",
    ]
    assert [r["embedded"] for r in rows] == [True, True, False, True]
    uses = {u.name: u for u in match_fonts(["仿宋_GB2312", "楷体_GB2312", "黑体", "Times New Roman"], rows)}
    assert uses["仿宋_GB2312"].ok and uses["仿宋_GB2312"].embedded_as == "FangSong_GB2312"
    assert uses["黑体"].ok
    assert not uses["楷体_GB2312"].ok  # substituted
    assert not uses["Times New Roman"].ok  # named but not embedded


def test_without_libreoffice_both_commands_say_what_to_install(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(layout.shutil, "which", lambda name: None)
    path = export_docx(Speech(title="标题", opening=[Para("正文。")]), tmp_path / "a.docx")
    with pytest.raises(DrafterError) as err:
        check_layout(path)
    assert str(err.value) == INSTALL_HINT
    assert main(["check-layout", str(path)]) != 0
    message = capsys.readouterr().err.strip()
    assert "\n" not in message and "apt-get install" in message and "LibreOffice" in message
    assert main(["preview", str(path), "-o", str(tmp_path / "png")]) != 0
    assert capsys.readouterr().err.strip() == message
    assert not (tmp_path / "png").exists() or not list((tmp_path / "png").iterdir())


@pytest.mark.skipif(not hasattr(os, "killpg") or not shutil.which("sh"), reason="needs process groups")
def test_a_converter_that_hangs_is_killed_with_its_helpers(tmp_path):
    # LibreOffice starts helpers: the whole group goes, or reading its output would wait for them.
    start = time.monotonic()
    with pytest.raises(subprocess.TimeoutExpired):
        run_in_group(["sh", "-c", "sleep 30 & sleep 30"], timeout=0.3)
    assert time.monotonic() - start < 10
    assert run_in_group(["sh", "-c", "echo out; echo err >&2; exit 3"], timeout=10) == (3, b"out\n", b"err\n")


def test_not_a_docx_is_refused(tmp_path, monkeypatch):
    bad = tmp_path / "a.docx"
    bad.write_text("not a zip", encoding="utf-8")
    with pytest.raises(DrafterError, match=r"不是 \.docx"):
        check_layout(bad)
    with pytest.raises(DrafterError, match="不存在"):
        check_layout(tmp_path / "missing.docx")


# --- rendering real files -------------------------------------------------------------------------


def long_speech() -> Speech:
    body = "今年以来，全县上下认真贯彻落实各项决策部署，经济运行总体平稳，重点项目加快推进。" * 4
    sections = [
        Section(marker, heading, 1, [Para(body), Para(body)])
        for marker, heading in (("一、", "认清形势"), ("二、", "突出重点"), ("三、", "强化落实"))
    ]
    sections[1].children.append(Section("（一）", "抓项目", 2, [Para(body)], run_in=True))
    return Speech(
        title="在全县经济工作会议上的讲话",
        subtitle="——在县政府全体会议上的讲话",
        date="2024年3月1日",
        salutation="同志们：",
        opening=[Para(body)],
        sections=sections,
        closing=[Para(body)],
    )


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    path = export_docx(long_speech(), tmp_path_factory.mktemp("layout") / "speech.docx")
    return path, check_layout(path)


@pytest.mark.slow
@needs_tools
def test_exported_file_meets_the_standard_when_rendered(rendered):
    _path, report = rendered
    assert report.pages >= 3
    assert report.page_size_mm == (210.0, 297.0)
    assert report.chars_per_line == 28
    assert report.line_pitch_pt == pytest.approx(28.95, abs=0.2)
    # 22 lines fit the type area; widow/orphan control may move one line to the next page
    assert max(report.lines_per_page) in (21, 22)
    for side, want in (("top", 37), ("bottom", 35), ("left", 28), ("right", 26)):
        assert report.margins_mm[side] == pytest.approx(want, abs=1.5), side
    assert [p.side for p in report.page_numbers] == ["right", "left", "right", "left"][: report.pages]
    assert all(p.ok for p in report.page_numbers)
    assert report.ok, [c for c in report.checks if not c.ok]
    names = {f.name for f in report.fonts}
    assert {"仿宋_GB2312", "黑体", "楷体_GB2312", "方正小标宋简体", "宋体"} <= names
    assert report.pdf_fonts and all("name" in f for f in report.pdf_fonts)


@pytest.mark.slow
@needs_tools
def test_check_layout_cli_text_and_json(rendered, capsys):
    path, _report = rendered
    assert main(["check-layout", str(path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["ok"] is True and data["chars_per_line"] == 28
    assert {c["key"] for c in data["checks"]} >= {"lines_per_page", "chars_per_line", "page_numbers", "fonts"}
    assert data["page_numbers"][0]["text"] == "— 1 —"
    assert main(["check-layout", str(path)]) == 0
    out = capsys.readouterr().out
    assert "每页行数" in out and "每行字数" in out and "页码" in out and "字体" in out
    assert "符合 GB/T 9704" in out


@pytest.mark.slow
@needs_tools
def test_a_letter_sized_default_document_fails(tmp_path, capsys):
    document = docx.Document()
    section = document.sections[0]
    section.left_margin = Mm(20)
    for _ in range(30):
        document.add_paragraph("这是一段没有按公文格式排版的正文，用来检查排版检查能否发现问题。" * 2)
    path = tmp_path / "letter.docx"
    document.save(str(path))
    report = check_layout(path)
    assert not report.ok
    failed = {c.key for c in report.checks if not c.ok}
    assert {"page_size", "margin_left"} <= failed
    assert main(["check-layout", str(path)]) == 1
    assert "不符" in capsys.readouterr().out


@pytest.mark.slow
@needs_tools
def test_preview_writes_png_pages(rendered, tmp_path, capsys):
    path, report = rendered
    out = tmp_path / "pages"
    assert main(["preview", str(path), "-o", str(out)]) == 0
    pngs = sorted(out.glob("speech-*.png"))
    assert len(pngs) == report.pages
    assert all(p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for p in pngs)
    printed = capsys.readouterr().out.split()
    assert [Path(p).name for p in printed] == [f"speech-{i}.png" for i in range(1, report.pages + 1)]
    pages = render_pages(path, tmp_path / "again", dpi=30)
    assert len(pages) == report.pages
