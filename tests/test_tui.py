"""Pilot tests of the drafting wizard: the whole path, the fast path, validation, nothing lost."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
import yaml

pytest.importorskip("textual")

from textual.widgets import Checkbox, Input, OptionList, Select, Static, TextArea

from drafter import workspace
from drafter.tui.app import DrafterApp
from drafter.tui.screens.dialogs import AddPhraseScreen, ConfirmScreen, ResumeScreen
from drafter.tui.screens.help import HelpScreen
from drafter.tui.widgets import StepList

SIZE = (120, 40)
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def dirs(tmp_path, monkeypatch):
    monkeypatch.setenv("DRAFTER_USER_DIR", str(tmp_path / "user"))
    monkeypatch.setenv("DRAFTER_EXPORT_DIR", str(tmp_path / "out"))
    (tmp_path / "out").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


def app_for_test(**kwargs) -> DrafterApp:
    # The corpus mining is not needed by most tests; the structure tests pass corpus explicitly.
    kwargs.setdefault("corpus", [])
    return DrafterApp(**kwargs)


async def wait_for(pilot, condition, what: str, timeout: float = 30.0) -> None:
    """Poll until ``condition()`` holds (workers finish at their own pace)."""
    app = pilot.app
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await app.workers.wait_for_complete()
        await pilot.pause(0.05)


async def settle(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def text_of(widget: Static) -> str:
    return str(widget.render())


def docx_paragraphs(path: Path) -> list[str]:
    import docx

    return [p.text for p in docx.Document(str(path)).paragraphs if p.text.strip()]


def assert_in_order(haystack: list[str], needles: list[str]) -> None:
    """Each needle occurs in some paragraph, each after the previous one."""
    position = 0
    for needle in needles:
        for i in range(position, len(haystack)):
            if needle in haystack[i]:
                position = i + 1
                break
        else:
            raise AssertionError(
                f"{needle!r} not found after paragraph {position}: {haystack[position : position + 5]}"
            )


class KeyCounter:
    """Presses keys through the pilot and counts them."""

    def __init__(self, pilot) -> None:
        self.pilot = pilot
        self.count = 0

    async def press(self, *keys: str) -> None:
        self.count += len(keys)
        await self.pilot.press(*keys)

    async def type(self, text: str) -> None:
        await self.press(*text)


# ---------------------------------------------------------------- fast path


def test_fast_path_to_docx_in_at_most_40_keys(dirs):
    async def run() -> None:
        app = app_for_test()
        async with app.run_test(size=SIZE) as pilot:
            keys = KeyCounter(pilot)
            await keys.type("县政府全体会议")
            await keys.press("enter")  # next field: 地区
            await wait_for(pilot, lambda: app.focused.id == "meeting-1", "next field")
            await keys.type("青山县")
            await keys.press("ctrl+n")  # 选择结构
            assert app.current_step == "structure"
            await wait_for(pilot, lambda: app.workspace.templates, "templates")
            await keys.press("enter")  # the first structure, prefilled
            await wait_for(pilot, lambda: app.workspace.draft.sections, "prefilled draft")
            await keys.press("6")  # 导出
            assert app.current_step == "export"
            await keys.press("enter")
            await wait_for(pilot, lambda: app.workspace.last_export is not None, "export")
            assert keys.count <= 40, keys.count
            out = app.workspace.last_export
            assert out.exists() and out.suffix == ".docx"
            assert out.parent == dirs / "out"
            from drafter.drafting import section_heading

            headings = [section_heading(s, app.workspace.phrasebank) for s in app.workspace.draft.sections]
            paragraphs = docx_paragraphs(out)
            assert_in_order(paragraphs, headings)
            # the fast path gives a lint-clean speech: the only errors are the facts the writer must
            # fill in (【待补：完成时限】 …), never invented by the engine
            errors = [f for f in app.workspace.findings if f.severity == "error"]
            assert all(f.rule == "placeholder" and "【待补：" in f.message for f in errors), errors
            assert app.workspace.exported
            # quitting after an export does not ask
            await pilot.press("ctrl+q")
            await pilot.pause()
        assert app.return_code == 0

    asyncio.run(run())


def test_fast_path_without_region_offers_to_fill_or_leave_blank(dirs):
    """地区 left empty: 会议信息 marks it as needed; export asks, one key to leave it blank."""
    from drafter.tui.screens.dialogs import MissingValuesScreen

    async def run() -> None:
        app = app_for_test()
        async with app.run_test(size=SIZE) as pilot:
            keys = KeyCounter(pilot)
            await keys.type("全县安全生产工作会议")
            await keys.press("ctrl+n")
            await wait_for(pilot, lambda: app.workspace.templates, "templates")
            await keys.press("enter")
            await wait_for(pilot, lambda: app.workspace.draft.sections, "prefilled draft")
            # the chosen phrases use 地区: the first step says so once the draft is checked
            meeting = app.query_one("#meeting")
            await wait_for(pilot, lambda: "地区" in meeting.needed, "地区 marked as needed")
            assert "内容要用到" in text_of(app.query_one("#meeting-reasons", Static)).split("\n")[2]
            assert app.query_one("#steps", StepList).prompts[0].plain.startswith("!")
            await keys.press("6")
            await wait_for(pilot, lambda: app.current_step == "export" and app.focused is not None, "导出")
            await keys.press("enter")
            await wait_for(
                pilot, lambda: isinstance(app.screen, MissingValuesScreen), "missing-values dialog"
            )
            assert "地区" in text_of(app.screen.query_one(".dialog-text", Static))
            assert app.workspace.last_export is None
            # F: back to 会议信息, in the 地区 field
            await keys.press("f")
            await wait_for(
                pilot, lambda: app.focused is not None and app.focused.id == "meeting-1", "地区 focused"
            )
            assert app.current_step == "meeting"
            # export again (Ctrl+T: digits would be typed into the field) and leave it blank this time (B)
            await keys.press("ctrl+t")
            await wait_for(
                pilot, lambda: isinstance(app.screen, MissingValuesScreen), "missing-values dialog"
            )
            await keys.press("b")
            await wait_for(pilot, lambda: app.workspace.last_export is not None, "export")
            assert keys.count <= 40, keys.count
            text = "\n".join(docx_paragraphs(app.workspace.last_export))
            assert "【待补：地区】" in text
            assert "全县安全生产工作会议" in text
            app._quit_confirmed = True

    asyncio.run(run())


# ---------------------------------------------------------------- the whole path


@pytest.mark.slow
def test_whole_path_headings_phrases_export(dirs):
    async def run() -> None:
        app = app_for_test()
        async with app.run_test(size=SIZE) as pilot:
            # 1 会议信息
            for i, text in enumerate(("县政府第三次全体会议", "青山县", "张三", "县长", "2024/3/1")):
                await pilot.press(*text)
                await pilot.press("enter")
                await wait_for(pilot, lambda i=i: app.focused.id == f"meeting-{i + 1}", "next field")
            assert app.workspace.draft.meeting["日期"] == "2024年3月1日"
            await pilot.press("2")  # focus is on 会议类型 (an Input): "2" is typed, not a step key
            assert app.current_step == "meeting"
            assert app.workspace.draft.meeting["会议类型"] == "2"
            await pilot.press("backspace")
            await pilot.press("ctrl+n")
            # 2 选择结构: pick the plenary template
            await wait_for(
                pilot, lambda: app.workspace.phrasebank_ready and app.workspace.templates, "phrasebank"
            )
            choices = app.query_one("#structure-choices", OptionList)
            index = next(i for i, o in enumerate(choices.options) if o.id == "t:plenary")
            choices.highlighted = index
            await pilot.press("enter")
            await wait_for(pilot, lambda: len(app.workspace.draft.sections) == 3, "plenary sections")
            # remove the last section, then add a discipline section back at the end
            sections = app.query_one("#structure-sections", OptionList)
            sections.focus()
            sections.highlighted = 2
            await pilot.press("delete")
            await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), "confirm delete")
            await pilot.press("y")
            await pilot.pause()
            assert [s.role for s in app.workspace.draft.sections] == ["situation", "tasks"]
            app.query_one("#structure-role", Select).value = "discipline"
            await pilot.click("#structure-add")
            await pilot.pause()
            assert [s.role for s in app.workspace.draft.sections] == ["situation", "tasks", "discipline"]
            # 3 标题
            await pilot.press("ctrl+n")
            assert app.current_step == "headings"
            heading_list = app.query_one("#headings-sections", OptionList)
            heading_list.highlighted = 0
            await pilot.pause()
            box = app.query_one("#headings-input", Input)
            box.focus()
            await pilot.pause()
            await pilot.press(*"认清形势坚定信心")
            await pilot.press("enter")
            assert app.workspace.draft.sections[0].heading == "认清形势坚定信心"
            # the discipline section: a parallel set of 3 children
            discipline_path = (2,)
            step = app.query_one("#headings")
            heading_list.highlighted = step.paths.index(discipline_path)
            await pilot.pause()
            hs_id = next(iter(app.workspace.heading_sets))
            app.query_one("#headings-set", Select).value = hs_id
            count = app.query_one("#headings-count", Input)
            count.value = "3"
            await pilot.click("#headings-generate")
            await pilot.pause()
            hs = app.workspace.heading_sets[hs_id]
            children = app.workspace.draft.sections[2].children
            assert [c.heading for c in children] == hs.items[:3]
            assert all(c.heading_set == hs_id for c in children)
            # the lint's parallel-heading check is shown live
            await wait_for(pilot, lambda: app.workspace.lint_ready and not app._dirty_lint, "lint")
            assert text_of(app.query_one("#headings-lint", Static))
            # a blank discipline section's heading still needs typing
            heading_list.highlighted = step.paths.index(discipline_path)
            await pilot.pause()
            box.focus()
            box.value = "转变作风，狠抓落实"
            await pilot.pause()
            assert app.workspace.draft.sections[2].heading == "转变作风，狠抓落实"
            # 4 内容: the first section gets a searched phrase, moved to the top, and free text
            await pilot.press("ctrl+n")
            assert app.current_step == "content"
            parts = app.query_one("#content-parts", OptionList)
            content = app.query_one("#content")
            parts.highlighted = next(i for i, p in enumerate(content.parts) if p.path == (0,))
            await pilot.pause()
            app.query_one("#content-role", Select).value = Select.NULL
            search = app.query_one("#content-search", Input)
            search.focus()
            await pilot.press(*"成绩")
            results = app.query_one("#content-results", OptionList)
            await wait_for(pilot, lambda: content.results, "search results")
            chosen = content.results[0]
            before = len(app.workspace.draft.sections[0].items)
            await pilot.press("enter")  # focus to results
            assert app.focused is results
            await pilot.press("enter")  # add the first result
            await pilot.pause()
            items = app.workspace.draft.sections[0].items
            assert len(items) == before + 1
            position = next(i for i, it in enumerate(items) if it.phrase == chosen.id)
            item_list = app.query_one("#content-items", OptionList)
            item_list.focus()
            item_list.highlighted = position
            for _ in range(position):
                await pilot.press("shift+up")
            assert items[0].phrase == chosen.id
            # free text with undo
            await pilot.click("#content-free")
            await pilot.pause()
            area = app.query_one("#content-text", TextArea)
            assert app.focused is area
            await pilot.press(*"我们要抓好全县重点项目")  # (Pilot cannot press full-width punctuation)
            area.history.checkpoint()  # as a focus change or a pause in typing does
            await pilot.press("x")
            await pilot.press("ctrl+z")
            await pilot.pause()
            free = next(it for it in items if it.text is not None and "重点项目" in it.text)
            assert free.text == "我们要抓好全县重点项目"
            # fill any slot of the chosen phrase inline
            item_list.focus()
            item_list.highlighted = 0
            await pilot.pause()
            for slot in app.query(".slot-input").results(Input):
                slot.value = "示例" if not app.workspace.draft.meeting.get(slot.name or "") else ""
            await pilot.pause()
            # 6 导出 (the discipline children have no content: allow blanks would be needed; fill them)
            for child in app.workspace.draft.sections[2].children:
                child.items.append(type(free)(text=f"抓好{child.heading}方面的工作。"))
            app.draft_changed()
            await pilot.press("ctrl+t")
            await wait_for(pilot, lambda: app.workspace.last_export is not None, "export")
            out = app.workspace.last_export
            paragraphs = docx_paragraphs(out)
            from drafter.drafting import section_heading

            expected = [
                "认清形势坚定信心",
                content.item_text(items[0])[:20],
                "我们要抓好全县重点项目",
                section_heading(app.workspace.draft.sections[1], app.workspace.phrasebank),
                "转变作风，狠抓落实",
                *[hs.frame.replace("{" + hs.slot + "}", item) for item in hs.items[:3]],
            ]
            assert_in_order(paragraphs, expected)
            assert "已导出到" in text_of(app.query_one("#export-result", Static))

    asyncio.run(run())


# ---------------------------------------------------------------- meeting step


def test_meeting_validation_reason_beside_field(dirs):
    async def run() -> None:
        app = app_for_test()
        async with app.run_test(size=SIZE) as pilot:
            step = app.query_one("#meeting")
            reasons = app.query_one("#meeting-reasons", Static)
            assert "必填" in step.reason(0)
            assert text_of(reasons).split("\n")[0].startswith("必填")  # on the line of 会议名称
            await pilot.press(*"县政府常务会议")
            assert step.reason(0) == ""
            assert "必填" not in text_of(reasons)
            date = app.query_one("#meeting-4", Input)
            date.focus()
            await pilot.press(*"2024-13-01")
            assert "2024年3月1日" in step.reason(4)
            assert text_of(reasons).split("\n")[8].startswith("格式应为")  # on the line of 日期
            assert "2024年3月1日" in text_of(app.query_one("#meeting-next", Static))  # in full below
            assert date.has_class("-invalid")
            for _ in range(5):
                await pilot.press("backspace")
            await pilot.press(*"03-01")
            assert step.reason(4) == ""
            assert not date.has_class("-invalid")
            assert app.workspace.draft.meeting["日期"] == "2024年3月1日"
            assert app.query_one("#steps", StepList).prompts[0].plain.startswith("✓")

    asyncio.run(run())


def test_profile_fills_fields_next_time(dirs):
    async def first() -> None:
        app = app_for_test()
        async with app.run_test(size=SIZE) as pilot:
            for i, text in enumerate(("甲会议", "青山县", "李四", "副县长")):
                app.query_one(f"#meeting-{i}", Input).value = text
            await wait_for(
                pilot,
                lambda: (
                    workspace.profile_path().exists() and workspace.load_profile().get("职务") == "副县长"
                ),
                "profile saved",
            )
            app._quit_confirmed = True

    async def second() -> None:
        app = app_for_test(resume=False)
        async with app.run_test(size=SIZE) as pilot:
            # the profile is read right after the first paint
            await wait_for(pilot, lambda: app.query_one("#meeting-1", Input).value, "profile filled in")
            values = [app.query_one(f"#meeting-{i}", Input).value for i in range(4)]
            assert values == ["", "青山县", "李四", "副县长"]
            assert app.workspace.draft.meeting["地区"] == "青山县"
            assert app.focused is app.query_one("#meeting-0", Input)

    async def typed_before_profile() -> None:
        # the profile is read after the first paint: what the writer typed by then is kept
        app = app_for_test(resume=False)
        async with app.run_test(size=SIZE) as pilot:
            await wait_for(pilot, lambda: app.query_one("#meeting-1", Input).value, "profile filled in")
            app.new_draft(profile=False)
            app._profile_pending = True
            app.query_one("#meeting-1", Input).value = "白水县"
            await pilot.pause()
            app._fill_profile()
            await pilot.pause()
            values = [app.query_one(f"#meeting-{i}", Input).value for i in range(4)]
            assert values == ["", "白水县", "李四", "副县长"]
            assert (
                app.workspace.draft.meeting["地区"] == "白水县"
                and app.workspace.draft.meeting["讲话人"] == "李四"
            )

    asyncio.run(first())
    asyncio.run(second())
    asyncio.run(typed_before_profile())


def test_first_screen_interactive_before_phrasebank_loads(dirs, monkeypatch):
    import threading

    import drafter.phrasebank as pb_module

    gate = threading.Event()
    real = pb_module.load_phrasebank

    def slow_load(*args, **kwargs):
        gate.wait(20)
        return real(*args, **kwargs)

    monkeypatch.setattr(pb_module, "load_phrasebank", slow_load)

    async def run() -> None:
        app = app_for_test()
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press(*"动员大会")
            assert app.workspace.draft.meeting["会议名称"] == "动员大会"
            assert app.workspace.phrasebank is None
            assert "加载中" in text_of(app.query_one("#topbar", Static))
            # search while loading: answered at once with a loading note
            await pilot.press("4")  # Input has focus: typed
            app.action_go(3)
            await pilot.pause()
            app.query_one("#content-role", Select).value = Select.NULL
            search = app.query_one("#content-search", Input)
            search.focus()
            await pilot.press(*"招商")
            await pilot.pause()
            results = app.query_one("#content-results", OptionList)
            assert "加载中" in results.options[0].prompt.plain
            gate.set()
            await wait_for(pilot, lambda: app.workspace.phrasebank_ready, "phrasebank")
            await wait_for(pilot, lambda: app.query_one("#content").results, "results after load")
            assert any(
                "招商" in p.text or "招商" in " ".join(p.topics) for p in app.query_one("#content").results
            )

    asyncio.run(run())


# ---------------------------------------------------------------- steps reachable, help, palette


def test_steps_reachable_any_time_and_sidebar(dirs):
    async def run() -> None:
        app = app_for_test()
        async with app.run_test(size=SIZE) as pilot:
            sidebar = app.query_one("#steps", StepList)
            sidebar.focus()
            for i, key in enumerate(workspace.STEP_KEYS):
                sidebar.focus()
                await pilot.press(str(i + 1))
                assert app.current_step == key
            await pilot.press("ctrl+b")
            assert app.current_step == "preview"
            await pilot.click("#steps", offset=(4, 1))
            await pilot.pause()
            assert app.current_step == "meeting"
            assert app.focused is not sidebar  # a click opens the step, focus in it
            labels = [prompt.plain for prompt in sidebar.prompts]
            assert [label.split(" ", 2)[2] for label in labels] == [label for _, label in workspace.STEPS]
            # the sidebar by keyboard: ↓ shows the next step and stays in the sidebar; Enter goes into it
            sidebar.focus()
            await pilot.pause()
            await pilot.press("down", "down")
            await wait_for(pilot, lambda: app.current_step == "headings", "headings shown")
            assert app.focused is sidebar and sidebar.highlighted == 2
            await pilot.press("enter")
            await wait_for(pilot, lambda: app.focused is not sidebar, "focus in the step")
            assert app.current_step == "headings"
            await pilot.press("ctrl+n")
            await wait_for(pilot, lambda: sidebar.highlighted == 3, "sidebar follows the step")
            assert "内容" in str(sidebar.render())

    asyncio.run(run())


def test_help_lists_every_key_and_palette_commands(dirs):
    async def run() -> None:
        app = app_for_test()
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("f1")
            assert isinstance(app.screen, HelpScreen)
            text = str(app.screen.query_one("#help-text", Static).render())
            for key in (
                "F1",
                "Ctrl+S",
                "Ctrl+T",
                "Ctrl+N",
                "Ctrl+B",
                "Ctrl+O",
                "Ctrl+Q",
                "Ctrl+P",
                "1-6",
                "Shift+↑",
                "Delete",
                "Ctrl+L",
                "Ctrl+Z",
            ):
                assert key in text, key
            await pilot.press("escape")
            assert not isinstance(app.screen, HelpScreen)
            titles = [c.title for c in app.get_system_commands(app.screen)]
            for title in ("保存", "导出", "新建", "打开", "加入素材库", "切换主题"):
                assert title in titles
            dark = app.theme
            app.action_toggle_theme()
            assert app.theme != dark
            footer_keys = {b.description for b in app.BINDINGS if getattr(b, "show", True)}
            assert {"帮助", "保存", "导出", "退出"} <= footer_keys

    asyncio.run(run())


# ---------------------------------------------------------------- preview, findings jump


def test_finding_jumps_to_step(dirs):
    async def run() -> None:
        app = app_for_test()
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press(*"全体会议")
            await pilot.press("enter")
            await wait_for(pilot, lambda: app.focused.id == "meeting-1", "next field")
            await pilot.press(*"青山县")
            await wait_for(
                pilot, lambda: app.workspace.phrasebank_ready and app.workspace.templates, "phrasebank"
            )
            app.choose_structure("t:plenary")
            await wait_for(pilot, lambda: app.workspace.draft.sections, "sections")
            # a section without a heading makes the speech's numbering/heading findings;
            # empty the closing to get the 'closing' rule
            app.workspace.draft.closing = []
            app.draft_changed()
            await wait_for(
                pilot,
                lambda: (
                    not app._dirty_lint
                    and app.workspace.lint_ready
                    and any(f.rule == "closing" for f in app.workspace.findings)
                ),
                "closing finding",
            )
            await pilot.press("ctrl+n")  # leave the input first
            app.action_go(4)
            await pilot.pause()
            findings = app.query_one("#preview-findings", OptionList)
            assert app.focused is findings
            findings.highlighted = next(
                i for i, f in enumerate(app.workspace.findings) if f.rule == "closing"
            )
            await pilot.press("enter")
            await pilot.pause()
            assert app.current_step == "content"
            content = app.query_one("#content")
            part = content.parts[app.query_one("#content-parts", OptionList).highlighted]
            assert part.kind == "closing"
            assert "全体会议" in app.workspace.markdown

    asyncio.run(run())


# ---------------------------------------------------------------- 加入素材库


def test_add_selected_text_to_phrasebank(dirs):
    async def run() -> None:
        app = app_for_test()
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press(*"常务会议")
            await wait_for(pilot, lambda: app.workspace.phrasebank_ready, "phrasebank")
            app.action_go(3)
            await pilot.pause()
            await pilot.click("#content-free")
            await pilot.pause()
            area = app.query_one("#content-text", TextArea)
            area.insert("要把招商引资作为经济工作的生命线，全力以赴抓紧抓实。")
            await pilot.pause()
            area.select_all()
            await pilot.press("ctrl+l")
            await wait_for(pilot, lambda: isinstance(app.screen, AddPhraseScreen), "add dialog")
            dialog = app.screen
            # missing function: refused with a reason
            await pilot.press("ctrl+s")
            assert "作用" in str(dialog.query_one("#add-error", Static).render())
            dialog.query_one("#add-role", Select).value = "tasks"
            await pilot.press(*"工作要求")
            dialog.query_one("#add-topics", Input).value = "招商引资"
            await pilot.press("ctrl+s")
            await wait_for(pilot, lambda: not isinstance(app.screen, AddPhraseScreen), "dialog closed")
            user_pb = Path(os.environ["DRAFTER_USER_DIR"]) / "phrasebank"
            await wait_for(
                pilot,
                lambda: (
                    user_pb.exists()
                    and any("生命线" in p.read_text(encoding="utf-8") for p in user_pb.glob("*.yaml"))
                ),
                "phrase appended",
            )
            await wait_for(
                pilot,
                lambda: any("生命线" in p.text for p in app.workspace.phrasebank.phrases.values()),
                "reloaded phrasebank",
            )

    asyncio.run(run())


# ---------------------------------------------------------------- nothing lost


def test_quit_unexported_asks_once(dirs):
    async def run() -> None:
        app = app_for_test()
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press(*"未导出的会议")
            await pilot.press("ctrl+q")
            await pilot.pause()
            assert isinstance(app.screen, ConfirmScreen)
            await pilot.press("n")
            await pilot.pause()
            assert not isinstance(app.screen, ConfirmScreen)
            await pilot.press("ctrl+q")
            await pilot.pause()
            assert isinstance(app.screen, ConfirmScreen)
            await pilot.press("y")
            await pilot.pause()
        # the draft was saved on the way out
        records = workspace.recent_drafts()
        assert records and records[0].title == "未导出的会议"

    asyncio.run(run())


def test_quit_without_changes_does_not_ask(dirs):
    async def run() -> None:
        app = app_for_test()
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("ctrl+q")
            await pilot.pause()
            assert not isinstance(app.screen, ConfirmScreen)
        assert workspace.recent_drafts() == []

    asyncio.run(run())


RESUME_CHILD = textwrap.dedent(
    """
    import asyncio, sys, time
    from drafter.tui.app import DrafterApp

    async def main():
        app = DrafterApp(corpus=[])
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press(*"崩溃前的会议")
            await pilot.press("enter")
            while app.focused is None or app.focused.id != "meeting-1":
                await pilot.pause(0.05)
            await pilot.press(*"青山县")
            print("typed", flush=True)
            while True:
                await asyncio.sleep(0.1)

    asyncio.run(main())
    """
)


@pytest.mark.slow
def test_resume_after_kill(dirs):
    env = dict(os.environ)
    child = subprocess.Popen(
        [sys.executable, "-c", RESUME_CHILD],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        line = child.stdout.readline()
        assert line.strip() == "typed", child.stderr.read() if child.stderr else ""
        drafts = dirs / "user" / "drafts"
        deadline = time.monotonic() + 20
        while True:
            specs = (
                [p for p in drafts.glob("*.yaml") if not p.name.endswith(".state.yaml")]
                if drafts.exists()
                else []
            )
            if specs and "青山县" in specs[0].read_text(encoding="utf-8"):
                break
            assert time.monotonic() < deadline, "no autosave appeared"
            time.sleep(0.05)
        child.send_signal(signal.SIGKILL)
        child.wait(10)
    finally:
        if child.poll() is None:
            child.kill()
    spec = specs[0]
    data = yaml.safe_load(spec.read_text(encoding="utf-8"))
    assert data["meeting"]["会议名称"] == "崩溃前的会议"

    async def run() -> None:
        app = app_for_test()
        async with app.run_test(size=SIZE) as pilot:
            await wait_for(
                pilot,
                lambda: isinstance(app.screen, ResumeScreen) and app.screen.query("#resume-list"),
                "resume offer",
            )
            options = app.screen.query_one("#resume-list", OptionList).options
            assert "崩溃前的会议" in options[0].prompt.plain
            await pilot.press("enter")
            await pilot.pause()
            assert app.workspace.draft.meeting["会议名称"] == "崩溃前的会议"
            assert app.workspace.draft.meeting["地区"] == "青山县"
            assert app.workspace.spec_path == spec
            assert app.query_one("#meeting-1", Input).value == "青山县"

    asyncio.run(run())


def test_open_draft_file_argument(dirs):
    example = ROOT / "examples" / "plenary.yaml"
    if not example.exists():
        pytest.skip("examples/plenary.yaml not present")

    async def run() -> None:
        app = app_for_test(draft_path=example)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert not isinstance(app.screen, ResumeScreen)
            assert app.workspace.origin == example
            assert app.workspace.draft.sections
            assert app.query_one("#meeting-0", Input).value == app.workspace.draft.meeting["会议名称"]
            # saving writes back to the opened file (with a backup) and autosaves
            copy_path = dirs / "mine.yaml"
            copy_path.write_text(example.read_text(encoding="utf-8"), encoding="utf-8")
            assert app.open_path(copy_path)
            app.workspace.draft.meeting["听众"] = "全体干部"
            app.draft_changed(meeting=True)
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert "全体干部" in copy_path.read_text(encoding="utf-8")
            assert (dirs / "mine.yaml.bak").exists()

    asyncio.run(run())


def test_bad_file_argument_is_an_in_app_message(dirs):
    bad = dirs / "bad.yaml"
    bad.write_bytes(b"\x00\x01\x02 not yaml")

    async def run() -> None:
        app = app_for_test(draft_path=bad)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            messages = [n.message for n in app._notifications]
            assert any("bad.yaml" in m for m in messages), messages
            assert app.workspace.draft.sections == []  # a fresh draft instead

    asyncio.run(run())


def test_bad_user_phrasebank_is_shown_not_raised(dirs):
    user_pb = dirs / "user" / "phrasebank"
    user_pb.mkdir(parents=True)
    (user_pb / "mine.yaml").write_text("phrases:\n  - id: [unclosed\n", encoding="utf-8")

    async def run() -> None:
        app = app_for_test()
        async with app.run_test(size=SIZE) as pilot:
            await wait_for(pilot, lambda: app.workspace.phrasebank_ready, "phrasebank")
            messages = [n.message for n in app._notifications]
            assert any("mine.yaml" in m for m in messages), messages

    asyncio.run(run())


# ---------------------------------------------------------------- export safety


def test_export_refuses_overwrite_unless_confirmed(dirs):
    async def run() -> None:
        app = app_for_test()
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press(*"覆盖测试会议")
            await pilot.press("enter")
            await wait_for(pilot, lambda: app.focused.id == "meeting-1", "next field")
            await pilot.press(*"青山县")
            await wait_for(
                pilot, lambda: app.workspace.phrasebank_ready and app.workspace.templates, "phrasebank"
            )
            app.choose_structure("t:plenary")
            await wait_for(pilot, lambda: app.workspace.draft.sections, "sections")
            await pilot.press("ctrl+n")
            app.action_go(5)
            await pilot.pause()
            # choose .txt
            app.query_one("#export-format").query("RadioButton")[2].value = True
            await pilot.pause()
            path = Path(app.query_one("#export-path", Input).value)
            assert path.suffix == ".txt"
            path.write_text("旧文件", encoding="utf-8")
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, ConfirmScreen)
            await pilot.press("n")
            await settle(pilot)
            assert path.read_text(encoding="utf-8") == "旧文件"
            button = app.query_one("#export-go")
            await wait_for(pilot, lambda: not button.has_class("-active"), "button ready")
            await pilot.press("enter")
            await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), "confirm overwrite")
            await pilot.press("y")
            await wait_for(pilot, lambda: app.workspace.last_export is not None, "export")
            assert "覆盖测试会议" in path.read_text(encoding="utf-8")

    asyncio.run(run())


def test_missing_slot_export_error_is_a_message_and_blanks_allowed(dirs):
    async def run() -> None:
        app = app_for_test()
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press(*"缺少地区的县政府全体会议")
            await wait_for(
                pilot, lambda: app.workspace.phrasebank_ready and app.workspace.templates, "phrasebank"
            )
            app.choose_structure("t:plenary")
            await wait_for(pilot, lambda: app.workspace.draft.sections, "sections")
            # a paragraph that names the region (whatever the shipped material's own blanks are)
            from drafter.model import DraftItem

            app.workspace.draft.opening.append(
                DraftItem(text="{{ 地区 }}各级各部门要把这次会议精神传达到位。")
            )
            app.draft_changed()
            await pilot.press("ctrl+n")
            app.action_go(5)
            await pilot.pause()
            await pilot.press("enter")
            from drafter.tui.screens.dialogs import MissingValuesScreen

            # no traceback, no half-written file: a question naming the blank
            await wait_for(
                pilot, lambda: isinstance(app.screen, MissingValuesScreen), "missing-values dialog"
            )
            assert "地区" in text_of(app.query_one("#export-result", Static))
            assert app.workspace.last_export is None
            await pilot.press("escape")  # cancel: nothing exported, back on 导出
            assert not isinstance(app.screen, MissingValuesScreen)
            assert app.current_step == "export" and app.workspace.last_export is None
            # ticking 允许留空 exports without asking
            app.query_one("#export-blanks", Checkbox).value = True
            button = app.query_one("#export-go")
            button.focus()
            await pilot.pause()
            await pilot.press("enter")
            await wait_for(pilot, lambda: app.workspace.last_export is not None, "export with blanks")
            assert any("【待补" in p for p in docx_paragraphs(app.workspace.last_export))

    asyncio.run(run())


# ---------------------------------------------------------------- phrase search


async def _open_search(pilot) -> object:
    app = pilot.app
    await wait_for(pilot, lambda: app.workspace.phrasebank_ready, "phrasebank")
    app.query_one("#meeting-0", Input).value = "县政府全体会议"
    app.action_go(3)
    await pilot.pause()
    content = app.query_one("#content")
    app.query_one("#content-role", Select).value = Select.NULL
    app.query_one("#content-search", Input).focus()
    await pilot.pause()
    return content


def test_search_answers_in_the_keystroke_and_pages_results(dirs):
    from drafter.tui.display import fill_preview
    from drafter.tui.steps.content import MORE_RESULTS, RESULT_PAGE

    async def run() -> None:
        app = app_for_test()
        async with app.run_test(size=SIZE) as pilot:
            content = await _open_search(pilot)
            serial = content.search_serial
            await pilot.press("同")
            # answered within the key's own handling: no worker, no extra pause needed
            assert content.search_serial == serial + 1
            assert content.hits and all(
                "同" in p.text or "同" in p.function + "".join(p.topics) for p in content.hits[:3]
            )
            await pilot.press("志")
            expected = app.workspace.index.search("同志", limit=30)
            assert [p.id for p in content.hits] == [h.phrase.id for h in expected]
            assert len(expected) > RESULT_PAGE  # the seed phrasebank has plenty
            results = app.query_one("#content-results", OptionList)
            # one page listed, then a "更多" line
            assert content.results == content.hits[:RESULT_PAGE]
            assert results.option_count == RESULT_PAGE + 1
            more = results.get_option_at_index(RESULT_PAGE)
            assert more.id == MORE_RESULTS and "更多" in str(more.prompt)
            # the first result's detail is shown with the list
            assert content.results[0].id in text_of(app.query_one("#content-detail", Static))
            # choosing "更多" lists the next page in its place
            await pilot.press("enter")
            assert app.focused is results
            results.highlighted = RESULT_PAGE
            await pilot.press("enter")
            await pilot.pause()
            shown = min(len(content.hits), 2 * RESULT_PAGE)
            assert content.results == content.hits[:shown]
            meeting = app.workspace.draft.meeting
            assert [str(results.get_option_at_index(i).prompt) for i in range(shown)] == [
                f"{fill_preview(p.text, {}, meeting)}　〔{p.function}〕" for p in content.hits[:shown]
            ]
            assert results.highlighted == RESULT_PAGE
            # and picking a result of the second page adds that phrase
            before = len(content.current_items() or [])
            await pilot.press("enter")
            await pilot.pause()
            items = content.current_items() or []
            assert len(items) == before + 1 and any(it.phrase == content.hits[RESULT_PAGE].id for it in items)

    asyncio.run(run())


def test_search_results_show_user_text_without_markup(dirs):
    user_pb = dirs / "user" / "phrasebank"
    user_pb.mkdir(parents=True)
    (user_pb / "mine.yaml").write_text(
        "phrases:\n"
        "  - id: user.markup.001\n"
        "    role: tasks\n"
        "    function: 工作要求\n"
        "    topics: [招商引资]\n"
        '    text: "要把[bold]招商引资[/bold]作为[red]一号工程[/red]抓紧抓实。"\n'
        "    origin: curated\n",
        encoding="utf-8",
    )

    async def run() -> None:
        app = app_for_test()
        async with app.run_test(size=SIZE) as pilot:
            content = await _open_search(pilot)
            await pilot.press(*"一号工程")
            assert content.hits and content.hits[0].id == "user.markup.001"
            results = app.query_one("#content-results", OptionList)
            prompt = results.get_option_at_index(0).prompt
            assert str(prompt).startswith("要把[bold]招商引资[/bold]作为[red]一号工程[/red]抓紧抓实。")

    asyncio.run(run())


# ---------------------------------------------------------------- markup safety and sizes


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_user_text_is_not_markup_and_wide_chars_fit(dirs, size):
    async def run() -> None:
        app = app_for_test()
        async with app.run_test(size=size) as pilot:
            app.query_one("#meeting-0", Input).value = "[bold]县政府[/bold]全体会议"
            await pilot.pause()
            assert "[bold]县政府[/bold]全体会议" in text_of(app.query_one("#topbar", Static))
            for i in range(6):
                app.action_go(i)
                await pilot.pause()
                step = app.query_one(f"#{workspace.STEP_KEYS[i]}")
                assert step.region.width > 0 and step.region.right <= size[0]

    asyncio.run(run())


def test_structures_from_corpus_listed_with_counts_and_sources(dirs):
    async def run() -> None:
        app = DrafterApp(corpus=[ROOT / "seeds"])
        async with app.run_test(size=SIZE) as pilot:
            await wait_for(
                pilot,
                lambda: app.workspace.structures_loaded and app.workspace.templates,
                "structures",
                timeout=60,
            )
            assert app.workspace.structures
            app.action_go(1)
            await pilot.pause()
            choices = app.query_one("#structure-choices", OptionList)
            mined = [o for o in choices.options if (o.id or "").startswith("m:")]
            assert len(mined) == len(app.workspace.structures)
            first = mined[0].prompt.plain
            assert f"×{app.workspace.structures[0].count}" in first
            assert app.workspace.structures[0].speeches[0][0] in first
            # choosing a mined structure gives sections in its role order
            choices.highlighted = choices.options.index(mined[0])
            await wait_for(pilot, lambda: app.workspace.phrasebank_ready, "phrasebank")
            await pilot.press("enter")
            await wait_for(pilot, lambda: app.workspace.draft.sections, "sections")
            assert tuple(s.role for s in app.workspace.draft.sections) == tuple(
                r for r in app.workspace.structures[0].roles if r in ("situation", "tasks", "discipline")
            )
            preview = text_of(app.query_one("#structure-preview", Static))
            assert "出现" in preview

    asyncio.run(run())


# ---------------------------------------------------------------- the command


def test_tui_command_errors_are_one_line_chinese(dirs):
    missing = subprocess.run(
        [sys.executable, "-m", "drafter", "tui", "没有这个文件.yaml"],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )
    assert missing.returncode == 1
    assert "没有这个文件.yaml" in missing.stderr and "文件不存在" in missing.stderr
    assert "Traceback" not in missing.stderr
    no_tty = subprocess.run(
        [sys.executable, "-m", "drafter", "tui"],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        env={k: v for k, v in os.environ.items() if k != "DRAFTER_FORCE_TUI"},
        timeout=120,
    )
    assert no_tty.returncode == 1
    assert "终端" in no_tty.stderr and "Traceback" not in no_tty.stderr


def test_command_palette_runs_chinese_commands(dirs):
    async def run() -> None:
        app = app_for_test()
        async with app.run_test(size=SIZE) as pilot:
            dark = app.theme
            await pilot.press("ctrl+p")
            await pilot.pause()
            await pilot.press(*"切换主题")
            await pilot.pause(0.3)
            await pilot.press("enter")
            await wait_for(pilot, lambda: app.theme != dark, "theme switched")
            await pilot.press("ctrl+p")
            await pilot.pause()
            await pilot.press(*"打开")
            await pilot.pause(0.3)
            await pilot.press("enter")
            from drafter.tui.screens.dialogs import OpenScreen

            await wait_for(pilot, lambda: isinstance(app.screen, OpenScreen), "open dialog")
            await pilot.press("escape")
            await pilot.pause()
            assert not isinstance(app.screen, OpenScreen)

    asyncio.run(run())


def test_export_to_missing_folder_is_a_message(dirs):
    async def run() -> None:
        app = app_for_test()
        async with app.run_test(size=SIZE) as pilot:
            app.query_one("#meeting-0", Input).value = "路径测试会议"
            app.query_one("#meeting-1", Input).value = "青山县"
            await wait_for(
                pilot, lambda: app.workspace.phrasebank_ready and app.workspace.templates, "phrasebank"
            )
            app.choose_structure("t:plenary")
            await wait_for(pilot, lambda: app.workspace.draft.sections, "sections")
            app.action_go(5)
            await pilot.pause()
            box = app.query_one("#export-path", Input)
            box.value = str(dirs / "没有这个文件夹" / "稿.docx")
            box.focus()
            await pilot.press("enter")
            await wait_for(
                pilot, lambda: "导出失败" in text_of(app.query_one("#export-result", Static)), "error"
            )
            message = text_of(app.query_one("#export-result", Static))
            assert "没有这个文件夹" in message
            assert app.workspace.last_export is None and not app.workspace.exported

    asyncio.run(run())


# ---------------------------------------------------------------- type-ahead


def _burst(app: DrafterApp, keys: list[str]) -> None:
    """Post keys to the app in one go, as a terminal delivers fast typing (or a paste of keystrokes).

    Pilot.press waits after each key; a real terminal does not, so keys queue up behind a focus change.
    """
    from textual import events

    for key in keys:
        if len(key) == 1:
            app.post_message(events.Key(key, key))
        else:
            app.post_message(events.Key(key, None))


def test_type_ahead_lands_in_the_field_with_focus(dirs):
    """Keys typed right after Enter/Tab go to the next field, however many are already queued."""

    async def run() -> None:
        app = app_for_test(resume=False)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert app.focused is app.query_one("#meeting-0", Input)
            _burst(
                app,
                [
                    *"甲会议",
                    "enter",
                    *"青山县",
                    "tab",
                    *"李四",
                    "enter",
                    *"县长x",
                    "backspace",
                    "shift+tab",
                    "end",
                    *"同志",
                ],
            )
            await settle(pilot)
            values = [app.query_one(f"#meeting-{i}", Input).value for i in range(4)]
            assert values == ["甲会议", "青山县", "李四同志", "县长"]
            assert app.focused is app.query_one("#meeting-2", Input)

    asyncio.run(run())


def test_key_bar_follows_focus_and_keys_are_clickable(dirs):
    async def run() -> None:
        app = app_for_test(resume=False)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            bar = app.query_one("#keybar", Static)
            text = text_of(bar)
            for label in ("帮助", "保存", "导出", "上一步", "下一步", "退出", "命令"):
                assert label in text, label
            assert "切换步骤" not in text  # digits are typed into the focused field
            app.query_one("#steps", StepList).focus()
            await pilot.pause()
            text = text_of(bar)
            assert "1-6 切换步骤" in text
            # a click on "导出" runs Ctrl+T, as a Footer key would
            from rich.cells import cell_len

            x = cell_len(text[: text.index("^t")])  # in cells: the Chinese labels before it are two wide
            assert await pilot.click("#keybar", offset=(x + 1, 0))
            await wait_for(pilot, lambda: app.current_step == "export", "export step")

    asyncio.run(run())
