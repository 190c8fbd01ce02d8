"""The outline parser on the seeds (every speech pinned) and on the traps of issue 2."""

from __future__ import annotations

import copy
from pathlib import Path

import docx
import pytest

from drafter.corpus import normalise_text
from drafter.drafting import (
    list_templates,
    load_draft,
    render_context,
    render_speech,
    render_text,
    suggest_draft,
)
from drafter.export import export_docx
from drafter.model import Para
from drafter.outline import parse_corpus, parse_speech, speech_to_dict, speech_to_text
from drafter.phrasebank import load_phrasebank
from drafter.text import marker_kind, marker_ordinal

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
F002 = "002_91703a2dae1be214.txt"


@pytest.fixture(scope="module")
def corpus():
    result = parse_corpus([SEEDS])
    assert result.errors == []
    return {(s.source[:3], s.index): s for s in result.speeches}


# Top-level sections (marker + heading) and their child counts, per seed speech.
EXPECTED_SECTIONS = {
    ("000", 0): [
        ("一、强化五种意识，增强做好政府工作的紧迫感", 5),
        ("二、健全五项机制，高限完成全年各项目标任务", 5),
        ("三、提高五种能力，锤炼抓落实的真本领", 5),
        ("四、突出五项重点，确保今年政府各项工作圆满收官", 5),
    ],
    ("001", 0): [
        ("一、坚定信心，认清形势，切实增强责任感紧迫感", 0),
        ("二、锚定目标，重点突破，全面掀起各项工作推进高潮", 8),
        ("三、强化作风，担当拼搏，全力确保各项任务高标完成", 4),
    ],
    ("002", 0): [
        ("一、对上半年经济运行和社会事业发展的基本估价", 4),
    ],
    ("002", 1): [
        ("一、振奋精神抓落实", 0),
        ("二、突出重点抓落实", 3),
        ("三、团结协作抓落实", 0),
        ("四、严肃纪律抓落实", 0),
        ("五、完善机制抓落实", 0),
        ("六、转变作风抓落实", 0),
    ],
    ("002", 2): [
        ("一、认清形势，找准差距，增强做好后几个月工作的紧迫感和责任感", 6),
        ("二、明确2024年政府工作的总体思路和重点，在不断改革创新中努力提高政府工作的水平", 5),
        ("三、改进工作作风，严明工作纪律，努力开创政府工作新局面", 6),
    ],
    ("002", 3): [
        ("一、认清形势，找准差距，增强做好后几个月工作的紧迫感和责任感", 4),
        ("二、明确2024年政府工作的总体思路和重点，在不断改革创新中努力提高政府工作的水平", 8),
        ("三、改进工作作风，严明工作纪律，努力开创政府工作新局面", 6),
    ],
    ("002", 4): [
        ("一、建设效率政府，要突出发展", 3),
        ("二、建设效率政府，要强化为民", 3),
        ("三、建设效率政府，要注重和谐", 3),
        ("四、建设效率政府，要提升服务", 4),
        ("五、建设效率政府，要完善机制", 3),
    ],
    ("003", 0): [
        ("一、摆脱思想束缚，切实增强主动适应新常态的意识", 3),
        ("二、认清发展形势，牢固树立加快发展的意识", 3),
        ("三、狠抓落实攻坚，着力增强加快发展的实效", 5),
        ("四、加强廉政建设，营造风清气正、干事创业的政治生态环境", 4),
    ],
    ("004", 0): [
        ("一、树立“以实绩论英雄”的鲜明导向", 0),
        ("二、树牢“向工作要成效”鲜明理念", 4),
        ("三、健全“靠制度抓落实”有效机制", 4),
    ],
}

