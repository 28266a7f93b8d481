"""Normalized token hashes of many texts at once, without a Python object per token.

:func:`dedup.normalize.tokens` followed by :class:`dedup.shingle.TokenHasher`
costs about a microsecond per token in Python (a string per token, a dict
lookup per token). Here a whole chunk of texts is one ``uint32`` array of
code points:

1. NFKC and lowercasing run on each text as a string (C code, and NFKC only
   when the text is not already normal);
2. every other rule of :mod:`dedup.normalize` maps one character to one or
   none (tatweel, diacritics, alef/Persian/maksura/teh marbuta folds, digits,
   invisible controls), so their composition is one lookup table over all
   code points, applied with one numpy indexing;
3. tokens are the runs of alphanumeric code points (what the ``[^\\W_]+``
   regex of :func:`~dedup.normalize.tokens` finds), and each token's hash is
   a polynomial over its code points, summed per token with ``reduceat``;
4. compound names split in two tokens are joined (``NormalizeConfig.compounds``):
   the few first halves are found by hash, and the joined token is hashed
   from the code points of both halves.

The result is, text by text, exactly ``TokenHasher(seed).hash_tokens(tokens(text, cfg))``
(tested on random text and on the corpora). The rare text whose normalized
form is not yet NFKC-stable (where :func:`~dedup.normalize.normalize` needs
another pass) goes through the string path.
"""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import replace
from typing import Sequence

import numpy as np

from ._arrays import fmix64 as _fmix64
from .normalize import _ABD_FIRST, _ABU_FIRST, DEFAULT_CONFIG, NormalizeConfig, _normalize_once, _second_half, nfkc, tokens

__all__ = ["token_hash", "token_hashes", "hash_texts", "char_table", "alnum_table"]

_MASK = (1 << 64) - 1
#: Multiplier of the polynomial over a token's code points (odd, so invertible mod 2**64).
_POLY = 0x9E3779B97F4A7C15
_LEN_KEY = 0xD6E8FEB86659FD93
_SEED_KEY = 0xA0761D6478BD642F
_DELETE = np.uint32(0xFFFFFFFF)
_N_CODEPOINTS = 0x110000


def _fmix64_int(h: int) -> int:
    h ^= h >> 33
    h = (h * 0xFF51AFD7ED558CCD) & _MASK
    h ^= h >> 33
    h = (h * 0xC4CEB9FE1A85EC53) & _MASK
    return h ^ (h >> 33)


def _seed_mix(seed: int) -> int:
    return _fmix64_int((seed * _SEED_KEY + 1) & _MASK)


def token_hash(token: str, seed: int = 0) -> int:
    """The stable 64-bit hash of one token (the reference for :func:`hash_texts`).

    A polynomial over the token's code points, its length and the seed, then
    the 64-bit finalizer of MurmurHash3.

    Example:
        >>> token_hash("كتب") == token_hash("كتب"), token_hash("كتب") == token_hash("كتب", seed=1)
        (True, False)
    """
    h = 0
    for ch in token:
        h = (h * _POLY + ord(ch)) & _MASK
    return _fmix64_int(h ^ ((len(token) * _LEN_KEY) & _MASK) ^ _seed_mix(seed))


@functools.lru_cache(maxsize=1)
def alnum_table() -> np.ndarray:
    """For every code point, whether it is alphanumeric (``str.isalnum``, what ``[^\\W_]`` matches)."""
    return np.fromiter((chr(c).isalnum() for c in range(_N_CODEPOINTS)), dtype=bool, count=_N_CODEPOINTS)


@functools.lru_cache(maxsize=8)
def char_table(cfg: NormalizeConfig) -> np.ndarray:
    """Where every code point goes under the per-character rules of ``cfg`` (``_DELETE``: removed).

    Built by running the rules themselves over every code point, so the table
    cannot drift from :mod:`dedup.normalize`.

    Raises:
        ValueError: If a rule maps one character to several (it would not be
            a per-character rule).
    """
    per_char = replace(cfg, nfkc=False, lowercase=False)
    table = np.arange(_N_CODEPOINTS, dtype=np.uint32)
    block = 4096
    for lo in range(0, _N_CODEPOINTS, block):
        chars = "".join(map(chr, range(lo, lo + block)))
        if _normalize_once(chars, per_char, for_tokens=True) == chars:
            continue  # no rule touches this block (most of Unicode)
        for c in range(lo, lo + block):
            o = _normalize_once(chr(c), per_char, for_tokens=True)
            if len(o) == 1:
                table[c] = ord(o)
            elif not o:
                table[c] = _DELETE
            else:
                raise ValueError(f"normalization maps U+{c:04X} to {len(o)} characters; expected one or none")
    return table


