"""The speech linter: what a writer must fix before a draft goes to the leader.

``lint_speech(speech)`` checks one parsed :class:`~drafter.model.Speech` (a corpus
speech or a rendered draft) and returns :class:`Finding` objects, each with a
rule id, a severity (``error`` / ``warning`` / ``info``), a Chinese message and
a location (``file:line`` plus the section marker path such as ``二、（三）``).

Rules
-----
``count-mismatch`` (error)
    The opening announces 讲N点 / N个方面 (``Speech.announced_sections``) but the
    number of top-level sections differs.
``numbering`` (error / warning)
    Among siblings: a gap, wrong order, a duplicate, a marker that cannot be
    read (``（%1）``), a marker of another kind than its siblings (``（1）`` among
    ``（一）``); across levels: ``（一）`` directly under the title without ``一、``,
    a level skipped (``1.`` directly under ``一、``) or a child no lower than its parent.
``placeholder`` (error)
    Unfilled blanks: ``XX``/``xx``/``X``, ``*``/``***``, ``××``, ``□``, ``○○``, ``某某``,
    ``【待补…】``, ``{{ slot }}``/``{X}``, ``____``, a line that is only ``……``, and
    ``………`` (or, in a draft, ``……``) in running text.
``repeated-phrase`` (warning)
    The same phrase of at least 12 characters (punctuation ignored) twice in one speech.
``parallel-headings`` (warning)
    Sibling headings of one 排比 set where one breaks the shared frame
    (``强化X意识`` … ``加强团队建设``) or one is far longer/shorter than the others.
``stale-year`` (warning / info)
    ``今年`` in a paragraph that names another year than the meeting's (warning);
    years two or more before the meeting year (info).
``closing`` (warning)
    No closing paragraphs (``同志们，……`` call to action).
``empty-section`` (warning)
    A heading with no text and no sub-sections under it.
``heading-length`` (info)
    A heading longer than 40 characters.
``no-sections`` (warning)
    No numbered sections were found at all.
``punctuation`` (info)
    Half-width ``, ; : ? !`` between Chinese characters, ``„‟`` instead of ``〔〕``,
    unbalanced ``“”`` or ``（）`` in one paragraph.
``salutation`` (info)
    No ``同志们：`` before the opening.
``duplicate`` (info)
    The speech is a near-duplicate of an earlier one in the corpus.
``outline`` (info)
    Warnings the outline parser gave for this speech.

The core never imports textual; the TUI and ``drafter lint`` / ``drafter draft``
are thin layers over :func:`lint_speech`, :func:`lint_text`, :func:`lint_path`
and :func:`lint_draft`.
"""

from __future__ import annotations

import re
import statistics
from array import array
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from drafter.errors import DrafterError
from drafter.model import Draft, Section, Speech

ERROR = "error"
WARNING = "warning"
INFO = "info"
SEVERITIES = (ERROR, WARNING, INFO)
SEVERITY_LABELS = {ERROR: "错误", WARNING: "警告", INFO: "提示"}

# rule id -> short Chinese description (for --help and the TUI).
RULES: dict[str, str] = {
    "count-mismatch": "开场宣布的“讲N点”与实际一级标题数不符",
    "numbering": "编号跳号、顺序错、重复、无法识别、同级混用、跳级",
    "placeholder": "未填写的占位符：XX、***、××、【待补】、{{ 槽位 }}、用作空白的……",
    "repeated-phrase": "同一篇中同一长句（≥12字）重复出现",
    "parallel-headings": "同级排比标题中有一条不合框架，或长度差异过大",
    "stale-year": "“今年”与文中年份不一致；年份距会议年份较远",
    "closing": "缺少结尾（号召）段落",
    "empty-section": "标题下没有正文",
    "heading-length": "标题过长（超过40字）",
    "no-sections": "没有识别出任何编号标题",
    "punctuation": "中文之间的半角标点、文号括号用错、引号括号不成对",
    "salutation": "缺少称呼“同志们：”",
    "duplicate": "与语料中较早的一篇讲话近似重复",
    "outline": "大纲解析器给出的提示",
}

REPEAT_MIN_CHARS = 12
HEADING_MAX_CHARS = 40


@dataclass
class Finding:
    """One problem in a speech.

    ``location`` is what a user reads (``plenary.txt:12 二、（三）``); ``line`` is
    the 1-based line in the linted text (or source file); ``section`` is the
    index path into ``Speech.sections`` (``(1, 2)`` = second top-level section,
    its third child) so the TUI can jump there.
    """

    rule: str
    severity: str
    message: str
    location: str
    line: int | None = None
    section: tuple[int, ...] | None = None

    def to_dict(self) -> dict[str, str]:
        return {
            "rule": self.rule,
            "severity": self.severity,
            "message": self.message,
            "location": self.location,
        }


@dataclass
class LintReport:
    """The findings for one speech of one file."""

    source: str
    index: int
    findings: list[Finding] = field(default_factory=list)
    title: str = ""

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == ERROR)

    def counts(self) -> dict[str, int]:
        return {sev: sum(1 for f in self.findings if f.severity == sev) for sev in SEVERITIES}


# ---------------------------------------------------------------------------
# Text units: every piece of text in a speech with its line and section path.


@dataclass
class _Unit:
    text: str
    line: int | None
    path: tuple[int, ...] | None  # index path into Speech.sections
    area: str  # "front", "opening", "heading", "body", "closing"


