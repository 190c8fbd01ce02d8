"""Export a speech: Word (.docx) laid out per GB/T 9704-2012; files and bytes in .docx/.md/.txt.

The .docx is built in memory from python-docx's default template, whose
Japanese/theme font defaults are replaced: every style we use and every run
carries an explicit ``w:eastAsia`` font, theme font attributes are removed and
``themeFontLang`` is zh-CN.  Paragraphs and runs are written as XML directly
(python-docx's per-call style look-ups are slow).  The package is then cleaned
(:mod:`drafter.export.package`: only our styles, the profile's theme fonts, a
font table of exactly the fonts used, no thumbnail or customXml) and written
atomically through :func:`drafter.util.fsutil.atomic_write`.  Markdown and
plain text live in :mod:`drafter.export.text`.

House style choices (GB/T 9704 leaves them open):
- heading paragraphs are indented two characters like body paragraphs;
- 楷体 and 黑体 headings are not bold; in the ``windows`` profile the title is
  bold 宋体, standing in for 方正小标宋;
- a run-in heading paragraph (``（一）强化担当意识。正文……``) is by default a body
  paragraph (not in Word's navigation pane, which would show the whole paragraph)
  whose first run is in the heading font; with ``heading_separator`` the heading is
  a paragraph of its heading style whose mark is hidden (Word's style separator:
  ``<w:vanish/><w:specVanish/>``), so Word shows heading and text on one line and
  lists the heading in the navigation pane.  LibreOffice 7.4 draws such a heading
  on a line of its own, the text below it with its first-line indent (checked on
  a rendered page); WPS is unverified, hence not the default;
- no widow/orphan control: every full page carries 22 lines;
- page numbers are 宋体 for digits and dashes alike (the standard's 半角宋体);
- 三号 runs are condensed by 0.25 pt so that 28 characters fill the 156 mm line (the standard's
  28 × 22 grid) without Word's character grid, and punctuation may not hang into the margin.
"""

from __future__ import annotations

import copy
import io
import os
import re
from datetime import UTC, datetime
from pathlib import Path

import docx
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm

from drafter.errors import DrafterError
from drafter.export.fonts import LATIN_FONT, FontProfile, get_profile
from drafter.export.package import clean_package, prune_document
from drafter.export.text import (
    front_lines,
    heading_text,
    speech_to_markdown,
    speech_to_plain,
    split_lines,
)
from drafter.model import Para, Section, Speech
from drafter.util.fsutil import atomic_write, check_output_target, path_exists

# --- layout constants (GB/T 9704-2012) -----------------------------------
PAGE_WIDTH_MM, PAGE_HEIGHT_MM = 210, 297
MARGIN_TOP_MM, MARGIN_BOTTOM_MM, MARGIN_LEFT_MM, MARGIN_RIGHT_MM = 37, 35, 28, 26
HEADER_DISTANCE_MM = 15
# The page number's dash sits 7 mm below the type area (35 mm from the page
# bottom): its 14 pt line then ends about 23 mm above the bottom edge.
FOOTER_DISTANCE_MM = 23
LINE_PITCH_TWIPS = 579  # 28.95 pt: 22 lines in the 225 mm type area
BODY_HALF_POINTS = 32  # 三号 16 pt
TITLE_HALF_POINTS = 44  # 二号 22 pt
PAGE_NUMBER_HALF_POINTS = 28  # 四号 14 pt
FIRST_LINE_TWIPS = 640  # two characters of 16 pt
TITLE_CHARS_PER_LINE = 20  # 156 mm type width / 22 pt
# 28 characters of 16 pt need 448 pt but the type area is 156 mm = 442.2 pt wide: Word's
# character grid would squeeze them, which LibreOffice renders wrongly (see RESEARCH.md), so the
# 三号 runs are condensed by 0.25 pt (in twentieths of a point) to fit 28 a line.
BODY_CHAR_SPACING = -5
BLACK = "000000"

FORMATS = ("docx", "md", "txt")
PLACEHOLDER_RE = re.compile(r"【待补[：:][^】]*】")

_W = nsdecls("w")
_HEADING_STYLE = {1: "Heading1", 2: "Heading2", 3: "Heading3", 4: "Heading4"}
# The styles the package keeps (with the defaults): the ones this exporter sets up.
KEPT_STYLES = ("Normal", *_HEADING_STYLE.values(), "SpeechTitle", "SpeechSubtitle", "Salutation", "Footer")


