// The store's execution records: which notebooks `gds execute` runs next, their code cells, and the verdicts it saves.
import type Database from 'better-sqlite3';
import type { ExecutionFilter, ExecutionResult } from './types.ts';

export class ExecutionRecords {
  private readonly codeCells: Database.Statement<[number], { id: number; source: string }>;
  private readonly setCell: Database.Statement;
  private readonly markSkipped: Database.Statement;
  private readonly setNotebook: Database.Statement;

  constructor(private readonly db: Database.Database) {
    this.codeCells = db.prepare("SELECT id, source FROM cells WHERE notebook_id = ? AND type = 'code' ORDER BY idx");
    this.setCell = db.prepare('UPDATE cells SET outputs = ?, exec_status = ? WHERE id = ?');
    this.markSkipped = db.prepare("UPDATE cells SET exec_status = 'skipped' WHERE id = ?");
    this.setNotebook = db.prepare('UPDATE notebooks SET exec_status = ?, exec_error = ?, executed_at = ? WHERE id = ?');
  }

  /** Python notebooks with code, originals only (a duplicate shares its original's cells and verdict). */
  pick(f: ExecutionFilter): Array<{ id: number; ref: string }> {
    const filters = ['n.duplicate_of IS NULL', "coalesce(n.language, 'python') LIKE 'python%'", 'n.code_cells > 0'];
    const params: unknown[] = [];
    if (!f.rerun) filters.push('n.exec_status IS NULL');
    if (f.ids?.length) {
      filters.push('n.id IN (SELECT value FROM json_each(?))');
      params.push(JSON.stringify(f.ids.map(Number)));
    }
    return this.db
      .prepare(`SELECT n.id, n.ref FROM notebooks n WHERE ${filters.join(' AND ')} ORDER BY n.votes IS NULL, n.votes DESC, n.id LIMIT ?`)
      .all(...params, f.limit ?? -1) as Array<{ id: number; ref: string }>;
  }

  /** The notebook's code cells in order, empty ones left out (a kernel has nothing to run there). */
  cellsToRun(notebookId: number): Array<{ id: number; source: string }> {
    return this.codeCells.all(notebookId).filter((c) => c.source.trim());
  }

  save(notebookId: number, run: ExecutionResult): void {
    this.db.transaction(() => {
      for (const c of run.cells) {
        if (c.status === 'skipped') this.markSkipped.run(c.cellId);
        else this.setCell.run(c.outputs.length ? JSON.stringify(c.outputs) : null, c.status, c.cellId);
      }
      this.setNotebook.run(run.status, run.error, new Date().toISOString(), notebookId);
    })();
  }
}
