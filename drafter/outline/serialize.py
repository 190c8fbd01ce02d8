"""A speech back to text, to the ``drafter outline --json`` dict, and to / from cache data.

One encoder: ``speech_to_dict`` writes the public JSON shape; ``speech_to_data`` writes the same
walk with what a cache needs to rebuild the ``Speech`` (paragraph lines, levels, run-in flags,
written markers, roles at every level, front matter) and ``speech_from_data`` reads it back.
``speech_data_ok`` checks the shape of data read from disk before it is trusted.
"""

from __future__ import annotations

from typing import Any

from drafter.corpus import HEADERISH_END_RE, SUBTITLE_RE, would_join, wrap_length
from drafter.model import Para, Section, Speech
from drafter.outline.front_matter import HEADER_STOP, SPEAKER_LABEL_RE, is_date_line, speaker_from
from drafter.text import ANY_MARKER_RE, SALUTATION_RE

# ---------------------------------------------------------------------------
# Text


def _speaker_line(speech: Speech) -> str | None:
    """The speaker as its own header line, or None when the subtitle or title already names them."""
    speaker = speech.speaker
    if not speaker or speaker == (speaker_from(speech.subtitle) or speaker_from(speech.title)):
        return None
    plain_ok = (
        (speech.subtitle or speech.date)
        and len(speaker) <= 20
        and not any(c in speaker for c in HEADER_STOP)
        and not ANY_MARKER_RE.match(speaker)
        and not HEADERISH_END_RE.search(speaker)
        and not is_date_line(speaker)
        and not SUBTITLE_RE.match(speaker)
        and not SALUTATION_RE.match(speaker)
        and not SPEAKER_LABEL_RE.match(speaker)
    )
    return speaker if plain_ok else f"讲话人：{speaker}"


def _front_lines(speech: Speech) -> list[str]:
    lines = [x for x in (speech.title, speech.subtitle) if x]
    speaker_line = _speaker_line(speech)
    if speaker_line and speech.subtitle:
        lines.append(speaker_line)
    if speech.date:
        lines.append(f"（{speech.date}）")
    if speaker_line and not speech.subtitle:
        lines.append(speaker_line)
    if speech.salutation:
        lines.append(speech.salutation)
    return lines


def _section_lines(section: Section, lines: list[str]) -> None:
    paras = [p.text for p in section.paragraphs]
    if section.run_in and paras:
        lines.append(f"{section.marker}{section.heading}。{paras[0]}")
        paras = paras[1:]
    else:
        lines.append(f"{section.marker}{section.heading}")
    lines.extend(paras)
    for child in section.children:
        _section_lines(child, lines)


def speech_to_text(speech: Speech) -> str:
    """Plain text of a speech; ``parse_speech(speech_to_text(s))`` gives the same tree.

    Layout, one paragraph per line: title; subtitle; speaker (after the
    subtitle or the date; as ``讲话人：X`` when neither exists, and omitted when
    it is already the ``X在…上的讲话`` prefix of the subtitle or title); date as
    ``（2024年3月1日）``; salutation; opening; sections (``marker + heading`` on
    its own line, or ``marker + heading + 。 + first paragraph`` when run-in)
    depth first; closing.  A blank line is inserted only where a paragraph
    would otherwise be read as hard-wrapped into the next.
    """
    lines = _front_lines(speech)
    lines.extend(p.text for p in speech.opening)
    for section in speech.sections:
        _section_lines(section, lines)
    lines.extend(p.text for p in speech.closing)
    # A blank line only where a paragraph would otherwise be read as the hard-wrapped start of the next.
    out: list[str] = []
    min_len = wrap_length(lines)
    for k, line in enumerate(lines):
        if k and would_join(lines[k - 1], line, min_len):
            out.append("")
        out.append(line)
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------------------
# Dict (the one encoder)


def _para_out(p: Para, full: bool) -> Any:
    return [p.text, p.line] if full else p.text


def _section_out(section: Section, *, top: bool, full: bool) -> dict[str, Any]:
    out: dict[str, Any] = {"marker": section.marker, "heading": section.heading}
    if top or full:
        out["role"] = section.role
        out["role_cues"] = list(section.role_cues)
        out["role_confidence"] = float(section.role_confidence)
    out["paragraphs"] = [_para_out(p, full) for p in section.paragraphs]
    out["children"] = [_section_out(c, top=False, full=full) for c in section.children]
    if full:
        out["level"] = section.level
        out["line"] = section.line
        out["run_in"] = section.run_in
        out["written_marker"] = section.written_marker
    return out


def section_to_dict(section: Section, *, top: bool = True) -> dict[str, Any]:
    """A section in the ``drafter outline --json`` shape (role fields on top-level sections only)."""
    return _section_out(section, top=top, full=False)


