"""Check an exported .docx as a reviewer would: render it with LibreOffice, then measure the PDF.

``check_layout(path)`` converts the file with LibreOffice (a private profile in
a temporary folder, a timeout), then reads the PDF with poppler:

- ``pdftotext -bbox-layout``: lines per page (22), characters per full line
  (28), margins (top 37, bottom 35, left 28, right 26 mm), page-number text and
  side on odd (right) and even (left) pages;
- ``pdffonts``: which of the fonts the document names were really embedded and
  which were substituted (on a machine without the office's fonts, all are).

``render_pages(path, out_dir)`` writes PNG pages (``pdftoppm``).  Without
LibreOffice or poppler both raise a ``DrafterError`` saying in one line what
to install.
"""

from __future__ import annotations

import io
import itertools
import os
import re
import shutil
import statistics
import subprocess
import tempfile
import zipfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

from lxml import etree

from drafter.errors import DrafterError
from drafter.export.package import fonts_named
from drafter.util import check_regular, read_bounded, run_in_group

# GB/T 9704-2012
EXPECTED_LINES = 22
EXPECTED_CHARS = 28
EXPECTED_MARGINS_MM = {"top": 37.0, "bottom": 35.0, "left": 28.0, "right": 26.0}
MARGIN_TOLERANCE_MM = 1.5
PT_PER_MM = 72 / 25.4
CONVERT_TIMEOUT = 120
MAX_DOCX_BYTES = 50 << 20

INSTALL_HINT = (
    "需要 LibreOffice 和 poppler 才能排版检查或预览："
    "sudo apt-get install libreoffice-writer-nogui poppler-utils fonts-noto-cjk"
)

# Names a font may carry in a PDF (PostScript names), besides its own.
FONT_ALIASES = {
    "仿宋_GB2312": ("FangSong_GB2312", "FangSongGB2312"),
    "楷体_GB2312": ("KaiTi_GB2312", "KaiTiGB2312"),
    "方正小标宋简体": ("FZXiaoBiaoSong-B05S", "FZXBSJW", "FZXiaoBiaoSong"),
    "黑体": ("SimHei",),
    "宋体": ("SimSun",),
    "仿宋": ("FangSong",),
    "楷体": ("KaiTi",),
}

# fontconfig aliases for the private LibreOffice profile: the office's fonts
# shown in the nearest free font (a preview, never a conformity claim).
_FONTCONFIG = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
{aliases}
</fontconfig>
"""
_PREVIEW_FONTS = {
    "仿宋_GB2312": "Noto Serif CJK SC",
    "仿宋": "Noto Serif CJK SC",
    "方正小标宋简体": "Noto Serif CJK SC",
    "宋体": "AR PL SungtiL GB",
    "楷体_GB2312": "AR PL KaitiM GB",
    "楷体": "AR PL KaitiM GB",
    "黑体": "Noto Sans CJK SC",
}


@dataclass
class Tools:
    soffice: str
    pdftotext: str
    pdffonts: str
    pdftoppm: str


def find_tools() -> Tools:
    """Paths of LibreOffice and the poppler tools, or a one-line Chinese ``DrafterError``."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    found = {name: shutil.which(name) for name in ("pdftotext", "pdffonts", "pdftoppm")}
    if not soffice or not all(found.values()):
        raise DrafterError(INSTALL_HINT)
    return Tools(soffice, found["pdftotext"], found["pdffonts"], found["pdftoppm"])  # type: ignore[arg-type]


def _run(cmd: list[str], *, timeout: float, env: dict[str, str] | None = None, what: str) -> str:
    """Run ``cmd`` in its own process group; kill the group on timeout."""
    try:
        code, out, err = run_in_group(cmd, timeout=timeout, env=env)
    except OSError as exc:
        raise DrafterError(f"无法运行 {what}：{exc.strerror or exc}") from exc
    except subprocess.TimeoutExpired:
        raise DrafterError(f"{what} 在 {timeout:g} 秒内没有完成，已停止") from None
    if code != 0:
        tail = err.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
        raise DrafterError(f"{what} 失败（退出码 {code}）：{tail[0]}")
    return out.decode("utf-8", "replace")


