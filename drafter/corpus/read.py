"""Reading and cleaning a corpus of speeches: decoding, boilerplate, hard wraps, splitting, duplicates.

Everything here works paragraph by paragraph with linear-time regular
expressions, so a large corpus (or one absurd 10 MB line) never hangs.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from itertools import chain
from pathlib import Path

from drafter.errors import DrafterError
from drafter.model import Para, Speech

DOCX_SUFFIX = ".docx"
CORPUS_SUFFIXES = {".txt", ".docx"}

# One paragraph longer than this is not a speech (a dump, a binary blob, a
# file without line breaks); the file is reported instead of parsed.
MAX_PARAGRAPH_CHARS = 200_000

# ---------------------------------------------------------------------------
# Shared patterns (also used by drafter.outline)

CN_NUM = "一二三四五六七八九十"
_CJK = "\u3400-\u9fff\uf900-\ufaff"
# Sentence-final punctuation: a line ending with one of these is a complete paragraph.
FINAL_PUNCT = "。！？：…!?:"
_CLOSERS = "”’」』）》)\"'"

PIAN_RE = re.compile(rf"^第([{CN_NUM}\d]{{1,3}})篇\s*[：:、.．\s]?\s*(.*)$")
DATE_RE = re.compile(
    r"^[（(]?\s*((?:[0-9X×xＸ*〇○零一二三四五六七八九]{2,4})年"
    r"(?:[0-9X×xＸ*〇○零一二三四五六七八九十]{1,2})月"
    r"(?:[0-9X×xＸ*〇○零一二三四五六七八九十]{1,3})日)\s*[）)]?$"
)
SUBTITLE_RE = re.compile(r"^(?:——|—|──|--|－－|－)\s*(.+)$")
SALUTATION_RE = re.compile(
    r"^[^。！？]{0,24}(?:同志们|朋友们|代表们|各位领导|各位来宾|各位委员|各位代表)[^。！？]{0,12}[：:]$"
)
# A line that begins with an outline marker of any kind (ranked or paragraph-initial).
ANY_MARKER_RE = re.compile(
    rf"^(?:[{CN_NUM}]{{1,3}}、|[（(][{CN_NUM}\d%]{{1,3}}[）)]|\d{{1,2}}(?:\.(?!\d)|．|、)"
    rf"|[{CN_NUM}]{{1,3}}[是要]|第[{CN_NUM}]{{1,3}}[，,、：:]|(?:首先|其次|再次|最后)[，,])"
)
# ``在…上的讲话``: the meeting phrase that makes a line a complete subtitle on its own.
MEETING_PHRASE_RE = re.compile(r"在.{2,80}?(?:上|中|时)的(?:讲话|发言|致辞|报告)")
HEADERISH_END_RE = re.compile(r"(?:讲话|发言|致辞|报告|讲稿|讲话要点|讲话提纲)(?:[（(][^）)]{0,8}[）)])?$")

# ---------------------------------------------------------------------------
# Boilerplate

# Strong signs of an advert / web boilerplate line (only checked on short lines).
_AD_STRONG = re.compile(
    r"仅供学习|禁止外传|仅供参考学习|订阅|会员|QQ群|[Qq]{2}[:：]|微信群|公众号|扫码|二维码|倒卖|免费赠送"
    r"|版权所有|未经授权|https?://|www\.|范文网|文库|关注我们|添加微信|客服微信|VIP|vip"
)
_AD_WEAK = re.compile(r"平台|分享|资料|权益|活动|迭代|群[:：]|下载|更新")
_AD_MAX_LEN = 80
_PAGINATION_RE = re.compile(r"本文章共\d+页[，,]?\s*当前在第\d+页|第\d+页\s*[/／共]\s*共?\d+页")
_PAGE_NUMBER_LINE = re.compile(r"^[-—–－\s]*\d{1,3}[-—–－\s]*$")

# Invisible and control characters (a tab becomes a space first).
_INVISIBLE_RE = re.compile("[\ufeff\u200b\u200c\u200d\u2060\u00ad\x00-\x08\x0a-\x1f\x7f]")
_FULLWIDTH_RE = re.compile("[０-９Ａ-Ｚａ-ｚ]")
_SPACES = re.compile(r"[ \t\u00a0\u2002\u2003\u2009\u3000]+")
_FULLWIDTH = {ord(c): ord(c) - 0xFEE0 for c in "０１２３４５６７８９"}
_FULLWIDTH.update({ord(chr(o)): o - 0xFEE0 for o in range(ord("Ａ"), ord("Ｚ") + 1)})
_FULLWIDTH.update({ord(chr(o)): o - 0xFEE0 for o in range(ord("ａ"), ord("ｚ") + 1)})
_HALF_PUNCT = {",": "，", ":": "：", ";": "；", "?": "？", "!": "！"}
_HALF_NEAR_CJK = re.compile(rf"(?<=[{_CJK}“”、，。）])[,:;?!]|[,:;?!](?=[{_CJK}“])")
_PAREN_GROUP = re.compile(r"\(([^()（）\n]{1,60})\)")
_CJK_CHAR = re.compile(rf"[{_CJK}]")
_SPACE_BETWEEN_CJK = re.compile(rf"(?<=[{_CJK}，。、；：！？“”（）])\s(?=[{_CJK}，。、；：！？“”（）])")
_SPACE_AFTER_MARKER = re.compile(
    rf"^((?:[{CN_NUM}]{{1,3}}、|（[^）]{{1,3}}）|\d{{1,2}}(?:\.|．|、)|[{CN_NUM}]{{1,3}}[是要]|第[{CN_NUM}]{{1,3}}[，、]))\s+"
)


# 国发„2024‟2号: the 〔〕 of a document number garbled by a legacy encoding or a font substitution.
_GARBLED_YEAR_BRACKETS = re.compile(r"„\s*((?:19|20)\d{2})\s*‟")


def normalise_text(text: str) -> str:
    """Normalise one line: invisible characters, spaces, full-width digits/letters, half-width punctuation,
    ``„2024‟`` in a document number to ``〔2024〕``.

    Placeholders (``XX``, ``xx``, ``X``, ``*``, ``***``, ``××``, ``……``) are left alone.
    """
    if _INVISIBLE_RE.search(text):
        text = _INVISIBLE_RE.sub("", text.replace("\t", " "))
    text = _SPACES.sub(" ", text).strip()
    if not text:
        return ""
    if _FULLWIDTH_RE.search(text):
        text = text.translate(_FULLWIDTH)
    if "„" in text:
        text = _GARBLED_YEAR_BRACKETS.sub(r"〔\1〕", text)
    # The steps feed each other (a removed space brings a bracket pair closer), so repeat to a fixed point.
    for _ in range(4):
        before = text
        if " " in text:
            text = _SPACE_AFTER_MARKER.sub(r"\1", text)
            if len(text) > 60:
                text = _SPACE_BETWEEN_CJK.sub("", text)
        if any(c in text for c in ",:;?!"):
            text = _HALF_NEAR_CJK.sub(lambda m: _HALF_PUNCT[m.group(0)], text)
        if "(" in text:
            text = _PAREN_GROUP.sub(_fullwidth_parens, text)
        if text == before:
            break
    return text


def _fullwidth_parens(m: re.Match[str]) -> str:
    inner = m.group(1)
    start = m.start() == 0
    if _CJK_CHAR.search(inner) or (start and (inner.isdigit() or all(c in CN_NUM for c in inner))):
        return f"（{inner}）"
    return m.group(0)


def is_advert(text: str) -> bool:
    """A short line that is an advert or web boilerplate rather than speech."""
    return len(text) <= _AD_MAX_LEN and _AD_STRONG.search(text) is not None and not ANY_MARKER_RE.match(text)


def _ends_sentence(text: str) -> bool:
    stripped = text.rstrip(_CLOSERS)
    if not stripped:
        return True
    if stripped != text and stripped[-1] in "。！？…!?":
        return True
    return text[-1] in FINAL_PUNCT


def _is_heading_only(text: str) -> bool:
    """A marker line without a full stop: a heading on its own line, never a wrapped line."""
    return ANY_MARKER_RE.match(text) is not None and "。" not in text


def _is_header_line(text: str) -> bool:
    return (
        PIAN_RE.match(text) is not None
        or DATE_RE.match(text) is not None
        or SUBTITLE_RE.match(text) is not None
        or SALUTATION_RE.match(text) is not None
        or (len(text) <= 60 and HEADERISH_END_RE.search(text) is not None)
    )


def clean_lines(paras: Iterable[Para]) -> list[Para]:
    """Drop boilerplate, normalise, and repair hard wraps; one Para per paragraph.

    ``Para.line`` stays the 1-based line (paragraph, for .docx) in the original file;
    a repaired paragraph keeps the line it starts on.
    """
    lines: list[Para] = []
    for p in paras:
        text = normalise_text(p.text)
        if text and ("页" in text):
            stripped = _PAGINATION_RE.sub("", text)
            if stripped != text:
                text = normalise_text(stripped)
        lines.append(Para(text, p.line))
    _drop_preamble_adverts(lines)
    out: list[Para] = []
    for p in lines:
        text = p.text
        if not text or _PAGE_NUMBER_LINE.match(text) or is_advert(text):
            out.append(Para("", p.line))
            continue
        out.append(p)
    return _repair_wraps(out)


def _drop_preamble_adverts(lines: list[Para]) -> None:
    """Blank out the advert block at the top of a file (lines before the real title that look like ads)."""
    last_ad = -1
    for i, p in enumerate(lines):
        text = p.text
        if not text:
            continue
        if (
            len(text) > _AD_MAX_LEN
            or SALUTATION_RE.match(text)
            or PIAN_RE.match(text)
            or ANY_MARKER_RE.match(text)
            or i > 60
        ):
            break
        if is_advert(text):
            last_ad = i
    if last_ad < 0:
        return
    for i in range(last_ad + 1):
        lines[i] = Para("", lines[i].line)
    # Short lines glued to the block (no blank line between: a brand name, a slogan) go too.
    end = last_ad + 1
    while (
        end < len(lines)
        and lines[end].text
        and len(lines[end].text) <= 30
        and not _is_header_line(lines[end].text)
    ):
        lines[end] = Para("", lines[end].line)
        end += 1
    # Short weak-ad lines right after the block go too.
    for i in range(end, min(len(lines), end + 8)):
        text = lines[i].text
        if text and len(text) <= 30 and _AD_WEAK.search(text) and not _is_header_line(text):
            lines[i] = Para("", lines[i].line)


_WRAP_MIN_LEN = 40


def _wrap_length(lines: list[Para]) -> int:
    """The shortest line length that counts as hard-wrapped.

    40 characters by default; a file wrapped at a fixed width (copied from a
    PDF or a narrow window: many unpunctuated lines of the same length) uses
    that width instead.
    """
    lengths = Counter(
        len(p.text)
        for p in lines
        if len(p.text) >= 12
        and not _ends_sentence(p.text)
        and not _is_heading_only(p.text)
        and not _is_header_line(p.text)
    )
    if not lengths:
        return _WRAP_MIN_LEN
    width, count = lengths.most_common(1)[0]
    # allow one character of jitter (a half-width digit pair, a closing quote)
    count += lengths.get(width - 1, 0) + lengths.get(width + 1, 0)
    if count >= 4 and count * 4 >= sum(lengths.values()):
        return min(_WRAP_MIN_LEN, width - 2)
    return _WRAP_MIN_LEN


def _repair_wraps(lines: list[Para]) -> list[Para]:
    out: list[Para] = []
    current: Para | None = None
    continued = False
    min_len = _wrap_length(lines)
    for p in lines:
        text = p.text
        if not text:
            if current is not None:
                _emit(out, current, continued)
                current = None
            continue
        if current is not None:
            if _joins(current.text, text, continued or len(current.text) >= min_len):
                current = Para(normalise_text(current.text + text), current.line)
                continued = True
                continue
            _emit(out, current, continued)
        current = Para(text, p.line)
        continued = False
    if current is not None:
        _emit(out, current, continued)
    return out


def _emit(out: list[Para], para: Para, merged: bool) -> None:
    # A paragraph glued from several lines is checked for adverts again, as a re-read would.
    if not (merged and is_advert(para.text)):
        out.append(para)


def wrap_length(lines: list[str]) -> int:
    """The line length from which ``clean_lines`` treats an unpunctuated line of this text as wrapped."""
    return _wrap_length([Para(t) for t in lines])


def would_join(prev: str, nxt: str, min_len: int = _WRAP_MIN_LEN) -> bool:
    """Would ``clean_lines`` read line ``nxt`` as the continuation of a stand-alone line ``prev``?"""
    return _joins(prev, nxt, len(prev) >= min_len)


def _joins(prev: str, nxt: str, continued: bool) -> bool:
    """Does ``nxt`` continue ``prev`` (a hard line wrap)?"""
    if prev.endswith("；"):
        # A line ending in ； continues unless the next line is an item of a list.
        if ANY_MARKER_RE.match(nxt):
            return False
    elif _ends_sentence(prev):
        return False
    if len(prev) < _WRAP_MIN_LEN and not continued:
        return False
    if _is_heading_only(prev) or _is_header_line(prev):
        return False
    if _is_header_line(nxt) or _is_heading_only(nxt):
        return False
    return True


# ---------------------------------------------------------------------------
# Reading files


def read_document(path: str | Path) -> list[Para]:
    """Read a .txt (UTF-8, UTF-8 BOM, UTF-16, GB18030/GBK) or .docx file into raw lines.

    A .docx gives one line per Word paragraph; soft line breaks inside a paragraph are joined
    where they only wrap a line (see :func:`join_soft_breaks`).

    Raises ``DrafterError`` (Chinese, naming the file) for a missing, empty,
    binary, undecodable or broken file.
    """
    path = Path(path)
    name = str(path)
    if not path.exists():
        raise DrafterError("文件不存在", name)
    if path.is_dir():
        raise DrafterError("这是一个文件夹，不是文件", name)
    suffix = path.suffix.lower()
    if suffix == ".doc":
        raise DrafterError("不支持旧版 .doc 格式，请在 Word/WPS 中另存为 .docx 或 .txt", name)
    if suffix == DOCX_SUFFIX:
        paras = _read_docx(path)
    else:
        try:
            data = path.read_bytes()
        except PermissionError as exc:
            raise DrafterError("没有读取权限", name) from exc
        except OSError as exc:
            raise DrafterError(f"无法读取：{exc.strerror}", name) from exc
        text = decode_bytes(data, name)
        paras = [Para(line, i) for i, line in enumerate(text.split("\n"), 1)]
    if not any(p.text.strip() for p in paras):
        raise DrafterError("文件是空的（没有任何文字）", name)
    for p in paras:
        if len(p.text) > MAX_PARAGRAPH_CHARS:
            raise DrafterError(
                f"这一行长达 {len(p.text)} 字，不像讲话稿（单段上限 {MAX_PARAGRAPH_CHARS} 字），已跳过此文件",
                name,
                p.line,
            )
    return paras


def decode_bytes(data: bytes, name: str = "") -> str:
    """Decode a text file, detecting UTF-8 (with or without BOM), UTF-16 and GB18030."""
    if not data.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise DrafterError("文件是空的（没有任何文字）", name)
    text: str | None = None
    if data.startswith(b"\xef\xbb\xbf"):
        text = _try_decode(data[3:], "utf-8")
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = _try_decode(data, "utf-16")
    elif b"\x00" in data[:4096]:
        text = _guess_utf16(data)
        if text is None:
            raise DrafterError("这是二进制文件，不是文本（请提供 .txt 或 .docx 讲话稿）", name)
    else:
        text = _try_decode(data, "utf-8")
        if text is None:
            text = _try_decode(data, "gb18030")
    if text is None:
        raise DrafterError("无法识别文件编码（已尝试 UTF-8、UTF-16、GB18030），请另存为 UTF-8 文本", name)
    if _looks_binary(text):
        raise DrafterError("这是二进制文件或编码错误的文本，无法读取", name)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise DrafterError("文件是空的（没有任何文字）", name)
    return text


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


# Characters a Chinese (or English) text is made of: ASCII, general punctuation,
# CJK symbols and ideographs, full-width forms.
_PROSE_CHARS = re.compile("[\t\n\r\x20-\x7e\u00a0-\u00ff\u2000-\u206f\u2e80-\u9fff\uff00-\uffef]")


def _looks_like_prose(text: str) -> bool:
    """Without a BOM, accept a UTF-16 guess only if nearly all of it is ordinary text characters.

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


