"""Phrasebank blocks (paragraphs) and meeting kinds: loading, layering, checking, searching, adding."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from drafter.cli.entry import main
from drafter.errors import DrafterError
from drafter.model import Fits
from drafter.phrasebank import (
    add_block,
    block_chars,
    check_paths,
    fits_context,
    load_file,
    load_phrasebank,
)
from drafter.util import yamlpos

BODY = (
    "防汛工作事关人民群众生命财产安全，丝毫不能松懈。要坚持党政同责、一岗双责，"
    "把防汛责任逐级分解到乡镇、村组和具体责任人，做到每一座水库、每一处隐患点都有人盯、有人管。"
    "各乡镇党委书记、乡镇长要靠前指挥，分管负责同志要深入一线，"
    "水利、应急等部门要按照职责分工抓好督促检查，确保主汛期到来之前各项措施全部到位。"
)

BLOCKS = f"""\
blocks:
  - id: blk.flood.tasks.duty.001
    role: tasks
    function: 部署任务
    topics: [防汛抗旱]
    point: 压实责任
    headings: [压紧压实防汛责任, 织密防汛责任网络, 以责任落实保安全度汛]
    text: "{BODY}"
    origin: curated
  - id: blk.flood.tasks.duty.002
    role: tasks
    function: 部署任务
    topics: [防汛抗旱]
    point: 压实责任
    headings: [层层传导防汛压力]
    text: "{{{{ 地区 }}}}{BODY}"
    fits: {{period: [年中, 三季度], level: [县]}}
    origin: curated
  - id: blk.general.situation.achievements.001
    role: situation
    function: 肯定成绩
    topics: []
    text: "{BODY}{{{{ 工作成效 }}}}"
    fits: {{needs: [前面发言]}}
    slots:
      - {{name: 工作成效, prompt: 上一阶段取得的主要成效, example: ""}}
    origin: curated
kinds:
  - id: flood
    name: 防汛抗旱与地质灾害防治
    keywords: [防汛, 抗旱, 汛期]
    topics: [防汛抗旱, 地质灾害]
    meeting_term: 防汛工作会议
    task_points: 4
    structures:
      - roles: [situation, tasks, discipline]
        headings:
          situation: [统一思想，清醒认识当前防汛形势]
          tasks: [突出重点，扎实做好防汛各项准备]
          discipline: [强化保障，确保各项防汛措施落到实处]
