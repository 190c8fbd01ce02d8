"""Evaluation of the suggestion engine on benchmarks/eval/meetings.yaml (issue 10).

    python benchmarks/eval/run.py [--json] [--show ID] [--seed N]

Measures, over the meetings: the share of task paragraphs on the meeting's subject,
the median length against the target, the median share of sentences shared between
drafts for different meetings, the variation between seeds 0 and 1, findings of the
context lint rules (when they exist), and suggest latency (p50/p95 ms).  The rubric
for reading drafts by hand is RUBRIC.md beside this file.
"""

from __future__ import annotations

import argparse
import inspect
import itertools
import json
import re
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import yaml

from drafter import drafting
from drafter.lint import lint_speech
from drafter.outline import parse_speech
from drafter.phrasebank import load_phrasebank

HERE = Path(__file__).resolve().parent
DEFAULT_TARGET = 4600  # 20 minutes at 230 字/分钟
CONTEXT_RULES = (
    "period-mismatch",
    "level-mismatch",
    "meeting-mismatch",
    "off-topic",
    "dangling-reference",
    "thin-section",
    "short-speech",
)
_SENT_RE = re.compile(r"[^。！？；]+[。！？；]?")
# A form of meeting named in a draft (the same test as drafting.forms_missing, kept here so that an
# older tree can be measured): 交帐亮相 text at a 述职 meeting or the reverse.
_FORM_TEXT = {
    "交帐亮相": re.compile(
        r"交[帐账]亮相|亮相[会台]|交[帐账](?:发言|会|情况|环节|单位|材料|时)|上台交[帐账]|[这每下]一?次交[帐账]"
    ),
    "述职": re.compile(r"述职"),
}
_FORM_NAME = {"交帐亮相": ("交帐", "交账", "亮相"), "述职": ("述职",)}
GENERIC_FILES = ("general", "seeds", "")  # material any kind of meeting may open or close with
_BLANK_RE = re.compile(r"【待补[^】]*】")


def sentences(text: str) -> set[str]:
    out = set()
    for line in text.splitlines():
        for s in _SENT_RE.findall(line):
            s = _BLANK_RE.sub("", s).strip(" 。！？；，")
            if len(s) >= 8:
                out.add(s)
    return out


def _supports(name: str) -> bool:
    """Whether this tree's ``suggest_draft`` takes ``name`` (the tree before issue 10 had no seed)."""
    params = inspect.signature(drafting.suggest_draft).parameters
    return name in params or any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())


def suggest(meeting: dict[str, str], bank: Any, seed: int) -> Any:
    try:  # the template the wizard and ``drafter suggest`` pick (by the meeting's kinds)
        template = drafting.suited_template(meeting, bank) or "plenary"
    except TypeError:  # an older tree: suited_template(meeting) only
        template = drafting.suited_template(meeting) or "plenary"
    kwargs: dict[str, Any] = {}
    if _supports("seed"):
        kwargs["seed"] = seed
    return drafting.suggest_draft(template, meeting, bank, **kwargs)


def _task_paragraphs(section: dict[str, Any]) -> list[str]:
    out = list(section["paragraphs"])
    for child in section["children"]:
        out += _task_paragraphs(child)
    return out


def _heading_paragraphs(section: dict[str, Any]) -> list[tuple[str, str]]:
    """(heading, first paragraph) of each task subsection (or the section itself)."""
    if section["children"]:
        out = []
        for c in section["children"]:
            out += _heading_paragraphs(c)
        return out
    return [(section["heading"], " ".join(section["paragraphs"]))]


def wrong_forms(text: str, meeting: dict[str, str]) -> list[str]:
    reference = " ".join(meeting.get(k, "") for k in ("会议名称", "会议类型", "主题"))
    return [
        form
        for form, pattern in _FORM_TEXT.items()
        if pattern.search(text) and not any(w in reference for w in _FORM_NAME[form])
    ]


