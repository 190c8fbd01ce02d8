"""Paragraph blocks mined from the seed speeches (issue 10): provenance, slots, rejection, the shipped file."""

from __future__ import annotations

import json
import re
import shutil
from functools import cache
from pathlib import Path

import jsonschema
import pytest
import yaml

from drafter import drafting
from drafter.cli.entry import main
from drafter.mine import blocks_yaml, mine_block_paths, topic_rules
from drafter.phrasebank import block_chars, check_paths, load_phrasebank
from drafter.util import phrasebank_dir, seeds_dir

SHIPPED = phrasebank_dir() / "blocks" / "seeds.yaml"
_SLOT = re.compile(r"\{\{ ([^{}]+?) \}\}")


@cache
def kinds():
    return tuple(load_phrasebank(include_user=False).kinds.values())


@cache
def seed_mining():
    """The miner run on seeds/ once for the module (jieba and the parser are the slow part)."""
    return mine_block_paths([seeds_dir()], topic_rules(kinds()))


def _raw_line(file: str, line: int) -> str:
    lines = (seeds_dir() / file).read_text(encoding="utf-8-sig").split("\n")
    return re.sub(r"\s+", "", lines[line - 1]).replace("臵", "置")


def _probe(text: str) -> str:
    """The block's first own characters (before any slot)."""
    return _SLOT.split(text)[0][:8]


# ------------------------------------------------------------------ the shipped file


def test_shipped_seed_blocks_are_what_the_miner_produces_today():
    assert SHIPPED.read_text(encoding="utf-8") == blocks_yaml(seed_mining().blocks), (
        "phrasebank/blocks/seeds.yaml 与挖掘结果不一致：运行 drafter mine blocks -o phrasebank/blocks/seeds.yaml --force"
    )


def test_shipped_seed_blocks_validate_and_load():
    assert check_paths([SHIPPED]) == []
    schema = json.loads((phrasebank_dir() / "schema.json").read_text(encoding="utf-8"))
    doc = yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))
    errors = [e.message for e in jsonschema.Draft202012Validator(schema).iter_errors(doc)]
    assert not errors, errors[:3]
    bank = load_phrasebank(include_user=False)
    mined = [b for b in bank.blocks.values() if b.origin == "mined"]
    assert len(mined) == len(doc["blocks"]) >= 30
    curated = {b.id for b in bank.blocks.values() if b.origin == "curated"}
    assert all(b.id.startswith("blk.seed.") and b.id not in curated for b in mined)
    assert not [p for p in bank.problems if "seeds.yaml" in p.file]


def test_every_mined_block_keeps_its_source_line():
    for block in seed_mining().blocks:
        assert block.origin == "mined" and block.source is not None
        assert (seeds_dir() / block.source.file).is_file()
        probe = _probe(block.text)
        assert len(probe) >= 4, block.id
        assert probe in _raw_line(block.source.file, block.source.line), (block.id, block.source)


def test_mined_blocks_carry_no_fact():
    for block in seed_mining().blocks:
        plain = _SLOT.sub("", block.text)
        assert not re.search(r"\d|XX|\*|×", plain), (block.id, plain)
        assert 120 <= block_chars(block.text) <= 500, block.id
        assert not re.search(r"刚才|一会儿|我讲|交帐亮相|第[一二三四五六七八九十\d]+名", block.text), block.id
        declared = {s.name for s in block.slots}
        assert set(_SLOT.findall(block.text)) <= declared | {"地区"}, block.id
        if block.role == "tasks":
            assert block.topics and block.headings, block.id


def test_mining_rejects_specific_paragraphs_from_the_seeds():
    reasons = seed_mining().reasons()
    for reason in ("空位过多，仍是具体事实", "第一人称（述职、个人口吻）", "只适用于原讲话的场合或年代"):
        assert reasons[reason] > 0, reasons
    assert any(r.startswith("含人名、地名或单位名") for r in reasons)
    rejected = {r.text for r in seed_mining().rejected}
    # the mayor's speech about 三明 and 厦门, the 2024 figures of 002, never become blocks
    assert any("厦门速度" in t for t in rejected)
    assert not any("厦门" in b.text or "三明" in b.text for b in seed_mining().blocks)


# ------------------------------------------------------------------ rules on a speech of our own

