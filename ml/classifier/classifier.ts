// Loads the exported stage classifier (model.onnx + vocab.json) and classifies cell sources with onnxruntime-node.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { createSession, ort } from '../onnx-session.ts';
import { readJsonFile } from '../read-json-file.ts';
import { readClassifierManifest } from './classifier-manifest.ts';
import { LABELING_FUNCTIONS, applyLfsToFeatures } from './labeling-functions/index.ts';
import { predictProba } from './label-model.ts';
import { readLabelModel } from './saved-label-model.ts';
import { NotebookContext, featuresOf } from './notebook-context.ts';
import { SEQ_LEN, encodeBatch, realLength, vocabularyFromTokens, type Vocabulary } from './preprocess.ts';
import { StackFeatures, cellRow, makeStacker, readStacker, stackedClassification, type CellSignals, type StackedReason } from './stacker.ts';
import { STAGES, type Stage } from './stages.ts';

export type { CellSignals } from './stacker.ts';

export interface Classification {
  stage: Stage;
  probs: Record<Stage, number>;
  /** Set when the notebook around the cell, not the cell alone, decided the stage. */
  context?: StackedReason;
}

/** Classifies one notebook's code cells as they come, in order (only earlier cells matter). */
export interface NotebookStream {
  next(source: string, signals: CellSignals): Classification;
}

export interface StageClassifier {
  /** Each cell alone (the `gds classify` contract without "notebook"). */
  classify(sources: string[]): Promise<Classification[]>;
  /** A notebook's code cells in order, each judged with the cells before it. */
  classifyNotebook(sources: string[]): Promise<Classification[]>;
  /** What the LSTM, the label model and the LFs say about each cell alone: the input of `alone` and streams. */
  signals(sources: string[]): Promise<CellSignals[]>;
  /** The answer for a cell alone: the stacker's cell-alone regression when the folder has one, else `mixture`. */
  alone(signals: CellSignals): Classification;
  /** LSTM × label model (`combine`): what the notebook-context rules and the stacker's context features build on. */
  mixture(signals: CellSignals): Classification;
  notebookStream(): NotebookStream;
  readonly modelDir: string;
  /** Share of the label model in the answer (0: the LSTM alone); see `combine`. */
  readonly labelModelWeight: number;
  /** Whether a fitted stacker (stacker.json) gives the in-context answers; else the notebook-context rules do. */
  readonly stacked: boolean;
  /** Whether the stacker also answers for cells alone (its cell-alone regression); else the mixture does. */
  readonly stackedAlone: boolean;
}

export interface ClassifierOptions {
  /** Overrides the model folder's `manifest.json` → `inference.labelModelWeight`. */
  labelModelWeight?: number;
  /** false: ignore the folder's stacker.json (in-context answers from the notebook-context rules alone). */
  stacker?: boolean;
  /** Compute the LF votes and the label model's distribution even when the answer does not use them (fitting a stacker). */
  labelModel?: boolean;
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
  return readClassifierManifest(path).inference?.labelModelWeight ?? 0;
}

/** The model shipped in the repo; the CLI passes the installed copy (app data folder) first when one exists. */
export const BUNDLED_MODEL_DIR = resolve(fileURLToPath(new URL('../../resources/models/classifier/', import.meta.url)));

export function readVocabulary(modelDir: string): Vocabulary {
  return vocabularyFromTokens(readJsonFile(join(modelDir, 'vocab.json'), z.array(z.string())));
}

const MAX_BATCH = 256;

function distribution(row: readonly number[]): Classification {
  let best = 0;
  row.forEach((p, k) => {
    if (p > row[best]!) best = k;
  });
  const record = Object.fromEntries(STAGES.map((s, k) => [s, row[k]!])) as Record<Stage, number>;
  return { stage: STAGES[best]!, probs: record };
}

