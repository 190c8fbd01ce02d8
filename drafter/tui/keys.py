"""Every key of the wizard, for F1 help: the app's bindings, each step's, and the widgets' own."""

from __future__ import annotations

from collections.abc import Iterable

from textual.binding import Binding, BindingType

from drafter.tui.screens.help import KeyHelp
from drafter.tui.steps import step_class
from drafter.tui.widgets import SectionList

# Keys that belong to widgets rather than to the app: (key, description, where).
WIDGET_KEYS = (
    ("Tab / Shift+Tab", "在输入框、列表和按钮之间移动", "通用"),
    ("↑ ↓ / 回车", "在列表中移动 / 选用", "通用"),
    ("Esc", "关闭对话框", "通用"),
    ("Ctrl+Z / Ctrl+Y", "撤销 / 重做（自拟文字编辑框）", "内容"),
    ("Shift+←→↑↓", "选中文字（自拟文字编辑框），再按 Ctrl+L 加入素材库", "内容"),
    ("Ctrl+C / Ctrl+X / Ctrl+V", "复制 / 剪切 / 粘贴（输入框中；在别处 Ctrl+C 退出）", "通用"),
)

GROUPS = ["全局", "通用", "章节与内容列表", "选择结构", "标题", "内容", "预览与检查"]

KEY_NAMES = {
    "up": "↑",
    "down": "↓",
    "left": "←",
    "right": "→",
    "delete": "Delete",
    "enter": "回车",
    "escape": "Esc",
}

# digits: one line "1-6"; Tab: listed with the widget keys; the palette has its own line
_SKIP = {"2", "3", "4", "5", "6", "tab", "shift+tab", "ctrl+p"}


def key_label(key: str) -> str:
    """``ctrl+s`` -> ``Ctrl+S``, ``shift+up`` -> ``Shift+↑``."""
    labels = []
    for k in key.split(",")[0].split("+"):
        if k in ("ctrl", "shift", "alt"):
            labels.append(k.capitalize())
        elif k in KEY_NAMES:
            labels.append(KEY_NAMES[k])
        else:
            labels.append(k.upper())
    return "+".join(labels)


def _bindings(bindings: Iterable[BindingType], where: str) -> list[KeyHelp]:
    keys = []
    for binding in bindings:
        if isinstance(binding, Binding):
            keys.append(KeyHelp(binding.key_display or key_label(binding.key), binding.description, where))
    return keys


def help_keys(app_bindings: Iterable[BindingType], palette: str) -> list[KeyHelp]:
    """The help screen's lines, grouped by where the keys work."""
    keys = []
    for binding in app_bindings:
        if not isinstance(binding, Binding) or binding.key in _SKIP:
            continue
        display = binding.key_display or key_label(binding.key)
        description = "跳到第 1–6 步（不在输入框中时）" if binding.key == "1" else binding.description
        keys.append(KeyHelp(display, description, "全局"))
    keys.append(KeyHelp("Ctrl+P", f"命令面板：{palette}", "全局"))
    keys.extend(_bindings(SectionList.BINDINGS, "章节与内容列表"))
    keys.extend(_bindings(step_class("structure").BINDINGS, "选择结构"))
    keys.extend(_bindings(step_class("headings").BINDINGS, "标题"))
    keys.extend(_bindings(step_class("content").BINDINGS, "内容"))
    keys.extend(_bindings(step_class("preview").BINDINGS, "预览与检查"))
    keys.extend(KeyHelp(*entry) for entry in WIDGET_KEYS)
    keys.sort(key=lambda k: GROUPS.index(k.where))
    return keys
