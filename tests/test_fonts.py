"""Font profiles, the installed-font check and ``drafter fonts``."""

from __future__ import annotations

import json
import shutil
import zipfile

import pytest

from drafter.cli.entry import main
from drafter.errors import DrafterError
from drafter.export import (
    PROFILES,
    ROLE_NAMES,
    font_report,
    fonts,
    get_profile,
    is_installed,
    missing_fonts,
    parse_family_list,
    parse_registry_names,
    require_fonts,
)


def test_profiles_match_the_standard():
    gb = PROFILES["gb2312"]
    assert (gb.title, gb.body, gb.kai, gb.hei, gb.song) == (
        "方正小标宋简体",
        "仿宋_GB2312",
        "楷体_GB2312",
        "黑体",
        "宋体",
    )
    win = PROFILES["windows"]
    assert {win.body, win.kai, win.hei, win.song} == {"仿宋", "楷体", "黑体", "宋体"}
    assert win.title == "宋体" and win.title_bold


def test_get_profile_default_and_unknown():
    assert get_profile(None).name == "gb2312"
    assert get_profile("WINDOWS").name == "windows"
    with pytest.raises(DrafterError, match="未知的字体方案"):
        get_profile("mac")


def test_parse_family_list():
    out = "Noto Serif CJK SC\nAR PL KaitiM GB,文鼎ＰＬ简中楷\n仿宋_GB2312\nWenQuanYi Zen Hei,文泉驛正黑\n"
    names = parse_family_list(out)
    assert {"noto serif cjk sc", "ar pl kaitim gb", "文鼎ｐｌ简中楷", "仿宋_gb2312", "文泉驛正黑"} <= names


def test_parse_registry_names_and_aliases():
    names = parse_registry_names(
        ["SimSun & NSimSun (TrueType)", "仿宋_GB2312 (TrueType)", "SimHei (TrueType)"]
    )
    assert {"simsun", "nsimsun", "仿宋_gb2312", "simhei"} <= names
    assert is_installed("宋体", names)  # registered under its English name
    assert is_installed("黑体", names)
    assert is_installed("仿宋_GB2312", names)
    assert not is_installed("楷体", names)


def test_font_report_with_given_families(monkeypatch):
    monkeypatch.setattr(fonts, "substitute_for", lambda name: "Noto Serif CJK SC")
    report = font_report("gb2312", families={"仿宋_gb2312", "黑体"})
    assert [s.role for s in report] == list(ROLE_NAMES)
    by_role = {s.role: s for s in report}
    assert by_role["body"].installed is True and by_role["body"].substitute is None
    assert by_role["hei"].installed is True
    assert by_role["title"].installed is False and by_role["title"].substitute == "Noto Serif CJK SC"
    assert by_role["kai"].name == "楷体_GB2312" and by_role["kai"].installed is False
    assert by_role["title"].to_dict()["role_label"] == "主标题（二号）"


def test_font_report_cannot_tell_without_fontconfig(monkeypatch):
    monkeypatch.setattr(fonts, "installed_families", lambda: None)
    monkeypatch.setattr(fonts, "substitute_for", lambda name: None)
    report = font_report("windows")
    assert all(s.installed is None for s in report)


