"""Property tests of the outline parser: it never raises, and text → tree → text → tree is stable."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from drafter.corpus import clean_lines
from drafter.model import Para, Section, Speech
from drafter.outline import parse_speech, speech_to_dict, speech_to_text
from drafter.text import marker_for

# Body text uses characters that never start a marker, never spell a closing cue
# (同志们, 让我们, 希望大家 …) or an announced count (讲N点).
ALPHABET = "发展工作建设推进经济项目产业农村城乡改革服务质量任务目标全面加快提升深化优化创新企业环境安全教育医疗文化旅游交通水利生态保护"
_WORD = st.text(alphabet=ALPHABET, min_size=2, max_size=12)


@st.composite
def sentence(draw) -> str:
    parts = draw(st.lists(_WORD, min_size=1, max_size=4))
    return "，".join(parts) + "。"


@st.composite
def paragraph(draw) -> str:
    return "".join(draw(st.lists(sentence(), min_size=1, max_size=3)))


@st.composite
def heading(draw) -> str:
    parts = draw(st.lists(_WORD, min_size=1, max_size=2))
    return "，".join(parts)


# Marker kinds from the top level down; enumerations (一是/一要/第一，) only as the deepest level.
# (Generated headings are at most 25 characters and never contain 是/要, as a lone item needs.)
RANKED = ["cn_dun", "cn_paren", "arabic_dot", "arabic_paren"]
ENUMS = ["shi", "yao", "di"]


@st.composite
def sections(draw, depth: int, kinds: list[str], level: int = 1) -> list[Section]:
    kind = kinds[0]
    is_enum = kind in ENUMS
    # A lone 一是/一要 is an item of its own only under a numbered heading (a one-item list in a
    # rendered draft); as the top level, or as 第一，, a list needs at least two items.
    lone_ok = kind in ("shi", "yao") and level > 1
    count = draw(st.integers(min_value=2 if is_enum and not lone_ok else 1, max_value=4))
    out = []
    for n in range(1, count + 1):
        run_in = draw(st.booleans())
        paras = draw(st.lists(paragraph(), min_size=1 if run_in else 0, max_size=2))
        section = Section(
            marker=marker_for(kind, n),
            heading=draw(heading()),
            level=level,
            paragraphs=[Para(p) for p in paras],
            run_in=run_in,
        )
        if depth > 1 and len(kinds) > 1 and draw(st.booleans()):
            section.children = draw(sections(depth - 1, kinds[1:], level + 1))
        out.append(section)
    return out


@st.composite
def speeches(draw) -> Speech:
    depth = draw(st.integers(min_value=1, max_value=3))
    start = draw(st.integers(min_value=0, max_value=1))
    kinds = [RANKED[start], *RANKED[start + 1 : start + depth]]
    if draw(st.booleans()):
        # the deepest level as 一是/一要/第一，; a speech made only of them uses them as its top level
        kinds[-1] = draw(st.sampled_from(ENUMS))
    speech = Speech()
    speech.title = draw(st.one_of(st.just(""), heading().map(lambda h: h.replace("，", ""))))
    if draw(st.booleans()):
        speech.subtitle = "——在" + draw(_WORD) + "会议上的讲话"
    if draw(st.booleans()):
        speech.date = (
            f"{draw(st.integers(2000, 2030))}年{draw(st.integers(1, 12))}月{draw(st.integers(1, 28))}日"
        )
    if draw(st.booleans()):
        speech.speaker = draw(st.sampled_from(["张三", "县长 李四", "王五同志", "市长"]))
    if draw(st.booleans()):
        speech.salutation = "同志们："
    speech.opening = [Para(p) for p in draw(st.lists(paragraph(), min_size=1, max_size=3))]
    speech.sections = draw(sections(depth, kinds))
    if len(speech.sections) and draw(st.booleans()):
        n = len(speech.sections)
        speech.opening.append(Para(f"下面，我讲{'一二三四'[n - 1]}点意见。"))
        speech.announced_sections = n
    if draw(st.booleans()):
        closing = ["同志们，" + draw(paragraph())]
        closing += draw(st.lists(paragraph(), max_size=1))
        speech.closing = [Para(p) for p in closing]
    return speech


def _shape(speech: Speech) -> dict:
    data = speech_to_dict(speech)
    data.pop("warnings")

    def walk(section: Section) -> tuple:
        return (
            section.marker,
            section.heading,
            section.run_in,
            section.level,
            [walk(c) for c in section.children],
        )

    data["tree"] = [walk(s) for s in speech.sections]
    data["salutation"] = speech.salutation
    return data


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(speeches())
def test_generated_outline_round_trips(speech):
    text = speech_to_text(speech)
    parsed = parse_speech(text)
    assert _shape(parsed) == _shape(speech)
    # and once more: the text form is a fixed point
    assert speech_to_text(parsed) == text


_SOUP_WORDS = (
    "一、 二、 三、 （一） （二） （%1） （1） (2) 1. 2． 3、 一是 二要 第一， 第二， 首先， 最后， 同志们： 同志们， "
    "——在 上的讲话 （2024年3月1日） 第一篇： 第二篇： 讲三点意见 讲几点意见 。 ， ： ； 发展 XX *** ×× …… "
    "仅供学习 本文章共2页，当前在第1页 ( )"
).split()
FRAGMENTS = st.sampled_from([*_SOUP_WORDS, "\n", "\n\n", " ", "\u3000", "\ufeff", "\r", "\x00"])


@settings(max_examples=300, deadline=None)
@given(st.lists(FRAGMENTS, max_size=80))
def test_parser_never_raises_on_marker_soup(parts):
    speech = parse_speech("".join(parts))
    assert isinstance(speech.warnings, list)
    for section in speech.iter_sections():
        assert section.level >= 1
    # the parse is stable under a round trip of its own output
    again = parse_speech(speech_to_text(speech))
    assert [s.marker for s in again.iter_sections()] == [s.marker for s in speech.iter_sections()]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_parser_never_raises_on_arbitrary_text(text):
    speech = parse_speech(text)
    speech_to_dict(speech)
    speech_to_text(speech)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=60), max_size=30))
def test_clean_lines_keeps_line_numbers_increasing(lines):
    cleaned = clean_lines([Para(t, i) for i, t in enumerate(lines, 1)])
    numbers = [p.line for p in cleaned]
    assert numbers == sorted(set(numbers))
    assert all(p.text for p in cleaned)
