"""The .docx package is clean (issue 13): parts, styles, theme fonts, font table; and the
style-separator option for run-in headings, read back."""

from __future__ import annotations

import io
import re
import zipfile

import docx
import pytest
from docx.oxml.ns import qn
from lxml import etree

from drafter.cli.entry import main
from drafter.corpus import read_document
from drafter.export import PROFILES, STYLE_SEPARATOR_RPR, build_docx, export_bytes, export_docx
from drafter.export.package import FONT_FACTS, clean_package
from drafter.model import Para, Section, Speech

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"


def speech() -> Speech:
    run_in = Section(
        "（一）",
        "强化担当意识",
        2,
        [Para("各级干部要敢于担当、善于作为。"), Para("第二段正文。")],
        run_in=True,
    )
    plain = Section("（二）", "狠抓工作落实", 2, [Para("要一项一项抓落实。")])
    yao = Section("一要", "全面梳理", 3, [Para("各部门要建立清单台账。")], run_in=True)
    first = Section("一、", "认清形势", 1, [Para("今年以来，形势总体平稳。")], [run_in, plain])
    second = Section("二、", "严明纪律", 1, [], [yao])
    return Speech(
        title="在全县经济工作会议上的讲话",
        subtitle="——在县政府全体会议上的讲话",
        speaker="张三",
        date="2024年3月1日",
        salutation="同志们：",
        opening=[Para("今天召开会议。")],
        sections=[first, second],
        closing=[Para("让我们共同努力！")],
    )


def parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert z.testzip() is None
        return {n: z.read(n) for n in z.namelist()}


@pytest.fixture(scope="module")
def package() -> dict[str, bytes]:
    return parts(build_docx(speech()))


# --- parts, relationships, content types --------------------------------------------------------


def test_no_thumbnail_customxml_styles_with_effects_or_unused_numbering(package):
    names = set(package)
    assert "docProps/thumbnail.jpeg" not in names
    assert not [n for n in names if n.startswith("customXml")]
    assert "word/stylesWithEffects.xml" not in names
    assert "word/numbering.xml" not in names
    assert {
        "[Content_Types].xml",
        "_rels/.rels",
        "word/document.xml",
        "word/_rels/document.xml.rels",
        "word/styles.xml",
        "word/settings.xml",
        "word/fontTable.xml",
        "word/theme/theme1.xml",
        "docProps/core.xml",
        "docProps/app.xml",
    } <= names
    assert sum(1 for n in names if re.fullmatch(r"word/footer\d+\.xml", n)) == 2


def test_relationships_and_content_types_are_consistent(package):
    names = set(package)
    for rels_name in [n for n in names if n.endswith(".rels")]:
        root = etree.fromstring(package[rels_name])
        folder = rels_name.rsplit("_rels/", 1)[0]
        for rel in root:
            target = rel.get("Target")
            resolved = re.sub(r"[^/]+/\.\./", "", folder + target).lstrip("/")
            assert resolved in names, (rels_name, target)
            assert "thumbnail" not in rel.get("Type") and "customXml" not in rel.get("Type")
    ct = etree.fromstring(package["[Content_Types].xml"])
    overrides = {el.get("PartName").lstrip("/") for el in ct if el.tag.endswith("Override")}
    assert overrides <= names
    defaults = {el.get("Extension") for el in ct if el.tag.endswith("Default")}
    assert "jpeg" not in defaults
    xml_parts = {n for n in names if n.endswith(".xml") and n != "[Content_Types].xml"}
    assert xml_parts - overrides == set()  # every part has its own content type


def test_package_is_small(package):
    data = build_docx(speech())
    assert len(data) < 20_000  # python-docx's default package was about 40 KB compressed
    assert len(package["word/styles.xml"]) < 20_000  # was 346 KB
    assert b"Macintosh" not in package["docProps/app.xml"]
    assert b"savePreviewPicture" not in package["word/settings.xml"]