"""


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture()
def layer(tmp_path) -> Path:
    folder = tmp_path / "layer"
    write(folder / "blocks", "flood.yaml", BLOCKS)  # in a subfolder: subfolders are read
    return folder


def messages(problems) -> str:
    return "\n".join(str(p) for p in problems)


def test_blocks_and_kinds_load_from_subfolders(layer):
    bank = load_phrasebank([layer], include_shipped=False, include_user=False)
    assert not bank.problems, messages(bank.problems)
    assert list(bank.blocks) == [
        "blk.flood.tasks.duty.001",
        "blk.flood.tasks.duty.002",
        "blk.general.situation.achievements.001",
    ]
    block = bank.blocks["blk.flood.tasks.duty.002"]
    assert block.headings == ["层层传导防汛压力"] and block.point == "压实责任"
    assert block.fits == Fits(period=("年中", "三季度"), level=("县",))
    assert block.file.endswith("flood.yaml") and block.line == 10
    kind = bank.kinds["flood"]
    assert kind.topics == ["防汛抗旱", "地质灾害"] and kind.meeting_term == "防汛工作会议"
    assert kind.structures[0].roles == ("situation", "tasks", "discipline")
    assert kind.structures[0].headings["tasks"] == ["突出重点，扎实做好防汛各项准备"]
    assert bank.entry("blk.flood.tasks.duty.001") is bank.blocks["blk.flood.tasks.duty.001"]
    assert [s.name for s in bank.slots_for(bank.blocks["blk.general.situation.achievements.001"])] == [
        "工作成效"
    ]


def test_blocks_for_filters_by_topic_role_and_context(layer):
    bank = load_phrasebank([layer], include_shipped=False, include_user=False)
    ids = lambda blocks: [b.id for b in blocks]  # noqa: E731
    assert ids(bank.blocks_for("tasks", ["防汛抗旱"])) == [
        "blk.flood.tasks.duty.001",
        "blk.flood.tasks.duty.002",
    ]
    assert ids(bank.blocks_for("tasks", ["防汛抗旱"], period="年初")) == ["blk.flood.tasks.duty.001"]
    assert ids(bank.blocks_for("tasks", ["防汛抗旱"], level="市")) == ["blk.flood.tasks.duty.001"]
    assert ids(bank.blocks_for("tasks", ["招商引资"])) == []
    assert ids(bank.blocks_for("situation", ["招商引资"])) == []
    assert ids(bank.blocks_for("situation", ["招商引资"], generic=True)) == [
        "blk.general.situation.achievements.001"
    ]
    assert ids(bank.blocks_for("situation", [], generic=True, have=())) == []
    assert ids(bank.blocks_for("situation", [], generic=True, have=["前面发言"])) == [
        "blk.general.situation.achievements.001"
    ]
    groups = bank.block_points(bank.blocks_for("tasks"))
    assert list(groups) == [(("防汛抗旱",), "压实责任")] and len(groups[(("防汛抗旱",), "压实责任")]) == 2
    assert fits_context(Fits(speaker=("主要领导",)), speaker="分管领导") is False
    assert fits_context(Fits(speaker=("主要领导",))) is True


def test_later_layer_overrides_block_and_kind_by_id(layer, tmp_path):
    over = write(
        tmp_path / "over",
        "x.yaml",
        BLOCKS.replace("防汛工作事关", "汛期工作事关").replace("name: 防汛抗旱与地质灾害防治", "name: 防汛"),
    )
    bank = load_phrasebank([layer, over.parent], include_shipped=False, include_user=False)
    assert bank.blocks["blk.flood.tasks.duty.001"].text.startswith("汛期")
    assert bank.kinds["flood"].name == "防汛"
    assert bank.overridden["blk.flood.tasks.duty.001"]


BAD = """\
blocks:
  - id: blk.x.short
    role: tasks
    function: 部署任务
    topics: [防汛抗旱]
    point: 短
    headings: [抓好防汛]
    text: "要抓好防汛。"
  - id: blk.x.noheading
    role: tasks
    function: 部署任务
    topics: [防汛抗旱]
    point: 责任
    text: "{body}"
  - id: blk.x.fits
    role: closing
    function: 号召
    topics: [防汛]
    text: "{body}"
    fits: {{period: [上半年], speaker: [县长]}}
  - id: blk.x.role
    role: transition
    function: 承上启下
    text: "{body}"
  - id: blk.x.slot
    role: closing
    function: 号召
    text: "{body}{{{{ 未声明的槽位 }}}}"
  - id: blk.x.heading
    role: tasks
    function: 部署任务
    point: 句号
    headings: [抓好防汛。]
    text: "{body}"
  - id: BLK.Upper
    role: closing
    function: 号召
    text: "{body}"
kinds:
  - id: flood
    name: 防汛
    topics: [防汛抗旱]
  - id: safety
    name: 安全生产
    keywords: [安全生产]
    task_points: 20
    structures:
      - roles: [situation, plans]
