"""Content checks for the shipped phrasebank (phrasebank/*.yaml).

These tests read the YAML files directly, so they hold even while the
phrasebank engine is being written; when ``drafter.phrasebank`` exists the
files are also loaded through it and must give no error-level problems.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from functools import cache
from pathlib import Path

import yaml
from jinja2 import StrictUndefined, meta
from jinja2.sandbox import SandboxedEnvironment

ROOT = Path(__file__).resolve().parent.parent
PB_DIR = ROOT / "phrasebank"
SEEDS_DIR = ROOT / "seeds"

ROLES = ("opening", "situation", "tasks", "discipline", "closing", "transition")
MIN_PER_ROLE = {
    "opening": 25,
    "situation": 45,
    "tasks": 90,
    "discipline": 45,
    "closing": 18,
    "transition": 15,
}
FUNCTIONS = {
    "opening": {"会议定性", "会议目的", "回应前面发言", "引出意见"},
    "situation": {"肯定成绩", "成绩归因", "转折", "问题不足", "形势机遇", "增强紧迫感"},
    "tasks": {"部署任务", "工作要求"},
    "discipline": {"作风要求", "督查问责", "廉政要求", "工作要求"},
    "closing": {"号召", "工作要求"},
    "transition": {"承上启下"},
}
MEETING_FIELDS = ("会议名称", "地区", "讲话人", "职务", "日期", "会议类型", "听众")
# 002_… holds five speeches; the fourth (index 3) repeats the third and must not be cited.
DUPLICATE_SPEECHES = {("002_91703a2dae1be214.txt", 3)}

SLOT_RE = re.compile(r"\{\{\s*([^\s}]+)\s*\}\}")
CLAUSE_RE = re.compile(r"[，。；：！？、“”‘’（）《》—…]")
SPEECH_MARK_RE = re.compile(r"^\s*第[一二三四五六七八九十]+篇")
PLACEHOLDER_RE = re.compile(r"XX|xx|××|＊|\*")
HALF_WIDTH_PUNCT_RE = re.compile(r"[,;:!?()]")
ID_RE = re.compile(r"^[a-z0-9._-]+$")
ENV = SandboxedEnvironment(undefined=StrictUndefined)


# ---------------------------------------------------------------- loading


@cache
def _docs() -> dict[str, dict]:
    docs = {}
    for path in sorted(PB_DIR.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert isinstance(data, dict), f"{path.name}: top level must be a mapping"
        docs[path.name] = data
    return docs


def _phrases() -> list[dict]:
    return [p for doc in _docs().values() for p in (doc.get("phrases") or [])]


def _heading_sets() -> list[dict]:
    return [h for doc in _docs().values() for h in (doc.get("heading_sets") or [])]


def _registry() -> dict[str, dict]:
    slots = {}
    for doc in _docs().values():
        for slot in doc.get("slots") or []:
            slots[slot["name"]] = slot
    return slots


@cache
def _seed(file: str) -> tuple[list[str], list[tuple[int, int]]]:
    """Lines of a seed file and the 1-based (first, last) line range of each speech in it."""
    lines = (SEEDS_DIR / file).read_text(encoding="utf-8").splitlines()
    starts = [i + 1 for i, line in enumerate(lines) if SPEECH_MARK_RE.match(line)]
    if not starts:
        return lines, [(1, len(lines))]
    ends = [s - 1 for s in starts[1:]] + [len(lines)]
    return lines, list(zip(starts, ends, strict=True))


def _slot_names(text: str) -> set[str]:
    return set(meta.find_undeclared_variables(ENV.parse(text)))


def _fragment(text: str) -> str:
    """The entry's distinctive fragment: its longest slot-free clause."""
    clauses = [c for run in SLOT_RE.split(text)[::2] for c in CLAUSE_RE.split(run)]
    return max(clauses, key=len)


def _bigrams(text: str) -> set[str]:
    bare = CLAUSE_RE.sub("", SLOT_RE.sub("", text))
    return {bare[i : i + 2] for i in range(len(bare) - 1)}


def _check_source(source: dict, label: str) -> tuple[list[str], int, int]:
    """Common checks on a ``source`` mapping; returns the seed lines and the speech's line range."""
    file, speech, line = source.get("file"), source.get("speech"), source.get("line")
    assert isinstance(file, str) and (SEEDS_DIR / file).is_file(), f"{label}: no seed file {file!r}"
    lines, ranges = _seed(file)
    assert isinstance(speech, int) and 0 <= speech < len(ranges), f"{label}: bad speech {speech!r}"
    assert (file, speech) not in DUPLICATE_SPEECHES, f"{label}: cites the duplicate speech {file}#{speech}"
    first, last = ranges[speech]
    assert isinstance(line, int) and first <= line <= last, f"{label}: line {line} outside speech {speech}"
    return lines, first, last


# ---------------------------------------------------------------- files and schema


