"""Tests for dedup.normalize: one table per rule, the composed normalize(), tokens(), the config."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dedup.normalize import (
    NormalizeConfig,
    collapse_whitespace,
    fold_alef,
    fold_alef_maksura,
    fold_digits,
    fold_persian,
    fold_punctuation,
    fold_teh_marbuta,
    nfkc,
    normalize,
    strip_diacritics,
    strip_tatweel,
    tokens,
)

TATWEEL = "\u0640"

# rule, input, expected output
RULES = [
    (nfkc, "ﻻ", "لا"),
    (nfkc, "ﻷ", "لأ"),
    (nfkc, "ﷲ", "الله"),
    (nfkc, "ﺑﻴﺖ", "بيت"),  # isolated / initial / medial presentation forms
    (nfkc, "كتاب", "كتاب"),
    (strip_tatweel, f"الس{TATWEEL * 3}لام", "السلام"),
    (strip_tatweel, "مـحـمـد", "محمد"),
    (strip_tatweel, "بلا تطويل", "بلا تطويل"),
    (strip_diacritics, "تُعدّ", "تعد"),
    (strip_diacritics, "أُقيم", "أقيم"),
    (strip_diacritics, "كَتَبَ الوَلَدُ", "كتب الولد"),
    (strip_diacritics, "شُكْرًا", "شكرا"),  # damma, sukun, tanwin fath
    (strip_diacritics, "هٰذا", "هذا"),  # superscript alef
    (strip_diacritics, "مُحَمَّدٌ", "محمد"),  # shadda + tanwin
    (fold_alef, "أحمد", "احمد"),
    (fold_alef, "إبراهيم", "ابراهيم"),
    (fold_alef, "آمال", "امال"),
    (fold_alef, "ٱلرحمن", "الرحمن"),  # alef wasla
    (fold_alef, "إقرأ أيضاً", "اقرا ايضاً"),
    (fold_persian, "کیم جونج أون", "كيم جونج أون"),
    (fold_persian, "بیونغ یانغ", "بيونغ يانغ"),
    (fold_persian, "وزیر الخارجیة الروسی", "وزير الخارجية الروسي"),
    (fold_persian, "کوریا الشمالیة", "كوريا الشمالية"),
    (fold_alef_maksura, "الكورى الشمالى", "الكوري الشمالي"),
    (fold_alef_maksura, "مستشفى", "مستشفي"),
    (fold_teh_marbuta, "الخارجية", "الخارجيه"),
    (fold_teh_marbuta, "مدينة جدة", "مدينه جده"),
    (fold_digits, "٢٠٢٤", "2024"),
    (fold_digits, "۱۲", "12"),
    (fold_digits, "عام ١٤٤٥ هـ و۱۲ شهرا", "عام 1445 هـ و12 شهرا"),
    (fold_digits, "2024", "2024"),
    (fold_punctuation, "قال، نعم", "قال, نعم"),
    (fold_punctuation, "١٬٥", "١,٥"),  # U+066C
    (fold_punctuation, "هل؟", "هل?"),
    (fold_punctuation, "«بوتين وشي»", '"بوتين وشي"'),
    (fold_punctuation, "“إستراتيجياً جديداً”", '"إستراتيجياً جديداً"'),
    (fold_punctuation, "أولا؛ ثانيا", "أولا; ثانيا"),
    (collapse_whitespace, "  a\n\n b\u200f ", "a b"),
    (collapse_whitespace, "كلمة\tأخرى\r\nثالثة", "كلمة أخرى ثالثة"),
    (collapse_whitespace, "بيونغ\u200cيانغ", "بيونغيانغ"),  # ZWNJ dropped
    (collapse_whitespace, "\ufeffنص", "نص"),
]


@pytest.mark.parametrize("rule,text,expected", RULES, ids=[f"{r.__name__}-{i}" for i, (r, _, _) in enumerate(RULES)])
def test_rule_table(rule, text, expected):
    assert rule(text) == expected


@pytest.mark.parametrize("rule", sorted({r for r, _, _ in RULES}, key=lambda r: r.__name__))
def test_each_rule_is_idempotent_on_the_table(rule):
    for r, text, _ in RULES:
        once = rule(text)
        assert rule(once) == once


# input, expected normalize() output with the default config
NORMALIZE = [
    ("کیم جونج أون", "كيم جونج اون"),
    ("كيم جونج أون", "كيم جونج اون"),
    ("الكورى الشمالى", "الكوري الشمالي"),
    ("بیونغ یانغ", "بيونغ يانغ"),
    ("وزیر الخارجیة الروسی", "وزير الخارجيه الروسي"),
    ("تُعدّ", "تعد"),
    ("أُقيم", "اقيم"),
    ("الســـلام", "السلام"),
    ("قال، «نعم»؟", 'قال, "نعم"?'),
    ("١٬٥ مليون", "1,5 مليون"),
    ("“عاجل” ٢٠٢٤ و۱۲", '"عاجل" 2024 و12'),
    ("ﻻ", "لا"),
    ("ﻷ", "لا"),
    ("أ إ آ ا", "ا ا ا ا"),
    ("مدينة", "مدينه"),
    ("  NEXTA\n(@nexta_tv)  قالت ", "nexta (@nexta_tv) قالت"),
    ("", ""),
]


@pytest.mark.parametrize("text,expected", NORMALIZE)
def test_normalize_table(text, expected):
    assert normalize(text) == expected


@pytest.mark.parametrize(
    "a,b",
    [
        ("کیم جونج أون", "كيم جونج أون"),
        ("الكورى الشمالى", "الكوري الشمالي"),
        ("بیونغ یانغ", "بيونغ يانغ"),
        ("وزیر الخارجیة الروسی", "وزير الخارجية الروسي"),
        ("تُعدّ", "تعد"),
        ("إقرأ أيضاً", "اقرا ايضا"),
        ("الســـلام عليكم", "السلام  عليكم"),
        ("عام ٢٠٢٤", "عام 2024"),
        ("لـ ۱۲ شهرا", "ل 12 شهرا"),
    ],
)
def test_spelling_variants_compare_equal(a, b):
    assert normalize(a) == normalize(b)


def test_teh_marbuta_folding_is_configurable():
    assert normalize("الخارجية") == "الخارجيه"
    off = NormalizeConfig(teh_marbuta=False)
    assert normalize("الخارجية", off) == "الخارجية"
    assert normalize("مدينة", off) != normalize("مدينه", off)
    # other rules still apply
    assert normalize("وزیر الخارجیة الروسی", off) == "وزير الخارجية الروسي"


@pytest.mark.parametrize(
    "flag,text,on,off",
    [
        ("diacritics", "تُعدّ", "تعد", "تُعدّ"),
        ("alef", "أون", "اون", "أون"),
        ("persian", "کیم", "كيم", "کیم"),
        ("alef_maksura", "الشمالى", "الشمالي", "الشمالى"),
        ("digits", "٢٠٢٤", "2024", "٢٠٢٤"),
        ("punctuation", "قال،", "قال,", "قال،"),
        ("tatweel", "مـحمد", "محمد", "مـحمد"),
        ("lowercase", "NEXTA", "nexta", "NEXTA"),
        ("whitespace", " أ  ب ", "ا ب", " ا  ب "),
        ("nfkc", "ﻻ", "لا", "ﻻ"),
    ],
)
def test_each_flag_turns_its_rule_off(flag, text, on, off):
    assert normalize(text) == on
    assert normalize(text, NormalizeConfig(**{flag: False})) == off


def test_tokens_keep_diacritized_words():
    assert tokens("كَتَبَ الوَلَدُ") == ["كتب", "الولد"]
    # the pitfall this guards against: scikit-learn's default token_pattern loses them
    assert re.findall(r"(?u)\b\w\w+\b", "كَتَبَ الوَلَدُ") != ["كتب", "الولد"]


@pytest.mark.parametrize(
    "text,expected",
    [
        ("قال، «نعم»؟", ["قال", "نعم"]),
        ("لافروف: روسيا... أوكرانيا!", ["لافروف", "روسيا", "اوكرانيا"]),
        ("NEXTA (@nexta_tv) قالت", ["nexta", "nexta", "tv", "قالت"]),
        ("الذكرى الـ ٧٥", ["الذكري", "ال", "75"]),
        ("کیم جونج أون", ["كيم", "جونج", "اون"]),
        ("", []),
        ("  ،؟ «» ", []),
    ],
)
def test_tokens_table(text, expected):
    assert tokens(text) == expected


@pytest.mark.parametrize("bad", [1, 0, "yes", None, 1.0])
def test_config_rejects_non_bool(bad):
    with pytest.raises(ValueError, match="diacritics"):
        NormalizeConfig(diacritics=bad)


def test_config_is_frozen():
    cfg = NormalizeConfig()
    with pytest.raises(Exception):
        cfg.alef = False  # type: ignore[misc]


@settings(max_examples=400, deadline=None)
@given(st.text())
def test_normalize_never_raises_and_is_idempotent(text):
    once = normalize(text)
    assert isinstance(once, str)
    assert normalize(once) == once


# Arabic letters, marks, tatweel, digits and punctuation, invisible controls, and Latin letters with
# combining marks: the characters the rules touch, so hypothesis explores their interactions.
ARABIC_HEAVY = list("كبلاأإآىيةیکـَُّْٰ٢۱،؟« \n") + ["\u200b", "\u00ad", "\u0301", "\u0308", "e", "a"]


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from(ARABIC_HEAVY), max_size=30))
def test_normalize_idempotent_on_arabic_heavy_text(text):
    once = normalize(text)
    assert normalize(once) == once
    assert tokens(once) == tokens(text)


# Inputs where a rule that runs after NFKC removes a character standing between a base letter and
# a combining mark: the second pass can compose them. normalize must still be idempotent.
@pytest.mark.parametrize(
    "text",
    [
        "e\u0640\u0301",  # tatweel between a letter and a combining acute
        "e\u200b\u0301",  # zero-width space between them
        "a\u00ad\u0308",  # soft hyphen between them
        "ا\u0640\u0653",  # Arabic: alef, tatweel, madda
        "ﻻ\u0640",
    ],
)
def test_normalize_idempotent_on_tricky_inputs(text):
    once = normalize(text)
    assert normalize(once) == once


def _reference_tokens(text):
    """What tokens() is defined as: the word runs of the fully normalized text."""
    import re

    return re.findall(r"[^\W_]+", normalize(text))


# tokens() skips the passes that cannot change a token (punctuation, whitespace
# collapsing); it must give exactly the tokens of the fully normalized text.
TOKEN_TRICKY = ARABIC_HEAVY + list(" \t\r\u00a0\u2002\u3000\u2028.,;:!?\"'()-_%") + [
    "\u200f", "\u202b", "\u2066", "\ufeff", "٬", "؛", "٪", "٫", "۔", "“", "”", "»", "‹", "ﻻ", "Ａ", "ﬁ", "²"]


@settings(max_examples=1500, deadline=None)
@given(st.text(alphabet=st.sampled_from(TOKEN_TRICKY), max_size=40))
def test_tokens_equal_the_words_of_the_normalized_text(text):
    assert tokens(text) == _reference_tokens(text)


@settings(max_examples=400, deadline=None)
@given(st.text())
def test_tokens_equal_the_words_of_the_normalized_text_on_any_text(text):
    assert tokens(text) == _reference_tokens(text)


@settings(max_examples=800, deadline=None)
@given(st.text(alphabet=st.sampled_from(TOKEN_TRICKY + ["\u00a0", "\u0301", "\u0327"]), max_size=40))
def test_nfkc_shortcut_for_no_break_spaces_equals_unicode_nfkc(text):
    import unicodedata

    assert nfkc(text) == unicodedata.normalize("NFKC", text)


@pytest.mark.parametrize("text, expected", [
    ("بن عبد العزيز", ["بن", "عبدالعزيز"]),
    ("بن عبدالعزيز", ["بن", "عبدالعزيز"]),
    ("وعَبْدُ الله", ["وعبدالله"]),
    ("لعبد الرحمن بن عبد الله", ["لعبدالرحمن", "بن", "عبدالله"]),
    ("في أبو ظبي", ["في", "ابوظبي"]),
    ("وأبوظبي", ["وابوظبي"]),
    ("العبد الصالح", ["العبد", "الصالح"]),  # not a name's first half
    ("أبو محمد", ["ابو", "محمد"]),  # a kunya, written apart everywhere
    ("عبد ال", ["عبد", "ال"]),  # no second half
    ("قال عبد", ["قال", "عبد"]),
])
def test_tokens_join_compound_names(text, expected):
    assert tokens(text) == expected


def test_compound_joining_can_be_turned_off():
    assert tokens("بن عبد العزيز", NormalizeConfig(compounds=False)) == ["بن", "عبد", "العزيز"]
