// Training pairs (last 3 masked lines → next masked line) grouped by stage, the shared vocabulary, and the top-3-outputs filter.
import type { Stage } from '../classifier/stages.ts';
import { STAGES } from '../classifier/stages.ts';
import { maskNotebook, type MaskedLine } from './mask.ts';
import { contextWindow, MAX_LEN, renumberTarget } from './window.ts';

export interface Pair {
  input: string[];
  output: string[];
  /** The target statement as a template in the window's variable numbering (for argument patterns). */
  template: string;
  stage: Stage;
}

export const PAD = '<pad>';
export const SOS = '<sos>';
export const EOS = '<eos>';
export const UNK = '<unk>';
export const START = '<start>';
export const SPECIALS: readonly string[] = [PAD, SOS, EOS, UNK, START, ...STAGES.map((s) => stageToken(s))];
export const MIN_COUNT = 3;

export function stageToken(stage: Stage): string {
  return `<s:${stage}>`;
}

/** An empty context still needs one encoder step. */
export function modelInput(tokens: readonly string[]): string[] {
  return tokens.length ? [...tokens] : [START];
}

/** Pairs of one notebook; the stage is that of the cell holding the last context line (the cell being typed, at inference). */
export function linePairs(lines: readonly MaskedLine[], cellStages: readonly Stage[]): Pair[] {
  const pairs: Pair[] = [];
  for (let i = 0; i < lines.length; i++) {
    const target = lines[i];
    if (!target) continue;
    const window = contextWindow(lines.slice(Math.max(0, i - 3), i));
    const { tokens, template } = renumberTarget(target, window.names);
    if (tokens.length > MAX_LEN) continue;
    const last = lines[i - 1] ?? target;
    pairs.push({ input: modelInput(window.input), output: tokens, template, stage: cellStages[last.cell] ?? 'explore' });
  }
  return pairs;
}

export function notebookPairs(cells: readonly string[], cellStages: readonly Stage[]): Pair[] {
  return linePairs(maskNotebook(cells).lines, cellStages);
}

/** Tokens seen at least MIN_COUNT times, after the specials; the ids Python trains on. */
export function buildVocab(pairs: readonly Pair[], minCount = MIN_COUNT): string[] {
  const counts = new Map<string, number>();
  for (const p of pairs) for (const t of [...p.input, ...p.output]) counts.set(t, (counts.get(t) ?? 0) + 1);
  const kept = [...counts].filter(([t, c]) => c >= minCount && !SPECIALS.includes(t)).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  return [...SPECIALS, ...kept.map(([t]) => t)];
}

export function encode(tokens: readonly string[], index: ReadonlyMap<string, number>): number[] {
  const unk = index.get(UNK) ?? 3;
  return tokens.map((t) => index.get(t) ?? unk);
}

/** Rare tokens are trimmed: a target with an unknown token can never be specialized, so its pair is dropped. */
export function trimRare(pairs: readonly Pair[], index: ReadonlyMap<string, number>): Pair[] {
  return pairs.filter((p) => p.output.every((t) => index.has(t)));
}

/** The report's filter: for each distinct input keep only pairs whose output is one of its 3 most common. */
export function keepTopOutputs(pairs: readonly Pair[], k = 3): Pair[] {
  const byInput = new Map<string, Map<string, number>>();
  for (const p of pairs) {
    const key = p.input.join(' ');
    const m = byInput.get(key) ?? new Map<string, number>();
    const out = p.output.join(' ');
    m.set(out, (m.get(out) ?? 0) + 1);
    byInput.set(key, m);
  }
  const allowed = new Map<string, Set<string>>();
  for (const [key, m] of byInput) {
    allowed.set(key, new Set([...m].sort((a, b) => b[1] - a[1]).slice(0, k).map(([o]) => o)));
  }
  return pairs.filter((p) => allowed.get(p.input.join(' '))?.has(p.output.join(' ')));
}

/** Most common template per masked output line: the argument pattern used to write the line back as code. */
export function mineTemplates(pairs: readonly Pair[], minCount = 2): Record<string, string> {
  const byOut = new Map<string, Map<string, number>>();
  for (const p of pairs) {
    const key = p.output.join(' ');
    const m = byOut.get(key) ?? new Map<string, number>();
    m.set(p.template, (m.get(p.template) ?? 0) + 1);
    byOut.set(key, m);
  }
  const out: Record<string, string> = {};
  for (const [key, m] of byOut) {
    const total = [...m.values()].reduce((a, b) => a + b, 0);
    if (total < minCount) continue;
    const best = [...m].filter(([t]) => t.length <= 240).sort((a, b) => b[1] - a[1] || a[0].length - b[0].length)[0];
    if (best) out[key] = best[0];
  }
  return out;
}
