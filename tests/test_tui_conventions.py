"""Textual conventions and the wizard's newer features: the palette keeps Textual's commands, the theme
is remembered, 复制全文, the palette finds material, browser downloads, length figures, 换一个 / 换一批,
本单位 structures, repetition across drafts, and a TUI that talks to its app only by messages."""

from __future__ import annotations

import ast
import asyncio
from pathlib import Path

import pytest

pytest.importorskip("textual")

from textual.widgets import Input, OptionList, Static
from tui_wait import prefilled, wait_for

from drafter.tui.app import DrafterApp
from drafter.tui.screens.alternatives import AlternativesScreen
from drafter.tui.steps.structure import structure_label
from drafter.workspace import read_profile

SIZE = (120, 40)
TUI = Path(__file__).resolve().parent.parent / "drafter" / "tui"


pytestmark = pytest.mark.usefixtures("export_here")


def test_no_tui_module_imports_the_app():
    """Steps, widgets, screens and workers reach the app only by messages (also a lint-imports contract)."""
    for path in TUI.rglob("*.py"):
        if path.name == "app.py" and path.parent == TUI:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.ImportFrom):
                names = [node.module or ""] + [f"{node.module}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            assert not any(n == "drafter.tui.app" for n in names), path


def test_palette_keeps_textual_commands_then_ours_and_theme_is_remembered():
    async def first() -> None:
        app = DrafterApp(corpus=[], resume=False)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            titles = [c.title for c in app.get_system_commands(app.screen)]
            assert {"Theme", "Keys", "Screenshot"} <= set(titles)
            assert titles.index("Theme") < titles.index("保存")
            for title in ("保存", "另存为", "导出", "复制全文", "换一批", "素材审核", "切换主题"):
                assert title in titles
            await wait_for(pilot, lambda: app._theme_restored, "profile read")
            app.theme = "nord"
            await wait_for(pilot, lambda: read_profile().theme == "nord", "theme saved")

    async def second() -> None:
        app = DrafterApp(corpus=[], resume=False)
        async with app.run_test(size=SIZE) as pilot:
            await wait_for(pilot, lambda: app.theme == "nord", "theme restored")

    asyncio.run(first())
    asyncio.run(second())


def test_copy_whole_speech_from_preview_and_stats_shown():
    async def run() -> None:
        app = DrafterApp(corpus=[], resume=False)
        async with app.run_test(size=SIZE) as pilot:
            await prefilled(pilot)
            await wait_for(pilot, lambda: app.workspace.lint_ready and app.workspace.text, "checked")
            app.action_go(4)
            await wait_for(pilot, lambda: app.current_step == "preview", "preview")
            await pilot.press("c")
            await wait_for(pilot, lambda: app.clipboard, "copied")
            assert app.clipboard == app.workspace.text
            assert "县政府第三次全体会议" in app.clipboard
            stats = str(app.query_one("#preview-stats", Static).render())
            assert "字" in stats and "分钟" in stats and "页" in stats
            app._quit_confirmed = True

    asyncio.run(run())


def test_palette_provider_finds_phrases_and_sections():
    from drafter.tui.commands import DrafterCommands

    async def run() -> None:
        app = DrafterApp(corpus=[], resume=False)
        async with app.run_test(size=SIZE) as pilot:
            await prefilled(pilot)
            provider = DrafterCommands(app.screen)
            await provider.startup()
            heading = app.workspace.draft.sections[0].heading
            hits = [hit async for hit in provider.search(heading[:4])]
            texts = [str(hit.match_display) for hit in hits]
            assert any(t.startswith("章节：") for t in texts), texts
            hits = [hit async for hit in provider.search("招商")]
            assert any(str(h.match_display).startswith("素材：") for h in hits)
            # choosing a phrase inserts it on the 内容 step
            phrase_hit = next(h for h in hits if str(h.match_display).startswith("素材："))
            phrase_hit.command()
            await wait_for(pilot, lambda: app.current_step == "content", "content step")
            content = app.query_one("#content")
            await wait_for(pilot, lambda: any(it.phrase for it in content.current_items() or []), "inserted")
            app._quit_confirmed = True

    asyncio.run(run())


def test_export_in_a_browser_is_delivered(monkeypatch, export_here):
    delivered = []
    monkeypatch.setattr(DrafterApp, "is_web", property(lambda self: True))
    monkeypatch.setattr(
        DrafterApp,
        "deliver_binary",
        lambda self, data, *, save_filename=None, mime_type=None, **kw: delivered.append(
            (data.read(), save_filename, mime_type)
        ),
    )

    async def run() -> None:
        app = DrafterApp(corpus=[], resume=False)
        async with app.run_test(size=SIZE) as pilot:
            await prefilled(pilot, "浏览器导出会议")
            app.query_one("#meeting-2", Input).value = "张明"
            await pilot.press("ctrl+t")
            await wait_for(pilot, lambda: app.workspace.last_export is not None, "export")
            await wait_for(pilot, lambda: delivered, "delivered")
            data, name, mime = delivered[0]
            assert app.workspace.last_export.exists()  # on the server's disk as well
            assert data == app.workspace.last_export.read_bytes() and data[:2] == b"PK"
            assert name == app.workspace.last_export.name and "word" in (mime or "")

    asyncio.run(run())


def test_change_one_heading_lists_alternatives_and_reshuffle():
    """换一个 puts the next heading in place (the alternatives listed beside, F7 lists them in full);
    换一批 suggests the whole draft again."""

    async def run() -> None:
        app = DrafterApp(corpus=[], resume=False)
        async with app.run_test(size=SIZE) as pilot:
            await prefilled(pilot)
            ws = app.workspace
            app.action_go(2)
            await wait_for(pilot, lambda: app.current_step == "headings", "headings")
            step = app.query_one("#headings")
            box = app.query_one("#headings-sections", OptionList)
            path = next(p for p in step.paths if len(ws.heading_alternatives(p)) >= 3)
            box.highlighted = step.paths.index(path)
            box.focus()
            await pilot.pause()
            before = ws.heading_alternatives(path)
            await pilot.press("f7")  # the full list, on the current one
            await wait_for(pilot, lambda: isinstance(app.screen, AlternativesScreen), "alternatives listed")
            assert app.screen.query_one("#alternatives", OptionList).option_count == len(before) >= 3
            await pilot.press("f5")  # moves to the next one
            await pilot.press("f5")
            await pilot.press("enter")
            await wait_for(pilot, lambda: not isinstance(app.screen, AlternativesScreen), "closed")
            from drafter.drafting.editing import section_at

            assert section_at(ws.draft, path).heading == before[2]
            bar = str(app.query_one("#keybar").render())
            assert "换一个" in bar and "全部备选" in bar
            # 换一批: the whole draft again with the next seed (asks first: there are sections)
            old = [s.heading for s in ws.draft.sections]
            app.action_reshuffle()
            from drafter.tui.screens.dialogs import ConfirmScreen

            await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), "confirm reshuffle")
            await pilot.press("y")
            await wait_for(
                pilot, lambda: ws.seed == 1 and not isinstance(app.screen, ConfirmScreen), "reshuffled"
            )
            assert ws.draft.sections and [s.heading for s in ws.draft.sections] != old
            app._quit_confirmed = True

    asyncio.run(run())


