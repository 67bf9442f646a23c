// What this user accepted and dismissed, turned into per-key score offsets: chips they take rise, chips they wave away sink.
import { z } from 'zod';

export const FeedbackSchema = z.object({
  version: z.literal(1),
  /** call key → [accepts, dismissals] */
  keys: z.record(z.string(), z.tuple([z.number().int().min(0), z.number().int().min(0)])),
});

export type FeedbackJson = z.infer<typeof FeedbackSchema>;

export type FeedbackAction = 'accept' | 'dismiss';

const ACCEPT_STEP = 0.6;
const DISMISS_STEP = 0.35;
const CAP = 3;
const MAX_KEYS = 5000;

export function emptyFeedback(): FeedbackJson {
  return { version: 1, keys: {} };
}

/** Records one action on a key (a bounded table: the oldest keys go first past MAX_KEYS). */
export function recordFeedback(f: FeedbackJson, key: string, action: FeedbackAction): FeedbackJson {
  const [a, d] = f.keys[key] ?? [0, 0];
  const keys = { ...f.keys };
  delete keys[key];
  keys[key] = action === 'accept' ? [a + 1, d] : [a, d + 1];
  const names = Object.keys(keys);
  for (const old of names.slice(0, Math.max(0, names.length - MAX_KEYS))) delete keys[old];
  return { version: 1, keys };
}

/** Score offsets per key, on the reranker's log-odds scale, each within ±CAP. */
export function feedbackBias(f: FeedbackJson): Map<string, number> {
  const out = new Map<string, number>();
  for (const [key, [a, d]] of Object.entries(f.keys)) {
    const b = Math.max(-CAP, Math.min(CAP, a * ACCEPT_STEP - d * DISMISS_STEP));
    if (b !== 0) out.set(key, b);
  }
  return out;
}
