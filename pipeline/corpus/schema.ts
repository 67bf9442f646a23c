// Numbered migrations for the corpus database; PRAGMA user_version records how many have run.
import type Database from 'better-sqlite3';

/** Each entry runs once, in order, inside one transaction; never edit a shipped entry, append a new one. */
export const MIGRATIONS: readonly string[] = [
  // 1: sources, notebooks, cells, full-text index, API use, and room for later stages.
  `
  CREATE TABLE sources (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('dataset', 'competition', 'collection')),
    slug TEXT NOT NULL UNIQUE,
    title TEXT,
    tags TEXT NOT NULL DEFAULT '[]',
    description TEXT,
    evaluation TEXT,
    overview TEXT,
    url TEXT,
    kernel_count INTEGER
  );
  CREATE TABLE notebooks (
    id INTEGER PRIMARY KEY,
    origin_key TEXT NOT NULL UNIQUE,
    ref TEXT NOT NULL,
    source_id INTEGER REFERENCES sources(id),
    title TEXT,
    author TEXT,
    votes INTEGER,
    score REAL,
    language TEXT,
    content_hash TEXT NOT NULL,
    origin_path TEXT,
    duplicate_of INTEGER REFERENCES notebooks(id),
    code_cells INTEGER NOT NULL DEFAULT 0,
    markdown_cells INTEGER NOT NULL DEFAULT 0,
    imported_at TEXT NOT NULL,
    exec_status TEXT,
    exec_error TEXT,
    executed_at TEXT
  );
  CREATE INDEX notebooks_hash ON notebooks(content_hash);
  CREATE INDEX notebooks_ref ON notebooks(ref);
  CREATE INDEX notebooks_source ON notebooks(source_id);
  CREATE TABLE cells (
    id INTEGER PRIMARY KEY,
    notebook_id INTEGER NOT NULL REFERENCES notebooks(id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    type TEXT NOT NULL CHECK (type IN ('code', 'markdown', 'raw')),
    source TEXT NOT NULL,
    outputs TEXT,
    exec_status TEXT,
    UNIQUE (notebook_id, idx)
  );
  -- '_' is part of a token so identifiers stay whole: "read_csv" is one cheap lookup, not a phrase of two common words.
  CREATE VIRTUAL TABLE cells_fts USING fts5(source, content='cells', content_rowid='id', tokenize="unicode61 tokenchars '_'");
  CREATE TRIGGER cells_ai AFTER INSERT ON cells WHEN new.type != 'raw' BEGIN
    INSERT INTO cells_fts(rowid, source) VALUES (new.id, new.source);
  END;
  CREATE TRIGGER cells_ad AFTER DELETE ON cells WHEN old.type != 'raw' BEGIN
    INSERT INTO cells_fts(cells_fts, rowid, source) VALUES ('delete', old.id, old.source);
  END;
  CREATE TABLE api_calls (
    name TEXT NOT NULL,
    cell_id INTEGER NOT NULL REFERENCES cells(id) ON DELETE CASCADE,
    notebook_id INTEGER NOT NULL,
    count INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (name, cell_id)
  ) WITHOUT ROWID;
  CREATE INDEX api_calls_cell ON api_calls(cell_id);
  CREATE TABLE cell_stages (
    cell_id INTEGER NOT NULL REFERENCES cells(id) ON DELETE CASCADE,
    labeler TEXT NOT NULL,
    stage TEXT NOT NULL,
    probs TEXT,
    PRIMARY KEY (cell_id, labeler)
  );
  CREATE INDEX cell_stages_stage ON cell_stages(stage);
  CREATE TABLE masked_lines (
    id INTEGER PRIMARY KEY,
    cell_id INTEGER NOT NULL REFERENCES cells(id) ON DELETE CASCADE,
    line INTEGER NOT NULL,
    kind TEXT NOT NULL,
    masked TEXT NOT NULL,
    answer TEXT NOT NULL
  );
  CREATE INDEX masked_lines_cell ON masked_lines(cell_id);
  `,
  // 2: a bulk import indexes its cells for full-text search in one statement at its end, 3-4 times fewer write
  // seconds than row by row through the trigger (scripts/experiments/corpus-writes.ts). While a row of fts_deferred
  // says an import runs, new cells are left out of the index; a deleted cell leaves it only if it was indexed.
  `
  CREATE TABLE fts_deferred (id INTEGER PRIMARY KEY, pid INTEGER NOT NULL, from_cell INTEGER NOT NULL);
  DROP TRIGGER cells_ai;
  CREATE TRIGGER cells_ai AFTER INSERT ON cells WHEN new.type != 'raw' AND NOT EXISTS (SELECT 1 FROM fts_deferred) BEGIN
    INSERT INTO cells_fts(rowid, source) VALUES (new.id, new.source);
  END;
  DROP TRIGGER cells_ad;
  CREATE TRIGGER cells_ad AFTER DELETE ON cells
  WHEN old.type != 'raw' AND EXISTS (SELECT 1 FROM cells_fts_docsize d WHERE d.id = old.id) BEGIN
    INSERT INTO cells_fts(cells_fts, rowid, source) VALUES ('delete', old.id, old.source);
  END;
  `,
];

export function migrate(db: Database.Database): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new Error(`corpus database is newer (schema ${current}) than this version of GDS understands (${MIGRATIONS.length})`);
  }
  for (let v = current; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v] as string);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
  return MIGRATIONS.length;
}