def test_help_lists_the_new_keys():
    async def run() -> None:
        app = DrafterApp(corpus=[], resume=False)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("f1")
            text = str(app.screen.query_one("#help-text", Static).render())
            for needle in (
                "F5",
                "换一个",
                "F6",
                "换一批",
                "Ctrl+G",
                "往年讲话",
                "Ctrl+R",
                "素材审核",
                "复制全文",
            ):
                assert needle in text, needle

    asyncio.run(run())


def test_user_structures_are_marked_as_the_offices_own():
    from drafter.library import StructureInfo

    own = StructureInfo(("situation", "tasks"), 3, [("2023全会.docx", 0)], "user")
    seeds = StructureInfo(("situation", "tasks"), 5, [("seed.txt", 0)], "seeds")
    assert structure_label(own) == "本单位"
    assert structure_label(seeds) == "语料"


def test_export_step_style_separator_switch():
    import zipfile

    from textual.widgets import Checkbox

    async def run() -> None:
        app = DrafterApp(corpus=[], resume=False)
        async with app.run_test(size=SIZE) as pilot:
            await prefilled(pilot, "样式分隔符会议")
            app.action_go(5)
            await wait_for(pilot, lambda: app.current_step == "export", "export step")
            app.query_one("#export-separator", Checkbox).value = True
            app.query_one("#export-blanks", Checkbox).value = True
            app.query_one("#export-go").focus()
            await pilot.press("enter")
            await wait_for(pilot, lambda: app.workspace.last_export is not None, "export")
            with zipfile.ZipFile(app.workspace.last_export) as package:
                xml = package.read("word/document.xml").decode("utf-8")
            assert "specVanish" in xml

    asyncio.run(run())


