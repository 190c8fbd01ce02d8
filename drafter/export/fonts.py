"""Font profiles for the .docx export and a check of which of their fonts this machine has.

A profile names the fonts of each role in a 公文-style speech.  ``gb2312`` uses
the fonts offices install themselves (方正小标宋简体, 仿宋_GB2312, 楷体_GB2312);
``windows`` uses only fonts that ship with Chinese Windows (宋体, 仿宋, 楷体, 黑体).

:func:`font_report` asks fontconfig (``fc-list`` / ``fc-match``) on Linux and the
registry on Windows; where neither is available it says it cannot tell
(``installed is None``) rather than guessing.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import dataclass

from drafter.errors import DrafterError

try:  # Windows only: the font registry
    import winreg  # type: ignore[import-not-found]
except ImportError:
    winreg = None

LATIN_FONT = "Times New Roman"


@dataclass(frozen=True)
class FontProfile:
    """The fonts of one profile, by role."""

    name: str
    description: str
    title: str  # 二号 main title (小标宋)
    body: str  # 三号 body (仿宋)
    kai: str  # （一） headings, subtitle, date and speaker lines (楷体)
    hei: str = "黑体"  # 一、 headings
    song: str = "宋体"  # page numbers
    title_bold: bool = False  # 宋体 stands in for 小标宋 only when bold


_GB2312_DESCRIPTION = "公文标准字体（需单位自行安装方正小标宋简体、仿宋_GB2312、楷体_GB2312）"
_WINDOWS_DESCRIPTION = "Windows 自带字体（没有 GB2312 字体的单位使用；标题用加粗宋体代替小标宋）"
PROFILES: dict[str, FontProfile] = {
    profile.name: profile
    for profile in (
        # name, description, title, body, kai (hei 黑体 and song 宋体 in both)
        FontProfile("gb2312", _GB2312_DESCRIPTION, "方正小标宋简体", "仿宋_GB2312", "楷体_GB2312"),
        FontProfile("windows", _WINDOWS_DESCRIPTION, "宋体", "仿宋", "楷体", title_bold=True),
    )
}

DEFAULT_PROFILE = "gb2312"

# Role key -> label shown to users.
ROLE_NAMES = {
    "title": "主标题（二号）",
    "body": "正文、三级以下标题（三号）",
    "kai": "二级标题、副标题、日期（三号）",
    "hei": "一级标题（三号）",
    "song": "页码（四号）",
}


def get_profile(name: str | None) -> FontProfile:
    """The profile called ``name`` (``None`` → the default); unknown names are a ``DrafterError``."""
    key = (name or DEFAULT_PROFILE).strip().lower()
    try:
        return PROFILES[key]
    except KeyError:
        known = "、".join(PROFILES)
        raise DrafterError(f"未知的字体方案：{name}（可用：{known}）") from None


@dataclass
class FontStatus:
    """Whether one font of a profile is installed, and what a viewer would show instead."""

    role: str  # key of ROLE_NAMES
    name: str
    installed: bool | None  # None: this machine cannot tell
    substitute: str | None = None  # what fontconfig would use instead, when not installed

    @property
    def role_label(self) -> str:
        return ROLE_NAMES.get(self.role, self.role)

    def to_dict(self) -> dict:
        return {
            "role": self.role,
            "role_label": self.role_label,
            "name": self.name,
            "installed": self.installed,
            "substitute": self.substitute,
        }


def _run(cmd: list[str]) -> str | None:
    try:
        done = subprocess.run(
            cmd, capture_output=True, text=True, timeout=20, encoding="utf-8", errors="replace"
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if done.returncode != 0:
        return None
    return done.stdout


def parse_family_list(text: str) -> set[str]:
    """Family names from ``fc-list : family`` output (one font a line, aliases comma separated)."""
    names: set[str] = set()
    for line in text.splitlines():
        for part in line.split(","):
            part = part.strip().replace("\\-", "-")
            if part:
                names.add(part.casefold())
    return names


def parse_registry_names(values: list[str]) -> set[str]:
    """Family names from Windows font registry value names like ``仿宋_GB2312 (TrueType)``
    or ``SimSun & NSimSun (TrueType)``."""
    names: set[str] = set()
    for value in values:
        base = value.split("(")[0]
        for part in base.split("&"):
            part = part.strip()
            if part:
                names.add(part.casefold())
    return names


# Windows registers some fonts under their English names only.
_WINDOWS_ALIASES = {
    "宋体": ("simsun",),
    "黑体": ("simhei",),
    "仿宋": ("fangsong",),
    "楷体": ("kaiti",),
    "仿宋_gb2312": ("fangsong_gb2312",),
    "楷体_gb2312": ("kaiti_gb2312",),
}


def _windows_families() -> set[str] | None:
    if winreg is None:
        return None
    values: list[str] = []
    keys = [
        (winreg.HKEY_LOCAL_MACHINE, r"SOFTWARE\Microsoft\Windows NT\CurrentVersion\Fonts"),
        (winreg.HKEY_CURRENT_USER, r"SOFTWARE\Microsoft\Windows NT\CurrentVersion\Fonts"),
    ]
    found_any = False
    for hive, path in keys:
        try:
            with winreg.OpenKey(hive, path) as key:
                found_any = True
                index = 0
                while True:
                    try:
                        name, _value, _type = winreg.EnumValue(key, index)
                    except OSError:
                        break
                    values.append(name)
                    index += 1
        except OSError:
            continue
    return parse_registry_names(values) if found_any else None


def installed_families() -> set[str] | None:
    """Casefolded family names of the installed fonts, or ``None`` when this machine cannot tell."""
    if shutil.which("fc-list"):
        out = _run(["fc-list", ":", "family"])
        if out is not None:
            return parse_family_list(out)
    if sys.platform == "win32":
        return _windows_families()
    return None


def is_installed(name: str, families: set[str]) -> bool:
    key = name.casefold()
    if key in families:
        return True
    return any(alias in families for alias in _WINDOWS_ALIASES.get(key, ()))


def substitute_for(name: str) -> str | None:
    """The family fontconfig would use for ``name`` (``fc-match``), or ``None`` if unknown."""
    if not shutil.which("fc-match"):
        return None
    # Ask for Chinese coverage: a viewer looks for a font with the glyphs of the text.
    pattern = f"{name}:lang=zh-cn" if any(ord(c) > 0x2E80 for c in name) else name
    out = _run(["fc-match", "-f", "%{family}", pattern])
    if not out:
        return None
    return out.split(",")[0].strip() or None


def font_report(profile: str | None = None, *, families: set[str] | None = None) -> list[FontStatus]:
    """One ``FontStatus`` per role of the profile (a font used by two roles is listed for each).

    ``families`` (casefolded names) may be passed to check against a given list
    instead of this machine's fonts.
    """
    prof = get_profile(profile)
    if families is None:
        families = installed_families()
    report: list[FontStatus] = []
    for role in ROLE_NAMES:
        name = getattr(prof, role)
        if families is None:
            report.append(FontStatus(role, name, None, substitute_for(name)))
            continue
        installed = is_installed(name, families)
        report.append(FontStatus(role, name, installed, None if installed else substitute_for(name)))
    return report


def missing_fonts(profile: str | None = None, *, families: set[str] | None = None) -> list[str] | None:
    """Names of the profile's fonts this machine lacks (each once); ``None`` when it cannot tell."""
    report = font_report(profile, families=families)
    if all(s.installed is None for s in report):
        return None
    return list(dict.fromkeys(s.name for s in report if s.installed is False))


def fonts_problem(profile: str | None, report: list[FontStatus]) -> str | None:
    """The Chinese message for a strict font check of ``report``, or ``None`` when all are installed."""
    prof = get_profile(profile)
    if all(s.installed is None for s in report):
        return (
            f"无法判断本机是否装有字体方案 {prof.name} 所需的字体（没有 fontconfig 的 fc-list）；"
            "请在 Word/WPS 的字体列表中核对"
        )
    missing = list(dict.fromkeys(s.name for s in report if s.installed is False))
    if not missing:
        return None
    hint = "；也可改用 --profile windows（Windows 自带字体）" if prof.name != "windows" else ""
    return (
        f"本机缺少字体方案 {prof.name} 所需的字体：{'、'.join(missing)}。"
        f"请先安装这些字体，导出的文件才能按标准字体显示和排版{hint}"
    )


def require_fonts(profile: str | None = None, *, families: set[str] | None = None) -> None:
    """A Chinese ``DrafterError`` naming the missing fonts unless all of the profile's are installed."""
    problem = fonts_problem(profile, font_report(profile, families=families))
    if problem:
        raise DrafterError(problem)
