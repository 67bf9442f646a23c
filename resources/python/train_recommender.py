# Trains one next-line seq2seq model on pairs prepared by `gds train recommender` and exports it to ONNX.
# Vocabulary and token ids come from TypeScript (data dir: vocab.json, train.tsv, valid.tsv), so inference matches training.
# Progress is printed as JSON lines on stdout: {"event": "epoch", ...}. The same script trains in one process or in
# several under torchrun (DistributedDataParallel, see ddp.py); only rank 0 prints and writes files.
import argparse
import json
import os
import random
import sys
import time

import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ddp import Group, write_rank_hash  # noqa: E402
from rec_model import EOS, PAD, SOS, EncoderExport, Seq2Seq  # noqa: E402

GROUP = None


def emit(**kw):
    if GROUP is None or GROUP.main:
        print(json.dumps(kw), flush=True)


def load_pairs(path, limit):
    pairs = []
    if not os.path.exists(path):
        return pairs
    with open(path) as f:
        for line in f:
            if '\t' not in line:
                continue
            a, b = line.rstrip('\n').split('\t')
            pairs.append(([int(x) for x in a.split()], [int(x) for x in b.split()] + [EOS]))
    if limit and len(pairs) > limit:
        random.shuffle(pairs)
        pairs = pairs[:limit]
    return pairs


def batches(pairs, size, shuffle, device=None):
    idx = list(range(len(pairs)))
    if shuffle:
        random.shuffle(idx)
    for i in range(0, len(idx), size):
        chunk = [pairs[j] for j in idx[i : i + size]]
        src_len = max(len(s) for s, _ in chunk)
        tgt_len = max(len(t) for _, t in chunk)
        src = torch.full((len(chunk), src_len), PAD, dtype=torch.long)
        tgt = torch.full((len(chunk), tgt_len), PAD, dtype=torch.long)
        for k, (s, t) in enumerate(chunk):
            src[k, : len(s)] = torch.tensor(s)
            tgt[k, : len(t)] = torch.tensor(t)
        lengths = torch.tensor([len(s) for s, _ in chunk])  # pack_padded_sequence wants lengths on the CPU
        yield (src, lengths, tgt) if device is None else (src.to(device), lengths, tgt.to(device))


def run_batch(model, src, lengths, tgt, teacher_forcing):
    enc, h = model.encoder(src, lengths)
    mask = (src != PAD).float()
    hidden = model.init_hidden(h)
    token = torch.full((src.size(0),), SOS, dtype=torch.long, device=src.device)
    loss, correct = 0.0, torch.ones(src.size(0), dtype=torch.bool, device=src.device)
    n_tokens = (tgt != PAD).sum()
    use_tf = random.random() < teacher_forcing
    for t in range(tgt.size(1)):
        logp, hidden = model.decoder(token, hidden, enc, mask)
        gold = tgt[:, t]
        valid = gold != PAD
        # Masked NLL: padded target positions add nothing to the loss.
        loss = loss + -(logp.gather(1, gold.unsqueeze(1)).squeeze(1) * valid.float()).sum()
        pred = logp.argmax(1)
        correct &= (pred == gold) | ~valid
        token = gold if use_tf else pred
    return loss / n_tokens, correct


