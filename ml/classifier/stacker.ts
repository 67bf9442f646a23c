// The stacker: a multinomial logistic regression, fitted on our hand-labelled cells, that reads what the weakly
// supervised models say about a cell (LSTM and label-model distributions, each LF's vote, the rules' line counts, the
// notebook-context rules) together with the cells before it and the cell's tokens, and gives the notebook-context
// answer. The LSTM learns from 260k weak labels; the stacker learns from 4.6k human ones how far to trust each signal.
// Only earlier cells are read, so it works on a stream of cells as well as on a whole notebook. A second regression
// over the cell's own features (no context) gives the answer for a cell alone (`gds classify` lines without a notebook).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LABELING_FUNCTIONS } from './labeling-functions/index.ts';
import { stageLines } from './labeling-functions/statement-rules.ts';
import { NotebookContext, featuresOf, type ContextReason, type StageProbs } from './notebook-context.ts';
import { tokenize } from './preprocess.ts';
import { STAGES, type Stage } from './stages.ts';

export const STACKER_FILE = 'stacker.json';

/** A multinomial logistic regression over standardised dense features and token presence. */
export interface LinearParams {
  /** Names of the dense features, in order. */
  dense: string[];
  /** Standardisation of the dense features. */
  mean: number[];
  scale: number[];
  /** Token features: presence of each token (the LSTM's preprocessing) in the cell. */
  tokens: string[];
  /** [6][dense.length + tokens.length] weights, token weights already scaled; [6] intercepts. */
  coef: number[][];
  intercept: number[];
}

/** The in-context regression (its `dense` are `denseFeatureNames()`) and the cell-alone one. */
export interface StackerParams extends LinearParams {
  kind: 'gds-stage-stacker';
  version: 1;
  /** The cell-alone mixture its features were computed with (`combine`); another weight gives other features. */
  labelModelWeight: number;
  /** LF order of the vote features; a changed LF list would silently misalign them. */
  lfNames: string[];
  /** The cell-alone regression over `cellFeatureNames()` (absent in stackers fitted before it existed). */
  alone?: LinearParams;
}

/** What the weakly supervised models say about one cell alone. */
export interface CellSignals {
  /** LSTM distribution over STAGES. */
  lstm: number[];
  /** Label-model distribution over STAGES. */
  lm: number[];
  /** Each LF's vote: stage index or -1 (abstain), in LABELING_FUNCTIONS order. */
  votes: ArrayLike<number>;
  /** The stacker's features of the cell itself (`cellRow`), kept with the signals when a stacker will read them. */
  cell?: CellRow;
}

export type StackedReason = ContextReason | 'earlier-cells';

const REASONS: ContextReason[] = ['reads-predictions', 'calls-notebook-function'];

const per = (prefix: string): string[] => STAGES.map((s) => `${prefix}:${s}`);

/** Features of the cell itself: the leading part of every row, and all the cell-alone regression reads. */
export function cellFeatureNames(): string[] {
  return [
    ...per('log-lstm'),
    ...per('log-label-model'),
    ...LABELING_FUNCTIONS.map((l) => `lf:${l.name}`),
    ...per('line-share'),
    ...per('log-lines'),
    'log-cell-lines',
  ];
}

export function denseFeatureNames(): string[] {
  return [
    ...cellFeatureNames(),
    ...per('context-stage'),
    ...REASONS.map((r) => `context:${r}`),
    ...per('previous-cell'),
    'first-cell',
    'log-position',
    ...per('mean-earlier'),
    'max-earlier:train',
    'max-earlier:eval',
  ];
}

const logp = (p: number): number => Math.log(Math.max(p, 1e-6));

/** What the cell alone gives the regressions: `cellFeatureNames()` values and its distinct tokens. */
export interface CellRow {
  dense: number[];
  tokens: string[];
}

/** One cell's features and what the rules alone say in context. */
export interface StackRow extends CellRow {
  context: StageProbs & { context?: ContextReason };
}

export function cellRow(source: string, signals: CellSignals): CellRow {
  const lines = stageLines(featuresOf(source));
  const total = lines.reduce((a, b) => a + b, 0);
  const votes = Array.from({ length: LABELING_FUNCTIONS.length }, (_, j) => ((signals.votes[j] ?? -1) >= 0 ? 1 : 0));
  return {
    dense: [
      ...signals.lstm.map(logp),
      ...signals.lm.map(logp),
      ...votes,
      ...lines.map((c) => c / Math.max(total, 1)),
      ...lines.map((c) => Math.log1p(c)),
      Math.log1p(source.split('\n').length),
    ],
    tokens: [...new Set(tokenize(source))],
  };
}

/** Feature rows of a notebook's cells in order; `base` is the cell-alone answer (LSTM × label model). */
export class StackFeatures {
  private readonly context = new NotebookContext();
  private previous: number[] | null = null;
  private readonly sum = STAGES.map(() => 0);
  private count = 0;
  private maxTrain = 0;
  private maxEval = 0;

