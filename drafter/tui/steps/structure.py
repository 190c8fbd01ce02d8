"""Step 2 选择结构: templates, the writer's own structures (本单位) and the seeds' beside them."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from drafter.drafting import rank_templates, suited_template
from drafter.drafting.editing import add_section, display_heading, move_item, remove_item, section_marker
from drafter.model import ROLE_LABELS, SECTION_ROLES
from drafter.tui.messages import ChooseStructure, Reshuffle
from drafter.tui.screens.dialogs import ConfirmScreen
from drafter.tui.steps.base import WideStep
from drafter.tui.widgets import SectionList
from drafter.workspace import roles_of_template

USER_ORIGIN = "user"


def structure_label(structure: Any) -> str:
    """本单位 for a structure from the writer's own archive, 语料 for the shipped seeds'."""
    return "本单位" if getattr(structure, "origin", "") == USER_ORIGIN else "语料"


def sources_text(structure: Any, limit: int = 3) -> str:
    speeches = list(structure.speeches)
    text = "、".join(f"{src} 第{idx + 1}篇" for src, idx in speeches[:limit])
    return text + (" 等" if len(speeches) > limit else "")


class StructureStep(WideStep):
    key = "structure"
    title = "选择结构"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f6", "reshuffle", "换一批", id="reshuffle"),
    ]

    def compose(self) -> ComposeResult:
        yield self.heading("回车选用一种结构：各节标题和内容会按常见写法预先填好")
        with Horizontal(classes="columns"):
            with Vertical(classes="column"):
                yield Label("模板、本单位与语料中的结构（次数 · 来源）")
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
        self.refresh_choices()  # (Step.on_mount, run as well by Textual, shows the sections)

    def workspace_loaded(self) -> None:
        self.refresh_choices()
        self.refresh_from_draft()
        option = self.query_one("#structure-choices", OptionList).highlighted_option
        if option is not None and option.id and option.id != "loading":
            self.preview(option.id)

    # choices -------------------------------------------------------
    def refresh_choices(self) -> None:
        ws = self.workspace
        choices = self.query_one("#structure-choices", OptionList)
        highlighted = choices.highlighted
        options: list[Option] = []
        suited = suited_template(ws.draft.meeting)
        for info in rank_templates(ws.templates, ws.draft.meeting):
            text = Text()
            text.append("模板　", style="bold")
            text.append(str(getattr(info, "title", "") or info.name))
            if info.name == suited:
                text.append("（推荐）", style="bold")
            roles = roles_of_template(getattr(info, "roles", ()) or ())
            if roles:
                text.append("　" + " → ".join(ROLE_LABELS.get(r, r) for r in roles), style="dim")
            options.append(Option(text, id=f"t:{info.name}"))
        for i, structure in enumerate(ws.structures):
            text = Text()
            text.append(f"{structure_label(structure)}　", style="bold")
            text.append(" → ".join(ROLE_LABELS.get(r, r) for r in structure.roles))
            text.append(f"　×{structure.count}", style="bold")
            text.append(f"　来源：{sources_text(structure)}", style="dim")
            options.append(Option(text, id=f"m:{i}"))
        if not options:
            options.append(Option(Text("正在读取模板……"), id="loading", disabled=True))
        elif not ws.structures_loaded:
            options.append(Option(Text("正在读取本单位与语料中的结构……"), id="loading", disabled=True))
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
        self.preview(option_id)
        self.show_preview(option_id, None)

    def preview(self, option_id: str) -> None:
        """The outline a structure choice would give, suggested in a worker (cached per choice)."""
        ws = self.workspace
        if not ws.phrasebank_ready:
            return
        cached = ws.suggest_cache.get(option_id)
        if cached is not None:
            self.show_preview(option_id, cached[1])
            return
        self._suggest(option_id)

    @work(thread=True, group="suggest", exit_on_error=False)  # results for another choice are not shown
    def _suggest(self, option_id: str) -> None:
        try:
            _draft, lines = self.workspace.suggest(option_id)
        except Exception as exc:
            self.app.call_from_thread(self.report, "预填结构", exc)
            return
        self.app.call_from_thread(self.show_preview, option_id, lines)

    def show_preview(self, option_id: str, lines: list[str] | None) -> None:
        choices = self.query_one("#structure-choices", OptionList)
        current = choices.highlighted_option
        if current is None or current.id != option_id:
            return
        ws = self.workspace
        text = Text()
        if option_id.startswith("t:"):
            for info in ws.templates:
                if info.name == option_id[2:]:
                    text.append(str(getattr(info, "title", "") or info.name) + "\n", style="bold")
                    if getattr(info, "description", ""):
                        text.append(str(info.description) + "\n")
        elif option_id.startswith("m:") and int(option_id[2:]) < len(ws.structures):
            structure = ws.structures[int(option_id[2:])]
            where = "本单位讲话中" if structure_label(structure) == "本单位" else "语料中"
            text.append(f"{where}出现 {structure.count} 次：", style="bold")
            text.append(sources_text(structure, 12) + "\n")
        if lines is None:
            roles = ws.choice_roles(option_id)
            text.append("结构：" + " → ".join(ROLE_LABELS.get(r, r) for r in roles) + "\n")
            if not ws.phrasebank_ready:
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
            self.post_message(ChooseStructure(event.option.id))

    # current sections ---------------------------------------------
    def refresh_from_draft(self) -> None:
        ws = self.workspace
        box = self.query_one("#structure-sections", SectionList)
        highlighted = box.highlighted
        options = []
        for i, section in enumerate(ws.draft.sections):
            heading = display_heading(section, ws.heading_sets) or "（未定标题）"
            text = Text(f"{section_marker((i,))}{heading}")
            text.append(f"　〔{ROLE_LABELS.get(section.role, section.role)}〕", style="dim")
            options.append(Option(text))
        if not options:
            options.append(Option(Text("（还没有章节：在左边选一种结构，或用下面的“添加”）"), disabled=True))
        box.set_options(options)
        if ws.draft.sections:
            box.highlighted = min(highlighted or 0, len(ws.draft.sections) - 1)

    def _current(self) -> int | None:
        box = self.query_one("#structure-sections", SectionList)
        if not self.workspace.draft.sections:
            return None
        return box.highlighted

    def _show_sections(self, highlight: int | None) -> None:
        self.refresh_from_draft()
        if highlight is not None:
            self.query_one("#structure-sections", SectionList).highlighted = highlight

    @on(SectionList.Move, "#structure-sections")
    def _move(self, event: SectionList.Move) -> None:
        event.stop()
        self.move_section(event.delta)

    @on(SectionList.Remove, "#structure-sections")
    def _remove_key(self, event: SectionList.Remove) -> None:
        event.stop()
        self.remove_section()

    def move_section(self, delta: int) -> None:
        index = self._current()
        if index is None:
            return
        new = move_item(self.workspace.draft.sections, index, delta)
        self.changed()
        self._show_sections(new)

    def remove_section(self) -> None:
        index = self._current()
        if index is None:
            return
        section = self.workspace.draft.sections[index]
        heading = display_heading(section, self.workspace.heading_sets) or "未定标题"

        def done(yes: bool | None) -> None:
            if not yes:
                return
            new = remove_item(self.workspace.draft.sections, index)
            self.changed()
            self._show_sections(new)

        if section.items or section.children:
            self.app.push_screen(ConfirmScreen(f"删除“{heading}”及其内容？"), done)
        else:
            done(True)

    @on(Button.Pressed, "#structure-add")
    def _add(self, event: Button.Pressed) -> None:
        event.stop()
        role = self.query_one("#structure-role", Select).value
        if not isinstance(role, str):
            return
        index = add_section(self.workspace.draft, role, self._current())
        self.changed()
        self._show_sections(index)

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

    def action_reshuffle(self) -> None:
        self.post_message(Reshuffle())

    def focus_main(self) -> None:
        self.screen.set_focus(self.query_one("#structure-choices", OptionList))

    def jump_to(self, path: tuple[int, ...] | None) -> None:
        if path:
            box = self.query_one("#structure-sections", SectionList)
            box.highlighted = path[0]
            self.screen.set_focus(box)
