"""Compares stackers over two models' feature rows (scripts/experiments/self-training-split.ts rows) on half B of the development
datasets, the half a split teacher never saw: the same grouped 5-fold CV as fit_stacker.py at four of its settings
(C in {0.03, 0.1}, token weight in {1.5, 2}), each with a paired sign test over the cells of B.
    /usr/bin/python3 scripts/experiments/self_training_split.py BASE_ROWS.json STUDENT_ROWS.json"""
import hashlib
import json
import os
import sys

import numpy as np
from scipy.stats import binomtest
from sklearn.model_selection import GroupKFold

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "resources", "python"))
from fit_stacker import design, fit  # noqa: E402


def in_half_a(dataset):
    return int(hashlib.sha1(f"gds-teacher-split:{dataset}".encode()).hexdigest()[:8], 16) / 2**32 < 0.5


def held_out_predictions(data, columns, c, token_weight):
    dense = np.array(data["dense"], dtype=np.float64)
    tokens, y, groups = data["tokens"], np.array(data["y"]), np.array(data["groups"])
    pred = np.zeros(len(y), dtype=int)
    for tr, te in GroupKFold(n_splits=5).split(dense, y, groups):
        model, mean, scale, vocab = fit(dense[tr][:, columns], [tokens[i] for i in tr], y[tr], c, token_weight, 3)
        pred[te] = model.predict(design(dense[te][:, columns], [tokens[i] for i in te], mean, scale, vocab, token_weight))
    return pred


def main():
    base, student = (json.load(open(p)) for p in sys.argv[1:3])
    if base["y"] != student["y"] or base["groups"] != student["groups"]:
        sys.exit("the two row files hold different cells")
    y = np.array(base["y"])
    b = np.array([not in_half_a(g) for g in base["groups"]])
    print(f"{len(y)} cells, {int(b.sum())} in half B ({len(set(np.array(base['groups'])[b].tolist()))} datasets)")
    lstm = [i for i, n in enumerate(base["denseNames"]) if n.startswith("log-lstm:")]
    for name, data in (("base", base), ("student", student)):
        p = np.array(data["dense"])[:, lstm].argmax(1)
        print(f"  LSTM alone, {name}: {100 * (p[b] == y[b]).mean():.1f} % on B")
    for part, columns in (("in context", list(range(len(base["denseNames"])))), ("alone", list(range(len(base["cellNames"]))))):
        for c in (0.03, 0.1):
            for tw in (1.5, 2.0):
                right = [held_out_predictions(d, columns, c, tw)[b] == y[b] for d in (base, student)]
                gained, lost = int((~right[0] & right[1]).sum()), int((right[0] & ~right[1]).sum())
                p = binomtest(gained, gained + lost).pvalue if gained + lost else 1.0
                print(f"  stacker {part}, C={c}, token weight {tw}: base {100 * right[0].mean():.1f} %, student {100 * right[1].mean():.1f} % on B (gained {gained}, lost {lost}, sign test p={p:.3f})")


if __name__ == "__main__":
    main()
