// Stage of one top-level statement, then the spec's line-count vote over a cell's statements (stages.md "Deciding mixed cells").
import { STAGES, type Stage } from '../stages.ts';
import type { CellFeatures, Statement } from './features.ts';
import { CellFlowState, serveDisplays, servePlots } from './cell-flow.ts';
import {
  NEUTRAL_CALLS,
  PLOT_NEUTRAL,
  CONFIG_RHS,
  DRAW_CALLS,
  EVAL_NAMES,
  EVAL_ATTRS,
  EVAL_CALLS,
  EXPLORE_CALLS,
  LIST_CALLS,
  METRIC_HELPER,
  PREDICTION_NAMES,
  PREDICT_CALLS,
  PREP_CALLS,
  READ_CALLS,
  SETUP_CALLS,
  TRAIN_CALLS,
  hasAny,
  isEvalName,
  isModelConstructor,
} from './vocab.ts';

export { CellFlowState } from './cell-flow.ts';

const IMPORT_KINDS = new Set(['import_statement', 'import_from_statement', 'future_import_statement']);
const XY = /^(X|y|x|Y)(_?(train|test|val|valid|all|data|tr|te))?(,|$)/;

function isSubmission(s: Statement): boolean {
  return (
    /to_csv/.test(s.text) &&
    (/submi|sample|output|pred|result|answer/i.test(s.text) ||
      SUBMISSION_FILE.test(s.text) ||
      /\b(sub|subm|sub_\w+|\w+_sub)\s*\.to_csv/i.test(s.text))
  );
}

/** `'sub.csv'`, `'./sub1.csv'`, `"sub_stacked.csv"`: Kaggle's short name for a submission file. */
const SUBMISSION_FILE = /['"][^'"]*\bsub[\w-]*\.csv/i;
/** Colormaps (`plt.cm.gray`, `cmap=cm.jet`) are no confusion matrix (`cm`). */
const COLORMAP = /\b(\w+\.)?cm\.\w+|\bcmap\s*=\s*[^,)]+/g;
/** Settings of how data is read (`dtypes = {...}`, `NROWS = None`, `usecols = [...]`). */
const READ_SETTING =
  /^(\w*_)?(dtypes?|dtype_\w+|col_?types|usecols|cols_to_use|nrows|n_rows|chunk_?size|skiprows|parse_dates|na_values|encoding|sep|delimiter)$/i;

