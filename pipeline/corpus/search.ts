// Corpus search: FTS5 full text over code and markdown, API-use lookup, and filters, as ranked cell hits.
import type Database from 'better-sqlite3';
import type { CellType, SearchHit, SearchQuery } from './types.ts';

/**
 * Turns free text into a safe FTS5 query: every word quoted (so `C++` or `df["a"]` never raise a
 * syntax error), all words required, a trailing `*` kept as a prefix search. Identifiers are whole
 * tokens (`read_csv`), so `read*` finds them by prefix.
 */
export function ftsQuery(text: string): string | null {
  const words = text
    .split(/\s+/)
    .map((w) => {
      const prefix = w.endsWith('*');
      const bare = w.replace(/["*]/g, '');
      return bare ? `"${bare}"${prefix ? '*' : ''}` : '';
    })
    .filter(Boolean);
  return words.length ? words.join(' ') : null;
}

interface Row {
  cellId: number;
  notebookId: number;
  cellIndex: number;
  cellType: CellType;
  ref: string;
  votes: number | null;
  score: number | null;
  source: string | null;
  snippet: string;
}

/** First few lines of a cell that mention one of the matched APIs' last name segment, for hits found without full text. */
function apiSnippet(source: string, apis: string[]): string {
  const lines = source.split('\n');
  const needles = apis.map((a) => `${a.split('.').pop() ?? a}(`);
  const at = lines.findIndex((l) => needles.some((n) => l.includes(n)));
  const start = Math.max(0, at);
  return lines.slice(start, start + 3).join('\n').slice(0, 300);
}

const cache = new WeakMap<Database.Database, Map<string, Database.Statement>>();

/** Statements are reused per query shape; preparing costs about as much as a small search. */
function prepared(db: Database.Database, sql: string): Database.Statement {
  let m = cache.get(db);
  if (!m) cache.set(db, (m = new Map()));
  let stmt = m.get(sql);
  if (!stmt) m.set(sql, (stmt = db.prepare(sql)));
  return stmt;
}

const SELECT = `SELECT c.id AS cellId, c.notebook_id AS notebookId, c.idx AS cellIndex, c.type AS cellType,
  n.ref AS ref, n.votes AS votes, n.score AS score, s.slug AS source`;

export function searchCorpus(db: Database.Database, q: SearchQuery): SearchHit[] {
  const limit = Math.max(1, Math.min(q.limit ?? 20, 500));
  const offset = Math.max(0, q.offset ?? 0);
  const where: string[] = [];
  const params: unknown[] = [];
  if (q.source) {
    where.push('s.slug = ?');
    params.push(q.source);
  }
  if (q.minVotes !== undefined) {
    where.push('n.votes >= ?');
    params.push(q.minVotes);
  }
  if (q.stage) {
    where.push('EXISTS (SELECT 1 FROM cell_stages cs WHERE cs.cell_id = c.id AND cs.stage = ?)');
    params.push(q.stage);
  }
  // `a.b` matches itself and, by key range on the primary key, every `a.b.*` (`/` sorts right after `.`).
  // When nothing lies under `a.b.`, the exact key alone needs no DISTINCT, which matters for the most common calls.
  const hasChildren = q.api ? prepared(db, 'SELECT 1 FROM api_calls WHERE name >= ? AND name < ? LIMIT 1').get(`${q.api}.`, `${q.api}/`) !== undefined : false;
  const apiClause = hasChildren ? '(a.name = ? OR (a.name >= ? AND a.name < ?))' : 'a.name = ?';
  const apiParams = q.api ? (hasChildren ? [q.api, `${q.api}.`, `${q.api}/`] : [q.api]) : [];
  const match = q.query ? ftsQuery(q.query) : null;
  const joins = 'JOIN notebooks n ON n.id = c.notebook_id LEFT JOIN sources s ON s.id = n.source_id';
  let sql: string;
  let all: unknown[];
  if (match && !where.length && !q.api) {
    // Rank inside FTS5 first and join only the page: joining every match before sorting costs more than ranking.
    sql = `WITH hits AS (SELECT rowid AS id, rank AS r, snippet(cells_fts, 0, '«', '»', '…', 24) AS snippet
        FROM cells_fts WHERE cells_fts MATCH ? ORDER BY rank LIMIT ? OFFSET ?)
      ${SELECT}, hits.snippet AS snippet FROM hits JOIN cells c ON c.id = hits.id ${joins} ORDER BY hits.r`;
    all = [match, limit, offset];
  } else if (match) {
    if (q.api) {
      where.push(`EXISTS (SELECT 1 FROM api_calls a WHERE a.cell_id = c.id AND ${apiClause})`);
      params.push(...apiParams);
    }
    sql = `${SELECT}, snippet(cells_fts, 0, '«', '»', '…', 24) AS snippet
      FROM cells_fts JOIN cells c ON c.id = cells_fts.rowid ${joins}
      WHERE cells_fts MATCH ? ${where.map((w) => `AND ${w}`).join(' ')}
      ORDER BY cells_fts.rank LIMIT ? OFFSET ?`;
    all = [match, ...params, limit, offset];
  } else if (q.api) {
    // api_calls carries notebook_id so the votes ordering needs one lookup per hit, and cells are read for the page only.
    sql = `WITH hits AS (SELECT ${hasChildren ? 'DISTINCT' : ''} a.cell_id AS id, a.notebook_id AS nid FROM api_calls a WHERE ${apiClause}),
      page AS (SELECT hits.id FROM hits JOIN notebooks n ON n.id = hits.nid LEFT JOIN sources s ON s.id = n.source_id
        ${where.length ? `WHERE ${where.join(' AND ').replaceAll('c.id', 'hits.id')}` : ''}
        ORDER BY n.votes IS NULL, n.votes DESC, n.score IS NULL, hits.id LIMIT ? OFFSET ?)
      ${SELECT}, c.source AS snippet FROM page JOIN cells c ON c.id = page.id ${joins}
      ORDER BY n.votes IS NULL, n.votes DESC, n.score IS NULL, c.id`;
    all = [...apiParams, ...params, limit, offset];
  } else {
    sql = `${SELECT}, c.source AS snippet FROM cells c ${joins}
      WHERE c.type = 'code' ${where.map((w) => `AND ${w}`).join(' ')}
      ORDER BY n.votes IS NULL, n.votes DESC, c.id LIMIT ? OFFSET ?`;
    all = [...params, limit, offset];
  }
  const rows = prepared(db, sql).all(...all) as Row[];
  if (match) return rows;
  const names = q.api ? prepared(db, `SELECT a.name FROM api_calls a WHERE a.cell_id = ? AND ${apiClause}`).pluck() : null;
  return rows.map((r) => ({ ...r, snippet: apiSnippet(r.snippet, names ? (names.all(r.cellId, ...apiParams) as string[]) : []) }));
}
