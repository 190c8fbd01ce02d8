"""The drafting wizard: ``drafter`` with no arguments.

The app composes the screen, holds the key bindings and routes messages:
steps and widgets post them (``DraftChanged``, ``JumpToFinding``,
``ExportRequested`` …), workers in ``loaders`` post what they loaded or
checked, and the app hands each to the ``Workspace`` (the core, which holds
the draft) and to the steps that show it.  Nothing else in ``drafter.tui``
imports this module.
"""

from __future__ import annotations

import contextlib
import copy
import gc
import io
import os
import time
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path
from typing import Any, ClassVar

from rich.text import Text
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.css.query import NoMatches
from textual.screen import ModalScreen, Screen
from textual.widgets import ContentSwitcher, Static

from drafter.errors import DrafterError
from drafter.tui import loaders
from drafter.tui import messages as m
from drafter.tui.commands import DrafterCommands
from drafter.tui.steps import Step, step_class
from drafter.tui.steps.meeting import MeetingStep
from drafter.tui.widgets import KeyBar, StepList
from drafter.util import crash_message, write_crash_report
from drafter.workspace import ATTENTION, DONE, PENDING, STEP_KEYS, STEPS, Workspace, draft_title, save_theme
from drafter.workspace import finding_path as _finding_path
from drafter.workspace import finding_step as _finding_step

STATE_MARKS = {DONE: ("✓", "green"), ATTENTION: ("!", "yellow"), PENDING: ("·", "dim")}

LINT_DELAY = 0.3  # seconds without changes before re-checking (typing never waits on it)
GLOBAL_ACTIONS = {"save", "export_now", "prev_step", "next_step", "open", "go", "help", "review"}
PALETTE = "另存为、复制全文、换一批、素材审核等，也可查找素材"


def _screens() -> Any:
    """The dialogs (imported when first needed, to keep start-up short)."""
    import drafter.tui.screens.dialogs as dialogs

    return dialogs