def _read_docx(path: Path) -> list[Para]:
    name = str(path)
    try:
        import docx  # python-docx
        from docx.opc.exceptions import PackageNotFoundError
    except ImportError as exc:  # pragma: no cover - dependency is declared
        raise DrafterError("缺少 python-docx，无法读取 .docx", name) from exc
    try:
        document = docx.Document(str(path))
    except PackageNotFoundError as exc:
        raise DrafterError("不是有效的 Word 文档（.docx），文件可能已损坏或只是改了扩展名", name) from exc
    except KeyError as exc:  # a zip without the parts a Word document has
        raise DrafterError(
            "不是 Word 文档：这是一个压缩包，里面没有 Word 文档的内容（可能只是改了扩展名）", name
        ) from exc
    except Exception as exc:
        raise DrafterError(f"Word 文档已损坏，无法读取（{type(exc).__name__}）", name) from exc
    paras: list[Para] = []
    try:
        for i, paragraph in enumerate(document.paragraphs, 1):
            # python-docx gives a soft line break (w:br, w:cr) as "\n".
            for piece in join_soft_breaks(paragraph.text.replace("\r", "\n").split("\n")):
                paras.append(Para(piece, i))
    except Exception as exc:
        raise DrafterError(f"Word 文档内容无法解析（{type(exc).__name__}）", name) from exc
    return paras


