"""F1 help: every key of the wizard, grouped by where it works."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Button, Static

from drafter.tui.screens.dialogs import Dialog


@dataclass
class KeyHelp:
    key: str
    description: str
    where: str


class HelpScreen(Dialog):
    """F1: every key of the app, grouped by where it works."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,f1,q", "close", "关闭")]

    def __init__(self, keys: Sequence[KeyHelp]) -> None:
        super().__init__(classes="modal")
        self.keys = list(keys)

    def compose(self) -> ComposeResult:
        text = Text()
        text.append("讲稿助手 · 按键一览\n\n", style="bold")
        where = None
        for entry in self.keys:
            if entry.where != where:
                where = entry.where
                text.append(f"\n{where}\n", style="bold underline")
            pad = max(1, 20 - cell_len(entry.key))
            text.append(f"  {entry.key}{' ' * pad}", style="bold")
            text.append(f"{entry.description}\n")
        text.append(
            "\n按 Esc 或 F1 关闭。命令面板（Ctrl+P）中有：保存、另存为、导出、复制全文、新建、打开、加入素材库、素材审核、切换主题，\n"
            "以及 Textual 自带的主题选择、按键面板、最大化和截图；输入词语还可查找素材、最近的草稿和章节。\n"
        )
        with Vertical(classes="dialog help-dialog"):
            with VerticalScroll(id="help-scroll"):
                yield Static(text, id="help-text")
            yield Button("关闭(Esc)", id="help-close")

    def on_mount(self) -> None:
        self.query_one("#help-scroll").focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)
