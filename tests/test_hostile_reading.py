"""Hostile corpus inputs (issue 12): nothing read from a corpus hangs, exhausts memory or crashes.

Classes: non-regular files (FIFO, character device, socket), zip bombs in a .docx,
file names that are not valid UTF-8, and OS errors met while reading.
"""

from __future__ import annotations

import io
import os
import socket
import struct
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import docx
import pytest

from drafter.corpus import iter_corpus_files, read_document, wordml
from drafter.errors import DrafterError
from drafter.outline import parse_corpus

ROOT = Path(__file__).resolve().parent.parent
SPEECH = "在全县大会上的讲话\n同志们：\n今天开会。\n一、认清形势\n成绩明显。\n二、狠抓落实\n要抓好落实。\n"

# Reads in a child process, so that a hang fails the test instead of freezing the suite.
CHILD = """
import sys
from drafter.corpus import read_document
from drafter.errors import DrafterError
try:
    read_document(sys.argv[1])
except DrafterError as exc:
    print(exc)
    sys.exit(3)
print("read")
"""


def read_in_child(path: Path, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(
            [sys.executable, "-c", CHILD, str(path)],
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=ROOT,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"reading {path} hung for {timeout} s")


def drafter_cli(*args: object, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(
            [sys.executable, "-m", "drafter", *map(str, args)],
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=ROOT,
            env={**os.environ, "PYTHONIOENCODING": "utf-8"},
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"drafter {args} hung for {timeout} s")


# ---------------------------------------------------------------------------
# Non-regular files


@pytest.mark.parametrize("suffix", [".txt", ".docx", ".doc"])
def test_fifo_is_refused_without_hanging(tmp_path, suffix):
    fifo = tmp_path / f"pipe{suffix}"
    os.mkfifo(fifo)
    proc = read_in_child(fifo)
    assert proc.returncode == 3, proc.stderr
    assert "不是普通文件" in proc.stdout and str(fifo) in proc.stdout


def test_fifo_through_the_cli_is_refused(tmp_path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    proc = drafter_cli("outline", fifo)
    assert proc.returncode == 1, proc.stderr
    assert "不是普通文件" in proc.stderr and str(fifo) in proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom", "/dev/null"])
def test_character_devices_are_refused(tmp_path, device):
    if not os.path.exists(device):
        pytest.skip(f"{device} 不存在")
    link = tmp_path / "speech.txt"
    link.symlink_to(device)
    for path in (Path(device), link):
        with pytest.raises(DrafterError) as info:
            read_document(path)
        assert "不是普通文件" in info.value.message
        assert info.value.file == str(path)


def test_socket_is_refused(tmp_path):
    path = tmp_path / "s.txt"
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        server.bind(str(path))
        with pytest.raises(DrafterError) as info:
            read_document(path)
        assert "不是普通文件" in info.value.message
    finally:
        server.close()


def test_folder_with_a_fifo_and_a_device_link_is_read_without_them(tmp_path):
    (tmp_path / "good.txt").write_text(SPEECH, encoding="utf-8")
    os.mkfifo(tmp_path / "pipe.txt")
    (tmp_path / "zero.txt").symlink_to("/dev/zero")
    assert [p.name for p in iter_corpus_files([tmp_path])] == ["good.txt"]
    started = time.monotonic()
    result = parse_corpus([tmp_path])
    assert time.monotonic() - started < 30
    assert len(result.speeches) == 1 and result.errors == []


def test_text_over_the_size_limit_is_refused_by_bytes_read(tmp_path, monkeypatch):
    from drafter.corpus import read as corpus_read

    monkeypatch.setattr(corpus_read, "MAX_TEXT_BYTES", 1000)
    path = tmp_path / "big.txt"
    path.write_text(SPEECH * 100, encoding="utf-8")
    with pytest.raises(DrafterError) as info:
        read_document(path)
    assert "文件过大" in info.value.message and info.value.file == str(path)


# ---------------------------------------------------------------------------
# Zip bombs


def _docx_parts() -> dict[str, bytes]:
    buf = io.BytesIO()
    docx.Document().save(buf)
    with zipfile.ZipFile(buf) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


HEAD = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    b"<w:body><w:p><w:r><w:t>"
)
TAIL = b"</w:t></w:r></w:p></w:body></w:document>"


def _bomb(path: Path, part: str, inflated: int, level: int = 9) -> Path:
    """A .docx whose ``part`` inflates to ``inflated`` bytes of spaces inside one w:t, streamed."""
    parts = _docx_parts()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as zf:
        for name, data in parts.items():
            if name == part:
                continue
            zf.writestr(name, data)
        with zf.open(part, "w", force_zip64=True) as out:
            out.write(HEAD if part == "word/document.xml" else b"<?xml version='1.0'?><x>")
            chunk = b" " * (1 << 20)
            for _ in range(inflated >> 20):
                out.write(chunk)
            out.write(TAIL if part == "word/document.xml" else b"</x>")
    return path


def _lie_about_size(path: Path, part: str, declared: int) -> None:
    """Rewrite the central directory so ``part`` claims to inflate to only ``declared`` bytes."""
    data = bytearray(path.read_bytes())
    name = part.encode()
    pos = data.find(b"PK\x01\x02")
    while pos >= 0:
        name_len, extra_len, comment_len = struct.unpack("<HHH", data[pos + 28 : pos + 34])
        if bytes(data[pos + 46 : pos + 46 + name_len]) == name:
            if struct.unpack("<I", data[pos + 24 : pos + 28])[0] == 0xFFFFFFFF:
                # zip64: the real sizes are in the extra field
                extra = pos + 46 + name_len
                end = extra + extra_len
                while extra < end:
                    tag, size = struct.unpack("<HH", data[extra : extra + 4])
                    if tag == 1:
                        struct.pack_into("<Q", data, extra + 4, declared)
                        break
                    extra += 4 + size
            else:
                struct.pack_into("<I", data, pos + 24, declared)
            break
        pos = data.find(b"PK\x01\x02", pos + 46 + name_len + extra_len + comment_len)
    path.write_bytes(bytes(data))


def test_docx_whose_document_inflates_to_200_mb_is_refused_before_parsing(tmp_path):
    path = _bomb(tmp_path / "bomb.docx", "word/document.xml", 200 << 20, level=1)
    assert path.stat().st_size < 2 << 20
    proc = read_in_child(path, timeout=60)
    assert proc.returncode == 3, proc.stderr
    assert "压缩炸弹" in proc.stdout and "bomb.docx" in proc.stdout


def test_docx_with_an_absurd_compression_ratio_is_refused(tmp_path):
    path = _bomb(tmp_path / "ratio.docx", "word/document.xml", 16 << 20)  # under the size cap
    with pytest.raises(DrafterError) as info:
        read_document(path)
    assert "压缩比" in info.value.message and info.value.file == str(path)


def test_bomb_in_the_numbering_part_is_refused(tmp_path):
    path = _bomb(tmp_path / "numbering.docx", "word/numbering.xml", 100 << 20, level=1)
    with pytest.raises(DrafterError) as info:
        read_document(path)
    assert "numbering.xml" in info.value.message


def test_a_lying_declared_size_does_not_let_the_bomb_through(tmp_path):
    """The declared size is not trusted: actual inflation stops at the cap and the file is refused."""
    path = _bomb(tmp_path / "liar.docx", "word/document.xml", 16 << 20)
    _lie_about_size(path, "word/document.xml", 4096)
    with zipfile.ZipFile(path) as zf:
        assert zf.getinfo("word/document.xml").file_size == 4096  # the lie passes the declared checks
    proc = read_in_child(path, timeout=60)
    assert proc.returncode == 3, proc.stderr
    assert "liar.docx" in proc.stdout and ("损坏" in proc.stdout or "压缩炸弹" in proc.stdout)


def test_actual_bytes_are_capped_even_when_declared_sizes_pass(tmp_path, monkeypatch):
    path = _bomb(tmp_path / "capped.docx", "word/document.xml", 3 << 20)
    monkeypatch.setattr(wordml, "MAX_RATIO", 10**9)  # let the declared checks pass
    monkeypatch.setattr(wordml, "MAX_PART_BYTES", 1 << 20)
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo("word/document.xml")
    monkeypatch.setattr(wordml._Package, "check", lambda self, info: None)
    assert info.file_size > 1 << 20
    with pytest.raises(DrafterError) as info_err:
        read_document(path)
    assert "压缩炸弹" in info_err.value.message


# ---------------------------------------------------------------------------
# File names that are not UTF-8


def _gbk_named(folder: Path, stem: str, suffix: str, content: bytes) -> Path:
    raw = os.fsencode(folder) + b"/" + stem.encode("gbk") + suffix.encode()
    with open(raw, "wb") as handle:
        handle.write(content)
    return Path(os.fsdecode(raw))


def test_gbk_file_names_in_a_corpus_folder(tmp_path):
    good = _gbk_named(tmp_path, "县长讲话", ".txt", SPEECH.encode("gb18030"))
    bad = _gbk_named(tmp_path, "空文件", ".txt", b"")
    files = iter_corpus_files([tmp_path])
    assert sorted(files) == sorted([good, bad])
    assert [p.text for p in read_document(good)][:2] == ["在全县大会上的讲话", "同志们："]
    with pytest.raises(DrafterError) as info:
        read_document(bad)
    shown = str(info.value)
    shown.encode("utf-8")  # printable: no surrogate escapes
    assert "\ufffd" in shown and "空" in info.value.message
    result = parse_corpus([tmp_path])
    assert len(result.speeches) == 1 and len(result.errors) == 1
    str(result.errors[0]).encode("utf-8")


def test_gbk_file_name_through_the_cli(tmp_path):
    _gbk_named(tmp_path, "县长讲话", ".txt", SPEECH.encode("gb18030"))
    _gbk_named(tmp_path, "空文件", ".txt", b"")
    proc = drafter_cli("outline", tmp_path)
    assert "Traceback" not in proc.stderr and "UnicodeEncodeError" not in proc.stderr
    assert "认清形势" in proc.stdout
    assert "\ufffd" in proc.stderr


# ---------------------------------------------------------------------------
# OS errors


def test_os_errors_are_chinese_and_name_the_path(tmp_path):
    loop = tmp_path / "loop.txt"
    loop.symlink_to(tmp_path / "loop2.txt")
    (tmp_path / "loop2.txt").symlink_to(loop)
    folder = tmp_path / "folder.docx"
    folder.mkdir()
    long_name = tmp_path / ("长" * 100 + ".txt")
    not_dir = tmp_path / "good.txt" / "x.txt"
    (tmp_path / "good.txt").write_text(SPEECH, encoding="utf-8")
    cases = {
        loop: "符号链接",
        folder: "文件夹",
        long_name: "太长",
        not_dir: "不是文件夹",
        tmp_path / "missing.doc": "不存在",
    }
    for path, fragment in cases.items():
        with pytest.raises(DrafterError) as info:
            read_document(path)
        assert fragment in info.value.message, (path, info.value.message)
        assert info.value.file == str(path)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their permissions")
def test_unreadable_file(tmp_path):
    path = tmp_path / "secret.txt"
    path.write_text(SPEECH, encoding="utf-8")
    path.chmod(0)
    with pytest.raises(DrafterError) as info:
        read_document(path)
    assert "权限" in info.value.message


def test_file_digest_streams_regular_files_and_refuses_the_rest(tmp_path):
    import hashlib

    from drafter.corpus import file_digest

    path = tmp_path / "a.txt"
    path.write_bytes(SPEECH.encode("utf-8") * 1000)
    assert file_digest(path) == hashlib.sha256(path.read_bytes()).hexdigest()
    with pytest.raises(DrafterError) as info:
        file_digest(path, limit=100)
    assert "过大" in info.value.message
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    for bad in (fifo, Path("/dev/zero")):
        with pytest.raises(DrafterError) as info:
            file_digest(bad)
        assert "不是普通文件" in info.value.message and info.value.file == str(bad)
