// Full-text indexing deferred to the end of a bulk import (schema migration 2): the import registers itself in
// fts_deferred, which turns the per-row trigger off, and indexes every cell it added in one statement when it ends.
import type Database from 'better-sqlite3';
import { isAlive } from '../jobs/state-file.ts';

/** The deferrals this process holds open, by database file and id: a row with our pid and not here is a dead
 * process's whose pid we were given again (a container's CLI runs as pid 1 every time). */
const running = new Set<string>();
const keyOf = (db: Database.Database, id: number) => `${db.name}\n${id}`;

/** Starts a deferral for this process; the answer is its id, for indexDeferred. */
export function deferFullText(db: Database.Database): number {
  const { next } = db.prepare('SELECT coalesce(max(id), 0) + 1 AS next FROM cells').get() as { next: number };
  const id = Number(db.prepare('INSERT INTO fts_deferred (pid, from_cell) VALUES (?, ?)').run(process.pid, next).lastInsertRowid);
  running.add(keyOf(db, id));
  return id;
}

/**
 * Indexes the cells added since the deferral began that are not indexed yet (another import may have indexed some:
 * while any deferral is open, nobody's new cells are) and ends it.
 */
export function indexDeferred(db: Database.Database, id: number): void {
  db.transaction(() => {
    const row = db.prepare('SELECT from_cell AS fromCell FROM fts_deferred WHERE id = ?').get(id) as { fromCell: number } | undefined;
    if (!row) return;
    db.prepare(`INSERT INTO cells_fts (rowid, source) SELECT c.id, c.source FROM cells c
      WHERE c.id >= ? AND c.type != 'raw' AND NOT EXISTS (SELECT 1 FROM cells_fts_docsize d WHERE d.id = c.id)`).run(row.fromCell);
    db.prepare('DELETE FROM fts_deferred WHERE id = ?').run(id);
  })();
  running.delete(keyOf(db, id));
}


/** Finishes the deferrals of imports whose process died before its end (killed, crashed), so their cells are found. */
export function recoverDeferred(db: Database.Database): void {
  const rows = db.prepare('SELECT id, pid FROM fts_deferred').all() as Array<{ id: number; pid: number }>;
  for (const r of rows) {
    const stale = r.pid === process.pid ? !running.has(keyOf(db, r.id)) : !isAlive(r.pid);
    if (stale) indexDeferred(db, r.id);
  }
}