def test_only_used_and_own_styles(package):
    root = etree.fromstring(package["word/styles.xml"])
    ids = {el.get(f"{W}styleId") for el in root.findall(f"{W}style")}
    own = {"Normal", "Heading1", "Heading2", "Heading3", "Heading4", "SpeechTitle", "SpeechSubtitle"}
    own |= {"Salutation", "Footer"}
    defaults = {"DefaultParagraphFont", "TableNormal", "NoList"}
    assert own <= ids and ids <= own | defaults
    assert root.find(f"{W}latentStyles") is None
    # every reference between styles points at a style that is there
    for el in root.findall(f"{W}style"):
        for tag in ("basedOn", "next", "link"):
            ref = el.find(f"{W}{tag}")
            if ref is not None:
                assert ref.get(f"{W}val") in ids
    # and every style the document uses exists
    used = set(re.findall(rb'w:pStyle w:val="([^"]+)"', package["word/document.xml"]))
    assert {u.decode() for u in used} <= ids


# --- fonts --------------------------------------------------------------------------------------


@pytest.mark.parametrize("profile", sorted(PROFILES))
def test_theme_fonts_are_the_profile_fonts(profile):
    p = parts(build_docx(speech(), profile=profile))
    theme = etree.fromstring(p["word/theme/theme1.xml"])
    prof = PROFILES[profile]
    major = theme.find(f".//{A}majorFont")
    minor = theme.find(f".//{A}minorFont")
    assert major.find(f"{A}ea").get("typeface") == prof.hei
    assert minor.find(f"{A}ea").get("typeface") == prof.body
    assert major.find(f"{A}latin").get("typeface") == "Times New Roman"
    faces = {el.get("typeface") for el in theme.iter() if el.get("typeface") is not None}
    assert not faces & {"Calibri", "Cambria", "ＭＳ 明朝", "ＭＳ ゴシック", "맑은 고딕"}
    assert theme.findall(f".//{A}font") == []  # no per-script list


@pytest.mark.parametrize("profile", sorted(PROFILES))
def test_font_table_lists_exactly_the_fonts_used(profile):
    p = parts(build_docx(speech(), profile=profile))
    table = etree.fromstring(p["word/fontTable.xml"])
    listed = [el.get(f"{W}name") for el in table.findall(f"{W}font")]
    assert len(listed) == len(set(listed))
    named: set[str] = set()
    for part in ("word/document.xml", "word/styles.xml", "word/footer1.xml", "word/footer2.xml"):
        for el in etree.fromstring(p[part]).iter(f"{W}rFonts"):
            named |= {
                v for k, v in el.attrib.items() if k.split("}")[1] in ("ascii", "hAnsi", "eastAsia", "cs")
            }
    prof = PROFILES[profile]
    assert set(listed) == named | {"Times New Roman", prof.hei, prof.body}
    assert {prof.title, prof.body, prof.kai, prof.hei, prof.song} <= set(listed)
    for font in table.findall(f"{W}font"):
        name = font.get(f"{W}name")
        charset = font.find(f"{W}charset").get(f"{W}val")
        if any(ord(ch) > 0x2E80 for ch in name):
            assert charset == "86", name  # GB2312: WPS/Word look for a Chinese font
        else:
            assert charset == "00"
        panose = font.find(f"{W}panose1")
        known = FONT_FACTS.get(name, (None,))[0]
        if known:
            assert panose is not None and panose.get(f"{W}val") == known
        else:
            assert panose is None  # no made-up PANOSE numbers
    assert not set(listed) & {
        "ＭＳ 明朝",
        "ＭＳ ゴシック",
        "Calibri",
        "Cambria",
        "Symbol",
        "Courier",
        "Arial",
    }


def test_clean_package_is_idempotent_and_word_still_opens_it():
    data = build_docx(speech())
    again = clean_package(data, PROFILES["gb2312"], keep_styles=("Normal",))
    assert set(parts(again)) == set(parts(data))
    doc = docx.Document(io.BytesIO(again))
    assert doc.paragraphs[0].text == "在全县经济工作会议上的讲话"


# --- style separator -------------------------------------------------------------------------------


def _paras(data: bytes):
    return list(docx.Document(io.BytesIO(data)).paragraphs)


def _style(p) -> str:
    ps = p._p.pPr.find(qn("w:pStyle")) if p._p.pPr is not None else None
    return ps.get(qn("w:val")) if ps is not None else "Normal"


