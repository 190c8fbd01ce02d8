"""Steps 2–6 of the wizard (step 1 is in meeting.py).  Each is a thin view over ``app.draft``.

A step reads the draft in ``refresh_from_draft`` and tells the app about
changes with ``app.draft_changed()``; the app autosaves and re-lints.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import (
    Button,
    Checkbox,
    Input,
    Label,
    Markdown,
    OptionList,
    ProgressBar,
    RadioButton,
    RadioSet,
    Select,
    Static,
    TextArea,
)
from textual.widgets.option_list import Option

from drafter.model import MEETING_FIELDS, PHRASE_ROLES, ROLE_LABELS, SECTION_ROLES, DraftItem
from drafter.tui.base import Step, fill_preview
from drafter.tui.meeting import MeetingStep
from drafter.workspace import session

RESULT_PAGE = 12  # search results listed at once (about a screenful); "更多" lists the next page
MORE_RESULTS = "more-results"


class WideStep(Step):
    """Steps 2–6: two columns of lists; their styles load with them (not at start-up)."""

    DEFAULT_CSS = """
    .columns {
        height: 1fr;
    }

    .column {
        width: 1fr;
        height: 100%;
        padding-right: 1;
    }

    .column-wide {
        width: 2fr;
        height: 100%;
        border: round $primary 40%;
    }

    #structure-preview, #headings-lint {
        height: auto;
        max-height: 10;
        border: round $secondary 40%;
        padding: 0 1;
    }

    .buttons, .filters {
        height: auto;
    }

    .buttons Button {
        width: auto;
        min-width: 6;
        margin-right: 1;
    }

    .buttons Select {
        width: 1fr;
        min-width: 12;
        margin-right: 1;
    }

    .filters Select {
        width: 1fr;
    }

    .count-input {
        width: 8;
    }

    #content-parts {
        height: 7;
    }

    #content-items {
        height: 1fr;
    }

    #content-slots {
        height: auto;
        max-height: 6;
    }

    .slot-row {
        height: 1;
    }

    .slot-label {
        width: 10;
    }

    .slot-input {
        width: 1fr;
    }

    #content-text {
        height: 6;
    }

    #preview-md {
        padding: 0 1;
    }

    #export-form {
        height: 1fr;
    }

    #export-form Label {
        margin-top: 1;
    }

    #export-format {
        layout: horizontal;
        height: auto;
        width: 100%;
    }

    #export-format RadioButton {
        width: auto;
        margin-right: 1;
    }

    #export-go {
        margin-top: 1;
    }

    #export-progress {
        margin-top: 1;
    }

    #export-result {
        height: auto;
        margin-top: 1;
    }
    """


# ---------------------------------------------------------------- 2 选择结构


class SectionList(OptionList):
    """The current sections, with keys to reorder and remove them."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("shift+up", "move(-1)", "上移"),
        Binding("shift+down", "move(1)", "下移"),
        Binding("delete", "remove", "删除"),
    ]

    def action_move(self, delta: int) -> None:
        step = self.parent
        while step is not None and not isinstance(step, Step):
            step = step.parent
        if isinstance(step, StructureStep):
            step.move_section(delta)
        elif isinstance(step, ContentStep):
            step.move_item(delta)

    def action_remove(self) -> None:
        step = self.parent
        while step is not None and not isinstance(step, Step):
            step = step.parent
        if isinstance(step, StructureStep):
            step.remove_section()
        elif isinstance(step, ContentStep):
            step.remove_item()


