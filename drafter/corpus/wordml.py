"""Reading a Word .docx package as Word shows it, without trusting the package.

What Word shows and python-docx's ``paragraph.text`` misses:

* automatic numbering (``word/numbering.xml``): ``一、`` / ``（一）`` / ``1.`` are not in the
  text but drawn from the paragraph's list level; they are rendered here as text, counting
  like Word (``w:start``, ``lvlOverride/startOverride``, levels restarting when a higher
  level advances, ``w:lvlRestart``, ``w:isLgl``, lists shared through ``w:numStyleLink``);
* tracked changes: insertions (``w:ins``, ``w:moveTo``) are kept, deletions (``w:del``,
  ``w:delText``, ``w:moveFrom``) dropped, a deleted paragraph mark joins two paragraphs;
* tables, read in document order, each cell's paragraphs as paragraphs;
* the style separator (a paragraph mark hidden with ``w:specVanish``: a run-in heading
  shown on one line with its body) joins the heading paragraph with the next one.

A .docx is a zip, so it is read defensively: only the parts needed are opened; each is
refused when its declared size or compression ratio is absurd, and inflated as a stream
capped at ``MAX_PART_BYTES`` actual bytes (the declared size is not trusted); the main
document is parsed incrementally, so memory does not grow with its length.
"""

from __future__ import annotations

import posixpath
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import IO

from lxml import etree

from drafter.corpus.limits import MAX_PACKAGE_BYTES, MAX_PART_BYTES, MAX_RATIO, RATIO_FLOOR
from drafter.errors import DrafterError
from drafter.util.safeio import describe_os_error, open_regular

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = "{" + W_NS + "}"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"

NOT_DOCX = "不是有效的 Word 文档（.docx），文件可能已损坏或只是改了扩展名"
NOT_WORD_ZIP = "不是 Word 文档：这是一个压缩包，里面没有 Word 文档的内容（可能只是改了扩展名）"

# Never text in the rendered document: deletions, field codes, properties, text boxes
# (drawn apart from the flow), the fallback copy of alternate content.
_SKIP = frozenset(
    W + t
    for t in (
        "del",
        "moveFrom",
        "delText",
        "instrText",
        "delInstrText",
        "pPr",
        "rPr",
        "sdtPr",
        "sdtEndPr",
        "txbxContent",
        "tblPr",
        "trPr",
        "tcPr",
        "tblGrid",
        "sectPr",
    )
) | {MC + "Fallback"}
_OUTSIDE_FLOW = frozenset({W + "txbxContent", W + "del", W + "moveFrom", MC + "Fallback"})


class _TooBig(Exception):
    """A zip part inflated beyond its cap."""


# No entities, no network, no DTD, no huge trees: the parser settings for every part.
_SAFE_XML = {
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "huge_tree": False,
    "remove_comments": True,
    "remove_pis": True,
}


def _parser() -> etree.XMLParser:
    return etree.XMLParser(**_SAFE_XML)


# ---------------------------------------------------------------------------
# Reading parts of the zip safely


class _CappedReader:
    """A file-like view of a zip member that raises ``_TooBig`` past ``cap`` bytes."""

    def __init__(self, raw: IO[bytes], cap: int) -> None:
        self.raw = raw
        self.cap = cap
        self.count = 0

    def read(self, n: int = -1) -> bytes:
        room = self.cap + 1 - self.count
        if n is None or n < 0 or n > room:
            n = room
        data = self.raw.read(n)
        self.count += len(data)
        if self.count > self.cap:
            raise _TooBig
        return data


_KNOWN_COMPRESSION = frozenset(
    {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA}
)


