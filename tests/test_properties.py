"""Property tests across the loaders: nothing but ``DrafterError`` escapes on arbitrary input,
and a generated draft survives render -> parse with its structure intact.

- ``drafter.phrasebank.check_paths`` / ``load_file`` on arbitrary text, bytes and YAML-ish
  structures written to a .yaml file;
- ``drafter.draft.parse_draft`` on arbitrary text and YAML-ish structures (and ``read_draft`` on bytes);
- ``drafter.corpus.read_document`` on arbitrary bytes as .txt and as .docx (random bytes,
  mutated real .docx files, zips of random parts);
- random ``Draft`` objects (sections with headings from a safe alphabet, free-text items,
  children, grandchildren) -> ``render_text`` -> ``parse_speech``: the headings, their
  markers and their nesting are those of the draft.
"""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import docx
import pytest
import yaml
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from drafter.corpus import read_document
from drafter.drafting import load_draft, parse_draft, render_text
from drafter.errors import DrafterError, Problem
from drafter.lint import lint_speech
from drafter.model import SECTION_ROLES, Draft, DraftItem, DraftSection, Para
from drafter.outline import parse_speech
from drafter.phrasebank import check_paths, load_file, load_phrasebank
from drafter.text import marker_for

SETTINGS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]
)


@pytest.fixture(scope="module", autouse=True)
def _user_dir(tmp_path_factory: pytest.TempPathFactory):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DRAFTER_USER_DIR", str(tmp_path_factory.mktemp("user")))
        yield


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("props")


# ---------------------------------------------------------------- YAML-ish structures

PHRASEBANK_KEYS = [
    "phrases",
    "heading_sets",
    "slots",
    "id",
    "role",
    "function",
    "text",
    "topics",
    "source",
    "origin",
    "notes",
    "frame",
    "items",
    "slot",
    "level",
    "name",
    "prompt",
    "example",
    "file",
    "speech",
    "line",
]
SPEC_KEYS = [
    "meeting",
    "template",
    "title",
    "opening",
    "sections",
    "closing",
    "options",
    "role",
    "heading",
    "heading_set",
    "item",
    "items",
    "children",
    "phrase",
    "text",
    "values",
    "会议名称",
    "日期",
    "地区",
]
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.sampled_from(
        [
            "tasks",
            "situation",
            "closing",
            "plenary",
            "curated",
            "2024-02-30",
            "2024-03-01",
            "{{ 地区 }}",
            "{{ x",
            "{% if %}",
            "强化{X}意识",
            "tasks.a.001",
            "hs.x",
            "sub",
            "top",
            "要{{ 地区 }}真抓实干。",
            "{{ ''.__class__ }}",
            "{{ 'a' * 999999999 }}",
        ]
    ),
)


def yamlish(keys: list[str]) -> st.SearchStrategy:
    key = st.one_of(st.sampled_from(keys or ["x"]), st.text(max_size=8), st.integers(0, 3))
    return st.recursive(
        SCALARS,
        lambda children: st.one_of(
            st.lists(children, max_size=5),
            st.dictionaries(key, children, max_size=6),
        ),
        max_leaves=30,
    )


def _dump(data: object) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def _bank_entries() -> st.SearchStrategy:
    """Top-level phrasebank documents whose entries are near-valid, so validation code runs deep."""
    entry = st.fixed_dictionaries(
        {
            "id": st.one_of(st.sampled_from(["tasks.a.001", "tasks.a.002", "x"]), SCALARS),
            "role": st.one_of(st.sampled_from(["tasks", "opening", "nope"]), SCALARS),
            "function": st.one_of(st.just("部署任务"), SCALARS),
            "text": st.one_of(
                st.sampled_from(["要真抓实干。", "要在{{ 地区 }}抓落实。", "{{ 未声明 }}", "{% for %}"]),
                SCALARS,
            ),
        },
        optional={
            "topics": yamlish(["项目建设"]),
            "slots": yamlish(["name", "prompt"]),
            "source": yamlish(["file", "speech", "line"]),
            "origin": SCALARS,
            "notes": SCALARS,
            "frame": SCALARS,
            "items": yamlish([]),
            "level": SCALARS,
        },
    )
    return st.fixed_dictionaries(
        {},
        optional={
            "phrases": st.lists(entry, max_size=4),
            "heading_sets": st.lists(entry, max_size=3),
            "slots": yamlish(["name", "prompt", "example"]),
        },
    )


# ---------------------------------------------------------------- phrasebank loader


