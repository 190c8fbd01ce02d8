"""Issue 11 points 3–5 unit by unit: splitting, front matter of other genres, headings, closings,
web debris, the one marker grammar, heading frames, the cache codec, heading rules and topic words."""

from __future__ import annotations

from collections import Counter

import pytest

import drafter.roles as roles
from drafter.corpus import clean_lines, mark_duplicates, split_speeches
from drafter.model import Para, Section, Speech
from drafter.outline import parse_speech, speech_data_ok, speech_from_data, speech_to_data, speech_to_dict
from drafter.text import ANY_MARKER_RE, common_frame, marker_kind, marker_ordinal, match_marker

BODY = "全县上下要以更加务实的作风抓好各项工作的落实，确保年度目标任务圆满完成，为全县发展作出新的贡献。"


def _paras(text: str) -> list[Para]:
    return clean_lines([Para(line, n) for n, line in enumerate(text.strip().split("\n"), 1)])


def _speech(*lines: str) -> Speech:
    return parse_speech("\n".join(lines) + "\n")


# ---------------------------------------------------------------------------
# Front matter


def test_title_ending_in_exclamation_with_subtitle():
    s = _speech("奋进新征程 建功新时代！", "——在全县青年干部大会上的讲话", "同志们：", BODY)
    assert s.title.endswith("！")
    assert s.subtitle == "——在全县青年干部大会上的讲话"
    assert s.salutation == "同志们："


def test_exclamation_line_followed_by_prose_is_not_a_title():
    s = _speech("大家好！", BODY, "一、抓好项目", BODY, "二、抓好民生", BODY)
    assert s.title == ""
    assert s.opening[0].text == "大家好！"


@pytest.mark.parametrize("line", ["2020.12.31", "（2020.12.31）", "2020-12-31", "（2019年4月27日，北京）"])
def test_dates_as_written_are_dates(line):
    s = _speech("在全县经济工作会议上的讲话", line, "同志们：", BODY)
    assert s.date is not None and s.date in line
    assert s.speaker is None
    assert s.title == "在全县经济工作会议上的讲话"


def test_dotted_date_glued_to_the_title_is_split_off():
    s = _speech("在全县经济工作会议上的讲话 2020.12.31", "同志们：", BODY)
    assert s.title == "在全县经济工作会议上的讲话"
    assert s.date == "2020.12.31"


@pytest.mark.parametrize("salutation", ["同学们、老师们：", "各位代表：", "全体教职工：", "亲爱的同学们："])
def test_salutations_of_other_audiences(salutation):
    s = _speech("在开学典礼上的讲话", salutation, BODY)
    assert s.salutation == salutation
    assert s.title == "在开学典礼上的讲话"
    s = _speech(salutation, BODY)
    assert s.title == "" and s.salutation == salutation


def test_web_debris_is_dropped():
    s = _speech(
        "新华社北京6月18日电",
        "在全国农村工作会议上的讲话",
        "同志们：",
        BODY,
        "（图为会议现场。新华社记者 李明 摄）",
        "一、认清形势",
        BODY,
        "二、抓好重点",
        BODY,
        "同志们，让我们共同努力，为乡村振兴作出新的更大贡献！",
        "点击观看视频：会议实况",
        "来源：新华网",
        "责任编辑：王晓",
        "延伸阅读",
        "农业农村部部署推进农村人居环境整治工作",
        "全国农村厕所革命现场会在湖南召开",
    )
    assert s.title == "在全国农村工作会议上的讲话"
    text = speech_to_dict(s)
    flat = str(text)
    for junk in ("新华社", "摄", "点击观看", "来源", "责任编辑", "延伸阅读", "厕所革命"):
        assert junk not in flat, junk
    assert [p.text[:3] for p in s.closing] == ["同志们"]


# ---------------------------------------------------------------------------
# Headings


def test_bare_numeral_lines_are_top_level_headings():
    s = _speech("同志们：", BODY, "一", "充分认识重要意义", BODY, "二", "抓好重点任务", BODY, "三", BODY)
    assert [(x.marker, x.heading) for x in s.sections] == [
        ("一、", "充分认识重要意义"),
        ("二、", "抓好重点任务"),
        ("三、", ""),
    ]
    assert s.sections[2].paragraphs[0].text == BODY


def test_mixed_yao_and_shi_yao_is_one_list():
    s = _speech(
        "同志们：",
        BODY,
        "一要提高站位，充分认识重大意义。" + BODY,
        "二是要突出重点，全力补齐短板。" + BODY,
        "三要强化督导，严格落实责任。" + BODY,
    )
    assert [x.marker for x in s.sections] == ["一要", "二是要", "三要"]
    assert s.sections[1].heading == "突出重点，全力补齐短板"


def test_plain_shi_list_keeps_its_markers():
    s = _speech("同志们：", BODY, "一是抓项目。" + BODY, "二是要抓招商。" + BODY, "三是抓民生。" + BODY)
    assert [x.marker for x in s.sections] == ["一是", "二是", "三是"]


