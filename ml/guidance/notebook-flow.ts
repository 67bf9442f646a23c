// The notebook's data flow, followed statement by statement in notebook order: where each variable's values came from
// (a test file, the test side of a split, a scaler fitted on everything, a model's predictions, something the checks
// cannot see into) and the modelling events the checks judge (fits, predictions, evaluations, splits, reads, writes).
import type { ArgFact, CallFact } from './call-facts.ts';
import { cachedCellFacts, type CellFacts, type StatementFact } from './python-facts.ts';
import {
  CV_CALLS, DATA_MODULES, EVALUATOR_CLASS, LEAKY_FUNCTIONS, LEAKY_TRANSFORMERS, METRIC_CALL, MODEL_CLASS, PLAIN_BUILTINS, PREDICT_CALLS,
  READ_CALLS, REFIT_SENSITIVE, SELF_VALIDATING, SPLIT_CLASSES, TRUTH_NAME, VALIDATION_KWARGS, fileRole, heldOutName, isSubmissionPath,
  isTransformerClass, looksLikeTransformerName,
} from './vocab.ts';

/** Scores a fit kept: a search's best score, out-of-bag, early stopping, TF-DF's `model.make_inspector().evaluation()`. */
const KEPT_SCORE = /\.(best_score_|oob_score_|best_iteration|get_best_score)\b|make_inspector\(\)\.evaluation\(/;

/** What a function that scores a model tends to be called. */
const SCORER_NAME = /score|rmse|rmsle|mse|mae|eval|_cv|cv_|valid|metric|error|loss|acc/i;

/** The keyword arguments of these names that a call was given. */
function named(call: CallFact, keys: readonly string[]): ArgFact[] {
  return keys.flatMap((k) => (call.kwargs[k] ? [call.kwargs[k]] : []));
}

/** A metric's true and predicted values: positional, or `accuracy_score(y_true=y_val, y_pred=preds)`. */
function metricArgs(call: CallFact): ArgFact[] {
  return [...call.args, ...named(call, ['y_true', 'y_pred', 'y_score', 'y_prob', 'labels_true', 'labels_pred'])].slice(0, 2);
}

/** A statement's place: the cell's index among the linted cells, 0-based rows in the cell. */
export interface Loc {
  cell: number;
  line: number;
  endLine: number;
  text: string;
}

/** Which side of a split data is on; 'none' when no split (or file) says. */
export type Side = 'train' | 'test' | 'mixed' | 'none';

export interface Placed {
  cell: number;
  facts: StatementFact;
  /** Global statement index in notebook order. */
  g: number;
}

export interface TransformerFit extends Loc {
  g: number; cls: string; object: string | null; method: string; data: ArgFact | null; splitSide: Side; side: Side; leaky: boolean;
  /** The constructor fixed what fitting would learn (`CountVectorizer(vocabulary=...)`): refitting changes nothing. */
  fixed: boolean;
}
export interface ModelFit extends Loc {
  g: number; model: string; name: string; cls: string | null; supervised: boolean; validated: boolean; x: string; splitSide: Side;
}
export interface Prediction extends Loc {
  g: number; model: string | null; x: string; side: Side; splitSide: Side; targets: string[]; top: number; nested: boolean;
}
/** `data`: what was scored, as written (`X_train` of `model.score(X_train, y)`, the `X` a metric's predictions came from). */
export interface Evaluation extends Loc { g: number; models: string[]; side: Side | 'heldout'; splitSide: Side | 'heldout'; data: string[] }
/** `empty`: `train_test_split(df, test_size=0)` (or `=1`, one row), which holds nothing out. */
export interface Split extends Loc { g: number; kind: 'split' | 'cv' | 'search'; inputs: Set<string>; empty: boolean }
export interface FileRead extends Loc { g: number; role: 'test' | 'train' | 'sample' | 'predictions'; targets: string[] }
export interface Submission extends Loc { g: number; origins: Set<string> }

export interface NotebookFlow {
  statements: Placed[];
  cells: CellFacts[];
  transformerFits: Map<number, TransformerFit>;
  fits: ModelFit[];
  predictions: Map<number, Prediction>;
  evaluations: Evaluation[];
  splits: Split[];
  fileReads: Map<number, FileRead>;
  submissions: Submission[];
  /** Origins of the arguments of every call that predicts (`.predict`, a model called, a notebook function that predicts). */
  predictedOn: Set<string>[];
  /** Origins of each name after the whole notebook ran. */
  origins: Map<string, Set<string>>;
  /** Model instances (`name#generation`) the checks know are models: a model class, or predicted with. */
  knownModels: Set<string>;
  /** What each imported name refers to: `np` → `numpy`, `concat` → `pandas`. */
  modules: Map<string, string>;
}

export function locOf(p: Placed): Loc {
  return { cell: p.cell, line: p.facts.line, endLine: p.facts.endLine, text: p.facts.text };
}

const prefixed = (origins: Iterable<string>, prefix: string): boolean => {
  for (const o of origins) if (o.startsWith(prefix)) return true;
  return false;
};

/** The side a split gave these values, if any. */
export function splitSide(origins: Iterable<string>): Side {
  const test = prefixed(origins, 'split-test:');
  const train = prefixed(origins, 'split-train:');
  return test && train ? 'mixed' : test ? 'test' : train ? 'train' : 'none';
}

/** The split's side, else the side the files say (`test.csv` rows are test rows). */
export function sideOf(origins: Iterable<string>): Side {
  const s = splitSide(origins);
  if (s !== 'none') return s;
  const test = prefixed(origins, 'file-test:');
  const train = prefixed(origins, 'file-train:');
  return test && train ? 'mixed' : test ? 'test' : train ? 'train' : 'none';
}

export const hasPredictions = (origins: Iterable<string>): boolean => prefixed(origins, 'pred:') || prefixed(origins, 'file-predictions:');
/** Values made by code the checks cannot see into (a model called, a notebook function, an unknown object). */
const OPAQUE = 'opaque:';
export const isOpaque = (origins: ReadonlySet<string>): boolean => origins.has(OPAQUE);
export const fromFiles = (origins: Iterable<string>): boolean => prefixed(origins, 'file-');

/** The statements of all cells in notebook order. */
export function placeStatements(sources: readonly string[]): { statements: Placed[]; cells: CellFacts[] } {
  const cells = sources.map(cachedCellFacts);
  const statements: Placed[] = [];
  cells.forEach((c, cell) => c.statements.forEach((facts) => statements.push({ cell, facts, g: statements.length })));
  return { statements, cells };
}

const MUTATORS = new Set(['append', 'extend', 'update', 'insert', 'add', 'put']);
const LOADERS = /^(load_model|load_learner|load)$/;
const BOOSTER_TRAIN = /^(lgb|lightgbm|xgb|xgboost|cb|catboost)\.train$/;
const CV_MODULE = /^(lgb|lightgbm|xgb|xgboost|cb|catboost)\.cv$/;
/** fastai learners always hold a validation set and report on it while fitting. */
const VALIDATING_FITS = new Set(['fit_one_cycle', 'fine_tune', 'fit_flat_cos', 'fit_sgdr']);
const FIT_CALLS = new Set(['fit', 'fit_generator', 'fit_one_cycle', 'fine_tune', 'fit_flat_cos', 'fit_sgdr', 'train']);

/** Calls that keep predictions predictions: `np.argmax(model.predict(X), axis=1)`, `model.predict(X).ravel()`. */
const KEEPS_PREDICTIONS = new Set(['argmax', 'round', 'rint', 'expm1', 'exp', 'clip', 'squeeze', 'ravel', 'flatten', 'reshape', 'astype', 'array', 'where']);

/** `preds = model.predict(X)` (or wrapped): the names assigned hold the predictions themselves, not a score of them. */
function holdsPredictions(s: StatementFact): boolean {
  const v = s.value;
  if (!s.rebinds || !v || s.calls.some((c) => METRIC_CALL.test(c.name))) return false;
  return PREDICT_CALLS.has(v.name) || (v.receiverCall !== null && PREDICT_CALLS.has(v.receiverCall)) || KEEPS_PREDICTIONS.has(v.name);
}

class FlowWalker {
  readonly origins = new Map<string, Set<string>>();
  /** Class of the object a name holds (`sc = StandardScaler()` → StandardScaler), with its constructor's keywords. */
  private readonly classes = new Map<string, { cls: string; kwargs: string[] }>();
  private readonly generation = new Map<string, number>();
  /** Names that hold a model to call (`model = Net()`, `model = load_model(...)`, a compiled Keras model). */
  private readonly models = new Set<string>();
  private readonly notebookClasses = new Set<string>();
  private readonly predictingDefs = new Set<string>();
  private readonly evaluatingDefs = new Set<string>();
  private readonly notebookDefs = new Set<string>();
  private readonly sklearnNames = new Set<string>();
  /** Import names bound to data-only modules (`pd`, `np`, `os`) and what each alias stands for (`SFS` → SequentialFeatureSelector). */
  private readonly dataModules = new Set<string>();
  private readonly importedAs = new Map<string, string>();
  /** Keras models compiled in the notebook, and every object fitted so far (a helper given one judges it). */
  private readonly compiled = new Set<string>();
  private readonly fitted = new Set<string>();
  readonly flow: NotebookFlow;

  constructor(statements: Placed[], cells: CellFacts[]) {
    this.flow = {
      statements, cells, transformerFits: new Map(), fits: [], predictions: new Map(), evaluations: [], splits: [], fileReads: new Map(),
      submissions: [], predictedOn: [], origins: this.origins, knownModels: new Set(), modules: new Map(),
    };
    for (const c of cells) c.classes.forEach((k) => this.notebookClasses.add(k));
  }

  private of(names: Iterable<string>): Set<string> {
    const out = new Set<string>();
    for (const n of names) this.origins.get(n)?.forEach((o) => out.add(o));
    return out;
  }

  /** A model object as it is now: rebinding the name makes another instance. */
  instance(name: string): string {
    return `${name}#${this.generation.get(name) ?? 0}`;
  }

  private classOf(call: CallFact): string | null {
    const cls = call.receiver ? (this.classes.get(call.receiver)?.cls ?? null) : call.receiverCall;
    return cls ? (this.importedAs.get(cls) ?? cls) : null;
  }

  private isModelReceiver(call: CallFact): boolean {
    if (!call.receiver && !call.receiverCall) return false;
    const cls = this.classOf(call);
    if (cls) return !isTransformerClass(cls) && !SPLIT_CLASSES.test(cls) && !/Trainer$/.test(cls);
    return !(call.receiver && (looksLikeTransformerName(call.receiver) || /^trainer$/i.test(call.receiver)));
  }

  private argOrigins(args: ArgFact[]): Set<string> {
    return this.of(args.flatMap((a) => a.reads));
  }

  walk(): NotebookFlow {
    for (const p of this.flow.statements) this.step(p);
    return this.flow;
  }

  private step(p: Placed): void {
    const s = p.facts;
    const loc = locOf(p);
    if (s.kind === 'import') {
      for (const i of s.imports) {
        if (/^sklearn\b/.test(i.module)) this.sklearnNames.add(i.name);
        if (DATA_MODULES.test(i.module)) this.dataModules.add(i.name);
        this.flow.modules.set(i.name, i.module);
        if (i.original !== i.name) this.importedAs.set(i.name, i.original.split('.').at(-1)!);
      }
      s.targets.forEach((t) => this.bind(t, new Set()));
      return;
    }
    if (s.kind === 'def') {
      const cell = this.flow.cells[p.cell]!;
      for (const t of s.targets) {
        this.bind(t, new Set());
        this.notebookDefs.add(t);
        if (cell.predictingDefs.includes(t)) this.predictingDefs.add(t);
        if (cell.evaluatingDefs.includes(t)) this.evaluatingDefs.add(t);
      }
      return;
    }
    const created = new Set<string>();
    // Inner calls first: `accuracy_score(y, model.predict(X))` sees the prediction it measures.
    const calls = [...s.calls].sort((a, b) => a.end - a.start - (b.end - b.start));
    for (const call of calls) this.call(call, p, loc, created);
    // Read after the calls: `X = sc.fit_transform(X)` holds this fit of sc, not an earlier one.
    const reads = this.of(s.reads);
    // A name never bound in the notebook (a deleted cell, `%run`) may hold anything.
    const called = new Set(s.calls.filter((c) => !c.receiver && !c.receiverCall).map((c) => c.name));
    const unbound = s.freeReads.some((r) => !this.origins.has(r) && !called.has(r));
    if (unbound || calls.some((c) => this.opaqueCall(c))) created.add(OPAQUE);
    this.manualEvaluation(p, loc, s);
    // `study.optimize(objective)`: a notebook function that scores, handed over to be called.
    if (s.reads.some((r) => this.evaluatingDefs.has(r) && !called.has(r))) this.pushEvaluation(p, loc, [], 'heldout', 'heldout');
    if (KEPT_SCORE.test(s.text)) this.pushEvaluation(p, loc, [], 'heldout', 'heldout');
    this.assign(p, reads, created);
  }

  /**
   * Whether a call may compute something the checks cannot follow: a notebook function, a model, an object of unknown
   * make. Plain data work (pandas, numpy, builtins, methods of data read from files) is followed.
   */
  private opaqueCall(call: CallFact): boolean {
    if (PREDICT_CALLS.has(call.name)) return false; // followed as predictions
    if (!call.receiver && !call.receiverCall) {
      if (!call.dotted) return false; // a method of a literal or an expression: its parts are calls of their own
      return !PLAIN_BUILTINS.has(call.name) && !this.dataModules.has(call.name);
    }
    if (!call.receiver) return false;
    if (this.dataModules.has(call.receiver)) return false;
    const origins = this.origins.get(call.receiver);
    return origins === undefined || isOpaque(origins) || this.models.has(call.receiver);
  }

  private bind(name: string, origins: Set<string>): void {
    this.origins.set(name, origins);
    this.generation.set(name, (this.generation.get(name) ?? 0) + 1);
    this.classes.delete(name);
    this.models.delete(name);
  }

  private assign(p: Placed, reads: Set<string>, created: Set<string>): void {
    const s = p.facts;
    const value = s.value;
    const splitCall = value?.name === 'train_test_split' || (value?.name === 'split' && this.isFoldSplit(value));
    if (s.tuple && splitCall) {
      // Outputs alternate train, test (X_train, X_test, y_train, y_test); an earlier split's sides no longer apply,
      // except that splitting held-out data (a validation part cut from the test part) keeps all of it held out.
      const inputSide = splitSide(this.argOrigins(value!.args));
      const base = [...reads, ...created].filter((o) => !o.startsWith('split-'));
      s.tuple.forEach((name, i) => {
        const side = inputSide === 'test' || i % 2 === 1 ? 'test' : 'train';
        if (name) this.bind(name, new Set([...base, `split-${side}:${p.g}`]));
      });
      return;
    }
    const all = new Set([...reads, ...created]);
    for (const t of s.targets) {
      if (s.rebinds) this.bind(t, new Set(all));
      else {
        const mine = this.origins.get(t) ?? new Set<string>();
        all.forEach((o) => mine.add(o));
        this.origins.set(t, mine);
      }
    }
    if (!s.rebinds || s.targets.length !== 1 || !value) return;
    const t = s.targets[0]!;
    // `StandardScaler()`, `preprocessing.StandardScaler()`, `xgb.XGBClassifier()`: a class by its capital.
    const cls = this.importedAs.get(value.name) ?? value.name;
    if (/^[A-Z]/.test(value.name) || (!value.receiver && !value.receiverCall)) this.classes.set(t, { cls, kwargs: Object.keys(value.kwargs) });
    if (MODEL_CLASS.test(cls) || this.notebookClasses.has(value.name) || LOADERS.test(value.name) || /^(models|applications|timm)\b/.test(value.dotted)) {
      this.models.add(t);
    }
  }

  private isFoldSplit(call: CallFact): boolean {
    const cls = call.receiver ? this.classes.get(call.receiver)?.cls : call.receiverCall;
    return !!cls && SPLIT_CLASSES.test(cls);
  }

  private call(call: CallFact, p: Placed, loc: Loc, created: Set<string>): void {
    const s = p.facts;
    if (READ_CALLS.has(call.name)) {
      const paths = [...call.args.slice(0, 1), ...Object.values(call.kwargs)].flatMap((a) => a.strings);
      const role = paths.map(fileRole).find((r) => r !== null);
      if (role) {
        created.add(`file-${role}:${p.g}`);
        this.flow.fileReads.set(p.g, { ...loc, g: p.g, role, targets: s.targets });
      }
    }
    if (call.name === 'compile' && call.receiver) {
      this.models.add(call.receiver);
      this.compiled.add(call.receiver);
    }
    this.prediction(call, p, loc, created);
    if ((call.name === 'fit' || call.name === 'fit_transform' || call.name === 'partial_fit') && (call.receiver || call.receiverCall)) {
      const cls = this.classOf(call);
      if (cls && REFIT_SENSITIVE.has(cls)) {
        this.transformerFit(call, cls, p, loc, created);
        return;
      }
    }
    if (LEAKY_FUNCTIONS.has(call.name) && (call.dotted.startsWith('preprocessing.') || this.sklearnNames.has(call.name)) && call.args[0]) {
      const origins = this.of(call.args[0].reads);
      created.add(`tfit:${p.g}`);
      this.flow.transformerFits.set(p.g, {
        ...loc, g: p.g, cls: call.name, object: null, method: call.name, data: call.args[0], splitSide: splitSide(origins), side: sideOf(origins),
        leaky: true, fixed: false,
      });
    }
    // `.train(...)` fits only a known model (or h2o's `training_frame=`): `model.train()` of PyTorch switches a mode.
    const trains = call.name !== 'train' || (!!call.receiver && this.models.has(call.receiver)) || !!call.kwargs.training_frame;
    if (FIT_CALLS.has(call.name) && call.receiver && this.isModelReceiver(call) && trains) {
      this.modelFit(call, call.receiver, p, loc);
    } else if (BOOSTER_TRAIN.test(call.dotted) && s.rebinds && s.targets.length === 1) {
      // `xgb.train(params, dtrain, rounds, watchlist)`: the fourth argument is the evaluation sets.
      const validated = call.args.length >= 4 || Object.keys(call.kwargs).some((k) => VALIDATION_KWARGS.has(k));
      const x = call.args[1];
      this.flow.fits.push({
        ...loc, g: p.g, model: `${s.targets[0]}#${(this.generation.get(s.targets[0]!) ?? 0) + 1}`, name: s.targets[0]!, cls: call.dotted,
        supervised: true, validated, x: x?.text ?? '', splitSide: splitSide(this.of(x?.reads ?? [])),
      });
      this.flow.knownModels.add(`${s.targets[0]}#${(this.generation.get(s.targets[0]!) ?? 0) + 1}`);
    }
    this.evaluation(call, p, loc);
    this.split(call, p, loc);
    const statementPredicts = s.calls.some((c) => PREDICT_CALLS.has(c.name) && c.start >= call.start && c.end <= call.end);
    if (call.name === 'to_csv' && call.args[0]?.strings.some(isSubmissionPath)) {
      const origins = this.of(call.receiverReads);
      if (statementPredicts) origins.add(`pred:${p.g}`);
      this.flow.submissions.push({ ...loc, g: p.g, origins });
    } else if (call.name === 'savetxt' && call.args[0]?.strings.some(isSubmissionPath)) {
      this.flow.submissions.push({ ...loc, g: p.g, origins: this.argOrigins(call.args.slice(1)) });
    }
    if (MUTATORS.has(call.name) && call.receiver && s.kind === 'simple' && !s.targets.includes(call.receiver)) {
      // `preds.append(model.predict(x))`: the list now holds what was appended.
      const mine = this.origins.get(call.receiver) ?? new Set<string>();
      this.argOrigins(call.args).forEach((o) => mine.add(o));
      created.forEach((o) => mine.add(o));
      if (statementPredicts) mine.add(`pred:${p.g}`);
      this.origins.set(call.receiver, mine);
    }
  }

  private prediction(call: CallFact, p: Placed, loc: Loc, created: Set<string>): void {
    const s = p.facts;
    if (PREDICT_CALLS.has(call.name) && (call.receiver || call.receiverCall)) {
      created.add(`pred:${p.g}`);
      const x = call.args[0] ?? call.kwargs.X ?? call.kwargs.x ?? null;
      const origins = x ? this.of(x.reads) : new Set<string>();
      this.flow.predictedOn.push(origins);
      const model = call.receiver ? this.instance(call.receiver) : null;
      if (model) this.flow.knownModels.add(model);
      if (!this.flow.predictions.has(p.g)) {
        this.flow.predictions.set(p.g, {
          ...loc, g: p.g, model, x: x?.text ?? '', side: sideOf(origins), splitSide: splitSide(origins),
          targets: holdsPredictions(s) ? s.targets : [], top: s.top, nested: s.nested,
        });
      }
    } else if (!call.receiver && !call.receiverCall && (this.models.has(call.name) || this.predictingDefs.has(call.name))) {
      // `model(x)` of a network, or the notebook's own `make_predictions(test)`.
      created.add(`pred:${p.g}`);
      this.flow.predictedOn.push(this.argOrigins(call.args));
    }
  }

  private transformerFit(call: CallFact, cls: string, p: Placed, loc: Loc, created: Set<string>): void {
    const data = call.args[0] ?? null;
    const origins = data ? this.of(data.reads) : new Set<string>();
    const leaky = LEAKY_TRANSFORMERS.has(cls);
    const kwargs = call.receiver ? (this.classes.get(call.receiver)?.kwargs ?? []) : [];
    if (!this.flow.transformerFits.has(p.g)) {
      this.flow.transformerFits.set(p.g, {
        ...loc, g: p.g, cls, object: call.receiver, method: call.name, data, splitSide: splitSide(origins), side: sideOf(origins), leaky,
        fixed: kwargs.includes('vocabulary') || kwargs.includes('categories') || kwargs.includes('classes'),
      });
    }
    if (!leaky) return;
    created.add(`tfit:${p.g}`);
    // The fitted object carries the fit: what it transforms later carries it too.
    // A refit replaces what the object learnt before.
    if (call.receiver) {
      const kept = [...(this.origins.get(call.receiver) ?? [])].filter((o) => !o.startsWith('tfit:'));
      this.origins.set(call.receiver, new Set([...kept, `tfit:${p.g}`]));
    }
  }

  private modelFit(call: CallFact, receiver: string, p: Placed, loc: Loc): void {
    const cls = this.classOf(call);
    const x = call.args[0] ?? call.kwargs.x ?? call.kwargs.X ?? call.kwargs.training_frame ?? null;
    // A pipeline fitted on X alone transforms; a Keras model or a fastai learner may fit on one dataset argument.
    const pipeline = !!cls && /^(Pipeline|make_pipeline)$/.test(cls);
    const oneArgModel = (this.models.has(receiver) && !pipeline) || call.name !== 'fit' || !!call.kwargs.training_frame;
    const supervised = call.args.length >= 2 || !!call.kwargs.y || oneArgModel;
    if (!supervised || !x) return;
    const fastai = VALIDATING_FITS.has(call.name) || (!!cls && /learner$/i.test(cls)) || /^learn(er)?$/.test(receiver);
    // `model.fit(X, y, X_val, y_val)`, `net.train(gen, x, y, evaluation_data)`: held-out data handed to the fit.
    const heldOut = [...call.args, ...Object.values(call.kwargs)].some((a) => heldOutName(a.text));
    const validated = fastai || heldOut || Object.keys(call.kwargs).some((k) => VALIDATION_KWARGS.has(k)) || (!!cls && SELF_VALIDATING.test(cls));
    const model = this.instance(receiver);
    this.flow.fits.push({ ...loc, g: p.g, model, name: receiver, cls, supervised, validated, x: x.text, splitSide: splitSide(this.of(x.reads)) });
    if ((cls && MODEL_CLASS.test(cls)) || this.compiled.has(receiver)) this.flow.knownModels.add(model);
    this.fitted.add(receiver);
    if (cls && /SearchCV$/.test(cls)) this.flow.splits.push({ ...loc, g: p.g, kind: 'search', inputs: this.of(x.reads), empty: false });
  }

  /** The predictions these origins hold. */
  private predictionsIn(origins: Set<string>): Prediction[] {
    const out: Prediction[] = [];
    for (const o of origins) {
      const pr = o.startsWith('pred:') ? this.flow.predictions.get(Number(o.slice(5))) : undefined;
      if (pr) out.push(pr);
    }
    return out;
  }

  /** Models whose predictions these origins hold. */
  private predictingModels(origins: Set<string>): string[] {
    return this.predictionsIn(origins).flatMap((pr) => (pr.model ? [pr.model] : []));
  }

  private pushEvaluation(p: Placed, loc: Loc, models: string[], side: Side | 'heldout', split: Side | 'heldout', data: string[] = []): void {
    this.flow.evaluations.push({ ...loc, g: p.g, models, side, splitSide: split, data });
  }

  /** The notebook's own metric, by its name, given predictions: `multiclass_logloss(yvalid, preds)`, `rmse(y_val, p)`. */
  private ownMetric(call: CallFact): boolean {
    return !call.receiver && !call.receiverCall && SCORER_NAME.test(call.name) && call.args.some((a) => hasPredictions(this.of(a.reads)));
  }

  private evaluation(call: CallFact, p: Placed, loc: Loc): void {
    const both = (origins: Set<string>): [Side, Side] => [sideOf(origins), splitSide(origins)];
    const scored = call.args.length ? call.args : named(call, ['x', 'X', 'y']); // `rf.evaluate(x=valid_ds)` of Keras
    if ((call.name === 'score' || call.name === 'evaluate') && call.receiver && scored.length >= 1 && this.isModelReceiver(call)) {
      this.pushEvaluation(p, loc, [this.instance(call.receiver)], ...both(this.argOrigins(scored)), [scored[0]!.text]);
    } else if (CV_CALLS.has(call.name)) {
      // Before the metrics: `cross_val_score` ends like one.
      const model = call.args[0]?.reads[0];
      this.pushEvaluation(p, loc, model ? [this.instance(model)] : [], 'heldout', 'heldout');
    } else if ((METRIC_CALL.test(call.name) || this.ownMetric(call)) && metricArgs(call).length >= 1) {
      // Predictions made inline (`accuracy_score(y, model.predict(X))`) count as what the metric measures.
      const inline = [...this.flow.predictions.values()].filter((pr) => pr.g === p.g);
      const origins = this.argOrigins(metricArgs(call));
      const sides = metricArgs(call).map((a) => both(this.of(a.reads)));
      const pick = (k: 0 | 1): Side => {
        const all = sides.map((x) => x[k]);
        return all.includes('test') ? 'test' : all.includes('train') ? 'train' : all.includes('mixed') ? 'mixed' : 'none';
      };
      const scored = [...this.predictionsIn(origins), ...inline];
      this.pushEvaluation(p, loc, scored.flatMap((pr) => (pr.model ? [pr.model] : [])), pick(0), pick(1), scored.map((pr) => pr.x));
    } else if (CV_MODULE.test(call.dotted) || (!call.receiver && !call.receiverCall && this.evaluatingDefs.has(call.name))) {
      // `lgb.cv(...)`, or the notebook's own `evaluate_model(...)`: some model is judged, which one is not known.
      this.pushEvaluation(p, loc, [], 'heldout', 'heldout');
    } else if (this.evaluatorCall(call)) {
      this.pushEvaluation(p, loc, [], 'heldout', 'heldout');
    } else {
      this.helperEvaluation(call, p, loc);
    }
    if (FIT_CALLS.has(call.name) && call.receiver && Object.keys(call.kwargs).some((k) => VALIDATION_KWARGS.has(k))) {
      this.pushEvaluation(p, loc, [this.instance(call.receiver)], 'heldout', 'heldout');
      // `fit_generator(train_gen, validation_data=test_gen)`: the model predicts on that data every epoch.
      for (const [k, a] of Object.entries(call.kwargs)) if (VALIDATION_KWARGS.has(k)) this.flow.predictedOn.push(this.of(a.reads));
    }
  }

  /**
   * `evaluator.evaluate(preds)` of Spark, `ComputeModelStatistics(...).transform(preds)`, `metric.compute(predictions=p,
   * references=y)` of Hugging Face, `metrics.RMSE().eval(y, preds)`, `pd.crosstab(truth, preds)`: predictions scored.
   */
  private evaluatorCall(call: CallFact): boolean {
    const cls = call.receiver ? this.classes.get(call.receiver)?.cls : call.receiverCall;
    if ((cls && EVALUATOR_CLASS.test(cls)) || EVALUATOR_CLASS.test(call.name)) return true;
    if (call.name === 'compute' && call.kwargs.predictions && call.kwargs.references) return true;
    const predicted = call.args.filter((a) => hasPredictions(this.of(a.reads)));
    const truth = call.args.filter((a) => !predicted.includes(a) && a.reads.some((r) => TRUTH_NAME.test(r)));
    return (call.name === 'crosstab' || call.name === 'eval') && predicted.length > 0 && (call.name === 'crosstab' || truth.length > 0);
  }

  /**
   * `plot_confusion_matrix(clf, X_test, y_test)`, `evaluate(model, X_val, y_val)`, a logging helper's summary: a fitted
   * model handed to a call together with held-out data or true values is judged there.
   */
  private helperEvaluation(call: CallFact, p: Placed, loc: Loc): void {
    // `feature_importance_permutation(predict_method=rf.predict, X=X_test, y=y_test, metric='r2')`: by keyword too.
    const args = [...call.args, ...named(call, ['estimator', 'model', 'predict_method', 'X', 'x', 'y', 'X_test', 'y_test', 'y_true'])];
    if (FIT_CALLS.has(call.name) || PREDICT_CALLS.has(call.name) || !args.length) return;
    const models = args.flatMap((a) => a.reads.filter((r) => this.fitted.has(r)));
    if (!models.length) return;
    const data = args.filter((a) => !a.reads.some((r) => this.fitted.has(r)));
    // `rmse_cv(model)` of a cell no longer in the notebook: a scorer by its name, never seen.
    const unseenScorer = !call.receiver && !call.receiverCall && !this.origins.has(call.name) && SCORER_NAME.test(call.name);
    const judged = unseenScorer ||
      data.some((a) => splitSide(this.of(a.reads)) === 'test' || a.reads.some((r) => TRUTH_NAME.test(r)) || heldOutName(a.text));
    if (judged) this.pushEvaluation(p, loc, models.map((m) => this.instance(m)), 'heldout', 'heldout');
  }

  /** `(y_pred == y_test).mean()`, `plt.scatter(y_val, preds)`: predictions read beside the true values of a split. */
  private manualEvaluation(p: Placed, loc: Loc, s: StatementFact): void {
    if (s.calls.some((c) => METRIC_CALL.test(c.name))) return;
    // True values by name (`y_test`), or any data compared with the predictions (`np.mean((preds - df['rating']) ** 2)`).
    const compares = !s.rebinds && /==|!=|[^=!<>]-|-\s*\(/.test(s.text);
    // Predictions made in the statement count only when compared with true values by name: `(clf.predict(X) == y).mean()`.
    const inline = s.calls.some((c) => PREDICT_CALLS.has(c.name)) ? [...this.flow.predictions.values()].filter((pr) => pr.g === p.g) : [];
    if (inline.length && !compares) return;
    const predNames = inline.length ? [] : s.reads.filter((r) => hasPredictions(this.origins.get(r) ?? []));
    if (!predNames.length && !inline.length) return;
    const truthName = (r: string) => TRUTH_NAME.test(r) || (!inline.length && compares && fromFiles(this.origins.get(r) ?? []));
    const truth = s.reads.filter((r) => !predNames.includes(r) && truthName(r)).map((r) => this.origins.get(r) ?? new Set<string>());
    if (!truth.length) return;
    const split = truth.map(splitSide);
    const side = truth.map(sideOf);
    // Truth of unknown side (a validation set cut by hand) still judges the model: recorded as 'none'.
    const pick = (all: Side[]): Side => (all.includes('test') ? 'test' : all.includes('train') ? 'train' : 'none');
    const scored = inline.length ? inline : this.predictionsIn(this.of(predNames));
    this.pushEvaluation(p, loc, scored.flatMap((pr) => (pr.model ? [pr.model] : [])), pick(side), pick(split), scored.map((pr) => pr.x));
  }

  private split(call: CallFact, p: Placed, loc: Loc): void {
    // `test_size=0`, or `test_size=1` (one row: "essentially not splitting"), holds nothing out worth scoring on.
    const empty = /^(0(\.0*)?|1)$/.test(call.kwargs.test_size?.text ?? '');
    const push = (kind: Split['kind'], args: ArgFact[]) => this.flow.splits.push({ ...loc, g: p.g, kind, inputs: this.argOrigins(args), empty });
    if (call.name === 'train_test_split') push('split', call.args);
    else if (CV_CALLS.has(call.name)) push('cv', call.args.slice(1));
    else if (call.name === 'split' && this.isFoldSplit(call)) push('cv', call.args);
  }
}

export function notebookFlow(sources: readonly string[]): NotebookFlow {
  const { statements, cells } = placeStatements(sources);
  return new FlowWalker(statements, cells).walk();
}
