"""Reading one corpus file into raw paragraphs: .txt (any encoding offices use), .docx, .doc, .wps.

Every read is bounded and refuses what is not a regular file (``drafter.util.safeio``):
no input hangs drafter or exhausts its memory.  Messages name the file in Chinese,
with undecodable bytes of its name shown as U+FFFD.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from drafter.corpus.clean import join_soft_breaks
from drafter.corpus.limits import (
    CONVERT_TIMEOUT,
    MAX_CONVERTED_BYTES,
    MAX_PARAGRAPH_CHARS,
    MAX_TEXT_BYTES,
)
from drafter.errors import DrafterError
from drafter.model import Para
from drafter.util.proc import run_in_group
from drafter.util.safeio import describe_os_error, display_path, read_bounded

__all__ = [
    "CORPUS_SUFFIXES",
    "decode_bytes",
    "read_document",
    "soffice_path",
]

DOCX_SUFFIX = ".docx"
# Old binary Word and WPS Writer files, read through LibreOffice.
CONVERTED_SUFFIXES = {".doc", ".wps"}
CORPUS_SUFFIXES = {".txt", DOCX_SUFFIX, *CONVERTED_SUFFIXES}


def read_document(path: str | Path) -> list[Para]:
    """Read a .txt, .docx, .doc or .wps file into raw lines (``Para.line`` = 1-based line in the file).

    A .txt is decoded from UTF-8 (with or without BOM), UTF-16 (with or without BOM),
    GB18030/GBK or Big5.  A .docx gives one line per Word paragraph as Word shows it
    (automatic numbering as text, tracked changes accepted, tables in order; the
    paragraph's number in the document is its line); soft line breaks inside a paragraph
    are joined where they only wrap a line (see :func:`join_soft_breaks`).  A .doc or
    .wps is converted to .docx by LibreOffice when it is installed.

    Raises ``DrafterError`` (Chinese, naming the file) for a missing, empty, binary,
    undecodable, broken, oversized or non-regular (FIFO, device, socket) file.
    """
    path = Path(path)
    shown = display_path(path)
    suffix = path.suffix.lower()
    if suffix in CONVERTED_SUFFIXES:
        paras = _read_converted(path, shown, suffix)
    elif suffix == DOCX_SUFFIX:
        paras = _read_docx(path, shown)
    else:
        data = read_bounded(path, MAX_TEXT_BYTES)
        text = decode_bytes(data, shown)
        paras = [Para(line, i) for i, line in enumerate(text.split("\n"), 1)]
    if not any(p.text.strip() for p in paras):
        raise DrafterError("文件是空的（没有任何文字）", shown)
    for p in paras:
        if len(p.text) > MAX_PARAGRAPH_CHARS:
            raise _too_long(len(p.text), shown, p.line)
    return paras


def _too_long(length: int, shown: str, line: int) -> DrafterError:
    return DrafterError(
        f"这一行长达 {length} 字，不像讲话稿（单段上限 {MAX_PARAGRAPH_CHARS} 字），已跳过此文件", shown, line
    )


# ---------------------------------------------------------------------------
# Text files


def decode_bytes(data: bytes, name: str = "") -> str:
    """Decode a text file: UTF-8 (with or without BOM), UTF-16, GB18030, else what a detector finds.

    The fast path takes UTF-8, a BOM, or GB18030 that reads as ordinary Chinese; anything
    else (Big5, UTF-16 without BOM or zeros, GB18030 that decodes into rare characters)
    goes to ``charset-normalizer``, whose answer is kept only if it reads as text.
    """
    if not data.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise DrafterError("文件是空的（没有任何文字）", name)
    text: str | None = None
    if data.startswith(b"\xef\xbb\xbf"):
        text = _try_decode(data[3:], "utf-8")
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = _try_decode(data, "utf-16")
    elif b"\x00" in data[:4096]:
        text = _guess_utf16(data) or _detect(data)
        if text is None:
            raise DrafterError("这是二进制文件，不是文本（请提供 .txt 或 .docx 讲话稿）", name)
    else:
        text = _try_decode(data, "utf-8")
        if text is None:
            text = _decode_legacy(data)
    if text is None:
        raise DrafterError(
            "无法识别文件编码（已尝试 UTF-8、UTF-16、GB18030、Big5 及自动识别），请另存为 UTF-8 文本", name
        )
    if _looks_binary(text):
        raise DrafterError("这是二进制文件或编码错误的文本，无法读取", name)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise DrafterError("文件是空的（没有任何文字）", name)
    return text


def _decode_legacy(data: bytes) -> str | None:
    """GB18030 when it reads as ordinary Chinese, else what the detector finds (or None)."""
    gb = _try_decode(data, "gb18030")
    if gb is not None and _reads_as_chinese(gb):
        return gb
    # GB18030 decodes most byte soup into rare characters: without a better reading, refuse
    return _detect(data)


def _try_decode(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def _guess_utf16(data: bytes) -> str | None:
    sample = data[:4096]
    even_zero = sample[0::2].count(0)
    odd_zero = sample[1::2].count(0)
    half = max(1, len(sample) // 2)
    # ASCII-heavy UTF-16 has zeros in one lane; CJK-heavy UTF-16 has few zeros, so also just try.
    order = ["utf-16-le", "utf-16-be"] if odd_zero >= even_zero else ["utf-16-be", "utf-16-le"]
    if max(even_zero, odd_zero) < half * 0.05:
        return None
    for enc in order:
        text = _try_decode(data, enc)
        if text is not None and not _looks_binary(text) and _looks_like_prose(text):
            return text
    return None


# The detector sees at most this much of a file; the whole file is then decoded strictly.
_DETECT_SAMPLE = 256 * 1024
# Encodings a Chinese office's text files come in (the detector is not asked about others).
_DETECT_ENCODINGS = ["utf_8", "gb18030", "big5", "big5hkscs", "cp950", "utf_16_le", "utf_16_be", "utf_32"]


def _detect(data: bytes) -> str | None:
    """The text ``charset-normalizer`` finds in ``data``, if it reads as prose; else None."""
    sample = data[:_DETECT_SAMPLE]
    if len(sample) < len(data):
        sample = sample[: len(sample) - len(sample) % 4]
    # Imported here: it costs 35-75 ms at start-up and only files off the fast path need it.
    import charset_normalizer

    try:
        match = charset_normalizer.from_bytes(sample, cp_isolation=_DETECT_ENCODINGS).best()
    except Exception:  # the detector is a heuristic: its failure only means "unknown"
        return None
    if match is None or not match.encoding:
        return None
    text = _try_decode(data, match.encoding)
    if text is None or _looks_binary(text) or not _looks_like_prose(text) or not _substantive(text):
        return None
    if _han_count(text) >= _MIN_HAN and not _reads_as_chinese(text):
        return None
    return text


# The most frequent characters of Chinese government and school speeches (simplified; most are
# the same in traditional).  Real Chinese text has over 80 % of its characters among them; Big5 or
# UTF-16 bytes misread as GB18030 give rare characters, under 20 %.
_COMMON_HAN = frozenset(
    "的要工作一实政项是和县不发目业全进力大部各展建在成设加府人有上我会个行务重门好为干做对落任抓强"
    "产年动事点化到以出完度们定开保效民增推地中经面资市能确就提题体了三快现问高等决下主标位生这导新农"
    "乡入时前制责济镇分区基理长领关步解明合级二程规社用方城局多把村元同持利施求严水坚环来心公家正办企"
    "服调法管当风取安改想通整立争机得绩委思也些突结投真态更查省形境都万评意过创金今策单造职收次去情自"
    "划总第难于本量切优与从期四头后国系种益路纪观精财必治转律群议识组常众可向积极深平势统围率件之续研"
    "认排究督破亿文手稳批相学支其按性比员而带础须指处紧担商起线谋善子放还考月园引小最打集权着才特照已"
    "努质交格育应场准只接果如讲及域范速活变样五清里织专计促么己困内值所表间执估绕先电品神感负报源天信"
    "十措具教别两少道再很战招协层气搞日核共看升党每营尽外无断使式记署树住至运因老户将扎证书障达节象找"
    "际班迁预存代站念没约细较价移限广条税说攻敢劲半监口需包压配检反什足近习供培扶违但视何待固响几逐防"
    "直复百科审案非扩越失团况顾并列身影融居功承序筹追够志林污依那此奋键初聚激挥该段养话廉构守示库险份"
    "见继底健止章模显数客医验助勤型差他终贯论低往容素红土物兴适食望你革控木顺征季充遇台注白游走害州彻"
    "满付既牵空牢察然备良千远握采额补帮占车房尤让义试召刚言队靠令消奖流减退弱套染类洁选踏届均由六劳名"
    "请励联给卫乱技访禁首怎始原米延又國會發們這為來對時說經過從業員學後個開與進長動實現種關體點當區"
)
_HAN_RE = re.compile("[\u3400-\u9fff]")
_MIN_HAN = 20


def _han_count(text: str) -> int:
    return len(_HAN_RE.findall(text[:20000]))


def _reads_as_chinese(text: str) -> bool:
    """Most Chinese characters of ``text`` are common ones (or there are too few to tell)."""
    han = _HAN_RE.findall(text[:20000])
    if len(han) < _MIN_HAN:
        return True
    common = sum(1 for ch in han if ch in _COMMON_HAN)
    return common >= 0.4 * len(han)


# Characters a Chinese (or English) text is made of: ASCII, general punctuation,
# CJK symbols and ideographs, full-width forms.
_PROSE_CHARS = re.compile(
    "[\t\n\r\x20-\x7e\u00a0-\u00ff\u2000-\u206f\u2e80-\u9fff\uff01-\uff5e\uffe0-\uffe6]"
)
_WORD_CHARS = re.compile("[\u3400-\u9fffA-Za-z0-9]")


def _substantive(text: str) -> bool:
    """A guessed decoding is made of words: Chinese characters, Latin letters or digits, not symbols."""
    sample = "".join(text[:20000].split())
    return bool(sample) and len(_WORD_CHARS.findall(sample)) >= 0.3 * len(sample)


def _looks_like_prose(text: str) -> bool:
    """Without a BOM, accept a guessed decoding only if nearly all of it is ordinary text characters.

    Arbitrary bytes with zeros in them decode as UTF-16 into Latin Extended,
    Cyrillic, Hangul ... soup; real speeches are CJK, ASCII and punctuation.
    """
    sample = text[:20000]
    if not sample:
        return False
    return len(_PROSE_CHARS.findall(sample)) >= 0.9 * len(sample)


_BINARY_CHARS = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f\ud800-\udfff\ue000-\uf8ff\ufffe\uffff]")


def _looks_binary(text: str) -> bool:
    """Control, surrogate and private-use characters above 1 % of a sample: not a text file."""
    sample = text[:20000]
    bad = len(_BINARY_CHARS.findall(sample))
    return bad > max(2, len(sample) // 100)


# ---------------------------------------------------------------------------
# Word documents


def _read_docx(path: Path, shown: str) -> list[Para]:
    # Imported here: lxml costs 70-120 ms at start-up and only .docx reading needs it.
    from drafter.corpus.wordml import iter_docx_paragraphs

    paras: list[Para] = []
    for text, number in iter_docx_paragraphs(str(path), shown):
        if len(text) > MAX_PARAGRAPH_CHARS:  # refused as it streams, before the rest is held
            raise _too_long(len(text), shown, number)
        # a soft line break (w:br, w:cr) is "\n"
        for piece in join_soft_breaks(text.replace("\r", "\n").split("\n")):
            paras.append(Para(piece, number))
    return paras


def soffice_path() -> str | None:
    """The LibreOffice program that converts .doc/.wps, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def _read_converted(path: Path, shown: str, suffix: str) -> list[Para]:
    """A .doc / .wps converted to .docx by LibreOffice (headless, private profile, time limit)."""
    program = soffice_path()
    kind = "WPS 文字文档" if suffix == ".wps" else "旧版 Word 文档"
    if program is None:
        raise DrafterError(
            f"这是{kind}（{suffix}），读取需要 LibreOffice，但本机没有安装。"
            "请安装 LibreOffice（如 sudo apt install libreoffice-writer），"
            "或在 Word/WPS 中把它另存为 .docx 后再读取",
            shown,
        )
    data = read_bounded(path, MAX_CONVERTED_BYTES)
    try:
        return _convert_and_read(program, data, shown, suffix, kind)
    except OSError as exc:  # the temporary folder: a full disk, a read-only /tmp
        raise DrafterError(f"无法为转换{kind}准备临时文件夹（{describe_os_error(exc)}）", shown) from exc


def _convert_and_read(program: str, data: bytes, shown: str, suffix: str, kind: str) -> list[Para]:
    with tempfile.TemporaryDirectory(prefix="drafter-convert-") as tmp:
        work = Path(tmp)
        # A fixed ASCII name: the user's name may be undecodable, start with "-", or be reused.
        source = work / f"input{suffix}"
        source.write_bytes(data)
        out_dir = work / "out"
        command = [
            program,
            f"-env:UserInstallation={(work / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--nologo",
            "--nodefault",
            "--nolockcheck",
            "--convert-to",
            "docx:MS Word 2007 XML",
            "--outdir",
            str(out_dir),
            str(source),
        ]
        try:
            run_in_group(command, timeout=CONVERT_TIMEOUT)
        except OSError as exc:
            raise DrafterError(f"无法启动 LibreOffice 转换{kind}（{exc.strerror or exc}）", shown) from exc
        except subprocess.TimeoutExpired as exc:
            raise DrafterError(
                f"LibreOffice 转换{kind}超过 {CONVERT_TIMEOUT} 秒仍未完成，已放弃此文件", shown
            ) from exc
        result = out_dir / "input.docx"
        if not result.is_file():
            raise DrafterError(
                f"LibreOffice 无法转换此文件：它可能已损坏、已加密，或不是{kind}"
                "（可在 Word/WPS 中打开后另存为 .docx 再读取）",
                shown,
            )
        return _read_docx(result, shown)