# --- small XML helpers ------------------------------------------------------


def _rfonts_xml(east_asia: str, latin: str = LATIN_FONT) -> str:
    return (
        f'<w:rFonts w:ascii="{latin}" w:hAnsi="{latin}" w:eastAsia="{east_asia}" '
        f'w:cs="{latin}" w:hint="eastAsia"/>'
    )


def _rpr_xml(
    east_asia: str, half_points: int, *, bold: bool = False, highlight: bool = False, latin: str = LATIN_FONT
) -> str:
    parts = [_rfonts_xml(east_asia, latin)]
    parts.append("<w:b/><w:bCs/>" if bold else '<w:b w:val="0"/><w:bCs w:val="0"/>')
    parts.append('<w:i w:val="0"/><w:iCs w:val="0"/>')
    parts.append(f'<w:color w:val="{BLACK}"/>')
    if half_points == BODY_HALF_POINTS:
        parts.append(f'<w:spacing w:val="{BODY_CHAR_SPACING}"/>')
    parts.append(f'<w:sz w:val="{half_points}"/><w:szCs w:val="{half_points}"/>')
    if highlight:
        parts.append('<w:highlight w:val="yellow"/>')
    return "".join(parts)


def _ppr_xml(
    *, align: str = "both", first_line: bool = True, line: int = LINE_PITCH_TWIPS, after: int = 0
) -> str:
    # No punctuation hanging into the margin: GB/T 9704 keeps all text inside the type area, and
    # LibreOffice does not draw hanging punctuation at all.
    ind = (
        f'<w:ind w:firstLineChars="200" w:firstLine="{FIRST_LINE_TWIPS}"/>'
        if first_line
        else '<w:ind w:left="0" w:firstLineChars="0" w:firstLine="0"/>'
    )
    return (
        '<w:overflowPunct w:val="0"/>'
        f'<w:spacing w:before="0" w:beforeLines="0" w:after="{after}" w:afterLines="0" '
        f'w:line="{line}" w:lineRule="exact"/>{ind}<w:jc w:val="{align}"/>'
    )


class _Builder:
    """Writes paragraphs and runs into a python-docx Document at the XML level."""

    def __init__(self, doc: docx.document.Document, profile: FontProfile):
        self.doc = doc
        self.profile = profile
        self.body = doc.element.body
        self.sect_pr = self.body.sectPr
        self._rpr_cache: dict[tuple, object] = {}

    def rpr(
        self,
        east_asia: str,
        half_points: int = BODY_HALF_POINTS,
        *,
        bold: bool = False,
        highlight: bool = False,
    ):
        key = (east_asia, half_points, bold, highlight)
        proto = self._rpr_cache.get(key)
        if proto is None:
            proto = parse_xml(
                f"<w:rPr {_W}>{_rpr_xml(east_asia, half_points, bold=bold, highlight=highlight)}</w:rPr>"
            )
            self._rpr_cache[key] = proto
        return copy.deepcopy(proto)

    def paragraph(self, style: str, ppr_extra: str = ""):
        p = parse_xml(f'<w:p {_W}><w:pPr><w:pStyle w:val="{style}"/>{ppr_extra}</w:pPr></w:p>')
        self.sect_pr.addprevious(p)
        return p

    def run(
        self,
        p,
        text: str,
        east_asia: str,
        half_points: int = BODY_HALF_POINTS,
        *,
        bold: bool = False,
        highlight: bool = False,
    ):
        r = p.makeelement(qn("w:r"), {})
        r.append(self.rpr(east_asia, half_points, bold=bold, highlight=highlight))
        t = r.makeelement(qn("w:t"), {})
        t.text = text
        t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        r.append(t)
        p.append(r)
        return r

    def text_runs(
        self, p, text: str, east_asia: str, half_points: int = BODY_HALF_POINTS, *, bold: bool = False
    ):
        """Runs for ``text``, with each 【待补：…】 marker in a highlighted run of its own."""
        pos = 0
        for m in PLACEHOLDER_RE.finditer(text):
            if m.start() > pos:
                self.run(p, text[pos : m.start()], east_asia, half_points, bold=bold)
            self.run(p, m.group(0), east_asia, half_points, bold=bold, highlight=True)
            pos = m.end()
        if pos < len(text) or not text:
            self.run(p, text[pos:], east_asia, half_points, bold=bold)

    def line_break(self, p, east_asia: str, half_points: int):
        r = p.makeelement(qn("w:r"), {})
        r.append(self.rpr(east_asia, half_points))
        r.append(r.makeelement(qn("w:br"), {}))
        p.append(r)


