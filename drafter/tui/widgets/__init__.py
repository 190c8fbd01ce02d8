"""The wizard's own widgets: the key bar, the step sidebar, movable lists, the 换一个 panel."""

from drafter.tui.widgets.alternatives_panel import AlternativesPanel
from drafter.tui.widgets.keybar import KeyBar
from drafter.tui.widgets.section_list import SectionList
from drafter.tui.widgets.steplist import StepList

__all__ = ["AlternativesPanel", "KeyBar", "SectionList", "StepList"]
