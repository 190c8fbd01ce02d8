"""Run every benchmark and print one table (or, with ``--json``, one object) of the figures.

Each benchmark module (``bench_*.py`` here, each exposing ``run(quick=False) -> dict``) runs in a
subprocess of its own, one after the other: a crash or a missing module does not stop the others,
and the peak memory reported for each module is that of its own process.  Every figure is measured
side by side with its baseline inside its module (ratios of the same run).

    python benchmarks/run.py [--json | --markdown] [--quick] [--only NAME ...] [--timeout SECONDS]

``--markdown`` prints the report in the shape of ``benchmarks/RESULTS.md``.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

MODULES = (
    "bench_outline",
    "bench_mine",
    "bench_library",
    "bench_search",
    "bench_draft",
    "bench_export",
    "bench_tui",
)

# figure key -> (target, "le" | "ge", what it means).  A target of None means "report only".
TARGETS: dict[str, tuple[float | None, str, str]] = {
    "mine_vs_jieba_ratio": (1.5, "le", "挖掘 5 MB 语料 / 同样文件的裸 jieba.lcut（单核）"),
    "growth_exponent": (1.2, "le", "挖掘时间随 1/5/25 MB 增长的拟合指数（1 = 线性）"),
    "two_core_speedup": (1.3, "ge", "挖掘：单进程耗时 / 双进程耗时"),
    "cache_rerun_fraction": (0.1, "le", "语料不变时重新挖掘（缓存）/ 首次挖掘"),
    "peak_mem_ratio": (10.0, "le", "挖掘时 Python 分配峰值 / 语料大小"),
    "mine_peak_rss_mb": (None, "le", "挖掘进程的峰值内存 RSS（MB，含 jieba 词典）"),
    "import_vs_jieba_ratio": (
        1.5,
        "le",
        "讲话稿库导入 20 MB / 同样文件的裸 jieba.lcut（单核，分片交替测量）",
    ),
    "reimport_fraction": (0.05, "le", "讲话稿库重新导入未改动的文件 / 首次导入"),
    "import_peak_growth": (None, "le", "导入 4 倍大小语料时 Python 分配峰值的增长（≈1 = 与规模无关）"),
    "search_p95_ms": (50.0, "le", "讲话稿库（约 1800 篇）检索的 p95（毫秒）"),
    "outline_mb_per_s": (5.0, "ge", "仅大纲解析的吞吐（MB/秒）"),
    "search_p95_ms_50k": (20.0, "le", "素材库 5 万条时检索的 p95（毫秒）"),
    "search_p95_ms_5k": (20.0, "le", "素材库 5 千条时检索的 p95（毫秒，快速模式）"),
    "export_vs_python_docx_ratio": (
        2.0,
        "le",
        "6000 字讲话稿 渲染+检查+导出 .docx / 裸 python-docx 写同样段落",
    ),
    "export_docx_vs_python_docx_ratio": (2.0, "le", "仅 export_docx / 裸 python-docx"),
    "suggest_p95_ms": (150.0, "le", "建议稿（drafter suggest / 向导快速路径）每次的 p95（毫秒，完整素材库）"),
    "tui_start_vs_bare_textual_ratio": (1.5, "le", "界面冷启动到首屏可操作 / 只有一个标签的 Textual 应用"),
    "search_keystroke_p95_ms": (50.0, "le", "界面检索框每次按键到结果重绘的 p95（毫秒）"),
    "tui_peak_rss_mb": (None, "le", "界面加载完成后的峰值内存 RSS（MB）"),
}

# Which module provides each headline figure (for "missing" rows).
PROVIDER = {
    "mine_vs_jieba_ratio": "bench_mine",
    "growth_exponent": "bench_mine",
    "two_core_speedup": "bench_mine",
    "cache_rerun_fraction": "bench_mine",
    "peak_mem_ratio": "bench_mine",
    "mine_peak_rss_mb": "bench_mine",
    "import_vs_jieba_ratio": "bench_library",
    "reimport_fraction": "bench_library",
    "import_peak_growth": "bench_library",
    "search_p95_ms": "bench_library",
    "outline_mb_per_s": "bench_outline",
    "search_p95_ms_50k": "bench_search",
    "search_p95_ms_5k": "bench_search",
    "export_vs_python_docx_ratio": "bench_draft",
    "suggest_p95_ms": "bench_draft",
    "export_docx_vs_python_docx_ratio": "bench_export",
    "tui_start_vs_bare_textual_ratio": "bench_tui",
    "search_keystroke_p95_ms": "bench_tui",
    "tui_peak_rss_mb": "bench_tui",
}

_CHILD = """
import json, resource, sys, time
sys.path.insert(0, {here!r})
sys.path.insert(0, {root!r})
t0 = time.perf_counter()
import {name} as module
result = module.run(quick={quick!r})
out = {{"result": result, "seconds": time.perf_counter() - t0,
        "maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}}
print("@@BENCH@@" + json.dumps(out, ensure_ascii=False, default=str))
"""


def run_module(name: str, quick: bool, timeout: float) -> dict:
    """Run one benchmark module in a fresh process; returns {"result": ..., ...} or {"error": ...}."""
    if not (HERE / f"{name}.py").exists():
        return {"error": "模块不存在（尚未提交）", "missing": True}
    code = _CHILD.format(here=str(HERE), root=str(ROOT), name=name, quick=quick)
    with tempfile.TemporaryDirectory(prefix=f"drafter-{name}-") as user_dir:
        env = dict(os.environ)
        env["DRAFTER_USER_DIR"] = user_dir  # never the real user's data
        env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
        t0 = time.perf_counter()
        try:
            proc = subprocess.run(
                [sys.executable, "-c", code],
                cwd=str(ROOT),
                env=env,
                capture_output=True,
                text=True,
                timeout=timeout,
            )
        except subprocess.TimeoutExpired:
            return {"error": f"超时（{timeout:.0f} 秒）", "seconds": round(time.perf_counter() - t0, 1)}
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith("@@BENCH@@"):
            data = json.loads(line[len("@@BENCH@@") :])
            data["seconds"] = round(data["seconds"], 1)
            return data
    tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
    return {
        "error": f"退出码 {proc.returncode}：" + " | ".join(tail),
        "seconds": round(time.perf_counter() - t0, 1),
    }


def machine() -> dict:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cores": os.cpu_count(),
        "cpu": cpu or platform.processor(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "date": _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


def collect(modules: dict[str, dict]) -> dict:
    """The headline figures from the modules' results (None where a module is missing or failed)."""
    res = {name: (data.get("result") or {}) for name, data in modules.items()}
    mine, tui = res.get("bench_mine", {}), res.get("bench_tui", {})
    figures: dict = {}
    for key in TARGETS:
        provider = res.get(PROVIDER[key], {})
        figures[key] = provider.get(key)
    figures["mine_peak_rss_mb"] = mine.get("peak_rss_mb")
    figures["tui_peak_rss_mb"] = tui.get("tui_peak_mb")
    # scale figures
    for key, value in mine.items():
        if key.startswith(("mine_", "jieba_")) and key.endswith("mb_s"):
            figures[key] = value
    figures["mining_peak_alloc_mb"] = mine.get("mining_peak_alloc_mb")
    figures["bare_textual_peak_rss_mb"] = tui.get("bare_textual_peak_mb")
    return figures


def _why_missing(key: str, modules: dict[str, dict]) -> str:
    name = PROVIDER[key]
    if name not in modules:
        return f"{name} 本次未运行"
    err = modules[name].get("error")
    return f"{name}：{err}" if err else f"{name} 未给出此项"


def verdict(key: str, value) -> str:
    target = TARGETS.get(key)
    if value is None:
        return "缺失"
    if target is None or target[0] is None:
        return "—"
    if key == "two_core_speedup" and (os.cpu_count() or 1) < 2:
        return "—（单核）"
    limit, how, _ = target
    ok = value <= limit if how == "le" else value >= limit
    return "OK" if ok else "MISS"


def table(figures: dict, modules: dict[str, dict], info: dict, quick: bool) -> str:
    lines = [
        f"drafter 基准测试  {info['date']}  {'（quick）' if quick else '（full）'}",
        f"机器：{info['cores']} 核  {info['cpu']}  Python {info['python']}",
        "",
        f"{'指标':38} {'数值':>10} {'目标':>8}  结果   说明",
    ]
    for key, (target, how, what) in TARGETS.items():
        value = figures.get(key)
        if PROVIDER[key] not in modules:
            continue  # not run this time (--only)
        if value is None and quick != key.endswith("_5k") and key.startswith("search_p95_ms_"):
            continue  # the other size's search figure
        tgt = "" if target is None else ("≤ " if how == "le" else "≥ ") + f"{target:g}"
        shown = "—" if value is None else f"{value}"
        note = what
        if value is None:
            note += f"（{_why_missing(key, modules)}）"
        lines.append(f"{key:38} {shown:>10} {tgt:>8}  {verdict(key, value):5}  {note}")
    scale = [k for k in figures if k.startswith(("mine_", "jieba_")) and k.endswith("mb_s")]
    if scale:
        lines.append("")
        lines.append("规模：" + "  ".join(f"{k}={figures[k]}" for k in scale))
    lines.append("")
    lines.append("各模块：")
    for name, data in modules.items():
        if "error" in data:
            lines.append(f"  {name:14} 失败：{data['error']}")
        else:
            lines.append(
                f"  {name:14} {data['seconds']:>7} 秒  进程峰值内存 {data['maxrss_kb'] / 1024:.0f} MB"
            )
    return "\n".join(lines)


def markdown(figures: dict, modules: dict[str, dict], info: dict, quick: bool) -> str:
    """The report as Markdown (the shape of benchmarks/RESULTS.md)."""
    out = [
        "# 基准测试结果（benchmarks/RESULTS.md）",
        "",
        f"- 日期：{info['date']}；运行：`python benchmarks/run.py{' --quick' if quick else ''}`"
        f"（{'快速小规模' if quick else '完整规模'}）",
        f"- 机器：{info['cores']} 核（`nproc`），CPU：{info['cpu']}；Python {info['python']}；{info['platform']}",
        "- 每项指标都与其基线在同一次运行中并排测量（交替进行），给出比值；每个模块在单独的进程中运行。",
        "- 注意：这台机器上可能同时运行着其他会话的负载，绝对时间仅供参考，以比值为准。",
        "",
        "| 指标 | 数值 | 目标 | 结果 | 说明 |",
        "|---|---:|---:|---|---|",
    ]
    for key, (target, how, what) in TARGETS.items():
        value = figures.get(key)
        if PROVIDER[key] not in modules:
            continue  # not run this time (--only)
        if value is None and quick != key.endswith("_5k") and key.startswith("search_p95_ms_"):
            continue
        tgt = "" if target is None else ("≤ " if how == "le" else "≥ ") + f"{target:g}"
        note = what
        if value is None:
            note += f"（{_why_missing(key, modules)}）"
        out.append(
            f"| `{key}` | {'—' if value is None else value} | {tgt} | {verdict(key, value)} | {note} |"
        )
    out += ["", "## 各模块的全部数字", ""]
    for name, data in modules.items():
        if "error" in data:
            out.append(f"- **{name}**：失败 —— {data['error']}")
            continue
        out.append(f"- **{name}**（{data['seconds']} 秒，进程峰值内存 {data['maxrss_kb'] / 1024:.0f} MB）：")
        result = {k: v for k, v in data["result"].items() if k != "targets"}
        out.append("  " + "，".join(f"`{k}` = {v}" for k, v in result.items()))
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="运行全部基准测试，输出一张表（或 --json 输出一个对象）。")
    parser.add_argument("--json", action="store_true", help="输出一个 JSON 对象")
    parser.add_argument("--markdown", action="store_true", help="以 Markdown 输出（RESULTS.md 的格式）")
    parser.add_argument("--quick", action="store_true", help="小规模快速运行（数字仅供参考）")
    parser.add_argument(
        "--only", action="append", default=[], metavar="NAME", help="只运行某个模块（可重复）"
    )
    parser.add_argument("--timeout", type=float, default=None, help="每个模块的超时秒数")
    args = parser.parse_args(argv)
    names = [n if n.startswith("bench_") else f"bench_{n}" for n in args.only] or list(MODULES)
    timeout = args.timeout or (600.0 if args.quick else 1800.0)
    modules: dict[str, dict] = {}
    for name in names:
        if not (args.json or args.markdown):
            print(f"运行 {name} ……", file=sys.stderr, flush=True)
        modules[name] = run_module(name, args.quick, timeout)
    info = machine()
    figures = collect(modules)
    if args.json:
        out = {**figures, "cores": info["cores"], "quick": args.quick, "machine": info,
               "modules": modules}  # fmt: skip
        print(json.dumps(out, ensure_ascii=False, indent=2, default=str))
    elif args.markdown:
        print(markdown(figures, modules, info, args.quick), end="")
    else:
        print(table(figures, modules, info, args.quick))
    failed = [n for n, d in modules.items() if "error" in d and not d.get("missing")]
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
