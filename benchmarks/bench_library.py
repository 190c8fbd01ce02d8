"""The writer's library at scale: ``corpus import`` vs bare ``jieba.lcut``, re-import, memory, search.

An archive of ~2,000 speeches (~20 MB; quick: ~200 speeches, ~2 MB) is built by
recombining the seeds' sections with ``_corpus.build_corpus`` as ``bench_mine`` does (one speech per file).

Figures:
- ``import_vs_jieba_ratio``: first import on one core / bare segmentation of the same files on one core
  (target <= 1.5); the two alternate over ``SLICES`` slices of the archive (bare jieba over a slice, then
  the import of that slice into the growing library), so both see the same machine;
- ``reimport_fraction``: re-import of the unchanged archive / first import (target <= 0.05);
- ``import_peak_alloc_small_mb`` / ``..._large_mb`` and ``import_peak_growth``: peak Python allocations
  (tracemalloc, fresh process, after jieba is loaded) importing an archive and one four times its size;
  a ratio near 1 means peak memory does not grow with the archive (streamed);
- ``search_p50_ms`` / ``search_p95_ms``: ``Library.search`` over the archive (target p95 <= 50 ms);
  ``search_all_p95_ms`` with the shipped seeds searched too;
- ``structures_empty_ms`` / ``structures_full_ms``: ``all_structures()`` (what the wizard asks at start)
  with an empty library and with the full archive.

``run(quick=False) -> dict``; ``python benchmarks/bench_library.py [--quick] [--json]``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _corpus import bench_main, build_corpus, jieba_time  # noqa: E402

SLICES = 6  # baseline and import alternate over this many slices of the archive

QUERIES = [
    "防汛", "招商引资", "安全生产", "作风建设", "项目建设", "营商环境", "乡村振兴", "督查督办", "生态环保",
    "民生", "财政收入", "效率", "抓落实", "责任", "形势", "问题", "干部", "考核", "工业经济", "城乡建设",
    "脱贫攻坚", "社会稳定", "信访", "目标任务", "重点工作", "转变作风", "真抓实干", "全年目标", "基础设施", "创新",
]  # fmt: skip

_MEM_SCRIPT = """
import json, resource, sys, tracemalloc
sys.path.insert(0, {root!r})
from drafter.roles import get_jieba, default_model
from drafter.mine.candidates import _tag_table
from drafter.library import Library
from drafter.roles import get_segmenter
get_jieba(); get_segmenter(); _tag_table(); default_model()
rss_ready = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
tracemalloc.start()
with Library.open() as lib:
    lib.import_paths([{folder!r}])
