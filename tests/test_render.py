"""Rendering: numbering from position, 讲N点意见, slots, sandbox, blanks, templates, suggestions, examples."""

from __future__ import annotations

import copy
import functools
import re
import textwrap
import time
from pathlib import Path

import pytest

from drafter import drafting as render
from drafter import text
from drafter.drafting import draft_from_yaml
from drafter.drafting.suggest import phrases as engine
from drafter.drafting.suggest import picker as picking
from drafter.drafting.suggest import tables
from drafter.errors import DrafterError
from drafter.model import MEETING_FIELDS, DraftItem, DraftSection
from drafter.phrasebank import load_phrasebank
from drafter.util import project_root

BANK_YAML = textwrap.dedent("""\
    slots:
      - {name: 上级会议, prompt: 上级会议, example: 全市经济工作会议}
      - {name: 上级党委, prompt: 党委, example: 县委}
      - {name: 意见条数, prompt: 讲几点意见, example: 四}
      - {name: 年份, prompt: 年份, example: 2025年}
    heading_sets:
      - id: hs.yishi
        frame: 强化{X}意识
        items: [担当, 攻坚, 效率, 交账]
        role: discipline
        origin: curated
      - id: hs.xiaolv
        frame: 建设效率政府，要{X}
        items: [突出发展, 强化为民, 注重和谐, 提升服务]
        role: tasks
        level: top
        origin: curated
    phrases:
      - {id: opening.nature.001, role: opening, function: 会议定性, origin: curated,
         text: "这次{{ 会议名称 }}，是经{{ 上级党委 }}同意召开的一次重要会议。"}
      - {id: opening.purpose.001, role: opening, function: 会议目的, origin: curated,
         text: "主要目的是认真贯彻{{ 上级会议 }}精神，动员{{ 地区 }}政府系统狠抓落实。"}
      - {id: opening.respond.001, role: opening, function: 回应前面发言, origin: curated,
         text: 刚才，几位同志作了很好的发言，我完全同意。}
      - {id: opening.announce.001, role: opening, function: 引出意见, origin: curated,
         text: "下面，我讲{{ 意见条数 }}点意见。"}
      - {id: situation.good.001, role: situation, function: 肯定成绩, origin: curated,
         text: "今年以来，{{ 地区 }}经济社会发展保持了平稳向好的态势。"}
      - {id: situation.turn.001, role: situation, function: 转折, origin: curated,
         text: 在肯定成绩的同时，我们也要清醒地看到存在的问题。}
      - {id: situation.problem.001, role: situation, function: 问题不足, origin: curated,
         text: 一些单位工作进展缓慢，招大引强尚未取得突破。}
      - {id: situation.urgent.001, role: situation, function: 增强紧迫感, origin: curated,
         text: 我们务必进一步增强责任感紧迫感，倒排进度，全力加快工作节奏。}
      - {id: tasks.project.001, role: tasks, function: 部署任务, topics: [项目建设], origin: curated,
         text: 要持续用力抓项目，推动项目数量、建设质量、投资总量同步提升。}
      - {id: tasks.invest.001, role: tasks, function: 部署任务, topics: [招商引资], origin: curated,
         text: 要围绕主导产业延链补链，多渠道搜集招商线索，确保更多项目签约落地。}
      - {id: tasks.env.001, role: tasks, function: 部署任务, topics: [生态环保], origin: curated,
         text: 要扎实开展大气、水、土壤污染治理，坚决打好污染防治攻坚战。}
      - {id: tasks.people.001, role: tasks, function: 部署任务, topics: [民生保障], origin: curated,
         text: 要扎实推进各项民生工程，不断提升民生保障水平。}
      - {id: discipline.style.001, role: discipline, function: 作风要求, origin: curated,
         text: 要持续发扬严实作风，真干事、干实事，以实实在在的业绩展现担当。}
      - {id: discipline.work.001, role: discipline, function: 工作要求, origin: curated,
         text: 要对承担的各项任务全面梳理，建立清单台账，明确推进计划和责任人。}
      - {id: discipline.check.001, role: discipline, function: 督查问责, origin: curated,
         text: 要坚持真督实查，盯住不落实的事、督查不落实的人。}
      - {id: discipline.clean.001, role: discipline, function: 廉政要求, origin: curated,
         text: 要严守纪律规矩，始终做到清正廉洁、勤政为民。}
      - {id: closing.call.001, role: closing, function: 号召, origin: curated,
         text: "同志们，让我们在{{ 上级党委 }}的坚强领导下，奋力完成{{ 年份 }}各项目标任务！"}
      - {id: opening.needs.001, role: opening, function: 会议目的, origin: curated,
         text: "会议要研究{{ 议题 }}。", slots: [{name: 议题, prompt: 议题}]}
    """)

MEETING = {
    "会议名称": "县政府第三次全体会议",
    "地区": "青山县",
    "讲话人": "王明",
    "职务": "县长",
    "日期": "2024-03-01",
    "会议类型": "政府全体会议",
    "听众": "各乡镇、县直各部门主要负责同志",
}


@pytest.fixture()
def bank(tmp_path):
    folder = tmp_path / "bank"
    folder.mkdir()
    (folder / "all.yaml").write_text(BANK_YAML, encoding="utf-8")
    pb = load_phrasebank([folder], include_shipped=False, include_user=False)
    assert not [p for p in pb.problems if p.severity == "error"], [str(p) for p in pb.problems]
    return pb