class _Ctx:
    """Formats locations for one speech."""

    def __init__(self, speech: Speech, draft: bool):
        self.speech = speech
        self.draft = draft
        self._markers: dict[tuple[int, ...], str] = {}
        for path, section in _walk(speech.sections):
            parent = self._markers.get(path[:-1], "")
            self._markers[path] = parent + section.marker.strip()

    def location(self, line: int | None, path: tuple[int, ...] | None = None, area: str = "") -> str:
        source = self.speech.source
        parts = []
        if line:
            if self.draft:
                parts.append(f"{source} 渲染稿第{line}行" if source else f"渲染稿第{line}行")
            elif source:
                parts.append(f"{source}:{line}")
            else:
                parts.append(f"第{line}行")
        elif source:
            parts.append(source)
        if path is not None and path in self._markers:
            parts.append(self._markers[path])
        elif area in _AREA_LABELS:
            parts.append(_AREA_LABELS[area])
        return " ".join(parts) if parts else "全文"

    def finding(
        self,
        rule: str,
        severity: str,
        message: str,
        line: int | None,
        path: tuple[int, ...] | None = None,
        area: str = "",
    ) -> Finding:
        return Finding(
            rule=rule,
            severity=severity,
            message=message,
            location=self.location(line, path, area),
            line=line or None,
            section=path,
        )


_AREA_LABELS = {"front": "标题部分", "opening": "开场", "closing": "结尾"}


def _walk(sections: list[Section], prefix: tuple[int, ...] = ()) -> Iterator[tuple[tuple[int, ...], Section]]:
    for i, section in enumerate(sections):
        path = (*prefix, i)
        yield path, section
        yield from _walk(section.children, path)


def _units(speech: Speech) -> list[_Unit]:
    units: list[_Unit] = []
    front_line = speech.line or None
    for text in (speech.title, speech.subtitle, speech.date, speech.speaker):
        if text:
            units.append(_Unit(text, front_line, None, "front"))
    for para in speech.opening:
        units.append(_Unit(para.text, para.line or None, None, "opening"))
    for path, section in _walk(speech.sections):
        units.append(_Unit(section.marker + section.heading, section.line or None, path, "heading"))
        for para in section.paragraphs:
            units.append(_Unit(para.text, para.line or None, path, "body"))
    for para in speech.closing:
        units.append(_Unit(para.text, para.line or None, None, "closing"))
    return units


def _last_line(speech: Speech) -> int | None:
    lines = [u.line for u in _units(speech) if u.line]
    return max(lines) if lines else (speech.line or None)


def _snippet(text: str, start: int, end: int, width: int = 8) -> str:
    left = max(0, start - width)
    right = min(len(text), end + width)
    out = text[left:right].replace("\n", " ")
    return ("…" if left else "") + out + ("…" if right < len(text) else "")


def _short(text: str, limit: int = 30) -> str:
    text = text.replace("\n", " ")
    return text if len(text) <= limit else text[:limit] + "…"


# ---------------------------------------------------------------------------
# Public API


def lint_speech(speech: Speech, *, year: int | None = None, draft: bool = False) -> list[Finding]:
    """All findings for one speech, in reading order.

    ``year`` is the meeting year (wins over the year in the speech's date line);
    ``draft`` marks a rendered draft: ``……`` in running text is then a blank and
    locations say 渲染稿第N行.
    """
    ctx = _Ctx(speech, draft)
    units = _units(speech)
    findings: list[Finding] = []
    findings += _check_count(speech, ctx)
    findings += _check_structure(speech, ctx)
    findings += _check_numbering(speech, ctx)
    findings += _check_parser_warnings(speech, ctx, {f.line for f in findings if f.rule == "numbering"})
    findings += _check_placeholders(units, ctx, draft)
    findings += _check_repeats(units, ctx)
    findings += _check_parallel(speech, ctx)
    findings += _check_years(speech, units, ctx, year)
    findings += _check_punctuation(units, ctx)
    order = {rule: i for i, rule in enumerate(RULES)}
    findings.sort(key=lambda f: (f.line is None, f.line or 0, order.get(f.rule, 99)))
    return findings


def lint_text(text: str, *, source: str = "", year: int | None = None, draft: bool = False) -> list[Finding]:
    """Parse ``text`` as one speech with the outline parser, then lint it."""
    from drafter.outline import parse_speech

    speech = parse_speech(text, source=source)
    return lint_speech(speech, year=year, draft=draft)


def lint_draft(
    draft: Draft, phrasebank: Any = None, *, year: int | None = None, source: str = ""
) -> list[Finding]:
    """Render a draft with blanks allowed (a missing value becomes 【待补：…】) and lint it."""
    return _lint_draft(draft, phrasebank, year=year, source=source)[1]


def _lint_draft(
    draft: Draft, phrasebank: Any, *, year: int | None, source: str
) -> tuple[Speech, list[Finding]]:
    from drafter.drafting import render_speech

    if phrasebank is None:
        from drafter.phrasebank import load_phrasebank

        phrasebank = load_phrasebank()
    speech = render_speech(draft, phrasebank, allow_blanks=True)
    if source:
        speech.source = source
    if year is None:
        year = _year_in(str(draft.meeting.get("日期", "") or ""))
    return speech, lint_speech(speech, year=year, draft=True)


