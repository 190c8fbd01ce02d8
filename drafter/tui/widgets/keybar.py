"""The key bar at the bottom of the wizard: a one-widget footer.

Textual's ``Footer`` builds one widget per key and rebuilds them all on every
focus change (each costs a style pass); at start-up that was about a tenth of
the time to the first screen.  ``KeyBar`` shows the same bindings (the screen's
active bindings with ``show=True``, command palette on the right) in a single
``Static``; each key is clickable (it simulates the key press, as in Footer).
"""

from __future__ import annotations

from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static


class KeyBar(Static):
    """Footer bindings with Chinese labels, as one line of text."""

    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        width: 100%;
        background: $footer-background;
        color: $footer-foreground;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id, markup=False)
        self._shown: Content | None = None

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self.bindings_changed)
        self.bindings_changed(self.screen)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def bindings_changed(self, screen: Screen) -> None:
        if not self.is_attached or screen is not self.screen:
            return
        content = self.bar_content()
        if (
            self._shown is not None
            and content.plain == self._shown.plain
            and content.spans == self._shown.spans
        ):
            return
        self._shown = content
        self.update(content)

    def entries(self) -> list[tuple[Binding, bool]]:
        """The bindings shown, one per action, in the order Footer shows them; palette last."""
        app = self.app
        seen: set[str] = set()
        shown: list[tuple[Binding, bool]] = []
        palette: tuple[Binding, bool] | None = None
        for _node, binding, enabled, _tooltip in self.screen.active_bindings.values():
            if app.ENABLE_COMMAND_PALETTE and binding.key == app.COMMAND_PALETTE_BINDING:
                palette = (binding, enabled)
                continue
            if not binding.show or binding.action in seen:
                continue
            seen.add(binding.action)
            shown.append((binding, enabled))
        if palette is not None:
            shown.append(palette)
        return shown

    def bar_content(self) -> Content:
        parts: list[Content] = []
        for binding, enabled in self.entries():
            key = self.app.get_key_display(binding)
            description = binding.description or ("命令" if binding.action == "command_palette" else "")
            if enabled:
                # the same action as a click on a Footer key
                action = f"app.simulate_key({binding.key.split(',')[0]!r})"
                key_style = f"bold $footer-key-foreground @click={action}"
                text_style = f"$footer-description-foreground @click={action}"
            else:
                key_style = text_style = "dim"
            parts.append(Content.styled(f" {key} ", key_style))
            parts.append(Content.styled(f"{description} ", text_style))
        return Content("").join(parts) if parts else Content("")
