"""The phrasebank's layers: loading folders of files and merging them by id.

Layers: the shipped phrasebank, then the user's own folder, then each extra
folder; a later layer overrides an earlier one by ``id`` (phrases, blocks and
heading sets share one id space; meeting kinds have their own).  A layer's
subfolders are read too (``phrasebank/blocks/*.yaml``).  An extra folder the
user named that does not exist, holds no phrasebank file, or whose files are
all refused is an error (``DrafterError``), never a silently dropped layer.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from drafter.errors import DrafterError, Problem
from drafter.model import MEETING_FIELDS, Block, Fits, HeadingSet, MeetingKind, Phrase, Slot
from drafter.phrasebank.entries import _FileResult, entry_label, load_file, slot_names
from drafter.phrasebank.nodes import display_path
from drafter.phrasebank.search import Hit, PhraseIndex
from drafter.util import phrasebank_dir, user_phrasebank_dir


@dataclass
class Layer:
    """One layer of the phrasebank: where it comes from and which files it holds."""

    name: str  # "shipped", "user" or the extra folder as given
    path: Path
    files: list[str] = field(default_factory=list)
    # files of this layer that were refused as a whole (not read, or nothing in them loaded)
    refused: list[str] = field(default_factory=list)


def fits_context(
    fits: Fits,
    *,
    period: str | None = None,
    level: str | None = None,
    speaker: str | None = None,
    have: Iterable[str] | None = None,
) -> bool:
    """Whether an entry tagged ``fits`` suits a meeting.

    A context value of None is unknown and matches anything; an empty ``fits``
    field matches anything.  ``have`` lists the presuppositions the draft
    satisfies at that point (``成绩``, ``前面发言``); None skips the check.
    """
    if period and fits.period and period not in fits.period:
        return False
    if level and fits.level and level not in fits.level:
        return False
    if speaker and fits.speaker and speaker not in fits.speaker:
        return False
    if have is not None and fits.needs and not set(fits.needs) <= set(have):
        return False
    return True


@dataclass
class Phrasebank:
    phrases: dict[str, Phrase] = field(default_factory=dict)
    heading_sets: dict[str, HeadingSet] = field(default_factory=dict)
    slots: dict[str, Slot] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    layers: list[Layer] = field(default_factory=list)
    # id -> name of the layer whose definition won; id -> earlier definitions ("FILE:LINE") it replaced
    layer_of: dict[str, str] = field(default_factory=dict)
    overridden: dict[str, list[str]] = field(default_factory=dict)
    blocks: dict[str, Block] = field(default_factory=dict)
    kinds: dict[str, MeetingKind] = field(default_factory=dict)
    _index: PhraseIndex | None = field(default=None, repr=False)
    _block_index: PhraseIndex | None = field(default=None, repr=False)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity != "error"]

    def get(self, phrase_id: str) -> Phrase | None:
        return self.phrases.get(phrase_id)

    def get_block(self, block_id: str) -> Block | None:
        return self.blocks.get(block_id)

    def entry(self, entry_id: str) -> Phrase | Block | None:
        """A phrase or a block by id (they share one id space)."""
        return self.phrases.get(entry_id) or self.blocks.get(entry_id)

    def by_role(self, role: str) -> list[Phrase]:
        return [p for p in self.phrases.values() if p.role == role]

    def by_function(self, function: str) -> list[Phrase]:
        return [p for p in self.phrases.values() if p.function == function]

    def by_topic(self, topic: str) -> list[Phrase]:
        return [p for p in self.phrases.values() if topic in p.topics]

    def heading_sets_for(self, role: str) -> list[HeadingSet]:
        return [h for h in self.heading_sets.values() if h.role == role]

    def blocks_for(
        self,
        role: str | None = None,
        topics: Iterable[str] | None = None,
        *,
        generic: bool = False,
        function: str | None = None,
        period: str | None = None,
        level: str | None = None,
        speaker: str | None = None,
        have: Iterable[str] | None = None,
    ) -> list[Block]:
        """Blocks (in file order) of ``role`` on any of ``topics`` that fit the context.

        ``topics=None`` does not filter by topic; otherwise a block qualifies when it
        shares a topic with ``topics``, or (with ``generic=True``) when it has no topics.
        Context filters as in ``fits_context``.
        """
        wanted = None if topics is None else set(topics)
        have = None if have is None else tuple(have)
        out = []
        for block in self.blocks.values():
            if role is not None and block.role != role:
                continue
            if function is not None and block.function != function:
                continue
            if wanted is not None:
                if block.topics:
                    if not wanted.intersection(block.topics):
                        continue
                elif not generic:
                    continue
            if not fits_context(block.fits, period=period, level=level, speaker=speaker, have=have):
                continue
            out.append(block)
        return out

    def block_points(self, blocks: Iterable[Block]) -> dict[tuple[tuple[str, ...], str], list[Block]]:
        """Blocks grouped into alternatives: (topics, point) -> blocks, in order of first appearance.

        A block without a point is a group of its own (keyed by its id).
        """
        groups: dict[tuple[tuple[str, ...], str], list[Block]] = {}
        for block in blocks:
            key = (tuple(block.topics), block.point or "#" + block.id)
            groups.setdefault(key, []).append(block)
        return groups

    def kind(self, kind_id: str) -> MeetingKind | None:
        return self.kinds.get(kind_id)

    def slot(self, name: str) -> Slot | None:
        return self.slots.get(name)

    def slots_for(self, phrase: Phrase | Block) -> list[Slot]:
        """The slots a phrase or block uses, with prompts from its own declarations or the registry."""
        local = {s.name: s for s in phrase.slots}
        return [local.get(n) or self.slots.get(n) or Slot(n) for n in slot_names(phrase.text)]

    @property
    def index(self) -> PhraseIndex:
        """The search index over all phrases (built on first use, then reused)."""
        if self._index is None or len(self._index) != len(self.phrases):
            self._index = PhraseIndex(self.phrases)
        return self._index

    @property
    def block_index(self) -> PhraseIndex:
        """The search index over all blocks (built on first use, then reused)."""
        if self._block_index is None or len(self._block_index) != len(self.blocks):
            self._block_index = PhraseIndex(self.blocks.values())  # type: ignore[arg-type]
        return self._block_index

    def search(self, query: str, **filters) -> list[Hit]:
        return self.index.search(query, **filters)

    def search_blocks(self, query: str, **filters) -> list[Hit]:
        """Blocks matching ``query`` (``Hit.kind == "block"``); same filters as ``search``."""
        return self.block_index.search(query, **filters)

    def stats(self) -> dict:
        phrases = list(self.phrases.values())
        blocks = list(self.blocks.values())
        topics = Counter(t for p in phrases for t in p.topics)
        return {
            "entries": len(phrases),
            "by_role": dict(Counter(p.role for p in phrases).most_common()),
            "by_function": dict(Counter(p.function for p in phrases).most_common()),
            "topics": dict(topics.most_common()),
            "heading_sets": len(self.heading_sets),
            "with_provenance": sum(1 for p in phrases if p.source is not None),
            "blocks": len(blocks),
            "block_points": len(self.block_points(b for b in blocks if b.role == "tasks")),
            "blocks_by_role": dict(Counter(b.role for b in blocks).most_common()),
            "blocks_by_topic": dict(Counter(t for b in blocks for t in b.topics).most_common()),
            "block_chars": sum(len(b.text) for b in blocks),
            "kinds": len(self.kinds),
        }


def _layer_files(path: Path) -> list[Path]:
    if not path.is_dir():
        return [path]  # a file, or something that is not one: load_file says what is wrong with it
    files = [
        p
        for p in path.rglob("*")
        if p.suffix in (".yaml", ".yml")
        and p.is_file()
        and not any(part.startswith(".") for part in p.relative_to(path).parts)
    ]
    return sorted(files)


def _builtin_slots() -> dict[str, Slot]:
    return {name: Slot(name=name, prompt=desc, example="") for name, desc in MEETING_FIELDS.items()}


def _refused(res: _FileResult) -> bool:
    """A file that contributed nothing because of errors (not read, not YAML, every entry bad)."""
    has_error = any(p.severity == "error" for p in res.problems)
    return has_error and not (res.phrases or res.blocks or res.kinds or res.heading_sets or res.slots)


def _slot_problem(item: Phrase | Block, slot: str, line: int) -> Problem:
    return Problem(
        item.file,
        line,
        f"{entry_label(item)}“{item.id}”用到的槽位“{slot}”未声明：请在该条目的 slots 中声明，或加到 slots.yaml",
    )


def _duplicate(
    seen: dict[str, str], item: Phrase | Block | HeadingSet | MeetingKind, prefix: str, *, same_place_ok: bool
) -> Problem | None:
    """Claim ``item``'s id in ``seen`` (id -> file:line); a Problem when another place already has it."""
    here = f"{item.file}:{item.line}"
    if item.id in seen and not (same_place_ok and seen[item.id] == here):
        return Problem(item.file, item.line, f"{prefix}“{item.id}”重复：{seen[item.id]} 已有同一 id")
    seen[item.id] = here
    return None