@dataclass
class _Package:
    zf: zipfile.ZipFile
    shown: str
    names: dict[str, zipfile.ZipInfo] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for info in self.zf.infolist():
            self.names.setdefault(info.filename.lstrip("/"), info)

    def info(self, name: str) -> zipfile.ZipInfo | None:
        return self.names.get(name)

    def check(self, info: zipfile.ZipInfo) -> None:
        """Refuse a part zipfile cannot inflate, or whose declared size or compression ratio is a bomb's."""
        if info.compress_type not in _KNOWN_COMPRESSION:
            raise DrafterError(
                f"Word 文档使用了无法识别的压缩方式（{info.compress_type}），无法读取", self.shown
            )
        size, packed = info.file_size, info.compress_size
        if size > MAX_PART_BYTES:
            raise DrafterError(
                f"Word 文档中的 {info.filename} 解压后有 {size // (1024 * 1024)} MB，超过上限 "
                f"{MAX_PART_BYTES // (1024 * 1024)} MB（可能是压缩炸弹），未读取",
                self.shown,
            )
        if size > RATIO_FLOOR and size > MAX_RATIO * max(packed, 1):
            raise DrafterError(
                f"Word 文档中的 {info.filename} 压缩比异常（{size // max(packed, 1)} 倍，可能是压缩炸弹），未读取",
                self.shown,
            )

    def open(self, info: zipfile.ZipInfo) -> _CappedReader:
        self.check(info)
        return _CappedReader(self.zf.open(info), MAX_PART_BYTES)

    def read_xml(self, name: str) -> etree._Element | None:
        """A small part (relationships, numbering, styles) parsed whole; None if absent or broken."""
        info = self.info(name)
        if info is None:
            return None
        reader = self.open(info)
        chunks = []
        try:
            while True:
                chunk = reader.read(1 << 20)
                if not chunk:
                    break
                chunks.append(chunk)
        except _TooBig as exc:
            raise DrafterError(_too_big_message(info.filename), self.shown) from exc
        try:
            return etree.fromstring(b"".join(chunks), _parser())
        except etree.XMLSyntaxError:
            return None


def _too_big_message(name: str) -> str:
    return f"Word 文档中的 {name} 实际解压超过 {MAX_PART_BYTES // (1024 * 1024)} MB（可能是压缩炸弹），未读取"


def _rels(pkg: _Package, part: str) -> list[tuple[str, str]]:
    """(type, target part name) of the internal relationships of ``part`` ("" = the package)."""
    folder, base = posixpath.split(part)
    rels_name = posixpath.join(folder, "_rels", base + ".rels")
    root = pkg.read_xml(rels_name)
    if root is None:
        return []
    out = []
    for rel in root.iter(_REL):
        if rel.get("TargetMode") == "External":
            continue
        target = rel.get("Target") or ""
        if target.startswith("/"):
            name = target.lstrip("/")
        else:
            name = posixpath.normpath(posixpath.join(folder, target))
        out.append((rel.get("Type") or "", name))
    return out


def _find_rel(rels: list[tuple[str, str]], kind: str) -> str | None:
    for rel_type, name in rels:
        if rel_type.endswith("/" + kind):
            return name
    return None


# ---------------------------------------------------------------------------
# Numbering


# Word's level text is a few characters (``%1、``, ``（%2）``); a longer one is not a number.
MAX_LABEL_CHARS = 40

_CN_DIGITS = "〇一二三四五六七八九"
_CN_LEGAL = "零壹贰叁肆伍陆柒捌玖"
_TIANGAN = "甲乙丙丁戊己庚辛壬癸"
_DIZHI = "子丑寅卯辰巳午未申酉戌亥"
_ROMAN = [
    (1000, "M"),
    (900, "CM"),
    (500, "D"),
    (400, "CD"),
    (100, "C"),
    (90, "XC"),
    (50, "L"),
    (40, "XL"),
    (10, "X"),
    (9, "IX"),
    (5, "V"),
    (4, "IV"),
    (1, "I"),
]


def _cn_count(n: int, digits: str = _CN_DIGITS, units: str = "十百千", short_teens: bool = True) -> str:
    """1 一, 10 十, 11 十一, 20 二十, 105 一百零五, 1010 一千零一十 (Chinese counting up to 9999)."""
    if n <= 0 or n >= 10000:
        return str(n)
    text = str(n)
    out = ""
    zero = False
    for i, ch in enumerate(text):
        d = int(ch)
        pos = len(text) - 1 - i
        if d == 0:
            zero = True
            continue
        if zero and out:
            out += "零"
        zero = False
        out += digits[d] + (units[pos - 1] if pos else "")
    if short_teens and 10 <= n < 20:
        out = out[1:]
    return out


def _roman(n: int) -> str:
    if n <= 0 or n >= 4000:
        return str(n)
    out = ""
    for value, sym in _ROMAN:
        while n >= value:
            out += sym
            n -= value
    return out


