"""Phrasebank loading and validation: every message names its file and line; layers; hostile files."""

from __future__ import annotations

import json
import time
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from drafter.phrasebank import (
    MAX_FILE_BYTES,
    check_paths,
    load_file,
    load_phrasebank,
    slot_names,
)
from drafter.util import phrasebank_dir

GOOD = """\
# a comment
slots:
  - {name: 项目名称, prompt: 项目的名称, example: 新能源产业园}
phrases:
  - id: tasks.deploy.001
    role: tasks
    function: 部署任务
    topics: [招商引资, 项目建设]
    text: "要紧盯{{ 项目名称 }}，在{{ 地区 }}掀起招商引资热潮。"
    source: {file: 001_586566592891807d.txt, speech: 0, line: 18}
  - id: closing.call.001
    role: closing
    function: 号召
    text: |
      同志们，让我们在{{ 上级党委 }}的坚强领导下，
      奋力完成全年目标任务！
    slots:
      - {name: 上级党委, prompt: 领导本次会议的党委, example: 县委}
    origin: curated
heading_sets:
  - id: hs.qianghua-yishi
    frame: 强化{X}意识
    items: [担当, 攻坚, 效率]
    role: discipline
    level: sub
    origin: curated
"""


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(tmp_path: Path, text: str, name: str = "bank.yaml"):
    path = write(tmp_path / "pb", name, text)
    return path, check_paths([path])


def only(problems, needle: str):
    found = [p for p in problems if needle in p.message]
    assert len(found) == 1, [str(p) for p in problems]
    return found[0]


def test_good_file_loads_with_lines(tmp_path):
    path, problems = problems_of(tmp_path, GOOD)
    assert problems == []
    res = load_file(path)
    first, second = res.phrases
    assert (first.id, first.role, first.function) == ("tasks.deploy.001", "tasks", "部署任务")
    assert first.topics == ["招商引资", "项目建设"]
    assert first.line == 5 and second.line == 11
    assert first.source is not None and (first.source.file, first.source.speech, first.source.line) == (
        "001_586566592891807d.txt",
        0,
        18,
    )
    assert second.origin == "curated" and second.source is None
    assert second.text.startswith("同志们，让我们在{{ 上级党委 }}")
    assert [s.name for s in second.slots] == ["上级党委"]
    (hs,) = res.heading_sets
    assert hs.headings() == ["强化担当意识", "强化攻坚意识", "强化效率意识"]
    assert hs.line == 21
    assert [s.name for s in res.slots] == ["项目名称"]


def test_slot_names_in_order():
    assert slot_names("在{{ 地区 }}召开{{ 会议名称 }}，{{ 地区 }}各部门") == ["地区", "会议名称"]
    assert slot_names("{% if 年份 %}{{ 年份 }}年{% endif %}全县") == ["年份"]
    assert slot_names("没有空位。") == []
    assert slot_names("{{ 坏 ") == []


def test_yaml_syntax_error_has_line_and_column(tmp_path):
    text = "phrases:\n  - id: a.b.001\n    role: tasks\n    text: [未闭合\n"
    _, problems = problems_of(tmp_path, text)
    (p,) = problems
    assert p.severity == "error"
    assert p.file.endswith("bank.yaml")
    assert p.line >= 4 and p.column is not None
    assert "YAML 语法错误" in p.message and f"第 {p.line} 行第 {p.column} 列" in p.message
    assert str(p).startswith(f"{p.file}:{p.line}: ")


def test_tab_indentation_explained(tmp_path):
    _, problems = problems_of(tmp_path, "phrases:\n\t- id: x\n")
    (p,) = problems
    assert p.line == 2 and "Tab" in p.message


ENTRY = """\
phrases:
  - id: tasks.deploy.001
    role: tasks
    function: 部署任务
    text: 抓好落实。
"""


def test_missing_role(tmp_path):
    text = ENTRY.replace("    role: tasks\n", "")
    _, problems = problems_of(tmp_path, text)
    p = only(problems, "缺少“role”")
    assert p.line == 2 and p.severity == "error" and "tasks.deploy.001" in p.message