SPEECH = """在全县安全生产工作会议上的讲话
同志们：
刚才，张伟同志通报了全县安全生产工作情况，我完全同意。今天召开这次会议，主要任务是深入贯彻上级安全生产工作部署，分析当前安全生产形势，安排部署下一阶段安全生产重点工作，进一步压紧压实各方责任，坚决防范遏制重特大事故发生，确保全县安全生产形势持续稳定，为经济社会发展营造安全稳定的环境。各乡镇、各部门要切实把思想和行动统一到县委、县政府的决策部署上来。
一、提高站位，清醒认识当前安全生产形势
今年以来，全县安全生产事故起数同比下降15.6%，XX县位列全市第3名，安全生产投入3200万元，安全生产形势总体平稳。但我们也要清醒地看到，安全生产基础依然薄弱，一些企业主体责任落实不到位，隐患排查整治还不够彻底，部分行业领域事故风险仍然较高，安全生产工作丝毫不能放松，必须时刻绷紧安全生产这根弦。
二、突出重点，全力抓好安全生产各项工作
（一）深入开展安全隐患排查整治
要聚焦危险化学品、道路交通、建筑施工、燃气、消防等重点行业领域，组织开展拉网式安全隐患排查整治，做到不留死角、不留盲区。对排查出的安全隐患，要建立台账，明确整改责任、整改措施和整改时限，实行销号管理，能立即整改的立即整改，一时难以整改的要落实管控措施，确保隐患整改到位。要在XX月底前完成第一轮排查，安全生产委员会办公室要加强督导检查，对安全隐患整改不力的要通报批评，推动安全生产责任落到实处。
（二）从严落实安全生产责任
李明书记在全县安全生产大会上强调，要加强对红旗化工有限公司、青山水泥集团公司、东湖矿业公司等重点企业的安全检查。下面请王局长讲话，大家欢迎！要严格落实党政同责、一岗双责、齐抓共管、失职追责，把安全生产责任落实到每个环节、每个岗位，确保安全生产责任体系横向到边、纵向到底，坚决守住安全生产底线。各乡镇、各部门主要负责同志要亲自研究部署、亲自督促检查，切实把安全生产工作抓紧抓实抓细。
三、严明纪律，确保各项措施落到实处
我今年以来认真履行安全生产职责，带队检查企业多次，发现并督促整改各类隐患，本人在安全生产工作中还存在学习不够深入、检查不够细致等问题，今后我将进一步加强学习，改进作风，切实履行好安全生产监管职责。
"""


@pytest.fixture()
def own_speech(tmp_path: Path) -> Path:
    path = tmp_path / "safety_speech.txt"
    path.write_text(SPEECH, encoding="utf-8")
    return path


def test_figures_names_and_placeholders_become_slots(own_speech):
    result = mine_block_paths([own_speech], topic_rules(kinds()))
    tasks = [b for b in result.blocks if b.role == "tasks"]
    assert len(tasks) == 1
    block = tasks[0]
    assert block.topics == ["安全生产"] and block.headings == ["深入开展安全隐患排查整治"]
    assert block.point == "深入开展安全隐患排查整治"
    assert "要在{{ 时间节点 }}完成第一轮排查" in block.text  # XX月底前 -> a slot
    assert not re.search(r"\d|XX", block.text)
    assert block.id.startswith("blk.seed.safety.tasks.")
    assert block.source.file == own_speech.name
    assert SPEECH.split("\n")[block.source.line - 1].startswith("要聚焦危险化学品")
    opening = [b for b in result.blocks if b.role == "opening"]
    assert len(opening) == 1
    # the sentence about who spoke before is dropped, the rest kept
    assert opening[0].text.startswith("今天召开这次会议") and "张伟" not in opening[0].text
    assert opening[0].fits.level == ("县",)


def test_too_specific_paragraphs_are_rejected(own_speech):
    result = mine_block_paths([own_speech], topic_rules(kinds()))
    why = {r.text[:8]: r.reason for r in result.rejected}
    # four figures and a ranking in one paragraph: blanks, not material
    assert why["今年以来，全县安"] == "空位过多，仍是具体事实"
    # a named person, named companies, a host line
    assert why["李明书记在全县安"] in ("主持词或议程", "列举具体单位") or why["李明书记在全县安"].startswith(
        "含人名"
    )
    # first-person 述职
    assert why["我今年以来认真履"] == "第一人称（述职、个人口吻）"
    assert all("李明" not in b.text and "红旗化工" not in b.text for b in result.blocks)


def test_a_named_person_before_a_title_is_rejected(tmp_path):
    text = (
        SPEECH.replace("下面请王局长讲话，大家欢迎！", "")
        .replace("在全县安全生产大会上强调", "多次强调")
        .replace(
            "红旗化工有限公司、青山水泥集团公司、东湖矿业公司等", "危险化学品、非煤矿山、建筑施工等行业的"
        )
    )
    path = tmp_path / "s.txt"
    path.write_text(text, encoding="utf-8")
    result = mine_block_paths([path], topic_rules(kinds()))
    reasons = [r.reason for r in result.rejected if r.text.startswith("李明书记")]
    assert reasons and reasons[0].startswith("含人名") and "李明" in reasons[0]