class StructureStep(WideStep):
    key = "structure"
    title = "选择结构"

    def compose(self) -> ComposeResult:
        yield self.heading("回车选用一种结构：各节标题和内容会按常见写法预先填好")
        with Horizontal(classes="columns"):
            with Vertical(classes="column"):
                yield Label("模板与语料中的结构（次数 · 来源）")
                yield OptionList(id="structure-choices", markup=False)
                yield Static("", id="structure-preview", classes="preview-box")
            with Vertical(classes="column"):
                yield Label("当前结构（Shift+↑/↓ 移动，Delete 删除）")
                yield SectionList(id="structure-sections", markup=False)
                with Horizontal(classes="buttons"):
                    yield Select(
                        [(ROLE_LABELS[r], r) for r in SECTION_ROLES],
                        value=SECTION_ROLES[1],
                        allow_blank=False,
                        id="structure-role",
                        compact=True,
                    )
                    yield Button("添加", id="structure-add", compact=True)
                    yield Button("删除", id="structure-remove", compact=True)
                    yield Button("上移", id="structure-up", compact=True)
                    yield Button("下移", id="structure-down", compact=True)

    def on_mount(self) -> None:
        self.refresh_choices()

    # choices -------------------------------------------------------
    def refresh_choices(self) -> None:
        app = self.drafter
        choices = self.query_one("#structure-choices", OptionList)
        highlighted = choices.highlighted
        options: list[Option] = []
        from drafter.drafting import rank_templates, suited_template

        suited = suited_template(app.draft.meeting)
        for info in rank_templates(app.templates, app.draft.meeting):
            text = Text()
            text.append("模板　", style="bold")
            text.append(str(getattr(info, "title", "") or info.name))
            if info.name == suited:
                text.append("（推荐）", style="bold")
            roles = session.roles_of_template(getattr(info, "roles", ()) or ())
            if roles:
                text.append("　" + " → ".join(ROLE_LABELS.get(r, r) for r in roles), style="dim")
            options.append(Option(text, id=f"t:{info.name}"))
        for i, structure in enumerate(app.structures):
            text = Text()
            text.append("语料　", style="bold")
            text.append(" → ".join(ROLE_LABELS.get(r, r) for r in structure.roles))
            text.append(f"　×{structure.count}", style="bold")
            sources = "、".join(f"{src} 第{idx + 1}篇" for src, idx in list(structure.speeches)[:3])
            if len(structure.speeches) > 3:
                sources += " 等"
            text.append(f"　来源：{sources}", style="dim")
            options.append(Option(text, id=f"m:{i}"))
        if not options:
            options.append(Option(Text("正在读取模板……"), id="loading", disabled=True))
        elif not app.structures_loaded:
            options.append(Option(Text("正在从语料中挖掘结构……"), id="loading", disabled=True))
        choices.set_options(options)
        if highlighted is not None and highlighted < choices.option_count:
            choices.highlighted = highlighted
        elif choices.option_count:
            choices.highlighted = 0

    @on(OptionList.OptionHighlighted, "#structure-choices")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        option_id = event.option.id or ""
        if option_id == "loading":
            return
        self.drafter.preview_choice(option_id)
        self.show_preview(option_id, None)

    def show_preview(self, option_id: str, lines: list[str] | None) -> None:
        choices = self.query_one("#structure-choices", OptionList)
        current = choices.highlighted_option
        if current is None or current.id != option_id:
            return
        text = Text()
        app = self.drafter
        if option_id.startswith("t:"):
            for info in app.templates:
                if info.name == option_id[2:]:
                    text.append(str(getattr(info, "title", "") or info.name) + "\n", style="bold")
                    if getattr(info, "description", ""):
                        text.append(str(info.description) + "\n")
        elif option_id.startswith("m:"):
            structure = app.structures[int(option_id[2:])]
            text.append(f"语料中出现 {structure.count} 次：", style="bold")
            text.append("、".join(f"{src} 第{idx + 1}篇" for src, idx in structure.speeches) + "\n")
        if lines is None:
            roles = self.drafter.choice_roles(option_id)
            text.append("结构：" + " → ".join(ROLE_LABELS.get(r, r) for r in roles) + "\n")
            if not app.phrasebank_ready:
                text.append("（素材库加载后显示预填的提纲）", style="dim")
        else:
            text.append("预填提纲：\n", style="bold")
            for line in lines:
                text.append(line + "\n")
        self.query_one("#structure-preview", Static).update(text)

    @on(OptionList.OptionSelected, "#structure-choices")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id and event.option.id != "loading":
            self.drafter.choose_structure(event.option.id)

    # current sections ---------------------------------------------
    def refresh_from_draft(self) -> None:
        app = self.drafter
        box = self.query_one("#structure-sections", SectionList)
        highlighted = box.highlighted
        options = []
        for i, section in enumerate(app.draft.sections):
            heading = session.display_heading(section, app.heading_sets) or "（未定标题）"
            text = Text(f"{session.section_marker((i,))}{heading}")
            text.append(f"　〔{ROLE_LABELS.get(section.role, section.role)}〕", style="dim")
            options.append(Option(text))
        if not options:
            options.append(Option(Text("（还没有章节：在左边选一种结构，或用下面的“添加”）"), disabled=True))
        box.set_options(options)
        if app.draft.sections:
            box.highlighted = min(highlighted or 0, len(app.draft.sections) - 1)

    def _current(self) -> int | None:
        box = self.query_one("#structure-sections", SectionList)
        if not self.drafter.draft.sections:
            return None
        return box.highlighted

    def move_section(self, delta: int) -> None:
        index = self._current()
        if index is None:
            return
        new = session.move_item(self.drafter.draft.sections, index, delta)
        self.drafter.draft_changed()
        self.refresh_from_draft()
        self.query_one("#structure-sections", SectionList).highlighted = new

    def remove_section(self) -> None:
        index = self._current()
        if index is None:
            return
        section = self.drafter.draft.sections[index]
        heading = session.display_heading(section, self.drafter.heading_sets) or "未定标题"

        def done(yes: bool | None) -> None:
            if not yes:
                return
            new = session.remove_item(self.drafter.draft.sections, index)
            self.drafter.draft_changed()
            self.refresh_from_draft()
            if new is not None:
                self.query_one("#structure-sections", SectionList).highlighted = new

        if section.items or section.children:
            from drafter.tui.screens import ConfirmScreen

            self.app.push_screen(ConfirmScreen(f"删除“{heading}”及其内容？"), done)
        else:
            done(True)

    @on(Button.Pressed, "#structure-add")
    def _add(self, event: Button.Pressed) -> None:
        event.stop()
        role = self.query_one("#structure-role", Select).value
        if not isinstance(role, str):
            return
        index = session.add_section(self.drafter.draft, role, self._current())
        self.drafter.draft_changed()
        self.refresh_from_draft()
        self.query_one("#structure-sections", SectionList).highlighted = index

    @on(Button.Pressed, "#structure-remove")
    def _remove(self, event: Button.Pressed) -> None:
        event.stop()
        self.remove_section()

    @on(Button.Pressed, "#structure-up")
    def _up(self, event: Button.Pressed) -> None:
        event.stop()
        self.move_section(-1)

    @on(Button.Pressed, "#structure-down")
    def _down(self, event: Button.Pressed) -> None:
        event.stop()
        self.move_section(1)

    def focus_main(self) -> None:
        self.screen.set_focus(self.query_one("#structure-choices", OptionList))

    def jump_to(self, path: tuple[int, ...] | None) -> None:
        if path:
            box = self.query_one("#structure-sections", SectionList)
            box.highlighted = path[0]
            self.screen.set_focus(box)