# title, subtitle, date, speaker, salutation, announced, number of opening paragraphs, closing starts with
EXPECTED_FRONT = {
    ("000", 0): ("", None, None, None, None, 4, 2, None),
    ("001", 0): (
        "县长县政府全体（扩大）会议上的讲话",
        None,
        None,
        None,
        "同志们：",
        4,
        4,
        "同志们，时间已经过半",
    ),
    ("002", 0): ("县长在县人民政府第三次全体会议上的讲话", None, None, "县长", "同志们：", 3, 1, None),
    ("002", 1): (
        "县长在县人民政府第一次全体会议上的讲话",
        "陆再义县长在天柱县第十六届人民政府第一次全体会议上的讲话",
        "2024年3月1日",
        "陆再义县长",
        "同志们：",
        None,
        3,
        "同志们，全年的目标任务已经明确",
    ),
    ("002", 2): (
        "坚定信心 扎实进取 努力开创政府工作的新局面",
        "——在xx县人民政府第二次全体会议上的讲话",
        None,
        None,
        "同志们：",
        3,
        1,
        "同志们，政府工作千头万绪",
    ),
    ("002", 3): (
        "坚定信心 扎实进取 努力开创政府工作的新局面",
        "——在xx县人民政府第二次全体会议上的讲话",
        None,
        None,
        "同志们：",
        3,
        1,
        "同志们，政府工作千头万绪",
    ),
    ("002", 4): (
        "市长在2024年市人民政府第二次全体会议上的讲话要点",
        "市长在2024年市人民政府第二次全体会议上的讲话",
        "2024年8月31日",
        "市长",
        None,
        None,
        2,
        "开展绩效评估，建设效率政府",
    ),
    ("003", 0): (
        "在县落实攻坚年动员大会上的讲话",
        None,
        None,
        None,
        "同志们：",
        4,
        1,
        "同志们，号角再一次吹响",
    ),
    ("004", 0): ("", None, None, None, None, 3, 1, None),
}


def test_every_seed_speech_is_found(corpus):
    assert sorted(corpus) == sorted(EXPECTED_SECTIONS)


@pytest.mark.parametrize("key", sorted(EXPECTED_SECTIONS))
def test_seed_top_level_sections(corpus, key):
    speech = corpus[key]
    got = [(s.marker + s.heading, len(s.children)) for s in speech.sections]
    assert got == EXPECTED_SECTIONS[key]
    assert all(s.level == 1 for s in speech.sections)
    for section in speech.sections:
        for child in section.iter_sections():
            assert all(c.level == child.level + 1 for c in child.children)


@pytest.mark.parametrize("key", sorted(EXPECTED_FRONT))
def test_seed_front_matter_opening_closing(corpus, key):
    speech = corpus[key]
    title, subtitle, date, speaker, salutation, announced, n_opening, closing = EXPECTED_FRONT[key]
    assert speech.title == title
    assert speech.subtitle == subtitle
    assert speech.date == date
    assert speech.speaker == speaker
    assert speech.salutation == salutation
    assert speech.announced_sections == announced
    assert len(speech.opening) == n_opening
    if closing is None:
        assert speech.closing == []
    else:
        assert len(speech.closing) == 1
        assert speech.closing[0].text.startswith(closing)
    if not title:
        assert "没有找到标题" in speech.warnings


def test_no_front_matter_leaks_into_opening(corpus):
    for speech in corpus.values():
        for p in speech.opening:
            assert not p.text.startswith(("第一篇", "第二篇", "第三篇", "第四篇", "第五篇", "同志们：", "——"))
            assert len(p.text) > 3


def test_000_noisy_markers_become_five_subsections_in_sequence(corpus):
    third = corpus[("000", 0)].sections[2]
    assert [c.marker for c in third.children] == ["（一）", "（二）", "（三）", "（四）", "（五）"]
    assert [c.heading for c in third.children] == [
        "提高谋事能力",
        "提高断事能力",
        "提高干事能力",
        "提高成事能力",
        "提高了事能力",
    ]
    assert [c.ordinal for c in third.children] == [1, 2, 3, 4, 5]
    assert third.paragraphs[0].text.startswith("政府工作的快速、高效推进")
    warnings = " ".join(corpus[("000", 0)].warnings)
    assert "（%1）" in warnings and "（1）" in warnings


def test_run_in_headings(corpus):
    first = corpus[("000", 0)].sections[0].children[0]
    assert first.marker == "（一）"
    assert first.heading == "强化担当意识"
    assert first.run_in is True
    assert first.paragraphs[0].text.startswith("目前，我县又面临诸多困难和挑战。")
    assert first.line == 4
    # 004 is run-in at the top level
    top = corpus[("004", 0)].sections[0]
    assert top.run_in and top.heading == "树立“以实绩论英雄”的鲜明导向"
    assert top.paragraphs[0].text.startswith("今年以来")
    assert top.paragraphs[1].text.startswith("在肯定成绩的同时")
    # a heading on its own line
    own = corpus[("000", 0)].sections[0]
    assert own.run_in is False and own.paragraphs == []