def _check_bank_file(path: Path) -> None:
    try:
        problems = check_paths([path])
    except DrafterError:
        return
    assert isinstance(problems, list)
    for p in problems:
        assert isinstance(p, Problem)
        assert isinstance(p.message, str) and p.message.strip()
        assert path.name in p.file, p
    try:
        result = load_file(path)
    except DrafterError:
        return
    for p in result.problems:
        assert isinstance(p, Problem) and p.message.strip()


@SETTINGS
@given(st.text(max_size=400))
def test_phrasebank_arbitrary_text(work: Path, text: str) -> None:
    path = work / "bank_text.yaml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    _check_bank_file(path)


@SETTINGS
@given(st.binary(max_size=400))
def test_phrasebank_arbitrary_bytes(work: Path, data: bytes) -> None:
    path = work / "bank_bytes.yaml"
    path.write_bytes(data)
    _check_bank_file(path)


@SETTINGS
@given(st.one_of(yamlish(PHRASEBANK_KEYS), _bank_entries()))
def test_phrasebank_yamlish_structures(work: Path, data: object) -> None:
    path = work / "bank_struct.yaml"
    path.write_text(_dump(data), encoding="utf-8")
    _check_bank_file(path)


def test_phrasebank_property_catches_a_bad_entry(work: Path) -> None:
    """The helper does see problems: a wrong role is reported against this file."""
    path = work / "bank_control.yaml"
    path.write_text(
        _dump(
            {
                "phrases": [
                    {
                        "id": "tasks.a.001",
                        "role": "nope",
                        "function": "部署任务",
                        "text": "要真抓实干。",
                        "origin": "curated",
                    }
                ]
            }
        ),
        encoding="utf-8",
    )
    problems = check_paths([path])
    assert problems and all(path.name in p.file for p in problems)


# ---------------------------------------------------------------- draft spec loader


def _parse_spec(text: str) -> None:
    try:
        draft, problems = parse_draft(text, "spec.yaml")
    except DrafterError as exc:
        assert str(exc).startswith("spec.yaml"), str(exc)
        return
    assert isinstance(draft, Draft)
    for p in problems:
        assert isinstance(p, Problem) and p.message.strip()
        assert p.file == "spec.yaml"


@SETTINGS
@given(st.text(max_size=400))
@example('title: "a\x01b"\n')
def test_parse_draft_arbitrary_text(text: str) -> None:
    _parse_spec(text)


@SETTINGS
@given(yamlish(SPEC_KEYS))
def test_parse_draft_yamlish_structures(data: object) -> None:
    _parse_spec(_dump(data))


@st.composite
def near_specs(draw) -> dict:
    section = st.fixed_dictionaries(
        {"role": st.one_of(st.sampled_from([*SECTION_ROLES, "nope"]), SCALARS)},
        optional={
            "heading": SCALARS,
            "heading_set": SCALARS,
            "item": SCALARS,
            "items": st.lists(st.one_of(SCALARS, yamlish(["phrase", "text", "values"])), max_size=3),
            "children": st.lists(yamlish(SPEC_KEYS), max_size=2),
        },
    )
    return draw(
        st.fixed_dictionaries(
            {
                "meeting": st.one_of(
                    st.dictionaries(st.sampled_from(["会议名称", "日期", "地区", 3]), SCALARS), SCALARS
                ),
                "template": st.one_of(st.just("plenary"), SCALARS),
            },
            optional={
                "sections": st.lists(section, max_size=3),
                "opening": yamlish(["phrase", "text", "values"]),
                "closing": st.lists(SCALARS, max_size=2),
                "title": SCALARS,
                "options": yamlish([]),
            },
        )
    )


@SETTINGS
@given(near_specs())
def test_parse_draft_near_valid_specs(data: dict) -> None:
    _parse_spec(_dump(data))


@SETTINGS
@given(st.binary(max_size=300))
@example(b"\x00")
def test_read_draft_arbitrary_bytes(work: Path, data: bytes) -> None:
    path = work / "spec_bytes.yaml"
    path.write_bytes(data)
    try:
        draft = load_draft(path)
    except DrafterError as exc:
        assert exc.file and Path(exc.file).name == path.name, str(exc)
        return
    assert isinstance(draft, Draft)


