"""Render exported .docx files with LibreOffice and check the PDF as a reader would see it.

Skipped (with the reason) where LibreOffice or poppler-utils are not installed.  A
temporary HOME holds LibreOffice's profile and fontconfig aliases that map the
公文 font names to installed CJK fonts, as an office machine would have them.
"""

from __future__ import annotations

import math
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from test_export_docx import sample_speech

import drafter.outline as outline
from drafter.export import TITLE_CHARS_PER_LINE, export_docx, split_title
from drafter.model import Speech
from drafter.util import seeds_dir

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
POPPLER = all(shutil.which(t) for t in ("pdfinfo", "pdftotext", "pdffonts"))

pytestmark = [
    pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) not installed"),
    pytest.mark.skipif(not POPPLER, reason="poppler-utils (pdfinfo/pdftotext/pdffonts) not installed"),
]

MM = 72 / 25.4
CHARS_PER_LINE = 28
LINES_PER_PAGE = 22

_FONTS_CONF = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
{aliases}
</fontconfig>
"""
_ALIASES = {
    "方正小标宋简体": "Noto Serif CJK SC",
    "仿宋_GB2312": "Noto Serif CJK SC",
    "楷体_GB2312": "AR PL KaitiM GB",
    "黑体": "Noto Sans CJK SC",
    "宋体": "AR PL SungtiL GB",
}


def _home(tmp: Path) -> Path:
    home = tmp / "home"
    conf = home / ".config" / "fontconfig"
    conf.mkdir(parents=True)
    aliases = "\n".join(
        f'  <alias binding="same"><family>{k}</family><prefer><family>{v}</family></prefer></alias>'
        for k, v in _ALIASES.items()
    )
    (conf / "fonts.conf").write_text(_FONTS_CONF.format(aliases=aliases), encoding="utf-8")
    return home


def _to_pdf(docx_path: Path, home: Path) -> Path:
    env = {"HOME": str(home), "PATH": "/usr/bin:/bin:/usr/local/bin", "LANG": "C.UTF-8"}
    subprocess.run(
        [
            SOFFICE,
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(docx_path.parent),
            str(docx_path),
        ],
        env=env,
        capture_output=True,
        timeout=180,
        check=True,
    )
    pdf = docx_path.with_suffix(".pdf")
    assert pdf.exists(), "LibreOffice produced no PDF"
    return pdf


def _run(*cmd) -> str:
    return subprocess.run(list(cmd), capture_output=True, text=True, timeout=60, check=True).stdout


def _estimate_lines(speech: Speech) -> int:
    """Lines of 28 characters the speech needs (title block included)."""
    lines = len(split_title(speech.title)) + 4  # title + subtitle, speaker, date, blank
    paras = [speech.salutation or ""] + [p.text for p in speech.opening + speech.closing]
    for section in speech.iter_sections():
        body = [p.text for p in section.paragraphs]
        if section.run_in and body:
            body[0] = section.marker + section.heading + body[0]
        else:
            lines += 1
        paras.extend(body)
    for text in paras:
        lines += max(1, math.ceil((len(text) + 2) / CHARS_PER_LINE))
    return lines


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("render")
    speech = sample_speech(extra_sections=25)
    docx_path = export_docx(speech, tmp / "speech.docx", author="县政府办公室")
    pdf = _to_pdf(docx_path, _home(tmp))
    return speech, pdf


def test_pdf_is_a4_with_plausible_page_count(rendered):
    speech, pdf = rendered
    info = _run("pdfinfo", str(pdf))
    size = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info)
    assert abs(float(size.group(1)) - 210 * MM) < 1 and abs(float(size.group(2)) - 297 * MM) < 1
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    expected = math.ceil(_estimate_lines(speech) / LINES_PER_PAGE)
    assert expected >= 4
    assert expected - 1 <= pages <= expected + 1, (pages, expected)
    assert re.search(r"Title:\s+在全县2024年", info)
    assert re.search(r"Author:\s+县政府办公室", info)


def test_footers_on_every_page_odd_right_even_left(rendered):
    _speech, pdf = rendered
    pages = _run("pdftotext", "-layout", str(pdf), "-").split("\f")
    pages = [p for p in pages if p.strip()]
    assert len(pages) >= 4
    for n, page in enumerate(pages, start=1):
        lines = [line for line in page.splitlines() if line.strip()]
        assert re.fullmatch(rf"— {n} —", lines[-1].strip()), (n, lines[-1])
    # positions: odd page numbers end one character in from the right margin, even ones start
    # one character in from the left margin
    bbox = _run("pdftotext", "-bbox", "-f", "1", "-l", "2", str(pdf), "-")
    width = float(re.search(r'<page width="([\d.]+)"', bbox).group(1))
    dashes = [
        (float(m.group(1)), float(m.group(2)))
        for m in re.finditer(
            r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">—</word>', bbox
        )
    ]
    assert len(dashes) == 4
    right_edge = width - 26 * MM
    left_edge = 28 * MM
    assert dashes[1][1] == pytest.approx(right_edge - 14, abs=3)  # page 1: right, one 4号 char in
    assert dashes[2][0] == pytest.approx(left_edge + 14, abs=3)  # page 2: left, one char in


def test_footer_sits_7mm_below_type_area(rendered):
    _speech, pdf = rendered
    bbox = _run("pdftotext", "-bbox", "-f", "1", "-l", "1", str(pdf), "-")
    height = float(re.search(r'height="([\d.]+)"', bbox).group(1))
    y_min = float(re.search(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="[\d.]+">—</word>', bbox).group(1))
    type_area_bottom = height - 35 * MM
    assert 4 * MM <= y_min - type_area_bottom <= 10 * MM


def test_22_lines_on_a_full_page(rendered):
    _speech, pdf = rendered
    text = _run("pdftotext", "-layout", "-f", "3", "-l", "3", str(pdf), "-")
    lines = [line for line in text.splitlines() if line.strip()]
    body = lines[:-1]  # without the page number
    assert 20 <= len(body) <= LINES_PER_PAGE, len(body)
    # about 28 characters a line (digits are narrower, so allow a little more)
    full = [len(re.sub(r"\s", "", line)) for line in body]
    assert 26 <= max(full) <= 31


def test_fonts_used_and_embedded(rendered):
    _speech, pdf = rendered
    listing = _run("pdffonts", str(pdf))
    rows = listing.splitlines()[2:]
    names = " ".join(row.split()[0] for row in rows)
    assert "NotoSerifCJK" in names  # 仿宋_GB2312 and 方正小标宋简体 through the aliases
    assert "NotoSansCJK" in names  # 黑体
    assert "Kai" in names  # 楷体_GB2312 (AR PL KaitiM GB)
    assert "Liberation" in names or "TimesNewRoman" in names  # Latin and digits
    for row in rows:
        assert " yes " in row, f"font not embedded: {row}"


# LibreOffice 7.4 hangs a closing punctuation mark that falls just after a full line into the
# margin and then does not draw it (its .docx import ignores w:overflowPunct="0", which Word
# honours), so text is compared without those marks.
_HANGABLE = re.compile(r"[，。、；：！？”’）》]")


def _squash(text: str) -> str:
    return _HANGABLE.sub("", re.sub(r"\s", "", text))


def test_no_missing_glyphs_and_all_text_present(rendered):
    speech, pdf = rendered
    raw = _run("pdftotext", str(pdf), "-")
    assert "\ufffd" not in raw and "□" not in raw
    text = _squash(re.sub(r"—\s*\d+\s*—", "", raw))  # page numbers interrupt paragraphs spanning pages
    title_lines = split_title(speech.title)
    assert all(len(line) <= TITLE_CHARS_PER_LINE for line in title_lines)
    for line in title_lines:
        assert _squash(line) in text
    for piece in [speech.subtitle, "（2024年3月1日）", "同志们："] + [p.text for p in speech.closing]:
        assert _squash(piece) in text
    for section in speech.iter_sections():
        assert _squash(section.marker + section.heading) in text
        for para in section.paragraphs:
            assert _squash(para.text) in text


def test_parsed_seed_speech_renders(tmp_path):
    result = outline.parse_corpus(sorted(seeds_dir().glob("002_*.txt")))
    speech = max(result.speeches, key=lambda s: sum(len(p.text) for p in s.opening))
    pdf = _to_pdf(export_docx(speech, tmp_path / "seed.docx"), _home(tmp_path))
    pages = [p for p in _run("pdftotext", "-layout", str(pdf), "-").split("\f") if p.strip()]
    expected = math.ceil(_estimate_lines(speech) / LINES_PER_PAGE)
    assert expected - 1 <= len(pages) <= expected + 1, (len(pages), expected)
    for n, page in enumerate(pages, start=1):
        assert page.rstrip().splitlines()[-1].strip() == f"— {n} —"
    text = _squash("".join(pages))
    for section in speech.sections:
        assert _squash(section.marker + section.heading) in text