def test_paragraph_initial_enumerations_are_the_next_level(corpus):
    second = corpus[("002", 1)].sections[1]
    assert [c.marker for c in second.children] == ["第一，", "第二，", "第三，"]
    assert second.children[0].heading == "要把国发〔2024〕2号文件落到实处"
    assert [c.level for c in second.children] == [2, 2, 2]
    # 第三， holds the repaired 小（二）型 paragraph and its (1)…(11) list stays inside paragraphs
    third = second.children[2]
    assert third.children == []
    assert "4座小（二）型病险水库" in third.paragraphs[1].text
    # 首先/其次/第三 in 003
    assert [c.marker for c in corpus[("003", 0)].sections[0].children] == ["首先，", "其次，", "第三，"]
    # 一要 … 四要 under 001 section 三 and 004 section 三
    assert [c.marker for c in corpus[("001", 0)].sections[2].children] == ["一要", "二要", "三要", "四要"]
    assert corpus[("004", 0)].sections[2].children[3].heading == "加压问责抓落实"
    # 第一，… under （六） of 002 第三篇: level 3
    six = corpus[("002", 2)].sections[2].children[5]
    assert six.marker == "（六）"
    assert [(c.marker, c.level) for c in six.children] == [("第一，", 3), ("第二，", 3), ("第三，", 3)]
    # 一要 … 四要 under （一） of 002 第三篇 section 二
    assert [c.marker for c in corpus[("002", 2)].sections[1].children[0].children] == [
        "一要",
        "二要",
        "三要",
        "四要",
    ]


def test_run_in_enumerations_stay_in_their_paragraph(corpus):
    # “一是要健全…” starts a paragraph but no “二是” paragraph follows: it stays body text
    fifth = corpus[("002", 1)].sections[4]
    assert fifth.children == []
    assert fifth.paragraphs[0].text.startswith("一是要健全完善责任机制。")
    # “（二）三大产业稳步发展。一是…二是…” keeps its enumeration inside the paragraph
    sub = corpus[("002", 0)].sections[0].children[1]
    assert sub.children == []
    assert "一是农村经济稳步发展" in sub.paragraphs[0].text and "二是" in sub.paragraphs[0].text


def test_announced_three_but_one_section_is_visible(corpus):
    speech = corpus[("002", 0)]
    assert speech.announced_sections == 3
    assert len(speech.sections) == 1
    warning = next(w for w in speech.warnings if "预告" in w)
    assert "3" in warning and "1" in warning
    data = speech_to_dict(speech)
    assert data["announced_sections"] == 3 and len(data["sections"]) == 1
    # 001 announces four and holds three
    assert any("4" in w and "3" in w for w in corpus[("001", 0)].warnings if "预告" in w)
    # no such warning where the numbers agree
    assert not any("预告" in w for w in corpus[("003", 0)].warnings)


def test_duplicate_is_marked(corpus):
    assert corpus[("002", 3)].duplicate_of == (F002, 2)
    assert all(s.duplicate_of is None for k, s in corpus.items() if k != ("002", 3))
    # 第四篇 lacks subsections: the gaps are reported, not hidden
    assert any("缺少“（二）”" in w for w in corpus[("002", 3)].warnings)


def test_closing_of_speech_without_salutation_is_the_call_to_action(corpus):
    speech = corpus[("002", 4)]
    last = speech.sections[-1].children[-1]
    assert last.heading == "激励约束机制要健全"
    assert len(last.paragraphs) == 1
    assert speech.closing[0].line == 157


@pytest.mark.parametrize("key", sorted(EXPECTED_SECTIONS))
def test_seed_round_trip(corpus, key):
    speech = corpus[key]
    again = parse_speech(speech_to_text(speech), source=speech.source, index=speech.index)
    a, b = speech_to_dict(speech), speech_to_dict(again)
    for d in (a, b):
        d.pop("warnings")
        d.pop("duplicate_of")
    assert a == b
    assert [(s.run_in, s.level) for s in speech.iter_sections()] == [
        (s.run_in, s.level) for s in again.iter_sections()
    ]


# ---------------------------------------------------------------------------
# Synthetic texts


def test_announced_variants():
    def announced(sentence: str):
        return parse_speech(f"同志们：\n今天开会。{sentence}\n一、甲\n正文。\n").announced_sections

    assert announced("下面，我讲四点意见。") == 4
    assert announced("下面，我讲三个方面的意见。") == 3
    assert announced("在此，我强调三方面内容。") == 3
    assert announced("下面，我讲四方面意见。") == 4
    assert announced("下面，我讲两点意见。") == 2
    assert announced("下面，我讲几点意见。") is None
    assert announced("下面，我讲一下工作。") is None
    assert announced("下面，我讲三句话。") == 3
    assert announced("下面，我从五个方面讲一讲。") == 5
    assert announced("下面，我讲以下三个问题。") == 3
    assert announced("") is None