def lint_path(
    path: str | Path,
    *,
    year: int | None = None,
    on_error: Callable[[DrafterError], None] | None = None,
) -> list[LintReport]:
    """Lint a draft spec (.yaml/.yml), a rendered .txt/.md, a .docx, or a corpus file/folder.

    One :class:`LintReport` per speech.  Unreadable input raises a Chinese
    :class:`DrafterError` naming the file; in a folder where other files could be
    read, each broken file's error goes to ``on_error`` instead (if given).
    """
    p = Path(path)
    if not p.exists():
        raise DrafterError("文件不存在", str(p))
    suffix = p.suffix.lower()
    if p.is_file() and suffix in (".yaml", ".yml"):
        from drafter.drafting import load_draft

        draft = load_draft(p)
        speech, findings = _lint_draft(draft, None, year=year, source=p.name)
        # The rendered title (the default 在{会议名称}上的讲话 when the spec gives none, slots filled).
        title = speech.title or _rendered_title(draft)
        return [LintReport(p.name, 0, findings, title=title)]
    if p.is_file() and suffix in (".md", ".markdown"):
        from drafter.corpus import clean_lines, read_document
        from drafter.model import Para
        from drafter.outline import parse_speech

        raw = read_document(p)  # encodings, binary, empty and over-long lines, like a .txt
        paras = clean_lines([Para(_markdown_line(para.text), para.line) for para in raw])
        speech = parse_speech(paras, source=p.name, path=str(p))
        return [LintReport(p.name, 0, lint_speech(speech, year=year), title=speech.title)]
    if p.is_file() and suffix not in (".txt", ".docx", ".text"):
        raise DrafterError(
            f"不支持的文件类型“{p.suffix or '无扩展名'}”：可检查 .yaml/.yml 草稿、.txt、.md、.docx", str(p)
        )
    from drafter.outline import parse_corpus

    result = parse_corpus([p])
    if not result.speeches:
        if result.errors:
            raise result.errors[0]
        raise DrafterError("没有读到任何讲话稿", str(p))
    if on_error is not None:
        for error in result.errors:
            on_error(error)
    reports = []
    for speech in result.speeches:
        reports.append(
            LintReport(
                speech.source or p.name, speech.index, lint_speech(speech, year=year), title=speech.title
            )
        )
    return reports


def _rendered_title(draft: Draft) -> str:
    """The draft's title as the renderer writes it, when the parser found none in the rendered text."""
    if draft.title:
        return draft.title
    name = str(draft.meeting.get("会议名称", "") or "").strip()
    return f"在{name}上的讲话" if name else ""


_MD_PREFIX = re.compile(r"^\s{0,3}(?:#{1,6}\s*|>\s?|[-+]\s+(?=\S))")
_MD_RULE = re.compile(r"\s*(?:-{3,}|\*{3,}|_{3,})\s*")
_MD_EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1")
# Only a whole line in *…* is italics; a lone * inside running text stays a placeholder.
_MD_WHOLE_ITALIC = re.compile(r"^\s*[*_](?![*_\s])(.+?)(?<![\s*_])[*_]\s*$")


def _markdown_line(line: str) -> str:
    """One line of Markdown as exported (heading, bold, quote, whole-line italics) as plain text."""
    line = line.rstrip()
    if _MD_RULE.fullmatch(line):
        return ""
    line = _MD_PREFIX.sub("", line)
    line = _MD_EMPHASIS.sub(r"\2", line)
    whole = _MD_WHOLE_ITALIC.match(line)
    if whole:  # *——在…上的讲话* as the exporter writes front matter
        line = whole.group(1)
    return line.replace("\\*", "*")


def _markdown_to_text(text: str) -> str:
    return "\n".join(_markdown_line(line) for line in text.splitlines())


# ---------------------------------------------------------------------------
# count-mismatch, structure


_CN_NUM = "一二三四五六七八九十两"


def _check_count(speech: Speech, ctx: _Ctx) -> list[Finding]:
    announced = speech.announced_sections
    if announced is None:
        return []
    actual = len(speech.sections)
    if announced == actual:
        return []
    from drafter.text import to_chinese

    line = None
    word = to_chinese(announced) if 0 < announced < 1000 else str(announced)
    words = {word, str(announced)} | ({"两"} if announced == 2 else set())
    pattern = re.compile(
        r"(?:讲|谈|强调|提|说).{0,4}?("
        + "|".join(map(re.escape, sorted(words)))
        + r")(?:点|个方面|方面|条|个问题)"
    )
    for para in speech.opening:
        m = pattern.search(para.text)
        if m:
            line = para.line or None
            quoted = m.group(0)
            break
    else:
        quoted = f"{word}点"
    marker_list = "、".join(s.marker.strip().rstrip("、") for s in speech.sections)
    if not actual:
        present = "一个也没有"
    else:
        present = f"{'只有' if actual < announced else '却有'}{to_chinese(actual)}个（{marker_list}）"
    message = f"开场宣布“{quoted}”，但正文一级标题{present}"
    return [ctx.finding("count-mismatch", ERROR, message, line or speech.line or None, None, "opening")]


