"""Fits the stage stacker (multinomial logistic regression) on hand-labelled cells whose features ml/classifier
(TypeScript, gathered by pipeline/training/classifier/fit-stacker.ts) computed, choosing its regularisation by cross-validation grouped by Kaggle dataset, so every score it
reports is on datasets the fold never saw. Writes stacker.json for ml/classifier/stacker.ts: the in-context
regression over all features, and the cell-alone one over the cell's own features (the leading `cellNames` columns),
each with its own choice.

Progress and the cross-validation report go to stdout as JSON lines.
"""
import argparse
import json
import sys
from collections import Counter

import numpy as np
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import GroupKFold

STAGES = ["import", "load", "explore", "prep", "train", "eval"]


def emit(event, **fields):
    print(json.dumps({"event": event, **fields}), flush=True)


def token_vocab(token_lists, min_df):
    df = Counter(t for toks in token_lists for t in set(toks))
    return sorted(t for t, c in df.items() if c >= min_df)


def design(dense, token_lists, mean, scale, vocab, token_weight):
    index = {t: k for k, t in enumerate(vocab)}
    rows, cols = [], []
    for i, toks in enumerate(token_lists):
        for t in set(toks):
            k = index.get(t)
            if k is not None:
                rows.append(i)
                cols.append(k)
    bag = sp.csr_matrix((np.full(len(rows), token_weight), (rows, cols)), shape=(len(token_lists), len(vocab)))
    return sp.hstack([sp.csr_matrix((dense - mean) / scale), bag]).tocsr()


def fit(dense, token_lists, y, c, token_weight, min_df):
    mean = dense.mean(axis=0)
    scale = dense.std(axis=0)
    scale[scale == 0] = 1.0
    vocab = token_vocab(token_lists, min_df)
    model = LogisticRegression(C=c, max_iter=5000)
    model.fit(design(dense, token_lists, mean, scale, vocab, token_weight), y)
    return model, mean, scale, vocab


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--min-df", type=int, default=3)
    ap.add_argument("--c", default="0.03,0.1,0.3")
    ap.add_argument("--token-weight", default="1,1.5,2")
    args = ap.parse_args()

    with open(args.data) as f:
        data = json.load(f)
    dense = np.array(data["dense"], dtype=np.float64)
    tokens = data["tokens"]
    y = np.array(data["y"])
    groups = np.array(data["groups"])
    files = np.array(data["files"])
    rules = np.array(data["rules"])
    if len(set(y.tolist())) < len(STAGES):
        sys.exit("the hand labels must cover all six stages")
    folds = list(GroupKFold(n_splits=min(args.folds, len(set(groups.tolist())))).split(dense, y, groups))
    emit("data", cells=int(len(y)), groups=int(len(set(groups.tolist()))), dense=int(dense.shape[1]), folds=len(folds))

    def choose(columns, name):
        """Grid over C and token weight by the grouped CV; the best setting's held-out predictions."""
        best = None
        for c in [float(v) for v in args.c.split(",")]:
            for tw in [float(v) for v in args.token_weight.split(",")]:
                pred = np.zeros(len(y), dtype=int)
                for tr, te in folds:
                    model, mean, scale, vocab = fit(dense[tr][:, columns], [tokens[i] for i in tr], y[tr], c, tw, args.min_df)
                    pred[te] = model.predict(design(dense[te][:, columns], [tokens[i] for i in te], mean, scale, vocab, tw))
                acc = float((pred == y).mean())
                emit("cv", model=name, c=c, token_weight=tw, accuracy=acc)
                if best is None or acc > best["accuracy"]:
                    best = {"c": c, "token_weight": tw, "accuracy": acc, "pred": pred}
        return best

    def per_file(pred, baseline, base_name):
        out = {}
        for name in sorted(set(files.tolist())):
            m = files == name
            f1 = lambda p: float(f1_score(y[m], p[m], average="macro", labels=range(len(STAGES)), zero_division=0))
            out[name] = {
                "cells": int(m.sum()),
                "stacker": float((pred[m] == y[m]).mean()),
                base_name: float((baseline[m] == y[m]).mean()),
                "stackerMacroF1": f1(pred),
                base_name + "MacroF1": f1(baseline),
            }
        return out

    def final(columns, best):
        model, mean, scale, vocab = fit(dense[:, columns], tokens, y, best["c"], best["token_weight"], args.min_df)
        coef = model.coef_.copy()
        coef[:, len(columns):] *= best["token_weight"]
        return {
            "mean": mean.tolist(),
            "scale": scale.tolist(),
            "tokens": vocab,
            "coef": [[round(float(v), 6) for v in row] for row in coef],
            "intercept": model.intercept_.tolist(),
        }, vocab

    every = list(range(dense.shape[1]))
    best = choose(every, "in-context")
    params, vocab = final(every, best)
    params = {"kind": "gds-stage-stacker", "version": 1, "lfNames": data["lfNames"], "dense": data["denseNames"], **params}
    cell = list(range(len(data["cellNames"])))
    if data["denseNames"][: len(cell)] != data["cellNames"]:
        sys.exit("the cell features must lead the dense features")
    mixture = np.array(data["mixture"])
    best_alone = choose(cell, "alone")
    alone_params, alone_vocab = final(cell, best_alone)
    params["alone"] = {"dense": data["cellNames"], **alone_params}
    alone_report = {
        "c": best_alone["c"],
        "token_weight": best_alone["token_weight"],
        "tokens": len(alone_vocab),
        "cv_accuracy": best_alone["accuracy"],
        "cv_mixture_accuracy": float((mixture == y).mean()),
        "per_file": per_file(best_alone["pred"], mixture, "mixture"),
    }
    with open(args.out, "w") as f:
        json.dump(params, f)
    emit("done", c=best["c"], token_weight=best["token_weight"], cv_accuracy=best["accuracy"], cv_rules_accuracy=float((rules == y).mean()), per_file=per_file(best["pred"], rules, "rules"), tokens=len(vocab), cells=int(len(y)), alone=alone_report)


if __name__ == "__main__":
    main()