@st.composite
def renderable_specs(draw, phrase_ids: list[str]) -> dict:
    """Specs that mostly pass validation, with shipped phrase ids, odd values and odd free text."""
    text = st.one_of(
        st.text(max_size=30),
        st.sampled_from(
            [
                "要在{{ 地区 }}抓落实。",
                "{{ 会议名称 }}",
                "{{ x }",
                "{% if 地区 %}是{% endif %}",
                "一、混入的编号",
                "下面，我讲三点意见。",
                "XX县××乡",
            ]
        ),
    )
    item = st.one_of(
        text,
        st.fixed_dictionaries(
            {"phrase": st.sampled_from(phrase_ids)},
            optional={
                "values": st.dictionaries(
                    st.sampled_from(["地区", "发言人", "时段", "意见条数", "x"]), st.text(max_size=10)
                )
            },
        ),
    )
    child = st.fixed_dictionaries(
        {"heading": st.text(max_size=15)}, optional={"items": st.lists(item, max_size=2)}
    )
    section = st.fixed_dictionaries(
        {"role": st.sampled_from(SECTION_ROLES)},
        optional={
            "heading": st.text(max_size=20),
            "items": st.lists(item, max_size=3),
            "children": st.lists(child, max_size=3),
        },
    )
    return draw(
        st.fixed_dictionaries(
            {
                "meeting": st.dictionaries(
                    st.sampled_from(["会议名称", "地区", "日期", "讲话人", "职务"]), st.text(max_size=12)
                ),
                "template": st.sampled_from(["plenary", "review", "parallel", "implementation"]),
                "sections": st.lists(section, max_size=4),
            },
            optional={
                "opening": st.lists(item, max_size=3),
                "closing": st.lists(item, max_size=2),
                "title": st.text(max_size=20),
            },
        )
    )


_PHRASE_IDS = sorted(load_phrasebank(include_user=False, include_shipped=True).phrases)[:60] or ["none"]


@SETTINGS
@given(renderable_specs(_PHRASE_IDS))
def test_render_and_lint_of_parsed_specs(bank, data: dict) -> None:
    """Whatever passes the spec loader renders and lints, or gives a DrafterError."""
    draft, problems = parse_draft(_dump(data), "spec.yaml")
    assume(not any(p.severity == "error" for p in problems))
    try:
        text = render_text(draft, bank, allow_blanks=True)
    except DrafterError as exc:
        assert exc.message.strip()
        return
    findings = lint_speech(parse_speech(text, source="spec.yaml"), draft=True)
    assert all(f.rule and f.message for f in findings)


# ---------------------------------------------------------------- corpus reader


def _read(path: Path) -> None:
    try:
        paras = read_document(path)
    except DrafterError as exc:
        assert exc.file and Path(exc.file).name == path.name, str(exc)
        return
    assert paras and all(isinstance(p, Para) and isinstance(p.text, str) for p in paras)
    assert any(p.text.strip() for p in paras)


@SETTINGS
@given(
    st.one_of(
        st.binary(max_size=600),
        st.text(max_size=200).map(lambda t: t.encode("utf-16")),
        st.text(max_size=200).map(lambda t: t.encode("gb18030", errors="replace")),
    )
)
def test_read_document_txt_bytes(work: Path, data: bytes) -> None:
    path = work / "doc.txt"
    path.write_bytes(data)
    _read(path)


def _real_docx() -> bytes:
    document = docx.Document()
    for text in ["在全县经济工作会议上的讲话", "同志们：", "一、认清形势", "今年以来成绩显著。"]:
        document.add_paragraph(text)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


REAL_DOCX = _real_docx()
DOCX_PARTS = [
    "[Content_Types].xml",
    "_rels/.rels",
    "word/document.xml",
    "word/_rels/document.xml.rels",
    "word/styles.xml",
    "docProps/core.xml",
]


