"""``add_phrase``: validation, warnings, byte-for-byte preservation of the file, crash safety."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from drafter.errors import DrafterError
from drafter.phrasebank import USER_FILE_HEADER, add_phrase, check_paths, load_file, load_phrasebank

ROOT = Path(__file__).resolve().parent.parent

SHIPPED = """\
slots:
  - {name: 地区, prompt: 县市名称, example: 青山县}
phrases:
  - id: closing.call.001
    role: closing
    function: 号召
    text: "同志们，时间已经过半，任务依然艰巨。让我们在县委的坚强领导下，奋力完成全年目标任务！"
    origin: curated
"""


@pytest.fixture(autouse=True)
def _dirs(tmp_path, monkeypatch):
    """A small shipped layer (fast, independent of the real content) and an empty user folder."""
    home = tmp_path / "home"
    (home / "phrasebank").mkdir(parents=True)
    (home / "phrasebank" / "a.yaml").write_text(SHIPPED, encoding="utf-8")
    monkeypatch.setenv("DRAFTER_HOME", str(home))
    monkeypatch.setenv("DRAFTER_USER_DIR", str(tmp_path / "user"))


def user_file(tmp_path: Path) -> Path:
    return tmp_path / "user" / "phrasebank" / "mine.yaml"


def test_add_creates_user_file_with_header(tmp_path):
    res = add_phrase("tasks", "部署任务", "要把招商引资作为{{ 地区 }}经济工作的生命线。", topics=["招商引资"])
    path = user_file(tmp_path)
    assert Path(res.file) == path
    assert res.id == "tasks.deploy.u001"
    assert res.warnings == []
    text = path.read_text(encoding="utf-8")
    assert text.startswith(USER_FILE_HEADER)
    assert check_paths([path]) == []
    bank = load_phrasebank()
    phrase = bank.phrases[res.id]
    assert phrase.text == "要把招商引资作为{{ 地区 }}经济工作的生命线。"
    assert phrase.topics == ["招商引资"] and phrase.origin == "curated" and phrase.role == "tasks"
    assert bank.layer_of[res.id] == "user"
    assert not path.with_name("mine.yaml.bak").exists()  # nothing to back up the first time

    res2 = add_phrase("tasks", "部署任务", "持续优化营商环境，深化放管服改革。")
    assert res2.id == "tasks.deploy.u002"
    assert path.with_name("mine.yaml.bak").read_text(encoding="utf-8") == text
    assert list(load_phrasebank().phrases)[-2:] == [res.id, res2.id]


COMMENTED = """\
# 我的短语   （注释、空行、奇怪的缩进都要原样保留）

phrases:
# 第一组
-   id: mine.a
    role: tasks      # 行尾注释
    function: 部署任务
    text: >-
      折叠的
      长句子。


-   id: mine.b
    role: discipline
    function: 作风要求
    topics: [干部队伍]
    text: '单引号''文字'''
    # 条目里的注释
"""


def test_add_keeps_existing_bytes_and_matches_indentation(tmp_path):
    path = tmp_path / "mine.yaml"
    path.write_bytes(COMMENTED.encode("utf-8"))
    res = add_phrase("discipline", "作风要求", "要持续发扬严实作风。", to=path)
    new = path.read_bytes()
    assert new.startswith(COMMENTED.encode("utf-8"))
    added = new[len(COMMENTED.encode("utf-8")) :].decode("utf-8")
    assert added.startswith(f"-   id: {res.id}\n    role: discipline\n")
    phrases = load_file(path).phrases
    assert [p.id for p in phrases] == ["mine.a", "mine.b", res.id]
    assert phrases[0].text == "折叠的 长句子。"
    assert path.with_name("mine.yaml.bak").read_bytes() == COMMENTED.encode("utf-8")


NOT_LAST = """\
phrases:
  - id: mine.a
    role: tasks
    function: 部署任务
    text: |
      第一行
      第二行

# —— 标题组 ——
heading_sets:
  - id: hs.a
    frame: 强化{X}意识
    items: [担当, 攻坚, 效率]
    role: discipline