def test_no_top_level_marker_uses_the_highest_level_found():
    speech = parse_speech(
        "同志们：\n开场白。\n（一）第一件事\n正文一。\n（二）第二件事\n正文二。\n1.细节\n细节正文。\n"
    )
    assert [(s.marker, s.level) for s in speech.sections] == [("（一）", 1), ("（二）", 1)]
    assert [c.marker for c in speech.sections[1].children] == ["1."]


def test_enumeration_only_speech_uses_it_as_top_level():
    speech = parse_speech(
        "同志们：\n开场白。\n一是抓项目。项目要快。\n二是抓招商。招商要实。\n三是抓民生。\n"
    )
    assert [s.marker for s in speech.sections] == ["一是", "二是", "三是"]
    assert speech.sections[0].heading == "抓项目"


def test_text_without_enumeration_is_one_opening_with_a_warning():
    speech = parse_speech("今天开会。\n大家辛苦了。\n同志们，让我们共同努力！\n")
    assert speech.sections == []
    # Issue 11: the closing is found with or without numbered sections.
    assert [p.text for p in speech.opening] == ["今天开会。", "大家辛苦了。"]
    assert [p.text for p in speech.closing] == ["同志们，让我们共同努力！"]
    assert any("层次编号" in w for w in speech.warnings)
    speech = parse_speech("今天开会。\n同志们，大家辛苦了。\n")
    assert speech.closing == []  # the opening keeps at least two paragraphs


def test_sequence_breaks_are_body_text():
    text = "同志们：\n开场。\n一、甲\n正文。\n二、乙\n正文。\n二、丙\n重复的编号。\n三、丁\n正文。\n"
    speech = parse_speech(text)
    assert [s.marker + s.heading for s in speech.sections] == ["一、甲", "二、乙", "三、丁"]
    assert [p.text for p in speech.sections[1].paragraphs] == ["正文。", "二、丙", "重复的编号。"]
    assert any("二、" in w and "顺序" in w for w in speech.warnings)
    # a stray （二） that starts no sequence is body text too
    lone = parse_speech("同志们：\n开场。\n一、甲\n正文。\n（二）型水库要加固。\n")
    assert lone.sections[0].children == []
    assert lone.sections[0].paragraphs[1].text == "（二）型水库要加固。"


def test_opening_list_before_the_sections_stays_in_the_opening():
    text = "同志们：\n开场。\n1.第一件事。\n2.第二件事。\n一、甲\n正文。\n二、乙\n正文。\n"
    speech = parse_speech(text)
    assert [p.text for p in speech.opening] == ["开场。", "1.第一件事。", "2.第二件事。"]
    assert [s.marker for s in speech.sections] == ["一、", "二、"]


def test_draft_like_text_front_matter():
    text = (
        "关于做好今年经济工作的讲话\n——在全县经济工作会议上的讲话\n县长 张三\n（2024年3月1日）\n同志们：\n"
        "今天开会。下面，我讲两点意见。\n一、认清形势\n成绩来之不易。\n二、狠抓落实\n（一）抓项目。项目要快。\n"
        "（二）抓民生。民生要实。\n同志们，让我们共同努力！\n"
    )
    speech = parse_speech(text)
    assert speech.title == "关于做好今年经济工作的讲话"
    assert speech.subtitle == "——在全县经济工作会议上的讲话"
    assert speech.speaker == "县长 张三"
    assert speech.date == "2024年3月1日"
    assert speech.salutation == "同志们："
    assert speech.announced_sections == 2
    assert [c.heading for c in speech.sections[1].children] == ["抓项目", "抓民生"]
    assert [p.text for p in speech.closing] == ["同志们，让我们共同努力！"]
    assert speech.warnings == []
    again = parse_speech(speech_to_text(speech))
    assert speech_to_dict(again) == speech_to_dict(speech)


def test_speaker_without_subtitle_round_trips():
    speech = parse_speech("标题\n同志们：\n开场。\n一、甲\n正文。\n")
    speech.speaker = "张三"
    again = parse_speech(speech_to_text(speech))
    assert again.speaker == "张三" and again.title == "标题"


