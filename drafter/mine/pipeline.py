"""Mining a labelled corpus: role structures, parallel heading sets (排比) and phrase candidates.

Two entry points:

* ``mine(speeches, progress=None)`` works on speeches already parsed (and,
  if not yet, labels them);
* ``mine_paths(paths, progress=None, workers=None, use_cache=True)`` loads a
  corpus itself: each file is read, cleaned, split, parsed, segmented once with
  jieba, labelled and searched for phrase candidates in a worker process
  (``workers`` processes, default: up to 2), and the per-file results are cached
  under the user cache dir keyed by the file's content hash.  One merge step then
  marks near-duplicates, counts structures and heading sets, and ranks phrases.

Duplicates (``speech.duplicate_of`` set) are counted once everywhere.
"""

from __future__ import annotations

import contextlib
import gc
import math
import multiprocessing
import os
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from drafter.corpus import clean_lines, iter_corpus_files, mark_duplicates, read_document, split_speeches
from drafter.corpus.limits import MAX_PACKAGE_BYTES
from drafter.errors import DrafterError
from drafter.mine.cache import (
    cache_dir,
    cache_key,
    cache_load,
    cache_store,
)
from drafter.mine.candidates import (
    Candidate,
    _functions,
    _tag_table,
    classify_function,
    fix_lines,
    slotify,
    speech_candidates,
)
from drafter.mine.heading_sets import _clean_heading, common_frame, heading_sets_of
from drafter.mine.structures import Structure, role_sequence, structures
from drafter.model import ROLE_TASKS, SECTION_ROLES, SPEECH_ROLES, HeadingSet, Speech
from drafter.outline import parse_speech, speech_from_data, speech_to_data
from drafter.roles import (
    CueModel,
    LabelledDoc,
    default_model,
    get_jieba,
    is_content_token,
    label_speech,
    log_odds,
    tokenize,
)
from drafter.util.crash import crash_message, write_crash_report
from drafter.util.safeio import read_bounded

Progress = Callable[[int, int, str], None] | None

KEEP_PER_FUNCTION = 40
POOL_MIN_BYTES = 1_500_000  # below this a process pool costs more than it saves

# Re-exported for callers that imported them from here before the split.
_REEXPORTED = (_clean_heading, _tag_table, classify_function, common_frame, slotify, role_sequence)


def _role_counts(speech: Speech, tok: Callable[[str], list[str]]) -> dict[str, dict[str, int]]:
    """Content-token counts per role in one speech (tokens seen at least twice, to keep it small)."""
    per_role: dict[str, Counter[str]] = {}
    for sec in speech.sections:
        counts = per_role.setdefault(sec.role or ROLE_TASKS, Counter())
        for node in sec.iter_sections():
            counts.update(tok(node.heading))
            for para in node.paragraphs:
                counts.update(tok(para.text))
    return {
        role: {sys.intern(t): c for t, c in counts.items() if c >= 2 and is_content_token(t)}
        for role, counts in per_role.items()
    }


def analyse_speech(
    speech: Speech, model: CueModel | None = None, tok=None, *, review: bool = False
) -> dict[str, Any]:
    """Label one speech and extract what the merge step needs, segmenting each text once.

    ``review`` selects the stricter candidates the writer's library offers for review.
    """
    memo: dict[str, list[str]] = {}

    def ctok(text: str) -> list[str]:
        got = memo.get(text)
        if got is None:
            got = memo[text] = (tok or tokenize)(text)
        return got

    if any(sec.role is None for sec in speech.sections):
        label_speech(speech, model, ctok)
    return {
        "speech": speech,
        "candidates": speech_candidates(speech, ctok, review=review),
        "role_counts": _role_counts(speech, ctok),
    }


def read_speeches(path: Path) -> tuple[list[Speech], dict[int, str]]:
    """Read, clean, split and parse one file: its speeches and its raw lines by number.

    Raises DrafterError when nothing but ads and blank lines is left.
    """
    raw = read_document(path)
    chunks = split_speeches(clean_lines(raw), path.name, str(path))
    if not chunks:
        raise DrafterError("清理广告和空行后没有剩下任何正文", str(path))
    raw_lines = {p.line: p.text for p in raw}
    speeches = [
        parse_speech(chunk, source=path.name, index=i, path=str(path)) for i, chunk in enumerate(chunks)
    ]
    return speeches, raw_lines