"""


def test_check_reports_each_block_and_kind_problem_with_line(tmp_path):
    path = write(tmp_path, "bad.yaml", BAD.format(body=BODY))
    problems = check_paths([path])
    text = messages(problems)
    assert "bad.yaml:8: 段落“blk.x.short”的 text 有 6 个字，段落应为 120-500 个字" in text
    assert "bad.yaml:9: 段落“blk.x.noheading”是重点工作（tasks）段落，至少要有一个小标题" in text
    assert "fits.period 中的“上半年”未知" in text and "fits.speaker 中的“县长”未知" in text
    assert "段落“blk.x.role”的 role“transition”未知" in text
    assert "段落“blk.x.slot”用到的槽位“未声明的槽位”未声明" in text
    assert "不要以标点结尾" in text
    assert "id“BLK.Upper”不合法" in text
    assert "会议类型“flood”缺少“keywords”" in text
    assert "task_points 应为 1 到 9 的整数" in text
    assert "roles 的“plans”未知" in text
    warnings = [p for p in problems if p.severity == "warning"]
    assert any("主题“防汛”不在已知主题表中" in p.message for p in warnings)
    assert all(p.line > 0 for p in problems)
    res = load_file(path)
    assert [b.id for b in res.blocks] == [
        "blk.x.slot"
    ]  # the others have errors (undeclared slots: the layer's)
    assert res.kinds == []


def test_block_chars_counts_slot_names_not_markup():
    assert block_chars("要{{ 地区 }} 抓好\n防汛。") == 8


CONTROL_TEXTS = [
    r'"\e]0;pwned\a要抓好招商引资工作，全力以赴。"',
    r'"\x1b[2J要抓好招商引资工作。"',
    r'"要抓好招商引资工作\u009b31m。"',
    r'"要抓好\x07招商引资工作。"',
]


@pytest.mark.parametrize("escaped", CONTROL_TEXTS)
def test_control_characters_refused_and_never_printed(tmp_path, capsys, escaped):
    phrases = f"phrases:\n  - id: tasks.x.001\n    role: tasks\n    function: 部署任务\n    text: {escaped}\n"
    path = write(tmp_path / "pb", "x.yaml", phrases + "  - id: tasks.x.002\n    role: tasks\n"
                 "    function: 部署任务\n    topics: [\"\\e[31m招商\"]\n    text: 招商引资工作。\n")  # fmt: skip
    res = load_file(path)
    assert res.phrases == []
    assert sum("控制字符" in p.message for p in res.problems) == 2
    code = main(["phrasebank", "check", str(path)])
    out, err = capsys.readouterr()
    assert code == 1 and "控制字符" in out
    assert not any(c in out + err for c in "\x1b\x07\x9b")
    code = main(["phrasebank", "search", "招商", "--phrasebank", str(path.parent), "--kind", "all"])
    out, err = capsys.readouterr()
    assert not any(c in out + err for c in "\x1b\x07\x9b")


def test_control_characters_refused_in_block_fields(tmp_path):
    text = BLOCKS.replace("point: 压实责任", 'point: "压实\\e[2J责任"', 1)
    res = load_file(write(tmp_path, "b.yaml", text))
    assert "blk.flood.tasks.duty.001" not in [b.id for b in res.blocks] or res.blocks[0].point == ""
    assert any("控制字符" in p.message for p in res.problems)
    with pytest.raises(DrafterError, match="控制字符"):
        add_block(
            "tasks", "部署任务", BODY + "\x1b]0;x\x07", headings=["压实防汛责任"], to=tmp_path / "m.yaml"
        )


def test_missing_or_dead_extra_layer_is_an_error(tmp_path, capsys):
    with pytest.raises(DrafterError, match="不存在"):
        load_phrasebank([tmp_path / "nowhere"])
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(DrafterError, match="没有素材库文件"):
        load_phrasebank([empty])
    refused = write(tmp_path / "refused", "a.yaml", "phrases: [unclosed\n").parent
    write(refused, "b.yaml", "- not a mapping\n")
    with pytest.raises(DrafterError, match="2 个文件都有错误"):
        load_phrasebank([refused])
    for args in (["search", "招商"], ["stats"], ["check"]):
        code = main(["phrasebank", *args, "--phrasebank", str(tmp_path / "nowhere")])
        out, err = capsys.readouterr()
        assert code != 0 and "不存在" in out + err, args
    code = main(["phrasebank", "stats", "--phrasebank", str(refused)])
    assert code != 0 and "都有错误" in capsys.readouterr().err


def test_devices_and_fifos_are_refused_without_hanging(tmp_path, capsys):
    fifo = tmp_path / "pipe.yaml"
    import os

    os.mkfifo(fifo)
    for target in ("/dev/zero", str(fifo)):
        code = main(["phrasebank", "check", target])
        out, err = capsys.readouterr()
        assert code == 1 and "不是普通文件" in out, target
        assert "检查通过" not in err
    # a FIFO inside a layer folder is skipped, not read
    write(tmp_path, "ok.yaml", BLOCKS)
    assert not [p for p in check_paths([tmp_path]) if p.severity == "error"]


ORDINARY = "  - id: t.{n:05d}\n    role: tasks\n    function: 部署任务\n    topics: [招商]\n    text: 推进项目{n}。\n"


def _nodes(text: str) -> int:
    starts = (yaml.ScalarEvent, yaml.SequenceStartEvent, yaml.MappingStartEvent)
    return sum(
        isinstance(e, starts) for e in yaml.parse(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    )


def test_node_limit_scales_with_the_size_limit(tmp_path, monkeypatch):
    # The file: 25,000 short entries in 2.8 MB (refused by the old fixed 200,000-node limit).
    # The limit now grows with the text: a file of such entries fits however many there are.
    text = "phrases:\n" + "".join(ORDINARY.format(n=n) for n in range(1000))
    assert _nodes(text) <= yamlpos.node_limit(text)
    assert 25_000 * _nodes(ORDINARY.format(n=1)) > 200_000
    path = tmp_path / "some.yaml"
    path.write_text(text, encoding="utf-8")
    assert len(load_file(path).phrases) == 1000
    # more nodes than the size explains are refused as they arrive, with a line
    monkeypatch.setattr(yamlpos, "BYTES_PER_NODE", 50)
    monkeypatch.setattr(yamlpos, "MIN_NODES", 100)
    (problem,) = load_file(path).problems
    assert "节点" in problem.message and problem.line > 1


@pytest.mark.slow
def test_25000_entry_file_loads(tmp_path):
    path = tmp_path / "big.yaml"
    path.write_text("phrases:\n" + "".join(ORDINARY.format(n=n) for n in range(25_000)), encoding="utf-8")
    assert 2.5e6 < path.stat().st_size < 3e6
    res = load_file(path)
    assert not res.problems and len(res.phrases) == 25_000


def test_add_block_appends_byte_for_byte_and_reads_back(tmp_path):
    target = tmp_path / "mine.yaml"
    original = (
        "# 我的段落\nphrases:\n  - id: a.b.001\n    role: tasks\n    function: 部署任务\n    text: 抓落实。\n"
    )
    target.write_text(original, encoding="utf-8")
    res = add_block(
        "tasks",
        "部署任务",
        BODY + "{{ 承办科室 }}",
        topics=["防汛抗旱"],
        to=target,
        point="压实责任",
        headings=["压紧压实防汛责任", "织密防汛责任网络"],
        period=["年中"],
        level=["县", "市"],
    )
    assert res.id == "blk.tasks.deploy.u001"
    new = target.read_text(encoding="utf-8")
    assert new.startswith(original)
    assert "  - id: blk.tasks.deploy.u001\n" in new and "blocks:\n" in new
    back = load_file(target)
    assert not back.problems, messages(back.problems)
    (block,) = back.blocks
    assert block.headings == ["压紧压实防汛责任", "织密防汛责任网络"]
    assert block.fits == Fits(period=("年中",), level=("县", "市"))
    assert [s.name for s in block.slots] == ["承办科室"]
    assert any("承办科室" in w for w in res.warnings)
    res2 = add_block("closing", "号召", BODY.replace("防汛", "抗旱"), to=target)
    assert res2.id == "blk.closing.call.u001"
    assert target.read_text(encoding="utf-8").startswith(new)
    with pytest.raises(DrafterError, match="至少要有一个小标题"):
        add_block("tasks", "部署任务", BODY, to=target)
    with pytest.raises(DrafterError, match="120-500"):
        add_block("closing", "号召", "同志们，让我们一起努力！", to=target)
    with pytest.raises(DrafterError, match="未知"):
        add_block("closing", "号召", BODY, to=target, period=["上半年"])


def test_cli_blocks_search_stats_add(tmp_path, capsys, monkeypatch, layer):
    monkeypatch.setenv("DRAFTER_HOME", str(tmp_path / "home"))
    write(tmp_path / "home" / "phrasebank", "a.yaml", "phrases:\n  - id: tasks.a.001\n    role: tasks\n"
          "    function: 部署任务\n    text: 要扎实做好防汛责任落实工作。\n")  # fmt: skip
    code = main(["phrasebank", "search", "防汛责任", "--json", "--phrasebank", str(layer)])
    out = json.loads(capsys.readouterr().out)
    assert code == 0 and [h["id"] for h in out] == ["tasks.a.001"] and "kind" not in out[0]
    code = main(["phrasebank", "search", "防汛责任", "--json", "--kind", "block", "--phrasebank", str(layer)])
    out = json.loads(capsys.readouterr().out)
    assert {h["kind"] for h in out} == {"block"} and out[0]["headings"]
    code = main(["phrasebank", "search", "防汛责任", "--json", "--kind", "all", "--phrasebank", str(layer)])
    out = json.loads(capsys.readouterr().out)
    assert {h["kind"] for h in out} == {"block", "phrase"}
    code = main(["phrasebank", "search", "防汛责任", "--kind", "block", "--phrasebank", str(layer)])
    assert "段落·重点工作·部署任务" in capsys.readouterr().out
    code = main(["phrasebank", "stats", "--json", "--phrasebank", str(layer)])
    stats = json.loads(capsys.readouterr().out)
    assert (stats["entries"], stats["blocks"], stats["block_points"], stats["kinds"]) == (1, 3, 1, 1)
    target = tmp_path / "mine.yaml"
    code = main(
        ["phrasebank", "add", "--kind", "block", "--role", "tasks", "--function", "部署任务", "--text", BODY,
         "--topic", "防汛抗旱", "--point", "压实责任", "--heading", "压紧压实防汛责任", "--period", "年中",
         "--to", str(target)]
    )  # fmt: skip
    assert code == 0 and "已添加：blk.tasks.deploy.u001" in capsys.readouterr().out
    assert load_file(target).blocks[0].fits.period == ("年中",)
    code = main(["phrasebank", "add", "--role", "tasks", "--function", "部署任务", "--text", "抓落实。",
                 "--heading", "抓落实", "--to", str(target)])  # fmt: skip
    assert code != 0 and "--kind block" in capsys.readouterr().err
