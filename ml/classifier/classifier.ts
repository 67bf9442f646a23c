// Loads the exported stage classifier (model.onnx + vocab.json) and classifies cell sources with onnxruntime-node.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSession, ort } from '../onnx-session.ts';
import { labelProbs, readLabelModel } from './label-model-file.ts';
import { SEQ_LEN, encodeBatch, realLength, vocabularyFromTokens, type Vocabulary } from './preprocess.ts';
import { STAGES, type Stage } from './stages.ts';

export interface Classification {
  stage: Stage;
  probs: Record<Stage, number>;
}

export interface StageClassifier {
  classify(sources: string[]): Promise<Classification[]>;
  readonly modelDir: string;
  /** Share of the label model in the answer (0: the LSTM alone); see `combine`. */
  readonly labelModelWeight: number;
}

export interface ClassifierOptions {
  /** Overrides the model folder's `manifest.json` → `inference.labelModelWeight`. */
  labelModelWeight?: number;
}

/**
 * The end model and the label model it learned from, as a weighted geometric mean of their distributions: the LSTM
 * reads the tokens, the LFs count statement lines as stages.md does; each catches what the other misses.
 */
export function combine(endModel: readonly number[], labelModel: readonly number[], weight: number): number[] {
  if (weight <= 0) return [...endModel];
  const logits = endModel.map((p, k) => (1 - weight) * Math.log(Math.max(p, 1e-6)) + weight * Math.log(Math.max(labelModel[k]!, 1e-6)));
  const max = Math.max(...logits);
  const e = logits.map((v) => Math.exp(v - max));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / sum);
}

function manifestWeight(modelDir: string): number {
  const path = join(modelDir, 'manifest.json');
  if (!existsSync(path)) return 0;
  const m = JSON.parse(readFileSync(path, 'utf8')) as { inference?: { labelModelWeight?: unknown } };
  const w = m.inference?.labelModelWeight;
  return typeof w === 'number' && w >= 0 && w <= 1 ? w : 0;
}

/** The model shipped in the repo; the CLI passes the installed copy (app data folder) first when one exists. */
export const BUNDLED_MODEL_DIR = resolve(fileURLToPath(new URL('../../resources/models/classifier/', import.meta.url)));

/** First folder of the list that holds a model.onnx, else the bundled one. */
export function resolveModelDir(candidates: Array<string | undefined> = []): string {
  for (const dir of candidates) if (dir && existsSync(join(dir, 'model.onnx'))) return dir;
  return BUNDLED_MODEL_DIR;
}

export function readVocabulary(modelDir: string): Vocabulary {
  const tokens = JSON.parse(readFileSync(join(modelDir, 'vocab.json'), 'utf8')) as unknown;
  if (!Array.isArray(tokens) || !tokens.every((t) => typeof t === 'string')) throw new Error(`${modelDir}/vocab.json is not a list of tokens`);
  return vocabularyFromTokens(tokens);
}

const MAX_BATCH = 256;

export async function loadClassifier(modelDir: string = BUNDLED_MODEL_DIR, options: ClassifierOptions = {}): Promise<StageClassifier> {
  const modelPath = join(modelDir, 'model.onnx');
  if (!existsSync(modelPath)) throw new Error(`no classifier model at ${modelPath} (run \`gds train classifier\`)`);
  const vocab = readVocabulary(modelDir);
  const labelModelWeight = options.labelModelWeight ?? manifestWeight(modelDir);
  const labelModel = labelModelWeight > 0 ? readLabelModel(modelDir) : null;
  const session = await createSession(modelPath);
  const inputName = session.inputNames[0] ?? 'tokens';
  const outputName = session.outputNames[0] ?? 'probs';

  async function runBatch(sources: string[]): Promise<Classification[]> {
    const ids = encodeBatch(sources, vocab, SEQ_LEN);
    // Trailing padding does not change the model's output (it reads the state at the last real token), so cut it.
    let width = 1;
    for (let i = 0; i < sources.length; i++) width = Math.max(width, realLength(ids.subarray(i * SEQ_LEN, (i + 1) * SEQ_LEN)));
    const data = new BigInt64Array(sources.length * width);
    for (let i = 0; i < sources.length; i++) for (let t = 0; t < width; t++) data[i * width + t] = BigInt(ids[i * SEQ_LEN + t]!);
    const feeds = { [inputName]: new ort.Tensor('int64', data, [sources.length, width]) };
    const out = (await session.run(feeds))[outputName];
    if (!out) throw new Error('classifier model produced no output');
    const probs = out.data as Float32Array;
    const lm = labelModel ? labelProbs(sources, labelModel) : null;
    return sources.map((_, i) => {
      const lstm = STAGES.map((_s, k) => probs[i * STAGES.length + k]!);
      const row = lm ? combine(lstm, lm[i]!, labelModelWeight) : lstm;
      let best = 0;
      row.forEach((p, k) => {
        if (p > row[best]!) best = k;
      });
      const record = Object.fromEntries(STAGES.map((s, k) => [s, row[k]!])) as Record<Stage, number>;
      return { stage: STAGES[best]!, probs: record };
    });
  }

  return {
    modelDir,
    labelModelWeight,
    async classify(sources: string[]): Promise<Classification[]> {
      const results: Classification[] = [];
      for (let i = 0; i < sources.length; i += MAX_BATCH) results.push(...(await runBatch(sources.slice(i, i + MAX_BATCH))));
      return results;
    },
  };
}