def _file_worker(path_str: str, as_data: bool = True, cache_key: str = "") -> dict[str, Any]:
    """Read, clean, split, parse, label and mine one file; never raises.

    With ``as_data`` the result holds only JSON-able values (for the cache and
    the process pool); without, the Speech and Candidate objects themselves.
    With ``cache_key`` the (data) result is also stored in the cache, by the worker.
    """
    path = Path(path_str)
    try:
        speeches, raw_lines = read_speeches(path)
        out = []
        for speech in speeches:
            got = analyse_speech(speech)
            fix_lines(got["candidates"], raw_lines)
            if as_data:
                got = {
                    "speech": speech_to_data(got["speech"]),
                    "candidates": [c.to_data() for c in got["candidates"]],
                    "role_counts": got["role_counts"],
                }
            out.append(got)
        result = {"file": path.name, "speeches": out, "error": None}
        if cache_key and as_data:
            cache_store(cache_key, result)
        return result
    except DrafterError as exc:
        return {"file": path.name, "speeches": [], "error": [exc.message, exc.file or str(path), exc.line]}
    except Exception as exc:  # a bug on one file must not stop a folder: written down, the file skipped
        report = write_crash_report(exc, where="mine: one file")
        return {
            "file": path.name,
            "speeches": [],
            "error": [f"已跳过此文件：{crash_message(report, error=exc)}", str(path), None],
        }


@dataclass
class MineResult:
    speeches: list[Speech]
    errors: list[DrafterError]
    structures: list[Structure]
    heading_sets: list[HeadingSet]
    phrases: list[Candidate]
    role_cues: dict[str, list[tuple[str, float]]]
    stats: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        """What ``drafter mine`` writes as YAML."""
        phrases = []
        counters: Counter[str] = Counter()
        for c in self.phrases:
            fid = _FUNCTION_IDS.get(c.function, "other")
            counters[f"{c.role}.{fid}"] += 1
            entry: dict[str, Any] = {
                "id": f"mined.{c.role}.{fid}.{counters[f'{c.role}.{fid}']:03d}",
                "role": c.role,
                "function": c.function,
                "topics": c.topics,
                "text": c.text,
                "source": {"file": c.source.file, "speech": c.source.speech, "line": c.source.line},
                "score": c.score,
            }
            if c.count > 1:
                entry["count"] = c.count
            if c.slots:
                entry["slots"] = c.slots
            phrases.append(entry)
        return {
            "stats": self.stats,
            "structures": [s.to_dict() for s in self.structures],
            "heading_sets": [
                {
                    "id": h.id,
                    "frame": h.frame,
                    "items": h.items,
                    "role": h.role,
                    "source": {"file": h.source.file, "speech": h.source.speech, "line": h.source.line}
                    if h.source
                    else None,
                }
                for h in self.heading_sets
            ],
            "role_cues": {
                r: [{"word": w, "weight": x} for w, x in self.role_cues.get(r, [])] for r in SECTION_ROLES
            },
            "phrases": phrases,
            "errors": [str(e) for e in self.errors],
        }


_FUNCTION_IDS = {
    "会议定性": "meeting-nature",
    "会议目的": "meeting-purpose",
    "回应前面发言": "response",
    "引出意见": "lead-in",
    "肯定成绩": "achievements",
    "成绩归因": "attribution",
    "转折": "turn",
    "问题不足": "problems",
    "形势机遇": "opportunities",
    "项目建设": "projects",
    "招商引资": "investment",
    "工业经济": "industry",
    "城乡建设": "urban-rural",
    "乡村振兴": "rural",
    "生态环保": "ecology",
    "财政金融": "finance",
    "营商环境": "business-env",
    "民生保障": "livelihood",
    "安全稳定": "safety",
    "社会治理": "governance",
    "科技创新": "innovation",
    "综合": "general",
    "作风要求": "style",
    "督查问责": "supervision",
    "廉政要求": "integrity",
    "号召": "call",
}


_Analysed = tuple[Speech, list[Candidate], dict[str, dict[str, int]]]


