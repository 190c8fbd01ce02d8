"""``drafter.roles.tokenize`` (our Segmenter) gives jieba.lcut's tokens, token for token."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drafter.roles import get_jieba, get_segmenter, tokenize
from drafter.roles.segment import Segmenter

ROOT = Path(__file__).resolve().parent.parent


def _texts() -> list[tuple[str, str]]:
    out = []
    for folder in (ROOT / "seeds", ROOT / "tests" / "archive", ROOT / "tests" / "corpus_extra"):
        for path in sorted(folder.rglob("*.txt")):
            data = path.read_bytes()
            for enc in ("utf-8", "gb18030"):
                try:
                    out.append((str(path.relative_to(ROOT)), data.decode(enc)))
                    break
                except UnicodeDecodeError:
                    continue
    return out


TEXTS = _texts()


def test_there_is_text_to_compare():
    assert len(TEXTS) >= 10
    assert sum(len(t) for _, t in TEXTS) > 60_000


@pytest.mark.parametrize("name", [n for n, _ in TEXTS])
def test_same_tokens_as_jieba_on_real_speeches(name):
    text = dict(TEXTS)[name]
    jieba = get_jieba()
    assert tokenize(text) == jieba.lcut(text)
    # Paragraph by paragraph too (the importer segments paragraphs and headings).
    for line in text.splitlines()[:400]:
        assert tokenize(line) == jieba.lcut(line), line


# Characters that exercise every path: dictionary words, unknown names (HMM), Latin words, figures,
# decimals, percentages, punctuation, spaces and line ends, characters outside jieba's 汉字 range.
_ALPHABET = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产"
    "种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点"
    "防汛抗旱招商引资乡村振兴营商环境项目建设张伟李娜王芳刘洋陈静赵磊钱塘溪桥镇县市"
    "ABCxyz0123456789.%-+#&_ \n\t\r，。、！？；：“”（）《》〇㐀鿿"
)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=_ALPHABET, max_size=60))
def test_same_tokens_as_jieba_on_any_text(text):
    assert tokenize(text) == get_jieba().lcut(text)


def test_same_tokens_on_random_mixes_of_speech_sentences():
    rng = random.Random(7)
    pool = [s for _, t in TEXTS for s in t.replace("\n", "。").split("。") if s][:5000]
    jieba = get_jieba()
    for _ in range(300):
        text = "".join(rng.sample(pool, 3))
        cut = rng.randrange(len(text) + 1)
        text = text[cut:] + text[:cut]
        assert tokenize(text) == jieba.lcut(text), text


def test_follows_words_added_to_jieba():
    import jieba

    own = jieba.Tokenizer()  # not the shared one: the other tests keep its dictionary
    own.initialize()
    seg = Segmenter(own)
    text = "推进青山湖锂电新材料产业园建设"
    before = seg.lcut(text)
    assert before == own.lcut(text)
    own.add_word("锂电新材料产业园", freq=50_000)
    after = seg.lcut(text)
    assert "锂电新材料产业园" in after
    assert after == own.lcut(text) != before
    own.add_word("锂电新材料产业园", freq=80_000)
    assert seg.lcut(text) == own.lcut(text)
    own.add_word("锂电新材料产业园", freq=0)  # total and size unchanged: refresh() by hand
    seg.refresh()
    assert seg.lcut(text) == own.lcut(text) == before


def test_one_shared_segmenter():
    assert get_segmenter() is get_segmenter()


def test_remembered_hmm_runs_stay_bounded_and_exact(monkeypatch):
    import drafter.roles.segment as segment

    monkeypatch.setattr(segment, "HMM_MEMO", 8)
    seg = Segmenter(get_jieba().dt)
    jieba = get_jieba()
    for _, text in TEXTS[:5]:
        for line in text.splitlines()[:200]:
            assert seg.lcut(line) == jieba.lcut(line)
            assert len(seg._memo) <= 8
