"""Step 4 内容: for each part of the speech, phrases searched and picked, slots filled, own text.

换一个 (F5) puts the next alternative paragraph in place, Shift+F5 the previous one; the alternatives
of the selected paragraph are listed under the paragraphs (the one in the draft marked), F7 lists them
in full.  They are found in a worker when a paragraph is selected (10–20 ms with the full material),
so F5 itself only swaps the paragraph and repaints its row, the list of alternatives and the editor.
"""

from __future__ import annotations

import copy
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, OptionList, Select, Static, TextArea
from textual.widgets.option_list import Option

from drafter.drafting.editing import (
    Part,
    item_slot_names,
    items_of,
    move_item,
    parts_of,
    remove_item,
    section_at,
)
from drafter.model import MEETING_FIELDS, PHRASE_ROLES, ROLE_LABELS, DraftItem
from drafter.tui.display import fill_preview
from drafter.tui.messages import AddPhraseRequested
from drafter.tui.steps.base import WideStep
from drafter.tui.widgets import AlternativesPanel, SectionList
from drafter.tui.widgets.alternatives_panel import preview_line
from drafter.tui.widgets.rows import replace_prompt
from drafter.workspace import Ring, Workspace

RESULT_PAGE = 12  # search results listed at once (about a screenful); "更多" lists the next page
# A paragraph's row in the list of chosen items: its beginning (the editor below shows it whole).  Rows
# of the same height let 换一个 repaint one row without a layout pass (which re-renders the screen).
ITEM_ROW_CHARS = 60
MORE_RESULTS = "more-results"


