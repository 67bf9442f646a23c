// One import run: batches notebooks into write transactions, counts outcomes, names bad files, reports progress.
import type { CorpusStore } from '../store.ts';
import type { NotebookInput, SourceInput } from '../types.ts';

export interface ImportProgress {
  done: number;
  /** Known up front for folders and zips; null for streams (JSON-lines shards). */
  total: number | null;
  current: string;
}

export interface BadFile {
  path: string;
  reason: string;
}

export interface ImportSummary {
  notebooks: number;
  code_cells: number;
  duplicates: number;
  bad_files: number;
  markdown_cells: number;
  skipped: number;
  sources: number;
  seconds: number;
  notebooks_per_s: number;
  bad: BadFile[];
}

export interface ImportOptions {
  onProgress?: (p: ImportProgress) => void;
  /** Notebooks per write transaction. */
  batchSize?: number;
}

export class ImportSession {
  private readonly started = performance.now();
  private pending: NotebookInput[] = [];
  private readonly sourceSlugs = new Set<string>();
  private readonly batchSize: number;
  readonly counts = { notebooks: 0, duplicates: 0, skipped: 0, codeCells: 0, markdownCells: 0 };
  readonly bad: BadFile[] = [];
  private done = 0;
  total: number | null = null;

  constructor(
    readonly store: CorpusStore,
    private readonly opts: ImportOptions = {},
  ) {
    this.batchSize = opts.batchSize ?? 250;
    this.deferral = store.deferFullText();
  }

  /** The full-text deferral this import holds until it ends (null once its cells are indexed). */
  private deferral: number | null;

  addSource(source: SourceInput): void {
    this.store.writer.upsertSource(source);
    this.sourceSlugs.add(source.slug);
  }

  add(nb: NotebookInput): void {
    if (nb.sourceSlug) this.sourceSlugs.add(nb.sourceSlug);
    this.pending.push(nb);
    if (this.pending.length >= this.batchSize) this.flush();
    this.tick(nb.originPath ?? nb.ref);
  }

  addBad(path: string, reason: string): void {
    this.bad.push({ path, reason });
    this.tick(path);
  }

  /** Adds to the progress total (importers that learn sizes as they go). */
  expect(n: number): void {
    this.total = (this.total ?? 0) + n;
  }

  private tick(current: string): void {
    this.done++;
    if (this.opts.onProgress && (this.done % 50 === 0 || this.done === this.total)) {
      this.opts.onProgress({ done: this.done, total: this.total, current });
    }
  }

  flush(): void {
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    this.store.transaction((w) => {
      for (const nb of batch) {
        const r = w.insert(nb);
        if (r.outcome === 'skipped') this.counts.skipped++;
        else {
          this.counts.notebooks++;
          if (r.outcome === 'duplicate') this.counts.duplicates++;
          this.counts.codeCells += r.codeCells;
          this.counts.markdownCells += r.markdownCells;
        }
      }
    });
  }

  /** Writes what is pending and indexes this import's cells for search; an import that failed part-way calls it too. */
  finish(): void {
    this.flush();
    if (this.deferral === null) return;
    this.store.indexDeferred(this.deferral);
    this.deferral = null;
  }

  summary(): ImportSummary {
    this.finish();
    const seconds = (performance.now() - this.started) / 1000;
    return {
      notebooks: this.counts.notebooks,
      code_cells: this.counts.codeCells,
      duplicates: this.counts.duplicates,
      bad_files: this.bad.length,
      markdown_cells: this.counts.markdownCells,
      skipped: this.counts.skipped,
      sources: this.sourceSlugs.size,
      seconds: Math.round(seconds * 100) / 100,
      notebooks_per_s: Math.round((this.counts.notebooks + this.counts.skipped) / Math.max(seconds, 1e-3)),
      bad: this.bad,
    };
  }
}