def _draft(bank, template="plenary"):
    return engine.suggest_from_phrases(template, MEETING, bank)


def _top_markers(text: str) -> list[str]:
    return re.findall(r"^([一二三四五六七八九十]+)、", text, re.M)


def test_templates_listed_with_metadata():
    infos = {t.name: t for t in render.list_templates()}
    assert {"plenary", "implementation", "review", "parallel"} <= set(infos)
    assert infos["plenary"].title == "政府全体会议讲话"
    assert infos["plenary"].roles == ["situation", "tasks", "discipline"]
    assert all(t.problem is None for t in infos.values())
    assert "_speech" not in infos


def test_plenary_renders_corpus_shape(bank):
    text = render.render_text(_draft(bank), bank)
    lines = text.splitlines()
    assert lines[0] == "在县政府第三次全体会议上的讲话"
    assert lines[1] == "（2024年3月1日）"
    assert lines[2] == "县长 王明"
    assert lines[3] == "同志们："
    assert "下面，我讲三点意见。" in lines
    assert _top_markers(text) == ["一", "二", "三"]
    assert re.search(r"^（一）\S+。要", text, re.M)
    assert re.search(r"^一要\S+。要", text, re.M)
    assert lines[-1].startswith("同志们，让我们在县委的坚强领导下，奋力完成2024年")
    for bad in ("【待补", "XX", "{{", "}}"):
        assert bad not in text


def test_numbering_after_removing_and_reordering(bank):
    draft = _draft(bank)
    headings = [s.heading for s in draft.sections]
    draft.sections.pop(0)
    text = render.render_text(draft, bank)
    assert _top_markers(text) == ["一", "二"]
    assert f"一、{headings[1]}" in text and f"二、{headings[2]}" in text
    assert "我讲两点意见" in text and "我讲三点意见" not in text
    draft.sections.reverse()
    text = render.render_text(draft, bank)
    assert f"一、{headings[2]}" in text and f"二、{headings[1]}" in text
    # sub-items renumber too
    tasks = next(s for s in draft.sections if s.role == "tasks")
    assert len(tasks.children) >= 2
    first = tasks.children[0].heading
    tasks.children.pop(0)
    text = render.render_text(draft, bank)
    assert f"（一）{first}" not in text
    assert re.search(r"^（一）", text, re.M)


def test_count_follows_sections_even_if_typed(bank):
    draft = _draft(bank)
    announce = next(i for i in draft.opening if i.phrase == "opening.announce.001")
    announce.values["意见条数"] = "七"
    draft.opening.append(DraftItem(text="我再讲三点意见。"))
    for n in (1, 2, 3, 5):
        d = copy.deepcopy(draft)
        while len(d.sections) > n:
            d.sections.pop()
        while len(d.sections) < n:
            d.sections.append(
                DraftSection(
                    role="tasks", heading=f"补充部分{len(d.sections)}", items=[DraftItem(text="要抓好落实。")]
                )
            )
        text = render.render_text(d, bank)
        cn = "一两三四五"[n - 1]
        assert f"下面，我讲{cn}点意见。" in text
        assert f"我再讲{cn}点意见。" in text
        assert len(_top_markers(text)) == n


def test_missing_slot_names_slot_and_phrase(bank):
    meeting = dict(MEETING)
    del meeting["地区"]
    draft = engine.suggest_from_phrases("plenary", meeting, bank)
    with pytest.raises(DrafterError) as info:
        render.render_text(draft, bank)
    assert "地区" in info.value.message
    assert re.search(r"素材 (opening|situation)\.\S+", info.value.message)


def test_missing_slot_in_spec_has_file_and_line(bank):
    spec = textwrap.dedent("""\
        meeting: {会议名称: 县政府全体会议, 日期: 2024-03-01}
        template: plenary
        opening:
          - phrase: opening.purpose.001
        sections:
          - role: tasks
            heading: 重点工作
            items: [要抓落实。]
        closing: [同志们，加油！]
        """)
    draft = draft_from_yaml(spec, "spec.yaml")
    with pytest.raises(DrafterError) as info:
        render.render_text(draft, bank)
    err = info.value
    assert (err.file, err.line) == ("spec.yaml", 4)
    assert "上级会议" in err.message and "opening.purpose.001" in err.message
    draft.opening[0].values["上级会议"] = "全市大会"
    with pytest.raises(DrafterError) as info:
        render.render_text(draft, bank)
    assert "地区" in info.value.message


def test_allow_blanks_leaves_markers(bank):
    draft = engine.suggest_from_phrases("plenary", {"会议名称": "县政府全体会议"}, bank)
    draft.opening.append(DraftItem(phrase="opening.needs.001"))
    text = render.render_text(draft, bank, allow_blanks=True)
    assert "【待补：地区】" in text
    assert "【待补：议题】" in text
    assert "【待补：年份】" in text
    with pytest.raises(DrafterError):
        render.render_text(draft, bank)


def test_values_override_meeting_fields(bank):
    draft = _draft(bank)
    draft.sections[0].items.insert(0, DraftItem(text="{{ 地区 }}要争先。", values={"地区": "全县"}))
    text = render.render_text(draft, bank)
    assert "全县要争先。" in text


