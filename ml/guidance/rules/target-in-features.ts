// The target column left among the features: `y = df['Survived']` and `X = df.drop(['Name'], axis=1)` (Survived still
// in X), then `model.fit(X, y)` or `train_test_split(X, y)`. Columns are followed only where they are written out; a
// frame is followed by identity (a name bound again is another frame), and anything unclear ends the trail.
import type { Placed } from '../notebook-flow.ts';
import type { CallFact } from '../call-facts.ts';
import { isTransformerClass, looksLikeTransformerName } from '../vocab.ts';
import { code, type Firing, type Rule, type RuleContext } from './rule.ts';

/** One binding of a name: `df` read from a file, and `df` after `df = df.merge(...)`, are different frames. */
interface Frame {
  name: string;
  gen: number;
}

/** A name holding a frame made from `base`: its columns are base's, minus `dropped`, limited to `selected`. */
interface View {
  base: Frame;
  dropped: Set<string>;
  selected: Set<string> | null;
  /** `X = df`: the same object, so dropping from df drops from X. */
  alias: boolean;
  at: Placed;
}

interface Target {
  base: Frame;
  column: string;
  at: Placed;
}

/**
 * Calls that fit features to a target: `fit(X, y)`, `cross_val_score(model, X, y)`. A split only passes both on: its
 * outputs are followed, so a target dropped from `X_train` before the fit is no finding.
 */
function featuresAndTarget(call: CallFact): [string, string] | null {
  const first = call.name === 'fit' ? 0 : /^cross_val/.test(call.name) ? 1 : -1;
  if (first < 0) return null;
  const x = call.args[first];
  const y = call.args[first + 1] ?? (first === 0 ? call.kwargs.y : undefined);
  const plain = (text: string | undefined) => (text && /^[A-Za-z_]\w*(\.values)?$/.test(text) ? text.replace(/\.values$/, '') : null);
  const xs = plain(x?.text);
  const ys = plain(y?.text);
  return xs && ys ? [xs, ys] : null;
}

/** A scaler or PCA keeps whatever the target told about the rows: `X = sc.fit_transform(X)` still holds it. */
const TRANSFORMS = new Set(['fit_transform', 'transform', 'scale', 'normalize', 'minmax_scale']);
/** A column transformer picks the model's columns by name, so a frame passed whole may well leave the target out. */
const COLUMN_PICKERS = new Set([
  'ColumnTransformer', 'make_column_transformer', 'make_column_selector', 'DataFrameMapper', 'ColumnSelector', 'FeatureUnion',
  'TransformerMixin',
]);

/** `sc.fit_transform(X)`, `StandardScaler().fit_transform(X)`, `scale(X)`: a transform that keeps every column's content. */
function keepsColumns(call: CallFact): boolean {
  if (!TRANSFORMS.has(call.name)) return false;
  if (!call.receiver && !call.receiverCall) return true;
  return (!!call.receiverCall && isTransformerClass(call.receiverCall)) || (!!call.receiver && looksLikeTransformerName(call.receiver));
}
const UNKNOWN = '\u0000unknown';

const same = (a: Frame, b: Frame): boolean => a.name === b.name && a.gen === b.gen;

class ColumnWalk {
  private readonly views = new Map<string, View>();
  private readonly targets = new Map<string, Target>();
  private readonly gens = new Map<string, number>();
  /** When a column was last set on a frame (`df['t'] = ...`), by global statement index. */
  private readonly columnSet = new Map<string, number>();
  /** Columns dropped in place from a frame itself (`df.drop('t', axis=1, inplace=True)`), by frame. */
  private readonly ownDrops = new Map<string, Set<string>>();
  private readonly fired = new Set<number>();
  readonly firings: Firing[] = [];

  private frame(name: string): Frame {
    return this.views.get(name)?.base ?? { name, gen: this.gens.get(name) ?? 0 };
  }

  private key(f: Frame): string {
    return `${f.name}#${f.gen}`;
  }

  step(p: Placed): void {
    const s = p.facts;
    for (const call of s.calls) this.use(call, p);
    if (s.setsColumn) this.columnSet.set(`${this.key(this.frame(s.setsColumn.base))}\u0000${s.setsColumn.column}`, p.g);
    for (const d of s.dropsColumns) this.drop(d.base, d.columns);
    if (s.reshapes) this.forget(s.reshapes);
    if (!s.rebinds) return;
    const name = s.targets.length === 1 ? s.targets[0]! : null;
    const transformed = s.value && keepsColumns(s.value) ? this.views.get(s.value.args[0]?.text ?? '') : undefined;
    const split = s.value?.name === 'train_test_split' && s.tuple ? this.splitOutputs(s.value, s.tuple, p) : [];
    const shape = s.shape;
    const from = shape ? this.views.get(shape.base) : undefined;
    const base = shape ? this.frame(shape.base) : null;
    for (const t of s.targets) {
      this.views.delete(t);
      this.targets.delete(t);
      this.gens.set(t, (this.gens.get(t) ?? 0) + 1);
    }
    // Bound inside an `if` or a loop: which branch ran, and how often, is unknown.
    if (s.nested) return;
    for (const [out, from] of split) {
      if ('column' in from) this.targets.set(out, from);
      else this.views.set(out, { ...from, dropped: new Set(from.dropped), alias: false });
    }
    if (!name) return;
    // Points at where X was built, where the target should have been dropped.
    if (transformed) this.views.set(name, { ...transformed, dropped: new Set(transformed.dropped), alias: false });
    if (!shape || !base) return;
    if (shape.kind === 'column') {
      const own = this.ownDrops.get(this.key(base));
      if (own?.has(shape.column) || own?.has(UNKNOWN)) return;
      const kept = !from || (!from.dropped.has(shape.column) && (!from.selected || from.selected.has(shape.column)));
      if (kept) this.targets.set(name, { base, column: shape.column, at: p });
      return;
    }
    const dropped = new Set([...(from?.dropped ?? []), ...(this.ownDrops.get(this.key(base)) ?? []), ...shape.dropped]);
    if (dropped.has(UNKNOWN)) return;
    const selected = shape.selected ? new Set(shape.selected) : from?.selected ?? null;
    this.views.set(name, { base, dropped, selected, alias: shape.alias && (from?.alias ?? true), at: p });
  }