def test_second_di_list_is_not_swallowed():
    lines = ["同志们：", BODY]
    lines += [f"第{n}，要认识第{n}点。" + BODY for n in "一二三四"]
    lines += ["关于下一步工作，我再提四点要求。"]
    lines += [f"第{n}，要做好第{n}项。" + BODY for n in "一二三四"]
    s = _speech(*lines)
    assert [x.marker for x in s.sections] == ["第一，", "第二，", "第三，", "第四，"] * 2


def test_courtesy_first_is_opening_not_a_section():
    s = _speech(
        "同学们：",
        "首先，我代表学校，向新同学表示热烈的欢迎！",
        "其次，希望同学们刻苦学习。" + BODY,
        "第三，希望同学们遵规守纪。" + BODY,
    )
    assert s.opening[0].text.startswith("首先，我代表学校")
    assert all(not x.marker.startswith("首先") for x in s.sections)


def test_first_as_a_real_item_stays_a_section():
    s = _speech(
        "同志们：", "首先，要提高认识。" + BODY, "其次，要突出重点。" + BODY, "最后，要严明纪律。" + BODY
    )
    assert [x.marker for x in s.sections] == ["首先，", "其次，", "最后，"]


def test_closing_without_numbered_sections():
    s = _speech("同志们：", BODY, BODY, "同学们，让我们携手并进，共创美好明天！", "谢谢大家！")
    assert s.sections == []
    assert [p.text for p in s.closing] == ["同学们，让我们携手并进，共创美好明天！", "谢谢大家！"]
    assert len(s.opening) == 2


def test_closing_with_thanks_after_the_call_to_action():
    s = _speech(
        "同志们：", BODY, "一、抓项目", BODY, BODY, "让我们团结一心，为全县发展而努力奋斗！", "谢谢大家！"
    )
    assert [p.text for p in s.closing] == ["让我们团结一心，为全县发展而努力奋斗！", "谢谢大家！"]
    assert len(s.sections[0].paragraphs) == 2


# ---------------------------------------------------------------------------
# Splitting


def _header(title: str, n: int) -> list[str]:
    return [title, f"——在全县第{n}次工作会议上的讲话", "同志们："]


def test_split_at_repeated_header_blocks():
    lines = []
    for n, title in enumerate(("抓项目 促发展", "抓安全 保稳定", "抓作风 促落实"), 1):
        lines += [*_header(title, n), "一、认清形势", BODY, "二、抓好重点", BODY, "三、严明纪律", BODY]
    chunks = split_speeches(_paras("\n".join(lines)))
    assert [c[0].text for c in chunks] == ["抓项目 促发展", "抓安全 保稳定", "抓作风 促落实"]
    for chunk in chunks:
        speech = parse_speech(chunk)
        assert [x.marker for x in speech.sections] == ["一、", "二、", "三、"]


def test_split_where_top_level_numbering_restarts():
    lines = ["同志们：", BODY, "一、认清形势", BODY, "二、抓好重点", BODY, "三、严明纪律", BODY, "谢谢大家！"]
    lines += ["今天的会议很重要，我再讲两点意见。", "一、提高认识", BODY, "二、狠抓落实", BODY]
    chunks = split_speeches(_paras("\n".join(lines)))
    assert len(chunks) == 2
    assert chunks[0][-1].text == "谢谢大家！"
    assert chunks[1][0].text.startswith("今天的会议很重要")
    second = parse_speech(chunks[1])
    assert [x.marker for x in second.sections] == ["一、", "二、"]


def test_signature_after_a_speech_is_no_new_speech():
    lines = ["同志们：", BODY, "一、认清形势", BODY, "二、抓好重点", BODY, "县人民政府办公室", "2024年3月1日"]
    assert len(split_speeches(_paras("\n".join(lines)))) == 1


def test_a_speech_that_holds_more_than_an_earlier_one_is_not_a_duplicate():
    own = [f"第{n}段是只在第二篇里出现的内容，讲的是另一项重点工作的具体安排。" for n in range(1, 15)]
    shared = [f"第{n}段讲的是全县第{n}项重点工作，各乡镇各部门要抓好落实。" for n in range(1, 8)]
    a = parse_speech("同志们：\n" + "\n".join(shared), source="a.txt")
    b = parse_speech("同志们：\n" + "\n".join(shared + own), source="b.txt")
    c = parse_speech("同志们：\n" + "\n".join(shared[:6]), source="c.txt")
    mark_duplicates([a, b, c])
    assert b.duplicate_of is None  # marking it would drop 14 paragraphs only it holds
    assert c.duplicate_of == ("a.txt", 0)


# ---------------------------------------------------------------------------
# The one marker grammar


@pytest.mark.parametrize(
    ("text", "kind", "ordinal", "marker"),
    [
        ("一、抓项目", "cn_dun", 1, "一、"),
        ("（十二）抓项目", "cn_paren", 12, "（十二）"),
        ("(三)抓项目", "cn_paren", 3, "（三）"),
        ("3.抓项目", "arabic_dot", 3, "3."),
        ("(4)抓项目", "arabic_paren", 4, "（4）"),
        ("二是抓项目", "shi", 2, "二是"),
        ("三要抓项目", "yao", 3, "三要"),
        ("第二,抓项目", "di", 2, "第二，"),
        ("其次，抓项目", "seq", 2, "其次，"),
        ("（%1）抓项目", "paren_other", None, "（%1）"),
    ],
)
def test_match_marker(text, kind, ordinal, marker):
    m = match_marker(text)
    assert (m.kind, m.ordinal, m.marker) == (kind, ordinal, marker)
    assert text.startswith(m.written or m.marker) and m.rest == "抓项目"
    assert marker_kind(m.written or m.marker) == kind
    assert marker_ordinal(m.marker) == ordinal