# --- styles, settings, section ---------------------------------------------


def _strip_theme_fonts(root) -> None:
    for rfonts in root.iter(qn("w:rFonts")):
        for attr in ("w:asciiTheme", "w:eastAsiaTheme", "w:hAnsiTheme", "w:cstheme"):
            rfonts.attrib.pop(qn(attr), None)


def _set_child(parent, tag: str, xml: str) -> None:
    """Replace (or add) the ``tag`` children of ``parent`` with the elements in ``xml``."""
    for old in parent.findall(qn(tag)):
        parent.remove(old)
    for new in parse_xml(f"<w:x {_W}>{xml}</w:x>"):
        parent.append(new)


def _set_rpr(style_el, rpr_inner: str) -> None:
    old = style_el.find(qn("w:rPr"))
    if old is not None:
        style_el.remove(old)
    style_el.append(parse_xml(f"<w:rPr {_W}>{rpr_inner}</w:rPr>"))


def _set_ppr(style_el, ppr_inner: str) -> None:
    """Replace the style's spacing/indent/alignment, keeping e.g. its outline level."""
    ppr = style_el.find(qn("w:pPr"))
    if ppr is None:
        ppr = parse_xml(f"<w:pPr {_W}/>")
        rpr = style_el.find(qn("w:rPr"))
        if rpr is not None:
            rpr.addprevious(ppr)
        else:
            style_el.append(ppr)
    new = parse_xml(f"<w:pPr {_W}>{ppr_inner}</w:pPr>")
    for child in list(new):
        for old in ppr.findall(child.tag):
            ppr.remove(old)
    # Schema order inside pPr: keepNext, keepLines, ..., spacing, ind, jc, ..., outlineLvl.
    outline = ppr.find(qn("w:outlineLvl"))
    for child in list(new):
        if outline is not None:
            outline.addprevious(child)
        else:
            ppr.append(child)


def _add_style(styles_el, style_id: str, name: str) -> object:
    el = parse_xml(
        f'<w:style {_W} w:type="paragraph" w:customStyle="1" w:styleId="{style_id}">'
        f'<w:name w:val="{name}"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/></w:style>'
    )
    styles_el.append(el)
    return el


def _style_el(styles_el, style_id: str):
    for el in styles_el.findall(qn("w:style")):
        if el.get(qn("w:styleId")) == style_id:
            return el
    return None