def _merge(analysed: list[_Analysed], errors: list[DrafterError], files: int, *, mark: bool) -> MineResult:
    speeches = [s for s, _, _ in analysed]
    if mark and len(speeches) > 1:
        mark_duplicates(speeches)
    originals = [item for item in analysed if item[0].duplicate_of is None]
    heading_sets = _numbered_heading_sets(originals)
    phrases = _ranked_phrases(originals)
    by_role: Counter[str] = Counter(
        sec.role or ROLE_TASKS for speech, _, _ in originals for sec in speech.sections
    )
    stats = {
        "files": files,
        "files_with_errors": len(errors),
        "speeches": len(speeches),
        "duplicates": sum(1 for s in speeches if s.duplicate_of is not None),
        "distinct_speeches": len(originals),
        "sections_by_role": {r: by_role.get(r, 0) for r in SECTION_ROLES},
        "heading_sets": len(heading_sets),
        "phrases": len(phrases),
    }
    return MineResult(
        speeches=speeches,
        errors=errors,
        structures=structures(speeches),
        heading_sets=heading_sets,
        phrases=phrases,
        role_cues=_mined_cues(originals),
        stats=stats,
    )


def _numbered_heading_sets(originals: list[_Analysed]) -> list[HeadingSet]:
    """The heading sets of the (non-duplicate) speeches, numbered per role."""
    heading_sets: list[HeadingSet] = []
    per_role: Counter[str] = Counter()
    for speech, _, _ in originals:
        for hs, _where in heading_sets_of(speech):
            per_role[hs.role] += 1
            hs.id = f"mined.{hs.role}.set.{per_role[hs.role]:03d}"
            heading_sets.append(hs)
    return heading_sets


def _ranked_phrases(originals: list[_Analysed]) -> list[Candidate]:
    """Phrase candidates: identical texts merged (counted per speech), the best per function kept."""
    by_text: dict[str, Candidate] = {}
    seen_in: dict[str, set[tuple[str, int]]] = {}
    for speech, cands, _ in originals:
        for c in cands:
            key = c.role + "\0" + c.text
            seen_in.setdefault(key, set()).add((speech.source, speech.index))
            by_text.setdefault(key, c)
    grouped: dict[tuple[str, str], list[Candidate]] = {}
    for key, c in by_text.items():
        c.count = len(seen_in[key])
        if c.count > 1:
            c.score = min(1.0, round(c.score + 0.1 * math.log2(c.count), 3))
        grouped.setdefault((c.role, c.function), []).append(c)
    phrases: list[Candidate] = []
    ranked = sorted(
        (kv for kv in grouped.items() if kv[0][0] in SPEECH_ROLES), key=lambda kv: _group_rank(*kv[0])
    )
    for _key, group in ranked:
        group.sort(key=lambda c: (-c.score, c.source.file, c.source.speech, c.source.line, c.text))
        phrases.extend(group[:KEEP_PER_FUNCTION])
    return phrases


def _group_rank(role: str, function: str) -> tuple[int, int, str]:
    """Speech order of the role, then the function's order in the phrasebank vocabulary."""
    return (SPEECH_ROLES.index(role), *_function_rank(role, function))


def _mined_cues(originals: list[_Analysed]) -> dict[str, list[tuple[str, float]]]:
    """Cue words mined from this corpus, by role, strongest first."""
    docs = [
        LabelledDoc(role, Counter(counts), (speech.source, speech.index))
        for speech, _, rc in originals
        for role, counts in rc.items()
    ]
    mined = log_odds(docs, top=30)
    return {r: sorted(mined.get(r, {}).items(), key=lambda x: (-x[1], x[0])) for r in SECTION_ROLES}


def _function_rank(role: str, function: str) -> tuple[int, str]:
    names = [n for n, _ in _functions().get(role, [])]
    return (names.index(function) if function in names else len(names), function)