def _letters(n: int, base: str) -> str:
    if n <= 0 or n > 26 * 20:  # AAAA… is repeated n/26 times: never build a huge label
        return str(n)
    return chr(ord(base) + (n - 1) % 26) * ((n - 1) // 26 + 1)


def _enclosed(n: int, first: int, count: int, fallback: str) -> str:
    return chr(first + n - 1) if 1 <= n <= count else fallback.format(n)


def _digits(n: int) -> str:
    return "".join(_CN_DIGITS[int(c)] for c in str(n)) if n >= 0 else str(n)


def _cycle(n: int, names: str) -> str:
    return names[(n - 1) % len(names)] if n >= 1 else str(n)


def _full_width(n: int) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in str(n))


# Word's number formats (``w:numFmt/@w:val``) with a reading of their own; any other is decimal.
_NUMBER_FORMATS: dict[str, Callable[[int], str]] = {
    **dict.fromkeys(
        (
            "chineseCounting",
            "chineseCountingThousand",
            "japaneseCounting",
            "taiwaneseCounting",
            "taiwaneseCountingThousand",
        ),
        _cn_count,
    ),
    "chineseLegalSimplified": lambda n: _cn_count(n, _CN_LEGAL, "拾佰仟", short_teens=False),
    **dict.fromkeys(("ideographDigital", "taiwaneseDigital", "japaneseDigitalTenThousand"), _digits),
    "ideographTraditional": lambda n: _cycle(n, _TIANGAN),
    "ideographZodiac": lambda n: _cycle(n, _DIZHI),
    "decimalEnclosedParen": lambda n: _enclosed(n, 0x2474, 20, "({})"),
    "decimalEnclosedCircle": lambda n: _enclosed(n, 0x2460, 20, "{}"),
    "decimalEnclosedCircleChinese": lambda n: _enclosed(n, 0x2460, 20, "{}"),
    "decimalEnclosedFullstop": lambda n: _enclosed(n, 0x2488, 20, "{}."),
    "ideographEnclosedCircle": lambda n: _enclosed(n, 0x3220, 10, "{}"),
    "ideographLegalTraditional": lambda n: _enclosed(n, 0x3220, 10, "{}"),
    "decimalFullWidth": _full_width,
    "decimalFullWidth2": _full_width,
    "decimalZero": lambda n: f"{n:02d}",
    "upperLetter": lambda n: _letters(n, "A"),
    "lowerLetter": lambda n: _letters(n, "a"),
    "upperRoman": _roman,
    "lowerRoman": lambda n: _roman(n).lower(),
    "none": lambda n: "",
}


def format_number(n: int, fmt: str) -> str:
    """``n`` in Word's number format ``fmt`` (``w:numFmt/@w:val``)."""
    reading = _NUMBER_FORMATS.get(fmt)
    # decimal, and formats without a Chinese reading (cardinalText, hebrew ...)
    return reading(n) if reading is not None else str(n)


def _val(el: etree._Element | None, default: str | None = None) -> str | None:
    if el is None:
        return default
    return el.get(W + "val", default)


def _int(el: etree._Element | None, default: int | None = None) -> int | None:
    text = _val(el)
    if text is None:
        return default
    try:
        return int(text)
    except ValueError:
        return default


def _on(el: etree._Element | None) -> bool:
    """A Word on/off property: present and not switched off."""
    return el is not None and el.get(W + "val", "true").lower() not in ("0", "false", "off")


@dataclass
class _Level:
    fmt: str = "decimal"
    text: str = ""
    start: int = 0
    restart: int | None = None  # None: after any higher level; 0: never; k: after level k (1-based)
    legal: bool = False
    suffix: str = "tab"
    style: str | None = None


def _level(el: etree._Element) -> _Level:
    return _Level(
        fmt=_val(el.find(W + "numFmt"), "decimal") or "decimal",
        text=(_val(el.find(W + "lvlText"), "") or "")[:MAX_LABEL_CHARS],
        start=_int(el.find(W + "start"), 0) or 0,
        restart=_int(el.find(W + "lvlRestart")),
        legal=_on(el.find(W + "isLgl")),
        suffix=_val(el.find(W + "suff"), "tab") or "tab",
        style=_val(el.find(W + "pStyle")),
    )


def _ilvl(el: etree._Element) -> int:
    try:
        return int(el.get(W + "ilvl", "0"))
    except ValueError:
        return 0


@dataclass
class _Num:
    abstract: str
    starts: dict[int, int] = field(default_factory=dict)
    levels: dict[int, _Level] = field(default_factory=dict)