@st.composite
def mutated_docx(draw) -> bytes:
    data = bytearray(REAL_DOCX)
    for _ in range(draw(st.integers(1, 8))):
        pos = draw(st.integers(0, len(data) - 1))
        data[pos] = draw(st.integers(0, 255))
    cut = draw(st.integers(len(data) // 3, len(data)))
    return bytes(data[:cut])


@st.composite
def zip_of_parts(draw) -> bytes:
    """A zip holding docx-like part names with real, random or XML-ish contents."""
    with zipfile.ZipFile(io.BytesIO(REAL_DOCX)) as real:
        originals = {name: real.read(name) for name in real.namelist()}
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name in draw(st.lists(st.sampled_from([*DOCX_PARTS, "other.txt"]), unique=True, max_size=6)):
            content = draw(
                st.one_of(
                    st.just(originals.get(name, b"")),
                    st.binary(max_size=200),
                    st.text(max_size=100).map(
                        lambda t: f"<?xml version='1.0'?><w:document>{t}</w:document>".encode()
                    ),
                )
            )
            z.writestr(name, content)
    return buf.getvalue()


@SETTINGS
@given(st.one_of(st.binary(max_size=600), mutated_docx(), zip_of_parts()))
def test_read_document_docx_bytes(work: Path, data: bytes) -> None:
    path = work / "doc.docx"
    path.write_bytes(data)
    _read(path)


def test_read_document_reads_the_real_docx(work: Path) -> None:
    """Control for the properties above: the unmutated file reads."""
    path = work / "real.docx"
    path.write_bytes(REAL_DOCX)
    assert [p.text for p in read_document(path)][:3] == [
        "在全县经济工作会议上的讲话",
        "同志们：",
        "一、认清形势",
    ]


# ---------------------------------------------------------------- render -> parse

# Characters that never start a marker (no numerals, 第, 首先, 是, 要), never spell a closing or
# an announced count, and never end a heading early (no 。).
SAFE = "发展工作建设推进经济项目产业农村城乡改革服务质量任务目标全面加快提升深化优化创新企业环境安全教育医疗文化旅游交通水利生态保护"
_WORD = st.text(alphabet=SAFE, min_size=2, max_size=8)
HEADING = st.lists(_WORD, min_size=1, max_size=2).map("，".join)
BODY = st.lists(_WORD, min_size=1, max_size=4).map(lambda ws: "，".join(ws) + "。")
ITEMS = st.lists(BODY.map(lambda t: DraftItem(text=t)), min_size=1, max_size=2)

MEETING = {
    "会议名称": "县政府全体会议",
    "地区": "青山县",
    "讲话人": "王明",
    "职务": "县长",
    "日期": "2024-07-15",
}


@st.composite
def drafts(draw) -> Draft:
    sections = []
    for _ in range(draw(st.integers(1, 5))):
        role = draw(st.sampled_from(SECTION_ROLES))
        children = []
        for _ in range(draw(st.integers(0, 3))):
            grand = [
                DraftSection(role=role, heading=draw(HEADING), items=draw(ITEMS))
                for _ in range(draw(st.sampled_from([0, 0, 2, 3])))
            ]
            children.append(DraftSection(role=role, heading=draw(HEADING), items=draw(ITEMS), children=grand))
        items = draw(ITEMS) if draw(st.booleans()) or not children else []
        sections.append(DraftSection(role=role, heading=draw(HEADING), items=items, children=children))
    return Draft(
        meeting=dict(MEETING),
        template="plenary",
        title="凝心聚力抓落实",
        opening=[DraftItem(text=draw(BODY))],
        sections=sections,
        closing=[DraftItem(text="同志们，让我们共同努力，奋力夺取全年工作的全面胜利！")],
    )


def _expected(draft: Draft) -> list:
    """(marker, heading, children) as the plenary template numbers them."""
    out = []
    for n, sec in enumerate(draft.sections, 1):
        sub = "yao" if sec.role == "discipline" else "cn_paren"
        children = []
        for k, child in enumerate(sec.children, 1):
            grand = [(marker_for("shi", j), g.heading, []) for j, g in enumerate(child.children, 1)]
            children.append((marker_for(sub, k), child.heading, grand))
        out.append((marker_for("cn_dun", n), sec.heading, children))
    return out


def _tree(sections) -> list:
    return [(s.marker, s.heading, _tree(s.children)) for s in sections]


@pytest.fixture(scope="module")
def bank():
    return load_phrasebank(include_user=False)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]
)
@given(drafts())
def test_render_then_parse_keeps_the_structure(bank, draft: Draft) -> None:
    text = render_text(draft, bank)
    speech = parse_speech(text, source="generated.yaml")
    assert _tree(speech.sections) == _expected(draft), text
    assert speech.title == draft.title
    assert speech.salutation == "同志们："
    assert speech.closing and speech.closing[0].text.startswith("同志们，让我们共同努力")
    # and the rendered text parses to the same tree again after a second render of the parse
    body_lines = [p.text for s in speech.iter_sections() for p in s.paragraphs]
    assume(body_lines)
    for item_text in (i.text for s in draft.sections for i in s.items):
        assert any(item_text in line for line in body_lines), item_text


def test_render_then_parse_detects_a_changed_marker(bank) -> None:
    """Control: the comparison above does fail when the text changes structure."""
    draft = Draft(
        meeting=dict(MEETING),
        template="plenary",
        title="凝心聚力抓落实",
        opening=[DraftItem(text="今天召开会议。")],
        sections=[
            DraftSection(role="tasks", heading="抓项目", items=[DraftItem(text="要加快推进。")]),
            DraftSection(role="tasks", heading="优环境", items=[DraftItem(text="要深化改革。")]),
        ],
        closing=[DraftItem(text="同志们，让我们共同努力！")],
    )
    text = render_text(draft, bank)
    assert _tree(parse_speech(text).sections) == _expected(draft)
    broken = text.replace("二、优环境", "（二）优环境")
    assert _tree(parse_speech(broken).sections) != _expected(draft)


def test_env_is_isolated() -> None:
    assert os.environ["DRAFTER_USER_DIR"] != ""
