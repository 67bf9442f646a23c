// The workflow checks' findings for the active notebook, and the keys of the ones the user ignored (a mirror of the
// notebook's `metadata.gds.ignoredFindings`, the copy that is saved).
import { create } from 'zustand';
import type { CheckFinding } from '../../../preload/contract.ts';

interface ChecksState {
  findings: CheckFinding[];
  ignored: string[];
  /** Why the last check failed (a cell over the size limit, the service gone); null when it ran. */
  error: string | null;
  set(p: Partial<Omit<ChecksState, 'set'>>): void;
}

export const useChecks = create<ChecksState>((set) => ({ findings: [], ignored: [], error: null, set: (p) => set(p) }));

const NONE: CheckFinding[] = [];

/** Findings not ignored; the same array while nothing changed, so selectors stay stable. */
let memo: { findings: CheckFinding[]; ignored: string[]; visible: CheckFinding[] } = { findings: NONE, ignored: [], visible: NONE };
export function visibleFindings(s: Pick<ChecksState, 'findings' | 'ignored'>): CheckFinding[] {
  if (memo.findings !== s.findings || memo.ignored !== s.ignored) {
    const ignored = new Set(s.ignored);
    memo = { findings: s.findings, ignored: s.ignored, visible: s.findings.filter((f) => !ignored.has(f.key)) };
  }
  return memo.visible;
}

export function ignoredFindings(s: Pick<ChecksState, 'findings' | 'ignored'>): CheckFinding[] {
  const ignored = new Set(s.ignored);
  return s.findings.filter((f) => ignored.has(f.key));
}
