"""Per-lever ablation of the next-line reranker (issue #20): fits resources/python/fit_reranker.py's model on the reranker
TSV that `gds train recommender` wrote, once per feature set, and prints each set's validation top-1 (same validation
positions as fit_reranker.py: seed 7, one eighth of the positions). Feature groups are column-name prefixes.

  python3 scripts/experiments/reranker-ablation.py --data /tmp/rk/m2/work/reranker.tsv --positions 30000
"""
import argparse
import json
import sys
import time

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier

sys.path.insert(0, "resources/python")
from fit_reranker import top1  # noqa: E402

LEVERS = {
    "unread": ("unread_",),
    "fit": ("fit_", "uses_fit", "is_fit", "pending_use"),
    "markdown": ("md_",),
}


def columns_without(features, levers):
    drop = tuple(p for lever in levers for p in LEVERS[lever])
    return [i for i, f in enumerate(features) if not f.startswith(drop)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--positions", type=int, default=30000, help="the first N positions of the file")
    ap.add_argument("--leaves", type=int, default=127)
    ap.add_argument("--sets", default="none,unread,fit,markdown,all", help="which new levers each fit keeps")
    a = ap.parse_args()
    t0 = time.time()
    df = pd.read_csv(a.data, sep="\t", dtype=np.float32)
    df = df[df["position"] < a.positions]
    groups = df["position"].to_numpy().astype(np.int64)
    y = df["label"].to_numpy().astype(np.int64)
    features = list(df.columns[2:])
    X = df.iloc[:, 2:].to_numpy()
    del df
    uniq = np.unique(groups)
    rng = np.random.default_rng(7)
    val = set(rng.choice(uniq, size=max(1, len(uniq) // 8), replace=False).tolist())
    is_val = np.isin(groups, list(val))
    print(json.dumps({"rows": len(y), "positions": len(uniq), "load_s": round(time.time() - t0)}), flush=True)
    for name in a.sets.split(","):
        keep = list(LEVERS) if name == "all" else [] if name == "none" else [name]
        cols = columns_without(features, [l for l in LEVERS if l not in keep])
        t = time.time()
        m = HistGradientBoostingClassifier(max_iter=600, learning_rate=0.08, max_leaf_nodes=a.leaves, min_samples_leaf=40,
                                           l2_regularization=1.0, early_stopping=True, validation_fraction=0.1,
                                           n_iter_no_change=30, random_state=7)
        m.fit(X[~is_val][:, cols], y[~is_val])
        acc = top1(m.decision_function(X[is_val][:, cols]), y[is_val], groups[is_val])
        print(json.dumps({"set": name, "features": len(cols), "iters": int(m.n_iter_), "val_top1": round(acc, 4),
                          "seconds": round(time.time() - t)}), flush=True)


if __name__ == "__main__":
    main()