_ASCII_WORD = re.compile(r"[A-Za-z0-9]")
# A title in short parallel phrases: 坚定信心 扎实进取 (2 to 8 characters each, space-separated).
_SPACED_PHRASES = re.compile(r"^[^\s]{2,8}(?: [^\s]{2,8})+$")


def _ends_title(a: str, b: str) -> bool:
    """Is ``b`` (``…大会上的讲话``) the end of the title ``a`` rather than a subtitle line of its own?"""
    if PIAN_RE.match(b) or DATE_RE.match(b) or SUBTITLE_RE.match(b) or SALUTATION_RE.match(b):
        return False
    return not MEETING_PHRASE_RE.search(b) and MEETING_PHRASE_RE.search(a + b) is not None


def join_soft_breaks(pieces: list[str]) -> list[str]:
    """The lines of one Word paragraph split at soft line breaks, joined where the break only wraps.

    A break inside a sentence or title (``锚定目标 真抓实干`` / ``确保全年…``, as drafter's own
    title layout writes it) joins with no space between Chinese characters, one space between
    Latin words or digits, and the space it replaced after short space-separated phrases.  A break
    after a finished sentence, a heading or a front-matter line, or before a heading, a date, a
    subtitle or a salutation, still separates paragraphs (text pasted with Shift+Enter).
    """
    if len(pieces) <= 1:
        return pieces
    out: list[str] = []
    for piece in pieces:
        if not out:
            out.append(piece)
            continue
        prev = out[-1]
        a, b = prev.rstrip(), piece.lstrip()
        if not a or not b or _ends_sentence(a) or _is_heading_only(a) or _is_header_line(a):
            out.append(piece)
        elif _is_heading_only(b) or (_is_header_line(b) and not _ends_title(a, b)):
            out.append(piece)
        else:
            if a != prev or b != piece:
                gap = " "  # the space is written in the text: keep it
            elif _ASCII_WORD.match(a[-1]) and _ASCII_WORD.match(b[0]):
                gap = " "
            elif _SPACED_PHRASES.match(a):
                gap = " "  # 坚定信心 扎实进取 / 努力开创…: the break stands for the space between phrases
            else:
                gap = ""
            out[-1] = a + gap + b
    return out