def test_unknown_role(tmp_path):
    _, problems = problems_of(tmp_path, ENTRY.replace("role: tasks", "role: ending"))
    p = only(problems, "role“ending”未知")
    assert p.line == 3 and "opening" in p.message


def test_missing_text(tmp_path):
    _, problems = problems_of(tmp_path, ENTRY.replace("    text: 抓好落实。\n", ""))
    p = only(problems, "缺少“text”")
    assert p.line == 2


def test_empty_text(tmp_path):
    _, problems = problems_of(tmp_path, ENTRY.replace("text: 抓好落实。", 'text: ""'))
    p = only(problems, "不能为空")
    assert p.line == 5


def test_wrong_types(tmp_path):
    text = ENTRY.replace("text: 抓好落实。", "text: [抓好, 落实]") + "    topics: 招商引资\n"
    _, problems = problems_of(tmp_path, text)
    p = only(problems, "“text”应为文字")
    assert p.line == 5 and "列表" in p.message
    p = only(problems, "“topics”应为文字列表")
    assert p.line == 6


def test_entry_not_a_mapping(tmp_path):
    _, problems = problems_of(tmp_path, "phrases:\n  - 就一句话\n")
    p = only(problems, "应为映射")
    assert p.line == 2


def test_top_level_not_a_mapping(tmp_path):
    _, problems = problems_of(tmp_path, "- a\n- b\n")
    p = only(problems, "顶层应为映射")
    assert p.line == 1


def test_duplicate_id_same_file_names_both_lines(tmp_path):
    text = ENTRY + ENTRY.split("\n", 1)[1].replace("抓好落实", "狠抓落实")
    _, problems = problems_of(tmp_path, text)
    p = only(problems, "重复")
    assert p.line == 6 and "第 2 行" in p.message


def test_duplicate_id_across_files_of_a_layer(tmp_path):
    folder = tmp_path / "layer"
    a = write(folder, "a.yaml", ENTRY)
    write(folder, "b.yaml", "# x\n" + ENTRY)
    problems = check_paths([folder])
    p = only(problems, "重复")
    assert p.file.endswith("b.yaml") and p.line == 3
    assert f"{a.name}:2" in p.message
    bank = load_phrasebank([folder], include_shipped=False, include_user=False)
    assert only(bank.problems, "重复").file.endswith("b.yaml")
    assert bank.phrases["tasks.deploy.001"].file.endswith("a.yaml")


def test_slot_not_declared(tmp_path):
    _, problems = problems_of(tmp_path, ENTRY.replace("抓好落实。", "抓好{{ 不存在的槽 }}落实。"))
    p = only(problems, "不存在的槽")
    assert p.line == 5 and "未声明" in p.message


def test_slot_declared_in_entry_or_registry_or_meeting_fields(tmp_path):
    text = ENTRY.replace("抓好落实。", '"{{ 地区 }}抓好{{ 自有 }}和{{ 登记 }}。"') + (
        "    slots:\n      - {name: 自有, prompt: 提示, example: 例}\nslots:\n  - {name: 登记, prompt: p, example: e}\n"
    )
    _, problems = problems_of(tmp_path, text)
    assert problems == []


def test_jinja_syntax_error_line(tmp_path):
    _, problems = problems_of(tmp_path, ENTRY.replace("抓好落实。", '"抓好{{ 地区 落实。"'))
    p = only(problems, "模板语法错误")
    assert p.line == 5
    block = ENTRY.replace("text: 抓好落实。", "text: |\n      第一行\n      第二行{% if %}\n")
    _, problems = problems_of(tmp_path, block, "block.yaml")
    p = only(problems, "模板语法错误")
    assert p.line == 7


def test_unknown_function_is_a_warning(tmp_path):
    _, problems = problems_of(tmp_path, ENTRY.replace("部署任务", "随便说说"))
    p = only(problems, "随便说说")
    assert p.severity == "warning" and p.line == 4


