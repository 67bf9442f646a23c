// The Monaco namespace once the editor chunk has loaded it. Modules in the main chunk (check-markers.ts) take Monaco
// from here instead of importing it, so Monaco stays out of the first screen's code: monaco.ts fills this when it is
// evaluated, before any editor exists, so code that acts on an editor always finds it.
import type { monaco } from './monaco.ts';

export type Monaco = typeof monaco;

let loaded: Monaco | null = null;

/** Called by monaco.ts, once, as Monaco loads. */
export function provideMonaco(ns: Monaco): void {
  loaded = ns;
}

/** Monaco if it has loaded (it has whenever an editor exists), else null. */
export function loadedMonaco(): Monaco | null {
  return loaded;
}
