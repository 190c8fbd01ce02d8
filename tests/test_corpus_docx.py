""".docx as Word writes it: automatic numbering, tracked changes, tables, the style separator; .doc/.wps.

The test documents are python-docx packages whose ``document.xml``, ``numbering.xml`` and
``styles.xml`` are replaced with raw WordprocessingML, as Word or WPS would write them.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import docx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from drafter.corpus import clean_lines, read_document, soffice_path
from drafter.corpus import read as corpus_read
from drafter.corpus.wordml import format_number
from drafter.errors import DrafterError
from drafter.outline import parse_corpus, parse_speech

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _template() -> dict[str, bytes]:
    buf = io.BytesIO()
    docx.Document().save(buf)
    with zipfile.ZipFile(buf) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


TEMPLATE = _template()


def write_docx(path: Path, body: str, numbering: str | None = None, styles: str = "") -> Path:
    """A .docx whose body, numbering definitions and extra paragraph styles are the given XML."""
    parts = dict(TEMPLATE)
    parts["word/document.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<w:document xmlns:w="{W_NS}"><w:body>{body}<w:sectPr/></w:body></w:document>'
    ).encode()
    if numbering is not None:
        parts["word/numbering.xml"] = (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            f'<w:numbering xmlns:w="{W_NS}">{numbering}</w:numbering>'
        ).encode()
    if styles:
        parts["word/styles.xml"] = parts["word/styles.xml"].replace(
            b"</w:styles>", styles.encode() + b"</w:styles>"
        )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return path


def p(text: str = "", *, num: tuple[int, int] | None = None, style: str | None = None, ppr: str = "") -> str:
    """One paragraph: plain text runs, optional list (numId, ilvl), style and extra pPr XML."""
    props = ""
    if style:
        props += f'<w:pStyle w:val="{style}"/>'
    if num:
        props += f'<w:numPr><w:ilvl w:val="{num[1]}"/><w:numId w:val="{num[0]}"/></w:numPr>'
    props += ppr
    run = f'<w:r><w:t xml:space="preserve">{text}</w:t></w:r>' if text else ""
    return f"<w:p>{f'<w:pPr>{props}</w:pPr>' if props else ''}{run}</w:p>"


def lvl(ilvl: int, fmt: str, text: str, start: int = 1, extra: str = "") -> str:
    return (
        f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="{start}"/><w:numFmt w:val="{fmt}"/>'
        f'<w:lvlText w:val="{text}"/>{extra}<w:suff w:val="nothing"/></w:lvl>'
    )


# A 县政府办 outline list: 一、 / （一） / 1.
OUTLINE_LIST = (
    '<w:abstractNum w:abstractNumId="10">'
    + lvl(0, "chineseCounting", "%1、")
    + lvl(1, "chineseCounting", "（%2）")
    + lvl(2, "decimal", "%3.")
    + "</w:abstractNum>"
)
STYLES = (
    '<w:style w:type="paragraph" w:styleId="CnHeading1"><w:name w:val="CN Heading 1"/>'
    '<w:pPr><w:numPr><w:numId w:val="1"/></w:numPr></w:pPr></w:style>'
)
SEPARATOR = "<w:rPr><w:vanish/><w:specVanish/></w:rPr>"


def test_word_auto_numbering_is_rendered_as_text(tmp_path):
    numbering = (
        OUTLINE_LIST
        + '<w:abstractNum w:abstractNumId="20">'
        + lvl(0, "decimalEnclosedParen", "%1", start=3)
        + "</w:abstractNum>"
        + '<w:abstractNum w:abstractNumId="30">'
        + lvl(0, "ideographTraditional", "%1、")
        + lvl(1, "chineseCountingThousand", "第%2条", extra='<w:lvlRestart w:val="0"/>')
        + "</w:abstractNum>"
        + '<w:num w:numId="1"><w:abstractNumId w:val="10"/></w:num>'
        + '<w:num w:numId="2"><w:abstractNumId w:val="20"/></w:num>'
        + '<w:num w:numId="3"><w:abstractNumId w:val="20"/>'
        '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>'
        + '<w:num w:numId="4"><w:abstractNumId w:val="30"/></w:num>'
    )
    body = "".join(
        [
            p("在全县经济工作会议上的讲话"),
            p("同志们："),
            p("今天召开会议。下面，我讲三点意见。"),
            p("认清形势", num=(1, 0)),
            p("今年以来，成绩明显。"),
            p("强化担当", num=(1, 1)),
            p("狠抓落实", num=(1, 1)),
            p("明确任务", num=(1, 0)),
            p("抓项目", num=(1, 1)),  # restarts under 二、
            p("第一点", num=(1, 2)),
            p("加强领导", style="CnHeading1"),  # numbered through its paragraph style
            p("要切实加强领导。"),
            p("起", num=(2, 0)),  # w:start 3
            p("承", num=(2, 0)),  # the same list continues
            p("转", num=(3, 0)),  # startOverride restarts the shared list
            p("甲项", num=(4, 0)),
            p("条款", num=(4, 1)),
            p("乙项", num=(4, 0)),
            p("条款", num=(4, 1)),  # lvlRestart 0: never restarts
            p("不编号", num=(0, 0)),  # numId 0 removes numbering
        ]
    )
    path = write_docx(tmp_path / "numbered.docx", body, numbering, STYLES)
    paras = read_document(path)
    assert [x.text for x in paras] == [
        "在全县经济工作会议上的讲话",
        "同志们：",
        "今天召开会议。下面，我讲三点意见。",
        "一、认清形势",
        "今年以来，成绩明显。",
        "（一）强化担当",
        "（二）狠抓落实",
        "二、明确任务",
        "（一）抓项目",
        "1.第一点",
        "三、加强领导",
        "要切实加强领导。",
        "⑶起",
        "⑷承",
        "⑴转",
        "甲、甲项",
        "第一条条款",
        "乙、乙项",
        "第二条条款",
        "不编号",
    ]
    assert [x.line for x in paras] == list(range(1, 21))
    speech = parse_speech(clean_lines(paras), source=path.name)
    assert [s.marker + s.heading for s in speech.sections][:3] == [
        "一、认清形势",
        "二、明确任务",
        "三、加强领导",
    ]
    assert [c.heading for c in speech.sections[0].children] == ["强化担当", "狠抓落实"]


def test_tracked_changes_tables_and_style_separator(tmp_path):
    numbering = OUTLINE_LIST + '<w:num w:numId="1"><w:abstractNumId w:val="10"/></w:num>'
    tracked = (
        "<w:p><w:r><w:t>要</w:t></w:r>"
        '<w:ins w:id="1" w:author="a"><w:r><w:t>切实</w:t></w:r></w:ins>'
        '<w:del w:id="2" w:author="a"><w:r><w:delText>认真</w:delText></w:r></w:del>'
        "<w:r><w:t>抓好落实。</w:t></w:r>"
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> PAGE </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>（见附表）</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>'
    )
    # a paragraph whose mark was deleted in review joins the next one
    deleted_mark = (
        '<w:p><w:pPr><w:rPr><w:del w:id="3" w:author="a"/></w:rPr></w:pPr>'
        "<w:r><w:t>各乡镇要</w:t></w:r></w:p>"
        "<w:p><w:r><w:t>压实责任。</w:t></w:r></w:p>"
        '<w:p><w:pPr><w:rPr><w:del w:id="4" w:author="a"/></w:rPr></w:pPr>'
        '<w:del w:id="5" w:author="a"><w:r><w:delText>旧的第三部分</w:delText></w:r></w:del></w:p>'
        + p("加强组织领导", num=(1, 0))
    )
    table = (
        "<w:tbl><w:tblPr/><w:tblGrid><w:gridCol/><w:gridCol/></w:tblGrid>"
        "<w:tr><w:tc><w:p><w:r><w:t>指标</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>完成</w:t></w:r></w:p></w:tc></w:tr>"
        "<w:tr><w:tc><w:p><w:r><w:t>地区生产总值</w:t></w:r></w:p>"
        "<w:p><w:r><w:t>（亿元）</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>120</w:t></w:r></w:p></w:tc></w:tr>"
        "</w:tbl>"
    )
    body = "".join(
        [
            p("在全县安全生产工作会议上的讲话"),
            p("同志们："),
            p("今天开会。"),
            p("认清形势", num=(1, 0)),
            table,
            p("成绩明显。"),
            p("狠抓落实", num=(1, 0)),
            # Word's style separator: the run-in heading is its own (numbered) paragraph
            p("强化担当意识。", num=(1, 1), ppr=SEPARATOR),
            p("各级要把责任扛在肩上。"),
            p("严格督查考核。", num=(1, 1), ppr=SEPARATOR),
            p("对工作不力的严肃问责。"),
            tracked,
            deleted_mark,
        ]
    )
    path = write_docx(tmp_path / "tracked.docx", body, numbering)
    paras = read_document(path)
    assert [(x.text, x.line) for x in paras] == [
        ("在全县安全生产工作会议上的讲话", 1),
        ("同志们：", 2),
        ("今天开会。", 3),
        ("一、认清形势", 4),
        ("指标", 5),
        ("完成", 6),
        ("地区生产总值", 7),
        ("（亿元）", 8),
        ("120", 9),
        ("成绩明显。", 10),
        ("二、狠抓落实", 11),
        ("（一）强化担当意识。各级要把责任扛在肩上。", 12),
        ("（二）严格督查考核。对工作不力的严肃问责。", 14),
        ("要切实抓好落实。（见附表）", 16),
        ("各乡镇要压实责任。", 17),
        ("三、加强组织领导", 19),
    ]
    speech = parse_corpus([path]).speeches[0]
    assert [s.marker + s.heading for s in speech.sections] == [
        "一、认清形势",
        "二、狠抓落实",
        "三、加强组织领导",
    ]
    children = speech.sections[1].children
    assert [c.marker + c.heading for c in children] == ["（一）强化担当意识", "（二）严格督查考核"]
    assert children[0].paragraphs[0].text == "各级要把责任扛在肩上。"


def test_docx_written_by_python_docx_still_reads_like_python_docx(tmp_path):
    document = docx.Document()
    document.add_paragraph("在全县大会上的讲话")
    para = document.add_paragraph("同志们：")
    para.add_run("\t")
    document.add_paragraph("一、认清形势", style="List Number")  # numbered by style in the template
    path = tmp_path / "plain.docx"
    document.save(str(path))
    texts = [x.text for x in read_document(path)]
    assert texts[0] == "在全县大会上的讲话"
    assert texts[1] == "同志们：\t"
    assert texts[2].endswith("一、认清形势")


@pytest.mark.parametrize(
    ("n", "fmt", "expected"),
    [
        (1, "chineseCounting", "一"),
        (10, "chineseCounting", "十"),
        (12, "chineseCounting", "十二"),
        (20, "chineseCountingThousand", "二十"),
        (105, "chineseCountingThousand", "一百零五"),
        (1010, "chineseCountingThousand", "一千零一十"),
        (3, "ideographTraditional", "丙"),
        (2, "decimalEnclosedParen", "⑵"),
        (3, "decimalEnclosedCircle", "③"),
        (2, "ideographEnclosedCircle", "㈡"),
        (4, "upperRoman", "IV"),
        (28, "lowerLetter", "bb"),
        (7, "decimalZero", "07"),
        (11, "chineseLegalSimplified", "壹拾壹"),
        (9, "decimal", "9"),
        (5, "cardinalText", "5"),
    ],
)
def test_format_number(n, fmt, expected):
    assert format_number(n, fmt) == expected


# ---------------------------------------------------------------------------
# .doc and .wps through LibreOffice


def test_doc_without_libreoffice_names_the_file(tmp_path, monkeypatch):
    monkeypatch.setattr(corpus_read, "soffice_path", lambda: None)
    for name in ("旧稿.doc", "讲话.wps"):
        path = tmp_path / name
        path.write_bytes(b"\xd0\xcf\x11\xe0" + b"\x00" * 100)
        with pytest.raises(DrafterError) as info:
            read_document(path)
        assert info.value.file == str(path)
        assert "LibreOffice" in info.value.message and "没有安装" in info.value.message
        assert ".docx" in info.value.message


@pytest.mark.slow
@pytest.mark.skipif(soffice_path() is None, reason="LibreOffice (soffice) 未安装")
def test_doc_and_wps_are_converted_by_libreoffice(tmp_path):
    source = tmp_path / "source.docx"
    lines = [
        "在全县经济工作会议上的讲话",
        "同志们：",
        "今天开会。",
        "一、认清形势",
        "成绩明显。",
        "二、狠抓落实",
        "要抓好落实。",
    ]
    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    document.save(str(source))
    subprocess.run(
        [
            soffice_path(),
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "doc",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    doc = tmp_path / "source.doc"
    assert doc.read_bytes()[:4] == b"\xd0\xcf\x11\xe0"  # a real binary Word file
    wps = tmp_path / "讲话.wps"  # WPS Writer files share the binary Word format
    shutil.copy(doc, wps)
    result = parse_corpus([tmp_path / "source.doc", wps])
    assert result.errors == []
    for speech in result.speeches:
        assert speech.title == "在全县经济工作会议上的讲话"
        assert [s.heading for s in speech.sections] == ["认清形势", "狠抓落实"]
    assert [(x.text, x.line) for x in read_document(doc)][:2] == [(lines[0], 1), (lines[1], 2)]


def _fake_soffice(tmp_path: Path, script: str) -> str:
    program = tmp_path / "fake-soffice"
    program.write_text("#!/bin/sh\n" + script + "\n", encoding="utf-8")
    program.chmod(0o755)
    return str(program)


def test_conversion_that_hangs_is_stopped(tmp_path, monkeypatch):
    monkeypatch.setattr(corpus_read, "soffice_path", lambda: _fake_soffice(tmp_path, "sleep 60"))
    monkeypatch.setattr(corpus_read, "CONVERT_TIMEOUT", 1)
    path = tmp_path / "慢.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0" + b"\x00" * 100)
    with pytest.raises(DrafterError) as info:
        read_document(path)
    assert "超过 1 秒" in info.value.message and info.value.file == str(path)


def test_conversion_without_output_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setattr(corpus_read, "soffice_path", lambda: _fake_soffice(tmp_path, "exit 0"))
    path = tmp_path / "坏.wps"
    path.write_bytes(b"not a wps file")
    with pytest.raises(DrafterError) as info:
        read_document(path)
    assert "LibreOffice 无法转换" in info.value.message and "WPS" in info.value.message


def test_corpus_folders_pick_up_doc_and_wps(tmp_path):
    for name in ("a.docx", "b.doc", "c.WPS", "d.txt", "e.pdf", "~$f.doc"):
        (tmp_path / name).write_bytes(b"x")
    from drafter.corpus import iter_corpus_files

    assert [p.name for p in iter_corpus_files([tmp_path])] == ["a.docx", "b.doc", "c.WPS", "d.txt"]


def test_content_controls_hyperlinks_and_text_boxes(tmp_path):
    body = (
        '<w:sdt><w:sdtPr><w:alias w:val="标题"/></w:sdtPr><w:sdtContent>'
        "<w:p><w:r><w:t>在全县大会上的讲话</w:t></w:r></w:p></w:sdtContent></w:sdt>"
        '<w:p><w:hyperlink r:id="rId99" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        "<w:r><w:t>同志们</w:t></w:r></w:hyperlink><w:r><w:t>：</w:t></w:r></w:p>"
        "<w:p><w:r><w:t>今天开会。</w:t></w:r>"
        "<w:r><w:rPr><w:vanish/></w:rPr><w:t>隐藏批注</w:t></w:r>"
        '<w:r><w:pict><v:shape xmlns:v="urn:schemas-microsoft-com:vml"><v:textbox><w:txbxContent>'
        "<w:p><w:r><w:t>文本框里的字</w:t></w:r></w:p></w:txbxContent></v:textbox></v:shape></w:pict></w:r></w:p>"
        '<w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="420"/></w:tabs></w:pPr><w:r><w:t>一、认清形势</w:t></w:r></w:p>'
    )
    path = write_docx(tmp_path / "controls.docx", body)
    assert [(x.text, x.line) for x in read_document(path)] == [
        ("在全县大会上的讲话", 1),
        ("同志们：", 2),
        ("今天开会。", 3),
        ("一、认清形势", 4),
    ]


@pytest.mark.slow  # two CLI exports
def test_exported_heading_separator_reads_back_as_the_plain_export(tmp_path, plenary_spec):
    """drafter's own export with Word's style separator reads back as its one-paragraph form."""
    outputs = {}
    for name, extra in (("plain.docx", []), ("separated.docx", ["--heading-separator"])):
        out = tmp_path / name
        proc = subprocess.run(
            [sys.executable, "-m", "drafter", "draft", str(plenary_spec), *extra, "-o", str(out)],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert proc.returncode == 0, proc.stderr
        outputs[name] = out
    with zipfile.ZipFile(outputs["separated.docx"]) as zf:
        assert b"specVanish" in zf.read("word/document.xml")
    plain = [x.text for x in read_document(outputs["plain.docx"])]
    assert [x.text for x in read_document(outputs["separated.docx"])] == plain
    assert any(t.startswith("（一）") and "。" in t[:-1] for t in plain)


# ---------------------------------------------------------------------------
# Any numbering definitions: rendered in bounded time and size, or refused with a message

FORMATS = [
    "decimal",
    "chineseCounting",
    "upperLetter",
    "lowerRoman",
    "bullet",
    "none",
    "ideographZodiac",
    "x",
]
NUMBERS = st.one_of(st.integers(-5, 30), st.just(10**9), st.just(-(10**9)))


@st.composite
def numbering_xml(draw) -> tuple[str, str]:
    levels = "".join(
        f'<w:lvl w:ilvl="{draw(st.integers(-2, 12))}"><w:start w:val="{draw(NUMBERS)}"/>'
        f'<w:numFmt w:val="{draw(st.sampled_from(FORMATS))}"/>'
        f'<w:lvlText w:val="{draw(st.sampled_from(["%1、", "（%2）", "%9.%1", "%", "%0", "第%1条" * 50, ""]))}"/>'
        f'<w:lvlRestart w:val="{draw(st.integers(-1, 10))}"/></w:lvl>'
        for _ in range(draw(st.integers(0, 4)))
    )
    link = draw(st.sampled_from(["", '<w:numStyleLink w:val="S"/>']))
    numbering = (
        f'<w:abstractNum w:abstractNumId="1">{levels}{link}</w:abstractNum>'
        f'<w:num w:numId="1"><w:abstractNumId w:val="{draw(st.sampled_from(["1", "2"]))}"/>'
        f'<w:lvlOverride w:ilvl="{draw(st.integers(-1, 9))}"><w:startOverride w:val="{draw(NUMBERS)}"/>'
        "</w:lvlOverride></w:num>"
    )
    body = "".join(
        p("正文", num=(draw(st.sampled_from([0, 1, 2])), draw(st.integers(-1, 10))))
        for _ in range(draw(st.integers(1, 6)))
    )
    return numbering, body


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(numbering_xml())
def test_any_numbering_definitions_read_in_bounded_size(tmp_path, case):
    numbering, body = case
    path = write_docx(tmp_path / "n.docx", body, numbering)
    try:
        paras = read_document(path)
    except DrafterError as exc:
        assert exc.file == str(path)
        return
    assert all(len(x.text) <= 200 for x in paras)
    assert all(x.text.endswith("正文") for x in paras)
