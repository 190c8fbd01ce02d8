"""Mining: parallel heading frames, placeholders to slots, structures, phrase candidates, cache, pool."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from drafter.mine import common_frame, mine, mine_paths, slotify, structures
from drafter.mine import pipeline as mine_mod
from drafter.model import Para, Section, Speech
from drafter.roles import label_speech

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


# ---------------------------------------------------------------------------
# common_frame


@pytest.mark.parametrize(
    ("headings", "frame", "items"),
    [
        (["强化担当意识", "强化攻坚意识", "强化效率意识"], "强化{X}意识", ["担当", "攻坚", "效率"]),
        (
            ["振奋精神抓落实", "突出重点抓落实", "团结协作抓落实"],
            "{X}抓落实",
            ["振奋精神", "突出重点", "团结协作"],
        ),
        # 谋事/断事/干事 share 事, but the slot keeps whole words.
        (["提高谋事能力", "提高断事能力", "提高干事能力"], "提高{X}能力", ["谋事", "断事", "干事"]),
        (
            ["突出园区项目建设", "突出财政增收", "突出社会民生"],
            "突出{X}",
            ["园区项目建设", "财政增收", "社会民生"],
        ),
        (
            ["建设效率政府，要突出发展。", "建设效率政府，要强化为民", "建设效率政府，要完善机制"],
            "建设效率政府，要{X}",
            ["突出发展", "强化为民", "完善机制"],
        ),
        (["一线办公机制", "主办负责机制"], "{X}机制", ["一线办公", "主办负责"]),
    ],
)
def test_common_frame(headings, frame, items):
    assert common_frame(headings) == (frame, items)


@pytest.mark.parametrize(
    "headings",
    [
        ["坚定信心，认清形势", "锚定目标，重点突破", "强化作风，担当拼搏"],  # nothing shared
        ["要协调", "要持续", "要稳定"],  # one fixed character is no frame
        ["强化担当意识"],  # one heading
        ["强化担当意识", "强化担当意识"],  # identical items
        ["", "强化攻坚意识"],
    ],
)
def test_common_frame_none(headings):
    assert common_frame(headings) is None


def test_common_frame_rebuilds_headings():
    heads = ["全力决胜项目建设会战", "全力决胜县城建设会战", "全力决胜美丽乡村会战"]
    frame, items = common_frame(heads)
    assert [frame.replace("{X}", x) for x in items] == heads


# ---------------------------------------------------------------------------
# Placeholders -> named slots


@pytest.mark.parametrize(
    ("text", "expected", "names"),
    [
        ("深入学习贯彻习近平总书记考察XX重要讲话精神", "考察{{ 地区 }}重要讲话精神", ["地区"]),
        ("全面落实XX会部署要求", "全面落实{{ 上级会议 }}部署要求", ["上级会议"]),
        ("刚才，X同志作了说明", "刚才，{{ 发言人 }}同志作了说明", ["发言人"]),
        (
            "累计完成投资***亿元，签约***个项目",
            "累计完成投资{{ 金额 }}，签约{{ 数字 }}个项目",
            ["金额", "数字"],
        ),
        ("增长X%，多了X个百分点", "增长{{ 百分比 }}，多了{{ 数字 }}个百分点", ["百分比", "数字"]),
        ("为××县发展贡献力量", "为{{ 地区 }}发展贡献力量", ["地区"]),
        ("围绕县委确定的“XX”发展思路", "围绕县委确定的“{{ 名称 }}”发展思路", ["名称"]),
        ("XX产业和XX产业", "{{ 产业 }}产业和{{ 产业2 }}产业", ["产业", "产业2"]),
    ],
)
def test_slotify(text, expected, names):
    got, got_names = slotify(text)
    assert expected in got
    assert got_names == names
    assert not re.search(r"XX|\*|×", got)


def test_slotify_leaves_real_latin_alone():
    assert slotify("PM2.5和VOC治理")[0] == "PM2.5和VOC治理"


# ---------------------------------------------------------------------------
# Hand-built speeches


def _speech(source: str, index: int = 0, dup=None) -> Speech:
    frame_children = [
        Section(
            marker=f"（{n}）",
            heading=f"强化{w}意识",
            level=2,
            line=10 + n,
            paragraphs=[Para("要狠抓落实。", 11)],
        )
        for n, w in enumerate(["担当", "攻坚", "效率"], 1)
    ]
    return Speech(
        source=source,
        index=index,
        title="在全县工作会议上的讲话",
        opening=[
            Para(
                "这次会议，是县委、县政府研究决定召开的一次十分重要的会议。刚才，XX同志作了很好的发言，我完全同意。",
                3,
            )
        ],
        sections=[
            Section(
                marker="一、",
                heading="认清形势，找准差距",
                line=5,
                paragraphs=[
                    Para("今年以来，全县经济运行稳中向好，主要指标好于预期，各项工作取得明显成效。", 6)
                ],
            ),
            Section(
                marker="二、",
                heading="突出重点，抓好项目建设和招商引资",
                line=8,
                paragraphs=[Para("要坚持项目为王，加快推进在建项目，力促签约项目尽早开工建设。", 9)],
            ),
            Section(marker="三、", heading="改进作风，严明纪律", line=10, children=frame_children),
        ],
        closing=[Para("同志们，让我们以更加饱满的精神状态，真抓实干，奋力完成全年各项目标任务！", 20)],
        duplicate_of=dup,
    )


def test_mine_hand_built_counts_duplicates_once():
    speeches = [_speech("a.txt"), _speech("b.txt"), _speech("b.txt", 1, dup=("b.txt", 0))]
    result = mine(speeches)
    assert result.stats["speeches"] == 3
    assert result.stats["duplicates"] == 1
    assert result.stats["sections_by_role"] == {"situation": 2, "tasks": 2, "discipline": 2}
    [st] = result.structures
    assert st.roles == ("situation", "tasks", "discipline")
    assert st.count == 2
    assert st.speeches == [("a.txt", 0), ("b.txt", 0)]
    sets = [h for h in result.heading_sets if h.frame == "强化{X}意识"]
    assert len(sets) == 2  # one per distinct speech, none from the duplicate
    assert {h.source.file for h in sets} == {"a.txt", "b.txt"}
    assert all(h.role == "discipline" and h.source.line == 11 for h in sets)
    # Identical candidate sentences from two speeches are merged and counted.
    texts = [p.text for p in result.phrases]
    assert len(texts) == len(set(texts))
    response = [p for p in result.phrases if p.function == "回应前面发言"]
    assert response and response[0].count == 2
    assert "{{ 发言人 }}" in response[0].text
    assert response[0].source.file == "a.txt" and response[0].source.line == 3


def test_mine_functions_by_role():
    result = mine([_speech("a.txt")])
    got = {(p.role, p.function) for p in result.phrases}
    assert ("opening", "会议定性") in got
    assert ("closing", "号召") in got
    assert ("situation", "肯定成绩") in got
    assert ("tasks", "项目建设") in got
    for p in result.phrases:
        assert p.role in ("opening", "situation", "tasks", "discipline", "closing")
        assert 0.0 <= p.score <= 1.0


def test_candidates_reject_specific_sentences():
    sp = _speech("a.txt")
    sp.sections[1].paragraphs.append(
        Para("全年要实现项目投资150亿元，固投增长14.5%以上，实际利用外资7000万美元，出口创汇8323万美元。", 12)
    )
    result = mine([sp])
    assert not any("8323" in p.text for p in result.phrases)


def test_to_dict_is_yaml_roundtrip():
    result = mine([_speech("a.txt"), _speech("b.txt")])
    data = result.to_dict()
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    back = yaml.safe_load(text)
    assert back == data
    assert set(back) >= {"stats", "structures", "heading_sets", "phrases", "role_cues"}
    ids = [p["id"] for p in back["phrases"]]
    assert len(ids) == len(set(ids))
    for p in back["phrases"]:
        assert set(p["source"]) == {"file", "speech", "line"}


def test_structures_function_skips_duplicates_and_empty():
    a = _speech("a.txt")
    empty = Speech(source="e.txt")
    dup = _speech("a.txt", 1, dup=("a.txt", 0))
    label_speech(a)
    label_speech(dup)
    got = structures([a, empty, dup])
    assert [(s.roles, s.count) for s in got] == [(("situation", "tasks", "discipline"), 1)]


# ---------------------------------------------------------------------------
# The seeds (needs drafter.outline)


@pytest.fixture(scope="module")
def seed_result(tmp_path_factory):
    import os

    old = os.environ.get("DRAFTER_CACHE_DIR")
    os.environ["DRAFTER_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))
    try:
        return mine_paths([SEEDS], workers=1)
    finally:
        if old is None:
            os.environ.pop("DRAFTER_CACHE_DIR", None)
        else:
            os.environ["DRAFTER_CACHE_DIR"] = old


def _sets(result):
    return {(h.frame, h.source.file, h.source.speech, len(h.items)) for h in result.heading_sets}


def test_seed_heading_sets(seed_result):
    sets = _sets(seed_result)
    f0, f2, f3 = "000_bbf5857291d91b4d.txt", "002_91703a2dae1be214.txt", "003_5b6d402b3b0bb00b.txt"
    expected = {
        ("强化{X}意识", f0, 0, 5),
        ("{X}机制", f0, 0, 5),
        ("提高{X}能力", f0, 0, 5),  # despite the noisy markers （1）（二）（三）（%1）（五）
        ("突出{X}", f0, 0, 5),
        ("{X}抓落实", f2, 1, 6),  # 第二篇, top level
        ("{X}抓落实", f3, 0, 5),  # section 三
        # 第五篇 top level: 突出发展, 强化为民, 注重和谐, 提升服务, 完善机制 — five in the text.
        ("建设效率政府，要{X}", f2, 4, 5),
    }
    assert expected <= sets, expected - sets


def test_seed_heading_set_details(seed_result):
    by_frame = {(h.frame, h.source.file): h for h in seed_result.heading_sets}
    h = by_frame[("强化{X}意识", "000_bbf5857291d91b4d.txt")]
    assert h.items == ["担当", "攻坚", "效率", "交账", "团队"]
    assert h.source.line == 4
    h = by_frame[("{X}抓落实", "002_91703a2dae1be214.txt")]
    assert h.items == ["振奋精神", "突出重点", "团结协作", "严肃纪律", "完善机制", "转变作风"]
    assert h.role == "discipline"


def test_seed_duplicates_counted_once(seed_result):
    assert seed_result.stats["duplicates"] == 1
    dup = [s for s in seed_result.speeches if s.duplicate_of]
    assert [(s.source, s.index) for s in dup] == [("002_91703a2dae1be214.txt", 3)]
    for h in seed_result.heading_sets:
        assert (h.source.file, h.source.speech) != ("002_91703a2dae1be214.txt", 3)
    for p in seed_result.phrases:
        assert (p.source.file, p.source.speech) != ("002_91703a2dae1be214.txt", 3)
    for structure in seed_result.structures:
        assert ("002_91703a2dae1be214.txt", 3) not in structure.speeches


def test_seed_structures(seed_result):
    by_roles = {s.roles: s for s in seed_result.structures}
    main = by_roles[("situation", "tasks", "discipline")]
    assert main.count >= 3
    assert {("001_586566592891807d.txt", 0), ("004_2057dfb1cf4794e1.txt", 0)} <= set(main.speeches)
    assert sum(s.count for s in seed_result.structures) == seed_result.stats["distinct_speeches"]


def test_seed_phrases_provenance_and_cleanliness(seed_result):
    lines = {f.name: f.read_text("utf-8").splitlines() for f in SEEDS.glob("*.txt")}
    assert len(seed_result.phrases) >= 60
    for p in seed_result.phrases:
        assert "订阅" not in p.text and "会员" not in p.text  # the 003 advert
        assert not re.search(r"XX|xx|\*|×", p.text), p.text
        src = lines[p.source.file]
        window = "".join(src[max(0, p.source.line - 1) : p.source.line + 2])
        assert p.original[:8].replace(" ", "") in window.replace(" ", ""), (p.source, p.original)
        # The slotted text is the original with placeholders replaced.
        for piece in re.split(r"\{\{ [^}]+ \}\}", p.text):
            assert piece in p.original, (piece, p.original)
    funcs = {(p.role, p.function) for p in seed_result.phrases}
    for needed in [
        ("opening", "会议定性"),
        ("opening", "会议目的"),
        ("opening", "回应前面发言"),
        ("opening", "引出意见"),
        ("situation", "肯定成绩"),
        ("situation", "问题不足"),
        ("situation", "形势机遇"),
        ("tasks", "项目建设"),
        ("tasks", "招商引资"),
        ("tasks", "民生保障"),
        ("discipline", "作风要求"),
        ("discipline", "督查问责"),
        ("discipline", "廉政要求"),
        ("closing", "号召"),
    ]:
        assert needed in funcs, needed
    assert any("{{ " in p.text for p in seed_result.phrases)


def test_seed_role_cues_are_mined(seed_result):
    cues = seed_result.role_cues
    assert all(cues[r] for r in ("situation", "tasks", "discipline"))


# ---------------------------------------------------------------------------
# Cache and process pool


def test_cache_makes_rerun_skip_parsing(tmp_path, monkeypatch):
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "a.txt").write_bytes((SEEDS / "001_586566592891807d.txt").read_bytes())
    first = mine_paths([corpus], workers=1)
    assert any((tmp_path / "cache").rglob("*.json"))

    def boom(_path, _as_data=True, _key=""):
        raise AssertionError("parsed again although cached")

    monkeypatch.setattr(mine_mod, "_file_worker", boom)
    second = mine_paths([corpus], workers=1)
    assert second.to_dict() == first.to_dict()
    # A changed file is parsed again.
    (corpus / "a.txt").write_text("同志们：\n一、认清形势\n今年以来成绩很大。\n", "utf-8")
    with pytest.raises(AssertionError, match="parsed again"):
        mine_paths([corpus], workers=1)


def test_pool_gives_same_result(tmp_path, monkeypatch):
    corpus = tmp_path / "c"
    corpus.mkdir()
    for f in SEEDS.glob("*.txt"):
        (corpus / f.name).write_bytes(f.read_bytes())
    one = mine_paths([corpus], workers=1, use_cache=False)
    monkeypatch.setattr(mine_mod, "POOL_MIN_BYTES", 0)
    two = mine_paths([corpus], workers=2, use_cache=False)
    assert two.to_dict() == one.to_dict()


def test_bad_files_reported_and_skipped(tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "good.txt").write_bytes((SEEDS / "004_2057dfb1cf4794e1.txt").read_bytes())
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "binary.txt").write_bytes(bytes(range(256)) * 40)
    result = mine_paths([corpus], workers=1)
    assert result.stats["files"] == 3
    assert len(result.errors) == 2
    assert {Path(e.file).name for e in result.errors} == {"empty.txt", "binary.txt"}
    assert all(re.search(r"[\u4e00-\u9fff]", e.message) for e in result.errors)
    assert result.speeches and result.speeches[0].source == "good.txt"


def test_missing_path_only_is_an_error(tmp_path):
    from drafter.errors import DrafterError

    with pytest.raises(DrafterError, match="路径不存在"):
        mine_paths([tmp_path / "nope"])


# ---------------------------------------------------------------------------
# Properties

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_heading_text = st.text(alphabet="强化担当攻坚意识抓落实突出重点，、。X*要在能力机制建设", max_size=14)


@settings(max_examples=150, deadline=None)
@given(st.lists(_heading_text, min_size=0, max_size=7))
def test_common_frame_never_raises_and_rebuilds(headings):
    got = common_frame(headings)
    if got is not None:
        frame, items = got
        assert frame.count("{X}") == 1
        assert len(items) == len(headings) == len(set(items))
        cleaned = [mine_mod._clean_heading(h) for h in headings]
        assert [frame.replace("{X}", x) for x in items] == cleaned


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=80))
def test_slotify_never_raises(text):
    out, names = slotify(text)
    assert out.count("{{ ") == len(names)


def test_structures_keep_each_speech_sequence(seed_result):
    by_roles = {s.roles: s for s in seed_result.structures}
    st = by_roles[("discipline", "tasks", "discipline")]
    k = st.speeches.index(("002_91703a2dae1be214.txt", 1))
    assert st.sequences[k] == ("discipline", "tasks", "discipline", "discipline", "discipline", "discipline")
    entry = st.to_dict()["speeches"][k]
    assert entry["sections"] == list(st.sequences[k])


# ---------------------------------------------------------------------------
# The cache: under the user dir, and a corrupt entry is discarded


def test_cache_dir_moves_with_user_dir(tmp_path, monkeypatch):
    from drafter.mine import cache_dir

    monkeypatch.delenv("DRAFTER_CACHE_DIR", raising=False)
    monkeypatch.setenv("DRAFTER_USER_DIR", str(tmp_path / "u"))
    assert cache_dir() == tmp_path / "u" / "cache"
    monkeypatch.setenv("DRAFTER_CACHE_DIR", str(tmp_path / "elsewhere"))
    assert cache_dir() == tmp_path / "elsewhere"


@pytest.mark.parametrize(
    "damage",
    [
        lambda d: d["speeches"][0]["speech"].__setitem__("sections", "oops"),
        lambda d: d["speeches"][0]["speech"].__setitem__("index", "0"),
        lambda d: d["speeches"][0].__setitem__("candidates", [{"role": 1}]),
        lambda d: d["speeches"][0]["speech"]["opening"].append(["text", "line"]),
        lambda d: d.__setitem__("speeches", {"a": 1}),
        lambda d: d["speeches"][0].__setitem__("role_counts", {"tasks": {"词": "2"}}),
    ],
)
def test_corrupt_cache_entry_is_discarded(tmp_path, damage):
    import json

    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "a.txt").write_bytes((SEEDS / "004_2057dfb1cf4794e1.txt").read_bytes())
    first = mine_paths([corpus], workers=1)
    [entry] = list((tmp_path / "cache").rglob("*.json"))
    data = json.loads(entry.read_text("utf-8"))
    damage(data)
    entry.write_text(json.dumps(data, ensure_ascii=False), "utf-8")  # valid JSON, wrong types
    second = mine_paths([corpus], workers=1)
    assert second.to_dict() == first.to_dict()
    from drafter.mine import valid_entry

    assert valid_entry(json.loads(entry.read_text("utf-8")))  # rewritten whole


def test_review_candidates_drop_junk_and_slot_specifics():
    from drafter.mine.candidates import generalise, is_junk
    from drafter.roles import tokenize

    assert is_junk("下面，请姚局长讲话，大家欢迎！")
    assert is_junk("我到任以来，认真履行分管工作职责，积极完成各项任务。")
    assert is_junk("图为县长在项目现场调研指导工作。")
    assert is_junk("要把各项工作抓紧抓实抓细，确保")  # a fragment
    assert not is_junk("我们要把各项工作抓紧抓实抓细，确保全年目标任务圆满完成。")
    text = "2023年全县完成固定资产投资12.5亿元，同比增长8.6%，新建项目35个。"
    out, names, _kept = generalise(text, tokenize(text))
    assert names == ["年份", "金额", "百分比", "数字"]
    assert out == "{{ 年份 }}全县完成固定资产投资{{ 金额 }}，同比增长{{ 百分比 }}，新建项目{{ 数字 }}个。"
    text = "去年天柱县和锦屏县的做法值得学习。"
    out, names, _kept = generalise(text, tokenize(text))
    assert names == ["地区", "地区2"] and "天柱" not in out


def test_agenda_is_not_a_heading_set():
    from drafter.mine.heading_sets import is_agenda

    assert is_agenda(["县委书记讲话", "县长讲话", "副县长讲话"])
    assert not is_agenda(["强化担当意识", "强化攻坚意识", "强化效率意识"])


def test_candidates_drop_markers_by_the_one_marker_grammar():
    from drafter.mine.candidates import paragraph_candidates
    from drafter.model import Source
    from drafter.roles import tokenize

    text = (
        "首先，要把项目建设作为全年工作的重中之重来抓。"
        "第二：要切实加强项目建设的要素保障工作。"
        "（三）要把招商引资项目建设工作抓紧抓实抓细。"
        "1.5万亩高标准农田项目建设要在年底前全面完成。"
    )
    got = [c.original for c in paragraph_candidates(text, "tasks", Source("x.txt", 0, 1), tokenize)]
    assert "要把项目建设作为全年工作的重中之重来抓。" in got
    assert "要切实加强项目建设的要素保障工作。" in got
    assert "要把招商引资项目建设工作抓紧抓实抓细。" in got
    assert not any(g.startswith("5万亩") for g in got)  # 1.5 is a number, not the marker 1.
