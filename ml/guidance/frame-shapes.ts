// Frame expressions whose columns the target check can follow: `df`, `df.drop([...], axis=1)`, `df[[...]]`, and the
// one column a target is taken from (`np.log1p(df['SalePrice'])`). Anything else is no shape: the trail ends there.
import type { SyntaxNode } from '../python-parser.ts';
import { callFact, stringsIn, text, type CallFact } from './call-facts.ts';

/** A frame: its base variable and the columns dropped or selected on the way; or one column of a frame. */
export type FrameShape =
  | { kind: 'frame'; base: string; dropped: string[]; selected: string[] | null; alias: boolean }
  | { kind: 'column'; base: string; column: string };

/** Methods that keep a frame's columns, so `df.copy()` or `df.fillna(0).values` still holds the target. */
const SAME_COLUMNS = new Set([
  'copy', 'to_numpy', 'astype', 'fillna', 'reset_index', 'as_matrix', 'sample', 'dropna', 'drop_duplicates', 'sort_values', 'infer_objects',
]);

export function columnKey(sub: SyntaxNode): string | null {
  const key = sub.childForFieldName('subscript');
  if (key?.type !== 'string') return null;
  return stringsIn(key)[0] ?? null;
}

function literalStrings(node: SyntaxNode | null): string[] | null {
  if (!node) return null;
  if (node.type === 'string') return stringsIn(node);
  if (node.type === 'list' || node.type === 'tuple') {
    const items = node.namedChildren;
    return items.every((i) => i.type === 'string') ? items.flatMap(stringsIn) : null;
  }
  return null;
}

/** Columns a `.drop(...)` call removes: literal labels with `axis=1`/`axis='columns'` or `columns=`; null otherwise. */
export function droppedColumns(call: CallFact, node: SyntaxNode): string[] | null {
  const argsNode = node.childForFieldName('arguments');
  const kw = (k: string) => {
    const arg = argsNode?.namedChildren.find((a) => a.type === 'keyword_argument' && text(a.childForFieldName('name')) === k);
    return arg?.childForFieldName('value') ?? null;
  };
  const positional = argsNode?.namedChildren.filter((a) => a.type !== 'keyword_argument' && a.type !== 'comment') ?? [];
  const columns = kw('columns');
  if (columns) return literalStrings(columns);
  const axis = call.kwargs.axis?.text ?? positional[1]?.text;
  if (axis !== '1' && axis !== "'columns'" && axis !== '"columns"') return null;
  return literalStrings(kw('labels') ?? positional[0] ?? null);
}

/** The frame or column an expression holds, through column-keeping wrappers; null when it is something else. */
export function frameShape(node: SyntaxNode | null): FrameShape | null {
  let n = node;
  let dropped: string[] = [];
  let plain = true;
  for (let guard = 0; n && guard < 20; guard++) {
    if (n.type === 'parenthesized_expression') {
      n = n.namedChildren[0] ?? null;
      continue;
    }
    if (n.type === 'identifier') return { kind: 'frame', base: n.text, dropped, selected: null, alias: plain };
    if (n.type === 'attribute' && text(n.childForFieldName('attribute')) === 'values') {
      n = n.childForFieldName('object');
      plain = false;
      continue;
    }
    if (n.type === 'subscript') {
      const base = n.childForFieldName('value');
      const key = n.childForFieldName('subscript');
      if (base?.type !== 'identifier' || !key) return null;
      const one = key.type === 'string' ? stringsIn(key)[0] : undefined;
      if (one !== undefined) return dropped.length ? null : { kind: 'column', base: base.text, column: one };
      const list = key.type === 'list' ? literalStrings(key) : null;
      if (key.type === 'list' && key.namedChildren.length === 1 && list?.length === 1 && !dropped.length) {
        return { kind: 'column', base: base.text, column: list[0]! };
      }
      if (!list) return null;
      return { kind: 'frame', base: base.text, dropped, selected: list, alias: false };
    }
    if (n.type === 'call') {
      const call = callFact(n);
      const fn = n.childForFieldName('function');
      // `df.as_matrix(['a', 'b'])` and `df.to_numpy(cols)` select columns; without arguments they keep them all.
      const selects = (call.name === 'as_matrix' || call.name === 'to_numpy' || call.name === 'copy') && call.args.length > 0;
      if (fn?.type === 'attribute' && SAME_COLUMNS.has(call.name) && !call.kwargs.axis && !call.kwargs.columns && !selects) {
        n = fn.childForFieldName('object');
        plain = false;
        continue;
      }
      if (fn?.type === 'attribute' && call.name === 'drop' && !call.kwargs.inplace) {
        const cols = droppedColumns(call, n);
        if (!cols) return null;
        dropped = [...dropped, ...cols];
        n = fn.childForFieldName('object');
        plain = false;
        continue;
      }
      if ((call.dotted === 'pd.get_dummies' || call.dotted === 'np.array' || call.dotted === 'np.asarray') && call.args.length === 1) {
        n = n.childForFieldName('arguments')?.namedChildren[0] ?? null;
        plain = false;
        continue;
      }
      return null;
    }
    return null;
  }
  return null;
}

/** `y = np.log1p(df['SalePrice'].values)`: a target column through wrappers that keep it one column. */
export function columnShape(node: SyntaxNode | null): FrameShape | null {
  let n = node;
  for (let guard = 0; n && guard < 20; guard++) {
    if (n.type === 'parenthesized_expression') n = n.namedChildren[0] ?? null;
    else if (n.type === 'attribute') {
      const obj = n.childForFieldName('object');
      const attr = text(n.childForFieldName('attribute'));
      // `df.SalePrice` names a column; `.values`/`.T` on a column keep it.
      if (obj?.type === 'identifier' && attr !== 'values' && attr !== 'columns' && attr !== 'index' && attr !== 'shape' && attr !== 'T') {
        return { kind: 'column', base: obj.text, column: attr };
      }
      n = obj;
    } else if (n.type === 'subscript') {
      const shape = frameShape(n);
      return shape?.kind === 'column' ? shape : null;
    } else if (n.type === 'call') {
      const fn = n.childForFieldName('function');
      const positional = n.childForFieldName('arguments')?.namedChildren.filter((a) => a.type !== 'keyword_argument' && a.type !== 'comment') ?? [];
      // `df['t'].map(...)` keeps the column; so do `np.log1p(col)` and `le.fit_transform(col)` of one argument.
      if (fn?.type === 'attribute' && fn.childForFieldName('object')?.type !== 'identifier') n = fn.childForFieldName('object');
      else if (positional.length === 1) n = positional[0]!;
      else return null;
    } else return null;
  }
  return null;
}
