"""One row of an ``OptionList`` replaced and repainted without a layout pass.

``OptionList.replace_option_prompt_at_index`` drops the rendered lines of every option and repaints
the whole list; when the new prompt wraps to another number of lines, the list's scroll height
changes too, and in Textual that is a layout pass, which re-renders the whole screen (20–50 ms with
the wizard's steps).  ``replace_prompt`` drops only that option's rendered lines; when its height
stays it repaints only its lines, otherwise it renumbers the lines, sets the new scroll height
without a layout pass (the list's own size does not change) and repaints from that row down.  If Textual's
list changed inside, it falls back to the public method.

换一个 cycles a row through a few texts, so each text's rendering (its visual and its lines, per
style) is kept when it leaves the row and put back when it returns: from the second round on, the
row repaints from that, without laying out its text again.
"""

from __future__ import annotations

from typing import Any
from weakref import WeakKeyDictionary

from rich.text import Text
from textual.geometry import Size
from textual.visual import VisualType
from textual.widget import Widget
from textual.widgets import OptionList

KEPT_ROWS = 256  # renderings kept per list (a few rows' rings); cleared beyond that

# list -> (row, width, prompt) -> (the prompt's visual, {(style, padding): lines})
_kept: WeakKeyDictionary[OptionList, dict[tuple[Any, ...], tuple[Any, dict[Any, Any]]]] = WeakKeyDictionary()


def _prompt_key(prompt: VisualType) -> tuple[Any, ...] | None:
    """What a prompt looks like, as a key (None: not kept)."""
    if isinstance(prompt, Text):
        return (prompt.plain, tuple(prompt.spans), str(prompt.style))
    if isinstance(prompt, str):
        return (prompt,)
    return None


def replace_prompt(box: OptionList, index: int, prompt: VisualType) -> None:
    """Replace the prompt of option ``index``, repainting as little as possible."""
    try:
        option = box.get_option_at_index(index)
        heights, starts, cache = box._heights, box._index_to_line, box._option_render_cache
        old_height = heights[index]
        padding = box.get_component_styles("option-list--option").padding
        width = box.scrollable_content_region.width - box._get_left_gutter_width() - padding.width
        kept = _kept.setdefault(box, {})
        if len(kept) >= KEPT_ROWS:
            kept.clear()
        old_key, new_key = _prompt_key(option.prompt), _prompt_key(prompt)
        rendered = {key[1:]: cache.get(key) for key in cache.keys() if key[0] is option}
        if old_key is not None and option._visual is not None:
            kept[(index, width, old_key)] = (option._visual, rendered)
        for key in rendered:
            cache.discard((option, *key))
        option._set_prompt(prompt)
        if new_key is not None and (back := kept.get((index, width, new_key))) is not None:
            option._visual = back[0]
            for key, lines in back[1].items():
                if lines is not None:
                    cache[(option, *key)] = lines
        new_height = box._get_visual(option).get_height(box.styles, width) + option._divider
        if new_height == old_height:
            box.refresh_lines(starts[index], new_height)
            return
        # The rows below move: renumber the lines (with the scroll height set first, so that the list
        # finds it unchanged and asks for no layout pass), then repaint the list.
        virtual = box.virtual_size
        box.set_reactive(Widget.virtual_size, Size(virtual.width, virtual.height - old_height + new_height))
        box._line_cache.clear()
        box._update_lines()
        box._scroll_update(box.virtual_size)
        bottom = max(virtual.height, box.virtual_size.height)  # a shorter row leaves the old last line
        box.refresh_lines(starts[index], max(0, bottom - starts[index]))  # this row and those below
    except (AttributeError, KeyError, TypeError):
        box.replace_option_prompt_at_index(index, prompt)
