"""Headlines: how completely one reproduces another, and whether two tell one story.

Teasers and headline-only records have no body to compare, only a headline.
Two tools work on headlines:

* :func:`headline_match`: the share of a headline's content words that a
  target (a title or a lead sentence) reproduces, spelling variants absorbed
  by character bigrams. A teaser link needs all of them.
* :func:`same_story_probability`: whether two *different* headlines announce
  one story. Word overlap alone gets this backwards: two outlets rewrite one
  story freely (``يأمر بتعزيز القدرات`` / ``يوجه بسرعة التسليح``), while a
  headline about another event often repeats a template with one slot
  swapped (``يلتقي المدعي العام`` / ``يلتقي وزير الداخلية``). So the model
  looks at the *shape* of the difference: the headlines' content words are
  aligned (longest common subsequence of matching words), and the gaps
  between aligned words are counted as insertions (one side adds detail) or
  substitutions (both sides put different words in one slot), next to the
  shares matched, negation and number mismatches. A logistic model over these
  features was fitted on the ANS stance pairs (``agree`` vs the rest), see
  ``benchmarks/train_headline.py``; its weights are :data:`HEADLINE_WEIGHTS`.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from itertools import pairwise

import numpy as np

from .normalize import light_stem
from .normalize import tokens as norm_tokens

__all__ = [
    "FEATURES",
    "HEADLINE_BIAS",
    "HEADLINE_WEIGHTS",
    "content_words",
    "headline_features",
    "headline_match",
    "probability",
    "same_story_probability",
]

_STOP = frozenset(norm_tokens(
    # negations (لا لم لن ليس غير) are kept on purpose: they turn a claim around
    "في من على الى إلى عن مع ان أن إن او أو ثم قد ما هذا هذه ذلك التي الذي الذين كما بعد قبل "
    "خلال بين حول عند منذ كل بعض هو هي هم نحو ضد دون لدى حتى اليوم امس أمس و ب ل ف ك يا بـ لـ"
))


@functools.lru_cache(maxsize=1 << 16)
def _char_grams(tok: str, n: int = 2) -> frozenset[str]:
    t = f"<{tok}>"
    return frozenset(t[i : i + n] for i in range(max(1, len(t) - n + 1)))


def _token_match(a: str, b: str) -> float:
    """Similarity of two normalized words: 1 when equal, char-bigram Dice otherwise.

    Absorbs transliteration and clitic variants (جونغ/جونج, روسيا/لروسيا);
    words of three letters or less must be equal.
    """
    if a == b:
        return 1.0
    if min(len(a), len(b)) <= 3:
        return 0.0
    ga, gb = _char_grams(a), _char_grams(b)
    return 2 * len(ga & gb) / (len(ga) + len(gb))


#: Labels sites put in front of a headline ("بالصور.."، "عاجل:"): not part of the story.
_MEDIA_MARKERS = frozenset(norm_tokens("بالصور بالفيديو فيديو عاجل شاهد انفوجرافيك انفوغرافيك إنفوغراف بالانفوجراف"))


def content_words(headline: str) -> list[str]:
    """Normalized words of a headline without stop words (negations kept) and leading media labels.

    Example:
        >>> content_words("بالصور.. سيف بن زايد يلتقي في موسكو")
        ['سيف', 'بن', 'زايد', 'يلتقي', 'موسكو']
    """
    words = [t for t in norm_tokens(headline) if t not in _STOP]
    start = 0
    while start < len(words) - 1 and words[start] in _MEDIA_MARKERS:
        start += 1
    return words[start:]


def headline_prefix(headline: str, title: str, min_words: int = 4, word_match: float = 0.6) -> bool:
    """Whether ``headline`` is the start of ``title``, cut short (teaser lists truncate long titles).

    Every content word of the headline must match the title's words in
    order from its first, the last one possibly cut mid-word, and at least
    ``min_words`` must be whole.

    Example:
        >>> headline_prefix("المجموعتان الأفريقية والعربية بمجلس الأمن تؤكدان دعمهما لسيادة سوريا وضرورة ر",
        ...                 "المجموعتان الأفريقية والعربية بمجلس الأمن تؤكدان دعمهما لسيادة سوريا وضرورة رفع العقوبات")
        True
        >>> headline_prefix("سيف بن زايد يلتقي وزير", "سيف بن زايد يلتقي المدعي العام")
        False
    """
    h, t = content_words(headline), content_words(title)
    whole = h[:-1]
    if len(whole) < min_words or len(t) < len(h):
        return False
    if any(_token_match(a, b) < word_match for a, b in zip(whole, t)):
        return False
    last, nxt = h[-1], t[len(h) - 1]
    return _token_match(last, nxt) >= word_match or nxt.startswith(last)


def headline_match(headline: str, target: str, word_match: float = 0.6) -> float:
    """How completely ``target`` reproduces the content words of ``headline``.

    The share of the headline's content words (stop words ignored) found in
    the target, a word counting as found when some target word matches it
    closely (equal, or character-bigram Dice ≥ ``word_match``). A headline
    that names another official, place or number leaves that word unmatched.

    Example:
        >>> headline_match("زعيم كوريا الشمالية يزور موسكو", "زعيم كوريا الشماليه يزور موسكو اليوم")
        1.0
        >>> headline_match("سيف بن زايد يلتقي في موسكو المدعي العام الروسي",
        ...                "سيف بن زايد يلتقي وزير الداخلية الروسي في موسكو") < 0.8
        True
    """
    h, tt = content_words(headline), content_words(target)
    if not h or not tt:
        return 0.0
    found = 0
    words = set(tt)
    for w in h:
        if w in words or any(_token_match(w, v) >= word_match for v in tt):
            found += 1
    return found / len(h)


#: Words that turn a claim around; a headline with one and its partner without is a contradiction.
_NEGATIONS = frozenset(norm_tokens("لا لم لن ليس ليست غير عدم ينفي تنفي نفى نفت يرفض ترفض رفض"))


def _matches(a: Sequence[str], b: Sequence[str], word_match: float = 0.6) -> np.ndarray:
    """``(len(a), len(b))`` boolean matrix: do the two words match (close spelling or one light stem)?"""
    m = np.zeros((len(a), len(b)), dtype=bool)
    stems_b = [light_stem(y) for y in b]
    for i, x in enumerate(a):
        sx = light_stem(x)
        for j, y in enumerate(b):
            m[i, j] = sx == stems_b[j] or _token_match(x, y) >= word_match
    return m


def _align(m: np.ndarray) -> list[tuple[int, int]]:
    """Longest common subsequence of matching words, as ``(i, j)`` index pairs in order."""
    n, k = m.shape
    table = np.zeros((n + 1, k + 1), dtype=np.int64)
    for i in range(n - 1, -1, -1):
        for j in range(k - 1, -1, -1):
            table[i, j] = table[i + 1, j + 1] + 1 if m[i, j] else max(table[i + 1, j], table[i, j + 1])
    out, i, j = [], 0, 0
    while i < n and j < k:
        if m[i, j] and table[i, j] == table[i + 1, j + 1] + 1:
            out.append((i, j))
            i, j = i + 1, j + 1
        elif table[i + 1, j] >= table[i, j + 1]:
            i += 1
        else:
            j += 1
    return out


def _gaps(aligned: list[tuple[int, int]], in_a: np.ndarray, in_b: np.ndarray) -> tuple[int, int]:
    """Substitutions and insertions: gaps between aligned words with unmatched words on both sides, or one."""
    subs = ins = 0
    bounds = [(-1, -1), *sorted(aligned), (len(in_a), len(in_b))]
    for (i0, j0), (i1, j1) in pairwise(bounds):
        gap_a = any(not in_a[i] for i in range(i0 + 1, i1))
        gap_b = any(not in_b[j] for j in range(j0 + 1, j1))
        if gap_a and gap_b:
            subs += 1
        elif gap_a or gap_b:
            ins += 1
    return subs, ins


#: The features of :func:`headline_features`, in order.
FEATURES = ("matched_min", "matched_max", "substitutions", "insertions", "unmatched_min", "unmatched_max",
            "negation_mismatch", "number_mismatch", "aligned", "contained")

#: Logistic weights over :data:`FEATURES` (fitted on ANS ``stance_train``, ``benchmarks/train_headline.py``).
HEADLINE_WEIGHTS = (2.51, 2.47, 0.27, 0.62, 0.38, -0.17, -2.3, -2.06, -2.13, 1.71)
HEADLINE_BIAS = -3.82


def headline_features(h1: str, h2: str) -> np.ndarray:
    """The :data:`FEATURES` of a headline pair (symmetric in the two headlines).

    Example:
        >>> f = dict(zip(FEATURES, headline_features("سيف بن زايد يلتقي في موسكو المدعي العام الروسي",
        ...                                          "سيف بن زايد يلتقي وزير الداخلية الروسي في موسكو")))
        >>> float(f["substitutions"]), float(f["matched_min"])
        (1.0, 0.75)
    """
    a, b = content_words(h1), content_words(h2)
    if not a or not b:
        return np.zeros(len(FEATURES))
    m = _matches(a, b)
    in_a, in_b = m.any(axis=1), m.any(axis=0)
    share_a, share_b = float(in_a.mean()), float(in_b.mean())
    # the alignment is one of several equally long ones, and which one depends
    # on the order of the two: count the gaps both ways and keep the reading
    # with the most substitutions (then the fewest insertions), so the
    # features are symmetric
    aligned = _align(m)
    subs, ins = max(_gaps(aligned, in_a, in_b), _gaps([(j, i) for i, j in _align(m.T)], in_a, in_b),
                    key=lambda g: (g[0], -g[1]))
    un_a, un_b = int((~in_a).sum()), int((~in_b).sum())
    neg = bool(set(a) & _NEGATIONS) != bool(set(b) & _NEGATIONS)
    num_a = {t for t in a if t.isdigit()}
    num_b = {t for t in b if t.isdigit()}
    return np.array([min(share_a, share_b), max(share_a, share_b), subs, ins, min(un_a, un_b), max(un_a, un_b),
                     float(neg), float(bool(num_a and num_b and num_a != num_b)),
                     len(aligned) / max(len(a), len(b)), float(min(un_a, un_b) == 0)])


def same_story_probability(h1: str, h2: str) -> float:
    """Probability that two headlines announce one story (ANS ``agree``), from :func:`headline_features`.

    Example:
        >>> p_other = same_story_probability("سيف بن زايد يلتقي في موسكو المدعي العام الروسي",
        ...                                  "سيف بن زايد يلتقي وزير الداخلية الروسي في موسكو")
        >>> p_same = same_story_probability("بوتين: روسيا مستعدة للتفاوض مع أوكرانيا دون شروط مسبقة",
        ...     "الكرملين: بوتين أبلغ الموفد الأمريكي استعداد روسيا للتفاوض من دون شروط مسبقة")
        >>> p_other < 0.5 < p_same
        True
    """
    return probability(headline_features(h1, h2))


def probability(features: np.ndarray) -> float:
    """The model's probability for one row of :func:`headline_features`.

    Two headlines with the same content words (nothing unmatched on either
    side) are one story outright: ANS has no such pairs to learn that from.
    """
    if features[FEATURES.index("unmatched_max")] == 0 and features[0] > 0:
        return 1.0
    z = float(features @ np.asarray(HEADLINE_WEIGHTS)) + HEADLINE_BIAS
    return 1.0 / (1.0 + math.exp(-z))