def test_parse_speech_accepts_paragraphs():
    paras = [Para("同志们：", 10), Para("开场。", 11), Para("一、甲", 12), Para("正文。", 13)]
    speech = parse_speech(paras, source="x.txt", index=2, path="/tmp/x.txt")
    assert speech.sections[0].line == 12
    assert (speech.source, speech.index, speech.path, speech.line) == ("x.txt", 2, "/tmp/x.txt", 10)


def test_empty_input():
    speech = parse_speech("")
    assert speech.sections == [] and speech.opening == [] and speech.title == ""
    assert speech.warnings


def test_speech_to_dict_shape(corpus):
    data = speech_to_dict(corpus[("002", 3)])
    assert list(data) == [
        "source",
        "index",
        "title",
        "subtitle",
        "date",
        "speaker",
        "duplicate_of",
        "announced_sections",
        "opening",
        "closing",
        "warnings",
        "sections",
    ]
    assert data["duplicate_of"] == {"source": F002, "index": 2}
    top = data["sections"][0]
    assert list(top) == [
        "marker",
        "heading",
        "role",
        "role_cues",
        "role_confidence",
        "paragraphs",
        "children",
    ]
    assert list(top["children"][0]) == ["marker", "heading", "paragraphs", "children"]
    assert all(isinstance(p, str) for p in top["children"][0]["paragraphs"])


# ---------------------------------------------------------------------------
# Beyond the seeds: tests/corpus_extra/


EXTRA = Path(__file__).resolve().parent / "corpus_extra"


def test_extra_city_speech_gb18030_fixed_width_four_levels():
    """A city speech in GB18030 with CRLF, wrapped at 30 characters, an advert and a page number."""
    result = parse_corpus([EXTRA / "city_fixed_width.txt"])
    assert result.errors == []
    (speech,) = result.speeches
    assert speech.title == "凝心聚力 真抓实干 奋力推动全市经济高质量发展"
    assert speech.subtitle == "——在全市经济工作会议上的讲话"
    assert speech.speaker == "市长 XXX"
    assert speech.date == "二〇二四年一月十五日"
    assert speech.salutation == "各位领导、同志们："
    assert speech.announced_sections == 3 and len(speech.sections) == 3
    # the wrapped opening is one paragraph
    assert len(speech.opening) == 1 and speech.opening[0].text.endswith("下面，我讲三个方面的意见。")
    assert [s.heading for s in speech.sections] == [
        "客观看待成绩，准确把握当前经济形势",
        "突出工作重点，全力以赴稳增长促发展",
        "强化责任担当，确保各项任务落地见效",
    ]
    first, second, third = speech.sections
    assert [c.heading for c in first.children] == ["主要指标稳中向好", "发展动能持续增强", "民生保障更加有力"]
    assert first.children[0].paragraphs[0].text.endswith("主要指标增速高于全省平均水平。")
    project = second.children[0]
    assert (project.heading, project.run_in) == ("坚定不移抓项目扩投资", False)
    assert [c.marker for c in project.children] == ["1.", "2.", "3."]
    assert [(c.marker, c.level) for c in project.children[1].children] == [("（1）", 4), ("（2）", 4)]
    assert [c.marker for c in second.children[1].children] == ["一是", "二是", "三是"]
    assert [c.marker for c in third.children] == ["首先，", "其次，", "最后，"]
    assert speech.closing[0].text.startswith("同志们，新的一年")
    everything = speech_to_text(speech)
    for junk in ("公众号", "文库", "— 2 —", "仅供学习", "禁止外传"):
        assert junk not in everything
    assert speech.warnings == []


def test_real_third_level_list_is_not_mistaken_for_corrupt_markers():
    text = "同志们：\n开场。\n一、甲\n（一）子一\n（1）细节一。\n（2）细节二。\n（二）子二\n正文。\n"
    speech = parse_speech(text)
    first = speech.sections[0]
    assert [c.marker for c in first.children] == ["（一）", "（二）"]
    assert [c.marker for c in first.children[0].children] == ["（1）", "（2）"]
    assert not any("有误" in w for w in speech.warnings)


def test_closing_with_thanks_and_other_salutations():
    text = "各位代表：\n开场。\n一、甲\n正文。\n二、乙\n正文。\n同志们，让我们携手并进！\n谢谢大家！\n"
    speech = parse_speech(text)
    assert speech.salutation == "各位代表："
    assert [p.text for p in speech.closing] == ["同志们，让我们携手并进！", "谢谢大家！"]
    assert [p.text for p in speech.sections[1].paragraphs] == ["正文。"]