class DrafterApp(App[int]):
    """The wizard.  ``draft_path`` opens a draft spec; ``resume`` offers autosaved drafts."""

    CSS_PATH = str(Path(__file__).with_name("app.tcss"))
    TITLE = "讲稿助手"
    ENABLE_COMMAND_PALETTE = True
    COMMANDS = App.COMMANDS | {DrafterCommands}
    # Focus the first field at once (one focus change less at start-up; each redraws the footer).
    AUTO_FOCUS = "#meeting-0"
    # Screen classes for small terminals (80×24): see app.tcss.
    HORIZONTAL_BREAKPOINTS: ClassVar[list[tuple[int, str]]] = [(0, "-narrow"), (100, "-roomy")]
    VERTICAL_BREAKPOINTS: ClassVar[list[tuple[int, str]]] = [(0, "-short"), (32, "-tall")]

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f1", "help", "帮助", id="help"),
        Binding("ctrl+s", "save", "保存", priority=True, id="save"),
        Binding("ctrl+t", "export_now", "导出", priority=True, id="export"),
        Binding("ctrl+b", "prev_step", "上一步", priority=True, id="prev"),
        Binding("ctrl+n", "next_step", "下一步", priority=True, id="next"),
        Binding("ctrl+o", "open", "打开", priority=True, id="open", show=False),
        Binding("ctrl+r", "review", "素材审核", priority=True, id="review", show=False),
        Binding("ctrl+q", "quit", "退出", priority=True, id="quit"),
        Binding("ctrl+p", "command_palette", "命令", priority=True, show=False, id="palette"),
        # Tab moves the focus in the app's own loop, before the keys typed after it are forwarded
        # (as a screen binding it would run only once the key had bubbled up: type-ahead was lost).
        Binding("tab", "app.focus_next", "下一项", show=False, priority=True),
        Binding("shift+tab", "app.focus_previous", "上一项", show=False, priority=True),
        Binding("1", "go(0)", "切换步骤", key_display="1-6", id="step1"),
        Binding("2", "go(1)", "第2步", show=False),
        Binding("3", "go(2)", "第3步", show=False),
        Binding("4", "go(3)", "第4步", show=False),
        Binding("5", "go(4)", "第5步", show=False),
        Binding("6", "go(5)", "第6步", show=False),
    ]

    def __init__(
        self,
        draft_path: str | os.PathLike[str] | None = None,
        *,
        resume: bool = True,
        corpus: Iterable[str | os.PathLike[str]] | None = None,
    ) -> None:
        super().__init__()
        self.draft_path = Path(draft_path) if draft_path else None
        self.offer_resume = resume
        self.workspace = Workspace([Path(p) for p in corpus] if corpus is not None else None)
        self._dirty_save = False
        self._dirty_lint = False
        self._dirty_profile = False
        self._last_change = 0.0
        self._profile_pending = False
        self._pending_choice: str | None = None
        self._quit_confirmed = False
        self._heap_frozen = False
        self._crash: str | None = None  # why the wizard ended with 70: the sentence the CLI prints
        self.crash_report: Path | None = None  # the last crash report written
        self._reported: dict[tuple[str, str], Path | None] = {}  # defects reported (where, type)
        # A defect (an unexpected exception) raises, to fail loudly, under DRAFTER_DEBUG and in tests
        # (headless); otherwise it becomes a crash report.  Tests of the report set this to False.
        self.raise_defects: bool | None = None
        self._theme_restored = False
        self._separator = False  # the export step's 样式分隔符 switch, for the export running now
        self.step_reasons: dict[str, list[str]] = {}

    # ------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        yield Static("", id="topbar")
        with Horizontal(id="body"):
            yield StepList(id="steps")
            with ContentSwitcher(id="switcher", initial="meeting"):
                # Only the first step now: the others are mounted on their first visit.
                yield MeetingStep(self.workspace, id=MeetingStep.key)
        yield KeyBar(id="keybar")

    def on_mount(self) -> None:
        self.theme_changed_signal.subscribe(self, self._theme_changed)
        self.start_draft()
        if self.draft_path is not None:
            self.show_step("meeting")
        self.set_interval(0.4, self._tick)

    def on_ready(self) -> None:
        """The first screen is up: once it is painted, load in workers and offer to resume."""
        self.call_after_refresh(self._after_first_paint)

    def _after_first_paint(self) -> None:
        self._fill_profile()
        ws, post = self.workspace, self.post_message
        self.run_worker(partial(loaders.load_core, ws, post), thread=True, group="load", exit_on_error=False)
        self.run_worker(
            partial(loaders.load_structures, ws, post), thread=True, group="corpus", exit_on_error=False
        )
        if self.draft_path is None and self.offer_resume:
            records = [r for r in ws.recent_drafts() if r.path != ws.spec_path]
            for record in records:
                if record.problem:
                    self.notify(record.problem, severity="warning", markup=False, timeout=15)
            if records and ws.touched:
                # the writer has started typing: do not interrupt with a dialog
                self.notify(f"有 {len(records)} 篇自动保存的草稿，可按 Ctrl+O 打开继续", timeout=8)
            elif records:
                self.push_screen(_screens().ResumeScreen(records), self._resume_chosen)

    def start_draft(self) -> None:
        if self.draft_path is not None and self.open_path(self.draft_path):
            return
        # The profile (a YAML file) is read once the first screen is up: see _fill_profile.
        self.new_draft(profile=False)
        self._profile_pending = True

    def _read_profile(self) -> dict[str, str]:
        """The saved profile's fields; restores the saved theme once.  Problems are notices."""
        try:
            profile = self.workspace.read_profile()
        except DrafterError as exc:
            self.notify(f"{exc}（已忽略）", severity="warning", markup=False, timeout=8)
            self._restore_theme(None)
            return {}
        for problem in profile.problems:
            self.notify(f"常用信息文件：{problem}", severity="warning", markup=False, timeout=8)
        self._restore_theme(profile.theme)
        return profile.fields

    def _restore_theme(self, theme: str | None) -> None:
        if self._theme_restored:
            return
        if theme and theme in self.available_themes:
            self.theme = theme
        self._theme_restored = True  # from now on a change is the writer's: remembered

    def _theme_changed(self, theme: Any) -> None:
        name = getattr(theme, "name", None)
        if self._theme_restored and isinstance(name, str):
            self.run_worker(partial(self._save_theme, name), thread=True, group="theme", exit_on_error=False)

    def _save_theme(self, name: str) -> None:
        try:
            save_theme(name)
        except DrafterError as exc:
            self.post_message(m.LoadFailed(f"界面主题未能保存：{exc}"))

    def new_draft(self, *, profile: bool = True) -> None:
        self._profile_pending = False
        self.workspace.new_draft(self._read_profile() if profile else None)
        self._draft_shown()

    def _fill_profile(self) -> None:
        """Fill the start-up draft's empty 地区/讲话人/职务 from the saved profile.

        Fields the writer has typed into meanwhile keep what they typed.
        """
        profile = self._read_profile()
        if not self._profile_pending:
            return
        self._profile_pending = False
        if self.workspace.fill_from_profile(profile):
            if meeting := self.step("meeting"):
                meeting.refresh_from_draft()
            self.refresh_sidebar()
            self.update_topbar()

    def _draft_shown(self, notices: Iterable[str] = ()) -> None:
        """A new or opened draft: every step shows it, it is checked soon."""
        self._profile_pending = False
        self._dirty_lint = True
        self._dirty_save = self.workspace.touched
        for notice in notices:
            self.notify(notice, severity="warning", markup=False, timeout=12)
        for step in self.query(Step):
            step.refresh_from_draft()
        self.refresh_sidebar()
        self.update_topbar()

    def open_path(self, path: Path) -> bool:
        try:
            problems, notices = self.workspace.open(path)
        except DrafterError as exc:
            self.notify(str(exc), severity="error", markup=False, timeout=8)
            return False
        self._draft_shown(notices)
        for problem in problems[:3]:
            self.notify(str(problem), severity="warning", markup=False, timeout=8)
        if len(problems) > 3:
            self.notify(f"另有 {len(problems) - 3} 个问题，可在“预览与检查”中查看", severity="warning")
        return True

    def _resume_chosen(self, record: Any) -> None:
        if record is not None and self.open_path(record.path):
            self.notify(f"已恢复：{record.title or record.path.name}", markup=False)

    # ------------------------------------------------------------ loaded in workers
    def on_templates_loaded(self, message: m.TemplatesLoaded) -> None:
        templates = message.templates
        self.workspace.templates = [t for t in templates if not getattr(t, "problem", None)]
        for t in templates:
            if getattr(t, "problem", None):
                self.notify(f"模板有误，已跳过：{t.problem}", severity="warning", markup=False, timeout=8)
        if structure := self.step("structure"):
            structure.refresh_choices()

    def _settle_heap(self) -> None:
        """Move what is loaded (the phrasebank, its index: ~10^5 objects with 50,000 phrases) out of
        the cyclic garbage collector's sight.  Otherwise every full collection walks all of it (over
        100 ms with 50,000 phrases) and lands on some keystroke; they are freed by reference counting
        as usual, and ``on_unmount`` hands them back to the collector."""
        gc.freeze()
        self._heap_frozen = True

    def on_unmount(self) -> None:
        if self._heap_frozen:
            gc.unfreeze()
            self._heap_frozen = False
        self.workspace.release()

    def on_phrasebank_loaded(self, message: m.PhrasebankLoaded) -> None:
        ws = self.workspace
        ws.set_phrasebank(message.bank, message.index)
        self._settle_heap()
        errors = [p for p in message.bank.problems if getattr(p, "severity", "error") == "error"]
        if errors:
            self.notify(
                f"素材库有 {len(errors)} 处错误（已跳过出错的条目）：{errors[0]}",
                severity="warning",
                markup=False,
                timeout=10,
            )
        self._dirty_lint = True
        self.update_topbar()
        for step in self.query(Step):
            step.workspace_loaded()
        if self._pending_choice is not None:
            option_id, self._pending_choice = self._pending_choice, None
            self.choose_structure(option_id)

    def on_structures_loaded(self, message: m.StructuresLoaded) -> None:
        self.workspace.structures = message.structures
        self.workspace.structures_loaded = True
        if message.problem:
            self.notify(message.problem, severity="warning", markup=False)
        if structure := self.step("structure"):
            structure.refresh_choices()

    def on_load_failed(self, message: m.LoadFailed) -> None:
        if message.error is not None:
            if self._defects_raise():
                raise message.error
            self.report_defect(message.error, message.message)
            return
        self.notify(message.message, severity="error", markup=False, timeout=12)

    def _defects_raise(self) -> bool:
        if self.raise_defects is not None:
            return self.raise_defects
        return bool(os.environ.get("DRAFTER_DEBUG")) or self.is_headless

    def _save_for_report(self) -> tuple[bool | None, str]:
        """Autosave now, for a crash report: (saved, why not); saved None when there is no draft to save."""
        ws = self.workspace
        if not ws.touched:
            return (True, "") if ws.spec_path is not None else (None, "")
        reason = self._save_now()
        return (reason is None, reason or "")

    def _step_now(self) -> str:
        """The step shown (for a crash report); empty when the screen is not up (any failure here)."""
        try:
            return self.current_step
        except Exception:  # a report is written while the app may be half torn down
            return ""

    def report_defect(self, error: BaseException, where: str) -> str:
        """A defect (not the writer's material): save the draft, write a crash report, tell the writer.

        Returns the sentence shown.  The same defect in the same place is written down once a session.
        """
        saved, unsaved = self._save_for_report()
        key = (where, type(error).__name__)
        if key in self._reported:
            report = self._reported[key]
        else:
            details = {"step": self._step_now(), "draft": _saved_label(saved)}
            report = write_crash_report(error, where=where, details=details)
            self._reported[key] = report
        if report is not None:
            self.crash_report = report
        text = crash_message(report, error=error, saved=saved, unsaved=unsaved)
        self.notify(text, severity="error", markup=False, timeout=30)
        return text

    def _handle_exception(self, error: Exception) -> None:
        if isinstance(error, DrafterError | OSError):
            # never exit on a writer's file problem: say it (an OSError here escaped a message)
            self.notify(
                str(error) if isinstance(error, DrafterError) else f"文件操作失败：{error}",
                severity="error",
                markup=False,
                timeout=10,
            )
            return
        if self._defects_raise():
            super()._handle_exception(error)
            return
        # An exception escaped a handler: the wizard's state is unknown, so it ends (the CLI prints
        # ``_crash``), after saving the draft and writing the report.
        saved, unsaved = self._save_for_report()
        details = {"step": self._step_now(), "draft": _saved_label(saved)}
        self.crash_report = write_crash_report(error, where="讲稿助手界面", details=details)
        self._crash = crash_message(self.crash_report, error=error, saved=saved, unsaved=unsaved)
        self.exit(70)

    # ------------------------------------------------------------ changes, autosave, check
    def draft_changed(self, *, meeting: bool = False) -> None:
        """The draft changed: autosave and re-check soon."""
        self.workspace.changed(meeting=meeting)
        self._dirty_save = True
        self._dirty_lint = True
        self._last_change = time.monotonic()
        if meeting:
            self._dirty_profile = True
            self.update_topbar()
            self.refresh_sidebar()

    def on_draft_changed(self, message: m.DraftChanged) -> None:
        self.draft_changed(meeting=message.meeting)

    def _tick(self) -> None:
        if self._dirty_save:
            self._dirty_save = False
            self._start_autosave()
        ws = self.workspace
        if self._dirty_lint and ws.phrasebank_ready and time.monotonic() - self._last_change > LINT_DELAY:
            self._dirty_lint = False
            draft, bank = copy.deepcopy(ws.draft), ws.phrasebank
            # Not ``exclusive``: a thread cannot be stopped, so cancelling only hid the old check while it
            # still posted its result; the revision it carries is what keeps a late result off screen.
            self.run_worker(
                partial(loaders.check, ws, draft, bank, ws.revision, self.post_message),
                thread=True,
                group="lint",
                exit_on_error=False,
            )

    def _start_autosave(self) -> None:
        ws = self.workspace
        if not ws.touched:
            return
        snap = ws.snapshot(profile=self._dirty_profile)
        self._dirty_profile = False
        self.run_worker(
            partial(loaders.autosave, ws, snap, self.post_message),
            thread=True,
            group="autosave",
            exit_on_error=False,
        )

    def on_saved(self, message: m.Saved) -> None:
        if message.note:
            self.notify(message.note, severity="warning", markup=False, timeout=15)

    def on_save_failed(self, message: m.SaveFailed) -> None:
        self.notify(f"自动保存失败：{message.message}", severity="error", markup=False, timeout=10)

    def _save_now(self) -> str | None:
        """Autosave on this thread; the reason (Chinese) when it failed."""
        try:
            result = self.workspace.save_now()
        except DrafterError as exc:
            return str(exc)
        self._dirty_save = False
        if result is not None and result.note:
            self.notify(result.note, severity="warning", markup=False, timeout=15)
        return None

    def on_checked(self, message: m.Checked) -> None:
        ws = self.workspace
        if not ws.checked(message.result):
            # a check of an older revision (its thread could not be stopped) finished late: never shown
            self._dirty_lint = True
            return
        # meeting fields the chosen phrases use but that are empty: marked on the 会议信息 step
        if meeting := self.step("meeting"):
            meeting.show_needed(set(ws.needed_meeting))
        self.refresh_sidebar()
        # a step being mounted right now has no widgets yet: it shows the check when it is up
        with contextlib.suppress(NoMatches):
            if headings := self.step("headings"):
                headings.show_lint()
            if preview := self.step("preview"):
                preview.show_findings()
                # not ``exclusive``: the preview renders one text at a time and ends with the latest
                self.run_worker(preview.show_markdown(ws.markdown), group="markdown", exit_on_error=False)

    # ------------------------------------------------------------ sidebar and steps
    def refresh_sidebar(self) -> None:
        try:
            box = self.query_one("#steps", StepList)
        except NoMatches:
            return
        states = self.workspace.states()
        steps = []
        for i, (key, label) in enumerate(STEPS):
            mark, style = STATE_MARKS[states.states[key]]
            text = Text()
            text.append(f"{mark} ", style=style)
            text.append(f"{i + 1} {label}")
            steps.append((key, text))
        self.step_reasons = states.reasons
        box.set_steps(steps)

    def update_topbar(self) -> None:
        ws = self.workspace
        text = Text()
        text.append(" 讲稿助手 ", style="bold reverse")
        text.append(f" {draft_title(ws.draft) or '（新讲稿）'} ")
        if ws.phrasebank is None:
            text.append("　素材库加载中…", style="dim")
        else:
            text.append(f"　素材库 {len(ws.phrasebank.phrases)} 条", style="dim")
        text.append("　F1 帮助　Ctrl+P 命令", style="dim")
        with contextlib.suppress(NoMatches):  # the top bar is not mounted yet at start-up
            self.query_one("#topbar", Static).update(text)

    def step(self, key: str) -> Any:
        """The panel of a step, or None while it has not been shown yet (steps mount on first visit)."""
        try:
            return self.query_one(f"#{key}", Step)
        except NoMatches:
            return None

    @property
    def current_step(self) -> str:
        return self.query_one("#switcher", ContentSwitcher).current or "meeting"

    def show_step(self, key: str, *, focus: bool = True, then: Callable[[Any], None] | None = None) -> None:
        """Show a step (mounting it on its first visit), then call ``then(step)``."""
        if self.step(key) is None:
            if focus:
                # keys typed before the new step is mounted must not reach the old one
                # (an Enter meant for 导出 would re-pick the structure)
                self.set_focus(None)
            self.call_later(self._mount_and_show, key, focus, then)
            return
        self._show_mounted(key, focus, then)

    async def _mount_and_show(self, key: str, focus: bool, then: Callable[[Any], None] | None) -> None:
        if self.step(key) is None:
            await self.query_one("#switcher", ContentSwitcher).mount(step_class(key)(self.workspace, id=key))
        self._show_mounted(key, focus, then)

    def _show_mounted(self, key: str, focus: bool, then: Callable[[Any], None] | None) -> None:
        self.query_one("#switcher", ContentSwitcher).current = key
        step = self.query_one(f"#{key}", Step)
        step.refresh_from_draft()
        self.query_one("#steps", StepList).highlight(STEP_KEYS.index(key))
        if focus:
            step.focus_main()
        if then is not None:
            then(step)

    def on_show_step(self, message: m.ShowStep) -> None:
        index = STEP_KEYS.index(self.current_step)
        if message.key == "next":
            self.show_step(STEP_KEYS[min(index + 1, len(STEP_KEYS) - 1)])
        elif message.key == "prev":
            self.show_step(STEP_KEYS[max(index - 1, 0)])
        elif message.focus or message.key != self.current_step:
            # the sidebar moved (focus=False: show the step, stay in the sidebar) or chose (Enter, click)
            self.show_step(message.key, focus=message.focus)

    def action_go(self, index: int) -> None:
        self.show_step(STEP_KEYS[index])

    def action_next_step(self) -> None:
        self.post_message(m.ShowStep("next"))

    def action_prev_step(self) -> None:
        self.post_message(m.ShowStep("prev"))

    def on_jump_to_finding(self, message: m.JumpToFinding) -> None:
        path = _finding_path(message.finding, self.workspace.draft)
        self.show_step(_finding_step(message.finding), then=lambda step: step.jump_to(path))

    # ------------------------------------------------------------ structures
    def on_choose_structure(self, message: m.ChooseStructure) -> None:
        self.choose_structure(message.option_id)

    def choose_structure(self, option_id: str) -> None:
        """Prefill the draft from a structure choice (asks before replacing sections)."""
        ws = self.workspace
        if not ws.phrasebank_ready:
            self._pending_choice = option_id
            self.notify("素材库加载中，稍候自动预填……")
            return

        meeting = dict(ws.draft.meeting)

        def work() -> None:
            try:
                suggested, _lines = ws.suggest(option_id, meeting)
            except Exception as exc:
                self.post_message(m.LoadFailed(*_failure("预填结构", exc)))
                return
            warnings = ws.suggest_warnings.get(option_id, [])
            self.post_message(m.Resuggested(suggested, warnings, meeting, option_id))

        if option_id in ws.suggest_cache:
            self._offer_draft(ws.suggest_cache[option_id][0], ws.suggest_warnings.get(option_id, []))
        else:
            self.run_worker(work, thread=True, group="choose", exit_on_error=False)

    def on_reshuffle(self, message: m.Reshuffle) -> None:
        self.action_reshuffle()

    def action_reshuffle(self) -> None:
        """换一批: the whole draft suggested again (another equally valid draft)."""
        if not self.workspace.phrasebank_ready:
            self.notify("素材库加载中，请稍候再换一批", severity="warning")
            return
        self.run_worker(
            partial(loaders.reshuffle, self.workspace, dict(self.workspace.draft.meeting), self.post_message),
            thread=True,
            exclusive=True,
            group="choose",
            exit_on_error=False,
        )

    def on_resuggested(self, message: m.Resuggested) -> None:
        if message.meeting is not None and message.meeting != self.workspace.draft.meeting:
            # suggested for meeting details changed since (a worker cannot be stopped): ask again
            if message.option_id is not None:
                self.choose_structure(message.option_id)
            else:
                self.action_reshuffle()
            return
        self._offer_draft(message.draft, message.warnings)

    def _offer_draft(self, suggested: Any, warnings: list[str]) -> None:
        """Take a suggested draft (asking first when there are sections to replace)."""
        ws = self.workspace

        def replace(yes: bool | None) -> None:
            if not yes:
                return
            ws.apply_suggestion(suggested)
            self.draft_changed()
            for step in self.query(Step):
                step.refresh_from_draft()
            self.refresh_sidebar()
            self.notify(
                f"已预填 {len(ws.draft.sections)} 节，可逐步修改，或直接导出（按 6）；不满意可按 F6 换一批"
            )
            for warning in warnings:
                self.notify(warning, severity="warning", markup=False, timeout=10)
            self.run_worker(
                partial(loaders.find_repeats, ws, copy.deepcopy(ws.draft), ws.phrasebank, self.post_message),
                thread=True,
                group="repeats",
                exclusive=True,
                exit_on_error=False,
            )

        if ws.draft.sections:
            self.push_screen(
                _screens().ConfirmScreen("用新的草稿替换当前的章节和内容？（会议信息保留）"), replace
            )
        else:
            replace(True)

    def on_repeats_earlier(self, message: m.RepeatsEarlier) -> None:
        title, share = message.found[0]
        more = f"等 {len(message.found)} 篇" if len(message.found) > 1 else ""
        self.notify(
            f"这份草稿与以前的草稿“{title}”{more}有 {share:.0%} 的句子相同；"
            "可在“选择结构”按 F6 换一批，或在“标题”“内容”中按 F5 换一个。",
            severity="warning",
            markup=False,
            timeout=12,
        )

    # ------------------------------------------------------------ export
    def on_export_requested(self, message: m.ExportRequested) -> None:
        self.export(
            message.path_text,
            message.fmt,
            allow_blanks=message.allow_blanks,
            heading_separator=message.heading_separator,
        )

    def export(
        self, path_text: str, fmt: str, *, allow_blanks: bool = False, heading_separator: bool = False
    ) -> None:
        from drafter.workspace import resolve_export_path

        ws = self.workspace
        try:
            path = resolve_export_path(path_text, fmt)
        except DrafterError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        if not ws.phrasebank_ready:
            self.notify("素材库还在加载，请稍候再导出", severity="warning")
            return

        def go(force: bool | None) -> None:
            if force is None or (path.exists() and not force):
                return
            self._save_now()
            self._separator = heading_separator
            self._run_export(path, fmt, bool(force), allow_blanks)

        if path.exists():
            self.push_screen(_screens().ConfirmScreen(f"文件已存在，覆盖吗？\n{path}", yes="覆盖"), go)
        else:
            go(False)

    def _run_export(self, path: Path, fmt: str, force: bool, allow_blanks: bool) -> None:
        ws = self.workspace
        draft, bank = copy.deepcopy(ws.draft), ws.phrasebank
        self.run_worker(
            partial(
                loaders.export,
                ws,
                draft,
                bank,
                path,
                fmt,
                force=force,
                allow_blanks=allow_blanks,
                heading_separator=self._separator,
                post=self.post_message,
            ),
            thread=True,
            exclusive=True,
            group="export",
            exit_on_error=False,
        )

    def on_export_progress(self, message: m.ExportProgress) -> None:
        if step := self.step("export"):
            step.show_progress(message.done, message.message)

    def on_export_failed(self, message: m.ExportFailed) -> None:
        if message.error is not None:
            if step := self.step("export"):
                step.show_progress(0, "导出失败：出现了程序问题（不是您的材料有误）")
            self.post_message(m.LoadFailed(message.message, message.error))
            return
        if step := self.step("export"):
            step.show_progress(0, message.message)
        else:
            self.notify(message.message, severity="error", markup=False, timeout=10)

    def on_export_finished(self, message: m.ExportFinished) -> None:
        result = message.result
        if result.path is None:
            self._ask_missing(result.missing, message.path, message.fmt, message.force)
            return
        out = result.path
        try:
            self.workspace.mark_exported(out)
        except DrafterError as exc:
            self.notify(str(exc), severity="warning", markup=False)
        self.workspace.exported, self.workspace.last_export = True, out
        errors = sum(1 for f in result.findings if f.severity == "error")
        note = f"（检查发现 {errors} 个错误，见“预览与检查”）" if errors else ""
        if step := self.step("export"):
            step.show_progress(3, f"已导出到：{out}{note}")
        self.notify(f"已导出到：{out}", markup=False, timeout=8)
        if self.is_web:
            # in a browser (drafter serve) the file written on the server also goes to the writer's machine
            self._deliver(out, message.fmt)
        self.refresh_sidebar()

    def _deliver(self, out: Path, fmt: str) -> None:
        from drafter.export import MEDIA_TYPES  # already loaded by the export worker (0.22 s cold)

        try:
            data = out.read_bytes()
        except OSError as exc:
            self.notify(f"无法把文件交给浏览器下载：{exc.strerror or exc}", severity="error", markup=False)
            return
        self.deliver_binary(io.BytesIO(data), save_filename=out.name, mime_type=MEDIA_TYPES.get(fmt))
        self.notify(f"已交给浏览器下载：{out.name}", markup=False, timeout=8)

    def _ask_missing(self, names: list[str], path: Path, fmt: str, force: bool) -> None:
        from drafter.model import MEETING_FIELDS
        from drafter.workspace import missing_meeting_fields

        if step := self.step("export"):
            step.show_progress(0, f"还有填空没有值：{'、'.join(names)}")

        def answer(choice: str | None) -> None:
            if choice == "blanks":
                if step := self.step("export"):
                    step.set_allow_blanks(True)
                self._run_export(path, fmt, force, True)
            elif choice == "fill":
                fields = missing_meeting_fields(names)
                if fields:
                    self.show_step("meeting", focus=False, then=lambda step: step.focus_field(fields[0]))
                else:
                    self.show_step("content")
                    self.notify(f"请在“内容”中给这些填空填值：{'、'.join(names)}", markup=False, timeout=8)

        self.push_screen(_screens().MissingValuesScreen(names, list(MEETING_FIELDS)), answer)

    def action_export_now(self) -> None:
        self.show_step("export", then=lambda step: step.start())

    # ------------------------------------------------------------ commands
    def action_save(self) -> None:
        """Ctrl+S: write back to the opened file, or autosave now; a failure offers 另存为 (never exits)."""
        ws = self.workspace
        if ws.origin is not None:
            try:
                ws.save_to_origin()
            except DrafterError as exc:
                self._offer_save_as(f"未能保存：{exc}")
                return
            ws.touched = True
            self._save_now()
            self.notify(f"已保存到：{ws.origin}", markup=False)
            return
        ws.touched = True
        reason = self._save_now()
        if reason:
            self._offer_save_as(f"草稿未能保存：{reason}")
        elif ws.spec_path is not None:
            self.notify(f"已保存到：{ws.spec_path}", markup=False)

    def _offer_save_as(self, reason: str, then: Callable[[], None] | None = None) -> None:
        """Ask for another place to save the draft; ``then`` runs once it is saved there."""

        def chosen(path_text: str | None) -> None:
            if not path_text:
                return
            try:
                saved = self.workspace.save_as(path_text)
            except DrafterError as exc:
                self._offer_save_as(f"未能保存：{exc}", then)
                return
            self.notify(f"已另存到：{saved}", markup=False, timeout=8)
            if then is not None:
                then()

        default = str(Path.home() / f"{draft_title(self.workspace.draft) or '讲话稿'}.yaml")
        self.push_screen(_screens().SaveAsScreen(reason, default), chosen)

    def action_save_as(self) -> None:
        self._offer_save_as("把草稿另存到别处（例如 U 盘或共享文件夹）")

    def action_new(self) -> None:
        def go(yes: bool | None) -> None:
            if yes:
                self._save_now()
                self.new_draft()
                self.show_step("meeting")

        if self.workspace.touched and not self.workspace.exported:
            self.push_screen(
                _screens().ConfirmScreen("新建讲稿？当前草稿已自动保存，可以之后从“打开”找回。"), go
            )
        else:
            go(True)

    def action_open(self) -> None:
        self.push_screen(_screens().OpenScreen(self.workspace.recent_drafts()), self._open_chosen)

    def _open_chosen(self, path: str | None) -> None:
        if path:
            self._save_now()
            try:
                target = Path(path).expanduser()
            except RuntimeError:
                self.notify(f"无法展开路径中的 ~：{path}", severity="error", markup=False)
                return
            if self.open_path(target):
                self.show_step("meeting")

    def on_open_draft(self, message: m.OpenDraft) -> None:
        self._open_chosen(str(message.path))

    def action_toggle_theme(self) -> None:
        self.theme = "textual-light" if self.theme == "textual-dark" else "textual-dark"

    def on_add_phrase_requested(self, message: m.AddPhraseRequested) -> None:
        functions, topics = self.workspace.phrase_vocabulary()
        self.push_screen(
            _screens().AddPhraseScreen(message.text, functions, topics, message.role), self._add_phrase_done
        )

    def action_add_phrase(self) -> None:
        content = self.step("content")
        if content is None or self.current_step != "content":
            self.notify("请先在“内容”步骤的编辑框中选中要加入素材库的文字", severity="warning")
            return
        content.action_add_to_phrasebank()

    def _add_phrase_done(self, new: Any) -> None:
        if new is None:
            return
        self.run_worker(
            partial(
                loaders.add_phrase,
                self.workspace,
                new.role,
                new.function,
                new.text,
                new.topics,
                self.post_message,
            ),
            thread=True,
            group="add-phrase",
            exit_on_error=False,
        )

    def on_phrase_added(self, message: m.PhraseAdded) -> None:
        result = message.result
        self.notify(f"已加入素材库：{result.id}（{result.file}）", markup=False, timeout=8)
        for warning in getattr(result, "warnings", []) or []:
            self.notify(str(warning), severity="warning", markup=False, timeout=8)
        self.workspace.set_phrasebank(message.bank, message.index)
        self._settle_heap()
        self.update_topbar()
        if content := self.step("content"):
            content.run_search()

    def on_copy_requested(self, message: m.CopyRequested) -> None:
        self.action_copy_all()

    def action_copy_all(self) -> None:
        """复制全文: the whole speech (as last checked) to the clipboard, to paste into WPS or Word."""
        text = self.workspace.text
        if not text:
            self.notify("全文还在生成（或还没有内容），请稍候再复制", severity="warning")
            return
        self.copy_to_clipboard(text)
        chars = sum(1 for ch in text if not ch.isspace())
        self.notify(f"已复制全文（{chars} 字），可粘贴到 WPS 或 Word", timeout=5)

    def on_insert_phrase(self, message: m.InsertPhrase) -> None:
        def insert(step: Any) -> None:
            step.insert_phrase(message.phrase_id)

        self.show_step("content", then=insert)

    def on_jump_to_section(self, message: m.JumpToSection) -> None:
        self.show_step("content", then=lambda step: step.jump_to(message.path))

    def action_review(self) -> None:
        self.post_message(m.ReviewRequested())

    def on_review_requested(self, message: m.ReviewRequested) -> None:
        from drafter.tui.screens.review import ReviewScreen

        self.push_screen(ReviewScreen(), self._review_done)

    def _review_done(self, accepted: int | None) -> None:
        if accepted:
            self.run_worker(
                partial(loaders.load_core, self.workspace, self.post_message),
                thread=True,
                group="load",
                exit_on_error=False,
            )

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)  # Textual's own: theme, keys, maximize, screenshot
        yield SystemCommand("保存", "保存草稿（Ctrl+S）", self.action_save)
        yield SystemCommand("另存为", "把草稿另存到别处", self.action_save_as)
        yield SystemCommand("导出", "导出为 Word/Markdown/纯文本（Ctrl+T）", self.action_export_now)
        yield SystemCommand("换一批", "按同一模板重新预填整篇草稿，换一批素材（F6）", self.action_reshuffle)
        yield SystemCommand("复制全文", "把讲话稿全文复制到剪贴板，可粘贴到 WPS", self.action_copy_all)
        yield SystemCommand("新建", "新建一篇讲稿", self.action_new)
        yield SystemCommand("打开", "打开草稿文件或最近的草稿（Ctrl+O）", self.action_open)
        yield SystemCommand("加入素材库", "把编辑框中选中的文字加入素材库（Ctrl+L）", self.action_add_phrase)
        yield SystemCommand(
            "素材审核", "逐条或成批采用、舍弃从往年讲话中挖出的语句（Ctrl+R）", self.action_review
        )
        yield SystemCommand("切换主题", "在深色与浅色之间切换", self.action_toggle_theme)
        yield SystemCommand("帮助", "按键一览（F1）", self.action_help)
        yield SystemCommand("退出", "退出讲稿助手（Ctrl+Q）", self.action_quit)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # While a dialog is open its own keys win (Ctrl+S in 加入素材库, digits in inputs ...).
        if action in GLOBAL_ACTIONS and isinstance(self.screen, ModalScreen):
            return False
        return True

    def action_help(self) -> None:
        from drafter.tui.keys import help_keys
        from drafter.tui.screens.help import HelpScreen

        self.push_screen(HelpScreen(help_keys(self.BINDINGS, PALETTE)))

    async def action_help_quit(self) -> None:
        """Ctrl+C outside a text field quits too (in a field it copies)."""
        await self.action_quit()

    async def action_quit(self) -> None:
        """Quit, telling the truth: the draft is saved (and where), or it is not, with 另存为 offered."""
        ws = self.workspace
        if self._quit_confirmed:
            self._save_now()
            self.exit(0)
            return
        reason = self._save_now() if ws.touched else None
        if reason is None and (not ws.touched or ws.exported):
            self.exit(0)
            return

        def quit_now() -> None:
            self._quit_confirmed = True
            self.exit(0)

        if reason is not None:

            def answer(choice: str | None) -> None:
                if choice == "quit":
                    quit_now()
                elif choice == "save_as":
                    self._offer_save_as(f"草稿未能保存：{reason}", then=quit_now)

            self.push_screen(
                _screens().QuitScreen(
                    f"草稿未能保存：{reason}\n\n可以另存到别处（按 S），或者不保存直接退出（按 Y，本次修改会丢失）。",
                    unsaved=True,
                ),
                answer,
            )
            return

        def go(yes: bool | None) -> None:
            if yes:
                quit_now()

        self.push_screen(
            _screens().ConfirmScreen(
                f"这篇讲稿还没有导出。确定退出吗？（草稿已自动保存到 {ws.spec_path}，下次启动可继续）",
                yes="退出",
            ),
            go,
        )


def _failure(what: str, exc: BaseException) -> tuple[str, BaseException | None]:
    """A worker's failure as ``LoadFailed`` fields: a ``DrafterError`` is a notice; anything else a defect
    (``what`` was being done: it goes into the crash report)."""
    if isinstance(exc, DrafterError):
        return str(exc), None
    return what, exc


def _saved_label(saved: bool | None) -> str:
    return {True: "saved", False: "not saved", None: "none"}[saved]


def make_app(draft_path: str | os.PathLike[str] | None = None, **kwargs: Any) -> DrafterApp:
    return DrafterApp(draft_path, **kwargs)
