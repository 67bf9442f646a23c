// Stage of one top-level statement, then the spec's line-count vote over a cell's statements (stages.md "Deciding mixed cells").
import { STAGES, type Stage } from '../stages.ts';
import type { CellFeatures, Statement } from './features.ts';
import { NEUTRAL_CALLS, PLOT_NEUTRAL, CONFIG_RHS, EVAL_NAMES, EVAL_ATTRS, EVAL_CALLS, EXPLORE_CALLS, LIST_CALLS, PREP_CALLS, READ_CALLS, SETUP_CALLS, TRAIN_CALLS, hasAny, isModelConstructor } from './vocab.ts';

const IMPORT_KINDS = new Set(['import_statement', 'import_from_statement', 'future_import_statement']);
const XY = /^(X|y|x|Y)(_?(train|test|val|valid|all|data|tr|te))?(,|$)/;

function isSubmission(s: Statement): boolean {
  return /to_csv/.test(s.text) && /submi|sample_sub|output|pred/i.test(s.text);
}

function readsFile(s: Statement): boolean {
  return s.calls.includes('open') && /\.(csv|txt|json|tsv|xml|pkl|pickle|npy)|input\//i.test(s.text);
}

/** Hyper-parameter names: a cell that only sets them configures a model (stages.md: "creates, configures"). */
const MODEL_SETTING = /^(\w*_)?(params?|prms|hyper\w*|\w*epochs?|batch_size|learning_rate|lr|dropout\w*|n_estimators|num_leaves|max_depth|hidden\w*|\w*units|n_layers|num_layers|\w*nodes|embed\w*_(dim|size))$/i;
/** A data location: `'../input/'`, `'/kaggle/input/...'`, `'train.csv'`. */
const INPUT_PATH = /^\s*[\w.]*\(?\s*(f|r)?['"][^'"]*(input\/|\.(csv|json|parquet|feather|tsv|txt|zip|h5|npy|pkl)['"])/;

