"""The command palette's own provider: find phrases, recent drafts and sections by typing.

Textual's commands (theme, keys, maximize, screenshot) stay: the app lists
them through ``get_system_commands`` before its own.  This provider reaches the
draft through ``app.workspace`` and acts by posting messages to the app.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from textual.command import DiscoveryHit, Hit, Hits, Provider

from drafter.tui import messages as m
from drafter.workspace import Workspace, draft_title


def _match(matcher: Any, text: str) -> tuple[float, Any] | None:
    """The score and the highlighted text when ``text`` matches the query, else None."""
    score = matcher.match(text)
    return (score, matcher.highlight(text)) if score > 0 else None


MAX_PHRASES = 8


class DrafterCommands(Provider):
    """素材 (insert into the 内容 step), 最近的草稿 (open), 章节 (show it)."""

    def _workspace(self) -> Workspace | None:
        ws = getattr(self.app, "workspace", None)
        return ws if isinstance(ws, Workspace) else None

    async def startup(self) -> None:
        ws = self._workspace()
        self._recent = ws.recent_drafts() if ws is not None else []

    def _sections(self, ws: Workspace) -> list[tuple[str, tuple[int, ...]]]:
        from drafter.drafting.editing import display_heading, iter_section_paths, section_marker

        return [
            (section_marker(path) + (display_heading(section, ws.heading_sets) or "（未定标题）"), path)
            for path, section in iter_section_paths(ws.draft)
        ]

    def _post(self, message: Any) -> None:
        self.app.post_message(message)

    async def discover(self) -> Hits:
        ws = self._workspace()
        if ws is None:
            return
        for record in self._recent[:5]:
            yield DiscoveryHit(
                f"打开：{record.label}", partial(self._post, m.OpenDraft(record.path)), help="最近的草稿"
            )

    async def search(self, query: str) -> Hits:
        ws = self._workspace()
        if ws is None or not query.strip():
            return
        matcher = self.matcher(query)
        for record in self._recent:
            found = _match(matcher, f"打开草稿：{record.title or record.path.name}")
            if found:
                yield Hit(*found, partial(self._post, m.OpenDraft(record.path)), help=record.label)
        if ws.draft.sections:
            current = draft_title(ws.draft) or "当前讲稿"
            for label, path in self._sections(ws):
                found = _match(matcher, f"章节：{label}")
                if found:
                    yield Hit(
                        *found,
                        partial(self._post, m.JumpToSection(path)),
                        help=f"{current}（在“内容”中打开这一节）",
                    )
        hits = ws.search(query.strip(), None, None, None) or []
        for hit in hits[:MAX_PHRASES]:
            phrase = hit.phrase
            text = f"素材：{phrase.text[:40]}"
            yield Hit(
                0.5 + 0.5 * matcher.match(text),
                text,
                partial(self._post, m.InsertPhrase(phrase.id)),
                help=f"{phrase.id} · {phrase.function}（加入“内容”中选中的部分）",
            )
