"""Benchmarks users run and compare: speed, memory and quality against ground truth.

``dedup bench run`` runs a suite of cases and writes one results file (JSON);
``dedup bench compare`` puts several results files side by side; ``dedup bench
report`` turns results files into the Markdown tables of ``benchmarks/RESULTS.md``.

Every case runs in a fresh subprocess (``python -m dedup.bench _case NAME``),
so its peak memory is its own: the child reports its peak RSS (``ru_maxrss``)
and a sampled peak of its whole process tree (the engine's tokenizer workers
included, psutil every 50 ms). The parent watches the tree too and stops a case
that goes past ``--max-rss-gb`` or ``--timeout``: that case is recorded as
``aborted`` with the reason, never dropped.

Suites:

* ``quick`` (seconds, runs in CI): a synthetic Arabic corpus with planted
  duplicates generated here from sentences written in this module (no shared
  data), the LSH recall check on it, and the seed pages when present.
* ``full`` (minutes, never in CI): the real corpora: labelled dev pairs, LSH
  recall against exact Jaccard, seeds, speed, scale (250k and 1M articles
  generated from real sentences), and peers (datasketch, TF-IDF, text-dedup).

A case whose data is missing is reported as ``skipped`` with the reason.
Results carry the project version and commit, the settings, the machine and
the date, so ``compare`` can tell when timings are not comparable.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gzip
import json
import math
import os
import platform
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

import click
import numpy as np

from . import __version__
from .progress import progress_enabled, track

__all__ = [
    "RESULTS_SCHEMA_VERSION", "CASES", "SUITES", "Case", "CaseContext", "bench",
    "run_suite", "compare_results", "markdown_report", "prf", "score_labels", "planted_scores",
    "synthetic_corpus", "generate_scale_corpus", "lsh_recall", "candidate_recall", "machine_info", "default_data_dir",
]

RESULTS_SCHEMA_VERSION = 1
SNN = "saudinewsnet.jsonl.gz"
ANT = "ant.jsonl.gz"
DEV_PAIRS = "labels/dev_pairs.jsonl"
#: A quality figure that drops by more than this is flagged ``!`` by compare.
QUALITY_DROP = 0.005
#: A timing or memory figure that grows by more than this ratio is flagged ``*``.
COST_GROWTH = 1.2


# --------------------------------------------------------------------------- paths and metadata


def repo_root() -> Path:
    """The directory that holds the ``dedup`` package (the repository in a checkout)."""
    return Path(__file__).resolve().parents[1]


def default_data_dir() -> Path | None:
    """``../shared/data`` relative to the repository root, or the working directory; None when absent.

    Example:
        >>> p = default_data_dir()
        >>> p is None or p.name == "data"
        True
    """
    for base in (repo_root(), Path.cwd()):
        p = (base / ".." / "shared" / "data").resolve()
        if p.is_dir():
            return p
    return None


def git_commit(root: Path | None = None) -> str | None:
    """``git rev-parse HEAD`` of the repository, or None (no git, not a checkout)."""
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], cwd=str(root or repo_root()), capture_output=True,
                             text=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    sha = out.stdout.strip()
    return sha if out.returncode == 0 and re.fullmatch(r"[0-9a-f]{40}", sha) else None


def source_digest() -> str:
    """SHA-256 (first 16 hex digits) of the ``dedup`` package's source files: the code a result measured.

    The commit alone does not say it when the working tree has edits. The
    benchmark harness itself (this module) is left out.
    """
    import hashlib

    h = hashlib.sha256()
    pkg = Path(__file__).resolve().parent
    for f in sorted(pkg.glob("*.py")):
        if f.name == "bench.py":
            continue
        h.update(f.name.encode())
        h.update(f.read_bytes())
    return h.hexdigest()[:16]


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.lower().startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine_info() -> dict:
    """The machine a result was measured on: cores, memory, CPU, Python, platform.

    Example:
        >>> sorted(machine_info())[:3]
        ['cores_logical', 'cores_physical', 'cpu']
    """
    import psutil

    return {
        "cpu": _cpu_model(),
        "cores_logical": os.cpu_count(),
        "cores_physical": psutil.cpu_count(logical=False),
        "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "hostname": platform.node(),
    }


#: Fields of ``machine`` that must match for timings to be comparable.
MACHINE_KEYS = ("cpu", "cores_logical", "memory_gb", "platform", "hostname")


def json_bytes(paths: Iterable[Path]) -> int:
    """Bytes of JSON the inputs hold (gzip files are measured uncompressed)."""
    total = 0
    for p in paths:
        p = Path(p)
        if p.suffix == ".gz":
            with gzip.open(p, "rb") as fh:
                while chunk := fh.read(1 << 22):
                    total += len(chunk)
        else:
            total += p.stat().st_size
    return total


# --------------------------------------------------------------------------- scoring


def prf(tp: int, fp: int, fn: int) -> dict:
    """Precision, recall and F1 from counts (0 where undefined), rounded to 4 places.

    Example:
        >>> prf(9, 1, 1)["f1"]
        0.9
    """
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4), "tp": tp, "fp": fp, "fn": fn}


#: Protocol -> (positive labels, negative labels). Labels outside both are excluded.
PROTOCOLS = {
    # issue 3: contained pairs excluded from the dup score...
    "dup": ({"dup"}, {"related", "unrelated"}),
    # ...and the strict variant counts them as negatives
    "dup_strict": ({"dup"}, {"contained", "related", "unrelated"}),
    "dup_contained": ({"dup", "contained"}, {"related", "unrelated"}),
    # issue 4
    "same_story": ({"dup", "contained", "related"}, {"unrelated"}),
}


def load_labels(path: Path) -> list[dict]:
    """The labelled pairs of a JSON Lines file (``a``, ``b``, ``label``, ``confidence``)."""
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def score_labels(labels: Sequence[dict], predict: dict[str, Callable[[str, str], bool]],
                 known: Callable[[str], bool]) -> dict:
    """Score predictors on labelled pairs under every protocol, all pairs and high confidence only.

    Args:
        labels: Pairs with ``a``, ``b``, ``label``, ``confidence``.
        predict: Protocol name -> predicate ``(a, b) -> same?``. ``dup`` is
            used for every ``dup*`` protocol; ``same_story`` only if given.
        known: Whether an id is in the corpus (pairs with unknown ids are
            counted as ``missing`` and left out).

    Returns:
        ``{protocol: {"all": prf, "high": prf}, "missing": n, "errors": [...]}``.

    Example:
        >>> labs = [{"pair": "p1", "a": "x", "b": "y", "label": "dup", "confidence": "high"}]
        >>> score_labels(labs, {"dup": lambda a, b: True}, lambda i: True)["dup"]["all"]["f1"]
        1.0
    """
    out: dict[str, Any] = {}
    present = [p for p in labels if known(p["a"]) and known(p["b"])]
    out["pairs"] = len(labels)
    out["missing"] = len(labels) - len(present)
    errors = []
    for proto, (pos, neg) in PROTOCOLS.items():
        fn_pred = predict.get("same_story" if proto == "same_story" else "dup")
        if fn_pred is None:
            continue
        res = {}
        for subset in ("all", "high"):
            tp = fp = fn = 0
            for p in present:
                if subset == "high" and p.get("confidence") != "high":
                    continue
                lab = p["label"]
                if lab not in pos and lab not in neg:
                    continue
                said = bool(fn_pred(p["a"], p["b"]))
                truth = lab in pos
                if said and truth:
                    tp += 1
                elif said:
                    fp += 1
                elif truth:
                    fn += 1
                if subset == "all" and said != truth and proto in ("dup", "same_story"):
                    errors.append({"protocol": proto, "pair": p.get("pair"), "label": lab,
                                   "confidence": p.get("confidence"), "predicted": said})
            res[subset] = prf(tp, fp, fn)
        out[proto] = res
    out["errors"] = errors
    return out


def planted_scores(truth: np.ndarray, cluster_of: np.ndarray, kinds: np.ndarray | None = None,
                   kind_names: Sequence[str] = ()) -> dict:
    """Pair-counting precision/recall/F1 of predicted clusters against planted groups.

    Args:
        truth: Planted group of every record.
        cluster_of: Predicted cluster of every record, -1 for none.
        kinds: Optional copy kind of every record (0 = the group's original).
        kind_names: Names of the kinds, by code.

    Returns:
        ``{"planted": prf, "by_kind": {name: share of copies in their original's cluster}}``.

    Example:
        >>> planted_scores(np.array([0, 0, 1]), np.array([0, 0, -1]))["planted"]["f1"]
        1.0
    """
    truth = np.asarray(truth, dtype=np.int64)
    pred = np.asarray(cluster_of, dtype=np.int64).copy()
    n = len(truth)
    lone = pred < 0
    pred[lone] = -1 - np.arange(n)[lone]

    def pairs(keys: np.ndarray) -> int:
        _, c = np.unique(keys, return_counts=True)
        return int((c * (c - 1) // 2).sum())

    t_pairs = pairs(truth)
    p_pairs = pairs(pred)
    both = np.unique(np.stack([truth, pred], axis=1), axis=0, return_counts=True)[1] if n else np.array([])
    tp = int((both * (both - 1) // 2).sum())
    out = {"planted": prf(tp, p_pairs - tp, t_pairs - tp), "true_pairs": t_pairs, "predicted_pairs": p_pairs}
    if kinds is not None:
        kinds = np.asarray(kinds)
        orig_of = {}
        for i in np.flatnonzero(kinds == 0):
            orig_of[int(truth[i])] = int(i)
        by_kind = {}
        for k in sorted(set(kinds.tolist()) - {0}):
            idx = np.flatnonzero(kinds == k)
            hit = sum(1 for i in idx if pred[i] == pred[orig_of.get(int(truth[i]), i)] and orig_of.get(int(truth[i])) is not None)
            name = kind_names[k] if k < len(kind_names) else str(k)
            by_kind[name] = {"copies": int(len(idx)), "found": hit, "recall": round(hit / len(idx), 4) if len(idx) else 0.0}
        out["by_kind"] = by_kind
        # originals of groups of one must stay alone: how many were put in a cluster
        sizes = np.bincount(truth - truth.min()) if n else np.array([])
        single = np.flatnonzero(sizes[truth - truth.min()] == 1) if n else np.array([], int)
        out["singletons"] = int(len(single))
        out["singletons_clustered"] = int((cluster_of[single] >= 0).sum()) if len(single) else 0
    return out


# --------------------------------------------------------------------------- text edits shared by the generators

_DIACRITICS = "\u064e\u064f\u0650\u0651\u0652"


def spelling_variant(word: str, rng: random.Random) -> str:
    """One orthographic variant of an Arabic word, of the kinds scraped news shows.

    Alef maksura for final ya, heh for teh marbuta, bare alef for hamzated
    alef, Persian ya and kaf, tatweel, diacritics.

    Example:
        >>> spelling_variant("الكوري", random.Random(0)) in {"الكورى", "الكوری", "الکوري", "الكوري", "الكـوري"} or True
        True
    """
    choices = []
    if word.endswith("ي"):
        choices.append(lambda w: w[:-1] + "ى")
    if word.endswith("ة"):
        choices.append(lambda w: w[:-1] + "ه")
    if any(c in word for c in "أإآ"):
        choices.append(lambda w: w.replace("أ", "ا").replace("إ", "ا").replace("آ", "ا"))
    if "ي" in word:
        choices.append(lambda w: w.replace("ي", "ی"))
    if "ك" in word:
        choices.append(lambda w: w.replace("ك", "ک"))
    if len(word) >= 4:
        choices.append(lambda w: w[:2] + "\u0640" + w[2:])
        choices.append(lambda w: w[0] + rng.choice(_DIACRITICS) + w[1:])
    if not choices:
        return word
    return rng.choice(choices)(word)


def respell(text: str, rng: random.Random, share: float = 0.3) -> str:
    """``text`` with about ``share`` of its words respelled (:func:`spelling_variant`)."""
    return " ".join(spelling_variant(w, rng) if rng.random() < share else w for w in text.split(" "))


# --------------------------------------------------------------------------- synthetic corpus (quick suite)

# Sentences written for this benchmark: news-style templates whose slots
# ({p} person, {c} city, {o} body, {n} number, {d} day) make each story's
# text its own. Filler sentences are drawn from _WORDS.
_TEMPLATES = (
    "أعلن {p} في {c} يوم {d} عن إطلاق مشروع جديد بقيمة {n} مليون ريال لدعم {o}",
    "وقال {p} إن {o} ستبدأ تنفيذ المرحلة الأولى في {c} خلال {n} يوما",
    "وأوضح المتحدث باسم {o} أن {n} شخصا استفادوا من البرنامج في {c} حتى {d}",
    "وأكد {p} خلال لقائه وفدا من {o} في {c} أهمية تعزيز التعاون بين الجانبين",
    "وشهدت {c} يوم {d} افتتاح {n} مدرسة جديدة بحضور {p} وممثلين عن {o}",
    "وأشار تقرير صادر عن {o} إلى ارتفاع عدد الزوار في {c} بنسبة {n} في المئة",
    "وبحث {p} مع مسؤولي {o} في {c} سبل تطوير الخدمات المقدمة للمواطنين",
    "ومن المتوقع أن يصل عدد المشاركين في ملتقى {c} إلى {n} مشارك بحسب {o}",
    "وأضاف {p} أن {o} خصصت {n} مليون ريال لصيانة الطرق في {c} هذا العام",
    "وذكرت {o} في بيان يوم {d} أن فرقها تعاملت مع {n} بلاغا في {c}",
    "ووقع {p} في {c} اتفاقية مع {o} لتشغيل {n} حافلة للنقل العام",
    "ودعا {p} سكان {c} إلى الالتزام بتعليمات {o} خلال موجة الحر المتوقعة يوم {d}",
    "وتستمر فعاليات مهرجان {c} حتى {d} بمشاركة {n} فرقة شعبية وتنظيم {o}",
    "وأفاد {p} بأن {o} سجلت {n} حالة جديدة في {c} خلال الأسبوع الماضي",
    "وافتتح {p} معرض {c} للكتاب بمشاركة {n} دار نشر تحت إشراف {o}",
    "وكشفت {o} عن خطة لزراعة {n} ألف شجرة في شوارع {c} بمتابعة {p}",
    "وأعلنت {o} نتائج المسابقة يوم {d} في {c} وفاز بها {n} طالبا بحضور {p}",
    "وتفقد {p} سير العمل في مستشفى {c} الذي يضم {n} سرير ويتبع {o}",
    "وأكدت {o} أن أسعار المواد الغذائية في {c} ارتفعت {n} في المئة منذ {d}",
    "واستقبل {p} في مكتبه بمدينة {c} وفد {o} المكون من {n} أعضاء",
)
_PEOPLE = ("الأمير فيصل بن خالد", "وزير الصحة", "أمين المنطقة", "محافظ المدينة", "رئيس الهيئة", "مدير التعليم",
           "وزير النقل", "رئيس الغرفة التجارية", "المتحدث الرسمي", "وكيل الوزارة", "مدير الشرطة",
           "رئيس البلدية", "وزير الإسكان", "مدير الجامعة", "رئيس مجلس الإدارة", "المدير التنفيذي")
_CITIES = ("الرياض", "جدة", "مكة المكرمة", "المدينة المنورة", "الدمام", "أبها", "تبوك", "حائل", "جازان", "نجران",
           "الطائف", "بريدة", "الخبر", "ينبع", "الأحساء", "القطيف", "عرعر", "سكاكا", "الباحة", "القريات")
_ORGS = ("وزارة الصحة", "هيئة السياحة", "أمانة المنطقة", "الهيئة العامة للإحصاء", "الدفاع المدني", "وزارة التعليم",
         "الغرفة التجارية", "هيئة الهلال الأحمر", "جمعية البر", "وزارة الشؤون البلدية", "هيئة الغذاء والدواء",
         "وزارة الزراعة", "هيئة الطيران المدني", "جامعة الملك سعود", "الشركة الوطنية للمياه")
_DAYS = ("السبت", "الأحد", "الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة")
_WORDS = tuple("""الحكومة المواطنين المشروع التنمية الاقتصاد الخدمات المنطقة التعليم الصحة المياه الكهرباء الطرق
الإسكان الشباب المرأة الأسرة الأطفال الطلاب المعلمين الأطباء المرضى المستشفيات المدارس الجامعات البحث
العلمي الثقافة الرياضة السياحة الزراعة الصناعة التجارة الاستثمار الشركات البنوك الأسواق الأسعار النفط
الغاز الطاقة البيئة المناخ الأمطار السيول الحرارة الصيف الشتاء المواسم الحج العمرة الزوار المعرض المؤتمر
الندوة الورشة البرنامج الخطة الرؤية الأهداف النتائج الأرقام الإحصاءات التقرير البيان القرار النظام
اللائحة القانون المحكمة القضية الشرطة الأمن الحادث المرور السيارات الحافلات القطار المطار الرحلات
الموانئ السفن الشحن التصدير الاستيراد الميزانية الإيرادات المصروفات الدعم القروض الرواتب الوظائف
البطالة التدريب المهارات التقنية الإنترنت التطبيقات البيانات الأنظمة الحماية الخصوصية الإعلام الصحف
القنوات البرامج المسلسلات الأفلام الكتب المكتبات المتاحف التراث الآثار الفنون المسرح الموسيقى الشعر
الجوائز المسابقات البطولة المباراة الفريق المدرب اللاعبين الجمهور الملعب الموسم الدوري الكأس النادي
الإدارة العضوية الجمعية التطوع الخيرية المساعدات الإغاثة اللاجئين الحدود الجوار العلاقات الزيارة
الوفد الاتفاقية المذكرة الشراكة التعاون الحوار المفاوضات السلام الاستقرار التحديات الفرص المستقبل""".split())
#: Copy kinds planted in generated corpora (0 is the original).
COPY_KINDS = ("original", "exact", "retitled", "trimmed", "respelled", "edited", "chrome", "lead_only")


def _sentence(rng: random.Random, slots: dict) -> str:
    if rng.random() < 0.3:
        return " ".join(rng.choice(_WORDS) for _ in range(rng.randint(8, 16)))
    return rng.choice(_TEMPLATES).format(**slots, n=rng.randint(2, 9999))


def _make_copy(kind: int, title: str, sents: list[str], rng: random.Random, *, titles: Sequence[str],
               chrome: str, words: Sequence[str]) -> tuple[str, list[str]]:
    """A planted copy of one article: new title and sentences, per copy kind."""
    sents = list(sents)
    name = COPY_KINDS[kind]
    if name == "retitled":
        title = rng.choice(titles)
        sents = [f"{rng.choice(_CITIES)} - {rng.choice(('واس', 'الوطن', 'عكاظ', 'سبق'))}"] + sents
    elif name == "trimmed":
        cut = 1 if len(sents) < 7 else rng.randint(1, 2)
        sents = sents[:-cut] if rng.random() < 0.7 else sents[cut:]
    elif name == "respelled":
        sents = [respell(s, rng) for s in sents]
    elif name == "edited":
        out = []
        for s in sents:
            ws = s.split(" ")
            for _ in range(max(1, len(ws) // 20)):
                ws[rng.randrange(len(ws))] = rng.choice(words)
            out.append(" ".join(ws))
        out.insert(rng.randrange(len(out) + 1), " ".join(rng.choice(words) for _ in range(12)))
        sents = out
    elif name == "chrome":
        sents = sents + [chrome]
    elif name == "lead_only":
        sents = sents[: max(2, (len(sents) + 1) // 2)]
    return title, sents


def _plant(n: int, rng: random.Random, make_original: Callable[[int], tuple[str, list[str]]], *,
           titles: Sequence[str], sources: Sequence[str], chromes: dict[str, str], words: Sequence[str],
           dup_share: float, start: datetime, span_days: float, prefix: str) -> Iterable[tuple[dict, int, int]]:
    """Yield ``(record, group, kind)`` for ``n`` records: originals and planted copies."""
    made = 0
    group = 0
    kinds_w = [0, 10, 25, 20, 20, 15, 5, 5]  # weights of COPY_KINDS (0 unused for copies)
    while made < n:
        title, sents = make_original(group)
        src = rng.choice(sources)
        when = start + timedelta(seconds=rng.random() * span_days * 86400)
        n_copies = 0
        if rng.random() < dup_share:
            n_copies = min(1 + int(rng.expovariate(1.0)), 5)
        items = [(0, title, sents, src, when)]
        for _ in range(n_copies):
            k = rng.choices(range(1, len(COPY_KINDS)), weights=kinds_w[1:])[0]
            csrc = rng.choice([s for s in sources if s != src] or list(sources))
            ct, cs = _make_copy(k, title, sents, rng, titles=titles, chrome=chromes.get(csrc, "") or f"جميع الحقوق محفوظة {csrc}",
                                words=words)
            items.append((k, ct, cs, csrc, when + timedelta(hours=rng.random() * 36)))
        for k, t, s, src_, w in items:
            if made >= n:
                break
            body = "\n".join(s)
            if chromes.get(src_) and COPY_KINDS[k] != "chrome":
                body += "\n" + chromes[src_]
            yield ({"id": f"{prefix}{made:07d}", "title": t, "text": body, "source": src_,
                    "url": f"https://{src_}.example/{made}", "published": w.strftime("%Y-%m-%d %H:%M:%S")}, group, k)
            made += 1
        group += 1


def synthetic_corpus(n: int = 2000, seed: int = 7, dup_share: float = 0.3) -> tuple[list[dict], np.ndarray, np.ndarray]:
    """A synthetic Arabic news corpus with planted duplicates, from sentences written in this module.

    Each story draws a person, a city and a body and writes 6 to 12 sentences
    from templates and filler; 30% of stories get 1 to 5 copies of the kinds
    in :data:`COPY_KINDS` (exact, retitled, trimmed, respelled, lightly
    edited, with another site's chrome, lead only). Half the sources add a
    sign-off to every article (boilerplate).

    Returns:
        ``(records, group, kind)``: JSON-ready records, each one's planted
        group and copy kind.

    Example:
        >>> recs, group, kind = synthetic_corpus(50)
        >>> len(recs), int(kind[0])
        (50, 0)
    """
    rng = random.Random(seed)
    sources = tuple(f"site{i:02d}" for i in range(12))
    chromes = {s: f"جميع الحقوق محفوظة لموقع {s} تابعونا على تويتر وفيسبوك للاطلاع على آخر الأخبار العاجلة والتقارير"
               for s in sources[::2]}

    def original(_g: int) -> tuple[str, list[str]]:
        slots = {"p": rng.choice(_PEOPLE), "c": rng.choice(_CITIES), "o": rng.choice(_ORGS), "d": rng.choice(_DAYS)}
        sents = [_sentence(rng, slots) for _ in range(rng.randint(6, 12))]
        title = f"{slots['p']} يعلن {rng.choice(_WORDS)} {rng.choice(_WORDS)} في {slots['c']}"
        return title, sents

    titles = [f"{rng.choice(_PEOPLE)}: {rng.choice(_WORDS)} {rng.choice(_WORDS)} {rng.choice(_CITIES)}" for _ in range(200)]
    recs, groups, kinds = [], [], []
    for rec, g, k in _plant(n, rng, original, titles=titles, sources=sources, chromes=chromes, words=_WORDS,
                            dup_share=dup_share, start=datetime(2024, 1, 1), span_days=60, prefix="syn-"):
        recs.append(rec)
        groups.append(g)
        kinds.append(k)
    return recs, np.array(groups, dtype=np.int64), np.array(kinds, dtype=np.int8)


def write_jsonl(records: Iterable[dict], path: Path, compresslevel: int = 1) -> int:
    """Write records as JSON Lines (gzip when the name ends in .gz); return the JSON bytes written."""
    total = 0
    opener = (lambda: gzip.open(path, "wt", encoding="utf-8", compresslevel=compresslevel)) if str(path).endswith(".gz") \
        else (lambda: open(path, "w", encoding="utf-8"))
    with opener() as fh:
        for r in records:
            line = json.dumps(r, ensure_ascii=False) + "\n"
            total += len(line.encode("utf-8"))
            fh.write(line)
    return total


# --------------------------------------------------------------------------- scale corpus (from the real ones)

_SENT_SPLIT = re.compile(r"\n+|(?<=[.!؟?])\s+")


def sentence_pool(paths: Sequence[Path], min_words: int = 6, max_words: int = 80) -> tuple[list[str], list[str]]:
    """Distinct sentences and titles of real corpora (JSON Lines, gzip or not).

    Sentences are split on line breaks and sentence-ending punctuation and kept
    once each (exact repeats of syndicated text dropped), so that generated
    originals share no more text than chance.
    """
    seen: set[str] = set()
    sents: list[str] = []
    titles: list[str] = []
    for p in paths:
        opener = gzip.open if str(p).endswith(".gz") else open
        with opener(p, "rt", encoding="utf-8") as fh:
            for line in fh:
                try:
                    d = json.loads(line)
                except ValueError:
                    continue
                t = (d.get("title") or "").strip()
                if t:
                    titles.append(t)
                for s in _SENT_SPLIT.split(d.get("text") or ""):
                    s = " ".join(s.split())
                    nw = s.count(" ") + 1
                    if min_words <= nw <= max_words and s not in seen:
                        seen.add(s)
                        sents.append(s)
    return sents, titles


def generate_scale_corpus(sources_paths: Sequence[Path], n: int, out: Path, seed: int = 11,
                          progress: bool = False) -> dict:
    """Generate ``n`` articles from real sentences, with planted duplicates, to ``out`` (.jsonl.gz).

    Originals are 4 to 14 real sentences drawn without replacement from a
    shuffled pool of the real corpora's distinct sentences (reshuffled when
    used up), under a real title; 30% of them get 1 to 5 copies (retitled with
    a dateline, trimmed, respelled, lightly edited, with another site's chrome,
    lead only, or exact). 40 sources; half of them end every article with their
    own sign-off (boilerplate). The ground truth goes beside ``out``:
    ``.truth.npy`` (group per record) and ``.kinds.npy`` (copy kind, see
    :data:`COPY_KINDS`).

    Returns:
        Metadata: records, groups, bytes of JSON, pool sizes, seconds.
    """
    t0 = time.perf_counter()
    rng = random.Random(seed)
    sents, titles = sentence_pool(sources_paths)
    order = list(range(len(sents)))
    rng.shuffle(order)
    pos = [0]
    sources = tuple(f"outlet{i:02d}" for i in range(40))
    chromes = {s: f"جميع الحقوق محفوظة © {s} {rng.randint(2015, 2024)} - لمتابعة آخر الأخبار حمّل تطبيق {s} واشترك في النشرة البريدية"
               for s in sources[::2]}
    words = [w for s in sents[:20000] for w in s.split(" ")][:200000]

    def original(_g: int) -> tuple[str, list[str]]:
        k = rng.randint(4, 14)
        if pos[0] + k > len(order):
            rng.shuffle(order)
            pos[0] = 0
        picked = [sents[i] for i in order[pos[0] : pos[0] + k]]
        pos[0] += k
        return rng.choice(titles), picked

    groups = np.empty(n, dtype=np.int64)
    kinds = np.empty(n, dtype=np.int8)

    def records():
        it = _plant(n, rng, original, titles=titles, sources=sources, chromes=chromes, words=words,
                    dup_share=0.3, start=datetime(2020, 1, 1), span_days=365, prefix=f"s{n}-")
        for i, (rec, g, k) in enumerate(track(it, desc=f"generate {n:,}", total=n, enabled=progress, unit="art")):
            groups[i] = g
            kinds[i] = k
            yield rec

    nbytes = write_jsonl(records(), out)
    np.save(str(out) + ".truth.npy", groups)
    np.save(str(out) + ".kinds.npy", kinds)
    meta = {"records": n, "groups": int(groups.max()) + 1, "json_bytes": nbytes, "pool_sentences": len(sents),
            "pool_titles": len(titles), "seconds": round(time.perf_counter() - t0, 1),
            "seed": seed}
    with open(str(out) + ".meta.json", "w", encoding="utf-8") as fh:
        json.dump(meta, fh)
    return meta


# --------------------------------------------------------------------------- shared pieces of cases


def _fit_report(paths: Sequence[str], cfg=None, progress: bool = False, related: bool = True) -> dict:
    """The library path of ``dedup report``: read, fit, related sections, build the report; timed by phase."""
    from .engine import Deduplicator
    from .io import read_inputs
    from .report import build_report

    t0 = time.perf_counter()
    read = read_inputs(list(paths), progress=progress)
    t1 = time.perf_counter()
    dd = Deduplicator(cfg, progress=progress).fit(read.records)
    t2 = time.perf_counter()
    extra, rel_status = ({}, "not requested")
    if related:
        extra, rel_status = _related_sections(dd, read)
    t3 = time.perf_counter()
    rep = build_report(read, dd, extra or None)
    t4 = time.perf_counter()
    return {"read": read, "dd": dd, "report": rep, "related_status": rel_status,
            "phases": {"read_s": round(t1 - t0, 3), "fit_s": round(t2 - t1, 3), "related_s": round(t3 - t2, 3),
                       "report_s": round(t4 - t3, 3)},
            "wall_s": t4 - t0}


def _related_sections(dd, read) -> tuple[dict, str]:
    """The related-article sections ``dedup report`` adds, when the related stage exists.

    Tries ``dedup.cli.related_sections(dd, read)`` (what ``dedup report``
    calls), then ``dedup.related.related_sections(dd)``. Returns the sections
    and how they were obtained (or why not); a failure there is recorded, not
    raised: the related stage is measured, not required.
    """
    import importlib
    import inspect

    notes = []
    for mod in ("dedup.cli", "dedup.related"):
        try:
            fn = getattr(importlib.import_module(mod), "related_sections", None)
        except Exception as exc:  # an engineer's module mid-edit must not kill the benchmark
            notes.append(f"{mod} failed to import: {type(exc).__name__}: {exc}")
            continue
        if fn is None:
            continue
        params = list(inspect.signature(fn).parameters)
        takes_read = len(params) >= 2 and params[1] in ("result", "read", "read_result")
        try:
            out = (fn(dd, read) if takes_read else fn(dd)) or {}
        except Exception as exc:
            notes.append(f"{mod}.related_sections raised {type(exc).__name__}: {exc}")
            continue
        if "stories" in out or "related" in out:
            return out, f"{mod}.related_sections"
        notes.append(f"{mod}.related_sections returned no stories/related sections")
    return {}, "; ".join(notes) or "no related_sections function"


def _story_predictor(rep: dict, same_cluster: Callable[[str, str], bool]) -> Callable[[str, str], bool] | None:
    """Same story = same duplicate cluster, same story cluster, or a listed related pair (issue 4)."""
    if "stories" not in rep and "related" not in rep:
        return None
    story_of: dict[str, str] = {}
    for s in rep.get("stories") or []:
        for m in s.get("members", []):
            story_of[m["id"] if isinstance(m, dict) else str(m)] = s.get("id")
    related = {frozenset((r["a"], r["b"])) for r in rep.get("related") or []}

    def pred(a: str, b: str) -> bool:
        if same_cluster(a, b):
            return True
        sa = story_of.get(a)
        if sa is not None and sa == story_of.get(b):
            return True
        return frozenset((a, b)) in related

    return pred


def _cluster_predictor(ids: Sequence[str], cluster_of: np.ndarray) -> tuple[Callable[[str, str], bool], Callable[[str], bool]]:
    index = {i: k for k, i in enumerate(ids)}

    def same(a: str, b: str) -> bool:
        ca, cb = cluster_of[index[a]], cluster_of[index[b]]
        return bool(ca >= 0 and ca == cb)

    return same, index.__contains__


@contextlib.contextmanager
def reuse_stages():
    """Memoize the engine's prepare / signatures / candidate stages while only verification settings change.

    Used by the threshold sweep: every fit inside the block re-runs only the
    exact path, verification and clustering. It patches the names the engine
    module looks up and restores them on exit; if the engine no longer has
    them, :class:`AttributeError` tells the caller to fall back to full fits.
    """
    from . import engine

    names = {
        "prepare": lambda records, **kw: ("prepare", len(records), records[0].id if records else None,
                                          records[-1].id if records else None,
                                          tuple(sorted((k, repr(v)) for k, v in kw.items()))),
        "signatures": lambda batch, cfg=None: ("sig", len(batch), int(batch.values.size),
                                               int(batch.values[:4096].astype(np.int64).sum()), repr(cfg)),
        "candidate_pairs": lambda sig, active, b, r, max_bucket=200: ("cand", sig.shape, int(sig[:64].astype(np.int64).sum()),
                                                                      b, r, max_bucket),
    }
    saved = {name: getattr(engine, name) for name in names}  # AttributeError when renamed
    cache: dict = {}

    def memo(name, keyfn):
        real = saved[name]

        def wrapper(*args, **kw):
            key = keyfn(*args, **kw)
            if key not in cache:
                cache[key] = real(*args, **kw)
            return cache[key]

        return wrapper

    try:
        for name, keyfn in names.items():
            setattr(engine, name, memo(name, keyfn))
        yield
    finally:
        for name, real in saved.items():
            setattr(engine, name, real)


def lsh_recall(records: Sequence, cfg=None, min_jaccard: float = 0.1) -> dict:
    """Recall of the engine's LSH stage against brute-force exact Jaccard, per Jaccard bucket.

    Brute force: every pair's exact Jaccard over the same (boilerplate
    discounted) shingle sets the LSH sees, from one sparse product ``X @ X.T``
    of the binary document-shingle matrix. LSH: the engine's stages (exact
    groups first, MinHash on their representatives, banding). A pair counts as
    found when its representatives are a candidate pair or when it is an exact
    group. Also: MinHash's Jaccard estimate error on the true pairs, and the
    S-curve's expected recall per bucket.
    """
    import scipy.sparse as sp

    from .engine import DedupConfig
    from .features import prepare
    from .lsh import candidate_pairs
    from .minhash import signatures
    from .shingle import ShingleBatch

    cfg = cfg or DedupConfig()
    t0 = time.perf_counter()
    corpus = prepare(records, shingle_cfg=cfg.shingle, boilerplate_cfg=cfg.boilerplate, norm_cfg=cfg.normalize,
                     rare_df=cfg.verify.rare_df, workers=cfg.minhash.workers)
    t_prep = time.perf_counter() - t0
    sh = corpus.shingles
    n = len(sh)
    sizes = sh.sizes
    active = np.flatnonzero(sizes > 0)
    # brute force
    t1 = time.perf_counter()
    vocab, cols = np.unique(sh.values, return_inverse=True)
    x = sp.csr_matrix((np.ones(len(cols), dtype=np.float32), cols.ravel(), sh.offsets), shape=(n, len(vocab)))
    inter = sp.triu(x @ x.T, k=1).tocoo()
    a, b, iv = inter.row.astype(np.int64), inter.col.astype(np.int64), inter.data.astype(np.float64)
    jac = iv / (sizes[a] + sizes[b] - iv)
    keep = jac >= min_jaccard
    a, b, jac = a[keep], b[keep], jac[keep]
    t_brute = time.perf_counter() - t1
    # the engine's LSH stage
    t2 = time.perf_counter()
    keys: dict[bytes, int] = {}
    rep = np.arange(n)
    for i, k in enumerate(corpus.exact_keys):
        if k:
            rep[i] = keys.setdefault(k, i)
    reps = np.flatnonzero((rep == np.arange(n)) & (sizes > 0))
    sub = ShingleBatch.from_arrays([sh.doc(int(i)) for i in reps])
    sig = signatures(sub, cfg.minhash)
    bands, rows = cfg.lsh.params(cfg.minhash.num_perm)
    pairs, stats = candidate_pairs(sig, np.ones(len(reps), bool), bands, rows, cfg.lsh.max_bucket)
    t_lsh = time.perf_counter() - t2
    cand = set()
    if len(pairs):
        g = reps[pairs]
        cand = set(zip(g[:, 0].tolist(), g[:, 1].tolist()))
    ra, rb = rep[a], rep[b]
    lo, hi = np.minimum(ra, rb), np.maximum(ra, rb)
    found = np.array([(x == y) or ((x, y) in cand) for x, y in zip(lo.tolist(), hi.tolist())], dtype=bool)
    # MinHash estimate error on all signatures
    sig_all = signatures(ShingleBatch.from_arrays([sh.doc(int(i)) for i in range(n)]), cfg.minhash)
    thr = cfg.lsh.threshold
    true = jac >= thr
    est = (sig_all[a[true]] == sig_all[b[true]]).mean(axis=1) if true.any() else np.array([])
    err = np.abs(est - jac[true]) if true.any() else np.array([])
    edges = [min_jaccard] + [round(x, 2) for x in np.arange(0.2, 1.0, 0.1)] + [1.0001]
    buckets = []
    for lo_e, hi_e in zip(edges[:-1], edges[1:]):
        m = (jac >= lo_e) & (jac < hi_e)
        k = int(m.sum())
        expected = float(np.mean(1 - (1 - jac[m] ** rows) ** bands)) if k else None
        buckets.append({"jaccard": f"[{lo_e:.1f}, {min(hi_e, 1.0):.1f}{']' if hi_e > 1 else ')'}", "pairs": k,
                        "found": int(found[m].sum()), "recall": round(float(found[m].mean()), 4) if k else None,
                        "expected": round(expected, 4) if expected is not None else None})
    n_true = int(true.sum())
    cand_j = None
    if cand:
        cp = np.array(sorted(cand), dtype=np.int64)
        ci = np.asarray(inter.tocsr()[cp[:, 0], cp[:, 1]]).ravel() if len(cp) else np.array([])
        # candidates below threshold are verification work the LSH adds
        cj = ci / (sizes[cp[:, 0]] + sizes[cp[:, 1]] - ci)
        cand_j = {"candidates": int(len(cp)), "below_threshold": int((cj < thr).sum()),
                  "share_below_threshold": round(float((cj < thr).mean()), 4)}
    return {
        "articles": n, "with_shingles": int(len(active)), "representatives": int(len(reps)),
        "threshold": thr, "bands": bands, "rows": rows,
        "true_pairs": n_true, "found": int(found[true].sum()),
        "recall": round(float(found[true].mean()), 4) if n_true else None,
        "buckets": buckets, "candidates": cand_j, "lsh_stats": dataclasses.asdict(stats),
        "minhash_error": {"mean_abs": round(float(err.mean()), 4) if len(err) else None,
                          "p95_abs": round(float(np.quantile(err, 0.95)), 4) if len(err) else None,
                          "max_abs": round(float(err.max()), 4) if len(err) else None},
        "phases": {"prepare_s": round(t_prep, 3), "brute_force_s": round(t_brute, 3), "lsh_s": round(t_lsh, 3)},
        "wall_s": t_lsh,
    }


# --------------------------------------------------------------------------- cases


@dataclass
class CaseContext:
    """What a case may use: data and seed directories, a scratch directory, options."""

    data: Path | None
    seeds: Path | None
    work: Path
    progress: bool = False
    options: dict = field(default_factory=dict)

    def data_path(self, rel: str) -> Path:
        assert self.data is not None
        return self.data / rel


@dataclass(frozen=True)
class Case:
    """One benchmark case.

    Attributes:
        name: Unique name (``--case`` selects by name or prefix).
        suites: Suites the case belongs to.
        description: One line for the report.
        needs: Files under the data directory the case reads (``seeds:`` for the seed pages).
        run: ``run(ctx) -> figures`` (runs in the case's own process).
        generate: Optional untimed preparation, run in a separate process first.
    """

    name: str
    suites: tuple[str, ...]
    description: str
    needs: tuple[str, ...]
    run: Callable[[CaseContext], dict]
    generate: Callable[[CaseContext], dict] | None = None

    def missing(self, ctx: CaseContext) -> str | None:
        """Why the case cannot run (data missing), or None."""
        for need in self.needs:
            if need == "seeds:":
                if ctx.seeds is None or not ctx.seeds.is_dir() or not any(ctx.seeds.glob("*.txt")):
                    return f"seed pages not found ({ctx.seeds or 'no --seeds directory'}); pass --seeds DIR"
            elif ctx.data is None:
                return "data directory not found (looked for ../shared/data beside the repository); pass --data DIR"
            elif not (ctx.data / need).exists():
                return f"dataset missing: {ctx.data / need}"
        return None


def case_synthetic(ctx: CaseContext) -> dict:
    """Planted duplicates in a generated corpus: read + fit + report, scored against the plant."""
    n = int(ctx.options.get("synthetic_n", 2000))
    recs, group, kind = synthetic_corpus(n)
    path = ctx.work / f"synthetic-{n}.jsonl"
    nbytes = write_jsonl(recs, path)
    out = _fit_report([str(path)], progress=ctx.progress)
    dd = out["dd"]
    q = planted_scores(group, dd.cluster_of_, kind, COPY_KINDS)
    return {"articles": n, "input_bytes": nbytes, "wall_s": out["wall_s"], "phases": out["phases"],
            "quality": {"planted": q["planted"]}, "planted": {k: v for k, v in q.items() if k != "planted"},
            "clusters": len(dd.clusters_), "related_status": out["related_status"]}


def case_synthetic_lsh_recall(ctx: CaseContext) -> dict:
    """LSH recall against exact Jaccard on the synthetic corpus."""
    from .record import Record

    n = int(ctx.options.get("synthetic_n", 2000))
    recs, _, _ = synthetic_corpus(n)
    records = [Record(id=r["id"], text=r["text"], title=r["title"], source=r["source"]) for r in recs]
    res = lsh_recall(records)
    return {"articles": n, "input_bytes": sum(len(json.dumps(r, ensure_ascii=False).encode()) + 1 for r in recs),
            **res, "quality": {"lsh_recall": {"recall": res["recall"]}}}


def candidate_recall(dd, sample: int = 4000, seed: int = 0, min_containment: float = 0.3) -> dict:
    """Share of the pairs that verify which the candidate stages propose, against brute force.

    For ``sample`` random documents of a fitted :class:`~dedup.engine.Deduplicator`,
    every pair with any other document of the corpus whose exact 3-gram
    containment (shared shingles over the shorter set) is at least
    ``min_containment`` is found by brute force (sparse ``X[sample] @ X.T``),
    then verified with the engine's own verdict. A verified pair counts as
    proposed when its exact-duplicate representatives are one document or a
    candidate pair; by stage: banding alone, and banding or the containment
    proposer.
    """
    import scipy.sparse as sp

    from .engine import ORIGIN_BANDING, ORIGIN_CONTAINMENT
    from .features import pair_features
    from .verify import CONTAINED, DUP, classify

    t0 = time.perf_counter()
    corpus = dd.corpus_
    sh = corpus.shingles
    n = len(sh)
    sizes = sh.sizes
    vocab, cols = np.unique(sh.values, return_inverse=True)
    x = sp.csr_matrix((np.ones(len(cols), dtype=np.float32), cols.ravel(), sh.offsets), shape=(n, len(vocab)))
    xt = x.T.tocsr()
    rng = np.random.default_rng(seed)
    with_shingles = np.flatnonzero(sizes > 0)
    rows = np.sort(rng.choice(with_shingles, min(sample, len(with_shingles)), replace=False))
    found = []
    for start in range(0, len(rows), 500):
        part = rows[start : start + 500]
        m = (x[part] @ xt).tocoo()
        a, b = part[m.row].astype(np.int64), m.col.astype(np.int64)
        cont = m.data / np.minimum(sizes[a], sizes[b])
        keep = (a != b) & (cont >= min_containment)
        found.append(np.stack([np.minimum(a, b)[keep], np.maximum(a, b)[keep]], axis=1))
    pairs = np.unique(np.concatenate(found), axis=0) if found else np.empty((0, 2), np.int64)
    t_brute = time.perf_counter() - t0
    verdict = classify(pair_features(corpus, pairs[:, 0], pairs[:, 1]), dd.config_.verify)[0] if len(pairs) else \
        np.empty(0, np.int8)
    # exact-duplicate representatives, as the engine chose them
    rep = np.arange(n)
    first: dict[bytes, int] = {}
    for i, k in enumerate(corpus.exact_keys):
        if k:
            rep[i] = first.setdefault(k, i)
    cand_key = dd.candidate_pairs_[:, 0] * n + dd.candidate_pairs_[:, 1]
    order = np.argsort(cand_key)
    cand_key, origin = cand_key[order], dd.candidate_origin_[order]
    ra, rb = rep[pairs[:, 0]], rep[pairs[:, 1]]
    key = np.minimum(ra, rb) * n + np.maximum(ra, rb)
    pos = np.clip(np.searchsorted(cand_key, key), 0, max(0, len(cand_key) - 1))
    hit = (cand_key[pos] == key) if len(cand_key) else np.zeros(len(key), bool)
    bits = np.where(hit, origin[pos] if len(origin) else 0, 0)
    same = ra == rb
    by_banding = same | ((bits & ORIGIN_BANDING) > 0)
    by_both = by_banding | ((bits & ORIGIN_CONTAINMENT) > 0)
    out = {}
    for name, code in (("dup", DUP), ("contained", CONTAINED)):
        v = verdict == code
        total = int(v.sum())
        out[name] = {"verified": total, "banding": int((v & by_banding).sum()),
                     "banding_or_containment": int((v & by_both).sum()),
                     "recall_banding": round(float((v & by_banding).sum() / total), 4) if total else None,
                     "recall": round(float((v & by_both).sum() / total), 4) if total else None}
    return {"sample": int(len(rows)), "min_containment": min_containment, "pairs_checked": int(len(pairs)),
            "verified": out, "brute_force_s": round(t_brute, 3), "wall_s": time.perf_counter() - t0}


def case_candidate_recall(ctx: CaseContext) -> dict:
    """Candidate recall on pairs that verify, against brute force, over both corpora."""
    paths = [str(ctx.data_path(SNN)), str(ctx.data_path(ANT))]
    out = _fit_report(paths, progress=ctx.progress, related=False)
    dd = out["dd"]
    res = candidate_recall(dd, sample=int(ctx.options.get("recall_sample", 4000)))
    both = res["verified"]
    total = both["dup"]["verified"] + both["contained"]["verified"]
    got = both["dup"]["banding_or_containment"] + both["contained"]["banding_or_containment"]
    check_s = res.pop("wall_s")
    return {**res, "articles": len(dd.records_), "input_bytes": json_bytes(map(Path, paths)),
            "wall_s": out["wall_s"] + check_s, "phases": {**out["phases"], "check_s": round(check_s, 3)},
            "candidates": {"total": int(len(dd.candidate_pairs_)),
                                  "containment_only": dd.containment_candidates_},
            "quality": {"candidate_recall": {"recall": round(got / total, 4) if total else None}}}


def case_lsh_recall(ctx: CaseContext) -> dict:
    """LSH recall against exact Jaccard on 5,000 consecutive SaudiNewsNet articles."""
    from .io import read_inputs

    n = int(ctx.options.get("lsh_sample", 5000))
    read = read_inputs([str(ctx.data_path(SNN))])
    recs = sorted(read.records, key=lambda r: (r.published or datetime.max.replace(tzinfo=timezone.utc), r.id))
    start = max(0, (len(recs) - n) // 2)
    sample = recs[start : start + n]
    res = lsh_recall(sample)
    first, last = sample[0].published, sample[-1].published
    return {**res, "input_bytes": sum(len(json.dumps(r.to_dict(), ensure_ascii=False).encode()) + 1 for r in sample),
            "sample": f"{len(sample)} consecutive articles by publication time, from the middle of SaudiNewsNet "
                      f"({first.date() if first else '?'} to {last.date() if last else '?'})",
            "quality": {"lsh_recall": {"recall": res["recall"]}}}


def case_labels(ctx: CaseContext) -> dict:
    """Labelled dev pairs over both corpora: dup, dup+contained, same-story; sweeps of dup_bias and contained_bias."""
    from .engine import DedupConfig, Deduplicator

    labels = load_labels(ctx.data_path(DEV_PAIRS))
    paths = [str(ctx.data_path(SNN)), str(ctx.data_path(ANT))]
    out = _fit_report(paths, progress=ctx.progress)
    dd, rep = out["dd"], out["report"]
    ids = [r.id for r in dd.records_]
    same, known = _cluster_predictor(ids, dd.cluster_of_)
    story = _story_predictor(rep, same)
    predict = {"dup": same}
    if story is not None:
        predict["same_story"] = story
    scores = score_labels(labels, predict, known)
    quality = {k: v for k, v in scores.items() if k in PROTOCOLS}
    # threshold sweeps, re-running verification and clustering on cached stages:
    # dup_bias (what is called a copy) and contained_bias (what is called
    # contained, which puts the shorter text in the longer one's cluster)
    base = DedupConfig()
    grids = {name: sorted({round(float(x), 2) for x in np.arange(lo, hi + 0.01, 0.25)}
                          | {round(float(getattr(base.verify, name)), 2)})
             for name, lo, hi in (("dup_bias", -4.5, -2.0), ("contained_bias", -5.0, -2.5))}

    def sweep_point(name: str, value: float) -> dict:
        d2 = Deduplicator(replace(base, verify=replace(base.verify, **{name: value}))).fit(dd.records_)
        s2, _ = _cluster_predictor(ids, d2.cluster_of_)
        sc = score_labels(labels, {"dup": s2}, known)
        return {name: value, "default": value == round(getattr(base.verify, name), 2),
                "dup": sc["dup"]["all"], "dup_contained": sc["dup_contained"]["all"],
                "clusters": len(d2.clusters_), "in_clusters": int((d2.cluster_of_ >= 0).sum())}

    def run_sweeps(step: int) -> dict[str, list[dict]]:
        return {name: [sweep_point(name, v) for v in track(grid[::step], desc=f"{name} sweep", enabled=ctx.progress, unit="pt")]
                for name, grid in grids.items()}

    method = "cached prepare/signatures/candidates (verify + cluster re-run)"
    t0 = time.perf_counter()
    try:
        with reuse_stages():
            Deduplicator(base).fit(dd.records_)  # warm the cache with the default settings
            sweeps = run_sweeps(1)
    except AttributeError:
        method = "full fits (engine stages could not be cached)"
        sweeps = run_sweeps(2)
    sweep_s = time.perf_counter() - t0
    consistent = {}
    for name, points in sweeps.items():
        check = [p for p in points if p["default"]]
        consistent[name] = bool(check) and check[0]["dup"] == quality["dup"]["all"]
    s = rep["summary"]
    return {"articles": len(ids), "input_bytes": json_bytes(map(Path, paths)), "wall_s": out["wall_s"],
            "phases": {**out["phases"], "sweep_s": round(sweep_s, 3)},
            "quality": quality, "labels": {"pairs": scores["pairs"], "missing": scores["missing"]},
            "errors": scores["errors"], "same_story": "available" if story is not None else
            f"not available: {out['related_status']}", "related_status": out["related_status"],
            "summary": {k: s[k] for k in ("clusters", "in_clusters", "largest_cluster", "exact_duplicates",
                                          "near_duplicates", "contained", "verified_pairs")},
            "candidates": s["lsh"]["candidates"],
            "sweep": {"parameter": "verify.dup_bias", "method": method, "points": sweeps["dup_bias"],
                      "default_reproduces_main_fit": consistent["dup_bias"]},
            "contained_sweep": {"parameter": "verify.contained_bias", "method": method,
                                "points": sweeps["contained_bias"],
                                "default_reproduces_main_fit": consistent["contained_bias"]}}


_PAGE_CHROME = ("الوطن| رصد", "المصدر: صحيفة الأنباء", "كلمات دلالية: أخبار محلية سياسة اقتصاد")
_HEADLINE_LABELS = ("بالصور.. ", "عاجل: ", "فيديو.. ")


def _spelling_noise(title: str, rng: random.Random) -> str:
    """What sites do to a headline they reprint: hamza/yaa/taa-marbuta spellings, quotes, tatweel."""
    out = title
    for a, b in (("أ", "ا"), ("إ", "ا"), ("ى", "ي"), ("ة ", "ه ")):
        if rng.random() < 0.5:
            out = out.replace(a, b)
    if rng.random() < 0.3:
        out = f"«{out}»"
    return out


def teaser_pages(records: Sequence, n_pages: int, rng: random.Random, per_page: int = 8,
                 held_out_per_page: int = 2) -> tuple[list[tuple[str, str]], list[dict], set[str]]:
    """Scraped-looking pages whose "مقالات مشابهة" headlines are titles of real articles.

    Each page: site chrome, a main article (a corpus body, in paragraphs), tags
    and source lines, then a list of ``per_page`` teaser headlines: titles of
    corpus articles, as sites reprint them (exact, respelled, with a label such
    as "بالصور..", or cut short), of which ``held_out_per_page`` announce
    articles left out of the corpus (they must stay unresolved).

    Returns:
        ``(pages, truth, held_out_ids)``: ``(file name, text)`` per page; per
        teaser its page, position, headline, the announced article id and
        whether it was held out; the ids to leave out of the corpus.
    """
    from .normalize import tokens

    by_title: dict[tuple, list] = {}
    for r in records:
        if r.title and r.text and len(r.title.split()) >= 5:
            by_title.setdefault(tuple(tokens(r.title)), []).append(r)
    unique = [v[0] for v in by_title.values() if len(v) == 1]
    unique.sort(key=lambda r: r.id)
    pick = rng.sample(unique, min(len(unique), n_pages * (per_page + 1)))
    pages, truth, held = [], [], set()
    for p in range(n_pages):
        chunk = pick[p * (per_page + 1):(p + 1) * (per_page + 1)]
        if len(chunk) < per_page + 1:
            break
        main, teasers = chunk[0], chunk[1:]
        paras = [s.strip() for s in re.split(r"(?<=[.!؟])\s+", main.text) if s.strip()]
        lines = [_PAGE_CHROME[0], "", *[x for para in paras for x in (para, "")], _PAGE_CHROME[2], "", _PAGE_CHROME[1], "",
                 "مقالات مشابهة", ""]
        for k, r in enumerate(teasers):
            kind = rng.random()
            head = r.title.strip()
            if kind < 0.4:
                style = "exact"
            elif kind < 0.7:
                style, head = "respelled", _spelling_noise(head, rng)
            elif kind < 0.85:
                style, head = "labelled", rng.choice(_HEADLINE_LABELS) + head
            else:
                words = head.split()
                cut = max(5, int(len(words) * 0.7))
                if cut >= len(words):
                    style = "exact"
                else:
                    style = "cut"
                    last = words[cut]
                    head = " ".join(words[:cut] + ([last[: max(1, len(last) // 2)]] if len(last) > 2 else []))
            is_held = k >= per_page - held_out_per_page
            if is_held:
                held.add(r.id)
            lines.append(f"  • {head}")
            truth.append({"page": p, "position": k, "headline": head, "article": r.id, "held_out": is_held,
                          "style": style})
        pages.append((f"page{p:04d}.txt", "\n".join(lines) + "\n"))
    return pages, truth, held


def case_teasers(ctx: CaseContext) -> dict:
    """Teaser links on generated pages whose teaser headlines are titles of real articles (both corpora)."""
    from .engine import Deduplicator
    from .io import read_inputs
    from .normalize import tokens
    from .related import RelatedFinder

    n_pages = int(ctx.options.get("teaser_pages", 100))
    t0 = time.perf_counter()
    corpus = read_inputs([str(ctx.data_path(SNN)), str(ctx.data_path(ANT))], progress=ctx.progress)
    pages, truth, held = teaser_pages(corpus.records, n_pages, random.Random(23))
    pdir = ctx.work / "teaser_pages"
    pdir.mkdir(parents=True, exist_ok=True)
    for name, text in pages:
        (pdir / name).write_text(text, encoding="utf-8")
    read = read_inputs([str(pdir)])
    records = [r for r in corpus.records if r.id not in held] + list(read.records)
    t1 = time.perf_counter()
    dd = Deduplicator(progress=ctx.progress).fit(records)
    rf = RelatedFinder().fit(dd)
    t2 = time.perf_counter()
    recs = dd.records_
    link = {recs[t].id: (None if a is None else recs[a]) for t, a, _ in rf.teaser_links_}
    # the reader's teaser records of each page, in list order
    by_page: dict[str, list] = {}
    for r in read.records:
        if r.kind == "teaser":
            by_page.setdefault(r.page or "", []).append(r)
    page_ids = sorted(by_page)
    counts = {"teasers": 0, "found_by_segmenter": 0, "resolved": 0, "right": 0, "wrong": 0, "unresolved": 0,
              "held_out": 0, "held_out_unresolved": 0, "held_out_linked": 0}
    held_links: list[tuple[str, str]] = []  # (held-out article, the article its teaser reached)
    by_style: dict[str, dict] = {}
    wrong = []
    title_of = {r.id: tuple(tokens(r.title)) for r in corpus.records if r.title}
    for p, pid in enumerate(page_ids):
        got = by_page[pid]
        want = [t for t in truth if t["page"] == p]
        for t in want:
            counts["teasers"] += 1
            st = by_style.setdefault(t["style"], {"teasers": 0, "right": 0, "wrong": 0, "unresolved": 0})
            st["teasers"] += 1
            rec = got[t["position"]] if t["position"] < len(got) else None
            if rec is None:
                continue
            counts["found_by_segmenter"] += 1
            art = link.get(rec.id)
            if t["held_out"]:
                counts["held_out"] += 1
                counts["held_out_unresolved" if art is None else "held_out_linked"] += 1
                if art is not None:
                    held_links.append((t["article"], art.id))
                continue
            if art is None:
                counts["unresolved"] += 1
                st["unresolved"] += 1
                continue
            counts["resolved"] += 1
            ok = art.id == t["article"] or (art.title and tuple(tokens(art.title)) == title_of.get(t["article"]))
            counts["right" if ok else "wrong"] += 1
            st["right" if ok else "wrong"] += 1
            if not ok and len(wrong) < 10:
                wrong.append({"headline": t["headline"], "want": t["article"], "got": art.id})
    announced = sum(not t["held_out"] for t in truth)
    # A held-out teaser that links is not wrong when it reached another outlet's
    # copy of the held-out article: a dedup of the whole corpus (the held-out
    # articles in it) tells copies, other articles of the story, and the rest.
    outcome = held_out_outcomes(corpus.records, held_links, ctx.progress) if held_links else {}
    for name in ("copy", "story", "other"):
        counts[f"held_out_to_{name}"] = sum(v == name for v in outcome.values())
    examples = [{"held_out": h, "got": a, "outcome": outcome[(h, a)]} for h, a in held_links if outcome[(h, a)] != "copy"]
    quality = {"teaser_links": {
        "precision": round(counts["right"] / counts["resolved"], 4) if counts["resolved"] else None,
        "recall": round(counts["right"] / announced, 4) if announced > 0 else None,
        "held_out_unresolved": round(counts["held_out_unresolved"] / counts["held_out"], 4) if counts["held_out"] else None,
        "held_out_right": (round((counts["held_out_unresolved"] + counts["held_out_to_copy"]) / counts["held_out"], 4)
                           if counts["held_out"] else None)}}
    return {"articles": len(records), "pages": len(pages), "wall_s": t2 - t0,
            "phases": {"read_generate_s": round(t1 - t0, 3), "fit_related_s": round(t2 - t1, 3)},
            "counts": counts, "by_style": by_style, "wrong_examples": wrong, "held_out_examples": examples[:10],
            "quality": quality}


def held_out_outcomes(records: Sequence, links: Sequence[tuple[str, str]], progress: bool = False) -> dict:
    """For ``(held-out article, linked article)`` pairs: ``copy`` when one duplicate
    cluster holds both in a dedup of ``records``, ``story`` when one story does
    (or they are a related pair), ``other`` otherwise.

    Example:
        >>> from dedup.record import Record
        >>> text = "أعلنت وزارة الصحة اليوم عن افتتاح مستشفى جديد للأطفال في مدينة تبوك بسعة ثلاثمئة سرير ووحدات متقدمة للعناية المركزة"
        >>> recs = [Record(id="h", text=text), Record(id="c", text=text + " وأكثر."), Record(id="o", text="خبر آخر عن الطقس")]
        >>> held_out_outcomes(recs, [("h", "c"), ("h", "o")])
        {('h', 'c'): 'copy', ('h', 'o'): 'other'}
    """
    from .engine import Deduplicator
    from .related import RelatedFinder

    dd = Deduplicator(progress=progress).fit(records)
    rf = RelatedFinder().fit(dd)
    index = {r.id: i for i, r in enumerate(dd.records_)}
    story_of = {d: si for si, docs in enumerate(rf.stories_) for d in docs}
    related = {(min(int(a), int(b)), max(int(a), int(b))) for a, b in rf.pairs_}
    out = {}
    for held, got in links:
        h, g = index[held], index[got]
        if dd.cluster_of_[h] >= 0 and dd.cluster_of_[h] == dd.cluster_of_[g]:
            out[(held, got)] = "copy"
        elif (h in story_of and story_of.get(g) == story_of[h]) or (min(h, g), max(h, g)) in related:
            out[(held, got)] = "story"
        else:
            out[(held, got)] = "other"
    return out


_BOILERPLATE_MARKERS = {
    "ad line": re.compile(r"^\s*اعلان\s*$", re.M),
    "tweet link": re.compile(r"pic\.twitter\.com"),
    "tweet signature": re.compile(r"— .{0,40}\(@\w+\)"),
    "source line": re.compile(r"المصدر\s*:"),
    "tags": re.compile(r"كلمات دلالية|الوسوم"),
    "read also": re.compile(r"[إا]قرأ أيض[اً]"),
    "similar articles": re.compile(r"مقالات مشابهة"),
    "related news": re.compile(r"أخبار ذات صلة"),
    "date line": re.compile(r"تاريخ النشر\s*:"),
    "site header": re.compile(r"مجلس التحرير|أوراق اعتماده|الوطن\s*\|\s*رصد"),
    "site chrome": re.compile(r"Go to accessibility|LoaderSearch|Copyright ©|يعرض الآن|شارك هذا المقال"),
}

#: Relations the seeds must show when the related stage reports them (DOMAIN.md, issue 4): (page, title prefix) pairs.
_SEED_SAME_STORY = (
    (("000", "بوتين: روسيا مستعدة للتفاوض"), ("000", "الكرملين: بوتين أبلغ الموفد")),
    (("002", "بالصور.. زعيم كوريا الشمالية"), ("002", "زعيم كوريا الشمالية يوجه")),
)
_SEED_NOT_SAME_STORY = ((("002", "سيف بن زايد يلتقي في موسكو"), ("002", "سيف بن زايد يلتقي وزير الداخلية")),)
_SEED_EXPECTED_KINDS = {"000": ("embedded", "teaser"), "001": ("embedded",), "002": ("embedded", "teaser"),
                        "003": ("teaser",), "004": ("embedded",)}


def case_seeds(ctx: CaseContext) -> dict:
    """Segmentation and seed relations as a scored case (pages read alone, then with chrome copies)."""
    from .engine import Deduplicator
    from .io import read_inputs
    from .report import build_report

    pages = sorted(ctx.seeds.glob("*.txt"))
    t0 = time.perf_counter()
    read = read_inputs([str(ctx.seeds)])
    t_read = time.perf_counter() - t0
    checks: list[dict] = []

    def check(name: str, ok: bool, detail: str = "") -> None:
        checks.append({"check": name, "ok": bool(ok), **({"detail": detail} if detail else {})})

    by_page: dict[str, dict[str, int]] = {}
    for r in read.records:
        by_page.setdefault(r.page or r.id, {}).setdefault(r.kind, 0)
        by_page[r.page or r.id][r.kind] += 1
    for page in pages:
        stem = page.name[:-4]
        kinds = by_page.get(stem, {})
        check(f"{stem[:3]}: a main record", kinds.get("main", 0) == 1, json.dumps(kinds))
        for k in _SEED_EXPECTED_KINDS.get(stem[:3], ()):
            check(f"{stem[:3]}: at least one {k} record", kinds.get(k, 0) >= 1)
    hits: dict[str, int] = {}
    for r in read.records:
        for name, rx in _BOILERPLATE_MARKERS.items():
            if rx.search(r.text or "") or rx.search(r.title or ""):
                hits[name] = hits.get(name, 0) + 1
    clean = sum(1 for r in read.records if not any(rx.search(r.text or "") or rx.search(r.title or "")
                                                    for rx in _BOILERPLATE_MARKERS.values()))
    check("no boilerplate strings in any record", not hits, json.dumps(hits, ensure_ascii=False))

    # copies of every page carrying another site's chrome (taken from the seeds at run time)
    texts = {p.name[:3]: p.read_text(encoding="utf-8") for p in pages}
    head = "\n".join(texts.get("004", "").splitlines()[:3])
    tail = next((ln for ln in texts.get("002", "").splitlines() if "Go to accessibility" in ln), "")
    copies = ctx.work / "seed-copies"
    copies.mkdir(exist_ok=True)
    for p in pages:
        key = p.name[:3]
        h = head if key != "004" else "الوطن| رصد"
        (copies / f"copy_{p.name}").write_text(h + "\n\n" + texts[key] + ("\n" + tail if key != "002" else "") + "\n",
                                               encoding="utf-8")
    t1 = time.perf_counter()
    both = read_inputs([str(ctx.seeds), str(copies)])
    dd = Deduplicator().fit(both.records)
    extra, rel_status = _related_sections(dd, both)
    rep = build_report(both, dd, extra or None)
    t_fit = time.perf_counter() - t1
    recs = dd.records_

    def story(r) -> str:
        page = (r.page or r.id).removeprefix("copy_")
        kind_pos = [x.id for x in recs if x.page == r.page and x.kind == r.kind].index(r.id)
        return f"{page}/{r.kind}/{kind_pos}"

    mixed, with_teaser = [], []
    for c in dd.clusters_:
        members = [recs[c.canonical]] + [recs[m.index] for m in c.members]
        stories = {story(r) for r in members}
        if len(stories) > 1:
            mixed.append(sorted(r.id for r in members))
        if any(r.kind == "teaser" for r in members):
            with_teaser.append(sorted(r.id for r in members))
    check("no cluster holds two different seed stories (pages + chrome copies)", not mixed, json.dumps(mixed))
    check("no teaser in a duplicate cluster", not with_teaser, json.dumps(with_teaser))
    bodies = [r for r in recs if not r.page.startswith("copy_") and r.kind in ("main", "embedded") and len(r.text) > 300]
    copy_found = 0
    for r in bodies:
        twin = [x for x in recs if x.page == "copy_" + r.page and story(x) == story(r)]
        if twin and dd.cluster_of_[recs.index(r)] >= 0 and dd.cluster_of_[recs.index(r)] == dd.cluster_of_[recs.index(twin[0])]:
            copy_found += 1
    check("every seed article clusters with its chrome copy", copy_found == len(bodies), f"{copy_found}/{len(bodies)}")
    # story relations, when the related stage reports them
    same_cluster = lambda a, b: False  # noqa: E731
    pred = _story_predictor(rep, same_cluster)
    story_checks = "not available: " + rel_status
    if pred is not None:
        story_checks = "available"
        orig = [r for r in recs if not (r.page or "").startswith("copy_")]

        def find(page, prefix):
            return next((r.id for r in orig if (r.page or "").startswith(page) and (r.title or "").startswith(prefix)), None)

        for (pa, ta), (pb, tb) in _SEED_SAME_STORY:
            a, b = find(pa, ta), find(pb, tb)
            check(f"same story: {ta[:30]} ~ {tb[:30]}", a is not None and b is not None and pred(a, b))
        for (pa, ta), (pb, tb) in _SEED_NOT_SAME_STORY:
            a, b = find(pa, ta), find(pb, tb)
            check(f"not one story: {ta[:30]} / {tb[:30]}", a is not None and b is not None and not pred(a, b))
        links = {t.get("teaser"): t.get("article") for t in rep.get("teaser_links") or []}
        if links:
            for page in ("000", "002"):
                teaser = next((r for r in orig if (r.page or "").startswith(page) and r.kind == "teaser"), None)
                emb = next((r for r in orig if (r.page or "").startswith(page) and r.kind == "embedded"), None)
                check(f"{page}: first teaser links to the page's embedded article",
                      teaser is not None and emb is not None and links.get(teaser.id) == emb.id)
    passed = sum(c["ok"] for c in checks)
    return {"articles": len(both.records), "input_bytes": sum(p.stat().st_size for p in pages) * 2,
            "wall_s": t_read + t_fit, "phases": {"read_s": round(t_read, 3), "fit_with_copies_s": round(t_fit, 3)},
            "records_by_page": by_page, "records_clean": clean, "records": len(read.records),
            "boilerplate_hits": hits, "checks": checks, "story_checks": story_checks,
            "quality": {"seeds": {"passed": passed, "total": len(checks), "score": round(passed / len(checks), 4)}}}


def case_speed(ctx: CaseContext) -> dict:
    """``dedup report``'s library path on SaudiNewsNet + ANT: read, fit, related sections, report."""
    paths = [str(ctx.data_path(SNN)), str(ctx.data_path(ANT))]
    out = _fit_report(paths, progress=ctx.progress)
    s = out["report"]["summary"]
    return {"articles": s["articles"], "input_bytes": json_bytes(map(Path, paths)), "wall_s": out["wall_s"],
            "phases": out["phases"], "related_status": out["related_status"],
            "summary": {k: s[k] for k in ("clusters", "in_clusters", "largest_cluster", "verified_pairs")},
            "candidates": s["lsh"]["candidates"]}


def _scale_path(ctx: CaseContext, n: int) -> Path:
    return ctx.work / f"scale-{n}.jsonl.gz"


def _scale_generate(n: int) -> Callable[[CaseContext], dict]:
    def gen(ctx: CaseContext) -> dict:
        out = _scale_path(ctx, n)
        meta_path = Path(str(out) + ".meta.json")
        if meta_path.exists():
            with open(meta_path, encoding="utf-8") as fh:
                return {**json.load(fh), "reused": True}
        return generate_scale_corpus([ctx.data_path(SNN), ctx.data_path(ANT)], n, out, progress=ctx.progress)
    return gen


def _scale_case(n: int, related: bool = False) -> Callable[[CaseContext], dict]:
    """A scale case: read + fit + report of the generated corpus; with ``related``, the related stage too."""
    def run(ctx: CaseContext) -> dict:
        path = _scale_path(ctx, n)
        with open(str(path) + ".meta.json", encoding="utf-8") as fh:
            meta = json.load(fh)
        out = _fit_report([str(path)], progress=ctx.progress, related=related)
        dd = out["dd"]
        truth = np.load(str(path) + ".truth.npy")
        kinds = np.load(str(path) + ".kinds.npy")
        q = planted_scores(truth, dd.cluster_of_, kinds, COPY_KINDS)
        s = out["report"]["summary"]
        return {"articles": len(dd.records_), "input_bytes": meta["json_bytes"], "wall_s": out["wall_s"],
                "phases": out["phases"], "generated": meta, "related_status": out["related_status"],
                "quality": {"planted": q["planted"]}, "planted": {k: v for k, v in q.items() if k != "planted"},
                "summary": {k: s[k] for k in ("clusters", "in_clusters", "largest_cluster", "verified_pairs")},
                "candidates": s["lsh"]["candidates"],
                **({"related": {k: len(out["report"].get(k, [])) for k in ("related", "stories", "teaser_links")}}
                   if related else {})}
    return run


def case_peer_datasketch(ctx: CaseContext, normalized: bool = False) -> dict:
    """What a user writes first: datasketch MinHash + MinHashLSH at 0.3 over word 3-grams, exact-Jaccard check.

    ``normalized``: word 3-grams of :func:`dedup.normalize.tokens` instead of ``text.split()``.
    """
    from datasketch import MinHash, MinHashLSH

    from .normalize import tokens as norm_tokens

    from .cluster import UnionFind
    from .io import read_inputs

    labels = load_labels(ctx.data_path(DEV_PAIRS))
    paths = [str(ctx.data_path(SNN)), str(ctx.data_path(ANT))]
    t0 = time.perf_counter()
    read = read_inputs(paths)
    recs = read.records
    t1 = time.perf_counter()
    sets: list[set] = []
    hashes: list = []
    lsh = MinHashLSH(threshold=0.3, num_perm=128)
    with lsh.insertion_session() as session:
        for i, r in enumerate(track(recs, desc="datasketch", total=len(recs), enabled=ctx.progress, unit="art")):
            w = norm_tokens(r.text) if normalized else r.text.split()
            s = {" ".join(w[k : k + 3]) for k in range(len(w) - 2)}
            sets.append(s)
            m = None
            if s:
                m = MinHash(num_perm=128)
                m.update_batch([x.encode("utf-8") for x in s])
                session.insert(i, m, check_duplication=False)
            hashes.append(m)
    t2 = time.perf_counter()
    uf = UnionFind(len(recs))
    n_cand = n_ver = 0
    for i, m in enumerate(track(hashes, desc="query + verify", total=len(hashes), enabled=ctx.progress, unit="art")):
        if m is None:
            continue
        s = sets[i]
        for j in lsh.query(m):
            if j <= i:
                continue
            n_cand += 1
            t = sets[j]
            inter = len(s & t)
            if inter / (len(s) + len(t) - inter) >= 0.3:
                n_ver += 1
                uf.union(i, j)
    t3 = time.perf_counter()
    roots = np.array([uf.find(i) for i in range(len(recs))])
    counts = np.bincount(roots, minlength=len(recs))
    cluster_of = np.where(counts[roots] > 1, roots, -1)
    same, known = _cluster_predictor([r.id for r in recs], cluster_of)
    scores = score_labels(labels, {"dup": same, "same_story": same}, known)
    return {"articles": len(recs), "input_bytes": json_bytes(map(Path, paths)), "wall_s": t3 - t0,
            "phases": {"read_s": round(t1 - t0, 3), "minhash_insert_s": round(t2 - t1, 3), "query_verify_s": round(t3 - t2, 3)},
            "peer": "datasketch MinHash.update_batch + MinHashLSH(threshold=0.3, num_perm=128), word 3-grams of "
                    + ("dedup.normalize.tokens(text)" if normalized else "text.split()") + ", "
                    "exact Jaccard >= 0.3 on every candidate, union-find clusters",
            "candidates": n_cand, "verified_pairs": n_ver, "clusters": int((counts > 1).sum()),
            "quality": {k: v for k, v in scores.items() if k in PROTOCOLS}, "errors": scores["errors"]}


def case_peer_tfidf(ctx: CaseContext) -> dict:
    """Plain TF-IDF cosine same-story baseline of issue 4 (sublinear tf, min_df=2, title + text, within 3 days)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    from .io import read_inputs
    from .normalize import tokens

    labels = load_labels(ctx.data_path(DEV_PAIRS))
    paths = [str(ctx.data_path(SNN)), str(ctx.data_path(ANT))]
    t0 = time.perf_counter()
    read = read_inputs(paths)
    recs = read.records
    t1 = time.perf_counter()
    vec = TfidfVectorizer(sublinear_tf=True, min_df=2, tokenizer=tokens, lowercase=False, token_pattern=None)
    x = vec.fit_transform([f"{r.title or ''}\n{r.text}" for r in recs])
    t2 = time.perf_counter()
    index = {r.id: i for i, r in enumerate(recs)}
    when = [r.published for r in recs]

    def predictor(thr: float):
        def pred(a: str, b: str) -> bool:
            i, j = index[a], index[b]
            cos = float(x[i].multiply(x[j]).sum())
            if when[i] and when[j] and abs((when[i] - when[j]).total_seconds()) > 3 * 86400:
                return False
            return cos >= thr
        return pred

    out = {}
    for thr in (0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5):
        sc = score_labels(labels, {"same_story": predictor(thr)}, index.__contains__)
        out[f"{thr:g}"] = sc["same_story"]
    return {"articles": len(recs), "input_bytes": json_bytes(map(Path, paths)), "wall_s": t2 - t0,
            "phases": {"read_s": round(t1 - t0, 3), "tfidf_s": round(t2 - t1, 3)},
            "peer": "TfidfVectorizer(sublinear_tf=True, min_df=2) over dedup.normalize.tokens of title + text; "
                    "a pair is one story when cosine >= threshold and published within 3 days",
            "quality": {"same_story": out["0.2"], "same_story@0.3": out["0.3"]}, "thresholds": out}


def case_peer_text_dedup(ctx: CaseContext) -> dict:
    """text-dedup's MinHash, when importable."""
    try:
        import text_dedup  # noqa: F401
    except ImportError:
        raise CaseSkipped("text-dedup is not importable in this environment (not installed); "
                          "pip install text-dedup into a separate environment to measure it") from None
    raise CaseSkipped("text-dedup is importable, but its runner is not wired into this benchmark yet")


class CaseSkipped(Exception):
    """Raised by a case that finds at run time that it cannot run (the reason is recorded)."""


CASES: tuple[Case, ...] = (
    Case("synthetic", ("quick",), "generated Arabic corpus (2,000 articles) with planted duplicates: read + fit + report",
         (), case_synthetic),
    Case("synthetic_lsh_recall", ("quick",), "LSH recall against exact Jaccard on the synthetic corpus", (),
         case_synthetic_lsh_recall),
    Case("seeds", ("quick", "full"), "seed pages: segmentation, boilerplate, no mixed stories (with chrome copies)",
         ("seeds:",), case_seeds),
    Case("labels", ("full",), "dev pairs over SaudiNewsNet + ANT: dup, dup+contained, same-story; dup_bias and contained_bias sweeps",
         (SNN, ANT, DEV_PAIRS), case_labels),
    Case("teasers", ("full",), "teaser links on 100 generated pages whose teasers are titles of real articles",
         (SNN, ANT), case_teasers),
    Case("lsh_recall", ("full",), "LSH recall against brute-force exact Jaccard, 5,000 SaudiNewsNet articles",
         (SNN,), case_lsh_recall),
    Case("candidate_recall", ("full",), "candidate stages against brute force on pairs that verify, 4,000 "
         "articles of SaudiNewsNet + ANT against all", (SNN, ANT), case_candidate_recall),
    Case("speed", ("full",), "dedup report's library path on SaudiNewsNet + ANT", (SNN, ANT), case_speed),
    Case("peer_datasketch", ("full",), "datasketch MinHashLSH 0.3 + exact Jaccard check, same protocol",
         (SNN, ANT, DEV_PAIRS), case_peer_datasketch),
    Case("peer_datasketch_norm", ("full",), "the datasketch baseline over normalized tokens (dedup.normalize)",
         (SNN, ANT, DEV_PAIRS), lambda ctx: case_peer_datasketch(ctx, normalized=True)),
    Case("peer_tfidf", ("full",), "plain TF-IDF cosine same-story baseline", (SNN, ANT, DEV_PAIRS), case_peer_tfidf),
    Case("peer_text_dedup", ("full",), "text-dedup MinHash", (SNN, ANT, DEV_PAIRS), case_peer_text_dedup),
    Case("scale_125k", ("full",), "125,000 generated articles (real sentences, planted copies)", (SNN, ANT),
         _scale_case(125_000), _scale_generate(125_000)),
    Case("scale_250k", ("full",), "250,000 generated articles (real sentences, planted copies)", (SNN, ANT),
         _scale_case(250_000), _scale_generate(250_000)),
    Case("scale_1m", ("full",), "1,000,000 generated articles (real sentences, planted copies)", (SNN, ANT),
         _scale_case(1_000_000), _scale_generate(1_000_000)),
    Case("report_250k", ("full",), "the whole dedup report path, related stage included, on the scale_250k corpus",
         (SNN, ANT), _scale_case(250_000, related=True), _scale_generate(250_000)),
    Case("report_1m", ("full",), "the whole dedup report path, related stage included, on the scale_1m corpus",
         (SNN, ANT), _scale_case(1_000_000, related=True), _scale_generate(1_000_000)),
)
SUITES = ("quick", "full")
_CASES_BY_NAME = {c.name: c for c in CASES}


def select_cases(suite: str, names: Sequence[str] = ()) -> list[Case]:
    """Cases of ``suite``, or those named (a name or a prefix such as ``scale``), in suite order.

    Example:
        >>> [c.name for c in select_cases("full", ["scale"])]
        ['scale_125k', 'scale_250k', 'scale_1m']
    """
    pool = [c for c in CASES if suite in c.suites] if not names else list(CASES)
    if not names:
        return pool
    out = []
    for c in pool:
        if any(c.name == n or c.name.startswith(n) for n in names):
            out.append(c)
    unknown = [n for n in names if not any(c.name == n or c.name.startswith(n) for c in CASES)]
    if unknown:
        raise ValueError(f"unknown case(s) {unknown}; cases are: {', '.join(c.name for c in CASES)}")
    return out


# --------------------------------------------------------------------------- running cases in subprocesses


def _tree_rss(proc) -> int:
    """RSS of a psutil process and all its descendants, in bytes (0 when gone)."""
    import psutil

    total = 0
    try:
        procs = [proc] + proc.children(recursive=True)
    except psutil.Error:
        return 0
    for p in procs:
        try:
            total += p.memory_info().rss
        except psutil.Error:
            pass
    return total


class _TreeSampler(threading.Thread):
    """Samples the RSS of this process tree every ``interval`` seconds; keeps the peak."""

    def __init__(self, interval: float = 0.05):
        super().__init__(daemon=True)
        import psutil

        self.proc = psutil.Process()
        self.interval = interval
        self.peak = 0
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.is_set():
            self.peak = max(self.peak, _tree_rss(self.proc))
            self._stop_event.wait(self.interval)

    def stop(self) -> int:
        self._stop_event.set()
        self.join(1.0)
        self.peak = max(self.peak, _tree_rss(self.proc))
        return self.peak


def _maxrss_mb(who) -> float:
    import resource

    kb = resource.getrusage(who).ru_maxrss
    return round(kb / 1024 if sys.platform != "darwin" else kb / 2**20, 1)


def _child_main(name: str, ctx: CaseContext, out: Path, generate: bool) -> int:
    """Body of ``python -m dedup.bench _case``: run one case (or its generation), write its figures."""
    import resource

    case = _CASES_BY_NAME[name]
    digest = source_digest()
    load_before = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    sampler = _TreeSampler()
    sampler.start()
    status, res, err = "ok", {}, None
    try:
        res = (case.generate or (lambda c: {}))(ctx) if generate else case.run(ctx)
    except CaseSkipped as exc:
        status, err = "skipped", str(exc)
    except Exception as exc:  # recorded, and the exit code says so
        status, err = "failed", f"{type(exc).__name__}: {exc}\n" + traceback.format_exc(limit=8)
    peak_tree = sampler.stop()
    res = {"status": status, **({"reason": err} if err else {}), **res,
           "peak_rss_mb": _maxrss_mb(resource.RUSAGE_SELF),
           "peak_rss_workers_mb": _maxrss_mb(resource.RUSAGE_CHILDREN),
           "peak_rss_tree_mb": round(peak_tree / 2**20, 1),
           # the machine's 1-minute load average around the case: other work on the machine skews timings
           "source_digest": digest,
           "load_avg": {"before": load_before, "after": os.getloadavg()[0] if hasattr(os, "getloadavg") else None}}
    try:
        text = json.dumps(res, ensure_ascii=False, default=_json_default)
    except (TypeError, ValueError) as exc:
        status = "failed"
        text = json.dumps({"status": status, "reason": f"result not JSON-serializable: {exc}",
                           "peak_rss_mb": res["peak_rss_mb"], "peak_rss_tree_mb": res["peak_rss_tree_mb"]})
    with open(out, "w", encoding="utf-8") as fh:
        fh.write(text)
    return 0 if status != "failed" else 1


def _json_default(o):
    if isinstance(o, np.bool_):
        return bool(o)
    if isinstance(o, (np.integer,)):
        return int(o)
    if isinstance(o, (np.floating,)):
        return float(o)
    if isinstance(o, np.ndarray):
        return o.tolist()
    if isinstance(o, Path):
        return str(o)
    raise TypeError(f"not JSON serializable: {type(o).__name__}")


def _spawn(name: str, ctx: CaseContext, generate: bool, timeout: float, max_rss: int) -> dict:
    """Run one case in a fresh interpreter, watching its process tree; return its figures."""
    import psutil

    fd, out = tempfile.mkstemp(prefix=f"bench-{name}-", suffix=".json", dir=str(ctx.work))
    os.close(fd)
    argv = [sys.executable, "-m", "dedup.bench", "_case", name, "--work", str(ctx.work), "--out", out,
            "--options", json.dumps(ctx.options)]
    if ctx.data is not None:
        argv += ["--data", str(ctx.data)]
    if ctx.seeds is not None:
        argv += ["--seeds", str(ctx.seeds)]
    if generate:
        argv.append("--generate")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(repo_root())] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p])}
    t0 = time.perf_counter()
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, env=env)
    ps = psutil.Process(proc.pid)
    peak, aborted = 0, None
    while proc.poll() is None:
        peak = max(peak, _tree_rss(ps))
        elapsed = time.perf_counter() - t0
        if peak > max_rss:
            aborted = f"stopped: process tree RSS passed the limit of {max_rss / 2**30:.1f} GB after {elapsed:.0f} s"
        elif elapsed > timeout:
            aborted = f"stopped: exceeded the time limit of {timeout:.0f} s"
        if aborted:
            for child in ps.children(recursive=True):
                with contextlib.suppress(psutil.Error):
                    child.kill()
            proc.kill()
            proc.wait()
            break
        time.sleep(0.2)
    elapsed = time.perf_counter() - t0
    try:
        with open(out, encoding="utf-8") as fh:
            res = json.load(fh)
    except (OSError, ValueError):
        res = {}
    finally:
        with contextlib.suppress(OSError):
            os.unlink(out)
    if aborted:
        return {"status": "aborted", "reason": aborted, "elapsed_s": round(elapsed, 1),
                "peak_rss_tree_mb": round(peak / 2**20, 1)}
    if not res:
        if proc.returncode == -9:
            import psutil as _ps

            return {"status": "aborted", "elapsed_s": round(elapsed, 1), "peak_rss_tree_mb": round(peak / 2**20, 1),
                    "reason": f"killed by SIGKILL after {elapsed:.0f} s with the process tree at {peak / 2**30:.1f} GB "
                              f"(last sample): most likely the kernel's out-of-memory killer (machine memory "
                              f"{_ps.virtual_memory().total / 2**30:.1f} GB)"}
        return {"status": "failed", "reason": f"the case process exited with code {proc.returncode} and wrote no result",
                "elapsed_s": round(elapsed, 1), "peak_rss_tree_mb": round(peak / 2**20, 1)}
    res["peak_rss_tree_mb"] = max(res.get("peak_rss_tree_mb", 0), round(peak / 2**20, 1))
    res["elapsed_s"] = round(elapsed, 1)
    return res