# ---------------------------------------------------------------- 3 标题


class HeadingsStep(WideStep):
    key = "headings"
    title = "标题"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.paths: list[tuple[int, ...]] = []
        self.option_items: list[tuple[str, str]] = []  # (heading set id, item)

    def compose(self) -> ComposeResult:
        yield self.heading("逐节定标题：从素材库选、直接输入，或生成一组排比标题")
        with Horizontal(classes="columns"):
            with Vertical(classes="column"):
                yield Label("各节标题")
                yield OptionList(id="headings-sections", markup=False)
                yield Label("排比检查（实时）")
                yield Static("", id="headings-lint", classes="preview-box")
            with Vertical(classes="column"):
                yield Label("本节标题（直接输入，回车确认）")
                yield Input(id="headings-input", placeholder="输入标题")
                yield Label("素材库中的标题（回车选用）")
                yield OptionList(id="headings-options", markup=False)
                yield Label("生成排比子标题（如 强化X意识 × N）")
                with Horizontal(classes="buttons"):
                    yield Select([], id="headings-set", prompt="选择标题组", compact=True)
                    yield Input("5", id="headings-count", type="integer", classes="count-input", compact=True)
                    yield Button("生成", id="headings-generate", compact=True)
                yield Checkbox("改为替换本节及同级标题", id="headings-siblings", compact=True)

    def refresh_from_draft(self) -> None:
        app = self.drafter
        box = self.query_one("#headings-sections", OptionList)
        highlighted = box.highlighted
        self.paths = []
        options = []
        for path, section in session.iter_section_paths(app.draft):
            self.paths.append(path)
            heading = session.display_heading(section, app.heading_sets)
            text = Text("　" * (len(path) - 1) + session.section_marker(path))
            text.append(heading or "（未定标题）", style="" if heading else "red")
            options.append(Option(text))
        if not options:
            options.append(Option(Text("（还没有章节：先在第 2 步选择结构）"), disabled=True))
        box.set_options(options)
        if self.paths:
            box.highlighted = min(highlighted or 0, len(self.paths) - 1)
        sets = self.query_one("#headings-set", Select)
        current = sets.value
        set_options = [(f"{hs.frame} ×{len(hs.items)}", hs_id) for hs_id, hs in app.heading_sets.items()]
        sets.set_options(set_options)
        if isinstance(current, str) and current in app.heading_sets:
            sets.value = current
        self.show_lint()

    def current_path(self) -> tuple[int, ...] | None:
        box = self.query_one("#headings-sections", OptionList)
        if box.highlighted is None or not self.paths:
            return None
        return self.paths[min(box.highlighted, len(self.paths) - 1)]

    @on(OptionList.OptionHighlighted, "#headings-sections")
    def _section_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        self.show_section()

    def show_section(self) -> None:
        app = self.drafter
        path = self.current_path()
        section = session.section_at(app.draft, path) if path else None
        box = self.query_one("#headings-input", Input)
        with box.prevent(Input.Changed):
            box.value = session.display_heading(section, app.heading_sets) if section else ""
        options = self.query_one("#headings-options", OptionList)
        self.option_items = []
        prompts = []
        if section is not None:
            for hs_id, hs in sorted(app.heading_sets.items(), key=lambda kv: kv[1].role != section.role):
                for item, heading in zip(hs.items, hs.headings(), strict=False):
                    self.option_items.append((hs_id, item))
                    text = Text(heading)
                    text.append(f"　〔{hs.frame}〕", style="dim")
                    prompts.append(Option(text))
                if len(prompts) > 400:
                    break
        if not prompts:
            message = "（素材库加载中……）" if not app.phrasebank_ready else "（无）"
            prompts.append(Option(Text(message), disabled=True))
        options.set_options(prompts)
        if section is not None and section.heading_set in app.heading_sets:
            self.query_one("#headings-set", Select).value = section.heading_set
        if section is not None:
            count = len(section.children) or 5
            count_box = self.query_one("#headings-count", Input)
            with count_box.prevent(Input.Changed):
                count_box.value = str(count)

    @on(Input.Changed, "#headings-input")
    def _typed(self, event: Input.Changed) -> None:
        event.stop()
        path = self.current_path()
        section = session.section_at(self.drafter.draft, path) if path else None
        if section is None:
            return
        section.heading = event.value.strip()
        section.heading_set = None
        self._update_row(path)
        self.drafter.draft_changed()

    @on(Input.Submitted, "#headings-input")
    def _typed_done(self, event: Input.Submitted) -> None:
        event.stop()
        box = self.query_one("#headings-sections", OptionList)
        if box.highlighted is not None and box.highlighted + 1 < len(self.paths):
            box.highlighted += 1
        self.screen.set_focus(box)

    def _update_row(self, path: tuple[int, ...] | None) -> None:
        if path is None or path not in self.paths:
            return
        section = session.section_at(self.drafter.draft, path)
        if section is None:
            return
        heading = session.display_heading(section, self.drafter.heading_sets)
        text = Text("　" * (len(path) - 1) + session.section_marker(path))
        text.append(heading or "（未定标题）", style="" if heading else "red")
        self.query_one("#headings-sections", OptionList).replace_option_prompt_at_index(
            self.paths.index(path), text
        )

    @on(OptionList.OptionSelected, "#headings-options")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        path = self.current_path()
        section = session.section_at(self.drafter.draft, path) if path else None
        if section is None or event.option_index >= len(self.option_items):
            return
        hs_id, item = self.option_items[event.option_index]
        section.heading_set = hs_id
        section.heading = item
        self._update_row(path)
        box = self.query_one("#headings-input", Input)
        with box.prevent(Input.Changed):
            box.value = session.display_heading(section, self.drafter.heading_sets)
        self.drafter.draft_changed()

    @on(Button.Pressed, "#headings-generate")
    def _generate(self, event: Button.Pressed) -> None:
        event.stop()
        app = self.drafter
        path = self.current_path()
        hs_id = self.query_one("#headings-set", Select).value
        if path is None:
            app.notify("请先在左边选中一节", severity="warning")
            return
        if not isinstance(hs_id, str) or hs_id not in app.heading_sets:
            app.notify("请先选择一个标题组", severity="warning")
            return
        try:
            count = int(self.query_one("#headings-count", Input).value or "0")
        except ValueError:
            count = 0
        if count < 1:
            app.notify("数量应为正整数", severity="warning")
            return
        siblings = self.query_one("#headings-siblings", Checkbox).value
        warnings = session.apply_parallel_set(
            app.draft, path, app.heading_sets[hs_id], count, siblings=siblings
        )
        for warning in warnings:
            app.notify(warning, severity="warning", markup=False)
        app.draft_changed()
        self.refresh_from_draft()
        self.show_section()

    def show_lint(self) -> None:
        findings = [f for f in self.drafter.findings if f.rule == "parallel-headings"]
        text = Text()
        if not self.drafter.lint_ready:
            text.append("检查中……", style="dim")
        elif not findings:
            text.append("✓ 同级标题句式一致", style="green")
        for finding in findings:
            text.append(f"! {finding.message}　{finding.location}\n", style="yellow")
        self.query_one("#headings-lint", Static).update(text)

    def focus_main(self) -> None:
        self.screen.set_focus(self.query_one("#headings-sections", OptionList))

    def jump_to(self, path: tuple[int, ...] | None) -> None:
        if path and path in self.paths:
            box = self.query_one("#headings-sections", OptionList)
            box.highlighted = self.paths.index(path)
            self.screen.set_focus(box)


