"""Arabic orthographic normalization, for comparing text only.

One tiny ``str -> str`` function per rule, tables and regexes compiled at
import; :func:`normalize` composes them according to a
:class:`NormalizeConfig`. Outputs of the tool always carry the original text:
normalized text is only ever used to compare.

Every rule is idempotent and so is their composition (tested with hypothesis).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

__all__ = [
    "NormalizeConfig",
    "normalize",
    "tokens",
    "join_compounds",
    "light_stem",
    "nfkc",
    "strip_tatweel",
    "strip_diacritics",
    "fold_alef",
    "fold_persian",
    "fold_alef_maksura",
    "fold_teh_marbuta",
    "fold_digits",
    "fold_punctuation",
    "collapse_whitespace",
]

TATWEEL = "\u0640"
# Harakat, tanwin, shadda, sukun, maddah/hamza above/below marks (U+064B–U+065F)
# and the superscript alef (U+0670); also Quranic annotation marks U+0610–U+061A
# and U+06D6–U+06ED, which scraped text sometimes carries.
_DIACRITICS_RE = re.compile("[\u064B-\u065F\u0670\u0610-\u061A\u06D6-\u06DC\u06DF-\u06E8\u06EA-\u06ED]")
_TATWEEL_RE = re.compile(TATWEEL)

# Character folds are regex substitutions rather than ``str.translate``: on
# Arabic text translate does a Python-level dict lookup per character and is
# about ten times slower than a regex that only fires where a character to fold
# occurs.
_ALEF_RE = re.compile("[أإآٱٲٳ]")
# Persian / Urdu letters used for Arabic ones (ی ک and their variants;
# ھ heh doachashmee; ۀ heh with yeh).
_PERSIAN_MAP = {"ی": "ي", "ې": "ي", "ۍ": "ي", "ے": "ي", "ک": "ك", "ڪ": "ك", "ھ": "ه", "ە": "ه", "ۀ": "ه", "ۃ": "ة"}
_PERSIAN_RE = re.compile("[" + "".join(_PERSIAN_MAP) + "]")
_MAKSURA_RE = re.compile("ى")
_TEH_MARBUTA_RE = re.compile("ة")
_DIGIT_MAP = {**{chr(0x0660 + i): str(i) for i in range(10)}, **{chr(0x06F0 + i): str(i) for i in range(10)}}
_DIGIT_RE = re.compile("[\u0660-\u0669\u06F0-\u06F9]")
# Arabic punctuation to its Latin counterpart; typographic quotes to ".
_PUNCT_MAP = {
    "،": ",",
    "٬": ",",
    "؛": ";",
    "؟": "?",
    "٪": "%",
    "٫": ".",
    "۔": ".",
    "“": '"',
    "”": '"',
    "„": '"',
    "«": '"',
    "»": '"',
    "‘": "'",
    "’": "'",
    "‹": '"',
    "›": '"',
}
_PUNCT_RE = re.compile("[" + re.escape("".join(_PUNCT_MAP)) + "]")


def _lookup(table):
    return lambda m: table[m.group()]


_PERSIAN_SUB = _lookup(_PERSIAN_MAP)
_DIGIT_SUB = _lookup(_DIGIT_MAP)
_PUNCT_SUB = _lookup(_PUNCT_MAP)
# Zero-width and bidi control characters: invisible, but they split words.
_INVISIBLE_RE = re.compile("[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff\u00ad]")
# Tokens: runs of letters/digits (Unicode), after diacritics are gone.
_TOKEN_RE = re.compile(r"[^\W_]+")


def nfkc(text: str) -> str:
    """Unicode NFKC: presentation forms (``ﻻ``) to base letters.

    Example:
        >>> nfkc("ﻻ")
        'لا'
    """
    if unicodedata.is_normalized("NFKC", text):  # the common case, and 10x cheaper
        return text
    if "\xa0" in text:
        # the no-break space is what makes most scraped text non-normal (15.7k of
        # 17.7k such bodies in the two corpora); NFKC maps it to a plain space,
        # which composes with nothing, so replacing it first changes no result
        text = text.replace("\xa0", " ")
        if unicodedata.is_normalized("NFKC", text):
            return text
    return unicodedata.normalize("NFKC", text)


def strip_tatweel(text: str) -> str:
    """Remove tatweel (kashida), the elongation stroke.

    Example:
        >>> strip_tatweel("الســـلام")
        'السلام'
    """
    return _TATWEEL_RE.sub("", text)


def strip_diacritics(text: str) -> str:
    """Remove harakat, tanwin, shadda, sukun and the superscript alef.

    Example:
        >>> strip_diacritics("تُعدّ")
        'تعد'
    """
    return _DIACRITICS_RE.sub("", text)


def fold_alef(text: str) -> str:
    """Fold hamza/madda alef forms (أ إ آ ٱ) to bare alef.

    Example:
        >>> fold_alef("إقرأ")
        'اقرا'
    """
    return _ALEF_RE.sub("ا", text)


def fold_persian(text: str) -> str:
    """Persian/Urdu letters used for Arabic ones: ی→ي, ک→ك, ھ→ه.

    Example:
        >>> fold_persian("کیم")
        'كيم'
    """
    return _PERSIAN_RE.sub(_PERSIAN_SUB, text)


def fold_alef_maksura(text: str) -> str:
    """Alef maksura to ya (``الكورى`` → ``الكوري``).

    Example:
        >>> fold_alef_maksura("الشمالى")
        'الشمالي'
    """
    return _MAKSURA_RE.sub("ي", text)


def fold_teh_marbuta(text: str) -> str:
    """Teh marbuta to heh (``الخارجية`` → ``الخارجيه``), as many sites write it.

    Example:
        >>> fold_teh_marbuta("مدينة")
        'مدينه'
    """
    return _TEH_MARBUTA_RE.sub("ه", text)


def fold_digits(text: str) -> str:
    """Arabic-Indic and Persian digits to ASCII digits.

    Example:
        >>> fold_digits("٢٠٢٤ و۱۲")
        '2024 و12'
    """
    return _DIGIT_RE.sub(_DIGIT_SUB, text)


def fold_punctuation(text: str) -> str:
    """Arabic punctuation and typographic quotes to their ASCII counterparts.

    Example:
        >>> fold_punctuation("قال، «نعم»؟")
        'قال, "نعم"?'
    """
    return _PUNCT_RE.sub(_PUNCT_SUB, text)


def collapse_whitespace(text: str) -> str:
    """Drop invisible controls, collapse whitespace runs to one space, strip.

    Example:
        >>> collapse_whitespace("  a\\n\\n b\u200f ")
        'a b'
    """
    return " ".join(_INVISIBLE_RE.sub("", text).split())


@dataclass(frozen=True, slots=True)
class NormalizeConfig:
    """Which rules :func:`normalize` applies. Defaults are the tuned values.

    Attributes:
        nfkc: Unicode NFKC first.
        tatweel: Remove tatweel.
        diacritics: Remove harakat and shadda.
        alef: Fold alef forms to ``ا``.
        persian: Fold ``ی ک`` to ``ي ك``.
        alef_maksura: Fold ``ى`` to ``ي``.
        teh_marbuta: Fold ``ة`` to ``ه``.
        digits: Arabic-Indic and Persian digits to ASCII.
        punctuation: Arabic punctuation to ASCII.
        lowercase: Lowercase Latin script (mixed English text).
        whitespace: Collapse whitespace.
        compounds: In :func:`tokens`, join the two halves of a compound name
            that outlets write either joined or apart: ``عبد`` before an
            ``ال`` word (عبد العزيز / عبدالعزيز, also with a proclitic:
            وعبد الله), and ``أبو ظبي`` / ``أبوظبي``. In the two shared corpora
            9.5k bodies write ``عبدال`` and 4.5k ``عبد ال``; apart, one name
            is two tokens and every 3-gram around it differs.
    """

    nfkc: bool = True
    tatweel: bool = True
    diacritics: bool = True
    alef: bool = True
    persian: bool = True
    alef_maksura: bool = True
    teh_marbuta: bool = True
    digits: bool = True
    punctuation: bool = True
    lowercase: bool = True
    whitespace: bool = True
    compounds: bool = True

    def __post_init__(self) -> None:
        for name in self.__dataclass_fields__:
            if not isinstance(getattr(self, name), bool):
                raise ValueError(f"NormalizeConfig.{name} must be True or False, got {getattr(self, name)!r}")


DEFAULT_CONFIG = NormalizeConfig()


def normalize(text: str, cfg: NormalizeConfig = DEFAULT_CONFIG) -> str:
    """Normalize Arabic text for comparison, composing the rules ``cfg`` enables.

    Order matters for idempotence: NFKC can produce diacritics and tatweel from
    presentation forms, so it runs first; folding runs after diacritics go.

    Args:
        text: Any Unicode string.
        cfg: Which rules to apply.

    Returns:
        The normalized string; ``normalize(normalize(t)) == normalize(t)``.

    Example:
        >>> normalize("کیم جونج أون") == normalize("كيم جونج أون")
        True
        >>> normalize("الكورى الشمالى")
        'الكوري الشمالي'
    """
    return _normalize(text, cfg, for_tokens=False)


def _normalize(text: str, cfg: NormalizeConfig, for_tokens: bool) -> str:
    out = _normalize_once(text, cfg, for_tokens)
    # Removing tatweel, invisible controls or diacritics can bring a letter and
    # a combining mark together that NFKC then composes; and lowercasing can
    # leave a non-NFKC sequence. Ordinary text is settled after one pass; the
    # rare rest settles after one or two more.
    for _ in range(3):
        if not cfg.nfkc or unicodedata.is_normalized("NFKC", out):
            break  # every other rule is idempotent on its own output
        again = _normalize_once(out, cfg, for_tokens)
        if again == out:
            break
        out = again
    return out


def _normalize_once(text: str, cfg: NormalizeConfig, for_tokens: bool = False) -> str:
    """One pass of the enabled rules.

    ``for_tokens`` skips what cannot change the tokens (punctuation folds one
    non-word character to another; whitespace runs only separate words) but
    still removes invisible controls, which join the two halves of a word.
    """
    if cfg.nfkc:
        text = nfkc(text)
    if cfg.tatweel:
        text = strip_tatweel(text)
    if cfg.diacritics:
        text = strip_diacritics(text)
    if cfg.persian:
        text = fold_persian(text)
    if cfg.alef:
        text = fold_alef(text)
    if cfg.alef_maksura:
        text = fold_alef_maksura(text)
    if cfg.teh_marbuta:
        text = fold_teh_marbuta(text)
    if cfg.digits:
        text = fold_digits(text)
    if cfg.punctuation and not for_tokens:
        text = fold_punctuation(text)
    if cfg.lowercase:
        text = text.lower()
    if cfg.whitespace:
        text = _INVISIBLE_RE.sub("", text) if for_tokens else collapse_whitespace(text)
    return text


def tokens(text: str, cfg: NormalizeConfig = DEFAULT_CONFIG) -> list[str]:
    """Normalized word tokens: letter/digit runs of the normalized text.

    Unlike scikit-learn's default ``token_pattern``, diacritized words survive,
    because diacritics are gone before tokenizing.

    Example:
        >>> tokens("كَتَبَ الوَلَدُ")
        ['كتب', 'الولد']
    """
    text = _normalize(text, cfg, for_tokens=True)
    out = _TOKEN_RE.findall(text)
    if cfg.compounds and ("عبد" in text or "ظبي" in text):
        out = join_compounds(out)
    return out


# Compound names written joined or apart. A token is the first half when it is
# one of these (after the per-character rules: alef folded or not), the next
# token the second half when it passes the matching test.
_ABD_FIRST = frozenset(p + "عبد" for p in ("", "و", "ف", "ب", "ل"))
_ABU_FIRST = frozenset(p + a + "بو" for p in ("", "و", "ف", "ب", "ل") for a in ("ا", "أ"))


def _second_half(first: str, nxt: str) -> bool:
    if first in _ABD_FIRST:
        return len(nxt) >= 3 and nxt.startswith("ال")
    return first in _ABU_FIRST and nxt == "ظبي"


def join_compounds(toks: list[str]) -> list[str]:
    """Join compound names split in two tokens (see ``NormalizeConfig.compounds``).

    Example:
        >>> join_compounds(["الامير", "محمد", "بن", "عبد", "العزيز", "في", "ابو", "ظبي"])
        ['الامير', 'محمد', 'بن', 'عبدالعزيز', 'في', 'ابوظبي']
    """
    out: list[str] = []
    i, n = 0, len(toks)
    while i < n:
        t = toks[i]
        if i + 1 < n and _second_half(t, toks[i + 1]):
            out.append(t + toks[i + 1])
            i += 2
        else:
            out.append(t)
            i += 1
    return out


# Proclitics a name or number can carry in running text: "and", "so", then the
# article with its prepositions. Longest first; the remainder keeps 2+ letters.
_CONJUNCTIONS = "وف"
_ARTICLES = ("بال", "كال", "لل", "ال")


def light_stem(token: str) -> str:
    """A normalized token without its leading conjunction and article.

    Used where a word is matched as a name (rare words): ``وعفيفي``,
    ``عفيفي``; ``بالرياض``, ``والرياض``, ``الرياض`` all give one key. It is
    deliberately light (no suffixes, no roots): it only removes what is glued
    to a word without changing it, and keeps at least two letters.

    Example:
        >>> [light_stem(t) for t in ["وعفيفي", "بالرياض", "للرياض", "ولي", "الى"]]
        ['عفيفي', 'رياض', 'رياض', 'ولي', 'الى']
    """
    if len(token) > 3 and token[0] in _CONJUNCTIONS:
        token = token[1:]
    for art in _ARTICLES:
        if token.startswith(art) and len(token) - len(art) >= 2:
            return token[len(art):]
    return token