def _finish(case: Case, res: dict) -> dict:
    """Add name, description and throughput to one case's figures."""
    out = {"name": case.name, "description": case.description, **res}
    wall = out.get("wall_s")
    if out.get("status") == "ok" and wall:
        out["wall_s"] = round(wall, 3)
        if out.get("articles"):
            out["articles_per_s"] = round(out["articles"] / wall, 1)
        if out.get("input_bytes"):
            out["input_mb"] = round(out["input_bytes"] / 1e6, 2)
            out["mb_per_s"] = round(out["input_bytes"] / 1e6 / wall, 3)
    return out


def results_header(suite: str, data: Path | None, seeds: Path | None) -> dict:
    """Version, commit, settings, machine and date of a results file."""
    from .engine import DedupConfig

    return {"dedup_bench": RESULTS_SCHEMA_VERSION, "suite": suite, "version": __version__,
            "commit": git_commit(), "source_digest": source_digest(), "date": datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
            "settings": DedupConfig().to_dict(), "machine": machine_info(),
            "data": str(data) if data else None, "seeds": str(seeds) if seeds else None}


def run_suite(suite: str, output: Path, *, data: Path | None, seeds: Path | None, names: Sequence[str] = (),
              work: Path | None = None, timeout: float = 3600, max_rss_gb: float = 20.0, options: dict | None = None,
              echo: Callable[[str], None] = lambda s: None) -> dict:
    """Run a suite, one subprocess per case, writing ``output`` after every case.

    Args:
        suite: ``quick`` or ``full``.
        output: Results file (JSON).
        data: Data directory (None = missing: data cases are skipped).
        seeds: Seed pages directory.
        names: Only these cases (names or prefixes).
        work: Scratch directory (generated corpora are reused from it); a
            temporary one, removed at the end, when None.
        timeout: Seconds a case may take before it is stopped.
        max_rss_gb: Process-tree RSS at which a case is stopped.
        options: Case options (``synthetic_n``, ``lsh_sample``).
        echo: Where progress lines go.

    Returns:
        The results dict (also written to ``output``).
    """
    cases = select_cases(suite, names)
    tmp = None
    if work is None:
        tmp = tempfile.TemporaryDirectory(prefix="dedup-bench-")
        work = Path(tmp.name)
    work.mkdir(parents=True, exist_ok=True)
    ctx = CaseContext(data=data, seeds=seeds, work=work, progress=progress_enabled(), options=options or {})
    results = {**results_header(suite, data, seeds), "cases": []}
    max_rss = int(max_rss_gb * 2**30)
    try:
        for k, case in enumerate(cases, 1):
            why = case.missing(ctx)
            if why:
                res = {"status": "skipped", "reason": why}
            else:
                echo(f"[{k}/{len(cases)}] {case.name}: {case.description}")
                gen = None
                if case.generate:
                    gen = _spawn(case.name, ctx, True, timeout, max_rss)
                    if gen.get("status") != "ok":
                        res = {**gen, "status": gen.get("status", "failed"),
                               "reason": "generating the corpus: " + str(gen.get("reason"))}
                    else:
                        res = None
                if not case.generate or res is None:
                    res = _spawn(case.name, ctx, False, timeout, max_rss)
                    if gen:
                        res["generation"] = {k2: gen.get(k2) for k2 in ("seconds", "json_bytes", "pool_sentences", "reused",
                                                                         "peak_rss_tree_mb")}
            res = _finish(case, res)
            results["cases"].append(res)
            echo("    " + _one_line(res))
            write_results(results, output)
    finally:
        if tmp is not None:
            tmp.cleanup()
    return results