# ---------------------------------------------------------------- 4 内容


class ContentStep(WideStep):
    key = "content"
    title = "内容"

    BINDINGS: ClassVar[list[BindingType]] = [Binding("ctrl+l", "add_to_phrasebank", "加入素材库")]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.parts: list[session.Part] = []
        self.search_serial = 0

    def compose(self) -> ComposeResult:
        yield self.heading("为每一部分挑选语句（回车加入），填空，或自拟一段")
        with Horizontal(classes="columns"):
            with Vertical(classes="column"):
                yield OptionList(id="content-parts", markup=False)
                yield Label("已选内容（Shift+↑/↓ 移动，Delete 删除）")
                yield SectionList(id="content-items", markup=False)
                with Horizontal(classes="buttons"):
                    yield Button("上移", id="content-up", compact=True)
                    yield Button("下移", id="content-down", compact=True)
                    yield Button("删除", id="content-remove", compact=True)
                    yield Button("自拟", id="content-free", compact=True, tooltip="新增一段自己写的文字")
                    yield Button("加入素材库", id="content-add-phrase", compact=True)
                yield Vertical(id="content-slots")
                yield TextArea("", id="content-text", soft_wrap=True, read_only=True)
            with Vertical(classes="column"):
                yield Input(id="content-search", placeholder="搜索素材，如 招商、作风、同志们")
                with Horizontal(classes="filters"):
                    yield Select([], id="content-role", prompt="部分", compact=True)
                    yield Select([], id="content-function", prompt="作用", compact=True)
                    yield Select([], id="content-topic", prompt="主题", compact=True)
                yield OptionList(id="content-results", markup=False)
                yield Static("", id="content-detail", classes="hint")

    def on_mount(self) -> None:
        self.query_one("#content-role", Select).set_options([(ROLE_LABELS[r], r) for r in PHRASE_ROLES])
        self.results: list[Any] = []  # the results shown (a prefix of self.hits)
        self.hits: list[Any] = []  # every result of the current search
        self._display_cache: dict[tuple[str, str, str], Text] = {}
        # Search inside the keystroke itself (a watcher runs as the value changes), not on the
        # Input.Changed message a hop later: the results then paint in the frame that shows the key.
        self.watch(self.query_one("#content-search", Input), "value", self._query_changed, init=False)

    # parts -----------------------------------------------------------
    def refresh_from_draft(self) -> None:
        app = self.drafter
        box = self.query_one("#content-parts", OptionList)
        highlighted = box.highlighted
        self.parts = session.parts_of(app.draft, app.heading_sets)
        options = []
        for part in self.parts:
            items = session.items_of(app.draft, part) or []
            text = Text("　" * part.depth + part.label)
            text.append(f"　{len(items)} 段", style="dim" if items else "red")
            options.append(Option(text))
        box.set_options(options)
        box.highlighted = min(highlighted or 0, len(self.parts) - 1)
        self.refresh_filters()

    def refresh_filters(self) -> None:
        app = self.drafter
        if not app.phrasebank_ready:
            return
        if getattr(self, "_filters_for", None) is app.phrasebank:
            return
        self._filters_for = app.phrasebank
        functions = self.query_one("#content-function", Select)
        topics = self.query_one("#content-topic", Select)
        all_functions = sorted({p.function for p in app.phrasebank.phrases.values()})
        all_topics = sorted({t for p in app.phrasebank.phrases.values() for t in p.topics})
        functions.set_options([(f, f) for f in all_functions])
        topics.set_options([(t, t) for t in all_topics])

    def current_part(self) -> session.Part | None:
        box = self.query_one("#content-parts", OptionList)
        if box.highlighted is None or not self.parts:
            return None
        return self.parts[min(box.highlighted, len(self.parts) - 1)]

    def current_items(self) -> list[DraftItem] | None:
        part = self.current_part()
        return session.items_of(self.drafter.draft, part) if part else None

    @on(OptionList.OptionHighlighted, "#content-parts")
    def _part_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        part = self.current_part()
        if part is None:
            return
        if part.key == getattr(self, "_last_part", None):
            self.show_items()
            return
        self._last_part = part.key
        role = part.kind if part.kind != "section" else None
        if part.kind == "section":
            section = session.section_at(self.drafter.draft, part.path)
            role = section.role if section else None
        role_select = self.query_one("#content-role", Select)
        if role and role_select.value != role:
            role_select.value = role
        self.show_items()
        self.run_search()

    def show_items(self, highlight: int | None = None) -> None:
        app = self.drafter
        items = self.current_items() or []
        box = self.query_one("#content-items", SectionList)
        old = box.highlighted
        options = []
        for i, item in enumerate(items):
            options.append(Option(Text(f"{i + 1}．{self.item_text(item)}")))
        if not options:
            options.append(Option(Text("（还没有内容：在右边搜索并回车加入，或“自拟一段”）"), disabled=True))
        box.set_options(options)
        if items:
            target = highlight if highlight is not None else (old or 0)
            box.highlighted = max(0, min(target, len(items) - 1))
        else:
            self.show_editor(None)
        part = self.current_part()
        if part is not None:
            index = self.parts.index(part)
            text = Text("　" * part.depth + part.label)
            text.append(f"　{len(items)} 段", style="dim" if items else "red")
            self.query_one("#content-parts", OptionList).replace_option_prompt_at_index(index, text)
        del app

    def item_text(self, item: DraftItem) -> str:
        app = self.drafter
        if item.phrase:
            phrase = app.phrasebank.phrases.get(item.phrase) if app.phrasebank_ready else None
            if phrase is None:
                return f"〔素材 {item.phrase}〕" + ("（素材库中找不到）" if app.phrasebank_ready else "")
            return fill_preview(phrase.text, item.values, app.draft.meeting)
        return fill_preview(item.text or "", item.values, app.draft.meeting) or "（空白段落）"

    def current_item_index(self) -> int | None:
        items = self.current_items()
        box = self.query_one("#content-items", SectionList)
        if not items or box.highlighted is None:
            return None
        return min(box.highlighted, len(items) - 1)

    @on(OptionList.OptionHighlighted, "#content-items")
    def _item_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        items = self.current_items() or []
        index = self.current_item_index()
        self.show_editor(items[index] if index is not None else None)

    def show_editor(self, item: DraftItem | None) -> None:
        app = self.drafter
        slots_box = self.query_one("#content-slots", Vertical)
        slots_box.remove_children()
        area = self.query_one("#content-text", TextArea)
        self.editing = item
        if item is None:
            area.read_only = True
            area.load_text("")
            return
        phrase = app.phrasebank.phrases.get(item.phrase) if (item.phrase and app.phrasebank_ready) else None
        phrase_text = phrase.text if phrase else None
        if item.phrase:
            area.read_only = True
            area.load_text(phrase_text or "")
        else:
            area.read_only = False
            area.load_text(item.text or "")
        try:
            names = session.item_slot_names(item, phrase_text)
        except Exception:  # a broken phrase text: lint reports it
            names = []
        rows = []
        for name in names:
            prompt = self._slot_prompt(name, phrase)
            meeting_value = app.draft.meeting.get(name)
            placeholder = f"取自会议信息：{meeting_value}" if meeting_value else prompt
            box = Input(
                item.values.get(name, ""),
                placeholder=placeholder,
                classes="slot-input",
                name=name,
                compact=True,
            )
            rows.append(Horizontal(Label(name, classes="slot-label"), box, classes="slot-row"))
        if rows:
            slots_box.mount_all(rows)

    def _slot_prompt(self, name: str, phrase: Any) -> str:
        for slot in getattr(phrase, "slots", []) or []:
            if slot.name == name:
                return f"{slot.prompt}（如 {slot.example}）" if slot.example else slot.prompt or name
        registry = getattr(self.drafter.phrasebank, "slots", {}) if self.drafter.phrasebank_ready else {}
        slot = registry.get(name) if isinstance(registry, dict) else None
        if slot is not None:
            return f"{slot.prompt}（如 {slot.example}）" if slot.example else slot.prompt or name
        return MEETING_FIELDS.get(name, f"填写“{name}”")

    @on(Input.Changed, ".slot-input")
    def _slot_changed(self, event: Input.Changed) -> None:
        event.stop()
        item = getattr(self, "editing", None)
        if item is None or not event.input.name:
            return
        if event.value.strip():
            item.values[event.input.name] = event.value.strip()
        else:
            item.values.pop(event.input.name, None)
        self._update_item_row()
        self.drafter.draft_changed()

    @on(TextArea.Changed, "#content-text")
    def _text_changed(self, event: TextArea.Changed) -> None:
        event.stop()
        item = getattr(self, "editing", None)
        if item is None or item.phrase or event.text_area.read_only:
            return
        if item.text == event.text_area.text:
            return
        item.text = event.text_area.text
        self._update_item_row()
        self.drafter.draft_changed()

    def _update_item_row(self) -> None:
        index = self.current_item_index()
        items = self.current_items() or []
        if index is None:
            return
        text = Text(f"{index + 1}．{self.item_text(items[index])}")
        self.query_one("#content-items", SectionList).replace_option_prompt_at_index(index, text)

    def move_item(self, delta: int) -> None:
        items = self.current_items()
        index = self.current_item_index()
        if items is None or index is None:
            return
        new = session.move_item(items, index, delta)
        self.drafter.draft_changed()
        self.show_items(new)

    def remove_item(self) -> None:
        items = self.current_items()
        index = self.current_item_index()
        if items is None or index is None:
            return
        new = session.remove_item(items, index)
        self.drafter.draft_changed()
        self.show_items(new)

    def add_item(self, item: DraftItem) -> None:
        items = self.current_items()
        if items is None:
            self.drafter.notify("请先在左上选中一个部分", severity="warning")
            return
        index = self.current_item_index()
        position = len(items) if index is None else index + 1
        items.insert(position, item)
        self.drafter.draft_changed()
        self.show_items(position)

    @on(Button.Pressed, "#content-up")
    def _up(self, event: Button.Pressed) -> None:
        event.stop()
        self.move_item(-1)

    @on(Button.Pressed, "#content-down")
    def _down(self, event: Button.Pressed) -> None:
        event.stop()
        self.move_item(1)

    @on(Button.Pressed, "#content-remove")
    def _remove(self, event: Button.Pressed) -> None:
        event.stop()
        self.remove_item()

    @on(Button.Pressed, "#content-free")
    def _free(self, event: Button.Pressed) -> None:
        event.stop()
        self.add_item(DraftItem(text=""))
        area = self.query_one("#content-text", TextArea)
        self.screen.set_focus(area)

    @on(Button.Pressed, "#content-add-phrase")
    def _add_phrase(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_add_to_phrasebank()

    def action_add_to_phrasebank(self) -> None:
        self.drafter.action_add_phrase()

    def selected_text(self) -> str:
        area = self.query_one("#content-text", TextArea)
        return area.selected_text or ""

    # search ----------------------------------------------------------
    def _query_changed(self) -> None:
        self.run_search()

    @on(Input.Changed, "#content-search")
    def _search_changed(self, event: Input.Changed) -> None:
        event.stop()  # already answered by _query_changed

    @on(Select.Changed, "#content-role, #content-function, #content-topic")
    def _filter_changed(self, event: Select.Changed) -> None:
        event.stop()
        self.run_search()

    def search_args(self) -> tuple[str, str | None, str | None, str | None]:
        def value(selector: str) -> str | None:
            v = self.query_one(selector, Select).value
            return v if isinstance(v, str) else None

        query = self.query_one("#content-search", Input).value
        return query, value("#content-role"), value("#content-function"), value("#content-topic")

    def run_search(self) -> None:
        self.search_serial += 1
        self.drafter.search(self.search_serial, *self.search_args())

    def _result_option(self, phrase: Any, meeting: dict[str, str]) -> Option:
        """One result as shown in the list: slots filled from the meeting details, no markup parsed."""
        key = (phrase.id, phrase.text, phrase.function)
        text = self._display_cache.get(key)
        if text is None:
            text = Text(fill_preview(phrase.text, {}, meeting))
            text.append(f"　〔{phrase.function}〕", style="dim")
            if len(self._display_cache) > 4096:
                self._display_cache.clear()
            self._display_cache[key] = text
        return Option(text)

    def _display_meeting(self) -> dict[str, str]:
        """The meeting details the cached result texts were filled from (the cache is dropped on change)."""
        meeting = self.drafter.draft.meeting
        snapshot = tuple(sorted(meeting.items()))
        if getattr(self, "_display_for", None) != snapshot:
            self._display_for = snapshot
            self._display_cache = {}
        return meeting

    def _more_option(self) -> Option:
        left = len(self.hits) - len(self.results)
        return Option(Text(f"更多……（还有 {left} 条，回车显示）", style="dim"), id=MORE_RESULTS)

    def show_results(self, serial: int, hits: list[Any] | None) -> None:
        """Show a search's results: the first page of them, then a "更多" line for the rest.

        Only ``RESULT_PAGE`` options are built per keystroke (a list of wrapped CJK lines costs per
        option); the detail line of the first result is set here too, so one repaint shows it all.
        """
        if serial != self.search_serial:
            return
        box = self.query_one("#content-results", OptionList)
        meeting = self._display_meeting()
        self.hits = [h.phrase for h in hits or []]
        self.results = self.hits[:RESULT_PAGE]
        options = [self._result_option(phrase, meeting) for phrase in self.results]
        if hits is None:
            options.append(Option(Text("素材库加载中……"), disabled=True))
        elif not options:
            options.append(Option(Text("没有找到：换个词，或清除筛选"), disabled=True))
        elif len(self.hits) > len(self.results):
            options.append(self._more_option())
        box.set_options(options)
        if self.results:
            box.highlighted = 0
            self.show_detail(self.results[0])

    def show_more(self) -> None:
        """Append the next page of the current results in place of the "更多" line."""
        box = self.query_one("#content-results", OptionList)
        index = len(self.results)
        if index >= len(self.hits):
            return
        meeting = self._display_meeting()
        page = self.hits[index : index + RESULT_PAGE]
        self.results = self.results + page
        box.remove_option_at_index(index)
        options = [self._result_option(phrase, meeting) for phrase in page]
        if len(self.hits) > len(self.results):
            options.append(self._more_option())
        box.add_options(options)
        box.highlighted = index

    def show_detail(self, phrase: Any) -> None:
        """The id, role, function, topics and source of the highlighted result."""
        if getattr(self, "_detail_for", None) is phrase:
            return
        self._detail_for = phrase
        text = Text(f"{phrase.id}　{ROLE_LABELS.get(phrase.role, phrase.role)} · {phrase.function}")
        if phrase.topics:
            text.append("　主题：" + "、".join(phrase.topics))
        if phrase.source is not None:
            text.append(
                f"\n出处：{phrase.source.file} 第{phrase.source.speech + 1}篇 第{phrase.source.line}行"
            )
        elif phrase.origin:
            text.append(f"\n来源：{phrase.origin}")
        self.query_one("#content-detail", Static).update(text)

    @on(OptionList.OptionHighlighted, "#content-results")
    def _result_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        if event.option_index < len(self.results):
            self.show_detail(self.results[event.option_index])

    @on(OptionList.OptionSelected, "#content-results")
    def _result_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id == MORE_RESULTS:
            self.show_more()
            return
        if event.option_index >= len(self.results):
            return
        phrase = self.results[event.option_index]
        self.add_item(DraftItem(phrase=phrase.id))
        self.drafter.notify(f"已加入：{phrase.text[:24]}……", markup=False, timeout=2)

    @on(Input.Submitted, "#content-search")
    def _search_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.screen.set_focus(self.query_one("#content-results", OptionList))

    def focus_main(self) -> None:
        self.screen.set_focus(self.query_one("#content-parts", OptionList))

    def jump_to(self, path: tuple[int, ...] | None) -> None:
        box = self.query_one("#content-parts", OptionList)
        for i, part in enumerate(self.parts):
            if (path and part.kind == "section" and part.path == path) or (
                not path and part.kind == "closing"
            ):
                box.highlighted = i
                break
        self.screen.set_focus(box)


# ---------------------------------------------------------------- 5 预览与检查


class PreviewStep(WideStep):
    key = "preview"
    title = "预览与检查"

    def compose(self) -> ComposeResult:
        yield self.heading("讲话稿全文与检查结果；选中一条检查结果可跳到出问题的地方")
        with Horizontal(classes="columns"):
            with VerticalScroll(id="preview-scroll", classes="column-wide"):
                yield Markdown("", id="preview-md")
            with Vertical(classes="column"):
                yield Label("检查结果（回车跳转）")
                yield OptionList(id="preview-findings", markup=False)

    def refresh_from_draft(self) -> None:
        self.show_findings()

    async def on_mount(self) -> None:
        if self.drafter.markdown:
            await self.show_markdown(self.drafter.markdown)

    def show_findings(self) -> None:
        app = self.drafter
        box = self.query_one("#preview-findings", OptionList)
        options = []
        for finding in app.findings:
            label = {"error": "错误", "warning": "提醒"}.get(finding.severity, finding.severity)
            text = Text(f"[{label}] ", style="red" if finding.severity == "error" else "yellow")
            text.append(finding.message)
            text.append(f"　{finding.location}", style="dim")
            options.append(Option(text))
        if not app.lint_ready:
            options.append(Option(Text("检查中……"), disabled=True))
        elif not options:
            options.append(Option(Text("✓ 没有发现问题"), disabled=True))
        box.set_options(options)

    async def show_markdown(self, markdown: str) -> None:
        await self.query_one("#preview-md", Markdown).update(markdown)

    @on(OptionList.OptionSelected, "#preview-findings")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        findings = self.drafter.findings
        if event.option_index < len(findings):
            self.drafter.jump_to_finding(findings[event.option_index])

    def focus_main(self) -> None:
        self.screen.set_focus(self.query_one("#preview-findings", OptionList))


# ---------------------------------------------------------------- 6 导出

FORMAT_LABELS = {"docx": "Word 公文 .docx", "md": "Markdown .md", "txt": "纯文本 .txt"}


class ExportStep(WideStep):
    key = "export"
    title = "导出"

    def compose(self) -> ComposeResult:
        yield self.heading("选择格式和保存位置，回车导出")
        with VerticalScroll(id="export-form"):
            yield Label("格式")
            with RadioSet(id="export-format"):
                for fmt in session.EXPORT_FORMATS:
                    yield RadioButton(FORMAT_LABELS[fmt], value=fmt == "docx", name=fmt)
            yield Label("保存到")
            yield Input(id="export-path", placeholder="文件路径")
            yield Checkbox("允许留空（未填的空标为【待补：…】）", id="export-blanks")
            yield Button("导出 (回车)", id="export-go", variant="primary")
            yield ProgressBar(total=3, id="export-progress", show_eta=False)
            yield Static("", id="export-result")

    def refresh_from_draft(self) -> None:
        box = self.query_one("#export-path", Input)
        if not box.value or getattr(self, "_auto_path", None) == box.value:
            try:
                path = str(session.default_export_path(self.drafter.draft, self.fmt()))
            except Exception:
                return
            self._auto_path = path
            box.value = path

    def fmt(self) -> str:
        radio = self.query_one("#export-format", RadioSet)
        pressed = radio.pressed_button
        return pressed.name if pressed is not None and pressed.name else "docx"

    @on(RadioSet.Changed, "#export-format")
    def _format(self, event: RadioSet.Changed) -> None:
        event.stop()
        box = self.query_one("#export-path", Input)
        if box.value:
            new = str(session.with_format(box.value, self.fmt()))
            if getattr(self, "_auto_path", None) == box.value:
                self._auto_path = new
            box.value = new

    @on(Button.Pressed, "#export-go")
    def _go(self, event: Button.Pressed) -> None:
        event.stop()
        self.start()

    @on(Input.Submitted, "#export-path")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.start()

    def start(self) -> None:
        path = self.query_one("#export-path", Input).value.strip()
        if not path:
            self.drafter.notify("请填写保存路径", severity="warning")
            return
        allow_blanks = self.query_one("#export-blanks", Checkbox).value
        self.drafter.export(path, self.fmt(), allow_blanks=allow_blanks)

    def set_allow_blanks(self, value: bool) -> None:
        self.query_one("#export-blanks", Checkbox).value = value

    def show_progress(self, done: int, message: str) -> None:
        self.query_one("#export-progress", ProgressBar).update(progress=done)
        result = self.query_one("#export-result", Static)
        result.update(Text(message))
        result.scroll_visible()

    def focus_main(self) -> None:
        self.screen.set_focus(self.query_one("#export-go", Button))


STEP_CLASSES: tuple[type[Step], ...] = (
    MeetingStep,
    StructureStep,
    HeadingsStep,
    ContentStep,
    PreviewStep,
    ExportStep,
)
