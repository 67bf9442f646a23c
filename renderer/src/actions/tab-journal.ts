// This tab's own copy of unsaved edits (IndexedDB): it outlives a dead service and a reload of the page, and is
// offered back when the notebook opens again with older content.
import type { NotebookDoc } from '../../../preload/contract.ts';

export interface TabEntry { key: string; savedAtMs: number; doc: NotebookDoc }

const DB = 'gds';
const STORE = 'unsaved-edits';
let db: Promise<IDBDatabase | null> | null = null;

function open(): Promise<IDBDatabase | null> {
  db ??= new Promise((resolve) => {
    try {
      const req = indexedDB.open(DB, 1);
      req.onupgradeneeded = () => req.result.createObjectStore(STORE, { keyPath: 'key' });
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => resolve(null); // private mode or a full disk: the service's journal still stands
    } catch {
      resolve(null);
    }
  });
  return db;
}

async function run<T>(mode: IDBTransactionMode, fn: (s: IDBObjectStore) => IDBRequest<T>): Promise<T | null> {
  const d = await open();
  if (!d) return null;
  return new Promise((resolve) => {
    const req = fn(d.transaction(STORE, mode).objectStore(STORE));
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => resolve(null);
  });
}

export function keepInTab(entry: TabEntry): Promise<unknown> {
  return run('readwrite', (s) => s.put(entry));
}

export async function readFromTab(key: string): Promise<TabEntry | null> {
  return ((await run('readonly', (s) => s.get(key))) as TabEntry | undefined) ?? null;
}

export function forgetInTab(key: string): Promise<unknown> {
  return run('readwrite', (s) => s.delete(key));
}
