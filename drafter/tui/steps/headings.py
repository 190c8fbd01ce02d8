"""Step 3 标题: a heading for each section, typed, picked from the phrasebank, or a parallel set."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Checkbox, Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from drafter.drafting.editing import (
    apply_parallel_set,
    display_heading,
    iter_section_paths,
    section_at,
    section_marker,
)
from drafter.tui.steps.base import WideStep
from drafter.workspace import Workspace


class HeadingsStep(WideStep):
    key = "headings"
    title = "标题"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f5", "alternatives", "换一个", id="heading-alternatives"),
    ]

    def __init__(self, workspace: Workspace, **kwargs: Any) -> None:
        super().__init__(workspace, **kwargs)
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
        ws = self.workspace
        box = self.query_one("#headings-sections", OptionList)
        highlighted = box.highlighted
        self.paths = []
        options = []
        for path, section in iter_section_paths(ws.draft):
            self.paths.append(path)
            heading = display_heading(section, ws.heading_sets)
            text = Text("　" * (len(path) - 1) + section_marker(path))
            text.append(heading or "（未定标题）", style="" if heading else "red")
            options.append(Option(text))
        if not options:
            options.append(Option(Text("（还没有章节：先在第 2 步选择结构）"), disabled=True))
        box.set_options(options)
        if self.paths:
            box.highlighted = min(highlighted or 0, len(self.paths) - 1)
        sets = self.query_one("#headings-set", Select)
        current = sets.value
        set_options = [(f"{hs.frame} ×{len(hs.items)}", hs_id) for hs_id, hs in ws.heading_sets.items()]
        sets.set_options(set_options)
        if isinstance(current, str) and current in ws.heading_sets:
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
        ws = self.workspace
        path = self.current_path()
        section = section_at(ws.draft, path) if path else None
        box = self.query_one("#headings-input", Input)
        with box.prevent(Input.Changed):
            box.value = display_heading(section, ws.heading_sets) if section else ""
        options = self.query_one("#headings-options", OptionList)
        self.option_items = []
        prompts = []
        if section is not None:
            for hs_id, hs in sorted(ws.heading_sets.items(), key=lambda kv: kv[1].role != section.role):
                for item, heading in zip(hs.items, hs.headings(), strict=False):
                    self.option_items.append((hs_id, item))
                    text = Text(heading)
                    text.append(f"　〔{hs.frame}〕", style="dim")
                    prompts.append(Option(text))
                if len(prompts) > 400:
                    break
        if not prompts:
            message = "（素材库加载中……）" if not ws.phrasebank_ready else "（无）"
            prompts.append(Option(Text(message), disabled=True))
        options.set_options(prompts)
        if section is not None and section.heading_set in ws.heading_sets:
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
        section = section_at(self.workspace.draft, path) if path else None
        if section is None:
            return
        section.heading = event.value.strip()
        section.heading_set = None
        self._update_row(path)
        self.changed()

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
        section = section_at(self.workspace.draft, path)
        if section is None:
            return
        heading = display_heading(section, self.workspace.heading_sets)
        text = Text("　" * (len(path) - 1) + section_marker(path))
        text.append(heading or "（未定标题）", style="" if heading else "red")
        self.query_one("#headings-sections", OptionList).replace_option_prompt_at_index(
            self.paths.index(path), text
        )

    @on(OptionList.OptionSelected, "#headings-options")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        path = self.current_path()
        section = section_at(self.workspace.draft, path) if path else None
        if section is None or event.option_index >= len(self.option_items):
            return
        hs_id, item = self.option_items[event.option_index]
        section.heading_set = hs_id
        section.heading = item
        self._update_row(path)
        box = self.query_one("#headings-input", Input)
        with box.prevent(Input.Changed):
            box.value = display_heading(section, self.workspace.heading_sets)
        self.changed()

    @on(Button.Pressed, "#headings-generate")
    def _generate(self, event: Button.Pressed) -> None:
        event.stop()
        ws = self.workspace
        path = self.current_path()
        hs_id = self.query_one("#headings-set", Select).value
        if path is None:
            self.notify("请先在左边选中一节", severity="warning")
            return
        if not isinstance(hs_id, str) or hs_id not in ws.heading_sets:
            self.notify("请先选择一个标题组", severity="warning")
            return
        try:
            count = int(self.query_one("#headings-count", Input).value or "0")
        except ValueError:
            count = 0
        if count < 1:
            self.notify("数量应为正整数", severity="warning")
            return
        siblings = self.query_one("#headings-siblings", Checkbox).value
        warnings = apply_parallel_set(ws.draft, path, ws.heading_sets[hs_id], count, siblings=siblings)
        for warning in warnings:
            self.notify(warning, severity="warning", markup=False)
        self.changed()
        self.refresh_from_draft()
        self.show_section()

    def action_alternatives(self) -> None:
        """换一个: the other headings the material has for the selected section, listed."""
        from drafter.tui.screens.alternatives import AlternativesScreen

        path = self.current_path()
        if path is None:
            self.notify("请先在左边选中一节", severity="warning")
            return
        choices = self.workspace.heading_alternatives(path)
        if len(choices) < 2:
            self.notify("素材库中没有这一节的其他标题，可以直接输入", severity="warning")
            return

        def chosen(index: int | None) -> None:
            section = section_at(self.workspace.draft, path)
            if index is None or index == 0 or section is None:
                return
            section.heading = choices[index]
            section.heading_set = None
            self._update_row(path)
            self.show_section()
            self.changed()

        self.app.push_screen(AlternativesScreen("换一个标题", choices), chosen)

    def show_lint(self) -> None:
        findings = [f for f in self.workspace.findings if f.rule == "parallel-headings"]
        text = Text()
        if not self.workspace.lint_ready:
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