def iter_corpus_files(paths: Iterable[str | Path]) -> list[Path]:
    """The .txt/.docx files under the given files and folders (recursive, sorted, no duplicates).

    A file named explicitly is taken whatever its extension; hidden files and
    Word lock files (``~$...``) inside folders are skipped.  A path that does
    not exist raises ``DrafterError``.
    """
    found: list[Path] = []
    seen: set[Path] = set()
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            raise DrafterError("路径不存在", str(path))
        if path.is_dir():
            items = sorted(
                (
                    p
                    for p in path.rglob("*")
                    if p.is_file()
                    and p.suffix.lower() in CORPUS_SUFFIXES
                    and not p.name.startswith(("~$", "."))
                    and not any(part.startswith(".") for part in p.relative_to(path).parts[:-1])
                ),
                key=lambda p: str(p.relative_to(path)),
            )
        else:
            items = [path]
        for item in items:
            key = item.resolve()
            if key not in seen:
                seen.add(key)
                found.append(item)
    return found


# ---------------------------------------------------------------------------
# Splitting a file into speeches


def split_speeches(paras: list[Para], source: str = "", path: str = "") -> list[list[Para]]:
    """Split a cleaned file into speeches at ``第一篇…`` lines; a file without them is one speech.

    Text before the first ``第N篇`` line is kept as a speech of its own only
    when it holds real prose (a paragraph longer than 80 characters).
    """
    starts = [i for i, p in enumerate(paras) if PIAN_RE.match(p.text) and len(p.text) <= 80]
    if not starts:
        return [list(paras)] if paras else []
    chunks: list[list[Para]] = []
    head = paras[: starts[0]]
    if any(len(p.text) > 80 for p in head):
        chunks.append(list(head))
    for k, start in enumerate(starts):
        end = starts[k + 1] if k + 1 < len(starts) else len(paras)
        chunk = list(paras[start:end])
        if chunk:
            chunks.append(chunk)
    return chunks