def test_installed_families_without_fc_list(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    monkeypatch.setattr(fonts.sys, "platform", "linux")
    assert fonts.installed_families() is None
    assert fonts.substitute_for("仿宋") is None


@pytest.mark.skipif(shutil.which("fc-list") is None, reason="fontconfig (fc-list) not installed")
def test_real_fontconfig_check_is_consistent():
    families = fonts.installed_families()
    assert families  # this machine has some fonts
    report = font_report("gb2312")
    for status in report:
        assert status.installed == is_installed(status.name, families)
        if not status.installed:
            assert status.substitute  # fc-match always proposes something


def test_cli_fonts_text(capsys, monkeypatch):
    monkeypatch.setattr(fonts, "installed_families", lambda: {"黑体", "宋体"})
    monkeypatch.setattr(fonts, "substitute_for", lambda name: "Noto Sans CJK SC")
    assert main(["fonts"]) == 0
    out = capsys.readouterr().out
    assert "gb2312" in out
    for name in ("方正小标宋简体", "仿宋_GB2312", "楷体_GB2312", "黑体", "宋体"):
        assert name in out
    assert "已安装" in out and "未安装" in out
    assert "Noto Sans CJK SC" in out
    assert "--profile windows" in out


def test_cli_fonts_json_windows(capsys, monkeypatch):
    monkeypatch.setattr(fonts, "installed_families", lambda: {"仿宋", "楷体", "黑体", "宋体"})
    assert main(["fonts", "--profile", "windows", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["profile"] == "windows"
    assert [f["name"] for f in data["fonts"]] == ["宋体", "仿宋", "楷体", "黑体", "宋体"]
    assert all(f["installed"] is True for f in data["fonts"])


def test_cli_fonts_cannot_tell(capsys, monkeypatch):
    monkeypatch.setattr(fonts, "installed_families", lambda: None)
    monkeypatch.setattr(fonts, "substitute_for", lambda name: None)
    assert main(["fonts"]) == 0
    out = capsys.readouterr().out
    assert "无法判断" in out and "fontconfig" in out


def test_cli_fonts_bad_profile(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["fonts", "--profile", "mac"])
    assert exc.value.code == 2
    assert "参数错误" in capsys.readouterr().err


# --- strict checks: ``fonts --strict`` and ``draft --require-fonts`` ------------------------------

GB_FONTS = {"方正小标宋简体", "仿宋_gb2312", "楷体_gb2312", "黑体", "宋体"}


def test_fonts_strict_passes_when_all_installed(capsys, monkeypatch):
    monkeypatch.setattr(fonts, "installed_families", lambda: set(GB_FONTS))
    assert main(["fonts", "--strict"]) == 0
    assert capsys.readouterr().err == ""
    assert main(["fonts", "--strict", "--json"]) == 0


def test_fonts_strict_fails_naming_missing_fonts(capsys, monkeypatch):
    monkeypatch.setattr(fonts, "installed_families", lambda: {"黑体", "宋体"})
    monkeypatch.setattr(fonts, "substitute_for", lambda name: "Noto Sans CJK SC")
    assert main(["fonts", "--strict"]) == 1
    captured = capsys.readouterr()
    assert "未安装" in captured.out  # the table is still printed
    err = captured.err.strip()
    assert err.startswith("drafter: ") and "缺少" in err
    for name in ("方正小标宋简体", "仿宋_GB2312", "楷体_GB2312"):
        assert name in err
    assert "黑体" not in err and "--profile windows" in err
    # --json keeps stdout machine-readable and still fails
    assert main(["fonts", "--strict", "--json"]) == 1
    captured = capsys.readouterr()
    assert json.loads(captured.out)["profile"] == "gb2312"
    assert "仿宋_GB2312" in captured.err


def test_fonts_strict_fails_when_it_cannot_tell(capsys, monkeypatch):
    monkeypatch.setattr(fonts, "installed_families", lambda: None)
    monkeypatch.setattr(fonts, "substitute_for", lambda name: None)
    assert main(["fonts", "--strict"]) == 1
    assert "无法判断" in capsys.readouterr().err
    assert main(["fonts"]) == 0  # without --strict it is only information


def test_windows_profile_lists_each_missing_font_once(monkeypatch):
    assert missing_fonts("windows", families=set()) == ["宋体", "仿宋", "楷体", "黑体"]
    assert missing_fonts("windows", families={"simsun", "fangsong", "kaiti", "simhei"}) == []
    with pytest.raises(DrafterError, match="宋体、仿宋、楷体、黑体"):
        require_fonts("windows", families=set())
    require_fonts("gb2312", families=set(GB_FONTS))


def test_draft_require_fonts_refuses_before_writing(tmp_path, capsys, monkeypatch, plenary_spec):
    monkeypatch.setattr(fonts, "installed_families", lambda: {"黑体", "宋体"})
    out = tmp_path / "speech.docx"
    code = main(["draft", str(plenary_spec), "--allow-blanks", "--require-fonts", "-o", str(out)])
    assert code == 1
    err = capsys.readouterr().err
    assert "仿宋_GB2312" in err and "缺少" in err
    assert not out.exists()
    monkeypatch.setattr(fonts, "installed_families", lambda: set(GB_FONTS))
    assert main(["draft", str(plenary_spec), "--allow-blanks", "--require-fonts", "-o", str(out)]) == 0
    assert out.exists()


def test_draft_heading_separator_flag(tmp_path, plenary_spec):
    out = tmp_path / "speech.docx"
    assert main(["draft", str(plenary_spec), "--allow-blanks", "--heading-separator", "-o", str(out)]) == 0
    plain = tmp_path / "plain.docx"
    assert main(["draft", str(plenary_spec), "--allow-blanks", "-o", str(plain)]) == 0
    with zipfile.ZipFile(out) as z:
        sep_xml = z.read("word/document.xml").decode("utf-8")
    with zipfile.ZipFile(plain) as z:
        plain_xml = z.read("word/document.xml").decode("utf-8")
    assert "w:specVanish" in sep_xml and "w:specVanish" not in plain_xml
