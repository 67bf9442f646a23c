// Renumbers variables per window (last 3 lines → next line) so `var0` means "the first variable of the context", as in the report.
import { HOLE_CLOSE, HOLE_OPEN, type MaskedLine } from './mask.ts';

export const CONTEXT_LINES = 3;
export const MAX_LEN = 20;
export const LINE_SEP = '|';

export interface Window {
  /** Renumbered input tokens (context lines joined by `|`, last MAX_LEN tokens kept). */
  input: string[];
  /** var index → the user's name. */
  names: string[];
}

function renumberTokens(raw: readonly string[], names: string[]): string[] {
  return raw.map((t) => {
    if (!t.startsWith('@')) return t;
    const name = t.slice(1);
    let i = names.indexOf(name);
    if (i < 0) i = names.push(name) - 1;
    return `var${i}`;
  });
}

/** Builds the model input from the lines before the prediction point. */
export function contextWindow(previous: readonly MaskedLine[]): Window {
  const names: string[] = [];
  const ctx = previous.slice(-CONTEXT_LINES);
  const input: string[] = [];
  ctx.forEach((l, i) => {
    if (i > 0) input.push(LINE_SEP);
    input.push(...renumberTokens(l.raw, names));
  });
  return { input: input.slice(-MAX_LEN), names };
}

/** Renumbers a target line against a window; extends `names` with the line's new variables. */
export function renumberTarget(line: MaskedLine, names: string[]): { tokens: string[]; template: string } {
  const local = [...names];
  const tokens = renumberTokens(line.raw, local);
  const re = new RegExp(`${HOLE_OPEN}v:([^${HOLE_CLOSE}]+)${HOLE_CLOSE}`, 'g');
  const template = line.template.replace(re, (_m, name: string) => {
    let i = local.indexOf(name);
    if (i < 0) i = local.push(name) - 1;
    // Variables new to the window keep their corpus name as the default spelling.
    return i < names.length ? `${HOLE_OPEN}v:${i}${HOLE_CLOSE}` : `${HOLE_OPEN}v:${i}:${name}${HOLE_CLOSE}`;
  });
  return { tokens, template };
}