#: ``_POLY`` is odd, so it has an inverse modulo 2**64.
_POLY_INV = pow(_POLY, -1, 1 << 64)


@functools.lru_cache(maxsize=4)
def _powers(base: int, size: int) -> np.ndarray:
    """``base ** k`` modulo 2**64 for ``k`` in ``0 .. size - 1`` (read-only)."""
    out = np.ones(size, dtype=np.uint64)
    with np.errstate(over="ignore"):
        out[1:] = np.cumprod(np.full(size - 1, base, dtype=np.uint64))
    out.flags.writeable = False
    return out


def _poly_hashes(cp: np.ndarray, starts: np.ndarray, lengths: np.ndarray, seed: int) -> np.ndarray:
    """:func:`token_hash` of the runs ``cp[starts[k] : starts[k] + lengths[k]]`` (all lengths > 0).

    All arithmetic is modulo 2**64 (numpy's ``uint64`` wraps). Horner's
    polynomial of a run ``[s, e)``, the sum of ``c[j] * P**(e - 1 - j)``,
    equals ``P**(e - 1) * (T[e] - T[s])`` with the prefix sums
    ``T[i] = sum(c[j] * Q**j for j < i)`` and ``Q`` the inverse of ``P``: a
    few passes over the characters instead of a dozen arrays as long as them.
    The power tables are cached per size class (at most 32 MB each for the
    4M-character chunks of :func:`hash_texts`).
    """
    if not len(starts):
        return np.empty(0, np.uint64)
    lo = int(starts.min())
    ends = starts + lengths
    span = int(ends.max()) - lo
    size = 1 << max(10, (span - 1).bit_length())  # a few table sizes serve every chunk
    prefix = np.zeros(span + 1, dtype=np.uint64)
    with np.errstate(over="ignore"):
        np.cumsum(cp[lo : lo + span].astype(np.uint64) * _powers(_POLY_INV, size)[:span], out=prefix[1:])
        s, e = starts - lo, ends - lo
        poly = (prefix[e] - prefix[s]) * _powers(_POLY, size)[e - 1]
        return _fmix64(poly ^ (lengths.astype(np.uint64) * np.uint64(_LEN_KEY)) ^ np.uint64(_seed_mix(seed)))


