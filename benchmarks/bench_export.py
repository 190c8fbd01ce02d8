"""Word export speed: ``export_docx`` of a 6,000-character speech vs bare python-docx.

The baseline, measured side by side in the same run, writes the same paragraphs
with python-docx's plain API (``Document()``, ``add_paragraph(text)``, ``save``),
with no styles, fonts or page setup.  The figure is the ratio of medians
(target ≤ 2).  The full render + lint + export ratio is added by ``run.py``.

Package size: the clean package (``drafter.export.package``) against python-docx's
default package holding the same paragraphs, compressed and unpacked.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import docx  # noqa: E402

from drafter.export import export_docx  # noqa: E402
from drafter.model import Para, Section, Speech  # noqa: E402

TARGET_CHARS = 6000


def make_speech(target_chars: int = TARGET_CHARS) -> Speech:
    """A speech of about ``target_chars`` characters built from the seed corpus's first speech,
    with 一、/（一） headings, run-in headings and body paragraphs."""
    seed = sorted((ROOT / "seeds").glob("001_*.txt"))[0]
    lines = [line.strip() for line in seed.read_text(encoding="utf-8").splitlines() if len(line.strip()) > 40]
    speech = Speech(
        title="在全县经济工作暨优化营商环境推进大会上的讲话",
        subtitle="——在县政府第三次全体会议上的讲话",
        date="2024年3月1日",
        salutation="同志们：",
        opening=[Para(lines[0])],
        closing=[Para(lines[-1])],
    )
    total = len(lines[0]) + len(lines[-1])
    markers = "一二三四五六七八九"
    i, top = 1, None
    while total < target_chars:
        text = lines[i % len(lines)]
        i += 1
        if top is None or len(top.children) == 3:
            n = len(speech.sections)
            top = Section(f"{markers[n % 9]}、", "坚定信心，认清形势，切实增强责任感紧迫感", 1, [Para(text)])
            speech.sections.append(top)
        else:
            k = len(top.children)
            top.children.append(
                Section(f"（{markers[k]}）", "全力抓招商上项目。", 2, [Para(text)], run_in=k % 2 == 0)
            )
        total += len(text) + 12
    return speech


def _paragraph_texts(speech: Speech) -> list[str]:
    out = [speech.title, speech.subtitle or "", f"（{speech.date}）", speech.salutation or ""]
    out.extend(p.text for p in speech.opening)
    for section in speech.iter_sections():
        paras = [p.text for p in section.paragraphs]
        head = section.marker + section.heading
        if section.run_in and paras:
            out.append(head + paras.pop(0))
        else:
            out.append(head)
        out.extend(paras)
    out.extend(p.text for p in speech.closing)
    return out


def bare_python_docx(texts: list[str], path: Path) -> None:
    document = docx.Document()
    for text in texts:
        document.add_paragraph(text)
    document.save(str(path))


def run(quick: bool = False) -> dict:
    speech = make_speech()
    texts = _paragraph_texts(speech)
    chars = sum(len(t) for t in texts)
    repeats = 5 if quick else 25
    ours: list[float] = []
    bare: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        # warm-up (imports, template parsing caches)
        export_docx(speech, folder / "warm.docx")
        bare_python_docx(texts, folder / "warm-bare.docx")
        for i in range(repeats):  # interleaved, so both see the same machine state
            t0 = time.perf_counter()
            bare_python_docx(texts, folder / f"bare{i}.docx")
            bare.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            export_docx(speech, folder / f"ours{i}.docx")
            ours.append(time.perf_counter() - t0)
        sizes = {
            "export_docx_bytes": (folder / "ours0.docx").stat().st_size,
            "export_docx_unpacked_bytes": _unpacked(folder / "ours0.docx"),
            "bare_python_docx_bytes": (folder / "bare0.docx").stat().st_size,
            "bare_python_docx_unpacked_bytes": _unpacked(folder / "bare0.docx"),
        }
    ours_ms = statistics.median(ours) * 1000
    bare_ms = statistics.median(bare) * 1000
    return {
        "export_chars": chars,
        "export_paragraphs": len(texts),
        "export_docx_ms": round(ours_ms, 1),
        "bare_python_docx_ms": round(bare_ms, 1),
        "export_docx_vs_python_docx_ratio": round(ours_ms / bare_ms, 2),
        **sizes,
    }


def _unpacked(path: Path) -> int:
    with zipfile.ZipFile(path) as z:
        return sum(info.file_size for info in z.infolist())


if __name__ == "__main__":
    for key, value in run(quick="--quick" in sys.argv).items():
        print(f"{key:36} {value}")
