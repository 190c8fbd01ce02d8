"""换一个 in place: the alternatives of the selected heading or paragraph, visible beside it.

One widget of fixed height (a few short lines, no wrapping): the choices as one-line previews, the
one in the draft marked ▶, ``n/N`` in the border.  F5 puts the next one into the draft and only this
panel and the changed row repaint — no layout pass (a ``Static`` of automatic height would ask for
one on every update, and a layout re-renders the whole screen: 20–50 ms).  Each row is rendered once
(a one-line strip, cached by its text and the panel's width and style), so an F5 costs the two rows
whose mark moved, not a layout of the whole text.  The full texts are in the list F7 opens.
"""

from __future__ import annotations

from rich.text import Text
from textual.strip import Strip
from textual.style import Style
from textual.visual import Visual, visualize
from textual.widget import Widget

from drafter.workspace import Ring

ROWS = 5  # choices shown at once: a window around the current one
STRIP_CACHE = 512  # rendered rows kept (a few rings' worth); cleared beyond that
PREVIEW_CHARS = 60  # a preview is cut here (the panel is narrower; the full text is in the F7 list)
KEYS = "F5 下一个 · Shift+F5 上一个 · F7 全部"


def preview_line(text: str) -> str:
    """A choice as one short line: whitespace folded, cut at ``PREVIEW_CHARS``."""
    line = " ".join(text.split())
    return line if len(line) <= PREVIEW_CHARS else line[:PREVIEW_CHARS] + "…"


class AlternativesPanel(Widget):
    """The alternatives of one heading or paragraph, the current one marked."""

    DEFAULT_CSS = """
    AlternativesPanel {
        height: 7;
        border: round $secondary 40%;
        border-title-color: $text;
        border-subtitle-color: $text-muted;
        padding: 0 1;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    """

    def __init__(self, what: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.what = what  # 标题 or 段落
        self._shown: tuple[str, str, tuple[tuple[int, str], ...]] | None = None
        self._rows: tuple[tuple[int, str], ...] = ()
        self._strips: dict[tuple[int, str, int, Style], Strip] = {}
        self._source: tuple[Ring | None, str] | None = None

    def render_line(self, y: int) -> Strip:
        """Row ``y`` of the content: one line, rendered once and kept (nowrap, ellipsis at the width)."""
        width, style = self.size.width, self.visual_style
        if y >= len(self._rows):
            return Strip.blank(width, style.rich_style)
        mark, line = self._rows[y]
        key = (mark, line, width, style)
        strip = self._strips.get(key)
        if strip is None:
            if len(self._strips) >= STRIP_CACHE:
                self._strips.clear()
            if mark == 1:
                text = Text("▶ " + line, style="bold")
            elif mark == 0:
                text = Text("  " + line, style="dim")
            else:
                text = Text(line, style="dim")
            strip = Visual.to_strips(self, visualize(self, text), width, 1, style)[0]
            self._strips[key] = strip
        return strip

    def on_resize(self) -> None:
        """Room for more or fewer rows (a terminal resized): the window around the current one again."""
        if self._source is not None:
            ring, note = self._source
            self.show(ring, note=note)

    def show(self, ring: Ring | None, *, note: str = "") -> None:
        """Show ``ring`` (None: ``note`` says why there is nothing to choose from)."""
        self._source = (ring, note)
        if ring is None or len(ring) < 2:
            title = "换一个"
            rows: tuple[tuple[int, str], ...] = ((-1, note or f"（这一{self.what}没有可换的）"),)
        else:
            title = f"换一个{self.what} {ring.counter()}"
            n = len(ring)
            fit = self.content_size.height or ROWS  # the rows the panel has room for (fewer on 80×24)
            fit = max(1, min(ROWS, fit))
            start = 0 if n <= fit else max(0, min(ring.index - fit // 2, n - fit))
            rows = tuple((i, ring.previews[i]) for i in range(start, min(n, start + fit)))
            if ring.index < 0:
                title = f"换一个{self.what} 共 {n} 个"
            current = ring.index
            rows = tuple((1 if i == current else 0, f"{i + 1}．{line}") for i, line in rows)
        shown = (title, KEYS if ring is not None and len(ring) >= 2 else "", rows)
        if shown == self._shown:
            return  # nothing changed: no repaint
        self._shown = shown
        self.border_title, self.border_subtitle = shown[0], shown[1]
        self._rows = rows
        self.refresh()  # a repaint of this widget only: its size never changes

    @property
    def shown_text(self) -> str:
        """What the panel shows, as plain text (title and rows)."""
        if self._shown is None:
            return ""
        title, _keys, rows = self._shown
        marks = {1: "▶ ", 0: "  ", -1: ""}
        return "\n".join([title, *(marks[mark] + line for mark, line in rows)])