@pytest.mark.parametrize(
    "payload",
    [
        "{{ ''.__class__.__mro__ }}",
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ 地区.__class__ }}",
        "{{ cycler.__init__.__globals__ }}",
        "{{ 地区 * 100000000 }}",
        "{{ 9 ** 99999 }}",
    ],
)
def test_sandbox_escape_in_free_text_refused(bank, payload):
    """Free text is data (issue 12): anything beyond {{ 名称 }} / {% if %} is refused, never run."""
    draft = _draft(bank)
    draft.closing.append(DraftItem(text=payload))
    with pytest.raises(DrafterError) as info:
        render.render_text(draft, bank)
    assert "结尾第2条" in info.value.message and "只能写" in info.value.message
    assert "object" not in render.render_text(_draft(bank), bank)


def test_sandbox_escape_in_user_template_refused(bank, tmp_path):
    user = tmp_path / "user" / "templates"
    user.mkdir(parents=True)
    (user / "evil.j2").write_text(
        "{{ title }}\n{{ ''.__class__.__mro__[1].__subclasses__() }}\n", encoding="utf-8"
    )
    draft = _draft(bank)
    draft.template = "evil"
    with pytest.raises(DrafterError) as info:
        render.render_text(draft, bank)
    assert "安全" in info.value.message
    assert info.value.file and info.value.file.endswith("evil.j2") and info.value.line == 2


def test_user_template_overrides_and_syntax_error(bank, tmp_path):
    user = tmp_path / "user" / "templates"
    user.mkdir(parents=True)
    (user / "plenary.j2").write_text(
        "{#- meta\ntitle: 我的全体会议模板\nroles: [tasks]\n-#}\n{{ title }}\n同志们：\n"
        "{% for sec in sections %}{{ loop.index|marker('cn_dun') }}{{ sec.heading }}\n{% endfor %}",
        encoding="utf-8",
    )
    (user / "broken.j2").write_text("{{ title }}\n\n{% for x in sections %}\n{{ x }\n", encoding="utf-8")
    infos = {t.name: t for t in render.list_templates()}
    assert infos["plenary"].user and infos["plenary"].title == "我的全体会议模板"
    assert infos["broken"].problem and "broken.j2:4:" in infos["broken"].problem
    text = render.render_text(_draft(bank), bank)
    assert text.splitlines()[1] == "同志们："
    draft = _draft(bank)
    draft.template = "broken"
    with pytest.raises(DrafterError) as info:
        render.render_text(draft, bank)
    assert "broken.j2:4:" in str(info.value)


def test_unknown_template_error(bank):
    draft = _draft(bank)
    draft.template = "nosuch"
    with pytest.raises(DrafterError) as info:
        render.render_text(draft, bank)
    assert "nosuch" in info.value.message and "plenary" in info.value.message


def test_heading_set_sections_and_title(bank):
    draft = _draft(bank)
    draft.title = "凝心聚力 狠抓落实"
    draft.sections[2].children = [
        DraftSection(role="discipline", heading=x, heading_set="hs.yishi", items=[DraftItem(text="要抓好。")])
        for x in ("效率", "担当")
    ]
    text = render.render_text(draft, bank)
    lines = text.splitlines()
    assert lines[:4] == [
        "凝心聚力 狠抓落实",
        "——在县政府第三次全体会议上的讲话",
        "县长 王明",
        "（2024年3月1日）",
    ]
    draft.options["speaker_line"] = False
    assert "县长 王明" not in render.render_text(draft, bank)
    assert "一要强化效率意识。要抓好。" in text and "二要强化担当意识。要抓好。" in text


def test_suggest_is_complete_and_deterministic(bank):
    for name in ("plenary", "implementation", "review", "parallel"):
        a = engine.suggest_from_phrases(name, MEETING, bank)
        b = engine.suggest_from_phrases(name, MEETING, bank)
        assert a == b
        functions = [bank.phrases[i.phrase].function for i in a.opening if i.phrase]
        assert functions == ["会议定性", "会议目的", "回应前面发言", "引出意见"]
        assert a.closing
        assert len(a.sections) >= 3
        for sec in a.sections:
            assert sec.heading
            assert 1 <= len(sec.items) + len(sec.children) <= 6
        used = [i.phrase for i in _all_items(a) if i.phrase]
        assert len(used) == len(set(used)), "a suggestion never repeats a phrase"
        text = render.render_text(a, bank)
        assert "【待补" not in text and "{{" not in text


def test_parallel_uses_one_heading_set(bank):
    draft = engine.suggest_from_phrases("parallel", MEETING, bank)
    assert {s.heading_set for s in draft.sections} == {"hs.xiaolv"}
    text = render.render_text(draft, bank)
    assert "一、建设效率政府，要突出发展。" in text
    assert "四、建设效率政府，要提升服务。" in text


def test_suggest_fills_example_values(bank):
    draft = _draft(bank)
    purpose = next(i for i in draft.opening if i.phrase == "opening.purpose.001")
    assert purpose.values == {"上级会议": "全市经济工作会议"}
    # a phrase whose slot has no example is never suggested
    assert "opening.needs.001" not in [i.phrase for i in _all_items(draft)]


def test_new_spec_loads_and_lists_choices(bank):
    text = render.new_spec_text("plenary", bank)
    draft = draft_from_yaml(text, "new.yaml")
    assert draft.template == "plenary"
    assert [s.role for s in draft.sections] == ["situation", "tasks", "discipline"]
    for pid in bank.phrases:
        assert pid in text
    assert "hs.yishi" in text and "担当、攻坚、效率、交账" in text
    for field in MEETING_FIELDS:
        assert f"  {field}:" in text
    filled = draft_from_yaml(text, "new.yaml")
    filled.meeting.update(MEETING)
    assert "【待补" not in render.render_text(filled, bank)


