"""Draft to Word: render + lint + .docx export of a ~6,000-character speech vs bare python-docx.

The draft is ``examples/plenary.yaml`` extended with more 重点工作 sub-sections whose
free-text items are sentences of the seed corpus, until the rendered text reaches about
6,000 characters.  Measured ("ours"): ``render_text`` -> ``parse_speech`` ->
``lint_speech`` -> ``export_docx`` (the phrasebank is loaded once, outside the timing,
as the TUI and ``drafter draft`` hold it already).  Baseline, in the same run and
interleaved with ours (A, B, A, B ...): bare python-docx writing the same paragraphs
(``Document()``, ``add_paragraph(line)`` for every rendered line, ``save``) with default
styles.  The figure is the ratio of the medians (target <= 2).

Also the suggestion engine (issue 10): ``suggest`` for every meeting of
``benchmarks/eval/meetings.yaml`` on the full shipped phrasebank, loaded once (the
wizard's 换一批 and ``drafter suggest`` hold it already); p50 and p95 in ms (target p95 <= 150).

``run(quick=False) -> dict``; ``python benchmarks/bench_draft.py [--quick] [--json]``.
"""

from __future__ import annotations

import json
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET_CHARS = 6000
_SENT = re.compile(r"(?<=[。！？])")
_CHILD_HEADINGS = [
    "全力抓好工业经济运行",
    "扎实推进重点项目建设",
    "持续深化改革开放",
    "加快推进乡村振兴",
    "着力保障和改善民生",
    "切实抓好安全稳定",
    "不断加强生态环境保护",
    "全面提升城市管理水平",
    "积极培育新兴产业",
    "用心用力优化服务",
    "多措并举增加财政收入",
    "统筹抓好社会事业发展",
]


def _seed_sentences() -> list[str]:
    """Body sentences of the seed corpus (no headings, no placeholders, no template syntax)."""
    out: list[str] = []
    seen: set[str] = set()
    for path in sorted((ROOT / "seeds").glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if len(line) < 40 or re.match(
                r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d+[.．])", line
            ):
                continue
            for sentence in _SENT.split(line):
                if (
                    20 <= len(sentence) <= 120
                    and not re.search(r"[{}%XＸ×*]|……", sentence)
                    and sentence not in seen
                ):
                    seen.add(sentence)
                    out.append(sentence)
    return out


def build_draft(phrasebank, target_chars: int = TARGET_CHARS):
    """``examples/plenary.yaml`` grown with seed-sentence sub-sections to about ``target_chars``.

    Returns ``(draft, rendered_text)``.
    """
    from drafter.drafting import load_draft, render_text
    from drafter.model import DraftItem, DraftSection

    draft = load_draft(ROOT / "examples" / "plenary.yaml", phrasebank)
    tasks = next(s for s in draft.sections if s.role == "tasks")
    text = render_text(draft, phrasebank)
    sentences = [s for s in _seed_sentences() if s[:12] not in text]  # no repeats of the example's text
    i = 0
    k = 0
    while len(text) < target_chars and i < len(sentences):
        body = ""
        while len(body) < 300 and i < len(sentences):
            body += sentences[i]
            i += 1
        heading = _CHILD_HEADINGS[k % len(_CHILD_HEADINGS)]
        tasks.children.append(DraftSection(role="tasks", heading=heading, items=[DraftItem(text=body)]))
        k += 1
        text = render_text(draft, phrasebank)
    return draft, text


def pipeline(draft, phrasebank, path: Path) -> int:
    """What ``drafter draft -o x.docx`` does after loading: render, parse, lint, export. Returns findings."""
    from drafter.drafting import date_year, render_text
    from drafter.export import export_docx
    from drafter.lint import lint_speech
    from drafter.outline import parse_speech

    text = render_text(draft, phrasebank)
    speech = parse_speech(text, source="bench.yaml")
    findings = lint_speech(speech, year=date_year(draft.meeting.get("日期")), draft=True)
    export_docx(speech, path, force=True, author=draft.meeting.get("讲话人", ""))
    return len(findings)


def bare_python_docx(lines: list[str], path: Path) -> None:
    import docx

    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    document.save(str(path))


def suggest_times(phrasebank, rounds: int) -> list[float]:
    """Milliseconds of each ``suggest`` over the evaluation meetings, ``rounds`` times with new seeds."""
    import yaml

    from drafter.drafting.suggest import suggest

    meetings = yaml.safe_load((ROOT / "benchmarks" / "eval" / "meetings.yaml").read_text(encoding="utf-8"))
    meetings = [{k: str(v) for k, v in m["meeting"].items()} for m in meetings["meetings"]]
    suggest(None, meetings[0], phrasebank)  # warm-up: template metadata, caches
    times: list[float] = []
    for seed in range(rounds):
        for meeting in meetings:
            t0 = time.perf_counter()
            suggest(None, meeting, phrasebank, seed=seed)
            times.append((time.perf_counter() - t0) * 1000)
    return sorted(times)


def run(quick: bool = False) -> dict:
    from drafter.phrasebank import load_phrasebank

    repeats = 5 if quick else 21
    with tempfile.TemporaryDirectory(prefix="drafter-bench-draft-") as tmp:
        folder = Path(tmp)
        old_user = os.environ.get("DRAFTER_USER_DIR")
        os.environ["DRAFTER_USER_DIR"] = str(folder / "user")  # no user templates or phrases
        try:
            bank = load_phrasebank(include_user=False)
            draft, text = build_draft(bank)
            suggest_ms = suggest_times(bank, 2 if quick else 5)
            lines = [line for line in text.splitlines() if line.strip()]
            # warm-up: imports, template compilation, jieba / lint tables, python-docx template
            findings = pipeline(draft, bank, folder / "warm.docx")
            bare_python_docx(lines, folder / "warm-bare.docx")
            ours: list[float] = []
            bare: list[float] = []
            for i in range(repeats):  # interleaved, so both see the same machine state
                t0 = time.perf_counter()
                bare_python_docx(lines, folder / f"bare{i}.docx")
                bare.append(time.perf_counter() - t0)
                t0 = time.perf_counter()
                pipeline(draft, bank, folder / f"ours{i}.docx")
                ours.append(time.perf_counter() - t0)
        finally:
            if old_user is None:
                os.environ.pop("DRAFTER_USER_DIR", None)
            else:
                os.environ["DRAFTER_USER_DIR"] = old_user
    ours_ms = statistics.median(ours) * 1000
    bare_ms = statistics.median(bare) * 1000
    return {
        "draft_chars": len(text.replace("\n", "")),
        "draft_paragraphs": len(lines),
        "draft_lint_findings": findings,
        "draft_repeats": repeats,
        "render_lint_export_ms": round(ours_ms, 1),
        "draft_bare_python_docx_ms": round(bare_ms, 1),
        "export_vs_python_docx_ratio": round(ours_ms / bare_ms, 2),
        "suggest_blocks": len(bank.blocks),
        "suggest_p50_ms": round(suggest_ms[len(suggest_ms) // 2], 1),
        "suggest_p95_ms": round(suggest_ms[max(0, int(len(suggest_ms) * 0.95) - 1)], 1),
    }


if __name__ == "__main__":
    figures = run(quick="--quick" in sys.argv)
    if "--json" in sys.argv:
        print(json.dumps(figures, ensure_ascii=False))
    else:
        for key, value in figures.items():
            print(f"{key:32} {value}")