@dataclass
class _Merge:
    """A phrasebank being merged layer by layer: later layers override earlier ones by id."""

    bank: Phrasebank
    slot_uses: list[tuple[Phrase | Block, str, int]] = field(default_factory=list)
    where: dict[str, str] = field(default_factory=dict)  # id -> file:line of the entry in use

    def add_item(self, item: Phrase | Block | HeadingSet, layer: str) -> None:
        bank = self.bank
        here = f"{item.file}:{item.line}"
        if item.id in self.where:
            bank.overridden.setdefault(item.id, []).append(self.where[item.id])
            bank.phrases.pop(item.id, None)
            bank.blocks.pop(item.id, None)
            bank.heading_sets.pop(item.id, None)
        self.where[item.id] = here
        bank.layer_of[item.id] = layer
        if isinstance(item, Phrase):
            bank.phrases[item.id] = item
        elif isinstance(item, Block):
            bank.blocks[item.id] = item
        else:
            bank.heading_sets[item.id] = item

    def add_layer(self, layer: Layer) -> None:
        bank = self.bank
        seen_in_layer: dict[str, str] = {}
        kinds_in_layer: dict[str, str] = {}
        for file in _layer_files(layer.path):
            res = load_file(file)
            layer.files.append(res.file)
            if _refused(res):
                layer.refused.append(res.file)
            bank.problems.extend(res.problems)
            for item in [*res.phrases, *res.blocks, *res.heading_sets]:
                problem = _duplicate(seen_in_layer, item, "id", same_place_ok=True)
                if problem is not None:
                    bank.problems.append(problem)
                else:
                    self.add_item(item, layer.name)
            for kind in res.kinds:
                problem = _duplicate(kinds_in_layer, kind, "会议类型 id", same_place_ok=True)
                if problem is not None:
                    bank.problems.append(problem)
                else:
                    bank.kinds[kind.id] = kind
            for slot in res.slots:
                bank.slots[slot.name] = slot
            self.slot_uses.extend(res.slot_uses)