def test_slot_names():
    assert text.slot_names("在{{ 地区 }}召开{{ 会议名称 }}，{{ 地区 }}") == ["地区", "会议名称"]
    assert text.slot_names("{% if 年份 %}{{ 年份 }}{% endif %}没有") == ["年份"]


def _all_items(draft):
    out = list(draft.opening) + list(draft.closing)

    def walk(sections):
        for s in sections:
            out.extend(s.items)
            walk(s.children)

    walk(draft.sections)
    return out


# ---------------------------------------------------------------- with the outline parser and the shipped bank


def _parse():
    import drafter.outline as outline

    return outline.parse_speech


def test_render_parses_back(bank):
    parse_speech = _parse()
    for name in ("plenary", "implementation", "review", "parallel"):
        draft = engine.suggest_from_phrases(name, MEETING, bank)
        text = render.render_text(draft, bank)
        speech = parse_speech(text)
        assert speech.title == "在县政府第三次全体会议上的讲话"
        assert speech.speaker == "县长 王明"
        assert speech.salutation == "同志们："
        assert speech.date and "2024年3月1日" in speech.date
        assert speech.announced_sections == len(draft.sections)
        assert [s.marker for s in speech.sections] == [
            f"{'一二三四五'[i]}、" for i in range(len(draft.sections))
        ]
        for sec, dsec in zip(speech.sections, draft.sections, strict=True):
            heading = render.section_heading(dsec, bank)
            assert sec.heading.rstrip("。") == heading.rstrip("。")
            assert len(sec.children) == len(dsec.children)
        assert speech.closing and speech.closing[0].text.startswith("同志们，")


def test_suggestions_lint_clean(bank):
    _parse()
    lint = pytest.importorskip("drafter.lint.api")
    for name in ("plenary", "implementation", "review", "parallel"):
        speech = render.render_speech(engine.suggest_from_phrases(name, MEETING, bank), bank)
        errors = [f for f in lint.lint_speech(speech, year=2024, draft=True) if f.severity == "error"]
        assert not errors, (name, [f.to_dict() for f in errors])


EXAMPLES = sorted((project_root() / "examples").glob("*.yaml"))


@functools.lru_cache(maxsize=1)
def _shipped():
    return load_phrasebank(include_user=False)


def test_examples_exist():
    names = {p.stem for p in EXAMPLES}
    assert {"plenary", "implementation", "review", "parallel"} <= names


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_examples_render_without_blanks(path: Path):
    pb = _shipped()
    draft = render.load_draft(path, pb)
    text = render.render_text(draft, pb)
    for bad in ("【待补", "XX", "xx", "××", "***", "{{", "}}", "{%"):
        assert bad not in text, (path.name, bad)
    assert len(_top_markers(text)) == len(draft.sections) >= 3


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_examples_parse_and_lint_clean(path: Path):
    parse_speech = _parse()
    lint = pytest.importorskip("drafter.lint.api")
    pb = _shipped()
    draft = render.load_draft(path, pb)
    speech = parse_speech(render.render_text(draft, pb))
    assert len(speech.sections) == len(draft.sections) == speech.announced_sections
    assert speech.closing
    year = int(draft.meeting["日期"][:4])
    errors = [f.to_dict() for f in lint.lint_speech(speech, year=year, draft=True) if f.severity == "error"]
    assert not errors


def test_template_assigns_heading_sets_by_role_and_frame(bank, tmp_path):
    user = tmp_path / "user" / "templates"
    user.mkdir(parents=True)
    shipped = (project_root() / "templates" / "plenary.j2").read_text(encoding="utf-8")
    body = shipped.split("-#}", 1)[1]
    (user / "mine.j2").write_text(
        "{#- meta\ntitle: 我的模板\nroles: [tasks, discipline]\n"
        'heading_sets: {tasks: ["强化{X}意识"]}\n-#}' + body,
        encoding="utf-8",
    )
    draft = engine.suggest_from_phrases("mine", MEETING, bank)
    tasks = draft.sections[0]
    assert [c.heading_set for c in tasks.children] == ["hs.yishi"] * 4
    assert [c.heading for c in tasks.children] == ["担当", "攻坚", "效率", "交账"]
    # discipline is not assigned a set: its sub-headings are typed ones
    assert all(c.heading_set is None for c in draft.sections[1].children)
    assert "（一）强化担当意识。" in render.render_text(draft, bank)


def test_topics_follow_heading_items():
    topics = ["项目建设", "招商引资", "城乡建设", "乡村振兴", "民生保障"]
    assert engine._topics_for_items(["项目建设", "县城建设", "美丽乡村"], topics) == [
        "项目建设",
        "城乡建设",
        "乡村振兴",
    ]
    assert engine._topics_for_items(["强化为民", "甲", "乙"], topics) == ["民生保障", "项目建设", "招商引资"]


def test_user_template_undefined_variable_names_line(bank, tmp_path):
    user = tmp_path / "user" / "templates"
    user.mkdir(parents=True)
    (user / "typo.j2").write_text("{{ title }}\n同志们：\n{{ 会议地点 }}\n", encoding="utf-8")
    draft = _draft(bank)
    draft.template = "typo"
    with pytest.raises(DrafterError) as info:
        render.render_text(draft, bank)
    assert info.value.file.endswith("typo.j2") and info.value.line == 3
    assert "会议地点" in info.value.message