def _check_docx(path: Path) -> bytes:
    data = read_bounded(path, MAX_DOCX_BYTES, what="Word 文件")
    if path.suffix.lower() != ".docx" or not zipfile.is_zipfile(io.BytesIO(data)):
        raise DrafterError("不是 .docx 文件（Word 2007 及以后的格式）", str(path))
    return data


def convert_to_pdf(path: str | os.PathLike[str], out_dir: Path, *, timeout: float = CONVERT_TIMEOUT) -> Path:
    """``out_dir/<stem>.pdf`` rendered by LibreOffice with a private, throw-away profile."""
    tools = find_tools()
    source = Path(path)
    _check_docx(source)
    work = Path(tempfile.mkdtemp(prefix="drafter-lo-"))
    try:
        home = work / "home"
        home.mkdir()
        aliases = "\n".join(
            f'  <alias binding="same"><family>{name}</family><prefer><family>{face}</family></prefer></alias>'
            for name, face in _PREVIEW_FONTS.items()
        )
        fonts_conf = work / "fonts.conf"
        fonts_conf.write_text(_FONTCONFIG.format(aliases=aliases), encoding="utf-8")
        # A copy with an ASCII name: LibreOffice names its output after the input.
        src = work / "in.docx"
        shutil.copyfile(source, src)
        env = dict(os.environ, HOME=str(home), FONTCONFIG_FILE=str(fonts_conf))
        env.pop("SAL_USE_VCLPLUGIN", None)
        _run(
            [
                tools.soffice,
                f"-env:UserInstallation={(work / 'profile').as_uri()}",
                "--headless",
                "--norestore",
                "--convert-to",
                "pdf",
                "--outdir",
                str(work),
                str(src),
            ],
            timeout=timeout,
            env=env,
            what="LibreOffice 转换",
        )
        pdf = work / "in.pdf"
        if not pdf.exists():
            raise DrafterError("LibreOffice 没有生成 PDF（文件可能已损坏）", str(source))
        out_dir.mkdir(parents=True, exist_ok=True)
        target = out_dir / f"{source.stem}.pdf"
        shutil.move(str(pdf), target)
        return target
    finally:
        shutil.rmtree(work, ignore_errors=True)


# --- measuring ------------------------------------------------------------------------


@dataclass
class Line:
    x0: float
    y0: float
    x1: float
    y1: float
    text: str


@dataclass
class Page:
    number: int
    width: float
    height: float
    lines: list[Line]


def parse_bbox_layout(xhtml: str) -> list[Page]:
    """Pages and their text lines from ``pdftotext -bbox-layout`` output (points)."""
    root = etree.fromstring(xhtml.encode("utf-8"), etree.XMLParser(resolve_entities=False, recover=True))
    pages: list[Page] = []
    for i, page in enumerate(root.iter("{*}page"), start=1):
        lines = []
        for line in page.iter("{*}line"):
            words = [w.text or "" for w in line.iter("{*}word")]
            lines.append(
                Line(
                    float(line.get("xMin")),
                    float(line.get("yMin")),
                    float(line.get("xMax")),
                    float(line.get("yMax")),
                    "".join(words) if _all_cjk_join(words) else " ".join(words),
                )
            )
        lines.sort(key=lambda ln: (round(ln.y0, 1), ln.x0))
        pages.append(Page(i, float(page.get("width")), float(page.get("height")), lines))
    return pages


def _all_cjk_join(words: list[str]) -> bool:
    return any(any(ord(ch) > 0x2E80 for ch in w) for w in words)


@dataclass
class PageNumber:
    page: int
    text: str
    side: str  # "right", "left" or "centre"
    ok: bool


@dataclass
class FontUse:
    name: str  # font named in the document
    embedded_as: str | None  # the PDF font that is this font, if any
    ok: bool


@dataclass
class Check:
    key: str
    label: str
    ok: bool
    detail: str


@dataclass
class LayoutReport:
    file: str
    pages: int
    page_size_mm: tuple[float, float]
    margins_mm: dict[str, float | None]
    line_pitch_pt: float | None
    lines_per_page: list[int]
    chars_per_line: int | None
    page_numbers: list[PageNumber]
    pdf_fonts: list[dict]
    fonts: list[FontUse]
    checks: list[Check] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks if c.key != "fonts")

    def to_dict(self) -> dict:
        data = asdict(self)
        data["ok"] = self.ok
        return data