def _merge_layers(layers: list[tuple[str, Path]], missing_ok: set[str]) -> Phrasebank:
    merge = _Merge(Phrasebank())
    bank = merge.bank
    bank.slots = _builtin_slots()
    for name, path in layers:
        layer = Layer(name, path)
        bank.layers.append(layer)
        if not path.exists():
            if name not in missing_ok:
                bank.problems.append(Problem(display_path(path), 0, "素材库目录不存在"))
            continue
        merge.add_layer(layer)
    for item, slot, line in merge.slot_uses:
        if slot not in bank.slots:
            bank.problems.append(_slot_problem(item, slot, line))
    return bank


def layer_dirs(
    extra_dirs: Iterable[str | os.PathLike[str]] = (),
    *,
    include_user: bool = True,
    include_shipped: bool = True,
) -> list[tuple[str, Path]]:
    layers: list[tuple[str, Path]] = []
    if include_shipped:
        layers.append(("shipped", phrasebank_dir()))
    if include_user:
        layers.append(("user", user_phrasebank_dir()))
    for extra in extra_dirs:
        layers.append((str(extra), Path(extra)))
    return layers


def dead_layer_error(layer: Layer) -> DrafterError | None:
    """Why an extra layer the user named contributes nothing, or None when it is usable."""
    shown = display_path(layer.path)
    if not layer.path.exists():
        return DrafterError("素材库目录不存在（--phrasebank 给出的路径）", shown)
    if not layer.files:
        return DrafterError("这里没有素材库文件（.yaml / .yml），--phrasebank 应指向素材库目录或文件", shown)
    if len(layer.refused) == len(layer.files):
        return DrafterError(
            f"这个素材库的 {len(layer.files)} 个文件都有错误、一条也没有读入"
            "（运行 drafter phrasebank check 查看）",
            shown,
        )
    return None