def foreign_frame(draft: Any, bank: Any, kinds: list[str]) -> list[str]:
    """Opening and closing blocks from another kind's file (blocks/<kind>.yaml) than the meeting's."""
    out = []
    for item in [*draft.opening, *draft.closing]:
        block = bank.blocks.get(item.phrase or "")
        stem = Path(block.file).stem if block is not None and block.file else ""
        if block is not None and stem not in GENERIC_FILES and stem not in kinds:
            out.append(block.id)
    return out


def evaluate(bank: Any, meetings: list[dict[str, Any]], seed: int = 0) -> dict[str, Any]:
    rows = []
    texts: dict[str, str] = {}
    texts_b: dict[str, str] = {}
    times: list[float] = []
    for m in meetings:
        meeting = {k: str(v) for k, v in m["meeting"].items()}
        t0 = time.perf_counter()
        draft = suggest(meeting, bank, seed)
        times.append((time.perf_counter() - t0) * 1000)
        text = drafting.render_text(draft, bank, allow_blanks=True)
        ctx = drafting.render_context(draft, bank, allow_blanks=True)
        texts[m["id"]] = text
        texts_b[m["id"]] = drafting.render_text(suggest(meeting, bank, seed + 1), bank, allow_blanks=True)
        words = m.get("subject") or []
        task_pars = [p for s in ctx["sections"] if s["role"] == "tasks" for p in _task_paragraphs(s)]
        on = sum(1 for p in task_pars if any(w in p for w in words))
        speech = parse_speech(text, source=f"{m['id']}.txt")
        year = drafting.date_year(draft.meeting.get("日期"))
        findings = lint_speech(speech, year=year, draft=True)
        context_findings = [f for f in findings if f.rule in CONTEXT_RULES]
        other_findings = [f for f in findings if f.rule not in CONTEXT_RULES and f.rule != "placeholder"]
        chars = len(re.sub(r"\s", "", text))
        subsections = [c for s in ctx["sections"] if s["role"] == "tasks" for c in s["children"]]
        roles = [s["role"] for s in ctx["sections"]]
        rows.append(
            {
                "id": m["id"],
                "name": meeting.get("会议名称", ""),
                "template": draft.template,
                "chars": chars,
                "task_paragraphs": len(task_pars),
                "on_subject": on,
                "blanks": text.count("【待补"),
                "lint": [f"{f.rule}:{f.location}" for f in context_findings],
                "other_lint": [f"{f.rule}:{f.location}" for f in other_findings],
                "task_subsections": len(subsections),
                "subsection_chars": [len(re.sub(r"\s", "", "".join(c["paragraphs"]))) for c in subsections],
                "has_situation": "situation" in roles,
                "wrong_forms": wrong_forms(text, meeting),
                "foreign_frame": foreign_frame(draft, bank, m.get("kinds") or []),
            }
        )
    for _ in range(2):  # warm timing: the wizard suggests again and again on one loaded phrasebank
        for m in meetings:
            meeting = {k: str(v) for k, v in m["meeting"].items()}
            t0 = time.perf_counter()
            suggest(meeting, bank, seed)
            times.append((time.perf_counter() - t0) * 1000)
    sents = {k: sentences(v) for k, v in texts.items()}
    pair_shares = []
    other_kind_shares = []  # pairs whose expected kinds share nothing (防汛 vs 教育)
    kinds = {m["id"]: set(m.get("kinds") or []) for m in meetings}
    for a, b in itertools.combinations(sorted(sents), 2):
        if sents[a] and sents[b]:
            share = len(sents[a] & sents[b]) / min(len(sents[a]), len(sents[b]))
            pair_shares.append(share)
            if not kinds[a] & kinds[b]:
                other_kind_shares.append(share)
    seed_diff = []
    for r in rows:
        s0, s1 = sents[r["id"]], sentences(texts_b[r["id"]])
        if s0:
            r["seed_variation"] = round(1 - len(s0 & s1) / len(s0), 3)
            seed_diff.append(r["seed_variation"])
    total_tasks = sum(r["task_paragraphs"] for r in rows)
    times.sort()
    target = DEFAULT_TARGET
    return {
        "meetings": len(rows),
        "on_subject_share": round(sum(r["on_subject"] for r in rows) / max(1, total_tasks), 3),
        "median_chars": statistics.median(r["chars"] for r in rows),
        "target_chars": target,
        "median_length_vs_target": round(statistics.median(r["chars"] for r in rows) / target, 3),
        "within_15pct": sum(1 for r in rows if abs(r["chars"] / target - 1) <= 0.15),
        "median_shared_sentences_between_meetings": round(statistics.median(pair_shares), 3),
        "max_shared_sentences_between_meetings": round(max(pair_shares), 3),
        "median_shared_sentences_other_kinds": round(statistics.median(other_kind_shares), 3),
        "median_seed_variation": round(statistics.median(seed_diff), 3),
        "min_seed_variation": round(min(seed_diff), 3),
        "context_lint_findings": sum(len(r["lint"]) for r in rows),
        "other_lint_findings": sum(
            len(r["other_lint"]) for r in rows
        ),  # repeated-phrase, parallel … (not 【待补】)
        "median_task_subsections": statistics.median(r["task_subsections"] for r in rows),
        "max_task_subsections": max(r["task_subsections"] for r in rows),
        "median_subsection_chars": statistics.median(n for r in rows for n in r["subsection_chars"]),
        "drafts_with_situation": sum(1 for r in rows if r["has_situation"]),
        "drafts_naming_a_wrong_form": sum(1 for r in rows if r["wrong_forms"]),
        "drafts_with_another_kinds_frame": sum(1 for r in rows if r["foreign_frame"]),
        "suggest_ms_p50": round(times[len(times) // 2], 1),
        "suggest_ms_p95": round(times[int(len(times) * 0.95) - 1], 1),
        "rows": rows,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--show", metavar="ID", help="print the rendered draft of one meeting")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--dump", metavar="DIR", help="also write each rendered draft to DIR/ID.txt")
    ap.add_argument(
        "--lint-texts",
        metavar="DIR",
        help="only lint DIR/*.txt (drafts dumped by another tree) with this tree's context rules",
    )
    args = ap.parse_args(argv)
    data = yaml.safe_load((HERE / "meetings.yaml").read_text(encoding="utf-8"))["meetings"]
    if args.lint_texts:
        total = 0
        for path in sorted(Path(args.lint_texts).glob("*.txt")):
            speech = parse_speech(path.read_text(encoding="utf-8"), source=path.name)
            found = [f.rule for f in lint_speech(speech, year=2025, draft=True) if f.rule in CONTEXT_RULES]
            total += len(found)
            print(path.stem, " ".join(found))
        print(f"context_lint_findings: {total}")
        return 0
    bank = load_phrasebank()
    if args.show:
        m = next(x for x in data if x["id"] == args.show)
        meeting = {k: str(v) for k, v in m["meeting"].items()}
        draft = suggest(meeting, bank, args.seed)
        sys.stdout.write(drafting.render_text(draft, bank, allow_blanks=True))
        return 0
    result = evaluate(bank, data, args.seed)
    if args.dump:
        Path(args.dump).mkdir(parents=True, exist_ok=True)
        for m in data:
            meeting = {k: str(v) for k, v in m["meeting"].items()}
            text = drafting.render_text(suggest(meeting, bank, args.seed), bank, allow_blanks=True)
            (Path(args.dump) / f"{m['id']}.txt").write_text(text, encoding="utf-8")
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return 0
    for r in result["rows"]:
        print(
            f"{r['id']} {r['template']:<14} {r['chars']:>5}字 任务段 {r['on_subject']}/{r['task_paragraphs']} "
            f"待补 {r['blanks']:>2} 种子差 {r.get('seed_variation', 0):.2f} 检查 {len(r['lint'])}  {r['name']}"
        )
    for k, v in result.items():
        if k != "rows":
            print(f"{k}: {v}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
