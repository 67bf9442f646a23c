// Walks a notebook's top-level statements as the metric does, keeping what a suggestion needs: aliases, keys, names, paths, columns.
import type { SyntaxNode } from '../python-parser.ts';
import { BUILTINS } from './builtins.ts';
import { addAliases, isImport, keyOf, keyString, topStatements, type AliasTable } from './call-key.ts';
// File paths, column keywords and column-taking calls are masked as mask.ts masks them (one definition).
import { COLUMN_KEYWORDS, COLUMN_METHODS, dottedChain, HOLE_CLOSE, HOLE_OPEN, PATH_RE } from './mask.ts';

/** A top-level statement as seen from the notebook before it. */
export interface Statement {
  cell: number;
  /** First statement of its cell: the position a new, still empty cell is in. */
  first: boolean;
  /** Call key joined by spaces; '' when the statement calls nothing. */
  key: string;
  /** Code with holes: ⟦v:rank:name⟧ a name known before (rank by recency), ⟦n:name⟧ a new name, ⟦l:dotted⟧ a library, ⟦p:"…"⟧ a path, ⟦c:"…"⟧ a column. */
  template: string;
  text: string;
  /** Offset of the statement in its cleaned cell text. */
  start: number;
  /** Names the statement binds at top level (assignment targets, imports, definitions, loop variables). */
  defines: string[];
  /** Known names it reads. */
  reads: string[];
}

const MAX_NAMES = 400;
/** Names assigned and not read yet, most recent last; older ones are forgotten (constants never read pile up). */
const MAX_UNREAD = 64;

// A fitted model, then what uses it: the calls that end the "fitted but not used yet" state (scaler.transform counts too).
const FIT_CALLS = new Set(['.fit', '.fit_generator', 'xgboost.train', 'lightgbm.train', 'catboost.train']);
const USE_CALLS = new Set([
  '.predict',
  '.predict_proba',
  '.predict_log_proba',
  '.predict_classes',
  '.predict_generator',
  '.decision_function',
  '.score',
  '.evaluate',
  '.evaluate_generator',
  '.transform',
]);

/** The key fits a model (`.fit`, `lightgbm.train`); `.fit_transform` fits and uses at once, so it is no fit here. */
export function fitsModel(key: string): boolean {
  return key.split(' ').some((c) => FIT_CALLS.has(c));
}

/** The key uses a fitted model: predicts, scores, evaluates or transforms. */
export function usesFitted(key: string): boolean {
  return key.split(' ').some((c) => USE_CALLS.has(c));
}

function hole(kind: string, body: string): string {
  return `${HOLE_OPEN}${kind}:${body}${HOLE_CLOSE}`;
}

function stringValue(n: SyntaxNode): string | undefined {
  if (n.namedChildren.some((c) => c.type === 'interpolation')) return undefined;
  return n.namedChildren
    .filter((c) => c.type === 'string_content')
    .map((c) => c.text)
    .join('');
}

/** Names bound at the statement's top level: what running it leaves defined. */
function boundAtTop(stmt: SyntaxNode): string[] {
  const out: string[] = [];
  const targets = (n: SyntaxNode | null): void => {
    if (!n) return;
    if (n.type === 'identifier') out.push(n.text);
    else if (['pattern_list', 'tuple_pattern', 'list_pattern', 'expression_list', 'tuple', 'list'].includes(n.type)) n.namedChildren.forEach(targets);
  };
  let s = stmt;
  if (s.type === 'decorated_definition') s = s.childForFieldName('definition') ?? s;
  if (s.type === 'function_definition' || s.type === 'class_definition') targets(s.childForFieldName('name'));
  if (s.type === 'expression_statement') {
    for (const c of s.namedChildren) {
      let a: SyntaxNode | null = c;
      while (a && (a.type === 'assignment' || a.type === 'augmented_assignment')) {
        targets(a.childForFieldName('left'));
        a = a.childForFieldName('right');
      }
    }
  }
  if (s.type === 'for_statement') targets(s.childForFieldName('left'));
  if (s.type === 'with_statement') for (const t of s.descendantsOfType('as_pattern_target')) t.namedChildren.forEach(targets);
  return out;
}

/** A top-level `def` and a call of it: each required parameter a hole filled with the user's name of that name, else a recent one. */
function ownFunction(stmt: SyntaxNode): { name: string; template: string } | undefined {
  const def = stmt.type === 'decorated_definition' ? stmt.childForFieldName('definition') : stmt;
  if (def?.type !== 'function_definition') return undefined;
  const name = def.childForFieldName('name')?.text;
  if (!name) return undefined;
  const params: string[] = [];
  for (const p of def.childForFieldName('parameters')?.namedChildren ?? []) {
    if (p.type === 'identifier') params.push(p.text);
    else if (p.type === 'typed_parameter') params.push(p.namedChildren.find((c) => c.type === 'identifier')?.text ?? '');
  }
  if (params.some((p) => !p)) return undefined;
  return { name, template: `${name}(${params.map((p, i) => hole('v', `${i}:${p}`)).join(', ')})` };
}