def test_every_file_has_a_chinese_comment_header():
    assert {"slots.yaml", "heading_sets.yaml"} <= set(_docs())
    for role in ROLES:
        assert f"{role}.yaml" in _docs()
    for path in sorted(PB_DIR.glob("*.yaml")):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# ") and re.search(r"[\u4e00-\u9fff]", first), path.name


def test_phrase_entries_have_the_contract_keys():
    allowed = {"id", "role", "function", "topics", "text", "slots", "source", "origin", "notes"}
    for p in _phrases():
        assert set(p) <= allowed, (p["id"], set(p) - allowed)
        assert p["role"] in ROLES, p["id"]
        assert isinstance(p["topics"], list), p["id"]
        assert ("source" in p) != ("origin" in p), f"{p['id']}: exactly one of source / origin"
        if "origin" in p:
            assert p["origin"] == "curated", p["id"]


def test_ids_unique_and_follow_the_convention():
    ids = [p["id"] for p in _phrases()]
    dupes = [i for i, n in Counter(ids).items() if n > 1]
    assert not dupes, dupes
    for p in _phrases():
        assert ID_RE.match(p["id"]) and p["id"].startswith(p["role"] + "."), p["id"]
    hs_ids = [h["id"] for h in _heading_sets()]
    assert len(hs_ids) == len(set(hs_ids))
    assert all(ID_RE.match(i) for i in hs_ids)


def test_entries_sit_in_the_file_of_their_role():
    for name, doc in _docs().items():
        for p in doc.get("phrases") or []:
            assert name == f"{p['role']}.yaml", (name, p["id"])


def test_functions_are_the_known_ones_for_each_role():
    for p in _phrases():
        assert p["function"] in FUNCTIONS[p["role"]], (p["id"], p["function"])


# ---------------------------------------------------------------- size and coverage


def test_counts_per_role_and_total():
    by_role = Counter(p["role"] for p in _phrases())
    for role, minimum in MIN_PER_ROLE.items():
        assert by_role[role] >= minimum, (role, by_role[role])
    assert sum(by_role.values()) >= 330


def test_every_function_of_every_role_is_covered():
    seen = {(p["role"], p["function"]) for p in _phrases()}
    for role, functions in FUNCTIONS.items():
        for function in functions:
            assert (role, function) in seen, (role, function)


def test_at_least_twelve_topics_each_with_several_entries():
    topics = Counter(t for p in _phrases() for t in p["topics"])
    well_covered = [t for t, n in topics.items() if n >= 3]
    assert len(well_covered) >= 12, topics
    tasks_topics = Counter(t for p in _phrases() if p["function"] == "部署任务" for t in p["topics"])
    assert len([t for t, n in tasks_topics.items() if n >= 3]) >= 12, tasks_topics


def test_at_least_half_carry_provenance():
    phrases = _phrases()
    with_source = [p for p in phrases if "source" in p]
    assert 2 * len(with_source) >= len(phrases), (len(with_source), len(phrases))


def test_corpus_entries_come_from_every_seed_file():
    files = {p["source"]["file"] for p in _phrases() if "source" in p}
    assert files == {p.name for p in SEEDS_DIR.glob("*.txt")}


def test_heading_sets():
    sets = _heading_sets()
    assert len(sets) >= 18
    assert sum("source" in h for h in sets) >= 10
    frames = Counter(h["frame"] for h in sets)
    for expected in (
        "强化{X}意识",
        "提高{X}能力",
        "突出{X}",
        "{X}抓落实",
        "建设效率政府，要{X}",
        "全力决胜{X}会战",
    ):
        assert expected in frames, expected
    for h in sets:
        slot = h.get("slot", "X")
        assert h["frame"].count("{" + slot + "}") == 1, h["id"]
        assert len(h["items"]) >= 3 and all(isinstance(i, str) and i for i in h["items"]), h["id"]
        assert len(set(h["items"])) == len(h["items"]), h["id"]
        assert h["role"] in ("situation", "tasks", "discipline"), h["id"]
        assert h.get("level", "sub") in ("top", "sub"), h["id"]
        assert ("source" in h) != ("origin" in h), h["id"]


# ---------------------------------------------------------------- slots and Jinja


def test_registry_holds_meeting_fields_and_common_slots():
    registry = _registry()
    for name in (*MEETING_FIELDS, "上级会议", "年份", "时段", "上级领导", "数字", "意见条数", "议题", "目标"):
        assert name in registry, name
    for slot in registry.values():
        assert slot.get("prompt") and str(slot.get("example", "")), slot


def test_every_text_parses_and_every_slot_is_declared():
    registry = set(_registry())
    for p in _phrases():
        used = _slot_names(p["text"])  # raises on a Jinja syntax error
        assert used == set(SLOT_RE.findall(p["text"])), p["id"]
        declared = registry | {s["name"] for s in p.get("slots") or []}
        assert used <= declared, (p["id"], used - declared)
        for s in p.get("slots") or []:
            assert s["name"] in used and s.get("prompt") and str(s.get("example", "")), (p["id"], s)