class TrainStep(nn.Module):
    """One teacher-forced batch as a module call: DistributedDataParallel syncs gradients of what runs in forward()."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, src, lengths, tgt, teacher_forcing):
        return run_batch(self.model, src, lengths, tgt, teacher_forcing)


def evaluate(model, pairs, batch, device=None):
    model.eval()
    total, loss_sum, exact = 0, 0.0, 0
    with torch.no_grad():
        for src, lengths, tgt in batches(pairs, batch, False, device):
            loss, correct = run_batch(model, src, lengths, tgt, 0.0)
            loss_sum += float(loss) * src.size(0)
            exact += int(correct.sum())
            total += src.size(0)
    model.train()
    return (loss_sum / max(total, 1), exact / max(total, 1))


def export(model, out_dir, vocab_size, opset=13):
    model.eval()
    enc = EncoderExport(model)
    src = torch.tensor([[SOS, 5, 6, 7]], dtype=torch.long)
    torch.onnx.export(enc, (src,), os.path.join(out_dir, 'encoder.onnx'), input_names=['src'],
                      output_names=['enc_out', 'hidden'], dynamic_axes={'src': {0: 'b', 1: 't'}, 'enc_out': {0: 'b', 1: 't'}, 'hidden': {1: 'b'}},
                      opset_version=opset)
    enc_out, hidden = enc(src)
    token = torch.tensor([SOS], dtype=torch.long)
    mask = torch.ones(1, src.size(1))
    torch.onnx.export(model.decoder, (token, hidden, enc_out, mask), os.path.join(out_dir, 'decoder.onnx'),
                      input_names=['token', 'hidden', 'enc_out', 'mask'], output_names=['logp', 'new_hidden'],
                      dynamic_axes={'token': {0: 'b'}, 'hidden': {1: 'b'}, 'enc_out': {0: 'b', 1: 't'}, 'mask': {0: 'b', 1: 't'},
                                    'logp': {0: 'b'}, 'new_hidden': {1: 'b'}},
                      opset_version=opset)


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--data', required=True)
    p.add_argument('--out', required=True)
    p.add_argument('--emb', type=int, default=96)
    p.add_argument('--hidden', type=int, default=192)
    p.add_argument('--layers', type=int, default=2)
    p.add_argument('--dropout', type=float, default=0.1)
    p.add_argument('--attn', choices=['dot', 'general', 'concat'], default='general')
    p.add_argument('--epochs', type=int, default=8)
    p.add_argument('--batch', type=int, default=128)
    p.add_argument('--lr', type=float, default=2e-3)
    p.add_argument('--teacher-forcing', type=float, default=0.9)
    p.add_argument('--clip', type=float, default=5.0)
    p.add_argument('--max-pairs', type=int, default=0)
    p.add_argument('--max-minutes', type=float, default=0)
    p.add_argument('--patience', type=int, default=0, help='stop after this many epochs without a better validation loss (0: never)')
    p.add_argument('--threads', type=int, default=2)
    p.add_argument('--seed', type=int, default=13)
    p.add_argument('--resume')
    p.add_argument('--rank-hashes', help='folder where each rank writes the sha256 of its final weights (tests of torchrun runs)')
    a = p.parse_args()
    global GROUP
    GROUP = group = Group()
    random.seed(a.seed)
    torch.manual_seed(a.seed)
    torch.set_num_threads(a.threads)
    os.makedirs(a.out, exist_ok=True)
    with open(os.path.join(a.data, 'vocab.json')) as f:
        vocab = json.load(f)
    train = load_pairs(os.path.join(a.data, 'train.tsv'), a.max_pairs)
    valid = load_pairs(os.path.join(a.data, 'valid.tsv'), 3000)
    model = Seq2Seq(len(vocab), a.emb, a.hidden, a.layers, a.dropout, a.attn)
    ck = torch.load(a.resume, map_location='cpu') if a.resume else None
    if ck:
        model.load_state_dict(ck['model'])
    step = group.wrap(TrainStep(model))  # moves `model` to the group's device
    opt = torch.optim.Adam(step.parameters(), lr=a.lr)
    start_epoch = 0
    # Early stopping keeps the weights of the epoch with the lowest validation loss; they are what gets exported.
    best = {'loss': float('inf'), 'epoch': 0, 'state': None}
    if ck:
        opt.load_state_dict(ck['opt'])
        start_epoch = ck['epoch']
        best = ck.get('best', best)
    emit(event='start', pairs=len(train), valid=len(valid), vocab=len(vocab), params=sum(p.numel() for p in model.parameters()))
    t0 = time.time()
    epoch = start_epoch
    for epoch in range(start_epoch + 1, a.epochs + 1):
        total, seen = 0.0, 0
        step.train()
        # Every rank shuffles with the same seed and takes its share; the teacher-forcing draws stay in step too.
        for src, lengths, tgt in group.shard(batches(train, a.batch, True, group.device)):
            opt.zero_grad()
            loss, _ = step(src, lengths, tgt, a.teacher_forcing)
            loss.backward()
            # Clipping keeps the GRU from exploding on long, rare lines.
            nn.utils.clip_grad_norm_(step.parameters(), a.clip)
            opt.step()
            total += float(loss) * src.size(0)
            seen += src.size(0)
        total, seen = group.sum(total, seen)
        v_loss, v_exact = evaluate(model, valid, 256, group.device) if valid else (0.0, 0.0)
        if v_loss < best['loss']:
            best = {'loss': v_loss, 'epoch': epoch, 'state': {k: v.detach().cpu().clone() for k, v in model.state_dict().items()}}
        # Saved (atomically) before the epoch event: a reader reacting to the event finds this epoch's checkpoint.
        if group.main:
            ck_tmp = os.path.join(a.out, 'checkpoint.pt.tmp')
            torch.save({'model': model.state_dict(), 'opt': opt.state_dict(), 'epoch': epoch, 'args': vars(a), 'best': best}, ck_tmp)
            os.replace(ck_tmp, os.path.join(a.out, 'checkpoint.pt'))
        emit(event='epoch', epoch=epoch, train_loss=round(total / max(seen, 1), 4), valid_loss=round(v_loss, 4),
             valid_greedy_exact=round(v_exact, 4), seconds=round(time.time() - t0, 1))
        if a.patience and valid and group.any(epoch - best['epoch'] >= a.patience):
            emit(event='converged', best_epoch=best['epoch'], best_valid_loss=round(best['loss'], 4))
            break
        if a.max_minutes and group.any(time.time() - t0 > a.max_minutes * 60):
            emit(event='budget', minutes=a.max_minutes)
            break
    if a.patience and best['state'] is not None:
        model.load_state_dict(best['state'])
    write_rank_hash(a.rank_hashes, group, model)
    group.close()
    if not group.main:
        return
    export(model.cpu(), a.out, len(vocab))
    emit(event='done', epochs=epoch, best_epoch=best['epoch'], seconds=round(time.time() - t0, 1))


if __name__ == '__main__':
    main()