/** What the notebook has made available so far, updated statement by statement. */
export class NotebookState {
  readonly aliases: AliasTable = new Map();
  /** Names by recency of use, most recent first. */
  known: string[] = [];
  readonly defined = new Set<string>();
  readonly paths: string[] = [];
  readonly columns: string[] = [];
  /** Key per statement so far ('' for none), and the cell each statement is in. */
  readonly keys: string[] = [];
  readonly keyCells: number[] = [];
  readonly keyCounts = new Map<string, number>();
  /** Statement index of each key's last use. */
  readonly keyLast = new Map<string, number>();
  /** The notebook's own latest template of each key (a key the corpus never wrote, like a call of the user's function). */
  readonly keyTemplate = new Map<string, string>();
  /** Statement index where each name was last bound, and by which key. */
  readonly boundBy = new Map<string, string>();
  cells = 0;
  /** Keys of the current cell so far. */
  cellKeys: string[] = [];
  /** Markdown just above the current cell. */
  markdown = '';
  /** Names bound and not read since, in binding order (oldest first), with the statement index and key that bound them. */
  readonly unread = new Map<string, { at: number; key: string }>();
  /** Statement index of the latest fit that nothing has used yet (predict, score, transform), -1 when none. */
  fitPending = -1;
  /** The notebook's own top-level functions: where each was defined, and a call of it with holes for its parameters. */
  readonly functions = new Map<string, { at: number; template: string }>();

  /** The statement's template, key and names, as seen from the state before it runs. */
  describe(node: SyntaxNode, text: string, start: number, cell: number, first: boolean): Statement {
    const key = keyString(keyOf(node, this.aliases));
    const holes: Array<{ start: number; end: number; text: string }> = [];
    const reads: string[] = [];
    const rank = new Map(this.known.map((n, i) => [n, i]));
    const base = node.startIndex;
    const put = (n: SyntaxNode, t: string): void => void holes.push({ start: n.startIndex - base, end: n.endIndex - base, text: t });
    const stack: Array<[SyntaxNode, boolean]> = [[node, false]];
    if (isImport(node)) stack.length = 0;
    while (stack.length) {
      const [n, columnish] = stack.pop()!;
      switch (n.type) {
        case 'comment':
          put(n, '');
          continue;
        case 'identifier': {
          const name = n.text;
          const lib = this.aliases.get(name);
          if (lib !== undefined && !this.defined.has(name)) put(n, hole('l', lib));
          else if (BUILTINS.has(name) && !rank.has(name)) continue;
          else {
            const r = rank.get(name);
            if (r === undefined) put(n, hole('n', name));
            else {
              put(n, hole('v', `${r}:${name}`));
              reads.push(name);
            }
          }
          continue;
        }
        case 'string': {
          const value = stringValue(n);
          if (value === undefined) {
            for (const c of n.namedChildren) if (c.type === 'interpolation') stack.push([c, false]);
            continue;
          }
          if (PATH_RE.test(value) && value.length < 200 && !/\s/.test(value)) put(n, hole('p', JSON.stringify(value)));
          else if (columnish && value.length > 0 && value.length < 80) put(n, hole('c', JSON.stringify(value)));
          continue;
        }
        case 'attribute': {
          const chain = dottedChain(n);
          const lib = chain && this.aliases.get(chain[0] ?? '');
          if (chain && lib !== undefined && !this.defined.has(chain[0] ?? '')) {
            put(n, hole('l', [lib, ...chain.slice(1)].join('.')));
            continue;
          }
          // Links below share the base, so none is a library call: go straight to the base (`df.a.a.…` is long).
          let base = n.childForFieldName('object');
          while (base?.type === 'attribute') base = base.childForFieldName('object');
          if (base) stack.push([base, false]);
          continue;
        }
        case 'keyword_argument': {
          const value = n.childForFieldName('value');
          if (value) stack.push([value, COLUMN_KEYWORDS.has(n.childForFieldName('name')?.text ?? '')]);
          continue;
        }
        case 'subscript': {
          const value = n.childForFieldName('value');
          if (value) stack.push([value, false]);
          for (const c of n.childrenForFieldName('subscript')) stack.push([c, true]);
          continue;
        }
        case 'call': {
          const fn = n.childForFieldName('function');
          const args = n.childForFieldName('arguments');
          if (fn) stack.push([fn, false]);
          const method = fn?.type === 'attribute' ? fn.childForFieldName('attribute')?.text : fn?.text;
          if (args) for (const c of args.namedChildren) stack.push([c, COLUMN_METHODS.has(method ?? '')]);
          continue;
        }
        case 'list':
        case 'tuple':
        case 'list_splat':
          for (const c of n.namedChildren) stack.push([c, columnish]);
          continue;
        default:
          for (const c of n.namedChildren) stack.push([c, false]);
      }
    }
    holes.sort((a, b) => a.start - b.start || b.end - a.end);
    let template = '';
    let pos = 0;
    for (const h of holes) {
      if (h.start < pos) continue;
      template += text.slice(pos, h.start) + h.text;
      pos = h.end;
    }
    template += text.slice(pos);
    const defines = isImport(node) ? [] : boundAtTop(node);
    return { cell, first, key, template: template.trim(), text, start, defines, reads };
  }

