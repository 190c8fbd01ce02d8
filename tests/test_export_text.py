"""Markdown and plain-text export of a speech, and format selection in export_speech."""

from __future__ import annotations

import zipfile

import pytest
from markdown_it import MarkdownIt
from test_export_docx import LONG_TITLE, sample_speech

import drafter.outline as outline
from drafter.errors import DrafterError
from drafter.export import export_speech, speech_to_markdown, speech_to_plain
from drafter.model import Para, Section, Speech

MD = MarkdownIt("commonmark")


def html(speech: Speech) -> str:
    return MD.render(speech_to_markdown(speech))


def test_markdown_structure():
    md = speech_to_markdown(sample_speech())
    lines = [line for line in md.splitlines() if line]
    assert lines[0] == f"# {LONG_TITLE}"
    assert "*——在县政府第三次全体会议上的讲话*" in lines
    assert "*（2024年3月1日）*" in lines
    assert "同志们：" in lines
    assert lines.index("同志们：") < lines.index("## 一、坚定信心，认清形势，切实增强责任感紧迫感")
    assert "### （二）全力抓招商上项目" in lines
    assert "#### 1.围绕延链补链" in lines
    assert md.endswith("\n") and "\n\n\n" not in md


def test_markdown_renders_as_intended():
    out = html(sample_speech())
    assert f"<h1>{LONG_TITLE}</h1>" in out
    assert "<h2>一、坚定信心，认清形势，切实增强责任感紧迫感</h2>" in out
    assert "<h3>（二）全力抓招商上项目</h3>" in out
    assert "<em>——在县政府第三次全体会议上的讲话</em>" in out
    assert "<em>（2024年3月1日）</em>" in out
    # run-in heading: bold that really closes before the body text (CJK punctuation case)
    assert "<p><strong>（一）密切关注经济运行</strong>。当前，正值" in out
    assert "<p><strong>一要全面梳理，细化分解再加压</strong>。各乡镇" in out
    assert "**" not in out


def test_markdown_escapes_literal_text():
    speech = Speech(
        title="标题",
        opening=[
            Para("1. 这不是列表，而是正文。"),
            Para("# 也不是标题"),
            Para("投资***万元，增长*X*个百分点，<b>不是</b>标签，a_b_c。"),
            Para("- 不是列表项"),
        ],
    )
    out = html(speech)
    assert "<ol" not in out and "<ul" not in out and "<h1>也" not in out
    assert "<em>" not in out and "<strong>" not in out
    assert "投资***万元，增长*X*个百分点，&lt;b&gt;不是&lt;/b&gt;标签，a_b_c。" in out
    assert "1. 这不是列表，而是正文。" in out
    assert "# 也不是标题" in out


def test_markdown_placeholders_kept_verbatim():
    md = speech_to_markdown(sample_speech())
    assert md.count("【待补：地区】") == 2


def test_markdown_every_paragraph_present():
    speech = sample_speech()
    md = speech_to_markdown(speech)
    for section in speech.iter_sections():
        assert section.heading.rstrip("。") in md
        for para in section.paragraphs:
            assert para.text in md
    assert speech.closing[0].text in md
    assert md.rstrip().endswith(speech.closing[0].text)


def test_plain_text_corpus_shape():
    speech = sample_speech()
    text = speech_to_plain(speech)
    lines = text.splitlines()
    assert lines[0] == LONG_TITLE
    assert "同志们：" in lines
    assert "一、坚定信心，认清形势，切实增强责任感紧迫感" in lines
    run_in = next(line for line in lines if line.startswith("（一）"))
    assert run_in.startswith("（一）密切关注经济运行。当前，正值")
    assert any(line.startswith("一要全面梳理，细化分解再加压。各乡镇") for line in lines)
    assert lines[-1] == speech.closing[0].text
    assert "*" not in text and "#" not in text


def test_plain_text_matches_parser_when_present():
    speech = sample_speech()
    assert speech_to_plain(speech) == outline.speech_to_text(speech)
    parsed = outline.parse_speech(speech_to_plain(speech))
    assert [s.marker for s in parsed.sections] == ["一、", "二、", "三、"]


@pytest.mark.parametrize(
    ("name", "fmt", "check"),
    [
        ("a.md", None, lambda data: data.startswith(b"# ")),
        ("a.markdown", None, lambda data: data.startswith(b"# ")),
        ("a.txt", None, lambda data: data.decode("utf-8").startswith(LONG_TITLE)),
        ("a.TXT", None, lambda data: data.decode("utf-8").startswith(LONG_TITLE)),
        ("a.out", "md", lambda data: data.startswith(b"# ")),
        ("a.docx", None, lambda data: data[:2] == b"PK"),
    ],
)
def test_export_speech_format_selection(tmp_path, name, fmt, check):
    path = export_speech(sample_speech(), tmp_path / name, fmt)
    assert path == tmp_path / name
    assert check(path.read_bytes())


def test_export_speech_docx_is_a_word_file(tmp_path):
    path = export_speech(sample_speech(), tmp_path / "x.docx", author="办公室")
    with zipfile.ZipFile(path) as z:
        assert "word/document.xml" in z.namelist()


def test_export_speech_unknown_format(tmp_path):
    with pytest.raises(DrafterError, match="不支持的导出格式"):
        export_speech(sample_speech(), tmp_path / "a.pdf")
    with pytest.raises(DrafterError, match="无法从文件名判断"):
        export_speech(sample_speech(), tmp_path / "noext")
    with pytest.raises(DrafterError, match="不支持的导出格式"):
        export_speech(sample_speech(), tmp_path / "a.txt", "html")


def test_export_text_refuses_overwrite_without_force(tmp_path):
    target = tmp_path / "a.md"
    target.write_text("我的修改", encoding="utf-8")
    with pytest.raises(DrafterError, match="--force"):
        export_speech(sample_speech(), target)
    assert target.read_text(encoding="utf-8") == "我的修改"
    export_speech(sample_speech(), target, force=True)
    assert target.read_text(encoding="utf-8").startswith("# ")
    assert (tmp_path / "a.md.bak").read_text(encoding="utf-8") == "我的修改"


def test_export_text_missing_folder(tmp_path):
    with pytest.raises(DrafterError, match="文件夹不存在"):
        export_speech(sample_speech(), tmp_path / "missing" / "a.txt")


def test_section_without_paragraphs_and_run_in_without_body():
    speech = Speech(sections=[Section("一、", "只有标题", 1), Section("（一）", "标题", 2, run_in=True)])
    assert speech_to_markdown(speech) == "## 一、只有标题\n\n**（一）标题**。\n"


def test_markdown_run_in_heading_with_or_without_full_stop():
    with_stop = Section("（一）", "强化担当意识。", 2, [Para("正文。")], run_in=True)
    without = Section("（二）", "强化责任意识", 2, [Para("正文。")], run_in=True)
    md = speech_to_markdown(Speech(sections=[with_stop, without]))
    assert md == "**（一）强化担当意识**。正文。\n\n**（二）强化责任意识**。正文。\n"


@pytest.mark.parametrize(
    ("name", "fmt"), [("a.docx", "txt"), ("a.txt", "md"), ("a.md", "docx"), ("a.markdown", "txt")]
)
def test_format_contradicting_the_suffix_is_refused(tmp_path, name, fmt):
    with pytest.raises(DrafterError, match="不一致") as err:
        export_speech(sample_speech(), tmp_path / name, fmt)
    assert name in str(err.value)
    assert not (tmp_path / name).exists()
    # agreeing or unknown suffixes are fine
    assert export_speech(sample_speech(), tmp_path / f"ok.{fmt}", fmt).exists()
