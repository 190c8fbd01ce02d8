"""The wizard's own widgets: the key bar, the step sidebar, movable lists."""

from drafter.tui.widgets.keybar import KeyBar
from drafter.tui.widgets.section_list import SectionList
from drafter.tui.widgets.steplist import StepList

__all__ = ["KeyBar", "SectionList", "StepList"]
