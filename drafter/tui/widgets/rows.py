"""One row of an ``OptionList`` replaced and repainted without a layout pass.

``OptionList.replace_option_prompt_at_index`` drops the rendered lines of every option and repaints
the whole list; when the new prompt wraps to another number of lines, the list's scroll height
changes too, and in Textual that is a layout pass, which re-renders the whole screen (20–50 ms with
the wizard's steps).  ``replace_prompt`` drops only that option's rendered lines; when its height
stays it repaints only its lines, otherwise it renumbers the lines, sets the new scroll height
without a layout pass (the list's own size does not change) and repaints from that row down.  If Textual's
list changed inside, it falls back to the public method.
"""

from __future__ import annotations

from textual.geometry import Size
from textual.visual import VisualType
from textual.widget import Widget
from textual.widgets import OptionList


def replace_prompt(box: OptionList, index: int, prompt: VisualType) -> None:
    """Replace the prompt of option ``index``, repainting as little as possible."""
    try:
        option = box.get_option_at_index(index)
        heights, starts, cache = box._heights, box._index_to_line, box._option_render_cache
        old_height = heights[index]
        padding = box.get_component_styles("option-list--option").padding
        width = box.scrollable_content_region.width - box._get_left_gutter_width() - padding.width
        option._set_prompt(prompt)
        new_height = box._get_visual(option).get_height(box.styles, width) + option._divider
        for key in [key for key in cache.keys() if key[0] is option]:
            cache.discard(key)
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