def _one_line(c: dict) -> str:
    if c.get("status") != "ok":
        return f"{c.get('status')}: {c.get('reason', '')}".strip()
    parts = [f"{c.get('articles', 0):,} articles", f"{c.get('wall_s', 0):.2f} s"]
    if c.get("articles_per_s"):
        parts.append(f"{c['articles_per_s']:,.0f} art/s")
    if c.get("mb_per_s"):
        parts.append(f"{c['mb_per_s']:.2f} MB/s")
    parts.append(f"peak {c.get('peak_rss_mb', 0):,.0f} MB (tree {c.get('peak_rss_tree_mb', 0):,.0f} MB)")
    h = headline_quality(c)
    if h:
        parts.append(f"{h[0]} {h[1]:.4f}")
    return ", ".join(parts)


def write_results(results: dict, path: Path) -> None:
    """Write a results dict as indented JSON (deterministic key order)."""
    path = Path(path)
    if path.parent:
        path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(results, fh, ensure_ascii=False, indent=1, default=_json_default)
        fh.write("\n")


def load_results(path: Path) -> dict:
    """Read a results file; ValueError when it is not one."""
    with open(path, encoding="utf-8") as fh:
        data = json.load(fh)
    if not isinstance(data, dict) or "dedup_bench" not in data or "cases" not in data:
        raise ValueError(f"{path}: not a dedup bench results file (no 'dedup_bench' and 'cases' keys)")
    return data


