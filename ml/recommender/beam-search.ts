// Beam search over the exported ONNX encoder + one-step decoder, all beams batched into one decoder call per step.
import { join } from 'node:path';
import type * as Ort from 'onnxruntime-node';
import { z } from 'zod';
import { createSession, ort } from '../onnx-session.ts';
import { readJsonFile } from '../read-json-file.ts';
import { EOS, SOS, UNK, encode } from './pairs.ts';

export interface Seq2SeqModel {
  vocab: string[];
  index: Map<string, number>;
  encoder: Ort.InferenceSession;
  decoder: Ort.InferenceSession;
}

export interface Hypothesis {
  tokens: string[];
  logp: number;
}

export async function loadSeq2Seq(dir: string): Promise<Seq2SeqModel> {
  const vocab = readJsonFile(join(dir, 'vocab.json'), z.array(z.string()));
  const [encoder, decoder] = await Promise.all([createSession(join(dir, 'encoder.onnx')), createSession(join(dir, 'decoder.onnx'))]);
  return { vocab, index: new Map(vocab.map((t, i) => [t, i])), encoder, decoder };
}

interface Beam {
  ids: number[];
  logp: number;
  hidden: Float32Array;
}

function topIndices(row: Float32Array, start: number, size: number, k: number): number[] {
  const best: number[] = [];
  for (let i = 0; i < size; i++) {
    const v = row[start + i] ?? -Infinity;
    if (best.length < k || v > (row[start + (best[best.length - 1] ?? 0)] ?? -Infinity)) {
      let j = best.length;
      while (j > 0 && v > (row[start + (best[j - 1] ?? 0)] ?? -Infinity)) j--;
      best.splice(j, 0, i);
      if (best.length > k) best.pop();
    }
  }
  return best;
}

/**
 * Returns up to `top` finished hypotheses, best first; distinct by construction (beam paths differ).
 * Unknown tokens are never emitted: a line with `<unk>` could not be written back as code.
 */
export async function beamSearch(model: Seq2SeqModel, input: readonly string[], opts: { beam: number; top: number; maxLen: number }): Promise<Hypothesis[]> {
  const src = encode(input, model.index);
  const T = src.length;
  const enc = await model.encoder.run({ src: new ort.Tensor('int64', BigInt64Array.from(src.map(BigInt)), [1, T]) });
  const encOut = enc.enc_out?.data as Float32Array;
  const hidden0 = enc.hidden;
  if (!encOut || !hidden0) throw new Error('encoder outputs missing');
  const [L = 1, , H = 1] = hidden0.dims;
  const V = model.vocab.length;
  const eos = model.index.get(EOS) ?? 2;
  const unk = model.index.get(UNK) ?? 3;
  let beams: Beam[] = [{ ids: [model.index.get(SOS) ?? 1], logp: 0, hidden: hidden0.data as Float32Array }];
  const finished: Hypothesis[] = [];
  for (let step = 0; step < opts.maxLen && beams.length > 0; step++) {
    const B = beams.length;
    const hidden = new Float32Array(L * B * H);
    beams.forEach((b, bi) => {
      for (let l = 0; l < L; l++) hidden.set(b.hidden.subarray(l * H, (l + 1) * H), (l * B + bi) * H);
    });
    const encB = new Float32Array(B * encOut.length);
    for (let bi = 0; bi < B; bi++) encB.set(encOut, bi * encOut.length);
    const out = await model.decoder.run({
      token: new ort.Tensor('int64', BigInt64Array.from(beams.map((b) => BigInt(b.ids[b.ids.length - 1] ?? 0))), [B]),
      hidden: new ort.Tensor('float32', hidden, [L, B, H]),
      enc_out: new ort.Tensor('float32', encB, [B, T, H]),
      mask: new ort.Tensor('float32', new Float32Array(B * T).fill(1), [B, T]),
    });
    const logp = out.logp?.data as Float32Array;
    const newHidden = out.new_hidden?.data as Float32Array;
    const candidates: Array<{ from: number; id: number; logp: number }> = [];
    beams.forEach((b, bi) => {
      for (const id of topIndices(logp, bi * V, V, opts.beam + 1)) {
        if (id === unk) continue;
        candidates.push({ from: bi, id, logp: b.logp + (logp[bi * V + id] ?? -Infinity) });
      }
    });
    candidates.sort((a, b) => b.logp - a.logp);
    const next: Beam[] = [];
    for (const c of candidates) {
      const parent = beams[c.from];
      if (!parent) continue;
      if (c.id === eos) {
        if (parent.ids.length > 1) finished.push({ tokens: parent.ids.slice(1).map((i) => model.vocab[i] ?? UNK), logp: c.logp });
        continue;
      }
      if (next.length >= opts.beam) continue;
      const h = new Float32Array(L * H);
      for (let l = 0; l < L; l++) h.set(newHidden.subarray((l * B + c.from) * H, (l * B + c.from + 1) * H), l * H);
      next.push({ ids: [...parent.ids, c.id], logp: c.logp, hidden: h });
    }
    beams = next;
    // Stop once the best live beam can no longer beat the worst hypothesis we would return.
    finished.sort((a, b) => b.logp - a.logp);
    const worst = finished[opts.top - 1];
    if (worst && beams.every((b) => b.logp < worst.logp)) break;
  }
  return finished.sort((a, b) => b.logp - a.logp).slice(0, opts.top);
}