def _check_structure(speech: Speech, ctx: _Ctx) -> list[Finding]:
    out: list[Finding] = []
    if speech.duplicate_of is not None:
        src, idx = speech.duplicate_of
        out.append(
            ctx.finding(
                "duplicate", INFO, f"与 {src} 第{idx + 1}篇近似重复", speech.line or None, None, "front"
            )
        )
    if not speech.sections:
        out.append(
            ctx.finding(
                "no-sections",
                WARNING,
                "没有识别出任何编号标题（一、（一）一是……），全文被当作开场",
                speech.line or None,
                None,
                "front",
            )
        )
    if (speech.opening or speech.sections) and not speech.salutation:
        first = (
            speech.opening[0].line if speech.opening else (speech.sections[0].line if speech.sections else 0)
        )
        out.append(
            ctx.finding("salutation", INFO, "开场前没有称呼“同志们：”", first or None, None, "opening")
        )
    if not speech.closing:
        out.append(
            ctx.finding(
                "closing",
                WARNING,
                "没有结尾段落：讲话最后通常以“同志们，……”号召收尾",
                _last_line(speech),
                None,
                "closing",
            )
        )
    for path, section in _walk(speech.sections):
        body = "".join(p.text for p in section.paragraphs).strip()
        if not body and not section.children:
            out.append(
                ctx.finding(
                    "empty-section",
                    WARNING,
                    f"标题“{_short(section.marker + section.heading)}”下没有正文",
                    section.line or None,
                    path,
                )
            )
        heading = section.heading.strip()
        if len(heading) > HEADING_MAX_CHARS:
            out.append(
                ctx.finding(
                    "heading-length",
                    INFO,
                    f"标题有{len(heading)}字，超过{HEADING_MAX_CHARS}字，宜压缩：“{_short(heading)}”",
                    section.line or None,
                    path,
                )
            )
    return out


# ---------------------------------------------------------------------------
# numbering

_CN = "[一二三四五六七八九十百零〇两]+"
_KIND_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("cn_dun", re.compile(rf"^{_CN}、")),
    ("cn_paren", re.compile(rf"^[（(]{_CN}[）)]")),
    ("arabic_dot", re.compile(r"^\d{1,2}(?:\.|．|、)")),
    ("arabic_paren", re.compile(r"^[（(]\d{1,2}[）)]")),
    ("shi", re.compile(rf"^{_CN}是")),
    ("yao", re.compile(rf"^{_CN}要")),
    ("di", re.compile(rf"^第{_CN}")),
    ("seq", re.compile(r"^(?:首先|其次|再次|最后)")),
    ("paren_other", re.compile(r"^[（(][^（）()]{0,6}[）)]")),
]
# Conventional rank of heading kinds (the paragraph enumerations 一是/一要/第一/首先 float).
_RANK = {"cn_dun": 1, "cn_paren": 2, "arabic_dot": 3, "arabic_paren": 4}
_FAMILY = {"seq": "di"}  # 首先、其次、第三、最后 is one sequence
_KIND_EXAMPLE = {
    "cn_dun": "一、",
    "cn_paren": "（一）",
    "arabic_dot": "1.",
    "arabic_paren": "（1）",
    "shi": "一是",
    "yao": "一要",
    "di": "第一，",
}


def marker_kind(marker: str) -> str:
    """``一、`` -> cn_dun, ``（一）`` -> cn_paren, ``1.`` -> arabic_dot, ``（1）`` -> arabic_paren,
    ``一是`` -> shi, ``一要`` -> yao, ``第一`` -> di, ``首先`` -> seq, ``（%1）`` -> paren_other, else other."""
    m = marker.strip()
    for kind, pattern in _KIND_PATTERNS:
        if pattern.match(m):
            return kind
    return "other"


def _family(kind: str) -> str:
    return _FAMILY.get(kind, kind)


def _expected_marker(kind: str, n: int) -> str:
    from drafter.text import marker_for

    if kind == "seq":
        kind = "di"
    try:
        return marker_for(kind, n).rstrip("，")
    except ValueError:
        return str(n)


def _check_numbering(speech: Speech, ctx: _Ctx) -> list[Finding]:
    out: list[Finding] = []
    out += _check_siblings(speech.sections, (), None, ctx)
    for path, section in _walk(speech.sections):
        if section.children:
            out += _check_siblings(section.children, path, section, ctx)
    return out