current, peak = tracemalloc.get_traced_memory()
print(json.dumps({{"rss_ready_kb": rss_ready, "rss_peak_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                  "traced_peak": peak}}))
"""


def _memory(folder: Path, user_dir: Path) -> dict:
    env = dict(os.environ, DRAFTER_USER_DIR=str(user_dir))
    env.pop("DRAFTER_CACHE_DIR", None)
    code = _MEM_SCRIPT.format(root=str(ROOT), folder=str(folder))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[k]


def run(quick: bool = False) -> dict:
    target_mb = 2.0 if quick else 20.0
    from drafter.library import Library, all_structures, search_all
    from drafter.mine.candidates import _tag_table
    from drafter.roles import default_model, get_jieba, get_segmenter

    get_jieba()
    get_segmenter()
    _tag_table()
    default_model()
    out: dict = {"cores": os.cpu_count()}
    with tempfile.TemporaryDirectory(prefix="drafter-bench-library-") as tmp:
        tmp_path = Path(tmp)
        os.environ["DRAFTER_USER_DIR"] = str(tmp_path / "user")
        os.environ.pop("DRAFTER_CACHE_DIR", None)
        folder = tmp_path / "archive"
        nbytes = build_corpus(folder, int(target_mb * 1_000_000), seed=11)
        out["archive_mb"] = round(nbytes / 1_000_000, 2)
        out["archive_files"] = len(list(folder.iterdir()))

        # Wizard start with an empty library (the seeds' library is built once, then cached).
        all_structures()
        t0 = time.perf_counter()
        all_structures()
        out["structures_empty_ms"] = round((time.perf_counter() - t0) * 1000, 1)

        # Baseline and import side by side, slice by slice (this machine's speed drifts by 10-15 % over a
        # minute): bare jieba over a slice of the files, then the import of that same slice into the library.
        files = sorted(folder.glob("*.txt"))
        jw = jc = iw = ic = 0.0
        speeches = duplicates = candidates = 0
        with Library.open() as lib:
            for part in range(SLICES):
                chunk = files[part::SLICES]
                w, c = jieba_time(chunk)
                jw, jc = jw + w, jc + c
                w0, c0 = time.perf_counter(), time.process_time()
                report = lib.import_paths(chunk)
                iw, ic = iw + time.perf_counter() - w0, ic + time.process_time() - c0
                speeches, duplicates = speeches + report.speeches, duplicates + report.duplicates
                candidates += report.candidates
        out["slices"] = SLICES
        out["speeches"] = speeches
        out["duplicates_marked"] = duplicates
        out["candidates"] = candidates
        out["jieba_s"] = round(jw, 2)
        out["import_s"] = round(iw, 2)
        out["import_vs_jieba_ratio"] = round(iw / jw, 2)
        out["import_vs_jieba_cpu_ratio"] = round(ic / jc, 2)
        out["library_mb"] = round((tmp_path / "user" / "library.sqlite3").stat().st_size / 1_000_000, 1)

        w0 = time.perf_counter()
        with Library.open() as lib:
            again = lib.import_paths([folder])
        rw = time.perf_counter() - w0
        out["reimport_s"] = round(rw, 2)
        out["reimport_fraction"] = round(rw / iw, 4)
        out["reimport_added"] = again.files

        with Library.open() as lib:
            lib.search("预热")
            times = []
            for _ in range(3):
                for q in QUERIES:
                    t0 = time.perf_counter()
                    lib.search(q, limit=20)
                    times.append((time.perf_counter() - t0) * 1000)
        out["search_queries"] = len(times)
        out["search_p50_ms"] = round(_pct(times, 0.5), 1)
        out["search_p95_ms"] = round(_pct(times, 0.95), 1)
        times = []
        for q in QUERIES:
            t0 = time.perf_counter()
            search_all(q, limit=20)
            times.append((time.perf_counter() - t0) * 1000)
        out["search_all_p95_ms"] = round(_pct(times, 0.95), 1)

        t0 = time.perf_counter()
        all_structures()
        out["structures_full_ms"] = round((time.perf_counter() - t0) * 1000, 1)

        # Peak memory at two sizes, each imported by a fresh process into a fresh library.
        small_mb = 0.5 if quick else 2.0
        small, large = tmp_path / "small", tmp_path / "large"
        build_corpus(small, int(small_mb * 1_000_000), seed=21)
        build_corpus(large, int(small_mb * 4 * 1_000_000), seed=22)
        m_small = _memory(small, tmp_path / "u_small")
        m_large = _memory(large, tmp_path / "u_large")
        out["mem_sizes_mb"] = [small_mb, small_mb * 4]
        out["import_peak_alloc_small_mb"] = round(m_small["traced_peak"] / 1_000_000, 1)
        out["import_peak_alloc_large_mb"] = round(m_large["traced_peak"] / 1_000_000, 1)
        out["import_peak_growth"] = round(m_large["traced_peak"] / max(1, m_small["traced_peak"]), 2)
        out["import_peak_rss_small_mb"] = round(m_small["rss_peak_kb"] / 1024, 1)
        out["import_peak_rss_large_mb"] = round(m_large["rss_peak_kb"] / 1024, 1)
    return out


if __name__ == "__main__":
    raise SystemExit(bench_main(run, __doc__))
