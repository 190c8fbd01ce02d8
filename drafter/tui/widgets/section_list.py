"""A list whose entries can be moved and removed by key; the step that holds it does the moving."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import OptionList


class SectionList(OptionList):
    """Sections or items: Shift+↑/↓ and Delete post ``Move`` / ``Remove`` to the step that holds it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("shift+up", "move(-1)", "上移", id="list-up"),
        Binding("shift+down", "move(1)", "下移", id="list-down"),
        Binding("delete", "remove", "删除", id="list-remove"),
    ]

    @dataclass
    class Move(Message):
        list: SectionList
        delta: int

        @property
        def control(self) -> SectionList:
            return self.list

    @dataclass
    class Remove(Message):
        list: SectionList

        @property
        def control(self) -> SectionList:
            return self.list

    def action_move(self, delta: int) -> None:
        self.post_message(self.Move(self, delta))

    def action_remove(self) -> None:
        self.post_message(self.Remove(self))
