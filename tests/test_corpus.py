"""Reading, decoding, cleaning, splitting and de-duplicating the corpus (drafter.corpus)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from drafter.corpus import (
    clean_lines,
    decode_bytes,
    iter_corpus_files,
    join_soft_breaks,
    mark_duplicates,
    normalise_text,
    read_document,
    split_speeches,
)
from drafter.errors import DrafterError
from drafter.model import Para
from drafter.outline import parse_corpus, parse_speech

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
F000 = SEEDS / "000_bbf5857291d91b4d.txt"
F002 = SEEDS / "002_91703a2dae1be214.txt"
F003 = SEEDS / "003_5b6d402b3b0bb00b.txt"

SAMPLE = "关于做好全年工作的讲话\n同志们：\n今天召开会议。下面，我讲两点意见。\n一、认清形势\n今年以来，成绩明显。\n二、狠抓落实\n要抓好落实。\n"


def _texts(path: Path) -> list[str]:
    return [p.text for p in read_document(path)]


# ---------------------------------------------------------------------------
# Decoding


@pytest.mark.parametrize(
    "encoding,prefix",
    [
        ("utf-8", b""),
        ("utf-8", b"\xef\xbb\xbf"),
        ("utf-16-le", b"\xff\xfe"),
        ("utf-16-be", b"\xfe\xff"),
        ("gb18030", b""),
        ("gbk", b""),
    ],
)
def test_decodes_every_supported_encoding(tmp_path, encoding, prefix):
    path = tmp_path / "speech.txt"
    path.write_bytes(prefix + SAMPLE.encode(encoding))
    texts = _texts(path)
    assert texts[:3] == ["关于做好全年工作的讲话", "同志们：", "今天召开会议。下面，我讲两点意见。"]
    speech = parse_speech(clean_lines(read_document(path)))
    assert [s.marker + s.heading for s in speech.sections] == ["一、认清形势", "二、狠抓落实"]
    assert speech.announced_sections == 2


def test_utf16_without_bom_is_detected(tmp_path):
    path = tmp_path / "nobom.txt"
    path.write_bytes("Speech 2024\n同志们：\n开会。\n".encode("utf-16-le"))
    assert _texts(path)[:2] == ["Speech 2024", "同志们："]


def test_gb18030_seed_reads_the_same_as_utf8(tmp_path):
    text = F003.read_text(encoding="utf-8")
    path = tmp_path / "gb.txt"
    path.write_bytes(text.encode("gb18030"))
    assert _texts(path) == _texts(F003)


def test_crlf_line_endings(tmp_path):
    path = tmp_path / "crlf.txt"
    path.write_bytes(SAMPLE.replace("\n", "\r\n").encode("utf-8"))
    assert _texts(path)[1] == "同志们："


@pytest.mark.parametrize("data", [b"", b"   \n\n  \r\n", b"\xef\xbb\xbf\n"])
def test_empty_file_is_a_clear_error(tmp_path, data):
    path = tmp_path / "empty.txt"
    path.write_bytes(data)
    with pytest.raises(DrafterError) as info:
        read_document(path)
    assert "空" in info.value.message
    assert "empty.txt" in str(info.value)


def test_binary_file_is_a_clear_error(tmp_path):
    path = tmp_path / "image.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 20)
    with pytest.raises(DrafterError) as info:
        read_document(path)
    assert "二进制" in info.value.message
    assert "image.txt" in str(info.value)


def test_undecodable_bytes_are_a_clear_error(tmp_path):
    path = tmp_path / "garbage.txt"
    path.write_bytes(b"\x80\xff\xfe\x81" * 50 + "正文".encode())
    with pytest.raises(DrafterError) as info:
        read_document(path)
    assert "编码" in info.value.message or "二进制" in info.value.message
    assert "garbage.txt" in str(info.value)


def test_control_character_soup_is_rejected():
    with pytest.raises(DrafterError):
        decode_bytes(bytes(range(1, 9)) * 100, "x.txt")


def test_ten_megabyte_single_line_is_reported_not_parsed(tmp_path):
    path = tmp_path / "huge.txt"
    path.write_bytes(("发展" * (5 * 1024 * 1024)).encode("utf-8"))  # 10 M characters, one line
    with pytest.raises(DrafterError) as info:
        read_document(path)
    assert "huge.txt" in str(info.value)
    assert info.value.line == 1


def test_parse_speech_handles_a_huge_single_line_in_linear_time():
    text = "一、" + "（" * 50_000 + "发展，" * 200_000 + "(" * 10_000
    speech = parse_speech(text)
    assert len(speech.sections) <= 1


def test_missing_and_directory_paths(tmp_path):
    with pytest.raises(DrafterError) as info:
        read_document(tmp_path / "nope.txt")
    assert "不存在" in info.value.message
    with pytest.raises(DrafterError):
        read_document(tmp_path)


# ---------------------------------------------------------------------------
# .docx


def _make_docx(path: Path, lines: list[str]) -> None:
    import docx

    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    document.save(str(path))


def test_docx_is_read_paragraph_by_paragraph(tmp_path):
    path = tmp_path / "speech.docx"
    _make_docx(path, SAMPLE.strip().split("\n"))
    paras = read_document(path)
    assert [p.text for p in paras] == SAMPLE.strip().split("\n")
    assert [p.line for p in paras] == list(range(1, 8))
    result = parse_corpus([path])
    assert result.errors == []
    (speech,) = result.speeches
    assert speech.title == "关于做好全年工作的讲话"
    assert [s.heading for s in speech.sections] == ["认清形势", "狠抓落实"]


def _make_docx_with_breaks(path: Path, paragraphs: list[list[str]]) -> None:
    """Each paragraph's pieces separated by soft line breaks (w:br), as Shift+Enter or drafter's title writes."""
    import docx

    document = docx.Document()
    for pieces in paragraphs:
        paragraph = document.add_paragraph()
        for k, piece in enumerate(pieces):
            run = paragraph.add_run(piece)
            if k + 1 < len(pieces):
                run.add_break()
    document.save(str(path))


def test_docx_soft_line_break_in_the_title_joins_without_a_stray_space(tmp_path):
    path = tmp_path / "exported.docx"
    _make_docx_with_breaks(
        path,
        [
            ["锚定目标 真抓实干 确", "保全年目标任务高质量完成"],
            ["——在县政府第三次全体（扩大）会议上的讲话"],
            ["（2024年7月15日）"],
            ["同志们：", "今天召开会议。下面，我讲两点意见。"],
            ["一、认清形势", "今年以来，我们", "取得了明显成绩。"],
            ["二、狠抓落实"],
            ["要抓好GDP", "growth统计。"],
        ],
    )
    paras = read_document(path)
    assert [p.text for p in paras] == [
        "锚定目标 真抓实干 确保全年目标任务高质量完成",
        "——在县政府第三次全体（扩大）会议上的讲话",
        "（2024年7月15日）",
        "同志们：",
        "今天召开会议。下面，我讲两点意见。",
        "一、认清形势",
        "今年以来，我们取得了明显成绩。",
        "二、狠抓落实",
        "要抓好GDP growth统计。",
    ]
    # pieces of one Word paragraph keep that paragraph's number
    assert [p.line for p in paras] == [1, 2, 3, 4, 4, 5, 5, 6, 7]
    (speech,) = parse_corpus([path]).speeches
    assert speech.title == "锚定目标 真抓实干 确保全年目标任务高质量完成"
    assert speech.subtitle == "——在县政府第三次全体（扩大）会议上的讲话"
    assert [s.heading for s in speech.sections] == ["认清形势", "狠抓落实"]


def test_docx_title_broken_over_two_lines_reads_as_one_title(tmp_path):
    for layout in (
        [["在全县2024年经济工作暨", "优化营商环境推进大会上的讲话"]],  # one paragraph, soft break
        [["在全县2024年经济工作暨"], ["优化营商环境推进大会上的讲话"]],  # two paragraphs
    ):
        path = tmp_path / "title.docx"
        _make_docx_with_breaks(path, [*layout, ["（2024年3月1日）"], ["同志们："], ["今天召开会议。"]])
        (speech,) = parse_corpus([path]).speeches
        assert speech.title == "在全县2024年经济工作暨优化营商环境推进大会上的讲话"
        assert speech.subtitle is None and speech.date == "2024年3月1日"
        assert [p.text for p in speech.opening] == ["今天召开会议。"]


def test_join_soft_breaks():
    # the space a title layout dropped at the break between short phrases comes back
    assert join_soft_breaks(["坚定信心 扎实进取", "努力开创政府工作的新局面"]) == [
        "坚定信心 扎实进取 努力开创政府工作的新局面"
    ]
    # a space written before the break is kept once; none is invented between Chinese characters
    assert join_soft_breaks(["锚定目标 真抓实干 ", "确保全年目标"]) == ["锚定目标 真抓实干 确保全年目标"]
    assert join_soft_breaks(["在全县经济工作", "会议上的讲话"]) == ["在全县经济工作会议上的讲话"]
    # Shift+Enter between real paragraphs still separates them
    assert join_soft_breaks(["同志们：", "今天开会。", "一、认清形势", "正文。", "（一）抓项目"]) == [
        "同志们：",
        "今天开会。",
        "一、认清形势",
        "正文。",
        "（一）抓项目",
    ]
    assert join_soft_breaks(["标题", "（2024年3月1日）", "——在会上的讲话"]) == [
        "标题",
        "（2024年3月1日）",
        "——在会上的讲话",
    ]
    assert join_soft_breaks(["", "正文。"]) == ["", "正文。"]
    assert join_soft_breaks(["只有一行"]) == ["只有一行"]


def test_truncated_docx_is_a_clear_error(tmp_path):
    good = tmp_path / "good.docx"
    _make_docx(good, ["同志们：", "正文。"])
    bad = tmp_path / "truncated.docx"
    bad.write_bytes(good.read_bytes()[:600])
    with pytest.raises(DrafterError) as info:
        read_document(bad)
    assert "truncated.docx" in str(info.value)
    assert "Word" in info.value.message or "docx" in info.value.message


def test_zip_that_is_not_a_docx(tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("hello.txt", "不是文档")
    path = tmp_path / "fake.docx"
    path.write_bytes(buf.getvalue())
    with pytest.raises(DrafterError) as info:
        read_document(path)
    assert "fake.docx" in str(info.value)


def test_old_doc_format_is_explained(tmp_path, monkeypatch):
    from drafter.corpus import read as corpus_read

    monkeypatch.setattr(corpus_read, "soffice_path", lambda: None)  # without LibreOffice
    path = tmp_path / "old.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0" + b"\x00" * 100)
    with pytest.raises(DrafterError) as info:
        read_document(path)
    assert ".docx" in info.value.message


# ---------------------------------------------------------------------------
# Listing files


def test_iter_corpus_files_is_recursive_sorted_and_skips_junk(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / ".hidden").mkdir()
    for rel in ["b/2.txt", "a.docx", "b/1.TXT", "notes.pdf", "~$lock.docx", ".hidden/x.txt", ".dot.txt"]:
        (tmp_path / rel).write_text("x", encoding="utf-8")
    found = [p.relative_to(tmp_path).as_posix() for p in iter_corpus_files([tmp_path])]
    assert found == ["a.docx", "b/1.TXT", "b/2.txt"]
    # an explicit file is taken whatever its extension, and not twice
    again = iter_corpus_files([tmp_path / "notes.pdf", tmp_path / "a.docx", tmp_path])
    assert [p.name for p in again] == ["notes.pdf", "a.docx", "1.TXT", "2.txt"]
    with pytest.raises(DrafterError):
        iter_corpus_files([tmp_path / "missing"])


def test_seeds_listing():
    assert [p.name[:3] for p in iter_corpus_files([SEEDS])] == ["000", "001", "002", "003", "004"]


# ---------------------------------------------------------------------------
# Cleaning


AD_WORDS = ["仅供学习", "禁止外传", "酷乐文行", "订阅", "会员", "QQ群", "倒卖", "自建平台", "不断迭代"]


def test_advert_block_of_003_is_dropped_everywhere():
    cleaned = clean_lines(read_document(F003))
    joined = "\n".join(p.text for p in cleaned)
    for word in AD_WORDS:
        assert word not in joined, word
    assert cleaned[0].text == "在县落实攻坚年动员大会上的讲话"
    assert cleaned[0].line == 16
    speech = parse_speech(cleaned, source=F003.name)
    assert speech.title == "在县落实攻坚年动员大会上的讲话"
    texts = [speech.title, *(p.text for p in speech.opening)]
    texts += [s.heading for s in speech.iter_sections()]
    texts += [p.text for s in speech.iter_sections() for p in s.paragraphs]
    for word in AD_WORDS:
        assert not any(word in t for t in texts), word


def test_other_adverts_are_dropped_by_general_rules():
    raw = [
        "本资料仅供学习交流使用",
        "更多精品范文请关注公众号“某某文库”",
        "扫码加入VIP会员",
        "",
        "在全县经济工作会议上的讲话",
        "同志们：",
        "今天我们召开会议，主要任务是总结工作。下面，我讲两点意见。",
        "一、认清形势",
        "今年以来，全县上下共同努力，成绩来之不易。",
        "二、明确任务",
        "要抓好重点工作。",
        "欢迎关注公众号获取更多资料",
    ]
    cleaned = clean_lines([Para(t, i) for i, t in enumerate(raw, 1)])
    texts = [p.text for p in cleaned]
    assert texts[0] == "在全县经济工作会议上的讲话"
    assert not any("公众号" in t or "VIP" in t or "仅供学习" in t for t in texts)
    # A brand line glued under the advert block is not taken for the title.
    glued = clean_lines(
        [
            Para(t, i)
            for i, t in enumerate(["仅供学习 禁止外传", "某某文行", "", "在全县大会上的讲话", "同志们："], 1)
        ]
    )
    assert [p.text for p in glued] == ["在全县大会上的讲话", "同志们："]
    # A speech paragraph that merely mentions a platform is kept.
    kept = clean_lines(
        [Para("要搭建招商平台，分享发展机遇，推动项目落地见效，确保全年目标任务圆满完成。", 1)]
    )
    assert len(kept) == 1


def test_pagination_boilerplate_is_removed_and_the_wrap_repaired():
    cleaned = clean_lines(read_document(F002))
    joined = "\n".join(p.text for p in cleaned)
    assert "本文章共" not in joined
    assert "存款余额9.2亿元，比去年同期增长1.7亿元" in joined


def test_hard_wraps_of_002_are_repaired():
    cleaned = clean_lines(read_document(F002))
    by_line = {p.line: p.text for p in cleaned}
    # first speech: line 3 continues on line 4
    assert 4 not in by_line
    assert "确保今年各项经济社会发展目标任务的圆满完成。" in by_line[3]
    # second speech: lines 29-34 are one paragraph; 小 + （二）型 is not a heading
    assert "章寨等4座小（二）型病险水库除险加固工程" in by_line[29]
    assert not any(p.text.startswith("（二）型") for p in cleaned)
    for line in (30, 31, 32, 33, 34):
        assert line not in by_line
    # headings and the speech boundary are never merged
    assert by_line[5] == "一、对上半年经济运行和社会事业发展的基本估价"
    assert by_line[12].startswith("第二篇")
    assert by_line[11].endswith("一是各项主要经济指标")


def test_line_numbers_are_kept():
    cleaned = clean_lines(read_document(F000))
    assert [p.line for p in cleaned][:4] == [1, 2, 3, 4]
    assert cleaned[17].line == 18 and cleaned[17].text.startswith("（1）提高谋事能力")


def test_normalise_text():
    assert normalise_text("（1） 提高谋事能力。") == "（1）提高谋事能力。"
    assert normalise_text("(2)确保增长。") == "（2）确保增长。"
    assert normalise_text("２０２４年　完成") == "2024年 完成"
    assert normalise_text("关于政绩问题,我讲以下几点:") == "关于政绩问题，我讲以下几点："
    assert normalise_text("增长1.7亿元,比去年") == "增长1.7亿元，比去年"
    assert normalise_text("\ufeff  同志们： ") == "同志们："
    assert normalise_text("坚定信心 扎实进取 努力开创") == "坚定信心 扎实进取 努力开创"
    assert normalise_text("比例1,000:2") == "比例1,000:2"


def test_garbled_document_number_brackets_are_repaired():
    assert normalise_text("要把国发„2024‟2号文件落到实处") == "要把国发〔2024〕2号文件落到实处"
    assert normalise_text("紧扣„ 2024 ‟2号文件") == "紧扣〔2024〕2号文件"
    # only around a year: other „…‟ pairs are left for the linter to point out
    assert normalise_text("他说„好‟") == "他说„好‟"
    raw = F002.read_text(encoding="utf-8")
    assert "国发„2024‟2号" in raw
    cleaned = "\n".join(p.text for p in clean_lines(read_document(F002)))
    assert "„" not in cleaned and "‟" not in cleaned
    assert cleaned.count("国发〔2024〕2号") == raw.count("国发„2024‟2号")


@pytest.mark.parametrize("placeholder", ["XX", "xx", "X", "*", "***", "××", "……"])
def test_placeholders_survive_cleaning(placeholder):
    line = f"今年以来，{placeholder}同志牵头，{placeholder}县完成了{placeholder}项重点工作，成绩来之不易。"
    (para,) = clean_lines([Para(line, 7)])
    assert para.text == line
    assert para.line == 7


def test_placeholders_in_seeds_survive():
    speech = parse_corpus([SEEDS / "004_2057dfb1cf4794e1.txt"]).speeches[0]
    body = "".join(p.text for s in speech.iter_sections() for p in s.paragraphs)
    assert "***" in body
    first = parse_corpus([F000]).speeches[0]
    assert "刚才，*就分管工作" in first.opening[1].text


def test_clean_lines_is_idempotent_on_seeds():
    for path in sorted(SEEDS.glob("*.txt")):
        once = clean_lines(read_document(path))
        assert clean_lines(once) == once, path.name


# ---------------------------------------------------------------------------
# Splitting and duplicates


def test_002_splits_into_five_speeches():
    chunks = split_speeches(clean_lines(read_document(F002)), F002.name, str(F002))
    assert [c[0].text[:3] for c in chunks] == ["第一篇", "第二篇", "第三篇", "第四篇", "第五篇"]
    assert [c[0].line for c in chunks] == [1, 12, 47, 88, 129]


def test_file_without_pian_is_one_speech():
    chunks = split_speeches(clean_lines(read_document(F000)), F000.name)
    assert len(chunks) == 1


def test_text_before_the_first_pian_is_kept_only_if_it_is_prose():
    short = [Para("目录", 1), Para("第一篇：甲的讲话", 2), Para("正文。", 3)]
    assert len(split_speeches(short)) == 1
    prose = [Para("序" + "很长的正文，" * 20, 1), Para("第一篇：甲的讲话", 2), Para("正文。", 3)]
    assert len(split_speeches(prose)) == 2


def test_duplicates_in_seeds():
    result = parse_corpus([SEEDS])
    dups = {(s.source, s.index): s.duplicate_of for s in result.speeches if s.duplicate_of}
    assert dups == {(F002.name, 3): (F002.name, 2)}
    dup = next(s for s in result.speeches if s.duplicate_of)
    assert any("重" in w or "相同" in w for w in dup.warnings)


def _speech_from(paragraphs: list[str], source: str, index: int):
    text = "同志们：\n" + "\n".join(paragraphs)
    speech = parse_speech(text, source=source, index=index)
    return speech


def test_near_duplicate_with_missing_paragraphs_is_marked():
    base = [
        f"第{n}段讲的是全县第{n}项重点工作的具体安排，各乡镇各部门要抓好落实。要明确第{n}项责任分工。"
        for n in range(1, 21)
    ]
    other = [
        f"完全不同的第{n}段内容，涉及另外一个议题的详细说明。再补充第{n}句不同的话。" for n in range(1, 21)
    ]
    a = _speech_from(base, "a.txt", 0)
    b = _speech_from(other, "b.txt", 0)
    c = _speech_from(base[:6] + base[10:], "c.txt", 0)  # lacks four paragraphs
    d = _speech_from(base, "d.txt", 1)  # duplicate of a duplicate → points at the original
    speeches = [a, b, c, d]
    mark_duplicates(speeches)
    assert a.duplicate_of is None
    assert b.duplicate_of is None
    assert c.duplicate_of == ("a.txt", 0)
    assert d.duplicate_of == ("a.txt", 0)


def test_short_speeches_are_not_marked_duplicates():
    a = _speech_from(["今天开会。"], "a.txt", 0)
    b = _speech_from(["今天开会。"], "b.txt", 0)
    mark_duplicates([a, b])
    assert b.duplicate_of is None


def test_bytes_with_zeros_that_are_not_utf16_text_are_refused(tmp_path):
    """Arbitrary bytes with NULs must not be 'decoded' as UTF-16 soup."""
    path = tmp_path / "noise.txt"
    path.write_bytes(b"\x00\x01\x02\xff" * 500)
    with pytest.raises(DrafterError) as info:
        read_document(path)
    assert "二进制" in info.value.message
    assert info.value.file and "noise.txt" in info.value.file


def test_utf16_without_bom_is_still_read(tmp_path):
    path = tmp_path / "le.txt"
    path.write_bytes("同志们：\n一、认清形势\n今年以来，我们取得了成绩。\n".encode("utf-16-le"))
    texts = [p.text for p in read_document(path)]
    assert "一、认清形势" in texts


# ---------------------------------------------------------------------------
# Encodings beyond the fast path (detector fallback)

TRADITIONAL = (
    "在全縣經濟工作會議上的講話\n同志們：\n今天召開會議。下面，我講兩點意見。\n一、認清形勢\n"
    "今年以來，全縣上下共同努力，成績明顯。\n二、狠抓落實\n要抓好落實。\n"
)
CJK_ONLY = "关于做好全年工作的讲话\n同志们：\n今天召开会议。下面，我讲两点意见。\n一、认清形势\n今年以来，成绩明显。\n"


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        (TRADITIONAL, "big5"),
        (TRADITIONAL, "utf-16-le"),
        (CJK_ONLY, "utf-16-le"),  # no BOM and (almost) no zero bytes
        (CJK_ONLY, "utf-16-be"),
    ],
)
def test_detector_reads_big5_and_bomless_utf16(tmp_path, text, encoding):
    path = tmp_path / "speech.txt"
    path.write_bytes(text.encode(encoding))
    assert [p.text for p in read_document(path)] == text.split("\n")
    speech = parse_speech(clean_lines(read_document(path)))
    assert len(speech.sections) >= 1


def test_big5_is_not_misread_as_gb18030():
    data = TRADITIONAL.encode("big5")
    assert data.decode("gb18030") != TRADITIONAL  # the bytes decode as GB18030 too, into rare characters
    assert decode_bytes(data, "big5.txt") == TRADITIONAL


def test_fast_path_does_not_call_the_detector(tmp_path, monkeypatch):
    import charset_normalizer

    def boom(*args, **kwargs):
        raise AssertionError("detector called on the fast path")

    monkeypatch.setattr(charset_normalizer, "from_bytes", boom)
    for encoding in ("utf-8", "utf-8-sig", "utf-16", "gb18030"):
        assert decode_bytes(SAMPLE.encode(encoding), "x.txt").startswith("关于做好全年工作的讲话")
    text = F003.read_text(encoding="utf-8")
    assert decode_bytes(text.encode("gb18030"), "x.txt") == text


@pytest.mark.parametrize(
    "data",
    [
        b"\x00\x01\x02\xff" * 500,
        b"\x80\xff" * 200,  # decodes as UTF-16 into half-width katakana
        bytes(range(256)) * 40,
        b"\x00" * 3 + "正文".encode("big5") * 200,
    ],
)
def test_detector_never_accepts_garbage(data):
    with pytest.raises(DrafterError):
        decode_bytes(data, "soup.txt")
