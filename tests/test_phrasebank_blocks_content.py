"""Content checks for the shipped paragraph blocks (phrasebank/blocks/*.yaml) and meeting kinds (kinds.yaml)."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from functools import cache

import jsonschema
import pytest
import yaml

from drafter.phrasebank import block_chars, load_phrasebank
from drafter.util import phrasebank_dir

KINDS = (
    "plenary", "economy", "projects", "safety", "flood", "forest_fire", "rural", "business_env", "ecology",
    "education", "health", "integrity", "conduct", "stability", "livelihood", "civilized_city", "mobilization",
    "review",
)  # fmt: skip

# Words that tie a text to one level, one half of the year, or one speaker.
LEVEL_WORDS = re.compile(
    r"(?<!健)全县|(?<!健)全市|县委|市委|县政府|市政府|副县长|副市长|各县（市、区）|县直|市直"
)
PERIOD_WORDS = re.compile(r"上半年|下半年|一季度|四季度|前三季度|年初以来|岁末年初|第一次全体会议")
# Invented facts: figures with units, percentages, rankings.
FACT_WORDS = re.compile(
    r"\d+(\.\d+)?\s*(%|％|亿|万元|万人|个百分点|吨)|第[一二三四五六七八九十\d]+名|排名第|位居"
)


@cache
def bank():
    return load_phrasebank(include_user=False)


def blocks_of(kind: str):
    return [b for b in bank().blocks.values() if b.id.split(".")[1] == kind]


def test_shipped_blocks_and_kinds_load_without_problems():
    problems = [p for p in bank().problems if "blocks" in p.file or "kinds" in p.file]
    assert not problems, [str(p) for p in problems[:5]]
    assert set(bank().kinds) == set(KINDS)


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_has_a_usable_set(kind):
    blocks = blocks_of(kind)
    by_role = defaultdict(list)
    for b in blocks:
        by_role[b.role].append(b)
        assert b.origin == "curated" and b.source is None
        assert 120 <= block_chars(b.text) <= 500
    points = bank().block_points(b for b in by_role["tasks"] if b.function == "部署任务")
    assert len(points) >= 6, kind
    assert all(len(alts) >= 2 for alts in points.values()), kind
    for b in by_role["tasks"]:
        assert len(b.headings) == 3 and len(set(b.headings)) == 3, b.id
        if b.function in ("工作措施", "责任落实"):  # a further paragraph of a point's subsection
            main = [m for m in by_role["tasks"] if m.point == b.point and m.function == "部署任务"]
            assert main and main[0].headings == b.headings, b.id
            continue
        assert block_chars(b.text) >= 250, b.id  # a subsection, not a sentence
    assert len(by_role["opening"]) >= 2 and len(by_role["closing"]) >= 2 and len(by_role["situation"]) >= 2
    structures = bank().kinds[kind].structures
    assert len(structures) == 2
    for st in structures:
        for role in st.roles:
            assert len(st.headings[role]) == 3, (kind, role)


def test_general_blocks_cover_opening_discipline_and_closing():
    general = blocks_of("general")
    assert all(b.topics == [] for b in general)
    functions = {b.function for b in general}
    assert {
        "会议目的",
        "回应前面发言",
        "引出意见",
        "作风要求",
        "工作要求",
        "督查问责",
        "廉政要求",
        "号召",
    } <= functions
    for b in general:
        if b.role == "discipline":
            assert len(b.headings) == 3, b.id
        if b.function == "回应前面发言":
            assert b.fits.needs == ("前面发言",)
        if b.function == "引出意见":
            assert "{{ 意见条数 }}" in b.text


def test_alternatives_are_genuinely_different():
    """Two blocks of one point share little: not a paraphrase of one sentence."""
    for alts in bank().block_points(bank().blocks.values()).values():
        for i, a in enumerate(alts):
            for b in alts[i + 1 :]:
                sa, sb = set(re.split("[，。；！]", a.text)), set(re.split("[，。；！]", b.text))
                shared = {s for s in sa & sb if len(s) >= 8}
                assert not shared, (a.id, b.id, shared)


def test_context_bound_words_only_where_the_block_says_so():
    for b in bank().blocks.values():
        if b.fits.level:
            continue
        assert not LEVEL_WORDS.search(b.text), (b.id, LEVEL_WORDS.search(b.text).group())
    for b in bank().blocks.values():
        m = PERIOD_WORDS.search(b.text)
        if m:
            assert b.fits.period, (b.id, m.group())
            if m.group() in ("上半年", "下半年"):
                assert set(b.fits.period) <= {"年中", "三季度"}, b.id


def test_no_invented_facts_figures_are_slots():
    for b in bank().blocks.values():
        assert not FACT_WORDS.search(b.text), (b.id, FACT_WORDS.search(b.text).group())
        if b.function == "肯定成绩":
            assert re.search(r"\{\{ (工作成效|主要指标) \}\}", b.text), b.id


def test_block_files_validate_against_the_json_schema():
    schema = json.loads((phrasebank_dir() / "schema.json").read_text(encoding="utf-8"))
    validator = jsonschema.validators.validator_for(schema)(schema)
    files = [*sorted((phrasebank_dir() / "blocks").glob("*.yaml")), phrasebank_dir() / "kinds.yaml"]
    assert len(files) >= 20  # the 19 curated block files, kinds.yaml (and seeds.yaml, mined from seeds/)
    for path in files:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        errors = [e.message for e in validator.iter_errors(doc)]
        assert not errors, (path.name, errors[:3])