  /** `X_train, X_test, y_train, y_test = train_test_split(X, y)`: each output is a part of the argument at its half. */
  private splitOutputs(call: CallFact, tuple: ReadonlyArray<string | null>, p: Placed): Array<[string, View | Target]> {
    const out: Array<[string, View | Target]> = [];
    tuple.forEach((name, k) => {
      const arg = call.args[Math.floor(k / 2)]?.text ?? '';
      const from = this.views.get(arg) ?? this.targets.get(arg) ?? (/^[A-Za-z_]\w*$/.test(arg) ? this.whole(arg, p) : undefined);
      if (name && from) out.push([name, from]);
    });
    return out;
  }

  /** A frame passed as it is (`train_test_split(train_df, y)`): all its columns, less those dropped from it in place. */
  private whole(name: string, at: Placed): View | undefined {
    const base = this.frame(name);
    const own = this.ownDrops.get(this.key(base)) ?? new Set<string>();
    return own.has(UNKNOWN) ? undefined : { base, dropped: new Set(own), selected: null, alias: false, at };
  }

  private drop(name: string, columns: string[] | null): void {
    const base = this.frame(name);
    const own = this.ownDrops.get(this.key(base)) ?? new Set<string>();
    (columns ?? [UNKNOWN]).forEach((c) => own.add(c));
    this.ownDrops.set(this.key(base), own);
    for (const [n, v] of this.views) {
      if (n !== name && !(v.alias && same(v.base, base))) continue;
      if (columns === null) this.views.delete(n);
      else columns.forEach((c) => v.dropped.add(c));
    }
  }

  private forget(name: string): void {
    const base = this.frame(name);
    this.ownDrops.set(this.key(base), new Set([UNKNOWN]));
    for (const [n, v] of this.views) if (n === name || (v.alias && same(v.base, base))) this.views.delete(n);
  }

  private use(call: CallFact, p: Placed): void {
    const pair = featuresAndTarget(call);
    if (!pair) return;
    const target = this.targets.get(pair[1]);
    if (!target) return;
    const { column } = target;
    // `model.fit(df, y)` where y was taken from this very df, and df has not lost the column since.
    const own = this.ownDrops.get(this.key(target.base));
    const self = !this.views.has(pair[0]) && same(this.frame(pair[0]), target.base) && !own?.has(column) && !own?.has(UNKNOWN);
    const view = self ? { base: target.base, dropped: new Set<string>(), selected: null, alias: true, at: p } : this.views.get(pair[0]);
    if (!view || !same(view.base, target.base)) return;
    if (view.dropped.has(column) || (view.selected && !view.selected.has(column))) return;
    // The column was added to the frame after X was copied from it: X never had it.
    const setAt = this.columnSet.get(`${this.key(view.base)}\u0000${column}`);
    if (!view.alias && setAt !== undefined && setAt > view.at.g) return;
    if (this.fired.has(view.at.g)) return;
    this.fired.add(view.at.g);
    const at = view.at.facts;
    this.firings.push({
      cell: view.at.cell, line: at.line, endLine: at.endLine, anchor: at.text,
      message: `The target ${code(`'${column}'`)} is still a column of ${code(pair[0])}, the features passed to ${code(`${call.name}(...)`)}`,
      related: [
        { cell: p.cell, line: call.line, note: `${call.name} with ${pair[0]} as features and ${pair[1]} as target` },
        { cell: target.at.cell, line: target.at.facts.line, note: 'where the target is taken' },
      ],
    });
  }
}

export const targetInFeatures: Rule = {
  id: 'leak-target-in-features',
  severity: 'warning',
  title: 'Target left among the features',
  explanation:
    'The column the model should predict is also one of its inputs, so the model can simply read the answer: scores look ' +
    'perfect and mean nothing, and the model fails on data without that column. Drop the target when building the ' +
    "features: `X = df.drop(columns=['target'])`, or take it out with `y = df.pop('target')`.",
  check(ctx: RuleContext): Firing[] {
    // Used anywhere, even inside the notebook's own functions (imported, then), column pickers make "the whole frame
    // passed" no proof that the model sees the target.
    const picks = (p: Placed) => p.facts.calls.some((c) => COLUMN_PICKERS.has(c.name)) || p.facts.imports.some((i) => COLUMN_PICKERS.has(i.original));
    if (ctx.flow.statements.some(picks)) return [];
    const walk = new ColumnWalk();
    for (const p of ctx.flow.statements) walk.step(p);
    return walk.firings;
  },
};
