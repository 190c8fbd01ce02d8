"""Step 5 预览与检查: the whole speech, its length, and the check's findings (Enter jumps to one)."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Label, Markdown, OptionList, Static
from textual.widgets.option_list import Option

from drafter.drafting.suggest import length_info
from drafter.tui.messages import CopyRequested, JumpToFinding
from drafter.tui.steps.base import WideStep


class PreviewStep(WideStep):
    key = "preview"
    title = "预览与检查"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("c", "copy_all", "复制全文", id="copy-all"),
    ]
    _rendering = False  # a render of the text is under way
    _markdown_next: str | None = None  # the text to render next

    def compose(self) -> ComposeResult:
        yield self.heading("讲话稿全文与检查结果；选中一条检查结果可跳到出问题的地方")
        with Horizontal(classes="columns"):
            with VerticalScroll(id="preview-scroll", classes="column-wide"):
                yield Markdown("", id="preview-md")
            with Vertical(classes="column"):
                yield Static("", id="preview-stats")
                yield Label("检查结果（回车跳转）")
                yield OptionList(id="preview-findings", markup=False)

    def refresh_from_draft(self) -> None:
        self.show_findings()

    async def on_mount(self) -> None:
        if self.workspace.markdown:
            await self.show_markdown(self.workspace.markdown)

    def show_stats(self) -> None:
        """字数, 约N分钟 (at a leader's speaking rate), 约N页 (GB/T 9704: 22 lines × 28 characters)."""
        ws = self.workspace
        text = Text()
        if ws.lint_ready and ws.text:
            text.append(length_info(ws.text).label(), style="bold")
        elif not ws.lint_ready:
            text.append("统计中……", style="dim")
        self.query_one("#preview-stats", Static).update(text)

    def show_findings(self) -> None:
        ws = self.workspace
        self.show_stats()
        box = self.query_one("#preview-findings", OptionList)
        options = []
        for finding in ws.findings:
            label = {"error": "错误", "warning": "提醒"}.get(finding.severity, finding.severity)
            text = Text(f"[{label}] ", style="red" if finding.severity == "error" else "yellow")
            text.append(finding.message)
            text.append(f"　{finding.location}", style="dim")
            options.append(Option(text))
        if not ws.lint_ready:
            options.append(Option(Text("检查中……"), disabled=True))
        elif not options:
            options.append(Option(Text("✓ 没有发现问题"), disabled=True))
        box.set_options(options)

    async def show_markdown(self, markdown: str) -> None:
        """Render ``markdown``: one render at a time, always ending with the latest text.

        A check finishing while a render is under way leaves its text for the running render to do
        next (a cancelled half-done render would leave the widget half-built, and a waiting caller
        sees an error).
        """
        self._markdown_next = markdown
        if self._rendering:
            return
        self._rendering = True
        try:
            while self._markdown_next is not None:
                text, self._markdown_next = self._markdown_next, None
                await self.query_one("#preview-md", Markdown).update(text)
        finally:
            self._rendering = False

    @on(OptionList.OptionSelected, "#preview-findings")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        findings = self.workspace.findings
        if event.option_index < len(findings):
            self.post_message(JumpToFinding(findings[event.option_index]))

    def action_copy_all(self) -> None:
        self.post_message(CopyRequested())

    def focus_main(self) -> None:
        self.screen.set_focus(self.query_one("#preview-findings", OptionList))