@contextlib.contextmanager
def _gc_paused():
    """Pause the cyclic garbage collector while mining.

    Mining builds many small acyclic objects (paragraphs, tokens, candidates);
    with a large corpus the collector's full passes over them cost 10-15 % of
    the run and free nothing (reference counting frees them).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def mine(speeches: Sequence[Speech], progress: Progress = None) -> MineResult:
    """Mine speeches already parsed (labelling those not labelled yet).

    ``progress(done, total, name)`` is called after each speech.
    """
    with _gc_paused():
        return _mine_speeches(speeches, progress)


def _mine_speeches(speeches: Sequence[Speech], progress: Progress) -> MineResult:
    model = default_model()
    analysed = []
    total = len(speeches)
    for i, speech in enumerate(speeches):
        got = analyse_speech(speech, model)
        analysed.append((speech, got["candidates"], got["role_counts"]))
        if progress:
            progress(i + 1, total, speech.source)
    files = len({s.source for s in speeches})
    return _merge(analysed, [], files, mark=False)


def _pool_context():
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def mine_paths(
    paths: Sequence[str | Path] | str | Path,
    progress: Progress = None,
    *,
    workers: int | None = None,
    use_cache: bool = True,
) -> MineResult:
    """Load and mine a corpus (files or folders), in ``workers`` processes, with a per-file cache.

    Unreadable files end up in ``result.errors`` (one Chinese message per file);
    the others are mined.  Raises ``DrafterError`` only when no path exists.
    """
    with _gc_paused():
        return _mine_paths(paths, progress, workers=workers, use_cache=use_cache)


def _mine_paths(
    paths: Sequence[str | Path] | str | Path,
    progress: Progress,
    *,
    workers: int | None,
    use_cache: bool,
) -> MineResult:
    errors: list[DrafterError] = []
    existing = []
    for p in [paths] if isinstance(paths, (str, Path)) else paths:
        if Path(p).exists():
            existing.append(Path(p))
        else:
            errors.append(DrafterError("路径不存在", str(p)))
    files = iter_corpus_files(existing) if existing else []
    if not files and errors:
        raise DrafterError("没有可读取的语料：" + "；".join(str(e) for e in errors))
    run = _FileRun(files, progress, use_cache)
    run.mine(min(2, os.cpu_count() or 1) if workers is None else workers)
    return _merge(run.analysed(errors), errors, len(files), mark=True)


class _FileRun:
    """The per-file results of one ``mine_paths``: from the cache, or mined here or in a process pool."""

    def __init__(self, files: list[Path], progress: Progress, use_cache: bool) -> None:
        self.progress = progress
        self.use_cache = use_cache
        self.total = len(files)
        self.results: list[dict[str, Any] | None] = [None] * len(files)
        self.todo: list[tuple[int, Path, str]] = []  # (position, file, cache key) of the files to mine
        self.todo_bytes = 0
        for i, f in enumerate(files):
            self._look_up(i, f)
        self.done = len(files) - len(self.todo)
        if progress and self.done:
            progress(self.done, self.total, "（缓存）")

    def _look_up(self, i: int, f: Path) -> None:
        """Read the file's bytes: its cached result, or a place in ``todo``."""
        try:
            data = read_bounded(f, MAX_PACKAGE_BYTES)
        except DrafterError as exc:
            self.results[i] = {"file": f.name, "speeches": [], "error": [exc.message, str(f), None]}
            return
        key = cache_key(f, data) if self.use_cache else ""
        cached = cache_load(key) if self.use_cache else None
        if cached is not None:
            self.results[i] = cached
        else:
            self.todo.append((i, f, key))
            self.todo_bytes += len(data)

    def _finished(self, i: int, f: Path, result: dict[str, Any]) -> None:
        self.results[i] = result
        self.done += 1
        if self.progress:
            self.progress(self.done, self.total, f.name)

    def mine(self, workers: int) -> None:
        """Mine the files not in the cache, in a pool of ``workers`` processes when that pays."""
        if not self.todo:
            return
        get_jieba()  # initialise once; forked workers inherit it
        if workers <= 1 or len(self.todo) <= 1 or self.todo_bytes < POOL_MIN_BYTES:
            for i, f, key in self.todo:
                self._finished(i, f, _file_worker(str(f), self.use_cache, key))
            return
        with ProcessPoolExecutor(max_workers=workers, mp_context=_pool_context()) as pool:
            order = sorted(self.todo, key=lambda t: -t[1].stat().st_size)  # big files first
            futures = {pool.submit(_file_worker, str(f), True, key): (i, f) for i, f, key in order}
            for fut in as_completed(futures):
                self._finished(*futures[fut], fut.result())

    def analysed(self, errors: list[DrafterError]) -> list[_Analysed]:
        """Every speech with its candidates and role counts, in file order (a file's error to ``errors``)."""
        analysed: list[_Analysed] = []
        for k, res in enumerate(self.results):
            self.results[k] = None  # let the data form go as soon as it is converted
            if res is None:
                continue
            if res.get("error"):
                message, file, line = res["error"]
                errors.append(DrafterError(message, file, line))
                continue
            for item in res["speeches"]:
                if isinstance(item["speech"], Speech):
                    analysed.append((item["speech"], item["candidates"], item["role_counts"]))
                else:
                    cands = [Candidate.from_data(c) for c in item["candidates"]]
                    analysed.append((speech_from_data(item["speech"]), cands, item["role_counts"]))
        return analysed


__all__ = [
    "Candidate",
    "MineResult",
    "Structure",
    "cache_dir",
    "classify_function",
    "common_frame",
    "mine",
    "mine_paths",
    "role_sequence",
    "slotify",
    "structures",
]
