"""How well headline similarity separates paraphrase from contradiction (ANS stance pairs).

Usage: python benchmarks/ans_headlines.py [DATA_DIR]   (default ../shared/data)

Prints, for each ANS split, the AUC of ``headline_match`` (minimum of both
directions) between `agree` and `disagree` pairs, and how many pairs of each
stance would pass the teaser-link bar.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import numpy as np
from sklearn.metrics import roc_auc_score

from dedup.related import RelatedConfig, headline_match


def main(data: Path) -> int:
    ans = data / "ans"
    if not ans.is_dir():
        print(f"ANS data not found at {ans}: nothing measured", file=sys.stderr)
        return 1
    bar = RelatedConfig().teaser_min_score
    for split in ("stance_dev", "stance_train"):
        with open(ans / f"{split}.csv", encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
        score = np.array([min(headline_match(r["s1"], r["s2"]), headline_match(r["s2"], r["s1"])) for r in rows])
        stance = np.array([r["stance"] for r in rows])
        m = stance != "other"
        auc = roc_auc_score((stance[m] == "agree").astype(int), score[m])
        linked = {k: f"{int(((stance == k) & (score >= bar)).sum())}/{int((stance == k).sum())}"
                  for k in ("agree", "disagree", "other")}
        print(f"{split}: AUC agree vs disagree {auc:.3f}; pairs passing the teaser bar {bar}: {linked}")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[2] / "shared" / "data"))
