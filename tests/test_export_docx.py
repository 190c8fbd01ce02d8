"""Word export per GB/T 9704-2012: build .docx files and read them back at the XML level."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn

import drafter.outline as outline
from drafter.errors import DrafterError
from drafter.export import (
    LINE_PITCH_TWIPS,
    PROFILES,
    build_docx,
    export_docx,
    export_speech,
    split_title,
)
from drafter.model import Para, Section, Speech
from drafter.util import seeds_dir

LONG_TITLE = "在全县2024年经济工作暨优化营商环境推进大会上的讲话"


def sample_speech(extra_sections: int = 0) -> Speech:
    """A speech with every element the exporter handles: front matter, 一、 / （一） headings,
    run-in headings (（一） and 一要), deeper levels, Latin and digits, and a 【待补】 marker."""
    situation = Section(
        "一、",
        "坚定信心，认清形势，切实增强责任感紧迫感",
        1,
        [
            Para(
                "今年以来，全县上下认真贯彻落实中央、省市决策部署，一般公共预算收入增长12.5%，GDP增长6.1%。"
                * 3
            )
        ],
    )
    run_in = Section(
        "（一）",
        "密切关注经济运行",
        2,
        [
            Para("当前，正值各项指标上报数据的关键时期，要全力指导帮助企业。" * 3),
            Para("特别是在外贸上，要点对点梳理企业面临的困难和问题，推动“三量齐升”。" * 3),
        ],
        run_in=True,
    )
    plain_sub = Section(
        "（二）",
        "全力抓招商上项目",
        2,
        [Para("抓投资上项目始终是我们的重中之重。要在【待补：地区】召开现场推进会。" * 2)],
    )
    deeper = Section("1.", "围绕延链补链", 3, [Para("加快主导产业提档升级，推动新兴产业发展壮大。" * 2)])
    plain_sub.children.append(deeper)
    tasks = Section(
        "二、",
        "锚定目标，重点突破，全面掀起各项工作推进高潮",
        1,
        [Para("关于后几个月重点工作，书记进行了全面部署。")],
        [run_in, plain_sub],
    )
    yao = Section(
        "一要",
        "全面梳理，细化分解再加压",
        2,
        [Para("各乡镇、各部门要对承担的各项任务进行全面梳理，建立清单台账。" * 3)],
        run_in=True,
    )
    discipline = Section("三、", "强化作风，担当拼搏，全力确保各项任务高标完成", 1, [], [yao])
    for i in range(extra_sections):
        discipline.paragraphs.append(
            Para(f"第{i + 1}段补充：要持续用力，久久为功，推动各项工作落地见效。" * 4)
        )
    return Speech(
        title=LONG_TITLE,
        subtitle="——在县政府第三次全体会议上的讲话",
        speaker="张三",
        date="2024年3月1日",
        salutation="同志们：",
        opening=[Para("今天，我们召开县政府全体会议，主要任务是安排部署工作。下面，我讲三点意见。")],
        sections=[situation, tasks, discipline],
        closing=[Para("同志们，时间已经过半，任务依然艰巨。让我们共同努力，确保全年目标任务高质量完成！")],
    )


def speech_chars(speech: Speech) -> int:
    total = len(speech.title) + len(speech.subtitle or "") + len(speech.date or "")
    total += sum(len(p.text) for p in speech.opening + speech.closing)
    for section in speech.iter_sections():
        total += len(section.marker) + len(section.heading) + sum(len(p.text) for p in section.paragraphs)
    return total


# --- reading helpers -----------------------------------------------------------------------

GB = PROFILES["gb2312"]
TWIPS_PER_MM = 1440 / 25.4
THEME_ATTRS = ("w:asciiTheme", "w:eastAsiaTheme", "w:hAnsiTheme", "w:cstheme")


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    path = tmp_path_factory.mktemp("docx") / "speech.docx"
    export_docx(sample_speech(), path, author="县政府办公室")
    return docx.Document(str(path))


def style_el(doc, style_id: str):
    for el in doc.styles.element.findall(qn("w:style")):
        if el.get(qn("w:styleId")) == style_id:
            return el
    raise AssertionError(f"style {style_id} missing")


def style_chain(doc, style_id: str):
    """The style and the styles it is based on, nearest first."""
    while style_id:
        el = style_el(doc, style_id)
        yield el
        based = el.find(qn("w:basedOn"))
        style_id = based.get(qn("w:val")) if based is not None else ""


def p_style(p) -> str:
    ps = p._p.pPr.find(qn("w:pStyle")) if p._p.pPr is not None else None
    return ps.get(qn("w:val")) if ps is not None else "Normal"


def p_prop(doc, p, tag: str, attr: str):
    """Resolve a pPr attribute: the paragraph, then its style chain."""
    ppr = p._p.pPr
    if ppr is not None:
        el = ppr.find(qn(tag))
        if el is not None and el.get(qn(attr)) is not None:
            return el.get(qn(attr))
    for st in style_chain(doc, p_style(p)):
        sppr = st.find(qn("w:pPr"))
        el = sppr.find(qn(tag)) if sppr is not None else None
        if el is not None and el.get(qn(attr)) is not None:
            return el.get(qn(attr))
    return None


def run_fonts(run) -> dict[str, str]:
    rfonts = run._r.rPr.find(qn("w:rFonts"))
    assert rfonts is not None, f"run {run.text!r} has no rFonts"
    return {k: rfonts.get(qn(f"w:{k}")) for k in ("ascii", "hAnsi", "eastAsia", "cs")}


def run_size(run) -> int:
    return int(run._r.rPr.find(qn("w:sz")).get(qn("w:val")))


def run_color(run) -> str | None:
    el = run._r.rPr.find(qn("w:color"))
    return el.get(qn("w:val")) if el is not None else None


def is_bold(run) -> bool:
    el = run._r.rPr.find(qn("w:b"))
    return el is not None and el.get(qn("w:val")) not in ("0", "false")


def find_para(doc, startswith: str):
    for p in doc.paragraphs:
        if p.text.startswith(startswith):
            return p
    raise AssertionError(f"no paragraph starting with {startswith!r}")


# --- page setup ---------------------------------------------------------------------------


def test_a4_and_margins(exported):
    sect = exported.sections[0]
    pg = sect._sectPr.find(qn("w:pgSz"))
    assert abs(int(pg.get(qn("w:w"))) - 11906) <= 5
    assert abs(int(pg.get(qn("w:h"))) - 16838) <= 5
    mar = sect._sectPr.find(qn("w:pgMar"))
    for side, mm in (("top", 37), ("bottom", 35), ("left", 28), ("right", 26)):
        twips = int(mar.get(qn(f"w:{side}")))
        assert abs(twips - mm * TWIPS_PER_MM) <= 6, (side, twips)


def test_document_grid_is_lines_579(exported):
    grid = exported.sections[0]._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:type")) == "lines"
    assert grid.get(qn("w:linePitch")) == "579"
    assert grid.get(qn("w:charSpace")) is None


# --- fonts, theme, language ---------------------------------------------------------------


def test_no_theme_font_attributes_left(exported):
    styles = exported.styles.element
    found = [
        (el.getparent().getparent().get(qn("w:styleId")), attr)
        for el in styles.iter(qn("w:rFonts"))
        for attr in THEME_ATTRS
        if el.get(qn(attr)) is not None
    ]
    assert found == []
    for el in exported.element.body.iter(qn("w:rFonts")):
        assert not any(el.get(qn(a)) for a in THEME_ATTRS)


def test_doc_defaults_fonts_and_language(exported):
    defaults = exported.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    rfonts = rpr.find(qn("w:rFonts"))
    assert rfonts.get(qn("w:eastAsia")) == GB.body
    assert rfonts.get(qn("w:ascii")) == "Times New Roman"
    assert rfonts.get(qn("w:hAnsi")) == "Times New Roman"
    assert rpr.find(qn("w:sz")).get(qn("w:val")) == "32"
    assert rpr.find(qn("w:lang")).get(qn("w:eastAsia")) == "zh-CN"


def test_theme_font_lang_is_chinese(exported):
    lang = exported.settings.element.find(qn("w:themeFontLang"))
    assert lang.get(qn("w:eastAsia")) == "zh-CN"


def test_every_style_used_has_east_asian_font(exported):
    used = {p_style(p) for p in exported.paragraphs}
    assert {
        "SpeechTitle",
        "SpeechSubtitle",
        "Salutation",
        "Normal",
        "Heading1",
        "Heading2",
        "Heading3",
    } <= used
    for style_id in used:
        rfonts = style_el(exported, style_id).find(qn("w:rPr")).find(qn("w:rFonts"))
        assert rfonts.get(qn("w:eastAsia")), style_id
        assert rfonts.get(qn("w:ascii")) == "Times New Roman", style_id


def test_every_run_has_explicit_fonts(exported):
    runs = [r for p in exported.paragraphs for r in p.runs]
    assert len(runs) > 20
    for r in runs:
        fonts = run_fonts(r)
        assert fonts["eastAsia"] in {GB.title, GB.body, GB.kai, GB.hei}, fonts
        assert fonts["ascii"] == fonts["hAnsi"] == "Times New Roman"


# --- front matter -------------------------------------------------------------------------


def test_title_xiaobiaosong_22pt_centred_and_broken(exported):
    p = exported.paragraphs[0]
    assert p_style(p) == "SpeechTitle"
    assert p_prop(exported, p, "w:jc", "w:val") == "center"
    text_runs = [r for r in p.runs if r.text and r.text != "\n"]
    assert "".join(r.text for r in text_runs) == LONG_TITLE
    for r in text_runs:
        assert run_fonts(r)["eastAsia"] == "方正小标宋简体"
        assert run_size(r) == 44
    assert p.text.count("\n") == 1  # one soft line break
    lines = p.text.split("\n")
    assert all(len(line) <= 20 for line in lines)
    assert abs(len(lines[0]) - len(lines[1])) <= 6
    assert p_prop(exported, p, "w:ind", "w:firstLine") == "0"


def test_split_title_rules():
    assert split_title("关于做好当前工作的讲话") == ["关于做好当前工作的讲话"]
    lines = split_title(LONG_TITLE)
    assert "".join(lines) == LONG_TITLE and len(lines) == 2
    assert "2024" in lines[0]  # digits never split
    quoted = "在学习贯彻《中华人民共和国安全生产法》暨安全生产工作会议上的讲话"
    lines = split_title(quoted)
    assert "".join(lines) == quoted
    assert all(len(line) <= 20 for line in lines)
    assert any("《中华人民共和国安全生产法》" in line for line in lines)
    spaced = "锚定目标 真抓实干 确保全年目标任务高质量完成"
    assert split_title(spaced) == ["锚定目标 真抓实干", "确保全年目标任务高质量完成"]
    very_long = "在" + "全县经济社会高质量发展" * 6 + "推进大会上的讲话"
    lines = split_title(very_long)
    assert "".join(lines) == very_long and all(len(line) <= 20 for line in lines) and len(lines) >= 4


def test_subtitle_speaker_date_kaiti_centred(exported):
    for start in ("——在县政府第三次全体会议上的讲话", "张三", "（2024年3月1日）"):
        p = find_para(exported, start)
        assert p.text == start
        assert p_style(p) == "SpeechSubtitle"
        assert p_prop(exported, p, "w:jc", "w:val") == "center"
        for r in p.runs:
            assert run_fonts(r)["eastAsia"] == "楷体_GB2312"
            assert run_size(r) == 32


def test_salutation_flush_left_fangsong(exported):
    p = find_para(exported, "同志们：")
    assert p.text == "同志们："
    assert p_prop(exported, p, "w:jc", "w:val") == "left"
    assert p_prop(exported, p, "w:ind", "w:firstLine") == "0"
    assert p_prop(exported, p, "w:ind", "w:firstLineChars") == "0"
    assert run_fonts(p.runs[0])["eastAsia"] == "仿宋_GB2312"


# --- body ---------------------------------------------------------------------------------


def test_body_fangsong_16pt_indent_and_exact_spacing(exported):
    p = find_para(exported, "今天，我们召开")
    assert p_style(p) == "Normal"
    assert p_prop(exported, p, "w:ind", "w:firstLineChars") == "200"
    assert p_prop(exported, p, "w:ind", "w:firstLine") == "640"
    assert p_prop(exported, p, "w:spacing", "w:line") == str(LINE_PITCH_TWIPS)
    assert p_prop(exported, p, "w:spacing", "w:lineRule") == "exact"
    assert p_prop(exported, p, "w:spacing", "w:before") == "0"
    assert p_prop(exported, p, "w:spacing", "w:after") == "0"
    for r in p.runs:
        assert run_fonts(r)["eastAsia"] == "仿宋_GB2312"
        assert run_size(r) == 32
        # condensed by 0.25 pt so that 28 characters fit the 156 mm line
        assert r._r.rPr.find(qn("w:spacing")).get(qn("w:val")) == "-5"
    # python-docx reads the same values back through its own API
    fmt = exported.styles["Normal"].paragraph_format
    assert fmt.line_spacing.pt == pytest.approx(28.95, abs=0.01)
    assert fmt.first_line_indent.pt == pytest.approx(32, abs=0.1)


def test_latin_and_digits_times_new_roman(exported):
    p = find_para(exported, "今年以来")
    assert "12.5%" in p.text and "GDP" in p.text
    for r in p.runs:
        fonts = run_fonts(r)
        assert fonts["ascii"] == "Times New Roman" and fonts["hAnsi"] == "Times New Roman"
        assert fonts["eastAsia"] == "仿宋_GB2312"


def test_heading1_heiti_on_builtin_heading_with_outline_level(exported):
    heads = [p for p in exported.paragraphs if p_style(p) == "Heading1"]
    assert [p.text[:2] for p in heads] == ["一、", "二、", "三、"]
    assert heads[0].text == "一、坚定信心，认清形势，切实增强责任感紧迫感"
    assert exported.styles["Heading 1"].style_id == "Heading1"
    assert p_prop(exported, heads[0], "w:outlineLvl", "w:val") == "0"
    for p in heads:
        for r in p.runs:
            assert run_fonts(r)["eastAsia"] == "黑体"
            assert run_size(r) == 32
            assert run_color(r) == "000000"
        # indented two characters like body paragraphs (house style), no extra spacing
        assert p_prop(exported, p, "w:ind", "w:firstLineChars") == "200"
        assert p_prop(exported, p, "w:ind", "w:firstLine") == "640"
        assert p_prop(exported, p, "w:spacing", "w:before") == "0"
        assert p_prop(exported, p, "w:spacing", "w:after") == "0"
        assert p_prop(exported, p, "w:spacing", "w:line") == "579"


def test_heading2_kaiti_outline_level_1(exported):
    p = find_para(exported, "（二）全力抓招商上项目")
    assert p.text == "（二）全力抓招商上项目"
    assert p_style(p) == "Heading2"
    assert p_prop(exported, p, "w:outlineLvl", "w:val") == "1"
    for r in p.runs:
        assert run_fonts(r)["eastAsia"] == "楷体_GB2312"
        assert run_color(r) == "000000"


def test_deeper_heading_fangsong(exported):
    p = find_para(exported, "1.围绕延链补链")
    assert p_style(p) == "Heading3"
    assert p_prop(exported, p, "w:outlineLvl", "w:val") == "2"
    for r in p.runs:
        assert run_fonts(r)["eastAsia"] == "仿宋_GB2312"


def test_heading_styles_black_not_theme_blue(exported):
    for style_id in ("Heading1", "Heading2", "Heading3", "Heading4"):
        el = style_el(exported, style_id)
        color = el.find(qn("w:rPr")).find(qn("w:color"))
        assert color.get(qn("w:val")) == "000000"
        assert color.get(qn("w:themeColor")) is None
        spacing = el.find(qn("w:pPr")).find(qn("w:spacing"))
        assert spacing.get(qn("w:before")) == "0" and spacing.get(qn("w:after")) == "0"
        assert not is_bold_style(el)


def is_bold_style(el) -> bool:
    b = el.find(qn("w:rPr")).find(qn("w:b"))
    return b is not None and b.get(qn("w:val")) not in ("0", "false")


def test_run_in_heading_two_runs_one_paragraph(exported):
    p = find_para(exported, "（一）密切关注经济运行。")
    assert p_style(p) == "Normal"
    runs = [r for r in p.runs if r.text]
    assert runs[0].text == "（一）密切关注经济运行。"
    assert run_fonts(runs[0])["eastAsia"] == "楷体_GB2312"
    assert runs[1].text.startswith("当前，正值各项指标")
    assert all(run_fonts(r)["eastAsia"] == "仿宋_GB2312" for r in runs[1:])
    # the section's second paragraph is a paragraph of its own
    nxt = find_para(exported, "特别是在外贸上")
    assert p_style(nxt) == "Normal"
    yao = find_para(exported, "一要全面梳理")
    assert yao.runs[0].text == "一要全面梳理，细化分解再加压。"
    assert run_fonts(yao.runs[0])["eastAsia"] == "仿宋_GB2312"


def test_run_in_heading_full_stop_added_once(tmp_path):
    # the parser strips the 。 ending a run-in heading; a hand-built one may keep it
    stripped = Section("（一）", "强化担当意识", 2, [Para("正文。")], run_in=True)
    kept = Section("（二）", "强化责任意识。", 2, [Para("正文。")], run_in=True)
    asked = Section("（三）", "怎么办？", 2, [Para("正文。")], run_in=True)
    doc = docx.Document(str(export_docx(Speech(sections=[stripped, kept, asked]), tmp_path / "r.docx")))
    assert [p.runs[0].text for p in doc.paragraphs] == [
        "（一）强化担当意识。",
        "（二）强化责任意识。",
        "（三）怎么办？",
    ]
    assert [p.text for p in doc.paragraphs] == [
        "（一）强化担当意识。正文。",
        "（二）强化责任意识。正文。",
        "（三）怎么办？正文。",
    ]


def test_placeholder_highlighted_in_own_run(exported):
    p = find_para(exported, "抓投资上项目")
    marked = [r for r in p.runs if r._r.rPr.find(qn("w:highlight")) is not None]
    assert [r.text for r in marked] == ["【待补：地区】", "【待补：地区】"]
    assert all(r._r.rPr.find(qn("w:highlight")).get(qn("w:val")) == "yellow" for r in marked)
    unmarked = [r for r in p.runs if r._r.rPr.find(qn("w:highlight")) is None]
    assert len(unmarked) >= 2
    assert all("【待补" not in r.text for r in unmarked)
    assert "".join(r.text for r in p.runs) == p.text


def test_no_text_lost_and_order_kept(exported):
    speech = sample_speech()
    text = "\n".join(p.text for p in exported.paragraphs)
    expected = [speech.subtitle, speech.salutation, speech.opening[0].text]
    for section in speech.iter_sections():
        expected.append(section.marker + section.heading)
        expected.extend(para.text for para in section.paragraphs)
    expected.append(speech.closing[0].text)
    pos = 0
    for piece in expected:
        found = text.find(piece, pos)
        assert found >= 0, piece[:20]
        pos = found
    assert exported.paragraphs[-1].text == speech.closing[0].text


# --- footers, properties --------------------------------------------------------------------


def _footer_check(footer, align: str):
    ps = footer.paragraphs
    assert len(ps) == 1
    p = ps[0]
    assert p._p.pPr.find(qn("w:jc")).get(qn("w:val")) == align
    xml = p._p.xml
    assert 'w:fldCharType="begin"' in xml and 'w:fldCharType="end"' in xml
    instr = [el.text for el in p._p.iter(qn("w:instrText"))]
    assert [i.strip() for i in instr] == ["PAGE"]
    assert p.text.startswith("— ") and p.text.endswith(" —")
    for r in p._p.iter(qn("w:r")):
        rpr = r.find(qn("w:rPr"))
        rfonts = rpr.find(qn("w:rFonts"))
        assert rfonts.get(qn("w:eastAsia")) == "宋体"
        assert rfonts.get(qn("w:ascii")) == "宋体"
        assert rpr.find(qn("w:sz")).get(qn("w:val")) == "28"


def test_page_numbers_odd_right_even_left(exported):
    settings = exported.settings.element
    assert settings.find(qn("w:evenAndOddHeaders")) is not None
    assert exported.settings.odd_and_even_pages_header_footer
    sect = exported.sections[0]
    assert not sect.footer.is_linked_to_previous
    assert not sect.even_page_footer.is_linked_to_previous
    _footer_check(sect.footer, "right")
    _footer_check(sect.even_page_footer, "left")


def test_core_properties(exported):
    assert exported.core_properties.title == LONG_TITLE
    assert exported.core_properties.author == "县政府办公室"
    assert exported.core_properties.last_modified_by == "县政府办公室"
    assert "python-docx" not in (exported.core_properties.comments or "")


def test_docx_package_is_valid_zip_with_parts(tmp_path):
    data = build_docx(sample_speech())
    path = tmp_path / "x.docx"
    path.write_bytes(data)
    with zipfile.ZipFile(path) as z:
        assert z.testzip() is None
        names = set(z.namelist())
    assert {"word/document.xml", "word/styles.xml", "word/settings.xml", "docProps/core.xml"} <= names
    assert sum(1 for n in names if n.startswith("word/footer")) == 2


# --- profiles ------------------------------------------------------------------------------


def test_windows_profile_fonts(tmp_path):
    path = export_docx(sample_speech(), tmp_path / "w.docx", profile="windows")
    doc = docx.Document(str(path))
    title_runs = [r for r in doc.paragraphs[0].runs if r.text.strip()]
    assert len(title_runs) == 2
    assert all(run_fonts(r)["eastAsia"] == "宋体" and is_bold(r) for r in title_runs)
    assert run_fonts(find_para(doc, "今天").runs[0])["eastAsia"] == "仿宋"
    assert run_fonts(find_para(doc, "一、").runs[0])["eastAsia"] == "黑体"
    assert run_fonts(find_para(doc, "（二）").runs[0])["eastAsia"] == "楷体"
    assert run_fonts(find_para(doc, "张三").runs[0])["eastAsia"] == "楷体"
    rpr = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    assert rpr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "仿宋"
    all_east = {run_fonts(r)["eastAsia"] for p in doc.paragraphs for r in p.runs}
    assert not any("GB2312" in f or "方正" in f for f in all_east)


def test_unknown_profile_is_chinese_error(tmp_path):
    with pytest.raises(DrafterError, match="未知的字体方案"):
        export_docx(sample_speech(), tmp_path / "x.docx", profile="mac")
    assert not (tmp_path / "x.docx").exists()


def test_date_given_with_brackets_is_not_doubled(tmp_path):
    speech = Speech(title="标题", date="（2024年3月1日）", opening=[Para("正文。")])
    doc = docx.Document(str(export_docx(speech, tmp_path / "d.docx")))
    assert [p.text for p in doc.paragraphs] == ["标题", "（2024年3月1日）", "正文。"]


def test_minimal_speech_without_front_matter(tmp_path):
    speech = Speech(opening=[Para("只有一段正文。")])
    doc = docx.Document(str(export_docx(speech, tmp_path / "m.docx")))
    assert [p.text for p in doc.paragraphs] == ["只有一段正文。"]
    assert doc.core_properties.title == ""


def test_multiline_paragraph_text_becomes_paragraphs(tmp_path):
    speech = Speech(title="标题", opening=[Para("第一行\n第二行")])
    doc = docx.Document(str(export_docx(speech, tmp_path / "m.docx")))
    assert [p.text for p in doc.paragraphs] == ["标题", "第一行", "第二行"]


# --- file handling ---------------------------------------------------------------------------


def test_existing_file_needs_force_and_keeps_backup(tmp_path):
    target = tmp_path / "speech.docx"
    target.write_bytes(b"old content")
    with pytest.raises(DrafterError) as err:
        export_docx(sample_speech(), target)
    assert "--force" in str(err.value) and "已存在" in str(err.value)
    assert target.read_bytes() == b"old content"
    export_docx(sample_speech(), target, force=True)
    assert zipfile.is_zipfile(target)
    assert (tmp_path / "speech.docx.bak").read_bytes() == b"old content"


def test_missing_folder_clear_message(tmp_path):
    with pytest.raises(DrafterError) as err:
        export_speech(sample_speech(), tmp_path / "nope" / "speech.docx")
    assert "文件夹不存在" in str(err.value)
    assert "speech.docx" in str(err.value)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root can write to read-only folders")
def test_read_only_folder_clear_message(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(DrafterError, match="没有写入权限"):
            export_speech(sample_speech(), folder / "speech.docx")
    finally:
        folder.chmod(0o700)


def test_unwritable_folder_message_via_access(tmp_path, monkeypatch):
    monkeypatch.setattr(os, "access", lambda path, mode, **kw: False)
    with pytest.raises(DrafterError, match="没有写入权限"):
        export_speech(sample_speech(), tmp_path / "speech.docx")
    assert not (tmp_path / "speech.docx").exists()


def test_locked_file_clear_message(tmp_path, monkeypatch):
    target = tmp_path / "speech.docx"
    target.write_bytes(b"opened in Word")

    def locked(src, dst):
        raise PermissionError(13, "Permission denied", str(dst))

    monkeypatch.setattr(os, "replace", locked)
    with pytest.raises(DrafterError) as err:
        export_docx(sample_speech(), target, force=True)
    assert "占用" in str(err.value)
    assert target.read_bytes() == b"opened in Word"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_target_is_a_folder(tmp_path):
    (tmp_path / "d.docx").mkdir()
    with pytest.raises(DrafterError, match="文件夹"):
        export_docx(sample_speech(), tmp_path / "d.docx", force=True)


_KILL_SCRIPT = textwrap.dedent(
    """
    import os, sys, time
    from pathlib import Path
    ready = Path(sys.argv[2])
    stage = sys.argv[3]
    real_replace, real_fsync = os.replace, os.fsync

    def slow_replace(src, dst):
        if str(dst) == sys.argv[1]:  # the target's own rename (the backup is renamed first)
            ready.write_text("replace")
            time.sleep(60)
        real_replace(src, dst)

    def slow_fsync(fd):
        ready.write_text("fsync")
        time.sleep(60)
        real_fsync(fd)

    if stage == "replace":
        os.replace = slow_replace
    else:
        os.fsync = slow_fsync
    sys.path.insert(0, sys.argv[4])
    from test_export_docx import sample_speech
    from drafter.export import export_speech
    export_speech(sample_speech(40), sys.argv[1], force=True)
    """
)


def kill_when_ready(args: list[str], ready: Path, *, tries: int, stall: str) -> int:
    """Run the Python script ``args``, SIGKILL it as soon as it writes ``ready`` (polled every 0.05 s,
    ``tries`` times: ``stall`` is the failure when it never does); its return code."""
    proc = subprocess.Popen(
        [sys.executable, *args],
        env=dict(os.environ, PYTHONDONTWRITEBYTECODE="1"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        for _ in range(tries):
            if ready.exists() or proc.poll() is not None:
                break
            time.sleep(0.05)
        assert ready.exists(), proc.stderr.read().decode() if proc.poll() is not None else stall
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return proc.returncode


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="SIGKILL needs a POSIX system")
@pytest.mark.parametrize("stage", ["fsync", "replace"])
def test_sigkill_during_export_keeps_previous_file(tmp_path, stage):
    target = tmp_path / "speech.docx"
    previous = build_docx(Speech(title="旧稿", opening=[Para("用户上一次导出的内容。")]))
    target.write_bytes(previous)
    ready = tmp_path / "ready"
    script = tmp_path / "kill_me.py"
    script.write_text(_KILL_SCRIPT, encoding="utf-8")
    args = [str(script), str(target), str(ready), stage, str(Path(__file__).parent)]
    assert kill_when_ready(args, ready, tries=600, stall="never reached the write") == -signal.SIGKILL
    # the user's file is untouched and still opens
    assert target.read_bytes() == previous
    assert docx.Document(str(target)).paragraphs[0].text == "旧稿"
    # nothing but hidden temp files were added; nothing partial under a visible name
    visible = sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("."))
    assert visible == ["kill_me.py", "ready", "speech.docx", "speech.docx.bak"]
    assert (tmp_path / "speech.docx.bak").read_bytes() == previous  # --force keeps a backup
    leftovers = [p for p in tmp_path.iterdir() if p.name.startswith(".speech.docx.")]
    assert len(leftovers) == 1
    # the next export tidies up the stale temp file and writes the new file
    old = time.time() - 3600
    os.utime(leftovers[0], (old, old))
    export_speech(sample_speech(), target, force=True)
    assert not leftovers[0].exists()
    assert docx.Document(str(target)).paragraphs[0].text.startswith("在全县2024年")


def test_recent_temp_of_a_concurrent_writer_is_left_alone(tmp_path):
    target = tmp_path / "speech.docx"
    fresh = tmp_path / ".speech.docx.abc123.tmp"
    fresh.write_bytes(b"being written")
    other = tmp_path / ".other.docx.abc.tmp"
    other.write_bytes(b"x")
    old = time.time() - 3600
    os.utime(other, (old, old))
    export_docx(sample_speech(), target)
    assert fresh.exists() and other.exists()


# --- a parsed seed speech, once the parser exists ---------------------------------------------


def test_seed_speech_round_trip(tmp_path):
    seed = sorted(seeds_dir().glob("001_*.txt"))[0]
    speech = outline.parse_speech(seed.read_text(encoding="utf-8"), source=seed.name)
    doc = docx.Document(str(export_docx(speech, tmp_path / "seed.docx")))
    heads = [p.text for p in doc.paragraphs if p_style(p) == "Heading1"]
    assert heads == [s.marker + s.heading for s in speech.sections]
    assert len(heads) == 3
    body_chars = sum(len(p.text) for p in doc.paragraphs)
    assert body_chars >= 0.95 * len(seed.read_text(encoding="utf-8").replace("\n", ""))