def _encode(speech: Speech, full: bool) -> dict[str, Any]:
    out: dict[str, Any] = {
        "source": speech.source,
        "index": speech.index,
        "title": speech.title,
        "subtitle": speech.subtitle,
        "date": speech.date,
        "speaker": speech.speaker,
        "duplicate_of": (
            {"source": speech.duplicate_of[0], "index": speech.duplicate_of[1]}
            if speech.duplicate_of
            else None
        ),
        "announced_sections": speech.announced_sections,
        "opening": [_para_out(p, full) for p in speech.opening],
        "closing": [_para_out(p, full) for p in speech.closing],
        "warnings": list(speech.warnings),
        "sections": [_section_out(s, top=True, full=full) for s in speech.sections],
    }
    if full:
        out["salutation"] = speech.salutation
        out["path"] = speech.path
        out["line"] = speech.line
    return out


def speech_to_dict(speech: Speech) -> dict[str, Any]:
    """The ``drafter outline --json`` shape of one speech (issue 2)."""
    return _encode(speech, full=False)


def speech_to_data(speech: Speech) -> dict[str, Any]:
    """Everything needed to rebuild ``speech`` (for caches and libraries): JSON-safe, read back by
    ``speech_from_data``.  A superset of ``speech_to_dict`` with paragraphs as ``[text, line]``."""
    return _encode(speech, full=True)


# ---------------------------------------------------------------------------
# Back from data


def _para_in(x: list[Any]) -> Para:
    return Para(x[0], x[1])


def _section_in(x: dict[str, Any]) -> Section:
    return Section(
        marker=x["marker"],
        heading=x["heading"],
        level=x["level"],
        paragraphs=[_para_in(p) for p in x["paragraphs"]],
        children=[_section_in(c) for c in x["children"]],
        run_in=x["run_in"],
        line=x["line"],
        written_marker=x["written_marker"],
        role=x["role"],
        role_cues=list(x["role_cues"]),
        role_confidence=x["role_confidence"],
    )


def speech_from_data(d: dict[str, Any]) -> Speech:
    """The ``Speech`` that ``speech_to_data`` wrote (check untrusted data with ``speech_data_ok`` first)."""
    dup = d["duplicate_of"]
    return Speech(
        source=d["source"],
        index=d["index"],
        title=d["title"],
        subtitle=d["subtitle"],
        date=d["date"],
        speaker=d["speaker"],
        salutation=d["salutation"],
        opening=[_para_in(p) for p in d["opening"]],
        sections=[_section_in(s) for s in d["sections"]],
        closing=[_para_in(p) for p in d["closing"]],
        warnings=list(d["warnings"]),
        announced_sections=d["announced_sections"],
        path=d["path"],
        line=d["line"],
        duplicate_of=(dup["source"], dup["index"]) if dup else None,
    )


# ---------------------------------------------------------------------------
# Shape checks (data from disk: trust nothing)

MAX_DEPTH = 20


def _is_int(x: Any) -> bool:
    return isinstance(x, int) and not isinstance(x, bool)


def _is_num(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def _opt_str(x: Any) -> bool:
    return x is None or isinstance(x, str)


def _str_list(x: Any) -> bool:
    return isinstance(x, list) and all(isinstance(v, str) for v in x)


def _paras_ok(x: Any) -> bool:
    return isinstance(x, list) and all(
        isinstance(p, list) and len(p) == 2 and isinstance(p[0], str) and _is_int(p[1]) for p in x
    )


def _section_ok(x: Any, depth: int = 0) -> bool:
    if depth > MAX_DEPTH or not isinstance(x, dict):
        return False
    return (
        isinstance(x.get("marker"), str)
        and isinstance(x.get("heading"), str)
        and _is_int(x.get("level"))
        and _is_int(x.get("line"))
        and isinstance(x.get("run_in"), bool)
        and _opt_str(x.get("written_marker"))
        and _opt_str(x.get("role"))
        and _str_list(x.get("role_cues"))
        and _is_num(x.get("role_confidence"))
        and _paras_ok(x.get("paragraphs"))
        and isinstance(x.get("children"), list)
        and all(_section_ok(c, depth + 1) for c in x["children"])
    )


def _duplicate_ok(x: Any) -> bool:
    return x is None or (isinstance(x, dict) and isinstance(x.get("source"), str) and _is_int(x.get("index")))


def speech_data_ok(x: Any) -> bool:
    """True when ``x`` has exactly the shape ``speech_to_data`` writes (every field typed)."""
    if not isinstance(x, dict):
        return False
    return (
        isinstance(x.get("source"), str)
        and _is_int(x.get("index"))
        and all(_opt_str(x.get(k)) for k in ("title", "subtitle", "date", "speaker", "salutation", "path"))
        and isinstance(x.get("title"), str)
        and isinstance(x.get("path"), str)
        and _is_int(x.get("line"))
        and (x.get("announced_sections") is None or _is_int(x.get("announced_sections")))
        and _duplicate_ok(x.get("duplicate_of"))
        and _paras_ok(x.get("opening"))
        and _paras_ok(x.get("closing"))
        and _str_list(x.get("warnings"))
        and isinstance(x.get("sections"), list)
        and all(_section_ok(s) for s in x["sections"])
    )