def test_achievements_reference_needs_achievements(tmp_path):
    para = (
        "在充分肯定成绩的同时，我们也要清醒地看到，当前安全生产工作中还存在不少薄弱环节，一些企业安全投入不足，"
        "安全管理制度不健全，部分从业人员安全意识淡薄，违规操作现象时有发生；一些部门监管责任落实不到位，"
        "执法检查宽松软，隐患整改跟踪问效不够，对这些问题，我们必须高度重视，切实加以解决。"
    )
    path = tmp_path / "s.txt"
    path.write_text(SPEECH.replace(SPEECH.split("\n")[4], para), encoding="utf-8")
    result = mine_block_paths([path], topic_rules(kinds()))
    situation = [b for b in result.blocks if b.role == "situation"]
    assert len(situation) == 1 and situation[0].fits.needs == ("成绩",)
    assert situation[0].function == "问题不足"


# ------------------------------------------------------------------ command line and drafting


def test_cli_writes_the_file_and_refuses_to_overwrite_without_force(tmp_path, own_speech, capsys):
    out = tmp_path / "mined.yaml"
    assert main(["mine", "blocks", str(own_speech), "-o", str(out), "--quiet"]) == 0
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# 段落（blocks）：从自带语料") and "origin: mined" in text
    assert check_paths([out]) == []
    assert main(["mine", "--blocks", str(own_speech), "-o", str(out), "--quiet"]) != 0
    assert "--force" in capsys.readouterr().err
    assert main(["mine", "--blocks", str(own_speech), "-o", str(out), "--force", "--quiet"]) == 0
    assert out.read_text(encoding="utf-8") == text  # byte-stable


def test_origin_mined_requires_a_source(tmp_path):
    good = yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))["blocks"][0]
    bad = dict(good)
    del bad["source"]
    path = tmp_path / "x.yaml"
    path.write_text(yaml.safe_dump({"blocks": [bad]}, allow_unicode=True), encoding="utf-8")
    problems = check_paths([path])
    assert any("必须写 source" in p.message for p in problems)
    wrong = dict(good, origin="copied")
    path.write_text(yaml.safe_dump({"blocks": [wrong]}, allow_unicode=True), encoding="utf-8")
    assert any("origin 只能是 curated 或 mined" in p.message for p in check_paths([path]))


def test_a_suggested_draft_uses_mined_blocks_with_reachable_provenance(tmp_path):
    """With the kinds and the mined blocks only, a 项目建设 meeting's draft is built from seed paragraphs."""
    layer = tmp_path / "pb"
    (layer / "blocks").mkdir(parents=True)
    shutil.copy(phrasebank_dir() / "kinds.yaml", layer / "kinds.yaml")
    shutil.copy(SHIPPED, layer / "blocks" / "seeds.yaml")
    bank = load_phrasebank([layer], include_shipped=False, include_user=False)
    assert not bank.errors
    meeting = {
        "会议名称": "全县重点项目建设推进会",
        "地区": "青山县",
        "职务": "县长",
        "日期": "2025-04-10",
        "会议类型": "项目建设推进会",
    }
    draft = drafting.suggest_draft("plenary", meeting, bank, seed=0)
    used = [
        item.phrase
        for section in draft.sections
        for item in [*section.items, *(i for child in section.children for i in child.items)]
        if item.phrase
    ]
    mined = [i for i in used if i.startswith("blk.seed.")]
    assert "blk.seed.projects.tasks.1" in mined
    for block_id in mined:
        source = bank.get_block(block_id).source
        assert _probe(bank.get_block(block_id).text) in _raw_line(source.file, source.line)
    text = drafting.render_text(draft, bank, allow_blanks=True)
    assert "全县各重点项目推进组" in text


def _draft_items(sections, role=None):
    for section in sections:
        top = role or section.role
        for item in section.items:
            yield top, item
        yield from _draft_items(section.children, top)


def test_mined_discipline_material_serves_other_meetings_but_not_their_situation_part():
    """落实/作风 in a 作风纪律 paragraph do not make it another subject's text; a 认清形势 paragraph about
    the government's own conduct never stands in a 防汛 speech's 认清形势 part."""
    bank = load_phrasebank()
    meeting = {
        "会议名称": "全县防汛抗旱暨地质灾害防治工作会议",
        "地区": "青山县",
        "讲话人": "李强",
        "职务": "副县长",
        "日期": "2025-05-12",
    }
    template = drafting.suited_template(meeting, bank) or "plenary"
    used: list[tuple[str, str]] = []
    for seed in range(6):
        draft = drafting.suggest_draft(template, meeting, bank, seed=seed)
        used += [(role, item.phrase) for role, item in _draft_items(draft.sections) if item.phrase]
    mined = [(role, pid) for role, pid in used if pid.startswith("blk.seed.")]
    assert any(role == "discipline" for role, _ in mined), mined
    assert not [pid for role, pid in mined if role == "situation" and bank.blocks[pid].topics == []]
