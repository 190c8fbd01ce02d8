"""The drafting wizard: ``drafter`` with no arguments.

A thin shell over the core: the draft is a ``model.Draft``; every change is
autosaved (``drafter.session``) and re-linted in a worker; the phrasebank,
its search index, the templates and the corpus structures load in thread
workers so the first screen is interactive at once.
"""

from __future__ import annotations

import copy
import gc
import os
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.css.query import NoMatches
from textual.screen import ModalScreen, Screen
from textual.widgets import ContentSwitcher, OptionList, Static

from drafter.errors import DrafterError
from drafter.model import Draft
from drafter.tui.base import Step
from drafter.tui.keybar import KeyBar
from drafter.tui.meeting import MeetingStep
from drafter.tui.steplist import StepList
from drafter.workspace import session

if TYPE_CHECKING:
    from drafter.tui.screens import KeyHelp, NewPhrase

STATE_MARKS = {
    session.DONE: ("✓", "green"),
    session.ATTENTION: ("!", "yellow"),
    session.PENDING: ("·", "dim"),
}

# Keys that belong to widgets rather than to the app, for the help screen: (key, description, where).
WIDGET_KEYS = (
    ("Tab / Shift+Tab", "在输入框、列表和按钮之间移动", "通用"),
    ("↑ ↓ / 回车", "在列表中移动 / 选用", "通用"),
    ("Esc", "关闭对话框", "通用"),
    ("Ctrl+Z / Ctrl+Y", "撤销 / 重做（自拟文字编辑框）", "内容"),
    ("Shift+←→↑↓", "选中文字（自拟文字编辑框），再按 Ctrl+L 加入素材库", "内容"),
    ("Ctrl+C / Ctrl+X / Ctrl+V", "复制 / 剪切 / 粘贴", "通用"),
)

SEARCH_LIMIT = 30  # results shown per query (more only slows the list down)
LINT_DELAY = 0.3  # seconds without changes before re-linting (typing never waits on it)

GLOBAL_ACTIONS = {"save", "export_now", "prev_step", "next_step", "open", "go", "help"}

KEY_NAMES = {
    "up": "↑",
    "down": "↓",
    "left": "←",
    "right": "→",
    "delete": "Delete",
    "enter": "回车",
    "escape": "Esc",
}


def _screens() -> Any:
    """The dialog screens (imported when first needed, to keep start-up short)."""
    import drafter.tui.screens as screens

    return screens


def key_label(key: str) -> str:
    """``ctrl+s`` -> ``Ctrl+S``, ``shift+up`` -> ``Shift+↑``."""
    labels = []
    for k in key.split(",")[0].split("+"):
        if k in ("ctrl", "shift", "alt"):
            labels.append(k.capitalize())
        elif k in KEY_NAMES:
            labels.append(KEY_NAMES[k])
        else:
            labels.append(k.upper())
    return "+".join(labels)


