// The corpus browser's access to the SQLite corpus: search, notebook and source pages, "open a copy".
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { CorpusHit, CorpusNotebookView, CorpusSourceInfo, Params } from '../../preload/contract.ts';
import { defaultCorpusDb } from '../../pipeline/app-paths.ts';
import { CorpusStore } from '../../pipeline/corpus/store.ts';
import { atomicWrite } from './atomic-write.ts';
import { newCellId, serializeNotebook } from './nbformat.ts';

export class CorpusService {
  private store: CorpusStore | null = null;

  constructor(
    private readonly copiesDir: string,
    private readonly dbPath = process.env.GDS_CORPUS_DB ?? defaultCorpusDb(),
  ) {}

  private open(): CorpusStore {
    if (this.store) return this.store;
    if (!existsSync(this.dbPath)) throw new Error(`no corpus yet at ${this.dbPath}: import one with "gds import PATH" or the training wizard`);
    this.store = CorpusStore.open(this.dbPath);
    return this.store;
  }

  async search(q: Params<'corpus.search'>): Promise<CorpusHit[]> {
    const hits = this.open().search({
      query: q.query.trim() || undefined,
      api: q.api || undefined,
      source: q.source,
      stage: q.stage,
      minVotes: q.minVotes,
      limit: q.limit ?? 50,
    });
    return hits.map((h) => ({
      notebookId: h.notebookId,
      ref: h.ref,
      cellIndex: h.cellIndex,
      snippet: h.snippet,
      source: h.source ?? '',
      votes: h.votes,
    }));
  }

  async sources(): Promise<CorpusSourceInfo[]> {
    return this.open()
      .listSources()
      .map((s) => ({
        slug: s.slug,
        kind: s.kind,
        title: s.title,
        notebooks: s.notebooks,
        tags: s.tags,
        description: s.description,
        evaluation: s.evaluation,
        overview: s.overview,
        url: s.url,
      }));
  }

  async notebook(id: number): Promise<CorpusNotebookView> {
    const nb = this.open().getNotebook(id);
    if (!nb) throw new Error(`no notebook ${id} in the corpus`);
    return {
      id: nb.id,
      ref: nb.ref,
      source: nb.source,
      title: nb.title,
      author: nb.author,
      votes: nb.votes,
      duplicateOf: nb.duplicateOf,
      cells: nb.cells.map((c) => ({ index: c.index, type: c.type, source: c.source, apiCalls: c.apiCalls })),
    };
  }

  /** Writes the corpus notebook as a new .ipynb in the user's data folder, never touching the original. */
  async openCopy(id: number): Promise<{ path: string }> {
    const nb = await this.notebook(id);
    mkdirSync(this.copiesDir, { recursive: true });
    const name = `${nb.ref.replace(/[^a-zA-Z0-9._-]+/g, '_').slice(0, 80)}-${Date.now()}.ipynb`;
    const path = join(this.copiesDir, name);
    const doc = {
      cells: nb.cells.map((c) =>
        c.type === 'code'
          ? { id: newCellId(), cell_type: 'code' as const, source: c.source, metadata: {}, outputs: [], execution_count: null }
          : { id: newCellId(), cell_type: c.type, source: c.source, metadata: {} },
      ),
      metadata: { kernelspec: { name: 'python3', display_name: 'Python 3', language: 'python' }, gds: { copiedFrom: nb.ref, source: nb.source } },
      nbformat: 4,
      nbformat_minor: 5,
    };
    await atomicWrite(path, serializeNotebook(doc));
    return { path };
  }

  dispose(): void {
    this.store?.close();
    this.store = null;
  }
}
