"""The one outline parser: front matter, opening, nested sections, closing, announced count.

Used for corpus speeches and for rendered drafts alike.  ``parse_speech`` reads one speech;
``parse_file`` reads, cleans and splits one corpus file; ``parse_corpus`` does every file of
a corpus and marks near-duplicates.  The parts: ``front_matter`` (title … salutation),
``tree`` (markers, sections, closing), ``serialize`` (text, dict, cache data).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from drafter.corpus import clean_lines, iter_corpus_files, mark_duplicates, read_document, split_speeches
from drafter.errors import DrafterError
from drafter.model import Para, Speech
from drafter.outline.front_matter import drop_web_debris, front_matter
from drafter.outline.tree import announced_count, build_sections, split_closing, split_closing_of_opening
from drafter.util.crash import crash_message, write_crash_report

Progress = Callable[[int, int, str], None]
MAX_WARNINGS = 100


@dataclass
class CorpusResult:
    """Speeches parsed from a corpus, in corpus order, and one error per file that could not be read."""

    speeches: list[Speech] = field(default_factory=list)
    errors: list[DrafterError] = field(default_factory=list)


def _paras_of(text_or_paras: str | Sequence[Para]) -> list[Para]:
    if isinstance(text_or_paras, str):
        text = text_or_paras.replace("\r\n", "\n").replace("\r", "\n")
        raw = [Para(line, n) for n, line in enumerate(text.split("\n"), 1)]
        return clean_lines(raw)
    return [p for p in text_or_paras if p.text]


def _body_warnings(speech: Speech, has_body: bool) -> list[str]:
    warnings: list[str] = []
    if not speech.sections:
        warnings.append("没有找到层次编号（一、（一）1. 等），全文作为开场" if has_body else "没有正文")
    announced = speech.announced_sections
    if announced is not None and announced != len(speech.sections):
        warnings.append(f"开场预告讲 {announced} 个部分，实际找到 {len(speech.sections)} 个一级部分")
    return warnings


def parse_speech(
    text_or_paras: str | Sequence[Para],
    *,
    source: str = "",
    index: int = 0,
    path: str = "",
) -> Speech:
    """Parse one speech (plain text, or cleaned paragraphs from ``split_speeches``) into a ``Speech``.

    Never raises on odd input: problems become ``Speech.warnings`` (in Chinese).
    """
    paras = drop_web_debris(_paras_of(text_or_paras))
    speech = Speech(source=source, index=index, path=path, line=paras[0].line if paras else 0)
    front, body = front_matter(paras)
    speech.title = front.title
    speech.subtitle = front.subtitle
    speech.date = front.date
    speech.speaker = front.speaker
    speech.salutation = front.salutation
    warnings: list[str] = [] if speech.title else ["没有找到标题"]
    speech.opening, speech.sections = build_sections(body, warnings)
    if speech.sections:
        speech.closing = split_closing(speech.sections)
    else:
        speech.closing = split_closing_of_opening(speech.opening)
    speech.announced_sections = announced_count(speech.opening)
    warnings += _body_warnings(speech, bool(body))
    if len(warnings) > MAX_WARNINGS:
        extra = len(warnings) - MAX_WARNINGS
        warnings = [*warnings[:MAX_WARNINGS], f"另有 {extra} 条类似提示未列出"]
    speech.warnings = warnings
    return speech


def parse_file(path: str | Path) -> list[Speech]:
    """Read, clean, split and parse one corpus file (duplicates are not marked here)."""
    path = Path(path)
    name = path.name
    chunks = split_speeches(clean_lines(read_document(path)), name, str(path))
    if not chunks:
        raise DrafterError("清理广告和空行后没有剩下任何正文", str(path))
    return [parse_speech(chunk, source=name, index=i, path=str(path)) for i, chunk in enumerate(chunks)]


def _corpus_files(paths: Iterable[str | Path], errors: list[DrafterError]) -> list[Path]:
    files: list[Path] = []
    seen: set[Path] = set()
    for p in paths:
        try:
            for f in iter_corpus_files([p]):
                key = f.resolve()
                if key not in seen:
                    seen.add(key)
                    files.append(f)
        except DrafterError as exc:
            errors.append(exc)
    return files


def parse_corpus(paths: Iterable[str | Path] | str | Path, progress: Progress | None = None) -> CorpusResult:
    """Load, clean, split and parse every file under ``paths``; mark near-duplicates.

    One bad file never stops the rest: it becomes an entry of ``errors``.
    ``progress(done, total, name)`` is called after each file.
    """
    if isinstance(paths, (str, Path)):
        paths = [paths]
    result = CorpusResult()
    files = _corpus_files(paths, result.errors)
    total = len(files)
    for done, f in enumerate(files, 1):
        try:
            result.speeches.extend(parse_file(f))
        except DrafterError as exc:
            result.errors.append(exc)
        except Exception as exc:  # a bug on one file must not stop a folder: written down, the file skipped
            report = write_crash_report(exc, where="outline: one file")
            result.errors.append(DrafterError(f"已跳过此文件：{crash_message(report, error=exc)}", str(f)))
        if progress is not None:
            progress(done, total, f.name)
    mark_duplicates(result.speeches)
    return result