class DrafterApp(App[int]):
    """The wizard.  ``draft_path`` opens a draft spec; ``resume`` offers autosaved drafts."""

    CSS_PATH = str(Path(__file__).with_name("app.tcss"))
    TITLE = "讲稿助手"
    ENABLE_COMMAND_PALETTE = True
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
        self.corpus = list(corpus) if corpus is not None else None
        self.draft: Draft = Draft()
        self.spec_path: Path | None = None
        self.origin: Path | None = None
        self.exported = False
        self.touched = False
        self.phrasebank: Any = None
        self.index: Any = None
        self.templates: list[Any] = []
        self.structures: list[Any] = []
        self.structures_loaded = False
        self.findings: list[Any] = []
        self.markdown = ""
        self.lint_ready = False
        self.last_export: Path | None = None
        self._core_ready = threading.Event()
        self._save_lock = threading.Lock()
        self._save_serial = 0
        self._saved_serial = 0
        self._dirty_save = False
        self._dirty_lint = False
        self._dirty_profile = False
        self._suggest_cache: dict[str, tuple[Draft, list[str]]] = {}
        self._crash: str | None = None
        self._quit_confirmed = False
        self._last_change = 0.0
        self._profile_pending = False
        self.needed_meeting: list[str] = []

    # ------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        yield Static("", id="topbar")
        with Horizontal(id="body"):
            yield StepList(self._step_chosen, id="steps")
            with ContentSwitcher(id="switcher", initial="meeting"):
                # Only the first step now: the others are mounted once the first screen is up.
                yield MeetingStep(id=MeetingStep.key)
        yield KeyBar(id="keybar")

    def on_mount(self) -> None:
        self.start_draft()  # shows the draft in the first step and the sidebar
        if self.draft_path is not None:
            self.show_step("meeting")
        self.set_interval(0.4, self._tick)

    def on_ready(self) -> None:
        """The first screen is up: once it is painted, start loading and offer to resume."""
        self.call_after_refresh(self._after_first_paint)

    def _after_first_paint(self) -> None:
        self._fill_profile()
        self.run_worker(self._load_core, thread=True, group="load", exit_on_error=False)
        self.run_worker(self._load_structures, thread=True, group="corpus", exit_on_error=False)
        if self.draft_path is None and self.offer_resume:
            records = [r for r in session.recent_drafts() if r.path != self.spec_path]
            if records and self.touched:
                # the writer has started typing: do not interrupt with a dialog
                self.notify(f"有 {len(records)} 篇自动保存的草稿，可按 Ctrl+O 打开继续", timeout=8)
            elif records:
                from drafter.tui.screens import ResumeScreen

                self.push_screen(ResumeScreen(records), self._resume_chosen)

    def start_draft(self) -> None:
        if self.draft_path is not None:
            if self.open_path(self.draft_path):
                return
        # The profile (a YAML file) is read once the first screen is up: see _fill_profile.
        self.new_draft(profile=False)
        self._profile_pending = True

    def _read_profile(self) -> dict[str, str]:
        try:
            return session.load_profile()
        except DrafterError as exc:
            self.notify(str(exc), severity="warning", markup=False)
            return {}

    def new_draft(self, *, profile: bool = True) -> None:
        self._profile_pending = False
        values = self._read_profile() if profile else {}
        self.set_draft(session.blank_draft(values), spec=None, origin=None, exported=False)

    def _fill_profile(self) -> None:
        """Fill the start-up draft's empty 地区/讲话人/职务 from the saved profile.

        Fields the writer has typed into meanwhile keep what they typed.
        """
        if not self._profile_pending:
            return
        self._profile_pending = False
        profile = self._read_profile()
        filled = session.apply_profile(self.draft.meeting, profile)
        if filled == self.draft.meeting:
            return
        self.draft.meeting.update(filled)
        if meeting := self.step("meeting"):
            meeting.refresh_from_draft()
        self.refresh_sidebar()
        self.update_topbar()

    def set_draft(self, draft: Draft, *, spec: Path | None, origin: Path | None, exported: bool) -> None:
        self.draft = draft
        self._profile_pending = False
        self.needed_meeting = []
        self.spec_path = spec
        self.origin = origin
        self.exported = exported
        self.touched = False
        self.findings = []
        self.lint_ready = False
        self._dirty_lint = True
        self._suggest_cache.clear()
        for step in self.query(Step):
            step.refresh_from_draft()
        self.refresh_sidebar()
        self.update_topbar()

    def open_path(self, path: Path) -> bool:
        try:
            draft, problems = session.open_draft(path)
        except DrafterError as exc:
            self.notify(str(exc), severity="error", markup=False, timeout=8)
            return False
        autosaved = path.resolve().parent == session.user_drafts_dir().resolve()
        if autosaved:
            self.set_draft(draft, spec=path, origin=None, exported=session.is_exported(path))
        else:
            self.set_draft(draft, spec=None, origin=path, exported=False)
            self.touched = True
            self._dirty_save = True
        for problem in problems[:3]:
            self.notify(str(problem), severity="warning", markup=False, timeout=8)
        if len(problems) > 3:
            self.notify(f"另有 {len(problems) - 3} 个问题，可在“预览与检查”中查看", severity="warning")
        return True

    def _resume_chosen(self, record: Any) -> None:
        if record is None:
            return
        if self.open_path(record.path):
            self.notify(f"已恢复：{record.title or record.path.name}", markup=False)

    # ------------------------------------------------------------ background loading
    def _load_core(self) -> None:
        try:
            from drafter.drafting import list_templates

            templates = list_templates()
            self.call_from_thread(self._templates_loaded, templates)
            from drafter.phrasebank import load_phrasebank

            bank = load_phrasebank()
            index = bank.index
            from drafter.phrasebank import warm_up

            warm_up()
            self.call_from_thread(self._phrasebank_loaded, bank, index)
        except DrafterError as exc:
            self.call_from_thread(
                self.notify, f"素材库加载失败：{exc}", severity="error", markup=False, timeout=10
            )
        except Exception as exc:  # never a traceback for the writer
            self.call_from_thread(self._internal_error, "加载素材库", exc)
        finally:
            self._core_ready.set()

    def _templates_loaded(self, templates: list[Any]) -> None:
        self.templates = [t for t in templates if not getattr(t, "problem", None)]
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
        if getattr(self, "_heap_frozen", False):
            gc.unfreeze()
            self._heap_frozen = False

    def _phrasebank_loaded(self, bank: Any, index: Any) -> None:
        self.phrasebank = bank
        self.index = index
        self._settle_heap()
        errors = [p for p in bank.problems if getattr(p, "severity", "error") == "error"]
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
            step.refresh_from_draft()
        if content := self.step("content"):
            content.run_search()
        if structure := self.step("structure"):
            option = structure.query_one("#structure-choices", OptionList).highlighted_option
            if option is not None and option.id and option.id != "loading":
                self.preview_choice(option.id)

    def _load_structures(self) -> None:
        try:
            from drafter.mine import structures
            from drafter.roles import load_labelled_corpus
            from drafter.util import seeds_dir

            paths = self.corpus if self.corpus is not None else [seeds_dir()]
            found = structures(load_labelled_corpus(paths).speeches) if paths else []
            self.call_from_thread(self._structures_loaded, found)
        except DrafterError as exc:
            self.call_from_thread(self._structures_loaded, [])
            self.call_from_thread(self.notify, f"语料读取失败：{exc}", severity="warning", markup=False)
        except Exception as exc:
            self.call_from_thread(self._structures_loaded, [])
            self.call_from_thread(self._internal_error, "挖掘语料结构", exc)

    def _structures_loaded(self, found: list[Any]) -> None:
        self.structures = found
        self.structures_loaded = True
        if structure := self.step("structure"):
            structure.refresh_choices()

    @property
    def phrasebank_ready(self) -> bool:
        return self.phrasebank is not None

    @property
    def heading_sets(self) -> dict[str, Any]:
        return self.phrasebank.heading_sets if self.phrasebank is not None else {}

    def _internal_error(self, what: str, exc: BaseException) -> None:
        if os.environ.get("DRAFTER_DEBUG") or self.is_headless:
            raise exc
        self.notify(
            f"{what}时出现内部错误：{type(exc).__name__}: {exc}", severity="error", markup=False, timeout=15
        )

    def _handle_exception(self, error: Exception) -> None:
        if isinstance(error, DrafterError):
            self.notify(str(error), severity="error", markup=False, timeout=10)
            return
        if os.environ.get("DRAFTER_DEBUG") or self.is_headless:
            super()._handle_exception(error)
            return
        self._crash = f"{type(error).__name__}: {error}"
        self._flush_autosave()
        self.exit(70)

    # ------------------------------------------------------------ changes, autosave, lint
    def draft_changed(self, *, meeting: bool = False) -> None:
        """A step changed the draft: autosave and re-lint soon."""
        self.touched = True
        self._dirty_save = True
        self._dirty_lint = True
        self._last_change = time.monotonic()
        if meeting:
            self._suggest_cache.clear()
            self._dirty_profile = True
            self.update_topbar()
            self.refresh_sidebar()

    def _tick(self) -> None:
        if self._dirty_save:
            self._dirty_save = False
            self._start_autosave()
        if self._dirty_lint and self.phrasebank_ready and time.monotonic() - self._last_change > LINT_DELAY:
            self._dirty_lint = False
            self._start_lint()

    def _snapshot(self) -> tuple[Path, str, str, dict[str, str] | None]:
        if self.spec_path is None:
            self.spec_path = session.new_autosave_path()
        text = session.draft_yaml(self.draft)
        profile = dict(self.draft.meeting) if self._dirty_profile else None
        self._dirty_profile = False
        return self.spec_path, text, session.draft_title(self.draft), profile

    def _start_autosave(self) -> None:
        if not self.touched:
            return
        try:
            spec, text, title, profile = self._snapshot()
        except DrafterError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        self._save_serial += 1
        serial = self._save_serial
        origin = str(self.origin) if self.origin else None
        self.run_worker(
            lambda: self._write_autosave(serial, spec, text, title, origin, profile),
            thread=True,
            group="autosave",
            exit_on_error=False,
        )

    def _write_autosave(
        self,
        serial: int,
        spec: Path,
        text: str,
        title: str,
        origin: str | None,
        profile: dict[str, str] | None,
    ) -> None:
        try:
            with self._save_lock:
                if serial < self._saved_serial:
                    return
                session.autosave_text(spec, text, title, origin)
                self._saved_serial = serial
            if profile is not None:
                session.save_profile(profile)
        except DrafterError as exc:
            self.call_from_thread(self.notify, f"自动保存失败：{exc}", severity="error", markup=False)

    def _flush_autosave(self) -> None:
        """Write the draft now (on the calling thread)."""
        if not self.touched:
            return
        try:
            spec, text, title, profile = self._snapshot()
            with self._save_lock:
                self._save_serial += 1
                session.autosave_text(spec, text, title, str(self.origin) if self.origin else None)
                self._saved_serial = self._save_serial
            if profile is not None:
                session.save_profile(profile)
            self._dirty_save = False
        except DrafterError as exc:
            self.notify(f"自动保存失败：{exc}", severity="error", markup=False)

    def _start_lint(self) -> None:
        draft = copy.deepcopy(self.draft)
        bank = self.phrasebank
        self.run_worker(
            lambda: self._lint(draft, bank), thread=True, exclusive=True, group="lint", exit_on_error=False
        )

    def _lint(self, draft: Draft, bank: Any) -> None:
        try:
            from drafter.drafting import render_speech
            from drafter.export import speech_to_markdown
            from drafter.lint import lint_speech

            speech = render_speech(draft, bank, allow_blanks=True)
            findings = lint_speech(speech, year=session.meeting_year(draft.meeting), draft=True)
            markdown = speech_to_markdown(speech)
            missing = session.missing_values(markdown)
        except DrafterError as exc:
            from drafter.lint import Finding

            findings = [Finding("render", "error", exc.message, exc.file or "草稿", exc.line)]
            markdown = f"**无法生成全文**：{exc}"
            missing = []
        except Exception as exc:
            self.call_from_thread(self._internal_error, "检查草稿", exc)
            return
        self.call_from_thread(self._lint_done, findings, markdown, missing)

    def _lint_done(self, findings: list[Any], markdown: str, missing: list[str] | None = None) -> None:
        self.findings = findings
        self.markdown = markdown
        self.lint_ready = True
        # meeting fields the chosen phrases use but that are empty: marked on the 会议信息 step
        self.needed_meeting = session.missing_meeting_fields(missing or [])
        if meeting := self.step("meeting"):
            meeting.show_needed(set(self.needed_meeting))
        self.refresh_sidebar()
        if headings := self.step("headings"):
            headings.show_lint()
        if preview := self.step("preview"):
            preview.show_findings()
            self.run_worker(
                preview.show_markdown(markdown), group="markdown", exclusive=True, exit_on_error=False
            )

    # ------------------------------------------------------------ sidebar and steps
    def refresh_sidebar(self) -> None:
        try:
            box = self.query_one("#steps", StepList)
        except NoMatches:
            return
        states = session.step_states(self.draft, self.findings if self.lint_ready else [], self.exported)
        needed = [n for n in self.needed_meeting if not (self.draft.meeting.get(n) or "").strip()]
        if needed and self.lint_ready:
            states.states["meeting"] = session.ATTENTION
            states.reasons["meeting"].append(f"所选内容要用到：{'、'.join(needed)}")
        steps = []
        for i, (key, label) in enumerate(session.STEPS):
            mark, style = STATE_MARKS[states.states[key]]
            text = Text()
            text.append(f"{mark} ", style=style)
            text.append(f"{i + 1} {label}")
            steps.append((key, text))
        self.step_reasons = states.reasons
        box.set_steps(steps)

    def update_topbar(self) -> None:
        text = Text()
        text.append(" 讲稿助手 ", style="bold reverse")
        title = session.draft_title(self.draft)
        text.append(f" {title or '（新讲稿）'} ")
        if self.phrasebank is None:
            text.append("　素材库加载中…", style="dim")
        else:
            text.append(f"　素材库 {len(self.phrasebank.phrases)} 条", style="dim")
        text.append("　F1 帮助　Ctrl+P 命令", style="dim")
        if text == getattr(self, "_topbar_text", None):
            return
        self._topbar_text = text
        try:
            self.query_one("#topbar", Static).update(text)
        except Exception:
            pass

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
            self.call_later(self._mount_and_show, key, focus, then)
            return
        self._show_mounted(key, focus, then)

    async def _mount_and_show(self, key: str, focus: bool, then: Callable[[Any], None] | None) -> None:
        if self.step(key) is None:
            from drafter.tui.steps import STEP_CLASSES

            cls = next(c for c in STEP_CLASSES if c.key == key)
            await self.query_one("#switcher", ContentSwitcher).mount(cls(id=key))
        self._show_mounted(key, focus, then)

    def _show_mounted(self, key: str, focus: bool, then: Callable[[Any], None] | None) -> None:
        switcher = self.query_one("#switcher", ContentSwitcher)
        switcher.current = key
        step = self.query_one(f"#{key}", Step)
        step.refresh_from_draft()
        self.query_one("#steps", StepList).highlight(session.STEP_KEYS.index(key))
        if focus:
            step.focus_main()
        if then is not None:
            then(step)

    def _step_chosen(self, key: str, focus: bool) -> None:
        """The sidebar moved (focus=False: show the step, stay in the sidebar) or chose (Enter, click)."""
        if focus or key != self.current_step:
            self.show_step(key, focus=focus)

    def action_go(self, index: int) -> None:
        self.show_step(session.STEP_KEYS[index])

    def action_next_step(self) -> None:
        index = session.STEP_KEYS.index(self.current_step)
        self.show_step(session.STEP_KEYS[min(index + 1, len(session.STEP_KEYS) - 1)])

    def action_prev_step(self) -> None:
        index = session.STEP_KEYS.index(self.current_step)
        self.show_step(session.STEP_KEYS[max(index - 1, 0)])

    def jump_to_finding(self, finding: Any) -> None:
        step_key = session.finding_step(finding)
        path = session.finding_path(finding, self.draft)
        self.show_step(step_key, then=lambda step: step.jump_to(path))

    # ------------------------------------------------------------ structures
    def _suggest(self, option_id: str) -> tuple[Draft, list[str]]:
        """A suggested draft for a structure choice, and its outline lines (worker thread)."""
        from drafter.drafting import suggest_draft

        meeting = dict(self.draft.meeting)
        roles = self.choice_roles(option_id)
        if option_id.startswith("t:"):
            draft = suggest_draft(option_id[2:], meeting, self.phrasebank)
        else:
            draft = session.draft_for_structure(roles, self.templates, meeting, self.phrasebank)
        lines = []
        for path, section in session.iter_section_paths(draft):
            heading = session.display_heading(section, self.phrasebank.heading_sets)
            lines.append("　" * (len(path) - 1) + session.section_marker(path) + heading)
        return draft, lines

    def choice_roles(self, option_id: str) -> tuple[str, ...]:
        """The section roles of a structure choice (``t:<template>`` or ``m:<index>``)."""
        if option_id.startswith("t:"):
            for info in self.templates:
                if info.name == option_id[2:]:
                    return tuple(getattr(info, "roles", ()) or ())
        elif (
            option_id.startswith("m:")
            and option_id[2:].isdigit()
            and int(option_id[2:]) < len(self.structures)
        ):
            return tuple(self.structures[int(option_id[2:])].roles)
        return ()

    def preview_choice(self, option_id: str) -> None:
        if not self.phrasebank_ready:
            return
        if option_id in self._suggest_cache:
            if structure := self.step("structure"):
                structure.show_preview(option_id, self._suggest_cache[option_id][1])
            return

        def work() -> None:
            result = self._suggest_reporting(option_id)
            if result is not None:
                self.call_from_thread(self._preview_ready, option_id, result)

        self.run_worker(work, thread=True, exclusive=True, group="suggest", exit_on_error=False)

    def _suggest_reporting(self, option_id: str) -> tuple[Draft, list[str]] | None:
        """``_suggest`` in a worker thread; an error becomes an in-app message and None."""
        try:
            return self._suggest(option_id)
        except DrafterError as exc:
            self.call_from_thread(self.notify, str(exc), severity="error", markup=False)
        except Exception as exc:
            self.call_from_thread(self._internal_error, "预填结构", exc)
        return None

    def _preview_ready(self, option_id: str, result: tuple[Draft, list[str]]) -> None:
        self._suggest_cache[option_id] = result
        if structure := self.step("structure"):
            structure.show_preview(option_id, result[1])

    def choose_structure(self, option_id: str) -> None:
        def apply(result: tuple[Draft, list[str]]) -> None:
            def replace(yes: bool | None) -> None:
                if not yes:
                    return
                suggested = copy.deepcopy(result[0])
                meeting = self.draft.meeting
                self.draft.template = suggested.template
                self.draft.title = suggested.title
                self.draft.opening = suggested.opening
                self.draft.sections = suggested.sections
                self.draft.closing = suggested.closing
                self.draft.meeting = meeting
                self.draft_changed()
                for step in self.query(Step):
                    step.refresh_from_draft()
                self.refresh_sidebar()
                self.notify(f"已按所选结构预填 {len(suggested.sections)} 节，可逐步修改，或直接导出（按 6）")

            if self.draft.sections:
                self.push_screen(
                    _screens().ConfirmScreen("用所选结构替换当前的章节和内容？（会议信息保留）"), replace
                )
            else:
                replace(True)

        if option_id in self._suggest_cache:
            apply(self._suggest_cache[option_id])
            return

        def work() -> None:
            self._core_ready.wait()
            if not self.phrasebank_ready:
                self.call_from_thread(self.notify, "素材库没有加载成功，无法预填", severity="error")
                return
            result = self._suggest_reporting(option_id)
            if result is None:
                return
            self.call_from_thread(self._suggest_cache.__setitem__, option_id, result)
            self.call_from_thread(apply, result)

        if not self.phrasebank_ready:
            self.notify("素材库加载中，稍候自动预填……")
        self.run_worker(work, thread=True, group="choose", exit_on_error=False)

    # ------------------------------------------------------------ search
    def search(
        self, serial: int, query: str, role: str | None, function: str | None, topic: str | None
    ) -> None:
        """Answer a search at once, on the UI thread.

        The index is only set once it is built and jieba is warm (``_load_core``), so a search costs a few
        milliseconds even over 50,000 phrases.  Answering inside the keystroke's own handler lets the
        results paint in the same frame as the typed character; a worker would hand them back a frame or
        two later.  While the index is loading the list says so at once.
        """
        content = self.step("content")
        if self.index is None:
            content.show_results(serial, None)
            return
        try:
            hits = self.index.search(query, role=role, function=function, topic=topic, limit=SEARCH_LIMIT)
        except Exception as exc:
            self._internal_error("搜索", exc)
            return
        content.show_results(serial, hits)

    # ------------------------------------------------------------ export
    def export(self, path_text: str, fmt: str, *, allow_blanks: bool = False) -> None:
        path = Path(path_text).expanduser()
        if not path.is_absolute():
            path = Path.cwd() / path
        if session.format_for_path(path, "") != fmt:
            path = session.with_format(path, fmt)
        if not self.phrasebank_ready:
            self.notify("素材库还在加载，请稍候再导出", severity="warning")
            return

        def go(force: bool | None) -> None:
            if force is None or (path.exists() and not force):
                return
            self._flush_autosave()
            draft = copy.deepcopy(self.draft)
            bank = self.phrasebank
            step = self.step("export")
            self.run_worker(
                lambda: self._export(draft, bank, path, fmt, bool(force), allow_blanks, step),
                thread=True,
                exclusive=True,
                group="export",
                exit_on_error=False,
            )

        if path.exists():
            self.push_screen(_screens().ConfirmScreen(f"文件已存在，覆盖吗？\n{path}", yes="覆盖"), go)
        else:
            go(False)

    def _export(
        self, draft: Draft, bank: Any, path: Path, fmt: str, force: bool, allow_blanks: bool, step: Any
    ) -> None:
        try:
            from drafter.drafting import render_speech
            from drafter.export import export_speech
            from drafter.lint import lint_speech

            self.call_from_thread(step.show_progress, 0, "正在生成全文……")
            try:
                speech = render_speech(draft, bank, allow_blanks=allow_blanks)
            except DrafterError:
                if allow_blanks:
                    raise
                from drafter.drafting import render_text

                try:
                    missing = session.missing_values(render_text(draft, bank, allow_blanks=True))
                except DrafterError:
                    missing = []
                if not missing:
                    raise
                # blanks without a value: ask whether to fill them in or export with 【待补】 marks
                self.call_from_thread(step.show_progress, 0, f"还有填空没有值：{'、'.join(missing)}")
                self.call_from_thread(self._ask_missing, missing, path, fmt, force)
                return
            self.call_from_thread(step.show_progress, 1, "正在检查……")
            findings = lint_speech(speech, year=session.meeting_year(draft.meeting), draft=True)
            self.call_from_thread(step.show_progress, 2, "正在写入文件……")
            out = export_speech(speech, path, fmt, force=force)
        except DrafterError as exc:
            self.call_from_thread(step.show_progress, 0, f"导出失败：{exc}")
            self.call_from_thread(self.notify, f"导出失败：{exc}", severity="error", markup=False, timeout=10)
            return
        except Exception as exc:
            self.call_from_thread(step.show_progress, 0, f"导出失败：{type(exc).__name__}: {exc}")
            self.call_from_thread(self._internal_error, "导出", exc)
            return
        self.call_from_thread(self._exported, Path(out), findings)

    def _ask_missing(self, names: list[str], path: Path, fmt: str, force: bool) -> None:
        from drafter.model import MEETING_FIELDS

        def answer(choice: str | None) -> None:
            if choice == "blanks":
                if step := self.step("export"):
                    step.set_allow_blanks(True)
                draft = copy.deepcopy(self.draft)
                bank = self.phrasebank
                step = self.step("export")
                self.run_worker(
                    lambda: self._export(draft, bank, path, fmt, force, True, step),
                    thread=True,
                    exclusive=True,
                    group="export",
                    exit_on_error=False,
                )
            elif choice == "fill":
                fields = session.missing_meeting_fields(names)
                if fields:
                    self.show_step("meeting", focus=False, then=lambda step: step.focus_field(fields[0]))
                else:
                    self.show_step("content")
                    self.notify(f"请在“内容”中给这些填空填值：{'、'.join(names)}", markup=False, timeout=8)

        self.push_screen(_screens().MissingValuesScreen(names, list(MEETING_FIELDS)), answer)

    def _exported(self, out: Path, findings: list[Any]) -> None:
        self.exported = True
        self.last_export = out
        if self.spec_path is not None:
            try:
                session.mark_exported(self.spec_path, out)
            except DrafterError as exc:
                self.notify(str(exc), severity="warning", markup=False)
        errors = sum(1 for f in findings if f.severity == "error")
        note = f"（检查发现 {errors} 个错误，见“预览与检查”）" if errors else ""
        if step := self.step("export"):
            step.show_progress(3, f"已导出到：{out}{note}")
        self.notify(f"已导出到：{out}", markup=False, timeout=8)
        self.refresh_sidebar()

    def action_export_now(self) -> None:
        self.show_step("export", then=lambda step: step.start())

    # ------------------------------------------------------------ commands
    def action_save(self) -> None:
        if self.origin is not None:
            try:
                from drafter.drafting import save_draft

                save_draft(self.draft, self.origin)
            except DrafterError as exc:
                self.notify(str(exc), severity="error", markup=False)
                return
            self.touched = True
            self._flush_autosave()
            self.notify(f"已保存到：{self.origin}", markup=False)
            return
        self.touched = True
        self._flush_autosave()
        if self.spec_path is not None:
            self.notify(f"已保存到：{self.spec_path}", markup=False)

    def action_new(self) -> None:
        def go(yes: bool | None) -> None:
            if yes:
                self._flush_autosave()
                self.new_draft()
                self.show_step("meeting")

        if self.touched and not self.exported:
            self.push_screen(
                _screens().ConfirmScreen("新建讲稿？当前草稿已自动保存，可以之后从“打开”找回。"), go
            )
        else:
            go(True)

    def action_open(self) -> None:
        def go(path: str | None) -> None:
            if path:
                self._flush_autosave()
                if self.open_path(Path(path).expanduser()):
                    self.show_step("meeting")

        self.push_screen(_screens().OpenScreen(session.recent_drafts()), go)

    def action_toggle_theme(self) -> None:
        self.theme = "textual-light" if self.theme == "textual-dark" else "textual-dark"

    def action_add_phrase(self) -> None:
        content = self.step("content")
        text = ""
        if content is not None and self.current_step == "content":
            text = content.selected_text() or content.query_one("#content-text").text
        if not text.strip():
            self.notify("请先在“内容”步骤的编辑框中选中要加入素材库的文字", severity="warning")
            return
        functions: dict[str, list[str]] = {}
        topics: list[str] = []
        if self.phrasebank is not None:
            for phrase in self.phrasebank.phrases.values():
                functions.setdefault(phrase.role, [])
                if phrase.function not in functions[phrase.role]:
                    functions[phrase.role].append(phrase.function)
                for topic in phrase.topics:
                    if topic not in topics:
                        topics.append(topic)
        part = content.current_part() if content is not None else None
        role = "tasks"
        if part is not None:
            if part.kind in ("opening", "closing"):
                role = part.kind
            else:
                section = session.section_at(self.draft, part.path)
                role = section.role if section else role
        self.push_screen(
            _screens().AddPhraseScreen(text.strip(), functions, topics, role), self._add_phrase_done
        )

    def _add_phrase_done(self, new: NewPhrase | None) -> None:
        if new is None:
            return

        def work() -> None:
            try:
                from drafter.phrasebank import add_phrase, load_phrasebank

                result = add_phrase(new.role, new.function, new.text, topics=new.topics)
                bank = load_phrasebank()
                index = bank.index
            except DrafterError as exc:
                self.call_from_thread(
                    self.notify, f"未加入：{exc}", severity="error", markup=False, timeout=10
                )
                return
            except Exception as exc:
                self.call_from_thread(self._internal_error, "加入素材库", exc)
                return
            self.call_from_thread(self._phrase_added, result, bank, index)

        self.run_worker(work, thread=True, group="add-phrase", exit_on_error=False)

    def _phrase_added(self, result: Any, bank: Any, index: Any) -> None:
        self.notify(f"已加入素材库：{result.id}（{result.file}）", markup=False, timeout=8)
        for warning in getattr(result, "warnings", []) or []:
            self.notify(str(warning), severity="warning", markup=False, timeout=8)
        self.phrasebank = bank
        self.index = index
        self._settle_heap()
        self.update_topbar()
        if content := self.step("content"):
            content.run_search()

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield SystemCommand("保存", "保存草稿（Ctrl+S）", self.action_save)
        yield SystemCommand("导出", "导出为 Word/Markdown/纯文本（Ctrl+T）", self.action_export_now)
        yield SystemCommand("新建", "新建一篇讲稿", self.action_new)
        yield SystemCommand("打开", "打开草稿文件或最近的草稿（Ctrl+O）", self.action_open)
        yield SystemCommand("加入素材库", "把编辑框中选中的文字加入素材库（Ctrl+L）", self.action_add_phrase)
        yield SystemCommand("切换主题", "在深色与浅色之间切换", self.action_toggle_theme)
        yield SystemCommand("帮助", "按键一览（F1）", self.action_help)
        yield SystemCommand("退出", "退出讲稿助手（Ctrl+Q）", self.action_quit)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # While a dialog is open its own keys win (Ctrl+S in 加入素材库, digits in inputs ...).
        if action in GLOBAL_ACTIONS and isinstance(self.screen, ModalScreen):
            return False
        return True

    def action_help_quit(self) -> None:
        self.notify("按 Ctrl+Q 退出（草稿会自动保存）", title="要退出吗？")

    def help_keys(self) -> list[KeyHelp]:
        from drafter.tui.screens import KeyHelp
        from drafter.tui.steps import ContentStep, SectionList

        keys = []
        for binding in self.BINDINGS:
            assert isinstance(binding, Binding)
            if (
                binding.key in ("2", "3", "4", "5", "6", "tab", "shift+tab")
                or binding.action == "command_palette"
            ):
                # digits: one line "1-6"; Tab: listed with the widget keys
                continue
            display = binding.key_display or key_label(binding.key)
            description = "跳到第 1–6 步（不在输入框中时）" if binding.key == "1" else binding.description
            keys.append(KeyHelp(display, description, "全局"))
        keys.append(KeyHelp("Ctrl+P", "命令面板：保存、导出、新建、打开、加入素材库、切换主题", "全局"))
        for binding in SectionList.BINDINGS:
            assert isinstance(binding, Binding)
            keys.append(KeyHelp(key_label(binding.key), binding.description, "章节与内容列表"))
        for binding in ContentStep.BINDINGS:
            assert isinstance(binding, Binding)
            keys.append(KeyHelp(key_label(binding.key), binding.description, "内容"))
        keys.extend(KeyHelp(*entry) for entry in WIDGET_KEYS)
        keys.sort(key=lambda k: ["全局", "通用", "章节与内容列表", "内容"].index(k.where))
        return keys

    def action_help(self) -> None:
        self.push_screen(_screens().HelpScreen(self.help_keys()))

    async def action_quit(self) -> None:
        if self._quit_confirmed or not self.touched or self.exported:
            self._flush_autosave()
            self.exit(0)
            return

        def go(yes: bool | None) -> None:
            if yes:
                self._quit_confirmed = True
                self._flush_autosave()
                self.exit(0)

        self.push_screen(
            _screens().ConfirmScreen(
                "这篇讲稿还没有导出。确定退出吗？（草稿已自动保存，下次启动可继续）", yes="退出"
            ),
            go,
        )


def make_app(draft_path: str | os.PathLike[str] | None = None, **kwargs: Any) -> DrafterApp:
    return DrafterApp(draft_path, **kwargs)
