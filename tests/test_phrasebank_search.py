"""Phrase search: ranking on real queries, fuzzy fallback, filters, near-duplicate detection."""

from __future__ import annotations

import pytest

from drafter.model import Phrase
from drafter.phrasebank import PhraseIndex, bigrams, jaccard, load_phrasebank, naive_search

# Sentences in the corpus's own style, with the role and function a writer would file them under.
ENTRIES = [
    ("o1", "opening", "会议定性", [], "这次{{ 会议名称 }}，是经县委同意召开的一次十分重要的会议。"),
    (
        "o2",
        "opening",
        "会议目的",
        [],
        "同志们：今天召开这次会议，主要任务是总结上半年工作，安排部署下半年重点任务。",
    ),
    ("o3", "opening", "引出意见", [], "刚才，各位副县长分别作了安排部署，我完全同意。下面，我讲几点意见。"),
    (
        "s1",
        "situation",
        "肯定成绩",
        ["招商引资"],
        "引进签约项目{{ 数字 }}个，总投资{{ 金额 }}，有力支撑了经济稳定增长。",
    ),
    ("s2", "situation", "问题不足", ["招商引资"], "招大引强未取得突破，支撑发展的后劲不足。"),
    (
        "s3",
        "situation",
        "问题不足",
        ["干部队伍"],
        "一些干部工作作风飘浮，工作责任心、事业心不强，推诿扯皮现象时有发生。",
    ),
    (
        "s4",
        "situation",
        "增强紧迫感",
        [],
        "面临的任务更重、压力更大，我们只有咬定目标、奋起直追，才能不被甩在后面。",
    ),
    (
        "t1",
        "tasks",
        "部署任务",
        ["招商引资"],
        "要把招商引资作为经济工作的生命线，坚持招商引资一把手工程，全力引进一批大项目好项目。",
    ),
    (
        "t2",
        "tasks",
        "部署任务",
        ["招商引资", "项目建设"],
        "全力抓招商上项目，推动项目数量、投资规模、建设进度实现新突破。",
    ),
    ("t3", "tasks", "部署任务", ["营商环境"], "持续优化营商环境，深化放管服改革，让企业办事更省心。"),
    ("t4", "tasks", "工作要求", ["项目建设"], "各项目责任单位要倒排工期、挂图作战，确保项目早开工、早投产。"),
    ("t5", "tasks", "部署任务", ["安全稳定"], "要严格落实安全生产责任制，坚决遏制重特大安全事故发生。"),
    (
        "d1",
        "discipline",
        "作风要求",
        ["干部队伍"],
        "要持续发扬严实作风，不驰于空想，不骛于虚声，一步一个脚印抓好落实。",
    ),
    (
        "d2",
        "discipline",
        "作风要求",
        ["干部队伍"],
        "大力弘扬求真务实作风，坚决纠治形式主义、官僚主义，力戒作风漂浮。",
    ),
    ("d3", "discipline", "作风要求", [], "强化担当意识，以优良作风确保各项任务高标准完成。"),
    ("d4", "discipline", "督查问责", [], "对工作不力、进展缓慢的，要严肃追责问责，绝不姑息。"),
    (
        "d5",
        "discipline",
        "廉政要求",
        ["党的建设"],
        "严格落实党风廉政建设责任制，坚守廉洁底线，干干净净做事。",
    ),
    (
        "c1",
        "closing",
        "号召",
        [],
        "同志们，时间已经过半，任务依然艰巨。让我们在县委的坚强领导下，奋力完成全年目标任务！",
    ),
    (
        "c2",
        "closing",
        "号召",
        [],
        "同志们，全年的目标任务已经明确，让我们以百倍的信心和勇气，扎实工作，开拓进取！",
    ),
    ("c3", "closing", "号召", [], "让我们团结一心、真抓实干，为建设{{ 地区 }}作出新的更大贡献。"),
    ("x1", "transition", "承上启下", [], "肯定成绩的同时，我们也要清醒看到存在的问题和不足。"),
]


def make(entries=ENTRIES) -> list[Phrase]:
    return [Phrase(id=i, role=r, function=f, topics=list(t), text=x) for i, r, f, t, x in entries]


@pytest.fixture(scope="module")
def index() -> PhraseIndex:
    return PhraseIndex(make())


def ids(hits) -> list[str]:
    return [h.phrase.id for h in hits]


def test_zhaoshang_yinzi_ranks_phrases_that_say_it(index):
    hits = index.search("招商引资", limit=5)
    assert ids(hits)[0] == "t1"  # says it twice, and is filed under the topic
    top3 = [h.phrase for h in hits[:3]]
    assert all("招商引资" in p.text or "招商引资" in p.topics for p in top3)
    # Phrases that only share a topic come after the ones that say it.
    assert ids(hits).index("t1") < ids(hits).index("s2")