_PAGE_NUMBER = re.compile(r"^[—–\-－]\s*\d+\s*[—–\-－]$")


def _is_cjk_text(text: str) -> bool:
    return sum(1 for ch in text if ord(ch) > 0x2E80) >= 2


def measure(pages: list[Page], margins_mm: dict[str, float] | None = None) -> dict:
    """Lines per page, characters per full line, margins and page numbers of rendered pages."""
    margins_mm = margins_mm or EXPECTED_MARGINS_MM
    result: dict = {"lines_per_page": [], "page_numbers": []}
    pitches: list[float] = []
    full_counts: list[int] = []
    lefts: list[float] = []
    rights: list[float] = []
    tops: list[float] = []
    bottoms: list[float] = []
    for page in pages:
        type_bottom = page.height - margins_mm["bottom"] * PT_PER_MM
        body = [ln for ln in page.lines if ln.y1 <= type_bottom + 6 and ln.text.strip()]
        footer = [ln for ln in page.lines if ln.y0 > type_bottom + 6 and ln.text.strip()]
        result["lines_per_page"].append(len(body))
        body_text = [ln for ln in body if _is_cjk_text(ln.text)]
        for a, b in itertools.pairwise(body_text):
            gap = b.y1 - a.y1
            if 20 < gap < 40:
                pitches.append(round(gap, 1))
        if body_text:
            lefts.append(min(ln.x0 for ln in body_text))
            rights.append(page.width - max(ln.x1 for ln in body_text))
            bottoms.append(page.height - body_text[-1].y1)
            tops.append(body_text[0].y1)
        type_width = page.width - (margins_mm["left"] + margins_mm["right"]) * PT_PER_MM
        for ln in body_text:
            if ln.x1 - ln.x0 >= type_width * 0.97:
                full_counts.append(len(re.sub(r"\s", "", ln.text)))
        for ln in footer:
            text = re.sub(r"\s+", " ", ln.text.strip())
            centre = (ln.x0 + ln.x1) / 2
            third = page.width / 3
            side = "right" if centre > 2 * third else "left" if centre < third else "centre"
            want = "right" if page.number % 2 else "left"
            ok = bool(_PAGE_NUMBER.match(text)) and side == want and str(page.number) in text
            result["page_numbers"].append(PageNumber(page.number, text, side, ok))
    pitch = statistics.median(pitches) if pitches else None
    result["line_pitch_pt"] = pitch
    result["chars_per_line"] = statistics.mode(full_counts) if full_counts else None
    mm = 1 / PT_PER_MM
    result["margins_mm"] = {
        # A line's text box ends near the bottom of its line: the type area starts one pitch above.
        "top": round((min(tops) - pitch) * mm, 1) if tops and pitch else None,
        # The fullest page shows where the type area ends (a heading kept with its text may leave
        # a line free at the bottom of another page).
        "bottom": round(min(bottoms[:-1] or bottoms) * mm, 1) if bottoms else None,
        "left": round(min(lefts) * mm, 1) if lefts else None,
        "right": round(statistics.median(rights) * mm, 1) if rights else None,
    }
    return result


def parse_pdffonts(text: str) -> list[dict]:
    """Rows of ``pdffonts`` output: name (subset prefix removed), type, embedded, subset."""
    rows = []
    lines = text.splitlines()
    for line in lines[2:]:
        if not line.strip():
            continue
        m = re.match(
            r"^(.*?)\s+(Type 1C?|Type 3|TrueType|CID Type 0C?|CID TrueType|Type 1C \(OT\)|\S+)\s", line
        )
        parts = line.split()
        if len(parts) < 5:
            continue
        name = m.group(1).strip() if m else parts[0]
        flags = [p for p in parts if p in ("yes", "no")]
        embedded = flags[0] == "yes" if flags else False
        subset = flags[1] == "yes" if len(flags) > 1 else False
        base = re.sub(r"^[A-Z]{6}\+", "", name)
        base = re.sub(r"#([0-9A-Fa-f]{2})", lambda mm: chr(int(mm.group(1), 16)), base)
        try:
            base = base.encode("latin-1").decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            pass
        rows.append({"name": base, "type": m.group(2) if m else "", "embedded": embedded, "subset": subset})
    return rows