export async function loadClassifier(modelDir: string = BUNDLED_MODEL_DIR, options: ClassifierOptions = {}): Promise<StageClassifier> {
  const modelPath = join(modelDir, 'model.onnx');
  if (!existsSync(modelPath)) throw new Error(`no classifier model at ${modelPath} (run \`gds train classifier\`)`);
  const vocab = readVocabulary(modelDir);
  const labelModelWeight = options.labelModelWeight ?? manifestWeight(modelDir);
  const stackerParams = options.stacker === false ? null : readStacker(modelDir);
  if (stackerParams && stackerParams.labelModelWeight !== labelModelWeight)
    throw new Error(
      `${join(modelDir, 'stacker.json')} was fitted for label-model weight ${stackerParams.labelModelWeight}, the classifier uses ` +
        `${labelModelWeight}; rerun \`gds train stacker\``,
    );
  const stacker = stackerParams ? makeStacker(stackerParams) : null;
  const labelModel = labelModelWeight > 0 || stacker || options.labelModel ? readLabelModel(modelDir) : null;
  const session = await createSession(modelPath);
  const inputName = session.inputNames[0] ?? 'tokens';
  const outputName = session.outputNames[0] ?? 'probs';
  const nLfs = LABELING_FUNCTIONS.length;

  async function runBatch(sources: string[]): Promise<CellSignals[]> {
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
    // Parsed once (and cached by source) for the LFs, the stacker's line counts and the notebook-context rules.
    const votes = labelModel ? applyLfsToFeatures(sources.map(featuresOf)) : null;
    const lm = labelModel && votes ? predictProba(votes, labelModel) : null;
    return sources.map((source, i) => {
      const sig: CellSignals = {
        lstm: STAGES.map((_s, k) => probs[i * STAGES.length + k]!),
        lm: lm ? lm[i]! : STAGES.map(() => 1 / STAGES.length),
        votes: votes ? votes.subarray(i * nLfs, (i + 1) * nLfs) : new Int8Array(nLfs).fill(-1),
      };
      if (stacker) sig.cell = cellRow(source, sig);
      return sig;
    });
  }

  function mixture(sig: CellSignals): Classification {
    return distribution(labelModelWeight > 0 ? combine(sig.lstm, sig.lm, labelModelWeight) : sig.lstm);
  }

  const aloneStacker = stacker?.alone ?? null;
  function alone(sig: CellSignals): Classification {
    // Signals made by a classifier without a stacker carry no cell row: the mixture answers.
    return aloneStacker && sig.cell ? distribution(aloneStacker(sig.cell)) : mixture(sig);
  }

  function notebookStream(): NotebookStream {
    if (!stacker) {
      const context = new NotebookContext();
      return { next: (source, sig) => context.next(source, mixture(sig)) };
    }
    const features = new StackFeatures();
    return {
      next(source, sig) {
        const base = mixture(sig);
        const row = features.next(source, sig, base);
        // Whether the cells before decided: the same stacker's answer for the cell as the first of a notebook.
        const first = new StackFeatures().next(source, sig, base);
        return stackedClassification(row, distribution(stacker.probs(first)), stacker.probs(row));
      },
    };
  }

  async function signals(sources: string[]): Promise<CellSignals[]> {
    const results: CellSignals[] = [];
    for (let i = 0; i < sources.length; i += MAX_BATCH) results.push(...(await runBatch(sources.slice(i, i + MAX_BATCH))));
    return results;
  }

  return {
    modelDir,
    labelModelWeight,
    stacked: stacker !== null,
    stackedAlone: aloneStacker !== null,
    signals,
    alone,
    mixture,
    notebookStream,
    async classify(sources: string[]): Promise<Classification[]> {
      return (await signals(sources)).map(alone);
    },
    async classifyNotebook(sources: string[]): Promise<Classification[]> {
      const sig = await signals(sources);
      const stream = notebookStream();
      return sources.map((s, i) => stream.next(s, sig[i]!));
    },
  };
}