/** Loop variables of parameter searches and epoch loops (`for c in c_params`, `for epoch in range(n)`). */
const TUNING_LOOP = new RegExp(
  String.raw`^for\s+[^:]*?\b(epochs?|\w*params?|\w*param_\w*|alphas?|lambdas?|depths?|max_depth|n_estimators|estimators|lr|lrs|learning_rates?|` +
    String.raw`c|cs|c_values?|k|ks|n_neighbors|neighbors|leaves|num_leaves|gammas?|batch(es)?|step|steps|iterations?)\b[^:]*\bin\b`,
  'i',
);
/** A pretrained network used as a feature extractor (`VGG16(include_top=False)`, `*_bottleneck.predict`). */
const BOTTLENECK = /include_top\s*=\s*False|bottleneck|feature_extractor|extract_features/i;
const FOLD_LOOP = /^for\s+[^:]*\bin\s+(enumerate\(\s*)?[\w.]*\.split\(/;
const FIT_IN_LOOP = new Set([
  'fit',
  'cross_val_score',
  'cross_validate',
  'fit_generator',
  'train',
  'train_on_batch',
  'backward',
  'step',
  'partial_fit',
  'fit_one_cycle',
  'run',
]);

/** Training loops and parameter searches are training (stages.md: "training loops", CV "used to choose parameters"). */
function trainingLoop(s: Statement): boolean {
  if (s.kind !== 'for_statement' && s.kind !== 'while_statement' && s.kind !== 'with_statement') return false;
  // A loop over cross-validation folds that fits in each (`for tr, va in kf.split(X): ... model.fit(...)`).
  if (
    s.kind === 'for_statement' &&
    FOLD_LOOP.test(s.text.split('\n')[0]!) &&
    s.calls.some((c) => FIT_IN_LOOP.has(c) || /^(run|train|fit)_?[A-Za-z]*$/i.test(c))
  )
    return true;
  if (!s.calls.some((c) => FIT_IN_LOOP.has(c))) return false;
  if (s.kind === 'with_statement') return /Session\(/.test(s.text.split('\n')[0]!) && /\bfor\b[^\n]*\bepoch/.test(s.text);
  if (s.kind === 'while_statement') return /epoch/i.test(s.text.split('\n')[0]!);
  return (TUNING_LOOP.test(s.text.split('\n')[0]!) && !s.calls.includes('run')) || /^for\s+\w*epoch/i.test(s.text);
}

/** A `def` that draws and hands nothing back exists for its plots (rule 3: a body counts by what it does). */
function plottingDef(s: Statement): Stage | null {
  if (s.kind !== 'function_definition' || s.returnsValue || !s.calls.some((c) => DRAW_CALLS.has(c))) return null;
  const judgesModel =
    hasAny(s.calls, EVAL_CALLS) ||
    hasAny(s.attrs, EVAL_ATTRS) ||
    s.calls.some((c) => METRIC_HELPER.test(c)) ||
    s.reads.some((r) => PREDICTION_NAMES.test(r) || /^(history|hist|model|clf|estimator)$/.test(r));
  return judgesModel ? 'eval' : 'explore';
}

function readsFile(s: Statement): boolean {
  return s.calls.includes('open') && /\.(csv|txt|json|tsv|xml|pkl|pickle|npy)|input\//i.test(s.text);
}

/** Hyper-parameter names: a cell that only sets them configures a model (stages.md: "creates, configures"). */
/** Name parts of a function that evaluates a model (in snake_case; camelCase is split first). */
const EVAL_FUNCTION_PART = new RegExp(
  String.raw`(^|_)(confusion\w*|roc|auc|scores?|evaluat\w*|metrics?|report\w*|importances?|gini\w*|r?mse|rmsle|mae|predict\w*|` +
    String.raw`learning_curve|plot_history|plot_results?|residuals?|forecast\w*)(_|$)`,
  'i',
);
const MODEL_SETTING = new RegExp(
  String.raw`^(\w*_)?(params?(_\w+)?|pars?|prms|hyper\w*|\w*epochs?|batch_size|learning_rate|lr|dropout\w*|n_estimators|num_leaves|max_depth|` +
    String.raw`hidden\w*|\w*units|n_layers|num_layers|\w*nodes|embed\w*_(dim|size)|optimizer|loss|metrics|arch|num_gpus|n_gpus|gpus|num_workers|` +
    String.raw`nw|grid|param_grid|search_space|space|num_rounds?|num_boost_round|n_rounds|rounds|n_iter|max_iter|iterations|watchlist|evallist|` +
    String.raw`eval_set|callbacks|n_?folds|k_?folds|nfold|folds|n_splits|patience|momentum|weight_decay|num_classes|n_classes)$`,
  'i',
);
/** Layers and model containers: a def that stacks them defines a network (rule 3). */
const LAYER_CALLS = new Set([
  'Dense',
  'Conv2D',
  'Conv1D',
  'Conv3D',
  'LSTM',
  'GRU',
  'Embedding',
  'MaxPooling2D',
  'MaxPooling1D',
  'Flatten',
  'BatchNormalization',
  'Dropout',
  'Concatenate',
  'UpSampling2D',
  'Conv2DTranspose',
  'Activation',
  'GlobalAveragePooling2D',
  'GlobalMaxPooling2D',
  'Input',
  'Linear',
  'Conv2d',
  'Conv1d',
  'Sequential',
  'Model',
  'Bidirectional',
  'TimeDistributed',
  'SpatialDropout1D',
  'LeakyReLU',
  'BatchNorm2d',
  'BatchNorm1d',
  'MaxPool2d',
  'ReLU',
  'Dropout2d',
  'SeparableConv2D',
  'AveragePooling2D',
  'ZeroPadding2D',
  'add',
  'compile',
]);
/** Objects whose attributes configure a model (`learn.opt_fn = optim.Adam`, `model.trainable = False`). */
const MODEL_OBJECT =
  /^(model|learn|learner|clf|net|estimator|regressor|classifier|optimizer|opt|scheduler|trainer|layer|base_model|\w+_model|model_\w+)\./;
/** Functions that read data, by name (`load_train_data`, `read_img`, `get_X_data`). */
const LOADER_NAME = /^(load|read|import|open|fetch|get_\w*(data|images?|imgs?|files?|df|dataset))(_\w+)?$|^(read|load)\w*$/i;
const PATH_CALLS = new Set(['join', 'Path', 'format', 'expanduser', 'abspath', 'dirname', 'realpath']);
/** A data folder anywhere in the value: `os.path.join(root, 'input/stage1_train')`, `Path("../input")`. */
const DATA_DIR = /['"][^'"]*(\binput\b|\/data\b|\.(csv|json|parquet|h5|npy|pkl|zip)\b)[^'"]*['"]/;
/** A data location: `'../input/'`, `'/kaggle/input/...'`, `'train.csv'`. */
const INPUT_PATH = /^\s*[\w.]*\(?\s*(f|r)?['"][^'"]*(input\/|\.(csv|json|parquet|feather|tsv|txt|zip|h5|npy|pkl)['"])/;

function isModelSetting(s: Statement): boolean {
  if (s.targets.length !== 1) return false;
  const rhs = s.text.slice(s.text.indexOf('=') + 1).trim();
  // `params['eta'] = 0.1` sets one hyper-parameter of a dict.
  const item = /^(\w+)\[['"]\w+['"]\]$/.exec(s.targets[0]!);
  if (item) return MODEL_SETTING.test(item[1]!) && s.calls.length === 0 && (CONFIG_RHS.test(rhs) || /^[\w.]+$/.test(rhs));
  if (!MODEL_SETTING.test(s.targets[0]!)) return false;
  // `optimizer = 'adam'`, `loss = bce_dice_loss`, `metrics = [mean_iou]`.
  if (/^(optimizer|loss|metrics)$/i.test(s.targets[0]!) && s.calls.length === 0) return true;
  return (
    /^(\{|dict\(|[-+]?\d|\[|\(|True|False|['"])/.test(rhs) &&
    s.calls.every(
      (c) => c === 'dict' || c === 'int' || c === 'float' || c === 'range' || c === 'list' || c === 'linspace' || c === 'arange' || c === 'logspace',
    )
  );
}

/** Compound statements judged by their body's lines (stages.md rule 3 for defs; loops and blocks likewise). */
const BODY_KINDS = new Set(['function_definition', 'for_statement', 'while_statement', 'if_statement', 'with_statement', 'try_statement']);

/** Stage with the most lines among a body's statements; ties go to the later stage; null when all are neutral. */
function bodyStage(children: Statement[], flow: CellFlowState): Stage | null {
  const counts = STAGES.map(() => 0);
  const start = flow.copy();
  let clause = 0;
  let branch = flow;
  for (const c of children) {
    // Each branch starts from what was known before the compound statement.
    if (c.clause !== clause) {
      clause = c.clause;
      branch = start.copy();
    }
    const st = flowStage(c, branch);
    if (st) counts[STAGES.indexOf(st)]! += c.lines;
  }
  let best = -1;
  counts.forEach((c, i) => {
    if (c > 0 && c >= (best < 0 ? 0 : counts[best]!)) best = i;
  });
  return best < 0 ? null : STAGES[best]!;
}

const PARKED_STRING = /^[rbuf]*('\'\'|"""|'|")[\s\S]*('\'\'|"""|'|")$/i;
const READ_CALLS_IN_HEADER = (header: string): boolean => [...READ_CALLS].some((r) => header.includes(`${r}(`));

const isAssignment = (s: Statement): boolean => s.targets.length > 0;

/** A loop over a folder listing (`for f in os.listdir(path)`) collects the data it lists. */
function listingLoop(s: Statement): boolean {
  if (s.kind !== 'for_statement') return false;
  const header = s.text.split('\n')[0]!;
  // Also loops over a chunked reader: `for chunk in pd.read_csv(path, chunksize=n)`.
  return /\b(listdir|glob|iglob|walk|scandir|iterdir)\s*\(/.test(header) || [...READ_CALLS].some((r) => header.includes(`${r}(`));
}

function isHelperValue(s: Statement): boolean {
  // `df.col = df.col.cat.codes` changes a column; only plain names are helpers.
  if (!s.targets.every((t) => /^[\w,()\s]+$/.test(t))) return false;
  const rhs = s.text.slice(s.text.indexOf('=') + 1).trim();
  if (s.calls.length === 0) return /^[\w.]+$/.test(rhs) || /^\w+\s*[-+*/]\s*\d+$/.test(rhs) || /^\d/.test(rhs);
  return s.calls.every((c) => NEUTRAL_HELPERS.has(c) || PLOT_NEUTRAL.has(c)) && !s.assigned.some((a) => s.reads.includes(a));
}

function isUnknownCall(name: string): boolean {
  return (
    name !== '' &&
    !NEUTRAL_CALLS.has(name) &&
    !PLOT_NEUTRAL.has(name) &&
    !NEUTRAL_HELPERS.has(name) &&
    !EXPLORE_CALLS.has(name) &&
    !DRAW_CALLS.has(name) &&
    !SETUP_CALLS.has(name) &&
    !/^(collect|sleep|seed|set_seed|display)$/.test(name)
  );
}

const NEUTRAL_HELPERS = new Set([
  'arange',
  'linspace',
  'logspace',
  'len',
  'range',
  'list',
  'time',
  'perf_counter',
  'now',
  'zeros',
  'ones',
  'dict',
  'tuple',
  'set',
  'Counter',
  'defaultdict',
  'sorted',
  'enumerate',
  'zip',
  'int',
  'float',
  'str',
  'round',
  'format',
  'abs',
]);

/** The statement's stage given what the cell computed before it; records what it assigns. */
export function flowStage(s: Statement, flow: CellFlowState): Stage | null {
  // Compound statements are judged through their body, statement by statement; a simple one by what it reads.
  const readsModelOutput = s.children.length === 0 && flow.readsEval(s);
  let st = statementStage(s, flow);
  if (
    (st === 'explore' || st === 'prep' || (st === null && s.reads.length > 0 && s.kind !== 'function_definition')) &&
    !s.calls.includes('fit') &&
    readsModelOutput
  )
    st = 'eval';
  flow.record(s, st);
  return st;
}

/** null when the statement is neutral (prints of messages, figure setup) and goes with the rest of the cell. */
export function statementStage(s: Statement, flow: CellFlowState = new CellFlowState()): Stage | null {
  if (IMPORT_KINDS.has(s.kind)) return 'import';
  // A bare string beside real code (a docstring, code parked in quotes) does nothing.
  if (s.kind === 'expression_statement' && PARKED_STRING.test(s.text.trim())) return null;
  // `with pd.HDFStore(path) as store:` / `with open('../input/x.json') as f:` reads.
  if (
    s.kind === 'with_statement' &&
    (READ_CALLS_IN_HEADER(s.text.split('\n')[0]!) ||
      (/\bopen\(/.test(s.text.split('\n')[0]!) && DATA_DIR.test(s.text.split('\n')[0]!) && !/['"]w/.test(s.text.split('\n')[0]!)))
  )
    return 'load';
  // Dropping columns or frames (`del train['target']`, `del df`) changes what data there is.
  if (s.kind === 'delete_statement') return 'prep';
  const calls = s.calls;
  if (s.kind === 'class_definition') {
    if (s.bases.some((b) => /Module|Callback|Layer|Model|LightningModule/.test(b))) return 'train';
    if (s.bases.some((b) => /Dataset|Transformer|BaseEstimator/.test(b))) return 'prep';
    // A class that builds or fits a model is the model (rule 3: `class Net(nn.Module)` is train).
    if (s.calls.some(isModelConstructor) || s.calls.some((c) => c !== 'compile' && TRAIN_CALLS.has(c)) || s.calls.includes('compile')) return 'train';
  }
  if (calls.length > 0 && calls.every((c) => SETUP_CALLS.has(c)) && !s.callees.some((c) => c === 'set' || c === 'use')) return 'import';
  if (s.kind === 'function_definition') {
    const name = /def\s+(\w+)/.exec(s.text)?.[1] ?? '';
    // Name parts, not substrings: `preprocess` holds "roc" and is no ROC curve.
    if (EVAL_FUNCTION_PART.test(name.replace(/([a-z])([A-Z])/g, '$1_$2'))) return 'eval';
    if (/^(train|fit|build|create|make|get)_?(model|net|network|clf|classifier|regressor)|^train|^fit|^run_/i.test(name)) return 'train';
    if (/rle|run_?length/i.test(name) && !/decode|2mask|rle2/i.test(name)) return 'eval';
    if (calls.filter((c) => LAYER_CALLS.has(c)).length >= 2) return 'train';
    if (
      LOADER_NAME.test(name) &&
      (hasAny(calls, READ_CALLS) || hasAny(calls, LIST_CALLS) || calls.includes('open') || calls.some((c) => /imread|read|load/i.test(c)))
    )
      return 'load';
  }
  if (isAssignment(s) && s.targets.length === 1 && MODEL_OBJECT.test(s.targets[0]!)) return 'train';
  const drawing = plottingDef(s);
  if (drawing) return drawing;
  if (trainingLoop(s)) return 'train';
  if (s.children.length > 0 && BODY_KINDS.has(s.kind)) {
    // A def's body starts from its parameters, not from the cell's earlier names.
    const inner = bodyStage(s.children, s.kind === 'function_definition' ? new CellFlowState() : flow);
    if (
      listingLoop(s) &&
      (inner === null || inner === 'prep' || inner === 'load' || (inner === 'explore' && !s.calls.some((c) => DRAW_CALLS.has(c))))
    )
      return 'load';
    if (inner) return inner;
  }
  // Features from a pretrained network (`train_bf = vgg_bottleneck.predict(X)`) are inputs for the next model.
  if (s.children.length === 0 && calls.some((c) => PREDICT_CALLS.has(c)) && BOTTLENECK.test(s.text)) return 'prep';
  if (isSubmission(s) || hasAny(calls, EVAL_CALLS) || (hasAny(s.attrs, EVAL_ATTRS) && !calls.includes('fit'))) return 'eval';
  if (calls.some(isModelConstructor) || calls.includes('fit') || hasAny(calls, TRAIN_CALLS)) return 'train';
  if (calls.some((c) => METRIC_HELPER.test(c))) return 'eval';
  if (hasAny(calls, READ_CALLS) || hasAny(calls, LIST_CALLS) || readsFile(s)) return 'load';
  if (s.kind === 'function_definition') return 'prep';
  const assigns = s.targets.length > 0;
  if (
    !calls.includes('fit') &&
    (EVAL_NAMES.test(s.targets.join(' ')) ||
      (assigns && s.assigned.some(isEvalName)) ||
      (!assigns && (EVAL_NAMES.test(s.text.replace(COLORMAP, '')) || s.reads.some(isEvalName))) ||
      /\bhistory\[/.test(s.text))
  )
    return 'eval';
  if (
    assigns &&
    s.targets.length === 1 &&
    READ_SETTING.test(s.targets[0]!) &&
    (calls.length === 0 || calls.every((c) => c === 'dict' || c === 'list'))
  )
    return 'load';
  if (assigns && isModelSetting(s)) return 'train';
  // Seeds are settings (stages.md puts settings with the imports).
  if (assigns && s.targets.every((t) => /(^|[._])seed$/i.test(t)) && calls.length === 0) return 'import';
  // `train['PredictedRevenue'] = ...`, `sub['target'] = blend`: a column of model output.
  if (assigns && s.targets.some((t) => /\[['"][^'"]+['"]\]$/.test(t) && isEvalName(/\[['"]([^'"]+)['"]\]$/.exec(t)![1]!.replace(/\W+/g, '_'))))
    return 'eval';
  if (
    assigns &&
    (INPUT_PATH.test(s.text.slice(s.text.indexOf('=') + 1)) || DATA_DIR.test(s.text.slice(s.text.indexOf('=') + 1))) &&
    (calls.length === 0 || calls.every((c) => PATH_CALLS.has(c)))
  )
    return 'load';
  // Aliases and helper values (`names = train.columns`, `bins = np.arange(0, 200)`, `j = j + 1`) serve the lines around them.
  if (assigns && isHelperValue(s)) return null;
  // A row filter (`train = df.loc[~df.sales.isna()]`) makes a new frame, whatever the mask calls.
  if (
    assigns &&
    /^[\w.]+\s*(\.(loc|iloc))?\[[\s\S]*(==|!=|<|>|~|\bisin\b|isna|isnull|notnull|notna)[\s\S]*\]$/.test(s.text.slice(s.text.indexOf('=') + 1).trim())
  )
    return 'prep';
  if (assigns && calls.length === 0 && CONFIG_RHS.test(s.text.slice(s.text.indexOf('=') + 1))) return null;
  if (hasAny(calls, PREP_CALLS) && (assigns || !hasAny(calls, EXPLORE_CALLS) || s.kind !== 'expression_statement')) return 'prep';
  if (/\binplace\s*=\s*True/.test(s.text)) return 'prep';
  if (assigns && s.targets.some((t) => /\[/.test(t) || XY.test(t))) return 'prep';
  const meaningful = calls.filter((c) => c !== '' && !NEUTRAL_CALLS.has(c) && !PLOT_NEUTRAL.has(c));
  // `x = df.groupby(...).count()` is a summary to look at; `df = df.sort_values(...)` changes the frame itself.
  if (assigns && meaningful.length > 0 && meaningful.every((c) => EXPLORE_CALLS.has(c)) && !s.assigned.some((a) => s.reads.includes(a)))
    return 'explore';
  if (assigns && calls.length > 0 && meaningful.length === 0 && calls.every((c) => PLOT_NEUTRAL.has(c) || /time|perf_counter|now/.test(c)))
    return null;
  // Keeping what a plot call returns (`n, bins, patches = plt.hist(x)`, `ax = sns.countplot(...)`) is still drawing.
  if (
    assigns &&
    meaningful.some((c) => DRAW_CALLS.has(c)) &&
    meaningful.every((c) => DRAW_CALLS.has(c) || EXPLORE_CALLS.has(c) || NEUTRAL_HELPERS.has(c))
  )
    return 'explore';
  if (assigns) return 'prep';
  if (hasAny(calls, EXPLORE_CALLS) || /\.(shape|dtypes|columns|size|index)\b/.test(s.text)) return 'explore';
  // `print(len(vocab))`, `print(coin, len(x))`: printing computed values is looking at the data; a message string is not.
  if (!assigns && calls[0] === 'print' && s.reads.some((r) => r !== 'print')) return 'explore';
  if (s.kind === 'expression_statement' && !assigns && calls.length === 0 && !/^["']/.test(s.text)) return 'explore';
  // A bare subscript shows rows: `data[data.amount > 100]`.
  if (s.kind === 'expression_statement' && !assigns && /^[\w.]+\[[\s\S]*\]$/.test(s.text.trim())) return 'explore';
  // A bare call of the notebook's own helper on its data (`train_cats(df_raw)`, `add_datepart(df, 'date')`) works in place.
  if (s.kind === 'expression_statement' && !assigns && /^[\w.]+\([\s\S]*\)$/.test(s.text.trim()) && s.reads.length > 1 && isUnknownCall(calls[0]!))
    return /plot|show|display|draw|visuali|print/i.test(calls[0]!) ? 'explore' : 'prep';
  if (s.kind === 'for_statement' || s.kind === 'while_statement') return assigns ? 'prep' : null;
  return null;
}

const linesCache = new WeakMap<CellFeatures, number[]>();
const stagesCache = new WeakMap<CellFeatures, Array<Stage | null>>();

/** Effective lines per stage (memoised per cell: a dozen LFs read it). */
export function stageLines(f: CellFeatures): number[] {
  let counts = linesCache.get(f);
  if (!counts) linesCache.set(f, (counts = countStageLines(f)));
  return counts;
}

/** Stage of each top-level statement as the line count sees it (in cell context; null for neutral lines). */
export function statementStages(f: CellFeatures): Array<Stage | null> {
  let stages = stagesCache.get(f);
  if (!stages) stagesCache.set(f, (stages = cellStatementStages(f)));
  return stages;
}

/** Whether the line count leaves room for `stage`: no other stage holds more lines than it and more than one line. */
export function notOutweighed(f: CellFeatures, stage: Stage): boolean {
  const counts = stageLines(f);
  const own = counts[STAGES.indexOf(stage)]!;
  return counts.every((c, i) => STAGES[i] === stage || c <= own || c <= 1);
}

function cellStatementStages(f: CellFeatures): Array<Stage | null> {
  const loaded = new Set<string>();
  const flow = new CellFlowState();
  const stages: Array<Stage | null> = [];
  for (const s of f.statements) {
    let st = flowStage(s, flow);
    if (st === 'load') s.assigned.forEach((a) => loaded.add(a));
    // A first look at what was just read (`df.head()`, `print(df.shape)`) stays Load Data; a look at something derived does not.
    if (st === 'explore' && s.lines <= 2 && (s.reads.some((r) => loaded.has(r)) || (loaded.size > 0 && s.reads.length === 0))) st = 'load';
    // Ordering or trimming what was just listed (`files = sorted(files)`, `files = files[:10]`) still collects it.
    else if (
      st === 'prep' &&
      s.assigned.length === 1 &&
      loaded.has(s.assigned[0]!) &&
      s.reads.every((r) => r === s.assigned[0] || !/^[a-z_]\w*$/i.test(r)) &&
      s.calls.every((c) => c === 'sorted' || c === 'list' || c === 'int' || c === 'float' || c === 'partition' || c === 'isdigit' || c === '')
    )
      st = 'load';
    else if (st && st !== 'load') s.assigned.forEach((a) => loaded.delete(a));
    stages.push(st);
  }
  servePlots(f.statements, stages);
  serveDisplays(f.statements, stages);
  // A headless pretrained network built in this cell (`VGG16(include_top=False)`) predicts features, not answers.
  if (/include_top\s*=\s*False/.test(f.source))
    stages.forEach(
      (st, k) =>
        st === 'eval' && f.statements[k]!.children.length === 0 && f.statements[k]!.calls.some((c) => PREDICT_CALLS.has(c)) && (stages[k] = 'prep'),
    );
  // Data drawn beside the model's output (image, mask, predicted mask) is drawn to judge the model.
  const draws = (k: number): boolean => f.statements[k]!.calls.some((c) => DRAW_CALLS.has(c));
  if (stages.some((st, k) => st === 'eval' && draws(k))) stages.forEach((st, k) => st === 'explore' && draws(k) && (stages[k] = 'eval'));
  return stages;
}

/** Lines per stage for the cell's statements judged as `stages` (the cell's own reading, or one refined by context). */
export function countLines(f: CellFeatures, stages: ReadonlyArray<Stage | null>): number[] {
  const counts = STAGES.map(() => 0);
  f.statements.forEach((s, i) => {
    const st = stages[i];
    if (st) counts[STAGES.indexOf(st)]! += s.lines;
  });
  if (f.magics.some((m) => /pip |matplotlib|conda /.test(m))) counts[0]! += 1;
  // `!cat sub.csv` looks at the submission just written.
  if (f.magics.some((m) => /^!\s*(cat|head|tail|wc)\b.*(\bsub[\w-]*\.csv|submission)/i.test(m))) counts[5]! += 1;
  // `!ls ../input` lists where the data is; `!cp ../input/weights/* ~/.keras/` and downloads put it in place.
  else if (f.magics.some((m) => /^!\s*(ls|dir|head|wc|du|find|unzip|cp|ln|mv|tar|7z|wget|curl|kaggle|gsutil)\b/.test(m))) counts[1]! += 1;
  return counts;
}

function countStageLines(f: CellFeatures): number[] {
  return countLines(f, statementStages(f));
}

/** Most lines wins; ties go to the later stage, but a lone trailing display never outweighs real work. */
export function majorityStage(f: CellFeatures): Stage | null {
  return majorityOfCounts(f, stageLines(f));
}

/** The line-count decision over given per-stage counts. */
export function majorityOfCounts(f: CellFeatures, counts: readonly number[]): Stage | null {
  let best = -1;
  let bestCount = 0;
  counts.forEach((c, i) => {
    if (c > 0 && c >= bestCount) {
      if (c === bestCount && i === 2 && best > 2) return;
      best = i;
      bestCount = c;
    }
  });
  // Settings (import) are not "real work" a display could be outweighed by.
  if (best === 2 && bestCount === 1 && counts.some((c, i) => i > 0 && i !== 2 && c === 1)) {
    best = counts.findIndex((c, i) => i > 0 && i !== 2 && c === 1);
  }
  if (best < 0 && f.statements.length > 0 && f.statements.every((s) => s.kind === 'expression_statement' && s.targets.length > 0)) return 'prep';
  return best >= 0 ? STAGES[best]! : null;
}