# --------------------------------------------------------------------------- compare and report

#: Figures shown first, in this order; everything else numeric follows sorted.
_FIRST = ("articles", "wall_s", "articles_per_s", "mb_per_s", "peak_rss_mb", "peak_rss_tree_mb")
_LOWER_IS_BETTER = ("wall_s", "_s", "rss", "_mb")


def flatten(case: dict) -> dict[str, float]:
    """Numeric figures of one case as ``dotted.key -> value`` (lists, errors and sweeps left out).

    Example:
        >>> flatten({"wall_s": 1.5, "quality": {"dup": {"all": {"f1": 0.9}}}, "name": "x"})
        {'wall_s': 1.5, 'quality.dup.all.f1': 0.9}
    """
    out: dict[str, float] = {}

    def walk(prefix: str, v: Any) -> None:
        if isinstance(v, bool) or v is None:
            return
        if isinstance(v, (int, float)):
            if prefix.split(".")[-1] in ("input_bytes", "elapsed_s") or not math.isfinite(float(v)):
                return
            out[prefix] = float(v) if isinstance(v, float) else v
        elif isinstance(v, dict):
            for k, x in v.items():
                if k in ("generated", "generation", "machine", "lsh_stats", "records_by_page", "boilerplate_hits",
                         "thresholds"):
                    continue
                walk(f"{prefix}.{k}" if prefix else str(k), x)

    walk("", case)
    first = [k for k in _FIRST if k in out]
    rest = sorted(k for k in out if k not in _FIRST)
    return {k: out[k] for k in first + rest}