def _norm(name: str) -> str:
    return re.sub(r"[\s_\-]", "", name).casefold()


def match_fonts(requested: list[str], pdf_fonts: list[dict]) -> list[FontUse]:
    """For each font the document names, the embedded PDF font that really is it (or ``None``)."""
    uses = []
    for name in requested:
        keys = {_norm(name), *(_norm(a) for a in FONT_ALIASES.get(name, ()))}
        hit = None
        for row in pdf_fonts:
            base = _norm(row["name"].split(",")[0])
            if row["embedded"] and any(base.startswith(k) for k in keys):
                hit = row["name"]
                break
        uses.append(FontUse(name, hit, hit is not None))
    return uses


def _requested_fonts(data: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        parts = {
            n: z.read(n)
            for n in z.namelist()
            if n in ("word/document.xml", "word/styles.xml") or re.match(r"word/(footer|header)\d*\.xml$", n)
        }
    return fonts_named(parts)


def check_layout(path: str | os.PathLike[str], *, timeout: float = CONVERT_TIMEOUT) -> LayoutReport:
    """Render ``path`` and measure it against GB/T 9704 (see the module docstring)."""
    source = Path(path)
    check_regular(source, what="Word 文件")
    data = _check_docx(source)
    tools = find_tools()
    with tempfile.TemporaryDirectory(prefix="drafter-layout-") as tmp:
        pdf = convert_to_pdf(source, Path(tmp), timeout=timeout)
        xhtml = _run([tools.pdftotext, "-bbox-layout", str(pdf), "-"], timeout=60, what="pdftotext")
        fonts_out = _run([tools.pdffonts, str(pdf)], timeout=60, what="pdffonts")
    pages = parse_bbox_layout(xhtml)
    if not pages:
        raise DrafterError("转换后的 PDF 没有页面", str(source))
    m = measure(pages)
    pdf_fonts = parse_pdffonts(fonts_out)
    fonts = match_fonts(_requested_fonts(data), pdf_fonts)
    width, height = pages[0].width / PT_PER_MM, pages[0].height / PT_PER_MM
    report = LayoutReport(
        file=str(source),
        pages=len(pages),
        page_size_mm=(round(width, 1), round(height, 1)),
        margins_mm=m["margins_mm"],
        line_pitch_pt=m["line_pitch_pt"],
        lines_per_page=m["lines_per_page"],
        chars_per_line=m["chars_per_line"],
        page_numbers=m["page_numbers"],
        pdf_fonts=pdf_fonts,
        fonts=fonts,
    )
    report.checks = _checks(report)
    return report


def _checks(r: LayoutReport) -> list[Check]:
    checks = []
    a4 = abs(r.page_size_mm[0] - 210) < 1 and abs(r.page_size_mm[1] - 297) < 1
    checks.append(
        Check("page_size", "纸张", a4, f"{r.page_size_mm[0]:g}×{r.page_size_mm[1]:g} 毫米（应为 A4 210×297）")
    )
    for side, label in (
        ("top", "上边距（天头）"),
        ("bottom", "下边距"),
        ("left", "左边距（订口）"),
        ("right", "右边距"),
    ):
        got = r.margins_mm.get(side)
        want = EXPECTED_MARGINS_MM[side]
        ok = got is not None and abs(got - want) <= MARGIN_TOLERANCE_MM
        shown = "无法测量" if got is None else f"{got:g} 毫米"
        checks.append(Check(f"margin_{side}", label, ok, f"{shown}（应为 {want:g}±{MARGIN_TOLERANCE_MM:g}）"))
    if r.line_pitch_pt:
        per_page = 225 * PT_PER_MM / r.line_pitch_pt
        full = r.lines_per_page[:-1]
        ok = round(per_page) == EXPECTED_LINES and all(n <= EXPECTED_LINES for n in full)
        counted = "、".join(str(n) for n in r.lines_per_page)
        detail = f"行距 {r.line_pitch_pt:g} 磅，版心可排 {per_page:.1f} 行；各页实排 {counted} 行（应为每页 22 行）"
        checks.append(Check("lines_per_page", "每页行数", ok, detail))
    else:
        checks.append(Check("lines_per_page", "每页行数", False, "无法测量（正文行太少）"))
    if r.chars_per_line is not None:
        ok = r.chars_per_line == EXPECTED_CHARS
        checks.append(Check("chars_per_line", "每行字数", ok, f"满行 {r.chars_per_line} 字（应为 28 字）"))
    else:
        checks.append(Check("chars_per_line", "每行字数", False, "无法测量（没有满行）"))
    if r.page_numbers:
        bad = [p for p in r.page_numbers if not p.ok]
        side_cn = {"right": "右", "left": "左", "centre": "中"}
        shown = "；".join(f"第 {p.page} 页 {p.text} 居{side_cn[p.side]}" for p in r.page_numbers[:4])
        more = "……" if len(r.page_numbers) > 4 else ""
        checks.append(
            Check("page_numbers", "页码", not bad, f"{shown}{more}（应为“— N —”，单页居右、双页居左）")
        )
    else:
        checks.append(Check("page_numbers", "页码", False, "没有找到页码"))
    missing = [f.name for f in r.fonts if not f.ok]
    embedded = [f"{f.name}（{f.embedded_as}）" for f in r.fonts if f.ok]
    substitutes = sorted({row["name"] for row in r.pdf_fonts if row["embedded"]})
    if missing:
        detail = f"未嵌入、被替换：{'、'.join(missing)}；PDF 实际使用 {'、'.join(substitutes) or '无'}"
    else:
        detail = f"均已嵌入：{'、'.join(embedded)}"
    checks.append(Check("fonts", "字体", not missing, detail))
    return checks


def format_report(report: LayoutReport) -> str:
    """The Chinese text report."""
    out = [f"排版检查：{report.file}（共 {report.pages} 页，由 LibreOffice 排版测量）"]
    for c in report.checks:
        mark = "通过" if c.ok else ("注意" if c.key == "fonts" else "不符")
        out.append(f"  [{mark}] {c.label}：{c.detail}")
    if any(not f.ok for f in report.fonts):
        out.append(
            "说明：字体被替换时，行数、字数按替代字体测量；在装有公文字体的电脑上用 Word/WPS 打开以最终确认。"
        )
    out.append(
        "结论：版式符合 GB/T 9704 的要求。" if report.ok else "结论：有不符合 GB/T 9704 的项目，见上。"
    )
    return "\n".join(out)


def render_pages(
    path: str | os.PathLike[str],
    out_dir: str | os.PathLike[str],
    *,
    dpi: int = 80,
    timeout: float = CONVERT_TIMEOUT,
) -> list[Path]:
    """PNG pages of ``path`` in ``out_dir`` (``<stem>-1.png`` …); the folder is created if needed."""
    source = Path(path)
    check_regular(source, what="Word 文件")
    tools = find_tools()
    target = Path(out_dir)
    if target.exists() and not target.is_dir():
        raise DrafterError("输出位置已存在且不是文件夹", str(target))
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DrafterError(f"无法建立输出文件夹：{exc.strerror or exc}", str(target)) from exc
    with tempfile.TemporaryDirectory(prefix="drafter-preview-") as tmp:
        pdf = convert_to_pdf(source, Path(tmp), timeout=timeout)
        prefix = Path(tmp) / "page"
        _run(
            [tools.pdftoppm, "-png", "-r", str(dpi), str(pdf), str(prefix)],
            timeout=timeout,
            what="pdftoppm",
        )
        made = sorted(Path(tmp).glob("page-*.png"), key=lambda p: int(re.findall(r"\d+", p.stem)[-1]))
        results = []
        for i, png in enumerate(made, start=1):
            dest = target / f"{source.stem}-{i}.png"
            shutil.move(str(png), dest)
            results.append(dest)
    return results


__all__ = [
    "INSTALL_HINT",
    "LayoutReport",
    "check_layout",
    "convert_to_pdf",
    "find_tools",
    "format_report",
    "match_fonts",
    "measure",
    "parse_bbox_layout",
    "parse_pdffonts",
    "render_pages",
]
