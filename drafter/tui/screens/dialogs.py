"""Dialogs: confirm, missing values, resume, open a draft, add a phrase, save elsewhere, quit."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widgets import Button, Input, Label, OptionList, Select, Static, TextArea
from textual.widgets.option_list import Option

from drafter.model import PHRASE_ROLES, ROLE_LABELS
from drafter.workspace import DraftRecord


class Dialog(ModalScreen):
    """A centred dialog; the styles of every dialog."""

    DEFAULT_CSS = """
    Dialog {
        align: center middle;
    }

    .dialog {
        width: 80%;
        max-width: 100;
        height: auto;
        max-height: 90%;
        border: thick $primary;
        background: $surface;
        padding: 1 2;
    }

    .dialog-text {
        height: auto;
        margin-bottom: 1;
    }

    .dialog-buttons {
        height: auto;
        align-horizontal: right;
    }

    .dialog-buttons Button {
        margin-left: 2;
    }

    .help-dialog {
        height: 90%;
    }

    #help-scroll {
        height: 1fr;
    }

    #resume-list, #open-recent {
        height: auto;
        max-height: 14;
    }

    #add-text {
        height: 6;
    }
    """


class ConfirmScreen(Dialog):
    """A yes/no question; dismisses with True for yes."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "是"),
        Binding("n,escape", "answer(False)", "否"),
    ]

    def __init__(self, question: str, yes: str = "确定", no: str = "取消") -> None:
        super().__init__(classes="modal")
        self.question = question
        self.yes = yes
        self.no = no

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Text(self.question), classes="dialog-text")
            with Horizontal(classes="dialog-buttons"):
                yield Button(f"{self.yes}(Y)", id="confirm-yes", variant="primary")
                yield Button(f"{self.no}(N)", id="confirm-no")

    def on_mount(self) -> None:
        self.query_one("#confirm-yes", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "confirm-yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)


class MissingValuesScreen(Dialog):
    """Export stopped on blanks with no value: fill them in, or export with 【待补：…】 marks.

    Dismisses with "fill", "blanks", or None (cancel).
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f", "answer('fill')", "去填写"),
        Binding("b", "answer('blanks')", "留空导出"),
        Binding("escape", "answer(None)", "取消"),
    ]

    def __init__(self, names: Sequence[str], meeting_fields: Sequence[str]) -> None:
        super().__init__(classes="modal")
        self.names = list(names)
        self.meeting_fields = set(meeting_fields)

    def compose(self) -> ComposeResult:
        listed = "、".join(self.names)
        where = "会议信息" if all(n in self.meeting_fields for n in self.names) else "会议信息或内容"
        text = Text()
        text.append(f"还有填空没有值：{listed}\n", style="bold")
        text.append(f"可以回到“{where}”填写，或者先导出，空处标为【待补：{self.names[0]}】，定稿前再补上。")
        with Vertical(classes="dialog"):
            yield Static(text, classes="dialog-text")
            with Horizontal(classes="dialog-buttons"):
                yield Button("去填写(F)", id="missing-fill", variant="primary")
                yield Button("留空导出(B)", id="missing-blanks")
                yield Button("取消(Esc)", id="missing-cancel")

    def on_mount(self) -> None:
        self.query_one("#missing-fill", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        answers = {"missing-fill": "fill", "missing-blanks": "blanks"}
        self.dismiss(answers.get(event.button.id or ""))

    def action_answer(self, answer: str | None) -> None:
        self.dismiss(answer)


class ResumeScreen(Dialog):
    """Offer the recent autosaved drafts; None means start a new one."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "new", "新建讲稿")]

    def __init__(self, records: Sequence[DraftRecord]) -> None:
        super().__init__(classes="modal")
        self.records = list(records)

    def compose(self) -> ComposeResult:
        options = [Option(Text(r.label), id=f"r{i}") for i, r in enumerate(self.records)]
        options.append(Option(Text("＋ 新建讲稿"), id="new"))
        with Vertical(classes="dialog"):
            yield Label("发现自动保存的草稿，要继续哪一篇？（回车选择，Esc 新建）")
            yield OptionList(*options, id="resume-list", markup=False)

    def on_mount(self) -> None:
        self.query_one("#resume-list", OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        option_id = event.option.id or "new"
        if option_id == "new":
            self.dismiss(None)
        else:
            self.dismiss(self.records[int(option_id[1:])])

    def action_new(self) -> None:
        self.dismiss(None)


class OpenScreen(Dialog):
    """Open a draft spec: type a path or pick a recent autosaved draft."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "取消")]

    def __init__(self, records: Sequence[DraftRecord]) -> None:
        super().__init__(classes="modal")
        self.records = list(records)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("打开草稿：输入草稿文件（.yaml）路径后回车，或在下面选择最近的草稿")
            yield Input(placeholder="例如 examples/plenary.yaml", id="open-path")
            yield OptionList(
                *[Option(Text(r.label), id=f"r{i}") for i, r in enumerate(self.records)],
                id="open-recent",
                markup=False,
            )

    def on_mount(self) -> None:
        self.query_one("#open-path", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        value = event.value.strip()
        if value:
            self.dismiss(value)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.dismiss(str(self.records[int(event.option.id[1:])].path))

    def action_cancel(self) -> None:
        self.dismiss(None)


@dataclass
class NewPhrase:
    role: str
    function: str
    text: str
    topics: list[str]


class AddPhraseScreen(Dialog):
    """加入素材库: the selected text, its role, function and topics."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "取消"),
        Binding("ctrl+s", "submit", "加入"),
    ]

    def __init__(self, text: str, functions: dict[str, list[str]], topics: Sequence[str], role: str) -> None:
        super().__init__(classes="modal")
        self.text = text
        self.functions = functions
        self.topics = list(topics)
        self.role = role if role in PHRASE_ROLES else PHRASE_ROLES[0]

    def compose(self) -> ComposeResult:
        all_functions = sorted({f for fs in self.functions.values() for f in fs})
        with Vertical(classes="dialog add-dialog"):
            yield Label("加入素材库：检查文字，选择部分、作用和主题（Ctrl+S 加入，Esc 取消）")
            yield TextArea(self.text, id="add-text", soft_wrap=True)
            with Horizontal(classes="field-row"):
                yield Label("部分", classes="field-label")
                yield Select(
                    [(ROLE_LABELS[r], r) for r in PHRASE_ROLES],
                    value=self.role,
                    allow_blank=False,
                    id="add-role",
                )
            with Horizontal(classes="field-row"):
                yield Label("作用", classes="field-label")
                yield Input(
                    placeholder="如 工作要求、号召",
                    id="add-function",
                    suggester=SuggestFromList(all_functions, case_sensitive=False),
                )
            yield Static(Text(self._function_hint(self.role)), id="add-function-hint", classes="hint")
            with Horizontal(classes="field-row"):
                yield Label("主题", classes="field-label")
                yield Input(placeholder="可选，多个用逗号或空格分开，如 招商引资，营商环境", id="add-topics")
            yield Static(Text("已有主题：" + "、".join(self.topics[:20])), classes="hint")
            yield Static("", id="add-error", classes="reason")
            with Horizontal(classes="dialog-buttons"):
                yield Button("加入(Ctrl+S)", id="add-ok", variant="primary")
                yield Button("取消(Esc)", id="add-cancel")

    def _function_hint(self, role: str) -> str:
        functions = self.functions.get(role) or []
        return "常用作用：" + ("、".join(functions[:12]) if functions else "（无）")

    def on_mount(self) -> None:
        self.query_one("#add-function", Input).focus()

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "add-role" and isinstance(event.value, str):
            self.query_one("#add-function-hint", Static).update(Text(self._function_hint(event.value)))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "add-ok":
            self.action_submit()
        else:
            self.dismiss(None)

    def action_submit(self) -> None:
        text = self.query_one("#add-text", TextArea).text.strip()
        role = self.query_one("#add-role", Select).value
        function = self.query_one("#add-function", Input).value.strip()
        topics = [t for t in re.split(r"[,，、;；\s]+", self.query_one("#add-topics", Input).value) if t]
        error = ""
        if not text:
            error = "文字不能为空"
        elif not isinstance(role, str):
            error = "请选择部分"
        elif not function:
            error = "请填写作用（如 工作要求）"
        if error:
            self.query_one("#add-error", Static).update(Text(error))
            return
        assert isinstance(role, str)
        self.dismiss(NewPhrase(role=role, function=function, text=text, topics=topics))

    def action_cancel(self) -> None:
        self.dismiss(None)


class SaveAsScreen(Dialog):
    """另存为: a path for the draft spec; dismisses with the path typed, or None."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "取消")]

    def __init__(self, reason: str, suggestion: str = "") -> None:
        super().__init__(classes="modal")
        self.reason = reason
        self.suggestion = suggestion

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Text(self.reason), classes="dialog-text")
            yield Label("另存为（草稿文件 .yaml 的路径，回车保存，Esc 取消）")
            yield Input(self.suggestion, id="save-as-path", placeholder="例如 ~/讲稿/全体会议.yaml")

    def on_mount(self) -> None:
        self.query_one("#save-as-path", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.value.strip():
            self.dismiss(event.value.strip())

    def action_cancel(self) -> None:
        self.dismiss(None)


class QuitScreen(Dialog):
    """Quitting: tells the truth about the draft (saved or not) and offers to save elsewhere.

    Dismisses with "quit", "save_as" or None (stay).
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y,q", "answer('quit')", "退出"),
        Binding("s", "answer('save_as')", "另存为"),
        Binding("n,escape", "answer(None)", "取消"),
    ]

    def __init__(self, message: str, *, unsaved: bool) -> None:
        super().__init__(classes="modal")
        self.message = message
        self.unsaved = unsaved

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Text(self.message), classes="dialog-text", id="quit-text")
            with Horizontal(classes="dialog-buttons"):
                if self.unsaved:
                    yield Button("另存为(S)", id="quit-save-as", variant="primary")
                    yield Button("不保存，退出(Y)", id="quit-yes", variant="error")
                else:
                    yield Button("退出(Y)", id="quit-yes", variant="primary")
                yield Button("取消(N)", id="quit-no")

    def on_mount(self) -> None:
        self.query_one("#quit-save-as" if self.unsaved else "#quit-yes", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        answers = {"quit-yes": "quit", "quit-save-as": "save_as"}
        self.dismiss(answers.get(event.button.id or ""))

    def action_answer(self, answer: str | None) -> None:
        if answer == "save_as" and not self.unsaved:
            return
        self.dismiss(answer)
