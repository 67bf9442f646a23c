"""Trains the stage classifier (Embedding -> SpatialDropout1D -> LSTM -> softmax) on token ids prepared by
pipeline/training/classifier (TypeScript), against the label model's probabilistic labels, and exports it to ONNX.

Progress goes to stdout as JSON lines so `gds train classifier` can show and record it. The same script trains in one
process or in several under torchrun (DistributedDataParallel, see ddp.py); only rank 0 prints and writes files.
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ddp import Group, write_rank_hash  # noqa: E402

GROUP = None


def emit(event, **fields):
    if GROUP is None or GROUP.main:
        print(json.dumps({"event": event, **fields}), flush=True)


class StageLSTM(nn.Module):
    def __init__(self, vocab_size, embed_dim, hidden, n_classes, dropout):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embed_dim, padding_idx=0)
        # SpatialDropout1D: drops whole embedding channels for a sequence (Dropout2d over [N, C, L, 1]).
        self.spatial_dropout = nn.Dropout2d(dropout)
        self.lstm = nn.LSTM(embed_dim, hidden, batch_first=True)
        self.out = nn.Linear(hidden, n_classes)

    def forward(self, tokens):
        # Rows are padded at the end; the state after the last real token is read, so outputs do not depend on
        # how much trailing padding a batch carries (training trims it, inference may too).
        lengths = (tokens != 0).long().sum(dim=1).clamp(min=1)
        x = self.embedding(tokens)  # [N, L, E]
        x = self.spatial_dropout(x.permute(0, 2, 1).unsqueeze(3)).squeeze(3).permute(0, 2, 1)
        out, _ = self.lstm(x)
        last = out[torch.arange(tokens.shape[0]), lengths - 1]
        return self.out(last)  # logits; softmax is applied in the exported graph


class WithSoftmax(nn.Module):
    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, tokens):
        return torch.softmax(self.model(tokens), dim=-1)


def load_split(data_dir, name, seq_len, n_classes):
    x = np.fromfile(os.path.join(data_dir, f"{name}_x.bin"), dtype="<i4").reshape(-1, seq_len)
    y = np.fromfile(os.path.join(data_dir, f"{name}_y.bin"), dtype="<f4").reshape(-1, n_classes)
    return torch.from_numpy(x.astype(np.int64)), torch.from_numpy(y.copy())


def soft_cross_entropy(logits, target):
    return -(target * torch.log_softmax(logits, dim=-1)).sum(dim=-1).mean()


def trim(x):
    """Cuts the all-padding tail of a batch: most cells are far shorter than 120 tokens."""
    n = int((x != 0).long().sum(dim=1).max().item()) if len(x) else 1
    return x[:, :max(1, n)]


def length_batches(x, batch, gen):
    """Batches of similar length (sorted within shuffled chunks), shuffled: far less padding to run through the LSTM."""
    lengths = (x != 0).long().sum(dim=1)
    order = torch.randperm(len(x), generator=gen)
    chunk = batch * 50
    batches = []
    for i in range(0, len(order), chunk):
        part = order[i:i + chunk]
        part = part[torch.argsort(lengths[part])]
        batches.extend(part[j:j + batch] for j in range(0, len(part), batch))
    perm = torch.randperm(len(batches), generator=gen).tolist()
    return [batches[k] for k in perm]


def evaluate(model, x, y, batch, device):
    """Validation loss of the whole set; every rank computes it on the same weights, so early stopping agrees."""
    model.eval()
    total = 0.0
    with torch.no_grad():
        for idx in length_batches(x, batch, torch.Generator().manual_seed(0)):
            total += soft_cross_entropy(model(trim(x[idx]).to(device)), y[idx].to(device)).item() * len(idx)
    return total / max(1, len(x))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True, help="folder with meta.json, train_x.bin, train_y.bin, val_x.bin, val_y.bin")
    ap.add_argument("--out", required=True)
    ap.add_argument("--epochs", type=int, default=8)
    ap.add_argument("--batch", type=int, default=256)
    ap.add_argument("--embed", type=int, default=64)
    ap.add_argument("--hidden", type=int, default=64)
    ap.add_argument("--dropout", type=float, default=0.2)
    ap.add_argument("--lr", type=float, default=3e-3)
    ap.add_argument("--patience", type=int, default=2)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--max-seconds", type=float, default=0, help="stop training after this much wall time (0: no limit); the model is still exported")
    ap.add_argument("--resume", help="checkpoint written by an earlier run (model, optimizer, epoch, history)")
    ap.add_argument("--rank-hashes", help="folder where each rank writes the sha256 of its final weights (tests of torchrun runs)")
    args = ap.parse_args()

    global GROUP
    GROUP = group = Group()

    torch.manual_seed(args.seed)
    np.random.seed(args.seed)
    torch.set_num_threads(args.threads)
    meta = json.load(open(os.path.join(args.data, "meta.json")))
    seq_len, n_classes, vocab_size = meta["seqLen"], meta["numClasses"], meta["vocabSize"]
    xtr, ytr = load_split(args.data, "train", seq_len, n_classes)
    xva, yva = load_split(args.data, "val", seq_len, n_classes)
    emit("data", train=len(xtr), val=len(xva), vocab_size=vocab_size, seq_len=seq_len)

    model = StageLSTM(vocab_size, args.embed, args.hidden, n_classes, args.dropout)
    ck = torch.load(args.resume, map_location="cpu") if args.resume else None
    if ck:
        model.load_state_dict(ck["model"])
    net = group.wrap(model)  # on the group's device; `model` is the same module, unwrapped
    opt = torch.optim.Adam(net.parameters(), lr=args.lr)
    os.makedirs(args.out, exist_ok=True)
    ckpt_path = os.path.join(args.out, "checkpoint.pt")
    start_epoch, history, best, best_state, bad = 1, [], float("inf"), None, 0
    if ck:
        opt.load_state_dict(ck["optimizer"])
        start_epoch, history, best, bad = ck["epoch"] + 1, ck["history"], ck["best"], ck["bad"]
        best_state = {k: v.to(group.device) for k, v in ck["best_state"].items()} if ck["best_state"] else None
        emit("resumed", epoch=ck["epoch"])

    # Same seed on every rank: the ranks build the same batch order, and each trains on its share of it.
    gen = torch.Generator().manual_seed(args.seed)
    started = time.time()
    # The time budget is read on every rank and agreed on (group.any), so no rank stops while another waits for it.
    out_of_time = lambda: args.max_seconds > 0 and group.any(time.time() - started > args.max_seconds)
    for epoch in range(start_epoch, args.epochs + 1):
        if bad >= args.patience or out_of_time():
            break
        net.train()
        t0, total, seen = time.time(), 0.0, 0
        for idx in group.shard(length_batches(xtr, args.batch, gen)):
            opt.zero_grad()
            loss = soft_cross_entropy(net(trim(xtr[idx]).to(group.device)), ytr[idx].to(group.device))
            loss.backward()
            nn.utils.clip_grad_norm_(net.parameters(), 5.0)
            opt.step()
            total += loss.item() * len(idx)
            seen += len(idx)
            if out_of_time():
                emit("time_limit", epoch=epoch, cells_seen=seen)
                break
        total, seen = group.sum(total, seen)
        seen = int(seen)
        val_loss = evaluate(model, xva, yva, 1024, group.device)
        history.append({"epoch": epoch, "train_loss": total / max(1, seen), "val_loss": val_loss, "seconds": time.time() - t0, "cells": seen})
        emit("epoch", **history[-1])
        if val_loss < best - 1e-4:
            best, bad = val_loss, 0
            best_state = {k: v.clone() for k, v in model.state_dict().items()}
        else:
            bad += 1
        if group.main:
            torch.save({"model": model.state_dict(), "optimizer": opt.state_dict(), "epoch": epoch, "history": history,
                        "best": best, "bad": bad, "best_state": best_state}, ckpt_path)
    if bad >= args.patience:
        emit("early_stop", best_val_loss=best)

    if best_state is not None:
        model.load_state_dict(best_state)
    write_rank_hash(args.rank_hashes, group, model)
    group.close()
    if not group.main:
        return
    model.eval()
    model.cpu()
    onnx_path = os.path.join(args.out, "model.onnx")
    dummy = torch.ones((2, seq_len), dtype=torch.int64)
    torch.onnx.export(WithSoftmax(model), dummy, onnx_path, input_names=["tokens"], output_names=["probs"],
                      dynamic_axes={"tokens": {0: "batch", 1: "length"}, "probs": {0: "batch"}}, opset_version=14)
    json.dump({"history": history, "best_val_loss": best, "args": vars(args)}, open(os.path.join(args.out, "training.json"), "w"), indent=1)
    emit("done", onnx=onnx_path, best_val_loss=best)


if __name__ == "__main__":
    sys.exit(main())