def _check_siblings(
    siblings: list[Section], prefix: tuple[int, ...], parent: Section | None, ctx: _Ctx
) -> list[Finding]:
    out: list[Finding] = []
    # The level's numbering style is what the parser read (``Section.marker``, with ``（%1）``
    # repaired to ``（四）``); each marker is then checked as written (``Section.written_marker``).
    meant = [marker_kind(s.marker) for s in siblings]
    kinds = [marker_kind(_written(s)) for s in siblings]
    known = [_family(k) for k in meant if k not in ("paren_other", "other")]
    if not known:
        known = [_family(k) for k in kinds if k not in ("paren_other", "other")]
    if not known:
        return out
    counts: dict[str, int] = {}
    for fam in known:
        counts[fam] = counts.get(fam, 0) + 1
    main = max(counts, key=lambda fam: (counts[fam], -known.index(fam)))
    main_kind = next(k for k in (*meant, *kinds) if _family(k) == main)

    # Level: a heading kind must sit one rank below its parent's heading kind.
    main_rank = _RANK.get(main_kind)
    first_path = (*prefix, 0)
    if parent is None:
        if main_rank is not None and main_rank > 1:
            example = _KIND_EXAMPLE[main_kind]
            out.append(
                ctx.finding(
                    "numbering",
                    WARNING,
                    f"一级标题用了“{example}”式编号，缺少“一、”一级（跳级）",
                    siblings[0].line or None,
                    first_path,
                )
            )
    else:
        parent_kind = marker_kind(parent.marker)
        parent_rank = _RANK.get(parent_kind)
        if main_rank is not None and parent_rank is not None:
            if main_rank <= parent_rank:
                out.append(
                    ctx.finding(
                        "numbering",
                        WARNING,
                        f"“{parent.marker.strip()}”下的子标题用了“{_KIND_EXAMPLE[main_kind]}”式编号，"
                        f"级别不低于上级",
                        siblings[0].line or None,
                        first_path,
                    )
                )
            elif main_rank > parent_rank + 1:
                missing = next(k for k, r in _RANK.items() if r == parent_rank + 1)
                out.append(
                    ctx.finding(
                        "numbering",
                        WARNING,
                        f"“{parent.marker.strip()}”下直接用了“{_KIND_EXAMPLE[main_kind]}”式编号，"
                        f"跳过了“{_KIND_EXAMPLE[missing]}”一级",
                        siblings[0].line or None,
                        first_path,
                    )
                )

    # Each marker family keeps its own sequence: 一要…四要 mixed with （二）…（五） is one
    # "mixed" warning plus whatever is wrong inside each sequence (here: （一） missing).
    prevs: dict[str, int] = {}
    seens: dict[str, dict[int, Section]] = {}
    minority: list[tuple[int, Section, int]] = []
    last = len(siblings) - 1
    for i, (section, kind) in enumerate(zip(siblings, kinds, strict=True)):
        path = (*prefix, i)
        line = section.line or None
        marker = _written(section).strip()
        if kind in ("paren_other", "other"):
            prevs[main] = prevs.get(main, 0) + 1
            want = _expected_marker(main_kind, prevs[main])
            out.append(
                ctx.finding("numbering", ERROR, f"编号“{marker}”无法识别，按位置应为“{want}”", line, path)
            )
            continue
        fam = _family(kind)
        if fam != main:
            position = prevs.get(main, 0) + 1
            minority.append((i, section, position))
            if section.ordinal == position:  # （1） where （一） belongs: it takes that place
                prevs[main] = position
                continue
        prev = prevs.get(fam, 0)
        seen = seens.setdefault(fam, {})
        ordinal = section.ordinal
        if ordinal is None:
            if kind == "seq" and i != last:
                out.append(ctx.finding("numbering", WARNING, f"“{marker}”不在同级的最后一项", line, path))
            prevs[fam] = prev + 1
            continue
        expected = prev + 1
        if ordinal == expected:
            prevs[fam] = ordinal
        elif ordinal in seen:
            first = seen[ordinal]
            where = f"第{first.line}行" if first.line else "前面"
            out.append(
                ctx.finding(
                    "numbering",
                    ERROR,
                    f"编号重复：“{marker}”在{where}已经出现，按顺序应为“{_expected_marker(kind, expected)}”",
                    line,
                    path,
                )
            )
        elif ordinal > expected:
            missing = "、".join(
                _expected_marker(kind, n) for n in range(expected, min(ordinal, expected + 5))
            )
            out.append(
                ctx.finding("numbering", ERROR, f"编号跳号：“{marker}”之前缺少“{missing}”", line, path)
            )
            prevs[fam] = ordinal
        else:
            out.append(
                ctx.finding(
                    "numbering",
                    ERROR,
                    f"编号顺序错误：“{marker}”出现在“{_expected_marker(kind, prev)}”之后",
                    line,
                    path,
                )
            )
        seen.setdefault(ordinal, section)
    if minority:
        i, section, position = minority[0]
        main_example = _KIND_EXAMPLE.get(main_kind, main_kind)
        if len(minority) == 1:
            message = (
                f"同级编号混用：此处为“{_written(section).strip()}”，同级其他标题用“{main_example}”式，"
                f"应为“{_expected_marker(main_kind, position)}”"
            )
        else:
            listed = "、".join(f"“{_written(s).strip()}”" for _, s, _ in minority[:6])
            more = "等" if len(minority) > 6 else ""
            message = f"同级编号混用：{listed}{more}与同级其他标题的“{main_example}”式编号混在同一级"
        out.append(ctx.finding("numbering", WARNING, message, section.line or None, (*prefix, i)))
    return out


def _written(section: Section) -> str:
    """The section's marker as the text writes it."""
    return section.written_marker or section.marker


_WARNING_LINE = re.compile(r"第\s*(\d+)\s*行")


def _check_parser_warnings(speech: Speech, ctx: _Ctx, numbering_lines: set[int | None]) -> list[Finding]:
    """The outline parser's warnings that no other rule already reports, as ``outline`` notes.

    A marker the parser had to repair (``（%1）`` read as ``（四）``) is reported by ``numbering``
    from ``Section.written_marker``; the parser's warning about it is then left out.
    """
    by_line = {section.line: path for path, section in _walk(speech.sections) if section.line}
    repaired = {s.line for s in speech.iter_sections() if s.line and s.written_marker is not None}
    out: list[Finding] = []
    for warning in speech.warnings:
        text = str(warning)
        m = _WARNING_LINE.search(text)
        line = int(m.group(1)) if m else None
        path = by_line.get(line) if line else None
        if line in repaired or _covered(speech, text, line, numbering_lines):
            continue
        message = _WARNING_LINE.sub("", text, count=1).lstrip("：: ") if m else text
        out.append(ctx.finding("outline", INFO, message or text, line or speech.line or None, path, "front"))
    return out


