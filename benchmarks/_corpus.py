"""The synthetic archive both ``bench_mine`` and ``bench_library`` import: seed sections recombined.

Every synthetic speech gets its own title, an opening, three or four sections
whose headings come from the seeds' headings of one role and whose paragraphs
are new mixes of seed sentences of that role, and a closing (one speech per
file).  So the speeches are not near-duplicates of each other (the duplicate
detector marks almost none of them), yet they read like the seeds to the parser.

``build_corpus(folder, target_bytes, seed)`` writes the files; ``jieba_time(folder)``
is the baseline both benchmarks divide by (bare ``jieba.lcut`` over every file).
"""

from __future__ import annotations

import json
import random
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from drafter.model import SECTION_ROLES  # noqa: E402
from drafter.text import to_chinese  # noqa: E402

_SENT = re.compile(r"(?<=[。！？；])")
_PLACES = "青山 白水 临河 东坪 南岭 西峡 北川 云溪 石桥 安平 长乐 新安 永宁 凤城 金沙 桃源".split()
_MEETINGS = [
    "县政府全体（扩大）会议",
    "全县经济工作会议",
    "重点项目推进会",
    "作风建设大会",
    "一季度工作总结会",
]


def _pools():
    """Sentences, headings and sub-headings of the seeds, by role; openings and closings."""
    from drafter.roles import load_labelled_corpus

    corpus = load_labelled_corpus([ROOT / "seeds"])
    pools: dict[str, dict[str, list[str]]] = {
        r: {"headings": [], "children": [], "sentences": []} for r in SECTION_ROLES
    }
    openings: list[str] = []
    closings: list[str] = []
    for speech in corpus.speeches:
        if speech.duplicate_of:
            continue
        openings.extend(p.text for p in speech.opening if len(p.text) > 20)
        closings.extend(p.text for p in speech.closing if len(p.text) > 20)
        for sec in speech.sections:
            pool = pools[sec.role or "tasks"]
            pool["headings"].append(sec.heading)
            for node in sec.iter_sections():
                if node is not sec:
                    pool["children"].append(node.heading)
                for para in node.paragraphs:
                    pool["sentences"].extend(s for s in _SENT.split(para.text) if len(s) >= 8)
    return pools, openings, closings


def _speech_text(rng: random.Random, n: int, pools, openings, closings) -> str:
    place = rng.choice(_PLACES) + rng.choice("县市区")
    lines = [
        f"在{place}{2015 + n % 10}年第{to_chinese(n % 12 + 1)}次{rng.choice(_MEETINGS)}上的讲话",
        "同志们：",
    ]
    opening = rng.choice(openings) if openings else "这次会议十分重要。"
    lines.append(opening + f"下面，我讲{to_chinese(3)}点意见。")
    roles = ["situation", "tasks", "discipline"] if rng.random() < 0.6 else ["tasks", "tasks", "discipline"]
    if rng.random() < 0.3:
        roles.insert(1, "tasks")
    for i, role in enumerate(roles, 1):
        pool = pools[role] if pools[role]["sentences"] else pools["tasks"]
        lines.append(f"{to_chinese(i)}、{rng.choice(pool['headings'])}")
        for j in range(1, rng.randint(3, 5) + 1):
            child = rng.choice(pool["children"]) if pool["children"] else rng.choice(pool["headings"])
            sentences = rng.sample(pool["sentences"], k=min(len(pool["sentences"]), rng.randint(3, 7)))
            lines.append(f"（{to_chinese(j)}）{child}。" + "".join(sentences))
    lines.append(rng.choice(closings) if closings else "同志们，让我们共同努力！")
    return "\n".join(lines) + "\n"


def build_corpus(folder: Path, target_bytes: int, seed: int = 7) -> int:
    """Write synthetic speeches (one per file) into ``folder`` until ``target_bytes``; returns bytes."""
    pools, openings, closings = _pools()
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    total = 0
    n = 0
    while total < target_bytes:
        data = _speech_text(rng, n, pools, openings, closings).encode("utf-8")
        (folder / f"s{n:05d}.txt").write_bytes(data)
        total += len(data)
        n += 1
    return total


def jieba_time(folder: Path | list[Path]) -> tuple[float, float]:
    """(wall, cpu) seconds of bare ``jieba.lcut`` over every file of a folder, or over the files given (read
    included)."""
    from drafter.roles import get_jieba

    jieba = get_jieba()
    files = sorted(folder.glob("*.txt")) if isinstance(folder, Path) else folder
    w0, c0 = time.perf_counter(), time.process_time()
    for f in files:
        jieba.lcut(f.read_text("utf-8"))
    return time.perf_counter() - w0, time.process_time() - c0


def bench_main(run, doc: str | None, argv: list[str] | None = None) -> int:
    """The command line of a benchmark module: ``[--quick] [--json]``; ``-h`` prints ``doc`` and runs nothing."""
    args = sys.argv[1:] if argv is None else argv
    if "-h" in args or "--help" in args:
        print((doc or "").strip())
        print("\n用法：[--quick] [--json]")
        return 0
    figures = run(quick="--quick" in args)
    if "--json" in args:
        print(json.dumps(figures, ensure_ascii=False))
    else:
        for key, value in figures.items():
            print(f"{key:34} {value}")
    return 0
