"""Fit the headline same-story model on the ANS stance pairs and report how it separates them.

Usage: python benchmarks/train_headline.py [DATA_DIR]   (default ../shared/data)

Fits a logistic model (scikit-learn, L2, ``C=1``) of ``agree`` against
``disagree`` + ``other`` on ``ans/stance_train.csv`` over
:func:`dedup.headline.headline_features`, prints the weights to paste into
:data:`dedup.headline.HEADLINE_WEIGHTS` / ``HEADLINE_BIAS``, and reports on
``ans/stance_dev.csv`` (never used for fitting): AUC of agree vs disagree, and
how many pairs of each stance the shipped model links at the story bar.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

from dedup.headline import FEATURES, HEADLINE_BIAS, HEADLINE_WEIGHTS, headline_features
from dedup.related import RelatedConfig


def load(path: Path) -> tuple[np.ndarray, np.ndarray]:
    with open(path, encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    x = np.array([headline_features(r["s1"], r["s2"]) for r in rows])
    return x, np.array([r["stance"] for r in rows])


def main(data: Path) -> int:
    ans = data / "ans"
    if not ans.is_dir():
        print(f"ANS data not found at {ans}: nothing fitted", file=sys.stderr)
        return 1
    xt, yt = load(ans / "stance_train.csv")
    xd, yd = load(ans / "stance_dev.csv")
    clf = LogisticRegression(C=1.0, max_iter=5000).fit(xt, (yt == "agree").astype(int))
    print("fitted on stance_train:")
    print(f"HEADLINE_WEIGHTS = {tuple(round(float(w), 2) for w in clf.coef_[0])}")
    print(f"HEADLINE_BIAS = {round(float(clf.intercept_[0]), 2)}")
    print("features:", ", ".join(FEATURES))
    bar = RelatedConfig().headline_story
    for name, w, b in (("refitted", clf.coef_[0], float(clf.intercept_[0])),
                       ("shipped", np.asarray(HEADLINE_WEIGHTS), HEADLINE_BIAS)):
        p = 1.0 / (1.0 + np.exp(-(xd @ w + b)))
        m = yd != "other"
        auc = roc_auc_score(yd[m] == "agree", p[m])
        linked = {k: f"{int(((yd == k) & (p >= bar)).sum())}/{int((yd == k).sum())}" for k in ("agree", "disagree", "other")}
        print(f"stance_dev, {name} model: AUC agree vs disagree {auc:.3f}; pairs linked at {bar}: {linked}")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[2] / "shared" / "data"))