def test_texts_render_with_the_registry_examples():
    registry = _registry()
    for p in _phrases():
        values = {name: str(s["example"]) for name, s in registry.items()}
        values.update({s["name"]: str(s["example"]) for s in p.get("slots") or []})
        out = ENV.from_string(p["text"]).render(**values)
        assert "{{" not in out and "}}" not in out, p["id"]


def test_announcing_phrases_carry_the_count_slot():
    announcing = [p for p in _phrases() if p["function"] == "引出意见"]
    with_count = [p for p in announcing if "意见条数" in _slot_names(p["text"])]
    assert len(with_count) >= 3, [p["id"] for p in announcing]


# ---------------------------------------------------------------- text style


def test_text_style():
    for p in _phrases():
        text = p["text"]
        bare = SLOT_RE.sub("", text)
        assert text == text.strip() and " " not in bare and "\t" not in bare, p["id"]
        assert not PLACEHOLDER_RE.search(bare), (p["id"], text)
        assert not HALF_WIDTH_PUNCT_RE.search(bare), (p["id"], text)
        if p["function"] == "号召":
            assert text.endswith(("。", "！")), p["id"]
        else:
            assert text.endswith("。"), p["id"]
        sentences = len(re.findall(r"[。！？]", text))
        assert 1 <= sentences <= 3, (p["id"], sentences)
        # Body sentences, not bare headings such as “全力抓招商上项目。”
        words = CLAUSE_RE.sub("", bare)
        assert len(words) >= (16 if p["role"] == "tasks" else 8), (p["id"], text)


def test_no_near_duplicates():
    grams = [(p["id"], _bigrams(p["text"])) for p in _phrases()]
    close = []
    for (a, ga), (b, gb) in itertools.combinations(grams, 2):
        if ga and gb and len(ga & gb) / len(ga | gb) >= 0.7:
            close.append((a, b))
    assert not close, close


def test_bigram_similarity_detects_a_copy():
    # Guard for the duplicate check itself: a lightly edited copy must count as near-duplicate.
    a = "要以踏石留印、抓铁有痕的劲头，努力把各项工作抓实、抓好、抓出成效。"
    b = "要以踏石留印、抓铁有痕的劲头，把各项工作抓实、抓好、抓出成效。"
    ga, gb = _bigrams(a), _bigrams(b)
    assert len(ga & gb) / len(ga | gb) >= 0.7


# ---------------------------------------------------------------- provenance


def test_every_source_points_at_the_line_it_came_from():
    for p in _phrases():
        if "source" not in p:
            continue
        lines, _, _ = _check_source(p["source"], p["id"])
        fragment = _fragment(p["text"])
        assert len(fragment) >= 6, (p["id"], fragment)
        seed_line = re.sub(r"\s", "", lines[p["source"]["line"] - 1])
        assert fragment in seed_line, (p["id"], fragment, p["source"])


def test_heading_set_sources_hold_their_items():
    for h in _heading_sets():
        if "source" not in h:
            continue
        lines, first, last = _check_source(h["source"], h["id"])
        slot = "{" + h.get("slot", "X") + "}"
        seed_line = re.sub(r"\s", "", lines[h["source"]["line"] - 1])
        assert h["frame"].replace(slot, h["items"][0]) in seed_line, h["id"]
        speech_text = re.sub(r"\s", "", "".join(lines[first - 1 : last]))
        for item in h["items"]:
            assert h["frame"].replace(slot, item) in speech_text, (h["id"], item)


def test_fragment_check_rejects_a_wrong_line():
    # Guard for the provenance check: the same phrase cited one line off must fail.
    p = next(p for p in _phrases() if "source" in p and p["source"]["line"] > 1)
    lines, _ = _seed(p["source"]["file"])
    wrong = re.sub(r"\s", "", lines[p["source"]["line"] - 2])
    assert _fragment(p["text"]) not in wrong


# ---------------------------------------------------------------- through the engine


def test_engine_loads_the_shipped_phrasebank_without_errors(tmp_path, monkeypatch):
    monkeypatch.setenv("DRAFTER_USER_DIR", str(tmp_path))
    from drafter.phrasebank import load_phrasebank

    pb = load_phrasebank(include_user=False)
    errors = [pr for pr in pb.problems if getattr(pr, "severity", "error") == "error"]
    assert not errors, [str(e) for e in errors][:10]
    assert set(pb.phrases) == {p["id"] for p in _phrases()}
    assert set(pb.heading_sets) == {h["id"] for h in _heading_sets()}
    assert set(_registry()) <= set(pb.slots)


def test_files_validate_against_the_json_schema():
    import json

    import jsonschema

    schema = json.loads((PB_DIR / "schema.json").read_text(encoding="utf-8"))
    validator_cls = jsonschema.validators.validator_for(schema)
    validator = validator_cls(schema)
    for name, doc in _docs().items():
        errors = [e.message for e in validator.iter_errors(doc)]
        assert not errors, (name, errors[:3])