@dataclass
class _Style:
    num_id: str | None = None
    ilvl: int | None = None
    based_on: str | None = None


class Numbering:
    """Word's list numbering of one document, counted paragraph by paragraph in document order."""

    def __init__(self, numbering: etree._Element | None, styles: etree._Element | None) -> None:
        self.abstracts: dict[str, dict[int, _Level]] = {}
        self.links: dict[str, str] = {}  # abstractNum id -> numStyleLink style id
        self.nums: dict[str, _Num] = {}
        self.styles: dict[str, _Style] = {}
        self.default_style: str | None = None
        self.counters: dict[str, list[int | None]] = {}
        self.applied: set[tuple[str, int]] = set()
        if numbering is not None:
            self._load_numbering(numbering)
        if styles is not None:
            self._load_styles(styles)

    def _load_numbering(self, root: etree._Element) -> None:
        for ab in root.iterchildren(W + "abstractNum"):
            ab_id = ab.get(W + "abstractNumId")
            if ab_id is None:
                continue
            self.abstracts[ab_id] = {_ilvl(lvl): _level(lvl) for lvl in ab.iterchildren(W + "lvl")}
            link = _val(ab.find(W + "numStyleLink"))
            if link:
                self.links[ab_id] = link
        for num in root.iterchildren(W + "num"):
            num_id = num.get(W + "numId")
            abstract = _val(num.find(W + "abstractNumId"))
            if num_id is None or abstract is None:
                continue
            entry = _Num(abstract)
            for override in num.iterchildren(W + "lvlOverride"):
                ilvl = _ilvl(override)
                start = _int(override.find(W + "startOverride"))
                if start is not None:
                    entry.starts[ilvl] = start
                lvl = override.find(W + "lvl")
                if lvl is not None:
                    entry.levels[ilvl] = _level(lvl)
            self.nums[num_id] = entry

    def _load_styles(self, root: etree._Element) -> None:
        for style in root.iterchildren(W + "style"):
            if style.get(W + "type") not in (None, "paragraph", "numbering"):
                continue
            style_id = style.get(W + "styleId")
            if style_id is None:
                continue
            entry = _Style(based_on=_val(style.find(W + "basedOn")))
            num_pr = style.find(f"{W}pPr/{W}numPr")
            if num_pr is not None:
                entry.num_id = _val(num_pr.find(W + "numId"))
                entry.ilvl = _int(num_pr.find(W + "ilvl"))
            self.styles[style_id] = entry
            if style.get(W + "default") in ("1", "true") and style.get(W + "type") in (None, "paragraph"):
                self.default_style = style_id

    def _style_num(self, style_id: str | None) -> tuple[str | None, int | None]:
        """numId and ilvl a paragraph style gives (following basedOn)."""
        seen: set[str] = set()
        while style_id and style_id not in seen:
            seen.add(style_id)
            style = self.styles.get(style_id)
            if style is None:
                break
            if style.num_id is not None:
                return style.num_id, style.ilvl
            style_id = style.based_on
        return None, None

    def _abstract_of(self, num_id: str) -> str | None:
        num = self.nums.get(num_id)
        seen: set[str] = set()
        while num is not None and num.abstract not in seen:
            seen.add(num.abstract)
            link = self.links.get(num.abstract)
            if link is None:
                return num.abstract
            linked, _ = self._style_num(link)
            linked_num = self.nums.get(linked) if linked else None
            if linked_num is None or linked_num is num:
                return num.abstract
            num = linked_num
        return None

    def _num_of(self, p_pr: etree._Element | None, style_id: str | None) -> tuple[str | None, int | None]:
        """(numId, ilvl) of a paragraph: its own numPr, else its style's."""
        num_pr = p_pr.find(W + "numPr") if p_pr is not None else None
        num_id: str | None = None
        ilvl: int | None = None
        if num_pr is not None:
            num_id = _val(num_pr.find(W + "numId"))
            ilvl = _int(num_pr.find(W + "ilvl"))
        if num_id is None:
            num_id, style_ilvl = self._style_num(style_id)
            ilvl = ilvl if ilvl is not None else style_ilvl
        return num_id, ilvl

    def label(self, p_pr: etree._Element | None) -> str:
        """The number Word draws before a paragraph with these properties (advancing the counters)."""
        style_id = _val(p_pr.find(W + "pStyle")) if p_pr is not None else None
        style_id = style_id or self.default_style
        num_id, ilvl = self._num_of(p_pr, style_id)
        if num_id is None or num_id == "0" or num_id not in self.nums:
            return ""
        abstract = self._abstract_of(num_id)
        if abstract is None or abstract not in self.abstracts:
            return ""
        num = self.nums[num_id]
        levels = {**self.abstracts[abstract], **num.levels}
        if ilvl is None:
            # a style-numbered paragraph: the level that names this style, else the first
            ilvl = next((k for k, lv in levels.items() if lv.style and lv.style == style_id), 0)
        ilvl = max(0, min(8, ilvl))
        level = levels.get(ilvl)
        if level is None:
            return ""
        counters = self.counters.setdefault(abstract, [None] * 9)
        if ilvl in num.starts and (num_id, ilvl) not in self.applied:
            self.applied.add((num_id, ilvl))
            counters[ilvl] = num.starts[ilvl] - 1
        current = counters[ilvl]
        counters[ilvl] = level.start if current is None else current + 1
        for deeper in range(ilvl + 1, 9):
            lower = levels.get(deeper)
            restart = lower.restart if lower is not None else None
            if restart is None or (restart > 0 and ilvl <= restart - 1):
                counters[deeper] = None
        if level.fmt == "bullet":
            return ""  # a bullet is decoration, not a number the outline reads
        return self._render(level, levels, counters)

    @staticmethod
    def _render(level: _Level, levels: dict[int, _Level], counters: list[int | None]) -> str:
        text = level.text
        out: list[str] = []
        i = 0
        while i < len(text):
            ch = text[i]
            if ch == "%" and i + 1 < len(text) and text[i + 1] in "123456789":
                k = int(text[i + 1]) - 1
                ref = levels.get(k)
                if ref is not None:
                    value = counters[k] if counters[k] is not None else ref.start
                    out.append(format_number(value, "decimal" if level.legal else ref.fmt))
                i += 2
                continue
            out.append(ch)
            i += 1
        label = "".join(out)
        if not label or level.suffix == "nothing" or label[-1] in "、，,.．）)】〕」：:":
            return label
        return label + " "