function isModelSetting(s: Statement): boolean {
  if (s.targets.length !== 1 || !MODEL_SETTING.test(s.targets[0]!)) return false;
  const rhs = s.text.slice(s.text.indexOf('=') + 1).trim();
  return /^(\{|dict\(|[-+]?\d|\[)/.test(rhs) && s.calls.every((c) => c === 'dict' || c === 'int' || c === 'float');
}

/** Compound statements judged by their body's lines (stages.md rule 3 for defs; loops and blocks likewise). */
const BODY_KINDS = new Set(['function_definition', 'for_statement', 'while_statement', 'if_statement', 'with_statement', 'try_statement']);

/** Stage with the most lines among a body's statements; ties go to the later stage; null when all are neutral. */
function bodyStage(children: Statement[]): Stage | null {
  const counts = STAGES.map(() => 0);
  for (const c of children) {
    const st = statementStage(c);
    if (st) counts[STAGES.indexOf(st)]! += c.lines;
  }
  let best = -1;
  counts.forEach((c, i) => {
    if (c > 0 && c >= (best < 0 ? 0 : counts[best]!)) best = i;
  });
  return best < 0 ? null : STAGES[best]!;
}

/** null when the statement is neutral (prints of messages, figure setup) and goes with the rest of the cell. */
export function statementStage(s: Statement): Stage | null {
  if (IMPORT_KINDS.has(s.kind)) return 'import';
  const calls = s.calls;
  if (s.kind === 'class_definition') {
    if (s.bases.some((b) => /Module|Callback|Layer|Model|LightningModule/.test(b))) return 'train';
    if (s.bases.some((b) => /Dataset|Transformer|BaseEstimator/.test(b))) return 'prep';
  }
  if (calls.length > 0 && calls.every((c) => SETUP_CALLS.has(c))) return 'import';
  if (s.kind === 'function_definition') {
    const name = /def\s+(\w+)/.exec(s.text)?.[1] ?? '';
    if (/confusion|roc|score|evaluat|metric|report|importance|gini|rmse|predict|learning_curve|plot_history|plot_result|residual|forecast/i.test(name)) return 'eval';
    if (/^(train|fit|build|create|make|get)_?(model|net|network|clf|classifier|regressor)|^train|^fit|^run_/i.test(name)) return 'train';
  }
  if (s.children.length > 0 && BODY_KINDS.has(s.kind)) {
    const inner = bodyStage(s.children);
    if (inner) return inner;
  }
  if (isSubmission(s) || hasAny(calls, EVAL_CALLS) || (hasAny(s.attrs, EVAL_ATTRS) && !calls.includes('fit'))) return 'eval';
  if (calls.some(isModelConstructor) || calls.includes('fit') || hasAny(calls, TRAIN_CALLS)) return 'train';
  if (hasAny(calls, READ_CALLS) || hasAny(calls, LIST_CALLS) || readsFile(s)) return 'load';
  if (s.kind === 'function_definition') return 'prep';
  const assigns = s.targets.length > 0;
  if (!calls.includes('fit') && (EVAL_NAMES.test(s.targets.join(' ')) || (!assigns && EVAL_NAMES.test(s.text)) || /\bhistory\[/.test(s.text))) return 'eval';
  if (assigns && isModelSetting(s)) return 'train';
  if (assigns && INPUT_PATH.test(s.text.slice(s.text.indexOf('=') + 1)) && (calls.length === 0 || calls.every((c) => c === 'join'))) return 'load';
  if (assigns && calls.length === 0 && CONFIG_RHS.test(s.text.slice(s.text.indexOf('=') + 1))) return null;
  if (hasAny(calls, PREP_CALLS) && (assigns || !hasAny(calls, EXPLORE_CALLS) || s.kind !== 'expression_statement')) return 'prep';
  if (assigns && s.targets.some((t) => /\[/.test(t) || XY.test(t))) return 'prep';
  const meaningful = calls.filter((c) => c !== '' && !NEUTRAL_CALLS.has(c) && !PLOT_NEUTRAL.has(c));
  if (assigns && meaningful.length > 0 && meaningful.every((c) => EXPLORE_CALLS.has(c))) return 'explore';
  if (assigns && calls.length > 0 && meaningful.length === 0 && /time|perf_counter|now|subplots|figure/.test(calls.join())) return null;
  if (assigns) return 'prep';
  if (hasAny(calls, EXPLORE_CALLS) || /\.(shape|dtypes|columns|size|index)\b/.test(s.text)) return 'explore';
  if (s.kind === 'expression_statement' && !assigns && calls.length === 0 && !/^["']/.test(s.text)) return 'explore';
  if (s.kind === 'for_statement' || s.kind === 'while_statement') return assigns ? 'prep' : null;
  return null;
}

/** Effective lines per stage; displays right after a read count as the read (spec: a first `.head()` stays Load Data). */
export function stageLines(f: CellFeatures): number[] {
  const counts = STAGES.map(() => 0);
  let sawLoad = false;
  for (const s of f.statements) {
    let st = statementStage(s);
    if (st === 'load') sawLoad = true;
    if (st === 'explore' && sawLoad && s.lines <= 2) st = 'load';
    if (st) counts[STAGES.indexOf(st)]! += s.lines;
  }
  if (f.magics.some((m) => /pip |matplotlib|conda /.test(m))) counts[0]! += 1;
  // `!ls ../input` lists where the data is.
  if (f.magics.some((m) => /^!\s*(ls|head|wc|du|find|unzip)\b.*input/.test(m))) counts[1]! += 1;
  return counts;
}

/** Most lines wins; ties go to the later stage, but a lone trailing display never outweighs real work. */
export function majorityStage(f: CellFeatures): Stage | null {
  const counts = stageLines(f);
  let best = -1;
  let bestCount = 0;
  counts.forEach((c, i) => {
    if (c > 0 && c >= bestCount) {
      if (c === bestCount && i === 2 && best > 2) return;
      best = i;
      bestCount = c;
    }
  });
  if (best === 2 && bestCount === 1 && counts.some((c, i) => i !== 2 && c === 1)) {
    best = counts.findIndex((c, i) => i !== 2 && c === 1);
  }
  return best >= 0 ? STAGES[best]! : null;
}
