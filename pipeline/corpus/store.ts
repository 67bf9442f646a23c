// The corpus database (SQLite, WAL): sources, notebooks, cells, full-text and API indexes, and later-stage labels.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { deferFullText, indexDeferred, recoverDeferred } from './deferred-fts.ts';
import { ExecutionRecords } from './executions.ts';
import { migrate } from './schema.ts';
import { searchCorpus } from './search.ts';
import type {
  CellRecord, CodeNotebook, CorpusStats, ExecutionFilter, ExecutionResult, NotebookRecord, SearchHit, SearchQuery, SourceKind, SourceRecord,
} from './types.ts';
import { CorpusWriter } from './write.ts';

interface SourceRow {
  id: number;
  kind: SourceKind;
  slug: string;
  title: string | null;
  tags: string;
  description: string | null;
  evaluation: string | null;
  overview: string | null;
  url: string | null;
  kernelCount: number | null;
  notebooks: number;
}

const SOURCE_SELECT = `SELECT s.id, s.kind, s.slug, s.title, s.tags, s.description, s.evaluation, s.overview, s.url,
  s.kernel_count AS kernelCount, (SELECT count(*) FROM notebooks n WHERE n.source_id = s.id) AS notebooks FROM sources s`;

function toSource(r: SourceRow): SourceRecord {
  let tags: string[] = [];
  try {
    const parsed: unknown = JSON.parse(r.tags);
    if (Array.isArray(parsed)) tags = parsed.map(String);
  } catch {
    // tags stay empty: a malformed value must not hide the source
  }
  return { ...r, tags };
}

export class CorpusStore {
  private writerInstance: CorpusWriter | undefined;
  private executionsInstance: ExecutionRecords | undefined;

  private constructor(
    readonly db: Database.Database,
    readonly path: string,
  ) {}