def _covered(speech: Speech, warning: str, line: int | None, numbering_lines: set[int | None]) -> bool:
    """A parser warning that says what another rule already reports."""
    if speech.announced_sections is not None and "预告" in warning:
        return True  # count-mismatch
    if speech.duplicate_of is not None and "相同" in warning:
        return True  # duplicate
    return line is not None and line in numbering_lines


# ---------------------------------------------------------------------------
# placeholder

_PLACEHOLDER_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"【\s*(?:待补|待填|待定|待完善|请填写|请补充|填写)[^】\n]{0,40}】"), "待补内容"),
    (re.compile(r"\{\{.{0,60}?\}\}|\{%.{0,60}?%\}"), "未填写的槽位"),
    (re.compile(r"\{[A-Za-z_\u4e00-\u9fff][\w\u4e00-\u9fff]{0,11}\}"), "未填写的槽位"),
    (re.compile(r"(?<![A-Za-z])[XxＸｘ]{2,}(?![A-Za-z])"), "占位符"),
    (
        re.compile(
            r"(?<=[\u4e00-\u9fff，、；：“（\d])X(?=[\u4e00-\u9fff\d])(?![光射])|^X(?=[\u4e00-\u9fff])"
        ),
        "占位符",
    ),
    (re.compile(r"[×╳]{1,}"), "占位符"),
    (re.compile(r"\*+"), "占位符"),
    (re.compile(r"□+|■{2,}|[○◯]{2,}"), "占位符"),
    (re.compile(r"某某"), "占位名称"),
    (re.compile(r"_{3,}|＿{2,}"), "空白下划线"),
    (re.compile(r"[（(]\s*[）)]"), "空括号"),
]
_ELLIPSIS_LINE = re.compile(r"^[\s…。.．·]*[…。.．·]{2,}[\s…。.．·]*$")
_LONG_ELLIPSIS = re.compile(r"…{3,}")
_ELLIPSIS = re.compile(r"…{2,}")
_MULT_SIGN_CONTEXT = re.compile(r"\d\s*×\s*\d")


def _check_placeholders(units: list[_Unit], ctx: _Ctx, draft: bool) -> list[Finding]:
    out: list[Finding] = []
    for unit in units:
        text = unit.text
        stripped = text.strip()
        if not stripped:
            continue
        if _ELLIPSIS_LINE.match(stripped):
            out.append(
                ctx.finding(
                    "placeholder",
                    ERROR,
                    f"整段只有省略号“{_short(stripped, 12)}”，像是待补的空白",
                    unit.line,
                    unit.path,
                    unit.area,
                )
            )
            continue
        spans: list[tuple[int, int, str]] = []
        for pattern, label in _PLACEHOLDER_PATTERNS:
            for m in pattern.finditer(text):
                if (
                    label == "占位符"
                    and "×" in m.group(0)
                    and _MULT_SIGN_CONTEXT.search(text, max(0, m.start() - 3), m.end() + 3)
                ):
                    continue  # 3×4 is arithmetic, not a blank
                if any(s <= m.start() < e or m.start() <= s < m.end() for s, e, _ in spans):
                    continue
                spans.append((m.start(), m.end(), label))
        ellipsis = _ELLIPSIS if draft else _LONG_ELLIPSIS
        for m in ellipsis.finditer(text):
            if not any(s <= m.start() < e for s, e, _ in spans):
                spans.append((m.start(), m.end(), "用作空白的省略号"))
        grouped: dict[tuple[str, str], list[tuple[int, int]]] = {}
        for start, end, label in sorted(spans):
            grouped.setdefault((label, text[start:end]), []).append((start, end))
        for (label, found), where in grouped.items():
            start, end = where[0]
            times = f"（本段共{len(where)}处）" if len(where) > 1 else ""
            out.append(
                ctx.finding(
                    "placeholder",
                    ERROR,
                    f"{label}“{found}”未填写{times}：{_snippet(text, start, end)}",
                    unit.line,
                    unit.path,
                    unit.area,
                )
            )
    return out


# ---------------------------------------------------------------------------
# repeated-phrase


_STOP = "\x00"  # sentence end: a repeated phrase never runs across it
_SENTENCE_END = set("。！？；!?;\n")


_WORD_RUN = re.compile(r"[^\W_]+|[。！？；!?;\n]")
_NOT_KEPT = re.compile(r"[^\w。！？；!?;\n]|_")
_STOP_RUN = re.compile(r"[。！？；!?;\n]+")


def _lower(text: str) -> str:
    lower = text.lower()
    return lower if len(lower) == len(text) else text  # keep positions (e.g. İ lowers to two chars)


def _normalise(text: str) -> str:
    """Letters, digits and CJK only (lower case), each run of sentence ends as one ``_STOP``."""
    kept = _NOT_KEPT.sub("", _lower(text))
    return _STOP_RUN.sub(_STOP, kept).lstrip(_STOP)


