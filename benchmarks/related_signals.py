"""How well lexical signals separate `related` from `unrelated` labelled pairs (issue 4's question).

Usage: python benchmarks/related_signals.py [DATA_DIR]   (default ../shared/data)

Reads both corpora, fits TF-IDF models over every article (title + body,
normalized, sublinear tf, ``min_df=2``, ``max_df=0.2``) and prints, for the
labelled dev pairs, the ROC AUC of each signal for

* ``related`` against ``unrelated``: two reports of one event against two
  reports of different events (the pairs the same-story target turns on), and
* same story (``dup``, ``contained``, ``related``) against ``unrelated``.

Signals: cosine over words, cosine over character 3-5-grams inside word
boundaries (absorbs transliteration variants), and days apart (negated, so
that higher means "more likely one story"). An AUC of 0.5 is a coin toss.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import roc_auc_score

from dedup.bench import load_labels
from dedup.io import read_inputs
from dedup.normalize import tokens


def _cosines(x, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.asarray(x[a].multiply(x[b]).sum(axis=1)).ravel()


def main(data: Path) -> int:
    corpora = [data / "saudinewsnet.jsonl.gz", data / "ant.jsonl.gz"]
    labels_path = data / "labels" / "dev_pairs.jsonl"
    if not labels_path.exists() or not all(p.exists() for p in corpora):
        print(f"corpora or labels not found under {data}: nothing measured", file=sys.stderr)
        return 1
    records = read_inputs([str(p) for p in corpora]).records
    index = {r.id: k for k, r in enumerate(records)}
    pairs = [p for p in load_labels(labels_path) if p["a"] in index and p["b"] in index]
    a = np.array([index[p["a"]] for p in pairs])
    b = np.array([index[p["b"]] for p in pairs])
    label = np.array([p["label"] for p in pairs])
    texts = [" ".join(tokens(f"{r.title or ''}\n{r.text}")) for r in records]
    signals = {}
    for name, vec in (("cosine, words", TfidfVectorizer(analyzer=str.split, sublinear_tf=True, min_df=2, max_df=0.2)),
                      ("cosine, char 3-5-grams", TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True,
                                                                  min_df=2, max_df=0.2, dtype=np.float32))):
        signals[name] = _cosines(vec.fit_transform(texts), a, b)
    pub = np.array([r.published.timestamp() if r.published else np.nan for r in records])
    signals["days apart (negated)"] = -np.nan_to_num(np.abs(pub[a] - pub[b]) / 86400.0, nan=0.0)
    rel = np.isin(label, ["related", "unrelated"])
    print(f"{len(pairs)} labelled pairs: {int((label == 'related').sum())} related, "
          f"{int((label == 'unrelated').sum())} unrelated, {int(np.isin(label, ['dup', 'contained']).sum())} dup or contained")
    for name, s in signals.items():
        auc_rel = roc_auc_score(label[rel] == "related", s[rel])
        auc_story = roc_auc_score(label != "unrelated", s)
        print(f"{name:24s} AUC related vs unrelated {auc_rel:.3f}; same story vs unrelated {auc_story:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[2] / "shared" / "data"))