def test_unknown_and_duplicate_keys(tmp_path):
    _, problems = problems_of(tmp_path, ENTRY + "    colour: red\n    role: closing\n")
    p = only(problems, "colour")
    assert p.severity == "warning" and p.line == 6
    p = only(problems, "键“role”重复")
    assert p.severity == "error" and p.line == 7 and "第 3 行" in p.message


def test_bad_source(tmp_path):
    _, problems = problems_of(tmp_path, ENTRY + "    source: {file: a.txt, speech: -1, line: 三}\n")
    assert {p.line for p in problems} == {6}
    assert any("source.speech" in p.message for p in problems)
    assert any("source.line" in p.message for p in problems)


def test_heading_set_frame_without_slot(tmp_path):
    text = "heading_sets:\n  - id: hs.a\n    frame: 强化意识\n    items: [担当, 攻坚, 效率]\n    role: discipline\n"
    _, problems = problems_of(tmp_path, text)
    p = only(problems, "没有槽位")
    assert p.line == 3


def test_heading_set_custom_slot_name(tmp_path):
    text = "heading_sets:\n  - id: hs.a\n    frame: 突出{Y}\n    slot: Y\n    items: [重点, 难点, 亮点]\n    role: tasks\n"
    path, problems = problems_of(tmp_path, text)
    assert problems == []
    assert load_file(path).heading_sets[0].headings() == ["突出重点", "突出难点", "突出亮点"]


def test_heading_set_too_few_items(tmp_path):
    text = (
        "heading_sets:\n  - id: hs.a\n    frame: 强化{X}意识\n    items: [担当, 攻坚]\n    role: discipline\n"
    )
    _, problems = problems_of(tmp_path, text)
    p = only(problems, "至少要有 3 项")
    assert p.line == 4


def test_entries_with_errors_are_left_out_but_others_load(tmp_path):
    text = ENTRY + "  - id: bad.one\n    role: nope\n    function: 号召\n    text: x\n"
    folder = tmp_path / "layer"
    write(folder, "a.yaml", text)
    bank = load_phrasebank([folder], include_shipped=False, include_user=False)
    assert list(bank.phrases) == ["tasks.deploy.001"]
    assert len(bank.errors) == 1


# ---- hostile input -------------------------------------------------------------------------------


def test_alias_bomb_is_refused_quickly(tmp_path):
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i, name in enumerate("bcdefghi"):
        prev = "abcdefghi"[i]
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    lines.append("phrases: *i")
    start = time.perf_counter()
    _, problems = problems_of(tmp_path, "\n".join(lines) + "\n")
    elapsed = time.perf_counter() - start
    p = only(problems, "别名")
    assert p.severity == "error" and p.line >= 1  # the shared loader refuses at the first anchor
    # Generous bound: an expanding loader would need minutes and gigabytes.
    assert elapsed < 5


def test_recursive_alias_is_refused(tmp_path):
    _, problems = problems_of(tmp_path, "phrases: &a [*a]\n")
    assert any("别名" in p.message for p in problems)


def test_huge_file_refused_before_parsing(tmp_path):
    path = tmp_path / "huge.yaml"
    with open(path, "wb") as fh:
        fh.truncate(100 * 1024 * 1024)  # sparse: 100 MB that would take long to parse
    problems = check_paths([path])
    (p,) = problems
    assert "文件过大" in p.message and "100.0 MB" in p.message
    assert p.file.endswith("huge.yaml")


def test_limit_is_just_above_real_files(tmp_path):
    path = tmp_path / "big.yaml"
    body = ENTRY + "# " + "很" * ((MAX_FILE_BYTES - len(ENTRY.encode())) // 3 - 10) + "\n"
    path.write_text(body, encoding="utf-8")
    assert path.stat().st_size <= MAX_FILE_BYTES
    assert check_paths([path]) == []


def test_not_utf8_and_binary(tmp_path):
    gbk = tmp_path / "gbk.yaml"
    gbk.write_bytes("phrases:\n  - id: a\n    text: 中文\n".encode("gb18030"))
    (p,) = check_paths([gbk])
    assert "UTF-8" in p.message and p.line == 3
    binary = tmp_path / "bin.yaml"
    binary.write_bytes(b"\x00\x01\x02phrases")
    (p,) = check_paths([binary])
    assert "二进制" in p.message


def test_utf8_bom_is_accepted(tmp_path):
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + ENTRY.encode("utf-8"))
    assert check_paths([path]) == []
    assert load_file(path).phrases[0].line == 2