"""


def test_add_when_phrases_is_not_last(tmp_path):
    path = tmp_path / "mine.yaml"
    path.write_text(NOT_LAST, encoding="utf-8")
    res = add_phrase("tasks", "部署任务", "狠抓项目建设。", to=path)
    new = path.read_text(encoding="utf-8")
    cut = NOT_LAST.index("\n# —— 标题组")  # the blank line kept by the literal block ends the entry
    head, tail = NOT_LAST[:cut], NOT_LAST[cut:]
    assert new.startswith(head) and new.endswith(tail)
    middle = new[len(head) : len(new) - len(tail)]
    assert middle.startswith(f"  - id: {res.id}\n") and "狠抓项目建设。" in middle
    loaded = load_file(path)
    assert [p.id for p in loaded.phrases] == ["mine.a", res.id]
    assert loaded.phrases[0].text == "第一行\n第二行\n"
    assert [h.id for h in loaded.heading_sets] == ["hs.a"]
    assert loaded.problems == []


def test_add_to_file_without_phrases_key(tmp_path):
    path = tmp_path / "x.yaml"
    original = "# 只有标题组\nheading_sets:\n- id: hs.a\n  frame: 突出{X}\n  items: [重点, 难点, 亮点]\n  role: tasks"
    path.write_text(original, encoding="utf-8")  # no final newline
    res = add_phrase("tasks", "工作要求", "突出重点。", to=path)
    new = path.read_text(encoding="utf-8")
    assert new.startswith(original + "\nphrases:\n")
    loaded = load_file(path)
    assert [p.id for p in loaded.phrases] == [res.id] and len(loaded.heading_sets) == 1


def test_add_to_empty_phrases_key_followed_by_another(tmp_path):
    path = tmp_path / "x.yaml"
    original = "phrases:\nslots:\n  - {name: 项目名称, prompt: 项目, example: 产业园}\n"
    path.write_text(original, encoding="utf-8")
    res = add_phrase("tasks", "部署任务", "推进{{ 项目名称 }}建设。", to=path)
    new = path.read_text(encoding="utf-8")
    assert new.startswith("phrases:\n  - id: ") and new.endswith(
        "slots:\n  - {name: 项目名称, prompt: 项目, example: 产业园}\n"
    )
    assert [p.id for p in load_file(path).phrases] == [res.id]
    assert check_paths([path]) == []


def test_add_to_empty_and_comment_only_files(tmp_path):
    for original in ("", "# 注释\n", "# 没有换行"):
        path = tmp_path / "c.yaml"
        path.write_text(original, encoding="utf-8")
        res = add_phrase("closing", "号召", "让我们团结一心、真抓实干！", to=path)
        new = path.read_text(encoding="utf-8")
        assert new.startswith(original)
        assert [p.id for p in load_file(path).phrases] == [res.id]


def test_crlf_and_bom_are_kept(tmp_path):
    path = tmp_path / "win.yaml"
    original = "\ufeff# Windows 记事本\r\nphrases:\r\n  - id: mine.a\r\n    role: tasks\r\n    function: 部署任务\r\n    text: 抓落实。\r\n"
    path.write_bytes(original.encode("utf-8"))
    res = add_phrase("tasks", "部署任务", "重实干。", to=path)
    raw = path.read_bytes()
    assert raw.startswith(original.encode("utf-8"))
    added = raw[len(original.encode("utf-8")) :]
    assert b"\r\n" in added and b"\n" not in added.replace(b"\r\n", b"")
    assert [p.id for p in load_file(path).phrases] == ["mine.a", res.id]


def test_flow_style_phrases_refused_and_file_untouched(tmp_path):
    path = tmp_path / "flow.yaml"
    original = "phrases: [{id: a, role: tasks, function: 部署任务, text: x}]\n"
    path.write_text(original, encoding="utf-8")
    with pytest.raises(DrafterError, match="无法安全追加"):
        add_phrase("tasks", "部署任务", "新的一句。", to=path)
    assert path.read_text(encoding="utf-8") == original
    assert not path.with_name("flow.yaml.bak").exists()


def test_broken_target_refused(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("phrases:\n  - id: a\n    text: [\n", encoding="utf-8")
    with pytest.raises(DrafterError, match="先修正") as info:
        add_phrase("tasks", "部署任务", "新的一句。", to=path)
    assert "bad.yaml" in str(info.value)
    assert path.read_text(encoding="utf-8") == "phrases:\n  - id: a\n    text: [\n"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"role": "ending"}, "role“ending”未知"),
        ({"function": ""}, "缺少 function"),
        ({"text": "   "}, "不能为空"),
        ({"text": "抓好{{ 地区 落实"}, "模板语法错误"),
        ({"id": "中文编号"}, "不合法"),
    ],
)
def test_invalid_entries_raise_and_write_nothing(tmp_path, kwargs, message):
    args = {"role": "tasks", "function": "部署任务", "text": "抓落实。", **kwargs}
    with pytest.raises(DrafterError, match=message):
        add_phrase(**args)
    assert not user_file(tmp_path).exists()


def test_target_must_be_yaml(tmp_path):
    with pytest.raises(DrafterError, match=r"\.yaml"):
        add_phrase("tasks", "部署任务", "抓落实。", to=tmp_path / "notes.txt")
    with pytest.raises(DrafterError, match="不存在"):
        add_phrase("tasks", "部署任务", "抓落实。", to=tmp_path / "nowhere" / "x.yaml")


def test_warnings(tmp_path):
    res = add_phrase(
        "closing",
        "号召",
        "同志们，时间已经过半，任务依然艰巨。让我们在县委的坚强领导下，奋力完成全年目标任务。",
    )
    assert any("closing.call.001" in w and "几乎相同" in w for w in res.warnings)
    res = add_phrase("tasks", "随口一说", "推进{{ 新空位 }}工作。")
    assert any("随口一说" in w for w in res.warnings)
    assert any("新空位" in w for w in res.warnings)
    assert res.id == "tasks.other.u001"
    path = user_file(tmp_path)
    assert [p for p in check_paths([path]) if p.severity == "error"] == []
    phrase = load_file(path).phrases[-1]
    assert [s.name for s in phrase.slots] == ["新空位"]


def test_given_id(tmp_path):
    res = add_phrase("tasks", "部署任务", "抓落实。", id="tasks.mine.001")
    assert res.id == "tasks.mine.001"
    with pytest.raises(DrafterError, match="已存在"):
        add_phrase("tasks", "部署任务", "重实干。", id="tasks.mine.001")
    res = add_phrase("closing", "号召", "奋力前行。", id="closing.call.001")
    assert any("覆盖" in w for w in res.warnings)
    assert load_phrasebank().phrases["closing.call.001"].text == "奋力前行。"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    text=st.text(
        alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="{}")
        | st.sampled_from("\n\t:#'\"\\-"),
        min_size=1,
        max_size=60,
    ).filter(lambda s: s.strip()),
    topic=st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=8).filter(
        lambda s: s.strip()
    ),
)
def test_any_text_round_trips(tmp_path, text, topic):
    path = tmp_path / "prop.yaml"
    path.write_text(COMMENTED, encoding="utf-8")
    res = add_phrase("tasks", "部署任务", text, topics=[topic], to=path)
    assert path.read_bytes().startswith(COMMENTED.encode("utf-8"))
    phrase = load_file(path).phrases[-1]
    assert phrase.id == res.id and phrase.text == text.strip() and phrase.topics == [topic.strip()]


# ---- crash safety -------------------------------------------------------------------------------

CRASH_SCRIPT = textwrap.dedent(
    """
    import os, sys, time
    real_replace = os.replace

    def slow_replace(src, dst):
        # The new content is written and fsynced to the temporary file; stop before the rename.
        print("READY", src, flush=True)
        time.sleep(60)
        real_replace(src, dst)

    os.replace = slow_replace
    from drafter.phrasebank import add_phrase
    add_phrase("tasks", "部署任务", "被杀死时正在写入的一句。", to=sys.argv[1] if len(sys.argv) > 1 else None)
    """
)


def _run_and_kill(args: list[str]) -> str:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    proc = subprocess.Popen(
        [sys.executable, "-c", CRASH_SCRIPT, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env
    )
    try:
        ready, _, _ = select.select([proc.stdout], [], [], 60)
        assert ready, "the add never reached the rename"
        line = proc.stdout.readline().decode()
        assert line.startswith("READY"), line + proc.stderr.read().decode()
        tmp = line.split(" ", 1)[1].strip()
        assert Path(tmp).exists()  # the partial write exists, under a hidden temporary name
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == -signal.SIGKILL
    return tmp


def test_sigkill_during_add_leaves_old_file_intact(tmp_path):
    folder = tmp_path / "pb"
    folder.mkdir()
    path = folder / "mine.yaml"
    path.write_bytes(COMMENTED.encode("utf-8"))
    before = path.read_bytes()
    tmp = _run_and_kill([str(path)])
    assert path.read_bytes() == before
    assert Path(tmp).name.startswith(".") and not Path(tmp).name.endswith((".yaml", ".yml"))
    yaml_files = sorted(p.name for p in folder.iterdir() if p.suffix in (".yaml", ".yml"))
    assert yaml_files == ["mine.yaml"]
    # The leftover temporary file is invisible to the phrasebank, and the next add works.
    bank = load_phrasebank([folder], include_shipped=False, include_user=False)
    assert bank.problems == [] and list(bank.phrases) == ["mine.a", "mine.b"]
    res = add_phrase("tasks", "部署任务", "之后再加一句。", to=path)
    assert path.read_bytes().startswith(before)
    assert [p.id for p in load_file(path).phrases][-1] == res.id


def test_sigkill_while_creating_user_file_leaves_nothing(tmp_path):
    start = time.monotonic()
    _run_and_kill([])
    folder = user_file(tmp_path).parent
    assert not user_file(tmp_path).exists()
    assert [p for p in folder.iterdir() if not p.name.startswith(".")] == []
    assert load_phrasebank(include_shipped=False).phrases == {}
    assert time.monotonic() - start < 60


KEEP = """\
phrases:
  - id: mine.a
    role: tasks
    function: 部署任务
    text: |+
      保留末尾空行

    # 属于 mine.a 的注释
