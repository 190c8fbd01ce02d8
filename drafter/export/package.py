"""A clean OOXML package from the one python-docx saves.

python-docx's default template brings a 346 KB ``styles.xml`` of latent and
unused styles, a 438 KB ``stylesWithEffects.xml``, ``docProps/thumbnail.jpeg``
(a picture of an unrelated document), ``customXml/``, an unused
``numbering.xml``, a theme whose fonts are Calibri/Cambria with ＭＳ 明朝 and a
font table without any Chinese font.  WPS warns about missing fonts named in
the theme and the font table.  :func:`clean_package` rewrites the package:

- only the styles used (and the styles they are based on, and
  the defaults) are kept; latent styles are dropped;
- the thumbnail, ``customXml/``, ``stylesWithEffects.xml`` and an unused
  ``numbering.xml`` are dropped, with their relationships and content types;
- the theme's major/minor fonts are the profile's (黑体 / body font, Times New
  Roman for Latin) with no per-script list;
- ``fontTable.xml`` lists exactly the fonts the document names, Chinese ones
  with ``w:charset w:val="86"`` (GB2312) and their PANOSE numbers where known;
- settings lose ``savePreviewPicture`` (Word's thumbnail) and the Cambria Math
  properties; ``app.xml`` no longer claims to be Microsoft Macintosh Word.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from xml.sax.saxutils import quoteattr

from lxml import etree

from drafter.export.fonts import FontProfile

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
M_NS = "http://schemas.openxmlformats.org/officeDocument/2006/math"
REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"


def _w(tag: str) -> str:
    return f"{{{W_NS}}}{tag}"


# Parts never wanted in an exported speech.
_DROP_PREFIXES = ("customXml/",)
_DROP_PARTS = {"docProps/thumbnail.jpeg", "word/stylesWithEffects.xml"}

# Font facts for the font table: (PANOSE-1, charset, family, pitch).  Chinese
# fonts carry charset 86 (GB2312); PANOSE numbers as Word/WPS write them.
_CJK_CHARSET = "86"
FONT_FACTS: dict[str, tuple[str | None, str, str, str]] = {
    "Times New Roman": ("02020603050405020304", "00", "roman", "variable"),
    "宋体": ("02010600030101010101", _CJK_CHARSET, "auto", "variable"),
    "黑体": ("02010609060101010101", _CJK_CHARSET, "modern", "fixed"),
    "仿宋": ("02010609060101010101", _CJK_CHARSET, "modern", "fixed"),
    "楷体": ("02010609060101010101", _CJK_CHARSET, "modern", "fixed"),
    "仿宋_GB2312": ("02010609030101010101", _CJK_CHARSET, "modern", "fixed"),
    "楷体_GB2312": ("02010609030101010101", _CJK_CHARSET, "modern", "fixed"),
    "方正小标宋简体": (None, _CJK_CHARSET, "auto", "variable"),
}
# English names Word/WPS also know these fonts by.
_ALT_NAMES = {"宋体": "SimSun", "黑体": "SimHei", "仿宋": "FangSong", "楷体": "KaiTi"}

_APP_XML = (
    "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
    'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
    "<Template>Normal.dotm</Template><Application>drafter</Application><DocSecurity>0</DocSecurity>"
    "<ScaleCrop>false</ScaleCrop><LinksUpToDate>false</LinksUpToDate><SharedDoc>false</SharedDoc>"
    "<HyperlinksChanged>false</HyperlinksChanged></Properties>"
)


def _xml(data: bytes):
    return etree.fromstring(data, etree.XMLParser(resolve_entities=False, remove_blank_text=True))


def _dump(root) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _is_cjk(name: str) -> bool:
    return any(ord(ch) > 0x2E80 for ch in name)


# --- styles ------------------------------------------------------------------------------------


def _styles_referenced(parts: dict[str, bytes]) -> set[str]:
    used: set[str] = set()
    attr = _w("val")
    for name, data in parts.items():
        if not (name == "word/document.xml" or name.startswith(("word/footer", "word/header"))):
            continue
        root = _xml(data)
        for tag in ("pStyle", "rStyle", "tblStyle"):
            for el in root.iter(_w(tag)):
                if el.get(attr):
                    used.add(el.get(attr))
    return used


def _clean_styles(data: bytes, used: set[str]) -> tuple[bytes, bool]:
    """Styles XML with only ``used`` styles (and those they are based on) and the defaults;
    also whether any kept style uses numbering."""
    root = _xml(data)
    uses_numbering = prune_styles(root, used)
    return _dump(root), uses_numbering


def prune_styles(root, used: set[str] | tuple[str, ...]) -> bool:
    """Drop latent styles and every style of the ``w:styles`` element ``root`` but ``used``, the
    styles they are based on and the defaults (in place; python-docx's element works too, which
    saves serialising 346 KB); whether a kept style uses numbering."""
    for latent in root.findall(_w("latentStyles")):
        root.remove(latent)
    styles = {el.get(_w("styleId")): el for el in root.findall(_w("style"))}
    keep: set[str] = set()
    todo = [sid for sid, el in styles.items() if el.get(_w("default")) in ("1", "true", "on")]
    todo += [sid for sid in used if sid in styles]
    while todo:
        sid = todo.pop()
        if sid in keep:
            continue
        keep.add(sid)
        ref = styles[sid].find(_w("basedOn"))
        if ref is not None and ref.get(_w("val")) in styles:
            todo.append(ref.get(_w("val")))
    for sid, el in styles.items():
        if sid not in keep:
            root.remove(el)
    # A kept style may still link to a dropped one (e.g. Heading1 → Heading1Char): drop the link.
    for el in root.findall(_w("style")):
        for tag in ("link", "next"):
            ref = el.find(_w(tag))
            if ref is not None and ref.get(_w("val")) not in keep:
                el.remove(ref)
    return any(True for _ in root.iter(_w("numPr")))


# Relationship types of parts an exported speech never needs.
_DROP_REL_TYPES = ("/stylesWithEffects", "/customXml", "/numbering", "/thumbnail")


def prune_document(doc, keep_styles: tuple[str, ...]) -> None:
    """Before saving a python-docx ``Document``: drop unused styles and the parts
    :func:`clean_package` would drop anyway, so that they are never serialised."""
    prune_styles(doc.styles.element, set(keep_styles))
    for owner in (doc.part, doc.part.package):
        rels = owner.rels
        for r_id in [r_id for r_id, rel in rels.items() if rel.reltype.endswith(_DROP_REL_TYPES)]:
            rels.pop(r_id)


# --- fonts -------------------------------------------------------------------------------------


def fonts_named(parts: dict[str, bytes]) -> list[str]:
    """Font names the document's runs and styles name, in first-seen order."""
    seen: dict[str, None] = {}
    attrs = [_w(a) for a in ("ascii", "hAnsi", "eastAsia", "cs")]
    for name in sorted(parts):
        if not (
            name in ("word/document.xml", "word/styles.xml")
            or name.startswith(("word/footer", "word/header"))
        ):
            continue
        for el in _xml(parts[name]).iter(_w("rFonts")):
            for attr in attrs:
                value = el.get(attr)
                if value:
                    seen.setdefault(value, None)
    return list(seen)