@pytest.mark.parametrize(
    ("body", "limit"),
    [
        ("{% for i in range(9999) %}{% for j in range(9999) %}{% endfor %}{% endfor %}", "循环次数"),
        (
            "{% for c in sections %}{% for i in range(9999) %}{% for j in range(99) %}x{% endfor %}{% endfor %}{% endfor %}",
            "循环次数",
        ),
        ("{{ 'a'|center(1000000000) }}", "参数"),
        ("{{ '%0999999999d'|format(1) }}", "格式宽度"),
        ("{{ '{:>999999999}'.format(1) }}", "格式宽度"),
        ("{% macro f(n) %}{{ f(n) }}{% endmacro %}{{ f(1) }}", "嵌套"),
        ("{{ lipsum(1000000) }}", "参数"),
    ],
)
def test_template_budget_ends_in_chinese_message_with_name_and_line(bank, tmp_path, body, limit):
    """Templates are code: a runaway one stops quickly with the template's name and line (issue 12)."""
    user = tmp_path / "user" / "templates"
    user.mkdir(parents=True, exist_ok=True)
    (user / "bomb.j2").write_text("{{ title }}\n同志们：\n" + body + "\n", encoding="utf-8")
    draft = _draft(bank)
    draft.template = "bomb"
    start = time.perf_counter()
    with pytest.raises(DrafterError) as info:
        render.render_text(draft, bank)
    assert time.perf_counter() - start < 5
    assert limit in info.value.message
    assert info.value.file.endswith("bomb.j2") and info.value.line == 3
    if limit != "不存在":
        assert "bomb" in info.value.message


@pytest.mark.parametrize("name", ["plenary", "implementation", "review", "parallel"])
def test_shipped_phrasebank_suggestion_complete_and_lint_clean(name):
    parse_speech = _parse()
    lint = pytest.importorskip("drafter.lint.api")
    pb = _shipped()
    draft = engine.suggest_from_phrases(name, MEETING, pb)
    text = render.render_text(draft, pb)
    assert "【待补" not in text and "{{" not in text
    speech = parse_speech(text)
    assert speech.announced_sections == len(speech.sections) == len(draft.sections) >= 3
    errors = [
        f.to_dict()
        for f in lint.lint_speech(speech, year=2024, draft=True)
        if f.severity == "error" and f.rule not in LENGTH_RULES
    ]
    assert not errors


@functools.lru_cache(maxsize=1)
def _fixture_bank():
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="drafter-bank-"))
    (folder / "all.yaml").write_text(BANK_YAML, encoding="utf-8")
    return load_phrasebank([folder], include_shipped=False, include_user=False)


def test_numbering_property_any_order_and_subset():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    bank = _fixture_bank()
    base = engine.suggest_from_phrases("plenary", MEETING, bank)
    pool = [
        DraftSection(
            role="tasks",
            heading=f"第{i}项重点工作",
            items=[DraftItem(text=f"要抓好第{i}项。")],
            children=[
                DraftSection(role="tasks", heading=f"子项{i}-{j}", items=[DraftItem(text="要落实。")])
                for j in range(i % 3)
            ],
        )
        for i in range(1, 8)
    ]

    @settings(max_examples=40, deadline=None)
    @given(st.permutations(range(7)), st.integers(min_value=1, max_value=7))
    def check(order, keep):
        draft = copy.deepcopy(base)
        draft.sections = [copy.deepcopy(pool[i]) for i in order[:keep]]
        text = render.render_text(draft, bank)
        numerals = "一二三四五六七"
        assert _top_markers(text) == list(numerals[:keep])
        assert f"讲{'两' if keep == 2 else numerals[keep - 1]}点意见" in text
        for position, i in enumerate(order[:keep]):
            block = text.split(f"{numerals[position]}、第{i + 1}项重点工作", 1)[1]
            for j in range((i + 1) % 3):  # pool[i] has (i + 1) % 3 sub-items
                assert f"（{numerals[j]}）子项{i + 1}-{j}。" in block

    check()


# ---------------------------------------------------------------- suggestion quality (the phrase engine)
#
# The phrase engine (drafting.suggest.phrases) builds drafts from single-sentence phrases; it is the
# fallback for a phrasebank without paragraph blocks.  Its drafts are short by nature (about 1,500
# characters), so the length rules (short-speech, thin-section) are not asked of it here; the block
# engine's drafts are measured against them in tests/test_suggest.py and benchmarks/eval.
LENGTH_RULES = ("short-speech", "thin-section")

TEMPLATES = ("plenary", "implementation", "review", "parallel")
MEETING_KINDS = {
    "政府全体会议": {
        "会议名称": "县政府第三次全体（扩大）会议",
        "会议类型": "政府全体会议",
        "日期": "2024-07-15",
    },
    "动员大会": {"会议名称": "全县项目建设攻坚年动员大会", "会议类型": "动员大会", "日期": "2024-03-01"},
    "季度总结会": {
        "会议名称": "全县重点工作交帐亮相暨一季度总结会",
        "会议类型": "季度总结会",
        "日期": "2024-04-10",
    },
}
# A word in a 重点工作 heading -> the topic one of its phrases must have (or the word it must contain).
RELEVANCE = (
    ("县城", "城乡建设"),
    ("招商", "招商引资"),
    ("项目", "项目建设"),
    ("生态", "生态环保"),
    ("环保", "生态环保"),
    ("安全", "安全稳定"),
    ("民生", "民生保障"),
)