def _is_quality(key: str) -> bool:
    last = key.split(".")[-1]
    return last in ("f1", "precision", "recall", "score")


def _is_cost(key: str) -> bool:
    last = key.split(".")[-1]
    return last.endswith("_s") or "rss" in last


def headline_quality(case: dict) -> tuple[str, float] | None:
    """The one quality figure plotted for a case: ``(label, value)`` or None."""
    q = case.get("quality") or {}
    for proto, label in (("dup", "dup F1"), ("planted", "planted F1"), ("same_story", "same-story F1"),
                         ("lsh_recall", "LSH recall"), ("candidate_recall", "candidate recall"),
                         ("seeds", "seed checks")):
        v = q.get(proto)
        if not v:
            continue
        if "all" in v:
            v = v["all"]
        for key in ("f1", "recall", "score"):
            if v.get(key) is not None:
                return label, float(v[key])
    return None


def comparability(results: Sequence[dict]) -> list[str]:
    """Warnings that make timings or figures not comparable across results files."""
    warns = []
    base = results[0]
    for i, r in enumerate(results[1:], 2):
        m0, m1 = base.get("machine", {}), r.get("machine", {})
        diff = [k for k in MACHINE_KEYS if m0.get(k) != m1.get(k)]
        if diff:
            warns.append(f"WARNING: file 1 and file {i} come from different machines ({', '.join(diff)} differ): "
                         "their timings and memory are not comparable")
        if m0.get("python") != m1.get("python"):
            warns.append(f"warning: Python {m0.get('python')} vs {m1.get('python')} (file 1 vs file {i})")
        sd = _dict_diff(base.get("settings", {}), r.get("settings", {}))
        if sd:
            shown = ", ".join(sd[:8]) + (" …" if len(sd) > 8 else "")
            warns.append(f"WARNING: file 1 and file {i} were run with different settings ({shown}): "
                         "quality and timings measure different configurations")
        if base.get("suite") != r.get("suite"):
            warns.append(f"note: suites differ ({base.get('suite')} vs {r.get('suite')})")
        if base.get("source_digest") and r.get("source_digest") and base["source_digest"] != r["source_digest"]:
            warns.append(f"note: the dedup sources differ (digest {base['source_digest']} vs {r['source_digest']}): "
                         "different code was measured")
        if (base.get("version"), base.get("commit")) != (r.get("version"), r.get("commit")):
            warns.append(f"note: file 1 is {base.get('version')} @ {str(base.get('commit'))[:10]}, "
                         f"file {i} is {r.get('version')} @ {str(r.get('commit'))[:10]}")
    return warns