def test_pathological_marker_floods_stay_linear():
    # Each of these was quadratic in an early version (minutes); now a fraction of a second.
    flood = "（1）甲。\n" * 20000 + "（二）乙。\n"
    speech = parse_speech(flood)
    assert [s.marker for s in speech.sections] == ["（一）", "（二）"]
    # （1）→（一）, the next （1） is its child, the other 19998 repeat an ordinal: body text
    assert sum(len(s.paragraphs) for s in speech.iter_sections()) == 19998
    repeated = parse_speech("一、\n" * 5000)
    assert len(repeated.sections) == 1
    assert len(repeated.warnings) == 101 and repeated.warnings[-1].startswith("另有")


# ---------------------------------------------------------------------------
# Titles over several lines


def test_title_over_two_lines_is_joined():
    speech = parse_speech(
        "在全县2024年经济工作暨\n优化营商环境推进大会上的讲话\n（2024年3月1日）\n同志们：\n今天召开会议。\n"
        "一、认清形势\n正文。\n"
    )
    assert speech.title == "在全县2024年经济工作暨优化营商环境推进大会上的讲话"
    assert speech.subtitle is None and speech.date == "2024年3月1日" and speech.salutation == "同志们："
    assert [p.text for p in speech.opening] == ["今天召开会议。"]
    assert "没有找到标题" not in speech.warnings
    # three lines, the middle one short: no space is invented inside the phrase
    three = parse_speech("在全县2024年经济工作暨\n优化营商环境推进\n大会上的讲话\n同志们：\n开场。\n")
    assert three.title == "在全县2024年经济工作暨优化营商环境推进大会上的讲话" and three.subtitle is None
    # a line cut before 上的讲话, without a connector at the end of the first
    cut = parse_speech("在全县经济工作会议\n上的讲话\n（2024年3月1日）\n同志们：\n开场。\n")
    assert cut.title == "在全县经济工作会议上的讲话" and cut.subtitle is None


def test_title_lines_and_subtitle_lines_stay_apart():
    # a complete 在…上的讲话 line after the title is its subtitle, with or without the dash
    plain = parse_speech("锚定目标 真抓实干\n在全县经济工作会议上的讲话\n同志们：\n开场。\n")
    assert plain.title == "锚定目标 真抓实干" and plain.subtitle == "在全县经济工作会议上的讲话"
    dashed = parse_speech("在全县经济工作暨\n项目建设\n——在全县经济工作会议上的讲话\n同志们：\n开场。\n")
    assert dashed.title == "在全县经济工作暨项目建设"
    assert dashed.subtitle == "——在全县经济工作会议上的讲话"
    # a line ending in 暨 runs on into a line without a meeting phrase of its own, not into one with it
    assert (
        parse_speech("全县经济工作暨\n项目推进会讲话\n同志们：\n开场。\n").title
        == "全县经济工作暨项目推进会讲话"
    )
    speaker_line = parse_speech("全县经济工作暨\n县长在项目推进大会上的讲话\n同志们：\n开场。\n")
    assert speaker_line.title == "全县经济工作暨" and speaker_line.subtitle == "县长在项目推进大会上的讲话"
    # short parallel phrases keep their spaces
    parallel = parse_speech("坚定信心\n扎实进取\n努力开创政府工作的新局面\n同志们：\n开场。\n")
    assert parallel.title == "坚定信心 扎实进取 努力开创政府工作的新局面"
    # after the title's last line, a speaker line is still the speaker
    spoken = parse_speech("在全县经济工作暨\n项目推进大会上的讲话\n县长 张三\n同志们：\n开场。\n")
    assert spoken.title == "在全县经济工作暨项目推进大会上的讲话" and spoken.speaker == "县长 张三"
    again = parse_speech(speech_to_text(spoken))
    assert speech_to_dict(again) == speech_to_dict(spoken)


# ---------------------------------------------------------------------------
# Section.written_marker


def test_written_marker_keeps_the_marker_as_written(corpus):
    third = corpus[("000", 0)].sections[2]
    assert [c.marker for c in third.children] == ["（一）", "（二）", "（三）", "（四）", "（五）"]
    assert [c.written_marker for c in third.children] == ["（1）", None, None, "（%1）", None]
    # everywhere else in the seeds the marker is as written
    repaired = [
        (key, s.line) for key, speech in corpus.items() for s in speech.iter_sections() if s.written_marker
    ]
    assert repaired == [(("000", 0), 18), (("000", 0), 21)]