def test_archive_search_inserts_a_paragraph_with_its_source(monkeypatch):
    import drafter.tui.screens.archive as archive
    from drafter.library import SearchHit

    hit = SearchHit(
        "2023防汛会议.docx", 0, 12, "一、压实防汛责任", "tasks", "汛期将至，各地要压实责任。", 3.0, ""
    )
    monkeypatch.setattr(archive, "search_all", lambda query, role=None, limit=20: [hit])

    async def run() -> None:
        app = DrafterApp(corpus=[], resume=False)
        async with app.run_test(size=SIZE) as pilot:
            await prefilled(pilot)
            app.action_go(3)
            await wait_for(pilot, lambda: app.current_step == "content", "content step")
            app.query_one("#content-parts", OptionList).focus()
            await pilot.press("ctrl+g")
            await wait_for(pilot, lambda: isinstance(app.screen, archive.ArchiveScreen), "archive dialog")
            await pilot.press(*"防汛")
            await pilot.press("enter")
            await wait_for(pilot, lambda: app.screen.hits, "results")
            await pilot.press("enter")
            content = app.query_one("#content")
            await wait_for(
                pilot, lambda: any(it.text == hit.text for it in content.current_items() or []), "inserted"
            )
            detail = str(app.query_one("#content-detail", Static).render())
            assert "2023防汛会议.docx" in detail and "第12行" in detail
            app._quit_confirmed = True

    asyncio.run(run())


def test_review_accepts_and_rejects_in_batches(monkeypatch):
    import drafter.tui.screens.review as review
    from drafter.library import CandidateInfo

    pending = {
        f"c{i}": CandidateInfo(f"c{i}", "tasks", "工作要求", f"第{i}句要抓好落实。", [], ("a.txt", 0, i))
        for i in range(4)
    }
    decided: dict[str, str] = {}

    class FakeLibrary:
        @classmethod
        def open(cls):
            return cls()

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return None

        def candidates(self, role=None):
            return [c for k, c in pending.items() if k not in decided]

        def accept(self, ids):
            decided.update(dict.fromkeys(ids, "accepted"))
            return [f"user.{i}" for i in ids]

        def reject(self, ids):
            decided.update(dict.fromkeys(ids, "rejected"))
            return len(ids)

    monkeypatch.setattr(review, "Library", FakeLibrary)

    async def run() -> None:
        app = DrafterApp(corpus=[], resume=False)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("ctrl+r")
            await wait_for(pilot, lambda: isinstance(app.screen, review.ReviewScreen), "review screen")
            screen = app.screen
            box = screen.query_one("#review-list")
            await wait_for(pilot, lambda: box.option_count == 4, "candidates listed")
            await pilot.press("space", "down", "space")  # mark two
            await pilot.press("a")
            await wait_for(pilot, lambda: len(decided) == 2, "batch accepted")
            assert set(decided.values()) == {"accepted"}
            await wait_for(pilot, lambda: box.option_count == 2, "list refreshed")
            await pilot.press("r")  # none marked: the highlighted one
            await wait_for(pilot, lambda: len(decided) == 3, "one rejected")
            await pilot.press("escape")
            await wait_for(pilot, lambda: not isinstance(app.screen, review.ReviewScreen), "closed")
            assert screen.accepted == 2

    asyncio.run(run())