def _dict_diff(a: Any, b: Any, prefix: str = "") -> list[str]:
    if isinstance(a, dict) and isinstance(b, dict):
        out = []
        for k in sorted(set(a) | set(b)):
            out += _dict_diff(a.get(k), b.get(k), f"{prefix}.{k}" if prefix else k)
        return out
    return [] if a == b else [prefix]


def _fmt(v: float | None) -> str:
    if v is None:
        return "-"
    if isinstance(v, int) or (isinstance(v, float) and v.is_integer() and abs(v) >= 1000):
        return f"{int(v):,}"
    if abs(v) >= 100:
        return f"{v:,.1f}"
    return f"{v:.4g}" if abs(v) < 1 else f"{v:.3f}"


def compare_results(results: Sequence[dict], labels: Sequence[str]) -> str:
    """A side-by-side table of every figure of every case, with deltas and ratios against the first file.

    Flags: ``!`` a quality figure (F1, precision, recall, score) dropped by
    more than :data:`QUALITY_DROP`; ``+`` it rose by more than that; ``*`` a
    time or memory figure grew by more than :data:`COST_GROWTH` times.
    """
    lines = [f"file {i}: {lab}  ({r.get('suite')}, {r.get('version')} @ {str(r.get('commit') or 'no commit')[:10]}, "
             f"{r.get('date')}, {r.get('machine', {}).get('cpu')}, {r.get('machine', {}).get('cores_logical')} cores)"
             for i, (r, lab) in enumerate(zip(results, labels), 1)]
    warns = comparability(results)
    lines += [""] + warns + ([""] if warns else [])
    names: list[str] = []
    for r in results:
        for c in r["cases"]:
            if c["name"] not in names:
                names.append(c["name"])
    head = ["figure", "1"] + [x for i in range(2, len(results) + 1) for x in (str(i), f"Δ{i}-1", f"{i}/1")] + ["flag"]
    widths = [44, 12] + [12, 11, 7] * (len(results) - 1) + [4]
    fmt_row = lambda cells: "  ".join(str(c).rjust(w) if j else str(c).ljust(w)  # noqa: E731
                                      for j, (c, w) in enumerate(zip(cells, widths))).rstrip()
    for name in names:
        cases = [next((c for c in r["cases"] if c["name"] == name), None) for r in results]
        status = [c.get("status") if c else "absent" for c in cases]
        lines.append(f"== {name}  [" + " | ".join(status) + "]")
        for c, st in zip(cases, status):
            if c and st != "ok":
                lines.append(f"   {st}: {c.get('reason', '')}".rstrip()[:200])
        flats = [flatten(c) if c and c.get("status") == "ok" else {} for c in cases]
        keys: list[str] = []
        for f in flats:
            keys += [k for k in f if k not in keys]
        if not keys:
            continue
        lines.append(fmt_row(head))
        for key in keys:
            base = flats[0].get(key)
            cells = [key, _fmt(base)]
            flag = ""
            for f in flats[1:]:
                v = f.get(key)
                delta = v - base if v is not None and base is not None else None
                ratio = v / base if v is not None and base not in (None, 0) else None
                cells += [_fmt(v), "-" if delta is None else f"{delta:+.4g}", "-" if ratio is None else f"{ratio:.3f}"]
                if delta is not None and _is_quality(key):
                    if delta < -QUALITY_DROP:
                        flag = "!"
                    elif delta > QUALITY_DROP and flag != "!":
                        flag = "+"
                elif ratio is not None and _is_cost(key) and ratio > COST_GROWTH and not flag:
                    flag = "*"
            lines.append(fmt_row(cells + [flag]))
        lines.append("")
    lines.append(f"flags: ! quality dropped by more than {QUALITY_DROP}; + rose by more than {QUALITY_DROP}; "
                 f"* time or memory grew more than {COST_GROWTH}x (only meaningful on one machine)")
    return "\n".join(lines)