def _kind_meeting(kind: str) -> dict[str, str]:
    return {**MEETING, **MEETING_KINDS[kind]}


def _sections(draft):
    def walk(sections):
        for s in sections:
            yield s
            yield from walk(s.children)

    return list(walk(draft.sections))


def _relevance_failures(draft, pb) -> tuple[int, list[str]]:
    checked, failures = 0, []
    for sec in _sections(draft):
        if sec.role != "tasks":
            continue
        heading = render.section_heading(sec, pb)
        phrases = [pb.phrases[i.phrase] for i in sec.items if i.phrase]
        for word, topic in RELEVANCE:
            if word in heading:
                checked += 1
                if not any(topic in p.topics or word in p.text for p in phrases):
                    failures.append(f"{heading}: {[p.id for p in phrases]} 不涉及 {topic}")
    return checked, failures


@pytest.mark.parametrize("kind", list(MEETING_KINDS))
@pytest.mark.parametrize("name", TEMPLATES)
def test_shipped_suggestion_complete_lint_clean_and_relevant(name, kind):
    lint = pytest.importorskip("drafter.lint.api")
    pb = _shipped()
    meeting = _kind_meeting(kind)
    draft = engine.suggest_from_phrases(name, meeting, pb)
    assert draft == engine.suggest_from_phrases(name, meeting, pb), "deterministic"
    text = render.render_text(draft, pb)
    for bad in ("【待补", "{{", "XX", "{%"):
        assert bad not in text, (name, kind, bad)
    used = [i.phrase for i in _all_items(draft) if i.phrase]
    assert len(used) == len(set(used)), "no phrase twice"
    speech = render.render_speech(draft, pb)
    findings = [
        f.to_dict()
        for f in lint.lint_speech(speech, draft=True)
        if f.severity in ("error", "warning") and f.rule not in LENGTH_RULES
    ]
    assert not findings, (name, kind, findings)
    assert speech.announced_sections == len(speech.sections) == len(draft.sections)
    _, failures = _relevance_failures(draft, pb)
    assert not failures, (name, kind, failures)
    # every sub-heading has something under it
    assert all(s.items or s.children for s in _sections(draft))


def test_relevance_check_has_material():
    """The relevance test above must actually meet headings with the mapped words."""
    pb = _shipped()
    checked = sum(
        _relevance_failures(engine.suggest_from_phrases(name, _kind_meeting(kind), pb), pb)[0]
        for name in TEMPLATES
        for kind in MEETING_KINDS
    )
    assert checked >= 12


def test_reported_mismatches_fixed():
    """县城建设会战 gets a 城乡建设 phrase, 加压问责 a 督查问责 one, 建强班子 one about the 班子."""
    pb = _shipped()
    draft = engine.suggest_from_phrases("review", _kind_meeting("季度总结会"), pb)
    by_heading = {
        render.section_heading(s, pb): [pb.phrases[i.phrase] for i in s.items if i.phrase]
        for s in _sections(draft)
    }
    assert all("城乡建设" in p.topics for p in by_heading["全力决胜县城建设会战"])
    assert all("招商引资" not in p.topics for p in by_heading["全力决胜县城建设会战"])
    assert [p.function for p in by_heading["加压问责抓落实"]] == ["督查问责"]
    assert any("班子" in p.text for p in by_heading["建强班子抓落实"])
    assert any("一线" in p.text for p in by_heading["深入一线抓落实"])
    plenary = engine.suggest_from_phrases("plenary", _kind_meeting("政府全体会议"), pb)
    for sec in _sections(plenary):
        heading = render.section_heading(sec, pb)
        if heading.startswith("强化") and heading.endswith("意识"):
            item = sec.heading
            texts = [pb.phrases[i.phrase].text for i in sec.items]
            assert any(item in t or (item == "团队" and "团结" in t) for t in texts), (heading, texts)


def test_meeting_type_steers_words_and_headings():
    pb = _shipped()
    plenary = render.render_text(
        engine.suggest_from_phrases("plenary", _kind_meeting("政府全体会议"), pb), pb
    )
    assert "交帐" not in plenary and "亮相" not in plenary and "动员大会" not in plenary
    review_meeting = engine.suggest_from_phrases("plenary", _kind_meeting("季度总结会"), pb)
    assert review_meeting.sections[0].heading == "正视差距，认清形势，切实增强比学赶超的紧迫感"
    mobilise = render.render_text(engine.suggest_from_phrases("plenary", _kind_meeting("动员大会"), pb), pb)
    assert "交帐" not in mobilise and "全体会议" not in mobilise.split("\n", 1)[1]
    safety = {**MEETING, "会议名称": "全县安全生产工作会议", "会议类型": "安全生产工作会议"}
    draft = engine.suggest_from_phrases("plenary", safety, pb)
    assert render.section_heading(draft.sections[1].children[0], pb) == tables.TOPIC_HEADINGS["安全稳定"]
    assert "防汛" not in render.render_text(draft, pb)


