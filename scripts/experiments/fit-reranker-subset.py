"""Fits the next-line reranker as resources/python/fit_reranker.py does, on the first N positions of the reranker TSV and
on a chosen feature prefix, and exports the early-stopped model itself (no refit on all positions: half the time, for
a shared 2-core machine). Its validation top-1 is that of the exported trees, on fit_reranker.py's validation positions
(seed 7, one eighth of the positions).

  OMP_NUM_THREADS=1 /usr/bin/python3 scripts/experiments/fit-reranker-subset.py --data /tmp/rk/m2/work/reranker.tsv \
      --positions 30000 --features 58 --out /tmp/rk/m2/reranker.json
"""
import argparse
import json
import sys
import time

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier

sys.path.insert(0, "resources/python")
from fit_reranker import export, margin, top1  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--positions", type=int, default=30000)
    ap.add_argument("--features", type=int, default=0, help="keep the first N feature columns (0: all)")
    ap.add_argument("--leaves", type=int, default=127)
    ap.add_argument("--iters", type=int, default=600)
    ap.add_argument("--lr", type=float, default=0.08)
    a = ap.parse_args()
    t0 = time.time()
    with open(a.data) as f:
        features = f.readline().rstrip("\n").split("\t")[2:]
    data = np.loadtxt(a.data, delimiter="\t", skiprows=1, dtype=np.float64)
    data = data[data[:, 0] < a.positions]
    n = a.features or len(features)
    features = features[:n]
    groups = data[:, 0].astype(np.int64)
    y = data[:, 1].astype(np.int64)
    X = np.ascontiguousarray(data[:, 2:2 + n])
    del data
    uniq = np.unique(groups)
    rng = np.random.default_rng(7)
    val = set(rng.choice(uniq, size=max(1, len(uniq) // 8), replace=False).tolist())
    is_val = np.isin(groups, list(val))
    print(json.dumps({"event": "data", "rows": len(y), "positions": len(uniq), "features": n, "load_s": round(time.time() - t0)}), flush=True)
    m = HistGradientBoostingClassifier(max_iter=a.iters, learning_rate=a.lr, max_leaf_nodes=a.leaves, min_samples_leaf=40,
                                       l2_regularization=1.0, early_stopping=True, validation_fraction=0.1,
                                       n_iter_no_change=30, random_state=7)
    m.fit(X[~is_val], y[~is_val])
    acc = top1(m.decision_function(X[is_val]), y[is_val], groups[is_val])
    out = export(m, features)
    check = X[: min(2000, len(X))]
    assert np.allclose([margin(out, r) for r in check], m.decision_function(check), atol=1e-6), "export disagrees"
    with open(a.out, "w") as f:
        json.dump(out, f)
    print(json.dumps({"event": "done", "leaves": a.leaves, "iters": int(m.n_iter_), "val_top1": round(acc, 4),
                      "trees": len(out["trees"]), "positions": len(uniq), "refit": False,
                      "seconds": round(time.time() - t0)}), flush=True)


if __name__ == "__main__":
    main()
