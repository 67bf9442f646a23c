// Keeps the latest unsaved version of each open notebook so a killed app loses at most the last second of edits.
// Edits and outputs are journaled apart: the editor sends its cells without outputs after every pause in typing
// (small, fast, whatever a cell prints), and the whole document with outputs on a slower cadence of its own.
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { NotebookDocSchema, type Cell, type NotebookDoc } from '../../preload/contract.ts';
import { atomicWrite } from './atomic-write.ts';

interface Entry { key: string; savedAtMs: number; doc: NotebookDoc }
export type JournalPart = 'full' | 'edits';

/** The edited cells, each with the outputs the fuller (older) entry had for it. */
function withOutputs(edits: NotebookDoc, full: NotebookDoc | null): NotebookDoc {
  const byId = new Map<string, Cell>((full?.cells ?? []).map((c) => [c.id, c]));
  const cells = edits.cells.map((c) => {
    const old = byId.get(c.id);
    return c.cell_type === 'code' && old?.cell_type === 'code' ? { ...c, outputs: old.outputs ?? [], execution_count: old.execution_count ?? null } : c;
  });
  return { ...edits, cells };
}

export class CrashJournal {
  constructor(private readonly dir: string) {}

  private file(key: string, part: JournalPart): string {
    const name = createHash('sha256').update(key).digest('hex').slice(0, 24);
    return join(this.dir, part === 'full' ? `${name}.json` : `${name}.edits.json`);
  }

  async write(key: string, doc: NotebookDoc, part: JournalPart = 'full'): Promise<void> {
    await fs.mkdir(this.dir, { recursive: true, mode: 0o700 });
    const entry: Entry = { key, savedAtMs: Date.now(), doc };
    // Each part keeps its own file; read() takes the later one (the tab sends both in the order it took them).
    await atomicWrite(this.file(key, part), JSON.stringify(entry), { durable: false });
  }

  private async readPart(key: string, part: JournalPart): Promise<{ savedAtMs: number; doc: NotebookDoc } | null> {
    try {
      const raw = JSON.parse(await fs.readFile(this.file(key, part), 'utf8')) as Partial<Entry>;
      const doc = NotebookDocSchema.safeParse(raw.doc);
      if (raw.key !== key || !doc.success || typeof raw.savedAtMs !== 'number') return null;
      return { savedAtMs: raw.savedAtMs, doc: doc.data };
    } catch {
      return null;
    }
  }

  async read(key: string): Promise<{ savedAtMs: number; doc: NotebookDoc } | null> {
    const [full, edits] = await Promise.all([this.readPart(key, 'full'), this.readPart(key, 'edits')]);
    if (edits && (!full || edits.savedAtMs >= full.savedAtMs)) return { savedAtMs: edits.savedAtMs, doc: withOutputs(edits.doc, full?.doc ?? null) };
    return full;
  }

  async clear(key: string): Promise<void> {
    await Promise.all([fs.rm(this.file(key, 'full'), { force: true }), fs.rm(this.file(key, 'edits'), { force: true })]);
  }
}