def test_written_marker_of_half_width_forms():
    speech = parse_speech(
        [
            Para("一、甲", 1),
            Para("(1)抓项目。正文。", 2),
            Para("(2)抓民生。正文。", 3),
            Para("二、乙", 4),
            Para("第一,要快。正文。", 5),
            Para("第二,要实。正文。", 6),
        ]
    )
    first, second = speech.sections
    assert [(c.marker, c.written_marker) for c in first.children] == [("（1）", "(1)"), ("（2）", "(2)")]
    assert [(c.marker, c.written_marker) for c in second.children] == [
        ("第一，", "第一,"),
        ("第二，", "第二,"),
    ]
    assert (
        parse_speech("一、甲\n（一）乙\n正文。\n（二）丙\n正文。\n").sections[0].children[1].written_marker
        is None
    )


# ---------------------------------------------------------------------------
# A lone 一要/一是: a one-item list in a rendered draft, body text in the corpus


def test_lone_yao_with_a_run_in_heading_is_a_sub_item():
    text = (
        "标题\n同志们：\n开场。\n一、认清形势\n正文。\n二、狠抓落实\n正文。\n三、强化作风\n"
        "一要全面梳理，细化分解再加压。各乡镇、各部门要对承担的任务进行全面梳理。\n同志们，让我们共同努力！\n"
    )
    speech = parse_speech(text)
    third = speech.sections[2]
    assert [(c.marker, c.heading, c.level, c.run_in) for c in third.children] == [
        ("一要", "全面梳理，细化分解再加压", 2, True)
    ]
    assert [p.text for p in third.children[0].paragraphs] == ["各乡镇、各部门要对承担的任务进行全面梳理。"]
    assert third.paragraphs == []
    assert [p.text for p in speech.closing] == ["同志们，让我们共同努力！"]
    assert speech_to_dict(parse_speech(speech_to_text(speech))) == speech_to_dict(speech)
    # heading alone on its line, and 一是 under （一）
    alone = parse_speech("一、甲\n（一）乙\n一是抓好项目谋划\n项目要快。\n")
    sub = alone.sections[0].children[0]
    assert [(c.marker, c.heading, c.run_in) for c in sub.children] == [("一是", "抓好项目谋划", False)]
    assert [p.text for p in sub.children[0].paragraphs] == ["项目要快。"]


def test_lone_enumeration_that_is_body_text_stays_body_text():
    # goes on to 二是 inside its own paragraph (as 002 第二篇 section 五)
    run_on = parse_speech("一、甲\n一是要健全责任机制。正文。二是要健全督查机制。正文。\n")
    assert run_on.sections[0].children == []
    # a long first sentence is not a heading
    long_first = (
        "一要"
        + "认真贯彻落实上级各项决策部署并结合本地实际情况逐项细化分解到各乡镇各部门和每个责任人"
        + "。正文。"
    )
    assert parse_speech(f"一、甲\n{long_first}\n").sections[0].children == []
    # not the only enumeration of its section: 第一，… before it
    mixed = parse_speech("一、甲\n第一，抓项目。正文。\n第二，抓民生。正文。\n一要抓落实。正文。\n")
    assert [c.marker for c in mixed.sections[0].children] == ["第一，", "第二，"]
    assert mixed.sections[0].children[1].paragraphs[-1].text == "一要抓落实。正文。"
    # another 一要 later in the same section: neither is a lone item
    twice = parse_speech("一、甲\n一要抓项目。正文。\n正文。\n一要抓民生。正文。\n")
    assert twice.sections[0].children == []
    # no numbered heading above it: a lone 一要 at the top is body text
    top = parse_speech("同志们：\n开场。\n一要抓落实。正文。\n")
    assert top.sections == []
    # 第一，/首先， alone are never a list
    assert parse_speech("一、甲\n第一，抓项目。正文。\n").sections[0].children == []


def test_lone_yao_in_an_exported_docx_is_a_sub_item(tmp_path):
    document = docx.Document()
    for line in [
        "标题",
        "同志们：",
        "开场。",
        "一、认清形势",
        "正文。",
        "二、狠抓落实",
        "正文。",
        "三、强化作风",
        "一要全面梳理，细化分解再加压。各部门要梳理。",
        "同志们，让我们共同努力！",
    ]:
        document.add_paragraph(line)
    path = tmp_path / "lone.docx"
    document.save(str(path))
    (speech,) = parse_corpus([path]).speeches
    assert [c.marker + c.heading for c in speech.sections[2].children] == ["一要全面梳理，细化分解再加压"]
    assert speech.sections[2].children[0].line == 9