def _hidden_mark(p) -> bool:
    ppr = p._p.pPr
    rpr = ppr.find(qn("w:rPr")) if ppr is not None else None
    return (
        rpr is not None and rpr.find(qn("w:vanish")) is not None and rpr.find(qn("w:specVanish")) is not None
    )


def test_default_keeps_run_in_heading_in_one_body_paragraph():
    paras = _paras(build_docx(speech()))
    p = next(p for p in paras if p.text.startswith("（一）"))
    assert p.text == "（一）强化担当意识。各级干部要敢于担当、善于作为。"
    assert _style(p) == "Normal" and not _hidden_mark(p)
    assert not any(_hidden_mark(p) for p in paras)


def test_heading_separator_makes_a_heading2_with_hidden_mark():
    paras = _paras(build_docx(speech(), heading_separator=True))
    texts = [p.text for p in paras]
    i = texts.index("（一）强化担当意识。")
    head, body = paras[i], paras[i + 1]
    assert _style(head) == "Heading2" and _hidden_mark(head)
    assert body.text == "各级干部要敢于担当、善于作为。" and _style(body) == "Normal"
    assert texts[i + 2] == "第二段正文。"
    # rPr is the last child of the paragraph properties (schema order)
    assert head._p.pPr[-1].tag == qn("w:rPr")
    assert "<w:vanish/><w:specVanish/>" in STYLE_SEPARATOR_RPR
    # the heading keeps its font: 楷体 for （一）
    fonts = head.runs[0]._r.rPr.find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia")) == PROFILES["gb2312"].kai
    # 一要 run-ins become level-3 headings the same way; plain headings are unchanged
    yao = paras[texts.index("一要全面梳理。")]
    assert _style(yao) == "Heading3" and _hidden_mark(yao)
    plain = paras[texts.index("（二）狠抓工作落实")]
    assert _style(plain) == "Heading2" and not _hidden_mark(plain)
    # Word's navigation pane lists the run-in heading: an outline-level style, not the body text
    assert sum(1 for p in paras if _style(p).startswith("Heading")) == 5  # 一、二、（一）（二）一要


def test_heading_separator_round_trip_through_the_reader(tmp_path):
    path = export_docx(speech(), tmp_path / "sep.docx", heading_separator=True)
    texts = [p.text for p in read_document(path)]
    assert "（一）强化担当意识。各级干部要敢于担当、善于作为。" in texts
    assert "一要全面梳理。各部门要建立清单台账。" in texts
    assert "（一）强化担当意识。" not in texts
    plain = export_docx(speech(), tmp_path / "plain.docx")
    assert [p.text for p in read_document(plain)] == texts


def test_heading_separator_round_trip_through_lint(tmp_path, capsys):
    path = export_docx(speech(), tmp_path / "sep.docx", heading_separator=True)
    plain = export_docx(speech(), tmp_path / "plain.docx")
    main(["lint", str(path), "--json"])
    sep_out = capsys.readouterr().out
    main(["lint", str(plain), "--json"])
    plain_out = capsys.readouterr().out

    # the same findings; only paragraph numbers may differ (the heading is a paragraph of its own)
    def norm(out: str, name: str) -> str:
        return re.sub(r"X:\d+", "X:N", out.replace(name, "X"))

    assert norm(sep_out, "sep.docx") == norm(plain_out, "plain.docx")
    assert "X:N" in norm(sep_out, "sep.docx") or sep_out.strip() in ("[]", "")


# --- bytes for a browser download -------------------------------------------------------------------


def test_export_bytes_names_and_formats():
    name, data = export_bytes(speech(), "docx")
    assert name == "在全县经济工作会议上的讲话.docx" and data[:2] == b"PK"
    name, data = export_bytes(speech(), "md", filename="稿子/初稿.docx")
    assert name == "初稿.md" and data.decode("utf-8").startswith("# ")
    name, data = export_bytes(Speech(title='a/b:c*?"<>|'), "txt")
    assert name == "a_b_c.txt"
    _, sep = export_bytes(speech(), "docx", heading_separator=True)
    assert b"specVanish" in parts(sep)["word/document.xml"]