def load_phrasebank(
    extra_dirs: Iterable[str | os.PathLike[str]] = (),
    *,
    include_user: bool = True,
    include_shipped: bool = True,
    strict: bool = True,
) -> Phrasebank:
    """Load the phrasebank layers: shipped -> user -> each extra folder (later overrides by id).

    Never raises for bad content: problems are collected in ``.problems`` and
    entries with errors are left out.  With ``strict`` (the default) an extra
    layer that does not exist, holds no file, or whose files are all refused
    raises ``DrafterError``; without it that is only a problem in ``.problems``.
    """
    bank = _merge_layers(
        layer_dirs(extra_dirs, include_user=include_user, include_shipped=include_shipped),
        missing_ok={"shipped", "user"},
    )
    for layer in bank.layers:
        if layer.name in ("shipped", "user"):
            continue
        error = dead_layer_error(layer)
        if error is None:
            continue
        if strict:
            raise error
        if layer.path.exists() and not layer.files:  # (refused files have problems of their own)
            bank.problems.append(Problem(error.file or "", 0, error.message))
    return bank


_REGISTRY_CACHE: dict[tuple[str, int, int], tuple[tuple[str, str, str], ...]] = {}


def _registry_of(file: Path) -> tuple[tuple[str, str, str], ...]:
    """The slots a file declares at top level (cached by path, size and modification time)."""
    try:
        st = file.stat()
    except OSError:
        return ()
    key = (str(file.resolve()), st.st_mtime_ns, st.st_size)
    if key not in _REGISTRY_CACHE:
        if len(_REGISTRY_CACHE) > 256:
            _REGISTRY_CACHE.clear()
        _REGISTRY_CACHE[key] = tuple((x.name, x.prompt, x.example) for x in load_file(file).slots)
    return _REGISTRY_CACHE[key]


def _given_files(paths: list[Path], problems: list[Problem]) -> list[Path]:
    """The phrasebank files of the given files or folders; a problem for each missing or empty one."""
    files: list[Path] = []
    for path in paths:
        if not path.exists():
            problems.append(Problem(display_path(path), 0, "文件或目录不存在"))
        else:
            found = _layer_files(path)
            if not found:
                problems.append(
                    Problem(display_path(path), 0, "这里没有素材库文件（.yaml / .yml）", "warning")
                )
            files.extend(found)
    return files


def _slot_registry(files: list[Path]) -> dict[str, Slot]:
    """The built-in slots and those declared in the shipped and the user's phrasebank, except in ``files``."""
    registry = _builtin_slots()
    for base in (phrasebank_dir(), user_phrasebank_dir()):
        if base.is_dir():
            mine = {f.resolve() for f in files}
            for file in _layer_files(base):
                if file.resolve() in mine:
                    continue
                for name, prompt, example in _registry_of(file):
                    registry.setdefault(name, Slot(name, prompt, example))
    return registry


def check_paths(paths: Iterable[str | os.PathLike[str]]) -> list[Problem]:
    """Validate the given files or folders (as one layer) and return their problems.

    Slots may be declared in the given files, in the shipped registry or in the user's.
    """
    paths = [Path(p) for p in paths]
    problems: list[Problem] = []
    files = _given_files(paths, problems)
    registry = _slot_registry(files)
    seen: dict[str, str] = {}
    kinds_seen: dict[str, str] = {}
    results = [load_file(f) for f in dict.fromkeys(files)]
    for res in results:
        for slot in res.slots:
            registry[slot.name] = slot
    for res in results:
        problems.extend(res.problems)
        claims: list[tuple[dict[str, str], str, Phrase | Block | HeadingSet | MeetingKind]] = [
            (seen, "id", item) for item in [*res.phrases, *res.blocks, *res.heading_sets]
        ]
        claims += [(kinds_seen, "会议类型 id", kind) for kind in res.kinds]
        for table, prefix, item in claims:
            problem = _duplicate(table, item, prefix, same_place_ok=False)
            if problem is not None:
                problems.append(problem)
        for item, slot, line in res.slot_uses:
            if slot not in registry:
                problems.append(_slot_problem(item, slot, line))
    return problems