def font_table_xml(fonts: list[str]) -> bytes:
    """``word/fontTable.xml`` listing ``fonts``: charset 86 for Chinese fonts, PANOSE where known."""
    out = [
        "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n",
        f'<w:fonts xmlns:w="{W_NS}">',
    ]
    for font in fonts:
        panose, charset, family, pitch = FONT_FACTS.get(
            font, (None, _CJK_CHARSET if _is_cjk(font) else "00", "auto", "variable")
        )
        out.append(f"<w:font w:name={quoteattr(font)}>")
        alt = _ALT_NAMES.get(font)
        if alt:
            out.append(f'<w:altName w:val="{alt}"/>')
        if panose:
            out.append(f'<w:panose1 w:val="{panose}"/>')
        out.append(f'<w:charset w:val="{charset}"/><w:family w:val="{family}"/><w:pitch w:val="{pitch}"/>')
        out.append("</w:font>")
    out.append("</w:fonts>")
    return "".join(out).encode("utf-8")


def _clean_theme(data: bytes, profile: FontProfile, latin: str) -> bytes:
    root = _xml(data)
    faces = {"majorFont": profile.hei, "minorFont": profile.body}
    for scheme in root.iter(f"{{{A_NS}}}fontScheme"):
        scheme.set("name", "drafter")
        for which, east_asia in faces.items():
            el = scheme.find(f"{{{A_NS}}}{which}")
            if el is None:
                continue
            for child in list(el):
                el.remove(child)
            for tag, face in (("latin", latin), ("ea", east_asia), ("cs", latin)):
                sub = etree.SubElement(el, f"{{{A_NS}}}{tag}")
                sub.set("typeface", face)
    return _dump(root)


def _clean_settings(data: bytes) -> bytes:
    root = _xml(data)
    for tag in (_w("savePreviewPicture"), _w("attachedTemplate"), f"{{{M_NS}}}mathPr"):
        for el in root.findall(tag):
            root.remove(el)
    return _dump(root)


# --- relationships and content types ---------------------------------------------------------


def _rels_name(part: str) -> str:
    folder, base = posixpath.split(part)
    return posixpath.join(folder, "_rels", base + ".rels")


