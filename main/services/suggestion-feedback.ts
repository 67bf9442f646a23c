// Keeps the user's chip accepts and dismissals in the app's data folder (never leaves the machine), with a reset.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  emptyFeedback,
  FeedbackSchema,
  feedbackBias,
  recordFeedback,
  type FeedbackAction,
  type FeedbackJson,
} from '../../ml/recommender/feedback.ts';
import { atomicWrite } from './atomic-write.ts';

export class SuggestionFeedback {
  private data: FeedbackJson;
  private writing: Promise<void> = Promise.resolve();
  readonly file: string;

  constructor(
    dataDir: string,
    private readonly log: (line: string) => void,
  ) {
    this.file = join(dataDir, 'suggestion-feedback.json');
    this.data = this.read();
  }

  private read(): FeedbackJson {
    if (!existsSync(this.file)) return emptyFeedback();
    try {
      const parsed = FeedbackSchema.safeParse(JSON.parse(readFileSync(this.file, 'utf8')));
      if (parsed.success) return parsed.data;
      this.log(`${this.file}: ${parsed.error.issues[0]?.path.join('.') || 'file'}: ${parsed.error.issues[0]?.message}; starting from no feedback`);
    } catch (e) {
      this.log(`${this.file}: ${(e as Error).message}; starting from no feedback`);
    }
    return emptyFeedback();
  }

  bias(): Map<string, number> {
    return feedbackBias(this.data);
  }

  record(key: string, action: FeedbackAction): Promise<void> {
    this.data = recordFeedback(this.data, key, action);
    return this.save();
  }

  reset(): Promise<void> {
    this.data = emptyFeedback();
    return this.save();
  }

  /** Writes in order, one at a time, so a later state never loses to an earlier write. */
  private save(): Promise<void> {
    const snapshot = JSON.stringify(this.data);
    this.writing = this.writing
      .then(() => atomicWrite(this.file, snapshot))
      .catch((e: unknown) => this.log(`suggestion feedback not saved: ${(e as Error).message}`));
    return this.writing;
  }
}