  /** Runs the statement: its aliases, names, paths and columns become part of the context. */
  apply(node: SyntaxNode, s: Statement): void {
    const i = this.keys.length;
    this.keys.push(s.key);
    this.keyCells.push(s.cell);
    this.cellKeys.push(s.key);
    if (s.key) {
      this.keyCounts.set(s.key, (this.keyCounts.get(s.key) ?? 0) + 1);
      this.keyLast.set(s.key, i);
      this.keyTemplate.set(s.key, s.template);
    }
    if (isImport(node)) {
      const before = new Set(this.aliases.keys());
      addAliases(node, this.aliases);
      for (const a of this.aliases.keys()) if (!before.has(a)) this.defined.delete(a);
    }
    for (const d of s.defines) {
      this.defined.add(d);
      this.boundBy.set(d, s.key);
    }
    this.trackUnread(s, i);
    const fn = ownFunction(node);
    if (fn) this.functions.set(fn.name, { at: i, template: fn.template });
    else for (const d of s.defines) this.functions.delete(d);
    // A statement that fits and uses at once (`model.fit(X, y).predict(X)`) leaves nothing pending.
    if (usesFitted(s.key)) this.fitPending = -1;
    else if (fitsModel(s.key)) this.fitPending = i;
    const touched = [...s.defines, ...s.reads];
    if (touched.length) {
      const set = new Set(touched);
      this.known = [...set, ...this.known.filter((n) => !set.has(n))].slice(0, MAX_NAMES);
    }
    for (const m of s.template.matchAll(/⟦([pc]):("(?:[^"\\]|\\.)*")⟧/g)) {
      const value = JSON.parse(m[2] ?? '""') as string;
      (m[1] === 'p' ? this.paths : this.columns).push(value);
    }
  }

  /** Reads consume names; bindings (after the reads: `df = df.dropna()` leaves a new, unread df) add them. */
  private trackUnread(s: Statement, i: number): void {
    for (const r of s.reads) this.unread.delete(r);
    for (const d of s.defines) {
      this.unread.delete(d);
      this.unread.set(d, { at: i, key: s.key });
    }
    while (this.unread.size > MAX_UNREAD) this.unread.delete(this.unread.keys().next().value!);
  }

  /** An independent copy: the app keeps the state of unchanged earlier cells and walks only what changed. */
  clone(): NotebookState {
    const c = new NotebookState();
    for (const [k, v] of this.aliases) c.aliases.set(k, v);
    c.known = [...this.known];
    for (const d of this.defined) c.defined.add(d);
    c.paths.push(...this.paths);
    c.columns.push(...this.columns);
    c.keys.push(...this.keys);
    c.keyCells.push(...this.keyCells);
    for (const [k, v] of this.keyCounts) c.keyCounts.set(k, v);
    for (const [k, v] of this.keyLast) c.keyLast.set(k, v);
    for (const [k, v] of this.keyTemplate) c.keyTemplate.set(k, v);
    for (const [k, v] of this.boundBy) c.boundBy.set(k, v);
    c.cells = this.cells;
    c.cellKeys = [...this.cellKeys];
    c.markdown = this.markdown;
    for (const [k, v] of this.unread) c.unread.set(k, v);
    c.fitPending = this.fitPending;
    for (const [k, v] of this.functions) c.functions.set(k, v);
    return c;
  }

  startCell(markdown = ''): void {
    this.cells++;
    this.cellKeys = [];
    this.markdown = markdown;
  }
}

export interface NotebookCell {
  source: string;
  /** Markdown cells between the previous code cell and this one. */
  markdown?: string;
  /** Python's own verdict on whether the cell parses, where known (training and evaluation). */
  parses?: boolean;
}

/**
 * Visits every top-level statement in order. `onStatement` sees the state before the statement runs;
 * cells that do not parse add nothing (the metric has no positions in them).
 */
export function walkNotebook(
  cells: readonly NotebookCell[],
  onStatement?: (s: Statement, state: NotebookState) => void,
  state = new NotebookState(),
  from = 0,
): NotebookState {
  cells.forEach((cell, ci) => {
    if (ci < from) return;
    state.startCell(cell.markdown ?? '');
    const parsed = topStatements(cell.source, cell.parses);
    if (!parsed) return;
    parsed.statements.forEach((st, si) => {
      const s = state.describe(st.node, parsed.text.slice(st.start, st.end), st.start, ci, si === 0);
      onStatement?.(s, state);
      state.apply(st.node, s);
    });
  });
  return state;
}
