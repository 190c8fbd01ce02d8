"""素材审核: phrase candidates mined from the writer's archive, accepted or rejected by key, in batches.

Space marks a candidate (several may be marked); A accepts and R rejects the
marked ones (or the highlighted one when none is marked).  Accepted phrases go
to the user phrasebank with their provenance (``Library.accept``); rejected
ones are never offered again.  The library is read and written in a worker.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Label, SelectionList, Static
from textual.widgets.selection_list import Selection

from drafter.errors import DrafterError
from drafter.library import CandidateInfo, Library
from drafter.model import ROLE_LABELS
from drafter.tui.screens.dialogs import Dialog

SHOWN = 200  # candidates listed at once (the best first); the rest after these are decided


class ReviewScreen(Dialog):
    """Dismisses with the number of candidates accepted (the phrasebank needs reloading if > 0)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "decide('accept')", "采用", id="review-accept"),
        Binding("r", "decide('reject')", "舍弃", id="review-reject"),
        Binding("ctrl+a", "mark_all", "全选", id="review-all"),
        Binding("escape", "close", "关闭", id="review-close"),
    ]

    DEFAULT_CSS = """
    #review-list {
        height: 1fr;
        min-height: 6;
    }

    .review-dialog {
        height: 90%;
    }
    """

    def __init__(self) -> None:
        super().__init__(classes="modal")
        self.candidates: dict[str, CandidateInfo] = {}
        self.accepted = 0

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog review-dialog"):
            yield Label(
                "素材审核：从往年讲话中挖出的语句。空格勾选，A 采用（加入素材库），R 舍弃，Ctrl+A 全选，Esc 关闭"
            )
            yield SelectionList[str](id="review-list")
            yield Static("正在读取……", id="review-status", classes="hint")

    def on_mount(self) -> None:
        self.query_one("#review-list", SelectionList).focus()
        self.load()

    @work(thread=True, exclusive=True, group="review", exit_on_error=False)
    def load(self) -> None:
        try:
            with Library.open() as lib:
                found = lib.candidates()
        except DrafterError as exc:
            self.app.call_from_thread(self._status, f"无法读取本单位讲话库：{exc}")
            return
        self.app.call_from_thread(self._show, found)

    def _status(self, message: str) -> None:
        self.query_one("#review-status", Static).update(Text(message))

    def _show(self, found: list[CandidateInfo]) -> None:
        self.candidates = {c.id: c for c in found}
        box = self.query_one("#review-list", SelectionList)
        box.clear_options()
        box.add_options([Selection(self._prompt(c), c.id) for c in found[:SHOWN]])
        if box.option_count:
            box.highlighted = 0
        if not found:
            self._status("没有待审核的语句：先用 drafter corpus import 导入往年讲话")
        else:
            self._status(
                f"待审核 {len(found)} 条（列出前 {min(len(found), SHOWN)} 条）；已采用 {self.accepted} 条"
            )

    @staticmethod
    def _prompt(candidate: CandidateInfo) -> Text:
        file, speech, line = candidate.source
        text = Text(candidate.text)
        text.append(
            f"\n  〔{ROLE_LABELS.get(candidate.role, candidate.role)} · {candidate.function}〕"
            f" 出处：{file} 第{speech + 1}篇第{line}行",
            style="dim",
        )
        return text

    def chosen_ids(self) -> list[str]:
        """The marked candidates, or the highlighted one when none is marked."""
        box = self.query_one("#review-list", SelectionList)
        if box.selected:
            return list(box.selected)
        if box.highlighted is not None and box.option_count:
            return [box.get_option_at_index(box.highlighted).value]
        return []

    def action_mark_all(self) -> None:
        self.query_one("#review-list", SelectionList).select_all()

    def action_decide(self, what: str) -> None:
        ids = self.chosen_ids()
        if ids:
            self._status("正在保存……")
            self.decide(what, ids)

    @work(thread=True, exclusive=True, group="review", exit_on_error=False)
    def decide(self, what: str, ids: list[str]) -> None:
        try:
            with Library.open() as lib:
                if what == "accept":
                    done: Any = lib.accept(ids)
                    message = f"已采用 {len(done)} 条，加入素材库"
                    count = len(done)
                else:
                    count = 0
                    message = f"已舍弃 {lib.reject(ids)} 条"
                found = lib.candidates()
        except DrafterError as exc:
            self.app.call_from_thread(self._status, f"未完成：{exc}")
            return
        self.app.call_from_thread(self._decided, count, message, found)

    def _decided(self, accepted: int, message: str, found: list[CandidateInfo]) -> None:
        self.accepted += accepted
        self._show(found)
        self.notify(message, markup=False)

    def action_close(self) -> None:
        self.dismiss(self.accepted)