@pytest.mark.parametrize("text", ["第一次全体会议", "首先要", "1.5亿元", "一二三四", "十分重要"])
def test_no_marker_in_running_text(text):
    assert match_marker(text) is None
    assert ANY_MARKER_RE.match(text) is None


def test_any_marker_re_agrees_with_match_marker():
    samples = ["一、", "（一）", "1.", "（1）", "一是", "一要", "第一，", "首先，", "最后，", "（%1）x", "甲"]
    for s in samples:
        assert bool(ANY_MARKER_RE.match(s)) == (match_marker(s) is not None), s


# ---------------------------------------------------------------------------
# Heading frames cut at word and quote boundaries


@pytest.mark.parametrize(
    ("headings", "frame"),
    [
        (["要有志气", "要有骨气", "要有底气"], "要有{X}"),
        (["要有“钉钉子”精神", "要有“绣花针”功夫", "要有“啃骨头”劲头"], "要有{X}"),
        (["强化“担当”意识", "强化“攻坚”意识", "强化“效率”意识"], "强化“{X}”意识"),
    ],
)
def test_frames_keep_words_and_quotes_whole(headings, frame):
    got = common_frame(headings)
    assert got is not None and got[0] == frame
    assert [got[0].replace("{X}", x) for x in got[1]] == headings


# ---------------------------------------------------------------------------
# Cache codec: one encoder


def test_speech_data_round_trip_and_shape_check():
    s = _speech(
        "在全县经济工作会议上的讲话",
        "2020.12.31",
        "同志们：",
        BODY,
        "一、（1）抓项目",
        BODY,
        "二、抓民生",
        BODY,
    )
    s.sections[0].role = "tasks"
    data = speech_to_data(s)
    assert speech_data_ok(data)
    back = speech_from_data(data)
    assert back == s
    assert speech_to_dict(back) == speech_to_dict(s)
    broken = {**data, "sections": [{**data["sections"][0], "level": "1"}]}
    assert not speech_data_ok(broken)
    assert not speech_data_ok({**data, "opening": [["x"]]})
    assert not speech_data_ok([])


# ---------------------------------------------------------------------------
# Roles: heading phrases, position, topic words


def _sec(heading: str, body: str) -> Section:
    return Section(marker="一、", heading=heading, paragraphs=[Para(body, 2)])


@pytest.mark.parametrize(
    ("heading", "body", "role"),
    [
        (
            "深刻认识办好人民满意教育的重大意义",
            "要推进课堂教学改革，加强师资队伍建设，抓好项目。",
            "situation",
        ),
        ("教育是千秋大计", "加快学校建设，新增学位六千个，推进项目建设。", "situation"),
        ("加强组织领导，确保各项任务落地见效", "加快推进项目建设，抓好招商引资和产业发展。", "discipline"),
        ("强化组织保障", "统筹项目资金，推进园区建设。", "discipline"),
        ("务求实效", "抓好重点项目建设和招商引资。", "discipline"),
    ],
)
def test_heading_phrases_name_the_role(heading, body, role):
    assert roles.classify_section(_sec(heading, body))[0] == role
    assert roles.heading_rule(heading)[0] == role


def test_position_is_evidence():
    assert roles.position_prior(0, 3) == {"situation": pytest.approx(0.08)}
    assert "tasks" in roles.position_prior(1, 3)
    assert "discipline" in roles.position_prior(2, 3)


def test_topic_words_are_never_learned_as_cues():
    docs = []
    for i in range(6):
        speech = (f"school{i}.txt", 0)
        # 学校 runs through every section of a school speech: a topic, not a role cue.
        docs.append(roles.LabelledDoc("situation", Counter({"学校": 4, "形势": 3}), speech))
        docs.append(roles.LabelledDoc("tasks", Counter({"学校": 1, "部署": 3}), speech))
        docs.append(roles.LabelledDoc("discipline", Counter({"问责": 3}), speech))
    for i in range(6):
        speech = (f"county{i}.txt", 0)
        # 学生 stays in the situation sections, but it is a listed topic word.
        docs.append(roles.LabelledDoc("situation", Counter({"学生": 4, "形势": 2}), speech))
        docs.append(roles.LabelledDoc("tasks", Counter({"部署": 2}), speech))
    mined = roles.log_odds(docs, min_z=0.5)
    learned = {w for table in mined.values() for w in table}
    assert "形势" in mined["situation"]
    assert "学校" not in learned and "学生" not in learned
    shipped = roles.read_weights(roles.CUES_FILE)
    assert not {"学校", "学生", "公司"} & {w for table in shipped.values() for w in table}