def test_multiple_documents_refused(tmp_path):
    _, problems = problems_of(tmp_path, ENTRY + "---\n" + ENTRY)
    p = only(problems, "只能有一个 YAML 文档")
    assert p.line == 7


def test_empty_and_comment_only_files_are_fine(tmp_path):
    _, problems = problems_of(tmp_path, "")
    assert problems == []
    _, problems = problems_of(tmp_path, "# 只有注释\n", "c.yaml")
    assert problems == []


def test_missing_path_reported(tmp_path):
    (p,) = check_paths([tmp_path / "nope.yaml"])
    assert "不存在" in p.message


# ---- layers ---------------------------------------------------------------------------------------


def test_layers_override_by_id(tmp_path, monkeypatch):
    shipped = tmp_path / "home" / "phrasebank"
    write(shipped, "a.yaml", GOOD)
    write(shipped / ".hidden", "x.yaml", "phrases: [broken\n")
    (shipped / "a.yaml.bak").write_text("not: [yaml", encoding="utf-8")
    monkeypatch.setenv("DRAFTER_HOME", str(tmp_path / "home"))
    user = tmp_path / "user" / "phrasebank"
    write(user, "mine.yaml", ENTRY.replace("抓好落实。", "用户版本。"))
    extra = tmp_path / "extra"
    write(extra, "x.yaml", ENTRY.replace("抓好落实。", "额外版本。"))

    bank = load_phrasebank()
    assert bank.problems == []
    assert bank.phrases["tasks.deploy.001"].text == "用户版本。"
    assert bank.layer_of["tasks.deploy.001"] == "user"
    assert bank.layer_of["closing.call.001"] == "shipped"
    assert bank.overridden["tasks.deploy.001"][0].endswith("a.yaml:5")
    assert "项目名称" in bank.slots and "地区" in bank.slots

    bank = load_phrasebank([extra])
    assert bank.phrases["tasks.deploy.001"].text == "额外版本。"
    assert bank.layer_of["tasks.deploy.001"] == str(extra)
    assert len(bank.overridden["tasks.deploy.001"]) == 2
    assert len(bank.phrases) == 2 and list(bank.heading_sets) == ["hs.qianghua-yishi"]

    assert load_phrasebank(include_user=False).phrases["tasks.deploy.001"].text.startswith("要紧盯")
    only_user = load_phrasebank(include_shipped=False)
    assert list(only_user.phrases) == ["tasks.deploy.001"]
    assert [layer.name for layer in bank.layers] == ["shipped", "user", str(extra)]


def test_missing_extra_dir_is_a_problem_missing_user_dir_is_not(tmp_path):
    bank = load_phrasebank([tmp_path / "nowhere"], include_shipped=False, strict=False)
    (p,) = bank.problems
    assert "不存在" in p.message


def test_bank_helpers(tmp_path):
    folder = tmp_path / "layer"
    write(folder, "a.yaml", GOOD)
    bank = load_phrasebank([folder], include_shipped=False, include_user=False)
    assert [p.id for p in bank.by_role("closing")] == ["closing.call.001"]
    assert [p.id for p in bank.by_function("部署任务")] == ["tasks.deploy.001"]
    assert [p.id for p in bank.by_topic("招商引资")] == ["tasks.deploy.001"]
    assert [h.id for h in bank.heading_sets_for("discipline")] == ["hs.qianghua-yishi"]
    slots = bank.slots_for(bank.phrases["tasks.deploy.001"])
    assert (slots[0].name, slots[0].prompt) == ("项目名称", "项目的名称")
    stats = bank.stats()
    assert stats == {
        "entries": 2,
        "by_role": {"tasks": 1, "closing": 1},
        "by_function": {"部署任务": 1, "号召": 1},
        "topics": {"招商引资": 1, "项目建设": 1},
        "heading_sets": 1,
        "with_provenance": 1,
        "blocks": 0,
        "block_points": 0,
        "blocks_by_role": {},
        "blocks_by_topic": {},
        "block_chars": 0,
        "kinds": 0,
    }
    assert bank.index is bank.index