def _setup_styles(doc, profile: FontProfile) -> None:
    styles_el = doc.styles.element
    _strip_theme_fonts(styles_el)

    # docDefaults: explicit fonts, 三号, Chinese language.
    rpr_default = styles_el.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _set_child(rpr_default, "w:rFonts", _rfonts_xml(profile.body))
    _set_child(rpr_default, "w:sz", f'<w:sz w:val="{BODY_HALF_POINTS}"/>')
    _set_child(rpr_default, "w:szCs", f'<w:szCs w:val="{BODY_HALF_POINTS}"/>')
    _set_child(rpr_default, "w:lang", '<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/>')
    # Keep child order rFonts, sz, szCs, lang (schema order).
    for tag in ("w:rFonts", "w:sz", "w:szCs", "w:lang"):
        el = rpr_default.find(qn(tag))
        rpr_default.remove(el)
        rpr_default.append(el)
    ppr_default = styles_el.find(qn("w:docDefaults")).find(qn("w:pPrDefault")).find(qn("w:pPr"))
    _set_child(
        ppr_default,
        "w:spacing",
        f'<w:spacing w:before="0" w:after="0" w:line="{LINE_PITCH_TWIPS}" w:lineRule="exact"/>',
    )

    body_rpr = _rpr_xml(profile.body, BODY_HALF_POINTS)
    normal = _style_el(styles_el, "Normal")
    # No widow/orphan control: GB/T 9704 sets 22 lines on every full page (as Chinese Word's Normal).
    _set_ppr(normal, '<w:widowControl w:val="0"/>' + _ppr_xml())
    _set_rpr(normal, body_rpr)

    heading_fonts = {1: profile.hei, 2: profile.kai, 3: profile.body, 4: profile.body}
    for level, style_id in _HEADING_STYLE.items():
        el = _style_el(styles_el, style_id)
        _set_ppr(el, _ppr_xml())
        _set_rpr(el, _rpr_xml(heading_fonts[level], BODY_HALF_POINTS))
        # Word shows semi-hidden styles only once used; make them visible.
        for tag in ("w:semiHidden",):
            for hidden in el.findall(qn(tag)):
                el.remove(hidden)

    title = _add_style(styles_el, "SpeechTitle", "讲话标题")
    # A 22 pt line is taller than the grid pitch: without snapToGrid=0 it would take two grid lines.
    _set_ppr(title, '<w:keepNext/><w:snapToGrid w:val="0"/>' + _ppr_xml(align="center", first_line=False))
    _set_rpr(title, _rpr_xml(profile.title, TITLE_HALF_POINTS, bold=profile.title_bold))

    sub = _add_style(styles_el, "SpeechSubtitle", "讲话副标题")
    _set_ppr(sub, "<w:keepNext/>" + _ppr_xml(align="center", first_line=False))
    _set_rpr(sub, _rpr_xml(profile.kai, BODY_HALF_POINTS))

    sal = _add_style(styles_el, "Salutation", "称呼")
    _set_ppr(sal, _ppr_xml(align="left", first_line=False))
    _set_rpr(sal, body_rpr)

    footer = _style_el(styles_el, "Footer")
    if footer is not None:
        _set_rpr(footer, _rpr_xml(profile.song, PAGE_NUMBER_HALF_POINTS, latin=profile.song))


def _setup_settings(doc) -> None:
    settings = doc.settings.element
    lang = settings.find(qn("w:themeFontLang"))
    if lang is None:
        lang = parse_xml(f"<w:themeFontLang {_W}/>")
        settings.append(lang)
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    doc.settings.odd_and_even_pages_header_footer = True


def _setup_section(doc) -> None:
    section = doc.sections[0]
    section.page_width = Mm(PAGE_WIDTH_MM)
    section.page_height = Mm(PAGE_HEIGHT_MM)
    section.top_margin = Mm(MARGIN_TOP_MM)
    section.bottom_margin = Mm(MARGIN_BOTTOM_MM)
    section.left_margin = Mm(MARGIN_LEFT_MM)
    section.right_margin = Mm(MARGIN_RIGHT_MM)
    section.header_distance = Mm(HEADER_DISTANCE_MM)
    section.footer_distance = Mm(FOOTER_DISTANCE_MM)
    sect_pr = section._sectPr
    grid = sect_pr.find(qn("w:docGrid"))
    if grid is None:
        grid = parse_xml(f"<w:docGrid {_W}/>")
        sect_pr.append(grid)
    for attr in list(grid.attrib):
        del grid.attrib[attr]
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(LINE_PITCH_TWIPS))


def _page_number_paragraph(footer, profile: FontProfile, align: str) -> None:
    """``— N —`` with a PAGE field; odd pages right, even pages left, one character in."""
    font = profile.song
    rpr = _rpr_xml(font, PAGE_NUMBER_HALF_POINTS, latin=font)
    side = "right" if align == "right" else "left"
    indent = PAGE_NUMBER_HALF_POINTS * 10  # one 14 pt character in twips
    xml = (
        f'<w:p {_W}><w:pPr><w:pStyle w:val="Footer"/>'
        f'<w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/>'
        f'<w:ind w:{side}="{indent}" w:firstLine="0" w:firstLineChars="0"/><w:jc w:val="{align}"/></w:pPr>'
        f'<w:r><w:rPr>{rpr}</w:rPr><w:t xml:space="preserve">— </w:t></w:r>'
        f'<w:r><w:rPr>{rpr}</w:rPr><w:fldChar w:fldCharType="begin"/></w:r>'
        f'<w:r><w:rPr>{rpr}</w:rPr><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'
        f'<w:r><w:rPr>{rpr}</w:rPr><w:fldChar w:fldCharType="separate"/></w:r>'
        f"<w:r><w:rPr>{rpr}</w:rPr><w:t>1</w:t></w:r>"
        f'<w:r><w:rPr>{rpr}</w:rPr><w:fldChar w:fldCharType="end"/></w:r>'
        f'<w:r><w:rPr>{rpr}</w:rPr><w:t xml:space="preserve"> —</w:t></w:r></w:p>'
    )
    ftr = footer._element
    for p in ftr.findall(qn("w:p")):
        ftr.remove(p)
    ftr.append(parse_xml(xml))