  /** Opens (creating if needed) and migrates the corpus at `path`; `:memory:` works for tests. */
  static open(path: string): CorpusStore {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    const db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    // Bulk imports write large cells; a 64 MB page cache keeps a batch from spilling mid-transaction.
    db.pragma('cache_size = -65536');
    db.pragma('temp_store = MEMORY');
    migrate(db);
    try {
      recoverDeferred(db);
    } catch {
      // another process holds the write lock past busy_timeout: the next open finishes it
    }
    return new CorpusStore(db, path);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  get writer(): CorpusWriter {
    return (this.writerInstance ??= new CorpusWriter(this.db));
  }

  /** Leaves new cells out of the full-text index until indexDeferred(id), which indexes them in one statement. */
  deferFullText(): number {
    return deferFullText(this.db);
  }

  indexDeferred(id: number): void {
    indexDeferred(this.db, id);
  }

  /** Runs `fn` in one write transaction; importers batch hundreds of notebooks per call for speed. */
  transaction<T>(fn: (writer: CorpusWriter) => T): T {
    return this.db.transaction(() => fn(this.writer))();
  }

  search(q: SearchQuery): SearchHit[] {
    return searchCorpus(this.db, q);
  }

  listSources(): SourceRecord[] {
    return (this.db.prepare(`${SOURCE_SELECT} ORDER BY s.slug`).all() as SourceRow[]).map(toSource);
  }

  getSource(slug: string): SourceRecord | null {
    const row = this.db.prepare(`${SOURCE_SELECT} WHERE s.slug = ?`).get(slug) as SourceRow | undefined;
    return row ? toSource(row) : null;
  }

  /** A notebook with its cells; a duplicate shows the cells of the notebook it copies. */
  getNotebook(id: number): NotebookRecord | null {
    const nb = this.db
      .prepare(
        `SELECT n.id, n.ref, n.origin_key AS originKey, s.slug AS source, n.title, n.author, n.votes, n.score, n.language,
          n.content_hash AS contentHash, n.origin_path AS originPath, n.duplicate_of AS duplicateOf,
          n.exec_status AS execStatus, n.exec_error AS execError
         FROM notebooks n LEFT JOIN sources s ON s.id = n.source_id WHERE n.id = ?`,
      )
      .get(id) as Omit<NotebookRecord, 'cells'> | undefined;
    if (!nb) return null;
    const rows = this.db
      .prepare(
        `SELECT c.id, c.idx AS "index", c.type, c.source, c.outputs, c.exec_status AS execStatus,
          (SELECT group_concat(a.name, ' ') FROM api_calls a WHERE a.cell_id = c.id) AS apis
         FROM cells c WHERE c.notebook_id = ? ORDER BY c.idx`,
      )
      .all(nb.duplicateOf ?? nb.id) as Array<Omit<CellRecord, 'outputs' | 'apiCalls'> & { outputs: string | null; apis: string | null }>;
    const cells = rows.map(({ outputs, apis, ...c }) => ({
      ...c,
      outputs: outputs === null ? null : (JSON.parse(outputs) as unknown[]),
      apiCalls: apis ? apis.split(' ').sort() : [],
    }));
    return { ...nb, cells };
  }

  notebookIdByRef(ref: string): number | null {
    const row = this.db.prepare('SELECT id FROM notebooks WHERE ref = ? ORDER BY duplicate_of IS NOT NULL, id LIMIT 1').get(ref) as
      | { id: number }
      | undefined;
    return row?.id ?? null;
  }

  /**
   * Every original notebook (duplicates skipped) with its code cells in order: what `--db` hands to training.
   * Cells are read in one pass rather than per notebook, which keeps a large corpus to seconds.
   */
  codeNotebooks(): CodeNotebook[] {
    const notebooks = this.db
      .prepare(
        `SELECT n.id, n.ref, n.origin_path AS originPath, n.language, s.slug AS source FROM notebooks n LEFT JOIN sources s ON s.id = n.source_id
         WHERE n.duplicate_of IS NULL ORDER BY n.id`,
      )
      .all() as Array<Omit<CodeNotebook, 'cells'>>;
    const cells = new Map<number, string[]>();
    const rows = this.db.prepare("SELECT notebook_id AS id, source FROM cells WHERE type = 'code' ORDER BY notebook_id, idx").iterate() as IterableIterator<{
      id: number;
      source: string | null;
    }>;
    for (const c of rows) {
      const list = cells.get(c.id) ?? [];
      list.push(c.source ?? '');
      cells.set(c.id, list);
    }
    return notebooks.map((nb) => ({ ...nb, cells: cells.get(nb.id) ?? [] }));
  }

  private get executions(): ExecutionRecords {
    return (this.executionsInstance ??= new ExecutionRecords(this.db));
  }

  /** The notebooks `gds execute` runs next (Python originals with code), best-voted first. */
  notebooksToExecute(filter: ExecutionFilter = {}): Array<{ id: number; ref: string }> {
    return this.executions.pick(filter);
  }

  /** A notebook's non-empty code cells in order, with the ids its run's results are saved under. */
  cellsToExecute(notebookId: number): Array<{ id: number; source: string }> {
    return this.executions.cellsToRun(notebookId);
  }

  /** Stores a run's outputs and verdicts, cells and notebook in one transaction. */
  saveExecution(notebookId: number, run: ExecutionResult): void {
    this.executions.save(notebookId, run);
  }

  stats(): CorpusStats {
    const one = (sql: string): number => (this.db.prepare(sql).pluck().get() as number | null) ?? 0;
    return {
      sources: one('SELECT count(*) FROM sources'),
      notebooks: one('SELECT count(*) FROM notebooks'),
      duplicates: one('SELECT count(*) FROM notebooks WHERE duplicate_of IS NOT NULL'),
      codeCells: one("SELECT count(*) FROM cells WHERE type = 'code'"),
      markdownCells: one("SELECT count(*) FROM cells WHERE type = 'markdown'"),
      apiNames: one('SELECT count(DISTINCT name) FROM api_calls'),
      executed: one('SELECT count(*) FROM notebooks WHERE exec_status IS NOT NULL'),
      topApis: this.db
        .prepare('SELECT name, count(*) AS cells FROM api_calls GROUP BY name ORDER BY cells DESC LIMIT 20')
        .all() as Array<{ name: string; cells: number }>,
    };
  }
}
