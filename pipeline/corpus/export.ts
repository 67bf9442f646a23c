// Turns a stored notebook back into an nbformat 4 document, for the browser's "open a copy in the editor".
import type { NotebookRecord } from './types.ts';

export interface IpynbDocument {
  nbformat: 4;
  nbformat_minor: number;
  metadata: Record<string, unknown>;
  cells: Array<Record<string, unknown>>;
}

/** Source as Jupyter writes it: a list of lines, each keeping its newline. */
function lines(source: string): string[] {
  return source.split(/(?<=\n)/).filter((l) => l !== '');
}

export function notebookToIpynb(nb: NotebookRecord): IpynbDocument {
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {
      kernelspec: { name: 'python3', display_name: 'Python 3', language: 'python' },
      language_info: { name: nb.language ?? 'python' },
      // Where the copy came from, so the editor can credit the author and link back.
      gds: { corpusNotebookId: nb.id, ref: nb.ref, source: nb.source, author: nb.author, originPath: nb.originPath },
    },
    cells: nb.cells.map((c, i) => {
      const base = { id: `gds-${nb.id}-${i}`, metadata: {}, source: lines(c.source) };
      if (c.type === 'code') return { ...base, cell_type: 'code', execution_count: null, outputs: c.outputs ?? [] };
      return { ...base, cell_type: c.type };
    }),
  };
}