def _setup_footers(doc, profile: FontProfile) -> None:
    section = doc.sections[0]
    section.footer.is_linked_to_previous = False
    _page_number_paragraph(section.footer, profile, "right")
    section.even_page_footer.is_linked_to_previous = False
    _page_number_paragraph(section.even_page_footer, profile, "left")


# --- title breaking ---------------------------------------------------------

_GOOD_BREAK_AFTER = set("的在上和及与暨、，")
_SPACES = " \u3000"
_PAIRS = {"《": "》", "“": "”", "（": "）", "(": ")", "‘": "’"}


def split_title(title: str, width: int = TITLE_CHARS_PER_LINE) -> list[str]:
    """Break a long title into balanced lines of at most ``width`` characters.

    Prefers breaking after 的/在/上/和/暨 or punctuation; never inside 《》, quotes,
    brackets or a run of digits/Latin letters, and never before closing punctuation.
    """
    title = re.sub(r"[ \u3000]+", lambda m: m.group(0)[0], title.strip())
    n = len(title)
    if n <= width:
        return [title]
    lines_needed = -(-n // width)
    forbidden = _breaks_inside_pairs(title) | _breaks_between(title)
    for k in range(lines_needed, lines_needed + 3):
        result = _best_split(title, 0, k, width, forbidden)
        if result:
            return result
    return [title[i : i + width] for i in range(0, n, width)]


def _breaks_inside_pairs(title: str) -> set[int]:
    """Positions a break before which would fall inside 《》, quotes or brackets."""
    forbidden = set()
    depth: list[str] = []
    for i, ch in enumerate(title):
        if depth:
            forbidden.add(i)
        if ch in _PAIRS:
            depth.append(_PAIRS[ch])
        elif depth and ch == depth[-1]:
            depth.pop()
    return forbidden


def _breaks_between(title: str) -> set[int]:
    """Positions a break before which would split digits/Latin letters, ——, …… or come before
    closing punctuation or a space."""
    forbidden = set()
    for i in range(1, len(title)):
        a, b = title[i - 1], title[i]
        if (a.isascii() and a.isalnum()) and (b.isascii() and b.isalnum()):
            forbidden.add(i)
        if b in "，。、；：！？）》”’" or b in _SPACES:
            forbidden.add(i)
        if a == b and a in "—…":  # never split —— or ……
            forbidden.add(i)
    return forbidden


def _break_score(text: str, cut: int, target: float) -> float:
    """How bad a break before ``text[cut]`` is: distance from ``target``, less at natural breaks."""
    score = abs(cut - target)
    if text[cut - 1] in _SPACES or text[cut : cut + 2] == "——":  # natural breaks
        score -= 2
    elif text[cut - 1] not in _GOOD_BREAK_AFTER:
        score += 3
    return score


def _best_split(text: str, start: int, k: int, width: int, forbidden: set[int]) -> list[str] | None:
    """``text`` (at ``start`` in the title) in ``k`` lines of at most ``width``, best breaks first."""
    if k == 1:
        return [text] if len(text) <= width else None
    target = len(text) / k
    candidates = [
        (_break_score(text, cut, target), cut)
        for cut in range(1, len(text))
        if cut <= width and len(text) - cut <= width * (k - 1) and start + cut not in forbidden
    ]
    for _score, cut in sorted(candidates):
        rest = _best_split(text[cut:], start + cut, k - 1, width, forbidden)
        if rest is not None:
            return [text[:cut].rstrip(_SPACES), *rest]
    return None


# --- the document -------------------------------------------------------------


def _marker_font(marker: str, profile: FontProfile) -> str:
    m = marker.strip()
    if re.match(r"^[一二三四五六七八九十百零〇]+、", m):
        return profile.hei
    if re.match(r"^（[一二三四五六七八九十百零〇]+）", m):
        return profile.kai
    return profile.body


def _body_paragraphs(b: _Builder, paras: list[Para]) -> None:
    for para in paras:
        for line in split_lines(para.text):
            p = b.paragraph("Normal")
            b.text_runs(p, line.strip(), b.profile.body)


# The paragraph mark of a run-in heading written with Word's style separator: hidden, so Word
# draws the heading and the next paragraph on one line while the navigation pane lists the heading.
STYLE_SEPARATOR_RPR = "<w:rPr><w:vanish/><w:specVanish/></w:rPr>"


def _section(b: _Builder, section: Section, depth: int, separator: bool = False) -> None:
    level = max(1, min(section.level or depth, 9))
    font = _marker_font(section.marker, b.profile)
    heading = heading_text(section)
    paras = list(section.paragraphs)
    style = _HEADING_STYLE.get(level, "Heading4")
    if section.run_in and separator:
        # rPr is the last child of pPr in the schema order.
        p = b.paragraph(style, STYLE_SEPARATOR_RPR if paras else "")
        b.text_runs(p, heading, font)
        if paras:
            first = paras.pop(0)
            body = b.paragraph("Normal")
            b.text_runs(body, first.text.strip(), b.profile.body)
    elif section.run_in:
        p = b.paragraph("Normal")
        b.text_runs(p, heading, font)
        if paras:
            first = paras.pop(0)
            b.text_runs(p, first.text.strip(), b.profile.body)
    else:
        p = b.paragraph(style)
        b.text_runs(p, heading, font)
    _body_paragraphs(b, paras)
    for child in section.children:
        _section(b, child, depth + 1, separator)


def build_docx(
    speech: Speech, *, profile: str = "gb2312", author: str = "", heading_separator: bool = False
) -> bytes:
    """The .docx bytes of ``speech`` (nothing is written to disk).

    ``heading_separator``: each run-in heading (``（一）强化担当意识。正文……``) becomes a heading
    paragraph of its level with a hidden paragraph mark (Word's style separator) followed by its
    text in a body paragraph, so Word lists it in the navigation pane; by default it is one body
    paragraph.  LibreOffice shows such a heading on a line of its own.
    """
    prof = get_profile(profile)
    doc = docx.Document()
    _setup_styles(doc, prof)
    _setup_settings(doc)
    _setup_section(doc)
    _setup_footers(doc, prof)
    # python-docx's default template body holds only sectPr; drop any paragraph a future template adds.
    for p in doc.element.body.findall(qn("w:p")):
        doc.element.body.remove(p)

    b = _Builder(doc, prof)
    front: list = []
    if speech.title:
        p = b.paragraph("SpeechTitle")
        lines = split_title(speech.title)
        for i, line in enumerate(lines):
            if i:
                b.line_break(p, prof.title, TITLE_HALF_POINTS)
            b.text_runs(p, line, prof.title, TITLE_HALF_POINTS, bold=prof.title_bold)
        front.append(p)
    for line in front_lines(speech):
        if line:
            p = b.paragraph("SpeechSubtitle")
            b.text_runs(p, line.strip(), prof.kai)
            front.append(p)
    if front:
        # One blank line between the title block and the text.
        spacing = front[-1].find(qn("w:pPr"))
        spacing.append(
            parse_xml(
                f'<w:spacing {_W} w:before="0" w:after="{LINE_PITCH_TWIPS}" w:line="{LINE_PITCH_TWIPS}" '
                f'w:lineRule="exact"/>'
            )
        )
    if speech.salutation:
        p = b.paragraph("Salutation")
        b.text_runs(p, speech.salutation.strip(), prof.body)
    _body_paragraphs(b, speech.opening)
    for section in speech.sections:
        _section(b, section, 1, heading_separator)
    _body_paragraphs(b, speech.closing)

    props = doc.core_properties
    props.title = speech.title or ""
    props.author = author
    props.last_modified_by = author
    props.comments = ""
    props.subject = speech.subtitle or ""
    props.keywords = ""
    props.language = "zh-CN"
    now = datetime.now(UTC).replace(microsecond=0, tzinfo=None)
    props.created = now
    props.modified = now
    props.revision = 1

    prune_document(doc, KEPT_STYLES)
    buf = io.BytesIO()
    doc.save(buf)
    return clean_package(buf.getvalue(), prof, keep_styles=KEPT_STYLES)


# --- writing files ------------------------------------------------------------------

_SUFFIX_FORMATS = {".docx": "docx", ".md": "md", ".markdown": "md", ".txt": "txt"}


def _format_for(path: Path, fmt: str | None) -> str:
    if fmt:
        key = fmt.lower().lstrip(".")
        if key == "markdown":
            key = "md"
        if key == "text":
            key = "txt"
    else:
        key = path.suffix.lower().lstrip(".")
        if key == "markdown":
            key = "md"
        if not key:
            raise DrafterError(
                "无法从文件名判断导出格式，请用 .docx、.md 或 .txt 结尾，或指定 --format", str(path)
            )
    if key not in FORMATS:
        raise DrafterError(f"不支持的导出格式：{fmt or path.suffix}（可用：docx、md、txt）", str(path))
    if fmt:
        suffix = _SUFFIX_FORMATS.get(path.suffix.lower())
        if suffix and suffix != key:
            raise DrafterError(
                f"导出格式 {key} 与文件扩展名 {path.suffix} 不一致；请改用 .{key} 结尾的文件名，或去掉 --format",
                str(path),
            )
    return key


def _check_target(target: Path, force: bool) -> None:
    folder = target.parent if str(target.parent) else Path(".")
    check_output_target(target, overwrite=force)
    if not os.access(folder, os.W_OK):
        raise DrafterError(f"没有写入权限：{folder}（请换一个保存位置）", str(target))


def _write(target: Path, data: bytes | str, force: bool) -> Path:
    _check_target(target, force)
    return atomic_write(target, data, overwrite=force, backup=force and path_exists(target))


def export_docx(
    speech: Speech,
    path: str | os.PathLike[str],
    *,
    profile: str = "gb2312",
    force: bool = False,
    author: str = "",
    heading_separator: bool = False,
) -> Path:
    """Write ``speech`` as a GB/T 9704-2012 .docx; refuses to overwrite without ``force``
    (the previous file is then kept as ``<name>.bak``)."""
    target = Path(path)
    get_profile(profile)
    _check_target(target, force)
    data = build_docx(speech, profile=profile, author=author, heading_separator=heading_separator)
    return _write(target, data, force)


def export_speech(
    speech: Speech,
    path: str | os.PathLike[str],
    fmt: str | None = None,
    *,
    force: bool = False,
    profile: str = "gb2312",
    author: str = "",
    heading_separator: bool = False,
) -> Path:
    """Export to .docx, .md or .txt; the format comes from ``fmt`` or else the file suffix.

    A format that contradicts a known suffix (``-o a.docx --format txt``) is refused.
    """
    target = Path(path)
    kind = _format_for(target, fmt)
    if kind == "docx":
        return export_docx(
            speech, target, profile=profile, force=force, author=author, heading_separator=heading_separator
        )
    _check_target(target, force)
    text = speech_to_markdown(speech) if kind == "md" else speech_to_plain(speech)
    return _write(target, text, force)


MEDIA_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "md": "text/markdown; charset=utf-8",
    "txt": "text/plain; charset=utf-8",
}


def export_bytes(
    speech: Speech,
    fmt: str = "docx",
    *,
    profile: str = "gb2312",
    author: str = "",
    heading_separator: bool = False,
    filename: str | None = None,
) -> tuple[str, bytes]:
    """``(file name, bytes)`` of the export in ``fmt`` without touching the disk.

    For handing a file to a browser (``App.deliver_binary`` under ``drafter serve``).  The name
    is ``filename`` with the format's suffix, or the speech title (cut to 60 characters, with
    characters file systems refuse replaced), or 讲话稿.
    """
    kind = _format_for(Path(f"x.{fmt}"), fmt)
    if kind == "docx":
        data = build_docx(speech, profile=profile, author=author, heading_separator=heading_separator)
    else:
        text = speech_to_markdown(speech) if kind == "md" else speech_to_plain(speech)
        data = text.encode("utf-8")
    stem = Path(filename).stem if filename else (speech.title or "").strip()
    stem = re.sub(r'[\\/:*?"<>|\x00-\x1f]+', "_", stem)[:60].strip(" ._") or "讲话稿"
    return f"{stem}.{kind}", data
