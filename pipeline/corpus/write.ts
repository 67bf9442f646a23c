// The store's write path: inserts notebooks with their cells and API calls, deduplicating by content hash.
import type Database from 'better-sqlite3';
import { scanCell, type AliasMap } from './api-scan.ts';
import { contentHash } from './content-hash.ts';
import type { NotebookInput, SourceInput } from './types.ts';

export type InsertOutcome = 'added' | 'duplicate' | 'skipped';

export interface InsertResult {
  outcome: InsertOutcome;
  notebookId: number;
  codeCells: number;
  markdownCells: number;
}

export class CorpusWriter {
  private readonly sourceIds = new Map<string, number>();
  private readonly byOrigin: Database.Statement<[string], { id: number }>;
  private readonly byHash: Database.Statement<[string], { id: number }>;
  private readonly insNotebook: Database.Statement;
  private readonly insCell: Database.Statement;
  private readonly insApi: Database.Statement;
  private readonly upsertSourceStmt: Database.Statement;
  private readonly sourceIdStmt: Database.Statement<[string], { id: number }>;

  constructor(db: Database.Database) {
    this.byOrigin = db.prepare('SELECT id FROM notebooks WHERE origin_key = ?');
    this.byHash = db.prepare('SELECT id FROM notebooks WHERE content_hash = ? AND duplicate_of IS NULL ORDER BY id LIMIT 1');
    this.insNotebook = db.prepare(`INSERT INTO notebooks
      (origin_key, ref, source_id, title, author, votes, score, language, content_hash, origin_path, duplicate_of, code_cells, markdown_cells, imported_at)
      VALUES (@originKey, @ref, @sourceId, @title, @author, @votes, @score, @language, @hash, @originPath, @duplicateOf,
        @codeCells, @markdownCells, @importedAt)`);
    this.insCell = db.prepare('INSERT INTO cells (notebook_id, idx, type, source, outputs) VALUES (?, ?, ?, ?, ?)');
    this.insApi = db.prepare('INSERT OR IGNORE INTO api_calls (name, cell_id, notebook_id, count) VALUES (?, ?, ?, ?)');
    // Later importers may know more about a source than earlier ones; never overwrite a value with null.
    this.upsertSourceStmt = db.prepare(`INSERT INTO sources (kind, slug, title, tags, description, evaluation, overview, url, kernel_count)
      VALUES (@kind, @slug, @title, @tags, @description, @evaluation, @overview, @url, @kernelCount)
      ON CONFLICT(slug) DO UPDATE SET
        title = coalesce(excluded.title, title),
        tags = CASE WHEN excluded.tags != '[]' THEN excluded.tags ELSE tags END,
        description = coalesce(excluded.description, description),
        evaluation = coalesce(excluded.evaluation, evaluation),
        overview = coalesce(excluded.overview, overview),
        url = coalesce(excluded.url, url),
        kernel_count = coalesce(excluded.kernel_count, kernel_count)`);
    this.sourceIdStmt = db.prepare('SELECT id FROM sources WHERE slug = ?');
  }

  upsertSource(s: SourceInput): number {
    this.upsertSourceStmt.run({
      kind: s.kind,
      slug: s.slug,
      title: s.title || null,
      tags: JSON.stringify(s.tags ?? []),
      description: s.description || null,
      evaluation: s.evaluation || null,
      overview: s.overview || null,
      url: s.url || null,
      kernelCount: s.kernelCount ?? null,
    });
    const id = (this.sourceIdStmt.get(s.slug) as { id: number }).id;
    this.sourceIds.set(s.slug, id);
    return id;
  }

  private sourceId(slug: string | null | undefined): number | null {
    if (!slug) return null;
    return this.sourceIds.get(slug) ?? this.upsertSource({ kind: 'collection', slug });
  }

  /** Must run inside a transaction (see CorpusStore.transaction); one call per notebook. */
  insert(nb: NotebookInput): InsertResult {
    const existing = this.byOrigin.get(nb.originKey);
    if (existing) return { outcome: 'skipped', notebookId: existing.id, codeCells: 0, markdownCells: 0 };
    const { hash, hasCode } = contentHash(nb.cells);
    // Notebooks without code are not forks of each other, so they are never marked duplicates.
    const original = hasCode ? this.byHash.get(hash) : undefined;
    const codeCells = nb.cells.filter((c) => c.type === 'code').length;
    const markdownCells = nb.cells.filter((c) => c.type === 'markdown').length;
    const info = this.insNotebook.run({
      originKey: nb.originKey,
      ref: nb.ref,
      sourceId: this.sourceId(nb.sourceSlug),
      title: nb.title ?? null,
      author: nb.author ?? null,
      votes: nb.votes ?? null,
      score: nb.score ?? null,
      language: nb.language ?? null,
      hash,
      originPath: nb.originPath ?? null,
      duplicateOf: original?.id ?? null,
      codeCells,
      markdownCells,
      importedAt: new Date().toISOString(),
    });
    const notebookId = Number(info.lastInsertRowid);
    // A duplicate keeps its own row (ref, source, votes) but shares the original's cells, so search shows each code once.
    if (original) return { outcome: 'duplicate', notebookId, codeCells: 0, markdownCells: 0 };
    const aliases: AliasMap = new Map();
    nb.cells.forEach((cell, idx) => {
      const outputs = cell.outputs && cell.outputs.length > 0 ? JSON.stringify(cell.outputs) : null;
      const cellId = Number(this.insCell.run(notebookId, idx, cell.type, cell.source, outputs).lastInsertRowid);
      if (cell.type !== 'code') return;
      for (const [name, count] of nb.apiCalls?.[idx] ?? scanCell(cell.source, aliases)) this.insApi.run(name, cellId, notebookId, count);
    });
    return { outcome: 'added', notebookId, codeCells, markdownCells };
  }
}