# ---- the shipped phrasebank and its schema ----------------------------------------------------------


def shipped_files() -> list[Path]:
    return sorted(phrasebank_dir().glob("*.yaml"))


def test_shipped_phrasebank_checks_clean():
    files = shipped_files()
    assert files, "phrasebank/*.yaml missing"
    errors = [str(p) for p in check_paths(files) if p.severity == "error"]
    assert errors == []


def test_shipped_phrasebank_loads_fast_enough_to_measure():
    start = time.perf_counter()
    bank = load_phrasebank(include_user=False)
    elapsed = time.perf_counter() - start
    assert bank.phrases
    # Not a speed assertion (see benchmarks/bench_search.py); guards against pathological behaviour only.
    assert elapsed < 10


def test_shipped_phrasebank_meets_counts():
    bank = load_phrasebank(include_user=False)
    stats = bank.stats()
    roles = stats["by_role"]
    assert stats["entries"] >= 300
    for role, minimum in {
        "opening": 20,
        "situation": 40,
        "tasks": 80,
        "discipline": 40,
        "closing": 15,
    }.items():
        assert roles.get(role, 0) >= minimum, (role, roles.get(role, 0))
    assert stats["heading_sets"] >= 15
    assert len(stats["topics"]) >= 12
    assert stats["with_provenance"] * 2 >= stats["entries"]


def test_schema_accepts_good_and_shipped_files_and_rejects_bad(tmp_path):
    import jsonschema
    import yaml

    schema = json.loads((phrasebank_dir() / "schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    assert list(validator.iter_errors(yaml.safe_load(GOOD))) == []
    for path in shipped_files():
        errors = list(validator.iter_errors(yaml.safe_load(path.read_text(encoding="utf-8"))))
        assert errors == [], (path.name, [e.message for e in errors[:3]])
    bad = yaml.safe_load(ENTRY.replace("role: tasks", "role: ending"))
    assert list(validator.iter_errors(bad))
    bad = yaml.safe_load(
        "heading_sets:\n  - id: hs.a\n    frame: 强化{X}意识\n    items: [a, b]\n    role: tasks\n"
    )
    assert list(validator.iter_errors(bad))


# ---- no exception escapes, whatever the file holds ----------------------------------------------------

_yaml_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                ["phrases", "heading_sets", "slots", "id", "role", "text", "topics", "items", "frame", "x"]
            ),
            children,
            max_size=5,
        )
    ),
    max_leaves=20,
)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=_yaml_values)
def test_any_yaml_structure_gives_problems_not_exceptions(tmp_path, value, monkeypatch):
    import yaml

    monkeypatch.setenv("DRAFTER_HOME", str(tmp_path / "empty"))
    path = tmp_path / "prop.yaml"
    path.write_text(yaml.safe_dump(value, allow_unicode=True), encoding="utf-8")
    for problem in check_paths([path]):
        assert problem.file.endswith("prop.yaml") and problem.line >= 0 and problem.message


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=300) | st.text(max_size=300).map(lambda s: s.encode("utf-8")))
def test_any_bytes_give_problems_not_exceptions(tmp_path, data, monkeypatch):
    monkeypatch.setenv("DRAFTER_HOME", str(tmp_path / "empty"))
    path = tmp_path / "prop.yaml"
    path.write_bytes(data)
    problems = check_paths([path])
    assert all(p.message for p in problems)
    bank = load_phrasebank([tmp_path], include_shipped=False, include_user=False, strict=False)
    assert all(p.file.endswith("prop.yaml") for p in bank.problems)
