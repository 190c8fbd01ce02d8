"""The speech linter: what a writer must fix before a draft goes to the leader.

``lint_speech(speech)`` runs every registered rule (:mod:`drafter.lint.rules`) on one
parsed :class:`~drafter.model.Speech` (a corpus speech or a rendered draft) and returns
:class:`~drafter.lint.finding.Finding` objects, each with a rule id, a severity
(``error`` / ``warning`` / ``info``), a Chinese message and a location (``file:line``
plus the section marker path such as ``二、（三）``).  ``drafter lint --rules`` lists them.

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
``period-mismatch`` (warning)
    Text that does not fit the meeting's month: a February speech reviewing 上半年 or
    deploying 下半年, a December speech deploying 上半年 or 一季度 ….
``level-mismatch`` (warning)
    A county speech addressing 各县（市、区） or 各位副市长; a city speech addressing
    各位副县长, 县直各部门 or comparing 乡与乡.
``meeting-mismatch`` (warning)
    The speech calls the meeting something it is not (「通过这次交帐亮相」 at an education meeting).
``closing`` (warning)
    No closing paragraphs (``同志们，……`` call to action).
``empty-section`` (warning)
    A heading with no text and no sub-sections under it.
``off-topic`` (warning)
    A heading names one subject (防汛) and its body is clearly about another (招商).
``dangling-reference`` (warning)
    这些成绩 / 上述问题 … with no achievements or problems stated before it.
``heading-length`` (info)
    A heading longer than 40 characters.
``thin-section`` (warning)
    A top-level or （一）-level section of one sentence or under 100 characters, or under
    150 characters and far shorter than its siblings.
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
``short-speech`` (warning)
    The speech is far below its target length (by default: a full speech of about 3,000
    characters).

The core never imports textual; the TUI and ``drafter lint`` / ``drafter draft``
are thin layers over :func:`lint_speech`, :func:`lint_text`, :func:`lint_path`
and :func:`lint_draft`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from drafter.corpus import clean_lines, read_document
from drafter.drafting import load_draft, render_speech
from drafter.errors import DrafterError
from drafter.lint import rules as _rules  # noqa: F401  (importing it registers every rule)
from drafter.lint.context import LintContext
from drafter.lint.dates import year_in
from drafter.lint.finding import Finding, LintReport
from drafter.lint.markdown import markdown_line
from drafter.lint.registry import all_rules
from drafter.model import Draft, Para, Speech
from drafter.outline import parse_corpus, parse_speech
from drafter.phrasebank import load_phrasebank


def lint_speech(
    speech: Speech,
    *,
    year: int | None = None,
    draft: bool = False,
    date: object = None,
    meeting: Mapping[str, object] | None = None,
    target_chars: int | None = None,
) -> list[Finding]:
    """All findings for one speech, in reading order.

    ``year`` is the meeting year (wins over every date); ``date`` (text such as 2024年2月20日,
    or a ``datetime.date``) and ``meeting`` (the draft's meeting fields: 会议名称, 日期, 职务 …)
    say what the speech is for, and win over its own date line and title; ``target_chars`` is
    the length the speech should have (default: a full speech).  ``draft`` marks a rendered
    draft: ``……`` in running text is then a blank and locations say 渲染稿第N行.
    """
    ctx = LintContext(speech, draft=draft, year=year, date=date, meeting=meeting, target_chars=target_chars)
    registered = all_rules()
    findings: list[Finding] = []
    for item in registered:
        findings += ctx.results(item.id)
    order = {item.id: item.order for item in registered}
    findings.sort(key=lambda f: (f.line is None, f.line or 0, order.get(f.rule, 10**6)))
    return findings


def lint_text(text: str, *, source: str = "", **options: Any) -> list[Finding]:
    """Parse ``text`` as one speech with the outline parser, then lint it.

    ``options`` are the keywords of :func:`lint_speech` (year, draft, date, meeting, target_chars).
    """
    speech = parse_speech(text, source=source)
    return lint_speech(speech, **options)


def lint_draft(
    draft: Draft,
    phrasebank: Any = None,
    *,
    year: int | None = None,
    source: str = "",
    target_chars: int | None = None,
) -> list[Finding]:
    """Render a draft with blanks allowed (a missing value becomes 【待补：…】) and lint it for its meeting."""
    return _lint_draft(draft, phrasebank, year=year, source=source, target_chars=target_chars)[1]


def _lint_draft(
    draft: Draft, phrasebank: Any, *, year: int | None, source: str, target_chars: int | None = None
) -> tuple[Speech, list[Finding]]:
    if phrasebank is None:
        phrasebank = load_phrasebank()
    speech = render_speech(draft, phrasebank, allow_blanks=True)
    if source:
        speech.source = source
    if year is None:
        year = year_in(str(draft.meeting.get("日期", "") or ""))
    findings = lint_speech(speech, year=year, draft=True, meeting=draft.meeting, target_chars=target_chars)
    return speech, findings


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
        return [_lint_spec(p, year)]
    if p.is_file() and suffix in (".md", ".markdown"):
        return [_lint_markdown(p, year)]
    if p.is_file() and suffix not in (".txt", ".docx", ".doc", ".wps", ".text"):
        raise DrafterError(
            f"不支持的文件类型“{p.suffix or '无扩展名'}”：可检查 .yaml/.yml 草稿、.txt、.md、.docx、.doc、.wps",
            str(p),
        )
    result = parse_corpus([p])
    if not result.speeches:
        if result.errors:
            raise result.errors[0]
        raise DrafterError("没有读到任何讲话稿", str(p))
    if on_error is not None:
        for error in result.errors:
            on_error(error)
    return [
        LintReport(speech.source or p.name, speech.index, lint_speech(speech, year=year), title=speech.title)
        for speech in result.speeches
    ]


def _lint_spec(p: Path, year: int | None) -> LintReport:
    draft = load_draft(p)
    speech, findings = _lint_draft(draft, None, year=year, source=p.name)
    # The rendered title (the default 在{会议名称}上的讲话 when the spec gives none, slots filled).
    title = speech.title or _rendered_title(draft)
    return LintReport(p.name, 0, findings, title=title)


def _lint_markdown(p: Path, year: int | None) -> LintReport:
    raw = read_document(p)  # encodings, binary, empty and over-long lines, like a .txt
    paras = clean_lines([Para(markdown_line(para.text), para.line) for para in raw])
    speech = parse_speech(paras, source=p.name, path=str(p))
    return LintReport(p.name, 0, lint_speech(speech, year=year), title=speech.title)


def _rendered_title(draft: Draft) -> str:
    """The draft's title as the renderer writes it, when the parser found none in the rendered text."""
    if draft.title:
        return draft.title
    name = str(draft.meeting.get("会议名称", "") or "").strip()
    return f"在{name}上的讲话" if name else ""


__all__ = ["lint_draft", "lint_path", "lint_speech", "lint_text"]