slots:
  - {name: 项目名称, prompt: 项目, example: 产业园}
"""


def test_keep_chomping_and_indented_comments_stay_with_their_entry(tmp_path):
    path = tmp_path / "keep.yaml"
    path.write_text(KEEP, encoding="utf-8")
    res = add_phrase("tasks", "部署任务", "狠抓落实。", to=path)
    new = path.read_text(encoding="utf-8")
    cut = KEEP.index("slots:")
    assert new.startswith(KEEP[:cut]) and new.endswith(KEEP[cut:])
    loaded = load_file(path)
    assert [p.id for p in loaded.phrases] == ["mine.a", res.id]
    assert loaded.phrases[0].text == "保留末尾空行\n\n"
    assert [s.name for s in loaded.slots] == ["项目名称"]


def _add_in_child(target: str, n: int, barrier, results) -> None:
    barrier.wait()
    try:
        res = add_phrase("tasks", "部署任务", f"要抓好第{n}项重点工作，确保按期完成。", to=target)
        results.put(("ok", res.id))
    except DrafterError as exc:  # pragma: no cover - reported through the queue
        results.put(("error", str(exc)))


def test_twenty_concurrent_adds_keep_every_entry_with_distinct_ids(tmp_path):
    import multiprocessing

    ctx = multiprocessing.get_context("fork")
    target = tmp_path / "shared.yaml"
    target.write_text("# 科室共享素材库\nphrases:\n", encoding="utf-8")
    barrier = ctx.Barrier(20)
    results = ctx.Queue()
    procs = [ctx.Process(target=_add_in_child, args=(str(target), n, barrier, results)) for n in range(20)]
    for proc in procs:
        proc.start()
    got = [results.get(timeout=120) for _ in procs]
    for proc in procs:
        proc.join(timeout=60)
    assert [kind for kind, _ in got] == ["ok"] * 20, got
    ids = [value for _, value in got]
    assert len(set(ids)) == 20
    res = load_file(target)
    assert not res.problems
    assert sorted(p.id for p in res.phrases) == sorted(ids)
    assert {p.text for p in res.phrases} == {f"要抓好第{n}项重点工作，确保按期完成。" for n in range(20)}
    assert target.read_text(encoding="utf-8").startswith("# 科室共享素材库\nphrases:\n")