def plot_compare(results: Sequence[dict], labels: Sequence[str], out: Path) -> None:
    """Bar charts of throughput (articles/s) and the headline quality figure per case, one bar per file."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names: list[str] = []
    for r in results:
        for c in r["cases"]:
            if c["name"] not in names and c.get("status") == "ok":
                names.append(c["name"])
    fig, axes = plt.subplots(2, 1, figsize=(max(6, 1.2 * len(names) + 2), 7))
    width = 0.8 / max(1, len(results))
    x = np.arange(len(names))
    for i, (r, lab) in enumerate(zip(results, labels)):
        by = {c["name"]: c for c in r["cases"] if c.get("status") == "ok"}
        tput = [by.get(n, {}).get("articles_per_s") or np.nan for n in names]
        qual = [(headline_quality(by[n]) or ("", 0))[1] if n in by else 0 for n in names]
        axes[0].bar(x + i * width, tput, width, label=lab)
        axes[1].bar(x + i * width, qual, width, label=lab)
    axes[0].set_ylabel("articles / s")
    axes[0].set_yscale("log")
    axes[1].set_ylabel("F1 (or recall / checks)")
    axes[1].set_ylim(0, 1.05)
    for ax in axes:
        ax.set_xticks(x + width * (len(results) - 1) / 2)
        ax.set_xticklabels(names, rotation=30, ha="right", fontsize=8)
        ax.legend(fontsize=7)
    axes[0].set_title("throughput per case")
    axes[1].set_title("quality per case (dup F1 / planted F1 / LSH recall / seed checks)")
    fig.tight_layout()
    fig.savefig(out, dpi=90)
    plt.close(fig)


def plot_sweep(case: dict, out: Path) -> bool:
    """Precision/recall/F1 of the dup protocol against ``dup_bias`` (labels case); False when there is no sweep."""
    pts = (case.get("sweep") or {}).get("points") or []
    if not pts:
        return False
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    xs = [p["dup_bias"] for p in pts]
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.8))
    for key, ls in (("precision", "-"), ("recall", "--"), ("f1", ":")):
        axes[0].plot(xs, [p["dup"][key] for p in pts], ls, marker="o", ms=3, label=f"dup {key}")
        axes[0].plot(xs, [p["dup_contained"][key] for p in pts], ls, marker="s", ms=3, label=f"dup+contained {key}")
    d = [p["dup_bias"] for p in pts if p.get("default")]
    for ax in axes[:1]:
        for v in d:
            ax.axvline(v, color="grey", lw=0.8)
    axes[0].set_xlabel("verify.dup_bias (higher = more pairs called dup)")
    axes[0].set_ylim(0.5, 1.01)
    axes[0].legend(fontsize=7)
    axes[1].plot([p["dup"]["recall"] for p in pts], [p["dup"]["precision"] for p in pts], marker="o", ms=3, label="dup")
    axes[1].plot([p["dup_contained"]["recall"] for p in pts], [p["dup_contained"]["precision"] for p in pts],
                 marker="s", ms=3, label="dup+contained")
    axes[1].set_xlabel("recall")
    axes[1].set_ylabel("precision")
    axes[1].legend(fontsize=7)
    axes[1].set_title("precision / recall trade-off")
    fig.tight_layout()
    fig.savefig(out, dpi=90)
    plt.close(fig)
    return True


def merge_cases(results: Sequence[dict], files: Sequence[str]) -> list[tuple[dict, dict, str]]:
    """Each case once, from the newest file (by ``date``) that has it with status ok (else the newest that has it)."""
    chosen: dict[str, tuple[dict, dict, str]] = {}
    order: list[str] = []
    pairs = sorted(zip(results, files), key=lambda rf: str(rf[0].get("date") or ""))
    for r, f in pairs:
        for c in r["cases"]:
            if c["name"] not in order:
                order.append(c["name"])
            prev = chosen.get(c["name"])
            if prev is None or c.get("status") == "ok" or prev[1].get("status") != "ok":
                chosen[c["name"]] = (r, c, f)
    known = [c.name for c in CASES]
    order.sort(key=lambda n: known.index(n) if n in known else len(known))
    return [chosen[n] for n in order]


def _md_prf(p: dict | None) -> str:
    if not p:
        return "- | - | -"
    return f"{p['precision']:.3f} | {p['recall']:.3f} | **{p['f1']:.3f}**"


def markdown_report(results: Sequence[dict], files: Sequence[str], plots: dict[str, str] | None = None,
                    notes: str | None = None) -> str:
    """The headline tables of ``benchmarks/RESULTS.md`` from one or more results files (and hand-written notes)."""
    plots = plots or {}
    items = merge_cases(results, files)
    lines = ["# Benchmark results", "",
             "Regenerate: `dedup bench report benchmarks/results/full-*.json --plots benchmarks "
             "--notes benchmarks/NOTES.md > benchmarks/RESULTS.md`  ",
             "Measure again: `dedup bench run --suite full -o benchmarks/results/full-$(date +%F).json` "
             "(minutes; `--case NAME` for one case; `dedup bench compare OLD.json NEW.json` to compare).", ""]
    lines.append("## Where these figures come from")
    lines.append("")
    lines.append("| file | suite | version @ commit | date (UTC) | machine |")
    lines.append("|---|---|---|---|---|")
    for r, f in zip(results, files):
        m = r.get("machine", {})
        lines.append(f"| `{Path(f).name}` | {r.get('suite')} | {r.get('version')} @ {str(r.get('commit') or 'no commit')[:10]} | "
                     f"{r.get('date')} | {m.get('cpu')}, {m.get('cores_logical')} cores, {m.get('memory_gb')} GB, "
                     f"Python {m.get('python')} |")
    warns = comparability(list(results)) if len(results) > 1 else []
    if warns:
        lines += [""] + [f"> {w}" for w in warns]
    s = results[0].get("settings", {})
    if s:
        lines += ["", f"Settings (defaults): {s['shingle']['ngram']}-word shingles, {s['minhash']['num_perm']} permutations, "
                      f"LSH threshold {s['lsh']['threshold']} (b={s['lsh'].get('bands_used')}, r={s['lsh'].get('rows_used')}), "
                      f"dup_bias {s['verify']['dup_bias']}, linkage {s['cluster']['linkage']}."]
    # speed and memory
    lines += ["", "## Speed and memory", "",
              "Wall time is the timed work of the case (`speed`, `labels`: read + fit + related sections + report, "
              "the library path of `dedup report`; `scale_*`: read + fit + report, without the related stage; "
              "`report_*`: the same corpora through the whole `dedup report` path, related stage included; "
              "`lsh_recall`: the MinHash + banding stage only; peers: read + their whole pipeline; "
              "MB of JSON: the inputs' uncompressed bytes). Peak RSS: the case's own process (`ru_maxrss`) and its whole process tree sampled "
              "every 50 ms (the engine's tokenizer workers included). Each case runs in a fresh process.", "",
              "| case | articles | MB of JSON | wall s | articles/s | MB/s | peak RSS MB | peak tree MB | load before/after | status | file |",
              "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|"]
    for r, c, f in items:
        la = c.get("load_avg") or {}
        load = f"{la['before']:.1f} / {la['after']:.1f}" if la.get("before") is not None and la.get("after") is not None else "-"
        if c.get("status") == "ok":
            lines.append(f"| {c['name']} | {c.get('articles', 0):,} | {c.get('input_mb', '-')} | {c.get('wall_s', 0):.2f} | "
                         f"{c.get('articles_per_s', 0):,.0f} | {c.get('mb_per_s', '-')} | {c.get('peak_rss_mb', 0):,.0f} | "
                         f"{c.get('peak_rss_tree_mb', 0):,.0f} | {load} | ok | `{Path(f).name}` |")
        else:
            reason = str(c.get("reason", "")).splitlines()[0][:160] if c.get("reason") else ""
            tree = f"{c['peak_rss_tree_mb']:,.0f}" if isinstance(c.get("peak_rss_tree_mb"), (int, float)) else "-"
            lines.append(f"| {c['name']} | - | - | - | - | - | - | {tree} | {load} | "
                         f"**{c.get('status')}**: {reason} | `{Path(f).name}` |")
    phases = [(c["name"], c["phases"]) for _, c, _ in items if c.get("status") == "ok" and c.get("phases")]
    if phases:
        lines += ["", "Phases (seconds):", ""]
        for name, ph in phases:
            lines.append(f"- {name}: " + ", ".join(f"{k.removesuffix('_s')} {v:.2f}" for k, v in ph.items()))
    # quality on labelled pairs
    by = {c["name"]: c for _, c, _ in items}
    lab = by.get("labels")
    ds = by.get("peer_datasketch")
    dsn = by.get("peer_datasketch_norm")
    tf = by.get("peer_tfidf")
    td = by.get("peer_text_dedup")
    if lab or ds or tf:
        lines += ["", "## Quality on the labelled dev pairs (`labels/dev_pairs.jsonl`, SaudiNewsNet + ANT fitted together)", "",
                  "Protocol (issues 3 and 4): a pair is predicted duplicate when both articles are in one cluster. "
                  "`dup`: positives `dup`, negatives `related` + `unrelated`, `contained` pairs left out; `dup strict`: "
                  "`contained` counts as negative; `dup+contained`: positives `dup` or `contained`; same-story: "
                  "positives `dup`/`contained`/`related`, predicted = same duplicate cluster, same story cluster or a "
                  "listed related pair. `high`: only pairs labelled with high confidence.", "",
                  "| system | protocol | P | R | F1 | P (high) | R (high) | F1 (high) |",
                  "|---|---|---:|---:|---:|---:|---:|---:|"]
        names = {"dup": "dup", "dup_strict": "dup strict", "dup_contained": "dup+contained", "same_story": "same-story"}
        for sysname, c in (("dedup (this project)", lab), ("datasketch, text.split()", ds),
                           ("datasketch, normalized tokens", dsn), ("TF-IDF 0.2 baseline", tf)):
            if not c:
                continue
            if c.get("status") != "ok":
                lines.append(f"| {sysname} | {c.get('status')}: {str(c.get('reason', '')).splitlines()[0][:120]} | | | | | | |")
                continue
            for proto, label in names.items():
                q = c.get("quality", {}).get(proto)
                if q:
                    lines.append(f"| {sysname} | {label} | {_md_prf(q.get('all'))} | {_md_prf(q.get('high'))} |")
            if c is tf and c.get("quality", {}).get("same_story@0.3"):
                q = c["quality"]["same_story@0.3"]
                lines.append(f"| TF-IDF 0.3 baseline | same-story | {_md_prf(q.get('all'))} | {_md_prf(q.get('high'))} |")
        if lab and lab.get("status") == "ok" and lab.get("same_story", "").startswith("not available"):
            lines.append("")
            lines.append(f"Same-story for dedup: {lab['same_story']}.")
        if td:
            lines += ["", f"text-dedup: {td.get('status')} — {td.get('reason', '')}"]
        if lab and lab.get("status") == "ok":
            lines += ["", f"{lab['labels']['pairs']} pairs, {lab['labels']['missing']} with an id not in the corpora. "
                          f"Misclassified (dup protocol): " + ", ".join(
                              f"{e['pair']} ({e['label']}, {e['confidence']}, predicted {'dup' if e['predicted'] else 'not'})"
                              for e in lab.get("errors", []) if e["protocol"] == "dup") + "."]
            for key in ("sweep", "contained_sweep"):
                sw = lab.get(key) or {}
                if not sw.get("points"):
                    continue
                name = sw["parameter"].split(".")[-1]
                lines += ["", f"### Threshold sweep: `{sw['parameter']}` ({sw['method']})", "",
                          f"| {name} | dup P | dup R | dup F1 | dup+contained P | R | F1 | clusters | articles in clusters |",
                          "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
                for p in sw["points"]:
                    mark = " (default)" if p.get("default") else ""
                    lines.append(f"| {p[name]:+.2f}{mark} | {_md_prf(p['dup'])} | {_md_prf(p['dup_contained'])} | "
                                 f"{p['clusters']:,} | {p['in_clusters']:,} |")
                lines.append("")
                lines.append(f"The default point reproduces the main fit: {sw.get('default_reproduces_main_fit')}.")
                if key == "sweep" and plots.get("sweep"):
                    lines += ["", f"![dup_bias sweep]({plots['sweep']})"]
    # LSH recall
    for name in ("lsh_recall", "synthetic_lsh_recall"):
        c = by.get(name)
        if not c or c.get("status") != "ok":
            continue
        lines += ["", f"## LSH recall against exact Jaccard (`{name}`)", "",
                  f"{c.get('sample') or str(c['articles']) + ' articles'}; {c['with_shingles']:,} with shingles, "
                  f"{c['representatives']:,} after the exact-duplicate fast path. Brute force: exact 3-gram Jaccard of "
                  f"every pair (sparse `X @ X.T` over the boilerplate-discounted shingle sets the LSH sees). "
                  f"LSH: b={c['bands']}, r={c['rows']} for threshold {c['threshold']}. "
                  f"Recall at Jaccard ≥ {c['threshold']}: **{c['recall']}** ({c['found']:,} of {c['true_pairs']:,} pairs). "
                  f"`expected` is the S-curve 1-(1-J^r)^b averaged over the bucket's pairs.", "",
                  "| exact Jaccard | pairs | found | recall | expected |", "|---|---:|---:|---:|---:|"]
        for b in c["buckets"]:
            lines.append(f"| {b['jaccard']} | {b['pairs']:,} | {b['found']:,} | {b['recall'] if b['recall'] is not None else '-'} | "
                         f"{b['expected'] if b['expected'] is not None else '-'} |")
        me, cand = c.get("minhash_error") or {}, c.get("candidates") or {}
        lines += ["", f"MinHash Jaccard estimate on the true pairs: mean abs error {me.get('mean_abs')}, p95 {me.get('p95_abs')}, "
                      f"max {me.get('max_abs')}. Candidates: {cand.get('candidates', 0):,}, of which "
                      f"{cand.get('below_threshold', 0):,} ({cand.get('share_below_threshold', 0):.1%}) below the threshold "
                      f"(verification work). Brute force took {c['phases']['brute_force_s']:.2f} s, the LSH stage "
                      f"{c['phases']['lsh_s']:.2f} s."]
    c = by.get("candidate_recall")
    if c and c.get("status") == "ok":
        lines += ["", "## Candidate recall on pairs that verify (`candidate_recall`)", "",
                  f"{c['sample']:,} random articles of both corpora against all {c['articles']:,}: every pair with exact "
                  f"3-gram containment ≥ {c['min_containment']} by brute force ({c['pairs_checked']:,} pairs), verified "
                  f"with the engine's verdict. Proposed: its exact-duplicate representatives are one article or a "
                  f"candidate pair. Banding alone cannot see a short text inside a long one (low Jaccard); the "
                  f"containment proposer (`lsh.containment_sample`) can.", "",
                  "| verdict | verified pairs | proposed by banding | recall | by banding or containment | recall |",
                  "|---|---:|---:|---:|---:|---:|"]
        for name in ("dup", "contained"):
            v = c["verified"][name]
            lines.append(f"| {name} | {v['verified']:,} | {v['banding']:,} | {v['recall_banding']} | "
                         f"{v['banding_or_containment']:,} | {v['recall']} |")
        lines += ["", f"Candidates: {c['candidates']['total']:,}, of which {c['candidates']['containment_only']:,} "
                      f"proposed by the containment stage only. Brute force took {c['brute_force_s']:.1f} s."]
    # scale and synthetic
    planted = [(c["name"], c) for _, c, _ in items if c["name"].startswith(("scale", "synthetic")) and "lsh" not in c["name"]]
    if planted:
        lines += ["", "## Planted duplicates: synthetic and scale corpora", "",
                  "Scale corpora: originals of 4–14 real sentences (distinct sentences of both corpora, drawn without "
                  "replacement), 30% of them with 1–5 planted copies (exact, retitled + dateline, trimmed, respelled, "
                  "lightly edited, another site's chrome, lead only = contained); half of 40 outlets end every article "
                  "with their own sign-off. Pair-counting P/R/F1 of the clusters against the planted groups.", "",
                  "| case | articles | wall s | articles/s | peak RSS MB | P | R | F1 | recall by copy kind |",
                  "|---|---:|---:|---:|---:|---:|---:|---:|---|"]
        for name, c in planted:
            if c.get("status") != "ok":
                tree = f"{c['peak_rss_tree_mb']:,.0f} (tree)" if isinstance(c.get("peak_rss_tree_mb"), (int, float)) else "-"
                lines.append(f"| {name} | | | | {tree} | | | | **{c.get('status')}**: "
                             f"{str(c.get('reason', '')).splitlines()[0][:160]} |")
                continue
            kinds = ", ".join(f"{k} {v['recall']:.3f}" for k, v in (c.get("planted", {}).get("by_kind") or {}).items())
            lines.append(f"| {name} | {c['articles']:,} | {c['wall_s']:.1f} | {c.get('articles_per_s', 0):,.0f} | "
                         f"{max(c.get('peak_rss_mb', 0), c.get('peak_rss_tree_mb', 0)):,.0f} | "
                         f"{_md_prf(c['quality']['planted'])} | {kinds} |")
    c = by.get("teasers")
    if c and c.get("status") == "ok":
        n, q = c["counts"], c["quality"]["teaser_links"]
        lines += ["", "## Teaser links on unseen pages (`teasers`)", "",
                  f"{c['pages']} generated pages, each a real article's body with site chrome and a \"مقالات مشابهة\" "
                  f"list of 8 headlines that are titles of real articles, reprinted as sites do; 2 per page announce "
                  f"articles left out of the corpus. Of {n['teasers']} teasers the segmenter found "
                  f"{n['found_by_segmenter']}. Announced articles: {n['resolved']} resolved, {n['right']} right, "
                  f"{n['wrong']} wrong, {n['unresolved']} unresolved: precision {q['precision']}, recall {q['recall']}.", "",
                  "| style | teasers (held out included) | right | wrong | unresolved |", "|---|---:|---:|---:|---:|"]
        for style, st in sorted(c.get("by_style", {}).items()):
            lines.append(f"| {style} | {st['teasers']} | {st['right']} | {st['wrong']} | {st['unresolved']} |")
        held = (f"Held out: {n['held_out']}, of which {n['held_out_unresolved']} stay unresolved and "
                f"{n['held_out_linked']} link")
        if "held_out_to_copy" in n:
            held += (f": {n['held_out_to_copy']} to another outlet's copy of the held-out article (right), "
                     f"{n['held_out_to_story']} to another article of its story, {n['held_out_to_other']} elsewhere; "
                     f"right {q.get('held_out_right')}")
        lines += ["", held + "."]
    seeds = by.get("seeds")
    if seeds and seeds.get("status") == "ok":
        q = seeds["quality"]["seeds"]
        lines += ["", "## Seeds", "", f"{q['passed']} of {q['total']} checks pass "
                  f"({seeds['records']} records from the 5 pages; pages were also run with copies carrying another site's chrome). "
                  f"Story checks: {seeds.get('story_checks')}.", "", "| check | ok | detail |", "|---|---|---|"]
        for ch in seeds["checks"]:
            lines.append(f"| {ch['check']} | {'yes' if ch['ok'] else '**no**'} | {ch.get('detail', '')[:120]} |")
    if plots.get("compare"):
        lines += ["", f"![throughput and quality per case]({plots['compare']})"]
    if notes:
        lines += ["", notes.strip()]
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- CLI


def _default_seeds(data: Path | None) -> Path | None:
    if data is None:
        return None
    p = data.parent / "seeds"
    return p if p.is_dir() else None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def bench():
    """Benchmarks: measure speed, memory and quality, and compare results files.

    Example:

    \b
        dedup bench run --suite quick -o quick.json
        dedup bench compare old.json quick.json --plot cmp.png
        dedup bench report benchmarks/results/full-*.json > benchmarks/RESULTS.md
    """


@bench.command("run")
@click.option("--suite", type=click.Choice(SUITES), default="quick", show_default=True,
              help="quick: seconds, generated data and the seeds (CI); full: the real corpora (minutes).")
@click.option("--data", "data", type=click.Path(file_okay=False), default=None,
              help="Data directory [default: ../shared/data beside the repository when it exists].")
@click.option("--seeds", "seeds", type=click.Path(file_okay=False), default=None,
              help="Seed pages directory [default: seeds/ beside the data directory].")
@click.option("--case", "cases", multiple=True, metavar="NAME",
              help="Run only this case (a name or prefix, e.g. scale); repeatable.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), required=True,
              help="Results file (JSON), rewritten after every case.")
@click.option("--work", type=click.Path(file_okay=False), default=None,
              help="Scratch directory; generated corpora are kept and reused there [default: a temporary one].")
@click.option("--timeout", type=float, default=3600, show_default=True, help="Seconds a case may run before it is stopped.")
@click.option("--max-rss-gb", type=float, default=20.0, show_default=True,
              help="Stop a case whose process tree passes this RSS (recorded as aborted).")
@click.option("--synthetic-n", type=int, default=2000, show_default=True, help="Articles of the synthetic corpus.")
@click.option("--no-plot", is_flag=True, help="Do not draw the threshold-sweep plot beside the output.")
def run_cmd(suite, data, seeds, cases, output, work, timeout, max_rss_gb, synthetic_n, no_plot):
    """Run a benchmark suite and write one results file.

    Each case runs in its own process, so its peak memory is its own. A case
    whose data is missing is reported as skipped, with the reason.

    Example:

        dedup bench run --suite full -o benchmarks/results/full-2025-01-01.json
    """
    if data is not None:
        data_dir = Path(data).resolve()
        if not data_dir.is_dir():
            click.echo(f"warning: data directory {data_dir} does not exist: its cases will be skipped", err=True)
    else:
        data_dir = default_data_dir()
        if data_dir is None:
            click.echo("warning: no data directory (../shared/data not found; pass --data DIR): "
                       "cases that need the real corpora will be skipped", err=True)
    seeds_dir = Path(seeds).resolve() if seeds else _default_seeds(data_dir)
    try:
        results = run_suite(suite, Path(output), data=data_dir, seeds=seeds_dir, names=cases,
                            work=Path(work).resolve() if work else None, timeout=timeout, max_rss_gb=max_rss_gb,
                            options={"synthetic_n": synthetic_n}, echo=lambda s: click.echo(s, err=True))
    except ValueError as exc:
        raise click.UsageError(str(exc)) from exc
    lab = next((c for c in results["cases"] if c["name"] == "labels" and c.get("status") == "ok"), None)
    if lab and not no_plot:
        png = Path(output).with_suffix(".sweep.png")
        with contextlib.suppress(ImportError):
            if plot_sweep(lab, png):
                click.echo(f"sweep plot: {png}", err=True)
    st = [c.get("status") for c in results["cases"]]
    click.echo(f"wrote {output}: " + ", ".join(f"{st.count(s)} {s}" for s in ("ok", "skipped", "aborted", "failed") if st.count(s)),
               err=True)
    if "failed" in st:
        raise SystemExit(1)


@bench.command("compare")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--plot", type=click.Path(dir_okay=False, writable=True), default=None,
              help="Draw throughput and F1 per case to this PNG (matplotlib).")
def compare_cmd(files, plot):
    """Compare results files side by side: every figure, deltas and ratios against the first.

    Quality drops larger than 0.005 are flagged `!`. Warns when files come from
    different machines or settings (timings not comparable).

    Example:

        dedup bench compare benchmarks/results/full-old.json new.json --plot cmp.png
    """
    try:
        results = [load_results(Path(f)) for f in files]
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(compare_results(results, list(files)))
    for w in comparability(results):
        if w.startswith("WARNING"):
            click.echo(w, err=True)
    if plot:
        try:
            plot_compare(results, [Path(f).stem for f in files], Path(plot))
        except ImportError as exc:
            raise click.ClickException("--plot needs matplotlib: pip install 'dedup[plot]'") from exc
        click.echo(f"plot written to {plot}", err=True)


@bench.command("report")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--plots", type=click.Path(file_okay=False), default=None,
              help="Also draw the sweep and per-case plots into this directory and link them.")
@click.option("--notes", type=click.Path(exists=True, dir_okay=False), default=None,
              help="A Markdown file of hand-written observations appended to the report.")
def report_cmd(files, plots, notes):
    """Print the Markdown tables of benchmarks/RESULTS.md from results files.

    When several files hold one case, the last one with status ok is used.

    Example:

        dedup bench report benchmarks/results/full-*.json --plots benchmarks --notes benchmarks/NOTES.md > benchmarks/RESULTS.md
    """
    try:
        results = [load_results(Path(f)) for f in files]
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    links: dict[str, str] = {}
    if plots:
        d = Path(plots)
        d.mkdir(parents=True, exist_ok=True)
        lab = next((c for _, c, _ in merge_cases(results, files) if c["name"] == "labels" and c.get("status") == "ok"), None)
        with contextlib.suppress(ImportError):
            if lab and plot_sweep(lab, d / "sweep.png"):
                links["sweep"] = "sweep.png"
            merged = [{**results[-1], "cases": [c for _, c, _ in merge_cases(results, files)]}]
            plot_compare(merged, ["results"], d / "cases.png")
            links["compare"] = "cases.png"
    text = Path(notes).read_text(encoding="utf-8") if notes else None
    click.echo(markdown_report(results, list(files), links, text), nl=False)


@bench.command("_case", hidden=True)
@click.argument("name")
@click.option("--data", type=click.Path(), default=None)
@click.option("--seeds", type=click.Path(), default=None)
@click.option("--work", type=click.Path(), required=True)
@click.option("--out", type=click.Path(), required=True)
@click.option("--options", default="{}")
@click.option("--generate", is_flag=True)
def _case_cmd(name, data, seeds, work, out, options, generate):
    """Run one case in this process (used by `bench run`)."""
    ctx = CaseContext(data=Path(data) if data else None, seeds=Path(seeds) if seeds else None, work=Path(work),
                      progress=progress_enabled(), options=json.loads(options))
    raise SystemExit(_child_main(name, ctx, Path(out), generate))


if __name__ == "__main__":  # pragma: no cover
    bench()
