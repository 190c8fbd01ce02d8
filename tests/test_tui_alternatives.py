"""换一个 in place (issue 10, point 5): F5 on a heading or a paragraph puts its next alternative into the
draft, cycling back to the first; Shift+F5 goes back; the alternatives are listed beside it with the one
in the draft marked; the autosaved draft holds the chosen text.  And a check of an older revision of
the draft never replaces a newer one."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

pytest.importorskip("textual")

from textual.widgets import Input, OptionList
from tui_wait import prefilled, wait_for

from drafter.drafting.editing import section_at
from drafter.model import Draft, DraftItem, DraftSection
from drafter.tui.app import DrafterApp
from drafter.tui.steps.content import ContentStep
from drafter.tui.steps.headings import HeadingsStep
from drafter.tui.widgets import AlternativesPanel
from drafter.workspace import CheckResult, Workspace

SIZE = (120, 40)


pytestmark = pytest.mark.usefixtures("export_here")


FLOOD = "全县防汛抗旱工作会议"


async def content_item_with_alternatives(pilot, minimum: int) -> tuple[ContentStep, OptionList, int]:
    """In 内容, the first paragraph with at least ``minimum`` alternatives, selected and focused, its
    alternatives shown: (the step, the paragraphs list, the paragraph's index)."""
    app = pilot.app
    app.action_go(3)
    await wait_for(pilot, lambda: app.current_step == "content", "content")
    step = app.query_one(ContentStep)
    parts = app.query_one("#content-parts", OptionList)
    items_box = app.query_one("#content-items", OptionList)
    target = None
    for p in range(len(step.parts)):
        parts.highlighted = p
        await pilot.pause()
        for i, item in enumerate(step.current_items() or []):
            if len(app.workspace.item_alternatives(item)) >= minimum:
                target = i
                break
        if target is not None:
            break
    assert target is not None, f"the 防汛 material has paragraphs with {minimum} alternatives"
    items_box.highlighted = target
    items_box.focus()
    panel = app.query_one("#content-alts", AlternativesPanel)
    await wait_for(pilot, lambda: "/" in marked(panel)[0], "alternatives found (in a worker)")
    return step, items_box, target


def marked(panel: AlternativesPanel) -> tuple[str, list[str]]:
    """The panel's title and the line marked as the one in the draft."""
    lines = panel.shown_text.splitlines()
    return lines[0], [line for line in lines[1:] if line.startswith("▶ ")]


async def autosaved(pilot, needle: str) -> str:
    """The autosaved draft once it holds ``needle``."""
    ws = pilot.app.workspace

    def saved() -> bool:
        path = ws.spec_path
        return path is not None and Path(path).exists() and needle in Path(path).read_text(encoding="utf-8")

    await wait_for(pilot, saved, f"autosave with {needle}")
    return Path(ws.spec_path).read_text(encoding="utf-8")


def test_f5_cycles_a_heading_in_place_and_back_to_the_first():
    async def run() -> None:
        app = DrafterApp(corpus=[], resume=False)
        async with app.run_test(size=SIZE) as pilot:
            await prefilled(pilot, FLOOD)
            ws = app.workspace
            app.action_go(2)
            await wait_for(pilot, lambda: app.current_step == "headings", "headings")
            step = app.query_one(HeadingsStep)
            box = app.query_one("#headings-sections", OptionList)
            path = next(p for p in step.paths if len(ws.heading_alternatives(p)) >= 3)
            box.highlighted = step.paths.index(path)
            box.focus()
            await pilot.pause()
            choices = ws.heading_alternatives(path)
            n = len(choices)
            assert n >= 3
            panel = app.query_one("#headings-alts", AlternativesPanel)
            title, current = marked(panel)
            assert title.endswith(f"1/{n}") and current and choices[0][:10] in current[0]
            seen = []
            for k in range(1, n + 1):
                await pilot.press("f5")
                await pilot.pause()
                heading = section_at(ws.draft, path).heading
                seen.append(heading)
                title, current = marked(panel)
                assert title.endswith(f"{k % n + 1}/{n}"), title
                assert len(current) == 1 and heading[:10] in current[0]  # the one in the draft, marked
                # the section's row shows it too
                assert heading in str(box.get_option_at_index(box.highlighted).prompt)
            assert seen[:-1] == choices[1:] and seen[-1] == choices[0]  # every one, then the first again
            await pilot.press("f5")
            await pilot.press("shift+f5")  # back
            await pilot.pause()
            assert section_at(ws.draft, path).heading == choices[0]
            await pilot.press("shift+f5")  # from the first, back to the last
            await pilot.pause()
            assert section_at(ws.draft, path).heading == choices[-1]
            await wait_for(
                pilot, lambda: app.query_one("#headings-input", Input).value == choices[-1], "input"
            )
            assert f"heading: {choices[-1]}" in await autosaved(pilot, choices[-1])
            app._quit_confirmed = True

    asyncio.run(run())


def test_f5_cycles_a_paragraph_in_place_and_the_autosave_has_it():
    async def run() -> None:
        app = DrafterApp(corpus=[], resume=False)
        async with app.run_test(size=SIZE) as pilot:
            await prefilled(pilot, FLOOD)
            ws = app.workspace
            step, items_box, target = await content_item_with_alternatives(pilot, 3)
            panel = app.query_one("#content-alts", AlternativesPanel)
            items = step.current_items()
            first = items[target]
            others = ws.item_alternatives(first)
            n = len(others) + 1
            title, current = marked(panel)
            assert title.endswith(f"1/{n}") and len(current) == 1
            ids = []
            for k in range(1, n + 1):
                await pilot.press("f5")
                await pilot.pause()
                now = items[target]
                ids.append(now.phrase)
                title, current = marked(panel)
                assert title.endswith(f"{k % n + 1}/{n}"), title
                assert len(current) == 1 and step.item_text(now)[:12] in current[0]
                assert step.item_text(now)[:12] in str(items_box.get_option_at_index(target).prompt)
            assert ids[:-1] == [o.phrase for o in others] and items[target] is first  # round and back
            await pilot.press("f5")
            await pilot.pause()
            chosen = items[target].phrase
            assert chosen == others[0].phrase
            # the editor below follows with the whole text
            await wait_for(pilot, lambda: step.editing is items[target], "editor shows the chosen one")
            assert f"phrase: {chosen}" in await autosaved(pilot, chosen)
            await pilot.press("shift+f5")
            await pilot.pause()
            assert items[target] is first
            app._quit_confirmed = True

    asyncio.run(run())


def test_a_check_of_an_older_revision_is_never_shown():
    ws = Workspace([])
    ws.draft = Draft(sections=[DraftSection("tasks", "旧标题", items=[DraftItem(text="正文")])])
    old = ws.revision
    ws.changed()  # the writer typed after the check started
    stale = CheckResult(["旧的检查结果"], "旧", "旧", [], old)
    assert ws.checked(stale) is False
    assert ws.findings == [] and not ws.lint_ready
    fresh = CheckResult(["新的检查结果"], "新", "新", [], ws.revision)
    assert ws.checked(fresh) is True
    assert ws.findings == ["新的检查结果"] and ws.lint_ready


def _screen_lines(svg: str) -> list[str]:
    """The text of a screenshot, line by line."""
    import html
    import re

    rows: dict[float, list[tuple[float, str]]] = {}
    for m in re.finditer(
        r'<text class="[^"]*-r\d+"[^>]*?x="([\d.]+)" y="([\d.]+)"[^>]*>(.*?)</text>', svg, re.S
    ):
        rows.setdefault(float(m.group(2)), []).append((float(m.group(1)), html.unescape(m.group(3))))
    return ["".join(t for _, t in sorted(v)) for _, v in sorted(rows.items())]


def shown(panel: AlternativesPanel, screen: list[str]) -> None:
    """The panel's rows (each rendered once and kept) are on screen as it lists them."""
    text = "\n".join(screen).replace("\xa0", " ")  # the screenshot writes spaces as no-break ones
    for line in panel.shown_text.splitlines():
        assert line.strip()[:12] in text, line


def test_the_in_place_repaint_equals_a_full_repaint():
    """换一个 repaints one row without a layout pass (from the second round on, from the rendering
    kept from the first): the screen must then read exactly as after a full re-render."""

    async def run() -> None:
        app = DrafterApp(corpus=[], resume=False)
        # no autosave or check: a check finishing between the two screenshots would change the
        # sidebar's mark (✓ / !), which is not what is compared here
        app._tick = lambda: None  # type: ignore[method-assign]
        async with app.run_test(size=SIZE) as pilot:
            await prefilled(pilot, FLOOD)
            ws = app.workspace
            app.action_go(2)
            await wait_for(pilot, lambda: app.current_step == "headings", "headings")
            step = app.query_one(HeadingsStep)
            box = app.query_one("#headings-sections", OptionList)
            box.highlighted = next(
                i for i, p in enumerate(step.paths) if len(ws.heading_alternatives(p)) >= 3
            )
            box.focus()
            await pilot.pause()
            for _ in range(len(ws.heading_alternatives(step.paths[box.highlighted])) + 1):
                await pilot.press("f5")
                await pilot.pause(0.1)
                fast = _screen_lines(app.export_screenshot())
                shown(app.query_one("#headings-alts", AlternativesPanel), fast)
                row = box.highlighted  # rendered again from its prompt, with the whole list
                box.replace_option_prompt_at_index(row, box.get_option_at_index(row).prompt)
                box._clear_caches()
                box.refresh(layout=True)
                await pilot.pause(0.1)
                assert _screen_lines(app.export_screenshot()) == fast
                # one line per heading (cut with an ellipsis): a new heading never re-wraps its row
                assert box.virtual_size.height == box.option_count
            # a paragraph's row (three lines), the same, past a whole round
            content, items_box, target = await content_item_with_alternatives(pilot, 2)
            panel = app.query_one("#content-alts", AlternativesPanel)
            for _ in range(len(ws.item_alternatives(content.current_items()[target])) + 2):
                await pilot.press("f5")
                await pilot.pause(0.1)
                fast = _screen_lines(app.export_screenshot())
                shown(panel, fast)
                row = items_box.highlighted
                items_box.replace_option_prompt_at_index(row, items_box.get_option_at_index(row).prompt)
                items_box._clear_caches()
                items_box.refresh(layout=True)
                await pilot.pause(0.1)
                assert _screen_lines(app.export_screenshot()) == fast
            app._quit_confirmed = True

    asyncio.run(run())


def test_help_and_key_bar_name_the_alternatives_keys():
    async def run() -> None:
        app = DrafterApp(corpus=[], resume=False)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("f1")
            await pilot.pause()
            text = str(app.screen.query_one("#help-text").render())
            for needle in ("F5", "换一个", "Shift+F5", "换回上一个", "F7", "全部备选"):
                assert needle in text, needle

    asyncio.run(run())