def _rel_target(rels_part: str, target: str) -> str:
    """Package path a relationship target points to."""
    if target.startswith("/"):
        return target.lstrip("/")
    source_folder = posixpath.dirname(posixpath.dirname(rels_part))
    return posixpath.normpath(posixpath.join(source_folder, target))


def _clean_rels(name: str, data: bytes, present: set[str]) -> bytes:
    root = _xml(data)
    for rel in root.findall(f"{{{REL_NS}}}Relationship"):
        if rel.get("TargetMode") == "External":
            continue
        if _rel_target(name, rel.get("Target", "")) not in present:
            root.remove(rel)
    return _dump(root)


def _clean_content_types(data: bytes, present: set[str]) -> bytes:
    root = _xml(data)
    extensions = {posixpath.splitext(p)[1].lstrip(".").lower() for p in present}
    for el in root.findall(f"{{{CT_NS}}}Override"):
        if el.get("PartName", "").lstrip("/") not in present:
            root.remove(el)
    for el in root.findall(f"{{{CT_NS}}}Default"):
        if el.get("Extension", "").lower() not in extensions:
            root.remove(el)
    return _dump(root)


# --- the package -------------------------------------------------------------------------------


def clean_package(
    data: bytes, profile: FontProfile, *, latin: str = "Times New Roman", keep_styles: tuple[str, ...] = ()
) -> bytes:
    """The .docx ``data`` rewritten as a clean package (see the module docstring).

    ``keep_styles``: style ids kept even when no paragraph uses them (the exporter's own set, so
    that a writer editing the file finds every heading level).
    """
    order, parts = _read_parts(data)
    _clean_styles_part(parts, keep_styles)
    _clean_parts(parts, profile, latin)
    fonts = fonts_named(parts)
    for face in (latin, profile.hei, profile.body):
        if face not in fonts:
            fonts.append(face)  # the theme names them
    parts["word/fontTable.xml"] = font_table_xml(fonts)
    _clean_relationships(parts)
    return _write_parts(order, parts)


def _read_parts(data: bytes) -> tuple[list[str], dict[str, bytes]]:
    """(the part names in package order, the parts never wanted dropped) of the .docx ``data``."""
    with zipfile.ZipFile(io.BytesIO(data)) as zin:
        order = zin.namelist()
        parts = {name: zin.read(name) for name in order}
    for name in list(parts):
        if name in _DROP_PARTS or name.startswith(_DROP_PREFIXES):
            del parts[name]
    return order, parts


def _clean_styles_part(parts: dict[str, bytes], keep_styles: tuple[str, ...]) -> None:
    """Only the styles used (and ``keep_styles``) stay; ``numbering.xml`` goes when nothing numbers."""
    if "word/styles.xml" not in parts:
        return
    parts["word/styles.xml"], uses_numbering = _clean_styles(
        parts["word/styles.xml"], _styles_referenced(parts) | set(keep_styles)
    )
    if not uses_numbering and b"numPr" not in parts.get("word/document.xml", b""):
        parts.pop("word/numbering.xml", None)


def _clean_parts(parts: dict[str, bytes], profile: FontProfile, latin: str) -> None:
    """The theme's fonts are the profile's; settings and ``app.xml`` lose what Word left in them."""
    if "word/theme/theme1.xml" in parts:
        parts["word/theme/theme1.xml"] = _clean_theme(parts["word/theme/theme1.xml"], profile, latin)
    if "word/settings.xml" in parts:
        parts["word/settings.xml"] = _clean_settings(parts["word/settings.xml"])
    if "docProps/app.xml" in parts:
        parts["docProps/app.xml"] = _APP_XML.encode("utf-8")


def _clean_relationships(parts: dict[str, bytes]) -> None:
    """Relationships of dropped parts (and .rels files of dropped parts) go, and their content types."""
    for name in list(parts):
        if name.endswith(".rels") and "/_rels/" in "/" + name:
            folder = posixpath.dirname(posixpath.dirname(name))
            source = posixpath.join(folder, posixpath.basename(name)[: -len(".rels")])
            if source and source not in parts and name != "_rels/.rels":
                del parts[name]
    present = set(parts)
    for name in list(parts):
        if name.endswith(".rels"):
            parts[name] = _clean_rels(name, parts[name], present)
    parts["[Content_Types].xml"] = _clean_content_types(parts["[Content_Types].xml"], present)


def _write_parts(order: list[str], parts: dict[str, bytes]) -> bytes:
    """The zip of ``parts``: content types first, then the others in ``order``, with fixed dates."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        names = ["[Content_Types].xml"] + [n for n in order if n in parts and n != "[Content_Types].xml"]
        for name in names:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            zout.writestr(info, parts[name])
    return out.getvalue()


__all__ = ["FONT_FACTS", "clean_package", "font_table_xml", "fonts_named", "prune_document", "prune_styles"]
