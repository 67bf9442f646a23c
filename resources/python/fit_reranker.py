"""Fits the next-line reranker: gradient-boosted trees (scikit-learn's HistGradientBoostingClassifier) over candidate
keys' features that ml/recommender/key-ranker.ts computed on training notebooks (out of fold: the n-grams that scored a
notebook never counted it). Early stopping on a part of the positions held apart; the trees go to reranker.json for
ml/recommender/gbdt.ts. Progress and the validation report go to stdout as JSON lines.

Input: a TSV whose first line names the columns: position, label, then the features.
"""
import argparse
import json

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier


def emit(event, **fields):
    print(json.dumps({"event": event, **fields}), flush=True)


def top1(scores, labels, groups):
    hits, n = 0, 0
    order = np.lexsort((-scores, groups))
    g_sorted = groups[order]
    first = np.ones(len(order), dtype=bool)
    first[1:] = g_sorted[1:] != g_sorted[:-1]
    for_pos = labels[order][first]
    return float(for_pos.mean()) if len(for_pos) else 0.0


def export(model, features):
    trees = []
    for stage in model._predictors:
        for pred in stage:
            nodes = pred.nodes
            trees.append({
                "feature": [int(-1 if leaf else f) for f, leaf in zip(nodes["feature_idx"], nodes["is_leaf"])],
                "threshold": [float(t) for t in nodes["num_threshold"]],
                "left": [int(x) for x in nodes["left"]],
                "right": [int(x) for x in nodes["right"]],
                "value": [float(v) for v in nodes["value"]],
                "missingLeft": [int(m) for m in nodes["missing_go_to_left"]],
            })
    baseline = float(np.ravel(model._baseline_prediction)[0])
    return {"kind": "gbdt", "features": features, "baseline": baseline, "trees": trees}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--iters", type=int, default=600)
    ap.add_argument("--leaves", default="127", help="max leaf nodes to try, comma-separated (63 and 127 were tried: 127 won)")
    ap.add_argument("--lr", type=float, default=0.08)
    a = ap.parse_args()
    with open(a.data) as f:
        header = f.readline().rstrip("\n").split("\t")
    data = np.loadtxt(a.data, delimiter="\t", skiprows=1, dtype=np.float64)
    groups = data[:, 0].astype(np.int64)
    y = data[:, 1].astype(np.int64)
    X = data[:, 2:]
    features = header[2:]
    emit("data", rows=int(len(y)), positions=int(len(np.unique(groups))), features=len(features))
    uniq = np.unique(groups)
    rng = np.random.default_rng(7)
    val_groups = set(rng.choice(uniq, size=max(1, len(uniq) // 8), replace=False).tolist())
    is_val = np.array([g in val_groups for g in groups])
    best = None
    for leaves in sorted({int(x) for x in a.leaves.split(",")}):
        m = HistGradientBoostingClassifier(max_iter=a.iters, learning_rate=a.lr, max_leaf_nodes=leaves,
                                           min_samples_leaf=40, l2_regularization=1.0, early_stopping=True,
                                           validation_fraction=0.1, n_iter_no_change=30, random_state=7)
        m.fit(X[~is_val], y[~is_val])
        acc = top1(m.decision_function(X[is_val]), y[is_val], groups[is_val])
        emit("fit", leaves=leaves, iters=int(m.n_iter_), val_top1=round(acc, 4))
        if best is None or acc > best[0]:
            best = (acc, leaves, m.n_iter_)
    acc, leaves, iters = best
    m = HistGradientBoostingClassifier(max_iter=int(iters), learning_rate=a.lr, max_leaf_nodes=leaves,
                                       min_samples_leaf=40, l2_regularization=1.0, early_stopping=False, random_state=7)
    m.fit(X, y)
    out = export(m, features)
    # The exported trees must give scikit-learn's own margins.
    check = X[: min(2000, len(X))]
    mine = np.array([margin(out, row) for row in check])
    assert np.allclose(mine, m.decision_function(check), atol=1e-6), "exported trees disagree with scikit-learn"
    with open(a.out, "w") as f:
        json.dump(out, f)
    emit("done", leaves=leaves, iters=int(iters), val_top1=round(acc, 4), trees=len(out["trees"]))


def margin(model, row):
    s = model["baseline"]
    for t in model["trees"]:
        n = 0
        while t["feature"][n] >= 0:
            v = row[t["feature"][n]]
            left = (t["missingLeft"][n] == 1) if np.isnan(v) else v <= t["threshold"][n]
            n = t["left"][n] if left else t["right"][n]
        s += t["value"][n]
    return s


if __name__ == "__main__":
    main()
