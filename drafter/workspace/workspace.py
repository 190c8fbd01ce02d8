"""The writer's workspace: the draft being written and everything the wizard's steps work with.

``Workspace`` holds the current draft, where it is saved, the loaded phrasebank
and templates, the structures to offer, the profile and the last check; it
does the operations the steps need (open, autosave, suggest a draft for a
structure, search, check, export, add a phrase).  It is the TUI's only way to
the core and it never imports textual: loading and checking run in the TUI's
worker threads, which call the ``load_*`` / ``check`` / ``export`` methods here.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from drafter.errors import DrafterError
from drafter.model import Draft, DraftItem
from drafter.workspace import autosave as saves
from drafter.workspace.alternatives import Ring, Rings, heading_ring, item_ring
from drafter.workspace.meeting import missing_meeting_fields, missing_values
from drafter.workspace.profile import Profile, apply_profile, blank_draft, read_profile, save_profile
from drafter.workspace.steps import ATTENTION, StepStates, step_states
from drafter.workspace.structures import draft_for_structure

SEARCH_LIMIT = 30  # results per query (more only slows the list down)
REPEAT_HISTORY = 30  # earlier drafts compared for repetition


@dataclass
class Snapshot:
    """What one autosave writes, taken on the UI thread and written in a worker."""

    serial: int
    text: str
    title: str
    origin: str | None
    profile: dict[str, str] | None


@dataclass
class SaveResult:
    """What an autosave did: the file written, and a note when it had to go elsewhere (Chinese)."""

    path: Path
    note: str | None = None


@dataclass
class CheckResult:
    findings: list[Any]
    markdown: str
    text: str
    missing: list[str]
    revision: int = -1  # the draft revision checked (``Workspace.revision`` when the check started)


@dataclass
class ExportResult:
    """An export: the file written, its findings; or the blanks that still need values."""

    path: Path | None = None
    findings: list[Any] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


class Workspace:
    """The draft being written and what the steps need; thread-safe where workers call it."""

    def __init__(self, corpus: Sequence[str | Path] | None = None) -> None:
        self.corpus = list(corpus) if corpus is not None else None
        self.draft = Draft()
        self.file: saves.DraftFile | None = None  # the autosave file
        self.origin: Path | None = None  # a draft opened from elsewhere (Ctrl+S writes it back)
        self.origin_file: saves.DraftFile | None = None
        self.guard: saves.OpenGuard | None = None
        self.shared = False  # another window has the same draft open
        self.exported = False
        self.touched = False
        self.last_export: Path | None = None
        self.save_error: str | None = None  # why the last autosave failed (None: saved)
        self.phrasebank: Any = None
        self.index: Any = None
        self.templates: list[Any] = []
        self.structures: list[Any] = []
        self.structures_loaded = False
        self.findings: list[Any] = []
        self.markdown = ""
        self.text = ""
        self.lint_ready = False
        self.needed_meeting: list[str] = []
        self.suggest_cache: dict[str, tuple[Draft, list[str]]] = {}
        self.suggest_warnings: dict[str, list[str]] = {}
        self.seed = 0  # 换一批: the next suggestion uses the next seed
        # Every change of the draft, its meeting or the material bumps ``revision``; a check or a
        # suggestion started at an older one is stale and never shown (see ``checked``, ``suggest``).
        self.revision = 0
        self.suggest_generation = 0  # bumped when the meeting, the seed or the material changes
        self.rings = Rings()  # 换一个: the alternatives of each heading and paragraph looked at
        self._save_lock = threading.Lock()
        self._serial = 0
        self._saved_serial = 0

    # ------------------------------------------------------------ what is loaded
    @property
    def spec_path(self) -> Path | None:
        return self.file.path if self.file is not None else None

    @property
    def phrasebank_ready(self) -> bool:
        return self.phrasebank is not None

    @property
    def heading_sets(self) -> dict[str, Any]:
        return self.phrasebank.heading_sets if self.phrasebank is not None else {}

    def phrase(self, phrase_id: str | None) -> Any:
        """The phrase or block (paragraph) a draft item names, or None."""
        if not phrase_id or self.phrasebank is None:
            return None
        return self.phrasebank.phrases.get(phrase_id) or self.phrasebank.blocks.get(phrase_id)

    # ------------------------------------------------------------ the draft
    def set_draft(self, draft: Draft, *, spec: Path | None, origin: Path | None, exported: bool) -> list[str]:
        """Make ``draft`` the current one; returns notices (Chinese) about the file being shared."""
        self.release()
        self.draft = draft
        self.file = saves.DraftFile.opened(spec) if spec is not None else None
        self.origin = origin
        self.origin_file = saves.DraftFile.opened(origin) if origin is not None else None
        self.exported = exported
        self.touched = False
        self.save_error = None
        self.findings = []
        self.lint_ready = False
        self.needed_meeting = []
        self.suggest_cache.clear()
        self.rings.clear()
        self.revision += 1
        self.suggest_generation += 1
        notices = []
        held = spec or origin
        if held is not None:
            self.guard = saves.OpenGuard(held)
            self.shared = not self.guard.acquire()
            if self.shared:
                notices.append(
                    f"这篇草稿已在另一个窗口中打开：{held.name}。"
                    "为免互相覆盖，本窗口的修改会另存为一篇新草稿，不会改动对方正在编辑的文件。"
                )
                if spec is not None:
                    self.file = None  # the next autosave starts a new file
        return notices

    def release(self) -> None:
        if self.guard is not None:
            self.guard.release()
            self.guard = None
        self.shared = False

    def new_draft(self, profile: dict[str, str] | None = None) -> None:
        self.set_draft(blank_draft(profile), spec=None, origin=None, exported=False)

    def open(self, path: Path) -> tuple[list[Any], list[str]]:
        """Open a draft spec; returns its problems and notices.  ``DrafterError`` when unreadable."""
        draft, problems = saves.open_draft(path)
        if saves.is_autosaved(path):
            notices = self.set_draft(draft, spec=path, origin=None, exported=saves.is_exported(path))
        else:
            notices = self.set_draft(draft, spec=None, origin=path, exported=False)
            self.touched = True
        return problems, notices

    def read_profile(self) -> Profile:
        return read_profile()

    def fill_from_profile(self, profile: dict[str, str]) -> bool:
        """Fill the draft's empty 地区/讲话人/职务 from ``profile``; True when something was filled."""
        filled = apply_profile(self.draft.meeting, profile)
        if filled == self.draft.meeting:
            return False
        self.draft.meeting.update(filled)
        self._meeting_changed()
        return True

    def changed(self, *, meeting: bool = False) -> None:
        self.touched = True
        self.revision += 1
        if meeting:
            self._meeting_changed()

    def _meeting_changed(self) -> None:
        self.revision += 1
        self.suggest_generation += 1
        self.suggest_cache.clear()
        self.rings.clear()  # the alternatives fit the meeting, their previews show its details

    def set_phrasebank(self, bank: Any, index: Any) -> None:
        """The (re)loaded material: suggestions, alternatives and checks made with the old one are stale."""
        self.phrasebank, self.index = bank, index
        self.revision += 1
        self.suggest_generation += 1
        self.suggest_cache.clear()
        self.rings.clear()

    def states(self) -> StepStates:
        """The state of each step, with what the chosen content needs from the meeting."""
        states = step_states(self.draft, self.findings if self.lint_ready else [], self.exported)
        needed = [n for n in self.needed_meeting if not (self.draft.meeting.get(n) or "").strip()]
        if needed and self.lint_ready:
            states.states["meeting"] = ATTENTION
            states.reasons["meeting"].append(f"所选内容要用到：{'、'.join(needed)}")
        return states

    # ------------------------------------------------------------ saving
    def snapshot(self, *, profile: bool = False) -> Snapshot:
        """The draft as text, for an autosave (UI thread)."""
        self._serial += 1
        return Snapshot(
            self._serial,
            saves.draft_yaml(self.draft),
            saves.draft_title(self.draft),
            str(self.origin) if self.origin else None,
            dict(self.draft.meeting) if profile else None,
        )

    def write(self, snap: Snapshot) -> SaveResult | None:
        """Write an autosave (any thread).  None when a later one was written already.

        When another window changed the file meanwhile, nothing of theirs is overwritten: this
        draft goes to a new file, and the note says where.  Failures raise ``DrafterError`` and
        are remembered in ``save_error`` until a save succeeds.
        """
        with self._save_lock:
            if snap.serial < self._saved_serial:
                return None
            note = None
            if self.file is None:
                self.file = saves.DraftFile(saves.new_autosave_path())
            try:
                try:
                    path = saves.autosave_text(self.file, snap.text, snap.title, snap.origin)
                except saves.DraftConflict:
                    old = self.file.path
                    self.file = saves.DraftFile(saves.new_autosave_path())
                    path = saves.autosave_text(self.file, snap.text, snap.title, snap.origin)
                    note = (
                        f"草稿 {old.name} 已被另一个窗口修改；为免覆盖对方的修改，本窗口的内容另存为：{path}"
                    )
                if snap.profile is not None:
                    save_profile(snap.profile)
            except DrafterError as exc:
                self.save_error = str(exc)
                raise
            self.save_error = None
            self._saved_serial = snap.serial
            return SaveResult(path, note)

    def save_now(self) -> SaveResult | None:
        """Autosave on the calling thread (quitting, opening another draft)."""
        if not self.touched:
            return None
        return self.write(self.snapshot(profile=True))

    def save_to_origin(self) -> Path:
        """Ctrl+S on a draft opened from a file: write it back (with a .bak), unless it changed on disk."""
        assert self.origin is not None and self.origin_file is not None
        try:
            path = self.origin_file.write(saves.draft_yaml(self.draft), backup=True)
        except saves.DraftConflict as exc:
            raise saves.DraftConflict(
                "文件在打开后已被另一个窗口或程序修改，未覆盖；可用“另存为”保存到别处", exc.file
            ) from exc
        return path

    def save_as(self, path_text: str) -> Path:
        """Write the draft spec to a path the writer typed (``~`` expanded); ``DrafterError`` on failure."""
        try:
            path = Path(path_text).expanduser()
        except RuntimeError as exc:
            raise DrafterError("无法展开路径中的 ~（没有这个用户）", path_text) from exc
        if path.suffix.lower() not in (".yaml", ".yml"):
            path = path.with_name(path.name + ".yaml")
        saved = saves.DraftFile(path, saves.file_digest(path)).write(
            saves.draft_yaml(self.draft), backup=True
        )
        self.save_error = None
        return saved

    def mark_exported(self, out: Path) -> None:
        self.exported = True
        self.last_export = out
        if self.spec_path is not None:
            saves.mark_exported(self.spec_path, out)

    def recent_drafts(self) -> list[saves.DraftRecord]:
        return saves.recent_drafts()

    def repeated_drafts(self, draft: Draft, bank: Any) -> list[tuple[str, float]]:
        """Earlier autosaved drafts (title, share) that ``draft`` repeats more than half of, worst first
        (rendered texts compared sentence by sentence; worker thread)."""
        from drafter.drafting import render_text
        from drafter.drafting.suggest import repeats_earlier

        text = render_text(draft, bank, allow_blanks=True)
        earlier = []
        for record in saves.recent_drafts(REPEAT_HISTORY):
            if record.path == self.spec_path:
                continue
            try:
                old, _ = saves.open_draft(record.path)
                earlier.append((record.title or record.path.name, render_text(old, bank, allow_blanks=True)))
            except DrafterError:
                continue  # a draft that no longer renders is not compared
        return repeats_earlier(text, earlier)

    # ------------------------------------------------------------ loading (worker threads)
    # The core packages below are imported where they are first needed: together about 0.8 s
    # (drafting 0.27 s, export 0.22 s, lint 0.12 s, mine 0.26 s with ``python -X importtime``),
    # all paid in worker threads after the first screen is up.
    def load_templates(self) -> list[Any]:
        from drafter.drafting import list_templates

        return list_templates()

    def load_phrasebank(self) -> tuple[Any, Any]:
        from drafter.phrasebank import load_phrasebank, warm_up

        bank = load_phrasebank()
        index = bank.index
        warm_up()
        return bank, index

    def load_structures(self) -> list[Any]:
        """Structures to offer: the writer's library and the seeds, from the library's cache
        (no mining at start); with an explicit corpus, that corpus mined."""
        if self.corpus is not None:
            if not self.corpus:
                return []
            from drafter.mine import structures
            from drafter.roles import load_labelled_corpus

            return structures(load_labelled_corpus(self.corpus).speeches)
        from drafter.library import all_structures

        return all_structures()

    # ------------------------------------------------------------ structures
    def choice_roles(self, option_id: str) -> tuple[str, ...]:
        """The section roles of a structure choice (``t:<template>`` or ``m:<index>``)."""
        if option_id.startswith("t:"):
            for info in self.templates:
                if info.name == option_id[2:]:
                    return tuple(getattr(info, "roles", ()) or ())
        elif option_id.startswith("m:") and option_id[2:].isdigit():
            index = int(option_id[2:])
            if index < len(self.structures):
                return tuple(self.structures[index].roles)
        return ()

    def suggest(self, option_id: str, meeting: dict[str, str] | None = None) -> tuple[Draft, list[str]]:
        """A suggested draft for a structure choice and its outline lines (worker thread).

        Warnings of the engine (a subject the material does not cover …) are kept in
        ``suggest_warnings[option_id]``.
        """
        from drafter.drafting.editing import display_heading, iter_section_paths, section_marker
        from drafter.drafting.suggest import suggest

        cached = self.suggest_cache.get(option_id)
        if cached is not None:
            return cached
        generation = self.suggest_generation
        meeting = dict(meeting if meeting is not None else self.draft.meeting)
        if option_id.startswith("t:"):
            suggestion = suggest(option_id[2:], meeting, self.phrasebank, seed=self.seed)
            draft = suggestion.draft
            self.suggest_warnings[option_id] = list(suggestion.warnings)
        else:
            draft = draft_for_structure(
                self.choice_roles(option_id), self.templates, meeting, self.phrasebank
            )
        lines = []
        for path, section in iter_section_paths(draft):
            heading = display_heading(section, self.heading_sets)
            lines.append("　" * (len(path) - 1) + section_marker(path) + heading)
        if generation == self.suggest_generation and meeting == dict(self.draft.meeting):
            # a worker that started before the meeting, the seed or the material changed must not
            # leave a stale suggestion behind
            self.suggest_cache[option_id] = (draft, lines)
        return draft, lines

    def suggest_again(self, meeting: dict[str, str] | None = None) -> tuple[Draft, list[str]]:
        """换一批: a new suggestion for the draft's own template with the next seed (worker thread);
        ``meeting``: the details to suggest for (default: the draft's)."""
        from drafter.drafting.suggest import suggest

        self.seed += 1
        self.suggest_generation += 1
        self.suggest_cache.clear()
        meeting = dict(meeting if meeting is not None else self.draft.meeting)
        suggestion = suggest(self.draft.template or None, meeting, self.phrasebank, seed=self.seed)
        return suggestion.draft, list(suggestion.warnings)

    def heading_alternatives(self, path: tuple[int, ...]) -> list[str]:
        """换一个 for a heading: the current one first, then the others the material has."""
        from drafter.drafting.editing import section_at
        from drafter.drafting.suggest import heading_alternatives

        section = section_at(self.draft, path)
        if section is None or self.phrasebank is None:
            return []
        return heading_alternatives(self.draft, section, self.phrasebank)

    def ranked_heading_sets(self, role: str | None) -> list[tuple[str, Any]]:
        """The heading sets to offer a section with ``role``: its role and the meeting's subject first."""
        from drafter.drafting.suggest import rank_heading_sets

        if self.phrasebank is None:
            return []
        sets = self.phrasebank.heading_sets
        return [
            (hs_id, sets[hs_id]) for hs_id in rank_heading_sets(self.draft.meeting, role, self.phrasebank)
        ]

    def item_alternatives(self, item: Any, draft: Draft | None = None) -> list[Any]:
        """换一个 for a block: ready items to put in its place, best first ([] for free text, phrases).

        ``draft``: a copy of the draft to judge by (a worker thread's); default the draft itself.
        With the full material this takes some 10–20 ms: the wizard computes it in a worker.
        """
        from drafter.drafting.suggest import block_alternatives

        bank = self.phrasebank
        if bank is None:
            return []
        return block_alternatives(self.draft if draft is None else draft, item, bank)

    # ------------------------------------------------------------ 换一个 (cycling in place)
    def heading_ring(self, path: tuple[int, ...], describe: Any) -> Ring | None:
        """The alternatives of the heading at ``path``, the one in the draft marked (cached per section).

        ``describe(heading, heading_set)`` gives a choice's one-line preview.  None without material.
        """
        from drafter.drafting.editing import section_at

        section = section_at(self.draft, path)
        if section is None or self.phrasebank is None:
            return None

        def make() -> Ring:
            return heading_ring(section, self.heading_alternatives(path), describe)

        return self.rings.get(("heading", path), section, make)

    def item_ring(
        self,
        part_key: str,
        items: list[DraftItem],
        position: int,
        describe: Any,
        alternatives: list[DraftItem] | None = None,
    ) -> Ring | None:
        """The alternatives of the paragraph ``items[position]`` (in part ``part_key``), itself first.

        ``describe(item)`` gives a choice's one-line preview; ``alternatives``: computed already (by
        ``item_alternatives`` in a worker), else computed here.  None without material or paragraph.
        """
        if self.phrasebank is None or not 0 <= position < len(items):
            return None

        def make() -> Ring:
            found = self.item_alternatives(items[position]) if alternatives is None else alternatives
            return item_ring(items, position, found, describe)

        return self.rings.get(("item", part_key, position), items, make)

    def kept_item_ring(self, part_key: str, items: list[DraftItem], position: int) -> Ring | None:
        """The ring of ``items[position]`` if one is kept and still holds (nothing computed)."""
        return self.rings.peek(("item", part_key, position), items)

    def choose_alternative(self, ring: Ring, index: int) -> Any:
        """Put alternative ``index`` of ``ring`` (cycling: ``ring.index + 1`` is 换一个) into the draft."""
        choice = ring.select(index)
        self.changed()
        return choice

    def apply_suggestion(self, suggested: Draft) -> None:
        """Take the sections and content of a suggested draft; the meeting details stay."""
        from drafter.drafting.editing import replace_content

        replace_content(self.draft, copy.deepcopy(suggested))
        self.rings.clear()
        self.changed()

    # ------------------------------------------------------------ search
    def search(
        self, query: str, role: str | None, function: str | None, topic: str | None
    ) -> list[Any] | None:
        """Phrase hits for a query (a few ms over 50,000 phrases); None while the index loads."""
        if self.index is None:
            return None
        return self.index.search(query, role=role, function=function, topic=topic, limit=SEARCH_LIMIT)

    # ------------------------------------------------------------ checking
    def check(self, draft: Draft, bank: Any, revision: int = -1) -> CheckResult:
        """Render, lint and lay out a copy of the draft (worker thread); ``revision``: the draft's
        ``Workspace.revision`` when the copy was taken, kept in the result."""
        from drafter.drafting import date_year, render_speech, render_text
        from drafter.export import speech_to_markdown
        from drafter.lint import Finding, lint_speech

        try:
            text = render_text(draft, bank, allow_blanks=True)
            speech = render_speech(draft, bank, allow_blanks=True)
            findings = lint_speech(
                speech, year=date_year(draft.meeting.get("日期")), draft=True, meeting=draft.meeting
            )
            markdown = speech_to_markdown(speech)
            return CheckResult(findings, markdown, text, missing_values(markdown), revision)
        except DrafterError as exc:
            finding = Finding("render", "error", exc.message, exc.file or "草稿", exc.line)
            return CheckResult([finding], f"**无法生成全文**：{exc}", "", [], revision)

    def checked(self, result: CheckResult) -> bool:
        """Take a check's result; False (nothing taken) when it checked an older revision of the draft.

        Checks run in worker threads that cannot be stopped: one started before a change may finish
        after the check of the changed draft, and its findings must not replace the newer ones.
        """
        if result.revision != self.revision:
            return False
        self.findings = result.findings
        self.markdown = result.markdown
        self.text = result.text
        self.lint_ready = True
        self.needed_meeting = missing_meeting_fields(result.missing)
        return True

    # ------------------------------------------------------------ export
    def export(
        self,
        draft: Draft,
        bank: Any,
        path: Path,
        fmt: str,
        *,
        force: bool,
        allow_blanks: bool,
        heading_separator: bool = False,
        progress: Any = None,
    ) -> ExportResult:
        """Render, check and write the speech (worker thread); blanks without a value come back
        in ``missing`` unless ``allow_blanks``.  Failures raise ``DrafterError``."""
        from drafter.drafting import date_year, render_speech, render_text
        from drafter.export import export_speech
        from drafter.lint import lint_speech

        def step(done: int, message: str) -> None:
            if progress is not None:
                progress(done, message)

        step(0, "正在生成全文……")
        try:
            speech = render_speech(draft, bank, allow_blanks=allow_blanks)
        except DrafterError:
            if allow_blanks:
                raise
            try:
                missing = missing_values(render_text(draft, bank, allow_blanks=True))
            except DrafterError:
                missing = []
            if not missing:
                raise
            return ExportResult(missing=missing)
        step(1, "正在检查……")
        findings = lint_speech(
            speech, year=date_year(draft.meeting.get("日期")), draft=True, meeting=draft.meeting
        )
        step(2, "正在写入文件……")
        try:
            out = export_speech(speech, path, fmt, force=force, heading_separator=heading_separator)
        except OSError as exc:  # every OSError reaching the writer names the path, in Chinese
            from drafter.util.fsutil import describe_write_error

            raise DrafterError(describe_write_error(exc, path.parent), str(path)) from exc
        return ExportResult(Path(out), findings)

    # ------------------------------------------------------------ phrases
    def phrase_vocabulary(self) -> tuple[dict[str, list[str]], list[str]]:
        """Functions by role and all topics of the loaded phrasebank (for 加入素材库)."""
        functions: dict[str, list[str]] = {}
        topics: list[str] = []
        if self.phrasebank is not None:
            for phrase in self.phrasebank.phrases.values():
                known = functions.setdefault(phrase.role, [])
                if phrase.function not in known:
                    known.append(phrase.function)
                for topic in phrase.topics:
                    if topic not in topics:
                        topics.append(topic)
        return functions, topics

    def add_phrase(self, role: str, function: str, text: str, topics: list[str]) -> tuple[Any, Any, Any]:
        """Append a phrase to the user phrasebank and reload it (worker thread)."""
        from drafter.phrasebank import add_phrase, load_phrasebank

        result = add_phrase(role, function, text, topics=topics)
        bank = load_phrasebank()
        return result, bank, bank.index

    def role_at(self, kind: str, path: tuple[int, ...]) -> str:
        """The phrase role of a part of the draft (opening, closing, or a section's role)."""
        if kind in ("opening", "closing"):
            return kind
        from drafter.drafting.editing import section_at  # see load_templates

        section = section_at(self.draft, path)
        return section.role if section is not None else "tasks"