def _normalise_index(text: str) -> tuple[str, array]:
    """``_normalise(text)`` with, for each of its characters, the index in ``text``."""
    low = _lower(text)
    parts: list[str] = []
    index = array("q")
    last_stop = True
    for m in _WORD_RUN.finditer(low):
        run = m.group(0)
        if run in _SENTENCE_END:
            if not last_stop:
                parts.append(_STOP)
                index.append(m.start())
                last_stop = True
            continue
        parts.append(run)
        index.extend(range(m.start(), m.end()))
        last_stop = False
    return "".join(parts), index


REPEAT_MAX_INDEXED = 300_000  # 12-grams kept in the index; more text indexes every n-th position


def _check_repeats(units: list[_Unit], ctx: _Ctx) -> list[Finding]:
    """Phrases of at least REPEAT_MIN_CHARS characters that occur twice.

    Every position is looked up, but only every ``step``-th 12-gram is stored
    (``step`` = 1 for any real speech), so a huge text costs bounded memory and a
    repeat of at least ``k + step - 1`` characters is still found; a match is then
    extended both ways.
    """
    k = REPEAT_MIN_CHARS
    body = [u for u in units if u.area != "front"]
    norms = [_normalise(u.text) for u in body]
    total = sum(len(norm) for norm in norms)
    step = max(1, -(-total // REPEAT_MAX_INDEXED))
    first_seen: dict[str, tuple[int, int]] = {}
    reported: set[tuple[int, int]] = set()
    out: list[Finding] = []
    for ui, norm in enumerate(norms):
        p = 0
        floor = 0  # text before this was already consumed by a match
        n = len(norm)
        while p + k <= n:
            gram = norm[p : p + k]
            if _STOP in gram:
                p += 1
                continue
            prev = first_seen.get(gram)
            if prev is None or len(set(gram)) < 4 or (prev[0] == ui and prev[1] + k > p):
                # new, a run like 啊啊啊 / 000000, or overlapping itself
                if prev is None and p % step == 0:
                    first_seen[gram] = (ui, p)
                p += 1
                continue
            u0, p0 = prev
            other = norms[u0]
            start, start0, length = p, p0, k
            while (
                start > floor
                and start0 > 0
                and norm[start - 1] != _STOP
                and other[start0 - 1] == norm[start - 1]
                and (u0 != ui or start0 + length < start)  # stays clear of the earlier copy
            ):
                start, start0, length = start - 1, start0 - 1, length + 1
            limit = n - start
            if u0 == ui:
                limit = min(limit, start - start0)
            while (
                length < limit
                and start0 + length < len(other)
                and norm[start + length] != _STOP
                and other[start0 + length] == norm[start + length]
            ):
                length += 1
            if (u0, ui) not in reported:
                reported.add((u0, ui))
                text = body[ui].text
                index = _normalise_index(text)[1]
                phrase = text[index[start] : index[start + length - 1] + 1]
                where = ctx.location(body[u0].line, body[u0].path, body[u0].area)
                same = "同一段中" if u0 == ui else ""
                out.append(
                    ctx.finding(
                        "repeated-phrase",
                        WARNING,
                        f"{same}“{_short(phrase, 40)}”（{length}字）重复出现，前一处在 {where}",
                        body[ui].line,
                        body[ui].path,
                        body[ui].area,
                    )
                )
            for q in range(start - start % step, start + length - k + 1, step):
                if q >= start:
                    first_seen.setdefault(norm[q : q + k], (ui, q))
            p = floor = start + length
    return out


# ---------------------------------------------------------------------------
# parallel-headings


def _clean_heading(section: Section) -> str:
    return section.heading.strip().rstrip("。．.；;，,：:！!").strip()


def _frame_text(frame: Any) -> str:
    if isinstance(frame, tuple) and frame:
        return str(frame[0])
    return str(frame)


def _check_parallel(speech: Speech, ctx: _Ctx) -> list[Finding]:
    from drafter.mine import common_frame  # jieba-free, but heavy to import: only when linting

    out: list[Finding] = []
    groups: list[tuple[tuple[int, ...], list[Section]]] = [((), speech.sections)]
    groups += [(path, s.children) for path, s in _walk(speech.sections) if s.children]
    for prefix, siblings in groups:
        if len(siblings) < 3:
            continue
        headings = [_clean_heading(s) for s in siblings]
        if any(not h for h in headings):
            continue
        framed = common_frame(headings) is not None
        if len(siblings) >= 4 and not framed:
            breakers = []
            for i in range(len(headings)):
                rest = headings[:i] + headings[i + 1 :]
                frame = common_frame(rest)
                if frame is not None:
                    breakers.append((i, frame))
            if len(breakers) == 1:
                framed = True
                i, frame = breakers[0]
                section = siblings[i]
                out.append(
                    ctx.finding(
                        "parallel-headings",
                        WARNING,
                        f"同级标题多为“{_frame_text(frame)}”式排比，“{_short(headings[i])}”不合这一框架",
                        section.line or None,
                        (*prefix, i),
                    )
                )
        lengths = [len(h) for h in headings]
        median = statistics.median(lengths)
        # In a 排比 set (siblings sharing a frame) a length outlier is a warning; among
        # unrelated siblings only a stark one is worth a note.
        severity, ratio, gap = (WARNING, 2.0, 6) if framed else (INFO, 2.5, 10)
        for i, (section, length) in enumerate(zip(siblings, lengths, strict=True)):
            if abs(length - median) < gap:
                continue
            if length > ratio * median or length * ratio < median:
                out.append(
                    ctx.finding(
                        "parallel-headings",
                        severity,
                        f"标题“{_short(headings[i])}”有{length}字，同级标题中位数为{median:g}字，长短悬殊",
                        section.line or None,
                        (*prefix, i),
                    )
                )
    return out


# ---------------------------------------------------------------------------
# stale-year

_YEAR = re.compile(r"(?<![\d０-９])((?:19|20)\d{2})\s*年")
_CN_YEAR = re.compile(r"([〇○零一二三四五六七八九]{4})\s*年")
_CN_DIGIT = {c: str(i) for i, c in enumerate("〇一二三四五六七八九")} | {"○": "0", "零": "0"}
_COMPARE_BEFORE = ("比", "较", "与", "同", "自", "从", "截至", "至", "到", "于", "和", "及")
_SINCE_AFTER = ("以来", "至今", "起", "底", "末", "以前", "之前", "前")


_ISO_YEAR = re.compile(r"^\s*[（(]?((?:19|20)\d{2})\s*[-/.．]\s*\d{1,2}")


def _year_in(text: str) -> int | None:
    m = _YEAR.search(text or "") or _ISO_YEAR.match(text or "")
    if m:
        return int(m.group(1))
    m = _CN_YEAR.search(text or "")
    if m:
        digits = "".join(_CN_DIGIT[c] for c in m.group(1))
        year = int(digits)
        if 1900 <= year <= 2099:
            return year
    return None


def meeting_year(speech: Speech, year: int | None = None) -> int | None:
    """The meeting's year: the given one, else the date line, else a year in the title or subtitle."""
    if year:
        return year
    for text in (speech.date, speech.subtitle, speech.title):
        found = _year_in(text or "")
        if found:
            return found
    return None


def _check_years(speech: Speech, units: list[_Unit], ctx: _Ctx, year: int | None) -> list[Finding]:
    meeting = meeting_year(speech, year)
    if meeting is None:
        return []
    out: list[Finding] = []
    for unit in units:
        if unit.area == "front":
            continue
        text = unit.text
        mentions = [(int(m.group(1)), m.start(), m.end()) for m in _YEAR.finditer(text)]
        if not mentions:
            continue
        stale: list[int] = []
        if "今年" in text:
            for y, start, end in mentions:
                if y == meeting or y in stale:
                    continue
                before = text[max(0, start - 2) : start]
                after = text[end : end + 2]
                if any(before.endswith(w) for w in _COMPARE_BEFORE) or any(
                    after.startswith(w) for w in _SINCE_AFTER
                ):
                    continue
                stale.append(y)
            if stale:
                years = "、".join(f"{y}年" for y in stale)
                out.append(
                    ctx.finding(
                        "stale-year",
                        WARNING,
                        f"段中既说“今年”又写“{years}”，而会议年份是{meeting}年：是否沿用了旧稿？",
                        unit.line,
                        unit.path,
                        unit.area,
                    )
                )
        far = sorted({y for y, _, _ in mentions if y <= meeting - 2 and y not in stale})
        if far:
            years = "、".join(f"{y}年" for y in far)
            out.append(
                ctx.finding(
                    "stale-year",
                    INFO,
                    f"提到{years}，距会议年份{meeting}年较远，请核对是否为旧稿内容",
                    unit.line,
                    unit.path,
                    unit.area,
                )
            )
    return out


# ---------------------------------------------------------------------------
# punctuation

_HALF_WIDTH = re.compile(r"(?<=[\u4e00-\u9fff])[,;:?!](?=[\u4e00-\u9fff])")
_WRONG_BRACKETS = re.compile(r"[„‟]")
_FULL = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！"}


def _check_punctuation(units: list[_Unit], ctx: _Ctx) -> list[Finding]:
    out: list[Finding] = []
    done: set[tuple[int | None, str]] = set()  # a run-in heading and its body share a line
    for unit in units:
        text = unit.text
        problems: list[tuple[str, str]] = []
        half = _HALF_WIDTH.findall(text)
        if half:
            kinds = "".join(sorted(set(half)))
            full = "".join(_FULL[c] for c in kinds)
            problems.append(("half", f"中文之间用了半角标点“{kinds}”（应为“{full}”）"))
        m = _WRONG_BRACKETS.search(text)
        if m:
            problems.append(
                ("brackets", f"“{_snippet(text, m.start(), m.end(), 6)}”中的“„‟”应为六角括号“〔〕”")
            )
        if text.count("“") != text.count("”"):
            problems.append(("quotes", "双引号“”不成对"))
        opened = text.count("（") + text.count("(")
        if unit.area != "heading" and opened != text.count("）") + text.count(")"):
            problems.append(("parens", "括号（）不成对"))
        for category, problem in problems:
            key = (unit.line, category)
            if unit.line and key in done:
                continue
            done.add(key)
            out.append(ctx.finding("punctuation", INFO, problem, unit.line, unit.path, unit.area))
    return out


__all__ = [
    "ERROR",
    "INFO",
    "RULES",
    "SEVERITIES",
    "SEVERITY_LABELS",
    "WARNING",
    "Finding",
    "LintReport",
    "lint_draft",
    "lint_path",
    "lint_speech",
    "lint_text",
    "marker_kind",
    "meeting_year",
]