# ---------------------------------------------------------------------------
# Rendered drafts come back as the tree the renderer meant

_HEAD_PUNCT = "。，,；;：:、. "


def _norm_heading(text: str) -> str:
    return normalise_text(text).strip().rstrip(_HEAD_PUNCT)


def _render_tree_problems(draft, phrasebank, speech) -> list:
    """Differences between the rendered draft's sections/closing (render_context) and the parsed speech."""
    context = render_context(draft, phrasebank)
    problems: list = []
    _tree_problems(context["sections"], speech.sections, (), problems)
    closing = [normalise_text(p) for p in context["closing"]]
    if closing and not closing[0].startswith("同志们"):
        closing[0] = "同志们，" + closing[0]
    if closing != [p.text for p in speech.closing]:
        problems.append(("closing", closing, [p.text for p in speech.closing]))
    if _norm_heading(context["title"]) != _norm_heading(speech.title):
        problems.append(("title", context["title"], speech.title))
    return problems


def _tree_problems(meant: list[dict], got: list, path: tuple, problems: list) -> None:
    """Differences between the sections the renderer meant and those parsed, at ``path``."""
    if len(meant) != len(got):
        problems.append((path, "count", len(meant), [g.marker + g.heading for g in got]))
        return
    if got and len({marker_kind(g.marker) for g in got}) != 1:
        problems.append((path, "mixed markers", [g.marker for g in got]))
    if path and got and marker_kind(got[0].marker) == "cn_dun":
        problems.append((path, "child numbered like the top level", got[0].marker))
    for n, (m, g) in enumerate(zip(meant, got, strict=True), 1):
        problems.extend(_section_problems(m, g, (*path, n)))
        _tree_problems(m["children"], g.children, (*path, n), problems)


def _section_problems(meant: dict, got, where: tuple) -> list:
    """Differences in marker, heading and paragraphs of one section (``where``: its ordinal path)."""
    problems: list = []
    if marker_ordinal(got.marker) != where[-1]:
        problems.append((where, "marker", got.marker))
    if _norm_heading(meant["heading"]) != _norm_heading(got.heading):
        problems.append((where, "heading", meant["heading"], got.heading))
    if [normalise_text(p) for p in meant["paragraphs"]] != [p.text for p in got.paragraphs]:
        problems.append((where, "paragraphs", meant["paragraphs"], [p.text for p in got.paragraphs]))
    return problems


def _one_item_lists(draft):
    """The same draft with every list of sub-sections cut to its first item."""
    out = copy.deepcopy(draft)

    def cut(sections) -> None:
        for section in sections:
            del section.children[1:]
            cut(section.children)

    cut(out.sections)
    return out


def _render_cases():
    phrasebank = load_phrasebank(include_user=False)
    cases = []
    meeting = None
    for path in sorted((ROOT / "examples").glob("*.yaml")):
        draft = load_draft(path, phrasebank)
        meeting = meeting or dict(draft.meeting)
        cases.append((path.name, draft))
    for info in list_templates():
        for kind in ("", "动员大会", "季度总结会", "安全生产工作会议"):
            meeting_of_kind = {**meeting, "会议类型": kind} if kind else meeting
            cases.append((f"suggest:{info.name}:{kind}", suggest_draft(info, meeting_of_kind, phrasebank)))
    cases += [(f"{name} (one-item lists)", _one_item_lists(draft)) for name, draft in list(cases)]
    return phrasebank, cases


def test_rendered_drafts_parse_back_to_the_tree_the_renderer_meant():
    phrasebank, cases = _render_cases()
    assert len(cases) >= 16  # four examples, four templates, each also with one-item lists
    lone = 0
    for name, draft in cases:
        speech = parse_speech(render_text(draft, phrasebank))
        assert _render_tree_problems(draft, phrasebank, speech) == [], name
        assert not any("不在编号序列中" in w for w in speech.warnings), name
        lone += sum(1 for s in speech.iter_sections() if s.marker in ("一要", "一是") and s.ordinal == 1)
    assert lone > 0  # the one-item variants do hold lone 一要/一是 items


def test_exported_docx_reads_back_to_the_tree_the_renderer_meant(tmp_path):
    phrasebank, cases = _render_cases()
    for k, (name, draft) in enumerate(cases):
        path = export_docx(render_speech(draft, phrasebank), tmp_path / f"case{k}.docx")
        (speech,) = parse_corpus([path]).speeches
        assert _render_tree_problems(draft, phrasebank, speech) == [], name
