"""A defect in the program (not the writer's material) ends in one Chinese sentence and a crash report
file to send to the maintainers — never a traceback on the terminal, never 「内部错误」."""

from __future__ import annotations

import drafter.cli.lint as cli_lint
from drafter.cli.entry import main
from drafter.util import crash_reports_dir


def test_unexpected_exception_writes_a_report_and_says_so(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("DRAFTER_DEBUG", raising=False)
    speech = tmp_path / "讲话.txt"
    speech.write_text("在全县会议上的讲话\n同志们：\n今天开会。\n", encoding="utf-8")

    def broken(*args, **kwargs):
        raise RuntimeError("simulated defect")

    monkeypatch.setattr(cli_lint, "lint_path", broken)
    code = main(["lint", str(speech)])
    err = capsys.readouterr().err
    assert code == 70
    assert "程序问题" in err and "不是您的材料有误" in err
    assert "内部错误" not in err and "Traceback" not in err
    reports = sorted(crash_reports_dir().glob("crash-*.txt"))
    assert len(reports) == 1
    assert str(reports[0]) in err
    text = reports[0].read_text(encoding="utf-8")
    assert "RuntimeError: simulated defect" in text and "Traceback" in text
    assert "where: drafter lint" in text


def test_a_defect_on_one_file_skips_it_with_a_report_and_the_folder_goes_on(tmp_path, monkeypatch):
    import drafter.outline.parser as parser
    from drafter.outline import parse_corpus

    good = tmp_path / "a.txt"
    good.write_text("在全县会议上的讲话\n同志们：\n今天开会。\n一、认清形势\n形势很好。\n", encoding="utf-8")
    bad = tmp_path / "b.txt"
    bad.write_text("在全县会议上的讲话\n同志们：\n今天开会。\n", encoding="utf-8")
    real = parser.parse_file

    def flaky(path, *args, **kwargs):
        if str(path).endswith("b.txt"):
            raise RuntimeError("simulated defect")
        return real(path, *args, **kwargs)

    monkeypatch.setattr(parser, "parse_file", flaky)
    result = parse_corpus([tmp_path])
    assert len(result.speeches) == 1
    (error,) = result.errors
    assert error.file == str(bad)
    assert "已跳过此文件" in error.message and "程序问题" in error.message
    reports = list(crash_reports_dir().glob("crash-*.txt"))
    assert len(reports) == 1 and str(reports[0]) in error.message
