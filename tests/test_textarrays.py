"""Tests for dedup.textarrays: batch token hashes equal the string path, text by text."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dedup.normalize import DEFAULT_CONFIG, NormalizeConfig, tokens
from dedup.shingle import TokenHasher
from dedup.textarrays import char_table, hash_texts, token_hash

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"

# the characters the rules touch, whitespace and controls of every kind, presentation forms, a
# lone surrogate, NUL, astral letters and digits, Latin with marks that lowercasing expands
TRICKY = list("كبلاأإآىيةیکۃـَُّْٰ٢۱،؟« \n\t.,-_") + [
    "\u200b", "\u00ad", "\u0301", "\u0308", "\u00a0", "\u200f", "\u202b", "\u2066", "\ufeff", "ﻻ", "ﻷ", "ﷲ",
    "Ａ", "ﬁ", "²", "İ", "ẞ", "Σ", "e", "a", "\x00", "\ud800", "𝟘", "𐌰", "ǅ", "\u0653", "\u0670"]


def per_text(texts, cfg=DEFAULT_CONFIG, seed=0):
    hashes, sizes = hash_texts(texts, cfg, seed)
    bounds = np.r_[0, np.cumsum(sizes)]
    return [hashes[bounds[i]:bounds[i + 1]].tolist() for i in range(len(texts))]


def reference(texts, cfg=DEFAULT_CONFIG, seed=0):
    hasher = TokenHasher(seed)
    return [hasher.hash_tokens(tokens(t, cfg)).tolist() for t in texts]


@settings(max_examples=600, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from(TRICKY), max_size=40), max_size=6))
def test_batch_hashes_equal_the_string_path_on_tricky_text(texts):
    assert per_text(texts) == reference(texts)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(), max_size=5))
def test_batch_hashes_equal_the_string_path_on_any_text(texts):
    assert per_text(texts) == reference(texts)


# pieces of compound names (and near misses), with separators the rules remove or keep
COMPOUND_PIECES = ["عبد", "عبـد", "عَبد", "وعبد", "لعبد", "العبد", "عبدال", "ال", "العزيز", "الله", "الرحمن", "أبو", "ابو",
                   "وأبو", "ظبي", "ظبى", "ظبيه", "محمد", " ", "  ", "\n", "، ", ".", "\u200c", "\u200b", "ﷲ", "ﻻ", "\x00",
                   "عبد العزيز", "وعبد الله", "عبد عبد الرحمن", "أبو ظبي", "ابو  ظبي", "عبد ال"]


@pytest.mark.parametrize("cfg", [DEFAULT_CONFIG, NormalizeConfig(alef=False), NormalizeConfig(compounds=False),
                                 NormalizeConfig(tatweel=False, diacritics=False, alef_maksura=False)])
@settings(max_examples=300, deadline=None)
@given(texts=st.lists(st.lists(st.sampled_from(COMPOUND_PIECES), max_size=14).map("".join), max_size=4))
def test_batch_hashes_join_compound_names_as_the_string_path(cfg, texts):
    assert per_text(texts, cfg) == reference(texts, cfg)


def test_compound_names_are_one_token_joined_or_apart():
    apart, joined = per_text(["الأمير محمد بن عبد العزيز في أبو ظبي", "الأمير محمد بن عبدالعزيز في أبوظبي"])
    assert apart == joined and len(apart) == 6
    kept = per_text(["عبد العزيز"], NormalizeConfig(compounds=False))[0]
    assert len(kept) == 2


@pytest.mark.parametrize("cfg", [NormalizeConfig(nfkc=False), NormalizeConfig(lowercase=False),
                                 NormalizeConfig(diacritics=False, alef=False, teh_marbuta=False),
                                 NormalizeConfig(whitespace=False, digits=False, persian=False)])
@settings(max_examples=150, deadline=None)
@given(texts=st.lists(st.text(alphabet=st.sampled_from(TRICKY), max_size=30), max_size=4))
def test_batch_hashes_follow_the_config(cfg, texts):
    assert per_text(texts, cfg) == reference(texts, cfg)


def test_texts_are_chunked_without_changing_anything():
    texts = ["خبر عاجل: افتتاح معرض الكتاب", "", "ﻻ  بأس\u00a0بذلك", "the Word ٢٠٢٤"] * 50
    whole = hash_texts(texts)
    chunked = hash_texts(texts, chunk_chars=7)
    assert whole[0].tolist() == chunked[0].tolist() and whole[1].tolist() == chunked[1].tolist()
    assert per_text(texts) == reference(texts)


def test_seed_changes_every_hash_and_tokens_keep_their_hash_across_texts():
    a = per_text(["المملكة العربية السعودية"], seed=0)[0]
    b = per_text(["المملكة العربية السعودية"], seed=7)[0]
    assert not set(a) & set(b)
    assert per_text(["السعودية اليوم"])[0][0] == a[2] == token_hash("السعوديه")


@pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds not found")
def test_batch_hashes_equal_the_string_path_on_the_seed_pages():
    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.iterdir()) if p.is_file()]
    assert texts and per_text(texts) == reference(texts)


def test_char_table_is_the_per_character_rules():
    table = char_table(NormalizeConfig())
    assert chr(table[ord("أ")]) == "ا" and chr(table[ord("ۃ")]) == "ه" and chr(table[ord("٣")]) == "3"
    assert table[ord("\u0640")] == 0xFFFFFFFF and table[ord("\u200b")] == 0xFFFFFFFF  # removed
    assert table[ord("b")] == ord("b") and table[ord("،")] == ord("،")  # punctuation is left to the tokenizer


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from(TRICKY), max_size=12), max_size=8), st.integers(0, 2**32))
def test_token_hashes_equal_the_reference_hash(toks, seed):
    from dedup.textarrays import token_hashes

    assert token_hashes(toks, seed).tolist() == [token_hash(t, seed) for t in toks]
    assert TokenHasher(seed).hash_tokens(toks).tolist() == [token_hash(t, seed) for t in toks]
