"""Step 6 导出: format and path, then the export (run by the app in a worker)."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Button, Checkbox, Input, Label, ProgressBar, RadioButton, RadioSet, Static

from drafter.errors import DrafterError
from drafter.tui.messages import ExportRequested
from drafter.tui.steps.base import WideStep
from drafter.workspace import EXPORT_FORMATS, FORMAT_LABELS, default_export_path, with_format


class ExportStep(WideStep):
    key = "export"
    title = "导出"

    def compose(self) -> ComposeResult:
        yield self.heading("选择格式和保存位置，回车导出")
        with VerticalScroll(id="export-form"):
            yield Label("格式")
            with RadioSet(id="export-format"):
                for fmt in EXPORT_FORMATS:
                    yield RadioButton(FORMAT_LABELS[fmt], value=fmt == "docx", name=fmt)
            yield Label("保存到")
            yield Input(id="export-path", placeholder="文件路径")
            yield Checkbox("允许留空（未填的空标为【待补：…】）", id="export-blanks")
            yield Checkbox(
                "（一）级标题与正文同段，并进入 Word 导航窗格（样式分隔符；LibreOffice 中显示为两行）",
                id="export-separator",
            )
            yield Button("导出 (回车)", id="export-go", variant="primary")
            yield ProgressBar(total=3, id="export-progress", show_eta=False)
            yield Static("", id="export-result")

    def refresh_from_draft(self) -> None:
        box = self.query_one("#export-path", Input)
        if not box.value or getattr(self, "_auto_path", None) == box.value:
            try:
                path = str(default_export_path(self.workspace.draft, self.fmt()))
            except DrafterError:
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
            new = str(with_format(box.value, self.fmt()))
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
            self.notify("请填写保存路径", severity="warning")
            return
        allow_blanks = self.query_one("#export-blanks", Checkbox).value
        separator = self.query_one("#export-separator", Checkbox).value
        self.post_message(ExportRequested(path, self.fmt(), allow_blanks, separator))

    def set_allow_blanks(self, value: bool) -> None:
        self.query_one("#export-blanks", Checkbox).value = value

    def show_progress(self, done: int, message: str) -> None:
        self.query_one("#export-progress", ProgressBar).update(progress=done)
        result = self.query_one("#export-result", Static)
        result.update(Text(message))
        result.scroll_visible()

    def focus_main(self) -> None:
        self.screen.set_focus(self.query_one("#export-go", Button))