# ---------------------------------------------------------------------------
# Near-duplicates

_SENTENCE_SPLIT = re.compile(r"[。！？；!?;\n]+")
_NON_WORD = re.compile(rf"[^{_CJK}0-9A-Za-z。！？；!?;\n]+")
DUPLICATE_THRESHOLD = 0.6
_MIN_SENTENCES = 5
_MAX_POSTING = 32


def speech_fingerprint(speech: Speech) -> set[int]:
    """Hashes of the speech's sentences (punctuation and spaces removed, at least 8 characters)."""
    texts: list[str] = [p.text for p in speech.opening]
    for section in speech.iter_sections():
        texts.append(section.heading)
        texts.extend(p.text for p in section.paragraphs)
    texts.extend(p.text for p in speech.closing)
    compact = _NON_WORD.sub("", "\n".join(texts))
    return {hash(key) for key in _SENTENCE_SPLIT.split(compact) if len(key) >= 8}


def mark_duplicates(speeches: list[Speech]) -> None:
    """Set ``duplicate_of=(source, index)`` on each later near-duplicate of an earlier speech.

    Similarity is sentence containment: shared sentences divided by the
    sentences of the smaller speech, so a copy that lacks some paragraphs
    still counts.  An inverted index keeps it roughly linear in corpus size.
    """
    index: dict[int, list[int]] = {}
    prints: list[set[int]] = []
    for i, speech in enumerate(speeches):
        fp = speech_fingerprint(speech)
        prints.append(fp)
        counts = Counter(chain.from_iterable(index.get(h, ()) for h in fp))
        best_j, best_score = -1, 0.0
        for j, shared in counts.items():
            smaller = min(len(fp), len(prints[j]))
            if smaller < _MIN_SENTENCES:
                continue
            score = shared / smaller
            if score > best_score or (score == best_score and j < best_j):
                best_j, best_score = j, score
        if best_j >= 0 and best_score >= DUPLICATE_THRESHOLD:
            original = speeches[best_j]
            target = original.duplicate_of or (original.source, original.index)
            speech.duplicate_of = target
            note = (
                f"与 {target[0]} 第 {target[1] + 1} 篇内容基本相同（相似度 {best_score:.0%}），统计时只计一次"
            )
            if note not in speech.warnings:
                speech.warnings.append(note)
        for h in fp:
            posting = index.setdefault(h, [])
            if len(posting) < _MAX_POSTING:
                posting.append(i)
