"""The TUI: cold start to the first interactive screen, search keystroke latency, peak memory.

- Cold start: a fresh Python process runs ``drafter``'s wizard (headless) and reports when the
  first screen is ready for input (Textual's ``Ready`` event); side by side, alternating, the same
  for a bare Textual app that shows one label.  Ratio of the medians (target <= 1.5).
- Search keystroke: the wizard with 50,000 phrases loaded, the 内容 step's search box; for each key
  typed, the time from the query change to the result list updated and painted (target <= 50 ms).
- Peak memory: max RSS of the wizard process once everything has loaded, beside the bare app.
- 换一个: F5 on a paragraph (内容) and a heading (标题) of a suggested draft puts the next alternative
  in place; from the key press to the last frame it caused, painted (target: one frame at Textual's
  MAX_FPS, 60 → 16.7 ms); beside it F7, the full list in a dialog (what F5 opened before).

``python benchmarks/bench_tui.py [--quick] [--json] [--only alternatives]``; ``run(quick=False) -> dict``.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BARE_APP = textwrap.dedent(
    """
    import sys
    from textual.app import App
    from textual.widgets import Label

    class Bare(App):
        def compose(self):
            yield Label("讲稿助手")

        def on_ready(self):
            self.call_after_refresh(self.report)

        def report(self):
            print("ready", flush=True)
            if "--wait" not in sys.argv:
                self.exit()
            else:
                self.set_timer(0.5, self.finish)

        def finish(self):
            import resource
            print("maxrss", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, flush=True)
            self.exit()

    Bare().run(headless=True, size=(120, 40))
    """
)

DRAFTER_APP = textwrap.dedent(
    """
    import sys
    from drafter.tui.app import DrafterApp

    class Timed(DrafterApp):
        def on_ready(self):
            # after every on_ready handler (the wizard's too) and the next paint: keys are handled now
            self.call_after_refresh(self.report)

        def report(self):
            print("ready", flush=True)
            if "--wait" not in sys.argv:
                self.exit()
            else:
                self.set_interval(0.1, self.finish)

        def finish(self):
            if self.workspace.phrasebank_ready and self.workspace.structures_loaded and self.workspace.lint_ready:
                import resource
                print("maxrss", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, flush=True)
                self.exit()

    Timed(resume=False).run(headless=True, size=(120, 40))
    """
)


def _env(user_dir: str, pycache: str | None = None) -> dict[str, str]:
    """The environment of both apps.  With ``pycache``, both read and write bytecode there.

    A development shell may set PYTHONDONTWRITEBYTECODE: then drafter's modules were compiled from
    source at every start while Textual's come precompiled from site-packages, which no installed
    copy of drafter does.  A shared cache prefix (filled by the warm-up runs) gives both apps
    bytecode for every module, as on a writer's machine.
    """
    env = dict(os.environ)
    env["DRAFTER_USER_DIR"] = user_dir
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    if pycache is not None:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = pycache
    return env


def _start_once(code: str, env: dict[str, str], wait: bool = False) -> tuple[float, int | None]:
    """Seconds from spawning the process to its first interactive screen; max RSS (KiB) if ``wait``."""
    args = [sys.executable, "-c", code] + (["--wait"] if wait else [])
    t0 = time.perf_counter()
    proc = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    ready = None
    rss = None
    try:
        for line in proc.stdout:
            if line.startswith("ready") and ready is None:
                ready = time.perf_counter() - t0
                if not wait:
                    break
            elif line.startswith("maxrss"):
                rss = int(line.split()[1])
                break
    finally:
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    if ready is None:
        err = proc.stderr.read() if proc.stderr else ""
        raise RuntimeError(f"app did not start: {err[-2000:]}")
    return ready, rss


def measure_start(rounds: int) -> dict:
    with tempfile.TemporaryDirectory() as user_dir, tempfile.TemporaryDirectory() as pycache:
        env = _env(user_dir, pycache)
        for _ in range(2):  # warm the OS file cache and the bytecode cache for both
            _start_once(BARE_APP, env)
            _start_once(DRAFTER_APP, env)
        bare, drafter = [], []
        for _ in range(rounds):
            bare.append(_start_once(BARE_APP, env)[0])
            drafter.append(_start_once(DRAFTER_APP, env)[0])
        _, bare_rss = _start_once(BARE_APP, env, wait=True)
        _, drafter_rss = _start_once(DRAFTER_APP, env, wait=True)
    bare_s, drafter_s = statistics.median(bare), statistics.median(drafter)
    return {
        "tui_start_s": round(drafter_s, 3),
        "bare_textual_start_s": round(bare_s, 3),
        "tui_start_vs_bare_textual_ratio": round(drafter_s / bare_s, 2),
        "tui_peak_mb": round((drafter_rss or 0) / 1024, 1),
        "bare_textual_peak_mb": round((bare_rss or 0) / 1024, 1),
    }


def _big_phrasebank(n: int):
    from drafter.phrasebank import load_phrasebank

    bank = load_phrasebank(include_user=False)
    real = list(bank.phrases.values())
    try:
        sys.path.insert(0, str(ROOT / "benchmarks"))
        from bench_search import generate  # the same 50,000-entry corpus as the search benchmark
    except ImportError:  # pragma: no cover - bench_search is part of the repository

        def generate(phrases, count, seed=7):
            from drafter.model import Phrase

            return [
                Phrase(
                    id=f"gen.{i:05d}",
                    role=p.role,
                    function=p.function,
                    text=p.text + f"（{i}）",
                    topics=list(p.topics),
                )
                for i, p in enumerate(phrases * (count // len(phrases) + 1))
            ][:count]

    phrases = {p.id: p for p in real}
    for p in generate(real, n - len(real)):
        phrases[p.id] = p
    bank.phrases = phrases
    bank._index = None
    return bank


async def _keystrokes(n: int, queries: list[str]) -> list[float]:
    import drafter.phrasebank as pb_module
    from drafter.tui.app import DrafterApp
    from drafter.tui.steps.content import ContentStep

    bank = _big_phrasebank(n)
    real_load = pb_module.load_phrasebank
    pb_module.load_phrasebank = lambda *a, **k: bank
    latencies: list[float] = []
    try:
        app = DrafterApp(resume=False, corpus=[])
        async with app.run_test(size=(120, 40)) as pilot:
            while not app.workspace.phrasebank_ready:
                await pilot.pause(0.05)
            await app.workers.wait_for_complete()
            app.query_one("#meeting-0").value = "县政府全体会议"
            app.action_go(3)
            await pilot.pause()
            content = app.query_one(ContentStep)
            content.query_one("#content-role").value = content.query_one("#content-role").NULL
            search = content.query_one("#content-search")
            search.focus()
            await pilot.pause()
            await app.workers.wait_for_complete()
            started: dict[int, float] = {}
            painted: dict[int, float] = {}
            real_run, real_show = content.run_search, content.show_results

            def run_search() -> None:
                # The clock starts before the search is issued (run_search numbers it serial + 1): a
                # search answered inside run_search, not handed to a worker, is part of the latency too.
                started[content.search_serial + 1] = time.perf_counter()
                real_run()

            def show_results(serial: int, hits) -> None:
                real_show(serial, hits)
                if serial == content.search_serial and serial in started:
                    app.call_after_refresh(lambda: painted.setdefault(serial, time.perf_counter()))

            content.run_search = run_search  # type: ignore[method-assign]
            content.show_results = show_results  # type: ignore[method-assign]
            for query in queries:
                for ch in query:
                    await pilot.press(ch)
                    serial = content.search_serial
                    deadline = time.perf_counter() + 5
                    while serial not in painted and time.perf_counter() < deadline:
                        await asyncio.sleep(0.001)
                    if serial in painted:
                        latencies.append(painted[serial] - started[serial])
                for _ in query:
                    await pilot.press("backspace")
                await app.workers.wait_for_complete()
                await pilot.pause()
            app._quit_confirmed = True
    finally:
        pb_module.load_phrasebank = real_load
    return latencies


def measure_search(n: int) -> dict:
    queries = ["招商引资", "作风建设", "同志们", "项目", "营商环境", "安全生产", "高质量发展", "廉洁"]
    with tempfile.TemporaryDirectory() as user_dir:
        old = os.environ.get("DRAFTER_USER_DIR")
        os.environ["DRAFTER_USER_DIR"] = user_dir
        try:
            latencies = asyncio.run(_keystrokes(n, queries))
        finally:
            if old is None:
                os.environ.pop("DRAFTER_USER_DIR", None)
            else:
                os.environ["DRAFTER_USER_DIR"] = old
    latencies.sort()
    p95 = (
        latencies[min(len(latencies) - 1, round(0.95 * (len(latencies) - 1)))] if latencies else float("nan")
    )
    return {
        "search_keystrokes": len(latencies),
        "search_phrases": n,
        "search_keystroke_p50_ms": round(statistics.median(latencies) * 1000, 1) if latencies else None,
        "search_keystroke_p95_ms": round(p95 * 1000, 1),
        "search_keystroke_max_ms": round(max(latencies) * 1000, 1) if latencies else None,
    }


def _percentiles(latencies: list[float]) -> tuple[float, float]:
    ordered = sorted(latencies)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95


async def _prefilled_app(pilot) -> None:
    """A 防汛 meeting prefilled from the plenary template (the full shipped material)."""
    app = pilot.app
    while not (app.workspace.phrasebank_ready and app.workspace.templates):
        await pilot.pause(0.05)
    app.query_one("#meeting-0").value = "全县防汛抗旱工作会议"
    app.query_one("#meeting-1").value = "青山县"
    await pilot.pause()
    app.choose_structure("t:plenary")
    while not app.workspace.draft.sections:
        await pilot.pause(0.05)
    await app.workers.wait_for_complete()


ESCAPES = re.compile(r"\x1b(?:\[[0-9;?<>=]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-Z\\-_])")


def _plain(output: str) -> str:
    """Terminal output without its escape sequences: the characters a frame writes, in order."""
    return ESCAPES.sub("", output)


async def _press_to_paint(
    pilot,
    key: str,
    paints: list[tuple[float, str]],
    settle: float,
    shows: Callable[[], list[str]] | None = None,
) -> tuple[float, float, int, bool]:
    """Seconds from pressing ``key`` to the frame showing its effect and to the last frame it caused;
    the number of frames; whether the first frame after the key already showed it.

    ``paints`` is filled by the wrapped ``App._display`` (see ``_alternatives``): the time each frame
    was composed and turned into terminal output, and that output.  After the press the app runs
    until idle (the pilot waits for that) plus ``settle`` seconds, so every message the key caused is
    handled and painted; the last paint is then the one that shows the key's whole effect.
    ``shows()`` (called once the app has settled) gives the texts the key's effect puts on screen;
    the frame that counts is the first whose output contains every one of them (a frame that only
    repaints something else does not count): the first frame after the key, when it does.
    """
    paints.clear()
    start = time.monotonic()  # textual stamps Key events with time.monotonic too (textual._time)
    await pilot.press(key)
    await pilot.pause(settle)
    after = [(t, output) for t, output in paints if t > start]
    if not after:
        return float("inf"), float("inf"), 0, False
    wanted = shows() if shows is not None else []
    showing = [t for t, output in after if all(text in _plain(output) for text in wanted)]
    if not showing:  # never shown: counts as infinitely late
        return float("inf"), after[-1][0] - start, len(after), False
    return showing[0] - start, after[-1][0] - start, len(after), showing[0] == after[0][0]


async def _alternatives(rounds: int) -> dict:
    """换一个 on a paragraph (内容) and on a heading (标题) of a suggested 防汛 draft.

    For each press: F5 (the next alternative in place, cycling) from key press to the first frame
    painted that shows the new row and the panel's new counter (the 换一个 repaint; checked in the
    frame's terminal output, see ``_press_to_paint``) and to the last one
    (the editor below following: the whole text, the blanks, the heading's input box, a layout pass
    scheduled after the first frame); and F7 (the full list in a dialog, what F5 opened before) to
    the dialog painted, then Esc.  A frame counts once Textual's compositor has rendered it and it is encoded as terminal
    output (``CompositorUpdate.render_segments``; the headless driver would skip that step).  The
    autosave/check timer is stopped: the check that follows an edit (0.3 s later, in a worker)
    repaints the sidebar in frames of its own, not part of 换一个.
    """
    from textual._compositor import CompositorUpdate

    from drafter.tui.app import DrafterApp
    from drafter.tui.screens.alternatives import AlternativesScreen
    from drafter.tui.steps.content import ContentStep
    from drafter.tui.steps.headings import HeadingsStep

    app = DrafterApp(resume=False, corpus=[])
    app._tick = lambda: None  # type: ignore[method-assign]  # no autosave or check during the runs
    paints: list[tuple[float, str]] = []
    real_display = app._display

    def display(screen, renderable) -> None:
        real_display(screen, renderable)
        if isinstance(renderable, CompositorUpdate):
            output = renderable.render_segments(app.console)  # what a terminal driver writes
            paints.append((time.monotonic(), output))

    app._display = display  # type: ignore[method-assign]
    out: dict = {}
    async with app.run_test(size=(120, 40)) as pilot:
        await _prefilled_app(pilot)
        ws = app.workspace
        for where in ("content", "headings"):
            if where == "content":
                app.action_go(3)
                await pilot.pause()
                step = app.query_one(ContentStep)
                parts = step.query_one("#content-parts")
                found = False
                for index in range(len(step.parts)):
                    parts.highlighted = index
                    await pilot.pause()
                    items = step.current_items() or []
                    for i, item in enumerate(items):
                        if len(ws.item_alternatives(item)) >= 2:
                            box = step.query_one("#content-items")
                            box.highlighted = i
                            box.focus()
                            found = True
                            break
                    if found:
                        break
            else:
                app.action_go(2)
                await pilot.pause()
                step = app.query_one(HeadingsStep)
                box = step.query_one("#headings-sections")
                box.highlighted = next(
                    i for i, p in enumerate(step.paths) if len(ws.heading_alternatives(p)) >= 3
                )
                box.focus()
            await pilot.pause(0.3)
            await app.workers.wait_for_complete()  # the alternatives are found once, when selected
            await pilot.pause()
            row_box = step.query_one("#content-items" if where == "content" else "#headings-sections")
            panel = step.query_one("#content-alts" if where == "content" else "#headings-alts")

            def shows(row_box=row_box, panel=panel) -> list[str]:
                """The new row's beginning and the panel's title (``换一个标题 3/5``), as painted."""
                row = row_box.get_option_at_index(row_box.highlighted).prompt.plain.lstrip("　")
                return [row[:6], str(panel.border_title)]

            first, settled, cycle_frames, listing = [], [], [], []
            in_first_frame = 0
            for _ in range(rounds):
                took, done, frames, at_once = await _press_to_paint(pilot, "f5", paints, 0.1, shows)
                first.append(took)
                settled.append(done)
                cycle_frames.append(frames)
                in_first_frame += at_once
            for _ in range(max(10, rounds // 3)):
                _took, done, _frames, _at_once = await _press_to_paint(pilot, "f7", paints, 0.1)
                if isinstance(app.screen, AlternativesScreen):
                    listing.append(done)
                    await pilot.press("escape")
                    await pilot.pause(0.1)
            out[f"alternatives_{where}_f5_presses"] = len(first)
            # presses whose first frame already showed the new row and the panel (else the frame that
            # did is what counts, and it is later)
            out[f"alternatives_{where}_f5_shown_in_first_frame"] = in_first_frame
            p50, p95 = _percentiles(first)
            out[f"alternatives_{where}_f5_p50_ms"] = round(p50 * 1000, 1)
            out[f"alternatives_{where}_f5_p95_ms"] = round(p95 * 1000, 1)
            p50, p95 = _percentiles(settled)
            out[f"alternatives_{where}_f5_settled_p50_ms"] = round(p50 * 1000, 1)
            out[f"alternatives_{where}_f5_settled_p95_ms"] = round(p95 * 1000, 1)
            out[f"alternatives_{where}_f5_frames_max"] = max(cycle_frames)
            if listing:
                p50, p95 = _percentiles(listing)
                out[f"alternatives_{where}_f7_list_p50_ms"] = round(p50 * 1000, 1)
                out[f"alternatives_{where}_f7_list_p95_ms"] = round(p95 * 1000, 1)
        app._quit_confirmed = True
    return out


def measure_alternatives(rounds: int) -> dict:
    """换一个: F5 to the painted frame, against one frame at Textual's MAX_FPS (60 → 16.7 ms)."""
    from textual import constants

    with tempfile.TemporaryDirectory() as user_dir:
        old = os.environ.get("DRAFTER_USER_DIR")
        os.environ["DRAFTER_USER_DIR"] = user_dir
        try:
            result = asyncio.run(_alternatives(rounds))
        finally:
            if old is None:
                os.environ.pop("DRAFTER_USER_DIR", None)
            else:
                os.environ["DRAFTER_USER_DIR"] = old
    result["frame_budget_ms"] = round(1000 / constants.MAX_FPS, 1)
    return result


def run(quick: bool = False) -> dict:
    result: dict = {"cores": os.cpu_count()}
    result.update(measure_start(3 if quick else 7))
    result.update(measure_search(5_000 if quick else 50_000))
    result.update(measure_alternatives(10 if quick else 30))
    result["targets"] = {
        "tui_start_vs_bare_textual_ratio": 1.5,
        "search_keystroke_p95_ms": 50,
        "alternatives_content_f5_p95_ms": result["frame_budget_ms"],
        "alternatives_headings_f5_p95_ms": result["frame_budget_ms"],
    }
    return result


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    quick = "--quick" in argv
    if "--only" in argv and argv[argv.index("--only") + 1 :][:1] == ["alternatives"]:
        result = measure_alternatives(10 if quick else 30)
    else:
        result = run(quick=quick)
    if "--json" in argv:
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        for key, value in result.items():
            print(f"{key:40} {value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