def token_hashes(tokens_: Sequence[str], seed: int = 0) -> np.ndarray:
    """:func:`token_hash` of many tokens at once, as a ``uint64`` array (the tokens as given, not normalized).

    Example:
        >>> token_hashes(["كتب", "", "a"]).tolist() == [token_hash("كتب"), token_hash(""), token_hash("a")]
        True
    """
    lengths = np.fromiter(map(len, tokens_), dtype=np.int64, count=len(tokens_))
    out = np.full(len(lengths), _fmix64_int(_seed_mix(seed)), dtype=np.uint64)  # the empty token
    if lengths.any():
        cp = np.frombuffer("".join(tokens_).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        nonempty = np.flatnonzero(lengths)
        starts = (np.cumsum(lengths) - lengths)[nonempty]
        out[nonempty] = _poly_hashes(cp, starts, lengths[nonempty], seed)
    return out


@functools.lru_cache(maxsize=8)
def _first_half_hashes(seed: int) -> np.ndarray:
    return np.unique(token_hashes(sorted(_ABD_FIRST | _ABU_FIRST), seed))


def _join_compounds(cp: np.ndarray, doc: np.ndarray, starts: np.ndarray, stops: np.ndarray,
                    hashes: np.ndarray, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """:func:`dedup.normalize.join_compounds` on token spans: ``(hashes, starts)`` after joining.

    The first halves are found by hash (a superset: a hash collision is then
    rejected by comparing the text), the second half is read from the code
    points, and a joined token is hashed from its two halves' code points, as
    the string path hashes the joined string.
    """
    same_doc = doc[starts[:-1]] == doc[starts[1:]]
    cand = np.flatnonzero(np.isin(hashes[:-1], _first_half_hashes(seed)) & same_doc)
    if not len(cand):
        return hashes, starts

    def text(k: int) -> str:
        return cp[starts[k] : stops[k]].tobytes().decode("utf-32-le", "surrogatepass")

    join = np.array([k for k in cand.tolist() if _second_half(text(k), text(k + 1))], dtype=np.int64)
    if not len(join):
        return hashes, starts
    # the two halves' code points laid end to end, one joined token after another
    first_len, second_len = stops[join] - starts[join], stops[join + 1] - starts[join + 1]
    spans = np.column_stack([starts[join], starts[join + 1]]).ravel()
    span_len = np.column_stack([first_len, second_len]).ravel()
    owner = np.repeat(np.arange(len(spans)), span_len)
    pos = np.arange(int(span_len.sum())) - np.repeat(np.cumsum(span_len) - span_len, span_len)
    joined_cp = cp[spans[owner] + pos]
    lengths = first_len + second_len
    hashes = hashes.copy()
    hashes[join] = _poly_hashes(joined_cp, np.cumsum(lengths) - lengths, lengths, seed)
    keep = np.ones(len(starts), dtype=bool)
    keep[join + 1] = False
    return hashes[keep], starts[keep]


def _prepare(text: str, cfg: NormalizeConfig) -> str:
    if cfg.nfkc:
        text = nfkc(text)
    if cfg.lowercase:
        text = text.lower()
    return text


def hash_texts(texts: Sequence[str], cfg: NormalizeConfig = DEFAULT_CONFIG, seed: int = 0,
               chunk_chars: int = 4_000_000) -> tuple[np.ndarray, np.ndarray]:
    """Token hashes of many texts: ``(hashes, sizes)``.

    ``hashes`` is a ``uint64`` array of every text's token hashes laid end to
    end, ``sizes`` the number of tokens of each text. Text by text equal to
    ``TokenHasher(seed).hash_tokens(tokens(text, cfg))``.

    Example:
        >>> from dedup.shingle import TokenHasher
        >>> h, sizes = hash_texts(["كَتَبَ الوَلَدُ", "", "ﻻ بأس"])
        >>> sizes.tolist()
        [2, 0, 2]
        >>> bool((h[:2] == TokenHasher().hash_tokens(["كتب", "الولد"])).all())
        True
    """
    parts_h, parts_n = [], []
    start = 0
    while start < len(texts):
        end, chars = start, 0
        while end < len(texts) and (end == start or chars + len(texts[end] or "") <= chunk_chars):
            chars += len(texts[end] or "")
            end += 1
        h, n = _hash_chunk(texts[start:end], cfg, seed)
        parts_h.append(h)
        parts_n.append(n)
        start = end
    if not parts_h:
        return np.empty(0, np.uint64), np.empty(0, np.int64)
    return np.concatenate(parts_h), np.concatenate(parts_n)


def _hash_chunk(texts: Sequence[str], cfg: NormalizeConfig, seed: int) -> tuple[np.ndarray, np.ndarray]:
    n_docs = len(texts)
    pre = [_prepare(t, cfg) if t else "" for t in texts]
    lengths = np.fromiter(map(len, pre), dtype=np.int64, count=n_docs)
    cp = np.frombuffer("".join(pre).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    doc = np.repeat(np.arange(n_docs, dtype=np.int64), lengths)
    mapped = char_table(cfg)[cp]
    keep = mapped != _DELETE
    mapped, doc = mapped[keep], doc[keep]

    fallback: list[int] = []
    if cfg.nfkc and len(mapped):
        # a text whose normalized form is not NFKC-stable needs another pass
        # (normalize's loop): leave it to the string path
        counts = np.bincount(doc, minlength=n_docs)
        joined = mapped.tobytes().decode("utf-32-le", "surrogatepass")
        bounds = np.zeros(n_docs + 1, dtype=np.int64)
        np.cumsum(counts, out=bounds[1:])
        b = bounds.tolist()
        fallback = [i for i in range(n_docs) if counts[i] and not unicodedata.is_normalized("NFKC", joined[b[i]:b[i + 1]])]

    word = alnum_table()[mapped]
    first = np.ones(len(mapped), dtype=bool)
    first[1:] = ~word[:-1] | (doc[1:] != doc[:-1])
    starts = np.flatnonzero(word & first)  # first character of every token
    # tokens are maximal runs of word characters: each ends at the next non-word
    # character or document boundary
    stops = np.flatnonzero(word & np.r_[~word[1:] | (doc[1:] != doc[:-1]), True]) + 1
    hashes = _poly_hashes(mapped, starts, stops - starts, seed)
    if cfg.compounds and len(starts) > 1:
        hashes, starts = _join_compounds(mapped, doc, starts, stops, hashes, seed)
    sizes = np.bincount(doc[starts], minlength=n_docs).astype(np.int64)

    if fallback:
        from .shingle import TokenHasher

        hasher = TokenHasher(seed)
        per_doc = np.split(hashes, np.cumsum(sizes)[:-1])
        for i in fallback:
            per_doc[i] = hasher.hash_tokens(tokens(texts[i], cfg))
            sizes[i] = len(per_doc[i])
        hashes = np.concatenate(per_doc) if per_doc else hashes
    return hashes.astype(np.uint64, copy=False), sizes
