"""Mining at scale: ``drafter mine`` vs bare ``jieba.lcut`` over the same files, in the same run.

Corpora of 1, 5 and 25 MB (quick: 0.5, 1, 2 MB) are built by recombining the
seeds' sections (``_corpus.build_corpus``, shared with ``bench_library``): the
speeches are not near-duplicates of each other, yet they read like the seeds to the parser.

Figures:
- ``mine_vs_jieba_ratio``: mining on one core / bare segmentation on one core (target <= 1.5);
- ``growth_exponent``: slope of log(time) over log(size) for 1/5/25 MB (about 1 = linear);
- ``peak_mem_ratio``: peak Python allocations while mining (tracemalloc, in a fresh process
  after jieba is loaded), divided by the corpus size (target <= 10); RSS figures beside it;
- ``two_core_speedup``: one-core time / two-process time, and the machine's core count;
- ``cache_rerun_s``: re-mining the unchanged corpus with the per-file cache.

``run(quick=False) -> dict``; ``python benchmarks/bench_mine.py [--quick] [--json]``.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _corpus import bench_main, build_corpus, jieba_time  # noqa: E402


def _mine_time(folder: Path, workers: int, use_cache: bool) -> tuple[float, float, object]:
    """(wall, cpu of this process, result) of ``mine_paths``."""
    from drafter.mine import mine_paths

    w0, c0 = time.perf_counter(), time.process_time()
    result = mine_paths([folder], workers=workers, use_cache=use_cache)
    return time.perf_counter() - w0, time.process_time() - c0, result


_MEM_SCRIPT = """
import json, resource, sys, tracemalloc
sys.path.insert(0, {root!r})
from drafter.roles import get_jieba, get_segmenter
from drafter.mine import mine_paths
from drafter.mine.candidates import _tag_table
get_jieba(); get_segmenter(); _tag_table()
rss_ready = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
tracemalloc.start()
mine_paths([{folder!r}], workers=1, use_cache=False)
current, peak = tracemalloc.get_traced_memory()
print(json.dumps({{"rss_ready_kb": rss_ready, "rss_peak_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                  "traced_peak": peak}}))
"""


def _memory(folder: Path) -> dict:
    """Peak memory of mining in a fresh process: Python allocations traced during mining, and RSS."""
    code = _MEM_SCRIPT.format(root=str(ROOT), folder=str(folder))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _slope(xs: list[float], ys: list[float]) -> float:
    lx = [math.log(x) for x in xs]
    ly = [math.log(y) for y in ys]
    mx, my = sum(lx) / len(lx), sum(ly) / len(ly)
    num = sum((a - mx) * (b - my) for a, b in zip(lx, ly, strict=True))
    den = sum((a - mx) ** 2 for a in lx)
    return num / den if den else float("nan")


def run(quick: bool = False) -> dict:
    sizes_mb = [0.5, 1.0, 2.0] if quick else [1.0, 5.0, 25.0]
    ratio_mb = sizes_mb[1]
    repeats = 2 if quick else 3
    from drafter.mine.pipeline import _tag_table
    from drafter.roles import get_jieba, get_segmenter

    get_jieba()
    get_segmenter()
    _tag_table()
    out: dict = {"cores": os.cpu_count()}
    with tempfile.TemporaryDirectory(prefix="drafter-bench-mine-") as tmp:
        tmp_path = Path(tmp)
        os.environ["DRAFTER_CACHE_DIR"] = str(tmp_path / "cache")
        mine_times = []
        real_mb = []
        for mb in sizes_mb:
            folder = tmp_path / f"c{mb}"
            nbytes = build_corpus(folder, int(mb * 1_000_000), seed=int(mb * 10))
            real_mb.append(nbytes / 1_000_000)
            key = f"{mb:g}mb"
            # Side by side, interleaved; the minimum of the repeats damps a busy machine's noise.
            runs = repeats if mb == ratio_mb else 1
            jw, jc, mw, mc = [], [], [], []
            result = None
            for _ in range(runs):
                w, c = jieba_time(folder)
                jw.append(w)
                jc.append(c)
                w, c, result = _mine_time(folder, workers=1, use_cache=False)
                mw.append(w)
                mc.append(c)
            mine_times.append(min(mw))
            out[f"mine_{key}_s"] = round(min(mw), 2)
            out[f"jieba_{key}_s"] = round(min(jw), 2)
            out[f"mine_vs_jieba_{key}"] = round(min(mw) / min(jw), 2)
            if mb == ratio_mb:
                out["mine_vs_jieba_ratio"] = round(min(mw) / min(jw), 2)
                out["mine_vs_jieba_cpu_ratio"] = round(min(mc) / min(jc), 2)
                out["corpus_mb"] = round(nbytes / 1_000_000, 2)
                out["speeches"] = result.stats["speeches"]
                out["duplicates_marked"] = result.stats["duplicates"]
                import resource

                kids0 = resource.getrusage(resource.RUSAGE_CHILDREN)
                two = [_mine_time(folder, workers=2, use_cache=False) for _ in range(runs)]
                kids1 = resource.getrusage(resource.RUSAGE_CHILDREN)
                t_two = min(w for w, _, _ in two)
                kids_cpu = (kids1.ru_utime + kids1.ru_stime - kids0.ru_utime - kids0.ru_stime) / runs
                out["two_procs_cpu_s"] = round(kids_cpu + min(c for _, c, _ in two), 2)
                out["mine_two_procs_s"] = round(t_two, 2)
                out["two_core_speedup"] = round(min(mw) / t_two, 2)
                out["mine_two_procs_vs_jieba_ratio"] = round(t_two / min(jw), 2)
                first_cached, _, _ = _mine_time(folder, workers=2, use_cache=True)  # fills the cache
                t_cache, _, _ = _mine_time(folder, workers=2, use_cache=True)
                out["cache_fill_s"] = round(first_cached, 2)
                out["cache_rerun_s"] = round(t_cache, 2)
                out["cache_rerun_fraction"] = round(t_cache / min(mw), 3)
                mem = _memory(folder)
                out["rss_after_jieba_init_mb"] = round(mem["rss_ready_kb"] / 1024, 1)
                out["peak_rss_mb"] = round(mem["rss_peak_kb"] / 1024, 1)
                out["mining_peak_alloc_mb"] = round(mem["traced_peak"] / 1_000_000, 1)
                out["peak_mem_ratio"] = round(mem["traced_peak"] / nbytes, 2)
        out["growth_exponent"] = round(_slope(real_mb, mine_times), 3)
    return out


if __name__ == "__main__":
    raise SystemExit(bench_main(run, __doc__))
