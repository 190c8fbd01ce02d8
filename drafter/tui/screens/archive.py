"""往年讲话: search the writer's archive (and the shipped seeds) and insert a paragraph with its source."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from drafter.errors import DrafterError
from drafter.library import SearchHit, search_all
from drafter.tui.screens.dialogs import Dialog

LIMIT = 30


def provenance(hit: SearchHit) -> str:
    """出处 of a paragraph: file, speech and the line in the original file."""
    title = f"《{hit.title}》" if hit.title else ""
    return f"{hit.source}{title} 第{hit.index + 1}篇第{hit.line}行"


class ArchiveScreen(Dialog):
    """Dismisses with the chosen ``SearchHit`` (or None)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "close", "关闭", id="archive-close")]

    DEFAULT_CSS = """
    .archive-dialog {
        height: 90%;
    }

    #archive-results {
        height: 1fr;
    }
    """

    def __init__(self, query: str = "", role: str | None = None) -> None:
        super().__init__(classes="modal")
        self.initial = query
        self.role = role
        self.hits: list[SearchHit] = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog archive-dialog"):
            yield Label("往年讲话：输入词语后回车搜索，在结果上回车插入这一段（注明出处），Esc 关闭")
            yield Input(self.initial, id="archive-query", placeholder="如 防汛、招商引资、作风")
            yield OptionList(id="archive-results", markup=False)
            yield Static("", id="archive-status", classes="hint")

    def on_mount(self) -> None:
        self.query_one("#archive-query", Input).focus()
        if self.initial.strip():
            self.search(self.initial.strip())

    @on(Input.Submitted, "#archive-query")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.value.strip():
            self.query_one("#archive-status", Static).update("搜索中……")
            self.search(event.value.strip())

    @work(thread=True, exclusive=True, group="archive", exit_on_error=False)
    def search(self, query: str) -> None:
        try:
            hits = search_all(query, role=self.role, limit=LIMIT)
        except DrafterError as exc:
            self.app.call_from_thread(self._status, f"搜索失败：{exc}")
            return
        self.app.call_from_thread(self._show, hits)

    def _status(self, message: str) -> None:
        self.query_one("#archive-status", Static).update(Text(message))

    def _show(self, hits: list[SearchHit]) -> None:
        self.hits = hits
        box = self.query_one("#archive-results", OptionList)
        options = []
        for hit in hits:
            text = Text(hit.text[:200])
            text.append(f"\n  出处：{provenance(hit)}", style="dim")
            options.append(Option(text))
        box.set_options(options)
        self._status(f"找到 {len(hits)} 段" if hits else "没有找到：换个词试试")
        if hits:
            box.highlighted = 0
            box.focus()

    @on(OptionList.OptionSelected, "#archive-results")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option_index < len(self.hits):
            self.dismiss(self.hits[event.option_index])

    def action_close(self) -> None:
        self.dismiss(None)
