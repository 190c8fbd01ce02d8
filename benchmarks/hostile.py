"""Run the hostile cases of issue 12 against a drafter checkout and classify each outcome.

    python benchmarks/hostile.py [--root CHECKOUT] [--timeout 30]

Each case runs ``python -m drafter …`` in a fresh temporary user dir, with a
timeout and a 3 GiB address-space limit, and is classified as

- ``hung``: did not finish within the timeout (or ran out of memory);
- ``lost``: the case's own check found the user's content lost or wrong;
- ``internal``: a traceback, 「内部错误」 or 「程序问题」 (a crash report), or an error with no file named;
- ``clean``: a Chinese message naming the file (or success where success is right).

This is a measuring tool for the issue's before/after figures, not a test:
the tests for each class live in ``tests/test_hostile_*.py`` and
``tests/test_bad_inputs.py``.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import subprocess
import sys
import tempfile
import textwrap
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT_DEFAULT = HERE.parent
MEM_LIMIT = 3 << 30


@dataclass
class Outcome:
    code: int | None
    out: str
    err: str
    hung: bool


@dataclass
class Case:
    name: str
    run: Callable[[Path, Callable[..., Outcome]], tuple[str, str]]


def _limit() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEM_LIMIT, MEM_LIMIT))


def make_runner(root: Path, timeout: float) -> Callable[..., Outcome]:
    def run(tmp: Path, *argv: str, stdin: str | None = None) -> Outcome:
        env = dict(os.environ)
        env["DRAFTER_USER_DIR"] = str(tmp / "user")
        env["DRAFTER_CACHE_DIR"] = str(tmp / "cache")
        env["PYTHONPATH"] = str(root)
        env.pop("DRAFTER_HOME", None)
        try:
            proc = subprocess.run(
                [sys.executable, "-m", "drafter", *argv],
                cwd=tmp,
                env=env,
                input=stdin,
                capture_output=True,
                text=True,
                errors="replace",
                timeout=timeout,
                preexec_fn=_limit,
            )
        except subprocess.TimeoutExpired as exc:
            out = exc.stdout.decode(errors="replace") if isinstance(exc.stdout, bytes) else exc.stdout or ""
            return Outcome(None, out, "", True)
        hung = proc.returncode in (-9, 137) or "MemoryError" in proc.stderr
        return Outcome(proc.returncode, proc.stdout, proc.stderr, hung)

    return run


def classify(o: Outcome, *, names: str | None = None, expect_fail: bool = True) -> tuple[str, str]:
    """The verdict for an outcome where a refusal naming ``names`` is the right answer."""
    text = o.err + o.out
    if o.hung:
        return "hung", "timeout or out of memory"
    if "Traceback" in text or "内部错误" in text or "程序问题" in text:
        return "internal", _first_line(text)
    if expect_fail and o.code == 0:
        return "internal", "accepted silently: " + _first_line(text)
    if names and names not in text:
        return "internal", "message does not name " + names + ": " + _first_line(text)
    if expect_fail and not re.search(r"[\u4e00-\u9fff]", o.err):
        return "internal", "no Chinese message: " + _first_line(text)
    return "clean", _first_line(text)


def _first_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1][:160] if lines else ""


SPEC = textwrap.dedent(
    """\
    meeting:
      会议名称: 县政府第三次全体会议
      地区: 青山县
      讲话人: 王明
      职务: 县长
      日期: 2024-07-15
    template: plenary
    title: 测试讲话
    opening:
      - text: {free}
    sections:
      - role: tasks
        heading: 抓好重点工作
        items:
          - text: 要抓好各项工作，确保取得实效。
    closing:
      - text: 同志们，让我们共同努力。
    """
)


def spec_with(free: str) -> str:
    return SPEC.format(free=free)


def bank_with(text: str) -> str:
    return textwrap.dedent(
        f"""\
        phrases:
          - id: opening.evil.001
            role: opening
            function: 会议目的
            text: {text}
            origin: curated
        """
    )


def spec_using_phrase() -> str:
    return SPEC.format(free="开场白。").replace("  - text: 开场白。", "  - phrase: opening.evil.001")


def _fifo(tmp: Path, name: str) -> Path:
    path = tmp / name
    os.mkfifo(path)
    return path


def c_fifo(cmd: list[str]) -> Callable[[Path, Callable[..., Outcome]], tuple[str, str]]:
    def run(tmp: Path, drafter: Callable[..., Outcome]) -> tuple[str, str]:
        fifo = _fifo(tmp, "in.yaml" if cmd[0] == "draft" else "in.txt")
        argv = [a.replace("{IN}", str(fifo)) for a in cmd]
        return classify(drafter(tmp, *argv), names=fifo.name)

    return run


def c_devzero(cmd: list[str]) -> Callable[[Path, Callable[..., Outcome]], tuple[str, str]]:
    def run(tmp: Path, drafter: Callable[..., Outcome]) -> tuple[str, str]:
        return classify(drafter(tmp, *[a.replace("{IN}", "/dev/zero") for a in cmd]), names="/dev/zero")

    return run


def c_zipbomb(tmp: Path, drafter: Callable[..., Outcome]) -> tuple[str, str]:
    path = tmp / "bomb.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        with z.open("word/document.xml", "w", force_zip64=True) as fh:
            fh.write(b'<?xml version="1.0"?><w:document xmlns:w="x"><w:body><w:p><w:r><w:t>')
            chunk = b"A" * (1 << 20)
            for _ in range(1024):
                fh.write(chunk)
            fh.write(b"</w:t></w:r></w:p></w:body></w:document>")
    return classify(drafter(tmp, "outline", str(path)), names="bomb.docx")


def c_material(text: str, where: str) -> Callable[[Path, Callable[..., Outcome]], tuple[str, str]]:
    def run(tmp: Path, drafter: Callable[..., Outcome]) -> tuple[str, str]:
        spec = tmp / "spec.yaml"
        if where == "free":
            spec.write_text(spec_with(text), encoding="utf-8")
        else:
            bank = tmp / "user" / "phrasebank"
            bank.mkdir(parents=True)
            (bank / "mine.yaml").write_text(bank_with(text), encoding="utf-8")
            spec.write_text(spec_using_phrase(), encoding="utf-8")
        o = drafter(tmp, "draft", str(spec), "-o", str(tmp / "out.txt"))
        verdict = classify(o, expect_fail=False)
        if verdict[0] == "clean" and o.code == 0:
            out = (tmp / "out.txt").read_text(encoding="utf-8", errors="replace")
            if len(out) > 200_000:
                return "internal", f"ran the material as code: output of {len(out)} characters"
        return verdict

    return run


def c_template_meta_alias(tmp: Path, drafter: Callable[..., Outcome]) -> tuple[str, str]:
    tdir = tmp / "user" / "templates"
    tdir.mkdir(parents=True)
    lol = "\n".join(f"  l{i}: &l{i} [{', '.join(['*l' + str(i - 1)] * 9)}]" for i in range(1, 9))
    (tdir / "bomb.j2").write_text(
        '{#\nmeta:\n  l0: &l0 ["lol"]\n' + lol + "\n#}\n{{ meeting.会议名称 }}\n", encoding="utf-8"
    )
    return classify(drafter(tmp, "templates"), expect_fail=False)


def c_workers(cmd: str, n: str) -> Callable[[Path, Callable[..., Outcome]], tuple[str, str]]:
    def run(tmp: Path, drafter: Callable[..., Outcome]) -> tuple[str, str]:
        seeds = ROOT_DEFAULT / "seeds"
        argv = (
            ["mine", str(seeds), "--workers", n]
            if cmd == "mine"
            else ["corpus", "stats", str(seeds), "--workers", n]
        )
        return classify(drafter(tmp, *argv))

    return run


def c_big_bank(tmp: Path, drafter: Callable[..., Outcome]) -> tuple[str, str]:
    folder = tmp / "bank"
    folder.mkdir()
    lines = ["phrases:"]
    for i in range(25_000):
        lines += [
            f"  - id: tasks.bulk.{i:05d}",
            "    role: tasks",
            "    function: 部署任务",
            "    topics: [项目建设]",
            f"    text: 要加快推进第{i}批项目建设，确保按期完成。",
            "    origin: curated",
        ]
    (folder / "big.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    o = drafter(tmp, "phrasebank", "check", str(folder))
    if o.hung:
        return "hung", ""
    if o.code != 0:
        return "lost", "an ordinary 25,000-entry file under the size limit was refused: " + _first_line(o.err)
    return "clean", _first_line(o.out)


def c_corrupt_cache(tmp: Path, drafter: Callable[..., Outcome]) -> tuple[str, str]:
    seeds = ROOT_DEFAULT / "seeds"
    first = drafter(tmp, "mine", str(seeds), "-o", str(tmp / "m.yaml"))
    if first.code != 0:
        return classify(first)
    for cache_root in (tmp / "cache", tmp / "user" / "cache"):
        for f in cache_root.rglob("*"):
            if f.is_file() and f.suffix in (".json", ".yaml", ""):
                f.write_text('{"speeches": 5, "version": [1]}', encoding="utf-8")
    o = drafter(tmp, "mine", str(seeds), "-o", str(tmp / "m2.yaml"))
    return classify(o, expect_fail=False) if o.code == 0 else ("internal", _first_line(o.err))


def c_outname(name: str) -> Callable[[Path, Callable[..., Outcome]], tuple[str, str]]:
    def run(tmp: Path, drafter: Callable[..., Outcome]) -> tuple[str, str]:
        spec = tmp / "spec.yaml"
        spec.write_text(spec_with("开场。"), encoding="utf-8")
        return classify(drafter(tmp, "draft", str(spec), "-o", name))

    return run


def c_gbk_name(tmp: Path, drafter: Callable[..., Outcome]) -> tuple[str, str]:
    folder = tmp / "corpus"
    folder.mkdir()
    raw = os.fsencode(folder) + b"/" + "讲话".encode("gbk") + b".txt"
    with open(raw, "wb") as fh:
        fh.write("在全县会议上的讲话\n\n同志们：\n\n一、认清形势\n\n要认清形势。\n".encode())
    return classify(drafter(tmp, "outline", str(folder)), expect_fail=False)


def c_many_sections(tmp: Path, drafter: Callable[..., Outcome]) -> tuple[str, str]:
    spec = tmp / "spec.yaml"
    body = spec_with("开场。").split("sections:")[0]
    secs = "".join(
        f"  - role: tasks\n    heading: 第{i}项工作\n    items:\n      - text: 要抓好这项工作。\n"
        for i in range(1000)
    )
    spec.write_text(body + "sections:\n" + secs + "closing:\n  - text: 同志们。\n", encoding="utf-8")
    return classify(drafter(tmp, "draft", str(spec), "-o", str(tmp / "o.txt")), expect_fail=False)


def c_fifo_out(tmp: Path, drafter: Callable[..., Outcome]) -> tuple[str, str]:
    spec = tmp / "spec.yaml"
    spec.write_text(spec_with("开场。"), encoding="utf-8")
    fifo = _fifo(tmp, "out.txt")
    verdict = classify(drafter(tmp, "draft", str(spec), "-o", str(fifo), "--force"), names="out.txt")
    if "None" in verdict[1]:
        return "internal", "no reason given: " + verdict[1]
    return verdict


def c_escapes(tmp: Path, drafter: Callable[..., Outcome]) -> tuple[str, str]:
    bank = tmp / "user" / "phrasebank"
    bank.mkdir(parents=True)
    (bank / "mine.yaml").write_text(bank_with('"\\e]0;pwned\\a\\e[2J要抓好招商引资工作。"'), encoding="utf-8")
    o = drafter(tmp, "phrasebank", "search", "招商引资")
    if "\x1b" in o.out or "\x07" in o.out:
        return "internal", "terminal escape printed raw"
    c = drafter(tmp, "phrasebank", "check")
    if c.code == 0:
        return "internal", "check passed a phrase holding control characters"
    return classify(c)


def c_missing_layer(tmp: Path, drafter: Callable[..., Outcome]) -> tuple[str, str]:
    return classify(
        drafter(tmp, "phrasebank", "check", "--phrasebank", str(tmp / "nonexistent")), names="nonexistent"
    )


def c_format_ext(tmp: Path, drafter: Callable[..., Outcome]) -> tuple[str, str]:
    spec = tmp / "spec.yaml"
    spec.write_text(spec_with("开场。"), encoding="utf-8")
    return classify(drafter(tmp, "draft", str(spec), "-o", str(tmp / "out.docx"), "--format", "txt"))


def c_concurrent_add(tmp: Path, drafter: Callable[..., Outcome]) -> tuple[str, str]:
    root = Path(os.environ.get("HOSTILE_ROOT", ROOT_DEFAULT))
    env = dict(os.environ, DRAFTER_USER_DIR=str(tmp / "user"), PYTHONPATH=str(root))
    target = tmp / "shared.yaml"
    procs = [
        subprocess.Popen(
            [
                sys.executable, "-m", "drafter", "phrasebank", "add", "--role", "tasks", "--function", "部署任务",
                "--text", f"要抓好第{i}项重点工作，确保按期完成任务。", "--to", str(target),
            ],
            cwd=tmp, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        for i in range(20)
    ]  # fmt: skip
    for p in procs:
        p.communicate(timeout=120)
    text = target.read_text(encoding="utf-8") if target.exists() else ""
    kept = sum(f"第{i}项重点工作" in text for i in range(20))
    ids = re.findall(r"id: (\S+)", text)
    if kept < 20 or len(set(ids)) != len(ids):
        return "lost", f"{kept} of 20 entries kept, {len(ids) - len(set(ids))} duplicate ids"
    return "clean", "20 of 20 kept"


def c_big_outline(tmp: Path, drafter: Callable[..., Outcome]) -> tuple[str, str]:
    seed = sorted((ROOT_DEFAULT / "seeds").glob("*.txt"))[0].read_text(encoding="utf-8")
    path = tmp / "big.txt"
    with path.open("w", encoding="utf-8") as fh:
        while fh.tell() < 20 << 20:
            fh.write(seed + "\n\n")
    o = drafter(tmp, "outline", str(path))
    return ("hung", "over the timeout") if o.hung else classify(o, expect_fail=False)


CASES = [
    Case("outline FIFO", c_fifo(["outline", "{IN}"])),
    Case("draft FIFO", c_fifo(["draft", "{IN}", "-o", "x.txt"])),
    Case("lint FIFO", c_fifo(["lint", "{IN}"])),
    Case("outline /dev/zero", c_devzero(["outline", "{IN}"])),
    Case("phrasebank check /dev/zero", c_devzero(["phrasebank", "check", "{IN}"])),
    Case("lint /dev/zero", c_devzero(["lint", "{IN}"])),
    Case("docx zip bomb", c_zipbomb),
    Case("free text range loop", c_material('"{% for i in range(99999) %}{% for j in range(99999) %}x{% endfor %}{% endfor %}"', "free")),
    Case("free text format", c_material("\"{{ '%0999999999d'|format(1) }}\"", "free")),
    Case("free text lipsum", c_material('"{{ lipsum(1000000) }}"', "free")),
    Case("free text center", c_material("\"{{ 'a'|center(1000000000) }}\"", "free")),
    Case("free text recursive macro", c_material('"{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}"', "free")),
    Case("phrase text join range", c_material("\"{{ range(100000000)|join(',') }}\"", "bank")),
    Case("phrase text nested loops", c_material('"{% for i in range(99999) %}{% for j in range(99999) %}x{% endfor %}{% endfor %}"', "bank")),
    Case("template meta alias bomb", c_template_meta_alias),
    Case("mine --workers 1000", c_workers("mine", "1000")),
    Case("corpus stats --workers 0", c_workers("stats", "0")),
    Case("corpus stats --workers -5", c_workers("stats", "-5")),
    Case("25,000-entry phrasebank", c_big_bank),
    Case("corrupt mining cache", c_corrupt_cache),
    Case("300-character output name", c_outname("a" * 300 + ".docx")),
    Case("~nosuchuser output", c_outname("~nosuchuser/a.docx")),
    Case("GBK file name in corpus", c_gbk_name),
    Case("draft with 1000 sections", c_many_sections),
    Case("FIFO as output", c_fifo_out),
    Case("terminal escapes in phrase", c_escapes),
    Case("--phrasebank /nonexistent", c_missing_layer),
    Case("--format contradicts extension", c_format_ext),
    Case("20 concurrent phrasebank add", c_concurrent_add),
    Case("outline of a 20 MB .txt", c_big_outline),
]  # fmt: skip


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--root", type=Path, default=ROOT_DEFAULT, help="checkout to run (default: this one)")
    ap.add_argument("--timeout", type=float, default=60.0)
    ap.add_argument("-k", default="", help="only cases whose name contains this")
    args = ap.parse_args()
    os.environ["HOSTILE_ROOT"] = str(args.root)
    drafter = make_runner(args.root, args.timeout)
    counts: dict[str, int] = {}
    for case in CASES:
        if args.k not in case.name:
            continue
        with tempfile.TemporaryDirectory() as d:
            verdict, detail = case.run(Path(d), drafter)
        counts[verdict] = counts.get(verdict, 0) + 1
        print(f"{verdict:9} {case.name:34} {detail}", flush=True)
    total = sum(counts.values())
    print(f"\n{total} cases: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
