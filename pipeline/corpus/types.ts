// Record and query shapes shared by the corpus store, its importers, the CLI and the corpus browser.

export type SourceKind = 'dataset' | 'competition' | 'collection';
export type CellType = 'code' | 'markdown' | 'raw';

export interface SourceInput {
  kind: SourceKind;
  slug: string;
  title?: string | null;
  tags?: string[];
  description?: string | null;
  evaluation?: string | null;
  overview?: string | null;
  url?: string | null;
  kernelCount?: number | null;
}

export interface SourceRecord extends Required<Omit<SourceInput, 'tags'>> {
  id: number;
  tags: string[];
  notebooks: number;
}

export interface CellInput {
  type: CellType;
  source: string;
  /** Outputs as the notebook stored them, or null when never executed / stripped by the crawl. */
  outputs?: unknown[] | null;
}

export interface NotebookInput {
  /** Stable identity of where this copy came from; re-importing the same origin adds nothing. */
  originKey: string;
  /** Kaggle `owner/slug` when known, else a readable path-like name. */
  ref: string;
  sourceSlug?: string | null;
  title?: string | null;
  author?: string | null;
  votes?: number | null;
  score?: number | null;
  language?: string | null;
  originPath?: string | null;
  cells: CellInput[];
  /** Resolved API calls per cell index when an importer already scanned them (in a worker); else scanned on insert. */
  apiCalls?: Array<Array<[string, number]>>;
}

export interface NotebookRecord {
  id: number;
  ref: string;
  originKey: string;
  source: string | null;
  title: string | null;
  author: string | null;
  votes: number | null;
  score: number | null;
  language: string | null;
  contentHash: string;
  originPath: string | null;
  duplicateOf: number | null;
  execStatus: string | null;
  execError: string | null;
  cells: CellRecord[];
}

export interface CellRecord {
  id: number;
  index: number;
  type: CellType;
  source: string;
  outputs: unknown[] | null;
  execStatus: string | null;
  apiCalls: string[];
}

export interface SearchQuery {
  /** Full-text words (all must match; `word*` is a prefix). */
  query?: string;
  /** Dotted call name; `xgboost` also matches `xgboost.train` etc. */
  api?: string;
  /** Source slug. */
  source?: string;
  stage?: string;
  minVotes?: number;
  limit?: number;
  offset?: number;
}

export interface SearchHit {
  notebookId: number;
  cellId: number;
  ref: string;
  cellIndex: number;
  cellType: CellType;
  /** Matched words wrapped in « » (full-text) or the first line using the API. */
  snippet: string;
  source: string | null;
  votes: number | null;
  score: number | null;
}

export interface CorpusStats {
  sources: number;
  notebooks: number;
  duplicates: number;
  codeCells: number;
  markdownCells: number;
  apiNames: number;
  executed: number;
  topApis: Array<{ name: string; cells: number }>;
}

/** An original notebook's code cells, as training reads them (`CorpusStore.codeNotebooks`). */
export interface CodeNotebook {
  id: number;
  ref: string;
  originPath: string | null;
  language: string | null;
  /** Source slug, when the importer knew one. */
  source: string | null;
  /** Code cells in order. */
  cells: string[];
}

/** Which notebooks `gds execute` picks: Python originals with code, best-voted first. */
export interface ExecutionFilter {
  /** Also notebooks that already have a verdict. */
  rerun?: boolean;
  ids?: number[];
  limit?: number;
}

/** One notebook's run, as the store records it. */
export interface ExecutionResult {
  status: string;
  error: string | null;
  /** `skipped` cells keep the outputs they were imported with. */
  cells: Array<{ cellId: number; status: string; outputs: unknown[] }>;
}