  /** `base`: the cell-alone mixture (LSTM × label model), which the context features are made of. */
  next(source: string, signals: CellSignals, base: StageProbs): StackRow {
    const cell = signals.cell ?? cellRow(source, signals);
    const ctx = this.context.next(source, base) as StageProbs & { context?: ContextReason };
    const p = STAGES.map((s) => base.probs[s]);
    const dense = [
      ...cell.dense,
      ...STAGES.map((s) => (ctx.stage === s ? 1 : 0)),
      ...REASONS.map((r) => (ctx.context === r ? 1 : 0)),
      ...(this.previous ?? STAGES.map(() => 0)),
      this.count === 0 ? 1 : 0,
      Math.log1p(this.count),
      ...this.sum.map((v) => (this.count ? v / this.count : 0)),
      this.maxTrain,
      this.maxEval,
    ];
    this.previous = p;
    p.forEach((v, k) => (this.sum[k]! += v));
    this.count++;
    this.maxTrain = Math.max(this.maxTrain, p[STAGES.indexOf('train')]!);
    this.maxEval = Math.max(this.maxEval, p[STAGES.indexOf('eval')]!);
    return { dense, tokens: cell.tokens, context: ctx };
  }
}

const finite = (xs: unknown): boolean => Array.isArray(xs) && xs.every((x) => typeof x === 'number' && Number.isFinite(x));

function checkLinear(params: LinearParams | null, names: string[], path: string, what: string): void {
  if (typeof params !== 'object' || params === null) throw new Error(`${path}: the ${what} is not an object; rerun \`gds train stacker\``);
  if (!Array.isArray(params.dense) || params.dense.join(',') !== names.join(','))
    throw new Error(`${path}: the ${what} was fitted on other features; rerun \`gds train stacker\``);
  const width = params.dense.length + (Array.isArray(params.tokens) ? params.tokens.length : NaN);
  const rows = Array.isArray(params.coef) ? params.coef : [];
  if (
    rows.length !== STAGES.length ||
    rows.some((r) => !Array.isArray(r) || r.length !== width) ||
    params.intercept?.length !== STAGES.length ||
    params.mean?.length !== params.dense.length ||
    params.scale?.length !== params.dense.length
  )
    throw new Error(`${path}: the ${what}'s weights do not match its features`);
  if (!rows.every(finite) || !finite(params.intercept) || !finite(params.mean) || !finite(params.scale) || params.scale.some((x) => x === 0))
    throw new Error(`${path}: the ${what} holds weights that are not finite numbers (or a zero scale)`);
}

export function checkStacker(params: StackerParams, path: string): StackerParams {
  if (params.kind !== 'gds-stage-stacker' || params.version !== 1) throw new Error(`${path} is not a stage stacker (version 1)`);
  if (typeof params.labelModelWeight !== 'number')
    throw new Error(`${path} does not say which label-model weight it was fitted with; rerun \`gds train stacker\``);
  if (!Array.isArray(params.lfNames) || params.lfNames.join(',') !== LABELING_FUNCTIONS.map((l) => l.name).join(','))
    throw new Error(`${path} was fitted for other labeling functions; rerun \`gds train stacker\``);
  checkLinear(params, denseFeatureNames(), path, 'in-context stacker');
  if (params.alone !== undefined) checkLinear(params.alone ?? null, cellFeatureNames(), path, 'cell-alone stacker');
  return params;
}

/** The model folder's stacker, or null when it has none (then the notebook-context rules answer alone). */
export function readStacker(modelDir: string): StackerParams | null {
  const path = join(modelDir, STACKER_FILE);
  if (!existsSync(path)) return null;
  let params: StackerParams;
  try {
    params = JSON.parse(readFileSync(path, 'utf8')) as StackerParams;
  } catch (e) {
    throw new Error(
      `${path} is not readable JSON (${e instanceof Error ? e.message : String(e)}); rerun \`gds train stacker\` or delete it to use the context rules alone`,
    );
  }
  return checkStacker(params, path);
}

export interface Stacker {
  /** In notebook context. */
  probs(row: StackRow): number[];
  /** The cell alone; null when the file has no cell-alone regression (then the mixture answers). */
  readonly alone: ((row: CellRow) => number[]) | null;
}

function linear(params: LinearParams): (row: CellRow) => number[] {
  const tokenIndex = new Map(params.tokens.map((t, k) => [t, params.dense.length + k]));
  return (row) => {
    const z = params.intercept.map((b, c) => {
      const w = params.coef[c]!;
      let v = b;
      row.dense.forEach((x, j) => (v += w[j]! * ((x - params.mean[j]!) / params.scale[j]!)));
      for (const t of row.tokens) {
        const j = tokenIndex.get(t);
        if (j !== undefined) v += w[j]!;
      }
      return v;
    });
    const max = Math.max(...z);
    const e = z.map((v) => Math.exp(v - max));
    const sum = e.reduce((a, b) => a + b, 0);
    return e.map((v) => v / sum);
  };
}

export function makeStacker(params: StackerParams): Stacker {
  return { probs: linear(params), alone: params.alone ? linear(params.alone) : null };
}

/** The stacked answer for a cell; names why when it differs from `base`, the answer without the cells before. */
export function stackedClassification(
  row: StackRow,
  base: StageProbs,
  probs: number[],
): { stage: Stage; probs: Record<Stage, number>; context?: StackedReason } {
  let best = 0;
  probs.forEach((p, k) => (p > probs[best]! ? (best = k) : undefined));
  const stage = STAGES[best]!;
  const record = Object.fromEntries(STAGES.map((s, k) => [s, probs[k]!])) as Record<Stage, number>;
  if (stage === base.stage) return { stage, probs: record };
  const reason: StackedReason = row.context.stage === stage && row.context.context ? row.context.context : 'earlier-cells';
  return { stage, probs: record, context: reason };
}
