"""Step 3 标题: a heading for each section, typed, picked from the phrasebank, or a parallel set.

换一个 (F5) puts the next alternative heading in place, Shift+F5 the previous one; the alternatives
are listed beside the sections (the one in the draft marked), F7 lists them in full.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.geometry import Size
from textual.widget import Widget
from textual.widgets import Button, Checkbox, Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from drafter.drafting.editing import (
    apply_parallel_set,
    display_heading,
    iter_section_paths,
    section_at,
    section_marker,
)
from drafter.model import DraftSection
from drafter.tui.steps.base import WideStep
from drafter.tui.widgets import AlternativesPanel
from drafter.tui.widgets.alternatives_panel import preview_line
from drafter.tui.widgets.rows import replace_prompt
from drafter.workspace import Ring, Workspace


class HeadingsStep(WideStep):
    key = "headings"
    title = "标题"

    BINDINGS: ClassVar[list[BindingType]] = [
        # priority: handled as the app receives the key, not after it has bubbled up from the focused
        # widget one message hop per container (no widget of this step uses F5 itself)
        Binding("f5", "alternatives", "换一个", id="heading-alternatives", priority=True),
        Binding(
            "shift+f5",
            "alternatives_back",
            "换回上一个",
            id="heading-alternatives-back",
            show=False,
            priority=True,
        ),
        Binding("f7", "alternatives_list", "全部备选", id="heading-alternatives-list"),
    ]

    # One line per heading, cut with an ellipsis at the list's width (the whole heading is in the input
    # box and the 换一个 panel): a heading put in place never re-wraps its row, so 换一个 repaints that
    # one line, not the list from that row down.
    DEFAULT_CSS = """
    #headings-sections {
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    """

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
                yield AlternativesPanel("标题", id="headings-alts")
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
        self.show_alternatives(path)
        box = self.query_one("#headings-input", Input)
        with box.prevent(Input.Changed):
            box.value = display_heading(section, ws.heading_sets) if section else ""
        options = self.query_one("#headings-options", OptionList)
        self.option_items = []
        prompts = []
        if section is not None:
            for hs_id, hs in ws.ranked_heading_sets(section.role):
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
        self.show_alternatives(path)
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
        replace_prompt(self.query_one("#headings-sections", OptionList), self.paths.index(path), text)

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
        self.show_alternatives(path)
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

    # 换一个 -----------------------------------------------------------
    def _describe(self, heading: str, heading_set: str | None) -> str:
        return preview_line(
            display_heading(DraftSection("", heading, heading_set), self.workspace.heading_sets)
        )

    def ring(self, path: tuple[int, ...] | None) -> Ring | None:
        """The alternatives of the heading at ``path`` (cached by the workspace while it stays)."""
        if path is None:
            return None
        return self.workspace.heading_ring(path, self._describe)

    def show_alternatives(self, path: tuple[int, ...] | None) -> None:
        ring = self.ring(path)
        note = "（素材库加载中……）" if not self.workspace.phrasebank_ready else ""
        if path is None:
            note = "（先在上面选中一节）"
        self.query_one("#headings-alts", AlternativesPanel).show(ring, note=note)

    def _usable_ring(self) -> tuple[tuple[int, ...], Ring] | None:
        path = self.current_path()
        if path is None:
            self.notify("请先在左边选中一节", severity="warning")
            return None
        ring = self.ring(path)
        if ring is None or len(ring) < 2:
            self.notify("素材库中没有这一节的其他标题，可以直接输入", severity="warning")
            return None
        return path, ring

    def choose(self, path: tuple[int, ...], ring: Ring, index: int) -> None:
        """Put alternative ``index`` in place.

        The section's row and the panel repaint in the next frame (no layout pass); the input box
        follows once that frame is painted (also without a layout pass; in the same frame it would
        widen the region that frame repaints to both columns).
        """
        self.workspace.choose_alternative(ring, index)
        self._update_row(path)
        self.query_one("#headings-alts", AlternativesPanel).show(ring)
        self.changed()
        self.call_after_refresh(self._show_input, path)

    def _show_input(self, path: tuple[int, ...]) -> None:
        section = section_at(self.workspace.draft, path)
        if section is None or path != self.current_path():
            return
        box = self.query_one("#headings-input", Input)
        value = display_heading(section, self.workspace.heading_sets)
        if box.value != value:
            # The box's scroll width is set first (as its own watcher would set it), so that the new
            # value repaints the box without asking for a layout pass of the whole screen.
            width = cell_len(value) + 1 if value or not box.placeholder else cell_len(box.placeholder)
            box.set_reactive(Widget.virtual_size, Size(width, 1))
            with box.prevent(Input.Changed):
                box.value = value

    def action_alternatives(self) -> None:
        """换一个: the next heading the material has for the selected section, in place (cycling)."""
        if found := self._usable_ring():
            self.choose(*found, found[1].step(1))

    def action_alternatives_back(self) -> None:
        """Shift+F5: back to the previous alternative (the first one is the heading as it was)."""
        if found := self._usable_ring():
            self.choose(*found, found[1].step(-1))

    def action_alternatives_list(self) -> None:
        """F7: every alternative in full, in a list (Enter takes one)."""
        from drafter.tui.screens.alternatives import AlternativesScreen

        found = self._usable_ring()
        if found is None:
            return
        path, ring = found
        texts = [
            display_heading(DraftSection("", h, s), self.workspace.heading_sets) for h, s in ring.choices
        ]

        def chosen(index: int | None) -> None:
            if index is not None and self.ring(path) is ring and index != ring.index:
                self.choose(path, ring, index)

        self.app.push_screen(AlternativesScreen("换一个标题", texts, ring.index), chosen)

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
