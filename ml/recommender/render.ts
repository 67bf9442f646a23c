// Writes a corpus template back as code in the user's names, and refuses what would mislead: unknown names, columns or files, clobbered variables.
import type { SyntaxNode } from '../python-parser.ts';
import { topStatements } from './call-key.ts';
import { HOLE_CLOSE, HOLE_OPEN } from './mask.ts';
import type { NotebookState } from './notebook-state.ts';
import { renderLibrary, undefinedNames } from './specialize.ts';

const HOLE_RE = new RegExp(`${HOLE_OPEN}([vnlpc]):([^${HOLE_CLOSE}]*)${HOLE_CLOSE}`, 'g');
const READ_CALL = /(^|\s|\.)(read_\w+|load|loadtxt|open|imread|load_workbook|read)(\s|$)/;

export interface RenderContext {
  state: NotebookState;
  /** Columns of the DataFrames in scope, from the kernel when one runs (else only those in the code). */
  columns?: readonly string[];
  /** Files the notebook can read (relative to its folder), when the host knows them. */
  files?: readonly string[];
}

function quote(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function base(p: string): string {
  return p.split(/[/\\]/).pop() ?? p;
}

// Files nearly every competition folder holds; any other corpus file name is site-specific (`winemag-data-130k-v2.csv`).
const CONVENTIONAL = /^(train|test|sample_submission|submission|data|dataset|valid|validation)\.(csv|json|parquet|zip|tsv|txt)$/i;

function fillPath(corpusPath: string, key: string, ctx: RenderContext): string | undefined {
  const name = base(corpusPath);
  const seen = ctx.state.paths;
  const same = [...seen].reverse().find((p) => base(p) === name);
  // Reading a file the notebook has already read is the "reads test.csv again" chip: not offered.
  if (same) return READ_CALL.test(key) ? undefined : same;
  // Where the host listed the notebook's files, only those exist.
  if (ctx.files) return ctx.files.find((f) => base(f) === name && !seen.includes(f));
  if (!CONVENTIONAL.test(name)) return undefined;
  const last = seen.at(-1);
  if (!last) return corpusPath;
  const cut = Math.max(last.lastIndexOf('/'), last.lastIndexOf('\\'));
  return cut >= 0 ? last.slice(0, cut + 1) + name : name;
}

function words(name: string): Set<string> {
  return new Set(
    name
      .replace(/([a-z])([A-Z])/g, '$1_$2')
      .toLowerCase()
      .split(/[_\d]+/)
      .filter(Boolean),
  );
}

/** The user's name closest to a corpus name (`test_X` → `X_test`), by shared words; undefined when none shares one. */
function similarName(name: string, known: readonly string[], taken: ReadonlySet<string>): string | undefined {
  const w = words(name);
  let best: { n: string; score: number } | undefined;
  for (const n of known.slice(0, 60)) {
    if (taken.has(n)) continue;
    const u = words(n);
    let shared = 0;
    for (const x of u) if (w.has(x)) shared++;
    const score = shared / Math.max(w.size, u.size);
    if (shared && (!best || score > best.score)) best = { n, score };
  }
  return best?.n;
}

function boundNames(stmt: SyntaxNode): string[] {
  const out: string[] = [];
  for (const a of stmt.descendantsOfType(['assignment', 'augmented_assignment'])) {
    if (a.parent?.type !== 'expression_statement' && a.parent?.type !== 'assignment') continue;
    const left = a.childForFieldName('left');
    if (!left) continue;
    if (left.type === 'identifier') out.push(left.text);
    else if (['pattern_list', 'tuple_pattern', 'list_pattern'].includes(left.type))
      for (const c of left.namedChildren) if (c.type === 'identifier') out.push(c.text);
  }
  return out;
}

/**
 * The template as the user's code, or undefined when a hole cannot be filled from what exists, when the code would not
 * parse, would read an undefined name, or would overwrite a variable the corpus did not overwrite there.
 */
export function renderTemplate(template: string, key: string, ctx: RenderContext): string | undefined {
  const { state } = ctx;
  const known = new Set(state.known);
  const columns = ctx.columns?.length ? [...ctx.columns] : [...new Set([...state.columns].reverse())];
  const usedColumns = new Set<string>();
  const reassignable = new Set<string>();
  const fresh = new Set<string>();
  // Two corpus names are two of the user's names: `model.predict(model)` is never a chip. The names written out in
  // the template (`svr_code(⟦v:…⟧)`, a call of the user's own function) and the corpus names the user also has keep
  // theirs, so no hole takes them first.
  const filled = new Set(template.replace(HOLE_RE, ' ').match(/(?<![.\w])[A-Za-z_]\w*/g));
  for (const m of template.matchAll(HOLE_RE)) {
    const body = m[2] ?? '';
    const name = body.slice(body.indexOf(':') + 1);
    if (m[1] === 'v' && known.has(name)) filled.add(name);
  }
  const choice = new Map<string, string>();
  let failed = false;
  const text = template.replace(HOLE_RE, (_m, kind: string, body: string) => {
    if (failed) return '';
    if (kind === 'v') {
      const cut = body.indexOf(':');
      const rank = Number(body.slice(0, cut));
      const name = body.slice(cut + 1);
      // One corpus name is one user name throughout the statement (`test_X = test_X.fillna(0)`).
      // The name at the corpus name's recency rank, else the next free one by recency, else the nearest more recent.
      const byRank = () => {
        const free = (n: string) => !filled.has(n);
        return state.known.slice(rank).find(free) ?? state.known.slice(0, rank).findLast(free);
      };
      const chosen = choice.get(name) ?? (known.has(name) ? name : (similarName(name, state.known, filled) ?? byRank()));
      if (chosen) {
        filled.add(chosen);
        choice.set(name, chosen);
      }
      if (!chosen) failed = true;
      else if (chosen === name) reassignable.add(chosen);
      return chosen ?? '';
    }
    if (kind === 'n') {
      fresh.add(body);
      return body;
    }
    if (kind === 'l') {
      const r = renderLibrary(body, state.aliases);
      if (!r) failed = true;
      return r ?? '';
    }
    const value = JSON.parse(body) as string;
    if (kind === 'p') {
      const p = fillPath(value, key, ctx);
      if (p === undefined) failed = true;
      return quote(p ?? '');
    }
    let col = columns.includes(value) ? value : columns.find((c) => !usedColumns.has(c));
    if (col === undefined) failed = true;
    col ??= '';
    usedColumns.add(col);
    return quote(col);
  });
  if (failed) return undefined;
  const parsed = topStatements(text);
  const stmt = parsed?.statements[0]?.node;
  if (!parsed || parsed.statements.length !== 1 || !stmt) return undefined;
  const vars = new Set([...state.defined, ...state.known]);
  if (undefinedNames(text, { aliases: state.aliases, vars, paths: [], columns: [] }).length > 0) return undefined;
  for (const name of boundNames(stmt)) {
    if (!state.defined.has(name)) continue;
    // A new name in the corpus that the user already has, or one of the user's names given an unrelated value.
    if (fresh.has(name) && !reassignable.has(name)) return undefined;
    const readsIt = text.split(/[^\w]+/).filter((w) => w === name).length > 1;
    if (!reassignable.has(name) && !readsIt && state.boundBy.get(name) !== key) return undefined;
  }
  return text;
}

export interface TemplateJson {
  kind: 'templates';
  /** key → [template, uses][] best first. */
  byKey: Record<string, Array<[string, number]>>;
}

/** The ways the corpus wrote each key, kept when at least two datasets or repositories wrote them so (no one-notebook boilerplate). */
export class TemplateStore {
  constructor(private readonly byKey: Map<string, Array<[string, number]>>) {}

  static fromJson(json: TemplateJson): TemplateStore {
    return new TemplateStore(new Map(Object.entries(json.byKey)));
  }

  templates(key: string): ReadonlyArray<[string, number]> {
    return this.byKey.get(key) ?? [];
  }

  has(key: string): boolean {
    return this.byKey.has(key);
  }

  /** The best template of `key` that renders here, preferring ones whose names the user already has. */
  render(key: string, ctx: RenderContext, tries = 6): string | undefined {
    const list = this.templates(key).slice(0, tries);
    const known = new Set(ctx.state.known);
    const scored = list.map(([t, n], i) => {
      const names = [...t.matchAll(/⟦v:\d+:([^⟧]*)⟧/g)].map((m) => m[1] ?? '');
      const hits = names.filter((x) => known.has(x)).length;
      return { t, score: Math.log(n + 1) + hits - names.length * 0.25 - i * 0.01 };
    });
    for (const { t } of scored.sort((a, b) => b.score - a.score)) {
      if (/^print\(\s*(""|'')?\s*\)$/.test(t)) continue; // the most common way to write `print` is a blank line: no chip
      const code = renderTemplate(t, key, ctx);
      if (code !== undefined) return code;
    }
    return undefined;
  }
}

/** Counts templates per key over a corpus, with the groups (datasets, repositories) that used each. */
export class TemplateMiner {
  private readonly counts = new Map<string, Map<string, { n: number; group: string; shared: boolean }>>();

  add(key: string, template: string, group: string): void {
    if (!key || template.length > 300) return;
    let m = this.counts.get(key);
    if (!m) this.counts.set(key, (m = new Map()));
    const e = m.get(template);
    if (!e) m.set(template, { n: 1, group, shared: false });
    else {
      e.n++;
      if (e.group !== group) e.shared = true;
    }
  }

  toJson(keep = 4): TemplateJson {
    const byKey: Record<string, Array<[string, number]>> = {};
    for (const [key, m] of this.counts) {
      const list = [...m]
        .filter(([, e]) => e.shared)
        .sort((a, b) => b[1].n - a[1].n)
        .slice(0, keep);
      if (list.length) byKey[key] = list.map(([t, e]) => [t, e.n]);
    }
    return { kind: 'templates', byKey };
  }
}
