// Keeps the latest unsaved version of each open notebook so a killed app loses at most the last second of edits.
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { NotebookDocSchema, type NotebookDoc } from '../../preload/contract.ts';
import { atomicWrite } from './atomic-write.ts';

interface Entry { key: string; savedAtMs: number; doc: NotebookDoc }

export class CrashJournal {
  constructor(private readonly dir: string) {}

  private file(key: string): string {
    return join(this.dir, `${createHash('sha256').update(key).digest('hex').slice(0, 24)}.json`);
  }

  async write(key: string, doc: NotebookDoc): Promise<void> {
    await fs.mkdir(this.dir, { recursive: true, mode: 0o700 });
    const entry: Entry = { key, savedAtMs: Date.now(), doc };
    await atomicWrite(this.file(key), JSON.stringify(entry));
  }

  async read(key: string): Promise<{ savedAtMs: number; doc: NotebookDoc } | null> {
    try {
      const raw = JSON.parse(await fs.readFile(this.file(key), 'utf8')) as Entry;
      const doc = NotebookDocSchema.safeParse(raw.doc);
      if (raw.key !== key || !doc.success || typeof raw.savedAtMs !== 'number') return null;
      return { savedAtMs: raw.savedAtMs, doc: doc.data };
    } catch {
      return null;
    }
  }

  async clear(key: string): Promise<void> {
    await fs.rm(this.file(key), { force: true });
  }
}