class ContentStep(WideStep):
    key = "content"
    title = "内容"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+l", "add_to_phrasebank", "加入素材库", id="add-phrase"),
        Binding("ctrl+g", "archive", "往年讲话", id="archive"),
        # priority: handled as the app receives the key, not after it has bubbled up from the focused
        # widget one message hop per container (no widget of this step uses F5 itself)
        Binding("f5", "alternatives", "换一个", id="item-alternatives", priority=True),
        Binding(
            "shift+f5",
            "alternatives_back",
            "换回上一个",
            id="item-alternatives-back",
            show=False,
            priority=True,
        ),
        Binding("f7", "alternatives_list", "全部备选", id="item-alternatives-list"),
    ]

    def __init__(self, workspace: Workspace, **kwargs: Any) -> None:
        super().__init__(workspace, **kwargs)
        self.parts: list[Part] = []
        self.search_serial = 0
        self.editing: DraftItem | None = None
        self._slot_names: tuple[str, ...] | None = None  # the slot inputs mounted for ``editing``
        self._editor_next: DraftItem | None = None  # 换一个: shown in the editor after the next frame
        self._finding: DraftItem | None = None  # the paragraph whose alternatives a worker is finding

    def compose(self) -> ComposeResult:
        yield self.heading("为每一部分挑选语句（回车加入），填空，或自拟一段")
        with Horizontal(classes="columns"):
            with Vertical(classes="column"):
                yield OptionList(id="content-parts", markup=False)
                yield Label("已选内容（Shift+↑/↓ 移动，Delete 删除）")
                yield SectionList(id="content-items", markup=False)
                yield AlternativesPanel("段落", id="content-alts")
                with Horizontal(classes="buttons"):
                    yield Button("上移", id="content-up", compact=True)
                    yield Button("下移", id="content-down", compact=True)
                    yield Button("删除", id="content-remove", compact=True)
                    yield Button("自拟", id="content-free", compact=True, tooltip="新增一段自己写的文字")
                    yield Button("加入素材库", id="content-add-phrase", compact=True)
                    yield Button(
                        "往年讲话",
                        id="content-archive",
                        compact=True,
                        tooltip="在往年讲话中搜索段落（Ctrl+G）",
                    )
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

    def workspace_loaded(self) -> None:
        self.refresh_from_draft()
        self.run_search()

    # parts -----------------------------------------------------------
    def refresh_from_draft(self) -> None:
        ws = self.workspace
        box = self.query_one("#content-parts", OptionList)
        highlighted = box.highlighted
        self.parts = parts_of(ws.draft, ws.heading_sets)
        options = []
        for part in self.parts:
            items = items_of(ws.draft, part) or []
            text = Text("　" * part.depth + part.label)
            text.append(f"　{len(items)} 段", style="dim" if items else "red")
            options.append(Option(text))
        box.set_options(options)
        box.highlighted = min(highlighted or 0, len(self.parts) - 1)
        self.refresh_filters()

    def refresh_filters(self) -> None:
        ws = self.workspace
        if not ws.phrasebank_ready:
            return
        if getattr(self, "_filters_for", None) is ws.phrasebank:
            return
        self._filters_for = ws.phrasebank
        functions = self.query_one("#content-function", Select)
        topics = self.query_one("#content-topic", Select)
        all_functions = sorted({p.function for p in ws.phrasebank.phrases.values()})
        all_topics = sorted({t for p in ws.phrasebank.phrases.values() for t in p.topics})
        functions.set_options([(f, f) for f in all_functions])
        topics.set_options([(t, t) for t in all_topics])

    def current_part(self) -> Part | None:
        box = self.query_one("#content-parts", OptionList)
        if box.highlighted is None or not self.parts:
            return None
        return self.parts[min(box.highlighted, len(self.parts) - 1)]

    def current_items(self) -> list[DraftItem] | None:
        part = self.current_part()
        return items_of(self.workspace.draft, part) if part else None

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
            section = section_at(self.workspace.draft, part.path)
            role = section.role if section else None
        role_select = self.query_one("#content-role", Select)
        if role and role_select.value != role:
            role_select.value = role
        self.show_items()
        self.run_search()

    def show_items(self, highlight: int | None = None) -> None:
        items = self.current_items() or []
        box = self.query_one("#content-items", SectionList)
        old = box.highlighted
        options = []
        for i, item in enumerate(items):
            options.append(Option(self.item_row(i, item)))
        if not options:
            options.append(Option(Text("（还没有内容：在右边搜索并回车加入，或“自拟一段”）"), disabled=True))
        box.set_options(options)
        if items:
            target = highlight if highlight is not None else (old or 0)
            box.highlighted = max(0, min(target, len(items) - 1))
        else:
            self.show_editor(None)
        self.show_alternatives()
        part = self.current_part()
        if part is not None:
            index = self.parts.index(part)
            text = Text("　" * part.depth + part.label)
            text.append(f"　{len(items)} 段", style="dim" if items else "red")
            self.query_one("#content-parts", OptionList).replace_option_prompt_at_index(index, text)

    def item_row(self, index: int, item: DraftItem) -> Text:
        """A paragraph's row in the list: its number and beginning."""
        text = " ".join(self.item_text(item).split())
        if len(text) > ITEM_ROW_CHARS:
            text = text[:ITEM_ROW_CHARS] + "…"
        return Text(f"{index + 1}．{text}")

    def item_text(self, item: DraftItem) -> str:
        ws = self.workspace
        if item.phrase:
            phrase = ws.phrase(item.phrase)
            if phrase is None:
                return f"〔素材 {item.phrase}〕" + ("（素材库中找不到）" if ws.phrasebank_ready else "")
            return fill_preview(phrase.text, item.values, ws.draft.meeting)
        return fill_preview(item.text or "", item.values, ws.draft.meeting) or "（空白段落）"

    def current_item_index(self) -> int | None:
        items = self.current_items()
        box = self.query_one("#content-items", SectionList)
        if not items or box.highlighted is None:
            return None
        return min(box.highlighted, len(items) - 1)

    @on(SectionList.Move, "#content-items")
    def _move_key(self, event: SectionList.Move) -> None:
        event.stop()
        self.move_item(event.delta)

    @on(SectionList.Remove, "#content-items")
    def _remove_key(self, event: SectionList.Remove) -> None:
        event.stop()
        self.remove_item()

    @on(OptionList.OptionHighlighted, "#content-items")
    def _item_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        items = self.current_items() or []
        index = self.current_item_index()
        self.show_editor(items[index] if index is not None else None)
        self.show_alternatives()

    def show_editor(self, item: DraftItem | None) -> None:
        ws = self.workspace
        area = self.query_one("#content-text", TextArea)
        self.editing = item
        if item is None:
            self.query_one("#content-slots", Vertical).remove_children()
            self._slot_names = None
            area.read_only = True
            area.load_text("")
            return
        phrase = ws.phrase(item.phrase)
        if item.source:
            self.query_one("#content-detail", Static).update(Text(f"往年讲话段落，出处：{item.source}"))
            self._detail_for = None
        phrase_text = phrase.text if phrase else None
        if item.phrase:
            area.read_only = True
            area.load_text(phrase_text or "")
        else:
            area.read_only = False
            area.load_text(item.text or "")
        try:
            names = item_slot_names(item, phrase_text)
        except Exception:  # a broken phrase text: lint reports it
            names = []
        if tuple(names) == self._slot_names:
            self._refill_slots(item, phrase)  # the same blanks (换一个 within a point): no remount
            return
        slots_box = self.query_one("#content-slots", Vertical)
        slots_box.remove_children()
        self._slot_names = tuple(names)
        rows = []
        for name in names:
            prompt = self._slot_prompt(name, phrase)
            meeting_value = ws.draft.meeting.get(name)
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

    def _refill_slots(self, item: DraftItem, phrase: Any) -> None:
        """Show ``item``'s values in the slot inputs already mounted (same names, same order)."""
        meeting = self.workspace.draft.meeting
        for box in self.query_one("#content-slots", Vertical).query(Input):
            name = box.name or ""
            meeting_value = meeting.get(name)
            box.placeholder = (
                f"取自会议信息：{meeting_value}" if meeting_value else self._slot_prompt(name, phrase)
            )
            with box.prevent(Input.Changed):
                box.value = item.values.get(name, "")

    def _slot_prompt(self, name: str, phrase: Any) -> str:
        for slot in getattr(phrase, "slots", []) or []:
            if slot.name == name:
                return f"{slot.prompt}（如 {slot.example}）" if slot.example else slot.prompt or name
        registry = getattr(self.workspace.phrasebank, "slots", {}) if self.workspace.phrasebank_ready else {}
        slot = registry.get(name) if isinstance(registry, dict) else None
        if slot is not None:
            return f"{slot.prompt}（如 {slot.example}）" if slot.example else slot.prompt or name
        return MEETING_FIELDS.get(name, f"填写“{name}”")

    @on(Input.Changed, ".slot-input")
    def _slot_changed(self, event: Input.Changed) -> None:
        event.stop()
        item = self.editing
        if item is None or not event.input.name:
            return
        if event.value.strip():
            item.values[event.input.name] = event.value.strip()
        else:
            item.values.pop(event.input.name, None)
        self._update_item_row()
        self.changed()

    @on(TextArea.Changed, "#content-text")
    def _text_changed(self, event: TextArea.Changed) -> None:
        event.stop()
        item = self.editing
        if item is None or item.phrase or event.text_area.read_only:
            return
        if item.text == event.text_area.text:
            return
        item.text = event.text_area.text
        self._update_item_row()
        self.changed()

    def _update_item_row(self) -> None:
        index = self.current_item_index()
        items = self.current_items() or []
        if index is None:
            return
        replace_prompt(
            self.query_one("#content-items", SectionList), index, self.item_row(index, items[index])
        )

    def move_item(self, delta: int) -> None:
        items = self.current_items()
        index = self.current_item_index()
        if items is None or index is None:
            return
        new = move_item(items, index, delta)
        self.changed()
        self.show_items(new)

    def remove_item(self) -> None:
        items = self.current_items()
        index = self.current_item_index()
        if items is None or index is None:
            return
        new = remove_item(items, index)
        self.changed()
        self.show_items(new)

    def add_item(self, item: DraftItem) -> None:
        items = self.current_items()
        if items is None:
            self.notify("请先在左上选中一个部分", severity="warning")
            return
        index = self.current_item_index()
        position = len(items) if index is None else index + 1
        items.insert(position, item)
        self.changed()
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

    @on(Button.Pressed, "#content-archive")
    def _archive(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_archive()

    def action_archive(self) -> None:
        """往年讲话: search the archive; the chosen paragraph is inserted as own text, with its 出处."""
        from drafter.tui.screens.archive import ArchiveScreen, provenance

        part = self.current_part()
        role = self.workspace.role_at(part.kind, part.path) if part is not None else None
        query = self.query_one("#content-search", Input).value.strip()

        def chosen(hit: Any) -> None:
            if hit is None:
                return
            item = DraftItem(text=hit.text, source=provenance(hit))  # kept in the draft spec
            self.add_item(item)
            self.notify(f"已插入往年讲话段落，出处：{provenance(hit)}", markup=False, timeout=8)

        self.app.push_screen(ArchiveScreen(query, role), chosen)

    # 换一个 -----------------------------------------------------------
    def _describe(self, item: DraftItem) -> str:
        return preview_line(self.item_text(item))

    def _selected_place(self) -> tuple[str, list[DraftItem], int] | None:
        part = self.current_part()
        items = self.current_items()
        index = self.current_item_index()
        if part is None or items is None or index is None:
            return None
        return part.key, items, index

    def show_alternatives(self) -> None:
        """The alternatives of the selected paragraph in the panel: kept ones at once, others found in
        a worker (the panel says so meanwhile)."""
        panel = self.query_one("#content-alts", AlternativesPanel)
        place = self._selected_place()
        ws = self.workspace
        if place is None:
            panel.show(None, note="（先在上面选中一段）")
            return
        if not ws.phrasebank_ready:
            panel.show(None, note="（素材库加载中……）")
            return
        key, items, index = place
        item = items[index]
        if not item.phrase or item.phrase not in ws.phrasebank.blocks:
            panel.show(None, note="（自拟文字和单句素材没有可换的段落，请直接修改）")
            return
        ring = ws.kept_item_ring(key, items, index)
        if ring is not None:
            panel.show(ring)
            return
        panel.show(None, note="（正在查找可换的段落……）")
        if self._finding is not item:  # not already being found
            self._finding = item
            self._find_alternatives(key, items, index, item, copy.deepcopy(ws.draft), ws.suggest_generation)

    @work(thread=True, group="alternatives", exit_on_error=False)  # a late result is checked, not cancelled
    def _find_alternatives(
        self, key: str, items: list[DraftItem], index: int, item: DraftItem, draft: Any, generation: int
    ) -> None:
        try:
            found = self.workspace.item_alternatives(item, draft)
        except Exception as exc:
            self.app.call_from_thread(self._alternatives_found, key, items, index, item, [], -1)
            self.app.call_from_thread(self.report, "查找可换的段落", exc)
            return
        self.app.call_from_thread(self._alternatives_found, key, items, index, item, found, generation)

    def _alternatives_found(
        self, key: str, items: list[DraftItem], index: int, item: DraftItem, found: list[Any], generation: int
    ) -> None:
        ws = self.workspace
        if self._finding is item:
            self._finding = None
        if generation != ws.suggest_generation or index >= len(items) or items[index] is not item:
            return  # the meeting, the material or the paragraph changed meanwhile: found again on select
        ring = ws.item_ring(key, items, index, self._describe, found)
        place = self._selected_place()
        if place is not None and place[1] is items and place[2] == index:
            self.query_one("#content-alts", AlternativesPanel).show(ring)

    def _usable_ring(self) -> tuple[list[DraftItem], int, Ring] | None:
        place = self._selected_place()
        if place is None:
            self.notify("请先在左边选中一段", severity="warning")
            return None
        key, items, index = place
        ring = self.workspace.item_ring(key, items, index, self._describe)
        if ring is None or len(ring) < 2:
            self.notify("这一段没有可换的段落（自拟文字和单句素材请直接修改）", severity="warning")
            return None
        return items, index, ring

    def choose(self, items: list[DraftItem], index: int, ring: Ring, choice: int) -> None:
        """Put alternative ``choice`` in place.

        Its row and the panel repaint in the next frame (no layout pass); the editor below (the whole
        text, the blanks) follows once that frame is painted — its new text changes the editor's
        scroll height, and the blanks may be other fields, both of which need a layout pass.
        """
        item = self.workspace.choose_alternative(ring, choice)
        self._update_item_row()
        self.query_one("#content-alts", AlternativesPanel).show(ring)
        self.changed()
        self._editor_next = item
        self.call_after_refresh(self._show_next_editor)

    def _show_next_editor(self) -> None:
        item, self._editor_next = self._editor_next, None
        if item is not None and self.editing is not item:
            items = self.current_items() or []
            index = self.current_item_index()
            if index is not None and items[index] is item:
                self.show_editor(item)

    def action_alternatives(self) -> None:
        """换一个: the next paragraph that could stand where the selected one is, in place (cycling)."""
        if found := self._usable_ring():
            self.choose(*found, found[2].step(1))

    def action_alternatives_back(self) -> None:
        """Shift+F5: back to the previous alternative (the first one is the paragraph as it was)."""
        if found := self._usable_ring():
            self.choose(*found, found[2].step(-1))

    def action_alternatives_list(self) -> None:
        """F7: every alternative with its whole text, in a list (Enter takes one)."""
        from drafter.tui.screens.alternatives import AlternativesScreen

        found = self._usable_ring()
        if found is None:
            return
        items, index, ring = found
        texts = [self.item_text(choice) for choice in ring.choices]

        def chosen(pick: int | None) -> None:
            place = self._selected_place()
            if pick is None or pick == ring.index or place is None:
                return
            if place[1] is items and place[2] == index and ring.holds():
                self.choose(items, index, ring, pick)

        self.app.push_screen(AlternativesScreen("换一个段落", texts, ring.index), chosen)

    def insert_phrase(self, phrase_id: str) -> None:
        """Add a phrase (chosen in the command palette) after the highlighted item."""
        phrase = self.workspace.phrase(phrase_id)
        if phrase is None:
            self.notify("素材库中找不到这条素材", severity="warning")
            return
        self.add_item(DraftItem(phrase=phrase_id))
        self.notify(f"已加入：{phrase.text[:24]}……", markup=False, timeout=2)

    def action_add_to_phrasebank(self) -> None:
        text = self.selected_text() or self.query_one("#content-text", TextArea).text
        if not text.strip():
            self.notify("请先在编辑框中选中要加入素材库的文字", severity="warning")
            return
        part = self.current_part()
        role = self.workspace.role_at(part.kind, part.path) if part is not None else "tasks"
        self.post_message(AddPhraseRequested(text.strip(), role))

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
        """Answer a search at once, in the keystroke's own handler.

        The index is only set once it is built and jieba is warm, so a search costs a few milliseconds
        even over 50,000 phrases, and the results paint in the same frame as the typed character (a
        worker would hand them back a frame or two later).  While the index loads the list says so.
        """
        self.search_serial += 1
        try:
            hits = self.workspace.search(*self.search_args())
        except Exception as exc:
            self.report("搜索", exc)
            return
        self.show_results(self.search_serial, hits)

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
        meeting = self.workspace.draft.meeting
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
        self.notify(f"已加入：{phrase.text[:24]}……", markup=False, timeout=2)

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
