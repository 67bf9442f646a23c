"""Validation top-1 of the next-line reranker fitted by XGBoost: a ranking objective (rank:pairwise / rank:ndcg) against
a pointwise logistic fit of the same trees, on fit_reranker.py's rows and its validation split (seed 7, an eighth of
the positions). Early stopping on another eighth of the training positions, so the validation positions choose
nothing. Needs Debian's python3-xgboost.
Usage: python3 reranker-lambdarank.py reranker.tsv [objective[/max_leaves[/min_child_weight[/colsample]]] ...]
"""
import json
import sys
import time

import numpy as np
import pandas as pd
import xgboost as xgb


def top1(scores, labels, groups):
    order = np.lexsort((-scores, groups))
    g = groups[order]
    first = np.ones(len(order), dtype=bool)
    first[1:] = g[1:] != g[:-1]
    return float(labels[order][first].mean())


def main():
    path = sys.argv[1]
    objectives = sys.argv[2:] or ["binary:logistic", "rank:pairwise", "rank:ndcg"]
    t = time.time()
    df = pd.read_csv(path, sep="\t", dtype=np.float32, engine="c")
    groups = df["position"].to_numpy().astype(np.int64)
    y = df["label"].to_numpy().astype(np.int64)
    X = df.drop(columns=["position", "label"]).to_numpy()
    del df
    uniq = np.unique(groups)
    rng = np.random.default_rng(7)
    val = set(rng.choice(uniq, size=max(1, len(uniq) // 8), replace=False).tolist())
    is_val = np.isin(groups, list(val))
    rest = np.array(sorted(set(uniq.tolist()) - val))
    stop = set(np.random.default_rng(8).choice(rest, size=max(1, len(rest) // 8), replace=False).tolist())
    is_stop = np.isin(groups, list(stop))
    is_fit = ~is_val & ~is_stop
    print(json.dumps({"rows": len(y), "positions": len(uniq), "features": X.shape[1], "load_s": round(time.time() - t)}), flush=True)
    for spec in objectives:
        t = time.time()
        parts = spec.split("/")
        obj, leaves, mcw, col = parts + ["127", "1", "1"][len(parts) - 1:]
        params = {"objective": obj, "eta": 0.08, "tree_method": "hist", "grow_policy": "lossguide", "max_leaves": int(leaves),
                  "max_depth": 0, "min_child_weight": float(mcw), "colsample_bynode": float(col), "lambda": 1.0, "nthread": 2}
        dtr = xgb.DMatrix(X[is_fit], label=y[is_fit], missing=np.nan)
        dst = xgb.DMatrix(X[is_stop], label=y[is_stop], missing=np.nan)
        dva = xgb.DMatrix(X[is_val], label=y[is_val], missing=np.nan)
        if obj.startswith("rank:"):
            # Rows of one position are contiguous in the TSV: group sizes in order of appearance.
            for d, m in ((dtr, is_fit), (dst, is_stop), (dva, is_val)):
                g = groups[m]
                cut = np.flatnonzero(np.r_[True, g[1:] != g[:-1], True])
                d.set_group(np.diff(cut))
            params["eval_metric"] = "ndcg@1"
        else:
            params["eval_metric"] = "logloss"
        booster = xgb.train(params, dtr, num_boost_round=800, evals=[(dst, "stop")], early_stopping_rounds=40, verbose_eval=False)
        s = booster.predict(dva, iteration_range=(0, booster.best_iteration + 1))
        print(json.dumps({"spec": spec, "best_iter": booster.best_iteration, "val_top1": round(top1(s, y[is_val], groups[is_val]), 4),
                          "fit_s": round(time.time() - t)}), flush=True)


if __name__ == "__main__":
    main()