# ---------------------------------------------------------------------------
# Paragraph text


def _hidden(run: etree._Element) -> bool:
    r_pr = run.find(W + "rPr")
    return r_pr is not None and _on(r_pr.find(W + "vanish"))


# Run content that stands for one character.
_CHAR_ELEMENTS = {W + "tab": "\t", W + "ptab": "\t", W + "cr": "\n", W + "noBreakHyphen": "-"}


def _collect(el: etree._Element, out: list[str]) -> None:
    for child in el:
        tag = child.tag
        if not isinstance(tag, str) or tag in _SKIP:
            continue
        if tag == W + "t":
            out.append(child.text or "")
        elif tag in _CHAR_ELEMENTS:
            out.append(_CHAR_ELEMENTS[tag])
        elif tag == W + "br":
            if child.get(W + "type") in (None, "textWrapping"):
                out.append("\n")
        elif tag == W + "r":
            if not _hidden(child):
                _collect(child, out)
        elif tag == W + "p":
            continue  # a paragraph nested in a text box: outside the flow
        else:
            _collect(child, out)  # hyperlink, ins, moveTo, smartTag, sdt, fldSimple, customXml ...


def _in_flow(p: etree._Element) -> bool:
    parent = p.getparent()
    while parent is not None:
        if parent.tag in _OUTSIDE_FLOW:
            return False
        parent = parent.getparent()
    return True


def iter_docx_paragraphs(path: str, shown: str) -> Iterator[tuple[str, int]]:
    """(text, paragraph number) for each paragraph of a .docx as Word shows it.

    A paragraph joined to the next (style separator, deleted paragraph mark) comes
    out as one, with the first paragraph's number.  Soft line breaks are ``\\n``.
    Raises a Chinese ``DrafterError`` naming ``shown`` for anything unreadable.
    """
    try:
        with open_regular(path, MAX_PACKAGE_BYTES, what="Word 文档") as handle:
            try:
                zf = zipfile.ZipFile(handle)
            except (zipfile.BadZipFile, EOFError, ValueError) as exc:
                raise DrafterError(NOT_DOCX, shown) from exc
            with zf:
                yield from _read_package(_Package(zf, shown), shown)
    except DrafterError:
        raise
    except _TooBig as exc:
        raise DrafterError(_too_big_message("部件"), shown) from exc
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, etree.XMLSyntaxError) as exc:
        raise DrafterError(f"Word 文档已损坏，无法读取（{type(exc).__name__}）", shown) from exc
    except OSError as exc:
        raise DrafterError(describe_os_error(exc), shown) from exc
    except (RuntimeError, ValueError) as exc:  # encrypted members, bad headers
        raise DrafterError(f"Word 文档已损坏或已加密，无法读取（{type(exc).__name__}）", shown) from exc