def test_meeting_profile_detection():
    assert tables.meeting_profile({"会议类型": "季度总结会"}).name == "review"
    assert tables.meeting_profile({"会议类型": "动员大会"}).name == "mobilise"
    assert tables.meeting_profile({"会议类型": "政府全体会议"}).name == "plenary"
    assert tables.meeting_profile({"会议名称": "全县安全生产工作会议"}).name == "safety"
    assert tables.meeting_profile({}) is None


def test_suggestion_avoids_repeating_a_long_meeting_name(tmp_path):
    """Two opening phrases both with {{ 会议名称 }} would repeat a long name (lint: repeated-phrase)."""
    lint = pytest.importorskip("drafter.lint.api")
    extra = BANK_YAML.replace("    phrases:\n", "    phrases:\n", 1) + textwrap.indent(
        textwrap.dedent("""\
        - {id: opening.purpose.000, role: opening, function: 会议目的, origin: curated,
           text: "召开{{ 会议名称 }}，就是要动员全县上下狠抓落实。"}
        """),
        "  ",
    )
    folder = tmp_path / "bank2"
    folder.mkdir()
    (folder / "all.yaml").write_text(extra, encoding="utf-8")
    pb = load_phrasebank([folder], include_shipped=False, include_user=False)
    assert "opening.purpose.000" in pb.phrases
    meeting = {**MEETING, "会议名称": "全县项目建设攻坚年暨营商环境优化提升动员大会"}
    draft = engine.suggest_from_phrases("implementation", meeting, pb)
    opening = [i.phrase for i in draft.opening]
    assert "opening.nature.001" in opening and "opening.purpose.000" not in opening
    speech = render.render_speech(draft, pb)
    assert not [f for f in lint.lint_speech(speech, draft=True) if f.rule == "repeated-phrase"]
    # the check compares the phrases as they will read: a short name repeats nothing
    for name, repeats in ((meeting["会议名称"], True), ("动员大会", False)):
        picker = picking.Picker(pb, {**meeting, "会议名称": name})
        entries = {e.phrase.id: e for e in picker.base.entries}
        picker.remember(picker._filled(entries["opening.nature.001"], {}))
        assert picker.repeats(picker._filled(entries["opening.purpose.000"], {})) is repeats


def test_parallel_roles_follow_the_heading_items(tmp_path):
    """A top-level set with a 机制 item: it becomes the last, 作风纪律 section (the template's declared roles)."""
    text = BANK_YAML.replace(
        "items: [突出发展, 强化为民, 注重和谐, 提升服务]",
        "items: [突出发展, 强化为民, 注重和谐, 提升服务, 完善机制]",
    )
    folder = tmp_path / "bank3"
    folder.mkdir()
    (folder / "all.yaml").write_text(text, encoding="utf-8")
    pb = load_phrasebank([folder], include_shipped=False, include_user=False)
    draft = engine.suggest_from_phrases("parallel", MEETING, pb)
    assert [s.heading for s in draft.sections] == ["突出发展", "强化为民", "注重和谐", "完善机制"]
    assert [s.role for s in draft.sections] == ["tasks", "tasks", "tasks", "discipline"]
    assert {pb.phrases[i.phrase].role for i in draft.sections[-1].items} == {"discipline"}
    people = [pb.phrases[i.phrase] for i in draft.sections[1].items]
    assert "民生保障" in people[0].topics
    assert "四、建设效率政府，要完善机制。" in render.render_text(draft, pb)


def test_choose_items_keeps_set_order():
    pairs = engine._choose_items(
        ["突出发展", "强化为民", "注重和谐", "提升服务", "完善机制"],
        4,
        ["situation", "tasks", "tasks", "discipline"],
        "tasks",
    )
    assert pairs == [
        ("突出发展", "tasks"),
        ("强化为民", "tasks"),
        ("注重和谐", "tasks"),
        ("完善机制", "discipline"),
    ]
    assert engine._choose_items(["甲", "乙"], 4, ["tasks"], "tasks") == [("甲", "tasks"), ("乙", "tasks")]


# ---------------------------------------------------------------- slots used only as a condition


def test_optional_slots_found_by_ast():
    assert text.optional_slots("{% if 上级会议 %}贯彻{{ 上级会议 }}精神，{% endif %}要抓好落实。") == {
        "上级会议"
    }
    assert text.optional_slots("{% if 甲 %}有{% endif %}") == {"甲"}
    assert text.optional_slots("{% if not 甲 %}无{% endif %}") == {"甲"}
    # printed outside the guard, or compared, or tested through `or`: still required
    assert text.optional_slots("{% if 甲 %}有{% endif %}{{ 甲 }}") == frozenset()
    assert text.optional_slots("{% if 甲 == '是' %}有{% endif %}") == frozenset()
    assert text.optional_slots("{% if 甲 or 乙 %}{{ 甲 }}{% endif %}") == frozenset()  # no and/or in material
    assert text.optional_slots("{% if 甲 %}{% else %}{{ 甲 }}{% endif %}") == frozenset()
    assert text.optional_slots("{{ 地区 }}") == frozenset()
    assert text.optional_slots("{% if %}") == frozenset()  # syntax error: nothing optional