def test_prefix_finds_longer_word(index):
    hits = index.search("招商")
    assert {"t1", "t2"} <= set(ids(hits)[:3])
    assert any("招商引资" in h.phrase.text for h in hits)


def test_zuofeng_top_results_are_discipline(index):
    hits = index.search("作风", limit=5)
    assert [h.phrase.role for h in hits[:3]] == ["discipline"] * 3
    assert "s3" in ids(hits)  # the situation entry mentioning 作风 is found, just lower


def test_tongzhimen_finds_closing_and_opening(index):
    hits = index.search("同志们", limit=5)
    assert ids(hits)[:3] and set(ids(hits)[:3]) <= {"c1", "c2", "o2"}
    assert {h.phrase.role for h in hits[:3]} <= {"closing", "opening"}


def test_typos_still_find_something(index):
    hits = index.search("招商引姿", limit=3)
    assert hits and "招商引资" in hits[0].phrase.text
    hits = index.search("作分", limit=5)
    assert hits
    assert any("作风" in h.phrase.text for h in hits)
    hits = index.search("营商环竟", limit=3)
    assert hits and hits[0].phrase.id == "t3"


def test_single_character_query(index):
    hits = index.search("廉", limit=5)
    assert ids(hits) == ["d5"]


def test_nonsense_finds_nothing(index):
    assert index.search("qwertyuiop") == []
    assert len(index.search("。，！")) == 20  # punctuation only: no terms -> a listing, like an empty query
    assert len(index.search("", limit=100)) == len(ENTRIES)


def test_filters(index):
    hits = index.search("作风", role="situation")
    assert ids(hits) == ["s3"]
    hits = index.search("招商", topic="项目建设")
    assert ids(hits) == ["t2"]
    hits = index.search("", function="号召")
    assert ids(hits) == ["c1", "c2", "c3"]
    hits = index.search("作风", role="discipline", function="作风要求", limit=2)
    assert len(hits) == 2 and all(h.phrase.function == "作风要求" for h in hits)
    assert index.search("作风", topic="不存在的主题") == []


def test_scores_are_ordered_and_bounded(index):
    for query in ("招商引资", "作风", "同志们", "项目建设", "安全生产", "招商引姿"):
        hits = index.search(query)
        scores = [h.score for h in hits]
        assert scores == sorted(scores, reverse=True)
        assert all(0 < s <= 1 for s in scores)


def test_limit(index):
    assert len(index.search("工作", limit=2)) == 2
    assert index.search("工作", limit=0) == []


def test_slot_names_are_not_content(index):
    # 地区 appears only as a slot name in c3; it is not something the phrase says.
    assert "c3" not in ids(index.search("地区"))


def test_similar_and_jaccard(index):
    near = index.similar(
        "同志们，时间已经过半，任务依然艰巨。让我们在县委的坚强领导下，奋力完成全年目标任务。"
    )
    assert [p.id for p, _ in near] == ["c1"]
    assert index.similar("完全不同的一句话") == []
    a, b = bigrams("强化担当意识"), bigrams("强化担当意识")
    assert jaccard(a, b) == 1.0
    assert 0 < jaccard(bigrams("强化担当意识"), bigrams("强化攻坚意识")) < 0.8


def test_naive_baseline_agrees_on_exact_substring(index):
    phrases = make()
    exact = {p.id for p in naive_search(phrases, "作风", limit=100)}
    found = set(ids(index.search("作风", limit=100)))
    assert exact <= found


def test_index_over_many_entries_keeps_ranking():
    # 2,000 variations of the real entries: the best answers stay on top.
    phrases = []
    for n in range(100):
        for i, r, f, t, x in ENTRIES:
            phrases.append(Phrase(id=f"{i}.{n}", role=r, function=f, topics=list(t), text=x + f"（第{n}条）"))
    index = PhraseIndex(phrases)
    hits = index.search("作风", limit=20)
    assert all(h.phrase.role == "discipline" for h in hits)


# ---- the shipped phrasebank ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def shipped():
    return load_phrasebank(include_user=False)


def test_shipped_zhaoshang(shipped):
    hits = shipped.index.search("招商引资", limit=5)
    assert hits
    assert all("招商" in h.phrase.text or "招商引资" in h.phrase.topics for h in hits[:3])


def test_shipped_zuofeng_is_discipline(shipped):
    hits = shipped.index.search("作风", limit=5)
    roles = [h.phrase.role for h in hits]
    assert roles and roles[0] == "discipline"
    assert roles.count("discipline") >= 3


def test_shipped_tongzhimen(shipped):
    hits = shipped.index.search("同志们", limit=5)
    assert hits
    assert {h.phrase.role for h in hits[:3]} <= {"closing", "opening"}
    assert any(h.phrase.role == "closing" for h in hits)