def _main_part(pkg: _Package, shown: str) -> tuple[str, zipfile.ZipInfo]:
    """The name and zip entry of the main document part (``word/document.xml`` when not related)."""
    main = _find_rel(_rels(pkg, ""), "officeDocument") or "word/document.xml"
    info = pkg.info(main)
    if info is None:
        info = pkg.info("word/document.xml")
        main = "word/document.xml"
    if info is None:
        raise DrafterError(NOT_WORD_ZIP, shown)
    return main, info


def _mark_flags(p_pr: etree._Element | None) -> tuple[bool, bool]:
    """(deleted, style separator) of a paragraph's mark: either joins it with the next paragraph."""
    mark = p_pr.find(W + "rPr") if p_pr is not None else None
    if mark is None:
        return False, False
    deleted = mark.find(W + "del") is not None or mark.find(W + "moveFrom") is not None
    return deleted, _on(mark.find(W + "specVanish"))


@dataclass
class _Joiner:
    """Word paragraphs joined into the paragraphs a reader sees (a deleted mark or a style separator
    joins a paragraph with the next); ``line`` is the number of the first one."""

    numbering: Numbering
    pending: list[str] = field(default_factory=list)
    line: int = 0
    joined_by_deletion: bool = False

    def add(self, el: etree._Element, number: int) -> tuple[str, int] | None:
        """Take paragraph ``number``; the joined paragraph when it is complete."""
        p_pr = el.find(W + "pPr")
        mark_deleted, separator = _mark_flags(p_pr)
        label = "" if mark_deleted else self.numbering.label(p_pr)
        parts: list[str] = []
        if label and self.pending and self.joined_by_deletion:
            # the merged paragraph keeps the last paragraph mark, and with it the number
            self.pending.insert(0, label)
        elif label:
            parts.append(label)
        _collect(el, parts)
        if not self.pending:
            self.line = number
        self.pending.append("".join(parts))
        self.joined_by_deletion = mark_deleted
        if mark_deleted or separator:
            return None
        return self.flush()

    def flush(self) -> tuple[str, int] | None:
        if not self.pending:
            return None
        done = "".join(self.pending), self.line
        self.pending = []
        return done


def _release(el: etree._Element, in_flow: bool) -> None:
    """Free what has been read: a body-level element and its preceding siblings, or a paragraph in the flow."""
    parent = el.getparent()
    if parent is not None and parent.tag == W + "body":
        el.clear()
        while el.getprevious() is not None:
            del parent[0]
    elif in_flow:
        el.clear()


def _read_package(pkg: _Package, shown: str) -> Iterator[tuple[str, int]]:
    main, info = _main_part(pkg, shown)
    doc_rels = _rels(pkg, main)
    numbering_part = _find_rel(doc_rels, "numbering") or "word/numbering.xml"
    styles_part = _find_rel(doc_rels, "styles") or "word/styles.xml"
    joiner = _Joiner(Numbering(pkg.read_xml(numbering_part), pkg.read_xml(styles_part)))
    reader = pkg.open(info)
    number = 0
    found_body = False
    try:
        events = etree.iterparse(reader, events=("end",), tag=(W + "p", W + "tbl", W + "body"), **_SAFE_XML)
        for _, el in events:
            if el.tag == W + "body":
                found_body = True
                continue
            in_flow = el.tag == W + "p" and _in_flow(el)
            if in_flow:
                number += 1
                done = joiner.add(el, number)
                if done is not None:
                    yield done
            _release(el, in_flow)
    except _TooBig as exc:
        raise DrafterError(_too_big_message(main), shown) from exc
    except etree.XMLSyntaxError as exc:
        raise DrafterError(f"Word 文档内容无法解析（XML 格式错误：{exc.msg}）", shown) from exc
    rest = joiner.flush()
    if rest is not None:
        yield rest
    if not found_body:
        raise DrafterError(NOT_WORD_ZIP, shown)