def test_slot_used_only_in_if_is_optional(bank):
    draft = _draft(bank)
    draft.sections[0].items = [
        DraftItem(text="{% if 上级会议 %}贯彻{{ 上级会议 }}精神，{% endif %}要抓好落实。")
    ]
    meeting = {k: v for k, v in MEETING.items()}
    draft.meeting = meeting
    text = render.render_text(draft, bank)
    assert "\n要抓好落实。\n" in text
    assert "【待补" not in render.render_text(draft, bank, allow_blanks=True)
    draft.meeting = {**meeting, "上级会议": "全市经济工作会议"}
    assert "贯彻全市经济工作会议精神，要抓好落实。" in render.render_text(draft, bank)
    # used outside its guard: a missing value is still an error naming the slot
    draft.meeting = meeting
    draft.sections[0].items = [DraftItem(text="{% if 上级会议 %}贯彻{% endif %}{{ 上级会议 }}精神。")]
    with pytest.raises(DrafterError) as info:
        render.render_text(draft, bank)
    assert "上级会议" in info.value.message


def test_phrase_with_optional_slot_is_suggested(tmp_path):
    text = BANK_YAML.replace(
        'text: "会议要研究{{ 议题 }}。", slots: [{name: 议题, prompt: 议题}]}',
        'text: "会议要研究{% if 议题 %}{{ 议题 }}等{% endif %}重要事项。", slots: [{name: 议题, prompt: 议题}]}',
    )
    assert text != BANK_YAML
    folder = tmp_path / "bank4"
    folder.mkdir()
    (folder / "all.yaml").write_text(text, encoding="utf-8")
    pb = load_phrasebank([folder], include_shipped=False, include_user=False)
    entry = next(e for e in picking.base_for(pb).entries if e.phrase.id == "opening.needs.001")
    assert entry.slots == ()
    picker = picking.Picker(pb, MEETING)
    assert picker.values_for(entry) == {}


def test_more_meeting_kinds_lint_clean():
    """Other meetings a county office holds: still complete and free of lint warnings."""
    lint = pytest.importorskip("drafter.lint.api")
    pb = _shipped()
    kinds = [
        ("全县安全生产工作会议", "安全生产工作会议"),
        ("全县生态环境保护大会", "环保工作会议"),
        ("全县经济运行调度会", "经济运行分析会"),
        ("全县防汛工作会议", "防汛"),
        ("县政府常务会议", ""),
        ("全县半年工作总结会", "总结会"),
        ("全县招商引资推进会", "推进会"),
        ("某会议", "其他"),
    ]
    for name, kind in kinds:
        for template in TEMPLATES:
            draft = engine.suggest_from_phrases(template, {**MEETING, "会议名称": name, "会议类型": kind}, pb)
            speech = render.render_speech(draft, pb)
            findings = [
                f.to_dict()
                for f in lint.lint_speech(speech, draft=True)
                if f.severity in ("error", "warning") and f.rule not in LENGTH_RULES
            ]
            assert not findings, (name, template, findings)


def test_typed_sub_headings_never_break_a_frame():
    assert engine._breaks_frame(
        ["稳住工业经济基本盘", "全力抓项目促投资", "全力抓招商引项目", "全力抓好财政增收"]
    )
    assert not engine._breaks_frame(
        ["全力抓好工业经济", "全力抓好项目建设", "全力抓好招商引资", "全力抓好财政金融"]
    )
    assert not engine._breaks_frame(["甲乙丙丁", "戊己庚辛"])
    pb = _shipped()
    draft = engine.suggest_from_phrases(
        "plenary", {**MEETING, "会议名称": "全县经济运行调度会", "会议类型": "经济运行分析会"}, pb
    )
    headings = [render.section_heading(c, pb) for c in draft.sections[1].children]
    assert len(headings) == 4 and not engine._breaks_frame(headings)
    assert headings[0] == engine.UNIFORM_TOPIC_FRAME.format("工业经济")


def test_suggestion_never_invents_the_meeting_ordinal():
    """第{{ 数字 }}次全体会议 takes its number from 会议名称, or the phrase is not suggested."""
    pb = _shipped()
    for name, expected in (("县政府第三次全体会议", "第三次"), ("全县落实攻坚年动员大会", None)):
        for template in ("plenary", "implementation", "review", "parallel"):
            meeting = {"会议名称": name, "地区": "青山县", "日期": "2024年7月15日"}
            text = render.render_text(engine.suggest_from_phrases(template, meeting, pb), pb)
            ordinals = set(re.findall(r"第[一二三四五六七八九十]+次全体会议", text))
            if expected:
                assert ordinals <= {f"{expected}全体会议"}, (template, ordinals)
            else:
                assert not ordinals, (template, ordinals)


@pytest.mark.parametrize(
    ("meeting", "first"),
    [
        ({"会议名称": "县政府第三次全体会议"}, "plenary"),
        ({"会议名称": "全县落实攻坚年动员大会"}, "implementation"),
        ({"会议名称": "县直单位交帐亮相暨一季度总结会"}, "review"),
        ({"会议名称": "某会", "会议类型": "动员大会"}, "implementation"),
    ],
)
def test_rank_templates_puts_the_suited_template_first(meeting, first):
    templates = render.list_templates()
    ranked = render.rank_templates(templates, meeting)
    assert ranked[0].name == first
    assert sorted(t.name for t in ranked) == sorted(t.name for t in templates)


def test_rank_templates_keeps_order_for_an_unknown_meeting():
    templates = render.list_templates()
    assert [t.name for t in render.rank_templates(templates, {"会议名称": "座谈会"})] == [
        t.name for t in templates
    ]
    assert render.suited_template({"会议名称": "座谈会"}) is None
